"""Durations as people read them, never `0:00:13.228005`."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.templatetags.local_time import duration


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (timedelta(seconds=13.228005), "13 s"),
        (timedelta(minutes=4, seconds=10), "4 min 10 s"),
        (timedelta(minutes=4), "4 min"),
        (timedelta(hours=2, minutes=5, seconds=59), "2 h 5 min"),
        (timedelta(hours=2, seconds=7), "2 h"),
        (timedelta(days=3, hours=4, minutes=1), "3 d 4 h"),
        (timedelta(seconds=0.4), "0 s"),
        (timedelta(seconds=-3), "—"),
        (250, "4 min 10 s"),
        (None, ""),
    ],
)
def test_a_duration_shows_its_two_largest_units(value: timedelta | int | None, shown: str) -> None:
    assert duration(value) == shown
