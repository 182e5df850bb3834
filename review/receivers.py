"""The review room listens to the quiz engine (quizzes/signals.py): written answers awaiting
the grader are enqueued for grading, and a rubric changed in place gets one re-grade run per
part. Connected in `ReviewConfig.ready`; both run inside the sender's transaction."""

from __future__ import annotations

from typing import Any

from quizzes.models import Attempt, QuestionVersion
from review.models import RegradeRun
from review.tasks import grade_free_text, regrade


def enqueue_grading(sender: type[Attempt], *, attempt: Attempt, **kwargs: Any) -> None:
    grade_free_text.enqueue(attempt.pk)


def enqueue_regrades(
    sender: type[QuestionVersion],
    *,
    version: QuestionVersion,
    part_ids: tuple[str, ...],
    **kwargs: Any,
) -> None:
    for part_id in part_ids:
        run = RegradeRun.objects.create(version=version, part_id=part_id)
        regrade.enqueue(run.pk)
