"""The repository's course meets the bar: size, depth, connectedness, the seeds' concepts."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import yaml

from courses.content import CourseTree, parse_tree

CONTENT = Path(__file__).resolve().parents[2] / "content"

# Concepts the seed notes name (titles and Learn Before / Learn After / Related entries that
# are not questions), plus the four paths to production of the deployment article.
SEED_CONCEPTS = [
    "Prompting as a Form of Inference-Time Alignment",
    "Rescoring and Reranking for Inference-Time Alignment",
    "Choosing an LLM Alignment Strategy",
    "System Information in Prompts",
    "Classification of LLM Development Methods by Stage and Application Time",
    "Human Preference Alignment via Reward Models",
    "Limitation of Pre-trained LLMs: Next-Token Prediction vs. Instruction Following",
    "Inference in LLMs",
    "Diagnosing LLM Performance Issues",
    "Typical Sequence of LLM Alignment Methods",
    "Classifying an Alignment Approach",
    "Evaluating Fine-Tuning Datasets for a General-Purpose AI",
    "Embedding Task Knowledge into LLM Parameters via Fine-Tuning",
    "Computational Expense of SFT for Large Language Models",
    "Objective of Supervised Fine-Tuning",
    "Computational Efficiency of Fine-Tuning Compared to Pre-training",
    "Suitability of Fine-Tuning for Aligning with Human Values",
    "Definition of LLM Alignment",
    "Supervised Fine-Tuning for LLM Alignment",
    "Designing a Dataset for Model Behavior Adaptation",
    "Supervised Fine-Tuning (SFT) as an Example of Labeled Data Fine-Tuning",
    "Diagnosing Unintended Model Behavior After Adaptation",
    "Impact of Dataset Quality on Fine-Tuning",
    "Diagnosing a Flawed Fine-Tuning Process",
    "Prefix Fine-Tuning",
    "Comparing Model Adaptation Strategies",
    "Training a Model from Scratch",
    "Fine-Tuning as a Path to Production",
    "Prompt Engineering",
    "Retrieval-Augmented Generation (RAG)",
]


@pytest.fixture(scope="module")
def tree() -> CourseTree:
    return parse_tree(CONTENT)


def test_the_course_has_the_five_chapters_of_the_book_then_serving_and_evaluation(
    tree: CourseTree,
) -> None:
    assert [ch.title for ch in tree.course.chapters] == [
        "Pre-training",
        "Generative Models",
        "Prompting",
        "Alignment",
        "Inference",
        "Efficient Inference and Serving",
        "Evaluation, Grounding and Safety",
    ]


def test_every_concept_the_seeds_name_is_present(tree: CourseTree) -> None:
    titles = {c.title for c in tree.concepts}

    assert [t for t in SEED_CONCEPTS if t not in titles] == []


def test_the_seed_links_are_in_the_graph(tree: CourseTree) -> None:
    by_slug = {c.slug: c for c in tree.concepts}

    assert (
        "classification-of-llm-development-methods"
        in by_slug["classifying-an-alignment-approach"].learn_before
    )
    assert "embedding-task-knowledge-via-fine-tuning" in by_slug["prefix-fine-tuning"].learn_before
    assert (
        "embedding-task-knowledge-via-fine-tuning"
        in by_slug["comparing-model-adaptation-strategies"].learn_before
    )


def test_at_least_65_concepts_each_with_a_body_of_120_words(tree: CourseTree) -> None:
    short = [c.slug for c in tree.concepts if len(c.body.split()) < 120]

    assert len(tree.concepts) >= 65
    assert short == []


# The topics an LLM-foundations course cannot leave out (issue 14), each a concept of its own.
CORE_TOPICS = [
    "positional-encodings",
    "mixture-of-experts",
    "embeddings-and-vector-retrieval",
    "quantization",
    "speculative-decoding",
    "serving-and-batching",
    "evaluation-and-benchmarks",
    "hallucination-and-grounding",
    "llm-safety-and-red-teaming",
    "constitutional-ai-and-rlaif",
]


def test_the_core_topics_are_concepts_with_prerequisites_and_a_place_in_the_graph(
    tree: CourseTree,
) -> None:
    by_slug = {c.slug: c for c in tree.concepts}
    unlocks = {b for c in tree.concepts for b in c.learn_before}

    assert [t for t in CORE_TOPICS if t not in by_slug] == []
    assert [t for t in CORE_TOPICS if not by_slug[t].learn_before] == []
    assert (
        "embeddings-and-vector-retrieval" in by_slug["retrieval-augmented-generation"].learn_before
    )
    assert "positional-encodings" in by_slug["transformer-architecture"].learn_before
    # all but the two capstones of their chapters unlock something
    assert sorted(t for t in CORE_TOPICS if t not in unlocks) == [
        "constitutional-ai-and-rlaif",
        "serving-and-batching",
    ]


# Edges to a later chapter that predate the new chapters; issue 14 (point 2) removes them.
def test_every_chapter_has_its_quiz_and_the_final_quiz_draws_from_every_chapter(
    tree: CourseTree,
) -> None:
    quizzes = [yaml.safe_load(p.read_text("utf-8")) for p in (CONTENT / "quizzes").glob("*.yaml")]
    final = next(q for q in quizzes if q["slug"] == "final-exam")
    chapters = {ch.slug for ch in tree.course.chapters}

    assert {q.get("chapter") for q in quizzes} - {None} == chapters
    assert {rule["chapter"] for rule in final["draw"]} == chapters


def test_every_concept_is_reachable_in_one_connected_graph(tree: CourseTree) -> None:
    graph = nx.Graph()
    graph.add_nodes_from(c.slug for c in tree.concepts)
    graph.add_edges_from((b, c.slug) for c in tree.concepts for b in c.learn_before)

    assert nx.number_connected_components(graph) == 1


def test_every_concept_carries_a_discipline_tag(tree: CourseTree) -> None:
    disciplines = {t.slug for t in tree.tags if t.kind == "discipline"}

    assert [c.slug for c in tree.concepts if not disciplines & set(c.tags)] == []


def test_no_learn_before_points_to_a_later_chapter(tree: CourseTree) -> None:
    position = {ch.slug: i for i, ch in enumerate(tree.course.chapters)}
    chapter = {c.slug: c.chapter for c in tree.concepts}

    forward = [
        f"{c.slug} ({c.chapter}) needs {b} ({chapter[b]})"
        for c in tree.concepts
        for b in c.learn_before
        if position[chapter[b]] > position[c.chapter]
    ]

    assert forward == []
