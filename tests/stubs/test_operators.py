"""Python operators, subscripts and iteration on abstract values (``stubs.operators``)."""

from __future__ import annotations

import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import (
    ClassAtom,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    join_all,
)
from hybridize.stubs import rules, shapes

from .support import array, call, literal, tensor

ANY_INT = Value.any_of("int")
ANY_FLOAT = Value.any_of("float")
UNKNOWN = Value.unknown(UnknownReason.NO_CALLER, None, "x")


@pytest.mark.parametrize(
    ("op", "left", "right", "expected"),
    [
        ("+", 1, 2, literal(3)),
        ("/", 1, 2, literal(0.5)),
        ("//", 7, 2, literal(3)),
        ("**", 2, 10, literal(1024)),
        ("**", 2, -1, literal(0.5)),
        ("%", "%d items", 3, literal("3 items")),
        ("+", "a", "b", literal("ab")),
        ("*", "ab", 2, literal("abab")),
        ("<", 1, 2, literal(True)),
        ("==", "a", "a", literal(True)),
        ("&", True, False, literal(False)),
        ("|", 1, 2, literal(3)),
        ("<<", 1, 3, literal(8)),
        ("+", True, True, literal(2)),
        ("+", 1, 0.5, literal(1.5)),
        ("/", 1, 0, ANY_FLOAT),  # raises at run time: nothing to fold
        ("+", ANY_INT, 1, ANY_INT),
        ("/", ANY_INT, 2, ANY_FLOAT),
        ("**", ANY_INT, 2, ANY_INT.join(ANY_FLOAT)),
        ("*", ANY_FLOAT, 2, ANY_FLOAT),
        ("==", None, None, literal(True)),
        ("+", [1], [2, 3], literal([1, 2, 3])),
        ("+", (1,), (2,), literal((1, 2))),
        ("*", [0], 3, literal([0, 0, 0])),
        ("+", tensor("float32", 2, 3), 1.0, tensor("float32", 2, 3)),
        ("+", tensor("int32", 2), 1.0, tensor(None, 2)),  # TF refuses int32 + 1.0
        ("*", tensor("float32", 2, 1), tensor("float32", 3), tensor("float32", 2, 3)),
        ("*", tensor("float32", 2), tensor("float64", 2), tensor(None, 2)),
        ("/", tensor("int32", 4), 2, tensor("float64", 4)),
        ("==", tensor("int64", 3), tensor("int64", 3), tensor("bool", 3)),
        ("@", tensor("float32", 2, 3), tensor("float32", 3, 5), tensor("float32", 2, 5)),
        ("+", tensor("float32", None, 3), tensor("float32", 4, 1), tensor("float32", 4, 3)),
        ("+", [1.0, 2.0], tensor("float32", 2), tensor("float32", 2)),
        ("+", array("float32", 2), tensor("float32", 2), tensor("float32", 2)),
        ("+", array("int32", 2), 1, array("int32", 2)),
        ("+", array("int32", 2), 1.0, array("float64", 2)),
        ("+", array("float32", 2), array("float64", 2), array("float64", 2)),
        ("/", array("int32", 3), 2, array("float64", 3)),
        ("<", array("float32", 3), 0, array("bool", 3)),
        ("@", array("float64", 2, 3), array("float64", 3), array("float64", 2)),
        ("+", UNKNOWN, 1, UNKNOWN),
        ("+", 1, UNKNOWN, UNKNOWN),
    ],
)
def test_binary_op(op: str, left: object, right: object, expected: Value) -> None:
    assert rules.binary_op(op, literal(left), literal(right), origin="test") == expected


def test_binary_op_on_unions_joins_the_cases() -> None:
    union = literal(1).join(tensor("float32", 2))
    result = rules.binary_op("*", union, literal(2))
    assert result == literal(2).join(tensor("float32", 2))


def test_binary_op_rejects_unknown_operators() -> None:
    with pytest.raises(ValueError):
        rules.binary_op("<>", literal(1), literal(2))


def test_binary_op_never_folds_huge_values() -> None:
    assert rules.binary_op("**", literal(10), literal(10**6)) == ANY_INT.join(ANY_FLOAT)
    assert rules.binary_op("*", literal("x"), literal(10**9)) == Value.any_of("str")


def test_unknown_operand_keeps_its_reason() -> None:
    result = rules.binary_op("+", UNKNOWN, tensor("float32", 2))
    atom = result.only(UnknownAtom)
    assert atom is not None and atom.reason is UnknownReason.NO_CALLER


def test_new_containers_get_the_origin() -> None:
    result = rules.binary_op("+", literal([1]), literal([2]), origin="site:1")
    atom = result.only(ContainerAtom)
    assert atom is not None and atom.origins == frozenset({"site:1"})


