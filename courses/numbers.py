"""Numbers as pages show them, without the template filter's per-call overhead.

`two_places(x)` is `{{ x|floatformat:2 }}` and `two_places(x, drop_zeros=True)` is
`{{ x|floatformat:"-2" }}` (the `points` filter, the review queue's rows); anything unusual
(not a float, very large, not finite) goes to the filter itself
(tests/courses/test_numbers.py checks both against the filter).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.template.defaultfilters import floatformat

_CENT = Decimal("0.01")
_LARGEST = 1e6  # beyond this, leave digit grouping and exponents to the filter


def two_places(value: Any, *, drop_zeros: bool = False) -> str:
    shown = repr(value) if isinstance(value, float) else ""
    if not shown or "e" in shown or not math.isfinite(value) or abs(value) >= _LARGEST:
        # not a float, not finite, large, or tiny (the filter's own rules for exponents)
        return str(floatformat(value, "-2" if drop_zeros else 2))
    if drop_zeros and value.is_integer():
        return str(int(value))
    # the filter rounds the float's shortest repr half up, and never shows "-0.00"
    rounded = Decimal(shown).quantize(_CENT, ROUND_HALF_UP)
    return str(abs(rounded) if rounded.is_zero() else rounded)
