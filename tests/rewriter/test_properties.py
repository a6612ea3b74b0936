"""Property tests of the rewriter: it never loses user code, whatever module it is given.

The rewriter's contract (design §10, hazards §D) is stated over *all* modules, not over the
handful of fixtures a person thinks of, so it is checked here on two families of generated
programs:

* **hypothesmith programs** — syntactically valid but otherwise arbitrary Python (odd unicode
  names, mixed ``\\r\\n`` / ``\\r`` / ``\\n`` line endings, form feeds, backslash continuations,
  one-line bodies), with functions drawn by ``hypothesmith.from_node(libcst.FunctionDef)`` placed
  at top level, in classes and inside other functions. These find the shapes nobody writes by hand.
* **TensorFlow-like modules** — built here from the shapes real projects use: every way of
  importing TensorFlow (also only under ``TYPE_CHECKING``, and inside function bodies),
  docstrings and ``from __future__`` lines, ``__all__``, methods with ``@staticmethod`` and
  friends, existing ``@tf.function`` decorators with and without arguments, user decorators,
  nested functions, a function defined in both branches of an ``if``, parameters and class
  attributes that shadow ``tf`` or ``function``, comments and blank lines between decorators,
  tabs or 2 or 4 spaces, LF / CRLF / lone-CR files and files without a final newline. These are
  where the rewriter's TensorFlow-specific logic does real work.

Functions are found with ``ast`` (as the analysis finds them), so the tests also check that the
rewriter addresses functions by the same qualname and ``def`` line the analysis reports.

Properties:

a. no changes → the output is the input, byte for byte;
b. changes that cannot apply (ADD on a hybrid function, REMOVE / CONFIGURE on an eager one, an
   unknown qualname) → byte-identical output, every outcome not applied;
c. forcing ADD / REMOVE / CONFIGURE on every function → the output compiles, the rewriter applied
   exactly the applicable changes, and fixing the output again changes nothing (fix twice == fix
   once, with the functions re-collected from the output as a second analysis would);
d. every changed line is a decorator line of an edited function or a TensorFlow import line;
e. ADD then REMOVE on every function of a module without TensorFlow gives the input back;
f. the reduced rewrite that ``fix`` uses for large modules equals the full rewrite.

On the TensorFlow-like modules the results are also checked for meaning, resolving names by
scope as Python does: after ADD every function carries exactly one decorator that resolves to
``tensorflow.function``, innermost when it is new, through an import that has run when the
decorator runs (an import is added exactly when no TensorFlow name reaches the function); after
REMOVE none does and no TensorFlow import that only a removed decorator used is left; after
CONFIGURE every hybrid function's decorator passes ``reduce_retracing=True`` and keeps its other
arguments, and a new ``input_signature`` names ``TensorSpec`` the way the module reaches it
(through a module alias, names of ``from tensorflow import`` that the rewriter may have added
to, or a star import).

The helpers (``collect_functions``, ``assert_local_edit`` ...) are also used by the Keras stress
test beside this file. ``HYBRIDIZE_PROPERTY_SCALE`` multiplies the example counts.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
import symtable
import textwrap
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeAlias
from unittest import mock

import attrs
import hypothesmith
import libcst
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hybridize.rewriter import Change, ChangeAction, Rewrite, RewriteError, rewrite_source
from hybridize.rewriter import reduce as reduction

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated code warns, legally

FunctionNode: TypeAlias = ast.FunctionDef | ast.AsyncFunctionDef

REDUCE_RETRACING: tuple[tuple[str, str], ...] = (("reduce_retracing", "True"),)
"""The arguments every CONFIGURE change in these tests sets."""

# ---------------------------------------------------------------------------------------------
# Reading modules the way the analysis does


def split_lines(source: str) -> list[str]:
    """Lines with their endings, split where ``ast`` and LibCST count a new line.

    ``str.splitlines`` also splits at form feeds and other separators that Python does not treat
    as line ends, which would misnumber hypothesmith's programs.
    """
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", source)


def parse(source: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return ast.parse(source)


def compiles(source: str) -> bool:
    """Whether CPython would run the module; stricter than ``ast.parse`` (``__future__`` order)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            compile(source, "<generated>", "exec", dont_inherit=True)
    except SyntaxError:
        return False
    return True


def parses(source: str) -> bool:
    try:
        parse(source)
        libcst.parse_module(source)
    except (SyntaxError, ValueError, libcst.ParserSyntaxError):
        return False
    return True


def rewritable(source: str) -> bool:
    """Whether ``ast`` and LibCST accept the source and LibCST prints it back byte for byte (for
    the few whitespace shapes it does not, the rewriter may refuse to edit)."""
    try:
        parse(source)
        return libcst.parse_module(source).code == source
    except (SyntaxError, ValueError, libcst.ParserSyntaxError):
        return False


TENSORFLOW_MODULE = "tensorflow"
TENSORFLOW_FUNCTION = "tensorflow.function"
OTHER = "other"


@attrs.frozen
class Binding:
    """What a name means in one scope: the ``tensorflow`` module, ``tensorflow.function``,
    another name of TensorFlow (``tensorflow.TensorSpec``), or anything else (a name bound
    twice in different ways counts as anything else)."""

    kind: str
    lines: tuple[int, ...] = ()
    """Lines of the imports that bind the name to TensorFlow."""
    local: bool = False
    """Bound in a function or class body rather than at module level."""


Context: TypeAlias = Mapping[str, Binding]


