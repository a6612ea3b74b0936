"""Input signatures: what ``input_signature`` a hybrid function could be given, why not when it
can't, whether it re-traces today, and whether an existing signature contradicts its callers.

A ``tf.function`` traces once per distinct input signature it sees: every new shape or dtype of a
tensor argument costs a new trace (``tests/tf_behaviour/test_input_signatures.py``). A declared
``input_signature`` makes it trace once, but it binds strictly: a call that does not fit raises.
So a signature is inferred only from what every call site in the analysed code passes, joined
per parameter: dims that agree stay, dims that differ become ``None``, different ranks give an
unknown shape; dtypes must agree. It is complete or absent; when absent, each cause is recorded
once as a ``SignatureBlock`` with its reason id and evidence.

``input_signature`` follows Python's positional binding (checked against TF 2.21): the signature
covers the positional parameters in order (``self`` excluded); a defaulted parameter may be left
out only if it and every later one are never passed; keyword-only parameters can't be in it (and
may then never be passed); nothing may be passed through ``*args``/``**kwargs``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from hybridize.lattice.dtype import DType
from hybridize.lattice.location import Location
from hybridize.lattice.shape import Shape
from hybridize.lattice.tensor import TensorKind, TensorType
from hybridize.lattice.values import (
    Atom,
    ConstAtom,
    ContainerAtom,
    NDArrayAtom,
    TensorAtom,
    UnknownAtom,
    Value,
)
from hybridize.project.build import Project
from hybridize.project.collect import dotted_name
from hybridize.project.model import FunctionInfo, SymbolKind
from hybridize.stubs.aliases import canonical
from hybridize.transfer.analysis import Observation
from hybridize.transfer.shape_reads import WHOLE, ShapeRead, iter_axes, static_shape_reads

MAX_SITES = 8
#: Distinct argument types compared per parameter when looking for re-tracing.
MAX_DISTINCT = 32

#: Reason ids of the causes that withhold a signature (one rule module each in refactor/rules).
DTYPE_DISAGREEMENT = "dtype-disagreement"
NON_TENSOR_PARAMETER = "non-tensor-parameter"
UNKNOWN_INPUT_TYPE = "unknown-input-type"
KEYWORD_ONLY_ARGUMENT = "keyword-only-argument"
VARIADIC_ARGUMENTS = "variadic-arguments"
STATIC_SHAPE_READ = "static-shape-read"


@attrs.frozen
class Site:
    """A location and what was found there."""

    location: Location
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"at": str(self.location), "detail": self.detail}


@attrs.frozen
class LeafSpec:
    """``tf.TensorSpec`` (dense), ``tf.RaggedTensorSpec`` or ``tf.SparseTensorSpec``."""

    kind: TensorKind
    dtype: str
    shape: Shape

    def render(self) -> str:
        shape = (
            "None"
            if self.shape.dims is None
            else _tuple("None" if d is None else str(d) for d in self.shape.dims)
        )
        arguments = f"shape={shape}, dtype=tf.{self.dtype}"
        if self.kind is TensorKind.RAGGED:
            return f"tf.RaggedTensorSpec({arguments}, ragged_rank=1)"
        if self.kind is TensorKind.SPARSE:
            return f"tf.SparseTensorSpec({arguments})"
        return f"tf.TensorSpec({arguments})"

    def pretty(self) -> str:
        return f"{self.dtype} {self.shape.pretty()}"


@attrs.frozen
class NestedSpec:
    """A list or tuple of specs: the argument must be a list (resp. tuple) of that length."""

    kind: str  # list | tuple
    items: tuple[Spec, ...]

    def render(self) -> str:
        inner = [item.render() for item in self.items]
        if self.kind == "tuple":
            return _tuple(inner)
        return "[" + ", ".join(inner) + "]"

    def pretty(self) -> str:
        return self.render()


Spec = LeafSpec | NestedSpec


def render_signature(specs: Sequence[Spec]) -> str:
    """The ``input_signature=`` value, spelling TensorFlow as ``tf.``."""
    return "[" + ", ".join(spec.render() for spec in specs) + "]"


@attrs.frozen
class SignatureBlock:
    """One cause that withholds a signature: a reason id, the parameter, why, and where."""

    reason: str
    parameter: str
    message: str
    sites: tuple[Site, ...]


@attrs.frozen
class SignatureFacts:
    """What the analysis knows about a function's input signature.

    ``specs`` is the inferred signature (one spec per leading positional parameter named in
    ``parameters``), or ``None`` with the causes in ``blocks``. ``retracing`` is the evidence that
    the function re-traces on tensor shapes or dtypes today. ``declared`` is the existing
    ``input_signature`` when the decorator has one we can read, ``mismatches`` the call sites
    that contradict it."""

    parameters: tuple[str, ...] = ()
    specs: tuple[Spec, ...] | None = None
    blocks: tuple[SignatureBlock, ...] = ()
    retracing: tuple[Site, ...] = ()
    declared: tuple[Spec, ...] | None = None
    declared_text: str | None = None
    mismatches: tuple[Site, ...] = ()
    shape_reads: tuple[ShapeRead, ...] = ()

    @property
    def complete(self) -> bool:
        return self.specs is not None and not self.blocks

    @property
    def rendered(self) -> str | None:
        """The signature's text when it is complete."""
        return None if self.specs is None or self.blocks else render_signature(self.specs)

    def render(self) -> str | None:
        """The inferred specs' text, blocked or not (a caller may have switched a block off)."""
        return None if self.specs is None else render_signature(self.specs)

    def blocked_by(self, reason: str) -> tuple[SignatureBlock, ...]:
        return tuple(b for b in self.blocks if b.reason == reason)

    def to_json(self) -> dict[str, Any]:
        return {
            "parameters": list(self.parameters),
            "inferred": self.render(),
            "complete": self.complete,
            "blocks": [
                {
                    "reason": b.reason,
                    "parameter": b.parameter,
                    "message": b.message,
                    "evidence": [s.to_json() for s in b.sites],
                }
                for b in self.blocks
            ],
            "retracing": [s.to_json() for s in self.retracing],
            "declared": self.declared_text,
            "mismatches": [s.to_json() for s in self.mismatches],
            "shape_reads": [
                {
                    "parameter": r.parameter,
                    "axis": None if r.axis == WHOLE else r.axis,
                    "at": str(r.location),
                    "use": r.use,
                    "use_at": str(r.use_at),
                }
                for r in self.shape_reads
            ],
        }


