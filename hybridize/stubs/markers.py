"""The marker vocabulary of the declarative models in ``models/``.

The ``.pyi`` models are parsed with ``ast`` by ``stubs.loader`` and never imported, so these
decorators do nothing at run time. They exist so that the model files read as ordinary,
type-checkable Python (``from hybridize.stubs.markers import op``), and so that the vocabulary
has one place where every keyword is spelled and documented. ``models/README.md`` describes the
syntax with examples; the loader rejects a marker or keyword not defined here (``MARKERS``).

Rule strings (``dtype=``, ``shape=``, ``@returns(...)``) are interpreted by ``stubs.rules``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar

T = TypeVar("T")

Decorator = Callable[[T], T]


def _identity(target: T) -> T:
    return target


def op(*, dtype: str | None = None, shape: str | None = None, cost: int = 1) -> Decorator[T]:
    """A TensorFlow graph op: counts as tensor computation, estimated at ``cost`` ops per call.

    ``dtype`` and ``shape`` are the dtype and shape rules of the tensor-kind parts of the result."""
    return _identity


def elementwise(*params: str, cost: int = 1) -> Decorator[T]:
    """Shorthand for an element-wise op over ``params``: the result has the kind of the inputs
    (ragged in, ragged out), their promoted dtype and their broadcast shape."""
    return _identity


def ufunc(*params: str, result: str = "promote") -> Decorator[T]:
    """Shorthand for a NumPy element-wise function of ``params``: an ndarray of their broadcast
    shape, dtype by NumPy promotion (``result="promote"``), float promotion (``"float"``), or
    ``bool``/``same`` (the first argument's dtype)."""
    return _identity


def returns(
    rule: str | None = None, *, dtype: str | None = None, shape: str | None = None
) -> Decorator[T]:
    """Overrides the return rule derived from the return annotation, and/or gives dtype and shape
    rules to a function that is not a TF op (``numpy.zeros``)."""
    return _identity


def effect(kind: str, *, detail: str = "", when: str | None = None) -> Decorator[T]:
    """A Python-visible effect (``python-io``, ``python-rng``, ``eager-only-call``, ...).

    With ``when`` the effect is conditional on the arguments (``when="tensor:x"``)."""
    return _identity


def mutates(*params: str) -> Decorator[T]:
    """The objects passed as ``params`` (``"self"`` for the receiver) are mutated in place."""
    return _identity


def calls(param: str, *, args: tuple[str, ...] = (), repeated: bool = False) -> Decorator[T]:
    """The function calls the callable passed as ``param`` with ``args`` (rule strings, see
    ``model.CallsArg``); ``repeated`` when a framework calls it many times."""
    return _identity


def loop(*methods: str) -> Decorator[T]:
    """A framework loop (``keras.Model.fit``) that runs ``methods`` of the receiver repeatedly."""
    return _identity


def symbolic(*, propagates: bool = False) -> Decorator[T]:
    """The result is a Keras symbolic tensor (``keras.Input``); with ``propagates=True`` it is one
    exactly when an argument is (``Layer.__call__``)."""
    return _identity


def role(name: str) -> Decorator[T]:
    """Class marker: the class is a Keras ``layer``/``model``/``optimizer``, a ``module``
    (``tf.Module``) or a ``tape`` (``tf.GradientTape``); subclasses inherit the role."""
    return _identity


def attribute(
    rule: str, *, dtype: str | None = None, shape: str | None = None
) -> object:
    """Value of a class-level annotated attribute (``shape: TensorShape =
    attribute("shape-of:self")``) or of a module constant with an explicit rule."""
    return rule


#: Marker name -> the keywords it accepts. The loader validates every model against this.
MARKERS: Final[dict[str, frozenset[str]]] = {
    "op": frozenset({"dtype", "shape", "cost"}),
    "elementwise": frozenset({"cost"}),
    "ufunc": frozenset({"result"}),
    "returns": frozenset({"dtype", "shape"}),
    "effect": frozenset({"detail", "when"}),
    "mutates": frozenset(),
    "calls": frozenset({"args", "repeated"}),
    "loop": frozenset(),
    "symbolic": frozenset({"propagates"}),
    "role": frozenset(),
    "attribute": frozenset({"dtype", "shape"}),
}
