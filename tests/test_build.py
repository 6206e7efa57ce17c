"""The build of the sample corpus: outputs, determinism, atomic writes, exit codes, the graph itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.build import BuildResult, build
from kg.cli import main
from tests.conftest import PLANS, ROOT

KH = "https://w3id.org/kehoach/ontology#"
ID = "https://w3id.org/kehoach/id/"
OUTPUTS = ["graph.trig", "graph.ttl", "graph.nt", "graph.jsonld", "report.json", "report.md",
           "ontology/kehoach.ttl", "ontology/shapes.ttl", "ontology/index.html"]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    out = tmp_path_factory.mktemp("build") / "out"
    return build([PLANS], out), out


@pytest.fixture(scope="session")
def dataset(built: tuple[BuildResult, Path]) -> Dataset:
    data = Dataset()
    data.parse(built[1] / "graph.trig", format="trig")
    return data


def test_outputs_exist_and_graph_conforms(built: tuple[BuildResult, Path]) -> None:
    result, out = built
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert len(result.plans) == 5 and result.failed == []
    assert result.validation is not None and result.validation.violations == [], \
        "\n".join(str(v) for v in result.validation.violations[:20])


def test_two_builds_are_byte_identical(built: tuple[BuildResult, Path], tmp_path: Path) -> None:
    _, first = built
    second = tmp_path / "again"
    build([PLANS], second, check=False)
    for name in OUTPUTS:
        if name != "report.json" and name != "report.md":
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_serialisations_hold_the_same_graph(built: tuple[BuildResult, Path], dataset: Dataset) -> None:
    _, out = built
    turtle = Graph().parse(out / "graph.ttl", format="turtle")
    ntriples = Graph().parse(out / "graph.nt", format="nt")
    jsonld = Graph().parse(out / "graph.jsonld", format="json-ld")
    assert len(turtle) == len(ntriples) == len(jsonld) > 20_000
    assert set(turtle) == set(ntriples)
    # each triple once in graph.nt, though three documents are described in two plans' graphs each
    lines = (out / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(ntriples) == built[0].counts["asserted"]
    trig = (out / "graph.trig").read_text(encoding="utf-8")
    assert trig.count(f"<{ID}graph/inferred> {{") == 1  # one block per graph, though written plan by plan


def test_named_graphs(dataset: Dataset) -> None:
    names = {str(g.identifier) for g in dataset.graphs()}
    for tail in ("plan/12/2026-2030", "plan/31/10882/2026-2030", "plan/42/2026-2030", "plan/66/2026-2030",
                 "plan/75/2026-2030"):
        assert f"{ID}graph/{tail}" in names
    assert {f"{ID}graph/vocab", f"{ID}graph/agencies", f"{ID}graph/inferred",
            "https://w3id.org/kehoach/ontology"} <= names


def test_task_in_the_graph(dataset: Dataset) -> None:
    """Đồng Nai 9.1.2, as the document says (line 341)."""
    graph = dataset.graph(URIRef(f"{ID}graph/plan/75/2026-2030"))
    task = URIRef(f"{ID}plan/75/2026-2030/task/9.1.2")
    assert (task, RDF.type, URIRef(KH + "Task")) in graph
    assert (URIRef(f"{ID}plan/75/2026-2030/duty/VII.3.a"), RDF.type, URIRef(KH + "Task")) in graph
    assert graph.value(task, URIRef(KH + "code")) == Literal("9.1.2")
    assert graph.value(task, URIRef(KH + "goal")) == URIRef(f"{ID}plan/75/2026-2030/goal/9")
    assert graph.value(task, URIRef(KH + "objective")) == URIRef(f"{ID}plan/75/2026-2030/objective/9.1")
    leads = set(graph.objects(task, URIRef(KH + "leadAgency")))
    assert leads == {URIRef(f"{ID}org/75/so-van-hoa-the-thao-va-du-lich"),
                     URIRef(f"{ID}org/75/lien-hiep-cac-to-chuc-huu-nghi")}
    co = set(graph.objects(task, URIRef(KH + "coLeadAgency")))
    assert URIRef(f"{ID}org/75/hoi-huu-nghi-viet-nam-asean") in co
    assert URIRef(f"{ID}group/75/ubnd-cac-xa-phuong") in co
    description = graph.value(task, DCTERMS.description)
    assert description.language == "vi" and description.startswith("Tăng cường sự hiểu biết sâu sắc hơn")
    selector = graph.value(graph.value(task, URIRef(KH + "evidence")), URIRef("http://www.w3.org/ns/oa#hasSelector"))
    assert graph.value(selector, URIRef(KH + "firstLine")).toPython() == 341
    assert graph.value(selector, RDF.value) == Literal("line=340,341")


def test_agency_labels_and_kinds(dataset: Dataset) -> None:
    agencies = dataset.graph(URIRef(f"{ID}graph/agencies"))
    vhttdl = URIRef(f"{ID}org/75/so-van-hoa-the-thao-va-du-lich")
    assert agencies.value(vhttdl, SKOS.prefLabel) == Literal("Sở Văn hóa, Thể thao và Du lịch", lang="vi")
    assert Literal("Sở Văn hoá, Thể thao và Du lịch", lang="vi") in set(agencies.objects(vhttdl, SKOS.altLabel))
    kind = URIRef("https://w3id.org/kehoach/def/agency-kind/so-y-te")
    holders = set(agencies.subjects(URIRef(KH + "agencyKind"), kind))
    assert {URIRef(f"{ID}org/42/so-y-te"), URIRef(f"{ID}org/75/so-y-te")} <= holders
    assert agencies.value(URIRef(f"{ID}org/42/ubnd"), SKOS.prefLabel) == Literal("Ủy ban nhân dân tỉnh Hà Tĩnh", lang="vi")


def test_plan_metadata(dataset: Dataset) -> None:
    graph = dataset.graph(URIRef(f"{ID}graph/plan/31/10882/2026-2030"))
    plan = URIRef(f"{ID}plan/31/10882/2026-2030")
    assert graph.value(plan, URIRef(KH + "adminUnit")) == URIRef("https://w3id.org/kehoach/def/admin-unit/10882")
    assert graph.value(plan, URIRef(KH + "signer")) == Literal("Lê Văn Đạt")
    assert graph.value(plan, URIRef(KH + "code")) is None  # a draft: "Số: /KH-UBND"
    implemented = {str(graph.value(d, DCTERMS.identifier)) for d in graph.objects(plan, URIRef(KH + "implements"))}
    assert implemented == {"168/KH-UBND"}
    source = graph.value(plan, DCTERMS.source)
    assert graph.value(source, DCTERMS.identifier) == Literal("000_0c043c4c9b36a6c9.txt")


def test_inferred_graph(dataset: Dataset) -> None:
    inferred = dataset.graph(URIRef(f"{ID}graph/inferred"))
    nv, yt = URIRef(f"{ID}org/75/so-noi-vu"), URIRef(f"{ID}org/75/so-y-te")
    assert (nv, URIRef(KH + "sharesLeadWith"), yt) in inferred
    assert (yt, URIRef(KH + "sharesLeadWith"), nv) in inferred
    assert not any(s == o for s, _, o in inferred.triples((None, URIRef(KH + "sharesLeadWith"), None)))
    assert (nv, URIRef(KH + "involvedIn"), URIRef(f"{ID}plan/75/2026-2030")) in inferred
    commune = URIRef(f"{ID}plan/31/10882/2026-2030")
    chain = set(inferred.objects(commune, URIRef(KH + "implementsTransitively")))
    assert len(chain) == 1  # the city plan 168/KH-UBND; its own text is not in the corpus


def test_failed_write_keeps_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    build([PLANS / "000_0c043c4c9b36a6c9.txt"], out, check=False)
    before = (out / "graph.trig").read_bytes()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("kg.report.write_reports", broken)
    with pytest.raises(OSError):
        build([PLANS], out, check=False)
    assert (out / "graph.trig").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(PLANS / "002_c1ec5b988e959e40.txt"), "--out", str(tmp_path / "o"), "-q"]) == 0
    assert main(["build", str(tmp_path / "missing"), "--out", str(tmp_path / "o2")]) == 2
    assert "no plan files found" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x00")
    assert main(["build", str(bad), "--out", str(tmp_path / "o3")]) == 2
    assert main(["build", "--base-iri", "not an iri", "--out", str(tmp_path / "o4")]) == 2


def test_cli_truncated_plan_fails_validation_with_file_and_line(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A plan cut in the middle of its table: built, reported with file and line, exit 1."""
    whole = (PLANS / "004_8cf9ffac5170058b.txt").read_text(encoding="utf-8")
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "cut.txt").write_text(whole[: whole.index("9.1.5\t") + 60], encoding="utf-8")
    assert main(["build", str(folder), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "cut.txt:344: warning: truncated" in err
    assert "task/9.1.5" in err and "A task has at least one kh:leadAgency" in err
    assert (tmp_path / "out" / "graph.trig").exists()


def test_cli_help_tells_exit_codes() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "build_graph.py"), "--help"], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    assert "exit codes: 0 ok; 1 the data fails SHACL validation; 2 bad input" in run.stdout


