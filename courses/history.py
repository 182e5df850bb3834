"""The change history of authored items. Every authoring action records through here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import models

from courses.models import ChangeRecord


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """field → [before, after] for the fields whose values differ."""
    return {
        k: [before.get(k), after.get(k)]
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


def record_change(
    user: User | AnonymousUser | None,
    item: models.Model,
    summary: str,
    changes: dict[str, list[Any]] | None = None,
) -> ChangeRecord:
    return ChangeRecord.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        user=user if isinstance(user, User) else None,
        summary=summary[:300],
        changes=changes or {},
    )


def history_of(item: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).select_related("user")