_SMALL = st.integers(min_value=-50, max_value=50)
_OPS = ["+", "-", "*", "//", "%", "**", "<", "<=", "==", "!=", "&", "|", "^"]
_PY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "//": operator.floordiv,
       "%": operator.mod, "**": operator.pow, "<": operator.lt, "<=": operator.le,
       "==": operator.eq, "!=": operator.ne, "&": operator.and_, "|": operator.or_,
       "^": operator.xor}


@given(st.sampled_from(_OPS), _SMALL, _SMALL)
def test_constant_folding_agrees_with_python(op: str, a: int, b: int) -> None:
    result = rules.binary_op(op, literal(a), literal(b))
    try:
        expected = _PY[op](a, b)
    except ZeroDivisionError:
        assert all(isinstance(x, ConstAtom) and x.values is None for x in result.atoms)
        return
    assert Value.const(expected).leq(result)


@given(st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=3),
       st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=3))
def test_tensor_broadcasting_agrees_with_numpy(left: list[int], right: list[int]) -> None:
    np = pytest.importorskip("numpy")
    try:
        expected = np.broadcast_shapes(tuple(left), tuple(right))
    except ValueError:
        return
    result = rules.binary_op("+", tensor("float32", *left), tensor("float32", *right))
    assert result == tensor("float32", *expected)


@given(st.lists(st.sampled_from([1, 2, 3, None]), min_size=1, max_size=3),
       st.lists(st.sampled_from([1, 2, 3, None]), min_size=1, max_size=3),
       st.lists(st.sampled_from([1, 2, 3]), min_size=3, max_size=3))
def test_broadcasting_with_unknown_dims_is_sound(left: list[int | None],
                                                 right: list[int | None],
                                                 fill: list[int]) -> None:
    """Whatever the unknown dims turn out to be, the real broadcast is described by the result."""
    np = pytest.importorskip("numpy")
    concrete_left = tuple(d if d is not None else fill[i] for i, d in enumerate(left))
    concrete_right = tuple(d if d is not None else fill[i] for i, d in enumerate(right))
    try:
        expected = np.broadcast_shapes(concrete_left, concrete_right)
    except ValueError:
        return
    result = shapes.broadcast([Shape(tuple(left)), Shape(tuple(right))])
    assert Shape(tuple(expected)).leq(result)


@pytest.mark.parametrize(
    ("op", "value", "expected"),
    [
        ("-", literal(3), literal(-3)),
        ("-", literal(True), literal(-1)),
        ("~", literal(0), literal(-1)),
        ("not", literal(0), literal(True)),
        ("not", literal([]), literal(True)),
        ("not", ANY_INT, Value.any_of("bool")),
        ("not", tensor("bool", 2), Value.any_of("bool")),
        ("abs", literal(-2.5), literal(2.5)),
        ("-", tensor("float32", 2), tensor("float32", 2)),
        ("-", Value.tensor("float32", Shape((2,)), TensorKind.VARIABLE), tensor("float32", 2)),
        ("-", array("int8", 3), array("int8", 3)),
        ("-", UNKNOWN, UNKNOWN),
    ],
)
def test_unary_op(op: str, value: Value, expected: Value) -> None:
    assert rules.unary_op(op, value) == expected


def _slice(lower: int | None, upper: int | None, step: int | None = None) -> Value:
    return rules.slice_value(*(None if b is None else literal(b) for b in (lower, upper, step)))


