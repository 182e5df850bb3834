"""Quiz pages: take a quiz (one question per page or all on one), review, submit, results.

Every form is a real POST form; htmx only autosaves it as it changes and swaps in the
"saved" status. A non-htmx POST redirects (POST/redirect/GET).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.http import user_of
from accounts.zones import use_course_zone
from courses.access import access_course
from quizzes import actions
from quizzes.access import access_attempt, access_quiz, access_results
from quizzes.accommodations import accommodation_of, closed_for_everyone_at, window_of
from quizzes.entries import (
    ItemEntry,
    PartEntry,
    SummaryRow,
)
from quizzes.extensions import quiz_instructor_links, result_links
from quizzes.feedback import (
    PENDING,
    Mark,
    breakdown,
    breakdown_html,
    concepts_of_questions,
    item_shown,
    mark_of,
    part_feedback,
    question_html,
)
from quizzes.forms import HEADER_PLACES, AnswersPost, ItemForm, position_in
from quizzes.models import Answer, Attempt, AttemptItem, Quiz, with_answers
from quizzes.spreadsheet import csv_response
from quizzes.visibility import EVERYTHING, Moment, Shown, next_change, shown_to
from quizzes.visibility import summary as review_summary


@dataclass
class ResultRow:
    attempt: Attempt
    duration: timedelta | None
    per_question: list[Mark]


def quiz_list(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = access_course(course_slug)
    quizzes = course.quizzes.select_related("chapter").order_by("chapter__position", "title")
    return render(request, "quizzes/quiz_list.html", {"course": course, "quizzes": quizzes})


def quiz_detail(request: HttpRequest, course_slug: str, quiz_slug: str) -> HttpResponse:
    quiz = access_quiz(course_slug, quiz_slug)
    use_course_zone(request, quiz.course.time_zone)
    now = timezone.now()
    attempts = []
    left = None
    grade = None
    accommodation = None
    if request.user.is_authenticated:
        accommodation = accommodation_of(quiz, user_of(request))
        # An attempt past its deadline is submitted when seen, so the page never offers to
        # continue an attempt that is over (a closed quiz ends its attempts at closing time).
        attempts = [
            actions.finish_overdue(a, now=now)
            for a in quiz.attempts.filter(student=user_of(request)).order_by("number")
        ]
    window = window_of(quiz, accommodation)
    if request.user.is_authenticated:
        left = actions.attempts_left(quiz, user_of(request), window)
        grade = _visible_grade(request, quiz, attempts, now)
    return render(
        request,
        "quizzes/quiz.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "attempts": attempts,
            "attempt_rows": _attempt_rows(request, attempts, now),
            "attempts_left": left,
            "open_attempt": next((a for a in attempts if not a.is_submitted), None),
            "grade": grade,
            "review_summary": review_summary(quiz.review_matrix),
            "window": window,
            "accommodated": accommodation is not None,
            "not_open_yet": window.not_open_yet(now),
            "closed": window.closed(now),
        },
    )


@dataclass
class AttemptRow:
    """An attempt in a list, with whether its marks may be shown now (the review options)."""

    attempt: Attempt
    marks: bool


def _attempt_rows(request: HttpRequest, attempts: list[Attempt], now: Any) -> list[AttemptRow]:
    return [
        AttemptRow(a, a.is_submitted and shown_to(request.user, a, now).marks) for a in attempts
    ]


def _visible_grade(
    request: HttpRequest, quiz: Quiz, attempts: list[Attempt], now: Any
) -> float | None:
    """The quiz grade, shown only when the marks of every attempt it combines may be shown."""
    counted = [a for a in attempts if a.is_submitted and not a.pending_parts]
    if not all(shown_to(request.user, a, now).marks for a in counted):
        return None
    return actions.quiz_grade(quiz, attempts)


@login_required
@require_POST
def start(request: HttpRequest, course_slug: str, quiz_slug: str) -> HttpResponse:
    quiz = access_quiz(course_slug, quiz_slug)
    use_course_zone(request, quiz.course.time_zone)  # the refusal names times
    try:
        attempt = actions.start_attempt(quiz, user_of(request))
    except actions.QuizError as exc:
        messages.error(request, str(exc))
        return redirect(quiz)
    return redirect("quizzes:attempt", attempt.pk)


def _items(attempt: Attempt) -> list[AttemptItem]:
    return with_answers(list(attempt.items.select_related("version").order_by("position")))


def _items_at(
    attempt: Attempt, positions: set[int], *, answers: bool = True
) -> tuple[list[AttemptItem], int]:
    """The attempt's items at `positions` (with versions, and answers unless `answers` is
    false) and how many items the attempt has: the same queries as `_items`, but the rows of
    the questions the request shows or saves only, not every version's stem and parts.
    Positions outside the attempt are left out. The count is the attempt's `item_count`;
    for a row without it, a subquery, or one more query when no position is inside."""
    total = (
        AttemptItem.objects.filter(attempt_id=OuterRef("attempt_id"))
        .order_by()
        .values("attempt_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    rows = attempt.items.filter(position__in=positions).select_related("version")
    if attempt.item_count is not None:  # stored when the attempt started
        found, count = list(rows.order_by("position")), attempt.item_count
    else:
        found = list(rows.annotate(total=Subquery(total)).order_by("position"))
        count = found[0].total if found else attempt.items.count()  # type: ignore[attr-defined]
    return (with_answers(found) if answers else found), count


MOST_QUESTIONS = 100_000  # beyond any attempt: a forged position past it is never looked up


def _posted_items(attempt: Attempt, data: QueryDict) -> tuple[list[AttemptItem], int]:
    """The items a post of the attempt page needs (`AnswersPost.positions_named`, and the
    page's question as kept within the attempt) and how many items the attempt has.

    Without their saved answers: a posted form shows what was posted, never what was saved
    (`ItemForm` is bound), so a save reads no answers; a refused save that shows a question
    again reads that question's answers then."""
    named = {p for p in AnswersPost.positions_named(data) if p <= MOST_QUESTIONS}
    items, count = _items_at(attempt, named, answers=False)
    page = position_in(data.get("position"), count)
    if count and page not in named:  # a position past the last question: the last one
        items, count = _items_at(attempt, named | {page}, answers=False)
    return items, count


def _posted_with_attempt(
    user: Any, attempt_id: int, data: QueryDict
) -> tuple[Attempt, list[AttemptItem], int] | None:
    """A post of the attempt page in one query where it can be: the student's attempt (with
    its quiz and course, as `access_attempt` reads it), the posted items with their versions
    and the number of items, as `_posted_items` gives them. None when no posted position is a
    question of the student's attempt (or the attempt is not theirs, or has no stored
    `item_count`): the caller then reads the attempt and its items apart."""
    named = {p for p in AnswersPost.positions_named(data) if p <= MOST_QUESTIONS}
    rows = list(
        AttemptItem.objects.select_related("version", "attempt__quiz__course")
        .filter(attempt_id=attempt_id, attempt__student_id=user.pk, position__in=named)
        .order_by("position")
    )
    attempt = rows[0].attempt if rows else None
    count = attempt.item_count if attempt is not None else None
    if attempt is None or count is None:
        return None
    for row in rows:  # one attempt object for every item, as `_items_at` gives them
        row.attempt = attempt
    if position_in(data.get("position"), count) not in named:  # past the last question
        return attempt, *_posted_items(attempt, data)
    return attempt, rows, count


def _one_shown(attempt: Attempt, asked: str | None) -> tuple[list[AttemptItem], int, int]:
    """The one-question page's question (`?n=`, kept within the attempt), its position and
    the number of questions."""
    wanted = position_in(asked, 1 << 30)
    shown, count = _items_at(attempt, {wanted})
    if not shown and count:  # past the last question: the last one, as `position_in` says
        wanted = count
        shown, count = _items_at(attempt, {wanted})
    return shown, (wanted if count else 0), count


def _item_context(
    attempt: Attempt,
    item: AttemptItem,
    form: ItemForm | None = None,
    shown: Shown | None = None,
    *,
    answering: bool = True,
) -> ItemEntry:
    """One question with what may be shown of it: `shown` on the result page; on the attempt
    page, the matrix's "during" row once the question is checked. The answer form is built
    only where the page shows its inputs (`answering`)."""
    answers = {a.part_id: a for a in item.saved_answers}
    shown = item_shown(attempt, item) if shown is None else shown
    parts = []
    answered = True
    for part in item.version.typed_parts:
        answer = answers.get(part.id)
        response = part.response(answer.response if answer else None)
        answered = answered and part.is_answered(response)
        feedback = part_feedback(part, answer, response, shown) if shown.correctness else None
        parts.append(PartEntry(part=part, answer=answer, feedback=feedback))
    return ItemEntry(
        item=item,
        form=form or (ItemForm(item, answers) if answering else None),
        parts=parts,
        show_feedback=shown.feedback,
        answered=answered,
    )


@login_required
def attempt_page(request: HttpRequest, attempt_id: int) -> HttpResponse:
    htmx = bool(getattr(request, "htmx", False))
    # A save reads the attempt with the posted questions in one query where it can (an
    # autosave's case), else the attempt alone first.
    posted = (
        _posted_with_attempt(request.user, attempt_id, request.POST)
        if request.method == "POST"
        else None
    )
    attempt = posted[0] if posted else access_attempt(request.user, attempt_id)
    attempt = actions.finish_overdue(attempt)
    if attempt.is_submitted and request.method == "GET":
        return redirect(_over_url(attempt))
    one_per_page = attempt.quiz.layout == Quiz.Layout.ONE_PER_PAGE
    if request.method == "POST":
        # Only a full page shown again with all questions on it needs every item; the rest
        # (a one-question page, any htmx save) reads the posted questions' items only.
        if one_per_page or htmx:
            items, count = posted[1:] if posted else _posted_items(attempt, request.POST)
            return _save(request, attempt, items, count)
        items = _items(attempt)
        return _save(request, attempt, items, len(items))
    if one_per_page:
        shown, position, count = _one_shown(attempt, request.GET.get("n"))
    else:
        shown = _items(attempt)
        position, count = None, len(shown)
    entries = [_item_context(attempt, item) for item in shown]
    return _attempt_page(request, attempt, entries, position, count)


def _over_url(attempt: Attempt) -> str:
    """Where a submitted attempt's pages send the student: "time is up" if the clock ended it."""
    name = "quizzes:time_up" if attempt.timed_out else "quizzes:result"
    return reverse(name, args=[attempt.pk])


def _attempt_page(
    request: HttpRequest,
    attempt: Attempt,
    entries: list[ItemEntry],
    position: int | None,
    count: int,
    status: int = 200,
) -> HttpResponse:
    """The attempt page: on GET, and again with the refused answers when a save is invalid."""
    one_per_page = attempt.quiz.layout == Quiz.Layout.ONE_PER_PAGE
    use_course_zone(request, attempt.quiz.course.time_zone)
    now = timezone.now()
    return render(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "entries": entries,
            "position": position if one_per_page else None,
            "count": count,
            "one_per_page": one_per_page,
            "now": now,
            # The server's clock decides: the page's countdown starts from these seconds.
            "remaining": (
                max(0, int((attempt.deadline - now).total_seconds())) if attempt.deadline else None
            ),
        },
        status=status,
    )


