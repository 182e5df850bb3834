"""A benchmark-only grader: the keyword grader, plus key ideas found by meaning (wordllama).

Not part of the product (issue 9: its gain did not pay for its 160 MB). It is kept here so that
`bench/asag_eval.py --grader semantic` can still measure it, in a virtualenv with
`pip install wordllama==0.4.0.post1` (docs/grading-quality.md).

`SemanticGrader` grades with the keyword grader (`freetext.grade`) first and keeps what it
decided: the levels it reached, misconceptions, contradicted ideas, `argues_for`, the padding
cap. Then, for each key idea the keyword matcher missed (or found only in part), it looks for a
window of the answer that says the idea in other words, and awards the idea when the window's
*semantic strength* reaches `match`. The criterion's level is recomputed with the keyword
grader's rules (ideas found in part count half, misconception caps and deductions, padding cap);
a level never goes down.

Semantic strength of a phrasing in a window (1..len(phrasing)+1 content words inside one clause
of the answer): the phrasing's content words present in the window (same stem) count 1 each; the
missing ones count, together, their number times the cosine similarity between the mean vector
of the missing words and the mean vector of the window's other words. So "go through a tree"
against the phrasing "walk around the tree" scores (1 + 2 x cos("go through", "walk around")) / 3.
The window must bring a word of its own (the literal words are the keyword grader's business,
and a part of a phrasing is always similar to all of it), and none of its own words may be a
common antonym of a missing word (`ANTONYMS`: embeddings put "same" next to "different").

The vectors are the static 256-dimensional WordLlama embeddings shipped inside the `wordllama`
wheel (offline, no download: `pip install wordllama`); a word's vector is the mean of its
sub-word token vectors.

Negation stays with the keyword grader, because mean-pooled embeddings do not see it ("the
circuit is closed" and "the circuit is not closed" have a cosine of 0.96):

- an idea the keyword grader found stated with the opposite polarity (`contradicted_ideas`) is
  never awarded by meaning;
- a window with a negated word (or the subject of a denied predicate, "retraining is not
  needed") cannot award a positive phrasing, and a negative phrasing ("not connected") needs a
  negated word in the window;
- a window overlapping the words of a misconception (found in full or in part), or made only of
  words of the question (`prompt`), awards nothing.

An idea found by meaning is a guess: when one with a strength below `sure` decides the level,
the criterion is marked near a boundary (the answer goes to review), and so is a criterion whose
level a missed idea with a strength from `doubt` to `match` would raise. The grader is
deterministic: a fixed model, float64 arithmetic, strengths rounded to 4 decimals, ties broken
by position. docs/grading-quality.md ("Optional semantic backend (wordllama)") has the
measurements and how the thresholds were chosen.

The model is loaded once per process, when the first answer is graded; importing this module
imports neither wordllama nor numpy.
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from grading.freetext import (
    MATCH,
    PARTIAL,
    CriterionResult,
    GradeResult,
    _best,
    _CompiledCriterion,
    _is_padding,
    _level_for,
    _prompt_stems,
    compile_rubric,
    grade,
    picked_options,
)
from grading.rubric import Rubric
from grading.text import AnswerIndex, Tokens, stem, tokenize

__all__ = [
    "ANTONYMS",
    "DOUBT",
    "SEM_MATCH",
    "SEM_SURE",
    "SemanticBackendMissing",
    "SemanticGrader",
    "idea_strengths",
    "load_model",
]

SEM_MATCH = 0.75  # semantic strength at which a window awards a missed key idea
SEM_SURE = 0.9  # an idea found by meaning below this strength that decides the level: review
DOUBT = 0.65  # a missed idea this strong that would raise the level: review
INSTALL_HINT = "pip install wordllama==0.4.0.post1"
_DIM = 256

# Common antonyms of general English (matched by stem, both ways). Word embeddings put a word
# next to its opposite, so a window's word must not stand in for its antonym.
# A few pairs (series/parallel, push/pop, singly/doubly, ...) were added for the development
# sets' subjects (Beetle's circuits, Mohler's data structures); this grader is bench-only.
ANTONYMS: tuple[tuple[str, str], ...] = (
    ("same", "different"),
    ("open", "closed"),
    ("positive", "negative"),
    ("increase", "decrease"),
    ("more", "less"),
    ("more", "fewer"),
    ("larger", "smaller"),
    ("large", "small"),
    ("greater", "smaller"),
    ("higher", "lower"),
    ("high", "low"),
    ("left", "right"),
    ("first", "last"),
    ("before", "after"),
    ("start", "end"),
    ("begin", "end"),
    ("top", "bottom"),
    ("front", "back"),
    ("head", "tail"),
    ("inside", "outside"),
    ("internal", "external"),
    ("input", "output"),
    ("series", "parallel"),
    ("add", "remove"),
    ("insert", "delete"),
    ("push", "pop"),
    ("min", "max"),
    ("minimum", "maximum"),
    ("true", "false"),
    ("correct", "incorrect"),
    ("valid", "invalid"),
    ("fast", "slow"),
    ("faster", "slower"),
    ("easy", "hard"),
    ("static", "dynamic"),
    ("public", "private"),
    ("local", "global"),
    ("single", "double"),
    ("singly", "doubly"),
    ("full", "empty"),
    ("connected", "disconnected"),
    ("complete", "incomplete"),
    ("parent", "child"),
    ("ascending", "descending"),
    ("best", "worst"),
)

_log = logging.getLogger(__name__)


class SemanticBackendMissing(RuntimeError):
    """The optional package `wordllama` is not installed."""


# ------------------------------------------------------------------------------ the model

_MODEL: Any = None
_MODEL_LOCK = threading.Lock()


def _import_quietly(name: str) -> Any:
    """Import a module, undoing the `logging.basicConfig` that wordllama calls on import."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        return importlib.import_module(name)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def load_model() -> Any:
    """The WordLlama model (256-dim static embeddings), loaded once per process, offline."""
    global _MODEL
    if _MODEL is not None:
        return _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            try:
                wordllama = _import_quietly("wordllama")
            except ImportError as exc:
                raise SemanticBackendMissing(
                    "The semantic grader needs the optional package 'wordllama' (its embedding "
                    f"weights ship inside the wheel, nothing is downloaded): {INSTALL_HINT}"
                ) from exc
            # The package looks for its tokenizer under cache_dir; its own folder holds both
            # the tokenizer and the weights, so nothing is downloaded.
            folder = Path(wordllama.__file__).parent
            _MODEL = wordllama.WordLlama.load(cache_dir=folder, disable_download=True)
            _log.debug("wordllama model loaded from %s", folder)
    return _MODEL


