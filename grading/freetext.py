"""The default free-text grader: key ideas of a rubric found in an answer, levels, confidence.

See docs/rubrics.md ("How an answer is graded") for the exact semantics. In short, for every
criterion each key idea gets a strength in 0..1 (the best of its phrasings, matched softly and
with the same polarity, see `text.match_phrase`); an idea counts when its strength reaches
`MATCH`, and the criterion reaches the highest level whose `min_ideas` is met. Misconceptions
cap or deduct, `argues_for` gives the lowest level when the student chose another option, and
the confidence drops for fuzzy or partial matches, short answers, scores next to a level
boundary and keyword padding.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .rubric import Criterion, Rubric
from .text import AnswerIndex, Phrase, PhraseMatch, compile_phrase, match_phrase, tokenize

__all__ = [
    "MATCH",
    "MISCONCEPTION",
    "PARTIAL",
    "SURE",
    "CriterionResult",
    "GradeResult",
    "check_model_answers",
    "grade",
    "picked_options",
]

MATCH = 0.7  # strength at which a key idea (or misconception) counts as found
SURE = 0.9  # strength above which a found idea raises no doubt
PARTIAL = 0.45  # strength from which a missed idea raises doubt (it was almost found)
MISCONCEPTION = SURE  # a misconception counts only when (nearly) all its words are there
HIGH_CONFIDENCE = 0.95
PADDING_CONFIDENCE = 0.3
SHORT_ANSWER_WORDS = 3  # answers with fewer content words earn less confidence
# an answer whose own content words (not in the question) are at most this share repeats it
COPIED_PROMPT_OWN_WORDS = 0.1


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    level_index: int
    points: float
    max_points: float
    evidence: tuple[tuple[int, int], ...]
    matched_ideas: tuple[str, ...]
    missed_ideas: tuple[str, ...]
    confidence: float
    note: str
    near_boundary: bool = False
    misconceptions: tuple[str, ...] = ()  # ids of misconceptions found
    contradicted_ideas: tuple[str, ...] = ()  # key ideas stated with the opposite polarity


@dataclass(frozen=True)
class GradeResult:
    criteria: tuple[CriterionResult, ...]
    score: float
    max_score: float
    confidence: float
    needs_review: bool
    note: str = ""
    grader: str = "keyword"

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


# ------------------------------------------------------------------------------ compilation


@dataclass(frozen=True)
class _CompiledIdea:
    id: str
    phrases: tuple[Phrase, ...]


@dataclass(frozen=True)
class _CompiledCriterion:
    criterion: Criterion
    ideas: tuple[_CompiledIdea, ...]
    misconceptions: tuple[_CompiledIdea, ...]
    needed: tuple[int, ...]  # min_ideas per level (defaults filled in)
    idea_stems: frozenset[str]


@dataclass(frozen=True)
class _CompiledRubric:
    criteria: tuple[_CompiledCriterion, ...]
    vocabulary: frozenset[str]  # content stems of model answers and phrasings
    idea_stems: frozenset[str]


def _compile_ideas(
    items: Sequence[tuple[str, Sequence[str]]], *, strict_clauses: bool = False
) -> tuple[_CompiledIdea, ...]:
    return tuple(
        _CompiledIdea(
            id=i, phrases=tuple(compile_phrase(p, strict_clauses=strict_clauses) for p in phr)
        )
        for i, phr in items
    )


@lru_cache(maxsize=512)
def compile_rubric(rubric: Rubric) -> _CompiledRubric:
    criteria: list[_CompiledCriterion] = []
    vocab: set[str] = set()
    all_idea_stems: set[str] = set()
    for c in rubric.criteria:
        ideas = _compile_ideas([(k.id, k.phrasings) for k in c.key_ideas])
        # a misconception must be stated inside one clause (commas included)
        miscs = _compile_ideas([(m.id, m.phrasings) for m in c.misconceptions], strict_clauses=True)
        stems = frozenset(s for idea in ideas for ph in idea.phrases for s in ph.stems)
        all_idea_stems.update(stems)
        criteria.append(
            _CompiledCriterion(
                criterion=c,
                ideas=ideas,
                misconceptions=miscs,
                needed=c.min_ideas_needed(),
                idea_stems=stems,
            )
        )
    for a in rubric.model_answers:
        toks = tokenize(a)
        vocab.update(s for s, c in zip(toks.stems, toks.content, strict=True) if c)
    vocab.update(all_idea_stems)
    return _CompiledRubric(
        criteria=tuple(criteria),
        vocabulary=frozenset(vocab),
        idea_stems=frozenset(all_idea_stems),
    )


# ------------------------------------------------------------------------------ helpers


def _best(
    idea: _CompiledIdea, index: AnswerIndex, weights: Mapping[str, float] | None = None
) -> tuple[PhraseMatch, PhraseMatch]:
    """(best match, best contradiction) over an idea's phrasings."""
    best: PhraseMatch | None = None
    contra: PhraseMatch | None = None
    for ph in idea.phrases:
        m = match_phrase(ph, index, weights)
        if best is None or m.strength > best.strength:
            best = m
        if contra is None or m.contradiction > contra.contradiction:
            contra = m
        if best.strength >= 1.0 and (contra.contradiction == 0.0 or best is contra):
            break
    assert best is not None and contra is not None
    return best, contra


