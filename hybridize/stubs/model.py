"""Records of the library models, as read from the declarative ``.pyi`` files in ``models/``.

A model is data: which parameters a library function has, whether it is a TensorFlow graph op,
which Python effects it has, which of its arguments it mutates or calls, and named rules for the
kind, dtype and shape of its result. ``stubs.rules`` turns those rules into abstract values.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping

import attrs

from hybridize.lattice.effects import EffectKind
from hybridize.lattice.location import Location
from hybridize.lattice.values import KerasRole, Value


class ModelSource(enum.Enum):
    MODEL = "model"  # hand-written model in hybridize/stubs/models
    FALLBACK = "stub-default"  # derived from the types-tensorflow stubs; effects assumed none


class ParamKind(enum.Enum):
    POSITIONAL_ONLY = "positional-only"
    POSITIONAL_OR_KEYWORD = "positional-or-keyword"
    VAR_POSITIONAL = "var-positional"
    KEYWORD_ONLY = "keyword-only"
    VAR_KEYWORD = "var-keyword"


@attrs.frozen
class ParamModel:
    name: str
    kind: ParamKind
    has_default: bool
    default: Value | None = None  # the default as an abstract value, when it is a literal


@attrs.frozen
class CallsArg:
    """The function calls the callable passed as ``param`` (e.g. ``Dataset.map(map_func)``).

    ``args`` says what it is called with, as rule strings understood by ``stubs.rules``
    (``"element:self"`` = the receiver dataset's element, ``"element:elems"``, ``"arg:loop_vars"``,
    ``"unpack:loop_vars"``, ``"none"``); ``repeated`` is True when the framework calls it many
    times (``Dataset.map``, ``tf.map_fn``, ``tf.while_loop`` body, Keras loops)."""

    param: str
    args: tuple[str, ...] = ()
    repeated: bool = False


@attrs.frozen
class ConditionalEffect:
    """An effect that happens only for some arguments: ``int(x)`` is eager-only when ``x`` is a
    tensor, ``len(x)`` when ``x`` is a tensor whose leading dimension is not static.

    ``condition`` is a rule string evaluated by ``stubs.rules.call_effects``:
    ``tensor:P`` (the argument ``P`` may be a TF tensor), ``unknown-len:P`` (``P`` may be a tensor
    of unknown rank or unknown leading dimension)."""

    kind: EffectKind
    condition: str
    detail: str = ""


#: Calls back into the interpreter: invoke an abstract callable with positional abstract args.
Invoke = Callable[[Value, list[Value]], Value]


@attrs.frozen(eq=False)
class FunctionModel:
    """A modelled library function or method (``qualname`` is canonical, e.g. ``tensorflow.matmul``,
    ``keras.Model.fit``, ``builtins.print``, ``tensorflow.Tensor.numpy``)."""

    qualname: str
    params: tuple[ParamModel, ...]
    returns: str  # return rule, see stubs.rules.RETURN_RULES
    dtype_rule: str | None = None
    shape_rule: str | None = None
    is_op: bool = False  # a TF graph op: counts as tensor computation and towards op estimates
    op_cost: int = 1  # estimated TF ops per call
    effects: tuple[EffectKind, ...] = ()
    mutates: tuple[str, ...] = ()  # parameter names (``self`` for methods) whose object is mutated
    calls: tuple[CallsArg, ...] = ()
    source: ModelSource = ModelSource.MODEL
    location: str = ""  # file:line of the model, for proofs
    effect_detail: str = ""  # what the effects are about ("print", "clock", "file"); default: name
    conditional_effects: tuple[ConditionalEffect, ...] = ()
    is_method: bool = False  # first parameter is ``self`` (bound to the receiver by ``bind``)
    owner: str | None = None  # qualname of the class that defines it (methods, properties)
    is_property: bool = False  # an attribute computed from the receiver (``Tensor.shape``)
    symbolic: bool = False  # the result is a Keras symbolic tensor (``keras.Input``)
    propagates_symbolic: bool = False  # result is symbolic when an argument is (Layer.__call__)
    loop_methods: tuple[str, ...] = ()  # receiver methods a framework loop runs (Model.fit)
    is_constructor: bool = False  # ``ClassModel.init``: ``self`` is the new object, not an argument


@attrs.frozen(eq=False)
class ClassModel:
    """A modelled library class: constructing it gives an instance (or a tensor/dataset for
    classes whose ``__init__`` rule says so, like ``tf.Variable``); ``role`` marks Keras layers,
    models, optimizers, ``tf.Module`` and ``GradientTape``."""

    qualname: str
    bases: tuple[str, ...]
    role: KerasRole
    methods: Mapping[str, FunctionModel]
    attributes: Mapping[str, str]  # attribute name -> return rule (e.g. "shape" -> "shape-of:self")
    init: FunctionModel | None = None  # constructor model (params, effects, result rule)
    location: str = ""
    properties: Mapping[str, FunctionModel] = attrs.field(factory=dict)  # attribute -> model
    source: ModelSource = ModelSource.MODEL


@attrs.frozen
class ModuleModel:
    """A modelled (or, with ``source=FALLBACK``, stub-known) module such as ``tensorflow.nn``."""

    qualname: str
    source: ModelSource = ModelSource.MODEL


@attrs.frozen
class Bound:
    """Arguments of one call bound to a model's parameters (missing ones absent)."""

    arguments: Mapping[str, Value]
    location: Location
    receiver: Value | None = None  # ``self`` for methods
    unbound_star: bool = False  # the call used *args/**kwargs we could not bind
    #: Constructor arguments of the receiver, when the interpreter knows them (an external
    #: instance it created itself): rules read them as ``init.<name>`` (``Dense.units``).
    #: ``None`` = the construction is not known (rules then assume nothing, not the defaults);
    #: ``{}`` = constructed with no arguments (the constructor's defaults apply).
    init_arguments: Mapping[str, Value] | None = None


#: Qualified-name prefix of the synthetic model class of a named tuple with the given fields:
#: ``builtins.namedtuple:values,indices`` (``tf.math.top_k``'s result). A named tuple is a tuple
#: value whose ``keys`` are its field names (return rule ``tuple-of:values=...;indices=...``);
#: ``operators.class_of_atom`` names this class for it, and the loader synthesises it: a
#: property per field reading the item, then the methods of ``builtins.tuple``.
NAMEDTUPLE_PREFIX = "builtins.namedtuple:"


def namedtuple_class(fields: tuple[object, ...]) -> str | None:
    """The synthetic class of a tuple whose ``keys`` are ``fields`` (``None``: not field names)."""
    if not fields or not all(isinstance(f, str) and f.isidentifier() for f in fields):
        return None
    return NAMEDTUPLE_PREFIX + ",".join(str(f) for f in fields)


def namedtuple_fields(qualname: str) -> tuple[str, ...] | None:
    """The field names of a synthetic named-tuple class name, else ``None``."""
    if not qualname.startswith(NAMEDTUPLE_PREFIX):
        return None
    fields = tuple(qualname[len(NAMEDTUPLE_PREFIX) :].split(","))
    return fields if all(f.isidentifier() for f in fields) else None
