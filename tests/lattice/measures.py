"""Structural measures of abstract values used by the law tests (nesting, key paths, budgets)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hybridize.lattice.values import (
    MAX_CONSTANTS,
    Atom,
    CallableAtom,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    NDArrayAtom,
    TensorAtom,
    UnknownAtom,
    Value,
)

from . import strategies as S

#: A position in a value: the merge keys (and ``element`` / ``item i`` / ``bound`` selectors)
#: on the way from the root to one atom.
KeyPath = tuple[str, ...]


def children(atom: Atom) -> tuple[tuple[str, Value], ...]:
    """The values nested in ``atom``, each with the selector that reaches it."""
    if isinstance(atom, ContainerAtom):
        items = atom.items or ()
        return (("element", atom.element), *((f"item {i}", v) for i, v in enumerate(items)))
    if isinstance(atom, (DatasetAtom, IteratorAtom)):
        return (("element", atom.element),)
    if isinstance(atom, CallableAtom) and atom.bound is not None:
        return (("bound", atom.bound),)
    return ()


def is_nesting(atom: Atom) -> bool:
    """Atoms that hold other values: containers, datasets, iterators, bound methods."""
    return isinstance(atom, (ContainerAtom, DatasetAtom, IteratorAtom)) or (
        isinstance(atom, CallableAtom) and atom.bound is not None
    )


def nesting(value: Value) -> int:
    """Levels of nesting atoms: ``1`` for ``[int]``, ``2`` for ``[[int]]`` or ``iter([int])``."""
    depth = 0
    for atom in value.atoms:
        if is_nesting(atom):
            depth = max(depth, 1 + max((nesting(v) for _, v in children(atom)), default=0))
    return depth


def atoms_within(value: Value) -> Iterator[Atom]:
    """Every atom of ``value``, at any depth."""
    for atom in value.atoms:
        yield atom
        for _, child in children(atom):
            yield from atoms_within(child)


def values_within(value: Value) -> Iterator[Value]:
    """``value`` and every value nested in it."""
    yield value
    for atom in value.atoms:
        for _, child in children(atom):
            yield from values_within(child)


def key_paths(value: Value, prefix: KeyPath = ()) -> Iterator[tuple[KeyPath, Atom]]:
    for atom in value.atoms:
        path = (*prefix, *atom.key)
        yield path, atom
        for selector, child in children(atom):
            yield from key_paths(child, (*path, selector))


#: How often the atom at one key path can still grow once it exists (its local height, not
#: counting nested values, which have their own key paths), for the pools of ``strategies``.
_ORIGIN_GROWTH = len(S.ORIGINS) - 1
_UNKNOWN_RANKS = (len(S.LOCATIONS) + 1) * len(S.DETAILS)
_TENSOR_HEIGHT = 2 + S.MAX_RANK + 2 + 1  # dtype ⊥ -> d -> ⊤, shape ⊥ -> ... -> unknown, symbolic


def local_height(atom: Atom) -> int:
    if isinstance(atom, (TensorAtom, NDArrayAtom)):
        return _TENSOR_HEIGHT
    if isinstance(atom, ConstAtom):
        return MAX_CONSTANTS + 1  # (joined, not widened, under a bound receiver)
    if isinstance(atom, ContainerAtom):
        return _ORIGIN_GROWTH + 1  # origins, and positions forgotten once
    if isinstance(atom, (InstanceAtom, IteratorAtom)):
        return _ORIGIN_GROWTH
    if isinstance(atom, CallableAtom):
        return 1  # unbound -> bound
    if isinstance(atom, UnknownAtom):
        return _UNKNOWN_RANKS - 1  # provenance moves down a chain of (origin, detail)
    return 0  # classes, modules, datasets (beyond their element)


def widen_budget(chain: Sequence[Value]) -> int:
    """A bound on the strict increases of ``w := w.widen(x)`` over ``chain``.

    ``Value`` is a map lattice over key paths: every strict increase either adds an atom at a
    key path (all of which occur in the chain: join and widen create no new ones) or moves one
    atom up its own finite local chain. Termination on *every* chain is then exactly the finiteness
    of the key paths, i.e. the nesting bound, tested separately.
    """
    heights: dict[KeyPath, int] = {}
    for value in chain:
        for path, atom in key_paths(value):
            heights[path] = 1 + local_height(atom)
    return sum(heights.values())
