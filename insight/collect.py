"""From the database to `insight.analysis`: one query for the graded answers of a quiz, one for
the question versions they used, computed once and cached until the next submission.

Which attempts count: submitted ones with nothing left to grade (an attempt whose written
answers still wait for the grader or a person has no final total yet). By default each
student's first attempt (number 1), as Moodle does; `ALL` counts every attempt as if each were
by a different student.

The cache key holds a fingerprint of the quiz's attempts (how many are submitted, the latest
submission, the sum of scores and of pending parts: one aggregate query per page) and a
generation number that every save of an attempt bumps (`insight.apps`), so a submit, a
re-grade or a person's grading decision makes the next page compute afresh.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum, TextField
from django.db.models.functions import Cast
from pydantic import ValidationError

from courses.models import Course
from grading.rubric import RubricError
from insight.analysis import (
    Columns,
    CriterionInfo,
    OptionInfo,
    PartInfo,
    QuestionInfo,
    QuizAnalysis,
    analyse_columns,
)
from quizzes.models import Answer, Attempt, QuestionVersion, Quiz, QuizItem
from quizzes.parts import AnswerDetail, ChoicePart, FreeTextPart, parse_detail, parse_parts

CACHE_SECONDS = 24 * 60 * 60  # a changed fingerprint makes a new key; old ones just expire


class Which(enum.StrEnum):
    FIRST = "first"
    ALL = "all"

    @property
    def label(self) -> str:
        return "First attempts" if self is Which.FIRST else "All attempts"


@dataclass(frozen=True)
class Fingerprint:
    """What changes when a quiz's statistics would: for the quiz, and for its whole course."""

    quiz: tuple[Any, ...]
    course: tuple[Any, ...]


def fingerprint(quiz: Quiz) -> Fingerprint:
    """One aggregate query over the course's submitted attempts, the quiz's among them."""
    mine = Q(quiz=quiz)
    submitted = Attempt.objects.filter(quiz__course_id=quiz.course_id, submitted_at__isnull=False)
    row = submitted.aggregate(
        c_n=Count("pk"),
        c_last=Max("submitted_at"),
        c_score=Sum("score"),
        c_pending=Sum("pending_parts"),
        q_n=Count("pk", filter=mine),
        q_last=Max("submitted_at", filter=mine),
        q_score=Sum("score", filter=mine),
        q_pending=Sum("pending_parts", filter=mine),
    )

    def stamp(*names: str) -> tuple[Any, ...]:
        return tuple(row[n].isoformat() if hasattr(row[n], "isoformat") else row[n] for n in names)

    return Fingerprint(
        quiz=(*stamp("q_n", "q_last", "q_score", "q_pending"), generation(quiz.pk)),
        course=stamp("c_n", "c_last", "c_score", "c_pending"),
    )


def course_fingerprint(course: Course) -> tuple[Any, ...]:
    """The course part of `fingerprint` alone (one aggregate query), for course-wide pages."""
    row = Attempt.objects.filter(quiz__course=course, submitted_at__isnull=False).aggregate(
        c_n=Count("pk"),
        c_last=Max("submitted_at"),
        c_score=Sum("score"),
        c_pending=Sum("pending_parts"),
    )
    return tuple(v.isoformat() if hasattr(v, "isoformat") else v for v in row.values())


def generation_key(quiz_id: int) -> str:
    return f"insight:generation:{quiz_id}"


def generation(quiz_id: int) -> int:
    return int(cache.get(generation_key(quiz_id), 0))


def bump_generation(quiz_id: int) -> None:
    """Called on every save of an attempt: the quiz's cached statistics are stale."""
    key = generation_key(quiz_id)
    try:
        cache.incr(key)
    except ValueError:  # not cached yet (or evicted): start a new count
        cache.set(key, 1, None)


def _key(*parts: Any) -> str:
    return "insight:" + ":".join(str(p) for p in parts)


