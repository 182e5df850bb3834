"""Named actions of the question editor: create a question, save new content, publish or
unpublish, duplicate; and two the rubric editor runs on unsaved input (propose criteria from the
model answers, grade a sample answer).

Saving new content goes through `quizzes.content.store_content`, the same rule the import
follows: a version an attempt has shown is never edited (a visible change makes a new version),
while a rubric-only change fixes the version in place and re-grades what the machine graded.
Every change is recorded with `courses.history.record_change`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.safestring import SafeString

from courses.bloom import BloomLevel
from courses.history import diff, record_change
from courses.models import SLUG_MAX, Concept, Course, Tag, max_length
from grading.base import get_grader
from grading.derive import rubric_from_model_answers
from grading.rubric import Criterion, Rubric
from quizzes.content import ContentSaved, store_content
from quizzes.highlight import highlight
from quizzes.models import AttemptItem, Question, QuestionVersion
from quizzes.parts import StoredJSON
from review.models import GradingPolicy

AnyUser = User | AnonymousUser | None


@dataclass(frozen=True)
class QuestionValues:
    """A question's fields as the editor's forms cleaned them (parts in canonical form)."""

    slug: str
    title: str
    status: str
    bloom: int
    concepts: Sequence[Concept]
    tags: Sequence[Tag]
    stem: str
    explanation: str
    parts: list[StoredJSON]  # canonical, as `QuestionVersion.parts` stores them

    def payload(self) -> StoredJSON:
        return {
            "title": self.title,
            "stem": self.stem,
            "bloom": self.bloom,
            "explanation": self.explanation,
            "parts": self.parts,
        }


@dataclass(frozen=True)
class SaveResult:
    question: Question
    changes: dict[str, list[Any]]
    content: ContentSaved


def snapshot(question: Question) -> StoredJSON:
    """What the history compares: the question's fields, and each part by its id.

    Stored JSON on purpose (the storage boundary): a `ChangeRecord` keeps the before and after
    of each key, and a part's stored JSON is what an old record holds too."""
    version = question.current
    out: StoredJSON = {"slug": question.slug, "status": question.status}
    if version is not None:
        out |= {
            "title": version.title,
            "bloom": BloomLevel(version.bloom).slug,
            "stem": version.stem,
            "explanation": version.explanation,
            "part order": [p["id"] for p in version.parts],
        }
        out |= {f"part {p['id']}": p for p in version.parts}
    out["concepts"] = sorted(question.concepts.values_list("slug", flat=True))
    out["tags"] = sorted(question.tags.values_list("slug", flat=True))
    return out


def describe(changes: Mapping[str, Sequence[Any]]) -> str:
    """`title, stem, part choice (options), part justify (rubric)` for a history summary."""
    names = []
    for name, (before, after) in changes.items():
        if not name.startswith("part ") or name == "part order":
            names.append(name)
        elif before is None:
            names.append(f"added {name}")
        elif after is None:
            names.append(f"removed {name}")
        else:
            keys = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
            names.append(f"{name} ({', '.join(keys)})")
    return ", ".join(names)


def is_answered(question: Question) -> bool:
    """Whether an attempt has shown the question's current version."""
    return (
        question.current_id is not None
        and AttemptItem.objects.filter(version_id=question.current_id).exists()
    )


@transaction.atomic
def create_question(course: Course, user: AnyUser, values: QuestionValues) -> Question:
    question = Question.objects.create(course=course, slug=values.slug, status=values.status)
    question.current = QuestionVersion.objects.create(
        question=question, number=1, **values.payload()
    )
    question.save(update_fields=["current"])
    question.concepts.set(values.concepts)
    question.tags.set(values.tags)
    record_change(user, question, "Created", diff({}, snapshot(question)))
    return question


@transaction.atomic
def save_question(question: Question, user: AnyUser, values: QuestionValues) -> SaveResult:
    """Store the editor's values: content by the versioning rule, then slug, status, links."""
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=question.pk)
    )
    before = snapshot(question)
    saved = store_content(question, values.payload(), answered=is_answered(question))
    updated = []
    for name in ("slug", "status"):
        if getattr(question, name) != getattr(values, name):
            setattr(question, name, getattr(values, name))
            updated.append(name)
    if updated:
        question.save(update_fields=updated)
    if set(question.concepts.all()) != set(values.concepts):
        question.concepts.set(values.concepts)
    if set(question.tags.all()) != set(values.tags):
        question.tags.set(values.tags)
    changes = diff(before, snapshot(question))
    if changes:
        summary = f"Edited {describe(changes)}"
        if saved.outcome == ContentSaved.NEW_VERSION and question.current is not None:
            summary += f"; version {question.current.number} (the old one was answered)"
        if saved.regraded_parts:
            summary += f"; re-grading {', '.join(saved.regraded_parts)}"
        record_change(user, question, summary, changes)
    return SaveResult(question, changes, saved)


