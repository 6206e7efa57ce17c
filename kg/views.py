"""HTML views of the co-operation networks: one self-contained page per view and an index.

``kehoach views`` (``python visualize.py``) writes ``out/views/``:

* ``plan-{key}.html``: the co-operation network of each plan (:func:`kg.network.plan_network`);
* ``kinds.html`` and ``kind-{slug}.html``: agencies merged by kind across plans, and each kind met in
  two plans or more, province by province;
* ``goal-{n}.html``: tasks of strategic goal n and their agencies; ``hierarchy.html``: plans and the
  documents they carry out or cite;
* ``index.html``: links to all of them and sortable tables of the metrics;
* ``pictures/{page}.png`` and ``.svg`` for reports (:mod:`kg.pictures`).

pyvis (0.3.2) renders the network part with ``generate_html()``; this module writes the file itself, as
UTF-8, after removing everything that would load from elsewhere (its in-line mode still links
Bootstrap from a CDN) and adding a Content-Security-Policy that allows only the page's own scripts,
by hash. A page makes no request. Names are data: they reach the page as JSON (escaped by Jinja's
``tojson``) and are shown with ``textContent`` / vis-network's ``innerText`` tooltips, never as HTML.
"""

from __future__ import annotations

import functools
import html
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
import networkx as nx
import pyoxigraph as ox
from pyvis.network import Network

from kg import corpus as kc
from kg import layout
from kg import metrics as km
from kg import network as kn
from kg.errors import KehoachError
from kg.slug import slugify
from kg.store import open_store
from kg.views_assets import CSS, PAGE_JS, SORT_JS
from kg.views_html import check_self_contained, content_security_policy, json_script, strip_external

PHYSICS_LIMIT = 300  # above this many nodes: no physics in the browser, positions computed here
COMMUNE_PAGES = 100  # level "auto": above this many commune plans, only province plans get a page each
PICTURE_LIMIT = 60  # level "auto": above this many views, pictures of the overviews and province plans only
LEVELS = ("auto", "all", "province")
VIEWS_DIR = "views"
PICTURES_DIR = "pictures"
COLOURS = {  # node colour = agency category (Okabe-Ito, readable by colour-blind people)
    "department": "#0072B2", "police-military": "#D55E00", "mass-organisation": "#009E73",
    "commune-body": "#CC79A7", "central-body": "#E69F00", "collective": "#9AA3AD",
    "people-committee": "#56B4E9", "press": "#F0E442", "other": "#8C6D4F",
    "task": "#D9DEE5", "plan": "#1F5FA8", "document": "#F2C14E",
}
EDGE_COLOURS = {kc.LEAD_COLEAD: "#6F7F92", kc.JOINT_LEAD: "#7B3294", kc.LEAD: "#1D2733", kc.CO_LEAD: "#8A97A8",
                kc.GUIDING: "#B07A00", kn.IMPLEMENTS: "#1F5FA8", kn.CITES: "#A8B3C0"}
RELATION = {kc.LEAD_COLEAD: "chủ trì → phối hợp", kc.JOINT_LEAD: "cùng chủ trì", kc.LEAD: "chủ trì",
            kc.CO_LEAD: "phối hợp", kc.GUIDING: "hướng dẫn", kn.IMPLEMENTS: "thực hiện", kn.CITES: "trích dẫn"}
EXTRA_LABELS = {"task": "Nhiệm vụ", "plan": "Kế hoạch", "document": "Văn bản"}
CATEGORY_LABELS = {  # as in ontology/schemes/agency-categories.ttl; the store's labels win when it has them
    "department": "Sở, ngành cấp tỉnh", "police-military": "Công an, quân sự",
    "mass-organisation": "Mặt trận, đoàn thể",
    "commune-body": "Cơ quan cấp xã", "central-body": "Cơ quan trung ương", "collective": "Nhóm cơ quan nêu chung",
    "people-committee": "Ủy ban nhân dân", "press": "Báo chí, phát thanh, truyền hình", "other": "Khác"}
DUTIES = "phần Tổ chức thực hiện"
OPEN_ROWS = 2000  # the index's table of every agency of every plan starts closed above this many rows
GENERATOR = "kehoach-kg views"  # in index.html: a folder holding it may be replaced by the next run


@dataclass
class View:
    """One page: a graph, what it shows, for which plans, and its metrics."""

    key: str  # the file stem: "plan-75-2026-2030", "kinds", "kind-so-y-te", "goal-7", "hierarchy"
    kind: str  # plan | kinds | kind | goal | hierarchy
    title: str
    subtitle: str
    graph: nx.Graph
    plans: list[kc.PlanInfo]
    date: str
    metrics: km.NetworkMetrics | None = None
    agencies: list[km.AgencyMetrics] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.key}.html"


@dataclass
class ViewsResult:
    """What ``write_views`` wrote, and how long each step took (seconds)."""

    folder: Path
    views: list[View]
    pages: list[Path] = field(default_factory=list)
    pictures: list[Path] = field(default_factory=list)
    skipped_kinds: int = 0  # kinds met in one plan only: no comparison page
    level: str = "all"  # the level written: "all" or "province" (see resolve_level)
    timings: dict[str, float] = field(default_factory=dict)


# --- which views ---------------------------------------------------------------------------------------

