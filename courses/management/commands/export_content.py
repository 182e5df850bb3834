from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.content import export_tree
from courses.models import Course


class Command(BaseCommand):
    help = "Write a course from the database to a directory in the content format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the directory to write")
        parser.add_argument("--course", help="course slug (needed when there are several)")

    def handle(self, *args: object, path: Path, course: str | None, **options: object) -> None:
        courses = Course.objects.all()
        if course:
            courses = courses.filter(slug=course)
        found = list(courses[:2])
        if not found:
            raise CommandError(
                f"No course {course!r}." if course else "There is no course to export."
            )
        if len(found) > 1:
            raise CommandError("Several courses exist; name one with --course.")
        written = export_tree(found[0], path)
        self.stdout.write(f"wrote {len(written)} file(s) to {path}")
