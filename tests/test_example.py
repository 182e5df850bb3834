"""The house style in one short module.

- Personas come from fixtures (`student`, `instructor`, ...), data from the app's own actions
  (here the importer), never hand-made rows where an action exists.
- Test names are sentences that say the behaviour.
- Arrange, act, assert, separated by blank lines; one behaviour per test.
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from courses.models import Course


@pytest.mark.django_db
def test_a_logged_in_student_sees_the_course_on_the_home_page(
    client: Client, student: User, course: Course
) -> None:
    client.force_login(student)

    response = client.get(reverse("courses:home"))

    assert response.status_code == 200
    assert course.title in response.content.decode()
