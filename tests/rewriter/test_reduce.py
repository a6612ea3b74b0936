"""The reduced rewrite of large modules (``rewriter.reduce``) must give exactly what the full
rewrite gives: on every rewrite fixture (with the size threshold off) and on real modules of the
installed keras, with changes on a sample of their functions."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from hybridize.rewriter import Change, ChangeAction, rewrite_source
from hybridize.rewriter import reduce as reduce_module
from hybridize.rewriter.reduce import rewrite_module

from .test_fixtures import CASES, Case, _explicit_changes, _read, parse_headers


@pytest.fixture
def no_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reduce_module, "MIN_REDUCED_SIZE", 0)


def _same(source: str, changes: list[Change]) -> None:
    full = rewrite_source(source, changes)
    reduced = rewrite_module(source, changes)
    assert reduced.source == full.source
    assert [(o.change, o.applied) for o in reduced.outcomes] == [
        (o.change, o.applied) for o in full.outcomes
    ]


@pytest.mark.usefixtures("no_threshold")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_cases(case: Case) -> None:
    source = _read(case.source_path)
    _same(source, _explicit_changes(parse_headers(source), source))


def _functions(source: str) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((prefix + child.name, child.lineno))
                walk(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(ast.parse(source), "")
    return found


def _keras_files() -> list[Path]:
    spec = importlib.util.find_spec("keras")
    if spec is None or spec.origin is None:
        return []
    root = Path(spec.origin).parent
    sizes = {path: path.stat().st_size for path in root.rglob("*.py")}
    files = sorted((p for p, size in sizes.items() if size < 120_000), key=sizes.__getitem__)
    return files[-4:]  # the largest below 120 KB: large enough to reduce, quick to rewrite


@pytest.mark.slow
@pytest.mark.usefixtures("no_threshold")
@pytest.mark.parametrize("action", list(ChangeAction), ids=[a.value for a in ChangeAction])
@pytest.mark.parametrize("path", _keras_files(), ids=lambda p: p.name)
def test_large_keras_modules(path: Path, action: ChangeAction) -> None:
    source = path.read_text(encoding="utf-8")
    functions = _functions(source)[::7]
    arguments = (("reduce_retracing", "True"),) if action is ChangeAction.CONFIGURE else ()
    changes = [Change(name, line, action, arguments) for name, line in functions]
    _same(source, changes)


def test_generated_module_is_rewritten_without_parsing_all_of_it() -> None:
    """A 2 MB generated module: the reduced module LibCST sees is a small fraction of it."""
    parts = ["import tensorflow as tf\n"]
    index = 0
    while sum(map(len, parts)) < 2 * 1024 * 1024:
        parts.append(f"\n\ndef table_{index}(x):\n    return [{', '.join(['x'] * 60)}]\n")
        index += 1
    parts.append("\n\ndef train_step(x):\n    return tf.matmul(x, x)\n")
    source = "".join(parts)
    line = source.count("\n") - 1
    change = Change("train_step", line, ChangeAction.ADD)
    reduced = reduce_module._reduce(source, [change])
    assert reduced is not None and len(reduced.text) < len(source) / 10
    rewrite = rewrite_module(source, [change])
    assert rewrite.source == source.replace(
        "\n\ndef train_step", "\n\n@tf.function\ndef train_step"
    )
