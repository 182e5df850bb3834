"""Questions (versioned), quizzes, attempts and answers.

Builds on `courses`; cross-app foreign keys use string labels.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from courses import markup
from courses.bloom import BloomLevel
from courses.models import slug_validator
from quizzes.parts import (
    CHOICE_KINDS,
    PART_KINDS,
    AnswerDetail,
    Part,
    parse_detail,
    parse_parts,
    parts_from_text,
)
from quizzes.visibility import MatrixError, ReviewMatrix, preset

__all__ = ["CHOICE_KINDS", "PART_KINDS"]  # re-exported: quizzes.parts owns the kinds
# What authors read for each part kind, and for a question of several parts: the one set of
# labels, used by the question editor and the bank's lists and filters alike.
KIND_LABELS = {
    "single": "Single choice",
    "multiple": "Multiple response",
    "true_false": "True / false",
    "matching": "Matching",
    "ordering": "Ordering",
    "free_text": "Free text",
    "scenario": "Scenario (several parts)",
}


class Question(models.Model):
    """A question's identity; its content lives in immutable versions."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="questions")
    slug = models.SlugField(max_length=100, validators=[slug_validator])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    concepts = models.ManyToManyField("courses.Concept", related_name="questions")
    tags = models.ManyToManyField("courses.Tag", blank=True, related_name="questions")
    current = models.OneToOneField(
        "QuestionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Item-writing checks this question is exempt from, each with its reason:
    # {check code: reason} (see quizzes/itemcheck.py and docs/item-writing.md).
    waivers = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="question_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.current.title if self.current else self.slug


class StoredParts(list[Any]):
    """A version's parts as read from the database: the JSON's list, and the `text` it was
    read from (the key of `quizzes.parts.parts_from_text`)."""

    def __init__(self, parts: list[Any], text: str) -> None:
        super().__init__(parts)
        self.text = text


class PartsField(models.JSONField):
    """`QuestionVersion.parts`: JSON, read as `StoredParts` so the version's typed parts are
    looked up by the stored text rather than parsed again on every request."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        data = super().from_db_value(value, expression, connection)
        if isinstance(value, str) and type(data) is list:
            return StoredParts(data, value)
        return data


class QuestionVersion(models.Model):
    """What a student is shown. Never edited once an attempt uses it: edits make a new one."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    stem = models.TextField(help_text="Markdown: the scenario.")
    # `stem` as sanitised HTML, rendered when the version is saved, and the digest of the text
    # it was rendered from: pages show `stem_html`, which re-renders when the two disagree.
    stem_rendered = models.TextField(blank=True, default="", editable=False)
    stem_digest = models.CharField(max_length=32, blank=True, default="", editable=False)
    bloom = models.PositiveSmallIntegerField(choices=BloomLevel.choices)
    explanation = models.TextField(blank=True)
    # The parts exactly as in the content format: [{id, kind, prompt, options|pairs|items|rubric}]
    parts = PartsField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["question", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="question_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "stem" in update_fields:
            if "stem" not in self.get_deferred_fields():
                self.fill_rendered()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "stem_rendered", "stem_digest"}
        super().save(*args, **kwargs)

    def fill_rendered(self) -> bool:
        """Render `stem` into `stem_rendered` unless it already holds this text's rendering."""
        text_digest = markup.digest(self.stem)
        if self.stem_digest == text_digest:
            return False
        self.stem_rendered, self.stem_digest = markup.render(self.stem), text_digest
        return True

    @property
    def stem_html(self) -> SafeString:
        return markup.stored(self.stem, self.stem_rendered, self.stem_digest)

    @cached_property
    def typed_parts(self) -> list[Part]:
        """The parts, typed (quizzes/parts.py): parsed once per loaded version, the storage
        boundary, and once per process for the same stored text (`parts_from_text`). Read
        after `parts` is set: the cache does not follow a later assignment."""
        if isinstance(self.parts, StoredParts):
            return parts_from_text(self.parts.text)
        return parse_parts(self.parts)

    @property
    def kind(self) -> str:
        return "scenario" if len(self.parts) > 1 else self.typed_parts[0].kind

    def part(self, part_id: str) -> Part | None:
        return next((p for p in self.typed_parts if p.id == part_id), None)


class ReviewMatrixField(models.JSONField):
    """A `ReviewMatrix` kept as JSON: parsed once here, on the way out of the database."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> ReviewMatrix | None:
        data = super().from_db_value(value, expression, connection)
        return None if data is None else self.to_python(data)

    def to_python(self, value: Any) -> ReviewMatrix | None:
        if value is None or isinstance(value, ReviewMatrix):
            return value
        try:
            return ReviewMatrix.from_json(value)
        except MatrixError as exc:
            raise ValidationError(str(exc)) from exc

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, ReviewMatrix):
            value = value.to_json()
        return super().get_prep_value(value)

    def value_to_string(self, obj: Any) -> Any:
        value = self.value_from_object(obj)
        return value.to_json() if isinstance(value, ReviewMatrix) else value


# Bounds that keep dates computable and integers in range (a longer exam uses closes_at).
MAX_TIME_LIMIT_MINUTES = 7 * 24 * 60  # a week
MAX_ATTEMPTS = 100
MAX_DRAW_COUNT = 500  # questions one draw rule draws per attempt

# A quiz opens and closes within these years (UTC). A typo such as year 1 or 9999 in another
# time zone would be stored by PostgreSQL BC or in year 10000, which no Python datetime can
# read back: every page showing the quiz would fail. docs/content-format.md says so too.
QUIZ_TIME_FIRST_YEAR = 2000
QUIZ_TIME_LAST_YEAR = 2200
QUIZ_TIME_MIN = datetime(QUIZ_TIME_FIRST_YEAR, 1, 1, tzinfo=UTC)
QUIZ_TIME_END = datetime(QUIZ_TIME_LAST_YEAR + 1, 1, 1, tzinfo=UTC)  # the first moment outside
QUIZ_TIME_RULE = f"must fall in the years {QUIZ_TIME_FIRST_YEAR} to {QUIZ_TIME_LAST_YEAR} (UTC)"


def quiz_time_in_window(value: datetime) -> bool:
    return QUIZ_TIME_MIN <= value < QUIZ_TIME_END


def validate_quiz_time(value: datetime | None) -> None:
    if value is not None and not quiz_time_in_window(value):
        raise ValidationError(f"The time {QUIZ_TIME_RULE}.", code="quiz_time_window")


def _time_in_window(name: str) -> Q:
    return Q(**{f"{name}__isnull": True}) | Q(
        **{f"{name}__gte": QUIZ_TIME_MIN, f"{name}__lt": QUIZ_TIME_END}
    )


class Quiz(models.Model):
    class Feedback(models.TextChoices):
        AFTER_EACH = "each", "After each question"
        AFTER_SUBMIT = "submit", "After submitting"
        AFTER_CLOSE = "close", "After the quiz closes"

    class Grading(models.TextChoices):
        HIGHEST = "highest", "Highest attempt"
        LAST = "last", "Last attempt"
        MEAN = "mean", "Mean of attempts"

    class Layout(models.TextChoices):
        ONE_PER_PAGE = "one", "One question per page"
        ALL_ON_ONE = "all", "All questions on one page"

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="quizzes")
    chapter = models.ForeignKey(
        "courses.Chapter", null=True, blank=True, on_delete=models.SET_NULL, related_name="quizzes"
    )
    slug = models.SlugField(max_length=100, validators=[slug_validator])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    shuffle_questions = models.BooleanField(default=True)
    shuffle_options = models.BooleanField(default=True)
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_TIME_LIMIT_MINUTES)]
    )
    max_attempts = models.PositiveIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(MAX_ATTEMPTS)]
    )
    opens_at = models.DateTimeField(null=True, blank=True, validators=[validate_quiz_time])
    closes_at = models.DateTimeField(null=True, blank=True, validators=[validate_quiz_time])
    pass_mark = models.PositiveSmallIntegerField(default=60, help_text="Percent.")
    feedback = models.CharField(
        max_length=10, choices=Feedback.choices, default=Feedback.AFTER_SUBMIT
    )
    # The review options when they are not one of the `feedback` presets (quizzes.visibility).
    review = ReviewMatrixField(
        null=True,
        blank=True,
        help_text="What students see, when; empty: the matrix of the feedback setting.",
    )
    grading = models.CharField(max_length=10, choices=Grading.choices, default=Grading.HIGHEST)
    layout = models.CharField(max_length=5, choices=Layout.choices, default=Layout.ONE_PER_PAGE)

    class Meta:
        ordering = ["course", "title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="quiz_slug_unique"),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_percent"),
            models.CheckConstraint(
                condition=_time_in_window("opens_at"),
                name="quiz_opens_at_window",
                violation_error_message=f"The opening time {QUIZ_TIME_RULE}.",
            ),
            models.CheckConstraint(
                condition=_time_in_window("closes_at"),
                name="quiz_closes_at_window",
                violation_error_message=f"The closing time {QUIZ_TIME_RULE}.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self.refit_open_attempts()

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz", args=[self.course.slug, self.slug])

    @property
    def review_matrix(self) -> ReviewMatrix:
        """What students see, when: the stored matrix, or the one the feedback preset means."""
        return self.review if self.review is not None else preset(self.feedback)

    def refit_open_attempts(self) -> int:
        """Attempts in progress follow the quiz's current time limit and closing time, each as
        its student's accommodation stretches them (quizzes.accommodations.refit_attempts).

        Every save of the quiz (builder, import, admin) calls this, so moving the closing time
        earlier or shortening the limit reaches students already writing, and extending them
        gives those students the extra time. Returns how many attempts changed."""
        from quizzes.accommodations import refit_attempts

        return refit_attempts(self)


class QuizItem(models.Model):
    """A fixed question of a quiz."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="quiz_items")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.position}"


class DrawRule(models.Model):
    """Draw `count` questions matching every filter set, per attempt, from a stored seed."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveIntegerField()
    count = models.PositiveIntegerField(validators=[MaxValueValidator(MAX_DRAW_COUNT)])
    chapter = models.ForeignKey("courses.Chapter", null=True, blank=True, on_delete=models.CASCADE)
    concept = models.ForeignKey("courses.Concept", null=True, blank=True, on_delete=models.CASCADE)
    tag = models.ForeignKey("courses.Tag", null=True, blank=True, on_delete=models.CASCADE)
    bloom = models.PositiveSmallIntegerField(choices=BloomLevel.choices, null=True, blank=True)

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [models.CheckConstraint(condition=Q(count__gte=1), name="draw_rule_count")]

    def __str__(self) -> str:
        return f"{self.quiz}: draw {self.count}"


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)  # set only by submit_attempt
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    pending_parts = models.PositiveIntegerField(default=0)  # free-text parts awaiting grading
    # How many questions the attempt drew, set when it starts (its items never change after);
    # None on a row written otherwise (count its items). Saves the attempt pages a count.
    item_count = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["quiz", "student", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "student", "number"], name="attempt_number_unique"
            ),
        ]
        indexes = [
            # "my attempts" and the results table: attempts of a quiz by student
            models.Index(fields=["student", "quiz"], name="attempt_student_quiz_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} — {self.student} #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def is_open(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.submitted_at is None and (self.deadline is None or now < self.deadline)

    @property
    def timed_out(self) -> bool:
        """Submitted by the clock, not by the student: `submit_attempt` stamps an attempt found
        past its deadline with the deadline itself, and a student's own submit is earlier."""
        return (
            self.submitted_at is not None
            and self.deadline is not None
            and self.submitted_at >= self.deadline
        )

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)


