"""The answers of the co-operation queries: plans, agencies, who leads and co-leads what, the tasks of
each strategic goal and the documents plans carry out, read from the store into plain dataclasses
(:class:`Corpus`), from which :mod:`kg.network` builds every network.

The queries are flat: each reads one kind of triple (``?task kh:leadAgency ?agency``, ``?task a
kh:Duty`` …) and the joins, counts and groupings are done here, in Python. On a country-scale store (6
million quads) Oxigraph spends ~20 µs on each index lookup of a join and ~7 µs on each term it turns
back into a string: the earlier grouped queries, joining tasks to plans, duties and goals with
OPTIONALs, took 4.5 minutes; these take ~12 seconds. Documents are described again in the graph of
every plan that cites them, so a join from a document to its properties over the union of the graphs
multiplies its rows by the number of plans citing it: it is never made.

Parameters (a plan) are bound with pyoxigraph substitutions, never pasted into the text.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import KehoachError
from kg.iris import DEF
from kg.slug import slugify

LEAD_COLEAD, JOINT_LEAD = "lead-colead", "joint-lead"
LEAD, CO_LEAD, GUIDING = "lead", "co-lead", "guiding"
COLLECTIVE = "collective"
GOAL_NUMBERS = range(1, 13)
PROVINCE_LEVELS = ("tỉnh", "thành phố", "")  # kh:level of a province plan ("" when the plan does not say)

PREFIXES = """\
PREFIX kh: <https://w3id.org/kehoach/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# The plans (?plan may be bound) and what names and dates them, one row per value, for every subject
# (joined to the plans here: the join in the store looks each title of each task up).
PLAN_LIST_QUERY = PREFIXES + "SELECT ?plan WHERE { ?plan a kh:Plan . }\n"
PLAN_FACTS_QUERY = PREFIXES + """\
SELECT ?plan ?property ?value
WHERE {
  VALUES ?property { dcterms:title kh:level kh:adminUnit dcterms:identifier kh:issuedBy dcterms:issued
                     kh:dateText kh:issuedYear }
  ?plan ?property ?value .
}
"""
# Names of everything named (agencies, their kinds, administrative units, issuers), with the language.
LABELS_QUERY = PREFIXES + """\
SELECT ?subject ?label (LANG(?label) AS ?lang) WHERE { ?subject skos:prefLabel ?label . }
"""
# Codes of concepts (administrative units, agency categories) and the unit each unit belongs to.
NOTATIONS_QUERY = PREFIXES + """\
SELECT ?concept ?notation ?broader
WHERE { ?concept skos:notation ?notation . OPTIONAL { ?concept skos:broader ?broader } }
"""
# Tasks (appendix tasks and prose duties) and their plan (?plan may be bound).
TASKS_QUERY = PREFIXES + "SELECT ?task ?plan WHERE { ?task a kh:Task ; kh:inPlan ?plan . }\n"
# A duty is typed kh:Task and kh:Duty.
DUTIES_QUERY = PREFIXES + "SELECT ?task WHERE { ?task a kh:Duty . }\n"
# The strategic goal (1..12) each task serves.
TASK_GOALS_QUERY = PREFIXES + """\
SELECT ?task ?goal
WHERE { ?task a kh:Task ; kh:goal ?objective . ?objective kh:correspondsTo ?strategic .
        ?strategic skos:notation ?goal . }
"""
# Who leads (chủ trì), co-leads (phối hợp) or guides each task.
ASSIGNMENTS_QUERY = PREFIXES + """\
SELECT ?task ?role ?agency
WHERE { VALUES ?role { kh:leadAgency kh:coLeadAgency kh:guidingBody } ?task ?role ?agency . }
"""
# The kind ("Sở Y tế") and the category of each agency; collective groups.
AGENCY_FACTS_QUERY = PREFIXES + """\
SELECT ?agency ?property ?value
WHERE { VALUES ?property { kh:category kh:agencyKind } ?agency ?property ?value . }
"""
GROUPS_QUERY = PREFIXES + "SELECT ?agency WHERE { ?agency a kh:AgencyGroup . }\n"
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
# Tasks of every strategic goal in every plan, with their agencies (one row per task and agency).
GOAL_TASKS_QUERY = PREFIXES + """\
SELECT ?goal ?plan ?task ?code ?description ?agency ?role
WHERE {
  ?strategic kh:correspondsTo ?goal .
  ?task a kh:Task ; kh:goal ?strategic ; kh:inPlan ?plan .
  OPTIONAL { ?task kh:code ?code }
  OPTIONAL { ?task dcterms:description ?description }
  OPTIONAL { ?task ?role ?agency . VALUES ?role { kh:leadAgency kh:coLeadAgency kh:guidingBody } }
}
"""
# What each plan carries out or cites, and what describes those documents (one row per value; filtered
# to the documents cited here).
REFERENCES_QUERY = PREFIXES + """\
SELECT DISTINCT ?plan ?rel ?doc
WHERE { VALUES ?rel { kh:implements kh:cites } ?plan ?rel ?doc . ?plan a kh:Plan . }
"""
DOCUMENT_FACTS_QUERY = PREFIXES + """\
SELECT ?doc ?property ?value
WHERE { VALUES ?property { dcterms:identifier kh:docType kh:issuerName dcterms:issued dcterms:title }
        ?doc ?property ?value . }
"""

