"""Data-driven rewriter tests: every case under ``tests/fixtures/rewrite`` (see its README).

A case is ``NAME.py`` with ``NAME.expected.py`` beside it, or ``NAME.noop.py`` that must come out
unchanged. The changes are header comments of the case itself. Each case is applied and
compared byte for byte, the output must parse, and applying the same changes to the output
must change nothing (the rewriter is idempotent).

Set ``HYBRIDIZE_UPDATE_FIXTURES=1`` to (re)write the ``.expected.py`` files from the current
output, then review the diff.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from hybridize.rewriter import Change, ChangeAction, Rewrite, rewrite_source

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rewrite"
UPDATE = os.environ.get("HYBRIDIZE_UPDATE_FIXTURES") == "1"

_ACTIONS = {
    "add": ChangeAction.ADD,
    "remove": ChangeAction.REMOVE,
    "configure": ChangeAction.CONFIGURE,
}
_HEADER = re.compile(r"#\s*(rewrite|expect-not-applied|expect-applied):\s*(.*?)\s*$")


@attrs.frozen
class Target:
    """A function named by a header: its qualname and which definition of that name it is."""

    qualname: str
    occurrence: int  # 0 for the first ``def`` with this qualname in the file


@attrs.frozen
class Case:
    name: str
    source_path: Path
    expected_path: Path
    noop: bool


@attrs.frozen
class Headers:
    changes: tuple[tuple[ChangeAction, str, int | None, tuple[tuple[str, str], ...]], ...]
    not_applied: tuple[str, ...]
    applied: tuple[str, ...]


def _cases() -> list[Case]:
    cases = []
    for path in sorted(FIXTURES.glob("*.py")):
        if path.name.endswith(".expected.py"):
            continue
        if path.name.endswith(".noop.py"):
            cases.append(Case(path.name[: -len(".noop.py")], path, path, noop=True))
        else:
            expected = path.with_name(path.name[: -len(".py")] + ".expected.py")
            cases.append(Case(path.stem, path, expected, noop=False))
    return cases


CASES = _cases()


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _split_arguments(text: str) -> list[str]:
    """Split on whitespace outside brackets and quotes: ``a=[1, 2] b='x y'`` → two pieces."""
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    quote: str | None = None
    for char in text:
        if quote is not None:
            current.append(char)
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char in "([{":
            depth += 1
            current.append(char)
        elif char in ")]}":
            depth -= 1
            current.append(char)
        elif char.isspace() and depth == 0:
            if current:
                pieces.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        pieces.append("".join(current))
    return pieces


def parse_headers(source: str) -> Headers:
    """The header comments at the top of a case (the leading run of comment lines)."""
    changes = []
    not_applied: list[str] = []
    applied: list[str] = []
    for line in source.splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match is None:
            continue
        kind, text = match.groups()
        if kind == "expect-not-applied":
            not_applied.append(text)
            continue
        if kind == "expect-applied":
            applied.append(text)
            continue
        action_word, target, *rest = _split_arguments(text)
        arguments = []
        for piece in rest:
            keyword, _, value = piece.partition("=")
            arguments.append((keyword, value))
        qualname, _, line_text = target.partition("@")
        line_number = int(line_text) if line_text else None
        changes.append((_ACTIONS[action_word], qualname, line_number, tuple(arguments)))
    return Headers(tuple(changes), tuple(not_applied), tuple(applied))


def _definitions(source: str) -> Iterator[tuple[str, int]]:
    """``(qualname, def line)`` of every function, in source order, found with ``ast``."""

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, int]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qualname = f"{prefix}{child.name}"
                yield qualname, child.lineno
                yield from walk(child, qualname + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from sorted(walk(ast.parse(source), ""), key=lambda item: item[1])


def _changes(source: str, headers: Headers, targets: list[Target | None]) -> list[Change]:
    """The header changes with def lines looked up in ``source`` (which may be a rewrite)."""
    definitions = list(_definitions(source))
    changes = []
    for (action, qualname, _, arguments), target in zip(headers.changes, targets, strict=True):
        line = 0  # a target that does not exist stays missing
        if target is not None:
            lines = [def_line for name, def_line in definitions if name == target.qualname]
            line = lines[target.occurrence]
        changes.append(Change(qualname, line, action, arguments))
    return changes


def _targets(source: str, headers: Headers) -> list[Target | None]:
    """Which definition each header means; an explicit ``@LINE`` picks one by its line."""
    definitions = list(_definitions(source))
    targets: list[Target | None] = []
    for _, qualname, line, _ in headers.changes:
        lines = [def_line for name, def_line in definitions if name == qualname]
        if line is None:
            targets.append(Target(qualname, 0) if lines else None)
        elif line in lines:
            targets.append(Target(qualname, lines.index(line)))
        else:
            targets.append(None)
    return targets


def _explicit_changes(headers: Headers, source: str) -> list[Change]:
    targets = _targets(source, headers)
    changes = _changes(source, headers, targets)
    return [
        attrs.evolve(change, line=line) if target is None and line is not None else change
        for change, target, (_, _, line, _) in zip(changes, targets, headers.changes, strict=True)
    ]


def _check_outcomes(case: Case, rewrite: Rewrite, headers: Headers) -> None:
    unmatched = list(headers.not_applied)
    for outcome in rewrite.outcomes:
        if outcome.applied:
            continue
        matching = [text for text in headers.not_applied if text in outcome.message]
        assert matching, (
            f"{case.name}: {outcome.change.action.value} {outcome.change.qualname} was not "
            f"applied: {outcome.message!r}"
        )
        for text in matching:
            if text in unmatched:
                unmatched.remove(text)
    assert not unmatched, f"{case.name}: no not-applied outcome says {unmatched!r}"
    messages = [outcome.message for outcome in rewrite.outcomes if outcome.applied]
    for text in headers.applied:
        assert any(text in message for message in messages), (
            f"{case.name}: no applied outcome says {text!r}; messages: {messages!r}"
        )


def test_there_are_enough_cases() -> None:
    pairs = [case for case in CASES if not case.noop]
    noops = [case for case in CASES if case.noop]
    assert len(pairs) >= 45, len(pairs)
    assert len(noops) >= 12, len(noops)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rewrite_fixture(case: Case) -> None:
    source = _read(case.source_path)
    headers = parse_headers(source)
    assert headers.changes or case.noop, f"{case.name} has no '# rewrite:' header"
    changes = _explicit_changes(headers, source)
    rewrite = rewrite_source(source, changes)
    _check_outcomes(case, rewrite, headers)

    if case.noop:
        assert not rewrite.changed
        assert rewrite.source is source, "a no-op must return the input itself"
        return
    if UPDATE:
        with case.expected_path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(rewrite.source)
    assert case.expected_path.exists(), f"missing {case.expected_path.name}"
    expected = _read(case.expected_path)
    assert rewrite.source.encode("utf-8") == expected.encode("utf-8")
    assert rewrite.changed
    ast.parse(rewrite.source)

    # the same changes again, aimed at the same definitions in the output: nothing to do
    targets = _targets(source, headers)
    again = rewrite_source(rewrite.source, _changes(rewrite.source, headers, targets))
    applied_again = [outcome for outcome in again.outcomes if outcome.applied]
    assert not applied_again, [outcome.message for outcome in applied_again]
    assert again.source is rewrite.source
