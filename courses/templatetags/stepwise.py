from typing import Any

from django import template
from django.utils.safestring import SafeString

from courses import markup
from courses.numbers import two_places

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Render Markdown to sanitised HTML."""
    return markup.render(text or "")


@register.filter
def markdown_problems(text: str) -> list[str]:
    """Why `text` would not render as written (too long, nested too deeply); empty if it does."""
    return markup.problems(text or "")


@register.filter
def controls_for(form: Any, part_id: str) -> list[Any]:
    """The inputs of one part of an answer form, for its plain template (none without a form)."""
    return form.controls(part_id) if form is not None and hasattr(form, "controls") else []


@register.filter(is_safe=True)
def points(value: Any) -> str:
    """`value|floatformat:"-2"` (points: up to two decimals, none when whole), without
    Django's Decimal round trip for the ints and floats points are (`courses.numbers`);
    anything else goes to `floatformat` itself, so the text is the same."""
    if type(value) is int:
        return str(value)
    return two_places(value, drop_zeros=True)
