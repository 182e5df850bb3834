"""Question parts as types: one Pydantic class per part kind, a discriminated union on `kind`.

Storage stays JSON (`QuestionVersion.parts`, `Answer.response`, `Answer.detail`); this module is
the storage boundary. `parse_parts` reads a version's parts once (`QuestionVersion.typed_parts`
caches it), and everything above uses the typed objects: each part knows its points, its response
shape (parsed from stored JSON or from the answer form), whether it is answered, its score
(through the pure `grading.scoring`), its order on the page, its answer-form fields and the
template that draws them (`templates/quizzes/parts/<kind>.html`), and its feedback.

Adding a kind: one class here (added to `Part`), one template. The content files' checker
(`quizzes.content.check_parts`) still decides what may be stored; these classes only read what
it let through.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Protocol, TypeVar

from django import forms
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from grading import scoring
from grading.rubric import Rubric, RubricError, rubric_from_dict, rubric_to_dict

if TYPE_CHECKING:
    from quizzes.models import AttemptItem
    from quizzes.visibility import Shown

PART_KINDS = ("single", "multiple", "true_false", "matching", "ordering", "free_text")
CHOICE_KINDS = ("single", "multiple", "true_false")
FREE_TEXT_MAX = 5000

__all__ = [
    "CHOICE_KINDS",
    "ITEM_KEYS",
    "OPTION_KEYS",
    "PAIR_KEYS",
    "PART_CLASSES",
    "PART_KINDS",
    "AnswerDetail",
    "Checker",
    "ChoicePart",
    "ChoiceResponse",
    "CriterionSpec",
    "FormContext",
    "FreeTextPart",
    "MatchingPart",
    "MatchingResponse",
    "MultiplePart",
    "Option",
    "OrderingPart",
    "OrderingResponse",
    "Part",
    "PartFeedback",
    "RawJSON",
    "Response",
    "RubricSpec",
    "SinglePart",
    "StoredJSON",
    "TextResponse",
    "TrueFalsePart",
    "parse_detail",
    "parse_parts",
    "rubric_of",
    "text_value",
]


# The storage boundary, named. `StoredJSON`: a part, rubric or question content as JSON in the
# canonical form quizzes.content's checker writes (`QuestionVersion.parts`, content files).
# `RawJSON`: a content file's or the editor's mapping as read, before that checker. Nothing
# above quizzes.content reads a part by key: `parse_parts` gives the classes below.
StoredJSON = dict[str, Any]
RawJSON = dict[str, Any]

_M = TypeVar("_M", bound="_Model")


class _Model(BaseModel):
    # Stored JSON was checked on its way in (quizzes.content); keys it may gain later are ignored.
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def read(cls: type[_M], stored: Any) -> _M:
        """Stored JSON, typed; JSON that does not fit (a forged or damaged row) reads as empty."""
        try:
            return cls.model_validate(stored or {})
        except ValidationError:
            return cls()


# ---------------------------------------------------------------------------------------------
# Responses: what a student gave for one part (stored as `Answer.response`)


class ChoiceResponse(_Model):
    selected: list[str] = Field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"selected": list(self.selected)}


class MatchingResponse(_Model):
    matches: dict[str, str] = Field(default_factory=dict)  # left pair id -> chosen right id

    def as_json(self) -> dict[str, object]:
        return {"matches": dict(self.matches)}


class OrderingResponse(_Model):
    order: list[str] = Field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"order": list(self.order)}


class TextResponse(_Model):
    text: str = ""

    def as_json(self) -> dict[str, object]:
        return {"text": self.text}


Response = ChoiceResponse | MatchingResponse | OrderingResponse | TextResponse


_R = TypeVar("_R", bound="_Model")


def _as(kind: type[_R], response: Response) -> _R:
    """`response` if it is of a part's own kind, else that kind's empty response."""
    return response if isinstance(response, kind) else kind()


# ---------------------------------------------------------------------------------------------
# The answer form's view of a part


@dataclass
class FormContext:
    """What a part's answer fields need beyond the part: the ids in the order this attempt shows
    them, the saved response, and (matching) the opaque token standing for a right id."""

    shown: list[str]
    saved: Response
    token: Callable[[str], str] = str
    right_ids: dict[str, str] = field(default_factory=dict)  # token -> right id (matching)


@dataclass(frozen=True)
class Choice:
    value: str
    text: str
    id: str = ""
    selected: bool = False


@dataclass
class Control:
    """One input of a part as its template draws it: plain markup, no widget templates."""

    name: str
    id: str
    label: str
    value: str
    errors: list[str]
    choices: list[Choice] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Feedback: what the review options allow of an answered part, as the templates read it


@dataclass(frozen=True)
class OptionFeedback:
    text: str
    chosen: bool
    state: str  # "correct", "wrong" or "" (not marked)
    is_answer: bool
    feedback: str


@dataclass(frozen=True)
class PairFeedback:
    left: str
    right: str  # "" unless the right answers are shown
    given: str
    right_ok: bool


@dataclass(frozen=True)
class OrderFeedback:
    text: str  # "" unless the right answers are shown
    given: str
    ok: bool


@dataclass(frozen=True)
class PartFeedback:
    """A part kind's own feedback (each kind fills its own list, or `text`)."""

    options: list[OptionFeedback] = field(default_factory=list)
    pairs: list[PairFeedback] = field(default_factory=list)
    ordering: list[OrderFeedback] = field(default_factory=list)
    text: str = ""


