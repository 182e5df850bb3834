"""Markdown rendering is bounded: hostile text renders (or is refused) quickly and never raises.

The inputs are sized so that the python-markdown renderer used before took minutes on them (or
raised RecursionError); bench/markup_bench.py prints the times."""

from __future__ import annotations

import pytest

from courses.markup import MAX_CHARS, MAX_DEPTH, problems, render

BIG = 50_000

HOSTILE = {
    "open brackets": "[" * BIG,
    "image openers": "![" * (BIG // 2),
    "link openers": "[a](" * (BIG // 4),
    "nested brackets": "[" * (BIG // 2) + "]" * (BIG // 2),
    "cdata openers": "<![CDATA[" * (BIG // 9),
    "angle brackets": "<" * BIG,
    "unclosed tags": "<a " * (BIG // 3),
    "stars": "*" * BIG,
    "emphasis runs": "*a **b " * (BIG // 7),
    "backticks": "`" * BIG,
    "code span openers": "`a " * (BIG // 3),
    "unclosed fences": "```a\n" * (BIG // 5),
    "lists 2000 deep on one line": "- " * 2000 + "x",
    "ordered lists 2000 deep": "1. " * 2000 + "x",
    "lists 2000 deep by indentation": "".join(" " * (2 * i) + "- x\n" for i in range(2000)),
    "quotes 2000 deep": "> " * 2000 + "x",
    "quotes and lists 2000 deep": "> - " * 2000 + "x",
    "raw tags 2000 deep": "<div>" * 2000 + "x",
    "a megabyte of prose": "Attention weighs *every* token against `the others`. " * 20_000,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_renders_without_error_and_with_bounded_output(text: str) -> None:
    html = render(text)

    assert 0 < len(html) < 10 * MAX_CHARS


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_is_refused_with_a_reason(text: str) -> None:
    found = problems(text)

    assert len(found) == 1
    assert found[0].startswith(("is too long", "is nested too deeply"))


def test_a_text_over_the_limit_is_cut_at_a_line_end_with_a_note() -> None:
    text = "A line of the concept.\n" * (MAX_CHARS // 10)

    html = render(text)

    assert html.count("A line of the concept.") < MAX_CHARS // 20
    assert "more characters) is not shown" in html
    assert problems(text) == [f"is too long: {len(text):,} characters (at most {MAX_CHARS:,})"]


def test_lists_nested_too_deeply_are_shown_as_plain_text() -> None:
    text = "- " * (MAX_DEPTH + 1) + "deep item"

    html = render(text)

    assert "<ul>" not in html and "deep item" in html
    assert problems(text)[0].startswith("is nested too deeply: lists, quotes or HTML tags")


def test_plain_text_fallback_escapes_what_it_shows() -> None:
    text = "<div>" * 100 + "<script>alert(1)</script>"

    html = render(text)

    assert "<script>" not in html and "&lt;script&gt;" in html


def test_ordinary_nesting_renders_as_markdown() -> None:
    text = "".join("    " * i + f"- level {i} with **bold**\n" for i in range(8))

    html = render(text)

    assert html.count("<ul>") == 8 and "<strong>bold</strong>" in html
    assert problems(text) == []


def test_a_lone_surrogate_or_nul_does_not_break_rendering() -> None:
    html = render("half a pair \ud800 and a nul \x00 and **bold**")

    assert "<strong>bold</strong>" in html
    assert problems("half a pair \ud800") == []


def test_tables_code_and_smart_quotes_still_render() -> None:
    text = (
        '"Quoted" -- and code:\n\n```python\nx = [1, 2]\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'
    )

    html = render(text)

    assert "“Quoted”" in html and "\N{EN DASH}" in html
    assert "<pre><code>x = [1, 2]\n</code></pre>" in html
    assert "<table>" in html and "<td>2</td>" in html


def test_scripts_and_javascript_links_are_still_removed() -> None:
    html = render('Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="a()">')

    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
