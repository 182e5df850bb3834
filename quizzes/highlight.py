"""Evidence spans → HTML with the matching words of the student's own answer marked."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def highlight(
    text: str, evidence: Sequence[Sequence[Sequence[int]]], *, numbered: bool = False
) -> SafeString:
    """Mark `text` where any criterion found evidence.

    `evidence[i]` holds criterion i's (start, end) character spans. Each marked run carries the
    numbers of the criteria it supports (`data-criteria="1 3"`) and a class per criterion, so a
    page can show one criterion's evidence at a time. `numbered` writes those numbers after
    each run too (`<sup class="ev-num">1 3</sup>`), so the criteria are told apart without
    colour. Everything is escaped.
    """
    # The text is cut where any span starts or ends; each piece between two cuts has one set
    # of owners, and neighbouring pieces with the same owners are one run (no set per
    # character: answers run to thousands of characters).
    n = len(text)
    spans = [
        (lo, hi, number)
        for number, criterion_spans in enumerate(evidence, start=1)
        for start, end in criterion_spans
        if (lo := max(0, start)) < (hi := min(n, end))
    ]
    cuts = sorted({0, n}.union(*((lo, hi) for lo, hi, _ in spans)))
    runs: list[tuple[list[int], int, int]] = []  # (sorted owners, start, end)
    for lo, hi in pairwise(cuts):
        owners = sorted({number for s, e, number in spans if s <= lo and hi <= e})
        if runs and runs[-1][0] == owners:
            runs[-1] = (owners, runs[-1][1], hi)
        else:
            runs.append((owners, lo, hi))
    out: list[str] = []
    for owners, lo, hi in runs:
        segment = escape(text[lo:hi])
        if owners:
            numbers = " ".join(str(k) for k in owners)
            classes = " ".join(f"ev-{k}" for k in owners)
            out.append(f'<mark class="ev {classes}" data-criteria="{numbers}">{segment}</mark>')
            if numbered:
                out.append(f'<sup class="ev-num">{numbers}</sup>')
        else:
            out.append(segment)
    return mark_safe("".join(out))