# ---------------------------------------------------------------------------------------------
# Checking a part from a content file or the editor (quizzes.content._PartChecker implements
# `Checker`; each kind checks its own fields and returns them in canonical form)

OPTION_KEYS = ("id", "text", "correct", "feedback")
PAIR_KEYS = ("id", "left", "right", "feedback")
ITEM_KEYS = ("id", "text")


class Checker(Protocol):
    def fail(self, where: str, message: str) -> None: ...

    def text(self, data: RawJSON, key: str, where: str, *, required: bool = True) -> str: ...

    def ident(self, data: RawJSON, where: str, seen: set[str], limit: int | None = None) -> str: ...

    def unknown(self, data: RawJSON, allowed: tuple[str, ...], where: str) -> None: ...

    def entries(self, part: RawJSON, key: str, where: str) -> list[RawJSON]: ...


def text_value(value: Any) -> str | None:
    """A content file's scalar as text (numbers too), stripped; None for anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


# ---------------------------------------------------------------------------------------------
# Parts: frozen, since `parts_from_text` shares one parsed copy between requests.


class _Content(_Model):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Option(_Content):
    id: str
    text: str
    correct: bool = False
    feedback: str = ""


class Pair(_Content):
    id: str
    left: str
    right: str
    feedback: str = ""


class OrderItem(_Content):
    id: str
    text: str


class _PartBase(_Content):
    id: str
    prompt: str = ""
    points: float = 1.0
    response_type: ClassVar[type[_Model]] = ChoiceResponse

    @classmethod
    def check_content(cls, raw: RawJSON, where: str, c: Checker) -> StoredJSON:
        """The kind's own fields of a part as written in a content file or the editor, checked
        (problems go to `c.fail(path, message)`) and in canonical form for storage."""
        return {}

    @property
    def template(self) -> str:
        kind: str = getattr(self, "kind")  # noqa: B009 - every concrete part has its literal
        return f"quizzes/parts/{kind}.html"

    @property
    def max_points(self) -> float:
        return float(self.points)

    @property
    def exact(self) -> bool:
        """Scored at once (not by the free-text grader)."""
        return True

    def response(self, stored: Mapping[str, Any] | None) -> Response:
        """The typed response of a stored answer (an empty one when nothing is stored or the
        stored JSON does not fit this kind)."""
        parsed = self.response_type.read(stored)
        assert isinstance(parsed, Response)
        return parsed

    def spec(self) -> scoring.Spec:
        raise ValueError(f"part kind {getattr(self, 'kind', '?')!r} is not scored exactly")

    def scorer_response(self, response: Response) -> scoring.Response | None:
        return None

    def score(self, response: Response) -> scoring.PartScore:
        return scoring.score(self.spec(), self.scorer_response(response))

    def is_answered(self, response: Response) -> bool:
        raise NotImplementedError

    def shown_order(self, rng: random.Random, shuffle: bool) -> list[str]:
        """The ids in the order an attempt shows them (stored in `AttemptItem.order`)."""
        return []

    def preview_order(self, rng: random.Random) -> list[str]:
        """The order the author's preview shows: as a quiz that shuffles would."""
        return self.shown_order(rng, shuffle=True)

    # The answer form: fields (named `<id>` or `<id>-<something>`), and back to a response.
    def form_fields(self, ctx: FormContext) -> dict[str, forms.Field]:
        raise NotImplementedError

    def form_errors(self, data: Mapping[str, Any], ctx: FormContext) -> list[str]:
        """Problems of the part as a whole (not of one field)."""
        return []

    def form_response(
        self, data: Mapping[str, Any], ctx: FormContext, posted: Callable[[str], bool]
    ) -> Response | None:
        """The response in cleaned `data`; None keeps the stored answer (a stale page)."""
        raise NotImplementedError

    def feedback(self, response: Response, shown: Shown) -> PartFeedback:
        """What the review options allow of an answered part, for the template."""
        return PartFeedback()


