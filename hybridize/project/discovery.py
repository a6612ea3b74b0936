"""Find the Python files of a project.

A project is whatever the user points at, minus what no one wants analysed: virtual environments,
build output, caches, hidden directories and user exclusions. Files named explicitly are always
analysed, because the user asked for them by name. The walk is deterministic (sorted) and
terminates on symlink loops, since the same tree must always give the same report.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path

BUILD_DIRS = frozenset({"build", "dist", "__pycache__", "node_modules"})
VENV_NAMES = frozenset({"venv", ".venv", "env"})
VENV_INTERPRETERS = ("bin/python", "bin/python3", "Scripts/python.exe")


def discover(
    paths: Sequence[str | os.PathLike[str]], exclude: Sequence[str] = ()
) -> tuple[Path, list[Path]]:
    """Return the project root and the sorted ``.py`` files under ``paths``.

    The root is the directory itself when a single directory is given, otherwise the deepest
    directory containing every argument; ids and locations are relative to it. Raises
    ``FileNotFoundError`` for an argument that does not exist (a usage error, not a finding).
    """
    if not paths:
        raise ValueError("no paths to analyse")
    arguments = [Path(os.path.abspath(os.fspath(path))) for path in paths]
    for argument in arguments:
        if not argument.exists():
            raise FileNotFoundError(f"no such file or directory: {argument}")
    root = _root_of(arguments)
    walker = _Walker(root, tuple(pattern.rstrip("/") for pattern in exclude if pattern))
    for argument in arguments:
        if argument.is_dir():
            walker.walk(argument)
        else:
            walker.add(argument)
    return root, sorted(walker.files, key=_sort_key)


def _root_of(arguments: list[Path]) -> Path:
    if len(arguments) == 1 and arguments[0].is_dir():
        return arguments[0]
    directories = [argument if argument.is_dir() else argument.parent for argument in arguments]
    return Path(os.path.commonpath([os.fspath(directory) for directory in directories]))


def _sort_key(path: Path) -> tuple[str, ...]:
    """Sort by path components so ``a/b.py`` precedes ``a-b/c.py`` regardless of separators."""
    return path.parts


def is_virtualenv(directory: Path) -> bool:
    """A virtualenv is marked by ``pyvenv.cfg``; conventionally named ones by their interpreter."""
    if (directory / "pyvenv.cfg").is_file():
        return True
    return directory.name in VENV_NAMES and any(
        (directory / interpreter).exists() for interpreter in VENV_INTERPRETERS
    )


class _Walker:
    """Accumulates files; remembers resolved directories so symlink loops are walked once."""

    def __init__(self, root: Path, exclude: tuple[str, ...]) -> None:
        self.root = root
        self.exclude = exclude
        self.files: list[Path] = []
        self._seen_files: set[Path] = set()
        self._seen_directories: set[str] = set()

    def add(self, path: Path) -> None:
        if path not in self._seen_files:
            self._seen_files.add(path)
            self.files.append(path)

    def walk(self, start: Path) -> None:
        """Depth-first walk below ``start``; ``start`` itself is never skipped (it was named)."""
        in_venv = any(is_virtualenv(directory) for directory in (start, *start.parents))
        stack: list[tuple[Path, bool]] = [(start, in_venv)]
        while stack:
            directory, in_venv = stack.pop()
            try:
                resolved = os.path.realpath(directory)
            except OSError:
                continue
            if resolved in self._seen_directories:
                continue
            self._seen_directories.add(resolved)
            try:
                with os.scandir(directory) as scan:
                    entries = sorted(scan, key=lambda entry: entry.name)
            except OSError:
                continue
            subdirectories: list[tuple[Path, bool]] = []
            for entry in entries:
                path = directory / entry.name
                try:
                    is_directory = entry.is_dir()
                    is_file = not is_directory and entry.is_file()
                except OSError:
                    is_directory = is_file = False
                if not is_directory and not is_file and entry.is_symlink():
                    # A broken or looping symlink named *.py is kept: reading it fails, and
                    # the report says so instead of silently leaving the file out.
                    is_file = True
                if is_directory:
                    if self._skip_directory(path, in_venv):
                        continue
                    subdirectories.append((path, in_venv))
                elif is_file and entry.name.endswith(".py") and not self._excluded(path):
                    self.add(path)
            stack.extend(reversed(subdirectories))

    def _skip_directory(self, path: Path, in_venv: bool) -> bool:
        name = path.name
        if name.startswith(".") or name in BUILD_DIRS or name.endswith(".egg-info"):
            return True
        if name == "site-packages" and in_venv:
            return True
        if name in VENV_NAMES and is_virtualenv(path):
            return True
        if (path / "pyvenv.cfg").is_file():
            return True
        return self._excluded(path)

    def _excluded(self, path: Path) -> bool:
        """Match exclusion globs against the root-relative path and each of its components."""
        if not self.exclude:
            return False
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            relative = path.as_posix()
        candidates = [relative, *relative.split("/")]
        return any(
            fnmatch.fnmatchcase(candidate, pattern)
            for pattern in self.exclude
            for candidate in candidates
        )
