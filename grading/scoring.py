"""Exact scoring of the objective question parts (pure Python, no Django).

Part kinds `single`, `true_false`, `multiple`, `matching` and `ordering` (docs/content-format.md)
are scored here; `free_text` parts are graded against their rubric by `grading.freetext`.

    spec = ChoiceSpec("multiple", (OptionSpec("a", True), OptionSpec("b", False)), points=2)
    result = score(spec, ChoiceResponse(frozenset({"a"})))     # PartScore(points=2.0, ...)

- `validate(spec, response)` raises `ResponseError` (a `ValueError`) when the response names
  something the part does not offer; `score` validates first, so it raises the same errors.
- An empty response (`None`, no option selected, no pair matched, no order given) scores 0.
- Points are rounded to 4 decimals.

Right-hand ids of a matching part: the right text of pair `p` has the id `p` (the pair's own
id) and the distractors have the ids `d0`, `d1`, ... in the order they are listed. A response
maps left pair ids to these right ids.

The rules, with worked examples, are documented in docs/grading.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, overload

__all__ = [
    "ChoiceResponse",
    "ChoiceSpec",
    "Detail",
    "MatchingResponse",
    "MatchingSpec",
    "OptionDetail",
    "OptionSpec",
    "OrderingResponse",
    "OrderingSpec",
    "PairDetail",
    "PairSpec",
    "PartScore",
    "PositionDetail",
    "Response",
    "ResponseError",
    "Spec",
    "SpecError",
    "combine_attempts",
    "concordant_fraction",
    "distractor_id",
    "right_ids",
    "score",
    "validate",
]

DECIMALS = 4

ChoiceKind = Literal["single", "multiple", "true_false"]
CombineMethod = Literal["highest", "last", "mean"]


class ResponseError(ValueError):
    """A response that cannot be scored against its part: it names something not offered."""


class SpecError(ValueError):
    """A part specification that cannot be scored (it breaks docs/content-format.md)."""


def _check_points(points: float) -> None:
    if not (math.isfinite(points) and points >= 0):
        raise SpecError(f"points must be a finite number of at least 0, got {points!r}")


def _repeated(values: Sequence[str]) -> list[str]:
    return sorted(value for value, count in Counter(values).items() if count > 1)


def _listing(ids: Sequence[str]) -> str:
    return ", ".join(ids) if ids else "none"


# --- specifications --------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionSpec:
    id: str
    correct: bool


@dataclass(frozen=True)
class ChoiceSpec:
    """A `single`, `multiple` or `true_false` part: its options in display order."""

    kind: ChoiceKind
    options: tuple[OptionSpec, ...]
    points: float = 1.0

    def __post_init__(self) -> None:
        _check_points(self.points)
        if self.kind not in ("single", "multiple", "true_false"):
            raise SpecError(f"unknown choice kind {self.kind!r}")
        ids = [option.id for option in self.options]
        if len(ids) < 2:
            raise SpecError(f"a {self.kind} part needs at least 2 options, got {len(ids)}")
        if repeated := _repeated(ids):
            raise SpecError(f"option ids repeated: {_listing(repeated)}")
        n_correct = sum(option.correct for option in self.options)
        if self.kind == "multiple":
            if n_correct < 1:
                raise SpecError("a multiple part needs at least one correct option")
        elif n_correct != 1:
            raise SpecError(f"a {self.kind} part needs exactly one correct option, got {n_correct}")
        if self.kind == "true_false" and sorted(ids) != ["false", "true"]:
            raise SpecError(
                f"a true_false part has the options true and false, got {_listing(ids)}"
            )

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)


@dataclass(frozen=True)
class PairSpec:
    id: str
    left: str
    right: str


def distractor_id(index: int) -> str:
    """The right-hand id of the distractor at `index` (0-based) of a matching part."""
    return f"d{index}"


@dataclass(frozen=True)
class MatchingSpec:
    """A `matching` part: pairs in display order and extra right-hand texts (distractors).

    Right-hand ids: pair `p`'s own right text is `p`; distractor i is `d<i>` (`d0`, `d1`, ...).
    """

    pairs: tuple[PairSpec, ...]
    distractors: tuple[str, ...] = ()
    points: float = 1.0

    def __post_init__(self) -> None:
        _check_points(self.points)
        if len(self.pairs) < 2:
            raise SpecError(f"a matching part needs at least 2 pairs, got {len(self.pairs)}")
        ids = [pair.id for pair in self.pairs]
        if repeated := _repeated(ids):
            raise SpecError(f"pair ids repeated: {_listing(repeated)}")
        if repeated := _repeated([pair.left for pair in self.pairs]):
            raise SpecError(f"left texts repeated: {_listing(repeated)}")
        rights = [pair.right for pair in self.pairs] + list(self.distractors)
        if repeated := _repeated(rights):
            raise SpecError(f"right texts (pairs and distractors) repeated: {_listing(repeated)}")
        clashes = sorted(set(ids) & {distractor_id(i) for i in range(len(self.distractors))})
        if clashes:
            raise SpecError(
                f"pair ids {_listing(clashes)} clash with the distractor ids d0, d1, ...; "
                "rename the pairs"
            )

    @property
    def pair_ids(self) -> tuple[str, ...]:
        return tuple(pair.id for pair in self.pairs)


def right_ids(spec: MatchingSpec) -> tuple[str, ...]:
    """Every right-hand id a matching part offers: the pair ids, then `d0`, `d1`, ..."""
    return spec.pair_ids + tuple(distractor_id(i) for i in range(len(spec.distractors)))


@dataclass(frozen=True)
class OrderingSpec:
    """An `ordering` part: item ids in the correct order."""

    items: tuple[str, ...]
    points: float = 1.0

    def __post_init__(self) -> None:
        _check_points(self.points)
        if len(self.items) < 2:
            raise SpecError(f"an ordering part needs at least 2 items, got {len(self.items)}")
        if repeated := _repeated(self.items):
            raise SpecError(f"item ids repeated: {_listing(repeated)}")


Spec = ChoiceSpec | MatchingSpec | OrderingSpec


# --- responses -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceResponse:
    """The option ids the student selected (any iterable is stored as a frozenset)."""

    selected: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "selected", frozenset(self.selected))


@dataclass(frozen=True)
class MatchingResponse:
    """Left pair id -> chosen right id (a copy is stored, read-only). Unmatched pairs are absent."""

    matches: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "matches", MappingProxyType(dict(self.matches)))


@dataclass(frozen=True)
class OrderingResponse:
    """Item ids in the order the student put them."""

    order: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", tuple(self.order))


Response = ChoiceResponse | MatchingResponse | OrderingResponse


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionDetail:
    """One option: whether it is correct, whether it was selected; `right` when they agree."""

    id: str
    correct: bool
    selected: bool

    @property
    def right(self) -> bool:
        return self.correct == self.selected


@dataclass(frozen=True)
class PairDetail:
    """One pair: the right id chosen for its left text (None if unmatched) and the expected one."""

    id: str
    chosen: str | None
    expected: str

    @property
    def right(self) -> bool:
        return self.chosen == self.expected


@dataclass(frozen=True)
class PositionDetail:
    """One position (1-based): the item placed there (None if no order) and the expected one."""

    position: int
    placed: str | None
    expected: str

    @property
    def right(self) -> bool:
        return self.placed == self.expected


Detail = OptionDetail | PairDetail | PositionDetail


@dataclass(frozen=True)
class PartScore:
    """Points earned out of `max_points`; `correct` when the response is entirely right."""

    points: float
    max_points: float
    correct: bool
    detail: tuple[Detail, ...]


# --- validation ------------------------------------------------------------------------------


def _mismatch(spec: Spec, response: object) -> ResponseError:
    expected = {
        ChoiceSpec: "ChoiceResponse",
        MatchingSpec: "MatchingResponse",
        OrderingSpec: "OrderingResponse",
    }[type(spec)]
    return ResponseError(f"this part needs a {expected}, got {type(response).__name__}")


def _validate_choice(spec: ChoiceSpec, response: ChoiceResponse) -> None:
    unknown = sorted(response.selected - set(spec.option_ids))
    if unknown:
        raise ResponseError(
            f"unknown option {_listing(unknown)} (the options are {_listing(spec.option_ids)})"
        )
    if spec.kind != "multiple" and len(response.selected) > 1:
        raise ResponseError(
            f"a {spec.kind} part takes one option, got {len(response.selected)}: "
            f"{_listing(sorted(response.selected))}"
        )


def _validate_matching(spec: MatchingSpec, response: MatchingResponse) -> None:
    unknown = sorted(set(response.matches) - set(spec.pair_ids))
    if unknown:
        raise ResponseError(
            f"pair {_listing(unknown)} is not in this part (the pairs are "
            f"{_listing(spec.pair_ids)})"
        )
    offered = right_ids(spec)
    for left in spec.pair_ids:
        if left in response.matches and response.matches[left] not in offered:
            raise ResponseError(
                f"pair {left} is matched to {response.matches[left]!r}, which is not offered "
                f"(the right-hand ids are {_listing(offered)})"
            )


def _validate_ordering(spec: OrderingSpec, response: OrderingResponse) -> None:
    if not response.order:
        return  # no answer: scores 0
    given = Counter(response.order)
    problems = []
    if missing := [item for item in spec.items if item not in given]:
        problems.append(f"missing {_listing(missing)}")
    if unknown := sorted(set(given) - set(spec.items)):
        problems.append(f"not items: {_listing(unknown)}")
    if repeated := _repeated(response.order):
        problems.append(f"listed more than once: {_listing(repeated)}")
    if problems:
        raise ResponseError(
            "the order must list each item exactly once (" + "; ".join(problems) + ")"
        )


def validate(spec: Spec, response: Response | None) -> None:
    """Raise `ResponseError` if `response` cannot be scored against `spec`; None is valid."""
    if response is None:
        return
    if isinstance(spec, ChoiceSpec):
        if not isinstance(response, ChoiceResponse):
            raise _mismatch(spec, response)
        _validate_choice(spec, response)
    elif isinstance(spec, MatchingSpec):
        if not isinstance(response, MatchingResponse):
            raise _mismatch(spec, response)
        _validate_matching(spec, response)
    else:
        if not isinstance(response, OrderingResponse):
            raise _mismatch(spec, response)
        _validate_ordering(spec, response)


# --- scoring ---------------------------------------------------------------------------------


def _result(fraction: float, spec: Spec, correct: bool, detail: Sequence[Detail]) -> PartScore:
    fraction = min(max(fraction, 0.0), 1.0)
    return PartScore(
        points=round(fraction * spec.points, DECIMALS),
        max_points=round(spec.points, DECIMALS),
        correct=correct,
        detail=tuple(detail),
    )


def _score_choice(spec: ChoiceSpec, response: ChoiceResponse | None) -> PartScore:
    selected = response.selected if response is not None else frozenset()
    detail = [OptionDetail(o.id, o.correct, o.id in selected) for o in spec.options]
    correct_ids = spec.correct_ids
    if spec.kind == "multiple":
        right = len(selected & correct_ids)
        wrong = len(selected - correct_ids)
        fraction = (right - wrong) / len(correct_ids)
    else:
        fraction = 1.0 if selected == correct_ids else 0.0
    return _result(fraction, spec, selected == correct_ids, detail)


def _score_matching(spec: MatchingSpec, response: MatchingResponse | None) -> PartScore:
    matches = response.matches if response is not None else {}
    detail = [PairDetail(pair.id, matches.get(pair.id), pair.id) for pair in spec.pairs]
    n_right = sum(d.right for d in detail)
    return _result(n_right / len(spec.pairs), spec, n_right == len(spec.pairs), detail)


def concordant_fraction(correct: Sequence[str], given: Sequence[str]) -> float:
    """The fraction of item pairs that `given` puts in the same relative order as `correct`.

    This is the normalised Kendall tau, (tau + 1) / 2: 1.0 for the correct order, 0.0 for the
    reversed order. `given` must be a permutation of `correct` (at least 2 items).
    """
    rank = {item: i for i, item in enumerate(correct)}
    ranks = [rank[item] for item in given]
    n = len(ranks)
    concordant = sum(ranks[i] < ranks[j] for i in range(n) for j in range(i + 1, n))
    return concordant / (n * (n - 1) // 2)


def _score_ordering(spec: OrderingSpec, response: OrderingResponse | None) -> PartScore:
    order = response.order if response is not None else ()
    detail = [
        PositionDetail(i + 1, order[i] if order else None, expected)
        for i, expected in enumerate(spec.items)
    ]
    fraction = concordant_fraction(spec.items, order) if order else 0.0
    return _result(fraction, spec, order == spec.items, detail)


@overload
def score(spec: ChoiceSpec, response: ChoiceResponse | None) -> PartScore: ...


@overload
def score(spec: MatchingSpec, response: MatchingResponse | None) -> PartScore: ...


@overload
def score(spec: OrderingSpec, response: OrderingResponse | None) -> PartScore: ...


@overload
def score(spec: Spec, response: Response | None) -> PartScore: ...


def score(spec: Spec, response: Response | None) -> PartScore:
    """Score `response` against `spec` (validated first: may raise `ResponseError`)."""
    validate(spec, response)
    if isinstance(spec, ChoiceSpec):
        assert response is None or isinstance(response, ChoiceResponse)
        return _score_choice(spec, response)
    if isinstance(spec, MatchingSpec):
        assert response is None or isinstance(response, MatchingResponse)
        return _score_matching(spec, response)
    assert response is None or isinstance(response, OrderingResponse)
    return _score_ordering(spec, response)


# --- quizzes ---------------------------------------------------------------------------------


def combine_attempts(scores: Sequence[float], method: CombineMethod) -> float | None:
    """One score from several attempts at the same quiz, oldest first; None if there are none.

    `highest`: the best attempt; `last`: the most recent; `mean`: the average. Rounded to 4
    decimals.
    """
    if method not in ("highest", "last", "mean"):
        raise ValueError(f"unknown method {method!r} (highest, last or mean)")
    if not scores:
        return None
    if method == "highest":
        value = max(scores)
    elif method == "last":
        value = scores[-1]
    else:
        value = math.fsum(scores) / len(scores)
    return round(float(value), DECIMALS)