def resolve_level(corpus: kc.Corpus, level: str = "auto") -> str:
    """"all" or "province": ``level`` "auto" is "all" up to :data:`COMMUNE_PAGES` commune plans and
    "province" above (a country has 3,321 communes: a page each would be 1.6 GB of pages, each carrying
    its own copy of vis-network, for networks of a dozen bodies; they stay in the kinds overview and
    the hierarchy, and ``--level all`` still writes them)."""
    if level not in LEVELS:
        raise KehoachError(f"--level must be one of {', '.join(LEVELS)}, not {level!r}")
    if level != "auto":
        return level
    communes = sum(1 for p in corpus.plans.values() if p.level not in kc.PROVINCE_LEVELS)
    return "all" if communes <= COMMUNE_PAGES else "province"


def build_views(store: ox.Store, corpus: kc.Corpus, *, level: str = "auto",
                goal_tasks: dict[int, list[dict[str, str]]] | None = None,
                references: list[dict[str, str]] | None = None) -> tuple[list[View], int]:
    """Every view of the corpus. ``level`` "province" gives a page of its own only to province plans
    (tỉnh / thành phố) and compares kinds over them only; commune plans still count in the kinds
    overview and the hierarchy; "auto" chooses (:func:`resolve_level`). Returns the views and the
    number of kinds met in fewer than two of the compared plans (no comparison page for them).
    ``goal_tasks`` and ``references`` (:mod:`kg.corpus`) are read from ``store`` when not given."""
    level = resolve_level(corpus, level)
    chosen = [p for p in corpus.plans.values() if level == "all" or p.level in kc.PROVINCE_LEVELS]
    goal_tasks = goal_tasks if goal_tasks is not None else kc.load_goal_tasks(store)
    views = []
    for plan in chosen:
        graph = kn.plan_network(corpus, plan.iri)
        agencies = km.agency_metrics(graph)
        views.append(View(f"plan-{plan.key}", "plan", f"Phối hợp giữa các cơ quan — {plan.label}",
                          plan.title, graph, [plan], plan.date, km.network_metrics(graph, plan, agencies), agencies))
    kinds = kn.kind_network(corpus)
    agencies = km.agency_metrics(kinds)
    dropped = kinds.graph.get("dropped", 0)
    views.append(View("kinds", "kinds", "Phối hợp theo loại cơ quan, mọi kế hoạch",
                      "Mỗi nút là một loại cơ quan (mọi \"Sở Y tế\" là một nút); chọn một kế hoạch để so sánh."
                      + (f" {dropped} cơ quan chưa xác định được loại không có trong sơ đồ." if dropped else ""),
                      kinds, chosen, corpus.date, km.network_metrics(kinds, None, agencies), agencies))
    compared = {p.iri for p in chosen}
    plans_of_kind: dict[str, set[str]] = {}
    for role in corpus.roles:
        kind = corpus.agencies[role.agency].kind
        if kind:
            plans_of_kind.setdefault(kind, set()).update({role.plan} & compared)
    names = corpus.kinds()
    skipped = 0
    for kind in sorted(plans_of_kind, key=lambda k: (slugify(names[k]), k)):
        if len(plans_of_kind[kind]) < 2:
            skipped += 1
            continue
        graph = kn.kind_comparison(corpus, kind, plans=compared)
        plans = [corpus.plans[p] for p in sorted(plans_of_kind[kind])]
        views.append(View(_kind_key(kind), "kind", f"{names[kind]} ở các kế hoạch",
                          f"{names[kind]} của từng tỉnh, thành phố{'' if level == 'province' else ', xã'} và các cơ "
                          "quan phối hợp với nó (gộp theo loại); chọn một kế hoạch để xem riêng.", graph, plans,
                          kc.latest_date(plans), agencies=km.agency_metrics(graph)))
    for number in kc.GOAL_NUMBERS:
        graph = kn.goal_network(store, number, corpus, goal_tasks=goal_tasks)
        plans = [corpus.plans[p] for p in sorted({p for _, d in graph.nodes(data=True) for p in d["plans"]})]
        views.append(View(f"goal-{number}", "goal", f"Mục tiêu chiến lược {number}: nhiệm vụ và cơ quan",
                          corpus.goals.get(number, ""), graph, plans, kc.latest_date(plans)))
    graph = kn.hierarchy(store, corpus, references=references)
    if level == "province":  # a country's 3,321 commune plans: one node per province plan they carry out
        graph = kn.group_commune_plans(graph, corpus)
    views.append(View("hierarchy", "hierarchy", "Hệ thống kế hoạch và văn bản được thực hiện",
                      "Kế hoạch xã → kế hoạch tỉnh, thành phố → quyết định của Thủ tướng (mũi tên đậm: thực hiện; "
                      "nét mảnh: trích dẫn).", graph, chosen, corpus.date))
    return views, skipped


def _kind_key(kind: str) -> str:
    """The file stem of a kind's comparison page.

    >>> _kind_key("https://w3id.org/kehoach/def/agency-kind/so-y-te")
    'kind-so-y-te'
    """
    return "kind-" + slugify(kind.rstrip("/").rsplit("/", 1)[-1])


# --- tooltips (plain text) -----------------------------------------------------------------------------

