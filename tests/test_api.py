"""The library front door: ``hybridize.analyze`` and its ``Result``."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hybridize.api import Config, UserError, analyze

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_analyze_without_tensorflow_installed() -> None:
    """The analysis never imports TensorFlow: block it and analyse the example project."""
    script = textwrap.dedent(
        f"""
        import sys
        for name in ("tensorflow", "keras", "numpy"):
            sys.modules[name] = None  # any import of them now raises ImportError
        from hybridize.api import analyze
        result = analyze([{str(EXAMPLES)!r}])
        assert result.functions, "no functions analysed"
        assert "tensorflow" not in [m for m in sys.modules if sys.modules[m] is not None]
        print(len(result.functions))
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout.strip()) > 10


def test_result_json_is_deterministic_and_versioned() -> None:
    first = analyze([EXAMPLES]).to_json()
    second = analyze([EXAMPLES]).to_json()
    assert first == second
    data = json.loads(first)
    assert data["schema"] == 1
    assert {f["status"] for f in data["files"]} == {"analyzed"}
    train_step = next(f for f in data["functions"] if f["qualname"] == "train_step")
    assert train_step["facts"]["tensor_computation"] is True
    assert train_step["evidence"]["tensor_computation"], "facts must carry evidence"


def test_files_with_errors_are_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text("def f(x):\n    return x\n\nf(1)\n", encoding="utf-8")
    (tmp_path / "bad.py").write_text("def broken(:\n", encoding="utf-8")
    result = analyze([tmp_path])
    statuses = {f.relpath: (f.status, f.error) for f in result.files}
    assert statuses["good.py"] == ("analyzed", None)
    assert statuses["bad.py"][0] == "syntax-error" and "line 1" in (statuses["bad.py"][1] or "")
    assert [f.qualname for f in result.functions] == ["f"]


def test_missing_path_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file or directory"):
        analyze([tmp_path / "missing"])


def test_directory_without_python_files_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("nothing here", encoding="utf-8")
    with pytest.raises(UserError, match="no Python files"):
        analyze([tmp_path])


def test_exclude_globs(tmp_path: Path) -> None:
    (tmp_path / "keep.py").write_text("def kept():\n    pass\n", encoding="utf-8")
    generated = tmp_path / "generated"
    generated.mkdir()
    (generated / "skip.py").write_text("def skipped():\n    pass\n", encoding="utf-8")
    result = analyze([tmp_path], Config(exclude=("generated",)))
    assert [f.qualname for f in result.functions] == ["kept"]


def test_star_arguments_never_crash(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """
        import tensorflow as tf

        def inner(a, b=2, *rest, key, **options):
            return tf.add(a, b)

        def outer(*args, **kwargs):
            return inner(*args, **kwargs)

        outer(tf.ones(2), 3, key=1, extra=True)
        inner(*[tf.zeros(2)], **{"key": 4})
        """
    )
    (tmp_path / "star.py").write_text(source, encoding="utf-8")
    result = analyze([tmp_path])
    inner = result.function("inner")
    kinds = {p.name: p.kind for p in inner.parameters}
    assert kinds["a"] in ("tensor", "unknown")
    assert set(kinds) == {"a", "b", "rest", "key", "options"}
