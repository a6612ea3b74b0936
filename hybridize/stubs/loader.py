"""Load the declarative models in ``models/`` and answer lookups by qualified name.

The ``.pyi`` files are parsed with ``ast`` (never imported) once per process; the module path is
the file path (``models/tensorflow/nn.pyi`` is ``tensorflow.nn``). Markers are the decorators of
``stubs.markers``; ``models/README.md`` documents the syntax. Every rule is validated while loading,
so a bad model fails the first lookup (and the model tests) instead of an analysis.

The interpreter calls ``Models.lookup`` for every external dotted name, so lookups canonicalise
once (``stubs.aliases.canonical``) and are memoised. Names under ``tensorflow.``/``keras.`` that
have no hand-written model are answered by ``stubs.fallback`` from the ``types-tensorflow`` stubs,
and, failing that, by ``stubs.api_index`` from the list of public TF/Keras names.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

import attrs

from hybridize.lattice.dtype import DTYPE_NAMES, DType
from hybridize.lattice.effects import EffectKind
from hybridize.lattice.values import ConstAtom, KerasRole, Value
from hybridize.stubs import rules
from hybridize.stubs.aliases import canonical
from hybridize.stubs.api_index import API_FILE, ApiIndex, auto_modelled
from hybridize.stubs.fallback import StubFallback, find_stub_root
from hybridize.stubs.markers import MARKERS
from hybridize.stubs.model import (
    Bound,
    CallsArg,
    ClassModel,
    ConditionalEffect,
    FunctionModel,
    ModelSource,
    ModuleModel,
    ParamKind,
    ParamModel,
    namedtuple_fields,
)

MODELS_DIR: Final[Path] = Path(__file__).resolve().parent / "models"

LookupResult = FunctionModel | ClassModel | ModuleModel | Value | None

#: Names whose ``from X import *`` or ``from X import n as n`` in a model file are re-exports.
_NOT_REEXPORTED: Final[frozenset[str]] = frozenset(
    {"hybridize", "typing", "typing_extensions", "collections", "__future__"}
)

_MISSING: Final = object()


class ModelError(ValueError):
    """A model file that does not follow the marker syntax."""


@attrs.frozen
class _AttributeSpec:
    returns: str
    dtype: str | None
    shape: str | None
    location: str


class Models:
    """All library models, keyed by canonical qualified name. Build with ``load_models()``."""

    def __init__(
        self,
        functions: Mapping[str, FunctionModel],
        classes: Mapping[str, ClassModel],
        attributes: Mapping[str, _AttributeSpec],
        modules: frozenset[str],
        aliases: Mapping[str, str],
        star_imports: Mapping[str, tuple[str, ...]],
        fallback: StubFallback | None,
        api: ApiIndex | None = None,
    ) -> None:
        self._functions = dict(functions)
        self._classes = dict(classes)
        self._attribute_specs = dict(attributes)
        self._modules = modules
        self._aliases = dict(aliases)
        self._stars = dict(star_imports)
        self._fallback = fallback
        self._api = api
        self._lookup_cache: dict[str, LookupResult] = {}
        self._method_cache: dict[tuple[str, str], FunctionModel | None] = {}
        self._attribute_values: dict[str, Value] = {}

    # -- public API ------------------------------------------------------------------------

    def lookup(self, qualname: str) -> LookupResult:
        """Whatever ``qualname`` names: a function (or method, for ``Class.method``), a class,
        a module constant's value, a module, or ``None``. Memoised; cheap on repeat."""
        cached = self._lookup_cache.get(qualname, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        result = self._lookup(canonical(qualname))
        self._lookup_cache[qualname] = result
        return result

    def function(self, qualname: str) -> FunctionModel | None:
        found = self.lookup(qualname)
        return found if isinstance(found, FunctionModel) else None

    def cls(self, qualname: str) -> ClassModel | None:
        found = self.lookup(qualname)
        return found if isinstance(found, ClassModel) else None

    def attribute(self, qualname: str) -> Value | None:
        """The value of a module constant (``tensorflow.float32``, ``numpy.pi``)."""
        found = self.lookup(qualname)
        return found if isinstance(found, Value) else None

    def is_module(self, qualname: str) -> bool:
        return isinstance(self.lookup(qualname), ModuleModel)

    def method(self, class_qualname: str, name: str) -> FunctionModel | None:
        """Method ``name`` of the class, following the model bases (and the stub fallback for
        TensorFlow/Keras classes whose hand-written model lacks it)."""
        key = (class_qualname, name)
        cached = self._method_cache.get(key, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        result: FunctionModel | None = None
        fields = namedtuple_fields(class_qualname)
        if fields is not None and name in fields:
            self._method_cache[key] = None  # a field shadows ``tuple.count``/``tuple.index``
            return None
        for model in self._mro(class_qualname):
            found = model.methods.get(name)
            if found is not None:
                result = found
                break
        if result is None and name == "__init__":
            owner = self.cls(class_qualname)
            result = owner.init if owner is not None else None
        if (
            result is not None
            and result.source is ModelSource.FALLBACK
            and name != "__init__"
            and not auto_modelled(f"{class_qualname}.{name}")
        ):
            result = None  # ``save``/``load_*``/``set_*`` of a stub class: not assumed pure
        self._method_cache[key] = result
        return result

    def property(self, class_qualname: str, name: str) -> FunctionModel | None:
        """Model of attribute ``name`` of instances of the class (``Tensor.shape``)."""
        for model in self._mro(class_qualname):
            found = model.properties.get(name)
            if found is not None:
                return found
        return None

    def class_attribute(self, class_qualname: str, name: str) -> str | None:
        """The rule of attribute ``name`` of instances of the class (``"shape-of:self"``), with
        its dtype/shape rules inline; evaluate it with ``rules.attribute_value``."""
        for model in self._mro(class_qualname):
            if name in model.attributes:
                return model.attributes[name]
        return None

    def role(self, class_qualname: str) -> KerasRole:
        """The Keras/TF role of a class, inherited through the bases."""
        for model in self._mro(class_qualname):
            if model.role is not KerasRole.NONE:
                return model.role
        return KerasRole.NONE

    def is_subclass(self, class_qualname: str, base: str) -> bool:
        base = canonical(base)
        return any(model.qualname == base for model in self._mro(class_qualname))

    def qualnames(self) -> Iterator[tuple[str, str]]:
        """Every hand-written name with its kind (function, class, method, attribute, module,
        alias), for validation against the installed libraries."""
        for name in sorted(self._modules):
            yield name, "module"
        for name in sorted(self._functions):
            yield name, "function"
        for name, model in sorted(self._classes.items()):
            yield name, "class"
            for method in sorted(model.methods):
                yield f"{name}.{method}", "method"
            for attribute in sorted(model.properties):
                yield f"{name}.{attribute}", "attribute"
        for name in sorted(self._attribute_specs):
            yield name, "attribute"
        for name in sorted(self._aliases):
            yield name, "alias"

    def functions(self) -> Iterator[FunctionModel]:
        """Every hand-written function, method, property and constructor model."""
        yield from self._functions.values()
        for model in self._classes.values():
            yield from model.methods.values()
            yield from model.properties.values()
            if model.init is not None:
                yield model.init

    # -- resolution ------------------------------------------------------------------------

    def _mro(self, class_qualname: str) -> Iterator[ClassModel]:
        """The class and its bases, breadth first; a hand-written TF/Keras class is followed by
        its stub class, so that methods it does not model come from the fallback."""
        seen: set[str] = set()
        pending = [class_qualname]
        while pending:
            name = pending.pop(0)
            model = self.cls(name)
            if model is None:
                continue
            key = f"{_FALLBACK_PREFIX}{model.qualname}" if (
                model.source is ModelSource.FALLBACK
            ) else model.qualname
            if key in seen:
                continue
            seen.add(key)
            yield model
            pending.extend(model.bases)
            if model.source is ModelSource.MODEL and self._fallback_class(model.qualname):
                pending.append(f"{_FALLBACK_PREFIX}{model.qualname}")

    def _fallback_class(self, qualname: str) -> ClassModel | None:
        """The stub class behind a hand-written TF/Keras class (its unmodelled methods)."""
        if qualname.startswith(_FALLBACK_PREFIX) or self._fallback is None:
            return None
        if qualname not in self._classes or not _in_fallback_namespace(qualname):
            return None
        found = self._fallback.lookup(qualname)
        return found if isinstance(found, ClassModel) else None

    def _lookup(self, name: str) -> LookupResult:
        fields = namedtuple_fields(name)
        if fields is not None:
            return _namedtuple_model(name, fields)
        if name.startswith(_FALLBACK_PREFIX):
            if self._fallback is None:
                return None
            stub = self._fallback.lookup(name[len(_FALLBACK_PREFIX) :])
            return self._with_role(stub) if isinstance(stub, ClassModel) else None
        resolved = self._resolve_alias(name)
        found = self._local(resolved)
        if found is not None:
            return found
        if not _in_fallback_namespace(resolved):
            return None
        if self._fallback is not None:
            fallback = self._fallback.lookup(resolved)
            if isinstance(fallback, FunctionModel) and not auto_modelled(resolved):
                return None  # I/O, configuration, registration: left to hand models
            if isinstance(fallback, ClassModel):
                return self._with_role(fallback)
            if fallback is not None:
                return fallback
        return self._api_lookup(resolved)

    def _api_lookup(self, name: str) -> LookupResult:
        """The last resort: the list of public TF/Keras names (``stubs.api_index``)."""
        if self._api is None:
            return None
        found = self._api.model(name)
        if isinstance(found, ClassModel):
            return self._with_role(found)
        if found is not None or self._api.get(name) is not None:
            return found
        owner, _, member = name.rpartition(".")
        owner_entry = self._api.get(owner)
        if owner_entry is not None and owner_entry.kind == "class":
            return self.method(owner, member) or self.property(owner, member)
        return None

    def _with_role(self, model: ClassModel) -> ClassModel:
        if model.role is not KerasRole.NONE:
            return model
        for base in model.bases:
            role = self.role(base)
            if role is not KerasRole.NONE:
                return attrs.evolve(model, role=role)
        return model

    def _resolve_alias(self, name: str) -> str:
        for _ in range(16):
            target = self._aliases.get(name)
            if target is not None:
                name = target
                continue
            parts = name.split(".")
            for length in range(len(parts) - 1, 0, -1):
                prefix = ".".join(parts[:length])
                target = self._aliases.get(prefix)
                if target is not None:
                    name = ".".join([target, *parts[length:]])
                    break
            else:
                return name
        return name

    def _local(self, name: str, depth: int = 0) -> LookupResult:
        found: LookupResult = self._functions.get(name) or self._classes.get(name)
        if found is not None:
            return found
        if name in self._attribute_specs:
            return self._attribute_value(name)
        if name in self._modules:
            return ModuleModel(name)
        owner, _, member = name.rpartition(".")
        if owner in self._classes:
            member_model = self.method(owner, member) or self.property(owner, member)
            if member_model is not None:
                return member_model
        for source in self._stars.get(owner, ()):
            if depth < 4:
                found = self._local(f"{source}.{member}", depth + 1)
                if found is not None:
                    return found
        return None

    def _attribute_value(self, name: str) -> Value:
        cached = self._attribute_values.get(name)
        if cached is not None:
            return cached
        spec = self._attribute_specs[name]
        model = FunctionModel(
            name, (), spec.returns, spec.dtype, spec.shape, location=spec.location
        )
        value = rules.evaluate(model, Bound({}, rules.NOWHERE), rules.no_invoke, origin="?")
        self._attribute_values[name] = value
        return value


_FALLBACK_PREFIX: Final = "<stub>"


def _namedtuple_model(qualname: str, fields: tuple[str, ...]) -> ClassModel:
    """The synthetic class of a named tuple value (``model.NAMEDTUPLE_PREFIX``): each field is a
    property reading the item at its position; the rest comes from ``builtins.tuple``."""
    receiver = ParamModel("self", ParamKind.POSITIONAL_OR_KEYWORD, False)
    properties = {
        field: FunctionModel(
            f"{qualname}.{field}",
            (receiver,),
            f"subscript:self,{index}",
            location="hybridize/stubs/model.py (named tuple)",
            is_method=True,
            owner=qualname,
            is_property=True,
        )
        for index, field in enumerate(fields)
    }
    return ClassModel(
        qualname=qualname,
        bases=("builtins.tuple",),
        role=KerasRole.NONE,
        methods={},
        attributes={field: model.returns for field, model in properties.items()},
        location="hybridize/stubs/model.py (named tuple)",
        properties=properties,
    )


def _in_fallback_namespace(name: str) -> bool:
    return name.split(".", 1)[0] in ("tensorflow", "keras")


# == loading ==================================================================================


@functools.lru_cache(maxsize=1)
def load_models() -> Models:
    """All models, parsed once per process."""
    return load_from(MODELS_DIR, find_stub_root(), API_FILE)


def load_from(directory: Path, stub_root: Path | None, api_file: Path | None = None) -> Models:
    """The models in ``directory``, with the ``types-tensorflow`` fallback when ``stub_root``
    is given and the API-list fallback when ``api_file`` is (both optional)."""
    builder = _Builder()
    for path in sorted(directory.rglob("*.pyi")):
        builder.load_file(path, directory)
    return builder.finish(
        StubFallback(stub_root) if stub_root is not None else None,
        ApiIndex(api_file) if api_file is not None else None,
    )


_DTYPE_ANNOTATIONS: Final[frozenset[str]] = frozenset({"DType", "dtype"})
_BUILTIN_RETURNS: Final[dict[str, str]] = {
    "Tensor": "tensor",
    "EagerTensor": "tensor",
    "Variable": "variable",
    "RaggedTensor": "ragged",
    "SparseTensor": "sparse",
    "ndarray": "ndarray",
    "KerasTensor": "keras-symbolic",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str": "str",
    "bytes": "bytes",
    "complex": "complex",
    "None": "none",
    "NoneType": "none",
    "Self": "self",
    "DType": "dtype",
    "NoReturn": "never",
    "Never": "never",
    "Any": "unknown",
    "object": "unknown",
    "Dataset": "dataset:unknown",
}
_CONTAINERS: Final[dict[str, str]] = {
    "list": "list", "List": "list", "Sequence": "list", "set": "set", "Set": "set",
    "frozenset": "set", "Iterator": "iterator", "Iterable": "iterator", "Generator": "iterator",
    "dict": "dict", "Dict": "dict", "Mapping": "dict",
}


def annotation_rule(
    annotation: ast.expr | None, module: str, local_classes: Mapping[str, str]
) -> str:
    """The default return rule for a return annotation (``-> Tensor`` is ``tensor``, a modelled
    class is ``instance:<qualname>``, ``X | None`` joins, containers nest)."""
    if annotation is None:
        return "unknown"
    if isinstance(annotation, ast.Constant):
        if annotation.value is None:
            return "none"
        if isinstance(annotation.value, str):
            return annotation_rule(ast.parse(annotation.value, mode="eval").body, module,
                                   local_classes)
        return "unknown"
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        left = annotation_rule(annotation.left, module, local_classes)
        right = annotation_rule(annotation.right, module, local_classes)
        return left if left == right else f"{left}|{right}"
    if isinstance(annotation, ast.Subscript):
        base = _dotted(annotation.value).rsplit(".", 1)[-1]
        elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [
            annotation.slice
        ]
        if base == "tuple":
            if len(elements) == 2 and isinstance(elements[1], ast.Constant) and (
                elements[1].value is Ellipsis
            ):
                return "tuple:" + annotation_rule(elements[0], module, local_classes)
            return "tuple-of:" + ";".join(
                annotation_rule(e, module, local_classes) for e in elements
            )
        if base in ("Optional",):
            return annotation_rule(elements[0], module, local_classes) + "|none"
        if base in _CONTAINERS:
            inner = annotation_rule(elements[-1], module, local_classes)
            return f"{_CONTAINERS[base]}:{inner}" if "|" not in inner else _CONTAINERS[base] + (
                ":unknown"
            )
        return annotation_rule(annotation.value, module, local_classes)
    name = _dotted(annotation)
    short = name.rsplit(".", 1)[-1]
    if short in _BUILTIN_RETURNS:
        return _BUILTIN_RETURNS[short]
    if name in local_classes:
        return f"instance:{local_classes[name]}"
    if short in _CONTAINERS:
        return f"{_CONTAINERS[short]}:unknown"
    if "." in name:
        return f"instance:{canonical(name)}"
    return "unknown"


def attribute_rule(model: FunctionModel) -> str:
    """A property's return rule with its dtype/shape rules inline (``tensor@same:self@...``),
    so that the rule string alone says everything (``Models.class_attribute``)."""
    if model.dtype_rule is None and model.shape_rule is None:
        return model.returns
    parts = (model.returns, model.dtype_rule or "", model.shape_rule or "")
    if "|" in "".join(parts) or "@" in model.returns or model.returns.startswith("tuple-of"):
        return model.returns
    return "@".join(parts).rstrip("@")


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        return _dotted(node.value)
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    return "?"


def default_value(node: ast.expr | None) -> Value | None:
    """A parameter default as an abstract value, when it is a literal or a dtype name."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        return None
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = _dotted(node)
        short = name.rsplit(".", 1)[-1]
        if short in DTYPE_NAMES and (isinstance(node, ast.Attribute) or short not in (
            "bool", "string"
        )):
            return Value.atom(_dtype_atom(short))
        return None
    try:
        literal = ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return None
    return _literal_value(literal)


def _dtype_atom(name: str) -> ConstAtom:
    known = DType.of(name).known
    return ConstAtom("dtype", frozenset({known or name}))


def _literal_value(literal: object, depth: int = 0) -> Value | None:
    if literal is None or isinstance(literal, (int, float, str, bool, bytes, complex)):
        return Value.const(literal)
    if isinstance(literal, (tuple, list)) and depth < 3:
        items = [_literal_value(item, depth + 1) for item in literal]
        if any(item is None for item in items):
            return None
        kind = "tuple" if isinstance(literal, tuple) else "list"
        return Value.container(kind, [i for i in items if i is not None], origin="default")
    return None


@attrs.define
class _Decorators:
    """The markers on one definition, validated against ``markers.MARKERS``."""

    calls: list[tuple[list[object], dict[str, object]]] = attrs.field(factory=list)
    named: dict[str, tuple[list[object], dict[str, object]]] = attrs.field(factory=dict)
    effects: list[tuple[list[object], dict[str, object]]] = attrs.field(factory=list)
    flags: set[str] = attrs.field(factory=set)  # staticmethod, classmethod, property


class _Builder:
    def __init__(self) -> None:
        self.functions: dict[str, FunctionModel] = {}
        self.classes: dict[str, ClassModel] = {}
        self.attributes: dict[str, _AttributeSpec] = {}
        self.modules: set[str] = set()
        self.aliases: dict[str, str] = {}
        self.stars: dict[str, list[str]] = {}

    # -- files -------------------------------------------------------------------------------

    def load_file(self, path: Path, root: Path) -> None:
        relative = path.relative_to(root).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        module = ".".join(parts)
        self.modules.add(module)
        for length in range(1, len(parts)):
            self.modules.add(".".join(parts[:length]))
        display = f"hybridize/stubs/models/{path.relative_to(root).as_posix()}"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        local_classes = {
            node.name: f"{module}.{node.name}"
            for node in tree.body
            if isinstance(node, ast.ClassDef)
        }
        context = _FileContext(module, display, local_classes)
        for node in tree.body:
            try:
                self._statement(node, context)
            except (ModelError, rules.RuleError) as error:
                raise ModelError(f"{display}:{node.lineno}: {error}") from error

    def _statement(self, node: ast.stmt, context: _FileContext) -> None:
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # docstring
        if isinstance(node, ast.ImportFrom):
            self._import(node, context)
        elif isinstance(node, ast.Import):
            return
        elif isinstance(node, ast.FunctionDef):
            model = self._function(node, context, owner=None)
            self.functions[model.qualname] = model
        elif isinstance(node, ast.ClassDef):
            model_class = self._class(node, context)
            self.classes[model_class.qualname] = model_class
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            qualname = f"{context.module}.{node.target.id}"
            self.attributes[qualname] = self._attribute_spec(
                node.target.id, node.annotation, node.value, context, node.lineno
            )
        else:
            raise ModelError(f"unsupported statement {type(node).__name__}")

    def _import(self, node: ast.ImportFrom, context: _FileContext) -> None:
        source = node.module or ""
        if node.level:
            base = context.module.split(".")
            base = base[: len(base) - node.level + (1 if context.is_package else 0)]
            source = ".".join([*base, source] if source else base)
        if source.split(".", 1)[0] in _NOT_REEXPORTED:
            return
        source = canonical(source)
        for alias in node.names:
            if alias.name == "*":
                self.stars.setdefault(context.module, []).append(source)
            elif alias.asname == alias.name:
                self.aliases[f"{context.module}.{alias.name}"] = f"{source}.{alias.name}"
            elif alias.asname is not None:
                self.aliases[f"{context.module}.{alias.asname}"] = f"{source}.{alias.name}"

    # -- markers -----------------------------------------------------------------------------

    def _decorators(self, node: ast.FunctionDef | ast.ClassDef) -> _Decorators:
        found = _Decorators()
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Name) and decorator.id in (
                "staticmethod", "classmethod", "property", "overload", "abstractmethod"
            ):
                found.flags.add(decorator.id)
                continue
            if isinstance(decorator, ast.Name) and decorator.id in MARKERS:
                decorator = ast.Call(func=decorator, args=[], keywords=[])
            if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Name):
                raise ModelError(f"unsupported decorator {ast.unparse(decorator)}")
            name = decorator.func.id
            allowed = MARKERS.get(name)
            if allowed is None:
                raise ModelError(f"unknown marker @{name}")
            try:
                args = [ast.literal_eval(a) for a in decorator.args]
                kwargs = {k.arg or "": ast.literal_eval(k.value) for k in decorator.keywords}
            except ValueError as error:
                raise ModelError(f"marker arguments must be literals: @{name}") from error
            unknown = set(kwargs) - allowed
            if unknown:
                raise ModelError(f"@{name} does not accept {sorted(unknown)}")
            if name == "calls":
                found.calls.append((args, kwargs))
            elif name == "effect":
                found.effects.append((args, kwargs))
            elif name in found.named:
                raise ModelError(f"@{name} given twice")
            else:
                found.named[name] = (args, kwargs)
        return found

    # -- functions ---------------------------------------------------------------------------

    def _function(
        self, node: ast.FunctionDef, context: _FileContext, owner: str | None
    ) -> FunctionModel:
        markers = self._decorators(node)
        qualname = f"{owner or context.module}.{node.name}"
        params = list(_params(node.args))
        is_method = owner is not None and not markers.flags & {"staticmethod", "classmethod"}
        if owner is not None and "classmethod" in markers.flags and params:
            params = params[1:]
        if is_method and (not params or params[0].kind is ParamKind.KEYWORD_ONLY):
            raise ModelError(f"method {qualname} needs a self parameter")
        returns = annotation_rule(node.returns, context.module, context.local_classes)
        if node.name == "__init__" and owner is not None:
            returns = "instance"
        dtype_rule: str | None = None
        shape_rule: str | None = None
        is_op = False
        cost = 1
        if "elementwise" in markers.named:
            args, kwargs = markers.named["elementwise"]
            names = [str(a) for a in args]
            joined = ",".join(names)
            returns = f"like:{joined}"
            dtype_rule = f"same:{names[0]}" if len(names) == 1 else f"promote:{joined}"
            shape_rule = f"same:{names[0]}" if len(names) == 1 else f"broadcast:{joined}"
            is_op = True
            cost = int(kwargs.get("cost", 1))  # type: ignore[call-overload]
        if "ufunc" in markers.named:
            args, kwargs = markers.named["ufunc"]
            joined = ",".join(str(a) for a in args)
            result_kind = str(kwargs.get("result", "promote"))
            returns = "ndarray"
            dtype_rule = {
                "promote": f"np-promote:{joined}",
                "float": f"np-float:{joined}",
                "bool": "bool",
                "same": f"np-same:{args[0]}",
            }.get(result_kind)
            if dtype_rule is None:
                raise ModelError(f"@ufunc result must be promote/float/bool/same: {result_kind!r}")
            shape_rule = f"broadcast:{joined}"
        if "op" in markers.named:
            _, kwargs = markers.named["op"]
            is_op = True
            dtype_rule = _optional_str(kwargs.get("dtype"), dtype_rule)
            shape_rule = _optional_str(kwargs.get("shape"), shape_rule)
            cost = int(kwargs.get("cost", 1))  # type: ignore[call-overload]
        if "returns" in markers.named:
            args, kwargs = markers.named["returns"]
            if args:
                returns = str(args[0])
            dtype_rule = _optional_str(kwargs.get("dtype"), dtype_rule)
            shape_rule = _optional_str(kwargs.get("shape"), shape_rule)
        effects: list[EffectKind] = []
        conditional: list[ConditionalEffect] = []
        detail = ""
        for args, kwargs in markers.effects:
            kind = _effect_kind(args)
            text = str(kwargs.get("detail", ""))
            when = kwargs.get("when")
            if when is not None:
                conditional.append(ConditionalEffect(kind, str(when), text))
            else:
                effects.append(kind)
                detail = detail or text
        calls = tuple(
            CallsArg(
                str(args[0]),
                tuple(str(a) for a in kwargs.get("args", ())),  # type: ignore[attr-defined]
                bool(kwargs.get("repeated", False)),
            )
            for args, kwargs in markers.calls
        )
        mutates = tuple(str(a) for a in markers.named.get("mutates", ([], {}))[0])
        loop_methods = tuple(str(a) for a in markers.named.get("loop", ([], {}))[0])
        symbolic = "symbolic" in markers.named
        propagates = bool(markers.named.get("symbolic", ([], {}))[1].get("propagates", False))
        model = FunctionModel(
            qualname=qualname if node.name != "__init__" or owner is None else owner,
            params=tuple(params),
            returns=returns,
            dtype_rule=dtype_rule,
            shape_rule=shape_rule,
            is_op=is_op,
            op_cost=cost,
            effects=tuple(effects),
            mutates=mutates,
            calls=calls,
            source=ModelSource.MODEL,
            location=f"{context.display}:{node.lineno}",
            effect_detail=detail,
            conditional_effects=tuple(conditional),
            is_method=is_method,
            owner=owner,
            is_property="property" in markers.flags,
            symbolic=symbolic and not propagates,
            propagates_symbolic=propagates,
            loop_methods=loop_methods,
            is_constructor=node.name == "__init__" and owner is not None,
        )
        rules.validate_model(model)
        return model

    # -- classes -----------------------------------------------------------------------------

    def _class(self, node: ast.ClassDef, context: _FileContext) -> ClassModel:
        qualname = f"{context.module}.{node.name}"
        markers = self._decorators(node)
        role = KerasRole.NONE
        if "role" in markers.named:
            role = KerasRole(str(markers.named["role"][0][0]))
        bases = tuple(
            self._base(base, context) for base in node.bases if _dotted(base) not in (
                "object", "Generic", "Protocol"
            )
        )
        methods: dict[str, FunctionModel] = {}
        properties: dict[str, FunctionModel] = {}
        init: FunctionModel | None = None
        for statement in node.body:
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue
            if isinstance(statement, ast.FunctionDef):
                model = self._function(statement, context, owner=qualname)
                if statement.name == "__init__":
                    init = model
                elif model.is_property:
                    properties[statement.name] = model
                else:
                    methods[statement.name] = model
            elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                properties[statement.target.id] = self._class_attribute(
                    qualname, statement, context
                )
            else:
                raise ModelError(f"unsupported statement in class {qualname}")
        return ClassModel(
            qualname=qualname,
            bases=bases,
            role=role,
            methods=methods,
            attributes={name: attribute_rule(model) for name, model in properties.items()},
            init=init,
            location=f"{context.display}:{node.lineno}",
            properties=properties,
        )

    def _base(self, node: ast.expr, context: _FileContext) -> str:
        name = _dotted(node)
        if name in context.local_classes:
            return context.local_classes[name]
        if "." not in name:
            return f"builtins.{name}"
        return canonical(name)

    def _class_attribute(
        self, owner: str, node: ast.AnnAssign, context: _FileContext
    ) -> FunctionModel:
        assert isinstance(node.target, ast.Name)
        spec = self._attribute_spec(
            node.target.id, node.annotation, node.value, context, node.lineno, module_level=False
        )
        model = FunctionModel(
            qualname=f"{owner}.{node.target.id}",
            params=(ParamModel("self", ParamKind.POSITIONAL_OR_KEYWORD, False),),
            returns=spec.returns,
            dtype_rule=spec.dtype,
            shape_rule=spec.shape,
            location=spec.location,
            is_method=True,
            owner=owner,
            is_property=True,
        )
        rules.validate_model(model)
        return model

    def _attribute_spec(
        self,
        name: str,
        annotation: ast.expr,
        value: ast.expr | None,
        context: _FileContext,
        line: int,
        module_level: bool = True,
    ) -> _AttributeSpec:
        location = f"{context.display}:{line}"
        if isinstance(value, ast.Call) and _dotted(value.func) == "attribute":
            args = [ast.literal_eval(a) for a in value.args]
            kwargs = {k.arg or "": ast.literal_eval(k.value) for k in value.keywords}
            spec = _AttributeSpec(
                str(args[0]), _optional_str(kwargs.get("dtype")),
                _optional_str(kwargs.get("shape")), location,
            )
            rules.parse_return_rule(spec.returns)
            return spec
        short = _dotted(annotation).rsplit(".", 1)[-1]
        if short in _DTYPE_ANNOTATIONS and not module_level:
            return _AttributeSpec("dtype", None, None, location)
        if short in _DTYPE_ANNOTATIONS:
            dtype_name = name
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                dtype_name = value.value
            if DType.of(dtype_name).is_top:
                raise ModelError(f"{name}: not a dtype name {dtype_name!r}")
            return _AttributeSpec("dtype", dtype_name, None, location)
        if value is not None and not (isinstance(value, ast.Constant) and value.value is Ellipsis):
            literal = ast.literal_eval(value)
            return _AttributeSpec(f"const:{literal!r}", None, None, location)
        rule = annotation_rule(annotation, context.module, context.local_classes)
        rules.parse_return_rule(rule)
        return _AttributeSpec(rule, None, None, location)

    # -- second pass -------------------------------------------------------------------------

    def finish(self, fallback: StubFallback | None, api: ApiIndex | None = None) -> Models:
        """Inherit constructors and roles through the bases, now that every file is loaded."""
        resolved: dict[str, ClassModel] = {}

        def resolve(name: str, depth: int = 0) -> ClassModel | None:
            if name in resolved:
                return resolved[name]
            model = self.classes.get(name)
            if model is None or depth > 16:
                return None
            role, init = model.role, model.init
            for base in model.bases:
                base_model = resolve(base, depth + 1)
                if base_model is None:
                    continue
                if role is KerasRole.NONE:
                    role = base_model.role
                if init is None and base_model.init is not None:
                    init = attrs.evolve(base_model.init, qualname=name, owner=name)
            if init is None:
                init = FunctionModel(
                    name,
                    (ParamModel("self", ParamKind.POSITIONAL_OR_KEYWORD, False),),
                    "instance",
                    is_method=True,
                    owner=name,
                    location=model.location,
                    is_constructor=True,
                )
            result = attrs.evolve(model, role=role, init=init)
            resolved[name] = result
            return result

        for name in self.classes:
            resolve(name)
        return Models(
            self.functions,
            resolved,
            self.attributes,
            frozenset(self.modules),
            self.aliases,
            {k: tuple(v) for k, v in self.stars.items()},
            fallback,
            api,
        )


@attrs.frozen
class _FileContext:
    module: str
    display: str
    local_classes: Mapping[str, str]

    @property
    def is_package(self) -> bool:
        return self.display.endswith("__init__.pyi")


def _params(arguments: ast.arguments) -> Iterator[ParamModel]:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults.extend(arguments.defaults)
    for index, (argument, default) in enumerate(zip(positional, defaults, strict=True)):
        kind = (
            ParamKind.POSITIONAL_ONLY
            if index < len(arguments.posonlyargs)
            else ParamKind.POSITIONAL_OR_KEYWORD
        )
        yield ParamModel(argument.arg, kind, default is not None, default_value(default))
    if arguments.vararg is not None:
        yield ParamModel(arguments.vararg.arg, ParamKind.VAR_POSITIONAL, False)
    for argument, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        yield ParamModel(
            argument.arg, ParamKind.KEYWORD_ONLY, kw_default is not None,
            default_value(kw_default),
        )
    if arguments.kwarg is not None:
        yield ParamModel(arguments.kwarg.arg, ParamKind.VAR_KEYWORD, False)


def _effect_kind(args: list[object]) -> EffectKind:
    if len(args) != 1:
        raise ModelError("@effect takes one effect kind")
    try:
        return EffectKind(str(args[0]))
    except ValueError as error:
        raise ModelError(f"unknown effect kind {args[0]!r}") from error


def _optional_str(value: object, default: str | None = None) -> str | None:
    return default if value is None else str(value)
