"""Read, decode and parse one file into a ``SourceFile``.

Nothing here raises for a bad file: a file that cannot be read, decoded or parsed is still part of
the report (with its status and a one-line reason), because silently dropping it would make the
analysis look more complete than it is.
"""

from __future__ import annotations

import ast
import hashlib
import io
import os
import re
import tokenize
from pathlib import Path

from hybridize.project.model import FileStatus, SourceFile, Suppression

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Larger files are generated code or data; parsing them costs more than they could tell us."""


class PackageLayout:
    """Names modules the way the importer would, caching which directories are packages.

    A directory is a package when it holds ``__init__.py``; the module name is the chain of package
    directories above the file. The chain may extend above the project root, so analysing
    ``site-packages/keras`` yields ``keras.src.layers`` and absolute self-imports resolve.
    """

    def __init__(self) -> None:
        self._is_package: dict[Path, bool] = {}

    def is_package_directory(self, directory: Path) -> bool:
        known = self._is_package.get(directory)
        if known is None:
            known = (directory / "__init__.py").is_file()
            self._is_package[directory] = known
        return known

    def module_name(self, path: Path) -> tuple[str, bool]:
        """Return ``(dotted name, is_package)`` for the file at ``path``."""
        is_package = path.name == "__init__.py"
        parts: list[str] = [] if is_package else [_stem(path.name)]
        directory = path.parent
        while self.is_package_directory(directory) and directory.name:
            parts.append(directory.name)
            if directory.parent == directory:
                break
            directory = directory.parent
        if not parts:
            parts.append(_stem(path.name))
        return ".".join(reversed(parts)), is_package


def _stem(filename: str) -> str:
    return filename[:-3] if filename.endswith(".py") else filename


def relative_path(root: Path, path: Path) -> str:
    """POSIX path of ``path`` relative to ``root``; used in ids, so stable across platforms."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, root)).as_posix()


def count_lines(source: str) -> int:
    if not source:
        return 0
    return source.count("\n") + (0 if source.endswith("\n") else 1)


def load_file(
    root: Path,
    path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    layout: PackageLayout | None = None,
) -> SourceFile:
    """Read and parse ``path``; the status says whether the tree can be analysed, and why not."""
    relpath = relative_path(root, path)
    module, is_package = (layout or PackageLayout()).module_name(path)

    def failed(status: FileStatus, error: str, lines: int = 0) -> SourceFile:
        return SourceFile(
            path=os.fspath(path),
            relpath=relpath,
            module=module,
            is_package=is_package,
            status=status,
            error=error,
            lines=lines,
        )

    try:
        size = path.stat().st_size
        if size > max_bytes:
            return failed(FileStatus.SKIPPED, f"file too large ({size} bytes > {max_bytes})")
        data = path.read_bytes()
    except OSError as error:
        return failed(FileStatus.UNREADABLE, _one_line(error.strerror or str(error)))
    if b"\0" in data:
        return failed(FileStatus.UNREADABLE, "binary file")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        # Raised both for a bad cookie and for undecodable bytes without one; say which.
        encoding = "utf-8"
        if _decodes(data, encoding):
            return failed(
                FileStatus.UNREADABLE, _one_line(f"bad encoding declaration: {error.msg}")
            )
    try:
        source = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        return failed(FileStatus.UNREADABLE, _one_line(f"cannot decode as {encoding}: {error}"))
    lines = count_lines(source)
    try:
        tree = ast.parse(source, filename=relpath, type_comments=False)
    except SyntaxError as error:
        return failed(
            FileStatus.SYNTAX_ERROR, _one_line(f"line {error.lineno or 0}: {error.msg}"), lines
        )
    except (RecursionError, MemoryError, ValueError) as error:
        return failed(FileStatus.SKIPPED, _one_line(f"cannot parse: {error}"), lines)
    return SourceFile(
        path=os.fspath(path),
        relpath=relpath,
        module=module,
        is_package=is_package,
        status=FileStatus.ANALYZED,
        tree=tree,
        lines=lines,
        digest=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        suppressions=suppressions(source) if _MARKER in source else (),
    )


_MARKER = "hybridize:"
_SUPPRESSION = re.compile(r"#\s*hybridize:\s*ignore\b(?:\[([^\]]*)\])?")


def suppressions(source: str) -> tuple[Suppression, ...]:
    """The ``# hybridize: ignore[...]`` comments of ``source``, by line. Comments are found with
    the tokenizer, so the marker inside a string literal is not a suppression."""
    found: list[Suppression] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.COMMENT:
                continue
            match = _SUPPRESSION.search(token.string)
            if match is None:
                continue
            listed = match.group(1)
            ids = (
                None
                if listed is None
                else tuple(sorted({part.strip() for part in listed.split(",") if part.strip()}))
            )
            found.append(Suppression(token.start[0], ids))
    except (tokenize.TokenError, SyntaxError):  # the file parsed; be lenient about the rest
        pass
    return tuple(found)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _one_line(message: str) -> str:
    return " ".join(message.split())
