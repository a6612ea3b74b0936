"""``rules.bind`` follows Python's binding rules, and ``evaluate`` reads defaults correctly."""

from __future__ import annotations

import pytest

from hybridize.lattice.values import ContainerAtom, UnknownAtom, UnknownReason, Value
from hybridize.stubs import rules
from hybridize.stubs.model import FunctionModel, ParamKind, ParamModel

from .support import HERE, call, literal, model_of, tensor

P = ParamKind


def _model(*params: tuple[str, ParamKind, Value | None], method: bool = False,
           constructor: bool = False) -> FunctionModel:
    return FunctionModel(
        "test.f",
        tuple(ParamModel(name, kind, default is not None, default) for name, kind, default in
              params),
        "unknown",
        is_method=method,
        is_constructor=constructor,
    )


ONE, TWO, THREE = Value.const(1), Value.const(2), Value.const(3)


def test_positional_and_keywords() -> None:
    model = _model(("a", P.POSITIONAL_OR_KEYWORD, None), ("b", P.POSITIONAL_OR_KEYWORD, TWO),
                   ("c", P.KEYWORD_ONLY, THREE))
    bound = rules.bind(model, [ONE], {"c": TWO}, HERE)
    assert dict(bound.arguments) == {"a": ONE, "c": TWO}
    assert not bound.unbound_star


def test_positional_only_is_not_a_keyword() -> None:
    model = _model(("a", P.POSITIONAL_ONLY, None), ("kwargs", P.VAR_KEYWORD, None))
    bound = rules.bind(model, [], {"a": ONE}, HERE)
    assert "a" not in bound.arguments
    kwargs = bound.arguments["kwargs"].only(ContainerAtom)
    assert kwargs is not None and kwargs.keys == ("a",) and kwargs.items == (ONE,)


def test_var_positional_absorbs_extra_arguments() -> None:
    model = _model(("a", P.POSITIONAL_OR_KEYWORD, None), ("rest", P.VAR_POSITIONAL, None))
    bound = rules.bind(model, [ONE, TWO, THREE], {}, HERE)
    rest = bound.arguments["rest"].only(ContainerAtom)
    assert rest is not None and rest.kind == "tuple" and rest.items == (TWO, THREE)


def test_extra_arguments_without_star_are_dropped() -> None:
    model = _model(("a", P.POSITIONAL_OR_KEYWORD, None))
    bound = rules.bind(model, [ONE, TWO], {"zzz": THREE}, HERE)
    assert dict(bound.arguments) == {"a": ONE}


def test_a_keyword_does_not_override_a_positional() -> None:
    model = _model(("a", P.POSITIONAL_OR_KEYWORD, None))
    assert dict(rules.bind(model, [ONE], {"a": TWO}, HERE).arguments) == {"a": ONE}


def test_methods_bind_the_receiver() -> None:
    model = _model(("self", P.POSITIONAL_OR_KEYWORD, None), ("x", P.POSITIONAL_OR_KEYWORD, None),
                   method=True)
    receiver = tensor("float32", 2)
    bound = rules.bind(model, [ONE], {}, HERE, receiver)
    assert bound.receiver == receiver and dict(bound.arguments) == {"x": ONE}
    through_class = rules.bind(model, [receiver, ONE], {}, HERE)
    assert through_class.receiver == receiver and dict(through_class.arguments) == {"x": ONE}


def test_constructors_do_not_take_a_receiver_from_the_arguments() -> None:
    model = _model(("self", P.POSITIONAL_OR_KEYWORD, None), ("x", P.POSITIONAL_OR_KEYWORD, None),
                   method=True, constructor=True)
    bound = rules.bind(model, [ONE], {}, HERE)
    assert bound.receiver is None and dict(bound.arguments) == {"x": ONE}


def test_unbound_star_makes_missing_arguments_unknown() -> None:
    model = model_of("tensorflow.reduce_sum")
    bound = rules.bind(model, [tensor("float32", 2, 3)], {}, HERE, unbound_star=True)
    result = rules.evaluate(model, bound, rules.no_invoke)
    atom = result.only(type(result.atoms[0]))
    assert atom is not None
    assert result.tensors()[0].shape.dims is None  # the axis may have come from the *args


def test_unbound_star_var_positional_is_open() -> None:
    model = _model(("rest", P.VAR_POSITIONAL, None))
    bound = rules.bind(model, [ONE], {}, HERE, unbound_star=True)
    rest = bound.arguments["rest"].only(ContainerAtom)
    assert rest is not None and rest.items is None
    assert any(isinstance(a, UnknownAtom) and a.reason is UnknownReason.STAR_ARGS
               for a in rest.element.atoms)


def test_literal_defaults_are_used() -> None:
    assert call("tensorflow.zeros", [2]) == tensor("float32", 2)
    assert call("tensorflow.reduce_sum", tensor("float32", 2, 3)) == tensor("float32")
    assert call("numpy.zeros", 3) == Value.ndarray("float64", tensor(None, 3).tensors()[0].shape)


def test_absent_unless_passed_defaults() -> None:
    """``next(it)`` has no default; ``next(it, None)`` may return None."""
    iterator = call("builtins.iter", [1, 2])
    assert call("builtins.next", iterator) == literal(1).join(literal(2))
    assert call("builtins.next", iterator, None) == literal(1).join(literal(2)).join(Value.NONE)


@pytest.mark.parametrize("qualname", ["builtins.print", "tensorflow.print", "builtins.max"])
def test_varargs_models_accept_anything(qualname: str) -> None:
    model = model_of(qualname)
    bound = rules.bind(model, [ONE, TWO, THREE], {"sep": literal(",")}, HERE)
    assert bound.arguments
