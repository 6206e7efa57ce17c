"""The intermediate model as RDF: one list of triples per plan, and one description per agency.

Only this module (with ``kg.iris`` and ``kg.vocab``) knows the RDF model of docs/rdf-model.md.
Every literal taken from a document becomes an inert literal: a name containing "<script>", a quote
or Turtle syntax is text, never markup or code.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import XSD, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from kg.iris import CATEGORY, COMPARATOR, DOCTYPE, GOAL, KH, KIND, OA, RFC5147, ROLE, Iris, unit_iri
from kg.model import AgencyRef, Assignment, Issuer, Plan, Role, Span, Task
from kg.slug import modern_tones

Triple = tuple[URIRef, URIRef, URIRef | Literal]

# Role → the direct edges an assignment implies (docs/rdf-model.md, kh:Assignment).
DIRECT = {
    Role.LEAD: (KH.leadAgency,),
    Role.CO_LEAD: (KH.coLeadAgency,),
    Role.GUIDING: (KH.guidingBody,),
    Role.REQUESTED: (KH.requestedAgency, KH.leadAgency),
    Role.FOCAL_POINT: (KH.leadAgency,),
    Role.STANDING: (KH.leadAgency,),
    Role.ADVISOR: (KH.leadAgency,),
}


def vi(text: str) -> Literal:
    return Literal(" ".join(text.split()), lang="vi")


def plain(text: str) -> Literal:
    return Literal(text)


def integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def year(value: int) -> Literal:
    return Literal(f"{value:04d}", datatype=XSD.gYear)


@dataclass
class AgencyEntry:
    """Everything the plans say about one agency, gathered before its description is written."""

    iri: URIRef
    agency: AgencyRef
    unit: str
    names: Counter[str] = field(default_factory=Counter)
    mentions: set[str] = field(default_factory=set)
    official: str | None = None  # the issuer's full name, when this agency issues a plan


class AgencyBook:
    """Collects agencies across all plans of a build; writes one description per agency."""

    def __init__(self) -> None:
        self.entries: dict[URIRef, AgencyEntry] = {}

    def add(self, iri: URIRef, agency: AgencyRef, unit: str) -> None:
        entry = self.entries.get(iri)
        if entry is None:
            entry = self.entries[iri] = AgencyEntry(iri, agency, unit)
        if agency.name:
            entry.names[modern_tones(agency.name)] += 1
        if agency.mention:
            entry.mentions.add(" ".join(agency.mention.split()))

    def add_issuer(self, iri: URIRef, issuer: Issuer) -> None:
        from kg.model import Category

        ref = AgencyRef(ident="ubnd", scope="own", category=Category.PEOPLE_COMMITTEE, kind="ubnd",
                        name=issuer.name, mention=issuer.name)
        self.add(iri, ref, issuer.unit_key)
        self.entries[iri].official = issuer.name

    def triples(self) -> list[Triple]:
        out: list[Triple] = []
        for iri in sorted(self.entries):
            entry = self.entries[iri]
            agency = entry.agency
            label = entry.official or sorted(entry.names.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] \
                if (entry.official or entry.names) else agency.ident
            out.append((iri, RDF.type, KH.AgencyGroup if agency.is_group else KH.Agency))
            out.append((iri, SKOS.prefLabel, vi(label)))
            out.append((iri, RDFS.label, vi(label)))
            for name in sorted((set(entry.names) | entry.mentions) - {label}):
                out.append((iri, SKOS.altLabel, vi(name)))
            if agency.kind:
                out.append((iri, KH.agencyKind, KIND[agency.kind]))
            out.append((iri, KH.category, CATEGORY[agency.category.value]))
            if entry.unit != "vn" and not entry.unit.startswith("x-"):
                out.append((iri, KH.adminUnit, unit_iri(entry.unit.split("/")[-1], commune="/" in entry.unit)))
            out.append((iri, KH.inGazetteer, Literal(agency.known)))
        return out


class PlanWriter:
    """Writes the triples of one plan's named graph."""

    def __init__(self, plan: Plan, tail: str, iris: Iris, book: AgencyBook) -> None:
        self.plan = plan
        self.iris = iris
        self.book = book
        self.tail = tail
        self.node = iris.plan(tail)
        self.source = iris.source(plan.sha256)
        self.out: list[Triple] = []

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.out.append((s, p, o))

    def agency(self, agency: AgencyRef) -> URIRef:
        iri = self.iris.agency(agency, self.plan.issuer)
        self.book.add(iri, agency, self.iris.agency_unit(agency, self.plan.issuer))
        return iri

    def child(self, kind: str, key: str, cls: URIRef, link: URIRef | None = None) -> URIRef:
        """A part of the plan: ``{plan}/{kind}/{key}``, typed, ``kh:inPlan`` the plan, linked from it."""
        iri = self.iris.part(self.node, kind, key)
        if link is not None:
            self.add(self.node, link, iri)
        self.add(iri, RDF.type, cls)
        self.add(iri, KH.inPlan, self.node)
        return iri

    def evidence(self, node: URIRef, span: Span) -> None:
        evidence = self.iris.evidence(node)
        selector = URIRef(f"{evidence}/lines")
        self.add(node, KH.evidence, evidence)
        self.add(evidence, RDF.type, OA.SpecificResource)
        self.add(evidence, OA.hasSource, self.source)
        self.add(evidence, OA.hasSelector, selector)
        self.add(selector, RDF.type, OA.FragmentSelector)
        self.add(selector, DCTERMS.conformsTo, RFC5147)
        self.add(selector, RDF.value, plain(span.rfc5147()))
        self.add(selector, KH.firstLine, integer(span.first))
        self.add(selector, KH.lastLine, integer(span.last))

    # -- the plan -----------------------------------------------------------------------------

    def write(self) -> list[Triple]:
        plan, node = self.plan, self.node
        self.add(node, RDF.type, KH.Plan)
        self.add(node, DCTERMS.title, vi(plan.title or plan.file))
        issuer = self.iris.issuer(plan.issuer)
        self.book.add_issuer(issuer, plan.issuer)
        self.add(node, KH.issuedBy, issuer)
        if plan.issuer.admin_code:
            self.add(node, KH.adminUnit, unit_iri(plan.issuer.admin_code, commune=bool(plan.issuer.commune_code)))
        self.add(node, KH.level, plain(plan.issuer.level))
        if plan.number:
            self.add(node, KH.code, plain(plan.number))
            self.add(node, DCTERMS.identifier, plain(plan.number))
        if plan.date_text:
            self.add(node, KH.dateText, plain(plan.date_text))
        if plan.date:
            self.add(node, DCTERMS.issued, Literal(plan.date, datatype=XSD.date))
        if plan.year:
            self.add(node, KH.issuedYear, year(plan.year))
        if plan.period_start:
            self.add(node, KH.periodStart, year(plan.period_start))
        if plan.period_end:
            self.add(node, KH.periodEnd, year(plan.period_end))
        if plan.signer:
            self.add(node, KH.signer, plain(plan.signer))
        if plan.signer_title:
            self.add(node, KH.signerTitle, vi(plan.signer_title))
        for recipient in plan.recipients:
            self.add(node, KH.recipient, vi(recipient))
        for agency in plan.focal_points:
            self.add(node, KH.focalPoint, self.agency(agency))
        for agency in plan.standing_bodies:
            self.add(node, KH.standingBody, self.agency(agency))
        self.add(node, DCTERMS.source, self.source)
        self.add(self.source, RDF.type, KH.SourceDocument)
        self.add(self.source, DCTERMS.identifier, plain(plan.file))
        self.add(self.source, KH.sha256, plain(plan.sha256))
        self.add(self.source, KH.lineCount, integer(plan.line_count))
        self._goals()
        for task in plan.tasks:
            self._task(task)
        for duty in plan.duties:
            self._task(duty)
        self._references()
        self._targets()
        self._reporting()
        self._others()
        return self.out

    def _goals(self) -> None:
        for goal in self.plan.goals:
            iri = self.child("goal", str(goal.number), KH.StrategicGoal)
            self.add(iri, KH.code, plain(str(goal.number)))
            self.add(iri, DCTERMS.title, vi(goal.title))
            if 1 <= goal.number <= 12:
                self.add(iri, KH.correspondsTo, GOAL[str(goal.number)])
            self.evidence(iri, goal.span)
        for objective in self.plan.objectives:
            iri = self.child("objective", objective.key, KH.Objective)
            if objective.code:
                self.add(iri, KH.code, plain(objective.code))
            self.add(iri, KH.goal, self.iris.part(self.node, "goal", str(objective.goal)))
            self.add(iri, DCTERMS.description, vi(objective.text))
            self.evidence(iri, objective.span)

    def _task(self, task: Task) -> None:
        # duties are typed kh:Task too (kh:Duty ⊑ kh:Task, stated for SPARQL without inference)
        iri = self.child("duty" if task.is_duty else "task", task.key, KH.Task)
        if task.is_duty:
            self.add(iri, RDF.type, KH.Duty)
        if task.code:
            self.add(iri, KH.code, plain(task.code))
        if task.goal is not None:
            self.add(iri, KH.goal, self.iris.part(self.node, "goal", str(task.goal)))
        if task.objective:
            self.add(iri, KH.objective, self.iris.part(self.node, "objective", task.objective))
        self.add(iri, DCTERMS.description, vi(task.text or "(không có nội dung)"))
        if task.timeframe:
            self.add(iri, KH.timeframe, vi(task.timeframe))
        if task.product:
            self.add(iri, KH.product, vi(task.product))
        if task.section:
            self.add(iri, KH.section, vi(task.section))
        self.evidence(iri, task.span)
        for assignment in task.assignments:
            self._assignment(iri, assignment)

    def _assignment(self, task: URIRef, assignment: Assignment) -> None:
        agency = self.agency(assignment.agency)
        iri = self.iris.assignment(task, assignment.role, assignment.agency)
        for prop in DIRECT[assignment.role]:
            self.add(task, prop, agency)
        self.add(task, KH.assignment, iri)
        self.add(iri, RDF.type, KH.Assignment)
        self.add(iri, KH.task, task)
        self.add(iri, KH.assignedAgency, agency)
        self.add(iri, KH.role, ROLE[assignment.role.value])
        self.add(iri, KH.mention, vi(assignment.agency.mention or assignment.agency.name))
        self.add(iri, KH.rawText, vi(assignment.raw_text))
        self.evidence(iri, assignment.span)

    def _references(self) -> None:
        for ref in self.plan.references:
            iri = self.iris.legal(ref, self.plan.issuer)
            self.add(self.node, KH.implements if ref.implemented else KH.cites, iri)
            self.add(iri, RDF.type, KH.LegalDocument)
            self.add(iri, DCTERMS.identifier, plain(ref.identifier))
            self.add(iri, KH.docType, DOCTYPE[ref.doc_type])
            if ref.date:
                self.add(iri, DCTERMS.issued, Literal(ref.date, datatype=XSD.date))
            if ref.issuer:
                self.add(iri, KH.issuerName, vi(ref.issuer))
            if ref.title:
                self.add(iri, DCTERMS.title, vi(ref.title))

    def _targets(self) -> None:
        for index, target in enumerate(self.plan.targets, start=1):
            iri = self.child("target", str(index), KH.Target, KH.hasTarget)
            self.add(iri, RDF.value, Literal(str(target.value).removesuffix(".0"), datatype=XSD.decimal))
            self.add(iri, KH.unit, plain(target.unit))
            self.add(iri, KH.comparator, COMPARATOR[target.comparator])
            if target.comparator_text:
                self.add(iri, KH.comparatorText, vi(target.comparator_text))
            self.add(iri, KH.subject, vi(target.subject))
            if target.year:
                self.add(iri, KH.targetYear, year(target.year))
            self.add(iri, DCTERMS.description, vi(target.sentence))
            self.evidence(iri, target.span)

    def _reporting(self) -> None:
        for index, item in enumerate(self.plan.reporting, start=1):
            iri = self.child("reporting", str(index), KH.ReportingRequirement, KH.reportingRequirement)
            self.add(iri, DCTERMS.description, vi(item.description))
            self.add(iri, KH.frequency, vi("hằng năm" if item.recurring else "một lần"))
            if item.recurring and item.month and item.day:
                self.add(iri, KH.dueMonthDay, Literal(f"--{item.month:02d}-{item.day:02d}",
                                                      datatype=XSD.gMonthDay))
            elif item.year and item.month and item.day:
                self.add(iri, KH.dueDate, Literal(f"{item.year:04d}-{item.month:02d}-{item.day:02d}",
                                                  datatype=XSD.date))
            if item.report_to:
                self.add(iri, KH.reportTo, self.agency(item.report_to))
            if item.via:
                self.add(iri, KH.via, self.agency(item.via))
            for agency in item.reported_by:
                self.add(iri, KH.reportedBy, self.agency(agency))
            self.evidence(iri, item.span)

    def _others(self) -> None:
        for index, item in enumerate(self.plan.funding, start=1):
            iri = self.child("funding", str(index), KH.FundingSource, KH.fundingSource)
            self.add(iri, DCTERMS.description, vi(item.description))
            self.evidence(iri, item.span)
        for index, milestone in enumerate(self.plan.milestones, start=1):
            iri = self.child("milestone", str(index), KH.Milestone, KH.milestone)
            self.add(iri, KH.when, vi(milestone.when))
            if milestone.year:
                self.add(iri, KH.year, year(milestone.year))
            self.add(iri, DCTERMS.description, vi(milestone.description))
            self.evidence(iri, milestone.span)


def plan_triples(plan: Plan, tail: str, iris: Iris, book: AgencyBook) -> list[Triple]:
    """The triples of ``plan``'s named graph; the agencies it names are recorded in ``book``."""
    return PlanWriter(plan, tail, iris, book).write()

