"""Objects are fetched through the access layer: only an app's `access.py` may turn a missing
(or not-yours) object into a 404. A view, an authoring module or the review views that called
`get_object_or_404` itself would skip the ownership check the access function makes."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = (
    "accounts",
    "config",
    "courses",
    "quizzes",
    "review",
    "authoring",
    "content_io",
    "insight",
    "learning",
)
FETCHERS = {"get_object_or_404", "get_list_or_404"}


def fetches_by_404(source: str) -> list[int]:
    """The lines of `source` that import or call a 404 shortcut."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and any(a.name in FETCHERS for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FETCHERS:
                lines.append(node.lineno)
    return lines


def test_only_access_modules_fetch_an_object_or_404() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path.name != "access.py" and "migrations" not in path.parts
        for line in fetches_by_404(path.read_text())
    ]

    assert offenders == []


def test_the_check_sees_a_view_that_fetches_for_itself() -> None:
    view = (
        "from django.shortcuts import get_object_or_404\n"
        "def page(request, pk):\n"
        "    return shortcuts.get_object_or_404(Quiz, pk=pk)\n"
    )

    assert fetches_by_404(view) == [1, 3]
