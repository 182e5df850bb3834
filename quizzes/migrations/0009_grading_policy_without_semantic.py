# The semantic grader left the product (issue 9): it is measured from bench/ only. A course whose
# policy still named it grades with the keyword grader, which it already fell back to whenever
# the optional package was missing.

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def semantic_policies_to_keyword(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    GradingPolicy = apps.get_model("quizzes", "GradingPolicy")
    GradingPolicy.objects.filter(grader="semantic").update(grader="keyword")


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0008_quiz_times_in_window"),
    ]

    operations = [
        migrations.RunPython(semantic_policies_to_keyword, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="gradingpolicy",
            name="grader",
            field=models.CharField(
                choices=[
                    ("keyword", "Automatic (key ideas, offline)"),
                    ("llm", "Chat model (OpenAI-compatible endpoint)"),
                ],
                default="keyword",
                max_length=20,
            ),
        ),
    ]
