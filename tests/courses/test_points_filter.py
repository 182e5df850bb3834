"""The `points` template filter writes what `floatformat:"-2"` writes, faster for whole numbers."""

from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat

from courses.templatetags.stepwise import points


@pytest.mark.parametrize(
    "value",
    [
        0,
        3,
        -2,
        12345678,
        0.0,
        -0.0,
        4.0,
        -3.0,
        2.5,
        1 / 3,
        2.675,
        0.005,
        1e16,
        999999999999999.0,
        Decimal("2.50"),
        Decimal("3"),
        "2.0",
        "1.25",
        "not a number",
        "",
        None,
        True,
    ],
)
def test_points_are_written_as_floatformat_minus_two_writes_them(value: object) -> None:
    assert points(value) == floatformat(value, "-2")


def test_whole_points_drop_their_decimals_and_others_keep_two() -> None:
    assert (points(4.0), points(2.5), points(7)) == ("4", "2.50", "7")