def _import_bindings(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """``(name, kind)`` for every name an import statement binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname is None:
                root = alias.name.split(".")[0]
                yield root, TENSORFLOW_MODULE if root == "tensorflow" else OTHER
            else:
                yield alias.asname, TENSORFLOW_MODULE if alias.name == "tensorflow" else OTHER
        return
    tensorflow = node.level == 0 and node.module == "tensorflow"
    for alias in node.names:
        if alias.name == "*":
            if tensorflow:
                yield "function", TENSORFLOW_FUNCTION
        elif tensorflow and alias.name == "function":
            yield alias.asname or alias.name, TENSORFLOW_FUNCTION
        elif tensorflow:
            yield alias.asname or alias.name, f"{TENSORFLOW_MODULE}.{alias.name}"
        else:
            yield alias.asname or alias.name, OTHER


def scope_bindings(scope: ast.Module | FunctionNode | ast.ClassDef) -> dict[str, Binding]:
    """The names a module, function or class body binds, flow-insensitively (as LibCST's scope
    analysis sees them): parameters, assignments, imports, nested ``def`` and ``class``."""
    kinds: dict[str, set[str]] = {}
    import_lines: dict[str, list[int]] = {}
    declared_global: set[str] = set()

    def bind(name: str, kind: str, line: int = 0) -> None:
        kinds.setdefault(name, set()).add(kind)
        if kind != OTHER:
            import_lines.setdefault(name, []).append(line)

    if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
        arguments = scope.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
        for argument in every:
            bind(argument.arg, OTHER)
    pending: list[ast.AST] = list(scope.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bind(node.name, OTHER)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(node, ast.GeneratorExp):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)  # the body never runs: it binds nothing
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            bind(node.id, OTHER)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for name, kind in _import_bindings(node):
                bind(name, kind, node.lineno)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bind(node.name, OTHER)
        elif isinstance(node, ast.Global):
            declared_global.update(node.names)
        pending.extend(ast.iter_child_nodes(node))
    local = not isinstance(scope, ast.Module)
    return {
        name: Binding(
            kind=next(iter(found)) if len(found) == 1 else OTHER,
            lines=tuple(sorted(import_lines.get(name, ()))),
            local=local,
        )
        for name, found in kinds.items()
        if name not in declared_global
    }


def decorates(decorator: ast.expr, context: Context) -> bool:
    """Whether ``decorator`` is ``tf.function`` (called or not) where names mean ``context``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute) and target.attr == "function":
        if not isinstance(target.value, ast.Name):
            return False
        binding = context.get(target.value.id)
        return binding is not None and binding.kind == TENSORFLOW_MODULE
    if isinstance(target, ast.Name):
        binding = context.get(target.id)
        return binding is not None and binding.kind == TENSORFLOW_FUNCTION
    return False


