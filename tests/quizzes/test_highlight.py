"""quizzes.highlight marks runs of the answer by the criteria whose evidence covers them: the
cut-based version gives exactly the HTML of the first one (a set of owners per character)."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest
from django.utils.html import escape

from quizzes.highlight import highlight


def per_character(
    text: str, evidence: Sequence[Sequence[Sequence[int]]], *, numbered: bool = False
) -> str:
    """The first implementation, kept as the reference."""
    owners: list[set[int]] = [set() for _ in text]
    for number, spans in enumerate(evidence, start=1):
        for start, end in spans:
            for i in range(max(0, start), min(len(text), end)):
                owners[i].add(number)
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and owners[j] == owners[i]:
            j += 1
        segment = escape(text[i:j])
        if owners[i]:
            numbers = " ".join(str(n) for n in sorted(owners[i]))
            classes = " ".join(f"ev-{n}" for n in sorted(owners[i]))
            out.append(f'<mark class="ev {classes}" data-criteria="{numbers}">{segment}</mark>')
            if numbered:
                out.append(f'<sup class="ev-num">{numbers}</sup>')
        else:
            out.append(segment)
        i = j
    return "".join(out)


def test_a_known_answer() -> None:
    text = "A <small> model & a cheap one"
    evidence = [[[2, 9]], [[2, 17], [20, 99]], [], [[-5, 1]]]
    assert highlight(text, evidence) == per_character(text, evidence)
    assert '<mark class="ev ev-1 ev-2" data-criteria="1 2">&lt;small&gt;</mark>' in highlight(
        text, evidence
    )


@pytest.mark.parametrize("seed", range(200))
def test_random_spans_give_the_same_html(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice("ab <&>\n") for _ in range(rng.randint(0, 40)))
    evidence = [
        [[(s := rng.randint(-5, 45)), s + rng.randint(-3, 20)] for _ in range(rng.randint(0, 4))]
        for _ in range(rng.randint(0, 5))
    ]
    numbered = rng.random() < 0.5
    assert highlight(text, evidence, numbered=numbered) == per_character(
        text, evidence, numbered=numbered
    )
