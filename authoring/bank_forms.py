"""Forms of the question bank, the quiz builder and the tagging report.

They own all input parsing: slugs become the course's chapters, concepts and tags (a slug from
another course is refused), posted ids must be the course's questions or concepts, and a draw
rule that matches fewer published questions than it draws is refused with its fields marked.
Choices come from one `CourseChoices` read per request, so rendering and cleaning add no queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from authoring.bank_actions import (
    ANY_CHECK,
    IMPORTED,
    KINDS,
    BankFilters,
    BulkAction,
    RuleSpec,
    TagTree,
    count_matches,
)
from courses import tagpaths
from courses.bloom import BloomLevel
from courses.models import SLUG_MAX, Chapter, Concept, Course, Tag, max_length, slug_validator
from grading import draw
from quizzes.actions import rule_pools, rule_queryset
from quizzes.itemcheck import CHECKS, ITEM_CHECKS
from quizzes.models import (
    KIND_LABELS,
    MAX_ATTEMPTS,
    MAX_DRAW_COUNT,
    MAX_TIME_LIMIT_MINUTES,
    Question,
    Quiz,
    validate_quiz_time,
)
from quizzes.visibility import (
    SHORT,
    Kind,
    MatrixError,
    Moment,
    ReviewMatrix,
    Shown,
    normalize,
    preset,
)

ANY = [("", "Any")]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass
class CourseChoices:
    """The course's chapters and concepts and all tags, read once for a request's forms."""

    course: Course
    chapters: list[Chapter]
    concepts: list[Concept]
    tags: TagTree

    @classmethod
    def load(cls, course: Course) -> CourseChoices:
        return cls(
            course=course,
            chapters=list(course.chapters.order_by("position")),
            concepts=list(
                course.concepts.only("pk", "slug", "title", "chapter_id", "course_id").order_by(
                    "title"
                )
            ),
            tags=TagTree.load(),
        )

    @cached_property
    def chapter_by_slug(self) -> dict[str, Chapter]:
        return {c.slug: c for c in self.chapters}

    @cached_property
    def concept_by_slug(self) -> dict[str, Concept]:
        return {c.slug: c for c in self.concepts}

    @cached_property
    def usable_tags(self) -> list[Tag]:
        return self.tags.usable_for(self.course, self.chapters)

    def chapter_choices(self) -> list[tuple[str, str]]:
        return [(c.slug, str(c)) for c in self.chapters]

    def concept_choices(self) -> list[tuple[str, Any]]:
        """Concepts grouped by chapter (optgroups)."""
        return [
            (str(ch), [(c.slug, c.title) for c in self.concepts if c.chapter_id == ch.pk])
            for ch in self.chapters
        ]

    def tag_choices(self, tags: list[Tag] | None = None) -> list[tuple[str, str]]:
        """The tags (the course's usable ones unless given) by their paths, sorted by path."""
        offered = self.usable_tags if tags is None else tags
        choices = [(t.slug, self.tag_label(t)) for t in offered]
        return sorted(choices, key=lambda choice: tagpaths.sort_key(choice[1]))

    def tag_label(self, tag: Tag) -> str:
        return self.tag_paths[tag.pk]

    @cached_property
    def tag_paths(self) -> dict[int, str]:
        return tagpaths.paths(self.tags.tags)


def _slug_choice(label: str, choices: list[tuple[str, Any]], required: bool = False) -> Any:
    return forms.ChoiceField(
        label=label, required=required, choices=([] if required else ANY) + choices
    )


class IdListField(forms.Field):
    """Several ids posted under one name (checkboxes); parsed to distinct ints in order."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        out: list[int] = []
        for v in value:
            try:
                n = int(v)
            except (TypeError, ValueError):
                raise ValidationError(f"{v!r} is not an id.") from None
            if n not in out:
                out.append(n)
        return out


def _matching(n: int) -> str:
    return f"{n} published question{'s match' if n != 1 else ' matches'}"


def _mark_invalid(form: forms.Form, names: list[str]) -> None:
    """Mark fields as part of an error (aria-invalid), without a message of their own."""
    for name in names:
        widget = form.fields[name].widget
        widget.attrs["aria-invalid"] = "true"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " invalid").strip()


# ---------------------------------------------------------------------------------------------
# The bank browser


class BankFilterForm(forms.Form):
    q = forms.CharField(label="Title or slug", required=False, max_length=100)

    def __init__(self, choices: CourseChoices, authors: list[str], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["chapter"] = _slug_choice("Chapter", choices.chapter_choices())
        self.fields["concept"] = _slug_choice("Concept", choices.concept_choices())
        self.fields["bloom"] = forms.TypedChoiceField(
            label="Bloom level",
            required=False,
            choices=ANY + [(str(v), label) for v, label in BloomLevel.choices],
            coerce=int,
            empty_value=None,
        )
        self.fields["tag"] = _slug_choice(
            "Tag (and the tags under it)", choices.tag_choices(choices.tags.tags)
        )
        self.fields["kind"] = _slug_choice("Kind", [(k, KIND_LABELS[k]) for k in KINDS])
        self.fields["status"] = _slug_choice("Status", list(Question.Status.choices))
        self.fields["author"] = _slug_choice(
            "Author", [(IMPORTED, "Imported (no history)")] + [(a, a) for a in authors]
        )
        self.fields["check"] = _slug_choice(
            "Item-writing warning",
            [(ANY_CHECK, "Any warning")] + [(code, CHECKS[code][0]) for code in ITEM_CHECKS],
        )

    def filters(self) -> BankFilters:
        """The valid filters (an invalid one is left out and shown as an error)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return BankFilters(
            q=data.get("q") or "",
            chapter=self.choices.chapter_by_slug.get(data.get("chapter") or ""),
            concept=self.choices.concept_by_slug.get(data.get("concept") or ""),
            bloom=data.get("bloom"),
            tag=self.choices.tags.by_slug.get(data.get("tag") or ""),
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            author=data.get("author") or "",
            check=data.get("check") or "",
        )

    def active(self) -> dict[str, Any]:
        """The filters set, for the pager links."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {k: v for k, v in data.items() if v not in (None, "")}


class QuestionSearchForm(forms.Form):
    """The quiz builder's "find questions" box (a NUL byte, which PostgreSQL cannot compare,
    is refused with the field's message)."""

    search = forms.CharField(required=False, max_length=200)

    def text(self) -> str:
        return self.cleaned_data["search"] if self.is_valid() else ""

    def shown(self) -> str:
        """What was typed, as the box shows it again."""
        return str(self.data.get("search", "")).replace("\x00", "")


class BulkForm(forms.Form):
    """A bulk action on the questions ticked in the bank browser."""

    ids = IdListField(label="Questions", required=False)
    action = forms.ChoiceField(label="Action", choices=BulkAction.choices)

    def __init__(self, choices: CourseChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["tag"] = _slug_choice("Tag", choices.tag_choices())
        self.fields["concept"] = _slug_choice("Concept", choices.concept_choices())

    def clean_ids(self) -> list[Question]:
        ids: list[int] = self.cleaned_data["ids"]
        if not ids:
            raise ValidationError("Tick at least one question.")
        found = list(Question.objects.filter(course=self.choices.course, pk__in=ids))
        if len(found) != len(ids):
            raise ValidationError(
                f"{len(ids) - len(found)} of the selected questions are not in this course: "
                "nothing was changed."
            )
        return found

    def clean_tag(self) -> Tag | None:
        return self.choices.tags.by_slug.get(self.cleaned_data.get("tag") or "")

    def clean_concept(self) -> Concept | None:
        return self.choices.concept_by_slug.get(self.cleaned_data.get("concept") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in (BulkAction.ADD_TAG, BulkAction.REMOVE_TAG) and not data.get("tag"):
            self.add_error("tag", "Choose the tag to add or remove.")
        if action == BulkAction.MOVE and not data.get("concept"):
            self.add_error("concept", "Choose the concept to move the questions to.")
        return data


# ---------------------------------------------------------------------------------------------
# Needs tagging: one discipline tag for many questions and concepts


class DisciplineTagForm(forms.Form):
    questions = IdListField(label="Questions", required=False)
    concepts = IdListField(label="Concepts", required=False)

    def __init__(self, choices: CourseChoices, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["tag"] = _slug_choice(
            "Discipline tag", choices.tag_choices(choices.tags.discipline_tags()), required=True
        )

    def clean_tag(self) -> Tag:
        return self.choices.tags.by_slug[self.cleaned_data["tag"]]

    def clean_questions(self) -> list[Question]:
        ids = self.cleaned_data["questions"]
        found = list(
            Question.objects.filter(course=self.choices.course, pk__in=ids).prefetch_related("tags")
        )
        if len(found) != len(ids):
            raise ValidationError("Some ticked questions are not in this course.")
        return found

    def clean_concepts(self) -> list[Concept]:
        ids = self.cleaned_data["concepts"]
        found = list(
            Concept.objects.filter(course=self.choices.course, pk__in=ids).prefetch_related("tags")
        )
        if len(found) != len(ids):
            raise ValidationError("Some ticked concepts are not in this course.")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("questions") and not data.get("concepts"):
            raise ValidationError("Tick at least one question or concept.")
        return data


# ---------------------------------------------------------------------------------------------
# The quiz builder: settings, fixed questions, draw rules


CUSTOM = "custom"


class QuizSettingsForm(forms.Form):
    title = forms.CharField(max_length=max_length(Quiz, "title"))
    slug = forms.CharField(
        max_length=SLUG_MAX,
        validators=[slug_validator],
        help_text="Lower-case letters, digits and hyphens; the quiz's address and file name.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    time_limit_minutes = forms.IntegerField(
        label="Time limit (minutes)",
        required=False,
        min_value=1,
        max_value=MAX_TIME_LIMIT_MINUTES,
        help_text="Empty: no limit. At most a week; for longer, set a closing time.",
    )
    max_attempts = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ATTEMPTS, help_text="Empty: unlimited."
    )
    opens_at = forms.DateTimeField(
        validators=[validate_quiz_time],
        label="Opens at",
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    closes_at = forms.DateTimeField(
        validators=[validate_quiz_time],
        label="Closes at",
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    pass_mark = forms.IntegerField(label="Pass mark (%)", min_value=0, max_value=100, initial=60)
    feedback = forms.ChoiceField(
        label="Feedback",
        choices=[*Quiz.Feedback.choices, (CUSTOM, "Custom (the review options table)")],
        initial=Quiz.Feedback.AFTER_SUBMIT,
    )
    grading = forms.ChoiceField(
        label="Grade from", choices=Quiz.Grading.choices, initial=Quiz.Grading.HIGHEST
    )
    layout = forms.ChoiceField(choices=Quiz.Layout.choices, initial=Quiz.Layout.ONE_PER_PAGE)
    shuffle_questions = forms.BooleanField(required=False, initial=True)
    shuffle_options = forms.BooleanField(required=False, initial=True)

    field_order = ["title", "slug", "chapter", "description"]

    def __init__(
        self, choices: CourseChoices, quiz: Quiz | None, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.quiz = quiz
        self.fields["chapter"] = _slug_choice("Chapter", choices.chapter_choices(), required=False)
        self.fields["chapter"].help_text = "The chapter page links to the quiz."
        self.order_fields(self.field_order)

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if slug == "new":
            raise ValidationError("“new” is the address of the new-quiz page; choose another slug.")
        taken = Quiz.objects.filter(course=self.choices.course, slug=slug)
        if self.quiz is not None:
            taken = taken.exclude(pk=self.quiz.pk)
        if taken.exists():
            raise ValidationError("Another quiz of this course has this slug.")
        return slug

    def clean_chapter(self) -> Chapter | None:
        return self.choices.chapter_by_slug.get(self.cleaned_data.get("chapter") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "The quiz must close after it opens.")
        if data.get("feedback") == Quiz.Feedback.AFTER_CLOSE and not closes and "closes_at" in data:
            self.add_error(
                "closes_at",
                "Feedback after the quiz closes needs a closing time; set one, or choose "
                "another feedback setting.",
            )
        return data

    @staticmethod
    def initial_of(quiz: Quiz) -> dict[str, Any]:
        initial = {name: getattr(quiz, name) for name in QuizSettingsForm.base_fields}
        initial["chapter"] = quiz.chapter.slug if quiz.chapter else ""
        initial["feedback"] = CUSTOM if quiz.review is not None else quiz.feedback
        return initial


class ReviewMatrixForm(forms.Form):
    """The review options as a table of checkboxes: a row per moment, a column per kind of
    information. A plain form: it works without JavaScript. `shown` tells a post from the
    page (which has the table) from one without it (which keeps the preset)."""

    shown = forms.CharField(required=False, widget=forms.HiddenInput, initial="1")

    prefix = "review"

    def __init__(self, *args: Any, matrix: ReviewMatrix, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        for moment in Moment:
            for kind in Kind:
                self.fields[f"{moment}-{kind}"] = forms.BooleanField(
                    required=False,
                    label=f"{kind.label}: {moment.label.lower()}",
                    initial=getattr(matrix.at(moment), kind.value),
                )

    @property
    def kinds(self) -> list[Kind]:
        return list(Kind)

    def rows(self) -> list[tuple[Moment, list[forms.BoundField]]]:
        return [(m, [self[f"{m}-{k}"] for k in Kind]) for m in Moment]

    @property
    def posted(self) -> bool:
        return self.is_bound and self.data.get(self.add_prefix("shown")) == "1"

    def ticked(self) -> ReviewMatrix:
        """The matrix as ticked (after is_valid)."""
        data = self.cleaned_data
        return ReviewMatrix(
            **{m.value: Shown.of({k for k in Kind if data.get(f"{m}-{k}")}) for m in Moment}
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.ticked().check()
        except MatrixError as exc:
            where = exc.moment.label if exc.moment else "Review options"
            raise ValidationError(f"{where}: {exc.message}.") from exc
        return data

    def changed(self) -> bool:
        """Whether a box was ticked or cleared on the page (after is_valid)."""
        return self.ticked() != self.matrix


class FixedQuestionsForm(forms.Form):
    """The quiz's fixed questions in order: the current ones (`questions`, each with a
    `pos-<id>` position and a `remove` tick) plus those ticked in the picker (`add`)."""

    questions = IdListField(required=False)
    remove = IdListField(required=False)
    add = IdListField(required=False)

    def __init__(
        self, course: Course, *args: Any, current: list[Question] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.course = course
        if self.is_bound:
            ids = self._posted("questions")
            wanted = set(ids) | set(self._posted("add"))
            self.known = {
                q.pk: q
                for q in Question.objects.filter(course=course, pk__in=wanted).select_related(
                    "current"
                )
            }
        else:
            current = current or []
            ids = [q.pk for q in current]
            self.known = {q.pk: q for q in current}
            self.initial["questions"] = ids
        self.ids = ids
        for n, pk in enumerate(ids, 1):
            self.fields[f"pos-{pk}"] = forms.IntegerField(
                label="Position", required=False, min_value=1, initial=n
            )

    def _posted(self, name: str) -> list[int]:
        """The ids posted under `name`, read before validation (to build the rows)."""
        raw = self.fields[name].widget.value_from_datadict(self.data, self.files, name)
        try:
            return list(self.fields[name].to_python(raw) or [])
        except ValidationError:
            return []

    def rows(self) -> list[dict[str, Any]]:
        removed = set(self._posted("remove")) if self.is_bound else set()
        return [
            {
                "pk": pk,
                "question": self.known.get(pk),
                "position": self[f"pos-{pk}"],
                "removed": pk in removed,
            }
            for pk in self.ids
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        current: list[int] = data.get("questions") or []
        added: list[int] = data.get("add") or []
        posted = [*current, *added]
        strangers = [pk for pk in posted if pk not in self.known]
        if strangers:
            raise ValidationError(
                f"{len(strangers)} of the chosen questions are not in this course."
            )
        removed = set(data.get("remove") or [])
        keep = [
            (data.get(f"pos-{pk}") or n, n, pk)
            for n, pk in enumerate(current, 1)
            if pk not in removed
        ]
        ordered = [pk for _pos, _n, pk in sorted(keep)]
        ordered += [pk for pk in added if pk not in ordered]
        data["ordered"] = [self.known[pk] for pk in ordered]
        return data


class RuleForm(forms.Form):
    """One draw rule: draw `count` published questions matching every filter set."""

    count = forms.IntegerField(min_value=1, max_value=MAX_DRAW_COUNT, label="Draw")
    bloom = forms.TypedChoiceField(
        label="Bloom level",
        required=False,
        choices=ANY + [(str(v), label) for v, label in BloomLevel.choices],
        coerce=int,
        empty_value=None,
    )
    FILTERS = ("chapter", "concept", "tag", "bloom")

    def __init__(
        self, *args: Any, choices: CourseChoices, fixed_ids: set[int] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fixed_ids = fixed_ids or set()
        self.matches: int | None = None
        self.fields["chapter"] = _slug_choice("Chapter", choices.chapter_choices())
        self.fields["concept"] = _slug_choice("Concept", choices.concept_choices())
        self.fields["tag"] = _slug_choice("Tag", choices.tag_choices())
        self.order_fields(["count", "chapter", "concept", "tag", "bloom"])

    def spec_from(self, data: dict[str, Any], count: int) -> RuleSpec:
        return RuleSpec(
            count=count,
            chapter=self.choices.chapter_by_slug.get(data.get("chapter") or ""),
            concept=self.choices.concept_by_slug.get(data.get("concept") or ""),
            tag=self.choices.tags.by_slug.get(data.get("tag") or ""),
            bloom=int(data["bloom"]) if data.get("bloom") else None,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.errors for name in self.FILTERS):
            return data
        spec = self.spec_from(data, data.get("count") or 0)
        quiz = Quiz(course=self.choices.course)
        pool = rule_queryset(quiz, spec.as_rule(quiz))
        counts = Question.objects.filter(pk__in=pool.values("pk")).aggregate(
            all=Count("pk"), free=Count("pk", filter=~Q(pk__in=self.fixed_ids))
        )
        self.matches = counts["all"]
        data["spec"] = spec
        if "count" in self.errors:
            return data
        used = ["count"] + [name for name in self.FILTERS if data.get(name)]
        if not self.matches:
            self.add_error(
                "count",
                "A draw rule on an empty filter: no published question matches it. "
                "Widen the filter or publish questions first.",
            )
        elif self.matches < spec.count:
            self.add_error(
                "count",
                f"Only {_matching(self.matches)}; this rule draws {spec.count}.",
            )
        elif counts["free"] < spec.count:
            fixed = self.matches - counts["free"]
            self.add_error(
                "count",
                f"{_matching(self.matches)}, but {fixed} of them "
                f"{'is a fixed question' if fixed == 1 else 'are fixed questions'} of this quiz: "
                f"only {counts['free']} left to draw {spec.count} from.",
            )
        if self.errors:
            _mark_invalid(self, used)
        return data

    def live_count(self) -> int | None:
        """The match count for the fragment: from the bound data, valid count or not."""
        if self.matches is None and self.is_bound:
            self.is_valid()
        return self.matches

    def count_text(self) -> str:
        """ "N published questions match", and whether that is too few for the count."""
        n = self.live_count()
        if n is None:
            return "—"
        text = _matching(n)
        try:
            wanted = int(self["count"].value() or 0)
        except (TypeError, ValueError):
            wanted = 0
        if n == 0:
            return text + ": a draw rule on an empty filter"
        if wanted > n:
            return text + f", fewer than the {wanted} it draws"
        return text

    @staticmethod
    def initial_of(spec: RuleSpec) -> dict[str, Any]:
        return {
            "count": spec.count,
            "chapter": spec.chapter.slug if spec.chapter else "",
            "concept": spec.concept.slug if spec.concept else "",
            "tag": spec.tag.slug if spec.tag else "",
            "bloom": spec.bloom or "",
        }


class BaseRuleFormSet(forms.BaseFormSet[RuleForm]):
    def __init__(self, *args: Any, choices: CourseChoices, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "rules")
        kwargs["form_kwargs"] = {"choices": choices}
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fixed_ids: set[int] = set()

    def clean(self) -> None:
        """Rules valid one by one may still compete for the same questions: check them together."""
        super().clean()
        if any(self.errors):
            return
        quiz = Quiz(course=self.choices.course)
        numbered = [
            (n, form.cleaned_data["spec"])
            for n, form in enumerate(self.forms)
            if not form.cleaned_data.get("DELETE") and "spec" in form.cleaned_data
        ]
        if len(numbered) < 2:
            return  # one rule alone was checked by its own form
        rules = [spec.as_rule(quiz) for _n, spec in numbered]
        short = draw.shortfall(rule_pools(quiz, rules, self.fixed_ids))
        if short is not None:
            rows = tuple(numbered[i][0] for i in short.rules)  # as the page numbers them
            short = draw.Shortfall(rows, short.wanted, short.available)
            raise ValidationError(
                short.message(fixed_excluded=bool(self.fixed_ids))
                + " Lower a count or widen a filter."
            )

    def specs(self) -> list[RuleSpec]:
        return [
            form.cleaned_data["spec"]
            for form in self.forms
            if not form.cleaned_data.get("DELETE") and "spec" in form.cleaned_data
        ]


RuleFormSet = cast(
    type[BaseRuleFormSet],
    forms.formset_factory(RuleForm, formset=BaseRuleFormSet, extra=1, can_delete=True, max_num=50),
)


class QuizBuilder:
    """The three forms of the quiz editor, validated together."""

    def __init__(
        self,
        choices: CourseChoices,
        quiz: Quiz | None,
        data: Any = None,
        *,
        current: list[Question] | None = None,
        rules: list[RuleSpec] | None = None,
    ) -> None:
        self.quiz = quiz
        initial = QuizSettingsForm.initial_of(quiz) if quiz is not None else None
        self.settings = QuizSettingsForm(choices, quiz, data=data, initial=initial)
        self.review = ReviewMatrixForm(
            data=data, matrix=quiz.review_matrix if quiz is not None else preset("submit")
        )
        self.matrix: tuple[str, ReviewMatrix | None] = (Quiz.Feedback.AFTER_SUBMIT, None)
        self.fixed = FixedQuestionsForm(choices.course, data=data, current=current)
        self.rules = RuleFormSet(
            data=data, choices=choices, initial=[RuleForm.initial_of(r) for r in rules or []]
        )
        if data is None:
            for form, spec in zip(self.rules.forms, rules or [], strict=False):
                form.matches = count_matches(choices.course, spec)

    def is_valid(self) -> bool:
        settings_ok = self.settings.is_valid()
        fixed_ok = self.fixed.is_valid()
        fixed = self.fixed.cleaned_data.get("ordered", []) if fixed_ok else []
        for form in self.rules.forms:
            form.fixed_ids = {q.pk for q in fixed}
        self.rules.fixed_ids = {q.pk for q in fixed}
        rules_ok = self.rules.is_valid()
        settings_ok = self._review_ok() and settings_ok
        if settings_ok and fixed_ok and rules_ok and not fixed and not self.rules.specs():
            self.settings.add_error(
                None, "A quiz needs fixed questions or draw rules: add at least one."
            )
            return False
        return settings_ok and fixed_ok and rules_ok

    def _review_ok(self) -> bool:
        """Decide the review options: the preset chosen, or the table when "Custom" is chosen
        or a box was changed (changing both the preset and the table is refused, so no tick
        is lost silently). Sets `self.matrix` to the stored form (feedback, review)."""
        chosen = self.settings.cleaned_data.get("feedback") if self.settings.is_valid() else None
        if chosen is None:
            return False
        table = self.review.posted and self.review.is_valid()
        if self.review.posted and not table:
            return False
        before = self.settings.initial.get("feedback", Quiz.Feedback.AFTER_SUBMIT)
        if chosen == CUSTOM:
            matrix = self.review.ticked() if table else self.review.matrix
        elif table and self.review.changed():
            if chosen != before:
                self.review.add_error(
                    None,
                    "You changed the feedback preset and ticked the table: choose “Custom” to "
                    "save the table, or leave the table as it was to use the preset.",
                )
                return False
            matrix = self.review.ticked()
        else:
            matrix = preset(chosen)
        feedback, review = normalize(chosen if chosen != CUSTOM else before, matrix)
        late = (review or preset(feedback)).only_after_close()
        if late and not self.settings.cleaned_data.get("closes_at"):
            self.settings.add_error(
                "closes_at",
                f"The review options show {', '.join(SHORT[k] for k in late)} only "
                "after the quiz closes; set a closing time, or show them earlier.",
            )
            return False
        self.matrix = (feedback, review)
        return True

    def values(self) -> dict[str, Any]:
        values = dict(self.settings.cleaned_data)
        values["feedback"], values["review"] = self.matrix
        return values

    def questions(self) -> list[Question]:
        return list(self.fixed.cleaned_data["ordered"])

    def specs(self) -> list[RuleSpec]:
        return self.rules.specs()


class RuleCountForm(RuleForm):
    """The live count: the same fields as a rule, under the rule row's prefix."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["count"].required = False
