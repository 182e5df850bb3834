"""The learner model's rows: evidence (the history, never derived), and what is derived from it
(mastery per concept, review cards), plus practice sessions and a student's settings.

Mastery and cards are recomputed from evidence at any time (`recompute_mastery`), so a change
of the model never loses history. Builds on `courses` and `quizzes`; neither imports this app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from courses.bloom import BloomLevel
from learning.model import LEVELS


class Evidence(models.Model):
    """One graded part (a free-text part: one criterion) x one concept it assesses."""

    class Source(models.TextChoices):
        QUIZ = "quiz", "Quiz"
        PRACTICE = "practice", "Practice"

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    concept = models.ForeignKey("courses.Concept", on_delete=models.CASCADE, related_name="+")
    bloom = models.PositiveSmallIntegerField(choices=BloomLevel.choices)
    score = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(1)])
    source = models.CharField(max_length=10, choices=Source.choices)
    attempt = models.ForeignKey(
        "quizzes.Attempt", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    practice_item = models.ForeignKey(
        "PracticeItem", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    question = models.ForeignKey(
        "quizzes.Question", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    part_id = models.CharField(max_length=100)
    criterion = models.CharField(max_length=100, blank=True)  # free text: the rubric criterion
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="evidence_score_fraction"
            ),
            models.CheckConstraint(
                condition=Q(attempt__isnull=False) | Q(practice_item__isnull=False),
                name="evidence_has_source",
            ),
        ]
        indexes = [
            # replaying one student's history in one course, in time order
            models.Index(fields=["student", "course", "at"], name="evidence_student_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.concept_id} {self.score:.2f}"


LEVEL_CHOICES = [(level, level.capitalize()) for level in LEVELS]


class Mastery(models.Model):
    """Derived: a student's estimate on one concept (learning.model)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mastery"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    concept = models.ForeignKey("courses.Concept", on_delete=models.CASCADE, related_name="+")
    rating = models.FloatField(default=0)
    evidence_count = models.PositiveIntegerField(default=0)
    level = models.CharField(max_length=20, choices=LEVEL_CHOICES, default=LEVEL_CHOICES[0][0])
    # the level per Bloom band: remember-understand, apply-analyse, evaluate-create
    band_levels = models.JSONField(default=list)
    last_evidence_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "concept"], name="mastery_unique"),
        ]
        indexes = [
            # the instructor's table: a course's rows
            models.Index(fields=["course", "student"], name="mastery_course_student_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.concept_id}: {self.level}"


class ReviewCard(models.Model):
    """Derived: the FSRS card of a student x concept (learning.schedule)."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    concept = models.ForeignKey("courses.Concept", on_delete=models.CASCADE, related_name="+")
    card = models.JSONField()  # fsrs.Card.to_dict()
    due = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "concept"], name="review_card_unique"),
        ]
        indexes = [
            # reviews due: a student's cards in a course by due date
            models.Index(fields=["student", "course", "due"], name="review_card_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.student} {self.concept_id} due {self.due:%Y-%m-%d}"


class LearnerSettings(models.Model):
    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_settings"
    )
    desired_retention = models.FloatField(
        default=0.9, validators=[MinValueValidator(0.7), MaxValueValidator(0.97)]
    )
    # A new random value whenever `learning.actions.update_student` writes the student's mastery
    # or review cards: pages cache what they derive from those rows under it (learning.panels).
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "learner settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.7) & Q(desired_retention__lte=0.97),
                name="learner_retention_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.desired_retention}"


class PracticeSession(models.Model):
    """Practice: not graded for the course; feedback after each question."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    # practise one concept (from its page), or the course as the blueprint says when empty
    focus = models.ForeignKey(
        "courses.Concept", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seed = models.BigIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    length = models.PositiveSmallIntegerField(default=10)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Practice {self.pk} of {self.student}"


class PracticeItem(models.Model):
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    version = models.ForeignKey(
        "quizzes.QuestionVersion", on_delete=models.CASCADE, related_name="+"
    )
    # why it was drawn: the concept and Bloom level of the blueprint cell it fills
    concept = models.ForeignKey(
        "courses.Concept", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    order = models.JSONField(default=dict)  # part id -> ids in the order shown
    response = models.JSONField(default=dict)  # part id -> response
    score = models.FloatField(null=True, blank=True)  # fraction, once answered
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="practice_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.position}"
