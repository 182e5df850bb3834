"""Full-text search over concepts, one index per database (read by `courses/search.py`).

SQLite: an FTS5 table `courses_concept_fts` (porter stemming over unicode61 words, so hyphens
split words and "transformers" meets "Transformer"), keyed by the concept's id and kept in
sync by triggers, so every way a concept is written (the editor, the importer's bulk writes,
the admin, a deletion) updates it. It keeps its own copy of the text: deleting by rowid
cannot corrupt it the way a stale "delete" of an external-content table can.

PostgreSQL: the column `search_document` holds the weighted tsvector (title A, summary B,
body C), written by a BEFORE INSERT OR UPDATE trigger and GIN-indexed; stored, so ranking does
not re-parse every matching body (computed per query it took seconds at 5,000 concepts).
On SQLite the column stays NULL.
"""

import django.contrib.postgres.search
from django.db import migrations

FTS_TABLE = "courses_concept_fts"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        title, summary, body, tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    f"""INSERT INTO {FTS_TABLE}(rowid, title, summary, body)
        SELECT id, title, summary, body FROM courses_concept""",
    f"""CREATE TRIGGER courses_concept_fts_insert AFTER INSERT ON courses_concept BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    f"""CREATE TRIGGER courses_concept_fts_update AFTER UPDATE OF title, summary, body
        ON courses_concept BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
        INSERT INTO {FTS_TABLE}(rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    f"""CREATE TRIGGER courses_concept_fts_delete AFTER DELETE ON courses_concept BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS courses_concept_fts_insert",
    "DROP TRIGGER IF EXISTS courses_concept_fts_update",
    "DROP TRIGGER IF EXISTS courses_concept_fts_delete",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]
POSTGRES_INDEX = "courses_concept_search_idx"
POSTGRES_CREATE = [
    """CREATE FUNCTION courses_concept_search_document() RETURNS trigger AS $$
    BEGIN
        NEW.search_document :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('english', coalesce(NEW.summary, '')), 'B')
            || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER courses_concept_search_document
        BEFORE INSERT OR UPDATE ON courses_concept
        FOR EACH ROW EXECUTE FUNCTION courses_concept_search_document()""",
    "UPDATE courses_concept SET title = title",  # fills the column for existing concepts
    f"CREATE INDEX {POSTGRES_INDEX} ON courses_concept USING gin (search_document)",
]
POSTGRES_DROP = [
    f"DROP INDEX IF EXISTS {POSTGRES_INDEX}",
    "DROP TRIGGER IF EXISTS courses_concept_search_document ON courses_concept",
    "DROP FUNCTION IF EXISTS courses_concept_search_document()",
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_tags_owned_by_a_course"),
    ]

    operations = [
        migrations.AddField(
            model_name="concept",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create, drop),
    ]
