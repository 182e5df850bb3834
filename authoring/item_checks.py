"""The item-writing checker (`quizzes.itemcheck`) over a course in the database: the bank's
filter and the question editor's panel read it from here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from courses.models import Concept, Course
from quizzes.itemcheck import (
    BankReport,
    ConceptIndex,
    Finding,
    Item,
    check_bank,
    check_item,
    duplicate_findings,
    index_concepts,
)
from quizzes.models import Question


def concept_index(course: Course) -> ConceptIndex:
    """Every concept of the course (drafts too: a draft's text still gives answers away)."""
    rows = Concept.objects.filter(course=course).values_list("slug", "title", "body")
    return index_concepts({slug: f"{title}\n\n{body}" for slug, title, body in rows})


def item_of(question: Question) -> Item:
    version = question.current
    assert version is not None
    return Item(
        slug=question.slug,
        title=version.title,
        bloom=version.bloom,
        stem=version.stem,
        parts=version.parts,
        concepts=tuple(c.slug for c in question.concepts.all()),
        waivers=question.waivers or {},
    )


def _bank_items(course: Course) -> list[Item]:
    questions = (
        Question.objects.filter(course=course, current__isnull=False)
        .select_related("current")
        .prefetch_related("concepts")
        .order_by("slug")
    )
    return [item_of(q) for q in questions]


def course_report(course: Course) -> BankReport:
    """Every question of the course, checked against the course's concepts and each other."""
    return check_bank(_bank_items(course), concept_index(course))


def slugs_with_findings(course: Course, code: str = "") -> set[str]:
    """Questions with an unwaived finding (of `code`, or of any check)."""
    return {
        f.slug for f in course_report(course).unwaived if f.slug and (not code or f.code == code)
    }


@dataclass(frozen=True)
class EditorFinding:
    finding: Finding
    anchor: str  # the id of the editor's field to jump to


_PART_FIELD = re.compile(r"^parts\[(\d+)\](?:\.(options|pairs|items)\[(\d+)\])?(?:\.(\w+))?")


def editor_anchor(path: str) -> str:
    """The question editor's element id for a content path such as `parts[0].options[2].text`."""
    if path in ("stem", "bloom", "title", "explanation"):
        return f"id_{path}"
    m = _PART_FIELD.match(path)
    if not m:
        return "f-parts"
    part, rows, row, leaf = m.groups()
    if rows:
        anchor = f"f-parts-{part}-{rows}-{row}"
        return f"{anchor}-{leaf}" if leaf in ("text", "left", "right") else anchor
    return f"f-parts-{part}-prompt" if leaf == "prompt" else f"f-parts-{part}"


def editor_findings(
    course: Course, question: Question | None, values: Any | None = None
) -> list[EditorFinding]:
    """What the checker says of the question being edited: its saved state, or `values` (the
    editor's unsaved state: slug, title, bloom, stem, parts, concepts) when given."""
    if values is not None:
        item = Item(
            slug=values.slug,
            title=values.title,
            bloom=int(values.bloom),
            stem=values.stem,
            parts=values.parts,
            concepts=tuple(c.slug for c in values.concepts),
            waivers=(question.waivers if question is not None else {}) or {},
        )
    elif question is not None and question.current is not None:
        item = item_of(question)
    else:
        return []
    findings = check_item(item, concept_index(course))
    others = [i for i in _bank_items(course) if i.slug != item.slug]
    findings += duplicate_findings([item, *others], of=item)
    return [EditorFinding(f, editor_anchor(f.field)) for f in findings]
