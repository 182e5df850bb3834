"""The database is authoritative once a course is imported: importing the files again never
overwrites an edit made in the browser silently. Each journey edits through the app (the concept
editor, the bank's bulk tag, the tag manager's merge, the quiz builder, the admin), then imports
the unchanged files: refused with the conflict named and nothing written; `--force` overwrites;
`export_content --edited-only` writes the edits out so they can be kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from authoring.bank_actions import BulkAction, RuleSpec, bulk_update_questions, save_quiz
from content_io.course import export_course, import_course
from courses import actions
from courses.content import ImportConflicts
from courses.models import Concept, Course, ImportedFile, Tag
from quizzes.models import Question, Quiz
from tests.authoring.test_concepts import form_data
from tests.quiz_data import write_questions

pytestmark = pytest.mark.django_db

CHECKPOINT = """\
slug: checkpoint
title: Checkpoint
questions: [pick-one]
draw:
  - count: 1
    concept: beta
"""


@pytest.fixture
def files(content_dir: Path) -> Path:
    """The demo course with questions of every kind and a quiz with a fixed question and a
    draw rule, imported once."""
    write_questions(content_dir)
    (content_dir / "quizzes" / "checkpoint.yaml").write_text(CHECKPOINT, encoding="utf-8")
    import_course(content_dir)
    return content_dir


def conflicts_of(root: Path, **options: bool) -> list[str]:
    with pytest.raises(ImportConflicts) as caught:
        import_course(root, **options)
    return [str(c) for c in caught.value.conflicts]


def snapshot() -> dict[str, object]:
    """Enough of the database to see that a refused import wrote nothing."""
    return {
        "concepts": sorted(Concept.objects.values_list("slug", "title", "summary")),
        "concept tags": sorted(Concept.tags.through.objects.values_list("concept_id", "tag_id")),
        "question tags": sorted(Question.tags.through.objects.values_list("question_id", "tag_id")),
        "tags": sorted(Tag.objects.values_list("slug", "name")),
        "quiz items": sorted(Quiz.objects.values_list("slug", "items__question__slug")),
        "import records": sorted(ImportedFile.objects.values_list("path", "fingerprint")),
    }


def edit_concept(user: User, slug: str, **changes: object) -> Concept:
    concept = Concept.objects.get(slug=slug)
    data = actions.ConceptInput(
        title=concept.title,
        slug=concept.slug,
        chapter=concept.chapter,
        summary=concept.summary,
        body=concept.body,
        status=concept.status,
        learn_before=list(Concept.objects.filter(unlocks_edges__after=concept)),
        learn_after=list(Concept.objects.filter(requires_edges__before=concept)),
        related=list(concept.related.all()),
        tags=list(concept.tags.filter(kind__in=["discipline", "custom"])),
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return actions.update_concept(user, concept, data)


def add_fixed_question_in_the_builder(user: User, quiz_slug: str, question_slug: str) -> None:
    quiz = Quiz.objects.get(slug=quiz_slug)
    fixed = [item.question for item in quiz.items.order_by("position")]
    rules = [
        RuleSpec(r.count, r.chapter, r.concept, r.tag, r.bloom)
        for r in quiz.rules.order_by("position")
    ]
    save_quiz(
        user, quiz.course, quiz, {}, [*fixed, Question.objects.get(slug=question_slug)], rules
    )


def make_concept_in_the_browser(user: User, slug: str) -> Concept:
    course = Course.objects.get()
    return actions.create_concept(
        user,
        course,
        actions.ConceptInput(
            title=slug.title(),
            slug=slug,
            chapter=course.chapters.get(slug="basics"),
            summary="Made in the browser.",
            body="Text.",
            status=Concept.Status.DRAFT,
            learn_before=[],
            learn_after=[],
            related=[],
            tags=[],
        ),
    )


def rename_in_file(root: Path, slug: str, title: str) -> None:
    path = root / "concepts" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"title: {slug.title()}\n", f"title: {title}\n"), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The journeys


def test_a_concept_edited_in_the_editor_is_not_reverted_by_a_reimport(
    files: Path, instructor: User, client: Client
) -> None:
    course = Course.objects.get()
    course.staff.add(instructor)
    client.force_login(instructor)
    response = client.post(
        reverse("authoring:concept_edit", args=["demo-course", "beta"]),
        form_data(course, Concept.objects.get(slug="beta"), title="Beta, Rewritten"),
    )
    assert response.status_code == 302
    before = snapshot()

    conflicts = conflicts_of(files)

    assert len(conflicts) == 1
    assert conflicts[0].startswith(
        "concepts/beta.md: concept beta: edited in the browser by ines at "
    )
    assert conflicts[0].endswith("(Edited title)")
    assert snapshot() == before
    assert Concept.objects.get(slug="beta").title == "Beta, Rewritten"


def test_a_fixed_question_added_in_the_quiz_builder_is_not_dropped(
    files: Path, instructor: User
) -> None:
    # The builder's save action (the view posts through it; tests/authoring/test_quiz_builder.py)
    add_fixed_question_in_the_builder(instructor, "checkpoint", "true-or-false")
    before = snapshot()

    conflicts = conflicts_of(files)

    assert [c.split(" by ")[0] for c in conflicts] == [
        "quizzes/checkpoint.yaml: quiz checkpoint: edited in the browser"
    ]
    assert "ines" in conflicts[0]
    assert snapshot() == before
    assert list(
        Quiz.objects.get(slug="checkpoint")
        .items.order_by("position")
        .values_list("question__slug", flat=True)
    ) == ["pick-one", "true-or-false"]


def test_a_tag_bulk_added_to_imported_questions_is_not_removed(
    files: Path, instructor: User, client: Client
) -> None:
    Course.objects.get().staff.add(instructor)
    client.force_login(instructor)
    response = client.post(
        reverse("authoring:questions", args=["demo-course"]),
        {
            "ids": list(
                Question.objects.filter(slug__in=["pick-one", "pick-many"]).values_list(
                    "pk", flat=True
                )
            ),
            "action": "add_tag",
            "tag": "science",
        },
    )
    assert response.status_code == 302
    before = snapshot()

    conflicts = conflicts_of(files)

    assert [c.split(":")[0] for c in conflicts] == [
        "questions/pick-many.md",
        "questions/pick-one.md",
    ]
    assert all(
        "edited in the browser by ines" in c and c.endswith("(Bulk add tag science)")
        for c in conflicts
    ), conflicts
    assert snapshot() == before
    assert Question.objects.filter(tags__slug="science").count() == 2


def test_a_tag_merged_onto_concepts_is_not_dropped(
    files: Path, admin_user: User, client: Client
) -> None:
    """Merging `computing` into `science` retags alpha and beta and deletes `computing`;
    the files still list `computing`, so an import would bring it back and untag them."""
    client.force_login(admin_user)
    response = client.post(
        reverse("authoring:tag_merge", args=["computing"]),
        {"survivor": Tag.objects.get(slug="science").pk},
    )
    assert response.status_code == 302
    before = snapshot()

    conflicts = conflicts_of(files)

    assert [c.split(":")[0] for c in conflicts] == [
        "concepts/alpha.md",
        "concepts/beta.md",
        "tags.yaml",
    ]
    assert all("edited in the browser by ada" in c for c in conflicts), conflicts
    assert conflicts[0].endswith("(tag manager: Merged into “Science” and deleted)")
    assert snapshot() == before
    assert not Tag.objects.filter(slug="computing").exists()


def test_an_edit_in_the_django_admin_is_a_conflict_too(
    files: Path, admin_user: User, client: Client
) -> None:
    concept = Concept.objects.get(slug="gamma")
    client.force_login(admin_user)
    url = reverse("admin:courses_concept_change", args=[concept.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {
        "title": "Gamma From The Admin",
        "chapter": concept.chapter_id,
        "course": concept.course_id,
        "tags": [t.pk for t in concept.tags.all()],
        "related": [c.pk for c in concept.related.all()],
        "requires_edges-TOTAL_FORMS": "0",
        "requires_edges-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]

    conflicts = conflicts_of(files)

    assert len(conflicts) == 1
    assert conflicts[0].startswith("concepts/gamma.md: concept gamma: edited in the browser by ada")
    assert "admin:" in conflicts[0]
    assert Concept.objects.get(slug="gamma").title == "Gamma From The Admin"


def test_a_chapter_renamed_in_the_admin_is_a_conflict_on_course_yaml(
    files: Path, admin_user: User, client: Client
) -> None:
    chapter = Course.objects.get().chapters.get(slug="advanced")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:courses_chapter_change", args=[chapter.pk]),
        {
            "course": chapter.course_id,
            "slug": chapter.slug,
            "title": "Further Steps",
            "summary": chapter.summary,
            "position": chapter.position,
        },
    )
    assert response.status_code == 302, response.content[:2000]

    conflicts = conflicts_of(files)

    assert len(conflicts) == 1
    assert conflicts[0].startswith(
        "course.yaml: course demo-course and its chapters: edited in the browser by ada at "
    )
    assert conflicts[0].endswith("(admin: Changed Title.)")
    chapter.refresh_from_db()
    assert chapter.title == "Further Steps"


# ---------------------------------------------------------------------------------------------
# Forcing, checking, exporting the edits first


def test_force_overwrites_the_edits_and_names_each_one(files: Path, instructor: User) -> None:
    edit_concept(instructor, "beta", title="Beta, Rewritten")
    add_fixed_question_in_the_builder(instructor, "checkpoint", "true-or-false")

    report = import_course(files, force=True)

    assert Concept.objects.get(slug="beta").title == "Beta"
    assert list(
        Quiz.objects.get(slug="checkpoint").items.values_list("question__slug", flat=True)
    ) == ["pick-one"]
    warnings = [line for line in report.lines() if line.startswith("warning: overwrote")]
    assert [w.split(": ")[2] for w in warnings] == ["concepts/beta.md", "quizzes/checkpoint.yaml"]
    assert import_course(files).changes == 0  # and the next import has nothing to say


def test_an_unedited_course_reimports_with_no_change(files: Path) -> None:
    report = import_course(files)

    assert list(report.lines())[-1] == "0 change(s)"


def test_file_changes_go_in_once_the_browser_edits_are_exported_first(
    files: Path, instructor: User
) -> None:
    add_fixed_question_in_the_builder(instructor, "checkpoint", "true-or-false")
    rename_in_file(files, "gamma", "Gamma Again")

    with pytest.raises(ImportConflicts):
        import_course(files)  # the quiz file would still undo the builder's change
    assert Concept.objects.get(slug="gamma").title == "Gamma"

    call_command("export_content", str(files), "--edited-only")
    report = import_course(files)

    assert report.changes == 1 and report.updated["concepts"] == 1
    assert Concept.objects.get(slug="gamma").title == "Gamma Again"
    assert Quiz.objects.get(slug="checkpoint").items.count() == 2


def test_a_browser_edit_the_import_leaves_alone_does_not_block_it(
    files: Path, instructor: User
) -> None:
    """A concept made in the browser has no file: the import does not touch it (no --prune),
    so file changes to other items go in."""
    make_concept_in_the_browser(instructor, "delta")
    rename_in_file(files, "gamma", "Gamma Again")

    report = import_course(files)

    assert report.updated["concepts"] == 1
    assert Concept.objects.get(slug="gamma").title == "Gamma Again"
    assert report.missing == ["delta"]


def test_check_reports_the_conflicts_and_writes_nothing(files: Path, instructor: User) -> None:
    edit_concept(instructor, "beta", summary="A summary written in the browser.")

    conflicts = conflicts_of(files, check=True)

    assert [c.split(":")[0] for c in conflicts] == ["concepts/beta.md"]
    assert Concept.objects.get(slug="beta").summary == "A summary written in the browser."


def test_the_command_lists_the_conflicts_and_says_how_to_keep_or_discard_them(
    files: Path, instructor: User, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_concept(instructor, "beta", title="Beta, Rewritten")

    with pytest.raises(CommandError) as caught:
        call_command("import_content", str(files))

    err = capsys.readouterr().err
    assert "concepts/beta.md: concept beta: edited in the browser by ines" in err
    assert f"export_content {files} --edited-only" in err
    assert f"import_content {files} --force" in err
    assert "nothing was written" in str(caught.value)
    with pytest.raises(CommandError):
        call_command("import_content", str(files), "--check")


def test_edited_only_export_writes_the_edited_files_and_then_the_import_keeps_them(
    files: Path, instructor: User, tmp_path: Path
) -> None:
    edit_concept(instructor, "beta", title="Beta, Rewritten")
    questions = list(Question.objects.filter(slug="pick-one"))
    bulk_update_questions(
        instructor, questions, BulkAction.ADD_TAG, tag=Tag.objects.get(slug="science")
    )
    out = tmp_path / "edited"

    call_command("export_content", str(out), "--edited-only")

    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "concepts/beta.md",
        "questions/pick-one.md",
    ]
    call_command("export_content", str(files), "--edited-only")
    report = import_course(files)
    assert report.changes == 0
    assert Concept.objects.get(slug="beta").title == "Beta, Rewritten"
    full = tmp_path / "full"
    export_course(Course.objects.get(), full)
    assert (full / "concepts" / "beta.md").read_text() == (
        files / "concepts" / "beta.md"
    ).read_text()


def test_an_item_deleted_in_the_browser_is_not_brought_back_silently(
    files: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Quiz.objects.filter(slug="checkpoint").delete()

    conflicts = conflicts_of(files)
    call_command("export_content", str(tmp_path / "out"), "--edited-only")

    assert len(conflicts) == 1
    assert conflicts[0].startswith(
        "quizzes/checkpoint.yaml: quiz checkpoint: deleted in the browser since the import of "
    )
    assert not Quiz.objects.filter(slug="checkpoint").exists()
    out = capsys.readouterr().out
    assert "quizzes/checkpoint.yaml: deleted in the browser; delete " in out
    assert not (tmp_path / "out").exists()


def test_prune_does_not_delete_a_concept_made_in_the_browser(files: Path, instructor: User) -> None:
    make_concept_in_the_browser(instructor, "delta")

    conflicts = conflicts_of(files, prune=True)

    assert len(conflicts) == 1
    assert conflicts[0].startswith("concepts/delta.md: concept delta: made in the browser")
    assert conflicts[0].endswith("this import would delete it")
    assert Concept.objects.filter(slug="delta").exists()


# ---------------------------------------------------------------------------------------------
# make run: imports only into an empty database


def test_make_run_imports_content_only_into_an_empty_database() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun: install\n", 1)[1].split("\n\n", 1)[0]

    imports = [line.strip() for line in recipe.splitlines() if "import_content" in line]

    assert imports == ["$(BIN)/python manage.py import_content content/ --if-empty"]


def test_if_empty_imports_into_an_empty_database(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("import_content", str(content_dir), "--if-empty")

    assert Concept.objects.count() == 3
    assert "created 3 concepts" in capsys.readouterr().out


def test_if_empty_leaves_an_existing_database_alone_and_says_so(
    files: Path, instructor: User, capsys: pytest.CaptureFixture[str]
) -> None:
    edit_concept(instructor, "beta", title="Beta, Rewritten")
    capsys.readouterr()

    call_command("import_content", str(files), "--if-empty")

    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith(f"{files} was not re-imported")
    assert f"import_content {files}" in out[0]
    assert Concept.objects.get(slug="beta").title == "Beta, Rewritten"
