"""The question editor: every kind through the browser's forms, the import's rules, buttons
that work without JavaScript, a student's preview, versions, publish, duplicate, history."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.roles import INSTRUCTOR
from authoring.question_forms import draft_of
from content_io.course import export_course, import_course
from courses.models import ChangeRecord, Concept, Course, Tag
from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import AttemptItem, Question, Quiz
from quizzes.parts import parse_parts

pytestmark = pytest.mark.django_db

COURSE = "demo-course"


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers (test_rubric_editor.py imports them). `quiz` and `course_instructor`
# come from tests/conftest.py: the demo course with one question of every kind.


@pytest.fixture
def author(client: Client, course_instructor: User) -> Client:
    client.force_login(course_instructor)
    return client


@pytest.fixture
def other_instructor(quiz: Quiz, make_user: Callable[..., User]) -> User:
    """An instructor of another course only."""
    other = Course.objects.create(slug="other-course", title="Other course")
    user = make_user("oscar", INSTRUCTOR, is_staff=True)
    other.staff.add(user)
    return user


def url(name: str, *args: str) -> str:
    return reverse(f"authoring:{name}", args=[COURSE, *args])


def flatten(parts: list[dict[str, Any]]) -> dict[str, str]:
    """The editor's POST fields for content-format parts (what the page's inputs send)."""
    data: dict[str, str] = {}
    for i, part in enumerate(parts):
        # The draft's lists by name: read as plain JSON here, as the page's inputs send them.
        d = cast(dict[str, Any], draft_of(parse_parts([part])[0]))
        pfx = f"parts-{i}"
        for key in ("id", "kind", "prompt", "points"):
            data[f"{pfx}-{key}"] = d[key]
        for name in ("options", "pairs", "items"):
            for j, row in enumerate(d[name]):
                for key, value in row.items():
                    if key == "correct":
                        if value:
                            data[f"{pfx}-{name}-{j}-correct"] = "on"
                    else:
                        data[f"{pfx}-{name}-{j}-{key}"] = value
        for j, value in enumerate(d["distractors"]):
            data[f"{pfx}-distractors-{j}"] = value
        rubric = d["rubric"]
        for j, value in enumerate(rubric["model_answers"]):
            data[f"{pfx}-rubric-model_answers-{j}"] = value
        for j, c in enumerate(rubric["criteria"]):
            cpfx = f"{pfx}-rubric-criteria-{j}"
            for key in ("id", "title", "looks_for", "argues_for"):
                data[f"{cpfx}-{key}"] = c[key]
            for name in ("key_ideas", "misconceptions", "levels"):
                for k, row in enumerate(c[name]):
                    for key, value in row.items():
                        data[f"{cpfx}-{name}-{k}-{key}"] = value
    return data


def editor_post(parts: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    """The editor's POST for `parts`, with `fields` (concepts as slugs) over the defaults."""
    concepts = fields.pop("concepts", ["alpha"])
    data: dict[str, Any] = {
        "title": "A question",
        "slug": "a-question",
        "bloom": "2",
        "status": "draft",
        "stem": "A team must decide.",
        "explanation": "",
        "concepts": [
            str(pk) for pk in Concept.objects.filter(slug__in=concepts).values_list("pk", flat=True)
        ],
    }
    data.update(flatten(parts))
    data.update(fields)
    return data