def _module_level(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes that run when the module is imported: not inside functions, classes or lambdas."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        yield child
        yield from _module_level(child)


def imports_tensorflow(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and node.module == "tensorflow"
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "tensorflow" for alias in node.names)
    return False


def tensorflow_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Module-level TensorFlow imports, in source order."""
    found = [node for node in _module_level(tree) if imports_tensorflow(node)]
    return sorted(
        (node for node in found if isinstance(node, ast.Import | ast.ImportFrom)),
        key=lambda node: (node.lineno, node.col_offset),
    )


@attrs.frozen
class FunctionSite:
    """One function as the analysis reports it, plus where its decorators are."""

    qualname: str
    line: int
    decorator_lines: frozenset[int]
    hybrid: bool


@attrs.frozen(eq=False)
class FoundFunction:
    qualname: str
    node: FunctionNode
    context: Context
    """What names mean where the ``def`` runs: module names, overridden by those of enclosing
    functions, overridden by those of the class body the ``def`` sits in."""

    def tensorflow_decorators(self) -> list[ast.expr]:
        return [d for d in self.node.decorator_list if decorates(d, self.context)]


def function_nodes(tree: ast.Module) -> list[FoundFunction]:
    """Every function with its qualname (enclosing functions and classes joined by "."), in
    source order."""
    found: list[FoundFunction] = []

    def visit(node: ast.AST, prefix: str, outer: Context, in_class: Context) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                qualname = f"{prefix}.{child.name}" if prefix else child.name
                found.append(FoundFunction(qualname, child, {**outer, **in_class}))
                visit(child, qualname, {**outer, **scope_bindings(child)}, {})
            elif isinstance(child, ast.ClassDef):
                qualname = f"{prefix}.{child.name}" if prefix else child.name
                visit(child, qualname, outer, scope_bindings(child))
            else:
                visit(child, prefix, outer, in_class)

    visit(tree, "", scope_bindings(tree), {})
    return found


def decorator_start(node: FunctionNode | ast.ClassDef, lines: Sequence[str]) -> int:
    """First line of the decorator block: the line of the first ``@`` (which may sit above its
    expression after a backslash continuation), or the ``def`` line when there is none."""
    if not node.decorator_list:
        return node.lineno
    start = min(decorator.lineno for decorator in node.decorator_list)
    probe = start
    while probe > 1 and "@" not in lines[probe - 1]:
        probe -= 1
    return probe if "@" in lines[probe - 1] else start


def collect_functions(source: str) -> list[FunctionSite]:
    tree = parse(source)
    lines = split_lines(source)
    return [
        FunctionSite(
            qualname=found.qualname,
            line=found.node.lineno,
            decorator_lines=frozenset(range(decorator_start(found.node, lines), found.node.lineno)),
            hybrid=bool(found.tensorflow_decorators()),
        )
        for found in function_nodes(tree)
    ]


def force(
    source: str, action: ChangeAction, sites: Sequence[FunctionSite] | None = None
) -> list[Change]:
    """The change ``action`` on every function (or on ``sites``), as a forced ``fix`` would ask."""
    chosen = collect_functions(source) if sites is None else sites
    return [Change(site.qualname, site.line, action, _arguments(action)) for site in chosen]


def _arguments(action: ChangeAction) -> tuple[tuple[str, str], ...]:
    return REDUCE_RETRACING if action is ChangeAction.CONFIGURE else ()


def applicable(site: FunctionSite, action: ChangeAction) -> bool:
    return site.hybrid if action is not ChangeAction.ADD else not site.hybrid


# ---------------------------------------------------------------------------------------------
# The properties, as reusable checks


def assert_identity(source: str, changes: Sequence[Change]) -> None:
    result = rewrite_source(source, changes)
    assert result.source == source
    assert not result.changed
    assert not any(outcome.applied for outcome in result.outcomes), result.outcomes


def _tensorflow_import_lines(source: str) -> set[int]:
    """Lines of TensorFlow imports anywhere (a removal may drop a function-local one)."""
    return {
        line
        for node in ast.walk(parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom) and imports_tensorflow(node)
        for line in _lines_of(node)
    }


def _lines_of(node: ast.stmt) -> range:
    return range(node.lineno, (node.end_lineno or node.lineno) + 1)


def _import_shape(node: ast.Import | ast.ImportFrom) -> tuple[str, frozenset[tuple[str, str]]]:
    module = f"from {'.' * node.level}{node.module}" if isinstance(node, ast.ImportFrom) else ""
    return module, frozenset((alias.name, alias.asname or "") for alias in node.names)


def _narrowed_import_lines(before: str, after: str) -> set[int]:
    """Lines of imports in ``after`` that could be a TensorFlow import of ``before`` with some
    names dropped (``import numpy as np, tensorflow as tf`` losing its TensorFlow half)."""
    old = [
        _import_shape(node)
        for node in ast.walk(parse(before))
        if isinstance(node, ast.Import | ast.ImportFrom) and imports_tensorflow(node)
    ]
    narrowed: set[int] = set()
    for node in ast.walk(parse(after)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            module, names = _import_shape(node)
            if any(module == old_module and names < old_names for old_module, old_names in old):
                narrowed.update(_lines_of(node))
    return narrowed


def _same_apart_from_extras(kept: Sequence[str], now: Sequence[tuple[str, bool]]) -> bool:
    """Whether ``now`` is ``kept`` with some extra lines inserted, each marked as allowed."""
    position = 0
    for line, extra in now:
        if position < len(kept) and line == kept[position]:
            position += 1
        elif not extra:
            return False
    return position == len(kept)


def _kept(number: int, line: str, allowed: set[int]) -> bool:
    return number not in allowed or not line.strip() or line.lstrip().startswith("#")


def assert_local_edit(before: str, result: Rewrite) -> None:
    """Property d: lines differ only in edited functions' decorators and TensorFlow imports.

    Functions are matched by position in source order (the rewriter neither adds nor removes
    functions), so their decorator blocks can be located on both sides. With those blocks and
    the TensorFlow import lines taken out of both texts, what remains must be the same lines in
    the same order. (Comparing what remains, rather than reading a line diff, does not depend
    on how a diff aligns repeated lines such as a lone ``)``.) Full-line comments and blank
    lines are never taken out: one between decorators must survive, if need be above the
    ``def`` or the first remaining decorator. The result
    may also have gained a narrowed import (``import numpy as np, tensorflow as tf`` that lost its
    TensorFlow half).
    """
    after = result.source
    old_sites, new_sites = collect_functions(before), collect_functions(after)
    assert [s.qualname for s in old_sites] == [s.qualname for s in new_sites]
    applied = {(o.change.qualname, o.change.line) for o in result.outcomes if o.applied}
    edited = [i for i, site in enumerate(old_sites) if (site.qualname, site.line) in applied]
    allowed_old = _tensorflow_import_lines(before).union(
        *(old_sites[i].decorator_lines for i in edited)
    )
    allowed_new = _tensorflow_import_lines(after).union(
        *(new_sites[i].decorator_lines for i in edited)
    )
    narrowed = _narrowed_import_lines(before, after)
    old_lines, new_lines = split_lines(before), split_lines(after)
    kept_old = [line for n, line in enumerate(old_lines, 1) if _kept(n, line, allowed_old)]
    kept_new = [line for n, line in enumerate(new_lines, 1) if _kept(n, line, allowed_new)]
    marked = [
        (line, n in narrowed) for n, line in enumerate(new_lines, 1) if _kept(n, line, allowed_new)
    ]
    assert _same_apart_from_extras(kept_old, marked), (
        "edit outside decorators and TensorFlow imports:\n"
        + "".join(difflib.unified_diff(kept_old, kept_new, "kept before", "kept after"))
        + "whole diff:\n"
        + "".join(difflib.unified_diff(old_lines, new_lines))
    )


def assert_forced(source: str, action: ChangeAction) -> Rewrite:
    """Property c (and d): a forced fix compiles, applies what applies, and is a fixpoint."""
    sites = collect_functions(source)
    changes = force(source, action, sites)
    result = rewrite_source(source, changes)
    parse(result.source)
    if compiles(source):
        assert compiles(result.source), result.source
    expected = {(s.qualname, s.line) for s in sites if applicable(s, action)}
    applied = {(o.change.qualname, o.change.line) for o in result.outcomes if o.applied}
    if action is ChangeAction.CONFIGURE:
        assert applied <= expected
    else:
        assert applied == expected, [o for o in result.outcomes if not o.applied]
    assert result.changed == (result.source != source)
    assert_local_edit(source, result)

    again = rewrite_source(result.source, force(result.source, action))
    assert again.source == result.source, "".join(
        difflib.unified_diff(split_lines(result.source), split_lines(again.source))
    )
    assert not again.changed
    assert not any(outcome.applied for outcome in again.outcomes), again.outcomes
    return result


def assert_round_trip(source: str) -> None:
    """Property e: ADD on every function, then REMOVE on every function, gives the input back."""
    added = rewrite_source(source, force(source, ChangeAction.ADD))
    assert all(outcome.applied for outcome in added.outcomes), added.outcomes
    removed = rewrite_source(added.source, force(added.source, ChangeAction.REMOVE))
    assert removed.source == source, "".join(
        difflib.unified_diff(split_lines(source), split_lines(removed.source))
    )


def inapplicable_changes(source: str) -> list[Change]:
    """Changes that must all be refused: they target the wrong kind of function or no function."""
    changes = [
        Change(site.qualname, site.line, action, _arguments(action))
        for site in collect_functions(source)
        for action in ChangeAction
        if not applicable(site, action)
    ]
    changes += [Change("no_such_function", 1, action) for action in ChangeAction]
    changes += [Change("no.such.method", 2, ChangeAction.ADD)]
    return changes


# ---------------------------------------------------------------------------------------------
# Meaning of the result (TensorFlow-like modules)


def _top_level_start(tree: ast.Module, node: FunctionNode, lines: Sequence[str]) -> int:
    """The first line of the module-level statement whose execution runs ``node``'s decorators."""
    for statement in tree.body:
        end = statement.end_lineno or statement.lineno
        if statement.lineno <= node.lineno <= end:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                return decorator_start(statement, lines)
            return statement.lineno
    raise AssertionError(f"{node.name} is in no module-level statement")


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Module-level TensorFlow imports that run at import time (not under ``TYPE_CHECKING``)."""
    skipped: set[int] = set()
    for node in _module_level(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return [node for node in tensorflow_imports(tree) if id(node) not in skipped]


def _decorator_roots(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    while isinstance(target, ast.Attribute):
        target = target.value
    assert isinstance(target, ast.Name)
    return target.id


def _bound_names(node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.ImportFrom) and node.names[0].name == "*":
        return {"function"}
    return {(alias.asname or alias.name).split(".")[0] for alias in node.names}


def assert_meaning(before: str, result: Rewrite, action: ChangeAction) -> None:
    """The result means what the action says (see the module docstring)."""
    tree = parse(result.source)
    lines = split_lines(result.source)
    old_tree = parse(before)
    old_functions = function_nodes(old_tree)
    for index, found in enumerate(function_nodes(tree)):
        qualname, node = found.qualname, found.node
        decorators = found.tensorflow_decorators()
        old_decorators = old_functions[index].tensorflow_decorators()
        if action is ChangeAction.ADD:
            assert len(decorators) == 1, f"{qualname}: {[ast.unparse(d) for d in decorators]}"
            if not old_decorators:
                spelled = [ast.unparse(d) for d in node.decorator_list]
                assert node.decorator_list[-1] is decorators[0], f"{qualname}: {spelled}"
            _assert_bound_before(tree, found, decorators[0], lines)
        elif action is ChangeAction.REMOVE:
            assert not decorators, f"{qualname} kept {[ast.unparse(d) for d in decorators]}"
        else:
            assert len(decorators) == len(old_decorators)
            for new_decorator, old_decorator in zip(decorators, old_decorators, strict=True):
                assert isinstance(new_decorator, ast.Call), ast.unparse(new_decorator)
                keywords = {k.arg: ast.unparse(k.value) for k in new_decorator.keywords}
                assert keywords.get("reduce_retracing") == "True", ast.unparse(new_decorator)
                if isinstance(old_decorator, ast.Call):
                    kept = {k.arg: ast.unparse(k.value) for k in old_decorator.keywords}
                    kept.pop("reduce_retracing", None)
                    assert kept.items() <= keywords.items(), ast.unparse(new_decorator)
    imports, old_imports = tensorflow_imports(tree), tensorflow_imports(old_tree)
    if action is ChangeAction.ADD and result.changed:
        added = [ast.unparse(statement) for statement in imports]
        for statement in old_imports:
            added.remove(ast.unparse(statement))
        assert set(added) <= {"import tensorflow as tf", "import tensorflow"}, added
        spell_without_import = all(
            any(
                binding.kind in (TENSORFLOW_MODULE, TENSORFLOW_FUNCTION)
                for binding in found.context.values()
            )
            for found in old_functions
            if not found.tensorflow_decorators()
        )
        assert bool(added) != spell_without_import, added
    if action is ChangeAction.REMOVE:
        # read anywhere now (a function's own ``tf`` may hide a use LibCST still counts), but
        # used before only if a read resolved to the module's name
        used = _used_names(tree)
        used_before = _used_names(old_tree, before)
        for imported in _runtime_imports(tree):  # one for type checkers may fill a block
            if isinstance(imported, ast.ImportFrom) and imported.names[0].name == "*":
                continue
            bound = _bound_names(imported)
            assert bound & used or not bound & used_before, f"left {ast.unparse(imported)}"


def _used_names(tree: ast.Module, source: str | None = None) -> set[str]:
    """Names read anywhere, and names ``__all__`` exports (an exported import is used). With
    ``source``, only reads of module-level names: the compiler's symbol tables resolve them, so
    a read of a function's own ``tf`` is not a use of the module's (where the tables cannot be
    built, every name read counts)."""
    used = _global_reads(source) if source is not None else None
    if used is None:
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            used.update(
                item.value
                for item in ast.walk(node.value)
                if isinstance(item, ast.Constant) and isinstance(item.value, str)
            )
    return used


def _global_reads(source: str) -> set[str] | None:
    """Names read at module level or, as globals, from any function or class body."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            top = symtable.symtable(source, "<generated>", "exec")
    except (SyntaxError, ValueError):
        return None
    names = {symbol.get_name() for symbol in top.get_symbols() if symbol.is_referenced()}
    pending = list(top.get_children())
    while pending:
        table = pending.pop()
        names.update(
            symbol.get_name()
            for symbol in table.get_symbols()
            if symbol.is_referenced() and symbol.is_global()
        )
        pending.extend(table.get_children())
    return names


