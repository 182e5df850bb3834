"""Measure the free-text grader against human scores on the DEVELOPMENT sets of ../shared/asag.

    .venv/bin/python bench/asag_eval.py [DATA_DIR] [--only mohler|beetle] [--mode derived|rubric]
        [--grader keyword|semantic] [--sem-match 0.75] [--beetle-split train]

Only `mohler/` and `semeval2013_beetle/` are read. The other sets in DATA_DIR
(SciEntsBank, ASAP, SAF) are reserved for independent evaluation and are never opened here.

Mohler: Pearson r and RMSE against `gold` (0-5) over the 2,273 answers with
`in_published_eval` true. The grader's score fraction is mapped to 0-5 as 5 * score / max_score
(no fitting). A second row, "calibrated (CV)", fits a linear map score -> gold on the other
assignments and applies it to the held-out one (leave-one-assignment-out, 12 folds, as in the
ACL 2011 paper); it changes RMSE, not the ranking.

Beetle: macro-F1, 2-way and 3-way, on `test_unseen_answers` and `test_unseen_questions`.
An answer is `correct` when its score reaches half of the maximum; otherwise it is
`contradictory` when the grader found a misconception or a key idea stated with the opposite
polarity, else `incorrect`.

Two modes: `derived` (rubric derived from the reference answers only, grading/derive.py)
and `rubric` (hand-written rubrics in bench/rubrics/<set>.yaml).

`--grader semantic` grades with the benchmark-only wordllama grader (bench/semantic_grader.py,
needs `pip install wordllama==0.4.0.post1`, not a project dependency); `--sem-match` sets its
award threshold (default 0.75). `--beetle-split` (repeatable) picks Beetle splits; the default is
the two test splits above, `train` is where thresholds may be tuned.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grading.derive import rubric_from_model_answers  # noqa: E402
from grading.freetext import GradeResult, grade  # noqa: E402
from grading.rubric import Rubric, rubric_from_dict  # noqa: E402
from grading.text import word_weights  # noqa: E402

DEV_SETS = ("mohler", "semeval2013_beetle")
RUBRIC_FILES = {"mohler": "mohler.yaml", "semeval2013_beetle": "beetle.yaml"}
BEETLE_SPLITS = ("train", "test_unseen_answers", "test_unseen_questions")
BEETLE_TEST_SPLITS = ("test_unseen_answers", "test_unseen_questions")
GradeFn = Callable[[Rubric, str], GradeResult]


def make_grader(name: str, sem_match: float | None = None) -> GradeFn:
    """`keyword`: freetext.grade, as the benchmark always did; `semantic`: SemanticGrader."""
    if name == "keyword":
        return grade
    from semantic_grader import SemanticGrader  # bench/, needs wordllama (not a dependency)

    grader = SemanticGrader() if sem_match is None else SemanticGrader(match=sem_match)
    return grader.grade


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def rmse(xs: list[float], ys: list[float]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(xs, ys, strict=True)) / len(xs))


def macro_f1(gold: list[str], pred: list[str], labels: Iterable[str]) -> float:
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def accuracy(gold: list[str], pred: list[str]) -> float:
    return sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold)


def load_rubrics(name: str) -> dict[str, Rubric]:
    path = REPO / "bench" / "rubrics" / RUBRIC_FILES[name]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        str(qid): rubric_from_dict(r, where=f"{path.name}:{qid}")
        for qid, r in data["rubrics"].items()
    }


def rubric_source(
    mode: str, name: str, questions: dict[str, dict[str, Any]]
) -> Callable[[str], Rubric]:
    if mode == "derived":
        cache: dict[str, Rubric] = {}

        def derived(qid: str) -> Rubric:
            if qid not in cache:
                q = questions[qid]
                cache[qid] = rubric_from_model_answers(q["question"], q["reference_answers"])
            return cache[qid]

        return derived
    rubrics = load_rubrics(name)

    def written(qid: str) -> Rubric:
        return rubrics[qid]

    return written


# ------------------------------------------------------------------------------ Mohler


def weighted(
    grade: GradeFn,
    get: Callable[[str], Rubric],
    questions: dict[str, dict[str, Any]],
    answers: list[dict[str, Any]],
) -> GradeFn:
    """`grade` with word weights per question (text.word_weights over the question, its
    reference answers and every answer to it), as the product would compute them."""
    texts: dict[str, list[str]] = defaultdict(list)
    for a in answers:
        texts[a["question_id"]].append(a["answer"])
    by_rubric: dict[int, dict[str, float]] = {}
    for qid, ts in texts.items():
        q = questions[qid]
        by_rubric[id(get(qid))] = word_weights([q["question"], *q["reference_answers"], *ts])

    def fn(rubric: Rubric, answer: str) -> GradeResult:
        return grade(rubric, answer, word_weights=by_rubric.get(id(rubric)))  # type: ignore[call-arg]

    return fn


def eval_mohler(
    data_dir: Path, mode: str, grade: GradeFn = grade, weights: bool = False
) -> dict[str, float]:
    folder = data_dir / "mohler"
    questions = {q["id"]: q for q in read_jsonl(folder / "questions.jsonl")}
    answers = [a for a in read_jsonl(folder / "answers.jsonl") if a["in_published_eval"]]
    get = rubric_source(mode, "mohler", questions)
    if weights:
        grade = weighted(grade, get, questions, answers)
    preds: list[float] = []
    gold: list[float] = []
    groups: list[int] = []
    review = 0
    t0 = time.perf_counter()
    for a in answers:
        res = grade(get(a["question_id"]), a["answer"])
        preds.append(5.0 * res.fraction)
        gold.append(float(a["gold"]))
        groups.append(int(questions[a["question_id"]]["assignment"]))
        review += res.needs_review
    elapsed = time.perf_counter() - t0
    # leave-one-assignment-out linear calibration
    cal = [0.0] * len(preds)
    for g in sorted(set(groups)):
        tr = [i for i, x in enumerate(groups) if x != g]
        xs = [preds[i] for i in tr]
        ys = [gold[i] for i in tr]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
        a0 = my - b * mx
        for i, x in enumerate(groups):
            if x == g:
                cal[i] = min(5.0, max(0.0, a0 + b * preds[i]))
    return {
        "n": len(preds),
        "r": pearson(preds, gold),
        "rmse": rmse(preds, gold),
        "r_cal": pearson(cal, gold),
        "rmse_cal": rmse(cal, gold),
        "mean_pred": sum(preds) / len(preds),
        "review_share": review / len(preds),
        "answers_per_s": len(preds) / elapsed if elapsed else 0.0,
    }


# ------------------------------------------------------------------------------ Beetle


def beetle_label(res: GradeResult) -> str:
    if res.max_score and res.score >= 0.5 * res.max_score:
        return "correct"
    if any(c.misconceptions or c.contradicted_ideas for c in res.criteria):
        return "contradictory"
    return "incorrect"


def eval_beetle(
    data_dir: Path,
    mode: str,
    grade: GradeFn = grade,
    splits: Iterable[str] = BEETLE_TEST_SPLITS,
    weights: bool = False,
) -> dict[str, dict[str, float]]:
    folder = data_dir / "semeval2013_beetle"
    questions = {q["id"]: q for q in read_jsonl(folder / "questions.jsonl")}
    answers = read_jsonl(folder / "answers.jsonl")
    get = rubric_source(mode, "semeval2013_beetle", questions)
    if weights:
        grade = weighted(grade, get, questions, [a for a in answers if a["split"] in splits])
    by_split: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
    for a in answers:
        if a["split"] not in splits:
            continue
        by_split[a["split"]].append((a, beetle_label(grade(get(a["question_id"]), a["answer"]))))
    out: dict[str, dict[str, float]] = {}
    for split, rows in sorted(by_split.items()):
        g3 = [a["labels"]["3way"] for a, _ in rows]
        p3 = [p for _, p in rows]
        g2 = [a["labels"]["2way"] for a, _ in rows]
        p2 = ["correct" if p == "correct" else "incorrect" for p in p3]
        out[split] = {
            "n": len(rows),
            "f1_2way": macro_f1(g2, p2, ("correct", "incorrect")),
            "acc_2way": accuracy(g2, p2),
            "f1_3way": macro_f1(g3, p3, ("correct", "contradictory", "incorrect")),
            "acc_3way": accuracy(g3, p3),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir", nargs="?", default=str(REPO.parent / "shared" / "asag"))
    ap.add_argument("--only", choices=("mohler", "beetle"))
    ap.add_argument("--mode", choices=("derived", "rubric"), action="append")
    ap.add_argument("--grader", choices=("keyword", "semantic"), default="keyword")
    ap.add_argument("--sem-match", type=float, help="similarity threshold of the semantic grader")
    ap.add_argument("--beetle-split", choices=BEETLE_SPLITS, action="append")
    ap.add_argument(
        "--word-weights", action="store_true", help="weigh words by text.word_weights per question"
    )
    args = ap.parse_args(argv)
    data_dir = Path(args.data_dir)
    modes = args.mode or ["derived", "rubric"]
    splits = tuple(args.beetle_split or BEETLE_TEST_SPLITS)
    grade_fn = make_grader(args.grader, args.sem_match)
    print(f"data: {data_dir}  (development sets only: {', '.join(DEV_SETS)})")
    if args.grader != "keyword":
        extra = f", match {args.sem_match}" if args.sem_match is not None else ""
        print(f"grader: {args.grader}{extra}")
    if args.only in (None, "mohler"):
        print("\nMohler (2,273 answers, Pearson r and RMSE against gold 0-5)")
        print(
            f"{'mode':<10} {'r':>6} {'RMSE':>6} {'r cal':>6} {'RMSE cal':>8} "
            f"{'mean':>5} {'review':>6} {'ans/s':>6}"
        )
        for mode in modes:
            m = eval_mohler(data_dir, mode, grade_fn, args.word_weights)
            print(
                f"{mode:<10} {m['r']:6.3f} {m['rmse']:6.3f} {m['r_cal']:6.3f} "
                f"{m['rmse_cal']:8.3f} {m['mean_pred']:5.2f} {m['review_share']:6.1%} "
                f"{m['answers_per_s']:6.0f}"
            )
    if args.only in (None, "beetle"):
        print("\nBeetle (macro-F1 and accuracy, 2-way and 3-way)")
        print(
            f"{'mode':<10} {'split':<22} {'n':>4} {'F1 2w':>6} {'acc 2w':>6} "
            f"{'F1 3w':>6} {'acc 3w':>6}"
        )
        for mode in modes:
            for split, m in eval_beetle(
                data_dir, mode, grade_fn, splits, args.word_weights
            ).items():
                print(
                    f"{mode:<10} {split:<22} {m['n']:4.0f} {m['f1_2way']:6.3f} "
                    f"{m['acc_2way']:6.3f} {m['f1_3way']:6.3f} {m['acc_3way']:6.3f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
