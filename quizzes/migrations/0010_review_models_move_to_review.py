"""GradeDecision, GradingPolicy and RegradeRun now belong to the `review` app: remove them from
this app's state only. Their tables stay as they are (review/migrations/0001 explains)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0009_grading_policy_without_semantic"),
        ("review", "0001_review_models_from_quizzes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name="gradingpolicy", name="course"),
                migrations.RemoveField(model_name="regraderun", name="version"),
                migrations.DeleteModel(name="GradeDecision"),
                migrations.DeleteModel(name="GradingPolicy"),
                migrations.DeleteModel(name="RegradeRun"),
            ],
        ),
    ]
