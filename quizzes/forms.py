"""Forms own all input parsing: an option id from another question, a position given twice or
an answer to a part the item does not have is refused here, with a message.

A matching part never shows its ids: the select for the n-th left text (in the pairs' order) is
named `<part>-<n>`, and each right-hand option's value is an opaque token, an HMAC of the
attempt's seed, the item, the part and the right id, stable for the whole attempt. The form maps
both back, so stored responses keep using pair ids (docs/grading.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.crypto import salted_hmac

from quizzes.models import Answer, AttemptItem
from quizzes.parts import shown_right_choices

FREE_TEXT_MAX = 5000
RIGHT_TOKEN_SALT = "quizzes.forms.matching-right"
RIGHT_TOKEN_LENGTH = 16  # hex digits: 64 bits


class ItemForm(forms.Form):
    """The answer to one attempt item (all its parts). Prefix: `q<position>`."""

    def __init__(
        self, item: AttemptItem, answers: dict[str, Answer], *args: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"q{item.position}")
        super().__init__(*args, **kwargs)
        self.item = item
        self.parts = item.version.parts
        # matching part id -> option value shown -> right id
        self.right_ids: dict[str, dict[str, str]] = {}
        for part in self.parts:
            saved = answers.get(part["id"])
            self._add_fields(part, item.order.get(part["id"], []), saved.response if saved else {})

    def _add_fields(self, part: dict[str, Any], shown: list[str], saved: dict[str, Any]) -> None:
        pid, kind = part["id"], part["kind"]
        if kind in ("single", "true_false", "multiple"):
            texts = {o["id"]: o["text"] for o in part["options"]}
            ids = shown if kind != "true_false" else ["true", "false"]
            choices = [(oid, texts[oid]) for oid in ids if oid in texts]
            if kind == "multiple":
                self.fields[pid] = forms.MultipleChoiceField(
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=saved.get("selected", []),
                    label=part["prompt"],
                )
            else:
                selected = saved.get("selected") or [None]
                self.fields[pid] = forms.ChoiceField(
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=selected[0],
                    label=part["prompt"],
                )
        elif kind == "matching":
            column = shown_right_choices(part, shown)
            token_of = {rid: self._right_token(pid, rid) for rid, _text in column}
            self.right_ids[pid] = {token: rid for rid, token in token_of.items()}
            options = [("", "—")] + [(token_of[rid], text) for rid, text in column]
            matches = saved.get("matches", {})
            for n, pair in enumerate(part["pairs"], start=1):
                self.fields[f"{pid}-{n}"] = forms.ChoiceField(
                    choices=options,
                    required=False,
                    label=pair["left"],
                    initial=token_of.get(matches.get(pair["id"], ""), ""),
                    error_messages={
                        "invalid_choice": f"“{pair['left']}”: that is not one of the choices "
                        "offered; pick one from the list."
                    },
                )
        elif kind == "ordering":
            texts = {i["id"]: i["text"] for i in part["items"]}
            order = saved.get("order") or []
            for iid in shown:
                self.fields[f"{pid}-{iid}"] = forms.IntegerField(
                    required=False,
                    min_value=1,
                    max_value=len(shown),
                    label=texts[iid],
                    initial=order.index(iid) + 1 if iid in order else None,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                )
        elif kind == "free_text":
            self.fields[pid] = forms.CharField(
                required=False,
                max_length=FREE_TEXT_MAX,
                label=part["prompt"],
                initial=saved.get("text", ""),
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for part in self.parts:
            if part["kind"] == "ordering":
                pid = part["id"]
                positions = {iid: data.get(f"{pid}-{iid}") for iid in self.item.order.get(pid, [])}
                given = [p for p in positions.values() if p is not None]
                if given and sorted(given) != list(range(1, len(positions) + 1)):
                    self.add_error(
                        None,
                        f"“{part['prompt']}”: give each position "
                        f"from 1 to {len(positions)} exactly once.",
                    )
        return data

    def responses(self) -> dict[str, dict[str, Any]]:
        """Part id → response JSON, from cleaned data."""
        data = self.cleaned_data
        out: dict[str, dict[str, Any]] = {}
        for part in self.parts:
            pid, kind = part["id"], part["kind"]
            if kind == "multiple":
                out[pid] = {"selected": sorted(data.get(pid) or [])}
            elif kind in ("single", "true_false"):
                out[pid] = {"selected": [data[pid]] if data.get(pid) else []}
            elif kind == "matching":
                names = [f"{pid}-{n}" for n in range(1, len(part["pairs"]) + 1)]
                if self.is_bound and not any(self.add_prefix(name) in self.data for name in names):
                    continue  # a post without this part's selects (a stale page) keeps its answer
                right_id = self.right_ids[pid]
                out[pid] = {
                    "matches": {
                        p["id"]: right_id[data[name]]
                        for p, name in zip(part["pairs"], names, strict=True)
                        if data.get(name)
                    }
                }
            elif kind == "ordering":
                positions = {iid: data.get(f"{pid}-{iid}") for iid in self.item.order.get(pid, [])}
                if all(p is not None for p in positions.values()):
                    out[pid] = {"order": sorted(positions, key=lambda iid: positions[iid] or 0)}
                else:
                    out[pid] = {"order": []}
            elif kind == "free_text":
                out[pid] = {"text": data.get(pid, "")}
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

    def fields_of(self, part_id: str) -> list[forms.BoundField]:
        return [
            self[name] for name in self.fields if name == part_id or name.startswith(f"{part_id}-")
        ]


# Where the attempt page's header buttons lead (each saves the page first): `goto` value → URL
# name. Log out is separate: it is a POST, done by the attempt view after saving.
HEADER_PLACES = {
    "home": "courses:home",
    "search": "courses:search",
    "my_attempts": "quizzes:my_attempts",
    "author": "authoring:home",
    "review_queue": "review:queue",
    "admin": "admin:index",
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
