"""Named actions on concepts and tags. The authoring views, tests and commands go through these,
so every change is checked the same way and lands in the change history.

Nothing here knows the quizzes app: tag merges and deletions walk every relation that points at
`Tag` (`Tag._meta.related_objects`), so question tags and quiz draw rules follow without an
import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from courses import graphcache
from courses.graph import format_cycle
from courses.history import diff, record_change
from courses.models import SLUG_MAX, Chapter, Concept, Course, Prerequisite, Tag

TAG_SLUG_MAX: int = Tag._meta.get_field("slug").max_length or 100
FILE_TAG_KINDS = (Tag.Kind.DISCIPLINE, Tag.Kind.CUSTOM)  # tags written to tags.yaml
RESERVED_TAG_KINDS = (Tag.Kind.COURSE, Tag.Kind.CHAPTER)  # made by the importer from course.yaml
NEW = 0  # the graph node of a concept not saved yet (primary keys start at 1)

AnyUser = User | AnonymousUser | None


def slug_from(text: str, max_length: int = SLUG_MAX) -> str:
    """A slug in the content format (`a-z0-9` and single hyphens) made from a title."""
    slug = re.sub(r"[^a-z0-9]+", "-", slugify(text).lower()).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slug(base: str, taken: Iterable[str], max_length: int = SLUG_MAX) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is not in `taken`."""
    used = set(taken)
    candidate, n = base[:max_length].rstrip("-"), 1
    while candidate in used:
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


def is_reserved(tag: Tag) -> bool:
    """Course and chapter tags are made by the importer; they are not edited, merged or
    deleted by hand."""
    return tag.kind in RESERVED_TAG_KINDS


# ---------------------------------------------------------------------------------------------
# Concepts


@dataclass
class ConceptInput:
    """Everything the concept editor sets, already checked by `ConceptForm`."""

    title: str
    slug: str
    chapter: Chapter
    summary: str
    body: str
    status: str
    learn_before: Sequence[Concept]
    learn_after: Sequence[Concept]
    related: Sequence[Concept]
    tags: Sequence[Tag]


@dataclass(frozen=True)
class Cycle:
    """A prerequisite cycle through the edited concept, and the fields whose new edges close it."""

    text: str  # "A → B → C → A"
    fields: tuple[str, ...]  # "learn_before" and/or "learn_after"


def prerequisite_cycle(
    course: Course,
    concept: Concept | None,
    title: str,
    learn_before: Iterable[Concept],
    learn_after: Iterable[Concept],
) -> Cycle | None:
    """The cycle that giving `concept` these learn-before (incoming) and learn-after (outgoing)
    edges would close, checked over the course's whole edge set; None when there is none.

    `concept` is None for a concept not saved yet; `title` names it in the message.
    """
    me = concept.pk if concept is not None else NEW
    before = {c.pk: c for c in learn_before}
    after = {c.pk: c for c in learn_after}
    others = (
        Prerequisite.objects.filter(after__course=course)
        .exclude(before_id=me)
        .exclude(after_id=me)
        .values_list("before_id", "after_id")
    )
    graph: nx.DiGraph = nx.DiGraph(list(others))
    graph.add_nodes_from([*before, *after])
    for a in sorted(after, key=lambda pk: (after[pk].title, pk)):
        paths = nx.single_source_shortest_path(graph, a)
        closing = [b for b in before if b in paths]
        if not closing:
            continue
        b = min(closing, key=lambda pk: (len(paths[pk]), before[pk].title, pk))
        path = [me, *paths[b]]
        titles = dict(Concept.objects.filter(pk__in=path).values_list("pk", "title"))
        titles[me] = title
        saved_before, saved_after = _saved_edges(concept)
        fields = tuple(
            name
            for name, is_new in (
                ("learn_before", b not in saved_before),
                ("learn_after", a not in saved_after),
            )
            if is_new
        ) or ("learn_before", "learn_after")
        return Cycle(format_cycle([titles[pk] for pk in path]), fields)
    return None


def _saved_edges(concept: Concept | None) -> tuple[set[int], set[int]]:
    if concept is None:
        return set(), set()
    return (
        set(Prerequisite.objects.filter(after=concept).values_list("before_id", flat=True)),
        set(Prerequisite.objects.filter(before=concept).values_list("after_id", flat=True)),
    )


