"""The one way a view gets its logged-in user, typed."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def user_of(request: HttpRequest) -> User:
    """The logged-in user of a view behind `@login_required` (or behind an access function that
    already refused anonymous visitors). Checked at run time, not only claimed to the type
    checker: a view that forgot its decorator refuses (403) instead of running without a user."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user
