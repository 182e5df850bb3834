"""The question editor's view of each part kind, registered in one place (`EDITORS`).

The editor keeps a part *as typed* (a draft: every value the text of an input, every list
present whatever the kind, so that changing a part's kind loses nothing typed). The drafts are
`TypedDict`s below; what a kind adds to the editor is one `PartEditor` subclass here:

- which of the draft's lists it shows (`shows`), whether it has points of its own;
- the rows a new part of the kind starts with (`fill_defaults`) and its starting id;
- its draft from a stored, typed part (`draft_from`, reading `quizzes.parts`' classes);
- the kind's own fields in content-file form (`content`), which `quizzes.content`'s one
  checker reads: that mapping is the storage boundary, JSON on purpose;
- its template, `templates/authoring/parts/<kind>.html`.

Adding a seventh kind: its class in `quizzes/parts.py` and its answer template; here, one
`PartEditor` subclass added to `EDITORS`, and its editor template
(`tests/authoring/test_part_registry.py` fails when one is missing).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, TypedDict

from grading.rubric import Criterion
from quizzes.parts import (
    PART_KINDS,
    ChoicePart,
    CriterionSpec,
    FreeTextPart,
    MatchingPart,
    OrderingPart,
    Part,
    RawJSON,
)

# ---------------------------------------------------------------------------------------------
# The draft: a part as typed (strings, and a bool for an option's `correct`)


class OptionDraft(TypedDict):
    id: str
    text: str
    correct: bool
    feedback: str


class PairDraft(TypedDict):
    id: str
    left: str
    right: str
    feedback: str


class ItemDraft(TypedDict):
    id: str
    text: str


class KeyIdeaDraft(TypedDict):
    id: str
    phrasings: str  # one per line


class MisconceptionDraft(TypedDict):
    id: str
    phrasings: str
    effect: str
    level: str
    points: str


class LevelDraft(TypedDict):
    points: str
    descriptor: str
    min_ideas: str


class CriterionDraft(TypedDict):
    id: str
    title: str
    looks_for: str
    argues_for: str  # "part:option"
    key_ideas: list[KeyIdeaDraft]
    misconceptions: list[MisconceptionDraft]
    levels: list[LevelDraft]


class RubricDraft(TypedDict):
    model_answers: list[str]
    criteria: list[CriterionDraft]


class PartDraft(TypedDict):
    id: str
    kind: str
    prompt: str
    points: str
    options: list[OptionDraft]
    pairs: list[PairDraft]
    distractors: list[str]
    items: list[ItemDraft]
    rubric: RubricDraft
    try_answer: str
    try_choices: dict[int, str]  # choice part index -> option id


# The content-file mapping the checker reads (quizzes.content.check_question): JSON, unchecked.
Content = RawJSON

DRAFT_LISTS = ("options", "pairs", "distractors", "items", "rubric")


def empty_rubric() -> RubricDraft:
    return {"model_answers": [], "criteria": []}


def empty_part(part_id: str, kind: str) -> PartDraft:
    return {
        "id": part_id,
        "kind": kind,
        "prompt": "",
        "points": "",
        "options": [],
        "pairs": [],
        "distractors": [],
        "items": [],
        "rubric": empty_rubric(),
        "try_answer": "",
        "try_choices": {},
    }


def unused_id(prefix: str, taken: set[str], start: int = 1) -> str:
    n = start
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def ids_of(entries: list[Any]) -> set[str]:
    return {str(e.get("id", "")) for e in entries if isinstance(e, dict)}


def number(text: str) -> Any:
    """A typed number as int or float; anything else stays text (the checker names it)."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def num_text(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def put(out: Content, key: str, value: Any) -> None:
    """Set `key` only when something was typed, so the checker says "is missing"."""
    if value not in ("", None):
        out[key] = value


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


# ---------------------------------------------------------------------------------------------
# Blank rows


def next_option_id(options: list[OptionDraft]) -> str:
    taken = ids_of(list(options))
    for letter in "abcdefghijklmnopqrstuvwxyz":
        if letter not in taken:
            return letter
    return unused_id("option-", taken)


