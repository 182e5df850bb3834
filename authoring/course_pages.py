"""Authoring pages of the courses app: the author's home, concepts, and the tag hierarchy.

Each view reads top to bottom: access → form → action → response. Every form is a real POST
form that works without JavaScript; htmx only adds the live Markdown preview and the concept
pickers' search, both served as named partials of the editor's template. Nothing here knows
the quizzes app; the links to its authoring pages are resolved by name in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.http import user_of
from accounts.roles import can_author_anything, is_admin
from authoring.course_forms import (
    PICKERS,
    BulkTagForm,
    ConceptFilterForm,
    ConceptForm,
    ConceptSearchForm,
    PreviewForm,
    TagDeleteForm,
    TagForm,
    TagMergeForm,
    file_tags,
)
from courses import actions, markup
from courses.access import (
    access_authored_concept,
    access_authored_course,
    access_tag_for_admin,
    require_admin,
)
from courses.history import history_rows
from courses.models import Concept, Course, Tag
from courses.permissions import authored_courses

EDITOR = "authoring/concept_edit.html"
HISTORY_ON_EDITOR = 10
SEARCH_RESULTS = 50


# ---------------------------------------------------------------------------------------------
# Home


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not can_author_anything(request.user):
        raise PermissionDenied
    courses = authored_courses(request.user).annotate(
        concept_count=Count("concepts"),
        draft_count=Count("concepts", filter=Q(concepts__status=Concept.Status.DRAFT)),
    )
    return render(
        request,
        "authoring/home.html",
        {"courses": courses.order_by("title"), "is_admin": is_admin(request.user)},
    )


# ---------------------------------------------------------------------------------------------
# Concepts


@login_required
def concepts(request: HttpRequest, course_slug: str) -> HttpResponse:
    """Every concept of the course, drafts included, filtered; ticked rows can be tagged or
    untagged in one go."""
    course = access_authored_course(request.user, course_slug)
    filters = ConceptFilterForm(course, request.GET)
    bulk = BulkTagForm(
        course, request.POST if request.method == "POST" else None, auto_id="bulk_%s"
    )
    status = 200
    if request.method == "POST":
        if bulk.is_valid():
            tag = bulk.cleaned_data["tag"]
            add = bulk.cleaned_data["action"] == "tag"
            changed = actions.tag_concepts(
                user_of(request), bulk.cleaned_data["concepts"], tag, add=add
            )
            verb = "added to" if add else "removed from"
            messages.success(request, f"Tag “{tag.name}” {verb} {changed} concept(s).")
            return redirect(request.get_full_path())
        status = 422
    rows = filters.filter(
        course.concepts.select_related("chapter")
        .prefetch_related(Prefetch("tags", queryset=file_tags()))
        .order_by("chapter__position", "title")
    )
    return render(
        request,
        "authoring/concepts.html",
        {
            "course": course,
            "concepts": rows,
            "filters": filters,
            "bulk": bulk,
            "ticked": {str(v) for v in (bulk["concepts"].value() or [])},
        },
        status=status,
    )


@dataclass
class Picker:
    name: str
    label: str
    options: list[tuple[Concept, bool]]  # concept, ticked
    errors: list[str]


def _pickers(form: ConceptForm, concept: Concept | None) -> list[Picker]:
    """The three concept pickers: ticked concepts first, then every other concept of the
    course (the whole list works without JavaScript; htmx narrows it as the author types)."""
    everything = [
        c
        for c in form.course.concepts.only("pk", "title", "slug", "course_id").order_by("title")
        if concept is None or c.pk != concept.pk
    ]
    pickers = []
    for name, label in PICKERS.items():
        ticked = form.chosen_ids(name)
        options = [(c, True) for c in everything if c.pk in ticked]
        options += [(c, False) for c in everything if c.pk not in ticked]
        errors = [str(e) for e in form.errors.get(name) or []]
        pickers.append(Picker(name, label, options, errors))
    return pickers


def _editor(request: HttpRequest, course: Course, concept: Concept | None) -> HttpResponse:
    form = ConceptForm(course, concept, request.POST if request.method == "POST" else None)
    status = 200
    previewing = request.method == "POST" and "preview" in request.POST
    if request.method == "POST" and not previewing:
        if form.is_valid():
            try:
                if concept is None:
                    saved = actions.create_concept(user_of(request), course, form.to_input())
                else:
                    saved = actions.update_concept(user_of(request), concept, form.to_input())
            except ValidationError as exc:  # the graph changed since the form checked it
                form.add_error(None, exc)
            else:
                messages.success(request, f"Saved “{saved.title}”.")
                return redirect("authoring:concept_edit", course.slug, saved.slug)
        status = 422
    return render(
        request,
        EDITOR,
        {
            "course": course,
            "concept": concept,
            "form": form,
            "pickers": _pickers(form, concept),
            "picker_names": list(PICKERS),
            "previewing": previewing,
            "preview": markup.render(str(form["body"].value() or "")),
            "preview_problems": markup.problems(str(form["body"].value() or "")),
            "history": history_rows(concept, HISTORY_ON_EDITOR) if concept else [],
        },
        status=status,
    )


@login_required
def concept_new(request: HttpRequest, course_slug: str) -> HttpResponse:
    return _editor(request, access_authored_course(request.user, course_slug), None)


@login_required
def concept_edit(request: HttpRequest, course_slug: str, concept_slug: str) -> HttpResponse:
    concept = access_authored_concept(request.user, course_slug, concept_slug)
    return _editor(request, concept.course, concept)


@login_required
@require_POST
def concept_preview(request: HttpRequest, course_slug: str) -> HttpResponse:
    """The body as students will see it: Markdown through the sanitiser. A fragment of the
    editor; the editor's own Preview button does the same without JavaScript."""
    course = access_authored_course(request.user, course_slug)
    form = PreviewForm(request.POST)
    body = form.cleaned_data["body"] if form.is_valid() else ""
    context = {
        "course": course,
        "preview": markup.render(body or ""),
        "preview_problems": markup.problems(body or ""),
    }
    return render(request, f"{EDITOR}#preview", context)


