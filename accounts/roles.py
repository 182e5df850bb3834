"""The three roles: Student, Instructor, Admin, as Django groups with their permissions, and
the checks every app makes on them (`is_admin`, `is_instructor`, `can_author_anything`).

The checks live here, in the app every other app already builds on, so `config`'s admin site
or any feature app asks "is this an admin?" without importing a feature app. What an
instructor may author *in a course* needs the course's staff: `courses.permissions`.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission

STUDENT = "Student"
INSTRUCTOR = "Instructor"
ADMIN = "Admin"

# app_label → model names whose add/change/delete/view permissions each role gets.
_INSTRUCTOR_MODELS = {
    "courses": ["concept", "prerequisite", "chapter"],
    "quizzes": ["question", "questionversion", "part", "quiz", "rubric", "attempt", "answer"],
}
_ADMIN_APPS = ["courses", "quizzes", "review"]


def ensure_groups(**_: object) -> None:
    """Create or refresh the role groups. Idempotent; runs after every migrate."""
    Group.objects.get_or_create(name=STUDENT)
    instructor, _created = Group.objects.get_or_create(name=INSTRUCTOR)
    perms = Permission.objects.filter(
        content_type__app_label__in=list(_INSTRUCTOR_MODELS)
    ).select_related("content_type")
    instructor.permissions.set(
        [p for p in perms if p.content_type.model in _INSTRUCTOR_MODELS[p.content_type.app_label]]
        + [
            p
            for p in perms
            if p.content_type.app_label == "courses" and p.codename.startswith("view_")
        ]
    )
    admin, _created = Group.objects.get_or_create(name=ADMIN)
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=_ADMIN_APPS)
        | Permission.objects.filter(content_type__app_label="auth", codename__startswith="view_")
        # Login throttling: see the attempts and unlock (delete them)
        | Permission.objects.filter(content_type__app_label="axes")
    )


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
