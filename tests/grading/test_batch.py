"""JSONL in, JSONL out: the pure function behind `manage.py grade_answers`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from grading.batch import BatchError, grade_file, grade_lines, load_rubric
from grading.rubric import RubricError, rubric_from_dict

from .conftest import DOCS_EXAMPLE

REPO = Path(__file__).resolve().parents[2]
GOOD = "One model with detailed instructions needs no additional training and saves the cost."


def lines(*items: Any) -> list[str]:
    return [json.dumps(i) for i in items]


def test_each_answer_gives_one_output_line_in_the_documented_shape() -> None:
    rubric = rubric_from_dict(DOCS_EXAMPLE)
    out = list(grade_lines(lines({"id": 7, "answer": GOOD, "choice": "b"}), rubric))
    assert len(out) == 1
    row = out[0]
    assert list(row) == ["id", "score", "max_score", "criteria", "confidence", "needs_review"]
    assert row["id"] == 7 and row["score"] == 2 and row["max_score"] == 2
    crit = row["criteria"][0]
    assert list(crit) == ["criterion", "level", "points", "evidence"]
    assert crit["criterion"] == "consistency" and crit["level"] == 2
    for s, e in crit["evidence"]:
        assert 0 <= s < e <= len(GOOD)


def test_the_choice_decides_argues_for() -> None:
    rubric = rubric_from_dict(DOCS_EXAMPLE)
    rows = list(
        grade_lines(
            lines(
                {"id": "a", "answer": GOOD, "choice": "a"},
                {"id": "b", "answer": GOOD, "choice": {"choice": "b"}},
                {"id": "c", "answer": GOOD, "choice": ["a", "b"]},
            ),
            rubric,
        )
    )
    assert [r["score"] for r in rows] == [0, 2, 2]


def test_without_a_rubric_each_line_brings_its_question_and_model_answer() -> None:
    item = {
        "id": 1,
        "question": "What does a stack do?",
        "model_answer": ["Last in, first out."],
        "answer": "The last element in is the first out.",
    }
    row = next(grade_lines(lines(item)))
    assert row["score"] == row["max_score"]


def test_derived_rubrics_are_made_once_per_question(monkeypatch: pytest.MonkeyPatch) -> None:
    import grading.batch as batch

    calls: list[str] = []
    real = batch.rubric_from_model_answers

    def counting(question: str, answers: Any) -> Any:
        calls.append(question)
        return real(question, answers)

    monkeypatch.setattr(batch, "rubric_from_model_answers", counting)
    items = [
        {"id": i, "question": f"Q{i % 2}?", "model_answer": "gap between", "answer": "a gap"}
        for i in range(10)
    ]
    assert len(list(grade_lines(lines(*items)))) == 10
    assert sorted(calls) == ["Q0?", "Q1?"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"answer": "x"}', '"id"'),
        ('{"id": 1, "answer": 5}', '"answer"'),
        ('{"id": 1, "answer": "x", "choice": 3}', '"choice"'),
    ],
)
def test_a_bad_line_names_its_line_number(bad: str, message: str) -> None:
    rubric = rubric_from_dict(DOCS_EXAMPLE)
    good = json.dumps({"id": 1, "answer": GOOD})
    with pytest.raises(BatchError) as exc:
        list(grade_lines([good, "", bad], rubric))
    assert exc.value.line == 3
    assert message in str(exc.value)
    assert str(exc.value).startswith("line 3:")


def test_without_a_rubric_a_line_without_question_is_refused() -> None:
    with pytest.raises(BatchError) as exc:
        list(grade_lines(lines({"id": 1, "answer": "x", "model_answer": "y"})))
    assert exc.value.line == 1 and "question" in exc.value.message
    with pytest.raises(BatchError, match="model_answer"):
        list(grade_lines(lines({"id": 1, "answer": "x", "question": "q?"})))


def test_rubric_files_may_be_yaml_json_or_wrapped_in_rubric(tmp_path: Path) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text(yaml.safe_dump(DOCS_EXAMPLE, sort_keys=False))
    wrapped = tmp_path / "wrapped.yaml"
    wrapped.write_text(yaml.safe_dump({"rubric": DOCS_EXAMPLE}, sort_keys=False))
    as_json = tmp_path / "rubric.json"
    as_json.write_text(json.dumps(DOCS_EXAMPLE))
    assert load_rubric(plain) == load_rubric(wrapped) == load_rubric(as_json)


def test_an_invalid_rubric_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"rubric": {"model_answers": [], "criteria": []}}))
    with pytest.raises(RubricError) as exc:
        load_rubric(bad)
    assert "bad.yaml" in str(exc.value) and "model_answers" in str(exc.value)


def test_grade_file_writes_all_or_nothing_and_reports_progress(tmp_path: Path) -> None:
    rubric = tmp_path / "r.yaml"
    rubric.write_text(yaml.safe_dump({"rubric": DOCS_EXAMPLE}, sort_keys=False))
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines(*({"id": i, "answer": GOOD} for i in range(5)))) + "\n")
    out = tmp_path / "out.jsonl"
    seen: list[int] = []
    assert grade_file(src, out, rubric, progress=seen.append) == 5
    assert seen == [1, 2, 3, 4, 5]
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [0, 1, 2, 3, 4]

    src.write_text(src.read_text() + "oops\n")
    out.unlink()
    with pytest.raises(BatchError) as exc:
        grade_file(src, out, rubric)
    assert exc.value.line == 6
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))


def test_ten_thousand_lines_are_graded_quickly() -> None:
    rubric = rubric_from_dict(DOCS_EXAMPLE)
    answers = [GOOD, "Prompting updates the weights.", "no idea", "It is cheaper, no retraining."]
    src = [
        json.dumps({"id": i, "answer": answers[i % 4] + f" ({i})", "choice": "b"})
        for i in range(10_000)
    ]
    start = time.perf_counter()
    rows = list(grade_lines(src, rubric))
    elapsed = time.perf_counter() - start
    assert len(rows) == 10_000
    assert elapsed < 20, f"{elapsed:.1f} s for 10,000 lines"


def _manage_py_works() -> bool:
    env = {**os.environ, "DEBUG": "true"}
    res = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, timeout=120
    )
    return res.returncode == 0


def test_the_management_command_grades_a_file_and_reports_bad_lines(tmp_path: Path) -> None:
    if not _manage_py_works():
        pytest.skip("the Django project does not load yet")
    env = {**os.environ, "DEBUG": "true"}
    rubric = tmp_path / "r.yaml"
    rubric.write_text(yaml.safe_dump({"rubric": DOCS_EXAMPLE}, sort_keys=False))
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines({"id": 1, "answer": GOOD}, {"id": 2, "answer": "x"})) + "\n")
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "manage.py", "grade_answers", "--answers", str(src), "--out", str(out)]
    res = subprocess.run(
        [*cmd, "--rubric", str(rubric)], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert "Graded 2 answers" in res.stdout
    assert len(out.read_text().splitlines()) == 2

    src.write_text(src.read_text() + "{broken\n")
    res = subprocess.run(
        [*cmd, "--rubric", str(rubric)], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert res.returncode != 0
    assert "line 3" in res.stderr
