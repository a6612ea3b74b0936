"""Optional type oracle (design §2): pyright, run once per analysis on a shadow copy of the
analysed files with ``reveal_type`` probes, answers what the interpreter left unknown.

Nothing here is needed by the core: ``hybridize`` imports and works without pyright or Node.js,
and only ``--oracle pyright`` (``Config.oracle``) brings this layer in.
"""

from __future__ import annotations

from hybridize.oracle.mapping import map_type
from hybridize.oracle.probes import Probe, find_probes
from hybridize.oracle.pyright import (
    OracleRun,
    OracleUnavailable,
    answers_from_json,
    locate,
    run_oracle,
)

__all__ = [
    "OracleRun",
    "OracleUnavailable",
    "Probe",
    "answers_from_json",
    "find_probes",
    "locate",
    "map_type",
    "run_oracle",
]
