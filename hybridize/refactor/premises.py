"""Building premises from function facts: a fact, and the evidence locations it rests on."""

from __future__ import annotations

from collections.abc import Callable

from hybridize.lattice.location import Location
from hybridize.refactor.model import EvidenceItem, Finding, Premise
from hybridize.transfer.facts import Evidence, FunctionFacts
from hybridize.transfer.signature import Site


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


def site_items(sites: tuple[Site, ...]) -> tuple[EvidenceItem, ...]:
    return tuple(EvidenceItem(s.location, s.detail) for s in sites)


def signature_block_check(reason: str) -> Callable[[FunctionFacts, object], Finding | None]:
    """The check of a rule that says why no complete ``input_signature`` exists: it fires on
    the function's signature blocks of that reason (computed by ``transfer.signature``)."""

    def check(facts: FunctionFacts, context: object) -> Finding | None:
        blocks = facts.signature.blocked_by(reason)
        if not blocks:
            return None
        premises = tuple(
            Premise(
                block.message,
                block.sites[0].location if block.sites else facts.location,
                site_items(block.sites),
            )
            for block in blocks
        )
        return Finding(reason, "; ".join(block.message for block in blocks), premises)

    return check
