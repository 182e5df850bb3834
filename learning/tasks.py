"""Background work of the learner model (Django's tasks API, like review/tasks.py)."""

from django_tasks import task

from learning import actions


@task()
def recompute_course(course_id: int) -> int:
    """Recompute every student of a course after its graph changed; returns how many."""
    return actions.recompute_course(course_id)
