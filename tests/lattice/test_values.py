"""Invariants of ``Value`` beyond the generic lattice laws: canonical form, the one-atom-per-key
map structure, the bounds that keep the domain finite (``MAX_CONSTANTS``, ``MAX_ITEMS``,
``MAX_DEPTH``), termination of loop-like widening, and the ``classify`` / ``tensor_like`` facts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hybridize.lattice.dtype import DType
from hybridize.lattice.location import Location
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.tri import Tri
from hybridize.lattice.values import (
    MAX_CONSTANTS,
    MAX_DEPTH,
    MAX_ITEMS,
    CallableAtom,
    Constant,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    IteratorAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    classify,
    join_all,
    tensor_like,
)

from . import strategies as S
from .measures import atoms_within, nesting, values_within

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def derived(a: Value, b: Value) -> list[Value]:
    """``a``, ``b`` and what the lattice operations make of them."""
    return [a, b, a.join(b), b.join(a), a.widen(b), b.widen(a)]


def assert_canonical(value: Value) -> None:
    """Sorted by key, one atom per key, at every depth; bounded constant sets."""
    for v in values_within(value):
        keys = [a.key for a in v.atoms]
        assert keys == sorted(set(keys)), v.pretty()
    for atom in atoms_within(value):
        if isinstance(atom, ConstAtom) and atom.values is not None:
            assert 1 <= len(atom.values) <= MAX_CONSTANTS, atom.pretty()


# -- canonical forms ---------------------------------------------------------------------------


@SETTINGS
@given(S.values())
def test_normalisation_idempotent(v: Value) -> None:
    assert Value.of(v.atoms) == v
    assert Value.of(reversed(v.atoms)) == v
    assert Value.of(v.atoms + v.atoms) == v
    assert join_all([v, v]) == v


@SETTINGS
@given(S.values(), S.values())
def test_one_atom_per_key_and_bounded_constants(a: Value, b: Value) -> None:
    for v in derived(a, b):
        assert_canonical(v)


@SETTINGS
@given(S.values(), S.values())
def test_join_is_keywise(a: Value, b: Value) -> None:
    """``Value`` is a map lattice: each key's atom is the join of the two sides' atoms."""
    left = {x.key: x for x in a.atoms}
    right = {x.key: x for x in b.atoms}
    joined = {x.key: x for x in a.join(b).atoms}
    assert set(joined) == set(left) | set(right)
    for key, atom in joined.items():
        if key in left and key in right:
            assert atom == left[key].join(right[key])
        else:
            assert atom == left.get(key, right.get(key))


@SETTINGS
@given(st.sampled_from(S.PYTYPES).flatmap(lambda t: st.lists(S.constants_of(t), min_size=1)))
def test_constant_sets_are_bounded(constants: list[Constant]) -> None:
    """Past ``MAX_CONSTANTS`` distinct constants a scalar becomes "any value of its type"."""
    joined = join_all(Value.const(c) for c in constants)
    widened = Value.BOTTOM
    for c in constants:
        widened = widened.widen(Value.const(c))
    for v in (joined, widened):
        (atom,) = v.atoms
        assert isinstance(atom, ConstAtom)
        assert atom.values is None or len(atom.values) <= MAX_CONSTANTS
    (atom,) = joined.atoms
    assert isinstance(atom, ConstAtom)
    if atom.values is not None:
        assert atom.values == frozenset(constants)


def test_constant_set_overflow_gives_any() -> None:
    ints = join_all(Value.const(i) for i in range(MAX_CONSTANTS))
    assert ints.constant() == (False, None)
    assert ints.only(ConstAtom) == ConstAtom("int", frozenset(range(MAX_CONSTANTS)))
    assert ints.join(Value.const(MAX_CONSTANTS)) == Value.any_of("int")
    assert Value.const(3).widen(Value.const(4)).leq(Value.any_of("int"))


def test_long_containers_forget_positions() -> None:
    items = [Value.const(i % 3) for i in range(MAX_ITEMS + 1)]
    atom = Value.container("list", items).only(ContainerAtom)
    assert atom is not None
    assert atom.items is None and atom.keys is None
    assert atom.element == join_all(items)
    short = Value.container("tuple", items[:MAX_ITEMS]).only(ContainerAtom)
    assert short is not None and short.items == tuple(items[:MAX_ITEMS])


# -- nesting and widening of nested values ------------------------------------------------------

Wrapper = Callable[[Value], Value]


def _wrappers(leaf: Value) -> dict[str, Wrapper]:
    """One-level constructors that nest a value, as transfer functions apply them."""
    return {
        "list[v]": lambda v: Value.container("list", [v]),
        "(v, leaf)": lambda v: Value.container("tuple", [v, leaf], origin="a.py:3:1"),
        "{'k': v}": lambda v: Value.container("dict", [v], keys=("k",)),
        "list-of-v": lambda v: Value.container("list", None, element=v),
        "dataset": lambda v: Value.atom(DatasetAtom(v)),
        "iter": lambda v: Value.atom(IteratorAtom(v)),
        "method": lambda v: Value.atom(CallableAtom("stub:list.append", v)),
        "v | leaf": lambda v: v.join(leaf),
    }


WRAPPER_NAMES = sorted(_wrappers(Value.BOTTOM))


@SETTINGS
@given(S.leaf_values(), st.lists(st.sampled_from(WRAPPER_NAMES), max_size=2 * MAX_DEPTH + 2))
def test_nesting_never_exceeds_max_depth(leaf: Value, names: list[str]) -> None:
    """However values are nested through the constructors, at most ``MAX_DEPTH`` levels of
    containers / datasets / iterators / bound receivers remain; deeper parts become a
    ``too-deep`` unknown (that says why)."""
    wrappers = _wrappers(leaf)
    v = leaf
    for name in names:
        v = wrappers[name](v)
        assert nesting(v) <= MAX_DEPTH, (names, v.pretty())
        assert_canonical(v)
    if len([n for n in names if n != "v | leaf"]) > MAX_DEPTH and nesting(leaf) == 0:
        assert any(
            isinstance(a, UnknownAtom) and a.reason is UnknownReason.TOO_DEEP
            for a in atoms_within(v)
        ), v.pretty()


@SETTINGS
@given(S.values(), S.values())
def test_generated_values_are_shallow(a: Value, b: Value) -> None:
    for v in derived(a, b):
        assert nesting(v) <= MAX_DEPTH, v.pretty()


#: A loop ``x = body(x)`` whose body nests ``x`` reaches its fixpoint under widening in at most
#: this many increases: one per level until ``MAX_DEPTH`` levels exist, one when the cut to a
#: ``too-deep`` unknown appears, and one spare for a first growth that forgets positions or a
#: constant set (``MAX_DEPTH + 1`` is the worst seen). Before the nesting bound covered datasets,
#: iterators and bound receivers, ``x = Dataset(x)`` grew a level on every iteration, forever.
LOOP_BOUND = MAX_DEPTH + 2


@SETTINGS
@given(
    S.leaf_values(),
    S.leaf_values(),
    st.lists(st.sampled_from(WRAPPER_NAMES), min_size=1, max_size=3),
)
def test_loop_widening_terminates(seed: Value, leaf: Value, names: list[str]) -> None:
    """``w := w ∇ body(w)`` for a fixed loop ``body`` (a composition of nesting constructors)
    stabilises after at most ``LOOP_BOUND`` changes."""
    wrappers = _wrappers(leaf)

    def body(v: Value) -> Value:
        for name in names:
            v = wrappers[name](v)
        return v

    w, changes = seed, 0
    for _ in range(LOOP_BOUND + 5):
        nxt = w.widen(body(w))
        assert w.leq(nxt)
        if nxt == w:
            break
        changes += 1
        w = nxt
    assert changes <= LOOP_BOUND, (names, w.pretty())
    assert w.widen(body(w)) == w


# -- classification ----------------------------------------------------------------------------

TENSOR = Value.tensor("float32", Shape.of([2, None]))
UNKNOWN = Value.unknown(UnknownReason.NO_CALLER, Location("a.py", 1), "x")

CLASSIFY_CASES: list[tuple[str, Value, str, Tri]] = [
    ("tensor", TENSOR, "tensor", Tri.YES),
    ("variable", Value.tensor("float32", kind=TensorKind.VARIABLE), "tensor", Tri.YES),
    ("ragged", Value.tensor(None, kind=TensorKind.RAGGED), "tensor", Tri.YES),
    ("ndarray", Value.ndarray("float64", Shape.SCALAR), "tensor", Tri.YES),
    ("list of tensors", Value.container("list", [TENSOR, TENSOR]), "tensor", Tri.YES),
    (
        "tuple of tensor and ndarray",
        Value.container("tuple", [TENSOR, Value.ndarray()]),
        "tensor",
        Tri.YES,
    ),
    ("int const", Value.const(3), "python", Tri.NO),
    ("any float", Value.any_of("float"), "python", Tri.NO),
    ("bool", Value.const(True), "python", Tri.NO),
    ("str", Value.const("s"), "python", Tri.NO),
    ("tensor | int", TENSOR.join(Value.const(1)), "mixed", Tri.MAYBE),
    ("None", Value.NONE, "other", Tri.NO),
    ("None via const", Value.const(None), "other", Tri.NO),
    ("unknown", UNKNOWN, "unknown", Tri.MAYBE),
    ("tensor | unknown", TENSOR.join(UNKNOWN), "tensor", Tri.MAYBE),
    ("empty list", Value.container("list", []), "other", Tri.NO),
    ("list of ints", Value.container("list", [Value.const(1)]), "python", Tri.NO),
    ("list of unknown", Value.container("list", [UNKNOWN]), "tensor", Tri.MAYBE),
    ("dataset", Value.atom(DatasetAtom(TENSOR)), "other", Tri.NO),
    ("tensor | None", TENSOR.join(Value.NONE), "mixed", Tri.MAYBE),
]


@pytest.mark.parametrize(
    ("value", "kind", "tensor"),
    [case[1:] for case in CLASSIFY_CASES],
    ids=[case[0] for case in CLASSIFY_CASES],
)
def test_classify_and_tensor_like(value: Value, kind: str, tensor: Tri) -> None:
    assert classify(value) == kind == value.kind()
    assert tensor_like(value) is tensor is value.is_tensor_like()


@SETTINGS
@given(S.values())
def test_classify_judges_known_atoms_only(v: Value) -> None:
    """Adding an unknown alternative never changes the classification of a known value."""
    unknown = Value.unknown(UnknownReason.UNMODELLED_CALL)
    assert classify(v.join(unknown)) == (classify(v) if v.known_atoms() else "unknown")
    assert classify(v) in {"tensor", "python", "mixed", "other", "unknown"}


# -- queries -----------------------------------------------------------------------------------


def test_constructors_and_queries() -> None:
    assert Value.BOTTOM.is_bottom and Value.BOTTOM.type_name() == "bottom"
    assert Value.const(2).constant() == (True, 2)
    assert Value.NONE == Value.const(None) and Value.NONE.constant() == (True, None)
    assert Value.tensor(DType.of("tf.int32")).tensors()[0].dtype == DType.of("int32")
    assert UNKNOWN.type_name() == "unknown" and UNKNOWN.has_unknown
    assert TENSOR.join(Value.const(1)).type_name() == "union"
    assert Value.container("dict", [TENSOR], keys=("a",), origin="a.py:3:1").origins() == {
        "a.py:3:1"
    }
    assert TENSOR.join(UNKNOWN).origins() == {"?"}
