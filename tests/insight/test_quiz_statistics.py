"""The statistics page: who may see it, what it shows on awkward data, its queries and cache,
and its figures against a straightforward reference computation."""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.roles import INSTRUCTOR
from courses.models import Course
from insight.collect import Which
from insight.simulate import make_students, simulate_attempts
from quizzes.actions import start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Question, Quiz
from review.actions import decide_answer


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    cache.clear()


def url(quiz: Quiz, query: str = "") -> str:
    return reverse("insight:quiz", args=[quiz.course.slug, quiz.slug]) + query


def questions_of(quiz: Quiz) -> list[Question]:
    return [
        item.question
        for item in quiz.items.select_related("question__current").order_by("position")
    ]


def simulated(quiz: Quiz, n: int = 40, seed: int = 1, attempts_each: int = 1) -> int:
    return simulate_attempts(
        quiz, make_students(f"sim{seed}", n), questions_of(quiz), seed, attempts_each
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_course_s_instructor_sees_the_statistics(course_instructor: User, quiz: Quiz) -> None:
    simulated(quiz)

    response = signed_in(course_instructor).get(url(quiz))

    assert response.status_code == 200
    page = response.context["page"]
    assert page.analysis.attempts == 40
    assert [q.result.info.slug for q in page.questions] == [
        "pick-one",
        "pick-many",
        "true-or-false",
        "match-them",
        "put-in-order",
        "scenario",
    ]
    html = response.content.decode()
    assert "Cronbach" in html and "Point-biserial" in html
    assert "<script" not in html.split("<main", 1)[-1]


@pytest.mark.django_db
def test_students_and_other_instructors_get_404(
    quiz: Quiz, student: User, make_user: Callable[..., User]
) -> None:
    other = make_user("otto", INSTRUCTOR, is_staff=True)
    Course.objects.create(slug="elsewhere", title="Elsewhere").staff.add(other)

    assert signed_in(student).get(url(quiz)).status_code == 404
    assert signed_in(other).get(url(quiz)).status_code == 404
    assert Client().get(url(quiz)).status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_quiz_without_attempts_says_there_is_nothing_yet(
    course_instructor: User, quiz: Quiz
) -> None:
    response = signed_in(course_instructor).get(url(quiz))

    assert response.status_code == 200
    assert "No graded attempts yet" in response.content.decode()


@pytest.mark.django_db
def test_one_attempt_shows_its_facility_and_not_enough_data(
    course_instructor: User, quiz: Quiz, student: User
) -> None:
    attempt = start_attempt(quiz, student)
    submit_attempt(attempt)
    Answer.objects.filter(part_id="justify").update(status=Answer.Status.GRADED, points=0)
    Attempt.objects.filter(pk=attempt.pk).update(pending_parts=0)

    response = signed_in(course_instructor).get(url(quiz))

    html = response.content.decode()
    assert response.status_code == 200
    assert "not enough data" in html
    assert response.context["page"].analysis.test.alpha is None


@pytest.mark.django_db
def test_equal_scores_render_without_dividing_by_zero(course_instructor: User, quiz: Quiz) -> None:
    simulated(quiz, n=15)
    Answer.objects.update(points=1.0, max_points=1.0)

    response = signed_in(course_instructor).get(url(quiz))

    assert response.status_code == 200
    page = response.context["page"]
    assert all(q.result.stats.r_rest is None for q in page.questions)
    assert page.analysis.test.alpha is None


@pytest.mark.django_db
def test_a_question_dropped_mid_course_keeps_its_figures(
    course_instructor: User, quiz: Quiz
) -> None:
    simulated(quiz, n=12, seed=1)
    quiz.items.filter(question__slug="match-them").delete()
    simulated(quiz, n=12, seed=2)

    response = signed_in(course_instructor).get(url(quiz))

    assert response.status_code == 200
    by_slug = {q.result.info.slug: q.result.stats.n for q in response.context["page"].questions}
    assert by_slug["match-them"] == 12 and by_slug["pick-one"] == 24


@pytest.mark.django_db
def test_an_unknown_attempts_choice_is_refused_with_a_message_and_first_attempts_shown(
    course_instructor: User, quiz: Quiz
) -> None:
    simulated(quiz, n=12, attempts_each=2)

    response = signed_in(course_instructor).get(url(quiz, "?attempts=everything"))

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert response.context["page"].which is Which.FIRST
    assert response.context["page"].analysis.attempts == 12


@pytest.mark.django_db
def test_all_attempts_counts_every_attempt(course_instructor: User, quiz: Quiz) -> None:
    simulated(quiz, n=12, attempts_each=2)

    response = signed_in(course_instructor).get(url(quiz, "?attempts=all"))

    assert response.context["page"].analysis.attempts == 24


@pytest.mark.django_db
def test_attempts_still_being_graded_are_left_out(course_instructor: User, quiz: Quiz) -> None:
    simulated(quiz, n=12)
    Attempt.objects.filter(pk__in=Attempt.objects.order_by("pk")[:2]).update(pending_parts=1)

    response = signed_in(course_instructor).get(url(quiz))

    assert response.context["page"].analysis.attempts == 10


@pytest.mark.django_db
def test_the_page_runs_a_fixed_number_of_queries_cold_and_cached(
    course_instructor: User, quiz: Quiz, django_assert_num_queries: Any
) -> None:
    simulated(quiz, n=20)
    client = signed_in(course_instructor)
    # session, user, roles and permissions (one query, the header's too), quiz (access),
    # fingerprint (one aggregate), answers, versions, quiz order, course questions,
    # concepts, course facilities (one aggregate)
    with django_assert_num_queries(11):
        client.get(url(quiz))
    simulated(quiz, n=20, seed=2)  # more students: the same queries
    cache.clear()
    with django_assert_num_queries(11):
        client.get(url(quiz))
    # cached: session, user, roles and permissions, quiz, fingerprint, course questions,
    # concepts
    with django_assert_num_queries(7):
        client.get(url(quiz))


@pytest.mark.django_db
def test_a_submission_refreshes_the_cached_figures(
    course_instructor: User, quiz: Quiz, student: User
) -> None:
    simulated(quiz, n=12)
    client = signed_in(course_instructor)
    assert client.get(url(quiz)).context["page"].analysis.attempts == 12

    attempt = start_attempt(quiz, student)
    submit_attempt(attempt)  # its written answer is graded at once (tasks run inline here)
    attempt.refresh_from_db()
    if attempt.pending_parts:  # the grader was unsure: a person decides
        justify = Answer.objects.get(item__attempt=attempt, part_id="justify")
        decide_answer(justify, course_instructor, {"reason": 1})

    assert client.get(url(quiz)).context["page"].analysis.attempts == 13


@pytest.mark.django_db
def test_a_grading_decision_refreshes_the_criterion_figures(
    course_instructor: User, quiz: Quiz
) -> None:
    simulated(quiz, n=12)
    client = signed_in(course_instructor)

    def criterion_facility() -> float:
        page = client.get(url(quiz)).context["page"]
        scenario = next(q for q in page.questions if q.result.info.slug == "scenario")
        return scenario.result.parts[1].criteria[0].stats.facility

    before = criterion_facility()
    answer = Answer.objects.filter(part_id="justify", points=0).first()
    assert answer is not None
    decide_answer(answer, course_instructor, {"reason": 1})

    assert criterion_facility() == pytest.approx(before + 1 / 12)


@pytest.mark.django_db
def test_flags_link_to_the_question_editor_and_the_bank(
    course_instructor: User, quiz: Quiz
) -> None:
    simulated(quiz, n=30)
    # Nobody picks the distractor of pick-one: everyone who was wrong picked the key too.
    Answer.objects.filter(part_id="choice", item__version__question__slug="pick-one").update(
        response={"selected": ["a"]}
    )

    response = signed_in(course_instructor).get(url(quiz))

    flags = [row for row in response.context["page"].flags if row.flag.slug == "pick-one"]
    assert any(row.flag.code == "distractor-unused" for row in flags)
    html = response.content.decode()
    editor = reverse("authoring:question_edit", args=[quiz.course.slug, "pick-one"])
    bank = reverse("authoring:questions", args=[quiz.course.slug]) + "?q=pick-one"
    assert f'href="{editor}"' in html and f'href="{bank}"' in html


@pytest.mark.django_db
def test_each_chart_has_a_title_and_a_table_beside_it(course_instructor: User, quiz: Quiz) -> None:
    simulated(quiz, n=20)

    html = signed_in(course_instructor).get(url(quiz)).content.decode()

    charts = re.findall(r'<svg class="chart (\w+)".*?</svg>', html, re.S)
    assert set(charts) >= {"histogram", "scatter", "options", "heat"}
    for svg in re.findall(r"<svg .*?</svg>", html, re.S):
        assert re.search(r'<title id="chart-t\d+">[^<]+</title>', svg)
    assert html.count("<caption>") >= len(charts)


@pytest.mark.django_db
def test_the_results_page_and_the_quiz_builder_link_to_the_statistics(
    course_instructor: User, quiz: Quiz
) -> None:
    client = signed_in(course_instructor)
    results = client.get(reverse("quizzes:results", args=[quiz.course.slug, quiz.slug]))
    builder = client.get(reverse("authoring:quiz_edit", args=[quiz.course.slug, quiz.slug]))

    assert f'href="{url(quiz)}"' in results.content.decode()
    assert f'href="{url(quiz)}"' in builder.content.decode()


@pytest.mark.django_db
def test_the_needs_tagging_report_lists_questions_whose_facility_contradicts_their_bloom_level(
    course_instructor: User, quiz: Quiz
) -> None:
    """pick-one and true-or-false are Remember items, scenario is Evaluate: with everyone
    right on scenario and half right on the Remember items, scenario looks like recall."""
    simulated(quiz, n=20)
    # A third Remember item, so the course has a baseline of three.
    Question.objects.filter(slug="put-in-order").update()
    version = Question.objects.get(slug="put-in-order").current
    assert version is not None
    version.bloom = 1
    version.save()
    for slug in ("pick-one", "true-or-false", "put-in-order"):
        answers = Answer.objects.filter(item__version__question__slug=slug).order_by("pk")
        for i, a in enumerate(answers):
            a.points = a.max_points if i % 2 else 0
            a.save()
    Answer.objects.filter(item__version__question__slug="scenario").update(
        points=2.0, max_points=2.0, status=Answer.Status.GRADED
    )

    html = (
        signed_in(course_instructor)
        .get(reverse("authoring:needs_tagging", args=[quiz.course.slug]))
        .content.decode()
    )

    section = html.split("Bloom level in doubt", 1)[1].split("</section>", 1)[0]
    assert "Startup scenario" in section and "Tagged Evaluate but easier" in section


# ---------------------------------------------------------------- against a reference


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


def variance(xs: list[float]) -> float:
    m = sum(xs) / len(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [3, 4])
def test_the_page_s_figures_equal_a_straightforward_reference_computation(
    course_instructor: User, quiz: Quiz, seed: int
) -> None:
    simulated(quiz, n=random.Random(seed).randrange(25, 45), seed=seed)
    # The reference: every answer of every first attempt, added up by hand.
    marks: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    tops: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for attempt_id, slug, points, top in Answer.objects.filter(
        item__attempt__quiz=quiz, item__attempt__number=1
    ).values_list("item__attempt_id", "item__version__question__slug", "points", "max_points"):
        marks[attempt_id][slug] += points or 0.0
        tops[attempt_id][slug] += top or 0.0
    totals = {a: sum(m.values()) for a, m in marks.items()}
    slugs = sorted({slug for m in marks.values() for slug in m})

    page = signed_in(course_instructor).get(url(quiz)).context["page"]

    by_slug = {q.result.info.slug: q.result.stats for q in page.questions}
    for slug in slugs:
        xs = [marks[a][slug] for a in marks]
        rest = [totals[a] - marks[a][slug] for a in marks]
        top = sum(tops[a][slug] for a in marks) / len(marks)
        got = by_slug[slug]
        assert got.n == len(xs)
        assert got.facility == pytest.approx(sum(xs) / len(xs) / top)
        assert got.sd == pytest.approx(math.sqrt(variance(xs)) / top)
        if variance(xs) > 0:
            assert got.r_rest == pytest.approx(pearson(xs, rest))
    n_items = len(slugs)
    alpha = (
        n_items
        / (n_items - 1)
        * (
            1
            - sum(variance([marks[a][s] for a in marks]) for s in slugs)
            / variance(list(totals.values()))
        )
    )
    assert page.analysis.test.alpha == pytest.approx(alpha)
    assert page.analysis.test.mean == pytest.approx(sum(totals.values()) / len(totals))


@pytest.mark.django_db
def test_the_bloom_suspects_cost_the_needs_tagging_report_two_or_three_queries(
    course_instructor: User, quiz: Quiz, django_assert_num_queries: Any
) -> None:
    simulated(quiz, n=12)
    client = signed_in(course_instructor)
    page = reverse("authoring:needs_tagging", args=[quiz.course.slug])
    # The report's own nine (tests/authoring/test_coverage.py), then the course's attempts
    # fingerprint, the course's questions, and the course facilities (one aggregate)
    with django_assert_num_queries(12):
        client.get(page)
    with django_assert_num_queries(11):  # the facilities cached
        client.get(page)


@pytest.mark.django_db
def test_any_save_of_an_attempt_starts_a_new_cache_generation(
    course_instructor: User, quiz: Quiz, django_assert_num_queries: Any
) -> None:
    """A re-grade or a decision that leaves every total as it was still saves the attempt:
    the fingerprint cannot see it, the generation can."""
    simulated(quiz, n=12)
    client = signed_in(course_instructor)
    client.get(url(quiz))
    with django_assert_num_queries(7):  # cached
        client.get(url(quiz))

    Attempt.objects.order_by("pk").first().save()  # type: ignore[union-attr]

    with django_assert_num_queries(10):  # the analysis again (the course's facilities cached)
        client.get(url(quiz))
