"""Simulated students on the course's real graph, answering the course's real questions.

The course in content/ is imported into a throwaway database (bench/harness.py) and read once:
its concepts, learn-before edges and published questions (Bloom level, concepts, parts). The
simulation then runs the product's own learner code in memory — learning.model (mastery),
learning.blueprint (practice order) and learning.schedule (FSRS) — without the web layer.

Ground truth, per simulated student:
- A concept can be learned only once its learn-before concepts are known; each practice
  question on a concept whose prerequisites are known teaches it with the student's own
  learning rate (higher for Apply-and-above questions, which make the student work it out).
- Memory follows the DSR model (the memory model FSRS was fitted to, Ye et al. 2022/2023):
  recall probability R = (1 + F·t/S)^-decay; a successful recall grows stability S by the
  model's rule, a failed one shrinks it. Each student's growth is scaled by a factor in
  0.7-1.3 and each concept has its own difficulty, so the default FSRS parameters the product
  uses are not the truth.
- Answering: a student who recalls every concept of a question answers it right except for a
  slip that grows with the Bloom level; otherwise they guess. Exact parts are answered with
  the key or a random response and scored by the quiz engine's typed parts (quizzes.parts,
  through grading.scoring); a written part scores 0.7-1.0 when known and 0-0.3 when not (the written
  grader is not simulated).

Figures:
1. AUC of the mastery model's P(right) for each next answer (answer right = score ≥ 0.5),
   beside a per-concept-average baseline (the running mean score on the question's concepts
   over all students so far).
2. Practice questions until the whole course is mastered in truth (every concept learned and
   recalled with probability ≥ 0.8 at that moment), graph-guided (the product's blueprint:
   reviews due, then the frontier, backfill) versus questions in random order; 20 questions
   a day, capped at --cap.
3. After mastering (guided run), `--review-days` days of reviews as FSRS schedules them at
   desired retention 0.9: the share of reviews at which the true recall probability is within
   0.85-0.95.

    .venv/bin/python bench/learner_sim.py [--students 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import django_for_bench  # noqa: E402 (after the path is set)

T0 = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
PER_DAY = 20
MASTER_RECALL = 0.8


@dataclass(frozen=True)
class SimQuestion:
    pk: int
    bloom: int
    concepts: tuple[int, ...]
    parts: tuple[Any, ...]  # typed parts (quizzes.parts)


@dataclass
class Memory:
    stability: float  # days
    difficulty: float  # 1..10
    last: float  # day of the last exposure


@dataclass
class SimStudent:
    rng: random.Random
    learn_rate: float
    growth: float
    known: dict[int, Memory] = field(default_factory=dict)


class Truth:
    """The DSR memory model with fsrs's default weights as the population's mean."""

    def __init__(self) -> None:
        from fsrs import Scheduler

        self.w = Scheduler().parameters
        self.decay = -self.w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1

    def recall(self, mem: Memory, day: float) -> float:
        t = max(0.0, day - mem.last)
        return float((1 + self.factor * t / mem.stability) ** self.decay)

    def after_success(self, mem: Memory, r: float, growth: float) -> float:
        w = self.w
        inc = (
            math.exp(w[8])
            * (11 - mem.difficulty)
            * mem.stability ** (-w[9])
            * (math.exp(w[10] * (1 - r)) - 1)
        )
        return mem.stability * (1 + growth * inc)

    def after_failure(self, mem: Memory, r: float) -> float:
        w = self.w
        s = (
            w[11]
            * mem.difficulty ** (-w[12])
            * ((mem.stability + 1) ** w[13] - 1)
            * math.exp(w[14] * (1 - r))
        )
        return max(0.1, min(s, mem.stability))


def load_course() -> tuple[Any, list[SimQuestion]]:
    from content_io.course import import_course
    from courses.models import Concept, Prerequisite
    from learning.model import Graph
    from quizzes.models import Question

    import_course(ROOT / "content")
    concepts = list(
        Concept.objects.filter(status=Concept.Status.PUBLISHED).values_list("pk", flat=True)
    )
    edges = list(Prerequisite.objects.values_list("before_id", "after_id"))
    questions = []
    for q in (
        Question.objects.filter(status=Question.Status.PUBLISHED, current__isnull=False)
        .select_related("current")
        .prefetch_related("concepts")
    ):
        assert q.current is not None
        cs = tuple(sorted(c.pk for c in q.concepts.all()))
        if cs:
            questions.append(SimQuestion(q.pk, q.current.bloom, cs, tuple(q.current.typed_parts)))
    return Graph(concepts, edges), questions


def guess(part: Any, rng: random.Random) -> dict[str, Any]:
    """A random response to a typed part, as stored JSON."""
    from quizzes.parts import ChoicePart, MatchingPart, MultiplePart, OrderingPart

    if isinstance(part, MultiplePart):
        ids = [o.id for o in part.options]
        return {"selected": rng.sample(ids, rng.randint(1, len(ids)))}
    if isinstance(part, ChoicePart):
        return {"selected": [rng.choice(part.options).id]}
    if isinstance(part, MatchingPart):
        rights = [rid for rid, _ in part.right_choices()]
        return {"matches": {p.id: rng.choice(rights) for p in part.pairs}}
    if isinstance(part, OrderingPart):
        ids = [i.id for i in part.items]
        rng.shuffle(ids)
        return {"order": ids}
    return {}


def key(part: Any) -> dict[str, Any]:
    """The right response to a typed part, as stored JSON."""
    from quizzes.parts import ChoicePart, MatchingPart, OrderingPart

    if isinstance(part, ChoicePart):
        return {"selected": [o.id for o in part.options if o.correct]}
    if isinstance(part, MatchingPart):
        return {"matches": {p.id: p.id for p in part.pairs}}
    if isinstance(part, OrderingPart):
        return {"order": [i.id for i in part.items]}
    return {}


def score_parts(q: SimQuestion, right: bool, rng: random.Random) -> float:
    """The question scored by the quiz engine's own parts; a written part is simulated."""
    total = top = 0.0
    for part in q.parts:
        points = part.max_points
        if not part.exact:
            got = points * (rng.uniform(0.7, 1.0) if right else rng.uniform(0.0, 0.3))
        else:
            response = key(part) if right else guess(part, rng)
            got = part.score(part.response(response)).points
        total += got
        top += points
    return total / top if top else 0.0


