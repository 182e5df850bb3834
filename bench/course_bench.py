"""Benchmark: a synthetic course of 5,000 concepts and 20,000 prerequisite edges.

Generates the course as content files, imports it with the real importer, then times the
concept page, the path-to-here computation and the graph page through Django's test client
(server time: request in, response out, no network).

    .venv/bin/python bench/course_bench.py [--concepts 5000] [--edges 20000]

Uses a throw-away SQLite database unless DATABASE_URL is set (then that database is used and
the course `bench-course` in it is replaced).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import django_for_bench, summary  # noqa: E402 (after the path is set)


def generate(root: Path, concepts: int, edges: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    chapters = ["one", "two", "three", "four", "five"]
    (root / "concepts").mkdir(parents=True)
    (root / "course.yaml").write_text(
        "slug: bench-course\ntitle: Bench Course\nsummary: Synthetic.\nchapters:\n"
        + "".join(f"  - slug: {c}\n    title: Chapter {c}\n    summary: s\n" for c in chapters)
    )
    (root / "tags.yaml").write_text(
        "tags:\n  - slug: bench-tag\n    name: Bench\n    kind: custom\n"
    )
    before: dict[int, set[int]] = {i: set() for i in range(concepts)}
    made = 0
    while made < edges:
        b = rng.randrange(concepts)
        a = rng.randrange(concepts)
        if a == b:
            continue
        lo, hi = min(a, b), max(a, b)  # edges only go from lower to higher index: acyclic
        if lo not in before[hi]:
            before[hi].add(lo)
            made += 1
    body = "Synthetic body text for the benchmark. " * 20
    for i in range(concepts):
        chapter = chapters[i * len(chapters) // concepts]
        lb = "".join(f"  - c{j:05d}\n" for j in sorted(before[i]))
        (root / "concepts" / f"c{i:05d}.md").write_text(
            f"---\nslug: c{i:05d}\ntitle: Concept {i}\nchapter: {chapter}\nsummary: Concept number {i}.\n"
            + (f"learn_before:\n{lb}" if lb else "")
            + "tags:\n  - bench-tag\n---\n"
            + body
            + "\n"
        )


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concepts", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=20000)
    parser.add_argument(
        "--graph-only", action="store_true", help="only the graph page: first request and cached"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="stepwise-bench-"))
    django_for_bench(tmp)
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from content_io.course import import_course
    from courses import graph
    from courses.models import Concept, Course
    Course.objects.filter(slug="bench-course").delete()  # cascades to chapters and concepts

    content = tmp / "content"
    start = time.perf_counter()
    generate(content, args.concepts, args.edges)
    print(f"engine: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(
        f"generate {args.concepts} concepts / {args.edges} edges: {time.perf_counter() - start:6.1f} s"
    )

    start = time.perf_counter()
    report = import_course(content)
    print(
        f"import (first run):                  {time.perf_counter() - start:6.1f} s   {report.changes} changes"
    )
    start = time.perf_counter()
    report = import_course(content)
    print(
        f"import (second run, no change):      {time.perf_counter() - start:6.1f} s   {report.changes} changes"
    )

    client = Client()

    def graph_page() -> bytes:
        response = client.get("/courses/bench-course/graph/")
        assert response.status_code == 200, response.status_code
        return response.content

    # The graph page: built on the first request, then from the cache (Redis when REDIS_URL
    # is set, else local memory) until the graph changes.
    cache.clear()
    first = timed(graph_page, 1)
    cpu_start = time.process_time()
    cached = timed(graph_page, 20)
    cpu_ms = (time.process_time() - cpu_start) * 1000 / 20
    print(f"cache backend: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    print(f"graph page, first request (drawn):   {first[0]:7.1f} ms   {len(graph_page()):,} bytes")
    print(f"graph page, from the cache (20):     {summary(cached)}   target < 20 ms")
    print(f"  the same, CPU time of this process: mean {cpu_ms:7.1f} ms (a busy machine's wait left out)")
    renamed = Concept.objects.get(course__slug="bench-course", slug="c00007")
    renamed.title = "Renamed for the bench"
    renamed.save()  # raises the graph version
    after_edit = timed(graph_page, 1)
    assert b"Renamed for the bench" in graph_page()
    print(f"graph page, first request after an edit: {after_edit[0]:7.1f} ms (drawn again)")
    print(f"graph page, from the cache again (20):   {summary(timed(graph_page, 20))}")
    if args.graph_only:
        return

    rng = random.Random(1)
    slugs = list(Concept.objects.filter(course__slug="bench-course").values_list("slug", flat=True))
    deep = [f"c{i:05d}" for i in range(args.concepts - 50, args.concepts)]  # many ancestors
    sample = rng.sample(slugs, 50) + deep

    def concept_page(slug: str) -> None:
        response = client.get(f"/courses/bench-course/concepts/{slug}/")
        assert response.status_code == 200, response.status_code

    for slug in sample[:5]:
        concept_page(slug)  # warm up
    page_ms = [timed(partial(concept_page, slug), 1)[0] for slug in sample[:50]]
    print(f"concept page (50 random concepts):   {summary(page_ms)}")
    page_ms = [timed(partial(concept_page, slug), 1)[0] for slug in deep]
    print(f"concept page (50 deepest concepts):  {summary(page_ms)}")

    concepts = {c.slug: c for c in Concept.objects.filter(slug__in=deep)}
    path_ms = []
    sizes = []
    for slug in deep:
        start = time.perf_counter()
        path = graph.path_to(concepts[slug])
        path_ms.append((time.perf_counter() - start) * 1000)
        sizes.append(len(path))
    print(
        f"path to here (50 deep concepts):     {summary(path_ms)}   ~{int(statistics.mean(sizes))} ancestors each"
    )

    graph_ms = []
    for _ in range(3):
        cache.clear()  # the drawing itself, not the cache
        graph_ms += timed(lambda: client.get("/courses/bench-course/graph/"), 1)
    print(f"graph page (whole course, drawn):    {summary(graph_ms)}")
    for n in (1000, 2000, 4000):
        sub = tmp / f"content-{n}"
        generate(sub, n, n * 4)
        Course.objects.filter(slug="bench-course").delete()  # cascades to chapters and concepts
        import_course(sub)
        ms = []
        for _ in range(3):
            cache.clear()
            ms += timed(lambda: client.get("/courses/bench-course/graph/"), 1)
        print(
            f"graph page at {n:5d} concepts / {n * 4:5d} edges: {statistics.median(ms):7.1f} ms   "
            f"{statistics.median(ms) * 1000 / (n * 5):5.1f} µs per node+edge"
        )


if __name__ == "__main__":
    main()
