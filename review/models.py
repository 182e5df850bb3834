"""The review room's records: a person's grading decisions, each course's grading policy, and
the re-grading runs after a rubric changed.

The tables keep their names from when these models lived in `quizzes` (`db_table`): the move
changed only Django's state (review/migrations/0001), not the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class GradeDecision(models.Model):
    """A person's grade for a free-text answer: who, when, before and after. Always wins."""

    answer = models.ForeignKey("quizzes.Answer", on_delete=models.CASCADE, related_name="decisions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    before = models.JSONField()  # {"points", "levels": {criterion: level}, "status"}
    after = models.JSONField()
    comment = models.TextField(blank=True)

    class Meta:
        db_table = "quizzes_gradedecision"  # kept when the model moved from quizzes
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.answer} by {self.user} at {self.decided_at:%Y-%m-%d %H:%M}"


class GradingPolicy(models.Model):
    """How a course grades free text: which grader, and below what confidence a person looks."""

    class GraderName(models.TextChoices):
        KEYWORD = "keyword", "Automatic (key ideas, offline)"
        LLM = "llm", "Chat model (OpenAI-compatible endpoint)"

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, related_name="grading_policy"
    )
    grader = models.CharField(max_length=20, choices=GraderName.choices, default=GraderName.KEYWORD)
    review_threshold = models.FloatField(
        default=0.6, help_text="Grades less confident than this go to an instructor first (0-1)."
    )

    class Meta:
        db_table = "quizzes_gradingpolicy"  # kept when the model moved from quizzes
        verbose_name_plural = "grading policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(review_threshold__gte=0) & Q(review_threshold__lte=1),
                name="grading_policy_threshold_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.get_grader_display()}"


class RegradeRun(models.Model):
    """One background re-grade after a rubric changed, and what it changed."""

    version = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.CASCADE, related_name="regrades"
    )
    part_id = models.CharField(max_length=100)
    enqueued_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    graded = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    skipped_human = models.PositiveIntegerField(default=0)
    changed_answers = models.JSONField(default=list)  # answer ids whose grade changed
    # answer id (as text) -> {"points", "status", "levels"} before the re-grade, for the report
    before = models.JSONField(default=dict)

    class Meta:
        db_table = "quizzes_regraderun"  # kept when the model moved from quizzes
        ordering = ["-enqueued_at"]

    def __str__(self) -> str:
        return f"Re-grade of {self.version} {self.part_id}"


class RegradeRequest(models.Model):
    """A student asks a person to look again at one criterion of a graded written answer.

    It puts the answer back in the review queue; the person's decision closes it with a reply,
    and the student is notified. One open request per answer and criterion (the constraint)."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for your instructor"
        ANSWERED = "answered", "Answered"

    answer = models.ForeignKey(
        "quizzes.Answer", on_delete=models.CASCADE, related_name="regrade_requests"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    criterion = models.CharField(max_length=100)
    reason = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reply = models.TextField(blank=True)
    decision = models.ForeignKey(
        GradeDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "criterion"],
                condition=Q(status="open"),
                name="one_open_regrade_request_per_criterion",
            )
        ]
        # the review queue's "has an open request" subquery: open requests of an answer
        indexes = [models.Index(fields=["answer", "status"], name="regrade_request_answer_open")]

    def __str__(self) -> str:
        return f"Regrade request on {self.answer_id} ({self.criterion})"


class Notification(models.Model):
    """Something a user should know: a regrade request answered, a held grade released.

    Shown on the notifications page (and counted in the header); also sent by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # the notifications page and the unread count: a user's notifications, unread first
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"{self.user}: {self.text[:40]}"
