"""What a student sees of the review room: asking for a regrade, their requests and replies,
and their notifications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.http import user_of
from quizzes.parts import rubric_of
from review import actions, notify
from review.access import (
    access_own_answer_for_regrade,
    notifications_of,
    regrade_requests_of,
)
from review.forms import RegradeRequestForm
from review.models import RegradeRequest


@login_required
def request_regrade(request: HttpRequest, answer_id: int) -> HttpResponse:
    answer = access_own_answer_for_regrade(request.user, answer_id)
    rubric = rubric_of(answer.item, answer.part_id)
    form = RegradeRequestForm(rubric, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_regrade(
                answer,
                user_of(request),
                form.cleaned_data["criterion"],
                form.cleaned_data["reason"],
            )
        except actions.RegradeRequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your request is with your instructor.")
            return redirect("review:my_requests")
    open_requests = answer.regrade_requests.filter(status=RegradeRequest.Status.OPEN)
    titles = {c.id: c.title for c in rubric.criteria}
    return render(
        request,
        "review/request_regrade.html",
        {
            "answer": answer,
            "part": answer.item.version.part(answer.part_id),
            "form": form,
            "asked": [titles.get(r.criterion, r.criterion) for r in open_requests],
            "closes_at": actions.regrade_requests_close_at(answer),
            "result_url": reverse("quizzes:result", args=[answer.item.attempt_id]),
            "reason_min": actions.REASON_MIN,
            "reason_max": actions.REASON_MAX,
        },
        status=422 if form.errors else 200,
    )


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "review/my_requests.html",
        {"requests": regrade_requests_of(request.user).order_by("-created_at")[:100]},
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notify.mark_all_read(user_of(request))
        return redirect("review:notifications")
    notices = list(notifications_of(request.user)[:100])
    notify.refresh_unread(user_of(request).pk)
    return render(request, "review/notifications.html", {"notices": notices})
