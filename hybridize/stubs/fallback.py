"""Models derived from the ``types-tensorflow`` stubs, for TF/Keras names without a model.

The stubs know signatures and return types, not effects or shapes. A function whose stub returns a
``Tensor`` (or a union/overloads containing one) becomes a tensor-returning op; other annotations
map to the closest return rule (``unknown`` when there is none). Effects are assumed to be none,
and every model built here has ``source=ModelSource.FALLBACK`` so that proofs record the
``stub-default`` assumption.

Only the stub files a lookup needs are parsed: ``tensorflow.math.expm1`` reads
``tensorflow-stubs/math.pyi``; a re-export (``from tensorflow.math import abs as abs``) is followed
lazily. Canonical ``keras.*`` names are looked up as ``tensorflow.keras.*``. When the stubs are not
installed ``find_stub_root`` returns ``None`` and the loader does without a fallback.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import attrs

from hybridize.lattice.values import KerasRole
from hybridize.stubs.aliases import canonical
from hybridize.stubs.model import (
    ClassModel,
    FunctionModel,
    ModelSource,
    ModuleModel,
    ParamKind,
    ParamModel,
)
from hybridize.stubs.rules import RuleError, parse_return_rule

FallbackResult = FunctionModel | ClassModel | ModuleModel | None

_STUB_PACKAGE: Final = "tensorflow-stubs"
_MAX_DEPTH: Final = 12

_TENSOR_NAMES: Final[dict[str, str]] = {
    "Tensor": "tensor",
    "EagerTensor": "tensor",
    "SymbolicTensor": "tensor",
    "IndexedSlices": "tensor",
    "RaggedTensor": "ragged",
    "SparseTensor": "sparse",
    "Variable": "variable",
    "ResourceVariable": "variable",
}
_PYTHON_NAMES: Final[dict[str, str]] = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "_bool": "bool",
    "str": "str",
    "bytes": "bytes",
    "None": "none",
    "NoReturn": "never",
    "Self": "self",
    "DType": "dtype",
}
_CONTAINERS: Final[dict[str, str]] = {
    "list": "list", "Sequence": "list", "tuple": "tuple", "dict": "dict", "Mapping": "dict",
    "Iterator": "iterator", "Iterable": "iterator", "Generator": "iterator",
}


def find_stub_root() -> Path | None:
    """The ``tensorflow-stubs`` directory on ``sys.path``, if types-tensorflow is installed."""
    for entry in sys.path:
        candidate = Path(entry or ".") / _STUB_PACKAGE
        if (candidate / "__init__.pyi").is_file():
            return candidate
    return None


@attrs.frozen
class _StubModule:
    """The top-level names of one stub file."""

    name: str
    path: str
    functions: dict[str, list[ast.FunctionDef]]
    classes: dict[str, ast.ClassDef]
    imports: dict[str, str]  # local name -> absolute dotted source
    stars: tuple[str, ...]
    variables: frozenset[str]
    incomplete: bool  # has ``def __getattr__``: names not listed may still exist


class StubFallback:
    """Answers lookups of canonical ``tensorflow.*``/``keras.*`` names from the stubs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._modules: dict[str, _StubModule | None] = {}
        self._cache: dict[str, FallbackResult] = {}

    def lookup(self, qualname: str) -> FallbackResult:
        cached = self._cache.get(qualname, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]
        stub_name = _stub_name(qualname)
        result = None if stub_name is None else self._resolve(stub_name, qualname, 0)
        self._cache[qualname] = result
        return result

    # -- resolution --------------------------------------------------------------------------

    def _resolve(self, name: str, public: str, depth: int) -> FallbackResult:
        if depth > _MAX_DEPTH:
            return None
        if self._module(name) is not None:
            return ModuleModel(public, ModelSource.FALLBACK)
        parts = name.split(".")
        for length in range(len(parts) - 1, 0, -1):
            module = self._module(".".join(parts[:length]))
            if module is not None:
                return self._member(module, parts[length:], public, depth)
        return None

    def _member(
        self, module: _StubModule, path: list[str], public: str, depth: int
    ) -> FallbackResult:
        first, rest = path[0], path[1:]
        if first in module.functions and not rest:
            return self._function(module, module.functions[first], public, owner=None)
        if first in module.classes:
            node = module.classes[first]
            if not rest:
                return self._class(module, node, public)
            if len(rest) == 1:
                return self._method(module, node, rest[0], public, depth)
            return None
        if first in module.imports:
            target = ".".join([module.imports[first], *rest])
            return self._resolve(target, public, depth + 1)
        for star in module.stars:
            found = self._resolve(".".join([star, *path]), public, depth + 1)
            if found is not None:
                return found
        return None

    def _method(
        self, module: _StubModule, node: ast.ClassDef, name: str, public: str, depth: int
    ) -> FallbackResult:
        owner = public.rsplit(".", 1)[0]
        definitions = _class_functions(node).get(name)
        if definitions:
            return self._function(module, definitions, public, owner=owner)
        for base in node.bases:
            base_name = self._absolute(module, _dotted(base))
            if base_name is None:
                continue
            found = self._resolve(f"{base_name}.{name}", public, depth + 1)
            if isinstance(found, FunctionModel):
                return attrs.evolve(found, qualname=public, owner=owner)
        return None

    def _absolute(self, module: _StubModule, name: str) -> str | None:
        head, _, rest = name.partition(".")
        if head in module.classes:
            return f"{module.name}.{name}"
        if head in module.imports:
            return ".".join(filter(None, [module.imports[head], rest]))
        if head in ("tf", "tensorflow"):
            return f"tensorflow.{rest}" if rest else "tensorflow"
        return None

    # -- building models ---------------------------------------------------------------------

    def _function(
        self,
        module: _StubModule,
        definitions: list[ast.FunctionDef],
        public: str,
        owner: str | None,
    ) -> FunctionModel:
        first = definitions[0]
        decorators = {_dotted(d) for d in first.decorator_list}
        params = list(_params(first.args))
        is_method = owner is not None and not decorators & {"staticmethod", "classmethod"}
        if owner is not None and "classmethod" in decorators and params:
            params = params[1:]
        returns = self._returns(module, definitions)
        try:
            parse_return_rule(returns)
        except RuleError:
            returns = "unknown"
        is_property = "property" in decorators
        return FunctionModel(
            qualname=public,
            params=tuple(params),
            returns=returns,
            is_op=_mentions_tensor(returns),
            source=ModelSource.FALLBACK,
            location=f"{module.path}:{first.lineno}",
            is_method=is_method,
            owner=owner,
            is_property=is_property,
        )

    def _returns(self, module: _StubModule, definitions: list[ast.FunctionDef]) -> str:
        rules: list[str] = []
        for definition in definitions:
            rule = self._annotation(module, definition.returns)
            if rule not in rules:
                rules.append(rule)
        tensor_kinds = {r for r in rules if r in ("tensor", "ragged", "sparse")}
        if len(tensor_kinds) > 1 and definitions[0].args.args:
            first = definitions[0].args.args[0].arg
            if first in ("self", "cls") and len(definitions[0].args.args) > 1:
                first = definitions[0].args.args[1].arg
            return f"like:{first}"
        if len(rules) == 1:
            return rules[0]
        if "unknown" in rules:
            return "unknown"
        return "|".join(rules)

    def _annotation(self, module: _StubModule, node: ast.expr | None) -> str:
        if node is None:
            return "unknown"
        if isinstance(node, ast.Constant) and node.value is None:
            return "none"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            left, right = self._annotation(module, node.left), self._annotation(module, node.right)
            if "unknown" in (left, right):
                return "unknown"
            return left if left == right else f"{left}|{right}"
        if isinstance(node, ast.Subscript):
            base = _dotted(node.value).rsplit(".", 1)[-1]
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            container = _CONTAINERS.get(base)
            if container is None:
                return self._annotation(module, node.value)
            if container == "tuple" and not (
                len(elements) == 2
                and isinstance(elements[1], ast.Constant)
                and elements[1].value is Ellipsis
            ):
                items = [self._annotation(module, e) for e in elements]
                if any("|" in i for i in items):
                    return "tuple:unknown"
                return "tuple-of:" + ";".join(items)
            inner = self._annotation(module, elements[-1] if container != "tuple" else elements[0])
            return f"{container}:{inner if '|' not in inner else 'unknown'}"
        name = _dotted(node)
        short = name.rsplit(".", 1)[-1]
        if short in _TENSOR_NAMES:
            return _TENSOR_NAMES[short]
        if short in _PYTHON_NAMES:
            return _PYTHON_NAMES[short]
        if short == "Dataset":
            return "dataset:unknown"
        absolute = self._absolute(module, name)
        if absolute is not None and short in self._classes_of(absolute):
            return f"instance:{canonical(absolute)}"
        return "unknown"

    def _classes_of(self, absolute: str) -> frozenset[str]:
        module_name, _, short = absolute.rpartition(".")
        module = self._module(module_name)
        if module is None:
            return frozenset()
        if short in module.classes:
            return frozenset({short})
        return frozenset()

    def _class(self, module: _StubModule, node: ast.ClassDef, public: str) -> ClassModel:
        methods: dict[str, FunctionModel] = {}
        properties: dict[str, FunctionModel] = {}
        init: FunctionModel | None = None
        for name, definitions in _class_functions(node).items():
            model = self._function(module, definitions, f"{public}.{name}", owner=public)
            if name == "__init__":
                init = attrs.evolve(
                    model, qualname=public, returns="instance", is_op=False, is_constructor=True
                )
            elif model.is_property:
                properties[name] = model
            else:
                methods[name] = model
        bases = []
        for base in node.bases:
            absolute = self._absolute(module, _dotted(base))
            if absolute is not None:
                bases.append(canonical(absolute))
        if init is None:
            init = FunctionModel(
                public,
                (
                    ParamModel("self", ParamKind.POSITIONAL_OR_KEYWORD, False),
                    ParamModel("args", ParamKind.VAR_POSITIONAL, False),
                    ParamModel("kwargs", ParamKind.VAR_KEYWORD, False),
                ),
                "instance",
                source=ModelSource.FALLBACK,
                location=f"{module.path}:{node.lineno}",
                is_method=True,
                owner=public,
                is_constructor=True,
            )
        return ClassModel(
            qualname=public,
            bases=tuple(bases),
            role=KerasRole.NONE,
            methods=methods,
            attributes={name: model.returns for name, model in properties.items()},
            init=init,
            location=f"{module.path}:{node.lineno}",
            properties=properties,
            source=ModelSource.FALLBACK,
        )

    # -- stub files --------------------------------------------------------------------------

    def _module(self, name: str) -> _StubModule | None:
        if name in self._modules:
            return self._modules[name]
        result = self._parse_module(name)
        self._modules[name] = result
        return result

    def _parse_module(self, name: str) -> _StubModule | None:
        parts = name.split(".")
        if parts[0] != "tensorflow":
            return None
        if len(parts) == 1:
            candidates = [self.root / "__init__.pyi"]
        else:
            base = self.root.joinpath(*parts[1:])
            candidates = [base / "__init__.pyi", base.with_suffix(".pyi")]
        for path in candidates:
            if path.is_file():
                return _read_module(name, path, self.root, is_package=path.name == "__init__.pyi")
        return None


