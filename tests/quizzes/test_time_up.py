"""Time limits as the student meets them: the page carries the deadline and the seconds left
by the server's clock (a script counts down and warns at 5 and 1 minutes), a post arriving
after the deadline lands on an explicit "time is up" page, and times are shown in the
student's time zone, named."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.access import access_attempt
from quizzes.actions import finish_overdue, start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from tests.quiz_data import position

pytestmark = pytest.mark.django_db

TIME_UP = "Time is up — your saved answers were submitted"


@pytest.fixture
def timed(quiz: Quiz, student: User) -> Attempt:
    quiz.time_limit_minutes = 30
    quiz.shuffle_questions = False
    quiz.save()
    return start_attempt(quiz, student)


def run_out(attempt: Attempt, seconds_ago: int = 1) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_the_attempt_page_carries_the_deadline_and_the_seconds_left_by_the_servers_clock(
    client: Client, student: User, timed: Attempt
) -> None:
    client.force_login(student)
    Attempt.objects.filter(pk=timed.pk).update(deadline=timezone.now() + timedelta(seconds=600))

    html = client.get(reverse("quizzes:attempt", args=[timed.pk])).content.decode()

    deadline = Attempt.objects.get(pk=timed.pk).deadline
    assert deadline is not None
    assert f'data-deadline="{deadline.isoformat()}"' in html
    left = int(re.search(r'data-remaining="(\d+)"', html).group(1))  # type: ignore[union-attr]
    assert 595 <= left <= 600
    assert 'role="timer"' in html and 'aria-live="assertive"' in html


def test_with_under_five_minutes_left_the_page_warns_even_without_javascript(
    client: Client, student: User, timed: Attempt
) -> None:
    client.force_login(student)
    Attempt.objects.filter(pk=timed.pk).update(deadline=timezone.now() + timedelta(seconds=200))

    html = client.get(reverse("quizzes:attempt", args=[timed.pk])).content.decode()

    assert "Less than 5 minutes left" in html


def test_an_attempt_without_a_deadline_has_no_countdown(
    client: Client, student: User, quiz: Quiz
) -> None:
    attempt = start_attempt(quiz, student)
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    assert "data-remaining" not in html and 'role="timer"' not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain post", "htmx autosave"])
def test_a_save_after_the_deadline_lands_on_the_time_is_up_page(
    client: Client, student: User, timed: Attempt, htmx: bool
) -> None:
    client.force_login(student)
    pick = position(timed, "pick-one")
    url = reverse("quizzes:attempt", args=[timed.pk])
    client.post(url, {"position": pick, f"q{pick}-choice": "a", "nav": "save"})
    run_out(timed)

    response = client.post(
        url,
        {"position": pick, f"q{pick}-choice": "b", "goto": "2"},
        headers={"HX-Request": "true"} if htmx else {},
    )

    time_up = reverse("quizzes:time_up", args=[timed.pk])
    if htmx:
        assert response["HX-Redirect"] == time_up
    else:
        assert response.status_code == 302 and response["Location"] == time_up
    page = client.get(time_up).content.decode()
    assert TIME_UP in page and "already submitted" not in page
    assert Answer.objects.get(
        item__attempt=timed, part_id="choice", item__position=pick
    ).response == {"selected": ["a"]}


@pytest.mark.parametrize("name", ["attempt", "summary", "result"])
def test_opening_any_page_of_a_timed_out_attempt_says_time_is_up_not_already_submitted(
    client: Client, student: User, timed: Attempt, name: str
) -> None:
    client.force_login(student)
    run_out(timed)

    response = client.get(reverse(f"quizzes:{name}", args=[timed.pk]), follow=True)

    html = response.content.decode()
    assert "already submitted" not in html
    if name != "result":
        assert TIME_UP in html


def test_pressing_submit_after_the_deadline_says_time_is_up(
    client: Client, student: User, timed: Attempt
) -> None:
    client.force_login(student)
    run_out(timed)

    response = client.post(
        reverse("quizzes:submit", args=[timed.pk]), {"confirm": "yes"}, follow=True
    )

    html = response.content.decode()
    assert TIME_UP in html and "already submitted" not in html


def test_the_time_is_up_page_says_how_many_questions_had_a_saved_answer(
    client: Client, student: User, timed: Attempt
) -> None:
    client.force_login(student)
    pick = position(timed, "pick-one")
    client.post(
        reverse("quizzes:attempt", args=[timed.pk]),
        {"position": pick, f"q{pick}-choice": "a", "nav": "save"},
    )
    run_out(timed)

    html = client.get(reverse("quizzes:time_up", args=[timed.pk])).content.decode()

    assert "1 of 6 questions" in html
    assert reverse("quizzes:result", args=[timed.pk]) in html


def test_the_time_is_up_page_of_an_attempt_in_progress_or_submitted_by_hand_goes_elsewhere(
    client: Client, student: User, timed: Attempt
) -> None:
    client.force_login(student)
    url = reverse("quizzes:time_up", args=[timed.pk])

    running = client.get(url)
    submit_attempt(timed)
    submitted = client.get(url)

    assert running["Location"] == reverse("quizzes:attempt", args=[timed.pk])
    assert submitted["Location"] == reverse("quizzes:result", args=[timed.pk])


def test_the_time_is_up_page_of_another_student_is_not_found(
    client: Client, other_student: User, timed: Attempt
) -> None:
    run_out(timed)
    client.force_login(other_student)

    assert client.get(reverse("quizzes:time_up", args=[timed.pk])).status_code == 404


# --- time zones --------------------------------------------------------------------------------


def fixed_deadline(attempt: Attempt) -> datetime:
    """Tomorrow 15:30 UTC, so the page shows a date and a time we can predict in any zone."""
    tomorrow = (timezone.now() + timedelta(days=1)).date()
    deadline = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 15, 30, tzinfo=ZoneInfo("UTC"))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=deadline)
    return deadline


def test_the_deadline_is_shown_in_the_students_time_zone_named(
    client: Client, student: User, timed: Attempt
) -> None:
    fixed_deadline(timed)
    client.force_login(student)
    client.cookies["tz"] = "Asia/Kolkata"

    html = client.get(reverse("quizzes:attempt", args=[timed.pk])).content.decode()

    assert "21:00" in html and "Asia/Kolkata" in html
    assert "15:30" not in html


@pytest.mark.parametrize("cookie", ["Mars/Olympus_Mons", "../../etc/passwd", "", "x" * 300])
def test_a_time_zone_cookie_that_is_not_a_zone_falls_back_to_the_servers_named(
    client: Client, student: User, timed: Attempt, cookie: str, settings: object
) -> None:
    fixed_deadline(timed)
    client.force_login(student)
    client.cookies["tz"] = cookie

    response = client.get(reverse("quizzes:attempt", args=[timed.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "15:30 UTC" in html


def test_every_page_sets_the_time_zone_cookie_from_the_browser(client: Client) -> None:
    html = client.get("/").content.decode()

    assert "js/timezone.js" in html


def test_quiz_opening_times_follow_the_students_time_zone(
    client: Client, student: User, quiz: Quiz
) -> None:
    tomorrow = (timezone.now() + timedelta(days=1)).date()
    quiz.opens_at = datetime(
        tomorrow.year, tomorrow.month, tomorrow.day, 8, 0, tzinfo=ZoneInfo("UTC")
    )
    quiz.save()
    client.force_login(student)
    client.cookies["tz"] = "America/New_York"

    html = client.get(quiz.get_absolute_url()).content.decode()

    assert "03:00 EST" in html or "04:00 EDT" in html
    assert "08:00 UTC" not in html


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("UTC", "8 Dec 2026, 15:30 UTC"),
        ("Europe/Berlin", "8 Dec 2026, 16:30 CET (Europe/Berlin)"),
        ("Asia/Riyadh", "8 Dec 2026, 18:30 (Asia/Riyadh)"),  # its abbreviation is "+03"
    ],
)
def test_a_time_names_its_zone(zone: str, shown: str) -> None:
    from accounts.templatetags.local_time import zoned

    moment = datetime(2026, 12, 8, 15, 30, tzinfo=ZoneInfo("UTC"))
    with timezone.override(ZoneInfo(zone)):
        assert zoned(moment) == shown


def test_fetching_an_overdue_attempt_writes_nothing_until_the_view_calls_the_action(
    student: User, timed: Attempt
) -> None:
    run_out(timed)

    fetched = access_attempt(student, timed.pk)

    assert fetched.submitted_at is None
    assert Attempt.objects.get(pk=timed.pk).submitted_at is None
    assert finish_overdue(fetched).timed_out
    assert Attempt.objects.get(pk=timed.pk).submitted_at is not None
