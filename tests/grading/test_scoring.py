"""Exact scoring of objective parts (grading/scoring.py); the worked examples of docs/grading.md."""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grading.scoring import (
    ChoiceResponse,
    ChoiceSpec,
    MatchingResponse,
    MatchingSpec,
    OptionDetail,
    OptionSpec,
    OrderingResponse,
    OrderingSpec,
    PairDetail,
    PairSpec,
    PositionDetail,
    Response,
    ResponseError,
    Spec,
    SpecError,
    combine_attempts,
    concordant_fraction,
    right_ids,
    score,
    validate,
)

Method = Literal["highest", "last", "mean"]
METHODS: tuple[Method, ...] = ("highest", "last", "mean")

# --- the parts of the worked examples in docs/grading.md -------------------------------------

SINGLE = ChoiceSpec(
    "single", (OptionSpec("a", False), OptionSpec("b", True), OptionSpec("c", False))
)
TRUE_FALSE = ChoiceSpec("true_false", (OptionSpec("true", True), OptionSpec("false", False)))
MULTIPLE = ChoiceSpec(
    "multiple",
    (
        OptionSpec("a", True),
        OptionSpec("b", True),
        OptionSpec("c", True),
        OptionSpec("d", False),
        OptionSpec("e", False),
    ),
    points=2,
)
MATCHING = MatchingSpec(
    (
        PairSpec("classify", "Tag support emails", "Encoder-only model"),
        PairSpec("translate", "Translate manuals", "Encoder-decoder model"),
        PairSpec("chat", "Reply to customers", "Decoder-only model"),
    ),
    distractors=("Convolutional network",),
)
STEPS = ("tokenize", "forward", "select", "append", "repeat")
ORDERING = OrderingSpec(STEPS)


def choose(*ids: str) -> ChoiceResponse:
    return ChoiceResponse(frozenset(ids))


def match(**matches: str) -> MatchingResponse:
    return MatchingResponse(matches)


def order(*ids: str) -> OrderingResponse:
    return OrderingResponse(ids)


# --- single choice and true/false ------------------------------------------------------------


@pytest.mark.parametrize(
    ("selected", "points", "correct"),
    [(("b",), 1.0, True), (("a",), 0.0, False), ((), 0.0, False)],
)
def test_single_choice_earns_full_points_only_for_exactly_the_correct_option(
    selected: tuple[str, ...], points: float, correct: bool
) -> None:
    result = score(SINGLE, choose(*selected))
    assert (result.points, result.max_points, result.correct) == (points, 1.0, correct)


def test_single_choice_with_two_options_selected_is_a_response_error() -> None:
    with pytest.raises(ResponseError, match=r"^a single part takes one option, got 2: a, b$"):
        score(SINGLE, choose("a", "b"))


def test_true_false_earns_full_points_for_the_correct_answer_and_nothing_for_the_other() -> None:
    assert score(TRUE_FALSE, choose("true")).points == 1.0
    assert score(TRUE_FALSE, choose("false")).points == 0.0


def test_true_false_with_both_answers_selected_is_a_response_error() -> None:
    with pytest.raises(ResponseError, match=r"^a true_false part takes one option, got 2"):
        validate(TRUE_FALSE, choose("true", "false"))


def test_choice_detail_reports_every_option_in_order_with_whether_it_was_handled_right() -> None:
    detail = score(SINGLE, choose("a")).detail
    assert detail == (
        OptionDetail("a", correct=False, selected=True),
        OptionDetail("b", correct=True, selected=False),
        OptionDetail("c", correct=False, selected=False),
    )
    assert [d.right for d in detail if isinstance(d, OptionDetail)] == [False, False, True]


# --- multiple response -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selected", "points", "correct"),
    [
        (("a", "b", "c"), 2.0, True),
        (("a", "b"), 1.3333, False),
        (("a", "b", "d"), 0.6667, False),
        (("a", "b", "c", "d", "e"), 0.6667, False),
        (("a", "d", "e"), 0.0, False),
        (("d",), 0.0, False),
    ],
)
def test_multiple_response_scores_right_minus_wrong_over_the_correct_options_floored_at_zero(
    selected: tuple[str, ...], points: float, correct: bool
) -> None:
    result = score(MULTIPLE, choose(*selected))
    assert (result.points, result.max_points, result.correct) == (points, 2.0, correct)


def test_the_module_docstring_example_in_grading_md_scores_as_shown() -> None:
    result = score(MULTIPLE, ChoiceResponse(frozenset({"a", "b", "d"})))
    assert (result.points, result.max_points, result.correct) == (0.6667, 2.0, False)
    assert len(result.detail) == 5


