"""Verification results cached by what they depend on, in ``.hybridize_cache/verify/`` at the
project root.

A result depends on the decision (its JSON: kind, transformation, proof), on every analysed file
(the program that exercises the function may be anywhere in the project), on the version of
hybridize, and on the interpreter that ran it (its path and its TensorFlow version) and the entry
program asked for. The first three make the *source key*, one file per key; the others make the
*environment key* of an entry in that file. ``check --format json`` shows the latest entry of the
current source key whatever the interpreter, without starting one; ``verify`` reuses only an
entry of its own environment.

Writes are atomic (a temporary file renamed over the old one); a cache that cannot be read or
written is ignored, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hybridize.refactor.model import Decision
from hybridize.verify.model import STATUSES, Outcome

DIRECTORY = Path(".hybridize_cache") / "verify"
FORMAT = 1


def source_key(
    function_id: str, decision: Decision, digests: Mapping[str, str], version: str
) -> str:
    data = {
        "format": FORMAT,
        "function": function_id,
        "decision": decision.to_json(),
        "files": sorted(digests.items()),
        "version": version,
    }
    return _sha256(data)


def environment_key(python: str, tensorflow: str | None, entry: str | None) -> str:
    return _sha256({"python": python, "tensorflow": tensorflow, "entry": entry})


def _sha256(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file(root: Path, key: str) -> Path:
    return root / DIRECTORY / f"{key}.json"


def _read(root: Path, key: str) -> dict[str, Any]:
    try:
        data = json.loads(_file(root, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("entries") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def _outcome(entry: Any) -> Outcome | None:
    if not isinstance(entry, dict) or entry.get("status") not in STATUSES:
        return None
    speedup = entry.get("speedup")
    return Outcome(
        str(entry["status"]),
        str(entry.get("detail", "")),
        float(speedup) if isinstance(speedup, (int, float)) else None,
    )


def load(root: Path, key: str, environment: str) -> Outcome | None:
    """The cached outcome for this source and environment."""
    return _outcome(_read(root, key).get(environment))


def latest(root: Path, key: str) -> Outcome | None:
    """The most recent cached outcome for this source, whatever the environment."""
    entries = [e for e in _read(root, key).values() if isinstance(e, dict)]
    entries.sort(
        key=lambda e: float(e.get("time", 0)) if isinstance(e.get("time"), (int, float)) else 0.0
    )
    for entry in reversed(entries):
        outcome = _outcome(entry)
        if outcome is not None:
            return outcome
    return None


def latest_all(root: Path, keys: Mapping[str, str]) -> dict[str, Outcome]:
    """``latest`` for many ``name -> key``, reading nothing when there is no cache."""
    if not (root / DIRECTORY).is_dir():
        return {}
    found = {}
    for name, key in keys.items():
        outcome = latest(root, key)
        if outcome is not None:
            found[name] = outcome
    return found


def store(
    root: Path, key: str, environment: str, outcome: Outcome, details: Mapping[str, Any]
) -> None:
    """Add (or replace) this environment's entry; failures to write are ignored."""
    directory = root / DIRECTORY
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _mark(directory.parent)
        entries = _read(root, key)
        entries[environment] = {
            "status": outcome.status,
            "detail": outcome.detail,
            "speedup": outcome.speedup,
            "time": time.time(),
            **details,
        }
        _write(_file(root, key), {"format": FORMAT, "entries": entries})
    except OSError:
        pass


def _mark(directory: Path) -> None:
    """A ``.gitignore`` and a ``CACHEDIR.TAG`` in ``.hybridize_cache`` so that version control and
    backups leave it alone."""
    ignore = directory / ".gitignore"
    if not ignore.exists():
        _write_text(ignore, "# created by hybridize\n*\n")
    tag = directory / "CACHEDIR.TAG"
    if not tag.exists():
        _write_text(
            tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n"
            "# This file is a cache directory tag created by hybridize.\n",
        )


def _write(path: Path, data: Any) -> None:
    _write_text(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def _write_text(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
