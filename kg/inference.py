"""Inference into its own named graph, never mixed with asserted data.

owlrl is the reference (the OWL axioms of the ontology say what may be inferred), but its closure
is slow on plan-shaped data (~50 s for one 4,000-triple plan) and adds triples with literal
subjects; so the build derives the useful instance inferences with the SPARQL CONSTRUCT rules in
``kg/rules/`` on the Oxigraph store, and a test proves rules and owlrl agree on a small plan.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

RULES_DIR = Path(__file__).resolve().parent / "rules"


def rules() -> list[tuple[str, str]]:
    """(name, SPARQL CONSTRUCT text) of every rule, in file order."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(RULES_DIR.glob("*.rq"))]


GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def infer(store: ox.Store, asserted: list[GraphName], target: ox.NamedNode,
          *, only: set[str] | None = None) -> dict[str, int]:
    """Run the rules over the ``asserted`` graphs and add what they derive to ``target``.

    Rules read asserted data only (never each other's output), so one pass is the fixpoint.
    Returns the number of triples each rule added.
    """
    counts: dict[str, int] = {}
    for name, query in rules():
        if only is not None and name not in only:
            continue
        results = store.query(query, default_graph=asserted)
        new = {ox.Quad(t.subject, t.predicate, t.object, target) for t in results}  # type: ignore[union-attr]
        before = len(store)
        store.extend(new)
        counts[name] = len(store) - before
    return counts
