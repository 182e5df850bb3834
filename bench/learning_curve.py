"""Learning curves of the learned grader on the DEVELOPMENT sets of ../shared/asag, and its speed.

    .venv/bin/python bench/learning_curve.py [DATA_DIR] [--only mohler|beetle|speed]
        [--sizes 0,10,25,50] [--seeds 3]

Only `mohler/` and `semeval2013_beetle/` are read; the reserved sets are never opened.

For every question, n answers are "graded by a person" (their gold score is given to
`grading.learn.learn`), picked by `grading.pick.pick_for_grading` or at random (mean over
`--seeds` random draws), and the learned model grades answers it did not learn from:

- Beetle, unseen answers: picks come from the question's `train` answers, the model grades its
  `test_unseen_answers`; rubrics derived from the question and reference answers (derive.py).
- Beetle, unseen questions: the 9 questions whose rubrics in bench/rubrics/beetle.yaml were written
  from the question and the reference answers alone (no student answer); 3-fold cross-validation
  within each question (picks from two folds, graded: the third).
- Mohler: 3-fold cross-validation within each question (about 19 answers to pick from, so n is
  capped there), derived rubrics and the hand-written ones of bench/rubrics/mohler.yaml.

Figures: Beetle 2-way macro-F1 (correct when the learned fraction reaches 0.5), Mohler Pearson r of
5 x the learned fraction against gold, pooled over all questions; QWK on Mohler with gold and
prediction rounded to whole points. `--only speed` prints grading speed with and without a learned
model (same run, same answers) and the time to learn from 50 grades.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from asag_eval import load_rubrics, macro_f1, pearson, read_jsonl  # noqa: E402

from grading.agreement import qwk  # noqa: E402
from grading.derive import rubric_from_model_answers  # noqa: E402
from grading.learn import GradedExample, learn  # noqa: E402
from grading.pick import pick_for_grading  # noqa: E402
from grading.rubric import Rubric  # noqa: E402

Row = dict[str, Any]
FOLDS = 3
MOHLER_MODES = ("derived", "written")


def _fold(answer_id: str, k: int = FOLDS) -> int:
    return sum(answer_id.encode()) % k


def predict(
    rubric: Rubric,
    question: str,
    pool: Sequence[Row],
    test: Sequence[Row],
    n: int,
    how: str,
    seed: int,
    target: Callable[[Row], float],
) -> list[float]:
    """Learned fractions for `test` after a person graded n answers of `pool`."""
    ids: list[str] = []
    if n:
        pairs = [(a["answer_id"], a["answer"]) for a in pool]
        if how == "pick":
            ids = pick_for_grading(pairs, n, rubric, question)
        else:
            ids = [i for i, _ in random.Random(seed).sample(pairs, min(n, len(pairs)))]
    by_id = {a["answer_id"]: a for a in pool}
    examples = [GradedExample(i, by_id[i]["answer"], target(by_id[i])) for i in ids]
    context = [a["answer"] for a in (*pool, *test)]
    model = learn(examples, rubric, question, context)
    return [g.estimate for g in model.grade_many([a["answer"] for a in test])]


def curve(
    tasks: Sequence[tuple[Rubric, str, list[Row], list[Row]]],
    sizes: Sequence[int],
    seeds: int,
    target: Callable[[Row], float],
    scores: Mapping[str, Callable[[list[float], list[float]], float]],
) -> dict[str, dict[tuple[str, int], float]]:
    """Each figure of `scores` for each (how picked, n): random picks averaged over seeds."""
    out: dict[str, dict[tuple[str, int], float]] = {name: {} for name in scores}
    for n in sizes:
        for how in ("pick", "random") if n else ("pick",):
            runs: dict[str, list[float]] = {name: [] for name in scores}
            for seed in range(seeds if how == "random" else 1):
                preds: list[float] = []
                gold: list[float] = []
                for rubric, question, pool, test in tasks:
                    preds += predict(rubric, question, pool, test, n, how, seed, target)
                    gold += [target(a) for a in test]
                for name, fn in scores.items():
                    runs[name].append(fn(preds, gold))
            for name in scores:
                out[name][(how, n)] = sum(runs[name]) / len(runs[name])
    return out


def f1_2way(preds: list[float], gold: list[float]) -> float:
    p = ["correct" if x >= 0.5 else "incorrect" for x in preds]
    g = ["correct" if x >= 0.5 else "incorrect" for x in gold]
    return macro_f1(g, p, ("correct", "incorrect"))


def r_5(preds: list[float], gold: list[float]) -> float:
    return pearson([5 * x for x in preds], [5 * x for x in gold])


def qwk_5(preds: list[float], gold: list[float]) -> float:
    return qwk([round(5 * x) for x in preds], [round(5 * x) for x in gold]) or 0.0


def print_curve(title: str, figures: dict[str, dict[tuple[str, int], float]], sizes: list[int]):
    print(f"\n{title}")
    head = "".join(f"{'n=' + str(n):>16}" for n in sizes)
    print(f"{'figure':<34}{head}")
    for name, res in figures.items():
        cells = []
        for n in sizes:
            if n == 0:
                cells.append(f"{res[('pick', 0)]:>16.3f}")
            else:
                cells.append(f"{res[('pick', n)]:>7.3f} / {res[('random', n)]:<6.3f}")
        print(f"{name:<34}" + "".join(cells))
    print("(cells: picked by pick_for_grading / picked at random)")


def beetle(data_dir: Path, sizes: list[int], seeds: int) -> None:
    folder = data_dir / "semeval2013_beetle"
    questions = {q["id"]: q for q in read_jsonl(folder / "questions.jsonl")}
    answers = read_jsonl(folder / "answers.jsonl")
    by_q: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for a in answers:
        by_q[a["question_id"]][a["split"]].append(a)
    hand = load_rubrics("semeval2013_beetle")

    def target(a: Row) -> float:
        return float(a["gold_score"])

    ua = []
    for qid, splits in sorted(by_q.items()):
        if splits.get("train") and splits.get("test_unseen_answers"):
            q = questions[qid]
            r = rubric_from_model_answers(q["question"], q["reference_answers"])
            ua.append((r, q["question"], splits["train"], splits["test_unseen_answers"]))
    uq = []
    for qid, splits in sorted(by_q.items()):
        rows = splits.get("test_unseen_questions")
        if not rows:
            continue
        q = questions[qid]
        for k in range(FOLDS):
            pool = [a for a in rows if _fold(a["answer_id"]) != k]
            test = [a for a in rows if _fold(a["answer_id"]) == k]
            uq.append((hand[qid], q["question"], pool, test))
    print_curve(
        f"Beetle 2-way macro-F1 on unseen answers ({len(ua)} questions, derived rubrics; "
        f"{len(uq) // FOLDS} unseen questions, rubrics written before reading answers, 3-fold CV)",
        {
            "unseen answers, derived rubric": curve(ua, sizes, seeds, target, {"f1": f1_2way})[
                "f1"
            ],
            "unseen questions, written rubric": curve(uq, sizes, seeds, target, {"f1": f1_2way})[
                "f1"
            ],
        },
        sizes,
    )


def mohler(data_dir: Path, sizes: list[int], seeds: int) -> None:
    folder = data_dir / "mohler"
    questions = {q["id"]: q for q in read_jsonl(folder / "questions.jsonl")}
    answers = [a for a in read_jsonl(folder / "answers.jsonl") if a["in_published_eval"]]
    by_q: dict[str, list[Row]] = defaultdict(list)
    for a in answers:
        by_q[a["question_id"]].append(a)
    hand = load_rubrics("mohler")

    def target(a: Row) -> float:
        return float(a["gold"]) / 5.0

    figures: dict[str, dict[tuple[str, int], float]] = {}
    for mode in MOHLER_MODES:
        tasks = []
        for qid, rows in sorted(by_q.items()):
            q = questions[qid]
            if mode == "derived":
                r = rubric_from_model_answers(q["question"], q["reference_answers"])
            else:
                r = hand[qid]
            for k in range(FOLDS):
                pool = [a for a in rows if _fold(a["answer_id"]) != k]
                test = [a for a in rows if _fold(a["answer_id"]) == k]
                tasks.append((r, q["question"], pool, test))
        res = curve(tasks, sizes, seeds, target, {"r": r_5, "qwk": qwk_5})
        figures[f"Pearson r, {mode} rubric"] = res["r"]
        figures[f"QWK (whole points), {mode} rubric"] = res["qwk"]
    print_curve(
        "Mohler (3-fold CV within each question; n capped by the ~19 answers of the other folds)",
        figures,
        sizes,
    )


def speed() -> None:
    import grader_speed as gs

    from grading.freetext import grade
    from grading.rubric import rubric_from_dict

    rubric = rubric_from_dict(gs.RUBRIC)
    rows = gs.make_answers(5000, 7)
    texts = [t for t, _ in rows]
    choices = [c for _, c in rows]
    rng = random.Random(3)
    graded = [GradedExample(str(i), texts[i], round(rng.random() * 4) / 4) for i in range(50)]
    grade(rubric, texts[0], choices[0])  # compile the rubric
    t0 = time.perf_counter()
    for t, c in zip(texts, choices, strict=True):
        grade(rubric, t, c)
    base = len(texts) / (time.perf_counter() - t0)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        model = learn(graded, rubric, "Which plan fits the startup, and why?", texts[:500])
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    model.grade_many(texts, choices)
    learned = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for t, c in zip(texts[:500], choices[:500], strict=True):
        model.grade(t, c)
    single = 500 / (time.perf_counter() - t0)
    print("\nSpeed (one process, 5,000 synthetic answers of bench/grader_speed.py)")
    print(f"rubric grader alone:                {base:8.0f} answers/s")
    print(f"learned model, grade_many:          {learned:8.0f} answers/s")
    print(f"learned model, one grade() a time:  {single:8.0f} answers/s")
    print(
        f"learning from 50 grades:            {min(times) * 1000:8.0f} ms (best of 5; "
        f"worst {max(times) * 1000:.0f} ms)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = next(
        (
            p
            for p in (REPO.parent / "shared" / "asag", REPO.parents[1] / "shared" / "asag")
            if p.is_dir()
        ),
        REPO.parent / "shared" / "asag",
    )
    ap.add_argument("data_dir", nargs="?", default=str(default))
    ap.add_argument("--only", choices=("mohler", "beetle", "speed"))
    ap.add_argument("--sizes", default="0,10,25,50")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--mohler-mode", choices=("derived", "written"), action="append")
    ap.add_argument("--rubric-weight", type=float, help="grading.pick.RUBRIC_WEIGHT (tuning)")
    ap.add_argument("--unsure-bonus", type=float, help="grading.pick.UNSURE_BONUS (tuning)")
    ap.add_argument("--strategy", choices=("kmeans", "coverage"), help="grading.pick.STRATEGY")
    ap.add_argument("--tfidf-scale", type=float, help="grading.learn.TFIDF_SCALE (tuning)")
    ap.add_argument("--least-loo", action="store_true", help="grading.learn.ONE_SE = False")
    args = ap.parse_args(argv)
    import grading.pick as gp

    if args.rubric_weight is not None:
        gp.RUBRIC_WEIGHT = args.rubric_weight
    if args.unsure_bonus is not None:
        gp.UNSURE_BONUS = args.unsure_bonus
    if args.strategy is not None:
        gp.STRATEGY = args.strategy
    import grading.learn as gl

    if args.tfidf_scale is not None:
        gl.TFIDF_SCALE = args.tfidf_scale
    if args.least_loo:
        gl.ONE_SE = False
    global MOHLER_MODES
    MOHLER_MODES = tuple(args.mohler_mode or MOHLER_MODES)
    sizes = [int(s) for s in args.sizes.split(",")]
    data_dir = Path(args.data_dir)
    if args.only in (None, "beetle"):
        beetle(data_dir, sizes, args.seeds)
    if args.only in (None, "mohler"):
        mohler(data_dir, sizes, args.seeds)
    if args.only in (None, "speed"):
        speed()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
