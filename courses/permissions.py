"""Who may author which course. The role checks themselves are `accounts.roles`.

- Admins (superusers or the Admin group) do everything, in every course.
- Instructors author only the courses whose staff they are, and see only those courses'
  students' results.
- Students author nothing and see only published content.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.roles import is_admin, is_instructor
from courses.models import Course


def authored_courses(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Course]:
    """The courses whose content `user` may create and edit (and whose results they see)."""
    if is_admin(user):
        return Course.objects.all()
    if is_instructor(user):
        return Course.objects.filter(staff=user)  # type: ignore[misc]
    return Course.objects.none()


def can_author(user: AbstractBaseUser | AnonymousUser, course: Course) -> bool:
    return is_admin(user) or (is_instructor(user) and course.staff.filter(pk=user.pk or 0).exists())