def _count(tasks: int, duties: int) -> str:
    """ "26 nhiệm vụ phụ lục, 3 trong phần Tổ chức thực hiện" — parts that are 0 are left out.

    >>> _count(26, 3)
    '26 nhiệm vụ phụ lục, 3 trong phần Tổ chức thực hiện'
    >>> _count(0, 0)
    '0'
    """
    parts = ([f"{tasks} nhiệm vụ phụ lục"] if tasks else []) + ([f"{duties} trong {DUTIES}"] if duties else [])
    return ", ".join(parts) or "0"


def _category(corpus: kc.Corpus, category: str) -> str:
    """The Vietnamese name of an agency category (or of a task / plan / document node)."""
    return corpus.categories.get(category) or CATEGORY_LABELS.get(category) or EXTRA_LABELS.get(category, category)


def _goals_text(goals: Iterable[int]) -> str:
    goals = list(goals)
    return f"Mục tiêu chiến lược: {', '.join(map(str, goals))}" if goals else ""


def _node_tip(view: View, node: str, attrs: dict, metric: km.AgencyMetrics | None, corpus: kc.Corpus) -> str:
    kind = attrs.get("kind")
    if kind == "task":
        plan = corpus.plans.get(attrs["plan"])
        description = attrs.get("description", "")
        description = description if len(description) <= 500 else description[:499] + "…"
        return f"Nhiệm vụ {attrs['code']} — {plan.label if plan else ''}\n{description}"
    if kind == "plan":
        return "\n".join(x for x in (attrs["label"], attrs.get("title", ""), f"Cấp: {attrs.get('level', '')}") if x)
    if kind == "document":
        return "\n".join(x for x in (f"Văn bản {attrs['label']}", attrs.get("issuer", ""),
                                     f"Ngày: {attrs['issued']}" if attrs.get("issued") else "", attrs.get("title", ""))
                         if x)
    lines = [attrs["label"], f"Nhóm: {_category(corpus, attrs.get('category') or 'other')}",
             f"Chủ trì: {_count(attrs.get('tasks_led', 0), attrs.get('duties_led', 0))}",
             f"Phối hợp: {_count(attrs.get('tasks_co_led', 0), attrs.get('duties_co_led', 0))}"]
    if attrs.get("tasks_guided"):
        lines.append(f"Hướng dẫn: {attrs['tasks_guided']} nhiệm vụ")
    if metric is not None:
        lines.append(f"Bậc có trọng số: {metric.weighted_degree} · trung gian: {_fmt(metric.betweenness)} · "
                     f"cộng đồng {metric.community}")
        if metric.isolated:
            lines.append("Không phối hợp với cơ quan nào")
        elif metric.only_collective:
            lines.append("Chỉ phối hợp với các nhóm cơ quan nêu chung")
    if len(view.plans) > 1 and attrs.get("plans"):
        lines.append(f"Có trong {len(attrs['plans'])} kế hoạch")
    goals = _goals_text(attrs.get("goals", ()))
    return "\n".join(lines + ([goals] if goals else []))


def _edge_tip(graph: nx.Graph, a: str, b: str, data: dict, corpus: kc.Corpus) -> str:
    kind = data["type"]
    names = graph.nodes[a]["label"], graph.nodes[b]["label"]
    if kind in (kn.IMPLEMENTS, kn.CITES):
        return f"{names[0]} {RELATION[kind]} {names[1]}"
    if kind in (kc.LEAD, kc.CO_LEAD, kc.GUIDING):
        return f"{names[0]}: {RELATION[kind]} nhiệm vụ {graph.nodes[b].get('code', '')}"
    arrow = "→" if kind == kc.LEAD_COLEAD else "+"
    lines = [f"{names[0]} {arrow} {names[1]}",
             f"{RELATION[kind].capitalize()}: {data['weight']} nhiệm vụ chung"
             + (f" ({data['duties']} trong {DUTIES})" if data["duties"] else "")]
    if len(data.get("plans", {})) > 1:
        lines.append("; ".join(f"{corpus.plans[p].label}: {w}" for p, w in sorted(data["plans"].items())
                               if p in corpus.plans))
    goals = _goals_text(data.get("goals", ()))
    return "\n".join(lines + ([goals] if goals else []))


# --- pyvis rendering -----------------------------------------------------------------------------------

