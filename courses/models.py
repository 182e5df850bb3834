"""The course: chapters, concepts, the prerequisite graph and tags.

This app knows nothing of quizzes; `quizzes` builds on it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString

from accounts.zones import validate_time_zone
from courses import markup

SLUG_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"
slug_validator = RegexValidator(SLUG_RE, "Use lower-case letters, digits and single hyphens.")
CHAPTER_TAG_PREFIX = "chapter-"
# docs/content-format.md: a slug is at most 80 characters, leaving room in the 100-character
# slug columns for a chapter tag's prefix and a `-2` suffix (tests/courses/test_lengths.py).
SLUG_MAX = 80


def max_length(model: Any, name: str) -> int:
    """A text column's length (`Course`, "title" → 200): the importer and the editors check
    what they accept against it, so nothing is cut or refused by the database later."""
    limit = model._meta.get_field(name).max_length
    assert isinstance(limit, int), f"{model.__name__}.{name} has no max_length"
    return limit


class Tag(models.Model):
    """A label on concepts and questions. Discipline and custom tags are shared by every course
    (tags.yaml); a course tag and its chapter tags are the course's own (`course`, `chapter`),
    made by the import from course.yaml, and no other course's import touches them."""

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
    # The owner of a course or chapter tag. Its content files call a chapter's tag
    # `chapter-<chapter slug>` whatever the tag's own slug (another course may have taken it).
    course = models.ForeignKey(
        "Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="own_tags"
    )
    chapter = models.OneToOneField(
        "Chapter", null=True, blank=True, on_delete=models.SET_NULL, related_name="tag"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=Q(kind="course"), name="tag_one_course_tag"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("courses:tag", args=[self.slug])

    @property
    def content_name(self) -> str:
        """How the owning course's content files name this tag (load `course` and `chapter`
        with it): its course's slug, `chapter-<chapter slug>`, else its own slug."""
        if self.kind == Tag.Kind.CHAPTER and self.chapter is not None:
            return self.chapter.tag_slug
        if self.kind == Tag.Kind.COURSE and self.course is not None:
            return self.course.slug
        return self.slug

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": "A tag cannot sit under itself or its descendants."}
                )
            ancestor = ancestor.parent


def new_graph_version() -> int:
    """A course's first graph version: random, so a course made again with the same id (a
    database rebuilt beside a cache that outlived it) never meets the old course's drawings."""
    return secrets.randbits(48)


def default_time_zone() -> str:
    """A new course's zone: the server's TIME_ZONE (read when the course is made, so the
    migration does not carry this machine's setting)."""
    return str(settings.TIME_ZONE)


class Course(models.Model):
    slug = models.SlugField(max_length=100, unique=True, validators=[slug_validator])
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # The zone the course's pages show times in when the viewer has not said theirs
    # (precedence in accounts/zones.py): an IANA name such as Europe/Paris.
    time_zone = models.CharField(
        max_length=64, default=default_time_zone, validators=[validate_time_zone]
    )
    # The instructors who author this course's content and see its students' results.
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="staffed_courses"
    )
    # Raised by every change to the course's chapters, concepts or prerequisite links
    # (courses/graphcache.py): cached drawings of the graph are keyed by it, so an edit is never
    # followed by a stale drawing. Only `graphcache.bump` writes it (see `save`).
    graph_version = models.PositiveBigIntegerField(default=new_graph_version, editable=False)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A Course read before a bump and saved after it must not put the old version back
        # (a drawing cached under it would then be served again): saving never writes it.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "graph_version"
            ]
        super().save(*args, **kwargs)

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
        """The chapter tag's name in content files (and its slug, unless another course's
        chapter tag had it first)."""
        return f"{CHAPTER_TAG_PREFIX}{self.slug}"


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
    # `body` as sanitised HTML, rendered when the concept is saved or imported, and the digest
    # of the text it was rendered from: pages show `body_html`, which re-renders when the two
    # disagree, so a stale rendering is never shown (`render_markdown` fills old rows).
    body_rendered = models.TextField(blank=True, default="", editable=False)
    body_digest = models.CharField(max_length=32, blank=True, default="", editable=False)
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            if "body" not in self.get_deferred_fields():
                self.fill_rendered()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *RENDERED_BODY_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("courses:concept", args=[self.course.slug, self.slug])

    def fill_rendered(self) -> bool:
        """Render `body` into `body_rendered` unless it already holds this text's rendering;
        whether it changed. Bulk writers (the importer) call it before bulk_create/update."""
        text_digest = markup.digest(self.body)
        if self.body_digest == text_digest:
            return False
        self.body_rendered, self.body_digest = markup.render(self.body), text_digest
        return True

    @property
    def body_html(self) -> SafeString:
        return markup.stored(self.body, self.body_rendered, self.body_digest)


RENDERED_BODY_FIELDS = ("body_rendered", "body_digest")


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


class ImportedFile(models.Model):
    """What the last import of a course left in the database for one content file.

    `fingerprint` is the SHA-256 of the item's canonical form (the text `export_content` writes
    for it, e.g. `concepts/alpha.md`) right after that import. When the item's canonical form no
    longer has this fingerprint, it was edited in the browser since (any path: the editors, the
    bank's bulk actions, the tag manager, the quiz builder, the admin); `courses.provenance`.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="imported_files")
    path = models.CharField(max_length=300)  # relative to the content directory, with "/"
    fingerprint = models.CharField(max_length=64)
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            # also serves "the import records of a course"
            models.UniqueConstraint(fields=["course", "path"], name="imported_file_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.path} ({self.imported_at:%Y-%m-%d %H:%M})"
