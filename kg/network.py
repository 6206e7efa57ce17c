"""Networks of how agencies co-operate, read from the store with SPARQL, as networkx graphs, and their
metrics.

Four kinds of network, all built from the answers of the queries below (never from the reader):

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

Parameters (a plan, a goal) are bound with pyoxigraph substitutions, never pasted into the text.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import KehoachError
from kg.iris import DEF
from kg.slug import slugify

LEAD_COLEAD, JOINT_LEAD = "lead-colead", "joint-lead"
LEAD, CO_LEAD, GUIDING = "lead", "co-lead", "guiding"
IMPLEMENTS, CITES = "implements", "cites"
COLLECTIVE = "collective"
SEED = 7  # Louvain and layouts: the same input gives the same communities and pictures
GOAL_NUMBERS = range(1, 13)
BETWEENNESS_SAMPLE = 500  # above this many nodes, betweenness is estimated from this many sources (fixed seed)

PREFIXES = """\
PREFIX kh: <https://w3id.org/kehoach/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# The plans (?plan may be bound), with what names them and dates them.
PLANS_QUERY = PREFIXES + """\
SELECT ?plan (SAMPLE(?title_) AS ?title) (SAMPLE(?level_) AS ?level) (SAMPLE(?unitCode_) AS ?unitCode)
       (SAMPLE(?unitLabel_) AS ?unitLabel) (SAMPLE(?parentLabel_) AS ?parentLabel)
       (SAMPLE(?identifier_) AS ?identifier) (SAMPLE(?issuer_) AS ?issuer) (SAMPLE(?issuerLabel_) AS ?issuerLabel)
       (MAX(?issued_) AS ?issued) (SAMPLE(?dateText_) AS ?dateText) (MAX(STR(?year_)) AS ?year)
WHERE {
  ?plan a kh:Plan .
  OPTIONAL { ?plan dcterms:title ?title_ }
  OPTIONAL { ?plan kh:level ?level_ }
  OPTIONAL { ?plan kh:adminUnit ?unit . ?unit skos:notation ?unitCode_ .
             OPTIONAL { ?unit skos:prefLabel ?unitLabel_ }
             OPTIONAL { ?unit skos:broader/skos:prefLabel ?parentLabel_ } }
  OPTIONAL { ?plan dcterms:identifier ?identifier_ }
  OPTIONAL { ?plan kh:issuedBy ?issuer_ . OPTIONAL { ?issuer_ skos:prefLabel ?issuerLabel_ } }
  OPTIONAL { ?plan dcterms:issued ?issued_ }
  OPTIONAL { ?plan kh:dateText ?dateText_ }
  OPTIONAL { ?plan kh:issuedYear ?year_ }
}
GROUP BY ?plan
"""
# How many appendix tasks and prose duties each plan has (a duty is typed kh:Task and kh:Duty).
PLAN_SIZES_QUERY = PREFIXES + """\
SELECT ?plan (COUNT(DISTINCT ?task) AS ?items) (COUNT(DISTINCT ?duty) AS ?duties)
WHERE {
  ?task a kh:Task ; kh:inPlan ?plan .
  OPTIONAL { ?task a kh:Duty . BIND (?task AS ?duty) }
}
GROUP BY ?plan
"""
# Every agency or group that leads, co-leads or guides something in ?plan.
AGENCIES_QUERY = PREFIXES + """\
SELECT ?agency (SAMPLE(?label_) AS ?label) (SAMPLE(?category_) AS ?category) (SAMPLE(?kind_) AS ?kind)
       (SAMPLE(?kindLabel_) AS ?kindLabel) (MAX(?group_) AS ?group)
WHERE {
  { SELECT DISTINCT ?agency ?plan WHERE {
      ?task kh:inPlan ?plan ; kh:leadAgency|kh:coLeadAgency|kh:guidingBody ?agency . } }
  OPTIONAL { ?agency skos:prefLabel ?label_ }
  OPTIONAL { ?agency kh:category/skos:notation ?category_ }
  OPTIONAL { ?agency kh:agencyKind ?kind_ .
             OPTIONAL { ?kind_ skos:prefLabel ?kindLabel_ FILTER (LANG(?kindLabel_) = "vi") } }
  BIND (EXISTS { ?agency a kh:AgencyGroup } AS ?group_)
}
GROUP BY ?agency
"""
# Per plan, agency and role: how many tasks (duties included), how many of them duties, which goals.
ROLES_QUERY = PREFIXES + """\
SELECT ?plan ?agency ?role (COUNT(DISTINCT ?task) AS ?items) (COUNT(DISTINCT ?duty) AS ?duties)
       (GROUP_CONCAT(DISTINCT ?goal; separator=" ") AS ?goals)
WHERE {
  ?task kh:inPlan ?plan ; ?role ?agency .
  VALUES ?role { kh:leadAgency kh:coLeadAgency kh:guidingBody }
  OPTIONAL { ?task a kh:Duty . BIND (?task AS ?duty) }
  OPTIONAL { ?task kh:goal/kh:correspondsTo/skos:notation ?goalNumber }
  BIND (COALESCE(?goalNumber, "") AS ?goal)  # a duty has no goal; an unbound value would void GROUP_CONCAT
}
GROUP BY ?plan ?agency ?role
"""
# Co-operation edges: lead → co-lead of one task, and joint leads (agentA sorts before agentB, as in the
# kh:Cooperation nodes of the inferred graph, whose kh:taskCount equals ?items).
LINKS_QUERY = PREFIXES + """\
SELECT ?plan ?a ?b ?type (COUNT(DISTINCT ?task) AS ?items) (COUNT(DISTINCT ?duty) AS ?duties)
       (GROUP_CONCAT(DISTINCT ?goal; separator=" ") AS ?goals)
WHERE {
  { ?task kh:inPlan ?plan ; kh:leadAgency ?a ; kh:coLeadAgency ?b . FILTER (?a != ?b) BIND ("lead-colead" AS ?type) }
  UNION
  { ?task kh:inPlan ?plan ; kh:leadAgency ?a , ?b . FILTER (STR(?a) < STR(?b)) BIND ("joint-lead" AS ?type) }
  OPTIONAL { ?task a kh:Duty . BIND (?task AS ?duty) }
  OPTIONAL { ?task kh:goal/kh:correspondsTo/skos:notation ?goalNumber }
  BIND (COALESCE(?goalNumber, "") AS ?goal)  # a duty has no goal; an unbound value would void GROUP_CONCAT
}
GROUP BY ?plan ?a ?b ?type
"""
# The Vietnamese labels of the agency categories and of the 12 strategic goals.
VOCAB_QUERY = PREFIXES + """\
SELECT ?scheme ?notation (SAMPLE(?label_) AS ?label)
WHERE {
  VALUES ?scheme { <https://w3id.org/kehoach/def/agency-category> <https://w3id.org/kehoach/def/ascc> }
  ?concept skos:inScheme ?scheme ; skos:notation ?notation ; skos:prefLabel ?label_ .
  FILTER (LANG(?label_) = "vi")
}
GROUP BY ?scheme ?notation
"""
# Tasks of strategic goal ?goal (khg:N) in every plan, with their agencies.
GOAL_QUERY = PREFIXES + """\
SELECT ?goal ?plan ?task ?code ?description ?agency ?role
WHERE {
  ?strategic kh:correspondsTo ?goal .
  ?task a kh:Task ; kh:goal ?strategic ; kh:inPlan ?plan .
  OPTIONAL { ?task kh:code ?code }
  OPTIONAL { ?task dcterms:description ?description }
  OPTIONAL { ?task ?role ?agency . VALUES ?role { kh:leadAgency kh:coLeadAgency kh:guidingBody } }
}
"""
# What each plan carries out or cites.
REFERENCES_QUERY = PREFIXES + """\
SELECT ?plan ?rel ?doc (SAMPLE(?identifier_) AS ?identifier) (SAMPLE(?type_) AS ?type)
       (SAMPLE(?issuerName_) AS ?issuerName) (MIN(?issued_) AS ?issued) (SAMPLE(?title_) AS ?title)
WHERE {
  ?plan a kh:Plan ; ?rel ?doc . VALUES ?rel { kh:implements kh:cites }
  OPTIONAL { ?doc dcterms:identifier ?identifier_ }
  OPTIONAL { ?doc kh:docType ?type_ }
  OPTIONAL { ?doc kh:issuerName ?issuerName_ }
  OPTIONAL { ?doc dcterms:issued ?issued_ }
  OPTIONAL { ?doc dcterms:title ?title_ }
}
GROUP BY ?plan ?rel ?doc
"""