@transaction.atomic
def set_status(question: Question, user: AnyUser, status: str) -> bool:
    """Publish (students may be given it) or take back to draft; False when nothing changed."""
    if status not in Question.Status.values:
        raise ValueError(f"unknown status {status!r}")
    if question.status == status:
        return False
    before = question.status
    question.status = status
    question.save(update_fields=["status"])
    summary = "Published" if status == Question.Status.PUBLISHED else "Taken back to draft"
    record_change(user, question, summary, {"status": [before, status]})
    return True


def unique_slug(course: Course, base: str) -> str:
    taken = set(
        Question.objects.filter(course=course, slug__startswith=base[:40]).values_list(
            "slug", flat=True
        )
    )
    slug, n = base[:SLUG_MAX].strip("-"), 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: SLUG_MAX - len(suffix)].strip("-") + suffix
        n += 1
    return slug


@transaction.atomic
def duplicate_question(question: Question, user: AnyUser) -> Question:
    """A draft copy with a slug of its own, the same content, concepts and tags."""
    version = question.current
    assert version is not None
    copied = Question.objects.create(
        course=question.course,
        slug=unique_slug(question.course, f"{question.slug}-copy"),
        status=Question.Status.DRAFT,
    )
    copied.current = QuestionVersion.objects.create(
        question=copied,
        number=1,
        title=f"{version.title} (copy)"[: max_length(QuestionVersion, "title")],
        stem=version.stem,
        bloom=version.bloom,
        explanation=version.explanation,
        parts=copy.deepcopy(version.parts),
    )
    copied.save(update_fields=["current"])
    copied.concepts.set(question.concepts.all())
    copied.tags.set(question.tags.all())
    record_change(user, copied, f"Duplicated from {question.slug}", diff({}, snapshot(copied)))
    record_change(user, question, f"Duplicated as {copied.slug}")
    return copied


# ---------------------------------------------------------------------------------------------
# The rubric editor's helpers: nothing here is saved


def propose_criteria(question_text: str, model_answers: Sequence[str]) -> tuple[Criterion, ...]:
    """Criteria proposed from the model answers (docs/rubrics.md, "Derived rubrics")."""
    return rubric_from_model_answers(question_text, model_answers).criteria


@dataclass(frozen=True)
class TryCriterion:
    """One criterion of a sample answer's grade. Levels are numbered from 1 (the lowest), as
    on the review screen."""

    number: int
    id: str
    title: str
    level: int
    levels: int
    descriptor: str
    points: float
    max_points: float
    confidence: float
    near_boundary: bool
    note: str
    matched: list[str]
    missed: list[str]
    misconceptions: list[str]
    has_evidence: bool


@dataclass
class TryResult:
    """How the automatic grader grades a sample answer against a rubric as typed."""

    answer: str
    highlighted: SafeString
    score: float
    max_score: float
    confidence: float
    needs_review: bool
    note: str
    criteria: list[TryCriterion] = field(default_factory=list)
    choices_known: bool = False


def review_threshold(course: Course) -> float:
    policy = GradingPolicy.objects.filter(course=course).first()
    return policy.review_threshold if policy else float(settings.STEPWISE_REVIEW_THRESHOLD)


def try_answer(
    course: Course,
    rubric: Rubric,
    answer: str,
    choices: Mapping[str, list[str]] | None,
    *,
    question: str | None = None,
) -> TryResult:
    """Grade `answer` with the offline grader at the course's review threshold (never the chat
    model: this runs as the author types); `question` (stem and part prompt) as students see
    it, so a pasted question earns nothing, as in the review task."""
    grader = get_grader("keyword", review_threshold=review_threshold(course))
    result = grader.grade(rubric, answer, dict(choices) if choices else None, prompt=question)
    criteria = []
    for number, (c, criterion) in enumerate(zip(result.criteria, rubric.criteria, strict=True), 1):
        ideas = {k.id: k for k in criterion.key_ideas}
        criteria.append(
            TryCriterion(
                number=number,
                id=criterion.id,
                title=criterion.title,
                level=c.level_index + 1,
                levels=len(criterion.levels),
                descriptor=criterion.levels[c.level_index].descriptor,
                points=c.points,
                max_points=c.max_points,
                confidence=c.confidence,
                near_boundary=c.near_boundary,
                note=c.note,
                matched=[i for i in c.matched_ideas if i in ideas],
                missed=list(c.missed_ideas),
                misconceptions=list(c.misconceptions),
                has_evidence=bool(c.evidence),
            )
        )
    return TryResult(
        answer=answer,
        highlighted=highlight(answer, [c.evidence for c in result.criteria]),
        score=result.score,
        max_score=result.max_score,
        confidence=result.confidence,
        needs_review=result.needs_review,
        note=result.note,
        criteria=criteria,
        choices_known=bool(choices),
    )
