"""Who may author what. One place, used by every authoring view and access function.

- Admins (superusers or the Admin group) do everything, in every course.
- Instructors author only the courses whose staff they are, and see only those courses'
  students' results.
- Students author nothing and see only published content.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import QuerySet

from accounts.roles import ADMIN, INSTRUCTOR
from courses.models import Course


def roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The names of `user`'s groups, read once per user object.

    `request.user` is loaded afresh for every request, so this is one query per request
    however many checks a page makes; a role granted meanwhile counts from the next request."""
    if not user.is_authenticated:
        return frozenset()
    cached = user.__dict__.get("_stepwise_roles")
    if cached is None:
        cached = frozenset(Group.objects.filter(user__pk=user.pk).values_list("name", flat=True))
        user.__dict__["_stepwise_roles"] = cached
    return cast(frozenset[str], cached)


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated and (getattr(user, "is_superuser", False) or ADMIN in roles(user))
    )


def is_instructor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return INSTRUCTOR in roles(user)


def can_author_anything(user: AbstractBaseUser | AnonymousUser) -> bool:
    return is_admin(user) or is_instructor(user)


def authored_courses(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Course]:
    """The courses whose content `user` may create and edit (and whose results they see)."""
    if is_admin(user):
        return Course.objects.all()
    if is_instructor(user):
        return Course.objects.filter(staff=user)  # type: ignore[misc]
    return Course.objects.none()


def can_author(user: AbstractBaseUser | AnonymousUser, course: Course) -> bool:
    return is_admin(user) or (is_instructor(user) and course.staff.filter(pk=user.pk or 0).exists())
