"""Pure tests of the layered layout and SVG drawing of the prerequisite graph."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courses.graphlayout import (
    COLUMN_PITCH,
    ROW_PITCH,
    NodeIn,
    layout,
    render_svg,
    wrap_label,
)

SVG = "{http://www.w3.org/2000/svg}"


def make_nodes(*keys: str) -> list[NodeIn]:
    return [NodeIn(key=k, label=k.title(), href=f"/c/{k}/") for k in keys]


def diamond() -> tuple[list[NodeIn], list[tuple[str, str]]]:
    nodes = make_nodes("tokens", "attention", "embeddings", "transformer", "scaling")
    edges = [
        ("tokens", "attention"),
        ("tokens", "embeddings"),
        ("attention", "transformer"),
        ("embeddings", "transformer"),
        ("tokens", "transformer"),
        ("transformer", "scaling"),
    ]
    return nodes, edges


def test_a_chain_of_three_nodes_gives_three_columns():
    result = layout(make_nodes("a", "b", "c"), [("b", "c"), ("a", "b")])

    assert result.layers == (("a",), ("b",), ("c",))
    xs = [result.node(k).x for k in "abc"]
    assert xs[0] < xs[1] < xs[2]
    assert xs[1] - xs[0] == COLUMN_PITCH


def test_every_edge_points_from_a_left_column_to_a_right_column():
    nodes, edges = diamond()
    result = layout(nodes, edges)
    placed = result.by_key()

    for a, b in edges:
        assert placed[a].x < placed[b].x
    assert placed["transformer"].layer == 2  # longest path, not shortest
    for edge in result.edges:
        assert edge.x1 == placed[edge.source].x + placed[edge.source].width
        assert edge.x2 == placed[edge.target].x


def test_the_same_input_in_any_order_gives_the_same_svg():
    nodes, edges = diamond()

    first = render_svg(layout(nodes, edges))
    again = render_svg(layout(nodes, edges))
    shuffled = render_svg(layout(nodes[::-1], [*edges[::-1], edges[0]]))

    assert first == again == shuffled


def test_unconnected_nodes_are_ordered_by_key():
    result = layout(make_nodes("pear", "apple", "fig"), [])

    assert result.layers == (("apple", "fig", "pear"),)
    ys = [result.node(k).y for k in ("apple", "fig", "pear")]
    assert ys == sorted(ys)
    assert ys[1] - ys[0] >= ROW_PITCH


def test_a_cycle_raises_value_error_naming_the_cycle():
    nodes = make_nodes("start", "alpha", "beta", "gamma")
    edges = [("start", "alpha"), ("alpha", "beta"), ("beta", "gamma"), ("gamma", "alpha")]

    with pytest.raises(ValueError, match="cycle") as caught:
        layout(nodes, edges)

    message = str(caught.value)
    for key in ("alpha", "beta", "gamma"):
        assert key in message
    assert "start" not in message


def test_a_self_loop_is_a_cycle():
    with pytest.raises(ValueError, match="cycle: solo -> solo"):
        layout(make_nodes("solo"), [("solo", "solo")])


def test_an_edge_to_an_unknown_node_or_a_duplicate_key_is_rejected():
    with pytest.raises(ValueError, match="ghost"):
        layout(make_nodes("a"), [("a", "ghost")])
    with pytest.raises(ValueError, match="duplicate"):
        layout(make_nodes("a", "a"), [])


def test_labels_hrefs_and_groups_are_xml_escaped():
    evil = NodeIn(
        key="x<y",
        label='<script>alert("&hi\'")</script>',
        href='/c/x?a=1&b="2"',
        group='g"><script>',
        highlight=True,
    )
    svg = render_svg(layout([evil], []), css_class='graph" onload="x')

    assert "<script" not in svg
    assert "onload=" not in svg.replace("&quot;", "")
    root = ET.fromstring(svg)  # well-formed XML
    link = root.find(f".//{SVG}a")
    assert link is not None
    assert link.get("href") == '/c/x?a=1&b="2"'
    assert link.findtext(f"{SVG}title") == '<script>alert("&hi\'")</script>'
    text_element = link.find(f"{SVG}text")
    assert text_element is not None
    text = "".join(text_element.itertext())
    assert text.startswith("<script>")


def test_the_svg_has_sized_root_links_titles_wrapped_lines_and_arrows():
    nodes = [
        NodeIn("a", "A Very Long Concept Title That Needs Several Lines To Fit", "/c/a/", "ch-1"),
        NodeIn("b", "Short", "/c/b/", "ch-2", highlight=True),
    ]
    result = layout(nodes, [("a", "b")])
    root = ET.fromstring(render_svg(result, css_class="graph wide"))

    assert root.get("class") == "graph wide"
    assert root.get("aria-label")
    assert root.get("role")
    assert float(root.get("width", "nan")) == result.width
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    links = root.findall(f".//{SVG}a")
    assert [link.get("href") for link in links] == ["/c/a/", "/c/b/"]
    assert links[0].get("class") == "node ch-1"
    assert links[1].get("class") == "node ch-2 is-current"
    assert links[0].findtext(f"{SVG}title") == nodes[0].label
    assert links[0].find(f"{SVG}rect") is not None
    assert 2 <= len(links[0].findall(f".//{SVG}tspan")) <= 3
    assert root.find(f".//{SVG}marker") is not None
    paths = root.findall(f".//{SVG}g[@class='edges']/{SVG}path")
    assert len(paths) == 1
    assert "to-current" in paths[0].get("class", "")


def test_long_labels_wrap_to_three_lines_of_22_characters_with_an_ellipsis():
    lines = wrap_label("word " * 30)

    assert len(lines) == 3
    assert all(len(line) <= 22 for line in lines)
    assert lines[-1].endswith("\u2026")
    assert wrap_label("Self-Attention") == ("Self-Attention",)
    assert wrap_label("x" * 50) == ("x" * 22, "x" * 22, "x" * 6)
    assert wrap_label("x" * 80)[-1] == "x" * 21 + "\u2026"


@st.composite
def random_dags(draw):
    n = draw(st.integers(min_value=0, max_value=14))
    names = draw(st.permutations([f"k{i:02d}" for i in range(n)]))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))),
            max_size=40,
        )
    )
    # Position in ``names`` is a topological order, which differs from key order.
    edges = [(names[min(i, j)], names[max(i, j)]) for i, j in pairs if i != j and n]
    nodes = [NodeIn(k, f"Concept {k} & <more>", f"/c/{k}/") for k in names]
    return nodes, edges


@settings(max_examples=60, deadline=None)
@given(random_dags())
def test_random_dags_are_layered_by_longest_path_without_overlaps(dag):
    nodes, edges = dag
    result = layout(nodes, edges)
    placed = result.by_key()

    assert sorted(placed) == sorted(n.key for n in nodes)
    preds: dict[str, set[str]] = {k: set() for k in placed}
    for a, b in edges:
        assert placed[a].x < placed[b].x
        preds[b].add(a)
    for key, node in placed.items():
        wanted = max((placed[p].layer + 1 for p in preds[key]), default=0)
        assert node.layer == wanted
        assert node.x + node.width <= result.width
        assert node.y + node.height <= result.height
    for column in result.layers:
        ys = [placed[k].y for k in column]
        assert all(later - earlier >= ROW_PITCH - 0.01 for earlier, later in pairwise(ys))
    svg = render_svg(result)
    ET.fromstring(svg)
    assert svg == render_svg(layout(nodes[::-1], edges[::-1]))


def test_rounding_rows_never_squeezes_two_nodes_of_a_column_below_the_row_pitch():
    """Found by the property above: rows ending in .005 rounded apart to 0.99 of a row."""
    keys = ["k01", "k02", "k03", "k04", "k05", "k06", "k00", "k07", "k08", "k09", "k10", "k11"]
    keys.append("k12")
    nodes = [NodeIn(key=k, label=f"Concept {k}", href=f"/c/{k}/") for k in keys]
    edges = [("k01", "k04"), ("k02", "k04"), ("k03", "k05"), ("k03", "k06"), ("k07", "k08")]
    result = layout(nodes, edges)
    placed = result.by_key()
    for column in result.layers:
        ys = [placed[k].y for k in column]
        assert all(later - earlier >= ROW_PITCH - 0.01 for earlier, later in pairwise(ys)), ys
