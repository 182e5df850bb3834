"""The review decision form parses what a grader posts; the decision itself judges it."""

import pytest
from django.http import QueryDict

from grading.rubric import Criterion, KeyIdea, Level, Rubric
from review.forms import COMMENT_MAX, DecisionForm

RUBRIC = Rubric(
    model_answers=("Attention lets each token weigh every other token in the context.",),
    criteria=tuple(
        Criterion(
            id=cid,
            title=cid.title(),
            key_ideas=(KeyIdea(id="weights", phrasings=("weighs other tokens",)),),
            levels=(Level(0, "missing"), Level(1, "stated")),
        )
        for cid in ("mechanism", "context")
    ),
)


def form(body: str) -> DecisionForm:
    return DecisionForm(RUBRIC, QueryDict(body))


def test_the_chosen_levels_are_read_as_numbers_per_criterion() -> None:
    decision = form("c-mechanism=1&c-context=0&action=accept&comment=++Name+the+weights.+")

    assert decision.levels() == {"mechanism": 1, "context": 0}
    assert decision.accepting
    assert decision.comment_error() == ""
    assert decision.cleaned_data["comment"] == "Name the weights."


@pytest.mark.parametrize("forged", ["x", "-1", "", "1.5", "%00"])
def test_a_level_that_is_not_a_number_counts_as_not_chosen(forged: str) -> None:
    assert form(f"c-mechanism={forged}&c-context=1").levels() == {"context": 1}


def test_a_field_for_a_criterion_outside_the_rubric_is_ignored() -> None:
    assert form("c-mechanism=1&c-forged=0").levels() == {"mechanism": 1}


def test_an_out_of_range_level_is_passed_on_for_the_decision_to_refuse() -> None:
    assert form("c-mechanism=7").levels() == {"mechanism": 7}


def test_only_the_accept_button_asks_to_save() -> None:
    assert not form("c-mechanism=1").accepting
    assert not form("c-mechanism=1&action=preview").accepting


def test_a_nul_byte_in_the_comment_is_refused_and_the_rest_is_shown_again() -> None:
    decision = form("c-mechanism=1&action=accept&comment=Say%00+why.")

    assert decision.comment_error() == "Comment: Null characters are not allowed."
    assert decision.comment_as_typed() == "Say why."
    assert decision.levels() == {"mechanism": 1}


def test_a_long_comment_is_cut_to_the_limit_not_refused() -> None:
    decision = form(f"action=accept&comment={'a' * (COMMENT_MAX + 50)}")

    assert decision.comment_error() == ""
    assert decision.cleaned_data["comment"] == "a" * COMMENT_MAX


def test_the_view_reads_no_post_field_itself() -> None:
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "review" / "views.py").read_text()

    assert "request.POST[" not in source
    assert "request.POST.get(" not in source
