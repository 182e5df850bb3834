"""The learner model, in plain Python (no Django): evidence in, a mastery estimate per concept out.

An Elo rating per student x concept (Pelánek, "Applications of the Elo rating system in adaptive
educational systems", Computers & Education 2016), the one-parameter logistic model of item
response theory updated online:

    P(correct) = sigmoid(θ - d[bloom])          θ: the student's rating on the concept
    θ ← θ + K(n) · (score - P)            score: the fraction earned, 0 … 1
    K(n) = K0 / (1 + K_DECAY · n)         n: evidence seen on the concept so far

An item's difficulty is its Bloom level's (`BLOOM_DIFFICULTY`): higher levels are harder.
An item assessing several concepts is conjunctive (all must be known): its P(right) is the
product over its concepts, and a wrong answer's blame on one concept is scaled by the chance
that the item's other concepts were known (a question on a known concept and an unknown one
says little against the known one) — the noisy-AND credit assignment of multi-skill models.

The prerequisite graph is the prior. A concept's rating starts, at its first evidence, at
`PRIOR_WEIGHT` x the mean rating of its learn-before concepts (their own prior when they have no
evidence): weak prerequisites start a concept lower, strong ones higher. Strong evidence on a
concept (score ≥ `LEND_SCORE` at Apply or above) lends `LEND` of its rise to each direct
prerequisite, never lowering one.

Levels are read from the probability of answering right at each Bloom band (`BANDS`): see
`level_of` and `band_level_of`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

BLOOM_DIFFICULTY = {1: -1.0, 2: -0.5, 3: 0.0, 4: 0.5, 5: 1.0, 6: 1.5}
K0 = 1.2
K_DECAY = 0.12
K_MIN = 0.2
PRIOR_WEIGHT = 0.5
LEND = 0.2
LEND_SCORE = 0.8

# Bloom bands: (name, levels, the difficulty a band is read at)
BANDS: tuple[tuple[str, tuple[int, ...], float], ...] = (
    ("remember-understand", (1, 2), -0.75),
    ("apply-analyse", (3, 4), 0.25),
    ("evaluate-create", (5, 6), 1.25),
)

NOT_STARTED = "not started"
FAMILIAR = "familiar"
PROFICIENT = "proficient"
MASTERED = "mastered"
LEVELS = (NOT_STARTED, FAMILIAR, PROFICIENT, MASTERED)

# Overall level: proficient once remember-understand items are answered right 80 % of the time
# (and two pieces of evidence seen); mastered once apply-analyse items are (and three seen).
PROFICIENT_P = 0.8
MASTERED_P = 0.8
PROFICIENT_N = 2
MASTERED_N = 3


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def band_of(bloom: int) -> int:
    """0, 1 or 2: the Bloom band a level belongs to."""
    return next(i for i, (_name, levels, _d) in enumerate(BANDS) if bloom in levels)


@dataclass
class Observation:
    """One piece of evidence: a graded part (or free-text criterion) on one concept."""

    concept: int
    bloom: int
    score: float  # 0 … 1
    at: datetime
    others: tuple[int, ...] = ()  # the item's other concepts


@dataclass
class ConceptState:
    theta: float = 0.0
    n: int = 0
    band_n: list[int] = field(default_factory=lambda: [0, 0, 0])
    last_at: datetime | None = None
    lent: float = 0.0  # what evidence on dependants lent this concept
    ready_at: datetime | None = None  # when it first reached proficient: its reviews start

    def p_at(self, bloom: int) -> float:
        return sigmoid(self.theta - BLOOM_DIFFICULTY[bloom])

    def p_band(self, band: int) -> float:
        return sigmoid(self.theta - BANDS[band][2])


def level_of(state: ConceptState) -> str:
    if state.n == 0:
        return NOT_STARTED
    if state.n >= MASTERED_N and state.p_band(1) >= MASTERED_P:
        return MASTERED
    if state.n >= PROFICIENT_N and state.p_band(0) >= PROFICIENT_P:
        return PROFICIENT
    return FAMILIAR


def band_level_of(state: ConceptState, band: int) -> str:
    """A band's own level: not started without evidence at that band, then by P(right there)."""
    if state.band_n[band] == 0:
        return NOT_STARTED
    p = state.p_band(band)
    if p >= 0.85 and state.band_n[band] >= 2:
        return MASTERED
    if p >= 0.7:
        return PROFICIENT
    return FAMILIAR


