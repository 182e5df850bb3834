"""A refused request is one warning line in the log, not a traceback."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_403_logs_one_warning_line_without_a_traceback(
    client: Client, student: User, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(student)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("authoring:tags"))

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /author/tags/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_still_logs_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    from django.core.handlers.exception import response_for_exception
    from django.test import RequestFactory

    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR, logger="django.request"):
            response_for_exception(RequestFactory().get("/x/"), exc)

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None
