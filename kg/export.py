"""``kehoach export``: a release folder for the national open-data portal, from a finished build.

The release (layout in the README it writes, :mod:`kg.export_readme`)::

    README.md                      what is in it, how to cite it, the licence, the CSV columns (vi + en)
    catalog.ttl, .rdf, .jsonld     the DCAT-AP 3.0.1 catalogue (kg.dcat), validated (kg.dcat_check)
    data/kehoach-all.ttl, .nt, .jsonld, .rdf    the whole asserted graph (every plan, agencies, vocabulary)
    data/plans/{unit}-{period}.ttl, …           one plan's graph plus the agencies it names
    csv/{plans,tasks,assignments,agencies,targets,references}.csv, csv/csv-metadata.json (CSVW)
    csv/plans/{unit}-{period}-tasks.csv         one plan's tasks
    ontology/kehoach.ttl, shapes.ttl, alignments.ttl
    SHA256SUMS

The same build and options give the same bytes: triples and rows are sorted, and every date comes from
the data or from ``--issued``/``--modified``, never from the clock. The folder is written next to
``--out`` and swapped in only when everything, validation included, has succeeded.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from kg import dcat
from kg.dcat import (
    CSV,
    CSVW,
    RDF_FORMATS,
    AdminUnit,
    CatalogueOptions,
    FileFormat,
    PlanFacts,
    ReleaseDataset,
    ReleaseFile,
)
from kg.dcat_check import CatalogueCheck, check
from kg.errors import KehoachError
from kg.export_csv import TABLES, TASKS, plan_rows, write_csvw, write_table, write_tables
from kg.files import swap_folder
from kg.iris import ONTOLOGY
from kg.oxi import PREFIXES
from kg.vocab import ONTOLOGY_DIR

DEFAULT_BASE_URL = "https://data.example.gov.vn/kehoach/"
KH = "https://w3id.org/kehoach/ontology#"
DCT_ISSUED = "http://purl.org/dc/terms/issued"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ONTOLOGY_FILES = ("kehoach.ttl", "shapes.ttl", "alignments.ttl")
_OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "rdf": ox.RdfFormat.RDF_XML}
_TABLE_TITLES = {"plans": ("Bảng kế hoạch", "Table of plans"), "tasks": ("Bảng nhiệm vụ", "Table of tasks"),
                 "assignments": ("Bảng phân công cơ quan", "Table of agency assignments"),
                 "agencies": ("Bảng cơ quan", "Table of agencies"),
                 "targets": ("Bảng chỉ tiêu", "Table of quantified targets"),
                 "references": ("Bảng văn bản viện dẫn", "Table of cited documents")}


@dataclass
class Build:
    """A finished build read back: its quads, a query store of the asserted part, its plans."""

    source: Path
    base: str
    asserted: list[ox.Quad]
    store: ox.Store
    plans: list[tuple[PlanFacts, str]]  # (facts, named graph IRI), by plan IRI
    agencies_graph: str
    ontology_dir: Path


@dataclass
class ExportResult:
    """What an export wrote (or would have written) and how its catalogue validated."""

    out: Path | None
    issued: date
    modified: date
    datasets: list[ReleaseDataset] = field(default_factory=list)
    check: CatalogueCheck = field(default_factory=CatalogueCheck)
    rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.check.ok


# -- reading the build ----------------------------------------------------------------------------


def _read_quads(source: Path) -> tuple[list[ox.Quad], Path]:
    """Quads of a build folder (``graph.trig``, else ``store/``) or of a TriG file."""
    if source.is_file():
        return list(ox.parse(path=str(source), format=ox.RdfFormat.TRIG)), source.parent
    trig = source / "graph.trig"
    if trig.is_file():
        return list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG)), source
    if (source / "store").is_dir():
        from kg.store import open_store

        store = open_store(source)
        quads = list(store)
        del store
        return quads, source
    raise KehoachError(f"no build in {source}: expected {trig} or {source / 'store'} "
                       f"(run 'kehoach build --out {source}' first)")


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: ("" if s[n] is None else s[n].value) for n in names} for s in result]  # type: ignore[union-attr]


def load_build(source: Path | str) -> Build:
    """Read a finished build: its asserted quads, plans and base IRI."""
    source = Path(source)
    quads, folder = _read_quads(source)
    plan_type = ox.NamedNode(KH + "Plan")
    plan_graphs = {q.subject.value: q.graph_name.value for q in quads  # type: ignore[union-attr]
                   if q.predicate.value == RDF_TYPE and q.object == plan_type
                   and isinstance(q.graph_name, ox.NamedNode)}
    if not plan_graphs:
        raise KehoachError(f"the build in {source} holds no plan (no kh:Plan in any named graph)")
    graph_names = {str(q.graph_name.value) for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    agencies = next((g for g in sorted(graph_names) if g.endswith("/graph/agencies")), "")
    if agencies:
        base = agencies[: -len("graph/agencies")]
    else:
        sample = next(iter(sorted(plan_graphs.values())))
        base = sample[: sample.index("graph/plan/")]
    excluded = {str(ONTOLOGY), base + "graph/inferred"}
    asserted = [q for q in quads if not isinstance(q.graph_name, ox.NamedNode) or q.graph_name.value not in excluded]
    store = ox.Store()
    store.bulk_extend(asserted)
    rows = {row["plan"]: row for row in plan_rows(store, {})}
    units = {r["unit"]: r for r in _select(store, """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?unit ?code ?label ?province WHERE {
          ?unit skos:inScheme <https://w3id.org/kehoach/def/admin-unit> ; skos:notation ?code ; skos:prefLabel ?label
          OPTIONAL { ?unit skos:broader ?province } }""")}
    plans = []
    for plan_iri in sorted(plan_graphs):
        row = rows.get(plan_iri)
        if row is None:
            raise KehoachError(f"plan {plan_iri} lacks a title, issuer or source document in {source}")
        plans.append((_facts(plan_iri, base, row, units), plan_graphs[plan_iri]))
    ontology_dir = folder / "ontology" if (folder / "ontology" / "kehoach.ttl").is_file() else ONTOLOGY_DIR
    return Build(source, base, asserted, store, plans, agencies, ontology_dir)


def _facts(plan_iri: str, base: str, row: dict[str, str], units: dict[str, dict[str, str]]) -> PlanFacts:
    prefix = base + "plan/"
    tail = plan_iri[len(prefix):] if plan_iri.startswith(prefix) else re.sub(r"[^0-9A-Za-z]+", "-", plan_iri)
    chain: list[AdminUnit] = []
    unit = units.get(row["admin_unit"])
    while unit is not None and len(chain) < 3:
        chain.append(AdminUnit(unit["unit"], unit["code"], unit["label"]))
        unit = units.get(unit["province"]) if unit["province"] else None
    counts = {k: int(row[k]) for k in ("goals", "objectives", "tasks", "duties", "assignments", "targets",
                                       "references") if row.get(k, "").isdigit()}
    return PlanFacts(
        iri=plan_iri, tail=tail, title=row["title"], issuer_iri=row["issuer_iri"],
        issuer=row["issuer"] or row["issuer_iri"], level=row["level"], units=tuple(chain), number=row["number"],
        period_start=int(row["period_start"]) if row["period_start"].isdigit() else None,
        period_end=int(row["period_end"]) if row["period_end"].isdigit() else None,
        source_iri=_source_iri(base, row["source_sha256"]), source_file=row["source_file"],
        source_sha256=row["source_sha256"], counts=counts)


def _source_iri(base: str, sha256: str) -> str:
    return f"{base}source/{sha256}"


def default_issued(build: Build) -> date:
    """The latest date the plans state (their own date, else the latest document they cite).

    A lower bound of the real release date, derived from the data so that exports are reproducible;
    ``--issued`` gives the real one. Without any full date: 1 January of the latest plan period start.
    """
    plan_graphs = {graph for _, graph in build.plans}
    dates = [q.object.value for q in build.asserted
             if q.predicate.value == DCT_ISSUED and isinstance(q.object, ox.Literal)
             and q.object.datatype.value == XSD_DATE and isinstance(q.graph_name, ox.NamedNode)
             and q.graph_name.value in plan_graphs]
    for text in sorted(dates, reverse=True):
        try:
            return date.fromisoformat(text)
        except ValueError:
            continue
    years = [p.period_start for p, _ in build.plans if p.period_start]
    if years:
        return date(max(years), 1, 1)
    raise KehoachError("the plans state no date: give the release date with --issued YYYY-MM-DD")


# -- writing files --------------------------------------------------------------------------------


def _triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                  key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def write_rdf(triples: list[ox.Triple], folder: Path, stem: str) -> dict[str, Path]:
    """``stem``.ttl, .nt, .jsonld, .rdf of ``triples`` (already sorted) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for fmt in RDF_FORMATS:
        path = folder / f"{stem}.{fmt.key}"
        prefixes = None if fmt.key == "nt" else PREFIXES
        ox.serialize(triples, str(path), _OX_FORMATS[fmt.key], prefixes=prefixes)
        paths[fmt.key] = path
    return paths


