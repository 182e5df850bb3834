"""Authoring journeys in Chromium: an instructor writes a scenario question (choice and a
justification graded by a rubric), tries an answer, previews, publishes and puts it in a quiz; a
student takes that quiz; an admin tags the question in bulk, merges two tags and reads the
coverage matrix."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from content_io.course import import_course
from courses.models import Course, Tag
from quizzes.models import Attempt, Question
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Two ways to adapt a model"
SLUG = "two-ways-to-adapt-a-model"
QUIZ_TITLE = "Adapting models"
EDITOR = f"/author/courses/demo-course/questions/{SLUG}/"


@pytest.fixture
def course(transactional_db: None, content_dir: Path, instructor: User) -> Course:
    import_course(content_dir)
    course = Course.objects.get(slug="demo-course")
    course.staff.add(instructor)
    return course


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def write_scenario_question(page, course: Course) -> None:
    """From /author/, write and save a draft scenario question; ends on its editor page."""
    page.goto("/author/")
    page.get_by_role("heading", name=course.title).wait_for()
    page.get_by_role("link", name="Question bank").click()
    page.wait_for_url("**/author/courses/demo-course/questions/")
    page.goto("/author/courses/demo-course/questions/new/?kind=scenario")
    page.get_by_role("heading", name="New question").wait_for()

    # Structure first (an htmx swap of the editor): the criterion keeps the levels 0 and 2.
    levels = page.locator("#f-parts-1-rubric-criteria-0-levels .entry")
    expect(levels).to_have_count(3)
    page.locator('button[value="remove:parts-1-rubric-criteria-0-levels-1"]').click()
    expect(levels).to_have_count(2)

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_bloom").select_option(label="Analyze")
    alpha = course.concepts.get(slug="alpha")
    page.locator(f'input[name="concepts"][value="{alpha.pk}"]').check()
    page.locator("#id_stem").fill(
        "Engineer A wants to fine-tune a separate model for every customer. Engineer B wants "
        "one shared model steered by a prompt per customer."
    )
    page.locator("#f-parts-0-prompt").fill("Whose plan is cheaper to run?")
    page.locator("#f-parts-0-options-0-text").fill("Engineer A")
    page.locator("#f-parts-0-options-1-text").fill("Engineer B")
    page.locator("#f-parts-0-options-1-correct").check()

    rubric = "#f-parts-1-rubric"
    page.locator(f"{rubric}-model_answers-0-text").fill(
        "Engineer B: prompting one shared model needs no retraining, so each new customer "
        "costs only a prompt."
    )
    page.locator(f"{rubric}-criteria-0-id").fill("cost")
    page.locator(f"{rubric}-criteria-0-title").fill("Gives the cost reason")
    page.locator(f"{rubric}-criteria-0-argues_for").select_option(value="choice:b")
    page.locator(f"{rubric}-criteria-0-key_ideas-0-id").fill("no-retraining")
    page.locator(f"{rubric}-criteria-0-key_ideas-0-phrasings").fill(
        "no retraining\nwithout retraining\nweights stay unchanged"
    )
    page.locator(f"{rubric}-criteria-0-levels-0-descriptor").fill("No cost reason")
    page.locator(f"{rubric}-criteria-0-levels-1-points").fill("2")
    page.locator(f"{rubric}-criteria-0-levels-1-descriptor").fill("Says no retraining is needed")
    screenshot(page, "author-question-editor")

    page.get_by_role("button", name="Save", exact=True).last.click()
    page.wait_for_url(f"**{EDITOR}")
    page.get_by_text(f"“{TITLE}” is created").wait_for()


def publish_in_a_new_quiz(page) -> None:
    """Publish the question from its editor, then make a quiz holding it as a fixed question."""
    page.goto(EDITOR)
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published: quizzes may now give it to students.").wait_for()

    page.goto("/author/courses/demo-course/quizzes/new/")
    page.get_by_role("heading", name="New quiz").wait_for()
    page.locator("#id_title").fill(QUIZ_TITLE)
    page.locator("#id_slug").fill("adapting-models")
    page.locator("#search").fill("adapt a model")
    page.get_by_role("button", name="Search").click()
    page.get_by_label(TITLE).check()
    page.get_by_role("button", name="Save quiz").click()
    page.get_by_text(f"Quiz “{QUIZ_TITLE}” saved.").wait_for()
    page.get_by_role("cell", name=f"{TITLE} {SLUG}").wait_for()


def test_an_instructor_writes_tries_previews_publishes_and_quizzes_a_scenario_question(
    page, course: Course, instructor: User
) -> None:
    log_in(page, instructor.username)
    write_scenario_question(page, course)
    question = Question.objects.get(course=course, slug=SLUG)
    assert question.status == Question.Status.DRAFT
    parts = question.current.parts  # type: ignore[union-attr]
    assert [p["kind"] for p in parts] == ["single", "free_text"]
    assert [lv["points"] for lv in parts[1]["rubric"]["criteria"][0]["levels"]] == [0, 2]

    # Try an answer against the rubric: the grade, its confidence and the evidence.
    page.locator("#f-parts-1-try_answer").fill(
        "Engineer B, because a prompt needs no retraining of the model for each customer."
    )
    page.get_by_role("button", name="Grade this answer").click()
    result = page.locator("#try-parts-1")
    expect(result).to_contain_text("2 / 2")
    expect(result).to_contain_text("confidence")
    expect(result.locator("mark").first).to_be_visible()
    expect(result).to_contain_text("Gives the cost reason")
    screenshot(page, "author-try-answer")

    # The student's view of the draft.
    page.get_by_role("link", name="Preview as a student").click()
    page.wait_for_url("**/preview/")
    page.get_by_role("heading", name=f"1. {TITLE}").wait_for()
    expect(page.get_by_label("Engineer B")).to_be_visible()
    expect(page.get_by_label("Justify your reasoning.")).to_be_visible()
    screenshot(page, "author-preview")

    publish_in_a_new_quiz(page)
    screenshot(page, "author-quiz-builder")
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
    quiz = course.quizzes.get(slug="adapting-models")
    assert [item.question for item in quiz.items.all()] == [question]


def test_a_student_answers_the_new_scenario_question_in_its_quiz(
    page, browser, live_server, course: Course, instructor: User, student: User
) -> None:
    log_in(page, instructor.username)
    write_scenario_question(page, course)
    publish_in_a_new_quiz(page)

    context, student_page = new_page(browser, live_server)
    log_in(student_page, student.username)
    student_page.goto("/courses/demo-course/quizzes/adapting-models/")
    student_page.get_by_role("button", name="Start the quiz").click()
    student_page.get_by_label("Engineer B").wait_for()
    student_page.get_by_label("Engineer B").check()
    student_page.get_by_label("Justify your reasoning.").fill(
        "Engineer B: one shared model needs no retraining, so each customer only costs a prompt."
    )
    student_page.get_by_role("button", name="Review and submit").click()
    student_page.get_by_label("I have finished").wait_for()
    student_page.get_by_label("I have finished").check()
    student_page.get_by_role("button", name="Submit my answers").click()
    student_page.get_by_role("heading", name="Your result").wait_for()
    expect(student_page.locator(".score .big")).to_contain_text("3 / 3")
    expect(student_page.locator("mark.ev", has_text="retraining")).to_be_visible()
    screenshot(student_page, "student-scenario-result")
    assert Attempt.objects.get(student=student).is_submitted
    context.close()


def test_an_admin_tags_the_new_question_in_bulk_merges_two_tags_and_reads_the_coverage(
    page, browser, live_server, course: Course, instructor: User, admin_user: User
) -> None:
    Tag.objects.create(slug="linguistics", name="Linguistics", kind=Tag.Kind.DISCIPLINE)
    Tag.objects.create(slug="language-studies", name="Language Studies", kind=Tag.Kind.DISCIPLINE)
    log_in(page, instructor.username)
    write_scenario_question(page, course)
    question = Question.objects.get(course=course, slug=SLUG)

    context, admin = new_page(browser, live_server)
    log_in(admin, admin_user.username)
    admin.goto("/author/courses/demo-course/questions/")
    admin.get_by_role("heading", name="Question bank").wait_for()
    admin.get_by_label(f"Select {TITLE}").check()
    bulk = admin.locator("fieldset.bulk-actions")
    bulk.locator("select[name=action]").select_option(label="Add tag")
    bulk.locator("select[name=tag]").select_option(label="Linguistics")
    bulk.get_by_role("button", name="Apply").click()
    admin.get_by_text("1 question updated.").wait_for()
    expect(admin.locator(".bank-table tr", has_text=TITLE).locator("li.tag")).to_have_text(
        ["Linguistics"]
    )
    screenshot(admin, "admin-bulk-tag")
    assert list(question.tags.values_list("slug", flat=True)) == ["linguistics"]

    admin.goto("/author/tags/")
    admin.get_by_role("heading", name="Tags", exact=True).wait_for()
    admin.locator("li", has=admin.get_by_role("link", name="Linguistics", exact=True)).get_by_role(
        "link", name="merge"
    ).click()
    admin.wait_for_url("**/tags/linguistics/merge/")
    admin.get_by_label("Merge into").select_option(label="Language Studies")
    admin.get_by_role("button", name="Merge and delete “Linguistics”").click()
    admin.wait_for_url("**/tags/language-studies/edit/")
    admin.get_by_text("Merged “Linguistics” into “Language Studies”").wait_for()
    screenshot(admin, "admin-tag-merge")
    assert not Tag.objects.filter(slug="linguistics").exists()
    assert list(question.tags.values_list("slug", flat=True)) == ["language-studies"]

    admin.goto("/author/courses/demo-course/coverage/")
    admin.get_by_role("heading", name="Coverage: chapters").wait_for()
    basics = admin.get_by_role("row").filter(has=admin.get_by_role("rowheader", name="Basics"))
    headers = admin.locator("table.coverage thead th").all_inner_texts()
    cells = basics.locator("td").all_inner_texts()
    assert cells[headers.index("Analyze") - 1].strip() == "1"
    assert [c.strip() for c in cells[:-1]].count("0") == len(cells) - 2
    screenshot(admin, "coverage-matrix")
    context.close()


def test_the_concept_list_of_the_question_editor_narrows_as_the_author_types(
    page, course: Course, instructor: User
) -> None:
    alpha, gamma = course.concepts.get(slug="alpha"), course.concepts.get(slug="gamma")
    log_in(page, instructor.username)
    page.goto("/author/courses/demo-course/questions/new/?kind=single")
    page.locator(f'input[name="concepts"][value="{alpha.pk}"]').check()
    options = page.locator("#pick-concepts .pick-option")
    expect(options).to_have_count(course.concepts.count())

    page.locator("#id_concepts .pick-filter input").fill("gam")

    expect(options.filter(has_text="Gamma")).to_be_visible()
    expect(options.filter(has_text="Beta")).to_be_hidden()
    expect(options.filter(has_text="Alpha")).to_be_visible()  # ticked: never hidden
    expect(page.locator("#id_concepts .pick-count")).to_have_text("2 shown")
    page.locator(f'input[name="concepts"][value="{gamma.pk}"]').check()
    page.locator("#id_concepts .pick-filter input").fill("")
    expect(options.filter(has_text="Beta")).to_be_visible()
