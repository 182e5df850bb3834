"""`grade_answers --graded` and `pick_for_grading`: the command-line contract of issue 10."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

QUESTION = "Why does retrieval keep an assistant's answers current?"
MODEL = "Retrieval looks up the current documents at query time, so no retraining is needed."
RUBRIC: dict[str, Any] = {
    "model_answers": [MODEL],
    "criteria": [
        {
            "id": "why",
            "title": "Explains why retrieval keeps answers current",
            "key_ideas": [
                {"id": "lookup", "phrasings": ["looks up current documents at query time"]},
                {"id": "no-retraining", "phrasings": ["no retraining"]},
            ],
            "levels": [
                {"points": 0, "descriptor": "Nothing relevant."},
                {"points": 1, "descriptor": "One idea.", "min_ideas": 1},
                {"points": 2, "descriptor": "Both ideas.", "min_ideas": 2},
            ],
        }
    ],
}
ANSWERS = [
    "It looks up current documents at query time, so there is no retraining.",
    "It looks up current documents at query time.",
    "No retraining is needed.",
    "The model memorises everything during training.",
    "Retrieval fetches fresh pages for each question, nothing is retrained.",
    "It fetches fresh pages when asked.",
    "",
    "Prompts are long.",
]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(yaml.safe_dump({"rubric": RUBRIC}, sort_keys=False))
    answers = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": f"s{i}", "answer": a, "question": QUESTION} for i, a in enumerate(ANSWERS)],
    )
    # this person credits "fetches fresh pages" as a lookup, which the rubric does not know
    graded = write_jsonl(
        tmp_path / "graded.jsonl",
        [
            {"id": "g1", "answer": "It fetches fresh pages for each question.", "score": 1},
            {"id": "g2", "answer": "Fresh pages are fetched, nothing retrained.", "score": 2},
            {"id": "g3", "answer": "It fetches fresh pages, no retraining.", "score": 2},
            {"id": "g4", "answer": "The weights hold all facts.", "score": 0},
            {"id": "g5", "answer": "It looks up current documents at query time.", "score": 1},
            {"id": "g6", "answer": "Prompts are short.", "score": 0},
        ],
    )
    return {"rubric": rubric, "answers": answers, "graded": graded, "dir": tmp_path}


def grade(files: dict[str, Path], *extra: str) -> list[dict[str, Any]]:
    out = files["dir"] / "out.jsonl"
    call_command(
        "grade_answers",
        "--answers",
        str(files["answers"]),
        "--out",
        str(out),
        *extra,
        stdout=io.StringIO(),
    )
    return read_jsonl(out)


def test_grading_after_learning_from_graded_answers_writes_one_line_per_answer(
    files: dict[str, Path],
) -> None:
    plain = grade(files, "--rubric", str(files["rubric"]))
    learned = grade(files, "--rubric", str(files["rubric"]), "--graded", str(files["graded"]))
    assert [r["id"] for r in learned] == [f"s{i}" for i in range(len(ANSWERS))]
    for row in learned:
        assert row["learned_from"] == 6
        assert row["max_score"] == 2 and row["score"] in (0, 1, 2)
        assert sum(c["points"] for c in row["criteria"]) == row["score"]
    by_id = {r["id"]: r for r in learned}
    base = {r["id"]: r for r in plain}
    # "fetches fresh pages ... nothing is retrained" earns more once the person's grades count
    assert by_id["s4"]["score"] > base["s4"]["score"]
    assert by_id["s6"]["score"] == 0  # blank stays blank
    # shown "graded like" the person's answers about fetching fresh pages
    assert by_id["s4"]["graded_like"] and set(by_id["s4"]["graded_like"]) <= {"g1", "g2", "g3"}


def test_graded_scores_without_a_rubric_are_fractions(files: dict[str, Path]) -> None:
    rows = [
        {"id": f"s{i}", "answer": a, "question": QUESTION, "model_answer": MODEL}
        for i, a in enumerate(ANSWERS)
    ]
    write_jsonl(files["answers"], rows)
    graded = [
        {**json.loads(x), "score": json.loads(x)["score"] / 2}
        for x in files["graded"].read_text().splitlines()
    ]
    write_jsonl(files["graded"], graded)
    out = grade(files, "--graded", str(files["graded"]))
    assert len(out) == len(ANSWERS) and all(r["learned_from"] == 6 for r in out)
    # on the rubric's scale (2 points), a score of 2 is out of range without a rubric
    write_jsonl(files["graded"], [{**graded[0], "score": 2}])
    with pytest.raises(CommandError, match=r"graded.jsonl: line 1: score 2 is outside 0\.\.1"):
        grade(files, "--graded", str(files["graded"]))


@pytest.mark.parametrize(
    ("graded_line", "message"),
    [
        ('{"id": "g1", "answer": "x", "score": 3}', r"line 1: score 3 is outside 0\.\.2"),
        ('{"id": "g1", "answer": "x", "score": "2"}', '"score" must be a number'),
        ('{"id": "g1", "answer": "x"}', '"score" must be a number'),
        ('{"answer": "x", "score": 1}', 'line 1: has no "id"'),
        ('{"id": "g1", "answer": 5, "score": 1}', '"answer" must be a string'),
        (
            '{"id": "g1", "answer": "x", "score": 1}\n{"id": "g1", "answer": "y", "score": 0}',
            "line 2: id 'g1' is graded twice",
        ),
        ("not json", "line 1: not valid JSON"),
        ("", "holds no graded answers"),
    ],
)
def test_bad_graded_files_are_refused_and_nothing_is_written(
    files: dict[str, Path], graded_line: str, message: str
) -> None:
    files["graded"].write_text(graded_line + "\n")
    out = files["dir"] / "out.jsonl"
    with pytest.raises(CommandError, match=message):
        grade(files, "--rubric", str(files["rubric"]), "--graded", str(files["graded"]))
    assert not out.exists()
    assert not list(files["dir"].glob("*.part"))


def test_a_missing_graded_file_is_a_clear_error(files: dict[str, Path]) -> None:
    with pytest.raises(CommandError, match=r"nope\.jsonl"):
        grade(files, "--rubric", str(files["rubric"]), "--graded", str(files["dir"] / "nope.jsonl"))


def test_the_question_on_each_line_discounts_a_copied_question(files: dict[str, Path]) -> None:
    rubric = {**RUBRIC, "criteria": [{**RUBRIC["criteria"][0]}]}
    rubric["criteria"][0]["key_ideas"] = [
        {"id": "current", "phrasings": ["keeps answers current"]},
        {"id": "retrieval", "phrasings": ["retrieval"]},
    ]
    files["rubric"].write_text(yaml.safe_dump({"rubric": rubric}, sort_keys=False))
    row = {"id": "copy", "answer": QUESTION}
    write_jsonl(files["answers"], [{**row, "question": QUESTION}])
    assert grade(files, "--rubric", str(files["rubric"]))[0]["score"] == 0
    write_jsonl(files["answers"], [row])  # without the question the copy is not recognised
    assert grade(files, "--rubric", str(files["rubric"]))[0]["score"] > 0


# --------------------------------------------------------------------------- pick_for_grading


def pick(files: dict[str, Path], n: str, *extra: str) -> list[dict[str, Any]]:
    out = files["dir"] / "picked.jsonl"
    call_command(
        "pick_for_grading",
        "--answers",
        str(files["answers"]),
        "--n",
        n,
        "--out",
        str(out),
        *extra,
        stdout=io.StringIO(),
    )
    return read_jsonl(out)


def test_pick_writes_n_distinct_ids_of_the_input(files: dict[str, Path]) -> None:
    picked = pick(files, "4", "--rubric", str(files["rubric"]))
    assert len(picked) == 4 and all(set(p) == {"id"} for p in picked)
    ids = [p["id"] for p in picked]
    assert len(set(ids)) == 4 and set(ids) <= {f"s{i}" for i in range(len(ANSWERS))}
    assert "s6" not in ids  # the blank answer teaches nothing
    assert pick(files, "4", "--rubric", str(files["rubric"])) == picked
    assert len(pick(files, "3")) == 3  # without a rubric too


def test_pick_keeps_the_ids_type_and_caps_at_the_number_of_answers(
    files: dict[str, Path],
) -> None:
    write_jsonl(files["answers"], [{"id": i, "answer": a} for i, a in enumerate(ANSWERS)])
    picked = pick(files, "100")
    assert sorted(p["id"] for p in picked) == list(range(len(ANSWERS)))


@pytest.mark.parametrize(
    ("content", "n", "message"),
    [
        ('{"id": 1, "answer": "a"}\n', "0", "at least 1"),
        ('{"id": 1, "answer": "a"}\n', "-3", "at least 1"),
        ('{"id": 1, "answer": "a"}\n{"id": 1, "answer": "b"}\n', "1", "line 2: id 1 occurs twice"),
        ('{"id": 1}\n', "1", 'line 1: "answer" must be a string'),
        ("[1, 2]\n", "1", "line 1: must be a JSON object"),
        ("\n", "1", "holds no answers"),
    ],
)
def test_pick_refuses_bad_input_and_writes_nothing(
    files: dict[str, Path], content: str, n: str, message: str
) -> None:
    files["answers"].write_text(content)
    with pytest.raises(CommandError, match=message):
        pick(files, n)
    assert not (files["dir"] / "picked.jsonl").exists()
    assert not list(files["dir"].glob("*.part"))


def test_pick_derives_a_rubric_from_lines_that_carry_the_model_answer(
    files: dict[str, Path],
) -> None:
    rows = [
        {"id": f"s{i}", "answer": a, "question": QUESTION, "model_answer": MODEL}
        for i, a in enumerate(ANSWERS)
    ]
    write_jsonl(files["answers"], rows)
    picked = [p["id"] for p in pick(files, "5")]
    assert len(set(picked)) == 5 and "s6" not in picked
    write_jsonl(files["answers"], [*rows, {"id": "x", "answer": "y", "model_answer": 3}])
    assert len(pick(files, "2")) == 2  # a line without a usable model answer: text alone
