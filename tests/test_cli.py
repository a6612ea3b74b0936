"""The command line: output formats, exit codes, and errors as one line instead of a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hybridize import __version__, cli

REPO = Path(__file__).resolve().parent.parent

MODULE = """\
import tensorflow as tf


@tf.function
def step(x):
    return x * 2


def log_value(value):
    print(value)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "mod.py").write_text(MODULE, encoding="utf-8")
    return tmp_path


def run_module(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``python -m hybridize ...`` in a child process, as a user would run it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "hybridize", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_json_output_parses_and_has_schema_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["analyze", "--format", "json", str(project)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1
    assert data["tool"]["name"] == "hybridize"
    assert data["tool"]["version"] == __version__
    assert [entry["path"] for entry in data["files"]] == ["mod.py"]
    qualnames = {function["qualname"]: function for function in data["functions"]}
    assert {"step", "log_value"} <= set(qualnames)
    assert qualnames["step"]["hybrid"] is True
    assert qualnames["log_value"]["hybrid"] is False


def test_json_output_is_deterministic(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for _ in range(2):
        assert cli.main(["analyze", "--format", "json", str(project)]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_default_path_is_the_current_directory(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    assert cli.main(["analyze", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [entry["path"] for entry in data["files"]] == ["mod.py"]


def test_text_output_has_one_line_per_function_and_a_summary(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["analyze", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    step = [line for line in lines if re.match(r"mod\.py:5:(\d+:)? step\b", line)]
    assert len(step) == 1, lines
    assert "[hybrid]" in step[0]
    assert "x=" in step[0]
    log_value = [line for line in lines if re.match(r"mod\.py:9:(\d+:)? log_value\b", line)]
    assert len(log_value) == 1, lines
    assert "[hybrid]" not in log_value[0]
    assert "python-io@mod.py:10" in log_value[0]
    assert re.fullmatch(r"1 file analysed, \d+ functions?, 0 files with errors", lines[-1])
    assert "\x1b[" not in "\n".join(lines), "no colour when stdout is not a terminal"


def test_text_output_lists_files_that_failed_to_parse(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "broken.py").write_text("def oops(:\n", encoding="utf-8")
    assert cli.main(["analyze", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("broken.py: syntax-error") for line in lines), lines
    assert lines[-1].startswith("1 file analysed,")
    assert lines[-1].endswith("1 file with errors")


def test_exclude_drops_matching_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "generated.py").write_text("def generated_helper(x):\n    return x\n", "utf-8")
    assert cli.main(["analyze", "--format", "json", "--exclude", "generated.py", str(project)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "generated_helper" not in {function["name"] for function in data["functions"]}
    assert "step" in {function["name"] for function in data["functions"]}


def test_nonexistent_path_is_a_one_line_error_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "does-not-exist"
    completed = run_module("analyze", str(missing))
    assert completed.returncode == 2
    assert completed.stdout == ""
    stderr_lines = completed.stderr.strip().splitlines()
    assert len(stderr_lines) == 1, completed.stderr
    assert stderr_lines[0].startswith("hybridize: error: ")
    assert "Traceback" not in completed.stderr


def test_directory_without_python_files_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("no code here\n", encoding="utf-8")
    assert cli.main(["analyze", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("hybridize: error: ")
    assert len(captured.err.strip().splitlines()) == 1


def test_internal_error_is_one_line_with_a_hint(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("hybridize.api.analyze", explode)
    assert cli.main(["analyze", str(project)]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "hybridize: internal error: RuntimeError: boom second line",
        "hybridize: rerun with --traceback for details",
    ]

    assert cli.main(["analyze", "--traceback", str(project)]) == 2
    captured = capsys.readouterr()
    assert "Traceback (most recent call last)" in captured.err
    assert captured.err.rstrip().endswith("RuntimeError: boom second line")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"hybridize {__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    completed = run_module("--version")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"hybridize {__version__}"


@pytest.mark.parametrize(
    "argv",
    [[], ["analyze", "--format", "xml"], ["frobnicate"], ["analyze", "--no-such-flag"]],
    ids=["no-command", "bad-format", "unknown-command", "unknown-flag"],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = cli.main(argv)
    except SystemExit as exit_info:
        code = int(exit_info.code or 0)
    assert code == 2
    assert capsys.readouterr().err
