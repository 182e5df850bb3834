"""The review pages' forms: the queue's filters and a person's decision on an answer."""

from __future__ import annotations

from django import forms

from quizzes.models import Answer

WAITING = "waiting"  # the status filter for answers the grader has not reached in time


class ReviewFilterForm(forms.Form):
    """The review queue's filters, from its query string (or the grading form's copies of it).

    A value that cannot be a filter (a NUL byte, which PostgreSQL refuses to compare; a
    confidence that is not a number) is dropped with its message, and the others still apply.
    """

    course = forms.CharField(required=False, max_length=200)
    quiz = forms.CharField(required=False, max_length=200)
    question = forms.CharField(required=False, max_length=200)
    criterion = forms.CharField(required=False, max_length=200)
    max_confidence = forms.FloatField(required=False, label="Confidence at most")
    status = forms.ChoiceField(
        required=False,
        choices=[
            (Answer.Status.REVIEW, "Being reviewed"),
            (WAITING, "Waiting for the grader"),
            (Answer.Status.GRADED, "Graded"),
            ("all", "All"),
        ],
    )

    def params(self) -> dict[str, str]:
        """The valid, non-empty filters, as typed (for links that keep them)."""
        self.is_valid()
        return {
            name: str(self.data[name])
            for name in self.fields
            if name in self.cleaned_data and self.cleaned_data[name] not in (None, "")
        }

    def messages(self) -> list[str]:
        return [
            f"{self.fields[name].label or name.capitalize()}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]
