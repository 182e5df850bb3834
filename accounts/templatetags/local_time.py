"""A moment as the student reads it: in the active time zone (accounts.middleware), named."""

from __future__ import annotations

from datetime import datetime

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
