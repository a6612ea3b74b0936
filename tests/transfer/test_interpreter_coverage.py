"""Every statement and expression class of ``ast`` has a transfer function (style item 5), and
constructs that are not modelled are recorded as unknowns, never silently skipped."""

from __future__ import annotations

import ast
import textwrap

import pytest

from hybridize.api import analyze
from hybridize.transfer.interpreter import Frame


def _node_classes(base: type[ast.AST]) -> list[type[ast.AST]]:
    """The concrete node classes of a category (``Constant``'s deprecated aliases excluded)."""
    found = [cls for cls in base.__subclasses__() if cls.__module__ == "ast"]
    return sorted(found, key=lambda c: c.__name__)


STATEMENTS = _node_classes(ast.stmt)
EXPRESSIONS = _node_classes(ast.expr)


@pytest.mark.parametrize("cls", STATEMENTS + EXPRESSIONS, ids=lambda c: c.__name__)
def test_every_node_class_has_a_visitor(cls: type[ast.AST]) -> None:
    assert hasattr(Frame, "visit_" + cls.__name__), f"no transfer function for ast.{cls.__name__}"


def test_node_lists_are_not_empty() -> None:
    names = {c.__name__ for c in STATEMENTS + EXPRESSIONS}
    assert {"Assign", "For", "Call", "Lambda", "Match"} <= names


def _facts(tmp_path, source: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "case.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return analyze([path])


def test_unmodelled_construct_is_recorded_not_silent(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _facts(
        tmp_path,
        """
        async def fetch(x):
            return await x

        def use(x):
            return fetch(x)

        use(1)
        """,
    )
    facts = result.function("fetch")
    reasons = {u.reason.value for u in facts.unknowns}
    assert "unsupported-syntax" in reasons, reasons


def test_match_statement_binds_names_as_unknown(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = _facts(
        tmp_path,
        """
        def pick(command):
            match command:
                case [name, *rest]:
                    return name
                case _:
                    return None

        pick(["a", "b"])
        """,
    )
    facts = result.function("pick")
    assert any(u.detail == "match" for u in facts.unknowns)
    assert facts.returns.has_unknown
