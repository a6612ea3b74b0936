"""Unified diffs of rewritten files, in the form ``git apply`` and ``patch -p1`` accept."""

from __future__ import annotations

import difflib

_NO_NEWLINE = "\\ No newline at end of file\n"


def unified_diff(relpath: str, before: str, after: str) -> str:
    """The unified diff from ``before`` to ``after`` (empty when equal). A last line without a
    newline is marked the way ``diff`` marks it, so applying the diff restores it exactly."""
    if before == after:
        return ""
    lines: list[str] = []
    for line in difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{relpath}",
        tofile=f"b/{relpath}",
    ):
        if line.endswith("\n"):
            lines.append(line)
        else:
            lines.append(line + "\n" + _NO_NEWLINE)
    return "".join(lines)
