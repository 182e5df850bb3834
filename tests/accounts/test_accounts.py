"""Sign up, log in, log out, password reset, roles and demo accounts."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signing_up_creates_a_student_who_activates_by_the_e_mailed_link(client: Client) -> None:
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert list(user.groups.values_list("name", flat=True)) == ["Student"]
    assert not user.is_staff
    assert not user.is_active
    assert not client.get("/").context["user"].is_authenticated
    link = re.search(r"http://testserver(/accounts/activate/\S+/)", str(mail.outbox[0].body))
    assert link
    assert "Activate my account" in client.get(link.group(1)).content.decode()
    assert client.post(link.group(1)).status_code == 302
    assert client.get("/").context["user"] == user
    assert User.objects.get(username="newbie").is_active
    assert client.post(link.group(1)).status_code == 400  # used once


def test_a_sign_up_with_mismatched_passwords_keeps_what_was_typed(client: Client) -> None:
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "other",
        },
    )

    assert response.status_code == 200
    assert 'value="newbie"' in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def test_log_in_and_log_out(client: Client, student: User) -> None:
    response = client.post(reverse("login"), {"username": "sam", "password": "a-long-pass-phrase"})
    assert response.status_code == 302

    client.post(reverse("logout"))

    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_sends_a_working_link(client: Client, student: User) -> None:
    client.post(reverse("password_reset"), {"email": "sam@example.com"})

    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link
    form_page = client.get(link.group(1), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "another-long-phrase", "new_password2": "another-long-phrase"},
    )
    assert response.status_code == 302
    # Axes throttles by the request, so a test's login() passes one.
    assert client.login(request=HttpRequest(), username="sam", password="another-long-phrase")


def test_the_three_role_groups_exist_with_their_permissions(db: None) -> None:
    call_command("migrate", verbosity=0)  # groups are refreshed after every migrate

    instructor = Group.objects.get(name="Instructor")
    assert instructor.permissions.filter(codename="change_concept").exists()
    assert not instructor.permissions.filter(codename="delete_tag").exists()
    assert Group.objects.get(name="Admin").permissions.filter(codename="delete_tag").exists()
    assert not Group.objects.get(name="Student").permissions.exists()


def test_demo_accounts_are_created_with_their_passwords_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("create_demo_accounts")

    out = capsys.readouterr().out
    for username in ("student", "instructor", "admin"):
        assert f"username: {username}" in out
        password = re.search(rf"username: {username}\s+password: (\S+)", out)
        assert password and Client().login(
            request=HttpRequest(), username=username, password=password.group(1)
        )
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="student").is_staff
