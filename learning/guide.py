"""What to learn next, for one student in one course: the frontier, what to revisit, reviews due.

- **Frontier**: concepts not yet mastered whose learn-before concepts all are (learning.model).
- **Revisit**: the learn-before concepts that recent mistakes point to — for each recent answer
  scoring under half on a concept, its direct prerequisites not yet mastered, counted.
- **Reviews due**: concepts whose FSRS card is due by the end of today, in topological order.

Five queries: concepts, edges, mastery, due cards and recent mistakes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from courses.models import Concept, Prerequisite
from learning.model import MASTERED, NOT_STARTED, Graph, frontier
from learning.models import Evidence, Mastery, ReviewCard

RECENT = timedelta(days=21)
MISTAKE = 0.5


@dataclass(frozen=True)
class ConceptRef:
    pk: int
    slug: str
    title: str
    chapter_id: int
    level: str
    note: str = ""


@dataclass
class Guide:
    concepts: dict[int, ConceptRef]
    graph: Graph
    levels: dict[int, str]
    frontier: list[ConceptRef]
    revisit: list[ConceptRef]
    due: list[ConceptRef]


def end_of_today(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=23, minute=59, second=59, microsecond=0)


def guide_for(student_id: int, course_id: int, now: datetime | None = None) -> Guide:
    now = now or timezone.now()
    rows = list(
        Concept.objects.filter(course_id=course_id, status=Concept.Status.PUBLISHED)
        .order_by("chapter__position", "title")
        .values_list("pk", "slug", "title", "chapter_id")
    )
    edges = list(
        Prerequisite.objects.filter(after__course_id=course_id).values_list("before_id", "after_id")
    )
    graph = Graph([r[0] for r in rows], edges)
    levels = dict(
        Mastery.objects.filter(student_id=student_id, course_id=course_id).values_list(
            "concept_id", "level"
        )
    )
    concepts = {
        pk: ConceptRef(pk, slug, title, chapter, levels.get(pk, NOT_STARTED))
        for pk, slug, title, chapter in rows
    }
    due_ids = set(
        ReviewCard.objects.filter(
            student_id=student_id, course_id=course_id, due__lte=end_of_today(now)
        ).values_list("concept_id", flat=True)
    )
    mistakes = Counter(
        Evidence.objects.filter(
            student_id=student_id, course_id=course_id, at__gte=now - RECENT, score__lt=MISTAKE
        ).values_list("concept_id", flat=True)
    )
    pointed: Counter[int] = Counter()
    for concept, count in mistakes.items():
        for before in graph.before.get(concept, []):
            if levels.get(before, NOT_STARTED) != MASTERED:
                pointed[before] += count
    revisit = [
        _with_note(concepts[pk], f"{n} recent mistake{'s' if n != 1 else ''} point here")
        for pk, n in sorted(pointed.items(), key=lambda kv: (-kv[1], graph.order.index(kv[0])))
        if pk in concepts
    ]
    return Guide(
        concepts=concepts,
        graph=graph,
        levels=levels,
        frontier=[concepts[pk] for pk in frontier(graph, levels) if pk in concepts],
        revisit=revisit,
        due=[concepts[pk] for pk in graph.order if pk in due_ids and pk in concepts],
    )


def _with_note(ref: ConceptRef, note: str) -> ConceptRef:
    return ConceptRef(ref.pk, ref.slug, ref.title, ref.chapter_id, ref.level, note)
