"""Times in the viewer's time zone (precedence in accounts/zones.py): the profile's zone,
copied into the session; else the browser's, which a small script (static/js/timezone.js)
stores in the `tz` cookie; else the server's TIME_ZONE (a course's page may then choose the
course's zone). A cookie or session value that names no real zone is ignored."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.zones import COURSE, FROM_BROWSER, FROM_PROFILE, FROM_SERVER, SESSION_KEY, known_zone

COOKIE = "tz"


def zone_from_cookie(value: str) -> ZoneInfo | None:
    """The zone a cookie names, or None."""
    return known_zone(value)


class TimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""
        zone = known_zone(chosen) if chosen and chosen != COURSE else None
        source = FROM_PROFILE
        if zone is None:
            zone = zone_from_cookie(request.COOKIES.get(COOKIE, ""))
            source = FROM_BROWSER
        if zone is None:
            source = FROM_SERVER
            timezone.deactivate()
        else:
            timezone.activate(zone)
        request.time_zone_source = source  # type: ignore[attr-defined]
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
