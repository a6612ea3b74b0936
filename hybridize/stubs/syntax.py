"""The syntax of rule strings: parsing (cached) and validation.

Return rules are parsed into ``Rule`` trees; dtype and shape rules into ``(head, params)``
alternatives. Validation happens when the models are loaded, so a malformed rule fails the model
tests instead of an analysis. The vocabularies themselves are documented in ``RETURN_RULES`` here
and in ``dtype_rules.DTYPE_RULES`` / ``shape_rules.SHAPE_RULES``.
"""

from __future__ import annotations

import ast
import functools
from typing import Final

import attrs

from hybridize.lattice.dtype import DType
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import (
    Constant,
)
from hybridize.stubs.dtype_rules import DTYPE_FUNCTIONS
from hybridize.stubs.shape_rules import SHAPE_FUNCTIONS


class RuleError(ValueError):
    """A rule string that does not parse or names an unknown rule."""


EFFECT_CONDITIONS: Final[dict[str, str]] = {
    "tensor": "tensor:P — the argument P may be a TF tensor (of any kind)",
    "unknown-len": "unknown-len:P — P may be a tensor whose rank or leading dim is not static",
}


@attrs.frozen
class Rule:
    """A parsed return rule: ``head`` with parameter names or nested rules, and optional inline
    dtype/shape rules (``tensor@int32@same:x``) that override the model's for this part."""

    head: str
    params: tuple[str, ...] = ()
    inner: tuple[Rule, ...] = ()
    dtype: str | None = None
    shape: str | None = None


#: Return rules. ``P`` is a parameter name (``self`` = receiver, ``init.NAME`` = a constructor
#: argument of the receiver, or a literal like ``0``/``True``/``None``); ``R`` a nested rule,
#: where a bare name that is not a complete rule by itself (``tensor``, ``self``, ``int``, ...)
#: means ``arg:NAME`` (write ``arg:tensor`` for a parameter called ``tensor``). ``A|B`` at the
#: top level joins the alternatives. Kind rules use the model's dtype and shape rules, or the
#: inline ones of ``KIND@DTYPE@SHAPE``.
RETURN_RULES: Final[dict[str, str]] = {
    "tensor": "a dense tf.Tensor (dtype and shape from the rules)",
    "variable": "a tf.Variable",
    "ragged": "a tf.RaggedTensor",
    "sparse": "a tf.SparseTensor",
    "ndarray": "a NumPy array",
    "like:P,...": "a tensor of the inputs' kind (ragged in, ragged out; variable in, dense out)",
    "keras-symbolic": "a Keras symbolic tensor (a dense tensor value; the model says symbolic)",
    "dtype": "a dtype constant computed by the dtype rule",
    "int|float|bool|str|bytes|complex|none": "any value of that Python type",
    "const:LITERAL": "the constant LITERAL (a Python literal)",
    "unknown": "an unknown value attributed to this model",
    "dynamic": "an unknown value of a dynamic feature (getattr, globals, eval, super)",
    "never": "does not return (⊥)",
    "instance[:QUALNAME]": "a new instance of the modelled class (default: the owner class)",
    "class:QUALNAME": "the external class object QUALNAME",
    "callable:QUALNAME": "the library function QUALNAME as a value",
    "self": "the receiver",
    "arg:P": "the argument P unchanged",
    "call:P": "join of the results of invoking the callables in P (see CallsArg for arguments)",
    "list:R / tuple:R / set:R / dict:R": "a new container of unknown length whose elements are R",
    "tuple-of:R1;R2;...": "a new tuple with the items R1, R2, ...",
    "tuple-of:N1=R1;N2=R2;...": "a named tuple: items R1, R2 also read as the attributes .N1, .N2",
    "iterator:R": "a new iterator yielding R",
    "dataset:R": "a tf.data.Dataset whose element is R",
    "sliced-dataset:R": "Dataset.from_tensor_slices(R): its element, and its size when known",
    "dataset-of-self:R": "a dataset whose element is R, as many elements as the receiver",
    "element:R": "the element of iterating R (tensor: first dim dropped; dataset: its element)",
    "item:R": "the element stored in container R (dict: its values)",
    "numpy:R": "R with every tensor converted to an ndarray",
    "tensors:R": "R with its leaves converted to tensors, tf.nest style (lists are structure)",
    "data-tensors:R": "R converted to tensors the tf.data way (a list becomes one tensor)",
    "structure:R": "R with every tensor-like leaf replaced by a dense tensor like it (gradients)",
    "leaves:R": "join of the non-container leaves of R",
    "slices:R": "the element of Dataset.from_tensor_slices(R)",
    "unbatch:R": "element of dataset R with the leading dim of every tensor dropped",
    "batch:P,SIZE,DROP": "element of dataset P batched by SIZE (drop_remainder DROP)",
    "zip:P,...": "tuple (or dict) of the elements of the datasets in the first present P",
    "iter:R": "iter(R): R itself for an iterator, else a new iterator over its elements",
    "shape-of:R": "R.shape as a tuple of int constants (unknown dims: any int)",
    "dtype-of:R": "R.dtype as a dtype constant",
    "rank-of:R": "R.ndim as an int",
    "len:R": "len(R) as an int (constant when static)",
    "keys:R / values:R / pairs:R": "a dict's keys / values / (key, value) pairs as a list",
    "to-list:R / to-tuple:R / to-set:R": "list(R) / tuple(R) / set(R), items kept when known",
    "to-dict:P,KW": "dict(P, **KW)",
    "convert:TYPE,P": "int(P) / float(P) / bool(P) / str(P) / complex(P), folded for constants",
    "type-of:R": "type(R) as a class value",
    "range:START,STOP,STEP": "builtins.range (items when small and constant)",
    "enumerate:P,START": "iterator of (int, element of P) tuples",
    "zip-iter:P": "builtins.zip over the iterables in the tuple P",
    "min:P,DEFAULT / max:P,DEFAULT": "builtins min/max over *args P",
    "sum:P,START": "builtins.sum",
    "binary:OP,P,Q": "the Python operator OP applied to P and Q",
    "unary:OP,P": "the unary operator OP (-, +, ~, not, abs) applied to P",
    "subscript:P,KEY": "P[KEY]",
    "get:P,KEY,DEFAULT": "dict.get: the value at a known key, else any value or DEFAULT",
    "unstack:P,NUM,AXIS": "tf.unstack: a list of tensors (items when the count is static)",
    "split:P,SPLITS,AXIS": "tf.split: a list of tensors",
    "map-fn:FN,ELEMS": "tf.map_fn/vectorized_map: FN's result with a leading dim of ELEMS' length",
    "round:P,NDIGITS": "builtins.round: folded for constants, tensors/arrays stay, else int/float",
}


