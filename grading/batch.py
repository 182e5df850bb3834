"""Grade answers in JSON Lines: the pure function behind `manage.py grade_answers`.

With a rubric (a YAML or JSON file holding the `rubric:` mapping of docs/rubrics.md, or the
mapping itself) every input line is

    {"id": ..., "answer": "...", "choice": optional}

Without a rubric every line also carries `"question"` and `"model_answer"` (a string or a list
of strings), and a rubric is derived from them (derive.py), once per question. `choice` is the
option id (or a list of ids) the student picked, applied to every `argues_for` part of the
rubric, or a mapping {part id: option id(s)}. Each output line is

    {"id": ..., "score": 3, "max_score": 4,
     "criteria": [{"criterion": "...", "level": 2, "points": 2, "evidence": [[0, 7], ...]}],
     "confidence": 0.87, "needs_review": false}

A bad input line raises `BatchError` naming its line number (1-based).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from .base import Grader, KeywordGrader
from .derive import rubric_from_model_answers
from .freetext import GradeResult
from .rubric import Rubric, RubricError, rubric_from_dict

__all__ = ["BatchError", "grade_file", "grade_lines", "load_rubric", "result_to_dict"]

Progress = Callable[[int], None]


class BatchError(ValueError):
    """A bad input line; `line` is its 1-based number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


def load_rubric(path: str | os.PathLike[str]) -> Rubric:
    """Read a rubric file (YAML or JSON): the `rubric:` mapping, or a mapping holding it."""
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RubricError(p.name, f"not valid YAML or JSON: {exc}") from exc
    if isinstance(data, Mapping) and "rubric" in data and "criteria" not in data:
        return rubric_from_dict(data["rubric"], where=f"{p.name}: rubric")
    return rubric_from_dict(data, where=f"{p.name}: rubric")


def _num(x: float) -> float | int:
    if isinstance(x, float):
        if x.is_integer():
            return int(x)
        return round(x, 4)
    return x


def result_to_dict(ident: Any, result: GradeResult) -> dict[str, Any]:
    return {
        "id": ident,
        "score": _num(result.score),
        "max_score": _num(result.max_score),
        "criteria": [
            {
                "criterion": c.criterion_id,
                "level": c.level_index,
                "points": _num(c.points),
                "evidence": [[s, e] for s, e in c.evidence],
            }
            for c in result.criteria
        ],
        "confidence": round(result.confidence, 4),
        "needs_review": result.needs_review,
    }


def _choices(value: Any, rubric: Rubric, line: int) -> Mapping[str, str | Sequence[str]] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {c.argues_for.part: value for c in rubric.criteria if c.argues_for}
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return {c.argues_for.part: list(value) for c in rubric.criteria if c.argues_for}
    if isinstance(value, dict) and all(
        isinstance(k, str)
        and (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)))
        for k, v in value.items()
    ):
        return value
    raise BatchError(
        line, '"choice" must be an option id, a list of ids or a mapping {part: option id}'
    )


def grade_lines(
    lines: Iterable[str],
    rubric: Rubric | None = None,
    *,
    grader: Grader | None = None,
    progress: Progress | None = None,
) -> Iterator[dict[str, Any]]:
    """Grade JSONL input lines; yields one output mapping per answer (blank lines skipped)."""
    g = grader or KeywordGrader()
    derived: dict[tuple[str, tuple[str, ...]], Rubric] = {}
    done = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise BatchError(number, f"not valid JSON ({exc})") from exc
        if not isinstance(item, dict):
            raise BatchError(number, "must be a JSON object")
        if "id" not in item:
            raise BatchError(number, 'has no "id"')
        answer = item.get("answer")
        if not isinstance(answer, str):
            raise BatchError(number, '"answer" must be a string')
        if rubric is not None:
            r = rubric
        else:
            question = item.get("question")
            if not isinstance(question, str) or not question.strip():
                raise BatchError(number, 'needs "question" (text) when no rubric file is given')
            model = item.get("model_answer")
            if isinstance(model, str):
                models: tuple[str, ...] = (model,)
            elif isinstance(model, list) and all(isinstance(m, str) for m in model):
                models = tuple(model)
            else:
                raise BatchError(
                    number,
                    'needs "model_answer" (text or list of texts) when no rubric file is given',
                )
            if not any(m.strip() for m in models):
                raise BatchError(number, '"model_answer" is empty')
            key = (question, models)
            if key not in derived:
                derived[key] = rubric_from_model_answers(question, models)
            r = derived[key]
        choices = _choices(item.get("choice"), r, number)
        yield result_to_dict(item["id"], g.grade(r, answer, choices))
        done += 1
        if progress is not None:
            progress(done)


def grade_file(
    answers: str | os.PathLike[str],
    out: str | os.PathLike[str],
    rubric: str | os.PathLike[str] | None = None,
    *,
    grader: Grader | None = None,
    progress: Progress | None = None,
) -> int:
    """Grade the JSONL file `answers` into `out` (written whole or not at all); returns count."""
    r = load_rubric(rubric) if rubric is not None else None
    out_path = Path(out)
    tmp = out_path.with_name(out_path.name + ".part")
    count = 0
    try:
        with (
            Path(answers).open(encoding="utf-8") as src,
            tmp.open("w", encoding="utf-8") as dst,
        ):
            for row in grade_lines(src, r, grader=grader, progress=progress):
                dst.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count
