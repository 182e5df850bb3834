"""Forms own the learner pages' input parsing: slugs from another course, out-of-range numbers
and unknown sort keys are refused here with a message."""

from __future__ import annotations

from typing import Any

from django import forms

from courses.models import Chapter, Concept, Course


class RetentionForm(forms.Form):
    desired_retention = forms.FloatField(
        min_value=0.7,
        max_value=0.97,
        label="Desired retention",
        help_text="How likely you want to be to still remember a concept when its review comes "
        "(0.70-0.97). Higher means more frequent reviews. The default is 0.90.",
        widget=forms.NumberInput(attrs={"step": "0.01"}),
    )


class PracticeForm(forms.Form):
    """Start a practice session, on one concept of the course or as the blueprint says."""

    concept = forms.SlugField(required=False)

    def __init__(self, course: Course, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course

    def clean_concept(self) -> Concept | None:
        slug = self.cleaned_data.get("concept")
        if not slug:
            return None
        concept = Concept.objects.filter(
            course=self.course, slug=slug, status=Concept.Status.PUBLISHED
        ).first()
        if concept is None:
            raise forms.ValidationError("That concept is not part of this course.")
        return concept


SORTS = {
    "student": "Student",
    "mastered": "Concepts mastered (most first)",
    "stuck": "Concepts stuck (most first)",
}


class ClassTableForm(forms.Form):
    chapter = forms.SlugField(required=False)
    sort = forms.ChoiceField(choices=list(SORTS.items()), required=False)

    def __init__(self, course: Course, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        self.chapters = list(course.chapters.all())
        self.fields["chapter"].widget = forms.Select(
            choices=[("", "All chapters")] + [(c.slug, c.title) for c in self.chapters]
        )

    def clean_chapter(self) -> Chapter | None:
        slug = self.cleaned_data.get("chapter")
        if not slug:
            return None
        chapter = next((c for c in self.chapters if c.slug == slug), None)
        if chapter is None:
            raise forms.ValidationError("That chapter is not part of this course.")
        return chapter