KIND_HEADS: Final[dict[str, TensorKind | None]] = {
    "tensor": TensorKind.DENSE,
    "variable": TensorKind.VARIABLE,
    "ragged": TensorKind.RAGGED,
    "sparse": TensorKind.SPARSE,
    "keras-symbolic": TensorKind.DENSE,
    "ndarray": None,
}


PYTHON_HEADS: Final[frozenset[str]] = frozenset(
    {"int", "float", "bool", "str", "bytes", "complex", "none"}
)


_BARE_HEADS: Final[frozenset[str]] = frozenset(
    {*KIND_HEADS, *PYTHON_HEADS, "dtype", "unknown", "dynamic", "never", "self", "instance"}
)


WRAPPERS: Final[frozenset[str]] = frozenset(
    {
        "list", "tuple", "set", "dict", "iterator", "dataset", "sliced-dataset",
        "dataset-of-self", "element", "item", "numpy",
        "tensors", "data-tensors", "structure", "leaves", "slices", "unbatch", "iter",
        "shape-of", "dtype-of", "rank-of", "len", "keys", "values", "pairs", "to-list",
        "to-tuple", "to-set", "type-of",
    }
)


_REFERENCES: Final[frozenset[str]] = frozenset(
    {
        "like", "arg", "call", "batch", "zip", "to-dict", "convert", "range", "enumerate",
        "zip-iter", "min", "max", "sum", "binary", "unary", "subscript", "get", "unstack",
        "split", "map-fn", "round",
    }
)


_LITERAL_HEADS: Final[frozenset[str]] = frozenset({"const", "instance", "class", "callable"})


