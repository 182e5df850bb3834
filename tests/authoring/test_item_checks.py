"""The item-writing checker where instructors meet it: `import_content --check`, the bank's
filter, the question editor's panel, and waivers kept through import and export."""

from __future__ import annotations

import textwrap
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from authoring.item_checks import editor_anchor
from content_io.course import export_course, import_course
from courses.content import ContentInvalid
from courses.models import Course
from quizzes.models import Question

pytestmark = pytest.mark.django_db

LONG_KEY = textwrap.dedent(
    """\
    ---
    slug: long-key
    title: Long key
    bloom: understand
    concepts: [alpha]
    parts:
      - id: q
        kind: single
        prompt: What should the bakery do?
        options:
          - {id: a, text: Bake more., correct: false}
          - {id: b, text: Move the oven schedule earlier so that the morning rush is fully covered., correct: true}
          - {id: c, text: Close early., correct: false}
    {waivers}---
    A bakery runs out of bread at eight every morning.
    """
)


def write_long_key(root: Path, waivers: str = "") -> None:
    (root / "questions").mkdir(exist_ok=True)
    (root / "questions" / "long-key.md").write_text(
        LONG_KEY.replace("{waivers}", waivers), encoding="utf-8"
    )


@pytest.fixture
def flagged_course(content_dir: Path) -> Course:
    write_long_key(content_dir)
    import_course(content_dir)
    return Course.objects.get(slug="demo-course")


@pytest.fixture
def author(client: Client, instructor: User, flagged_course: Course) -> Client:
    flagged_course.staff.add(instructor)
    client.force_login(instructor)
    return client


def test_import_check_lists_each_finding_with_its_file_and_field(content_dir: Path) -> None:
    write_long_key(content_dir)
    out = StringIO()

    call_command("import_content", str(content_dir), "--check", stdout=out)

    lines = out.getvalue().splitlines()
    assert (
        "warning: questions/long-key.md: parts[0].options[1].text: "
        "The correct option is the longest: the key has 73 characters, the longest wrong option 12"
    ) in lines
    assert any(
        line.startswith("warning: item-writing checks: key longest in 1/1") for line in lines
    )


def test_a_plain_import_does_not_run_the_checker(content_dir: Path) -> None:
    write_long_key(content_dir)

    report = import_course(content_dir)

    assert not any("longest" in w for w in report.warnings)


def test_a_waiver_silences_its_check_and_survives_export_and_reimport(
    content_dir: Path, tmp_path: Path
) -> None:
    write_long_key(
        content_dir,
        "waivers:\n  longest-is-key: The long option spells out a schedule on purpose.\n",
    )
    import_course(content_dir)
    exported = tmp_path / "out"
    export_course(Course.objects.get(), exported)

    report = import_course(exported, check=True)
    again = tmp_path / "again"
    export_course(Course.objects.get(), again)

    assert Question.objects.get(slug="long-key").waivers == {
        "longest-is-key": "The long option spells out a schedule on purpose."
    }
    assert "longest-is-key: The long option" in (exported / "questions" / "long-key.md").read_text(
        encoding="utf-8"
    )
    assert not any("long-key.md" in w for w in report.warnings)
    assert (again / "questions" / "long-key.md").read_bytes() == (
        exported / "questions" / "long-key.md"
    ).read_bytes()


@pytest.mark.parametrize(
    ("waivers", "message"),
    [
        ("waivers:\n  no-such-check: because\n", "waivers.no-such-check: unknown check"),
        ("waivers:\n  longest-is-key: ''\n", "waivers.longest-is-key: give the reason"),
        ("waivers: [longest-is-key]\n", "waivers: must map item-writing check codes to reasons"),
    ],
)
def test_a_malformed_waiver_is_refused_with_its_field(
    content_dir: Path, waivers: str, message: str
) -> None:
    write_long_key(content_dir, waivers)

    with pytest.raises(ContentInvalid) as exc:
        import_course(content_dir)

    assert any(message in str(e) for e in exc.value.errors), exc.value.errors
    assert not Question.objects.exists()


def test_the_bank_filter_lists_only_flagged_questions_with_the_reason(
    author: Client, flagged_course: Course
) -> None:
    url = reverse("authoring:questions", args=[flagged_course.slug])

    everything = author.get(url).content.decode()
    flagged = author.get(url, {"check": "longest-is-key"}).content.decode()

    assert "Long key" in everything and "Pick one" not in flagged
    assert "Long key" in flagged
    assert "the key has 73 characters" in flagged
    assert "the key has 73 characters" not in everything


def test_the_bank_filter_refuses_an_unknown_check(author: Client, flagged_course: Course) -> None:
    url = reverse("authoring:questions", args=[flagged_course.slug])

    response = author.get(url, {"check": "made-up"})

    assert response.status_code == 422
    assert "Long key" in response.content.decode()  # the other filters still apply: none


def test_the_question_editor_shows_the_finding_linked_to_its_field(
    author: Client, flagged_course: Course
) -> None:
    url = reverse("authoring:question_edit", args=[flagged_course.slug, "long-key"])

    html = author.get(url).content.decode()

    assert 'href="#f-parts-0-options-1-text"' in html
    assert 'id="f-parts-0-options-1-text"' in html
    assert "The correct option is the longest" in html


@pytest.mark.parametrize(
    ("path", "anchor"),
    [
        ("parts[0].options[1].text", "f-parts-0-options-1-text"),
        ("parts[2].prompt", "f-parts-2-prompt"),
        ("parts[1].rubric.model_answers[0]", "f-parts-1"),
        ("parts[0].options", "f-parts-0"),
        ("stem", "id_stem"),
        ("bloom", "id_bloom"),
        ("", "f-parts"),
    ],
)
def test_each_finding_links_to_the_editor_field_it_names(path: str, anchor: str) -> None:
    assert editor_anchor(path) == anchor


def test_check_items_fails_on_an_unwaived_finding_and_names_it(content_dir: Path) -> None:
    write_long_key(content_dir)
    out = StringIO()

    with pytest.raises(CommandError, match="1 unwaived item-writing finding"):
        call_command("check_items", str(content_dir), stdout=out)

    assert "questions/long-key.md: parts[0].options[1].text: The correct option" in out.getvalue()


def test_check_items_passes_when_the_finding_is_waived(content_dir: Path) -> None:
    write_long_key(content_dir, "waivers:\n  longest-is-key: Spelled out on purpose.\n")
    out = StringIO()

    call_command("check_items", str(content_dir), "--waived", stdout=out)

    assert "(waived: Spelled out on purpose.)" in out.getvalue()
    assert "no unwaived finding" in out.getvalue()