class ChoicePart(_PartBase):
    options: list[Option]
    response_type: ClassVar[type[_Model]] = ChoiceResponse
    multiple: ClassVar[bool] = False

    @classmethod
    def check_content(cls, raw: RawJSON, where: str, c: Checker) -> StoredJSON:
        kind = cls.model_fields["kind"].default
        options = []
        ids: set[str] = set()
        for i, option in enumerate(c.entries(raw, "options", where)):
            w = f"{where}.options[{i}]"
            c.unknown(option, OPTION_KEYS, w)
            correct = option.get("correct", False)
            if not isinstance(correct, bool):
                c.fail(f"{w}.correct", "must be true or false")
            entry = {
                "id": c.ident(option, w, ids),
                "text": c.text(option, "text", w),
                "correct": bool(correct),
            }
            feedback = c.text(option, "feedback", w, required=False)
            if feedback:
                entry["feedback"] = feedback
            options.append(entry)
        n_correct = sum(1 for o in options if o["correct"])
        if len(options) < 2:
            c.fail(f"{where}.options", "needs at least two options")
        elif kind in ("single", "true_false") and n_correct != 1:
            c.fail(
                f"{where}.options",
                f"a {kind} part needs exactly one correct option, not {n_correct}",
            )
        elif kind == "multiple" and n_correct < 1:
            c.fail(f"{where}.options", "a multiple-response part needs at least one correct option")
        if kind == "true_false" and {o["id"] for o in options} != {"true", "false"}:
            c.fail(
                f"{where}.options", "a true_false part has exactly the options 'true' and 'false'"
            )
        return {"options": options}

    def spec(self) -> scoring.ChoiceSpec:
        return scoring.ChoiceSpec(
            kind=getattr(self, "kind"),  # noqa: B009
            options=tuple(scoring.OptionSpec(o.id, o.correct) for o in self.options),
            points=self.max_points,
        )

    def scorer_response(self, response: Response) -> scoring.Response | None:
        response = _as(ChoiceResponse, response)
        return scoring.ChoiceResponse(frozenset(response.selected)) if response.selected else None

    def is_answered(self, response: Response) -> bool:
        response = _as(ChoiceResponse, response)
        return bool(response.selected)

    def shown_order(self, rng: random.Random, shuffle: bool) -> list[str]:
        ids = [o.id for o in self.options]
        if shuffle:
            rng.shuffle(ids)
        return ids

    def preview_order(self, rng: random.Random) -> list[str]:
        return [o.id for o in self.options]  # the authored order, to check it reads well

    def _choices(self, shown: list[str]) -> list[tuple[str, str]]:
        texts = {o.id: o.text for o in self.options}
        return [(oid, texts[oid]) for oid in shown if oid in texts]

    def form_fields(self, ctx: FormContext) -> dict[str, forms.Field]:
        assert isinstance(ctx.saved, ChoiceResponse)
        choices = self._choices(ctx.shown)
        if self.multiple:
            return {
                self.id: forms.MultipleChoiceField(
                    choices=choices, required=False, initial=ctx.saved.selected, label=self.prompt
                )
            }
        return {
            self.id: forms.ChoiceField(
                choices=choices,
                required=False,
                initial=ctx.saved.selected[0] if ctx.saved.selected else None,
                label=self.prompt,
            )
        }

    def form_response(
        self, data: Mapping[str, Any], ctx: FormContext, posted: Callable[[str], bool]
    ) -> Response | None:
        value = data.get(self.id)
        if self.multiple:
            return ChoiceResponse(selected=sorted(value or []))
        return ChoiceResponse(selected=[value] if value else [])

    def feedback(self, response: Response, shown: Shown) -> PartFeedback:
        response = _as(ChoiceResponse, response)
        chosen = set(response.selected)
        options = []
        for o in self.options:
            picked = o.id in chosen
            state = ""
            if picked:
                state = "correct" if o.correct else "wrong"
            elif shown.right_answers and o.correct:
                state = "correct"
            options.append(
                OptionFeedback(
                    text=o.text,
                    chosen=picked,
                    state=state,
                    is_answer=shown.right_answers and o.correct,
                    # Another option's feedback can name the right answer.
                    feedback=o.feedback
                    if shown.feedback and (picked or shown.right_answers)
                    else "",
                )
            )
        return PartFeedback(options=options)


