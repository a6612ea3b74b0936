"""Structure-preserving transformations of abstract values (the ``tf.nest``/``tf.data`` view).

TensorFlow treats tuples and dicts (and, in ``tf.nest``, lists) as structure and everything else
as leaves; these helpers rebuild a value with its leaves transformed: converted to tensors, sliced
along the first dim (``from_tensor_slices``), batched, turned into NumPy arrays, or replaced by
gradients of the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import attrs

from hybridize.lattice.shape import Dim, Shape
from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.values import (
    MAX_ITEMS,
    TENSORSHAPE_ORIGIN,
    Atom,
    CallableAtom,
    ClassAtom,
    ConstAtom,
    ContainerAtom,
    InstanceAtom,
    NDArrayAtom,
    TensorAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    join_all,
)
from hybridize.stubs import promotion, shapes
from hybridize.stubs.operators import iterate


def callables(value: Value, depth: int = 0) -> Iterator[Value]:
    """The callable parts of ``value``, looking inside containers (``tf.case`` pairs)."""
    direct = [
        a
        for a in value.atoms
        if isinstance(a, (CallableAtom, ClassAtom, InstanceAtom, UnknownAtom))
    ]
    if direct:
        yield Value.of(direct)
    if depth >= 3:
        return
    for atom in value.atoms:
        if isinstance(atom, ContainerAtom):
            for item in atom.items if atom.items is not None else (atom.element,):
                yield from callables(item, depth + 1)


def known_items(value: Value) -> tuple[Value, ...] | None:
    atom = value.only(ContainerAtom)
    if atom is not None and atom.kind in ("tuple", "list") and atom.items is not None:
        return atom.items
    return None


def unpack(value: Value) -> list[Value]:
    items = known_items(value)
    if items is not None:
        return list(items)
    if value.only(UnknownAtom) is not None:
        return [value]
    return [value] if value.only(ContainerAtom) is None else [
        Value.unknown(UnknownReason.STAR_ARGS, None, "unpacked callback arguments")
    ]


def map_leaves(value: Value, leaf: Callable[[Atom], Value], origin: str, depth: int = 0
                ) -> Value:
    """Rebuild ``value`` with every non-container atom replaced by ``leaf(atom)``; tuples,
    lists and dicts keep their structure (with a new allocation site)."""
    results: list[Value] = []
    for atom in value.atoms:
        if isinstance(atom, ContainerAtom) and atom.kind in ("tuple", "list", "dict") and depth < 4:
            items = None
            if atom.items is not None:
                items = tuple(map_leaves(i, leaf, origin, depth + 1) for i in atom.items)
            element = map_leaves(atom.element, leaf, origin, depth + 1)
            results.append(Value.container(atom.kind, items, element, origin, atom.keys))
        else:
            results.append(leaf(atom))
    return join_all(results)


def leaves(value: Value, depth: int = 0) -> Value:
    results: list[Value] = []
    for atom in value.atoms:
        if isinstance(atom, ContainerAtom) and atom.kind in ("tuple", "list", "dict") and depth < 4:
            results.append(leaves(atom.element, depth + 1))
        else:
            results.append(Value.atom(atom))
    return join_all(results)


def dense_like(atom: Atom) -> Value:
    if isinstance(atom, TensorAtom):
        kind = atom.type.kind
        if kind is TensorKind.VARIABLE:
            kind = TensorKind.DENSE
        return Value.atom(TensorAtom(TensorType(kind, atom.type.dtype, atom.type.shape)))
    if isinstance(atom, NDArrayAtom):
        return Value.tensor(atom.dtype, atom.shape)
    if isinstance(atom, UnknownAtom):
        return Value.atom(atom)
    return Value.unknown(UnknownReason.UNMODELLED_CALL, None, f"gradient of {atom.type_name}")


def to_tensor_leaf(atom: Atom) -> Value:
    """tf.nest/tf.data conversion of one leaf: Python values and lists become tensors."""
    if isinstance(atom, (TensorAtom, NDArrayAtom, UnknownAtom)):
        return dense_like(atom)
    if isinstance(atom, ConstAtom) and atom.pytype not in ("none", "dtype"):
        single = Value.atom(atom)
        return Value.tensor(promotion.infer(single), Shape.SCALAR)
    if isinstance(atom, ContainerAtom) and atom.kind == "list":
        single = Value.atom(atom)
        return Value.tensor(promotion.infer(single), shapes.shape_of(single))
    return Value.unknown(UnknownReason.UNMODELLED_CALL, None, f"{atom.type_name} as a tensor")


def to_tensors(value: Value, origin: str, lists_are_structure: bool, depth: int = 0) -> Value:
    """``value`` with its leaves converted to tensors. ``tf.nest`` (``while_loop``) treats lists
    as structure; ``tf.data`` (``from_tensors``) converts a list into one tensor."""
    kinds = ("tuple", "dict", "list") if lists_are_structure else ("tuple", "dict")
    results: list[Value] = []
    for atom in value.atoms:
        if isinstance(atom, ContainerAtom) and atom.kind in kinds and depth < 4:
            items = None
            if atom.items is not None:
                items = tuple(
                    to_tensors(i, origin, lists_are_structure, depth + 1) for i in atom.items
                )
            element = to_tensors(atom.element, origin, lists_are_structure, depth + 1)
            results.append(Value.container(atom.kind, items, element, origin, atom.keys))
        else:
            results.append(to_tensor_leaf(atom))
    return join_all(results)


def slice_leaf(atom: Atom) -> Value:
    converted = to_tensor_leaf(atom)
    results: list[Value] = []
    for inner in converted.atoms:
        if isinstance(inner, TensorAtom):
            ttype = inner.type
            if ttype.shape.dims == ():
                results.append(
                    Value.unknown(UnknownReason.UNMODELLED_CALL, None, "slices of a scalar")
                )
                continue
            shape = shapes.drop_first(ttype.shape)
            if ttype.kind is TensorKind.RAGGED:
                results.append(
                    Value.of(
                        [
                            TensorAtom(TensorType(TensorKind.RAGGED, ttype.dtype, shape)),
                            TensorAtom(TensorType(TensorKind.DENSE, ttype.dtype, shape)),
                        ]
                    )
                )
            else:
                results.append(Value.atom(TensorAtom(attrs.evolve(ttype, shape=shape))))
        else:
            results.append(Value.atom(inner))
    return join_all(results)


def structured(value: Value, leaf: Callable[[Atom], Value], origin: str, depth: int = 0
                ) -> Value:
    """Like ``map_leaves`` but only tuples and dicts are structure (tf.data semantics)."""
    results: list[Value] = []
    for atom in value.atoms:
        if isinstance(atom, ContainerAtom) and atom.kind in ("tuple", "dict") and depth < 4:
            items = None
            if atom.items is not None:
                items = tuple(structured(i, leaf, origin, depth + 1) for i in atom.items)
            element = structured(atom.element, leaf, origin, depth + 1)
            results.append(Value.container(atom.kind, items, element, origin, atom.keys))
        else:
            results.append(leaf(atom))
    return join_all(results)


def tensor_shape_tuple(shape: Shape, origin: str) -> Value:
    """A ``tf.TensorShape`` as a tuple of dims, tagged with ``TENSORSHAPE_ORIGIN`` (``origin`` is
    unused: shapes are immutable, so where they were made does not matter for effects)."""
    del origin
    if shape.dims is None:
        return Value.container("tuple", None, Value.any_of("int"), TENSORSHAPE_ORIGIN)
    items = [Value.any_of("int") if d is None else Value.const(d) for d in shape.dims]
    return Value.container("tuple", items, origin=TENSORSHAPE_ORIGIN)


def numpy_leaf(atom: Atom) -> Value:
    if isinstance(atom, TensorAtom):
        return Value.ndarray(atom.type.dtype, atom.type.shape)
    return Value.atom(atom)


def unbatch_leaf(atom: Atom) -> Value:
    if isinstance(atom, TensorAtom):
        return Value.atom(TensorAtom(attrs.evolve(atom.type, shape=shapes.drop_first(
            atom.type.shape))))
    return Value.atom(atom)


def sequence_items(value: Value) -> tuple[Value, ...] | None:
    atom = value.only(ContainerAtom)
    if atom is not None and atom.items is not None:
        if atom.kind in ("list", "tuple", "range", "set"):
            return atom.items
        if atom.kind == "dict" and atom.keys is not None:
            return tuple(Value.const(k) for k in atom.keys)
    tensor = value.only(TensorAtom)
    if tensor is not None and tensor.type.shape.dims and tensor.type.shape.dims[0] is not None:
        count = tensor.type.shape.dims[0]
        if count <= MAX_ITEMS:
            return (iterate(value),) * count
    return None


def batch_leaf(dim: Dim, varying: bool = False) -> Callable[[Atom], Value]:
    """Batch a dataset element: prepend the batch dim. ``varying``: batches of several sizes
    (``drop_remainder`` not set: the last batch is smaller unless the size divides evenly),
    which makes a ``tf.function`` fed by them re-trace."""

    def leaf(atom: Atom) -> Value:
        if isinstance(atom, TensorAtom):
            shape = shapes.prepend(atom.type.shape, dim)
            marked = atom.type.varying or varying
            return Value.atom(TensorAtom(attrs.evolve(atom.type, shape=shape, varying=marked)))
        if isinstance(atom, UnknownAtom):
            return Value.atom(atom)
        return Value.unknown(UnknownReason.UNMODELLED_CALL, None, f"batch of {atom.type_name}")

    return leaf

