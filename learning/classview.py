"""The instructor's view of a class: a concept x student mastery table and a concept x Bloom
band summary that flags where most of the class is stuck and which prerequisite most often
precedes the mistakes. Reads only; a fixed number of queries whatever the class size."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from courses.models import Chapter, Concept, Course, Prerequisite
from learning.access import class_students
from learning.model import BANDS, FAMILIAR, MASTERED, NOT_STARTED, PROFICIENT
from learning.models import Evidence, Mastery

STUCK_SHARE = 0.5  # a band where more than half of those who started it are still "familiar"


@dataclass
class Row:
    student: User
    levels: list[str]
    mastered: int
    stuck: int


@dataclass
class SummaryRow:
    concept: Concept
    started: int
    # per band: (students at proficient or above, students who started the band)
    bands: list[tuple[int, int]] = field(default_factory=list)
    stuck_bands: list[str] = field(default_factory=list)
    suspect: Concept | None = None  # the prerequisite most often unmastered behind mistakes
    suspect_count: int = 0


@dataclass
class ClassView:
    concepts: list[Concept]
    rows: list[Row]
    summary: list[SummaryRow]


def class_view(course: Course, chapter: Chapter | None = None, sort: str = "student") -> ClassView:
    """Five queries: concepts, students, mastery, edges, recent mistakes."""
    concepts = list(
        Concept.objects.filter(course=course, status=Concept.Status.PUBLISHED)
        .select_related("chapter")
        .only("slug", "title", "chapter__position", "chapter__slug", "course_id")
        .order_by("chapter__position", "title")
    )
    if chapter is not None:
        concepts = [c for c in concepts if c.chapter_id == chapter.pk]
    students = list(class_students(course))
    mastery: dict[tuple[int, int], Mastery] = {
        (m.student_id, m.concept_id): m
        for m in Mastery.objects.filter(course=course).only(
            "student_id", "concept_id", "level", "band_levels"
        )
    }
    rows = []
    for s in students:
        levels = [
            mastery[(s.pk, c.pk)].level if (s.pk, c.pk) in mastery else NOT_STARTED
            for c in concepts
        ]
        rows.append(Row(s, levels, levels.count(MASTERED), levels.count(FAMILIAR)))
    if sort == "mastered":
        rows.sort(key=lambda r: (-r.mastered, r.student.username))
    elif sort == "stuck":
        rows.sort(key=lambda r: (-r.stuck, r.student.username))
    before: dict[int, list[int]] = defaultdict(list)
    for a, b in Prerequisite.objects.filter(after__course=course).values_list(
        "before_id", "after_id"
    ):
        before[b].append(a)
    by_pk = {c.pk: c for c in Concept.objects.filter(course=course).only("slug", "title")}
    suspects: dict[int, Counter[int]] = defaultdict(Counter)
    for student_id, concept_id in Evidence.objects.filter(course=course, score__lt=0.5).values_list(
        "student_id", "concept_id"
    ):
        for b in before.get(concept_id, []):
            m = mastery.get((student_id, b))
            if m is None or m.level != MASTERED:
                suspects[concept_id][b] += 1
    summary = []
    for c in concepts:
        ms = [mastery[(s.pk, c.pk)] for s in students if (s.pk, c.pk) in mastery]
        row = SummaryRow(c, len(ms))
        for band, (name, _levels, _d) in enumerate(BANDS):
            started = [
                m for m in ms if len(m.band_levels) > band and m.band_levels[band] != NOT_STARTED
            ]
            good = [m for m in started if m.band_levels[band] in (PROFICIENT, MASTERED)]
            row.bands.append((len(good), len(started)))
            if started and (len(started) - len(good)) / len(started) > STUCK_SHARE:
                row.stuck_bands.append(name)
        if suspects.get(c.pk):
            pk, n = suspects[c.pk].most_common(1)[0]
            row.suspect, row.suspect_count = by_pk.get(pk), n
        summary.append(row)
    return ClassView(concepts, rows, summary)