def plan_triples(build: Build, graph: str) -> list[ox.Triple]:
    """A plan's graph plus the descriptions of the agencies it names (from ``graph/agencies``)."""
    own = [q for q in build.asserted if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == graph]
    named = {q.object for q in own if isinstance(q.object, ox.NamedNode)} | {q.subject for q in own}
    agencies = [q for q in build.asserted if isinstance(q.graph_name, ox.NamedNode)
                and q.graph_name.value == build.agencies_graph and q.subject in named]
    return _triples(own + agencies)


def _described(root: Path, path: Path, key: str, fmt: FileFormat, vi: str, en: str, *,
               rdf: bool = False) -> ReleaseFile:
    data = path.read_bytes()
    return ReleaseFile(path.relative_to(root).as_posix(), key, fmt, vi, en, len(data),
                       hashlib.sha256(data).hexdigest(), rdf)


def _rdf_files(root: Path, paths: dict[str, Path]) -> list[ReleaseFile]:
    by_key = {fmt.key: fmt for fmt in RDF_FORMATS}
    return [_described(root, path, key, by_key[key], f"Dữ liệu RDF ({by_key[key].name})",
                       f"RDF data ({by_key[key].name})", rdf=True) for key, path in paths.items()]


def dataset_iri(build: Build, plan: PlanFacts | None) -> str:
    """The stable dataset IRI: ``{base}dataset/plan/{unit}/{period}`` from the plan IRI, or ``…/all``."""
    return f"{build.base}dataset/plan/{plan.tail}" if plan else f"{build.base}dataset/all"


