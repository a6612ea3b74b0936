"""``hybridize fix`` and the library's ``Result.apply()`` / ``Result.diff()``: what gets written,
what never does, and the exit codes (README, "Exit codes")."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from hybridize import cli
from hybridize.api import Config, analyze

REPO = Path(__file__).resolve().parent.parent

TRAIN = """\
import tensorflow as tf


def train_step(x):
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


@tf.function
def total(a, b):
    return a * b


def _loop():
    for i in range(10):
        train_step(tf.ones([2, 2]))
        total(i, 4)
"""

FIXED = """\
import tensorflow as tf


@tf.function
def train_step(x):
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def total(a, b):
    return a * b


def _loop():
    for i in range(10):
        train_step(tf.ones([2, 2]))
        total(i, 4)
"""

CONDITIONAL = """\
import tensorflow as tf


def train_step(x):
    print("step")
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def _loop():
    for i in range(10):
        train_step(tf.ones([2, 2]))
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    return tmp_path


def fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["fix", "--isolated", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_fix_applies_safe_decisions(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = fix(capsys, str(project))
    assert code == 0
    assert (project / "train.py").read_text(encoding="utf-8") == FIXED
    assert "train.py:4:1: hybridized train_step [safe]" in out
    assert "train.py:11:1: dehybridized total [safe]" in out
    assert "Fixed 2 functions in 1 file" in out
    # Running again finds nothing to do and leaves the file alone.
    mtime = (project / "train.py").stat().st_mtime_ns
    code, out, _ = fix(capsys, str(project))
    assert code == 0
    assert "Fixed 0 functions in 0 files" in out
    assert (project / "train.py").stat().st_mtime_ns == mtime


def test_exit_non_zero_on_fix(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fix(capsys, "--exit-non-zero-on-fix", str(project))[0] == 1
    assert fix(capsys, "--exit-non-zero-on-fix", str(project))[0] == 0


def test_diff_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = fix(capsys, "--diff", str(project))
    assert code == 1
    assert (project / "train.py").read_text(encoding="utf-8") == TRAIN
    assert out.startswith("--- a/train.py\n+++ b/train.py\n")
    assert "+@tf.function\n def train_step(x):" in out
    assert "-@tf.function\n def total(a, b):" in out
    assert "Would fix 2 functions in 1 file" in err
    # The diff applies cleanly with patch -p1 and gives the fixed file.
    patch = subprocess.run(
        ["patch", "-p1", "--dry-run"], input=out, cwd=project, text=True, capture_output=True
    )
    if patch.returncode == 127:  # pragma: no cover - no patch tool
        pytest.skip("patch not installed")
    assert patch.returncode == 0, patch.stdout + patch.stderr


def test_conditional_needs_unsafe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "train.py").write_text(CONDITIONAL, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.hybridize]\nignore = ["python-side-effects"]\n', encoding="utf-8"
    )
    code = cli.main(["fix", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "1 conditional refactoring not applied" in out
    assert (tmp_path / "train.py").read_text(encoding="utf-8") == CONDITIONAL
    assert cli.main(["fix", "--unsafe", str(tmp_path)]) == 0
    assert "@tf.function\ndef train_step" in (tmp_path / "train.py").read_text(encoding="utf-8")


def test_library_apply_and_diff(project: Path) -> None:
    result = analyze([project], Config())
    diff = result.diff()
    assert "+@tf.function" in diff
    assert (project / "train.py").read_text(encoding="utf-8") == TRAIN
    edits = result.apply()
    assert sorted((e.qualname, e.kind, e.applied, e.written) for e in edits) == [
        ("total", "dehybridize", True, True),
        ("train_step", "hybridize", True, True),
    ]
    assert (project / "train.py").read_text(encoding="utf-8") == FIXED
    # The result describes the old text: applying it again must not touch the new file.
    again = result.apply()
    assert not any(e.written for e in again)
    assert all("changed since it was analysed" in e.message for e in again)
    assert (project / "train.py").read_text(encoding="utf-8") == FIXED


def test_file_changed_since_analysis_is_skipped(project: Path) -> None:
    result = analyze([project], Config())
    edited = TRAIN.replace("import tensorflow as tf", "import tensorflow as tf  # edited")
    (project / "train.py").write_text(edited, encoding="utf-8")
    plans = result.write(result.plan())
    assert [p.written for p in plans] == [False]
    assert "changed since it was analysed" in plans[0].message
    assert (project / "train.py").read_text(encoding="utf-8") == edited


def test_permissions_kept_and_no_temporary_files_left(project: Path) -> None:
    target = project / "train.py"
    os.chmod(target, 0o640)
    analyze([project], Config()).apply()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in project.iterdir()) == ["train.py"]


def test_symlinked_file_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "train.py").write_text(TRAIN, encoding="utf-8")
    linked = tmp_path / "project"
    linked.mkdir()
    (linked / "train.py").symlink_to(real / "train.py")
    analyze([linked], Config()).apply()
    assert (linked / "train.py").is_symlink()
    assert (real / "train.py").read_text(encoding="utf-8") == FIXED


def test_crlf_and_encoding_cookie_are_kept(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\n" + TRAIN.replace("def _loop", "# caf\xe9\ndef _loop")
    data = source.replace("\n", "\r\n").encode("latin-1")
    (tmp_path / "train.py").write_bytes(data)
    analyze([tmp_path], Config()).apply()
    written = (tmp_path / "train.py").read_bytes()
    expected = "# -*- coding: latin-1 -*-\n" + FIXED.replace("def _loop", "# caf\xe9\ndef _loop")
    assert written == expected.replace("\n", "\r\n").encode("latin-1")


# --- bad input: a clear one-line message, the documented exit code, no file damaged ----------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "hybridize", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def assert_one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("hybridize: error:")]
    assert errors and text in errors[0], result.stderr


@pytest.mark.parametrize("command", ["check", "fix"])
def test_missing_path(command: str, tmp_path: Path) -> None:
    assert_one_line_error(run(command, "nope", cwd=tmp_path), "nope: no such file or directory")


@pytest.mark.parametrize("command", ["check", "fix"])
def test_directory_without_python_files(command: str, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello", encoding="utf-8")
    assert_one_line_error(run(command, "empty", cwd=tmp_path), "no Python files found")


BAD_FILES: dict[str, bytes] = {
    "syntax.py": b"import tensorflow as tf\n\ndef f(x:\n    return tf.add(x, 1)\n",
    "latin.py": b"x = '\xe9t\xe9'\n",  # not UTF-8, no coding cookie
    "binary.py": bytes(range(256)) * 4,
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_are_reported_and_never_written(name: str, tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    (tmp_path / name).write_bytes(BAD_FILES[name])
    result = run("fix", "--isolated", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{name}:" in result.stderr  # the file and why it was skipped, on one line
    assert (tmp_path / name).read_bytes() == BAD_FILES[name]
    assert (tmp_path / "train.py").read_text(encoding="utf-8") == FIXED  # the rest is fixed


def test_read_only_file(tmp_path: Path) -> None:
    target = tmp_path / "train.py"
    target.write_text(TRAIN, encoding="utf-8")
    target.chmod(0o444)
    result = run("fix", "--isolated", ".", cwd=tmp_path)
    assert_one_line_error(result, "train.py: read-only; not rewritten")
    assert target.read_text(encoding="utf-8") == TRAIN
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(TRAIN, encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path)  # a directory cycle
    (tmp_path / "self.py").symlink_to(tmp_path / "self.py")  # a file link to itself
    result = run("fix", "--isolated", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "self.py:" in result.stderr
    assert (tmp_path / "train.py").read_text(encoding="utf-8") == FIXED
    assert os.readlink(tmp_path / "self.py") == str(tmp_path / "self.py")


@pytest.mark.slow
def test_five_megabyte_generated_file(tmp_path: Path) -> None:
    """A generated module of about 5 MB: analysed and fixed like any other, all of it kept."""
    parts = ["import tensorflow as tf\n"]
    index = 0
    while sum(map(len, parts)) < 5 * 1024 * 1024:
        parts.append(f"\n\ndef table_{index}(x):\n    return [{', '.join(['x'] * 60)}]\n")
        index += 1
    parts.append(TRAIN.split("\n", 1)[1])
    (tmp_path / "generated.py").write_text("".join(parts), encoding="utf-8")
    result = run("fix", "--isolated", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "generated.py").read_text(encoding="utf-8")
    assert written.count("\n") == "".join(parts).count("\n")  # one decorator moved
    assert "@tf.function\ndef train_step" in written
    ast.parse(written)
