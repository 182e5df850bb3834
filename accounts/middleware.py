"""Times in the student's time zone: a small script (static/js/timezone.js) stores the
browser's IANA zone in the `tz` cookie; this middleware activates it when it names a real
zone. Anything else (no cookie, no JavaScript, a forged value) leaves the server's TIME_ZONE."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

COOKIE = "tz"


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_from_cookie(value: str) -> ZoneInfo | None:
    """The zone a cookie names, or None: checked against the known zone names, never used as
    a path (`ZoneInfo("../x")` would look for a file)."""
    if not value or len(value) > 64 or value not in _zones():
        return None
    return ZoneInfo(value)


class TimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = zone_from_cookie(request.COOKIES.get(COOKIE, ""))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
