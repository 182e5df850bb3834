"""The learner model in plain Python: Elo ratings with the graph as prior, levels, frontier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from learning.model import (
    FAMILIAR,
    MASTERED,
    NOT_STARTED,
    PROFICIENT,
    Graph,
    Learner,
    Observation,
    frontier,
    replay,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
CHAIN = Graph([1, 2, 3], [(1, 2), (2, 3)])  # 1 → 2 → 3


def answers(concept: int, scores: list[float], bloom: int = 2, start: int = 0) -> list[Observation]:
    return [
        Observation(concept, bloom, s, T0 + timedelta(minutes=start + i))
        for i, s in enumerate(scores)
    ]


def test_right_answers_raise_a_rating_and_wrong_ones_lower_it() -> None:
    good = replay(CHAIN, answers(1, [1, 1, 1]))
    bad = replay(CHAIN, answers(1, [0, 0, 0]))

    assert good.states[1].theta > 0 > bad.states[1].theta


def test_a_concept_whose_prerequisites_are_weak_starts_lower() -> None:
    weak = replay(CHAIN, answers(1, [0, 0, 0, 0]))
    strong = replay(CHAIN, answers(1, [1, 1, 1, 1]))

    assert weak.prior(2) < 0 < strong.prior(2)
    assert weak.predict([2], 2) < strong.predict([2], 2)


def test_strong_evidence_at_apply_lends_a_little_to_prerequisites_and_never_lowers_them() -> None:
    base = replay(CHAIN, answers(1, [1, 0]))
    lent = replay(CHAIN, answers(1, [1, 0]) + answers(2, [1], bloom=3, start=10))
    failed = replay(CHAIN, answers(1, [1, 0]) + answers(2, [0], bloom=3, start=10))

    assert lent.states[1].theta > base.states[1].theta
    assert failed.states[1].theta == base.states[1].theta


def test_levels_go_from_not_started_to_mastered() -> None:
    learner = Learner(CHAIN)
    assert learner.level(1) == NOT_STARTED
    seen = []
    for obs in answers(1, [1] * 8, bloom=3):
        learner.observe(obs)
        seen.append(learner.level(1))

    assert seen[0] == FAMILIAR
    assert PROFICIENT in seen
    assert seen[-1] == MASTERED
    assert seen.index(PROFICIENT) < seen.index(MASTERED)


def test_per_band_counts_follow_the_bloom_level_of_the_evidence() -> None:
    learner = replay(CHAIN, answers(1, [1], bloom=1) + answers(1, [1], bloom=5, start=5))

    assert learner.states[1].band_n == [1, 0, 1]


def test_the_frontier_is_what_follows_mastered_concepts() -> None:
    assert frontier(CHAIN, {}) == [1]
    assert frontier(CHAIN, {1: MASTERED}) == [2]
    assert frontier(CHAIN, {1: MASTERED, 2: PROFICIENT}) == [2]
    assert frontier(CHAIN, {1: MASTERED, 2: MASTERED, 3: MASTERED}) == []


def test_replay_is_in_time_order_whatever_order_the_evidence_comes_in() -> None:
    obs = answers(1, [1, 0, 1, 1, 0])

    assert replay(CHAIN, obs).states[1].theta == replay(CHAIN, obs[::-1]).states[1].theta


def test_one_moments_evidence_is_fed_prerequisites_first_whatever_its_order() -> None:
    obs = [Observation(3, 3, 0.0, T0), Observation(2, 1, 0.0, T0), Observation(1, 1, 0.0, T0)]

    a, b = replay(CHAIN, obs), replay(CHAIN, obs[::-1])

    assert a.states[3].theta == b.states[3].theta
    assert a.states[3].theta < replay(CHAIN, [obs[0]]).states[3].theta  # weak prerequisites
