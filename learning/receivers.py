"""Where the learner model listens: graded attempts (quizzes.signals) and graph changes.

A graded attempt updates its student at once, inside the grading transaction (a few
milliseconds; bench/learner_update.py measures it). A deleted concept or a changed
learn-before edge recomputes the course's students in the background (learning.tasks) once the
change is committed; until then pages read the previous estimates, which stay valid rows.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from courses.models import Concept, Prerequisite
from learning import actions
from learning.evidence import capture_attempt
from quizzes.models import Attempt

logger = logging.getLogger(__name__)


def on_attempt_graded(sender: Any, attempt: Attempt, **_: Any) -> None:
    """Capture the attempt's evidence and update its student. A failure here must never cost a
    student their submit or a grader their decision: it is logged, its writes are rolled back
    to a savepoint, and the course's recompute is enqueued to catch up."""
    course_id = attempt.quiz.course_id
    try:
        with transaction.atomic():
            capture_attempt(attempt, course_id)
            actions.update_student(attempt.student_id, course_id)
    except Exception:
        logger.exception("learner update failed for attempt %s; recompute enqueued", attempt.pk)
        schedule_recompute(course_id)


def schedule_recompute(course_id: int) -> None:
    """Enqueue the course's recompute once the change commits, once per transaction: an
    import that rewrites a hundred edges enqueues one task. (A rolled-back transaction drops
    its callbacks, and with them the mark.)"""
    connection = transaction.get_connection()
    waiting = [
        getattr(func, "learning_course", None)
        for _sids, func, _robust in connection.run_on_commit
        if not getattr(func, "done", False)
    ]
    if course_id in waiting:
        return

    def enqueue() -> None:
        from learning.tasks import recompute_course

        enqueue.done = True  # type: ignore[attr-defined]
        recompute_course.enqueue(course_id)

    enqueue.learning_course = course_id  # type: ignore[attr-defined]
    transaction.on_commit(enqueue)


def on_concept_deleted(sender: Any, instance: Concept, **_: Any) -> None:
    schedule_recompute(instance.course_id)


def on_edge_changed(sender: Any, instance: Prerequisite, **kwargs: Any) -> None:
    course_id = (
        Concept.objects.filter(pk=instance.after_id).values_list("course_id", flat=True).first()
    )
    if course_id is not None:
        schedule_recompute(course_id)
