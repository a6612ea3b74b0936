"""Build the project model and answer name-resolution questions about it.

``build_project`` discovers, parses and collects every file (one tree walk each), then resolves
class bases once every module is known, since a base may live in any file. A file that breaks the
collector is reported as skipped with the error instead of aborting the run: one odd file must not
cost the user the analysis of the rest.
"""

from __future__ import annotations

import ast
import builtins
import gc
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import attrs

from hybridize.project.collect import FileCollection, FileCollector, PendingClass, dotted_name
from hybridize.project.discovery import discover
from hybridize.project.model import (
    CallSite,
    ClassInfo,
    FileStatus,
    FunctionInfo,
    ImportBinding,
    ModuleInfo,
    SourceFile,
    Symbol,
    SymbolKind,
)
from hybridize.project.parse import DEFAULT_MAX_BYTES, PackageLayout, load_file
from hybridize.stubs.aliases import canonical

BUILTIN_NAMES: Final = frozenset(dir(builtins))
MODULE_DUNDERS: Final = frozenset(
    {
        "__name__", "__file__", "__doc__", "__package__", "__spec__", "__loader__",
        "__path__", "__builtins__", "__cached__", "__annotations__", "__dict__",
    }
)  # fmt: skip
"""Names every module has without defining them; they mean the module's own, not ``builtins``'."""

UNRESOLVED_BASE_PREFIX: Final = "?"
"""Prefix of a class base that could not be resolved (``"?make_base()"``): never a dotted name."""

_MAX_ALIAS_DEPTH: Final = 8

_UNRESOLVED: Final = Symbol(SymbolKind.UNRESOLVED, "")


