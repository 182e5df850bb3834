"""Choose the free-text answers a person should grade first.

    python manage.py pick_for_grading --answers IN.jsonl --n N --out PICKED.jsonl [--rubric FILE]

Writes N lines `{"id": ...}` (fewer when IN has fewer answers), most useful first: answers that
represent groups of similar answers, and answers the rubric is unsure about (grading/pick.py).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grading.batch import BatchError, pick_file
from grading.rubric import RubricError


class Command(BaseCommand):
    help = "Pick the answers (JSONL) a person should grade first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--answers", required=True, help="input JSONL, one answer a line")
        parser.add_argument("--n", required=True, type=int, help="how many answers to pick")
        parser.add_argument("--out", required=True, help='output JSONL, one {"id"} a line')
        parser.add_argument("--rubric", help="rubric file (YAML or JSON), optional")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["n"] < 1:
            raise CommandError(f"--n must be at least 1, not {options['n']}")
        try:
            count = pick_file(options["answers"], options["out"], options["n"], options["rubric"])
        except BatchError as exc:
            raise CommandError(f"{options['answers']}: {exc}") from exc
        except RubricError as exc:
            raise CommandError(f"rubric {options['rubric']}: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        short = f" (the file has only {count} answers)" if count < options["n"] else ""
        self.stdout.write(f"Picked {count} answers into {options['out']}{short}.")
