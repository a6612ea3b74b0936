"""Plain unit tests of the domains: Kleene truth tables, dtype names, shape meets, pretty forms,
locations and effects."""

from __future__ import annotations

import pytest

from hybridize.lattice.dtype import DTYPE_NAMES, DType
from hybridize.lattice.effects import Effect, EffectKind, Effects
from hybridize.lattice.location import Location
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.tri import Tri, all_of, any_of
from hybridize.lattice.values import (
    CallableAtom,
    ClassAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    ModuleAtom,
    UnknownReason,
    Value,
    has_symbolic,
    mark_symbolic,
    strip_symbolic,
)

Y, N, M = Tri.YES, Tri.NO, Tri.MAYBE

# -- Tri ---------------------------------------------------------------------------------------

#: (a, b, a or b, a and b, a ⊔ b)
TRI_TABLE: list[tuple[Tri, Tri, Tri, Tri, Tri]] = [
    (Y, Y, Y, Y, Y),
    (Y, N, Y, N, M),
    (Y, M, Y, M, M),
    (N, Y, Y, N, M),
    (N, N, N, N, N),
    (N, M, M, N, M),
    (M, Y, Y, M, M),
    (M, N, M, N, M),
    (M, M, M, M, M),
]


@pytest.mark.parametrize(("a", "b", "or_", "and_", "join"), TRI_TABLE)
def test_tri_kleene_tables_and_knowledge_join(
    a: Tri, b: Tri, or_: Tri, and_: Tri, join: Tri
) -> None:
    assert a.or_(b) is or_
    assert a.and_(b) is and_
    assert a.join(b) is join
    assert a.widen(b) is join
    assert a.leq(b) is (a is b or b is M)
    # De Morgan holds in Kleene logic
    assert a.or_(b).not_() is a.not_().and_(b.not_())


def test_tri_not_of_and_json() -> None:
    assert (Y.not_(), N.not_(), M.not_()) == (N, Y, M)
    assert (Tri.of(True), Tri.of(False), Tri.of(None)) == (Y, N, M)
    assert [t.to_json() for t in (Y, N, M)] == [True, False, None]
    assert all(Tri.of(t.to_json()) is t for t in Tri)
    assert any_of([]) is N and any_of([N, M]) is M and any_of([M, Y, N]) is Y
    assert all_of([]) is Y and all_of([Y, M]) is M and all_of([M, N, Y]) is N


def test_tri_has_no_truth_value() -> None:
    with pytest.raises(TypeError):
        bool(Tri.MAYBE)


# -- DType -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("float32", "float32"),
        ("tf.float32", "float32"),
        ("tf.dtypes.float32", "float32"),
        ("np.int64", "int64"),
        ("tf.bfloat16", "bfloat16"),
        ("half", "float16"),
        ("tf.half", "float16"),
        ("float", "float32"),
        ("double", "float64"),
        ("tf.double", "float64"),
        ("int", "int32"),
        ("str", "string"),
        ("tf.string", "string"),
        ("bool", "bool"),
        ("complex128", "complex128"),
    ],
)
def test_dtype_of_names_and_aliases(name: str, expected: str) -> None:
    d = DType.of(name)
    assert d.known == expected
    assert d == DType.of(expected)
    assert d.pretty() == expected


@pytest.mark.parametrize("name", [None, "", "no_such_dtype", "tf.no_such", "⊥", "⊤", "?"])
def test_dtype_of_unknown_names_is_top(name: str | None) -> None:
    assert DType.of(name) is DType.TOP or DType.of(name) == DType.TOP
    assert DType.of(name).known is None


def test_dtype_of_round_trips_and_flags() -> None:
    for name in DTYPE_NAMES:
        assert DType.of(DType.of(name).name) == DType.of(name)
    assert DType.of("float16").is_floating and not DType.of("int8").is_floating
    assert DType.BOTTOM.is_bottom and DType.TOP.is_top
    assert (DType.BOTTOM.pretty(), DType.TOP.pretty()) == ("⊥", "?")
    assert DType.of("int32").join(DType.of("float32")) == DType.TOP
    assert DType.of("int32").meet(DType.of("float32")) == DType.BOTTOM