@attrs.define(eq=False)
class Project:
    """The whole analysed code base, immutable once built (the caches only memoise lookups).

    Resolution follows Python's static structure: definitions, imports (including re-exports
    through ``__init__`` and ``*``-imports honouring ``__all__``) and builtins. It does not
    evaluate anything, so names bound dynamically (``setattr``, ``globals()[...]``) stay
    unresolved, and the interpreter records that as an assumption.
    """

    root: Path
    files: list[SourceFile]
    modules: dict[str, ModuleInfo]
    functions: dict[str, FunctionInfo]
    classes: dict[str, ClassInfo]
    call_sites: dict[str, list[CallSite]]
    function_imports: dict[str, dict[str, ImportBinding]]
    nested: dict[str, dict[str, str]]
    _class_parents: dict[str, str | None] = attrs.field(factory=dict, alias="_class_parents")
    _modules_by_relpath: dict[str, ModuleInfo] = attrs.field(init=False, factory=dict)
    _qualified_cache: dict[str, Symbol] = attrs.field(init=False, factory=dict)
    _global_cache: dict[tuple[str, str], Symbol] = attrs.field(init=False, factory=dict)
    _mro_cache: dict[str, list[str]] = attrs.field(init=False, factory=dict)
    _method_cache: dict[tuple[str, str], str | None] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        self._modules_by_relpath = {module.relpath: module for module in self.modules.values()}

    # -- lookups by id --------------------------------------------------------------------------

    def module_of(self, id: str) -> ModuleInfo:
        """The module a function, class or module id (or a module name) belongs to."""
        module = self.modules.get(id)
        if module is not None:
            return module
        return self._modules_by_relpath[id.split("::", 1)[0]]

    def function_at(self, relpath: str, qualname: str) -> FunctionInfo | None:
        return self.functions.get(f"{relpath}::{qualname}")

    def is_class(self, id: str) -> bool:
        return id in self._class_parents

    # -- name resolution ------------------------------------------------------------------------

    def resolve_global(self, module: str, name: str) -> Symbol:
        """What the bare ``name`` means at the top level of ``module``.

        Own definitions and imports first, then names from ``*``-imports of project modules, then
        builtins; a name that is none of these but follows a ``*``-import of an external module is
        assumed to come from it (the last such import wins, as at run time).
        """
        key = (module, name)
        cached = self._global_cache.get(key)
        if cached is not None:
            return cached
        if module not in self.modules:
            return _UNRESOLVED
        symbol = self._member(module, name, set())
        if symbol is None:
            if name in MODULE_DUNDERS:
                symbol = Symbol(SymbolKind.VARIABLE, f"{module}:{name}")
            elif name in BUILTIN_NAMES:
                symbol = Symbol(SymbolKind.EXTERNAL, f"builtins.{name}")
            else:
                symbol = self._external_star(module, name, set()) or _UNRESOLVED
        self._global_cache[key] = symbol
        return symbol

    def resolve_qualified(self, dotted: str) -> Symbol:
        """What the absolute ``dotted`` name denotes: a project module, a definition inside one
        (following re-exports), or an external name in canonical spelling."""
        cached = self._qualified_cache.get(dotted)
        if cached is None:
            cached = self._qualified(dotted, set())
            self._qualified_cache[dotted] = cached
        return cached

    def resolve_name(self, scope_id: str, dotted: str, *, follow_aliases: bool = True) -> Symbol:
        """What ``dotted`` (``x`` or ``x.y.z``) means inside the function, class or module
        ``scope_id``, looking through the definitions and imports of enclosing function scopes
        (and of the scope itself when it is a class body) before the module's globals.

        Local variables and parameters are not known here: the interpreter checks them first.
        With ``follow_aliases``, a module variable that is a plain alias (``Model = keras.Model``)
        stands for what it aliases.
        """
        head, *rest = dotted.split(".")
        symbol = self._lookup(scope_id, head)
        if follow_aliases:
            symbol = self.follow_alias(symbol)
        return self._attribute(symbol, rest, set())

    def follow_alias(self, symbol: Symbol) -> Symbol:
        """The target of a module-level alias variable (``Dense = tf.keras.layers.Dense``), or
        ``symbol`` itself when it is not one."""
        for _ in range(_MAX_ALIAS_DEPTH):
            if symbol.kind is not SymbolKind.VARIABLE:
                return symbol
            module_name, _, name = symbol.ref.partition(":")
            module = self.modules.get(module_name)
            source = module.aliases.get(name) if module is not None else None
            if module is None or source is None:
                return symbol
            symbol = self.resolve_name(module.id, source, follow_aliases=False)
        return symbol

    # -- classes --------------------------------------------------------------------------------

    def mro(self, class_id: str) -> list[str]:
        """C3 linearisation of ``class_id``: project class ids and external base names (leaves).

        An inconsistent hierarchy (which Python would reject) falls back to a left-to-right
        depth-first order without duplicates rather than failing; cycles are cut.
        """
        cached = self._mro_cache.get(class_id)
        if cached is None:
            cached = self._linearise(class_id, ())
            self._mro_cache[class_id] = cached
        return list(cached)

    def method(self, class_id: str, name: str) -> str | None:
        """The function id of ``name`` along the MRO, among project classes only: an external
        base earlier in the MRO might define it too, which callers must treat as unknown."""
        key = (class_id, name)
        if key in self._method_cache:
            return self._method_cache[key]
        result: str | None = None
        for entry in self.mro(class_id):
            info = self.classes.get(entry)
            if info is not None:
                found = info.methods.get(name)
                if found is not None:
                    result = found
                    break
        self._method_cache[key] = result
        return result

    def _linearise(self, class_id: str, active: tuple[str, ...]) -> list[str]:
        info = self.classes.get(class_id)
        if info is None or class_id in active:
            return [class_id]
        cached = self._mro_cache.get(class_id)
        if cached is not None:
            return cached
        active = (*active, class_id)
        parents = [self._linearise(base, active) for base in info.bases]
        merged = _c3_merge([*parents, list(info.bases)])
        if merged is None:
            merged = list(dict.fromkeys(entry for parent in parents for entry in parent))
        return [class_id, *(entry for entry in merged if entry != class_id)]

    # -- resolution internals -------------------------------------------------------------------

    def _symbol_for_definition(self, definition_id: str) -> Symbol:
        kind = SymbolKind.CLASS if definition_id in self._class_parents else SymbolKind.FUNCTION
        return Symbol(kind, definition_id)

    def _member(self, module_name: str, name: str, active: set[tuple[str, str]]) -> Symbol | None:
        """``name`` as an attribute of the project module ``module_name``, or ``None``."""
        key = (module_name, name)
        module = self.modules.get(module_name)
        if module is None or key in active:
            return None
        active.add(key)
        try:
            definition = module.functions.get(name) or module.classes.get(name)
            if definition is not None:
                return self._symbol_for_definition(definition)
            binding = module.imports.get(name)
            if binding is not None:
                return self._qualified(self._binding_target(binding), active)
            if name in module.variables:
                return Symbol(SymbolKind.VARIABLE, f"{module_name}:{name}")
            for star in reversed(module.star_imports):
                exported = self.modules.get(star)
                if exported is None or not _exports(exported, name):
                    continue
                found = self._member(star, name, active)
                if found is None and f"{star}.{name}" in self.modules:
                    found = Symbol(SymbolKind.MODULE, f"{star}.{name}")
                if found is not None:
                    return found
            return None
        finally:
            active.discard(key)

    def _external_star(self, module_name: str, name: str, active: set[str]) -> Symbol | None:
        """Guess for a name only an external ``*``-import can have provided (never a private
        name: without ``__all__`` those are not exported, and modules rarely list them)."""
        module = self.modules.get(module_name)
        if module is None or module_name in active or name.startswith("_"):
            return None
        active.add(module_name)
        for star in reversed(module.star_imports):
            if star.startswith("."):
                continue
            if star not in self.modules:
                return Symbol(SymbolKind.EXTERNAL, canonical(f"{star}.{name}"))
            if _exports(self.modules[star], name):
                found = self._external_star(star, name, active)
                if found is not None:
                    return found
        return None

    def _binding_target(self, binding: ImportBinding) -> str:
        """The canonical target, unless the name as written is a project module: analysing Keras
        itself, ``keras._tf_keras.keras.layers`` is a real module there, not an alias."""
        written = binding.written
        if written and written != binding.target and self._project_prefix(written):
            return written
        return binding.target

    def _project_prefix(self, dotted: str) -> bool:
        parts = dotted.split(".")
        return any(".".join(parts[:length]) in self.modules for length in range(len(parts), 0, -1))

    def _qualified(self, dotted: str, active: set[tuple[str, str]]) -> Symbol:
        if not dotted or dotted.startswith("."):
            return _UNRESOLVED
        parts = dotted.split(".")
        for length in range(len(parts), 0, -1):
            prefix = ".".join(parts[:length])
            if prefix not in self.modules:
                continue
            if length == len(parts):
                shadow = self._package_binding(parts, active)
                return shadow if shadow is not None else Symbol(SymbolKind.MODULE, prefix)
            name = parts[length]
            symbol = self._member(prefix, name, active)
            if symbol is None:
                symbol = self._external_star(prefix, name, set()) or _UNRESOLVED
            return self._attribute(symbol, parts[length + 1 :], active)
        return Symbol(SymbolKind.EXTERNAL, canonical(dotted))

    def _package_binding(self, parts: list[str], active: set[tuple[str, str]]) -> Symbol | None:
        """``pkg.train`` when ``pkg/__init__.py`` binds ``train`` itself (``from .train import
        train``): after the import, the package attribute is that binding, not the submodule."""
        if len(parts) < 2:
            return None
        parent = ".".join(parts[:-1])
        info = self.modules.get(parent)
        name = parts[-1]
        if info is None:
            return None
        binding = info.imports.get(name)
        defines = name in info.functions or name in info.classes or name in info.variables
        if not defines and (binding is None or binding.target == ".".join(parts)):
            return None
        return self._member(parent, name, active)

    def _attribute(
        self, symbol: Symbol, attributes: Sequence[str], active: set[tuple[str, str]]
    ) -> Symbol:
        """``symbol.a.b``: through modules, external names and nested classes/methods."""
        for index, attribute in enumerate(attributes):
            kind = symbol.kind
            if kind is SymbolKind.MODULE or kind is SymbolKind.EXTERNAL:
                rest = ".".join(attributes[index:])
                return self._qualified(f"{symbol.ref}.{rest}", active)
            if kind is not SymbolKind.CLASS:
                return _UNRESOLVED
            definition = self.nested.get(symbol.ref, {}).get(attribute)
            if definition is None:
                definition = self.method(symbol.ref, attribute)
            if definition is None:
                return _UNRESOLVED
            symbol = self._symbol_for_definition(definition)
        return symbol

    def _lookup(self, scope_id: str, name: str) -> Symbol:
        """A bare name seen from ``scope_id``: the scope itself, enclosing functions, globals."""
        module = self.module_of(scope_id)
        current: str | None = scope_id
        immediate = True
        while current is not None and current != module.id and current != module.name:
            if immediate or current in self.functions:
                definition = self.nested.get(current, {}).get(name)
                if definition is not None:
                    return self._symbol_for_definition(definition)
                binding = self.function_imports.get(current, {}).get(name)
                if binding is not None:
                    return self.resolve_qualified(self._binding_target(binding))
            immediate = False
            current = self._enclosing_scope(current)
        return self.resolve_global(module.name, name)

    def _enclosing_scope(self, scope_id: str) -> str | None:
        function = self.functions.get(scope_id)
        if function is not None:
            return function.parent_id or function.class_id
        return self._class_parents.get(scope_id)

    # -- construction ---------------------------------------------------------------------------

    def _forget_lookups(self) -> None:
        """Drop memoised answers computed while classes were still being added."""
        self._mro_cache.clear()
        self._method_cache.clear()
        self._qualified_cache.clear()
        self._global_cache.clear()

    def _finish_class(self, pending: PendingClass) -> ClassInfo:
        module = self.module_of(pending.id)
        bases: list[str] = []
        for base in pending.node.bases:
            try:
                bases.append(self._resolve_base(pending.scope_id, base))
            except Exception:  # a base that breaks resolution is just unresolved
                bases.append(UNRESOLVED_BASE_PREFIX + _source_text(base))
        return ClassInfo(
            id=pending.id,
            relpath=module.relpath,
            module=module.name,
            qualname=pending.qualname,
            name=pending.name,
            node=pending.node,
            location=pending.location,
            bases=tuple(bases),
            methods=pending.methods,
            parent_id=pending.parent_id,
        )

    def _resolve_base(self, scope_id: str, base: ast.expr) -> str:
        """A base as a project class id or an external dotted name (``Generic[T]`` counts as
        ``typing.Generic``); anything else is marked unresolved with its source text."""
        expression = base.value if isinstance(base, ast.Subscript) else base
        dotted = dotted_name(expression)
        if dotted is not None:
            symbol = self.resolve_name(scope_id, dotted)
            if symbol.kind is SymbolKind.CLASS or symbol.kind is SymbolKind.EXTERNAL:
                return symbol.ref
        return UNRESOLVED_BASE_PREFIX + _source_text(base)