MAX_TIME_FACTOR = Decimal("5")
MAX_EXTRA_ATTEMPTS = 10


class Accommodation(models.Model):
    """One student's own terms for one quiz (Canvas's "moderate quiz"): extra time, as minutes
    or as a factor of the time limit; extra attempts; their own opening and closing times
    (empty: the quiz's). `quizzes.accommodations.window_for` is the one place that applies it;
    every change goes through `quizzes.accommodations.set_accommodation`, which records it in
    the change history and refits the student's attempt in progress."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="accommodations")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations"
    )
    extra_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(MAX_TIME_LIMIT_MINUTES)]
    )
    time_factor = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(MAX_TIME_FACTOR)],
    )
    extra_attempts = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(MAX_EXTRA_ATTEMPTS)]
    )
    opens_at = models.DateTimeField(null=True, blank=True, validators=[validate_quiz_time])
    closes_at = models.DateTimeField(null=True, blank=True, validators=[validate_quiz_time])

    class Meta:
        ordering = ["quiz", "student"]
        constraints = [
            # also serves "the accommodation of this student for this quiz" (window_for)
            models.UniqueConstraint(fields=["quiz", "student"], name="accommodation_unique"),
            models.CheckConstraint(
                condition=Q(time_factor__gte=1) & Q(time_factor__lte=MAX_TIME_FACTOR),
                name="accommodation_factor_range",
            ),
            models.CheckConstraint(
                condition=Q(extra_minutes__lte=MAX_TIME_LIMIT_MINUTES),
                name="accommodation_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(extra_attempts__lte=MAX_EXTRA_ATTEMPTS),
                name="accommodation_attempts_range",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="accommodation_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=_time_in_window("opens_at") & _time_in_window("closes_at"),
                name="accommodation_times_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.student}"


class AttemptItem(models.Model):
    """One question of an attempt: the version shown and its stored option order."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    # part id -> list of option/pair/item ids in the order shown to this student
    order = models.JSONField(default=dict)
    # With feedback after each question: when the student checked it (its answers are final).
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} #{self.position}"

    @cached_property
    def saved_answers(self) -> list[Answer]:
        """The item's saved answers: filled for many items in one query by `with_answers`,
        otherwise `answers.all()` (prefetched, or one query here)."""
        return list(self.answers.all())


