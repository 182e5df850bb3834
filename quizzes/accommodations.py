"""A student's own terms for a quiz: the one place that says when they may start, how long an
attempt lasts and how many attempts they have.

`window_for(quiz, student)` is what every server check reads: starting an attempt (opening and
closing times, attempts left), the deadline stored on a new attempt, and — through
`refit_attempts` — the deadline of attempts already in progress, which is what saving,
autosave, submit, "time is up", the countdown and `finish_overdue` compare the clock with.
`set_accommodation` is the only code that changes an accommodation: it records the change in
the quiz's history and refits that student's attempt in progress in the same transaction.

An attempt whose time has already run out stays ended: a later extension gives time to those
still writing, never a second life (the quiz's own `refit_open_attempts` rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from accounts.roles import STUDENT
from courses.history import record_change
from courses.models import Course
from quizzes.models import Accommodation, Attempt, Quiz


@dataclass(frozen=True)
class Window:
    """When one student may start a quiz, how long an attempt lasts, how many they have."""

    opens_at: datetime | None
    closes_at: datetime | None
    time_limit: timedelta | None
    max_attempts: int | None

    def not_open_yet(self, now: datetime) -> bool:
        return self.opens_at is not None and now < self.opens_at

    def closed(self, now: datetime) -> bool:
        return self.closes_at is not None and now >= self.closes_at

    def is_open(self, now: datetime) -> bool:
        return not self.not_open_yet(now) and not self.closed(now)

    def deadline_for(self, started_at: datetime) -> datetime | None:
        """When an attempt started at `started_at` ends: its time limit or the closing time,
        whichever comes first."""
        deadline = started_at + self.time_limit if self.time_limit is not None else None
        if self.closes_at is not None and (deadline is None or self.closes_at < deadline):
            deadline = self.closes_at
        return deadline

    @property
    def time_limit_minutes(self) -> float | None:
        return None if self.time_limit is None else self.time_limit.total_seconds() / 60


def time_limit_of(quiz: Quiz, accommodation: Accommodation | None) -> timedelta | None:
    """The quiz's limit, multiplied by the factor, plus the extra minutes. An untimed quiz
    stays untimed whatever the accommodation says."""
    if not quiz.time_limit_minutes:
        return None
    minutes = Decimal(quiz.time_limit_minutes)
    if accommodation is not None:
        minutes = minutes * Decimal(accommodation.time_factor) + accommodation.extra_minutes
    return timedelta(minutes=float(minutes))


def window_of(quiz: Quiz, accommodation: Accommodation | None) -> Window:
    """The quiz's window as `accommodation` (None: no accommodation) changes it."""
    if accommodation is None:
        return Window(quiz.opens_at, quiz.closes_at, time_limit_of(quiz, None), quiz.max_attempts)
    return Window(
        opens_at=accommodation.opens_at or quiz.opens_at,
        closes_at=accommodation.closes_at or quiz.closes_at,
        time_limit=time_limit_of(quiz, accommodation),
        max_attempts=(
            None if quiz.max_attempts is None else quiz.max_attempts + accommodation.extra_attempts
        ),
    )


def accommodation_of(quiz: Quiz, student: User | int) -> Accommodation | None:
    student_id = student if isinstance(student, int) else student.pk
    return Accommodation.objects.filter(quiz=quiz, student_id=student_id).first()


def window_for(quiz: Quiz, student: User | int) -> Window:
    """The one function the server's time and attempt checks read (one query)."""
    return window_of(quiz, accommodation_of(quiz, student))


def attempts_used(quiz: Quiz, student: User) -> int:
    return Attempt.objects.filter(quiz=quiz, student=student).count()


