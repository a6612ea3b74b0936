"""Source snippets for the evidence of a proof: the lines a location points at, with context.

Reports read source lazily: a project may have thousands of files, and only those a shown proof
points into are ever opened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

import attrs

_LOCATION = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+):(?P<col>[0-9]+)$")


@attrs.frozen
class Location:
    path: str
    line: int
    col: int


@attrs.frozen
class SnippetLine:
    number: int
    text: str
    marked: bool  # the line the location points at


@attrs.frozen
class Snippet:
    path: str
    lines: tuple[SnippetLine, ...]

    @property
    def marked(self) -> tuple[int, ...]:
        return tuple(line.number for line in self.lines if line.marked)

    @property
    def title(self) -> str:
        """``path, line 3`` or ``path, lines 3, 5``."""
        marked = self.marked
        numbers = ", ".join(str(number) for number in marked)
        return (
            f"{self.path}, line {numbers}" if len(marked) == 1 else f"{self.path}, lines {numbers}"
        )


def parse_location(text: str) -> Location | None:
    """``path:line:col`` (as in the JSON document) -> Location; None for anything else."""
    match = _LOCATION.match(text)
    if match is None:
        return None
    return Location(match["path"], int(match["line"]), int(match["col"]))


def snippets(
    sources: Mapping[str, str], locations: Iterable[str], context: int = 2
) -> list[Snippet]:
    """The lines ``locations`` point at, each with ``context`` lines before and after; lines
    of one file whose context overlaps or touches share one snippet. Snippets come in the order
    of their first location. Locations in files that are not available (not analysed,
    unreadable) or past the end of their file are left out."""
    texts: dict[str, list[str] | None] = {}
    wanted: dict[str, list[tuple[int, int]]] = {}  # path -> (line, order of appearance)
    for order, at in enumerate(locations):
        location = parse_location(at)
        if location is None:
            continue
        if location.path not in texts:
            text = sources.get(location.path)
            texts[location.path] = None if text is None else text.splitlines()
        lines = texts[location.path]
        if lines is None or not 1 <= location.line <= len(lines):
            continue
        wanted.setdefault(location.path, []).append((location.line, order))
    found: list[tuple[int, Snippet]] = []
    for path, marks in wanted.items():
        lines = texts[path] or []
        groups: list[tuple[int, int, set[int], int]] = []  # first, last, marked lines, order
        for line, order in sorted(marks):
            first, last = max(1, line - context), min(len(lines), line + context)
            if groups and first <= groups[-1][1] + 1:
                start, end, marked, earliest = groups[-1]
                groups[-1] = (start, max(end, last), marked | {line}, min(earliest, order))
            else:
                groups.append((first, last, {line}, order))
        for start, end, marked, earliest in groups:
            shown = tuple(
                SnippetLine(number, lines[number - 1].rstrip().expandtabs(4), number in marked)
                for number in range(start, end + 1)
            )
            found.append((earliest, Snippet(path, shown)))
    return [snippet for _, snippet in sorted(found, key=lambda item: item[0])]


#: Snippets shown per decision (HTML and Markdown); the remaining locations are still listed,
#: without source.
MAX_SNIPPETS = 12


class SnippetBudget:
    """The snippets one decision may still show: at most ``limit``, and no line twice (a
    premise and an assumption often point at the same line)."""

    def __init__(self, sources: Mapping[str, str], limit: int = 12) -> None:
        self.sources = sources
        self.left = limit
        self.shown: set[tuple[str, int]] = set()

    def take(self, locations: Iterable[str]) -> list[Snippet]:
        fresh = []
        for at in locations:
            location = parse_location(at)
            if location is not None and (location.path, location.line) not in self.shown:
                fresh.append(at)
        taken = snippets(self.sources, fresh)[: max(self.left, 0)]
        self.left -= len(taken)
        for found in taken:
            self.shown.update((found.path, number) for number in found.marked)
        return taken


class SourceFiles(Mapping[str, str]):
    """Path (as written in the document) -> source text, read on first use.

    ``files`` maps each path to the file on disk and its encoding; undecodable bytes are
    replaced (a report should show what it can), unreadable files are absent.
    """

    def __init__(self, files: Mapping[str, tuple[str, str]]) -> None:
        self._files = dict(files)
        self._texts: dict[str, str | None] = {}

    def _load(self, path: str) -> str | None:
        if path not in self._texts:
            disk_path, encoding = self._files[path]
            try:
                with open(disk_path, "rb") as handle:
                    data = handle.read()
                self._texts[path] = data.decode(encoding, errors="replace")
            except (OSError, LookupError):
                self._texts[path] = None
        return self._texts[path]

    def __getitem__(self, path: str) -> str:
        if path not in self._files:
            raise KeyError(path)
        text = self._load(path)
        if text is None:
            raise KeyError(path)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)
