"""One account per e-mail address, in any letter case (blank addresses aside).

auth.User belongs to Django, so the constraint is a functional unique index created here;
it works on SQLite and PostgreSQL alike. Existing duplicates stop the migration with a list.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Count
from django.db.models.functions import Lower


def refuse_duplicates(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("auth", "User")
    duplicates = (
        User.objects.exclude(email="")
        .annotate(address=Lower("email"))
        .values("address")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    if duplicates:
        listed = ", ".join(f"{d['address']} ({d['n']} accounts)" for d in duplicates)
        raise RuntimeError(
            "Several accounts share an e-mail address; give each its own address in the "
            f"admin, then migrate again: {listed}"
        )


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE UNIQUE INDEX accounts_user_email_ci ON auth_user (LOWER(email)) "
            "WHERE email <> ''",
            "DROP INDEX accounts_user_email_ci",
        ),
    ]
