"""CSV tables of a release, for people without RDF tools: plans, tasks, assignments, agencies,
targets and references, read from the asserted graph of a build.

Every file is UTF-8 with a byte-order mark (so Excel opens Vietnamese intact), one header row, comma
separated, CRLF line ends (RFC 4180), rows in a fixed order: the same graph gives the same bytes.
Cells hold the text exactly as the graph has it (no quoting tricks against spreadsheet formulas: a
cell that starts with "-" or "+" is data). Lists in one cell are joined with "; " in name order.
The columns are documented once, here (:data:`TABLES`), and written out as a CSVW metadata file
(``csv-metadata.json``) and as the csv-columns section of the release README.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

KH = "https://w3id.org/kehoach/ontology#"
PREFIXES = f"""PREFIX kh: <{KH}>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
ENCODING = "utf-8-sig"  # UTF-8 with a BOM


@dataclass(frozen=True)
class Column:
    """One column: its header, its CSVW datatype and what it holds (English, Vietnamese)."""

    name: str
    datatype: str  # CSVW built-in datatype: string, anyURI, integer, decimal, date, gYear, boolean
    en: str
    vi: str


@dataclass(frozen=True)
class Table:
    """One CSV table of the release."""

    name: str
    en: str
    vi: str
    columns: tuple[Column, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, datatype: str, en: str, vi: str) -> Column:
    return Column(name, datatype, en, vi)


_PLAN = _c("plan", "anyURI", "IRI of the plan (kh:Plan)", "IRI của kế hoạch")
_FIRST = _c("first_line", "integer", "first line of the source text this row was read from (1-based)",
            "dòng đầu trong văn bản gốc mà dòng dữ liệu này được đọc ra (đếm từ 1)")
_LAST = _c("last_line", "integer", "last line of the source text (inclusive)", "dòng cuối trong văn bản gốc")

PLANS = Table("plans", "One row per plan (Kế hoạch) in the release.", "Mỗi dòng là một kế hoạch.", (
    _PLAN,
    _c("dataset", "anyURI", "IRI of the plan's dataset in the DCAT catalogue (catalog.ttl)",
       "IRI của bộ dữ liệu của kế hoạch trong danh mục DCAT"),
    _c("issuer", "string", "the issuing People's Committee", "Ủy ban nhân dân ban hành"),
    _c("issuer_iri", "anyURI", "IRI of the issuing People's Committee", "IRI của cơ quan ban hành"),
    _c("level", "string", "level of the issuing unit: tỉnh, thành phố, xã, phường", "cấp của đơn vị ban hành"),
    _c("admin_code", "string", "official code of the administrative unit (QĐ 19/2025/QĐ-TTg)",
       "mã đơn vị hành chính chính thức"),
    _c("admin_unit", "anyURI", "IRI of the administrative unit", "IRI của đơn vị hành chính"),
    _c("title", "string", "title of the plan as written", "trích yếu (tên) của kế hoạch"),
    _c("number", "string", "document number, e.g. 168/KH-UBND (empty for a draft)",
       "số ký hiệu văn bản (trống nếu là dự thảo)"),
    _c("date_text", "string", "the date line as written", "dòng địa danh, ngày tháng như văn bản ghi"),
    _c("issued", "date", "date of issue, when day, month and year are given", "ngày ban hành (nếu ghi đủ)"),
    _c("period_start", "gYear", "first year of the plan period", "năm bắt đầu giai đoạn"),
    _c("period_end", "gYear", "last year of the plan period", "năm kết thúc giai đoạn"),
    _c("signer", "string", "name of the signer", "người ký"),
    _c("source_file", "string", "name of the source text file", "tên tệp văn bản gốc"),
    _c("source_sha256", "string", "SHA-256 of the source file", "mã băm SHA-256 của tệp gốc"),
    _c("goals", "integer", "number of strategic goals", "số mục tiêu chiến lược"),
    _c("objectives", "integer", "number of objectives", "số mục tiêu cụ thể"),
    _c("tasks", "integer", "number of appendix tasks (table rows)", "số nhiệm vụ trong phụ lục"),
    _c("duties", "integer", "number of duties read from the prose (Tổ chức thực hiện)",
       "số nhiệm vụ ở phần Tổ chức thực hiện"),
    _c("assignments", "integer", "number of agency assignments (all roles)", "số lượt phân công cơ quan"),
    _c("targets", "integer", "number of quantified targets", "số chỉ tiêu định lượng"),
    _c("references", "integer", "number of documents cited", "số văn bản được viện dẫn"),
))