def _slug(plan: PlanFacts) -> str:
    return plan.tail.replace("/", "-")


def write_release(build: Build, root: Path) -> tuple[list[ReleaseDataset], dict[str, int]]:
    """Every data file of the release into ``root``; the datasets that describe them."""
    datasets_by_plan = {p.iri: dataset_iri(build, p) for p, _ in build.plans}
    whole = _rdf_files(root, write_rdf(_triples(build.asserted), root / "data", "kehoach-all"))
    rows = write_tables(build.store, root / "csv", datasets_by_plan)
    for table in TABLES:
        vi, en = _TABLE_TITLES[table.name]
        whole.append(_described(root, root / "csv" / table.file, f"csv-{table.name}", CSV, f"{vi} (CSV)",
                                f"{en} (CSV)"))
    csvw_tables = [(table, table.file) for table in TABLES]
    datasets = []
    for plan, graph in build.plans:
        files = _rdf_files(root, write_rdf(plan_triples(build, graph), root / "data" / "plans", _slug(plan)))
        path = root / "csv" / "plans" / f"{_slug(plan)}-tasks.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_table(TASKS, [r for r in rows["tasks"] if r["plan"] == plan.iri], path)
        csvw_tables.append((TASKS, f"plans/{path.name}"))
        files.append(_described(root, path, "csv-tasks", CSV, "Bảng nhiệm vụ của kế hoạch (CSV)",
                                "Table of the plan's tasks (CSV)"))
        datasets.append(ReleaseDataset(datasets_by_plan[plan.iri], plan, tuple(files)))
    write_csvw(root / "csv" / "csv-metadata.json", csvw_tables)
    whole.append(_described(root, root / "csv" / "csv-metadata.json", "csvw", CSVW,
                            "Mô tả cột của các bảng CSV (CSVW)", "Column descriptions of the CSV tables (CSVW)"))
    datasets.append(ReleaseDataset(dataset_iri(build, None), None, tuple(whole)))
    (root / "ontology").mkdir()
    for name in ONTOLOGY_FILES:
        if (build.ontology_dir / name).is_file():
            shutil.copyfile(build.ontology_dir / name, root / "ontology" / name)
    return datasets, {name: len(table_rows) for name, table_rows in rows.items()}


