"""Adding the TensorFlow import a new decorator needs, and dropping one a removal left unused.

A new import is one line, ``import tensorflow as tf`` (or ``import tensorflow`` when ``tf``
means something else), placed after the last top-level import that precedes the edited
functions, so the name is bound before any decorator using it runs; with no such import it goes
after the module docstring and ``from __future__`` imports, or first.

When the module already imports TensorFlow names with a module-level ``from tensorflow import
a, b`` statement, the names an argument needs join that statement instead (when each is free:
not bound by the module or a scope around the decorator, not read unbound anywhere, not a
builtin; and no other module is star-imported), in the layout it has: in a parenthesised list
with one name per line, each new name gets a line of its own with the same indentation, and the
trailing comma (or its absence) stays as it was; on one line, the names follow ``, ``.

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


_NO_SPACE = cst.SimpleWhitespace("")
_ONE_SPACE = cst.SimpleWhitespace(" ")


def with_names(statement: cst.ImportFrom, added: Sequence[str]) -> cst.ImportFrom:
    """``from tensorflow import a, b`` with ``added`` after the last name, in its layout."""
    names = statement.names
    if isinstance(names, cst.ImportStar) or not names or not added:
        return statement
    new = [cst.ImportAlias(name=cst.Name(name)) for name in added]
    last = names[-1]
    trailing = last.comma if isinstance(last.comma, cst.Comma) else None
    rpar = statement.rpar
    template = _line_break_template(names, statement.lpar)
    new_closing: cst.BaseParenthesizableWhitespace | None = None
    if template is not None and rpar is not None:
        closing = trailing.whitespace_after if trailing is not None else rpar.whitespace_before
        new_closing = closing
        first_line = cst.TrailingWhitespace()
        if isinstance(closing, cst.ParenthesizedWhitespace):
            # a comment ending the last name's line stays on that line
            first_line = closing.first_line
            new_closing = closing.with_changes(first_line=cst.TrailingWhitespace())
        fresh_line = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            empty_lines=(),
            indent=template.indent,
            last_line=template.last_line,
        )
        first = _comma(fresh_line.with_changes(first_line=first_line))
        separator = _comma(fresh_line)
    else:
        first = separator = _same_line_separator(names)
    joined = [
        *names[:-1],
        last.with_changes(comma=first),
        *(alias.with_changes(comma=separator) for alias in new[:-1]),
    ]
    if trailing is not None:
        after = trailing.whitespace_after if new_closing is None else new_closing
        ending = new[-1].with_changes(comma=trailing.with_changes(whitespace_after=after))
        return statement.with_changes(names=[*joined, ending])
    if new_closing is not None and rpar is not None:
        rpar = rpar.with_changes(whitespace_before=new_closing)
    return statement.with_changes(names=[*joined, new[-1]], rpar=rpar)


def _comma(after: cst.BaseParenthesizableWhitespace) -> cst.Comma:
    return cst.Comma(whitespace_before=_NO_SPACE, whitespace_after=after)


def _line_break_template(
    names: Sequence[cst.ImportAlias], lpar: cst.LeftParen | None
) -> cst.ParenthesizedWhitespace | None:
    """The line break before the last name, when it starts a line of its own."""
    if lpar is None:
        return None
    before_last: cst.BaseParenthesizableWhitespace
    if len(names) >= 2:
        comma = names[-2].comma
        if not isinstance(comma, cst.Comma):
            return None
        before_last = comma.whitespace_after
    else:
        before_last = lpar.whitespace_after
    return before_last if isinstance(before_last, cst.ParenthesizedWhitespace) else None


def _same_line_separator(names: Sequence[cst.ImportAlias]) -> cst.Comma:
    """The comma between the last two names when it is a plain one (``,`` or ``, ``)."""
    if len(names) >= 2:
        comma = names[-2].comma
        if (
            isinstance(comma, cst.Comma)
            and isinstance(comma.whitespace_before, cst.SimpleWhitespace)
            and isinstance(comma.whitespace_after, cst.SimpleWhitespace)
            and not (comma.whitespace_before.value + comma.whitespace_after.value).strip()
        ):
            return comma
    return _comma(_ONE_SPACE)


def describe_from_import(statement: cst.ImportFrom) -> str:
    """``from tensorflow import a, b as c`` for messages (names as written, on one line)."""
    module = cst.Module(body=()).code_for_node(statement.module) if statement.module else ""
    if isinstance(statement.names, cst.ImportStar):
        return f"from {module} import *"
    names = []
    for alias in statement.names:
        name = cst.Module(body=()).code_for_node(alias.name)
        asname = alias.evaluated_alias
        names.append(f"{name} as {asname}" if asname is not None else name)
    return f"from {module} import {', '.join(names)}"
