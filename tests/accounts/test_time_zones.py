"""Times in the viewer's zone, by one precedence (accounts/zones.py): the profile's own zone,
else the browser's, else the course's, else the server's — every time named with its zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.actions import set_time_zone
from accounts.models import Profile
from accounts.zones import SESSION_KEY
from courses.models import Course
from quizzes.models import Quiz

pytestmark = pytest.mark.django_db

CLOSES = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)  # 21:00 in Tokyo, 07:00 in New York


@pytest.fixture
def tokyo_quiz(quiz: Quiz) -> Quiz:
    quiz.closes_at = CLOSES
    quiz.save()
    Course.objects.filter(pk=quiz.course_id).update(time_zone="Asia/Tokyo")
    return quiz


def quiz_page(client: Client, quiz: Quiz) -> str:
    return client.get(reverse("quizzes:quiz", args=[quiz.course.slug, quiz.slug])).content.decode()


def test_a_new_course_takes_the_servers_time_zone(settings: object, db: None) -> None:
    assert Course.objects.create(slug="fresh", title="Fresh").time_zone == "UTC"


def test_without_a_setting_or_a_browser_zone_the_course_zone_is_used(
    client: Client, tokyo_quiz: Quiz, student: User
) -> None:
    client.force_login(student)

    assert "15 Jan 2030, 21:00 JST" in quiz_page(client, tokyo_quiz)


def test_the_browsers_zone_comes_before_the_courses(
    client: Client, tokyo_quiz: Quiz, student: User
) -> None:
    client.force_login(student)
    client.cookies["tz"] = "America/New_York"

    assert "15 Jan 2030, 07:00 EST" in quiz_page(client, tokyo_quiz)


def test_an_explicit_profile_zone_comes_before_the_browsers(
    client: Client, tokyo_quiz: Quiz, student: User
) -> None:
    set_time_zone(student, "Europe/Paris")
    client.force_login(student)  # the log-in copies the setting into the session
    client.cookies["tz"] = "America/New_York"

    assert "15 Jan 2030, 13:00 CET" in quiz_page(client, tokyo_quiz)


def test_always_the_course_zone_overrides_the_browser_on_course_pages(
    client: Client, tokyo_quiz: Quiz, student: User
) -> None:
    set_time_zone(student, "course")
    client.force_login(student)
    client.cookies["tz"] = "America/New_York"

    assert "15 Jan 2030, 21:00 JST" in quiz_page(client, tokyo_quiz)


def test_the_settings_page_saves_the_zone_and_uses_it_at_once(
    client: Client, tokyo_quiz: Quiz, student: User
) -> None:
    client.force_login(student)

    response = client.post(reverse("account_settings"), {"time_zone": "Europe/Paris"})

    assert response.status_code == 302
    assert Profile.objects.get(user=student).time_zone == "Europe/Paris"
    assert client.session[SESSION_KEY] == "Europe/Paris"
    assert "13:00 CET" in quiz_page(client, tokyo_quiz)
    assert (
        'value="Europe/Paris" selected' in client.get(reverse("account_settings")).content.decode()
    )


@pytest.mark.parametrize("forged", ["Mars/Olympus", "../../etc/passwd", "x" * 500])
def test_a_zone_that_is_not_one_is_refused_with_a_message(
    client: Client, student: User, forged: str
) -> None:
    client.force_login(student)

    response = client.post(reverse("account_settings"), {"time_zone": forged})

    assert response.status_code == 422
    assert "Choose a time zone from the list." in response.content.decode()
    assert not Profile.objects.exists()


def test_a_course_zone_must_be_a_real_zone() -> None:
    course = Course(slug="c", title="C", time_zone="Nowhere/Land")

    with pytest.raises(ValidationError, match="Not a time zone name"):
        course.full_clean()


def test_the_settings_page_runs_a_fixed_number_of_queries(
    client: Client, student: User, django_assert_num_queries: object
) -> None:
    set_time_zone(student, "Asia/Tokyo")
    client.force_login(student)

    # session, user, the profile's zone, the header's permissions (with the user's roles, one query): 4
    with django_assert_num_queries(4):  # type: ignore[operator]
        response = client.get(reverse("account_settings"))

    assert 'value="Asia/Tokyo" selected' in response.content.decode()
