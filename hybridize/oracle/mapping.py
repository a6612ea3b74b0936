"""Pyright's printed types -> abstract values. Only what is sure maps; the rest stays unknown."""

from __future__ import annotations

from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import Value, join_all

_TENSORS = {
    "Tensor": TensorKind.DENSE,
    "EagerTensor": TensorKind.DENSE,
    "SymbolicTensor": TensorKind.DENSE,
    "KerasTensor": None,  # symbolic Keras values: not a tf.Tensor, leave unknown
    "Variable": TensorKind.VARIABLE,
    "ResourceVariable": TensorKind.VARIABLE,
    "RaggedTensor": TensorKind.RAGGED,
    "SparseTensor": TensorKind.SPARSE,
}
_SCALARS = ("int", "float", "bool", "str")
_CONTAINERS = ("list", "tuple")


def split_top(text: str, separator: str) -> list[str]:
    """``text`` split at ``separator`` outside brackets: ``A[B | C] | D`` -> ``A[B | C]``, ``D``."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index].strip())
            index += len(separator)
            start = index
            continue
        index += 1
    parts.append(text[start:].strip())
    return parts


def map_type(text: str) -> Value | None:
    """The abstract value of a type as pyright prints it, or None when it cannot say.

    A union maps only when every member does (``Tensor | None`` -> tensor or None)."""
    text = text.strip()
    if not text:
        return None
    members = split_top(text, "|")
    if len(members) > 1:
        values = [map_type(member) for member in members]
        if any(value is None for value in values):
            return None
        return join_all(value for value in values if value is not None)
    head, _, rest = text.partition("[")
    head = head.strip().rsplit(".", 1)[-1]
    arguments = rest[:-1] if rest.endswith("]") else ""
    if head in _TENSORS:
        kind = _TENSORS[head]
        return None if kind is None or rest else Value.tensor(kind=kind)
    if head == "ndarray":
        return Value.ndarray()
    if head in _SCALARS and not rest:
        return Value.any_of(head)
    if head == "None" and not rest:
        return Value.NONE
    if head in _CONTAINERS and arguments:
        items = [item for item in split_top(arguments, ",") if item]
        if head == "tuple" and items and items[-1] == "...":
            element = map_type(items[0]) if len(items) == 2 else None
            return None if element is None else Value.container("tuple", None, element, "oracle")
        values = [map_type(item) for item in items]
        if not values or any(value is None for value in values):
            return None
        known = [value for value in values if value is not None]
        if head == "list":
            return Value.container("list", None, known[0], "oracle") if len(known) == 1 else None
        return Value.container("tuple", known, None, "oracle")
    return None
