"""The question editor: new and edit (every kind, its parts and rubrics), a student's preview,
"try an answer" against the rubric as typed, publish, duplicate and the change history.

Every button works without JavaScript: the editor's buttons (`op=add:parts-0-options`, …)
re-render the page with the change and nothing typed lost; with htmx the same buttons swap only
the editor (`authoring/question_edit.html#editor`), the stem's preview (`#stem-preview`) or the
try-an-answer result (`authoring/parts/free_text.html#try-result`). Saving is a plain POST that
redirects (or re-renders the form with the fields marked, status 422).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.http import user_of
from authoring import question_actions as actions
from authoring.item_checks import editor_findings
from authoring.part_editors import editor_of
from authoring.question_forms import (
    KINDS,
    Op,
    PartsEditor,
    QuestionForm,
)
from courses.access import access_authored_course
from courses.history import history_rows
from courses.models import Course
from quizzes.access import access_question_for_author
from quizzes.content import ContentSaved
from quizzes.entries import PartEntry
from quizzes.forms import ItemForm
from quizzes.models import (
    KIND_LABELS,
    PART_KINDS,
    AttemptItem,
    Question,
    QuestionVersion,
)
from quizzes.parts import FreeTextPart, Part

TEMPLATE = "authoring/question_edit.html"


def _url_or_none(name: str, *args: Any) -> str | None:
    """A link to another authoring page, when that page exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# ---------------------------------------------------------------------------------------------
# The editor


