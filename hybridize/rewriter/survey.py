"""One walk over a parsed module collecting everything the rewriter looks up.

LibCST's traversals cost about as much as parsing, so the rewriter walks the tree once, beside
the scope analysis it needs anyway: the function definitions with their qualified names, the
import statements, the calls, and, for each of those, the chain of nodes above it (so the
final transformation descends only where something changes, and an import's line and block
are known). Line numbers come from Python's ``ast``, which is much faster than LibCST's
position metadata: both list function definitions in source order, so the n-th ``def`` of one
is the n-th of the other. Should the two disagree, LibCST's positions are used.
"""

from __future__ import annotations

import ast
import unicodedata
import warnings
from collections.abc import Iterator

import attrs
import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

ImportStatement = cst.Import | cst.ImportFrom


def normalized(name: str) -> str:
    """An identifier (or dotted name) as Python reads it: NFKC-normalised."""
    return unicodedata.normalize("NFKC", name)


@attrs.frozen(eq=False)
class FunctionSite:
    qualname: str
    line: int
    node: cst.FunctionDef
    #: index in the module body of the top-level statement holding the function
    top_level_index: int


@attrs.frozen(eq=False)
class Survey:
    functions: tuple[FunctionSite, ...]
    #: ``(qualname, line)`` of lambdas, named after the variable they are assigned to
    lambdas: frozenset[tuple[str, int]]
    imports: tuple[ImportStatement, ...]
    calls: tuple[cst.Call, ...]
    #: id of a function definition or import statement -> its ancestors, outermost first
    ancestors: dict[int, tuple[cst.CSTNode, ...]]
    #: id of an import statement -> index of the top-level statement holding it
    top_level: dict[int, int]


class _Walker(cst.CSTVisitor):
    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.definitions: list[tuple[str, cst.FunctionDef, int]] = []
        self.imports: list[ImportStatement] = []
        self.calls: list[cst.Call] = []
        self.ancestors: dict[int, tuple[cst.CSTNode, ...]] = {}
        self.top_level: dict[int, int] = {}
        self._stack: list[cst.CSTNode] = []
        self._names: list[str] = []
        self._indexes = {id(statement): index for index, statement in enumerate(module.body)}
        self._index = 0

    def on_visit(self, node: cst.CSTNode) -> bool:
        self._index = self._indexes.get(id(node), self._index)
        descend = super().on_visit(node)
        if descend:
            self._stack.append(node)
        return descend

    def on_leave(self, original_node: cst.CSTNode) -> None:
        super().on_leave(original_node)
        if self._stack and self._stack[-1] is original_node:
            self._stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._names.append(normalized(node.name.value))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._names.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        name = normalized(node.name.value)
        self.definitions.append((".".join([*self._names, name]), node, self._index))
        self.ancestors[id(node)] = tuple(self._stack)
        self._names.append(name)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._names.pop()

    def visit_Import(self, node: cst.Import) -> bool:
        self._record_import(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._record_import(node)
        return False

    def _record_import(self, node: ImportStatement) -> None:
        self.imports.append(node)
        self.ancestors[id(node)] = tuple(self._stack)
        self.top_level[id(node)] = self._index

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)


def survey(wrapper: MetadataWrapper, source: str) -> Survey:
    module = wrapper.module
    walker = _Walker(module)
    module.visit(walker)
    tree = _ast_tree(source)
    lines = _definition_lines(tree) if tree is not None else None
    expected = [qualname for qualname, _, _ in walker.definitions]
    if lines is None or [qualname for qualname, _ in lines] != expected:
        positions = wrapper.resolve(PositionProvider)
        lines = [
            (qualname, positions[node.name].start.line) for qualname, node, _ in walker.definitions
        ]
    functions = tuple(
        FunctionSite(qualname, line, node, index)
        for (qualname, node, index), (_, line) in zip(walker.definitions, lines, strict=True)
    )
    lambdas = frozenset(_lambdas(tree)) if tree is not None else frozenset()
    return Survey(
        functions=functions,
        lambdas=lambdas,
        imports=tuple(walker.imports),
        calls=tuple(walker.calls),
        ancestors=walker.ancestors,
        top_level=walker.top_level,
    )


def _ast_tree(source: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def _definition_lines(tree: ast.Module) -> list[tuple[str, int]]:
    """``(qualname, def line)`` of every function, in source order."""
    found: list[tuple[int, int, str]] = []
    for node, names in _walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((node.lineno, node.col_offset, ".".join(names)))
    found.sort()
    return [(qualname, line) for line, _, qualname in found]


def _lambdas(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """``(qualname, line)`` of every lambda: ``square = lambda x: ...`` is ``square``."""
    named: dict[int, str] = {}
    for node, names in _walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            if isinstance(node.targets[0], ast.Name):
                named[id(node.value)] = node.targets[0].id
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.value is not None:
                named[id(node.value)] = node.target.id
        elif isinstance(node, ast.Lambda):
            yield ".".join([*names, named.get(id(node), "<lambda>")]), node.lineno


def _walk(tree: ast.Module) -> Iterator[tuple[ast.AST, tuple[str, ...]]]:
    """Every node with the names of the functions and classes around it (its own included),
    parents before children, without recursion (deeply nested expressions are legal)."""
    stack: list[tuple[ast.AST, tuple[str, ...]]] = [(tree, ())]
    while stack:
        node, names = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = (*names, node.name)
        yield node, names
        stack.extend((child, names) for child in reversed(list(ast.iter_child_nodes(node))))
