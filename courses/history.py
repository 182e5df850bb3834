"""The change history of authored items. Every authoring action records through here."""

from __future__ import annotations

from dataclasses import dataclass
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


# ---------------------------------------------------------------------------------------------
# The one formatter of a history for the authoring pages (concepts, tags, questions, quizzes)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str  # both shortened for display


@dataclass(frozen=True)
class HistoryRow:
    record: ChangeRecord
    changes: list[FieldChange]


def shown(value: Any, limit: int = 120) -> str:
    """A recorded value as one short line: "—" for nothing, a list joined, a part "(part)"."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, dict):
        return "(part)"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_changes(changes: dict[str, Any]) -> list[FieldChange]:
    """One row per changed field; a changed question part names what changed in it."""
    rows = []
    for name, pair in changes.items():
        if not isinstance(pair, list):
            continue
        before, after = [*pair, None, None][:2]
        field = name.replace("_", " ")
        if isinstance(before, dict) and isinstance(after, dict):
            keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            rows.append(FieldChange(field, "", f"changed {', '.join(keys)}"))
        elif isinstance(after, dict) and before is None:
            rows.append(FieldChange(field, "", f"added ({after.get('kind')})"))
        elif isinstance(before, dict) and after is None:
            rows.append(FieldChange(field, f"({before.get('kind')})", "removed"))
        else:
            rows.append(FieldChange(field, shown(before), shown(after)))
    return rows


def history_rows(item: models.Model, limit: int | None = None) -> list[HistoryRow]:
    """The item's change history, newest first: who, when, what (one query)."""
    records = history_of(item)
    if limit is not None:
        records = records[:limit]
    return [HistoryRow(r, field_changes(r.changes or {})) for r in records]