def _assert_bound_before(
    tree: ast.Module, found: FoundFunction, decorator: ast.expr, lines: Sequence[str]
) -> None:
    """The decorator's name is bound by an import that has run when the decorator runs: a
    module-level import before the module-level statement holding the function (and not under
    ``TYPE_CHECKING``), or an import in an enclosing function before the ``def``."""
    root = _decorator_roots(decorator)
    binding = found.context[root]
    if binding.local:
        start = decorator_start(found.node, lines)
        assert binding.lines and binding.lines[0] < start, f"{found.qualname}: {root!r} unbound"
        return
    start = _top_level_start(tree, found.node, lines)
    assert any(
        imported.lineno < start and root in _bound_names(imported)
        for imported in _runtime_imports(tree)
    ), f"{found.qualname}: {root!r} is not imported before line {start}"


# ---------------------------------------------------------------------------------------------
# TensorFlow-like modules

TENSORFLOW_IMPORTS: dict[str, tuple[str, str]] = {
    "alias": ("import tensorflow as tf", "tf.function"),
    "plain": ("import tensorflow", "tensorflow.function"),
    "from": ("from tensorflow import function", "function"),
    "from-as": ("from tensorflow import function as tf_function", "tf_function"),
    "star": ("from tensorflow import *", "function"),
    "combined": ("import numpy as np, tensorflow as tf", "tf.function"),
    "from-several": ("from tensorflow import constant, function", "function"),
}
"""Import shape → (import line, the spelling of ``tf.function`` it makes reachable)."""

UNRELATED_IMPORTS = (
    "import os",
    "import numpy as np",
    "from typing import Any",
    "import functools",
    "from collections.abc import Callable, Sequence",
    "import os.path as osp",
)
FUNCTION_NAMES = ("f", "g", "step", "call", "build", "train_step", "_helper", "__call__")
CLASS_NAMES = ("Model", "Dense", "Trainer")
USER_DECORATORS = ("@my_decorator", "@functools.lru_cache(maxsize=None)", "@registry.register('x')")
BUILTIN_DECORATORS = ("@staticmethod", "@classmethod", "@property")
TF_ARGUMENTS = (
    "",
    "()",
    "(jit_compile=True)",
    "(reduce_retracing=True)",
    "(input_signature=None, autograph=False)",
    "MULTILINE",
)
GUARDED_IMPORTS = ("", "", "try", "type-checking", "type-checking-tensorflow")
"""Imports under ``try`` or ``if TYPE_CHECKING`` (numpy, or TensorFlow only for type checkers,
which no decorator may be spelled with)."""
CLASS_ATTRIBUTES = ("units = 3", "units = 3", "function = None", "tf = None")
"""A class attribute named like TensorFlow shadows it for the decorators of later methods."""
COMMENTS = ("# a comment", "#", "# TODO: tf.function here?", "# @tf.function")


@attrs.frozen
class Style:
    """What stays the same across one module: indentation, the TensorFlow it can reach."""

    unit: str
    spellings: tuple[str, ...]
    tensor_prefix: str | None
    local_imports: bool
    """Whether function bodies may import TensorFlow themselves (as test code often does)."""


@st.composite
def _tf_decorator(draw: st.DrawFn, style: Style, indent: str) -> list[str]:
    spelling = draw(st.sampled_from(style.spellings))
    arguments = draw(st.sampled_from(TF_ARGUMENTS))
    if arguments == "MULTILINE":
        return [f"{indent}@{spelling}(", f"{indent}{style.unit}jit_compile=True,", f"{indent})"]
    comment = draw(st.sampled_from(("", "  # traced")))
    return [f"{indent}@{spelling}{arguments}{comment}"]


