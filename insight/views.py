"""The statistics page: access (the course's instructors) → form (which attempts) → the
cached analysis → response. GET only; nothing here writes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from insight.access import access_quiz_statistics
from insight.forms import StatisticsForm
from insight.page import quiz_page
from insight.stats import MIN_RESPONSES


@login_required
@require_GET
def quiz_statistics(request: HttpRequest, course_slug: str, quiz_slug: str) -> HttpResponse:
    quiz = access_quiz_statistics(request.user, course_slug, quiz_slug)
    form = StatisticsForm(request.GET)
    page = quiz_page(quiz, form.which())
    return render(
        request,
        "insight/quiz.html",
        {"course": quiz.course, "quiz": quiz, "form": form, "page": page, "minimum": MIN_RESPONSES},
        status=422 if form.errors else 200,
    )
