"""Rubrics of free-text parts: frozen dataclasses, validation and an exact dict round trip.

`rubric_from_dict` reads the `rubric:` mapping of docs/rubrics.md and raises `RubricError` with a
path such as `rubric.criteria[1].levels` on the first problem it finds. `rubric_to_dict` writes
the mapping back with the key order of the docs and without optional keys that are at their
default, so that export -> import -> export is byte-identical through
`yaml.safe_dump(..., sort_keys=False)`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ArguesFor",
    "Criterion",
    "KeyIdea",
    "Level",
    "Misconception",
    "Rubric",
    "RubricError",
    "default_min_ideas",
    "rubric_from_dict",
    "rubric_to_dict",
]

ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
EFFECTS = ("cap", "deduct")
# What a part or a rubric level may be worth at most: keeps every score a finite float.
MAX_POINTS = 1_000


class RubricError(ValueError):
    """A rubric that cannot be used; `path` says where (e.g. `rubric.criteria[0].levels`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class KeyIdea:
    id: str
    phrasings: tuple[str, ...]


@dataclass(frozen=True)
class Misconception:
    id: str
    phrasings: tuple[str, ...]
    effect: str = "cap"  # "cap" (level at most `level`) or "deduct" (subtract `points`)
    level: int = 0
    points: float = 0


@dataclass(frozen=True)
class ArguesFor:
    part: str
    option: str


@dataclass(frozen=True)
class Level:
    points: float
    descriptor: str
    min_ideas: int | None = None


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    key_ideas: tuple[KeyIdea, ...]
    levels: tuple[Level, ...]
    looks_for: str = ""
    argues_for: ArguesFor | None = None
    misconceptions: tuple[Misconception, ...] = ()

    @property
    def max_points(self) -> float:
        return self.levels[-1].points

    def min_ideas_needed(self) -> tuple[int, ...]:
        """Key ideas needed for each level, with the default for levels that do not say."""
        return tuple(
            lv.min_ideas
            if lv.min_ideas is not None
            else default_min_ideas(i, len(self.levels), len(self.key_ideas))
            for i, lv in enumerate(self.levels)
        )


@dataclass(frozen=True)
class Rubric:
    model_answers: tuple[str, ...]
    criteria: tuple[Criterion, ...]

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.criteria)


def default_min_ideas(index: int, n_levels: int, n_ideas: int) -> int:
    """Level `index` of `n_levels` needs ceil(index * K / (L - 1)) of K key ideas (level 0: 0)."""
    if index <= 0 or n_levels <= 1:
        return 0
    return math.ceil(index * n_ideas / (n_levels - 1))


# ---------------------------------------------------------------------------------- reading


def _req_str(data: Mapping[str, Any], key: str, where: str) -> str:
    if key not in data or data[key] is None:
        raise RubricError(f"{where}.{key}", "is missing")
    value = data[key]
    if not isinstance(value, str):
        raise RubricError(f"{where}.{key}", f"must be text, not {type(value).__name__}")
    if not value.strip():
        raise RubricError(f"{where}.{key}", "is empty")
    return value


def _opt_str(data: Mapping[str, Any], key: str, where: str) -> str:
    if data.get(key) is None:
        return ""
    value = data[key]
    if not isinstance(value, str):
        raise RubricError(f"{where}.{key}", f"must be text, not {type(value).__name__}")
    return value


def _id(data: Mapping[str, Any], where: str) -> str:
    value = _req_str(data, "id", where)
    if not ID_RE.match(value):
        raise RubricError(
            f"{where}.id", f"{value!r} is not an id (lower-case letters, digits, - or _)"
        )
    return value


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        raise RubricError(where, "is missing")
    if not isinstance(value, Mapping):
        raise RubricError(where, f"must be a mapping, not {type(value).__name__}")
    return value