def blank_option(siblings: list[OptionDraft]) -> OptionDraft:
    return {"id": next_option_id(siblings), "text": "", "correct": False, "feedback": ""}


def blank_pair(siblings: list[PairDraft]) -> PairDraft:
    return {
        "id": unused_id("pair-", ids_of(list(siblings))),
        "left": "",
        "right": "",
        "feedback": "",
    }


def blank_item(siblings: list[ItemDraft]) -> ItemDraft:
    return {"id": unused_id("item-", ids_of(list(siblings))), "text": ""}


def blank_level(siblings: list[LevelDraft]) -> LevelDraft:
    points = "0"
    if siblings:
        points = ""
        last = number(str(siblings[-1].get("points", "")))
        if isinstance(last, int | float):
            points = str(int(last) + 1 if float(last).is_integer() else last + 1)
    return {"points": points, "descriptor": "", "min_ideas": ""}


def blank_criterion(siblings: list[CriterionDraft]) -> CriterionDraft:
    return {
        "id": unused_id("criterion-", ids_of(list(siblings))),
        "title": "",
        "looks_for": "",
        "argues_for": "",
        "key_ideas": [{"id": "idea-1", "phrasings": ""}],
        "misconceptions": [],
        "levels": [
            {"points": "0", "descriptor": "", "min_ideas": ""},
            {"points": "1", "descriptor": "", "min_ideas": ""},
            {"points": "2", "descriptor": "", "min_ideas": ""},
        ],
    }


def blank_entry(list_name: str, siblings: list[Any]) -> Any:
    """A new row for the list `list_name`, with an id its siblings do not use."""
    if list_name == "options":
        return blank_option(siblings)
    if list_name == "pairs":
        return blank_pair(siblings)
    if list_name == "items":
        return blank_item(siblings)
    if list_name == "key_ideas":
        return {"id": unused_id("idea-", ids_of(siblings)), "phrasings": ""}
    if list_name == "misconceptions":
        return {
            "id": unused_id("misconception-", ids_of(siblings)),
            "phrasings": "",
            "effect": "cap",
            "level": "0",
            "points": "",
        }
    if list_name == "levels":
        return blank_level(siblings)
    if list_name == "criteria":
        return blank_criterion(siblings)
    if list_name in ("distractors", "model_answers"):
        return ""
    raise KeyError(list_name)


# ---------------------------------------------------------------------------------------------
# The kinds


class PartEditor:
    """What the editor does with one part kind. Subclasses are registered in `EDITORS`."""

    kind: ClassVar[str]
    starting_id: ClassVar[str]  # the id of the one part of a new question of this kind
    shows: ClassVar[tuple[str, ...]] = ()  # which of DRAFT_LISTS its template shows
    has_points: ClassVar[bool] = True
    choice: ClassVar[bool] = False  # a choice a free-text criterion may argue for
    has_rubric: ClassVar[bool] = False

    @classmethod
    def template(cls) -> str:
        return f"authoring/parts/{cls.kind}.html"

    @classmethod
    def fill_defaults(cls, draft: PartDraft) -> None:
        """Give a part the rows its kind needs when it has none (a new part, a changed kind)."""

    @classmethod
    def draft_from(cls, part: Part, draft: PartDraft) -> None:
        """Fill the kind's own lists of `draft` from a stored part."""

    @classmethod
    def content(cls, draft: PartDraft) -> Content:
        """The kind's own fields in content-file form, for the checker."""
        return {}


class ChoiceEditor(PartEditor):
    shows = ("options",)
    choice = True
    starting_id = "choice"

    @classmethod
    def fill_defaults(cls, draft: PartDraft) -> None:
        while len(draft["options"]) < 2:
            draft["options"].append(blank_option(draft["options"]))

    @classmethod
    def draft_from(cls, part: Part, draft: PartDraft) -> None:
        assert isinstance(part, ChoicePart)
        draft["options"] = [
            {"id": o.id, "text": o.text, "correct": o.correct, "feedback": o.feedback}
            for o in part.options
        ]

    @classmethod
    def content(cls, draft: PartDraft) -> Content:
        options = []
        for o in draft["options"]:
            entry: Content = {}
            put(entry, "id", o["id"])
            put(entry, "text", o["text"])
            entry["correct"] = bool(o["correct"])
            put(entry, "feedback", o["feedback"])
            options.append(entry)
        return {"options": options}


