"""`user_of` is the one way a view gets its logged-in user, and it checks rather than claims."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from accounts.http import user_of


def test_a_logged_in_request_gives_its_user(student: User) -> None:
    request = RequestFactory().get("/")
    request.user = student

    assert user_of(request) == student


def test_an_anonymous_request_is_refused_rather_than_run_without_a_user() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied):
        user_of(request)


def test_no_view_module_keeps_its_own_user_helper() -> None:
    root = Path(__file__).resolve().parents[2]
    copies = [
        str(path.relative_to(root))
        for app in ("accounts", "courses", "quizzes")
        for path in (root / app).rglob("*.py")
        if "def _user(request" in path.read_text()
    ]

    assert copies == []