def set_prerequisites(
    concept: Concept, learn_before: Iterable[Concept], learn_after: Iterable[Concept]
) -> None:
    """Make the concept's incoming edges `learn_before` and its outgoing edges `learn_after`.

    Refuses (ValidationError keyed by field) a concept of another course, the concept itself,
    and any edge set that would close a cycle; nothing is written then.
    """
    before, after = list(learn_before), list(learn_after)
    errors: dict[str, list[str]] = {}
    for name, chosen in (("learn_before", before), ("learn_after", after)):
        for other in chosen:
            if other.pk == concept.pk:
                errors.setdefault(name, []).append(
                    f"“{concept.title}” cannot be its own prerequisite."
                )
            elif other.course_id != concept.course_id:
                errors.setdefault(name, []).append(f"“{other.title}” belongs to another course.")
    if not errors:
        cycle = prerequisite_cycle(concept.course, concept, concept.title, before, after)
        if cycle is not None:
            for name in cycle.fields:
                errors[name] = [f"This would close a cycle: {cycle.text}."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _sync_edges(concept, "after", "before", {c.pk for c in before})
        _sync_edges(concept, "before", "after", {c.pk for c in after})
        graphcache.bump(concept.course_id)  # bulk_create sends no signal


def _sync_edges(concept: Concept, own: str, other: str, wanted: set[int]) -> None:
    edges = Prerequisite.objects.filter(**{own: concept})
    have = set(edges.values_list(f"{other}_id", flat=True))
    edges.filter(**{f"{other}_id__in": have - wanted}).delete()
    Prerequisite.objects.bulk_create(
        [Prerequisite(**{own: concept, f"{other}_id": pk}) for pk in sorted(wanted - have)]
    )


def concept_snapshot(concept: Concept) -> dict[str, Any]:
    """The concept as the history compares it: fields and links, by slug."""
    return {
        "title": concept.title,
        "slug": concept.slug,
        "chapter": concept.chapter.slug,
        "summary": concept.summary,
        "body": concept.body,
        "status": concept.status,
        "learn_before": sorted(
            Concept.objects.filter(unlocks_edges__after=concept).values_list("slug", flat=True)
        ),
        "learn_after": sorted(
            Concept.objects.filter(requires_edges__before=concept).values_list("slug", flat=True)
        ),
        "related": sorted(concept.related.values_list("slug", flat=True)),
        "tags": sorted(concept.tags.filter(kind__in=FILE_TAG_KINDS).values_list("slug", flat=True)),
    }


def course_tags(course: Course, chapter: Chapter) -> list[Tag]:
    """The course tag and the chapter tag every concept carries (as the importer makes them)."""
    course_tag, _ = own_course_tag(course)
    return [course_tag, own_chapter_tag(chapter, course_tag)[0]]


def _sync(tag: Tag, values: dict[str, Any]) -> str:
    changed = [name for name, value in values.items() if getattr(tag, name) != value]
    for name in changed:
        setattr(tag, name, values[name])
    if changed:
        tag.save(update_fields=changed)
    return "updated" if changed else ""


def own_course_tag(course: Course) -> tuple[Tag, str]:
    """The course's own tag, found by its owner and never by slug alone (the tag of a deleted
    course with this slug is taken back), brought up to date; with "created", "updated" or ""."""
    values = {"name": course.title, "kind": Tag.Kind.COURSE, "parent": None, "course": course}
    tag = (
        Tag.objects.filter(kind=Tag.Kind.COURSE, course=course).first()
        or Tag.objects.filter(kind=Tag.Kind.COURSE, course=None, slug=course.slug).first()
    )
    if tag is None:
        # The import has refused a course slug another tag has; a course made in the admin
        # may still meet one, and its tag then takes `<slug>-2` (its files call it <slug>).
        taken = Tag.objects.filter(slug__startswith=course.slug).values_list("slug", flat=True)
        slug = unique_slug(course.slug, taken, TAG_SLUG_MAX)
        return Tag.objects.create(slug=slug, **values), "created"
    return tag, _sync(tag, values)


def own_chapter_tag(chapter: Chapter, course_tag: Tag) -> tuple[Tag, str]:
    """The chapter's own tag. Its slug is `chapter-<slug>`, or `chapter-<slug>-2`, ... when
    another course's chapter has that one; content files call it `chapter-<slug>` all the same
    (`Tag.content_name`)."""
    values = {
        "name": f"Ch.{chapter.position} {chapter.title}",
        "kind": Tag.Kind.CHAPTER,
        "parent": course_tag,
        "course": chapter.course,
        "chapter": chapter,
    }
    tag = (
        Tag.objects.filter(chapter=chapter).first()
        or Tag.objects.filter(kind=Tag.Kind.CHAPTER, chapter=None, slug=chapter.tag_slug).first()
    )
    if tag is None:
        taken = Tag.objects.filter(slug__startswith=chapter.tag_slug).values_list("slug", flat=True)
        slug = unique_slug(chapter.tag_slug, taken, TAG_SLUG_MAX)
        return Tag.objects.create(slug=slug, **values), "created"
    return tag, _sync(tag, values)


def _write_concept(concept: Concept, data: ConceptInput) -> None:
    concept.title = data.title
    concept.slug = data.slug
    concept.chapter = data.chapter
    concept.summary = data.summary
    concept.body = data.body
    concept.status = data.status
    concept.save()
    set_prerequisites(concept, data.learn_before, data.learn_after)
    concept.related.set([c for c in data.related if c.pk != concept.pk])
    # The file tags chosen, plus the course and chapter tags, exactly as an import sets them.
    concept.tags.set(
        [t for t in data.tags if t.kind in FILE_TAG_KINDS]
        + course_tags(concept.course, data.chapter)
    )


def _change_summary(verb: str, changes: dict[str, list[Any]]) -> str:
    status = changes.get("status")
    parts = []
    if status == [Concept.Status.DRAFT, Concept.Status.PUBLISHED]:
        parts.append("Published")
    elif status == [Concept.Status.PUBLISHED, Concept.Status.DRAFT]:
        parts.append("Unpublished")
    rest = [k for k in changes if k != "status"]
    if rest:
        parts.append(f"{verb} {', '.join(k.replace('_', ' ') for k in rest)}")
    return "; ".join(parts) or "Saved without changes"


def create_concept(user: AnyUser, course: Course, data: ConceptInput) -> Concept:
    with transaction.atomic():
        concept = Concept(course=course)
        _write_concept(concept, data)
        after = concept_snapshot(concept)
        record_change(user, concept, "Created", diff({}, after))
    return concept


def update_concept(user: AnyUser, concept: Concept, data: ConceptInput) -> Concept:
    with transaction.atomic():
        before = concept_snapshot(concept)
        _write_concept(concept, data)
        changes = diff(before, concept_snapshot(concept))
        if changes:
            record_change(user, concept, _change_summary("Edited", changes), changes)
    return concept


def duplicate_concept(user: AnyUser, concept: Concept) -> Concept:
    """A draft “Copy of …” with a free slug and the same links; none of them points at the copy
    itself, and the copy is not linked to the original by being a copy."""
    course = concept.course
    title_max = Concept._meta.get_field("title").max_length or 300
    taken = course.concepts.values_list("slug", flat=True)
    with transaction.atomic():
        copy = Concept(course=course)
        _write_concept(
            copy,
            ConceptInput(
                title=f"Copy of {concept.title}"[:title_max],
                slug=unique_slug(f"copy-of-{concept.slug}", taken),
                chapter=concept.chapter,
                summary=concept.summary,
                body=concept.body,
                status=Concept.Status.DRAFT,
                learn_before=list(Concept.objects.filter(unlocks_edges__after=concept)),
                learn_after=list(Concept.objects.filter(requires_edges__before=concept)),
                related=list(concept.related.all()),
                tags=list(concept.tags.filter(kind__in=FILE_TAG_KINDS)),
            ),
        )
        record_change(
            user, copy, f"Duplicated from “{concept.title}”", diff({}, concept_snapshot(copy))
        )
    return copy


def tag_concepts(user: AnyUser, concepts: Iterable[Concept], tag: Tag, *, add: bool) -> int:
    """Add `tag` to (or remove it from) each concept; return how many concepts changed."""
    if is_reserved(tag):
        raise ValidationError("Course and chapter tags follow the chapter; they are not set here.")
    concepts = list(concepts)
    through = Concept.tags.through
    with transaction.atomic():
        have = set(
            through.objects.filter(tag=tag, concept__in=concepts).values_list(
                "concept_id", flat=True
            )
        )
        changed = [c for c in concepts if (c.pk in have) != add]
        if add:
            through.objects.bulk_create([through(concept=c, tag=tag) for c in changed])
        else:
            through.objects.filter(tag=tag, concept__in=changed).delete()
        for c in changed:
            summary = f"Tagged “{tag.name}”" if add else f"Untagged “{tag.name}”"
            record_change(user, c, summary, {"tags": [None, tag.slug] if add else [tag.slug, None]})
    return len(changed)


# ---------------------------------------------------------------------------------------------
# Tags


@dataclass(frozen=True)
class TagRelation:
    """One relation that points at Tag: a many-to-many (concept tags, question tags) or a
    foreign key (a quiz draw rule's tag)."""

    model: type[models.Model]
    many_to_many: bool
    # many-to-many: the link table and its two columns; foreign key: the model and its field
    table: type[models.Model]
    holder: str  # the column naming the tagged item ("concept"); unused for a foreign key
    column: str  # the column naming the tag
    on_delete: Any

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self, tag: Tag) -> models.QuerySet[Any]:
        return self.table._default_manager.filter(**{self.column: tag})

    def effect_of_delete(self) -> str:
        if self.many_to_many or self.on_delete is models.SET_NULL:
            return "lose the tag"
        if self.on_delete is models.CASCADE:
            return "are deleted with it"
        return "stop it being deleted"


