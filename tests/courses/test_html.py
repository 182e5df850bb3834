"""`courses.html` escapes exactly as Django does."""

from __future__ import annotations

from django.utils import html as django_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from courses.html import escape, format_html


@given(st.text())
def test_escape_is_djangos_conditional_escape(value: str) -> None:
    assert escape(value) == django_html.conditional_escape(value)


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none()))
def test_anything_else_is_escaped_as_its_text_as_django_does(value: object) -> None:
    assert escape(value) == django_html.escape(str(value))


def test_html_already_safe_is_left_as_it_is_and_lazy_text_is_escaped() -> None:
    assert escape(mark_safe("<b>ok</b>")) == "<b>ok</b>"
    assert escape(gettext_lazy("a < b")) == "a &lt; b"


@given(st.text(), st.text())
def test_format_html_is_djangos(first: str, second: str) -> None:
    template = '<a href="{}">{}</a>'
    assert format_html(template, first, second) == django_html.format_html(template, first, second)