class SingleEditor(ChoiceEditor):
    kind = "single"


class MultipleEditor(ChoiceEditor):
    kind = "multiple"


class TrueFalseEditor(ChoiceEditor):
    kind = "true_false"
    starting_id = "claim"

    @classmethod
    def fill_defaults(cls, draft: PartDraft) -> None:
        if [o["id"] for o in draft["options"]] != ["true", "false"]:
            correct = {o["id"]: o["correct"] for o in draft["options"]}
            draft["options"] = [
                {"id": oid, "text": text, "correct": correct.get(oid, False), "feedback": ""}
                for oid, text in (("true", "True"), ("false", "False"))
            ]


class MatchingEditor(PartEditor):
    kind = "matching"
    starting_id = "match"
    shows = ("pairs", "distractors")

    @classmethod
    def fill_defaults(cls, draft: PartDraft) -> None:
        while len(draft["pairs"]) < 2:
            draft["pairs"].append(blank_pair(draft["pairs"]))

    @classmethod
    def draft_from(cls, part: Part, draft: PartDraft) -> None:
        assert isinstance(part, MatchingPart)
        draft["pairs"] = [
            {"id": p.id, "left": p.left, "right": p.right, "feedback": p.feedback}
            for p in part.pairs
        ]
        draft["distractors"] = list(part.distractors)

    @classmethod
    def content(cls, draft: PartDraft) -> Content:
        pairs = []
        for p in draft["pairs"]:
            entry: Content = {}
            put(entry, "id", p["id"])
            put(entry, "left", p["left"])
            put(entry, "right", p["right"])
            put(entry, "feedback", p["feedback"])
            pairs.append(entry)
        out: Content = {"pairs": pairs}
        distractors = [d for d in draft["distractors"] if d]
        if distractors:
            out["distractors"] = distractors
        return out


class OrderingEditor(PartEditor):
    kind = "ordering"
    starting_id = "order"
    shows = ("items",)

    @classmethod
    def fill_defaults(cls, draft: PartDraft) -> None:
        while len(draft["items"]) < 3:
            draft["items"].append(blank_item(draft["items"]))

    @classmethod
    def draft_from(cls, part: Part, draft: PartDraft) -> None:
        assert isinstance(part, OrderingPart)
        draft["items"] = [{"id": i.id, "text": i.text} for i in part.items]

    @classmethod
    def content(cls, draft: PartDraft) -> Content:
        items = []
        for i in draft["items"]:
            entry: Content = {}
            put(entry, "id", i["id"])
            put(entry, "text", i["text"])
            items.append(entry)
        return {"items": items}


class FreeTextEditor(PartEditor):
    kind = "free_text"
    starting_id = "answer"
    shows = ("rubric",)
    has_points = False  # a free-text part is worth its rubric's top total
    has_rubric = True

    @classmethod
    def fill_defaults(cls, draft: PartDraft) -> None:
        rubric = draft["rubric"]
        if not rubric["model_answers"]:
            rubric["model_answers"].append("")
        if not rubric["criteria"]:
            rubric["criteria"].append(blank_criterion([]))

    @classmethod
    def draft_from(cls, part: Part, draft: PartDraft) -> None:
        assert isinstance(part, FreeTextPart)
        # Read from the typed stored rubric, not grading's checked one: a rubric that a rule
        # added later refuses still opens in the editor, to be fixed there.
        draft["rubric"] = {
            "model_answers": list(part.rubric.model_answers),
            "criteria": [criterion_draft(c) for c in part.rubric.criteria],
        }

    @classmethod
    def content(cls, draft: PartDraft) -> Content:
        return {"rubric": rubric_content(draft["rubric"])}


