"""Frozen records of the project model.

The builder (``project.build``) fills these from the parsed files; the interpreter (``transfer``)
only reads them. Ids are stable strings: a function or class id is ``"<relpath>::<qualname>"``
(``pkg/mod.py::Model.call``); a module's top-level code is ``"<relpath>::<module>"``, literally.
"""

from __future__ import annotations

import ast
import enum

import attrs

from hybridize.lattice.location import Location


class FileStatus(enum.Enum):
    ANALYZED = "analyzed"
    SYNTAX_ERROR = "syntax-error"
    SKIPPED = "skipped"
    UNREADABLE = "unreadable"


@attrs.frozen
class Suppression:
    """A ``# hybridize: ignore`` comment (``ids`` None) or ``# hybridize: ignore[a, b]`` on a
    line. Ids are reason ids or decision kinds; the decision layer gives them their meaning."""

    line: int
    ids: tuple[str, ...] | None


@attrs.frozen(eq=False)
class SourceFile:
    """One discovered ``.py`` file. ``tree`` is ``None`` unless ``status`` is ANALYZED."""

    path: str  # absolute path
    relpath: str  # POSIX path relative to the project root (used in ids and locations)
    module: str  # dotted module name, e.g. "pkg.sub.mod" ("pkg" for pkg/__init__.py)
    is_package: bool  # True for __init__.py
    status: FileStatus
    error: str | None = None
    tree: ast.Module | None = None
    lines: int = 0  # number of source lines (for throughput measurement)
    digest: str = ""  # SHA-256 of the bytes analysed: a rewrite skips a file that changed since
    encoding: str = "utf-8"  # as detected (PEP 263 cookie or BOM); rewrites encode the same way
    suppressions: tuple[Suppression, ...] = ()


@attrs.frozen
class ImportBinding:
    """A name bound by an import statement in a module or function scope.

    ``target`` is the *absolute* dotted name the local name stands for, after resolving relative
    imports and canonicalising TensorFlow aliases (``tensorflow.compat.v2`` -> ``tensorflow``):
    ``import numpy as np`` binds ``np -> numpy``; ``from .layers import Dense`` in ``pkg.model``
    binds ``Dense -> pkg.layers.Dense``. ``is_module_import`` is True for ``import a.b [as c]``.
    """

    local: str
    target: str
    location: Location
    is_module_import: bool
    written: str = ""  # the absolute target before canonicalisation ("tensorflow.compat.v2")


@attrs.frozen(eq=False)
class FunctionInfo:
    """A function, method, nested function or lambda assigned to a name."""

    id: str
    relpath: str
    module: str
    qualname: str  # "Model.call", "outer.<locals>.inner" is written "outer.inner"
    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    location: Location  # of the ``def`` keyword line (first decorator excluded) / lambda
    end_line: int
    class_id: str | None  # enclosing class for methods
    parent_id: str | None  # enclosing function for nested functions and lambdas
    decorators: tuple[ast.expr, ...]
    is_lambda: bool = False
    is_async: bool = False
    is_generator: bool = False
    is_staticmethod: bool = False
    is_classmethod: bool = False
    is_property: bool = False


@attrs.frozen(eq=False)
class ClassInfo:
    id: str
    relpath: str
    module: str
    qualname: str
    name: str
    node: ast.ClassDef
    location: Location
    bases: tuple[str, ...]  # resolved: project class ids, or external dotted names ("keras.Model")
    methods: dict[str, str]  # method name -> function id (own methods only)
    parent_id: str | None = None  # enclosing function/class id for nested classes


@attrs.frozen(eq=False)
class ModuleInfo:
    # Dotted name, unique in the project: when two files claim the same dotted name (two scripts
    # named ``setup.py`` in non-package directories), the later one is ``"<name>@<relpath>"``;
    # ``file.module`` keeps the real dotted name (used for relative imports).
    name: str
    relpath: str
    file: SourceFile
    id: str  # "<relpath>::<module>" - the id of the module's top-level code
    imports: dict[str, ImportBinding]  # module-level import bindings
    star_imports: tuple[str, ...]  # absolute module names imported with ``from x import *``
    functions: dict[str, str]  # top-level function name -> function id
    classes: dict[str, str]  # top-level class name -> class id
    variables: frozenset[str]  # other top-level assigned names
    all_names: tuple[str, ...] | None  # literal ``__all__`` if present
    # Top-level names bound exactly once, to a plain dotted name (``Model = tf.keras.Model``):
    # name -> that dotted source text, resolved on demand by ``Project.follow_alias``.
    aliases: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class CallSite:
    """A syntactic call: who calls, where, and whether it sits inside a loop or comprehension."""

    caller_id: str  # function id or module id
    node: ast.Call
    location: Location
    in_loop: bool


class SymbolKind(enum.Enum):
    FUNCTION = "function"
    CLASS = "class"
    MODULE = "module"
    VARIABLE = "variable"  # module-level variable of a project module
    EXTERNAL = "external"  # a name outside the project (tensorflow.matmul, numpy, os.path, ...)
    UNRESOLVED = "unresolved"


@attrs.frozen
class Symbol:
    """What a dotted name denotes. ``ref`` is a function/class id, a module name, ``"module:name"``
    for a module variable, or the canonical external dotted name."""

    kind: SymbolKind
    ref: str
