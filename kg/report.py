"""The build report: ``report.json`` for machines, ``report.md`` for people."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.files import atomic_write
from kg.model import Plan, Role

if TYPE_CHECKING:
    from kg.build import BuildResult


def plan_summary(plan: Plan, iri: str) -> dict[str, Any]:
    """Counts and problems of one plan."""
    tasks = plan.tasks + plan.duties
    agencies = {a.agency for t in tasks for a in t.assignments}
    problems = sorted(plan.problems, key=lambda p: (p.line or 0, p.what, p.detail))
    unknown = [p for p in problems if p.what == "unknown-agency"]
    return {
        "file": plan.file,
        "iri": iri,
        "title": plan.title,
        "issuer": plan.issuer.name,
        "admin_code": plan.issuer.admin_code,
        "period": plan.period,
        "number": plan.number,
        "date": plan.date_text,
        "signer": plan.signer,
        "has_table": plan.has_table,
        "counts": {
            "goals": len(plan.goals),
            "objectives": len(plan.objectives),
            "tasks": len(plan.tasks),
            "duties": len(plan.duties),
            "assignments": sum(len(t.assignments) for t in tasks),
            "lead_assignments": sum(1 for t in tasks for a in t.assignments if a.role is Role.LEAD),
            "agencies": sum(1 for a in agencies if not a.is_group),
            "agency_groups": sum(1 for a in agencies if a.is_group),
            "references": len(plan.references),
            "targets": len(plan.targets),
            "reporting": len(plan.reporting),
            "milestones": len(plan.milestones),
            "funding": len(plan.funding),
        },
        "unknown_agencies": [{"line": p.line, "name": p.detail} for p in unknown],
        "problems": [{"line": p.line, "what": p.what, "detail": p.detail, "severity": p.severity}
                     for p in problems if p.what != "unknown-agency"],
    }


def citation_conflicts(plans: list[Plan]) -> list[dict[str, Any]]:
    """Documents that different plans cite with different dates (e.g. 59-NQ/TW: 24/01 vs 24/02/2025)."""
    dates: dict[str, dict[str, list[str]]] = {}
    for plan in plans:
        for ref in plan.references:
            if ref.date:
                dates.setdefault(ref.identifier, {}).setdefault(ref.date, []).append(plan.file)
    return [{"document": identifier, "dates": {d: sorted(files) for d, files in sorted(by_date.items())}}
            for identifier, by_date in sorted(dates.items()) if len(by_date) > 1]


def report_data(result: BuildResult) -> dict[str, Any]:
    """The whole report as plain data (no timings: the same input gives the same report)."""
    plans = [plan_summary(p.plan, str(p.iri)) for p in result.plans]
    validation = result.validation
    return {
        "plans": plans,
        "failed_files": [{"file": p.file, "line": p.line, "what": p.what, "detail": p.detail}
                         for p in sorted(result.failed, key=lambda p: p.file)],
        "totals": dict(sum((Counter(p["counts"]) for p in plans), Counter())),
        "citation_conflicts": citation_conflicts([p.plan for p in result.plans]),
        "triples": dict(sorted(result.counts.items())),
        "inferred_by_rule": dict(sorted(result.inferred.items())),
        "validation": None if validation is None else {
            "conforms": not validation.violations,
            "violations": len(validation.violations),
            "results": [r.__dict__ for r in validation.results[:500]],
        },
    }


def _markdown(data: dict[str, Any]) -> str:
    lines = ["# kehoach-kg build report", ""]
    validation = data["validation"]
    if validation is None:
        lines.append("SHACL validation: skipped.")
    elif validation["conforms"]:
        lines.append("SHACL validation: **the graph conforms** to `ontology/shapes.ttl`.")
    else:
        lines.append(f"SHACL validation: **{validation['violations']} violation(s)** (see below).")
    lines += ["", f"Plans read: {len(data['plans'])}; files that could not be read: "
              f"{len(data['failed_files'])}.", ""]
    lines += ["| file | issuer | period | goals | objectives | tasks | duties | assignments | "
              "agencies | groups | targets | references | unknown names | warnings |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for plan in data["plans"]:
        c = plan["counts"]
        lines.append(f"| {plan['file']} | {plan['issuer']} | {plan['period']} | {c['goals']} | "
                     f"{c['objectives']} | {c['tasks']} | {c['duties']} | {c['assignments']} | "
                     f"{c['agencies']} | {c['agency_groups']} | {c['targets']} | {c['references']} | "
                     f"{len(plan['unknown_agencies'])} | {len(plan['problems'])} |")
    if data["citation_conflicts"]:
        lines += ["", "## Documents cited with different dates", ""]
        for item in data["citation_conflicts"]:
            cited = "; ".join(f"{date} in {', '.join(files)}" for date, files in item["dates"].items())
            lines.append(f"- **{item['document']}**: {cited}")
    if data["failed_files"]:
        lines += ["", "## Files that could not be read", ""]
        for item in data["failed_files"]:
            where = f"{item['file']}:{item['line']}" if item["line"] else item["file"]
            lines.append(f"- `{where}`: **{item['what']}**: {item['detail']}")
    for plan in data["plans"]:
        lines += ["", f"## {plan['file']}: {plan['issuer']} ({plan['period']})", "",
                  f"IRI: <{plan['iri']}>", ""]
        if plan["unknown_agencies"]:
            lines.append("Unknown agency names (add them to `data/gazetteer/agencies.csv`):")
            lines += [f"- line {u['line']}: {u['name']}" for u in plan["unknown_agencies"]]
        else:
            lines.append("Unknown agency names: none.")
        if plan["problems"]:
            lines += ["", "Warnings:"]
            lines += [f"- line {p['line'] or '-'}: {p['what']}: {p['detail']}" for p in plan["problems"]]
    if validation and validation["results"]:
        lines += ["", "## SHACL results", ""]
        for r in validation["results"][:200]:
            lines.append(f"- {r['severity']}: `{r['focus']}` {r['path'] or ''}: {r['message']}")
    lines += ["", "## Triples", ""]
    lines += [f"- {k}: {v:,}" for k, v in data["triples"].items()]
    lines += [f"- inferred by {k}: {v:,}" for k, v in data["inferred_by_rule"].items()]
    return "\n".join(lines) + "\n"


def write_reports(result: BuildResult, folder: Path) -> None:
    """Write ``report.json`` and ``report.md`` into ``folder``."""
    data = report_data(result)
    atomic_write(folder / "report.json", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
    atomic_write(folder / "report.md", _markdown(data))
