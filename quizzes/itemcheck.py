"""The item-writing checker: cues and flaws that let a test-wise student answer without knowing.

Pure Python (no ORM): it reads questions as `Item`s and the text of the concepts they assess,
and returns `Finding`s. The question editor, the bank's filter, `import_content --check` and the
test suite (which runs it over the whole course) all call `check_bank` or `check_item`.

The checks follow the item-writing guidelines of Haladyna, Downing & Rodriguez (2002), "A Review
of Multiple-Choice Item-Writing Guidelines for Classroom Assessment": keep options homogeneous in
length, balance the key, avoid "all/none of the above", avoid absolute words ("always", "never")
as a give-away, do not test what the material states word for word when the item claims a higher
Bloom level, and keep items independent of one another. Every finding is a warning, never a
refusal: an item may carry an explicit waiver with a reason (`waivers:` in its file), and a waived
finding is still listed, with its reason.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import snowballstemmer
from pydantic import ValidationError

from courses.bloom import BloomLevel
from grading.freetext import grade
from grading.rubric import RubricError
from grading.text import STOP_WORDS
from quizzes.parts import (
    ChoicePart,
    FreeTextPart,
    MatchingPart,
    Option,
    OrderingPart,
    Part,
    parse_parts,
)

# ------------------------------------------------------------------------------- the checks

# Each check: (code, short label shown in filters, why it matters).
CHECKS: dict[str, tuple[str, str]] = {
    "longest-is-key": (
        "The correct option is the longest",
        "Test-wise students pick the longest, most qualified option; make the distractors as "
        "long and as specific as the key.",
    ),
    "all-or-none-of-the-above": (
        '"All/none of the above"',
        "It can be answered by spotting two true (or one false) options, and it rewards "
        "recognising the format rather than the content.",
    ),
    "absolutes-in-distractors": (
        "Absolute words only in wrong options",
        'Words such as "always", "never" or "only" appear in the wrong options but not in the '
        "key, so students can eliminate the wrong options by wording alone.",
    ),
    "absolute-statement-keyed-false": (
        "Absolute true/false statement keyed False",
        'A true/false statement with "always", "never" or "guaranteed" is usually false; '
        "students learn to answer False without reading further.",
    ),
    "all-options-correct": (
        "Every option is correct",
        "A multiple-response part whose options are all keyed correct does not discriminate: "
        "ticking everything earns full marks.",
    ),
    "answer-in-concept": (
        "Answered in the concept text",
        "The scenario or its keyed answer appears nearly word for word in a concept the item "
        "assesses, so the item measures recall of that passage, not the Bloom level it claims.",
    ),
    "bloom-without-judgement": (
        "Evaluate/create without a scenario or justification",
        "At evaluate or create the student has to judge or build something: the item needs a "
        "scenario to weigh or a written justification, otherwise it measures recall.",
    ),
    "near-duplicate": (
        "Near-duplicate of another item",
        "Two items asking nearly the same thing give each other away and over-weight one idea.",
    ),
    "model-answer-below-full": (
        "A model answer does not reach full marks",
        "The rubric's own model answer should earn every point; if not, the rubric's levels or "
        "key ideas do not match what the instructor expects.",
    ),
    "model-answer-triggers-misconception": (
        "A model answer triggers a misconception",
        "The rubric would cap a correct answer: the misconception's phrasing also matches "
        "correct reasoning.",
    ),
    "rubric-unreadable": (
        "The rubric cannot be read",
        "The checker could not read this part's rubric.",
    ),
    # Bank-wide balance (reported once per bank, not per item).
    "bank-length-cue": (
        "Bank: the key is too often the longest option",
        "Across the bank the key should be the longest option in about as many single-choice "
        "parts as chance gives (one in the number of options), at most ~35%.",
    ),
    "bank-true-false-balance": (
        "Bank: true/false keys unbalanced",
        "If most statements are keyed False (or True), guessing that answer beats chance.",
    ),
    "bank-multiple-key-ratio": (
        "Bank: multiple-response keys skewed",
        "If most multiple-response parts key half or more of their options as correct, "
        "ticking more options pays.",
    ),
}
ITEM_CHECKS = tuple(code for code in CHECKS if not code.startswith("bank-"))

# Thresholds (documented in docs/item-writing.md).
LONGEST_MARGIN = 1.25  # the key is at least 25% longer than the longest distractor
LONGEST_MIN_CHARS = 12  # ... and at least this many characters longer
BANK_LONGEST_SHARE = 0.35
TRUE_FALSE_BAND = (0.35, 0.65)  # share of true/false items keyed True
MULTIPLE_HALF_SHARE = 0.5  # share of multiple-response parts keying half or more options
SHINGLE = 6  # words per shingle when looking for an item's wording inside a concept
STEM_CONTAINMENT = 0.3  # share of the scenario's shingles found in one concept
ANSWER_CONTAINMENT = 0.6  # share of a keyed option's shingles found in one concept
RARE_IN_CONCEPTS = 3  # a word used by at most this many concepts is distinctive
RARE_MIN = 5  # ... and a passage sharing this many of a scenario's distinctive words
RARE_SHARE = 0.4  # ... and this share of them tells the same scenario
NEAR_DUPLICATE = 0.5  # cosine similarity (tf-idf) of what two items show a student

ABSOLUTES = frozenset(
    {
        "always",
        "never",
        "only",
        "all",
        "none",
        "every",
        "entirely",
        "completely",
        "impossible",
        "guarantee",
        "guarantees",
        "guaranteed",
        "cannot",
        "nothing",
    }
)
STRONG_ABSOLUTES = frozenset(
    {"always", "never", "impossible", "guarantee", "guarantees", "guaranteed", "entirely"}
)
_ALL_NONE = re.compile(
    r"\b(all|none|both|neither)\s+of\s+the\s+(above|options|answers|choices|others)\b", re.I
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Item:
    """A question as the checker reads it (from a content file or from the database)."""

    slug: str
    title: str
    bloom: int
    stem: str
    parts: Sequence[Mapping[str, Any] | Part]
    concepts: Sequence[str] = ()
    waivers: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def typed(self) -> list[tuple[int, Part]]:
        """(index, typed part) of each part that reads as one (quizzes/parts.py); a part that
        does not (the editor's unsaved draft can hold one) has nothing to check yet."""
        out = []
        for i, part in enumerate(self.parts):
            if isinstance(part, Mapping):
                try:
                    part = parse_parts([part])[0]
                except ValidationError:
                    continue
            out.append((i, part))
        return out


@dataclass(frozen=True)
class Finding:
    code: str
    slug: str  # the question's slug; "" for a bank-wide finding
    field: str  # content path, e.g. "parts[0].options[2].text"; "" for the whole item
    message: str  # what was found, in this item's terms
    waived: str = ""  # the waiver's reason, when the item waives this check

    @property
    def label(self) -> str:
        return CHECKS[self.code][0]

    @property
    def why(self) -> str:
        return CHECKS[self.code][1]

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        waived = f" (waived: {self.waived})" if self.waived else ""
        return f"{where}{self.label}: {self.message}{waived}"


@dataclass
class BankReport:
    findings: list[Finding]
    single_parts: int = 0
    longest_key_parts: int = 0
    true_false_items: int = 0
    true_false_keyed_true: int = 0
    multiple_parts: int = 0
    multiple_half_or_more: int = 0

    @property
    def unwaived(self) -> list[Finding]:
        return [f for f in self.findings if not f.waived]

    def for_item(self, slug: str) -> list[Finding]:
        return [f for f in self.findings if f.slug == slug]

    @property
    def longest_key_share(self) -> float:
        return self.longest_key_parts / self.single_parts if self.single_parts else 0.0

    @property
    def true_share(self) -> float:
        return self.true_false_keyed_true / self.true_false_items if self.true_false_items else 0.5

    @property
    def multiple_half_share(self) -> float:
        return self.multiple_half_or_more / self.multiple_parts if self.multiple_parts else 0.0

    def summary(self) -> str:
        parts = []
        if self.single_parts:
            parts.append(
                f"key longest in {self.longest_key_parts}/{self.single_parts} single-choice "
                f"parts ({self.longest_key_share:.0%})"
            )
        if self.true_false_items:
            parts.append(
                f"true/false keyed True in {self.true_false_keyed_true}/{self.true_false_items} "
                f"({self.true_share:.0%})"
            )
        if self.multiple_parts:
            parts.append(
                f"multiple-response parts keying half or more options: "
                f"{self.multiple_half_or_more}/{self.multiple_parts} "
                f"({self.multiple_half_share:.0%})"
            )
        return "; ".join(parts) or "no choice parts"


# ------------------------------------------------------------------------------- text helpers

_stemmer = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _shingles(words: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _content_stems(text: str) -> list[str]:
    return [_stem(w) for w in _words(text) if w not in STOP_WORDS]


def _options(part: Part) -> list[Option]:
    return list(part.options) if isinstance(part, ChoicePart) else []


# ------------------------------------------------------------------------------- one item


def _choice_findings(item: Item, i: int, part: Part) -> Iterable[Finding]:
    kind = part.kind
    options = _options(part)
    keyed = [o for o in options if o.correct]
    wrong = [o for o in options if not o.correct]
    for j, option in enumerate(options):
        if _ALL_NONE.search(option.text):
            yield Finding(
                "all-or-none-of-the-above",
                item.slug,
                f"parts[{i}].options[{j}].text",
                f"option {option.id!r} reads {option.text!r}",
            )
    if kind == "single" and keyed and wrong:
        key_len = len(keyed[0].text)
        longest_wrong = max(len(o.text) for o in wrong)
        if (
            key_len >= longest_wrong * LONGEST_MARGIN
            and key_len - longest_wrong >= LONGEST_MIN_CHARS
        ):
            j = options.index(keyed[0])
            yield Finding(
                "longest-is-key",
                item.slug,
                f"parts[{i}].options[{j}].text",
                f"the key has {key_len} characters, the longest wrong option {longest_wrong}",
            )
    if kind in ("single", "multiple") and keyed and wrong:
        absolute_wrong = [o for o in wrong if ABSOLUTES & set(_words(o.text))]
        key_has = any(ABSOLUTES & set(_words(o.text)) for o in keyed)
        if len(absolute_wrong) >= 2 and not key_has:
            j = options.index(absolute_wrong[0])
            words = sorted(
                ABSOLUTES.intersection(*[set(_words(o.text)) for o in absolute_wrong[:1]])
            )
            yield Finding(
                "absolutes-in-distractors",
                item.slug,
                f"parts[{i}].options[{j}].text",
                f"{len(absolute_wrong)} wrong options use absolute words (e.g. "
                f"{', '.join(repr(w) for w in words)}) and the key uses none",
            )
    if kind == "true_false" and keyed and keyed[0].id == "false":
        statement = part.prompt
        strong = sorted(STRONG_ABSOLUTES & set(_words(statement)))
        if strong:
            yield Finding(
                "absolute-statement-keyed-false",
                item.slug,
                f"parts[{i}].prompt",
                f"the statement says {', '.join(repr(w) for w in strong)} and is keyed False",
            )
    if kind == "multiple" and options and len(keyed) == len(options):
        yield Finding(
            "all-options-correct",
            item.slug,
            f"parts[{i}].options",
            f"all {len(options)} options are keyed correct",
        )


def _rubric_findings(item: Item, i: int, part: FreeTextPart) -> Iterable[Finding]:
    try:
        rubric = part.rubric.grading()
    except (RubricError, KeyError, TypeError, ValueError) as exc:
        yield Finding("rubric-unreadable", item.slug, f"parts[{i}].rubric", str(exc))
        return
    # A justification is graded with the choice it argues for picked, as a student would.
    choices: dict[str, str] = {}
    for _j, other in item.typed:
        if other.kind in ("single", "true_false"):
            key = next((o for o in _options(other) if o.correct), None)
            if key is not None:
                choices[other.id] = key.id
        elif other.kind == "multiple":
            choices[other.id] = ",".join(o.id for o in _options(other) if o.correct)
    for k, answer in enumerate(rubric.model_answers):
        result = grade(rubric, answer, choices, prompt=part.prompt)
        where = f"parts[{i}].rubric.model_answers[{k}]"
        if result.score + 1e-9 < rubric.max_score:
            short = [
                c.criterion_id
                for c, crit in zip(result.criteria, rubric.criteria, strict=True)
                if c.points + 1e-9 < max(level.points for level in crit.levels)
            ]
            yield Finding(
                "model-answer-below-full",
                item.slug,
                where,
                f"model answer {k + 1} earns {result.score:g} of {rubric.max_score:g} "
                f"(short on {', '.join(short)})",
            )
        hit = [m for c in result.criteria for m in c.misconceptions]
        if hit:
            yield Finding(
                "model-answer-triggers-misconception",
                item.slug,
                where,
                f"model answer {k + 1} triggers {', '.join(repr(m) for m in hit)}",
            )


@dataclass(frozen=True)
class ConceptIndex:
    """The course's concept texts, prepared once for the give-away check."""

    shingles: Mapping[str, frozenset[tuple[str, ...]]]  # slug -> word shingles of the text
    windows: Sequence[tuple[str, frozenset[str]]]  # (slug, content stems of 2 paragraphs)
    concept_frequency: Mapping[str, int]  # stem -> how many concepts use it

    def is_rare(self, stem: str) -> bool:
        return self.concept_frequency.get(stem, 0) <= RARE_IN_CONCEPTS


def index_concepts(concepts: Mapping[str, str]) -> ConceptIndex:
    """Index {concept slug: title and Markdown body} for `check_item` and `check_bank`."""
    shingles: dict[str, frozenset[tuple[str, ...]]] = {}
    windows: list[tuple[str, frozenset[str]]] = []
    frequency: Counter[str] = Counter()
    for slug, text in concepts.items():
        shingles[slug] = frozenset(_shingles(_words(text), SHINGLE))
        frequency.update(set(_content_stems(text)))
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        for i in range(len(paragraphs)):
            windows.append((slug, frozenset(_content_stems(" ".join(paragraphs[i : i + 2])))))
    return ConceptIndex(shingles, windows, frequency)


def _concept_findings(item: Item, index: ConceptIndex) -> Iterable[Finding]:
    """The scenario, or a keyed option, is told in a concept: word for word (shared runs of six
    words), or as the same worked example (most of the scenario's rare words — names, products,
    domains used by at most two concepts — in two adjacent paragraphs of one concept)."""
    stem_words = _words(item.stem)
    stem_shingles = _shingles(stem_words, SHINGLE)
    if len(stem_words) >= 25 and stem_shingles:
        for slug, theirs in index.shingles.items():
            share = len(stem_shingles & theirs) / len(stem_shingles)
            if share >= STEM_CONTAINMENT:
                yield Finding(
                    "answer-in-concept",
                    item.slug,
                    "stem",
                    f"{share:.0%} of the scenario's wording appears in concept {slug!r}",
                )
                return
    rare = {s for s in _content_stems(item.stem) if index.is_rare(s)}
    if len(rare) >= RARE_MIN:
        shared, slug = max(((len(rare & s), c) for c, s in index.windows), default=(0, ""))
        if shared >= RARE_MIN and shared / len(rare) >= RARE_SHARE:
            yield Finding(
                "answer-in-concept",
                item.slug,
                "stem",
                f"concept {slug!r} works through the same scenario ({shared} of its "
                f"{len(rare)} distinctive words in one passage)",
            )
            return
    for i, part in item.typed:
        if part.kind not in ("single", "multiple"):
            continue
        for j, option in enumerate(_options(part)):
            words = _words(option.text) if option.correct else []
            mine = _shingles(words, SHINGLE)
            if len(words) < 10 or not mine:
                continue
            for slug, theirs in index.shingles.items():
                share = len(mine & theirs) / len(mine)
                if share >= ANSWER_CONTAINMENT:
                    yield Finding(
                        "answer-in-concept",
                        item.slug,
                        f"parts[{i}].options[{j}].text",
                        f"{share:.0%} of the keyed answer's wording appears in concept {slug!r}",
                    )
                    return


def _bloom_findings(item: Item) -> Iterable[Finding]:
    if item.bloom < BloomLevel.EVALUATE:
        return
    has_justification = any(isinstance(p, FreeTextPart) for _i, p in item.typed)
    is_scenario = len(_words(item.stem)) >= 40
    if not has_justification and not is_scenario:
        yield Finding(
            "bloom-without-judgement",
            item.slug,
            "bloom",
            f"tagged {BloomLevel(item.bloom).label.lower()} but has neither a scenario of 40+ "
            "words nor a written justification",
        )


def _raw_item_findings(item: Item, index: ConceptIndex) -> list[Finding]:
    found: list[Finding] = []
    for i, part in item.typed:
        if isinstance(part, ChoicePart):
            found.extend(_choice_findings(item, i, part))
        elif isinstance(part, FreeTextPart):
            found.extend(_rubric_findings(item, i, part))
    found.extend(_concept_findings(item, index))
    found.extend(_bloom_findings(item))
    return found


def _apply_waivers(item: Item, findings: Iterable[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        reason = item.waivers.get(f.code, "")
        out.append(Finding(f.code, f.slug, f.field, f.message, reason) if reason else f)
    return out


def check_item(item: Item, concepts: ConceptIndex) -> list[Finding]:
    """The findings about one item alone (no bank-wide or near-duplicate checks)."""
    return _apply_waivers(item, _raw_item_findings(item, concepts))


# ------------------------------------------------------------------------------- the bank


def _item_text(item: Item) -> str:
    """What a student reads: the stem, and each part's prompt, options, pairs and items."""
    texts = [item.stem]
    for _i, part in item.typed:
        texts.append(part.prompt)
        texts.extend(o.text for o in _options(part))
        if isinstance(part, MatchingPart):
            texts.extend(f"{p.left} {p.right}" for p in part.pairs)
        if isinstance(part, OrderingPart):
            texts.extend(i.text for i in part.items)
    return " ".join(texts)


def near_duplicates(
    items: Sequence[Item], threshold: float = NEAR_DUPLICATE
) -> list[tuple[Item, Item, float]]:
    """Pairs of items whose stems and prompts have tf-idf cosine similarity ≥ `threshold`."""
    docs = [Counter(_content_stems(_item_text(item))) for item in items]
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(doc.keys())
    n = len(docs)
    vectors: list[dict[str, float]] = []
    for doc in docs:
        vec = {t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) for t, c in doc.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    # Only pairs sharing a rare-ish term can be similar: index terms to avoid n² dot products.
    postings: dict[str, list[int]] = {}
    for i, vec in enumerate(vectors):
        for t in vec:
            postings.setdefault(t, []).append(i)
    scores: dict[tuple[int, int], float] = {}
    for t, ids in postings.items():
        if len(ids) > max(20, n // 4):
            continue
        for a_pos, a in enumerate(ids):
            for b in ids[a_pos + 1 :]:
                scores[(a, b)] = scores.get((a, b), 0.0) + vectors[a][t] * vectors[b][t]
    pairs = []
    for (a, b), _partial in scores.items():
        full = sum(v * vectors[b].get(t, 0.0) for t, v in vectors[a].items())
        if full >= threshold:
            pairs.append((items[a], items[b], full))
    return sorted(pairs, key=lambda p: -p[2])


def duplicate_findings(items: Sequence[Item], of: Item | None = None) -> list[Finding]:
    """A `near-duplicate` finding on each item of every near-duplicate pair (only on `of`, when
    given), waivers applied."""
    found: list[Finding] = []
    for a, b, sim in near_duplicates(items):
        for one, other in ((a, b), (b, a)):
            if of is not None and one.slug != of.slug:
                continue
            message = f"asks nearly the same as {other.slug!r} (similarity {sim:.2f})"
            finding = Finding("near-duplicate", one.slug, "stem", message)
            found.extend(_apply_waivers(one, [finding]))
    return found


def check_bank(items: Sequence[Item], concepts: ConceptIndex) -> BankReport:
    """Every item's findings, near-duplicates, and the bank's key balance."""
    report = BankReport(findings=[])
    for item in items:
        raw = _raw_item_findings(item, concepts)
        report.findings.extend(_apply_waivers(item, raw))
    report.findings.extend(duplicate_findings(items))
    for item in items:
        for _i, part in item.typed:
            options = _options(part)
            keyed = [o for o in options if o.correct]
            if part.kind == "single" and keyed and len(options) > 1:
                report.single_parts += 1
                key_len = len(keyed[0].text)
                if all(key_len > len(o.text) for o in options if not o.correct):
                    report.longest_key_parts += 1
            elif part.kind == "true_false" and keyed:
                report.true_false_items += 1
                report.true_false_keyed_true += keyed[0].id == "true"
            elif part.kind == "multiple" and options:
                report.multiple_parts += 1
                report.multiple_half_or_more += 2 * len(keyed) >= len(options)
    if report.single_parts >= 10 and report.longest_key_share > BANK_LONGEST_SHARE:
        report.findings.append(
            Finding(
                "bank-length-cue",
                "",
                "",
                f"the key is the longest option in {report.longest_key_parts} of "
                f"{report.single_parts} single-choice parts ({report.longest_key_share:.0%})",
            )
        )
    low, high = TRUE_FALSE_BAND
    if report.true_false_items >= 6 and not low <= report.true_share <= high:
        report.findings.append(
            Finding(
                "bank-true-false-balance",
                "",
                "",
                f"{report.true_false_keyed_true} of {report.true_false_items} true/false items "
                f"are keyed True ({report.true_share:.0%})",
            )
        )
    if report.multiple_parts >= 6 and report.multiple_half_share > MULTIPLE_HALF_SHARE:
        report.findings.append(
            Finding(
                "bank-multiple-key-ratio",
                "",
                "",
                f"{report.multiple_half_or_more} of {report.multiple_parts} multiple-response "
                f"parts key half or more of their options as correct "
                f"({report.multiple_half_share:.0%})",
            )
        )
    return report