def quiz_analysis(quiz: Quiz, which: Which, stamp: Fingerprint) -> QuizAnalysis:
    """The quiz's statistics, from the cache when nothing was submitted or re-graded since."""
    key = _key("quiz", quiz.pk, which, *stamp.quiz)
    found = cache.get(key)
    if isinstance(found, QuizAnalysis):
        return found
    result = compute(quiz, which)
    cache.set(key, result, CACHE_SECONDS)
    return result


def attempt_filter(which: Which, prefix: str = "item__attempt__") -> Q:
    q = Q(**{f"{prefix}submitted_at__isnull": False, f"{prefix}pending_parts": 0})
    if which is Which.FIRST:
        q &= Q(**{f"{prefix}number": 1})
    return q


def answer_rows(quiz: Quiz, which: Which) -> list[tuple[Any, ...]]:
    """(attempt, version, part, points, max points, response, detail) of every graded answer
    counted. The JSON columns come as text and are parsed only where needed (choice and
    free-text parts): decoding 100,000 of them through JSONField costs more than the query."""
    return list(
        Answer.objects.filter(attempt_filter(which), item__attempt__quiz=quiz)
        .order_by()
        .annotate(response_text=Cast("response", TextField()))
        .annotate(detail_text=Cast("detail", TextField()))
        .values_list(
            "item__attempt_id",
            "item__version_id",
            "part_id",
            "points",
            "max_points",
            "response_text",
            "detail_text",
        )
    )


def compute(quiz: Quiz, which: Which) -> QuizAnalysis:
    """Three queries: the graded answers, the versions they answered, the quiz's order."""
    rows = answer_rows(quiz, which)
    version_ids = {row[1] for row in rows}
    versions = list(
        QuestionVersion.objects.filter(pk__in=version_ids)
        .order_by("question_id", "number")
        .values_list("pk", "question_id", "question__slug", "title", "bloom", "parts")
    )
    position = dict(QuizItem.objects.filter(quiz=quiz).values_list("question_id", "position"))
    questions, kinds, scales = _questions(versions, position)
    question_of = {pk: qid for pk, qid, *_rest in versions}
    if not rows:
        return analyse_columns(Columns.of([]), questions, 0)
    # Column by column (the loops below are list comprehensions over 100,000 rows at most).
    attempt_ids, version_ids_, part_ids, points, maxima, responses, details = zip(
        *rows, strict=True
    )
    attempts, attempt_of = np.unique(np.asarray(attempt_ids, dtype=np.int64), return_inverse=True)
    versions_seen, version_of = np.unique(
        np.asarray(version_ids_, dtype=np.int64), return_inverse=True
    )
    question_ids = np.array([question_of[int(v)] for v in versions_seen], dtype=np.int64)
    # The "selected" list of every answer, parsed once per distinct text (a choice part has a
    # handful); other kinds parse to () and are not looked at.
    selected = list(map(_Selections().__getitem__, responses))
    criteria: list[tuple[tuple[str, float, float], ...]] = [()] * len(rows)
    written = {key for key, kind in kinds.items() if kind == "free_text"}
    if written:
        for i, key in enumerate(zip(version_ids_, part_ids, strict=True)):
            if key in written:
                criteria[i] = _criteria(parse_detail(_json(details[i])), scales.get(key, {}))
    columns = Columns(
        attempt=attempt_of,
        question=question_ids[version_of].tolist(),
        part=part_ids,
        points=np.nan_to_num(np.array(points, dtype=np.float64)),
        max_points=np.nan_to_num(np.array(maxima, dtype=np.float64)),
        selected=selected,
        criteria=criteria,
    )
    return analyse_columns(columns, questions, len(attempts))