_NUMPY: Any = None


def _np() -> Any:
    """numpy, imported at the first use (it comes with wordllama)."""
    global _NUMPY
    if _NUMPY is None:
        _NUMPY = importlib.import_module("numpy")
    return _NUMPY


class _WordVectors:
    """Word vectors (the mean of a word's sub-word token vectors, not normalised), computed
    once per word and process; at most `limit` words are kept (1 KB each)."""

    def __init__(self, limit: int = 50_000) -> None:
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.limit = limit

    def of(self, words: Sequence[str]) -> Any:
        """A float64 matrix, one row per word."""
        np = _np()
        found = {w: self._cache.get(w) for w in words}
        missing = [w for w, v in found.items() if v is None]
        if missing:
            model = load_model()
            with self._lock:
                if len(self._cache) + len(missing) > self.limit:
                    self._cache.clear()
                for w in missing:  # one at a time: a word's vector never depends on a batch
                    found[w] = self._cache[w] = model.embed([w], norm=False)[0]
        if not words:
            return np.zeros((0, _DIM), dtype=np.float64)
        return np.stack([found[w] for w in words]).astype(np.float64)


_VECTORS = _WordVectors()


def _antonym_map() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for a, b in ANTONYMS:
        sa, sb = stem(a), stem(b)
        out.setdefault(sa, set()).add(sb)
        out.setdefault(sb, set()).add(sa)
    return {k: frozenset(v) for k, v in out.items()}


_ANTONYMS = _antonym_map()


# ------------------------------------------------------------------------------ phrasings


