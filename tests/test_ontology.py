"""The ontology, its SKOS schemes, the SHACL shapes and the hand-written fixtures (no network).

What is checked:

* every Turtle file parses; the ontology header; every kh: term has vi + en labels and definitions;
  every kh: term of docs/rdf-model.md (and every kh: term the other files use) is declared;
  the OWL axioms that ONTOLOGY-ANCHORS §5 rules out are absent;
* the SKOS schemes are complete, agree with ``kg.model`` and with the ``sh:in`` lists of the shapes,
  and the twelve ASCC goals carry the exact wording of plan 004;
* ``valid-plan.ttl`` conforms; each ``invalid-*.ttl`` (loaded on top of it) and each in-code mutation
  breaks exactly the one shape it is named after;
* OWL 2 RL closure (owlrl) of ontology + schemes + valid fixture has no clash, infers the joint-lead,
  involvement and part-of edges, and types no node as something it is not;
* pyLODE renders the ontology.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import owlrl
import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
CORE = ONTOLOGY_DIR / "kehoach.ttl"
ALIGNMENTS = ONTOLOGY_DIR / "alignments.ttl"
SHAPES = ONTOLOGY_DIR / "shapes.ttl"
SCHEMES = ONTOLOGY_DIR / "schemes"
FIXTURES = ROOT / "tests" / "fixtures" / "ontology"
VALID = FIXTURES / "valid-plan.ttl"
RDF_MODEL_DOC = ROOT / "docs" / "rdf-model.md"
PLAN_004 = ROOT / "data" / "plans" / "004_8cf9ffac5170058b.txt"

ONTOLOGY_IRI = URIRef("https://w3id.org/kehoach/ontology")
KH = Namespace("https://w3id.org/kehoach/ontology#")
KHSH = Namespace("https://w3id.org/kehoach/shapes#")
KHR = Namespace("https://w3id.org/kehoach/def/role/")
KHC = Namespace("https://w3id.org/kehoach/def/agency-category/")
KHG = Namespace("https://w3id.org/kehoach/def/ascc/")
KHD = Namespace("https://w3id.org/kehoach/def/doc-type/")
KHM = Namespace("https://w3id.org/kehoach/def/comparator/")
B = Namespace("https://w3id.org/kehoach/id/")
SH = Namespace("http://www.w3.org/ns/shacl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
# (XSD as a plain string: rdflib's XSD namespace object makes pytest collection warn)
XSD = "http://www.w3.org/2001/XMLSchema#"
OWLRL_ERROR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
OWLRL_ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")

PLAN = B["plan/75/2026-2030"]
TASK_1 = B["plan/75/2026-2030/task/1.1.1"]
SO_NOI_VU = B["org/75/so-noi-vu"]
SO_Y_TE = B["org/75/so-y-te"]
SO_VHTTDL = B["org/75/so-van-hoa-the-thao-va-du-lich"]
SO_GDDT = B["org/75/so-giao-duc-va-dao-tao"]

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

# kh: terms that docs/rdf-model.md does not name but the ontology needs (common range, the
# super-property of the task → actor edges, and the two inverses the property chains use).
EXTRA_TERMS = {"Actor", "involvedAgency", "involvedInTask", "leadsTask"}


def _parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph


def _kh_terms(graph: Graph) -> set[URIRef]:
    return {
        s
        for t in TERM_TYPES
        for s in graph.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(KH))
    }


def _scheme_files() -> list[Path]:
    return sorted(SCHEMES.glob("*.ttl"))


# ---------------------------------------------------------------------------------------------
#  Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def core() -> Graph:
    return _parse(CORE)


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return _parse(SHAPES)


@pytest.fixture(scope="session")
def schemes() -> Graph:
    return _parse(*_scheme_files())


@pytest.fixture(scope="session")
def closure() -> Graph:
    """OWL 2 RL closure of ontology + schemes + valid fixture, computed in place on one graph.

    (``expand(g, destination=other)`` would only read the source graph and miss chains over
    inferred triples: ONTOLOGY-ANCHORS §5.)
    """
    graph = _parse(CORE, *_scheme_files(), VALID)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False).expand(graph)
    return graph


def _owlrl_errors(graph: Graph) -> list[str]:
    return [str(graph.value(m, OWLRL_ERROR_TEXT)) for m in graph.subjects(RDF.type, OWLRL_ERROR)]


# ---------------------------------------------------------------------------------------------
#  1. Files parse; ontology header
# ---------------------------------------------------------------------------------------------

ALL_TURTLE = sorted(ONTOLOGY_DIR.rglob("*.ttl")) + sorted(FIXTURES.glob("*.ttl"))


@pytest.mark.parametrize("path", ALL_TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_file_parses(path: Path) -> None:
    graph = Graph().parse(path)
    assert len(graph) > 0


def test_ontology_dir_holds_the_expected_files() -> None:
    names = {str(p.relative_to(ONTOLOGY_DIR)) for p in ONTOLOGY_DIR.rglob("*.ttl")}
    assert {
        "kehoach.ttl",
        "alignments.ttl",
        "shapes.ttl",
        "schemes/roles.ttl",
        "schemes/agency-categories.ttl",
        "schemes/comparators.ttl",
        "schemes/doc-types.ttl",
        "schemes/ascc-goals.ttl",
    } <= names


def test_ontology_header(core: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in core
    assert core.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef("https://w3id.org/kehoach/ontology/0.1.0")
    assert core.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert core.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://w3id.org/kehoach/def/licence/vn-open-data")
    assert core.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("kh")
    assert core.value(ONTOLOGY_IRI, DCTERMS.created).datatype == URIRef(XSD + "date")
    for prop in (DCTERMS.title, DCTERMS.description):
        languages = {o.language for o in core.objects(ONTOLOGY_IRI, prop)}
        assert languages == {"vi", "en"}, prop


def test_every_term_has_vi_and_en_labels_and_definitions(core: Graph) -> None:
    terms = _kh_terms(core)
    assert len(terms) > 80
    missing = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            languages = [o.language for o in core.objects(term, prop) if isinstance(o, Literal)]
            for language in ("vi", "en"):
                if languages.count(language) != 1:
                    missing.append(f"{term.removeprefix(str(KH))}: {language} {prop.n3(core.namespace_manager)}")
        if core.value(term, RDFS.isDefinedBy) != ONTOLOGY_IRI:
            missing.append(f"{term.removeprefix(str(KH))}: rdfs:isDefinedBy")
    assert not missing, "terms without exactly one label/definition per language:\n" + "\n".join(missing)


def test_terms_of_the_rdf_model_are_declared(core: Graph) -> None:
    named = set(re.findall(r"\bkh:([A-Za-z][A-Za-z0-9]*)", RDF_MODEL_DOC.read_text(encoding="utf-8")))
    assert {"Plan", "leadAgency", "sharesLeadWith", "sha256"} <= named  # the regex reads the doc
    declared = {t.removeprefix(str(KH)) for t in _kh_terms(core)}
    assert not (named | EXTRA_TERMS) - declared, "not declared in kehoach.ttl"
    assert not declared - named - EXTRA_TERMS, "declared but neither in docs/rdf-model.md nor EXTRA_TERMS"


@pytest.mark.parametrize(
    "path",
    [ALIGNMENTS, SHAPES, *_scheme_files(), *sorted(FIXTURES.glob("*.ttl"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_kh_term_used_is_declared(core: Graph, path: Path) -> None:
    declared = _kh_terms(core)
    used = {
        node
        for triple in Graph().parse(path)
        for node in triple
        if isinstance(node, URIRef) and node.startswith(str(KH))
    }
    assert not used - declared, f"{path.name} uses undeclared terms"


def test_each_term_has_one_kind(core: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    for term in _kh_terms(core):
        assert sum((term, RDF.type, kind) in core for kind in kinds) == 1, term


def test_datatype_and_object_property_ranges(core: Graph) -> None:
    for prop in core.subjects(RDF.type, OWL.DatatypeProperty):
        for rng in core.objects(prop, RDFS.range):
            assert rng.startswith(XSD) or rng == RDF.langString, (prop, rng)
    for prop in core.subjects(RDF.type, OWL.ObjectProperty):
        for rng in core.objects(prop, RDFS.range):
            assert not rng.startswith(XSD) and rng != RDF.langString, (prop, rng)


def test_no_axiom_that_anchors_rule_out(core: Graph) -> None:
    # ONTOLOGY-ANCHORS §5: one extraction error must not equate agencies; no property
    # disjointness on chain-defined properties; sharesLeadWith derives self-loops.
    for kind in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty,
                 OWL.AsymmetricProperty):
        assert not list(core.subjects(RDF.type, kind)), kind
    assert not list(core.triples((None, OWL.propertyDisjointWith, None)))
    assert not list(core.subjects(RDF.type, OWL.AllDisjointProperties))


def test_property_characteristics_and_hierarchy(core: Graph) -> None:
    assert (KH.sharesLeadWith, RDF.type, OWL.SymmetricProperty) in core
    assert (KH.isPartOf, RDF.type, OWL.TransitiveProperty) in core
    assert (KH.implementsTransitively, RDF.type, OWL.TransitiveProperty) in core
    assert (KH.implements, RDFS.subPropertyOf, KH.implementsTransitively) in core
    assert (KH.leadsTask, OWL.inverseOf, KH.leadAgency) in core or (KH.leadAgency, OWL.inverseOf, KH.leadsTask) in core
    assert (KH.requestedAgency, RDFS.subPropertyOf, KH.leadAgency) in core
    for prop in (KH.leadAgency, KH.coLeadAgency, KH.guidingBody):
        assert (prop, RDFS.subPropertyOf, KH.involvedAgency) in core, prop
    for prop in (KH.objective, KH.goal, KH.inPlan):
        assert (prop, RDFS.subPropertyOf, KH.isPartOf) in core, prop
    # focal point / standing body start at the PLAN: below involvedAgency (domain Task) they would
    # type the plan a task.
    for prop in (KH.focalPoint, KH.standingBody):
        assert (prop, RDFS.subPropertyOf, KH.involvedAgency) not in core
    assert (KH.Duty, RDFS.subClassOf, KH.Task) in core
    assert (KH.Agency, RDFS.subClassOf, ORG.Organization) in core
    for cls in (KH.Agency, KH.AgencyGroup):
        assert (cls, RDFS.subClassOf, KH.Actor) in core


def _chain(graph: Graph, prop: URIRef) -> list[URIRef]:
    head = graph.value(prop, OWL.propertyChainAxiom)
    return list(Collection(graph, head)) if head is not None else []


def test_property_chains(core: Graph) -> None:
    assert _chain(core, KH.involvedIn) == [KH.involvedInTask, KH.isPartOf]
    assert _chain(core, KH.sharesLeadWith) == [KH.leadsTask, KH.leadAgency]
    assert _chain(core, KH.supportedBy) == [KH.leadsTask, KH.coLeadAgency]


def test_in_plan_has_no_domain(core: Graph) -> None:
    # kh:inPlan is used on goals, objectives, tasks, targets, requirements …: any domain mistypes.
    assert core.value(KH.inPlan, RDFS.domain) is None
    assert core.value(KH.involvedIn, RDFS.range) is None


def test_alignment_axioms_each_have_a_reason() -> None:
    align = _parse(ALIGNMENTS)
    mapped = {s for s, p, _ in align if p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.seeAlso)
              and isinstance(s, URIRef) and s.startswith(str(KH))}
    assert {KH.Assignment, KH.assignedAgency, KH.role, KH.Plan, KH.Task, KH.inPlan, KH.Agency,
            KH.LegalDocument, KH.implements, KH.cites, KH.issuedBy, KH.agencyKind, KH.adminUnit,
            KH.evidence, KH.Target, KH.periodStart} <= mapped
    for term in mapped:
        comments = [str(c) for c in align.objects(term, RDFS.comment)]
        assert len(comments) == 1 and comments[0].startswith("Alignment"), term
    # none of these mappings may leak into the core
    core_graph = _parse(CORE)
    for s, p, o in align:
        if p in (RDFS.subClassOf, RDFS.subPropertyOf):
            assert (s, p, o) not in core_graph


# ---------------------------------------------------------------------------------------------
#  2. SKOS schemes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _scheme_files(), ids=lambda p: p.name)
def test_scheme_is_complete(path: Path) -> None:
    graph = Graph().parse(path)
    [scheme] = list(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert {t.language for t in graph.objects(scheme, DCTERMS.title)} == {"vi", "en"}
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert concepts, "no concepts"
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == concepts
    for concept in concepts:
        assert concept.startswith(str(scheme) + "/"), concept
        assert (concept, SKOS.inScheme, scheme) in graph, concept
        assert (concept, SKOS.topConceptOf, scheme) in graph, concept
        pref = [o.language for o in graph.objects(concept, SKOS.prefLabel)]
        assert sorted(pref) == ["en", "vi"], concept
        assert "vi" in {o.language for o in graph.objects(concept, SKOS.definition)}, concept


def _concepts(graph: Graph, namespace: Namespace) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, SKOS.Concept) if c.startswith(str(namespace))}


def test_role_concepts(schemes: Graph) -> None:
    roles = _concepts(schemes, KHR)
    assert {r.removeprefix(str(KHR)) for r in roles} == {
        "chu-tri", "phoi-hop", "huong-dan", "de-nghi", "dau-moi", "thuong-truc", "tham-muu"}
    for role in roles:
        assert (role, RDF.type, PROV.Role) in schemes and (role, RDF.type, ORG.Role) in schemes, role
        assert str(schemes.value(role, SKOS.notation)) == role.removeprefix(str(KHR))
        note = " ".join(str(n) for n in schemes.objects(role, SKOS.note))
        assert "RACI" in note and "IATI" in note, role


def test_doc_type_notations(schemes: Graph) -> None:
    notation = {c.removeprefix(str(KHD)): str(schemes.value(c, SKOS.notation)) for c in _concepts(schemes, KHD)}
    assert notation == {
        "quyet-dinh": "QĐ", "nghi-quyet": "NQ", "ket-luan": "KL", "ke-hoach": "KH", "to-trinh": "TTr",
        "cong-van": "CV", "chi-thi": "CT", "thong-tu": "TT", "nghi-dinh": "NĐ", "luat": "L",
        "chuong-trinh": "CTr", "other": "None"}


def test_comparators(schemes: Graph) -> None:
    labels = {
        c.removeprefix(str(KHM)): {
            str(o)
            for o in itertools.chain(schemes.objects(c, SKOS.prefLabel), schemes.objects(c, SKOS.altLabel))
            if o.language == "vi"
        }
        for c in _concepts(schemes, KHM)
    }
    assert labels == {"gt": {"trên", "hơn"}, "ge": {"ít nhất", "tối thiểu", "từ … trở lên"},
                      "eq": {"đạt", "bằng"}, "le": {"tối đa", "không quá"}, "lt": {"dưới"}}


def test_schemes_agree_with_kg_model(schemes: Graph) -> None:
    from kg.model import Category, Role

    assert {r.value for r in Role} == {c.removeprefix(str(KHR)) for c in _concepts(schemes, KHR)}
    assert {c.value for c in Category} == {c.removeprefix(str(KHC)) for c in _concepts(schemes, KHC)}


@pytest.mark.parametrize(
    ("shape", "namespace"),
    [(KHSH["Assignment-role"], KHR), (KHSH["Actor-category"], KHC),
     (KHSH["Target-comparator"], KHM), (KHSH["LegalDocument-docType"], KHD)],
    ids=lambda v: str(v).rsplit("#", 1)[-1].rsplit("/", 2)[-2] if "#" not in str(v) else str(v).rsplit("#", 1)[-1],
)
def test_shape_value_lists_match_schemes(shapes: Graph, schemes: Graph, shape: URIRef, namespace: Namespace) -> None:
    allowed = set(Collection(shapes, shapes.value(shape, SH["in"])))
    assert allowed == _concepts(schemes, namespace)


def _plan_004_goals() -> dict[int, tuple[str, str]]:
    """Goal n → (title without final period, "* Mục tiêu cụ thể" sentences joined by a space)."""
    lines = PLAN_004.read_text(encoding="utf-8").split("\n")
    start = lines.index("III. NỘI DUNG THỰC HIỆN")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("IV."))
    goals: dict[int, list] = {}
    current = None
    in_objective = False
    for line in lines[start:end]:
        heading = re.match(r"^\d+\. Mục tiêu chiến lược (\d+): (.*)$", line)
        if heading:
            current = int(heading.group(1))
            goals[current] = [heading.group(2).rstrip("."), []]
            in_objective = False
        elif current and line.startswith("* Mục tiêu cụ thể:"):
            in_objective = True
            if rest := line.removeprefix("* Mục tiêu cụ thể:").strip():
                goals[current][1].append(rest)
        elif current and in_objective and line.startswith("- "):
            goals[current][1].append(line[2:].strip())
    return {n: (title, " ".join(parts)) for n, (title, parts) in goals.items()}


def test_ascc_goals_carry_the_wording_of_plan_004(schemes: Graph) -> None:
    expected = _plan_004_goals()
    assert sorted(expected) == list(range(1, 13))
    assert len(_concepts(schemes, KHG)) == 12
    for n, (title, objective) in expected.items():
        concept = KHG[str(n)]
        assert schemes.value(concept, SKOS.notation) == Literal(str(n))
        assert Literal(title, lang="vi") in set(schemes.objects(concept, SKOS.prefLabel)), n
        assert Literal(objective, lang="vi") in set(schemes.objects(concept, SKOS.definition)), n
        assert not title.endswith("."), n


# ---------------------------------------------------------------------------------------------
#  3. SHACL
# ---------------------------------------------------------------------------------------------


def _validate(data: Graph, shapes: Graph, **options) -> tuple[bool, Graph, str]:
    return validate(data, shacl_graph=shapes, inference="none", advanced=True, **options)


def _results(report: Graph) -> dict[URIRef, set[URIRef]]:
    """Source shape → severities of its results."""
    found: dict[URIRef, set[URIRef]] = {}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        found.setdefault(report.value(result, SH.sourceShape), set()).add(report.value(result, SH.resultSeverity))
    return found


def test_every_shape_explains_itself(shapes: Graph) -> None:
    """Each named shape has sh:name, rdfs:comment and a message (on itself or its SPARQL constraint)."""
    named = {s for s in shapes.subjects() if isinstance(s, URIRef) and s.startswith(str(KHSH))}
    assert len(named) > 100
    # predicates that are not constraints: a node shape with only these is a mere group of
    # property shapes, whose messages are on the property shapes
    not_constraints = {RDF.type, RDFS.comment, SH.name, SH.severity, SH.property, SH.targetClass,
                       SH.target, SH.targetSubjectsOf, SH.targetObjectsOf}
    for shape in named:
        assert shapes.value(shape, SH.name) is not None, shape
        assert shapes.value(shape, RDFS.comment) is not None, shape
        if set(shapes.predicates(shape)) <= not_constraints:
            continue
        messages = list(shapes.objects(shape, SH.message)) + [
            m for c in shapes.objects(shape, SH.sparql) for m in shapes.objects(c, SH.message)]
        assert messages, shape


def test_valid_fixture_conforms(shapes: Graph) -> None:
    conforms, _, text = _validate(_parse(VALID), shapes)
    assert conforms, text


# Each invalid fixture is loaded ON TOP of valid-plan.ttl and must break exactly one shape.
INVALID = {
    "invalid-task-without-lead.ttl": KHSH["Task-leadAgency"],
    "invalid-lead-is-colead.ttl": KHSH.LeadCoLeadDisjoint,
    "invalid-preflabel-without-vi.ttl": KHSH["Actor-prefLabel"],
    "invalid-assignment-two-agencies.ttl": KHSH["Assignment-assignedAgency"],
    "invalid-lead-without-assignment.ttl": KHSH.LeadEdgeHasAssignmentShape,
    "invalid-assignment-without-edge.ttl": KHSH.AssignmentEdgeShape,
    "invalid-target-string-value.ttl": KHSH["Target-value"],
    "invalid-first-after-last.ttl": KHSH.LineOrderShape,
    "invalid-rfc5147-mismatch.ttl": KHSH.LineFragmentShape,
    "invalid-duty-with-goal.ttl": KHSH["Duty-noGoal"],
    "invalid-blank-node.ttl": KHSH.LegalDocumentShape,
}


def test_every_invalid_fixture_is_listed() -> None:
    assert {p.name for p in FIXTURES.glob("invalid-*.ttl")} == set(INVALID)


@pytest.mark.parametrize(("name", "shape"), sorted(INVALID.items()), ids=sorted(INVALID))
def test_invalid_fixture_breaks_exactly_its_rule(shapes: Graph, name: str, shape: URIRef) -> None:
    conforms, report, text = _validate(_parse(VALID, FIXTURES / name), shapes)
    assert not conforms
    assert _results(report) == {shape: {SH.Violation}}, text


PREFIXES = """
@base <https://w3id.org/kehoach/id/> .
@prefix kh: <https://w3id.org/kehoach/ontology#> .
@prefix khr: <https://w3id.org/kehoach/def/role/> .
@prefix khg: <https://w3id.org/kehoach/def/ascc/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
"""

SRC = "<source/2e2ee63cebea4a2319271279f179c21a139d6ec465c3fb9cb191f75830f1f26b>"


def _evidence(node: str, first: int, last: int) -> str:
    """Turtle for the evidence of <node> (relative IRI) on lines first..last."""
    return f"""
    <{node}> kh:evidence <{node}/evidence> .
    <{node}/evidence> a oa:SpecificResource ; oa:hasSource {SRC} ; oa:hasSelector <{node}/evidence/lines> .
    <{node}/evidence/lines> a oa:FragmentSelector ; dcterms:conformsTo <http://tools.ietf.org/rfc/rfc5147> ;
        rdf:value "line={first - 1},{last}" ; kh:firstLine {first} ; kh:lastLine {last} ."""


P = "plan/75/2026-2030"

# (id, Turtle to remove from the valid graph, Turtle to add, expected shape or None, severity)
MUTATIONS = [
    ("assignment-listed-on-another-task", "",
     f"<{P}/task/1.1.2> kh:assignment <{P}/task/1.1.1/assignment/chu-tri/org-so-noi-vu> .",
     KHSH["Assignment-taskInverse"], SH.Violation),
    ("evidence-of-another-node", "",
     f"<{P}/goal/1> kh:evidence <{P}/objective/1.1/evidence> .",
     KHSH.EvidenceIRIShape, SH.Violation),
    ("goal-points-to-another-national-goal",
     f"<{P}/goal/1> kh:correspondsTo khg:1 .", f"<{P}/goal/1> kh:correspondsTo khg:2 .",
     KHSH.GoalCorrespondenceShape, SH.Violation),
    ("task-objective-under-another-goal",
     f"<{P}/task/1.1.2> kh:goal <{P}/goal/1> .",
     f"""<{P}/task/1.1.2> kh:goal <{P}/goal/2> .
     <{P}/goal/2> a kh:StrategicGoal ; kh:code "2" ; kh:inPlan <{P}> ; kh:correspondsTo khg:2 ;
         dcterms:title "Đảm bảo phát huy đầy đủ tiềm năng và cải thiện chất lượng cuộc sống cho người dân"@vi .
     """ + _evidence(f"{P}/goal/2", 247, 247),
     KHSH.SamePlanShape, SH.Violation),
    ("source-iri-is-not-its-hash",
     f'{SRC} kh:sha256 "2e2ee63cebea4a2319271279f179c21a139d6ec465c3fb9cb191f75830f1f26b" .',
     f'{SRC} kh:sha256 "0000000000000000000000000000000000000000000000000000000000000000" .',
     KHSH.SourceDocumentShape, SH.Violation),
    ("period-reversed",
     f'<{P}> kh:periodStart "2026"^^xsd:gYear .', f'<{P}> kh:periodStart "2031"^^xsd:gYear .',
     KHSH.PlanPeriodShape, SH.Violation),
    ("reporting-with-two-deadlines", "",
     f'<{P}/reporting/1> kh:dueDate "2026-11-15"^^xsd:date .',
     KHSH.ReportingRequirementShape, SH.Violation),
    ("label-differs-from-preflabel",
     '<org/75/so-y-te> rdfs:label "Sở Y tế"@vi .', '<org/75/so-y-te> rdfs:label "Sở Y Tế"@vi .',
     KHSH["Actor-label"], SH.Violation),
    ("standing-body-missing-on-plan",
     f"<{P}> kh:standingBody <org/75/so-noi-vu> .", "",
     KHSH.AssignmentPlanEdgeShape, SH.Violation),
    ("evidence-beyond-end-of-file",
     f"{SRC} kh:lineCount 388 .", f"{SRC} kh:lineCount 200 .",
     KHSH.LineWithinSourceShape, SH.Violation),
    ("co-lead-edge-without-assignment", "",
     f"<{P}/task/1.1.1> kh:coLeadAgency <org/75/so-ngoai-vu> .",
     KHSH.CoLeadEdgeHasAssignmentShape, SH.Violation),
    ("guiding-edge-without-assignment", "",
     f"<{P}/task/1.1.1> kh:guidingBody <org/75/so-ngoai-vu> .",
     KHSH.GuidingEdgeHasAssignmentShape, SH.Violation),
    ("requested-edge-without-de-nghi-assignment", "",
     f"<{P}/duty/VII.3.a> kh:requestedAgency <org/75/so-noi-vu> .",
     KHSH.RequestedEdgeHasAssignmentShape, SH.Violation),
    ("assignment-iri-names-another-role", "",
     f"""<{P}/task/1.1.1> kh:assignment <{P}/task/1.1.1/assignment/phoi-hop/org-so-y-te> .
     <{P}/task/1.1.1/assignment/phoi-hop/org-so-y-te> a kh:Assignment ; kh:task <{P}/task/1.1.1> ;
         kh:assignedAgency <org/75/so-y-te> ; kh:role khr:chu-tri .""" + _evidence(
        f"{P}/task/1.1.1/assignment/phoi-hop/org-so-y-te", 227, 227),
     KHSH.AssignmentIRIShape, SH.Violation),
    ("plan-without-title",
     f'<{P}> dcterms:title "Thực hiện Chương trình hành động thực hiện Kế hoạch chiến lược Cộng đồng Văn hóa - Xã hội ASEAN tại Việt Nam giai đoạn 2026 - 2030 trên địa bàn thành phố Đồng Nai"@vi .',
     "", KHSH["Plan-title"], SH.Violation),
    ("cooperation-self-loop", "",
     f"""<cooperation/75/2026-2030/joint-lead/so-noi-vu/so-noi-vu> a kh:Cooperation ;
         kh:agentA <org/75/so-noi-vu> ; kh:agentB <org/75/so-noi-vu> ; kh:cooperationType "joint-lead" ;
         kh:taskCount 1 ; kh:inPlan <{P}> .""",
     KHSH["Cooperation-agentA"], SH.Violation),
    ("frequency-not-a-known-word",
     f'<{P}/reporting/1> kh:frequency "hằng năm" .', f'<{P}/reporting/1> kh:frequency "hàng tháng" .',
     KHSH["ReportingRequirement-frequency"], SH.Violation),
    ("level-special-zone",  # the 13 special zones (đặc khu) of the 2025 reform are commune-level units
     f'<{P}> kh:level "thành phố" .', f'<{P}> kh:level "đặc khu" .', None, None),
    ("level-in-english",
     f'<{P}> kh:level "thành phố" .', f'<{P}> kh:level "city"@en .',
     KHSH["Plan-level"], SH.Violation),
    # soft checks
    ("agency-not-in-gazetteer",
     "<org/75/so-ngoai-vu> kh:inGazetteer true .", "<org/75/so-ngoai-vu> kh:inGazetteer false .",
     KHSH["Actor-knownToGazetteer"], SH.Warning),
    ("two-agencies-share-a-name",
     '<org/75/so-ngoai-vu> skos:prefLabel "Sở Ngoại vụ"@vi ; rdfs:label "Sở Ngoại vụ"@vi .',
     '<org/75/so-ngoai-vu> skos:prefLabel "Sở Nội vụ"@vi ; rdfs:label "Sở Nội vụ"@vi .',
     KHSH.UniqueAgencyNameShape, SH.Warning),
    ("conflicting-citation-dates", "",
     '<doc/155-qd-ttg-2026> dcterms:issued "2026-01-21"^^xsd:date .',
     KHSH["LegalDocument-issuedOnce"], SH.Warning),
    # changes that are valid: the positive paths of the rules, and the literal forms
    # docs/rdf-model.md leaves open (plain or @vi)
    ("valid-frequency-and-level-tagged-vi",
     f'<{P}/reporting/1> kh:frequency "hằng năm" . <{P}> kh:level "thành phố" ; kh:signer "Nguyễn Thị Hoàng"@vi .',
     f'<{P}/reporting/1> kh:frequency "hằng năm"@vi . <{P}> kh:level "thành phố"@vi ; kh:signer "Nguyễn Thị Hoàng" .',
     None, None),
    ("valid-cooperation", "",
     f"""<cooperation/75/2026-2030/joint-lead/so-noi-vu/so-y-te> a kh:Cooperation ;
         kh:agentA <org/75/so-noi-vu> ; kh:agentB <org/75/so-y-te> ; kh:cooperationType "joint-lead" ;
         kh:taskCount 1 ; kh:inPlan <{P}> .""",
     None, None),
    ("valid-focal-point-with-dau-moi-assignment", "",
     f"""<{P}> kh:focalPoint <org/75/so-noi-vu> .
     <{P}/duty/VII.3.a> kh:assignment <{P}/duty/VII.3.a/assignment/dau-moi/org-so-noi-vu> .
     <{P}/duty/VII.3.a/assignment/dau-moi/org-so-noi-vu> a kh:Assignment ; kh:task <{P}/duty/VII.3.a> ;
         kh:assignedAgency <org/75/so-noi-vu> ; kh:role khr:dau-moi .""" + _evidence(
        f"{P}/duty/VII.3.a/assignment/dau-moi/org-so-noi-vu", 183, 183),
     None, None),
    ("valid-de-nghi-with-both-edges", "",
     f"""<{P}/duty/VII.3.a> kh:requestedAgency <org/75/lien-hiep-cac-to-chuc-huu-nghi> ;
         kh:leadAgency <org/75/lien-hiep-cac-to-chuc-huu-nghi> ;
         kh:assignment <{P}/duty/VII.3.a/assignment/de-nghi/org-lien-hiep-cac-to-chuc-huu-nghi> .
     <{P}/duty/VII.3.a/assignment/de-nghi/org-lien-hiep-cac-to-chuc-huu-nghi> a kh:Assignment ;
         kh:task <{P}/duty/VII.3.a> ; kh:assignedAgency <org/75/lien-hiep-cac-to-chuc-huu-nghi> ;
         kh:role khr:de-nghi .""" + _evidence(
        f"{P}/duty/VII.3.a/assignment/de-nghi/org-lien-hiep-cac-to-chuc-huu-nghi", 183, 183),
     None, None),
]


def _mutated(remove: str, add: str) -> Graph:
    graph = _parse(VALID)
    if remove:
        doomed = Graph().parse(data=PREFIXES + remove, format="turtle")
        for triple in doomed:
            assert triple in graph, f"mutation removes a triple the fixture lacks: {triple}"
            graph.remove(triple)
    if add:
        graph.parse(data=PREFIXES + add, format="turtle")
    return graph


@pytest.mark.parametrize(("name", "remove", "add", "shape", "severity"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_mutation_breaks_exactly_its_rule(shapes: Graph, name: str, remove: str, add: str,
                                          shape: URIRef | None, severity: URIRef | None) -> None:
    conforms, report, text = _validate(_mutated(remove, add), shapes)
    if shape is None:
        assert conforms, text
    else:
        assert _results(report) == {shape: {severity}}, text


def test_warnings_alone_pass_with_allow_warnings(shapes: Graph) -> None:
    data = _mutated("<org/75/so-ngoai-vu> kh:inGazetteer true .", "<org/75/so-ngoai-vu> kh:inGazetteer false .")
    assert not _validate(data, shapes)[0]
    assert _validate(data, shapes, allow_warnings=True)[0]


# ---------------------------------------------------------------------------------------------
#  4. OWL 2 RL (owlrl)
# ---------------------------------------------------------------------------------------------


def test_owlrl_finds_no_clash(closure: Graph) -> None:
    assert _owlrl_errors(closure) == []


def test_owlrl_infers_joint_leads(closure: Graph) -> None:
    assert (SO_NOI_VU, KH.sharesLeadWith, SO_Y_TE) in closure
    assert (SO_Y_TE, KH.sharesLeadWith, SO_NOI_VU) in closure
    # leads of different tasks, and a lead with a co-lead, do not share a lead
    assert (SO_NOI_VU, KH.sharesLeadWith, SO_GDDT) not in closure
    assert (SO_NOI_VU, KH.sharesLeadWith, SO_VHTTDL) not in closure
    assert (SO_NOI_VU, KH.supportedBy, SO_VHTTDL) in closure


def test_owlrl_infers_involvement_and_part_of(closure: Graph) -> None:
    assert (SO_NOI_VU, KH.involvedIn, PLAN) in closure
    assert (SO_VHTTDL, KH.involvedIn, PLAN) in closure  # through a co-lead edge
    assert (B["group/75/cac-so-ban-nganh"], KH.involvedIn, PLAN) in closure  # through a duty
    assert (TASK_1, KH.isPartOf, PLAN) in closure
    assert (TASK_1, KH.isPartOf, B["plan/75/2026-2030/goal/1"]) in closure
    assert (B["plan/75/2026-2030/duty/VII.3.a"], KH.isPartOf, PLAN) in closure
    assert (SO_NOI_VU, KH.leadsTask, TASK_1) in closure


def test_owlrl_types_no_node_as_something_else(closure: Graph) -> None:
    """Domains and ranges only ever add a node's own superclasses (no Target typed Task …)."""
    asserted = _parse(VALID)
    core_graph = _parse(CORE)

    def ancestors(cls: URIRef) -> set[URIRef]:
        found = {cls}
        for parent in core_graph.objects(cls, RDFS.subClassOf):
            found |= ancestors(parent)
        return found

    wrong = []
    for node in set(asserted.subjects()) | {o for o in asserted.objects() if isinstance(o, URIRef)}:
        own = {c for c in asserted.objects(node, RDF.type)}
        allowed = set().union(*(ancestors(c) for c in own)) if own else set()
        inferred = {c for c in closure.objects(node, RDF.type) if c.startswith(str(KH))}
        if inferred - allowed:
            wrong.append((node, inferred - allowed))
    assert not wrong


def test_owlrl_reports_a_clash_for_a_backwards_cell() -> None:
    """Negative control: an agency that also ends up typed a task (a cell parsed backwards) clashes."""
    graph = _parse(CORE, VALID)
    graph.add((B["plan/75/2026-2030/task/1.1.2"], KH.leadAgency, TASK_1))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False).expand(graph)
    assert any("disjoint" in e.lower() for e in _owlrl_errors(graph))


def test_owlrl_with_alignments_finds_no_clash() -> None:
    graph = _parse(CORE, ALIGNMENTS, *_scheme_files(), VALID)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, improved_datatypes=False).expand(graph)
    assert _owlrl_errors(graph) == []


# ---------------------------------------------------------------------------------------------
#  5. pyLODE
# ---------------------------------------------------------------------------------------------


def test_pylode_renders_the_ontology() -> None:
    import pylode

    html = pylode.OntPub(ontology=CORE).make_html()
    assert "leadAgency" in html
    assert "cơ quan chủ trì" in html and "lead agency" in html
    for term in ("Plan", "Assignment", "sharesLeadWith", "involvedIn"):
        assert term in html, term