# -- Shape -------------------------------------------------------------------------------------


def s(*dims: int | None) -> Shape:
    return Shape.of(dims)


@pytest.mark.parametrize(
    ("a", "b", "meet"),
    [
        (s(2, None), s(None, 3), s(2, 3)),
        (s(2, 3), s(2, 3), s(2, 3)),
        (s(2), s(3), Shape.BOTTOM),
        (s(2, 3), s(2), Shape.BOTTOM),
        (s(None, None), s(4, None), s(4, None)),
        (Shape.UNKNOWN, s(1, 2), s(1, 2)),
        (Shape.UNKNOWN, Shape.UNKNOWN, Shape.UNKNOWN),
        (Shape.BOTTOM, Shape.UNKNOWN, Shape.BOTTOM),
        (Shape.BOTTOM, s(1), Shape.BOTTOM),
        (Shape.SCALAR, s(), Shape.SCALAR),
        (Shape.SCALAR, s(1), Shape.BOTTOM),
    ],
)
def test_shape_meet(a: Shape, b: Shape, meet: Shape) -> None:
    assert a.meet(b) == meet
    assert b.meet(a) == meet


def test_shape_construction_and_join() -> None:
    assert Shape.of([2, -1, None]) == s(2, None, None)  # negative dims are unknown
    assert Shape.of(None) == Shape.UNKNOWN
    assert Shape.of_rank(2) == s(None, None)
    assert s(2, 3).join(s(2, 4)) == s(2, None)
    assert s(2, 3).join(s(2)) == Shape.UNKNOWN
    assert s(2, 3).fully_known and not s(2, None).fully_known
    assert (s(2, 3).rank, Shape.UNKNOWN.rank) == (2, None)
    assert (s(2, None).to_json(), Shape.UNKNOWN.to_json()) == ([2, None], None)


@pytest.mark.parametrize(
    ("shape", "text"),
    [
        (Shape.BOTTOM, "⊥"),
        (Shape.UNKNOWN, "?"),
        (Shape.SCALAR, "()"),
        (s(3), "(3,)"),
        (s(None), "(?,)"),
        (s(2, None), "(2, ?)"),
    ],
)
def test_shape_pretty(shape: Shape, text: str) -> None:
    assert shape.pretty() == text


# -- pretty printing of tensors and values -----------------------------------------------------

T = Value.tensor("float32", s(2, None))
HERE = Location("pkg/a.py", 3, 4)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (T, "tensor[float32, (2, ?)]"),
        (Value.tensor(None, kind=TensorKind.VARIABLE), "variable[?, ?]"),
        (Value.tensor("int64", s(None), TensorKind.RAGGED), "ragged[int64, (?,)]"),
        (Value.tensor("string", kind=TensorKind.SPARSE), "sparse[string, ?]"),
        (Value.ndarray("int64", Shape.SCALAR), "ndarray[int64, ()]"),
        (Value.const(1).join(Value.const(2)), "{1, 2}"),
        (Value.const("a"), "{'a'}"),
        (Value.any_of("str"), "str"),
        (Value.NONE, "{None}"),
        (Value.BOTTOM, "⊥"),
        (Value.container("list", [T, Value.const(1)]), "[tensor[float32, (2, ?)], {1}]"),
        (Value.container("tuple", [T]), "(tensor[float32, (2, ?)],)"),
        (Value.container("tuple", []), "()"),
        (Value.container("dict", [T], keys=("a",)), "{'a': tensor[float32, (2, ?)]}"),
        (Value.container("list", None, element=T), "list[tensor[float32, (2, ?)]]"),
        (Value.unknown(UnknownReason.NO_CALLER, HERE, "x"), "unknown(no-caller: x)"),
        (Value.unknown(UnknownReason.WIDENED), "unknown(widened)"),
        (
            T.join(Value.const(1)).join(Value.unknown(UnknownReason.STAR_ARGS)),
            "{1} | tensor[float32, (2, ?)] | unknown(star-args)",
        ),
        (Value.atom(DatasetAtom(T)), "dataset[tensor[float32, (2, ?)]]"),
        (Value.atom(IteratorAtom(T)), "iterator[tensor[float32, (2, ?)]]"),
        (Value.atom(CallableAtom("pkg.f")), "<function pkg.f>"),
        (Value.atom(ClassAtom("pkg.Net")), "<class pkg.Net>"),
        (Value.atom(InstanceAtom("pkg.Net")), "<pkg.Net instance>"),
        (Value.atom(ModuleAtom("tensorflow")), "<module tensorflow>"),
    ],
)
def test_value_pretty(value: Value, text: str) -> None:
    assert value.pretty() == text


