"""The question bank's queries and named actions: filter the bank, change many questions at once,
save a quiz from the builder, count coverage, find what needs tagging.

Every change records history per item through `courses.history.record_change`, inside one
transaction, so a refused or failed bulk action changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from courses.bloom import BloomLevel
from courses.content import FILE_TAG_KINDS
from courses.history import diff, record_change
from courses.models import ChangeRecord, Chapter, Concept, Course, Tag
from quizzes.actions import rule_queryset
from quizzes.content import QUIZ_SETTINGS, rule_as_content
from quizzes.itemcheck import BankReport
from quizzes.models import DrawRule, Question, Quiz, QuizItem
from quizzes.visibility import ReviewMatrix

Actor = User | AnonymousUser | None

IMPORTED = "imported"  # the author filter's value for questions with no history (imported)
ANY_CHECK = "any"  # the item-writing filter's value for "any warning"
SCENARIO = "scenario"
KINDS = ("single", "multiple", "true_false", "matching", "ordering", "free_text", SCENARIO)


# ---------------------------------------------------------------------------------------------
# Tags as a tree (the tag table is small: read it once per page)


class TagTree:
    """All tags, with their descendants and the course-usable subset, from one query."""

    def __init__(self, tags: Iterable[Tag]) -> None:
        self.tags = list(tags)
        self.by_slug = {t.slug: t for t in self.tags}
        self.by_pk = {t.pk: t for t in self.tags}
        self.children: dict[int | None, list[Tag]] = defaultdict(list)
        for t in self.tags:
            self.children[t.parent_id].append(t)

    @classmethod
    def load(cls) -> TagTree:
        return cls(Tag.objects.select_related("course", "chapter").order_by("name"))

    def descendants(self, tag: Tag) -> set[int]:
        """The tag's id and the ids of every tag under it."""
        out: set[int] = set()
        stack = [tag]
        while stack:
            t = stack.pop()
            if t.pk in out:
                continue
            out.add(t.pk)
            stack.extend(self.children.get(t.pk, []))
        return out

    def discipline_ids(self) -> set[int]:
        """Tags of kind discipline and every tag under one."""
        out: set[int] = set()
        for t in self.tags:
            if t.kind == Tag.Kind.DISCIPLINE:
                out |= self.descendants(t)
        return out

    def discipline_tags(self) -> list[Tag]:
        ids = self.discipline_ids()
        return [t for t in self.tags if t.pk in ids]

    def usable_for(self, course: Course, chapters: Iterable[Chapter]) -> list[Tag]:
        """The tags a question of `course` may carry and still export and re-import: the file
        tags (discipline, custom), the course's own tag and its chapters' tags."""
        return [t for t in self.tags if t.kind in FILE_TAG_KINDS or t.course_id == course.pk]


# ---------------------------------------------------------------------------------------------
# The bank: questions of a course, filtered


def _records_of_questions() -> QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Question), object_id=OuterRef("pk")
    )


