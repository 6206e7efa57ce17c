"""The network views, tested as a person uses them: metrics on real values, pages that make no request,
and every page opened in headless Chromium, offline, driven over the DevTools protocol.

The browser tests need Debian's ``chromium`` (``.ci/install-chromium.sh``; CI installs it) and are
skipped, with the reason, when it is absent. Chromium runs with networking disabled: no DNS (every
name maps to NOTFOUND), a dead proxy for anything else and DevTools' offline emulation; its DevTools
endpoint listens on 127.0.0.1 only. Screenshots are saved under ``tmp/artefacts/views`` (the path is
printed; ``KEHOACH_ARTEFACTS`` overrides it).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest

from kg import corpus as kc
from kg import metrics as km
from kg import network as kn
from kg import views as kv
from kg.build import build
from kg.cli import main as kehoach

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "data" / "plans"
DONG_NAI_FILE = PLANS / "004_8cf9ffac5170058b.txt"
DONG_NAI = "https://w3id.org/kehoach/id/plan/75/2026-2030"
HA_TINH = "https://w3id.org/kehoach/id/plan/42/2026-2030"
ORG = "https://w3id.org/kehoach/id/org/75/"
KIND = "https://w3id.org/kehoach/def/agency-kind/"
HOSTILE_CELL = ('Sở Nội vụ; Ban <img src=x onerror=alert(1)> <script>alert(1)</script>; '
                'Hội <img src=x onerror="window.__pwned=1"> href')
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = Path(os.environ.get("KEHOACH_ARTEFACTS", ROOT / "tmp" / "artefacts" / "views"))
PREFIXES = kc.PREFIXES

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed: run .ci/install-chromium.sh "
                                    "as root (CI does) to open the pages in a headless browser")


# --- fixtures ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, kv.ViewsResult]:
    """The five sample plans built and their views written (with pictures)."""
    folder = tmp_path_factory.mktemp("views")
    build([PLANS], folder / "out", check=False)
    result = kv.write_views(folder / "out", folder / "views", pictures=True)
    return folder / "out", result


@pytest.fixture(scope="module")
def store(sample: tuple[Path, kv.ViewsResult]) -> ox.Store:
    return ox.Store.read_only(str(sample[0] / "store"))


@pytest.fixture(scope="module")
def corpus(store: ox.Store) -> kc.Corpus:
    return kc.load(store)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> kv.ViewsResult:
    """A copy of the Đồng Nai plan whose lead cell of task 1.1.8 names hostile "agencies"."""
    folder = tmp_path_factory.mktemp("hostile")
    lines = DONG_NAI_FILE.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("1.1.8\t"))
    cells = lines[index].split("\t")
    assert cells[2] == "Sở Nội vụ", cells  # the cell the hostile names are written into
    cells[2] = HOSTILE_CELL
    lines[index] = "\t".join(cells)
    (folder / "hostile.txt").write_text("\n".join(lines), encoding="utf-8")
    build([folder / "hostile.txt"], folder / "out", check=False)
    return kv.write_views(folder / "out", folder / "views", pictures=False)


def rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    return kc.select(store, PREFIXES + query)


# --- the networks, on real values ----------------------------------------------------------------------

def test_dong_nai_sở_y_tế_leads_the_most_appendix_tasks(corpus: kc.Corpus) -> None:
    # Read from data/plans/004_8cf9ffac5170058b.txt lines 224-388: Sở Y tế is in the lead cell of 26 rows
    # (1.1.1, 2.1.1, 2.1.5, 2.1.6, 3.1.2, 4.1.1, 4.1.3-4.1.5, 4.1.9, 4.2.1-4.2.4, 5.1.1, 5.1.2, 5.1.6,
    # 5.1.7, 5.1.9-5.1.12, 6.1.6, 7.1.3, 7.1.4, 11.2.1); Sở Nội vụ in 23, Sở Nông nghiệp và Môi trường
    # in 22 (4.1.7 split over two lines by a page break counts once).
    graph = kn.plan_network(corpus, DONG_NAI)
    led = {graph.nodes[n]["label"]: graph.nodes[n]["tasks_led"] for n in graph}
    assert led["Sở Y tế"] == 26
    assert led["Sở Nội vụ"] == 23
    assert led["Sở Nông nghiệp và Môi trường"] == 22
    assert led["Sở Văn hóa, Thể thao và Du lịch"] == 17
    assert max(led, key=lambda name: led[name]) == "Sở Y tế"
    metrics = km.network_metrics(graph, corpus.plans[DONG_NAI])
    assert (metrics.top_agency, metrics.top_led, metrics.items, metrics.basis) == ("Sở Y tế", 26, 88, "tasks")
    assert metrics.share == round(26 / 88, 4)
    assert metrics.hubs[0] == "Sở Y tế"


def test_dong_nai_edges_count_the_shared_tasks(corpus: kc.Corpus) -> None:
    graph = kn.plan_network(corpus, DONG_NAI)
    # Joint leads Sở Nội vụ + Sở Y tế: 1.1.1, 5.1.6, 5.1.9, 5.1.12, 7.1.3, 7.1.4 (no duty of both).
    joint = graph.edges[ORG + "so-noi-vu", ORG + "so-y-te", kc.JOINT_LEAD]
    assert (joint["weight"], joint["tasks"], joint["duties"]) == (6, 6, 0)
    # Sở Y tế leads and Sở Nông nghiệp và Môi trường co-operates: 2.1.1, 2.1.5, 2.1.6, 4.1.1, 4.1.3, 4.1.4,
    # 4.1.9, 4.2.1, 5.1.2, 5.1.10, 11.2.1, and 7.1.4 (joint lead with Sở Nội vụ and the women's union).
    edge = graph.edges[ORG + "so-y-te", ORG + "so-nong-nghiep-va-moi-truong", kc.LEAD_COLEAD]
    assert (edge["weight"], edge["tasks"], edge["duties"]) == (12, 12, 0)
    assert edge["goals"] == (2, 4, 5, 7, 11)
    # Prose duties are in, and marked: VII.2.a-c name Sở Y tế and Sở Nông nghiệp… as joint bearers.
    prose = graph.edges[ORG + "so-nong-nghiep-va-moi-truong", ORG + "so-y-te", kc.JOINT_LEAD]
    assert (prose["weight"], prose["tasks"], prose["duties"]) == (4, 1, 3)  # 6.1.6 + three duties


def test_edge_weights_equal_the_inferred_cooperation_nodes(store: ox.Store, corpus: kc.Corpus) -> None:
    inferred = {(r["plan"], r["a"], r["b"], r["type"]): int(r["n"]) for r in rows(store, """
        SELECT ?plan ?a ?b ?type ?n WHERE { ?c a kh:Cooperation ; kh:inPlan ?plan ; kh:agentA ?a ; kh:agentB ?b ;
          kh:cooperationType ?type ; kh:taskCount ?n . FILTER (?type != "colead-colead") }""")}
    ours = {}
    for plan in corpus.plans:
        for a, b, data in kn.plan_network(corpus, plan).edges(data=True):
            ours[(plan, a, b, data["type"])] = data["weight"]
    assert ours == inferred


def test_agency_metrics_of_dong_nai(corpus: kc.Corpus) -> None:
    graph = kn.plan_network(corpus, DONG_NAI)
    metrics = {m.label: m for m in km.agency_metrics(graph)}
    health = metrics["Sở Y tế"]
    assert (health.tasks_led, health.duties_led, health.tasks_co_led) == (26, 3, 25)
    simple = km.collapse(graph)
    assert health.weighted_degree == sum(d["weight"] for _, _, d in simple.edges(ORG + "so-y-te", data=True))
    assert 0 < health.betweenness <= 1
    assert metrics["Ủy ban nhân dân các xã, phường"].community >= 1
    # Louvain with a fixed seed: the same communities every time.
    assert km.agency_metrics(kn.plan_network(corpus, DONG_NAI)) == km.agency_metrics(graph)


def test_prose_only_plans_take_the_share_over_duties(corpus: kc.Corpus) -> None:
    lai_chau = "https://w3id.org/kehoach/id/plan/12/2026-2030"
    metrics = km.network_metrics(kn.plan_network(corpus, lai_chau), corpus.plans[lai_chau])
    assert metrics.basis == "duties" and metrics.items == corpus.plans[lai_chau].duties == 20
    assert metrics.isolated + metrics.only_collective > 0  # bodies named with no named partner


def test_kind_network_merges_provinces(corpus: kc.Corpus) -> None:
    kinds = kn.kind_network(corpus)
    health = kinds.nodes[KIND + "so-y-te"]
    assert health["label"] == "Sở Y tế"
    assert DONG_NAI in health["plans"] and HA_TINH in health["plans"]
    per_plan = {p: kn.plan_network(corpus, p) for p in corpus.plans}
    assert health["tasks_led"] == sum(g.nodes[n]["tasks_led"] for g in per_plan.values() for n in g
                                      if corpus.agencies[n].kind == KIND + "so-y-te")
    edge = kinds.edges[KIND + "so-y-te", KIND + "so-nong-nghiep-va-moi-truong", kc.LEAD_COLEAD]
    assert edge["plans"][DONG_NAI] == 12
    comparison = kn.kind_comparison(corpus, KIND + "so-y-te")
    centres = [n for n, d in comparison.nodes(data=True) if d.get("centre")]
    assert ORG + "so-y-te" in centres and "https://w3id.org/kehoach/id/org/42/so-y-te" in centres
    assert comparison.nodes[ORG + "so-y-te"]["label"] == "Sở Y tế — Thành phố Đồng Nai"


def test_goal_network_is_bipartite(store: ox.Store, corpus: kc.Corpus) -> None:
    graph = kn.goal_network(store, 7, corpus)
    tasks = {n for n, d in graph.nodes(data=True) if d.get("kind") == "task"}
    expected = {r["task"] for r in rows(store, """SELECT DISTINCT ?task WHERE {
        ?g kh:correspondsTo <https://w3id.org/kehoach/def/ascc/7> .
        ?task a kh:Task ; kh:goal ?g }""")}
    assert tasks == expected and DONG_NAI + "/task/7.1.4" in tasks
    assert all((a in tasks) != (b in tasks) for a, b in graph.edges())
    assert {k for _, _, k in graph.in_edges(DONG_NAI + "/task/7.1.4", keys=True)} == {kc.LEAD, kc.CO_LEAD}
    with pytest.raises(kn.KehoachError):
        kn.goal_network(store, 13, corpus)


def test_hierarchy_links_plans_to_what_they_carry_out(store: ox.Store, corpus: kc.Corpus) -> None:
    graph = kn.hierarchy(store, corpus)
    decision = "https://w3id.org/kehoach/id/doc/155-qd-ttg-2026"
    assert graph.edges[DONG_NAI, decision]["rel"] == kn.IMPLEMENTS
    ha_dong = "https://w3id.org/kehoach/id/plan/31/10882/2026-2030"
    city_plan = "https://w3id.org/kehoach/id/doc/31/168-kh-ubnd-2026"  # Hải Phòng's plan: not in the sample
    assert graph.edges[ha_dong, city_plan]["rel"] == kn.IMPLEMENTS
    assert graph.edges[ha_dong, decision]["rel"] == kn.CITES
    assert graph.nodes[city_plan]["label"] == "168/KH-UBND"


def test_commune_plans_of_the_hierarchy_group_under_their_province_plan(store: ox.Store, corpus: kc.Corpus) -> None:
    graph = kn.hierarchy(store, corpus)
    communes = sorted(p for p, info in corpus.plans.items() if info.level not in kc.PROVINCE_LEVELS)
    ha_dong = "https://w3id.org/kehoach/id/plan/31/10882/2026-2030"
    assert ha_dong in communes
    grouped = kn.group_commune_plans(graph, corpus)
    assert not set(communes) & set(grouped)
    groups = {n: d for n, d in grouped.nodes(data=True) if n.endswith("#commune-plans")}
    assert sum(len([p for p in d["plans"] if p in communes]) for d in groups.values()) == len(communes)
    (label,) = [d["label"] for d in groups.values() if ha_dong in d["plans"]]
    assert label.endswith("kế hoạch cấp xã")
    # Hải Phòng's plan 168/KH-UBND, which Hà Đông carries out, is cited by no province plan of the sample.
    assert "https://w3id.org/kehoach/id/doc/31/168-kh-ubnd-2026" not in grouped
    assert grouped.edges[DONG_NAI, "https://w3id.org/kehoach/id/doc/155-qd-ttg-2026"]["rel"] == kn.IMPLEMENTS


def _plan(number: int, level: str) -> kc.PlanInfo:
    return kc.PlanInfo(iri=f"https://w3id.org/kehoach/id/plan/{number}/2026-2030", label=f"Kế hoạch {number}",
                       level=level)


def test_level_auto_gives_commune_plans_a_page_only_below_the_limit(corpus: kc.Corpus) -> None:
    assert kv.resolve_level(corpus) == "all"  # the sample: one commune plan
    country = {p.iri: p for p in [_plan(n, "tỉnh") for n in range(34)]
               + [_plan(100 + n, "xã") for n in range(kv.COMMUNE_PAGES + 1)]}
    many = kc.Corpus(country, {}, [], [])
    assert kv.resolve_level(many) == "province"
    assert kv.resolve_level(many, "all") == "all"
    few = kc.Corpus(dict(list(country.items())[: 34 + kv.COMMUNE_PAGES]), {}, [], [])
    assert kv.resolve_level(few) == "all"
    with pytest.raises(kn.KehoachError):
        kv.resolve_level(many, "xã")


def test_a_country_pictures_its_overviews_only(sample: tuple[Path, kv.ViewsResult]) -> None:
    views = sample[1].views
    assert kv.pictured(views, "all") == views and kv.pictured(views, "province") == views  # few views: all
    many = views * (kv.PICTURE_LIMIT // len(views) + 1)
    assert {v.kind for v in kv.pictured(many, "province")} == {"kinds", "goal", "hierarchy"}
    assert kv.pictured(many, "all") == many


# --- the files -----------------------------------------------------------------------------------------

class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of elements by id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_every_page_is_self_contained(sample: tuple[Path, kv.ViewsResult], hostile: kv.ViewsResult) -> None:
    pages = sorted(sample[1].folder.glob("*.html")) + sorted(hostile.folder.glob("*.html"))
    assert len(pages) == len(sample[1].pages) + len(hostile.pages)
    for page in pages:
        text = page.read_text(encoding="utf-8")  # UTF-8, whatever the locale
        tags = Tags(text).tags
        assert not [t for t, a in tags if t == "link"], page
        assert not [a for t, a in tags if t == "script" and "src" in a], page
        for tag, attrs in tags:
            for name in ("src", "href", "action", "srcset", "data"):
                value = attrs.get(name) or ""
                assert not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", value, re.I) or value.startswith("data:"), \
                    (page.name, tag, name, value)
        assert "cdn." not in text and "bootstrap" not in text.lower(), page
        csp = [a for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "default-src 'none'" in (csp[0]["content"] or ""), page


def test_pages_and_names_are_vietnamese(sample: tuple[Path, kv.ViewsResult]) -> None:
    folder = sample[1].folder
    page = (folder / "plan-75-2026-2030.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page and "Thành phố Đồng Nai" in page
    assert '"label": "Sở Văn hóa, Thể thao và Du lịch"' in page  # in the vis data, not escaped to \\u
    assert ">Sở Y tế</a>" in page  # in the agency table
    names = {p.name for p in folder.glob("*.html")}
    assert {"index.html", "kinds.html", "hierarchy.html", "kind-so-y-te.html", "plan-42-2026-2030.html"} <= names
    assert {f"goal-{n}.html" for n in range(1, 13)} <= names


class Table(HTMLParser):
    """Rows of the table with class ``cls``: the row's attributes and each cell's attributes and text."""

    def __init__(self, text: str, cls: str) -> None:
        super().__init__()
        self.cls, self.inside = cls, False
        self.rows: list[dict] = []
        self.cell: dict | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.inside = self.cls in (values.get("class") or "").split()
        elif self.inside and tag == "tr" and "data-node" in values or self.inside and tag == "tr" and "data-plan" in values:
            self.rows.append({"attrs": values, "cells": []})
        elif self.inside and tag == "td" and self.rows:
            self.cell = {"attrs": values, "text": ""}
            self.rows[-1]["cells"].append(self.cell)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif tag == "td":
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell["text"] += data


def keyed(row: dict) -> dict[str, str]:
    return {c["attrs"]["data-key"]: c["attrs"].get("data-sort") or c["text"] for c in row["cells"]
            if "data-key" in c["attrs"]}


def test_index_numbers_are_the_stores_answers(sample: tuple[Path, kv.ViewsResult], store: ox.Store) -> None:
    index = (sample[1].folder / "index.html").read_text(encoding="utf-8")
    plans = {r["attrs"]["data-plan"]: keyed(r) for r in Table(index, "kh-plans").rows}
    tasks = {r["plan"]: int(r["n"]) for r in rows(store, """SELECT ?plan (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?t a kh:Task ; kh:inPlan ?plan . FILTER NOT EXISTS { ?t a kh:Duty } } GROUP BY ?plan""")}
    duties = {r["plan"]: int(r["n"]) for r in rows(store, """SELECT ?plan (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?t a kh:Duty ; kh:inPlan ?plan } GROUP BY ?plan""")}
    involved = {r["plan"]: int(r["n"]) for r in rows(store, """SELECT ?plan (COUNT(DISTINCT ?a) AS ?n) WHERE {
        ?a kh:involvedIn ?plan } GROUP BY ?plan""")}
    cooperations = {r["plan"]: int(r["n"]) for r in rows(store, """SELECT ?plan (COUNT(?c) AS ?n) WHERE {
        ?c a kh:Cooperation ; kh:inPlan ?plan ; kh:cooperationType ?t . FILTER (?t != "colead-colead") }
        GROUP BY ?plan""")}
    assert set(plans) == set(tasks) | set(duties) and len(plans) == 5
    for plan, cells in plans.items():
        assert int(cells["tasks"]) == tasks.get(plan, 0), plan
        assert int(cells["duties"]) == duties.get(plan, 0), plan
        assert int(cells["nodes"]) == involved[plan], plan
        assert int(cells["edges"]) == cooperations.get(plan, 0), plan
    assert plans[DONG_NAI]["top"] == "Sở Y tế" and plans[DONG_NAI]["top_led"] == "26"
    assert float(plans[DONG_NAI]["share"]) == round(26 / 88, 4)
    # Agencies: tasks led per plan straight from the store, weighted degree from the kh:Cooperation nodes.
    agencies = {(r["attrs"]["data-plan"], r["attrs"]["data-node"]): keyed(r)
                for r in Table(index, "kh-all-agencies").rows}
    led = {(r["plan"], r["a"]): int(r["n"]) for r in rows(store, """SELECT ?plan ?a (COUNT(DISTINCT ?t) AS ?n) WHERE {
        ?t kh:inPlan ?plan ; kh:leadAgency ?a . FILTER NOT EXISTS { ?t a kh:Duty } } GROUP BY ?plan ?a""")}
    degree: dict[tuple[str, str], int] = {}
    for r in rows(store, """SELECT ?plan ?a ?b ?n WHERE { ?c a kh:Cooperation ; kh:inPlan ?plan ; kh:agentA ?a ;
            kh:agentB ?b ; kh:taskCount ?n ; kh:cooperationType ?t . FILTER (?t != "colead-colead") }"""):
        for agency in (r["a"], r["b"]):
            degree[(r["plan"], agency)] = degree.get((r["plan"], agency), 0) + int(r["n"])
    assert len(agencies) == sum(involved.values())
    for key, cells in agencies.items():
        assert int(cells["tasks_led"]) == led.get(key, 0), key
        assert int(cells["weighted_degree"]) == degree.get(key, 0), key
    assert agencies[(DONG_NAI, ORG + "so-y-te")]["tasks_led"] == "26"


def test_pictures_are_drawn_with_a_vietnamese_font(sample: tuple[Path, kv.ViewsResult], corpus: kc.Corpus,
                                                   tmp_path: Path) -> None:
    result = sample[1]
    assert len(result.pictures) == 2 * len(result.views)
    for path in result.pictures:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG") if path.suffix == ".png" else b"<svg" in data[:400], path
    view = next(v for v in result.views if v.key == "plan-75-2026-2030")
    from kg.pictures import draw_view

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s) DejaVu Sans"
        first = draw_view(view, corpus, tmp_path)
    again = tmp_path / "again"
    again.mkdir()
    second = draw_view(view, corpus, again)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]  # deterministic, no clock
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont("DejaVu Sans", fallback_to_default=False))
    letters = set("".join(d["label"] for _, d in view.graph.nodes(data=True)) + view.title + view.date
                  + "ĂÂĐÊÔƠƯăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")
    assert {c for c in letters if not c.isspace() and ord(c) not in font.get_charmap()} == set()


def test_views_command(sample: tuple[Path, kv.ViewsResult], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert kehoach(["views", "--out-dir", str(sample[0]), "--views-dir", str(tmp_path / "v"), "--no-pictures"]) == 0
    assert "index.html" in capsys.readouterr().out
    assert (tmp_path / "v" / "index.html").is_file() and not (tmp_path / "v" / "pictures").exists()
    assert kehoach(["views", "--out-dir", str(tmp_path / "nothing"), "-q"]) == 2
    assert "run 'kehoach build" in capsys.readouterr().err
    # The views folder is replaced as a whole: never one that holds someone's files.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    assert kehoach(["views", "--out-dir", str(sample[0]), "--views-dir", str(tmp_path / "mine"), "-q"]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert kehoach(["views", "--out-dir", str(sample[0]), "--views-dir", str(tmp_path / "v"), "--no-pictures",
                    "--level", "province", "-q"]) == 0  # the second run replaces the first
    assert not (tmp_path / "v" / "plan-31-10882-2026-2030.html").exists()  # a commune plan: no page
    assert (tmp_path / "v" / "plan-75-2026-2030.html").exists()
    script = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "visualize.py"), "--help"],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert script.returncode == 0 and "--views-dir" in script.stdout


# --- scale ---------------------------------------------------------------------------------------------

def synthetic(agencies: int = 1000, seed: int = 3) -> nx.MultiDiGraph:
    """A co-operation network of ``agencies`` agencies shaped like a plan's (a few hubs, many leaves)."""
    shape = nx.barabasi_albert_graph(agencies, 2, seed=seed)
    categories = [c for c in kv.COLOURS if c not in ("task", "plan", "document")]
    graph = nx.MultiDiGraph(title="synthetic")
    for node in shape:
        graph.add_node(f"a{node}", label=f"Cơ quan số {node}", category=categories[node % len(categories)],
                       kind=None, is_group=node % 97 == 0, tasks_led=shape.degree(node), duties_led=0,
                       tasks_co_led=1, duties_co_led=0, tasks_guided=0, goals=(1 + node % 12,), plans=("p",))
    for a, b in shape.edges():
        graph.add_edge(f"a{a}", f"a{b}", key=kc.LEAD_COLEAD, type=kc.LEAD_COLEAD, weight=1 + (a + b) % 5,
                       tasks=1, duties=0, goals=(1 + a % 12,), plans={"p": 1})
    return graph


