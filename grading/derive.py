"""Start a rubric automatically from a question and its model answer(s).

The algorithm (documented in docs/rubrics.md, "Derived rubrics"):

1. Each model answer is cut into content phrases: runs of content words between function words
   and punctuation; a negation cue stays with the phrase it negates ("not connected").
   Words of the question are dropped at the ends of a phrase (a student repeating the question
   shows nothing) and kept inside it, unless that would leave the model answer with nothing.
   Phrases of a single model answer are cut into pieces of at most two content words
   (`SINGLE_PHRASE_WORDS`), negated ones excepted.
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
from dataclasses import dataclass, field, replace

from .rubric import Criterion, KeyIdea, Level, Rubric
from .text import QUANTIFIERS, Tokens, tokenize

__all__ = ["MAX_IDEAS", "MAX_LEVELS", "propose_key_ideas", "rubric_from_model_answers"]

MAX_IDEAS = 10
MAX_LEVELS = 6  # 0..5 points
MAX_PHRASE_WORDS = 4
TARGET_SHARE = 0.75  # share of a model answer's ideas that a complete answer needs
SINGLE_PHRASE_WORDS = 2  # the same, for ideas of a single model answer
_SENTENCE_RE = re.compile(r"(?<=[.!?;])\s+")


@dataclass
class _Idea:
    stems: set[str]
    negated: bool
    phrasings: list[str] = field(default_factory=list)
    answers: set[int] = field(default_factory=set)
    first: tuple[int, int] = (0, 0)


# Words that end an idea: a new clause starts after them. "and"/"or" only end an idea when both
# sides hold two content words or more ("cost and time" is one idea, "... is needed, and the
# weights stay unchanged" two).
_CLAUSE_BREAKS = frozenset(
    re.findall(
        r"\w+",
        """but so because since which while whereas although though then therefore thus hence
        when where who whom whose unless until instead rather that""",
    )
)
_LIST_WORDS = frozenset({"and", "or", "nor"})


def _phrases(
    toks: Tokens, drop: frozenset[str], max_words: int = 0
) -> list[tuple[str, frozenset[str], bool]]:
    """Ideas of a text as (phrasing, stems, negated): the content words of each clause, in
    order, with the negation cue or quantifier that governs them and the function words that
    join them; words in `drop` left out at the ends of an idea (kept inside it); with
    `max_words`, an idea that is not negated is cut into pieces of at most that many content
    words."""
    segments: list[list[int]] = [[]]
    for i in range(len(toks)):
        w = toks.words[i]
        if toks.boundary_before[i] or w in _CLAUSE_BREAKS:
            segments.append([])
        if w in _LIST_WORDS:
            segments.append([i])  # kept only if the item joins the idea before it
            continue
        segments[-1].append(i)
    # "cost and time": a list item of one content word joins the idea before it
    merged: list[list[int]] = []
    for seg in segments:
        n_content = sum(1 for i in seg if toks.content[i])
        joins = toks.words[seg[0]] in _LIST_WORDS if seg else False
        if merged and joins and n_content == 1:
            merged[-1].extend(seg)
        elif seg:
            merged.append([i for i in seg if toks.words[i] not in _LIST_WORDS])
    out: list[tuple[str, frozenset[str], bool]] = []
    for seg in merged:
        # (word as written, stem, kind): "c" content word, "n" negation cue or quantifier kept
        # for its meaning, "f" function word kept for reading ("in the weights")
        kept: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        for i in seg:
            w = toks.text[toks.starts[i] : toks.ends[i]].lower()
            if toks.cue[i] or toks.words[i] in QUANTIFIERS:
                kept.append((w, "", "n"))
                continue
            st = toks.stems[i]
            if not toks.content[i]:
                kept.append((w, "", "f"))
            elif st in drop:  # a word of the question: kept inside the phrase, not at its ends
                kept.append((toks.words[i], st, "q"))
            elif st not in seen:
                seen.add(st)
                kept.append((toks.words[i], st, "c"))
        for piece in _split_kept(kept, MAX_PHRASE_WORDS):
            piece = _trim(piece)
            negated = any(kind == "n" for _, _, kind in piece)
            # ideas of a single model answer are cut smaller, unless that would lose a negation
            small = max_words and not negated
            for part in _split_kept(piece, max_words) if small else [piece]:
                part = _trim(part)
                stems = frozenset(st for _, st, kind in part if kind == "c")
                if stems:
                    out.append((" ".join(w for w, _, _ in part), stems, negated))
    return out


_PREPOSITIONS = frozenset(
    re.findall(
        r"\w+",
        """of for in on at by from with about into onto over under during within via per
        between among through across along toward towards against after before""",
    )
)


def _trim(piece: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Without function words at either end, and without a cue at the end (it governs
    nothing)."""
    start, end = 0, len(piece)
    while start < end and piece[start][2] in ("f", "q"):
        start += 1
    while end > start and piece[end - 1][2] != "c":
        end -= 1
    return piece[start:end]


