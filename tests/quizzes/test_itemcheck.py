"""The item-writing checker, pure: each check fires on a flawed item and stays quiet on a sound
one. The examples are made up for these tests (a bakery, a library, a weather station)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from courses.bloom import BloomLevel
from quizzes.itemcheck import (
    Finding,
    Item,
    check_bank,
    check_item,
    index_concepts,
    near_duplicates,
)

NO_CONCEPTS = index_concepts({})


def option(oid: str, text: str, correct: bool = False) -> dict[str, Any]:
    return {"id": oid, "text": text, "correct": correct, "feedback": ""}


def single(*options: dict[str, Any], prompt: str = "Which one?") -> dict[str, Any]:
    return {"id": "q", "kind": "single", "prompt": prompt, "options": list(options)}


def item(
    *parts: Mapping[str, Any],
    slug: str = "an-item",
    stem: str = "A short stem.",
    bloom: int = BloomLevel.UNDERSTAND,
    waivers: Mapping[str, str] | None = None,
) -> Item:
    return Item(slug, slug.replace("-", " "), bloom, stem, list(parts), ("c",), waivers or {})


def codes(findings: Sequence[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


# --------------------------------------------------------------------------- length cue


def test_a_key_much_longer_than_every_distractor_is_flagged_on_its_field() -> None:
    flawed = item(
        single(
            option("a", "Bake more bread."),
            option(
                "b",
                "Bake the same amount but move the oven schedule earlier so the morning rush is covered.",
                True,
            ),
            option("c", "Close on Mondays."),
        )
    )

    found = check_item(flawed, NO_CONCEPTS)

    assert codes(found) == ["longest-is-key"]
    assert found[0].field == "parts[0].options[1].text"


def test_a_key_as_long_as_a_distractor_is_not_flagged() -> None:
    sound = item(
        single(
            option("a", "Move the oven schedule earlier so the rush is covered."),
            option("b", "Hire a second baker for the weekday morning shift.", True),
            option("c", "Close the shop on Mondays to save on staff costs."),
        )
    )

    assert check_item(sound, NO_CONCEPTS) == []


# --------------------------------------------------------------------------- wording cues


def test_all_of_the_above_is_flagged() -> None:
    flawed = item(
        single(
            option("a", "Flour"),
            option("b", "Yeast"),
            option("c", "All of the above", True),
        )
    )

    assert "all-or-none-of-the-above" in codes(check_item(flawed, NO_CONCEPTS))


def test_absolute_words_only_in_wrong_options_are_flagged() -> None:
    flawed = item(
        single(
            option("a", "Sourdough always rises faster than yeasted dough."),
            option("b", "A cooler kitchen slows the rise of most doughs.", True),
            option("c", "Salt never affects how dough rises at any point."),
        )
    )

    assert codes(check_item(flawed, NO_CONCEPTS)) == ["absolutes-in-distractors"]


def test_absolute_words_in_the_key_as_well_are_not_a_cue() -> None:
    sound = item(
        single(
            option("a", "Sourdough always rises faster than yeasted dough."),
            option("b", "Dough never rises below freezing point at all.", True),
            option("c", "Salt never affects how dough rises at any point."),
        )
    )

    assert check_item(sound, NO_CONCEPTS) == []


def test_an_absolute_true_false_statement_keyed_false_is_flagged() -> None:
    statement = {
        "id": "s",
        "kind": "true_false",
        "prompt": "A bigger oven always bakes bread faster.",
        "options": [option("true", "True"), option("false", "False", True)],
    }

    assert codes(check_item(item(statement), NO_CONCEPTS)) == ["absolute-statement-keyed-false"]


def test_a_multiple_response_part_with_every_option_correct_is_flagged() -> None:
    every = {
        "id": "m",
        "kind": "multiple",
        "prompt": "Which are grains?",
        "options": [
            option("a", "Wheat", True),
            option("b", "Rye", True),
            option("c", "Oats", True),
        ],
    }

    assert codes(check_item(item(every), NO_CONCEPTS)) == ["all-options-correct"]


# --------------------------------------------------------------------------- Bloom


def test_an_evaluate_item_with_a_one_line_stem_and_no_justification_is_flagged() -> None:
    recall = item(
        single(option("a", "Rye flour"), option("b", "Wheat flour", True)),
        bloom=BloomLevel.EVALUATE,
    )

    found = check_item(recall, NO_CONCEPTS)

    assert codes(found) == ["bloom-without-judgement"]
    assert found[0].field == "bloom"


def test_an_evaluate_item_with_a_written_justification_is_not_flagged() -> None:
    justified = item(
        single(option("a", "Rye flour"), option("b", "Wheat flour", True)),
        {"id": "why", "kind": "free_text", "prompt": "Why?", "rubric": RUBRIC},
        bloom=BloomLevel.EVALUATE,
    )

    assert "bloom-without-judgement" not in codes(check_item(justified, NO_CONCEPTS))


# --------------------------------------------------------------------------- give-aways

LIBRARY_CONCEPT = (
    "Libraries lend books for a fixed period.\n\n"
    "## Worked example\n\n"
    "A small village library in Hollowmere has one clerk, a bookmobile that visits the "
    "quarry hamlets on Thursdays, and a waiting list of forty readers for a new thriller. "
    "The clerk proposes shortening the loan period; the board proposes buying extra copies. "
    "Shortening the loan is the better plan here because the budget is spent.\n\n"
    "Other libraries face other constraints."
)
LIBRARY_STEM = (
    "The Hollowmere village library has a single clerk, a bookmobile that serves the quarry "
    "hamlets every Thursday, and forty readers waiting for one popular thriller. Its budget "
    "for the year is spent. The clerk wants shorter loans; the board wants extra copies. "
    "Which plan should the library adopt?"
)


def test_a_scenario_worked_through_in_a_concept_is_flagged_even_reworded() -> None:
    concepts = index_concepts({"lending": LIBRARY_CONCEPT, "other": "Unrelated text. " * 30})
    given_away = item(
        single(
            option("a", "Buy extra copies of the thriller for the waiting list."),
            option("b", "Shorten the loan period so copies come back sooner.", True),
        ),
        stem=LIBRARY_STEM,
        bloom=BloomLevel.EVALUATE,
    )

    found = check_item(given_away, concepts)

    assert codes(found) == ["answer-in-concept"]
    assert "lending" in found[0].message


def test_the_same_question_about_another_scenario_is_not_flagged() -> None:
    concepts = index_concepts({"lending": LIBRARY_CONCEPT})
    fresh = item(
        single(
            option("a", "Buy extra copies of the cookbook for the waiting list."),
            option("b", "Shorten the loan period so copies come back sooner.", True),
        ),
        stem=(
            "A university law faculty's reading room holds two copies of a casebook that every "
            "first-year student needs before the exam. Money for the term is gone, and students "
            "complain that the copies are always out. What should the reading room change?"
        ),
        bloom=BloomLevel.EVALUATE,
    )

    assert check_item(fresh, concepts) == []


def test_a_keyed_option_copied_from_a_concept_is_flagged() -> None:
    concepts = index_concepts(
        {
            "weather": "A barometer that falls quickly over a few hours usually signals an approaching storm front."
        }
    )
    copied = item(
        single(
            option("a", "A rising barometer over a whole day tells of a storm that is coming."),
            option(
                "b",
                "A barometer that falls quickly over a few hours usually signals a storm.",
                True,
            ),
        )
    )

    assert codes(check_item(copied, concepts)) == ["answer-in-concept"]


# --------------------------------------------------------------------------- rubrics

RUBRIC: dict[str, Any] = {
    "model_answers": ["Wheat flour has more gluten, so the loaf rises higher."],
    "criteria": [
        {
            "id": "gluten",
            "title": "Names gluten",
            "looks_for": "Explains the role of gluten.",
            "key_ideas": [{"id": "gluten", "phrasings": ["more gluten", "gluten network"]}],
            "levels": [
                {"points": 0, "descriptor": "No reason."},
                {"points": 2, "descriptor": "Gluten.", "min_ideas": 1},
            ],
        }
    ],
}


def free_text(rubric: dict[str, Any]) -> dict[str, Any]:
    return {"id": "why", "kind": "free_text", "prompt": "Why does it rise?", "rubric": rubric}


def test_a_model_answer_that_earns_full_marks_passes() -> None:
    assert check_item(item(free_text(RUBRIC)), NO_CONCEPTS) == []


def test_a_model_answer_below_full_marks_is_flagged() -> None:
    short = {**RUBRIC, "model_answers": ["It tastes nicer and bakes quickly."]}

    found = check_item(item(free_text(short)), NO_CONCEPTS)

    assert codes(found) == ["model-answer-below-full"]
    assert found[0].field == "parts[0].rubric.model_answers[0]"


def test_a_misconception_that_the_model_answer_triggers_is_flagged() -> None:
    criterion = {
        **RUBRIC["criteria"][0],
        "misconceptions": [
            {"id": "rises-higher", "phrasings": ["rises higher"], "effect": "cap", "level": 0}
        ],
    }
    trap = {**RUBRIC, "criteria": [criterion]}

    assert "model-answer-triggers-misconception" in codes(
        check_item(item(free_text(trap)), NO_CONCEPTS)
    )


def test_an_unreadable_rubric_is_reported_not_raised() -> None:
    assert codes(check_item(item(free_text({"criteria": []})), NO_CONCEPTS)) == [
        "rubric-unreadable"
    ]


# --------------------------------------------------------------------------- waivers


def test_a_waived_finding_is_listed_with_its_reason_and_not_counted() -> None:
    waived = item(
        single(option("a", "Flour"), option("b", "Yeast"), option("c", "All of the above", True)),
        waivers={"all-or-none-of-the-above": "This item teaches the format on purpose."},
    )

    report = check_bank([waived], NO_CONCEPTS)

    assert [f.waived for f in report.findings] == ["This item teaches the format on purpose."]
    assert report.unwaived == []


# --------------------------------------------------------------------------- the bank


def ovens(slug: str, wording: str) -> Item:
    return item(
        single(
            option("a", "Preheat the deck oven longer before loading the dough."),
            option("b", "Lower the steam so the crust sets before the crumb.", True),
        ),
        slug=slug,
        stem=wording,
    )


def test_near_duplicate_items_are_paired_and_different_ones_are_not() -> None:
    a = ovens(
        "crust-a", "A bakery's sourdough loaves come out pale with a soft crust from the deck oven."
    )
    b = ovens(
        "crust-b", "The sourdough loaves of a bakery leave the deck oven pale, with a soft crust."
    )
    c = item(
        single(option("a", "Rain gauge"), option("b", "Anemometer", True)),
        slug="wind",
        stem="A weather station needs to record gusts on the ridge above the valley.",
    )

    pairs = {(x.slug, y.slug) for x, y, _ in near_duplicates([a, b, c])}

    assert pairs == {("crust-a", "crust-b")}
    report = check_bank([a, b, c], NO_CONCEPTS)
    assert sorted(f.slug for f in report.findings if f.code == "near-duplicate") == [
        "crust-a",
        "crust-b",
    ]


def test_the_bank_reports_a_length_cue_and_unbalanced_keys() -> None:
    long_keys = [
        item(
            single(
                option("a", "Short."),
                option("b", f"A much longer and far more qualified key, number {i}.", True),
            ),
            slug=f"long-{i}",
            stem=f"Stem about topic {i} with its own words: {'abcdefghijklmnop'[i]}.",
        )
        for i in range(10)
    ]
    false_keyed = [
        item(
            {
                "id": "s",
                "kind": "true_false",
                "prompt": f"Statement {i} about ovens.",
                "options": [option("true", "True"), option("false", "False", True)],
            },
            slug=f"tf-{i}",
            stem=f"Statement stem {i} {'qrstuvwxyz'[i % 10]}.",
        )
        for i in range(6)
    ]

    report = check_bank(long_keys + false_keyed, NO_CONCEPTS)

    bank = {f.code for f in report.findings if not f.slug}
    assert bank == {"bank-length-cue", "bank-true-false-balance"}
    assert report.longest_key_share == 1.0
    assert report.true_share == 0.0


@pytest.mark.parametrize("keyed_true", [3, 4])
def test_a_balanced_true_false_bank_is_not_flagged(keyed_true: int) -> None:
    items = [
        item(
            {
                "id": "s",
                "kind": "true_false",
                "prompt": f"Statement {i}.",
                "options": [
                    option("true", "True", i < keyed_true),
                    option("false", "False", i >= keyed_true),
                ],
            },
            slug=f"tf-{i}",
            stem=f"Stem {i} {'abcdefgh'[i]}.",
        )
        for i in range(7)
    ]

    report = check_bank(items, NO_CONCEPTS)

    assert "bank-true-false-balance" not in {f.code for f in report.findings}
