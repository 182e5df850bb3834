"""Everything the statistics page shows, built from the cached analysis plus the questions'
current tags (read fresh: a re-tag shows at once, a submission recomputes the figures)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from courses.bloom import BloomLevel
from courses.models import Course
from insight import charts, links
from insight.analysis import QuestionResult, QuizAnalysis
from insight.collect import (
    Which,
    course_facilities,
    course_fingerprint,
    fingerprint,
    quiz_analysis,
)
from insight.flags import (
    BloomItem,
    BloomSuspect,
    Flag,
    RollUp,
    bloom_suspects,
    heat_map,
    item_flags,
    roll_up,
)
from insight.stats import MIN_RESPONSES, histogram
from quizzes.models import Question, Quiz


@dataclass(frozen=True)
class FlagRow:
    flag: Flag
    editor_url: str
    bank_url: str


@dataclass(frozen=True)
class QuestionRow:
    result: QuestionResult
    bloom: str
    concepts: list[str]
    flags: list[Flag]
    editor_url: str
    option_charts: list[tuple[str, SafeString]]


@dataclass(frozen=True)
class HeatRow:
    label: str
    cells: list[tuple[int, float | None]]  # (questions, mean facility) per level


@dataclass
class QuizPage:
    quiz: Quiz
    which: Which
    analysis: QuizAnalysis
    flags: list[FlagRow]
    questions: list[QuestionRow]
    by_concept: list[RollUp]
    by_bloom: list[RollUp]
    heat_levels: list[str]
    heat_rows: list[HeatRow]
    histogram_counts: list[tuple[str, int]]
    charts: dict[str, SafeString] = field(default_factory=dict)


@dataclass(frozen=True)
class CourseQuestion:
    slug: str
    title: str
    bloom: int | None


def course_questions(course: Course) -> dict[int, CourseQuestion]:
    """Every question of the course with its current title and Bloom level (one query)."""
    return {
        pk: CourseQuestion(slug, title or slug, bloom)
        for pk, slug, title, bloom in Question.objects.filter(course=course).values_list(
            "pk", "slug", "current__title", "current__bloom"
        )
    }


def course_bloom_suspects(course: Course) -> list[BloomSuspect]:
    """The course's questions whose facility (over every first attempt in the course)
    contradicts their Bloom tag. One query when the course has no submitted attempt; three
    (two when cached) otherwise."""
    stamp = course_fingerprint(course)
    if not stamp[0]:
        return []
    return _suspects(course, course_questions(course), stamp)


def _suspects(
    course: Course, questions: dict[int, CourseQuestion], stamp: tuple[Any, ...]
) -> list[BloomSuspect]:
    facilities = course_facilities(course, stamp)
    items = [
        BloomItem(qid, q.slug, q.title, q.bloom, item.facility)
        for qid, item in facilities.items()
        if (q := questions.get(qid)) is not None
        and q.bloom
        and item.facility is not None
        and item.n >= MIN_RESPONSES
    ]
    return bloom_suspects(items)


def _bloom_label(level: int | None) -> str:
    return BloomLevel(level).label if level in BloomLevel.values else "—"


def quiz_page(quiz: Quiz, which: Which) -> QuizPage:
    """Queries: the fingerprint; the analysis and the course's facilities when not cached;
    the course's questions; the quiz's questions' concepts."""
    course = quiz.course
    stamp = fingerprint(quiz)
    analysis = quiz_analysis(quiz, which, stamp)
    questions = course_questions(course)
    ids = [q.info.id for q in analysis.questions]
    concepts_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for qid, slug, title in (
        Question.concepts.through.objects.filter(question_id__in=ids)
        .order_by("concept__title")
        .values_list("question_id", "concept__slug", "concept__title")
    ):
        concepts_of[qid].append((slug, title))
    bloom_of = {
        q.info.id: (questions[q.info.id].bloom if q.info.id in questions else None) or q.info.bloom
        for q in analysis.questions
    }
    flags = item_flags(analysis)
    in_quiz = set(ids)
    flags += [
        Flag(s.item.question_id, s.item.slug, s.item.title, s.code, s.message)
        for s in _suspects(course, questions, stamp.course)
        if s.item.question_id in in_quiz
    ]
    flags_of: dict[int, list[Flag]] = defaultdict(list)
    for f in flags:
        flags_of[f.question_id].append(f)

    def editor(slug: str) -> str:
        return links.question_editor(course.slug, slug)

    flag_rows = [
        FlagRow(
            f,
            editor(f.slug),
            links.bank(course.slug, bloom=bloom_of[f.question_id])
            if f.code.startswith("bloom")
            else links.bank(course.slug, q=f.slug),
        )
        for f in flags
    ]
    rows = []
    for q in analysis.questions:
        option_charts = [
            (
                part.info.id,
                charts.option_bars(
                    [
                        charts.Bar(o.info.text or o.info.id, o.stats.share or 0.0, o.info.correct)
                        for o in part.options
                    ],
                    f"{q.info.title}: share of attempts choosing each option",
                ),
            )
            for part in q.parts
            if part.options
        ]
        rows.append(
            QuestionRow(
                q,
                _bloom_label(bloom_of[q.info.id]),
                [title for _slug, title in concepts_of.get(q.info.id, [])],
                flags_of.get(q.info.id, []),
                editor(q.info.slug),
                option_charts,
            )
        )
    by_concept = roll_up(analysis, concepts_of, flags)
    by_bloom = roll_up(
        analysis,
        {qid: [(str(level), _bloom_label(level))] for qid, level in bloom_of.items()},
        flags,
    )
    by_bloom.sort(key=lambda r: int(r.key))
    heat_concepts, levels, grid = heat_map(analysis, concepts_of, bloom_of)
    heat_rows = [
        HeatRow(
            label,
            [
                (grid[key, lv].questions, grid[key, lv].facility)
                if (key, lv) in grid
                else (0, None)
                for lv in levels
            ],
        )
        for key, label in heat_concepts
    ]
    counts = histogram(analysis.percents)
    bands = [charts.band_label(i, len(counts)) for i in range(len(counts))]
    page = QuizPage(
        quiz=quiz,
        which=which,
        analysis=analysis,
        flags=flag_rows,
        questions=rows,
        by_concept=by_concept,
        by_bloom=by_bloom,
        heat_levels=[_bloom_label(lv) for lv in levels],
        heat_rows=heat_rows,
        histogram_counts=list(zip(bands, counts, strict=True)),
    )
    page.charts["histogram"] = charts.histogram(counts, f"Score distribution: {quiz.title}")
    page.charts["scatter"] = charts.scatter(
        [
            charts.Dot(
                q.info.title,
                q.stats.facility,
                q.stats.r_rest,
                bool(flags_of.get(q.info.id)),
                f"#q-{q.info.slug}",
            )
            for q in analysis.questions
            if q.stats.facility is not None and q.stats.r_rest is not None
        ],
        f"Facility against discrimination: {quiz.title}",
    )
    if heat_rows:
        page.charts["heat"] = charts.heat_map(
            [r.label for r in heat_rows],
            page.heat_levels,
            [[facility for _n, facility in r.cells] for r in heat_rows],
            f"Mean facility by concept and Bloom level: {quiz.title}",
        )
    return page
