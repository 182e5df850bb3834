"""The rubric editor inside a free-text part: criteria, levels, key ideas, misconceptions and
model answers; "start from the model answer"; "try an answer" against the rubric as typed; and
what saving a rubric does to answers already graded."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from quizzes.models import Answer, Question, QuestionVersion, Quiz
from review.actions import decide_answer
from review.models import GradingPolicy, RegradeRun
from tests.authoring import test_questions as base
from tests.authoring.test_questions import (
    FREE_TEXT,
    RUBRIC,
    SCENARIO,
    answer,
    create,
    editor_post,
    url,
)

author = base.author  # the course instructor, logged in

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def scenario_with(**criterion: Any) -> list[dict[str, Any]]:
    parts = copy.deepcopy(SCENARIO)
    parts[1]["rubric"]["criteria"][0].update(criterion)
    return parts


def refused(client: Client, parts: list[dict[str, Any]]) -> str:
    response = client.post(url("question_new"), editor_post(parts))
    assert response.status_code == 422
    assert not Question.objects.filter(slug="a-question").exists()
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# Editing and checking a rubric


def test_a_scenario_is_saved_with_its_whole_rubric(author: Client) -> None:
    question = create(author, SCENARIO)

    assert question.current is not None
    rubric = question.current.parts[1]["rubric"]
    assert rubric == RUBRIC
    assert rubric["criteria"][0]["argues_for"] == {"part": "choice", "option": "b"}


def test_levels_whose_points_do_not_rise_are_refused_with_the_levels_marked(
    author: Client,
) -> None:
    levels = [
        {"points": 0, "descriptor": "No reason."},
        {"points": 2, "descriptor": "One reason."},
        {"points": 1, "descriptor": "Both reasons."},
    ]

    html = refused(author, scenario_with(levels=levels))

    block = html[html.index('id="f-parts-1-rubric-criteria-0-levels"') :]
    assert "points must strictly rise from the lowest level" in block[:800]
    assert 'value="Both reasons."' in html  # nothing lost


def test_a_level_needing_more_key_ideas_than_there_are_marks_that_input(author: Client) -> None:
    levels = copy.deepcopy(RUBRIC["criteria"][0]["levels"])
    levels[2]["min_ideas"] = 5

    html = refused(author, scenario_with(levels=levels))

    assert 'id="f-parts-1-rubric-criteria-0-levels-2-min_ideas" value="5"' in html
    assert "5 exceeds the 2 key idea(s) of the criterion" in html


def test_a_repeated_phrasing_marks_the_key_ideas_phrasings(author: Client) -> None:
    ideas = [{"id": "cheap", "phrasings": ["cheap", "Cheap"]}]

    html = refused(
        author, scenario_with(key_ideas=ideas, levels=RUBRIC["criteria"][0]["levels"][:2])
    )

    assert "duplicate phrasing" in html
    assert 'href="#f-parts-1-rubric-criteria-0-key_ideas-0-phrasings"' in html


def test_argues_for_an_option_the_question_does_not_have_is_refused(author: Client) -> None:
    data = editor_post(SCENARIO)
    data["parts-1-rubric-criteria-0-argues_for"] = "choice:z"

    response = author.post(url("question_new"), data)

    html = response.content.decode()
    assert response.status_code == 422
    assert "names no option &#x27;z&#x27; of part &#x27;choice&#x27;" in html
    assert 'href="#f-parts-1-rubric-criteria-0-argues_for"' in html


def test_a_rubric_without_model_answers_is_refused(author: Client) -> None:
    data = editor_post([FREE_TEXT])
    data["parts-0-rubric-model_answers-0"] = "  "

    response = author.post(url("question_new"), data)

    assert response.status_code == 422
    assert "no model answers (give at least one)" in response.content.decode()


def test_a_deduct_misconception_needs_points(author: Client) -> None:
    data = editor_post(SCENARIO)
    data["parts-1-rubric-criteria-0-misconceptions-0-effect"] = "deduct"

    response = author.post(url("question_new"), data)

    assert response.status_code == 422
    assert "is missing (points to deduct)" in response.content.decode()


def test_a_deduct_misconception_is_saved_with_its_points(author: Client) -> None:
    data = editor_post(SCENARIO)
    data["parts-1-rubric-criteria-0-misconceptions-0-effect"] = "deduct"
    data["parts-1-rubric-criteria-0-misconceptions-0-points"] = "0.5"

    author.post(url("question_new"), data)

    version = Question.objects.get(slug="a-question").current
    assert version is not None
    misconception = version.parts[1]["rubric"]["criteria"][0]["misconceptions"][0]
    assert misconception == {
        "id": "prompt-weights",
        "phrasings": ["prompting updates the weights"],
        "effect": "deduct",
        "points": 0.5,
    }


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("add:parts-1-rubric-criteria", 'name="parts-1-rubric-criteria-1-levels-2-points"'),
        ("add:parts-1-rubric-criteria-0-key_ideas", 'value="idea-1"'),
        (
            "add:parts-1-rubric-criteria-0-levels",
            'id="f-parts-1-rubric-criteria-0-levels-3-points" value="3"',
        ),
        ("add:parts-1-rubric-criteria-0-misconceptions", 'value="misconception-1"'),
        ("add:parts-1-rubric-model_answers", 'name="parts-1-rubric-model_answers-1"'),
    ],
)
def test_rubric_rows_are_added_without_javascript(author: Client, op: str, expected: str) -> None:
    response = author.post(url("question_new"), editor_post(SCENARIO, op=op))

    html = response.content.decode()
    assert response.status_code == 200 and expected in html
    assert "B needs no retraining, so it is cheap and quick to ship." in html


def test_a_key_idea_is_removed_and_a_level_moved(author: Client) -> None:
    removed = author.post(
        url("question_new"),
        editor_post(SCENARIO, op="remove:parts-1-rubric-criteria-0-key_ideas-0"),
        headers=HTMX,
    ).content.decode()
    moved = author.post(
        url("question_new"),
        editor_post(SCENARIO, op="up:parts-1-rubric-criteria-0-levels-2"),
    ).content.decode()

    assert "without retraining" not in removed and "low cost" in removed
    assert moved.index('value="Both reasons."') < moved.index('value="One reason."')


# ---------------------------------------------------------------------------------------------
# Start from the model answer


def test_start_from_the_model_answer_fills_key_ideas(author: Client) -> None:
    data = editor_post([FREE_TEXT], op="derive:parts-0")
    for key in [k for k in data if k.startswith("parts-0-rubric-criteria-")]:
        del data[key]  # a fresh rubric: only the model answer is written
    data["parts-0-rubric-model_answers-0"] = (
        "Prompting needs no retraining of the weights. It costs far less than fine-tuning."
    )

    response = author.post(url("question_new"), data, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="parts-0-rubric-criteria-0-key_ideas-0-phrasings"' in html
    assert "retraining" in html[html.index("key_ideas-0-phrasings") :]
    assert 'name="parts-0-rubric-criteria-0-levels-1-min_ideas"' in html


def test_start_from_the_model_answer_keeps_criteria_already_written(author: Client) -> None:
    response = author.post(url("question_new"), editor_post([FREE_TEXT], op="derive:parts-0"))

    html = response.content.decode()
    assert (
        'name="parts-0-rubric-criteria-0-id" id="f-parts-0-rubric-criteria-0-id" value="reason"'
        in html
    )
    assert 'name="parts-0-rubric-criteria-1-key_ideas-0-phrasings"' in html


def test_start_from_the_model_answer_without_one_asks_for_it(author: Client) -> None:
    data = editor_post([FREE_TEXT], op="derive:parts-0")
    data["parts-0-rubric-model_answers-0"] = ""

    html = author.post(url("question_new"), data).content.decode()

    assert "Write a model answer first" in html


# ---------------------------------------------------------------------------------------------
# Try an answer


def try_post(client: Client, parts: list[dict[str, Any]], sample: str, **extra: str) -> str:
    data = editor_post(parts, op="try:parts-1", **{"parts-1-try_answer": sample, **extra})
    response = client.post(url("question_try", "scenario"), data, headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def test_try_an_answer_shows_evidence_level_and_confidence(author: Client) -> None:
    html = try_post(
        author,
        SCENARIO,
        "B is cheap because there is no retraining.",
        **{"parts-1-try_choice-0": "b"},
    )

    assert html.lstrip().startswith('<div id="try-parts-1"') and "<html" not in html
    assert '<mark class="ev ev-1" data-criteria="1">cheap</mark>' in html
    assert '<mark class="ev ev-1" data-criteria="1">retraining</mark>' in html
    assert "<strong>2 / 2</strong>" in html and "level 3 of 3 (Both reasons.)" in html
    assert "confidence 0.9" in html and "graded automatically" in html


def test_try_an_answer_that_pastes_the_question_earns_nothing(author: Client) -> None:
    stem = "Engineer B says one model is cheap because there is no retraining. Is B right?"
    html = try_post(
        author,
        SCENARIO,
        "One model is cheap because there is no retraining.",
        stem=stem,
        **{"parts-1-try_choice-0": "b"},
    )

    assert "<strong>0 / 2</strong>" in html and "repeats the question" in html


def test_try_an_answer_grades_with_the_rubric_as_typed_not_the_saved_one(author: Client) -> None:
    # the saved "scenario" rubric knows only "no retraining" and "cheap"
    ideas = [{"id": "one-model", "phrasings": ["one model serves both"]}]
    levels = [{"points": 0, "descriptor": "Nothing."}, {"points": 3, "descriptor": "Says it."}]

    html = try_post(author, scenario_with(key_ideas=ideas, levels=levels), "One model serves both.")

    assert "<strong>3 / 3</strong>" in html and "Says it." in html


def test_try_an_answer_escapes_the_sample(author: Client) -> None:
    html = try_post(author, SCENARIO, "<script>alert(1)</script> cheap")

    assert "<script>" not in html and "&lt;script&gt;" in html


def test_try_simulating_the_other_choice_earns_no_credit_for_arguing_option_b(
    author: Client,
) -> None:
    html = try_post(
        author,
        SCENARIO,
        "B is cheap because there is no retraining.",
        **{"parts-1-try_choice-0": "a"},
    )

    assert "<strong>0 / 2</strong>" in html and "level 1 of 3" in html


def test_try_without_a_simulated_choice_says_so(author: Client) -> None:
    html = try_post(author, SCENARIO, "It is cheap.")

    assert "No choice simulated" in html


def test_a_doubtful_answer_is_shown_as_needing_review(author: Client, quiz: Quiz) -> None:
    GradingPolicy.objects.create(course=quiz.course, review_threshold=1.0)

    html = try_post(author, SCENARIO, "B is cheap.", **{"parts-1-try_choice-0": "b"})

    assert "needs review" in html


def test_try_with_an_invalid_rubric_shows_its_errors(author: Client) -> None:
    levels = [{"points": 1, "descriptor": "A."}, {"points": 1, "descriptor": "B."}]

    html = try_post(author, scenario_with(levels=levels), "cheap")

    assert "cannot grade yet" in html and "points must strictly rise" in html


def test_try_an_answer_without_javascript_rerenders_the_editor_with_the_grade(
    author: Client,
) -> None:
    data = editor_post(SCENARIO, op="try:parts-1", **{"parts-1-try_answer": "It is cheap."})
    data["title"] = "Unsaved title"

    response = author.post(url("question_edit", "scenario"), data)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert '<mark class="ev ev-1" data-criteria="1">cheap</mark>' in html
    assert 'value="Unsaved title"' in html and "It is cheap.</textarea>" in html
    question = Question.objects.get(slug="scenario")
    assert question.current is not None and question.current.title == "Startup scenario"


def test_try_with_only_a_sample_answer_uses_the_saved_rubric(author: Client) -> None:
    response = author.post(
        url("question_try", "scenario"),
        {"op": "try:parts-1", "parts-1-try_answer": "No retraining.", "parts-1-try_choice-0": "b"},
        headers=HTMX,
    )

    assert '<mark class="ev ev-1" data-criteria="1">retraining</mark>' in response.content.decode()


def test_try_works_on_a_question_not_saved_yet(author: Client) -> None:
    data = editor_post(SCENARIO, op="try:parts-1", **{"parts-1-try_answer": "It is cheap."})

    response = author.post(url("question_new"), data, headers=HTMX)

    assert '<mark class="ev ev-1" data-criteria="1">cheap</mark>' in response.content.decode()


def test_the_try_box_offers_the_choice_parts_options(author: Client) -> None:
    html = author.get(url("question_edit", "scenario")).content.decode()

    box = html[html.index('id="f-parts-1-try"') :]
    assert (
        'name="parts-1-try_choice-0"' in box and '<option value="b">b: Engineer B</option>' in box
    )


# ---------------------------------------------------------------------------------------------
# Saving a rubric of an answered question


def test_a_rubric_only_edit_of_an_answered_question_regrades_and_leaves_peoples_decisions(
    author: Client, quiz: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    text = {"choice": {"selected": ["b"]}, "justify": {"text": "One model serves both products."}}
    machine_item = answer(quiz, student, "scenario", text)
    quiz.refresh_from_db()
    human_item = answer(quiz, other_student, "scenario", text)
    machine = Answer.objects.get(item=machine_item, part_id="justify")
    human = Answer.objects.get(item=human_item, part_id="justify")
    decide_answer(human, course_instructor, {"reason": 0})
    assert machine.points == 0
    question = Question.objects.get(slug="scenario")
    assert question.current is not None
    parts = copy.deepcopy(question.current.parts)
    parts[1]["rubric"]["criteria"][0]["key_ideas"][0]["phrasings"].append("one model serves both")
    data = editor_post(
        parts,
        slug="scenario",
        title="Startup scenario",
        stem="A startup with one model and a tiny budget.",
        bloom="5",
        status="published",
        concepts=["gamma"],
    )

    response = author.post(url("question_edit", "scenario"), data)

    question.refresh_from_db()
    machine.refresh_from_db()
    human.refresh_from_db()
    run = RegradeRun.objects.get()
    assert response.status_code == 302
    assert QuestionVersion.objects.filter(question=question).count() == 1  # fixed in place
    assert run.finished_at is not None and run.changed == 1 and run.skipped_human == 1
    assert machine.points == 2 and human.points == 0 and human.reviewed_by == course_instructor
    follow = author.get(url("question_edit", "scenario")).content.decode()
    assert "machine grades are being re-graded" in follow and "re-grading justify" in follow
