"""The records of runtime verification: what was verified, and what the tool hands the engine."""

from __future__ import annotations

from typing import Any

import attrs

from hybridize.refactor.model import Decision
from hybridize.rewriter.model import Change
from hybridize.transfer.facts import FunctionFacts

VERIFIED = "verified"
REFUTED = "refuted"
NOT_VERIFIABLE = "not-verifiable"
STATUSES = (VERIFIED, REFUTED, NOT_VERIFIABLE)


@attrs.frozen
class Verification:
    """The outcome of verifying one decision at run time.

    ``status`` is ``verified`` (the original and the refactored program behaved the same),
    ``refuted`` (they did not: ``detail`` names the first differences) or ``not-verifiable``
    (``detail`` says why not); ``speedup`` is the median time per call of the original over that
    of the refactored function, the first (tracing) call left out, when both were timed;
    ``cached`` says the outcome was read from ``.hybridize_cache/verify/``.
    """

    function_id: str
    qualname: str
    path: str
    line: int
    kind: str
    status: str
    detail: str
    speedup: float | None = None
    cached: bool = False
    col: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "detail": self.detail, "speedup": self.speedup}


@attrs.frozen
class Candidate:
    """An applicable decision to verify, with the rewriter's instruction that applies it."""

    facts: FunctionFacts
    decision: Decision
    change: Change


@attrs.frozen
class ProjectFile:
    """An analysed file: where it is, and the digest and encoding of the bytes analysed."""

    relpath: str
    path: str
    digest: str
    encoding: str = "utf-8"


@attrs.frozen
class Outcome:
    """What verifying one decision found, before it becomes a ``Verification``.

    ``cacheable`` is false for outcomes that may change without the source changing: a time-out,
    a program that fails in the original (a missing file or package), an interpreter without
    TensorFlow."""

    status: str
    detail: str
    speedup: float | None = None
    cacheable: bool = True
