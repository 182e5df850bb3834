"""Which answers a person should grade first, and groups of similar answers.

    ids = pick_for_grading([(id, text), ...], n, rubric=None, question=None)
    groups = group_answers(texts)          # [[index, ...], ...], biggest group first

`pick_for_grading` chooses answers whose grade teaches the learned model (grading/learn.py) the
most: the representatives (medoids) of `n` k-means clusters of the answers, duplicates counted,
so the picks follow where the answers are and a person's grades of them are a fair sample of the
question's answers (the learned model's correction of the rubric is then not biased towards odd
answers). Answers are compared by the tf-idf of their stems; with a rubric, the rubric's grade
is one more coordinate (a fifth of the weight), so the picks also spread over the rubric's
grades. Blank answers are never picked while others are left (they earn nothing by rule). The
result is ordered, biggest cluster first: a person who grades only some of them still grades the
most representative ones. Deterministic: k-means with a fixed seed, ties to the earlier answer.
`STRATEGY = "coverage"` switches to a greedy facility-location choice nudged towards answers the
rubric is unsure about (measured against k-means in docs/grading-quality.md).

`group_answers` puts answers whose stems are alike (cosine at least `threshold` to the group's
first answer, which is the most common wording) into one group, for the review queue's "grade a
group at once".
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .freetext import grade
from .learn import answer_terms
from .rubric import Rubric

__all__ = ["GROUP_SIMILARITY", "MAX_CANDIDATES", "group_answers", "pick_for_grading"]

GROUP_SIMILARITY = 0.6
MAX_CANDIDATES = 1500  # answers considered as picks (all answers still count for coverage)
RUBRIC_WEIGHT = 0.2  # share of the similarity that comes from the rubric's grade
UNSURE_BONUS = 0.5  # gain multiplied by up to 1 + this for answers the rubric is unsure about
STRATEGY = "kmeans"

Id = TypeVar("Id", bound=Hashable)
_PUNCT = re.compile(r"[^\w]+")


def _key(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def _vectors(texts: Sequence[str]) -> np.ndarray:
    docs = [answer_terms(t) for t in texts]
    if not any(docs):
        return np.zeros((len(texts), 1))
    vec = TfidfVectorizer(
        analyzer="word",
        token_pattern=r"\S+",
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
    )
    return np.asarray(vec.fit_transform(docs).toarray(), dtype=np.float64)


def _units(texts: Sequence[str]) -> tuple[list[int], list[list[int]]]:
    """Distinct non-blank wordings: (first index of each, indices of each), in first order."""
    first: dict[str, int] = {}
    members: list[list[int]] = []
    reps: list[int] = []
    for i, t in enumerate(texts):
        k = _key(t)
        if not k:
            continue
        if k not in first:
            first[k] = len(reps)
            reps.append(i)
            members.append([])
        members[first[k]].append(i)
    return reps, members


def group_answers(texts: Sequence[str], threshold: float = GROUP_SIMILARITY) -> list[list[int]]:
    """Groups of similar answers as lists of indices into `texts`, biggest group first.

    Identical answers (ignoring case, spacing and punctuation) are always together; an answer
    joins the first group whose leading wording it resembles (tf-idf cosine >= `threshold`),
    leading wordings taken from the most common down. Blank answers form one group of their own,
    last. Every index appears in exactly one group.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    reps, members = _units(texts)
    blanks = [i for i, t in enumerate(texts) if not _key(t)]
    groups: list[list[int]] = []
    if reps:
        vecs = _vectors([texts[i] for i in reps])
        order = sorted(range(len(reps)), key=lambda u: (-len(members[u]), reps[u]))
        leaders: list[int] = []
        assigned: dict[int, list[int]] = {}
        for u in order:
            home = None
            if leaders:
                sims = vecs[leaders] @ vecs[u]
                j = int(np.argmax(sims))
                if sims[j] >= threshold - 1e-9:
                    home = leaders[j]
            if home is None:
                leaders.append(u)
                assigned[u] = []
                home = u
            assigned[home].extend(members[u])
        groups = [sorted(assigned[u]) for u in leaders]
        groups.sort(key=lambda g: (-len(g), g[0]))
    if blanks:
        groups.append(blanks)
    return groups


