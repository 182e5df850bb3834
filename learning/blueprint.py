"""Which practice question comes next: a blueprint of concepts x Bloom levels read off the graph.

Plain Python (no Django), so bench/learner_sim.py runs the same rules:

- A question at Apply or above is asked on a concept only once every learn-before concept of
  every concept it assesses is proficient (`PROFICIENT` or `MASTERED`).
- When a target concept's learn-before concepts are not, the weakest of them (the earliest in
  the graph's order that is not proficient, followed down to one whose own prerequisites are)
  gets a Remember/Understand question instead: backfill.
- On the target concept itself, the level asked is the lowest Bloom band not yet mastered.
- A question is never asked twice in a session. Preferred, in order: questions whose every
  concept is ready (its learn-before concepts proficient: a question that also assesses a
  concept the student cannot have learned yet says little about the target), questions the
  student has never answered, the Bloom level nearest the band asked for, then a seeded draw.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from learning.model import (
    BANDS,
    FAMILIAR,
    MASTERED,
    NOT_STARTED,
    PROFICIENT,
    ConceptState,
    Graph,
    band_level_of,
)

READY = (PROFICIENT, MASTERED)


@dataclass(frozen=True)
class Candidate:
    question: int
    version: int
    bloom: int
    concepts: tuple[int, ...]


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    concept: int
    reason: str


def prerequisites_ready(concept: int, graph: Graph, levels: Mapping[int, str]) -> bool:
    return all(levels.get(b, NOT_STARTED) in READY for b in graph.before.get(concept, []))


def allowed(candidate: Candidate, graph: Graph, levels: Mapping[int, str]) -> bool:
    """The rule: Apply and above only on concepts whose learn-before concepts are proficient."""
    return candidate.bloom <= 2 or all(
        prerequisites_ready(c, graph, levels) for c in candidate.concepts
    )


def weakest_prerequisite(concept: int, graph: Graph, levels: Mapping[int, str]) -> int:
    """Follow not-yet-proficient prerequisites down to one whose own prerequisites are ready."""
    current, seen = concept, {concept}
    while True:
        weak = [
            b
            for b in graph.order
            if b in graph.before.get(current, []) and levels.get(b, NOT_STARTED) not in READY
        ]
        if not weak or weak[0] in seen:
            return current
        current = weak[0]
        seen.add(current)


def target_band(state: ConceptState | None) -> int:
    if state is None:
        return 0
    for band in range(len(BANDS)):
        if band_level_of(state, band) != MASTERED:
            return band
    return len(BANDS) - 1


def pick(
    candidates: Sequence[Candidate],
    targets: Sequence[tuple[int, str]],
    graph: Graph,
    levels: Mapping[int, str],
    states: Mapping[int, ConceptState],
    used: Collection[int],
    seen: Collection[int],
    rng: random.Random,
) -> Pick | None:
    """The next question for the first target (concept, reason) that has one; None when none."""
    by_concept: dict[int, list[Candidate]] = {}
    for cand in candidates:
        if cand.question in used:
            continue
        for c in cand.concepts:
            by_concept.setdefault(c, []).append(cand)
    for concept, reason in targets:
        if prerequisites_ready(concept, graph, levels):
            goal, why, top = concept, reason, 6
            band = target_band(states.get(concept))
        else:
            goal = weakest_prerequisite(concept, graph, levels)
            top, band = 2, 0
            why = reason if goal == concept else f"backfill: needed for concept {concept}"
        pool = [c for c in by_concept.get(goal, []) if c.bloom <= top and allowed(c, graph, levels)]
        if not pool:
            continue
        mid = sum(BANDS[band][1]) / len(BANDS[band][1])
        rng.shuffle(pool)
        pool.sort(
            key=lambda c: (
                not all(prerequisites_ready(x, graph, levels) for x in c.concepts),
                c.question in seen,
                abs(c.bloom - mid),
            )
        )
        return Pick(pool[0], goal, why)
    return None


def targets_for(
    graph: Graph,
    levels: Mapping[int, str],
    due: Sequence[int] = (),
    revisit: Sequence[int] = (),
    focus: int | None = None,
    new_first: bool = False,
) -> list[tuple[int, str]]:
    """The blueprint's order of concepts: a focus, reviews due, revisits, the frontier, the
    rest. With `new_first` the frontier comes before reviews and revisits: a session alternates
    (learning.practice passes it on every other question), so reviews never crowd out what
    comes next."""
    out: list[tuple[int, str]] = []
    if focus is not None:
        out.append((focus, "the concept you chose"))
    # The frontier, least known first (not started and familiar before proficient), then in
    # the graph's order: new learning spreads over what is ready instead of drilling one concept.
    rank = {NOT_STARTED: 1, FAMILIAR: 0, PROFICIENT: 2}
    frontier = sorted(
        (
            c
            for c in graph.order
            if levels.get(c, NOT_STARTED) != MASTERED and prerequisites_ready(c, graph, levels)
        ),
        key=lambda c: rank.get(levels.get(c, NOT_STARTED), 3),
    )
    if new_first:
        out += [(c, "next to learn") for c in frontier]
    out += [(c, "review due") for c in due]
    out += [(c, "revisit") for c in revisit]
    out += [(c, "next to learn") for c in frontier]
    out += [(c, "not mastered yet") for c in graph.order if levels.get(c, NOT_STARTED) != MASTERED]
    out += [(c, "keep it fresh") for c in graph.order]
    return out
