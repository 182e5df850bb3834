import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.content import dump_yaml
from grading.derive import rubric_from_model_answers
from grading.rubric import rubric_to_dict


class Command(BaseCommand):
    help = (
        "Propose a rubric from a question and its model answer(s), as YAML to paste under a "
        "free-text part's `rubric:` and then edit (key ideas, levels, misconceptions)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--question", required=True, help="the question's prompt")
        parser.add_argument(
            "--model-answer",
            action="append",
            required=True,
            dest="model_answers",
            help="a model answer (repeat for several)",
        )

    def handle(
        self, *args: object, question: str, model_answers: list[str], **options: object
    ) -> None:
        try:
            rubric = rubric_from_model_answers(question, model_answers)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        sys.stdout.write(dump_yaml({"rubric": rubric_to_dict(rubric)}))