def synthetic_view(graph: nx.MultiDiGraph) -> tuple[kv.View, kc.Corpus]:
    plan = kc.PlanInfo(iri="p", label="Kế hoạch thử", date="07/2026", date_key="2026-07", tasks=1000)
    corpus = kc.Corpus({"p": plan}, {}, [], [], {"department": "Sở, ngành cấp tỉnh"}, {1: "Mục tiêu 1"})
    view = kv.View("synthetic", "plan", "Mạng thử 1.000 cơ quan", "", graph, [plan], plan.date,
                   agencies=km.agency_metrics(graph))
    return view, corpus


def found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, pattern
    return match.group(1)


def test_a_thousand_agencies_render_without_physics_at_computed_positions(tmp_path: Path) -> None:
    graph = synthetic()
    view, corpus = synthetic_view(graph)
    started = time.perf_counter()
    page = kv.render_page(view, corpus)
    print(f"\nrendered a {graph.number_of_nodes()}-node, {graph.number_of_edges()}-edge page in "
          f"{time.perf_counter() - started:.1f} s ({len(page) / 1e6:.1f} MB)")
    (tmp_path / "synthetic.html").write_text(page, encoding="utf-8")
    meta = json.loads(found(r'id="kh-meta">(.*?)</script>', page))
    assert meta["physics"] is False and meta["nodes"] == 1000
    assert '"physics": {"enabled": false' in page
    data = json.loads(found(r"nodes = new vis.DataSet\((.*?)\);\n", page))
    assert len(data) == 1000 and all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in data)
    assert len({(n["x"], n["y"]) for n in data}) > 990  # spread out, not stacked


