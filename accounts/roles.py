"""The three roles: Student, Instructor, Admin, as Django groups with their permissions, and
the checks every app makes on them (`is_admin`, `is_instructor`, `can_author_anything`).

The checks live here, in the app every other app already builds on, so `config`'s admin site
or any feature app asks "is this an admin?" without importing a feature app. What an
instructor may author *in a course* needs the course's staff: `courses.permissions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db.models import CharField, Value
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

    def tag(name: str) -> Value:
        return Value(name, output_field=CharField())

    groups = (
        Group.objects.filter(user__pk=user_id).values_list(tag(_ROLE), "name", tag("")).order_by()
    )
    through_groups = (
        Permission.objects.filter(group__user__pk=user_id)
        .values_list(tag(_GROUP_PERMISSION), "content_type__app_label", "codename")
        .order_by()
    )
    own = (
        Permission.objects.filter(user__pk=user_id)
        .values_list(tag(_OWN_PERMISSION), "content_type__app_label", "codename")
        .order_by()
    )
    found: dict[str, set[str]] = {_ROLE: set(), _GROUP_PERMISSION: set(), _OWN_PERMISSION: set()}
    for what, first, second in groups.union(through_groups, own, all=True):
        found[what].add(first if what == _ROLE else f"{first}.{second}")
    mine, theirs = found[_OWN_PERMISSION], found[_GROUP_PERMISSION]
    return Access(frozenset(found[_ROLE]), frozenset(mine | theirs)), mine, theirs


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
