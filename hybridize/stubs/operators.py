"""Python operators, subscripts and iteration on abstract values.

These are the transfer functions the interpreter needs for ``a + b``, ``-x``, ``x[i]`` and
``for e in x`` when the operands are tensors, arrays, Python constants or containers. They follow
the run-time dispatch: a tensor operand makes the result a tensor (``Tensor.__radd__`` wins over
NumPy because of ``__array_priority__``), arrays promote the NumPy way, Python constants fold when
they are few and small. A combination the rules do not know gives an unknown value that says why;
an unknown operand's own unknown (with its reason and origin) is passed through unchanged.

Slices are represented as a ``ContainerAtom`` of kind ``"slice"`` whose three ``items`` are the
lower bound, upper bound and step (``Value.NONE`` when omitted); build them with ``slice_value``.
``...`` is ``ELLIPSIS``; ``None`` in an index (``np.newaxis``/``tf.newaxis``) is ``Value.NONE``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Final

from hybridize.lattice.dtype import DType
from hybridize.lattice.shape import Dim, Shape
from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.values import (
    MAX_CONSTANTS,
    Atom,
    CallableAtom,
    ClassAtom,
    Constant,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    ModuleAtom,
    NDArrayAtom,
    TensorAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    join_all,
)
from hybridize.stubs import promotion, shapes
from hybridize.stubs.model import namedtuple_class

ELLIPSIS: Final[Value] = Value.atom(ConstAtom("ellipsis", None))
"""The value of ``...`` in an index (any ``ConstAtom`` of pytype ``"ellipsis"`` is accepted)."""

BINARY_OPS: Final[frozenset[str]] = frozenset(
    "+ - * / // % ** @ == != < <= > >= & | ^ << >>".split()
)
COMPARISONS: Final[frozenset[str]] = frozenset("== != < <= > >=".split())
UNARY_OPS: Final[frozenset[str]] = frozenset({"-", "+", "~", "not", "abs"})

_PY_NUMERIC: Final[dict[str, int]] = {"bool": 0, "int": 1, "float": 2, "complex": 3}
_NUMERIC_NAMES: Final[tuple[str, ...]] = ("bool", "int", "float", "complex")
_MAX_INT = 2**64
_MAX_STR = 200

_FOLD: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
    "<<": operator.lshift,
    ">>": operator.rshift,
}


def slice_value(
    lower: Value | None = None, upper: Value | None = None, step: Value | None = None
) -> Value:
    """The abstract value of ``slice(lower, upper, step)`` / ``x[lower:upper:step]``."""
    items = tuple(Value.NONE if v is None else v for v in (lower, upper, step))
    return Value.atom(ContainerAtom("slice", join_all(items), items, None, frozenset()))


def _unknown(detail: str, reason: UnknownReason = UnknownReason.UNMODELLED_CALL) -> Value:
    return Value.unknown(reason, None, detail)


# -- binary operators ------------------------------------------------------------------------


def binary_op(op: str, left: Value, right: Value, origin: str = "?") -> Value:
    """The value of ``left <op> right`` (``op`` one of ``BINARY_OPS``); a list or tuple it
    creates (``a + b``) gets the allocation site ``origin``."""
    if op not in BINARY_OPS:
        raise ValueError(f"not a binary operator: {op!r}")
    results = [_binary_atoms(op, a, b, origin) for a in left.atoms for b in right.atoms]
    return join_all(results)


def _binary_atoms(op: str, a: Atom, b: Atom, origin: str) -> Value:
    for atom in (a, b):
        if isinstance(atom, UnknownAtom):
            return Value.atom(atom)
    if isinstance(a, TensorAtom) or isinstance(b, TensorAtom):
        return _tensor_binary(op, a, b)
    if isinstance(a, NDArrayAtom) or isinstance(b, NDArrayAtom):
        return _array_binary(op, a, b)
    if isinstance(a, ConstAtom) and isinstance(b, ConstAtom):
        return _const_binary(op, a, b)
    if isinstance(a, ContainerAtom) or isinstance(b, ContainerAtom):
        return _container_binary(op, a, b, origin)
    if op in ("==", "!="):
        return Value.any_of("bool")
    return _unknown(f"operator {op} on {a.type_name} and {b.type_name}")


_CONVERTIBLE = (TensorAtom, NDArrayAtom, ConstAtom, ContainerAtom)


def _operand(atom: Atom) -> Value:
    return Value.atom(atom)


def _tensor_binary(op: str, a: Atom, b: Atom) -> Value:
    if not (isinstance(a, _CONVERTIBLE) and isinstance(b, _CONVERTIBLE)):
        if op in ("==", "!="):
            return Value.any_of("bool")
        return _unknown(f"operator {op} on {a.type_name} and {b.type_name}")
    for atom in (a, b):
        if isinstance(atom, ConstAtom) and atom.pytype == "none":
            return Value.const(op == "!=") if op in ("==", "!=") else _unknown(
                f"operator {op} on a tensor and None"
            )
        if isinstance(atom, ContainerAtom) and atom.kind not in ("list", "tuple"):
            return _unknown(f"operator {op} on a tensor and a {atom.kind}")
    kinds = {atom.type.kind for atom in (a, b) if isinstance(atom, TensorAtom)}
    if TensorKind.SPARSE in kinds:
        return _unknown(f"operator {op} on a sparse tensor")
    if op in ("<<", ">>"):
        return _unknown(f"operator {op} on a tensor")
    left, right = _operand(a), _operand(b)
    dtype = promotion.promote_tf([left, right])
    if op in COMPARISONS:
        dtype = DType.of("bool")
    elif op == "/":
        dtype = promotion.tf_truediv(dtype)
    if op == "@":
        shape = shapes.matmul(shapes.shape_of(left), shapes.shape_of(right), False, False)
    else:
        shape = shapes.broadcast([shapes.shape_of(left), shapes.shape_of(right)])
    if TensorKind.RAGGED in kinds:
        return Value.tensor(dtype, Shape.UNKNOWN if op == "@" else shape, TensorKind.RAGGED)
    return Value.tensor(dtype, shape)


def _array_binary(op: str, a: Atom, b: Atom) -> Value:
    if not (isinstance(a, _CONVERTIBLE) and isinstance(b, _CONVERTIBLE)):
        if op in ("==", "!="):
            return Value.any_of("bool")
        return _unknown(f"operator {op} on {a.type_name} and {b.type_name}")
    for atom in (a, b):
        if isinstance(atom, ConstAtom) and atom.pytype in ("none", "str", "bytes", "dtype"):
            if op in ("==", "!="):
                return Value.ndarray("bool", Shape.UNKNOWN).join(Value.any_of("bool"))
            return _unknown(f"operator {op} on an array and {atom.pytype}")
        if isinstance(atom, ContainerAtom) and atom.kind not in ("list", "tuple"):
            return _unknown(f"operator {op} on an array and a {atom.kind}")
    left, right = _operand(a), _operand(b)
    dtype = promotion.promote_np([left, right])
    if op in COMPARISONS:
        dtype = DType.of("bool")
    elif op == "/":
        dtype = _np_truediv(dtype)
    elif op in ("&", "|", "^", "<<", ">>") and dtype.is_floating:
        return _unknown(f"operator {op} on float arrays")
    if op == "@":
        shape = shapes.matmul(shapes.shape_of(left), shapes.shape_of(right), False, False, True)
    else:
        shape = shapes.broadcast([shapes.shape_of(left), shapes.shape_of(right)])
    return Value.ndarray(dtype, shape)


def _np_truediv(dtype: DType) -> DType:
    name = dtype.known
    if name is None:
        return DType.TOP
    if dtype.is_floating or name.startswith("complex"):
        return dtype
    return DType.of("float64")


def _py_result_type(op: str, left: str, right: str) -> tuple[str, ...] | None:
    """Python types ``left <op> right`` may produce; ``None`` when it raises ``TypeError``."""
    if op in COMPARISONS:
        return ("bool",)
    numeric = left in _PY_NUMERIC and right in _PY_NUMERIC
    if numeric:
        highest = max(_PY_NUMERIC[left], _PY_NUMERIC[right])
        if op in ("&", "|", "^", "<<", ">>"):
            if highest > 1:
                return None
            if op in ("<<", ">>") or highest == 1:
                return ("int",)
            return ("bool",)
        if op == "@":
            return None
        if op == "/":
            return ("complex",) if highest == 3 else ("float",)
        if op == "**" and highest <= 1:
            return ("int", "float")
        if highest == 3 and op in ("//", "%"):
            return None
        return (_NUMERIC_NAMES[max(highest, 1)],)
    if left == right and left in ("str", "bytes") and op == "+":
        return (left,)
    if op == "*" and {left, right} in ({"str", "int"}, {"bytes", "int"}, {"str", "bool"}):
        return ("str",) if "str" in (left, right) else ("bytes",)
    if op == "%" and left in ("str", "bytes"):
        return (left,)
    return None


def _const_binary(op: str, a: ConstAtom, b: ConstAtom) -> Value:
    if op in ("==", "!=") and (a.pytype == "dtype" or b.pytype == "dtype"):
        if a.pytype == b.pytype:
            return _fold_pairs(op, a, b, ("bool",))
        return Value.any_of("bool")
    types = _py_result_type(op, a.pytype, b.pytype)
    if types is None:
        return _unknown(f"operator {op} on {a.pytype} and {b.pytype}")
    return _fold_pairs(op, a, b, types)


def _any(types: tuple[str, ...]) -> Value:
    return join_all(Value.any_of(t) for t in types)


def _safe(op: str, x: object, y: object) -> bool:
    """Refuse folds that would be expensive or huge (``2 ** 10 ** 9``, ``"a" * 10 ** 9``)."""
    numbers = [v for v in (x, y) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if any(isinstance(v, int) and abs(v) > _MAX_INT for v in numbers):
        return False
    if op == "**" and isinstance(y, (int, float)) and (abs(y) > 64 or abs(x) > 2**32):  # type: ignore[arg-type]
        return False
    if op in ("<<", ">>") and isinstance(y, int) and y > 64:
        return False
    if op == "*" and any(isinstance(v, (str, bytes)) for v in (x, y)):
        count = y if isinstance(y, int) else x
        return isinstance(count, int) and count <= _MAX_STR
    return True


def _fold_pairs(op: str, a: ConstAtom, b: ConstAtom, types: tuple[str, ...]) -> Value:
    if a.values is None or b.values is None or len(a.values) * len(b.values) > MAX_CONSTANTS * 2:
        return _any(types)
    function = _FOLD[op]
    results: list[Value] = []
    for x in a.values:
        for y in b.values:
            if not _safe(op, x, y):
                return _any(types)
            try:
                folded = function(x, y)
            except (ArithmeticError, ValueError, TypeError):
                continue  # this pair raises: it contributes no value
            if isinstance(folded, (str, bytes)) and len(folded) > _MAX_STR:
                return _any(types)
            if isinstance(folded, int) and not isinstance(folded, bool) and abs(folded) > _MAX_INT:
                return _any(types)
            results.append(Value.const(_as_constant(folded)))
    if not results:
        return _any(types)
    return join_all(results)


def _as_constant(value: object) -> Constant:
    if value is None or isinstance(value, (int, float, str, bool, bytes, complex)):
        return value
    return repr(value)


def _container_binary(op: str, a: Atom, b: Atom, origin: str) -> Value:
    if op in ("==", "!=", "<", "<=", ">", ">="):
        return Value.any_of("bool")
    if (
        op == "+"
        and isinstance(a, ContainerAtom)
        and isinstance(b, ContainerAtom)
        and a.kind == b.kind
        and a.kind in ("list", "tuple")
    ):
        items = None if a.items is None or b.items is None else a.items + b.items
        element = a.element.join(b.element)
        return Value.container(a.kind, items, element, origin=origin)
    if op == "*":
        container, count = (a, b) if isinstance(a, ContainerAtom) else (b, a)
        if (
            isinstance(container, ContainerAtom)
            and container.kind in ("list", "tuple")
            and isinstance(count, ConstAtom)
            and count.pytype in ("int", "bool")
        ):
            times = _single(count)
            items = None
            if container.items is not None and isinstance(times, int) and times * len(
                container.items
            ) <= 16:
                items = container.items * max(times, 0)
            return Value.container(container.kind, items, container.element, origin=origin)
    if op in ("|", "&", "-", "^") and isinstance(a, ContainerAtom) and isinstance(b, ContainerAtom):
        if a.kind == b.kind and a.kind in ("set", "dict"):
            return Value.container(a.kind, None, a.element.join(b.element), origin=origin)
    return _unknown(f"operator {op} on {a.type_name} and {b.type_name}")


def _single(atom: ConstAtom) -> Constant:
    if atom.values is not None and len(atom.values) == 1:
        return next(iter(atom.values))
    return None


# -- unary operators -------------------------------------------------------------------------


def unary_op(op: str, value: Value) -> Value:
    """The value of ``<op> value`` for ``-``, ``+``, ``~``, ``not`` (and ``abs`` for the
    builtin)."""
    if op not in UNARY_OPS:
        raise ValueError(f"not a unary operator: {op!r}")
    if op == "not":
        return _truth(value, negate=True)
    return join_all(_unary_atom(op, atom) for atom in value.atoms)


def _truth(value: Value, negate: bool) -> Value:
    results: list[Value] = []
    for atom in value.atoms:
        truth: bool | None = None
        if isinstance(atom, ConstAtom) and atom.values is not None and len(atom.values) == 1:
            truth = bool(next(iter(atom.values)))
        elif isinstance(atom, ContainerAtom) and atom.items is not None and atom.kind != "slice":
            truth = bool(atom.items)
        elif isinstance(atom, (CallableAtom, ClassAtom, ModuleAtom)):
            truth = True
        results.append(Value.any_of("bool") if truth is None else Value.const(truth != negate))
    return join_all(results) if results else Value.BOTTOM


def _unary_atom(op: str, atom: Atom) -> Value:
    if isinstance(atom, UnknownAtom):
        return Value.atom(atom)
    if isinstance(atom, TensorAtom):
        if atom.type.kind is TensorKind.SPARSE and op != "-":
            return _unknown(f"operator {op} on a sparse tensor")
        kind = TensorKind.DENSE if atom.type.kind is TensorKind.VARIABLE else atom.type.kind
        if op == "~" and atom.type.dtype.is_floating:
            return _unknown("operator ~ on a float tensor")
        return Value.atom(TensorAtom(TensorType(kind, atom.type.dtype, atom.type.shape)))
    if isinstance(atom, NDArrayAtom):
        if op == "~" and atom.dtype.is_floating:
            return _unknown("operator ~ on a float array")
        return Value.atom(atom)
    if isinstance(atom, ConstAtom) and atom.pytype in _PY_NUMERIC:
        pytype = atom.pytype
        if op == "~":
            if pytype not in ("int", "bool"):
                return _unknown(f"operator ~ on {pytype}")
            result_type = "int"
        elif op == "abs":
            result_type = {"complex": "float", "bool": "int"}.get(pytype, pytype)
        else:
            result_type = "int" if pytype == "bool" else pytype
        if atom.values is None:
            return Value.any_of(result_type)
        functions: dict[str, Callable[[object], object]] = {
            "-": operator.neg, "+": operator.pos, "~": operator.invert, "abs": abs,  # type: ignore[dict-item]
        }
        return join_all(
            Value.const(_as_constant(functions[op](v))) for v in atom.values
        )
    return _unknown(f"operator {op} on {atom.type_name}")


# -- subscripts --------------------------------------------------------------------------------


def subscript(value: Value, index: Value, origin: str = "?") -> Value:
    """The value of ``value[index]``; never ⊥ for a non-⊥ ``value`` (a failed lookup gives an
    unknown that says why). A list or tuple it creates (``xs[1:]``) gets the allocation site
    ``origin``."""
    results = [_subscript_atom(atom, index, origin) for atom in value.atoms]
    result = join_all(results)
    if result.is_bottom and not value.is_bottom:
        return _unknown("subscript with no possible value", UnknownReason.DYNAMIC_FEATURE)
    return result


def _subscript_atom(atom: Atom, index: Value, origin: str) -> Value:
    if isinstance(atom, UnknownAtom):
        return Value.atom(atom)
    if isinstance(atom, TensorAtom):
        ttype = atom.type
        if ttype.kind is TensorKind.SPARSE:
            return _unknown("subscript of a sparse tensor")
        shape = index_shape(ttype.shape, index, numpy=False)
        if ttype.kind is TensorKind.RAGGED:
            return Value.of(
                [
                    TensorAtom(TensorType(TensorKind.RAGGED, ttype.dtype, shape)),
                    TensorAtom(TensorType(TensorKind.DENSE, ttype.dtype, shape)),
                ]
            )
        return Value.tensor(ttype.dtype, shape)
    if isinstance(atom, NDArrayAtom):
        return Value.ndarray(atom.dtype, index_shape(atom.shape, index, numpy=True))
    if isinstance(atom, ContainerAtom):
        return _container_subscript(atom, index, origin)
    if isinstance(atom, ConstAtom) and atom.pytype in ("str", "bytes"):
        return _string_subscript(atom, index)
    if isinstance(atom, InstanceAtom) and atom.external:
        return _instance_protocol(atom, "__getitem__", [index])
    if isinstance(atom, ClassAtom):
        return Value.atom(atom)  # ``list[int]``, ``tf.Tensor[...]``: a generic alias
    return _unknown(f"subscript of {atom.type_name}")


def is_ellipsis(value: Value) -> bool:
    """``...`` in an index: ``ELLIPSIS`` or any ``ConstAtom`` of pytype ``"ellipsis"``."""
    atom = value.only(ConstAtom)
    return atom is not None and atom.pytype == "ellipsis"


def _components(index: Value) -> list[Value]:
    tuple_atom = index.only(ContainerAtom)
    if tuple_atom is not None and tuple_atom.kind == "tuple" and tuple_atom.items is not None:
        return list(tuple_atom.items)
    return [index]


def _slice_bounds(component: Value) -> tuple[int | None, int | None, int | None] | None:
    """Known bounds of a slice component (``None`` entries are omitted bounds); ``None`` when a
    bound is not a known constant."""
    atom = component.only(ContainerAtom)
    if atom is None or atom.kind != "slice" or atom.items is None:
        return None
    bounds: list[int | None] = []
    for item in atom.items:
        if item == Value.NONE:
            bounds.append(None)
            continue
        constant = shapes.const_int(item)
        if constant is None:
            return None
        bounds.append(constant)
    return bounds[0], bounds[1], bounds[2]


def _is_slice(component: Value) -> bool:
    atom = component.only(ContainerAtom)
    return atom is not None and atom.kind == "slice"


def _is_scalar_index(component: Value) -> bool:
    for atom in component.atoms:
        if isinstance(atom, ConstAtom) and atom.pytype in ("int", "bool"):
            continue
        if isinstance(atom, (TensorAtom, NDArrayAtom)):
            dims = (atom.type.shape if isinstance(atom, TensorAtom) else atom.shape).dims
            if dims == ():
                continue
        return False
    return bool(component.atoms)


def index_shape(shape: Shape, index: Value, numpy: bool) -> Shape:
    """Shape of ``x[index]`` for ``x`` of ``shape`` (basic indexing: ints, slices, ``...``,
    ``None``); advanced (array) indexing gives an unknown shape."""
    components = _components(index)
    plan: list[tuple[str, tuple[int | None, int | None, int | None] | None]] = []
    for component in components:
        if is_ellipsis(component):
            plan.append(("...", None))
        elif component == Value.NONE:
            plan.append(("new", None))
        elif _is_slice(component):
            plan.append(("slice", _slice_bounds(component)))
        elif _is_scalar_index(component):
            plan.append(("int", None))
        else:
            return Shape.UNKNOWN
    if shape.dims is None:
        return Shape.UNKNOWN
    dims = shape.dims
    consumed = sum(1 for kind, _ in plan if kind in ("int", "slice"))
    if consumed > len(dims) or sum(1 for kind, _ in plan if kind == "...") > 1:
        return Shape.UNKNOWN
    result: list[Dim] = []
    position = 0
    for kind, bounds in plan:
        if kind == "new":
            result.append(1)
        elif kind == "int":
            position += 1
        elif kind == "slice":
            size = dims[position]
            result.append(None if bounds is None else shapes.slice_length(size, *bounds))
            position += 1
        else:
            fill = len(dims) - consumed
            result.extend(dims[position : position + fill])
            position += fill
    result.extend(dims[position:])
    return Shape(tuple(result))


def _container_subscript(atom: ContainerAtom, index: Value, origin: str) -> Value:
    if atom.kind == "dict":
        return _dict_lookup(atom, index)
    if atom.kind == "set":
        return _unknown("subscript of a set")
    if atom.kind == "slice":
        return _unknown("subscript of a slice")
    if _is_slice(index):
        bounds = _slice_bounds(index)
        if bounds is not None and atom.items is not None:
            return Value.container(atom.kind, atom.items[slice(*bounds)], origin=origin)
        return Value.container(atom.kind, None, atom.element, origin=origin)
    position = shapes.const_int(index)
    if position is None:
        known, constant = index.constant()
        if known and isinstance(constant, bool):
            position = int(constant)
    if position is not None and atom.items is not None:
        if -len(atom.items) <= position < len(atom.items):
            return atom.items[position]
    if atom.element.is_bottom:
        return _unknown(f"index of an empty {atom.kind}", UnknownReason.DYNAMIC_FEATURE)
    return atom.element


def _dict_lookup(atom: ContainerAtom, key: Value) -> Value:
    constant_atom = key.only(ConstAtom)
    if (
        atom.keys is not None
        and atom.items is not None
        and constant_atom is not None
        and constant_atom.values is not None
    ):
        found = [
            atom.items[atom.keys.index(k)] for k in constant_atom.values if k in atom.keys
        ]
        if found:
            return join_all(found)
    if atom.element.is_bottom:
        return _unknown("key not in dict", UnknownReason.DYNAMIC_FEATURE)
    return atom.element


def _string_subscript(atom: ConstAtom, index: Value) -> Value:
    position = shapes.const_int(index)
    if atom.values is not None and position is not None:
        results: list[Value] = []
        for text in atom.values:
            if isinstance(text, (str, bytes)) and -len(text) <= position < len(text):
                item = text[position]
                results.append(Value.const(item))
        if results:
            return join_all(results)
    if atom.pytype == "bytes" and not _is_slice(index):
        return Value.any_of("int")
    return Value.any_of(atom.pytype)


# -- iteration ---------------------------------------------------------------------------------


def iterate(value: Value) -> Value:
    """The element produced by ``for element in value`` (⊥ for atoms that cannot be iterated)."""
    return join_all(_iterate_atom(atom) for atom in value.atoms)


def _iterate_atom(atom: Atom) -> Value:
    if isinstance(atom, UnknownAtom):
        return Value.atom(atom)
    if isinstance(atom, TensorAtom):
        ttype = atom.type
        if ttype.kind is TensorKind.SPARSE:
            return _unknown("iteration over a sparse tensor")
        if ttype.shape.dims == ():
            return Value.BOTTOM  # iterating a scalar tensor raises
        shape = shapes.drop_first(ttype.shape)
        if ttype.kind is TensorKind.RAGGED:
            return Value.of(
                [
                    TensorAtom(TensorType(TensorKind.RAGGED, ttype.dtype, Shape.UNKNOWN)),
                    TensorAtom(TensorType(TensorKind.DENSE, ttype.dtype, shape)),
                ]
            )
        return Value.tensor(ttype.dtype, shape)
    if isinstance(atom, NDArrayAtom):
        if atom.shape.dims == ():
            return Value.BOTTOM
        return Value.ndarray(atom.dtype, shapes.drop_first(atom.shape))
    if isinstance(atom, (DatasetAtom, IteratorAtom)):
        return atom.element
    if isinstance(atom, ContainerAtom):
        if atom.kind == "dict":
            if atom.keys is not None:
                return join_all(Value.const(k) for k in atom.keys)
            return _unknown("keys of a dict", UnknownReason.DYNAMIC_FEATURE)
        if atom.kind == "slice":
            return Value.BOTTOM
        return atom.element
    if isinstance(atom, ConstAtom):
        if atom.pytype == "str":
            if atom.values is not None:
                chars = {c for v in atom.values if isinstance(v, str) for c in v}
                if len(chars) <= MAX_CONSTANTS:
                    return join_all(Value.const(c) for c in sorted(chars))
            return Value.any_of("str")
        if atom.pytype == "bytes":
            return Value.any_of("int")
        return Value.BOTTOM
    if isinstance(atom, InstanceAtom) and atom.external:
        iterator = _instance_protocol(atom, "__iter__", [])
        if iterator.has_unknown:
            return iterator
        return iterate(iterator)
    return _unknown(f"iteration over {atom.type_name}")


def length(value: Value) -> Value:
    """``len(value)``: a constant when the length is static, else any int."""
    results: list[Value] = []
    for atom in value.atoms:
        n: int | None = None
        if isinstance(atom, ContainerAtom) and atom.items is not None and atom.kind != "slice":
            n = len(atom.items)
        elif isinstance(atom, TensorAtom) and atom.type.shape.dims:
            n = atom.type.shape.dims[0]
        elif isinstance(atom, NDArrayAtom) and atom.shape.dims:
            n = atom.shape.dims[0]
        elif isinstance(atom, ConstAtom) and atom.pytype in ("str", "bytes") and atom.values:
            lengths = {len(v) for v in atom.values if isinstance(v, (str, bytes))}
            results.append(join_all(Value.const(k) for k in sorted(lengths)))
            continue
        results.append(Value.any_of("int") if n is None else Value.const(n))
    return join_all(results) if results else Value.any_of("int")


def _instance_protocol(atom: InstanceAtom, method: str, args: list[Value]) -> Value:
    """Run a protocol method (``__getitem__``, ``__iter__``) of a modelled library instance."""
    from hybridize.stubs import rules
    from hybridize.stubs.loader import load_models

    model = load_models().method(atom.cls, method)
    if model is None:
        return _unknown(f"{atom.cls}.{method}")
    bound = rules.bind(model, args, {}, rules.NOWHERE, receiver=Value.atom(atom))
    return rules.evaluate(model, bound, rules.no_invoke)


def class_of_atom(atom: Atom) -> tuple[str, ...]:
    """Qualified names of the model classes that describe the methods and attributes of
    ``atom``, most specific first (a tuple is also tried as a ``tf.TensorShape``, which the
    models represent as a tuple of dims). Empty for atoms with no model class."""
    if isinstance(atom, TensorAtom):
        return (_TENSOR_CLASSES[atom.type.kind],)
    if isinstance(atom, NDArrayAtom):
        return ("numpy.ndarray",)
    if isinstance(atom, ConstAtom):
        if atom.pytype == "dtype":
            return ("tensorflow.DType",)
        if atom.pytype == "none":
            return ()
        return (f"builtins.{atom.pytype}",)
    if isinstance(atom, ContainerAtom):
        if atom.kind == "tuple":
            named = None if atom.keys is None else namedtuple_class(atom.keys)
            if named is not None:
                return (named, "builtins.tuple")
            return ("builtins.tuple", "tensorflow.TensorShape")
        return (f"builtins.{atom.kind}",)
    if isinstance(atom, DatasetAtom):
        return ("tensorflow.data.Dataset",)
    if isinstance(atom, IteratorAtom):
        return ("collections.abc.Iterator",)
    if isinstance(atom, InstanceAtom) and atom.external:
        return (atom.cls,)
    return ()


_TENSOR_CLASSES: Final[dict[TensorKind, str]] = {
    TensorKind.DENSE: "tensorflow.Tensor",
    TensorKind.VARIABLE: "tensorflow.Variable",
    TensorKind.RAGGED: "tensorflow.RaggedTensor",
    TensorKind.SPARSE: "tensorflow.SparseTensor",
}

