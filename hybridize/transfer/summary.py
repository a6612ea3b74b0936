"""What one analysis of a function (in one abstract-argument context) found.

Summaries are frozen and cached by ``(function id, context)``; the driver joins the summaries of
all contexts of a function into its facts.
"""

from __future__ import annotations

import attrs

from hybridize.lattice.effects import Effects
from hybridize.lattice.location import Location
from hybridize.lattice.tri import Tri
from hybridize.lattice.values import UnknownAtom, Value


@attrs.frozen
class Summary:
    returns: Value
    effects: Effects
    allocations: frozenset[str]  # allocation sites created during the call (its own and callees')
    ops: int  # estimated TF ops per call (callees included)
    tensor_loop: bool  # a loop whose body does tensor work
    tensor_computation: Tri
    yields: Value = Value.BOTTOM
    unknowns: tuple[UnknownAtom, ...] = ()  # provenance of imprecision met on the way
    tensor_iterations: tuple[Location, ...] = ()  # Python ``for`` over a tensor-like value
    iterations_accumulate: tuple[Location, ...] = ()  # ... whose body appends to Python lists
    op_sites: tuple[Location, ...] = ()  # where TF ops happen (or calls that reach them)

    @staticmethod
    def empty() -> Summary:
        return Summary(Value.BOTTOM, Effects.EMPTY, frozenset(), 0, False, Tri.NO)