def write_checksums(root: Path) -> None:
    """``SHA256SUMS`` of every file of the release (``sha256sum -c`` checks it)."""
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(root).as_posix()}")
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


# -- the export -----------------------------------------------------------------------------------


def check_base_url(url: str) -> str:
    """``url`` if it is an http(s) URL ending in "/", else a :class:`KehoachError`.

    >>> check_base_url("https://data.example.gov.vn/kehoach/")
    'https://data.example.gov.vn/kehoach/'
    """
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+/$", url):
        raise KehoachError(f"--base-url must be an http(s) URL ending in '/': {url!r}")
    return url


def _target(out: Path, source: Path) -> Path:
    out, source = out.resolve(), source.resolve()
    if out == source or out in source.parents:
        raise KehoachError(f"--out {out} would replace the build it reads ({source}): choose another folder")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "catalog.ttl").is_file())):
        raise KehoachError(f"--out {out} exists and is not a release folder (no catalog.ttl): choose a new or "
                           "empty folder")
    return out


def export(source: Path | str, out: Path | str, *, base_url: str = DEFAULT_BASE_URL, issued: date | None = None,
           modified: date | None = None, contact_email: str | None = None, sparql_url: str | None = None,
           publisher: str | None = None, publisher_type: str = "national") -> ExportResult:
    """Write the release of the build in ``source`` into ``out`` (replaced only if the catalogue validates)."""
    from kg.export_readme import readme

    base_url = check_base_url(base_url)
    source = Path(source)
    target = _target(Path(out), source)
    build = load_build(source)
    issued = issued or default_issued(build)
    result = ExportResult(out=None, issued=issued, modified=modified or issued)
    if result.modified < issued:
        raise KehoachError(f"--modified {result.modified} is before --issued {issued}")
    if not contact_email:
        result.notes.append(f"no --contact-email: the catalogue gives the placeholder {dcat.PLACEHOLDER_EMAIL}; "
                            "set the real address before publishing")
    if not publisher:
        result.notes.append("no --publisher: the catalogue names a placeholder publisher; set it before publishing")
    if not sparql_url:
        result.notes.append("no --sparql-url: the catalogue describes no SPARQL endpoint (dcat:DataService)")
    options = CatalogueOptions(base_url, issued, result.modified, contact_email, sparql_url, publisher, publisher_type)

    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    os.chmod(staging, 0o755)
    try:
        result.datasets, result.rows = write_release(build, staging)
        graph: Graph = dcat.catalogue(build.base, result.datasets, options)
        dcat.write_catalogue(graph, staging)
        result.check = check(graph, build.base)
        if not result.ok:
            shutil.rmtree(staging, ignore_errors=True)
            return result
        (staging / "README.md").write_text(readme(result, options), encoding="utf-8", newline="\n")
        write_checksums(staging)
        for path in staging.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        swap_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.out = target
    return result