def test_base_iri(tmp_path: Path) -> None:
    build([PLANS / "002_c1ec5b988e959e40.txt"], tmp_path / "o", base_iri="https://data.moha.gov.vn/kh/",
          check=False)
    text = (tmp_path / "o" / "graph.nt").read_text(encoding="utf-8")
    assert "<https://data.moha.gov.vn/kh/plan/42/2026-2030>" in text
    assert "w3id.org/kehoach/id/" not in text
    inferred = (tmp_path / "o" / "graph.trig").read_text(encoding="utf-8")  # corpus rules mint relative IRIs
    assert "<https://data.moha.gov.vn/kh/kind-workload/so-y-te>" in inferred
    assert "w3id.org/kehoach/id/" not in inferred


def test_report_lists_counts(built: tuple[BuildResult, Path]) -> None:
    report = json.loads((built[1] / "report.json").read_text(encoding="utf-8"))
    by_file = {p["file"]: p for p in report["plans"]}
    assert by_file["004_8cf9ffac5170058b.txt"]["counts"]["tasks"] == 88
    assert by_file["002_c1ec5b988e959e40.txt"]["counts"]["tasks"] == 37
    assert all(p["unknown_agencies"] == [] for p in report["plans"])
    # 59-NQ/TW is dated 24/01/2025 by Hà Đông (the real date) and 24/02/2025 by Hà Tĩnh
    assert report["citation_conflicts"] == [{"document": "59-NQ/TW", "dates": {
        "2025-01-24": ["000_0c043c4c9b36a6c9.txt"], "2025-02-24": ["002_c1ec5b988e959e40.txt"]}}]
    assert "| 004_8cf9ffac5170058b.txt | Ủy ban nhân dân thành phố Đồng Nai |" in \
        (built[1] / "report.md").read_text(encoding="utf-8")