@st.composite
def _statements(draw: st.DrawFn, style: Style, indent: str) -> list[str]:
    pool = [
        [f"{indent}y = x + 1"],
        [f"{indent}print(x)"],
        [f"{indent}pass"],
        [f"{indent}{draw(st.sampled_from(COMMENTS))}"],
        [""],
        [f"{indent}total = (", f"{indent}{style.unit}x +", f"{indent}{style.unit}1", f"{indent})"],
        [f"{indent}if x:", f"{indent}{style.unit}x = -x"],
    ]
    if style.tensor_prefix is not None:
        pool.append([f"{indent}x = {style.tensor_prefix}constant(x)"])
    chosen = draw(st.lists(st.sampled_from(range(len(pool))), max_size=3))
    return [line for index in chosen for line in pool[index]]


@st.composite
def _function(draw: st.DrawFn, style: Style, indent: str, depth: int, in_class: bool) -> list[str]:
    lines: list[str] = []
    if draw(st.integers(0, 3)) == 0:
        lines.append(f"{indent}{draw(st.sampled_from(COMMENTS))}")
    blocks: list[list[str]] = [
        [f"{indent}{decorator}"]
        for decorator in draw(st.lists(st.sampled_from(USER_DECORATORS), max_size=2))
    ]
    hybrid: bool = draw(st.booleans())
    if hybrid and style.spellings:
        blocks.append(draw(_tf_decorator(style, indent)))
    blocks = list(draw(st.permutations(blocks)))
    builtin = draw(st.sampled_from(("", *BUILTIN_DECORATORS))) if in_class else ""
    if builtin:
        blocks.insert(0, [f"{indent}{builtin}"])
    for block in blocks:
        lines.extend(block)
        lines += draw(st.sampled_from(([], [], [], [], [f"{indent}# between decorators"], [""])))
    name = draw(st.sampled_from(FUNCTION_NAMES))
    parameters = "self, x" if in_class and builtin != "@staticmethod" else "x"
    shadowing = draw(st.sampled_from(("", "", "", "", ", tf=None", ", function=None")))
    parameters += shadowing
    keyword = draw(st.sampled_from(("def", "def", "def", "async def")))
    annotation = draw(st.sampled_from(("", " -> Any")))
    header = f"{indent}{keyword} {name}({parameters}){annotation}:"
    if draw(st.integers(0, 4)) == 0:
        return [*lines, f"{header} return x"]
    lines.append(header)
    inner = indent + style.unit
    if draw(st.booleans()):
        lines.append(f'{inner}"""Why this function exists."""')
    lines.extend(draw(_statements(style, inner)))
    if depth < 2 and draw(st.integers(0, 2)) == 0:
        nested = style
        if style.local_imports and not shadowing and draw(st.booleans()):
            # not with a parameter of the same name: a name bound twice in one scope is
            # ambiguous without flow analysis
            lines.append(f"{inner}import tensorflow as tf")
            nested = attrs.evolve(style, spellings=(*style.spellings, "tf.function"))
        lines.extend(draw(_function(nested, inner, depth + 1, in_class=False)))
    lines.append(f"{inner}return x")
    return lines


@st.composite
def _class(draw: st.DrawFn, style: Style, indent: str, depth: int) -> list[str]:
    bases = ["", "(object)"]
    if style.tensor_prefix is not None:
        bases.append(f"({style.tensor_prefix}Module)")
    lines = [f"{indent}class {draw(st.sampled_from(CLASS_NAMES))}{draw(st.sampled_from(bases))}:"]
    inner = indent + style.unit
    if draw(st.booleans()):
        lines.append(f'{inner}"""A class."""')
    lines += [f"{inner}{line}" for line in draw(st.sets(st.sampled_from(CLASS_ATTRIBUTES)))]
    members = draw(st.integers(1, 3))
    for _ in range(members):
        lines.extend([""] * draw(st.integers(0, 1)))
        lines.extend(draw(_function(style, inner, depth + 1, in_class=True)))
    if depth < 1 and draw(st.integers(0, 3)) == 0:
        lines.extend(draw(_class(style, inner, depth + 1)))
    return lines


@st.composite
def _conditional_definition(draw: st.DrawFn, style: Style) -> list[str]:
    """One function defined in both branches of an ``if``: same qualname, different lines."""
    lines = ["if CONSTANT:"]
    lines += draw(_function(style, style.unit, 0, in_class=False))
    lines.append("else:")
    lines += draw(_function(style, style.unit, 0, in_class=False))
    return lines


@st.composite
def tf_modules(draw: st.DrawFn, with_tensorflow: bool = True) -> str:
    """A module in one of the shapes real TensorFlow code has (see the module docstring)."""
    shapes = (
        draw(st.lists(st.sampled_from(sorted(TENSORFLOW_IMPORTS)), unique=True, max_size=3))
        if with_tensorflow
        else []
    )
    prefix = "tensorflow." if "plain" in shapes else None
    prefix = "tf." if {"alias", "combined"}.intersection(shapes) else prefix
    style = Style(
        unit=draw(st.sampled_from(("    ", "  ", "\t"))),
        spellings=tuple(TENSORFLOW_IMPORTS[shape][1] for shape in shapes),
        tensor_prefix=prefix,
        local_imports=with_tensorflow,
    )
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append("#!/usr/bin/env python")
    if draw(st.booleans()):
        lines += draw(st.sampled_from((['"""Module docstring."""'], ['"""Module.', "", '"""'])))
    if draw(st.booleans()):
        lines.append("from __future__ import annotations")
    lines.extend([""] * draw(st.integers(0, 1)))
    imports = [TENSORFLOW_IMPORTS[shape][0] for shape in shapes]
    imports += draw(st.lists(st.sampled_from(UNRELATED_IMPORTS), unique=True, max_size=3))
    for line in draw(st.permutations(imports)):
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(("", "# imports"))))
        lines.append(line)
    guarded = draw(st.sampled_from(GUARDED_IMPORTS))
    if guarded == "try":
        lines += [
            "try:",
            f"{style.unit}import yaml",
            "except ImportError:",
            f"{style.unit}yaml = None",
        ]
    elif guarded.startswith("type-checking"):
        module = "tensorflow as tf" if guarded.endswith("tensorflow") else "numpy"
        lines += [
            "from typing import TYPE_CHECKING",
            "if TYPE_CHECKING:",
            f"{style.unit}import {module}",
        ]
    if draw(st.integers(0, 5)) == 0:
        bound = {"alias": "tf", "combined": "tf", "from": "function", "from-several": "function"}
        exported = ["f", *sorted({bound[shape] for shape in shapes if shape in bound})]
        lines.append(f"__all__ = {draw(st.lists(st.sampled_from(exported), unique=True))!r}")
    items = draw(
        st.lists(
            st.one_of(
                _function(style, "", 0, in_class=False),
                _class(style, "", 0),
                st.sampled_from(
                    (
                        ["CONSTANT = 3"],
                        ["# a section comment"],
                        ['if __name__ == "__main__":', f"{style.unit}f(1)"],
                    )
                ),
                _conditional_definition(style),
            ),
            min_size=1,
            max_size=4,
        )
    )
    if draw(st.integers(0, 5)) == 0:
        items.insert(draw(st.integers(1, len(items))), ["import sys"])
    for item in items:
        lines.extend([""] * draw(st.integers(0, 2)))
        lines.extend(item)
    newline = draw(st.sampled_from(("\n", "\n", "\n", "\r\n", "\r")))
    final = newline if draw(st.integers(0, 5)) else ""
    return newline.join(lines) + final


