"""The course gradebook: a row per student, a column per quiz, each cell the quiz's grade as its
combine rule says (highest, last or mean of the graded attempts; grading/scoring.py), ready for
a spreadsheet or an LMS import.

A grade is final or it is not shown: while any submitted attempt of the quiz still has answers
being graded, the cell says "pending" (that attempt could change the highest, the last or the
mean), never a number that counts those answers as zero. A student with no submitted attempt
has an empty cell."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q

from courses.models import Course
from grading import scoring
from quizzes.accommodations import students_of
from quizzes.models import Attempt, Quiz

PENDING = "pending"

Cell = float | str  # a percent, "pending", or "" (nothing submitted)


@dataclass(frozen=True)
class GradebookRow:
    student: User
    grades: list[Cell]  # in the order of `Gradebook.quizzes`


@dataclass(frozen=True)
class Gradebook:
    quizzes: list[Quiz]
    rows: list[GradebookRow]

    @property
    def header(self) -> list[str]:
        return [
            "username",
            "name",
            "email",
            *(f"{q.title} ({q.slug}) [%]" for q in self.quizzes),
        ]

    def lines(self) -> list[list[object]]:
        return [
            [r.student.username, r.student.get_full_name(), r.student.email, *r.grades]
            for r in self.rows
        ]


def grade_cell(quiz: Quiz, attempts: list[Attempt]) -> Cell:
    """One student's grade for `quiz` from their attempts (oldest first)."""
    submitted = [a for a in attempts if a.is_submitted]
    if not submitted:
        return ""
    if any(a.pending_parts for a in submitted):
        return PENDING
    percents = [a.percent for a in submitted if a.percent is not None]
    grade = scoring.combine_attempts(percents, quiz.grading)  # type: ignore[arg-type]
    return "" if grade is None else round(grade, 2)


def gradebook(course: Course) -> Gradebook:
    """Every student of the course, and everyone who submitted an attempt at one of its
    quizzes (an account made inactive since keeps its grades), by username. Three queries."""
    quizzes = list(course.quizzes.order_by("chapter__position", "title", "pk"))
    attempts = list(
        Attempt.objects.filter(quiz__course=course)
        .only("quiz", "student", "number", "submitted_at", "score", "max_score", "pending_parts")
        .order_by("number")
    )
    with_attempts = {a.student_id for a in attempts}
    students = list(
        User.objects.filter(Q(pk__in=students_of(course)) | Q(pk__in=with_attempts))
        .order_by("username")
        .only("pk", "username", "first_name", "last_name", "email")
    )
    by_student_quiz: dict[tuple[int, int], list[Attempt]] = {}
    for a in attempts:
        by_student_quiz.setdefault((a.student_id, a.quiz_id), []).append(a)
    rows = [
        GradebookRow(s, [grade_cell(q, by_student_quiz.get((s.pk, q.pk), [])) for q in quizzes])
        for s in students
    ]
    return Gradebook(quizzes, rows)