def test_an_unknown_option_is_a_response_error_naming_it_and_the_options() -> None:
    with pytest.raises(ResponseError, match=r"^unknown option z \(the options are a, b, c\)$"):
        validate(SINGLE, choose("z"))
    with pytest.raises(ResponseError, match="unknown option z"):
        score(MULTIPLE, choose("a", "z"))


# --- matching --------------------------------------------------------------------------------


def test_matching_right_ids_are_the_pair_ids_then_d0_d1_for_the_distractors() -> None:
    assert right_ids(MATCHING) == ("classify", "translate", "chat", "d0")


@pytest.mark.parametrize(
    ("matches", "points", "correct"),
    [
        ({"classify": "classify", "translate": "translate", "chat": "chat"}, 1.0, True),
        ({"classify": "classify", "translate": "translate", "chat": "d0"}, 0.6667, False),
        ({"classify": "classify", "translate": "chat", "chat": "translate"}, 0.3333, False),
        ({"classify": "classify"}, 0.3333, False),
        ({"classify": "d0", "translate": "d0", "chat": "d0"}, 0.0, False),
    ],
)
def test_matching_scores_the_fraction_of_pairs_matched_correctly(
    matches: dict[str, str], points: float, correct: bool
) -> None:
    result = score(MATCHING, MatchingResponse(matches))
    assert (result.points, result.max_points, result.correct) == (points, 1.0, correct)


def test_matching_detail_reports_each_pair_with_the_chosen_and_expected_right_id() -> None:
    detail = score(MATCHING, match(classify="classify", chat="d0")).detail
    assert detail == (
        PairDetail("classify", chosen="classify", expected="classify"),
        PairDetail("translate", chosen=None, expected="translate"),
        PairDetail("chat", chosen="d0", expected="chat"),
    )
    assert [d.right for d in detail if isinstance(d, PairDetail)] == [True, False, False]


def test_a_pair_id_not_in_the_part_is_a_response_error() -> None:
    with pytest.raises(
        ResponseError,
        match=r"^pair nope is not in this part \(the pairs are classify, translate, chat\)$",
    ):
        validate(MATCHING, match(nope="classify"))


def test_a_right_id_not_offered_is_a_response_error() -> None:
    with pytest.raises(
        ResponseError,
        match=r"^pair chat is matched to 'd1', which is not offered "
        r"\(the right-hand ids are classify, translate, chat, d0\)$",
    ):
        score(MATCHING, match(chat="d1"))


def test_matching_response_is_a_read_only_copy_of_the_mapping_given() -> None:
    given_matches = {"classify": "classify"}
    response = MatchingResponse(given_matches)
    given_matches["chat"] = "chat"
    assert dict(response.matches) == {"classify": "classify"}
    with pytest.raises(TypeError):
        response.matches["chat"] = "chat"  # type: ignore[index]


# --- ordering --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_order", "points", "positions_right"),
    [
        (("tokenize", "forward", "select", "append", "repeat"), 1.0, 5),
        (("tokenize", "forward", "append", "select", "repeat"), 0.9, 3),
        (("forward", "select", "append", "repeat", "tokenize"), 0.6, 0),
        (("repeat", "forward", "select", "append", "tokenize"), 0.3, 3),
        (("repeat", "append", "select", "forward", "tokenize"), 0.0, 1),
    ],
)
def test_ordering_scores_the_fraction_of_item_pairs_in_the_right_relative_order(
    given_order: tuple[str, ...], points: float, positions_right: int
) -> None:
    result = score(ORDERING, OrderingResponse(given_order))
    assert result.points == points
    assert result.correct is (given_order == STEPS)
    assert sum(d.right for d in result.detail if isinstance(d, PositionDetail)) == positions_right


def test_ordering_with_one_item_moved_keeps_credit_that_per_position_scoring_would_zero() -> None:
    result = score(ORDERING, order("forward", "select", "append", "repeat", "tokenize"))
    assert result.points == 0.6
    assert not any(d.right for d in result.detail if isinstance(d, PositionDetail))