def tag_relations() -> list[TagRelation]:
    """Every relation pointing at Tag, except a tag's own children (handled apart)."""
    relations = []
    for rel in Tag._meta.related_objects:
        if rel.related_model is Tag:
            continue  # Tag.parent: children are moved, not counted as uses
        if rel.many_to_many:
            field: Any = rel.field
            relations.append(
                TagRelation(
                    model=rel.related_model,
                    many_to_many=True,
                    table=field.remote_field.through,
                    holder=field.m2m_field_name(),
                    column=field.m2m_reverse_field_name(),
                    on_delete=models.CASCADE,
                )
            )
        else:
            relations.append(
                TagRelation(
                    model=rel.related_model,
                    many_to_many=False,
                    table=rel.related_model,
                    holder="",
                    column=rel.field.name,
                    on_delete=rel.on_delete,
                )
            )
    return relations


@dataclass(frozen=True)
class Usage:
    relation: TagRelation
    count: int

    @property
    def label(self) -> str:
        return self.relation.label

    @property
    def effect(self) -> str:
        return self.relation.effect_of_delete()


def tag_usage(tag: Tag) -> list[Usage]:
    """How many items of each kind carry `tag` (one query per relation)."""
    return [Usage(rel, rel.rows(tag).count()) for rel in tag_relations()]


