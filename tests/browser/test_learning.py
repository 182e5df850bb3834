"""A student practises in Chromium, sees the frontier move on, gets a review due once the clock
has moved on, and the instructor's class table shows where they stand."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db.models import F

from content_io.course import import_course
from courses.models import Course
from learning.actions import recompute_course
from learning.models import Evidence, Mastery
from tests.browser.conftest import screenshot
from tests.browser.test_quiz import log_in

pytestmark = pytest.mark.django_db(transaction=True)

BLOOMS = ["remember", "understand", "apply", "analyze", "evaluate"]


def write_question(root: Path, slug: str, concept: str, bloom: str) -> None:
    (root / "questions").mkdir(exist_ok=True)
    (root / "questions" / f"{slug}.md").write_text(
        textwrap.dedent(
            f"""\
            ---
            slug: {slug}
            title: Question {slug}
            bloom: {bloom}
            concepts: [{concept}]
            explanation: The right option is the one that says so.
            parts:
              - id: choice
                kind: single
                prompt: Which option holds for {concept} in this case?
                options:
                  - {{id: a, text: "The right option for {slug}", correct: true}}
                  - {{id: b, text: "A wrong option for {slug}", correct: false}}
                  - {{id: c, text: "Another wrong option for {slug}", correct: false}}
            ---
            A team studies {concept} and has to decide what holds in their setting.
            """
        ),
        encoding="utf-8",
    )


@pytest.fixture
def course(transactional_db: None, content_dir: Path) -> Course:
    """alpha → beta → gamma; five alpha questions from Remember to Evaluate, two on beta."""
    for n, bloom in enumerate(BLOOMS, start=1):
        write_question(content_dir, f"alpha-{n}", "alpha", bloom)
    write_question(content_dir, "beta-1", "beta", "remember")
    write_question(content_dir, "beta-2", "beta", "understand")
    import_course(content_dir)
    return Course.objects.get(slug="demo-course")


def frontier(page) -> list[str]:
    return page.locator("#frontier li a:first-child").all_inner_texts()


def test_a_student_practises_the_frontier_moves_a_review_comes_due_and_the_instructor_sees_it(
    page, course: Course, student: User, instructor: User
) -> None:
    course.staff.add(instructor)
    log_in(page, student.username)
    page.goto("/learn/demo-course/")
    assert frontier(page) == ["Alpha"]

    page.get_by_role("button", name="Practise what comes next").click()
    for _ in range(10):
        page.wait_for_load_state()
        if page.get_by_role("heading", name="Practice done").count():
            break
        page.get_by_label("The right option", exact=False).check()
        page.get_by_role("button", name="Check my answer").click()
        assert "100%" in page.locator(".practice-score").inner_text()
        screenshot(page, "practice-feedback")
        page.get_by_role("button", name="Next question").or_(
            page.get_by_role("button", name="Finish")
        ).click()
    assert Mastery.objects.get(student=student, concept__slug="alpha").level == "mastered"

    page.goto("/learn/demo-course/")
    assert frontier(page)[0] == "Beta"  # alpha mastered: what builds on it comes next
    assert "Alpha — mastered" in page.locator("svg.mastery-graph").inner_html()
    assert page.locator("#due").inner_text().strip() == "No review is due today."
    screenshot(page, "learning-progress")

    # The clock moves on thirty days: the student's history moves back as far.
    Evidence.objects.filter(student=student).update(at=F("at") - timedelta(days=30))
    recompute_course(course.pk)
    page.reload()
    assert "Alpha" in page.locator("#due").inner_text()
    page.goto("/courses/demo-course/")
    assert "Reviews due today" in page.content()

    page.context.clear_cookies()
    log_in(page, instructor.username)
    page.goto("/learn/demo-course/class/")
    row = page.locator("#class-table tbody tr", has_text=student.username)
    assert "mastered" in row.inner_text()
    screenshot(page, "learning-class")
