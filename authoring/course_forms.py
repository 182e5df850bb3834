"""Forms of the concept and tag authoring pages. They own all input parsing: an id from
another course, a slug already taken, a concept as its own prerequisite or a cycle is refused
here, on its field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from courses import actions, markup
from courses.actions import FILE_TAG_KINDS, SLUG_MAX, ConceptInput, slug_from
from courses.models import SLUG_RE, Chapter, Concept, Course, Tag, max_length
from courses.tagpaths import TagChoice, TagChoices

PICKERS = {
    "learn_before": "Learn before (prerequisites)",
    "learn_after": "Learn after (builds on this one)",
    "related": "Related",
}
SEARCH_MAX = 200
_slug_re = re.compile(SLUG_RE)


def _one_line(value: str, what: str) -> str:
    if "\n" in value or "\r" in value:
        raise forms.ValidationError(f"The {what} must be one line.")
    return value


def _check_slug(value: str) -> str:
    if not _slug_re.match(value):
        raise forms.ValidationError(
            "Use lower-case letters, digits and single hyphens (for example “self-attention”)."
        )
    return value


def file_tags() -> QuerySet[Tag]:
    """The tags an author sets by hand (discipline and custom), in a stable order."""
    return Tag.objects.filter(kind__in=FILE_TAG_KINDS).order_by("name", "pk")


class ConceptChoices(forms.ModelMultipleChoiceField):
    """Concepts of one course; an id of another course is "not one of the available choices"."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class ConceptForm(forms.Form):
    title = forms.CharField(max_length=max_length(Concept, "title"))
    slug = forms.CharField(
        max_length=SLUG_MAX,
        required=False,
        help_text="Part of the address and the file name. Left empty, it is made from the title.",
    )
    chapter = forms.ModelChoiceField(queryset=Chapter.objects.none(), empty_label=None)
    summary = forms.CharField(
        max_length=max_length(Concept, "summary"),
        help_text="One sentence, shown in lists and link previews.",
    )
    body = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Markdown. Headings start at ##.",
    )
    learn_before = ConceptChoices(queryset=Concept.objects.none(), required=False)
    learn_after = ConceptChoices(queryset=Concept.objects.none(), required=False)
    related = ConceptChoices(queryset=Concept.objects.none(), required=False)
    tags = TagChoices(
        queryset=Tag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(choices=Concept.Status.choices, initial=Concept.Status.DRAFT)

    def __init__(
        self, course: Course, concept: Concept | None = None, *args: Any, **kwargs: Any
    ) -> None:
        self.course = course
        self.concept = concept
        if concept is not None:
            kwargs.setdefault("initial", concept_initial(concept))
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = course.chapters.order_by("position")  # type: ignore[attr-defined]
        concepts = course.concepts.only("pk", "title", "course_id")
        for name in PICKERS:
            self.fields[name].queryset = concepts  # type: ignore[attr-defined]
        tags = self.fields["tags"]
        assert isinstance(tags, TagChoices)
        tags.offer(file_tags())
        if concept is not None:
            self.fields["slug"].required = True
            self.fields[
                "slug"
            ].help_text = "Part of the address and the file name; changing it changes both."

    def clean_title(self) -> str:
        return _one_line(self.cleaned_data["title"], "title")

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if not slug:
            slug = slug_from(self.cleaned_data.get("title", ""))
            if not slug:
                raise forms.ValidationError("Give a slug: the title has no letters or digits.")
        _check_slug(slug)
        taken = self.course.concepts.filter(slug=slug)
        if self.concept is not None:
            taken = taken.exclude(pk=self.concept.pk)
        if other := taken.first():
            raise forms.ValidationError(f"“{slug}” is already the slug of “{other.title}”.")
        return slug

    def clean_summary(self) -> str:
        return _one_line(self.cleaned_data["summary"], "summary")

    def clean_body(self) -> str:
        # As the content files store it: Unix line ends, no blank lines around the text.
        body = str(self.cleaned_data["body"]).replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if problems := markup.problems(body):
            raise forms.ValidationError(f"The text {problems[0]}.")
        return body

    def _not_self(self, name: str, message: str) -> list[Concept]:
        chosen: list[Concept] = list(self.cleaned_data[name])
        if self.concept is not None and any(c.pk == self.concept.pk for c in chosen):
            raise forms.ValidationError(message.format(title=self.concept.title))
        return chosen

    def clean_learn_before(self) -> list[Concept]:
        return self._not_self("learn_before", "“{title}” cannot be its own prerequisite.")

    def clean_learn_after(self) -> list[Concept]:
        return self._not_self("learn_after", "“{title}” cannot be its own prerequisite.")

    def clean_related(self) -> list[Concept]:
        return self._not_self("related", "“{title}” cannot be related to itself.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "learn_before" in data and "learn_after" in data:
            cycle = actions.prerequisite_cycle(
                self.course,
                self.concept,
                data.get("title") or (self.concept.title if self.concept else "this concept"),
                data["learn_before"],
                data["learn_after"],
            )
            if cycle is not None:
                for name in cycle.fields:
                    self.add_error(name, f"This would close a cycle: {cycle.text}.")
        return data

    def to_input(self) -> ConceptInput:
        d = self.cleaned_data
        return ConceptInput(
            title=d["title"],
            slug=d["slug"],
            chapter=d["chapter"],
            summary=d["summary"],
            body=d["body"],
            status=d["status"],
            learn_before=d["learn_before"],
            learn_after=d["learn_after"],
            related=d["related"],
            tags=list(d["tags"]),
        )

    def chosen_ids(self, name: str) -> set[int]:
        """The concept ids ticked in picker `name`, as typed (bound) or saved (unbound)."""
        values = self[name].value() or []
        ids = set()
        for v in values:
            pk = getattr(v, "pk", v)
            try:
                ids.add(int(pk))
            except (TypeError, ValueError):
                continue
        return ids


def concept_initial(concept: Concept) -> dict[str, Any]:
    return {
        "title": concept.title,
        "slug": concept.slug,
        "chapter": concept.chapter_id,
        "summary": concept.summary,
        "body": concept.body,
        "status": concept.status,
        "learn_before": list(
            Concept.objects.filter(unlocks_edges__after=concept).values_list("pk", flat=True)
        ),
        "learn_after": list(
            Concept.objects.filter(requires_edges__before=concept).values_list("pk", flat=True)
        ),
        "related": list(concept.related.values_list("pk", flat=True)),
        "tags": list(concept.tags.filter(kind__in=FILE_TAG_KINDS).values_list("pk", flat=True)),
    }


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False)


class ConceptSearchForm(forms.Form):
    """The picker search: which picker, the text typed, the concepts already ticked."""

    field = forms.ChoiceField(choices=list(PICKERS.items()))
    q = forms.CharField(required=False, max_length=SEARCH_MAX)
    exclude = forms.IntegerField(required=False)

    def __init__(self, course: Course, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course

    def chosen_ids(self) -> set[int]:
        """Ticked ids of this picker that belong to the course; others are dropped."""
        name = self.cleaned_data["field"]
        raw = []
        for v in self.data.getlist(name) if hasattr(self.data, "getlist") else []:
            try:
                raw.append(int(v))
            except (TypeError, ValueError):
                continue
        return set(self.course.concepts.filter(pk__in=raw).values_list("pk", flat=True))


class ConceptFilterForm(forms.Form):
    """Filters of the concept list (GET). An unknown value filters nothing."""

    q = forms.CharField(required=False, max_length=SEARCH_MAX, label="Search")
    chapter = forms.ModelChoiceField(
        queryset=Chapter.objects.none(), required=False, empty_label="All", to_field_name="slug"
    )
    tag = TagChoice(
        queryset=Tag.objects.none(), required=False, empty_label="All", to_field_name="slug"
    )
    status = forms.ChoiceField(choices=[("", "All"), *Concept.Status.choices], required=False)

    def __init__(self, course: Course, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chapter"].queryset = course.chapters.order_by("position")  # type: ignore[attr-defined]
        tags = self.fields["tag"]
        assert isinstance(tags, TagChoice)
        tags.offer(file_tags())

    def filter(self, concepts: QuerySet[Concept]) -> QuerySet[Concept]:
        self.is_valid()
        data = self.cleaned_data
        if q := data.get("q"):
            concepts = concepts.filter(
                Q(title__icontains=q) | Q(slug__icontains=q) | Q(summary__icontains=q)
            )
        if data.get("chapter"):
            concepts = concepts.filter(chapter=data["chapter"])
        if data.get("tag"):
            concepts = concepts.filter(tags=data["tag"])
        if data.get("status"):
            concepts = concepts.filter(status=data["status"])
        return concepts


class BulkTagForm(forms.Form):
    """Add a tag to, or remove it from, the ticked concepts of one course."""

    tag = TagChoice(queryset=Tag.objects.none(), empty_label="Choose a tag")
    concepts = ConceptChoices(
        queryset=Concept.objects.none(),
        error_messages={"required": "Tick at least one concept."},
    )
    action = forms.ChoiceField(choices=[("tag", "Add the tag"), ("untag", "Remove the tag")])

    def __init__(self, course: Course, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tags = self.fields["tag"]
        assert isinstance(tags, TagChoice)
        tags.offer(file_tags())
        self.fields["concepts"].queryset = course.concepts.all()  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Tags


class TagForm(forms.Form):
    name = forms.CharField(max_length=max_length(Tag, "name"))
    slug = forms.CharField(
        max_length=SLUG_MAX,
        required=False,
        help_text="Left empty, it is made from the name. It cannot change later.",
    )
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in FILE_TAG_KINDS], initial=FILE_TAG_KINDS[0].value
    )
    parent = TagChoice(
        queryset=Tag.objects.none(), required=False, empty_label="— none (a top-level tag) —"
    )

    def __init__(self, tag: Tag | None = None, *args: Any, **kwargs: Any) -> None:
        self.tag = tag
        if tag is not None:
            kwargs.setdefault(
                "initial",
                {"name": tag.name, "slug": tag.slug, "kind": tag.kind, "parent": tag.parent_id},
            )
        super().__init__(*args, **kwargs)
        parents = file_tags()
        if tag is not None:
            # Shown read-only: the slug is the tag's name in content files and addresses.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "The tag's name in content files; it does not change."
        parent = self.fields["parent"]
        assert isinstance(parent, TagChoice)
        parent.offer(parents)

    def clean_name(self) -> str:
        return _one_line(self.cleaned_data["name"], "name")

    def clean_slug(self) -> str:
        if self.tag is not None:
            return self.tag.slug
        slug: str = self.cleaned_data["slug"] or slug_from(self.cleaned_data.get("name", ""))
        if not slug:
            raise forms.ValidationError("Give a slug: the name has no letters or digits.")
        _check_slug(slug)
        if Tag.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"The tag “{slug}” already exists.")
        if slug.startswith("chapter-") or Course.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"“{slug}” is reserved for a course or a chapter tag.")
        return slug

    def clean_parent(self) -> Tag | None:
        parent: Tag | None = self.cleaned_data["parent"]
        try:
            actions.check_tag_parent(self.tag, parent)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["parent"]) from exc
        return parent

    def clean(self) -> dict[str, Any]:
        if self.tag is not None and actions.is_reserved(self.tag):
            raise forms.ValidationError(
                "Course and chapter tags are made from course.yaml by the importer; "
                "change the course there."
            )
        return super().clean() or {}