_ROLE = {"https://w3id.org/kehoach/ontology#leadAgency": LEAD,
         "https://w3id.org/kehoach/ontology#coLeadAgency": CO_LEAD,
         "https://w3id.org/kehoach/ontology#guidingBody": GUIDING}
_GOAL_SCHEME = DEF + "ascc"
_MONTH_YEAR = re.compile(r"tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


@dataclass(frozen=True)
class PlanInfo:
    """A plan as the views name it: ``label`` "Thành phố Đồng Nai", ``key`` "75-2026-2030" (file names)."""

    iri: str
    label: str
    title: str = ""
    level: str = ""
    unit: str | None = None
    identifier: str | None = None
    issuer: str | None = None
    issuer_label: str | None = None
    year: str | None = None
    date: str = ""  # the date of the data as people read it: "15/07/2026", "07/2026", "2026" or ""
    date_key: str = ""  # the same, sortable: "2026-07-15", "2026-07", "2026"
    tasks: int = 0  # appendix tasks
    duties: int = 0  # duties read from prose

    @property
    def key(self) -> str:
        """A file-name-safe key from the IRI tail: ``…/plan/31/10882/2026-2030`` → ``31-10882-2026-2030``."""
        return slugify(self.iri.rsplit("/plan/", 1)[-1]) or slugify(self.iri)


@dataclass(frozen=True)
class AgencyInfo:
    """An agency or collective group: IRI, name, category notation, kind IRI and kind name."""

    iri: str
    label: str
    category: str = "other"
    kind: str | None = None
    kind_label: str | None = None
    is_group: bool = False

    @property
    def collective(self) -> bool:
        """True for "UBND các xã, phường", "các sở, ngành" …: a group, not one organisation."""
        return self.is_group or self.category == COLLECTIVE


@dataclass(frozen=True)
class RoleCount:
    """How many tasks ``agency`` holds ``role`` for in ``plan`` (``items``, duties included)."""

    plan: str
    agency: str
    role: str
    items: int
    duties: int
    goals: tuple[int, ...]


@dataclass(frozen=True)
class Link:
    """A co-operation edge of one plan: ``a`` → ``b`` (``type`` lead-colead or joint-lead)."""

    plan: str
    a: str
    b: str
    type: str
    items: int
    duties: int
    goals: tuple[int, ...]


@dataclass
class Corpus:
    """The answers of the co-operation queries, from which every co-operation network is built."""

    plans: dict[str, PlanInfo]
    agencies: dict[str, AgencyInfo]
    roles: list[RoleCount]
    links: list[Link]
    categories: dict[str, str] = field(default_factory=dict)  # notation → Vietnamese label
    goals: dict[int, str] = field(default_factory=dict)  # 1..12 → Vietnamese label

    @property
    def date(self) -> str:
        """The date of the data: the latest date of its plans ("07/2026"), "" when none is known."""
        return latest_date(self.plans.values())

    def kinds(self) -> dict[str, str]:
        """Every agency kind met, IRI → name."""
        return {a.kind: a.kind_label or a.label for a in self.agencies.values() if a.kind}


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


def select(store: ox.Store, query: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, str]]:
    """Run a SELECT over the union of the store's graphs with ``bindings`` substituted; rows of strings.

    Unbound values are left out of a row; a literal gives its lexical form, an IRI its string.
    """
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(name): value for name, value in bindings.items()}
    try:
        solutions = store.query(query, use_default_graph_as_union=True, substitutions=substitutions)
    except (SyntaxError, OSError) as error:
        raise KehoachError(f"the network query failed: {error}") from error
    if not isinstance(solutions, ox.QuerySolutions):
        raise KehoachError("the network query is not a SELECT")
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row = {}
        for name in names:
            value = solution[name]
            if value is not None:
                row[name] = value.value  # type: ignore[union-attr]
        rows.append(row)
    return rows


