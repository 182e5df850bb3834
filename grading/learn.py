"""Learn per question from a person's grades, and grade new answers with what was learned.

    model = learn(examples, rubric, question_text, context=other_answers)
    graded = model.grade(answer)            # or model.grade_many(answers)
    graded.result                           # a GradeResult (levels, score, confidence, review)
    graded.rubric_result                    # the rubric's own grade, with its evidence
    graded.neighbours                       # "graded like these answers"

The model (docs/grading-quality.md, "Learning from a person's grades"): a ridge regression that
predicts the **correction** a person makes to the rubric's grade, from

- the rubric's evidence: the grade's fraction, each criterion's fraction, each key idea found
  (+1), contradicted (-1) or missed (0);
- the answer's length (log of its words) and its tf-idf cosine to the model answers;
- what the person did with similar answers: the similarity-weighted grade of the three most
  similar graded answers (leaving the answer itself out while learning);
- tf-idf weighted word stems and stem pairs (a negated stem is its own word, "!fetch"), with
  document frequencies from the graded answers, the other answers to the question and the model
  answers.

The ridge's penalty is chosen by exact leave-one-out error over the graded answers
(closed form, in the dual), so with few or inconsistent grades it shrinks towards the rubric's
grade plus the mean correction (the intercept is not penalised: a rubric that is too strict
overall is corrected first). The same leave-one-out error gives the confidence: an estimate
closer to the next grade than the leave-one-out error is routed to a person, so as agreement
grows fewer answers need one. With per-criterion levels in the examples, each criterion gets its
own model and the score is the sum of the learned levels; otherwise the learned score is spread
over the criteria by changing as few levels of the rubric's grade as possible.

Everything is deterministic for the same inputs (no randomness, fixed order of features).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .agreement import qwk
from .freetext import CriterionResult, GradeResult, grade
from .rubric import Rubric
from .text import tokenize

__all__ = [
    "MIN_EXAMPLES",
    "GradedExample",
    "LearnedGrade",
    "LearnedGrader",
    "LearnedModel",
    "Neighbour",
    "answer_terms",
    "learn",
]

MIN_EXAMPLES = 3  # fewer graded answers than this: the rubric's grade is used as it is
NEIGHBOURS = 3  # graded answers averaged for the "graded like" feature
SHOWN_NEIGHBOUR_SIMILARITY = 0.5  # cosine from which a graded answer is shown as "graded like"
ALPHAS = tuple(float(a) for a in np.logspace(-1, 3.5, 10))
TFIDF_SCALE = 3.0  # weight of the tf-idf block against the standardised rubric features
CHUNK = 512  # answers graded together (below the tokenizer's cache of 2,048 texts)
ONE_SE = False  # the one-standard-error rule for the penalty (tried: weaker on Beetle)
Choices = Mapping[str, str | Sequence[str]]


@dataclass(frozen=True)
class GradedExample:
    """One answer a person graded: `score` is a fraction 0..1 of the question's points.

    `levels` (criterion id -> level index) when the person graded criterion by criterion, as the
    review queue does; `choices` as for `freetext.grade` (argues_for).
    """

    id: str
    answer: str
    score: float
    levels: Mapping[str, int] | None = None
    choices: Choices | None = None

    def __post_init__(self) -> None:
        if not (isinstance(self.score, int | float) and 0.0 <= self.score <= 1.0):
            raise ValueError(
                f"graded answer {self.id!r}: score must be in 0..1, not {self.score!r}"
            )


@dataclass(frozen=True)
class Neighbour:
    """A graded answer similar to the one graded ("graded like these answers")."""

    id: str
    similarity: float
    score: float  # fraction 0..1 the person gave


@dataclass(frozen=True)
class LearnedGrade:
    result: GradeResult  # what counts: learned levels, score, confidence and routing
    rubric_result: GradeResult | None  # the rubric's grade alone (evidence, matched ideas)
    estimate: float  # the learned fraction before snapping to a score the rubric can give
    neighbours: tuple[Neighbour, ...] = ()


def answer_terms(text: str) -> str:
    """Stems of an answer as one string for the tf-idf (a negated stem is prefixed with "!")."""
    toks = tokenize(text)
    return " ".join(
        ("!" + s) if neg else s for s, neg in zip(toks.stems, toks.negated, strict=True) if s
    )


def _identity(text: str) -> str:
    return text


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word",
        token_pattern=r"\S+",
        lowercase=False,
        preprocessor=_identity,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1,
        dtype=np.float64,
    )


# ---------------------------------------------------------------------------- rubric features


def _rubric_features(rubric: Rubric, res: GradeResult) -> list[float]:
    out = [res.fraction]
    for crit, cr in zip(rubric.criteria, res.criteria, strict=True):
        out.append(cr.points / cr.max_points if cr.max_points else 0.0)
        matched, contra = set(cr.matched_ideas), set(cr.contradicted_ideas)
        out.extend(
            1.0 if k.id in matched else -1.0 if k.id in contra else 0.0 for k in crit.key_ideas
        )
    return out


def _achievable(rubric: Rubric) -> tuple[float, ...]:
    sums = {0.0}
    for c in rubric.criteria:
        sums = {round(s + lv.points, 6) for s in sums for lv in c.levels}
    return tuple(sorted(sums))


@lru_cache(maxsize=4096)
def _spread(
    levels: tuple[tuple[float, ...], ...], start: tuple[int, ...], target: float
) -> tuple[int, ...]:
    """Levels whose points sum to `target` (or nearest), changing `start` as little as possible."""
    # dynamic programme over criteria: total -> (levels moved, choice)
    best: dict[float, tuple[int, tuple[int, ...]]] = {0.0: (0, ())}
    for pts, s in zip(levels, start, strict=True):
        nxt: dict[float, tuple[int, tuple[int, ...]]] = {}
        for total, (cost, choice) in best.items():
            for i, p in enumerate(pts):
                key = round(total + p, 6)
                cand = (cost + abs(i - s), (*choice, i))
                if key not in nxt or cand < nxt[key]:
                    nxt[key] = cand
        best = nxt
    total = min(best, key=lambda t: (abs(t - target), best[t][0], t))
    return best[total][1]


# ---------------------------------------------------------------------------- the model


@dataclass
class _Head:
    """A ridge regression of the correction to a prior fraction, penalty by leave-one-out.

    Solved in the dual (there are far fewer graded answers than features): one eigen
    decomposition of the centred Gram matrix gives, for every penalty, the fit and the exact
    leave-one-out predictions (the hat matrix's diagonal). The intercept is not penalised.
    """

    coef: np.ndarray
    intercept: float
    alpha: float
    loo: np.ndarray  # leave-one-out predictions of the correction, one per graded answer
    loo_rmse: float

    def predict(self, x: Any) -> np.ndarray:
        return np.asarray(x @ self.coef).ravel() + self.intercept

    def predict_parts(self, z: np.ndarray, tfidf: Any) -> np.ndarray:
        """`predict` of the matrix `_matrix` would build, without building it."""
        d = z.shape[1]
        out = z @ self.coef[:d] + np.asarray(tfidf @ self.coef[d:]).ravel() * TFIDF_SCALE
        return np.asarray(out).ravel() + self.intercept


def _fit_head(x: Any, y: np.ndarray, prior: np.ndarray) -> _Head:
    t = y - prior
    n = len(t)
    gram = np.asarray((x @ x.T).todense() if sparse.issparse(x) else x @ x.T, dtype=np.float64)
    centre = np.eye(n) - 1.0 / n
    kc = centre @ gram @ centre
    kc = (kc + kc.T) / 2
    lam, q = np.linalg.eigh(kc)
    lam = np.clip(lam, 0.0, None)
    tc = t - t.mean()
    qt = q.T @ tc
    fits: list[tuple[float, float, np.ndarray, np.ndarray, np.ndarray]] = []
    for alpha in ALPHAS:
        shrink = lam / (lam + alpha)
        fitted = t.mean() + q @ (shrink * qt)
        hat = (q**2) @ shrink + 1.0 / n
        loo = t - (t - fitted) / np.clip(1.0 - hat, 1e-6, None)
        sq = (loo - t) ** 2
        fits.append((float(np.mean(sq)), alpha, loo, q @ (qt / (lam + alpha)), sq))
    # the "one standard error" rule: the strongest penalty whose leave-one-out error is within
    # one standard error of the best; with few or noisy grades it stays near the rubric's grade
    best = min(fits, key=lambda f: f[0])
    se = float(np.std(best[4]) / math.sqrt(n)) if ONE_SE else 0.0
    err, alpha, loo, dual, _ = max(
        (f for f in fits if f[0] <= best[0] + se + 1e-12), key=lambda f: f[1]
    )
    coef = np.asarray(x.T @ dual).ravel()
    xmean = np.asarray(x.mean(axis=0)).ravel()
    intercept = float(t.mean() - xmean @ coef)
    return _Head(coef=coef, intercept=intercept, alpha=alpha, loo=loo, loo_rmse=math.sqrt(err))


@dataclass
class LearnedModel:
    """What was learned for one question; grade answers with `grade` / `grade_many`."""

    rubric: Rubric | None
    question: str | None
    examples: tuple[GradedExample, ...]
    review_threshold: float = 0.6
    _vec: TfidfVectorizer | None = None
    _train_tfidf: Any = None
    _train_dense: Any = None
    _model_dense: Any = None
    _idf: Any = None
    _model_tfidf: Any = None
    _mean: np.ndarray | None = None
    _std: np.ndarray | None = None
    _overall: _Head | None = None
    _criteria: dict[str, _Head] = field(default_factory=dict)
    _y: np.ndarray | None = None
    _achievable: tuple[float, ...] = ()
    loo_qwk: float | None = None  # agreement of the learned grade with the person, left out
    rubric_qwk: float | None = None  # agreement of the rubric alone with the person

    @property
    def n_examples(self) -> int:
        return len(self.examples)

    @property
    def learned(self) -> bool:
        return self._overall is not None

    # ------------------------------------------------------------------------ features

    def _rubric_grades(
        self, answers: Sequence[str], choices: Sequence[Choices | None]
    ) -> list[GradeResult] | None:
        if self.rubric is None:
            return None
        return [
            grade(self.rubric, a, c, review_threshold=self.review_threshold, prompt=self.question)
            for a, c in zip(answers, choices, strict=True)
        ]

    def _dense(
        self,
        answers: Sequence[str],
        tfidf: Any,
        rubric_results: list[GradeResult] | None,
        *,
        leave_out_self: bool,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dense features, prior fraction, similarity to the graded answers) per answer."""
        assert self._y is not None
        n = len(answers)
        sims = (
            np.asarray(tfidf @ self._train_dense.T) if n else np.zeros((0, len(self._y)))
        ).reshape(n, len(self._y))
        if leave_out_self:
            np.fill_diagonal(sims, -1.0)
        k = min(NEIGHBOURS, max(1, sims.shape[1] - (1 if leave_out_self else 0)))
        rows: list[list[float]] = []
        priors = np.zeros(n)
        model_sim = (
            np.asarray(tfidf @ self._model_dense.T).reshape(n, -1).max(axis=1)
            if self._model_tfidf is not None and self._model_tfidf.shape[0]
            else np.zeros(n)
        )
        mean_y = float(self._y.mean())
        for i in range(n):
            row: list[float] = []
            if rubric_results is not None and self.rubric is not None:
                row.extend(_rubric_features(self.rubric, rubric_results[i]))
                priors[i] = rubric_results[i].fraction
            else:
                priors[i] = mean_y
            order = np.argsort(-sims[i], kind="stable")[:k]
            w = np.clip(sims[i][order], 0.0, None)
            knn = float(np.dot(w, self._y[order]) / w.sum()) if w.sum() > 1e-9 else mean_y
            row.append(knn)
            row.append(float(w.max()) if len(w) else 0.0)
            row.append(math.log1p(len(answers[i].split())))
            row.append(float(model_sim[i]))
            rows.append(row)
        return np.asarray(rows, dtype=np.float64).reshape(n, -1), priors, sims

    def _transform(self, docs: Sequence[str]) -> Any:
        """The fitted vectorizer's tf-idf rows, computed directly (the same numbers as
        `TfidfVectorizer.transform`, without its per-call overhead: one answer at a time is the
        review task's case)."""
        assert self._vec is not None
        vocab: dict[str, int] = self._vec.vocabulary_
        idf = self._idf
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for doc in docs:
            words = doc.split()
            counts: dict[int, int] = {}
            for term in (*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))):
                j = vocab.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            cols = sorted(counts)
            vals = [(1.0 + math.log(counts[j])) * idf[j] for j in cols]
            norm = math.sqrt(sum(v * v for v in vals)) or 1.0  # idf > 0: zero only if empty
            indices.extend(cols)
            data.extend(v / norm for v in vals)
            indptr.append(len(indices))
        return sparse.csr_matrix(
            (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int64), indptr),
            shape=(len(docs), len(idf)),
        )

    def _standard(self, dense: np.ndarray) -> np.ndarray:
        assert self._mean is not None and self._std is not None
        return np.asarray((dense - self._mean) / self._std)

    def _matrix(self, dense: np.ndarray, tfidf: Any) -> Any:
        z = self._standard(dense)
        return sparse.hstack([sparse.csr_matrix(z), tfidf * TFIDF_SCALE], format="csr")

    # ------------------------------------------------------------------------ grading

    def grade(self, answer: str, choices: Choices | None = None) -> LearnedGrade:
        return self.grade_many([answer], [choices])[0]

    def grade_many(
        self, answers: Sequence[str], choices: Sequence[Choices | None] | None = None
    ) -> list[LearnedGrade]:
        """Grade answers (faster in one call than one by one: features are computed together)."""
        ch: Sequence[Choices | None] = choices if choices is not None else [None] * len(answers)
        if len(ch) != len(answers):
            raise ValueError("one choices entry per answer")
        if len(answers) > CHUNK:  # in chunks: the tokenizer's cache still holds each answer
            out: list[LearnedGrade] = []
            for i in range(0, len(answers), CHUNK):
                out.extend(self.grade_many(answers[i : i + CHUNK], ch[i : i + CHUNK]))
            return out
        rubric_results = self._rubric_grades(answers, ch)
        if self._overall is None or self._vec is None:
            if rubric_results is None:
                raise ValueError("nothing to grade with: no rubric and too few graded answers")
            return [LearnedGrade(r, r, r.fraction) for r in rubric_results]
        tfidf = self._transform([answer_terms(a) for a in answers])
        dense, priors, sims = self._dense(answers, tfidf, rubric_results, leave_out_self=False)
        z = self._standard(dense)
        overall = np.clip(priors + self._overall.predict_parts(z, tfidf), 0.0, 1.0)
        per_criterion = {
            cid: head.predict_parts(z, tfidf) for cid, head in self._criteria.items()
        }
        graded: list[LearnedGrade] = []
        for i in range(len(answers)):
            base = rubric_results[i] if rubric_results is not None else None
            neighbours = self._neighbours(sims[i])
            if base is None:
                est = float(overall[i])
                conf = self._confidence(est, None, self._overall.loo_rmse)
                result = GradeResult(
                    criteria=(),
                    score=round(est, 4),
                    max_score=1.0,
                    confidence=conf,
                    needs_review=conf < self.review_threshold,
                    note=self._note(neighbours),
                    grader="learned",
                )
                graded.append(LearnedGrade(result, None, est, neighbours))
                continue
            crit_fracs = {cid: float(pred[i]) for cid, pred in per_criterion.items()}
            graded.append(self._combine(base, float(overall[i]), crit_fracs, neighbours))
        return graded

    def _neighbours(self, sims: np.ndarray) -> tuple[Neighbour, ...]:
        assert self._y is not None
        order = np.argsort(-sims, kind="stable")[:NEIGHBOURS]
        return tuple(
            Neighbour(self.examples[j].id, round(float(sims[j]), 4), float(self._y[j]))
            for j in order
            if sims[j] >= SHOWN_NEIGHBOUR_SIMILARITY
        )

    def _confidence(self, est: float, rubric: Rubric | None, rmse: float) -> float:
        """Chance-like confidence that a person would give the same grade (0..1)."""
        if rubric is None:
            grid = [i / 4 for i in range(5)]
        else:
            mx = rubric.max_score or 1.0
            grid = [s / mx for s in self._achievable]
        # distance from the estimate to the nearest half-way point between two grades
        halves = [(a + b) / 2 for a, b in itertools.pairwise(grid)]
        d = min((abs(est - h) for h in halves), default=1.0)
        sigma = max(rmse, 0.02)
        return round(math.erf(d / (sigma * math.sqrt(2.0))), 4)

    def _note(self, neighbours: tuple[Neighbour, ...]) -> str:
        note = f"Learned from {self.n_examples} graded answer(s)."
        if neighbours:
            note += " Graded like: " + ", ".join(n.id for n in neighbours) + "."
        return note

    def _combine(
        self,
        base: GradeResult,
        overall: float,
        crit_fracs: Mapping[str, float],
        neighbours: tuple[Neighbour, ...],
    ) -> LearnedGrade:
        rubric = self.rubric
        assert rubric is not None and self._overall is not None
        mx = rubric.max_score or 1.0
        start = tuple(c.level_index for c in base.criteria)
        points = tuple(tuple(lv.points for lv in c.levels) for c in rubric.criteria)
        if crit_fracs and len(crit_fracs) == len(rubric.criteria):
            levels_list: list[int] = []
            for c, cr in zip(rubric.criteria, base.criteria, strict=True):
                frac = cr.points / cr.max_points if cr.max_points else 0.0
                want = min(1.0, max(0.0, frac + crit_fracs[c.id])) * c.max_points
                levels_list.append(
                    min(range(len(c.levels)), key=lambda i: (abs(c.levels[i].points - want), i))
                )
            levels = tuple(levels_list)
        else:
            target = _snap(self._achievable, overall * mx)
            levels = _spread(points, start, target)
        crits: list[CriterionResult] = []
        for c, cr, lv in zip(rubric.criteria, base.criteria, levels, strict=True):
            if lv == cr.level_index:
                crits.append(cr)
                continue
            crits.append(
                replace(
                    cr,
                    level_index=lv,
                    points=c.levels[lv].points,
                    near_boundary=False,
                    note=(
                        cr.note + f" Level {cr.level_index} by the rubric, {lv} as learned "
                        "from the graded answers."
                    ).strip(),
                )
            )
        score = sum(c.points for c in crits)
        conf = self._confidence(overall, rubric, self._overall.loo_rmse)
        result = GradeResult(
            criteria=tuple(crits),
            score=score,
            max_score=base.max_score,
            confidence=conf,
            needs_review=conf < self.review_threshold,
            note=self._note(neighbours),
            grader="learned",
        )
        return LearnedGrade(result, base, round(overall, 4), neighbours)