# --- the build at scale: validation and inference one plan at a time give the whole graph's answer ---

def test_validation_by_plan_equals_validating_the_whole_graph(built: tuple[BuildResult, Path]) -> None:
    """The build validates each plan with what it names, plus the documents as one unit: the union of
    their results must be what pySHACL says of the whole asserted graph (graph.nt) at once."""
    from kg.validate import validate

    result, out = built
    whole = validate(Graph().parse(out / "graph.nt", format="nt"))
    assert result.validation is not None
    assert result.validation.results == whole.results
    # the one finding of the sample is cross-plan: 59-NQ/TW cited with two dates by two plans
    assert [(r.severity, r.focus, r.shape.rsplit("#")[-1]) for r in whole.results] == [
        ("Warning", ID + "doc/59-nq-tw-2025", "LegalDocument-issuedOnce")]


def test_inference_by_plan_equals_inference_over_all_graphs(built: tuple[BuildResult, Path]) -> None:
    import pyoxigraph as ox

    from kg.inference import infer

    _, out = built
    built_store = ox.Store.read_only(str(out / "store"))
    inferred = ox.NamedNode(ID + "graph/inferred")
    asserted = [g for g in built_store.named_graphs()
                if g != inferred and (g.value.startswith(ID + "graph/plan/") or g.value == ID + "graph/agencies")]
    fresh = ox.Store()
    fresh.bulk_extend(q for g in asserted for q in built_store.quads_for_pattern(None, None, None, g))
    counts = infer(fresh, asserted, inferred)
    expected = {q.triple for q in fresh.quads_for_pattern(None, None, None, inferred)}
    assert {q.triple for q in built_store.quads_for_pattern(None, None, None, inferred)} == expected
    assert sum(counts.values()) == len(expected) == json.loads((out / "report.json").read_text())["triples"]["inferred"]


