"""Node positions computed in Python, with a fixed seed, for the pages (large views: physics off in the
browser) and the pictures: a packed spring layout below 500 nodes, Louvain communities as discs above,
and a layered layout for the hierarchy of plans.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

from kg.metrics import SEED, collapse, communities


def positions(graph: nx.Graph, *, scale: float = 1.0) -> dict[str, tuple[float, float]]:
    """Node positions with a fixed seed: a spring layout (unweighted) per connected component below 500
    nodes; above, Louvain communities as discs placed by a spring layout of the community graph, hubs at
    the centre of their disc (linear in the nodes: a 3,000-node view takes a second, and no scipy).

    A hierarchy (nodes with ``kind`` plan/document) gets :func:`layered_positions` instead. The result
    is centred and fits in a square of side ``scale``.
    """
    if len(graph) == 0:
        return {}
    raw: dict
    if all(graph.nodes[n].get("kind") in ("plan", "document") for n in graph):
        raw = layered_positions(graph)
    elif len(graph) < 500:
        raw = _packed_spring(collapse(graph) if graph.is_multigraph() else nx.Graph(graph))
    else:
        raw = _clustered(collapse(graph) if graph.is_multigraph() else nx.Graph(graph))
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((float(p[0]) - cx) / span * scale, (float(p[1]) - cy) / span * scale) for n, p in raw.items()}


def _packed_spring(simple: nx.Graph) -> dict[Any, tuple[float, float]]:
    """Each connected component laid out alone (unweighted spring: heavy ties would pull the core into a
    knot; apart: a lone agency would push the rest into a corner), then packed in rows, largest first."""
    parts = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    boxes = []
    for nodes in parts:
        if len(nodes) == 1:
            boxes.append(({nodes[0]: (0.0, 0.0)}, 0.6))
            continue
        sub = simple.subgraph(nodes)
        raw = _fisheye(nx.spring_layout(sub, weight=None, seed=SEED, iterations=300, k=2.2 / len(nodes) ** 0.5),
                       dict(sub.degree()))
        side = max(1.2, 1.1 * len(nodes) ** 0.5)
        xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        boxes.append(({n: ((p[0] - min(xs)) / span * side, (p[1] - min(ys)) / span * side)
                       for n, p in raw.items()}, side))
    width = max(boxes[0][1], sum(side * side for _, side in boxes) ** 0.5 * 1.15)
    placed: dict[Any, tuple[float, float]] = {}
    x = y = row = 0.0
    for layout, side in boxes:
        if x > 0 and x + side > width:
            x, y, row = 0.0, y + row + 0.6, 0.0
        placed.update({n: (x + px, y + py) for n, (px, py) in layout.items()})
        x, row = x + side + 0.6, max(row, side)
    return placed


def _clustered(simple: nx.Graph, gap: float = 1.0) -> dict[str, tuple[float, float]]:
    """Communities as discs (area ~ members), members on a sunflower spiral by weighted degree, discs placed
    by a spring layout of the community graph and pushed apart until none overlap."""
    group = communities(simple)
    members: dict[int, list[str]] = defaultdict(list)
    for node in sorted(simple, key=lambda n: (-simple.degree(n, weight="weight"), str(n))):
        members[group[node]].append(node)
    between = nx.Graph()
    between.add_nodes_from(members)
    for a, b, data in simple.edges(data=True):
        ca, cb = group[a], group[b]
        if ca != cb:
            weight = data.get("weight", 1) + (between.edges[ca, cb]["weight"] if between.has_edge(ca, cb) else 0)
            between.add_edge(ca, cb, weight=weight)
    centre = {c: (float(p[0]), float(p[1])) for c, p in _packed_spring(between).items()} if len(between) > 1 \
        else {c: (0.0, 0.0) for c in members}
    radius = {c: gap * (len(nodes) ** 0.5 + 0.5) for c, nodes in members.items()}
    keys = sorted(members)
    spread = 1.0
    for i, a in enumerate(keys):  # the smallest scale at which no two discs overlap
        for b in keys[i + 1:]:
            d = ((centre[a][0] - centre[b][0]) ** 2 + (centre[a][1] - centre[b][1]) ** 2) ** 0.5
            spread = max(spread, (radius[a] + radius[b] + gap) / d if d > 0 else spread)
    golden = math.pi * (3 - 5 ** 0.5)
    placed = {}
    for c, nodes in members.items():
        cx, cy = centre[c][0] * spread, centre[c][1] * spread
        for index, node in enumerate(nodes):
            r, angle = gap * (index + 0.5) ** 0.5, index * golden
            placed[node] = (cx + r * math.cos(angle), cy + r * math.sin(angle))
    return placed


def _fisheye(raw: dict, degree: dict, power: float = 0.55) -> dict[str, tuple[float, float]]:
    """Distances from the degree-weighted centre raised to ``power`` < 1: a dense core spreads out and a
    long tail of small bodies comes closer, so both stay readable in one picture."""
    total = sum(degree.values()) or 1
    cx = sum(float(raw[n][0]) * degree[n] for n in raw) / total
    cy = sum(float(raw[n][1]) * degree[n] for n in raw) / total
    reach = max(((float(p[0]) - cx) ** 2 + (float(p[1]) - cy) ** 2) ** 0.5 for p in raw.values()) or 1.0
    moved = {}
    for node, point in raw.items():
        dx, dy = (float(point[0]) - cx) / reach, (float(point[1]) - cy) / reach
        r = (dx * dx + dy * dy) ** 0.5
        factor = r ** (power - 1) if r > 0 else 0.0
        moved[node] = (dx * factor, dy * factor)
    return moved


def layered_positions(graph: nx.DiGraph, *, wrap: int = 24) -> dict[str, tuple[float, float]]:
    """A top-down layout of a hierarchy in slots (x: one node, y: one row): what nothing carries out (the
    national decision) on top, each plan one row below the lowest document it carries out; a row wraps
    into a block of at most ``wrap`` nodes."""
    depth: dict[str, int] = {}
    order = reversed(list(nx.topological_sort(graph))) if nx.is_directed_acyclic_graph(graph) else sorted(graph)
    for node in order:
        targets = [depth[t] for t in graph.successors(node) if t in depth]
        depth[node] = 1 + max(targets) if targets else 0

    def parent(node: str) -> str:  # commune plans of one province side by side, under their province's plan
        above = [graph.nodes[t]["label"] for t in graph.successors(node) if graph.nodes[t].get("kind") == "plan"]
        return min(above, default="")

    rows: dict[int, list[str]] = defaultdict(list)
    for node in sorted(graph, key=lambda n: (graph.nodes[n].get("kind") != "plan", parent(n),
                                             graph.nodes[n]["label"], n)):
        rows[depth[node]].append(node)
    placed: dict[str, tuple[float, float]] = {}
    y = 0.0
    for level in sorted(rows):
        nodes = rows[level]
        width = min(len(nodes), wrap)
        for index, node in enumerate(nodes):
            placed[node] = (index % width - (width - 1) / 2, y + (index // width) * 0.7 + (index % 2) * 0.25)
        y += (len(nodes) - 1) // width * 0.7 + 1.6
    return placed
