"""A matching question's HTML never links a left text to its right text before feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from quizzes.actions import start_attempt, submit_attempt
from quizzes.models import Answer, Attempt, AttemptItem, Quiz

pytestmark = pytest.mark.django_db

PAIRS = {"SFT": "Updates weights on labelled pairs", "Prompting": "Leaves weights unchanged"}
RIGHT_IDS = {"sft", "prompt", "d0"}  # the pair ids, and the distractor's id
PAIRS_ORDER = ["Updates weights on labelled pairs", "Leaves weights unchanged", "Deletes the model"]
BY_TEXT = ["Deletes the model", "Leaves weights unchanged", "Updates weights on labelled pairs"]


@dataclass
class Select:
    name: str
    id: str
    label: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text), "—" left out
    selected: str = ""

    def value_of(self, text: str) -> str:
        return next(value for value, shown in self.options if shown == text)


class Selects(HTMLParser):
    """The <select>s of a page with their labels, options and selected value."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.selects: list[Select] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._option: tuple[str, bool] | None = None
        self.feed(html)
        for select in self.selects:
            select.label = self.labels.get(select.id, "").rstrip(":")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "select":
            self.selects.append(Select(name=a["name"], id=a.get("id", "")))
        elif tag == "option" and self.selects:
            self._option = (a.get("value", ""), "selected" in a)
        elif tag == "label":
            self._label_for = a.get("for")

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            value, selected = self._option
            if value:
                self.selects[-1].options.append((value, data.strip()))
            if selected:
                self.selects[-1].selected = value
            self._option = None
        elif self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None


def selects(html: str) -> dict[str, Select]:
    """The matching selects of a page, by left text."""
    return {s.label: s for s in Selects(html).selects}


def answers(page: dict[str, Select], **chosen: str) -> dict[str, str]:
    """The post picking, for each left text given, the option showing that right text."""
    return {page[left].name: page[left].value_of(text) for left, text in chosen.items()}


@pytest.fixture
def attempt(quiz: Quiz, student: User) -> Attempt:
    quiz.layout = Quiz.Layout.ALL_ON_ONE
    quiz.max_attempts = None
    quiz.save()
    return start_attempt(quiz, student)


def page_of(client: Client, attempt: Attempt) -> str:
    return client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()


def matching_answer(attempt: Attempt) -> Answer:
    return Answer.objects.get(item__attempt=attempt, part_id="m")


def test_the_attempt_page_shows_no_pair_id_in_an_option_value_or_a_field_name(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)

    page = selects(page_of(client, attempt))

    assert set(page) == set(PAIRS)
    for select in page.values():
        values = [value for value, _text in select.options]
        assert len(values) == 3 and not set(values) & RIGHT_IDS
        assert not any(part in RIGHT_IDS for part in select.name.split("-"))
        # The old giveaway: the option whose value ends the field's name.
        assert not any(select.name.endswith(f"-{value}") for value in values)
    assert page["SFT"].options == page["Prompting"].options


def test_posting_the_right_texts_scores_full_marks_and_stores_the_pair_ids(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    page = selects(page_of(client, attempt))
    data = answers(page, **PAIRS)

    client.post(reverse("quizzes:attempt", args=[attempt.pk]), {**data, "nav": "save"})
    submit_attempt(attempt)

    assert not set(data.values()) & RIGHT_IDS
    answer = matching_answer(attempt)
    assert answer.response == {"matches": {"sft": "sft", "prompt": "prompt"}}
    assert answer.points == answer.max_points == 1


def test_a_forged_value_is_refused_with_a_message_and_the_other_choice_is_kept(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    page = selects(page_of(client, attempt))
    sft = page["SFT"].value_of(PAIRS["SFT"])

    # The pair id, which the old page used as the right option's value, is now a forgery.
    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {page["SFT"].name: sft, page["Prompting"].name: "prompt", "nav": "save"},
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "“Prompting”: that is not one of the choices offered" in html
    assert selects(html)["SFT"].selected == sft
    assert not Answer.objects.filter(item__attempt=attempt).exists()


def test_a_forged_value_in_an_autosave_answers_with_the_message(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    page = selects(page_of(client, attempt))

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {page["SFT"].name: "0123456789abcdef"},
        headers={"HX-Request": "true"},
    )

    assert "“SFT”: that is not one of the choices offered" in response.content.decode()
    assert not Answer.objects.filter(item__attempt=attempt).exists()


def test_an_autosave_stores_the_pair_ids(client: Client, student: User, attempt: Attempt) -> None:
    client.force_login(student)
    page = selects(page_of(client, attempt))

    response = client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        answers(page, SFT="Deletes the model"),
        headers={"HX-Request": "true"},
    )

    assert "Saved at" in response.content.decode()
    assert matching_answer(attempt).response == {"matches": {"sft": "d0"}}


def test_resuming_the_attempt_shows_the_same_values_and_the_saved_choices(
    client: Client, student: User, quiz: Quiz, attempt: Attempt
) -> None:
    client.force_login(student)
    first = selects(page_of(client, attempt))
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {**answers(first, SFT=PAIRS["Prompting"]), "nav": "save"},
    )
    client.logout()

    client.force_login(student)
    resumed = start_attempt(quiz, student)
    again = selects(page_of(client, resumed))

    assert resumed.pk == attempt.pk
    assert not {v for s in again.values() for v, _t in s.options} & RIGHT_IDS
    assert {k: (s.name, s.options) for k, s in again.items()} == {
        k: (s.name, s.options) for k, s in first.items()
    }
    assert again["SFT"].selected == first["SFT"].value_of(PAIRS["Prompting"])
    assert again["Prompting"].selected == ""


