"""Role checks: what each role may do, read with one query per user object (per request)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group, User
from django.test import Client

from accounts.roles import ADMIN, INSTRUCTOR, STUDENT, is_admin, is_instructor, roles
from courses.models import Course
from courses.permissions import authored_courses, can_author

pytestmark = pytest.mark.django_db


def test_each_role_reads_as_itself(make_user: Callable[..., User], course: Course) -> None:
    student = make_user("sam")
    teacher = make_user("tess", INSTRUCTOR)
    admin = make_user("ada", ADMIN)
    super_user = User.objects.create_superuser("root", "root@example.com", "a-long-pass-phrase")
    course.staff.add(teacher)

    assert roles(student) == {STUDENT} and not is_instructor(student) and not is_admin(student)
    assert is_instructor(teacher) and not is_admin(teacher) and can_author(teacher, course)
    assert is_admin(admin) and list(authored_courses(admin)) == [course]
    assert is_admin(super_user) and roles(super_user) == frozenset()
    assert roles(AnonymousUser()) == frozenset() and not can_author(AnonymousUser(), course)


def test_many_checks_cost_one_query_per_user_object(
    make_user: Callable[..., User], course: Course, django_assert_num_queries: Any
) -> None:
    teacher = User.objects.get(pk=make_user("tess", INSTRUCTOR).pk)  # as a request loads it

    with django_assert_num_queries(1):
        for _ in range(5):
            assert is_instructor(teacher) and not is_admin(teacher)


def test_a_role_granted_counts_for_the_next_user_object(make_user: Callable[..., User]) -> None:
    user = make_user("sam")
    assert not is_instructor(user)

    user.groups.add(Group.objects.get(name=INSTRUCTOR))

    assert not is_instructor(user)  # this object already read its roles
    assert is_instructor(User.objects.get(pk=user.pk))


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/quizzes/answer/", "/admin/quizzes/quiz/", "/admin/courses/concept/"]
)
def test_the_django_admin_is_for_admins_not_staff_instructors(
    client: Client, make_user: Callable[..., User], course: Course, path: str
) -> None:
    """Its pages know no course, so an instructor there would see every course's answers."""
    teacher = make_user("tess", INSTRUCTOR, is_staff=True)
    course.staff.add(teacher)
    admin = make_user("ada", ADMIN, is_staff=True)

    client.force_login(teacher)
    refused = client.get(path)
    client.force_login(admin)
    allowed = client.get(path)

    assert refused.status_code == 302 and "/admin/login/" in refused["Location"]
    assert allowed.status_code == 200


def test_roles_and_permissions_together_cost_one_query_per_user_object(
    make_user: Callable[..., User], django_assert_num_queries: Any
) -> None:
    """The site header asks for permissions and many views for roles: one query answers both
    (Django's own backend reads the user's and the groups' permissions in two more)."""
    teacher = User.objects.get(pk=make_user("tess", INSTRUCTOR).pk)  # as a request loads it

    with django_assert_num_queries(1):
        assert teacher.has_perm("courses.change_concept")
        assert teacher.has_perm("quizzes.change_answer")
        assert not teacher.has_perm("auth.change_user")
        assert is_instructor(teacher) and not is_admin(teacher)


def test_permissions_come_from_groups_and_from_the_user_alone(
    make_user: Callable[..., User],
) -> None:
    from django.contrib.auth.models import Permission

    sam = make_user("sam")
    sam.user_permissions.add(Permission.objects.get(codename="view_user"))
    fresh = User.objects.get(pk=sam.pk)
    assert fresh.has_perm("auth.view_user")  # given to the user, not through a group
    assert not fresh.has_perm("courses.change_concept")
    assert fresh.get_all_permissions() == {"auth.view_user"}

    teacher = User.objects.get(pk=make_user("tess", INSTRUCTOR).pk)
    both = teacher.get_all_permissions()
    assert "courses.change_concept" in both and "auth.view_user" not in both
    # the same set as Django's own backend reads
    from django.contrib.auth.backends import ModelBackend

    assert both == ModelBackend().get_all_permissions(User.objects.get(pk=teacher.pk))

    teacher.is_active = False
    assert not teacher.has_perm("courses.change_concept")  # an inactive user has none
    assert not AnonymousUser().has_perm("courses.change_concept")


def test_a_superuser_has_every_permission(make_user: Callable[..., User]) -> None:
    root = User.objects.create_superuser("root", "root@example.com", "a-long-pass-phrase")
    assert root.has_perm("courses.change_concept") and "axes.delete_accessattempt" in (
        User.objects.get(pk=root.pk).get_all_permissions()
    )
