"""The machine learns each free-text part from a person's grades (issue 10, docs/review.md).

Every answer a person graded in the review queue (one by one or a whole group at once) is a
training example for its question part: its text, the fraction of the points the person gave,
and the level chosen for each criterion. Once a part has `STEPWISE_LEARN_MIN_EXAMPLES` of them
(5 by default), the machine grade of its new and pending answers is `grading.learn`'s: the
rubric's evidence combined with what the person did (a small ridge model per criterion, and the
"graded like these answers" neighbours). The fitted model is cached (Django's cache) under the
part and the id of its latest decision, so it is rebuilt exactly when a person decides, and the
same decisions always give the same model: the graded answers alone are its corpus.

A "part" is a free-text part of one question version (`version_id`, `part_id`): the rubric a
person graded against is the version's, so examples never mix two rubrics.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from pydantic import BaseModel, Field, ValidationError

from grading.freetext import GradeResult
from grading.learn import GradedExample, LearnedModel, learn
from grading.rubric import Rubric
from quizzes.models import Answer, QuestionVersion
from quizzes.parts import ChoicePart, ChoiceResponse, TextResponse
from review.models import GradeDecision


def learn_min_examples() -> int:
    return int(getattr(settings, "STEPWISE_LEARN_MIN_EXAMPLES", 5))


def question_text(version: QuestionVersion, part_id: str) -> str:
    """The question as the grader sees it: the scenario and the part's prompt."""
    part = version.part(part_id)
    return f"{version.stem}\n{part.prompt if part is not None else ''}".strip()


def _levels(rubric: Rubric, human: dict[str, int]) -> dict[str, int] | None:
    """The person's levels when they fit the rubric (a rubric fixed in place may have lost a
    criterion or a level since); None makes the example count for the total only."""
    by_id = {c.id: c for c in rubric.criteria}
    if set(human) != set(by_id):
        return None
    if any(not 0 <= int(level) < len(by_id[cid].levels) for cid, level in human.items()):
        return None
    return {cid: int(level) for cid, level in human.items()}


def examples_for(version_id: int, part_id: str, rubric: Rubric) -> list[GradedExample]:
    """The part's answers a person graded, oldest first, as training examples."""
    answers = (
        Answer.objects.filter(
            item__version_id=version_id, part_id=part_id, reviewed_by__isnull=False
        )
        .select_related("item__version")
        .prefetch_related("item__answers")
        .order_by("pk")
    )
    out = []
    for answer in answers:
        if not answer.max_points:
            continue
        parts = {p.id: p for p in answer.item.version.typed_parts}
        choices = {
            a.part_id: list(ChoiceResponse.read(a.response).selected)
            for a in answer.item.answers.all()
            if isinstance(parts.get(a.part_id), ChoicePart)
        }
        score = min(1.0, max(0.0, float(answer.points or 0) / float(answer.max_points)))
        out.append(
            GradedExample(
                id=str(answer.pk),
                answer=TextResponse.read(answer.response).text,
                score=score,
                levels=_levels(rubric, dict(answer.typed_detail.human)),
                choices=choices,
            )
        )
    return out


def latest_decision_id(version_id: int, part_id: str) -> int | None:
    latest = GradeDecision.objects.filter(
        answer__item__version_id=version_id, answer__part_id=part_id
    ).aggregate(latest=Max("pk"))["latest"]
    return int(latest) if latest is not None else None


def _cache_key(
    version: QuestionVersion, part_id: str, latest: int, rubric: Rubric, threshold: float
) -> str:
    part = version.part(part_id)
    digest = hashlib.sha256(
        json.dumps(
            [part.model_dump(mode="json") if part is not None else None, version.stem],
            sort_keys=True,
        ).encode()
    ).hexdigest()[:16]
    return f"stepwise:learned:{version.pk}:{part_id}:{latest}:{threshold}:{digest}"


@dataclass(frozen=True)
class PartModel:
    """What the machine has learned for one part (None as `model` below the minimum)."""

    model: LearnedModel | None
    examples: int


def model_for(
    version: QuestionVersion, part_id: str, rubric: Rubric, threshold: float
) -> PartModel:
    """The learned model of a part, from the cache or fitted now; no model below the minimum.

    Queries: the latest decision (1); on a cache miss, the graded answers and their items'
    answers (2 more)."""
    latest = latest_decision_id(version.pk, part_id)
    if latest is None:
        return PartModel(None, 0)
    key = _cache_key(version, part_id, latest, rubric, threshold)
    cached = cache.get(key)
    if isinstance(cached, PartModel):
        return cached
    examples = examples_for(version.pk, part_id, rubric)
    if len(examples) < learn_min_examples():
        found = PartModel(None, len(examples))
    else:
        found = PartModel(
            learn(
                examples,
                rubric,
                question_text(version, part_id),
                review_threshold=threshold,
            ),
            len(examples),
        )
    cache.set(key, found, timeout=None)
    return found


def trust_cap(examples: int) -> float:
    """The most confidence a learned grade may have after `examples` decisions,
    n / (n + STEPWISE_LEARN_TRUST_PRIOR): with the default 2, 0.71 after 5, 0.83 after 10, 0.93
    after 25, 0.96 after 50.

    The learned model's own confidence comes from its leave-one-out error on the decisions;
    with five decisions that all agreed with the rubric that error is nil and every grade would
    be sure, so the whole part would be released at once. The cap makes trust grow with the
    evidence: a course's review threshold decides how many decisions it takes."""
    prior = float(getattr(settings, "STEPWISE_LEARN_TRUST_PRIOR", 2.0))
    return examples / (examples + prior) if examples > 0 else 0.0


def trusted(result: GradeResult, examples: int, threshold: float) -> GradeResult:
    """`result` with its confidence capped by `trust_cap` and its routing following."""
    confidence = round(min(result.confidence, trust_cap(examples)), 4)
    if confidence == result.confidence:
        return result
    return replace(
        result,
        confidence=confidence,
        needs_review=result.needs_review or confidence < threshold,
    )


class LearnedNeighbour(BaseModel):
    """A graded answer the learned grader found like this one ("graded like these answers")."""

    answer: int
    similarity: float
    score: float


class LearnedDetail(BaseModel):
    """What `review.actions.machine_grade` adds to `Answer.detail` (beside the machine's
    criteria) when the learned model graded it, typed at the storage boundary."""

    learned: dict[str, float | int | None] | None = None  # examples, rubric_points, estimate
    neighbours: list[LearnedNeighbour] = Field(default_factory=list)

    @property
    def examples(self) -> int:
        return int((self.learned or {}).get("examples") or 0)

    @property
    def rubric_points(self) -> float | None:
        value = (self.learned or {}).get("rubric_points")
        return float(value) if value is not None else None

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def learned_detail(stored: Any) -> LearnedDetail:
    """The learned part of a stored `Answer.detail`; damaged JSON reads as nothing learned."""
    try:
        return LearnedDetail.model_validate(
            {k: v for k, v in (stored or {}).items() if k in ("learned", "neighbours")}
        )
    except (ValidationError, AttributeError):
        return LearnedDetail()
