"""Run pyright once, in batch, on a shadow copy with probes; read its answers by position.

Pyright is found without any network access: the ``pyright`` PyPI package bundles the npm
package (``pyright/dist/index.js``), older versions keep it in ``~/.cache/pyright-python``;
either is run directly with the ``node`` on PATH (no version check, no download). Answers are
cached in ``.hybridize_cache/oracle/`` under the project root, keyed by the analysed files'
hashes, the probes, and the pyright and hybridize versions.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from hybridize.lattice.location import Location
from hybridize.oracle.mapping import map_type
from hybridize.oracle.probes import Probe, find_probes, shadow_source
from hybridize.project.model import FileStatus
from hybridize.transfer.analysis import Analysis
from hybridize.transfer.facts import OracleFact

NAME = "pyright"
CACHE_FORMAT = 1
CACHE_DIR = Path(".hybridize_cache") / "oracle"


class OracleUnavailable(Exception):
    """The oracle was requested but cannot run (no node, no pyright, a timeout, bad output):
    one line for the user (the front doors exit 2)."""


@attrs.frozen
class Tool:
    node: str
    script: Path  # pyright's index.js
    version: str


@attrs.frozen
class OracleRun:
    """The answers of one run and what it cost."""

    answers: Mapping[tuple[str, str, Location | None], OracleFact]
    probes: int
    answered: int  # probes pyright gave a type for (mapped or not)
    seconds: float
    cached: bool


def locate() -> Tool:
    """The node binary and pyright script to run, or ``OracleUnavailable`` saying what is
    missing."""
    node = shutil.which("node")
    if node is None:
        raise OracleUnavailable("--oracle pyright needs Node.js, but `node` was not found on PATH")
    for script in _candidate_scripts():
        version = _package_version(script.parent / "package.json")
        if script.is_file() and version is not None:
            return Tool(node, script, version)
    raise OracleUnavailable(
        "--oracle pyright needs pyright: `pip install pyright` (it bundles the type checker)"
    )


def _candidate_scripts() -> list[Path]:
    found: list[Path] = []
    override = os.environ.get("HYBRIDIZE_PYRIGHT_SCRIPT")
    if override:
        return [Path(override)]
    spec = importlib.util.find_spec("pyright")
    if spec is not None and spec.origin is not None:
        found.append(Path(spec.origin).parent / "dist" / "index.js")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pyright-python"
    if cache.is_dir():
        found.extend(sorted(cache.glob("*/node_modules/pyright/index.js"), reverse=True))
    return found


def _package_version(package_json: Path) -> str | None:
    try:
        data = json.loads(package_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return version if isinstance(version, str) else None


def run_oracle(
    analysis: Analysis,
    *,
    timeout: float = 120.0,
    use_cache: bool = True,
    tool: Tool | None = None,
    tool_version: str = "",
) -> OracleRun:
    """Ask pyright about every unknown parameter and argument of ``analysis``."""
    started = time.perf_counter()
    tool = tool or locate()
    project = analysis.project
    probes = find_probes(analysis)
    if not probes:
        return OracleRun({}, 0, 0, time.perf_counter() - started, False)
    files = sorted(
        (f for f in project.files if f.status is FileStatus.ANALYZED),
        key=lambda f: f.relpath,
    )
    key = _cache_key(tool, tool_version, [(f.relpath, f.digest) for f in files], probes)
    cache_file = Path(project.root) / CACHE_DIR / f"{key}.json"
    types: dict[int, str] | None = _read_cache(cache_file) if use_cache else None
    cached = types is not None
    if types is None:
        types = _run(tool, analysis, probes, timeout)
        _write_cache(cache_file, types)
    answers: dict[tuple[str, str, Location | None], OracleFact] = {}
    for index, text in types.items():
        if not 0 <= index < len(probes):
            continue
        probe = probes[index]
        value = map_type(text)
        if value is None:
            continue
        fact = OracleFact(value, f"oracle ({NAME}): {text}", probe.location)
        previous = answers.get(probe.key())
        answers[probe.key()] = (
            fact
            if previous is None
            else OracleFact(previous.value.join(value), previous.detail, previous.location)
        )
    return OracleRun(answers, len(probes), len(types), time.perf_counter() - started, cached)


def _run(tool: Tool, analysis: Analysis, probes: Sequence[Probe], timeout: float) -> dict[int, str]:
    project = analysis.project
    by_file: dict[str, list[tuple[int, Probe]]] = {}
    for index, probe in enumerate(probes):
        by_file.setdefault(probe.location.path, []).append((index, probe))
    positions: dict[tuple[str, int, int], int] = {}
    with tempfile.TemporaryDirectory(prefix="hybridize-oracle-") as directory:
        shadow_root = Path(directory)
        included: list[str] = []
        for source in project.files:
            if source.status is not FileStatus.ANALYZED:
                continue
            try:
                text = Path(source.path).read_bytes().decode(source.encoding)
            except (OSError, UnicodeDecodeError, LookupError):
                continue
            group = by_file.get(source.relpath, [])
            if group:
                text, found = shadow_source(text, group, project.functions)
                for index, (line, column) in found.items():
                    positions[(source.relpath, line, column)] = index
            target = shadow_root / source.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            if group:  # the others are only imported: pyright reads what it needs of them
                included.append(source.relpath)
        config = {
            "include": included,
            "extraPaths": [str(project.root), *_pythonpath()],
            "pythonVersion": f"{sys.version_info.major}.{sys.version_info.minor}",
            "typeCheckingMode": "off",
            "reportMissingImports": False,
            "reportMissingModuleSource": False,
        }
        (shadow_root / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
        command = [
            tool.node,
            str(tool.script),
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "-p",
            str(shadow_root / "pyrightconfig.json"),
        ]
        try:
            completed = subprocess.run(
                command,
                cwd=shadow_root,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise OracleUnavailable(
                f"--oracle pyright: pyright took more than {timeout:g} s "
                "(raise oracle-timeout / --oracle-timeout)"
            ) from None
        except OSError as error:
            raise OracleUnavailable(f"--oracle pyright: cannot run node: {error}") from None
        try:
            data = json.loads(completed.stdout.decode("utf-8", errors="replace"))
        except ValueError:
            last = completed.stderr.decode("utf-8", errors="replace").strip().splitlines()
            raise OracleUnavailable(
                f"--oracle pyright: pyright gave no JSON output (exit {completed.returncode}"
                + (f": {last[-1]}" if last else "")
                + ")"
            ) from None
        return answers_from_json(data, shadow_root, positions)


def _pythonpath() -> list[str]:
    """``PYTHONPATH`` directories: the analysed code imports from them like the interpreter."""
    entries = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    return [os.path.abspath(entry) for entry in entries if entry and os.path.isdir(entry)]


def answers_from_json(
    data: Any, shadow_root: Path, positions: Mapping[tuple[str, int, int], int]
) -> dict[int, str]:
    """Probe index -> the type pyright revealed, matched by the diagnostic's start (file,
    0-based line, UTF-16 column) against where each probe's expression lies in the shadow."""
    result: dict[int, str] = {}
    diagnostics = data.get("generalDiagnostics", []) if isinstance(data, dict) else []
    root = os.path.realpath(shadow_root)
    for diagnostic in diagnostics:
        if not isinstance(diagnostic, dict) or diagnostic.get("severity") != "information":
            continue
        message = diagnostic.get("message")
        file = diagnostic.get("file")
        start = (diagnostic.get("range") or {}).get("start") or {}
        if not isinstance(message, str) or not isinstance(file, str):
            continue
        text = revealed_type(message)
        if text is None:
            continue
        relpath = os.path.relpath(os.path.realpath(file), root).replace(os.sep, "/")
        index = positions.get((relpath, start.get("line", -1), start.get("character", -1)))
        if index is not None:
            result[index] = text
    return result


def revealed_type(message: str) -> str | None:
    """``Type of "x" is "Tensor"`` -> ``Tensor``."""
    if not message.startswith('Type of "') or '" is "' not in message:
        return None
    text = message.rsplit('" is "', 1)[1]
    return text[:-1] if text.endswith('"') else None


def _cache_key(
    tool: Tool, tool_version: str, files: list[tuple[str, str]], probes: Sequence[Probe]
) -> str:
    payload = json.dumps(
        {
            "format": CACHE_FORMAT,
            "pyright": tool.version,
            "hybridize": tool_version,
            "python": [sys.executable, *_pythonpath()],
            "files": files,
            "probes": [
                [p.function_id, p.name, str(p.call_site), str(p.location), p.expression, p.end]
                for p in probes
            ],
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def _read_cache(path: Path) -> dict[int, str] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        return None
    try:
        return {int(k): v for k, v in data.items()}
    except ValueError:
        return None


def _write_cache(path: Path, types: Mapping[int, str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({str(k): v for k, v in sorted(types.items())}))
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
