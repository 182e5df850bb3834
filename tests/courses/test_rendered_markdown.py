"""Concept bodies and question stems are rendered when saved or imported, not on each view, and
a page never shows HTML rendered from an older text."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from content_io.course import import_course
from courses import markup
from courses.models import Concept, Course
from quizzes.models import QuestionVersion, Quiz
from tests.conftest import write_concept

pytestmark = pytest.mark.django_db


def concept_url(slug: str) -> str:
    return reverse("courses:concept", args=["demo-course", slug])


@pytest.fixture
def no_rendering(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the Markdown rendered from here on (the texts)."""
    rendered: list[str] = []
    real = markup.render

    def counting(text: str) -> Any:
        rendered.append(text)
        return real(text)

    monkeypatch.setattr(markup, "render", counting)
    return rendered


def test_importing_a_concept_stores_its_body_as_html(course: Course) -> None:
    alpha = Concept.objects.get(slug="alpha")

    assert alpha.body_rendered == markup.render(alpha.body)
    assert "<p>" in alpha.body_rendered


def test_a_concept_page_shows_the_stored_html_without_rendering(
    client: Client, course: Course, no_rendering: list[str]
) -> None:
    html = client.get(concept_url("alpha")).content.decode()

    assert Concept.objects.get(slug="alpha").body_rendered in html
    assert no_rendering == []


def test_saving_a_concept_renders_its_new_body(client: Client, course: Course) -> None:
    alpha = Concept.objects.get(slug="alpha")
    alpha.body = "Attention weighs **every earlier token**."
    alpha.save()

    html = client.get(concept_url("alpha")).content.decode()

    assert "<strong>every earlier token</strong>" in html
    assert "real page" not in html


def test_saving_only_the_body_field_stores_its_html_too(client: Client, course: Course) -> None:
    alpha = Concept.objects.get(slug="alpha")
    alpha.body = "Tokens are *pieces* of words."
    alpha.save(update_fields=["body"])

    assert "<em>pieces</em>" in Concept.objects.get(slug="alpha").body_rendered


def test_a_body_changed_behind_save_is_never_shown_stale(client: Client, course: Course) -> None:
    Concept.objects.filter(slug="alpha").update(body="Sampling picks the *next* token.")

    html = client.get(concept_url("alpha")).content.decode()

    assert "<em>next</em>" in html
    assert "real page" not in html


def test_reimporting_a_changed_body_replaces_its_html(
    client: Client, course: Course, content_dir: Path
) -> None:
    write_concept(content_dir, "alpha", tags=["computing"], related=["gamma"], body="A *new* body.")
    import_course(content_dir)

    assert "<em>new</em>" in Concept.objects.get(slug="alpha").body_rendered
    assert "<em>new</em>" in client.get(concept_url("alpha")).content.decode()


def test_the_command_fills_rows_stored_without_html(course: Course) -> None:
    Concept.objects.update(body_rendered="", body_digest="")

    call_command("render_markdown", stdout=StringIO())

    for concept in Concept.objects.all():
        assert concept.body_rendered == markup.render(concept.body)
        assert concept.body_digest == markup.digest(concept.body)


def test_a_question_stem_is_stored_as_html_and_never_stale(quiz: Quiz) -> None:
    version = QuestionVersion.objects.filter(question__quiz_items__quiz=quiz).first()
    assert version is not None
    assert version.stem_rendered == markup.render(version.stem)

    QuestionVersion.objects.filter(pk=version.pk).update(stem="Which *layer* normalises?")
    version.refresh_from_db()

    assert "<em>layer</em>" in version.stem_html
    call_command("render_markdown", stdout=StringIO())
    version.refresh_from_db()
    assert "<em>layer</em>" in version.stem_rendered
