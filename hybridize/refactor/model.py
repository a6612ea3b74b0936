"""Records of decisions and their proofs."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import attrs

from hybridize.lattice.location import Location


class DecisionKind(enum.Enum):
    HYBRIDIZE = "hybridize"
    DEHYBRIDIZE = "dehybridize"
    RECONFIGURE = "reconfigure"
    NONE = "none"


class Safety(enum.Enum):
    """Fix safety, ordered: ``safe`` (nothing assumed) before ``conditional``."""

    SAFE = "safe"
    CONDITIONAL = "conditional"


class Category(enum.Enum):
    EVIDENCE = "evidence"  # are there tensor inputs to speed up?
    SAFETY = "safety"  # would tracing change what the program does?
    BENEFIT = "benefit"  # would it be faster?
    KEEP = "keep"  # must a hybrid function stay hybrid?
    SIGNATURE = "signature"  # why no input_signature can be given (reconfigure)
    STATUS = "status"  # nothing to do


class AssumptionKind(enum.Enum):
    SPECULATIVE_NAME = "speculative-name"
    TYPE_HINT = "type-hint"
    UNMODELLED_CALL = "unmodelled-call"
    STUB_DEFAULT = "stub-default"
    DYNAMIC_FEATURE = "dynamic-feature"
    UNSUPPORTED_SYNTAX = "unsupported-syntax"
    EXTERNAL_CALLERS = "external-callers"
    CONFIGURATION = "configuration"  # a safety reason disabled with --select/--ignore


@attrs.frozen
class EvidenceItem:
    location: Location
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"at": str(self.location), "detail": self.detail}


@attrs.frozen
class Premise:
    """A fact the decision rests on, with where it comes from."""

    claim: str
    at: Location | None = None
    evidence: tuple[EvidenceItem, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "at": None if self.at is None else str(self.at),
            "evidence": [e.to_json() for e in self.evidence],
        }


@attrs.frozen
class Assumption:
    """Something static analysis could not establish, and how a person can discharge it."""

    id: str
    kind: AssumptionKind
    claim: str
    at: Location | None
    discharge: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "claim": self.claim,
            "at": None if self.at is None else str(self.at),
            "discharge": self.discharge,
        }


@attrs.frozen
class Finding:
    """What one rule found about one function: its reason id, a message, and its proof part."""

    reason: str
    message: str
    premises: tuple[Premise, ...] = ()
    assumptions: tuple[Assumption, ...] = ()


@attrs.frozen
class Proof:
    premises: tuple[Premise, ...]
    assumptions: tuple[Assumption, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "premises": [p.to_json() for p in self.premises],
            "assumptions": [a.to_json() for a in self.assumptions],
        }


@attrs.frozen
class SuppressionNote:
    """A ``# hybridize: ignore[...]`` comment that applies to the function: where it is, what it
    lists (None: everything), and which of its ids suppressed nothing (``"*"`` for a bare
    comment that had nothing to suppress)."""

    at: Location
    ids: tuple[str, ...] | None
    unused: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # listed ids that are neither reason ids nor decision kinds

    @property
    def comment(self) -> str:
        listed = "" if self.ids is None else "[" + ", ".join(self.ids) + "]"
        return f"# hybridize: ignore{listed}"

    def to_json(self) -> dict[str, Any]:
        return {
            "at": str(self.at),
            "ids": None if self.ids is None else list(self.ids),
            "unused": list(self.unused),
            "unknown": list(self.unknown),
        }


@attrs.frozen
class Decision:
    """The decision for one function. ``kind`` is the transformation considered (hybridize for
    eager functions, dehybridize or reconfigure for hybrid ones, none when nothing applies);
    ``applicable`` says whether it should be applied; ``reasons`` say why (blocking reasons when
    not applicable, supporting ones when applicable)."""

    function_id: str
    kind: DecisionKind
    applicable: bool
    reasons: tuple[str, ...]
    messages: tuple[str, ...]
    proof: Proof
    transformation: Mapping[str, Any]
    input_signature: str | None = None
    suppression: SuppressionNote | None = None

    @property
    def safety(self) -> Safety:
        return Safety.CONDITIONAL if self.proof.assumptions else Safety.SAFE

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "applicable": self.applicable,
            "reasons": list(self.reasons),
            "messages": list(self.messages),
            "safety": self.safety.value,
            "transformation": dict(self.transformation),
            "input_signature": self.input_signature,
            "proof": self.proof.to_json(),
            "suppression": None if self.suppression is None else self.suppression.to_json(),
        }