TASKS = Table("tasks", "One row per task: appendix tasks and duties read from the prose (column kind).",
              "Mỗi dòng là một nhiệm vụ: nhiệm vụ trong phụ lục và nhiệm vụ ở phần Tổ chức thực hiện "
              "(cột kind).", (
    _PLAN,
    _c("task", "anyURI", "IRI of the task", "IRI của nhiệm vụ"),
    _c("kind", "string", "task = a row of the appendix table; duty = a duty read from the prose",
       "task = dòng của bảng phụ lục; duty = nhiệm vụ đọc từ phần Tổ chức thực hiện"),
    _c("code", "string", "number of the task (STT), or the section path of a duty (VII.2.a)",
       "số thứ tự nhiệm vụ, hoặc mục của nhiệm vụ (VII.2.a)"),
    _c("goal", "string", "number of the strategic goal it serves", "số mục tiêu chiến lược"),
    _c("objective", "string", "code of the objective it serves (1.1)", "mã mục tiêu cụ thể (1.1)"),
    _c("section", "string", "heading of the numbered item (duties)", "tiêu đề mục (với nhiệm vụ ở phần văn)"),
    _c("description", "string", "the task as written", "nội dung nhiệm vụ như văn bản ghi"),
    _c("timeframe", "string", "timeframe as written (5-column tables)", "thời gian thực hiện như văn bản ghi"),
    _c("product", "string", "expected product (tables with a Sản phẩm column)", "sản phẩm"),
    _c("lead_agencies", "string", "lead agencies (cơ quan chủ trì), '; ' between names",
       "cơ quan chủ trì, cách nhau bởi '; '"),
    _c("co_lead_agencies", "string", "co-operating agencies (cơ quan phối hợp)", "cơ quan phối hợp"),
    _c("guiding_bodies", "string", "bodies whose guidance the task follows (hướng dẫn)", "cơ quan hướng dẫn"),
    _c("source_file", "string", "name of the source text file", "tên tệp văn bản gốc"),
    _FIRST, _LAST,
))

ASSIGNMENTS = Table("assignments", "One row per agency assigned to a task, with its role.",
                    "Mỗi dòng là một cơ quan được phân công cho một nhiệm vụ, với vai trò.", (
    _PLAN,
    _c("task", "anyURI", "IRI of the task", "IRI của nhiệm vụ"),
    _c("task_kind", "string", "task (appendix) or duty (prose)", "task (phụ lục) hoặc duty (phần văn)"),
    _c("task_code", "string", "number or section of the task", "số thứ tự hoặc mục của nhiệm vụ"),
    _c("role", "string", "role code: chu-tri, phoi-hop, huong-dan, de-nghi, dau-moi, thuong-truc, tham-muu",
       "mã vai trò"),
    _c("role_label", "string", "role in Vietnamese (chủ trì, phối hợp …)", "vai trò (chủ trì, phối hợp …)"),
    _c("agency", "anyURI", "IRI of the agency (or group of agencies)", "IRI của cơ quan (hoặc nhóm cơ quan)"),
    _c("agency_name", "string", "canonical name of the agency", "tên chuẩn của cơ quan"),
    _c("mention", "string", "the name as written in the document", "tên như văn bản ghi"),
    _FIRST, _LAST,
))

