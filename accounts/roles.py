"""The three roles: Student, Instructor, Admin, as Django groups with their permissions, and
the checks every app makes on them (`is_admin`, `is_instructor`, `can_author_anything`).

The checks live here, in the app every other app already builds on, so `config`'s admin site
or any feature app asks "is this an admin?" without importing a feature app. What an
instructor may author *in a course* needs the course's staff: `courses.permissions`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.functional import LazyObject

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


@dataclass(frozen=True)
class Access:
    """A user's group names and permissions ("app_label.codename", their own and their
    groups'), read together."""

    roles: frozenset[str]
    permissions: frozenset[str]


_ROLE, _OWN_PERMISSION, _GROUP_PERMISSION = "role", "own", "group"


def access(user: AbstractBaseUser | AnonymousUser) -> Access:
    """`user`'s roles and permissions, read once per user object in one query (a UNION of the
    groups, the groups' permissions and the user's own).

    `request.user` is loaded afresh for every request, so a page costs one query however many
    checks it makes (the header's `perms`, the views' roles); a role granted meanwhile counts
    from the next request, as with Django's own permission cache. The permissions are also
    left where Django's `ModelBackend` keeps its own (`_perm_cache` and the two it is built
    from), so its checks on this user object read no more."""
    if not user.is_authenticated:
        return Access(frozenset(), frozenset())
    if isinstance(user, LazyObject):  # `request.user`: cache on the user the backends are given
        user.is_authenticated  # noqa: B018 (loads the user)
        user = user._wrapped
    cached = user.__dict__.get("_stepwise_access")
    if cached is None:
        cached, own, through_groups = _read_access(user.pk)
        user.__dict__["_stepwise_access"] = cached
        if not getattr(user, "is_superuser", False):  # Django's backend: a superuser has all
            user.__dict__.setdefault("_user_perm_cache", own)
            user.__dict__.setdefault("_group_perm_cache", through_groups)
            user.__dict__.setdefault("_perm_cache", own | through_groups)
    assert isinstance(cached, Access)
    return cached


def _read_access(user_id: Any) -> tuple[Access, set[str], set[str]]:
    """The user's roles and permissions, and their permissions given to the user themselves
    and through groups, apart (as `ModelBackend` caches them)."""
    found: dict[str, set[str]] = {_ROLE: set(), _GROUP_PERMISSION: set(), _OWN_PERMISSION: set()}
    with connection.cursor() as cursor:
        cursor.execute(_access_sql(), [user_id, user_id, user_id])
        for what, first, second in cursor.fetchall():
            found[what].add(first if what == _ROLE else f"{first}.{second}")
    mine, theirs = found[_OWN_PERMISSION], found[_GROUP_PERMISSION]
    return Access(frozenset(found[_ROLE]), frozenset(mine | theirs)), mine, theirs


@functools.cache
def _access_sql() -> str:
    """The query of `_read_access`, written once: every page asks it, and building the same
    UNION with the ORM cost as much CPU as Django's two permission queries together (about
    2 ms); as SQL it costs a tenth of that. Plain joins and UNION ALL, the same on SQLite and
    PostgreSQL; table names from the models."""
    q = connection.ops.quote_name
    user_model = get_user_model()
    group, permission = q(Group._meta.db_table), q(Permission._meta.db_table)
    content_type = q(ContentType._meta.db_table)
    user_groups = q(user_model.groups.through._meta.db_table)
    user_perms = q(user_model.user_permissions.through._meta.db_table)
    group_perms = q(Group.permissions.through._meta.db_table)
    return f"""
        SELECT '{_ROLE}', g.name, '' FROM {group} g
            JOIN {user_groups} ug ON ug.group_id = g.id WHERE ug.user_id = %s
        UNION ALL
        SELECT '{_GROUP_PERMISSION}', ct.app_label, p.codename FROM {permission} p
            JOIN {content_type} ct ON ct.id = p.content_type_id
            JOIN {group_perms} gp ON gp.permission_id = p.id
            JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s
        UNION ALL
        SELECT '{_OWN_PERMISSION}', ct.app_label, p.codename FROM {permission} p
            JOIN {content_type} ct ON ct.id = p.content_type_id
            JOIN {user_perms} up ON up.permission_id = p.id WHERE up.user_id = %s
    """


def roles(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    """The names of `user`'s groups (read with its permissions: one query per user object)."""
    return access(user).roles


class AccessBackend:
    """Answers permission checks from `access`; listed before Django's `ModelBackend`, which
    logs people in and loads them (this backend has no `get_user`, so it is never the one a
    session names). A check it answers "no" goes on to `ModelBackend`, which finds its caches
    already filled by `access` and reads nothing more."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None  # vouches for no one

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(access(user_obj).permissions)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated and (getattr(user, "is_superuser", False) or ADMIN in roles(user))
    )


def is_instructor(user: AbstractBaseUser | AnonymousUser) -> bool:
    return INSTRUCTOR in roles(user)


def can_author_anything(user: AbstractBaseUser | AnonymousUser) -> bool:
    return is_admin(user) or is_instructor(user)