def _vis_data(view: View, corpus: kc.Corpus, pos: dict[str, tuple[float, float]]) -> tuple[list[dict], list[dict]]:
    """The vis-network node and edge dicts, appended to pyvis's lists directly (its add_edge is
    quadratic); tooltips as ``tip`` (see module docstring of :mod:`kg.views_assets`)."""
    metric = {m.node: m for m in view.agencies}
    big = view.graph.number_of_nodes() > PHYSICS_LIMIT
    nodes = []
    for node, attrs in view.graph.nodes(data=True):
        category = attrs.get("category") or "other"
        kind = attrs.get("kind")
        item = {"id": node, "label": attrs["label"], "tip": _node_tip(view, node, attrs, metric.get(node), corpus),
                "color": {"background": COLOURS.get(category, COLOURS["other"]), "border": "#33415580",
                          "highlight": {"background": "#FFD23F", "border": "#1d2733"}},
                "goals": list(attrs.get("goals", ())), "plans": list(attrs.get("plans", ())),
                "collective": bool(attrs.get("is_group")), "cat": category,
                "x": round(pos[node][0], 1), "y": round(pos[node][1], 1)}
        if kind == "task":
            item.update(shape="box", font={"size": 16})
        elif kind == "plan":
            item.update(shape="box", font={"color": "#ffffff", "size": 24}, margin=10)
        elif kind == "document":
            item.update(shape="ellipse", font={"size": 22})
        else:
            item.update(shape="dot", value=attrs.get("tasks_led", 0) + attrs.get("duties_led", 0))
            if len(view.plans) > 1 and attrs.get("led_in"):
                item["ledIn"] = dict(attrs["led_in"])  # the size when one plan is chosen
            if attrs.get("centre"):
                item.update(borderWidth=3, shapeProperties={"borderDashes": False})
        nodes.append(item)
    edges = []
    for index, (a, b, data) in enumerate(sorted(view.graph.edges(data=True), key=lambda e: (e[0], e[1], e[2]["type"]))):
        kind = data["type"]
        only_duties = bool(data.get("duties")) and not data.get("tasks")
        edges.append({
            "id": index, "from": a, "to": b, "value": data.get("weight", 1), "relation": RELATION[kind],
            "tip": _edge_tip(view.graph, a, b, data, corpus),
            "arrows": "to" if kind in (kc.LEAD_COLEAD, kn.IMPLEMENTS, kn.CITES) else "",
            "dashes": only_duties or kind in (kn.CITES, kc.GUIDING),
            "color": {"color": EDGE_COLOURS[kind], "opacity": 0.55 if big else 0.8, "highlight": "#FFB000"},
            "goals": list(data.get("goals", ())), "plans": dict(data.get("plans", {})),
            "tasks": data.get("tasks", 0), "duties": data.get("duties", 0)})
    return nodes, edges


def _options(view: View, physics: bool) -> dict:
    big = view.graph.number_of_nodes() > PHYSICS_LIMIT
    return {
        "nodes": {"shape": "dot", "borderWidth": 1, "scaling": {"min": 7, "max": 36, "label": {
            "enabled": True, "min": 14, "max": 24, "drawThreshold": 7 if big else 4}},
            "font": {"face": "DejaVu Sans, Noto Sans, Arial, sans-serif", "size": 14, "strokeWidth": 3,
                     "strokeColor": "#ffffff"}},
        "edges": {"scaling": {"min": 1, "max": 7, "label": {"enabled": False}}, "smooth": False if big or not physics
                  else {"type": "continuous"}, "arrows": {"to": {"scaleFactor": 0.5}}, "color": {"inherit": False},
                  "selectionWidth": 2},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -160, "centralGravity": 0.008,
                                         "springLength": 170, "springConstant": 0.03, "avoidOverlap": 0.9},
                    "stabilization": {"enabled": physics, "iterations": 300, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "multiselect": True},
        "layout": {"randomSeed": km.SEED, "improvedLayout": False},
    }