class SinglePart(ChoicePart):
    kind: Literal["single"] = "single"


class MultiplePart(ChoicePart):
    kind: Literal["multiple"] = "multiple"
    multiple: ClassVar[bool] = True


class TrueFalsePart(ChoicePart):
    kind: Literal["true_false"] = "true_false"

    def shown_order(self, rng: random.Random, shuffle: bool) -> list[str]:
        return []

    def _choices(self, shown: list[str]) -> list[tuple[str, str]]:
        return super()._choices(["true", "false"])  # always True, then False


class MatchingPart(_PartBase):
    kind: Literal["matching"] = "matching"
    pairs: list[Pair]
    distractors: list[str] = Field(default_factory=list)
    response_type: ClassVar[type[_Model]] = MatchingResponse

    @classmethod
    def check_content(cls, raw: RawJSON, where: str, c: Checker) -> StoredJSON:
        pairs = []
        ids: set[str] = set()
        for i, pair in enumerate(c.entries(raw, "pairs", where)):
            w = f"{where}.pairs[{i}]"
            c.unknown(pair, PAIR_KEYS, w)
            entry = {
                "id": c.ident(pair, w, ids),
                "left": c.text(pair, "left", w),
                "right": c.text(pair, "right", w),
            }
            feedback = c.text(pair, "feedback", w, required=False)
            if feedback:
                entry["feedback"] = feedback
            pairs.append(entry)
        if len(pairs) < 2:
            c.fail(f"{where}.pairs", "a matching part needs at least two pairs")
        for side in ("left", "right"):
            texts = [p[side] for p in pairs]
            for text in {t for t in texts if texts.count(t) > 1}:
                c.fail(f"{where}.pairs", f"the {side}-hand text {text!r} is repeated")
        out: StoredJSON = {"pairs": pairs}
        distractors = raw.get("distractors", [])
        if not isinstance(distractors, list) or not all(text_value(d) for d in distractors):
            c.fail(f"{where}.distractors", "must be a list of texts")
            distractors = []
        if distractors:
            out["distractors"] = [text_value(d) for d in distractors]
        rights = [p["right"] for p in pairs] + out.get("distractors", [])
        if len(set(rights)) != len(rights):
            c.fail(f"{where}.distractors", "a right-hand text appears twice")
        # A student's answer names a distractor d0, d1, ... (docs/grading.md): a pair with
        # such an id would make the distractor count as that pair's right-hand text.
        reserved = {scoring.distractor_id(i) for i in range(len(out.get("distractors", [])))}
        for i, pair in enumerate(pairs):
            if pair["id"] in reserved:
                c.fail(
                    f"{where}.pairs[{i}].id",
                    f"{pair['id']!r} is reserved for distractor {int(pair['id'][1:]) + 1} "
                    "(d0, d1, ... stand for the distractors); choose another id",
                )
        return out

    def spec(self) -> scoring.MatchingSpec:
        return scoring.MatchingSpec(
            pairs=tuple(scoring.PairSpec(p.id, p.left, p.right) for p in self.pairs),
            distractors=tuple(self.distractors),
            points=self.max_points,
        )

    def scorer_response(self, response: Response) -> scoring.Response | None:
        response = _as(MatchingResponse, response)
        return scoring.MatchingResponse(dict(response.matches)) if response.matches else None

    def is_answered(self, response: Response) -> bool:
        response = _as(MatchingResponse, response)
        return any(response.matches.values())

    def right_choices(self) -> list[tuple[str, str]]:
        """(right id, text): pair ids for the pairs' own texts, then d0, d1…"""
        choices = [(p.id, p.right) for p in self.pairs]
        choices += [(scoring.distractor_id(i), text) for i, text in enumerate(self.distractors)]
        return choices

    def right_choices_by_text(self) -> list[tuple[str, str]]:
        """The right-hand choices sorted by text (then id): an order that depends only on the
        texts offered, so it says nothing about which left text each one belongs to."""
        return sorted(self.right_choices(), key=lambda c: (c[1].casefold(), c[1], c[0]))

    def shown_right_choices(self, stored: Sequence[str]) -> list[tuple[str, str]]:
        """The right-hand column as the attempt page shows it.

        The stored order (`AttemptItem.order`, a per-attempt shuffle) when it lists every right
        id once and is not the pairs' own order, which is the answer key; otherwise sorted by
        text. That covers attempts started while unshuffled columns were stored in the pairs'
        order, a shuffle that happened to land on that order, and an order missing or not
        fitting the part."""
        choices = self.right_choices()
        texts = dict(choices)
        shown = [str(rid) for rid in stored]
        if sorted(shown) == sorted(texts) and shown != [rid for rid, _ in choices]:
            return [(rid, texts[rid]) for rid in shown]
        return self.right_choices_by_text()

    def shown_order(self, rng: random.Random, shuffle: bool) -> list[str]:
        # Never in the pairs' order (the answer key): sorted by text, or shuffled per attempt.
        ids = [rid for rid, _text in self.right_choices_by_text()]
        if shuffle:
            rng.shuffle(ids)
        return ids

    def _names(self) -> list[str]:
        return [f"{self.id}-{n}" for n in range(1, len(self.pairs) + 1)]

    def form_fields(self, ctx: FormContext) -> dict[str, forms.Field]:
        assert isinstance(ctx.saved, MatchingResponse)
        column = self.shown_right_choices(ctx.shown)
        token_of = {rid: ctx.token(rid) for rid, _text in column}
        ctx.right_ids.update({token: rid for rid, token in token_of.items()})
        options = [("", "—")] + [(token_of[rid], text) for rid, text in column]
        return {
            name: forms.ChoiceField(
                choices=options,
                required=False,
                label=pair.left,
                initial=token_of.get(ctx.saved.matches.get(pair.id, ""), ""),
                error_messages={
                    "invalid_choice": f"“{pair.left}”: that is not one of the choices "
                    "offered; pick one from the list."
                },
            )
            for name, pair in zip(self._names(), self.pairs, strict=True)
        }

    def form_response(
        self, data: Mapping[str, Any], ctx: FormContext, posted: Callable[[str], bool]
    ) -> Response | None:
        names = self._names()
        if not any(posted(name) for name in names):
            return None  # a post without this part's selects (a stale page) keeps its answer
        return MatchingResponse(
            matches={
                p.id: ctx.right_ids[data[name]]
                for p, name in zip(self.pairs, names, strict=True)
                if data.get(name)
            }
        )

    def feedback(self, response: Response, shown: Shown) -> PartFeedback:
        response = _as(MatchingResponse, response)
        rights = dict(self.right_choices())
        matches = response.matches
        return PartFeedback(
            pairs=[
                PairFeedback(
                    left=p.left,
                    right=p.right if shown.right_answers else "",
                    given=rights.get(matches.get(p.id, ""), "—"),
                    right_ok=matches.get(p.id) == p.id,
                )
                for p in self.pairs
            ]
        )