def with_answers(items: list[AttemptItem]) -> list[AttemptItem]:
    """`items`, each with its `saved_answers` filled (and each answer's `item` set), in one
    query. `prefetch_related("answers")` does the same but builds a queryset per item, which
    cost more than the query itself on the 20-question pages."""
    by_item: dict[int, list[Answer]] = {item.pk: [] for item in items}
    if by_item:
        for answer in Answer.objects.filter(item_id__in=by_item).order_by("pk"):
            by_item[answer.item_id].append(answer)
    for item in items:
        answers = by_item[item.pk]
        for answer in answers:
            answer.item = item
        item.saved_answers = answers
    return items


class Answer(models.Model):
    class Status(models.TextChoices):
        SAVED = "saved", "Saved"
        GRADED = "graded", "Graded"
        AWAITING = "awaiting", "Awaiting grading"  # free text queued for the grader
        REVIEW = "review", "Being reviewed"  # the grader was unsure: an instructor decides

    item = models.ForeignKey(AttemptItem, on_delete=models.CASCADE, related_name="answers")
    part_id = models.CharField(max_length=100)
    response = models.JSONField(default=dict)
    saved_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SAVED)
    points = models.FloatField(null=True, blank=True)
    max_points = models.FloatField(null=True, blank=True)
    # Exact parts: {"correct": bool}. Free text: {"criteria": [...]} as the machine graded it
    # (level, points, evidence spans, confidence, note per criterion) and, once a person has
    # decided, {"human": {criterion id: level index}}.
    detail = models.JSONField(default=dict, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    grader = models.CharField(max_length=40, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "part_id"], name="answer_part_unique"),
        ]
        indexes = [
            # the review queue: answers by status, least confident first
            models.Index(fields=["status", "confidence"], name="answer_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.part_id}"

    @property
    def typed_detail(self) -> AnswerDetail:
        """`detail`, typed (quizzes/parts.py); parsed on each read (`detail` may be reassigned)."""
        return parse_detail(self.detail)
