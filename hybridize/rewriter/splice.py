"""Carrying line edits over to a source LibCST does not reproduce exactly.

LibCST round-trips almost every file byte for byte, but not all: a few shapes of blank lines,
comments and line endings after one-line bodies come back different (or missing). Printing the
edited tree would then change, or drop, lines nobody asked to touch. Instead, the rewriter's
edits, which always replace whole lines, are found by diffing LibCST's reproduction of the
original against its rendering of the edited tree, and applied to the original text, where
each edited line is found through the lines LibCST did reproduce. An edit that touches a line
LibCST did not reproduce cannot be placed safely, and the file is not rewritten.
"""

from __future__ import annotations

import ast
import difflib
import re
import warnings

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split only where Python ends a line (not at form feeds)."""
    return _LINE.findall(text)


def splice(original: str, reproduced: str, rewritten: str) -> str | None:
    """``original`` with the line edits that turn ``reproduced`` into ``rewritten``.

    ``reproduced`` is LibCST's rendering of ``original``. Returns ``None`` when an edit touches
    a line that LibCST did not reproduce, or the result does not parse.
    """
    if reproduced == original:
        return rewritten
    original_lines = split_lines(original)
    reproduced_lines = split_lines(reproduced)
    rewritten_lines = split_lines(rewritten)
    faithful: dict[int, int] = {}  # reproduced line -> the identical original line
    matcher = difflib.SequenceMatcher(None, original_lines, reproduced_lines, autojunk=False)
    for tag, first, last, other_first, _ in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(last - first):
                faithful[other_first + offset] = first + offset
    spliced: list[str] = []
    copied = 0  # original lines before this index are in ``spliced``
    edits = difflib.SequenceMatcher(None, reproduced_lines, rewritten_lines, autojunk=False)
    for tag, first, last, new_first, new_last in edits.get_opcodes():
        if tag == "equal":
            continue
        span = _original_span(faithful, first, last)
        if span is None or span[0] < copied:
            return None
        start, end = span
        spliced.extend(original_lines[copied:start])
        spliced.extend(rewritten_lines[new_first:new_last])
        copied = end
    spliced.extend(original_lines[copied:])
    result = "".join(spliced)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(result)
    except (SyntaxError, ValueError):
        return None
    return result


def _original_span(faithful: dict[int, int], first: int, last: int) -> tuple[int, int] | None:
    """The original lines that reproduced lines ``first:last`` stand for (empty: a position)."""
    if first < last:
        start = faithful.get(first)
        if start is None:
            return None
        if any(faithful.get(first + offset) != start + offset for offset in range(last - first)):
            return None
        return start, start + last - first
    if first in faithful:
        return faithful[first], faithful[first]
    if first - 1 in faithful:
        return faithful[first - 1] + 1, faithful[first - 1] + 1
    return None