def usage_counts() -> dict[int, int]:
    """tag id → number of items carrying it, over every relation (one query per relation)."""
    counts: dict[int, int] = {}
    for rel in tag_relations():
        grouped = (
            rel.table._default_manager.exclude(**{f"{rel.column}__isnull": True})
            .values_list(rel.column)
            .annotate(n=models.Count("pk"))
            .order_by()
        )
        for tag_id, n in grouped:
            counts[tag_id] = counts.get(tag_id, 0) + n
    return counts


def descendant_ids(tag: Tag) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Tag.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = list(children.get(tag.pk, []))
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


def check_tag_parent(tag: Tag | None, parent: Tag | None) -> None:
    if parent is None:
        return
    if parent.kind not in FILE_TAG_KINDS:
        raise ValidationError(
            {"parent": "A tag can sit only under a discipline or custom tag."}, code="parent_kind"
        )
    if tag is not None and (parent.pk == tag.pk or parent.pk in descendant_ids(tag)):
        raise ValidationError(
            {
                "parent": f"“{tag.name}” cannot move under “{parent.name}”: a tag cannot sit "
                "under itself or one of its own descendants."
            },
            code="parent_loop",
        )


def _tag_snapshot(tag: Tag) -> dict[str, Any]:
    return {
        "name": tag.name,
        "slug": tag.slug,
        "kind": tag.kind,
        "parent": tag.parent.slug if tag.parent else None,
    }


def create_tag(user: AnyUser, *, name: str, slug: str, kind: str, parent: Tag | None) -> Tag:
    if kind not in FILE_TAG_KINDS:
        raise ValidationError({"kind": "New tags are discipline or custom tags."})
    check_tag_parent(None, parent)
    with transaction.atomic():
        tag = Tag.objects.create(name=name, slug=slug, kind=kind, parent=parent)
        record_change(user, tag, "Created", diff({}, _tag_snapshot(tag)))
    return tag


