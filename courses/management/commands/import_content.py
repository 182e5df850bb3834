from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.content import ContentInvalid, import_tree


class Command(BaseCommand):
    help = "Import a course from a content/ directory (all-or-nothing; see docs/content-format.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the content directory, e.g. content/")
        parser.add_argument(
            "--check", action="store_true", help="validate and report, write nothing"
        )
        parser.add_argument(
            "--prune", action="store_true", help="delete concepts whose files are gone"
        )

    def handle(
        self, *args: object, path: Path, check: bool, prune: bool, **options: object
    ) -> None:
        try:
            report = import_tree(path, check=check, prune=prune)
        except ContentInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) in {path}; nothing was written."
            ) from None
        for line in report.lines():
            self.stdout.write(line)
