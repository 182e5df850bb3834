"""Whether a quiz's draw rules can all be met at once, and a draw that meets them.

Each draw rule asks for `count` different questions out of its pool, and no question may be
drawn twice in one attempt. Two rules whose pools overlap (chapter 1, and the Bloom level
"apply") can each be satisfiable alone and impossible together. Meeting them all is a bipartite
b-matching, solved here as a maximum flow (networkx): source → rule (capacity `count`) → each
question of its pool (uncapped) → sink (capacity 1). When the flow falls short, the source side
of a minimum cut is a set of rules that compete for too few questions — Hall's condition — and
that is what the error message names.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

_SOURCE, _SINK = "source", "sink"


@dataclass(frozen=True)
class Shortfall:
    """Rules (0-based positions) that together draw `wanted` questions from `available`."""

    rules: tuple[int, ...]
    wanted: int
    available: int

    def message(self, fixed_excluded: bool = False) -> str:
        names = [str(i + 1) for i in self.rules]
        which = (
            f"Rule {names[0]} draws"
            if len(names) == 1
            else f"Rules {', '.join(names[:-1])} and {names[-1]} draw"
        )
        verb = "matches" if self.available == 1 else "match"
        pool = f"{verb} any of them" if len(names) > 1 else f"{verb} it"
        if fixed_excluded:
            pool += " that are not already fixed questions of this quiz"
        noun = "question" if self.available == 1 else "questions"
        return (
            f"{which} {self.wanted} questions in all, but only {self.available} published "
            f"{noun} {pool}, and no question is drawn twice."
        )


def assign(
    pools: Sequence[tuple[int, Sequence[int]]], rng: random.Random | None = None
) -> list[list[int]] | Shortfall:
    """Give each (count, pool) rule `count` distinct questions of its pool, no question twice.

    Returns the questions per rule, or the Shortfall that makes it impossible. With `rng`, the
    pools are visited in a shuffled order, so the assignment varies with the seed."""
    graph = nx.DiGraph()
    graph.add_node(_SOURCE)
    graph.add_node(_SINK)
    wanted = 0
    for index, (count, pool) in enumerate(pools):
        rule = ("rule", index)
        graph.add_edge(_SOURCE, rule, capacity=count)
        wanted += count
        order = list(pool)
        if rng is not None:
            rng.shuffle(order)
        for question in order:
            graph.add_edge(rule, ("question", question))  # no capacity: uncapped
            graph.add_edge(("question", question), _SINK, capacity=1)
    value, flow = nx.maximum_flow(graph, _SOURCE, _SINK)
    if value == wanted:
        return [
            [node[1] for node, amount in flow[("rule", i)].items() if amount]
            for i in range(len(pools))
        ]
    rules = _competing_rules(pools, flow)
    available = len({q for i in rules for q in pools[i][1]})
    return Shortfall(rules, sum(pools[i][0] for i in rules), available)


def _competing_rules(
    pools: Sequence[tuple[int, Sequence[int]]], flow: dict[Any, dict[Any, int]]
) -> tuple[int, ...]:
    """The rules reachable from the source in the residual graph of a maximum flow.

    That is the smallest source side of a minimum cut: the rules still short of their count,
    and every rule holding a question they could have used. Together they want more questions
    than their pools hold (the cut's capacity is below the total wanted)."""
    holder = {
        q[1]: i[1]
        for i in flow
        if i not in (_SOURCE, _SINK) and i[0] == "rule"
        for q, amount in flow[i].items()
        if amount
    }
    short = [i for i, (count, _pool) in enumerate(pools) if flow[_SOURCE][("rule", i)] < count]
    seen = set(short)
    while short:
        for question in pools[short.pop()][1]:
            other = holder.get(question)
            if other is not None and other not in seen:
                seen.add(other)
                short.append(other)
    return tuple(sorted(seen))


def shortfall(pools: Sequence[tuple[int, Sequence[int]]]) -> Shortfall | None:
    """None when every rule can be met together, else the rules that compete."""
    if sum(count for count, _pool in pools) == 0:
        return None
    result = assign(pools)
    return result if isinstance(result, Shortfall) else None
