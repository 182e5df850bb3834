"""Quiz opening and closing times stay inside a sane window (the years 2000 to 2200, UTC), so a
typo such as year 1 or 9999 can never reach the database, where PostgreSQL would store it BC or
in year 10000 and every page reading the quiz would fail. Refused by the importer, the quiz
builder and the model's validation (the admin); the database refuses it too."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from content_io.course import import_course
from courses.content import ContentInvalid
from courses.models import Course
from quizzes.models import Quiz
from tests.authoring.test_bank import author, bank_course  # the bank's fixtures, shared
from tests.authoring.test_quiz_builder import build, pk, settings

pytestmark = pytest.mark.django_db
__all__ = ["author", "bank_course"]

TOO_EARLY = "0001-01-01T00:00:00+05:00"
TOO_LATE = "9999-12-31T23:59:00-05:00"
QUIZ = "slug: dated\ntitle: Dated\nquestions: [pick-one]\n"


@pytest.mark.parametrize("field", ["opens_at", "closes_at"])
@pytest.mark.parametrize("moment", [TOO_EARLY, TOO_LATE, "1999-12-31T23:00:00+00:00"])
def test_the_importer_refuses_a_quiz_time_outside_the_window(
    bank_course: Course, content_dir: Path, field: str, moment: str
) -> None:
    (content_dir / "quizzes" / "dated.yaml").write_text(
        f"{QUIZ}{field}: '{moment}'\n", encoding="utf-8"
    )

    with pytest.raises(ContentInvalid) as caught:
        import_course(content_dir)

    assert f"quizzes/dated.yaml: {field}: must fall in the years 2000 to 2200 (UTC)" in str(
        caught.value
    )
    assert not Quiz.objects.filter(slug="dated").exists()


def test_a_yaml_timestamp_outside_the_window_is_refused_too(
    bank_course: Course, content_dir: Path
) -> None:
    (content_dir / "quizzes" / "dated.yaml").write_text(
        f"{QUIZ}closes_at: 9999-12-31T23:59:00-05:00\n", encoding="utf-8"
    )

    with pytest.raises(ContentInvalid) as caught:
        import_course(content_dir)

    assert "quizzes/dated.yaml: closes_at: must fall in the years 2000 to 2200" in str(caught.value)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59", "2201-01-01T00:00"])
def test_the_quiz_builder_refuses_a_time_outside_the_window(
    client: Client, author: User, moment: str
) -> None:
    client.force_login(author)

    response = build(client, add=[pk("pick-one")], **settings(closes_at=moment, feedback="submit"))

    assert response.status_code == 422
    errors = str(response.context["builder"].settings.errors["closes_at"])
    assert "must fall in the years 2000 to 2200 (UTC)" in errors
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_the_model_validation_refuses_a_time_outside_the_window(bank_course: Course) -> None:
    quiz = Quiz.objects.get(slug="every-kind")
    quiz.opens_at = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    quiz.closes_at = datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5)))

    with pytest.raises(ValidationError) as caught:
        quiz.full_clean()

    assert set(caught.value.message_dict) == {"opens_at", "closes_at"}


def test_the_admin_refuses_a_time_outside_the_window(
    client: Client, bank_course: Course, admin_user: User
) -> None:
    quiz = Quiz.objects.get(slug="every-kind")
    client.force_login(admin_user)
    url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "course": bank_course.pk,
            "opens_at_0": "9999-12-31",
            "opens_at_1": "23:59:00",
            "closes_at_0": "",
            "closes_at_1": "",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "rules-TOTAL_FORMS": "0",
            "rules-INITIAL_FORMS": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200  # the form again, not a redirect
    assert "must fall in the years 2000 to 2200" in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.opens_at is None


def test_the_database_refuses_a_time_outside_the_window(bank_course: Course) -> None:
    """Even a write that skips validation (a bulk update, a shell) cannot store one."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Quiz.objects.filter(slug="every-kind").update(closes_at=datetime(9999, 12, 31, tzinfo=UTC))


def test_times_at_the_edges_of_the_window_are_kept_and_every_page_shows_them(
    client: Client, author: User, admin_user: User
) -> None:
    quiz = Quiz.objects.get(slug="every-kind")
    quiz.opens_at = datetime(2000, 1, 1, tzinfo=UTC)
    quiz.closes_at = datetime(2200, 12, 31, 23, 59, tzinfo=UTC)
    quiz.full_clean()
    quiz.save()
    client.force_login(author)

    for url in (
        reverse("quizzes:quiz", args=["demo-course", "every-kind"]),
        reverse("quizzes:quiz_list", args=["demo-course"]),
        reverse("authoring:quiz_edit", args=["demo-course", "every-kind"]),
        reverse("authoring:quizzes", args=["demo-course"]),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(admin_user)
    assert client.get(reverse("admin:quizzes_quiz_changelist")).status_code == 200


def test_the_migration_repairs_a_time_postgresql_stored_out_of_range(
    bank_course: Course, client: Client, author: User
) -> None:
    """What the probe left behind (a time BC and one in year 10000) is brought to the window's
    edges by the migration, without reading the rows, so every page works again."""
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL can hold a time Python cannot read")
    repair = importlib.import_module("quizzes.migrations.0007_bring_quiz_times_into_window")
    quiz = Quiz.objects.get(slug="every-kind")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER TABLE
        cursor.execute("ALTER TABLE quizzes_quiz DROP CONSTRAINT quiz_opens_at_window")
        cursor.execute("ALTER TABLE quizzes_quiz DROP CONSTRAINT quiz_closes_at_window")
        cursor.execute(
            "UPDATE quizzes_quiz SET opens_at = '0001-12-31 19:00:00+00 BC', "
            "closes_at = '10000-01-01 04:59:00+00' WHERE id = %s",
            [quiz.pk],
        )

    repair.bring_times_into_the_window(apps, None)

    quiz.refresh_from_db()
    assert quiz.opens_at is None
    assert quiz.closes_at == datetime(2200, 12, 31, 23, 59, tzinfo=UTC)
    client.force_login(author)
    assert (
        client.get(reverse("quizzes:quiz", args=["demo-course", "every-kind"])).status_code == 200
    )