AGENCIES = Table("agencies", "One row per agency or group of agencies named by the plans.",
                 "Mỗi dòng là một cơ quan hoặc nhóm cơ quan được các kế hoạch nêu tên.", (
    _c("agency", "anyURI", "IRI of the agency", "IRI của cơ quan"),
    _c("name", "string", "canonical name", "tên chuẩn"),
    _c("type", "string", "agency or group (e.g. 'UBND các xã, phường')", "agency (cơ quan) hoặc group (nhóm)"),
    _c("agency_kind", "string", "kind code from the gazetteer (so-y-te), when known", "mã loại cơ quan"),
    _c("category", "string", "category code (department, police-military, mass-organisation …)",
       "mã nhóm cơ quan"),
    _c("admin_code", "string", "code of the administrative unit it belongs to (empty: central body)",
       "mã đơn vị hành chính (trống: cơ quan trung ương)"),
    _c("in_gazetteer", "boolean", "true when the name is in the project's gazetteer",
       "true nếu tên có trong danh mục cơ quan của dự án"),
    _c("other_names", "string", "other spellings seen in the plans, '; ' between them",
       "các cách viết khác gặp trong văn bản"),
    _c("plans", "integer", "number of plans that name it", "số kế hoạch nêu tên"),
    _c("lead_tasks", "integer", "number of tasks it leads (chủ trì)", "số nhiệm vụ chủ trì"),
    _c("co_lead_tasks", "integer", "number of tasks it co-operates on (phối hợp)", "số nhiệm vụ phối hợp"),
))

TARGETS = Table("targets", "One row per quantified target (chỉ tiêu).", "Mỗi dòng là một chỉ tiêu định lượng.", (
    _PLAN,
    _c("target", "anyURI", "IRI of the target", "IRI của chỉ tiêu"),
    _c("value", "decimal", "the number", "giá trị"),
    _c("unit", "string", "unit of the number (%)", "đơn vị"),
    _c("comparator", "string", "gt, ge, eq, le or lt", "so sánh: gt, ge, eq, le, lt"),
    _c("comparator_text", "string", "the comparing word as written (trên, đạt …)", "từ so sánh như văn bản ghi"),
    _c("subject", "string", "what is measured", "đối tượng của chỉ tiêu"),
    _c("year", "gYear", "year by which it should be reached", "năm cần đạt"),
    _c("description", "string", "the sentence as written", "câu văn như văn bản ghi"),
    _FIRST, _LAST,
))

REFERENCES = Table("references", "One row per document a plan cites or implements.",
                   "Mỗi dòng là một văn bản được kế hoạch viện dẫn hoặc thực hiện.", (
    _PLAN,
    _c("relation", "string", "implements (the plan carries it out) or cites", "implements (thực hiện) hoặc cites"),
    _c("document", "anyURI", "IRI of the document", "IRI của văn bản"),
    _c("identifier", "string", "number and symbol, e.g. 155/QĐ-TTg", "số ký hiệu"),
    _c("doc_type", "string", "type code (quyet-dinh, nghi-quyet, ke-hoach …)", "mã loại văn bản"),
    _c("issued", "date", "date as this plan cites it", "ngày ban hành như kế hoạch viện dẫn"),
    _c("issuer_name", "string", "issuing body as written", "cơ quan ban hành như văn bản ghi"),
    _c("title", "string", "the 'về …' part, when given", "trích yếu, nếu có"),
))

TABLES: tuple[Table, ...] = (PLANS, TASKS, ASSIGNMENTS, AGENCIES, TARGETS, REFERENCES)

Row = dict[str, str]


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of the store's graphs, every value as plain text."""
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables]  # type: ignore[union-attr]
    rows = []
    for solution in result:  # type: ignore[union-attr]
        row = {}
        for name in variables:
            term = solution[name]
            row[name] = "" if term is None else term.value
        rows.append(row)
    return rows


