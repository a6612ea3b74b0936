"""Robustness: the analysis survives whole real-world libraries and accounts for every file.

The installed ``keras`` and ``tensorflow`` packages are large, idiomatic TF2 code using nearly every
Python feature. Each is analysed in a child process (``python -m hybridize.analysis_smoke``), so
a hang is cut off by a timeout instead of eating CI's budget and the memory of one analysis is not
kept by the test process. The test checks the reported files against its own walk of the tree.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = float(os.environ.get("HYBRIDIZE_SMOKE_TIMEOUT", "1800"))
STATUSES = {"analyzed", "syntax-error", "skipped", "unreadable"}


def installed_package_directory(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        pytest.skip(f"{name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def python_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def names_for(root: Path, path: Path) -> list[str]:
    """A file's relpath relative to ``root`` or to any ancestor: the analysis chooses the root."""
    relpath = path.relative_to(root).as_posix()
    parts = root.resolve().parts
    return [relpath] + [
        "/".join([*parts[start:], relpath]) for start in range(len(parts) - 1, 0, -1)
    ]


def run_smoke(root: Path) -> dict[str, Any]:
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "hybridize.analysis_smoke", "--json", "--files", str(root)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"analysing {root} took longer than {TIMEOUT_SECONDS:.0f} s")
    assert completed.returncode in (0, 1), (
        f"analysis of {root} crashed (exit {completed.returncode}):\n{completed.stderr[-5000:]}"
    )
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.slow
@pytest.mark.tf
@pytest.mark.parametrize("package", ["keras", "tensorflow"])
def test_installed_package_is_analysed_without_losing_a_file(package: str) -> None:
    root = installed_package_directory(package)
    report = run_smoke(root)

    assert report["problems"] == []
    entries = {entry["relpath"]: entry for entry in report["files"]}
    on_disk = python_files(root)
    assert on_disk, f"no Python files under {root}"
    assert report["discovered"] == len(on_disk)
    for path in on_disk:
        entry = next((entries[name] for name in names_for(root, path) if name in entries), None)
        assert entry is not None, f"{path} is missing from result.files"
        assert entry["status"] in STATUSES, entry
        if entry["status"] != "analyzed":
            assert entry["error"], f"{path}: {entry['status']} without a reason"
    assert report["statuses"].get("analyzed", 0) > 0.9 * len(on_disk)
    assert report["functions"] > 0


def test_coverage_check_reports_missing_and_unexplained_files(tmp_path: Path) -> None:
    from hybridize.analysis_smoke import FileEntry, coverage_problems

    package = tmp_path / "pkg"
    files = [
        FileEntry("pkg/__init__.py", "analyzed", None),
        FileEntry("pkg/broken.py", "syntax-error", None),
        FileEntry("pkg/odd.py", "exploded", "?"),
    ]
    discovered = ["__init__.py", "broken.py", "odd.py", "lost.py"]
    assert coverage_problems(package, discovered, files) == [
        "broken.py: status syntax-error without an error reason",
        "odd.py: unknown status 'exploded'",
        "lost.py: missing from result.files",
    ]