class _Cause(Exception):
    """Why a value has no spec (raised while building one, caught per parameter)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def infer_signature(
    project: Project,
    fn: FunctionInfo,
    observations: dict[str, dict[Location, Observation]],
    declared: ast.expr | None,
) -> SignatureFacts:
    """The signature facts of ``fn`` from what its parameters received at each call site."""
    spec = fn.node.args
    positional = [a.arg for a in (*spec.posonlyargs, *spec.args)]
    if fn.class_id is not None and not fn.is_staticmethod and not fn.is_lambda and positional:
        positional = positional[1:]
    sites = {name: _sorted(observations.get(name, {}).values()) for name in positional}
    passed = [name for name in positional if any(not o.defaulted for o in sites[name])]
    covered = positional[: positional.index(passed[-1]) + 1] if passed else []
    blocks: list[SignatureBlock] = []
    specs: list[Spec] = []
    for name in covered:
        try:
            specs.append(_join_sites(name, sites[name]))
        except _Cause as cause:
            blocks.append(SignatureBlock(cause.reason, name, cause.message, _evidence(sites[name])))
    if not sites or not any(sites.values()):
        if positional:
            blocks.append(
                SignatureBlock(
                    UNKNOWN_INPUT_TYPE,
                    positional[0],
                    "no call site in the analysed code: the inputs are unknown",
                    (),
                )
            )
    blocks.extend(_unbindable(fn, observations))
    relaxed = _relaxed_shapes(sites)
    reads = static_shape_reads(project, fn) if relaxed else ()  # only tensor parameters matter
    blocks.extend(_read_blocks(relaxed, reads))
    retracing = _retracing(positional, sites)
    declared_specs = _declared(project, fn, declared) if declared is not None else None
    mismatches: tuple[Site, ...] = ()
    if declared_specs is not None:
        mismatches = _mismatches(positional, sites, declared_specs)
    return SignatureFacts(
        parameters=tuple(covered),
        specs=tuple(specs) if len(specs) == len(covered) and covered else None,
        blocks=tuple(blocks),
        retracing=retracing,
        declared=declared_specs,
        declared_text=None if declared is None else ast.unparse(declared),
        mismatches=mismatches,
        shape_reads=reads,
    )


def _sorted(observations: Iterable[Observation]) -> list[Observation]:
    return sorted(observations, key=lambda o: (o.location.path, o.location.line, o.location.col))


def _evidence(observations: Sequence[Observation]) -> tuple[Site, ...]:
    return tuple(
        Site(o.location, f"{o.value.pretty()} ({o.detail})") for o in observations[:MAX_SITES]
    )


# -- inference ----------------------------------------------------------------------------------


def _join_sites(name: str, observations: Sequence[Observation]) -> Spec:
    result: Spec | None = None
    for observation in observations:
        try:
            spec = _spec_of(observation.value)
        except _Cause as cause:
            where = f"at {observation.location}" + (
                " (its default)" if observation.defaulted else ""
            )
            raise _Cause(cause.reason, f"{name}: {cause.message} {where}") from None
        result = spec if result is None else _join(name, result, spec)
    if result is None:
        raise _Cause(UNKNOWN_INPUT_TYPE, f"{name}: no call site passes it")
    return result


def _spec_of(value: Value) -> Spec:
    if value.is_bottom:
        raise _Cause(UNKNOWN_INPUT_TYPE, "receives no value")
    result: Spec | None = None
    for atom in value.atoms:
        spec = _atom_spec(atom)
        result = spec if result is None else _join("", result, spec)
    assert result is not None
    return result


def _atom_spec(atom: Atom) -> Spec:
    if isinstance(atom, UnknownAtom):
        raise _Cause(
            UNKNOWN_INPUT_TYPE, f"receives a value the analysis can't tell ({atom.pretty()})"
        )
    if isinstance(atom, TensorAtom):
        return _tensor_spec(atom.type)
    if isinstance(atom, NDArrayAtom):
        return _leaf(TensorKind.DENSE, atom.dtype, atom.shape, "a NumPy array")
    if isinstance(atom, ContainerAtom) and atom.kind in ("list", "tuple"):
        if atom.items is None:
            raise _Cause(UNKNOWN_INPUT_TYPE, f"receives a {atom.kind} of unknown length")
        return NestedSpec(atom.kind, tuple(_spec_of(item) for item in atom.items))
    if isinstance(atom, ConstAtom):
        shown = atom.pretty() if atom.values is not None else f"any {atom.pytype}"
        raise _Cause(NON_TENSOR_PARAMETER, f"receives a Python {atom.pytype} ({shown})")
    raise _Cause(NON_TENSOR_PARAMETER, f"receives {_a(atom.type_name)} ({atom.pretty()})")


def _tensor_spec(tensor: TensorType) -> LeafSpec:
    if tensor.kind is TensorKind.VARIABLE:
        raise _Cause(
            NON_TENSOR_PARAMETER,
            "receives a tf.Variable (a signature would pass it as a tensor: assignments to it "
            "would fail)",
        )
    if tensor.kind is TensorKind.RAGGED and (tensor.shape.rank is None or tensor.shape.rank != 2):
        raise _Cause(
            UNKNOWN_INPUT_TYPE, "receives a ragged tensor whose rank (and ragged rank) is unknown"
        )
    return _leaf(tensor.kind, tensor.dtype, tensor.shape, f"a {tensor.kind.value}")


def _leaf(kind: TensorKind, dtype: DType, shape: Shape, what: str) -> LeafSpec:
    if dtype.known is None:
        raise _Cause(UNKNOWN_INPUT_TYPE, f"receives {what} of unknown dtype")
    if shape.bottom:
        raise _Cause(UNKNOWN_INPUT_TYPE, f"receives {what} of no known shape")
    return LeafSpec(kind, dtype.known, shape)


def _join(name: str, a: Spec, b: Spec) -> Spec:
    prefix = f"{name}: " if name else ""
    if isinstance(a, LeafSpec) and isinstance(b, LeafSpec):
        if a.kind is not b.kind:
            raise _Cause(
                NON_TENSOR_PARAMETER,
                f"{prefix}receives {_a(a.kind.value)} and {_a(b.kind.value)}",
            )
        if a.dtype != b.dtype:
            raise _Cause(DTYPE_DISAGREEMENT, f"{prefix}receives {a.dtype} and {b.dtype}")
        return LeafSpec(a.kind, a.dtype, a.shape.join(b.shape))
    if isinstance(a, NestedSpec) and isinstance(b, NestedSpec):
        if a.kind != b.kind or len(a.items) != len(b.items):
            raise _Cause(
                NON_TENSOR_PARAMETER,
                f"{prefix}receives a {a.kind} of {len(a.items)} and a {b.kind} of {len(b.items)}",
            )
        return NestedSpec(
            a.kind, tuple(_join(name, x, y) for x, y in zip(a.items, b.items, strict=True))
        )
    raise _Cause(NON_TENSOR_PARAMETER, f"{prefix}receives both a tensor and a container")


def _unbindable(
    fn: FunctionInfo, observations: dict[str, dict[Location, Observation]]
) -> list[SignatureBlock]:
    """Keyword-only parameters that are passed, and arguments passed through ``*args`` /
    ``**kwargs``: an ``input_signature`` can bind neither."""
    spec = fn.node.args
    blocks: list[SignatureBlock] = []
    for arg in spec.kwonlyargs:
        passed = [o for o in _sorted(observations.get(arg.arg, {}).values()) if not o.defaulted]
        if passed:
            blocks.append(
                SignatureBlock(
                    KEYWORD_ONLY_ARGUMENT,
                    arg.arg,
                    f"{arg.arg} is keyword-only and passed at {passed[0].location}: an "
                    "input_signature can't cover keyword-only parameters",
                    _evidence(passed),
                )
            )
    for variadic in (spec.vararg, spec.kwarg):
        if variadic is None:
            continue
        used = [
            o
            for o in _sorted(observations.get(variadic.arg, {}).values())
            if not _empty_container(o.value)
        ]
        if used:
            stars = "*" if variadic is spec.vararg else "**"
            blocks.append(
                SignatureBlock(
                    VARIADIC_ARGUMENTS,
                    variadic.arg,
                    f"arguments are passed through {stars}{variadic.arg} at {used[0].location}: "
                    "an input_signature binds only named positional parameters",
                    _evidence(used),
                )
            )
    return blocks


def _empty_container(value: Value) -> bool:
    atom = value.only(ContainerAtom)
    return atom is not None and atom.items == () and atom.element.is_bottom


def _relaxed_shapes(sites: dict[str, list[Observation]]) -> dict[str, Shape]:
    """Per parameter, the join of the shapes of the tensors and arrays it receives: what a
    signature, or ``reduce_retracing``, would relax its shape to."""
    shapes: dict[str, Shape] = {}
    for name, observed in sites.items():
        shape = Shape.BOTTOM
        for observation in observed:
            for atom in observation.value.atoms:
                if isinstance(atom, TensorAtom):
                    shape = shape.join(atom.type.shape)
                elif isinstance(atom, NDArrayAtom):
                    shape = shape.join(atom.shape)
        if not shape.bottom:
            shapes[name] = shape
    return shapes


def _read_blocks(shapes: dict[str, Shape], reads: Sequence[ShapeRead]) -> list[SignatureBlock]:
    """Static shape reads of axes that a signature (or ``reduce_retracing``) makes ``None``."""
    found: dict[str, list[Site]] = {}
    for read in reads:
        shape = shapes.get(read.parameter)
        if shape is None:
            continue
        dims = shape.dims
        axes = list(iter_axes(read, shape.rank))
        if dims is None or not axes or any(dims[a] is None for a in axes if a < len(dims)):
            axis = "the shape" if not axes or len(axes) > 1 else f"axis {axes[0]}"
            found.setdefault(read.parameter, []).append(
                Site(
                    read.use_at,
                    f"{read.parameter}.shape ({axis}, read at line {read.location.line}) used in "
                    f"{read.use}: None under the signature",
                )
            )
    return [
        SignatureBlock(
            STATIC_SHAPE_READ,
            name,
            f"{name}: its static shape is read where a Python int is required "
            f"(line {sites[0].location.line}), and an input_signature or reduce_retracing would "
            "make that axis None",
            tuple(sites[:MAX_SITES]),
        )
        for name, sites in found.items()
    ]


# -- re-tracing ---------------------------------------------------------------------------------


def _retracing(positional: Sequence[str], sites: dict[str, list[Observation]]) -> tuple[Site, ...]:
    """Evidence that the function traces more than once on tensor arguments: two call sites
    passing tensors of different dtypes, ranks or known dims, or a tensor whose shape varies.

    Call sites are grouped by the tensor types they pass first (a function called from
    thousands of places passes few distinct types), so the comparison is over distinct types."""
    evidence: list[Site] = []
    for name in positional:
        groups: dict[tuple[tuple[str, TensorType], ...], Observation] = {}
        for observation in sites.get(name, []):
            leaves = _tensor_leaves(observation.value)
            if not leaves:
                continue
            key = tuple(sorted(leaves.items(), key=lambda item: item[0]))
            if key in groups:
                continue
            groups[key] = observation
            if any(leaf.varying for leaf in leaves.values()):
                evidence.append(
                    Site(
                        observation.location,
                        f"{name}: batches of a dataset batched without drop_remainder=True "
                        f"({observation.value.pretty()}): the last batch is smaller unless the "
                        "dataset size is known to be a multiple of the batch size",
                    )
                )
        distinct = list(groups.items())[:MAX_DISTINCT]
        for i, (first_key, first) in enumerate(distinct):
            for second_key, second in distinct[i + 1 :]:
                if _differ(dict(first_key), dict(second_key)):
                    evidence.append(
                        Site(
                            first.location,
                            f"{name}: {first.value.pretty()} here, "
                            f"{second.value.pretty()} at {second.location}",
                        )
                    )
                    break
    unique = {(s.location, s.detail): s for s in evidence}
    return tuple(list(unique.values())[:MAX_SITES])


def _tensor_leaves(value: Value, path: str = "") -> dict[str, TensorType]:
    """Tensor-like leaves of ``value`` by position path (NumPy arrays as dense tensors)."""
    leaves: dict[str, TensorType] = {}
    if len(value.atoms) != 1:
        return leaves
    atom = value.atoms[0]
    if isinstance(atom, TensorAtom):
        leaves[path] = atom.type
    elif isinstance(atom, NDArrayAtom):
        leaves[path] = TensorType.dense(atom.dtype, atom.shape)
    elif isinstance(atom, ContainerAtom) and atom.items is not None:
        for index, item in enumerate(atom.items):
            leaves.update(_tensor_leaves(item, f"{path}[{index}]"))
    return leaves


def _differ(a: dict[str, TensorType], b: dict[str, TensorType]) -> bool:
    for path in a.keys() & b.keys():
        x, y = a[path], b[path]
        if x.dtype.known and y.dtype.known and x.dtype != y.dtype:
            return True
        if x.shape.dims is None or y.shape.dims is None:
            continue
        if len(x.shape.dims) != len(y.shape.dims):
            return True
        if any(
            p is not None and q is not None and p != q
            for p, q in zip(x.shape.dims, y.shape.dims, strict=True)
        ):
            return True
    return False


# -- declared signatures ------------------------------------------------------------------------

_SPEC_CLASSES = {
    "tensorflow.TensorSpec": TensorKind.DENSE,
    "tensorflow.RaggedTensorSpec": TensorKind.RAGGED,
    "tensorflow.SparseTensorSpec": TensorKind.SPARSE,
}


def _declared(project: Project, fn: FunctionInfo, node: ast.expr) -> tuple[Spec, ...] | None:
    """The specs of an ``input_signature=`` expression, or ``None`` when it is not a literal
    list/tuple of ``tf.TensorSpec``-like calls with literal shapes and dtypes."""
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    specs = [_declared_spec(project, fn, element) for element in node.elts]
    if any(s is None for s in specs):
        return None
    return tuple(s for s in specs if s is not None)


def _declared_spec(project: Project, fn: FunctionInfo, node: ast.expr) -> Spec | None:
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_declared_spec(project, fn, element) for element in node.elts]
        if any(i is None for i in items):
            return None
        nested = "list" if isinstance(node, ast.List) else "tuple"
        return NestedSpec(nested, tuple(i for i in items if i is not None))
    if not isinstance(node, ast.Call):
        return None
    kind = _SPEC_CLASSES.get(_resolved(project, fn, node.func) or "")
    if kind is None:
        return None
    arguments: dict[str, ast.expr] = dict(zip(("shape", "dtype"), node.args, strict=False))
    arguments.update({k.arg: k.value for k in node.keywords if k.arg is not None})
    shape = _literal_shape(arguments.get("shape"))
    dtype = _literal_dtype(project, fn, arguments.get("dtype"))
    if shape is None or dtype is None:
        return None
    return LeafSpec(kind, dtype, shape)


def _resolved(project: Project, fn: FunctionInfo, node: ast.expr) -> str | None:
    dotted = dotted_name(node)
    if dotted is None:
        return None
    scope = fn.parent_id or fn.class_id or project.module_of(fn.id).id
    symbol = project.resolve_name(scope, dotted)
    return canonical(symbol.ref) if symbol.kind is SymbolKind.EXTERNAL else None


def _literal_shape(node: ast.expr | None) -> Shape | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return Shape.UNKNOWN
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    dims: list[int | None] = []
    for element in node.elts:
        if isinstance(element, ast.Constant) and (
            element.value is None or type(element.value) is int
        ):
            dims.append(element.value)
        else:
            return None
    return Shape.of(dims)


def _literal_dtype(project: Project, fn: FunctionInfo, node: ast.expr | None) -> str | None:
    if node is None:
        return "float32"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return DType.of(node.value).known
    resolved = _resolved(project, fn, node)
    if resolved is None or not resolved.startswith("tensorflow."):
        return None
    return DType.of(resolved).known


def _mismatches(
    positional: Sequence[str], sites: dict[str, list[Observation]], declared: Sequence[Spec]
) -> tuple[Site, ...]:
    """Call sites that pass what the declared signature rejects."""
    found: list[Site] = []
    for index, name in enumerate(positional):
        for observation in sites.get(name, []):
            if index >= len(declared):
                if not observation.defaulted:
                    found.append(
                        Site(
                            observation.location,
                            f"{name} is passed but the input_signature has no entry for it",
                        )
                    )
                continue
            problem = _contradiction(observation.value, declared[index])
            if problem is not None:
                found.append(Site(observation.location, f"{name}: {problem}"))
    return tuple(found[:MAX_SITES])


def _contradiction(value: Value, spec: Spec) -> str | None:
    """Why TF would reject ``value`` for ``spec`` (None when it fits or can't be told)."""
    if len(value.atoms) != 1:
        return None
    atom = value.atoms[0]
    if isinstance(spec, NestedSpec):
        if isinstance(atom, ContainerAtom) and atom.items is not None:
            if atom.kind != spec.kind or len(atom.items) != len(spec.items):
                return (
                    f"a {atom.kind} of {len(atom.items)} where the signature has a "
                    f"{spec.kind} of {len(spec.items)}"
                )
            for item, inner in zip(atom.items, spec.items, strict=True):
                problem = _contradiction(item, inner)
                if problem is not None:
                    return problem
            return None
        if isinstance(atom, (TensorAtom, NDArrayAtom)):
            return f"a tensor where the signature has a {spec.kind}"
        return None
    if isinstance(atom, TensorAtom):
        tensor = atom.type
        if tensor.dtype.known and tensor.dtype.known != spec.dtype:
            return f"{tensor.dtype.known} where the signature says {spec.dtype}"
        return _shape_contradiction(tensor.shape, spec.shape)
    if isinstance(atom, NDArrayAtom):  # converted to the spec's dtype: only shapes must fit
        return _shape_contradiction(atom.shape, spec.shape)
    return None


def _shape_contradiction(shape: Shape, declared: Shape) -> str | None:
    if shape.dims is None or declared.dims is None:
        return None
    if len(shape.dims) != len(declared.dims):
        return f"rank {len(shape.dims)} where the signature has rank {len(declared.dims)}"
    for axis, (dim, want) in enumerate(zip(shape.dims, declared.dims, strict=True)):
        if dim is not None and want is not None and dim != want:
            return (
                f"shape {shape.pretty()} where the signature has {declared.pretty()} (axis {axis})"
            )
    return None


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _tuple(items: Iterable[str]) -> str:
    listed = list(items)
    if len(listed) == 1:
        return f"({listed[0]},)"
    return "(" + ", ".join(listed) + ")"
