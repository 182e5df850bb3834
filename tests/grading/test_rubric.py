"""Rubric validation and the exact dict round trip."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.rubric import (
    Rubric,
    RubricError,
    default_min_ideas,
    rubric_from_dict,
    rubric_to_dict,
)

from .conftest import DOCS_EXAMPLE, make


def errors_at(data: Any) -> str:
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(data)
    return exc.value.path


def test_the_documented_example_is_a_valid_rubric(docs_rubric: Rubric) -> None:
    c = docs_rubric.criteria[0]
    assert c.argues_for is not None and c.argues_for.option == "b"
    assert [k.id for k in c.key_ideas] == ["no-retraining", "saves-cost"]
    assert c.misconceptions[0].effect == "cap"
    assert docs_rubric.max_score == 2


def test_export_import_export_is_byte_identical_through_yaml(docs_rubric: Rubric) -> None:
    first = yaml.safe_dump(rubric_to_dict(docs_rubric), sort_keys=False)
    again = rubric_from_dict(yaml.safe_load(first))
    assert again == docs_rubric
    assert yaml.safe_dump(rubric_to_dict(again), sort_keys=False) == first


def test_export_keeps_the_documented_key_order_and_omits_defaults(docs_rubric: Rubric) -> None:
    out = rubric_to_dict(docs_rubric)
    assert list(out) == ["model_answers", "criteria"]
    crit = out["criteria"][0]
    assert list(crit) == [
        "id",
        "title",
        "looks_for",
        "argues_for",
        "key_ideas",
        "misconceptions",
        "levels",
    ]
    assert "min_ideas" not in crit["levels"][0]
    assert list(crit["misconceptions"][0]) == ["id", "phrasings", "effect", "level"]


def test_an_exported_rubric_equals_its_input_when_written_canonically() -> None:
    assert rubric_to_dict(rubric_from_dict(copy.deepcopy(DOCS_EXAMPLE))) == DOCS_EXAMPLE


def test_missing_model_answers_are_reported() -> None:
    assert errors_at(make(model_answers=[])) == "rubric.model_answers"
    data = make()
    del data["model_answers"]
    assert errors_at(data) == "rubric.model_answers"


def test_an_empty_title_is_reported_with_its_path() -> None:
    data = make()
    data["criteria"][0]["title"] = "  "
    assert errors_at(data) == "rubric.criteria[0].title"


def test_a_missing_descriptor_names_the_level() -> None:
    data = make()
    del data["criteria"][0]["levels"][1]["descriptor"]
    assert errors_at(data) == "rubric.criteria[0].levels[1].descriptor"


def test_duplicate_criterion_ids_are_refused() -> None:
    data = make()
    data["criteria"].append(copy.deepcopy(data["criteria"][0]))
    assert errors_at(data) == "rubric.criteria[1].id"


def test_duplicate_key_idea_ids_are_refused() -> None:
    data = make()
    data["criteria"][0]["key_ideas"][1]["id"] = "no-retraining"
    assert errors_at(data) == "rubric.criteria[0].key_ideas[1].id"


def test_levels_whose_points_do_not_strictly_rise_are_refused() -> None:
    data = make()
    data["criteria"][0]["levels"][2]["points"] = 1
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(data)
    assert exc.value.path == "rubric.criteria[0].levels"
    assert "strictly rise" in exc.value.message


def test_min_ideas_that_do_not_rise_are_refused() -> None:
    data = make()
    data["criteria"][0]["levels"][2]["min_ideas"] = 1
    assert errors_at(data) == "rubric.criteria[0].levels[2].min_ideas"


def test_min_ideas_above_the_number_of_key_ideas_are_refused() -> None:
    data = make()
    data["criteria"][0]["levels"][2]["min_ideas"] = 3
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(data)
    assert exc.value.path == "rubric.criteria[0].levels[2].min_ideas"
    assert "exceeds" in exc.value.message


def test_an_unknown_misconception_effect_is_refused() -> None:
    data = make()
    data["criteria"][0]["misconceptions"][0]["effect"] = "halve"
    assert errors_at(data) == "rubric.criteria[0].misconceptions[0].effect"


def test_a_cap_level_out_of_range_is_refused() -> None:
    data = make()
    data["criteria"][0]["misconceptions"][0]["level"] = 3
    assert errors_at(data) == "rubric.criteria[0].misconceptions[0].level"


def test_a_deduct_misconception_needs_positive_points() -> None:
    data = make()
    data["criteria"][0]["misconceptions"][0] = {
        "id": "m",
        "phrasings": ["x y"],
        "effect": "deduct",
    }
    assert errors_at(data) == "rubric.criteria[0].misconceptions[0].points"
    data["criteria"][0]["misconceptions"][0]["points"] = 1
    assert rubric_from_dict(data).criteria[0].misconceptions[0].points == 1


def test_a_criterion_needs_key_ideas_and_two_levels() -> None:
    data = make()
    data["criteria"][0]["key_ideas"] = []
    assert errors_at(data) == "rubric.criteria[0].key_ideas"
    data = make()
    data["criteria"][0]["levels"] = data["criteria"][0]["levels"][:1]
    assert errors_at(data) == "rubric.criteria[0].levels"


def test_unknown_fields_and_non_text_phrasings_are_refused() -> None:
    data = make()
    data["criteria"][0]["key_ideas"][0]["weight"] = 2
    assert errors_at(data) == "rubric.criteria[0].key_ideas[0].weight"
    data = make()
    data["criteria"][0]["key_ideas"][0]["phrasings"] = [1]
    assert errors_at(data) == "rubric.criteria[0].key_ideas[0].phrasings[0]"


def test_the_error_path_starts_with_the_given_where() -> None:
    with pytest.raises(RubricError) as exc:
        rubric_from_dict(make(model_answers=[]), where="questions/x.md: parts[1].rubric")
    assert str(exc.value).startswith("questions/x.md: parts[1].rubric.model_answers:")


def test_the_default_min_ideas_spread_the_key_ideas_over_the_levels() -> None:
    # level i of L levels needs ceil(i * K / (L - 1)) of K ideas
    assert [default_min_ideas(i, 3, 4) for i in range(3)] == [0, 2, 4]
    assert [default_min_ideas(i, 4, 2) for i in range(4)] == [0, 1, 2, 2]
    assert [default_min_ideas(i, 2, 1) for i in range(2)] == [0, 1]


# --------------------------------------------------------------------------- properties

_ident = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)
_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1
).filter(lambda s: s.strip() and any(ch.isalnum() for ch in s))


@st.composite
def rubric_dicts(draw: st.DrawFn) -> dict[str, Any]:
    n_crit = draw(st.integers(1, 3))
    crit_ids = draw(st.lists(_ident, min_size=n_crit, max_size=n_crit, unique=True))
    criteria = []
    for cid in crit_ids:
        k = draw(st.integers(1, 3))
        idea_ids = draw(st.lists(_ident, min_size=k, max_size=k, unique=True))
        ideas = [
            {
                "id": i,
                "phrasings": draw(
                    st.lists(
                        _text,
                        min_size=1,
                        max_size=3,
                        unique_by=lambda s: " ".join(s.lower().split()),
                    )
                ),
            }
            for i in idea_ids
        ]
        n_levels = draw(st.integers(2, 4))
        points = sorted(draw(st.sets(st.integers(0, 10), min_size=n_levels, max_size=n_levels)))
        levels: list[dict[str, Any]] = []
        for i, p in enumerate(points):
            lv: dict[str, Any] = {"points": p, "descriptor": draw(_text)}
            if i and i <= k and draw(st.booleans()):
                lv["min_ideas"] = i
            levels.append(lv)
        # explicit min_ideas must rise above the level below: keep them only if they do
        prev = -1
        for i, lv in enumerate(levels):
            needed = lv.get("min_ideas", default_min_ideas(i, n_levels, k))
            if "min_ideas" in lv and lv["min_ideas"] <= prev:
                del lv["min_ideas"]
                needed = default_min_ideas(i, n_levels, k)
            prev = max(prev, needed)
        crit: dict[str, Any] = {"id": cid, "title": draw(_text)}
        if draw(st.booleans()):
            crit["looks_for"] = draw(_text)
        if draw(st.booleans()):
            crit["argues_for"] = {"part": "choice", "option": draw(_ident)}
        crit["key_ideas"] = ideas
        if draw(st.booleans()):
            if draw(st.booleans()):
                mis = {
                    "id": "m1",
                    "phrasings": [draw(_text)],
                    "effect": "cap",
                    "level": draw(st.integers(0, n_levels - 1)),
                }
            else:
                mis = {
                    "id": "m1",
                    "phrasings": [draw(_text)],
                    "effect": "deduct",
                    "points": draw(st.integers(1, 3)),
                }
            crit["misconceptions"] = [mis]
        crit["levels"] = levels
        criteria.append(crit)
    return {"model_answers": draw(st.lists(_text, min_size=1, max_size=2)), "criteria": criteria}


@settings(max_examples=150, deadline=None)
@given(rubric_dicts())
def test_any_valid_rubric_round_trips_exactly(data: dict[str, Any]) -> None:
    try:
        rubric = rubric_from_dict(data)
    except RubricError as exc:  # the generator can still draw an invalid combination
        assert exc.path.startswith("rubric")
        return
    exported = rubric_to_dict(rubric)
    text = yaml.safe_dump(exported, sort_keys=False, allow_unicode=True)
    again = rubric_from_dict(yaml.safe_load(text))
    assert again == rubric
    assert yaml.safe_dump(rubric_to_dict(again), sort_keys=False, allow_unicode=True) == text