def _goals(text: str | None) -> tuple[int, ...]:
    """Goal numbers from a GROUP_CONCAT: ``"7 1 12"`` → ``(1, 7, 12)``.

    >>> _goals("7 1 12 x")
    (1, 7, 12)
    """
    return tuple(sorted({int(t) for t in (text or "").split() if t.isdigit()}))


def plan_date(issued: str | None, date_text: str | None, year: str | None) -> tuple[str, str]:
    """The date of a plan as read and as a sort key: the full date, else month and year of the date line.

    >>> plan_date("2026-07-15", None, "2026")
    ('15/07/2026', '2026-07-15')
    >>> plan_date(None, "Đồng Nai, ngày tháng 7 năm 2026", "2026")
    ('07/2026', '2026-07')
    >>> plan_date(None, "ngày tháng năm 2026", "2026")
    ('2026', '2026')
    """
    if issued and re.fullmatch(r"\d{4}-\d{2}-\d{2}", issued):
        y, m, d = issued.split("-")
        return f"{d}/{m}/{y}", issued
    found = _MONTH_YEAR.search(date_text or "")
    if found:
        month, yr = int(found.group(1)), found.group(2)
        if 1 <= month <= 12:
            return f"{month:02d}/{yr}", f"{yr}-{month:02d}"
    if year and year[:4].isdigit():
        return year[:4], year[:4]
    return "", ""


