"""What the quiz engine tells the apps built on it, without knowing them.

`quizzes` must not import `review` or `learning` (tests/test_layering.py), yet a submitted
attempt's written answers have to reach the grader, a changed rubric has to re-grade what the
machine graded, and every grade is evidence for the learner model. The engine sends these
signals inside the transaction that made the change; `review` and `learning` connect their
receivers in their AppConfig.ready (review enqueues its tasks there, so a task is seen by the
worker only once the change is committed; learning's writes commit or roll back with the
grades).
"""

from django.dispatch import Signal

# sender=Attempt, attempt=Attempt: submitted with written answers awaiting the grader
free_text_awaiting = Signal()

# sender=QuestionVersion, version=QuestionVersion, part_ids=tuple[str, ...]: the rubrics of
# these free-text parts of an answered version changed in place
rubrics_changed = Signal()

# sender=Attempt, attempt=Attempt: an attempt's grades changed: when it is submitted (exact
# parts graded) and each time its written answers' grades are recomputed (the machine grader,
# a person's decision, a re-grade after a rubric changed)
attempt_graded = Signal()
