"""Rooms depend one way: each app builds only on the apps listed before it in ROOMS (courses
knows nothing of quizzes, quizzes nothing of review or authoring), and grading knows nothing of
Django. Checked on Python imports and on templates (tag libraries loaded, URL namespaces named)."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSES = ROOT / "courses"
COURSE_TEMPLATES = [ROOT / "templates" / "courses", COURSES / "templates"]
QUIZ_IN_TEMPLATE = re.compile(r"""load\s+quiz|['"]quizzes:""")
GRADING = ROOT / "grading"
FORBIDDEN_IN_GRADING = {
    "django",
    "accounts",
    "authoring",
    "config",
    "content_io",
    "courses",
    "insight",
    "quizzes",
    "review",
    "learning",
}
# The apps, bottom first: each may import (and its templates name URLs of and load tags from)
# only those before it. `learning` (the learner model) comes last: nothing imports it, and the
# course pages reach it only through courses.extensions. `config` wires them all together and
# is not a room.
ROOMS = (
    "accounts",
    "courses",
    "quizzes",
    "review",
    "authoring",
    "content_io",
    "insight",
    "learning",
)
URL_NAMESPACE = re.compile(r"""{%\s*url\s+['"]([A-Za-z_]+):""")
LOAD_TAGS = re.compile(r"{%\s*load\s+(.*?)\s*%}")
ABOVE = "<a relative import above the package>"


def test_nothing_under_courses_imports_quizzes() -> None:
    offenders = [
        str(path.relative_to(COURSES.parent))
        for path in COURSES.rglob("*.py")
        if "import quizzes" in (text := path.read_text()) or "from quizzes" in text
    ]

    assert offenders == []


def template_offenders(folders: list[Path]) -> list[str]:
    """Templates that load a quiz tag library or name a quiz URL."""
    return [
        f"{path.relative_to(folder.parent)}: {match.group()}"
        for folder in folders
        for path in sorted(folder.rglob("*.html"))
        for match in QUIZ_IN_TEMPLATE.finditer(path.read_text())
    ]


def test_no_course_template_loads_quiz_tags_or_names_quiz_urls() -> None:
    assert template_offenders(COURSE_TEMPLATES) == []


def test_the_template_check_catches_quiz_tags_and_quiz_urls(tmp_path: Path) -> None:
    folder = tmp_path / "courses"
    folder.mkdir()
    (folder / "a.html").write_text("{% load quiz_links %}{% chapter_quizzes chapter %}")
    (folder / "b.html").write_text("""<a href="{% url 'quizzes:quiz_list' c %}">""")
    (folder / "c.html").write_text("""{% url "quizzes:quiz" c q %} {% load static %}""")

    assert template_offenders([folder, tmp_path / "absent"]) == [
        "courses/a.html: load quiz",
        "courses/b.html: 'quizzes:",
        'courses/c.html: "quizzes:',
    ]


def imported_modules(path: Path, package: str) -> set[str]:
    """Every module `path` imports, relative imports resolved against `package`."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            if node.level > len(parts):
                names.add(ABOVE)
                continue
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def import_offenders(root: Path, forbidden: set[str]) -> list[str]:
    """`file: module` for each import under `root` of a top-level package in `forbidden` (or a
    relative import reaching above the package)."""
    offenders = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        package = ".".join(rel.parts[:-1])
        for name in sorted(imported_modules(path, package)):
            if name == ABOVE or name.split(".")[0] in forbidden:
                offenders.append(f"{path.relative_to(root.parent)}: {name}")
    return offenders


def grading_offenders(root: Path) -> list[str]:
    return import_offenders(root, FORBIDDEN_IN_GRADING)


def rooms_above(room: str) -> set[str]:
    return set(ROOMS[ROOMS.index(room) + 1 :])


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_imports_only_the_rooms_below_it(room: str) -> None:
    assert import_offenders(ROOT / room, rooms_above(room)) == []


def test_the_room_check_catches_an_import_of_a_room_above(tmp_path: Path) -> None:
    package = tmp_path / "quizzes"
    package.mkdir()
    (package / "a.py").write_text("from review.models import RegradeRun\nimport courses.models\n")
    (package / "b.py").write_text("import authoring.urls\nfrom grading import draw\n")
    (package / "c.py").write_text("def f():\n    from content_io.course import import_course\n")

    assert import_offenders(package, rooms_above("quizzes")) == [
        "quizzes/a.py: review.models",
        "quizzes/a.py: review.models.RegradeRun",
        "quizzes/b.py: authoring.urls",
        "quizzes/c.py: content_io.course",
        "quizzes/c.py: content_io.course.import_course",
    ]


def tag_libraries(root: Path = ROOT) -> dict[str, str]:
    """Template tag library name -> the room that defines it."""
    return {
        path.stem: room
        for room in ROOMS
        for path in (root / room / "templatetags").glob("*.py")
        if path.stem != "__init__"
    }


def room_template_offenders(
    folders: list[Path], above: set[str], libraries: dict[str, str]
) -> list[str]:
    """Templates that name a URL of a room in `above` or load a tag library defined there."""
    offenders = []
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            text = path.read_text()
            where = path.relative_to(folder.parent)
            for match in LOAD_TAGS.finditer(text):
                words = match.group(1).split()
                names = words[-1:] if "from" in words else words
                offenders += [f"{where}: load {n}" for n in names if libraries.get(n) in above]
            offenders += [
                f"{where}: url {m.group(1)}:"
                for m in URL_NAMESPACE.finditer(text)
                if m.group(1) in above
            ]
    return offenders


@pytest.mark.parametrize("room", ROOMS)
def test_each_rooms_templates_name_no_url_and_load_no_tags_of_a_room_above(room: str) -> None:
    folders = [ROOT / "templates" / room, ROOT / room / "templates"]

    assert room_template_offenders(folders, rooms_above(room), tag_libraries()) == []


def test_the_room_template_check_catches_urls_and_tags_of_a_room_above(tmp_path: Path) -> None:
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "a.html").write_text("{% load static review_tags %}{% url 'courses:home' %}")
    (folder / "b.html").write_text(
        """<a href="{% url "authoring:home" %}">{% url 'review:queue' %}"""
    )
    (folder / "c.html").write_text("{% load marks from review_tags %}{% load stepwise %}")
    libraries = {"review_tags": "review", "stepwise": "courses"}

    assert room_template_offenders([folder], rooms_above("quizzes"), libraries) == [
        "quizzes/a.html: load review_tags",
        "quizzes/b.html: url authoring:",
        "quizzes/b.html: url review:",
        "quizzes/c.html: load review_tags",
    ]
    assert tag_libraries()["stepwise"] == "courses"


def test_nothing_under_grading_imports_django_courses_or_quizzes() -> None:
    assert grading_offenders(GRADING) == []


def test_the_grading_check_catches_plain_from_and_relative_imports(tmp_path: Path) -> None:
    package = tmp_path / "grading"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("import django.conf\n")
    (package / "a.py").write_text("from quizzes.models import Answer\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text("from ... import courses\n")
    (package / "sub" / "c.py").write_text("from .. import text\nfrom .d import x\n")

    assert grading_offenders(package) == [
        "grading/__init__.py: django.conf",
        "grading/a.py: quizzes.models",
        "grading/a.py: quizzes.models.Answer",
        f"grading/sub/b.py: {ABOVE}",
    ]


def test_importing_grading_leaves_django_unloaded() -> None:
    code = (
        "import sys\n"
        "import grading, grading.batch, grading.draw, grading.llm, grading.scoring\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        f"{sorted(FORBIDDEN_IN_GRADING)!r}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
