"""A moment as the student reads it: in the active time zone (accounts.middleware), named."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import dateformat, timezone

register = template.Library()


@register.filter
def zoned(moment: datetime | None, fmt: str = "j M Y, H:i") -> str:
    """ "21:00 IST (Asia/Kolkata)", "15:30 UTC": the abbreviation where the zone has a word
    for it, and the zone's name whenever the abbreviation is not that name."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    name = timezone.get_current_timezone_name()
    abbreviation = local.tzname() or ""
    if abbreviation == name:
        label = name
    elif abbreviation.isalpha():
        label = f"{abbreviation} ({name})"
    else:  # zones whose abbreviation is an offset, "+03"
        label = f"({name})"
    return f"{dateformat.format(local, fmt)} {label}"


@register.filter
def duration(value: timedelta | float | int | None) -> str:
    """A time taken as people say it: "13 s", "4 min 10 s", "2 h 5 min", "3 d 4 h". Whole
    seconds (rounded down), the two largest units that are not zero; "0 s" for nothing."""
    if value is None or value == "":
        return ""
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else value)
    if seconds < 0:
        return "—"
    units = [("d", 86400), ("h", 3600), ("min", 60), ("s", 1)]
    parts: list[tuple[int, str]] = []
    for name, size in units:
        count, seconds = divmod(seconds, size)
        if count or parts:
            parts.append((count, name))
    shown = [f"{count} {name}" for count, name in parts[:2] if count]
    return " ".join(shown) or "0 s"
