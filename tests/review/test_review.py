"""Free-text grades: machine first, unsure ones to a person, people win, rubric fixes re-grade."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from content_io.course import import_course
from courses.models import Course
from quizzes.actions import save_answers, start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from review.actions import DecisionError, decide_answer
from review.models import GradeDecision, GradingPolicy, RegradeRun

pytestmark = pytest.mark.django_db


def answer_scenario(quiz: Quiz, student: User, choice: str, text: str) -> Attempt:
    quiz.items.exclude(question__slug="scenario").delete()
    attempt = start_attempt(quiz, student)
    save_answers(
        attempt, attempt.items.get(), {"choice": {"selected": [choice]}, "justify": {"text": text}}
    )
    return submit_attempt(attempt)


@pytest.fixture
def unsure(quiz: Quiz) -> Quiz:
    """A course whose threshold sends every free-text grade to a person."""
    GradingPolicy.objects.create(course=quiz.course, review_threshold=1.0)
    return quiz


def test_an_unsure_grade_waits_for_review_and_the_student_sees_being_reviewed(
    client: Client, unsure: Quiz, student: User
) -> None:
    attempt = answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    client.force_login(student)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    attempt.refresh_from_db()
    assert Answer.objects.get(part_id="justify").status == Answer.Status.REVIEW
    assert attempt.pending_parts == 1 and attempt.score == 1  # the choice part only
    assert "Being reviewed by your instructor" in html and "Gives the reason" not in html
    assert "1 written answer being reviewed by your instructor" in html
    assert "automatic grader" not in html


def test_a_confident_grade_reaches_the_student_with_evidence(
    client: Client, quiz: Quiz, student: User
) -> None:
    attempt = answer_scenario(quiz, student, "b", "B is cheap because there is no retraining.")
    client.force_login(student)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert Answer.objects.get(part_id="justify").status == Answer.Status.GRADED
    assert '<mark class="ev ev-1" data-criteria="1">' in html and "Gives the reason" in html


def test_a_justification_for_the_option_not_picked_earns_no_consistency_credit(
    quiz: Quiz, student: User
) -> None:
    answer_scenario(quiz, student, "a", "B is cheap because there is no retraining.")

    answer = Answer.objects.get(part_id="justify")
    assert answer.points == 0


def test_an_instructor_decision_is_recorded_and_wins(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    attempt = answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    response = client.post(
        reverse("review:answer", args=[answer.pk]),
        {"c-reason": "0", "comment": "Say why.", "action": "accept"},
    )

    answer.refresh_from_db()
    attempt.refresh_from_db()
    decision = GradeDecision.objects.get()
    assert response.status_code == 302
    assert (
        answer.status == Answer.Status.GRADED
        and answer.points == 0
        and answer.reviewed_by == course_instructor
    )
    assert (
        decision.user == course_instructor
        and decision.before["points"] == 2
        and decision.after["points"] == 0
    )
    assert attempt.pending_parts == 0 and attempt.score == 1
    client.force_login(student)
    assert "Say why." in client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()


def test_a_level_that_does_not_exist_is_refused_and_nothing_is_recorded(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "cheap")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    response = client.post(
        reverse("review:answer", args=[answer.pk]), {"c-reason": "7", "action": "accept"}
    )

    assert response.status_code == 422 and "has no level 8" in response.content.decode()
    assert not GradeDecision.objects.exists()
    with pytest.raises(DecisionError, match="missing: reason"):
        decide_answer(answer, course_instructor, {})


def test_clicking_a_level_with_htmx_returns_the_grade_panel_only(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "cheap")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    response = client.post(
        reverse("review:answer", args=[answer.pk]),
        {"c-reason": "1"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200 and 'id="grade-panel"' in html and "<html" not in html
    assert "Total: <strong>2 / 2</strong>" in html
    assert not GradeDecision.objects.exists()  # choosing a level is not a decision until accepted


def test_the_queue_lists_unsure_answers_and_filters_them(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "cheap")
    client.force_login(course_instructor)

    listed = client.get(reverse("review:queue")).content.decode()
    filtered = client.get(reverse("review:queue"), {"question": "other-question"}).content.decode()
    by_criterion = client.get(reverse("review:queue"), {"criterion": "reason"}).content.decode()

    assert "Startup scenario" in listed and "Startup scenario" not in filtered
    assert "Startup scenario" in by_criterion


def test_the_queue_filter_offers_the_instructors_courses_and_their_quizzes_by_title(
    client: Client, unsure: Quiz, course_instructor: User, admin_user: User
) -> None:
    course = unsure.course
    Quiz.objects.create(course=course, slug="a-first-look", title="A first look")
    bare = Course.objects.create(slug="no-quizzes-yet", title="Aardvark course")
    bare.staff.add(course_instructor)
    elsewhere = Course.objects.create(slug="someone-elses", title="Someone else's course")
    Quiz.objects.create(course=elsewhere, slug="their-quiz", title="Their quiz")
    client.force_login(course_instructor)

    html = client.get(reverse("review:queue")).content.decode()

    course_options = re.findall(r'<option value="([^"]*)"', html.split('name="quiz"')[0])
    quiz_options = re.findall(
        r'<option value="([^"]*)"', html.split('name="quiz"')[1].split("</select>")[0]
    )
    assert course_options == ["", bare.slug, course.slug]  # a course with no quiz is offered too
    titles = sorted(course.quizzes.values_list("title", "slug"))
    assert quiz_options == ["", *(slug for _, slug in titles)]
    assert "their-quiz" not in html and elsewhere.title not in html

    client.force_login(admin_user)
    admin_html = client.get(reverse("review:queue")).content.decode()
    assert 'value="their-quiz"' in admin_html and f'value="{elsewhere.slug}"' in admin_html


def test_the_queue_rows_escape_what_authors_and_students_wrote(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "cheap")
    version = Answer.objects.get(part_id="justify").item.version
    type(version).objects.filter(pk=version.pk).update(title='<b>Bold</b> & "quoted"')
    Quiz.objects.filter(pk=unsure.pk).update(title="Quiz <i>one</i>")
    client.force_login(course_instructor)

    html = client.get(reverse("review:queue")).content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quoted&quot;</a>" in html
    assert "<td>Quiz &lt;i&gt;one&lt;/i&gt;</td>" in html
    assert "<b>Bold</b>" not in html


def test_students_cannot_open_the_review_queue(client: Client, student: User) -> None:
    client.force_login(student)

    assert client.get(reverse("review:queue")).status_code == 403


def test_the_queue_shows_how_often_people_changed_the_machine(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    decide_answer(Answer.objects.get(part_id="justify"), course_instructor, {"reason": 0})
    client.force_login(course_instructor)

    html = client.get(reverse("review:queue")).content.decode()

    assert "reason</a></td><td>1</td><td>1 (100.0%)" in html


def test_the_queue_lists_re_grade_runs_with_their_question_and_counts_in_one_query(
    client: Client,
    unsure: Quiz,
    student: User,
    course_instructor: User,
    django_assert_num_queries: Any,
) -> None:
    answer_scenario(unsure, student, "b", "cheap")
    version = Answer.objects.get(part_id="justify").item.version
    run = RegradeRun.objects.create(version=version, part_id="justify")
    RegradeRun.objects.filter(pk=run.pk).update(
        finished_at=run.enqueued_at, graded=3, changed=2, skipped_human=1
    )
    client.force_login(course_instructor)
    client.get(reverse("review:queue"))

    # the same queries as with no run (tests/quizzes/test_page_queries.py): the runs with
    # their versions' titles are one query, and nothing they show is read afterwards
    with django_assert_num_queries(7):
        html = client.get(reverse("review:queue")).content.decode()

    assert f"{version.title} — justify</a>: 2 of 3 grades changed, 1 kept" in html
    assert reverse("review:regrade", args=[run.pk]) in html


def test_a_fixed_rubric_regrades_machine_grades_and_keeps_human_ones(
    content_dir: Path, quiz: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    answer_scenario(quiz, student, "b", "One model serves both products.")
    quiz.refresh_from_db()
    answer_scenario(quiz, other_student, "b", "One model serves both products, quickly.")
    machine = Answer.objects.get(part_id="justify", item__attempt__student=student)
    human = Answer.objects.get(part_id="justify", item__attempt__student=other_student)
    decide_answer(human, course_instructor, {"reason": 0})
    assert machine.points == 0
    path = content_dir / "questions" / "scenario.md"
    path.write_text(
        path.read_text().replace(
            "phrasings: [no retraining, cheap]",
            "phrasings: [no retraining, cheap, one model serves both]",
        )
    )
    # answer_scenario trimmed the quiz to its scenario in the database; say so in its file too,
    # or the import would refuse to undo that edit.
    (content_dir / "quizzes" / "every-kind.yaml").write_text(
        "slug: every-kind\ntitle: Every kind\nshuffle_questions: false\nquestions: [scenario]\n"
    )

    report = import_course(content_dir)

    run = RegradeRun.objects.get()
    machine.refresh_from_db()
    human.refresh_from_db()
    assert report.created["re-grade runs"] == 1 and report.created.get("question versions", 0) == 0
    assert run.finished_at is not None and run.changed == 1 and run.skipped_human == 1
    assert run.changed_answers == [machine.pk]
    assert machine.points == 2 and human.points == 0
    assert machine.item.attempt.score == 3
    assert run.before == {str(machine.pk): {"points": 0, "status": "graded", "levels": [0]}}
    client = Client()
    client.force_login(course_instructor)
    report_page = client.get(reverse("review:regrade", args=[run.pk])).content.decode()
    assert "was 0 (graded), now 2 / 2 (graded)" in report_page


def test_a_decision_made_while_the_regrade_runs_is_never_overwritten(
    unsure: Quiz, student: User, course_instructor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The re-grade reads the answer, then the person decides, then the grader's result comes
    back: the person's grade stands and the run counts the answer as a human's."""
    answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    answer = Answer.objects.get(part_id="justify")
    from review import actions as review

    real = review.grader_for(unsure.course_id)

    class DecidesMeanwhile:
        name = "slow"

        def grade(self, *args: Any, **kwargs: Any) -> Any:
            decide_answer(answer, course_instructor, {"reason": 0}, "Not enough.")
            return real.grade(*args, **kwargs)

    monkeypatch.setattr(review, "grader_for", lambda course_id: DecidesMeanwhile())
    run = RegradeRun.objects.create(version=answer.item.version, part_id="justify")

    run = review.regrade_part(run.pk)

    answer.refresh_from_db()
    attempt = answer.item.attempt
    attempt.refresh_from_db()
    assert answer.reviewed_by == course_instructor and answer.points == 0
    assert answer.detail["human"] == {"reason": 0} and answer.comment == "Not enough."
    assert (run.graded, run.changed, run.skipped_human) == (0, 0, 1)
    assert attempt.pending_parts == 0 and attempt.score == 1  # the choice part; 0 for the text


