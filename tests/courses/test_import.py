"""import_content / export_content: all-or-nothing, idempotent, clear errors, exact round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from courses.content import ContentInvalid, export_tree, import_tree
from courses.models import Chapter, Concept, Course, Prerequisite, Tag
from tests.conftest import write_concept

pytestmark = pytest.mark.django_db


def errors_of(root: Path) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        import_tree(root)
    return [str(e) for e in caught.value.errors]


def test_a_course_imports_with_its_graph_tags_and_links(content_dir: Path) -> None:
    report = import_tree(content_dir)

    assert report.created["concepts"] == 3
    course = Course.objects.get(slug="demo-course")
    assert list(course.chapters.values_list("slug", flat=True)) == ["basics", "advanced"]
    beta = Concept.objects.get(slug="beta")
    assert [c.slug for c in Concept.objects.filter(unlocks_edges__after=beta)] == ["alpha"]
    assert [c.slug for c in Concept.objects.filter(requires_edges__before=beta)] == ["gamma"]
    assert list(Concept.objects.get(slug="gamma").related.values_list("slug", flat=True)) == [
        "alpha"
    ]
    assert set(beta.tags.values_list("slug", flat=True)) == {
        "demo-course",
        "chapter-basics",
        "computing",
    }
    assert Tag.objects.get(slug="computing").parent == Tag.objects.get(slug="science")


def test_a_second_import_reports_no_change(content_dir: Path) -> None:
    import_tree(content_dir)

    report = import_tree(content_dir)

    assert report.changes == 0
    assert list(report.lines())[-1] == "0 change(s)"


def test_an_edited_file_updates_only_what_changed(content_dir: Path) -> None:
    import_tree(content_dir)
    write_concept(
        content_dir, "gamma", chapter="advanced", learn_before=["alpha"], title="Gamma Two"
    )

    report = import_tree(content_dir)

    assert report.updated["concepts"] == 1
    assert report.created["prerequisites"] == 1 and report.deleted["prerequisites"] == 1
    gamma = Concept.objects.get(slug="gamma")
    assert gamma.title == "Gamma Two"
    assert list(
        Concept.objects.filter(unlocks_edges__after=gamma).values_list("slug", flat=True)
    ) == ["alpha"]


def test_check_reports_changes_and_writes_nothing(content_dir: Path) -> None:
    report = import_tree(content_dir, check=True)

    assert report.created["concepts"] == 3 and report.checked_only
    assert not Concept.objects.exists()


def test_a_deleted_file_is_reported_and_kept_without_prune(content_dir: Path) -> None:
    import_tree(content_dir)
    write_concept(content_dir, "alpha", tags=["computing"])  # no longer related to gamma
    (content_dir / "concepts" / "gamma.md").unlink()

    report = import_tree(content_dir)

    assert report.missing == ["gamma"]
    assert Concept.objects.filter(slug="gamma").exists()
    assert Prerequisite.objects.filter(after__slug="gamma").exists()


def test_prune_deletes_concepts_whose_files_are_gone(content_dir: Path) -> None:
    import_tree(content_dir)
    write_concept(content_dir, "alpha", tags=["computing"])  # no longer related to gamma
    (content_dir / "concepts" / "gamma.md").unlink()

    report = import_tree(content_dir, prune=True)

    assert report.deleted["concepts"] == 1
    assert not Concept.objects.filter(slug="gamma").exists()


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("slug: beta\ntitle: [unclosed\n", "concepts/beta.md: YAML: invalid YAML (line 3"),
        ("slug: beta\nchapter: basics\nsummary: s\n", "concepts/beta.md: title: is missing"),
        (
            "slug: beta\ntitle: '  '\nchapter: basics\nsummary: s\n",
            "concepts/beta.md: title: is empty",
        ),
        (
            "slug: beta\ntitle: B\nchapter: nowhere\nsummary: s\n",
            "concepts/beta.md: chapter: unknown chapter 'nowhere'",
        ),
        (
            "slug: beta\ntitle: B\nchapter: basics\nsummary: s\nlearn_before: [ghost]\n",
            "concepts/beta.md: learn_before: unknown concept 'ghost'",
        ),
        (
            "slug: beta\ntitle: B\nchapter: basics\nsummary: s\nrelated: [ghost]\n",
            "concepts/beta.md: related: unknown concept 'ghost'",
        ),
        (
            "slug: beta\ntitle: B\nchapter: basics\nsummary: s\ntags: [nope]\n",
            "concepts/beta.md: tags: unknown tag 'nope'",
        ),
        (
            "slug: beta\ntitle: B\nchapter: basics\nsummary: s\nlearn_before: [beta]\n",
            "concepts/beta.md: learn_before: a concept cannot be its own prerequisite",
        ),
        (
            "slug: other\ntitle: B\nchapter: basics\nsummary: s\n",
            "concepts/beta.md: slug: 'other' does not match the file name 'beta.md'",
        ),
        (
            "slug: beta\ntitle: B\nchapter: basics\nsummary: s\nlearnbefore: [alpha]\n",
            "concepts/beta.md: learnbefore: unknown field",
        ),
        (
            "slug: beta\ntitle: B\nchapter: basics\nsummary: s\nlearn_before: alpha\n",
            "concepts/beta.md: learn_before: must be a list of slugs",
        ),
        (
            "slug: Beta_1\ntitle: B\nchapter: basics\nsummary: s\n",
            "concepts/beta.md: slug: 'Beta_1' is not a slug",
        ),
    ],
)
def test_a_malformed_concept_file_names_file_and_field_and_writes_nothing(
    content_dir: Path, front_matter: str, expected: str
) -> None:
    (content_dir / "concepts" / "beta.md").write_text(
        f"---\n{front_matter}---\nBody.\n", encoding="utf-8"
    )

    errors = errors_of(content_dir)

    assert any(e.startswith(expected) for e in errors), errors
    assert not Concept.objects.exists() and not Course.objects.exists()


def test_a_body_too_long_or_nested_too_deeply_is_refused_with_file_and_field(
    content_dir: Path,
) -> None:
    write_concept(content_dir, "beta", learn_before=["alpha"], body="Tokens and more. " * 1500)
    write_concept(content_dir, "gamma", chapter="advanced", body="- " * 2000 + "x")

    errors = errors_of(content_dir)

    assert "concepts/beta.md: body: is too long: 25,500 characters (at most 20,000)" in errors
    assert any(e.startswith("concepts/gamma.md: body: is nested too deeply") for e in errors)
    assert not Concept.objects.exists()


def test_a_file_without_front_matter_is_refused(content_dir: Path) -> None:
    (content_dir / "concepts" / "beta.md").write_text("Just text.\n", encoding="utf-8")

    assert errors_of(content_dir) == [
        "concepts/beta.md: front matter: the file must start with a line '---' opening the front matter"
    ]


def test_a_duplicate_slug_names_both_files(content_dir: Path) -> None:
    write_concept(content_dir / "concepts" / "more", "alpha")
    (content_dir / "concepts" / "more" / "concepts" / "alpha.md").rename(
        content_dir / "concepts" / "more" / "alpha.md"
    )

    errors = errors_of(content_dir)

    assert any("duplicate slug 'alpha'" in e and "concepts/alpha.md" in e for e in errors), errors


def test_a_cycle_is_refused_with_the_cycle_named(content_dir: Path) -> None:
    write_concept(content_dir, "alpha", learn_before=["gamma"])

    errors = errors_of(content_dir)

    assert len(errors) == 1
    assert "prerequisites form a cycle:" in errors[0]
    cycle = errors[0].split("cycle: ")[1].split(" → ")
    assert cycle[0] == cycle[-1] and set(cycle) == {"alpha", "beta", "gamma"}


def test_one_bad_file_among_good_ones_leaves_the_database_untouched(content_dir: Path) -> None:
    import_tree(content_dir)
    write_concept(content_dir, "alpha", title="Renamed")
    write_concept(content_dir, "delta", learn_before=["missing"])

    errors_of(content_dir)

    assert Concept.objects.get(slug="alpha").title == "Alpha"
    assert not Concept.objects.filter(slug="delta").exists()


def test_a_missing_course_file_is_an_error(content_dir: Path) -> None:
    (content_dir / "course.yaml").unlink()

    assert "course.yaml: file: is missing" in errors_of(content_dir)[0]


def test_a_tag_with_an_unknown_parent_is_an_error(content_dir: Path) -> None:
    (content_dir / "tags.yaml").write_text(
        "tags:\n  - {slug: a, name: A, kind: custom, parent: zz}\n"
    )

    assert "tags.yaml: tags[0].parent: unknown tag 'zz'" in errors_of(content_dir)


def test_all_errors_are_reported_at_once(content_dir: Path) -> None:
    write_concept(content_dir, "alpha", learn_before=["nope"])
    write_concept(content_dir, "beta", chapter="nowhere")

    assert len(errors_of(content_dir)) == 2


def test_export_then_import_then_export_is_byte_identical(
    content_dir: Path, tmp_path: Path
) -> None:
    import_tree(content_dir)
    first, second = tmp_path / "first", tmp_path / "second"
    export_tree(Course.objects.get(), first)
    Concept.objects.all().delete()
    Chapter.objects.all().delete()
    import_tree(first, force=True)  # bring back what was deleted

    export_tree(Course.objects.get(), second)

    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_command_prints_each_error_and_fails(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_concept(content_dir, "beta", learn_before=["ghost"])

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_content", str(content_dir))

    assert "concepts/beta.md: learn_before: unknown concept 'ghost'" in capsys.readouterr().err


def test_the_repository_course_is_valid_and_round_trips(tmp_path: Path) -> None:
    content = Path(__file__).resolve().parents[2] / "content"
    import_tree(content)
    course = Course.objects.get(slug="foundations-of-llms")
    assert course.concepts.count() >= 40

    export_tree(course, tmp_path / "out")

    for path in (tmp_path / "out").rglob("*.md"):
        assert path.read_bytes() == (content / path.relative_to(tmp_path / "out")).read_bytes(), (
            path
        )
