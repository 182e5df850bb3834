"""Tags are offered by their path from the top of their tree (“Science / Formal Science /
Computing Sciences”), and every menu of tags is sorted by that path as shown, so a tag sits right
under its parent: the bank's filters, the concept and question editors, the admin's bulk tagging
and the tag manager all use these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Case, IntegerField, QuerySet, Value, When

from courses.models import Tag

SEPARATOR = " / "


def paths(tags: Iterable[Tag]) -> dict[int, str]:
    """Each tag's path, from tags that include its ancestors (a missing parent or a loop ends
    the path there)."""
    by_pk = {t.pk: t for t in tags}
    out: dict[int, str] = {}
    for tag in by_pk.values():
        names: list[str] = []
        seen: set[int] = set()
        t: Tag | None = tag
        while t is not None and t.pk not in seen:
            seen.add(t.pk)
            names.append(t.name)
            t = by_pk.get(t.parent_id) if t.parent_id else None
        out[tag.pk] = SEPARATOR.join(reversed(names))
    return out


def sort_key(path: str) -> tuple[str, str]:
    """Alphabetical, ignoring case; a parent's path is a prefix of its children's, so it comes
    first."""
    return path.casefold(), path


class _ByPath:
    """A model choice field of tags labelled and ordered by path: `offer(queryset)` sets what it
    offers (one query reads every tag's name and parent; the field's own query is ordered)."""

    paths: dict[int, str]
    queryset: Any

    def offer(self, queryset: QuerySet[Tag]) -> None:
        self.paths = paths(Tag.objects.only("pk", "name", "parent_id"))
        order = sorted(self.paths, key=lambda pk: sort_key(self.paths[pk]))
        position = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(order)],
            default=Value(len(order)),
            output_field=IntegerField(),
        )
        self.queryset = queryset.order_by(position, "pk")

    def label_from_instance(self, obj: Any) -> str:
        return getattr(self, "paths", {}).get(obj.pk) or str(obj.name)


class TagChoice(_ByPath, forms.ModelChoiceField):
    """One tag, chosen from a menu sorted by path."""


class TagChoices(_ByPath, forms.ModelMultipleChoiceField):
    """Several tags, ticked in a list sorted by path."""
