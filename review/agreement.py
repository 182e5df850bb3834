"""How far to trust the machine: per question part and per criterion, how often a person
changed the machine's grade, and the quadratic weighted kappa between the machine and the person
on the answers a person graded (`grading.agreement`). Below `MIN_ANSWERS` graded answers a
kappa means little: the page says "not enough data" instead.

The machine's grade of a decided answer is the one it had stored when the person decided (the
machine never grades a decided answer again), so the figures compare like with like.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from grading.agreement import Agreement, agreement
from grading.rubric import Rubric
from quizzes.models import Answer
from quizzes.parts import FreeTextPart

MIN_ANSWERS = 5


def _step(values: set[float]) -> float:
    ordered = sorted(values)
    diffs = [b - a for a, b in itertools.pairwise(ordered) if b - a > 1e-9]
    return min(diffs) if diffs else 1.0


def _achievable(rubric: Rubric) -> set[float]:
    sums = {0.0}
    for c in rubric.criteria:
        sums = {round(s + lv.points, 6) for s in sums for lv in c.levels}
    return sums


@dataclass
class Row:
    label: str
    agreement: Agreement

    @property
    def enough(self) -> bool:
        return self.agreement.n >= MIN_ANSWERS

    @property
    def changed_percent(self) -> float:
        return round(100 * self.agreement.changed_share, 1)


@dataclass
class PartAgreement:
    title: str
    prompt: str
    course: str
    total: Row
    criteria: list[Row] = field(default_factory=list)


def agreement_by_part(answers: list[Answer]) -> list[PartAgreement]:
    """`answers`: decided answers with `item__version` and the course loaded."""
    by_part: dict[tuple[int, str], list[Answer]] = defaultdict(list)
    for answer in answers:
        detail = answer.typed_detail
        if detail.criteria and detail.human:
            by_part[(answer.item.version_id, answer.part_id)].append(answer)
    out = []
    for (_, part_id), part_answers in sorted(by_part.items()):
        version = part_answers[0].item.version
        part = version.part(part_id)
        if not isinstance(part, FreeTextPart):
            continue
        rubric = part.rubric_model
        machine_total: list[float] = []
        person_total: list[float] = []
        per: dict[str, tuple[list[float], list[float]]] = {c.id: ([], []) for c in rubric.criteria}
        for answer in part_answers:
            detail = answer.typed_detail
            machine, human = detail.machine_levels(), detail.human
            m_sum = p_sum = 0.0
            complete = True
            for c in rubric.criteria:
                ml, hl = machine.get(c.id), human.get(c.id)
                if (
                    ml is None
                    or hl is None
                    or not (0 <= ml < len(c.levels) and 0 <= hl < len(c.levels))
                ):
                    complete = False
                    continue
                per[c.id][0].append(c.levels[ml].points)
                per[c.id][1].append(c.levels[hl].points)
                m_sum += c.levels[ml].points
                p_sum += c.levels[hl].points
            if complete:
                machine_total.append(m_sum)
                person_total.append(p_sum)
        total = Row(
            "Whole answer",
            agreement(machine_total, person_total, step=_step(_achievable(rubric))),
        )
        rows = [
            Row(
                c.title,
                agreement(*per[c.id], step=_step({lv.points for lv in c.levels})),
            )
            for c in rubric.criteria
        ]
        out.append(
            PartAgreement(
                version.title,
                part.prompt or part_id,
                part_answers[0].item.attempt.quiz.course.title,
                total,
                rows,
            )
        )
    return out
