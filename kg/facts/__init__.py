"""What a plan states besides its tasks: cited documents, quantified targets, reporting deadlines,
timeline milestones and funding clauses, read from prose into :mod:`kg.model` dataclasses (no rdflib).

- :mod:`kg.facts.sentences`: how the prose is read: paragraphs (page-break continuations joined),
  sentences, ";"-clauses and dates.
- :mod:`kg.facts.citations`: the documents a plan cites by number (:func:`references`,
  :func:`reference_conflicts`).
- :mod:`kg.facts.percentages`: quantified targets (:func:`targets`).
- :mod:`kg.facts.deadlines`: reporting deadlines (:func:`reporting`).
- :mod:`kg.facts.sections`: what the plan's own sections say: the timeline (:func:`milestones`)
  and the funding (:func:`funding`), found with :func:`find_section`.
"""

from __future__ import annotations

from kg.facts.citations import reference_conflicts, references
from kg.facts.deadlines import Resolver, reporting
from kg.facts.percentages import targets
from kg.facts.sections import find_section, funding, milestones
from kg.facts.sentences import split_sentences

__all__ = [
    "Resolver",
    "find_section",
    "funding",
    "milestones",
    "reference_conflicts",
    "references",
    "reporting",
    "split_sentences",
    "targets",
]
