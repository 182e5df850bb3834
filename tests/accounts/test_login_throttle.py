"""Log-in throttling (django-axes): per account and per address, checked before any hashing."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.roles import ADMIN

pytestmark = pytest.mark.django_db

GOOD = "a-long-pass-phrase"


@pytest.fixture(autouse=True)
def fast_hasher(settings) -> None:
    """Many log-ins per test: hash cheaply (the throttle, not the hasher, is under test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client: Client, username: str, password: str, ip: str = "203.0.113.5"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client: Client, username: str, times: int, ip: str = "203.0.113.5") -> list[int]:
    return [log_in(client, username, f"wrong-{i}", ip).status_code for i in range(times)]


def test_the_fifth_wrong_password_locks_the_account_with_a_message_saying_how_long(
    client: Client, student: User, settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 5

    statuses = fail(client, "sam", 5)

    assert statuses == [200, 200, 200, 200, 429]
    response = log_in(client, "sam", GOOD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-ins" in page
    assert "Try again in 15 minutes" in page
    assert 'name="password"' in page  # still the login page, with its form
    assert not client.get("/").context["user"].is_authenticated


def test_a_locked_out_login_never_reaches_the_password_hasher(
    client: Client, student: User
) -> None:
    fail(client, "sam", 5)

    with mock.patch.object(ModelBackend, "authenticate") as backend:
        response = log_in(client, "sam", GOOD)

    assert response.status_code == 429
    backend.assert_not_called()


def test_one_address_is_throttled_across_accounts(client: Client, student: User) -> None:
    for name in ("nobody-1", "nobody-2", "nobody-3", "nobody-4", "nobody-5"):
        log_in(client, name, "wrong", ip="198.51.100.7")

    assert log_in(client, "sam", GOOD, ip="198.51.100.7").status_code == 429
    assert log_in(client, "sam", GOOD, ip="198.51.100.8").status_code == 302


def test_one_account_is_throttled_across_addresses(client: Client, student: User) -> None:
    for i in range(5):
        log_in(client, "sam", "wrong", ip=f"192.0.2.{i + 1}")

    assert log_in(client, "sam", GOOD, ip="192.0.2.99").status_code == 429


def test_failures_below_the_limit_are_forgotten_after_a_good_login(
    client: Client, student: User
) -> None:
    fail(client, "sam", 4)
    assert log_in(client, "sam", GOOD).status_code == 302
    client.post(reverse("logout"))

    assert fail(client, "sam", 4) == [200] * 4


def test_axes_reset_unlocks_everyone(client: Client, student: User) -> None:
    fail(client, "sam", 5)

    call_command("axes_reset", verbosity=0)

    assert log_in(client, "sam", GOOD).status_code == 302


def test_an_admin_unlocks_an_account_by_deleting_its_attempts_in_the_admin(
    client: Client, student: User, make_user
) -> None:
    fail(Client(), "sam", 5)
    attempt = AccessAttempt.objects.get(username="sam")
    client.force_login(make_user("adele", ADMIN, is_staff=True))  # the Admin role, not superuser

    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert page.status_code == 200 and "sam" in page.content.decode()
    assert not AccessAttempt.objects.exists()
    assert log_in(Client(), "sam", GOOD).status_code == 302


def test_resetting_the_password_by_e_mail_lifts_the_accounts_lock(
    client: Client, student: User
) -> None:
    fail(client, "sam", 5, ip="192.0.2.1")
    client.post(reverse("password_reset"), {"email": "sam@example.com"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-fresh-pass-phrase", "new_password2": "a-fresh-pass-phrase"},
    )

    assert log_in(client, "sam", "a-fresh-pass-phrase", ip="192.0.2.2").status_code == 302


def test_the_limit_and_the_cool_off_come_from_the_environment() -> None:
    from tests.test_settings import run_manage

    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)",
        DEBUG="true",
        AXES_FAILURE_LIMIT="9",
        AXES_COOLOFF_MINUTES="2",
    )

    assert result.stdout.strip().splitlines()[-1] == "9 0:02:00", result.stderr


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_not_one_the_client_claims(
    client: Client, student: User, settings
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(5):
        client.post(
            reverse("login"),
            {"username": f"nobody-{i}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",  # the proxy
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 198.51.100.7",  # a forged entry, then the real one
        )

    locked = client.post(
        reverse("login"),
        {"username": "sam", "password": GOOD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    other_visitor = Client().post(
        reverse("login"),
        {"username": "sam", "password": GOOD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )

    assert locked.status_code == 429
    assert other_visitor.status_code == 302
