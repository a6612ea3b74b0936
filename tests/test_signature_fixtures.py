"""Data-driven tests of input-signature inference: every case under ``tests/fixtures/signatures``.

A case is a small runnable module whose header comments say what the analysis must decide for one
function (see the folder's README). Per case:

* ``test_decision``: the decision of the target function (kind, transformation, reasons,
  ``input_signature``) equals the header.
* ``test_rewrite``: applying the decisions (``unsafe=True``) to a copy of the case gives
  ``NAME.expected.py`` byte for byte (or leaves the file unchanged when there is none), and a
  second analysis and apply of the output changes nothing.
* ``test_runtime`` (needs TensorFlow): the original program runs; when there is an expected file,
  the original and the rewritten program give the same results, and the rewritten target traces
  once (a signature) or fewer times than the original (``reduce_retracing``). A
  ``signature-mismatch`` program must raise ``TypeError``.

* ``test_case_is_well_formed``: the case itself (headers, an expected file that differs only in
  decorator and import lines, no ``main()`` call at import time).
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
import itertools
import json
import os
import re
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from hybridize.api import Config, Result, analyze

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "signatures"

ADD_SIGNATURE = "reconfigure add-input-signature"
REDUCE_RETRACING = "reconfigure reduce-retracing"
STATIC_SHAPE_READ = "reconfigure static-shape-read"
SIGNATURE_MISMATCH = "reconfigure signature-mismatch"
HYBRIDIZE = "hybridize"
NONE = "none"
DECISIONS = (
    ADD_SIGNATURE,
    REDUCE_RETRACING,
    STATIC_SHAPE_READ,
    SIGNATURE_MISMATCH,
    HYBRIDIZE,
    NONE,
)
#: Decisions that edit the file: the case has an ``.expected.py``.
EDITING = (ADD_SIGNATURE, REDUCE_RETRACING, HYBRIDIZE)

_HEADER = re.compile(r"#\s*(target|decision|reasons|signature|settings):\s*(.*?)\s*$")
_EDITABLE_LINE = re.compile(r"\s*(@|import\s|from\s+\S+\s+import\s)")
_GRAPH_ONLY_CALLS = ("experimental_get_tracing_count", "get_concrete_function")


@attrs.frozen
class Case:
    name: str
    path: Path
    target: str
    decision: str  # one of DECISIONS
    reasons: tuple[str, ...]
    signature: str | None
    settings: tuple[tuple[str, str], ...]

    @property
    def expected_path(self) -> Path:
        return self.path.with_name(f"{self.name}.expected.py")

    @property
    def kind(self) -> str:
        return self.decision.split()[0]

    def config(self) -> Config:
        return _config(self.settings)


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def parse_case(path: Path) -> Case:
    """The case described by the leading comment lines of ``path``."""
    headers: dict[str, str] = {}
    for line in _read(path).splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if match is not None:
            key, value = match.groups()
            assert key not in headers, f"{path.name}: header {key!r} given twice"
            headers[key] = value
    missing = {"target", "decision", "reasons"} - set(headers)
    assert not missing, f"{path.name}: missing header(s) {sorted(missing)}"
    decision = " ".join(headers["decision"].split())
    assert decision in DECISIONS, f"{path.name}: unknown decision {decision!r}"
    reasons = tuple(r.strip() for r in headers["reasons"].split(",") if r.strip())
    settings = tuple(
        (key.strip(), value.strip())
        for key, _, value in (piece.partition("=") for piece in headers.get("settings", "").split())
    )
    return Case(
        name=path.stem,
        path=path,
        target=headers["target"],
        decision=decision,
        reasons=reasons,
        signature=headers.get("signature") or None,
        settings=settings,
    )


def _cases() -> list[Case]:
    return [
        parse_case(path)
        for path in sorted(FIXTURES.glob("*.py"))
        if not path.name.endswith(".expected.py")
    ]


CASES = _cases()
IDS = [case.name for case in CASES]


def _config(settings: tuple[tuple[str, str], ...]) -> Config:
    """A ``Config`` from ``key=value`` settings (dashes for underscores in field names)."""
    fields = {field.name: field for field in attrs.fields(Config)}
    values: dict[str, Any] = {}
    for key, text in settings:
        name = key.replace("-", "_")
        assert name in fields, f"unknown setting {key!r} (Config fields: {sorted(fields)})"
        kind = str(fields[name].type)
        value: Any
        if kind == "bool":
            assert text in ("true", "false"), f"{key}: expected true or false, got {text!r}"
            value = text == "true"
        elif kind == "int":
            value = int(text)
        elif kind.startswith("tuple"):
            value = tuple(piece for piece in text.split(",") if piece)
        else:
            value = text
        values[name] = value
    return Config(**values)


def _reasons_match(got: list[str], want: tuple[str, ...]) -> bool:
    """The first reason (the motive) in place; the blocking reasons after it in any order."""
    return got[:1] == list(want[:1]) and sorted(got[1:]) == sorted(want[1:])


def expected_decision_errors(case: Case, decision: Mapping[str, Any]) -> list[str]:
    """How the decision JSON of the target differs from what the case header says."""
    errors: list[str] = []

    def check(what: str, got: Any, want: Any) -> None:
        if got != want:
            errors.append(f"{what}: expected {want!r}, got {got!r}")

    transformation = dict(decision.get("transformation") or {})
    check("kind", decision.get("kind"), case.kind)
    if not _reasons_match(list(decision.get("reasons") or []), case.reasons):
        errors.append(f"reasons: expected {list(case.reasons)!r}, got {decision.get('reasons')!r}")
    check("input_signature", decision.get("input_signature"), case.signature)
    if case.decision == ADD_SIGNATURE:
        check("applicable", decision.get("applicable"), True)
        check(
            "transformation",
            transformation,
            {
                "action": "set-arguments",
                "name": "add-input-signature",
                "arguments": {"input_signature": case.signature},
            },
        )
    elif case.decision == REDUCE_RETRACING:
        check("applicable", decision.get("applicable"), True)
        check(
            "transformation",
            transformation,
            {
                "action": "set-arguments",
                "name": "reduce-retracing",
                "arguments": {"reduce_retracing": "True"},
            },
        )
    elif case.decision == HYBRIDIZE:
        check("applicable", decision.get("applicable"), True)
        arguments = dict(transformation.get("arguments") or {})
        check(
            "transformation.arguments.input_signature",
            arguments.get("input_signature"),
            case.signature,
        )
    else:  # static-shape-read, signature-mismatch, none: nothing to edit
        check("applicable", decision.get("applicable"), False)
        check("transformation", transformation, {})
    return errors


def _decision_json(result: Result, qualname: str) -> dict[str, Any]:
    return dict(result.decision(result.function(qualname)).to_json())


# --------------------------------------------------------------------------------------------
# The cases themselves


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 45, len(CASES)
    covered = {case.decision for case in CASES}
    assert covered == set(DECISIONS), sorted(set(DECISIONS) - covered)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_case_is_well_formed(case: Case) -> None:
    source = _read(case.path)
    tree = ast.parse(source)
    _config(case.settings)  # known settings only
    assert any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body), (
        "no main()"
    )
    for statement in tree.body:  # main() only under `if __name__ == "__main__":`
        if isinstance(statement, (ast.If, ast.FunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "main", "main() is called at import time"
    for name in _GRAPH_ONLY_CALLS:
        assert name not in source, f"the program itself uses {name}"
    if case.decision == ADD_SIGNATURE:
        assert case.signature is not None, "add-input-signature needs a signature header"
    elif case.decision != HYBRIDIZE:
        assert case.signature is None, f"{case.decision} has no input_signature"
    if case.decision == REDUCE_RETRACING:
        assert case.reasons[:1] == ("shape-retracing",) and len(case.reasons) >= 2
    if case.decision in (STATIC_SHAPE_READ, SIGNATURE_MISMATCH):
        assert case.decision.split()[1] in case.reasons

    assert case.expected_path.exists() == (case.decision in EDITING), (
        f"{case.expected_path.name} must exist exactly for {', '.join(EDITING)}"
    )
    if not case.expected_path.exists():
        return
    expected = _read(case.expected_path)
    ast.parse(expected)
    assert expected != source
    old_lines = source.splitlines(keepends=True)
    new_lines = expected.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        for line in old_lines[old_start:old_end] + new_lines[new_start:new_end]:
            assert _EDITABLE_LINE.match(line), f"not a decorator or import line: {line!r}"
    if case.signature is not None and re.search(r"^import tensorflow as tf$", source, re.M):
        assert f"input_signature={case.signature}" in expected


# --------------------------------------------------------------------------------------------
# Analysis and rewriting


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_decision(case: Case) -> None:
    result = analyze([case.path], case.config())
    decision = _decision_json(result, case.target)
    errors = expected_decision_errors(case, decision)
    assert not errors, (
        f"{case.name}: {case.target}\n"
        + "\n".join(errors)
        + "\ndecision:\n"
        + json.dumps(decision, indent=2, sort_keys=True)
    )


def _unified(before: str, after: str, label: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"{label} (expected)",
            f"{label} (got)",
        )
    )


def _applicable(result: Result) -> str:
    return json.dumps(
        {facts.qualname: decision.to_json() for facts, decision in result.applicable},
        indent=2,
        sort_keys=True,
    )


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_rewrite(case: Case, tmp_path: Path) -> None:
    copy = tmp_path / case.path.name
    shutil.copyfile(case.path, copy)
    expected_path = case.expected_path if case.expected_path.exists() else case.path
    expected = expected_path.read_bytes()

    result = analyze([copy], case.config())
    edits = result.apply(unsafe=True)
    rewritten = copy.read_bytes()
    assert rewritten == expected, (
        f"{case.name}: the rewrite differs from {expected_path.name}\n"
        + _unified(expected.decode("utf-8"), rewritten.decode("utf-8"), case.name)
        + f"\nedits: {edits!r}\napplicable decisions:\n{_applicable(result)}"
    )

    again = analyze([copy], case.config())
    second = again.apply(unsafe=True)
    assert copy.read_bytes() == rewritten, (
        f"{case.name}: a second fix changed the output again\n"
        + _unified(rewritten.decode("utf-8"), copy.read_text(encoding="utf-8"), case.name)
        + f"\nedits: {second!r}\napplicable decisions:\n{_applicable(again)}"
    )


# --------------------------------------------------------------------------------------------
# Running the programs under TensorFlow

_module_numbers = itertools.count()


def _load(path: Path) -> ModuleType:
    """Import ``path`` under a fresh module name (its ``__name__`` is not ``__main__``)."""
    stem = re.sub(r"\W", "_", path.stem)
    name = f"_signature_case_{next(_module_numbers)}_{stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def _run(path: Path) -> tuple[Any, int | None]:
    """``main()``'s result and the trace count of its traced function (``None`` when eager)."""
    result, traced = _load(path).main()
    counter = getattr(traced, "experimental_get_tracing_count", None)
    return result, (int(counter()) if callable(counter) else None)


