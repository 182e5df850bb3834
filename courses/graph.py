"""Rules and queries of the prerequisite graph.

The graph is a set of `Prerequisite` edges (before → after) inside one course. It must stay
acyclic; every path that adds an edge calls `check_new_edge`, and the importer checks the whole
edge set with `find_cycle`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import networkx as nx
from django.core.exceptions import ValidationError
from django.db import connection

if TYPE_CHECKING:
    from courses.models import Concept

N = TypeVar("N", bound=Hashable)


def format_cycle(names: Sequence[str]) -> str:
    """`['a', 'b', 'c']` → `'a → b → c → a'`."""
    return " → ".join([*names, names[0]])


def find_cycle(edges: Iterable[tuple[N, N]]) -> list[N] | None:
    """Return the nodes of one cycle in `edges` in order, or None if the graph is acyclic."""
    graph: nx.DiGraph = nx.DiGraph(list(edges))
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return None
    return [before for before, _after in cycle]


def check_new_edge(before: Concept, after: Concept) -> None:
    """Raise ValidationError if the edge before → after would break the graph's rules."""
    if before.pk == after.pk:
        raise ValidationError(
            f"“{before.title}” cannot be its own prerequisite.", code="self_prerequisite"
        )
    if before.course_id != after.course_id:
        raise ValidationError("Prerequisites must belong to the same course.", code="cross_course")
    from courses.models import Prerequisite

    edges = Prerequisite.objects.filter(before__course_id=before.course_id).values_list(
        "before_id", "after_id"
    )
    graph: nx.DiGraph = nx.DiGraph(list(edges))
    if graph.has_node(after.pk) and graph.has_node(before.pk):
        try:
            path = nx.shortest_path(graph, after.pk, before.pk)
        except nx.NetworkXNoPath:
            return
        from courses.models import Concept

        titles = dict(Concept.objects.filter(pk__in=path).values_list("pk", "title"))
        cycle = format_cycle([titles[pk] for pk in [before.pk, *path[:-1]]])
        raise ValidationError(f"This prerequisite would close a cycle: {cycle}.", code="cycle")


_ANCESTORS_SQL = """
WITH RECURSIVE ancestors(id) AS (
    SELECT before_id FROM courses_prerequisite WHERE after_id = %s
    UNION
    SELECT p.before_id FROM courses_prerequisite p JOIN ancestors a ON p.after_id = a.id
)
SELECT id FROM ancestors
"""


def ancestor_ids(concept_id: int) -> list[int]:
    """Ids of every concept that must be learned before `concept_id` (one recursive query)."""
    with connection.cursor() as cursor:
        cursor.execute(_ANCESTORS_SQL, [concept_id])
        return [row[0] for row in cursor.fetchall()]


class PathStep(NamedTuple):
    pk: int
    slug: str
    title: str
    chapter_position: int


def path_to(concept: Concept) -> list[PathStep]:
    """Every published prerequisite of `concept`, direct or indirect, in an order that respects
    the graph.

    Ancestors are found through all links, drafts included, but only published ones are
    listed: a published concept reached through a draft keeps its place, the draft is never
    named. Ties are broken by chapter position and then title, so the path reads like the
    course. Three queries whatever the number of ancestors; rows stay tuples, not models,
    because a deep concept can have a thousand ancestors.
    """
    from courses.models import Concept, Prerequisite

    ids = ancestor_ids(concept.pk)
    if not ids:
        return []
    steps = {
        row[0]: PathStep(*row)
        for row in Concept.objects.filter(pk__in=ids, status=Concept.Status.PUBLISHED).values_list(
            "pk", "slug", "title", "chapter__position"
        )
    }
    edges = Prerequisite.objects.filter(after_id__in=ids).values_list("before_id", "after_id")
    order = ordered(
        steps,
        student_edges(edges, steps.keys()),
        key=lambda pk: (steps[pk].chapter_position, steps[pk].title.lower(), pk),
    )
    return [steps[pk] for pk in order]


def student_edges(
    edges: Iterable[tuple[int, int]], visible: Collection[int]
) -> list[tuple[int, int]]:
    """The links a student sees among the `visible` (published) concepts.

    Direct links between visible concepts are kept. A chain a → draft → … → b through drafts
    only is drawn as a → b, so that a published prerequisite reached through a draft keeps its
    place before b, unless b already follows a through visible links. Drafts never appear.
    """
    edges = list(edges)
    succs: dict[int, list[int]] = {}
    for a, b in edges:
        succs.setdefault(a, []).append(b)
    direct = sorted({(a, b) for a, b in edges if a in visible and b in visible})
    visible_succs: dict[int, list[int]] = {}
    for a, b in direct:
        visible_succs.setdefault(a, []).append(b)

    def reachable(start: int, goal: int) -> bool:
        stack, seen = [start], {start}
        while stack:
            for n in visible_succs.get(stack.pop(), []):
                if n == goal:
                    return True
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
        return False

    bridges: set[tuple[int, int]] = set()
    for a in visible:
        stack = [n for n in succs.get(a, []) if n not in visible]
        seen = set(stack)
        while stack:
            for n in succs.get(stack.pop(), []):
                if n in visible:
                    bridges.add((a, n))
                elif n not in seen:
                    seen.add(n)
                    stack.append(n)
    return direct + [(a, b) for a, b in sorted(bridges) if not reachable(a, b)]


def ordered(nodes: Iterable[N], edges: Iterable[tuple[N, N]], key: Callable[[N], Any]) -> list[N]:
    """Topological order of `nodes` (edges to or from other nodes are ignored), ties by `key`."""
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, b in edges if a in graph and b in graph)
    return list(nx.lexicographical_topological_sort(graph, key=key))
