"""Headers every page carries: a strict Content-Security-Policy (no inline script without the
nonce, no inline event handler), a Permissions-Policy, and no shared caching of pages built
for a signed-in person."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import test_permission_matrix as matrix
from tests.test_permission_matrix import ROWS, World

world = matrix.world  # the matrix's fixture: a course, a quiz, an attempt and every persona

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_pages_carry_a_strict_content_security_policy(client: Client) -> None:
    policy = directives(client.get(reverse("courses:home")))

    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_pages_refuse_camera_microphone_and_location(client: Client) -> None:
    header = client.get(reverse("login")).headers["Permissions-Policy"]

    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in header


def test_htmx_is_told_not_to_inject_its_inline_style(client: Client) -> None:
    page = client.get(reverse("courses:home")).content.decode()

    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def test_no_page_has_an_inline_script_without_the_nonce_or_an_inline_event_handler(
    client: Client, world: World
) -> None:
    checked = 0
    for persona in ("anonymous", "instructor", "admin"):
        client.logout()
        user = world.users[persona]
        if user is not None:
            client.force_login(user)
        for row in ROWS:
            response = client.get(reverse(row.name, args=row.args(world)) + row.query)
            if response.status_code != 200 or "html" not in response.headers["Content-Type"]:
                continue
            page = response.content.decode()
            nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
            for attributes in SCRIPT.findall(page):
                if "src=" not in attributes:
                    assert nonce and f'nonce="{nonce.group(1)}"' in attributes, row.name
            assert not INLINE_HANDLER.search(page), (row.name, INLINE_HANDLER.search(page))
            assert "javascript:" not in page, row.name
            assert ' style="' not in page, row.name
            checked += 1

    assert checked > 60


def test_pages_for_a_signed_in_person_are_private_and_not_stored(
    client: Client, world: World
) -> None:
    client.force_login(world.users["student"])  # type: ignore[arg-type]

    for name in ("courses:home", "quizzes:my_attempts"):
        cache_control = client.get(reverse(name)).headers["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, name


def test_anonymous_pages_stay_cacheable(client: Client) -> None:
    response = client.get(reverse("courses:home"))

    assert "private" not in response.headers.get("Cache-Control", "")


def test_a_view_that_sets_its_own_cache_control_keeps_it(client: Client, world: World) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.middleware import private_cache_for_signed_in_users

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "max-age=60"
        return response

    request = RequestFactory().get("/")
    request.user = world.users["student"]  # type: ignore[assignment]

    assert private_cache_for_signed_in_users(view)(request)["Cache-Control"] == "max-age=60"