SINGLE: dict[str, Any] = {
    "id": "choice",
    "kind": "single",
    "prompt": "Which comes first?",
    "options": [
        {"id": "a", "text": "Alpha", "correct": True, "feedback": "It is the root."},
        {"id": "b", "text": "Beta", "correct": False, "feedback": "It needs alpha."},
    ],
}
MULTIPLE: dict[str, Any] = {
    "id": "choice",
    "kind": "multiple",
    "prompt": "Which change the weights?",
    "points": 2,
    "options": [
        {"id": "sft", "text": "SFT", "correct": True},
        {"id": "rlhf", "text": "RLHF", "correct": True},
        {"id": "prompt", "text": "Prompting", "correct": False, "feedback": "No update."},
    ],
}
TRUE_FALSE: dict[str, Any] = {
    "id": "claim",
    "kind": "true_false",
    "prompt": "Prompting changes the weights.",
    "options": [
        {"id": "true", "text": "True", "correct": False},
        {"id": "false", "text": "False", "correct": True},
    ],
}
MATCHING: dict[str, Any] = {
    "id": "match",
    "kind": "matching",
    "prompt": "Match each method to its effect.",
    "pairs": [
        {"id": "sft", "left": "SFT", "right": "Updates weights", "feedback": "Gradient steps."},
        {"id": "prompt", "left": "Prompting", "right": "Leaves weights alone"},
    ],
    "distractors": ["Deletes the model"],
}
ORDERING: dict[str, Any] = {
    "id": "order",
    "kind": "ordering",
    "prompt": "Order the stages.",
    "items": [
        {"id": "pre", "text": "Pre-training"},
        {"id": "sft", "text": "SFT"},
        {"id": "rlhf", "text": "RLHF"},
    ],
}
RUBRIC: dict[str, Any] = {
    "model_answers": ["B needs no retraining, so it is cheap and quick to ship."],
    "criteria": [
        {
            "id": "reason",
            "title": "Gives the reason",
            "looks_for": "Why B is cheaper.",
            "argues_for": {"part": "choice", "option": "b"},
            "key_ideas": [
                {"id": "no-retraining", "phrasings": ["no retraining", "without retraining"]},
                {"id": "cheap", "phrasings": ["cheap", "low cost"]},
            ],
            "misconceptions": [
                {
                    "id": "prompt-weights",
                    "phrasings": ["prompting updates the weights"],
                    "effect": "cap",
                    "level": 0,
                }
            ],
            "levels": [
                {"points": 0, "descriptor": "No reason."},
                {"points": 1, "descriptor": "One reason.", "min_ideas": 1},
                {"points": 2, "descriptor": "Both reasons.", "min_ideas": 2},
            ],
        }
    ],
}
FREE_TEXT: dict[str, Any] = {
    "id": "answer",
    "kind": "free_text",
    "prompt": "Why is B cheaper?",
    "rubric": {
        **RUBRIC,
        "criteria": [{k: v for k, v in RUBRIC["criteria"][0].items() if k != "argues_for"}],
    },
}
SCENARIO: list[dict[str, Any]] = [
    {
        "id": "choice",
        "kind": "single",
        "prompt": "Which engineer?",
        "options": [
            {"id": "a", "text": "Engineer A", "correct": False, "feedback": "Two models."},
            {"id": "b", "text": "Engineer B", "correct": True, "feedback": "One model."},
        ],
    },
    {"id": "justify", "kind": "free_text", "prompt": "Justify your reasoning.", "rubric": RUBRIC},
]
KIND_PARTS: dict[str, list[dict[str, Any]]] = {
    "single": [SINGLE],
    "multiple": [MULTIPLE],
    "true_false": [TRUE_FALSE],
    "matching": [MATCHING],
    "ordering": [ORDERING],
    "free_text": [FREE_TEXT],
    "scenario": SCENARIO,
}


