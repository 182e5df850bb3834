"""The learner app uses the quiz engine's public names only: no `_private` name imported from
another app (practice feedback comes from quizzes.feedback.part_feedback, as the result page's)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def private_imports(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.split(".")[0] == app:
                    continue
                found += [
                    f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    return found


def test_the_learner_app_imports_no_private_name_of_another_app() -> None:
    assert private_imports("learning") == []


def test_the_quiz_result_page_and_practice_share_one_public_feedback_builder() -> None:
    from quizzes import feedback, views

    assert views.part_feedback is feedback.part_feedback
