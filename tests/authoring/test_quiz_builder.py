"""The quiz builder: every setting, fixed questions picked from the bank, draw rules with a live
count that agrees with the attempt draw, empty or too-small rules refused with nothing lost, and
a round trip through export_content / import_content with no change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from content_io.course import export_course, import_course
from courses.history import history_of
from courses.models import Chapter, Concept, Course, Tag
from quizzes.actions import draw_questions, rule_queryset
from quizzes.models import Question, Quiz, QuizItem
from tests.authoring.test_bank import (  # the bank's fixtures, shared
    author,
    bank_course,
    other_course,
)

pytestmark = pytest.mark.django_db
__all__ = ["author", "bank_course", "other_course"]

NEW = reverse("authoring:quiz_new", args=["demo-course"])
COUNT = reverse("authoring:rule_count", args=["demo-course"])


def pk(slug: str) -> int:
    return Question.objects.get(course__slug="demo-course", slug=slug).pk


def settings(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Basics check",
        "slug": "basics-check",
        "chapter": "basics",
        "description": "Four questions on the basics.",
        "time_limit_minutes": "20",
        "max_attempts": "2",
        "opens_at": "",
        "closes_at": "",
        "pass_mark": "70",
        "feedback": "each",
        "grading": "last",
        "layout": "all",
        "shuffle_questions": "on",
        "do": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def rules(*rows: dict[str, Any], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rules-TOTAL_FORMS": str(len(rows)),
        "rules-INITIAL_FORMS": str(initial),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key in ("count", "chapter", "concept", "tag", "bloom"):
            data[f"rules-{i}-{key}"] = row.get(key, "")
        if row.get("DELETE"):
            data[f"rules-{i}-DELETE"] = "on"
    return data


def build(client: Client, url: str = NEW, **parts: Any) -> Any:
    data = {**settings(), **rules({}), **parts}
    return client.post(url, data)


# ---------------------------------------------------------------------------------------------
# Listing and creating


def test_the_quiz_list_shows_each_quiz_with_its_fixed_questions_and_rules(
    client: Client, author: User, django_assert_num_queries: Any
) -> None:
    client.force_login(author)
    build(client, add=[pk("pick-one")], **rules({"count": "1", "chapter": "advanced"}))

    # 1 session, 2 user, 3 roles and menu permissions, 4 the course,
    # 5 quizzes with chapter and counts of fixed questions, rules and attempts,
    # 6-10 whether the quizzes with rules can start, all at once: their fixed questions,
    # their rules, the course's published questions, those questions' concepts and tags
    with django_assert_num_queries(10):
        response = client.get(reverse("authoring:quizzes", args=["demo-course"]))

    html = response.content.decode()
    assert "Every kind" in html and "Basics check" in html
    rows = {q.slug: (q.n_fixed, q.n_rules) for q, _short in response.context["quizzes"]}
    assert rows == {"every-kind": (6, 0), "basics-check": (1, 1)}


def _quiz_with_rules(slug: str, *rules: dict[str, Any]) -> Quiz:
    """A quiz of the demo course with draw rules written directly (the builder refuses a rule
    set that falls short; unpublishing later can make one)."""
    from quizzes.models import DrawRule

    quiz = Quiz.objects.create(course=Course.objects.get(slug="demo-course"), slug=slug, title=slug)
    for n, rule in enumerate(rules, start=1):
        DrawRule.objects.create(quiz=quiz, position=n, **rule)
    return quiz


def test_the_quiz_list_runs_the_same_queries_for_one_or_three_quizzes_with_rules(
    client: Client, author: User, django_assert_num_queries: Any
) -> None:
    client.force_login(author)
    url = reverse("authoring:quizzes", args=["demo-course"])
    _quiz_with_rules("first", {"count": 1})
    with django_assert_num_queries(10):  # as above, with one quiz with rules
        client.get(url)
    _quiz_with_rules("second", {"count": 1, "bloom": 2})
    _quiz_with_rules("third", {"count": 9}, {"count": 1})

    with django_assert_num_queries(10):
        response = client.get(url)

    short = {q.slug: s for q, s in response.context["quizzes"]}
    assert short["first"] is None and short["second"] is None
    assert short["third"] is not None  # ten questions wanted from the course's six


@pytest.mark.parametrize(
    "rules_of",
    [
        lambda: [{"count": 1, "chapter": Chapter.objects.get(slug="advanced")}],
        lambda: [{"count": 2, "chapter": Chapter.objects.get(slug="basics"), "bloom": 2}],
        lambda: [{"count": 3, "tag": Tag.objects.get(slug="computing")}],
        lambda: [{"count": 6}, {"count": 1, "bloom": 1}],
        lambda: [
            {
                "count": 1,
                "chapter": Chapter.objects.get(slug="basics"),
                "concept": Concept.objects.get(slug="gamma"),
            }
        ],
        lambda: [{"count": 1, "concept": Concept.objects.get(slug="alpha")}],
    ],
)
def test_the_quiz_list_agrees_with_the_draw_on_each_quiz(author: User, rules_of: Any) -> None:
    from quizzes.actions import draw_shortfall, draw_shortfalls

    quiz = _quiz_with_rules("checked", *rules_of())
    QuizItem.objects.create(quiz=quiz, question_id=pk("pick-one"), position=1)
    other = _quiz_with_rules("other", {"count": 2})

    assert draw_shortfalls([quiz, other]) == {
        quiz.pk: draw_shortfall(quiz),
        other.pk: draw_shortfall(other),
    }


def test_a_new_quiz_saves_every_setting_its_fixed_questions_and_rules_with_history(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(
        client,
        add=[pk("pick-many"), pk("pick-one")],
        opens_at="2030-01-01T09:00",
        closes_at="2030-01-08T17:30",
        **rules(
            {"count": "1", "chapter": "advanced", "bloom": "3"}, {"count": "1", "concept": "alpha"}
        ),
    )

    quiz = Quiz.objects.get(slug="basics-check")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "authoring:quiz_edit", args=["demo-course", "basics-check"]
    )
    assert (quiz.title, quiz.chapter.slug if quiz.chapter else None, quiz.description) == (
        "Basics check",
        "basics",
        "Four questions on the basics.",
    )
    assert (quiz.time_limit_minutes, quiz.max_attempts, quiz.pass_mark) == (20, 2, 70)
    assert (quiz.feedback, quiz.grading, quiz.layout) == ("each", "last", "all")
    assert (quiz.shuffle_questions, quiz.shuffle_options) == (True, False)
    assert quiz.opens_at is not None and quiz.opens_at.isoformat() == "2030-01-01T09:00:00+00:00"
    assert quiz.closes_at is not None and quiz.closes_at.day == 8
    assert [i.question.slug for i in quiz.items.order_by("position")] == ["pick-many", "pick-one"]
    assert [(r.count, r.chapter and r.chapter.slug, r.bloom) for r in quiz.rules.all()] == [
        (1, "advanced", 3),
        (1, None, None),
    ]
    record = history_of(quiz).get()
    assert record.user == author and record.summary == "Created quiz"
    assert record.changes["questions"] == [None, ["pick-many", "pick-one"]]


def test_editing_reorders_removes_and_records_what_changed(client: Client, author: User) -> None:
    quiz = Quiz.objects.get(slug="every-kind")
    url = reverse("authoring:quiz_edit", args=["demo-course", "every-kind"])
    client.force_login(author)
    page = client.get(url)
    assert page.status_code == 200 and 'value="Every kind"' in page.content.decode()

    response = build(
        client,
        url,
        **settings(title="Every kind, reordered", slug="every-kind", chapter=""),
        questions=[pk("pick-one"), pk("pick-many"), pk("scenario")],
        **{
            f"pos-{pk('pick-one')}": "3",
            f"pos-{pk('pick-many')}": "1",
            f"pos-{pk('scenario')}": "2",
        },
        remove=[pk("pick-many")],
    )

    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.title == "Every kind, reordered" and quiz.chapter is None
    assert [i.question.slug for i in quiz.items.order_by("position")] == ["scenario", "pick-one"]
    record = history_of(quiz).get()
    assert record.changes["questions"][1] == ["scenario", "pick-one"]
    assert record.changes["title"] == ["Every kind", "Every kind, reordered"]
    assert "Every kind, reordered" in client.get(url).content.decode()  # the history is shown


def test_saving_without_a_change_records_nothing(client: Client, author: User) -> None:
    client.force_login(author)
    build(client, add=[pk("pick-one")])
    url = reverse("authoring:quiz_edit", args=["demo-course", "basics-check"])

    build(client, url, questions=[pk("pick-one")])

    assert history_of(Quiz.objects.get(slug="basics-check")).count() == 1


# ---------------------------------------------------------------------------------------------
# Refusals: the typed values come back, the fields marked


def test_a_draw_rule_on_an_empty_filter_is_refused_with_its_fields_marked_and_nothing_lost(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(client, **rules({"count": "1", "chapter": "basics", "bloom": "6"}))

    html = response.content.decode()
    assert response.status_code == 422
    assert "A draw rule on an empty filter" in html
    assert 'name="rules-0-bloom" aria-invalid="true"' in html
    assert '<option value="basics" selected>' in html and 'value="Basics check"' in html
    assert "Four questions on the basics." in html
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_a_rule_drawing_more_than_match_is_refused(client: Client, author: User) -> None:
    client.force_login(author)

    response = build(client, **rules({"count": "3", "chapter": "advanced"}))

    assert response.status_code == 422
    assert "Only 2 published questions match; this rule draws 3." in response.content.decode()
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_a_rule_whose_matches_are_all_fixed_questions_is_refused(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(client, add=[pk("scenario")], **rules({"count": "2", "chapter": "advanced"}))

    assert response.status_code == 422
    assert "1 of them is a fixed question of this quiz" in response.content.decode()


def test_a_draft_question_does_not_count_for_a_rule(client: Client, author: User) -> None:
    Question.objects.filter(slug="scenario").update(status=Question.Status.DRAFT)
    client.force_login(author)

    response = build(client, **rules({"count": "2", "chapter": "advanced"}))

    assert response.status_code == 422
    assert "Only 1 published question matches; this rule draws 2." in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "every-kind"}, "slug", "Another quiz of this course has this slug."),
        ({"slug": "Not A Slug"}, "slug", "Use lower-case letters"),
        ({"slug": "new"}, "slug", "is the address of the new-quiz page"),
        ({"title": ""}, "title", "This field is required."),
        ({"pass_mark": "101"}, "pass_mark", "less than or equal to 100"),
        ({"time_limit_minutes": "0"}, "time_limit_minutes", "greater than or equal to 1"),
        (
            {"time_limit_minutes": "99999999999"},
            "time_limit_minutes",
            "less than or equal to 10080",
        ),
        ({"max_attempts": "4294967296"}, "max_attempts", "less than or equal to 100"),
        (
            {"feedback": "close", "closes_at": ""},
            "closes_at",
            "Feedback after the quiz closes needs a closing time",
        ),
        ({"feedback": "never"}, "feedback", "Select a valid choice"),
        ({"chapter": "one"}, "chapter", "Select a valid choice"),  # another course's chapter
        (
            {"opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"},
            "closes_at",
            "The quiz must close after it opens.",
        ),
    ],
)
def test_bad_settings_are_refused_with_the_field_marked(
    client: Client,
    author: User,
    other_course: Course,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    client.force_login(author)

    response = build(client, add=[pk("pick-one")], **settings(**overrides))

    assert response.status_code == 422
    assert message in str(response.context["builder"].settings.errors[field])
    assert Quiz.objects.count() == 1


def test_a_quiz_without_questions_or_rules_is_refused(client: Client, author: User) -> None:
    client.force_login(author)

    response = build(client)

    assert response.status_code == 422
    assert "A quiz needs fixed questions or draw rules" in response.content.decode()


def test_a_forged_question_from_another_course_is_refused(
    client: Client, author: User, other_course: Course
) -> None:
    client.force_login(author)

    response = build(client, add=[pk("pick-one"), Question.objects.get(slug="foreign").pk])

    assert response.status_code == 422
    assert "1 of the chosen questions are not in this course." in response.content.decode()
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_a_rule_filter_from_another_course_is_refused(
    client: Client, author: User, other_course: Course
) -> None:
    client.force_login(author)

    response = build(client, **rules({"count": "1", "concept": "delta"}))

    assert response.status_code == 422
    assert "Select a valid choice" in str(response.context["builder"].rules.errors[0]["concept"])


def test_a_missing_management_form_is_an_error_not_a_crash(client: Client, author: User) -> None:
    client.force_login(author)

    response = client.post(NEW, {**settings(), "add": [pk("pick-one")]})

    assert response.status_code == 422
    assert "ManagementForm data is missing" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Counts and search, with and without JavaScript


def test_the_live_count_fragment_counts_published_questions_matching_the_rule(
    client: Client, author: User
) -> None:
    client.force_login(author)

    row = client.get(
        COUNT,
        {"prefix": "rules-0", "rules-0-chapter": "basics", "rules-0-count": "2"},
        headers={"HX-Request": "true"},
    )
    plain = client.get(COUNT, {"chapter": "advanced", "count": "3"})
    empty = client.get(COUNT, {"chapter": "basics", "bloom": "6"})

    assert row.status_code == 200
    assert row.content.decode().strip().startswith('<output class="rule-count"')
    assert "4 published questions match" in row.content.decode()
    assert "<html" not in row.content.decode()
    assert "2 published questions match, fewer than the 3 it draws" in plain.content.decode()
    assert "0 published questions match: a draw rule on an empty filter" in empty.content.decode()


def test_the_live_count_is_the_query_the_attempt_draw_uses(
    client: Client, author: User, student: User
) -> None:
    client.force_login(author)
    build(client, **rules({"count": "2", "concept": "beta"}))
    quiz = Quiz.objects.get(slug="basics-check")

    count = client.get(COUNT, {"concept": "beta"}).content.decode()
    drawn = draw_questions(quiz, seed=7)

    pool = {q.slug for q in rule_queryset(quiz, quiz.rules.get())}
    assert "2 published questions match" in count
    assert {q.slug for q in drawn} == pool == {"pick-many", "match-them"}


def test_update_counts_without_javascript_shows_the_counts_and_saves_nothing(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(client, do="counts", **rules({"count": "1", "chapter": "advanced"}, {}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 published questions match" in html and 'value="Basics check"' in html
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_the_page_shows_the_count_of_each_saved_rule(client: Client, author: User) -> None:
    client.force_login(author)
    build(client, **rules({"count": "1", "bloom": "1"}))

    html = client.get(
        reverse("authoring:quiz_edit", args=["demo-course", "basics-check"])
    ).content.decode()

    assert "2 published questions match" in html
    assert 'hx-get="/author/courses/demo-course/rule-count/"' in html


def test_searching_the_bank_without_javascript_keeps_what_was_typed(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(client, do="search", search="pick", title="Half typed")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="add" value="{pk("pick-one")}"' in html and f'value="{pk("pick-many")}"' in html
    assert f'name="add" value="{pk("scenario")}"' not in html
    assert 'value="Half typed"' in html
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_searching_with_htmx_returns_the_picker_fragment(client: Client, author: User) -> None:
    client.force_login(author)

    response = client.get(NEW, {"search": "order"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.strip().startswith('<div id="picker-results"')
    assert "Put in order" in html and "<html" not in html


def test_a_deleted_rule_is_dropped(client: Client, author: User) -> None:
    client.force_login(author)
    build(client, **rules({"count": "1", "bloom": "1"}, {"count": "1", "bloom": "3"}))
    url = reverse("authoring:quiz_edit", args=["demo-course", "basics-check"])

    build(
        client,
        url,
        **rules(
            {"count": "1", "bloom": "1"}, {"count": "9", "bloom": "6", "DELETE": True}, initial=2
        ),
    )

    assert [r.bloom for r in Quiz.objects.get(slug="basics-check").rules.all()] == [1]


# ---------------------------------------------------------------------------------------------
# Round trip


def test_a_quiz_built_here_is_exported_and_reimported_with_no_change(
    client: Client, author: User, tmp_path: Path
) -> None:
    client.force_login(author)
    build(
        client,
        add=[pk("scenario"), pk("pick-one")],
        **rules(
            {"count": "1", "chapter": "basics", "bloom": "1"},
            {"count": "1", "tag": "", "concept": "beta"},
        ),
    )
    course = Course.objects.get(slug="demo-course")

    export_course(course, tmp_path / "out")
    report = import_course(tmp_path / "out")

    written = yaml.safe_load((tmp_path / "out" / "quizzes" / "basics-check.yaml").read_text())
    assert written == {
        "slug": "basics-check",
        "title": "Basics check",
        "chapter": "basics",
        "description": "Four questions on the basics.",
        "time_limit_minutes": 20,
        "max_attempts": 2,
        "pass_mark": 70,
        "feedback": "each",
        "grading": "last",
        "layout": "all",
        "shuffle_options": False,
        "questions": ["scenario", "pick-one"],
        "draw": [
            {"count": 1, "chapter": "basics", "bloom": "remember"},
            {"count": 1, "concept": "beta"},
        ],
    }
    assert report.changes == 0, list(report.lines())


def test_rules_fine_alone_but_short_together_are_refused_with_the_rules_named(
    client: Client, author: User
) -> None:
    client.force_login(author)

    # Each rule alone has its 2 and 1 questions; together they want 3 of the same 2.
    response = build(
        client, **rules({"count": "2", "chapter": "advanced"}, {"count": "1", "concept": "gamma"})
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert (
        "Rules 1 and 2 draw 3 questions in all, but only 2 published questions match any of "
        "them, and no question is drawn twice. Lower a count or widen a filter."
    ) in html
    assert 'value="Basics check"' in html
    assert not Quiz.objects.filter(slug="basics-check").exists()


def test_overlapping_rules_that_can_be_met_together_are_saved_and_always_start(
    client: Client, author: User
) -> None:
    client.force_login(author)

    response = build(
        client, **rules({"count": "1", "bloom": "3"}, {"count": "2", "chapter": "advanced"})
    )

    assert response.status_code == 302
    quiz = Quiz.objects.get(slug="basics-check")
    assert all(len(set(draw_questions(quiz, seed))) == 3 for seed in range(20))


def test_the_quiz_list_flags_a_quiz_whose_rules_fell_short_after_an_unpublish(
    client: Client, author: User
) -> None:
    client.force_login(author)
    assert build(client, **rules({"count": "2", "chapter": "advanced"})).status_code == 302
    url = reverse("authoring:quizzes", args=["demo-course"])
    assert "No attempt can be started" not in client.get(url).content.decode()

    Question.objects.filter(slug="scenario").update(status=Question.Status.DRAFT)

    html = client.get(url).content.decode()
    assert (
        "No attempt can be started: Rule 1 draws 2 questions in all, but only 1 published "
        "question matches it"
    ) in html
