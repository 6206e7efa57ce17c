"""The named queries of queries/, the runner (kg.query), the result formats (kg.results) and
``kehoach query``, on a real build of the five sample plans.

Expected values were checked by reading the documents in data/plans/ (line numbers are 1-based).
"""

from __future__ import annotations

import csv
import gc
import io
import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from kg.build import build
from kg.cli import main
from kg.errors import KehoachError
from kg.query import (
    NamedQuery,
    QueryResult,
    adhoc_query,
    bind_params,
    load_queries,
    open_read_only,
    parse_query,
    run,
    to_term,
)
from kg.results import to_csv, to_json, to_ntriples, to_table, to_tsv, to_turtle

PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"
HA_TINH = "002_c1ec5b988e959e40.txt"  # tỉnh Hà Tĩnh, 5-column appendix table (as in conftest.py)
ID = "https://w3id.org/kehoach/id/"
DEF = "https://w3id.org/kehoach/def/"
HA_DONG_PLAN = f"{ID}plan/31/10882/2026-2030"
LAI_CHAU_PLAN = f"{ID}plan/12/2026-2030"
HA_TINH_PLAN = f"{ID}plan/42/2026-2030"
DAK_LAK_PLAN = f"{ID}plan/66/2026-2030"
DONG_NAI_PLAN = f"{ID}plan/75/2026-2030"
NOWHERE = f"{ID}nothing/here"
QUERIES = load_queries()
NEEDED = {"compare-plans-by-goal": {"planA": HA_TINH_PLAN, "planB": DONG_NAI_PLAN},
          "compare-plans-by-kind": {"planA": HA_TINH_PLAN, "planB": DONG_NAI_PLAN},
          # required since the whole country is a dump nobody reads (and takes seconds):
          "agency-activities": {"agency": f"{ID}org/75/so-y-te"}, "kind-activities": {"kind": "khk:so-y-te"},
          "duties-with-roles": {"plan": HA_TINH_PLAN}, "joint-lead-tasks": {"plan": DONG_NAI_PLAN},
          "milestones": {"plan": DAK_LAK_PLAN}, "implementation-chain": {"plan": HA_DONG_PLAN},
          "task-source": {"plan": HA_TINH_PLAN}, "tasks-without-lead": {"plan": HA_TINH_PLAN}}
INJECTION = '"} ; DROP ALL #'