def _coverage_picks(sim: np.ndarray, weight: np.ndarray, unsure: np.ndarray, n: int) -> list[int]:
    """Greedy facility location: each pick most raises the weighted coverage of all answers."""
    m = len(weight)
    cand = list(range(m)) if m <= MAX_CANDIDATES else list(range(0, m, -(-m // MAX_CANDIDATES)))
    covered = np.zeros(m)
    picked: list[int] = []
    chosen = np.zeros(m, dtype=bool)
    multiplier = 1.0 + UNSURE_BONUS * unsure
    for _ in range(n):
        gains = (np.clip(sim[cand] - covered[None, :], 0.0, None) @ weight) * multiplier[cand]
        gains[chosen[cand]] = -1.0
        best = int(np.argmax(gains))  # first maximum: the earlier answer wins ties
        if gains[best] < 0:
            break
        u = cand[best]
        picked.append(u)
        chosen[u] = True
        covered = np.maximum(covered, sim[u])
    if len(picked) < n:  # very many wordings: fill up with the rest, in order
        picked.extend(u for u in range(m) if not chosen[u])
    return picked[:n]


def _kmeans_picks(
    vecs: np.ndarray, frac: np.ndarray | None, weight: np.ndarray, n: int
) -> list[int]:
    """Medoids of n k-means clusters (duplicates weigh their count): the picks follow where
    the answers are, so a person's grades of them are a fair sample; biggest cluster first."""
    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    x = vecs
    if frac is not None:
        x = np.hstack(
            [vecs * math.sqrt(1 - RUBRIC_WEIGHT), frac[:, None] * math.sqrt(RUBRIC_WEIGHT)]
        )
    m = len(weight)
    if n >= m:
        return sorted(range(m), key=lambda u: (-weight[u], u))
    km = KMeans(n_clusters=n, n_init=4, random_state=0)
    with warnings.catch_warnings():  # answers with the same words: fewer clusters than asked
        warnings.simplefilter("ignore", ConvergenceWarning)
        labels = km.fit_predict(x, sample_weight=weight)
    out: list[tuple[float, int]] = []
    for c in range(n):
        members = np.flatnonzero(labels == c)
        if not len(members):
            continue
        d = ((x[members] - km.cluster_centers_[c]) ** 2).sum(axis=1)
        medoid = int(members[int(np.argmin(d))])
        out.append((-float(weight[members].sum()), medoid))
    picked = [u for _, u in sorted(out)]
    if len(picked) < n:
        chosen = set(picked)
        picked.extend(u for u in range(m) if u not in chosen)
    return picked[:n]


def pick_for_grading(
    answers: Sequence[tuple[Id, str]],
    n: int,
    rubric: Rubric | None = None,
    question: str | None = None,
) -> list[Id]:
    """Ids of the `n` answers a person should grade first, most useful first (see module doc)."""
    if n < 0:
        raise ValueError("n must be at least 0")
    ids = [a for a, _ in answers]
    if len(set(ids)) != len(ids):
        raise ValueError("answer ids must be distinct")
    texts = [t for _, t in answers]
    reps, members = _units(texts)
    if n == 0 or not reps:
        return []
    weight = np.asarray([len(m) for m in members], dtype=np.float64)
    vecs = _vectors([texts[i] for i in reps])
    sim = vecs @ vecs.T
    unsure = np.zeros(len(reps))
    frac = np.zeros(len(reps))
    if rubric is not None:
        results = [grade(rubric, texts[i], prompt=question) for i in reps]
        frac = np.asarray([r.fraction for r in results])
        sim = (1 - RUBRIC_WEIGHT) * sim + RUBRIC_WEIGHT * (1 - np.abs(frac[:, None] - frac[None]))
        unsure = np.asarray([1.0 - r.confidence for r in results])
    if STRATEGY == "kmeans":
        picked = _kmeans_picks(
            vecs, frac if rubric is not None else None, weight, min(n, len(reps))
        )
    else:
        picked = _coverage_picks(sim, weight, unsure, min(n, len(reps)))
    out = [ids[reps[u]] for u in picked[:n]]
    if len(out) < n:  # more asked than distinct wordings: duplicates, then blanks
        used = set(out)
        pairs = list(zip(ids, texts, strict=True))
        out.extend(i for i, t in pairs if i not in used and _key(t))
        out.extend(i for i, t in pairs if not _key(t))
    return out[:n]
