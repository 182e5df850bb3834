"""Which time zone a page shows times in, and why.

Precedence (docs/time-zones.md):

1. the viewer's explicit profile setting, a zone (`Profile.time_zone`);
2. the browser's own zone (the `tz` cookie written by static/js/timezone.js) — the zone the
   viewer is actually in — unless the profile says "always the course's zone";
3. on a course's pages, the course's zone (`Course.time_zone`, default `TIME_ZONE`);
4. the server's `TIME_ZONE`.

Every shown time names its zone (accounts.templatetags.local_time.zoned), so a time is never
ambiguous whichever rule chose the zone. The middleware applies 1, 2 and 4; views of a course
call `use_course_zone` for 3. The profile's choice is copied into the session at log-in and
when saved, so no page spends a query on it."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

SESSION_KEY = "stepwise_time_zone"
COURSE = "course"  # the profile value "always the course's zone"

# How the request's zone was chosen (set by the middleware on the request).
FROM_PROFILE, FROM_BROWSER, FROM_SERVER = "profile", "browser", "server"


@cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def known_zone(name: str) -> ZoneInfo | None:
    """The zone `name` names, or None: checked against the known zone names, never used as a
    path (`ZoneInfo("../x")` would look for a file)."""
    if not name or len(name) > 64 or name not in zone_names():
        return None
    return ZoneInfo(name)


def validate_time_zone(name: str) -> None:
    if known_zone(name) is None:
        raise ValidationError(
            "Not a time zone name; use an IANA name such as Europe/Paris or America/New_York.",
            code="time_zone",
        )


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zone_names())]


def use_course_zone(request: HttpRequest, course_zone: str) -> None:
    """On a course's page: show its times in the course's zone unless the viewer's own
    setting or browser has said otherwise (rule 3 above)."""
    source = getattr(request, "time_zone_source", FROM_SERVER)
    if source == FROM_PROFILE:
        return
    if source == FROM_BROWSER and request.session.get(SESSION_KEY) != COURSE:
        return
    zone = known_zone(course_zone)
    if zone is not None:
        timezone.activate(zone)
