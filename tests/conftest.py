"""Shared personas and a small course written as files, imported through the real importer."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from accounts.actions import sign_up_student
from accounts.roles import ADMIN, INSTRUCTOR, ensure_groups
from content_io.course import import_course
from courses.models import Course
from quizzes.models import Quiz
from tests.quiz_data import write_questions

BODY = "This concept is explained in enough words to be a real page. " * 3


def write_concept(
    root: Path,
    slug: str,
    *,
    chapter: str = "basics",
    learn_before: list[str] | None = None,
    related: list[str] | None = None,
    tags: list[str] | None = None,
    title: str | None = None,
    body: str = BODY,
) -> Path:
    lines = [
        "---",
        f"slug: {slug}",
        f"title: {title or slug.replace('-', ' ').title()}",
        f"chapter: {chapter}",
        f"summary: What {slug} is about.",
    ]
    for key, values in (("learn_before", learn_before), ("related", related), ("tags", tags)):
        if values:
            lines.append(f"{key}:")
            lines.extend(f"- {v}" for v in values)
    lines.append("---")
    path = root / "concepts" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n" + body + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Any) -> None:
    """Tests hash passwords with MD5: PBKDF2's deliberate slowness costs seconds per sign-up and
    log-in and tests nothing. It applies to the browser tests' live server too (same process)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_immediately(settings: Any) -> None:
    """Background tasks run inline in tests; `make run` and production use the database worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache, as a fresh server would."""
    from django.core.cache import caches

    for alias in ("default", "local"):
        caches[alias].clear()


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A valid three-concept course: a → b → c, a related to c, tagged with a discipline."""
    root = tmp_path / "content"
    root.mkdir()
    (root / "course.yaml").write_text(
        textwrap.dedent(
            """\
            slug: demo-course
            title: Demo Course
            summary: A course for tests.
            chapters:
              - slug: basics
                title: Basics
                summary: The first steps.
              - slug: advanced
                title: Advanced
                summary: Later steps.
            """
        ),
        encoding="utf-8",
    )
    (root / "tags.yaml").write_text(
        textwrap.dedent(
            """\
            tags:
              - slug: science
                name: Science
                kind: discipline
              - slug: computing
                name: Computing
                kind: discipline
                parent: science
            """
        ),
        encoding="utf-8",
    )
    write_concept(root, "alpha", tags=["computing"], related=["gamma"])
    write_concept(root, "beta", learn_before=["alpha"], tags=["computing"])
    write_concept(root, "gamma", chapter="advanced", learn_before=["beta"])
    return root


@pytest.fixture
def course(db: None, content_dir: Path) -> Course:
    import_course(content_dir)
    return Course.objects.get(slug="demo-course")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, group: str | None = None, **extra: object) -> User:
        ensure_groups()
        if group is None:
            return sign_up_student(username, f"{username}@example.com", "a-long-pass-phrase")
        user = User.objects.create_user(
            username, f"{username}@example.com", "a-long-pass-phrase", **extra
        )
        user.groups.add(*Group.objects.filter(name=group))
        return user

    return make


@pytest.fixture
def student(make_user: Callable[..., User]) -> User:
    return make_user("sam")


@pytest.fixture
def other_student(make_user: Callable[..., User]) -> User:
    return make_user("olga")


@pytest.fixture
def instructor(make_user: Callable[..., User]) -> User:
    return make_user("ines", INSTRUCTOR, is_staff=True)


@pytest.fixture
def admin_user(make_user: Callable[..., User]) -> User:
    return make_user("ada", ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def quiz(db: None, content_dir: Path) -> Quiz:
    """The demo course plus a quiz holding one question of every kind (tests/quiz_data.py)."""
    write_questions(content_dir)
    import_course(content_dir)
    return Quiz.objects.get(slug="every-kind")


@pytest.fixture
def course_instructor(quiz: Quiz, instructor: User) -> User:
    """The `instructor` persona, on the staff of the quiz's course."""
    quiz.course.staff.add(instructor)
    return instructor
