"""The header's notifications link and its unread count, read from the cache (no query)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from review.notify import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    # a callable: the template calls it only where the header shows it, so a fragment that
    # never names it does not load the user
    return {"unread_notifications": lambda: unread_count(user)}
