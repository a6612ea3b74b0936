"""Rewriting large modules without running LibCST over all of them.

LibCST parses and resolves names at about 50-100 KB of source per second, so rewriting one
decorator in a 5 MB generated module would take minutes. Every edit the rewriter makes lies in
a top-level statement that contains a changed function, or among the module-level imports. So
the module is reduced before it goes through LibCST: each run of top-level ``def`` and ``class``
statements that contain no changed function is replaced by a one-line stub that binds the same
names and reads the same global names (so scope analysis still sees every binding and every use
of an import), and everything else is kept verbatim. The reduced module is rewritten, and the text
between the stubs is carried back into the original around the untouched statements.

Each stub carries a marker unique in the file; if the rewritten text does not contain every
stub exactly once, in order, the reduction is abandoned and the whole module is rewritten.
"""

from __future__ import annotations

import ast
import symtable
import warnings
from collections.abc import Sequence

import attrs

from hybridize.rewriter.model import Change, Rewrite
from hybridize.rewriter.rewrite import rewrite_source
from hybridize.rewriter.splice import split_lines

_MARKER = "#@hybridize-elided:"

#: Below this size the whole module is rewritten: reducing would save little.
MIN_REDUCED_SIZE = 16 * 1024


def rewrite_module(source: str, changes: Sequence[Change]) -> Rewrite:
    """``rewrite_source`` with the same result, faster on large modules (see module doc)."""
    if (
        not changes
        or len(source) < MIN_REDUCED_SIZE
        or _MARKER in source
        or "\r" in source.replace("\r\n", "")  # lone-CR line ends: keep to the full rewrite
    ):
        return rewrite_source(source, changes)
    reduced = _reduce(source, changes)
    if reduced is None:
        return rewrite_source(source, changes)
    rewrite = rewrite_source(reduced.text, reduced.changes)
    if not rewrite.changed:
        outcomes = tuple(
            attrs.evolve(outcome, change=original)
            for outcome, original in zip(rewrite.outcomes, changes, strict=True)
        )
        return Rewrite(source, outcomes)
    text = _restore(source, reduced, rewrite.source)
    if text is None:
        return rewrite_source(source, changes)
    outcomes = tuple(
        attrs.evolve(outcome, change=original)
        for outcome, original in zip(rewrite.outcomes, changes, strict=True)
    )
    return Rewrite(text, outcomes)


@attrs.frozen
class _Reduced:
    text: str
    changes: tuple[Change, ...]
    #: per stub, in order: the original line range [start, end) it stands for
    elided: tuple[tuple[int, int], ...]


