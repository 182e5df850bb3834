"""One access function per object type. "Missing" and "not yours" are both 404."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.access import access_authored_course
from courses.permissions import authored_courses, can_author_anything
from quizzes.models import Answer, Attempt, GradeDecision, Question, Quiz, RegradeRun


def access_quiz(course_slug: str, quiz_slug: str) -> Quiz:
    return get_object_or_404(
        Quiz.objects.select_related("course", "chapter"), course__slug=course_slug, slug=quiz_slug
    )


def access_attempt(user: AbstractBaseUser | AnonymousUser, attempt_id: int) -> Attempt:
    """The student's own attempt. It never writes: the views that must bring an overdue
    attempt up to date with the clock call `actions.finish_overdue` themselves."""
    if not user.is_authenticated:
        raise Http404
    attempt = (
        Attempt.objects.select_related("quiz__course", "quiz__chapter")
        .filter(pk=attempt_id, student_id=user.pk)
        .first()
    )
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def access_results(
    user: AbstractBaseUser | AnonymousUser, course_slug: str, quiz_slug: str
) -> Quiz:
    """A quiz whose results the user may see: its course's instructors, and admins.
    Students get 403; an instructor of another course gets 404, as for a missing quiz."""
    if not can_author_anything(user):
        raise PermissionDenied
    return get_object_or_404(
        Quiz.objects.select_related("course", "chapter").filter(course__in=authored_courses(user)),
        course__slug=course_slug,
        slug=quiz_slug,
    )


def access_quiz_for_author(
    user: AbstractBaseUser | AnonymousUser, course_slug: str, quiz_slug: str
) -> Quiz:
    """A quiz of a course the user authors, for the quiz builder (403 for students, 404 for
    another course's quiz)."""
    course = access_authored_course(user, course_slug)
    return get_object_or_404(
        Quiz.objects.select_related("course", "chapter"), course=course, slug=quiz_slug
    )


def access_question_for_author(
    user: AbstractBaseUser | AnonymousUser, course_slug: str, question_slug: str
) -> Question:
    """A question of a course the user authors (403 for students, 404 for another course's)."""
    course = access_authored_course(user, course_slug)
    return get_object_or_404(
        Question.objects.select_related("current", "course"), course=course, slug=question_slug
    )


def answers_for_review(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Answer]:
    """The answers the user may review: graded by rubric (they have points to give), in
    submitted attempts of courses the user authors; none for anyone else."""
    return Answer.objects.filter(
        max_points__isnull=False,
        item__attempt__submitted_at__isnull=False,
        item__attempt__quiz__course__in=authored_courses(user),
    ).select_related(
        "item__version__question", "item__attempt__quiz__course", "item__attempt__student"
    )


def access_answer_for_review(user: AbstractBaseUser | AnonymousUser, answer_id: int) -> Answer:
    """One answer the user may review (see `answers_for_review`), or 404."""
    return get_object_or_404(answers_for_review(user), pk=answer_id)


def quizzes_for_review(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Quiz]:
    """The quizzes whose answers the user may review (the review queue's filter lists them)."""
    return Quiz.objects.filter(course__in=authored_courses(user))


def decisions_for_review(user: AbstractBaseUser | AnonymousUser) -> QuerySet[GradeDecision]:
    """The grading decisions made on answers the user may review."""
    return GradeDecision.objects.filter(
        answer__item__attempt__quiz__course__in=authored_courses(user)
    )


def regrade_runs_for_review(user: AbstractBaseUser | AnonymousUser) -> QuerySet[RegradeRun]:
    """The re-grading runs of questions in courses the user authors."""
    return RegradeRun.objects.filter(version__question__course__in=authored_courses(user))


def access_regrade_run(user: AbstractBaseUser | AnonymousUser, run_id: int) -> RegradeRun:
    """A re-grading run of a question in a course the user authors, or 404."""
    return get_object_or_404(
        regrade_runs_for_review(user).select_related("version__question"), pk=run_id
    )
