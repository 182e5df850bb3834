"""Full-text search over concepts, one index per database (read by `courses/search.py`).

SQLite: an FTS5 table `courses_concept_fts` (porter stemming over unicode61 words, so hyphens
split words and "transformers" meets "Transformer"), keyed by the concept's id and kept in
sync by triggers, so every way a concept is written (the editor, the importer's bulk writes,
the admin, a deletion) updates it. It keeps its own copy of the text: deleting by rowid
cannot corrupt it the way a stale "delete" of an external-content table can.

PostgreSQL: nothing to keep in sync; a GIN index on the same weighted `tsvector` expression
that `courses.search` builds serves its `@@` filter.
"""

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


def _postgres_index():  # type: ignore[no-untyped-def]
    # Imported here: SQLite installs need not load the PostgreSQL modules. The expression must
    # stay the one `courses.search._weighted_vector` builds, or the planner will not use the
    # index (tests/courses/test_search.py checks the plan on PostgreSQL).
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("body", weight="C", config="english")
    )
    return GinIndex(vector, name=POSTGRES_INDEX)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("courses", "Concept"), _postgres_index())


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {POSTGRES_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_staff_status_history"),
    ]

    operations = [migrations.RunPython(create, drop)]
