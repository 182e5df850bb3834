"""One set of labels for the kinds of question parts: every kind has one, defined once."""

from pathlib import Path

from authoring.bank_actions import KINDS as BANK_KINDS
from authoring.question_forms import KINDS as EDITOR_KINDS
from quizzes.models import KIND_LABELS, PART_KINDS

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_an_author_can_pick_has_a_label() -> None:
    assert set(PART_KINDS) | set(BANK_KINDS) | set(EDITOR_KINDS) <= set(KIND_LABELS)


def test_the_labels_are_defined_in_one_module_only() -> None:
    defined_in = [
        str(path.relative_to(ROOT))
        for app in ("courses", "quizzes")
        for path in sorted((ROOT / app).rglob("*.py"))
        if "KIND_LABELS = " in path.read_text() or "KIND_LABELS: " in path.read_text()
    ]

    assert defined_in == ["quizzes/models.py"]
