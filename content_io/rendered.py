"""Fill the stored HTML of concept bodies and question stems that lacks it or is out of date
(rows written before the columns existed, or by a path that bypassed `save`)."""

from __future__ import annotations

from django.db import transaction

from courses.models import RENDERED_BODY_FIELDS, Concept
from quizzes.models import QuestionVersion


def render_stored_markdown(batch_size: int = 500) -> dict[str, int]:
    """Render every body and stem whose stored HTML is not its own; how many of each."""
    filled = {"concepts": 0, "question versions": 0}
    with transaction.atomic():
        concepts = [c for c in Concept.objects.all().iterator() if c.fill_rendered()]
        Concept.objects.bulk_update(concepts, RENDERED_BODY_FIELDS, batch_size=batch_size)
        versions = [v for v in QuestionVersion.objects.all().iterator() if v.fill_rendered()]
        QuestionVersion.objects.bulk_update(
            versions, ["stem_rendered", "stem_digest"], batch_size=batch_size
        )
    filled["concepts"], filled["question versions"] = len(concepts), len(versions)
    return filled
