"""What the Django benchmarks share: a throwaway database set up like production, and one way
to print timings. Call `django_for_bench(tmp)` before importing any model."""

from __future__ import annotations

import os
import statistics
from pathlib import Path


def django_for_bench(tmp: Path) -> None:
    """Settings as production reads them (DEBUG off), a SQLite file in `tmp` unless
    DATABASE_URL is set, plain static storage (no collectstatic), the schema migrated."""
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)


def summary(ms: list[float]) -> str:
    """Median and 95th percentile of timings in milliseconds."""
    ms = sorted(ms)
    return f"median {statistics.median(ms):7.1f} ms   p95 {ms[int(0.95 * (len(ms) - 1))]:7.1f} ms"