def _level_for(count: float, needed: Sequence[int]) -> int:
    level = 0
    for i, n in enumerate(needed):
        if count + 1e-9 >= n:
            level = i
    return level


def _spans(index: AnswerIndex, positions: set[int]) -> tuple[tuple[int, int], ...]:
    toks = index.tokens
    return tuple((toks.starts[p], toks.ends[p]) for p in sorted(positions))


def _is_padding(index: AnswerIndex, compiled: _CompiledRubric) -> bool:
    """A list of key terms with (almost) no function words, verbs or sentences."""
    toks = index.tokens
    n = len(toks)
    if n < 6:
        return False
    n_function = n - toks.n_content
    if n_function / n >= 0.15:
        return False
    content = [s for s, c in zip(toks.stems, toks.content, strict=True) if c]
    on_rubric = sum(1 for s in content if s in compiled.idea_stems)
    return on_rubric >= 0.5 * len(content)


@lru_cache(maxsize=512)
def _prompt_stems(prompt: str) -> frozenset[str]:
    toks = tokenize(prompt)
    return frozenset(s for s, c in zip(toks.stems, toks.content, strict=True) if c)


def picked_options(choices: Mapping[str, str | Sequence[str]], part: str) -> tuple[str, ...]:
    """Option ids picked in `part` ("a", "a,b" or ["a", "b"])."""
    value = choices.get(part)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


# ------------------------------------------------------------------------------ grading