def test_tensor_kinds_stay_apart() -> None:
    """``TensorType.join`` assumes equal kinds; ``Value`` keeps kinds apart as separate atoms."""
    dense = Value.tensor("float32")
    variable = Value.tensor("float32", kind=TensorKind.VARIABLE)
    both = dense.join(variable)
    assert len(both.atoms) == 2 and both.tensors()[0].kind != both.tensors()[1].kind
    assert not dense.leq(variable) and not variable.leq(dense)
    dense_t, variable_t = dense.tensors()[0], variable.tensors()[0]
    assert not dense_t.leq(variable_t) and not variable_t.leq(dense_t)
    assert TensorType.dense("tf.int32", s(1)).pretty() == "tensor[int32, (1,)]"


def test_symbolic_flag_joins_by_or_and_reaches_into_containers() -> None:
    """Keras symbolic tensors: a flag on the tensor type, ``False`` below ``True``."""
    plain = Value.tensor("float32", s(None, 3))
    symbolic = mark_symbolic(plain)
    assert has_symbolic(symbolic) and not has_symbolic(plain)
    assert plain.leq(symbolic) and not symbolic.leq(plain)
    assert plain.join(symbolic) == symbolic
    assert symbolic.pretty() == "tensor[float32, (?, 3), symbolic]"
    nested = Value.container("list", [plain, Value.const(1)])
    marked = mark_symbolic(nested)
    assert has_symbolic(marked) and strip_symbolic(marked) == nested
    assert mark_symbolic(Value.const(1)) == Value.const(1)  # nothing to mark: unchanged


# -- locations and effects ---------------------------------------------------------------------


def test_location_str_is_one_based_column() -> None:
    assert str(Location("pkg/a.py", 3, 0)) == "pkg/a.py:3:1"
    assert str(HERE) == "pkg/a.py:3:5"
    assert Location("a.py", 2, 9) < Location("a.py", 10, 0) < Location("b.py", 1, 0)


def test_effect_through_keeps_the_first_hop() -> None:
    write = Effect(EffectKind.GLOBAL_WRITE, HERE, "counter")
    call1, call2 = Location("pkg/b.py", 7, 0), Location("pkg/c.py", 9, 2)
    seen = write.through(call1)
    assert seen.via == call1
    assert (seen.kind, seen.location, seen.detail) == (write.kind, write.location, write.detail)
    assert seen.through(call2) is seen  # a caller further up still sees the first call site
    assert write.via is None  # immutable


def test_effects_set_operations() -> None:
    io = Effect(EffectKind.PYTHON_IO, HERE, "print")
    rng = Effect(EffectKind.PYTHON_RNG, HERE)
    var = Effect(EffectKind.VARIABLE_CREATION, Location("pkg/a.py", 1, 0))
    effects = Effects.of([io, rng]).add(var)
    assert len(effects) == 3 and effects and not Effects.EMPTY
    assert effects.add(io) is effects
    assert effects.kinds() == {
        EffectKind.PYTHON_IO,
        EffectKind.PYTHON_RNG,
        EffectKind.VARIABLE_CREATION,
    }
    assert effects.of_kind(EffectKind.PYTHON_IO) == [io]
    assert effects.sorted() == sorted([io, rng, var])
    assert io.kind.is_python_side_effect and not var.kind.is_python_side_effect
    assert Effects.of([io]).meet(Effects.of([rng])) == Effects.EMPTY
