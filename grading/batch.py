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

Every line may also carry `"question"` (the question as the student saw it): its words earn no
credit on their own and an answer that only repeats it earns nothing.

With graded answers (`graded`: a JSONL file of `{"id", "answer", "score"}`, the score on the
rubric's point scale, or 0..1 without a rubric) the grader first learns from them
(grading/learn.py) and then grades every input line with what it learned; the output lines then
also carry `"graded_like"` (ids of similar graded answers) and `"learned_from"` (how many). The
graded answers must be for one question, so without a rubric every input line must then carry the
same question and model answer.

`pick_file` writes the `n` answers a person should grade first (grading/pick.py), one `{"id"}` a
line, most useful first.

A bad input line raises `BatchError` naming its line number (1-based) and, for the graded file,
the file.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .base import Grader, KeywordGrader
from .derive import rubric_from_model_answers
from .freetext import GradeResult
from .learn import GradedExample, LearnedGrade, learn
from .pick import pick_for_grading
from .rubric import Rubric, RubricError, rubric_from_dict

__all__ = [
    "BatchError",
    "grade_file",
    "grade_lines",
    "load_rubric",
    "pick_file",
    "read_graded",
    "result_to_dict",
]

Progress = Callable[[int], None]


class BatchError(ValueError):
    """A bad input line; `line` is its 1-based number (0: the file as a whole)."""

    def __init__(self, line: int, message: str, *, file: str = "") -> None:
        where = f"line {line}" if line else "the file"
        super().__init__(f"{file + ': ' if file else ''}{where}: {message}")
        self.line = line
        self.message = message
        self.file = file


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


def _json_line(number: int, line: str, *, file: str = "") -> dict[str, Any]:
    """One JSON-lines input line as an object with an "id", or a BatchError naming the line."""
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise BatchError(number, f"not valid JSON ({exc})", file=file) from exc
    if not isinstance(item, dict):
        raise BatchError(number, "must be a JSON object", file=file)
    if "id" not in item:
        raise BatchError(number, 'has no "id"', file=file)
    return item


def _parse(number: int, line: str, rubric: Rubric | None, derived: dict[Any, Rubric]) -> _Item:
    """One input line, checked; the rubric it is graded with (derived once per question)."""
    item = _json_line(number, line)
    answer = item.get("answer")
    if not isinstance(answer, str):
        raise BatchError(number, '"answer" must be a string')
    question = item.get("question")
    if question is not None and not isinstance(question, str):
        raise BatchError(number, '"question" must be text')
    if rubric is not None:
        r = rubric
    else:
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
    return _Item(item["id"], answer, question or None, choices, r)


@dataclass(frozen=True)
class _Item:
    id: Any
    answer: str
    question: str | None
    choices: Mapping[str, str | Sequence[str]] | None
    rubric: Rubric


def grade_lines(
    lines: Iterable[str],
    rubric: Rubric | None = None,
    *,
    grader: Grader | None = None,
    progress: Progress | None = None,
) -> Iterator[dict[str, Any]]:
    """Grade JSONL input lines; yields one output mapping per answer (blank lines skipped)."""
    g = grader or KeywordGrader()
    derived: dict[Any, Rubric] = {}
    done = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        it = _parse(number, line, rubric, derived)
        yield result_to_dict(it.id, g.grade(it.rubric, it.answer, it.choices, prompt=it.question))
        done += 1
        if progress is not None:
            progress(done)


def read_graded(
    lines: Iterable[str], max_score: float | None, *, file: str = ""
) -> list[GradedExample]:
    """Graded answers `{"id", "answer", "score"}`; scores on 0..`max_score` (0..1 if None)."""
    top = 1.0 if max_score is None else float(max_score)
    out: list[GradedExample] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = _json_line(number, line, file=file)
        ident = str(item["id"])
        if ident in seen:
            raise BatchError(number, f"id {item['id']!r} is graded twice", file=file)
        seen.add(ident)
        answer = item.get("answer")
        if not isinstance(answer, str):
            raise BatchError(number, '"answer" must be a string', file=file)
        score = item.get("score")
        if isinstance(score, bool) or not isinstance(score, int | float):
            raise BatchError(number, '"score" must be a number', file=file)
        if not math.isfinite(score) or not 0 <= score <= top:
            scale = "the rubric's points" if max_score is not None else "0..1 without a rubric"
            raise BatchError(number, f"score {score!r} is outside 0..{top:g} ({scale})", file=file)
        out.append(GradedExample(ident, answer, float(score) / top if top else 0.0))
    if not out:
        raise BatchError(0, "holds no graded answers", file=file)
    return out


def _learned_rows(
    items: Sequence[_Item],
    graded: Sequence[str],
    rubric: Rubric | None,
    graded_name: str,
    progress: Progress | None,
) -> Iterator[dict[str, Any]]:
    if not items:
        return
    r = items[0].rubric
    if rubric is None and any(it.rubric is not r for it in items):
        raise BatchError(
            0, "with --graded, every line must carry the same question and model answer"
        )
    questions = {it.question for it in items if it.question}
    question = sorted(questions)[0] if questions else None
    examples = read_graded(graded, rubric.max_score if rubric else None, file=graded_name)
    model = learn(examples, r, question, [it.answer for it in items])
    done = 0
    for start in range(0, len(items), 1000):
        chunk = items[start : start + 1000]
        grades = model.grade_many([it.answer for it in chunk], [it.choices for it in chunk])
        for it, lg in zip(chunk, grades, strict=True):
            yield _learned_dict(it.id, lg, model.n_examples)
            done += 1
            if progress is not None:
                progress(done)


def _learned_dict(ident: Any, lg: LearnedGrade, n: int) -> dict[str, Any]:
    row = result_to_dict(ident, lg.result)
    row["graded_like"] = [nb.id for nb in lg.neighbours]
    row["learned_from"] = n
    return row


def _write_all(out: str | os.PathLike[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """Write JSONL rows to `out` whole or not at all (a temporary file, then a rename)."""
    out_path = Path(out)
    tmp = out_path.with_name(out_path.name + ".part")
    count = 0
    try:
        with tmp.open("w", encoding="utf-8") as dst:
            for row in rows:
                dst.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count


def grade_file(
    answers: str | os.PathLike[str],
    out: str | os.PathLike[str],
    rubric: str | os.PathLike[str] | None = None,
    *,
    graded: str | os.PathLike[str] | None = None,
    grader: Grader | None = None,
    progress: Progress | None = None,
) -> int:
    """Grade the JSONL file `answers` into `out` (written whole or not at all); returns count.

    With `graded` (a JSONL file of graded answers to the same question) the grader learns from
    them first; the chat-model `grader` cannot be combined with it.
    """
    r = load_rubric(rubric) if rubric is not None else None
    if graded is None:
        with Path(answers).open(encoding="utf-8") as src:
            return _write_all(out, grade_lines(src, r, grader=grader, progress=progress))
    if grader is not None:
        raise ValueError("a learned grade uses the rubric grader; do not pass another grader")
    derived: dict[Any, Rubric] = {}
    with Path(answers).open(encoding="utf-8") as src:
        items = [
            _parse(number, line, r, derived)
            for number, line in enumerate(src, start=1)
            if line.strip()
        ]
    graded_path = Path(graded)
    with graded_path.open(encoding="utf-8") as g:
        graded_lines = g.readlines()
    return _write_all(out, _learned_rows(items, graded_lines, r, graded_path.name, progress))


def pick_file(
    answers: str | os.PathLike[str],
    out: str | os.PathLike[str],
    n: int,
    rubric: str | os.PathLike[str] | None = None,
) -> int:
    """Write the ids of the `n` answers of `answers` a person should grade first; returns count.

    Without a rubric file, lines that all carry the same question and model answer get a rubric
    derived from them; otherwise the answers' text alone decides.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"--n must be a whole number of at least 1, not {n!r}")
    r = load_rubric(rubric) if rubric is not None else None
    items: list[tuple[Any, str]] = []
    questions: set[str] = set()
    derived_rubrics: set[Rubric] = set()
    derived: dict[Any, Rubric] = {}
    seen: set[str] = set()
    with Path(answers).open(encoding="utf-8") as src:
        for number, line in enumerate(src, start=1):
            if not line.strip():
                continue
            item = _json_line(number, line)
            key = json.dumps(item["id"], sort_keys=True)
            if key in seen:
                raise BatchError(number, f"id {item['id']!r} occurs twice")
            seen.add(key)
            if not isinstance(item.get("answer"), str):
                raise BatchError(number, '"answer" must be a string')
            q = item.get("question")
            if isinstance(q, str) and q.strip():
                questions.add(q)
            if r is None and q and item.get("model_answer"):
                derived_rubrics.add(_parse(number, line, None, derived).rubric)
            items.append((item["id"], item["answer"]))
    if not items:
        raise BatchError(0, "holds no answers")
    use = (
        r if r is not None else (next(iter(derived_rubrics)) if len(derived_rubrics) == 1 else None)
    )
    question = sorted(questions)[0] if len(questions) == 1 else None
    keyed = [(json.dumps(i, sort_keys=True), t) for i, t in items]
    original = {k: i for (k, _), (i, _) in zip(keyed, items, strict=True)}
    picked = pick_for_grading(keyed, n, use, question)
    return _write_all(out, ({"id": original[k]} for k in picked))
