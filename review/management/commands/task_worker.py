"""`manage.py task_worker`: django-tasks-db's `db_worker`, plus putting back tasks a dead worker
left RUNNING (review/worker.py) when it starts and every `--sweep-interval` seconds after."""

from __future__ import annotations

import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from review.worker import recover_stale_tasks

logger = logging.getLogger(__name__)


def _sweep() -> None:
    try:
        recover_stale_tasks()
    except Exception:  # a locked or unreachable database: try again next time
        logger.exception("Could not check for tasks left running by a dead worker.")
    finally:
        connection.close()  # this thread's own connection


def _sweep_forever(interval: float) -> None:
    stop = threading.Event()
    while not stop.wait(interval):
        _sweep()


class Command(db_worker.Command):
    help = (
        "Run the database task worker; tasks left running by a worker that died go back in the "
        "queue (at start, then periodically)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--sweep-interval",
            type=db_worker.valid_interval,
            default=settings.STEPWISE_TASK_SWEEP_SECONDS,
            help="Seconds between checks for tasks whose worker died (default: %(default)r)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sweep_interval = options.pop("sweep_interval")
        # With --reload the parent only watches files; the child process runs the tasks.
        if not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            _sweep()
            if sweep_interval:
                threading.Thread(
                    target=_sweep_forever, args=(sweep_interval,), daemon=True, name="sweeper"
                ).start()
        super().handle(*args, **options)
