"""Rooms depend one way: courses knows nothing of quizzes, and grading knows nothing of Django."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSES = ROOT / "courses"
COURSE_TEMPLATES = [ROOT / "templates" / "courses", COURSES / "templates"]
QUIZ_IN_TEMPLATE = re.compile(r"""load\s+quiz|['"]quizzes:""")
GRADING = ROOT / "grading"
FORBIDDEN_IN_GRADING = {"django", "courses", "quizzes", "accounts", "config"}
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


def grading_offenders(root: Path) -> list[str]:
    offenders = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        package = ".".join(rel.parts[:-1])
        for name in sorted(imported_modules(path, package)):
            if name == ABOVE or name.split(".")[0] in FORBIDDEN_IN_GRADING:
                offenders.append(f"{path.relative_to(root.parent)}: {name}")
    return offenders


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
        "{'django', 'courses', 'quizzes', 'accounts', 'config'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


INSIGHT_BELOW = ("accounts", "courses", "quizzes", "content_io", "grading")
INSIGHT_IN_TEMPLATE = re.compile(r"""load\s+insight|['"]insight:""")


def insight_offenders(root: Path) -> list[str]:
    """Modules of the apps below insight that import it, and their templates that name its URLs
    or load its tags: insight builds on courses and quizzes, never the other way."""
    offenders = []
    for app in INSIGHT_BELOW:
        for path in sorted((root / app).rglob("*.py")):
            rel = path.relative_to(root).with_suffix("")
            package = ".".join(rel.parts[:-1])
            offenders += [
                f"{path.relative_to(root)}: {name}"
                for name in sorted(imported_modules(path, package))
                if name.split(".")[0] == "insight"
            ]
    for folder in ("courses", "quizzes", "authoring", "includes"):
        for path in sorted((root / "templates" / folder).rglob("*.html")):
            offenders += [
                f"{path.relative_to(root)}: {m.group()}"
                for m in INSIGHT_IN_TEMPLATE.finditer(path.read_text())
            ]
    return offenders


def test_nothing_below_insight_imports_it_or_names_its_urls() -> None:
    assert insight_offenders(ROOT) == []


def test_the_insight_check_catches_imports_and_template_urls(tmp_path: Path) -> None:
    (tmp_path / "quizzes" / "sub").mkdir(parents=True)
    (tmp_path / "quizzes" / "views.py").write_text("from insight.page import quiz_page\n")
    (tmp_path / "quizzes" / "sub" / "a.py").write_text("import insight\nimport insightful\n")
    (tmp_path / "templates" / "quizzes").mkdir(parents=True)
    (tmp_path / "templates" / "quizzes" / "r.html").write_text("{% url 'insight:quiz' c q %}")

    assert insight_offenders(tmp_path) == [
        "quizzes/sub/a.py: insight",
        "quizzes/views.py: insight.page",
        "quizzes/views.py: insight.page.quiz_page",
        "templates/quizzes/r.html: 'insight:",
    ]