def _save(
    request: HttpRequest, attempt: Attempt, items: list[AttemptItem], count: int
) -> HttpResponse:
    """Save the posted items (`items`: at least those the post names, of `count`); then go
    where the button said (a question, review, a header link, log out), or stay (save, check)."""
    post = AnswersPost(request.POST, items, count=count)
    if post.refusal:
        return _refuse(request, attempt, post.refusal, post.position)
    try:
        actions.save_page(attempt, post.saves(), posted=bool(post.posted))
        to_check = None if post.invalid else post.to_check()
        if to_check is not None:
            actions.check_item(attempt, to_check)
    except actions.QuizError as exc:
        return _refuse(request, attempt, str(exc), post.position)
    return _saved(request, attempt, items, post)


def _saved(
    request: HttpRequest, attempt: Attempt, items: list[AttemptItem], post: AnswersPost
) -> HttpResponse:
    """The answer to a save: the "saved" status (htmx), the page again with the refused
    answers (422), or a redirect where the button said."""
    htmx = bool(getattr(request, "htmx", False))
    if post.invalid:
        if htmx:
            return render(
                request,
                "quizzes/attempt.html#save-status",
                {
                    "problems": post.problems(),
                    "saved_at": timezone.now() if post.saved_any else None,
                    "item": post.invalid[0].item,
                },
            )
        bad = {f.item.position: f for f in post.invalid}
        one_per_page = attempt.quiz.layout == Quiz.Layout.ONE_PER_PAGE
        shown = [post.by_position[post.position]] if one_per_page else items
        entries = [_item_context(attempt, item, bad.get(item.position)) for item in shown]
        if post.saved_any:
            messages.info(request, "Your other answers are saved.")
        return _attempt_page(request, attempt, entries, post.position, post.count, status=422)
    if htmx:
        return render(
            request,
            "quizzes/attempt.html#save-status",
            {"saved_at": timezone.now(), "item": post.forms[0].item if post.forms else None},
        )
    where = post.nav.destination()
    if post.nav.stays:
        messages.success(request, "Your answers are saved.")
    for problem in post.nav.problems():
        messages.error(request, problem)
    if where.log_out:
        auth_logout(request)
        return redirect(settings.LOGOUT_REDIRECT_URL)
    if where.place:
        return redirect(HEADER_PLACES[where.place])
    if where.review:
        return redirect("quizzes:summary", attempt.pk)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    if attempt.quiz.layout == Quiz.Layout.ONE_PER_PAGE:
        url += f"?n={where.position}"
    return redirect(url)