def _reduce(source: str, changes: Sequence[Change]) -> _Reduced | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = split_lines(source)
    try:
        scopes = _scopes(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    targets = {change.line for change in changes}
    spans: list[tuple[ast.stmt, int, int]] = []
    for statement in tree.body:
        first = min([statement.lineno, *(d.lineno for d in _decorators(statement))]) - 1
        end = statement.end_lineno or statement.lineno
        spans.append((statement, first, end))
    covered: set[int] = set()
    for _, first, end in spans:
        covered.update(range(first + 1, end + 1))
    if not targets <= covered:
        return None  # a change outside every statement: let the full rewrite report it
    runs: list[list[tuple[ast.stmt, int, int]]] = []  # consecutive elidable statements
    previous_end = 0
    extend = False
    for index, (statement, first, end) in enumerate(spans):
        shares_line = first < previous_end or (index + 1 < len(spans) and spans[index + 1][1] < end)
        previous_end = end
        elidable = (
            not shares_line
            and isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and not any(first < line <= end for line in targets)
        )
        if not elidable:
            extend = False
            continue
        if _rebinds_globals(statement):
            return None
        if extend:
            runs[-1].append((statement, first, end))
        else:
            runs.append([(statement, first, end)])
        extend = True
    if not runs:
        return None
    elided: list[tuple[int, int, str]] = []
    for run in runs:
        bound: list[str] = []
        reads: set[str] = set()
        for statement, _, _ in run:
            assert isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            bound.append(statement.name)
            reads.update(_global_reads(statement, scopes.get((statement.name, statement.lineno))))
        elided.append((run[0][1], run[-1][2], _stub(bound, sorted(reads), len(elided))))
    reduced_lines: list[str] = []
    line_map: dict[int, int] = {}  # original 1-based line -> reduced 1-based line
    cursor = 0
    for first, end, stub in elided:
        for number in range(cursor, first):
            reduced_lines.append(lines[number])
            line_map[number + 1] = len(reduced_lines)
        reduced_lines.append(stub + _newline(lines[end - 1]))
        cursor = end
    for number in range(cursor, len(lines)):
        reduced_lines.append(lines[number])
        line_map[number + 1] = len(reduced_lines)
    moved = tuple(attrs.evolve(c, line=line_map.get(c.line, c.line)) for c in changes)
    return _Reduced("".join(reduced_lines), moved, tuple((f, e) for f, e, _ in elided))


def _restore(source: str, reduced: _Reduced, rewritten: str) -> str | None:
    """The original text with the rewritten text between stubs put in place of the original
    text between the elided statements; None when the stubs did not survive intact."""
    lines = split_lines(source)
    pieces: list[str] = []
    rest = rewritten
    cursor = 0
    for index, (first, end) in enumerate(reduced.elided):
        marker = f"{_MARKER}{index}"
        position = rest.find(marker)
        if position < 0 or rest.find(marker, position + 1) >= 0:
            return None
        line_start = rest.rfind("\n", 0, position) + 1
        line_end = rest.find("\n", position)
        line_end = len(rest) if line_end < 0 else line_end + 1
        pieces.append(rest[:line_start])
        pieces.append("".join(lines[first:end]))
        rest = rest[line_end:]
        cursor = end
    del cursor
    pieces.append(rest)
    text = "".join(pieces)
    if _MARKER in text:
        return None
    return text


def _decorators(statement: ast.stmt) -> list[ast.expr]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return list(statement.decorator_list)
    return []


def _global_reads(statement: ast.stmt, table: symtable.SymbolTable | None) -> set[str]:
    """The global names ``statement`` reads: in its decorators, defaults, annotations and bases
    (evaluated at module level) and, through the compiler's own symbol table, in its body and
    everything nested in it. A stub that reads the same names keeps every use of an import."""
    names: set[str] = set()
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        outer: list[ast.AST] = list(statement.decorator_list)
        if isinstance(statement, ast.ClassDef):
            outer.extend(statement.bases)
            outer.extend(keyword.value for keyword in statement.keywords)
        else:
            arguments = statement.args
            outer.extend(arguments.defaults)
            outer.extend(d for d in arguments.kw_defaults if d is not None)
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every.extend(a for a in (arguments.vararg, arguments.kwarg) if a is not None)
            outer.extend(a.annotation for a in every if a.annotation is not None)
            if statement.returns is not None:
                outer.append(statement.returns)
        for expression in outer:
            names.update(n.id for n in ast.walk(expression) if isinstance(n, ast.Name))
    if table is not None:
        stack = [table]
        while stack:
            scope = stack.pop()
            for symbol in scope.get_symbols():
                if symbol.is_referenced() and symbol.is_global():
                    names.add(symbol.get_name())
            stack.extend(scope.get_children())
    return names


def _scopes(source: str) -> dict[tuple[str, int], symtable.SymbolTable]:
    """The symbol tables of the top-level functions and classes, by (name, line)."""
    top = symtable.symtable(source, "<module>", "exec")
    return {(child.get_name(), child.get_lineno()): child for child in top.get_children()}


def _stub(bound: list[str], reads: list[str], index: int) -> str:
    """One line standing for a run of elided statements: it binds their names and reads the
    global names they read."""
    parts = [" = ".join([*dict.fromkeys(bound), "None"]), *reads]
    return f"{'; '.join(parts)}  {_MARKER}{index}"


def _rebinds_globals(statement: ast.stmt) -> bool:
    return any(isinstance(node, (ast.Global, ast.Nonlocal)) for node in ast.walk(statement))


def _newline(line: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return "\n"