def _grade_criterion(
    cc: _CompiledCriterion,
    index: AnswerIndex,
    *,
    off_topic: bool,
    padding: bool,
    choices: Mapping[str, str | Sequence[str]] | None,
    prompt_stems: frozenset[str] = frozenset(),
    weights: Mapping[str, float] | None = None,
) -> CriterionResult:
    c = cc.criterion
    levels = c.levels
    lowest = 0
    notes: list[str] = []
    max_points = c.max_points

    strengths: list[float] = []
    matched: list[str] = []
    missed: list[str] = []
    contradicted: list[str] = []
    from_prompt: list[str] = []  # found in part, but only in words of the question
    evidence: set[int] = set()
    fuzzy_used = False
    stems = index.tokens.stems
    for idea in cc.ideas:
        m, contra = _best(idea, index, weights)
        strengths.append(m.strength)
        if m.strength >= MATCH:
            matched.append(idea.id)
            evidence.update(m.positions)
            fuzzy_used = fuzzy_used or m.fuzzy
        else:
            missed.append(idea.id)
            if contra.contradiction >= MATCH:
                contradicted.append(idea.id)
            elif (
                m.strength >= PARTIAL
                and prompt_stems
                and all(stems[p] in prompt_stems for p in m.positions)
            ):
                from_prompt.append(idea.id)
    if off_topic and not any(strengths) and not contradicted:
        # nothing in common with the model answers, not even a misspelt key word
        return CriterionResult(
            criterion_id=c.id,
            level_index=lowest,
            points=levels[lowest].points,
            max_points=max_points,
            evidence=(),
            matched_ideas=(),
            missed_ideas=tuple(i.id for i in cc.ideas),
            confidence=HIGH_CONFIDENCE,
            note="Off topic: the answer shares no content words with the model answers.",
        )

    # An idea found in part (strength PARTIAL..MATCH) does not count: half ideas piled up on
    # topic words ("Prices and weights.") would reach levels. It only raises doubt (below).
    discounted = set(contradicted) | set(from_prompt)
    strengths = [
        0.0 if idea.id in discounted and s < MATCH else s
        for idea, s in zip(cc.ideas, strengths, strict=True)
    ]
    partial = [idea.id for idea, s in zip(cc.ideas, strengths, strict=True) if PARTIAL <= s < MATCH]
    count = float(len(matched))
    level = _level_for(count, cc.needed)
    if partial:
        notes.append("Found in part: " + ", ".join(partial) + ".")
    if from_prompt:
        notes.append("Found in part only in words of the question: " + ", ".join(from_prompt) + ".")

    # Near a boundary: a doubtful idea (almost found, or found only just) decides the level.
    # Pessimistic: only sure ideas count in full; optimistic: every partial idea counts in full.
    pessimistic = sum(1.0 if s >= SURE else 0.5 if s >= MATCH else 0.0 for s in strengths)
    optimistic = sum(1 for s in strengths if s >= PARTIAL)
    near = _level_for(pessimistic, cc.needed) != level or _level_for(optimistic, cc.needed) != level

    confidence = HIGH_CONFIDENCE
    counted = [s for s in strengths if s >= MATCH]
    if counted:
        confidence = min(confidence, 0.5 + 0.5 * min(counted))
    if fuzzy_used:
        confidence -= 0.05
        notes.append("Some words matched as likely misspellings.")
    doubtful_misses = [s for s in strengths if PARTIAL <= s < MATCH]
    if doubtful_misses:
        confidence -= 0.1 * max(doubtful_misses)
    if index.tokens.n_content < SHORT_ANSWER_WORDS and count:
        confidence *= 0.8
        notes.append("Very short answer.")
    if contradicted:
        confidence = min(confidence, 0.7)
        notes.append("States the opposite of: " + ", ".join(contradicted) + ".")

    # Misconceptions
    found_miscs: list[str] = []
    deduction = 0.0
    for idea, mis in zip(cc.misconceptions, c.misconceptions, strict=True):
        m, _ = _best(idea, index)
        if m.strength >= MISCONCEPTION:
            found_miscs.append(mis.id)
            evidence.update(m.positions)
            if mis.effect == "cap":
                if level > mis.level:
                    level = mis.level
                    near = False  # the misconception, found in full, decides the level
                notes.append(f"Misconception {mis.id}: level at most {mis.level}.")
            else:
                deduction += mis.points
                notes.append(f"Misconception {mis.id}: {mis.points:g} point(s) deducted.")
        elif m.strength >= MATCH:
            confidence = min(confidence, 0.6)
            notes.append(f"Possibly misconception {mis.id}.")

    if padding and count:
        cap = (len(levels) - 1) // 2
        if level > cap:
            level = cap
        confidence = min(confidence, PADDING_CONFIDENCE)
        notes.append("Looks like a list of key terms rather than an argument: level capped.")

    if c.argues_for is not None:
        af = c.argues_for
        if choices is None:
            notes.append(f"Choice in part {af.part!r} not known; graded on the text alone.")
        else:
            picked = picked_options(choices, af.part)
            if af.option not in picked:
                level = lowest
                deduction = 0.0
                near = False
                confidence = HIGH_CONFIDENCE
                what = ("option " + ", ".join(picked)) if picked else "no option"
                notes = [n for n in notes if n.startswith("Misconception")]
                notes.append(
                    f"The student picked {what} in part {af.part!r}; this criterion credits "
                    f"only an argument for option {af.option!r}."
                )

    points = levels[level].points
    if deduction:
        points = max(levels[lowest].points, points - deduction)
    if near:
        confidence = min(confidence, 0.55)
        notes.append("Close to a level boundary.")
    if not matched and not notes:
        notes.append("None of the key ideas found.")
    elif matched and not notes:
        notes.append(f"Found {len(matched)} of {len(cc.ideas)} key idea(s).")
    return CriterionResult(
        criterion_id=c.id,
        level_index=level,
        points=points,
        max_points=max_points,
        evidence=_spans(index, evidence),
        matched_ideas=tuple(matched),
        missed_ideas=tuple(missed),
        confidence=round(max(0.0, min(1.0, confidence)), 4),
        note=" ".join(notes),
        near_boundary=near,
        misconceptions=tuple(found_miscs),
        contradicted_ideas=tuple(contradicted),
    )