@login_required
def question_new(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_authored_course(request.user, course_slug)
    if request.method == "POST":
        return _editor_post(request, course, None)
    kind = request.GET.get("kind") or "single"
    if kind not in KINDS:
        raise Http404(f"no question kind {kind!r}")
    form = QuestionForm(course, None, initial={"status": Question.Status.DRAFT})
    return _render(request, course, None, form, PartsEditor.for_kind(kind))


@login_required
def question_edit(request: HttpRequest, course_slug: str, question_slug: str) -> HttpResponse:
    question = access_question_for_author(request.user, course_slug, question_slug)
    if request.method == "POST":
        return _editor_post(request, question.course, question)
    assert question.current is not None
    form = QuestionForm(question.course, question, initial=QuestionForm.initial_for(question))
    return _render(
        request,
        question.course,
        question,
        form,
        PartsEditor.from_parts(question.current.typed_parts),
    )


@login_required
@require_POST
def question_try(request: HttpRequest, course_slug: str, question_slug: str) -> HttpResponse:
    """Grade a sample answer: against the rubric as typed when the editor's fields are posted,
    else against the saved one."""
    question = access_question_for_author(request.user, course_slug, question_slug)
    op = Op.parse(request.POST.get("op") or "try:parts-0")
    return _editor_post(request, question.course, question, Op("try", op.path))


def _editor_post(
    request: HttpRequest, course: Course, question: Question | None, op: Op | None = None
) -> HttpResponse:
    op = op or Op.parse(request.POST.get("op"))
    if "parts-0-kind" in request.POST or question is None or question.current is None:
        form = QuestionForm(course, question, data=request.POST)
        parts = PartsEditor.from_post(request.POST)
    else:  # only a sample answer was posted: the saved question, with the try box's fields
        form = QuestionForm(course, question, initial=QuestionForm.initial_for(question))
        parts = PartsEditor.from_parts(question.current.typed_parts)
        parts.take_try_fields(request.POST)
    htmx = bool(getattr(request, "htmx", False))

    if op.verb == "save":
        form_ok = form.is_valid()
        if not (parts.is_valid() and form_ok):
            return _render(request, course, question, form, parts, status=422, show_errors=True)
        values = actions.QuestionValues(
            slug=form.cleaned_data["slug"],
            title=form.cleaned_data["title"],
            status=form.cleaned_data["status"],
            bloom=form.cleaned_data["bloom"],
            concepts=list(form.cleaned_data["concepts"]),
            tags=list(form.cleaned_data["tags"]),
            stem=form.cleaned_data["stem"],
            explanation=form.cleaned_data["explanation"],
            parts=parts.parts,
        )
        if question is None:
            question = actions.create_question(course, user_of(request), values)
            messages.success(request, f"“{values.title}” is created ({question.status}).")
        else:
            result = actions.save_question(question, user_of(request), values)
            question = result.question
            messages.success(request, _saved_message(result))
        return redirect("authoring:question_edit", course.slug, question.slug)

    if op.verb == "student":
        # The editor's current state, saved or not, as a student would see it (the button opens
        # it in a new tab, so the editor keeps what was typed).
        form_ok = form.is_valid()
        if not (parts.is_valid() and form_ok):
            # Not a second editor of the draft in the new tab: what to fix, to fix it in the
            # editor's own tab.
            return render(
                request,
                "authoring/question_preview_invalid.html",
                {"course": course, "question": question, "problems": _problems(form, parts)},
                status=422,
            )
        draft = QuestionVersion(
            question=question,
            number=0,
            title=form.cleaned_data["title"],
            stem=form.cleaned_data["stem"],
            bloom=form.cleaned_data["bloom"],
            explanation=form.cleaned_data["explanation"],
            parts=parts.parts,
        )
        return _student_view(request, course, question, draft, unsaved=True)

    if op.verb == "preview":
        if htmx:
            return render(request, f"{TEMPLATE}#stem-preview", {"stem": form["stem"].value()})
        return _render(request, course, question, form, parts)

    index = op.part_index
    if index is not None and not 0 <= index < len(parts.draft):
        index = None
    if op.verb == "try":
        stem = str(form["stem"].value() or "")
        tries = {index: _try(course, parts, index, stem)} if index is not None else {}
        if htmx and index is not None:
            row = parts.rows(tries)[index]
            return render(request, f"{row['template']}#try-result", {"part": row})
        return _render(request, course, question, form, parts, tries=tries)

    if op.verb == "derive" and index is not None:
        _derive(request, parts, index)
    else:
        parts.apply(op, request.POST.get("new_part_kind", "free_text"))
    if htmx:
        return render(
            request, f"{TEMPLATE}#editor", _context(request, course, question, form, parts)
        )
    return _render(request, course, question, form, parts)


def _problems(form: QuestionForm, parts: PartsEditor) -> list[tuple[str, str]]:
    """The editor's errors as (field, message) in plain words: `parts-0-options-1-text` is
    "Part 1, option 2, text"; a form field is named by its label."""
    out = [
        (str(form[name].label) if name in form.fields else "Question", str(message))
        for name, messages in form.errors.items()
        for message in messages
    ]
    out += [(label, message) for _key, label, message in parts.error_summary()]
    return out


def _saved_message(result: actions.SaveResult) -> str:
    if not result.changes:
        return "Nothing changed."
    outcome = result.content.outcome
    if outcome == ContentSaved.NEW_VERSION and result.question.current is not None:
        return (
            f"Saved as version {result.question.current.number}: attempts that showed the "
            "old version keep it."
        )
    if result.content.regraded_parts:
        return "Saved. The rubric changed: machine grades are being re-graded (people's stay)."
    return "Saved."


def _derive(request: HttpRequest, parts: PartsEditor, index: int) -> None:
    part = parts.draft[index]
    editor = editor_of(part)
    if editor is None or not editor.has_rubric:
        return
    answers = [a for a in part["rubric"]["model_answers"] if a.strip()]
    if not answers:
        parts.add_error(
            f"parts-{index}-rubric-model_answers", "Write a model answer first, then start from it."
        )
        return
    question_text = f"{request.POST.get('stem', '')}\n{part['prompt']}"
    parts.start_from_model_answers(index, actions.propose_criteria(question_text, answers))


def _try(course: Course, parts: PartsEditor, index: int, stem: str) -> TryOutcome:
    """The grade of the part's sample answer, or why the rubric as typed cannot grade it."""
    part = parts.draft[index]
    editor = editor_of(part)
    if editor is None or not editor.has_rubric:
        return TryOutcome(errors=["Only a free-text part has a rubric to try."])
    pfx = f"parts-{index}"
    parts.is_valid()
    errors = parts.errors_in(pfx)
    parts.errors = {k: v for k, v in parts.errors.items() if k == pfx or k.startswith(f"{pfx}-")}
    if errors:
        return TryOutcome(errors=errors)
    typed = parts.typed_part(part["id"])
    if not isinstance(typed, FreeTextPart):
        return TryOutcome(errors=["The rubric could not be read."])
    if not part["try_answer"]:
        return TryOutcome(empty=True)
    choices: dict[str, list[str]] = {}
    for ref in parts.choice_parts():
        option = part["try_choices"].get(ref.index)
        if option and option in {o["id"] for o in ref.options}:
            choices[ref.id] = [option]
    question = f"{stem}\n{part['prompt']}"
    return TryOutcome(
        result=actions.try_answer(
            course, typed.rubric_model, part["try_answer"], choices or None, question=question
        )
    )


@dataclass(frozen=True)
class TryOutcome:
    """What the try-an-answer box shows: why the rubric cannot grade yet, a prompt to type an
    answer, or the grade."""

    errors: list[str] = field(default_factory=list)
    empty: bool = False
    result: actions.TryResult | None = None


def _context(
    request: HttpRequest,
    course: Course,
    question: Question | None,
    form: QuestionForm,
    parts: PartsEditor,
    *,
    tries: dict[int, TryOutcome] | None = None,
    show_errors: bool = False,
) -> dict[str, Any]:
    if question is not None:
        action = reverse("authoring:question_edit", args=[course.slug, question.slug])
        try_url = reverse("authoring:question_try", args=[course.slug, question.slug])
    else:
        action = try_url = reverse("authoring:question_new", args=[course.slug])
    return {
        "course": course,
        "question": question,
        "version": question.current if question else None,
        "form": form,
        "meta_fields": _meta_fields(course, question, form, checked=show_errors),
        "pick_fields": [form["concepts"], form["tags"]],
        "parts": parts.rows(tries),
        "parts_err": parts.errors.get("parts", []),
        "summary": parts.error_summary() if show_errors else [],
        "message": parts.message,
        "show_errors": show_errors,
        "stem": form["stem"].value() or "",
        "action": action,
        "try_url": try_url,
        "part_kinds": [(k, KIND_LABELS[k]) for k in PART_KINDS],
        "bank_url": _url_or_none("authoring:questions", course.slug),
    }


META_FIELDS = ("title", "slug", "bloom", "status")


def _meta_fields(
    course: Course, question: Question | None, form: QuestionForm, *, checked: bool
) -> list[Any]:
    """The title, slug, Bloom level and status fields as typed. Unless the form's errors are
    shown, from an unchecked copy: a checked field's input names its error message
    (`aria-describedby=…_error`), which the page then would not have."""
    if not checked:
        form = QuestionForm(course, question, initial={n: form[n].value() for n in META_FIELDS})
    return [form[name] for name in META_FIELDS]


def _render(
    request: HttpRequest,
    course: Course,
    question: Question | None,
    form: QuestionForm,
    parts: PartsEditor,
    *,
    status: int = 200,
    tries: dict[int, TryOutcome] | None = None,
    show_errors: bool = False,
) -> HttpResponse:
    context = _context(request, course, question, form, parts, tries=tries, show_errors=show_errors)
    if question is not None:
        context["answered"] = actions.is_answered(question)
        context["history"] = history_rows(question, limit=5)
        context["item_findings"] = editor_findings(course, question)
    return render(request, TEMPLATE, context, status=status)


# ---------------------------------------------------------------------------------------------
# Preview, publish, duplicate, history


def _preview_order(parts: list[Part], seed: int) -> dict[str, list[str]]:
    """Options in the authored order; matches and orderings shuffled as a quiz shows them (an
    ordering is never shown already solved)."""
    rng = random.Random(seed)
    return {p.id: p.preview_order(rng) for p in parts}


@login_required
@require_GET
def question_preview(request: HttpRequest, course_slug: str, question_slug: str) -> HttpResponse:
    """The current version exactly as the attempt page shows it: no feedback, no answers."""
    question = access_question_for_author(request.user, course_slug, question_slug)
    version = question.current
    if version is None:
        raise Http404("this question has no content yet")
    return _student_view(request, question.course, question, version)


def _student_view(
    request: HttpRequest,
    course: Course,
    question: Question | None,
    version: QuestionVersion,
    *,
    unsaved: bool = False,
) -> HttpResponse:
    order = _preview_order(version.typed_parts, version.pk)
    item = AttemptItem(version=version, position=1, order=order)
    return render(
        request,
        "authoring/question_preview.html",
        {
            "course": course,
            "question": question,
            "version": version,
            "unsaved": unsaved,
            "form": ItemForm(item, {}),
            "entries": [PartEntry(part=p) for p in version.typed_parts],
        },
    )


@login_required
@require_POST
def question_status(request: HttpRequest, course_slug: str, question_slug: str) -> HttpResponse:
    question = access_question_for_author(request.user, course_slug, question_slug)
    status = request.POST.get("status", "")
    if status not in Question.Status.values:
        messages.error(request, "Choose draft or published.")
    elif actions.set_status(question, user_of(request), status):
        messages.success(
            request,
            "Published: quizzes may now give it to students."
            if status == Question.Status.PUBLISHED
            else "Back to draft: students are not given it.",
        )
    return redirect("authoring:question_edit", question.course.slug, question.slug)


@login_required
@require_POST
def question_duplicate(request: HttpRequest, course_slug: str, question_slug: str) -> HttpResponse:
    question = access_question_for_author(request.user, course_slug, question_slug)
    copied = actions.duplicate_question(question, user_of(request))
    messages.success(request, f"This is a draft copy of “{question.slug}”.")
    return redirect("authoring:question_edit", copied.course.slug, copied.slug)


@login_required
@require_GET
def question_history(request: HttpRequest, course_slug: str, question_slug: str) -> HttpResponse:
    question = access_question_for_author(request.user, course_slug, question_slug)
    return render(
        request,
        "authoring/question_history.html",
        {
            "course": question.course,
            "question": question,
            "version": question.current,
            "versions": question.versions.order_by("-number"),
            "history": history_rows(question),
        },
    )
