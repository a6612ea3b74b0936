"""Entry programs: the modules of the project that run as ``__main__``, and what they import.

A program-driven verification needs a program that calls the function: a module with a top-level
``if __name__ == "__main__":`` block that imports (directly or through other modules of the
project) the function's module, or is that module. Imports are resolved the way Python would from
the project's directories: a file's module name is its path below the first directory without an
``__init__.py`` (so ``src/`` layouts work), and everything it imports is followed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath

from hybridize.verify.model import ProjectFile

_TEST_NAMES = ("test_", "conftest")
_TEST_DIRECTORIES = frozenset({"test", "tests", "testing"})


def module_name(root: Path, relpath: str) -> tuple[str, str]:
    """``(base, dotted)``: the directory (relative to ``root``, ``""`` for the root) that must be
    on ``sys.path`` to import ``relpath`` as the module ``dotted``."""
    parts = list(PurePosixPath(relpath).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    directory = PurePosixPath(relpath).parent
    depth = 0
    while str(directory) not in ("", ".") and (root / directory / "__init__.py").is_file():
        directory = directory.parent
        depth += 1
    base = "" if str(directory) in ("", ".") else str(directory)
    package_parts = len(PurePosixPath(relpath).parent.parts) - depth
    dotted = ".".join(parts[package_parts:]) or parts[-1]
    return base, dotted


def is_main_program(tree: ast.Module) -> bool:
    """Whether the module has a top-level ``if __name__ == "__main__":``."""
    for statement in tree.body:
        if isinstance(statement, ast.If) and _is_main_test(statement.test):
            return True
    return False


def _is_main_test(test: ast.expr) -> bool:
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    names = [s for s in sides if isinstance(s, ast.Name) and s.id == "__name__"]
    constants = [s for s in sides if isinstance(s, ast.Constant) and s.value == "__main__"]
    return len(names) == 1 and len(constants) == 1


def is_test_file(relpath: str) -> bool:
    path = PurePosixPath(relpath)
    return (
        path.name.startswith(_TEST_NAMES)
        or path.stem.endswith("_test")
        or any(part in _TEST_DIRECTORIES for part in path.parts[:-1])
    )


class Programs:
    """The entry programs of a project and the project modules each one imports."""

    def __init__(self, root: Path, files: Sequence[ProjectFile]) -> None:
        self.root = root
        self.trees: dict[str, ast.Module] = {}
        for file in files:
            try:
                source = Path(file.path).read_bytes()
                self.trees[file.relpath] = ast.parse(source, filename=file.relpath)
            except (OSError, SyntaxError, ValueError):
                continue
        self.by_name: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for relpath in self.trees:
            _, dotted = module_name(root, relpath)
            self.by_name.setdefault(dotted, relpath)
            self.names[relpath] = dotted
        self._closures: dict[str, frozenset[str]] = {}

    def entries(self) -> list[str]:
        """The entry programs, best first: not tests, then shallow, then by name."""
        found = [relpath for relpath, tree in self.trees.items() if is_main_program(tree)]
        return sorted(
            found,
            key=lambda p: (is_test_file(p), len(PurePosixPath(p).parts), p),
        )

    def entry_for(self, relpath: str, entries: Iterable[str]) -> str | None:
        """The first of ``entries`` that is or imports the module at ``relpath``."""
        for entry in entries:
            if relpath in self.closure(entry):
                return entry
        return None

    def closure(self, relpath: str) -> frozenset[str]:
        """The project files ``relpath`` imports, transitively, itself included."""
        cached = self._closures.get(relpath)
        if cached is not None:
            return cached
        seen = {relpath}
        work = [relpath]
        while work:
            current = work.pop()
            for imported in self.imports(current):
                if imported not in seen:
                    seen.add(imported)
                    work.append(imported)
        result = frozenset(seen)
        self._closures[relpath] = result
        return result

    def imports(self, relpath: str) -> set[str]:
        tree = self.trees.get(relpath)
        if tree is None:
            return set()
        dotted = self.names[relpath]
        is_package = PurePosixPath(relpath).name == "__init__.py"
        package = dotted if is_package else dotted.rpartition(".")[0]
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    names.update(_prefixes(alias.name))
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node, package)
                if base is None:
                    continue
                names.update(_prefixes(base))
                names.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
        return {self.by_name[name] for name in names if name in self.by_name}


def _prefixes(dotted: str) -> list[str]:
    parts = dotted.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _absolute(node: ast.ImportFrom, package: str) -> str | None:
    if not node.level:
        return node.module or ""
    parts = package.split(".") if package else []
    if node.level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (node.level - 1)]
    if node.module:
        base.append(node.module)
    return ".".join(base)


def entry_mapping(programs: Programs, relpaths: Iterable[str]) -> Mapping[str, str | None]:
    """For each analysed file, the best entry program that reaches it (None: none does)."""
    entries = programs.entries()
    return {relpath: programs.entry_for(relpath, entries) for relpath in relpaths}