class OrderingPart(_PartBase):
    kind: Literal["ordering"] = "ordering"
    items: list[OrderItem]
    response_type: ClassVar[type[_Model]] = OrderingResponse

    @classmethod
    def check_content(cls, raw: RawJSON, where: str, c: Checker) -> StoredJSON:
        items = []
        item_ids: set[str] = set()
        for i, item in enumerate(c.entries(raw, "items", where)):
            c.unknown(item, ITEM_KEYS, f"{where}.items[{i}]")
            items.append(
                {
                    "id": c.ident(item, f"{where}.items[{i}]", item_ids),
                    "text": c.text(item, "text", f"{where}.items[{i}]"),
                }
            )
        if len(items) < 2:
            c.fail(f"{where}.items", "an ordering needs at least two items")
        return {"items": items}

    def spec(self) -> scoring.OrderingSpec:
        return scoring.OrderingSpec(items=tuple(i.id for i in self.items), points=self.max_points)

    def scorer_response(self, response: Response) -> scoring.Response | None:
        response = _as(OrderingResponse, response)
        return scoring.OrderingResponse(tuple(response.order)) if response.order else None

    def is_answered(self, response: Response) -> bool:
        response = _as(OrderingResponse, response)
        return bool(response.order)

    def shown_order(self, rng: random.Random, shuffle: bool) -> list[str]:
        ids = [i.id for i in self.items]
        shuffled = ids[:]
        while len(ids) > 1 and shuffled == ids:  # never show an ordering already solved
            rng.shuffle(shuffled)
        return shuffled

    def form_fields(self, ctx: FormContext) -> dict[str, forms.Field]:
        assert isinstance(ctx.saved, OrderingResponse)
        texts = {i.id: i.text for i in self.items}
        order = ctx.saved.order
        return {
            f"{self.id}-{iid}": forms.IntegerField(
                required=False,
                min_value=1,
                max_value=len(ctx.shown),
                label=texts[iid],
                initial=order.index(iid) + 1 if iid in order else None,
            )
            for iid in ctx.shown
        }

    def _positions(self, data: Mapping[str, Any], ctx: FormContext) -> dict[str, int | None]:
        return {iid: data.get(f"{self.id}-{iid}") for iid in ctx.shown}

    def form_errors(self, data: Mapping[str, Any], ctx: FormContext) -> list[str]:
        positions = self._positions(data, ctx)
        given = [p for p in positions.values() if p is not None]
        if given and sorted(given) != list(range(1, len(positions) + 1)):
            return [f"“{self.prompt}”: give each position from 1 to {len(positions)} exactly once."]
        return []

    def form_response(
        self, data: Mapping[str, Any], ctx: FormContext, posted: Callable[[str], bool]
    ) -> Response | None:
        positions = self._positions(data, ctx)
        if all(p is not None for p in positions.values()):
            return OrderingResponse(order=sorted(positions, key=lambda iid: positions[iid] or 0))
        return OrderingResponse(order=[])

    def feedback(self, response: Response, shown: Shown) -> PartFeedback:
        response = _as(OrderingResponse, response)
        given = response.order
        texts = {i.id: i.text for i in self.items}
        return PartFeedback(
            ordering=[
                OrderFeedback(
                    text=i.text if shown.right_answers else "",
                    given=texts.get(given[n], "—") if n < len(given) else "—",
                    ok=n < len(given) and given[n] == i.id,
                )
                for n, i in enumerate(self.items)
            ]
        )


