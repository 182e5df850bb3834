"""How the review pages fetch their objects: answers, decisions and re-grading runs of the
courses the user authors; anything else is a 404."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.permissions import authored_courses
from quizzes.models import Answer, Quiz
from quizzes.visibility import shown_to
from review.models import GradeDecision, Notification, RegradeRequest, RegradeRun


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


def access_own_answer_for_regrade(user: AbstractBaseUser | AnonymousUser, answer_id: int) -> Answer:
    """A written answer of the user's own submitted attempt whose marks the review options
    show now (a regrade request needs a grade the student can see), or 404."""
    if not user.is_authenticated:
        raise Http404("No such answer.")
    answer = get_object_or_404(
        Answer.objects.filter(
            max_points__isnull=False,
            item__attempt__student_id=user.pk,
            item__attempt__submitted_at__isnull=False,
        ).select_related("item__version", "item__attempt__quiz__course"),
        pk=answer_id,
    )
    if not shown_to(user, answer.item.attempt).marks:
        raise Http404("No such answer.")
    return answer


def regrade_requests_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[RegradeRequest]:
    """The regrade requests the user made."""
    if not user.is_authenticated:
        return RegradeRequest.objects.none()
    return RegradeRequest.objects.filter(student_id=user.pk).select_related(
        "answer__item__version", "answer__item__attempt__quiz"
    )


def notifications_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def answers_of_part_for_review(
    user: AbstractBaseUser | AnonymousUser, version_id: int, part_id: str
) -> QuerySet[Answer]:
    """A question part's answers the user may review (see `answers_for_review`)."""
    return answers_for_review(user).filter(item__version_id=version_id, part_id=part_id)