_MISSING: Final = object()


def _stub_name(qualname: str) -> str | None:
    head = qualname.split(".", 1)[0]
    if head == "keras":
        return "tensorflow.keras" + qualname[len("keras") :]
    if head == "tensorflow":
        return qualname
    return None


@functools.lru_cache(maxsize=256)
def _read_cached(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _read_module(name: str, path: Path, root: Path, is_package: bool) -> _StubModule:
    tree = _read_cached(path)
    functions: dict[str, list[ast.FunctionDef]] = {}
    classes: dict[str, ast.ClassDef] = {}
    imports: dict[str, str] = {}
    stars: list[str] = []
    variables: set[str] = set()
    incomplete = False
    package = name if is_package else name.rsplit(".", 1)[0]
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            if node.name == "__getattr__":
                incomplete = True
            functions.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.ClassDef):
            classes[node.name] = node
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, source] if source else base)
            for alias in node.names:
                if alias.name == "*":
                    stars.append(source)
                else:
                    imports[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    imports[alias.asname] = alias.name
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            variables.add(node.target.id)
        elif isinstance(node, ast.Assign):
            variables.update(t.id for t in node.targets if isinstance(t, ast.Name))
    display = f"{_STUB_PACKAGE}/{path.relative_to(root).as_posix()}"
    return _StubModule(
        name, display, functions, classes, imports, tuple(stars), frozenset(variables), incomplete
    )


def _class_functions(node: ast.ClassDef) -> dict[str, list[ast.FunctionDef]]:
    result: dict[str, list[ast.FunctionDef]] = {}
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef):
            result.setdefault(statement.name, []).append(statement)
    return result


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        return _dotted(node.value)
    return "?"


def _params(arguments: ast.arguments) -> Iterator[ParamModel]:
    positional = [*arguments.posonlyargs, *arguments.args]
    first_default = len(positional) - len(arguments.defaults)
    for index, argument in enumerate(positional):
        kind = (
            ParamKind.POSITIONAL_ONLY
            if index < len(arguments.posonlyargs) or argument.arg.startswith("__")
            else ParamKind.POSITIONAL_OR_KEYWORD
        )
        yield ParamModel(argument.arg, kind, index >= first_default)
    if arguments.vararg is not None:
        yield ParamModel(arguments.vararg.arg, ParamKind.VAR_POSITIONAL, False)
    for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True):
        yield ParamModel(argument.arg, ParamKind.KEYWORD_ONLY, default is not None)
    if arguments.kwarg is not None:
        yield ParamModel(arguments.kwarg.arg, ParamKind.VAR_KEYWORD, False)


def _mentions_tensor(rule: str) -> bool:
    return any(
        part in ("tensor", "ragged", "sparse", "variable") or part.startswith("like")
        for part in rule.replace(";", ":").replace("|", ":").split(":")
    )