def test_ordering_detail_reports_each_position_from_one_with_placed_and_expected_items() -> None:
    detail = score(ORDERING, order("tokenize", "forward", "append", "select", "repeat")).detail
    assert detail[2] == PositionDetail(3, placed="append", expected="select")
    assert [d.position for d in detail if isinstance(d, PositionDetail)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("given_order", "message"),
    [
        (("tokenize", "forward", "select", "append"), r"\(missing repeat\)$"),
        (
            ("tokenize", "forward", "select", "select", "append"),
            r"\(missing repeat; listed more than once: select\)$",
        ),
        (
            ("tokenize", "forward", "select", "append", "repeat", "detokenize"),
            r"\(not items: detokenize\)$",
        ),
        (
            ("tokenize", "forward", "select", "append", "stop"),
            r"\(missing repeat; not items: stop\)$",
        ),
    ],
)
def test_an_ordering_that_is_not_a_permutation_of_the_items_is_a_response_error(
    given_order: tuple[str, ...], message: str
) -> None:
    with pytest.raises(
        ResponseError, match=r"^the order must list each item exactly once " + message
    ):
        score(ORDERING, OrderingResponse(given_order))


def test_concordant_fraction_is_one_for_the_correct_order_and_zero_for_the_reverse() -> None:
    assert concordant_fraction(STEPS, STEPS) == 1.0
    assert concordant_fraction(STEPS, STEPS[::-1]) == 0.0
    assert concordant_fraction(("a", "b"), ("b", "a")) == 0.0


# --- empty responses, wrong types, rounding --------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "empty", "n_detail"),
    [
        (SINGLE, ChoiceResponse(), 3),
        (TRUE_FALSE, ChoiceResponse(frozenset()), 2),
        (MULTIPLE, ChoiceResponse(), 5),
        (MATCHING, MatchingResponse(), 3),
        (MATCHING, MatchingResponse({}), 3),
        (ORDERING, OrderingResponse(), 5),
    ],
)
def test_an_empty_response_scores_zero_with_full_detail(
    spec: Spec, empty: Response, n_detail: int
) -> None:
    validate(spec, empty)
    result = score(spec, empty)
    assert (result.points, result.max_points, result.correct) == (0.0, spec.points, False)
    assert len(result.detail) == n_detail
    assert not any(getattr(d, "selected", False) for d in result.detail)
    assert all(getattr(d, "chosen", None) is None for d in result.detail)
    assert all(getattr(d, "placed", None) is None for d in result.detail)


@pytest.mark.parametrize("spec", [SINGLE, TRUE_FALSE, MULTIPLE, MATCHING, ORDERING])
def test_no_response_at_all_scores_zero_and_is_valid(spec: Spec) -> None:
    validate(spec, None)
    result = score(spec, None)
    assert (result.points, result.max_points, result.correct) == (0.0, spec.points, False)


def test_a_missing_ordering_has_no_item_placed_in_any_position() -> None:
    detail = score(ORDERING, None).detail
    assert all(isinstance(d, PositionDetail) and d.placed is None for d in detail)


def test_a_response_of_the_wrong_type_for_the_part_is_a_response_error() -> None:
    with pytest.raises(
        ResponseError, match=r"^this part needs a ChoiceResponse, got OrderingResponse$"
    ):
        validate(SINGLE, order("a"))
    with pytest.raises(ResponseError, match="needs a MatchingResponse"):
        score(MATCHING, choose("classify"))
    with pytest.raises(ResponseError, match="needs a OrderingResponse"):
        validate(ORDERING, match(tokenize="forward"))


def test_response_error_is_a_value_error() -> None:
    assert issubclass(ResponseError, ValueError)


def test_points_are_rounded_to_four_decimals() -> None:
    spec = ChoiceSpec("multiple", tuple(OptionSpec(c, True) for c in "abc"), points=1 / 7)
    result = score(spec, choose("a"))
    assert result.points == round(1 / 21, 4) == 0.0476
    assert result.max_points == 0.1429


