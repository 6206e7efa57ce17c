"""Networks of how agencies co-operate, as networkx graphs, built from the answers of the queries of
:mod:`kg.corpus` (never from the reader); their metrics are in :mod:`kg.metrics`, their layouts in
:mod:`kg.layout`.

* :func:`plan_network`: the co-operation network of one plan. Nodes are agencies (and collective
  groups); an edge ``lead-colead`` goes from the lead (chủ trì) of a task to each co-lead (phối hợp),
  an edge ``joint-lead`` joins two agencies that lead one task together. Each edge weighs the number
  of tasks the two share, appendix tasks and prose duties (``TỔ CHỨC THỰC HIỆN``) together; its
  ``duties`` attribute says how many of them are duties, so a view can mark them.
* :func:`kind_network`: the same over every plan with agencies merged by kind (``khk:so-y-te``: every
  "Sở Y tế"); :func:`kind_comparison`: one kind's agency in each plan and its partners, side by side.
* :func:`goal_network`: tasks of one strategic goal (``kh:correspondsTo khg:N``) and their agencies.
* :func:`hierarchy`: plans and the documents they carry out (``kh:implements``) or cite (``kh:cites``).

Graphs are ``networkx.MultiDiGraph`` (co-operation: edge key = ``lead-colead`` | ``joint-lead``;
goal: key = role) or ``DiGraph`` (hierarchy). Node attributes: ``label``, ``category`` (the notation
of ``khc:``), ``kind``, ``is_group``, ``tasks_led``, ``duties_led``, ``tasks_co_led``,
``duties_co_led``, ``goals`` and ``plans`` (sorted tuples, for the views' filters), ``led_in`` ({plan
IRI: tasks and duties led there}). Edge attributes:
``type``, ``weight``, ``tasks``, ``duties``, ``goals``, ``plans`` ({plan IRI: weight}).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox

from kg.corpus import (
    CO_LEAD,
    GOAL_NUMBERS,
    GUIDING,
    LEAD,
    LEAD_COLEAD,
    PROVINCE_LEVELS,
    ROLES,
    AgencyInfo,
    Corpus,
    Link,
    PlanInfo,
    RoleCount,
    load,
    load_goal_tasks,
    load_references,
)
from kg.errors import KehoachError
from kg.slug import slugify

IMPLEMENTS, CITES = "implements", "cites"


def _agency_node(graph: nx.MultiDiGraph, node: str, info: AgencyInfo, label: str | None = None) -> None:
    if node not in graph:
        graph.add_node(node, label=label or info.label, category=info.category, kind=info.kind,
                       is_group=info.collective, tasks_led=0, duties_led=0, tasks_co_led=0, duties_co_led=0,
                       tasks_guided=0, goals=set(), plans=set(), led_in={})


def _count_role(attrs: dict, role: RoleCount) -> None:
    prefix = {LEAD: "led", CO_LEAD: "co_led", GUIDING: "guided"}[role.role]
    attrs[f"tasks_{prefix}"] += role.items - role.duties
    if role.role != GUIDING:
        attrs[f"duties_{prefix}"] += role.duties
    attrs["goals"].update(role.goals)
    attrs["plans"].add(role.plan)
    if role.role == LEAD:  # what it leads in each plan: a view compares plans with it
        attrs["led_in"][role.plan] = attrs["led_in"].get(role.plan, 0) + role.items


def _add_link(graph: nx.MultiDiGraph, a: str, b: str, link: Link) -> None:
    if graph.has_edge(a, b, key=link.type):
        data = graph.edges[a, b, link.type]
        data["weight"] += link.items
        data["tasks"] += link.items - link.duties
        data["duties"] += link.duties
        data["goals"].update(link.goals)
        data["plans"][link.plan] = data["plans"].get(link.plan, 0) + link.items
    else:
        graph.add_edge(a, b, key=link.type, type=link.type, weight=link.items, tasks=link.items - link.duties,
                       duties=link.duties, goals=set(link.goals), plans={link.plan: link.items})


def _freeze(graph: nx.Graph) -> nx.Graph:
    """Sets of goals and plans, grown while building, as sorted tuples (deterministic output)."""
    for _, attrs in graph.nodes(data=True):
        for name in ("goals", "plans"):
            if isinstance(attrs.get(name), set):
                attrs[name] = tuple(sorted(attrs[name]))
    for *_, data in graph.edges(data=True):
        if isinstance(data.get("goals"), set):
            data["goals"] = tuple(sorted(data["goals"]))
    return graph


def plan_network(corpus: Corpus, plan: str) -> nx.MultiDiGraph:
    """The co-operation network of ``plan``: agencies and groups, lead → co-lead and joint-lead edges."""
    if plan not in corpus.plans:
        raise KehoachError(f"no plan {plan} in the store")
    graph = nx.MultiDiGraph(plan=plan, title=corpus.plans[plan].label)
    roles, links = corpus.by_plan.get(plan, ([], []))
    for role in roles:
        _agency_node(graph, role.agency, corpus.agencies[role.agency])
        _count_role(graph.nodes[role.agency], role)
    for link in links:
        _add_link(graph, link.a, link.b, link)
    return _freeze(graph)


def cooperation_network(store: ox.Store, plan: str) -> nx.MultiDiGraph:
    """The co-operation network of one plan, straight from the store.

    >>> from kg.store import open_store  # doctest: +SKIP
    >>> cooperation_network(open_store("out"), "https://w3id.org/kehoach/id/plan/75/2026-2030")  # doctest: +SKIP
    """
    return plan_network(load(store, plan=plan), plan)


def kind_network(corpus: Corpus) -> nx.MultiDiGraph:
    """Agencies merged by kind across every plan ("Sở Y tế" of all provinces is one node).

    Agencies the gazetteer gives no kind are left out; the graph attribute ``dropped`` counts them.
    """
    kinds = corpus.kinds()
    graph = nx.MultiDiGraph(title="Theo loại cơ quan", dropped=0)
    dropped = set()
    for role in corpus.roles:
        info = corpus.agencies[role.agency]
        if not info.kind:
            dropped.add(role.agency)
            continue
        _agency_node(graph, info.kind, info, kinds[info.kind])
        _count_role(graph.nodes[info.kind], role)
    for link in corpus.links:
        a, b = corpus.agencies[link.a].kind, corpus.agencies[link.b].kind
        if a and b and a != b:
            first, second = (a, b) if link.type == LEAD_COLEAD or a < b else (b, a)
            _add_link(graph, first, second, link)
    graph.graph["dropped"] = len(dropped)
    return _freeze(graph)


def kind_comparison(corpus: Corpus, kind: str, *, plans: set[str] | None = None) -> nx.MultiDiGraph:
    """One kind's agency in every plan (or in ``plans``): a node per plan, "Sở Y tế — Đồng Nai", and its
    partners.

    Partners are merged by kind, so a partner that works with the kind in many provinces is one node
    with an edge per province; a partner without a kind stays its own node.
    """
    kinds = corpus.kinds()
    if kind not in kinds:
        raise KehoachError(f"no agency of kind {kind} in the store")
    graph = nx.MultiDiGraph(title=kinds[kind], kind=kind)
    centres = {}
    for role in corpus.roles:
        info = corpus.agencies[role.agency]
        if info.kind == kind and (plans is None or role.plan in plans):
            centres[role.agency] = role.plan
            shared = info.category == "central-body"  # one body for every plan: no province in its name
            _agency_node(graph, role.agency, info,
                         kinds[kind] if shared else f"{kinds[kind]} — {corpus.plans[role.plan].label}")
            _count_role(graph.nodes[role.agency], role)
            graph.nodes[role.agency]["centre"] = True

    def partner(agency: str, plan: str) -> str:
        info = corpus.agencies[agency]
        node = info.kind or agency
        label = kinds[info.kind] if info.kind else f"{info.label} — {corpus.plans[plan].label}"
        _agency_node(graph, node, info, label)
        attrs = graph.nodes[node]
        attrs["plans"].add(plan)
        return node

    for link in corpus.links:
        if plans is not None and link.plan not in plans:
            continue
        if link.a in centres and corpus.agencies[link.b].kind != kind:
            _add_link(graph, link.a, partner(link.b, link.plan), link)
        elif link.b in centres and corpus.agencies[link.a].kind != kind:
            _add_link(graph, partner(link.a, link.plan), link.b, link)
    for node, attrs in graph.nodes(data=True):  # a partner's goals: those of its edges in this view
        if not attrs.get("centre"):
            goals: set[int] = set()
            for _, _, data in graph.in_edges(node, data=True):
                goals |= set(data["goals"])
            for _, _, data in graph.out_edges(node, data=True):
                goals |= set(data["goals"])
            attrs["goals"] = goals
    return _freeze(graph)


# --- the goal and hierarchy views --------------------------------------------------------------------

def goal_network(store: ox.Store, number: int, corpus: Corpus, *,
                 goal_tasks: dict[int, list[dict[str, str]]] | None = None) -> nx.MultiDiGraph:
    """Tasks of strategic goal ``number`` in every plan and their agencies (edge key = role).

    Task nodes have ``kind`` "task", ``code``, ``description`` and ``plan``; agency nodes count only
    this goal's tasks. ``goal_tasks`` (:func:`kg.corpus.load_goal_tasks`) saves a query per goal.
    """
    if number not in GOAL_NUMBERS:
        raise KehoachError(f"strategic goals are numbered 1 to 12, not {number}")
    graph = nx.MultiDiGraph(title=f"Mục tiêu chiến lược {number}", goal=number)
    several = len(corpus.plans) > 1
    for row in (goal_tasks if goal_tasks is not None else load_goal_tasks(store)).get(number, []):
        plan, task = corpus.plans.get(row["plan"]), row["task"]
        if plan is None:
            continue
        if task not in graph:
            code = row.get("code") or task.rsplit("/", 1)[-1]
            graph.add_node(task, label=code, kind="task", category="task", code=code, plan=plan.iri,
                           description=row.get("description", ""), goals=(number,), plans=(plan.iri,),
                           is_group=False)
        agency = row.get("agency")
        if not agency or agency not in corpus.agencies:
            continue
        info = corpus.agencies[agency]
        shared = info.category == "central-body"  # a central body is one node for every plan
        _agency_node(graph, agency, info, f"{info.label} — {plan.label}" if several and not shared else info.label)
        attrs = graph.nodes[agency]
        role = ROLES[row["role"]]
        attrs[{LEAD: "tasks_led", CO_LEAD: "tasks_co_led", GUIDING: "tasks_guided"}[role]] += 1
        attrs["goals"].add(number)
        attrs["plans"].add(plan.iri)
        graph.add_edge(agency, task, key=role, type=role, weight=1, tasks=1, duties=0, goals=(number,),
                       plans={plan.iri: 1})
    return _freeze(graph)


def _issuer_key(name: str) -> str:
    """Issuer names compared without case, accents or the UBND abbreviation.

    >>> _issuer_key("UBND thành phố Hải Phòng") == _issuer_key("Ủy ban nhân dân Thành phố Hải Phòng")
    True
    """
    key = slugify(name)
    return "uy-ban-nhan-dan-" + key[5:] if key.startswith("ubnd-") else key


def hierarchy(store: ox.Store, corpus: Corpus, *, references: list[dict[str, str]] | None = None) -> nx.DiGraph:
    """Plans and the documents they carry out or cite: commune plan → city plan → national decision.

    A cited plan ("Kế hoạch số 168/KH-UBND của UBND thành phố Hải Phòng") is the plan of the store with
    the same issuer and year when there is exactly one: its document node is merged into the plan.
    Edge attribute ``rel``: "implements" (kept when a plan both implements and cites) or "cites".
    ``references`` (:func:`kg.corpus.load_references`) may be given when already read.
    """
    graph = nx.DiGraph(title="Hệ thống kế hoạch")
    by_issuer: dict[tuple[str, str], list[PlanInfo]] = defaultdict(list)
    for plan in corpus.plans.values():
        graph.add_node(plan.iri, label=plan.label, kind="plan", category="plan", level=plan.level,
                       title=plan.title, plans={plan.iri}, goals=(), is_group=False)
        if plan.issuer_label:
            by_issuer[(_issuer_key(plan.issuer_label), (plan.year or "")[:4])].append(plan)
    for row in references if references is not None else load_references(store):
        if row["plan"] not in corpus.plans:
            continue
        doc, year = row["doc"], (row.get("issued") or "")[:4] or row["doc"][-4:]
        same = by_issuer.get((_issuer_key(row.get("issuerName", "")), year), [])
        if row.get("docType", "").endswith("/ke-hoach") and len(same) == 1 and same[0].iri != row["plan"]:
            doc = same[0].iri
        elif doc not in graph:
            graph.add_node(doc, label=row.get("identifier") or doc.rsplit("/", 1)[-1], kind="document",
                           category="document", issuer=row.get("issuerName", ""), title=row.get("title", ""),
                           issued=row.get("issued", ""), plans=set(), goals=(), is_group=False)
        rel = IMPLEMENTS if row["rel"].endswith("implements") else CITES
        if not graph.has_edge(row["plan"], doc) or rel == IMPLEMENTS:
            graph.add_edge(row["plan"], doc, rel=rel, type=rel, weight=1)
    for node, related in _related_plans(graph, set(corpus.plans)).items():
        graph.nodes[node]["plans"] = tuple(sorted(related))
    return graph


def _related_plans(graph: nx.DiGraph, plans: set[str]) -> dict[str, set[str]]:
    """For each node, the plans above it (carrying it out, transitively), below it, and itself if a plan:
    what a plan filter of the hierarchy shows. One pass each way over the documents' DAG."""
    if not nx.is_directed_acyclic_graph(graph):  # a citation loop: slow but right
        return {n: (nx.descendants(graph, n) | nx.ancestors(graph, n) | {n}) & plans for n in graph}
    order = list(nx.topological_sort(graph))
    above: dict[str, set[str]] = {}
    for node in order:  # predecessors come first
        above[node] = set()
        for parent in graph.predecessors(node):
            above[node] |= above[parent] | ({parent} & plans)
    below: dict[str, set[str]] = {}
    for node in reversed(order):
        below[node] = set()
        for child in graph.successors(node):
            below[node] |= below[child] | ({child} & plans)
    return {n: above[n] | below[n] | ({n} & plans) for n in graph}