def grade(
    rubric: Rubric,
    answer: str,
    choices: Mapping[str, str | Sequence[str]] | None = None,
    *,
    review_threshold: float = 0.6,
    prompt: str | None = None,
    word_weights: Mapping[str, float] | None = None,
) -> GradeResult:
    """Grade one answer against a rubric (see the module docstring and docs/rubrics.md).

    `prompt`, optional, is the text the student was shown (scenario, question, part prompt): an
    idea found in part only in its words raises no doubt, and an answer that only repeats it
    earns nothing. A blank answer earns nothing. `word_weights` (stem -> factor, from
    `text.word_weights` over the answers to the question) make a key idea's informative words
    count more than the words every answer repeats.
    """
    compiled = compile_rubric(rubric)
    index = AnswerIndex(tokenize(answer))
    prompt_stems = _prompt_stems(prompt) if prompt else frozenset()
    if not len(index.tokens):
        return _nothing_to_grade(rubric, "Blank answer: there is nothing to grade.")
    if prompt_stems and _repeats_prompt(index, prompt_stems):
        return _nothing_to_grade(
            rubric,
            "The answer repeats the question: it adds nothing of its own to grade.",
            needs_review=True,
        )
    off_topic = not (index.content_stems & compiled.vocabulary)
    padding = not off_topic and _is_padding(index, compiled)
    results = tuple(
        _grade_criterion(
            cc,
            index,
            off_topic=off_topic,
            padding=padding,
            choices=choices,
            prompt_stems=prompt_stems,
            weights=word_weights,
        )
        for cc in compiled.criteria
    )
    confidence = min((r.confidence for r in results), default=0.0)
    needs_review = confidence < review_threshold or any(r.near_boundary for r in results)
    return GradeResult(
        criteria=results,
        score=sum(r.points for r in results),
        max_score=rubric.max_score,
        confidence=confidence,
        needs_review=needs_review,
    )


def _repeats_prompt(index: AnswerIndex, prompt_stems: frozenset[str]) -> bool:
    """Are (nearly) all the answer's content words words of the question?"""
    toks = index.tokens
    content = [s for s, c in zip(toks.stems, toks.content, strict=True) if c]
    if not content:
        return False
    own = sum(1 for s in content if s not in prompt_stems)
    return own <= COPIED_PROMPT_OWN_WORDS * len(content)


def lowest_levels(rubric: Rubric, note: str, confidence: float) -> tuple[CriterionResult, ...]:
    """Every criterion at its lowest level with `note`: for answers with nothing to grade and
    for graders that could not grade."""
    return tuple(
        CriterionResult(
            criterion_id=c.id,
            level_index=0,
            points=c.levels[0].points,
            max_points=c.max_points,
            evidence=(),
            matched_ideas=(),
            missed_ideas=tuple(k.id for k in c.key_ideas),
            confidence=confidence,
            note=note,
        )
        for c in rubric.criteria
    )


def _nothing_to_grade(rubric: Rubric, note: str, *, needs_review: bool = False) -> GradeResult:
    """Every criterion at its lowest level, with `note` (blank or copied answers)."""
    criteria = lowest_levels(rubric, note, HIGH_CONFIDENCE)
    return GradeResult(
        criteria=criteria,
        score=sum(c.points for c in criteria),
        max_score=rubric.max_score,
        confidence=HIGH_CONFIDENCE,
        needs_review=needs_review,
        note=note,
    )


def check_model_answers(rubric: Rubric) -> tuple[str, ...]:
    """Warnings for an instructor: model answers that miss the top level of a criterion.

    A model answer should earn full marks; when it does not, the key ideas probably lack the
    wording the model answer (and so many students) use. `argues_for` is not applied.
    """
    warnings: list[str] = []
    for i, answer in enumerate(rubric.model_answers):
        res = grade(rubric, answer)
        for c, crit in zip(res.criteria, rubric.criteria, strict=True):
            top = len(crit.levels) - 1
            if c.level_index < top or c.points < c.max_points:
                missed = ", ".join(c.missed_ideas) or "-"
                warnings.append(
                    f"model_answers[{i}] reaches level {c.level_index} of {top} in criterion "
                    f"{crit.id!r} (key ideas not found: {missed}); add phrasings in its wording."
                )
    return tuple(warnings)