def _split_kept(
    kept: list[tuple[str, str, str]], max_words: int
) -> list[list[tuple[str, str, str]]]:
    """Cut an idea of more than MAX_PHRASE_WORDS content words before prepositions ("freezes
    the facts in the weights | at training time"), or evenly when there is none to cut at."""
    n = sum(1 for _, _, kind in kept if kind == "c")
    if n <= max_words:
        return [kept]
    pieces: list[list[tuple[str, str, str]]] = [[]]
    count, left = 0, n
    for w, st, kind in kept:
        if (
            kind == "f"
            and w in _PREPOSITIONS
            and count >= 2
            and left >= 2
            and count + left > max_words
        ):
            pieces.append([])
            count = 0
        pieces[-1].append((w, st, kind))
        if kind == "c":
            count += 1
            left -= 1
    if all(sum(1 for x in p if x[2] == "c") <= max_words for p in pieces):
        return pieces
    size = math.ceil(n / math.ceil(n / max_words))
    even: list[list[tuple[str, str, str]]] = [[]]
    count = 0
    for item in kept:
        if item[2] == "c" and count == size:
            even.append([])
            count = 0
        even[-1].append(item)
        count += 1 if item[2] == "c" else 0
    return even


def _propose(question: str, model_answers: Sequence[str]) -> list[tuple[str, _Idea]]:
    q = tokenize(question or "")
    q_stems = frozenset(s for s, c in zip(q.stems, q.content, strict=True) if c)
    ideas: list[_Idea] = []
    toks_list = [tokenize(a) for a in model_answers]
    # one model answer is one wording among many: smaller ideas, so that a paraphrase earns
    # part of the marks (several model answers show which wordings recur)
    size = SINGLE_PHRASE_WORDS if len(model_answers) == 1 else 0
    per_answer = [_phrases(t, q_stems, size) for t in toks_list]
    if not any(per_answer):  # everything is in the question: keep the question's words
        per_answer = [_phrases(t, frozenset(), size) for t in toks_list]
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


_VERBS = (
    (("why",), "Gives the reason"),
    (("how",), "Explains how"),
    (("compare", "difference", "differ", "contrast"), "Compares"),
    (("what", "which", "define", "name", "list", "when", "where", "who"), "States"),
)


def _verb(question: str) -> str:
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", question)]
    for keys, verb in _VERBS:
        if any(k in words for k in keys):
            return verb
    return "Covers"


def _title(question: str, ideas: Sequence[KeyIdea]) -> str:
    """A criterion named by what it assesses: the question's kind and its first key ideas."""
    shown = [k.phrasings[0] for k in ideas[:2]]
    more = " ..." if len(ideas) > 2 else ""
    return f"{_verb(question)}: {'; '.join(shown)}{more}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "ideas"


def _criterion(cid: str, question: str, answers: Sequence[str]) -> Criterion | None:
    proposed = _propose(question, answers)
    if not proposed:
        return None
    ideas = tuple(KeyIdea(id=i, phrasings=tuple(idea.phrasings)) for i, idea in proposed)
    # a complete answer holds as many of the kept ideas as a model answer does on average
    counts = [sum(1 for _, idea in proposed if ai in idea.answers) for ai in range(len(answers))]
    target = max(1, round(TARGET_SHARE * sum(counts) / len(counts)))
    listed = "; ".join(k.phrasings[0] for k in ideas)
    return Criterion(
        id=cid or _slug(_title(question, ideas)),
        title=_title(question, ideas),
        looks_for=f"The ideas of the model answer, in any wording: {listed}.",
        key_ideas=ideas,
        levels=_levels(target, len(ideas)),
    )


def rubric_from_model_answers(question: str, model_answers: Sequence[str]) -> Rubric:
    """A rubric proposed from the model answer(s): key ideas, one or more criteria, levels.

    A single model answer of two or three sentences with two ideas or more each gets one
    criterion per sentence; otherwise one criterion holds the ideas of all model answers. Each
    criterion is named by what it assesses (the kind of question and its first ideas).
    """
    answers = [a for a in model_answers if a and a.strip()]
    if not answers:
        raise ValueError("no model answers to derive a rubric from")
    criteria: list[Criterion] = []
    if len(answers) == 1:
        sentences = [s for s in _SENTENCE_RE.split(answers[0].strip()) if s.strip()]
        if len(sentences) > 1:
            parts = [(s, propose_key_ideas(question, [s])) for s in sentences]
            if all(len(p) >= 2 for _, p in parts) and len(parts) <= 3:
                for s, _ in parts:
                    c = _criterion("", question, [s])
                    if c is not None:
                        used = {x.id for x in criteria}
                        ident, k = c.id, 2
                        while ident in used:
                            ident, k = f"{c.id}-{k}", k + 1
                        criteria.append(replace(c, id=ident))
    if not criteria:
        c = _criterion("", question, answers)
        if c is None:  # nothing but function words: match the whole model answer softly
            c = Criterion(
                id="model-answer",
                title=f"{_verb(question)}: the model answer",
                key_ideas=(KeyIdea(id="model-answer", phrasings=tuple(answers)),),
                levels=_levels(1, 1),
            )
        criteria.append(c)
    return Rubric(model_answers=tuple(answers), criteria=tuple(criteria))
