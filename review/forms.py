"""The review pages' forms: the queue's filters and a person's decision on an answer."""

from __future__ import annotations

from typing import Any

from django import forms

from grading.rubric import Rubric
from quizzes.models import Answer
from review.actions import REASON_MAX, REASON_MIN

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


COMMENT_MAX = 2000  # longer comments are cut, as they always were, not refused


class LevelField(forms.CharField):
    """A criterion's level as posted by its radio buttons: a level number, or None for nothing
    usable (absent, empty, not a number), which the decision then reports as missing."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value) or ""
        return int(text) if text.isdigit() else None


class DecisionForm(forms.Form):
    """A person's grade for one written answer: a level per rubric criterion and a comment.

    Sent by "Accept and next" (`action=accept`), and by htmx on every change, to preview the
    total without saving. The levels are parsed here; whether each criterion has one and each
    level exists is the decision's own rule (`review.actions.decide_answer`), so every caller
    gets the same refusal.
    """

    ACCEPT = "accept"

    action = forms.CharField(required=False)
    comment = forms.CharField(required=False)  # refuses a NUL byte (Django's default validator)
    reply = forms.CharField(required=False)  # to the student's regrade request, if any

    def __init__(self, rubric: Rubric, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criterion_ids = [criterion.id for criterion in rubric.criteria]
        for criterion_id in self.criterion_ids:
            self.fields[f"c-{criterion_id}"] = LevelField(required=False)

    def clean_comment(self) -> str:
        return str(self.cleaned_data["comment"])[:COMMENT_MAX]

    @property
    def accepting(self) -> bool:
        """Whether this post asks to record the grade (the rest only preview it)."""
        return str(self.data.get("action", "")) == self.ACCEPT

    def levels(self) -> dict[str, int]:
        """criterion id → the level chosen, for the criteria with a usable choice."""
        self.is_valid()
        chosen = {cid: self.cleaned_data.get(f"c-{cid}") for cid in self.criterion_ids}
        return {cid: level for cid, level in chosen.items() if level is not None}

    def reply_text(self) -> str:
        self.is_valid()
        return str(self.cleaned_data.get("reply") or "").strip()[:COMMENT_MAX]

    def comment_error(self) -> str:
        """The comment's problem as one line ("Comment: ..."), or "" when it has none."""
        self.is_valid()
        messages = self.errors.get("comment")
        return f"Comment: {messages[0]}" if messages else ""

    def comment_as_typed(self) -> str:
        """The comment to show again after a refusal: as typed, without what cannot be kept."""
        return str(self.data.get("comment", "")).strip()[:COMMENT_MAX].replace("\x00", "")


class RegradeRequestForm(forms.Form):
    """A student's regrade request: which criterion, and why (length bounds from the action)."""

    criterion = forms.ChoiceField(widget=forms.RadioSelect, label="Which part of the grade")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Why should it be looked at again?",
        min_length=REASON_MIN,
        max_length=REASON_MAX,
        strip=True,
    )

    def __init__(self, rubric: Rubric, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        criterion = self.fields["criterion"]
        assert isinstance(criterion, forms.ChoiceField)
        criterion.choices = [(c.id, c.title) for c in rubric.criteria]


class GroupDecisionForm(DecisionForm):
    """One grade for the answers of a group: the levels and comment of `DecisionForm`, and the
    members confirmed (checked) — the unchecked ones are split out and stay in the queue.

    `members()` refuses ids that are not in the group as shown (a forged or stale post)."""

    member = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, rubric: Rubric, group_ids: list[int], *args: Any, **kwargs: Any) -> None:
        super().__init__(rubric, *args, **kwargs)
        self.group_ids = list(group_ids)
        member = self.fields["member"]
        assert isinstance(member, forms.ChoiceField)
        member.choices = [(i, str(i)) for i in group_ids]
        self.fields["member"].error_messages["invalid_choice"] = (
            "Answer %(value)s is not in this group (any more); nothing was saved."
        )

    def member_error(self) -> str:
        self.is_valid()
        messages = self.errors.get("member")
        return str(messages[0]) if messages else ""

    def members(self) -> list[int]:
        self.is_valid()
        return list(self.cleaned_data.get("member") or [])
