"""Start a rubric automatically from a question and its model answer(s).

The algorithm (documented in docs/rubrics.md, "Derived rubrics"):

1. Each model answer is cut into content phrases: runs of content words between function words
   and punctuation; a negation cue stays with the phrase it negates ("not connected").
   Words of the question are dropped from the phrases (a student repeating the question
   shows nothing), unless that would leave the model answer with nothing at all.
2. Phrases of different model answers that share most of their stems are one key idea, whose
   phrasings are the variants; an idea's weight is the share of model answers it occurs in.
3. The ideas are ordered by weight (then by first appearance) and at most `MAX_IDEAS` kept.
4. A complete answer is expected to hold as many ideas as a model answer holds on average
   (`target`); the criterion has levels 0..target points, level i needing i ideas. A model
   answer of several sentences with at least two ideas each gets one criterion per sentence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .rubric import Criterion, KeyIdea, Level, Rubric
from .text import Tokens, tokenize

__all__ = ["MAX_IDEAS", "MAX_LEVELS", "propose_key_ideas", "rubric_from_model_answers"]

MAX_IDEAS = 10
MAX_LEVELS = 6  # 0..5 points
MAX_PHRASE_WORDS = 2
TARGET_SHARE = 0.6  # share of a model answer's ideas that a complete answer needs
_SENTENCE_RE = re.compile(r"(?<=[.!?;])\s+")


@dataclass
class _Idea:
    stems: set[str]
    negated: bool
    phrasings: list[str] = field(default_factory=list)
    answers: set[int] = field(default_factory=set)
    first: tuple[int, int] = (0, 0)


def _phrases(toks: Tokens, drop: frozenset[str]) -> list[tuple[str, frozenset[str], bool]]:
    """Content phrases of a text as (phrasing, stems, negated); words in `drop` are left out."""
    out: list[tuple[str, frozenset[str], bool]] = []
    words: list[str] = []
    stems: list[str] = []
    cue = ""

    def flush() -> None:
        nonlocal cue
        if stems:
            # long runs are cut into pieces of at most MAX_PHRASE_WORDS words
            for i in range(0, len(words), MAX_PHRASE_WORDS):
                w = words[i : i + MAX_PHRASE_WORDS]
                s = stems[i : i + MAX_PHRASE_WORDS]
                text = " ".join(([cue] if cue and i == 0 else []) + w)
                out.append((text, frozenset(s), bool(cue) and i == 0))
        words.clear()
        stems.clear()
        cue = ""

    for i in range(len(toks)):
        if toks.boundary_before[i]:
            flush()
        if toks.cue[i]:
            flush()
            cue = toks.text[toks.starts[i] : toks.ends[i]].lower()
            continue
        if not toks.content[i]:
            if words:
                flush()
            continue
        if toks.stems[i] in drop:
            if words:
                flush()
            continue
        words.append(toks.words[i])
        stems.append(toks.stems[i])
    flush()
    return out


def _propose(question: str, model_answers: Sequence[str]) -> list[tuple[str, _Idea]]:
    q = tokenize(question or "")
    q_stems = frozenset(s for s, c in zip(q.stems, q.content, strict=True) if c)
    ideas: list[_Idea] = []
    toks_list = [tokenize(a) for a in model_answers]
    per_answer = [_phrases(t, q_stems) for t in toks_list]
    if not any(per_answer):  # everything is in the question: keep the question's words
        per_answer = [_phrases(t, frozenset()) for t in toks_list]
    for ai, phrases in enumerate(per_answer):
        for pi, (text, stems, negated) in enumerate(phrases):
            target: _Idea | None = None
            for idea in ideas:
                inter = len(idea.stems & stems)
                if inter and idea.negated == negated and inter / len(idea.stems | stems) >= 0.5:
                    target = idea
                    break
            if target is None:
                target = _Idea(stems=set(stems), negated=negated, first=(ai, pi))
                ideas.append(target)
            if text not in target.phrasings:
                target.phrasings.append(text)
            target.answers.add(ai)
    ideas.sort(key=lambda i: (-len(i.answers), i.first))
    ideas = ideas[:MAX_IDEAS]
    out: list[tuple[str, _Idea]] = []
    used: set[str] = set()
    for idea in ideas:
        base = re.sub(r"[^a-z0-9]+", "-", idea.phrasings[0].lower()).strip("-")[:40] or "idea"
        ident, k = base, 2
        while ident in used:
            ident, k = f"{base}-{k}", k + 1
        used.add(ident)
        out.append((ident, idea))
    return out


def propose_key_ideas(
    question: str, model_answers: Sequence[str]
) -> list[tuple[str, list[str], float]]:
    """Key ideas as (id, phrasings, weight), heaviest first; weight = share of model answers."""
    n = max(1, len(model_answers))
    return [
        (i, idea.phrasings, len(idea.answers) / n) for i, idea in _propose(question, model_answers)
    ]


def _levels(target: int, n_ideas: int) -> tuple[Level, ...]:
    target = max(1, min(target, n_ideas))
    if target + 1 <= MAX_LEVELS:
        needed = list(range(target + 1))
    else:
        needed = [math.ceil(i * target / (MAX_LEVELS - 1)) for i in range(MAX_LEVELS)]
    levels = []
    for i, k in enumerate(needed):
        if i == 0:
            desc = "None of the key ideas of the model answer."
        elif i == len(needed) - 1:
            desc = "All the key ideas a model answer holds."
        else:
            desc = f"At least {k} key idea(s) of the model answer."
        levels.append(Level(points=i, descriptor=desc, min_ideas=k))
    return tuple(levels)


def _criterion(cid: str, title: str, question: str, answers: Sequence[str]) -> Criterion | None:
    proposed = _propose(question, answers)
    if not proposed:
        return None
    ideas = tuple(KeyIdea(id=i, phrasings=tuple(idea.phrasings)) for i, idea in proposed)
    # a complete answer holds as many of the kept ideas as a model answer does on average
    counts = [sum(1 for _, idea in proposed if ai in idea.answers) for ai in range(len(answers))]
    target = max(1, round(TARGET_SHARE * sum(counts) / len(counts)))
    return Criterion(
        id=cid,
        title=title,
        looks_for="The ideas of the model answer, in any wording.",
        key_ideas=ideas,
        levels=_levels(target, len(ideas)),
    )


def rubric_from_model_answers(question: str, model_answers: Sequence[str]) -> Rubric:
    """A rubric proposed from the model answer(s): key ideas, one or more criteria, levels."""
    answers = [a for a in model_answers if a and a.strip()]
    if not answers:
        raise ValueError("no model answers to derive a rubric from")
    criteria: list[Criterion] = []
    if len(answers) == 1:
        sentences = [s for s in _SENTENCE_RE.split(answers[0].strip()) if s.strip()]
        if len(sentences) > 1:
            parts = [(s, propose_key_ideas(question, [s])) for s in sentences]
            if all(len(p) >= 2 for _, p in parts) and len(parts) <= 3:
                for k, (s, _) in enumerate(parts, start=1):
                    c = _criterion(
                        f"sentence-{k}",
                        f"Key ideas of sentence {k} of the model answer",
                        question,
                        [s],
                    )
                    if c is not None:
                        criteria.append(c)
    if not criteria:
        c = _criterion("key-ideas", "Key ideas of the model answer", question, answers)
        if c is None:  # nothing but function words: match the whole model answer softly
            c = Criterion(
                id="key-ideas",
                title="Key ideas of the model answer",
                key_ideas=(KeyIdea(id="model-answer", phrasings=tuple(answers)),),
                levels=_levels(1, 1),
            )
        criteria.append(c)
    return Rubric(model_answers=tuple(answers), criteria=tuple(criteria))
