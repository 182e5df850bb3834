"""The result page builds each part in Python (quizzes.feedback.part_html) instead of
including templates/quizzes/_part.html once per part: the HTML must be the template's, for
every kind of feedback and every state (right, wrong, correct answer shown, matching pairs,
ordering, free-text criteria with evidence, pending, reviewed with a comment), escaped alike."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from quizzes.entries import CriterionGrade, Feedback, FreeTextGrade, PartEntry
from quizzes.feedback import Breakdown, Subscore, breakdown_html, part_html
from quizzes.parts import OptionFeedback, OrderFeedback, PairFeedback, PartFeedback


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def entry(kind: str, feedback: Feedback | None, prompt: str = "Which <one>?") -> PartEntry:
    part: Any = SimpleNamespace(kind=kind, prompt=prompt, template="")
    return PartEntry(part=part, answer=None, feedback=feedback)


def grade(reviewed: bool = False, comment: str = "") -> FreeTextGrade:
    return FreeTextGrade(
        criteria=[
            CriterionGrade(1, "Names <the> cost", 2, "Says why & how", 1.5, 2, [], True),
            CriterionGrade(2, "Gives a number", 0, "Nothing", 0, 1, ["a figure"], False),
        ],
        highlighted=SafeString('A <mark title="1">smaller</mark> model'),
        reviewed=reviewed,
        comment=comment,
    )


OPTIONS = [
    OptionFeedback("Right <b>one</b>", True, "correct", True, "Yes & well done"),
    OptionFeedback("Wrong one", True, "wrong", False, ""),
    OptionFeedback("Missed answer", False, "", True, "This was right"),
    OptionFeedback("Plain", False, "", False, ""),
]
PAIRS = [
    PairFeedback("Left A", "Right A", "Right A", True),
    PairFeedback("Left B", "Right B", "Right <C>", False),
    PairFeedback("Left C", "", "Given C", True),
    PairFeedback("Left D", "", "Given D", False),
]
ORDER = [
    OrderFeedback("First", "First", True),
    OrderFeedback("Second", "Third", False),
    OrderFeedback("", "Given <x>", True),
    OrderFeedback("", "Given y", False),
]


CASES: dict[str, PartEntry] = {
    "choice": entry("choice", Feedback(1, 2, "graded", PartFeedback(options=OPTIONS))),
    "choice_no_marks": entry("choice", Feedback(0, None, None, PartFeedback(options=OPTIONS))),
    "choice_half_point": entry("choice", Feedback(0.25, 1.5, "graded", PartFeedback())),
    "matching": entry("matching", Feedback(1, 4, "graded", PartFeedback(pairs=PAIRS))),
    "ordering": entry("ordering", Feedback(2, 4, "graded", PartFeedback(ordering=ORDER))),
    "free_text_awaiting": entry(
        "free_text", Feedback(None, 3, "awaiting", PartFeedback(text="line one\nline <two>"))
    ),
    "free_text_review": entry("free_text", Feedback(None, 3, "review", PartFeedback(text="x"))),
    "free_text_graded": entry(
        "free_text", Feedback(1.5, 3, "graded", PartFeedback(text="A smaller model"), grade())
    ),
    "free_text_reviewed": entry(
        "free_text",
        Feedback(2, 3, "graded", PartFeedback(text="t"), grade(True, "Good <work>")),
    ),
    "free_text_reviewed_silent": entry(
        "free_text", Feedback(2, 3, "graded", PartFeedback(text="t"), grade(True))
    ),
    "no_feedback": entry("numeric", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_part_html_is_the_templates_html(name: str) -> None:
    e = CASES[name]
    expected = render_to_string("quizzes/_part.html", {"entry": e, "controls": None})
    assert squeeze(part_html(e)) == squeeze(expected)


def test_the_key_texts_of_each_kind_are_there() -> None:
    choice = part_html(CASES["choice"])
    assert '<li class="is-correct">Your choice: Right &lt;b&gt;one&lt;/b&gt; — right' in choice
    assert '<br><span class="muted">Yes &amp; well done</span>' in choice
    assert '<li class="is-wrong">Your choice: Wrong one — wrong</li>' in choice
    assert "<li>Missed answer — correct answer" in choice
    assert "<p><strong>1 / 2</strong></p>" in choice
    assert "<strong>0.25 / 1.50</strong>" in part_html(CASES["choice_half_point"])
    matching = part_html(CASES["matching"])
    assert '<li class="is-wrong">Left B → Right B (you chose: Right &lt;C&gt;)</li>' in matching
    assert '<li class="is-correct">Left C → Given C — right</li>' in matching
    ordering = part_html(CASES["ordering"])
    assert '<li class="is-wrong">Second (you put: Third)</li>' in ordering
    assert '<li class="is-wrong">Given y — wrong place</li>' in ordering
    graded = part_html(CASES["free_text_graded"])
    assert '<blockquote class="evidence">A <mark title="1">smaller</mark> model' in graded
    assert "<strong>Names &lt;the&gt; cost</strong>: 1.50 / 2 — Says why &amp; how</li>" in graded
    assert "(nothing in your answer matched this criterion)" in graded
    assert "Your answer:</p>" not in graded
    assert "Graded by your instructor." not in graded
    assert "Graded by your instructor. “Good &lt;work&gt;”" in part_html(
        CASES["free_text_reviewed"]
    )
    awaiting = part_html(CASES["free_text_awaiting"])
    assert '<p class="pending">Awaiting grading.</p>' in awaiting
    assert "<blockquote>line one<br>line &lt;two&gt;</blockquote>" in awaiting
    assert "Being reviewed by your instructor." in part_html(CASES["free_text_review"])
    assert part_html(CASES["no_feedback"]) == (
        '<fieldset class="part part-numeric"><legend>Which &lt;one&gt;?</legend></fieldset>'
    )


def test_breakdown_html_is_the_includes_html() -> None:
    sections = Breakdown(
        by_bloom=[
            Subscore("Remember", 3, 4),
            Subscore("Apply <x>", 0.5, 3, pending=2),
            Subscore("Analyse", 0, 0, pending=1),
        ],
        by_concept=[],
    ).sections
    html = breakdown_html(sections)
    expected = render_to_string("includes/breakdown.html", {"sections": sections})
    assert squeeze(html) == squeeze(expected)
    assert 'value="75.0"' in html and "<strong>75%</strong>" in html
    assert "Apply &lt;x&gt;" in html and "and 2 pending" in html
    assert "pending (1 being graded)" in html and "Nothing graded yet." in html
