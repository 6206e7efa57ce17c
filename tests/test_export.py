"""``kehoach export``: the release folder, its CSV tables and its DCAT-AP catalogue, from the sample corpus."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import DONG_NAI, HA_TINH, PLANS
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.build import build
from kg.cli import main
from kg.dcat import LICENCE, SPDX
from kg.dcat_check import FULL_SHAPES, SHAPES_DIR, SPLIT_SHAPES, check, expectations, findings
from kg.errors import KehoachError
from kg.export import ExportResult, export
from kg.export_csv import TABLES

pytestmark = pytest.mark.slow

# plain namespaces: rdflib's closed DCAT and XSD warn when pytest probes module attributes
DCAT = Namespace("http://www.w3.org/ns/dcat#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

BASE = "https://w3id.org/kehoach/id/"
BASE_URL = "https://data.example.gov.vn/kehoach/release-test/"
OPTIONS = {"base_url": BASE_URL, "contact_email": "dulieumo@example.org", "publisher": "Bộ Nội vụ",
           "sparql_url": "https://data.example.gov.vn/kehoach/sparql"}
CLI_OPTIONS = ["--base-url", BASE_URL, "--contact-email", "dulieumo@example.org", "--publisher", "Bộ Nội vụ",
               "--sparql-url", "https://data.example.gov.vn/kehoach/sparql"]
PLAN_TAILS = ["12/2026-2030", "31/10882/2026-2030", "42/2026-2030", "66/2026-2030", "75/2026-2030"]
VENDORED = {
    "html-shacl/shapes.ttl": "7fe9815e0f32b10f5cbce74fa6ccd0290aae3ef9e5080fb84e2d8093eb984d1d",
    "html-shacl/range.ttl": "24d3bfd0fa17a3d0e877c9ebb91c8174124e5038538e1bf081b2cb679ad0f1b2",
    "html-shacl/shapes_recommended.ttl": "9afbf23f1f56d10d6839259684934137e20506a9aedce0249b619bbc593b9abd",
    "html-shacl/mdr-vocabularies.shape.ttl": "2362f83971766a15cc20b2b54420022dc10547dd2c483da02080847c61b4b45a",
    "html-shacl/deprecateduris.ttl": "30a20a51a487c40ab7ae04f5905f02ef28238ec5cb390e37053334d835021948",
    "shacl/dcat-ap-SHACL.ttl": "990d3e42721de6a4be8cc338a7171559f195e62dea89c0b56531356b78cc026f",
    "shacl/ranges.ttl": "a6eed0fae8d0f5ca977fe2098ca12081ac60b0efe1ddce802d5c08e49505ebcc",
}


def sample_release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ExportResult | None]:
    """The sample corpus built once and exported once per session: (build folder, release folder, result).

    Shared with tests/test_export_ckan.py through the session's temporary folder; the result is None when
    the release was made by the other module.
    """
    root = tmp_path_factory.getbasetemp() / "export-sample"
    out, release = root / "out", root / "release"
    if (release / "SHA256SUMS").is_file():
        return out, release, None
    build([PLANS], out, check=False)
    return out, release, export(out, release, **OPTIONS)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, ExportResult]:
    out, release, result = sample_release(tmp_path_factory)
    if result is None:  # made by test_export_ckan: export again into a fresh folder
        release = tmp_path_factory.mktemp("release") / "release"
        result = export(out, release, **OPTIONS)  # type: ignore[arg-type]
    assert result.ok, "\n".join(str(f) for f in result.check.unexpected)
    return out, release, result


@pytest.fixture(scope="session")
def catalogue(released: tuple[Path, Path, ExportResult]) -> Graph:
    return Graph().parse(released[1] / "catalog.ttl", format="turtle")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _graph_counts(out: Path) -> dict[str, tuple[int, int]]:
    """(appendix tasks, duties) per plan IRI, counted in the build's graph."""
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG)
    query = """PREFIX kh: <https://w3id.org/kehoach/ontology#>
        SELECT ?plan ?task ?duty WHERE { GRAPH ?g { ?task a kh:Task ; kh:inPlan ?plan
                                                    BIND(EXISTS { ?task a kh:Duty } AS ?duty) } }"""
    counts: dict[str, list[int]] = {}
    for row in store.query(query):  # type: ignore[union-attr]
        pair = counts.setdefault(row["plan"].value, [0, 0])  # type: ignore[index]
        pair[1 if row["duty"].value == "true" else 0] += 1  # type: ignore[index]
    return {plan: (pair[0], pair[1]) for plan, pair in counts.items()}


