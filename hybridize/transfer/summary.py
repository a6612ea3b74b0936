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


@attrs.frozen(slots=True)
class HazardSite:
    """A place where tracing would behave differently (a NumPy call on a tensor, a non-string
    ``name=``, ...). ``via`` is the call site in the reporting function when it happens in a
    callee (the first hop, as for effects); ``models`` are the ``class@origin`` keys of the Keras
    model whose variables a stale read reads (empty for other hazards)."""

    location: Location
    detail: str
    via: Location | None = None
    models: frozenset[str] = frozenset()

    def through(self, call_site: Location) -> HazardSite:
        return self if self.via is not None else attrs.evolve(self, via=call_site)


@attrs.frozen(slots=True)
class DtypeUse:
    """Parameter ``parameter`` (a NumPy array: TF converts it to a tensor of its own dtype at the
    ``tf.function`` boundary) was combined with a tensor of dtype ``dtype``; ``own`` is the
    array's dtype when known."""

    parameter: str
    dtype: str
    own: str | None
    location: Location


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
    exception_loops: tuple[Location, ...] = ()  # loops ended by catching StopIteration etc.
    iterations_accumulate: tuple[Location, ...] = ()  # ... whose body appends to Python lists
    op_sites: tuple[Location, ...] = ()  # where TF ops happen (or calls that reach them)
    # Hazards, here or in callees (``HazardSite.via`` = the call site through which they come):
    numpy_on_tensor: tuple[HazardSite, ...] = ()  # a NumPy/math/SciPy call given a tensor
    numpy_on_array_params: tuple[HazardSite, ...] = ()  # ... given an array parameter (own only)
    invalid_names: tuple[HazardSite, ...] = ()  # a TF call given a non-string ``name``
    stale_reads: tuple[HazardSite, ...] = ()  # model variables read before the model is called
    gradient_updates: tuple[HazardSite, ...] = ()  # ``apply_gradients`` / ``tape.gradient``
    models_called: frozenset[str] = frozenset()  # ``class@origin`` of the Keras models called
    dtype_uses: tuple[DtypeUse, ...] = ()  # this function's own (not propagated from callees)

    @staticmethod
    def empty() -> Summary:
        return Summary(Value.BOTTOM, Effects.EMPTY, frozenset(), 0, False, Tri.NO)
