"""Grade free-text answers in JSON Lines with the automatic rubric grader.

    python manage.py grade_answers --answers IN.jsonl --out OUT.jsonl [--rubric FILE]
        [--graded G.jsonl]

The line formats are described in grading/batch.py and docs/rubrics.md. With `--graded` the
grader first learns from answers a person graded (`{"id", "answer", "score"}`, the score on the
rubric's point scale, or 0..1 without a rubric), see docs/grading-quality.md.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from grading.batch import BatchError, grade_file
from grading.rubric import RubricError


class Command(BaseCommand):
    help = "Grade free-text answers (JSONL) against a rubric file or their model answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--answers", required=True, help="input JSONL, one answer a line")
        parser.add_argument("--out", required=True, help="output JSONL, one result a line")
        parser.add_argument(
            "--rubric",
            help="rubric file (YAML or JSON); without it each line carries question and "
            "model_answer",
        )
        parser.add_argument(
            "--graded",
            help="JSONL of answers a person graded for the same question "
            '({"id", "answer", "score"}); the grader learns from them first',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        show = sys.stderr.isatty()

        def progress(done: int) -> None:
            if done % 250 == 0:
                sys.stderr.write(f"\rgraded {done} answers")
                sys.stderr.flush()

        try:
            count = grade_file(
                options["answers"],
                options["out"],
                options["rubric"],
                graded=options["graded"],
                progress=progress if show else None,
            )
        except BatchError as exc:
            where = "" if exc.file else f"{options['answers']}: "
            raise CommandError(f"{where}{exc}") from exc
        except RubricError as exc:
            raise CommandError(f"rubric {options['rubric']}: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if show:
                sys.stderr.write("\n")
        learned = " after learning from the graded answers" if options["graded"] else ""
        self.stdout.write(f"Graded {count} answers into {options['out']}{learned}.")
