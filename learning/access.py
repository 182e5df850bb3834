"""Who sees which learner model. A student sees only their own; an instructor only the students
of their courses; admins every course. "Missing" and "not yours" are both 404."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.roles import can_author_anything
from courses.models import Course
from courses.permissions import authored_courses
from learning.models import PracticeItem, PracticeSession


def require_student(user: AbstractBaseUser | AnonymousUser) -> None:
    """Learner pages are for signed-in users (anyone who studies: a visitor gets 404)."""
    if not user.is_authenticated:
        raise Http404


def access_own_course(user: AbstractBaseUser | AnonymousUser, course_slug: str) -> Course:
    """A course whose own learner model the signed-in user looks at."""
    require_student(user)
    return get_object_or_404(Course, slug=course_slug)


def access_class_course(user: AbstractBaseUser | AnonymousUser, course_slug: str) -> Course:
    """A course whose students' models the user may see: its instructors and admins.
    Students get 403; an instructor of another course gets 404, as for a missing course."""
    if not can_author_anything(user):
        raise PermissionDenied
    return get_object_or_404(authored_courses(user), slug=course_slug)


def class_students(course: Course) -> QuerySet[User]:
    """The students whose models an instructor of `course` sees: those with evidence in it."""
    return (
        User.objects.filter(evidence__course=course)
        .distinct()
        .order_by("username")
        .only("username")
    )


def access_session(user: AbstractBaseUser | AnonymousUser, session_id: int) -> PracticeSession:
    """The student's own practice session."""
    require_student(user)
    session = (
        PracticeSession.objects.select_related("course", "focus")
        .filter(pk=session_id, student_id=user.pk)
        .first()
    )
    if session is None:
        raise Http404("No such practice session.")
    return session


def access_practice_item(session: PracticeSession, position: int) -> PracticeItem:
    item = (
        PracticeItem.objects.select_related("version")
        .filter(session=session, position=position)
        .first()
    )
    if item is None:
        raise Http404("No such question in this session.")
    return item
