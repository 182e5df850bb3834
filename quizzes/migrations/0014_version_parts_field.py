# A new field class over the same column (quizzes.models.PartsField reads the JSON as before and
# remembers its text): the state changes, the database does not (SQLite would copy the table).

import quizzes.models
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0013_attempt_item_count"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="questionversion",
                    name="parts",
                    field=quizzes.models.PartsField(),
                ),
            ],
        ),
    ]
