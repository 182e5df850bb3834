"""Layered (Sugiyama-style) layout and SVG drawing of the prerequisite graph.

Pure Python: no Django imports, so it can be tested and benchmarked on its own.

An edge ``(a, b)`` means "a must be learned before b"; it is drawn as an arrow from a
(left) to b (right).  The steps, each about linear in nodes + edges:

1. Layering: every node goes in the column of its longest path from a source
   (networkx topological order), so every edge points strictly to the right.
2. Ordering: a few alternating sweeps of the barycenter heuristic order the nodes
   within each column to reduce crossings (ties broken by current row, then key).
3. Rows: each column is pulled towards the rows of its neighbours while keeping its
   order and a minimum spacing (isotonic regression by pool-adjacent-violators).
4. Ports: the ends of edges are spread along the sides of a box, sorted by the row
   of the other end, so that arrows entering one box do not pile up on one point.

Edges are cubic curves without dummy nodes.  Edges that skip a column pass behind
the boxes in between, so they get the class ``long`` and a fainter stroke.
Output is deterministic and does not depend on the order of the input lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import networkx as nx

__all__ = [
    "Layout",
    "NodeIn",
    "PlacedEdge",
    "PlacedNode",
    "layout",
    "render_svg",
    "wrap_label",
]

# Geometry, in CSS pixels.  Boxes have a fixed size; the drawing is never scaled down.
MARGIN = 16
NODE_WIDTH = 184
NODE_HEIGHT = 60
COLUMN_GAP = 72
ROW_GAP = 16
LINE_HEIGHT = 16
FONT_SIZE = 13
PORT_INSET = 10  # edge ends stay this far from a box's top and bottom
PORT_STEP = 8  # preferred distance between edge ends on one side of a box

WRAP_WIDTH = 22  # characters per line
MAX_LINES = 3
ELLIPSIS = "\u2026"

ORDER_SWEEPS = 4  # barycenter sweeps: forward, backward, forward, backward
ROW_PASSES = 3  # row placement passes: forward, backward, forward

ROW_PITCH = NODE_HEIGHT + ROW_GAP
COLUMN_PITCH = NODE_WIDTH + COLUMN_GAP


@dataclass(frozen=True, slots=True)
class NodeIn:
    """A node to lay out: ``group`` is the chapter slug, ``highlight`` the current one."""

    key: str
    label: str
    href: str
    group: str = ""
    highlight: bool = False


@dataclass(frozen=True, slots=True)
class PlacedNode:
    """A node with its box: ``(x, y)`` is the top-left corner."""

    key: str
    label: str
    href: str
    group: str
    highlight: bool
    layer: int
    order: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]

    @property
    def center_y(self) -> float:
        return self.y + self.height / 2


@dataclass(frozen=True, slots=True)
class PlacedEdge:
    """An edge from the right side of ``source`` to the left side of ``target``."""

    source: str
    target: str
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class Layout:
    nodes: tuple[PlacedNode, ...]  # by column, then top to bottom (the tab order)
    edges: tuple[PlacedEdge, ...]  # sorted by (source, target)
    layers: tuple[tuple[str, ...], ...]  # keys per column, top to bottom
    width: float
    height: float

    def by_key(self) -> dict[str, PlacedNode]:
        return {placed.key: placed for placed in self.nodes}

    def node(self, key: str) -> PlacedNode:
        for placed in self.nodes:
            if placed.key == key:
                return placed
        raise KeyError(key)


def wrap_label(label: str, width: int = WRAP_WIDTH, max_lines: int = MAX_LINES) -> tuple[str, ...]:
    """Greedy word wrap to at most ``max_lines`` lines of ``width`` characters.

    Words longer than a line are cut; text that does not fit ends in an ellipsis.
    """
    lines: list[str] = []
    current = ""
    overflow = False
    for word in label.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
        if len(lines) > max_lines:
            overflow = True
            break
    if current and not overflow:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        if len(last) >= width:
            last = last[: width - 1].rstrip()
        lines = [*lines[: max_lines - 1], last + ELLIPSIS]
    return tuple(lines) or ("",)


def layout(nodes: Sequence[NodeIn], edges: Sequence[tuple[str, str]]) -> Layout:
    """Place ``nodes`` in columns so that every edge ``(a, b)`` points from a to b rightwards.

    Raises ``ValueError`` on duplicate keys, edges to unknown keys, or a cycle (named in
    the message).
    """
    by_key: dict[str, NodeIn] = {}
    for node in nodes:
        if node.key in by_key:
            raise ValueError(f"duplicate node key {node.key!r}")
        by_key[node.key] = node
    keys = sorted(by_key)
    index = {key: i for i, key in enumerate(keys)}
    n = len(keys)

    edge_set: set[tuple[int, int]] = set()
    for a, b in edges:
        for end in (a, b):
            if end not in index:
                raise ValueError(f"edge ({a!r}, {b!r}) names unknown node {end!r}")
        edge_set.add((index[a], index[b]))
    edge_list = sorted(edge_set)

    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for u, w in edge_list:
        succs[u].append(w)
        preds[w].append(u)

    topo = _topological_order(n, edge_list, keys)

    # 1. Longest-path layering.
    layer_of = [0] * n
    for v in topo:
        if preds[v]:
            layer_of[v] = 1 + max(layer_of[u] for u in preds[v])
    layer_count = max(layer_of, default=-1) + 1
    layers: list[list[int]] = [[] for _ in range(layer_count)]
    for v in range(n):  # v ascends, so each layer starts sorted by key
        layers[layer_of[v]].append(v)

    # 2. Crossing reduction.
    row = [0.0] * n
    for members in layers:
        for i, v in enumerate(members):
            row[v] = float(i)
    for sweep in range(ORDER_SWEEPS):
        forward = sweep % 2 == 0
        neighbours = preds if forward else succs
        sequence = layers[1:] if forward else layers[-2::-1]
        for members in sequence:
            _order_by_barycenter(members, neighbours, row)

    # 3. Rows.
    order_of = [0] * n
    for members in layers:
        for i, v in enumerate(members):
            order_of[v] = i
    for step in range(ROW_PASSES):
        forward = step % 2 == 0
        neighbours = preds if forward else succs
        sequence = layers if forward else layers[::-1]
        for members in sequence:
            _place_rows(members, neighbours, row)
    top = min(row, default=0.0)
    for members in layers:
        # Round each row to two places, then restore the one-row gap rounding may have cut
        # (6.005 and 7.005 round to 6.0 and 6.99 apart).
        previous: float | None = None
        for v in members:
            value = round(row[v] - top, 2)
            if previous is not None and value < previous + 1:
                value = round(previous + 1, 2)
            row[v] = previous = value

    xs = [MARGIN + layer_of[v] * COLUMN_PITCH for v in range(n)]
    ys = [MARGIN + row[v] * ROW_PITCH for v in range(n)]

    placed: list[PlacedNode] = []
    for members in layers:
        for v in members:
            node = by_key[keys[v]]
            text = " ".join(node.label.split()) or node.key
            placed.append(
                PlacedNode(
                    key=node.key,
                    label=text,
                    href=node.href,
                    group=node.group,
                    highlight=node.highlight,
                    layer=layer_of[v],
                    order=order_of[v],
                    x=xs[v],
                    y=ys[v],
                    width=NODE_WIDTH,
                    height=NODE_HEIGHT,
                    lines=wrap_label(text),
                )
            )

    # 4. Ports: spread the ends on each side of a box, sorted by the other end's row.
    out_port = _ports(succs, row, keys)
    in_port = _ports(preds, row, keys)
    placed_edges = tuple(
        PlacedEdge(
            source=keys[a],
            target=keys[b],
            x1=xs[a] + NODE_WIDTH,
            y1=ys[a] + out_port[a][b],
            x2=xs[b],
            y2=ys[b] + in_port[b][a],
        )
        for a, b in edge_list
    )

    width = 2.0 * MARGIN + (layer_count * COLUMN_PITCH - COLUMN_GAP if layer_count else 0)
    height = 2 * MARGIN + (max(ys, default=MARGIN) - MARGIN + NODE_HEIGHT if n else 0)
    return Layout(
        nodes=tuple(placed),
        edges=placed_edges,
        layers=tuple(tuple(keys[v] for v in members) for members in layers),
        width=width,
        height=height,
    )


def _topological_order(n: int, edge_list: list[tuple[int, int]], keys: list[str]) -> list[int]:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edge_list)
    try:
        return list(nx.topological_sort(graph))
    except nx.NetworkXUnfeasible:
        cycle = nx.find_cycle(graph)
        path = [keys[u] for u, _ in cycle] + [keys[cycle[0][0]]]
        raise ValueError("prerequisite cycle: " + " -> ".join(path)) from None


def _order_by_barycenter(members: list[int], neighbours: list[list[int]], row: list[float]) -> None:
    """Reorder one layer in place by the mean row of each node's fixed neighbours."""
    keyed = []
    for v in members:
        around = neighbours[v]
        centre = sum(row[u] for u in around) / len(around) if around else row[v]
        keyed.append((centre, row[v], v))  # v is the key's rank: ties go by key
    keyed.sort()
    for i, (_, _, v) in enumerate(keyed):
        members[i] = v
        row[v] = float(i)


