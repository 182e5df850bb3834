"""Evidence spans → HTML with the matching words of the student's own answer marked."""

from __future__ import annotations

from collections.abc import Sequence

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
    return mark_safe("".join(out))
