"""How the statistics page writes its numbers: a missing figure is a dash, never 0."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.634 → "63 %"; None → "—"."""
    return "—" if value is None else f"{100 * value:.0f} %"


@register.filter
def corr(value: float | None) -> str:
    """A correlation or an index with two decimals; None → "—"."""
    return "—" if value is None else f"{value:.2f}"


@register.filter
def points(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")