# --- specifications that cannot be scored ----------------------------------------------------


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ChoiceSpec("single", (OptionSpec("a", True),)), "at least 2 options"),
        (
            lambda: ChoiceSpec("single", (OptionSpec("a", True), OptionSpec("b", True))),
            "exactly one correct option, got 2",
        ),
        (
            lambda: ChoiceSpec("multiple", (OptionSpec("a", False), OptionSpec("b", False))),
            "at least one correct option",
        ),
        (
            lambda: ChoiceSpec("single", (OptionSpec("a", True), OptionSpec("a", False))),
            "option ids repeated: a",
        ),
        (
            lambda: ChoiceSpec("true_false", (OptionSpec("yes", True), OptionSpec("no", False))),
            "options true and false",
        ),
        (
            lambda: ChoiceSpec(
                "single", (OptionSpec("a", True), OptionSpec("b", False)), points=-1
            ),
            "at least 0",
        ),
        (lambda: OrderingSpec(("a", "b"), points=float("nan")), "finite"),
        (lambda: OrderingSpec(("a",)), "at least 2 items"),
        (lambda: OrderingSpec(("a", "b", "a")), "item ids repeated: a"),
        (lambda: MatchingSpec((PairSpec("p", "l", "r"),)), "at least 2 pairs"),
        (
            lambda: MatchingSpec((PairSpec("p", "l1", "r"), PairSpec("q", "l2", "r"))),
            "right texts .* repeated: r",
        ),
        (
            lambda: MatchingSpec(
                (PairSpec("p", "l1", "r1"), PairSpec("q", "l2", "r2")), distractors=("r1",)
            ),
            "right texts .* repeated: r1",
        ),
        (
            lambda: MatchingSpec((PairSpec("p", "l", "r1"), PairSpec("q", "l", "r2"))),
            "left texts repeated: l",
        ),
        (
            lambda: MatchingSpec(
                (PairSpec("d0", "l1", "r1"), PairSpec("q", "l2", "r2")), distractors=("x",)
            ),
            "pair ids d0 clash with the distractor ids",
        ),
    ],
)
def test_a_specification_breaking_the_content_format_is_a_spec_error(
    build: object, message: str
) -> None:
    assert callable(build)
    with pytest.raises(SpecError, match=message):
        build()


def test_a_pair_named_like_a_distractor_is_fine_when_the_part_has_no_such_distractor() -> None:
    spec = MatchingSpec((PairSpec("d0", "l1", "r1"), PairSpec("q", "l2", "r2")))
    assert score(spec, match(d0="d0", q="q")).correct


# --- combining attempts ----------------------------------------------------------------------


@pytest.mark.parametrize(("method", "expected"), [("highest", 0.9), ("last", 0.7), ("mean", 0.7)])
def test_combine_attempts_takes_the_highest_the_last_or_the_mean(
    method: Method, expected: float
) -> None:
    assert combine_attempts([0.5, 0.9, 0.7], method) == expected


def test_combine_attempts_mean_is_rounded_to_four_decimals() -> None:
    assert combine_attempts([1, 0, 0], "mean") == 0.3333


@pytest.mark.parametrize("method", METHODS)
def test_combine_attempts_of_no_attempts_is_none(method: Method) -> None:
    assert combine_attempts([], method) is None


def test_combine_attempts_with_an_unknown_method_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown method 'best'"):
        combine_attempts([1.0], "best")  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------------

POINTS = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0, 10.0]),
    st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False),
)


@st.composite
def choice_specs(draw: st.DrawFn) -> ChoiceSpec:
    kind = draw(st.sampled_from(["single", "multiple", "true_false"]))
    if kind == "true_false":
        truth = draw(st.booleans())
        options: tuple[OptionSpec, ...] = (
            OptionSpec("true", truth),
            OptionSpec("false", not truth),
        )
        return ChoiceSpec("true_false", options, draw(POINTS))
    n = draw(st.integers(min_value=2, max_value=8))
    if kind == "single":
        right = draw(st.integers(min_value=0, max_value=n - 1))
        flags = [i == right for i in range(n)]
        options = tuple(OptionSpec(f"o{i}", f) for i, f in enumerate(flags))
        return ChoiceSpec("single", options, draw(POINTS))
    flags = draw(st.lists(st.booleans(), min_size=n, max_size=n).filter(any))
    options = tuple(OptionSpec(f"o{i}", f) for i, f in enumerate(flags))
    return ChoiceSpec("multiple", options, draw(POINTS))


@st.composite
def choice_responses(draw: st.DrawFn, spec: ChoiceSpec) -> ChoiceResponse:
    ids = [o.id for o in spec.options]
    if spec.kind == "multiple":
        return ChoiceResponse(frozenset(draw(st.lists(st.sampled_from(ids), unique=True))))
    return ChoiceResponse(frozenset(draw(st.lists(st.sampled_from(ids), max_size=1))))


@st.composite
def matching_specs(draw: st.DrawFn) -> MatchingSpec:
    n = draw(st.integers(min_value=2, max_value=6))
    k = draw(st.integers(min_value=0, max_value=3))
    pairs = tuple(PairSpec(f"p{i}", f"left {i}", f"right {i}") for i in range(n))
    return MatchingSpec(pairs, tuple(f"extra {i}" for i in range(k)), draw(POINTS))


@st.composite
def matching_responses(draw: st.DrawFn, spec: MatchingSpec) -> MatchingResponse:
    offered = right_ids(spec)
    matches = {}
    for pair in spec.pairs:
        if draw(st.booleans()):
            matches[pair.id] = draw(st.sampled_from(offered))
    return MatchingResponse(matches)


