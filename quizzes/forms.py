"""Forms own all input parsing: an option id from another question, a position given twice or
an answer to a part the item does not have is refused here, with a message.

A matching part never shows its ids: the select for the n-th left text (in the pairs' order) is
named `<part>-<n>`, and each right-hand option's value is an opaque token, an HMAC of the
attempt's seed, the item, the part and the right id, stable for the whole attempt. The form maps
both back, so stored responses keep using pair ids (docs/grading.md)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.crypto import salted_hmac

from quizzes.models import Answer, AttemptItem
from quizzes.parts import FREE_TEXT_MAX, Choice, Control, FormContext, Part, Response

__all__ = ["FREE_TEXT_MAX", "AnswersPost", "ItemForm", "NavForm"]
RIGHT_TOKEN_SALT = "quizzes.forms.matching-right"
RIGHT_TOKEN_LENGTH = 16  # hex digits: 64 bits


class ItemForm(forms.Form):
    """The answer to one attempt item (all its parts). Prefix: `q<position>`.

    Each typed part (quizzes/parts.py) gives its fields and reads its response back; the page
    draws them with one plain template per kind (`controls` feeds it), not widget templates."""

    def __init__(
        self, item: AttemptItem, answers: Mapping[str, Answer], *args: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"q{item.position}")
        super().__init__(*args, **kwargs)
        self.item = item
        self.parts: list[Part] = item.version.typed_parts
        self.contexts: dict[str, FormContext] = {}
        for part in self.parts:
            saved = answers.get(part.id)
            ctx = FormContext(
                shown=[str(i) for i in item.order.get(part.id, [])],
                saved=part.response(saved.response if saved else None),
                token=functools.partial(self._right_token, part.id),
            )
            self.contexts[part.id] = ctx
            self.fields.update(part.form_fields(ctx))

    @property
    def right_ids(self) -> dict[str, dict[str, str]]:
        """Matching part id → option value shown → right id."""
        return {pid: ctx.right_ids for pid, ctx in self.contexts.items() if ctx.right_ids}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for part in self.parts:
            for message in part.form_errors(data, self.contexts[part.id]):
                self.add_error(None, message)
        return data

    def responses(self) -> dict[str, Response]:
        """Part id → typed response, from cleaned data (a part left out keeps its answer)."""
        out: dict[str, Response] = {}
        for part in self.parts:
            response = part.form_response(
                self.cleaned_data,
                self.contexts[part.id],
                lambda name: self.is_bound and self.add_prefix(name) in self.data,
            )
            if response is not None:
                out[part.id] = response
        return out

    def _right_token(self, part_id: str, right_id: str) -> str:
        """The option value standing for a right id: unguessable, and the same on every load."""
        item = self.item
        if item.attempt_id is None:  # a question's preview: no attempt, no answers to hide
            scope = f"preview:{item.version_id}"
        else:
            scope = f"{item.attempt.seed}:{item.attempt_id}:{item.pk}"
        digest = salted_hmac(RIGHT_TOKEN_SALT, f"{scope}:{part_id}:{right_id}", algorithm="sha256")
        return digest.hexdigest()[:RIGHT_TOKEN_LENGTH]

    def controls(self, part_id: str) -> list[Control]:
        """The inputs of one part, ready for its plain template: name, id, label, the value
        shown (what was posted on a refused save, else the saved answer), errors, choices."""
        out = []
        for name, field in self.fields.items():
            if name != part_id and not name.startswith(f"{part_id}-"):
                continue
            html_name = self.add_prefix(name)
            if self.is_bound:
                value = field.widget.value_from_datadict(self.data, self.files, html_name)
            else:
                value = self.get_initial_for_field(field, name)
            errors = [str(e) for e in self.errors.get(name, [])] if self.is_bound else []
            html_id = f"id_{html_name}"
            control = Control(
                name=html_name,
                id=html_id,
                label=str(field.label or ""),
                value="" if value is None or isinstance(value, list) else str(value),
                errors=errors,
            )
            if isinstance(field, forms.ChoiceField):
                if value is None:  # as Django's select: nothing posted picks the empty choice
                    picked: set[str] = (
                        set() if isinstance(field, forms.MultipleChoiceField) else {""}
                    )
                elif isinstance(value, list):
                    picked = {str(v) for v in value}
                else:
                    picked = {str(value)}
                control.choices = [
                    Choice(str(v), str(text), f"{html_id}_{n}", str(v) in picked)
                    for n, (v, text) in enumerate(cast(list[tuple[object, object]], field.choices))
                ]
            out.append(control)
        return out


def position_in(value: str | None, count: int) -> int:
    """A question number from a query string or post, kept within 1..count."""
    try:
        return min(max(int(value or 1), 1), count)
    except ValueError:
        return 1


OUTSIDE_ATTEMPT = "That answer is for a question outside this attempt; nothing was saved."
ALREADY_CHECKED = "You already checked this question; its answer is final."


class AnswersPost:
    """One post of the attempt page's answer form (the page's saves, its htmx autosave and the
    script's beacon), read: the questions it holds (`q<position>-…` names), one `ItemForm` per
    posted question not yet checked, the button pressed (`NavForm`) and the question to check.

    `refusal` says why nothing may be saved (a question outside the attempt; only checked
    questions, whose answers are final). With all questions on one page a checked question's
    inputs are disabled, so only a stale tab posts it: it is skipped and the rest saved."""

    def __init__(
        self, data: QueryDict, items: list[AttemptItem], *, count: int | None = None
    ) -> None:
        """`items`: the attempt's items, or at least those at `positions_named(data)` when
        `count` (how many the attempt has) is given."""
        self.data = data
        self.by_position = {item.position: item for item in items}
        self.count = len(items) if count is None else count
        self.position = position_in(data.get("position"), self.count)
        self.posted = self._posted(data)
        self.nav = NavForm(data, position=self.position, count=self.count)
        self.refusal: str | None = None
        self.forms: list[ItemForm] = []
        if any(p not in self.by_position for p in self.posted):
            self.refusal = OUTSIDE_ATTEMPT
            return
        unchecked = [p for p in self.posted if self.by_position[p].checked_at is None]
        if self.posted and not unchecked:
            self.refusal = ALREADY_CHECKED
            return
        for p in unchecked:
            item = self.by_position[p]
            # Bound to the post: it shows and saves what was posted, so no saved answers.
            self.forms.append(ItemForm(item, {}, data))

    @staticmethod
    def _posted(data: QueryDict) -> list[int]:
        return sorted(
            {
                int(key[1:].split("-", 1)[0])
                for key in data
                if key[:1] == "q" and key[1:].split("-", 1)[0].isdigit()
            }
        )

    @classmethod
    def positions_named(cls, data: QueryDict) -> set[int]:
        """The positions a post may need items of: the questions it holds, the page's
        question and the one its "Check this answer" names (each out of range or not)."""
        named = set(cls._posted(data))
        for key in ("position", "check"):
            value = data.get(key, "")
            named.add(int(value) if value.isdigit() else 1)
        return named

    @functools.cached_property
    def invalid(self) -> list[ItemForm]:
        return [f for f in self.forms if not f.is_valid()]

    def saves(self) -> list[tuple[AttemptItem, dict[str, Response]]]:
        """What is valid, to save even when another question is not (a half-numbered ordering
        must not cost the student the answers around it)."""
        return [(f.item, f.responses()) for f in self.forms if f not in self.invalid]

    @property
    def saved_any(self) -> bool:
        return len(self.invalid) < len(self.forms)

    def problems(self) -> list[str]:
        """The form errors in the student's words: "Question 3: …", never a field's name."""
        return [
            f"Question {form.item.position}: {message}"
            for form in self.invalid
            for errors in form.errors.values()
            for message in errors
        ]

    def to_check(self) -> AttemptItem | None:
        """The question whose "Check this answer" was pressed: the page's one question, or with
        all questions on one page the one named by the button (`check=<position>`)."""
        if self.data.get("nav") == "check" and len(self.forms) == 1:
            return self.forms[0].item
        named = self.data.get("check", "")
        if named.isdigit() and int(named) in self.by_position:
            item = self.by_position[int(named)]
            return item if item.checked_at is None else None
        return None


# Where the attempt page's header buttons lead (each saves the page first): `goto` value → URL
# name. Log out is separate: it is a POST, done by the attempt view after saving.
HEADER_PLACES = {
    "home": "courses:home",
    "search": "courses:search",
    "my_attempts": "quizzes:my_attempts",
    "notifications": "review:notifications",
    "author": "authoring:home",
    "review_queue": "review:queue",
    "admin": "admin:index",
    "settings": "account_settings",
}
LOG_OUT = "logout"
NAV_CHOICES = ("save", "check", "next", "previous", "review")


@dataclass(frozen=True)
class Destination:
    """Where a save of the attempt page goes next: a question (by position), the review page,
    a place in the site header, or log out."""

    position: int | None = None
    review: bool = False
    place: str | None = None
    log_out: bool = False


class NavForm(forms.Form):
    """The button that sent the answer form: `nav` (save, check, next, previous, review) or
    `goto` (a question number, or a place in the site header). Nothing pressed means save."""

    nav = forms.ChoiceField(choices=[(n, n) for n in NAV_CHOICES], required=False)
    goto = forms.CharField(required=False, max_length=40)

    def __init__(self, data: Any, *, position: int, count: int) -> None:
        super().__init__(data)
        self.position = position
        self.count = count

    def clean_goto(self) -> int | str | None:
        value: str = self.cleaned_data["goto"]
        if not value:
            return None
        if value.isdigit() and 1 <= int(value) <= self.count:
            return int(value)
        if value in HEADER_PLACES or value == LOG_OUT:
            return value
        raise forms.ValidationError(
            "That is not a place this page links to; your answers are saved and you are "
            "still on this question."
        )

    def destination(self) -> Destination:
        """Where to go; the current question when the button was not one the page has."""
        if not self.is_valid():
            return Destination(position=self.position)
        goto = self.cleaned_data["goto"]
        if isinstance(goto, int):
            return Destination(position=goto)
        if goto == LOG_OUT:
            return Destination(log_out=True)
        if goto:
            return Destination(place=goto)
        nav = self.cleaned_data["nav"] or "save"
        if nav == "review":
            return Destination(review=True)
        step = {"next": 1, "previous": -1}.get(nav, 0)
        return Destination(position=min(max(self.position + step, 1), self.count))

    @property
    def stays(self) -> bool:
        """A plain save or check: the student stays and is told the answers are saved."""
        if not self.is_valid():
            return True
        return not self.cleaned_data["goto"] and (self.cleaned_data["nav"] or "save") in (
            "save",
            "check",
        )

    def problems(self) -> list[str]:
        return [str(message) for errors in self.errors.values() for message in errors]
