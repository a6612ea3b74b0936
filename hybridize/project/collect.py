"""One walk over one file: the definitions, bindings and call sites of every scope.

The walk is a single explicit-stack traversal of the tree, so the cost is linear in the file and
independent of nesting (no recursion limit on deeply nested expressions, no re-walk per function).
Each node is seen once, with a context saying which scope it belongs to, which function owns its
calls, and whether it is inside a loop. Nothing is resolved across files here: class bases are
kept as expressions and resolved by the project once every file is collected.

Who owns a call is decided by when it runs: a function's (or named lambda's) body belongs to it;
decorators, defaults and annotations run when the ``def`` runs, so they belong to the enclosing
code; a class body runs when the ``class`` statement runs, so it belongs to the enclosing function
or module; an anonymous lambda has no id, so its calls are charged to the code that created it.
A call is ``in_loop`` when it can run more than once per execution of its owner: in a loop body,
a ``while`` test, or a comprehension (except the first iterable, evaluated once).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any, Literal

import attrs

from hybridize.lattice.location import Location
from hybridize.project.imports import import_bindings
from hybridize.project.model import CallSite, FunctionInfo, ImportBinding, SourceFile

ScopeKind = Literal["module", "class", "function", "expression"]

_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops", "type_comment"})


def _child_fields(node_type: type[ast.AST]) -> tuple[str, ...]:
    return tuple(field for field in node_type._fields if field not in _SKIPPED_FIELDS)


def _all_node_types() -> Iterable[type[ast.AST]]:
    pending: list[type[ast.AST]] = [ast.AST]
    while pending:
        node_type = pending.pop()
        yield node_type
        pending.extend(node_type.__subclasses__())


_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    node_type: _child_fields(node_type) for node_type in _all_node_types()
}
"""Fields that may hold child nodes, per node type; fixed once at import (not a cache)."""

_PROPERTY_DECORATORS = frozenset({"property", "cached_property", "abstractproperty"})
_PROPERTY_ACCESSORS = frozenset({"setter", "getter", "deleter"})


class _Scope:
    """A lexical scope being collected. ``expression`` scopes (comprehensions, anonymous lambdas)
    exist only so that the names they bind are not mistaken for names of the enclosing scope."""

    __slots__ = ("id", "imports", "kind", "methods", "nested", "parent", "qualname")

    def __init__(
        self,
        kind: ScopeKind,
        scope_id: str,
        qualname: str,
        parent: _Scope | None,
    ) -> None:
        self.kind: ScopeKind = kind
        self.id = scope_id
        self.qualname = qualname
        self.parent = parent
        self.nested: dict[str, str] = {}
        self.imports: dict[str, ImportBinding] = {}
        self.methods: dict[str, str] = {}


class _Frame:
    """The function a ``yield`` makes a generator (anonymous lambdas get a throwaway frame)."""

    __slots__ = ("is_generator",)

    def __init__(self) -> None:
        self.is_generator = False


class _Context:
    __slots__ = ("frame", "in_loop", "owner", "scope")

    def __init__(self, scope: _Scope, owner: str, frame: _Frame | None, in_loop: bool) -> None:
        self.scope = scope
        self.owner = owner
        self.frame = frame
        self.in_loop = in_loop

    def looping(self) -> _Context:
        return self if self.in_loop else _Context(self.scope, self.owner, self.frame, True)

    def in_expression(self, in_loop: bool) -> _Context:
        scope = self.scope
        if scope.kind != "expression":
            scope = _Scope("expression", scope.id, scope.qualname, scope)
        return _Context(scope, self.owner, self.frame, in_loop)


@attrs.frozen
class PendingClass:
    """A class whose bases still need project-wide resolution (they may name other files)."""

    id: str
    qualname: str
    name: str
    node: ast.ClassDef
    location: Location
    parent_id: str | None  # enclosing function or class id
    scope_id: str  # where the class statement runs: enclosing function/class id, or module id
    methods: dict[str, str]


@attrs.frozen
class FileCollection:
    """Everything one file contributes to the project, merged only if the whole walk succeeds."""

    module_id: str
    imports: dict[str, ImportBinding]
    star_imports: tuple[str, ...]
    functions_by_name: dict[str, str]
    classes_by_name: dict[str, str]
    variables: frozenset[str]
    all_names: tuple[str, ...] | None
    aliases: dict[str, str]
    functions: list[FunctionInfo]
    classes: list[PendingClass]
    call_sites: dict[str, list[CallSite]]
    nested: dict[str, dict[str, str]]
    function_imports: dict[str, dict[str, ImportBinding]]


_Task = tuple["ast.AST | Callable[[], None]", _Context]


class FileCollector:
    """Collects one analysed file; ``module_name`` is its unique key in the project."""

    def __init__(self, source: SourceFile, module_name: str) -> None:
        if source.tree is None:
            raise ValueError(f"{source.relpath} has no syntax tree")
        self.tree = source.tree
        self.relpath = source.relpath
        self.module_name = module_name
        self.dotted = source.module
        self.is_package = source.is_package
        self.module_id = f"{source.relpath}::<module>"
        self.stack: list[_Task] = []
        self.used_ids: set[str] = set()
        self.function_slots: list[FunctionInfo | None] = []
        self.classes: list[PendingClass] = []
        self.call_sites: dict[str, list[CallSite]] = {self.module_id: []}
        self.nested: dict[str, dict[str, str]] = {}
        self.function_imports: dict[str, dict[str, ImportBinding]] = {}
        self.module_scope = _Scope("module", self.module_id, "", None)
        self.module_functions: dict[str, str] = {}
        self.module_classes: dict[str, str] = {}
        self.star_imports: list[str] = []
        self.binding_counts: dict[str, int] = {}
        self.alias_sources: dict[str, str] = {}
        self.all_names: list[str] | None = None
        self.all_known = True
        # Handlers take the node type they are registered for; ``Any`` spares a cast per call.
        self.handlers: dict[type[ast.AST], Callable[[Any, _Context], None]] = {
            ast.Call: self._call,
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.Lambda: self._anonymous_lambda,
            ast.ClassDef: self._class,
            ast.For: self._for,
            ast.AsyncFor: self._for,
            ast.While: self._while,
            ast.ListComp: self._comprehension,
            ast.SetComp: self._comprehension,
            ast.GeneratorExp: self._comprehension,
            ast.DictComp: self._comprehension,
            ast.Yield: self._yield,
            ast.YieldFrom: self._yield,
            ast.Import: self._import,
            ast.ImportFrom: self._import,
            ast.Assign: self._assign,
            ast.AnnAssign: self._annotated_assign,
            ast.AugAssign: self._augmented_assign,
            ast.Name: self._name,
            ast.Global: self._global,
            ast.ExceptHandler: self._named_node,
            ast.MatchAs: self._named_node,
            ast.MatchStar: self._named_node,
            ast.MatchMapping: self._named_node,
            ast.Constant: _ignore,
        }

    # -- driver ---------------------------------------------------------------------------------

    def collect(self) -> FileCollection:
        context = _Context(self.module_scope, self.module_id, None, False)
        self._push(self.tree.body, context)
        stack = self.stack
        handlers = self.handlers
        generic = self._generic
        while stack:
            item, item_context = stack.pop()
            if isinstance(item, ast.AST):
                handlers.get(type(item), generic)(item, item_context)
            else:
                item()
        return self._result()

    def _push(self, nodes: Iterable[ast.AST | None], context: _Context) -> None:
        items = [(node, context) for node in nodes if node is not None]
        items.reverse()
        self.stack.extend(items)

    def _generic(self, node: ast.AST, context: _Context) -> None:
        fields = _CHILD_FIELDS.get(type(node))
        if fields is None:
            fields = _child_fields(type(node))
        children: list[ast.AST] = []
        for field in fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                children.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                children.append(value)
        self._push(children, context)

    def _location(self, node: ast.stmt | ast.expr) -> Location:
        return Location(self.relpath, node.lineno, node.col_offset)

    def _unique_id(self, qualname: str, node: ast.stmt | ast.expr) -> str:
        """``relpath::qualname``; a redefinition gets ``@line`` (then ``@line:col``) appended."""
        base = f"{self.relpath}::{qualname}"
        candidates = (base, f"{base}@{node.lineno}", f"{base}@{node.lineno}:{node.col_offset}")
        for candidate in candidates:
            if candidate not in self.used_ids:
                self.used_ids.add(candidate)
                return candidate
        counter = 2
        while f"{candidates[2]}#{counter}" in self.used_ids:
            counter += 1
        self.used_ids.add(f"{candidates[2]}#{counter}")
        return f"{candidates[2]}#{counter}"

    # -- definitions ----------------------------------------------------------------------------

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, context: _Context) -> None:
        arguments = node.args
        enclosing: list[ast.AST | None] = [*node.decorator_list]
        enclosing.extend(arguments.defaults)
        enclosing.extend(arguments.kw_defaults)
        enclosing.extend(argument.annotation for argument in _all_arguments(arguments))
        enclosing.append(node.returns)
        flags = _decorator_flags(node.decorator_list)
        self._define_function(
            node,
            node.name,
            context,
            body=node.body,
            enclosing=enclosing,
            decorators=tuple(node.decorator_list),
            is_lambda=False,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            flags=flags,
            keep_existing=_is_property_accessor(node.name, node.decorator_list),
        )

    def _named_lambda(self, node: ast.Lambda, name: str, context: _Context) -> None:
        enclosing: list[ast.AST | None] = [*node.args.defaults, *node.args.kw_defaults]
        self._define_function(
            node,
            name,
            context,
            body=[node.body],
            enclosing=enclosing,
            decorators=(),
            is_lambda=True,
            is_async=False,
            flags=(False, False, False),
            keep_existing=False,
        )

    def _define_function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
        name: str,
        context: _Context,
        *,
        body: list[ast.stmt] | list[ast.expr],
        enclosing: list[ast.AST | None],
        decorators: tuple[ast.expr, ...],
        is_lambda: bool,
        is_async: bool,
        flags: tuple[bool, bool, bool],
        keep_existing: bool,
    ) -> None:
        scope = context.scope
        qualname = f"{scope.qualname}.{name}" if scope.qualname else name
        function_id = self._unique_id(qualname, node)
        self._bind_definition(scope, name, function_id, is_function=True, keep=keep_existing)
        function_scope = _Scope("function", function_id, qualname, scope)
        self.nested[function_id] = function_scope.nested
        self.function_imports[function_id] = function_scope.imports
        self.call_sites[function_id] = []
        frame = _Frame()
        slot = len(self.function_slots)
        self.function_slots.append(None)
        class_id = scope.id if scope.kind == "class" else None
        parent_id = scope.id if scope.kind == "function" else None
        is_staticmethod, is_classmethod, is_property = flags

        def finish() -> None:
            self.function_slots[slot] = FunctionInfo(
                id=function_id,
                relpath=self.relpath,
                module=self.module_name,
                qualname=qualname,
                name=name,
                node=node,
                location=self._location(node),
                end_line=node.end_lineno or node.lineno,
                class_id=class_id,
                parent_id=parent_id,
                decorators=decorators,
                is_lambda=is_lambda,
                is_async=is_async,
                is_generator=frame.is_generator,
                is_staticmethod=is_staticmethod,
                is_classmethod=is_classmethod,
                is_property=is_property,
            )

        self.stack.append((finish, context))
        self._push(body, _Context(function_scope, function_id, frame, False))
        self._push(enclosing, context)

    def _class(self, node: ast.ClassDef, context: _Context) -> None:
        scope = context.scope
        qualname = f"{scope.qualname}.{node.name}" if scope.qualname else node.name
        class_id = self._unique_id(qualname, node)
        self._bind_definition(scope, node.name, class_id, is_function=False, keep=False)
        class_scope = _Scope("class", class_id, qualname, scope)
        self.nested[class_id] = class_scope.nested
        self.classes.append(
            PendingClass(
                id=class_id,
                qualname=qualname,
                name=node.name,
                node=node,
                location=self._location(node),
                parent_id=scope.id if scope.kind in ("class", "function") else None,
                scope_id=scope.id,
                methods=class_scope.methods,
            )
        )
        self._push(node.body, _Context(class_scope, context.owner, None, context.in_loop))
        self._push([*node.decorator_list, *node.bases, *node.keywords], context)

    def _bind_definition(
        self, scope: _Scope, name: str, definition_id: str, *, is_function: bool, keep: bool
    ) -> None:
        """Later definitions of a name win, as at run time, except a property's setter or
        deleter, which re-binds the same property object: the getter stays the meaning."""
        if scope.kind == "module":
            defined, other = (
                (self.module_functions, self.module_classes)
                if is_function
                else (self.module_classes, self.module_functions)
            )
            if keep and name in defined:
                return
            defined[name] = definition_id
            other.pop(name, None)
            self.binding_counts[name] = self.binding_counts.get(name, 0) + 1
            return
        if keep and name in scope.nested:
            return
        scope.nested[name] = definition_id
        if scope.kind == "class":
            if is_function:
                scope.methods[name] = definition_id
            else:
                scope.methods.pop(name, None)

    # -- expressions and statements with scope or loop effects ---------------------------------

    def _call(self, node: ast.Call, context: _Context) -> None:
        self.call_sites[context.owner].append(
            CallSite(context.owner, node, self._location(node), context.in_loop)
        )
        if context.scope.kind == "module":
            self._all_mutation(node)
        self._push([node.func, *node.args, *node.keywords], context)

    def _anonymous_lambda(self, node: ast.Lambda, context: _Context) -> None:
        """An unnamed lambda has no id; its calls are attributed to the enclosing owner (they run
        when whoever received the lambda calls it), but its ``yield`` is its own."""
        scope = context.in_expression(context.in_loop).scope
        self._push([node.body], _Context(scope, context.owner, _Frame(), context.in_loop))
        self._push([*node.args.defaults, *node.args.kw_defaults], context)

    def _for(self, node: ast.For | ast.AsyncFor, context: _Context) -> None:
        self._push(node.orelse, context)
        self._push(node.body, context.looping())
        self._push([node.iter, node.target], context)

    def _while(self, node: ast.While, context: _Context) -> None:
        self._push(node.orelse, context)
        self._push([node.test, *node.body], context.looping())

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, context: _Context
    ) -> None:
        """The first iterable is evaluated once, in the enclosing scope; everything else runs
        once per element."""
        inner = context.in_expression(True)
        first, *rest = node.generators
        looped: list[ast.AST] = [first.target, *first.ifs]
        for generator in rest:
            looped.extend([generator.iter, generator.target, *generator.ifs])
        if isinstance(node, ast.DictComp):
            looped.extend([node.key, node.value])
        else:
            looped.append(node.elt)
        self._push(looped, inner)
        self._push([first.iter], context)

    def _yield(self, node: ast.AST, context: _Context) -> None:
        if context.frame is not None:
            context.frame.is_generator = True
        self._generic(node, context)

    def _import(self, node: ast.Import | ast.ImportFrom, context: _Context) -> None:
        scope = context.scope
        if scope.kind not in ("module", "function"):
            return
        bindings, stars = import_bindings(
            node, module=self.dotted, is_package=self.is_package, relpath=self.relpath
        )
        for binding in bindings:
            scope.imports[binding.local] = binding
            if scope.kind == "module":
                self.binding_counts[binding.local] = self.binding_counts.get(binding.local, 0) + 1
        if scope.kind == "module":
            self.star_imports.extend(stars)

    def _assign(self, node: ast.Assign, context: _Context) -> None:
        value = node.value
        names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        if context.scope.kind == "module":
            self._module_assignment(names, value, single=len(node.targets) == 1)
        if isinstance(value, ast.Lambda) and names:
            self._push(node.targets, context)
            self._named_lambda(value, names[0], context)
        else:
            self._push([*node.targets, value], context)

    def _annotated_assign(self, node: ast.AnnAssign, context: _Context) -> None:
        value = node.value
        if value is None:
            self._push([node.annotation], context)
            return
        names = [node.target.id] if isinstance(node.target, ast.Name) else []
        if context.scope.kind == "module":
            self._module_assignment(names, value, single=True)
        if isinstance(value, ast.Lambda) and names:
            self._push([node.target, node.annotation], context)
            self._named_lambda(value, names[0], context)
        else:
            self._push([node.target, node.annotation, value], context)

    def _augmented_assign(self, node: ast.AugAssign, context: _Context) -> None:
        target = node.target
        if context.scope.kind == "module" and isinstance(target, ast.Name):
            if target.id == "__all__":
                self._extend_all(node.value if isinstance(node.op, ast.Add) else None)
        self._push([node.target, node.value], context)

    def _module_assignment(self, names: list[str], value: ast.expr, *, single: bool) -> None:
        for name in names:
            if name == "__all__":
                self.all_names = None
                self.all_known = True
                self._extend_all(value)
        if single and len(names) == 1:
            source = dotted_name(value)
            if source is not None:
                self.alias_sources[names[0]] = source

    def _extend_all(self, value: ast.expr | None) -> None:
        strings = _string_sequence(value)
        if strings is None:
            self.all_known = False
        else:
            self.all_names = [*(self.all_names or []), *strings]

    def _all_mutation(self, node: ast.Call) -> None:
        function = node.func
        if not (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "__all__"
        ):
            return
        if function.attr == "extend" and len(node.args) == 1:
            self._extend_all(node.args[0])
        elif function.attr == "append" and len(node.args) == 1:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                self.all_names = [*(self.all_names or []), argument.value]
            else:
                self.all_known = False
        else:
            self.all_known = False

    def _name(self, node: ast.Name, context: _Context) -> None:
        if context.scope.kind == "module" and isinstance(node.ctx, ast.Store):
            self.binding_counts[node.id] = self.binding_counts.get(node.id, 0) + 1

    def _global(self, node: ast.Global, context: _Context) -> None:
        if context.scope.kind == "function":
            for name in node.names:
                self.binding_counts[name] = self.binding_counts.get(name, 0) + 1

    def _named_node(self, node: ast.AST, context: _Context) -> None:
        """``except E as name``, ``case x``, ``case [*rest]``, ``case {**rest}`` bind names."""
        name = getattr(node, "name", None) or getattr(node, "rest", None)
        if context.scope.kind == "module" and isinstance(name, str):
            self.binding_counts[name] = self.binding_counts.get(name, 0) + 1
        self._generic(node, context)

    # -- result ---------------------------------------------------------------------------------

    def _result(self) -> FileCollection:
        functions = [info for info in self.function_slots if info is not None]
        imports = self.module_scope.imports
        defined = self.module_functions.keys() | self.module_classes.keys() | imports.keys()
        variables = frozenset(name for name in self.binding_counts if name not in defined)
        aliases = {
            name: source
            for name, source in self.alias_sources.items()
            if self.binding_counts.get(name) == 1 and name in variables
        }
        all_names = tuple(self.all_names) if self.all_known and self.all_names is not None else None
        return FileCollection(
            module_id=self.module_id,
            imports=imports,
            star_imports=tuple(dict.fromkeys(self.star_imports)),
            functions_by_name=self.module_functions,
            classes_by_name=self.module_classes,
            variables=variables,
            all_names=all_names,
            aliases=aliases,
            functions=functions,
            classes=self.classes,
            call_sites=self.call_sites,
            nested=self.nested,
            function_imports=self.function_imports,
        )


def _ignore(node: ast.AST, context: _Context) -> None:
    """Leaves with nothing to collect."""


def _all_arguments(arguments: ast.arguments) -> list[ast.arg]:
    collected = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if arguments.vararg is not None:
        collected.append(arguments.vararg)
    if arguments.kwarg is not None:
        collected.append(arguments.kwarg)
    return collected


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attribute accesses on a name, else ``None``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    parts.reverse()
    return ".".join(parts)


def _string_sequence(node: ast.expr | None) -> list[str] | None:
    if not isinstance(node, ast.List | ast.Tuple):
        return None
    strings: list[str] = []
    for element in node.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        strings.append(element.value)
    return strings


def _decorator_flags(decorators: list[ast.expr]) -> tuple[bool, bool, bool]:
    """``(staticmethod, classmethod, property)`` judged by the decorator's last name component,
    which is how these builtins are (almost) always spelled."""
    is_staticmethod = is_classmethod = is_property = False
    for decorator in decorators:
        name = dotted_name(decorator)
        if name is None:
            continue
        last = name.rsplit(".", 1)[-1]
        if last == "staticmethod":
            is_staticmethod = True
        elif last == "classmethod":
            is_classmethod = True
        elif last in _PROPERTY_DECORATORS or (
            isinstance(decorator, ast.Attribute) and last in _PROPERTY_ACCESSORS
        ):
            is_property = True
    return is_staticmethod, is_classmethod, is_property


def _is_property_accessor(name: str, decorators: list[ast.expr]) -> bool:
    return any(
        isinstance(decorator, ast.Attribute)
        and decorator.attr in ("setter", "deleter")
        and isinstance(decorator.value, ast.Name)
        and decorator.value.id == name
        for decorator in decorators
    )
