"""Text normalisation for the free-text grader.

Answers are tokenised with the character offsets of every word kept, so that evidence always
points into the original answer string. Each token carries its lower-cased word, its Snowball
English stem, whether it is a stop word, whether it is a negation cue, whether it lies in the
scope of a negation cue (after it: "does not need *retraining*"; two cues cancel: "does not
avoid *retraining*"), whether it is the subject of a negated predicate ("*retraining* is not
needed") and which clause it belongs to. Phrasings of key ideas are compiled once into `Phrase`
objects and matched softly against an `AnswerIndex`: in any order, with inflections,
misspellings (fuzzy matching of long words) and a few words in between, never across a contrast
("but", "unlike X,"), at half weight across a sentence boundary, and only when each word has
the polarity it has in the phrasing. Misconceptions match inside one clause (commas included).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import simplemma
import snowballstemmer
from rapidfuzz import fuzz, process

__all__ = [
    "FUZZY_MIN_LEN",
    "FUZZY_MIN_RATIO",
    "NEGATING_VERBS",
    "NEGATION_CUES",
    "QUANTIFIERS",
    "STOP_WORDS",
    "SYNONYMS",
    "AnswerIndex",
    "Phrase",
    "PhraseMatch",
    "Tokens",
    "compile_phrase",
    "match_phrase",
    "stem",
    "tokenize",
    "word_weights",
]

FUZZY_MIN_RATIO = 85.0  # rapidfuzz ratio (0..100) for a misspelling to count
FUZZY_MIN_LEN = 5  # only words of at least this length are matched fuzzily
MAX_NEGATION_SCOPE = 6  # tokens after a cue that it can negate
MAX_SUBJECT_SCOPE = 8  # tokens before a denied predicate ("... is not needed") it reaches

# Words, numbers (1.5) and contractions ("doesn't"); offsets index the original string.
_TOKEN_RE = re.compile(r"\d+(?:\.\d+)+|[^\W_]+(?:['\u2019][^\W_]+)*", re.IGNORECASE)
_BOUNDARY_CHARS = frozenset('.,;:!?()[]{}"\u201c\u201d')
_SENTENCE_CHARS = frozenset(".;:!?")  # end a clause; commas, brackets and quotes do not

NEGATION_CUES = frozenset(
    {"not", "no", "never", "without", "cannot", "neither", "nor", "none", "nothing", "nobody"}
)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs that negate their object ("avoids retraining" = no retraining); they are cues too, so a
# negation before them flips the polarity back ("does not avoid retraining" = retraining).
NEGATING_VERBS = _wordset(
    """avoid avoids avoided avoiding prevent prevents prevented preventing skip skips skipped
    skipping eliminate eliminates eliminated eliminating omit omits omitted omitting bypass
    bypasses bypassed bypassing lack lacks lacked lacking"""
)
# Cues that negate a noun phrase ("no reward model", "without retraining"), unlike "not",
# "never" and "nor", which negate what follows them in the clause.
_NOUN_CUES = _wordset("no none nothing nobody without neither") | NEGATING_VERBS
# Auxiliaries and forms of "be": a denied passive or copular predicate ("is not needed", "will
# not be used") negates its subject too; a negated noun phrase ends before an auxiliary.
_AUX = _wordset(
    "is are was were be been being am has have had do does did will would shall should can could "
    "may might must cannot"
)
_BE = _wordset("is are was were be been being am")
_ADVERBS_AFTER_AUX = _wordset(
    "still also really actually necessarily even just simply always usually certainly"
)
# Verb forms that end a negated noun phrase in mid-clause ("with no other context | looks like
# an FAQ page"). Only forms that are (almost) never nouns: "costs", "runs" and "needs" are not.
_VERB_FORMS = _AUX | _wordset(
    """looks looked seems seemed appears appeared sounds becomes became remains remained stays
    stayed behaves tends happens happened depends means meant gives gave takes took keeps kept
    knows knew learns learnt predicts produces continues follows contains includes requires
    involves allows enables ensures improves writes wrote reads says said treats sees saw goes
    went comes came saves saved reduces lowers helps helped speeds frees spares wastes increases
    decreases matters"""
)
# Prepositions also end a negated noun phrase: "eliminates the copying | of large data".
_PREPOSITIONS = _wordset(
    """of for in on at by from with about into onto upon over under during within via per
    between among through across along toward towards against"""
)
# Words that start a new clause that a phrasing is never matched across ("block"). After a
# clause opened by a contrast (_INTRO_WORDS) at the start of a sentence or after a comma
# ("Unlike fine-tuning, ...", "..., while X, ..."), a comma starts a new block too.
_CLAUSE_WORDS = _wordset("but although though whereas unlike unless instead rather")
_CAUSE_WORDS = _wordset("because")  # start a clause, but not a block
_INTRO_WORDS = _wordset("unlike although though whereas while despite compared instead rather")
# Words that do not count towards MAX_NEGATION_SCOPE ("no reward model or RL loop is needed").
_SCOPE_FREE = _wordset("a an the or")
# "doesn't" -> "does" + cue; the spellings students type without an apostrophe as well.
_NT_WORDS = {
    "can't": "can",
    "cant": "can",
    "won't": "will",
    "wont": "will",
    "shan't": "shall",
    "ain't": "is",
    "aint": "is",
}


for _w in _wordset(
    "do does did is are was were has have had could should would must need might dare"
):
    _NT_WORDS[_w + "n't"] = _w
    if _w not in {"need", "dare", "might", "had", "must"}:
        _NT_WORDS[_w + "nt"] = _w
_NT_WORDS["neednt"] = "need"
_NT_WORDS["mustnt"] = "must"

# A negation's scope ends at clause punctuation or at one of these words.
_SCOPE_BREAKERS = _wordset(
    """but because since so while whereas although though however therefore which who whom whose
    when whenever if then than unless until instead rather yet hence thus otherwise as only
    merely also unlike except"""
)
# "not only / not just / not merely ... (but also)" negates "only", not what follows.
_NOT_ONLY = _wordset("only just merely")

# Function words: articles, pronouns, auxiliaries, prepositions, conjunctions. Words that can
# carry meaning in a definition (same, different, first, last, all, only, before, after, left,
# right, more, less, one, two ...) are deliberately NOT stop words.
STOP_WORDS = _wordset(
    """a an the this that these those there here it its it's itself they them their theirs
    themselves he him his she her hers i me my mine we us our ours you your yours one's
    is are was were be been being am do does did doing done have has had having will would shall
    should can could may might must of in on at by for to from with about into onto upon over
    under than then so as such and or but if because while whereas although though also too
    very just what which who whom whose when whenever where wherever why how i.e e.g etc eg ie
    thing things some any anything something get gets got getting make makes made let lets
    within via per whether either ll re ve between among through across along
    toward towards during against"""
)

# Words kept inside a phrasing although they are function words or negation cues.
QUANTIFIERS = _wordset(
    "nothing anything something everything nobody anybody somebody everybody none"
)

_NOT_AFTER_ARTICLE = _wordset(
    """and or nor is are was were has have had does did do will would can could to in on at of
    with not but then than so because should must may might also both be"""
)

# Light words count half in a phrasing: verbs and nouns that carry little of an idea, so that
# "the weights stay the same" and "the weights are unchanged" agree on the words that matter.
LIGHT_WEIGHT = 0.5
LIGHT_WORDS = _wordset(
    """stay stays stayed remain remains remained become becomes became seem seems go goes went
    come comes came take takes took give gives gave want wants way ways kind lot really actually
    basically simply able also still always usually much many very well even"""
)

_stemmer = snowballstemmer.stemmer("english")


# Near-synonyms of general English, matched as one word (on both sides). Domain terms are not
# here on purpose: a rubric lists those as alternative phrasings of its key ideas. Only words
# that mean the same in every context: not cost/price (the price of a product is not the cost of
# training it), end/finish, put/place, connect/join, damage/broken.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("additional", "extra"),
    ("require", "need", "necessary"),
    ("cheap", "inexpensive", "affordable"),
    ("fast", "quick", "rapid", "swift", "speedy"),
    ("same", "identical", "unchanged"),
    ("large", "big", "huge", "enormous"),
    ("small", "little", "tiny"),
    ("start", "begin", "commence"),
    ("make", "create", "produce"),
    ("use", "utilize", "utilise", "employ"),
    ("change", "modify", "alter", "update"),
    ("keep", "retain", "preserve", "maintain"),
    ("remove", "delete", "eliminate"),
    ("obtain", "receive", "acquire"),
    ("choose", "select", "pick"),
    ("wrong", "incorrect"),
    ("error", "mistake"),
    ("allow", "enable", "permit"),
    ("help", "assist"),
    ("improve", "enhance"),
    ("reduce", "decrease", "lower"),
    ("increase", "raise"),
    ("often", "frequently"),
    ("answer", "response", "reply"),
    ("difficult", "hard"),
    ("easy", "simple"),
    ("method", "approach", "technique"),
    ("goal", "aim", "objective"),
    ("copy", "duplicate"),
    ("similar", "alike"),
    ("different", "distinct"),
    ("entire", "whole"),
    ("each", "every"),
    ("call", "invoke"),
    ("swap", "exchange"),
)


def _raw_stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


_CANONICAL: dict[str, str] = {}
for _group in SYNONYMS:
    for _word in _group:
        _CANONICAL[_raw_stem(_word)] = _raw_stem(_group[0])


# Words whose lemma would change their meaning in a definition ("left" is a side, not "leave";
# "better" is a comparison, not "good"; "data" and "media" are used as singulars).
_KEEP_FORM = _wordset(
    """left better best worse worst less least more most data media lying lay found saw felt
    rose bore ground wound number"""
)


def _comparative_base(word: str) -> str | None:
    """The adjective of a comparative the lexicon keeps as a word of its own ("cooler" is also
    a noun, "hotter" a headword): "-er" is a comparative when the lexicon knows the matching
    "-est" superlative and takes it to a base the word starts with (cooler/coolest -> cool,
    hotter/hottest -> hot, noisier/noisiest -> noisy); "layer", "letter" or "water" have no
    "-est" form and stay nouns."""
    if len(word) < 5 or not word.endswith("er"):
        return None
    sup = word[:-2] + "est"
    if not simplemma.is_known(sup, lang="en"):
        return None
    base = simplemma.lemmatize(sup, lang="en")
    if not isinstance(base, str) or base == sup or not base.isalpha():
        return None
    base = base.lower()
    return base if word.startswith(base[:-1]) else None


def _agent_noun(word: str) -> str | None:
    """An agent or instrument noun in "-er" ("encoder", "retriever", "transformer"), singular,
    when the stemmer would take it to its verb ("encod", "retriev"): it is kept whole, so that
    "the encoder" does not say "encodes" (docs/rubrics.md, "Words")."""
    single = word[:-1] if word.endswith("ers") else word
    if len(single) < 5 or not single.endswith("er") or _raw_stem(single).endswith("er"):
        return None
    return single


@lru_cache(maxsize=65536)
def _lemma(word: str) -> str:
    """The dictionary form of an irregular word (ran -> run, taught -> teach, children -> child)
    from simplemma's English lexicon; other words are left to the stemmer."""
    if len(word) < 3 or not word.isalpha() or word in _KEEP_FORM or word in STOP_WORDS:
        return word
    lemma = simplemma.lemmatize(word, lang="en")
    if not isinstance(lemma, str) or not lemma.isalpha():
        return word
    lemma = lemma.lower()
    if lemma == word:
        return _comparative_base(word) or word
    return lemma


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem of a lower-case word's lemma, near-synonyms folded together.

    Numbers are kept as they are.
    """
    if not word or word[0].isdigit():
        return word
    s = _raw_stem(word)
    lemma = _lemma(word)
    if lemma != word:
        ls = _raw_stem(lemma)
        if ls != s:
            s = ls
    agent = _agent_noun(lemma) if word not in _KEEP_FORM else None
    if agent is not None:
        return agent
    return _CANONICAL.get(s, s)


def _spelling_variants(a: str, b: str) -> bool:
    """British and American spellings of one word (memorise/memorize, colour/color)."""
    return a.replace("s", "z").replace("our", "or") == b.replace("s", "z").replace("our", "or")


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return bool(simplemma.is_known(word, lang="en"))


def may_be_misspelling(answer_word: str, phrase_word: str) -> bool:
    """Can a fuzzy match take `answer_word` for `phrase_word`? Not when both are words of the
    lexicon: then they are two words ("weights"/"weighty", "learned"/"learner"), not a slip of
    the keyboard, unless they are two spellings of one word ("memorise"/"memorize")."""
    if not (_known(answer_word) and _known(phrase_word)):
        return True
    return _spelling_variants(answer_word, phrase_word)


@lru_cache(maxsize=65536)
def _normalise_word(raw: str) -> tuple[str, bool]:
    """(lower-case word, is a negation cue) for one token's text."""
    w = raw.lower().replace("\u2019", "'")
    if w in _NT_WORDS:
        return _NT_WORDS[w], True
    if w.endswith("n't"):
        return w[:-3], True
    if w in NEGATION_CUES or w in NEGATING_VERBS:
        return w, True
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("'"):
        w = w[:-1]
    return w, False


