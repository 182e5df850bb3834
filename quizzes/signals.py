"""What the quiz engine tells the apps built on it, without knowing them.

`quizzes` must not import `review` (tests/test_layering.py), yet a submitted attempt's written
answers have to reach the grader, and a changed rubric has to re-grade what the machine graded.
The engine sends these signals inside the transaction that made the change; `review` connects
its receivers in `ReviewConfig.ready` and enqueues its tasks there, so a task is seen by the
worker only once the change is committed.
"""

from django.dispatch import Signal

# sender=Attempt, attempt=Attempt: submitted with written answers awaiting the grader
free_text_awaiting = Signal()

# sender=QuestionVersion, version=QuestionVersion, part_ids=tuple[str, ...]: the rubrics of
# these free-text parts of an answered version changed in place
rubrics_changed = Signal()
