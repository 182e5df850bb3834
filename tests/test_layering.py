"""Apps depend one way: courses knows nothing of quizzes."""

from pathlib import Path

COURSES = Path(__file__).resolve().parents[1] / "courses"


def test_nothing_under_courses_imports_quizzes() -> None:
    offenders = [
        str(path.relative_to(COURSES.parent))
        for path in COURSES.rglob("*.py")
        if "import quizzes" in (text := path.read_text()) or "from quizzes" in text
    ]

    assert offenders == []
