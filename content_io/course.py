"""The whole content directory, in and out: the course (courses) and its questions and quizzes
(quizzes), read together and written in one transaction.

This module depends on both apps; neither depends on it, and courses knows nothing of quizzes.
`import_course` and `export_course` are what the `import_content` and `export_content`
commands run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from courses import content as courses_content
from courses import provenance
from courses.content import (
    ContentInvalid,
    CourseTree,
    EditedExport,
    Errors,
    ImportReport,
    canonical_files,
    export_edited,
    export_tree,
    keep_browser_edits,
    parse_tree,
    write_tree,
)
from courses.models import Course
from courses.provenance import ItemModels
from quizzes import content as quiz_content
from quizzes.content import (
    QuizContent,
    export_quiz_content,
    item_writing_warnings,
    parse_quiz_content,
    write_quiz_content,
)

# Content folder → the model of its items, for every folder of the content directory.
ITEM_MODELS: ItemModels = {**courses_content.ITEM_MODELS, **quiz_content.ITEM_MODELS}


@dataclass
class CourseContent:
    """A content directory, parsed and checked: the course and its questions and quizzes."""

    tree: CourseTree
    quizzes: QuizContent


def parse_course(root: Path | str) -> CourseContent:
    """Read and check every file under `root`; raise ContentInvalid with all errors found (the
    course's first: questions and quizzes are checked against a course that reads)."""
    root = Path(root)
    tree = parse_tree(root)
    errors = Errors()
    quizzes = parse_quiz_content(root, tree, errors)
    if errors.items:
        raise ContentInvalid(errors.items)
    return CourseContent(tree, quizzes)


def import_course(
    root: Path | str,
    *,
    check: bool = False,
    prune: bool = False,
    force: bool = False,
    if_empty: bool = False,
) -> ImportReport:
    """Import the course, its questions and quizzes under `root` in one transaction;
    all-or-nothing. Raises ContentInvalid on any error, and ImportConflicts when it would change
    an item edited in the browser since its last import (`force=True` overwrites those, each
    named in the report's warnings). `check=True` writes everything and rolls it back, with the
    item-writing checker's findings among the warnings; `prune=True` deletes the items whose
    files are gone; `if_empty=True` imports only into a database holding no course yet (the
    report says `skipped` otherwise, and nothing is read)."""
    root = Path(root)
    if if_empty and Course.objects.exists():
        return ImportReport(checked_only=check, skipped=True)
    content = parse_course(root)
    report = ImportReport(checked_only=check)
    with transaction.atomic():
        course = Course.objects.filter(slug=content.tree.course.slug).first()
        before = canonical_files(course, export_course) if course else {}
        items = provenance.Items.of(course, ITEM_MODELS)
        written = write_tree(content.tree, report, prune=prune)
        write_quiz_content(content.quizzes, written)
        if check:
            report.warnings.extend(item_writing_warnings(content.quizzes.questions, written))
        # An import that changed nothing left every item as it was (the report counts each
        # write); rendering the course again would cost as much as the first rendering (YAML).
        unchanged = bool(before) and report.changes == 0
        after = before if unchanged else canonical_files(written.course, export_course)
        keep_browser_edits(
            root, written.course, before, after, items, report, check=check, force=force
        )
        if check:
            transaction.set_rollback(True)
    return report


def export_course(course: Course, root: Path | str) -> list[Path]:
    """Write `course`, its questions and quizzes under `root` in the content format; return the
    files written."""
    root = Path(root)
    return export_tree(course, root) + export_quiz_content(course, root)


def export_course_edited(course: Course, root: Path | str) -> EditedExport:
    """Write only the files of items (questions and quizzes too) edited or made in the browser
    since their last import, over what `root` holds (`export_content --edited-only`)."""
    return export_edited(course, root, export_course, ITEM_MODELS)
