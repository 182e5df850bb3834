"""A quiz's responses as plain rows → every figure of the statistics page, in one pass.

No Django here either: `insight.collect` turns database rows into `Response`s and
`QuestionInfo`s, and `analyse` computes per question, per part, per option and per rubric
criterion, and the test as a whole (docs/item-statistics.md). Quizzes that draw questions give
each attempt its own set: an item's figures use the attempts that saw it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from insight import stats
from insight.stats import ItemStats, OptionStats, ScoreStats

CHOICE_KINDS = ("single", "multiple", "true_false")


class Response(NamedTuple):
    """One part of one question in one attempt, as graded (a tuple: a big quiz has 100,000)."""

    attempt: int  # the attempt's index, 0 … n-1
    question: int  # the question's id
    part: str
    points: float
    max_points: float
    selected: tuple[str, ...] = ()  # choice parts: the options picked
    criteria: tuple[tuple[str, float, float], ...] = ()  # free text: (criterion, points, max)


@dataclass(frozen=True)
class OptionInfo:
    id: str
    text: str
    correct: bool


@dataclass(frozen=True)
class CriterionInfo:
    id: str
    title: str


@dataclass(frozen=True)
class PartInfo:
    id: str
    kind: str
    prompt: str
    options: tuple[OptionInfo, ...] = ()
    criteria: tuple[CriterionInfo, ...] = ()


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    slug: str
    title: str
    bloom: int
    parts: tuple[PartInfo, ...]


@dataclass(frozen=True)
class OptionResult:
    info: OptionInfo
    stats: OptionStats

    @property
    def is_distractor(self) -> bool:
        return not self.info.correct


@dataclass(frozen=True)
class CriterionResult:
    info: CriterionInfo
    stats: ItemStats


@dataclass(frozen=True)
class PartResult:
    info: PartInfo
    stats: ItemStats
    options: tuple[OptionResult, ...] = ()
    criteria: tuple[CriterionResult, ...] = ()


@dataclass(frozen=True)
class QuestionResult:
    info: QuestionInfo
    stats: ItemStats
    parts: tuple[PartResult, ...]


@dataclass(frozen=True)
class QuizAnalysis:
    attempts: int
    test: ScoreStats
    percents: tuple[float, ...]  # each attempt's score in percent, for the histogram
    questions: tuple[QuestionResult, ...] = field(default_factory=tuple)
    min_responses: int = stats.MIN_RESPONSES

    def question(self, question_id: int) -> QuestionResult | None:
        return next((q for q in self.questions if q.info.id == question_id), None)


class _Column:
    """Scores of one item, attempt by attempt (only attempts that saw it)."""

    __slots__ = ("attempts", "max_points", "points")

    def __init__(self) -> None:
        self.attempts: list[int] = []
        self.points: list[float] = []
        self.max_points: list[float] = []

    def add(self, attempt: int, points: float, max_points: float) -> None:
        self.attempts.append(attempt)
        self.points.append(points)
        self.max_points.append(max_points)


class _Codes(dict[Any, int]):
    """A small integer per distinct key, in order of first appearance."""

    def __missing__(self, key: Any) -> int:
        self[key] = len(self)
        return self[key]


def _item(
    attempts: np.ndarray, points: np.ndarray, maxima: np.ndarray, totals: np.ndarray, minimum: int
) -> ItemStats:
    """An item's statistics; a maximum that changed between versions counts by its mean."""
    top = float(np.mean(maxima)) if len(maxima) else 0.0
    return stats.item_stats(points, top, totals[attempts], minimum)


def _groups(keys: np.ndarray) -> dict[int, np.ndarray]:
    """Row indices by key value (each group in row order)."""
    if not len(keys):
        return {}
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
    return {
        int(sorted_keys[chunk[0]]): order[chunk] for chunk in np.split(np.arange(len(keys)), cuts)
    }


@dataclass(frozen=True)
class Columns:
    """The responses column by column (the fields of `Response`, one sequence each)."""

    attempt: Sequence[int] | NDArray[np.int64]
    question: Sequence[int] | NDArray[np.int64]
    part: Sequence[str]
    points: Sequence[float] | NDArray[np.float64]
    max_points: Sequence[float] | NDArray[np.float64]
    selected: Sequence[tuple[str, ...]]
    criteria: Sequence[tuple[tuple[str, float, float], ...]]

    @classmethod
    def of(cls, responses: Sequence[Response]) -> Columns:
        if not responses:
            return cls((), (), (), (), (), (), ())
        return cls(*zip(*responses, strict=True))


def analyse(
    responses: Sequence[Response],
    questions: list[QuestionInfo],
    n_attempts: int,
    min_responses: int = stats.MIN_RESPONSES,
    min_attempts: int = stats.MIN_ATTEMPTS,
) -> QuizAnalysis:
    """Every figure of a quiz's statistics from its graded responses (see `analyse_columns`)."""
    return analyse_columns(
        Columns.of(responses), questions, n_attempts, min_responses, min_attempts
    )


