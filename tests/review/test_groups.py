"""Answer groups: similar waiting answers together, one decision for the ticked members, a
GradeDecision each; forged and stale posts refused (issue 10, part 3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses.models import Course
from quizzes.models import Answer, Attempt, Quiz
from review import actions
from review.models import GradeDecision
from tests.review.conftest import WrittenAnswer

pytestmark = pytest.mark.django_db

ALIKE = [
    "B is cheap because there is no retraining.",
    "B is cheap because there is no retraining at all.",
    "B is cheap, because there is no retraining.",
]
OTHER = "Tokenizers split words into pieces before the embedding layer."


@pytest.fixture
def group(written: WrittenAnswer) -> list[Answer]:
    members = [written(t) for t in ALIKE]
    written(OTHER)
    return members


def post_group(client: Client, anchor: Answer, members: list[int], **extra: str) -> Any:
    return client.post(
        reverse("review:group", args=[anchor.pk]),
        {"member": [str(m) for m in members], "c-reason": "1", "action": "accept", **extra},
    )


def test_the_groups_page_puts_similar_answers_together(
    client: Client, group: list[Answer], course_instructor: User
) -> None:
    client.force_login(course_instructor)

    html = client.get(reverse("review:groups", args=[group[0].pk])).content.decode()

    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert rows[0].startswith("<td>3</td>") and rows[1].startswith("<td>1</td>")
    assert "4 answers waiting for a person" in html


def test_a_group_shows_its_members_with_their_differences_marked(
    client: Client, group: list[Answer], course_instructor: User
) -> None:
    client.force_login(course_instructor)

    html = client.get(reverse("review:group", args=[group[0].pk])).content.decode()

    assert html.count('name="member"') == 3 and OTHER not in html
    assert '<mark class="diff">all.</mark>' in html and '<mark class="diff">cheap,</mark>' in html


def test_one_decision_grades_the_ticked_members_and_each_is_audited(
    client: Client, group: list[Answer], course_instructor: User
) -> None:
    client.force_login(course_instructor)

    response = post_group(client, group[0], [group[0].pk, group[1].pk], comment="Good reason.")

    assert response.status_code == 302
    decisions = GradeDecision.objects.order_by("answer_id")
    assert [d.answer_id for d in decisions] == [group[0].pk, group[1].pk]
    assert all(d.user == course_instructor and d.after["points"] == 2 for d in decisions)
    assert all(d.after["group"] == [group[0].pk, group[1].pk] for d in decisions)
    assert all(d.comment == "Good reason." for d in decisions)
    split = Answer.objects.get(pk=group[2].pk)
    assert split.status == Answer.Status.REVIEW and split.reviewed_by is None


def test_an_answer_outside_the_group_is_refused_and_nothing_is_saved(
    client: Client, group: list[Answer], course_instructor: User
) -> None:
    other = Answer.objects.get(response__text=OTHER)
    client.force_login(course_instructor)

    response = post_group(client, group[0], [group[0].pk, other.pk], comment="Kept as typed.")

    html = response.content.decode()
    assert response.status_code == 422
    assert f"Answer {other.pk} is not in this group (any more); nothing was saved." in html
    assert "Kept as typed." in html and not GradeDecision.objects.exists()


def test_another_courses_answer_is_refused(
    client: Client, group: list[Answer], course_instructor: User
) -> None:
    elsewhere = Course.objects.create(slug="elsewhere", title="Elsewhere")
    their_quiz = Quiz.objects.create(course=elsewhere, slug="theirs", title="Theirs")
    Attempt.objects.filter(pk=group[2].item.attempt_id).update(quiz=their_quiz)
    client.force_login(course_instructor)

    response = post_group(client, group[0], [group[0].pk, group[2].pk])

    assert response.status_code == 422
    assert f"Answer {group[2].pk} is not in this group" in response.content.decode()
    assert not GradeDecision.objects.exists()


def test_a_member_decided_meanwhile_refuses_the_whole_group(
    client: Client, group: list[Answer], course_instructor: User
) -> None:
    client.force_login(course_instructor)
    client.get(reverse("review:group", args=[group[0].pk]))
    actions.decide_answer(group[1], course_instructor, {"reason": 0})

    response = post_group(client, group[0], [a.pk for a in group])

    assert response.status_code == 422
    assert f"Answer {group[1].pk} is not in this group (any more)" in response.content.decode()
    assert GradeDecision.objects.count() == 1


def test_the_group_decision_itself_refuses_an_answer_already_decided(
    group: list[Answer], course_instructor: User
) -> None:
    actions.decide_answer(group[1], course_instructor, {"reason": 0})

    with pytest.raises(actions.GroupDecisionError, match="already had a person's grade"):
        actions.decide_group(group, course_instructor, {"reason": 1})

    assert GradeDecision.objects.count() == 1


def test_another_courses_instructor_cannot_open_the_group(
    client: Client, group: list[Answer], make_user: Any
) -> None:
    stranger = make_user("ivo", "Instructor", is_staff=True)
    client.force_login(stranger)

    assert client.get(reverse("review:group", args=[group[0].pk])).status_code == 404
    assert post_group(client, group[0], [group[0].pk]).status_code == 404


def test_the_group_page_runs_a_fixed_number_of_queries(
    client: Client, written: WrittenAnswer, course_instructor: User, django_assert_num_queries: Any
) -> None:
    members = [written(t) for t in ALIKE + [ALIKE[0] + " Yes."] * 3]
    client.force_login(course_instructor)

    # session, user, roles and permissions (one query), the answer with
    # its item, version, quiz, course and student (access: the course's staff in a subquery),
    # the part's waiting answers with the same
    with django_assert_num_queries(5):
        response = client.get(reverse("review:group", args=[members[0].pk]))

    assert response.content.decode().count('name="member"') == 6


def test_a_group_decision_relearns_its_part_once(
    group: list[Answer], course_instructor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    relearned: list[tuple[int, str]] = []
    monkeypatch.setattr(
        actions,
        "enqueue_relearn",
        lambda version_id, part_id: relearned.append((version_id, part_id)),
    )

    actions.decide_group(group, course_instructor, {"reason": 1})

    assert relearned == [(group[0].item.version_id, "justify")]
    assert GradeDecision.objects.count() == 3