# ---------------------------------------------------------------------------------------------
# hypothesmith programs


def _indent(source: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in split_lines(source))


@st.composite
def hypothesmith_modules(draw: st.DrawFn) -> str:
    """Arbitrary statements (``from_grammar``) around arbitrary functions (``from_node``), the
    functions placed at top level, as methods and as nested functions."""
    functions = hypothesmith.from_node(libcst.FunctionDef, auto_target=False)
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        placement = draw(st.sampled_from(("top", "top", "method", "nested", "filler")))
        if placement == "filler":
            parts.append(draw(hypothesmith.from_grammar(auto_target=False)))
            continue
        function = draw(functions)
        if placement == "method":
            function = "class Holder:\n" + _indent(function, "    ")
        elif placement == "nested":
            function = "def outer():\n" + _indent(function, "    ") + "    return None\n"
        parts.append(function)
    source = "".join(part if part.endswith(("\n", "\r")) else part + "\n" for part in parts)
    assume(parses(source) and names_as_written(source))
    return source


def names_as_written(source: str) -> bool:
    """Whether every function and class name is spelled in the source as ``ast`` reports it.

    Python normalises identifiers to NFKC (``def ｆ`` defines ``f``); such names are left to
    ``test_names_are_matched_as_python_normalises_them`` so one known gap does not hide others.
    """
    lines = split_lines(source)
    return all(
        node.name in lines[node.lineno - 1]
        for node in ast.walk(parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    )


# ---------------------------------------------------------------------------------------------
# Tests

SCALE = float(os.environ.get("HYBRIDIZE_PROPERTY_SCALE", "1"))
"""Multiplies every example count, for a thorough run (``HYBRIDIZE_PROPERTY_SCALE=20``)."""

TF_SETTINGS = settings(max_examples=int(40 * SCALE), deadline=None)
HYPOTHESMITH_SETTINGS = settings(
    max_examples=int(12 * SCALE),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
"""At scale 1 the file takes about 40 s on two cores: one rewrite takes ~40 ms, and drawing
a hypothesmith function takes longer than rewriting it."""


def assert_no_changes_is_identity(source: str) -> None:
    result = rewrite_source(source, [])
    assert result.source == source
    assert not result.changed
    assert result.outcomes == ()


@TF_SETTINGS
@given(tf_modules())
def test_tf_no_changes_and_inapplicable_changes_are_identity(source: str) -> None:
    assert_no_changes_is_identity(source)
    assert_identity(source, inapplicable_changes(source))


@pytest.mark.parametrize("action", list(ChangeAction), ids=lambda action: action.name)
@TF_SETTINGS
@given(source=tf_modules())
def test_tf_forced_fix_compiles_is_local_idempotent_and_meant(
    source: str, action: ChangeAction
) -> None:
    result = assert_forced(source, action)
    assert_meaning(source, result, action)


@TF_SETTINGS
@given(tf_modules(with_tensorflow=False))
def test_tf_add_then_remove_round_trips(source: str) -> None:
    assert_round_trip(source)


@pytest.mark.parametrize("action", list(ChangeAction), ids=lambda action: action.name)
@TF_SETTINGS
@given(source=tf_modules(), data=st.data())
def test_tf_reduced_rewrite_equals_full_rewrite(
    source: str, action: ChangeAction, data: st.DataObject
) -> None:
    """``fix`` rewrites large modules through ``reduce.rewrite_module``, which elides untouched
    top-level statements before LibCST sees the module; that must change nothing in the result.
    The size threshold is lowered so the small generated modules take that path, and the
    changes go to a random subset of the functions so that there is something to elide."""
    assert_reduction_is_invisible(source, action, data)


def assert_reduction_is_invisible(source: str, action: ChangeAction, data: st.DataObject) -> None:
    sites = collect_functions(source)
    indices = st.lists(st.sampled_from(range(len(sites))), min_size=1, unique=True)
    chosen = data.draw(indices) if sites else []
    changes = force(source, action, [sites[index] for index in sorted(chosen)])
    try:
        full = rewrite_source(source, changes)
    except RewriteError:
        with pytest.raises(RewriteError), mock.patch.object(reduction, "MIN_REDUCED_SIZE", 0):
            reduction.rewrite_module(source, changes)
        return
    with mock.patch.object(reduction, "MIN_REDUCED_SIZE", 0):
        reduced = reduction.rewrite_module(source, changes)
    assert reduced.source == full.source, "".join(
        difflib.unified_diff(split_lines(full.source), split_lines(reduced.source))
    )
    assert reduced.outcomes == full.outcomes


SIGNATURE = "[tf.TensorSpec(shape=[None], dtype=tf.float32)]"
"""An argument naming TensorFlow, spelled the canonical way (``tf.``) as changes spell it."""


@TF_SETTINGS
@given(tf_modules())
def test_tf_configure_spells_tensorflow_in_arguments_as_the_module_does(source: str) -> None:
    """A new ``input_signature`` names ``TensorSpec`` and ``float32``; the rewriter re-spells
    the canonical ``tf.`` the way each decorator can reach TensorFlow (hazards §D), importing
    it when nothing reaches. The result must compile, stay local, be a fixpoint, and name
    exactly the canonical signature through names bound to TensorFlow before they are used."""
    arguments = (("input_signature", SIGNATURE),)
    sites = collect_functions(source)
    changes = [Change(s.qualname, s.line, ChangeAction.CONFIGURE, arguments) for s in sites]
    result = rewrite_source(source, changes)
    assert compiles(result.source), result.source
    assert_local_edit(source, result)
    again_changes = [
        Change(s.qualname, s.line, ChangeAction.CONFIGURE, arguments)
        for s in collect_functions(result.source)
    ]
    assert rewrite_source(result.source, again_changes).source == result.source
    tree = parse(result.source)
    lines = split_lines(result.source)
    canonical = ast.unparse(ast.parse(SIGNATURE, mode="eval"))
    for site, found in zip(sites, function_nodes(tree), strict=True):
        if not site.hybrid:
            continue
        for decorator in found.tensorflow_decorators():
            assert isinstance(decorator, ast.Call), ast.unparse(decorator)
            values = [k.value for k in decorator.keywords if k.arg == "input_signature"]
            assert len(values) == 1, ast.unparse(decorator)
            spelled = _canonical_tensorflow(values[0], found, tree, lines)
            assert spelled == canonical, f"{found.qualname}: {ast.unparse(values[0])}"


def _canonical_tensorflow(
    value: ast.expr, found: FoundFunction, tree: ast.Module, lines: Sequence[str]
) -> str:
    """``value`` with every way of reaching a TensorFlow name rewritten to ``tf.NAME``, after
    checking that the name is bound to TensorFlow before the decorator runs."""
    star = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "tensorflow"
        and node.names[0].name == "*"
        for node in _runtime_imports(tree)
    )

    class Canonical(ast.NodeTransformer):
        def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
            if isinstance(node.value, ast.Name):
                binding = found.context.get(node.value.id)
                if binding is not None and binding.kind == TENSORFLOW_MODULE:
                    _assert_bound_before(tree, found, node, lines)
                    return ast.Attribute(ast.Name("tf", ast.Load()), node.attr, ast.Load())
            return self.generic_visit(node)

        def visit_Name(self, node: ast.Name) -> ast.AST:
            binding = found.context.get(node.id)
            if binding is not None and binding.kind.startswith(f"{TENSORFLOW_MODULE}."):
                _assert_bound_before(tree, found, node, lines)
                attribute = binding.kind[len(TENSORFLOW_MODULE) + 1 :]
                return ast.Attribute(ast.Name("tf", ast.Load()), attribute, ast.Load())
            if node.id in {"TensorSpec", "float32"} and node.id not in found.context and star:
                return ast.Attribute(ast.Name("tf", ast.Load()), node.id, ast.Load())
            return node

    return ast.unparse(Canonical().visit(ast.parse(ast.unparse(value), mode="eval")))


SIGNATURES = (
    SIGNATURE,
    "[[tf.TensorSpec(shape=(None, 784), dtype=tf.float32)],"
    " (tf.TensorSpec(shape=(), dtype=tf.int32),)]",
    "(tf.RaggedTensorSpec(shape=[None, None], dtype=tf.int64), tf.SparseTensorSpec(shape=[4, 4]))",
    "[tf.TensorSpec(shape=[None], dtype=tf.dtypes.int32)]",
)
"""Signatures a change may carry: nested, ragged, sparse, a dotted dtype."""

EXTRA_FROM_NAMES = ("constant", "TensorSpec", "TensorSpec as Spec", "float32", "dtypes")
FROM_LAYOUTS = ("one-line", "parenthesised", "backslash", "lines", "hanging")


@st.composite
def _from_import(draw: st.DrawFn, unit: str) -> tuple[list[str], str]:
    """A ``from tensorflow import function, ...`` statement in one of the layouts people use."""
    names = ["function", *draw(st.lists(st.sampled_from(EXTRA_FROM_NAMES), unique=True))]
    names = draw(st.permutations(names))
    layout = draw(st.sampled_from(FROM_LAYOUTS))
    comma = draw(st.sampled_from(("", ",")))
    head = "from tensorflow import "
    if layout == "one-line" or (layout in ("backslash", "hanging") and len(names) < 2):
        return [head + ", ".join(names)], layout
    if layout == "parenthesised":
        return [f"{head}({', '.join(names)}{comma})"], layout
    if layout == "backslash":
        continued = [f"{unit}{name}, \\" for name in names[1:-1]] + [f"{unit}{names[-1]}"]
        return [f"{head}{names[0]}, \\", *continued], layout
    if layout == "hanging":
        align = " " * len(head + "(")
        rest = [f"{align}{name}," for name in names[1:-1]] + [f"{align}{names[-1]}{comma})"]
        return [f"{head}({names[0]},", *rest], layout
    comment = draw(st.sampled_from(("", "  # the last one")))
    body = [f"{unit}{name}," for name in names[:-1]] + [f"{unit}{names[-1]}{comma}{comment}"]
    return [f"{head}(", *body, ")"], layout


@st.composite
def from_import_modules(draw: st.DrawFn) -> tuple[str, str]:
    """A module that spells TensorFlow only through ``from tensorflow import`` names, with
    functions whose scopes may shadow ``TensorSpec`` or ``float32`` (and perhaps ``tf`` taken
    at module level); and its import's layout."""
    unit = draw(st.sampled_from(("    ", "  ", "\t")))
    statement, layout = draw(_from_import(unit))
    lines = ['"""Module."""', "", "import os", *statement]
    if draw(st.integers(0, 3)) == 0:
        lines.append("tf = None  # taken: a new import binds tensorflow")
    for index in range(draw(st.integers(1, 4))):
        decorator = draw(st.sampled_from(("", "@function", "@function(jit_compile=True)")))
        kind = draw(st.sampled_from(("top", "top", "nested", "method")))
        lines.append("")
        lines.append("")
        body = [f"def f{index}(x):", f"{unit}return x"]
        if decorator:
            body.insert(0, decorator)
        if kind == "top":
            lines += body
        elif kind == "nested":
            shadow = draw(st.sampled_from(("", "TensorSpec = None", "float32 = 32")))
            lines.append(f"def outer{index}(y):")
            if shadow:
                lines.append(f"{unit}{shadow}")
            lines += [f"{unit}{line}" for line in body]
            lines.append(f"{unit}return f{index}(y)")
        else:
            attribute = draw(st.sampled_from(("units = 3", "float32 = 'float32'")))
            lines += [f"class C{index}:", f"{unit}{attribute}"]
            lines += [f"{unit}{line}" for line in body]
    return "\n".join(lines) + "\n", layout


def _signature_changes(source: str, signature: str) -> list[Change]:
    """CONFIGURE every hybrid function and ADD every eager one, with ``signature``."""
    arguments = (("input_signature", signature),)
    return [
        Change(
            s.qualname, s.line, ChangeAction.CONFIGURE if s.hybrid else ChangeAction.ADD, arguments
        )
        for s in collect_functions(source)
    ]


@TF_SETTINGS
@given(module=from_import_modules(), signature=st.sampled_from(SIGNATURES))
def test_tf_signature_names_join_the_from_import_in_its_layout(
    module: tuple[str, str], signature: str
) -> None:
    """A module that imports TensorFlow names with ``from tensorflow import ...`` gets the
    names a signature needs in that statement (hazards §D), unless one is taken where it is
    needed, in which case the signature goes through a module alias. The result compiles, stays
    local, is a fixpoint, and each decorator names exactly the signature asked for; the
    statement keeps its names in order, gains only names of the signature, and keeps its layout
    (one name per line stays one name per line, with the same trailing comma)."""
    source, layout = module
    changes = _signature_changes(source, signature)
    result = rewrite_source(source, changes)
    assert all(outcome.applied for outcome in result.outcomes), result.outcomes
    assert compiles(result.source), result.source
    assert_local_edit(source, result)
    again = rewrite_source(result.source, _signature_changes(result.source, signature))
    assert again.source is result.source, [o.message for o in again.outcomes if o.applied]
    tree = parse(result.source)
    lines = split_lines(result.source)
    canonical = ast.unparse(ast.parse(signature, mode="eval"))
    for found in function_nodes(tree):
        decorators = found.tensorflow_decorators()
        assert len(decorators) == 1, found.qualname
        decorator = decorators[0]
        assert isinstance(decorator, ast.Call), ast.unparse(decorator)
        values = [k.value for k in decorator.keywords if k.arg == "input_signature"]
        assert len(values) == 1, ast.unparse(decorator)
        spelled = _canonical_tensorflow(values[0], found, tree, lines)
        assert spelled == canonical, f"{found.qualname}: {ast.unparse(values[0])}"
    old = next(node for node in parse(source).body if isinstance(node, ast.ImportFrom))
    new = next(node for node in tree.body if isinstance(node, ast.ImportFrom))
    old_names = [ast.unparse(alias) for alias in old.names]
    new_names = [ast.unparse(alias) for alias in new.names]
    assert new_names[: len(old_names)] == old_names, new_names
    wanted = {
        node.attr for node in ast.walk(ast.parse(signature)) if isinstance(node, ast.Attribute)
    }
    assert set(new_names[len(old_names) :]) <= wanted, new_names
    if layout == "lines":
        old_lines = split_lines(source)[old.lineno - 1 : old.end_lineno]
        new_lines = lines[new.lineno - 1 : new.end_lineno]
        assert len(new_lines) == len(new_names) + 2, new_lines
        assert new_lines[-2].split("#")[0].rstrip().endswith(",") == (
            old_lines[-2].split("#")[0].rstrip().endswith(",")
        ), new_lines


@HYPOTHESMITH_SETTINGS
@given(source=hypothesmith_modules(), data=st.data())
def test_generated_programs_keep_every_property(source: str, data: st.DataObject) -> None:
    """All properties on one program: drawing hypothesmith functions costs more than checking.

    Where LibCST does not print a program back byte for byte, the rewriter may refuse with
    RewriteError (when the lines it would edit are among those LibCST alters), but whatever it
    returns must still keep every property.
    """
    assert_no_changes_is_identity(source)
    assert_identity(source, inapplicable_changes(source))
    exact = rewritable(source)
    for action in ChangeAction:
        try:
            assert_forced(source, action)
        except RewriteError:
            assert not exact, "refused a file LibCST reproduces byte for byte"
    try:
        assert_round_trip(source)
    except RewriteError:
        assert not exact, "refused a file LibCST reproduces byte for byte"
    assert_reduction_is_invisible(source, data.draw(st.sampled_from(ChangeAction)), data)


@settings(max_examples=int(30 * SCALE), deadline=None)
@given(hypothesmith.from_grammar())
def test_generated_statements_without_functions_are_untouched(source: str) -> None:
    """Modules without functions: every change refers to nothing and must leave them alone."""
    assume(parses(source))
    assert_no_changes_is_identity(source)
    assert_identity(source, inapplicable_changes(source))


def test_every_import_shape_by_hand() -> None:
    """One readable module per import shape through every property, so that a failure of the
    basic cases shows up here rather than as a shrunk generated example."""
    for shape, (import_line, spelling) in TENSORFLOW_IMPORTS.items():
        source = textwrap.dedent(
            f'''\
            """Doc."""
            from __future__ import annotations

            {import_line}
            import os


            @{spelling}(jit_compile=True)
            def hybrid(x):
                return x


            class Model:
                @staticmethod
                def eager(x):
                    def inner(y):
                        return y
                    return inner(x)
            '''
        )
        sites = collect_functions(source)
        assert [(s.qualname, s.hybrid) for s in sites] == [
            ("hybrid", True),
            ("Model.eager", False),
            ("Model.eager.inner", False),
        ], shape
        assert_identity(source, inapplicable_changes(source))
        for action in ChangeAction:
            assert_meaning(source, assert_forced(source, action), action)


def test_names_are_matched_as_python_normalises_them() -> None:
    """The analysis reads names with ``ast``, which applies NFKC (``def ｆ`` defines ``f``, and
    ``Ĳ`` reads as ``IJ``), so a change names the function ``f``; the rewriter must find it."""
    source = "def \uff46(x):\n    return x\n\n\nclass A\u0132:\n    def m(self):\n        pass\n"
    sites = collect_functions(source)
    assert [site.qualname for site in sites] == ["f", "AIJ.m"]
    result = rewrite_source(source, force(source, ChangeAction.ADD))
    assert [outcome.applied for outcome in result.outcomes] == [True, True], result.outcomes


def test_reduced_rewrite_keeps_carriage_return_files() -> None:
    """Old Mac files end lines with a lone carriage return; Python, ``ast`` and LibCST accept
    them. A module large enough to be reduced (``MIN_REDUCED_SIZE``) must come back whole."""
    helpers = "".join(f"def helper{index}(x):\r    return x\r\r" for index in range(700))
    source = (
        '"""Module."""\rimport numpy as np\rimport tensorflow as tf\r\rSCALE = 3\r\r'
        + helpers
        + "def last(x):\r    return x\r"
    )
    assert len(source) > reduction.MIN_REDUCED_SIZE
    line = source.count("\r", 0, source.index("def last")) + 1
    changes = [Change("last", line, ChangeAction.ADD)]
    full = rewrite_source(source, changes)
    assert full.source.startswith('"""Module."""\rimport numpy as np\r')
    assert reduction.rewrite_module(source, changes).source == full.source


def test_type_checking_import_does_not_spell_a_decorator() -> None:
    """Typed code imports modules it only names in annotations under ``TYPE_CHECKING``; with
    ``from __future__ import annotations`` the module runs without them. A decorator runs when
    the ``def`` does, so it needs an import that runs."""
    source = textwrap.dedent(
        """\
        from __future__ import annotations

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            import tensorflow as tf


        def step(x: tf.Tensor) -> tf.Tensor:
            return x
        """
    )
    result = rewrite_source(source, force(source, ChangeAction.ADD))
    assert result.changed
    assert_meaning(source, result, ChangeAction.ADD)
