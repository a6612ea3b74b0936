"""Static shape reads: where a function's body reads a parameter's static shape (``x.shape[0]``)
and uses it where a Python int is required.

Why it matters: an ``input_signature`` (and ``reduce_retracing=True``) relaxes the dims that vary
to ``None``, and inside the trace ``x.shape[0]`` then *is* ``None``. ``tf.reshape(x, [n, -1])``,
``range(n)``, ``keras.layers.Dense(n)``, ``np.zeros(n)`` and ``n * 2`` all fail on ``None``
(``tests/tf_behaviour/test_input_signatures.py``), while ``tf.shape(x)[0]`` is a tensor and works.

This is an intraprocedural def-use pass over the body: *sources* are static reads of a parameter's
shape (``x.shape[i]``, ``x.get_shape()[i]``, ``x.shape.as_list()[i]``, ``len(x)``, unpacking
``n, d = x.shape``, and names bound to them); *sinks* are arithmetic, ordering comparisons and
arguments of callees that need an int. Callees are resolved through the project's name
resolution (imports and aliases), never by spelling. Reads are found on every path (no
must-analysis): a read that only some paths reach still blocks, which can only withhold a
signature, never add a wrong one. Reads passed on to another function are not followed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import attrs

from hybridize.lattice.location import Location
from hybridize.project.build import Project
from hybridize.project.collect import dotted_name
from hybridize.project.model import FunctionInfo, SymbolKind
from hybridize.stubs.aliases import canonical

#: The axis of a read of the whole shape (``s = x.shape``), resolved when it is indexed.
WHOLE = -(10**6)

#: Callees that need Python ints (or a shape of them) and fail on ``None``.
_INT_BUILTINS = frozenset({"builtins.range", "builtins.int", "builtins.float"})
#: TensorFlow callees that accept ``None`` dims (a partial shape) in their arguments.
_ACCEPTS_NONE = frozenset(
    {
        "tensorflow.TensorShape",
        "tensorflow.ensure_shape",
        "tensorflow.print",
        "tensorflow.TensorSpec",
        "tensorflow.RaggedTensorSpec",
        "tensorflow.SparseTensorSpec",
        "tensorflow.debugging.assert_shapes",
    }
)
_INT_LIBRARIES = ("tensorflow.", "numpy.", "keras.", "tf_keras.")


@attrs.frozen
class ShapeRead:
    """``parameter``'s dim ``axis`` is read statically at ``location`` and used at ``use_at`` as
    ``use`` (``"range()"``, ``"arithmetic"``, ``"tensorflow.reshape()"``)."""

    parameter: str
    axis: int
    location: Location
    use: str
    use_at: Location


@attrs.frozen
class _Source:
    parameter: str
    axis: int
    location: Location


def static_shape_reads(project: Project, fn: FunctionInfo) -> tuple[ShapeRead, ...]:
    """Every static shape read of a parameter of ``fn`` that reaches an int-requiring use."""
    spec = fn.node.args
    parameters = {a.arg for a in (*spec.posonlyargs, *spec.args, *spec.kwonlyargs)}
    if not parameters:
        return ()
    finder = _Finder(project, fn, parameters)
    body = fn.node.body
    for statement in body if isinstance(body, list) else [body]:
        finder.visit(statement)
    unique = {(r.parameter, r.axis, r.location, r.use_at): r for r in finder.reads}
    return tuple(
        sorted(unique.values(), key=lambda r: (r.use_at.line, r.use_at.col, r.parameter, r.axis))
    )


class _Finder(ast.NodeVisitor):
    def __init__(self, project: Project, fn: FunctionInfo, parameters: set[str]) -> None:
        self.project = project
        self.fn = fn
        self.parameters = parameters
        self.names: dict[str, list[_Source]] = {}
        self.reads: list[ShapeRead] = []

    # -- sources ------------------------------------------------------------------------------

    def _location(self, node: ast.AST) -> Location:
        return Location(self.fn.relpath, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))

    def _shape_of(self, node: ast.expr) -> str | None:
        """The parameter whose whole static shape ``node`` is (``x.shape``, ``x.get_shape()``,
        ``x.shape.as_list()``)."""
        if isinstance(node, ast.Call) and not node.args and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("get_shape", "as_list"):
                inner = node.func.value
                if node.func.attr == "get_shape":
                    return self._parameter(inner)
                return self._shape_of(inner)
        if isinstance(node, ast.Attribute) and node.attr == "shape":
            return self._parameter(node.value)
        if isinstance(node, ast.Name):
            sources = self.names.get(node.id)
            if sources and all(s.axis == WHOLE for s in sources):
                return sources[0].parameter
        return None

    def _parameter(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name) and node.id in self.parameters:
            return node.id
        return None

    def sources(self, node: ast.expr) -> list[_Source]:
        """The static dims ``node`` evaluates to (directly, or through names bound to them)."""
        if isinstance(node, ast.Subscript):
            parameter = self._shape_of(node.value)
            if parameter is not None:
                index = node.slice
                axis = _int_constant(index)
                if axis is None:
                    return [_Source(parameter, WHOLE, self._location(node))]
                return [_Source(parameter, axis, self._location(node))]
            return []
        if isinstance(node, ast.Name):
            return [s for s in self.names.get(node.id, []) if s.axis != WHOLE]
        if isinstance(node, ast.Call) and self._callee(node) == "builtins.len" and node.args:
            parameter = self._parameter(node.args[0])
            if parameter is not None:
                return [_Source(parameter, 0, self._location(node))]
        return []

    def sources_within(self, node: ast.expr) -> list[_Source]:
        """Static dims anywhere in ``node`` that flow into its value as Python ints (list and
        tuple displays, starred items), not through calls or subscripts of other values."""
        found = self.sources(node)
        if found:
            return found
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return [s for element in node.elts for s in self.sources_within(element)]
        if isinstance(node, ast.Starred):
            return self.sources_within(node.value)
        if isinstance(node, ast.IfExp):
            return self.sources_within(node.body) + self.sources_within(node.orelse)
        if isinstance(node, ast.BinOp):  # already a sink; its result is tainted as well
            return self.sources_within(node.left) + self.sources_within(node.right)
        shape = self._shape_of(node)
        if shape is not None:
            return [_Source(shape, WHOLE, self._location(node))]
        return []

    # -- bindings -----------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self._bind(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
            self._bind(node.target, node.value)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self._bind(node.target, node.value)

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            found = self.sources_within(value)
            whole = self._shape_of(value)
            if whole is not None:
                found = [_Source(whole, WHOLE, self._location(value))]
            if found:
                self.names[target.id] = self.names.get(target.id, []) + found
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            shape = self._shape_of(value)
            if shape is not None:
                for axis, element in enumerate(target.elts):
                    if isinstance(element, ast.Name):
                        source = _Source(shape, axis, self._location(value))
                        self.names[element.id] = [*self.names.get(element.id, []), source]
                return
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
                for element, item in zip(target.elts, value.elts, strict=True):
                    self._bind(element, item)

    # -- sinks --------------------------------------------------------------------------------

    def _sink(self, node: ast.expr, use: str, at: ast.AST) -> None:
        for source in self.sources_within(node):
            self.reads.append(
                ShapeRead(source.parameter, source.axis, source.location, use, self._location(at))
            )

    def visit_BinOp(self, node: ast.BinOp) -> None:
        self._sink(node.left, "arithmetic", node)
        self._sink(node.right, "arithmetic", node)
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if not isinstance(node.op, ast.Not):
            self._sink(node.operand, "arithmetic", node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._sink(node.value, "arithmetic", node)
        if isinstance(node.target, ast.Name):
            self._sink(node.target, "arithmetic", node)
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        ordering = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
        if any(isinstance(op, ordering) for op in node.ops):
            for operand in (node.left, *node.comparators):
                self._sink(operand, "comparison", node)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        callee = self._callee(node)
        if callee is not None and _needs_ints(callee):
            use = callee.removeprefix("builtins.") + "()"
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                self._sink(argument, use, node)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        return  # nested functions are analysed on their own

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        return

    def visit_Lambda(self, node: ast.Lambda) -> None:
        return

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        return

    def _callee(self, node: ast.Call) -> str | None:
        dotted = dotted_name(node.func)
        if dotted is None:
            return None
        head = dotted.split(".", 1)[0]
        if head in self.parameters or head in self.names:
            return None
        symbol = self.project.resolve_name(self.fn.id, dotted)
        if symbol.kind is SymbolKind.EXTERNAL:
            return canonical(symbol.ref)
        if symbol.kind is SymbolKind.UNRESOLVED and "." not in dotted:
            return f"builtins.{dotted}"
        return None


def _needs_ints(callee: str) -> bool:
    if callee in _INT_BUILTINS:
        return True
    if callee in _ACCEPTS_NONE or callee.startswith("tensorflow.debugging."):
        return False
    return callee.startswith(_INT_LIBRARIES)


def _int_constant(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return int(node.value)
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int)
    ):
        return -int(node.operand.value)
    return None


def iter_axes(read: ShapeRead, rank: int | None) -> Iterator[int]:
    """The non-negative axes ``read`` may denote for a tensor of ``rank`` (``WHOLE``: all)."""
    if read.axis == WHOLE:
        if rank is not None:
            yield from range(rank)
        return
    if read.axis >= 0:
        yield read.axis
    elif rank is not None and -rank <= read.axis:
        yield rank + read.axis