@dataclass(frozen=True)
class _Phrasing:
    stems: tuple[str, ...]  # distinct content stems, in order
    vectors: Any  # one word vector per stem
    negative: bool  # the phrasing is negative ("not connected")
    opposites: frozenset[str]  # antonyms of its stems


@dataclass(frozen=True)
class _IdeaPhrasings:
    id: str
    phrasings: tuple[_Phrasing, ...]


def _phrasing(text: str) -> _Phrasing | None:
    toks = tokenize(text)
    keep = [p for p in range(len(toks)) if toks.content[p]]
    if not keep:  # only function words ("by value"): every word there is
        keep = [p for p in range(len(toks)) if not toks.cue[p]]
    if not keep:
        return None
    first_word: dict[str, str] = {}
    for p in keep:
        first_word.setdefault(toks.stems[p], toks.words[p])
    stems = tuple(first_word)
    return _Phrasing(
        stems=stems,
        vectors=_VECTORS.of(list(first_word.values())),
        negative=any(toks.negated[p] or toks.subject_negated[p] for p in keep),
        opposites=frozenset(o for s in stems for o in _ANTONYMS.get(s, ())),
    )


@lru_cache(maxsize=512)
def _rubric_phrasings(rubric: Rubric) -> tuple[tuple[_IdeaPhrasings, ...], ...]:
    out: list[tuple[_IdeaPhrasings, ...]] = []
    for c in rubric.criteria:
        ideas: list[_IdeaPhrasings] = []
        for k in c.key_ideas:
            compiled = (_phrasing(p) for p in k.phrasings)
            ideas.append(_IdeaPhrasings(k.id, tuple(p for p in compiled if p is not None)))
        out.append(tuple(ideas))
    return tuple(out)


# ------------------------------------------------------------------------------ windows


@dataclass(frozen=True)
class _Windows:
    """Runs of consecutive content words inside one clause of the answer."""

    stems: tuple[str, ...]  # the answer's content words: stems
    vectors: Any  # and word vectors
    lo: Any  # window w is content words lo[w]..hi[w]-1 (numpy int arrays)
    hi: Any
    first: tuple[int, ...]  # token position of its first word
    last: tuple[int, ...]  # and of its last
    negated: Any  # numpy bool: holds a negated word (or a denied predicate's subject)
    size: Any  # numpy int: content words
    sums: Any  # sum of the word vectors of each window
    norms: Any  # and its length
    where: dict[str, list[int]]  # content-word indices of each stem


def _windows(tokens: Tokens, longest: int) -> _Windows | None:
    np = _np()
    content = [p for p in range(len(tokens)) if tokens.content[p]]
    if not content:
        return None
    neg = [tokens.negated[p] or tokens.subject_negated[p] for p in content]
    lo: list[int] = []
    hi: list[int] = []
    negated: list[bool] = []
    for i in range(len(content)):
        clause = tokens.clause[content[i]]
        any_neg = False
        for j in range(i, min(len(content), i + longest)):
            if tokens.clause[content[j]] != clause:
                break
            any_neg = any_neg or neg[j]
            lo.append(i)
            hi.append(j + 1)
            negated.append(any_neg)
    vectors = _VECTORS.of([tokens.words[p] for p in content])
    lo_a, hi_a = np.asarray(lo), np.asarray(hi)
    pre = _prefix(vectors)
    sums = pre[hi_a] - pre[lo_a]
    where: dict[str, list[int]] = {}
    for i, p in enumerate(content):
        where.setdefault(tokens.stems[p], []).append(i)
    return _Windows(
        stems=tuple(tokens.stems[p] for p in content),
        vectors=vectors,
        lo=lo_a,
        hi=hi_a,
        first=tuple(content[i] for i in lo),
        last=tuple(content[j - 1] for j in hi),
        negated=np.asarray(negated, dtype=bool),
        size=hi_a - lo_a,
        sums=sums,
        norms=np.linalg.norm(sums, axis=1),
        where=where,
    )