class _RubricModel(BaseModel):
    # Every stored key is kept (`as_json` gives back what was read): grading.rubric's checker,
    # not these classes, decides what a rubric may hold.
    model_config = ConfigDict(extra="allow", frozen=True)


class KeyIdeaSpec(_RubricModel):
    id: str = ""
    phrasings: list[str] = Field(default_factory=list)


class MisconceptionSpec(_RubricModel):
    id: str = ""
    phrasings: list[str] = Field(default_factory=list)
    effect: str = "cap"
    level: int = 0
    points: int | float = 0


class ArguesForSpec(_RubricModel):
    part: str = ""
    option: str = ""


class LevelSpec(_RubricModel):
    points: int | float = 0
    descriptor: str = ""
    min_ideas: int | None = None


class CriterionSpec(_RubricModel):
    id: str = ""
    title: str = ""
    looks_for: str = ""
    argues_for: ArguesForSpec | None = None
    key_ideas: list[KeyIdeaSpec] = Field(default_factory=list)
    misconceptions: list[MisconceptionSpec] = Field(default_factory=list)
    levels: list[LevelSpec] = Field(default_factory=list)


class RubricSpec(_RubricModel):
    """A free-text part's rubric as stored (docs/rubrics.md), typed. `grading()` gives the pure
    grader's frozen dataclasses (`grading.rubric.Rubric`), checked by its rules."""

    model_answers: list[str] = Field(default_factory=list)
    criteria: list[CriterionSpec] = Field(default_factory=list)

    def as_json(self) -> StoredJSON:
        """Back to the stored mapping (the storage boundary): what was read, nothing added."""
        return self.model_dump(exclude_unset=True, mode="json")

    def grading(self) -> Rubric:
        """grading.rubric's `Rubric` (RubricError when the rubric breaks its rules)."""
        return rubric_from_dict(self.as_json())


