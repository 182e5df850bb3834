from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _attempt_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from insight.collect import bump_generation

    bump_generation(instance.quiz_id)


class InsightConfig(AppConfig):
    """Instructor insight: item statistics, roll-ups and flags. Builds on courses and quizzes,
    which never import it (tests/test_layering.py)."""

    name = "insight"

    def ready(self) -> None:
        # Every submit, re-grade and grading decision saves the attempt (its score or pending
        # count): the quiz's cached statistics start a new generation.
        post_save.connect(_attempt_saved, sender="quizzes.Attempt", dispatch_uid="insight-attempt")
