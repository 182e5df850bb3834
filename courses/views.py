"""Student-facing course pages. Server-rendered; htmx only enhances (live search)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from courses import graph, graphcache
from courses.access import access_chapter, access_concept, access_course, access_tag
from courses.extensions import (
    chapter_links,
    concept_links,
    course_links,
    course_panels,
    home_panels,
)
from courses.forms import SearchForm
from courses.graphlayout import NodeIn, layout, render_svg
from courses.models import Chapter, Concept, Course, Prerequisite, Tag
from courses.search import search_concepts

# Students and visitors see published concepts only; drafts live in the authoring pages.
PUBLISHED = Concept.Status.PUBLISHED


def _published_edges(**filters: object) -> list[tuple[int, int]]:
    """(before_id, after_id) of the prerequisite links whose two ends are both published."""
    return list(
        Prerequisite.objects.filter(
            before__status=PUBLISHED, after__status=PUBLISHED, **filters
        ).values_list("before_id", "after_id")
    )


def home(request: HttpRequest) -> HttpResponse:
    # The course list follows from each course's own fields and its graph (chapters, concepts:
    # every change raises its graph version), read here in one query and hashed into the key.
    state = list(Course.objects.values_list("pk", "slug", "title", "summary", "graph_version"))
    digest = hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()
    course_list = graphcache.cached_page_part(f"home-courses:{digest}", _course_list)
    return render(
        request,
        "courses/home.html",
        {"course_list": mark_safe(course_list), "panels": home_panels(request.user)},
    )


def _course_list() -> str:
    published = Count("concepts", filter=Q(concepts__status=PUBLISHED))
    courses = Course.objects.annotate(concept_count=published).prefetch_related(
        Prefetch("chapters", queryset=Chapter.objects.annotate(concept_count=published))
    )
    return render_to_string("courses/home.html#course-list", {"courses": courses})


def _chapter_order(concepts: list[Concept], edges: Iterable[tuple[int, int]]) -> list[Concept]:
    by_pk = {c.pk: c for c in concepts}
    order = graph.ordered(by_pk, edges, key=lambda pk: (by_pk[pk].title.lower(), pk))
    return [by_pk[pk] for pk in order]


def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_course(course_slug)
    chapters = list(course.chapters.all())
    concepts = list(
        course.concepts.filter(status=PUBLISHED).only(
            "slug", "title", "summary", "chapter_id", "course_id"
        )
    )
    edge_list = _published_edges(after__course=course)
    has_prereq = {after for _before, after in edge_list}
    for chapter in chapters:
        chapter.ordered_concepts = _chapter_order(  # type: ignore[attr-defined]
            [c for c in concepts if c.chapter_id == chapter.pk], edge_list
        )
    starting_points = sorted((c for c in concepts if c.pk not in has_prereq), key=lambda c: c.title)
    return render(
        request,
        "courses/course.html",
        {
            "course": course,
            "chapters": chapters,
            "starting_points": starting_points,
            "concept_count": len(concepts),
            "edge_count": len(edge_list),
            "links": course_links(course),
            "panels": course_panels(course, request.user),
        },
    )


def chapter_detail(request: HttpRequest, course_slug: str, chapter_slug: str) -> HttpResponse:
    chapter = access_chapter(course_slug, chapter_slug)
    concepts = list(
        chapter.concepts.filter(status=PUBLISHED).only(
            "slug", "title", "summary", "chapter_id", "course_id"
        )
    )
    edges = _published_edges(after__chapter=chapter)
    siblings = list(chapter.course.chapters.all())
    index = next(i for i, ch in enumerate(siblings) if ch.pk == chapter.pk)
    return render(
        request,
        "courses/chapter.html",
        {
            "course": chapter.course,
            "chapter": chapter,
            "concepts": _chapter_order(concepts, edges),
            "previous_chapter": siblings[index - 1] if index > 0 else None,
            "next_chapter": siblings[index + 1] if index + 1 < len(siblings) else None,
            "links": chapter_links(chapter),
        },
    )


def concept_detail(request: HttpRequest, course_slug: str, concept_slug: str) -> HttpResponse:
    concept = access_concept(course_slug, concept_slug)
    course = concept.course
    # What the graph alone decides (learn before, learn after, the path to here), rendered once
    # per graph version (courses/graphcache.py) and per course slug (its links hold it).
    fragments = graphcache.cached_value(
        course,
        f"concept-html-{concept.pk}-{course.slug}",
        lambda: _graph_fragments(concept),
    )
    context = {
        "course": course,
        "concept": concept,
        **{name: mark_safe(html) for name, html in fragments.items()},  # rendered by templates
        # related: symmetric links
        "related": list(
            concept.related.filter(status=PUBLISHED)
            .only("slug", "title", "summary", "course_id")
            .order_by("title")
        ),
        # tags
        "tags": list(concept.tags.order_by("kind", "name")),
        "links": concept_links(concept),
    }
    return render(request, "courses/concept.html", context)


def _graph_fragments(concept: Concept) -> dict[str, str]:
    """The concept page's graph sections as HTML (the page's partials)."""
    context = {
        "course": concept.course,
        "concept": concept,
        **_graph_links(concept),
        # A deep concept has a thousand ancestors: build their URLs without reverse() each.
        "concept_url_prefix": reverse("courses:concept", args=[concept.course.slug, "x"])[:-2],
    }
    return {
        "before_after": render_to_string("courses/concept.html#before-after", context),
        "path_section": render_to_string("courses/concept.html#path-section", context),
    }


def _graph_links(concept: Concept) -> dict[str, list[Any]]:
    listed = (
        Concept.objects.filter(status=PUBLISHED)
        .only("slug", "title", "summary", "course_id")
        .order_by("title")
    )
    return {
        # learn before: incoming edges
        "learn_before": list(listed.filter(unlocks_edges__after=concept)),
        # learn after: outgoing edges
        "learn_after": list(listed.filter(requires_edges__before=concept)),
        # path to here: recursive query + concepts + edges among them
        "path": graph.path_to(concept),
    }


def _graph_svg(
    concepts: list[Concept], edges: list[tuple[int, int]], current: Concept | None = None
) -> str:
    nodes = [
        NodeIn(
            key=str(c.pk),
            label=c.title,
            href=c.get_absolute_url(),
            group=c.chapter.slug,
            highlight=current is not None and c.pk == current.pk,
        )
        for c in concepts
    ]
    keys = {node.key for node in nodes}
    drawn = [(str(a), str(b)) for a, b in edges]
    # Never let a link to a concept that is not drawn (a draft) break the page.
    return render_svg(layout(nodes, [(a, b) for a, b in drawn if a in keys and b in keys]))


def course_graph(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_course(course_slug)
    # The drawing and its list, built once per graph version (courses/graphcache.py), are
    # spliced into the page as bytes: passed through the template, megabytes of a large
    # course would be copied at every level of it.
    drawing = graphcache.cached(course, "course", lambda: _course_drawing(request, course).encode())
    page = render(request, "courses/graph.html", {"course": course, "drawing": DRAWING_SLOT})
    head, _slot, tail = page.content.partition(DRAWING_SLOT.encode())
    page.content = b"".join((head, drawing, tail))
    return page


DRAWING_SLOT = "<!-- the graph drawing -->"


def _course_drawing(request: HttpRequest, course: Course) -> str:
    """The course's graph as SVG, its legend and the same graph as a list (HTML)."""
    chapters = list(course.chapters.all())
    concepts = list(
        course.concepts.filter(status=PUBLISHED)
        .select_related("chapter", "course")
        .only("slug", "title", "course__slug", "chapter__slug", "chapter__position")
    )
    edges = _published_edges(after__course=course)
    for chapter in chapters:
        chapter.ordered_concepts = _chapter_order(  # type: ignore[attr-defined]
            [c for c in concepts if c.chapter_id == chapter.pk], edges
        )
    return render_to_string(
        "courses/graph.html#drawing",
        {
            "course": course,
            "svg": _graph_svg(concepts, edges),
            "chapters": chapters,
            "edge_count": len(edges),
        },
        request,
    )


