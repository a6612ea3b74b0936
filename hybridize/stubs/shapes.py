"""Shape arithmetic of TensorFlow and NumPy operations on abstract shapes.

Each function takes shapes whose dims may be unknown (``None``) or whose rank may be unknown, and
returns the most precise shape that is certainly right: a dim it cannot determine is ``None``, a
rank it cannot determine gives ``Shape.UNKNOWN``. Invalid combinations (which raise at run time)
also give ``Shape.UNKNOWN``: the analysis is not a shape checker.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from hybridize.lattice.shape import Dim, Shape
from hybridize.lattice.values import ConstAtom, ContainerAtom, NDArrayAtom, TensorAtom, Value

Dims = tuple[Dim, ...]


# -- reading shapes and integers out of values -------------------------------------------------


def shape_of(value: Value) -> Shape:
    """Static shape of a tensor, array, Python scalar or nested list/tuple literal."""
    result = Shape.BOTTOM
    for atom in value.atoms:
        if isinstance(atom, TensorAtom):
            shape = atom.type.shape
        elif isinstance(atom, NDArrayAtom):
            shape = atom.shape
        elif isinstance(atom, ConstAtom) and atom.pytype in (
            "int", "float", "bool", "str", "bytes", "complex"
        ):
            shape = Shape.SCALAR
        elif isinstance(atom, ContainerAtom) and atom.kind in ("list", "tuple"):
            shape = _literal_shape(atom)
        else:
            shape = Shape.UNKNOWN
        result = result.join(shape)
    return Shape.UNKNOWN if result.bottom else result


def _literal_shape(atom: ContainerAtom) -> Shape:
    if atom.items is not None:
        if not atom.items:
            return Shape((0,))
        inner = Shape.BOTTOM
        for item in atom.items:
            inner = inner.join(shape_of(item))
        length: Dim = len(atom.items)
    else:
        inner = Shape.UNKNOWN if atom.element.is_bottom else shape_of(atom.element)
        length = None
    if inner.dims is None:
        return Shape.UNKNOWN
    return Shape((length, *inner.dims))


def const_int(value: Value | None) -> int | None:
    """The single known int (not bool) of ``value``."""
    if value is None:
        return None
    known, constant = value.constant()
    if known and isinstance(constant, int) and not isinstance(constant, bool):
        return constant
    return None


def const_number(value: Value | None) -> int | float | None:
    """The single known int or float (not bool) of ``value``."""
    if value is None:
        return None
    known, constant = value.constant()
    if known and isinstance(constant, (int, float)) and not isinstance(constant, bool):
        return constant
    return None


def const_bool(value: Value | None) -> bool | None:
    if value is None:
        return None
    known, constant = value.constant()
    if known and isinstance(constant, (bool, int)):
        return bool(constant)
    return None


def is_none(value: Value | None) -> bool:
    return value is None or value == Value.NONE


def int_items(value: Value | None) -> list[Dim] | None:
    """A shape-like argument as a list of dims: ``[2, 3]``, ``(2, None)``, ``5`` (→ ``[5]``),
    a 1-D tensor of static length n (→ n unknown dims). ``None`` when not even the length is known.
    Items that are not known ints (``-1`` included) are kept as ``None``; see ``int_items_raw``."""
    raw = int_items_raw(value)
    if raw is None:
        return None
    return [d if d is not None and d >= 0 else None for d in raw]


def int_items_raw(value: Value | None) -> list[int | None] | None:
    """Like ``int_items`` but keeps negative constants (``-1`` in ``reshape``)."""
    if value is None or len(value.atoms) != 1:
        return None
    atom = value.atoms[0]
    if isinstance(atom, ConstAtom):
        single = const_int(value)
        return None if single is None else [single]
    if isinstance(atom, ContainerAtom) and atom.kind in ("list", "tuple"):
        if atom.items is None:
            return None
        result: list[int | None] = []
        for item in atom.items:
            if item == Value.NONE:
                result.append(None)
            else:
                result.append(const_int(item))
        return result
    if isinstance(atom, (TensorAtom, NDArrayAtom)):
        shape = atom.type.shape if isinstance(atom, TensorAtom) else atom.shape
        if shape.dims is not None and len(shape.dims) == 1 and shape.dims[0] is not None:
            return [None] * shape.dims[0]
        if shape.dims == ():
            return [None]
    return None


def axis_list(value: Value | None) -> list[int] | None:
    """Known axes of an ``axis`` argument: an int or a list/tuple of ints."""
    raw = int_items_raw(value)
    if raw is None or any(a is None for a in raw):
        return None
    if value is not None and value.only(TensorAtom) is not None:
        return None
    return [a for a in raw if a is not None]


def normalize_axis(axis: int, rank: int) -> int | None:
    if -rank <= axis < rank:
        return axis % rank
    return None


# -- shape functions ---------------------------------------------------------------------------


def broadcast(shapes: Sequence[Shape]) -> Shape:
    """NumPy/TF broadcasting of all ``shapes``."""
    if not shapes:
        return Shape.UNKNOWN
    dims_list: list[Dims] = []
    for shape in shapes:
        if shape.dims is None:
            return Shape.UNKNOWN
        dims_list.append(shape.dims)
    rank = max(len(d) for d in dims_list)
    result: list[Dim] = []
    for position in range(rank):
        column = [d[len(d) - rank + position] for d in dims_list if len(d) - rank + position >= 0]
        result.append(_broadcast_dim(column))
    return Shape(tuple(result))


def _broadcast_dim(column: Iterable[Dim]) -> Dim:
    known = {d for d in column if d is not None}
    unknown = any(d is None for d in column)
    big = known - {1}
    if len(big) > 1:
        return None
    if big:
        return next(iter(big))
    if unknown:
        return None
    return 1


def matmul(a: Shape, b: Shape, transpose_a: bool, transpose_b: bool, numpy: bool = False) -> Shape:
    if a.dims is None or b.dims is None:
        return Shape.UNKNOWN
    da, db = list(a.dims), list(b.dims)
    if numpy and (len(da) == 1 or len(db) == 1):
        if len(da) == 1 and len(db) == 1:
            return Shape.SCALAR
        if len(da) == 1:
            return Shape((*db[:-2], db[-1]))
        return Shape(tuple(da[:-1]))
    if len(da) < 2 or len(db) < 2:
        return Shape.UNKNOWN
    if transpose_a:
        da[-1], da[-2] = da[-2], da[-1]
    if transpose_b:
        db[-1], db[-2] = db[-2], db[-1]
    batch = broadcast([Shape(tuple(da[:-2])), Shape(tuple(db[:-2]))])
    if batch.dims is None:
        return Shape.UNKNOWN
    return Shape((*batch.dims, da[-2], db[-1]))


def reduce(shape: Shape, axes: list[int] | None, keepdims: bool | None, any_one_axis: bool = False
           ) -> Shape:
    """Reduction over ``axes`` (``None``: all axes). ``any_one_axis`` means a single axis whose
    value is not known; ``keepdims=None`` means not known (the two outcomes are joined)."""
    if keepdims is None:
        return reduce(shape, axes, True, any_one_axis).join(
            reduce(shape, axes, False, any_one_axis)
        )
    if shape.dims is None:
        if axes is None and not any_one_axis and not keepdims:
            return Shape.SCALAR
        return Shape.UNKNOWN
    rank = len(shape.dims)
    if any_one_axis:
        return Shape.of_rank(rank) if keepdims else Shape.of_rank(max(rank - 1, 0))
    if axes is None:
        return Shape((1,) * rank) if keepdims else Shape.SCALAR
    normalized: set[int] = set()
    for axis in axes:
        n = normalize_axis(axis, rank)
        if n is None:
            return Shape.UNKNOWN
        normalized.add(n)
    if keepdims:
        return Shape(tuple(1 if i in normalized else d for i, d in enumerate(shape.dims)))
    return Shape(tuple(d for i, d in enumerate(shape.dims) if i not in normalized))


def reshape(shape: Shape, target: list[int | None] | None) -> Shape:
    """``reshape`` to ``target`` (its ints; ``-1`` inferred when everything else is known)."""
    if target is None:
        return Shape.UNKNOWN
    dims: list[Dim] = [d if d is not None and d >= 0 else None for d in target]
    if target.count(-1) == 1:
        index = target.index(-1)
        total = num_elements(shape)
        rest = [d for i, d in enumerate(target) if i != index]
        if total is not None and all(d is not None for d in rest):
            known = math.prod(d for d in rest if d is not None)
            if known and total % known == 0:
                dims[index] = total // known
    return Shape(tuple(dims))


def num_elements(shape: Shape) -> int | None:
    if shape.dims is None or any(d is None for d in shape.dims):
        return None
    return math.prod(d for d in shape.dims if d is not None)


def concat(shapes: Sequence[Shape], count_known: bool, axis: int | None) -> Shape:
    """Concatenation of ``shapes`` along ``axis`` (all items known when ``count_known``)."""
    if not shapes or axis is None:
        return Shape.UNKNOWN
    ranks = {s.rank for s in shapes if s.rank is not None}
    if len(ranks) != 1:
        return Shape.UNKNOWN
    rank = ranks.pop()
    index = normalize_axis(axis, rank)
    if index is None:
        return Shape.UNKNOWN
    result: list[Dim] = []
    for position in range(rank):
        column = [s.dims[position] if s.dims is not None else None for s in shapes]
        if position == index:
            total: Dim = None
            if count_known and all(d is not None for d in column):
                total = sum(d for d in column if d is not None)
            result.append(total)
        else:
            result.append(_unify(column))
    return Shape(tuple(result))


def _unify(column: Iterable[Dim]) -> Dim:
    """Dims that must be equal at run time: any known one is the answer."""
    known = {d for d in column if d is not None}
    return known.pop() if len(known) == 1 else None


def unify(shapes: Sequence[Shape]) -> Shape:
    """Shapes that must be equal (``tf.stack`` items): pointwise, known dims win."""
    ranks = {s.rank for s in shapes if s.rank is not None}
    if len(ranks) != 1:
        return Shape.UNKNOWN
    rank = ranks.pop()
    return Shape(
        tuple(
            _unify(s.dims[i] if s.dims is not None else None for s in shapes) for i in range(rank)
        )
    )


def insert_dim(shape: Shape, axis: int, dim: Dim) -> Shape:
    """Insert ``dim`` at ``axis`` of the *result* (``expand_dims``/``stack`` semantics)."""
    if shape.dims is None:
        return Shape.UNKNOWN
    rank = len(shape.dims) + 1
    index = normalize_axis(axis, rank)
    if index is None:
        return Shape.UNKNOWN
    dims = list(shape.dims)
    dims.insert(index, dim)
    return Shape(tuple(dims))


def squeeze(shape: Shape, axes: list[int] | None) -> Shape:
    if shape.dims is None:
        return Shape.UNKNOWN
    if axes is None:
        if any(d is None for d in shape.dims):
            return Shape.UNKNOWN
        return Shape(tuple(d for d in shape.dims if d != 1))
    rank = len(shape.dims)
    drop = {normalize_axis(a, rank) for a in axes}
    if None in drop:
        return Shape.UNKNOWN
    return Shape(tuple(d for i, d in enumerate(shape.dims) if i not in drop))


def transpose(shape: Shape, perm: list[int] | None) -> Shape:
    if shape.dims is None:
        return Shape.UNKNOWN
    if perm is None:
        return Shape(tuple(reversed(shape.dims)))
    rank = len(shape.dims)
    if sorted(normalize_axis(p, rank) or 0 for p in perm) != list(range(rank)) or len(perm) != rank:
        return Shape.UNKNOWN
    return Shape(tuple(shape.dims[p % rank] for p in perm))


def gather(params: Shape, indices: Shape, axis: int, batch_dims: int) -> Shape:
    if params.dims is None or indices.dims is None:
        return Shape.UNKNOWN
    index = normalize_axis(axis, len(params.dims))
    if index is None or batch_dims < 0:
        return Shape.UNKNOWN
    return Shape(
        (*params.dims[:index], *indices.dims[batch_dims:], *params.dims[index + 1 :])
    )


def gather_nd(params: Shape, indices: Shape, batch_dims: int) -> Shape:
    if params.dims is None or indices.dims is None or not indices.dims:
        return Shape.UNKNOWN
    depth = indices.dims[-1]
    if depth is None:
        return Shape.UNKNOWN
    return Shape((*indices.dims[:-1], *params.dims[batch_dims + depth :]))


def tile(shape: Shape, multiples: list[Dim] | None) -> Shape:
    if shape.dims is None or multiples is None or len(multiples) != len(shape.dims):
        return Shape.UNKNOWN if shape.dims is None else Shape.of_rank(len(shape.dims))
    return Shape(
        tuple(
            d * m if d is not None and m is not None else None
            for d, m in zip(shape.dims, multiples, strict=True)
        )
    )


def replace_last(shape: Shape, dim: Dim) -> Shape:
    if shape.dims is None or not shape.dims:
        return Shape.UNKNOWN
    return Shape((*shape.dims[:-1], dim))


def drop_last(shape: Shape) -> Shape:
    if shape.dims is None or not shape.dims:
        return Shape.UNKNOWN
    return Shape(shape.dims[:-1])


def drop_first(shape: Shape) -> Shape:
    if shape.dims is None or not shape.dims:
        return Shape.UNKNOWN
    return Shape(shape.dims[1:])


def prepend(shape: Shape, dim: Dim) -> Shape:
    if shape.dims is None:
        return Shape.UNKNOWN
    return Shape((dim, *shape.dims))


def append(shape: Shape, dim: Dim) -> Shape:
    if shape.dims is None:
        return Shape.UNKNOWN
    return Shape((*shape.dims, dim))


def flatten(shape: Shape) -> Shape:
    """Keras ``Flatten``: keep the batch dim, multiply the rest."""
    if shape.dims is None or not shape.dims:
        return Shape.UNKNOWN
    rest = shape.dims[1:]
    size: Dim = math.prod(d for d in rest if d is not None) if all(
        d is not None for d in rest
    ) else None
    return Shape((shape.dims[0], size))


def conv_output(size: Dim, kernel: int, stride: int, same_padding: bool, dilation: int = 1
                ) -> Dim:
    if size is None:
        return None
    if same_padding:
        return -(-size // stride)
    effective = (kernel - 1) * dilation + 1
    return max((size - effective) // stride + 1, 0)


def spatial(
    shape: Shape,
    kernel: list[int] | None,
    strides: list[int] | None,
    same_padding: bool | None,
    channels: Dim,
    spatial_rank: int,
) -> Shape:
    """Output shape of a channels-last convolution or pooling over ``spatial_rank`` dims
    (``channels=None`` with a pooling keeps the input channels: pass the input's)."""
    if shape.dims is None or len(shape.dims) != spatial_rank + 2:
        return Shape.UNKNOWN
    batch, *sizes, _ = shape.dims
    if kernel is None or strides is None or same_padding is None:
        return Shape((batch, *([None] * spatial_rank), channels))
    out = [
        conv_output(size, k, stride, same_padding)
        for size, k, stride in zip(sizes, kernel, strides, strict=False)
    ]
    return Shape((batch, *out, channels))


_EINSUM_TERM = re.compile(r"^[a-zA-Z]*$")


def einsum(equation: str, operands: Sequence[Shape]) -> Shape:
    """Output shape of ``einsum(equation, *operands)`` (ellipsis not modelled)."""
    equation = equation.replace(" ", "")
    if "." in equation:
        return Shape.UNKNOWN
    if "->" in equation:
        inputs_text, output = equation.split("->", 1)
    else:
        inputs_text = equation
        letters = [c for c in inputs_text.replace(",", "")]
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    inputs = inputs_text.split(",")
    if len(inputs) != len(operands) or not all(_EINSUM_TERM.match(t) for t in [*inputs, output]):
        return Shape.UNKNOWN
    sizes: dict[str, set[int]] = {}
    for term, shape in zip(inputs, operands, strict=True):
        if shape.dims is not None:
            if len(shape.dims) != len(term):
                return Shape.UNKNOWN
            for letter, dim in zip(term, shape.dims, strict=True):
                bucket = sizes.setdefault(letter, set())
                if dim is not None and dim != 1:
                    bucket.add(dim)
    return Shape(
        tuple(
            next(iter(sizes[c])) if len(sizes.get(c, ())) == 1 else None
            for c in output
        )
    )


def range_length(start: float, stop: float, step: float) -> int | None:
    """Length of ``range``/``tf.range``/``np.arange`` (float bounds allowed)."""
    if step == 0:
        return None
    return max(0, math.ceil((stop - start) / step))


def slice_length(size: Dim, lower: int | None, upper: int | None, step: int | None
                 ) -> Dim:
    """Length of ``x[lower:upper:step]`` along a dim of ``size``."""
    if step == 0:
        return None
    if size is None:
        return None  # x[0:3] is shorter when the dim is shorter
    return len(range(size)[slice(lower, upper, step)])
