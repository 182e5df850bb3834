"""Answer groups: a question part's waiting answers, similar ones together, and one decision
for a whole group (each member confirmed or split out; a GradeDecision each).

Works without JavaScript: the group page is a plain form with a checkbox per member."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.http import user_of
from quizzes.models import Answer
from quizzes.parts import rubric_of
from review import actions
from review.access import access_answer_for_review, answers_of_part_for_review
from review.forms import GroupDecisionForm
from review.groups import GROUP_LIMIT, differences, group_containing, groups_of, text_of


def _waiting(user: Any, version_id: int, part_id: str) -> list[Answer]:
    return list(
        answers_of_part_for_review(user, version_id, part_id)
        .filter(status=Answer.Status.REVIEW, reviewed_by__isnull=True)
        .order_by("pk")[:GROUP_LIMIT]
    )


@login_required
@permission_required("quizzes.change_answer", raise_exception=True)
def part_groups(request: HttpRequest, answer_id: int) -> HttpResponse:
    """The groups of the waiting answers of `answer_id`'s question part."""
    answer = access_answer_for_review(request.user, answer_id)
    try:
        rubric_of(answer.item, answer.part_id)
    except ValueError:
        raise Http404("No written answers to group here.") from None
    answers = _waiting(request.user, answer.item.version_id, answer.part_id)
    groups = groups_of(answers)
    return render(
        request,
        "review/groups.html",
        {
            "version": answer.item.version,
            "part": answer.item.version.part(answer.part_id),
            "groups": [{"first": g[0], "members": g, "size": len(g)} for g in groups],
            "answers": len(answers),
        },
    )


@login_required
@permission_required("quizzes.change_answer", raise_exception=True)
def group_view(request: HttpRequest, answer_id: int) -> HttpResponse:
    """The group holding `answer_id` among its part's waiting answers; POST grades it."""
    answer = access_answer_for_review(request.user, answer_id)
    try:
        rubric = rubric_of(answer.item, answer.part_id)
    except ValueError:
        raise Http404("No written answers to group here.") from None
    groups_url = reverse("review:groups", args=[answer.pk])
    group = group_containing(
        _waiting(request.user, answer.item.version_id, answer.part_id), answer.pk
    )
    if not group:
        messages.info(request, "That answer has a grade now; here are the groups still waiting.")
        return redirect(groups_url)
    ids = [a.pk for a in group]
    error = ""
    form = GroupDecisionForm(rubric, ids, request.POST or None)
    chosen: dict[str, int] = {}
    confirmed = set(ids)
    if request.method == "POST":
        chosen = form.levels()
        confirmed = set(form.members())
        error = form.member_error() or form.comment_error()
        if not error and not confirmed:
            error = "Tick at least one answer to grade (the others stay in the queue)."
        if not error:
            members = [a for a in group if a.pk in confirmed]
            try:
                decisions = actions.decide_group(
                    members, user_of(request), chosen, form.cleaned_data["comment"]
                )
            except actions.DecisionError as exc:
                error = str(exc)
            else:
                split = len(group) - len(decisions)
                messages.success(
                    request,
                    f"Graded {len(decisions)} answer{'s' if len(decisions) != 1 else ''} at once"
                    + (f"; {split} split out, still in the queue." if split else "."),
                )
                return redirect(groups_url)
    first_text = text_of(group[0])
    shown: list[dict[str, Any]] = [
        {
            "answer": a,
            "student": a.item.attempt.student.username,
            "text": differences(first_text, text_of(a)) if i else first_text,
            "checked": a.pk in confirmed,
        }
        for i, a in enumerate(group)
    ]
    machine = group[0].typed_detail.machine_levels()
    criteria = [
        {
            "criterion": c,
            "levels": list(enumerate(c.levels)),
            "level": chosen.get(c.id, machine.get(c.id, 0)),
        }
        for c in rubric.criteria
    ]
    return render(
        request,
        "review/group.html",
        {
            "anchor": answer,
            "version": answer.item.version,
            "part": answer.item.version.part(answer.part_id),
            "members": shown,
            "criteria": criteria,
            "comment": form.comment_as_typed() if request.method == "POST" else "",
            "error": error,
            "groups_url": groups_url,
        },
        status=422 if error else 200,
    )
