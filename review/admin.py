from django.contrib import admin

from review.models import GradeDecision, GradingPolicy, RegradeRun


@admin.register(GradingPolicy)
class GradingPolicyAdmin(admin.ModelAdmin):
    list_display = ["course", "grader", "review_threshold"]


@admin.register(GradeDecision)
class GradeDecisionAdmin(admin.ModelAdmin):
    list_display = ["answer", "user", "decided_at"]
    list_filter = ["user"]
    list_select_related = ["answer", "user"]
    readonly_fields = ["answer", "user", "decided_at", "before", "after", "comment"]


@admin.register(RegradeRun)
class RegradeRunAdmin(admin.ModelAdmin):
    list_display = [
        "version",
        "part_id",
        "enqueued_at",
        "finished_at",
        "graded",
        "changed",
        "skipped_human",
    ]
    list_select_related = ["version"]
    readonly_fields = [
        "version",
        "part_id",
        "enqueued_at",
        "finished_at",
        "graded",
        "changed",
        "skipped_human",
        "changed_answers",
    ]