@functools.lru_cache(maxsize=4096)
def parse_return_rule(text: str) -> Rule:
    """Parse (and cache) a return rule; raises ``RuleError`` when it is malformed."""
    alternatives = [part.strip() for part in text.split("|")]
    if len(alternatives) > 1:
        return Rule("join", inner=tuple(_parse_alternative(a) for a in alternatives))
    return _parse_alternative(alternatives[0])


def _parse_alternative(text: str) -> Rule:
    if not text:
        raise RuleError("empty return rule")
    head, _, rest = text.partition(":")
    if head == "tuple-of":
        return _parse_tuple_of(rest, text)
    dtype = shape = None
    if head in WRAPPERS and "tuple-of:" in rest:
        return Rule(head, inner=(_parse_alternative(rest),))
    if "@" in text:
        base, *overrides = text.split("@")
        if len(overrides) > 2:
            raise RuleError(f"too many @ overrides in {text!r}")
        dtype = overrides[0] or None
        shape = overrides[1] if len(overrides) > 1 and overrides[1] else None
        for rule, check in ((dtype, check_dtype_rule), (shape, check_shape_rule)):
            if rule is not None:
                check(rule)
        head, _, rest = base.partition(":")
    if head in WRAPPERS:
        if not rest:
            raise RuleError(f"{head!r} needs a nested rule: {text!r}")
        bare = ":" not in rest.partition("@")[0]
        is_param = bare and rest.partition("@")[0] not in _BARE_HEADS
        inner = Rule("arg", (rest,)) if is_param else _parse_alternative(rest)
        return Rule(head, inner=(inner,), dtype=dtype, shape=shape)
    if head in _REFERENCES:
        if not rest:
            raise RuleError(f"{head!r} needs parameters: {text!r}")
        return Rule(head, tuple(rest.split(",")), dtype=dtype, shape=shape)
    if head in _LITERAL_HEADS:
        if head == "const":
            literal(rest)
        return Rule(head, (rest,) if rest else (), dtype=dtype, shape=shape)
    if head in _BARE_HEADS and not rest:
        return Rule(head, dtype=dtype, shape=shape)
    raise RuleError(f"unknown return rule {text!r}")


def _parse_tuple_of(rest: str, text: str) -> Rule:
    """``tuple-of:R1;R2`` or, for a named tuple, ``tuple-of:NAME1=R1;NAME2=R2`` (the field names
    become the tuple's ``keys``: ``.NAME`` reads the item, see ``model.namedtuple_class``)."""
    names: list[str] = []
    inner: list[Rule] = []
    for item in rest.split(";"):
        name, equals, rule = item.partition("=")
        if equals and name.isidentifier():
            names.append(name)
            item = rule
        inner.append(_parse_alternative(item))
    if names and len(names) != len(inner):
        raise RuleError(f"name every item of a named tuple or none: {text!r}")
    if len(set(names)) != len(names):
        raise RuleError(f"duplicate field names in {text!r}")
    return Rule("tuple-of", tuple(names), tuple(inner))


def literal(text: str) -> Constant:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as error:
        raise RuleError(f"not a literal: {text!r}") from error
    if value is None or isinstance(value, (int, float, str, bool, bytes, complex)):
        return value
    raise RuleError(f"not a scalar literal: {text!r}")


def _split_rule(text: str) -> list[tuple[str, tuple[str, ...]]]:
    parts: list[tuple[str, tuple[str, ...]]] = []
    for alternative in text.split("|"):
        head, _, rest = alternative.strip().partition(":")
        parts.append((head, tuple(rest.split(",")) if rest else ()))
    return parts


@functools.lru_cache(maxsize=4096)
def parse_dtype_rule(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(_split_rule(text))


@functools.lru_cache(maxsize=4096)
def parse_shape_rule(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(_split_rule(text))


def check_dtype_rule(text: str) -> None:
    for head, params in parse_dtype_rule(text):
        if head in DTYPE_FUNCTIONS:
            if not params and head not in ("unknown",):
                raise RuleError(f"dtype rule {head!r} needs parameters in {text!r}")
        elif params or DType.of(head).is_top:
            raise RuleError(f"unknown dtype rule {head!r} in {text!r}")


def check_shape_rule(text: str) -> None:
    for head, _ in parse_shape_rule(text):
        if head not in SHAPE_FUNCTIONS:
            raise RuleError(f"unknown shape rule {head!r} in {text!r}")

