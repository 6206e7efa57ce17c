"""Metrics of the co-operation networks: weighted degree, betweenness, Louvain communities, isolated
agencies, density, hubs and the share of the top lead (what the index and each page tabulate).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from kg.corpus import PlanInfo

SEED = 7  # Louvain and layouts: the same input gives the same communities and pictures
BETWEENNESS_SAMPLE = 500  # above this many nodes, betweenness is estimated from this many sources (fixed seed)


@dataclass(frozen=True)
class AgencyMetrics:
    """Metrics of one node of a co-operation network."""

    node: str
    label: str
    category: str
    tasks_led: int
    duties_led: int
    tasks_co_led: int
    duties_co_led: int
    weighted_degree: int
    betweenness: float
    community: int
    isolated: bool  # no partner at all
    only_collective: bool  # its only partners are collective groups ("UBND các xã, phường" …)


@dataclass(frozen=True)
class NetworkMetrics:
    """Metrics of a whole co-operation network (one plan, or the kinds across plans)."""

    nodes: int
    edges: int
    density: float
    hubs: tuple[str, ...]  # the three named agencies with the highest weighted degree
    top_agency: str | None  # the agency that leads the most tasks
    top_led: int
    items: int  # the tasks the share is taken over (appendix tasks; duties when a plan has no table)
    basis: str  # "tasks" | "duties"
    share: float  # top_led / items
    communities: int
    isolated: int
    only_collective: int



def collapse(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected simple graph of a co-operation network: weights of both directions and types summed.

    ``distance`` = 1 / weight, so that betweenness follows the strongest ties.
    """
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes(data=True))
    for a, b, data in graph.edges(data=True):
        if a == b:
            continue
        weight = simple.edges[a, b]["weight"] + data["weight"] if simple.has_edge(a, b) else data["weight"]
        simple.add_edge(a, b, weight=weight)
    for _, _, data in simple.edges(data=True):
        data["distance"] = 1 / data["weight"] if data["weight"] else 1.0
    return simple


def communities(simple: nx.Graph) -> dict[str, int]:
    """Louvain communities (fixed seed), numbered from 1 by size then by the smallest node name."""
    if simple.number_of_edges() == 0:
        return {node: index for index, node in enumerate(sorted(simple), start=1)}
    found = nx.community.louvain_communities(simple, weight="weight", seed=SEED)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    return {node: index for index, group in enumerate(ordered, start=1) for node in group}


def agency_metrics(graph: nx.MultiDiGraph) -> list[AgencyMetrics]:
    """Per node: tasks led and co-led, weighted degree, betweenness (exact up to 500 nodes, estimated from
    500 sources above), community, isolation; sorted by tasks led, then name."""
    simple = collapse(graph)
    sample = {"k": BETWEENNESS_SAMPLE, "seed": SEED} if len(simple) > BETWEENNESS_SAMPLE else {}
    between = nx.betweenness_centrality(simple, weight="distance", normalized=True, **sample) if len(simple) > 2 else {}
    community = communities(simple)
    metrics = []
    for node, attrs in graph.nodes(data=True):
        partners = list(simple.neighbors(node))
        metrics.append(AgencyMetrics(
            node=node, label=attrs["label"], category=attrs.get("category") or "other",
            tasks_led=attrs.get("tasks_led", 0), duties_led=attrs.get("duties_led", 0),
            tasks_co_led=attrs.get("tasks_co_led", 0), duties_co_led=attrs.get("duties_co_led", 0),
            weighted_degree=int(simple.degree(node, weight="weight")), betweenness=round(between.get(node, 0.0), 6),
            community=community[node], isolated=not partners,
            only_collective=bool(partners) and not attrs.get("is_group")
            and all(simple.nodes[p].get("is_group") for p in partners)))
    return sorted(metrics, key=lambda m: (-m.tasks_led - m.duties_led, m.label, m.node))


def network_metrics(graph: nx.MultiDiGraph, plan: PlanInfo | None = None,
                    agencies: list[AgencyMetrics] | None = None) -> NetworkMetrics:
    """Density, hubs, the top lead and its share of the plan's tasks (appendix tasks; duties when a plan
    has no appendix), communities, isolated and only-collective agencies.

    Hubs and the top lead are named agencies: collective groups ("UBND các xã, phường") are left out.
    """
    agencies = agencies if agencies is not None else agency_metrics(graph)
    simple = collapse(graph)
    named = [m for m in agencies if not graph.nodes[m.node].get("is_group")]
    hubs = tuple(m.label for m in sorted(named, key=lambda m: (-m.weighted_degree, m.label))[:3]
                 if m.weighted_degree > 0)
    use_duties = plan is not None and plan.tasks == 0
    basis = "duties" if use_duties else "tasks"
    items = (plan.duties if use_duties else plan.tasks) if plan else 0

    def led(metric: AgencyMetrics) -> int:
        return metric.duties_led if use_duties else metric.tasks_led

    top = min(named, key=lambda m: (-led(m), m.label), default=None)
    top_led = led(top) if top else 0
    return NetworkMetrics(
        nodes=graph.number_of_nodes(), edges=graph.number_of_edges(),
        density=round(nx.density(simple), 4) if len(simple) > 1 else 0.0, hubs=hubs,
        top_agency=top.label if top and top_led else None, top_led=top_led, items=items, basis=basis,
        share=round(top_led / items, 4) if items else 0.0,
        communities=len({m.community for m in agencies}), isolated=sum(m.isolated for m in agencies),
        only_collective=sum(m.only_collective for m in agencies))


