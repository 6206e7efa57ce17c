"""Golden tests: small hand-written plans of each layout, compared with the graph we expect.

Each folder of tests/cases/ holds input.txt and expected.ttl (the plan's named graph plus the
descriptions of its agencies), compared with rdflib.compare.isomorphic. The expected graphs were
generated once and then read line by line against the input; when the model changes on purpose,
regenerate with KEHOACH_UPDATE_GOLDEN=1 and review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg import oxi
from kg.build import to_rdf
from kg.extract import read_plan
from kg.iris import Iris

CASES = Path(__file__).resolve().parent / "cases"
NAMES = sorted(p.name for p in CASES.iterdir() if (p / "input.txt").exists())


def actual_graph(case: Path) -> Graph:
    results, agencies, _ = to_rdf([read_plan(case / "input.txt")], Iris())
    graph = Graph()
    for triple in results[0][1] + agencies:
        graph.add(triple)
    return graph


@pytest.mark.parametrize("name", NAMES)
def test_golden(name: str) -> None:
    case = CASES / name
    actual = actual_graph(case)
    expected_path = case / "expected.ttl"
    if os.environ.get("KEHOACH_UPDATE_GOLDEN") == "1":
        oxi.write(oxi.quads(list(actual), None), expected_path, ox.RdfFormat.TURTLE)
    expected = Graph().parse(expected_path, format="turtle")
    if not isomorphic(actual, expected):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = sorted(f"- {t}" for t in missing)[:15] + sorted(f"+ {t}" for t in extra)[:15]
        pytest.fail(f"{name}: graph differs from expected.ttl\n" + "\n".join(lines))


def test_every_layout_has_a_case() -> None:
    assert set(NAMES) == {"commune", "markdown-prose", "pipe-table", "prose-province", "table-five-columns",
                          "table-four-columns"}
