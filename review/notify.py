"""Telling a student what happened to their answer: in the product and by e-mail.

`notify` writes a `Notification` (the notifications page lists them) and sends one e-mail
through Django's mail settings (`EMAIL_URL`; the tests use the locmem backend). A mail server
that fails is logged and never undoes the grade that caused the notice.

The header's badge reads the unread count from Django's cache, kept by `notify` and by the
notifications page, so no page pays a query for it. After the cache is cleared the header
shows the link without a number until the next notice or visit (docs/review.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Answer
from review.models import Notification

log = logging.getLogger(__name__)


def _key(user_id: int) -> str:
    return f"stepwise:notifications:unread:{user_id}"


def unread_count(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The cached number of unread notifications (None when not known; no query)."""
    if not user.is_authenticated or user.pk is None:
        return None
    value = cache.get(_key(int(user.pk)))
    return int(value) if isinstance(value, int) else None


def refresh_unread(user_id: int) -> int:
    count = Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()
    cache.set(_key(user_id), count, timeout=None)
    return count


def notify(user: User, text: str, url: str = "", *, subject: str = "") -> Notification:
    notice = Notification.objects.create(user=user, text=text[:500], url=url[:300])
    refresh_unread(user.pk)
    if user.email:
        body = text + (f"\n\n{settings.STEPWISE_SITE_URL.rstrip('/')}{url}" if url else "")
        try:
            send_mail(subject or "Stepwise: " + text[:60], body, None, [user.email])
        except Exception:  # the mail server's trouble must not undo a grade
            log.exception("could not e-mail notification %s", notice.pk)
    return notice


def mark_all_read(user: User) -> int:
    changed = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    cache.set(_key(user.pk), 0, timeout=None)
    return changed


def _answer_label(answer: Answer) -> str:
    part = answer.item.version.part(answer.part_id)
    prompt = part.prompt if part is not None and part.prompt else answer.part_id
    return f"“{answer.item.version.title}” ({prompt})"


def result_url(answer: Answer) -> str:
    return reverse("quizzes:result", args=[answer.item.attempt_id])


def notify_released(answer: Answer) -> Notification:
    """A written answer that waited for a person (or the learned grader) has its grade."""
    return notify(
        answer.item.attempt.student,
        f"Your answer to {_answer_label(answer)} in {answer.item.attempt.quiz.title} is graded.",
        result_url(answer),
        subject="Stepwise: your answer is graded",
    )


def notify_request_answered(answer: Answer, criterion_title: str, reply: str) -> Notification:
    text = f"Your regrade request on “{criterion_title}” of {_answer_label(answer)} was answered"
    text += f": “{reply}”" if reply else "."
    return notify(
        answer.item.attempt.student,
        text,
        reverse("review:my_requests"),
        subject="Stepwise: your regrade request was answered",
    )
