"""Between stored question parts (JSON in a version) and the pure scorer's dataclasses."""

from __future__ import annotations

from typing import Any

from grading import scoring
from grading.rubric import Rubric, rubric_from_dict
from quizzes.models import CHOICE_KINDS, AttemptItem


def part_points(part: dict[str, Any]) -> float:
    """What a part is worth: `points` (default 1), or its rubric's top total for free text."""
    if part["kind"] == "free_text":
        rubric = rubric_from_dict(part["rubric"])
        return float(sum(max(level.points for level in c.levels) for c in rubric.criteria))
    return float(part.get("points", 1))


def spec_of(part: dict[str, Any]) -> scoring.Spec:
    kind = part["kind"]
    points = part_points(part)
    if kind in CHOICE_KINDS:
        return scoring.ChoiceSpec(
            kind=kind,
            options=tuple(scoring.OptionSpec(o["id"], bool(o["correct"])) for o in part["options"]),
            points=points,
        )
    if kind == "matching":
        return scoring.MatchingSpec(
            pairs=tuple(scoring.PairSpec(p["id"], p["left"], p["right"]) for p in part["pairs"]),
            distractors=tuple(part.get("distractors", [])),
            points=points,
        )
    if kind == "ordering":
        return scoring.OrderingSpec(items=tuple(i["id"] for i in part["items"]), points=points)
    raise ValueError(f"part kind {kind!r} is not scored exactly")


def response_of(part: dict[str, Any], stored: dict[str, Any] | None) -> scoring.Response | None:
    """The scorer's response for a stored answer (None when nothing was answered)."""
    if not stored:
        return None
    kind = part["kind"]
    if kind in CHOICE_KINDS:
        return scoring.ChoiceResponse(frozenset(stored.get("selected", [])))
    if kind == "matching":
        return scoring.MatchingResponse(dict(stored.get("matches", {})))
    if kind == "ordering":
        order = stored.get("order") or []
        return scoring.OrderingResponse(tuple(order)) if order else None
    return None


def is_answered(part: dict[str, Any], stored: dict[str, Any] | None) -> bool:
    if not stored:
        return False
    if part["kind"] == "free_text":
        return bool(str(stored.get("text", "")).strip())
    if part["kind"] == "matching":
        return any(stored.get("matches", {}).values())
    if part["kind"] == "ordering":
        return bool(stored.get("order"))
    return bool(stored.get("selected"))


def right_choices(part: dict[str, Any]) -> list[tuple[str, str]]:
    """(right id, text) for a matching part: pair ids for the pairs' own texts, then d0, d1…"""
    choices = [(p["id"], p["right"]) for p in part["pairs"]]
    choices += [
        (scoring.distractor_id(i), text) for i, text in enumerate(part.get("distractors", []))
    ]
    return choices


def right_choices_by_text(part: dict[str, Any]) -> list[tuple[str, str]]:
    """The right-hand choices of a matching part sorted by text (then id): an order that depends
    only on the texts offered, so it says nothing about which left text each one belongs to."""
    return sorted(right_choices(part), key=lambda c: (c[1].casefold(), c[1], c[0]))


def shown_right_choices(part: dict[str, Any], stored: list[str]) -> list[tuple[str, str]]:
    """The right-hand column of a matching part as the attempt page shows it.

    The stored order (`AttemptItem.order`, a per-attempt shuffle) when it lists every right id
    once and is not the pairs' own order, which is the answer key; otherwise sorted by text.
    That covers attempts started while unshuffled columns were stored in the pairs' order, a
    shuffle that happened to land on that order, and an order missing or not fitting the part."""
    choices = right_choices(part)
    texts = dict(choices)
    shown = [str(rid) for rid in stored]
    if sorted(shown) == sorted(texts) and shown != [rid for rid, _ in choices]:
        return [(rid, texts[rid]) for rid in shown]
    return right_choices_by_text(part)


def rubric_of(item: AttemptItem, part_id: str) -> Rubric:
    """The rubric of the item's free-text part `part_id` (ValueError for any other part)."""
    part = item.version.part(part_id)
    if part is None or part["kind"] != "free_text":
        raise ValueError(f"part {part_id!r} of {item.version} is not a free-text part")
    return rubric_from_dict(part["rubric"])