# --- the browser ---------------------------------------------------------------------------------------

class DevTools:
    """A minimal Chrome DevTools protocol client over a WebSocket on 127.0.0.1 (RFC 6455, client side)."""

    def __init__(self, url: str, timeout: float = 60.0) -> None:
        match = re.match(r"ws://(127\.0\.0\.1|localhost):(\d+)(/.*)", url)
        assert match, url
        self.sock = socket.create_connection(("127.0.0.1", int(match.group(2))), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {match.group(3)} HTTP/1.1\r\nHost: 127.0.0.1:{match.group(2)}\r\n"
                           f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert head.startswith(b"HTTP/1.1 101"), head
        self.next_id = 0
        self.events: list[dict] = []

    def _read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.sock.recv(count - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def _frame(self) -> dict:
        message = b""
        while True:
            first, second = self._read(2)
            size = second & 0x7F
            if size == 126:
                size = struct.unpack(">H", self._read(2))[0]
            elif size == 127:
                size = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(size)
            opcode = first & 0x0F
            if opcode == 9:  # ping
                self._send(payload, opcode=10)
                continue
            if opcode == 8:
                raise ConnectionError("DevTools closed the connection")
            message += payload
            if first & 0x80:
                return json.loads(message)

    def _send(self, payload: bytes, opcode: int = 1) -> None:
        mask = os.urandom(4)
        size = len(payload)
        head = bytes([0x80 | opcode])
        if size < 126:
            head += bytes([0x80 | size])
        elif size < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", size)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", size)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def call(self, method: str, session: str | None = None, **params: object) -> dict:
        self.next_id += 1
        wanted = self.next_id
        message: dict = {"id": wanted, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._send(json.dumps(message).encode())
        while True:
            answer = self._frame()
            if answer.get("id") == wanted:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def close(self) -> None:
        self.sock.close()


class Browser:
    """Headless Chromium, offline, with one tab driven over DevTools."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-default-apps", "--disable-extensions", "--mute-audio", f"--user-data-dir={profile}",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
             "--proxy-bypass-list=<-loopback>", "--window-size=1500,1000", "--hide-scrollbars",
             "--lang=vi", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().split("\n")) >= 2):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port, path = port_file.read_text().split("\n")[:2]
        self.devtools = DevTools(f"ws://127.0.0.1:{port}{path}")
        target = self.devtools.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.devtools.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        self.call("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1,
                  uploadThroughput=-1)
        self.call("Emulation.setDeviceMetricsOverride", width=1500, height=1000, deviceScaleFactor=1, mobile=False)
        # Any dialog or handler an injected name could trigger flags the window.
        self.call("Page.addScriptToEvaluateOnNewDocument", source=(
            "window.alert = window.confirm = window.prompt = function () { window.__pwned = true; };"))

    def call(self, method: str, **params: object) -> dict:
        return self.devtools.call(method, self.session, **params)

    def evaluate(self, expression: str) -> Any:
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def open(self, url: str, timeout: float = 60.0, *, network: bool = True) -> float:
        """Load ``url`` and wait until the page says its network is drawn (or, without ``network``, until
        it is loaded); return the seconds it took."""
        self.devtools.events.clear()
        started = time.monotonic()
        self.call("Page.navigate", url=url)
        ready = ("document.body && document.body.getAttribute('data-rendered') === '1'" if network
                 else "document.readyState === 'complete'")
        while time.monotonic() - started < timeout:
            if self.evaluate(ready):
                return time.monotonic() - started
            time.sleep(0.1)
        raise AssertionError(f"{url} did not {'draw its network' if network else 'load'} within {timeout} s")

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, dialogs and requests to anything but the page's own file."""
        found = []
        for event in self.devtools.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Page.javascriptDialogOpening":
                found.append(f"dialog: {params.get('message')}")
            elif method == "Network.requestWillBeSent" and not params["request"]["url"].startswith(("file:", "data:")):
                found.append(f"request: {params['request']['url']}")
        return found

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"]))

    def close(self) -> None:
        with contextlib.suppress(OSError, ConnectionError, RuntimeError):
            self.devtools.call("Browser.close")
        self.devtools.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: run .ci/install-chromium.sh as root (CI does)")
    profile = Path(tempfile.mkdtemp(prefix="kehoach-chromium-"))
    opened = Browser(profile)
    yield opened
    opened.close()
    shutil.rmtree(profile, ignore_errors=True)


DRAWN = "[document.body.getAttribute('data-nodes'), document.body.getAttribute('data-edges')]"


@needs_chromium
def test_every_page_opens_offline_without_errors(browser: Browser, sample: tuple[Path, kv.ViewsResult]) -> None:
    result = sample[1]
    for view in result.views:
        seconds = browser.open(result.folder.joinpath(view.file).as_uri())
        assert browser.problems() == [], view.file
        drawn = browser.evaluate(DRAWN)
        assert drawn == [str(view.graph.number_of_nodes()), str(view.graph.number_of_edges())], view.file
        assert seconds < 60
        if view.key in ("plan-75-2026-2030", "kinds", "kind-so-y-te", "goal-7", "hierarchy"):
            browser.screenshot(ARTEFACTS / f"{view.key}.png")
    browser.open(result.folder.joinpath("index.html").as_uri(), network=False)
    assert browser.evaluate("document.querySelectorAll('table.kh-plans tbody tr').length") == 5
    browser.evaluate("document.querySelector('table.kh-all-agencies th:nth-child(4)').click()")  # sort by tasks led
    first = browser.evaluate("document.querySelector('table.kh-all-agencies tbody tr td').textContent")
    assert first == "Sở Y tế"
    browser.screenshot(ARTEFACTS / "index.png")
    assert browser.problems() == []
    print(f"\nscreenshots: {ARTEFACTS}")


@needs_chromium
def test_search_finds_an_agency_without_diacritics(browser: Browser, sample: tuple[Path, kv.ViewsResult]) -> None:
    browser.open(sample[1].folder.joinpath("plan-75-2026-2030.html").as_uri())
    browser.evaluate("document.getElementById('kh-search').focus()")
    browser.call("Input.insertText", text="So Noi vu")  # typed as a person would, without diacritics
    assert browser.evaluate("document.body.getAttribute('data-search-first')") == "Sở Nội vụ"
    assert browser.evaluate("network.getSelectedNodes()")[0] == ORG + "so-noi-vu"
    assert browser.evaluate("document.querySelector('#kh-details h2').textContent") == "Sở Nội vụ"
    browser.evaluate("var s = document.getElementById('kh-search'); s.value = ''; "
                     "s.dispatchEvent(new Event('input'))")
    browser.call("Input.insertText", text="đoàn thanh nien")
    assert browser.evaluate("document.body.getAttribute('data-search-first')") == \
        "Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố"
    browser.screenshot(ARTEFACTS / "search-so-noi-vu.png")
    # A link with #q= opens the page on the agency (the index links every agency this way).
    browser.open(sample[1].folder.joinpath("kinds.html").as_uri() + "#q=so%20y%20te")
    assert browser.evaluate("document.body.getAttribute('data-search-first')") == "Sở Y tế"
    assert browser.problems() == []


@needs_chromium
def test_filters_change_what_is_drawn(browser: Browser, sample: tuple[Path, kv.ViewsResult],
                                      corpus: kc.Corpus) -> None:
    graph = kn.plan_network(corpus, DONG_NAI)
    browser.open(sample[1].folder.joinpath("plan-75-2026-2030.html").as_uri())

    def choose(element: str, value: str) -> list:
        browser.evaluate(f"var e = document.getElementById('{element}'); e.value = {json.dumps(value)}; "
                         "e.dispatchEvent(new Event('change'))")
        time.sleep(0.3)
        return [int(x) for x in browser.evaluate(DRAWN)]

    groups = [n for n, d in graph.nodes(data=True) if d["is_group"]]
    hidden_edges = sum(1 for a, b in graph.edges() if a in groups or b in groups)
    browser.evaluate("var c = document.getElementById('kh-hide-collective'); c.checked = true; "
                     "c.dispatchEvent(new Event('change'))")
    time.sleep(0.3)
    assert [int(x) for x in browser.evaluate(DRAWN)] == [len(graph) - len(groups),
                                                         graph.number_of_edges() - hidden_edges]
    browser.evaluate("var c = document.getElementById('kh-hide-collective'); c.checked = false; "
                     "c.dispatchEvent(new Event('change'))")
    shown = choose("kh-goal", "7")
    goal_edges = [(a, b) for a, b, d in graph.edges(data=True) if 7 in d["goals"]]
    goal_nodes = [n for n, d in graph.nodes(data=True) if 7 in d["goals"]]
    assert shown == [len(goal_nodes), len(goal_edges)]
    assert choose("kh-goal", "") == [len(graph), graph.number_of_edges()]
    browser.open(sample[1].folder.joinpath("kinds.html").as_uri())
    kinds = kn.kind_network(corpus)
    per_plan = [n for n, d in kinds.nodes(data=True) if HA_TINH in d["plans"]]
    edges = [1 for _, _, d in kinds.edges(data=True) if HA_TINH in d["plans"]]
    assert choose("kh-plan", HA_TINH) == [len(per_plan), len(edges)]
    browser.screenshot(ARTEFACTS / "kinds-ha-tinh.png")
    assert browser.problems() == []


@needs_chromium
def test_hostile_names_show_as_text_and_run_nothing(browser: Browser, hostile: kv.ViewsResult) -> None:
    for view in [*hostile.views, None]:
        file = view.file if view else "index.html"
        browser.open(hostile.folder.joinpath(file).as_uri(), network=view is not None)
        assert browser.problems() == [], file
        assert browser.evaluate("window.__pwned") is None, file
        assert browser.evaluate("document.querySelectorAll('img').length") == 0, file
        scripts = sum(1 for tag, _ in Tags(hostile.folder.joinpath(file).read_text(encoding="utf-8")).tags
                      if tag == "script")
        assert browser.evaluate("document.scripts.length") == scripts, file  # none injected
    assert 'Ban <img src=x onerror=alert(1)>' in browser.evaluate("document.body.textContent")  # the index
    browser.open(hostile.folder.joinpath("plan-75-2026-2030.html").as_uri())
    browser.evaluate("document.getElementById('kh-search').focus()")
    browser.call("Input.insertText", text="onerror")
    first = browser.evaluate("document.body.getAttribute('data-search-first')")
    assert first in ("Ban <img src=x onerror=alert(1)> <script>alert(1)</script",
                     'Hội <img src=x onerror="window.__pwned=1"> href')
    details = browser.evaluate("document.getElementById('kh-details').textContent")
    assert "<img src=x onerror=" in details
    # Hover the node as a person would: vis-network shows its tooltip.
    for node in (ORG + "ban-img-src-x-onerror-alert-1-script-alert-1-script",
                 ORG + "hoi-img-src-x-onerror-window-pwned-1-href"):
        browser.evaluate(f"network.focus({json.dumps(node)}, {{scale: 1.2, animation: false}})")
        time.sleep(0.2)
        x, y = browser.evaluate(
            f"(function () {{ var p = network.canvasToDOM(network.getPositions([{json.dumps(node)}])"
            f"[{json.dumps(node)}]); var r = document.getElementById('mynetwork').getBoundingClientRect(); "
            "return [r.left + p.x, r.top + p.y]; })()")
        for dx in (0, 1, 2):
            browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x + dx, y=y)
            time.sleep(0.25)
        tip = browser.evaluate("(function () { var t = document.querySelector('div.vis-tooltip'); "
                               "return t && t.style.visibility !== 'hidden' ? [t.textContent, "
                               "t.querySelectorAll(':not(br)').length] : null; })()")  # innerText: <br> per line
        assert tip is not None, node
        assert "<img src=x onerror=" in tip[0] and tip[1] == 0, tip
        browser.screenshot(ARTEFACTS / f"hostile-tooltip-{node.rsplit('/', 1)[-1][:12]}.png")
    assert browser.evaluate("window.__pwned") is None
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    assert browser.problems() == []


@needs_chromium
def test_a_thousand_agencies_open_in_the_browser(browser: Browser, tmp_path: Path) -> None:
    graph = synthetic()
    view, corpus = synthetic_view(graph)
    (tmp_path / "synthetic.html").write_text(kv.render_page(view, corpus), encoding="utf-8")
    seconds = browser.open((tmp_path / "synthetic.html").as_uri())
    print(f"\na {len(graph)}-node page drew in {seconds:.1f} s (headless Chromium)")
    assert browser.evaluate(DRAWN) == [str(len(graph)), str(graph.number_of_edges())]
    assert browser.evaluate("network.physics.physicsEnabled") is False
    browser.screenshot(ARTEFACTS / "synthetic-1000.png")
    assert browser.problems() == []
