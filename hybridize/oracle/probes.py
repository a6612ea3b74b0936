"""Where to ask the oracle, and the shadow sources that ask it.

A probe is one expression whose value the interpreter left unknown: a parameter of a function
with no call site (probed as ``reveal_type(name)`` in a line inserted before the first statement
of the body, or in front of it when the body shares the ``def`` line), or an argument at a call
site (the argument expression wrapped in place as ``reveal_type(expr)``, which returns its
argument, so nothing else changes). Every probe knows where its expression lands in the shadow
file, so answers are matched by source position, never by message order.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

import attrs

from hybridize.lattice.location import Location
from hybridize.project.model import FileStatus, FunctionInfo, SourceFile
from hybridize.transfer.analysis import Analysis
from hybridize.transfer.facts import parameter_nodes

REVEAL = "reveal_type("


@attrs.frozen
class Probe:
    """Ask for the type of ``expression`` (source text) of ``function_id``'s parameter ``name``:
    the parameter itself when ``call_site`` is None, else the argument passed at ``call_site``.
    ``location`` is the probed expression in the original file (0-based column)."""

    function_id: str
    name: str
    call_site: Location | None
    location: Location
    expression: str
    #: the end of the expression in the original file: 1-based line, 0-based (UTF-8) column
    end: tuple[int, int] = (0, 0)

    def key(self) -> tuple[str, str, Location | None]:
        return (self.function_id, self.name, self.call_site)


def find_probes(analysis: Analysis) -> list[Probe]:
    """Every unknown parameter / call-site argument of the analysed functions, in file order."""
    project = analysis.project
    calls = _calls_by_position(project.files)
    probes: list[Probe] = []
    for fid in sorted(project.functions):
        fn = project.functions[fid]
        if fn.is_lambda:
            continue
        module = project.module_of(fid)
        observed = analysis.observations.get(fid, {})
        for arg in parameter_nodes(fn):
            sites = observed.get(arg.arg)
            if not sites:
                if analysis.annotation_value(module, arg.annotation) is None:
                    probes.append(
                        Probe(
                            fid,
                            arg.arg,
                            None,
                            Location(fn.relpath, arg.lineno, arg.col_offset),
                            arg.arg,
                        )
                    )
                continue
            for observation in sites.values():
                if not observation.value.has_unknown or observation.defaulted:
                    continue
                expression = _argument(calls, fn, observation.location, arg.arg, observation.detail)
                if expression is not None:
                    probes.append(
                        Probe(
                            fid,
                            arg.arg,
                            observation.location,
                            Location(observation.location.path, expression.lineno,
                                     expression.col_offset),
                            ast.unparse(expression),
                            (expression.end_lineno or expression.lineno,
                             expression.end_col_offset or expression.col_offset),
                        )
                    )  # fmt: skip
    return probes


def _calls_by_position(files: Iterable[SourceFile]) -> dict[Location, list[ast.Call]]:
    calls: dict[Location, list[ast.Call]] = {}
    for source in files:
        if source.status is not FileStatus.ANALYZED or source.tree is None:
            continue
        for node in ast.walk(source.tree):
            if isinstance(node, ast.Call):
                calls.setdefault(Location(source.relpath, node.lineno, node.col_offset), []).append(
                    node
                )
    return calls


def _argument(
    calls: dict[Location, list[ast.Call]],
    fn: FunctionInfo,
    site: Location,
    name: str,
    detail: str,
) -> ast.expr | None:
    """The argument expression bound to parameter ``name`` at the call at ``site``, when the
    call can be told apart (calls chained from the same position: the one naming ``fn``)."""
    candidates = calls.get(site, [])
    if len(candidates) > 1:
        candidates = [c for c in candidates if _called_name(c) == fn.name]
    if len(candidates) != 1:
        return None
    call = candidates[0]
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if detail.startswith("argument "):
        index = int(detail.split()[1]) - 1
        if any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
            return None
        if 0 <= index < len(call.args):
            return call.args[index]
    return None


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


# --- shadow sources -------------------------------------------------------------------------------


@attrs.frozen
class _Insert:
    line: int  # 1-based original line
    col: int  # character index in that line
    text: str
    probe: int | None = None  # the probe whose expression starts right after ``text``


def shadow_source(
    text: str, probes: list[tuple[int, Probe]], functions: dict[str, FunctionInfo]
) -> tuple[str, dict[int, tuple[int, int]]]:
    """``text`` with the probes inserted; probe index -> (0-based line, UTF-16 column) of its
    expression in the result."""
    lines = text.splitlines(keepends=True)
    before: dict[int, list[tuple[str, list[tuple[int, int]]]]] = {}
    inserts: list[_Insert] = []
    parameters: dict[str, list[tuple[int, Probe]]] = {}
    for index, probe in probes:
        if probe.call_site is None:
            parameters.setdefault(probe.function_id, []).append((index, probe))
        else:
            start, end = _span(probe, lines)
            if start is None or end is None:
                continue
            inserts.append(_Insert(start[0], start[1], REVEAL, index))
            inserts.append(_Insert(end[0], end[1], ")"))
    for fid, group in parameters.items():
        node = functions[fid].node
        if isinstance(node, ast.Lambda) or not node.body:
            continue
        first = node.body[0]
        first_line = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", []))])
        line_text = lines[first.lineno - 1] if first.lineno <= len(lines) else ""
        body_col = _char_col(line_text, first.col_offset)
        if line_text[
            :body_col
        ].strip():  # ``def f(x): return x``: in front of the statement, on that line
            for index, probe in group:
                inserts.append(_Insert(first.lineno, body_col, REVEAL, index))
                inserts.append(_Insert(first.lineno, body_col, probe.expression + "); "))
            continue
        indent = line_text[: len(line_text) - len(line_text.lstrip())]
        if first_line != first.lineno:
            decorator_text = lines[first_line - 1]
            indent = decorator_text[: len(decorator_text) - len(decorator_text.lstrip())]
        statement = indent
        positions: list[tuple[int, int]] = []
        for index, probe in group:
            statement += REVEAL
            positions.append((index, _utf16(statement)))
            statement += probe.expression + "); "
        before.setdefault(first_line, []).append((statement.rstrip("; ") + "\n", positions))
    by_line: dict[int, list[_Insert]] = {}
    for insert in inserts:
        by_line.setdefault(insert.line, []).append(insert)
    output: list[str] = []
    found: dict[int, tuple[int, int]] = {}
    for number, original in enumerate(lines, start=1):
        for statement, positions in before.get(number, []):
            for index, column in positions:
                found[index] = (len(output), column)
            output.append(statement)
        pending = sorted(by_line.get(number, []), key=lambda i: i.col)  # stable: order kept
        if not pending:
            output.append(original)
            continue
        built = ""
        cursor = 0
        for insert in pending:
            built += original[cursor : insert.col] + insert.text
            cursor = max(cursor, insert.col)
            if insert.probe is not None:
                found[insert.probe] = (len(output), _utf16(built))
        built += original[cursor:]
        output.append(built)
    return "".join(output), found


def _span(probe: Probe, lines: list[str]) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """The (line, character) start and end of a call-site probe's expression in ``lines``."""
    (line, col), (end_line, end_col) = (probe.location.line, probe.location.col), probe.end
    if not 1 <= line <= end_line <= len(lines):
        return None, None
    return (
        (line, _char_col(lines[line - 1], col)),
        (end_line, _char_col(lines[end_line - 1], end_col)),
    )


def _char_col(line: str, byte_col: int) -> int:
    """An ``ast`` column (UTF-8 bytes) as a character index."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
