"""Time layout() + render_svg() on random DAGs to check they grow about linearly.

Run from the repository root:

    .venv/bin/python bench/graph_layout_bench.py

For each size it prints the best of a few runs and the time per (nodes + edges); a
roughly constant last column means linear growth.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from courses.graphlayout import NodeIn, layout, render_svg

SIZES = (500, 1000, 2000, 5000)
EDGES_PER_NODE = 4
REPEATS = 3
WORDS = (
    "attention",
    "model",
    "token",
    "alignment",
    "decoding",
    "prompt",
    "tuning",
    "scaling",
    "data",
    "reward",
    "policy",
    "cache",
    "inference",
    "<evaluation>",
    "&",
    '"quoted"',
)


def random_dag(n: int, m: int, seed: int) -> tuple[list[NodeIn], list[tuple[str, str]]]:
    """``n`` nodes and ``m`` distinct edges, each from an earlier to a later node of a
    random order, with labels of two to eight words (some needing escaping)."""
    rng = random.Random(seed)
    keys = [f"concept-{i:05d}" for i in range(n)]
    rng.shuffle(keys)
    nodes = [
        NodeIn(
            key=key,
            label=" ".join(rng.choices(WORDS, k=rng.randint(2, 8))),
            href=f"/concepts/{key}/",
            group=f"chapter-{i % 5}",
            highlight=i == 0,
        )
        for i, key in enumerate(keys)
    ]
    edges: set[tuple[str, str]] = set()
    while len(edges) < m:
        a, b = rng.sample(range(n), 2)
        if a > b:
            a, b = b, a
        edges.add((keys[a], keys[b]))
    return nodes, sorted(edges)


def main() -> None:
    print(
        f"{'nodes':>6} {'edges':>6} {'layers':>6} {'layout ms':>10} {'svg ms':>8} "
        f"{'total ms':>9} {'us/(n+e)':>9} {'svg KiB':>8}"
    )
    for n in SIZES:
        m = EDGES_PER_NODE * n
        nodes, edges = random_dag(n, m, seed=n)
        best_layout = best_svg = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            result = layout(nodes, edges)
            middle = time.perf_counter()
            svg = render_svg(result)
            end = time.perf_counter()
            best_layout = min(best_layout, middle - start)
            best_svg = min(best_svg, end - middle)
        total = best_layout + best_svg
        print(
            f"{n:>6} {m:>6} {len(result.layers):>6} {best_layout * 1e3:>10.1f} "
            f"{best_svg * 1e3:>8.1f} {total * 1e3:>9.1f} {total / (n + m) * 1e6:>9.2f} "
            f"{len(svg) / 1024:>8.0f}"
        )


if __name__ == "__main__":
    main()
