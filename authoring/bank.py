"""The question bank of a course: browse and bulk-edit its questions, build its quizzes, see its
coverage by chapter and Bloom level, and find what still needs tagging.

Every view reads: access (the course the user authors) → form → action → response. A non-htmx
POST that succeeds redirects (POST/redirect/GET); a refused one re-renders with status 422 and
nothing typed lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts.http import user_of
from authoring import bank_actions as actions
from authoring.bank_actions import RuleSpec
from authoring.bank_forms import (
    BankFilterForm,
    BulkForm,
    CourseChoices,
    DisciplineTagForm,
    QuestionSearchForm,
    QuizBuilder,
    RuleCountForm,
)
from authoring.item_checks import course_report
from courses.access import access_authored_course
from courses.bloom import BloomLevel
from courses.history import history_rows
from courses.models import Concept, Course
from quizzes.access import access_quiz_for_author
from quizzes.actions import draw_shortfalls
from quizzes.extensions import quiz_instructor_links, tagging_suspects
from quizzes.itemcheck import Finding
from quizzes.models import KIND_LABELS, Question, Quiz

PER_PAGE = 50
SEARCH_LIMIT = 20


@dataclass
class BankRow:
    question: Question
    kind: str
    findings: list[Finding]  # the item-writing checker's, when that filter is on


@login_required
def questions(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_authored_course(request.user, course_slug)
    choices = CourseChoices.load(course)
    bulk = BulkForm(
        choices, data=request.POST if request.method == "POST" else None, auto_id="bulk_%s"
    )
    if bulk.is_valid():
        result = actions.bulk_update_questions(
            user_of(request),
            bulk.cleaned_data["ids"],
            bulk.cleaned_data["action"],
            tag=bulk.cleaned_data.get("tag"),
            concept=bulk.cleaned_data.get("concept"),
        )
        messages.success(request, result.message())
        return redirect(request.get_full_path())  # back to the same filters and page
    filters = BankFilterForm(choices, actions.author_names(course), data=request.GET)
    filters_ok = filters.is_valid()
    chosen = filters.filters()
    # The checker reads the whole bank (a few hundred ms): only when its filter is on.
    report = course_report(course) if chosen.check else None
    bank = actions.bank_queryset(course, chosen, choices.tags, report).prefetch_related(
        Prefetch("concepts", queryset=Concept.objects.only("pk", "slug", "title")),
        "tags",
    )
    page = Paginator(bank, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        BankRow(
            q,
            KIND_LABELS.get(q.current.kind, "") if q.current else "",
            [f for f in report.for_item(q.slug) if not f.waived] if report else [],
        )
        for q in page
    ]
    active = filters.active()
    return render(
        request,
        "authoring/bank_questions.html",
        {
            "course": course,
            "filters": filters,
            "bulk": bulk,
            "page": page,
            "rows": rows,
            "selected": request.POST.getlist("ids"),
            "pager_query": urlencode(active),
            "filtered": bool(active),
        },
        status=422 if bulk.is_bound or not filters_ok else 200,
    )


@login_required
def quizzes(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_authored_course(request.user, course_slug)
    rows = (
        Quiz.objects.filter(course=course)
        .select_related("chapter")
        .annotate(
            n_fixed=Count("items", distinct=True),
            n_rules=Count("rules", distinct=True),
            n_attempts=Count("attempts", distinct=True),
        )
        .order_by("title")
    )
    # A rule set the builder accepted can fall short later, when questions are unpublished.
    found = list(rows)
    short = draw_shortfalls([quiz for quiz in found if quiz.n_rules])
    listed = [(quiz, short.get(quiz.pk)) for quiz in found]
    return render(request, "authoring/quiz_list.html", {"course": course, "quizzes": listed})


def _search(course: Course, text: str) -> list[Question]:
    if not text.strip():
        return []
    return list(
        Question.objects.filter(course=course, current__isnull=False)
        .filter(Q(current__title__icontains=text) | Q(slug__icontains=text))
        .select_related("current")
        .order_by("current__title")[:SEARCH_LIMIT]
    )


def _builder_page(
    request: HttpRequest, course: Course, quiz: Quiz | None, status: int = 200
) -> HttpResponse:
    """The quiz editor: settings, fixed questions (with a picker), draw rules with live counts.

    GET with `search` from htmx: the picker's results only. POST `do=counts|search`: re-render
    with the typed values, the counts and the search results, saving nothing. POST `do=save`:
    save and redirect, or re-render with the errors (422)."""
    choices = CourseChoices.load(course)
    finder = QuestionSearchForm(request.POST if request.method == "POST" else request.GET)
    results = _search(course, finder.text())
    found = {"results": results, "search": finder.shown(), "search_errors": finder.errors}
    if request.method == "GET" and getattr(request, "htmx", False) and "search" in request.GET:
        return render(request, "authoring/quiz_edit.html#picker", found)
    current: list[Question] = []
    rules: list[RuleSpec] = []
    if quiz is not None:
        current = [
            item.question
            for item in quiz.items.select_related("question__current").order_by("position")
        ]
        rules = [
            RuleSpec(r.count, r.chapter, r.concept, r.tag, r.bloom)
            for r in quiz.rules.select_related("chapter", "concept", "tag").order_by("position")
        ]
    data = request.POST if request.method == "POST" else None
    builder = QuizBuilder(choices, quiz, data, current=current, rules=rules)
    if data is not None:
        valid = builder.is_valid()
        if valid and request.POST.get("do", "save") == "save":
            saved = actions.save_quiz(
                user_of(request),
                course,
                quiz,
                builder.values(),
                builder.questions(),
                builder.specs(),
            )
            messages.success(request, f"Quiz “{saved.title}” saved.")
            return redirect("authoring:quiz_edit", course.slug, saved.slug)
        if not valid and request.POST.get("do", "save") == "save":
            status = 422
    return render(
        request,
        "authoring/quiz_edit.html",
        {
            "course": course,
            "quiz": quiz,
            "builder": builder,
            **found,
            "history": history_rows(quiz) if quiz is not None else [],
            "instructor_links": quiz_instructor_links(quiz) if quiz is not None else [],
        },
        status=status,
    )


@login_required
def quiz_new(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_authored_course(request.user, course_slug)
    return _builder_page(request, course, None)


@login_required
def quiz_edit(request: HttpRequest, course_slug: str, quiz_slug: str) -> HttpResponse:
    quiz = access_quiz_for_author(request.user, course_slug, quiz_slug)
    return _builder_page(request, quiz.course, quiz)


@login_required
@require_GET
def rule_count(request: HttpRequest, course_slug: str) -> HttpResponse:
    """How many published questions a draw rule's filters match (the builder's live count)."""
    course = access_authored_course(request.user, course_slug)
    prefix = request.GET.get("prefix") or None
    form = RuleCountForm(data=request.GET, prefix=prefix, choices=CourseChoices.load(course))
    return render(request, "authoring/quiz_edit.html#rule-count", {"form": form})


@login_required
def coverage(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_authored_course(request.user, course_slug)
    published_only = request.GET.get("only") == "published"
    table = actions.coverage(course, published_only)
    bank = reverse("authoring:questions", args=[course.slug])
    status = {"status": Question.Status.PUBLISHED} if published_only else {}

    def link(**params: str | int) -> str:
        return f"{bank}?{urlencode({**params, **status})}"

    rows = [
        {
            "chapter": row.chapter,
            "total": row.total,
            "url": link(chapter=row.chapter.slug) if row.chapter else None,
            "cells": [
                {
                    "level": BloomLevel(level).label,
                    "count": n,
                    "url": link(chapter=row.chapter.slug, bloom=level) if row.chapter else None,
                }
                for level, n in row.cells
            ],
        }
        for row in table.rows
    ]
    return render(
        request,
        "authoring/bank_coverage.html",
        {
            "course": course,
            "levels": [BloomLevel(level) for level in BloomLevel.values],
            "rows": rows,
            "column_totals": [
                {"count": n, "url": link(bloom=level)} for level, n in table.column_totals
            ],
            "total": table.total,
            "published_only": published_only,
        },
    )


@login_required
def needs_tagging(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_authored_course(request.user, course_slug)
    choices = CourseChoices.load(course)
    form = DisciplineTagForm(choices, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        questions_done, concepts_done = actions.bulk_add_discipline_tag(
            user_of(request),
            form.cleaned_data["tag"],
            form.cleaned_data["questions"],
            form.cleaned_data["concepts"],
        )
        messages.success(
            request,
            f"{questions_done.message('question')} {concepts_done.message('concept')}",
        )
        return redirect("authoring:needs_tagging", course.slug)
    report = actions.needs_tagging(course, choices.tags)
    return render(
        request,
        "authoring/bank_needs_tagging.html",
        {
            "course": course,
            "report": report,
            "form": form,
            "kind_labels": KIND_LABELS,
            "ticked_questions": request.POST.getlist("questions"),
            "ticked_concepts": request.POST.getlist("concepts"),
            "suspects": tagging_suspects(course),
        },
        status=422 if form.is_bound else 200,
    )
