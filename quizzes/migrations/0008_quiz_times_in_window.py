"""Quiz times in the years 2000 to 2200 (UTC), checked by the model and the database;
a draw rule draws at most 500 questions."""

import datetime
import django.core.validators
import quizzes.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_staff_status_history"),
        ("quizzes", "0007_bring_quiz_times_into_window"),
    ]

    operations = [
        migrations.AlterField(
            model_name="drawrule",
            name="count",
            field=models.PositiveIntegerField(
                validators=[django.core.validators.MaxValueValidator(500)]
            ),
        ),
        migrations.AlterField(
            model_name="quiz",
            name="closes_at",
            field=models.DateTimeField(
                blank=True, null=True, validators=[quizzes.models.validate_quiz_time]
            ),
        ),
        migrations.AlterField(
            model_name="quiz",
            name="opens_at",
            field=models.DateTimeField(
                blank=True, null=True, validators=[quizzes.models.validate_quiz_time]
            ),
        ),
        migrations.AddConstraint(
            model_name="quiz",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("opens_at__isnull", True),
                    models.Q(
                        (
                            "opens_at__gte",
                            datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                        (
                            "opens_at__lt",
                            datetime.datetime(2201, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                    ),
                    _connector="OR",
                ),
                name="quiz_opens_at_window",
                violation_error_message="The opening time must fall in the years 2000 to 2200 (UTC).",
            ),
        ),
        migrations.AddConstraint(
            model_name="quiz",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("closes_at__isnull", True),
                    models.Q(
                        (
                            "closes_at__gte",
                            datetime.datetime(2000, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                        (
                            "closes_at__lt",
                            datetime.datetime(2201, 1, 1, 0, 0, tzinfo=datetime.timezone.utc),
                        ),
                    ),
                    _connector="OR",
                ),
                name="quiz_closes_at_window",
                violation_error_message="The closing time must fall in the years 2000 to 2200 (UTC).",
            ),
        ),
    ]
