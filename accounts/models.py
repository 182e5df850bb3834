"""A person's own settings beside Django's User."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.zones import COURSE, known_zone


def validate_profile_zone(value: str) -> None:
    from accounts.zones import validate_time_zone

    if value and value != COURSE:
        validate_time_zone(value)


class Profile(models.Model):
    """One per user, made when first saved (a user without one has the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # "" automatic (the browser's zone, else the course's), "course" (always the course's
    # zone), or an IANA zone name; precedence in accounts/zones.py.
    time_zone = models.CharField(
        max_length=64, blank=True, default="", validators=[validate_profile_zone]
    )

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def zone_is_explicit(self) -> bool:
        return known_zone(self.time_zone) is not None
