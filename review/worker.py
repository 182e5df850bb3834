"""Tasks whose worker died go back in the queue.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a
worker killed mid-task (out of memory, a deploy, `kill -9`) leaves it RUNNING for good and its
answers "awaiting the automatic grader" forever. `recover_stale_tasks` puts such tasks back to
READY; `manage.py task_worker` (db_worker plus this) runs it at start and then periodically.

Running a task twice is safe: grading takes the attempt's row lock and grades only answers still
awaiting the machine, and never one a person decided (`review/actions.py`). A task that lost
its worker MAX_CLAIMS times (one that kills its worker, say) fails instead of looping; its
answers reach the review queue as "waiting for the grader" (see `review/views.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

MAX_CLAIMS = 3
RUNNING, READY, FAILED = "RUNNING", "READY", "FAILED"


@dataclass
class Recovery:
    requeued: list[UUID] = field(default_factory=list)  # ids of tasks back to READY
    failed: list[UUID] = field(default_factory=list)  # ids of tasks given up on


def recover_stale_tasks(
    *, stale_after: timedelta | None = None, now: datetime | None = None
) -> Recovery:
    """Put back in the queue every task RUNNING for longer than `stale_after` (by default
    STEPWISE_TASK_STALE_SECONDS)."""
    if stale_after is None:
        stale_after = timedelta(seconds=settings.STEPWISE_TASK_STALE_SECONDS)
    now = now or timezone.now()
    recovery = Recovery()
    stale = DBTaskResult.objects.filter(status=RUNNING, started_at__lt=now - stale_after)
    for task in stale.only("pk", "started_at", "worker_ids", "task_path").order_by("started_at"):
        # Conditional on the claim seen: a task that finished, or that another sweep or
        # worker took meanwhile, is left as it is.
        mine = DBTaskResult.objects.filter(pk=task.pk, status=RUNNING, started_at=task.started_at)
        claims = len(task.worker_ids)
        if claims >= MAX_CLAIMS:
            done = mine.update(
                status=FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerLost",
                traceback=f"WorkerLost: the worker running this task stopped {claims} times "
                "without finishing it; it will not be tried again.",
            )
            if done:
                recovery.failed.append(task.pk)
                logger.error(
                    "Task %s (%s) lost its worker %d times; failed.",
                    task.pk,
                    task.task_path,
                    claims,
                )
        elif mine.update(status=READY, started_at=None):
            recovery.requeued.append(task.pk)
            logger.warning(
                "Task %s (%s) was running since %s with no worker left; back in the queue.",
                task.pk,
                task.task_path,
                task.started_at,
            )
    return recovery
