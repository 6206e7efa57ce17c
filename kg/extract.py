"""Read one plan document into the intermediate model (:class:`kg.model.Plan`).

This is the only entry point of the reading layer: text → frame (``kg.structure``) → appendix table
(``kg.tables``) → prose duties (``kg.prose``) → references, targets, deadlines (``kg.facts``).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from kg import facts
from kg.agencies import AgencyReader, Locality
from kg.errors import InputError
from kg.model import AgencyRef, Goal, Issuer, Objective, Plan, Problem, Role
from kg.prose import paragraphs, read_duties
from kg.structure import Frame, read_frame
from kg.tables import read_table
from kg.text import Document, from_bytes, load

GOALS_FILE = Path(__file__).resolve().parent.parent / "data" / "ascc-goals.csv"
_PROSE_GOAL = re.compile(r"^(?:\d{1,2}\.\s*)?Mục\s+tiêu\s+chiến\s+lược\s+(\d{1,2})\s*[:.]\s*(.+)$",
                         re.IGNORECASE)
_SPECIFIC = re.compile(r"^\*?\s*Mục\s+tiêu\s+cụ\s+thể\s*:?\s*(.*)$", re.IGNORECASE)


@lru_cache(maxsize=1)
def goal_titles() -> dict[int, str]:
    """The national wording of the 12 ASCC strategic goals (``data/ascc-goals.csv``)."""
    with GOALS_FILE.open(encoding="utf-8", newline="") as handle:
        return {int(row["notation"]): row["title_vi"] for row in csv.DictReader(handle)}


def read_plan(path: Path | str) -> Plan:
    """Read a plan file; raise :class:`kg.errors.InputError` when it cannot be read as a plan."""
    return read_document(load(path))


def read_text(text: str, *, name: str = "<text>") -> Plan:
    """Read a plan given as a string (tests, notebooks)."""
    return read_document(from_bytes(text.encode("utf-8"), name=name))


def read_document(doc: Document) -> Plan:
    """Read a normalised document."""
    frame = read_frame(doc)
    _check_is_plan(doc, frame)
    issuer = frame.issuer or Issuer(f"Ủy ban nhân dân {frame.place or doc.name}", "tỉnh",
                                    frame.place or doc.name, None)
    places = tuple(p for p in (issuer.locality, issuer.province_name) if p)
    agencies = AgencyReader(Locality(issuer.level, places, commune=issuer.commune_code is not None))
    plan = Plan(file=doc.name, sha256=doc.sha256, line_count=len(doc), title=frame.title,
                issuer=issuer, period_start=frame.period_start, period_end=frame.period_end,
                number=frame.number, date_text=frame.date_text, date=frame.date, year=frame.year,
                signer=frame.signer, signer_title=frame.signer_title, recipients=frame.recipients)
    plan.problems.extend(frame.problems)

    table = read_table(doc, agencies, goal_titles())
    plan.has_table = table.found
    plan.goals, plan.objectives, plan.tasks = table.goals, table.objectives, table.tasks
    plan.problems.extend(table.problems)
    if not plan.goals:
        plan.goals, plan.objectives = _prose_goals(doc, frame)

    duties = read_duties(doc, frame, agencies)
    plan.duties = duties.duties
    plan.focal_points, plan.standing_bodies = duties.focal_points, duties.standing_bodies
    plan.problems.extend(duties.problems)

    def resolve(text: str, line: int) -> list[AgencyRef]:
        return [a for a in agencies.read(text, Role.LEAD).agencies() if a.known]

    plan.references = facts.references(doc)
    plan.problems.extend(facts.reference_conflicts(doc))
    plan.targets = facts.targets(doc)
    plan.reporting = facts.reporting(doc, resolve)
    plan.milestones = facts.milestones(doc)
    plan.funding = facts.funding(doc)
    _report_missing_appendix(doc, frame, plan)
    _report_truncation(doc, frame, plan)
    return plan


def _check_is_plan(doc: Document, frame: Frame) -> None:
    if frame.title_line is None and not any(line.strip().startswith("KẾ HOẠCH") for line in doc.lines[:60]):
        raise InputError(doc.name, "not-a-plan", "no 'KẾ HOẠCH' heading in the first lines: this "
                         "does not look like a plan (Kế hoạch) of a People's Committee", line=1)
    if not frame.sections and not any("\t" in line for line in doc.raw):
        raise InputError(doc.name, "not-a-plan", "no numbered sections (I., II., …) and no table: "
                         "nothing to read as goals, tasks or duties", line=frame.title_line or 1)


def _prose_goals(doc: Document, frame: Frame) -> tuple[list[Goal], list[Objective]]:
    """Strategic goals listed in prose ("1. Mục tiêu chiến lược 1: …" then "Mục tiêu cụ thể: …")."""
    section = frame.section("NỘI DUNG")
    if section is None:
        return [], []
    goals: list[Goal] = []
    objectives: list[Objective] = []
    current: Goal | None = None
    count = 0
    for para in paragraphs(doc, section.span.first + 1, section.span.last):
        text = para.text
        if match := _PROSE_GOAL.match(text):
            current = Goal(int(match.group(1)), match.group(2).strip().rstrip("."), para.span)
            goals.append(current)
            count = 0
            continue
        if current is None:
            continue
        specific = _SPECIFIC.match(text)
        body = specific.group(1) if specific else (text[2:] if text.startswith(("- ", "– ")) else None)
        if body:
            count += 1
            key = f"g{current.number}" if count == 1 else f"g{current.number}-{count}"
            objectives.append(Objective(None, current.number, " ".join(body.split()), para.span, key=key))
    return goals, objectives


def _report_missing_appendix(doc: Document, frame: Frame, plan: Plan) -> None:
    if plan.has_table:
        return
    for number, line in enumerate(doc.lines[:frame.body_end], start=1):
        if re.search(r"ph[ụu]\s+l[ụu]c", line, re.IGNORECASE):
            plan.problems.append(Problem(doc.name, number, "appendix-missing", "the plan refers to an "
                                         "appendix (Phụ lục) that is not in the text: its task table "
                                         "cannot be read; duties come from the prose only"))
            return


def _report_truncation(doc: Document, frame: Frame, plan: Plan) -> None:
    """A plan ends with "Nơi nhận" and the signature; without both it was probably cut short."""
    if frame.recipients or frame.signer_title:
        return
    plan.problems.append(Problem(doc.name, len(doc), "truncated", "the file ends at line "
                                 f"{len(doc)} without 'Nơi nhận' or a signature block: it may have been "
                                 "cut short; what could be read is kept", "warning"))