def test_the_grading_screen_of_a_choice_answer_is_not_found(
    client: Client, quiz: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(quiz, student, "b", "B is cheap because there is no retraining.")
    choice = Answer.objects.get(part_id="choice")
    client.force_login(course_instructor)

    assert client.get(reverse("review:answer", args=[choice.pk])).status_code == 404


def test_the_queue_filters_follow_the_grader_from_answer_to_answer(
    client: Client, unsure: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    answer_scenario(unsure, other_student, "b", "B needs no retraining.")
    first = Answer.objects.filter(part_id="justify").order_by("pk").first()
    assert first is not None
    client.force_login(course_instructor)
    query = f"quiz={unsure.slug}&status=all"

    queue = client.get(reverse("review:queue") + "?" + query).content.decode()
    page = client.get(reverse("review:answer", args=[first.pk]) + "?" + query)

    html = page.content.decode()
    link = reverse("review:answer", args=[first.pk])
    assert f'href="{link}?quiz={unsure.slug}&amp;status=all"' in queue
    assert f"?quiz={unsure.slug}&amp;status=all" in html  # Skip, Previous and the breadcrumb
    assert 'href="/review/?quiz=' in html


def test_the_grading_screen_shows_the_chosen_option_by_its_text(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    html = client.get(reverse("review:answer", args=[answer.pk])).content.decode()

    assert "The student chose, for “Which engineer?”: <strong>Engineer B</strong>" in html
    assert "b = " not in html and "choice = " not in html


def test_each_criterions_evidence_is_numbered_and_listed_in_a_legend(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    html = client.get(reverse("review:answer", args=[answer.pk])).content.decode()

    evidence = html.split('id="answer-text">')[1].split("</blockquote>")[0]
    assert (
        '<mark class="ev ev-1" data-criteria="1">retraining</mark><sup class="ev-num">1</sup>'
        in evidence
    )
    legend = html.split('class="ev-legend"')[1].split("</ul>")[0]
    assert '<mark class="ev ev-1">Gives the reason</mark><sup class="ev-num">1</sup>' in legend


def test_levels_are_numbered_from_one_of_how_many_as_in_the_try_box(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    html = client.get(reverse("review:answer", args=[answer.pk])).content.decode()

    assert "<kbd>1</kbd> level 1 of 2: 0 pts — Nothing." in html
    assert "<kbd>2</kbd> level 2 of 2: 2 pts — The reason." in html
    assert "machine: level 2 of 2" in html


def test_the_keyboard_shortcuts_are_documented_with_a_switch(
    client: Client, unsure: Quiz, student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "cheap")
    answer = Answer.objects.get(part_id="justify")
    client.force_login(course_instructor)

    html = client.get(reverse("review:answer", args=[answer.pk])).content.decode()

    assert '<input type="checkbox" id="keys-on" checked> Keyboard shortcuts' in html
    assert "<kbd>a</kbd> accept and next" in html and "remembered in this browser" in html


def test_each_queue_row_links_to_its_own_answer_and_groups_with_the_filters(
    client: Client, unsure: Quiz, student: User, other_student: User, course_instructor: User
) -> None:
    answer_scenario(unsure, student, "b", "B is cheap because there is no retraining.")
    answer_scenario(unsure, other_student, "b", "B needs no retraining.")
    client.force_login(course_instructor)
    # a filter value holding the digits the view puts in the links' place is left alone
    query = "max_confidence=987654321"

    html = client.get(reverse("review:queue") + "?" + query).content.decode()

    for answer in Answer.objects.filter(part_id="justify"):
        link = reverse("review:answer", args=[answer.pk])
        assert f'href="{link}?{query}"' in html
        assert f'href="{reverse("review:groups", args=[answer.pk])}"' in html