def _source_text(node: ast.expr) -> str:
    try:
        return " ".join(ast.unparse(node).split())
    except Exception:  # unparsing an odd tree must not break the build
        return type(node).__name__


def _exports(module: ModuleInfo, name: str) -> bool:
    """Whether ``from module import *`` binds ``name`` (given that the module defines it)."""
    if module.all_names is not None:
        return name in module.all_names
    return not name.startswith("_")


def _c3_merge(sequences: list[list[str]]) -> list[str] | None:
    pending = [list(sequence) for sequence in sequences if sequence]
    merged: list[str] = []
    while pending:
        for sequence in pending:
            head = sequence[0]
            if not any(head in other[1:] for other in pending):
                break
        else:
            return None
        merged.append(head)
        pending = [[entry for entry in sequence if entry != head] for sequence in pending]
        pending = [sequence for sequence in pending if sequence]
    return merged


@contextmanager
def _collector_friendly_gc() -> Iterator[None]:
    """Pause the cyclic GC while building, then hand the new objects straight to the oldest
    generation.

    Parsing allocates millions of long-lived AST nodes. With the GC running, repeated collections
    over them cost several times the parse itself; merely re-enabling it afterwards would make
    the next young collection scan them all, then the middle one again. ``freeze`` + ``unfreeze``
    moves every tracked object to the oldest generation without scanning it, so at most one full
    collection ever visits the trees. Nothing is kept alive or leaked by this; a long-running
    process may additionally call ``gc.freeze()`` to exempt the project from collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def build_project(
    paths: Sequence[str | os.PathLike[str]],
    exclude: Sequence[str] = (),
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Project:
    """Discover, parse and collect ``paths`` into a ``Project``."""
    root, paths_found = discover(paths, exclude)
    layout = PackageLayout()
    with _collector_friendly_gc():
        files = [load_file(root, path, max_bytes=max_bytes, layout=layout) for path in paths_found]
        return _assemble(root, files)


def _assemble(root: Path, files: list[SourceFile]) -> Project:
    modules: dict[str, ModuleInfo] = {}
    functions: dict[str, FunctionInfo] = {}
    call_sites: dict[str, list[CallSite]] = {}
    function_imports: dict[str, dict[str, ImportBinding]] = {}
    nested: dict[str, dict[str, str]] = {}
    pending_classes: list[PendingClass] = []
    class_parents: dict[str, str | None] = {}
    reported: list[SourceFile] = []
    for source in files:
        if source.status is not FileStatus.ANALYZED:
            reported.append(source)
            continue
        module_name = source.module
        if module_name in modules:
            module_name = f"{source.module}@{source.relpath}"
        try:
            collection = FileCollector(source, module_name).collect()
        except Exception as error:  # one odd file must not abort the analysis
            message = " ".join(f"internal error: {type(error).__name__}: {error}".split())
            reported.append(
                attrs.evolve(source, status=FileStatus.SKIPPED, error=message, tree=None)
            )
            continue
        reported.append(source)
        modules[module_name] = _module_info(module_name, source, collection)
        functions.update((function.id, function) for function in collection.functions)
        call_sites.update(collection.call_sites)
        function_imports.update(collection.function_imports)
        nested.update(collection.nested)
        pending_classes.extend(collection.classes)
        class_parents.update((pending.id, pending.parent_id) for pending in collection.classes)
    project = Project(
        root=root,
        files=reported,
        modules=modules,
        functions=functions,
        classes={},
        call_sites=call_sites,
        function_imports=function_imports,
        nested=nested,
        _class_parents=class_parents,
    )
    for pending in pending_classes:
        project.classes[pending.id] = project._finish_class(pending)
    project._forget_lookups()
    return project


def _module_info(name: str, source: SourceFile, collection: FileCollection) -> ModuleInfo:
    return ModuleInfo(
        name=name,
        relpath=source.relpath,
        file=source,
        id=collection.module_id,
        imports=collection.imports,
        star_imports=collection.star_imports,
        functions=collection.functions_by_name,
        classes=collection.classes_by_name,
        variables=collection.variables,
        all_names=collection.all_names,
        aliases=collection.aliases,
    )
