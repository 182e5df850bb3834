"""How the review pages fetch their objects: answers, decisions and re-grading runs of the
courses the user authors; anything else is a 404."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from courses.models import Course
from courses.permissions import authored_courses
from quizzes.models import Answer
from quizzes.visibility import shown_to
from review.models import GradeDecision, Notification, RegradeRequest, RegradeRun

AnyUser = AbstractBaseUser | AnonymousUser


def _courses(
    user: AnyUser, course_ids: Collection[int] | None
) -> QuerySet[Course] | Collection[int]:
    """The courses a review query is limited to: `course_ids` when the caller has already read
    `authored_courses(user)` (the queue has, for its filter), otherwise that query as a subquery."""
    return authored_courses(user) if course_ids is None else course_ids


def answers_for_review(
    user: AnyUser, course_ids: Collection[int] | None = None
) -> QuerySet[Answer]:
    """The answers the user may review: graded by rubric (they have points to give), in
    submitted attempts of courses the user authors; none for anyone else. `course_ids`, when
    given, must be the ids of `authored_courses(user)`."""
    return Answer.objects.filter(
        max_points__isnull=False,
        item__attempt__submitted_at__isnull=False,
        item__attempt__quiz__course__in=_courses(user, course_ids),
    ).select_related(
        "item__version__question", "item__attempt__quiz__course", "item__attempt__student"
    )


def access_answer_for_review(user: AnyUser, answer_id: int) -> Answer:
    """One answer the user may review (see `answers_for_review`), or 404."""
    return get_object_or_404(answers_for_review(user), pk=answer_id)


def decisions_for_review(
    user: AnyUser, course_ids: Collection[int] | None = None
) -> QuerySet[GradeDecision]:
    """The grading decisions made on answers the user may review."""
    return GradeDecision.objects.filter(
        answer__item__attempt__quiz__course__in=_courses(user, course_ids)
    )


def regrade_runs_for_review(
    user: AnyUser, course_ids: Collection[int] | None = None
) -> QuerySet[RegradeRun]:
    """The re-grading runs of questions in courses the user authors."""
    return RegradeRun.objects.filter(version__question__course__in=_courses(user, course_ids))


@dataclass(frozen=True)
class ReviewScope:
    """What the review queue's filter offers: the courses the user authors and their quizzes,
    as (slug, title) pairs ordered by title, read in one query; `course_ids` then limits the
    queue's other queries without a subquery each."""

    course_ids: tuple[int, ...]
    courses: tuple[tuple[str, str], ...]
    quizzes: tuple[tuple[str, str], ...]


def review_scope(user: AnyUser) -> ReviewScope:
    rows = authored_courses(user).values_list(
        "id", "slug", "title", "quizzes__slug", "quizzes__title"
    )
    courses: dict[int, tuple[str, str]] = {}
    quizzes: list[tuple[str, str]] = []
    for course_id, slug, title, quiz_slug, quiz_title in rows:
        courses[course_id] = (slug, title)
        if quiz_slug is not None:
            quizzes.append((quiz_slug, quiz_title))
    return ReviewScope(
        course_ids=tuple(courses),
        courses=tuple(sorted(courses.values(), key=lambda c: (c[1], c[0]))),
        quizzes=tuple(sorted(quizzes, key=lambda q: (q[1], q[0]))),
    )


def access_regrade_run(user: AnyUser, run_id: int) -> RegradeRun:
    """A re-grading run of a question in a course the user authors, or 404."""
    return get_object_or_404(
        regrade_runs_for_review(user).select_related("version__question"), pk=run_id
    )


def access_own_answer_for_regrade(user: AnyUser, answer_id: int) -> Answer:
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


def regrade_requests_of(user: AnyUser) -> QuerySet[RegradeRequest]:
    """The regrade requests the user made."""
    if not user.is_authenticated:
        return RegradeRequest.objects.none()
    return RegradeRequest.objects.filter(student_id=user.pk).select_related(
        "answer__item__version", "answer__item__attempt__quiz"
    )


def notifications_of(user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def answers_of_part_for_review(user: AnyUser, version_id: int, part_id: str) -> QuerySet[Answer]:
    """A question part's answers the user may review (see `answers_for_review`)."""
    return answers_for_review(user).filter(item__version_id=version_id, part_id=part_id)
