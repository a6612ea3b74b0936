"""Runtime verification of decisions (optional; design §2): run the original and the refactored
code under TensorFlow in a child process and compare results, side effects and trace counts.

Only the child (``runner.py``) imports TensorFlow; this package works without it installed.
"""

from hybridize.verify.engine import cached_outcomes, verify_candidates
from hybridize.verify.model import (
    NOT_VERIFIABLE,
    REFUTED,
    VERIFIED,
    Candidate,
    Outcome,
    ProjectFile,
    Verification,
)

__all__ = [
    "NOT_VERIFIABLE",
    "REFUTED",
    "VERIFIED",
    "Candidate",
    "Outcome",
    "ProjectFile",
    "Verification",
    "cached_outcomes",
    "verify_candidates",
]
