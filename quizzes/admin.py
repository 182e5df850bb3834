from django.contrib import admin
from django.http import HttpRequest

from courses.admin import bulk_tag_action
from quizzes.models import (
    Answer,
    Attempt,
    AttemptItem,
    DrawRule,
    Question,
    QuestionVersion,
    Quiz,
    QuizItem,
)
from quizzes.visibility import summary as review_summary


class QuestionVersionInline(admin.TabularInline):
    model = QuestionVersion
    fk_name = "question"
    fields = ["number", "title", "bloom", "created_at"]
    readonly_fields = ["number", "title", "bloom", "created_at"]
    extra = 0
    can_delete = False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "status", "bloom", "course"]
    list_filter = ["course", "status", "current__bloom", "concepts__chapter", "tags"]
    search_fields = ["slug", "current__title", "current__stem"]
    list_select_related = ["current", "course"]
    autocomplete_fields = ["concepts", "tags"]
    readonly_fields = ["current"]
    inlines = [QuestionVersionInline]
    actions = [bulk_tag_action(add=True), bulk_tag_action(add=False)]

    @admin.display(description="Bloom level", ordering="current__bloom")
    def bloom(self, obj: Question) -> str:
        return obj.current.get_bloom_display() if obj.current else "—"


@admin.register(QuestionVersion)
class QuestionVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "question", "number", "bloom", "created_at"]
    list_filter = ["bloom"]
    search_fields = ["title", "stem", "question__slug"]
    list_select_related = ["question"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # versions are immutable: edit the question's file or its editor instead


class QuizItemInline(admin.TabularInline):
    model = QuizItem
    autocomplete_fields = ["question"]
    extra = 0


class DrawRuleInline(admin.TabularInline):
    model = DrawRule
    autocomplete_fields = ["concept", "tag"]
    extra = 0


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "course",
        "chapter",
        "feedback",
        "grading",
        "time_limit_minutes",
        "max_attempts",
    ]
    list_filter = ["course", "chapter", "feedback", "grading"]
    search_fields = ["title", "slug"]
    list_select_related = ["course", "chapter"]
    inlines = [QuizItemInline, DrawRuleInline]
    # The review matrix is edited in the quiz builder (a checked table); shown here as text.
    exclude = ["review"]
    readonly_fields = ["review_options"]

    @admin.display(description="Review options")
    def review_options(self, quiz: Quiz) -> str:
        return ("custom: " if quiz.review is not None else "preset: ") + review_summary(
            quiz.review_matrix
        )


class AttemptItemInline(admin.TabularInline):
    model = AttemptItem
    fields = ["position", "version", "checked_at"]
    readonly_fields = ["position", "version", "checked_at"]
    extra = 0
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = [
        "quiz",
        "student",
        "number",
        "started_at",
        "submitted_at",
        "score",
        "max_score",
        "pending_parts",
    ]
    list_filter = ["quiz__course", "quiz"]
    search_fields = ["student__username", "quiz__title"]
    list_select_related = ["quiz", "student"]
    readonly_fields = [
        "quiz",
        "student",
        "number",
        "seed",
        "started_at",
        "deadline",
        "submitted_at",
        "score",
        "max_score",
        "pending_parts",
    ]
    inlines = [AttemptItemInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["item", "part_id", "status", "points", "max_points", "saved_at"]
    list_filter = ["status", "item__attempt__quiz"]
    list_select_related = ["item__attempt__quiz", "item__attempt__student"]
    readonly_fields = [
        "item",
        "part_id",
        "response",
        "saved_at",
        "status",
        "points",
        "max_points",
        "detail",
    ]
