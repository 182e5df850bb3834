"""What quizzes tells the apps built on it, without knowing them.

`attempt_graded` is sent (with `attempt=`) whenever an attempt's grades change: when it is
submitted (exact parts graded) and each time its written answers' grades are recomputed (the
machine grader, a person's decision, a re-grade after a rubric changed). It is sent inside the
grading transaction, so a receiver's writes commit or roll back with the grades. The learner
model (`learning`) connects to it in its AppConfig.ready.
"""

from django.dispatch import Signal

attempt_graded = Signal()
