"""Every menu of tags shows each tag's path and is sorted by that path, as shown: the concept
list's filter and bulk form, the concept and question editors, the bank's filters, the quiz
builder, the tag manager and the admin's bulk tagging."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses import actions
from courses.models import Concept, Course, Tag
from courses.tagpaths import sort_key
from quizzes.models import Quiz

pytestmark = pytest.mark.django_db

# Sorted by slug, by name and by path, these come in three different orders.
PATHS = [
    "Science",
    "Science / Applied Linguistics",
    "Science / Computing",
    "Zoology",
    "Zoology / Birds",
]


@pytest.fixture
def tags(quiz: Quiz) -> None:
    science = Tag.objects.get(slug="science")
    actions.create_tag(
        None, name="Applied Linguistics", slug="zz-applied", kind="discipline", parent=science
    )
    zoology = actions.create_tag(
        None, name="Zoology", slug="aa-zoology", kind="discipline", parent=None
    )
    actions.create_tag(None, name="Birds", slug="mm-birds", kind="custom", parent=zoology)


class _Menus(HTMLParser):
    """The labels of each select's options and of each group of checkboxes, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.menus: dict[str, list[str]] = defaultdict(list)
        self.selects = 0
        self.select: str | None = None
        self.key: str | None = None
        self.text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self.selects += 1
            self.select = f"{a.get('name')} #{self.selects}"
        elif tag == "option" and self.select:
            self.key, self.text = self.select, []
        elif tag == "label":
            self.key, self.text = None, []
        elif tag == "input" and a.get("type") == "checkbox" and self.text is not None:
            self.key = str(a.get("name"))

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "label") and self.text is not None and self.key:
            self.menus[self.key].append("".join(self.text).strip())
            self.text = None
        elif tag == "select":
            self.select = None


def tag_menus(html: str) -> dict[str, list[str]]:
    """Each menu of the page that offers our tags, with the labels of those tags in order."""
    parser = _Menus()
    parser.feed(html)
    found = {k: [label for label in v if label in PATHS] for k, v in parser.menus.items()}
    return {k: v for k, v in found.items() if len(v) >= 3}


def pages(course: Course) -> list[tuple[str, str, dict[str, object] | None]]:
    concept = Concept.objects.filter(course=course).first()
    assert concept is not None
    slug = course.slug
    return [
        ("instructor", reverse("authoring:concepts", args=[slug]), None),
        ("instructor", reverse("authoring:concept_new", args=[slug]), None),
        ("instructor", reverse("authoring:question_new", args=[slug]) + "?kind=single", None),
        ("instructor", reverse("authoring:question_edit", args=[slug, "scenario"]), None),
        ("instructor", reverse("authoring:questions", args=[slug]), None),
        ("instructor", reverse("authoring:quiz_edit", args=[slug, "every-kind"]), None),
        ("admin", reverse("authoring:tag_new"), None),
        ("admin", reverse("authoring:tag_edit", args=["computing"]), None),
        ("admin", reverse("authoring:tag_merge", args=["computing"]), None),
        (
            "admin",
            "/admin/courses/concept/",
            {"action": "add_tag", "_selected_action": [concept.pk]},
        ),
    ]


def test_every_tag_menu_shows_paths_sorted_by_path(
    client: Client, tags: None, quiz: Quiz, instructor: User, admin_user: User
) -> None:
    quiz.course.staff.add(instructor)
    users = {"instructor": instructor, "admin": admin_user}

    menus: dict[str, dict[str, list[str]]] = {}
    for persona, url, post in pages(quiz.course):
        client.force_login(users[persona])
        response = client.post(url, post) if post else client.get(url)
        assert response.status_code == 200, url
        menus[url] = tag_menus(response.content.decode())

    assert [url for url, found in menus.items() if not found] == []  # each page offers them
    unsorted = {
        f"{url} {menu}": labels
        for url, found in menus.items()
        for menu, labels in found.items()
        if labels != sorted(labels, key=sort_key)
    }
    assert unsorted == {}


def test_a_menu_lists_a_tag_right_under_its_parent(
    client: Client, tags: None, quiz: Quiz, admin_user: User
) -> None:
    client.force_login(admin_user)

    html = client.get(reverse("authoring:tag_new")).content.decode()

    assert list(tag_menus(html).values()) == [PATHS]
