"""Dtype inference and promotion, the way TensorFlow and NumPy do it.

TensorFlow and NumPy disagree on the dtype of the same Python literal (``tf.constant(1)`` is int32,
``np.array(1)`` is int64; ``1.0`` is float32 vs float64), and on mixing dtypes (TensorFlow refuses
``int32 + float32`` unless NumPy behaviour is enabled, NumPy promotes). Python scalars are *weak*
in both (NEP 50): they adopt the dtype of the array or tensor they meet. These functions encode
those rules on abstract values; whenever the answer is not certain they return ``DType.TOP``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import attrs

from hybridize.lattice.dtype import DType
from hybridize.lattice.values import (
    ClassAtom,
    ConstAtom,
    ContainerAtom,
    NDArrayAtom,
    TensorAtom,
    Value,
)

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1

#: Python scalar type -> (TensorFlow dtype, NumPy dtype) of a literal of that type.
_LITERAL_DTYPES: Final[dict[str, tuple[str, str]]] = {
    "int": ("int32", "int64"),
    "float": ("float32", "float64"),
    "bool": ("bool", "bool"),
    "str": ("string", "string"),
    "bytes": ("string", "string"),
    "complex": ("complex128", "complex128"),
}

_KIND_ORDER: Final[dict[str, int]] = {"bool": 0, "int": 1, "float": 2, "complex": 3}

_SIGNED = {"int8": 8, "int16": 16, "int32": 32, "int64": 64}
_UNSIGNED = {"uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}
_FLOATS = {"float16": 16, "float32": 32, "float64": 64}
_COMPLEX = {"complex64": 64, "complex128": 128}


@attrs.frozen
class Leaves:
    """The scalar leaves of a (possibly nested) value: dtypes of arrays and tensors (*strong*),
    Python scalar types (*weak*), and whether something is unknown or the value is empty."""

    strong: frozenset[DType] = frozenset()
    weak: frozenset[str] = frozenset()
    big_int: bool = False
    unknown: bool = False
    empty: bool = False


def leaves(value: Value, depth: int = 0) -> Leaves:
    strong: set[DType] = set()
    weak: set[str] = set()
    big_int = unknown = empty = False
    for atom in value.atoms:
        if isinstance(atom, (TensorAtom, NDArrayAtom)):
            strong.add(atom.type.dtype if isinstance(atom, TensorAtom) else atom.dtype)
        elif isinstance(atom, ConstAtom) and atom.pytype in _LITERAL_DTYPES:
            weak.add(atom.pytype)
            if atom.pytype == "int" and atom.values is not None:
                big_int |= any(
                    isinstance(v, int) and not _INT32_MIN <= v <= _INT32_MAX for v in atom.values
                )
        elif isinstance(atom, ContainerAtom) and atom.kind in ("list", "tuple") and depth < 8:
            if atom.items == ():
                empty = True
                continue
            inner = leaves(atom.element, depth + 1)
            strong |= inner.strong
            weak |= inner.weak
            big_int |= inner.big_int
            unknown |= inner.unknown
        else:
            unknown = True
    return Leaves(frozenset(strong), frozenset(weak), big_int, unknown, empty)


def _literal(weak: frozenset[str], numpy: bool, big_int: bool) -> DType:
    if not weak:
        return DType.TOP
    if weak <= {"str", "bytes"}:
        return DType.of("string")
    if weak & {"str", "bytes"}:
        return DType.TOP
    if weak == {"bool"}:
        return DType.of("bool")
    if "bool" in weak and not numpy:
        return DType.TOP  # tf.constant([True, 1]) raises
    highest = max(weak, key=_KIND_ORDER.__getitem__)
    if highest == "int" and big_int and not numpy:
        return DType.of("int64")
    return DType.of(_LITERAL_DTYPES[highest][1 if numpy else 0])


def infer(value: Value, numpy: bool = False) -> DType:
    """The dtype TensorFlow (``tf.constant``) or NumPy (``np.array``) gives to ``value``."""
    found = leaves(value)
    if found.unknown or value.is_bottom:
        return DType.TOP
    if found.strong:
        if len(found.strong) != 1:
            return DType.TOP
        return next(iter(found.strong))
    if found.weak:
        return _literal(found.weak, numpy, found.big_int)
    if found.empty:
        return DType.of("float64" if numpy else "float32")
    return DType.TOP


def strong_dtype(value: Value) -> DType:
    """The dtype of the tensor or array in ``value``; ⊤ when it is not (only) one."""
    found = leaves(value)
    if found.unknown or found.weak or len(found.strong) != 1:
        return DType.TOP
    return next(iter(found.strong))


def promote_tf(operands: Sequence[Value]) -> DType:
    """Dtype of a TF binary op: tensors and arrays must agree, Python scalars adopt their dtype
    (an int tensor with a float literal raises, so that is ⊤)."""
    strong: set[DType] = set()
    weak: set[str] = set()
    for operand in operands:
        found = leaves(operand)
        if found.unknown or operand.is_bottom:
            return DType.TOP
        strong |= found.strong
        weak |= found.weak
    if strong:
        if len(strong) != 1:
            return DType.TOP
        result = next(iter(strong))
        if "complex" in weak and not result.name.startswith("complex"):
            return DType.TOP
        if "float" in weak and not (result.is_floating or result.name.startswith("complex")):
            return DType.TOP
        if weak & {"str", "bytes"} and result.name != "string":
            return DType.TOP
        return result
    inferred = {infer(operand) for operand in operands}
    return inferred.pop() if len(inferred) == 1 else DType.TOP


def _kind(dtype: str) -> int:
    if dtype == "bool":
        return 0
    if dtype in _SIGNED or dtype in _UNSIGNED:
        return 1
    if dtype in _FLOATS or dtype == "bfloat16":
        return 2
    if dtype in _COMPLEX:
        return 3
    return -1


def _float_for_int(dtype: str) -> int:
    bits = _SIGNED.get(dtype) or _UNSIGNED.get(dtype) or 0
    return {8: 16, 16: 32}.get(bits, 64)


def np_result_type(a: DType, b: DType) -> DType:
    """``np.result_type`` of two array dtypes, for the numeric dtypes (others: equal or ⊤)."""
    x, y = a.known, b.known
    if x is None or y is None:
        return DType.TOP
    if x == y:
        return a
    kx, ky = _kind(x), _kind(y)
    if kx < 0 or ky < 0:
        return DType.TOP
    if kx == 0:
        return b
    if ky == 0:
        return a
    if kx == 1 and ky == 1:
        return _int_result(x, y)
    if kx == 1 or ky == 1:
        integer, other = (x, y) if kx == 1 else (y, x)
        needed = _float_for_int(integer)
        if _kind(other) == 3:
            bits = max(_COMPLEX[other], 2 * needed)
            return DType.of(f"complex{bits}")
        return DType.of(f"float{max(_FLOATS.get(other, 32), needed)}")
    if kx == 3 or ky == 3:
        bits = max(_COMPLEX.get(x, 2 * _FLOATS.get(x, 32)), _COMPLEX.get(y, 2 * _FLOATS.get(y, 32)))
        return DType.of(f"complex{bits}")
    if "bfloat16" in (x, y):
        return DType.of("float32") if {x, y} <= {"bfloat16", "float16"} else DType.of(
            f"float{max(_FLOATS.get(x, 32), _FLOATS.get(y, 32))}"
        )
    return DType.of(f"float{max(_FLOATS[x], _FLOATS[y])}")


def _int_result(x: str, y: str) -> DType:
    if x in _SIGNED and y in _SIGNED:
        return DType.of(f"int{max(_SIGNED[x], _SIGNED[y])}")
    if x in _UNSIGNED and y in _UNSIGNED:
        return DType.of(f"uint{max(_UNSIGNED[x], _UNSIGNED[y])}")
    unsigned = _UNSIGNED[x] if x in _UNSIGNED else _UNSIGNED[y]
    signed = _SIGNED[x] if x in _SIGNED else _SIGNED[y]
    if signed > unsigned:
        return DType.of(f"int{signed}")
    if unsigned < 64:
        return DType.of(f"int{2 * unsigned}")
    return DType.of("float64")


def promote_np(operands: Sequence[Value]) -> DType:
    """Dtype of a NumPy operation (NEP 50: arrays are strong, Python scalars weak)."""
    strong: set[DType] = set()
    weak: set[str] = set()
    for operand in operands:
        found = leaves(operand)
        if found.unknown or operand.is_bottom:
            return DType.TOP
        strong |= found.strong
        weak |= found.weak
    if weak & {"str", "bytes"}:
        return DType.TOP
    if not strong:
        return _literal(frozenset(weak), True, False) if weak else DType.TOP
    result = DType.BOTTOM
    for dtype in strong:
        result = dtype if result.is_bottom else np_result_type(result, dtype)
    if result.known is None or not weak:
        return result
    weak_kind = max(_KIND_ORDER[w] for w in weak)
    kind = _kind(result.known)
    if weak_kind <= kind:
        return result
    if weak_kind == 1:
        return DType.of("int64")
    if weak_kind == 2:
        return DType.of("float64")
    if result.known in ("float16", "float32"):
        return DType.of("complex64")
    return DType.of("complex128")


def np_float(dtype: DType) -> DType:
    """Result dtype of a NumPy float ufunc (``np.sqrt``, ``np.exp``): floats keep their dtype,
    integers become the smallest float that holds them."""
    name = dtype.known
    if name is None:
        return DType.TOP
    kind = _kind(name)
    if kind in (2, 3):
        return dtype
    if kind == 0:
        return DType.of("float16")
    if kind == 1:
        return DType.of(f"float{_float_for_int(name)}")
    return DType.TOP


def np_mean(dtype: DType) -> DType:
    """``np.mean``: integers and bools average in float64, floats keep their dtype."""
    name = dtype.known
    if name is None:
        return DType.TOP
    return dtype if _kind(name) in (2, 3) else DType.of("float64")


def tf_truediv(dtype: DType) -> DType:
    """``/`` on TF tensors: int8/16 and uint8/16 give float32, wider integers float64."""
    name = dtype.known
    if name is None:
        return DType.TOP
    if name in ("int8", "int16", "uint8", "uint16"):
        return DType.of("float32")
    if name in ("int32", "int64", "uint32", "uint64"):
        return DType.of("float64")
    return dtype if _kind(name) in (2, 3) else DType.TOP


_PY_CLASS_DTYPES: Final[dict[str, tuple[str | None, str | None]]] = {
    "builtins.float": ("float32", "float64"),
    "builtins.int": (None, "int64"),
    "builtins.bool": ("bool", "bool"),
    "builtins.str": ("string", "string"),
    "builtins.bytes": ("string", "string"),
    "builtins.complex": ("complex128", "complex128"),
}

_NUMPY_NAME_ALIASES: Final[dict[str, str]] = {
    "float": "float64",
    "double": "float64",
    "int": "int64",
    "float_": "float64",
    "int_": "int64",
    "single": "float32",
    "half": "float16",
    "bool_": "bool",
    "str_": "string",
}


def from_spec(value: Value, numpy: bool = False) -> DType | None:
    """The dtype a ``dtype=`` argument names: a dtype constant (``tf.float32``), a string
    (``"float32"``), or a Python/NumPy type (``float``, ``np.int64``). ``None`` when the argument
    is ``None`` (so a rule can fall back to its next alternative), ⊤ when not known."""
    found: set[DType] = set()
    for atom in value.atoms:
        if isinstance(atom, ConstAtom):
            if atom.pytype == "none":
                continue
            if atom.pytype in ("dtype", "str") and atom.values is not None:
                found |= {_dtype_name(str(v), numpy) for v in atom.values}
            else:
                found.add(DType.TOP)
        elif isinstance(atom, ClassAtom):
            pair = _PY_CLASS_DTYPES.get(atom.ref)
            if pair is not None:
                found.add(DType.of(pair[1 if numpy else 0]))
            else:
                found.add(_dtype_name(atom.ref, numpy))
        else:
            found.add(DType.TOP)
    if not found:
        return None
    return found.pop() if len(found) == 1 else DType.TOP


def _dtype_name(name: str, numpy: bool) -> DType:
    short = name.rsplit(".", 1)[-1]
    if numpy:
        short = _NUMPY_NAME_ALIASES.get(short, short)
    return DType.of(short)


def join_dtypes(dtypes: Iterable[DType]) -> DType:
    result = DType.BOTTOM
    for dtype in dtypes:
        result = result.join(dtype)
    return DType.TOP if result.is_bottom else result