class TagMergeForm(forms.Form):
    survivor = TagChoice(
        queryset=Tag.objects.none(),
        label="Merge into",
        empty_label="Choose the tag that stays",
        help_text="Every use of this tag moves to the tag chosen here; then this tag is deleted.",
    )

    def __init__(self, tag: Tag, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tag = tag
        survivor = self.fields["survivor"]
        assert isinstance(survivor, TagChoice)
        survivor.offer(file_tags().exclude(pk=tag.pk))

    def clean(self) -> dict[str, Any]:
        if actions.is_reserved(self.tag):
            raise forms.ValidationError(
                "Course and chapter tags cannot be merged away: they follow course.yaml."
            )
        return super().clean() or {}


class TagDeleteForm(forms.Form):
    """The confirmation of a deletion: refused for course and chapter tags, and while a
    relation protects the tag."""

    def __init__(self, tag: Tag, usage: list[actions.Usage], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tag = tag
        self.usage = usage

    def clean(self) -> dict[str, Any]:
        if actions.is_reserved(self.tag):
            raise forms.ValidationError(
                "Course and chapter tags cannot be deleted: they follow course.yaml."
            )
        blocking = [u for u in self.usage if u.count and u.effect == "stop it being deleted"]
        if blocking:
            raise forms.ValidationError(
                "Still used by "
                + ", ".join(f"{u.count} {u.label}" for u in blocking)
                + "; merge it into another tag instead."
            )
        return super().clean() or {}
