"""The course: chapters, concepts, the prerequisite graph and tags.

This app knows nothing of quizzes; `quizzes` builds on it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

SLUG_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
slug_validator = RegexValidator(SLUG_RE, "Use lower-case letters, digits and single hyphens.")


class Tag(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        CHAPTER = "chapter", "Chapter"
        DISCIPLINE = "discipline", "Discipline"
        CUSTOM = "custom", "Custom"

    slug = models.SlugField(max_length=100, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CUSTOM)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("courses:tag", args=[self.slug])

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "A tag cannot sit under itself or its descendants."}
                )
            ancestor = ancestor.parent


class Course(models.Model):
    slug = models.SlugField(max_length=100, unique=True, validators=[slug_validator])
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # The instructors who author this course's content and see its students' results.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="staffed_courses"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:course", args=[self.slug])


class Chapter(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="chapters")
    slug = models.SlugField(max_length=100, validators=[slug_validator])
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="chapter_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("courses:chapter", args=[self.course.slug, self.slug])

    @property
    def tag_slug(self) -> str:
        return f"chapter-{self.slug}"


class Status(models.TextChoices):
    """Students see only published content; drafts are for the course's staff."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Concept(models.Model):
    Status = Status

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="concepts")
    chapter = models.ForeignKey(Chapter, on_delete=models.RESTRICT, related_name="concepts")
    slug = models.SlugField(max_length=100, validators=[slug_validator])
    title = models.CharField(max_length=300)
    summary = models.CharField(max_length=300)
    body = models.TextField(blank=True, help_text="Markdown.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="concepts")
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PUBLISHED)
    updated_at = models.DateTimeField(auto_now=True)
    # PostgreSQL only: title (A), summary (B) and body (C) as a weighted tsvector, written by a
    # database trigger on every insert and update, GIN-indexed (migration 0003). Always NULL
    # on SQLite, whose search uses the FTS5 table of the same migration (courses/search.py).
    search_document = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="concept_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:concept", args=[self.course.slug, self.slug])


class Prerequisite(models.Model):
    """One edge of the prerequisite graph: learn `before` before `after`.

    A concept's *learn before* list is its incoming edges; its *learn after* list the outgoing
    ones. The graph stays acyclic: `courses.graph.check_new_edge` runs in every path that adds
    an edge (import, admin, forms).
    """

    before = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="unlocks_edges")
    after = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="requires_edges")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["before", "after"], name="prerequisite_unique"),
            models.CheckConstraint(
                condition=~Q(before=models.F("after")), name="prerequisite_not_self"
            ),
        ]
        # The unique constraint's index serves "learn after of X" (before = X); this one serves
        # "learn before of X" (after = X) and the recursive path-to-here query.
        indexes = [models.Index(fields=["after", "before"], name="prerequisite_after_idx")]

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"

    def clean(self) -> None:
        from courses.graph import check_new_edge

        if self.before_id and self.after_id:
            check_new_edge(self.before, self.after)


class ChangeRecord(models.Model):
    """Who changed what, when: the history of an authored item (concept, question, quiz, tag)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)  # field → [before, after]

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # the history of one item, newest first
            models.Index(fields=["content_type", "object_id", "-at"], name="change_item_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.summary} ({self.at:%Y-%m-%d %H:%M})"
