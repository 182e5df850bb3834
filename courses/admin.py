from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from courses.models import Chapter, Concept, Course, Prerequisite, Tag
from courses.tagpaths import TagChoice


class TagChoiceForm(forms.Form):
    tag = TagChoice(queryset=Tag.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tag = self.fields["tag"]
        assert isinstance(tag, TagChoice)
        tag.offer(Tag.objects.all())


def bulk_tag_action(add: bool) -> Callable[..., HttpResponse | None]:
    """An admin action that asks for a tag, then adds it to (or removes it from) the selection."""
    verb = "add" if add else "remove"

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> HttpResponse | None:
        form = TagChoiceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            tag = form.cleaned_data["tag"]
            through = queryset.model.tags.through
            field = f"{queryset.model._meta.model_name}_id"
            ids = list(queryset.values_list("pk", flat=True))
            if add:
                have = set(
                    through.objects.filter(tag=tag, **{f"{field}__in": ids}).values_list(
                        field, flat=True
                    )
                )
                through.objects.bulk_create(
                    [through(tag=tag, **{field: pk}) for pk in ids if pk not in have]
                )
                count = len(ids) - len(have)
            else:
                count = through.objects.filter(tag=tag, **{f"{field}__in": ids}).delete()[0]
            modeladmin.message_user(
                request, f"Tag “{tag}”: {verb}ed on {count} item(s).", messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/bulk_tag.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": f"{verb.capitalize()} a tag",
                "verb": verb,
                "form": form,
                "queryset": queryset,
                "action_name": f"{verb}_tag",
                "opts": modeladmin.model._meta,
            },
        )

    action.__name__ = f"{verb}_tag"
    action.short_description = f"{verb.capitalize()} a tag to/from the selected items"  # type: ignore[attr-defined]
    return action


class PrerequisiteInline(admin.TabularInline):
    model = Prerequisite
    fk_name = "after"
    autocomplete_fields = ["before"]
    extra = 0
    verbose_name = "learn before"
    verbose_name_plural = "learn before (prerequisites)"


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "chapter", "course"]
    list_filter = ["course", "chapter", "tags"]
    search_fields = ["title", "slug", "summary", "body"]
    list_select_related = ["chapter", "course"]
    autocomplete_fields = ["tags", "related"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PrerequisiteInline]
    actions = [bulk_tag_action(add=True), bulk_tag_action(add=False)]


@admin.register(Prerequisite)
class PrerequisiteAdmin(admin.ModelAdmin):
    list_display = ["before", "after"]
    list_filter = ["after__course", "after__chapter"]
    search_fields = ["before__title", "after__title"]
    autocomplete_fields = ["before", "after"]
    list_select_related = ["before", "after"]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position"]
    list_filter = ["course"]
    search_fields = ["title", "slug"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "time_zone"]
    search_fields = ["title", "slug"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "parent", "course"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent", "course"]
    readonly_fields = ["course", "chapter"]  # the owner of a course or chapter tag: the import's
