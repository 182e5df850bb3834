"""Server-rendered SVG charts: no JavaScript, no inline style (the CSP forbids it), a <title>
and a description on each, and the page puts a table with the same figures beside each one.

Every element goes through `_el`, which escapes its text and attribute values.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)


def _num(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _el(name: str, text: str = "", inner: str = "", **attrs: float | str) -> str:
    """One SVG element: attributes (`class_` for class, `text_anchor` for text-anchor),
    escaped text, then already-built child markup."""
    parts = [name]
    for key, value in attrs.items():
        attr = key.rstrip("_").replace("_", "-")
        shown = _num(value) if isinstance(value, float) else str(value)
        parts.append(f'{attr}="{escape(shown)}"')
    return f"<{' '.join(parts)}>{escape(text)}{inner}</{name}>"


def _svg(title: str, desc: str, size: tuple[int, int], body: list[str], css: str) -> SafeString:
    n = next(_ids)
    inner = (
        _el("title", title, id=f"chart-t{n}") + _el("desc", desc, id=f"chart-d{n}") + "".join(body)
    )
    svg = _el(
        "svg",
        inner=inner,
        class_=f"chart {css}",
        viewBox=f"0 0 {size[0]} {size[1]}",
        role="img",
        aria_labelledby=f"chart-t{n} chart-d{n}",
        xmlns="http://www.w3.org/2000/svg",
    )
    return mark_safe(svg)  # every text and attribute was escaped by _el


def _tick(x: float, y: float, text: str, anchor: str = "start") -> str:
    return _el("text", text, class_="tick", x=float(x), y=float(y), text_anchor=anchor)


def band_label(i: int, bins: int) -> str:
    step = 100 / bins
    return f"{step * i:.0f}-{step * (i + 1):.0f} %"


def histogram(counts: Sequence[int], title: str) -> SafeString:
    """Bars of attempts per score band (0-10 %, 10-20 %, ... 90-100 %)."""
    width, height, left, bottom, top = 420, 220, 36, 30, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    peak = max(counts) if counts and max(counts) else 1
    bar = plot_w / max(1, len(counts))
    base = top + plot_h
    body = [
        _el("line", class_="axis", x1=left, y1=base, x2=width - 8, y2=base),
        _tick(left - 4, top + 4, str(peak), "end"),
        _tick(left - 4, base, "0", "end"),
    ]
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * bar
        tip = _el("title", f"{band_label(i, len(counts))}: {count}")
        body.append(
            _el("rect", inner=tip, class_="bar", x=x + 1, y=base - h, width=bar - 2, height=h)
        )
        if i % 2 == 0:
            body.append(_tick(x, height - 12, f"{100 * i / len(counts):.0f}"))
    body.append(_tick(width - 8, height - 12, "100 %", "end"))
    desc = "Attempts per score band: " + ", ".join(
        f"{band_label(i, len(counts))}: {c}" for i, c in enumerate(counts)
    )
    return _svg(title, desc, (width, height), body, "histogram")


@dataclass(frozen=True)
class Dot:
    label: str
    x: float  # facility, 0-1
    y: float  # correlation, -1-1
    flagged: bool
    href: str = ""


def scatter(dots: Sequence[Dot], title: str) -> SafeString:
    """Facility (x, 0-100 %) against discrimination (y, r from -1 to 1), with the bands the
    flags use shaded: very easy, very hard, and r under 0.15."""
    width, height, left, bottom, top, right = 420, 300, 40, 34, 12, 10
    plot_w, plot_h = width - left - right, height - bottom - top

    def px(x: float) -> float:
        return left + plot_w * min(max(x, 0), 1)

    def py(y: float) -> float:
        return top + plot_h * (1 - (min(max(y, -1), 1) + 1) / 2)

    mid = top + plot_h / 2
    body = [
        _el("rect", class_="zone", x=px(0.9), y=top, width=px(1) - px(0.9), height=plot_h),
        _el("rect", class_="zone", x=px(0), y=top, width=px(0.1) - px(0), height=plot_h),
        _el("rect", class_="zone", x=left, y=py(0.15), width=plot_w, height=py(-1) - py(0.15)),
        _el("line", class_="axis", x1=left, y1=py(0), x2=left + plot_w, y2=py(0)),
        _el("line", class_="axis", x1=left, y1=top, x2=left, y2=top + plot_h),
        _tick(left - 4, py(1) + 4, "1", "end"),
        _tick(left - 4, py(0) + 4, "0", "end"),
        _tick(left - 4, py(-1), "-1", "end"),
        _tick(left, height - 18, "0 %"),
        _tick(left + plot_w, height - 18, "100 %", "end"),
        _el("text", "facility", class_="label", x=left + plot_w / 2, y=height - 4,
            text_anchor="middle"),
        _el("text", "discrimination (r)", class_="label", x=12, y=mid, text_anchor="middle",
            transform=f"rotate(-90 12 {_num(mid)})"),
    ]  # fmt: skip
    for d in dots:
        tip = _el("title", f"{d.label}: facility {100 * d.x:.0f} %, r = {d.y:.2f}")
        circle = _el(
            "circle",
            inner=tip,
            class_="dot flagged" if d.flagged else "dot",
            cx=px(d.x),
            cy=py(d.y),
            r=5,
        )
        body.append(_el("a", inner=circle, href=d.href) if d.href else circle)
    desc = f"{len(dots)} questions by facility and discrimination; the table lists them all."
    return _svg(title, desc, (width, height), body, "scatter")


@dataclass(frozen=True)
class Bar:
    label: str
    share: float  # 0-1
    correct: bool


def option_bars(bars: Sequence[Bar], title: str) -> SafeString:
    """One horizontal bar per option: the share of attempts that chose it; keys marked ✓."""
    row, left, width = 22, 150, 420
    height = row * max(1, len(bars)) + 6
    plot_w = width - left - 50
    body = []
    for i, b in enumerate(bars):
        y = 3 + i * row
        text = (b.label if len(b.label) <= 24 else b.label[:23] + "…") + (" ✓" if b.correct else "")
        w = plot_w * b.share
        body += [
            _tick(left - 6, y + 14, text, "end"),
            _el("rect", class_="bar key" if b.correct else "bar", x=left, y=y + 2, width=w,
                height=row - 6),
            _tick(left + w + 4, y + 14, f"{100 * b.share:.0f} %"),
        ]  # fmt: skip
    desc = "; ".join(
        f"{b.label}{' (key)' if b.correct else ''}: {100 * b.share:.0f} %" for b in bars
    )
    return _svg(title, desc, (width, height), body, "options")


def heat_map(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    title: str,
) -> SafeString:
    """Mean facility per row and column: darker is harder; empty cells have no question."""
    cell_w, cell_h, left, top = 64, 24, 170, 24
    width = left + cell_w * max(1, len(columns)) + 4
    height = top + cell_h * max(1, len(rows)) + 4
    body = [_tick(left + j * cell_w + cell_w / 2, 16, c, "middle") for j, c in enumerate(columns)]
    for i, label in enumerate(rows):
        y = top + i * cell_h
        body.append(_tick(left - 6, y + 16, label if len(label) <= 26 else label[:25] + "…", "end"))
        for j, value in enumerate(cells[i]):
            x = left + j * cell_w
            if value is None:
                body.append(
                    _el("rect", class_="cell empty", x=x, y=y, width=cell_w - 2, height=cell_h - 2)
                )
                continue
            band = min(4, int(value * 5))  # 0: under 20 % ... 4: 80 % and over
            tip = _el("title", f"{label}, {columns[j]}: {100 * value:.0f} %")
            body += [
                _el("rect", inner=tip, class_=f"cell heat-{band}", x=x, y=y, width=cell_w - 2,
                    height=cell_h - 2),
                _el("text", f"{100 * value:.0f}", class_=f"cell-text heat-text-{band}",
                    x=float(x + cell_w / 2 - 1), y=y + 16, text_anchor="middle"),
            ]  # fmt: skip
    desc = "Mean facility of the questions per concept and Bloom level, as in the table."
    return _svg(title, desc, (width, height), body, "heat")