def _plain(value: Any, tf: Any) -> Any:
    """TensorFlow values as NumPy arrays (ragged: nested lists; sparse: the dense array)."""
    if isinstance(value, tf.RaggedTensor):
        return value.to_list()
    if isinstance(value, tf.SparseTensor):
        return tf.sparse.to_dense(value).numpy()
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return value.numpy()
    return value


def assert_same(original: Any, rewritten: Any, tf: Any, where: str = "result") -> None:
    """Recursive comparison: containers by structure, arrays with ``allclose``."""
    import numpy as np  # with TensorFlow only: the analysis tests run without NumPy

    original, rewritten = _plain(original, tf), _plain(rewritten, tf)
    if isinstance(original, Mapping):
        assert isinstance(rewritten, Mapping), f"{where}: {type(rewritten).__name__}"
        assert sorted(original) == sorted(rewritten), f"{where}: keys differ"
        for key in original:
            assert_same(original[key], rewritten[key], tf, f"{where}[{key!r}]")
    elif isinstance(original, (list, tuple)):
        assert type(rewritten) is type(original), f"{where}: {type(rewritten).__name__}"
        assert len(rewritten) == len(original), f"{where}: lengths differ"
        for index, (left, right) in enumerate(zip(original, rewritten, strict=True)):
            assert_same(left, right, tf, f"{where}[{index}]")
    elif isinstance(original, (np.ndarray, np.generic)):
        left, right = np.asarray(original), np.asarray(rewritten)
        assert left.shape == right.shape, f"{where}: shape {left.shape} != {right.shape}"
        assert left.dtype == right.dtype, f"{where}: dtype {left.dtype} != {right.dtype}"
        np.testing.assert_allclose(right, left, rtol=1e-6, atol=1e-6, err_msg=where)
    else:
        assert original == rewritten, f"{where}: {original!r} != {rewritten!r}"


@pytest.mark.tf
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_runtime(case: Case) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    tf = pytest.importorskip("tensorflow")

    if case.decision == SIGNATURE_MISMATCH:
        with pytest.raises(TypeError):
            _load(case.path).main()
        return

    original, original_count = _run(case.path)
    if original_count is not None:  # the program does what its header says about tracing
        if "shape-retracing" in case.reasons or case.decision == STATIC_SHAPE_READ:
            assert original_count >= 2, f"{case.name} should re-trace, traced {original_count}x"
        elif case.reasons == ("already-optimal",) and ("input-signatures", "never") not in (
            case.settings
        ):
            assert original_count == 1, f"{case.name} should trace once, traced {original_count}x"
    if not case.expected_path.exists():
        return

    rewritten, rewritten_count = _run(case.expected_path)
    assert_same(original, rewritten, tf)
    if case.signature is not None:
        assert rewritten_count == 1, f"with the signature: {rewritten_count} traces"
    if case.decision == REDUCE_RETRACING:
        assert original_count is not None and rewritten_count is not None
        assert rewritten_count < original_count, (
            f"reduce_retracing: {rewritten_count} traces, originally {original_count}"
        )