class FreeTextPart(_PartBase):
    kind: Literal["free_text"] = "free_text"
    rubric: RubricSpec = Field(default_factory=RubricSpec)
    response_type: ClassVar[type[_Model]] = TextResponse

    @classmethod
    def check_content(cls, raw: RawJSON, where: str, c: Checker) -> StoredJSON:
        try:
            return {
                "rubric": rubric_to_dict(rubric_from_dict(raw.get("rubric"), f"{where}.rubric"))
            }
        except RubricError as exc:
            c.fail(exc.path, exc.message)
            return {}

    @cached_property
    def rubric_model(self) -> Rubric:
        return self.rubric.grading()

    @property
    def max_points(self) -> float:
        """The rubric's top total (a free-text part's `points` is not used)."""
        return float(
            sum(max(level.points for level in c.levels) for c in self.rubric_model.criteria)
        )

    @property
    def exact(self) -> bool:
        return False

    @property
    def max_length(self) -> int:
        return FREE_TEXT_MAX

    def is_answered(self, response: Response) -> bool:
        response = _as(TextResponse, response)
        return bool(response.text.strip())

    def form_fields(self, ctx: FormContext) -> dict[str, forms.Field]:
        assert isinstance(ctx.saved, TextResponse)
        return {
            self.id: forms.CharField(
                required=False, max_length=FREE_TEXT_MAX, label=self.prompt, initial=ctx.saved.text
            )
        }

    def form_response(
        self, data: Mapping[str, Any], ctx: FormContext, posted: Callable[[str], bool]
    ) -> Response | None:
        return TextResponse(text=data.get(self.id, ""))

    def feedback(self, response: Response, shown: Shown) -> PartFeedback:
        response = _as(TextResponse, response)
        return PartFeedback(text=response.text)


