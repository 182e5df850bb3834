"""The instructors' review queue: unsure grades first, one-click levels, keyboard shortcuts.

Every form works without JavaScript; htmx swaps only the criterion being changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from accounts.http import user_of
from courses.html import escape
from courses.numbers import two_places
from courses.reversing import url_of_id
from grading.rubric import Rubric
from quizzes.highlight import highlight
from quizzes.models import Answer, QuestionVersion
from quizzes.parts import TextResponse, parse_detail, rubric_of
from review import actions
from review.access import (
    access_answer_for_review,
    access_regrade_run,
    answers_for_review,
    decisions_for_review,
    regrade_runs_for_review,
    review_scope,
)
from review.agreement import MIN_ANSWERS, agreement_by_part
from review.forms import WAITING, DecisionForm, ReviewFilterForm
from review.groups import picked_first
from review.learning import learned_detail
from review.models import RegradeRequest


def _queue(
    user: Any, params: dict[str, str], course_ids: Collection[int] | None = None
) -> QuerySet[Answer]:
    """Free-text answers of submitted attempts in the user's courses, filtered; least
    confident first. Answers still waiting for the grader past STEPWISE_GRADER_WAIT_SECONDS
    (its worker died, say) come first: a person can grade them by hand. `course_ids`: see
    `answers_for_review`."""
    status = params.get("status") or Answer.Status.REVIEW
    waited = timezone.now() - timedelta(seconds=settings.STEPWISE_GRADER_WAIT_SECONDS)
    overdue = Q(status=Answer.Status.AWAITING, item__attempt__submitted_at__lt=waited)
    asked = Exists(
        RegradeRequest.objects.filter(answer=OuterRef("pk"), status=RegradeRequest.Status.OPEN)
    )
    answers = answers_for_review(user, course_ids).annotate(regrade_requested=asked)
    answers = answers.filter(Q(confidence__isnull=False) | Q(reviewed_by__isnull=False) | overdue)
    if status == Answer.Status.REVIEW:
        # a student's open regrade request brings a graded answer back to the queue
        answers = answers.filter(
            Q(status=Answer.Status.REVIEW) | overdue | Q(regrade_requested=True)
        )
    elif status == WAITING:
        answers = answers.filter(overdue)
    elif status != "all":
        answers = answers.filter(status=status)
    if params.get("course"):
        answers = answers.filter(item__attempt__quiz__course__slug=params["course"])
    if params.get("quiz"):
        answers = answers.filter(item__attempt__quiz__slug=params["quiz"])
    if params.get("question"):
        answers = answers.filter(item__version__question__slug=params["question"])
    if params.get("criterion"):
        # JSON containment is not portable to SQLite; the criterion id is matched in the text
        answers = answers.filter(detail__icontains=f'"criterion": "{params["criterion"]}"')
    if params.get("max_confidence"):
        with suppress(ValueError):
            answers = answers.filter(confidence__lte=float(params["max_confidence"]))
    return answers.order_by(
        F("regrade_requested").desc(), F("confidence").asc(nulls_first=True), "pk"
    )


def _params(request: HttpRequest) -> dict[str, str]:
    data = request.GET if request.method == "GET" else request.POST
    return ReviewFilterForm(data).params()


@dataclass
class OverrideRate:
    criterion: str
    decisions: int
    changed: int

    @property
    def percent(self) -> float:
        return round(100 * self.changed / self.decisions, 1) if self.decisions else 0.0


def override_rates(user: Any, course_ids: Collection[int] | None = None) -> list[OverrideRate]:
    """How often people changed the machine's level, per criterion (`course_ids`: see
    `answers_for_review`)."""
    decisions: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    # two columns per decision, no model objects: this runs on every load of the queue
    for after, detail in decisions_for_review(user, course_ids).values_list(
        "after", "answer__detail"
    ):
        machine = parse_detail(detail).machine_levels()
        for criterion, level in ((after or {}).get("levels") or {}).items():
            decisions[criterion] += 1
            changed[criterion] += int(machine.get(criterion) != level)
    return [OverrideRate(c, decisions[c], changed[c]) for c in sorted(decisions)]


@login_required
@permission_required("quizzes.change_answer", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    filters = ReviewFilterForm(request.GET)
    params = filters.params()
    # the courses and quizzes of the filter, in one query; their ids limit the other queries
    scope = review_scope(request.user)
    rows = _queue_rows(request.user, params, scope.course_ids)[:200]
    # pick first: per question part with many waiting answers, the most useful come first
    answers = picked_first(_shared_versions(list(rows)))
    _add_row_display(answers, params)
    return render(
        request,
        "review/queue.html",
        {
            "answers": answers,
            "params": params,
            "filter_errors": filters.messages(),
            "query": urlencode(params),
            "courses": scope.courses,
            "quizzes": scope.quizzes,
            "statuses": [
                (Answer.Status.REVIEW, "Being reviewed"),
                (WAITING, "Waiting for the grader"),
                (Answer.Status.GRADED, "Graded"),
                ("all", "All"),
            ],
            "rates": override_rates(request.user, scope.course_ids),
            "regrades": regrade_runs_for_review(request.user, scope.course_ids)
            .select_related("version")
            # what the list shows: the run's counts, its part and its version's title
            .only("part_id", "finished_at", "changed", "graded", "skipped_human", "version__title")
            .order_by("-enqueued_at")[:10],
            "first_url": _answer_url(answers[0], params) if answers else None,
            "grader_wait_minutes": round(settings.STEPWISE_GRADER_WAIT_SECONDS / 60),
        },
    )


# What the queue's rows read (see `_queue_rows`).
QUEUE_READ = (
    *(
        f.name
        for f in Answer._meta.concrete_fields
        if f.name not in ("detail",)  # the grading detail: the answer's page shows it
    ),
    "item__id",
    "item__attempt_id",
    "item__version_id",
    "item__position",
    *(
        f"item__version__{f.name}"
        for f in QuestionVersion._meta.concrete_fields
        if f.name not in ("stem_rendered", "explanation")
    ),
)


def _queue_rows(
    user: Any, params: dict[str, str], course_ids: Collection[int] | None = None
) -> QuerySet[Answer]:
    """The queue's answers with only what the queue page and "pick first" read: the answer
    (but its grading detail), its item and version (but the rendered stem and explanation),
    and the quiz's title and student's name as two columns rather than three more models per
    row (`tests/quizzes/test_page_queries.py` pins the queries, so a column read that is not
    here would show there as a query per row)."""
    return (
        _queue(user, params, course_ids)
        .select_related(None)
        .select_related("item__version")
        .annotate(
            quiz_title=F("item__attempt__quiz__title"),
            student_name=F("item__attempt__student__username"),
        )
        .only(*QUEUE_READ)
    )


def _shared_versions(answers: list[Answer]) -> list[Answer]:
    """One `QuestionVersion` object per version among `answers` (each row of the join brings
    its own copy): its typed parts and rubric are then parsed once per version, not per
    answer."""
    seen: dict[int, QuestionVersion] = {}
    for answer in answers:
        version = seen.setdefault(answer.item.version_id, answer.item.version)
        if version is not answer.item.version:
            answer.item.version = version
    return answers


def _add_row_display(answers: list[Answer], params: dict[str, str]) -> None:
    """Each row's HTML as `row_html`, built here rather than by the template (twenty or so
    lookups and tests a row): its links (the answer's keeps the filters), numbers and notes."""
    query = f"?{urlencode(params)}" if params else ""
    answer_url, groups_url = url_of_id("review:answer"), url_of_id("review:groups")
    for a in answers:
        note = getattr(a, "pick_note", "")
        if a.status == Answer.Status.AWAITING:
            confidence = "waiting for the grader"
        else:
            confidence = two_places(a.confidence)
        points = "—" if a.points is None else two_places(a.points, drop_zeros=True)
        question = [
            f'<a href="{escape(answer_url(a.pk) + query)}">{escape(a.item.version.title)}</a>'
        ]
        if getattr(a, "regrade_requested", False):
            question.append(' <strong class="tag">regrade requested</strong>')
        if note:
            question.append(f'<br><small class="pick-note">{escape(note)}</small>')
        if a.status == Answer.Status.REVIEW:
            question.append(f' · <a href="{escape(groups_url(a.pk))}">groups</a>')
        cells = (
            escape(confidence),
            "".join(question),
            escape(getattr(a, "quiz_title", "")),
            escape(getattr(a, "student_name", "")),
            f"{escape(points)} / {escape(two_places(a.max_points, drop_zeros=True))}",
        )
        row = "".join(f"<td>{cell}</td>" for cell in cells)
        a.row_html = SafeString(  # type: ignore[attr-defined]
            f'<tr class="picked">{row}</tr>' if note else f"<tr>{row}</tr>"
        )


def _answer_url(answer: Answer, params: dict[str, str]) -> str:
    url = reverse("review:answer", args=[answer.pk])
    return f"{url}?{urlencode(params)}" if params else url


def _criteria(
    answer: Answer, rubric: Rubric, chosen: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    detail = answer.typed_detail
    machine = {c.criterion: c for c in detail.criteria}
    rows = []
    for number, criterion in enumerate(rubric.criteria, start=1):
        m = machine.get(criterion.id)
        level = (chosen or {}).get(
            criterion.id, detail.human.get(criterion.id, m.level if m else 0)
        )
        rows.append(
            {
                "number": number,
                "criterion": criterion,
                "levels": list(enumerate(criterion.levels)),
                "level": level,
                "machine_level": m.level if m else None,
                "confidence": m.confidence if m else None,
                "note": m.note if m else "",
                "matched": m.matched if m else [],
                "missed": m.missed if m else [],
            }
        )
    return rows


def _chosen_options(
    version: QuestionVersion, choices: dict[str, list[str]]
) -> list[tuple[str, list[str]]]:
    """What the student picked in each choice part, as the part's prompt and the options' texts
    (an option the version no longer has keeps its id)."""
    shown = []
    for part_id, picked in choices.items():
        part = version.part(part_id)
        texts = {o.id: o.text for o in getattr(part, "options", [])}
        shown.append(((part.prompt if part else "") or part_id, [texts.get(i, i) for i in picked]))
    return shown


@login_required
@permission_required("quizzes.change_answer", raise_exception=True)
def answer_view(request: HttpRequest, answer_id: int) -> HttpResponse:
    answer = access_answer_for_review(request.user, answer_id)
    params = _params(request)
    try:
        rubric = rubric_of(answer.item, answer.part_id)
    except ValueError:  # a choice, matching or ordering part: graded exactly, never reviewed
        raise Http404("No written answer to grade here.") from None
    ids = list(_queue(request.user, params).values_list("pk", flat=True)[:500])
    position = ids.index(answer.pk) if answer.pk in ids else None
    neighbours = {
        "previous": ids[position - 1] if position is not None and position > 0 else None,
        "next": ids[position + 1]
        if position is not None and position + 1 < len(ids)
        else (ids[0] if ids and ids[0] != answer.pk and position is None else None),
    }
    error = ""
    if request.method == "POST":
        form = DecisionForm(rubric, request.POST)
        levels = form.levels()
        if form.accepting and form.comment_error():
            error = form.comment_error()
        elif form.accepting:
            try:
                actions.decide_answer(
                    answer,
                    user_of(request),
                    levels,
                    form.cleaned_data["comment"],
                    reply=form.reply_text(),
                )
            except actions.DecisionError as exc:
                error = str(exc)
            else:
                messages.success(request, "Grade saved.")
                following = neighbours["next"] if neighbours["next"] != answer.pk else None
                target = (
                    reverse("review:answer", args=[following])
                    if following
                    else reverse("review:queue")
                )
                return redirect(f"{target}?{urlencode(params)}" if params else target)
        answer.refresh_from_db()
        if error:
            answer.comment = form.comment_as_typed()  # shown again as typed, not saved
        chosen = levels
    else:
        chosen = None
    text = TextResponse.read(answer.response).text
    criteria = _criteria(answer, rubric, chosen)
    context = {
        "answer": answer,
        "version": answer.item.version,
        "part": answer.item.version.part(answer.part_id),
        "choices": _chosen_options(answer.item.version, actions.choices_of(answer.item)),
        "highlighted": highlight(
            text,
            [c.evidence for c in answer.typed_detail.criteria],
            numbered=True,
        ),
        "criteria": criteria,
        "total": sum(
            c["criterion"].levels[c["level"]].points
            for c in criteria
            if c["level"] < len(c["criterion"].levels)
        ),
        "max_total": rubric.max_score,
        "params": params,
        "query": urlencode(params),
        "neighbours": neighbours,
        "error": error,
        "decisions": answer.decisions.select_related("user")[:10],
        "model_answers": rubric.model_answers,
        "graded_like": _graded_like(request.user, answer),
        "learned": learned_detail(answer.detail),
        "requests": list(
            answer.regrade_requests.filter(status=RegradeRequest.Status.OPEN).order_by("pk")
        ),
        "titles": {c.id: c.title for c in rubric.criteria},
    }
    if getattr(request, "htmx", False) and request.method == "POST":
        return render(
            request, "review/answer.html#grade-panel", context, status=422 if error else 200
        )
    return render(request, "review/answer.html", context, status=422 if error else 200)


def _graded_like(user: Any, answer: Answer) -> list[dict[str, Any]]:
    """The graded answers the learned grader found most like this one ("graded like these
    answers"), with the person's grade of each; one query."""
    neighbours = learned_detail(answer.detail).neighbours
    if not neighbours:
        return []
    found = {
        a.pk: a
        for a in answers_for_review(user)
        .filter(pk__in=[n.answer for n in neighbours])
        .select_related(None)
        .only("pk", "response", "points", "max_points", "reviewed_by")
    }
    return [
        {"answer": found[n.answer], "similarity": n.similarity}
        for n in neighbours
        if n.answer in found
    ]


@login_required
@permission_required("quizzes.change_answer", raise_exception=True)
def agreement_view(request: HttpRequest) -> HttpResponse:
    """Per question part and criterion: changed grades and machine-person kappa."""
    decided = list(
        answers_for_review(request.user).filter(reviewed_by__isnull=False).order_by("pk")
    )
    return render(
        request,
        "review/agreement.html",
        {"parts": agreement_by_part(decided), "min_answers": MIN_ANSWERS},
    )


@login_required
@permission_required("quizzes.change_answer", raise_exception=True)
def regrade_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_regrade_run(request.user, run_id)
    answers = Answer.objects.filter(pk__in=run.changed_answers).select_related(
        "item__attempt__student", "item__attempt__quiz"
    )
    statuses = dict(Answer.Status.choices)
    changed = []
    for answer in answers:
        was = run.before.get(str(answer.pk))  # runs before this field have no record
        levels_now = [c.level for c in answer.typed_detail.criteria]
        changed.append(
            {
                "answer": answer,
                "was": was,
                "was_status": statuses.get(was["status"], "") if was else "",
                "levels_only": bool(
                    was
                    and was["points"] == answer.points
                    and was["status"] == answer.status
                    and was["levels"] != levels_now
                ),
            }
        )
    return render(request, "review/regrade.html", {"run": run, "changed": changed})
