"""Adding the TensorFlow import a new decorator needs, and dropping one a removal left unused.

A new import is one line, ``import tensorflow as tf`` (or ``import tensorflow`` when ``tf``
means something else), placed after the last top-level import that precedes the edited
functions, so the name is bound before any decorator using it runs; with no such import it goes
after the module docstring and ``from __future__`` imports, or first.

An import is dropped only when every use LibCST sees is inside a removed decorator, nothing
new uses its name, and ``__all__`` does not export it. A multi-name statement loses just the
name; a statement left without names disappears with its line, and only that line: comments
and blank lines around it stay where they are. Star imports are never dropped, and neither is
the last statement of a block (the block would be empty).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

_Statement = TypeVar("_Statement", bound=cst.CSTNode)


def import_statement(name: str) -> cst.SimpleStatementLine:
    """``import tensorflow as tf`` for ``tf``, ``import tensorflow`` for ``tensorflow``."""
    asname = None if name == "tensorflow" else cst.AsName(name=cst.Name(name))
    return cst.SimpleStatementLine(
        body=[cst.Import(names=[cst.ImportAlias(name=cst.Name("tensorflow"), asname=asname)])]
    )


def describe_import(name: str) -> str:
    return "import tensorflow" if name == "tensorflow" else f"import tensorflow as {name}"


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def injection_index(body: Sequence[cst.BaseStatement], before: int) -> int:
    """Where in the module body a new import goes, given the first statement that needs it."""
    index = 1 if body and _is_docstring(body[0]) else 0
    for position, statement in enumerate(body[:before]):
        if _is_import_line(statement):
            index = position + 1
    return index


def without_statements(
    body: Sequence[_Statement], doomed: set[int]
) -> tuple[list[_Statement], list[cst.EmptyLine]]:
    """``body`` without the statements whose ``id`` is in ``doomed``.

    Only the statements' own lines go: the blank and comment lines above a removed statement
    move to the next statement. Returns the remaining statements and the lines left over after
    the last one (they belong in the footer of the block).
    """
    kept: list[_Statement] = []
    carried: list[cst.EmptyLine] = []
    for statement in body:
        leading = list(getattr(statement, "leading_lines", ()))
        if id(statement) in doomed:
            carried.extend(leading)
            continue
        if carried:
            statement = statement.with_changes(leading_lines=[*carried, *leading])
            carried = []
        kept.append(statement)
    return kept, carried


def without_aliases(names: Sequence[cst.ImportAlias], doomed: set[int]) -> list[cst.ImportAlias]:
    """The import's names without the doomed ones, commas fixed (the last keeps the old last's)."""
    kept = [alias for alias in names if id(alias) not in doomed]
    if kept and kept[-1] is not names[-1]:
        kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
    return kept
