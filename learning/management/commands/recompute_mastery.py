"""`python manage.py recompute_mastery [--course SLUG]`: mastery and review cards recomputed from
the stored evidence (after a change of the model, say). A thin shell over learning.actions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import Course
from learning import actions


class Command(BaseCommand):
    help = "Recompute every student's mastery and review cards from the stored evidence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", help="only this course (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options.get("course")
        if slug:
            course = Course.objects.filter(slug=slug).first()
            if course is None:
                raise CommandError(f"No course with the slug {slug!r}.")
            n = actions.recompute_course(course.pk)
            self.stdout.write(f"Recomputed {n} student(s) in {course.slug}.")
        else:
            n = actions.recompute_all()
            self.stdout.write(f"Recomputed {n} student x course pair(s).")
