"""The interprocedural driver: one explicit context for a whole-project analysis.

``Analysis`` owns everything that is shared between frames: the project model, the library models,
the heap (class attributes, module globals, closure cells, ``tf.function`` wrappings), the summary
cache keyed by ``(function id, abstract arguments)``, the call edges and the parameter values seen
at every call site. Frames (``interpreter.Frame``) ask it to resolve names, attributes and calls.

The analysis runs in rounds: module top levels first (in import order), then every function that
no analysed code has called yet, as a root with parameters from annotations or unknown. Heap cells
only grow (join); when a round changed the heap, the next round re-runs with the larger heap, up to
``MAX_ROUNDS``. Facts are taken from the last round.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from collections.abc import Mapping

import attrs

from hybridize.lattice.effects import EffectKind
from hybridize.lattice.location import Location
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import (
    Atom,
    CallableAtom,
    ClassAtom,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    KerasRole,
    ModuleAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    has_symbolic,
    join_all,
    mark_symbolic,
    nested_tensors,
    strip_symbolic,
)
from hybridize.project.build import Project
from hybridize.project.collect import dotted_name
from hybridize.project.model import FunctionInfo, ImportBinding, ModuleInfo, Symbol, SymbolKind
from hybridize.stubs import promotion, rules
from hybridize.stubs.loader import Models, load_models
from hybridize.stubs.model import Bound, FunctionModel, ModelSource
from hybridize.transfer.environment import Env
from hybridize.transfer.interpreter import Frame, describe, holds_array
from hybridize.transfer.summary import HazardSite, Summary

MAX_ROUNDS = 2
MAX_CONTEXTS = 4
MAX_CALL_DEPTH = 24
TF_FUNCTION = "tensorflow.function"
SAVED_MODEL_SAVE = "tensorflow.saved_model.save"

#: Attributes that only a ``tf.function`` object has (``graph-only-usage``).
GRAPH_ONLY_ATTRIBUTES = frozenset({
    "get_concrete_function", "experimental_get_tracing_count", "python_function",
    "function_spec", "pretty_printed_concrete_signatures", "experimental_get_compiler_ir",
})  # fmt: skip
#: Reads of a Keras model's variable list (``stale-variable-read``) ...
VARIABLE_LISTS = frozenset({"trainable_variables", "trainable_weights"})
#: ... and the uses of a model that build it (its variables exist afterwards).
BUILDING_USES = frozenset({
    "build", "call", "__call__", "fit", "evaluate", "predict", "train_on_batch",
    "test_on_batch", "predict_on_batch",
})  # fmt: skip
#: Library calls that feed variables to a gradient or an optimizer.
GRADIENT_UPDATES = frozenset({
    "keras.optimizers.Optimizer.apply_gradients", "keras.optimizers.Optimizer.apply",
    "keras.optimizers.Optimizer.minimize", "tensorflow.GradientTape.gradient",
})  # fmt: skip
#: Library namespaces that compute on concrete values in Python (``numpy-on-tensor``).
NUMPY_PREFIXES = ("numpy.", "math.", "scipy.")
_CONVERSIONS = frozenset({"tensorflow.convert_to_tensor", "tensorflow.constant"})
_BUILDABLE = (KerasRole.LAYER, KerasRole.MODEL)

_ANNOTATION_TENSORS: dict[str, Value] = {
    "tensorflow.Tensor": Value.tensor(),
    "tensorflow.Variable": Value.tensor(kind=TensorKind.VARIABLE),
    "tensorflow.RaggedTensor": Value.tensor(kind=TensorKind.RAGGED),
    "tensorflow.SparseTensor": Value.tensor(kind=TensorKind.SPARSE),
    "tensorflow.types.experimental.TensorLike": Value.tensor(),
    "numpy.ndarray": Value.ndarray(),
    "builtins.int": Value.any_of("int"),
    "builtins.float": Value.any_of("float"),
    "builtins.str": Value.any_of("str"),
    "builtins.bool": Value.any_of("bool"),
    "builtins.bytes": Value.any_of("bytes"),
    "tensorflow.data.Dataset": Value.atom(DatasetAtom(Value.unknown(UnknownReason.NO_CALLER))),
}


@attrs.frozen
class CallEdge:
    caller: str  # function id or module id
    callee: str  # function id
    location: Location
    repeated: bool  # inside a loop / comprehension, or handed to a framework loop
    recursive_cut: bool = False  # the call was cut because the callee was already active


@attrs.frozen
class Observation:
    """A value a parameter received at one call site."""

    value: Value
    location: Location
    detail: str
    #: The parameter was not passed here: ``value`` is its default.
    defaulted: bool = False


@attrs.define
class Heap:
    """Flow-insensitive cells shared by all frames; ``changed`` tells the driver to run again."""

    attributes: dict[tuple[str, str], Value] = attrs.Factory(dict)
    globals: dict[tuple[str, str], Value] = attrs.Factory(dict)
    closures: dict[tuple[str, str], Value] = attrs.Factory(dict)
    wrapped: dict[str, tuple[Location, dict[str, str]]] = attrs.Factory(dict)
    #: Uses of a project function as a ``tf.function`` object (``f.get_concrete_function``, a
    #: SavedModel signature, an attribute of a ``tf.Module``): function id -> location -> detail.
    graph_only: dict[str, dict[Location, str]] = attrs.Factory(dict)
    changed: bool = False
    reader: str | None = None  # the root analysis running now (module id or function id)
    readers: dict[str, dict[tuple[str, str], set[str]]] = attrs.Factory(dict)
    dirty: set[str] = attrs.Factory(set)  # roots that read a cell which changed afterwards

    def _read(
        self, space: str, cells: dict[tuple[str, str], Value], key: tuple[str, str]
    ) -> Value | None:
        if self.reader is not None:
            space_readers = self.readers.get(space)
            if space_readers is None:
                space_readers = self.readers[space] = {}
            readers = space_readers.get(key)
            if readers is None:
                space_readers[key] = {self.reader}
            else:
                readers.add(self.reader)
        return cells.get(key)

    def attribute_cell(self, key: tuple[str, str]) -> Value | None:
        return self._read("attribute", self.attributes, key)

    def global_cell(self, key: tuple[str, str]) -> Value | None:
        return self._read("global", self.globals, key)

    def closure_cell(self, key: tuple[str, str]) -> Value | None:
        return self._read("closure", self.closures, key)

    def _write(
        self,
        space: str,
        cells: dict[tuple[str, str], Value],
        key: tuple[str, str],
        value: Value,
    ) -> None:
        previous = cells.get(key)
        if previous is None:
            cells[key] = value
        else:
            joined = previous.join(value)
            if joined == previous:
                return
            cells[key] = previous.widen(joined)
        self.changed = True
        readers = self.readers.get(space, {}).pop(key, None)
        if readers:
            self.dirty |= readers

    def write_attribute(self, class_id: str, name: str, value: Value) -> None:
        self._write("attribute", self.attributes, (class_id, name), value)

    def write_global(self, module: str, name: str, value: Value) -> None:
        self._write("global", self.globals, (module, name), value)

    def write_closure(self, function_id: str, name: str, value: Value) -> None:
        self._write("closure", self.closures, (function_id, name), value)


@attrs.define
class _LambdaInfo:
    node: ast.Lambda
    module: ModuleInfo
    owner: FunctionInfo | None
    env: Env


class Analysis:
    """A whole-project analysis (see module docstring)."""

    def __init__(
        self,
        project: Project,
        models: Models | None = None,
        *,
        assume_pure: tuple[str, ...] = (),
    ) -> None:
        self.project = project
        self.models = models or load_models()
        #: Dotted-name globs of external callees the user declares free of side effects.
        self.assume_pure = assume_pure
        self._pure_cache: dict[str, bool] = {}
        self.heap = Heap()
        self._external_values: dict[str, Value] = {}
        self._defaults: dict[str, dict[str, Value]] = {}
        self._class_values: dict[str, Value] = {}
        self._roles: dict[str, KerasRole] = {}
        self.constructor_arguments: dict[str, Mapping[str, Value]] = {}
        self._writers: dict[str, dict[str, tuple[str, ...]]] = {}
        self.rerun_roots = 0  # roots analysed again because a heap cell they read changed
        self._project_heads = {name.split(".")[0] for name in project.modules}
        self._globals: dict[tuple[str, str], Symbol] = {}
        self._reset_round()

    def _reset_round(self) -> None:
        self.summaries: dict[tuple[str, tuple[Value, ...]], Summary] = {}
        self.contexts: dict[str, int] = {}
        self.active: list[str] = []
        self.edges: set[CallEdge] = set()
        self.observations: dict[str, dict[str, dict[Location, Observation]]] = {}
        self.function_summaries: dict[str, list[Summary]] = {}
        self.module_summaries: dict[str, Summary] = {}
        self.lambdas: dict[str, _LambdaInfo] = {}
        self.lambda_summaries: dict[str, list[Summary]] = {}

    # -- driver -------------------------------------------------------------------------------
    def run(self) -> None:
        """Round 1 analyses everything; later rounds re-run only the roots that read a heap cell
        which changed after they read it (class attributes, module globals, closure cells), with
        the summary cache cleared. Results of all rounds are joined; since heap cells only grow,
        that join is the result of the last round for every root that was re-run."""
        order = self._module_order()
        functions = self._root_order()
        self._reset_round()
        for module in order:
            self._run_module(module)
        for fid in functions:
            if fid not in self.function_summaries:
                self._run_root(fid)
        for _ in range(MAX_ROUNDS - 1):
            dirty = self.heap.dirty
            if not dirty:
                break
            self.heap.dirty = set()
            self.summaries = {}
            self.contexts = {}
            self.rerun_roots += len(dirty)
            for module in order:
                if module.id in dirty:
                    self._run_module(module)
            for fid in functions:
                if fid in dirty:
                    self._run_root(fid)

    def _module_order(self) -> list[ModuleInfo]:
        """Modules after the project modules they import, so globals they read are assigned."""
        modules = self.project.modules
        seen: set[str] = set()
        order: list[ModuleInfo] = []

        def visit(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            info = modules[name]
            targets = [b.target for b in info.imports.values()] + list(info.star_imports)
            for target in sorted(targets):
                parts = target.split(".")
                for end in range(len(parts), 0, -1):
                    candidate = ".".join(parts[:end])
                    if candidate in modules:
                        visit(candidate)
                        break
            order.append(info)

        for name in sorted(modules):
            visit(name)
        return order

    def _root_order(self) -> list[str]:
        """Functions nobody calls by name come first, so their callees get analysed in context."""
        called: set[str] = set()
        for sites in self.project.call_sites.values():
            for site in sites:
                func = site.node.func
                if isinstance(func, ast.Name):
                    called.add(func.id)
                elif isinstance(func, ast.Attribute):
                    called.add(func.attr)
        functions = sorted(self.project.functions)
        uncalled = [f for f in functions if self.project.functions[f].name not in called]
        rest = [f for f in functions if self.project.functions[f].name in called]
        return uncalled + rest

    def _run_module(self, module: ModuleInfo) -> None:
        tree = module.file.tree
        if tree is None:
            return
        frame = Frame(self, module, None, {})
        previous_reader, self.heap.reader = self.heap.reader, module.id
        try:
            frame.run(tree.body)
        except RecursionError:
            frame.unknown(UnknownReason.TOO_DEEP, tree, "nesting too deep")
        finally:
            self.heap.reader = previous_reader
        self.module_summaries[module.id] = frame.summary()

    def _run_root(self, fid: str) -> None:
        fn = self.project.functions[fid]
        env, self_name = self._root_env(fn)
        previous_reader, self.heap.reader = self.heap.reader, fid
        try:
            self._analyse(fn, env, self_name, None, key=("<root>",))
        finally:
            self.heap.reader = previous_reader

    def _root_env(self, fn: FunctionInfo) -> tuple[Env, str | None]:
        env: Env = {}
        self_name: str | None = None
        args = fn.node.args
        positional = [*args.posonlyargs, *args.args]
        module = self.project.module_of(fn.id)
        for index, arg in enumerate(positional):
            if index == 0 and fn.class_id is not None and not fn.is_staticmethod:
                self_name = arg.arg
                if fn.is_classmethod:
                    env[arg.arg] = self.class_value(fn.class_id)
                else:
                    env[arg.arg] = Value.atom(
                        InstanceAtom(fn.class_id, False, self.role(fn.class_id))
                    )
                continue
            env[arg.arg] = self._root_parameter(fn, module, arg)
        for arg in args.kwonlyargs:
            env[arg.arg] = self._root_parameter(fn, module, arg)
        if args.vararg is not None:
            env[args.vararg.arg] = Value.container(
                "tuple", None, Value.unknown(UnknownReason.STAR_ARGS, fn.location, "*args")
            )
        if args.kwarg is not None:
            env[args.kwarg.arg] = Value.container(
                "dict", None, Value.unknown(UnknownReason.STAR_ARGS, fn.location, "**kwargs")
            )
        return env, self_name

    def _root_parameter(self, fn: FunctionInfo, module: ModuleInfo, arg: ast.arg) -> Value:
        annotated = self.annotation_value(module, arg.annotation)
        if annotated is not None:
            return annotated
        return Value.unknown(UnknownReason.NO_CALLER, fn.location, arg.arg)

    # -- names --------------------------------------------------------------------------------
    def global_value(self, module: ModuleInfo, name: str, node: ast.AST, frame: Frame) -> Value:
        cell = self.heap.global_cell((module.name, name))
        symbol = self._resolve_global(module.name, name)
        if cell is not None and symbol.kind in (SymbolKind.VARIABLE, SymbolKind.UNRESOLVED):
            return cell
        if symbol.kind is SymbolKind.UNRESOLVED and frame.function is not None:
            imports = self._enclosing_imports(frame.function)
            binding = imports.get(name)
            if binding is not None:
                return self.value_of_dotted(binding.target)
        return self.symbol_value(symbol.kind, symbol.ref, node, frame)

    def _resolve_global(self, module: str, name: str) -> Symbol:
        key = (module, name)
        symbol = self._globals.get(key)
        if symbol is None:
            symbol = self._globals[key] = self.project.resolve_global(module, name)
        return symbol

    def _enclosing_imports(self, fn: FunctionInfo) -> dict[str, ImportBinding]:
        bindings: dict[str, ImportBinding] = {}
        current: FunctionInfo | None = fn
        while current is not None:
            for name, binding in self.project.function_imports.get(current.id, {}).items():
                bindings.setdefault(name, binding)
            current = self.project.functions.get(current.parent_id) if current.parent_id else None
        return bindings

    def symbol_value(self, kind: SymbolKind, ref: str, node: ast.AST, frame: Frame) -> Value:
        if kind is SymbolKind.FUNCTION:
            return Value.atom(CallableAtom(ref))
        if kind is SymbolKind.CLASS:
            return self.class_value(ref)
        if kind is SymbolKind.MODULE:
            return Value.atom(ModuleAtom(ref))
        if kind is SymbolKind.VARIABLE:
            module, _, name = ref.rpartition(":")
            cell = self.heap.global_cell((module, name))
            if cell is not None:
                return cell
            return frame.unknown(
                UnknownReason.UNRESOLVED_NAME, node, f"{module}.{name} before assignment"
            )
        if kind is SymbolKind.EXTERNAL:
            return self.value_of_dotted(ref)
        return frame.unknown(UnknownReason.UNRESOLVED_NAME, node, ref)

    def value_of_dotted(self, dotted: str) -> Value:
        """The value of an absolute dotted name: a project symbol or a modelled library name."""
        cached = self._external_values.get(dotted)
        if cached is not None:
            return cached
        head = dotted.split(".")[0]
        if head in self._project_heads:
            symbol = self.project.resolve_qualified(dotted)
            if symbol.kind is not SymbolKind.EXTERNAL and symbol.kind is not SymbolKind.UNRESOLVED:
                if symbol.kind is SymbolKind.FUNCTION:
                    return Value.atom(CallableAtom(symbol.ref))
                if symbol.kind is SymbolKind.CLASS:
                    return self.class_value(symbol.ref)
                if symbol.kind is SymbolKind.MODULE:
                    return Value.atom(ModuleAtom(symbol.ref))
                module, _, name = symbol.ref.rpartition(":")
                return self.heap.global_cell((module, name)) or Value.unknown(
                    UnknownReason.UNRESOLVED_NAME, None, dotted
                )
        value = self._external(dotted)
        self._external_values[dotted] = value
        return value

    def _external(self, dotted: str) -> Value:
        models = self.models
        if models.function(dotted) is not None:
            return Value.atom(CallableAtom("stub:" + dotted))
        model_class = models.cls(dotted)
        if model_class is not None:
            return Value.atom(ClassAtom(dotted, True, model_class.role))
        attribute = models.attribute(dotted)
        if attribute is not None:
            return attribute
        return Value.atom(ModuleAtom(dotted))

    def class_value(self, class_id: str) -> Value:
        cached = self._class_values.get(class_id)
        if cached is None:
            cached = Value.atom(ClassAtom(class_id, False, self.role(class_id)))
            self._class_values[class_id] = cached
        return cached

    def role(self, class_id: str) -> KerasRole:
        """Keras Model / Layer (or ``tf.Module``) recognition through the resolved bases."""
        cached = self._roles.get(class_id)
        if cached is not None:
            return cached
        role = KerasRole.NONE
        for base in self.project.mro(class_id):
            if base in self.project.classes:
                continue
            model_class = self.models.cls(base)
            if model_class is not None and model_class.role is not KerasRole.NONE:
                role = model_class.role
                break
        self._roles[class_id] = role
        return role

    def closure_value(self, function_id: str, name: str) -> Value | None:
        value = self.heap.closure_cell((function_id, name))
        if value is not None:
            return value
        nested = self.project.nested.get(function_id, {})
        target = nested.get(name)
        if target is not None:
            if target in self.project.functions:
                return Value.atom(CallableAtom(target))
            if target in self.project.classes:
                return self.class_value(target)
        fn = self.project.functions.get(function_id)
        if fn is not None and name in _parameter_names(fn):
            params = self.observations.get(function_id, {}).get(name)
            if params:
                return join_all({o.value for o in params.values()})
            return Value.unknown(UnknownReason.NO_CALLER, fn.location, name)
        return None

    def annotation_value(self, module: ModuleInfo, annotation: ast.expr | None) -> Value | None:
        """A parameter annotation as evidence: ``tf.Tensor`` -> tensor, ``int`` -> any int, ..."""
        if annotation is None:
            return None
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            try:
                annotation = ast.parse(annotation.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            left = self.annotation_value(module, annotation.left)
            right = self.annotation_value(module, annotation.right)
            if left is None or right is None:
                return None
            return left.join(right)
        if isinstance(annotation, ast.Constant) and annotation.value is None:
            return Value.NONE
        if isinstance(annotation, ast.Subscript):
            head = dotted_name(annotation.value)
            target = self._resolve_dotted_name(module, head) if head else None
            inner = annotation.slice
            if target in ("typing.Optional",):
                value = self.annotation_value(module, inner)
                return None if value is None else value.join(Value.NONE)
            if target in ("typing.Union",) and isinstance(inner, ast.Tuple):
                parts = [self.annotation_value(module, e) for e in inner.elts]
                if any(p is None for p in parts):
                    return None
                return join_all(p for p in parts if p is not None)
            kind = {"builtins.list": "list", "typing.List": "list", "builtins.tuple": "tuple",
                    "typing.Tuple": "tuple", "typing.Sequence": "list",
                    "collections.abc.Sequence": "list"}.get(target or "")  # fmt: skip
            if kind is not None:
                elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                parts = [
                    self.annotation_value(module, e)
                    for e in elements
                    if not (isinstance(e, ast.Constant) and e.value is Ellipsis)
                ]
                if not parts or any(p is None for p in parts):
                    return None
                return Value.container(kind, None, join_all(p for p in parts if p is not None))
            return None
        dotted = dotted_name(annotation)
        if dotted is None:
            return None
        target = self._resolve_dotted_name(module, dotted)
        if target is None:
            return None
        known = _ANNOTATION_TENSORS.get(target)
        if known is not None:
            return known
        if target in self.project.classes:
            return Value.atom(InstanceAtom(target, False, self.role(target)))
        model_class = self.models.cls(target)
        if model_class is not None:
            return Value.atom(InstanceAtom(target, True, model_class.role))
        return None

    def _resolve_dotted_name(self, module: ModuleInfo, dotted: str) -> str | None:
        head, _, rest = dotted.partition(".")
        symbol = self.project.resolve_global(module.name, head)
        if symbol.kind is SymbolKind.CLASS and not rest:
            return symbol.ref
        if symbol.kind in (SymbolKind.EXTERNAL, SymbolKind.MODULE):
            full = symbol.ref + ("." + rest if rest else "")
            if symbol.kind is SymbolKind.MODULE:
                resolved = self.project.resolve_qualified(full)
                if resolved.kind is SymbolKind.CLASS:
                    return resolved.ref
            return full
        return None

    # -- attributes ---------------------------------------------------------------------------
    def attribute(
        self, receiver: Value, name: str, node: ast.AST, frame: Frame, quiet: bool = False
    ) -> Value:
        result = Value.BOTTOM
        for atom in receiver.atoms:
            result = result.join(self._attribute_of(atom, name, node, frame, quiet))
        return result

    def _attribute_of(
        self, atom: object, name: str, node: ast.AST, frame: Frame, quiet: bool
    ) -> Value:
        if isinstance(atom, UnknownAtom):
            return Value.atom(atom)
        if isinstance(atom, ModuleAtom):
            return self._module_attribute(atom.name, name, node, frame)
        if isinstance(atom, InstanceAtom):
            if atom.role in _BUILDABLE:
                if name in VARIABLE_LISTS:
                    frame.variables_read(atom, node)
                elif name in BUILDING_USES:
                    frame.model_called(atom)
            return self._instance_attribute(atom, name, node, frame, quiet)
        if (
            isinstance(atom, CallableAtom)
            and name in GRAPH_ONLY_ATTRIBUTES
            and atom.ref in self.project.functions
        ):
            self.graph_only_use(atom.ref, frame.loc(node), f"{describe(node)} (tf.function API)")
        if isinstance(atom, ClassAtom):
            if atom.external:
                return self.value_of_dotted(f"{atom.ref}.{name}")
            return self._class_attribute(atom, name, node, frame, quiet)
        for qualname in rules.class_of_atom(atom):  # type: ignore[arg-type]
            value = self._model_member(qualname, name, Value.atom(atom), node, frame)  # type: ignore[arg-type]
            if value is not None:
                return value
        if quiet:
            return Value.BOTTOM
        return frame.unknown(UnknownReason.UNMODELLED_CALL, node, f"attribute {name}")

    def _module_attribute(self, module: str, name: str, node: ast.AST, frame: Frame) -> Value:
        if module in self.project.modules:
            cell = self.heap.global_cell((module, name))
            if cell is not None:
                return cell
            symbol = self.project.resolve_qualified(f"{module}.{name}")
            if symbol.kind is SymbolKind.EXTERNAL and symbol.ref == f"{module}.{name}":
                return frame.unknown(UnknownReason.UNRESOLVED_NAME, node, symbol.ref)
            return self.symbol_value(symbol.kind, symbol.ref, node, frame)
        return self.value_of_dotted(f"{module}.{name}")

    def _class_attribute(
        self, atom: ClassAtom, name: str, node: ast.AST, frame: Frame, quiet: bool
    ) -> Value:
        fid = self.project.method(atom.ref, name)
        if fid is not None:
            fn = self.project.functions[fid]
            if fn.is_classmethod:
                return Value.atom(CallableAtom(fid, Value.atom(atom)))
            return Value.atom(CallableAtom(fid))
        for cls in self.project.mro(atom.ref):
            cell = self.heap.attribute_cell((cls, name))
            if cell is not None:
                return cell
            if cls not in self.project.classes:
                value = self.value_of_dotted(f"{cls}.{name}")
                if value.only(ModuleAtom) is None:
                    return value
        if quiet:
            return Value.BOTTOM
        return frame.unknown(UnknownReason.UNRESOLVED_NAME, node, f"{atom.ref}.{name}")

    def _instance_attribute(
        self, atom: InstanceAtom, name: str, node: ast.AST, frame: Frame, quiet: bool
    ) -> Value:
        receiver = Value.atom(atom)
        if atom.external:
            value = self._model_member(atom.cls, name, receiver, node, frame)
            if value is not None:
                return value
            if quiet:
                return Value.BOTTOM
            return frame.unknown(UnknownReason.UNMODELLED_CALL, node, f"{atom.cls}.{name}")
        fid = self.project.method(atom.cls, name)
        if fid is not None:
            fn = self.project.functions[fid]
            if fn.is_property:
                return self.call_function(frame, fid, [], {}, node, receiver=receiver)
            if fn.is_staticmethod:
                return Value.atom(CallableAtom(fid))
            if fn.is_classmethod and fn.class_id is not None:
                return Value.atom(CallableAtom(fid, self.class_value(atom.cls)))
            return Value.atom(CallableAtom(fid, receiver))
        mro = self.project.mro(atom.cls)
        self._analyse_writers(mro, name)
        for cls in mro:
            cell = self.heap.attribute_cell((cls, name))
            if cell is not None:
                return cell
        for cls in mro:
            if cls in self.project.classes:
                continue
            value = self._model_member(cls, name, receiver, node, frame)
            if value is not None:
                return value
        if quiet:
            return Value.BOTTOM
        return frame.unknown(UnknownReason.UNRESOLVED_NAME, node, f"attribute {name}")

    def _analyse_writers(self, mro: list[str], name: str) -> None:
        """Before the first read of ``self.name``, analyse the methods that assign it (as roots),
        so the attribute's value is known in this round instead of the next one."""
        for cls in mro:
            writers = self._attribute_writers(cls).get(name, ())
            for fid in writers:
                if fid not in self.function_summaries and fid not in self.active:
                    self._run_root(fid)

    def _attribute_writers(self, class_id: str) -> dict[str, tuple[str, ...]]:
        cached = self._writers.get(class_id)
        if cached is not None:
            return cached
        table: dict[str, list[str]] = {}
        info = self.project.classes.get(class_id)
        for fid in info.methods.values() if info is not None else ():
            fn = self.project.functions[fid]
            positional = [*fn.node.args.posonlyargs, *fn.node.args.args]
            if fn.is_staticmethod or not positional or isinstance(fn.node, ast.Lambda):
                continue
            receiver = positional[0].arg
            for attribute in _assigned_attributes(fn.node, receiver):
                table.setdefault(attribute, []).append(fid)
        result = {k: tuple(v) for k, v in table.items()}
        self._writers[class_id] = result
        return result

    def _model_member(
        self, class_qualname: str, name: str, receiver: Value, node: ast.AST, frame: Frame
    ) -> Value | None:
        method = self.models.method(class_qualname, name)
        if method is not None:
            return Value.atom(CallableAtom("stub:" + method.qualname, receiver))
        prop = self.models.property(class_qualname, name)
        if prop is not None:
            return self._apply_model(frame, prop, [], {}, node, receiver, False)
        rule = self.models.class_attribute(class_qualname, name)
        if rule is not None:
            return rules.attribute_value(rule, receiver, frame.loc(node))
        return None

    def super_attribute(self, frame: Frame, node: ast.Attribute) -> Value:
        """``super().name``: the method of the next class in the MRO, bound to ``self``."""
        fn = frame.function
        if fn is None or fn.class_id is None or frame.self_name is None:
            return frame.unknown(UnknownReason.DYNAMIC_FEATURE, node, "super()")
        receiver = frame.lookup(frame.self_name, node)
        mro = self.project.mro(fn.class_id)
        for cls in mro[1:]:
            if cls in self.project.classes:
                fid = self.project.classes[cls].methods.get(node.attr)
                if fid is not None:
                    return Value.atom(CallableAtom(fid, receiver))
                continue
            value = self._model_member(cls, node.attr, receiver, node, frame)
            if value is not None:
                return value
        return Value.atom(CallableAtom("stub:builtins.object." + node.attr, receiver))

    def graph_only_use(self, fid: str, location: Location, detail: str) -> None:
        sites = self.heap.graph_only.setdefault(fid, {})
        if location not in sites and len(sites) < 8:
            sites[location] = detail

    def exported(self, value: Value, node: ast.AST, frame: Frame, detail: str) -> None:
        """``value`` is exported with a ``tf.Module`` / SavedModel: the project functions in it
        are used as ``tf.function`` objects."""
        for fid in _project_callables(value, self.project.functions):
            self.graph_only_use(fid, frame.loc(node), detail)

    def built_at_construction(self, atom: InstanceAtom) -> bool:
        """Is this Keras model built when it is created: a functional ``keras.Model(inputs,
        outputs)`` or a ``Sequential`` starting from ``keras.Input``, i.e. a library model
        constructed from Keras symbolic tensors?"""
        if not atom.external or len(atom.origins) != 1:
            return False
        arguments = self.constructor_arguments.get(next(iter(atom.origins)))
        return arguments is not None and any(has_symbolic(v) for v in arguments.values())

    def lambda_value(self, frame: Frame, node: ast.Lambda) -> Value:
        for fid in self.project.nested.get(frame.owner_id, {}).values():
            fn = self.project.functions.get(fid)
            if fn is not None and fn.node is node:
                return Value.atom(CallableAtom(fid))
        for fid in frame.module.functions.values():
            fn = self.project.functions.get(fid)
            if fn is not None and fn.node is node:
                return Value.atom(CallableAtom(fid))
        ref = f"lambda:{frame.relpath}:{node.lineno}:{node.col_offset}"
        info = self.lambdas.get(ref)
        env = dict(frame.env or {})
        if frame.closure:
            env = {**frame.closure, **env}
        if info is None:
            self.lambdas[ref] = _LambdaInfo(node, frame.module, frame.function, env)
        else:
            for name, value in env.items():
                previous = info.env.get(name)
                info.env[name] = value if previous is None else previous.join(value)
        return Value.atom(CallableAtom(ref))

    # -- calls --------------------------------------------------------------------------------
    def call_value(
        self,
        frame: Frame,
        callee: Value,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        star: bool = False,
    ) -> Value:
        result = Value.BOTTOM
        for atom in callee.atoms:
            result = result.join(self._call_atom(frame, atom, args, kwargs, node, star))
        return result

    def _call_atom(
        self,
        frame: Frame,
        atom: object,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        star: bool,
    ) -> Value:
        if isinstance(atom, CallableAtom):
            if atom.ref.startswith("stub:"):
                return self.call_stub(frame, atom.ref[5:], args, kwargs, node, atom.bound, star)
            if atom.ref.startswith("lambda:"):
                return self._call_lambda(frame, atom.ref, args, node)
            if atom.ref in self.project.functions:
                return self.call_function(frame, atom.ref, args, kwargs, node, atom.bound, star)
        elif isinstance(atom, ClassAtom):
            if atom.external:
                return self.call_stub(frame, atom.ref, args, kwargs, node, None, star)
            return self._instantiate(frame, atom, args, kwargs, node, star)
        elif isinstance(atom, InstanceAtom):
            return self._call_instance(frame, atom, args, kwargs, node, star)
        elif isinstance(atom, ModuleAtom):
            return self.call_stub(frame, atom.name, args, kwargs, node, None, star)
        detail = _call_name(node)
        if self.is_assumed_pure(detail):
            return frame.unknown(UnknownReason.ASSUMED_PURE, node, detail)
        frame.unknown_call = True
        frame.add_effect(EffectKind.UNKNOWN_CALL, node, detail)
        if isinstance(atom, UnknownAtom):
            return Value.unknown(UnknownReason.UNMODELLED_CALL, frame.loc(node), detail)
        return frame.unknown(UnknownReason.UNMODELLED_CALL, node, detail)

    def _instantiate(
        self,
        frame: Frame,
        atom: ClassAtom,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        star: bool,
    ) -> Value:
        site = frame.alloc(node)
        instance = Value.atom(InstanceAtom(atom.ref, False, atom.role, frozenset({site})))
        init = self.project.method(atom.ref, "__init__")
        if init is not None:
            self.call_function(frame, init, args, kwargs, node, instance, star)
        return instance

    def _call_instance(
        self,
        frame: Frame,
        atom: InstanceAtom,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        star: bool,
    ) -> Value:
        receiver = Value.atom(atom)
        if atom.role in _BUILDABLE:
            frame.model_called(atom)
        if atom.external:
            method = self.models.method(atom.cls, "__call__")
            if method is not None:
                return self.call_stub(frame, method.qualname, args, kwargs, node, receiver, star)
            return self._unknown_call(frame, node)
        fid = self.project.method(atom.cls, "__call__")
        if fid is not None:
            return self.call_function(frame, fid, args, kwargs, node, receiver, star)
        if atom.role in _BUILDABLE:
            symbolic = any(has_symbolic(a) for a in args) or any(
                has_symbolic(v) for v in kwargs.values()
            )
            if symbolic:  # Keras runs ``call`` on backend placeholders, returns Keras tensors
                args = [strip_symbolic(a) for a in args]
                kwargs = {k: strip_symbolic(v) for k, v in kwargs.items()}
            result = self._call_keras_instance(frame, atom, receiver, args, kwargs, node, star)
            if result is not None:
                return mark_symbolic(result) if symbolic else result
        return self._unknown_call(frame, node)

    def _call_keras_instance(
        self,
        frame: Frame,
        atom: InstanceAtom,
        receiver: Value,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        star: bool,
    ) -> Value | None:
        """Calling a project Keras layer/model: ``build`` (when defined), then ``call`` (or the
        library's ``__call__``); ``None`` when neither is known."""
        build = self.project.method(atom.cls, "build")
        if build is not None:
            shape = (
                rules.attribute_value("shape-of:self", args[0], frame.loc(node))
                if args
                else Value.unknown(UnknownReason.STAR_ARGS)
            )
            self.call_function(frame, build, [shape], {}, node, receiver, False)
        call = self.project.method(atom.cls, "call")
        if call is not None:
            return self.call_function(frame, call, args, kwargs, node, receiver, star)
        for cls in self.project.mro(atom.cls):
            if cls not in self.project.classes:
                method = self.models.method(cls, "__call__")
                if method is not None:
                    return self.call_stub(
                        frame, method.qualname, args, kwargs, node, receiver, star
                    )
        return None

    def _unknown_call(self, frame: Frame, node: ast.AST) -> Value:
        detail = _call_name(node)
        if self.is_assumed_pure(detail):
            return frame.unknown(UnknownReason.ASSUMED_PURE, node, detail)
        frame.unknown_call = True
        frame.add_effect(EffectKind.UNKNOWN_CALL, node, detail)
        return frame.unknown(UnknownReason.UNMODELLED_CALL, node, detail)

    def call_stub(
        self,
        frame: Frame,
        qualname: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        receiver: Value | None,
        star: bool,
    ) -> Value:
        model = self.models.function(qualname)
        if model is None:
            model_class = self.models.cls(qualname)
            if model_class is not None and model_class.init is not None:
                site = frame.alloc(node)
                return self._apply_model(
                    frame, model_class.init, args, kwargs, node, receiver, star, site=site
                )
            if self.is_assumed_pure(qualname):
                return frame.unknown(UnknownReason.ASSUMED_PURE, node, qualname)
            return self._unknown_call(frame, node)
        if model.qualname == TF_FUNCTION:
            return self._wrap_tf_function(frame, args, node)
        return self._apply_model(
            frame, model, args, kwargs, node, receiver, star, frame.alloc(node)
        )

    def is_assumed_pure(self, qualname: str) -> bool:
        """Does the configuration (``assume-pure``) declare the external ``qualname`` pure?"""
        if not self.assume_pure:
            return False
        known = self._pure_cache.get(qualname)
        if known is None:
            known = any(fnmatch.fnmatchcase(qualname, p) for p in self.assume_pure)
            self._pure_cache[qualname] = known
        return known

    def star_exports(self, module: str) -> list[str]:
        """Names a ``from module import *`` binds (``__all__``, else the public names)."""
        info = self.project.modules.get(module)
        if info is None:
            return []
        if info.all_names is not None:
            return list(info.all_names)
        names = {*info.functions, *info.classes, *info.variables, *info.imports}
        return sorted(n for n in names if not n.startswith("_"))

    def _apply_model(
        self,
        frame: Frame,
        model: FunctionModel,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        receiver: Value | None,
        star: bool,
        site: str | None = None,
    ) -> Value:
        location = frame.loc(node)
        bound = rules.bind(
            model,
            args,
            kwargs,
            location,
            receiver=receiver,
            unbound_star=star,
            init_arguments=self._init_arguments(receiver),
        )
        if model.is_constructor and site is not None:
            self.constructor_arguments[site] = bound.arguments
        call = node if isinstance(node, ast.Call) else None
        for kind, detail in rules.call_effects(model, bound):
            targets: frozenset[str] = frozenset()
            if kind is EffectKind.ITERATOR_ADVANCE:
                iterator = args[0] if args else receiver
                targets = iterator.origins() if iterator is not None else frozenset()
                targets = targets or frozenset({"?"})
            frame.add_effect(kind, node, detail, targets)
        for name, mutated in rules.mutated_arguments(model, bound):
            root = _argument_node(call, model, name)
            if root is not None:
                frame.mutation(root, mutated, node, model.qualname.rsplit(".", 1)[-1] + "()")
            else:
                frame.mutation(ast.Name(id="?"), mutated, node, model.qualname)
        if model.is_op:
            frame.add_op(node, model.op_cost)
        if model.source is ModelSource.FALLBACK:
            frame.unknowns.append(UnknownAtom(UnknownReason.STUB_DEFAULT, location, model.qualname))
        repeated = any(c.repeated for c in model.calls)

        def invoke(callable_value: Value, call_args: list[Value]) -> Value:
            if repeated:
                frame.loop_depth += 1
            try:
                return self.call_value(frame, callable_value, call_args, {}, node)
            finally:
                if repeated:
                    frame.loop_depth -= 1

        result = rules.evaluate(model, bound, invoke, origin=site)
        if receiver is not None and model.mutates:
            self._grow_container(frame, model, args, receiver, node)
        self._keras_loop(frame, model, receiver, node)
        self._hazards(frame, model, bound, node, call)
        if model.symbolic or (
            model.propagates_symbolic and any(has_symbolic(v) for v in bound.arguments.values())
        ):
            result = mark_symbolic(result)
        return result

    def _hazards(
        self, frame: Frame, model: FunctionModel, bound: Bound, node: ast.AST, call: ast.Call | None
    ) -> None:
        """What a library call tells about tracing hazards: NumPy given a tensor, a non-string
        ``name=``, gradient updates, SavedModel signatures, array parameters meeting dtypes."""
        qualname = model.qualname
        arguments = bound.arguments
        if qualname.startswith(NUMPY_PREFIXES):
            found = _numpy_given_tensor(frame, model, bound, call)
            if found is not None:
                detail, own_parameter = found
                site = HazardSite(frame.loc(node), f"{_call_name(node)} given {detail}")
                # An array parameter is a tensor only when this function is the traced one: a
                # caller passing its own arrays is unaffected, so this one is not propagated.
                sites = frame.numpy_on_array_params if own_parameter else frame.numpy_on_tensor
                frame.add_hazard(sites, site)
            return
        if not qualname.startswith("tensorflow."):
            if qualname in GRADIENT_UPDATES:
                self._gradient_update(frame, node)
            return
        name_value = arguments.get("name")
        if name_value is not None and _invalid_name(name_value):
            known, constant = name_value.constant()
            shown = repr(constant) if known else name_value.pretty()
            detail = f"{_call_name(node)} given name={shown}"
            frame.add_hazard(frame.invalid_names, HazardSite(frame.loc(node), detail))
        if qualname in GRADIENT_UPDATES:
            self._gradient_update(frame, node)
        elif qualname == SAVED_MODEL_SAVE:
            signatures = arguments.get("signatures")
            if signatures is not None:
                self.exported(signatures, node, frame, "tf.saved_model.save signatures")
            exported = arguments.get("obj")
            if exported is not None:
                self._export_object(frame, exported, node)
        if (
            frame.params
            and model.is_op
            and model.dtype_rule is not None
            and any(holds_array(v) for v in arguments.values())
        ):
            if qualname in _CONVERSIONS:
                self._conversion_dtype_use(frame, model, bound, call, node)
            else:
                self._op_dtype_uses(frame, model, bound, call, node)

    def _gradient_update(self, frame: Frame, node: ast.AST) -> None:
        site = HazardSite(frame.loc(node), _call_name(node))
        frame.add_hazard(frame.gradient_updates, site)

    def _export_object(self, frame: Frame, exported: Value, node: ast.AST) -> None:
        """``tf.saved_model.save(obj, ...)`` exports the ``tf.function`` methods of ``obj`` and
        the ``tf.function`` objects in its attributes."""
        detail = "exported by tf.saved_model.save"
        for atom in exported.of_type(InstanceAtom):
            if atom.external:
                continue
            classes = set(self.project.mro(atom.cls))
            for cls in classes:
                info = self.project.classes.get(cls)
                for fid in info.methods.values() if info is not None else ():
                    self.graph_only_use(fid, frame.loc(node), detail)
            for (cls, _), value in list(self.heap.attributes.items()):
                if cls in classes:
                    self.exported(value, node, frame, detail)

    def _op_dtype_uses(
        self, frame: Frame, model: FunctionModel, bound: Bound, call: ast.Call | None, node: ast.AST
    ) -> None:
        """A TF op whose inputs must share one dtype (``promote:x,y``) given an array parameter
        directly (``tf.add(x, w)``) and a tensor of known dtype."""
        params = _promoted_params(model.dtype_rule or "")
        if len(params) < 2:
            return
        for index, param in enumerate(params):
            value = bound.arguments.get(param)
            if value is None:
                continue
            parameter = frame.array_parameter(_argument_node(call, model, param), value)
            if parameter is None:
                continue
            # Eagerly the first input fixes the dtype the later ones are converted to: an
            # array that comes first keeps its own dtype then, and fails eagerly as well.
            earlier = [
                t.dtype.known
                for other in params[:index]
                for t in (bound.arguments.get(other) or Value.BOTTOM).tensors()
            ]
            frame.dtype_use(parameter, value, earlier, node)

    def _conversion_dtype_use(
        self, frame: Frame, model: FunctionModel, bound: Bound, call: ast.Call | None, node: ast.AST
    ) -> None:
        """``tf.convert_to_tensor(x, tf.float32)`` of an array parameter: eagerly the array is
        converted to that dtype; traced, ``x`` is already a tensor of its own dtype, and asking
        for another one raises."""
        value = bound.arguments.get("value")
        dtype_argument = bound.arguments.get("dtype")
        if value is None or dtype_argument is None:
            return
        parameter = frame.array_parameter(_argument_node(call, model, "value"), value)
        dtype = promotion.from_spec(dtype_argument)
        if parameter is not None and dtype is not None and dtype.known is not None:
            frame.dtype_use(parameter, value, [dtype.known], node)

    def _grow_container(
        self, frame: Frame, model: FunctionModel, args: list[Value], receiver: Value, node: ast.AST
    ) -> None:
        """``xs.append(v)`` and friends: later reads of ``xs`` see ``v`` among its elements."""
        method = model.qualname.rsplit(".", 1)[-1]
        if method in ("append", "add") and args:
            added = args[0]
        elif method == "insert" and len(args) > 1:
            added = args[1]
        elif method in ("extend", "update") and args:
            added = rules.iterate(args[0])
            for atom in args[0].of_type(ContainerAtom):
                if atom.kind == "dict":
                    added = added.join(atom.element)
        elif method == "setdefault" and len(args) > 1:
            added = args[1]
        else:
            return
        grown_atoms: list[Atom] = []
        for a in receiver.atoms:
            if isinstance(a, ContainerAtom):
                grown_atoms.append(
                    ContainerAtom(a.kind, a.element.join(added), None, None, a.origins)
                )
            else:
                grown_atoms.append(a)
        grown = Value.of(grown_atoms)
        if grown == receiver or not isinstance(node, ast.Call):
            return
        target = node.func.value if isinstance(node.func, ast.Attribute) else None
        if isinstance(target, ast.Name) and frame.env is not None and target.id in frame.env:
            frame.env[target.id] = grown
        elif isinstance(target, ast.Attribute):
            owner = frame.eval(target.value)
            for instance in owner.of_type(InstanceAtom):
                if not instance.external:
                    self.heap.write_attribute(instance.cls, target.attr, grown)
        elif isinstance(target, ast.Name):
            module_cell = (frame.module.name, target.id)
            if self.heap.global_cell(module_cell) is not None:
                self.heap.write_global(frame.module.name, target.id, grown)

    def _init_arguments(self, receiver: Value | None) -> dict[str, Value] | None:
        """Constructor arguments of an external instance (``Dense(10)`` -> ``units``), when the
        instance comes from exactly one allocation site."""
        if receiver is None:
            return None
        instances = receiver.of_type(InstanceAtom)
        if len(instances) != 1 or len(instances[0].origins) != 1:
            return None
        site = next(iter(instances[0].origins))
        arguments = self.constructor_arguments.get(site)
        return None if arguments is None else dict(arguments)

    def _keras_loop(
        self, frame: Frame, model: FunctionModel, receiver: Value | None, node: ast.AST
    ) -> None:
        """``model.fit(...)`` runs the project model's step functions repeatedly."""
        steps = model.loop_methods
        if not steps or receiver is None:
            return
        for atom in receiver.of_type(InstanceAtom):
            if atom.external:
                continue
            for step in steps:
                fid = self.project.method(atom.cls, step)
                if fid is None:
                    continue
                frame.loop_depth += 1
                try:
                    self.call_function(frame, fid, [Value.tensor()], {}, node, Value.atom(atom))
                finally:
                    frame.loop_depth -= 1
                break

    def _wrap_tf_function(self, frame: Frame, args: list[Value], node: ast.AST) -> Value:
        """``tf.function(g)`` wraps ``g``: it becomes hybrid; the result calls ``g``."""
        call = node if isinstance(node, ast.Call) else None
        options = (
            {} if call is None else {k.arg: ast.unparse(k.value) for k in call.keywords if k.arg}
        )
        if not args:
            return Value.atom(CallableAtom("stub:" + TF_FUNCTION))
        for atom in args[0].of_type(CallableAtom):
            if atom.ref in self.project.functions and atom.ref not in self.heap.wrapped:
                self.heap.wrapped[atom.ref] = (frame.loc(node), options)
        return args[0]

    def _call_lambda(self, frame: Frame, ref: str, args: list[Value], node: ast.AST) -> Value:
        info = self.lambdas.get(ref)
        if info is None:
            return self._unknown_call(frame, node)
        if ref in self.active:
            return Value.unknown(UnknownReason.RECURSIVE_CALL, frame.loc(node), "lambda")
        params = [a.arg for a in [*info.node.args.posonlyargs, *info.node.args.args]]
        env: Env = {}
        for index, name in enumerate(params):
            env[name] = args[index] if index < len(args) else Value.unknown(UnknownReason.STAR_ARGS)
        inner = Frame(
            self, info.module, info.owner, env, params=frozenset(params), closure=info.env
        )
        inner.allocations |= frame.allocations
        inner.loop_depth = frame.loop_depth
        self.active.append(ref)
        try:
            result = inner.eval(info.node.body)
        finally:
            self.active.pop()
        summary = inner.summary()
        self.lambda_summaries.setdefault(ref, []).append(summary)
        frame.merge_callee(summary, node)
        return result

    def call_function(
        self,
        frame: Frame,
        fid: str,
        args: list[Value],
        kwargs: dict[str, Value],
        node: ast.AST,
        receiver: Value | None = None,
        star: bool = False,
    ) -> Value:
        fn = self.project.functions[fid]
        location = frame.loc(node)
        env, self_name = self._bind(fn, args, kwargs, receiver, star, location, frame)
        repeated = frame.loop_depth > 0
        if fid in self.active or len(self.active) >= MAX_CALL_DEPTH:
            self.edges.add(CallEdge(frame.owner_id, fid, location, repeated, recursive_cut=True))
            if fid in self.active:
                return Value.unknown(UnknownReason.RECURSIVE_CALL, location, fn.qualname)
            return Value.unknown(UnknownReason.TOO_DEEP, location, fn.qualname)
        self.edges.add(CallEdge(frame.owner_id, fid, location, repeated))
        key = tuple(env[name] for name in sorted(env))
        summary = self.summaries.get((fid, key))
        if summary is None:
            count = self.contexts.get(fid, 0)
            if count >= MAX_CONTEXTS:
                generic_key: tuple[Value, ...] = ("<generic>",)  # type: ignore[assignment]
                summary = self.summaries.get((fid, generic_key))
                if summary is None:
                    root_env, _ = self._root_env(fn)
                    if self_name is not None and self_name in env:
                        root_env[self_name] = env[self_name]
                    closure = frame.env if fn.parent_id == frame.owner_id else None
                    summary = self._analyse(fn, root_env, self_name, closure, generic_key)
            else:
                self.contexts[fid] = count + 1
                closure = frame.env if fn.parent_id == frame.owner_id else None
                summary = self._analyse(fn, env, self_name, closure, key)
        frame.merge_callee(summary, node)
        return summary.returns

    def _analyse(
        self,
        fn: FunctionInfo,
        env: Env,
        self_name: str | None,
        closure: Env | None,
        key: tuple[object, ...],
    ) -> Summary:
        module = self.project.module_of(fn.id)
        exempt = (
            fn.name == "build"
            and fn.class_id is not None
            and self.role(fn.class_id) in (KerasRole.LAYER, KerasRole.MODEL)
        )
        frame = Frame(
            self,
            module,
            fn,
            env,
            params=frozenset(_parameter_names(fn)),
            self_name=self_name,
            closure=dict(closure) if closure is not None else None,
            exempt_self_writes=exempt,
        )
        self.active.append(fn.id)
        try:
            if isinstance(fn.node, ast.Lambda):
                frame.returns = frame.eval(fn.node.body)
            else:
                frame.run(fn.node.body)
                if frame.env is not None:
                    frame.returns = frame.returns.join(Value.NONE)
                    frame.exit_env = frame.env
        except RecursionError:
            frame.unknown(UnknownReason.TOO_DEEP, fn.node, "nesting too deep")
        finally:
            self.active.pop()
        summary = frame.summary()
        if fn.is_generator:
            site = f"{fn.relpath}:{fn.location.line}:gen"
            summary = attrs.evolve(
                summary,
                returns=Value.atom(IteratorAtom(summary.yields, frozenset({site}))),
                allocations=summary.allocations | {site},
            )
        elif fn.is_async:
            summary = attrs.evolve(
                summary,
                returns=Value.unknown(UnknownReason.UNSUPPORTED_SYNTAX, fn.location, "coroutine"),
            )
        if fn.id in self.project.nested and frame.exit_env is not None:
            for name, value in frame.exit_env.items():
                self.heap.write_closure(fn.id, name, value)
        self.summaries[(fn.id, key)] = summary  # type: ignore[index]
        self.function_summaries.setdefault(fn.id, []).append(summary)
        return summary

    def _bind(
        self,
        fn: FunctionInfo,
        args: list[Value],
        kwargs: dict[str, Value],
        receiver: Value | None,
        star: bool,
        location: Location,
        frame: Frame,
    ) -> tuple[Env, str | None]:
        """Python's argument binding; records what each parameter received at this call site."""
        spec = fn.node.args
        positional = [*spec.posonlyargs, *spec.args]
        env: Env = {}
        self_name: str | None = None
        remaining = list(args)
        is_method = fn.class_id is not None and not fn.is_staticmethod and not fn.is_lambda
        if is_method and positional:
            self_name = positional[0].arg
            if receiver is not None:
                env[self_name] = receiver
            elif remaining:
                env[self_name] = remaining.pop(0)
            else:
                env[self_name] = Value.atom(InstanceAtom(fn.class_id or "?", False))
            positional = positional[1:]
        defaults = self._default_values(fn)
        observed = self.observations.setdefault(fn.id, {})
        caller = frame.function.qualname if frame.function is not None else "<module>"
        extra: list[Value] = []

        def unbound(name: str, unknown_detail: str, missing: str) -> tuple[Value, str]:
            """A parameter not bound positionally: by keyword, else its default, else unknown."""
            if name in kwargs:
                return kwargs.pop(name), f"keyword from {caller}"
            if name in defaults:
                return defaults[name], DEFAULT_VALUE
            return Value.unknown(UnknownReason.STAR_ARGS, location, unknown_detail), missing

        for index, arg in enumerate(positional):
            name = arg.arg
            if index < len(remaining):
                value = remaining[index]
                detail = f"argument {index + 1} from {caller}"
            elif star and name not in kwargs:
                value = Value.unknown(UnknownReason.STAR_ARGS, location, "unpacked arguments")
                detail = f"unpacked arguments from {caller}"
            else:
                value, detail = unbound(name, f"missing argument {name}", "missing argument")
            env[name] = value
            _observe(observed, name, value, location, detail)
        if len(remaining) > len(positional):
            extra = remaining[len(positional) :]
        for arg in spec.kwonlyargs:
            name = arg.arg
            value, detail = unbound(name, f"keyword {name}", "unpacked keywords")
            env[name] = value
            _observe(observed, name, value, location, detail)
        if spec.vararg is not None:
            items = extra if not star else None
            element = join_all(extra) if extra else Value.BOTTOM
            if star:
                element = element.join(Value.unknown(UnknownReason.STAR_ARGS, location, "*args"))
            env[spec.vararg.arg] = Value.container("tuple", items, element)
            _observe(
                observed,
                spec.vararg.arg,
                env[spec.vararg.arg],
                location,
                f"extra arguments from {caller}",
            )
        if spec.kwarg is not None:
            element = join_all(kwargs.values()) if kwargs else Value.BOTTOM
            if star:
                element = element.join(Value.unknown(UnknownReason.STAR_ARGS, location, "**kwargs"))
            keys = tuple(kwargs) if not star else None
            env[spec.kwarg.arg] = Value.container(
                "dict", list(kwargs.values()) if keys is not None else None, element, keys=keys
            )
            _observe(
                observed,
                spec.kwarg.arg,
                env[spec.kwarg.arg],
                location,
                f"extra keywords from {caller}",
            )
        return env, self_name

    def _default_values(self, fn: FunctionInfo) -> dict[str, Value]:
        """Default values, evaluated once in the defining module's scope."""
        cached = self._defaults.get(fn.id)
        if cached is not None:
            return cached
        spec = fn.node.args
        positional = [*spec.posonlyargs, *spec.args]
        module = self.project.module_of(fn.id)
        evaluator = Frame(self, module, None, {})
        evaluator.env = dict()
        values: dict[str, Value] = {}
        defaulted = positional[len(positional) - len(spec.defaults) :]
        for arg, default in zip(defaulted, spec.defaults, strict=True):
            values[arg.arg] = _evaluate_quietly(evaluator, default)
        for arg, kw_default in zip(spec.kwonlyargs, spec.kw_defaults, strict=True):
            if kw_default is not None:
                values[arg.arg] = _evaluate_quietly(evaluator, kw_default)
        self._defaults[fn.id] = values
        return values


