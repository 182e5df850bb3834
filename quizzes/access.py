"""One access function per object type. "Missing" and "not yours" are both 404."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import can_author_anything
from courses.access import access_authored_course
from courses.permissions import authored_courses
from quizzes.models import Attempt, Question, Quiz


def access_quiz(course_slug: str, quiz_slug: str) -> Quiz:
    return get_object_or_404(
        Quiz.objects.select_related("course", "chapter"), course__slug=course_slug, slug=quiz_slug
    )


def access_attempt(user: AbstractBaseUser | AnonymousUser, attempt_id: int) -> Attempt:
    """The student's own attempt. It never writes: the views that must bring an overdue
    attempt up to date with the clock call `actions.finish_overdue` themselves."""
    if not user.is_authenticated:
        raise Http404
    try:  # `get`, not `first`: no ORDER BY to build; the attempt pages never show the chapter
        return Attempt.objects.select_related("quiz__course").get(pk=attempt_id, student_id=user.pk)
    except Attempt.DoesNotExist:
        raise Http404("No such attempt.") from None


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
