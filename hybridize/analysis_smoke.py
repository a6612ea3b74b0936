"""Robustness smoke run: analyse whole installed libraries and account for every file.

    python -m hybridize.analysis_smoke [--json] [PATHS...]

With no paths, analyses the installed ``keras`` and ``tensorflow`` package directories: large,
real, idiomatic TF2 code with every Python feature in use. The analysis must not raise, and every
``.py`` file found on disk must appear in ``Result.files`` with a status, plus a reason for each
file that was not analysed. Exit code 0 when that holds, 1 when a file is unaccounted for.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from hybridize.api import Result, analyze

DEFAULT_PACKAGES = ("keras", "tensorflow")
STATUSES = frozenset({"analyzed", "syntax-error", "skipped", "unreadable"})


@attrs.frozen
class FileEntry:
    relpath: str
    status: str
    error: str | None


@attrs.frozen
class SmokeReport:
    """What one smoke run found; ``problems`` is empty when every file is accounted for."""

    path: str
    discovered: int
    functions: int
    lines: int
    seconds: float
    statuses: dict[str, int]
    problems: tuple[str, ...]
    files: tuple[FileEntry, ...]

    def to_dict(self, *, with_files: bool = False) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=True)
        if not with_files:
            del data["files"]
        data["problems"] = list(self.problems)
        return data


def package_directory(name: str) -> Path | None:
    """Where an installed package lives, found without importing it (TensorFlow is slow to load)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def discover_python_files(root: Path) -> list[str]:
    """Every ``.py`` file under ``root`` as a POSIX path relative to it (caches excluded)."""
    if root.is_file():
        return [root.name]
    found = []
    for directory, subdirectories, filenames in os.walk(root):
        subdirectories[:] = sorted(name for name in subdirectories if name != "__pycache__")
        for filename in filenames:
            if filename.endswith(".py"):
                found.append(Path(directory, filename).relative_to(root).as_posix())
    return sorted(found)


def relpath_candidates(root: Path, relpath: str) -> list[str]:
    """The names a result may give a file under ``root``: relative to ``root`` itself or to one of
    its ancestors (the analysis may take, say, the directory above a top-level package as the
    project root)."""
    base = root.resolve()
    directory = base.parent if base.is_file() else base
    parts = directory.parts
    return [relpath] + [
        "/".join([*parts[start:], relpath]) for start in range(len(parts) - 1, 0, -1)
    ]


def coverage_problems(
    root: Path, discovered: Iterable[str], files: Sequence[FileEntry]
) -> list[str]:
    """Files on disk missing from the result, unknown statuses, unexplained non-analysed files."""
    by_relpath = {entry.relpath: entry for entry in files}
    problems = []
    for relpath in discovered:
        entry = next(
            (by_relpath[name] for name in relpath_candidates(root, relpath) if name in by_relpath),
            None,
        )
        if entry is None:
            problems.append(f"{relpath}: missing from result.files")
        elif entry.status not in STATUSES:
            problems.append(f"{relpath}: unknown status {entry.status!r}")
        elif entry.status != "analyzed" and not entry.error:
            problems.append(f"{relpath}: status {entry.status} without an error reason")
    return problems


def file_entries(result: Result) -> tuple[FileEntry, ...]:
    return tuple(
        FileEntry(
            relpath=record.relpath,
            status=str(getattr(record.status, "value", record.status)),
            error=record.error,
        )
        for record in result.files
    )


def smoke(path: str | os.PathLike[str]) -> SmokeReport:
    root = Path(path)
    discovered = discover_python_files(root)
    started = time.perf_counter()
    result = analyze([root])
    seconds = time.perf_counter() - started
    files = file_entries(result)
    lines = sum(
        record.lines
        for record, entry in zip(result.files, files, strict=True)
        if entry.status == "analyzed"
    )
    return SmokeReport(
        path=str(root),
        discovered=len(discovered),
        functions=len(result.functions),
        lines=lines,
        seconds=round(seconds, 3),
        statuses=dict(sorted(Counter(entry.status for entry in files).items())),
        problems=tuple(coverage_problems(root, discovered, files)),
        files=files,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hybridize.analysis_smoke")
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="default: installed keras and tensorflow"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON report per line")
    parser.add_argument("--files", action="store_true", help="with --json: list every file")
    args = parser.parse_args(argv)

    paths: list[str] = list(args.paths)
    if not paths:
        for name in DEFAULT_PACKAGES:
            directory = package_directory(name)
            if directory is None:
                print(f"{name}: not installed, skipped", file=sys.stderr)
            else:
                paths.append(str(directory))
    if not paths:
        parser.error("nothing to analyse: give PATHS or install keras / tensorflow")

    failed = False
    for path in paths:
        report = smoke(path)
        failed = failed or bool(report.problems)
        if args.json:
            print(json.dumps(report.to_dict(with_files=args.files), sort_keys=True), flush=True)
        else:
            _print_report(report)
    return 1 if failed else 0


def _print_report(report: SmokeReport) -> None:
    statuses = ", ".join(f"{status} {count}" for status, count in report.statuses.items())
    rate = report.lines / 1000 / report.seconds if report.seconds else float("inf")
    print(
        f"{report.path}: {report.discovered} .py files ({statuses}), "
        f"{report.functions} functions, {report.lines / 1000:.1f} KLOC "
        f"in {report.seconds:.1f} s ({rate:.1f} KLOC/s)"
    )
    for problem in report.problems[:50]:
        print(f"  problem: {problem}")
    if len(report.problems) > 50:
        print(f"  ... and {len(report.problems) - 50} more problems")
    sys.stdout.flush()


if __name__ == "__main__":
    raise SystemExit(main())
