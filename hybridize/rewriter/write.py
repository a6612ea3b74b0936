"""Rewriting files on disk without ever losing user code.

A file is rewritten only when all of these hold: it still has the bytes that were analysed (its
SHA-256 matches; otherwise someone edited it since and the decisions may no longer hold), the
rewritten text parses, and the text actually changed. The write is atomic: a temporary file in
the same directory is written, flushed and fsynced, given the original's permission bits, and
renamed over the original, so a crash leaves either the old or the new file, never half of one.
A read-only file is the user saying "do not touch": it is reported, not overwritten.
"""

from __future__ import annotations

import ast
import contextlib
import enum
import hashlib
import os
import stat
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

import attrs

from hybridize.rewriter.diff import unified_diff
from hybridize.rewriter.model import Change, Outcome, RewriteError
from hybridize.rewriter.reduce import rewrite_module


class FileStatus(enum.Enum):
    UNCHANGED = "unchanged"  # nothing applied: the file is not touched, not even re-serialised
    CHANGED = "changed"  # rewritten in memory (``--diff``), or on disk when ``written``
    SKIPPED = "skipped"  # not rewritten, for the reason in ``message``


@attrs.frozen
class FilePlan:
    """The rewrite of one file: the text before and after, and what happened to each change."""

    relpath: str
    path: str  # absolute
    status: FileStatus
    message: str
    before: str
    after: str
    encoding: str
    outcomes: tuple[Outcome, ...]
    written: bool = False

    @property
    def diff(self) -> str:
        return unified_diff(self.relpath, self.before, self.after)


def plan_file(
    path: str,
    relpath: str,
    digest: str,
    encoding: str,
    changes: Sequence[Change],
) -> FilePlan:
    """Compute the rewrite of one file (nothing is written)."""

    def skipped(message: str, before: str = "") -> FilePlan:
        outcomes = tuple(Outcome(c, False, message) for c in changes)
        return FilePlan(
            relpath, path, FileStatus.SKIPPED, message, before, before, encoding, outcomes
        )

    try:
        data = Path(path).read_bytes()
    except OSError as error:
        return skipped(f"cannot read: {error.strerror or error}")
    if hashlib.sha256(data).hexdigest() != digest:
        return skipped("changed since it was analysed; not rewritten (run again)")
    try:
        before = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        return skipped(f"cannot decode as {encoding}: {error}")
    try:
        rewrite = rewrite_module(before, changes)
    except RewriteError as error:
        return skipped(f"cannot rewrite: {error}", before)
    if not rewrite.changed:
        return FilePlan(
            relpath, path, FileStatus.UNCHANGED, "", before, before, encoding, rewrite.outcomes
        )
    problem = _parse_problem(rewrite.source)
    if problem is not None:  # a bug in a transformation must never reach the user's file
        return skipped(f"internal error: the rewritten file would not parse ({problem})", before)
    return FilePlan(
        relpath, path, FileStatus.CHANGED, "", before, rewrite.source, encoding, rewrite.outcomes
    )


def write_plan(plan: FilePlan, digest: str) -> FilePlan:
    """Write a CHANGED plan to disk atomically; anything else is returned as it is."""
    if plan.status is not FileStatus.CHANGED:
        return plan
    target = Path(os.path.realpath(plan.path))  # a symlink stays a symlink to the rewritten file
    try:
        info = target.stat()
        if not os.access(target, os.W_OK) or not info.st_mode & stat.S_IWUSR:
            return _not_written(plan, "read-only; not rewritten")
        data = plan.after.encode(plan.encoding)
        if hashlib.sha256(target.read_bytes()).hexdigest() != digest:
            return _not_written(plan, "changed since it was analysed; not rewritten (run again)")
        atomic_write(target, data, stat.S_IMODE(info.st_mode))
    except (OSError, UnicodeEncodeError, LookupError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return _not_written(plan, f"cannot write: {reason}")
    return attrs.evolve(plan, written=True)


def atomic_write(target: Path, data: bytes, mode: int) -> None:
    """Replace ``target`` by ``data``: temp file in the same directory, fsync, chmod, rename."""
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".hybridize-tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(target.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); not possible everywhere, and not needed there."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _not_written(plan: FilePlan, message: str) -> FilePlan:
    outcomes = tuple(
        attrs.evolve(o, applied=False, message=message) if o.applied else o for o in plan.outcomes
    )
    return attrs.evolve(plan, status=FileStatus.SKIPPED, message=message, outcomes=outcomes)


def _parse_problem(source: str) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarnings of the user's code are not ours
            ast.parse(source)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except (ValueError, RecursionError, MemoryError) as error:
        return str(error)
    return None
