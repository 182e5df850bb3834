"""Quiz times stay in the years 2000 to 2200 (UTC), repaired first.

Before the next migration adds the constraints, rows already outside the window are brought to
its edge without loading them (PostgreSQL may hold a time BC or in year 10000, which Python
cannot read): a time before 2000 opens the quiz from the start (no opening time) or closes it
at the start of 2000; a time after 2200 moves to the last minute of 2200, as do attempt
deadlines taken from it.
"""

import datetime
from django.db import migrations


FIRST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
END = datetime.datetime(2201, 1, 1, tzinfo=datetime.UTC)
LAST = END - datetime.timedelta(minutes=1)


def bring_times_into_the_window(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    Attempt = apps.get_model("quizzes", "Attempt")
    Quiz.objects.filter(opens_at__lt=FIRST).update(opens_at=None)
    Quiz.objects.filter(opens_at__gte=END).update(opens_at=LAST)
    Quiz.objects.filter(closes_at__lt=FIRST).update(closes_at=FIRST)
    Quiz.objects.filter(closes_at__gte=END).update(closes_at=LAST)
    Attempt.objects.filter(deadline__lt=FIRST).update(deadline=FIRST)
    Attempt.objects.filter(deadline__gte=END).update(deadline=LAST)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0006_question_item_check_waivers"),
    ]

    operations = [
        migrations.RunPython(bring_times_into_the_window, migrations.RunPython.noop),
    ]
