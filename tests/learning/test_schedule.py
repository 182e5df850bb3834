"""Spaced review by fsrs along prerequisites."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fsrs import Rating

from learning.model import Graph
from learning.schedule import BRING_FORWARD, ReviewEvent, group_events, rating_for, schedule

T0 = datetime(2026, 3, 1, tzinfo=UTC)
GRAPH = Graph([1, 2, 3], [(1, 2), (1, 3)])  # 2 and 3 build on 1


def test_scores_map_to_again_hard_good() -> None:
    assert [rating_for(s) for s in (0, 0.49, 0.5, 0.69, 0.7, 1)] == [
        Rating.Again,
        Rating.Again,
        Rating.Hard,
        Rating.Hard,
        Rating.Good,
        Rating.Good,
    ]


def test_good_reviews_push_the_next_review_further_out() -> None:
    events = [ReviewEvent(2, 1.0, T0)]
    first = schedule(GRAPH, events)[2].due
    later = schedule(GRAPH, [*events, ReviewEvent(2, 1.0, first)])[2].due

    assert later - first > first - T0


def test_a_failed_prerequisite_brings_its_dependants_reviews_forward() -> None:
    learned = [
        ReviewEvent(c, 1.0, T0 + timedelta(days=d)) for d in (0, 1, 4, 12) for c in (1, 2, 3)
    ]
    before = schedule(GRAPH, learned)
    fail_at = T0 + timedelta(days=13)
    after = schedule(GRAPH, [*learned, ReviewEvent(1, 0.0, fail_at)])

    assert before[2].due > fail_at + BRING_FORWARD
    assert after[2].due == fail_at + BRING_FORWARD == after[3].due


def test_a_higher_desired_retention_reviews_sooner() -> None:
    events = [ReviewEvent(1, 1.0, T0), ReviewEvent(1, 1.0, T0 + timedelta(days=1))]

    assert schedule(GRAPH, events, 0.95)[1].due < schedule(GRAPH, events, 0.8)[1].due


def test_one_event_per_concept_and_attempt_with_the_mean_score() -> None:
    events = group_events(
        [(1, "a1", 1.0, T0), (1, "a1", 0.0, T0), (2, "a1", 1.0, T0), (1, "a2", 1.0, T0)]
    )

    assert sorted((e.concept, e.score) for e in events) == [(1, 0.5), (1, 1.0), (2, 1.0)]
