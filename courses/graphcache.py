"""Drawings of the prerequisite graph, cached under the course's graph version.

The layout and SVG of a large course take a second to build; they change only when its chapters,
concepts or links do. Every such change raises `Course.graph_version` (the signals below, and
the importer's bulk writes through `bump`), in the transaction of the change, and the cache key
holds the version read with the course: a page is never served a drawing older than the data it
read. A concept page's graph-derived lists (learn before, learn after, the path to here) are
cached the same way. Old versions' entries are never read again and expire from the cache.

The cache is Django's default cache: Redis when `REDIS_URL` is set (shared by every app-server
process), the local-memory cache otherwise (per process; still never stale, since the version
comes from the database). Drawings are also kept in each process's memory (the `local` cache)
in front of Redis: a 5,000-concept drawing is megabytes, slower to fetch than to splice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.cache import cache, caches
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from courses.models import Chapter, Concept, Course, Prerequisite

TIMEOUT_SECONDS = 24 * 3600
T = TypeVar("T")


def bump(course_id: int | None) -> None:
    """Mark the course's graph as changed: drawings cached before are not used again."""
    if course_id is not None:
        Course.objects.filter(pk=course_id).update(graph_version=F("graph_version") + 1)


def cached(course: Course, name: str, build: Callable[[], bytes]) -> bytes:
    """The drawing `name` of `course` at the graph version read with it, built once. Bytes,
    ready to send: a large course's drawing is megabytes, and a page splices it in as it is."""
    key = f"stepwise:graph:{course.pk}:{course.graph_version}:{name}"
    local = caches["local"]
    value = local.get(key)
    if isinstance(value, bytes):
        return value
    value = cache.get(key)  # built by another process, perhaps
    if not isinstance(value, bytes):
        value = build()
        cache.set(key, value, TIMEOUT_SECONDS)
    local.set(key, value, TIMEOUT_SECONDS)
    return value


def cached_value(course: Course, name: str, build: Callable[[], T]) -> T:
    """Any picklable value derived from the course's graph (a concept's links and path), at
    the graph version read with the course, built once."""
    key = f"stepwise:graph:{course.pk}:{course.graph_version}:{name}"
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        value = build()
        cache.set(key, value, TIMEOUT_SECONDS)
        return value
    return cast(T, found)


def cached_page_part(key: str, build: Callable[[], str]) -> str:
    """A page part whose key already holds every version it depends on, built once."""
    key = f"stepwise:part:{key}"
    found = cache.get(key)
    if isinstance(found, str):
        return found
    value = build()
    cache.set(key, value, TIMEOUT_SECONDS)
    return value


_MISSING = object()


def _concept_changed(sender: Any, instance: Concept, **kwargs: Any) -> None:
    bump(instance.course_id)


def _chapter_changed(sender: Any, instance: Chapter, **kwargs: Any) -> None:
    bump(instance.course_id)


def _link_changed(sender: Any, instance: Prerequisite, **kwargs: Any) -> None:
    course_id = (
        Concept.objects.filter(pk__in=[instance.after_id, instance.before_id])
        .values_list("course_id", flat=True)
        .first()
    )
    bump(course_id)


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_concept_changed, sender=Concept, dispatch_uid=f"graph-{signal}-concept")
        signal.connect(_chapter_changed, sender=Chapter, dispatch_uid=f"graph-{signal}-chapter")
        signal.connect(_link_changed, sender=Prerequisite, dispatch_uid=f"graph-{signal}-link")
