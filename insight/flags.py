"""What deserves an instructor's look, and the roll-ups by concept and Bloom level. Pure: works
on `insight.analysis` results and plain mappings (docs/item-statistics.md, "Flags").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from insight.analysis import QuestionResult, QuizAnalysis

# Moodle's reading of the facility index: 90 % and over is very easy, 10 % and under very hard.
VERY_EASY = 0.90
VERY_HARD = 0.10
# A correlation with the rest of the test under this is "near zero" (Moodle: 0-19 % very weak).
NEAR_ZERO = 0.15
# A distractor picked by fewer than this share does no work (a non-functional distractor).
UNUSED_SHARE = 0.05
# The Bloom check needs this many items at the level it compares against.
MIN_BASELINE = 3
HIGHER_ORDER = 4  # analyze, evaluate, create
REMEMBER = 1

LEVEL_NAMES = {1: "Remember", 2: "Understand", 3: "Apply", 4: "Analyze", 5: "Evaluate", 6: "Create"}


@dataclass(frozen=True)
class Flag:
    question_id: int
    slug: str
    title: str
    code: str
    message: str


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def item_flags(analysis: QuizAnalysis) -> list[Flag]:
    """Very easy or very hard, negative or near-zero discrimination, distractors chosen more by
    strong students than by weak ones, distractors nobody picks. Items with too few responses
    are not judged."""
    flags: list[Flag] = []
    for q in analysis.questions:
        s = q.stats

        def flag(code: str, message: str, q: QuestionResult = q) -> None:
            flags.append(Flag(q.info.id, q.info.slug, q.info.title, code, message))

        if not s.enough or s.facility is None:
            continue
        if s.facility >= VERY_EASY:
            flag("very-easy", f"Very easy: facility {_pct(s.facility)}.")
        elif s.facility <= VERY_HARD:
            flag("very-hard", f"Very hard: facility {_pct(s.facility)}.")
        if s.r_rest is not None and s.r_rest < 0:
            flag(
                "negative-discrimination",
                f"Negative discrimination: r = {s.r_rest:.2f}; weaker students do better on it.",
            )
        elif s.r_rest is not None and s.r_rest < NEAR_ZERO:
            flag(
                "low-discrimination",
                f"Near-zero discrimination: r = {s.r_rest:.2f}; it hardly tells students apart.",
            )
        for part in q.parts:
            for option in part.options:
                o = option.stats
                if not option.is_distractor or o.share is None or o.n < analysis.min_responses:
                    continue
                label = f"“{option.info.text or option.info.id}”"
                if o.r_rest is not None and o.r_rest > 0:
                    flag(
                        "distractor-strong",
                        f"Distractor {label} is chosen more by strong students "
                        f"(r = {o.r_rest:.2f}): check the key and its wording.",
                    )
                if o.share < UNUSED_SHARE:
                    who = "nobody" if o.chosen == 0 else f"only {_pct(o.share)}"
                    flag("distractor-unused", f"Distractor {label} is chosen by {who}.")
    return flags


@dataclass(frozen=True)
class BloomItem:
    question_id: int
    slug: str
    title: str
    bloom: int
    facility: float


@dataclass(frozen=True)
class BloomSuspect:
    item: BloomItem
    code: str
    message: str


def bloom_suspects(items: Sequence[BloomItem]) -> list[BloomSuspect]:
    """Items whose facility contradicts their Bloom tag relative to the rest of the course: a
    higher-order item (analyze, evaluate, create) easier than most Remember items, or a
    Remember item harder than most higher-order ones. Needs `MIN_BASELINE` items to compare
    with; `items` should hold only facilities from enough responses."""
    remember = [i.facility for i in items if i.bloom == REMEMBER]
    higher = [i.facility for i in items if i.bloom >= HIGHER_ORDER]
    out = []
    if len(remember) >= MIN_BASELINE:
        line = statistics.median(remember)
        for i in items:
            if i.bloom >= HIGHER_ORDER and i.facility > line:
                out.append(
                    BloomSuspect(
                        i,
                        "bloom-too-easy",
                        f"Tagged {LEVEL_NAMES.get(i.bloom, i.bloom)} but easier "
                        f"({_pct(i.facility)}) than most Remember items of the course "
                        f"(median {_pct(line)}): does it ask only for recall?",
                    )
                )
    if len(higher) >= MIN_BASELINE:
        line = statistics.median(higher)
        for i in items:
            if i.bloom == REMEMBER and i.facility < line:
                out.append(
                    BloomSuspect(
                        i,
                        "bloom-too-hard",
                        f"Tagged Remember but harder ({_pct(i.facility)}) than most "
                        f"higher-order items of the course (median {_pct(line)}): is the "
                        "level right, or the item unclear?",
                    )
                )
    return out


@dataclass(frozen=True)
class RollUp:
    """Mean figures of a group of questions (a concept, a Bloom level, or both)."""

    label: str
    key: str
    questions: int
    facility: float | None
    r_rest: float | None
    flags: int


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def roll_up(
    analysis: QuizAnalysis,
    groups_of: Mapping[int, Sequence[tuple[str, str]]],
    flags: Sequence[Flag],
) -> list[RollUp]:
    """Per group (key, label) the mean facility and correlation of its questions; a question in
    several groups (several concepts) counts in each. Groups in label order."""
    members: dict[tuple[str, str], list[QuestionResult]] = defaultdict(list)
    for q in analysis.questions:
        for group in groups_of.get(q.info.id, ()):
            members[group].append(q)
    flagged: dict[int, int] = defaultdict(int)
    for f in flags:
        flagged[f.question_id] += 1
    out = []
    for (key, label), qs in members.items():
        out.append(
            RollUp(
                label=label,
                key=key,
                questions=len(qs),
                facility=_mean([q.stats.facility for q in qs if q.stats.facility is not None]),
                r_rest=_mean([q.stats.r_rest for q in qs if q.stats.r_rest is not None]),
                flags=sum(flagged[q.info.id] for q in qs),
            )
        )
    return sorted(out, key=lambda r: (r.label.casefold(), r.key))


@dataclass(frozen=True)
class HeatCell:
    questions: int
    facility: float | None


def heat_map(
    analysis: QuizAnalysis,
    concepts_of: Mapping[int, Sequence[tuple[str, str]]],
    bloom_of: Mapping[int, int],
) -> tuple[list[tuple[str, str]], list[int], dict[tuple[str, int], HeatCell]]:
    """Concept by Bloom level: the mean facility of the questions in each cell. Returns the
    concepts (key, label) in label order, the levels present, and the cells."""
    cells: dict[tuple[str, int], list[float]] = defaultdict(list)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    concepts: set[tuple[str, str]] = set()
    levels: set[int] = set()
    for q in analysis.questions:
        level = bloom_of.get(q.info.id, q.info.bloom)
        for concept in concepts_of.get(q.info.id, ()):
            concepts.add(concept)
            levels.add(level)
            counts[concept[0], level] += 1
            if q.stats.facility is not None:
                cells[concept[0], level].append(q.stats.facility)
    grid = {key: HeatCell(n, _mean(cells.get(key, []))) for key, n in counts.items()}
    return sorted(concepts, key=lambda c: (c[1].casefold(), c[0])), sorted(levels), grid
