"""Benchmark: the search page over a synthetic course of many concepts.

Builds a course whose concepts' titles and bodies are drawn at random from the words of the
real course in content/ (so word frequencies look like real text), imports it with the real
importer, then times the search page for the queries of issue 8 through Django's test client
(server time: request in, response out, no network).

    .venv/bin/python bench/search_bench.py [--concepts 5000]

Uses a throw-away SQLite database unless DATABASE_URL is set (then that database is used and
the course `search-bench` in it is replaced).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import django_for_bench, summary  # noqa: E402 (after the path is set)

QUERIES = [
    "fine tuning",
    "fine-tuning",
    "few shot",
    "chain of thought",
    "attention mechanism",
    "transformers",
    "reward model preference",
    "zzzz nothing matches",
]


def vocabulary() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "content").rglob("*.md"))
    return re.findall(r"[A-Za-z][A-Za-z-]{2,}", text)


def generate(root: Path, concepts: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    words = vocabulary()
    (root / "concepts").mkdir(parents=True)
    (root / "course.yaml").write_text(
        "slug: search-bench\ntitle: Search Bench\nsummary: Synthetic.\nchapters:\n"
        "  - slug: only\n    title: Only\n    summary: s\n"
    )
    (root / "tags.yaml").write_text("tags: []\n")
    for i in range(concepts):
        title = " ".join(rng.choice(words) for _ in range(4)).title()
        summary = " ".join(rng.choice(words) for _ in range(20))
        body = " ".join(rng.choice(words) for _ in range(250))
        (root / "concepts" / f"s{i:05d}.md").write_text(
            f"---\nslug: s{i:05d}\ntitle: {title!r}\nchapter: only\nsummary: {summary!r}\n---\n"
            f"{body}\n"
        )



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concepts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="stepwise-search-bench-"))
    django_for_bench(tmp)
    from django.conf import settings
    from django.test import Client

    from content_io.course import import_course
    from courses.models import Course
    Course.objects.filter(slug="search-bench").delete()

    content = tmp / "content"
    generate(content, args.concepts)
    start = time.perf_counter()
    import_course(content)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"engine: {engine}; {args.concepts} concepts of about 275 words")
    print(f"import (with the search index): {time.perf_counter() - start:6.1f} s")

    client = Client()
    every: list[float] = []
    for query in QUERIES:
        ms = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get("/search/", {"q": query})
            ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        every += ms
        print(f"search page {query!r:28} {summary(ms)}")
    print(f"search page, all queries           {summary(every)}")


if __name__ == "__main__":
    main()
