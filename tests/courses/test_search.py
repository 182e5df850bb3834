"""Search splits words, stems them and ranks title matches first, on SQLite and PostgreSQL.

Run this module twice: as is (SQLite, FTS5) and with DATABASE_URL pointing at PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from courses.content import import_tree
from courses.models import Concept, Course
from courses.search import QUERY_MAX, SearchHit, search_concepts
from tests.conftest import write_concept

pytestmark = pytest.mark.django_db

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def library(content_dir: Path) -> Course:
    """The demo course plus concepts written for searching, in words of this test."""
    write_concept(
        content_dir,
        "adapting-weights",
        title="Fine-Tuning a Trained Network",
        body="Start from trained weights and keep training them on a narrow task for a while.",
    )
    write_concept(
        content_dir,
        "weight-budgets",
        title="Memory Budgets",
        body="Fine tuning every weight needs memory for gradients and optimiser state. " * 3,
    )
    write_concept(
        content_dir,
        "stepwise-reasoning",
        title="Chain-of-Thought Prompting",
        body="Asking for intermediate reasoning steps before the final answer.",
    )
    write_concept(
        content_dir,
        "thought-experiments",
        title="Thought Experiments",
        body="Imagined set-ups used to probe an idea; no supply chain involved.",
    )
    write_concept(
        content_dir,
        "stacked-blocks",
        title="Transformer Blocks",
        body="Each block mixes positions and then transforms each position on its own.",
    )
    write_concept(
        content_dir,
        "sequence-models",
        title="Sequence Models",
        body="Recurrent networks came first; transformers replaced them for most text tasks.",
    )
    write_concept(
        content_dir,
        "looking-around",
        title="Self-Attention",
        body="Every token weighs every other token by relevance and mixes their vectors.",
    )
    write_concept(
        content_dir,
        "learning-from-the-prompt",
        title="In-Context Learning",
        body="A few-shot prompt shows worked examples so the model copies the pattern.",
    )
    import_tree(content_dir)
    return Course.objects.get(slug="demo-course")


def slugs(hits: list[SearchHit]) -> list[str]:
    return [h.concept.slug for h in hits]


def results_html(client: Client, query: str) -> str:
    response = client.get(reverse("courses:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode().split('id="results"')[1]


def test_fine_tuning_with_a_space_or_a_hyphen_finds_the_same_concepts(library: Course) -> None:
    spaced = search_concepts(library, "fine tuning")
    hyphened = search_concepts(library, "fine-tuning")

    assert slugs(spaced) == slugs(hyphened) == ["adapting-weights", "weight-budgets"]


def test_a_title_match_ranks_above_a_body_that_repeats_the_words(library: Course) -> None:
    hits = search_concepts(library, "Fine Tuning")

    # Memory Budgets says "fine tuning" three times in its body; the title wins.
    assert slugs(hits)[0] == "adapting-weights"


def test_a_plural_finds_the_singular_title_first_and_the_body_after(library: Course) -> None:
    hits = search_concepts(library, "transformers")

    assert slugs(hits)[:2] == ["stacked-blocks", "sequence-models"]


def test_chain_of_thought_finds_the_prompting_concept_first(library: Course) -> None:
    hits = search_concepts(library, "chain of thought")

    assert slugs(hits)[0] == "stepwise-reasoning"
    assert hits[0].complete


def test_few_shot_finds_in_context_learning(library: Course) -> None:
    hits = search_concepts(library, "few shot")

    assert slugs(hits)[0] == "learning-from-the-prompt"


def test_attention_mechanism_finds_self_attention_among_the_partial_matches(
    library: Course,
) -> None:
    hits = search_concepts(library, "attention mechanism")

    assert slugs(hits)[0] == "looking-around"
    assert not hits[0].complete  # no concept says "mechanism"


def test_concepts_with_every_word_come_before_those_with_some(library: Course) -> None:
    hits = search_concepts(library, "thought steps")

    assert slugs(hits) == ["stepwise-reasoning", "thought-experiments"]
    assert [h.complete for h in hits] == [True, False]


def test_drafts_are_found_only_when_asked_for(library: Course) -> None:
    Concept.objects.filter(slug="looking-around").update(status=Concept.Status.DRAFT)

    assert "looking-around" not in slugs(search_concepts(library, "attention"))
    assert "looking-around" in slugs(search_concepts(library, "attention", include_drafts=True))


def test_a_course_finds_only_its_own_concepts(library: Course) -> None:
    other = Course.objects.create(slug="other-course", title="Other")

    assert search_concepts(other, "transformers") == []
    assert search_concepts(None, "transformers") == search_concepts(library, "transformers")


def test_an_edited_concept_is_found_by_its_new_words_only(library: Course) -> None:
    concept = Concept.objects.get(slug="thought-experiments")
    concept.title = "Gedankenexperiment"
    concept.summary = "Imagined set-ups."
    concept.body = "Imagined set-ups."
    concept.save()

    assert slugs(search_concepts(library, "gedankenexperiment")) == ["thought-experiments"]
    assert "thought-experiments" not in slugs(search_concepts(library, "thought"))


def test_a_re_import_and_a_deletion_keep_the_index_in_step(
    library: Course, content_dir: Path
) -> None:
    write_concept(content_dir, "sequence-models", title="Sequence Models", body="Recurrent only.")
    import_tree(content_dir)  # a bulk update
    Concept.objects.filter(slug="stacked-blocks").delete()

    assert search_concepts(library, "transformers") == []
    assert slugs(search_concepts(library, "recurrent")) == ["sequence-models"]


HOSTILE = [
    "",
    "   ",
    '"',
    "'",
    '"fine tuning',
    "fine AND OR NOT",
    "NEAR(fine tuning, 2)",
    "title : fine",
    "{title body} : fine",
    "fine*",
    "^fine",
    "- + * ( ) : ^ { } ! & | < >",
    "fine & | ! tuning",
    "'; DROP TABLE courses_concept; --",
    "the of and",
    "__",
    "Ünïcödé 変換器 🤖",
    "\ud800",
    " ".join(["word"] * 100),
]


@pytest.mark.parametrize("query", HOSTILE)
def test_no_input_makes_the_search_fail(library: Course, query: str) -> None:
    hits = search_concepts(library, query)

    assert isinstance(hits, list)


@pytest.mark.parametrize("query", [q for q in HOSTILE if q != "\ud800"])
def test_no_input_makes_the_search_page_fail(client: Client, library: Course, query: str) -> None:
    results_html(client, query)  # asserts 200


def test_bytes_that_are_not_utf8_make_no_error(client: Client, library: Course) -> None:
    response = client.get(reverse("courses:search") + "?q=%ED%A0%80%FF%00fine")

    assert response.status_code == 200


def test_operator_characters_are_only_word_separators(library: Course) -> None:
    assert slugs(search_concepts(library, '"fine* -tuning"')) == slugs(
        search_concepts(library, "fine tuning")
    )


def test_a_query_with_no_words_finds_nothing(library: Course) -> None:
    assert search_concepts(library, "*** ---") == []


def test_a_nul_byte_is_refused_with_a_message(client: Client, library: Course) -> None:
    html = results_html(client, "fine\x00tuning")

    assert "Null characters are not allowed" in html
    assert "result" not in html


def test_a_query_too_long_is_refused_with_a_message(client: Client, library: Course) -> None:
    html = results_html(client, "fine " * 1000)

    assert f"at most {QUERY_MAX} characters" in html


def test_the_page_lists_full_matches_then_partial_ones(client: Client, library: Course) -> None:
    html = results_html(client, "thought steps")

    assert "1 result for" in html
    full, partial = html.split("Matching some of the words")
    assert "Chain-of-Thought Prompting" in full and "Thought Experiments" in partial


def test_the_htmx_search_answers_with_the_results_fragment(client: Client, library: Course) -> None:
    response = client.get(
        reverse("courses:search"), {"q": "transformers"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "<html" not in html and "Transformer Blocks" in html


def test_the_search_page_runs_a_fixed_number_of_queries(
    client: Client, library: Course, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # SQLite: 1 the FTS5 match with its ranking, 2 the matched concepts with course and chapter.
    # PostgreSQL: one query does both.
    expected = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(expected):
        response = client.get(reverse("courses:search"), {"q": "fine tuning"})

    assert response.status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgresql_filters_through_the_gin_index(library: Course) -> None:
    with CaptureQueriesContext(connection) as captured:
        search_concepts(None, "transformers")  # the site-wide search: no course filter
    with connection.cursor() as cursor:
        # Too few rows for the planner to prefer an index on its own: leave it bitmap scans.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + captured.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Bitmap Index Scan on courses_concept_search_idx" in plan


def test_the_course_in_content_answers_the_reported_queries() -> None:
    import_tree(CONTENT)

    def titles(query: str) -> list[str]:
        return [h.concept.title for h in search_concepts(None, query)]

    assert titles("fine tuning") == titles("fine-tuning")
    assert len(titles("fine tuning")) >= 20
    assert titles("transformers")[0] == "The Transformer Architecture"
    assert titles("Transformer") == titles("transformers")
    assert titles("chain of thought")[0] == "Chain-of-Thought Prompting"
    assert titles("few shot")[0] == "In-Context Learning and Few-Shot Prompting"
    assert titles("attention mechanism")[0] == "Self-Attention"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
@pytest.mark.django_db(transaction=True)
def test_search_stays_in_step_after_a_migration_rebuilds_the_concept_table(
    library: Course,
) -> None:
    # What AlterField does on SQLite: a new table, a copy, a rename; the triggers go with it.
    with connection.schema_editor() as editor:
        editor._remake_table(Concept)  # type: ignore[attr-defined]
    Concept.objects.filter(slug="sequence-models").update(title="Gated Networks")

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # as after `migrate`
    Concept.objects.filter(slug="stacked-blocks").update(title="Mixing Layers")

    assert slugs(search_concepts(library, "gated")) == ["sequence-models"]
    assert slugs(search_concepts(library, "mixing layers"))[0] == "stacked-blocks"


def test_the_refused_field_points_to_its_message(client: Client, library: Course) -> None:
    html = client.get(reverse("courses:search"), {"q": "x\x00"}).content.decode()

    assert 'aria-describedby="id_q_error"' in html and 'id="id_q_error"' in html