@functools.lru_cache(maxsize=1)
def _template_env(folder: str) -> jinja2.Environment:
    """One Jinja environment for every page: it compiles pyvis's template (and the 470 kB of
    vis-network it includes) once."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder))
    # tojson still escapes < > & ' (so a name cannot close the script); names stay readable UTF-8.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


def _legend(view: View, corpus: kc.Corpus) -> str:
    present = sorted({d.get("category") or "other" for _, d in view.graph.nodes(data=True)},
                     key=lambda c: list(COLOURS).index(c) if c in COLOURS else 99)
    items = []
    for category in present:
        label = _category(corpus, category)
        shape = "kh-box" if category in EXTRA_LABELS else "kh-dot"
        items.append(f'<li><span class="{shape}" style="background:{COLOURS.get(category, COLOURS["other"])}"></span>'
                     f"{html.escape(label)}</li>")
    kinds = {d["type"] for _, _, d in view.graph.edges(data=True)}
    for kind in (kc.LEAD_COLEAD, kc.JOINT_LEAD, kc.LEAD, kc.CO_LEAD, kc.GUIDING, kn.IMPLEMENTS, kn.CITES):
        if kind in kinds:
            dash = ' stroke-dasharray="4 3"' if kind in (kn.CITES, kc.GUIDING) else ""
            arrow = "→ " if kind in (kc.LEAD_COLEAD, kn.IMPLEMENTS, kn.CITES) else ""
            items.append(f'<li><svg width="30" height="10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" '
                         f'stroke="{EDGE_COLOURS[kind]}" stroke-width="3"{dash}/></svg>{arrow}{RELATION[kind]}</li>')
    if any(d.get("duties") and not d.get("tasks") for _, _, d in view.graph.edges(data=True)):
        items.append('<li><svg width="30" height="10" aria-hidden="true"><line x1="1" y1="5" x2="29" y2="5" '
                     'stroke="#6F7F92" stroke-width="3" stroke-dasharray="4 3"/></svg>'
                     f"nét đứt: chỉ có trong {DUTIES}</li>")
    if view.kind in ("plan", "kinds", "kind", "goal"):
        items.append("<li>Kích thước nút = số nhiệm vụ chủ trì; độ dày cạnh = số nhiệm vụ chung</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _controls(view: View, corpus: kc.Corpus) -> str:
    parts = ['<label>Tìm cơ quan <input id="kh-search" type="search" placeholder="vd. So Noi vu" '
             'autocomplete="off" spellcheck="false"></label><span id="kh-search-result" role="status"></span>']
    goals = sorted({g for _, d in view.graph.nodes(data=True) for g in d.get("goals", ())})
    if goals and view.kind != "goal":
        options = "".join(f'<option value="{g}">{g}. {html.escape(_short(corpus.goals.get(g, ""), 60))}</option>'
                          for g in goals)
        parts.append(f'<label>Mục tiêu chiến lược <select id="kh-goal"><option value="">Tất cả</option>'
                     f"{options}</select></label>")
    if len(view.plans) > 1:
        options = "".join(f'<option value="{html.escape(p.iri)}">{html.escape(p.label)}</option>'
                          for p in sorted(view.plans, key=lambda p: slugify(p.label)))
        parts.append(f'<label>Kế hoạch <select id="kh-plan"><option value="">Tất cả</option>{options}</select></label>')
    if any(d.get("is_group") for _, d in view.graph.nodes(data=True)):
        parts.append('<label><input type="checkbox" id="kh-hide-collective"> Ẩn nhóm cơ quan nêu chung</label>')
    if any(d.get("duties") for _, _, d in view.graph.edges(data=True)):
        parts.append(f'<label><input type="checkbox" id="kh-hide-duties"> Ẩn quan hệ chỉ có trong {DUTIES}</label>')
    return '<section class="kh-controls" aria-label="Tìm và lọc">' + "".join(parts) + "</section>"


def _short(text: str, size: int) -> str:
    """``text`` cut to ``size`` characters at most, with "…".

    >>> _short("Sở Văn hóa, Thể thao và Du lịch", 12)
    'Sở Văn hóa,…'
    """
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _fmt(value: float, digits: int = 3) -> str:
    """A number the Vietnamese way (decimal comma).

    >>> _fmt(0.2857, 3)
    '0,286'
    """
    return f"{value:.{digits}f}".replace(".", ",")


def _num(value: float, key: str = "", shown: str | None = None) -> str:
    """A numeric, sortable cell (``data-key`` names the metric for scripts and tests)."""
    named = f' data-key="{key}"' if key else ""
    return f'<td class=n data-sort="{value}"{named}>{html.escape(shown if shown is not None else str(value))}</td>'


AGENCY_HEAD = ("<th class=n>Chủ trì (phụ lục)</th>"
               f"<th class=n>Chủ trì ({DUTIES})</th><th class=n>Phối hợp (phụ lục)</th>"
               f"<th class=n>Phối hợp ({DUTIES})</th><th class=n>Bậc có trọng số</th><th class=n>Trung gian</th>"
               "<th class=n>Cộng đồng</th><th>Ghi chú</th>")


def _agency_row(m: km.AgencyMetrics, view: View, corpus: kc.Corpus, *, page: str = "") -> str:
    """A row of agency metrics; with ``page`` (the index) the plan's name and a link into its page."""
    name = f'<a href="{html.escape(page)}#q={quote(m.label)}">{html.escape(m.label)}</a>'
    note = "không phối hợp" if m.isolated else ("chỉ với nhóm nêu chung" if m.only_collective else "")
    plan = view.plans[0]
    head = (f'<tr data-plan="{html.escape(plan.iri)}" data-node="{html.escape(m.node)}"><td>{name}</td>'
            f"<td>{html.escape(plan.label)}</td>" if page else f'<tr data-node="{html.escape(m.node)}"><td>{name}</td>')
    return (head
            + f"<td>{html.escape(_category(corpus, m.category))}</td>"
            + _num(m.tasks_led, "tasks_led") + _num(m.duties_led, "duties_led") + _num(m.tasks_co_led, "tasks_co_led")
            + _num(m.duties_co_led, "duties_co_led") + _num(m.weighted_degree, "weighted_degree")
            + _num(m.betweenness, "betweenness", _fmt(m.betweenness)) + _num(m.community, "community")
            + f"<td>{note}</td></tr>")


def agency_table(view: View, corpus: kc.Corpus) -> str:
    """The sortable table of a view's agency metrics (rows carry data-node for tests and scripts)."""
    rows = "".join(_agency_row(m, view, corpus) for m in view.agencies)
    return (f'<table class="kh-sortable kh-agencies"><thead><tr><th>Cơ quan</th><th>Nhóm</th>{AGENCY_HEAD}</tr>'
            f"</thead><tbody>{rows}</tbody></table>")


def page_positions(view: View) -> dict[str, tuple[float, float]]:
    """Where the page draws each node, in pixels: the starting point of the physics up to
    :data:`PHYSICS_LIMIT` nodes, the final layout above (and always for the hierarchy)."""
    graph = view.graph
    if view.kind == "hierarchy":  # slots of a fixed size in pixels: labels are long, rows may be many
        return {n: (x * 250.0, y * 150.0) for n, (x, y) in layout.layered_positions(graph).items()}
    return layout.positions(graph, scale=max(700.0, 95.0 * math.sqrt(max(len(graph), 1))))