@st.composite
def ordering_specs(draw: st.DrawFn) -> OrderingSpec:
    n = draw(st.integers(min_value=2, max_value=9))
    return OrderingSpec(tuple(f"i{i}" for i in range(n)), draw(POINTS))


@given(st.data())
def test_every_score_lies_between_zero_and_the_maximum(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(["choice", "matching", "ordering"]))
    if kind == "choice":
        choice = data.draw(choice_specs())
        result = score(choice, data.draw(choice_responses(choice)))
    elif kind == "matching":
        matching = data.draw(matching_specs())
        result = score(matching, data.draw(matching_responses(matching)))
    else:
        ordering = data.draw(ordering_specs())
        result = score(
            ordering, OrderingResponse(tuple(data.draw(st.permutations(ordering.items))))
        )
    assert 0.0 <= result.points <= result.max_points
    assert result.max_points >= 0.0


@given(choice_specs())
def test_selecting_exactly_the_correct_options_always_earns_the_maximum(spec: ChoiceSpec) -> None:
    result = score(spec, ChoiceResponse(spec.correct_ids))
    assert result.correct
    assert result.points == result.max_points == round(spec.points, 4)
    assert all(d.right for d in result.detail if isinstance(d, OptionDetail))


@given(matching_specs())
def test_matching_every_pair_to_its_own_right_text_always_earns_the_maximum(
    spec: MatchingSpec,
) -> None:
    result = score(spec, MatchingResponse({p.id: p.id for p in spec.pairs}))
    assert result.correct
    assert result.points == result.max_points


@given(ordering_specs())
def test_the_correct_order_always_earns_the_maximum(spec: OrderingSpec) -> None:
    result = score(spec, OrderingResponse(spec.items))
    assert result.correct
    assert result.points == result.max_points


@given(ordering_specs())
def test_the_reversed_order_always_earns_zero(spec: OrderingSpec) -> None:
    result = score(spec, OrderingResponse(spec.items[::-1]))
    assert result.points == 0.0
    assert not result.correct


@given(ordering_specs(), st.data())
def test_only_the_correct_order_is_marked_correct(spec: OrderingSpec, data: st.DataObject) -> None:
    given_order = tuple(data.draw(st.permutations(spec.items)))
    result = score(spec, OrderingResponse(given_order))
    assert result.correct is (given_order == spec.items)
    positions = [d.right for d in result.detail if isinstance(d, PositionDetail)]
    assert positions == [a == b for a, b in zip(given_order, spec.items, strict=True)]


@given(choice_specs().filter(lambda s: s.kind == "multiple"))
def test_selecting_every_option_earns_right_minus_wrong_over_right_floored_at_zero(
    spec: ChoiceSpec,
) -> None:
    c = len(spec.correct_ids)
    w = len(spec.options) - c
    result = score(spec, ChoiceResponse(frozenset(spec.option_ids)))
    assert result.points == round(max(0.0, (c - w) / c) * spec.points, 4)


@given(choice_specs().filter(lambda s: s.kind == "multiple"), st.data())
def test_the_score_does_not_depend_on_the_order_the_selection_is_given_in(
    spec: ChoiceSpec, data: st.DataObject
) -> None:
    chosen = data.draw(st.lists(st.sampled_from(spec.option_ids), unique=True))
    shuffled = data.draw(st.permutations(chosen))
    assert score(spec, ChoiceResponse(frozenset(chosen))) == score(
        spec, ChoiceResponse(frozenset(shuffled))
    )


@given(matching_specs(), st.data())
def test_the_score_does_not_depend_on_the_order_the_matches_are_given_in(
    spec: MatchingSpec, data: st.DataObject
) -> None:
    response = data.draw(matching_responses(spec))
    items = data.draw(st.permutations(list(response.matches.items())))
    assert score(spec, response) == score(spec, MatchingResponse(dict(items)))


@given(ordering_specs(), st.data())
def test_swapping_two_neighbours_of_the_correct_order_loses_exactly_one_pair(
    spec: OrderingSpec, data: st.DataObject
) -> None:
    n = len(spec.items)
    i = data.draw(st.integers(min_value=0, max_value=n - 2))
    swapped = list(spec.items)
    swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    pairs = n * (n - 1) // 2
    assert concordant_fraction(spec.items, swapped) == (pairs - 1) / pairs


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1))
def test_combined_attempts_lie_between_the_lowest_and_highest_attempt(
    scores: list[float],
) -> None:
    for method in METHODS:
        value = combine_attempts(scores, method)
        assert value is not None
        assert round(min(scores), 4) <= value <= round(max(scores), 4)