def _fraction_levels(rubric: Rubric, levels: Mapping[str, int]) -> dict[str, float] | None:
    out: dict[str, float] = {}
    for c in rubric.criteria:
        if c.id not in levels:
            return None
        i = levels[c.id]
        if not 0 <= i < len(c.levels):
            raise ValueError(f"level {i} is out of range for criterion {c.id!r}")
        out[c.id] = c.levels[i].points / c.max_points if c.max_points else 0.0
    return out


def learn(
    examples: Sequence[GradedExample],
    rubric: Rubric | None = None,
    question_text: str | None = None,
    context: Sequence[str] = (),
    *,
    review_threshold: float = 0.6,
) -> LearnedModel:
    """Learn from a person's grades of answers to one question (see the module docstring).

    `context`: other answers to the question (ungraded ones too) and course text, for the words'
    document frequencies. With fewer than `MIN_EXAMPLES` examples nothing is learned and the
    model grades with the rubric alone (a rubric is then required).
    """
    ids = [e.id for e in examples]
    if len(set(ids)) != len(ids):
        raise ValueError("graded answers must have distinct ids")
    model = LearnedModel(
        rubric=rubric,
        question=question_text or None,
        examples=tuple(examples),
        review_threshold=review_threshold,
    )
    if rubric is not None:
        model._achievable = _achievable(rubric)
    if len(examples) < MIN_EXAMPLES:
        if rubric is None:
            raise ValueError(f"at least {MIN_EXAMPLES} graded answers are needed without a rubric")
        return model
    answers = [e.answer for e in examples]
    y = np.asarray([float(e.score) for e in examples])
    vec = _vectorizer()
    model_answers = list(rubric.model_answers) if rubric is not None else []
    corpus = [answer_terms(t) for t in [*answers, *context, *model_answers]]
    vec.fit(corpus)
    model._vec = vec
    model._idf = [float(v) for v in vec.idf_]
    model._y = y
    model._train_tfidf = vec.transform(corpus[: len(answers)])
    model._train_dense = model._train_tfidf.toarray()
    model._model_tfidf = (
        vec.transform([answer_terms(m) for m in model_answers]) if model_answers else None
    )
    if model._model_tfidf is not None:
        model._model_dense = model._model_tfidf.toarray()
    rubric_results = model._rubric_grades(answers, [e.choices for e in examples])
    dense, priors, _ = model._dense(
        answers, model._train_tfidf, rubric_results, leave_out_self=True
    )
    mean = dense.mean(axis=0)
    std = dense.std(axis=0)
    std[std < 1e-6] = 1.0
    model._mean, model._std = mean, std
    x = model._matrix(dense, model._train_tfidf)
    model._overall = _fit_head(x, y, priors)
    if rubric is not None and rubric_results is not None:
        per = [_fraction_levels(rubric, e.levels) if e.levels else None for e in examples]
        if all(p is not None for p in per):
            for k, c in enumerate(rubric.criteria):
                target = np.asarray([p[c.id] for p in per if p is not None])
                prior = np.asarray(
                    [
                        (r.criteria[k].points / r.criteria[k].max_points)
                        if r.criteria[k].max_points
                        else 0.0
                        for r in rubric_results
                    ]
                )
                model._criteria[c.id] = _fit_head(x, target, prior)
        mx = rubric.max_score or 1.0
        step = _grid_step(model._achievable)
        loo = np.clip(priors + model._overall.loo, 0.0, 1.0)
        snap = [_snap(model._achievable, float(v) * mx) for v in loo]
        model.loo_qwk = qwk(snap, [v * mx for v in y], step=step)
        model.rubric_qwk = qwk([r.score for r in rubric_results], [v * mx for v in y], step=step)
    return model


def _snap(achievable: Sequence[float], value: float) -> float:
    return min(achievable, key=lambda s: (abs(s - value), s))


def _grid_step(achievable: Sequence[float]) -> float:
    diffs = [b - a for a, b in itertools.pairwise(achievable) if b - a > 1e-9]
    return min(diffs) if diffs else 1.0


@dataclass(frozen=True)
class LearnedGrader:
    """The `Grader` protocol around a learned model (for code that expects a grader)."""

    model: LearnedModel
    name: str = "learned"

    def grade(
        self,
        rubric: Rubric,
        answer: str,
        choices: Choices | None = None,
        *,
        prompt: str | None = None,
    ) -> GradeResult:
        if rubric != self.model.rubric:
            raise ValueError("this learned model belongs to another rubric")
        return self.model.grade(answer, choices).result