def render_page(view: View, corpus: kc.Corpus, *, positions: dict[str, tuple[float, float]] | None = None) -> str:
    """The self-contained HTML page of ``view`` (``positions``: :func:`page_positions`, computed when not
    given)."""
    graph = view.graph
    count = graph.number_of_nodes()
    physics = count <= PHYSICS_LIMIT and view.kind != "hierarchy"
    pos = positions if positions is not None else page_positions(view)
    net = Network(height="78vh", width="100%", directed=True, cdn_resources="in_line", heading="")
    net.templateEnv = _template_env(net.template_dir)  # each Network would compile its template again
    net.nodes, net.edges = _vis_data(view, corpus, pos)
    net.options = _options(view, physics)  # type: ignore[assignment]
    page = net.generate_html(name=f"{view.key}.html")
    page = strip_external(page)
    call = "\n              drawGraph();\n"
    if page.count(call) != 1:
        raise KehoachError("internal error: pyvis's template changed (drawGraph call not found)")
    page = page.replace(call, "\n")
    meta = {"physics": physics, "nodes": count, "edges": graph.number_of_edges(), "view": view.kind,
            "partners": "Quan hệ" if view.kind in ("goal", "hierarchy") else "Phối hợp với"}
    metrics = ""
    if view.agencies:
        metrics = (f'<section class="kh-wide"><h2>Chỉ số của từng cơ quan</h2><p class="kh-note">Bấm tiêu đề '
                   f'cột để sắp xếp; bấm tên cơ quan để tìm trên sơ đồ.</p>{agency_table(view, corpus)}</section>')
    date = f"Dữ liệu: kế hoạch ban hành {html.escape(view.date)}" if view.date else "Dữ liệu: chưa rõ ngày ban hành"
    top = (f'<header><nav><a href="index.html">← Tất cả sơ đồ</a></nav><h1>{html.escape(view.title)}</h1>'
           f"<p>{html.escape(view.subtitle)}</p><p>{date} · {count} nút, {graph.number_of_edges()} cạnh · "
           '<span id="kh-shown"></span></p></header>' + _controls(view, corpus)
           + '<aside class="kh-side"><section class="kh-legend"><h2>Chú giải</h2>' + _legend(view, corpus)
           + '</section><section id="kh-details" aria-live="polite"><p class="kh-note">Chọn một nút, hoặc tìm '
           "một cơ quan, để xem chi tiết.</p></section></aside>")
    page = _insert(page, "<body>", top, after=True)
    bottom = (metrics + f'<script type="application/json" id="kh-meta">{json_script(meta)}</script>'
              f"<script>{PAGE_JS}</script><script>{SORT_JS}</script>")
    page = _insert(page, "</body>", bottom, after=False)
    head = f"<title>{html.escape(view.title)}</title><style>{CSS}</style>"
    page = _insert(page, '<meta charset="utf-8">', head, after=True)
    policy = html.escape(content_security_policy(page))
    page = _insert(page, '<meta charset="utf-8">', f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
                   after=True)
    page = page.replace("<html>", '<!DOCTYPE html>\n<html lang="vi">', 1)
    check_self_contained(page)
    return page


def _insert(page: str, marker: str, text: str, *, after: bool) -> str:
    index = page.rfind(marker) if marker.startswith("</") else page.find(marker)
    if index < 0:
        raise KehoachError(f"internal error: {marker} not found in pyvis's page")
    at = index + len(marker) if after else index
    return page[:at] + text + page[at:]


# --- the index -----------------------------------------------------------------------------------------

def _pictures(view: View | None, pictures: Collection[str]) -> str:
    if view is None or view.key not in pictures:
        return ""
    return (f' · <a href="{PICTURES_DIR}/{view.key}.png">PNG</a> · '
            f'<a href="{PICTURES_DIR}/{view.key}.svg">SVG</a>')


def _plan_row(view: View, pictures: Collection[str]) -> str:
    plan, m = view.plans[0], view.metrics
    assert m is not None  # every plan view has its metrics
    share = f"{_fmt(100 * m.share, 1)} %{'' if m.basis == 'tasks' else '*'}"
    return (f'<tr data-plan="{html.escape(plan.iri)}"><td><a href="{view.file}">{html.escape(plan.label)}</a>'
            f"{_pictures(view, pictures)}</td><td>{html.escape(plan.level)}</td><td>{html.escape(plan.date)}</td>"
            + _num(plan.tasks, "tasks") + _num(plan.duties, "duties") + _num(m.nodes, "nodes")
            + _num(m.edges, "edges") + _num(m.density, "density", _fmt(m.density))
            + f'<td data-key="top">{html.escape(m.top_agency or "")}</td>' + _num(m.top_led, "top_led")
            + _num(m.share, "share", share) + f'<td data-key="hubs">{html.escape("; ".join(m.hubs))}</td>'
            + _num(m.communities, "communities") + _num(m.isolated, "isolated")
            + _num(m.only_collective, "only_collective") + "</tr>")


def _kind_row(m: km.AgencyMetrics, kinds: View, page: View | None, pictures: Collection[str]) -> str:
    name = html.escape(m.label)
    if page is not None:
        name = f'<a href="{page.file}">{name}</a>{_pictures(page, pictures)}'
    plans = len(kinds.graph.nodes[m.node].get("plans", ()))
    return (f'<tr data-node="{html.escape(m.node)}"><td>{name}</td>' + _num(plans, "plans")
            + _num(m.tasks_led, "tasks_led") + _num(m.duties_led, "duties_led") + _num(m.tasks_co_led, "tasks_co_led")
            + _num(m.weighted_degree, "weighted_degree") + _num(m.betweenness, "betweenness", _fmt(m.betweenness))
            + _num(m.community, "community") + "</tr>")


