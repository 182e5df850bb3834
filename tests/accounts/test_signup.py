"""Sign-up never tells the person at the keyboard whether a username or an e-mail address is
in use; the answer goes to the address typed. One account per address, in any letter case."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_mail_counts() -> None:
    cache.clear()  # sign-up mails per address are counted in the cache


def sign_up(client: Client, username: str, email: str):
    return client.post(
        reverse("signup"),
        {
            "username": username,
            "email": email,
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        follow=True,
    )


def visible(response) -> str:
    """The page without the CSRF token, which differs per response."""
    page = response.content.decode()
    return re.sub(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*"', r"\1", page)


def test_a_taken_username_or_address_shows_the_same_page_as_a_free_one(
    client: Client, student: User
) -> None:
    fresh = sign_up(Client(), "newbie", "newbie@example.com")
    taken_name = sign_up(Client(), "SAM", "someone@example.com")
    taken_address = sign_up(Client(), "another", "Sam@Example.com")

    assert fresh.redirect_chain == taken_name.redirect_chain == taken_address.redirect_chain
    assert visible(fresh) == visible(taken_name) == visible(taken_address)
    assert "Check your e-mail" in visible(fresh)
    assert set(User.objects.values_list("username", flat=True)) == {"sam", "newbie"}


def test_the_owner_of_a_taken_address_gets_a_notice_and_no_second_account_exists(
    client: Client, student: User
) -> None:
    sign_up(client, "sam-again", "SAM@example.COM")

    assert User.objects.filter(email__iexact="sam@example.com").count() == 1
    [notice] = mail.outbox
    assert notice.to == ["SAM@example.COM"]
    assert "already has one" in str(notice.body)
    assert "/accounts/password_reset/" in str(notice.body)


def test_a_taken_username_is_said_only_in_the_e_mail(client: Client, student: User) -> None:
    response = sign_up(client, "Sam", "new@example.com")

    assert "taken" not in visible(response)
    [note] = mail.outbox
    assert note.to == ["new@example.com"]
    assert 'username "Sam", which is taken' in str(note.body)
    assert not User.objects.filter(email="new@example.com").exists()


def test_an_address_nobody_activated_cannot_be_squatted(client: Client) -> None:
    sign_up(Client(), "squatter", "victim@example.com")
    mail.outbox.clear()

    sign_up(client, "victim", "victim@example.com")

    [activation] = mail.outbox
    assert "/accounts/activate/" in str(activation.body)
    user = User.objects.get(email="victim@example.com")
    assert user.username == "victim"
    assert not User.objects.filter(username="squatter").exists()


def test_the_database_refuses_a_second_account_with_the_same_address_in_another_case(
    student: User,
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("twin", "SAM@EXAMPLE.COM", "a-long-pass-phrase")


def test_accounts_without_an_address_are_not_one_address(db: None) -> None:
    User.objects.create_user("first", "", "x")
    User.objects.create_user("second", "", "x")

    assert User.objects.filter(email="").count() == 2


def test_two_simultaneous_sign_ups_with_one_address_make_one_account(student: User) -> None:
    """The race: both requests passed the "is this address free?" check before either
    inserted. Simulated by hiding the existing account from the check; the index decides."""
    real_filter = User.objects.filter
    lookups = []

    def blind_filter(*args, **kwargs):
        if "email__iexact" in kwargs:
            lookups.append(kwargs)
            if len(lookups) == 1:  # the first check sees no one yet
                return real_filter(pk=-1)
        return real_filter(*args, **kwargs)

    with mock.patch.object(User.objects, "filter", side_effect=blind_filter, autospec=False):
        outcome, user = actions._claim("sam-twin", "sam@example.com", "a-long-pass-phrase")

    assert (outcome, user) == ("email_taken", None)
    assert User.objects.filter(email__iexact="sam@example.com").count() == 1


def test_the_user_admin_refuses_an_address_another_account_has(
    client: Client, student: User, admin_user: User
) -> None:
    other = User.objects.create_user("olive", "olive@example.com", "x")
    client.force_login(admin_user)
    url = reverse("admin:auth_user_change", args=[other.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {"email": "SAM@example.com", "date_joined_0": "2026-01-01", "date_joined_1": "10:00"}
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data["groups"] = []
    data["user_permissions"] = []

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Another account has this e-mail address." in response.content.decode()
    other.refresh_from_db()
    assert other.email == "olive@example.com"


def test_sign_ups_send_at_most_three_mails_an_hour_to_one_address(student: User) -> None:
    for i in range(5):
        sign_up(Client(), f"flood-{i}", "Sam@example.com")

    assert len(mail.outbox) == 3
    assert User.objects.filter(email__iexact="sam@example.com").count() == 1
