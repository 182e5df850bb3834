"""Bloom's taxonomy as an ordered scale.

The revised names (Remember … Create) are canonical; the original names (Knowledge … Evaluation,
with Synthesis) and the seeds' "Evaluation in Bloom's Taxonomy" form are accepted on input.
Note that the two versions swap the top two levels: original Synthesis (5) maps to revised
Create (6), original Evaluation (6) to revised Evaluate (5).
"""

import re

from django.db import models


class BloomLevel(models.IntegerChoices):
    REMEMBER = 1, "Remember"
    UNDERSTAND = 2, "Understand"
    APPLY = 3, "Apply"
    ANALYZE = 4, "Analyze"
    EVALUATE = 5, "Evaluate"
    CREATE = 6, "Create"

    @property
    def slug(self) -> str:
        return self.label.lower()


_ALIASES: dict[str, BloomLevel] = {
    "remember": BloomLevel.REMEMBER,
    "knowledge": BloomLevel.REMEMBER,
    "understand": BloomLevel.UNDERSTAND,
    "comprehension": BloomLevel.UNDERSTAND,
    "apply": BloomLevel.APPLY,
    "application": BloomLevel.APPLY,
    "analyze": BloomLevel.ANALYZE,
    "analyse": BloomLevel.ANALYZE,
    "analysis": BloomLevel.ANALYZE,
    "evaluate": BloomLevel.EVALUATE,
    "evaluation": BloomLevel.EVALUATE,
    "create": BloomLevel.CREATE,
    "synthesis": BloomLevel.CREATE,
}

_SUFFIX = re.compile(r"\s+in\s+bloom'?s\s+taxonomy\s*$", re.IGNORECASE)


def parse_bloom(text: str) -> BloomLevel:
    """Return the level named by `text`, in any accepted form; raise ValueError otherwise."""
    key = _SUFFIX.sub("", text.strip()).strip().lower()
    try:
        return _ALIASES[key]
    except KeyError:
        accepted = ", ".join(level.slug for level in BloomLevel)
        raise ValueError(
            f"unknown Bloom level {text!r}; use one of {accepted} "
            "(or knowledge, comprehension, application, analysis, synthesis, evaluation)"
        ) from None
