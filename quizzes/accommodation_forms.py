"""The accommodation form: one student of the course and their own terms for one quiz.

It owns every refusal: a student who is not the course's (a forged or stale post), negative or
absurd time, extra time on an untimed quiz, a factor together with minutes, extra attempts on
a quiz with unlimited attempts, and a closing time at or before the opening time (the
student's own or the quiz's)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from quizzes.accommodations import Terms, terms_of
from quizzes.models import (
    MAX_EXTRA_ATTEMPTS,
    MAX_TIME_FACTOR,
    MAX_TIME_LIMIT_MINUTES,
    Accommodation,
    Quiz,
    validate_quiz_time,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class StudentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.username})" if name else str(obj.username)


def _moment(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        validators=[validate_quiz_time],
        input_formats=INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text="Empty: the quiz's. In your time zone.",
    )


class AccommodationForm(forms.Form):
    student = StudentChoice(
        queryset=User.objects.none(),
        empty_label="Choose a student",
        error_messages={
            "invalid_choice": "That account is not a student of this course; choose one from "
            "the list.",
            "required": "Choose the student these terms are for.",
        },
    )
    extra_minutes = forms.IntegerField(
        label="Extra time (minutes)",
        required=False,
        min_value=0,
        max_value=MAX_TIME_LIMIT_MINUTES,
        error_messages={
            "min_value": "Extra time cannot be negative.",
            "max_value": f"At most {MAX_TIME_LIMIT_MINUTES} minutes (a week) of extra time.",
        },
    )
    time_factor = forms.DecimalField(
        label="…or a factor of the time limit",
        required=False,
        min_value=Decimal("1"),
        max_value=MAX_TIME_FACTOR,
        max_digits=4,
        decimal_places=2,
        help_text="1.5 gives half as much time again. Use minutes or a factor, not both.",
        error_messages={
            "min_value": "A factor below 1 would take time away; use 1 or more.",
            "max_value": f"At most {MAX_TIME_FACTOR} times the time limit.",
        },
    )
    extra_attempts = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_EXTRA_ATTEMPTS,
        error_messages={
            "min_value": "Extra attempts cannot be negative.",
            "max_value": f"At most {MAX_EXTRA_ATTEMPTS} extra attempts.",
        },
    )
    opens_at = _moment("Opens for this student at")
    closes_at = _moment("Closes for this student at")

    def __init__(
        self,
        quiz: Quiz,
        students: QuerySet[User],
        *args: Any,
        listed: list[User] | None = None,
        **kwargs: Any,
    ) -> None:
        """`students`: who may be chosen (a post is checked against it); `listed`: the same
        students already read by the page, so the select costs no second query."""
        super().__init__(*args, **kwargs)
        self.quiz = quiz
        student_field = self.fields["student"]
        assert isinstance(student_field, StudentChoice)
        student_field.queryset = students
        if listed is not None:
            student_field.choices = [
                ("", student_field.empty_label or ""),
                *((s.pk, student_field.label_from_instance(s)) for s in listed),
            ]
        if quiz.time_limit_minutes:
            self.fields[
                "extra_minutes"
            ].help_text = f"Added to the quiz's {quiz.time_limit_minutes}-minute limit."
        else:
            self.fields["extra_minutes"].help_text = "This quiz has no time limit."
        if quiz.max_attempts is None:
            self.fields["extra_attempts"].help_text = "This quiz allows unlimited attempts."
        zone = timezone.get_current_timezone_name()
        for name in ("opens_at", "closes_at"):
            self.fields[name].help_text = f"Empty: the quiz's. In {zone}."

    @staticmethod
    def initial_of(student: User, accommodation: Accommodation | None) -> dict[str, Any]:
        terms = terms_of(accommodation)
        return {
            "student": student.pk,
            "extra_minutes": terms.extra_minutes or None,
            "time_factor": None if terms.time_factor == 1 else terms.time_factor,
            "extra_attempts": terms.extra_attempts or None,
            "opens_at": terms.opens_at,
            "closes_at": terms.closes_at,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        minutes, factor = data.get("extra_minutes") or 0, data.get("time_factor")
        if minutes and factor is not None and factor != 1:
            self.add_error("time_factor", "Give extra time as minutes or as a factor, not both.")
        if (minutes or (factor is not None and factor != 1)) and not self.quiz.time_limit_minutes:
            self.add_error(
                "extra_minutes",
                "This quiz has no time limit, so extra time would change nothing; give the "
                "student a later closing time instead.",
            )
        if data.get("extra_attempts") and self.quiz.max_attempts is None:
            self.add_error("extra_attempts", "This quiz already allows unlimited attempts.")
        opens = data.get("opens_at") or self.quiz.opens_at
        closes = data.get("closes_at") or self.quiz.closes_at
        if (data.get("opens_at") or data.get("closes_at")) and opens and closes and closes <= opens:
            field = "closes_at" if data.get("closes_at") else "opens_at"
            whose = "this student's" if data.get("closes_at") else "the quiz's"
            self.add_error(
                field,
                f"The quiz would close before it opens: {whose} closing time is at or before "
                "the opening time.",
            )
        return data

    def terms(self) -> Terms:
        if not self.is_valid():
            raise ValidationError("The form is not valid.")
        data = self.cleaned_data
        return Terms(
            extra_minutes=data.get("extra_minutes") or 0,
            time_factor=data.get("time_factor") or Decimal("1"),
            extra_attempts=data.get("extra_attempts") or 0,
            opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"),
        )
