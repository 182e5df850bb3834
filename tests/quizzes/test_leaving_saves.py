"""Every way of leaving the attempt page saves first.

Without JavaScript the question numbers and the site header of the attempt page are buttons
of the answer form (`goto`): the page is saved, then the student goes where they clicked
(POST/redirect/GET). With JavaScript, what is still pending when the student leaves is sent to
`quizzes:autosave` (fetch before a link is followed, `navigator.sendBeacon` when the page is
hidden), which saves through the same form and action and refuses what the page refuses.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.actions import start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, Quiz
from tests.quiz_data import position

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(quiz: Quiz, student: User) -> Attempt:
    """One question per page (the default layout), in file order."""
    quiz.shuffle_questions = False
    quiz.save()
    return start_attempt(quiz, student)


def stored(attempt: Attempt) -> dict[str, object]:
    return {
        f"{a.item.version.question.slug}/{a.part_id}": a.response
        for a in Answer.objects.filter(item__attempt=attempt).select_related(
            "item__version__question"
        )
    }


def free_text(attempt: Attempt) -> str:
    return f"q{position(attempt, 'scenario')}-justify"


# --- JavaScript off: question numbers and header links are buttons of the answer form ---------


def test_the_question_numbers_are_buttons_of_the_answer_form(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    numbers = re.findall(r'<button[^>]*name="goto" value="(\d+)"', html)
    assert numbers == [str(n) for n in range(1, 7)]
    assert 'href="?n=' not in html


def test_a_question_number_saves_the_page_then_goes_to_that_question(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    here = position(attempt, "scenario")

    response = client.post(
        url, {"position": here, free_text(attempt): "Cheap: no retraining.", "goto": "2"}
    )

    assert response.status_code == 302 and response["Location"] == f"{url}?n=2"
    assert stored(attempt)["scenario/justify"] == {"text": "Cheap: no retraining."}


@pytest.mark.parametrize(
    ("goto", "where"),
    [
        ("home", "/"),
        ("my_attempts", "/my/attempts/"),
        ("search", "/search/"),
    ],
)
def test_a_header_button_saves_the_page_then_goes_there(
    client: Client, student: User, attempt: Attempt, goto: str, where: str
) -> None:
    client.force_login(student)
    pick = position(attempt, "pick-one")

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": pick, f"q{pick}-choice": "b", "goto": goto},
    )

    assert response.status_code == 302 and response["Location"] == where
    assert stored(attempt)["pick-one/choice"] == {"selected": ["b"]}


def test_log_out_on_the_attempt_page_saves_first(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    pick = position(attempt, "pick-one")

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": pick, f"q{pick}-choice": "a", "goto": "logout"},
    )

    assert response.status_code == 302 and response["Location"] == "/"
    assert stored(attempt)["pick-one/choice"] == {"selected": ["a"]}
    assert "_auth_user_id" not in client.session


def test_every_header_link_of_the_site_is_a_saving_button_on_the_attempt_page(
    client: Client, admin_user: User, quiz: Quiz
) -> None:
    """The attempt page draws its own header; a link added to the site header later must not
    be forgotten there (an admin sees every link)."""
    attempt = start_attempt(quiz, admin_user)
    client.force_login(admin_user)
    home = client.get("/").content.decode()
    header = home.split("<header", 1)[1].split("</header>", 1)[0]
    links = set(re.findall(r'<a [^>]*href="([^"#]+)"', header))
    links.add("/search/")  # the search box: a form, not a link
    page = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    attempt_header = page.split("<header", 1)[1].split("</header>", 1)[0]
    gotos = re.findall(r'name="goto" value="([a-z_]+)"', attempt_header)

    reached = set()
    for goto in gotos:
        if goto == "logout":
            continue
        response = client.post(reverse("quizzes:attempt", args=[attempt.pk]), {"goto": goto})
        reached.add(response["Location"])

    assert "logout" in gotos and "<a " not in attempt_header.replace('<a class="skip"', "")
    assert reached == links


def test_enter_in_an_answer_still_saves_and_stays(
    client: Client, student: User, attempt: Attempt
) -> None:
    """Enter submits a form with its default button: the first submit button it owns, in page
    order. The header's buttons come first in the page, so a hidden Save must come before them."""
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    owned = re.findall(
        r'<button(?=[^>]*form="attempt-form")[^>]*name="(\w+)" value="(\w+)"|'
        r'<form [^>]*id="attempt-form"',
        html,
    )
    assert owned[0] == ("nav", "save")