def analyse_columns(
    columns: Columns,
    questions: list[QuestionInfo],
    n_attempts: int,
    min_responses: int = stats.MIN_RESPONSES,
    min_attempts: int = stats.MIN_ATTEMPTS,
) -> QuizAnalysis:
    """Every figure of a quiz's statistics from its graded responses.

    `n_attempts` attempts are indexed 0 … n-1 in `columns.attempt`; the order of `questions`
    is the order of the page. Questions without a response are left out. Columns are numpy
    arrays and groups come from one sort, so 100,000 responses take a fraction of a second."""
    attempt = np.asarray(columns.attempt, dtype=np.int64)
    qid = np.asarray(columns.question, dtype=np.int64)
    points = np.asarray(columns.points, dtype=np.float64)
    maxima_row = np.asarray(columns.max_points, dtype=np.float64)
    totals = np.bincount(attempt, weights=points, minlength=n_attempts).astype(np.float64)
    maxima = np.bincount(attempt, weights=maxima_row, minlength=n_attempts).astype(np.float64)
    part_index = _Codes()  # (question, part) -> a small integer
    part_of = np.array(
        list(map(part_index.__getitem__, zip(columns.question, columns.part, strict=True))),
        dtype=np.int64,
    )
    rows_of_part = _groups(part_of)
    # One cell per question and attempt: its parts added up.
    cell_keys, cell_of = np.unique(qid * max(1, n_attempts) + attempt, return_inverse=True)
    cell_points = np.bincount(cell_of, weights=points)
    cell_max = np.bincount(cell_of, weights=maxima_row)
    cell_attempt = cell_keys % max(1, n_attempts)
    cells_of_question = _groups(cell_keys // max(1, n_attempts))

    results = []
    variances: list[tuple[int, float]] = []
    for info in questions:
        cells = cells_of_question.get(info.id)
        if cells is None:
            continue
        q_attempts, q_points = cell_attempt[cells], cell_points[cells]
        q_stats = _item(q_attempts, q_points, cell_max[cells], totals, min_responses)
        if q_stats.variance is not None:
            variances.append((q_stats.n, q_stats.variance))
        # The rest of the test for this question, attempt by attempt: options and criteria
        # correlate with it, so a key never correlates with its own points.
        rest_of_test = totals.copy()
        rest_of_test[q_attempts] -= q_points
        part_results = []
        for part in info.parts:
            rows = rows_of_part.get(part_index.get((info.id, part.id), -1))
            if rows is None:
                continue
            p_attempts = attempt[rows]
            options: tuple[OptionResult, ...] = ()
            if part.kind in CHOICE_KINDS:
                # Few distinct selections: code them, then test each option once per code.
                codes = _Codes()
                code_of = np.array(
                    list(map(codes.__getitem__, map(columns.selected.__getitem__, rows))),
                    dtype=np.int64,
                )
                rest = rest_of_test[p_attempts]
                options = tuple(
                    OptionResult(
                        option,
                        stats.option_stats(
                            np.array([option.id in sel for sel in codes], dtype=bool)[code_of],
                            rest,
                            min_responses,
                        ),
                    )
                    for option in part.options
                )
            crit_results = []
            if part.criteria:
                by_criterion: dict[str, _Column] = defaultdict(_Column)
                for i in rows:
                    for cid, c_points, c_top in columns.criteria[i]:
                        by_criterion[cid].add(int(attempt[i]), c_points, c_top)
                for c in part.criteria:
                    col = by_criterion.get(c.id)
                    if col is not None:
                        crit_stats = _item(
                            np.asarray(col.attempts, np.int64),
                            np.asarray(col.points),
                            np.asarray(col.max_points),
                            totals,
                            min_responses,
                        )
                        crit_results.append(CriterionResult(c, crit_stats))
            p_stats = _item(p_attempts, points[rows], maxima_row[rows], totals, min_responses)
            part_results.append(PartResult(part, p_stats, options, tuple(crit_results)))
        results.append(QuestionResult(info, q_stats, tuple(part_results)))

    answered = maxima > 0
    percents = tuple(float(p) for p in 100 * totals[answered] / maxima[answered])
    # Cronbach's alpha over the P questions an attempt holds. With a fixed set of questions
    # ΣV is the plain sum of their variances; when questions are drawn, each attempt holds P of
    # them, and ΣV is P times their variance averaged by how often each was seen.
    per_attempt = np.bincount(cell_attempt, minlength=n_attempts)
    p = float(per_attempt[answered].mean()) if answered.any() else None
    seen_total = sum(n for n, _v in variances)
    variance_sum = (
        p * sum(n * v for n, v in variances) / seen_total if p is not None and seen_total else None
    )
    test = stats.score_stats(totals[answered], variance_sum, p, min_attempts)
    return QuizAnalysis(
        attempts=int(answered.sum()),
        test=test,
        percents=percents,
        questions=tuple(results),
        min_responses=min_responses,
    )