Part = Annotated[
    SinglePart | MultiplePart | TrueFalsePart | MatchingPart | OrderingPart | FreeTextPart,
    Field(discriminator="kind"),
]
_parts_adapter: TypeAdapter[list[Part]] = TypeAdapter(list[Part])
PART_CLASSES: dict[str, type[_PartBase]] = {
    cls.model_fields["kind"].default: cls
    for cls in (SinglePart, MultiplePart, TrueFalsePart, MatchingPart, OrderingPart, FreeTextPart)
}
assert tuple(PART_CLASSES) == PART_KINDS


def parse_parts(stored: Any) -> list[Part]:
    """A version's stored parts (JSON), typed. Raises pydantic's ValidationError on JSON that
    the content checker would never have stored."""
    return _parts_adapter.validate_python(stored)


PARSED_KEPT = 1024  # versions whose parsed parts a process keeps (a few MB at most)


@lru_cache(maxsize=PARSED_KEPT)
def _parsed(text: str) -> tuple[Part, ...]:
    return tuple(parse_parts(json.loads(text)))


def parts_from_text(text: str) -> list[Part]:
    """`parse_parts` of the stored JSON `text`, parsed once per process for each text: pages
    read the same versions on every request, and parsing (with a free-text part's rubric, which
    the part keeps) cost more than the rest of loading a version. The key is the text itself,
    so an edited version is a new key, never a stale copy; the parts are frozen, so no caller
    can change the copy the next request gets."""
    return list(_parsed(text))


# ---------------------------------------------------------------------------------------------
# The grading detail stored on an answer (`Answer.detail`)


class CriterionDetail(BaseModel):
    """One rubric criterion as the machine graded it."""

    model_config = ConfigDict(extra="allow")  # stored keys are kept on the way back

    criterion: str
    title: str = ""
    level: int = 0
    descriptor: str = ""
    points: float = 0.0
    max_points: float = 0.0
    evidence: list[tuple[int, int]] = Field(default_factory=list)
    matched: list[str] = Field(default_factory=list)
    missed: list[str] = Field(default_factory=list)
    confidence: float | None = None
    note: str = ""


class AnswerDetail(BaseModel):
    """Exact parts: `correct`. Free text: the machine's `criteria` and `note`, and once a person
    has decided, `human` (criterion id → level index)."""

    model_config = ConfigDict(extra="allow")  # stored keys are kept on the way back

    correct: bool | None = None
    criteria: list[CriterionDetail] = Field(default_factory=list)
    note: str = ""
    human: dict[str, int] = Field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """Back to the stored JSON: what was read or set, nothing invented."""
        return self.model_dump(exclude_unset=True, mode="json")

    def machine_levels(self) -> dict[str, int]:
        return {c.criterion: c.level for c in self.criteria}


def parse_detail(stored: Any) -> AnswerDetail:
    try:
        return AnswerDetail.model_validate(stored or {})
    except ValidationError:
        return AnswerDetail()


def rubric_of(item: AttemptItem, part_id: str) -> Rubric:
    """The rubric of the item's free-text part `part_id` (ValueError for any other part)."""
    part = item.version.part(part_id)
    if not isinstance(part, FreeTextPart):
        raise ValueError(f"part {part_id!r} of {item.version} is not a free-text part")
    return part.rubric_model