class World:
    def __init__(self, graph: Any, questions: list[SimQuestion]) -> None:
        from learning.blueprint import Candidate

        self.graph = graph
        self.questions = questions
        self.by_pk = {q.pk: q for q in questions}
        self.candidates = [Candidate(q.pk, q.pk, q.bloom, q.concepts) for q in questions]
        self.truth = Truth()
        # the baseline: running mean score per concept over every student so far
        self.concept_sum: dict[int, float] = {}
        self.concept_n: dict[int, int] = {}
        self.predictions: list[tuple[float, float, int]] = []  # (model, baseline, outcome)

    def baseline(self, q: SimQuestion) -> float:
        ps = [
            self.concept_sum[c] / self.concept_n[c] if self.concept_n.get(c) else 0.5
            for c in q.concepts
        ]
        return sum(ps) / len(ps)

    def answer(self, student: SimStudent, q: SimQuestion, day: float) -> tuple[float, bool]:
        """The student's score, and whether every concept was recalled; memory updates."""
        rng = student.rng
        recalled = True
        for c in q.concepts:
            mem = student.known.get(c)
            if mem is None:
                recalled = False
                continue
            r = self.truth.recall(mem, day)
            if rng.random() < r:
                mem.stability = self.truth.after_success(mem, r, student.growth)
            else:
                recalled = False
                mem.stability = self.truth.after_failure(mem, r)
            mem.last = day
        slip = 0.03 + 0.02 * (q.bloom - 1)
        right = recalled and rng.random() > slip
        score = score_parts(q, right, rng)
        # learning from the question and its feedback: only on concepts whose prerequisites
        # are known
        for c in q.concepts:
            if c in student.known:
                continue
            if all(b in student.known for b in self.graph.before[c]):
                rate = student.learn_rate * (1.4 if q.bloom >= 3 else 1.0)
                if rng.random() < rate:
                    student.known[c] = Memory(
                        stability=rng.uniform(1.0, 3.0), difficulty=rng.uniform(2, 9), last=day
                    )
        return score, recalled

    def mastered(self, student: SimStudent, day: float) -> bool:
        return len(student.known) == len(self.graph.concepts) and all(
            self.truth.recall(m, day) >= MASTER_RECALL for m in student.known.values()
        )


def new_student(rng: random.Random) -> SimStudent:
    return SimStudent(
        rng=random.Random(rng.random()),
        learn_rate=rng.uniform(0.2, 0.4),
        growth=rng.uniform(0.7, 1.3),
    )


def run_practice(world: World, student: SimStudent, guided: bool, cap: int) -> tuple[int, Any, Any]:
    """Questions until mastered (or `cap`); returns (count, learner, cards)."""
    from fsrs import Card

    from learning.blueprint import pick, targets_for
    from learning.model import Learner, Observation, level_of
    from learning.schedule import ReviewEvent, attributable, review, scheduler

    learner = Learner(world.graph)
    sched = scheduler(0.9)
    cards: dict[int, Card] = {}
    seen: set[int] = set()
    used: set[int] = set()
    rng = student.rng
    for n in range(1, cap + 1):
        day = (n - 1) // PER_DAY + ((n - 1) % PER_DAY) / (PER_DAY * 24 * 6)  # 10 s apart
        at = T0 + timedelta(days=day)
        if (n - 1) % PER_DAY == 0:
            used = set()
        if guided:
            levels = {c: level_of(st) for c, st in learner.states.items()}
            end = T0 + timedelta(days=math.floor(day) + 1)
            due = [c for c in world.graph.order if c in cards and cards[c].due <= end]
            chosen = pick(
                world.candidates,
                targets_for(world.graph, levels, due=due, new_first=n % 2 == 0),
                world.graph,
                levels,
                learner.states,
                used,
                seen,
                rng,
            )
            if chosen is None:
                used = set()
                continue
            q = world.by_pk[chosen.candidate.question]
        else:
            pool = [q for q in world.questions if q.pk not in used]
            q = rng.choice(pool)
        used.add(q.pk)
        seen.add(q.pk)
        model_p = learner.predict(q.concepts, q.bloom)
        base_p = world.baseline(q)
        score, _recalled = world.answer(student, q, day)
        world.predictions.append((model_p, base_p, int(score >= 0.5)))
        for c in q.concepts:
            world.concept_sum[c] = world.concept_sum.get(c, 0.0) + score
            world.concept_n[c] = world.concept_n.get(c, 0) + 1
            learner.observe(Observation(c, q.bloom, score, at, q.concepts))
        for c in q.concepts:
            if learner.states[c].ready_at is not None and attributable(
                score, c, q.concepts, learner.estimate
            ):
                review(sched, cards, world.graph, ReviewEvent(c, score, at))
        if world.mastered(student, day):
            return n, learner, cards
    return cap, learner, cards


