"""`reverse` for a page per object, reversed once per page kind rather than once per row."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# A number no object has: its URL, split around it, makes the URL of any id.
_SLOT = 987654321


def url_of_id(viewname: str) -> Callable[[int], str]:
    """A function giving `reverse(viewname, args=[pk])` for any pk, after one `reverse`."""
    slot = str(_SLOT)
    url = reverse(viewname, args=[_SLOT])
    if url.count(slot) != 1:  # the number is part of the prefix too: reverse each time
        return lambda pk: reverse(viewname, args=[pk])
    head, _, tail = url.partition(slot)
    return lambda pk: f"{head}{pk}{tail}"
