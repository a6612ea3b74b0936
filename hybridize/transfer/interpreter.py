"""Transfer functions: one abstract execution of a function body (or module top level).

A ``Frame`` walks the ``ast`` of one function with an abstract environment. Branches are run on
copies and joined; loops are iterated to a fixpoint with widening (``fixpoint.iterate_loop``); calls
are handed to the ``Analysis`` (interprocedural: summaries per abstract-argument context). Every
statement and expression class of ``ast`` has a ``visit_*`` method (a test checks it); constructs
that are not modelled give an unknown value with reason ``unsupported-syntax`` and are recorded, so
imprecision is never silent.

Side effects are recorded with the allocation sites of the objects they touch; an effect on an
object created during this call (here or in a callee) is invisible from outside and is dropped.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from hybridize.lattice.effects import EXTERNAL_TARGET, Effect, EffectKind, Effects
from hybridize.lattice.location import Location
from hybridize.lattice.tensor import TensorType
from hybridize.lattice.tri import Tri
from hybridize.lattice.values import (
    Atom,
    CallableAtom,
    ClassAtom,
    Constant,
    ConstAtom,
    ContainerAtom,
    DatasetAtom,
    InstanceAtom,
    IteratorAtom,
    KerasRole,
    ModuleAtom,
    NDArrayAtom,
    TensorAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    join_all,
    mark_symbolic,
)
from hybridize.project.model import FunctionInfo, ModuleInfo
from hybridize.stubs import rules
from hybridize.transfer.environment import Env, env_leq, join_envs, widen_envs
from hybridize.transfer.summary import DtypeUse, HazardSite, Summary

if TYPE_CHECKING:
    from hybridize.transfer.analysis import Analysis

MAX_LOOP_ITERATIONS = 6
MAX_EFFECTS_PER_KIND = 4
MAX_OP_SITES = 4  # locations kept as evidence of tensor computation
MAX_UNKNOWNS = 40  # provenance records kept per frame (the proof shows a few)
MAX_HAZARD_SITES = 4  # locations kept per hazard kind (evidence needs a few)
WIDEN_AFTER = 2
DEFAULT_TRIP_COUNT = 10
MAX_TRIP_COUNT = 100

_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
    ast.LShift: "<<", ast.RShift: ">>",
}  # fmt: skip
_CMPOPS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
}  # fmt: skip
_UNARYOPS: dict[type[ast.unaryop], str] = {
    ast.UAdd: "+", ast.USub: "-", ast.Not: "not", ast.Invert: "~",
}  # fmt: skip
_LIST_ACCUMULATORS = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})


class _LoopExits:
    """Environments that leave a loop body early (``break``) or skip to its head (``continue``)."""

    def __init__(self) -> None:
        self.breaks: list[Env | None] = []
        self.continues: list[Env | None] = []


class Frame:
    """The abstract state of one activation: environment, effects, allocations, costs."""

    def __init__(
        self,
        analysis: Analysis,
        module: ModuleInfo,
        function: FunctionInfo | None,
        env: Env,
        *,
        params: frozenset[str] = frozenset(),
        self_name: str | None = None,
        closure: Env | None = None,
        exempt_self_writes: bool = False,
    ) -> None:
        self.analysis = analysis
        self.module = module
        self.function = function
        self.owner_id = function.id if function is not None else module.id
        self.relpath = module.relpath
        self.env: Env | None = env
        self.params = params
        self.self_name = self_name
        self.closure = closure
        self.exempt_self_writes = exempt_self_writes
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()
        self.effects: dict[tuple[EffectKind, Location], Effect] = {}
        self._effect_counts: dict[EffectKind, int] = {}
        self.allocations: set[str] = set()
        self.ops = 0
        self.tensor_loop = False
        self.tensor_op = False
        self.unknown_call = False
        self.returns = Value.BOTTOM
        self.yields = Value.BOTTOM
        self.exit_env: Env | None = None  # join of the environments where the body is left
        self.loop_depth = 0
        self.unknowns: list[UnknownAtom] = []
        self.tensor_iterations: list[Location] = []
        self.exception_loops: list[Location] = []  # loops ended by StopIteration/OutOfRange
        self.op_sites: list[Location] = []  # evidence of tensor computation (first few)
        self.iterations_accumulate: list[Location] = []
        self._loops: list[_LoopExits] = []
        self._accumulating: list[bool] = []
        # hazards (see ``Summary``); lists are bounded by ``MAX_HAZARD_SITES``
        self.numpy_on_tensor: list[HazardSite] = []
        self.numpy_on_array_params: list[HazardSite] = []  # not propagated: see ``Summary``
        self.invalid_names: list[HazardSite] = []
        self.stale_reads: list[HazardSite] = []
        self.gradient_updates: list[HazardSite] = []
        self.models_called: set[str] = set()
        self.dtype_uses: list[DtypeUse] = []

    # -- results ------------------------------------------------------------------------------
    def summary(self) -> Summary:
        tensor = Tri.YES if self.tensor_op else (Tri.MAYBE if self.unknown_call else Tri.NO)
        return Summary(
            returns=self.returns,
            effects=Effects(frozenset(self.effects.values())),
            allocations=_escaping(self.returns, self.allocations),
            ops=self.ops,
            tensor_loop=self.tensor_loop,
            tensor_computation=tensor,
            yields=self.yields,
            unknowns=tuple(sorted(set(self.unknowns), key=_unknown_key))[:20],
            tensor_iterations=tuple(sorted(set(self.tensor_iterations))),
            iterations_accumulate=tuple(sorted(set(self.iterations_accumulate))),
            exception_loops=tuple(sorted(set(self.exception_loops))),
            op_sites=tuple(self.op_sites),
            numpy_on_tensor=tuple(self.numpy_on_tensor),
            numpy_on_array_params=tuple(self.numpy_on_array_params),
            invalid_names=tuple(self.invalid_names),
            stale_reads=tuple(self.stale_reads),
            gradient_updates=tuple(self.gradient_updates),
            models_called=frozenset(self.models_called),
            dtype_uses=tuple(self.dtype_uses),
        )

    # -- helpers ------------------------------------------------------------------------------
    def loc(self, node: ast.AST) -> Location:
        return Location(self.relpath, getattr(node, "lineno", 0), getattr(node, "col_offset", 0))

    def site(self, node: ast.AST) -> str:
        """Allocation-site id of an object created at ``node``."""
        return f"{self.relpath}:{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}"

    def alloc(self, node: ast.AST) -> str:
        site = self.site(node)
        self.allocations.add(site)
        return site

    def unknown(self, reason: UnknownReason, node: ast.AST, detail: str = "") -> Value:
        atom = UnknownAtom(reason, self.loc(node), detail)
        if len(self.unknowns) < MAX_UNKNOWNS:
            self.unknowns.append(atom)
        return Value((atom,))

    def add_effect(
        self,
        kind: EffectKind,
        node: ast.AST,
        detail: str,
        targets: frozenset[str] = frozenset(),
    ) -> None:
        if targets and targets <= self.allocations:
            return  # the object was created during this call: invisible from outside
        self._record(Effect(kind, self.loc(node), detail, None, targets))

    def _record(self, effect: Effect) -> None:
        """Keep the first ``MAX_EFFECTS_PER_KIND`` distinct effects of each kind: facts need the
        kinds and some evidence, and unbounded sets make large projects quadratic."""
        key = (effect.kind, effect.location)
        if key in self.effects:
            return
        count = self._effect_counts.get(effect.kind, 0)
        if count >= MAX_EFFECTS_PER_KIND:
            return
        self._effect_counts[effect.kind] = count + 1
        self.effects[key] = effect

    def add_hazard(self, sites: list[HazardSite], site: HazardSite) -> None:
        """Keep the first ``MAX_HAZARD_SITES`` distinct locations of one hazard kind."""
        if len(sites) >= MAX_HAZARD_SITES:
            return
        for known in sites:
            if known.location == site.location and known.via == site.via:
                return
        sites.append(site)

    def model_called(self, atom: InstanceAtom) -> None:
        """A Keras model or layer was called (or built): its variables exist from now on."""
        self.models_called.update(model_keys(atom))

    def variables_read(self, atom: InstanceAtom, node: ast.AST) -> None:
        """``model.trainable_variables`` read: stale when the model was not called yet here."""
        keys = model_keys(atom)
        if keys & self.models_called or self.analysis.built_at_construction(atom):
            return
        owner = describe(node.value) if isinstance(node, ast.Attribute) else "the model"
        detail = f"{describe(node)} read before {owner} is called (or built)"
        self.add_hazard(self.stale_reads, HazardSite(self.loc(node), detail, None, keys))

    def add_op(self, node: ast.AST, cost: int = 1) -> None:
        self.tensor_op = True
        self.ops += cost
        if len(self.op_sites) < MAX_OP_SITES:
            self.op_sites.append(self.loc(node))

    def merge_callee(self, summary: Summary, node: ast.AST) -> None:
        """Fold a callee's summary into this frame at call site ``node``."""
        if summary.allocations:
            self.allocations |= summary.allocations
        if summary.effects:
            site = self.loc(node)
            counts = self._effect_counts
            for effect in summary.effects.items:
                if counts.get(effect.kind, 0) >= MAX_EFFECTS_PER_KIND:
                    continue
                if (effect.kind, effect.location) in self.effects:
                    continue
                if effect.targets:
                    if effect.targets <= self.allocations:
                        continue
                    own_locals = f"local:{self.owner_id}:"
                    if all(t.startswith(own_locals) for t in effect.targets):
                        continue  # a nested function rebinding this frame's own local variable
                self._record(effect.through(site))
        self.ops += summary.ops
        self.tensor_loop = self.tensor_loop or summary.tensor_loop
        if summary.tensor_computation is Tri.YES:
            self.tensor_op = True
            if len(self.op_sites) < MAX_OP_SITES:
                self.op_sites.append(self.loc(node))
        elif summary.tensor_computation is Tri.MAYBE:
            self.unknown_call = True
        if len(self.unknowns) < MAX_UNKNOWNS:
            self.unknowns.extend(summary.unknowns[:5])
        if summary.numpy_on_tensor or summary.invalid_names or summary.stale_reads:
            site = self.loc(node)
            for hazard in summary.numpy_on_tensor:
                self.add_hazard(self.numpy_on_tensor, hazard.through(site))
            for hazard in summary.invalid_names:
                self.add_hazard(self.invalid_names, hazard.through(site))
            for hazard in summary.stale_reads:
                if not hazard.models & self.models_called:  # not called here before this call
                    self.add_hazard(self.stale_reads, hazard.through(site))
        if summary.gradient_updates:
            site = self.loc(node)
            for hazard in summary.gradient_updates:
                self.add_hazard(self.gradient_updates, hazard.through(site))
        if summary.models_called:
            self.models_called |= summary.models_called

    # -- statements ---------------------------------------------------------------------------
    def run(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if self.env is None:
                return
            visitor = _VISITORS.get(type(stmt))
            if visitor is None:
                self.unknown(UnknownReason.UNSUPPORTED_SYNTAX, stmt, type(stmt).__name__)
                continue
            visitor(self, stmt)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.eval(default)
        value = self._nested_callable(node.name, node)
        self.bind_name(node.name, value, node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _nested_callable(self, name: str, node: ast.AST) -> Value:
        ids = self.analysis.project.nested.get(self.owner_id, {})
        target = ids.get(name)
        if target is not None and target in self.analysis.project.functions:
            fn = self.analysis.project.functions[target]
            if fn.node is node:
                return Value.atom(CallableAtom(target))
        for fid in ids.values():
            fn_info = self.analysis.project.functions.get(fid)
            if fn_info is not None and fn_info.node is node:
                return Value.atom(CallableAtom(fid))
        if self.function is None:
            # module level: look the function up by the module's own table
            fid2 = self.module.functions.get(name)
            if fid2 is not None:
                return Value.atom(CallableAtom(fid2))
        return self.unknown(UnknownReason.UNRESOLVED_NAME, node, name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            self.eval(base)
        for decorator in node.decorator_list:
            self.eval(decorator)
        class_id = self._class_id(node)
        if class_id is None:
            self.bind_name(node.name, self.unknown(UnknownReason.UNRESOLVED_NAME, node), node)
            return
        self.bind_name(node.name, self.analysis.class_value(class_id), node)
        self._run_class_body(node, class_id)

    def _class_id(self, node: ast.ClassDef) -> str | None:
        project = self.analysis.project
        for cid, info in project.classes.items():
            if info.node is node:
                return cid
        return None

    def _run_class_body(self, node: ast.ClassDef, class_id: str) -> None:
        """Class-level assignments become class attributes (heap cells ``(class id, name)``)."""
        saved = self.env
        self.env = {}
        methods = self.analysis.project.classes[class_id].methods
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for decorator in getattr(stmt, "decorator_list", []):
                    self.eval(decorator)
                fid = methods.get(stmt.name)
                if fid is not None and self.analysis.project.functions[fid].node is stmt:
                    self.env[stmt.name] = Value.atom(CallableAtom(fid))
                continue
            self.run([stmt])
            if self.env is None:
                break
        module_class = self.analysis.role(class_id) is KerasRole.MODULE
        for name, value in (self.env or {}).items():
            if name not in methods:
                self.analysis.heap.write_attribute(class_id, name, value)
                if module_class:
                    self.analysis.exported(value, node, self, f"class attribute {name}")
        self.env = saved

    def visit_Return(self, node: ast.Return) -> None:
        value = self.eval(node.value) if node.value is not None else Value.NONE
        self.returns = self.returns.join(value)
        self.exit_env = join_envs([self.exit_env, self.env])
        self.env = None

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                if self.env is not None:
                    self.env.pop(target.id, None)
                if target.id in self.declared_global:
                    self.add_effect(EffectKind.GLOBAL_WRITE, target, f"del {target.id}")
            elif isinstance(target, (ast.Subscript, ast.Attribute)):
                receiver = self.eval(target.value)
                self.mutation(target.value, receiver, target, "del")
            else:
                self.eval(target)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = self.eval(node.value)
        for target in node.targets:
            self.assign(target, value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assign(node.target, self.eval(node.value), node)
        elif isinstance(node.target, ast.Name) and self.function is None:
            pass  # a bare annotation binds nothing

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        current = self.eval(node.target)
        operand = self.eval(node.value)
        op = _BINOPS.get(type(node.op), "+")
        result = self.binary(op, current, operand, node)
        in_place = any(
            isinstance(a, ContainerAtom) and a.kind in ("list", "dict", "set")
            for a in current.atoms
        )
        if in_place:
            self.mutation(node.target, current, node, f"{op}= on a container")
        if isinstance(node.target, ast.Name):
            self.assign(node.target, result, node)
        elif not in_place:
            self.assign(node.target, result, node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        iterable = self.eval(node.iter)
        element = self.iterate(iterable, node.iter)
        trips = _trip_count(iterable)
        if iterable.is_tensor_like() is not Tri.NO and iterable.tensors():
            self.tensor_iterations.append(self.loc(node))
            if _accumulates(node.body):
                self.iterations_accumulate.append(self.loc(node))

        def body() -> None:
            self.assign(node.target, element, node)
            self.run(node.body)

        exit_env = self.loop(body, trips)
        self.env = exit_env
        if node.orelse and self.env is not None:
            self.run(node.orelse)

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        def body() -> None:
            self.eval(node.test)
            self.run(node.body)

        self.eval(node.test)
        self.env = self.loop(body, DEFAULT_TRIP_COUNT)
        if node.orelse and self.env is not None:
            self.run(node.orelse)

    def loop(self, body: Callable[[], None], trips: int) -> Env | None:
        """Run ``body`` to a fixpoint of the loop-head environment (widening after a few rounds).

        Costs are those of one iteration times the trip estimate; effects are a set, so repeated
        rounds add nothing new."""
        head = self.env
        ops_before = self.ops
        tensor_before = self.tensor_op
        ops_one_iteration: int | None = None
        exits = _LoopExits()
        self._loops.append(exits)
        self.loop_depth += 1
        try:
            for iteration in range(MAX_LOOP_ITERATIONS):
                exits.continues = []
                self.env = None if head is None else dict(head)
                ops_start = self.ops
                body()
                if ops_one_iteration is None:
                    ops_one_iteration = self.ops - ops_start
                end = join_envs([self.env, *exits.continues])
                new_head = (
                    join_envs([head, end]) if iteration < WIDEN_AFTER else widen_envs(head, end)
                )
                if env_leq(new_head, head):
                    break
                head = new_head
        finally:
            self.loop_depth -= 1
            self._loops.pop()
        body_ops = ops_one_iteration or 0
        self.ops = ops_before + body_ops * trips
        if body_ops > 0 or (self.tensor_op and not tensor_before):
            self.tensor_loop = True
        return join_envs([head, *exits.breaks])

    def visit_If(self, node: ast.If) -> None:
        self.eval(node.test)
        entry = self.env
        self.env = None if entry is None else dict(entry)
        self.run(node.body)
        then_env = self.env
        self.env = None if entry is None else dict(entry)
        self.run(node.orelse)
        self.env = join_envs([then_env, self.env])

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            manager = self.eval(item.context_expr)
            entered = self.call_method(manager, "__enter__", [], {}, item.context_expr)
            if entered.is_bottom or (entered.has_unknown and manager.known_atoms()):
                entered = manager
            if item.optional_vars is not None:
                self.assign(item.optional_vars, entered, node)
        self.run(node.body)

    visit_AsyncWith = visit_With

    def visit_Match(self, node: ast.AST) -> None:
        subject = getattr(node, "subject", None)
        if isinstance(subject, ast.expr):
            self.eval(subject)
        entry = self.env
        exits: list[Env | None] = []
        for case in getattr(node, "cases", []):
            self.env = None if entry is None else dict(entry)
            for name in _pattern_names(case.pattern):
                self.bind_name(
                    name, self.unknown(UnknownReason.UNSUPPORTED_SYNTAX, node, "match"), node
                )
            if case.guard is not None:
                self.eval(case.guard)
            self.run(case.body)
            exits.append(self.env)
        self.env = join_envs([entry, *exits])

    def visit_Raise(self, node: ast.Raise) -> None:
        if node.exc is not None:
            self.eval(node.exc)
        if node.cause is not None:
            self.eval(node.cause)
        self.env = None

    def visit_Try(self, node: ast.Try) -> None:
        entry = self.env
        self.run(node.body)
        body_env = self.env
        self.env = body_env
        self.run(node.orelse)
        normal = self.env
        handler_exits: list[Env | None] = []
        for handler in node.handlers:
            self.env = join_envs([entry, body_env])
            if handler.type is not None:
                caught = self.eval(handler.type)
                if self.loop_depth > 0 and _ends_iteration(caught):
                    self.exception_loops.append(self.loc(handler))
            if handler.name:
                self.bind_name(
                    handler.name,
                    self.unknown(UnknownReason.DYNAMIC_FEATURE, handler, "exception"),
                    handler,
                )
            self.run(handler.body)
            handler_exits.append(self.env)
        after = join_envs([normal, *handler_exits])
        if node.finalbody:
            self.env = join_envs([after, entry])
            self.run(node.finalbody)
            if after is None:
                self.env = None
        else:
            self.env = after

    visit_TryStar = visit_Try

    def visit_Assert(self, node: ast.Assert) -> None:
        self.eval(node.test)
        if node.msg is not None:
            self.eval(node.msg)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.function is None:
            self._module_import(node)
            return
        bindings = self.analysis.project.function_imports.get(self.owner_id, {})
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            binding = bindings.get(local)
            if binding is not None:
                self.bind_name(local, self.analysis.value_of_dotted(binding.target), node)

    visit_ImportFrom = visit_Import

    def _module_import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Module-level imports rebind names in order (a later ``*`` import shadows a ``def``)."""
        if self.env is None:
            return
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            for star in self.module.star_imports:
                for name in self.analysis.star_exports(star):
                    self.env[name] = self.analysis.value_of_dotted(f"{star}.{name}")
            return
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            binding = self.module.imports.get(local)
            if binding is not None and binding.location.line == node.lineno:
                self.env[local] = self.lookup_static(local, node)

    def lookup_static(self, name: str, node: ast.AST) -> Value:
        return self.analysis.global_value(self.module, name, node, self)

    def visit_Global(self, node: ast.Global) -> None:
        self.declared_global.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.declared_nonlocal.update(node.names)

    def visit_Expr(self, node: ast.Expr) -> None:
        self.eval(node.value)

    def visit_Pass(self, node: ast.Pass) -> None:
        return

    def visit_Break(self, node: ast.Break) -> None:
        if self._loops:
            self._loops[-1].breaks.append(self.env)
        self.env = None

    def visit_Continue(self, node: ast.Continue) -> None:
        if self._loops:
            self._loops[-1].continues.append(self.env)
        self.env = None

    def visit_TypeAlias(self, node: ast.AST) -> None:
        name = getattr(node, "name", None)
        if isinstance(name, ast.Name):
            self.bind_name(
                name.id, self.unknown(UnknownReason.UNSUPPORTED_SYNTAX, node, "type alias"), node
            )

    # -- assignment ---------------------------------------------------------------------------
    def bind_name(self, name: str, value: Value, node: ast.AST) -> None:
        if self.env is None:
            return
        if name in self.declared_global or self.function is None:
            if self.function is not None:
                self.add_effect(EffectKind.GLOBAL_WRITE, node, f"global {name}")
            self.analysis.heap.write_global(self.module.name, name, value)
            self.env[name] = value
            return
        if name in self.declared_nonlocal:
            owner = self._closure_owner(name)
            self.add_effect(
                EffectKind.NONLOCAL_WRITE,
                node,
                f"nonlocal {name}",
                frozenset({f"local:{owner}:{name}"}),
            )
            self.analysis.heap.write_closure(owner, name, value)
        self.env[name] = value

    def _closure_owner(self, name: str) -> str:
        """The enclosing function whose local ``name`` a ``nonlocal`` declaration refers to."""
        fn = self.function
        project = self.analysis.project
        while fn is not None and fn.parent_id is not None:
            parent = project.functions.get(fn.parent_id)
            if parent is None:
                break
            if _binds_locally(parent.node, name):
                return parent.id
            fn = parent
        return self.function.parent_id if self.function and self.function.parent_id else "?"

    def assign(self, target: ast.expr, value: Value, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.bind_name(target.id, value, node)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self._assign_unpack(target.elts, value, node)
        elif isinstance(target, ast.Attribute):
            receiver = self.eval(target.value)
            self.attribute_store(target, receiver, value, node)
        elif isinstance(target, ast.Subscript):
            receiver = self.eval(target.value)
            self.eval(target.slice)
            self.mutation(target.value, receiver, node, "item assignment")
            self._update_container_item(target, receiver, value)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, Value.container("list", None, rules.iterate(value)), node)
        else:
            self.unknown(UnknownReason.UNSUPPORTED_SYNTAX, target, "assignment target")

    def _assign_unpack(self, targets: list[ast.expr], value: Value, node: ast.AST) -> None:
        items = _known_items(value, len(targets))
        starred = any(isinstance(t, ast.Starred) for t in targets)
        for index, target in enumerate(targets):
            if items is not None and not starred:
                part = items[index]
            elif isinstance(target, ast.Starred):
                part = Value.container("list", None, rules.iterate(value))
                self.assign(target.value, part, node)
                continue
            else:
                part = rules.iterate(value)
            self.assign(target, part, node)

    def _update_container_item(self, target: ast.Subscript, receiver: Value, value: Value) -> None:
        """``d[k] = v`` on a local container: widen its element so later reads see ``v``."""
        if not isinstance(target.value, ast.Name) or self.env is None:
            return
        name = target.value.id
        if name not in self.env:
            return
        updated: list[Atom] = []
        for atom in receiver.atoms:
            if isinstance(atom, ContainerAtom):
                element = atom.element.join(value)
                items = atom.items
                keys = atom.keys
                if atom.kind == "dict":
                    index = self._const_of(target.slice)
                    if index[0] and keys is not None and items is not None and index[1] in keys:
                        position = keys.index(index[1])
                        items = tuple(
                            value if i == position else item for i, item in enumerate(items)
                        )
                    elif index[0] and keys is not None and items is not None:
                        keys = (*keys, index[1])
                        items = (*items, value)
                    else:
                        items, keys = None, None
                else:
                    items, keys = None, None
                updated.append(ContainerAtom(atom.kind, element, items, keys, atom.origins))
            else:
                updated.append(atom)
        self.env[name] = Value.of(updated)

    def _const_of(self, node: ast.expr) -> tuple[bool, Constant]:
        if isinstance(node, ast.Constant) and isinstance(
            node.value, (int, float, str, bytes, bool, complex, type(None))
        ):
            return True, node.value
        return False, None

    def attribute_store(
        self, target: ast.Attribute, receiver: Value, value: Value, node: ast.AST
    ) -> None:
        for atom in receiver.atoms:
            if isinstance(atom, InstanceAtom) and not atom.external:
                self.analysis.heap.write_attribute(atom.cls, target.attr, value)
                if atom.role is KerasRole.MODULE:
                    self.analysis.exported(value, node, self, f"attribute {target.attr}")
            elif isinstance(atom, ClassAtom) and not atom.external:
                self.analysis.heap.write_attribute(atom.ref, target.attr, value)
            elif isinstance(atom, ModuleAtom) and self.analysis.project.modules.get(atom.name):
                self.analysis.heap.write_global(atom.name, target.attr, value)
        self.mutation(target.value, receiver, node, f"attribute {target.attr}")

    def mutation(self, root_expr: ast.expr, receiver: Value, node: ast.AST, detail: str) -> None:
        """Record the mutation of ``receiver`` (reached through ``root_expr``) unless the object
        was created during this call. The kind follows the root variable of the expression."""
        targets = receiver.origins()
        known = [a for a in receiver.atoms if not isinstance(a, (TensorAtom, ConstAtom))]
        if not known and receiver.atoms:
            return  # tensors, numbers: rebinding, not mutation
        if not targets:
            targets = frozenset({EXTERNAL_TARGET})
        if targets <= self.allocations:
            return
        root = _root_name(root_expr)
        if self.exempt_self_writes and root is not None and root == self.self_name:
            return
        if root is None:
            kind = EffectKind.ARGUMENT_MUTATION
        elif root == self.self_name:
            kind = EffectKind.ATTRIBUTE_WRITE
        elif root in self.params:
            kind = EffectKind.ARGUMENT_MUTATION
        elif root in self.declared_global or (
            self.env is not None and root not in self.env and self._is_global(root)
        ):
            kind = EffectKind.GLOBAL_WRITE
        elif self.env is not None and root not in self.env and self.function is not None:
            kind = EffectKind.NONLOCAL_WRITE
        else:
            kind = EffectKind.ARGUMENT_MUTATION
        self.add_effect(kind, node, f"{detail} of {describe(root_expr)}", targets)

    def _is_global(self, name: str) -> bool:
        if self.function is None:
            return True
        if self.function.parent_id is not None and self._closure_value(name) is not None:
            return False
        return True

    # -- expressions --------------------------------------------------------------------------
    def eval(self, node: ast.expr) -> Value:
        visitor = _VISITORS.get(type(node))
        if visitor is None:
            return self.unknown(UnknownReason.UNSUPPORTED_SYNTAX, node, type(node).__name__)
        result: Value = visitor(self, node)
        return result

    def visit_Constant(self, node: ast.Constant) -> Value:
        value = node.value
        if value is Ellipsis:
            return Value.atom(ConstAtom("ellipsis", frozenset({"..."})))
        if isinstance(value, (int, float, str, bool, bytes, complex)) or value is None:
            return Value.const(value)
        return self.unknown(UnknownReason.UNSUPPORTED_SYNTAX, node, "constant")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> Value:
        for part in node.values:
            self.eval(part)
        return Value.any_of("str")

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Value:
        self.eval(node.value)
        if node.format_spec is not None:
            self.eval(node.format_spec)
        return Value.any_of("str")

    def visit_Name(self, node: ast.Name) -> Value:
        return self.lookup(node.id, node)

    def lookup(self, name: str, node: ast.AST) -> Value:
        if name not in self.declared_global and self.env is not None:
            local = self.env.get(name)
            if local is not None:
                return local
        if name not in self.declared_global and self.function is not None:
            closure = self._closure_value(name)
            if closure is not None:
                return closure
        return self.analysis.global_value(self.module, name, node, self)

    def _closure_value(self, name: str) -> Value | None:
        if self.closure is not None and name in self.closure:
            return self.closure[name]
        fn = self.function
        while fn is not None and fn.parent_id is not None:
            parent = fn.parent_id
            value = self.analysis.closure_value(parent, name)
            if value is not None:
                return value
            fn = self.analysis.project.functions.get(parent)
        return None

    def visit_Attribute(self, node: ast.Attribute) -> Value:
        if _is_super_call(node.value):
            return self.analysis.super_attribute(self, node)
        receiver = self.eval(node.value)
        return self.analysis.attribute(receiver, node.attr, node, self)

    def visit_Subscript(self, node: ast.Subscript) -> Value:
        value = self.eval(node.value)
        index = self.eval(node.slice)
        result = rules.subscript(value, index)
        tensors = value.tensors()
        if tensors:
            self.add_op(node)
            if _any_symbolic(tensors):
                return mark_symbolic(result)
        return result

    def visit_Slice(self, node: ast.Slice) -> Value:
        lower = self.eval(node.lower) if node.lower is not None else Value.NONE
        upper = self.eval(node.upper) if node.upper is not None else Value.NONE
        step = self.eval(node.step) if node.step is not None else Value.NONE
        return rules.slice_value(lower, upper, step)

    def visit_Starred(self, node: ast.Starred) -> Value:
        return self.eval(node.value)

    def visit_Tuple(self, node: ast.Tuple) -> Value:
        return self._sequence("tuple", node.elts, node, allocate=False)

    def visit_List(self, node: ast.List) -> Value:
        return self._sequence("list", node.elts, node, allocate=True)

    def visit_Set(self, node: ast.Set) -> Value:
        value = self._sequence("set", node.elts, node, allocate=True)
        return value

    def _sequence(self, kind: str, elts: list[ast.expr], node: ast.AST, allocate: bool) -> Value:
        items: list[Value] | None = []
        extra = Value.BOTTOM
        for elt in elts:
            if isinstance(elt, ast.Starred):
                inner = self.eval(elt.value)
                known = _known_items(inner, None)
                if known is not None and items is not None:
                    items.extend(known)
                else:
                    items = None
                    extra = extra.join(rules.iterate(inner))
            else:
                value = self.eval(elt)
                if items is not None:
                    items.append(value)
                extra = extra.join(value)
        origin = self.alloc(node) if allocate else "tuple"
        if items is None:
            return Value.container(kind, None, extra, origin=origin)
        return Value.container(
            kind, items if kind != "set" else None, join_all(items), origin=origin
        )

    def visit_Dict(self, node: ast.Dict) -> Value:
        keys: list[object] | None = []
        values: list[Value] = []
        element = Value.BOTTOM
        for key, value_node in zip(node.keys, node.values, strict=True):
            value = self.eval(value_node)
            if key is None:
                keys = None
                for atom in value.of_type(ContainerAtom):
                    element = element.join(atom.element)
                continue
            key_value = self.eval(key)
            ok, constant = key_value.constant()
            if ok and keys is not None:
                keys.append(constant)
            else:
                keys = None
            values.append(value)
            element = element.join(value)
        origin = self.alloc(node)
        if keys is not None and len(set(map(repr, keys))) == len(keys):
            return Value.container("dict", values, element, origin=origin, keys=tuple(keys))  # type: ignore[arg-type]
        return Value.container("dict", None, element, origin=origin)

    def visit_BoolOp(self, node: ast.BoolOp) -> Value:
        return join_all(self.eval(v) for v in node.values)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> Value:
        value = self.eval(node.value)
        self.assign(node.target, value, node)
        return value

    def visit_BinOp(self, node: ast.BinOp) -> Value:
        left = self.eval(node.left)
        right = self.eval(node.right)
        return self.binary(_BINOPS.get(type(node.op), "+"), left, right, node)

    def binary(self, op: str, left: Value, right: Value, node: ast.AST) -> Value:
        left_tensors = left.tensors()
        right_tensors = right.tensors()
        if left_tensors or right_tensors:
            self.add_op(node)
            if self.params and (
                (right_tensors and holds_array(left)) or (left_tensors and holds_array(right))
            ):
                self._dtype_use(left, right_tensors, right, left_tensors, node)
        instance = self._operator_overload(op, left, right, node)
        if instance is not None:
            return instance
        result = rules.binary_op(op, left, right)
        if _any_symbolic(left_tensors) or _any_symbolic(right_tensors):
            return mark_symbolic(result)  # Keras overloads operators on symbolic tensors
        return result

    def _dtype_use(
        self,
        left: Value,
        right_tensors: list[TensorType],
        right: Value,
        left_tensors: list[TensorType],
        node: ast.AST,
    ) -> None:
        """An array parameter read directly (``x``) meets a tensor of known dtype."""
        operands = _operand_nodes(node)
        if operands is None:
            return
        for operand, value, others in ((operands[0], left, right_tensors),
                                       (operands[1], right, left_tensors)):  # fmt: skip
            parameter = self.array_parameter(operand, value)
            if parameter is not None and others:
                self.dtype_use(parameter, value, [t.dtype.known for t in others], node)

    def array_parameter(self, node: ast.AST | None, value: Value) -> str | None:
        """The parameter ``node`` reads directly (``x``), when it holds a NumPy array: TF turns
        such an argument into a tensor of the array's dtype at the ``tf.function`` boundary."""
        if isinstance(node, ast.Name) and node.id in self.params and holds_array(value):
            return node.id
        return None

    def dtype_use(
        self, parameter: str, value: Value, dtypes: list[str | None], node: ast.AST
    ) -> None:
        """Array parameter ``parameter`` (now ``value``) is converted to each of ``dtypes``."""
        arrays = value.of_type(NDArrayAtom)
        if not arrays or len(self.dtype_uses) >= 4 * MAX_HAZARD_SITES:
            return
        own = arrays[0].dtype.known
        for dtype in dtypes:
            if dtype is not None:
                use = DtypeUse(parameter, dtype, own, self.loc(node))
                if use not in self.dtype_uses:
                    self.dtype_uses.append(use)

    def _operator_overload(self, op: str, left: Value, right: Value, node: ast.AST) -> Value | None:
        method = _DUNDER.get(op)
        if method is None:
            return None
        for atom in left.atoms:
            if isinstance(atom, InstanceAtom) and not atom.external:
                fid = self.analysis.project.method(atom.cls, method)
                if fid is not None:
                    return self.analysis.call_value(
                        self, Value.atom(CallableAtom(fid, Value.atom(atom))), [right], {}, node
                    )
        return None

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Value:
        operand = self.eval(node.operand)
        tensors = operand.tensors()
        if tensors:
            self.add_op(node)
        result = rules.unary_op(_UNARYOPS.get(type(node.op), "-"), operand)
        return mark_symbolic(result) if _any_symbolic(tensors) else result

    def visit_Compare(self, node: ast.Compare) -> Value:
        left = self.eval(node.left)
        result = Value.BOTTOM
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.eval(comparator)
            symbol = _CMPOPS.get(type(op))
            if symbol is None:
                result = result.join(Value.any_of("bool"))  # is, is not, in, not in
            else:
                result = result.join(self.binary(symbol, left, right, node))
            left = right
        return result

    def visit_IfExp(self, node: ast.IfExp) -> Value:
        self.eval(node.test)
        return self.eval(node.body).join(self.eval(node.orelse))

    def visit_Lambda(self, node: ast.Lambda) -> Value:
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.eval(default)
        return self.analysis.lambda_value(self, node)

    def visit_Await(self, node: ast.Await) -> Value:
        self.eval(node.value)
        return self.unknown(UnknownReason.UNSUPPORTED_SYNTAX, node, "await")

    def visit_Yield(self, node: ast.Yield) -> Value:
        value = self.eval(node.value) if node.value is not None else Value.NONE
        self.yields = self.yields.join(value)
        return self.unknown(UnknownReason.DYNAMIC_FEATURE, node, "value sent to generator")

    def visit_YieldFrom(self, node: ast.YieldFrom) -> Value:
        inner = self.eval(node.value)
        self.yields = self.yields.join(rules.iterate(inner))
        return self.unknown(UnknownReason.DYNAMIC_FEATURE, node, "yield from")

    def _comprehension(
        self, generators: list[ast.comprehension], element: Callable[[], Value]
    ) -> Value:
        saved = self.env
        self.env = None if saved is None else dict(saved)
        result = Value.BOTTOM
        self.loop_depth += 1
        try:
            for generator in generators:
                iterable = self.eval(generator.iter)
                self.assign(generator.target, self.iterate(iterable, generator.iter), generator)
                for condition in generator.ifs:
                    self.eval(condition)
            result = element()
        finally:
            self.loop_depth -= 1
            self.env = saved
        return result

    def visit_ListComp(self, node: ast.ListComp) -> Value:
        element = self._comprehension(node.generators, lambda: self.eval(node.elt))
        return Value.container("list", None, element, origin=self.alloc(node))

    def visit_SetComp(self, node: ast.SetComp) -> Value:
        element = self._comprehension(node.generators, lambda: self.eval(node.elt))
        return Value.container("set", None, element, origin=self.alloc(node))

    def visit_GeneratorExp(self, node: ast.GeneratorExp) -> Value:
        element = self._comprehension(node.generators, lambda: self.eval(node.elt))
        return Value.atom(IteratorAtom(element, frozenset({self.alloc(node)})))

    def visit_DictComp(self, node: ast.DictComp) -> Value:
        def pair() -> Value:
            self.eval(node.key)
            return self.eval(node.value)

        element = self._comprehension(node.generators, pair)
        return Value.container("dict", None, element, origin=self.alloc(node))

    def visit_Call(self, node: ast.Call) -> Value:
        if _is_super_call(node):
            return (
                self.lookup("self", node)
                if self.self_name is None
                else self.lookup(self.self_name, node)
            )
        callee = self.eval(node.func)
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        star = False
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                inner = self.eval(arg.value)
                items = _known_items(inner, None)
                if items is not None:
                    args.extend(items)
                else:
                    star = True
                    args.append(self.unknown(UnknownReason.STAR_ARGS, arg, "*args"))
            else:
                args.append(self.eval(arg))
        for keyword in node.keywords:
            value = self.eval(keyword.value)
            if keyword.arg is None:
                star = True
                for atom in value.of_type(ContainerAtom):
                    if atom.kind == "dict" and atom.keys is not None and atom.items is not None:
                        for key, item in zip(atom.keys, atom.items, strict=False):
                            if isinstance(key, str):
                                kwargs[key] = item
            else:
                kwargs[keyword.arg] = value
        return self.analysis.call_value(self, callee, args, kwargs, node, star=star)

    def call_method(
        self, receiver: Value, name: str, args: list[Value], kwargs: dict[str, Value], node: ast.AST
    ) -> Value:
        method = self.analysis.attribute(receiver, name, node, self, quiet=True)
        if method.is_bottom:
            return Value.BOTTOM
        return self.analysis.call_value(self, method, args, kwargs, node)

    def iterate(self, iterable: Value, node: ast.AST) -> Value:
        """The element of a Python iteration over ``iterable`` (project ``__iter__`` included)."""
        result = Value.BOTTOM
        rest: list[object] = []
        for atom in iterable.atoms:
            if isinstance(atom, InstanceAtom) and not atom.external:
                fid = self.analysis.project.method(atom.cls, "__iter__")
                if fid is not None:
                    iterator = self.analysis.call_value(
                        self, Value.atom(CallableAtom(fid, Value.atom(atom))), [], {}, node
                    )
                    result = result.join(rules.iterate(iterator))
                    continue
            rest.append(atom)
        if rest:
            result = result.join(rules.iterate(Value.of(rest)))  # type: ignore[arg-type]
        return result


#: ``ast`` node class -> transfer function, resolved once (dispatch is on the hottest path).
_VISITORS: dict[type[ast.AST], Callable[..., Any]] = {
    cls: getattr(Frame, "visit_" + cls.__name__)
    for base in (ast.stmt, ast.expr)
    for cls in base.__subclasses__()
    if hasattr(Frame, "visit_" + cls.__name__)
}

_DUNDER = {
    "+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__", "@": "__matmul__",
    "//": "__floordiv__", "%": "__mod__", "**": "__pow__",
}  # fmt: skip


def model_keys(atom: InstanceAtom) -> frozenset[str]:
    """``class@origin`` keys naming the Keras model/layer objects ``atom`` may be."""
    return frozenset(f"{atom.cls}@{origin}" for origin in atom.origins)


def holds_array(value: Value) -> bool:
    return any(isinstance(a, NDArrayAtom) for a in value.atoms)


def _any_symbolic(tensors: list[TensorType]) -> bool:
    return any(t.symbolic for t in tensors) if tensors else False


def _operand_nodes(node: ast.AST) -> tuple[ast.expr, ast.expr] | None:
    """The operand expressions of a binary operation (``a + b``, ``a += b``, ``a < b``)."""
    if isinstance(node, ast.BinOp):
        return node.left, node.right
    if isinstance(node, ast.AugAssign):
        return node.target, node.value
    if isinstance(node, ast.Compare) and len(node.comparators) == 1:
        return node.left, node.comparators[0]
    return None


def _unknown_key(atom: UnknownAtom) -> tuple[str, str, str]:
    return (atom.reason.value, str(atom.origin), atom.detail)


def _is_super_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"
    )


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    return None


def describe(node: ast.AST) -> str:
    """A short source-like name for an expression (``self.items``, ``xs[...]``, ``f(...)``);
    cheaper than ``ast.unparse``, which dominated profiles when used for every effect."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{describe(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        return f"{describe(node.value)}[...]"
    if isinstance(node, ast.Call):
        return f"{describe(node.func)}(...)"
    return "<" + type(node).__name__.lower() + ">"


def _known_items(value: Value, length: int | None) -> list[Value] | None:
    atom = value.only(ContainerAtom)
    if atom is None or atom.items is None or atom.kind in ("dict", "set"):
        return None
    if length is not None and len(atom.items) != length:
        return None
    return list(atom.items)


def _trip_count(iterable: Value) -> int:
    """A loop's trip estimate: the length of a known container or a small constant ``range``."""
    atom = iterable.only(ContainerAtom)
    if atom is not None and atom.items is not None:
        return max(1, min(len(atom.items), MAX_TRIP_COUNT))
    iterator = iterable.only(IteratorAtom)
    if iterator is not None:
        const = iterator.element.only(ConstAtom)
        if const is not None and const.values is not None:
            return max(1, min(len(const.values), MAX_TRIP_COUNT))
    return DEFAULT_TRIP_COUNT


def _accumulates(body: list[ast.stmt]) -> bool:
    """Does a loop body append to / extend a Python list (the pattern AutoGraph cannot carry)?"""
    for stmt in body:
        for node in ast.walk(stmt):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _LIST_ACCUMULATORS
            ):
                return True
    return False


def _escaping(value: Value, allocations: set[str]) -> frozenset[str]:
    """The allocation sites of this call that its result can reach: the only ones a caller
    needs, to know that mutating the result does not touch anything it did not create."""
    if not allocations:
        return frozenset()
    found: set[str] = set()
    pending = [value]
    seen = 0
    while pending and seen < 64:
        current = pending.pop()
        seen += 1
        for atom in current.atoms:
            if isinstance(atom, (ContainerAtom, InstanceAtom, IteratorAtom)):
                found |= atom.origins & allocations
            if isinstance(atom, ContainerAtom):
                pending.append(atom.element)
            elif isinstance(atom, (IteratorAtom, DatasetAtom)):
                pending.append(atom.element)
    return frozenset(found)


_ITERATION_END = ("StopIteration", "OutOfRangeError")


def _ends_iteration(caught: Value) -> bool:
    """Does an ``except`` clause catch the exceptions that end Python or ``tf.data`` iteration
    (``StopIteration``, ``tf.errors.OutOfRangeError``), alone or in a tuple?"""
    pending = [caught]
    while pending:
        value = pending.pop()
        for atom in value.atoms:
            if isinstance(atom, ContainerAtom):
                pending.append(atom.element)
                continue
            name = atom.ref if isinstance(atom, ClassAtom) else getattr(atom, "name", "")
            if isinstance(name, str) and name.rsplit(".", 1)[-1] in _ITERATION_END:
                return True
    return False


def _binds_locally(node: ast.AST, name: str) -> bool:
    """Does function ``node`` bind ``name`` as a local (parameter or assignment)?"""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        spec = node.args
        params = [*spec.posonlyargs, *spec.args, *spec.kwonlyargs, spec.vararg, spec.kwarg]
        if any(p is not None and p.arg == name for p in params):
            return True
    body = node.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else []
    for stmt in body:
        for child in ast.walk(stmt):
            if (
                isinstance(child, ast.Name)
                and child.id == name
                and isinstance(child.ctx, ast.Store)
            ):
                return True
            if (
                isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and child.name == name
            ):
                return True
    return False


def _pattern_names(pattern: ast.AST) -> Iterator[str]:
    for node in ast.walk(pattern):
        name = getattr(node, "name", None)
        if isinstance(name, str):
            yield name
        rest = getattr(node, "rest", None)
        if isinstance(rest, str):
            yield rest
