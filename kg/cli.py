"""The ``kehoach`` command and its subcommands (build here; query, serve, push, views, export in
``kg/commands/``).

Exit codes: 0 ok; 1 the data fails validation; 2 bad input or runtime error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from kg.errors import KehoachError

EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
# Modules that add a subcommand: each has register(subparsers), adding a parser whose defaults
# set run=callable(args) -> exit code.
COMMANDS = ("kg.commands.query", "kg.commands.serve", "kg.commands.push", "kg.commands.views",
            "kg.commands.export")
DEFAULT_PLANS = Path("data/plans")
# Problems printed as they are found (all of them are in out/report.md).
LOUD = {"unknown-agency", "truncated", "no-lead", "no-issuer", "appendix-missing", "duplicate-plan"}
EPILOG = "exit codes: 0 ok; 1 the data fails SHACL validation; 2 bad input or runtime error"


def _build(args: argparse.Namespace) -> int:
    from kg.build import build

    def tell(problem: object) -> None:
        print(f"kehoach: {problem}", file=sys.stderr)

    inputs = args.inputs or [DEFAULT_PLANS]
    result = build(inputs, args.out, base_iri=args.base_iri, check=not args.no_validate, jobs=args.jobs,
                   progress=not args.quiet and sys.stderr.isatty(), on_problem=tell)
    for item in result.plans:
        for problem in item.plan.problems:
            if problem.what in LOUD or problem.severity == "error":
                tell(problem)
    totals = {"plans": len(result.plans), "failed": len(result.failed)}
    tasks = sum(len(p.plan.tasks) for p in result.plans)
    duties = sum(len(p.plan.duties) for p in result.plans)
    if not args.quiet:
        print(f"built {totals['plans']} plan(s) ({tasks} tasks, {duties} duties) into {result.out}; "
              f"{result.counts.get('quads', 0):,} quads; {totals['failed']} file(s) could not be read; "
              f"{result.timings.get('total', 0):.1f} s")
        if result.validation_runs:
            runs = result.validation_runs
            print(f"SHACL: {runs['validated']} unit(s) validated, {runs['reused']} unchanged since the last build")
    if result.validation is not None and result.validation.violations:
        for violation in result.validation.violations[:50]:
            print(f"kehoach: SHACL {violation}", file=sys.stderr)
        print(f"kehoach: the graph does not conform: {len(result.validation.violations)} violation(s); "
              f"see {result.out}/report.md", file=sys.stderr)
        return EXIT_INVALID
    if result.failed and not result.plans:
        return EXIT_ERROR
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """The argument parser of ``kehoach``."""
    main = argparse.ArgumentParser(prog="kehoach", description="Knowledge graph of Vietnamese "
                                   "implementation plans (Kế hoạch) for the ASEAN Socio-Cultural "
                                   "Community programme.", epilog=EPILOG)
    commands = main.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="read plan files and build the graph into out/",
                                description="Read plan files (UTF-8 text; .txt or .md) and build the "
                                "knowledge graph: out/graph.trig, graph.ttl, graph.nt, graph.jsonld, "
                                "report.json, report.md, ontology/.", epilog=EPILOG)
    build.add_argument("inputs", nargs="*", type=Path,
                       help=f"plan files or folders (default: {DEFAULT_PLANS})")
    build.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out)")
    build.add_argument("--base-iri", default="https://w3id.org/kehoach/id/",
                       help="base of instance IRIs (default: https://w3id.org/kehoach/id/)")
    build.add_argument("--no-validate", action="store_true", help="skip SHACL validation")
    build.add_argument("--jobs", type=int, default=None, metavar="N",
                       help="SHACL validation worker processes (default: one per CPU); plans whose graph "
                       "did not change since the last build into --out are not validated again")
    build.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    build.set_defaults(run=_build)
    for name in COMMANDS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            continue
        module.register(commands)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run ``kehoach``; return the exit code."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KehoachError as error:
        print(f"kehoach: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("kehoach: interrupted", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
