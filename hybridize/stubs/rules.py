"""The public face of the library models' semantics: binding, evaluation, effects, operators.

A model (``stubs.model.FunctionModel``) names its result with three rule strings: a *return rule*
(what kind of value: ``tensor``, ``list:tensor``, ``dataset:call:map_func``, ``self``, ...), a
*dtype rule* and a *shape rule* for the tensor-kind parts (``same:x``, ``broadcast:x,y``). The
vocabularies are ``RETURN_RULES``, ``DTYPE_RULES`` and ``SHAPE_RULES`` (each entry documented);
``models/README.md`` shows them in use. The guiding principle: *unknown when unsure, never wrong*.

This module is what the interpreter imports: ``bind`` and ``evaluate`` for calls,
``call_effects``/``mutated_arguments`` for their effects, and the Python-operator transfer
functions (``binary_op``, ``unary_op``, ``subscript``, ``iterate``, ``slice_value``, ``length``,
``class_of_atom``) from ``stubs.operators``. The machinery is split by concern: ``syntax``
(parsing and validation), ``evaluation`` (the per-call context), ``return_rules``,
``dtype_rules``, ``shape_rules`` (the registries) and ``structures`` (tf.nest-style helpers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hybridize.lattice.effects import EffectKind
from hybridize.lattice.location import Location
from hybridize.lattice.values import UnknownReason, Value, join_all
from hybridize.stubs.dtype_rules import DTYPE_RULES
from hybridize.stubs.evaluation import NOWHERE, Evaluation, no_invoke
from hybridize.stubs.model import Bound, FunctionModel, Invoke, ParamKind, ParamModel
from hybridize.stubs.operators import (
    BINARY_OPS,
    ELLIPSIS,
    UNARY_OPS,
    binary_op,
    class_of_atom,
    iterate,
    length,
    slice_value,
    subscript,
    unary_op,
)
from hybridize.stubs.shape_rules import SHAPE_RULES
from hybridize.stubs.syntax import (
    EFFECT_CONDITIONS,
    RETURN_RULES,
    Rule,
    RuleError,
    check_dtype_rule,
    check_shape_rule,
    parse_return_rule,
)

__all__ = [
    "BINARY_OPS",
    "DTYPE_RULES",
    "EFFECT_CONDITIONS",
    "ELLIPSIS",
    "NOWHERE",
    "RETURN_RULES",
    "SHAPE_RULES",
    "UNARY_OPS",
    "Rule",
    "RuleError",
    "attribute_value",
    "binary_op",
    "bind",
    "call_effects",
    "class_of_atom",
    "evaluate",
    "iterate",
    "length",
    "mutated_arguments",
    "no_invoke",
    "parse_return_rule",
    "slice_value",
    "subscript",
    "unary_op",
    "validate_model",
]


def bind(
    model: FunctionModel,
    args: Sequence[Value],
    kwargs: Mapping[str, Value],
    location: Location,
    receiver: Value | None = None,
    *,
    unbound_star: bool = False,
    init_arguments: Mapping[str, Value] | None = None,
) -> Bound:
    """Bind a call's arguments to ``model``'s parameters the way Python does.

    Positional arguments fill positional parameters in order, extra ones go to ``*args`` (as a
    tuple) or are dropped; keywords match by name, unknown ones go to ``**kwargs`` (as a dict) or
    are dropped (the call would raise; the analysis is not a type checker). Missing parameters
    stay absent: rules fall back to the model's defaults, except when ``unbound_star`` says that
    the call also passed ``*xs``/``**kw`` whose contents are unknown, in which case a missing
    parameter is unknown. For a method (``model.is_method``) the receiver binds to ``self``;
    called through the class (``keras.Model.fit(m, x)``) the first argument is the receiver.
    ``init_arguments`` are the receiver's constructor arguments when known (see ``Bound``).
    """
    params = model.params
    positional_args = list(args)
    if model.is_method and params:
        params = params[1:]
        if receiver is None and positional_args and not model.is_constructor:
            receiver = positional_args.pop(0)
    arguments: dict[str, Value] = {}
    origin = str(location)
    positional = [
        p
        for p in params
        if p.kind in (ParamKind.POSITIONAL_ONLY, ParamKind.POSITIONAL_OR_KEYWORD)
    ]
    extra: list[Value] = []
    for index, value in enumerate(positional_args):
        if index < len(positional):
            arguments[positional[index].name] = value
        else:
            extra.append(value)
    var_positional = next((p for p in params if p.kind is ParamKind.VAR_POSITIONAL), None)
    if var_positional is not None:
        if unbound_star:
            element = join_all(extra).join(Value.unknown(UnknownReason.STAR_ARGS, location))
            arguments[var_positional.name] = Value.container("tuple", None, element, origin)
        else:
            arguments[var_positional.name] = Value.container("tuple", extra, origin=origin)
    by_name = {
        p.name: p
        for p in params
        if p.kind in (ParamKind.POSITIONAL_OR_KEYWORD, ParamKind.KEYWORD_ONLY)
    }
    extra_keywords: dict[str, Value] = {}
    for name, value in kwargs.items():
        if name in by_name:
            arguments.setdefault(name, value)
        else:
            extra_keywords[name] = value
    var_keyword = next((p for p in params if p.kind is ParamKind.VAR_KEYWORD), None)
    if var_keyword is not None:
        if unbound_star:
            element = join_all(extra_keywords.values()).join(
                Value.unknown(UnknownReason.STAR_ARGS, location)
            )
            arguments[var_keyword.name] = Value.container("dict", None, element, origin)
        else:
            keys = tuple(extra_keywords)
            arguments[var_keyword.name] = Value.container(
                "dict", tuple(extra_keywords.values()), origin=origin, keys=keys
            )
    return Bound(arguments, location, receiver, unbound_star, init_arguments)


def call_effects(model: FunctionModel, bound: Bound) -> tuple[tuple[EffectKind, str], ...]:
    """The effects of this call: the model's unconditional effects plus the conditional ones
    whose condition holds for these arguments, each with a short detail for proofs."""
    detail = model.effect_detail or model.qualname
    result = [(kind, detail) for kind in model.effects]
    if model.conditional_effects:
        evaluation = Evaluation(model, bound, no_invoke, str(bound.location))
        for conditional in model.conditional_effects:
            if _condition(evaluation, conditional.condition):
                result.append((conditional.kind, conditional.detail or detail))
    return tuple(result)


def _condition(evaluation: Evaluation, condition: str) -> bool:
    head, _, name = condition.partition(":")
    value = evaluation.param(name)
    if value is None:
        return False
    tensors = value.tensors()
    if head == "tensor":
        return bool(tensors)
    if head == "unknown-len":
        return any(t.shape.dims is None or (t.shape.dims and t.shape.dims[0] is None)
                   for t in tensors)
    raise RuleError(f"unknown effect condition {condition!r}")


def mutated_arguments(model: FunctionModel, bound: Bound) -> tuple[tuple[str, Value], ...]:
    """The values this call mutates in place (``model.mutates``; ``self`` is the receiver)."""
    result: list[tuple[str, Value]] = []
    for name in model.mutates:
        value = bound.receiver if name == "self" else bound.arguments.get(name)
        if value is not None:
            result.append((name, value))
    return tuple(result)


def validate_model(model: FunctionModel) -> None:
    """Parse every rule of ``model`` (raises ``RuleError``), so that bad models fail at load."""
    parse_return_rule(model.returns)
    if model.dtype_rule is not None:
        check_dtype_rule(model.dtype_rule)
    if model.shape_rule is not None:
        check_shape_rule(model.shape_rule)
    names = {p.name for p in model.params} | {"self"}
    for call in model.calls:
        if call.param not in names and not call.param.startswith("init."):
            raise RuleError(f"{model.qualname}: calls unknown parameter {call.param!r}")
    for conditional in model.conditional_effects:
        head = conditional.condition.partition(":")[0]
        if head not in EFFECT_CONDITIONS:
            raise RuleError(f"{model.qualname}: unknown effect condition {head!r}")
    for name in model.mutates:
        if name not in names:
            raise RuleError(f"{model.qualname}: mutates unknown parameter {name!r}")


def attribute_value(
    rule: str, receiver: Value, location: Location, *, origin: str | None = None
) -> Value:
    """The value of an instance attribute whose rule is ``rule`` (``Models.class_attribute``),
    read from ``receiver``: ``attribute_value("shape-of:self", x, loc)`` is ``x.shape``. The
    rules from ``class_attribute`` carry their own dtype/shape rules inline
    (``"tensor@same:self@transpose:self"`` for ``Tensor.T``)."""
    model = FunctionModel(
        f"attribute:{rule}",
        (ParamModel("self", ParamKind.POSITIONAL_OR_KEYWORD, False),),
        rule,
        is_method=True,
    )
    bound = Bound({}, location, receiver)
    return evaluate(model, bound, no_invoke, origin=origin)


def evaluate(
    model: FunctionModel, bound: Bound, invoke: Invoke, *, origin: str | None = None
) -> Value:
    """The abstract result of calling ``model`` with ``bound`` arguments.

    Before computing the result, every callable argument named in ``model.calls`` is invoked
    once through ``invoke`` (even when its result is not needed, so the interpreter sees the call
    and its effects; ``CallsArg.repeated`` says whether a framework calls it many times); the
    return rule reuses those results. New objects (instances, iterators, containers) get the
    allocation site ``origin`` (default: ``str(bound.location)``). The result is never ⊥ unless
    the model says the function does not return.
    """
    evaluation = Evaluation(model, bound, invoke, origin or str(bound.location))
    for call in model.calls:
        evaluation.called(call.param)
    rule = parse_return_rule(model.returns)
    result = evaluation.value(rule, model.dtype_rule, model.shape_rule)
    if result.is_bottom and rule.head != "never":
        return evaluation.unknown_result()
    return result
