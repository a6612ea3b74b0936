"""Building premises from function facts: a fact, and the evidence locations it rests on."""

from __future__ import annotations

from hybridize.lattice.location import Location
from hybridize.refactor.model import EvidenceItem, Premise
from hybridize.transfer.facts import Evidence, FunctionFacts


def items(evidence: tuple[Evidence, ...]) -> tuple[EvidenceItem, ...]:
    return tuple(EvidenceItem(e.location, e.detail) for e in evidence)


def fact_premise(facts: FunctionFacts, fact: str, claim: str) -> Premise:
    """A premise for one of the function's facts, with that fact's evidence."""
    evidence = items(facts.evidence.get(fact, ()))
    at = evidence[0].location if evidence else facts.location
    return Premise(claim, at, evidence)


def at_function(facts: FunctionFacts, claim: str) -> Premise:
    return Premise(claim, facts.location)


def located(claim: str, location: Location, detail: str) -> Premise:
    return Premise(claim, location, (EvidenceItem(location, detail),))
