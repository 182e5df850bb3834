"""Learner pages: my progress in a course, practice, my settings, and the instructor's class view.
Each view reads access → form → action → response."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.http import user_of
from courses.graphlayout import NodeIn, layout, render_svg
from courses.models import Course
from courses.permissions import can_author
from learning import actions, practice
from learning.access import (
    access_class_course,
    access_own_course,
    access_practice_item,
    access_session,
)
from learning.classview import class_view
from learning.forms import SORTS, ClassTableForm, PracticeForm, RetentionForm
from learning.guide import Guide, guide_for
from learning.model import BANDS, LEVELS
from learning.models import Mastery, PracticeItem
from quizzes.entries import PartEntry
from quizzes.forms import ItemForm
from quizzes.models import Answer, AttemptItem
from quizzes.visibility import Shown

LEVEL_CLASS = {level: "level-" + level.replace(" ", "-") for level in LEVELS}


def _graph_svg(course: Course, guide: Guide) -> str:
    prefix = reverse("courses:concept", args=[course.slug, "x"])[:-2]
    nodes = [
        NodeIn(
            key=str(ref.pk),
            # The level is part of the label: readable without colour and without JavaScript.
            label=f"{ref.title} — {ref.level}",
            href=f"{prefix}{ref.slug}/",
            group=LEVEL_CLASS[ref.level],
        )
        for ref in guide.concepts.values()
    ]
    edges = [(str(a), str(b)) for b, befores in guide.graph.before.items() for a in befores]
    return render_svg(
        layout(nodes, edges), css_class="graph mastery-graph", label="Your mastery on the graph"
    )


@login_required
def course_progress(request: HttpRequest, course_slug: str) -> HttpResponse:
    user = user_of(request)
    course = access_own_course(user, course_slug)
    guide = guide_for(user.pk, course.pk)
    bands = dict(
        Mastery.objects.filter(student=user, course=course).values_list("concept_id", "band_levels")
    )
    rows = [
        {"ref": ref, "bands": bands.get(ref.pk) or ["not started"] * len(BANDS)}
        for ref in (guide.concepts[pk] for pk in guide.graph.order)
    ]
    counts = {
        level: sum(1 for r in guide.concepts.values() if r.level == level) for level in LEVELS
    }
    return render(
        request,
        "learning/course.html",
        {
            "course": course,
            "guide": guide,
            "rows": rows,
            "band_names": [b[0] for b in BANDS],
            "counts": counts,
            "svg": _graph_svg(course, guide),
            "practice_form": PracticeForm(course),
            "can_see_class": can_author(user, course),
        },
    )


@login_required
def learner_settings(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            actions.set_retention(user.pk, form.cleaned_data["desired_retention"])
            messages.success(request, "Saved: your reviews are rescheduled.")
            return redirect("learning:settings")
    else:
        form = RetentionForm(initial={"desired_retention": actions.retention_of(user.pk)})
    return render(request, "learning/settings.html", {"form": form})


@login_required
def practice_start(request: HttpRequest, course_slug: str) -> HttpResponse:
    """GET shows the start form (a concept page links here); POST starts the session."""
    user = user_of(request)
    course = access_own_course(user, course_slug)
    if request.method != "POST":
        form = PracticeForm(course, initial={"concept": request.GET.get("concept", "")})
        concept = None
        check = PracticeForm(course, request.GET)
        if request.GET.get("concept") and check.is_valid():
            concept = check.cleaned_data["concept"]
        return render(
            request,
            "learning/practice_start.html",
            {"course": course, "form": form, "concept": concept},
        )
    form = PracticeForm(course, request.POST)
    if not form.is_valid():
        return render(
            request, "learning/practice_start.html", {"course": course, "form": form}, status=400
        )
    try:
        session = practice.start_session(user, course, form.cleaned_data["concept"])
    except practice.PracticeError as exc:
        messages.error(request, str(exc))
        return redirect("learning:course", course.slug)
    return redirect("learning:practice_item", session.pk, 1)


def _shown_item(item: PracticeItem) -> AttemptItem:
    """The quiz engine's form and feedback take an attempt item: an unsaved one stands in."""
    return AttemptItem(position=item.position, version=item.version, order=item.order)


def _feedback(item: PracticeItem) -> list[PartEntry]:
    """The quiz result page's own feedback, with everything shown: practice is not graded."""
    from quizzes.views import _part_feedback  # the quiz result page's feedback builder

    shown = Shown(marks=True, correctness=True, feedback=True, right_answers=True)
    stand_in = _shown_item(item)
    entries = []
    for part in item.version.typed_parts:
        stored = item.response.get(part.id, {})
        answer = Answer(
            item=stand_in,
            part_id=part.id,
            response=stored.get("response", {}),
            points=stored.get("points"),
            max_points=stored.get("max_points"),
            status=Answer.Status.GRADED,
            detail=stored.get("detail", {}),
        )
        response = part.response(answer.response)
        entries.append(PartEntry(part=part, feedback=_part_feedback(part, answer, response, shown)))
    return entries


@login_required
def practice_item(request: HttpRequest, session_id: int, position: int) -> HttpResponse:
    user = user_of(request)
    session = access_session(user, session_id)
    item = access_practice_item(session, position)
    form = ItemForm(_shown_item(item), {}, request.POST or None)
    if request.method == "POST":
        if item.answered_at is not None:
            messages.info(request, "You already answered this question; its feedback is below.")
            return redirect("learning:practice_item", session.pk, position)
        if form.is_valid():
            practice.answer_item(item, form.responses())
            return redirect("learning:practice_item", session.pk, position)
    context = {
        "session": session,
        "item": item,
        "form": form,
        "parts": _feedback(item)
        if item.answered_at
        else [PartEntry(part=p) for p in item.version.typed_parts],
        "last": position >= session.length,
    }
    return render(
        request, "learning/practice_item.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def practice_next(request: HttpRequest, session_id: int) -> HttpResponse:
    user = user_of(request)
    session = access_session(user, session_id)
    last = session.items.order_by("-position").first()
    if last is not None and last.answered_at is None:
        messages.error(request, "Answer this question first.")
        return redirect("learning:practice_item", session.pk, last.position)
    item = practice.next_item(session)
    if item is None:
        return redirect("learning:practice_done", session.pk)
    return redirect("learning:practice_item", session.pk, item.position)


@login_required
def practice_done(request: HttpRequest, session_id: int) -> HttpResponse:
    user = user_of(request)
    session = access_session(user, session_id)
    items = list(session.items.select_related("version", "concept"))
    return render(request, "learning/practice_done.html", {"session": session, "items": items})


@login_required
def class_table(request: HttpRequest, course_slug: str) -> HttpResponse:
    user = user_of(request)
    course = access_class_course(user, course_slug)
    form = ClassTableForm(course, request.GET)
    if not form.is_valid():
        return render(request, "learning/class.html", {"course": course, "form": form}, status=400)
    view = class_view(course, form.cleaned_data["chapter"], form.cleaned_data["sort"] or "student")
    if request.GET.get("format") == "csv":
        return _class_csv(course, view)
    return render(
        request,
        "learning/class.html",
        {
            "course": course,
            "form": form,
            "view": view,
            "sorts": SORTS,
            "band_names": [b[0] for b in BANDS],
        },
    )


def _csv_safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _class_csv(course: Course, view: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{course.slug}-mastery.csv"'
    writer = csv.writer(response)
    writer.writerow(["student", *(c.slug for c in view.concepts)])
    for row in view.rows:
        writer.writerow([_csv_safe(row.student.username), *row.levels])
    return response
