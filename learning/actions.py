"""Named actions of the learner model. Views, receivers, tasks and commands call these.

`update_student` is the one code path that writes `Mastery` and `ReviewCard`: it replays the
student's stored evidence in a course through the model (learning.model) and the scheduler
(learning.schedule). The same call serves a new attempt, a changed grade, a changed graph and
the `recompute_mastery` command, so they can never disagree.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, Model
from fsrs import Card

from courses.models import Concept, Prerequisite
from learning.model import (
    BANDS,
    NOT_STARTED,
    Graph,
    Learner,
    Observation,
    band_level_of,
    level_of,
    replay,
)
from learning.models import Evidence, LearnerSettings, Mastery, ReviewCard
from learning.schedule import DEFAULT_RETENTION, attributable, group_events, schedule


def course_graph(course_id: int) -> Graph:
    """The course's published concepts and the learn-before edges among them (two queries)."""
    concepts = Concept.objects.filter(
        course_id=course_id, status=Concept.Status.PUBLISHED
    ).values_list("pk", flat=True)
    edges = Prerequisite.objects.filter(after__course_id=course_id).values_list(
        "before_id", "after_id"
    )
    return Graph(list(concepts), list(edges))


def retention_of(student_id: int) -> float:
    value = (
        LearnerSettings.objects.filter(student_id=student_id)
        .values_list("desired_retention", flat=True)
        .first()
    )
    return value if value is not None else DEFAULT_RETENTION


EVIDENCE_FIELDS = (
    "concept_id",
    "bloom",
    "score",
    "at",
    "attempt_id",
    "practice_item_id",
    "question_id",
    "part_id",
    "criterion",
)
Row = tuple[int, int, float, datetime, int | None, int | None, int | None, str, str]


def _rows(student_id: int, course_id: int) -> list[Row]:
    return list(
        Evidence.objects.filter(student_id=student_id, course_id=course_id)
        .order_by("at", "pk")
        .values_list(*EVIDENCE_FIELDS)
    )


def observations(rows: list[Row], known: set[int]) -> list[Observation]:
    """Evidence rows as the model's observations, each knowing its item's other concepts."""
    items: dict[tuple[object, ...], list[int]] = {}
    for r in rows:
        items.setdefault((r[4], r[5], r[6], r[7], r[8]), []).append(r[0])
    return [
        Observation(r[0], r[1], r[2], r[3], tuple(items[(r[4], r[5], r[6], r[7], r[8])]))
        for r in rows
        if r[0] in known
    ]


def learner_for(student_id: int, course_id: int, graph: Graph | None = None) -> Learner:
    """The model fed the student's stored evidence in the course (no writes)."""
    graph = graph or course_graph(course_id)
    return replay(graph, observations(_rows(student_id, course_id), set(graph.concepts)))


@transaction.atomic
def update_student(student_id: int, course_id: int) -> Learner:
    """Recompute the student's mastery and review cards in the course from stored evidence.

    At most ten queries whatever the history: graph (2), evidence, settings, for mastery
    and cards each a read, an upsert of what changed and a delete of what has no evidence left,
    and, when any of those wrote, the student's new version (one upsert)."""
    graph = course_graph(course_id)
    known = set(graph.concepts)
    rows = [r for r in _rows(student_id, course_id) if r[0] in known]  # a draft's evidence waits
    observed = observations(rows, known)
    learner = replay(graph, observed)
    events = group_events(
        (r[0], f"a{r[4]}@{r[3].isoformat()}" if r[4] else f"p{r[5]}", r[2], r[3])
        for r, obs in zip(rows, observed, strict=True)
        if _reviewable(learner, r[0], r[3])
        and attributable(r[2], r[0], obs.others, learner.estimate)
    )
    cards = schedule(graph, events, retention_of(student_id))
    wrote_mastery = _write_mastery(student_id, course_id, learner)
    wrote_cards = _write_cards(student_id, course_id, cards)
    if wrote_mastery or wrote_cards:
        _new_version(student_id)
    return learner


def _new_version(student_id: int) -> None:
    """Give the student's learner rows a new version (one upsert of their settings row): what
    pages cached from the old rows (learning.homecache) is not read again. Random, so a
    rebuilt database never meets old entries."""
    meta = LearnerSettings._meta
    quote = connection.ops.quote_name
    default = meta.get_field("desired_retention").get_default()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({quote('student_id')}, "
            f"{quote('desired_retention')}, {quote('version')}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({quote('student_id')}) DO UPDATE SET "
            f"{quote('version')} = excluded.{quote('version')}",
            [student_id, default, secrets.randbits(62)],
        )


def _reviewable(learner: Learner, concept: int, at: datetime) -> bool:
    """Reviews keep what was learned: a concept's card starts when it first became proficient."""
    ready = learner.states[concept].ready_at if concept in learner.states else None
    return ready is not None and at >= ready