@dataclass(frozen=True, slots=True)
class Tokens:
    """A tokenised text; all tuples are parallel (one entry per token)."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    words: tuple[str, ...]
    stems: tuple[str, ...]
    content: tuple[bool, ...]  # neither a stop word nor a negation cue
    cue: tuple[bool, ...]
    negated: tuple[bool, ...]  # inside the scope of an odd number of negation cues
    boundary_before: tuple[bool, ...]  # clause punctuation between this token and the previous
    # subject of a denied passive or copular predicate: "retraining" in "retraining is not needed"
    subject_negated: tuple[bool, ...]
    # Numbers that rise at each boundary: `block` at clause words ("but", "although") and at the
    # comma closing "Unlike X,"; `clause` at those, at "because" and at sentence punctuation;
    # `clause_strict` at those and at every comma, bracket or quote.
    block: tuple[int, ...]
    clause: tuple[int, ...]
    clause_strict: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)

    @property
    def n_content(self) -> int:
        return sum(self.content)


def _negates_predicate(i: int, words: list[str], boundary: list[bool]) -> bool:
    """Does cue `i` deny a passive or copular predicate ("is not needed", "won't be used")?

    Then its subject is as good as negated: "retraining is not needed" says "no retraining".
    An active predicate is not enough: "more pre-training would not help" does not say "no
    pre-training".
    """
    w = words[i]
    n = len(words)
    after = i + 1
    while after < n and words[after] in _ADVERBS_AFTER_AUX and not boundary[after]:
        after += 1
    if after < n and not boundary[after] and words[after] in {"be", "been"}:
        return w in _AUX or w in {"not", "never"}  # "will not be needed", "won't be used"
    if w in _BE:  # "isn't", "wasn't"
        return True
    if i == 0 or boundary[i] or w not in {"not", "never", "no"}:
        return False
    prev = i - 1
    if words[prev] in _ADVERBS_AFTER_AUX and prev > 0 and not boundary[prev]:
        prev -= 1
    return words[prev] in _BE  # "is not needed", "is no longer necessary", "is still not"


def _opens_clause(i: int, words: list[str], boundary: list[bool]) -> bool:
    return (
        i == 0
        or boundary[i]
        or words[i - 1] in _SCOPE_BREAKERS
        or words[i - 1] in _CLAUSE_WORDS
        or words[i - 1] in {"and", "or", "that"}
    )


def _negation(
    words: list[str], cues: list[bool], content: list[bool], boundary: list[bool]
) -> tuple[list[bool], list[bool]]:
    """(negated, subject_negated) flags of each token; see docs/rubrics.md, "Negation"."""
    n = len(words)
    negated = [False] * n
    subject = [False] * n
    for i in range(n):
        if not cues[i]:
            # "not only X": the negation falls on "only" and X is asserted
            if words[i] == "not" and i + 1 < n and words[i + 1] in _NOT_ONLY:
                negated[i + 1] = not negated[i + 1]
            continue
        w = words[i]
        # "no"/"without"/"avoids" negate a noun phrase, which ends at a verb ("with no other
        # context | looks like ..."); "no" opening a clause ("No reward model is needed"), "not"
        # and "never" go on to the end of the predicate.
        noun_phrase = w in _NOUN_CUES and not (
            w in {"no", "none", "nothing", "nobody", "neither"}
            and _opens_clause(i, words, boundary)
        )
        if w == "no" and i + 1 < n and words[i + 1] == "longer":  # "is no longer in a path"
            noun_phrase = False
        covered = False  # has the scope reached a content word yet?
        length = 0
        # "does not memorise and repeat the data": a negated auxiliary governs both bare verbs
        verbal = w in _AUX - _BE or (w in {"not", "never"} and i > 0 and words[i - 1] in _AUX - _BE)
        first_content = -1
        for j in range(i + 1, n):
            if words[j] not in _SCOPE_FREE:
                length += 1
                if length > MAX_NEGATION_SCOPE:
                    break
            if boundary[j] or words[j] in _SCOPE_BREAKERS or (cues[j] and words[j] == "nor"):
                break
            # "no retraining and saves cost"; "or" stays inside: "no reward model or RL loop"
            if covered and words[j] == "and" and not (verbal and first_content == j - 1):
                break
            if noun_phrase and covered and (words[j] in _VERB_FORMS or words[j] in _PREPOSITIONS):
                break
            negated[j] = not negated[j]  # two cues cancel: "does not avoid retraining"
            if content[j] and not covered:
                first_content = j
            covered = covered or content[j]
        if _negates_predicate(i, words, boundary):
            j, steps = i - 1, 0
            while j >= 0 and steps < MAX_SUBJECT_SCOPE and not boundary[j + 1]:
                wj = words[j]
                if (
                    cues[j]
                    or wj in _SCOPE_BREAKERS
                    or wj in _CLAUSE_WORDS
                    or wj in {"and", "or", "that"}
                ):
                    break
                subject[j] = True
                j, steps = j - 1, steps + 1
    return negated, subject


def _clauses(words: list[str], gaps: list[int]) -> tuple[list[int], list[int], list[int]]:
    """Block, clause and strict clause number of each token (see `Tokens`)."""
    block: list[int] = []
    clause: list[int] = []
    strict: list[int] = []
    b = c = cs = 0
    intro = False
    for i, w in enumerate(words):
        if i:
            new_block = w in _CLAUSE_WORDS or (gaps[i] == 1 and intro)  # "Unlike X, Y"
            new_clause = new_block or gaps[i] == 2 or w in _CAUSE_WORDS
            b += new_block
            c += new_clause
            cs += new_clause or gaps[i] > 0
        if i == 0 or gaps[i]:  # a contrast opening a sentence or following a comma
            intro = w in _INTRO_WORDS
        block.append(b)
        clause.append(c)
        strict.append(cs)
    return block, clause, strict


@lru_cache(maxsize=2048)
def tokenize(text: str) -> Tokens:
    """Tokens of a text (cached: the learned grader reads an answer the rubric grader just read)."""
    return _tokenize(text)


def _tokenize(text: str) -> Tokens:
    starts: list[int] = []
    ends: list[int] = []
    words: list[str] = []
    cues: list[bool] = []
    gaps: list[int] = []  # punctuation before a token: 0 none, 1 comma/bracket/quote, 2 sentence
    prev_end = 0
    for m in _TOKEN_RE.finditer(text):
        s, e = m.span()
        word, is_cue = _normalise_word(m.group())
        if not word and not is_cue:
            continue
        gap = text[prev_end:s]
        if not starts or not any(ch in _BOUNDARY_CHARS for ch in gap):
            gaps.append(0)
        else:
            gaps.append(2 if any(ch in _SENTENCE_CHARS for ch in gap) else 1)
        starts.append(s)
        ends.append(e)
        words.append(word)
        cues.append(is_cue)
        prev_end = e
    n = len(words)
    boundary = [g > 0 for g in gaps]
    # "not only ... but also" is not a negation (of what follows "only")
    for i in range(n - 1):
        if cues[i] and words[i] == "not" and words[i + 1] in _NOT_ONLY:
            cues[i] = False
    stems = [stem(w) for w in words]
    content = [
        not cues[i] and words[i] not in STOP_WORDS and words[i] not in NEGATION_CUES
        for i in range(n)
    ]
    # "a" is a name when no noun phrase can follow it: the course's scenario questions name their
    # options with letters ("Model A", "Plan A and B both ...", "Engineer A is right").
    for i in range(n):
        if words[i] == "a" and (
            i + 1 == n or boundary[i + 1] or words[i + 1] in _NOT_AFTER_ARTICLE
        ):
            content[i] = True
    negated, subject = _negation(words, cues, content, boundary)
    block, clause, strict = _clauses(words, gaps)
    return Tokens(
        text=text,
        starts=tuple(starts),
        ends=tuple(ends),
        words=tuple(words),
        stems=tuple(stems),
        content=tuple(content),
        cue=tuple(cues),
        negated=tuple(negated),
        boundary_before=tuple(boundary),
        subject_negated=tuple(subject),
        block=tuple(block),
        clause=tuple(clause),
        clause_strict=tuple(strict),
    )


@lru_cache(maxsize=262144)
def _fuzzy_pair(a: str, b: str) -> float:
    return float(fuzz.ratio(a, b))


class AnswerIndex:
    """Positions of each stem and word of an answer, for fast phrase matching."""

    __slots__ = ("_fuzzy_cache", "_long_words", "content_stems", "stem_pos", "tokens", "word_pos")

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self.stem_pos: dict[str, list[int]] = {}
        self.word_pos: dict[str, list[int]] = {}
        for i, (w, s) in enumerate(zip(tokens.words, tokens.stems, strict=True)):
            self.stem_pos.setdefault(s, []).append(i)
            self.word_pos.setdefault(w, []).append(i)
        self.content_stems = frozenset(
            s for s, c in zip(tokens.stems, tokens.content, strict=True) if c
        )
        self._long_words = [w for w in self.word_pos if len(w) >= FUZZY_MIN_LEN]
        self._fuzzy_cache: dict[str, list[tuple[str, float]]] = {}

    @classmethod
    def of(cls, text: str) -> AnswerIndex:
        return cls(tokenize(text))

    def fuzzy_words(self, word: str) -> list[tuple[str, float]]:
        """Answer words that look like a misspelling of `word`: (answer word, score 0..1)."""
        cached = self._fuzzy_cache.get(word)
        if cached is not None:
            return cached
        out: list[tuple[str, float]] = []
        if len(word) >= FUZZY_MIN_LEN and self._long_words:
            for aw, score, _ in process.extract(
                word, self._long_words, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO, limit=None
            ):
                if aw != word and may_be_misspelling(aw, word):
                    out.append((aw, float(score) / 100.0))
        self._fuzzy_cache[word] = out
        return out


# What a phrasing's word needs in the answer: POSITIVE (not negated), NEGATIVE (negated, or the
# subject of a negated predicate) or EITHER. In a positive phrasing every word is POSITIVE
# (except the subject of a negated predicate); in a negative one, the negated words are NEGATIVE
# and the others EITHER, since where a negation's scope ends is uncertain ("not stored in the same
# pantry as the flour" against "not stored in the pantry with the flour").
POSITIVE, NEGATIVE, EITHER = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Phrase:
    """A compiled phrasing: its distinct content stems, polarity and matching window."""

    text: str
    stems: tuple[str, ...]
    words: tuple[str, ...]  # one surface word per stem, for fuzzy matching
    weights: tuple[float, ...]  # 1 per stem, LIGHT_WEIGHT for light words ("stay", "way")
    negated: bool  # the phrasing itself is negative ("no retraining", "not connected")
    window: int  # max distance in tokens between the first and last word matched
    polarity: tuple[int, ...] = ()  # per stem: POSITIVE, NEGATIVE or EITHER
    clauses: int = 1  # clauses the phrasing spans (commas count); a match may span as many
    strict: bool = False  # match inside `clauses` strict clauses only (misconceptions)


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    """Best place of a phrasing in an answer.

    `strength` (0..1) is the share of the phrasing's content words found together, with the
    same polarity; fuzzy hits count by their similarity. `contradiction` is the share found
    together where at least one word has the opposite polarity ("does not need retraining"
    against "needs retraining").
    """

    strength: float
    positions: tuple[int, ...]
    fuzzy: bool
    contradiction: float
    contra_positions: tuple[int, ...]


NO_MATCH = PhraseMatch(0.0, (), False, 0.0, ())


def _requirement(toks: Tokens, i: int) -> int:
    if toks.negated[i]:
        return NEGATIVE
    return EITHER if toks.subject_negated[i] else POSITIVE


def compile_phrase(text: str, *, strict_clauses: bool = False) -> Phrase:
    """Compile a phrasing; with `strict_clauses` it matches only inside one clause, commas
    included (as misconceptions do)."""
    toks = tokenize(text)
    stems: list[str] = []
    words: list[str] = []
    polarity: list[int] = []
    kept: list[int] = []
    for i in range(len(toks)):
        if toks.content[i] and toks.stems[i] not in stems:
            stems.append(toks.stems[i])
            words.append(toks.words[i])
            polarity.append(_requirement(toks, i))
            kept.append(i)
    if not stems:  # only function words ("by value"): match on every word there is
        for i in range(len(toks)):
            if not toks.cue[i] and toks.stems[i] not in stems:
                stems.append(toks.stems[i])
                words.append(toks.words[i])
                polarity.append(_requirement(toks, i))
                kept.append(i)
    # quantifiers change what a phrasing says ("almost nothing but the prompt" is not "almost
    # anything in the prompt"): inside a phrasing they are words to find like any other
    for i in range(len(toks)):
        if toks.words[i] in QUANTIFIERS and toks.stems[i] not in stems and kept:
            stems.append(toks.stems[i])
            words.append(toks.words[i])
            polarity.append(EITHER)
            kept.append(i)
    kept.sort()
    if NEGATIVE in polarity:
        polarity = [NEGATIVE if x == NEGATIVE else EITHER for x in polarity]
    n_tokens = len(toks)
    window = max(4, n_tokens + 3 + n_tokens // 2)
    weights = tuple(LIGHT_WEIGHT if w in LIGHT_WORDS else 1.0 for w in words)
    if weights and all(w < 1.0 for w in weights):
        weights = tuple(1.0 for _ in weights)
    # a phrasing with a comma ("changing information, then RAG") may span a boundary of the answer
    strict = toks.clause_strict
    clauses = strict[kept[-1]] - strict[kept[0]] + 1 if kept else 1
    return Phrase(
        text=text,
        stems=tuple(stems),
        words=tuple(words),
        weights=weights,
        negated=NEGATIVE in polarity,
        window=window,
        polarity=tuple(polarity),
        clauses=clauses,
        strict=strict_clauses,
    )


def _hits(phrase: Phrase, index: AnswerIndex) -> list[tuple[int, int, float, bool]]:
    """(answer position, stem number, score, polarity agrees) of every word found."""
    hits: list[tuple[int, int, float, bool]] = []
    toks = index.tokens
    neg, subj = toks.negated, toks.subject_negated
    polarity = phrase.polarity or (POSITIVE,) * len(phrase.stems)
    for k, (s, w, need) in enumerate(zip(phrase.stems, phrase.words, polarity, strict=True)):
        ps = index.stem_pos.get(s)
        if ps is not None:
            if need == POSITIVE:
                hits.extend([(p, k, 1.0, not neg[p]) for p in ps])
            elif need == NEGATIVE:
                hits.extend([(p, k, 1.0, neg[p] or subj[p]) for p in ps])
            else:
                hits.extend([(p, k, 1.0, True) for p in ps])
        elif len(w) >= FUZZY_MIN_LEN:
            for aw, sc in index.fuzzy_words(w):
                for p in index.word_pos[aw]:
                    if need == POSITIVE:
                        agrees = not neg[p]
                    elif need == NEGATIVE:
                        agrees = neg[p] or subj[p]
                    else:
                        agrees = True
                    hits.append((p, k, sc, agrees))
    hits.sort()
    return hits


def _best_window(
    hits: list[tuple[int, int, float, bool]],
    weights: tuple[float, ...],
    window: int,
    limit: tuple[int, ...],
    span: int,
    home: tuple[int, ...] | None,
    negative: frozenset[int],
) -> PhraseMatch:
    """Best window from one hit onwards: at most `window` tokens and `span` steps of `limit`.

    A window where every stem found has the phrasing's polarity (at least once) gives the
    strength; one where some stem is found only with the opposite polarity, or just before it
    in the same block, gives the contradiction instead: "more pre-training would not help" does
    not match "more pre-training helps" on its first three words. A window for a negative
    phrasing also needs one of its `negative` stems found negated. With `home` (clauses), words
    outside the window's main clause count half when the window spans more than `span` clauses.
    """
    best = contra = 0.0
    best_pos: tuple[int, ...] = ()
    contra_pos: tuple[int, ...] = ()
    best_fuzzy = False
    m = len(hits)
    total_weight = sum(weights)
    all_agree = all(h[3] for h in hits)
    for a in range(m):
        start = hits[a][0]
        last = limit[start] + span - 1
        got: dict[int, tuple[float, int]] = {}
        against: dict[int, tuple[float, int]] = {}
        negated_found = not negative
        if not all_agree:
            # "not only the output layer" does not say "only the output layer" from "output" on
            for b in range(a - 1, -1, -1):
                p, k, sc, agrees = hits[b]
                if start - p > window or limit[p] < limit[start]:
                    break
                if not agrees and k not in against:
                    against[k] = (sc, p)
        for b in range(a, m):
            p, k, sc, agrees = hits[b]
            if p - start > window or limit[p] > last:
                break
            into = got if agrees else against
            if agrees and not negated_found and k in negative:
                negated_found = True
            old = into.get(k)
            if old is None or sc > old[0]:
                into[k] = (sc, p)
        only_against = {k: v for k, v in against.items() if k not in got} if against else None
        if only_against:
            both = {**got, **only_against}
            total = sum(sc * weights[k] for k, (sc, _) in both.items()) / total_weight
            if total > contra + 1e-9:
                contra = total
                contra_pos = tuple(sorted(v[1] for v in both.values()))
            continue
        if not negated_found:  # a negative phrasing needs one of its negated words, negated
            continue
        total = _share(got, weights, home, span) / total_weight
        if total > best + 1e-9:
            best = total
            best_pos = tuple(sorted(v[1] for v in got.values()))
            best_fuzzy = any(v[0] < 1.0 for v in got.values())
            if all_agree and best >= 1.0 - 1e-9:
                break
    return PhraseMatch(best, best_pos, best_fuzzy, contra, contra_pos)


def _share(
    got: dict[int, tuple[float, int]],
    weights: tuple[float, ...],
    home: tuple[int, ...] | None,
    span: int,
) -> float:
    """Weight of the stems found; outside the main clause half, if the window spans too many."""
    full = sum(sc * weights[k] for k, (sc, _) in got.items())
    if home is None or len(got) < 2:
        return full
    clauses = [home[p] for _, p in got.values()]
    if max(clauses) - min(clauses) < span:
        return full
    per: dict[int, float] = {}
    for k, (sc, p) in got.items():
        per[home[p]] = per.get(home[p], 0.0) + sc * weights[k]
    main = max(per.values())
    return main + 0.5 * (full - main)


def word_weights(texts: Iterable[str]) -> dict[str, float]:
    """How informative each content stem of some texts is: 0.5 for a stem in every text up to
    1.5 for a stem in one text only (a normalised inverse document frequency).

    Pass the answers to a question (and, if you like, the course's text) and give the result
    to `freetext.grade(..., word_weights=...)`: a key idea then needs its informative words, not
    only the names and topic words every answer repeats. Stems not in the mapping weigh 1.
    """
    df: dict[str, int] = {}
    n = 0
    for t in texts:
        n += 1
        toks = tokenize(t)
        for s in {s for s, c in zip(toks.stems, toks.content, strict=True) if c}:
            df[s] = df.get(s, 0) + 1
    if n < 2:
        return {}
    top = math.log(1 + n)
    return {s: round(0.5 + math.log((1 + n) / (1 + d)) / top, 4) for s, d in df.items()}


def match_phrase(
    phrase: Phrase, index: AnswerIndex, weights: Mapping[str, float] | None = None
) -> PhraseMatch:
    """Best match of a phrasing in an answer; `weights` (stem -> factor, see `word_weights`)
    scale the phrasing's words."""
    if not phrase.stems:
        return NO_MATCH
    hits = _hits(phrase, index)
    if not hits:
        return NO_MATCH
    toks = index.tokens
    negative = frozenset(k for k, x in enumerate(phrase.polarity) if x == NEGATIVE)
    if phrase.strict:
        limit, home = toks.clause_strict, None
    else:
        limit, home = toks.block, toks.clause
    pw = phrase.weights
    if weights:
        pw = tuple(w * weights.get(st, 1.0) for st, w in zip(phrase.stems, pw, strict=True))
    return _best_window(hits, pw, phrase.window, limit, phrase.clauses, home, negative)


def content_stems(texts: Iterable[str]) -> frozenset[str]:
    """All content stems of some texts."""
    out: set[str] = set()
    for t in texts:
        toks = tokenize(t)
        out.update(s for s, c in zip(toks.stems, toks.content, strict=True) if c)
    return frozenset(out)
