"""Named-tuple results (``tf.math.top_k``) and ``tf.TensorArray``."""

from __future__ import annotations

import pytest

from hybridize.lattice.values import ContainerAtom, TensorAtom, Value
from hybridize.stubs import rules
from hybridize.stubs.loader import load_models
from hybridize.stubs.model import FunctionModel, namedtuple_class, namedtuple_fields
from hybridize.stubs.structures import known_items
from hybridize.stubs.syntax import RuleError, parse_return_rule

from .support import HERE, call, construct_and_call, dtype_const, tensor


def _tensor(value: Value) -> tuple[str | None, tuple[int | None, ...] | None]:
    atom = value.only(TensorAtom)
    assert atom is not None, value.pretty()
    return atom.type.dtype.known, atom.type.shape.dims


def test_named_tuple_rules_parse() -> None:
    rule = parse_return_rule("tuple-of:values=tensor;indices=tensor@int32")
    assert rule.head == "tuple-of" and rule.params == ("values", "indices")
    assert rule.inner[1].dtype == "int32"
    assert parse_return_rule("tuple-of:tensor;tensor").params == ()
    with pytest.raises(RuleError):
        parse_return_rule("tuple-of:values=tensor;tensor")
    with pytest.raises(RuleError):
        parse_return_rule("tuple-of:a=tensor;a=tensor")


def test_namedtuple_class_names() -> None:
    name = namedtuple_class(("values", "indices"))
    assert name is not None and namedtuple_fields(name) == ("values", "indices")
    assert namedtuple_class((1, 2)) is None
    assert namedtuple_class(()) is None
    assert namedtuple_fields("builtins.tuple") is None


def _top_k() -> Value:
    return call("tensorflow.math.top_k", tensor("float32", 4, 5), k=2)


def test_top_k_is_a_tuple_with_field_names() -> None:
    result = _top_k()
    atom = result.only(ContainerAtom)
    assert atom is not None and atom.kind == "tuple"
    assert atom.keys == ("values", "indices")
    assert rules.class_of_atom(atom)[0] == namedtuple_class(("values", "indices"))
    items = known_items(result)  # values, indices = tf.math.top_k(...)
    assert items is not None and len(items) == 2
    values, indices = items
    assert _tensor(values) == ("float32", (4, 2))
    assert _tensor(indices) == ("int32", (4, 2))
    assert _tensor(rules.subscript(result, Value.const(1))) == ("int32", (4, 2))


def _field(result: Value, name: str) -> Value:
    """What the interpreter does for ``result.name``: the model class's property."""
    atom = result.only(ContainerAtom)
    assert atom is not None
    for qualname in rules.class_of_atom(atom):
        model = load_models().property(qualname, name)
        if model is not None:
            bound = rules.bind(model, [], {}, HERE, receiver=result)
            return rules.evaluate(model, bound, rules.no_invoke)
    raise AssertionError(f"no property {name}")


def test_fields_read_the_items() -> None:
    result = _top_k()
    assert _tensor(_field(result, "values")) == ("float32", (4, 2))
    assert _tensor(_field(result, "indices")) == ("int32", (4, 2))
    nn = call("tensorflow.nn.top_k", tensor("float64", 3, 6), 4, index_type=dtype_const("int64"))
    assert _tensor(_field(nn, "indices")) == ("int64", (3, 4))


def test_a_field_shadows_the_tuple_method_of_that_name() -> None:
    result = call("tensorflow.unique_with_counts", tensor("int32", 5))
    atom = result.only(ContainerAtom)
    assert atom is not None and atom.keys == ("y", "idx", "count")
    cls = rules.class_of_atom(atom)[0]
    assert load_models().method(cls, "count") is None
    assert load_models().method(cls, "index") is not None  # tuple.index is still there
    assert _tensor(_field(result, "count")) == ("int32", (None,))
    assert _tensor(_field(result, "idx")) == ("int32", (5,))


def test_unique_and_linalg_named_tuples() -> None:
    unique = call("tensorflow.unique", tensor("int64", 7))
    assert _tensor(_field(unique, "y")) == ("int64", (None,))
    qr = call("tensorflow.linalg.qr", tensor("float32", 3, 3))
    assert _tensor(_field(qr, "r"))[0] == "float32"
    slogdet = call("tensorflow.linalg.slogdet", tensor("float64", 3, 3))
    assert _tensor(_field(slogdet, "log_abs_determinant"))[0] == "float64"


def _method(name: str) -> FunctionModel:
    model = load_models().method("tensorflow.TensorArray", name)
    assert model is not None
    return model


@pytest.mark.parametrize("name", ["write", "unstack", "scatter", "split", "read", "stack",
                                  "gather", "concat", "size", "close"])
def test_tensor_array_methods_are_ops_without_python_effects(name: str) -> None:
    model = _method(name)
    assert model.is_op
    assert not model.effects and not model.conditional_effects and not model.mutates


def test_tensor_array_write_returns_the_array() -> None:
    assert _method("write").returns == "self"
    init = load_models().cls("tensorflow.TensorArray")
    assert init is not None and init.init is not None and not init.init.effects


def test_tensor_array_reads_follow_the_constructor() -> None:
    stacked = construct_and_call("tensorflow.TensorArray", [dtype_const("float32")],
                                 {"size": 3, "element_shape": [2]}, [], "stack")
    assert _tensor(stacked) == ("float32", (3, 2))
    dynamic = construct_and_call("tensorflow.TensorArray", [dtype_const("int32")],
                                 {"size": 3, "dynamic_size": True, "element_shape": (2, 5)},
                                 [], "stack")
    assert _tensor(dynamic) == ("int32", (None, 2, 5))
    read = construct_and_call("tensorflow.TensorArray", [dtype_const("float32")],
                              {"size": 3}, [0], "read")
    assert _tensor(read) == ("float32", None)
    size = construct_and_call("tensorflow.TensorArray", [dtype_const("float32")], {}, [],
                              "size")
    assert _tensor(size) == ("int32", ())


def test_tensor_array_without_a_known_construction_assumes_nothing() -> None:
    receiver = call("tensorflow.TensorArray", dtype_const("float32"), size=3)
    stacked = call("tensorflow.TensorArray.stack", receiver=receiver)
    assert _tensor(stacked) == (None, None)
