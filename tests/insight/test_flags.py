"""Flags, roll-ups and charts on hand-made analyses (no database)."""

from __future__ import annotations

from insight import charts
from insight.analysis import OptionInfo, PartInfo, QuestionInfo, Response, analyse
from insight.flags import BloomItem, bloom_suspects, heat_map, item_flags, roll_up

OPTIONS = (
    OptionInfo("key", "The key", True),
    OptionInfo("lure", "A lure", False),
    OptionInfo("dead", "A dead option", False),
)


def quiz(marks: dict[int, list[float]], picks: dict[int, list[str]] | None = None):
    """Questions 1… with one single-choice part each; `marks[q][a]` is attempt a's mark."""
    questions = [
        QuestionInfo(q, f"q{q}", f"Question {q}", 1, (PartInfo("p", "single", "", OPTIONS),))
        for q in marks
    ]
    n = len(next(iter(marks.values())))
    responses = [
        Response(a, q, "p", m, 1.0, ((picks or {}).get(q, ["key"] * n)[a],))
        for q, column in marks.items()
        for a, m in enumerate(column)
    ]
    return analyse(responses, questions, n)


ABILITY = [0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]


def codes(analysis, question: int) -> set[str]:
    return {f.code for f in item_flags(analysis) if f.question_id == question}


def test_a_question_everyone_gets_right_is_very_easy_and_one_nobody_gets_is_very_hard() -> None:
    result = quiz({1: [1.0] * 20, 2: [0.0] * 20, 3: [float(x) for x in ABILITY]})

    assert "very-easy" in codes(result, 1)
    assert "very-hard" in codes(result, 2)
    assert not codes(result, 3) & {"very-easy", "very-hard"}


def test_a_question_the_weaker_students_get_right_has_negative_discrimination() -> None:
    ability = [float(x) for x in ABILITY]
    reversed_item = [1.0 - x for x in ability]

    result = quiz({1: ability, 2: ability, 3: ability, 4: reversed_item})

    assert "negative-discrimination" in codes(result, 4)
    assert "negative-discrimination" not in codes(result, 1)


def test_a_lure_chosen_by_the_strong_students_and_a_dead_option_are_flagged() -> None:
    ability = [float(x) for x in ABILITY]
    # Question 2: the strong students fall for the lure, the weak ones pick the key.
    picks = {2: ["key" if x == 0 else "lure" for x in ABILITY]}
    marks = {1: ability, 2: [1.0 - x for x in ability], 3: ability}

    flags = [f for f in item_flags(quiz(marks, picks)) if f.question_id == 2]

    messages = " ".join(f.message for f in flags)
    assert {"distractor-strong", "distractor-unused"} <= {f.code for f in flags}
    assert "“A lure” is chosen more by strong students" in messages
    assert "“A dead option” is chosen by nobody" in messages


def test_questions_with_too_few_responses_are_not_judged() -> None:
    result = quiz({1: [1.0] * 5, 2: [0.0] * 5})

    assert item_flags(result) == []


def item(qid: int, bloom: int, facility: float) -> BloomItem:
    return BloomItem(qid, f"q{qid}", f"Q{qid}", bloom, facility)


def test_an_evaluate_item_easier_than_most_remember_items_is_a_bloom_suspect() -> None:
    items = [item(1, 1, 0.5), item(2, 1, 0.6), item(3, 1, 0.7), item(4, 5, 0.9), item(5, 5, 0.4)]

    suspects = bloom_suspects(items)

    assert [(s.item.question_id, s.code) for s in suspects] == [(4, "bloom-too-easy")]
    assert "Tagged Evaluate but easier (90 %)" in suspects[0].message


def test_a_remember_item_harder_than_most_higher_order_items_is_a_bloom_suspect() -> None:
    items = [item(1, 4, 0.5), item(2, 5, 0.6), item(3, 6, 0.7), item(4, 1, 0.2), item(5, 1, 0.9)]

    assert [(s.item.question_id, s.code) for s in bloom_suspects(items)] == [(4, "bloom-too-hard")]


def test_no_bloom_suspect_without_three_items_to_compare_with() -> None:
    assert bloom_suspects([item(1, 1, 0.2), item(2, 1, 0.3), item(3, 5, 0.99)]) == []


def test_roll_ups_average_their_questions_and_count_a_question_in_each_of_its_groups() -> None:
    result = quiz({1: [1.0] * 10 + [0.0] * 10, 2: [1.0] * 15 + [0.0] * 5})
    groups = {1: [("a", "Alpha")], 2: [("a", "Alpha"), ("b", "Beta")]}

    rows = roll_up(result, groups, [])

    assert [(r.label, r.questions) for r in rows] == [("Alpha", 2), ("Beta", 1)]
    assert rows[0].facility == (0.5 + 0.75) / 2
    assert rows[1].facility == 0.75


def test_the_heat_map_has_a_cell_per_concept_and_level_present() -> None:
    result = quiz({1: [1.0] * 10 + [0.0] * 10, 2: [1.0] * 15 + [0.0] * 5})

    concepts, levels, grid = heat_map(
        result, {1: [("a", "Alpha")], 2: [("a", "Alpha")]}, {1: 1, 2: 5}
    )

    assert concepts == [("a", "Alpha")] and levels == [1, 5]
    assert grid["a", 1].facility == 0.5 and grid["a", 5].facility == 0.75


def test_chart_texts_are_escaped() -> None:
    svg = charts.option_bars([charts.Bar("<script>x</script>", 0.5, False)], "A & <b>")

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title id=" in svg and "A &amp; &lt;b&gt;" in svg