def _line(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _names(pairs: Iterable[dict[str, str]], key: str, value: str) -> dict[str, str]:
    """Group ``value`` by ``key``: sorted, without repeats, joined with "; "."""
    grouped: dict[str, set[str]] = defaultdict(set)
    for pair in pairs:
        if pair[value]:
            grouped[pair[key]].add(pair[value])
    return {k: "; ".join(sorted(v)) for k, v in grouped.items()}


def _count(store: ox.Store, pattern: str) -> dict[str, str]:
    rows = _select(store, f"SELECT ?plan (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }} GROUP BY ?plan")
    return {r["plan"]: r["n"] for r in rows}


def plan_rows(store: ox.Store, datasets: dict[str, str]) -> list[Row]:
    """Rows of ``plans.csv``; ``datasets`` maps a plan IRI to its dataset IRI."""
    rows = _select(store, """
        SELECT ?plan ?issuer ?issuer_iri ?level ?admin_unit ?admin_code ?title ?number ?date_text ?issued
               ?period_start ?period_end ?signer ?source_file ?source_sha256 WHERE {
          ?plan a kh:Plan ; dct:title ?title ; kh:issuedBy ?issuer_iri ; dct:source ?source .
          ?source dct:identifier ?source_file ; kh:sha256 ?source_sha256 .
          OPTIONAL { ?issuer_iri skos:prefLabel ?issuer }
          OPTIONAL { ?plan kh:level ?level }
          OPTIONAL { ?plan kh:adminUnit ?admin_unit OPTIONAL { ?admin_unit skos:notation ?admin_code } }
          OPTIONAL { ?plan dct:identifier ?number }
          OPTIONAL { ?plan kh:dateText ?date_text }
          OPTIONAL { ?plan dct:issued ?issued }
          OPTIONAL { ?plan kh:periodStart ?period_start }
          OPTIONAL { ?plan kh:periodEnd ?period_end }
          OPTIONAL { ?plan kh:signer ?signer }
        }""")
    counts = {
        "goals": _count(store, "?x a kh:StrategicGoal ; kh:inPlan ?plan"),
        "objectives": _count(store, "?x a kh:Objective ; kh:inPlan ?plan"),
        "tasks": _count(store, "?x a kh:Task ; kh:inPlan ?plan FILTER NOT EXISTS { ?x a kh:Duty }"),
        "duties": _count(store, "?x a kh:Duty ; kh:inPlan ?plan"),
        "assignments": _count(store, "?t kh:inPlan ?plan ; kh:assignment ?x"),
        "targets": _count(store, "?x a kh:Target ; kh:inPlan ?plan"),
        "references": _count(store, "{ ?plan kh:cites ?x } UNION { ?plan kh:implements ?x }"),
    }
    by_plan: dict[str, Row] = {}
    for row in rows:  # a value given twice (never in practice) keeps the smallest: stable output
        previous = by_plan.get(row["plan"])
        if previous is None or [row[k] for k in sorted(row)] < [previous[k] for k in sorted(previous)]:
            by_plan[row["plan"]] = row
    out = []
    for plan in sorted(by_plan):
        row = dict(by_plan[plan])
        row["dataset"] = datasets.get(plan, "")
        for name, per_plan in counts.items():
            row[name] = per_plan.get(plan, "0")
        out.append(row)
    return out


_EVIDENCE = "OPTIONAL { ?{v} kh:evidence/oa:hasSelector ?{v}_sel . ?{v}_sel kh:firstLine ?first_line ; " \
            "kh:lastLine ?last_line }"


def _evidence(var: str) -> str:
    return _EVIDENCE.replace("{v}", var)


def task_rows(store: ox.Store) -> list[Row]:
    """Rows of ``tasks.csv``, in document order within each plan."""
    rows = _select(store, """
        SELECT ?plan ?task ?kind ?code ?goal ?objective ?section ?description ?timeframe ?product
               ?source_file ?first_line ?last_line WHERE {
          ?task a kh:Task ; kh:inPlan ?plan .
          BIND(IF(EXISTS { ?task a kh:Duty }, "duty", "task") AS ?kind)
          OPTIONAL { ?task kh:code ?code }
          OPTIONAL { ?task kh:goal/kh:code ?goal }
          OPTIONAL { ?task kh:objective/kh:code ?objective }
          OPTIONAL { ?task kh:section ?section }
          OPTIONAL { ?task dct:description ?description }
          OPTIONAL { ?task kh:timeframe ?timeframe }
          OPTIONAL { ?task kh:product ?product }
          OPTIONAL { ?plan dct:source/dct:identifier ?source_file }
          """ + _evidence("task") + "}")
    agents = _select(store, """
        SELECT ?task ?role ?name WHERE {
          VALUES ?role { kh:leadAgency kh:coLeadAgency kh:guidingBody }
          ?task a kh:Task ; ?role ?agency . ?agency skos:prefLabel ?name }""")
    lead = _names((a for a in agents if a["role"] == KH + "leadAgency"), "task", "name")
    co_lead = _names((a for a in agents if a["role"] == KH + "coLeadAgency"), "task", "name")
    guiding = _names((a for a in agents if a["role"] == KH + "guidingBody"), "task", "name")
    for row in rows:
        row["lead_agencies"] = lead.get(row["task"], "")
        row["co_lead_agencies"] = co_lead.get(row["task"], "")
        row["guiding_bodies"] = guiding.get(row["task"], "")
    return _ordered(rows, "task")


def assignment_rows(store: ox.Store) -> list[Row]:
    """Rows of ``assignments.csv``."""
    rows = _select(store, """
        SELECT ?plan ?task ?task_kind ?task_code ?role ?role_label ?agency ?agency_name ?mention
               ?first_line ?last_line WHERE {
          ?task kh:inPlan ?plan ; kh:assignment ?assignment .
          BIND(IF(EXISTS { ?task a kh:Duty }, "duty", "task") AS ?task_kind)
          OPTIONAL { ?task kh:code ?task_code }
          ?assignment kh:role ?role_iri ; kh:assignedAgency ?agency .
          BIND(REPLACE(STR(?role_iri), "^.*/", "") AS ?role)
          OPTIONAL { ?role_iri skos:prefLabel ?role_label FILTER(LANG(?role_label) = "vi") }
          OPTIONAL { ?agency skos:prefLabel ?agency_name }
          OPTIONAL { ?assignment kh:mention ?mention }
          """ + _evidence("assignment") + "}")
    return _ordered(rows, "task", "role", "agency")


def agency_rows(store: ox.Store) -> list[Row]:
    """Rows of ``agencies.csv``."""
    rows = _select(store, """
        SELECT ?agency ?name ?type ?agency_kind ?category ?admin_code ?in_gazetteer WHERE {
          { ?agency a kh:Agency BIND("agency" AS ?type) } UNION { ?agency a kh:AgencyGroup BIND("group" AS ?type) }
          ?agency skos:prefLabel ?name .
          OPTIONAL { ?agency kh:agencyKind ?kind BIND(REPLACE(STR(?kind), "^.*/", "") AS ?agency_kind) }
          OPTIONAL { ?agency kh:category ?cat BIND(REPLACE(STR(?cat), "^.*/", "") AS ?category) }
          OPTIONAL { ?agency kh:adminUnit ?unit BIND(REPLACE(STR(?unit), "^.*/", "") AS ?admin_code) }
          OPTIONAL { ?agency kh:inGazetteer ?in_gazetteer }
        }""")
    other = _names(_select(store, "SELECT ?agency ?alt WHERE { ?agency skos:altLabel ?alt }"), "agency", "alt")
    plans = _select(store, """
        SELECT ?agency (COUNT(DISTINCT ?plan) AS ?n) WHERE {
          { ?x kh:inPlan ?plan ; ?p ?agency } UNION { ?plan a kh:Plan ; ?p ?agency }
          ?agency a ?type FILTER(?type IN (kh:Agency, kh:AgencyGroup)) } GROUP BY ?agency""")
    leads = _select(store, "SELECT ?agency (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a kh:Task ; kh:leadAgency ?agency } "
                    "GROUP BY ?agency")
    co_leads = _select(store, "SELECT ?agency (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a kh:Task ; "
                       "kh:coLeadAgency ?agency } GROUP BY ?agency")
    by_plans = {r["agency"]: r["n"] for r in plans}
    by_lead = {r["agency"]: r["n"] for r in leads}
    by_co_lead = {r["agency"]: r["n"] for r in co_leads}
    seen: dict[str, Row] = {}
    for row in sorted(rows, key=lambda r: [r[k] for k in sorted(r)]):
        seen.setdefault(row["agency"], row)
    out = []
    for agency in sorted(seen):
        row = dict(seen[agency])
        row["other_names"] = other.get(agency, "")
        row["plans"] = by_plans.get(agency, "0")
        row["lead_tasks"] = by_lead.get(agency, "0")
        row["co_lead_tasks"] = by_co_lead.get(agency, "0")
        out.append(row)
    return out


def target_rows(store: ox.Store) -> list[Row]:
    """Rows of ``targets.csv``."""
    rows = _select(store, """
        SELECT ?plan ?target ?value ?unit ?comparator ?comparator_text ?subject ?year ?description
               ?first_line ?last_line WHERE {
          ?target a kh:Target ; kh:inPlan ?plan .
          OPTIONAL { ?target rdf:value ?value }
          OPTIONAL { ?target kh:unit ?unit }
          OPTIONAL { ?target kh:comparator ?cmp BIND(REPLACE(STR(?cmp), "^.*/", "") AS ?comparator) }
          OPTIONAL { ?target kh:comparatorText ?comparator_text }
          OPTIONAL { ?target kh:subject ?subject }
          OPTIONAL { ?target kh:targetYear ?year }
          OPTIONAL { ?target dct:description ?description }
          """ + _evidence("target") + "}")
    return _ordered(rows, "target")


def reference_rows(store: ox.Store) -> list[Row]:
    """Rows of ``references.csv``: the document as the citing plan's own graph describes it."""
    rows = _select(store, """
        SELECT ?plan ?relation ?document ?identifier ?doc_type ?issued ?issuer_name ?title WHERE {
          GRAPH ?g {
            { ?plan kh:implements ?document BIND("implements" AS ?relation) }
            UNION { ?plan kh:cites ?document BIND("cites" AS ?relation) }
            OPTIONAL { ?document dct:identifier ?identifier }
            OPTIONAL { ?document kh:docType ?type BIND(REPLACE(STR(?type), "^.*/", "") AS ?doc_type) }
            OPTIONAL { ?document dct:issued ?issued }
            OPTIONAL { ?document kh:issuerName ?issuer_name }
            OPTIONAL { ?document dct:title ?title }
          }
        }""")
    return sorted(rows, key=lambda r: (r["plan"], r["relation"] != "implements", r["identifier"], r["document"],
                                       r["issued"], r["issuer_name"], r["title"]))


def _ordered(rows: list[Row], *keys: str) -> list[Row]:
    """Rows by plan, then document order (first line), then ``keys``; exact repeats dropped."""
    unique = {tuple(sorted(r.items())): r for r in rows}
    return sorted(unique.values(), key=lambda r: (r["plan"], _line(r.get("first_line", "")),
                                                  _line(r.get("last_line", "")), *(r.get(k, "") for k in keys),
                                                  tuple(sorted(r.items()))))


def write_table(table: Table, rows: list[Row], path: Path) -> int:
    """Write ``rows`` as ``table`` to ``path`` (UTF-8 with BOM, CRLF); return the row count."""
    with open(path, "w", encoding=ENCODING, newline="") as stream:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(table.header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in table.header])
    return len(rows)


