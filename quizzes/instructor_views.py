"""The instructor's class pages (the course's instructors and admins): a quiz's accommodations
page — every student of the course with their own terms and the attempt they are writing, a
form to change one student's terms, the history of those changes — and the course gradebook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.http import user_of
from accounts.zones import use_course_zone
from courses.access import access_authored_course
from courses.history import HistoryRow, field_changes, history_of
from quizzes.access import access_results
from quizzes.accommodation_forms import AccommodationForm
from quizzes.accommodations import (
    Window,
    accommodation_of,
    set_accommodation,
    students_of,
    window_of,
)
from quizzes.gradebook import gradebook
from quizzes.models import Accommodation, Attempt, Quiz
from quizzes.spreadsheet import csv_response


@dataclass(frozen=True)
class StudentRow:
    student: User
    accommodation: Accommodation | None
    window: Window
    writing: Attempt | None  # the attempt in progress, with the deadline it has now


@login_required
def accommodations(request: HttpRequest, course_slug: str, quiz_slug: str) -> HttpResponse:
    quiz = access_results(request.user, course_slug, quiz_slug)
    use_course_zone(request, quiz.course.time_zone)  # the form reads times in it too
    students = students_of(quiz.course)
    listed = list(students)
    url = reverse("quizzes:accommodations", args=[quiz.course.slug, quiz.slug])
    if request.method == "POST":
        form = AccommodationForm(quiz, students, request.POST, listed=listed)
        if form.is_valid():
            student = form.cleaned_data["student"]
            terms = form.terms()
            set_accommodation(quiz, student, terms, by=user_of(request))
            messages.success(request, f"Saved the terms for {student.username}.")
            return redirect(url)
        status = 422
    else:
        form = AccommodationForm(quiz, students, initial=_initial(request, quiz), listed=listed)
        status = 200
    by_student = {a.student_id: a for a in quiz.accommodations.all()}
    writing = {
        a.student_id: a
        for a in Attempt.objects.filter(quiz=quiz, submitted_at__isnull=True).only(
            "pk", "student_id", "number", "started_at", "deadline", "submitted_at"
        )
    }
    rows = [
        StudentRow(
            s, by_student.get(s.pk), window_of(quiz, by_student.get(s.pk)), writing.get(s.pk)
        )
        for s in listed
    ]
    history = [
        HistoryRow(r, field_changes(r.changes or {}))
        for r in history_of(quiz).filter(summary__startswith="Accommodation")[:20]
    ]
    return render(
        request,
        "quizzes/accommodations.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "rows": rows,
            "accommodated": sum(1 for r in rows if r.accommodation is not None),
            "form": form,
            "history": history,
            "base": window_of(quiz, None),
        },
        status=status,
    )


def _initial(request: HttpRequest, quiz: Quiz) -> dict[str, Any]:
    """`?student=<id>` (the table's "change" links) fills the form with that student's terms;
    an id that is not one of the course's students is ignored."""
    raw = request.GET.get("student", "")
    if not raw.isdigit():
        return {}
    student = students_of(quiz.course).filter(pk=int(raw)).first()
    if student is None:
        return {}
    return AccommodationForm.initial_of(student, accommodation_of(quiz, student))


@login_required
def gradebook_csv(request: HttpRequest, course_slug: str) -> HttpResponse:
    """The course's gradebook as CSV (quizzes.gradebook): its instructors and admins."""
    course = access_authored_course(request.user, course_slug)
    book = gradebook(course)
    return csv_response(f"{course.slug}-gradebook.csv", book.header, book.lines())
