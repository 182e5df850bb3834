"""The Django admin is the Admin role's tool: instructors author through the course's own
pages, which scope everything to their courses. The admin's model pages have no notion of a
course, so an instructor marked as staff must not reach them (they would see every course's
answers and quizzes)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts.roles import is_admin


class StepwiseAdminSite(admin.AdminSite):
    site_header = "Stepwise administration"
    site_title = "Stepwise admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(super().has_permission(request) and is_admin(request.user))