ROLES = {"https://w3id.org/kehoach/ontology#leadAgency": LEAD,
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

    @functools.cached_property
    def by_plan(self) -> dict[str, tuple[list[RoleCount], list[Link]]]:
        """Roles and links grouped by plan (a page per plan must not scan every plan's rows)."""
        grouped: dict[str, tuple[list[RoleCount], list[Link]]] = defaultdict(lambda: ([], []))
        for role in self.roles:
            grouped[role.plan][0].append(role)
        for link in self.links:
            grouped[link.plan][1].append(link)
        return dict(grouped)


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
        return f"{label} ({parent})" if parent and level in ("xã", "phường", "đặc khu") else label
    issuer = row.get("issuerLabel", "")
    return issuer.replace("Ủy ban nhân dân ", "").capitalize() if issuer else row["plan"].rsplit("/plan/", 1)[-1]


def _first(values: Iterable[str]) -> str | None:
    """The smallest of ``values`` (a deterministic SAMPLE), None when there is none.

    >>> _first(["b", "a"]), _first([])
    ('a', None)
    """
    return min(values, default=None)


def _labels(store: ox.Store) -> dict[str, str]:
    """Every subject's skos:prefLabel, the Vietnamese one when there are several (else the smallest)."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in select(store, LABELS_QUERY):
        found[row["subject"]][row.get("lang", "")].add(row["label"])
    return {subject: min(by_lang.get("vi") or by_lang.get("") or min(by_lang.values(), key=min))
            for subject, by_lang in found.items()}


def _notations(store: ox.Store) -> tuple[dict[str, str], dict[str, str]]:
    """The code of each concept (``skos:notation``) and the concept each belongs to (``skos:broader``)."""
    codes: dict[str, str] = {}
    broader: dict[str, str] = {}
    rows = select(store, NOTATIONS_QUERY)
    for row in sorted(rows, key=lambda r: (r["concept"], r["notation"], r.get("broader", ""))):
        codes.setdefault(row["concept"], row["notation"])
        if "broader" in row:
            broader.setdefault(row["concept"], row["broader"])
    return codes, broader


def _plan_rows(store: ox.Store, labels: dict[str, str], codes: dict[str, str], broader: dict[str, str],
               plan: str | None) -> list[dict[str, str]]:
    """One row per plan, as the views name it: title, level, unit code and names, issuer, dates."""
    bind = {"plan": ox.NamedNode(plan)} if plan else {}
    listed = select(store, PLAN_LIST_QUERY, **bind)
    facts: dict[str, dict[str, set[str]]] = {r["plan"]: defaultdict(set) for r in listed}
    for row in select(store, PLAN_FACTS_QUERY, **bind):
        if row["plan"] in facts:
            facts[row["plan"]][_local(row["property"])].add(row["value"])
    rows = []
    for iri, values in sorted(facts.items()):
        row = {"plan": iri}
        for name in ("title", "level", "identifier", "dateText"):
            if values.get(name):
                row[name] = _first(values[name])  # type: ignore[assignment]
        for name in ("issued", "issuedYear"):
            if values.get(name):
                row["year" if name == "issuedYear" else name] = max(values[name])
        units = sorted(u for u in values.get("adminUnit", ()) if u in codes)
        if units:
            unit, parent = units[0], broader.get(units[0], "")
            row["unitCode"] = codes[unit]
            for key, value in (("unitLabel", labels.get(unit)), ("parentLabel", labels.get(parent))):
                if value:
                    row[key] = value
        if values.get("issuedBy"):
            row["issuer"] = _first(values["issuedBy"])  # type: ignore[assignment]
            if row["issuer"] in labels:
                row["issuerLabel"] = labels[row["issuer"]]
        rows.append(row)
    return rows


def _local(iri: str) -> str:
    """The local name of an IRI.

    >>> _local("http://purl.org/dc/terms/issued"), _local("https://w3id.org/kehoach/ontology#level")
    ('issued', 'level')
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _tasks(store: ox.Store, plan: str | None) -> tuple[dict[str, str], set[str]]:
    """Every task's plan, and which tasks are prose duties."""
    bind = {"plan": ox.NamedNode(plan)} if plan else {}
    tasks = {r["task"]: r["plan"] for r in select(store, TASKS_QUERY, **bind)}
    duties = {r["task"] for r in select(store, DUTIES_QUERY)} & tasks.keys()
    return tasks, duties


def load_plans(store: ox.Store, plan: str | None = None, *, labels: dict[str, str] | None = None,
               tasks: tuple[dict[str, str], set[str]] | None = None) -> dict[str, PlanInfo]:
    """The plans of the store (or the one ``plan``), by IRI, in IRI order."""
    labels = labels if labels is not None else _labels(store)
    codes, broader = _notations(store)
    task_plans, duties = tasks if tasks is not None else _tasks(store, plan)
    items: dict[str, int] = defaultdict(int)
    duty_count: dict[str, int] = defaultdict(int)
    for task, of in task_plans.items():
        items[of] += 1
        duty_count[of] += task in duties
    plans = {}
    for row in _plan_rows(store, labels, codes, broader, plan):
        date, key = plan_date(row.get("issued"), row.get("dateText"), row.get("year"))
        iri = row["plan"]
        plans[iri] = PlanInfo(
            iri=iri, label=_plan_label(row), title=row.get("title", ""), level=row.get("level", ""),
            unit=row.get("unitCode"), identifier=row.get("identifier"), issuer=row.get("issuer"),
            issuer_label=row.get("issuerLabel"), year=row.get("year"), date=date, date_key=key,
            tasks=items[iri] - duty_count[iri], duties=duty_count[iri])
    return plans


def load(store: ox.Store, *, plan: str | None = None) -> Corpus:
    """Run the co-operation queries on ``store`` (every plan, or only ``plan``)."""
    labels = _labels(store)
    task_plans, duties = _tasks(store, plan)
    plans = load_plans(store, plan, labels=labels, tasks=(task_plans, duties))
    if plan and plan not in plans:
        raise KehoachError(f"no plan {plan} in the store")
    goal_of: dict[str, set[int]] = defaultdict(set)
    for row in select(store, TASK_GOALS_QUERY):
        if row["goal"].isdigit() and row["task"] in task_plans:
            goal_of[row["task"]].add(int(row["goal"]))
    held: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # task → role → agencies
    for row in select(store, ASSIGNMENTS_QUERY):
        if row["task"] in task_plans:
            held[row["task"]][ROLES[row["role"]]].add(row["agency"])
    roles = _count(((task_plans[t], a, role), t) for t, by_role in held.items() for role, agents in by_role.items()
                   for a in agents)
    pairs = []
    for task, by_role in held.items():
        leads, co_leads = by_role.get(LEAD, set()), by_role.get(CO_LEAD, set())
        pairs += [((task_plans[task], a, b, LEAD_COLEAD), task) for a in leads for b in co_leads if a != b]
        pairs += [((task_plans[task], a, b, JOINT_LEAD), task) for a in leads for b in leads if a < b]
    role_counts = [RoleCount(plan_, agency, role, len(ts), len(ts & duties), _goal_set(ts, goal_of))
                   for (plan_, agency, role), ts in sorted(roles.items())]
    links = [Link(plan_, a, b, kind, len(ts), len(ts & duties), _goal_set(ts, goal_of))
             for (plan_, a, b, kind), ts in sorted(_count(pairs).items())]
    agencies = _agencies(store, labels, {r.agency for r in role_counts})
    categories: dict[str, str] = {}
    goals: dict[int, str] = {}
    for row in select(store, VOCAB_QUERY):
        if row["scheme"] == _GOAL_SCHEME and row["notation"].isdigit():
            goals[int(row["notation"])] = row["label"]
        elif row["scheme"] != _GOAL_SCHEME:
            categories[row["notation"]] = row["label"]
    return Corpus(plans, agencies, role_counts, links, categories, dict(sorted(goals.items())))


def _count(pairs: Iterable[tuple[tuple, str]]) -> dict[tuple, set[str]]:
    """The distinct tasks of each key."""
    grouped: dict[tuple, set[str]] = defaultdict(set)
    for key, task in pairs:
        grouped[key].add(task)
    return grouped


def _goal_set(tasks: set[str], goal_of: dict[str, set[int]]) -> tuple[int, ...]:
    return tuple(sorted({g for t in tasks for g in goal_of.get(t, ())}))


def _agencies(store: ox.Store, labels: dict[str, str], used: set[str]) -> dict[str, AgencyInfo]:
    """What names, sorts and groups the agencies in ``used``."""
    codes, _ = _notations(store)
    facts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in select(store, AGENCY_FACTS_QUERY):
        if row["agency"] in used:
            facts[row["agency"]][_local(row["property"])].add(row["value"])
    groups = {r["agency"] for r in select(store, GROUPS_QUERY)}
    agencies = {}
    for iri in sorted(used):
        kind = _first(facts[iri].get("agencyKind", ()))
        category = _first(codes[c] for c in facts[iri].get("category", ()) if c in codes)
        agencies[iri] = AgencyInfo(iri=iri, label=labels.get(iri) or iri.rsplit("/", 1)[-1],
                                   category=category or "other", kind=kind,
                                   kind_label=labels.get(kind) if kind else None, is_group=iri in groups)
    return agencies


def load_goal_tasks(store: ox.Store) -> dict[int, list[dict[str, str]]]:
    """The rows of :data:`GOAL_TASKS_QUERY` by strategic goal number, in plan and task order."""
    rows: dict[int, list[dict[str, str]]] = defaultdict(list)
    prefix = _GOAL_SCHEME + "/"
    for row in select(store, GOAL_TASKS_QUERY):
        number = row["goal"].removeprefix(prefix)
        if row["goal"].startswith(prefix) and number.isdigit():
            rows[int(number)].append(row)
    for found in rows.values():
        found.sort(key=lambda r: (r["plan"], r["task"], r.get("role", ""), r.get("agency", "")))
    return dict(rows)


def load_references(store: ox.Store) -> list[dict[str, str]]:
    """What each plan carries out or cites (``plan``, ``rel``, ``doc``) with what describes the document
    (``identifier``, ``docType``, ``issuerName``, ``issued``, ``title``: the smallest value, so the
    earliest date), in plan, relation and document order."""
    references = select(store, REFERENCES_QUERY)
    cited = {r["doc"] for r in references}
    documents: dict[str, dict[str, str]] = defaultdict(dict)
    for row in sorted(select(store, DOCUMENT_FACTS_QUERY), key=lambda r: (r["doc"], r["property"], r["value"])):
        if row["doc"] in cited:
            documents[row["doc"]].setdefault(_local(row["property"]), row["value"])
    rows = [{**documents.get(r["doc"], {}), **r} for r in references]
    return sorted(rows, key=lambda r: (r["plan"], r["rel"], r["doc"]))