def render_index(views: list[View], corpus: kc.Corpus, *, pictures: Collection[str], skipped_kinds: int,
                 level: str = "all") -> str:
    """index.html: what each view is, links, and sortable tables of the plan, kind and agency metrics.
    ``pictures``: the keys of the views drawn as pictures; ``level``: as :func:`resolve_level` chose."""
    plan_views = [v for v in views if v.kind == "plan"]
    plan_rows = "".join(_plan_row(v, pictures) for v in plan_views)
    kinds = next(v for v in views if v.kind == "kinds")
    kind_pages = {v.key: v for v in views if v.kind == "kind"}
    kind_rows = "".join(_kind_row(m, kinds, kind_pages.get(_kind_key(m.node)), pictures) for m in kinds.agencies)
    goal_items = "".join(
        f'<li><a href="{v.file}">Mục tiêu chiến lược {v.key.removeprefix("goal-")}</a>{_pictures(v, pictures)}: '
        f"{html.escape(_short(v.subtitle, 110))} <span class=kh-note>"
        f"({sum(1 for _, d in v.graph.nodes(data=True) if d.get('kind') == 'task')} nhiệm vụ)</span></li>"
        for v in views if v.kind == "goal")
    agency_rows = "".join(_agency_row(m, v, corpus, page=v.file) for v in plan_views for m in v.agencies)
    agency_count = sum(len(v.agencies) for v in plan_views)
    open_agencies = " open" if agency_count <= OPEN_ROWS else ""  # a long table opens on demand: fast index
    hierarchy = next(v for v in views if v.kind == "hierarchy")
    date = html.escape(corpus.date) or "chưa rõ"
    without_page = len(corpus.plans) - len(plan_views)
    communes = (f"<p class=kh-note>{without_page} kế hoạch cấp xã không có trang riêng: ở quy mô cả nước, mỗi "
                "trang mang theo thư viện vẽ sơ đồ (~0,5 MB) cho một mạng chỉ vài chục cơ quan. Chúng vẫn được "
                "tính trong sơ đồ theo loại cơ quan và hệ thống kế hoạch; <code>kehoach views --level all</code> "
                "viết trang cho từng kế hoạch xã.</p>" if level == "province" and without_page else "")
    unpictured = sum(1 for v in views if v.key not in pictures)
    if pictures and unpictured:
        communes += (f"<p class=kh-note>{unpictured} sơ đồ (từng kế hoạch, so sánh theo loại cơ quan) không có ảnh "
                     "PNG, SVG: ở quy mô cả nước chỉ các sơ đồ tổng quan được vẽ thành ảnh (vẽ ảnh chậm).</p>")
    skipped = (f" {skipped_kinds} loại cơ quan có trong dưới hai kế hoạch: không có trang so sánh."
               if skipped_kinds else "")
    body = f"""<header><h1>Sơ đồ phối hợp giữa các cơ quan</h1>
<p>{len(corpus.plans)} kế hoạch thực hiện Chương trình hành động Cộng đồng Văn hóa - Xã hội ASEAN
(QĐ 155/QĐ-TTg). Dữ liệu: kế hoạch ban hành đến {date}. Mỗi sơ đồ là một trang tự chứa, mở được khi
không có mạng.</p></header>
<section class="kh-wide"><h2>Từng kế hoạch</h2>
<p class="kh-note">Quan hệ: chủ trì → phối hợp và cùng chủ trì, tính cả nhiệm vụ giao trong {DUTIES}.
Tỷ lệ: số nhiệm vụ phụ lục do cơ quan chủ trì nhiều nhất đảm nhận / tổng số nhiệm vụ phụ lục
(* kế hoạch không có phụ lục: tính trên nhiệm vụ trong văn bản). Trung tâm và chủ trì nhiều nhất không
tính các nhóm cơ quan nêu chung.</p>
<table class="kh-sortable kh-plans"><thead><tr><th>Kế hoạch</th><th>Cấp</th><th>Ngày</th>
<th class=n>Nhiệm vụ phụ lục</th><th class=n>Nhiệm vụ trong văn bản</th><th class=n>Cơ quan</th>
<th class=n>Quan hệ</th><th class=n>Mật độ</th><th>Chủ trì nhiều nhất</th><th class=n>Số nhiệm vụ</th>
<th class=n>Tỷ lệ</th><th>Trung tâm (bậc có trọng số)</th><th class=n>Cộng đồng</th><th class=n>Cô lập</th>
<th class=n>Chỉ với nhóm chung</th></tr></thead><tbody>{plan_rows}</tbody></table>{communes}</section>
<section class="kh-wide"><h2>Theo loại cơ quan (so sánh giữa các tỉnh)</h2>
<p><a href="{kinds.file}">Sơ đồ theo loại cơ quan, mọi kế hoạch</a>{_pictures(kinds, pictures)}.
{html.escape(skipped)}</p>
<table class="kh-sortable kh-kinds"><thead><tr><th>Loại cơ quan</th><th class=n>Kế hoạch</th>
<th class=n>Chủ trì (phụ lục)</th><th class=n>Chủ trì ({DUTIES})</th><th class=n>Phối hợp (phụ lục)</th>
<th class=n>Bậc có trọng số</th><th class=n>Trung gian</th><th class=n>Cộng đồng</th></tr></thead>
<tbody>{kind_rows}</tbody></table></section>
<section class="kh-wide"><h2>Theo mục tiêu chiến lược</h2><ol class="kh-goals">{goal_items}</ol></section>
<section class="kh-wide"><h2>Hệ thống kế hoạch</h2><p><a href="{hierarchy.file}">Kế hoạch xã → kế hoạch tỉnh,
thành phố → văn bản trung ương</a>{_pictures(hierarchy, pictures)}</p></section>
<section class="kh-wide"><details{open_agencies}><summary><h2>Cơ quan trong từng kế hoạch ({agency_count})</h2>
</summary>
<table class="kh-sortable kh-all-agencies"><thead><tr><th>Cơ quan</th><th>Kế hoạch</th><th>Nhóm</th>{AGENCY_HEAD}
</tr></thead><tbody>{agency_rows}</tbody></table></details></section>
<script>{SORT_JS}</script>"""
    page = ('<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="generator" content="{GENERATOR}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Sơ đồ phối hợp giữa các cơ quan</title><style>{CSS}"
            "body{display:block;max-width:1400px;margin:auto}</style></head><body>" + body + "</body></html>\n")
    policy = html.escape(content_security_policy(page))
    page = _insert(page, '<meta charset="utf-8">', f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
                   after=True)
    check_self_contained(page)
    return page


