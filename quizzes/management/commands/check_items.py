from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.content import ContentInvalid
from quizzes.content import check_tree_items


class Command(BaseCommand):
    help = (
        "Run the item-writing checker over a content directory (no database needed); "
        "see docs/item-writing.md. Exits with an error when an unwaived finding remains."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the content directory, e.g. content/")
        parser.add_argument(
            "--waived", action="store_true", help="list waived findings too, with their reasons"
        )

    def handle(self, *args: object, path: Path, waived: bool, **options: object) -> None:
        try:
            report, files = check_tree_items(path)
        except ContentInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s) in {path}.") from None
        for f in report.findings:
            if f.waived and not waived:
                continue
            where = files.get(f.slug, "questions")
            self.stdout.write(f"{where}: {f}")
        self.stdout.write(report.summary())
        if report.unwaived:
            raise CommandError(f"{len(report.unwaived)} unwaived item-writing finding(s).")
        self.stdout.write(
            f"no unwaived finding ({len(report.findings)} waived, each with its reason)"
        )