def _list(data: Mapping[str, Any], key: str, where: str, *, required: bool) -> list[Any]:
    value = data.get(key)
    if value is None:
        if required:
            raise RubricError(f"{where}.{key}", "is missing")
        return []
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise RubricError(f"{where}.{key}", f"must be a list, not {type(value).__name__}")
    if required and not value:
        raise RubricError(f"{where}.{key}", "is empty")
    return list(value)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RubricError(where, f"must be a number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise RubricError(where, f"must be a finite number, not {value!r}")
    if abs(value) > MAX_POINTS:
        raise RubricError(where, f"must be at most {MAX_POINTS:,}")
    return value


def _unknown_keys(data: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise RubricError(f"{where}.{key}", f"unknown field (allowed: {', '.join(allowed)})")


def _phrasings(data: Mapping[str, Any], where: str) -> tuple[str, ...]:
    items = _list(data, "phrasings", where, required=True)
    out: list[str] = []
    seen: set[str] = set()
    for j, p in enumerate(items):
        w = f"{where}.phrasings[{j}]"
        if not isinstance(p, str):
            raise RubricError(w, f"must be text, not {type(p).__name__}")
        if not p.strip():
            raise RubricError(w, "is empty")
        if not any(map(str.isalnum, p)):  # no generator frame per character
            raise RubricError(w, "has no words")
        key = " ".join(p.lower().split())
        if key in seen:
            raise RubricError(w, f"duplicate phrasing {p!r}")
        seen.add(key)
        out.append(p)
    return tuple(out)


def _criterion(raw: Any, where: str) -> Criterion:
    data = _mapping(raw, where)
    _unknown_keys(
        data,
        ("id", "title", "looks_for", "argues_for", "key_ideas", "misconceptions", "levels"),
        where,
    )
    cid = _id(data, where)
    title = _req_str(data, "title", where)
    looks_for = _opt_str(data, "looks_for", where)

    argues_for: ArguesFor | None = None
    if data.get("argues_for") is not None:
        w = f"{where}.argues_for"
        af = _mapping(data["argues_for"], w)
        _unknown_keys(af, ("part", "option"), w)
        argues_for = ArguesFor(part=_req_str(af, "part", w), option=_req_str(af, "option", w))

    ideas: list[KeyIdea] = []
    seen_ids: set[str] = set()
    for i, raw_idea in enumerate(_list(data, "key_ideas", where, required=True)):
        w = f"{where}.key_ideas[{i}]"
        idea = _mapping(raw_idea, w)
        _unknown_keys(idea, ("id", "phrasings"), w)
        iid = _id(idea, w)
        if iid in seen_ids:
            raise RubricError(f"{w}.id", f"duplicate key idea id {iid!r}")
        seen_ids.add(iid)
        ideas.append(KeyIdea(id=iid, phrasings=_phrasings(idea, w)))

    levels: list[Level] = []
    raw_levels = _list(data, "levels", where, required=True)
    if len(raw_levels) < 2:
        raise RubricError(f"{where}.levels", "needs at least two levels (lowest first)")
    for i, raw_level in enumerate(raw_levels):
        w = f"{where}.levels[{i}]"
        lv = _mapping(raw_level, w)
        _unknown_keys(lv, ("points", "descriptor", "min_ideas"), w)
        if lv.get("points") is None:
            raise RubricError(f"{w}.points", "is missing")
        points = _number(lv["points"], f"{w}.points")
        if points < 0:
            raise RubricError(f"{w}.points", "must not be negative")
        min_ideas = lv.get("min_ideas")
        if min_ideas is not None and (
            isinstance(min_ideas, bool) or not isinstance(min_ideas, int) or min_ideas < 0
        ):
            raise RubricError(f"{w}.min_ideas", f"must be a whole number >= 0, not {min_ideas!r}")
        levels.append(
            Level(points=points, descriptor=_req_str(lv, "descriptor", w), min_ideas=min_ideas)
        )
    for i in range(1, len(levels)):
        if levels[i].points <= levels[i - 1].points:
            raise RubricError(
                f"{where}.levels",
                f"points must strictly rise from the lowest level: level {i} has "
                f"{levels[i].points} after {levels[i - 1].points}",
            )
    k = len(ideas)
    prev_needed = -1
    for i, level in enumerate(levels):
        explicit = level.min_ideas
        needed = explicit if explicit is not None else default_min_ideas(i, len(levels), k)
        if explicit is not None:
            w = f"{where}.levels[{i}].min_ideas"
            if explicit > k:
                raise RubricError(w, f"{explicit} exceeds the {k} key idea(s) of the criterion")
            if explicit <= prev_needed:
                raise RubricError(
                    w,
                    f"must rise above the {prev_needed} key idea(s) of the level below",
                )
        prev_needed = max(prev_needed, needed)

    miscs: list[Misconception] = []
    seen_ids = set()
    for i, raw_m in enumerate(_list(data, "misconceptions", where, required=False)):
        w = f"{where}.misconceptions[{i}]"
        m = _mapping(raw_m, w)
        _unknown_keys(m, ("id", "phrasings", "effect", "level", "points"), w)
        mid = _id(m, w)
        if mid in seen_ids:
            raise RubricError(f"{w}.id", f"duplicate misconception id {mid!r}")
        seen_ids.add(mid)
        phr = _phrasings(m, w)
        effect = m.get("effect", "cap")
        if effect not in EFFECTS:
            raise RubricError(f"{w}.effect", f"unknown effect {effect!r} (use cap or deduct)")
        if effect == "cap":
            if "points" in m:
                raise RubricError(f"{w}.points", "only a deduct misconception has points")
            level = m.get("level", 0)
            if isinstance(level, bool) or not isinstance(level, int):
                raise RubricError(f"{w}.level", f"must be a level index, not {level!r}")
            if not 0 <= level < len(levels):
                raise RubricError(
                    f"{w}.level", f"cap level {level} is out of range 0..{len(levels) - 1}"
                )
            miscs.append(Misconception(id=mid, phrasings=phr, effect="cap", level=level))
        else:
            if "level" in m:
                raise RubricError(f"{w}.level", "only a cap misconception has a level")
            if m.get("points") is None:
                raise RubricError(f"{w}.points", "is missing (points to deduct)")
            pts = _number(m["points"], f"{w}.points")
            if pts <= 0:
                raise RubricError(f"{w}.points", "must be above 0")
            miscs.append(Misconception(id=mid, phrasings=phr, effect="deduct", points=pts))

    return Criterion(
        id=cid,
        title=title,
        looks_for=looks_for,
        argues_for=argues_for,
        key_ideas=tuple(ideas),
        misconceptions=tuple(miscs),
        levels=tuple(levels),
    )


def rubric_from_dict(data: Any, where: str = "rubric") -> Rubric:
    """Validate the `rubric:` mapping of docs/rubrics.md and build a `Rubric`."""
    mapping = _mapping(data, where)
    _unknown_keys(mapping, ("model_answers", "criteria"), where)
    answers = _list(mapping, "model_answers", where, required=False)
    if not answers:
        raise RubricError(f"{where}.model_answers", "no model answers (give at least one)")
    for i, a in enumerate(answers):
        w = f"{where}.model_answers[{i}]"
        if not isinstance(a, str):
            raise RubricError(w, f"must be text, not {type(a).__name__}")
        if not a.strip():
            raise RubricError(w, "is empty")
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(mapping, "criteria", where, required=True)):
        c = _criterion(raw, f"{where}.criteria[{i}]")
        if c.id in seen:
            raise RubricError(f"{where}.criteria[{i}].id", f"duplicate criterion id {c.id!r}")
        seen.add(c.id)
        criteria.append(c)
    return Rubric(model_answers=tuple(answers), criteria=tuple(criteria))


# ---------------------------------------------------------------------------------- writing


def _num_out(value: float) -> float | int:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    """The `rubric:` mapping, key order as in docs/rubrics.md, optional defaults omitted."""
    criteria: list[dict[str, Any]] = []
    for c in rubric.criteria:
        cd: dict[str, Any] = {"id": c.id, "title": c.title}
        if c.looks_for:
            cd["looks_for"] = c.looks_for
        if c.argues_for is not None:
            cd["argues_for"] = {"part": c.argues_for.part, "option": c.argues_for.option}
        cd["key_ideas"] = [{"id": k.id, "phrasings": list(k.phrasings)} for k in c.key_ideas]
        if c.misconceptions:
            ms: list[dict[str, Any]] = []
            for m in c.misconceptions:
                md: dict[str, Any] = {"id": m.id, "phrasings": list(m.phrasings)}
                md["effect"] = m.effect
                if m.effect == "cap":
                    md["level"] = m.level
                else:
                    md["points"] = _num_out(m.points)
                ms.append(md)
            cd["misconceptions"] = ms
        levels: list[dict[str, Any]] = []
        for lv in c.levels:
            ld: dict[str, Any] = {"points": _num_out(lv.points), "descriptor": lv.descriptor}
            if lv.min_ideas is not None:
                ld["min_ideas"] = lv.min_ideas
            levels.append(ld)
        cd["levels"] = levels
        criteria.append(cd)
    return {"model_answers": list(rubric.model_answers), "criteria": criteria}
