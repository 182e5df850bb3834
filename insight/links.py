"""Where a flag leads: the question editor and the question bank's filters (authoring pages).
The one place that names those URLs, so a move of the authoring pages changes only this."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode


def question_editor(course_slug: str, question_slug: str) -> str:
    return reverse("authoring:question_edit", args=[course_slug, question_slug])


def bank(course_slug: str, **filters: str | int) -> str:
    url = reverse("authoring:questions", args=[course_slug])
    return f"{url}?{urlencode(filters)}" if filters else url


def statistics(course_slug: str, quiz_slug: str) -> str:
    return reverse("insight:quiz", args=[course_slug, quiz_slug])
