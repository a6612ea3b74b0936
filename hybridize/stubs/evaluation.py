"""The evaluation of one call's rules: parameter lookup, callbacks, dtype/shape/return rules.

``Evaluation`` is the context every rule function receives. It resolves a rule's parameter names
against the bound arguments (``self`` is the receiver, ``init.NAME`` a constructor argument of the
receiver, literals like ``0``/``True``/``None`` stand for themselves, absent arguments fall back to
the model's literal defaults), invokes callable arguments through the interpreter's ``invoke``
callback once each, and dispatches rule heads to the registries in ``return_rules``,
``dtype_rules`` and ``shape_rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from hybridize.lattice.dtype import DType
from hybridize.lattice.location import Location
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import (
    Constant,
    ContainerAtom,
    InstanceAtom,
    KerasRole,
    UnknownReason,
    Value,
)
from hybridize.stubs.dtype_rules import DTYPE_FUNCTIONS
from hybridize.stubs.model import Bound, CallsArg, FunctionModel, Invoke, ModelSource, ParamKind
from hybridize.stubs.operators import iterate
from hybridize.stubs.return_rules import RETURN_FUNCTIONS, WRAPPER_FUNCTIONS
from hybridize.stubs.shape_rules import SHAPE_FUNCTIONS
from hybridize.stubs.structures import callables, known_items, leaves, unpack
from hybridize.stubs.syntax import (
    KIND_HEADS,
    PYTHON_HEADS,
    WRAPPERS,
    Rule,
    RuleError,
    literal,
    parse_dtype_rule,
    parse_shape_rule,
)

NOWHERE: Final[Location] = Location("<stubs>", 0)


def no_invoke(callee: Value, args: list[Value]) -> Value:
    """An ``Invoke`` for contexts without an interpreter: every call result is unknown."""
    return Value.unknown(UnknownReason.UNMODELLED_CALL, None, "callback result")


class Evaluation:
    """The state of one rule evaluation: the call, its parameter values, and callback results."""

    __slots__ = ("bound", "call_results", "invoke", "model", "origin")

    def __init__(self, model: FunctionModel, bound: Bound, invoke: Invoke, origin: str) -> None:
        self.model = model
        self.bound = bound
        self.invoke = invoke
        self.origin = origin
        self.call_results: dict[str, Value] = {}

    # -- parameters ------------------------------------------------------------------------

    def param(self, name: str) -> Value | None:
        """The value of a parameter (or literal) in a rule; ``None`` when absent."""
        if not name:
            return None
        if name == "self":
            return self.bound.receiver
        if name.startswith("init."):
            return self._init_argument(name[5:])
        value = self.bound.arguments.get(name)
        if value is not None:
            return value
        named = PARAM_LITERALS.get(name)
        if named is not None:
            return named
        if name[:1].isdigit() or name[:1] == "-":
            try:
                return Value.const(int(name))
            except ValueError:
                return None
        if name[:1] in "'\"":
            return Value.const(literal(name))
        return self._default(name)

    def _default(self, name: str) -> Value | None:
        """The default of an argument the call did not pass. Only literal defaults count: a
        model writes ``default=...`` for "absent unless passed" (``next(it[, default])``)."""
        if self.bound.unbound_star:
            return Value.unknown(UnknownReason.STAR_ARGS, self.bound.location, name)
        for param in self.model.params:
            if param.name == name:
                return param.default if param.has_default else None
        return None

    def _init_argument(self, name: str) -> Value | None:
        arguments = self.bound.init_arguments
        if arguments is None:
            return None
        if name in arguments:
            return arguments[name]
        init = self._constructor()
        if init is None:
            return None
        for param in init.params:
            if param.name == name:
                return param.default if param.has_default else None
        for param in init.params:
            if param.kind is ParamKind.VAR_KEYWORD and param.name in arguments:
                return self._keyword(arguments[param.name], name)
        return None

    def _constructor(self) -> FunctionModel | None:
        """The constructor the ``init_arguments`` were bound to: the receiver's class when it is
        a modelled instance (``Layer.__call__`` on a ``Dense``), else the method's owner."""
        from hybridize.stubs.loader import load_models  # the loader imports this module

        receiver = self.bound.receiver
        instance = receiver.only(InstanceAtom) if receiver is not None else None
        owner = instance.cls if instance is not None and instance.external else self.model.owner
        if owner is None:
            return None
        model = load_models().cls(owner)
        return model.init if model is not None else None

    @staticmethod
    def _keyword(kwargs: Value, name: str) -> Value | None:
        """``name`` inside a ``**kwargs`` dict: its value, absent, or unknown (unknown keys)."""
        atom = kwargs.only(ContainerAtom)
        if atom is None or atom.keys is None or atom.items is None:
            return Value.unknown(UnknownReason.STAR_ARGS, None, f"**kwargs[{name!r}]")
        if name in atom.keys:
            return atom.items[atom.keys.index(name)]
        return None

    def unknown_result(self) -> Value:
        reason = (
            UnknownReason.STUB_DEFAULT
            if self.model.source is ModelSource.FALLBACK
            else UnknownReason.UNMODELLED_CALL
        )
        return Value.unknown(reason, self.bound.location, f"result of {self.model.qualname}")

    # -- callbacks -------------------------------------------------------------------------

    def called(self, name: str) -> Value:
        """Join of the results of invoking the callables passed as ``name`` (cached)."""
        cached = self.call_results.get(name)
        if cached is not None:
            return cached
        target = self.param(name)
        result = Value.BOTTOM
        if target is not None:
            spec = next((c for c in self.model.calls if c.param == name), CallsArg(name))
            args = self._call_args(spec)
            for callee in callables(target):
                result = result.join(self.invoke(callee, list(args)))
        self.call_results[name] = result
        return result

    def _call_args(self, spec: CallsArg) -> list[Value]:
        args: list[Value] = []
        for text in spec.args:
            args.extend(self._call_arg(text))
        return args

    def _call_arg(self, text: str) -> list[Value]:
        for alternative in text.split("|"):
            head, _, name = alternative.partition(":")
            if head == "none":
                return [Value.NONE]
            if head == "tensor":
                return [Value.tensor()]
            if head == "unknown":
                return [Value.unknown(UnknownReason.UNMODELLED_CALL, None, "callback argument")]
            value = self.param(name)
            if value is None or value == Value.NONE:
                continue
            if head == "arg":
                return [value]
            if head == "element":
                return [iterate(value)]
            if head == "unpack-element":
                return unpack(iterate(value))
            if head == "unpack":
                return unpack(value)
            if head == "leaves":
                return [leaves(value)]
            if head == "each-element":
                items = known_items(value)
                if items is None:
                    return [Value.unknown(UnknownReason.STAR_ARGS, None, "callback arguments")]
                return [iterate(item) for item in items]
            if head == "unpack-leaves":
                items = known_items(value)
                if items is None:
                    return [leaves(value)]
                return [leaves(item) for item in items]
            raise RuleError(f"unknown callback argument rule {alternative!r}")
        return [Value.unknown(UnknownReason.UNMODELLED_CALL, None, f"callback argument {text}")]

    # -- dtype and shape rules ---------------------------------------------------------------

    def dtype(self, rule: str | None) -> DType:
        """Evaluate a dtype rule: the first alternative that applies decides (an alternative
        whose parameter is absent or ``None`` does not apply; one that applies but cannot tell
        gives ⊤ rather than guessing from the next)."""
        if rule is None:
            return DType.TOP
        for head, params in parse_dtype_rule(rule):
            function = DTYPE_FUNCTIONS.get(head)
            if function is None:
                return DType.of(head)
            computed = function(self, params)
            if computed is not None:
                return computed
        return DType.TOP

    def shape(self, rule: str | None) -> Shape:
        """Evaluate a shape rule, alternatives as for ``dtype``."""
        if rule is None:
            return Shape.UNKNOWN
        for head, params in parse_shape_rule(rule):
            result = SHAPE_FUNCTIONS[head](self, params)
            if result is not None:
                return result
        return Shape.UNKNOWN

    def params_values(self, params: Sequence[str]) -> list[Value]:
        return [v for v in (self.param(p) for p in params) if v is not None]

    # -- return rules ------------------------------------------------------------------------

    def value(self, rule: Rule, dtype: str | None, shape: str | None) -> Value:
        if rule.dtype is not None:
            dtype = rule.dtype
        if rule.shape is not None:
            shape = rule.shape
        head = rule.head
        kind = KIND_HEADS.get(head, TensorKind.DENSE) if head in KIND_HEADS else None
        if head in KIND_HEADS:
            if kind is None:
                return Value.ndarray(self.dtype(dtype), self.shape(shape))
            return Value.tensor(self.dtype(dtype), self.shape(shape), kind)
        if head in PYTHON_HEADS:
            return Value.NONE if head == "none" else Value.any_of(head)
        if head in WRAPPERS:
            inner = self.value(rule.inner[0], dtype, shape)
            return WRAPPER_FUNCTIONS[head](self, inner)
        function = RETURN_FUNCTIONS.get(head)
        if function is None:
            raise RuleError(f"no evaluation for return rule {head!r}")
        return function(self, rule, dtype, shape)

    def instance(self, qualname: str) -> Value:
        from hybridize.stubs.loader import load_models

        model = load_models().cls(qualname)
        role = model.role if model is not None else KerasRole.NONE
        return Value.atom(InstanceAtom(qualname, True, role, frozenset({self.origin})))

    def container(self, kind: str, items: Sequence[Value] | None, element: Value | None = None,
                  keys: tuple[Constant, ...] | None = None) -> Value:
        return Value.container(kind, items, element, self.origin, keys)


PARAM_LITERALS: Final[dict[str, Value]] = {
    "None": Value.NONE,
    "True": Value.const(True),
    "False": Value.const(False),
}


ReturnFunction = Callable[[Evaluation, Rule, "str | None", "str | None"], Value]


WrapperFunction = Callable[[Evaluation, Value], Value]


DTypeFunction = Callable[[Evaluation, tuple[str, ...]], "DType | None"]


ShapeFunction = Callable[[Evaluation, tuple[str, ...]], "Shape | None"]

