"""Time `courses.markup.render` and `problems` on hostile Markdown, to check they stay fast.

Run from the repository root:

    .venv/bin/python bench/markup_bench.py

Each input is built at 1 MB (render cuts it to MAX_CHARS) and at just under MAX_CHARS (rendered
whole), and the best of a few runs is printed. For scale: the python-markdown renderer used
before took about 10 s on 10,000 `[`, about four minutes on 50,000, and raised RecursionError on
lists nested 2,000 deep; with `--old` (if python-markdown is still installed) the script times
it too, on inputs of 8,000 characters so that it finishes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courses.markup import MAX_CHARS, problems, render

REPEATS = 3
PATTERNS = {
    "[": "[",
    "![": "![",
    "[a](": "[a](",
    "<![CDATA[": "<![CDATA[",
    "<": "<",
    "<a ": "<a ",
    "<a + blank line": "<a\n\n",
    "*": "*",
    "*a **b ": "*a **b ",
    "_a_ ": "_a_ ",
    "`": "`",
    "`a ": "`a ",
    "```a + newline": "```a\n",
    "a, =": "a\n=\n",
    "hard breaks": "x  \n",
    "- (nested lists)": "- ",
    "1. (nested lists)": "1. ",
    "> (nested quotes)": "> ",
    "> - (quotes and lists)": "> - ",
    "<div> (nested tags)": "<div>",
    "prose": "Attention weighs *every* token against `the others`. ",
}


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def old_renderer() -> Callable[[str], object] | None:
    try:
        import markdown  # type: ignore[import-untyped]
    except ImportError:
        return None

    def old(text: str) -> object:
        try:
            return markdown.markdown(text, extensions=["extra", "sane_lists", "smarty"])
        except RecursionError as exc:
            return exc

    return old


def main() -> None:
    old = old_renderer() if "--old" in sys.argv else None
    sizes = {"1 MB": 1_000_000, f"{MAX_CHARS - 10:,} chars": MAX_CHARS - 10}
    header = f"{'input':24}" + "".join(f"{'render ' + s:>24}{'problems ' + s:>24}" for s in sizes)
    print(header + (f"{'old, 8,000 chars':>20}" if old else ""))
    worst = 0.0
    for name, unit in PATTERNS.items():
        row = f"{name:24}"
        for size in sizes.values():
            text = unit * (size // len(unit))
            r = best(lambda text=text: render(text))
            p = best(lambda text=text: problems(text))
            worst = max(worst, r, p)
            row += f"{r * 1000:21.1f} ms{p * 1000:21.1f} ms"
        if old:
            text = unit * (8_000 // len(unit))
            start = time.perf_counter()
            outcome = old(text)
            took = time.perf_counter() - start
            row += f"{took:17.2f} s" + (
                " (RecursionError)" if isinstance(outcome, Exception) else ""
            )
        print(row, flush=True)
    print(f"slowest: {worst * 1000:.1f} ms")


if __name__ == "__main__":
    main()
