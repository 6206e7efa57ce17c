"""Regression: pySHACL with inference (owlrl) must not change rdflib's datatype handling for the rest
of the process (it made "--11-15"^^xsd:gMonthDay ill-typed, so a later validation failed)."""

from __future__ import annotations

from pyshacl import validate as shacl_validate
from rdflib import XSD, Graph, Literal

from kg.validate import rdflib_datatypes_kept


def test_rdfs_inference_leaves_gmonthday_well_typed() -> None:
    data = Graph().parse(data="<urn:x:a> <urn:x:p> 1 .", format="turtle")
    shapes = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:x:s> a sh:NodeShape .",
                           format="turtle")
    with rdflib_datatypes_kept():
        shacl_validate(data, shacl_graph=shapes, inference="rdfs")
    assert not Literal("--11-15", datatype=XSD.gMonthDay).ill_typed
    assert Literal("2026-06-30", datatype=XSD.date).toPython().year == 2026