def latest_date(plans: Iterable[PlanInfo]) -> str:
    """The latest date among ``plans`` (the date of the data of a view), "" when none is known."""
    dated = [p for p in plans if p.date_key]
    return max(dated, key=lambda p: p.date_key).date if dated else ""


def _plan_label(row: dict[str, str]) -> str:
    level, unit, parent = row.get("level", ""), row.get("unitLabel", ""), row.get("parentLabel")
    if unit:
        label = unit if unit.lower().startswith(level.lower()) or not level else f"{level} {unit}"
        label = label[0].upper() + label[1:]
        return f"{label} ({parent})" if parent and level in ("xã", "phường") else label
    issuer = row.get("issuerLabel", "")
    return issuer.replace("Ủy ban nhân dân ", "").capitalize() if issuer else row["plan"].rsplit("/plan/", 1)[-1]


def load_plans(store: ox.Store, plan: str | None = None) -> dict[str, PlanInfo]:
    """The plans of the store (or the one ``plan``), by IRI, in IRI order."""
    bind = {"plan": ox.NamedNode(plan)} if plan else {}
    sizes = {r["plan"]: r for r in select(store, PLAN_SIZES_QUERY, **bind)}
    plans = {}
    for row in sorted(select(store, PLANS_QUERY, **bind), key=lambda r: r["plan"]):
        size = sizes.get(row["plan"], {})
        duties = int(size.get("duties", 0))
        date, key = plan_date(row.get("issued"), row.get("dateText"), row.get("year"))
        plans[row["plan"]] = PlanInfo(
            iri=row["plan"], label=_plan_label(row), title=row.get("title", ""), level=row.get("level", ""),
            unit=row.get("unitCode"), identifier=row.get("identifier"), issuer=row.get("issuer"),
            issuer_label=row.get("issuerLabel"), year=row.get("year"), date=date, date_key=key,
            tasks=int(size.get("items", 0)) - duties, duties=duties)
    return plans