EDITORS: dict[str, type[PartEditor]] = {
    cls.kind: cls
    for cls in (
        SingleEditor,
        MultipleEditor,
        TrueFalseEditor,
        MatchingEditor,
        OrderingEditor,
        FreeTextEditor,
    )
}
assert tuple(EDITORS) == PART_KINDS, "every part kind needs its editor here"


def editor_of(draft: PartDraft) -> type[PartEditor] | None:
    """The editor of a draft's kind; None for a kind typed in that does not exist (the checker
    names it)."""
    return EDITORS.get(draft["kind"])


# ---------------------------------------------------------------------------------------------
# Rubrics, typed <-> as typed


def criterion_draft(c: Criterion | CriterionSpec) -> CriterionDraft:
    """A criterion as typed, from grading's (a proposal) or from a stored rubric."""
    target = c.argues_for
    return {
        "id": c.id,
        "title": c.title,
        "looks_for": c.looks_for,
        "argues_for": f"{target.part}:{target.option}" if target else "",
        "key_ideas": [{"id": k.id, "phrasings": "\n".join(k.phrasings)} for k in c.key_ideas],
        "misconceptions": [
            {
                "id": m.id,
                "phrasings": "\n".join(m.phrasings),
                "effect": m.effect,
                "level": num_text(m.level) if m.effect == "cap" else "",
                "points": num_text(m.points) if m.effect == "deduct" else "",
            }
            for m in c.misconceptions
        ],
        "levels": [
            {
                "points": num_text(lv.points),
                "descriptor": lv.descriptor,
                "min_ideas": num_text(lv.min_ideas),
            }
            for lv in c.levels
        ],
    }


def rubric_content(rubric: RubricDraft) -> Content:
    """The rubric as typed in content-file form (grading.rubric's mapping), for the checker."""
    criteria = []
    for c in rubric["criteria"]:
        entry: Content = {}
        put(entry, "id", c["id"])
        put(entry, "title", c["title"])
        put(entry, "looks_for", c["looks_for"])
        if c["argues_for"]:
            part, _, option = c["argues_for"].partition(":")
            entry["argues_for"] = {"part": part, "option": option}
        entry["key_ideas"] = [
            {**({"id": k["id"]} if k["id"] else {}), "phrasings": lines(k["phrasings"])}
            for k in c["key_ideas"]
        ]
        misconceptions = []
        for m in c["misconceptions"]:
            me: Content = {}
            put(me, "id", m["id"])
            me["phrasings"] = lines(m["phrasings"])
            me["effect"] = m["effect"] or "cap"
            if me["effect"] == "deduct":
                put(me, "points", number(m["points"]) if m["points"] else "")
            else:
                put(me, "level", number(m["level"]) if m["level"] else "")
            misconceptions.append(me)
        if misconceptions:
            entry["misconceptions"] = misconceptions
        levels = []
        for lv in c["levels"]:
            le: Content = {}
            put(le, "points", number(lv["points"]) if lv["points"] else "")
            put(le, "descriptor", lv["descriptor"])
            put(le, "min_ideas", number(lv["min_ideas"]) if lv["min_ideas"] else "")
            levels.append(le)
        entry["levels"] = levels
        criteria.append(entry)
    return {"model_answers": [a for a in rubric["model_answers"] if a], "criteria": criteria}


def draft_of(part: Part) -> PartDraft:
    """The typed form of a stored, typed part."""
    out = empty_part(part.id, part.kind)
    out["prompt"] = part.prompt
    out["points"] = num_text(part.points) if "points" in part.model_fields_set else ""
    EDITORS[part.kind].draft_from(part, out)
    return out


def content_of(draft: PartDraft) -> Content:
    """The content-format mapping of a typed part, for the checker."""
    editor = editor_of(draft)
    out: Content = {}
    put(out, "id", draft["id"])
    put(out, "kind", draft["kind"])
    put(out, "prompt", draft["prompt"])
    if editor is not None and editor.has_points and draft["points"]:
        out["points"] = number(draft["points"])
    if editor is not None:
        out.update(editor.content(draft))
    return out