def with_author(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Annotate `author_name` (the user of the question's first change record; None when it has
    none or the user is gone) and `has_history` (False for imported questions)."""
    records = _records_of_questions()
    return questions.annotate(
        author_name=Subquery(records.order_by("at", "pk").values("user__username")[:1]),
        has_history=Exists(records),
    )


def kind_filter(kind: str) -> Q:
    """QuestionVersion.kind in SQL: a scenario has a second part; otherwise the first part's
    kind. Index keys address JSON array elements on SQLite and PostgreSQL alike."""
    if kind == SCENARIO:
        return Q(current__parts__1__kind__isnull=False)
    return Q(current__parts__0__kind=kind) & Q(current__parts__1__kind__isnull=True)


@dataclass
class BankFilters:
    q: str = ""
    chapter: Chapter | None = None
    concept: Concept | None = None
    bloom: int | None = None
    tag: Tag | None = None
    kind: str = ""
    status: str = ""
    author: str = ""  # a username, or IMPORTED
    check: str = ""  # an item-writing check code, or ANY_CHECK


def bank_queryset(
    course: Course, f: BankFilters, tags: TagTree, report: BankReport | None = None
) -> QuerySet[Question]:
    """The course's questions (every status) matching every filter set, with their authors.

    The item-writing filter reads `report` (the checker's findings for the course)."""
    Links = Question.concepts.through
    qs = Question.objects.filter(course=course)
    if f.check:
        flagged = report.unwaived if report is not None else []
        qs = qs.filter(
            slug__in={x.slug for x in flagged if f.check in (ANY_CHECK, x.code) and x.slug}
        )
    if f.q:
        qs = qs.filter(Q(current__title__icontains=f.q) | Q(slug__icontains=f.q))
    if f.chapter is not None:
        qs = qs.filter(
            pk__in=Links.objects.filter(concept__chapter=f.chapter).values("question_id")
        )
    if f.concept is not None:
        qs = qs.filter(pk__in=Links.objects.filter(concept=f.concept).values("question_id"))
    if f.bloom:
        qs = qs.filter(current__bloom=f.bloom)
    if f.tag is not None:
        qs = qs.filter(
            pk__in=Question.tags.through.objects.filter(tag_id__in=tags.descendants(f.tag)).values(
                "question_id"
            )
        )
    if f.kind:
        qs = qs.filter(kind_filter(f.kind))
    if f.status:
        qs = qs.filter(status=f.status)
    qs = with_author(qs)
    if f.author == IMPORTED:
        qs = qs.filter(Q(has_history=False))
    elif f.author:
        qs = qs.filter(Q(author_name=f.author))
    return qs.select_related("current").order_by("current__title", "slug")


def author_names(course: Course) -> list[str]:
    """The usernames that first wrote one of the course's questions."""
    names = (
        with_author(Question.objects.filter(course=course))
        .exclude(Q(author_name=None))
        # an annotation of with_author, which the django-stubs plugin cannot see
        .values_list("author_name", flat=True)  # type: ignore[misc]
        .distinct()
    )
    return sorted(set(names))


# ---------------------------------------------------------------------------------------------
# Bulk actions on selected questions


class BulkAction:
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    ADD_TAG = "add_tag"
    REMOVE_TAG = "remove_tag"
    MOVE = "move"

    choices = [
        (PUBLISH, "Publish"),
        (UNPUBLISH, "Unpublish (back to draft)"),
        (ADD_TAG, "Add tag"),
        (REMOVE_TAG, "Remove tag"),
        (MOVE, "Move to concept (replaces their concepts)"),
    ]


@dataclass
class BulkResult:
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # slugs refused, with the reason below
    reason: str = ""

    def message(self, noun: str = "question") -> str:
        text = f"{self.updated} {noun}{'s' if self.updated != 1 else ''} updated."
        if self.unchanged:
            text += f" {self.unchanged} already as asked."
        if self.skipped:
            text += f" {len(self.skipped)} skipped ({self.reason}): {', '.join(self.skipped)}."
        return text


def _question_state(question: Question) -> dict[str, Any]:
    return {
        "status": question.status,
        "concepts": sorted(c.slug for c in question.concepts.all()),
        "tags": sorted(t.slug for t in question.tags.all()),
    }


@transaction.atomic
def bulk_update_questions(
    user: Actor,
    questions: list[Question],
    action: str,
    *,
    tag: Tag | None = None,
    concept: Concept | None = None,
) -> BulkResult:
    """Apply one bulk action to questions already checked to belong to one course.

    `move` replaces each question's concepts with `concept` (the question then sits in that
    concept's chapter); use the question editor to keep several concepts.
    Questions already in the asked state are left alone and get no history record.
    """
    result = BulkResult()
    ids = [q.pk for q in questions]
    rows = list(
        Question.objects.filter(pk__in=ids)
        .select_related("current")
        .prefetch_related("concepts", "tags")
        .order_by("slug")
    )
    for question in rows:
        before = _question_state(question)
        if action == BulkAction.PUBLISH:
            if question.current is None:
                result.skipped.append(question.slug)
                result.reason = "no content yet"
                continue
            question.status = Question.Status.PUBLISHED
        elif action == BulkAction.UNPUBLISH:
            question.status = Question.Status.DRAFT
        after = dict(before)
        after["status"] = question.status
        if action == BulkAction.ADD_TAG and tag is not None:
            after["tags"] = sorted({*before["tags"], tag.slug})
        elif action == BulkAction.REMOVE_TAG and tag is not None:
            after["tags"] = sorted(set(before["tags"]) - {tag.slug})
        elif action == BulkAction.MOVE and concept is not None:
            after["concepts"] = [concept.slug]
        changes = diff(before, after)
        if not changes:
            result.unchanged += 1
            continue
        if "status" in changes:
            question.save(update_fields=["status"])
        if action == BulkAction.ADD_TAG and tag is not None:
            question.tags.add(tag)
        elif action == BulkAction.REMOVE_TAG and tag is not None:
            question.tags.remove(tag)
        elif action == BulkAction.MOVE and concept is not None:
            question.concepts.set([concept])
        label = dict(BulkAction.choices)[action].split(" (")[0].lower()
        target = tag.slug if tag else concept.slug if concept else ""
        record_change(user, question, f"Bulk {label}{f' {target}' if target else ''}", changes)
        result.updated += 1
    return result


@transaction.atomic
def bulk_add_discipline_tag(
    user: Actor, tag: Tag, questions: list[Question], concepts: list[Concept]
) -> tuple[BulkResult, BulkResult]:
    """Tag questions and concepts (already checked to belong to one course) with `tag`."""
    results = []
    for items in (questions, concepts):
        result = BulkResult()
        for item in items:
            have = sorted(t.slug for t in item.tags.all())
            if tag.slug in have:
                result.unchanged += 1
                continue
            item.tags.add(tag)
            record_change(
                user,
                item,
                f"Tagged {tag.slug}",
                diff({"tags": have}, {"tags": sorted([*have, tag.slug])}),
            )
            result.updated += 1
        results.append(result)
    return results[0], results[1]


# ---------------------------------------------------------------------------------------------
# Quizzes


@dataclass
class RuleSpec:
    count: int
    chapter: Chapter | None = None
    concept: Concept | None = None
    tag: Tag | None = None
    bloom: int | None = None

    def as_rule(self, quiz: Quiz) -> DrawRule:
        return DrawRule(
            quiz=quiz,
            position=0,
            count=self.count,
            chapter=self.chapter,
            concept=self.concept,
            tag=self.tag,
            bloom=self.bloom,
        )

    def describe(self) -> dict[str, Any]:
        """As the content format writes it."""
        return rule_as_content(self)


def count_matches(course: Course, spec: RuleSpec) -> int:
    """How many published questions a rule matches: the same query the attempt draw uses."""
    return rule_queryset(Quiz(course=course), spec.as_rule(Quiz(course=course))).count()


QUIZ_FIELDS = ("title", "slug", "description", *QUIZ_SETTINGS, "review")


def _json(value: Any) -> Any:
    if isinstance(value, ReviewMatrix):
        return value.to_json()
    return value.isoformat() if isinstance(value, datetime) else value


def quiz_state(quiz: Quiz) -> dict[str, Any]:
    """The quiz as history records it: settings, fixed questions in order, draw rules."""
    if quiz.pk is None:
        return {}
    state = {name: _json(getattr(quiz, name)) for name in QUIZ_FIELDS}
    state["chapter"] = quiz.chapter.slug if quiz.chapter else None
    state["questions"] = list(
        quiz.items.order_by("position").values_list("question__slug", flat=True)
    )
    state["draw"] = [
        RuleSpec(r.count, r.chapter, r.concept, r.tag, r.bloom).describe()
        for r in quiz.rules.select_related("chapter", "concept", "tag").order_by("position")
    ]
    return state


@transaction.atomic
def save_quiz(
    user: Actor,
    course: Course,
    quiz: Quiz | None,
    values: dict[str, Any],
    questions: list[Question],
    rules: list[RuleSpec],
) -> Quiz:
    """Create or update a quiz with its fixed questions (in order) and its draw rules, and record
    what changed. `values` holds the settings in QUIZ_FIELDS plus `chapter`, already checked."""
    if quiz is None:
        quiz = Quiz(course=course)
    before = quiz_state(quiz)
    for name, value in values.items():
        setattr(quiz, name, value)
    quiz.save()
    wanted = [q.pk for q in questions]
    if list(quiz.items.order_by("position").values_list("question_id", flat=True)) != wanted:
        quiz.items.all().delete()
        QuizItem.objects.bulk_create(
            [QuizItem(quiz=quiz, question_id=pk, position=n) for n, pk in enumerate(wanted, 1)]
        )
    have_rules = [
        RuleSpec(r.count, r.chapter, r.concept, r.tag, r.bloom).describe()
        for r in quiz.rules.select_related("chapter", "concept", "tag").order_by("position")
    ]
    if have_rules != [r.describe() for r in rules]:
        quiz.rules.all().delete()
        new_rules = []
        for n, spec in enumerate(rules, 1):
            rule = spec.as_rule(quiz)
            rule.position = n
            new_rules.append(rule)
        DrawRule.objects.bulk_create(new_rules)
    after = quiz_state(quiz)
    changes = diff(before, after)
    if not before:
        record_change(user, quiz, "Created quiz", changes)
    elif changes:
        record_change(user, quiz, f"Updated {', '.join(changes)}", changes)
    return quiz


# ---------------------------------------------------------------------------------------------
# Coverage: chapters by Bloom levels


@dataclass
class CoverageRow:
    chapter: Chapter | None
    cells: list[tuple[int, int]]  # (Bloom level, question count)
    total: int


@dataclass
class Coverage:
    rows: list[CoverageRow]
    column_totals: list[tuple[int, int]]
    total: int


def coverage(course: Course, published_only: bool) -> Coverage:
    """Question counts per chapter and Bloom level. A question counts once in every chapter of
    its concepts; column and grand totals count each question once."""
    qs = Question.objects.filter(course=course, current__isnull=False)
    if published_only:
        qs = qs.filter(status=Question.Status.PUBLISHED)
    cells: dict[tuple[int | None, int], int] = {}
    for chapter_id, bloom, n in (
        qs.values_list("concepts__chapter_id", "current__bloom")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        cells[chapter_id, bloom] = n
    columns = dict(qs.values_list("current__bloom").annotate(n=Count("pk")).order_by())
    levels = [int(level) for level in BloomLevel]
    chapters: list[Chapter | None] = list(course.chapters.order_by("position"))
    if any(chapter_id is None for chapter_id, _ in cells):
        chapters.append(None)  # questions with no concept: no chapter
    rows = []
    for ch in chapters:
        row = [(level, cells.get((ch.pk if ch else None, level), 0)) for level in levels]
        # A question has one Bloom level, so its chapter's row holds it once.
        rows.append(CoverageRow(chapter=ch, cells=row, total=sum(n for _, n in row)))
    return Coverage(
        rows=rows,
        column_totals=[(level, columns.get(level, 0)) for level in levels],
        total=sum(columns.values()),
    )


# ---------------------------------------------------------------------------------------------
# Needs tagging


@dataclass
class NeedsTagging:
    no_bloom: list[Question]
    no_concept: list[Question]
    concepts_no_chapter: list[Concept]
    questions_no_discipline: list[Question]
    concepts_no_discipline: list[Concept]

    @property
    def total(self) -> int:
        return sum(
            len(x)
            for x in (
                self.no_bloom,
                self.no_concept,
                self.concepts_no_chapter,
                self.questions_no_discipline,
                self.concepts_no_discipline,
            )
        )


def needs_tagging(course: Course, tags: TagTree) -> NeedsTagging:
    # An empty `__in` cannot be compiled inside an aggregate's filter: 0 is never a tag id.
    discipline = tags.discipline_ids() or {0}
    questions = list(
        Question.objects.filter(course=course)
        .select_related("current")
        .annotate(
            n_concepts=Count("concepts", distinct=True),
            n_discipline=Count("tags", filter=Q(tags__in=discipline), distinct=True),
        )
        .order_by("slug")
    )
    concepts = list(
        Concept.objects.filter(course=course)
        .annotate(n_discipline=Count("tags", filter=Q(tags__in=discipline), distinct=True))
        .select_related("chapter")
        .order_by("title")
    )
    return NeedsTagging(
        no_bloom=[q for q in questions if q.current is None or not q.current.bloom],
        no_concept=[q for q in questions if not q.n_concepts],
        concepts_no_chapter=[c for c in concepts if c.chapter_id is None],
        questions_no_discipline=[q for q in questions if not q.n_discipline],
        concepts_no_discipline=[c for c in concepts if not c.n_discipline],
    )