def load(store: ox.Store, *, plan: str | None = None) -> Corpus:
    """Run the co-operation queries on ``store`` (every plan, or only ``plan``)."""
    bind = {"plan": ox.NamedNode(plan)} if plan else {}
    plans = load_plans(store, plan)
    if plan and plan not in plans:
        raise KehoachError(f"no plan {plan} in the store")
    agencies = {}
    for row in select(store, AGENCIES_QUERY, **bind):
        iri = row["agency"]
        agencies[iri] = AgencyInfo(iri=iri, label=row.get("label") or iri.rsplit("/", 1)[-1],
                                   category=row.get("category", "other"), kind=row.get("kind"),
                                   kind_label=row.get("kindLabel"), is_group=row.get("group") == "true")
    roles = [RoleCount(r["plan"], r["agency"], _ROLE[r["role"]], int(r["items"]), int(r["duties"]),
                       _goals(r.get("goals"))) for r in select(store, ROLES_QUERY, **bind)]
    links = [Link(r["plan"], r["a"], r["b"], r["type"], int(r["items"]), int(r["duties"]), _goals(r.get("goals")))
             for r in select(store, LINKS_QUERY, **bind)]
    roles.sort(key=lambda r: (r.plan, r.agency, r.role))
    links.sort(key=lambda e: (e.plan, e.a, e.b, e.type))
    categories: dict[str, str] = {}
    goals: dict[int, str] = {}
    for row in select(store, VOCAB_QUERY):
        if row["scheme"] == _GOAL_SCHEME and row["notation"].isdigit():
            goals[int(row["notation"])] = row["label"]
        elif row["scheme"] != _GOAL_SCHEME:
            categories[row["notation"]] = row["label"]
    return Corpus(plans, agencies, roles, links, categories, dict(sorted(goals.items())))


# --- co-operation networks ---------------------------------------------------------------------------

def _agency_node(graph: nx.MultiDiGraph, node: str, info: AgencyInfo, label: str | None = None) -> None:
    if node not in graph:
        graph.add_node(node, label=label or info.label, category=info.category, kind=info.kind,
                       is_group=info.collective, tasks_led=0, duties_led=0, tasks_co_led=0, duties_co_led=0,
                       tasks_guided=0, goals=(), plans=(), led_in={})


def _count_role(attrs: dict, role: RoleCount) -> None:
    prefix = {LEAD: "led", CO_LEAD: "co_led", GUIDING: "guided"}[role.role]
    attrs[f"tasks_{prefix}"] += role.items - role.duties
    if role.role != GUIDING:
        attrs[f"duties_{prefix}"] += role.duties
    attrs["goals"] = tuple(sorted(set(attrs["goals"]) | set(role.goals)))
    attrs["plans"] = tuple(sorted(set(attrs["plans"]) | {role.plan}))
    if role.role == LEAD:  # what it leads in each plan: a view compares plans with it
        attrs["led_in"][role.plan] = attrs["led_in"].get(role.plan, 0) + role.items


def _add_link(graph: nx.MultiDiGraph, a: str, b: str, link: Link) -> None:
    if graph.has_edge(a, b, key=link.type):
        data = graph.edges[a, b, link.type]
        data["weight"] += link.items
        data["tasks"] += link.items - link.duties
        data["duties"] += link.duties
        data["goals"] = tuple(sorted(set(data["goals"]) | set(link.goals)))
        data["plans"][link.plan] = data["plans"].get(link.plan, 0) + link.items
    else:
        graph.add_edge(a, b, key=link.type, type=link.type, weight=link.items, tasks=link.items - link.duties,
                       duties=link.duties, goals=link.goals, plans={link.plan: link.items})


def plan_network(corpus: Corpus, plan: str) -> nx.MultiDiGraph:
    """The co-operation network of ``plan``: agencies and groups, lead → co-lead and joint-lead edges."""
    if plan not in corpus.plans:
        raise KehoachError(f"no plan {plan} in the store")
    graph = nx.MultiDiGraph(plan=plan, title=corpus.plans[plan].label)
    for role in corpus.roles:
        if role.plan == plan:
            _agency_node(graph, role.agency, corpus.agencies[role.agency])
            _count_role(graph.nodes[role.agency], role)
    for link in corpus.links:
        if link.plan == plan:
            _add_link(graph, link.a, link.b, link)
    return graph


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
    return graph


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
        attrs["plans"] = tuple(sorted(set(attrs["plans"]) | {plan}))
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
            attrs["goals"] = tuple(sorted(goals))
    return graph