# -- the folder -----------------------------------------------------------------------------------


def test_release_holds_every_file(released: tuple[Path, Path, ExportResult]) -> None:
    _, release, result = released
    names = ["README.md", "SHA256SUMS", "catalog.ttl", "catalog.rdf", "catalog.jsonld", "csv/csv-metadata.json",
             "ontology/kehoach.ttl", "ontology/shapes.ttl", "ontology/alignments.ttl"]
    names += [f"data/kehoach-all.{ext}" for ext in ("ttl", "nt", "jsonld", "rdf")]
    names += [f"csv/{table.file}" for table in TABLES]
    for tail in PLAN_TAILS:
        slug = tail.replace("/", "-")
        names += [f"data/plans/{slug}.{ext}" for ext in ("ttl", "nt", "jsonld", "rdf")]
        names.append(f"csv/plans/{slug}-tasks.csv")
    for name in names:
        assert (release / name).stat().st_size > 0, name
    sums: dict[str, str] = {}
    for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    assert set(sums) == {p.relative_to(release).as_posix() for p in release.rglob("*")
                         if p.is_file() and p.name != "SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    assert result.rows["plans"] == 5


def test_plan_files_hold_the_plan_and_its_agencies(released: tuple[Path, Path, ExportResult]) -> None:
    _, release, _ = released
    graph = Graph().parse(release / "data" / "plans" / "42-2026-2030.ttl", format="turtle")
    plans = set(graph.subjects(RDF.type, URIRef("https://w3id.org/kehoach/ontology#Plan")))
    assert plans == {URIRef(BASE + "plan/42/2026-2030")}
    names = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"))}
    assert "Sở Văn hóa, Thể thao và Du lịch" in names and "Ủy ban nhân dân tỉnh Hà Tĩnh" in names
    assert not any("/75/" in str(s) for s in graph.subjects()), "another plan's data leaked in"


def test_rdf_serialisations_hold_the_same_triples(released: tuple[Path, Path, ExportResult]) -> None:
    _, release, _ = released
    for stem in ("data/plans/42-2026-2030", "data/plans/31-10882-2026-2030"):
        graphs = [set(Graph().parse(release / f"{stem}.{ext}", format=fmt))
                  for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml"))]
        assert graphs[0] and all(g == graphs[0] for g in graphs), stem  # no blank nodes: set equality


# -- the CSV tables -------------------------------------------------------------------------------


def test_csv_is_utf8_with_bom_and_vietnamese_intact(released: tuple[Path, Path, ExportResult]) -> None:
    _, release, _ = released
    for table in TABLES:
        raw = (release / "csv" / table.file).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + table.header[0].encode()), table.file
        with open(release / "csv" / table.file, encoding="utf-8-sig", newline="") as stream:
            header = next(csv.reader(stream))
        assert header == table.header
    agencies = {r["name"] for r in _rows(release / "csv" / "agencies.csv")}
    assert "Sở Văn hóa, Thể thao và Du lịch" in agencies
    issuers = {r["issuer"] for r in _rows(release / "csv" / "plans.csv")}
    assert "Ủy ban nhân dân thành phố Đồng Nai" in issuers and "Ủy ban nhân dân xã Hà Đông" in issuers
    tasks = _rows(release / "csv" / "tasks.csv")
    assert all(unicodedata.is_normalized("NFC", r["description"]) for r in tasks)
    assert any("Sở Văn hóa, Thể thao và Du lịch" in r["lead_agencies"] for r in tasks)


def test_task_counts_per_plan_equal_the_graph(released: tuple[Path, Path, ExportResult]) -> None:
    out, release, _ = released
    graph = _graph_counts(out)
    tasks = _rows(release / "csv" / "tasks.csv")
    plans = {r["source_file"]: r for r in _rows(release / "csv" / "plans.csv")}
    for plan, (n_tasks, n_duties) in graph.items():
        rows = [r for r in tasks if r["plan"] == plan]
        assert sum(r["kind"] == "task" for r in rows) == n_tasks, plan
        assert sum(r["kind"] == "duty" for r in rows) == n_duties, plan
        slug = plan.removeprefix(BASE + "plan/").replace("/", "-")
        assert len(_rows(release / "csv" / "plans" / f"{slug}-tasks.csv")) == n_tasks + n_duties
    assert plans[DONG_NAI]["tasks"] == "88" and graph[plans[DONG_NAI]["plan"]][0] == 88
    assert plans[HA_TINH]["tasks"] == "37" and graph[plans[HA_TINH]["plan"]][0] == 37


def test_assignment_rows_name_task_role_and_agency(released: tuple[Path, Path, ExportResult]) -> None:
    _, release, _ = released
    rows = _rows(release / "csv" / "assignments.csv")
    tasks = {r["task"] for r in _rows(release / "csv" / "tasks.csv")}
    agencies = {r["agency"] for r in _rows(release / "csv" / "agencies.csv")}
    assert rows and all(r["task"] in tasks and r["agency"] in agencies for r in rows)
    assert {r["role"] for r in rows} >= {"chu-tri", "phoi-hop"}
    assert {r["role_label"] for r in rows} >= {"chủ trì", "phối hợp"}
    assert {r["task_kind"] for r in rows} == {"task", "duty"}


def test_csvw_metadata_matches_the_headers(released: tuple[Path, Path, ExportResult]) -> None:
    import json

    _, release, _ = released
    meta = json.loads((release / "csv" / "csv-metadata.json").read_text(encoding="utf-8"))
    assert len(meta["tables"]) == len(TABLES) + 5
    for table in meta["tables"]:
        with open(release / "csv" / table["url"], encoding="utf-8-sig", newline="") as stream:
            header = next(csv.reader(stream))
        assert header == [c["name"] for c in table["tableSchema"]["columns"]], table["url"]
    readme = (release / "README.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"`csv/{table.file}`" in readme and all(f"`{c.name}`" in readme for c in table.columns)


# -- the catalogue --------------------------------------------------------------------------------


def test_catalogue_conforms_with_only_expected_results(released: tuple[Path, Path, ExportResult],
                                                       catalogue: Graph) -> None:
    _, _, result = released
    assert result.check.ok and result.check.runs == ["split", "full"]
    expected = expectations()
    used = {e for _, e in result.check.expected}
    assert used == set(expected), f"expectations never met (stale lines): {set(expected) - used}"
    again = check(catalogue, BASE)  # the file as published validates the same way
    assert again.ok and again.summary() == result.check.summary()


def test_six_datasets_with_stable_iris(catalogue: Graph) -> None:
    datasets = {str(d) for d in catalogue.subjects(RDF.type, DCAT.Dataset)}
    assert datasets == {BASE + "dataset/all"} | {BASE + "dataset/plan/" + tail for tail in PLAN_TAILS}
    catalog = URIRef(BASE + "catalog")
    assert {str(d) for d in catalogue.objects(catalog, DCAT.dataset)} == datasets
    service = URIRef(BASE + "service/sparql")
    assert {str(d) for d in catalogue.objects(service, DCAT.servesDataset)} == datasets
    for dataset in map(URIRef, datasets):
        for prop in (DCTERMS.title, DCTERMS.description):
            assert {getattr(o, "language", None) for o in catalogue.objects(dataset, prop)} == {"vi", "en"}


def test_distributions_match_the_files(released: tuple[Path, Path, ExportResult], catalogue: Graph) -> None:
    _, release, _ = released
    distributions = list(catalogue.subjects(RDF.type, DCAT.Distribution))
    assert len(distributions) == 5 * 5 + 4 + 6 + 1
    for node in distributions:
        url = str(catalogue.value(node, DCAT.downloadURL))
        assert url.startswith(BASE_URL) and str(catalogue.value(node, DCAT.accessURL)) == url
        data = (release / url.removeprefix(BASE_URL)).read_bytes()
        size = catalogue.value(node, DCAT.byteSize)
        assert isinstance(size, Literal) and size.datatype == XSD.nonNegativeInteger and int(size) == len(data)
        checksum = catalogue.value(node, SPDX.checksum)
        assert catalogue.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalogue.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert str(catalogue.value(node, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")
        assert str(catalogue.value(node, DCAT.mediaType)).startswith("http://www.iana.org/assignments/media-types/")
        assert catalogue.value(node, DCTERMS.license) == LICENCE


def test_licence_is_the_statutory_terms_and_no_cc(released: tuple[Path, Path, ExportResult],
                                                  catalogue: Graph) -> None:
    _, release, _ = released
    assert (LICENCE, RDF.type, DCTERMS.LicenseDocument) in catalogue
    assert (LICENCE, DCTERMS.type, URIRef("http://purl.org/adms/licencetype/Attribution")) in catalogue
    titles = [str(t) for t in catalogue.objects(LICENCE, DCTERMS.title)]
    assert any("Luật Giao dịch điện tử 2023" in t and "Điều 43" in t and "194/2025/NĐ-CP" in t for t in titles)
    assert catalogue.value(LICENCE, RDFS.label) is None
    for path in [release / "README.md", *release.glob("catalog.*"), *(release / "data" / "plans").glob("*.ttl")]:
        assert "creativecommons" not in path.read_text(encoding="utf-8").lower(), path
    # the project's vocabularies carry the same statutory terms: no Creative Commons IRI anywhere
    whole = Graph().parse(release / "data" / "kehoach-all.ttl", format="turtle")
    assert not [t for t in whole if "creativecommons" in str(t[2]).lower()]
    schemes = set(whole.subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes and {whole.value(s, DCTERMS.license) for s in schemes} <= {LICENCE, None}
    for path in (release / "ontology").glob("*.ttl"):
        assert "creativecommons" not in path.read_text(encoding="utf-8").lower(), path


def test_object_iris_carry_no_rdfs_label(catalogue: Graph) -> None:
    """ckanext-dcat stores an object's rdfs:label instead of its IRI; only provenance text may have one."""
    objects = {o for o in catalogue.objects() if isinstance(o, URIRef)}
    labelled = {s for s in catalogue.subjects(RDFS.label) if s in objects}
    assert labelled and all((s, RDF.type, DCTERMS.ProvenanceStatement) in catalogue for s in labelled)


def test_keywords_are_nfc_and_ckan_tags(catalogue: Graph) -> None:
    keywords = [str(k) for k in catalogue.objects(None, DCAT.keyword)]
    assert "Cộng đồng Văn hóa - Xã hội ASEAN" in keywords and "Hà Tĩnh" in keywords
    for keyword in keywords:
        assert unicodedata.is_normalized("NFC", keyword) and re.fullmatch(r"[\w \-.]{2,100}", keyword), keyword


def test_dates_typed_and_from_the_data(released: tuple[Path, Path, ExportResult], catalogue: Graph) -> None:
    _, _, result = released
    for prop in (DCTERMS.issued, DCTERMS.modified, DCAT.startDate, DCAT.endDate):
        values = list(catalogue.objects(None, prop))
        assert values and all(isinstance(v, Literal) and v.datatype == XSD.date for v in values), prop
    assert result.issued.isoformat() == "2026-06-30"  # latest date the sample plans give (documents they cite)
    period = catalogue.value(URIRef(BASE + "dataset/plan/42/2026-2030"), DCTERMS.temporal)
    assert str(catalogue.value(period, DCAT.startDate)) == "2026-01-01"


def test_spatial_and_publisher_of_a_commune_plan(catalogue: Graph) -> None:
    dataset = URIRef(BASE + "dataset/plan/31/10882/2026-2030")
    places = {str(p) for p in catalogue.objects(dataset, DCTERMS.spatial)}
    assert places == {"https://w3id.org/kehoach/def/admin-unit/10882", "https://w3id.org/kehoach/def/admin-unit/31",
                      "http://publications.europa.eu/resource/authority/country/VNM"}
    publisher = catalogue.value(dataset, DCTERMS.publisher)
    assert str(publisher) == BASE + "org/31/10882/ubnd"
    assert "Ủy ban nhân dân xã Hà Đông" in {str(n) for n in catalogue.objects(publisher, URIRef(
        "http://xmlns.com/foaf/0.1/name"))}


@pytest.mark.parametrize("bad", [Literal("15/01/2025"), Literal("15/01/2025", datatype=XSD.date)],
                         ids=["plain", "ill-typed"])
def test_bad_date_fails_validation(catalogue: Graph, bad: Literal) -> None:
    dataset = URIRef(BASE + "dataset/plan/42/2026-2030")
    broken = Graph()
    for triple in catalogue:
        broken.add(triple)
    broken.remove((dataset, DCTERMS.issued, None))
    broken.add((dataset, DCTERMS.issued, bad))
    result = check(broken, BASE, runs=("split",))
    assert not result.ok
    assert any(f.path == "dct:issued" and f.focus == str(dataset) and f.severity == "Violation"
               for f in result.unexpected), [str(f) for f in result.unexpected]


def test_sh_shape_defect_is_why_dates_need_the_workaround(catalogue: Graph) -> None:
    """The vendored 3.0.1 shapes.ttl, read as published, lets a bad dct:issued of a dataset through."""
    from pyshacl import validate

    dataset = URIRef(BASE + "dataset/plan/42/2026-2030")
    broken = Graph()
    broken.add((dataset, RDF.type, DCAT.Dataset))
    broken.add((dataset, DCTERMS.title, Literal("x", lang="vi")))
    broken.add((dataset, DCTERMS.description, Literal("x", lang="vi")))
    broken.add((dataset, DCTERMS.issued, Literal("15/01/2025")))
    raw = Graph().parse(SHAPES_DIR / "html-shacl" / "shapes.ttl", format="turtle")
    conforms, _, _ = validate(broken, shacl_graph=raw, inference="none", do_owl_imports=False)
    assert conforms
    assert any(f.path == "dct:issued" for f in findings(broken, "split"))


def test_vendored_shapes_are_unmodified() -> None:
    assert set(SPLIT_SHAPES) | set(FULL_SHAPES) == set(VENDORED)
    for name, digest in VENDORED.items():
        assert hashlib.sha256((SHAPES_DIR / name).read_bytes()).hexdigest() == digest, name


def test_three_catalogue_serialisations_are_isomorphic(released: tuple[Path, Path, ExportResult],
                                                       catalogue: Graph) -> None:
    _, release, _ = released
    xml = Graph().parse(release / "catalog.rdf", format="xml")
    jsonld = Graph().parse(release / "catalog.jsonld", format="json-ld")
    assert len(catalogue) > 1000
    assert isomorphic(catalogue, xml) and isomorphic(catalogue, jsonld)


# -- determinism, stability, the command ----------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_export_by_the_command_is_byte_identical(released: tuple[Path, Path, ExportResult],
                                                        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, release, _ = released
    again = tmp_path / "again"
    assert main(["export", "--from", str(out), "--out", str(again), *CLI_OPTIONS]) == 0
    assert "catalogue conforms" in capsys.readouterr().out
    first, second = _tree(release), _tree(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert main(["export", "--from", str(out), "--out", str(again), "-q", *CLI_OPTIONS]) == 0  # replaces itself
    assert _tree(again) == second


def test_dataset_iris_stable_when_a_plan_text_changes(released: tuple[Path, Path, ExportResult],
                                                      catalogue: Graph, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    text = (plans / HA_TINH).read_text(encoding="utf-8")
    edited = text.replace("thành tựu đổi mới", "thành tựu đổi mới nổi bật", 1)
    assert edited != text
    (plans / HA_TINH).write_text(edited, encoding="utf-8")
    build([plans], tmp_path / "out", check=False)
    result = export(tmp_path / "out", tmp_path / "release", **OPTIONS)  # type: ignore[arg-type]
    assert result.ok
    changed = Graph().parse(tmp_path / "release" / "catalog.ttl", format="turtle")
    before = set(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert set(changed.subjects(RDF.type, DCAT.Dataset)) == before
    source = URIRef(BASE + "dataset/plan/42/2026-2030")
    assert set(catalogue.objects(source, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))) != \
        set(changed.objects(source, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))


def test_failed_validation_exits_1_and_writes_nothing(released: tuple[Path, Path, ExportResult], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import kg.export

    out, _, _ = released
    monkeypatch.setattr(kg.export, "check", lambda graph, base: check(graph, base, runs=("split",), expected=[]))
    target = tmp_path / "release"
    assert main(["export", "--from", str(out), "--out", str(target), *CLI_OPTIONS]) == 1
    assert "does not conform" in capsys.readouterr().err
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_bad_options_and_targets_exit_2(released: tuple[Path, Path, ExportResult], tmp_path: Path) -> None:
    out, _, _ = released
    with pytest.raises(SystemExit) as stop:
        main(["export", "--from", str(out), "--out", str(tmp_path / "r"), "--issued", "15/01/2025"])
    assert stop.value.code == 2
    assert main(["export", "--from", str(out), "--out", str(out)]) == 2  # never over the build itself
    assert main(["export", "--from", str(tmp_path / "missing"), "--out", str(tmp_path / "r")]) == 2
    with pytest.raises(KehoachError, match="base-url"):
        export(out, tmp_path / "r", base_url="ftp://example.org/x")
