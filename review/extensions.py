"""The review room's links on a student's result page (named in
`STEPWISE_RESULT_PAGE_EXTENSIONS`, read by `quizzes.extensions.result_links`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from courses.extensions import PageLink
from courses.reversing import url_of_id
from quizzes.models import Answer, Attempt
from quizzes.visibility import Shown


class RegradeRequestLinks:
    """ "Ask for a regrade" under each graded written answer, when the marks are shown; no
    query (the answers come loaded with their items and versions)."""

    def for_result(
        self,
        user: AbstractBaseUser | AnonymousUser,
        attempt: Attempt,
        answers: Sequence[Answer],
        shown: Shown,
    ) -> list[PageLink]:
        if not shown.marks or attempt.student_id != getattr(user, "pk", None):
            return []
        links = []
        url_of = url_of_id("review:request_regrade")
        for answer in answers:
            if answer.max_points is None or answer.status != Answer.Status.GRADED:
                continue
            item = answer.item
            part = item.version.part(answer.part_id)
            prompt = part.prompt if part is not None and part.prompt else answer.part_id
            links.append(
                PageLink(
                    f"Ask for a regrade of question {item.position}, “{prompt}”",
                    url_of(answer.pk),
                )
            )
        return links
