"""Settings come from the environment, strictly; production settings pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import global_settings
from django.contrib.auth.models import User

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 64 + "-a-real-secret-key-with-entropy",
    "ALLOWED_HOSTS": "stepwise.example",
}


def test_production_settings_pass_the_deploy_check_without_warnings() -> None:
    # The recommended production values (the README lists them): preloading is opted into.
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECURE_HSTS_PRELOAD="true"
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_boolean_that_is_neither_true_nor_false_is_an_error() -> None:
    result = run_manage("check", DEBUG="maybe")

    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="stepwise.example")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def show(setting: str, **env: str) -> str:
    result = run_manage(
        "shell", "-c", f"from django.conf import settings; print(repr(settings.{setting}))", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_and_the_proxy_header_are_off_unless_asked_for() -> None:
    assert show("SECURE_HSTS_PRELOAD", **PRODUCTION) == "False"
    assert show("SECURE_PROXY_SSL_HEADER", **PRODUCTION) == "None"
    assert show("SECURE_HSTS_PRELOAD", **PRODUCTION, SECURE_HSTS_PRELOAD="true") == "True"
    assert (
        show("SECURE_PROXY_SSL_HEADER", **PRODUCTION, BEHIND_HTTPS_PROXY="true")
        == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


@pytest.mark.django_db
def test_tests_hash_passwords_fast_but_the_project_settings_keep_a_slow_hasher(
    django_user_model: type[User],
) -> None:
    user = django_user_model.objects.create_user("hasher-check", password="a long pass phrase")
    assert user.password.startswith("md5$")  # the autouse fixture in tests/conftest.py
    from config import settings as project

    hashers = getattr(project, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert not any("MD5" in h for h in hashers)


def test_the_wsgi_module_loads_every_view_and_freezes_what_start_up_made() -> None:
    # config/wsgi.py: objects made at start-up leave the collector's generations (gc.freeze)
    probe = (
        "import gc, sys; import config.wsgi; "
        "print(gc.get_freeze_count(), 'quizzes.views' in sys.modules, 'review.views' in sys.modules)"
    )
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    frozen, quizzes_views, review_views = result.stdout.split()
    assert int(frozen) > 10_000  # the modules' objects, not a handful
    assert quizzes_views == review_views == "True"