def create(client: Client, parts: list[dict[str, Any]], **fields: Any) -> Question:
    response = client.post(url("question_new"), editor_post(parts, **fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Question.objects.get(slug=fields.get("slug", "a-question"))


def answer(quiz: Quiz, student: User, slug: str, responses: dict[str, Any]) -> AttemptItem:
    """The student answers question `slug` alone in a quiz and submits."""
    quiz.items.exclude(question__slug=slug).delete()
    attempt = start_attempt(quiz, student)
    item = attempt.items.get()
    save_answers(attempt, item, responses)
    submit_attempt(attempt)
    return item


# ---------------------------------------------------------------------------------------------
# Permissions

PAGES = [
    ("get", "question_new", ()),
    ("get", "question_edit", ("scenario",)),
    ("get", "question_preview", ("scenario",)),
    ("post", "question_try", ("scenario",)),
    ("post", "question_duplicate", ("scenario",)),
    ("post", "question_status", ("scenario",)),
    ("get", "question_history", ("scenario",)),
]


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
def test_anonymous_users_are_sent_to_log_in(
    client: Client, quiz: Quiz, method: str, name: str, args: tuple[str, ...]
) -> None:
    response = getattr(client, method)(url(name, *args))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
def test_students_may_not_author_questions(
    client: Client, quiz: Quiz, student: User, method: str, name: str, args: tuple[str, ...]
) -> None:
    client.force_login(student)

    assert getattr(client, method)(url(name, *args)).status_code == 403


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
def test_another_courses_instructor_finds_nothing(
    client: Client, other_instructor: User, method: str, name: str, args: tuple[str, ...]
) -> None:
    client.force_login(other_instructor)

    assert getattr(client, method)(url(name, *args)).status_code == 404


@pytest.mark.parametrize(("method", "name", "args"), PAGES)
@pytest.mark.parametrize("who", ["course_instructor", "admin_user"])
def test_the_course_instructor_and_an_admin_may_use_every_page(
    client: Client,
    quiz: Quiz,
    request: pytest.FixtureRequest,
    who: str,
    method: str,
    name: str,
    args: tuple[str, ...],
) -> None:
    client.force_login(request.getfixturevalue(who))
    data = {"status": "draft"} if name == "question_status" else {}

    response = getattr(client, method)(url(name, *args), data)

    assert response.status_code == (
        302 if name in ("question_duplicate", "question_status") else 200
    )


def test_a_question_of_another_course_is_not_found_by_its_slug(
    client: Client, quiz: Quiz, other_instructor: User, course_instructor: User
) -> None:
    other = Course.objects.get(slug="other-course")
    client.force_login(other_instructor)

    response = client.get(reverse("authoring:question_edit", args=[other.slug, "scenario"]))

    assert response.status_code == 404


def test_a_post_without_the_csrf_token_is_refused(quiz: Quiz, course_instructor: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(course_instructor)

    response = client.post(url("question_new"), editor_post([SINGLE]))

    assert response.status_code == 403 and not Question.objects.filter(slug="a-question").exists()


# ---------------------------------------------------------------------------------------------
# Creating every kind


@pytest.mark.parametrize("kind", list(KIND_PARTS))
def test_the_new_page_starts_each_kind_with_its_fields(author: Client, kind: str) -> None:
    html = author.get(url("question_new") + f"?kind={kind}").content.decode()

    expected = {
        "single": 'name="parts-0-options-1-text"',
        "multiple": 'name="parts-0-options-1-correct"',
        "true_false": 'name="parts-0-options-1-id" id="f-parts-0-options-1-id" value="false"',
        "matching": 'name="parts-0-pairs-1-right"',
        "ordering": 'name="parts-0-items-2-text"',
        "free_text": 'name="parts-0-rubric-criteria-0-levels-2-points"',
        "scenario": 'name="parts-1-rubric-criteria-0-key_ideas-0-phrasings"',
    }[kind]
    assert expected in html and 'value="draft" selected' in html


def test_an_unknown_kind_is_not_found(author: Client) -> None:
    assert author.get(url("question_new") + "?kind=essay").status_code == 404


@pytest.mark.parametrize("kind", list(KIND_PARTS))
def test_every_kind_is_created_through_the_editor_as_a_draft(author: Client, kind: str) -> None:
    question = create(author, KIND_PARTS[kind], title=f"A {kind} question")

    version = question.current
    assert version is not None and version.title == f"A {kind} question"
    assert version.parts == KIND_PARTS[kind]
    assert question.status == Question.Status.DRAFT
    assert [c.slug for c in question.concepts.all()] == ["alpha"]
    assert ChangeRecord.objects.get(object_id=question.pk).summary == "Created"


def test_a_new_question_takes_its_slug_from_the_title_when_left_empty(author: Client) -> None:
    author.post(url("question_new"), editor_post([SINGLE], slug="", title="Which One First?"))

    assert Question.objects.filter(slug="which-one-first").exists()


def test_the_editor_fields_are_saved_as_typed(author: Client) -> None:
    question = create(
        author,
        [SINGLE],
        stem="Line one\r\n\r\nLine two\r\n",
        explanation="  Because alpha is first.\r\n",
        bloom="5",
        status="published",
        concepts=["alpha", "beta"],
        tags=[str(Tag.objects.get(slug=COURSE).pk)],  # the course tag
    )

    version = question.current
    assert version is not None
    assert (
        version.stem == "Line one\n\nLine two" and version.explanation == "Because alpha is first."
    )
    assert version.bloom == 5 and question.status == "published"
    assert sorted(c.slug for c in question.concepts.all()) == ["alpha", "beta"]


# ---------------------------------------------------------------------------------------------
# Validation: the import's rules, the field marked, nothing lost


def refused(client: Client, parts: list[dict[str, Any]], **fields: Any) -> str:
    response = client.post(url("question_new"), editor_post(parts, **fields))
    assert response.status_code == 422
    assert not Question.objects.filter(slug="a-question").exists()
    return response.content.decode()


def test_a_single_choice_without_a_correct_option_is_refused_with_its_options_marked(
    author: Client,
) -> None:
    options = [{**o, "correct": False} for o in SINGLE["options"]]

    html = refused(author, [{**SINGLE, "options": options}])

    block = html[html.index('id="f-parts-0-options"') :]
    assert "a single part needs exactly one correct option, not 0" in block[:600]
    assert 'href="#f-parts-0-options"' in html  # the summary links to the field
    assert 'value="It is the root."' in html and 'value="Alpha"' in html  # nothing lost


def test_a_stem_nested_too_deeply_is_refused_and_kept(author: Client) -> None:
    stem = "1. " * 2000 + "the case"

    html = refused(author, [SINGLE], stem=stem)

    assert "The stem is nested too deeply: lists, quotes or HTML tags" in html
    assert "1. 1. 1. " in html and "the case" in html  # the textarea keeps what was typed


def test_a_matching_part_with_a_repeated_pair_is_refused(author: Client) -> None:
    pairs = [MATCHING["pairs"][0], {**MATCHING["pairs"][1], "left": "SFT"}]

    html = refused(author, [{**MATCHING, "pairs": pairs}])

    block = html[html.index('id="f-parts-0-pairs"') :]
    assert "the left-hand text &#x27;SFT&#x27; is repeated" in block[:600]
    assert 'value="Leaves weights alone"' in html


def test_an_ordering_with_fewer_than_two_items_is_refused(author: Client) -> None:
    html = refused(author, [{**ORDERING, "items": ORDERING["items"][:1]}])

    block = html[html.index('id="f-parts-0-items"') :]
    assert "an ordering needs at least two items" in block[:600]


def test_an_option_without_text_marks_that_input(author: Client) -> None:
    options = [SINGLE["options"][0], {**SINGLE["options"][1], "text": ""}]

    html = refused(author, [{**SINGLE, "options": options}])

    assert 'id="f-parts-0-options-1-text" value="" aria-invalid="true"' in html
    assert 'href="#f-parts-0-options-1-text"' in html


def test_a_missing_option_text_is_named_in_words_in_the_summary_and_beside_the_input(
    author: Client,
) -> None:
    options = [*SINGLE["options"], {"id": "c", "text": "", "correct": False}]

    html = refused(author, [{**SINGLE, "options": options}])

    summary = html[html.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert '<a href="#f-parts-0-options-2-text">Part 1, option 3 text</a>: is missing' in summary
    assert "parts-0-options-2-text:" not in html  # no field key is shown as a name
    beside = html[html.index('id="f-parts-0-options-2-text"') :]
    assert "Part 1, option 3 text: is missing" in beside[: beside.index("</div>\n")]


def test_a_rubric_problem_is_named_by_part_criterion_and_level(author: Client) -> None:
    from authoring.question_forms import PartsEditor

    editor = PartsEditor([])

    assert editor.label_of("parts-1-rubric-criteria-0-levels-2-points") == (
        "Part 2, rubric, criterion 1, level 3 points"
    )
    assert editor.label_of("parts-0-rubric-model_answers-1") == "Part 1, rubric, model answer 2"
    assert editor.label_of("parts-0-prompt") == "Part 1 prompt"
    assert editor.label_of("parts-2") == "Part 3"
    assert editor.label_of("parts-0-options") == "Part 1, options"
    assert editor.label_of("parts") == "Parts"


def test_two_options_with_one_id_are_refused(author: Client) -> None:
    options = [SINGLE["options"][0], {**SINGLE["options"][1], "id": "a"}]

    html = refused(author, [{**SINGLE, "options": options}])

    assert "&#x27;a&#x27; is used twice" in html


def test_points_that_are_not_a_positive_number_are_refused(author: Client) -> None:
    data = editor_post([SINGLE])
    data["parts-0-points"] = "lots"

    response = author.post(url("question_new"), data)

    assert response.status_code == 422
    assert 'name="parts-0-points" id="f-parts-0-points" value="lots"' in response.content.decode()
    assert "must be a positive, finite number" in response.content.decode()


def test_missing_title_concepts_and_stem_are_marked(author: Client) -> None:
    data = editor_post([SINGLE], title="", stem="  \r\n")
    data["concepts"] = []

    response = author.post(url("question_new"), data)

    html = response.content.decode()
    assert response.status_code == 422
    assert html.count('class="field has-error"') >= 2 and "Write the stem" in html
    assert 'class="field pick-list has-error" id="id_concepts"' in html


def test_a_slug_another_question_uses_is_refused(author: Client) -> None:
    html = refused(author, [SINGLE], slug="scenario")

    assert "Another question of this course has the slug" in html


def test_a_concept_of_another_course_is_refused(author: Client) -> None:
    other = Course.objects.create(slug="other-course", title="Other")
    chapter = other.chapters.create(slug="x", title="X", position=1)
    foreign = Concept.objects.create(course=other, chapter=chapter, slug="alpha", title="Alien")
    data = editor_post([SINGLE])
    data["concepts"] = [str(foreign.pk)]

    response = author.post(url("question_new"), data)

    assert response.status_code == 422 and not Question.objects.filter(slug="a-question").exists()


def test_a_part_of_an_unknown_kind_is_refused(author: Client) -> None:
    data = editor_post([SINGLE])
    data["parts-0-kind"] = "essay"

    response = author.post(url("question_new"), data)

    assert (
        response.status_code == 422
        and "&#x27;essay&#x27; is not one of" in response.content.decode()
    )


def test_a_question_without_parts_is_refused(author: Client) -> None:
    data = {k: v for k, v in editor_post([SINGLE]).items() if not k.startswith("parts-")}

    response = author.post(url("question_new"), data)

    assert response.status_code == 422 and "must be a non-empty list" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Buttons: without JavaScript they re-render everything; with htmx only the editor


def test_adding_an_option_without_javascript_keeps_everything_typed(author: Client) -> None:
    data = editor_post([SINGLE], title="Typed title", stem="Typed *stem*", op="add:parts-0-options")

    response = author.post(url("question_new"), data)

    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert 'name="parts-0-options-2-id" id="f-parts-0-options-2-id" value="c"' in html
    assert 'value="Typed title"' in html and "Typed *stem*" in html
    assert 'value="It is the root."' in html
    assert "<em>stem</em>" in html  # the stem's preview
    assert not Question.objects.filter(slug="a-question").exists()
    assert "has-error" not in html  # a button is not a save: nothing is marked yet


def test_with_htmx_a_button_swaps_only_the_editor(author: Client) -> None:
    data = editor_post([SINGLE], op="remove:parts-0-options-0")

    response = author.post(url("question_new"), data, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="editor"')
    assert 'value="Beta"' in html and 'value="Alpha"' not in html


def test_moving_an_option_down_and_up(author: Client) -> None:
    moved = author.post(url("question_new"), editor_post([SINGLE], op="down:parts-0-options-0"))

    html = moved.content.decode()
    assert html.index('value="Beta"') < html.index('value="Alpha"')
    assert 'name="parts-0-options-1-correct" id="f-parts-0-options-1-correct" checked' in html


def test_moving_a_part_up_keeps_its_fields(author: Client) -> None:
    response = author.post(url("question_new"), editor_post(SCENARIO, op="up:parts-1"))

    html = response.content.decode()
    assert 'name="parts-0-id" id="f-parts-0-id" value="justify"' in html
    assert 'name="parts-1-options-1-text" id="f-parts-1-options-1-text" value="Engineer B"' in html


def test_adding_a_part_of_a_chosen_kind(author: Client) -> None:
    data = editor_post([SINGLE], op="add:parts", new_part_kind="ordering")

    html = author.post(url("question_new"), data).content.decode()

    assert 'name="parts-1-items-2-text"' in html


def test_changing_a_parts_kind_gives_it_the_rows_of_that_kind(author: Client) -> None:
    data = editor_post([SINGLE], op="refresh")
    data["parts-0-kind"] = "matching"

    html = author.post(url("question_new"), data, headers={"HX-Request": "true"}).content.decode()

    assert 'name="parts-0-pairs-1-left"' in html


def test_changing_a_parts_kind_and_back_loses_nothing_typed(author: Client) -> None:
    data = editor_post([SINGLE], op="refresh")
    data["parts-0-kind"] = "ordering"
    as_ordering = author.post(url("question_new"), data).content.decode()
    # what the ordering page sends back: its own fields and the options it keeps hidden
    kept = dict(
        re.findall(r'<input type="hidden" name="(parts-0-[^"]+)" value="([^"]*)">', as_ordering)
    )
    back = {k: v for k, v in data.items() if not k.startswith("parts-0-options")}
    back.update(kept, **{"parts-0-kind": "single"})

    html = author.post(url("question_new"), back).content.decode()

    assert kept["parts-0-options-0-correct"] == "on" and "parts-0-options-1-correct" not in kept
    assert 'id="f-parts-0-options-0-text" value="Alpha"' in html
    assert 'id="f-parts-0-options-0-feedback" value="It is the root."' in html
    assert 'id="f-parts-0-options-1-correct" checked' not in html
    assert 'id="f-parts-0-options-0-correct" checked' in html


def test_adding_and_removing_matching_and_ordering_rows(author: Client) -> None:
    pairs = author.post(url("question_new"), editor_post([MATCHING], op="add:parts-0-pairs"))
    distractor = author.post(
        url("question_new"), editor_post([MATCHING], op="remove:parts-0-distractors-0")
    )
    items = author.post(url("question_new"), editor_post([ORDERING], op="remove:parts-0-items-1"))

    assert 'name="parts-0-pairs-2-id" id="f-parts-0-pairs-2-id" value="pair-1"' in (
        pairs.content.decode()
    )
    assert "Deletes the model" not in distractor.content.decode()
    assert 'value="SFT"' not in items.content.decode()


def test_a_button_for_a_row_that_does_not_exist_changes_nothing(author: Client) -> None:
    response = author.post(
        url("question_new"), editor_post([SINGLE], op="remove:parts-0-options-9")
    )

    assert response.status_code == 200 and 'value="Beta"' in response.content.decode()


def test_the_stem_preview_is_sanitised_markdown(author: Client) -> None:
    data = editor_post([SINGLE], stem="**bold** <script>alert(1)</script>", op="preview")

    response = author.post(url("question_new"), data, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.startswith('<div id="stem-preview"') and "<strong>bold</strong>" in html
    assert "<script>" not in html


# ---------------------------------------------------------------------------------------------
# Preview as a student


def test_the_preview_shows_the_question_as_the_attempt_page_does_without_answers(
    author: Client,
) -> None:
    html = author.get(url("question_preview", "scenario")).content.decode()

    assert 'name="q1-choice"' in html and 'name="q1-justify"' in html
    assert "A startup with one model and a tiny budget." in html
    assert "SECRET-RUBRIC-TEXT" not in html and "no retraining" not in html  # no rubric
    assert "correct" not in html.lower()  # no correct flags
    assert 'class="feedback"' not in html


def test_the_preview_shows_no_option_feedback(author: Client) -> None:
    html = author.get(url("question_preview", "pick-one")).content.decode()

    assert "Alpha" in html and "SECRET-FEEDBACK" not in html and "Alpha comes first" not in html


def test_script_in_the_stem_and_options_is_harmless_in_the_preview(author: Client) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    options = [
        {**SINGLE["options"][0], "text": payload},
        {**SINGLE["options"][1], "text": '"><svg onload=alert(2)>'},
    ]
    matching = {**MATCHING, "distractors": ["<b onmouseover=alert(3)>x</b>"]}
    question = create(author, [{**SINGLE, "options": options}, matching], stem=payload)

    html = author.get(url("question_preview", question.slug)).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html and "<svg" not in html
    assert "<b onmouseover" not in html
    assert "&lt;script&gt;" in html  # shown as text in the option label


def test_unsaved_edits_preview_as_a_student_without_saving_anything(author: Client) -> None:
    data = editor_post(SCENARIO, title="Typed, never saved", stem="A *fresh* scenario.")

    response = author.post(url("question_new"), {**data, "op": "student"})

    html = response.content.decode()
    assert response.status_code == 200 and "not saved yet" in html
    assert "Typed, never saved" in html and "<em>fresh</em>" in html
    assert 'name="q1-choice"' in html and "correct" not in html.lower()
    assert not Question.objects.filter(slug="a-question").exists()


def test_previewing_edits_of_a_saved_question_leaves_it_unchanged(author: Client) -> None:
    question = create(author, [SINGLE])
    data = editor_post([{**SINGLE, "prompt": "An edited prompt?"}], title="Edited title")

    html = author.post(url("question_edit", question.slug), {**data, "op": "student"})

    assert "An edited prompt?" in html.content.decode()
    question.refresh_from_db()
    assert question.current is not None and question.current.title == "A question"
    assert question.versions.count() == 1


def test_an_invalid_editor_state_is_not_previewed_but_shown_with_its_errors(
    author: Client,
) -> None:
    no_correct = {**SINGLE, "options": [{**o, "correct": False} for o in SINGLE["options"]]}

    response = author.post(url("question_new"), {**editor_post([no_correct]), "op": "student"})

    assert response.status_code == 422 and "not saved yet" not in response.content.decode()


def test_an_ordering_preview_is_never_shown_solved(author: Client) -> None:
    html = author.get(url("question_preview", "put-in-order")).content.decode()

    shown = [html.index(text) for text in ("Pre-training", ">SFT", "RLHF")]
    assert shown != sorted(shown)


# ---------------------------------------------------------------------------------------------
# Saving: versions, publish, duplicate, history


def test_editing_an_unanswered_question_updates_its_version_in_place(author: Client) -> None:
    question = create(author, [SINGLE])
    data = editor_post([{**SINGLE, "prompt": "Which one is first?"}], title="Renamed")

    response = author.post(url("question_edit", "a-question"), data)

    question.refresh_from_db()
    assert response.status_code == 302 and question.versions.count() == 1
    assert question.current is not None and question.current.title == "Renamed"
    assert question.current.parts[0]["prompt"] == "Which one is first?"


def test_editing_an_answered_question_makes_a_new_version_and_the_attempt_keeps_the_old(
    author: Client, quiz: Quiz, student: User
) -> None:
    item = answer(quiz, student, "pick-one", {"choice": {"selected": ["a"]}})
    question = Question.objects.get(slug="pick-one")
    assert question.current is not None
    parts = [{**question.current.parts[0], "prompt": "Which one starts?"}]
    data = editor_post(parts, slug="pick-one", title="Pick one", stem="A team must choose.")

    author.post(url("question_edit", "pick-one"), data)

    question.refresh_from_db()
    item.refresh_from_db()
    assert question.current is not None and question.current.number == 2
    assert question.current.parts[0]["prompt"] == "Which one starts?"
    assert item.version.number == 1 and item.version.parts[0]["prompt"] == "Which comes first?"
    record = ChangeRecord.objects.filter(object_id=question.pk).first()
    assert record is not None and "version 2" in record.summary


def test_the_editor_warns_that_an_answered_question_gets_a_new_version(
    author: Client, quiz: Quiz, student: User
) -> None:
    answer(quiz, student, "pick-one", {"choice": {"selected": ["a"]}})

    html = author.get(url("question_edit", "pick-one")).content.decode()

    assert "Answered in attempts" in html and "makes version 2" in html


def test_saving_without_a_change_records_nothing(author: Client) -> None:
    create(author, [SINGLE])

    author.post(url("question_edit", "a-question"), editor_post([SINGLE]))

    assert ChangeRecord.objects.filter(summary__startswith="Edited").count() == 0


def test_changing_the_slug_moves_the_editor_to_the_new_address(author: Client) -> None:
    create(author, [SINGLE])

    response = author.post(url("question_edit", "a-question"), editor_post([SINGLE], slug="b-q"))

    assert response["Location"] == url("question_edit", "b-q")


def test_publishing_and_taking_back_to_draft_are_recorded(author: Client) -> None:
    question = create(author, [SINGLE])

    author.post(url("question_status", "a-question"), {"status": "published"})
    question.refresh_from_db()
    published = question.status
    author.post(url("question_status", "a-question"), {"status": "draft"})
    question.refresh_from_db()

    assert published == "published" and question.status == "draft"
    summaries = list(
        ChangeRecord.objects.filter(object_id=question.pk).values_list("summary", flat=True)
    )
    assert summaries[:2] == ["Taken back to draft", "Published"]


def test_an_unknown_status_changes_nothing(author: Client) -> None:
    author.post(url("question_status", "scenario"), {"status": "archived"})

    assert Question.objects.get(slug="scenario").status == "published"


def test_duplicating_makes_a_draft_copy_with_a_slug_of_its_own(author: Client) -> None:
    first = author.post(url("question_duplicate", "scenario"))
    second = author.post(url("question_duplicate", "scenario"))

    original = Question.objects.get(slug="scenario")
    copy = Question.objects.get(slug="scenario-copy")
    assert first["Location"] == url("question_edit", "scenario-copy")
    assert second["Location"] == url("question_edit", "scenario-copy-2")
    assert copy.status == "draft" and copy.current is not None and original.current is not None
    assert copy.current.parts == original.current.parts and copy.current.pk != original.current.pk
    assert copy.current.title == "Startup scenario (copy)"
    assert list(copy.concepts.all()) == list(original.concepts.all())


def test_the_editor_and_the_history_page_say_who_changed_what(
    author: Client, course_instructor: User
) -> None:
    create(author, [SINGLE])
    parts = [
        {**SINGLE, "options": [*SINGLE["options"], {"id": "c", "text": "Gamma", "correct": False}]}
    ]

    author.post(url("question_edit", "a-question"), editor_post(parts, title="New title"))
    editor = author.get(url("question_edit", "a-question")).content.decode()
    history = author.get(url("question_history", "a-question")).content.decode()

    record = ChangeRecord.objects.filter(summary__startswith="Edited").get()
    assert record.user == course_instructor
    assert record.summary == "Edited part choice (options), title"
    for html in (editor, history):
        assert "Edited part choice (options), title" in html and course_instructor.username in html
        assert "<td>title</td><td>A question</td><td>New title</td>" in html
        assert "<td>part choice</td><td></td><td>changed options</td>" in html
    assert "Created" in history


# ---------------------------------------------------------------------------------------------
# Round trip


def test_questions_authored_in_the_browser_export_and_import_unchanged(
    author: Client, tmp_path: Path
) -> None:
    for kind, parts in KIND_PARTS.items():
        slug = f"authored-{kind.replace('_', '-')}"
        create(
            author,
            parts,
            slug=slug,
            title=f"Authored {kind}",
            stem=f"A *{kind}* stem.\r\n\r\n- with a list\r\n",
            explanation="Shown with the feedback.",
            status="published" if kind == "single" else "draft",
            concepts=["alpha", "gamma"],
            tags=[str(Tag.objects.get(slug=COURSE).pk)],  # the course tag
        )
    course = Course.objects.get(slug=COURSE)
    first, second = tmp_path / "one", tmp_path / "two"
    export_course(course, first)

    report = import_course(first)
    export_course(course, second)

    assert report.changes == 0, list(report.lines())
    for path in sorted((first / "questions").iterdir()):
        assert path.read_bytes() == (second / "questions" / path.name).read_bytes(), path.name
    assert len(list((first / "questions").glob("authored-*.md"))) == 7
