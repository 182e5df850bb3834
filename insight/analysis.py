"""A quiz's responses as plain rows → every figure of the statistics page, in one pass.

No Django here either: `insight.collect` turns database rows into `Response`s and
`QuestionInfo`s, and `analyse` computes per question, per part, per option and per rubric
criterion, and the test as a whole (docs/item-statistics.md). Quizzes that draw questions give
each attempt its own set: an item's figures use the attempts that saw it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from insight import stats
from insight.stats import ItemStats, OptionStats, ScoreStats

CHOICE_KINDS = ("single", "multiple", "true_false")


@dataclass(frozen=True)
class Response:
    """One part of one question in one attempt, as graded."""

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

    def stats(self, totals: np.ndarray, min_responses: int) -> ItemStats:
        """The item's statistics; a maximum that changed between versions counts by its mean."""
        top = float(np.mean(self.max_points)) if self.max_points else 0.0
        return stats.item_stats(self.points, top, totals[self.attempts], min_responses)


def analyse(
    responses: list[Response],
    questions: list[QuestionInfo],
    n_attempts: int,
    min_responses: int = stats.MIN_RESPONSES,
    min_attempts: int = stats.MIN_ATTEMPTS,
) -> QuizAnalysis:
    """Every figure of a quiz's statistics from its graded responses.

    `n_attempts` attempts are indexed 0 … n-1 in `Response.attempt`; the order of `questions`
    is the order of the page. Questions without a response are left out."""
    totals = np.zeros(n_attempts)
    maxima = np.zeros(n_attempts)
    question_cells: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0.0, 0.0])
    parts: dict[tuple[int, str], _Column] = defaultdict(_Column)
    criteria: dict[tuple[int, str, str], _Column] = defaultdict(_Column)
    picks: dict[tuple[int, str], list[tuple[int, tuple[str, ...]]]] = defaultdict(list)
    for r in responses:
        totals[r.attempt] += r.points
        maxima[r.attempt] += r.max_points
        cell = question_cells[r.question, r.attempt]
        cell[0] += r.points
        cell[1] += r.max_points
        parts[r.question, r.part].add(r.attempt, r.points, r.max_points)
        picks[r.question, r.part].append((r.attempt, r.selected))
        for cid, points, top in r.criteria:
            criteria[r.question, r.part, cid].add(r.attempt, points, top)

    by_question: dict[int, _Column] = defaultdict(_Column)
    for (qid, attempt), (points, top) in question_cells.items():
        by_question[qid].add(attempt, points, top)

    results = []
    variances: list[tuple[int, float]] = []
    for info in questions:
        column = by_question.get(info.id)
        if column is None:
            continue
        q_stats = column.stats(totals, min_responses)
        if q_stats.variance is not None:
            variances.append((q_stats.n, q_stats.variance))
        # The rest of the test for this question, attempt by attempt: options and criteria
        # correlate with it, so a key never correlates with its own points.
        q_points = dict(zip(column.attempts, column.points, strict=True))
        part_results = []
        for part in info.parts:
            p_column = parts.get((info.id, part.id))
            if p_column is None:
                continue
            options: tuple[OptionResult, ...] = ()
            if part.kind in CHOICE_KINDS:
                seen = picks.get((info.id, part.id), [])
                rest = np.array([totals[a] - q_points[a] for a, _sel in seen])
                options = tuple(
                    OptionResult(
                        option,
                        stats.option_stats(
                            [option.id in sel for _a, sel in seen], rest, min_responses
                        ),
                    )
                    for option in part.options
                )
            crit_results = tuple(
                CriterionResult(c, criteria[info.id, part.id, c.id].stats(totals, min_responses))
                for c in part.criteria
                if (info.id, part.id, c.id) in criteria
            )
            part_results.append(
                PartResult(part, p_column.stats(totals, min_responses), options, crit_results)
            )
        results.append(QuestionResult(info, q_stats, tuple(part_results)))

    answered = maxima > 0
    percents = tuple(float(p) for p in 100 * totals[answered] / maxima[answered])
    # Cronbach's alpha over the P questions an attempt holds. With a fixed set of questions
    # ΣV is the plain sum of their variances; when questions are drawn, each attempt holds P of
    # them, and ΣV is P times their variance averaged by how often each was seen.
    per_attempt = np.bincount([a for _q, a in question_cells], minlength=n_attempts)
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