def group_commune_plans(graph: nx.DiGraph, corpus: Corpus) -> nx.DiGraph:
    """The hierarchy with the commune plans carrying out each province plan drawn as one node ("97 kế
    hoạch cấp xã", its ``plans`` the communes' IRIs), and without the documents only commune plans cite:
    what a country-scale hierarchy can show (3,321 commune plans and their documents are 6,700 nodes)."""
    communes = {n for n, d in graph.nodes(data=True)
                if d.get("kind") == "plan" and d.get("level", "") not in PROVINCE_LEVELS}
    groups: dict[str, list[str]] = defaultdict(list)
    for node in sorted(communes):
        above = sorted(t for t in graph.successors(node) if t in corpus.plans and t not in communes)
        groups[above[0] if above else ""].append(node)
    grouped = graph.copy()
    grouped.remove_nodes_from(communes)
    grouped.remove_nodes_from([n for n, d in graph.nodes(data=True)
                               if d.get("kind") == "document" and n in grouped and grouped.degree(n) == 0])
    for parent, members in sorted(groups.items()):
        node = f"{parent or corpus.plans[members[0]].iri.rsplit('/plan/', 1)[0] + '/plan'}#commune-plans"
        grouped.add_node(node, label=f"{len(members)} kế hoạch cấp xã", kind="plan", category="plan", level="xã",
                         title="; ".join(corpus.plans[m].label for m in members[:12]) + ("…" * (len(members) > 12)),
                         plans=tuple(sorted(members + ([parent] if parent else []))), goals=(), is_group=True)
        if parent:
            grouped.add_edge(node, parent, rel=IMPLEMENTS, type=IMPLEMENTS, weight=len(members))
    return grouped