def test_each_attempt_has_its_own_values(
    client: Client, student: User, quiz: Quiz, attempt: Attempt
) -> None:
    client.force_login(student)
    first = selects(page_of(client, attempt))
    submit_attempt(attempt)

    second = selects(page_of(client, start_attempt(quiz, student)))

    assert not {v for v, _t in first["SFT"].options} & {v for v, _t in second["SFT"].options}


def test_without_shuffled_options_the_right_column_is_sorted_by_text(
    client: Client, student: User, quiz: Quiz
) -> None:
    quiz.shuffle_options = False
    quiz.layout = Quiz.Layout.ALL_ON_ONE
    quiz.save()
    client.force_login(student)
    attempt = start_attempt(quiz, student)

    page = selects(page_of(client, attempt))

    assert set(page) == set(PAIRS)
    for select in page.values():
        texts = [text for _value, text in select.options]
        assert texts == BY_TEXT and texts != PAIRS_ORDER


def test_an_attempt_started_with_the_pairs_order_stored_is_shown_sorted_by_text(
    client: Client, student: User, attempt: Attempt
) -> None:
    """Attempts in progress from before the fix stored unshuffled columns in the pairs' order,
    and their answers with pair ids; they still load, with the saved choice selected."""
    item = AttemptItem.objects.get(attempt=attempt, version__question__slug="match-them")
    item.order = {"m": ["sft", "prompt", "d0"]}
    item.save()
    Answer.objects.create(item=item, part_id="m", response={"matches": {"prompt": "prompt"}})
    client.force_login(student)

    page = selects(page_of(client, attempt))

    assert [text for _value, text in page["SFT"].options] == BY_TEXT
    assert page["Prompting"].selected == page["Prompting"].value_of(PAIRS["Prompting"])
    assert page["SFT"].selected == ""


def test_a_shuffled_order_is_shown_as_stored(
    client: Client, student: User, attempt: Attempt
) -> None:
    item = AttemptItem.objects.get(attempt=attempt, version__question__slug="match-them")
    item.order = {"m": ["prompt", "d0", "sft"]}
    item.save()
    client.force_login(student)

    page = selects(page_of(client, attempt))

    assert [text for _value, text in page["SFT"].options] == [
        PAIRS["Prompting"],
        "Deletes the model",
        PAIRS["SFT"],
    ]


def test_checking_the_question_shows_the_pairs_with_the_students_choices(
    client: Client, student: User, attempt: Attempt
) -> None:
    quiz = attempt.quiz
    quiz.feedback = Quiz.Feedback.AFTER_EACH
    quiz.save()
    client.force_login(student)
    page = selects(page_of(client, attempt))

    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {**answers(page, SFT=PAIRS["SFT"], Prompting="Deletes the model"), "nav": "check"},
    )
    html = page_of(client, attempt)

    assert '<li class="is-correct">SFT → Updates weights on labelled pairs</li>' in html
    assert (
        '<li class="is-wrong">Prompting → Leaves weights unchanged (you chose: Deletes the model)'
        in html
    )
    assert matching_answer(attempt).points == 0.5


def test_the_result_page_shows_the_pairs_with_the_students_choices(
    client: Client, student: User, attempt: Attempt
) -> None:
    client.force_login(student)
    page = selects(page_of(client, attempt))
    client.post(
        reverse("quizzes:attempt", args=[attempt.pk]),
        {**answers(page, SFT=PAIRS["Prompting"], Prompting=PAIRS["Prompting"]), "nav": "save"},
    )
    submit_attempt(attempt)

    html = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()

    assert "SFT → Updates weights on labelled pairs (you chose: Leaves weights unchanged)" in html
    assert '<li class="is-correct">Prompting → Leaves weights unchanged</li>' in html


def test_a_post_with_the_old_names_and_pair_ids_scores_nothing_and_keeps_the_saved_answer(
    client: Client, student: User, attempt: Attempt
) -> None:
    """The old exploit (value = end of the field's name), or a page from before the fix."""
    client.force_login(student)
    page = selects(page_of(client, attempt))
    url = reverse("quizzes:attempt", args=[attempt.pk])
    client.post(url, {**answers(page, SFT="Deletes the model"), "nav": "save"})
    prefix = page["SFT"].name.rsplit("-", 2)[0]

    client.post(url, {f"{prefix}-m-sft": "sft", f"{prefix}-m-prompt": "prompt", "nav": "save"})
    submit_attempt(attempt)

    answer = matching_answer(attempt)
    assert answer.response == {"matches": {"sft": "d0"}} and answer.points == 0
