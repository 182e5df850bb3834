"""Spaced review along prerequisites, scheduled by the `fsrs` package (FSRS-6, as in Anki).

A review card per student x concept, from the moment the concept first reached proficient
(before that, answers are learning, not remembering). Each time evidence on a concept arrives
(one quiz attempt, or one practice answer) the card is reviewed once with a rating read from
the mean score of that evidence (`rating_for`). A failed review (Again) of a prerequisite
brings the reviews of the concepts that depend on it forward to at most `BRING_FORWARD` after
the failure: what was built on a forgotten concept is checked soon too.

Plain Python (no Django), so the simulation in bench/ runs the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler

from learning.model import Graph

BRING_FORWARD = timedelta(days=1)
DEFAULT_RETENTION = 0.9


@dataclass(frozen=True)
class ReviewEvent:
    """The evidence of one event (attempt or practice answer) on one concept, averaged."""

    concept: int
    score: float
    at: datetime


def rating_for(score: float) -> Rating:
    """Under half: forgotten (Again); half to 0.7: recalled with effort (Hard); else Good. A
    partly right answer (a written part, one of several options) is still a recall."""
    if score < 0.5:
        return Rating.Again
    if score < 0.7:
        return Rating.Hard
    return Rating.Good


def scheduler(retention: float = DEFAULT_RETENTION) -> Scheduler:
    """No fuzzing: a schedule is recomputed from stored evidence and must come out the same.
    No (re)learning steps of minutes: a card is a concept, practised within a session already,
    so its reviews are whole days apart from the first."""
    return Scheduler(
        desired_retention=retention, enable_fuzzing=False, learning_steps=(), relearning_steps=()
    )


def schedule(
    graph: Graph, events: Iterable[ReviewEvent], retention: float = DEFAULT_RETENTION
) -> dict[int, Card]:
    """Every concept's card after the events, in time order."""
    sched = scheduler(retention)
    cards: dict[int, Card] = {}
    for event in sorted(events, key=lambda e: e.at):
        review(sched, cards, graph, event)
    return cards


def review(sched: Scheduler, cards: dict[int, Card], graph: Graph, event: ReviewEvent) -> None:
    card = cards.get(event.concept) or Card(card_id=event.concept, due=event.at)
    rating = rating_for(event.score)
    cards[event.concept], _log = sched.review_card(card, rating, event.at)
    if rating == Rating.Again:
        soon = event.at + BRING_FORWARD
        for dependant in graph.after.get(event.concept, []):
            other = cards.get(dependant)
            if other is not None and other.due > soon:
                other.due = soon


def attributable(score: float, concept: int, others: tuple[int, ...], estimate: Any) -> bool:
    """Whether an answer is a review of `concept`: a right one always; a wrong one only when no
    other concept of the same item is weaker (by `estimate`), which would explain it instead."""
    if score >= 0.5:
        return True
    mine = estimate(concept)
    return all(estimate(o) >= mine for o in others if o != concept)


def group_events(rows: Iterable[tuple[int, str, float, datetime]]) -> list[ReviewEvent]:
    """(concept, event key, score, at) rows -> one event per concept and key, scores averaged."""
    groups: dict[tuple[int, str], list[Any]] = {}  # [score sum, count, latest]
    for concept, key, score, at in rows:
        group = groups.get((concept, key))
        if group is None:
            groups[(concept, key)] = [score, 1, at]
        else:
            group[0] += score
            group[1] += 1
            if at > group[2]:
                group[2] = at
    return [
        ReviewEvent(concept, total / count, at)
        for (concept, _key), (total, count, at) in groups.items()
    ]