def test_an_unknown_goto_saves_and_says_so_without_leaving(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    url = reverse("quizzes:attempt", args=[attempt.pk])
    pick = position(attempt, "pick-one")

    response = client.post(
        url, {"position": pick, f"q{pick}-choice": "a", "goto": "elsewhere"}, follow=True
    )

    assert response.redirect_chain[-1][0] == f"{url}?n={pick}"
    assert "Your answers are saved" in response.content.decode()
    assert "not a place" in response.content.decode()
    assert stored(attempt)["pick-one/choice"] == {"selected": ["a"]}


def test_a_half_numbered_ordering_keeps_the_student_on_the_page_with_what_they_typed(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    here = position(attempt, "put-in-order")
    first = attempt.items.get(position=here).order["o"][0]

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": here, f"q{here}-o-{first}": "2", "goto": "1"},
    )

    assert response.status_code == 422
    assert "exactly once" in response.content.decode()
    assert f'name="q{here}-o-{first}" value="2"' in response.content.decode()


# --- JavaScript on: what is pending is sent to the autosave endpoint ---------------------------


def autosave_url(attempt: Attempt) -> str:
    return reverse("quizzes:autosave", args=[attempt.pk])


def test_the_autosave_endpoint_saves_through_the_answer_form(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    response = client.post(autosave_url(attempt), {free_text(attempt): "It is cheap."})

    assert response.status_code == 204
    assert stored(attempt)["scenario/justify"] == {"text": "It is cheap."}


def test_a_beacon_carries_the_csrf_token_in_its_body(student: User, attempt: Attempt) -> None:
    """sendBeacon cannot set headers: the token travels as `csrfmiddlewaretoken`."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    client.get(reverse("quizzes:attempt", args=[attempt.pk]))  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value

    forged = client.post(autosave_url(attempt), {free_text(attempt): "forged"})
    sent = client.post(
        autosave_url(attempt), {free_text(attempt): "mine", "csrfmiddlewaretoken": token}
    )

    assert forged.status_code == 403
    assert sent.status_code == 204
    assert stored(attempt)["scenario/justify"] == {"text": "mine"}


def test_another_students_attempt_is_not_found(
    client: Client, other_student: User, attempt: Attempt
) -> None:
    client.force_login(other_student)

    response = client.post(autosave_url(attempt), {free_text(attempt): "not mine"})

    assert response.status_code == 404
    assert stored(attempt) == {}


def test_anonymous_beacons_save_nothing(client: Client, attempt: Attempt) -> None:
    response = client.post(autosave_url(attempt), {free_text(attempt): "who?"})

    assert response.status_code in (302, 403, 404)
    assert stored(attempt) == {}


def test_a_get_of_the_autosave_endpoint_is_refused(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    assert client.get(autosave_url(attempt)).status_code == 405


def test_a_beacon_after_the_deadline_submits_what_was_saved_and_is_refused(
    client: Client, student: User, quiz: Quiz
) -> None:
    quiz.time_limit_minutes = 10
    quiz.save()
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    client.post(autosave_url(attempt), {free_text(attempt): "in time"})
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    response = client.post(autosave_url(attempt), {free_text(attempt): "too late"})

    attempt.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["redirect"] == reverse("quizzes:time_up", args=[attempt.pk])
    assert attempt.is_submitted and attempt.submitted_at == attempt.deadline
    assert stored(attempt)["scenario/justify"]["text"] == "in time"  # type: ignore[index]


def test_a_beacon_for_a_submitted_attempt_is_refused_and_changes_nothing(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    client.post(autosave_url(attempt), {free_text(attempt): "final"})
    submit_attempt(attempt)

    response = client.post(autosave_url(attempt), {free_text(attempt): "after submit"})

    assert response.status_code == 409
    assert "already submitted" in response.json()["message"]
    assert response.json()["redirect"] == reverse("quizzes:result", args=[attempt.pk])
    assert stored(attempt)["scenario/justify"]["text"] == "final"  # type: ignore[index]


def test_malformed_beacon_data_loses_nothing_already_saved_or_valid(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    client.post(autosave_url(attempt), {free_text(attempt): "kept"})
    pick = position(attempt, "pick-one")
    order = position(attempt, "put-in-order")
    first = attempt.items.get(position=order).order["o"][0]

    half = client.post(
        autosave_url(attempt), {f"q{pick}-choice": "a", f"q{order}-o-{first}": "two"}
    )
    outside = client.post(autosave_url(attempt), {"q99-choice": "a", free_text(attempt): "x"})
    nul = client.post(autosave_url(attempt), {free_text(attempt): "lost\x00"})
    nonsense = client.post(autosave_url(attempt), {"qq-": "\x00", "q-1": "", "nav": "next"})

    assert half.status_code == 422 and half.json()["problems"]
    assert "Question" in half.json()["problems"][0]
    assert outside.status_code == 409 and "outside this attempt" in outside.json()["message"]
    assert nul.status_code == 422 and "Null characters" in nul.json()["problems"][0]
    assert nonsense.status_code == 204
    assert stored(attempt) == {
        "scenario/justify": {"text": "kept"},
        "scenario/choice": {"selected": []},  # nothing chosen when "kept" was saved
        "pick-one/choice": {"selected": ["a"]},
    }


def test_a_beacon_after_a_checked_question_is_refused(
    client: Client, student: User, quiz: Quiz
) -> None:
    quiz.feedback = Quiz.Feedback.AFTER_EACH
    quiz.shuffle_questions = False
    quiz.save()
    attempt = start_attempt(quiz, student)
    client.force_login(student)
    pick = position(attempt, "pick-one")
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {"position": pick, f"q{pick}-choice": "a", "nav": "check"},
    )

    response = client.post(autosave_url(attempt), {f"q{pick}-choice": "b"})

    assert response.status_code == 409 and "final" in response.json()["message"]
    assert stored(attempt)["pick-one/choice"] == {"selected": ["a"]}


def test_the_attempt_page_tells_the_script_where_to_send_pending_answers(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    html = client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()

    assert f'data-autosave="{autosave_url(attempt)}"' in html
    assert "js/attempt.js" in html


def test_a_beacon_costs_a_fixed_number_of_queries(
    client: Client, student: User, attempt: Attempt, django_assert_num_queries: Any
) -> None:
    """The beacon is sent on every page hide; it must stay as cheap as an htmx autosave."""
    client.force_login(student)
    url, name = autosave_url(attempt), free_text(attempt)
    client.post(url, {name: "first"})

    # session, user; the attempt (access_attempt); its posted items with versions (no saved
    # answers: the form shows what was posted); save_answers: savepoint, the item read with
    # its attempt locked; for each of the question's two parts one conditional UPDATE; release.
    with django_assert_num_queries(9):
        response = client.post(url, {name: "second"})

    assert response.status_code == 204
