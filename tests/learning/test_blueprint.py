"""Practice questions drawn along the graph (learning.blueprint)."""

from __future__ import annotations

import random
from collections.abc import Collection

from learning.blueprint import Candidate, Pick, allowed, pick, targets_for
from learning.model import FAMILIAR, MASTERED, PROFICIENT, Graph

GRAPH = Graph([1, 2, 3], [(1, 2), (2, 3)])  # 1 → 2 → 3
BANK = [
    Candidate(10, 110, 1, (1,)),
    Candidate(11, 111, 2, (1,)),
    Candidate(20, 120, 1, (2,)),
    Candidate(21, 121, 3, (2,)),
    Candidate(22, 122, 5, (2,)),
    Candidate(30, 130, 4, (3,)),
]


def draw(
    levels: dict[int, str],
    targets: list[tuple[int, str]],
    used: Collection[int] = (),
    seen: Collection[int] = (),
) -> Pick | None:
    return pick(BANK, targets, GRAPH, levels, {}, set(used), set(seen), random.Random(1))


def test_apply_and_above_wait_until_the_learn_before_concepts_are_proficient() -> None:
    assert not allowed(BANK[3], GRAPH, {1: FAMILIAR})
    assert allowed(BANK[3], GRAPH, {1: PROFICIENT})
    assert allowed(BANK[2], GRAPH, {})  # remember is always allowed


def test_a_weak_prerequisite_gets_a_remember_or_understand_question_instead() -> None:
    chosen = draw({}, [(3, "next")])

    assert chosen is not None
    assert chosen.concept == 1 and chosen.candidate.bloom <= 2
    assert chosen.reason.startswith("backfill")


def test_a_ready_concept_gets_its_lowest_band_not_yet_mastered() -> None:
    chosen = draw({1: MASTERED}, [(2, "next")])

    assert chosen is not None and chosen.candidate.question == 20


def test_no_question_repeats_within_a_session() -> None:
    used: set[int] = set()
    levels = {1: MASTERED, 2: MASTERED}
    while (chosen := draw(levels, targets_for(GRAPH, levels), used=used)) is not None:
        assert chosen.candidate.question not in used
        used.add(chosen.candidate.question)

    assert used == {c.question for c in BANK}


def test_unseen_questions_come_first() -> None:
    chosen = draw({}, [(1, "next")], seen={10})

    assert chosen is not None and chosen.candidate.question == 11


def test_the_blueprint_orders_focus_then_due_then_revisit_then_frontier() -> None:
    targets = targets_for(GRAPH, {1: MASTERED}, due=[1], revisit=[3], focus=2)

    assert targets[:4] == [
        (2, "the concept you chose"),
        (1, "review due"),
        (3, "revisit"),
        (2, "next to learn"),
    ]
