"""No `aria-describedby` (or `aria-labelledby`) names an id that is not on the page.

Every page of the permission matrix is fetched as every persona that may see it, and so are the
account pages, a student's attempt pages, the admin's bulk-tag form and the forms sent back with
their errors (where Django adds `…_error` references). A reference to a missing id makes a
screen reader read nothing where the page meant to explain a field.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses.models import Concept, Tag
from quizzes.actions import start_attempt
from quizzes.models import Question
from tests import test_permission_matrix
from tests.test_permission_matrix import PERSONAS, ROWS, World

pytestmark = pytest.mark.django_db
world = test_permission_matrix.world  # the matrix's fixture: a course, its people, an attempt

REFERENCES = ("aria-describedby", "aria-labelledby")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in REFERENCES and value:
                self.references.extend((tag, name, ref) for ref in value.split())


def dangling(html: str) -> list[str]:
    """Each reference of `html` to an id it does not have, as `tag attribute=id`."""
    parser = _Ids()
    parser.feed(html)
    return [f"{t} {a}={ref}" for t, a, ref in parser.references if ref not in parser.ids]


def crawl(client: Client, user: User | None, urls: list[str]) -> dict[str, list[str]]:
    client.logout()
    if user is not None:
        client.force_login(user)
    found = {}
    for url in urls:
        response = client.get(url)
        page = response.content.decode() if response.status_code == 200 else ""
        if refs := dangling(page):
            found[url] = refs
    return found


def listing(found: dict[str, list[str]]) -> str:
    return "\n" + "\n".join(f"{page}: {', '.join(refs)}" for page, refs in sorted(found.items()))


def test_the_checker_finds_a_reference_to_a_missing_id() -> None:
    html = '<p id="here">x</p><input aria-describedby="here gone"><div aria-labelledby="nope">'

    assert dangling(html) == ["input aria-describedby=gone", "div aria-labelledby=nope"]


def test_no_page_of_the_matrix_refers_to_a_missing_id_for_any_persona(
    client: Client, world: World
) -> None:
    urls = [reverse(row.name, args=row.args(world)) + row.query for row in ROWS]
    urls += [
        reverse("authoring:question_new", args=[world.course.slug]) + f"?kind={kind}"
        for kind in ("single", "multiple", "true_false", "matching", "ordering", "free_text")
    ]
    urls += [
        reverse("authoring:question_edit", args=[world.course.slug, q.slug])
        for q in Question.objects.filter(course=world.course)
    ]

    found = {
        f"{persona} {url}": refs
        for persona in PERSONAS
        for url, refs in crawl(client, world.users[persona], urls).items()
    }

    assert found == {}, listing(found)


def test_account_pages_refer_only_to_ids_they_have(client: Client, student: User) -> None:
    anonymous = ["signup", "login", "password_reset"]
    logged_in = ["password_change"]

    found = crawl(client, None, [reverse(n) for n in anonymous])
    found |= crawl(client, student, [reverse(n) for n in logged_in])

    assert found == {}, listing(found)


def test_a_students_attempt_pages_refer_only_to_ids_they_have(
    client: Client, world: World, other_student: User
) -> None:
    attempt = start_attempt(world.quiz, other_student)
    pages = [reverse(name, args=[attempt.pk]) for name in ("quizzes:attempt", "quizzes:summary")]

    found = crawl(client, other_student, pages)

    assert found == {}, listing(found)


def test_forms_sent_back_with_errors_refer_only_to_ids_they_have(
    client: Client, world: World
) -> None:
    course = world.course.slug
    computing = Tag.objects.get(slug="computing")
    pk = Concept.objects.filter(course=world.course).values_list("pk", flat=True)[0]
    question = Question.objects.filter(course=world.course).values_list("pk", flat=True)[0]
    posts = [
        (None, reverse("signup"), {"username": "", "email": "not-an-email", "password1": "x"}),
        (None, reverse("login"), {"username": "nobody", "password": "wrong"}),
        ("instructor", reverse("authoring:concept_new", args=[course]), {"title": ""}),
        (
            "instructor",
            reverse("authoring:question_new", args=[course]) + "?kind=free_text",
            {"title": "", "stem": "", "op": "save"},
        ),
        (
            "instructor",
            reverse("authoring:question_new", args=[course]) + "?kind=single",
            {"title": "", "stem": "", "op": "preview"},
        ),
        ("instructor", reverse("authoring:quiz_new", args=[course]), {"title": ""}),
        ("admin", reverse("authoring:tag_new"), {"name": ""}),
        ("admin", reverse("authoring:tag_edit", args=["computing"]), {"name": ""}),
        ("admin", reverse("authoring:tag_merge", args=["computing"]), {"into": ""}),
        ("student", reverse("password_change"), {"old_password": "wrong"}),
        ("admin", "/admin/courses/concept/", {"action": "add_tag", "_selected_action": [pk]}),
        (
            "admin",
            "/admin/quizzes/question/",
            {"action": "add_tag", "_selected_action": [question], "apply": "1", "tag": ""},
        ),
    ]

    found = {}
    for persona, url, data in posts:
        client.logout()
        if (user := world.users.get(persona) if persona else None) is not None:
            client.force_login(user)
        response = client.post(url, data)
        assert response.status_code in (200, 422), (url, response.status_code)
        if refs := dangling(response.content.decode()):
            found[url] = refs

    assert found == {}, listing(found)
    assert Tag.objects.filter(pk=computing.pk).exists()
