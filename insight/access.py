"""One access function per object: the statistics of a quiz are for its course's instructors
(and admins, who author every course). Anyone else gets 404, as for a missing quiz."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.shortcuts import get_object_or_404

from courses.permissions import authored_courses
from quizzes.models import Quiz


def access_quiz_statistics(
    user: AbstractBaseUser | AnonymousUser, course_slug: str, quiz_slug: str
) -> Quiz:
    return get_object_or_404(
        Quiz.objects.select_related("course").filter(course__in=authored_courses(user)),
        course__slug=course_slug,
        slug=quiz_slug,
    )
