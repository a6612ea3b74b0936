"""Helpers shared by the stub tests: building abstract values and calling models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hybridize.lattice.location import Location
from hybridize.lattice.shape import Dim, Shape
from hybridize.lattice.values import ConstAtom, Value
from hybridize.stubs import rules
from hybridize.stubs.loader import load_models
from hybridize.stubs.model import ClassModel, FunctionModel, Invoke

HERE = Location("test.py", 1)


def tensor(dtype: str | None, *dims: Dim) -> Value:
    return Value.tensor(dtype, Shape(dims))


def array(dtype: str | None, *dims: Dim) -> Value:
    return Value.ndarray(dtype, Shape(dims))


def dtype_const(name: str) -> Value:
    return Value.atom(ConstAtom("dtype", frozenset({name})))


def literal(value: object) -> Value:
    """The abstract value of a Python literal (nested lists/tuples/dicts of constants)."""
    if isinstance(value, Value):
        return value
    if isinstance(value, list):
        return Value.container("list", [literal(v) for v in value], origin="test")
    if isinstance(value, tuple):
        return Value.container("tuple", [literal(v) for v in value], origin="test")
    if isinstance(value, dict):
        return Value.container(
            "dict", [literal(v) for v in value.values()], origin="test", keys=tuple(value)
        )
    assert value is None or isinstance(value, (int, float, str, bool, bytes, complex))
    return Value.const(value)


def model_of(qualname: str) -> FunctionModel:
    found = load_models().lookup(qualname)
    if isinstance(found, ClassModel):
        assert found.init is not None
        return found.init
    assert isinstance(found, FunctionModel), qualname
    return found


def call(
    qualname: str,
    *args: object,
    receiver: Value | None = None,
    init: Mapping[str, Value] | None = None,
    invoke: Invoke = rules.no_invoke,
    **kwargs: object,
) -> Value:
    """Evaluate the model of ``qualname`` on abstract arguments (Python literals allowed)."""
    model = model_of(qualname)
    bound = rules.bind(
        model,
        [literal(a) for a in args],
        {k: literal(v) for k, v in kwargs.items()},
        HERE,
        receiver,
        init_arguments=init,
    )
    return rules.evaluate(model, bound, invoke)


def construct_and_call(
    class_qualname: str,
    init_args: Sequence[object],
    init_kwargs: Mapping[str, object],
    call_args: Sequence[object],
    method: str = "__call__",
) -> Value:
    """What the interpreter does for ``Cls(*init_args)(*call_args)`` on an external class: keep
    the constructor's bound arguments and pass them as ``init_arguments`` to the method."""
    models = load_models()
    constructor = model_of(class_qualname)
    bound_init = rules.bind(
        constructor,
        [literal(a) for a in init_args],
        {k: literal(v) for k, v in init_kwargs.items()},
        HERE,
    )
    instance = rules.evaluate(constructor, bound_init, rules.no_invoke)
    target = models.method(class_qualname, method)
    assert target is not None
    bound = rules.bind(
        target,
        [literal(a) for a in call_args],
        {},
        HERE,
        instance,
        init_arguments=bound_init.arguments,
    )
    return rules.evaluate(target, bound, rules.no_invoke)
