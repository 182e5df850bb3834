"""Shared rubric fixtures for the pure grading tests (no database)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from grading.rubric import Rubric, rubric_from_dict

# The example of docs/rubrics.md, completed.
DOCS_EXAMPLE: dict[str, Any] = {
    "model_answers": [
        "Engineer B's plan fits: one model steered by instructions needs no extra training run, "
        "so the startup saves the cost and time of fine-tuning two models."
    ],
    "criteria": [
        {
            "id": "consistency",
            "title": "Argues for the option chosen",
            "looks_for": "The justification supports the strategy the student picked.",
            "argues_for": {"part": "choice", "option": "b"},
            "key_ideas": [
                {
                    "id": "no-retraining",
                    "phrasings": [
                        "no additional training",
                        "without retraining the model",
                        "weights stay unchanged",
                    ],
                },
                {
                    "id": "saves-cost",
                    "phrasings": ["saves the cost", "cheaper", "less compute"],
                },
            ],
            "misconceptions": [
                {
                    "id": "prompt-changes-weights",
                    "phrasings": ["prompting updates the weights"],
                    "effect": "cap",
                    "level": 0,
                }
            ],
            "levels": [
                {"points": 0, "descriptor": "No relevant reason given."},
                {"points": 1, "descriptor": "Names one advantage.", "min_ideas": 1},
                {
                    "points": 2,
                    "descriptor": "Explains the advantage in the startup's context.",
                    "min_ideas": 2,
                },
            ],
        }
    ],
}


def make(data: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(data or DOCS_EXAMPLE)
    out.update(changes)
    return out


def simple_rubric(
    ideas: dict[str, list[str]],
    levels: list[tuple[float, int | None]] | None = None,
    *,
    misconceptions: list[dict[str, Any]] | None = None,
    model: str = "A model answer about the topic.",
) -> Rubric:
    """One criterion with the given key ideas; levels as (points, min_ideas)."""
    if levels is None:
        levels = [(i, i if i else None) for i in range(len(ideas) + 1)]
    crit: dict[str, Any] = {
        "id": "c",
        "title": "Criterion",
        "key_ideas": [{"id": k, "phrasings": v} for k, v in ideas.items()],
        "levels": [
            {"points": p, "descriptor": f"Level {i}.", **({"min_ideas": m} if m else {})}
            for i, (p, m) in enumerate(levels)
        ],
    }
    if misconceptions:
        crit["misconceptions"] = misconceptions
    return rubric_from_dict({"model_answers": [model], "criteria": [crit]})


@pytest.fixture
def docs_rubric() -> Rubric:
    return rubric_from_dict(copy.deepcopy(DOCS_EXAMPLE))