#: The detail of an observation where a parameter was not passed and took its default.
DEFAULT_VALUE = "default value"


def _observe(
    observed: dict[str, dict[Location, Observation]],
    name: str,
    value: Value,
    location: Location,
    detail: str,
) -> None:
    """Record what parameter ``name`` received at ``location`` (one record per call site, its
    value joined over contexts and rounds)."""
    defaulted = detail == DEFAULT_VALUE
    sites = observed.get(name)
    if sites is None:
        observed[name] = {location: Observation(value, location, detail, defaulted)}
        return
    previous = sites.get(location)
    if previous is None:
        sites[location] = Observation(value, location, detail, defaulted)
    elif not value.leq(previous.value) or previous.defaulted != defaulted:
        sites[location] = Observation(
            previous.value.join(value), location, previous.detail, previous.defaulted and defaulted
        )


def _evaluate_quietly(frame: Frame, node: ast.expr) -> Value:
    # Defaults are evaluated at definition time, in the module; their effects belong there.
    return frame.eval(node)


def _assigned_attributes(node: ast.FunctionDef | ast.AsyncFunctionDef, receiver: str) -> set[str]:
    """Attributes ``receiver.X`` assigned by the statements of a method body (nested scopes
    excluded). Only statements are walked, not expressions: much cheaper on large projects, and
    attribute stores happen in statements (a walrus cannot target an attribute)."""
    names: set[str] = set()
    stack: list[ast.stmt] = list(node.body)
    while stack:
        statement = stack.pop()
        if isinstance(statement, ast.Assign):
            targets: list[ast.expr] = list(statement.targets)
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
            targets = [statement.target]
        elif isinstance(statement, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
            targets = (
                [statement.target]
                if isinstance(statement, (ast.For, ast.AsyncFor))
                else [
                    item.optional_vars for item in statement.items if item.optional_vars is not None
                ]
            )
        else:
            targets = []
        for target in targets:
            for part in (
                ast.walk(target) if isinstance(target, (ast.Tuple, ast.List)) else (target,)
            ):
                if (
                    isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id == receiver
                ):
                    names.add(part.attr)
        for field in ("body", "orelse", "finalbody"):
            stack.extend(getattr(statement, field, ()))
        for handler in getattr(statement, "handlers", ()):
            stack.extend(handler.body)
        for case in getattr(statement, "cases", ()):
            stack.extend(case.body)
    return names


def _parameter_names(fn: FunctionInfo) -> list[str]:
    spec = fn.node.args
    names = [a.arg for a in [*spec.posonlyargs, *spec.args, *spec.kwonlyargs]]
    if spec.vararg is not None:
        names.append(spec.vararg.arg)
    if spec.kwarg is not None:
        names.append(spec.kwarg.arg)
    return names


def _call_name(node: ast.AST) -> str:
    return describe(node.func if isinstance(node, ast.Call) else node)


def _argument_node(call: ast.Call | None, model: FunctionModel, name: str) -> ast.expr | None:
    """The argument expression bound to parameter ``name`` (the receiver for ``self``)."""
    if call is None:
        return None
    if name == "self":
        return call.func.value if isinstance(call.func, ast.Attribute) else None
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    positional = [p.name for p in model.params if p.name != "self"]
    if name in positional:
        index = positional.index(name)
        if index < len(call.args):
            return call.args[index]
    return None


def _numpy_given_tensor(
    frame: Frame, model: FunctionModel, bound: Bound, call: ast.Call | None
) -> tuple[str, bool] | None:
    """What makes a NumPy/math call fail under tracing, if anything: an argument that is (or
    holds) a tensor, or a NumPy-array parameter read directly (``np.mean(x)``, ``x.mean()``),
    which ``tf.function`` turns into a tensor at the call (then the flag is ``True``)."""
    for name, value in bound.arguments.items():
        if any(True for _ in nested_tensors(value)):
            return f"a tensor ({name})", False
    if not frame.params:
        return None
    for name, value in bound.arguments.items():
        parameter = frame.array_parameter(_argument_node(call, model, name), value)
        if parameter is not None:
            return f"parameter {parameter}, a NumPy array (a tensor once traced)", True
    if bound.receiver is not None and model.qualname.startswith("numpy.ndarray."):
        parameter = frame.array_parameter(_argument_node(call, model, "self"), bound.receiver)
        if parameter is not None:
            return f"parameter {parameter}, a NumPy array (a tensor once traced)", True
    return None


#: What TensorFlow accepts as the name of an op (or name scope) at the root of a graph.
_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")


def _invalid_name(value: Value) -> bool:
    """May a ``name=`` argument be something tracing rejects: not a string (a number, a tensor,
    a list, ...), or a string that is not a valid op name (``"_hidden"``, ``"a b"``)? A false
    value (``0``, ``""``, ``False``) means no name, to TensorFlow too; bytes are accepted."""
    known = value.known_atoms()
    if not known or value.has_unknown:
        return False
    for atom in known:
        if isinstance(atom, ConstAtom):
            if atom.pytype in ("none", "bytes"):
                continue
            if atom.values is None:
                if atom.pytype == "str":
                    continue  # some string: assume a valid one
                return True
            if all(not v or (isinstance(v, str) and _VALID_OP_NAME.match(v)) for v in atom.values):
                continue
        return True
    return False


_PROMOTED: dict[str, tuple[str, ...]] = {}


def _promoted_params(rule: str) -> tuple[str, ...]:
    """The parameters of the ``promote:P,Q`` alternative of a dtype rule (cached per rule)."""
    cached = _PROMOTED.get(rule)
    if cached is None:
        cached = ()
        for alternative in rule.split("|"):
            head, _, rest = alternative.partition(":")
            if head == "promote":
                cached = tuple(p for p in rest.split(",") if p.isidentifier())
                break
        _PROMOTED[rule] = cached
    return cached


def _project_callables(value: Value, functions: Mapping[str, object]) -> list[str]:
    """Project functions in ``value`` (containers included: a dict of SavedModel signatures)."""
    found: list[str] = []
    for atom in value.atoms:
        if isinstance(atom, CallableAtom) and atom.ref in functions:
            found.append(atom.ref)
        elif isinstance(atom, ContainerAtom):
            found.extend(_project_callables(atom.element, functions))
    return found