# --- the goal and hierarchy views --------------------------------------------------------------------

def goal_network(store: ox.Store, number: int, corpus: Corpus) -> nx.MultiDiGraph:
    """Tasks of strategic goal ``number`` in every plan and their agencies (edge key = role).

    Task nodes have ``kind`` "task", ``code``, ``description`` and ``plan``; agency nodes count only
    this goal's tasks.
    """
    if number not in GOAL_NUMBERS:
        raise KehoachError(f"strategic goals are numbered 1 to 12, not {number}")
    goal = ox.NamedNode(f"{DEF}ascc/{number}")
    graph = nx.MultiDiGraph(title=f"Mục tiêu chiến lược {number}", goal=number)
    several = len(corpus.plans) > 1
    for row in sorted(select(store, GOAL_QUERY, goal=goal), key=lambda r: (r["plan"], r["task"])):
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
        role = _ROLE[row["role"]]
        attrs[{LEAD: "tasks_led", CO_LEAD: "tasks_co_led", GUIDING: "tasks_guided"}[role]] += 1
        attrs["goals"], attrs["plans"] = (number,), tuple(sorted(set(attrs["plans"]) | {plan.iri}))
        graph.add_edge(agency, task, key=role, type=role, weight=1, tasks=1, duties=0, goals=(number,),
                       plans={plan.iri: 1})
    return graph


def _issuer_key(name: str) -> str:
    """Issuer names compared without case, accents or the UBND abbreviation.

    >>> _issuer_key("UBND thành phố Hải Phòng") == _issuer_key("Ủy ban nhân dân Thành phố Hải Phòng")
    True
    """
    key = slugify(name)
    return "uy-ban-nhan-dan-" + key[5:] if key.startswith("ubnd-") else key


def hierarchy(store: ox.Store, corpus: Corpus) -> nx.DiGraph:
    """Plans and the documents they carry out or cite: commune plan → city plan → national decision.

    A cited plan ("Kế hoạch số 168/KH-UBND của UBND thành phố Hải Phòng") is the plan of the store with
    the same issuer and year when there is exactly one: its document node is merged into the plan.
    Edge attribute ``rel``: "implements" (kept when a plan both implements and cites) or "cites".
    """
    graph = nx.DiGraph(title="Hệ thống kế hoạch")
    by_issuer: dict[tuple[str, str], list[PlanInfo]] = defaultdict(list)
    for plan in corpus.plans.values():
        graph.add_node(plan.iri, label=plan.label, kind="plan", category="plan", level=plan.level,
                       title=plan.title, plans={plan.iri}, goals=(), is_group=False)
        if plan.issuer_label:
            by_issuer[(_issuer_key(plan.issuer_label), (plan.year or "")[:4])].append(plan)
    rows = sorted(select(store, REFERENCES_QUERY), key=lambda r: (r["plan"], r["rel"], r["doc"]))
    for row in rows:
        if row["plan"] not in corpus.plans:
            continue
        doc, year = row["doc"], (row.get("issued") or "")[:4] or row["doc"][-4:]
        same = by_issuer.get((_issuer_key(row.get("issuerName", "")), year), [])
        if row.get("type", "").endswith("/ke-hoach") and len(same) == 1 and same[0].iri != row["plan"]:
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


# --- metrics -----------------------------------------------------------------------------------------

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


# --- layout ------------------------------------------------------------------------------------------

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
    rows: dict[int, list[str]] = defaultdict(list)
    for node in sorted(graph, key=lambda n: (graph.nodes[n].get("kind") != "plan", graph.nodes[n]["label"], n)):
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