class _Selections(dict[str | None, tuple[str, ...]]):
    """Response text → the options it selects; each distinct text is parsed once."""

    def __missing__(self, text: str | None) -> tuple[str, ...]:
        picked = _json(text).get("selected") or ()
        value = tuple(str(s) for s in picked) if isinstance(picked, list) else ()
        self[text] = value
        return value


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _questions(
    versions: list[tuple[Any, ...]], position: Mapping[int, int]
) -> tuple[
    list[QuestionInfo],
    dict[tuple[int, str], str],
    dict[tuple[int, str], dict[str, tuple[list[float], float]]],
]:
    """Each question as its latest answered version shows it (options of earlier versions kept,
    so an option someone chose before an edit is still counted), in the quiz's order. The
    stored parts are typed here (quizzes.parts.parse_parts); a version whose parts no longer
    parse is left out of the per-part figures, not out of the question's."""
    kinds: dict[tuple[int, str], str] = {}
    scales: dict[tuple[int, str], dict[str, tuple[list[float], float]]] = {}
    latest: dict[int, tuple[str, str, int]] = {}
    parts: dict[int, dict[str, _PartDraft]] = {}
    for pk, qid, slug, title, bloom, raw_parts in versions:
        latest[qid] = (slug, title, bloom)
        try:
            typed = parse_parts(raw_parts)
        except ValidationError:
            continue
        for part in typed:
            kinds[pk, part.id] = part.kind
            draft = parts.setdefault(qid, {}).setdefault(part.id, _PartDraft())
            draft.kind, draft.prompt = part.kind, part.prompt
            if isinstance(part, ChoicePart):
                for option in part.options:
                    draft.options[option.id] = OptionInfo(option.id, option.text, option.correct)
            if isinstance(part, FreeTextPart):
                try:
                    rubric = part.rubric_model
                except RubricError:
                    continue
                scales[pk, part.id] = {
                    c.id: ([lv.points for lv in c.levels], max(lv.points for lv in c.levels))
                    for c in rubric.criteria
                }
                for c in rubric.criteria:
                    draft.criteria[c.id] = CriterionInfo(c.id, c.title)
    questions = [
        QuestionInfo(
            id=qid,
            slug=slug,
            title=title,
            bloom=bloom,
            parts=tuple(
                PartInfo(
                    pid,
                    d.kind,
                    d.prompt,
                    tuple(d.options.values()),
                    tuple(d.criteria.values()),
                )
                for pid, d in parts.get(qid, {}).items()
            ),
        )
        for qid, (slug, title, bloom) in latest.items()
    ]
    questions.sort(key=lambda q: (position.get(q.id, 1 << 30), q.slug))
    return questions, kinds, scales


@dataclass
class _PartDraft:
    kind: str = ""
    prompt: str = ""
    options: dict[str, OptionInfo] = field(default_factory=dict)
    criteria: dict[str, CriterionInfo] = field(default_factory=dict)


def _criteria(
    detail: AnswerDetail, scale: Mapping[str, tuple[list[float], float]]
) -> tuple[tuple[str, float, float], ...]:
    """(criterion, points, max) of a graded written answer: a person's levels win."""
    out = []
    for c in detail.criteria:
        levels, top = scale.get(c.criterion, ([], c.max_points))
        points = c.points
        level = detail.human.get(c.criterion)
        if level is not None and 0 <= level < len(levels):
            points = levels[level]
        out.append((c.criterion, float(points), float(top)))
    return tuple(out)


@dataclass(frozen=True)
class CourseItem:
    """A question's facility over every first attempt in the course (all its quizzes)."""

    question_id: int
    n: int
    facility: float | None


def course_facilities(course: Course, stamp: tuple[Any, ...]) -> dict[int, CourseItem]:
    """One aggregate query per course, cached until the next submission in the course
    (`stamp`: `Fingerprint.course` or `course_fingerprint`)."""
    key = _key("course", course.pk, *stamp)
    found = cache.get(key)
    if isinstance(found, dict):
        return found
    rows = (
        Answer.objects.filter(attempt_filter(Which.FIRST), item__attempt__quiz__course=course)
        .values("item__version__question_id")
        .annotate(
            points=Sum("points"),
            top=Sum("max_points"),
            n=Count("pk"),  # graded parts: a threshold, not a figure (no DISTINCT to pay)
        )
        .order_by()
    )
    result = {
        row["item__version__question_id"]: CourseItem(
            row["item__version__question_id"],
            row["n"],
            (row["points"] or 0) / row["top"] if row["top"] else None,
        )
        for row in rows
    }
    cache.set(key, result, CACHE_SECONDS)
    return result
