"""Background work through Django's tasks API (django-tasks; database worker: `task_worker`)."""

from django_tasks import task

from review import actions


@task()
def grade_free_text(attempt_id: int) -> int:
    """Grade a submitted attempt's written answers."""
    return actions.grade_attempt_free_text(attempt_id)


@task()
def regrade(run_id: int) -> int:
    """Re-grade a free-text part after its rubric changed; returns how many grades changed."""
    return actions.regrade_part(run_id).changed


@task()
def relearn_part(version_id: int, part_id: str) -> int:
    """After a person's decision: grade the part's pending answers with what it learned."""
    return actions.relearn_part(version_id, part_id)
