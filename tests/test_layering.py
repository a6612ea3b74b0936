"""The import graph of ``hybridize`` follows the layering of design §3, strictly downward.

Layering is what lets each layer be tested and replaced alone (the interpreter must not decide, the
rewriter must not analyse). Every module is parsed, never imported, so the check needs neither
TensorFlow nor a working build, and it sees imports under ``if TYPE_CHECKING:`` too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs
import pytest

PACKAGE = "hybridize"
PACKAGE_DIR = Path(__file__).resolve().parent.parent / PACKAGE

ROOT = "__init__"  # the top-level package ``hybridize`` itself

_CORE = ("lattice", "stubs", "project", "transfer", "refactor")
#: ``verify`` (optional runtime validation, design §2) builds the refactored source with the
#: rewriter, so it sits below the front doors but above ``rewriter``.
#: ``oracle`` (optional type oracle, design §2) reads the analysis to place its probes, so it sits
#: above ``transfer``; its answers reach ``transfer.facts`` as a plain mapping passed in by ``api``.
_BELOW_FRONT_DOORS = frozenset({*_CORE, "rewriter", "report", "verify", "oracle"})

#: layer -> the other layers it may import. A module may always import its own layer.
ALLOWED: Mapping[str, frozenset[str]] = {
    "lattice": frozenset(),
    "stubs": frozenset({"lattice"}),
    "project": frozenset({"lattice", "stubs"}),
    "transfer": frozenset({"lattice", "stubs", "project"}),
    "refactor": frozenset({"lattice", "stubs", "project", "transfer"}),
    "rewriter": frozenset(_CORE),
    "report": frozenset(_CORE),
    "verify": frozenset({*_CORE, "rewriter"}),
    "oracle": frozenset({"lattice", "stubs", "project", "transfer"}),
    "config": _BELOW_FRONT_DOORS | {"api", ROOT},
    "api": _BELOW_FRONT_DOORS | {"config", ROOT},
    "analysis_smoke": _BELOW_FRONT_DOORS | {"api", "config", ROOT},
    "cli": _BELOW_FRONT_DOORS | {"api", "config", ROOT},
    "__main__": frozenset({"cli"}),
    ROOT: frozenset({"api", "config"}),
}


@attrs.frozen
class Violation:
    module: str
    line: int
    imported: str
    layer: str
    imported_layer: str

    def __str__(self) -> str:
        return (
            f"{self.module}:{self.line}: layer {self.layer!r} must not import {self.imported!r} "
            f"(layer {self.imported_layer!r})"
        )


def layer_of(module: str) -> str:
    """``hybridize.transfer.interp`` -> ``transfer``; ``hybridize`` -> the root layer."""
    parts = module.split(".")
    assert parts[0] == PACKAGE, module
    return parts[1] if len(parts) > 1 else ROOT


def module_name(path: Path, package_dir: Path = PACKAGE_DIR) -> str:
    parts = [PACKAGE, *path.relative_to(package_dir).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Every ``hybridize.*`` module the source imports, relative imports resolved, with its line.

    ``from hybridize import x`` counts as importing ``hybridize.x``: ``x`` is either a submodule or
    an attribute of the root package, and both depend on the layer named ``x`` or on the root.
    String literals passed to ``importlib.import_module`` count too.
    """
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package_parts[: len(package_parts) - (node.level - 1)]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            if base == PACKAGE:
                for alias in node.names:
                    yield node.lineno, f"{PACKAGE}.{alias.name}"
            else:
                yield node.lineno, base
        elif isinstance(node, ast.Call) and _is_import_module_call(node) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _is_import_module_call(node: ast.Call) -> bool:
    function = node.func
    if isinstance(function, ast.Attribute):
        return function.attr == "import_module"
    return isinstance(function, ast.Name) and function.id in {"import_module", "__import__"}


def check_source(source: str, module: str, is_package: bool = False) -> list[Violation]:
    """The layering violations of one module's source (``module`` is its dotted name)."""
    layer = layer_of(module)
    allowed = ALLOWED[layer] | {layer}
    violations = []
    for line, imported in imported_modules(ast.parse(source), module, is_package):
        if imported != PACKAGE and not imported.startswith(PACKAGE + "."):
            continue
        imported_layer = _known_layer(imported)
        if imported_layer not in allowed:
            violations.append(Violation(module, line, imported, layer, imported_layer))
    return violations