def _place_rows(members: list[int], neighbours: list[list[int]], row: list[float]) -> None:
    """Move one layer's rows towards its neighbours' mean rows, keeping order and spacing.

    Minimises the squared distance to the wanted rows subject to a gap of at least one
    row between consecutive nodes and no row above 0: with ``z_i = row_i - i`` this is
    isotonic regression, solved in linear time by pool-adjacent-violators.
    """
    blocks: list[list[float]] = []  # [sum, count]
    for i, v in enumerate(members):
        around = neighbours[v]
        wanted = sum(row[u] for u in around) / len(around) if around else row[v]
        total, count = wanted - i, 1.0
        while blocks and blocks[-1][0] * count >= total * blocks[-1][1]:
            prev_total, prev_count = blocks.pop()
            total += prev_total
            count += prev_count
        blocks.append([total, count])
    i = 0
    for total, count in blocks:
        z = max(total / count, 0.0)
        for _ in range(int(count)):
            row[members[i]] = z + i
            i += 1


def _ports(
    neighbours: list[list[int]], row: list[float], keys: list[str]
) -> list[dict[int, float]]:
    """For each node, the offset from its top of the end of the edge to each neighbour."""
    ports: list[dict[int, float]] = []
    for around in neighbours:
        k = len(around)
        if k == 0:
            ports.append({})
            continue
        span = NODE_HEIGHT - 2 * PORT_INSET
        step = min(PORT_STEP, span / (k - 1)) if k > 1 else 0.0
        start = NODE_HEIGHT / 2 - step * (k - 1) / 2
        ordered = sorted(around, key=lambda u: (row[u], keys[u]))
        ports.append({u: start + i * step for i, u in enumerate(ordered)})
    return ports


