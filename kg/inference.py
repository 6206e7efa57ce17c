"""Inference into its own named graph, never mixed with asserted data.

owlrl is the reference (the OWL axioms of the ontology say what may be inferred), but its closure
is slow on plan-shaped data (~50 s for one 4,000-triple plan) and adds triples with literal
subjects; so the build derives the useful instance inferences with the SPARQL CONSTRUCT rules in
``kg/rules/`` on the Oxigraph store, and a test proves rules and owlrl agree on a small plan.

Most rules read one plan's graph only: the build runs them plan by plan on a small in-memory store,
so their cost grows with the number of plans, not with the size of the whole graph. A rule whose
header says ``# scope: corpus`` (R5: a chain of documents runs through several plans; R11, R12: sums
over every plan) runs once, after the plan rules, over every graph. Corpus rules mint relative IRIs
(``kind-workload/so-y-te``), resolved against the build's base IRI.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.graph_files import digest
from kg.iris import DEFAULT_BASE

RULES_DIR = Path(__file__).resolve().parent / "rules"
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class Rule:
    """One SPARQL CONSTRUCT rule of ``kg/rules/``."""

    name: str
    text: str
    corpus: bool  # reads more than one plan's graph: runs once, after the plan rules, over every graph


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    """Every rule, in file order."""
    found = []
    for path in sorted(RULES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        found.append(Rule(path.stem, text, bool(re.search(r"^# scope: corpus\b", text, re.MULTILINE))))
    return tuple(found)


def _add_new(store: ox.Store, derived: Iterable[ox.Triple], target: ox.NamedNode) -> int:
    """Add the derived triples not yet in ``target``; return how many were new."""
    new = {ox.Quad(t.subject, t.predicate, t.object, target) for t in derived}
    new = {q for q in new if q not in store}
    store.extend(new)
    return len(new)


def infer(store: ox.Store, asserted: list[GraphName], target: ox.NamedNode,
          *, only: set[str] | None = None, base: str = DEFAULT_BASE) -> dict[str, int]:
    """Run every rule over the ``asserted`` graphs at once and add what they derive to ``target``.

    Plan rules read asserted data only, so one pass of them is their fixpoint; corpus rules run after
    them and also read ``target`` (R11 sums R9's workloads), never their own output.
    Returns the number of triples each rule added.
    """
    counts: dict[str, int] = {}
    for corpus in (False, True):
        graphs = [*asserted, target] if corpus else asserted
        for rule in rules():
            if rule.corpus == corpus and (only is None or rule.name in only):
                derived = store.query(rule.text, default_graph=graphs, base_iri=base)  # type: ignore[arg-type]
                counts[rule.name] = _add_new(store, derived, target)  # type: ignore[arg-type]
    return counts


class Deriver:
    """Runs the rules plan by plan as the build makes each plan's graph; what several plans derive
    (two agencies sharing a lead in two plans) is kept and counted once."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base
        self.counts: Counter[str] = Counter({rule.name: 0 for rule in rules()})
        self._seen: set[bytes] = set()

    def _new(self, name: str, derived: Iterable[ox.Triple]) -> list[ox.Triple]:
        new = []
        for triple in derived:
            mark = digest(triple)
            if mark not in self._seen:
                self._seen.add(mark)
                new.append(triple)
        self.counts[name] += len(new)
        return new

    def plan(self, quads: Iterable[ox.Quad]) -> list[ox.Triple]:
        """What the plan-scoped rules derive from one plan's graph and no earlier plan derived."""
        scratch = ox.Store()
        scratch.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        return [t for rule in rules() if not rule.corpus
                for t in self._new(rule.name, scratch.query(rule.text))]  # type: ignore[arg-type]

    def corpus(self, store: ox.Store) -> list[ox.Triple]:
        """What the corpus rules derive from the union of the graphs of ``store``, not derived before;
        run after every plan's rules, whose output ``store`` holds.

        The union, not the list of asserted graphs: Oxigraph matches each pattern in every graph of a
        list (R5 took minutes over 3,356 graphs, 1 s over the union). A corpus rule therefore sees the
        ontology, the vocabulary and what the plan rules derived: its header must say what it reads and
        why the other graphs change nothing (R5 reads only kh:implements, which no other graph holds).
        """
        return [t for rule in rules() if rule.corpus
                for t in self._new(rule.name, store.query(rule.text, use_default_graph_as_union=True,  # type: ignore[arg-type]
                                                          base_iri=self.base))]
