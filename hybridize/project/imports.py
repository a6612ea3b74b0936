"""Import statements -> name bindings with absolute, canonical targets.

Every later question ("is this ``tf.function``?", "is this ``keras.Model``?") is asked about
absolute dotted names, so relative imports are resolved against the importing module here and
TensorFlow/Keras aliases are canonicalised once, at the binding.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

import attrs

from hybridize.lattice.location import Location
from hybridize.project.model import ImportBinding
from hybridize.stubs.aliases import canonical


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """Absolute name of ``from <level dots><name> import ...`` inside ``module``.

    Returns ``None`` when the dots climb above the top-level package, which Python rejects at
    run time ("attempted relative import beyond top-level package").
    """
    if level == 0:
        return name
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(package) or (level - 1 == len(package) and not name):
        return None
    base = package[: len(package) - (level - 1)]
    if name:
        base = [*base, name]
    return ".".join(base) if base else None


@attrs.frozen
class ScopeImports:
    """Bindings made by the imports of one scope, in source order (later bindings win)."""

    bindings: dict[str, ImportBinding]
    star_imports: tuple[str, ...]


def import_bindings(
    node: ast.Import | ast.ImportFrom, *, module: str, is_package: bool, relpath: str
) -> tuple[list[ImportBinding], list[str]]:
    """Bindings and ``*``-imported modules of a single import statement.

    ``import a.b`` binds ``a`` (to the module ``a``); ``import a.b as c`` binds ``c`` to ``a.b``;
    ``from x import y as z`` binds ``z`` to ``x.y``. A relative import that climbs too high keeps
    its dots (``..x.y``) so that resolution reports it as unresolved instead of guessing.
    """
    location = Location(relpath, node.lineno, node.col_offset)
    bindings: list[ImportBinding] = []
    stars: list[str] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                written, local = alias.name, alias.asname
            else:
                written = local = alias.name.split(".", 1)[0]
            bindings.append(_binding(local, written, location, is_module_import=True))
        return bindings, stars
    source = resolve_relative(module, is_package, node.level, node.module)
    if source is None:
        source = "." * node.level + (node.module or "")
    for alias in node.names:
        if alias.name == "*":
            stars.append(canonical(source) if not source.startswith(".") else source)
            continue
        written = f"{source}.{alias.name}" if not source.endswith(".") else source + alias.name
        bindings.append(
            _binding(alias.asname or alias.name, written, location, is_module_import=False)
        )
    return bindings, stars


def _binding(
    local: str, written: str, location: Location, *, is_module_import: bool
) -> ImportBinding:
    target = written if written.startswith(".") else canonical(written)
    return ImportBinding(
        local=local,
        target=target,
        location=location,
        is_module_import=is_module_import,
        written=written,
    )


def collect_imports(
    body: Iterable[ast.stmt], *, module: str, is_package: bool, relpath: str
) -> ScopeImports:
    """All imports of one scope, including those under ``if``/``try``/``with``/loops (for example
    ``try: import x / except ImportError`` and ``if TYPE_CHECKING:``), but not inside nested
    functions or classes, which are scopes of their own."""
    bindings: dict[str, ImportBinding] = {}
    stars: list[str] = []
    for statement in _scope_statements(body):
        if isinstance(statement, ast.Import | ast.ImportFrom):
            new_bindings, new_stars = import_bindings(
                statement, module=module, is_package=is_package, relpath=relpath
            )
            for binding in new_bindings:
                bindings[binding.local] = binding
            stars.extend(new_stars)
    return ScopeImports(bindings, tuple(dict.fromkeys(stars)))


def _scope_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    pending = list(body)
    pending.reverse()
    while pending:
        statement = pending.pop()
        yield statement
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        children: list[ast.stmt] = []
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(statement, field, ()):
                if isinstance(child, ast.stmt):
                    children.append(child)
                elif isinstance(child, ast.ExceptHandler | ast.match_case):
                    children.extend(child.body)
        children.reverse()
        pending.extend(children)