def refit_attempts(quiz: Quiz, student: User | None = None, now: datetime | None = None) -> int:
    """Attempts in progress of `quiz` (of one `student`, or of all) take the deadline their
    student's window gives them now. Attempts already past their deadline are left ended.
    Two queries plus one update; returns how many attempts changed."""
    now = now or timezone.now()
    still_writing = Q(deadline__isnull=True) | Q(deadline__gt=now)
    attempts = Attempt.objects.filter(still_writing, quiz=quiz, submitted_at__isnull=True)
    accommodations = Accommodation.objects.filter(quiz=quiz)
    if student is not None:
        attempts = attempts.filter(student=student)
        accommodations = accommodations.filter(student=student)
    by_student = {a.student_id: a for a in accommodations}
    changed = []
    for attempt in attempts.only("pk", "student_id", "started_at", "deadline"):
        deadline = window_of(quiz, by_student.get(attempt.student_id)).deadline_for(
            attempt.started_at
        )
        if deadline != attempt.deadline:
            attempt.deadline = deadline
            changed.append(attempt)
    Attempt.objects.bulk_update(changed, ["deadline"])
    return len(changed)


def students_of(course: Course) -> QuerySet[User]:
    """The course's students: active accounts with the Student role that are not on its staff.

    Stepwise has no enrolment yet (every student may take every published quiz), so this is
    who may take the course's quizzes; an enrolment model would narrow it here, in one place."""
    return (
        User.objects.filter(is_active=True, groups__name=STUDENT)
        .exclude(staffed_courses=course)
        .distinct()
        .order_by("username")
    )


@dataclass(frozen=True)
class Terms:
    """An accommodation's values as a form gives them (the defaults mean "as the quiz")."""

    extra_minutes: int = 0
    time_factor: Decimal = Decimal("1")
    extra_attempts: int = 0
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    def as_record(self) -> dict[str, Any]:
        return {
            "extra minutes": self.extra_minutes,
            "time factor": str(self.time_factor.normalize()),
            "extra attempts": self.extra_attempts,
            "opens": self.opens_at.isoformat() if self.opens_at else None,
            "closes": self.closes_at.isoformat() if self.closes_at else None,
        }


FIELDS = ("extra_minutes", "time_factor", "extra_attempts", "opens_at", "closes_at")


def terms_of(accommodation: Accommodation | None) -> Terms:
    if accommodation is None:
        return Terms()
    return Terms(**{name: getattr(accommodation, name) for name in FIELDS})


@transaction.atomic
def set_accommodation(quiz: Quiz, student: User, terms: Terms, by: User) -> Accommodation | None:
    """Give `student` these terms for `quiz` (all defaults: remove the accommodation). Records
    who changed what in the quiz's history and refits the student's attempt in progress.
    The caller (the form) has checked that the student is the course's and the values sane."""
    # Locked like `start_attempt` locks it: a start either sees these terms or waits for them.
    quiz = Quiz.objects.select_for_update().get(pk=quiz.pk)
    current = accommodation_of(quiz, student)
    before = terms_of(current)
    if before == terms:
        return current
    if terms == Terms():
        if current is not None:
            current.delete()
        accommodation = None
    else:
        accommodation = current or Accommodation(quiz=quiz, student=student)
        for name in FIELDS:
            setattr(accommodation, name, getattr(terms, name))
        accommodation.full_clean()
        accommodation.save()
    old, new = before.as_record(), terms.as_record()
    record_change(
        by,
        quiz,
        f"Accommodation for {student.username}: " + ("removed" if accommodation is None else "set"),
        {f"{student.username}: {key}": [old[key], new[key]] for key in old if old[key] != new[key]},
    )
    refit_attempts(quiz, student)
    return accommodation


def closed_for_everyone_at(quiz: Quiz) -> datetime | None:
    """When the quiz has closed for every student: its closing time, or the latest closing
    time an accommodation gives, whichever is later (None: it never closes). The review
    options' "after the quiz closes" starts here, so no student sees the right answers while
    another is still allowed to write. One query, kept on the quiz object."""
    if quiz.closes_at is None:
        return None
    cached = quiz.__dict__.get("_closed_for_everyone_at")
    if cached is None:
        latest = Accommodation.objects.filter(quiz=quiz, closes_at__gt=quiz.closes_at).aggregate(
            latest=Max("closes_at")
        )["latest"]
        cached = latest or quiz.closes_at
        quiz.__dict__["_closed_for_everyone_at"] = cached
    return cached