def run_reviews(
    world: World, student: SimStudent, learner: Any, cards: Any, start_day: float, days: int
) -> list[float]:
    """Review each concept when FSRS says it is due; the true recall at each review."""
    from learning.model import Observation
    from learning.schedule import ReviewEvent, review, scheduler

    sched = scheduler(0.9)
    recalls: list[float] = []
    by_concept: dict[int, list[SimQuestion]] = {}
    for q in world.questions:
        if len(q.concepts) == 1:
            by_concept.setdefault(q.concepts[0], []).append(q)
    for d in range(math.ceil(start_day), math.ceil(start_day) + days):
        end = T0 + timedelta(days=d + 1)
        for c in [c for c in world.graph.order if c in cards and cards[c].due <= end]:
            due_day = max(d + 0.0, (cards[c].due - T0).total_seconds() / 86400)
            mem = student.known.get(c)
            if mem is not None and cards[c].due >= T0 + timedelta(days=d):
                recalls.append(world.truth.recall(mem, due_day))
            pool = by_concept.get(c) or [q for q in world.questions if c in q.concepts]
            q = student.rng.choice(pool)
            score, _ = world.answer(student, q, due_day)
            at = T0 + timedelta(days=due_day)
            learner.observe(Observation(c, q.bloom, score, at, q.concepts))
            review(sched, cards, world.graph, ReviewEvent(c, score, at))
    return recalls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cap", type=int, default=3000)
    parser.add_argument("--review-days", type=int, default=180)
    args = parser.parse_args()
    django_for_bench(Path(tempfile.mkdtemp(prefix="stepwise-sim-")))
    from sklearn.metrics import roc_auc_score

    started = time.perf_counter()
    graph, questions = load_course()
    world = World(graph, questions)
    print(
        f"course: {len(graph.concepts)} concepts, "
        f"{sum(len(v) for v in graph.before.values())} learn-before edges, "
        f"{len(questions)} questions; {args.students} simulated students per arm"
    )
    rng = random.Random(args.seed)
    guided_counts, random_counts, recalls = [], [], []
    for _ in range(args.students):
        seed = rng.random()
        a = new_student(random.Random(seed))
        n, learner, cards = run_practice(world, a, guided=True, cap=args.cap)
        guided_counts.append(n)
        day = (n - 1) // PER_DAY + 1
        recalls += run_reviews(world, a, learner, cards, day, args.review_days)
        b = new_student(random.Random(seed))  # the same student, in random order
        random_counts.append(run_practice(world, b, guided=False, cap=args.cap)[0])

    model = [p for p, _b, _o in world.predictions]
    base = [b for _p, b, _o in world.predictions]
    outcome = [o for _p, _b, o in world.predictions]
    print(f"answers predicted: {len(outcome)} (right: {sum(outcome) / len(outcome):.0%})")
    print(
        f"AUC, mastery model (Elo + graph prior): {roc_auc_score(outcome, model):.3f}   "
        f"per-concept average baseline: {roc_auc_score(outcome, base):.3f}   target ≥ 0.75"
    )
    g, r = statistics.mean(guided_counts), statistics.mean(random_counts)
    capped = sum(1 for n in random_counts if n >= args.cap)
    print(
        f"questions to master the course: graph-guided mean {g:.0f} (median "
        f"{statistics.median(guided_counts):.0f}), random order mean {r:.0f} (median "
        f"{statistics.median(random_counts):.0f}; {capped} of {len(random_counts)} stopped at "
        f"the cap of {args.cap}): {1 - g / r:.0%} fewer   target ≥ 30 %"
    )
    inside = sum(1 for x in recalls if 0.85 <= x <= 0.95)
    print(
        f"FSRS reviews over {args.review_days} days after mastering: {len(recalls)}; "
        f"true recall at review within 0.85-0.95: {inside / max(1, len(recalls)):.0%} "
        f"(median recall {statistics.median(recalls) if recalls else float('nan'):.3f}; "
        f"below 0.85: {sum(1 for x in recalls if x < 0.85) / max(1, len(recalls)):.0%}, "
        f"above 0.95: {sum(1 for x in recalls if x > 0.95) / max(1, len(recalls)):.0%})"
    )
    print(f"run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
