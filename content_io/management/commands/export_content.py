from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from content_io.course import export_course, export_course_edited
from courses.models import Course


class Command(BaseCommand):
    help = "Write a course from the database to a directory in the content format."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the directory to write")
        parser.add_argument("--course", help="course slug (needed when there are several)")
        parser.add_argument(
            "--edited-only",
            action="store_true",
            help="write only the files of items changed in the browser since their last import",
        )

    def handle(
        self, *args: object, path: Path, course: str | None, edited_only: bool, **options: object
    ) -> None:
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
        if not edited_only:
            written = export_course(found[0], path)
            self.stdout.write(f"wrote {len(written)} file(s) to {path}")
            return
        edited = export_course_edited(found[0], path)
        for file in edited.written:
            self.stdout.write(f"wrote {file}")
        for name in edited.deleted:
            self.stdout.write(
                f"{name}: deleted in the browser; delete {path / name} to keep it deleted"
            )
        self.stdout.write(
            f"wrote {len(edited.written)} edited file(s) to {path}; "
            f"{len(edited.deleted)} item(s) deleted in the browser"
        )
