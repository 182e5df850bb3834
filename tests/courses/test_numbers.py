"""The queue's number formatting is the template filter's, for every float it can show."""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from hypothesis import given
from hypothesis import strategies as st

from courses.numbers import two_places

floats = st.floats(allow_nan=True, allow_infinity=True) | st.floats(min_value=-1e7, max_value=1e7)


@given(floats)
def test_two_places_is_floatformat_2(value: float) -> None:
    assert two_places(value) == floatformat(value, 2)


@given(floats)
def test_two_places_dropping_zeros_is_floatformat_minus_2(value: float) -> None:
    assert two_places(value, drop_zeros=True) == floatformat(value, "-2")


def test_halves_round_up_and_minus_zero_is_shown_as_zero() -> None:
    assert [two_places(x) for x in (0.125, 0.005, -0.001, 2.675)] == [
        "0.13",
        "0.01",
        "0.00",
        "2.68",
    ]
    assert [two_places(x, drop_zeros=True) for x in (3.0, -0.0, 2.5)] == ["3", "0", "2.50"]