@pytest.fixture(scope="session")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample corpus built once (without SHACL, which other tests cover)."""
    folder = tmp_path_factory.mktemp("queries") / "out"
    build([PLANS], folder, check=False)
    return folder


@pytest.fixture(scope="session")
def store(out: Path) -> ox.Store:
    return open_read_only(out)


def ask(store: ox.Store, name: str, **params: str) -> QueryResult:
    return run(store, QUERIES[name], params=params)


def rows(result: QueryResult) -> list[dict[str, str]]:
    return result.records()


# -- the queries themselves ---------------------------------------------------------------------


def test_there_are_at_least_fifteen_named_queries() -> None:
    assert len(QUERIES) >= 15
    for name, query in QUERIES.items():
        assert query.path is not None and query.path.name == f"{name}.rq"
        assert query.title_vi and query.title_en and query.question, name


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_parses_with_two_engines_and_declares_its_prefixes(name: str) -> None:
    text = QUERIES[name].text
    ox.Store().query(text)  # no default prefixes: an undeclared prefix is an error here
    prepareQuery(text)  # rdflib's parser too: no Oxigraph-only syntax


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_runs_on_the_sample_and_is_deterministic(store: ox.Store, name: str) -> None:
    first = ask(store, name, **NEEDED.get(name, {}))
    assert first.kind == "select"
    if name != "unknown-agency-names":  # every name of the sample is in the gazetteer
        assert first.rows, name
    assert ask(store, name, **NEEDED.get(name, {})).rows == first.rows


@pytest.mark.parametrize(("name", "param"), [(n, p.name) for n, q in sorted(QUERIES.items()) for p in q.params])
def test_every_parameter_is_projected_and_restricts_the_result(store: ox.Store, name: str, param: str) -> None:
    """Bound to a value that matches nothing, a parameter leaves no row: it sits in a required pattern
    (not only in an OPTIONAL or a FILTER, where Oxigraph's substitution would not restrict anything)."""
    params = {**NEEDED.get(name, {}), param: NOWHERE}
    result = ask(store, name, **params)
    assert result.rows == []


@pytest.mark.parametrize(("name", "param"), [
    ("agency-activities", "agency"), ("kind-activities", "kind"), ("duties-with-roles", "plan"),
    ("joint-lead-tasks", "plan"), ("milestones", "plan"), ("task-source", "plan"), ("implementation-chain", "plan"),
    ("tasks-without-lead", "plan")])
def test_a_query_whose_whole_country_is_a_dump_needs_its_parameter(store: ox.Store, name: str, param: str) -> None:
    """These defaults were "all"; at country scale that is tens of thousands of rows nobody reads."""
    assert QUERIES[name].param(param).required
    with pytest.raises(KehoachError, match=rf"needs the parameter \?{param}"):
        ask(store, name)


# -- real values from the documents ---------------------------------------------------------------


def test_lead_agency_counts_in_dong_nai(store: ox.Store) -> None:
    """Đồng Nai appendix (004_…, lines 224-388): Sở Y tế leads 26 of the 88 tasks, then Sở Nội vụ 23,
    Sở Nông nghiệp và Môi trường 22, Sở Văn hóa, Thể thao và Du lịch 17, Sở Giáo dục và Đào tạo 14."""
    result = rows(ask(store, "lead-agency-task-counts", plan=DONG_NAI_PLAN))
    top = [(r["agencyName"], int(r["leadTasks"])) for r in result[:5]]
    assert top == [("Sở Y tế", 26), ("Sở Nội vụ", 23), ("Sở Nông nghiệp và Môi trường", 22),
                   ("Sở Văn hóa, Thể thao và Du lịch", 17), ("Sở Giáo dục và Đào tạo", 14)]
    assert {r["unitName"] for r in result} == {"Đồng Nai"}
    assert (result[0]["leadDuties"], result[0]["coLeadTasks"]) == ("3", "25")  # VII.2 a-c; 25 rows as co-lead


def test_lead_agency_counts_in_ha_tinh(store: ox.Store) -> None:
    """Hà Tĩnh appendix (002_…): Sở Y tế leads 11 of the 37 tasks (2.1, 2.2, 2.4, 4.1.1, 4.1.2,
    4.2.1-4.2.3, 5.2, 5.3 and the unnumbered row of line 280)."""
    result = rows(ask(store, "lead-agency-task-counts", plan=HA_TINH_PLAN))
    assert (result[0]["agencyName"], result[0]["leadTasks"]) == ("Sở Y tế", "11")


def test_plans_overview(store: ox.Store) -> None:
    by_file = {r["file"]: r for r in rows(ask(store, "plans-overview"))}
    assert len(by_file) == 5
    assert by_file[HA_TINH]["tasks"] == "37" and by_file[HA_TINH]["goals"] == "12"
    assert by_file["004_8cf9ffac5170058b.txt"]["tasks"] == "88"
    assert by_file["004_8cf9ffac5170058b.txt"]["level"] == "thành phố"
    assert by_file["000_0c043c4c9b36a6c9.txt"]["unitName"] == "Xã Hà Đông"
    assert by_file["000_0c043c4c9b36a6c9.txt"]["tasks"] == "0"  # prose only: duties, no table
    assert by_file["001_ba4465155a5df616.txt"]["goals"] == "0"  # its appendix is not in the text


def test_a_plan_of_a_unit_outside_the_official_list_is_still_in_the_overview(tmp_path: Path) -> None:
    """Such a plan has no admin-unit concept (its IRIs use a slug); the overview names it by its issuer.
    At country scale five Đà Lạt and Huế wards were missing from the overview this way."""
    plans = tmp_path / "plans"
    plans.mkdir()
    text = (PLANS / "000_0c043c4c9b36a6c9.txt").read_text(encoding="utf-8")
    (plans / "unknown.txt").write_text(text.replace("Hà Đông", "Không Có Thật"), encoding="utf-8")
    build([plans], tmp_path / "out", check=False)
    (row,) = rows(run(tmp_path / "out", QUERIES["plans-overview"]))
    assert (row["unitName"], row["level"], row["plan"]) == (
        "Ủy ban nhân dân xã Không Có Thật", "xã", f"{ID}plan/x-khong-co-that/2026-2030")


def test_workload_of_every_so_y_te(store: ox.Store) -> None:
    (row,) = rows(ask(store, "workload-by-kind", kind="khk:so-y-te"))
    assert row["kindName"] == "Sở Y tế" and row["leadTasks"] == "37"  # 26 in Đồng Nai + 11 in Hà Tĩnh
    assert (row["plans"], row["busiestIn"], row["busiestLeads"]) == ("4", "Đồng Nai", "26")
    # co-leads 25 Đồng Nai + 7 Hà Tĩnh tasks; duties 3 Đồng Nai (VII.2 a-c) + 5 Hà Tĩnh + 6 Lai Châu + 5 Đắk Lắk
    assert (row["coLeadTasks"], row["leadDuties"]) == ("32", "19")


def test_joint_leads_of_dong_nai_1_1_1(store: ox.Store) -> None:
    """Line 227: "Sở Nội vụ và Sở Y tế; Hội Liên hiệp Phụ nữ thành phố" lead task 1.1.1 together."""
    result = {r["code"]: r for r in rows(ask(store, "joint-lead-tasks", plan=DONG_NAI_PLAN))}
    task = result["1.1.1"]
    assert task["leadCount"] == "3" and task["line"] == "227" and task["source"] == "phụ lục"
    assert set(task["leads"].split("; ")) == {"Sở Nội vụ", "Sở Y tế", "Hội Liên hiệp Phụ nữ thành phố"}
    assert result["2.1.6"]["leadCount"] == "2"  # "Sở Y tế và Công an thành phố"


def test_tasks_without_a_single_lead(store: ox.Store) -> None:
    """Every appendix task of the sample has a lead; the duties of "UBND các xã, phường" (Hà Tĩnh VII.4,
    line 161 on) have only a collective bearer."""
    result = [row for plan in (HA_DONG_PLAN, LAI_CHAU_PLAN, HA_TINH_PLAN, DAK_LAK_PLAN, DONG_NAI_PLAN)
              for row in rows(ask(store, "tasks-without-lead", plan=plan))]
    assert {r["source"] for r in result} == {"văn bản"}
    ha_tinh = [r for r in result if r["plan"] == HA_TINH_PLAN]
    assert [r["code"] for r in ha_tinh] == ["VII.4-1", "VII.4-2", "VII.4-3", "VII.4-4"]
    assert {r["problem"] for r in ha_tinh} == {"chỉ có tập thể chủ trì"}
    assert {r["collectiveLeads"] for r in ha_tinh} == {"Ủy ban nhân dân các xã, phường"}


def test_cooperation_pairs_from_the_inferred_graph(store: ox.Store) -> None:
    """Sở Y tế leads 24 Đồng Nai tasks on which "UBND xã, phường" co-operate."""
    result = rows(ask(store, "cooperation-pairs", plan=DONG_NAI_PLAN, cooperationType="lead-colead"))
    pairs = {(r["agencyA"], r["agencyB"]): int(r["taskCount"]) for r in result}
    assert pairs[("Sở Y tế", "Ủy ban nhân dân các xã, phường")] == 24
    assert [int(r["taskCount"]) for r in result] == sorted((int(r["taskCount"]) for r in result), reverse=True)


def test_cooperating_kinds_across_plans(store: ox.Store) -> None:
    """Sở Y tế leads with Sở Nội vụ co-operating on 10 Đồng Nai and 7 Hà Tĩnh appendix tasks."""
    result = rows(ask(store, "cooperating-kinds"))
    first = result[0]
    assert (first["relation"], first["kindNameA"], first["kindNameB"]) == ("chủ trì – phối hợp", "Sở Y tế", "Sở Nội vụ")
    assert (first["tasks"], first["plans"]) == ("17", "2")
    assert all(r["kindA"] != r["kindB"] for r in result)


def test_activities_of_one_agency_and_of_one_kind(store: ox.Store) -> None:
    leads = rows(ask(store, "agency-activities", agency=f"{ID}org/75/so-y-te", role="khr:chu-tri"))
    assert sum(r["source"] == "phụ lục" for r in leads) == 26
    assert {r["roleName"] for r in leads} == {"chủ trì"}
    every = rows(ask(store, "kind-activities", kind="khk:so-y-te", role="khr:chu-tri"))
    assert sum(r["source"] == "phụ lục" for r in every) == 37
    assert {r["unitName"] for r in every} == {"Đồng Nai", "Hà Tĩnh", "Lai Châu", "Đắk Lắk"}
    assert rows(ask(store, "kind-activities", kind="khk:so-y-te", role="khr:de-nghi")) == []


def test_agencies_of_goal_4(store: ox.Store) -> None:
    """Goal 4 (health): Sở Y tế leads 9 Đồng Nai tasks (4.1.1, 4.1.3-4.1.5, 4.1.9, 4.2.1-4.2.4)."""
    result = rows(ask(store, "agencies-per-goal", asccGoal="khg:4", plan=DONG_NAI_PLAN))
    assert (result[0]["agencyName"], result[0]["leadTasks"], result[0]["goalNumber"]) == ("Sở Y tế", "9", "4")


def test_two_plans_compared_goal_by_goal(store: ox.Store) -> None:
    """Hà Tĩnh has 9 tasks under goal 1 and 6 under goal 4; Đồng Nai 13 and 13. The commune of Hà Đông
    has all 12 goals but no task table."""
    result = {r["goalNumber"]: r for r in rows(ask(store, "compare-plans-by-goal", planA=HA_TINH_PLAN,
                                                    planB=DONG_NAI_PLAN))}
    assert list(result) == [str(n) for n in range(1, 13)]
    assert (result["1"]["tasksA"], result["1"]["tasksB"], result["1"]["taskDifference"]) == ("9", "13", "-4")
    assert (result["4"]["tasksA"], result["4"]["tasksB"]) == ("6", "13")
    assert sum(int(r["tasksA"]) for r in result.values()) == 37
    assert sum(int(r["tasksB"]) for r in result.values()) == 88
    commune = rows(ask(store, "compare-plans-by-goal", planA=HA_TINH_PLAN, planB=HA_DONG_PLAN))
    assert {r["status"] for r in commune} == {"cả hai; chỉ A có nhiệm vụ"}
    lai_chau = rows(ask(store, "compare-plans-by-goal", planA=LAI_CHAU_PLAN, planB=HA_TINH_PLAN))
    assert {r["status"] for r in lai_chau} == {"chỉ B"}


def test_two_plans_compared_kind_by_kind(store: ox.Store) -> None:
    result = {r["kindName"]: r for r in rows(ask(store, "compare-plans-by-kind", planA=HA_TINH_PLAN,
                                                  planB=DONG_NAI_PLAN))}
    assert (result["Sở Y tế"]["leadA"], result["Sở Y tế"]["leadB"]) == ("11", "26")
    assert result["Bảo hiểm xã hội tỉnh"]["status"] == "chỉ A"  # co-operates in Hà Tĩnh only
    assert result["Sở Xây dựng"]["status"] == "chỉ B"


def test_targets_side_by_side(store: ox.Store) -> None:
    """All plans in one answer, ordered by subject so that the same target of two plans sits together."""
    result = rows(ask(store, "targets"))
    subjects = [r.get("subject", "").lower() for r in result]
    assert subjects == sorted(subjects)
    assert {r["unitName"] for r in result} >= {"Hà Tĩnh", "Đồng Nai", "Lai Châu"}
    by_unit = {(r["unitName"], r["targetText"]): r for r in result}
    assert rows(ask(store, "targets", plan=HA_TINH_PLAN)) == [r for r in result if r["plan"] == HA_TINH_PLAN]
    assert ("Hà Tĩnh", "trên 90%") in by_unit  # 002_…, line 47
    assert by_unit[("Hà Tĩnh", "trên 90%")]["line"] == "47"
    assert by_unit[("Đồng Nai", "60%")]["year"] == "2030"  # "Đến năm 2030, 60% cán bộ …"
    assert ("Lai Châu", "trên 70%") in by_unit


def test_implementation_chain_of_the_commune(store: ox.Store) -> None:
    """Hà Đông (000_…, line 11) carries out Plan 168/KH-UBND of 06/5/2026 of the Hải Phòng People's
    Committee, and cites QĐ 155/QĐ-TTg; the provinces carry out QĐ 155 directly."""
    result = rows(ask(store, "implementation-chain", plan=HA_DONG_PLAN))
    first = result[0]
    assert (first["relation"], first["identifier"], first["documentType"]) == ("thực hiện trực tiếp", "168/KH-UBND",
                                                                              "Kế hoạch")
    assert first["documentIssuer"] == "Ủy ban nhân dân thành phố Hải Phòng" and first["issuedOn"] == "2026-05-06"
    assert {(r["relation"], r["identifier"]) for r in result} >= {("trích dẫn", "155/QĐ-TTg")}
    every = [r for plan in (LAI_CHAU_PLAN, HA_TINH_PLAN, DAK_LAK_PLAN, DONG_NAI_PLAN)
             for r in rows(ask(store, "implementation-chain", plan=plan))]
    direct = {(r["plan"], r["identifier"]) for r in every if r["relation"] == "thực hiện trực tiếp"}
    assert {(p, "155/QĐ-TTg") for p in (LAI_CHAU_PLAN, HA_TINH_PLAN, DAK_LAK_PLAN, DONG_NAI_PLAN)} <= direct


def test_source_lines_of_a_task(store: ox.Store) -> None:
    """Hà Tĩnh task 4.1.3 starts at line 237 and its page-broken row ends at line 240."""
    (row,) = rows(ask(store, "task-source", plan=HA_TINH_PLAN, task=f"{HA_TINH_PLAN}/task/4.1.3"))
    assert (row["file"], row["firstLine"], row["lastLine"], row["fragment"]) == (HA_TINH, "237", "240", "line=236,240")
    text = (PLANS / HA_TINH).read_text(encoding="utf-8").splitlines()
    assert text[236].startswith("4.1.3\t")


def test_duties_with_roles(store: ox.Store) -> None:
    """Lai Châu (001_…, line 123): "Sở Nội vụ: Là cơ quan đầu mối, chủ trì …"."""
    (row,) = rows(ask(store, "duties-with-roles", plan=LAI_CHAU_PLAN, role="khr:dau-moi"))
    assert rows(ask(store, "duties-with-roles", plan=HA_TINH_PLAN, role="khr:dau-moi")) == []
    assert (row["agencyName"], row["line"], row["plan"]) == ("Sở Nội vụ", "123", LAI_CHAU_PLAN)
    requested = rows(ask(store, "duties-with-roles", plan=HA_TINH_PLAN, role="khr:de-nghi"))
    assert {r["agencyName"] for r in requested} == {"Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Các đoàn thể"}


def test_reporting_deadlines(store: ox.Store) -> None:
    ha_tinh = rows(ask(store, "reporting-deadlines", plan=HA_TINH_PLAN))
    assert {r["due"] for r in ha_tinh} == {"31/07/2026", "01/11 hằng năm", "01/11/2030"}
    dak_lak = rows(ask(store, "reporting-deadlines", plan=DAK_LAK_PLAN))
    assert {(r["frequency"], r["due"]) for r in dak_lak} == {("một lần", "30/07/2026"), ("hằng năm", "15/11 hằng năm")}


def test_milestones(store: ox.Store) -> None:
    result = rows(ask(store, "milestones", plan=DAK_LAK_PLAN))
    assert [r["when"] for r in result][-1] == "Năm 2035"


def test_unknown_agency_names(tmp_path: Path) -> None:
    """An invented name in a lead cell is reported with the text as written, the file and its lines."""
    text = (PLANS / HA_TINH).read_text(encoding="utf-8")
    doctored = text.replace("bao gồm thông qua\tSở Ngoại vụ\t", "bao gồm thông qua\tTrung tâm Vũ trụ Hà Tĩnh\t")
    assert doctored != text
    (tmp_path / "plan.txt").write_text(doctored, encoding="utf-8")
    build([tmp_path / "plan.txt"], tmp_path / "out", check=False)
    (row,) = rows(run(tmp_path / "out", QUERIES["unknown-agency-names"]))
    assert (row["mention"], row["file"], row["firstLine"], row["roleName"]) == ("Trung tâm Vũ trụ Hà Tĩnh", "plan.txt",
                                                                                  "218", "chủ trì")


# -- parameters -----------------------------------------------------------------------------------


def test_parameter_values_become_terms() -> None:
    assert to_term("khk:so-y-te") == ox.NamedNode("https://w3id.org/kehoach/def/agency-kind/so-y-te")
    assert to_term("id:plan/42/2026-2030") == ox.NamedNode(HA_TINH_PLAN)
    assert to_term(f"<{HA_TINH_PLAN}>") == ox.NamedNode(HA_TINH_PLAN)
    assert to_term("urn:isbn:978-0") == ox.NamedNode("urn:isbn:978-0")
    assert to_term("Sở Y tế") == ox.Literal("Sở Y tế")
    assert to_term("Sở Y tế", type="@vi") == ox.Literal("Sở Y tế", language="vi")
    assert to_term("168/KH-UBND") == ox.Literal("168/KH-UBND")
    assert to_term("lead-colead") == ox.Literal("lead-colead")
    for bad in ("https://w3id.org/a b", "https://", "http://x/<y>", f"<{HA_TINH_PLAN}", "urn:x"):
        with pytest.raises(KehoachError, match="not a valid IRI"):
            to_term(bad)
    with pytest.raises(KehoachError, match="not an integer"):
        to_term("7; DROP", type="xsd:integer")


def test_a_hostile_value_is_an_inert_literal(store: ox.Store, out: Path) -> None:
    assert to_term(INJECTION) == ox.Literal(INJECTION)
    before = len(store)
    assert ask(store, "lead-agency-task-counts", plan=INJECTION).rows == []
    assert ask(store, "agency-activities", agency=INJECTION, role=INJECTION).rows == []
    assert run(out, QUERIES["targets"], params={"plan": INJECTION}, timeout=60).rows == []  # in the child too
    text = "SELECT ?x ?n WHERE { VALUES ?n { 1 } }"
    result = run(store, text, params={"x": INJECTION})
    assert result.rows == [(ox.Literal(INJECTION), ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")))]
    assert len(open_read_only(out)) == before


def test_unknown_and_missing_parameters_are_clear_errors(store: ox.Store) -> None:
    with pytest.raises(KehoachError, match=r"query targets has no parameter \?agency; its parameters: \?plan"):
        ask(store, "targets", agency=NOWHERE)
    with pytest.raises(KehoachError, match=r"query compare-plans-by-goal needs the parameter \?planB"):
        ask(store, "compare-plans-by-goal", planA=HA_TINH_PLAN)
    with pytest.raises(KehoachError, match=r"query targets, parameter \?plan: not a valid IRI"):
        ask(store, "targets", plan="https://w3id.org/kehoach/id/plan/42 2026")
    with pytest.raises(KehoachError, match="takes no parameter|no parameter"):
        run(store, "SELECT ?a WHERE { ?a ?b ?c } LIMIT 1", params={"zzz": "1"})


def test_query_headers_are_checked(tmp_path: Path) -> None:
    with pytest.raises(KehoachError, match="lacks # title-en:"):
        parse_query("# title-vi: x\n# question: y\nSELECT * WHERE { ?s ?p ?o }", "x")
    with pytest.raises(KehoachError, match=r"parameter \?plan does not occur"):
        parse_query("# title-vi: x\n# title-en: x\n# question: y\n# param plan: p; default: all\n"
                    "SELECT ?s WHERE { ?s ?p ?o }", "x")
    with pytest.raises(KehoachError, match="lower-case ASCII"):
        parse_query("# title-vi: x\n# title-en: x\n# question: y\nASK {}", "Bad_Name")
    query = parse_query("# title-vi: x\n# title-en: x\n# question: y\n# question: z\n"
                        "# param year: a year; type: xsd:gYear; default: 2030\nSELECT ?year WHERE { ?s ?p ?year }", "x")
    assert query.question == "y z"
    assert bind_params(query) == {"year": ox.Literal("2030", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#gYear"))}
    assert [p.name for p in adhoc_query("SELECT ?a WHERE { ?a ?b $c }").params] == ["a", "b", "c"]


# -- formats --------------------------------------------------------------------------------------


def test_csv_has_a_bom_and_round_trips(store: ox.Store) -> None:
    result = ask(store, "lead-agency-task-counts", plan=DONG_NAI_PLAN)
    data = to_csv(result)
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table[0] == result.variables
    assert len(table) == len(result.rows) + 1
    assert table[1][:2] == ["Đồng Nai", "Sở Y tế"] and table[1][result.variables.index("plan")] == DONG_NAI_PLAN
    quoted = to_csv(ask(store, "joint-lead-tasks", plan=DONG_NAI_PLAN)).decode("utf-8-sig")
    assert {len(r) for r in csv.reader(io.StringIO(quoted, newline=""))} == {8}  # commas in cells are quoted


def _check_json_term(term: dict[str, object]) -> None:
    assert term["type"] in ("uri", "literal", "bnode")
    assert isinstance(term["value"], str)
    assert not ("xml:lang" in term and "datatype" in term)
    assert set(term) <= {"type", "value", "xml:lang", "datatype"}


def test_json_is_the_sparql_results_format(store: ox.Store) -> None:
    result = ask(store, "targets", plan=HA_TINH_PLAN)
    document = json.loads(to_json(result))
    assert set(document) == {"head", "results"} and document["head"]["vars"] == result.variables
    bindings = document["results"]["bindings"]
    assert len(bindings) == len(result.rows)
    for binding in bindings:
        assert set(binding) <= set(result.variables)
        for term in binding.values():
            _check_json_term(term)
    assert bindings[0]["subject"]["xml:lang"] == "vi"
    assert bindings[0]["value"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"
    assert "year" not in bindings[0]  # unbound: left out
    parsed = ox.parse_query_results(to_json(result), ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [tuple(s[v] for v in result.variables) for s in parsed] == result.rows
    assert json.loads(to_json(QueryResult("boolean", boolean=True))) == {"head": {}, "boolean": True}


def test_tsv_escapes_and_round_trips(store: ox.Store) -> None:
    tricky = QueryResult("select", variables=["a", "b"], rows=[
        (ox.Literal('tab\there "quoted"\nline', language="vi"), None),
        (ox.NamedNode(HA_TINH_PLAN), ox.Literal("26", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))])
    for result in (tricky, ask(store, "reporting-deadlines")):
        data = to_tsv(result)
        assert data.decode().splitlines()[0] == "\t".join(f"?{v}" for v in result.variables)
        parsed = ox.parse_query_results(data, ox.QueryResultsFormat.TSV)
        assert isinstance(parsed, ox.QuerySolutions)
        assert [tuple(s[v] for v in result.variables) for s in parsed] == result.rows


def test_table_is_readable_and_fits_the_width(store: ox.Store) -> None:
    result = ask(store, "lead-agency-task-counts", plan=DONG_NAI_PLAN)
    text = to_table(result, width=80).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "?plan = id:plan/75/2026-2030"  # a bound parameter is said once, above
    assert max(len(line) for line in lines) <= 80
    assert "Sở Y tế" in text and lines[-1] == f"({len(result.rows)} rows)"
    assert "id:org/75/so-y-te" in to_table(result, width=140).decode("utf-8")
    wide = to_table(ask(store, "joint-lead-tasks", plan=DONG_NAI_PLAN), width=100).decode("utf-8")
    assert max(len(line) for line in wide.splitlines()) <= 100


def test_graph_results_as_turtle_and_ntriples(store: ox.Store) -> None:
    text = ("PREFIX kh: <https://w3id.org/kehoach/ontology#>\n"
            "CONSTRUCT { ?t kh:inPlan ?plan } WHERE { ?t kh:inPlan ?plan ; kh:code \"4.1.3\" }")
    result = run(store, text, params={"plan": HA_TINH_PLAN})
    assert result.kind == "graph" and len(result.triples) == 1
    for data, fmt in ((to_turtle(result), ox.RdfFormat.TURTLE), (to_ntriples(result), ox.RdfFormat.N_TRIPLES)):
        assert [q.triple for q in ox.parse(data, fmt)] == result.triples
    assert b"@prefix kh:" in to_turtle(result)
    with pytest.raises(KehoachError, match="turtle"):
        to_json(result)
    with pytest.raises(KehoachError, match="CONSTRUCT"):
        to_turtle(ask(store, "milestones", plan=DAK_LAK_PLAN))


# -- timeouts -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small") / "store"
    writable = ox.Store(str(folder))
    writable.extend(ox.Quad(ox.NamedNode(f"urn:x:s{i}"), ox.NamedNode("urn:x:p"), ox.Literal(str(i)),
                            ox.NamedNode("urn:x:g")) for i in range(300))
    writable.flush()
    del writable
    gc.collect()
    return folder


def test_a_slow_query_is_stopped_quickly(small_store: Path) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q }"
    started = time.monotonic()
    with pytest.raises(KehoachError, match=r"^query slow stopped after 1 s$"):
        run(small_store, NamedQuery("slow", "", "", "", (), slow), timeout=1)
    assert time.monotonic() - started < 15  # process start-up on a loaded machine, then 1 s


def test_a_fast_query_gives_the_same_answer_in_a_child(small_store: Path) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run(small_store, text, timeout=60).rows == run(small_store, text).rows == [
        (ox.Literal("300", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),)]
    with pytest.raises(KehoachError, match="not valid SPARQL"):
        run(small_store, "SELECT WHERE", timeout=60)
    with pytest.raises(KehoachError, match="not an open store"):
        run(open_read_only(small_store), text, timeout=5)


# -- the command ----------------------------------------------------------------------------------


def test_cli_list(out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--list", "--out-dir", str(out), "--width", "200"]) == 0
    text = capsys.readouterr().out
    for name in QUERIES:
        assert name in text
    assert "Tasks per lead agency, plan by plan" in text and "?planA (required)" in text
    assert f"({len(QUERIES)} rows)" in text


def test_cli_runs_a_named_query_as_csv(out: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["query", "lead-agency-task-counts", "--param", f"plan={DONG_NAI_PLAN}", "--format", "csv",
                 "--out-dir", str(out), "--timeout", "0"]) == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"\xef\xbb\xbf") and "Sở Y tế,\"Sở, ngành cấp tỉnh\",26,3,25,".encode() in data


def test_cli_runs_a_query_file_as_json(out: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    query = tmp_path / "count.rq"
    query.write_text("PREFIX kh: <https://w3id.org/kehoach/ontology#>\n"
                     "SELECT ?plan (COUNT(?t) AS ?n) WHERE { ?t a kh:Task ; kh:inPlan ?plan } GROUP BY ?plan",
                     encoding="utf-8")
    assert main(["query", "--file", str(query), "-p", "plan=id:plan/42/2026-2030", "-f", "json",
                 "--out-dir", str(out)]) == 0
    document = json.loads(capsysbinary.readouterr().out)
    assert document["results"]["bindings"] == [{"plan": {"type": "uri", "value": HA_TINH_PLAN},
                                                "n": {"type": "literal", "value": "54",
                                                      "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]


@pytest.mark.parametrize("argv", [
    ["query", "no-such-query"],
    ["query", "targets", "--param", "agency=khk:so-y-te"],
    ["query", "targets", "--param", "plan"],
    ["query", "compare-plans-by-goal"],
    ["query"],
    ["query", "targets", "--list"],
    ["query", "--file", "/no/such/file.rq"],
])
def test_cli_errors_exit_with_2(out: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--out-dir", str(out)]) == 2
    assert capsys.readouterr().err.startswith("kehoach: error: ")


def test_cli_without_a_build_exits_with_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "targets", "-p", f"plan={HA_TINH_PLAN}", "--out-dir", str(tmp_path / "nothing")]) == 2
    assert "run 'kehoach build" in capsys.readouterr().err


def test_cli_rejects_an_unknown_format(out: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["query", "targets", "--format", "xml", "--out-dir", str(out)])
    assert exit_.value.code == 2


# -- what the build precomputes for the queries (rules R9-R13) --------------------------------------

COUNTED_WORKLOADS = """
PREFIX kh: <https://w3id.org/kehoach/ontology#>
SELECT ?plan ?agency (COUNT(DISTINCT ?task) AS ?lead) (COUNT(DISTINCT ?duty) AS ?duties) (COUNT(DISTINCT ?co) AS ?coLead)
WHERE {
  { ?task kh:inPlan ?plan ; kh:leadAgency ?agency . FILTER NOT EXISTS { ?task a kh:Duty } }
  UNION { ?duty a kh:Duty ; kh:inPlan ?plan ; kh:leadAgency ?agency . }
  UNION { ?co kh:inPlan ?plan ; kh:coLeadAgency ?agency . FILTER NOT EXISTS { ?co a kh:Duty } }
}
GROUP BY ?plan ?agency
"""
STORED_WORKLOADS = """
PREFIX kh: <https://w3id.org/kehoach/ontology#>
SELECT ?plan ?agency ?lead ?duties ?coLead
WHERE { ?w a kh:Workload ; kh:inPlan ?plan ; kh:workloadAgent ?agency ; kh:tasksLed ?lead ; kh:dutiesLed ?duties ;
           kh:tasksCoLed ?coLead . }
"""


def _table(store: ox.Store, text: str) -> set[tuple[str, ...]]:
    solutions = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return {tuple(s[n].value for n in names) for s in solutions}  # type: ignore[union-attr, index]


def test_precomputed_workloads_are_what_counting_gives(store: ox.Store) -> None:
    """R9 writes, plan by plan, the counts lead-agency-task-counts used to make at query time."""
    stored = _table(store, STORED_WORKLOADS)
    assert stored == _table(store, COUNTED_WORKLOADS)
    # Đồng Nai's Sở Y tế leads 26 appendix tasks (the table of its appendix)
    assert (DONG_NAI_PLAN, f"{ID}org/75/so-y-te", "26") in {(p, a, lead) for p, a, lead, _, _ in stored}


PLAN_LINKS = """
PREFIX kh: <https://w3id.org/kehoach/ontology#>
SELECT ?kind ?node ?plan WHERE {
  { ?node a kh:Workload . BIND ("workload" AS ?kind) } UNION { ?node a kh:Cooperation . BIND ("edge" AS ?kind) }
  ?node kh:inPlan ?plan .
}"""
LINKED = """
PREFIX kh: <https://w3id.org/kehoach/ontology#>
SELECT ?kind ?node ?plan WHERE {
  { ?plan kh:hasWorkload ?node . BIND ("workload" AS ?kind) } UNION { ?plan kh:hasCooperation ?node . BIND ("edge" AS ?kind) }
}"""


def test_a_plan_leads_to_each_of_its_workloads_and_edges(store: ox.Store) -> None:
    """kh:hasWorkload and kh:hasCooperation are kh:inPlan read backwards, for those nodes only."""
    linked = _table(store, LINKED)
    assert linked == _table(store, PLAN_LINKS)
    assert (len({n for k, n, _ in linked if k == "workload"}), len({n for k, n, _ in linked if k == "edge"})) == (77, 501)


# What workload-by-kind, cooperating-kinds and agencies-per-goal counted at query time before the build
# precomputed it (R11, R12, R13): the precomputed answers must be these, row for row.
COUNTED_KIND_WORKLOADS = """
PREFIX kh: <https://w3id.org/kehoach/ontology#>
SELECT ?kind (COUNT(DISTINCT ?plan) AS ?plans) (SUM(?l) AS ?lead) (SUM(?c) AS ?co) (SUM(?d) AS ?duties)
WHERE {
  ?agency kh:agencyKind ?kind .
  ?workload kh:workloadAgent ?agency ; kh:inPlan ?plan ; kh:tasksLed ?l ; kh:tasksCoLed ?c ; kh:dutiesLed ?d .
}
GROUP BY ?kind
"""
COUNTED_KIND_PAIRS = """
PREFIX kh: <https://w3id.org/kehoach/ontology#>
SELECT ?relation ?kindA ?kindB (COUNT(DISTINCT ?task) AS ?tasks) (COUNT(DISTINCT ?plan) AS ?plans)
WHERE {
  ?task kh:inPlan ?plan .
  FILTER NOT EXISTS { ?task a kh:Duty }
  { ?task kh:leadAgency ?a ; kh:coLeadAgency ?b . BIND ("chủ trì – phối hợp" AS ?relation) }
  UNION { ?task kh:coLeadAgency ?a , ?b . BIND ("phối hợp – phối hợp" AS ?relation) }
  ?a a kh:Agency ; kh:agencyKind ?kindA .
  ?b a kh:Agency ; kh:agencyKind ?kindB .
  FILTER (?kindA != ?kindB && (?relation = "chủ trì – phối hợp" || STR(?kindA) < STR(?kindB)))
}
GROUP BY ?relation ?kindA ?kindB
"""
COUNTED_GOAL_AGENCIES = """
PREFIX kh: <https://w3id.org/kehoach/ontology#>
SELECT ?asccGoal ?plan ?agency (COUNT(DISTINCT ?leadTask) AS ?lead) (COUNT(DISTINCT ?coTask) AS ?co)
WHERE {
  ?goal a kh:StrategicGoal ; kh:inPlan ?plan ; kh:correspondsTo ?asccGoal .
  ?task kh:goal ?goal ; a kh:Task .
  FILTER NOT EXISTS { ?task a kh:Duty }
  { ?task kh:leadAgency ?agency . BIND (?task AS ?leadTask) }
  UNION { ?task kh:coLeadAgency ?agency . BIND (?task AS ?coTask) }
}
GROUP BY ?asccGoal ?plan ?agency
"""


def test_kind_workloads_are_what_counting_gives(store: ox.Store) -> None:
    """R11 sums, over every plan, what workload-by-kind summed at query time."""
    answered = {(r["kind"], r["plans"], r["leadTasks"], r["coLeadTasks"], r["leadDuties"])
                for r in rows(ask(store, "workload-by-kind"))}
    assert answered == _table(store, COUNTED_KIND_WORKLOADS)
    assert len(answered) > 20


def test_busiest_plan_of_a_kind_is_where_it_leads_most(store: ox.Store) -> None:
    """Sở Nội vụ leads 23 Đồng Nai appendix tasks and fewer elsewhere; a kind that leads no task has none."""
    by_kind = {r["kind"].rsplit("/", 1)[1]: r for r in rows(ask(store, "workload-by-kind"))}
    assert (by_kind["so-noi-vu"]["busiestIn"], by_kind["so-noi-vu"]["busiestLeads"]) == ("Đồng Nai", "23")
    idle = [r for r in by_kind.values() if r["leadTasks"] == "0"]
    assert idle and all("busiestIn" not in r or r["busiestIn"] == "" for r in idle)
    assert all("busiestLeads" not in r for r in idle)


def test_kind_pairs_are_what_counting_gives(store: ox.Store) -> None:
    """R12 counts, over every plan, what cooperating-kinds counted at query time."""
    answered = {(r["relation"], r["kindA"], r["kindB"], r["tasks"], r["plans"]) for r in rows(ask(store, "cooperating-kinds"))}
    assert answered == _table(store, COUNTED_KIND_PAIRS)
    assert len(answered) > 100


def test_goal_workloads_are_what_counting_gives(store: ox.Store) -> None:
    """R13 counts, goal by goal of each plan, what agencies-per-goal counted at query time."""
    answered = {(r["asccGoal"], r["plan"], r["agency"], r["leadTasks"], r["coLeadTasks"])
                for r in rows(ask(store, "agencies-per-goal"))}
    assert answered == _table(store, COUNTED_GOAL_AGENCIES)
    # Đồng Nai goal 4: Sở Y tế leads 9 tasks and co-operates on 4.1.2 (line 268) and 4.1.7 (line 275)
    assert (f"{DEF}ascc/4", DONG_NAI_PLAN, f"{ID}org/75/so-y-te", "9", "2") in answered


def test_precomputed_plan_counts_are_what_the_report_says(store: ox.Store, out: Path) -> None:
    """R10's counts of each plan equal the build report's (which counts the parsed model, not the graph)."""
    report = {p["iri"]: p["counts"] for p in json.loads((out / "report.json").read_text(encoding="utf-8"))["plans"]}
    for row in rows(ask(store, "plans-overview")):
        counts = report[row["plan"]]
        assert (int(row["goals"]), int(row["objectives"]), int(row["tasks"]), int(row["duties"]),
                int(row["assignments"])) == (counts["goals"], counts["objectives"], counts["tasks"],
                                            counts["duties"], counts["assignments"]), row["plan"]
        assert int(row["targets"]) == counts["targets"]


def test_a_document_is_shown_as_each_plan_cites_it(store: ox.Store) -> None:
    """59-NQ/TW: Hà Đông dates it 24/01/2025 (000_…, line 19), Hà Tĩnh 24/02/2025 (002_…, line 17); each
    plan's chain shows its own reading, not both."""
    def issued(plan: str) -> str:
        chain = rows(ask(store, "implementation-chain", plan=plan))
        return next(r["issuedOn"] for r in chain if r["identifier"] == "59-NQ/TW")

    assert (issued(HA_DONG_PLAN), issued(HA_TINH_PLAN)) == ("2025-01-24", "2025-02-24")