def update_tag(user: AnyUser, tag: Tag, *, name: str, kind: str, parent: Tag | None) -> Tag:
    """Rename a tag, change its kind or move it under another parent (or to the top)."""
    if is_reserved(tag):
        raise ValidationError("Course and chapter tags are made from course.yaml; edit it there.")
    if kind not in FILE_TAG_KINDS:
        raise ValidationError({"kind": "A tag here is a discipline or custom tag."})
    check_tag_parent(tag, parent)
    with transaction.atomic():
        before = _tag_snapshot(tag)
        tag.name, tag.kind, tag.parent = name, kind, parent
        tag.save()
        changes = diff(before, _tag_snapshot(tag))
        if changes:
            verbs = {"name": "Renamed", "parent": "Moved", "kind": "Changed kind"}
            summary = "; ".join(verb for k, verb in verbs.items() if k in changes)
            record_change(user, tag, summary, changes)
    return tag


@dataclass
class MergeReport:
    moved: dict[str, int]  # relation label → uses moved to the survivor
    dropped: dict[str, int]  # relation label → uses the survivor already had
    children: int


def merge_tags(user: AnyUser, tag: Tag, survivor: Tag) -> MergeReport:
    """Move every use of `tag` to `survivor`, then delete `tag`.

    Uses move over every relation pointing at Tag; an item that already carries the survivor
    keeps one link, not two. `tag`'s children move under the survivor; if the survivor was one
    of them (or deeper), it first takes `tag`'s place so the tree stays a tree.
    """
    if tag.pk == survivor.pk:
        raise ValidationError({"survivor": "Choose another tag to merge into."})
    for t in (tag, survivor):
        if is_reserved(t):
            raise ValidationError(
                {"survivor": f"“{t.name}” is a course or chapter tag; it cannot be merged."}
            )
    report = MergeReport(moved={}, dropped={}, children=0)
    with transaction.atomic():
        for rel in tag_relations():
            rows = rel.rows(tag)
            if rel.many_to_many:
                already = rel.rows(survivor).values(rel.holder)
                dropped = rows.filter(**{f"{rel.holder}__in": already}).delete()[0]
                report.dropped[rel.label] = dropped
            report.moved[rel.label] = rows.update(**{rel.column: survivor})
        if survivor.pk in descendant_ids(tag):
            survivor.parent = tag.parent
            survivor.save(update_fields=["parent"])
        report.children = tag.children.exclude(pk=survivor.pk).update(parent=survivor)
        record_change(
            user,
            survivor,
            f"Merged “{tag.name}” into this tag",
            {"merged": [tag.slug, None], **{k: [0, n] for k, n in report.moved.items() if n}},
        )
        record_change(user, tag, f"Merged into “{survivor.name}” and deleted")
        tag.delete()
    return report


def delete_tag(user: AnyUser, tag: Tag) -> int:
    """Delete `tag`: its children move to its parent; every item loses it. Returns how many
    children moved."""
    if is_reserved(tag):
        raise ValidationError("Course and chapter tags cannot be deleted here.")
    with transaction.atomic():
        moved = tag.children.update(parent=tag.parent)
        record_change(user, tag, "Deleted", diff(_tag_snapshot(tag), {}))
        tag.delete()
    return moved


@dataclass
class TagNode:
    tag: Tag
    uses: int
    children: list[TagNode]

    @property
    def reserved(self) -> bool:
        return is_reserved(self.tag)


def tag_tree(tags: Iterable[Tag], uses: dict[int, int] | None = None) -> list[TagNode]:
    """The tags as a forest: roots first, siblings by name, each with its number of uses."""
    tags = list(tags)
    uses = uses or {}
    known = {t.pk for t in tags}
    children: dict[int | None, list[Tag]] = {}
    for t in tags:
        children.setdefault(t.parent_id if t.parent_id in known else None, []).append(t)

    def nodes(parent_id: int | None) -> list[TagNode]:
        return [
            TagNode(t, uses.get(t.pk, 0), nodes(t.pk))
            for t in sorted(children.get(parent_id, []), key=lambda t: (t.name.lower(), t.pk))
        ]

    return nodes(None)