def _allowed(
    wins: _Windows,
    banned: Sequence[tuple[int, int]],
    tokens: Tokens,
    prompt_stems: frozenset[str],
) -> Any:
    """Windows that may award an idea: none overlapping the words of a misconception (`banned`
    token ranges), none made only of words of the question."""
    np = _np()
    first = np.asarray(wins.first)
    last = np.asarray(wins.last)
    ok = np.ones(len(wins.first), dtype=bool)
    for lo, hi in banned:
        ok &= ~((first <= hi) & (last >= lo))
    if prompt_stems:
        in_prompt = np.concatenate([[0], np.cumsum([s not in prompt_stems for s in wins.stems])])
        ok &= (in_prompt[wins.hi] - in_prompt[wins.lo]) > 0
    return ok


def _prefix(values: Any) -> Any:
    np = _np()
    values = np.asarray(values, dtype=np.float64)
    return np.concatenate([np.zeros((1, *values.shape[1:])), np.cumsum(values, axis=0)])


def _strengths(ph: _Phrasing, wins: _Windows) -> Any:
    """Semantic strength of a phrasing in every window (-2 where it cannot award the idea)."""
    np = _np()
    n = len(ph.stems)
    n_windows = len(wins.lo)
    own_count = wins.size.astype(np.float64)
    own_sum = wins.sums
    found = np.zeros((n_windows, n), dtype=bool)
    present = [(j, wins.where[s]) for j, s in enumerate(ph.stems) if s in wins.where]
    if present:  # take the phrasing's own words out of the windows
        own_sum = own_sum.copy()
        for j, idx in present:
            hits = np.zeros(len(wins.stems))
            hits[idx] = 1.0
            pre_hits = _prefix(hits)
            count = pre_hits[wins.hi] - pre_hits[wins.lo]
            found[:, j] = count > 0
            own_count = own_count - count
            pre_vec = _prefix(wins.vectors * hits[:, None])
            own_sum = own_sum - (pre_vec[wins.hi] - pre_vec[wins.lo])
        own_norm = np.linalg.norm(own_sum, axis=1)
        missing = ~found
        n_missing = missing.sum(axis=1)
        missing_sum = missing.astype(np.float64) @ ph.vectors
        missing_norm = np.linalg.norm(missing_sum, axis=1)
        dot = np.sum(own_sum * missing_sum, axis=1)
    else:  # nothing of the phrasing in the answer: every word of it is missing
        own_norm = wins.norms
        n_missing = np.full(n_windows, n)
        total = ph.vectors.sum(axis=0)
        missing_norm = np.full(n_windows, np.linalg.norm(total))
        dot = own_sum @ total
    denominator = own_norm * missing_norm
    cos = np.where(denominator > 0.0, dot / np.where(denominator > 0.0, denominator, 1.0), 0.0)
    strength = np.round((n - n_missing + n_missing * np.maximum(cos, 0.0)) / n, 4)
    usable = (
        (own_count > 0.5)
        & (n_missing > 0)
        & (wins.size <= n + 1)
        & (wins.negated if ph.negative else ~wins.negated)
    )
    opposite = [i for s in ph.opposites if s in wins.where for i in wins.where[s]]
    if opposite:
        marks = np.zeros(len(wins.stems))
        marks[opposite] = 1.0
        pre_marks = _prefix(marks)
        usable &= (pre_marks[wins.hi] - pre_marks[wins.lo]) == 0
    return np.where(usable, strength, -2.0)


@dataclass(frozen=True)
class _Hit:
    strength: float
    first: int  # token positions of the window
    last: int


def _best_hits(
    ideas: Sequence[_IdeaPhrasings], wins: _Windows, allowed: Any, wanted: Sequence[bool]
) -> list[_Hit | None]:
    """Per idea (where `wanted`), the strongest window that may award it."""
    np = _np()
    out: list[_Hit | None] = []
    for idea, want in zip(ideas, wanted, strict=True):
        best: _Hit | None = None
        if want:
            for ph in idea.phrasings:
                col = np.where(allowed, _strengths(ph, wins), -2.0)
                w = int(np.argmax(col))  # the first of equal maxima: deterministic
                s = float(col[w])
                if s > -1.0 and (best is None or s > best.strength):
                    best = _Hit(s, wins.first[w], wins.last[w])
        out.append(best)
    return out


def _longest(ideas: Sequence[Sequence[_IdeaPhrasings]]) -> int:
    return 1 + max((len(ph.stems) for c in ideas for i in c for ph in i.phrasings), default=1)


