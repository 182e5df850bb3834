"""Answer groups and "pick first" for the review queue (issue 10, docs/review.md).

Both work on one question part's answers still waiting for a person, with the pure functions of
`grading.pick`: `group_answers` puts similar answers together (one decision can grade a group),
`pick_for_grading` orders the answers whose grade teaches the learned grader the most first.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from grading.pick import group_answers, pick_for_grading
from grading.rubric import Rubric
from quizzes.models import Answer
from quizzes.parts import TextResponse, rubric_of
from review.learning import question_text

PICK_MIN_ANSWERS = 6  # a part with fewer waiting answers is graded in the queue's order
PICK_MAX = 5  # at most this many answers of a part are moved to the top
GROUP_LIMIT = 500  # waiting answers of a part considered for groups (the oldest first)

_WORD = re.compile(r"\S+")


def text_of(answer: Answer) -> str:
    return TextResponse.read(answer.response).text


def part_key(answer: Answer) -> tuple[int, str]:
    return (answer.item.version_id, answer.part_id)


def waiting(answer: Answer) -> bool:
    """Waiting for a person: routed to review by the machine and not decided."""
    return answer.status == Answer.Status.REVIEW and answer.reviewed_by_id is None


def groups_of(answers: Sequence[Answer]) -> list[list[Answer]]:
    """Similar answers together, biggest group first (`grading.pick.group_answers`)."""
    if not answers:
        return []
    return [[answers[i] for i in group] for group in group_answers([text_of(a) for a in answers])]


def group_containing(answers: Sequence[Answer], answer_id: int) -> list[Answer]:
    for group in groups_of(answers):
        if any(a.pk == answer_id for a in group):
            return group
    return []


def differences(reference: str, text: str) -> SafeString:
    """`text` with the words that are not in `reference` (in order) marked: how a member of a
    group differs from its first answer. Everything is escaped."""
    ref = [w.lower() for w in _WORD.findall(reference)]
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    words = [text[s:e].lower() for s, e in spans]
    same: set[int] = set()
    matcher = difflib.SequenceMatcher(a=ref, b=words, autojunk=False)
    for block in matcher.get_matching_blocks():
        same.update(range(block.b, block.b + block.size))
    out: list[str] = []
    last = 0
    for index, (start, end) in enumerate(spans):
        out.append(str(escape(text[last:start])))
        word = str(escape(text[start:end]))
        out.append(word if index in same else f'<mark class="diff">{word}</mark>')
        last = end
    out.append(str(escape(text[last:])))
    return mark_safe("".join(out))


def _part_json(answer: Answer) -> object:
    part = answer.item.version.part(answer.part_id)
    return part.model_dump(mode="json") if part is not None else None


def _picks_of_part(answers: list[Answer], rubric: Rubric) -> tuple[list[int], dict[int, int]]:
    """The picks of one part's waiting answers and the size of each one's group, cached under
    the answers (ids and texts) and the rubric: the queue is reloaded far more often than the
    waiting answers change."""
    first = answers[0]
    question = question_text(first.item.version, first.part_id)
    digest = hashlib.sha256(
        json.dumps(
            [[a.pk, text_of(a)] for a in answers] + [_part_json(first), question, PICK_MAX],
            sort_keys=True,
        ).encode()
    ).hexdigest()
    key = f"stepwise:picks:{first.item.version_id}:{first.part_id}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    n = min(PICK_MAX, len(answers) // 2)
    chosen = pick_for_grading(
        [(a.pk, text_of(a)) for a in answers], n, rubric=rubric, question=question
    )
    size_of = {a.pk: len(g) for g in groups_of(answers) for a in g}
    cache.set(key, (chosen, size_of), timeout=24 * 3600)
    return chosen, size_of


@dataclass(frozen=True)
class Pick:
    answer: Answer
    note: str


def picks(answers: Iterable[Answer]) -> dict[int, Pick]:
    """For each part with at least PICK_MIN_ANSWERS waiting answers among `answers`: the ones a
    person should grade first (answer id → why), most useful first."""
    by_part: dict[tuple[int, str], list[Answer]] = defaultdict(list)
    for answer in answers:
        if waiting(answer):
            by_part[part_key(answer)].append(answer)
    out: dict[int, Pick] = {}
    for part_answers in by_part.values():
        if len(part_answers) < PICK_MIN_ANSWERS:
            continue
        first = part_answers[0]
        try:
            rubric = rubric_of(first.item, first.part_id)
        except ValueError:
            continue
        chosen, size_of = _picks_of_part(part_answers, rubric)
        by_id = {a.pk: a for a in part_answers}
        for rank, answer_id in enumerate(chosen, start=1):
            similar = size_of.get(answer_id, 1) - 1
            note = f"Pick {rank} of {len(chosen)} for this question: "
            note += (
                f"it stands for {similar} similar waiting answer{'s' if similar != 1 else ''}, "
                if similar
                else "it is unlike the others, "
            )
            note += "so your grade teaches the machine the most."
            out[answer_id] = Pick(by_id[answer_id], note)
    return out


def picked_first(answers: list[Answer]) -> list[Answer]:
    """`answers` with each part's picks moved to the top (in pick order); each picked answer
    gets `pick_note`, the others an empty one."""
    chosen = picks(answers)
    for answer in answers:
        answer.pick_note = chosen[answer.pk].note if answer.pk in chosen else ""  # type: ignore[attr-defined]
    top = [p.answer for p in chosen.values()]
    return top + [a for a in answers if a.pk not in chosen]
