"""Abstract values: a small, canonical union of atoms.

A ``Value`` is a set of *atoms* with at most one atom per merge key (all tensors of one kind share a
key, all ints share a key, each callable target has its own key, ...). Join is the per-key join of
atoms, so the domain is a map lattice over the keys with each atom its own lattice; ⊥ is the empty
union. Containers nest values, bounded by ``MAX_DEPTH``; constant sets are bounded by
``MAX_CONSTANTS`` (beyond that, "any int"), which makes chains finite so join doubles as widening
except for containers, whose ``widen`` forgets positions.

Every unknown atom carries *why* it is unknown and where it came from: that provenance is what the
decision layer turns into assumptions.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from typing import ClassVar, TypeVar

import attrs

from hybridize.lattice.dtype import DType
from hybridize.lattice.location import Location
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.tri import Tri

MAX_CONSTANTS = 8
#: Origin marker of the tuples that stand for a ``tf.TensorShape`` (immutable, so no allocation
#: site is needed): classified "other", since ``tf.function`` keys traces on it like an object.
TENSORSHAPE_ORIGIN = "tensorshape"
MAX_DEPTH = 3
MAX_ITEMS = 16

Constant = int | float | str | bool | bytes | complex | None
Key = tuple[str, ...]


class UnknownReason(enum.Enum):
    """Why a value is unknown; each becomes a kind of assumption in proofs."""

    NO_CALLER = "no-caller"  # a parameter of a function with no call site in the analysed code
    UNMODELLED_CALL = "unmodelled-call"  # result of a call the models do not describe
    STUB_DEFAULT = "stub-default"  # from the types-tensorflow fallback (effects assumed none)
    UNSUPPORTED_SYNTAX = "unsupported-syntax"
    DYNAMIC_FEATURE = "dynamic-feature"  # getattr, eval, exec, setattr, __dict__, ...
    EXTERNAL_VALUE = "external-value"  # an attribute of a module outside the project
    UNRESOLVED_NAME = "unresolved-name"
    RECURSIVE_CALL = "recursive-call"
    STAR_ARGS = "star-args"  # *args / **kwargs / unpacked calls
    TOO_DEEP = "too-deep"  # bounded nesting or call depth
    WIDENED = "widened"  # precision dropped to terminate
    ASSUMED_PURE = "assumed-pure"  # a call the configuration declares free of side effects


class Atom:
    """Base of all atoms. Subclasses are frozen attrs classes; ``key`` says which atoms merge."""

    __slots__ = ()

    @property
    def key(self) -> Key:
        raise NotImplementedError

    @property
    def type_name(self) -> str:
        raise NotImplementedError

    def leq(self, other: Atom) -> bool:
        raise NotImplementedError

    def join(self, other: Atom) -> Atom:
        raise NotImplementedError

    def widen(self, other: Atom) -> Atom:
        return self.join(other)

    def pretty(self) -> str:
        raise NotImplementedError


AtomT = TypeVar("AtomT", bound=Atom)


@attrs.frozen(slots=True)
class TensorAtom(Atom):
    type: TensorType

    @property
    def key(self) -> Key:
        return _TENSOR_KEYS[self.type.kind]

    @property
    def type_name(self) -> str:
        return self.type.kind.value

    def leq(self, other: Atom) -> bool:
        return isinstance(other, TensorAtom) and self.type.leq(other.type)

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, TensorAtom)
        if self.type == other.type:
            return self
        return TensorAtom(self.type.join(other.type))

    def pretty(self) -> str:
        return self.type.pretty()


@attrs.frozen(slots=True)
class NDArrayAtom(Atom):
    dtype: DType
    shape: Shape

    @property
    def key(self) -> Key:
        return ("ndarray",)

    @property
    def type_name(self) -> str:
        return "ndarray"

    def leq(self, other: Atom) -> bool:
        return (
            isinstance(other, NDArrayAtom)
            and self.dtype.leq(other.dtype)
            and self.shape.leq(other.shape)
        )

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, NDArrayAtom)
        return NDArrayAtom(self.dtype.join(other.dtype), self.shape.join(other.shape))

    def pretty(self) -> str:
        return f"ndarray[{self.dtype.pretty()}, {self.shape.pretty()}]"


def _const_sort_key(value: Constant) -> str:
    return repr(value)


@attrs.frozen(slots=True)
class ConstAtom(Atom):
    """Python scalars of one type: ``values`` is the set of constants seen, ``None`` = any value."""

    pytype: str  # int, float, str, bool, none, bytes, complex
    values: frozenset[Constant] | None

    @property
    def key(self) -> Key:
        return ("const", self.pytype)

    @property
    def type_name(self) -> str:
        return self.pytype

    @property
    def bounded(self) -> bool:
        return self.values is not None

    def leq(self, other: Atom) -> bool:
        if not isinstance(other, ConstAtom) or other.pytype != self.pytype:
            return False
        if other.values is None:
            return True
        return self.values is not None and self.values <= other.values

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, ConstAtom)
        if self.values is None:
            return self
        if other.values is None:
            return other
        merged = self.values | other.values
        if merged == self.values:
            return self
        return ConstAtom(self.pytype, merged if len(merged) <= MAX_CONSTANTS else None)

    def widen(self, other: Atom) -> Atom:
        """Any growth of the constant set jumps to "any value", so loops terminate quickly."""
        joined = self.join(other)
        return joined if joined == self else ConstAtom(self.pytype, None)

    def pretty(self) -> str:
        if self.values is None:
            return f"{self.pytype}"
        return "{" + ", ".join(sorted(repr(v) for v in self.values)) + "}"

    def sorted_values(self) -> list[str]:
        return sorted(repr(v) for v in self.values or ())


@attrs.frozen(slots=True)
class ContainerAtom(Atom):
    """list / tuple / dict / set. ``items`` are the positional elements when the length is known
    (for dicts: the values of ``keys``), ``element`` is the join of all elements, ``origins`` the
    allocation sites this container may come from (``"?"`` = from outside the analysed extent)."""

    kind: str  # list, tuple, dict, set
    element: Value
    items: tuple[Value, ...] | None = None
    keys: tuple[Constant, ...] | None = None
    origins: frozenset[str] = frozenset({"?"})

    @property
    def key(self) -> Key:
        return ("container", self.kind)

    @property
    def type_name(self) -> str:
        return self.kind

    def leq(self, other: Atom) -> bool:
        if not isinstance(other, ContainerAtom) or other.kind != self.kind:
            return False
        if not (self.element.leq(other.element) and self.origins <= other.origins):
            return False
        if other.items is None:
            return True
        if self.items is None or len(self.items) != len(other.items) or self.keys != other.keys:
            return False
        return all(a.leq(b) for a, b in zip(self.items, other.items, strict=True))

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, ContainerAtom)
        if self == other:
            return self
        items: tuple[Value, ...] | None = None
        keys = self.keys
        if (
            self.items is not None
            and other.items is not None
            and len(self.items) == len(other.items)
            and self.keys == other.keys
        ):
            items = tuple(a.join(b) for a, b in zip(self.items, other.items, strict=True))
        else:
            keys = None
        return ContainerAtom(
            self.kind, self.element.join(other.element), items, keys, self.origins | other.origins
        )

    def widen(self, other: Atom) -> Atom:
        joined = self.join(other)
        assert isinstance(joined, ContainerAtom)
        if joined.items != self.items:
            joined = attrs.evolve(joined, items=None, keys=None)
        return attrs.evolve(joined, element=self.element.widen(joined.element))

    def pretty(self) -> str:
        if self.items is not None:
            inner = ", ".join(v.pretty() for v in self.items)
            if self.kind == "tuple":
                return f"({inner}{',' if len(self.items) == 1 else ''})"
            if self.kind == "dict" and self.keys is not None:
                pairs = ", ".join(
                    f"{k!r}: {v.pretty()}" for k, v in zip(self.keys, self.items, strict=False)
                )
                return "{" + pairs + "}"
            return f"[{inner}]" if self.kind == "list" else f"{self.kind}({inner})"
        return f"{self.kind}[{self.element.pretty()}]"


@attrs.frozen(slots=True)
class CallableAtom(Atom):
    """A function or method value. ``ref`` is a project function id, or ``stub:<qualified name>``
    for a library function; ``bound`` is the receiver of a bound method."""

    ref: str
    bound: Value | None = None

    @property
    def key(self) -> Key:
        return ("callable", self.ref)

    @property
    def type_name(self) -> str:
        return "callable"

    def leq(self, other: Atom) -> bool:
        if not isinstance(other, CallableAtom) or other.ref != self.ref:
            return False
        if self.bound is None or other.bound is None:
            return self.bound is None
        return self.bound.leq(other.bound)

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, CallableAtom)
        if self == other:
            return self
        if self.bound is None:
            return other
        if other.bound is None:
            return self
        return CallableAtom(self.ref, self.bound.join(other.bound))

    def pretty(self) -> str:
        return f"<function {self.ref}>"


class KerasRole(enum.Enum):
    NONE = "none"
    LAYER = "layer"
    MODEL = "model"
    MODULE = "module"  # tf.Module
    OPTIMIZER = "optimizer"
    TAPE = "tape"


@attrs.frozen(slots=True)
class ClassAtom(Atom):
    """A class object: ``ref`` is a project class id or an external qualified name."""

    ref: str
    external: bool = False
    role: KerasRole = KerasRole.NONE

    @property
    def key(self) -> Key:
        return ("class", self.ref)

    @property
    def type_name(self) -> str:
        return "class"

    def leq(self, other: Atom) -> bool:
        return self == other

    def join(self, other: Atom) -> Atom:
        return self

    def pretty(self) -> str:
        return f"<class {self.ref}>"


@attrs.frozen(slots=True)
class InstanceAtom(Atom):
    """An instance of a project class or of a modelled library class."""

    cls: str
    external: bool = False
    role: KerasRole = KerasRole.NONE
    origins: frozenset[str] = frozenset({"?"})

    @property
    def key(self) -> Key:
        return ("instance", self.cls)

    @property
    def type_name(self) -> str:
        return "instance"

    def leq(self, other: Atom) -> bool:
        return (
            isinstance(other, InstanceAtom)
            and other.cls == self.cls
            and self.origins <= other.origins
        )

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, InstanceAtom)
        if self.origins >= other.origins:
            return self
        return attrs.evolve(self, origins=self.origins | other.origins)

    def pretty(self) -> str:
        return f"<{self.cls} instance>"


@attrs.frozen(slots=True)
class ModuleAtom(Atom):
    name: str

    @property
    def key(self) -> Key:
        return ("module", self.name)

    @property
    def type_name(self) -> str:
        return "module"

    def leq(self, other: Atom) -> bool:
        return self == other

    def join(self, other: Atom) -> Atom:
        return self

    def pretty(self) -> str:
        return f"<module {self.name}>"


@attrs.frozen(slots=True)
class DatasetAtom(Atom):
    """A ``tf.data.Dataset`` whose elements are ``element``; ``size`` is its number of elements
    when known (a flat lattice: a known count below ``None``, any count). The size decides
    whether batching leaves a smaller last batch, which makes a ``tf.function`` re-trace."""

    element: Value
    size: int | None = None

    @property
    def key(self) -> Key:
        return ("dataset",)

    @property
    def type_name(self) -> str:
        return "dataset"

    def leq(self, other: Atom) -> bool:
        return (
            isinstance(other, DatasetAtom)
            and self.element.leq(other.element)
            and (other.size is None or other.size == self.size)
        )

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, DatasetAtom)
        size = self.size if self.size == other.size else None
        return DatasetAtom(self.element.join(other.element), size)

    def widen(self, other: Atom) -> Atom:
        assert isinstance(other, DatasetAtom)
        size = self.size if self.size == other.size else None
        return DatasetAtom(self.element.widen(other.element), size)

    def pretty(self) -> str:
        count = "" if self.size is None else f" of {self.size}"
        return f"dataset[{self.element.pretty()}]{count}"


@attrs.frozen(slots=True)
class IteratorAtom(Atom):
    """A Python iterator (``iter(...)``, a generator, a dataset iterator) yielding ``element``."""

    element: Value
    origins: frozenset[str] = frozenset({"?"})

    @property
    def key(self) -> Key:
        return ("iterator",)

    @property
    def type_name(self) -> str:
        return "iterator"

    def leq(self, other: Atom) -> bool:
        return (
            isinstance(other, IteratorAtom)
            and self.element.leq(other.element)
            and self.origins <= other.origins
        )

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, IteratorAtom)
        return IteratorAtom(self.element.join(other.element), self.origins | other.origins)

    def widen(self, other: Atom) -> Atom:
        assert isinstance(other, IteratorAtom)
        return IteratorAtom(self.element.widen(other.element), self.origins | other.origins)

    def pretty(self) -> str:
        return f"iterator[{self.element.pretty()}]"


@attrs.frozen(slots=True)
class UnknownAtom(Atom):
    """Nothing is known, for a stated reason; ``origin`` is the first place it arose."""

    reason: UnknownReason
    origin: Location | None = None
    detail: str = ""

    @property
    def key(self) -> Key:
        return _UNKNOWN_KEYS[self.reason]

    @property
    def type_name(self) -> str:
        return "unknown"

    def leq(self, other: Atom) -> bool:
        return isinstance(other, UnknownAtom) and other.reason == self.reason and (
            other._rank() <= self._rank()
        )

    def _rank(self) -> tuple[bool, Location | None, str]:
        # The canonical representative of merged unknowns is the least (origin, detail).
        return (self.origin is None, self.origin, self.detail)

    def join(self, other: Atom) -> Atom:
        assert isinstance(other, UnknownAtom)
        return self if self._rank() <= other._rank() else other

    def pretty(self) -> str:
        return f"unknown({self.reason.value}{': ' + self.detail if self.detail else ''})"


@attrs.frozen(slots=True, cache_hash=True)
class Value:
    """A canonical union of atoms, sorted by key; at most one atom per key."""

    atoms: tuple[Atom, ...] = ()
    _depth: int = attrs.field(default=-1, init=False, eq=False, hash=False, repr=False)

    BOTTOM: ClassVar[Value]
    NONE: ClassVar[Value]

    # -- construction -------------------------------------------------------------------------
    @staticmethod
    def of(atoms: Iterable[Atom]) -> Value:
        merged: dict[Key, Atom] = {}
        for atom in atoms:
            key = atom.key
            previous = merged.get(key)
            merged[key] = atom if previous is None else previous.join(atom)
        return Value(tuple(merged[k] for k in sorted(merged)))

    @staticmethod
    def atom(atom: Atom) -> Value:
        """A one-atom value; the values nested in ``atom`` are cut at ``MAX_DEPTH``."""
        if not _is_nesting(atom) or _atom_depth(atom) <= MAX_DEPTH:
            return Value((atom,))
        return Value((_bound_atom(atom, 0),))

    @staticmethod
    def tensor(
        dtype: str | DType | None = None,
        shape: Shape | None = None,
        kind: TensorKind = TensorKind.DENSE,
    ) -> Value:
        ttype = TensorType.dense(dtype, shape)
        if kind is not TensorKind.DENSE:
            ttype = attrs.evolve(ttype, kind=kind)
        return Value((TensorAtom(ttype),))

    @staticmethod
    def ndarray(dtype: str | DType | None = None, shape: Shape | None = None) -> Value:
        d = dtype if isinstance(dtype, DType) else DType.of(dtype)
        return Value((NDArrayAtom(d, shape or Shape.UNKNOWN),))

    @staticmethod
    def const(value: Constant) -> Value:
        key = (type(value), value)
        cached = _CONSTANTS.get(key)
        if cached is None:
            cached = Value((ConstAtom(pytype_of(value), frozenset({value})),))
            if len(_CONSTANTS) < 4096:
                _CONSTANTS[key] = cached
        return cached

    @staticmethod
    def any_of(pytype: str) -> Value:
        return Value((ConstAtom(pytype, None),))

    @staticmethod
    def unknown(
        reason: UnknownReason, origin: Location | None = None, detail: str = ""
    ) -> Value:
        return Value((UnknownAtom(reason, origin, detail),))

    @staticmethod
    def container(
        kind: str,
        items: Iterable[Value] | None,
        element: Value | None = None,
        origin: str = "?",
        keys: tuple[Constant, ...] | None = None,
    ) -> Value:
        item_tuple = None if items is None else tuple(items)
        if element is None:
            element = join_all(item_tuple or ())
        if item_tuple is not None and len(item_tuple) > MAX_ITEMS:
            item_tuple = None
        return Value.atom(
            ContainerAtom(
                kind,
                element,
                item_tuple,
                keys if item_tuple is not None else None,
                frozenset({origin}),
            )
        )

    # -- lattice ------------------------------------------------------------------------------
    @property
    def is_bottom(self) -> bool:
        return not self.atoms

    def leq(self, other: Value) -> bool:
        others = {a.key: a for a in other.atoms}
        for atom in self.atoms:
            match = others.get(atom.key)
            if match is None or not atom.leq(match):
                return False
        return True

    def join(self, other: Value) -> Value:
        if not other.atoms or self is other:
            return self
        if not self.atoms:
            return other
        if len(self.atoms) == 1 and len(other.atoms) == 1:
            # the common case, without building the merge table
            mine, theirs = self.atoms[0], other.atoms[0]
            my_key, their_key = mine.key, theirs.key
            if my_key == their_key:
                joined = mine.join(theirs)
                if joined is mine or joined == mine:
                    return self
                return other if joined == theirs else Value((joined,))
            return Value((mine, theirs) if my_key < their_key else (theirs, mine))
        if self == other:
            return self
        # both are sorted by key with one atom per key: merge them in one pass
        left, right = self.atoms, other.atoms
        merged: list[Atom] = []
        i = j = 0
        while i < len(left) and j < len(right):
            a, b = left[i], right[j]
            key_a, key_b = a.key, b.key
            if key_a == key_b:
                merged.append(a.join(b))
                i += 1
                j += 1
            elif key_a < key_b:
                merged.append(a)
                i += 1
            else:
                merged.append(b)
                j += 1
        merged.extend(left[i:])
        merged.extend(right[j:])
        result = tuple(merged)
        return self if result == left else Value(result)

    def widen(self, other: Value) -> Value:
        mine = {a.key: a for a in self.atoms}
        merged = dict(mine)
        for atom in other.atoms:
            previous = mine.get(atom.key)
            merged[atom.key] = atom if previous is None else previous.widen(atom)
        return Value(tuple(merged[k] for k in sorted(merged)))

    # -- queries ------------------------------------------------------------------------------
    @property
    def depth(self) -> int:
        """Nesting depth (0 for flat values), computed once per value."""
        depth = self._depth
        if depth < 0:
            depth = max((_atom_depth(a) for a in self.atoms), default=0)
            object.__setattr__(self, "_depth", depth)
        return depth

    def __iter__(self) -> Iterator[Atom]:
        return iter(self.atoms)

    def tensors(self) -> list[TensorType]:
        return [a.type for a in self.atoms if isinstance(a, TensorAtom)]

    def of_type(self, cls: type[AtomT]) -> list[AtomT]:
        return [a for a in self.atoms if isinstance(a, cls)]

    def only(self, cls: type[AtomT]) -> AtomT | None:
        """The single atom when the value is exactly one atom of ``cls``."""
        if len(self.atoms) == 1 and isinstance(self.atoms[0], cls):
            return self.atoms[0]
        return None

    @property
    def has_unknown(self) -> bool:
        return any(isinstance(a, UnknownAtom) for a in self.atoms)

    def known_atoms(self) -> tuple[Atom, ...]:
        return tuple(a for a in self.atoms if not isinstance(a, UnknownAtom))

    def constant(self) -> tuple[bool, Constant]:
        """``(True, c)`` when the value is exactly the single constant ``c``."""
        atom = self.only(ConstAtom)
        if atom is not None and atom.values is not None and len(atom.values) == 1:
            return True, next(iter(atom.values))
        return False, None

    def is_tensor_like(self) -> Tri:
        return tensor_like(self)

    def kind(self) -> str:
        """Classification used by facts: tensor | python | mixed | other | unknown."""
        return classify(self)

    def type_name(self) -> str:
        known = self.known_atoms()
        if not self.atoms:
            return "bottom"
        if not known:
            return "unknown"
        names = {a.type_name for a in known}
        if len(names) == 1:
            return known[0].type_name
        return "union"

    def pretty(self) -> str:
        if not self.atoms:
            return "⊥"
        return " | ".join(a.pretty() for a in self.atoms)

    def origins(self) -> frozenset[str]:
        """Allocation sites of the mutable objects this value may be (``"?"`` = from outside)."""
        result: set[str] = set()
        for atom in self.atoms:
            if isinstance(atom, (ContainerAtom, InstanceAtom, IteratorAtom)):
                result |= atom.origins
            elif isinstance(atom, UnknownAtom):
                result.add("?")
        return frozenset(result)



Value.BOTTOM = Value()
Value.NONE = Value((ConstAtom("none", frozenset({None})),))


# Key tuples of the enum-keyed atoms, built once (enum ``.value`` is slow on hot paths).
_TENSOR_KEYS: dict[TensorKind, Key] = {kind: ("tensor", kind.value) for kind in TensorKind}
_UNKNOWN_KEYS: dict[UnknownReason, Key] = {r: ("unknown", r.value) for r in UnknownReason}
# Interned one-constant values (``Value.const`` is called for every literal the interpreter sees).
_CONSTANTS: dict[tuple[type, Constant], Value] = {}


def pytype_of(value: Constant) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__ if isinstance(value, (int, float, str, bytes, complex)) else "str"


def join_all(values: Iterable[Value]) -> Value:
    result = Value.BOTTOM
    for value in values:
        result = result.join(value)
    return result


def _is_nesting(atom: Atom) -> bool:
    """Atoms that hold values: containers, datasets, iterators and bound methods."""
    return isinstance(atom, (ContainerAtom, DatasetAtom, IteratorAtom)) or (
        isinstance(atom, CallableAtom) and atom.bound is not None
    )


def _atom_depth(atom: Atom) -> int:
    """Levels of nesting an atom holds (a container of flat values has depth 1); nested values
    cache their own depth, so this is cheap."""
    if isinstance(atom, ContainerAtom):
        depth = atom.element.depth
        for item in atom.items or ():
            depth = max(depth, item.depth)
        return depth + 1
    if isinstance(atom, (DatasetAtom, IteratorAtom)):
        return atom.element.depth + 1
    if isinstance(atom, CallableAtom) and atom.bound is not None:
        return atom.bound.depth + 1
    return 0


def _bound_depth(value: Value, depth: int = 0) -> Value:
    """Cut nesting (of containers, datasets, iterators, bound receivers) below ``MAX_DEPTH`` to an
    unknown, keeping the lattice finite: ``value`` sits ``depth`` levels deep, so at most
    ``MAX_DEPTH - depth`` levels of nesting remain in it (``MAX_DEPTH`` in a top-level value)."""
    if depth >= MAX_DEPTH and any(_is_nesting(a) for a in value.atoms):
        return Value.unknown(UnknownReason.TOO_DEEP)
    atoms = [_bound_atom(atom, depth) for atom in value.atoms]
    changed = any(new is not old for new, old in zip(atoms, value.atoms, strict=True))
    return Value.of(atoms) if changed else value


def _bound_atom(atom: Atom, depth: int) -> Atom:
    """``atom`` (in a value ``depth`` levels deep) with its nested values cut at ``depth + 1``."""
    if isinstance(atom, ContainerAtom):
        element = _bound_depth(atom.element, depth + 1)
        items = atom.items
        if items is not None:
            items = tuple(_bound_depth(i, depth + 1) for i in items)
        if element is not atom.element or items != atom.items:
            return attrs.evolve(atom, element=element, items=items)
    elif isinstance(atom, (DatasetAtom, IteratorAtom)):
        element = _bound_depth(atom.element, depth + 1)
        if element is not atom.element:
            return attrs.evolve(atom, element=element)
    elif isinstance(atom, CallableAtom) and atom.bound is not None:
        bound = _bound_depth(atom.bound, depth + 1)
        if bound is not atom.bound:
            return attrs.evolve(atom, bound=bound)
    return atom


def nested_tensors(value: Value) -> Iterator[TensorType]:
    """The tensor types in ``value`` and in the containers it holds (a container's ``element``
    is the join of its items, so items need no separate visit)."""
    for atom in value.atoms:
        if isinstance(atom, TensorAtom):
            yield atom.type
        elif isinstance(atom, ContainerAtom):
            yield from nested_tensors(atom.element)


def has_symbolic(value: Value) -> bool:
    """May ``value`` be, or hold, a Keras symbolic tensor?"""
    return any(t.symbolic for t in nested_tensors(value))


def mark_symbolic(value: Value) -> Value:
    """``value`` with every tensor in it (containers included) marked Keras-symbolic."""
    return _with_symbolic(value, True)


def strip_symbolic(value: Value) -> Value:
    """``value`` with no tensor in it marked Keras-symbolic (what a layer's ``call`` receives
    when Keras runs it on symbolic inputs: backend placeholders, not Keras tensors)."""
    return _with_symbolic(value, False)


def _with_symbolic(value: Value, symbolic: bool) -> Value:
    changed = False
    atoms: list[Atom] = []
    for atom in value.atoms:
        new = atom
        if isinstance(atom, TensorAtom) and atom.type.symbolic is not symbolic:
            new = TensorAtom(attrs.evolve(atom.type, symbolic=symbolic))
        elif isinstance(atom, ContainerAtom):
            element = _with_symbolic(atom.element, symbolic)
            items = atom.items
            if items is not None:
                items = tuple(_with_symbolic(item, symbolic) for item in items)
            if element is not atom.element or items != atom.items:
                new = attrs.evolve(atom, element=element, items=items)
        changed = changed or new is not atom
        atoms.append(new)
    return Value(tuple(atoms)) if changed else value


_TENSOR_ATOMS = (TensorAtom, NDArrayAtom)
_PYTHON_TYPES = frozenset({"int", "float", "str", "bool", "bytes", "complex"})


def tensor_like(value: Value) -> Tri:
    """Is every known alternative tensor-like (tensor, variable, ragged, sparse, ndarray, or a
    non-empty container holding only those)? Unknown alternatives make the answer maybe."""
    answers: list[Tri] = []
    for atom in value.atoms:
        if isinstance(atom, _TENSOR_ATOMS):
            answers.append(Tri.YES)
        elif isinstance(atom, ContainerAtom):
            if atom.element.is_bottom:
                answers.append(Tri.NO)
            else:
                answers.append(tensor_like(atom.element))
        elif isinstance(atom, UnknownAtom):
            answers.append(Tri.MAYBE)
        else:
            answers.append(Tri.NO)
    if not answers:
        return Tri.NO
    result = answers[0]
    for answer in answers[1:]:
        result = result.join(answer)
    return result


def classify(value: Value) -> str:
    """tensor | python | mixed | other | unknown, judged on the known alternatives."""
    known = value.known_atoms()
    if not known:
        return "unknown"
    has_tensor = has_python = has_other = False
    for atom in known:
        if isinstance(atom, ConstAtom) and atom.pytype in _PYTHON_TYPES:
            has_python = True
        elif isinstance(atom, ContainerAtom) and TENSORSHAPE_ORIGIN in atom.origins:
            has_other = True
        elif isinstance(atom, ContainerAtom) and classify(atom.element) == "python":
            has_python = True  # a list of Python numbers is a Python value to tf.function
        elif tensor_like(Value((atom,))) is Tri.NO:
            has_other = True
        else:
            has_tensor = True
    if has_tensor and has_python:
        return "mixed"
    if has_tensor and not has_other:
        return "tensor"
    if has_python and not has_other:
        return "python"
    if has_tensor or has_python:
        return "mixed"
    return "other"
