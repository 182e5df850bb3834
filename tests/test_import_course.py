"""`import_course` reads the course and its questions together and writes them in one
transaction; `courses.content.import_tree` is the course alone and leaves questions be."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_io.course import import_course
from courses.content import ImportConflicts, import_tree
from courses.models import Concept, Course, ImportedFile
from quizzes.models import Question, QuestionVersion
from tests.conftest import write_concept
from tests.quizzes.test_question_import import SINGLE, write

pytestmark = pytest.mark.django_db


def with_question(root: Path) -> Path:
    write(root, "which", SINGLE.format(slug="which", bloom="remember", second="false"))
    return root


def title_of(slug: str) -> str:
    question = Question.objects.select_related("current").get(slug=slug)
    assert question.current is not None
    return question.current.title


def test_a_question_edited_in_the_browser_stops_the_whole_import(content_dir: Path) -> None:
    import_course(with_question(content_dir))
    QuestionVersion.objects.filter(question__slug="which").update(title="Which, edited")
    write_concept(content_dir, "alpha", tags=["computing"], related=["gamma"], title="Alpha Two")
    write(content_dir, "which", SINGLE.format(slug="which", bloom="understand", second="false"))

    with pytest.raises(ImportConflicts) as caught:
        import_course(content_dir)

    assert [(c.file, c.item) for c in caught.value.conflicts] == [
        ("questions/which.md", f"{Question._meta.verbose_name} which")
    ]
    assert Concept.objects.get(slug="alpha").title == "Alpha"  # the concept was not written
    assert title_of("which") == "Which, edited"


def test_forcing_writes_the_course_and_the_question_and_names_the_overwritten_edit(
    content_dir: Path,
) -> None:
    import_course(with_question(content_dir))
    QuestionVersion.objects.filter(question__slug="which").update(title="Which, edited")
    write_concept(content_dir, "alpha", tags=["computing"], related=["gamma"], title="Alpha Two")

    report = import_course(content_dir, force=True)

    assert Concept.objects.get(slug="alpha").title == "Alpha Two"
    assert title_of("which") == "Which comes first"
    assert [w for w in report.warnings if "questions/which.md" in w]


def test_if_empty_on_a_database_holding_a_course_reads_and_writes_nothing(
    content_dir: Path,
) -> None:
    import_course(content_dir)
    (content_dir / "course.yaml").write_text("slug: [not, a, slug]\n", encoding="utf-8")

    report = import_course(content_dir, if_empty=True)

    assert report.skipped
    assert report.changes == 0
    assert list(report.lines()) == ["nothing imported: the database already holds a course"]
    assert Course.objects.get().title == "Demo Course"


def test_the_course_alone_imports_without_its_questions(content_dir: Path) -> None:
    report = import_tree(with_question(content_dir))

    assert report.created["concepts"] == 3
    assert not Question.objects.exists()


def test_importing_the_course_alone_keeps_the_import_records_of_its_questions(
    content_dir: Path,
) -> None:
    import_course(with_question(content_dir))
    write_concept(content_dir, "alpha", tags=["computing"], related=["gamma"], title="Alpha Two")

    import_tree(content_dir)

    assert ImportedFile.objects.filter(path="questions/which.md").exists()
    assert import_course(content_dir).changes == 0  # and no question reads as edited


def test_neither_app_imports_the_orchestrator() -> None:
    project = Path(__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(project))
        for app in ("courses", "quizzes")
        for path in (project / app).rglob("*.py")
        if "import content_io" in (text := path.read_text()) or "from content_io" in text
    ]

    assert offenders == []
