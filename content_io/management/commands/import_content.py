from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from content_io.course import import_course
from courses.content import ContentInvalid, ImportConflicts


class Command(BaseCommand):
    help = (
        "Import a course from a content/ directory (all-or-nothing). Once imported, the database "
        "is authoritative: items edited in the browser since are not overwritten without "
        "--force. See docs/content-format.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the content directory, e.g. content/")
        parser.add_argument(
            "--check", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument(
            "--prune", action="store_true", help="delete concepts whose files are gone"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite items edited in the browser since their last import",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="import only into a database holding no course yet (what `make run` does)",
        )

    def handle(
        self,
        *args: object,
        path: Path,
        check: bool,
        prune: bool,
        force: bool,
        if_empty: bool,
        **options: object,
    ) -> None:
        try:
            report = import_course(path, check=check, prune=prune, force=force, if_empty=if_empty)
        except ContentInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {path}; nothing was written."
            ) from None
        except ImportConflicts as exc:
            for conflict in exc.conflicts:
                self.stderr.write(str(conflict))
            self.stderr.write(
                "To keep the browser's versions, write them over your files first (then review "
                f"with git diff and import again):\n  python manage.py export_content {path} "
                f"--edited-only\nTo discard them and take the files' versions:\n"
                f"  python manage.py import_content {path} --force"
            )
            raise CommandError(
                f"{len(exc.conflicts)} item(s) were changed in the browser since they were "
                "imported and this import would overwrite them; nothing was written."
            ) from None
        if report.skipped:
            self.stdout.write(
                f"{path} was not re-imported: the database already holds the course and is "
                "authoritative (edits made in the browser live there). To bring file changes "
                f"in, run: python manage.py import_content {path}"
            )
            return
        for line in report.lines():
            self.stdout.write(line)