# --- SVG --------------------------------------------------------------------------------

_TOKEN = re.compile(r"[^A-Za-z0-9_-]+")
_ATTR = {'"': "&quot;", "'": "&#x27;"}

# Presentation attributes give a readable default; page CSS (by class) overrides them.
EDGE_STROKE = "#8a8f98"
NODE_FILL = "#ffffff"
NODE_STROKE = "#5b6270"
CURRENT_FILL = "#fff4d6"
CURRENT_STROKE = "#b7791f"
TEXT_FILL = "#1f2329"


def _attr(value: str) -> str:
    return escape(value, _ATTR)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _token(value: str) -> str:
    return _TOKEN.sub("-", value).strip("-")


def _edge_path(edge: PlacedEdge) -> str:
    dx = (edge.x2 - edge.x1) / 2 if edge.x2 - edge.x1 <= COLUMN_PITCH else COLUMN_GAP
    x1, y1, x2, y2 = _num(edge.x1), _num(edge.y1), _num(edge.x2), _num(edge.y2)
    return f"M{x1} {y1}C{_num(edge.x1 + dx)} {y1} {_num(edge.x2 - dx)} {y2} {x2} {y2}"


def render_svg(
    layout: Layout,
    *,
    css_class: str = "graph",
    label: str = "Prerequisite graph",
    role: str = "group",
) -> str:
    """Draw ``layout`` as a standalone SVG string (no scripts, no external resources).

    Each node is a focusable ``<a>`` with a ``<title>`` (its accessible name and tooltip).
    The root carries ``aria-label``; its role defaults to ``group`` because ``img`` would
    hide the links inside from assistive technology.  Pass ``role="img"`` for a static
    picture.  Sizes are in CSS pixels: put the SVG in an overflow container to scroll.
    """
    classes = " ".join(_token(c) for c in css_class.split() if _token(c)) or "graph"
    marker_id = f"{classes.split()[0]}-arrow"
    width, height = _num(layout.width), _num(layout.height)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="{_attr(role)}" '
        f'aria-label="{_attr(label)}">',
        f'<defs><marker id="{marker_id}" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerUnits="userSpaceOnUse" markerWidth="8" markerHeight="8" orient="auto">'
        f'<path d="M0 0L10 5L0 10z" fill="{EDGE_STROKE}"/></marker></defs>',
        f'<g class="edges" fill="none" stroke="{EDGE_STROKE}" stroke-width="1.25" '
        f'marker-end="url(#{marker_id})">',
    ]
    current = {node.key for node in layout.nodes if node.highlight}
    for edge in layout.edges:
        css = "edge"
        if edge.source in current:
            css += " from-current"
        if edge.target in current:
            css += " to-current"
        if edge.x2 - edge.x1 > COLUMN_GAP:
            css += " long"
        fade = ' stroke-opacity="0.55"' if " long" in css else ""
        out.append(f'<path class="{css}" d="{_edge_path(edge)}"{fade}/>')
    out.append("</g>")

    out.append(
        f'<g class="nodes" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}" '
        f'fill="{TEXT_FILL}" text-anchor="middle">'
    )
    for node in layout.nodes:
        css = "node"
        group = _token(node.group)
        if group:
            css += f" {group}"
        fill, stroke, stroke_width = NODE_FILL, NODE_STROKE, "1"
        extra = ""
        if node.highlight:
            css += " is-current"
            fill, stroke, stroke_width = CURRENT_FILL, CURRENT_STROKE, "2"
            # The target of a link to `#current-node`: the browser scrolls it into view.
            extra = ' aria-current="true" id="current-node"'
        cx = _num(node.x + node.width / 2)
        first = node.y + (node.height - len(node.lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT * 0.75
        spans = "".join(
            f'<tspan x="{cx}" y="{_num(first + i * LINE_HEIGHT)}">{escape(line)}</tspan>'
            for i, line in enumerate(node.lines)
        )
        out.append(
            f'<a href="{_attr(node.href)}" class="{css}" data-key="{_attr(node.key)}"{extra}>'
            f"<title>{escape(node.label)}</title>"
            f'<rect x="{_num(node.x)}" y="{_num(node.y)}" width="{_num(node.width)}" '
            f'height="{_num(node.height)}" rx="6" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{stroke_width}"/>'
            f"<text>{spans}</text></a>"
        )
    out.append("</g></svg>")
    return "\n".join(out)
