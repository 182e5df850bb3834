"""Student-facing course pages. Server-rendered; htmx only enhances (live search)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from courses import graph
from courses.access import access_chapter, access_concept, access_course
from courses.graphlayout import NodeIn, layout, render_svg
from courses.models import Chapter, Concept, Course, Prerequisite, Tag

SEARCH_LIMIT = 50


def home(request: HttpRequest) -> HttpResponse:
    courses = Course.objects.annotate(concept_count=Count("concepts")).prefetch_related(
        Prefetch("chapters", queryset=Chapter.objects.annotate(concept_count=Count("concepts")))
    )
    return render(request, "courses/home.html", {"courses": courses})


def _chapter_order(concepts: list[Concept], edges: Iterable[tuple[int, int]]) -> list[Concept]:
    by_pk = {c.pk: c for c in concepts}
    order = graph.ordered(by_pk, edges, key=lambda pk: (by_pk[pk].title.lower(), pk))
    return [by_pk[pk] for pk in order]


def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_course(course_slug)
    chapters = list(course.chapters.all())
    concepts = list(
        course.concepts.filter(status=Concept.Status.PUBLISHED).only(
            "slug", "title", "summary", "chapter_id", "course_id"
        )
    )
    edges = Prerequisite.objects.filter(after__course=course).values_list("before_id", "after_id")
    edge_list = list(edges)
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
        },
    )


def chapter_detail(request: HttpRequest, course_slug: str, chapter_slug: str) -> HttpResponse:
    chapter = access_chapter(course_slug, chapter_slug)
    concepts = list(
        chapter.concepts.filter(status=Concept.Status.PUBLISHED).only(
            "slug", "title", "summary", "chapter_id", "course_id"
        )
    )
    edges = list(
        Prerequisite.objects.filter(after__chapter=chapter).values_list("before_id", "after_id")
    )
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
        },
    )


def concept_detail(request: HttpRequest, course_slug: str, concept_slug: str) -> HttpResponse:
    concept = access_concept(course_slug, concept_slug)
    listed = (
        Concept.objects.filter(status=Concept.Status.PUBLISHED)
        .only("slug", "title", "summary", "course_id")
        .order_by("title")
    )
    context = {
        "course": concept.course,
        "concept": concept,
        # learn before: incoming edges
        "learn_before": list(listed.filter(unlocks_edges__after=concept)),
        # learn after: outgoing edges
        "learn_after": list(listed.filter(requires_edges__before=concept)),
        # related: symmetric links
        "related": list(
            concept.related.filter(status=Concept.Status.PUBLISHED)
            .only("slug", "title", "summary", "course_id")
            .order_by("title")
        ),
        # tags
        "tags": list(concept.tags.order_by("kind", "name")),
        # path to here: recursive query + concepts + edges among them
        "path": graph.path_to(concept),
        # A deep concept has a thousand ancestors: build their URLs without reverse() each.
        "concept_url_prefix": reverse("courses:concept", args=[concept.course.slug, "x"])[:-2],
    }
    return render(request, "courses/concept.html", context)


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
    return render_svg(layout(nodes, [(str(a), str(b)) for a, b in edges]))


def course_graph(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_course(course_slug)
    chapters = list(course.chapters.all())
    concepts = list(
        course.concepts.filter(status=Concept.Status.PUBLISHED)
        .select_related("chapter", "course")
        .only("slug", "title", "course__slug", "chapter__slug", "chapter__position")
    )
    edges = list(
        Prerequisite.objects.filter(after__course=course).values_list("before_id", "after_id")
    )
    for chapter in chapters:
        chapter.ordered_concepts = _chapter_order(  # type: ignore[attr-defined]
            [c for c in concepts if c.chapter_id == chapter.pk], edges
        )
    return render(
        request,
        "courses/graph.html",
        {
            "course": course,
            "svg": _graph_svg(concepts, edges),
            "chapters": chapters,
            "edge_count": len(edges),
        },
    )


def concept_graph(request: HttpRequest, course_slug: str, concept_slug: str) -> HttpResponse:
    concept = access_concept(course_slug, concept_slug)
    ids = set(graph.ancestor_ids(concept.pk)) | {concept.pk}
    ids |= set(Prerequisite.objects.filter(before=concept).values_list("after_id", flat=True))
    concepts = list(
        Concept.objects.filter(pk__in=ids)
        .select_related("chapter", "course")
        .only("slug", "title", "course__slug", "chapter__slug", "chapter__position")
    )
    edges = list(
        Prerequisite.objects.filter(before_id__in=ids, after_id__in=ids).values_list(
            "before_id", "after_id"
        )
    )
    by_pk = {c.pk: c for c in concepts}
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
    tag = get_object_or_404(Tag.objects.select_related("parent"), slug=tag_slug)
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
        Concept.objects.filter(tags__in=tag_ids, status=Concept.Status.PUBLISHED)
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
    query = request.GET.get("q", "").strip()[:200]
    results: list[Concept] = []
    if query:
        matches = (
            Concept.objects.filter(
                Q(title__icontains=query) | Q(summary__icontains=query) | Q(body__icontains=query)
            )
            .select_related("course", "chapter")
            .only("slug", "title", "summary", "course__slug", "chapter__title")
        )
        # Title matches first, then summary, then body; alphabetical within each group.
        lowered = query.lower()
        results = sorted(
            matches[: SEARCH_LIMIT * 4],
            key=lambda c: (
                lowered not in c.title.lower(),
                lowered not in c.summary.lower(),
                c.title,
            ),
        )[:SEARCH_LIMIT]
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "courses/search.html#results" if htmx else "courses/search.html"
    return render(request, template, {"query": query, "results": results})