def concept_graph(request: HttpRequest, course_slug: str, concept_slug: str) -> HttpResponse:
    concept = access_concept(course_slug, concept_slug)
    # Ancestors through any link (drafts included, so a chain through a draft is followed),
    # and what it unlocks next; only the published ones are drawn or listed.
    ids = set(graph.ancestor_ids(concept.pk)) | {concept.pk}
    ids |= set(
        Prerequisite.objects.filter(before=concept, after__status=PUBLISHED).values_list(
            "after_id", flat=True
        )
    )
    concepts = list(
        Concept.objects.filter(pk__in=ids, status=PUBLISHED)
        .select_related("chapter", "course")
        .only("slug", "title", "course__slug", "chapter__slug", "chapter__position")
    )
    by_pk = {c.pk: c for c in concepts}
    edges = graph.student_edges(
        Prerequisite.objects.filter(before_id__in=ids, after_id__in=ids).values_list(
            "before_id", "after_id"
        ),
        by_pk.keys(),
    )
    order = graph.ordered(
        by_pk, edges, key=lambda pk: (by_pk[pk].chapter.position, by_pk[pk].title.lower())
    )
    return render(
        request,
        "courses/concept_graph.html",
        {
            "course": concept.course,
            "concept": concept,
            "svg": _graph_svg(concepts, edges, current=concept),
            "ordered": [by_pk[pk] for pk in order],
        },
    )


def tag_detail(request: HttpRequest, tag_slug: str) -> HttpResponse:
    tag = access_tag(tag_slug)
    all_tags = {t.pk: t for t in Tag.objects.only("slug", "name", "kind", "parent_id")}
    children: dict[int | None, list[Tag]] = {}
    for t in all_tags.values():
        children.setdefault(t.parent_id, []).append(t)
    descendants: list[Tag] = []
    stack = list(children.get(tag.pk, []))
    while stack:
        t = stack.pop()
        descendants.append(t)
        stack.extend(children.get(t.pk, []))
    ancestors: list[Tag] = []
    parent_id = tag.parent_id
    while parent_id is not None:
        ancestors.insert(0, all_tags[parent_id])
        parent_id = all_tags[parent_id].parent_id
    tag_ids = [tag.pk, *(t.pk for t in descendants)]
    concepts = (
        Concept.objects.filter(tags__in=tag_ids, status=PUBLISHED)
        .distinct()
        .select_related("course", "chapter")
        .only("slug", "title", "summary", "course__slug", "chapter__title", "chapter__position")
        .order_by("chapter__position", "title")
    )
    return render(
        request,
        "courses/tag.html",
        {
            "tag": tag,
            "ancestors": ancestors,
            "children": sorted(children.get(tag.pk, []), key=lambda t: t.name),
            "descendant_count": len(descendants),
            "concepts": concepts,
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    hits = search_concepts(None, query)
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "courses/search.html#results" if htmx else "courses/search.html"
    return render(
        request,
        template,
        {
            "form": form,
            "query": query,
            "hits": [h for h in hits if h.complete],
            "partial_hits": [h for h in hits if not h.complete],
        },
    )