def _write_mastery(student_id: int, course_id: int, learner: Learner) -> bool:
    """Write the rows that changed (after an attempt, those of its concepts and their
    neighbours), delete those without evidence any more. True if any row was written."""
    fields = ["rating", "evidence_count", "level", "band_levels", "last_evidence_at"]
    stored = {
        row[0]: tuple(row[1:])
        for row in Mastery.objects.filter(student_id=student_id, course_id=course_id).values_list(
            "concept_id", *fields
        )
    }
    rows = [
        Mastery(
            student_id=student_id,
            course_id=course_id,
            concept_id=concept,
            rating=round(state.theta, 4),
            evidence_count=state.n,
            level=level_of(state),
            band_levels=[band_level_of(state, b) for b in range(len(BANDS))],
            last_evidence_at=state.last_at,
        )
        for concept, state in learner.states.items()
        if state.n
    ]
    changed = [r for r in rows if stored.get(r.concept_id) != tuple(getattr(r, f) for f in fields)]
    if changed:
        upsert(Mastery, changed, ["student", "course", "concept", *fields], fields)
    gone = set(stored) - {r.concept_id for r in rows}
    if gone:
        Mastery.objects.filter(
            student_id=student_id, course_id=course_id, concept_id__in=gone
        ).delete()
    return bool(changed or gone)


def _write_cards(student_id: int, course_id: int, cards: dict[int, Card]) -> bool:
    stored = dict(
        ReviewCard.objects.filter(student_id=student_id, course_id=course_id).values_list(
            "concept_id", "card"
        )
    )
    changed = [
        ReviewCard(
            student_id=student_id,
            course_id=course_id,
            concept_id=concept,
            card=data,
            due=card.due,
        )
        for concept, card in cards.items()
        if stored.get(concept) != (data := card.to_dict())
    ]
    if changed:
        upsert(
            ReviewCard,
            changed,
            ["student", "course", "concept", "card", "due"],
            ["card", "due"],
        )
    gone = set(stored) - set(cards)
    if gone:
        ReviewCard.objects.filter(
            student_id=student_id, course_id=course_id, concept_id__in=gone
        ).delete()
    return bool(changed or gone)


def upsert(model: type[Model], rows: list[Any], columns: list[str], update: list[str]) -> None:
    """Insert `rows` or, when the (student, concept) row exists, update its `update` columns: one
    `INSERT … ON CONFLICT (student_id, concept_id) DO UPDATE` statement run for every row
    (`executemany`), the syntax SQLite and PostgreSQL share. Values are prepared by each field
    for the connection (JSON, time zones), as the ORM would; the model instances are only
    carriers, so nothing of `bulk_create`'s per-object work (pre-save, returning ids) is done."""
    meta = model._meta
    fields = [cast(Field[Any, Any], meta.get_field(c)) for c in columns]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({quote('student_id')}, {quote('concept_id')}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
    )
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def recompute_course(course_id: int) -> int:
    """Every student with evidence in the course, recomputed; returns how many."""
    students = list(
        Evidence.objects.filter(course_id=course_id)
        .values_list("student_id", flat=True)
        .distinct()
        .order_by("student_id")
    )
    # Students whose evidence is all gone (a deleted concept) keep no stale rows either.
    students += [
        s
        for s in Mastery.objects.filter(course_id=course_id)
        .exclude(student_id__in=students)
        .values_list("student_id", flat=True)
        .distinct()
    ]
    for student_id in sorted(set(students)):
        update_student(student_id, course_id)
    return len(set(students))


def recompute_all() -> int:
    """Every student x course with evidence or mastery; returns how many pairs."""
    pairs = set(Evidence.objects.values_list("student_id", "course_id").distinct())
    pairs |= set(Mastery.objects.values_list("student_id", "course_id").distinct())
    for student_id, course_id in sorted(pairs):
        update_student(student_id, course_id)
    return len(pairs)


@transaction.atomic
def set_retention(student_id: int, retention: float) -> None:
    """Save the student's desired retention and reschedule every course of theirs."""
    LearnerSettings.objects.update_or_create(
        student_id=student_id, defaults={"desired_retention": retention}
    )
    courses = set(
        Evidence.objects.filter(student_id=student_id).values_list("course_id", flat=True)
    )
    for course_id in sorted(courses):
        update_student(student_id, course_id)


def level_map(student_id: int, course_id: int) -> dict[int, str]:
    return dict(
        Mastery.objects.filter(student_id=student_id, course_id=course_id).values_list(
            "concept_id", "level"
        )
    )


def due_cards(student_id: int, course_id: int, until: datetime) -> list[int]:
    return list(
        ReviewCard.objects.filter(student_id=student_id, course_id=course_id, due__lte=until)
        .order_by("due")
        .values_list("concept_id", flat=True)
    )


__all__ = ["NOT_STARTED", "recompute_all", "recompute_course", "update_student"]