@require_POST
def autosave(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """What the attempt page's script sends as the student leaves (before following a link,
    and by `navigator.sendBeacon` when the page is hidden): the answer form, with the CSRF
    token in its body. Saved exactly as the page saves it; the answer is a status for the
    script, never a page or a message. No @login_required: a script gets 404, not a login page.

    204 saved · 422 some questions refused (`problems`; the rest saved) · 409 nothing saved
    (`message`, and `redirect` when the attempt is over)."""
    attempt = actions.finish_overdue(access_attempt(request.user, attempt_id))
    named, count = _posted_items(attempt, request.POST)
    post = AnswersPost(request.POST, named, count=count)
    refused = post.refusal
    if not refused:
        try:
            actions.save_page(attempt, post.saves(), posted=bool(post.posted))
        except actions.QuizError as exc:
            refused = str(exc)
    if refused:
        attempt.refresh_from_db()
        over = {"redirect": _over_url(attempt)} if attempt.is_submitted else {}
        return JsonResponse({"message": refused, **over}, status=409)
    if post.invalid:
        return JsonResponse({"problems": post.problems()}, status=422)
    return HttpResponse(status=204)


@login_required
def time_up(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Where an attempt ended by its deadline lands: what was saved was submitted."""
    attempt = actions.finish_overdue(access_attempt(request.user, attempt_id))
    if not attempt.is_submitted:
        return redirect("quizzes:attempt", attempt.pk)
    if not attempt.timed_out:
        return redirect("quizzes:result", attempt.pk)
    use_course_zone(request, attempt.quiz.course.time_zone)
    items = _items(attempt)
    answered = 0
    for item in items:
        answers = {a.part_id: a.response for a in item.saved_answers}
        answered += any(
            p.is_answered(p.response(answers.get(p.id))) for p in item.version.typed_parts
        )
    return render(
        request,
        "quizzes/time_up.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "answered": answered,
            "count": len(items),
        },
    )


def _results_csv(quiz: Quiz, rows: list[ResultRow]) -> HttpResponse:
    """One row per attempt, one column per question (by slug, not position: drawn and
    shuffled attempts put different questions at a position). A cell holds the points earned,
    "pending" while a written answer awaits grading, or nothing if the attempt did not draw
    that question; an attempt with answers being graded has "pending" as its percent."""
    slugs: dict[str, None] = {}
    for r in rows:
        for item in r.attempt.items.all():
            slugs.setdefault(item.version.question.slug, None)
    header = ["student", "name", "email", "attempt", "started", "submitted", "seconds"]
    header += ["score", "max_score", "percent", "pending", *slugs]
    lines = []
    for r in rows:
        a = r.attempt
        cells: dict[str, object] = {}
        for item in a.items.all():
            answers = list(item.answers.all())
            cells[item.version.question.slug] = (
                "pending"
                if mark_of(answers) == "pending"
                else round(sum(x.points or 0 for x in answers), 4)
            )
        lines.append(
            [
                a.student.username,
                a.student.get_full_name(),
                a.student.email,
                a.number,
                a.started_at.isoformat(),
                a.submitted_at.isoformat() if a.submitted_at else "",
                int(r.duration.total_seconds()) if r.duration else "",
                a.score if a.score is not None else "",
                a.max_score if a.max_score is not None else "",
                "pending" if a.pending_parts else (a.percent if a.percent is not None else ""),
                a.pending_parts,
                *(cells.get(slug, "") for slug in slugs),
            ]
        )
    return csv_response(f"{quiz.slug}-results.csv", header, lines)


def _refuse(request: HttpRequest, attempt: Attempt, message: str, position: int) -> HttpResponse:
    attempt.refresh_from_db()
    if attempt.is_submitted:
        target = _over_url(attempt)
        if not attempt.timed_out:  # the "time is up" page says it all
            messages.error(request, message)
    else:
        target = reverse("quizzes:attempt", args=[attempt.pk])
        messages.error(request, message)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
def summary(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = actions.finish_overdue(access_attempt(request.user, attempt_id))
    if attempt.is_submitted:
        return redirect(_over_url(attempt))
    rows = []
    for item in _items(attempt):
        answers = {a.part_id: a.response for a in item.saved_answers}
        done = [p.is_answered(p.response(answers.get(p.id))) for p in item.version.typed_parts]
        rows.append(SummaryRow(item=item, answered=all(done), partly=any(done) and not all(done)))
    return render(
        request,
        "quizzes/summary.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "rows": rows,
            "unanswered": sum(1 for r in rows if not r.answered),
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = actions.finish_overdue(access_attempt(request.user, attempt_id))
    if attempt.timed_out:
        return redirect("quizzes:time_up", attempt.pk)
    if attempt.is_submitted:
        messages.info(request, "This attempt was already submitted; it was graded once.")
        return redirect("quizzes:result", attempt.pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm that you want to submit.")
        return redirect("quizzes:summary", attempt.pk)
    actions.submit_attempt(attempt)
    messages.success(request, "Your attempt is submitted.")
    return redirect("quizzes:result", attempt.pk)


@login_required
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = actions.finish_overdue(access_attempt(request.user, attempt_id))
    if not attempt.is_submitted:
        return redirect("quizzes:attempt", attempt.pk)
    use_course_zone(request, attempt.quiz.course.time_zone)
    items = _items(attempt)
    concepts_of = concepts_of_questions({i.version.question_id for i in items})
    shown = shown_to(request.user, attempt)
    answers = [a for item in items for a in item.saved_answers]
    statuses = [a.status for a in answers]
    graded = [a for a in answers if a.status not in PENDING]
    waited = timezone.now() - timedelta(seconds=settings.STEPWISE_GRADER_WAIT_SECONDS)
    coming = next_change(attempt) if shown != EVERYTHING else None
    summary = breakdown(items, concepts_of) if shown.correctness else None
    return render(
        request,
        "quizzes/result.html",
        {
            "awaiting": statuses.count(Answer.Status.AWAITING),
            # The grader has not come (its worker died?): the answers are in the review queue.
            "grader_late": attempt.submitted_at is not None and attempt.submitted_at < waited,
            "in_review": statuses.count(Answer.Status.REVIEW),
            # While answers are pending the score covers the graded points only (no percentage,
            # no pass or fail until everything is graded: docs/grading.md).
            "graded_max": round(sum(a.max_points or 0 for a in graded), 4),
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.course,
            "entries": [
                question_html(_item_context(attempt, item, shown=shown, answering=False))
                for item in items
            ]
            if shown.correctness
            else [],
            "shown": shown,
            "next_change": coming,
            # "After the quiz closes" waits for the last accommodated student's own close.
            "review_closes_at": (
                closed_for_everyone_at(attempt.quiz) if coming == Moment.AFTER_CLOSE else None
            ),
            "breakdown": summary,
            "breakdown_html": breakdown_html(summary.sections) if summary else "",
            "passed": attempt.percent is not None and attempt.percent >= attempt.quiz.pass_mark,
            "answer_links": result_links(request.user, attempt, answers, shown),
        },
    )


@login_required
def my_attempts(request: HttpRequest) -> HttpResponse:
    attempts = list(
        Attempt.objects.filter(student=user_of(request))
        .select_related("quiz__course")
        .order_by("-started_at")
    )
    by_quiz: dict[int, list[Attempt]] = {}
    for a in attempts:
        by_quiz.setdefault(a.quiz_id, []).append(a)
    now = timezone.now()
    grades = []
    for group in by_quiz.values():  # the quiz attempted most recently first
        quiz = group[0].quiz
        oldest_first = sorted(group, key=lambda a: a.number)
        grades.append(
            {
                "quiz": quiz,
                "grade": _visible_grade(request, quiz, oldest_first, now),
                # the attempts `quiz_grade` combines: submitted, graded, with a score
                "counted": sum(
                    1
                    for a in group
                    if a.is_submitted and not a.pending_parts and a.percent is not None
                ),
                "being_graded": sum(1 for a in group if a.is_submitted and a.pending_parts),
            }
        )
    return render(
        request,
        "quizzes/my_attempts.html",
        {"attempts": attempts, "rows": _attempt_rows(request, attempts, now), "grades": grades},
    )


@login_required
def results(request: HttpRequest, course_slug: str, quiz_slug: str) -> HttpResponse:
    quiz = access_results(request.user, course_slug, quiz_slug)
    use_course_zone(request, quiz.course.time_zone)
    attempts = list(
        quiz.attempts.select_related("student")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=AttemptItem.objects.select_related("version__question")
                .prefetch_related("answers")
                .order_by("position"),
            )
        )
        .order_by("student__username", "number")
    )
    rows = []
    for a in attempts:
        duration = (a.submitted_at - a.started_at) if a.submitted_at else None
        per_question = [mark_of(list(item.answers.all())) for item in a.items.all()]
        rows.append(ResultRow(a, duration, per_question))
    if request.GET.get("format") == "csv":
        return _results_csv(quiz, rows)
    # The class's sub-scores over every submitted attempt (pending answers counted apart).
    submitted_items = [item for a in attempts if a.is_submitted for item in a.items.all()]
    concepts_of = concepts_of_questions({i.version.question_id for i in submitted_items})
    return render(
        request,
        "quizzes/results.html",
        {
            "quiz": quiz,
            "course": quiz.course,
            "rows": rows,
            "breakdown": breakdown(submitted_items, concepts_of) if submitted_items else None,
            "instructor_links": quiz_instructor_links(quiz),
        },
    )