def test_validation_results_are_reused_for_unchanged_plans(tmp_path: Path) -> None:
    """A second build re-validates only what changed: here one plan of two, after an edit to one line."""
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("000_0c043c4c9b36a6c9.txt", "001_ba4465155a5df616.txt"):
        (plans / name).write_bytes((PLANS / name).read_bytes())
    out = tmp_path / "out"
    first = build([plans], out, jobs=1)
    assert first.validation_runs == {"validated": 3, "reused": 0}  # two plans and the documents
    again = build([plans], out, jobs=1)
    assert again.validation_runs == {"validated": 0, "reused": 3}
    assert again.validation is not None and first.validation is not None
    assert again.validation.results == first.validation.results
    edited = plans / "001_ba4465155a5df616.txt"
    text = edited.read_text(encoding="utf-8")
    assert "Sở Nội vụ" in text
    edited.write_text(text.replace("Sở Nội vụ", "Sở Tài chính", 1), encoding="utf-8")
    third = build([plans], out, jobs=1)
    assert third.validation_runs["reused"] == 2 and third.validation_runs["validated"] == 1
    (out / "validation-cache.json").write_text("{not json", encoding="utf-8")
    damaged = build([plans], out, jobs=1)  # a damaged cache costs time, never correctness
    assert damaged.validation_runs == {"validated": 3, "reused": 0}
    assert damaged.validation is not None and damaged.validation.results == third.validation.results


def test_a_commune_and_a_province_with_the_same_number_are_two_units() -> None:
    """Phường Ba Đình is commune 00004 of Hà Nội (01), Cao Bằng is province 04. The gazetteer holds codes
    as numbers: unpadded, both were khu:4, and a Ba Đình plan was shown as Cao Bằng's (found at country
    scale, where 636 agencies-per-goal rows had two unit names)."""
    from rdflib import Graph
    from rdflib.namespace import SKOS

    from kg.vocab import unit_triples

    graph = Graph()
    for triple in unit_triples({"1/4"}):
        graph.add(triple)
    unit = "https://w3id.org/kehoach/def/admin-unit/"
    labels = {str(s).removeprefix(unit): str(o) for s, o in graph.subject_objects(SKOS.prefLabel)
              if str(s).startswith(unit) and o.language == "vi"}
    assert (labels["00004"], labels["04"], labels["01"]) == ("Phường Ba Đình", "Cao Bằng", "Thành phố Hà Nội")
    assert "4" not in labels and len(labels) == len(set(graph.subjects(SKOS.prefLabel))) - 1  # the scheme
    assert graph.value(URIRef(unit + "00004"), SKOS.broader) == URIRef(unit + "01")
    assert str(graph.value(URIRef(unit + "00004"), SKOS.notation)) == "00004"