def _known_layer(imported: str) -> str:
    """The layer of an imported name; ``hybridize.__version__`` and the like are the root's.

    A sub-package or module missing from the table is its own (unknown) layer, so importing it
    is a violation everywhere until the table says where it belongs.
    """
    layer = layer_of(imported)
    if layer in ALLOWED:
        return layer
    if (PACKAGE_DIR / layer).is_dir() or (PACKAGE_DIR / f"{layer}.py").is_file():
        return layer
    return ROOT


def project_modules() -> list[Path]:
    return sorted(path for path in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in path.parts)


def test_the_package_has_modules() -> None:
    assert project_modules(), f"no modules found under {PACKAGE_DIR}"


@pytest.mark.parametrize(
    "path", project_modules(), ids=lambda path: str(path.relative_to(PACKAGE_DIR))
)
def test_module_respects_layering(path: Path) -> None:
    module = module_name(path)
    layer = layer_of(module)
    assert layer in ALLOWED, (
        f"{module} is in layer {layer!r}, which the layering table does not know: "
        f"add it to ALLOWED in {Path(__file__).name} (and to design §3)"
    )
    source = path.read_text(encoding="utf-8")
    violations = check_source(source, module, is_package=path.name == "__init__.py")
    assert not violations, "\n".join(str(violation) for violation in violations)


@pytest.mark.parametrize(
    ("source", "module", "is_package", "expected"),
    [
        ("import hybridize.transfer.interp\n", "hybridize.lattice.values", False, ["transfer"]),
        ("from hybridize.refactor import rules\n", "hybridize.transfer.x", False, ["refactor"]),
        ("from ..transfer import interp\n", "hybridize.lattice.values", False, ["transfer"]),
        ("from ... import api\n", "hybridize.stubs.models.loader", False, ["api"]),
        ("from .. import cli\n", "hybridize.project", True, ["cli"]),
        ("from hybridize import report\n", "hybridize.rewriter.edits", False, ["report"]),
        ("from hybridize import __version__\n", "hybridize.lattice.tri", False, [ROOT]),
        ("from hybridize.cli import main\n", "hybridize.api", False, ["cli"]),
        ("from hybridize.oracle import locate\n", "hybridize.transfer.facts", False, ["oracle"]),
        ("from hybridize.refactor import rules\n", "hybridize.oracle.probes", False, ["refactor"]),
        ("importlib.import_module('hybridize.api')\n", "hybridize.project.x", False, ["api"]),
        (
            "if TYPE_CHECKING:\n    from hybridize.api import Result\n",
            "hybridize.report.text",
            False,
            ["api"],
        ),
    ],
)
def test_checker_catches_violations(
    source: str, module: str, is_package: bool, expected: list[str]
) -> None:
    violations = check_source(source, module, is_package)
    assert [violation.imported_layer for violation in violations] == expected


@pytest.mark.parametrize(
    ("source", "module", "is_package"),
    [
        ("from .tri import Tri\n", "hybridize.lattice.values", False),
        ("from . import tri\n", "hybridize.lattice", True),
        ("from ..lattice.tri import Tri\n", "hybridize.transfer.interp", False),
        ("from hybridize.project.model import FunctionInfo\n", "hybridize.transfer.interp", False),
        ("import ast, os\nimport attrs\n", "hybridize.lattice.values", False),
        ("from hybridize.api import analyze\n", "hybridize", True),
        ("from hybridize import __version__\n", "hybridize.cli", False),
        ("from hybridize.report import text\n", "hybridize.cli", False),
        ("from hybridize.transfer import interp\n", "hybridize.report.json", False),
    ],
)
def test_checker_allows_downward_imports(source: str, module: str, is_package: bool) -> None:
    assert check_source(source, module, is_package) == []


def test_relative_imports_resolve_against_the_package() -> None:
    tree = ast.parse("from .. import lattice\nfrom ..project.model import X\nfrom . import y\n")
    found = [name for _, name in imported_modules(tree, "hybridize.transfer.interp", False)]
    assert found == ["hybridize.lattice", "hybridize.project.model", "hybridize.transfer"]