class Graph:
    """Learn-before edges among a course's concepts, with a topological order."""

    def __init__(self, concepts: Iterable[int], edges: Iterable[tuple[int, int]]) -> None:
        self.concepts = list(concepts)
        known = set(self.concepts)
        self.before: dict[int, list[int]] = {c: [] for c in self.concepts}
        self.after: dict[int, list[int]] = {c: [] for c in self.concepts}
        for a, b in edges:
            if a in known and b in known:
                self.before[b].append(a)
                self.after[a].append(b)
        self.order = self._topological()

    def _topological(self) -> list[int]:
        indegree = {c: len(self.before[c]) for c in self.concepts}
        ready = sorted(c for c, d in indegree.items() if d == 0)
        out: list[int] = []
        while ready:
            c = ready.pop(0)
            out.append(c)
            for d in self.after[c]:
                indegree[d] -= 1
                if indegree[d] == 0:
                    ready.append(d)
        # A cycle (never stored; the graph rules refuse it) would leave concepts out: append them.
        return out + [c for c in self.concepts if c not in set(out)]


class Learner:
    """One student's estimates on one course's concepts, fed observations in time order."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.states: dict[int, ConceptState] = {}

    def state(self, concept: int) -> ConceptState:
        st = self.states.get(concept)
        if st is None:
            st = self.states[concept] = ConceptState(theta=self.prior(concept))
        return st

    def prior(self, concept: int, _seen: frozenset[int] = frozenset()) -> float:
        """Where a concept without evidence stands: a share of its prerequisites' mean."""
        before = [b for b in self.graph.before.get(concept, []) if b not in _seen]
        if not before:
            return 0.0
        seen = _seen | {concept}
        ratings = [self.estimate(b, seen) for b in before]
        return PRIOR_WEIGHT * sum(ratings) / len(ratings)

    def estimate(self, concept: int, _seen: frozenset[int] = frozenset()) -> float:
        st = self.states.get(concept)
        if st is not None and st.n:
            return st.theta
        return self.prior(concept, _seen) + (st.lent if st else 0.0)

    def predict(self, concepts: Sequence[int], bloom: int) -> float:
        """P(right) for an item on `concepts` at `bloom`: the product over its concepts."""
        p = 1.0
        for c in concepts:
            p *= sigmoid(self.estimate(c) - BLOOM_DIFFICULTY[bloom])
        return p

    def observe(self, obs: Observation) -> None:
        st = self.states.get(obs.concept)
        if st is None or st.n == 0:
            lent = st.lent if st else 0.0
            st = self.states[obs.concept] = ConceptState(theta=self.prior(obs.concept) + lent)
        p = st.p_at(obs.bloom)
        k = max(K_MIN, K0 / (1 + K_DECAY * st.n))
        rise = k * (obs.score - p)
        if rise < 0:
            for other in obs.others:
                if other != obs.concept:
                    rise *= sigmoid(self.estimate(other) - BLOOM_DIFFICULTY[obs.bloom])
        st.theta += rise
        st.n += 1
        st.band_n[band_of(obs.bloom)] += 1
        st.last_at = obs.at
        if st.ready_at is None and level_of(st) in (PROFICIENT, MASTERED):
            st.ready_at = obs.at
        if rise > 0 and obs.score >= LEND_SCORE and obs.bloom >= 3:
            for b in self.graph.before.get(obs.concept, []):
                pre = self.states.setdefault(b, ConceptState(theta=self.prior(b)))
                if pre.n:
                    pre.theta += LEND * rise
                else:
                    pre.lent += LEND * rise

    def level(self, concept: int) -> str:
        st = self.states.get(concept)
        return level_of(st) if st else NOT_STARTED


def replay(graph: Graph, observations: Iterable[Observation]) -> Learner:
    """A learner fed `observations` in time order. Evidence of one moment (one attempt's) is
    simultaneous: it is fed prerequisites first (the graph's order), so that the result never
    depends on the order rows come back from the database, and a dependant's prior already
    knows what the same attempt said of its prerequisites."""
    rank = {c: i for i, c in enumerate(graph.order)}
    learner = Learner(graph)
    for obs in sorted(observations, key=lambda o: (o.at, rank.get(o.concept, len(rank)))):
        learner.observe(obs)
    return learner


def frontier(graph: Graph, levels: Mapping[int, str]) -> list[int]:
    """Concepts not yet mastered whose learn-before concepts all are, in topological order."""
    return [
        c
        for c in graph.order
        if levels.get(c, NOT_STARTED) != MASTERED
        and all(levels.get(b, NOT_STARTED) == MASTERED for b in graph.before[c])
    ]