@pytest.mark.parametrize(
    ("value", "index", "expected"),
    [
        (tensor("float32", 4, 5), literal(0), tensor("float32", 5)),
        (tensor("float32", None, 5), literal(0), tensor("float32", 5)),
        (tensor("float32", 4, 5), _slice(1, 3), tensor("float32", 2, 5)),
        (tensor("float32", None, 5), _slice(1, 3), tensor("float32", None, 5)),
        (tensor("float32", 4, 5), literal((_slice(None, None), 0)), tensor("float32", 4)),
        (tensor("float32", 4, 5, 6), literal((rules.ELLIPSIS, 0)), tensor("float32", 4, 5)),
        (tensor("float32", 4, 5, 6), literal((Value.atom(ConstAtom("ellipsis", frozenset({"..."}))),
                                              0)), tensor("float32", 4, 5)),
        (tensor("float32", 4), literal((None, _slice(None, None))), tensor("float32", 1, 4)),
        (tensor("float32", 4), tensor("int32"), tensor("float32")),
        (Value.tensor("float32"), literal(0), Value.tensor("float32")),
        (tensor("float32"), literal(0), Value.tensor("float32")),  # a scalar: raises
        (Value.tensor("int32", Shape((3, 2)), TensorKind.VARIABLE), literal(1), tensor("int32", 2)),
        (array("float64", 4, 5), literal(-1), array("float64", 5)),
        (array("float64", 4, 5), array("int64", 3), Value.ndarray("float64")),
        (literal([1, "a"]), literal(1), literal("a")),
        (literal([1, "a"]), literal(-2), literal(1)),
        (literal([1, "a"]), ANY_INT, literal(1).join(literal("a"))),
        (literal((1, 2, 3)), _slice(1, None), literal((2, 3))),
        (call("builtins.range", 5), _slice(1, 3), literal(1).join(literal(2))),
        (literal({"a": 1, "b": 2.0}), literal("b"), literal(2.0)),
        (literal({"a": 1}), Value.any_of("str"), literal(1)),
        (literal("hello"), literal(1), literal("e")),
        (UNKNOWN, literal(0), UNKNOWN),
        (Value.atom(ClassAtom("builtins.list", True)), Value.atom(ClassAtom("builtins.int")),
         Value.atom(ClassAtom("builtins.list", True))),
    ],
)
def test_subscript(value: Value, index: Value, expected: Value) -> None:
    result = rules.subscript(value, index, origin="test")
    atom = result.only(ContainerAtom)
    if atom is not None and atom.kind == "range":
        result = rules.iterate(result)
    assert result == expected


def test_subscript_of_ragged_may_be_dense_or_ragged() -> None:
    ragged = Value.tensor("int32", Shape((3, None)), TensorKind.RAGGED)
    kinds = {t.kind for t in rules.subscript(ragged, literal(0)).tensors()}
    assert kinds == {TensorKind.RAGGED, TensorKind.DENSE}


def test_subscript_never_returns_bottom() -> None:
    result = rules.subscript(literal({"a": 1}).join(literal(3)), literal("zzz"))
    assert not result.is_bottom


def test_subscript_of_a_modelled_instance_uses_its_model() -> None:
    from hybridize.stubs.loader import load_models

    environ = load_models().attribute("os.environ")
    assert environ is not None
    assert rules.subscript(environ, literal("HOME")) == Value.any_of("str")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (tensor("float32", 4, 5), tensor("float32", 5)),
        (Value.tensor("float32"), Value.tensor("float32")),
        (array("int64", 3), array("int64")),
        (literal([1, 2]), literal(1).join(literal(2))),
        (literal({"a": 1, "b": 2}), literal("a").join(literal("b"))),
        (literal("ab"), literal("a").join(literal("b"))),
        (Value.atom(DatasetAtom(tensor("int64"))), tensor("int64")),
        (Value.atom(IteratorAtom(literal(1.5))), literal(1.5)),
        (literal(3), Value.BOTTOM),
        (UNKNOWN, UNKNOWN),
    ],
)
def test_iterate(value: Value, expected: Value) -> None:
    assert rules.iterate(value) == expected


def test_iterate_range_and_file() -> None:
    assert rules.iterate(call("builtins.range", 3)) == join_all(literal(i) for i in range(3))
    assert rules.iterate(call("builtins.range", ANY_INT)) == ANY_INT
    opened = call("builtins.open", "f.txt")
    assert opened.only(InstanceAtom) is not None
    assert rules.iterate(opened) == Value.any_of("str")


def test_scalar_tensor_iteration_raises() -> None:
    assert rules.iterate(Value.tensor("float32", Shape.SCALAR)).is_bottom


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (literal([1, 2, 3]), literal(3)),
        (tensor("float32", 4, 2), literal(4)),
        (tensor("float32", None, 2), ANY_INT),
        (literal("abc"), literal(3)),
        (call("builtins.range", 2, 10, 3), literal(3)),
    ],
)
def test_length(value: Value, expected: Value) -> None:
    assert rules.length(value) == expected


def test_class_of_atom() -> None:
    assert rules.class_of_atom(tensor("float32").atoms[0]) == ("tensorflow.Tensor",)
    variable = Value.tensor("float32", None, TensorKind.VARIABLE)
    assert rules.class_of_atom(variable.atoms[0]) == ("tensorflow.Variable",)
    assert rules.class_of_atom(array("int32").atoms[0]) == ("numpy.ndarray",)
    assert rules.class_of_atom(literal((1,)).atoms[0]) == ("builtins.tuple",
                                                          "tensorflow.TensorShape")
    assert rules.class_of_atom(literal({}).atoms[0]) == ("builtins.dict",)
    assert rules.class_of_atom(literal(None).atoms[0]) == ()
