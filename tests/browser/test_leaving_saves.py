"""Nothing typed is lost by leaving the attempt page at once, with JavaScript on or off.

For every part kind: change the answer and, immediately (well within 100 ms), leave by a
question number or a header link; with JavaScript on also by a link in the question text and by
going to another address. Then count what the database holds. Also: the countdown, its
warnings, and the "time is up" page when it reaches zero.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from content_io.course import import_course
from quizzes.actions import start_attempt
from quizzes.models import Answer, Attempt, QuestionVersion, Quiz
from tests.browser.conftest import screenshot
from tests.quiz_data import write_questions

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "One model and no retraining keeps it cheap."

# question position (file order) → how to change its answer, and what must then be stored
CHANGES: dict[int, tuple[str, Callable[..., object], dict[str, object]]] = {
    1: ("single", lambda p: p.get_by_label("Beta").check(), {"choice": {"selected": ["b"]}}),
    2: (
        "multiple",
        lambda p: (p.get_by_label("SFT").check(), p.get_by_label("RLHF").check()),
        {"choice": {"selected": ["rlhf", "sft"]}},
    ),
    3: (
        "true_false",
        lambda p: p.get_by_role("radio", name="False").check(),
        {"tf": {"selected": ["false"]}},
    ),
    4: (
        "matching",
        lambda p: (
            p.get_by_label("SFT").select_option(label="Updates weights on labelled pairs"),
            p.get_by_label("Prompting").select_option(label="Leaves weights unchanged"),
        ),
        {"m": {"matches": {"sft": "sft", "prompt": "prompt"}}},
    ),
    5: (
        "ordering",
        lambda p: (
            p.get_by_label("Pre-training").fill("1"),
            p.get_by_label("SFT").fill("2"),
            p.get_by_label("RLHF").fill("3"),
        ),
        {"o": {"order": ["pre", "sft", "rlhf"]}},
    ),
    6: (
        "free_text",
        lambda p: p.get_by_label("Justify your reasoning.").fill(TEXT),
        {"justify": {"text": TEXT}},
    ),
}


@pytest.fixture
def attempt(transactional_db: None, content_dir: Path, student: User) -> Attempt:
    write_questions(content_dir)
    import_course(content_dir)
    quiz = Quiz.objects.get(slug="every-kind")
    # A link in every question's text, to leave by.
    QuestionVersion.objects.update(stem="Read [the course home](/) first.")
    return start_attempt(quiz, student)


def signed_in(browser, live_server, user: User, javascript: bool):
    """A browser context with the user's session cookie (logging in through the form is
    tested elsewhere)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def stored(attempt: Attempt) -> dict[int, dict[str, object]]:
    out: dict[int, dict[str, object]] = {}
    for a in Answer.objects.filter(item__attempt=attempt).select_related("item"):
        out.setdefault(a.item.position, {})[a.part_id] = a.response
    return out


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait for a beacon the browser sent as the page went away (it may land a moment later)."""
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.05)


def lost(attempt: Attempt) -> list[str]:
    have = stored(attempt)
    return [
        kind
        for n, (kind, _change, want) in CHANGES.items()
        if any(have.get(n, {}).get(part) != value for part, value in want.items())
    ]


WAYS = [
    (False, "question number"),
    (False, "header link"),
    (True, "question number"),
    (True, "header link"),
    (True, "link in the question"),
    (True, "another address"),
]


@pytest.mark.parametrize(
    ("javascript", "away"),
    WAYS,
    ids=[f"js-{'on' if js else 'off'}-{away.replace(' ', '-')}" for js, away in WAYS],
)
def test_changing_an_answer_and_leaving_at_once_keeps_it_for_every_kind(
    browser, live_server, attempt: Attempt, student: User, javascript: bool, away: str
) -> None:
    context, page = signed_in(browser, live_server, student, javascript)
    url = f"/attempts/{attempt.pk}/"
    page.goto(f"{url}?n=1")
    for n, (_kind, change, _stored) in CHANGES.items():
        if not page.url.endswith(f"{url}?n={n}"):  # a question number already went there
            page.goto(f"{url}?n={n}")
        change(page)
        if away == "question number":
            target = n % len(CHANGES) + 1
            page.locator(".question-index").get_by_text(str(target), exact=True).click()
            page.wait_for_url(f"**{url}?n={target}")
        elif away == "header link":
            page.locator("header").get_by_text("My attempts").click()
            page.wait_for_url("**/my/attempts/")
        elif away == "link in the question":
            page.locator(".stem").get_by_role("link", name="the course home").click()
            page.wait_for_url(live_server.url + "/")
        else:
            page.goto("/my/attempts/")

    eventually(lambda: not lost(attempt))
    context.close()
    assert lost(attempt) == []


def test_the_countdown_warns_at_five_and_one_minute_and_time_up_lands_on_its_page(
    browser, live_server, attempt: Attempt, student: User
) -> None:
    context, page = signed_in(browser, live_server, student, True)
    url = f"/attempts/{attempt.pk}/"

    def deadline_in(seconds: float) -> None:
        Attempt.objects.filter(pk=attempt.pk).update(
            deadline=timezone.now() + timedelta(seconds=seconds)
        )

    # Just above each threshold, so that the warning is the script's (the server writes
    # "Less than 5 minutes left" itself when the page is rendered past it).
    deadline_in(302)
    page.goto(url)
    assert re.fullmatch(r"[45]:\d\d", page.get_by_role("timer").inner_text())
    warning = page.locator("#time-warning")
    warning.get_by_text(re.compile(r"^5 minutes left")).wait_for()

    deadline_in(62)
    page.goto(url)
    warning.get_by_text(re.compile(r"^1 minute left")).wait_for()
    screenshot(page, "quiz-countdown")

    deadline_in(4.5)
    page.goto(f"{url}?n=6")
    CHANGES[6][1](page)
    page.wait_for_url(f"**/attempts/{attempt.pk}/time-up/", timeout=20_000)
    assert page.get_by_text("Time is up — your saved answers were submitted").is_visible()
    context.close()
    attempt.refresh_from_db()
    assert attempt.is_submitted and stored(attempt)[6]["justify"] == {"text": TEXT}
