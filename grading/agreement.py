"""Agreement between machine and person grades: quadratic weighted kappa and change rate.

`qwk(a, b)` is Cohen's kappa with quadratic weights (scikit-learn's `cohen_kappa_score`) on
grades snapped to a common scale; it is what the review app shows per question and per criterion
("how far to trust the machine"), and what `grading.learn` reports for its own leave-one-out
predictions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.metrics import cohen_kappa_score

__all__ = ["Agreement", "agreement", "qwk"]


def _labels(values: Sequence[float], step: float) -> list[int]:
    return [round(v / step) for v in values]


def qwk(machine: Sequence[float], person: Sequence[float], *, step: float = 1.0) -> float | None:
    """Quadratic weighted kappa of two gradings of the same answers (`None` below two answers).

    Grades are put on a grid of `step` (1 for whole points, 0.5 for half points, 0.25 for a
    0..1 scale in quarters) before comparing. Two identical gradings give 1.0, also when every
    answer got the same grade (where the formula itself is undefined); otherwise an undefined
    kappa (one side constant) is 0.0.
    """
    if len(machine) != len(person):
        raise ValueError(f"{len(machine)} machine grades against {len(person)} person grades")
    if step <= 0 or not math.isfinite(step):
        raise ValueError("step must be a positive number")
    if len(machine) < 2:
        return None
    a, b = _labels(machine, step), _labels(person, step)
    if a == b:
        return 1.0
    if len(set(a)) < 2 and len(set(b)) < 2:
        return 0.0
    value = float(cohen_kappa_score(a, b, weights="quadratic"))
    return 0.0 if math.isnan(value) else round(value, 4)


@dataclass(frozen=True)
class Agreement:
    """What the product shows for a question or a criterion."""

    n: int  # answers both a person and the machine graded
    changed: int  # answers whose grade the person changed
    qwk: float | None

    @property
    def changed_share(self) -> float:
        return self.changed / self.n if self.n else 0.0


def agreement(machine: Sequence[float], person: Sequence[float], *, step: float = 1.0) -> Agreement:
    """Count of changed grades and the QWK between machine and person (same order)."""
    if len(machine) != len(person):
        raise ValueError(f"{len(machine)} machine grades against {len(person)} person grades")
    changed = sum(1 for m, p in zip(machine, person, strict=True) if abs(m - p) > 1e-9)
    return Agreement(n=len(machine), changed=changed, qwk=qwk(machine, person, step=step))