# --- writing -------------------------------------------------------------------------------------------

def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as stream:
        stream.write(text)


def _check_replaceable(folder: Path) -> None:
    """Refuse to replace a folder that is neither new, empty, nor written by ``kehoach views``."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise KehoachError(f"{folder} is a file, not a folder for the views")
    if not any(folder.iterdir()):
        return
    index = folder / "index.html"
    try:
        ours = index.is_file() and f'content="{GENERATOR}"' in index.read_text(encoding="utf-8")[:2000]
    except (OSError, UnicodeError):
        ours = False
    if not ours:
        raise KehoachError(f"{folder} holds files that 'kehoach views' did not write; choose a new or empty "
                           "--views-dir (the folder is replaced as a whole)")


def pictured(views: list[View], level: str) -> list[View]:
    """The views drawn as pictures: all of them, except at level "province" with more than
    :data:`PICTURE_LIMIT` views (a country), where only the overviews are (the kinds across plans, each
    strategic goal, the hierarchy): matplotlib takes 0.5-1.5 s a picture, and the pictures of 34 plans and
    60 kinds would take two minutes; their pages are there."""
    if level != "province" or len(views) <= PICTURE_LIMIT:
        return views
    return [v for v in views if v.kind in ("kinds", "goal", "hierarchy")]


def write_views(out: Path | str, views_dir: Path | str | None = None, *, pictures: bool = True,
                level: str = "auto", progress: Callable[[str], None] | None = None) -> ViewsResult:
    """Write every view of the build in ``out`` (its store) into ``views_dir`` (default ``out/views``).

    The folder is written next to the old one and swapped in at the end: a failure leaves the old views.
    ``timings`` gives the seconds spent on each stage: query (reading the store), networks (graphs and
    metrics), layout, html, pictures and total.
    """
    started = time.perf_counter()
    folder = Path(views_dir) if views_dir is not None else Path(out) / VIEWS_DIR
    _check_replaceable(folder)
    store = open_store(out)
    corpus = kc.load(store)
    if not corpus.plans:
        raise KehoachError(f"the store in {out} holds no plan")
    level = resolve_level(corpus, level)
    goal_tasks, references = kc.load_goal_tasks(store), kc.load_references(store)
    timings = {"query": time.perf_counter() - started}
    mark = time.perf_counter()
    views, skipped = build_views(store, corpus, level=level, goal_tasks=goal_tasks, references=references)
    timings["networks"] = time.perf_counter() - mark
    result = ViewsResult(folder, views, skipped_kinds=skipped, level=level, timings=timings)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        timings["layout"] = timings["html"] = 0.0
        drawn = pictured(views, level) if pictures else []
        for view in views:
            mark = time.perf_counter()
            positions = page_positions(view)
            timings["layout"] += time.perf_counter() - mark
            mark = time.perf_counter()
            _write(work / view.file, render_page(view, corpus, positions=positions))
            timings["html"] += time.perf_counter() - mark
            result.pages.append(folder / view.file)
            if progress:
                progress(view.file)
        mark = time.perf_counter()
        _write(work / "index.html", render_index(views, corpus, pictures={v.key for v in drawn},
                                                 skipped_kinds=skipped, level=level))
        result.pages.append(folder / "index.html")
        timings["html"] += time.perf_counter() - mark
        if drawn:
            from kg.pictures import draw_view

            mark = time.perf_counter()
            (work / PICTURES_DIR).mkdir()
            for view in drawn:
                for written in draw_view(view, corpus, work / PICTURES_DIR):
                    result.pictures.append(folder / PICTURES_DIR / written.name)
            timings["pictures"] = time.perf_counter() - mark
        os.chmod(work, 0o755)
        old = folder.with_name(f".{folder.name}-old")
        if old.exists():
            shutil.rmtree(old)
        if folder.exists():
            folder.rename(old)
        work.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    timings["total"] = time.perf_counter() - started
    return result