@login_required
@require_GET
def concept_search(request: HttpRequest, course_slug: str) -> HttpResponse:
    """The options of one picker: what is ticked stays ticked, then the course's concepts
    matching `q`. Ids of other courses are dropped."""
    course = access_authored_course(request.user, course_slug)
    form = ConceptSearchForm(course, request.GET)
    if not form.is_valid():
        return HttpResponse("Unknown picker.", status=400)
    name, query = form.cleaned_data["field"], form.cleaned_data["q"].strip()
    ticked = form.chosen_ids()
    candidates = course.concepts.only("pk", "title", "slug", "course_id").order_by("title")
    if form.cleaned_data["exclude"] is not None:
        candidates = candidates.exclude(pk=form.cleaned_data["exclude"])
    matches = candidates.exclude(pk__in=ticked)
    if query:
        matches = matches.filter(Q(title__icontains=query) | Q(slug__icontains=query))
    options = [(c, True) for c in candidates.filter(pk__in=ticked)]
    options += [(c, False) for c in matches[:SEARCH_RESULTS]]
    return render(
        request,
        f"{EDITOR}#picker-options",
        {"course": course, "picker": Picker(name, PICKERS[name], options, [])},
    )


@login_required
@require_POST
def concept_duplicate(request: HttpRequest, course_slug: str, concept_slug: str) -> HttpResponse:
    concept = access_authored_concept(request.user, course_slug, concept_slug)
    copy = actions.duplicate_concept(user_of(request), concept)
    messages.success(request, f"Made “{copy.title}”, a draft. Edit it below.")
    return redirect("authoring:concept_edit", course_slug, copy.slug)


@login_required
@require_GET
def concept_history(request: HttpRequest, course_slug: str, concept_slug: str) -> HttpResponse:
    concept = access_authored_concept(request.user, course_slug, concept_slug)
    return render(
        request,
        "authoring/concept_history.html",
        {"course": concept.course, "concept": concept, "history": history_rows(concept)},
    )


# ---------------------------------------------------------------------------------------------
# Tags (admins only)


@login_required
@require_GET
def tags(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    tree = actions.tag_tree(Tag.objects.all(), actions.usage_counts())
    return render(request, "authoring/tags.html", {"tree": tree})


@login_required
def tag_new(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = TagForm(None, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            tag = actions.create_tag(
                user_of(request), name=d["name"], slug=d["slug"], kind=d["kind"], parent=d["parent"]
            )
            messages.success(request, f"Created the tag “{tag.name}”.")
            return redirect("authoring:tags")
        return render(request, "authoring/tag_edit.html", {"form": form}, status=422)
    return render(request, "authoring/tag_edit.html", {"form": form})


@login_required
def tag_edit(request: HttpRequest, tag_slug: str) -> HttpResponse:
    tag = access_tag_for_admin(request.user, tag_slug)
    form = TagForm(tag, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            actions.update_tag(
                user_of(request), tag, name=d["name"], kind=d["kind"], parent=d["parent"]
            )
            messages.success(request, f"Saved the tag “{tag.name}”.")
            return redirect("authoring:tag_edit", tag.slug)
        status = 422
    context = {
        "tag": tag,
        "form": form,
        "reserved": actions.is_reserved(tag),
        "history": history_rows(tag),
    }
    return render(request, "authoring/tag_edit.html", context, status=status)


@login_required
def tag_merge(request: HttpRequest, tag_slug: str) -> HttpResponse:
    tag = access_tag_for_admin(request.user, tag_slug)
    form = TagMergeForm(tag, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            report = actions.merge_tags(user_of(request), tag, survivor)
            moved = ", ".join(f"{n} {label}" for label, n in report.moved.items() if n)
            messages.success(
                request,
                f"Merged “{tag.name}” into “{survivor.name}”"
                + (f": moved {moved}" if moved else "")
                + (f"; {report.children} narrower tag(s) moved under it" if report.children else "")
                + ".",
            )
            return redirect("authoring:tag_edit", survivor.slug)
        status = 422
    context = {
        "tag": tag,
        "form": form,
        "reserved": actions.is_reserved(tag),
        "usage": actions.tag_usage(tag),
        "children": list(tag.children.order_by("name")),
    }
    return render(request, "authoring/tag_merge.html", context, status=status)


@login_required
def tag_delete(request: HttpRequest, tag_slug: str) -> HttpResponse:
    tag = access_tag_for_admin(request.user, tag_slug)
    usage = actions.tag_usage(tag)
    form = TagDeleteForm(tag, usage, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            moved = actions.delete_tag(user_of(request), tag)
            messages.success(
                request,
                f"Deleted the tag “{tag.name}”"
                + (f"; {moved} narrower tag(s) moved up" if moved else "")
                + ".",
            )
            return redirect("authoring:tags")
        status = 422
    context = {
        "tag": tag,
        "form": form,
        "reserved": actions.is_reserved(tag),
        "usage": usage,
        "children": list(tag.children.order_by("name")),
    }
    return render(request, "authoring/tag_delete.html", context, status=status)