ROWS: dict[str, Callable[..., list[Row]]] = {
    "tasks": task_rows, "assignments": assignment_rows, "agencies": agency_rows,
    "targets": target_rows, "references": reference_rows,
}


def write_tables(store: ox.Store, folder: Path, datasets: dict[str, str]) -> dict[str, list[Row]]:
    """Write the six tables into ``folder``; return their rows by table name."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[Row]] = {"plans": plan_rows(store, datasets)}
    for name, rows_of in ROWS.items():
        out[name] = rows_of(store)
    for table in TABLES:
        write_table(table, out[table.name], folder / table.file)
    return out


def csvw_metadata(tables: Iterable[tuple[Table, str]]) -> dict[str, Any]:
    """CSVW metadata (W3C Metadata Vocabulary for Tabular Data) for ``(table, url)`` pairs."""
    described = []
    for table, url in tables:
        described.append({
            "url": url,
            "dc:title": [{"@value": table.name, "@language": "en"}],
            "dc:description": [{"@value": table.en, "@language": "en"}, {"@value": table.vi, "@language": "vi"}],
            "tableSchema": {"columns": [{
                "name": column.name,
                "titles": column.name,
                "datatype": column.datatype,
                "dc:description": [{"@value": column.en, "@language": "en"},
                                   {"@value": column.vi, "@language": "vi"}],
            } for column in table.columns]},
        })
    return {
        "@context": [CSVW_CONTEXT, {"@language": "vi"}],
        "dialect": {"encoding": "utf-8", "header": True, "headerRowCount": 1, "delimiter": ",",
                    "lineTerminators": ["\r\n"]},
        "tables": described,
    }


def write_csvw(path: Path, tables: Iterable[tuple[Table, str]]) -> None:
    """Write the CSVW metadata file (UTF-8, no BOM: it is JSON)."""
    text = json.dumps(csvw_metadata(tables), ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8", newline="\n")
