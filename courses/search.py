"""Search over concepts by words, with stemming and ranking, on either database.

The query is split into words (letters and digits; a hyphen, quote or any operator character
separates words and is never passed on as syntax), so "fine tuning" and "fine-tuning" ask the
same thing. Each database stems with its English rules ("transformers" finds "Transformer").

PostgreSQL uses its full-text search (a weighted `tsvector`, title > summary > body, stored in
`Concept.search_document` by a trigger and GIN-indexed); SQLite uses the FTS5 table
`courses_concept_fts`; migration 0003 creates both, each on its own database, and the
triggers that keep them in step (SQLite: porter stemming, bm25 with the same weights).

Ranking, best first: concepts that contain every word, then those whose title contains every
word, then whose title contains some word, then by relevance (ts_rank or bm25), then by title.
Concepts that contain only some of the words follow those that contain all of them, so
"attention mechanism" still finds Self-Attention.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db import connection, connections, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from courses.models import Concept, Course

QUERY_MAX = 200  # characters looked at; the search form refuses longer input with a message
WORDS_MAX = 12  # words searched for; more add nothing but cost
LIMIT = 50

# Words too common to mean anything; dropped unless the query is made of nothing else.
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "in"}
    | {"into", "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "what"}
    | {"when", "where", "which", "why", "with"}
)
_WORD = re.compile(r"[^\W_]+")  # runs of letters and digits, in any script

# Relative weight of a word in the title, the summary and the body (bm25 column weights on
# SQLite; PostgreSQL's ranks A, B, C carry its default weights 1.0, 0.4, 0.2).
WEIGHTS = (10.0, 4.0, 1.0)
FTS_TABLE = "courses_concept_fts"


@dataclass(frozen=True)
class SearchHit:
    concept: Concept
    complete: bool  # the concept contains every word of the query


def search_words(query: str) -> list[str]:
    """The words searched for: lower-cased, de-duplicated, common words dropped, capped."""
    words = list(dict.fromkeys(_WORD.findall(query[:QUERY_MAX].casefold())))
    meaningful = [w for w in words if w not in STOP_WORDS]
    return (meaningful or words)[:WORDS_MAX]


def search_concepts(
    course: Course | None, query: str, *, include_drafts: bool = False, limit: int = LIMIT
) -> list[SearchHit]:
    """Concepts of `course` (or of every course) matching `query`, best first.

    Drafts only with `include_drafts` (the course's staff); students never see them. A query
    with no word in it finds nothing. Never raises on user input.
    """
    words = search_words(query)
    if not words:
        return []
    concepts = Concept.objects.all()
    if course is not None:
        concepts = concepts.filter(course=course)
    if not include_drafts:
        concepts = concepts.filter(status=Concept.Status.PUBLISHED)
    if connection.vendor == "postgresql":
        return _search_postgresql(concepts, words, limit)
    if connection.vendor == "sqlite":
        return _search_sqlite(concepts, words, limit)
    raise NotImplementedError(f"Search supports SQLite and PostgreSQL, not {connection.vendor}.")


def _listed(concepts: QuerySet[Concept]) -> QuerySet[Concept]:
    """What a result line shows: the concept, its course (for the link) and its chapter."""
    return concepts.select_related("course", "chapter").only(
        "slug", "title", "summary", "status", "course__slug", "chapter__title"
    )


def _search_postgresql(
    concepts: QuerySet[Concept], words: list[str], limit: int
) -> list[SearchHit]:
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    # One plainto_tsquery per word (the words are data, never tsquery syntax), joined.
    each = [SearchQuery(w, config="english", search_type="plain") for w in words]
    every, some = reduce(operator.and_, each), reduce(operator.or_, each)
    found = (
        # search_document: the weighted tsvector a trigger stores (migration 0003)
        concepts.alias(heading=SearchVector("title", config="english"))
        .filter(search_document=some)
        .annotate(
            complete=ExpressionWrapper(Q(search_document=every), output_field=BooleanField()),
            title_every=ExpressionWrapper(Q(heading=every), output_field=BooleanField()),
            title_some=ExpressionWrapper(Q(heading=some), output_field=BooleanField()),
            rank=SearchRank(F("search_document"), some),
        )
        .order_by("-complete", "-title_every", "-title_some", "-rank", "title", "pk")
    )
    return [SearchHit(c, c.complete) for c in _listed(found)[:limit]]  # type: ignore[attr-defined]


def _search_sqlite(concepts: QuerySet[Concept], words: list[str], limit: int) -> list[SearchHit]:
    # Each word as an FTS5 string: the words hold letters and digits only, so no quote or
    # operator of the user's reaches FTS5 as syntax. `+rowid` keeps SQLite from driving the
    # FTS5 scan by the allowed ids (one MATCH per id: 1.2 s instead of 40 ms at 5,000 concepts).
    quoted = [f'"{w}"' for w in words]
    every, some = " ".join(quoted), " OR ".join(quoted)
    allowed, allowed_params = concepts.order_by().values("pk").query.sql_with_params()
    sql = f"""
        SELECT rowid,
               rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) AS complete,
               rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) AS title_every,
               rowid IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) AS title_some,
               bm25({FTS_TABLE}, %s, %s, %s) AS rank
        FROM {FTS_TABLE}
        WHERE {FTS_TABLE} MATCH %s AND +rowid IN ({allowed})
        ORDER BY complete DESC, title_every DESC, title_some DESC, rank, title, rowid
        LIMIT %s
    """  # the table name is a constant; every value is a parameter
    params: list[Any] = [every, f"title : ({every})", f"title : ({some})", *WEIGHTS, some]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *allowed_params, limit])
        rows = cursor.fetchall()
    by_id = {c.pk: c for c in _listed(Concept.objects.filter(pk__in=[r[0] for r in rows]))}
    return [SearchHit(by_id[pk], bool(complete)) for pk, complete, *_ in rows if pk in by_id]


# The triggers migration 0003 creates. Django rebuilds a SQLite table to alter it (a new
# table, a copy, a rename), and that drops the table's triggers: after every `migrate`,
# `repair_sqlite_index` puts back any that a later migration of Concept removed.
SQLITE_TRIGGERS = {
    "courses_concept_fts_insert": f"""
        CREATE TRIGGER courses_concept_fts_insert AFTER INSERT ON courses_concept BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
    "courses_concept_fts_update": f"""
        CREATE TRIGGER courses_concept_fts_update AFTER UPDATE OF title, summary, body
            ON courses_concept BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
            INSERT INTO {FTS_TABLE}(rowid, title, summary, body)
            VALUES (new.id, new.title, new.summary, new.body);
        END""",
    "courses_concept_fts_delete": f"""
        CREATE TRIGGER courses_concept_fts_delete AFTER DELETE ON courses_concept BEGIN
            DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
        END""",
}


def repair_sqlite_index(using: str = "default") -> list[str]:
    """Re-create missing triggers and refill the FTS5 table from the concepts; the names of
    the triggers re-created. Does nothing on PostgreSQL or before migration 0003."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return []
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'courses_concept_fts%'")
        present = {name for (name,) in cursor.fetchall()}
        if FTS_TABLE not in present:
            return []
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        if not missing:
            return []
        with transaction.atomic(using=using):
            for name in missing:
                cursor.execute(SQLITE_TRIGGERS[name])
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, summary, body)"
                " SELECT id, title, summary, body FROM courses_concept"
            )
    return missing