def idea_strengths(rubric: Rubric, answer: str) -> list[list[float]]:
    """Per criterion and key idea, the best semantic strength a window of `answer` reaches.

    Polarity, antonym and size rules as in grading (misconceptions and the question are not
    looked at); 0 where no window qualifies. For inspecting thresholds.
    """
    phrasings = _rubric_phrasings(rubric)
    tokens = tokenize(answer)
    wins = _windows(tokens, _longest(phrasings))
    out: list[list[float]] = []
    for ideas in phrasings:
        if wins is None:
            out.append([0.0] * len(ideas))
            continue
        allowed = _allowed(wins, (), tokens, frozenset())
        hits = _best_hits(ideas, wins, allowed, [True] * len(ideas))
        out.append([max(0.0, h.strength) if h else 0.0 for h in hits])
    return out


# ------------------------------------------------------------------------------ grading

_GENERIC_NOTE = re.compile(
    r"(None of the key ideas found\.|Found \d+ of \d+ key idea\(s\)\.|"
    r"Off topic: the answer shares no content words with the model answers\.|"
    r"Close to a level boundary\.)\s*"
)


@dataclass(frozen=True)
class SemanticGrader:
    """The keyword grader, with missed key ideas found by meaning (wordllama embeddings).

    `match`: semantic strength at which a window awards a missed idea; `sure`: an idea found by
    meaning below it that decides the level sends the answer to review; `doubt`: so does a
    missed idea at least this strong that would raise the level.
    """

    review_threshold: float = 0.6
    match: float = SEM_MATCH
    sure: float = SEM_SURE
    doubt: float = DOUBT
    name: str = "semantic"

    def grade(
        self,
        rubric: Rubric,
        answer: str,
        choices: Mapping[str, str | Sequence[str]] | None = None,
        *,
        prompt: str | None = None,
    ) -> GradeResult:
        load_model()  # fails early, with the install hint, when wordllama is missing
        base = grade(rubric, answer, choices, review_threshold=self.review_threshold, prompt=prompt)
        compiled = compile_rubric(rubric)
        phrasings = _rubric_phrasings(rubric)
        index = AnswerIndex(tokenize(answer))
        wins = _windows(index.tokens, _longest(phrasings))
        criteria = base.criteria
        if wins is not None:
            on_topic = bool(index.content_stems & compiled.vocabulary)
            padding = on_topic and _is_padding(index, compiled)
            prompt_stems = _prompt_stems(prompt) if prompt else frozenset()
            criteria = tuple(
                self._criterion(cc, cr, ideas, index, wins, padding, choices, prompt_stems)
                for cc, cr, ideas in zip(compiled.criteria, base.criteria, phrasings, strict=True)
            )
        confidence = min((r.confidence for r in criteria), default=0.0)
        return GradeResult(
            criteria=criteria,
            score=sum(r.points for r in criteria),
            max_score=base.max_score,
            confidence=confidence,
            needs_review=confidence < self.review_threshold
            or any(r.near_boundary for r in criteria),
            note=base.note,
            grader=self.name,
        )

    def _criterion(
        self,
        cc: _CompiledCriterion,
        cr: CriterionResult,
        ideas: Sequence[_IdeaPhrasings],
        index: AnswerIndex,
        wins: _Windows,
        padding: bool,
        choices: Mapping[str, str | Sequence[str]] | None,
        prompt_stems: frozenset[str],
    ) -> CriterionResult:
        c = cc.criterion
        af = c.argues_for
        if (
            af is not None
            and choices is not None
            and af.option not in picked_options(choices, af.part)
        ):
            return cr  # the student argued for another option: the wording does not matter
        if self._capped(cc, cr, len(c.levels) - 1, padding) <= cr.level_index:
            return cr  # already as high as a rescue could take it

        # The keyword grader's view, idea by idea (the calls freetext.grade makes).
        stems = index.tokens.stems
        strengths: list[float] = []
        from_prompt: set[str] = set()
        for idea in cc.ideas:
            m, _ = _best(idea, index)
            strengths.append(m.strength)
            if prompt_stems and all(stems[p] in prompt_stems for p in m.positions):
                from_prompt.add(idea.id)
        contradicted = set(cr.contradicted_ideas)
        banned: list[tuple[int, int]] = []  # misconceptions found in full or in part
        for mis in cc.misconceptions:
            m, _ = _best(mis, index)
            if m.strength >= MATCH and m.positions:
                banned.append((min(m.positions), max(m.positions)))

        wanted = [
            s < MATCH and idea.id not in contradicted
            for idea, s in zip(cc.ideas, strengths, strict=True)
        ]
        allowed = _allowed(wins, banned, index.tokens, prompt_stems)
        hits = _best_hits(ideas, wins, allowed, wanted)
        rescued: dict[str, _Hit] = {}
        doubtful: list[str] = []
        for idea, hit in zip(cc.ideas, hits, strict=True):
            if hit is None:
                continue
            if hit.strength >= self.match:
                rescued[idea.id] = hit
            elif hit.strength >= self.doubt:
                doubtful.append(idea.id)
        if not rescued and not doubtful:
            return cr

        # Count as freetext does, with the rescued ideas in full.
        partial = [
            idea.id
            for idea, s in zip(cc.ideas, strengths, strict=True)
            if PARTIAL <= s < MATCH
            and idea.id not in contradicted
            and idea.id not in from_prompt
            and idea.id not in rescued
        ]
        count = len(cr.matched_ideas) + len(rescued) + 0.5 * len(partial)
        level = cr.level_index
        if rescued:
            level = max(level, self._capped(cc, cr, _level_for(count, cc.needed), padding))
        unsure = sum(1 for h in rescued.values() if h.strength < self.sure)
        pessimistic = self._capped(cc, cr, _level_for(count - unsure, cc.needed), padding)
        optimistic = self._capped(cc, cr, _level_for(count + len(doubtful), cc.needed), padding)
        doubt_raises = optimistic > level
        near = cr.near_boundary or max(cr.level_index, pessimistic) != level or doubt_raises
        if level == cr.level_index and near == cr.near_boundary:
            return cr

        notes = [_GENERIC_NOTE.sub("", cr.note).strip()]
        evidence = set(cr.evidence)
        matched = list(cr.matched_ideas)
        points = cr.points
        confidence = cr.confidence
        if level > cr.level_index:
            toks = index.tokens
            for iid, h in rescued.items():
                evidence.update((toks.starts[p], toks.ends[p]) for p in range(h.first, h.last + 1))
                said = toks.text[toks.starts[h.first] : toks.ends[h.last]]
                notes.append(f"Found by meaning: {iid} (strength {h.strength:.2f}: {said!r}).")
            matched = [i.id for i in cc.ideas if i.id in cr.matched_ideas or i.id in rescued]
            deduction = sum(
                m.points
                for m in c.misconceptions
                if m.effect == "deduct" and m.id in cr.misconceptions
            )
            points = c.levels[level].points
            if deduction:
                points = max(c.levels[0].points, points - deduction)
            confidence = min(confidence, 0.5 + 0.5 * min(h.strength for h in rescued.values()))
        if doubt_raises:
            notes.append("Possibly said in other words: " + ", ".join(doubtful) + ".")
        if near:
            confidence = min(confidence, 0.55)
            notes.append("Close to a level boundary.")
        return CriterionResult(
            criterion_id=cr.criterion_id,
            level_index=level,
            points=points,
            max_points=cr.max_points,
            evidence=tuple(sorted(evidence)),
            matched_ideas=tuple(matched),
            missed_ideas=tuple(i.id for i in cc.ideas if i.id not in matched),
            confidence=round(max(0.0, min(1.0, confidence)), 4),
            note=" ".join(n for n in notes if n),
            near_boundary=near,
            misconceptions=cr.misconceptions,
            contradicted_ideas=cr.contradicted_ideas,
        )

    @staticmethod
    def _capped(cc: _CompiledCriterion, cr: CriterionResult, level: int, padding: bool) -> int:
        """`level` under the misconception caps of the keyword result and the padding cap."""
        for m in cc.criterion.misconceptions:
            if m.effect == "cap" and m.id in cr.misconceptions:
                level = min(level, m.level)
        if padding:
            level = min(level, (len(cc.criterion.levels) - 1) // 2)
        return level
