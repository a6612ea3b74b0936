"""Per-function facts: what the analysis knows about each function, with evidence locations.

These records are the interface to the decision layer (``refactor``) and the ``functions`` part of
the JSON contract (design §8). They are computed from a finished ``Analysis``: the summaries of all
contexts of a function joined, parameter values joined over every call site, and the graph facts
(recursion, repetition, tracing by callers).
"""

from __future__ import annotations

import ast
import fnmatch
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from hybridize.lattice.effects import Effect, EffectKind, Effects
from hybridize.lattice.location import Location
from hybridize.lattice.tri import Tri
from hybridize.lattice.values import (
    ConstAtom,
    KerasRole,
    NDArrayAtom,
    UnknownAtom,
    UnknownReason,
    Value,
    has_symbolic,
    join_all,
)
from hybridize.project.build import Project
from hybridize.project.collect import dotted_name
from hybridize.project.model import FunctionInfo, Suppression, SymbolKind
from hybridize.stubs.aliases import canonical
from hybridize.transfer.analysis import TF_FUNCTION, Analysis, CallEdge
from hybridize.transfer.callgraph import called_repeatedly, recursive_functions, traced_functions
from hybridize.transfer.signature import SignatureFacts, infer_signature
from hybridize.transfer.summary import DtypeUse, HazardSite, Summary

MAX_EVIDENCE = 8

FACT_NAMES = (
    "has_tensor_parameter",
    "has_python_parameter",
    "python_side_effects",
    "recursive",
    "tensor_computation",
    "eager_only_calls",
    "creates_variables",
    "called_repeatedly",
    "all_callers_hybrid",
    "hybrid",
    "generator",
    "asynchronous",
    "numpy_on_tensor",
    "invalid_name_argument",
    "graph_only_usage",
    "keras_symbolic_input",
    "conflicting_dtypes",
    "stale_variable_read",
)


@attrs.frozen
class Evidence:
    location: Location
    detail: str
    #: Where the fact comes from when not the analysis itself: ``"oracle"`` (a type checker).
    kind: str | None = None

    def to_json(self) -> dict[str, str]:
        data = {"at": str(self.location), "detail": self.detail}
        if self.kind is not None:
            data["kind"] = self.kind
        return data


@attrs.frozen
class ParameterFacts:
    name: str
    value: Value
    source: str  # call-sites | annotation | none (with oracle evidence when one answered)
    evidence: tuple[Evidence, ...]

    @property
    def kind(self) -> str:
        return self.value.kind()

    @property
    def oracle(self) -> tuple[Evidence, ...]:
        """The evidence an external type checker (``--oracle``) supplied for this parameter."""
        return tuple(e for e in self.evidence if e.kind == ORACLE)

    @property
    def bounded(self) -> Tri:
        """Is the set of Python values this parameter receives finite and known?"""
        consts = [a for a in self.value.atoms if isinstance(a, ConstAtom)]
        if not consts:
            return Tri.MAYBE
        if self.value.has_unknown or any(c.values is None for c in consts):
            return Tri.NO
        return Tri.YES

    def constants(self) -> list[str]:
        result: list[str] = []
        for atom in self.value.atoms:
            if isinstance(atom, ConstAtom) and atom.values is not None:
                result.extend(atom.sorted_values())
        return sorted(result)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "type": self.value.type_name(),
            "value": self.value.pretty(),
            "values": self.constants(),
            "bounded": self.bounded.to_json(),
            "source": self.source,
            "evidence": [e.to_json() for e in self.evidence],
        }
        data.update(_tensor_json(self.value))
        return data


@attrs.frozen
class Decorator:
    text: str
    args: Mapping[str, str]
    location: Location

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "args": dict(sorted(self.args.items())),
            "at": str(self.location),
        }


@attrs.frozen
class FunctionFacts:
    id: str
    path: str
    qualname: str
    name: str
    location: Location
    end_line: int
    hybrid: bool
    decorator: Decorator | None
    keras_role: str | None  # "model" / "layer" / ... when a method of a Keras class
    parameters: tuple[ParameterFacts, ...]
    returns: Value
    effects: Effects
    facts: Mapping[str, Tri]
    estimated_ops: int | None
    tensor_loop: bool
    callers: tuple[str, ...]
    callees: tuple[str, ...]
    call_sites: tuple[Evidence, ...]
    evidence: Mapping[str, tuple[Evidence, ...]]  # per fact: the locations it rests on
    recursion_cycle: tuple[str, ...]
    unknowns: tuple[UnknownAtom, ...]
    tensor_iterations: tuple[Location, ...]
    exception_loops: tuple[Location, ...]
    iterations_accumulate: tuple[Location, ...]
    #: ``# hybridize: ignore[...]`` on the ``def`` line or a decorator line (None: no comment).
    suppression: Suppression | None = None
    #: ``conflicting-dtypes``: NumPy-array parameter -> the dtypes it must take at once (its own
    #: first when known, then those of the tensors it meets), for parameters that conflict.
    dtype_conflicts: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    #: The input signature its call sites allow, re-tracing evidence, the declared signature.
    signature: SignatureFacts = attrs.field(factory=SignatureFacts)

    def fact(self, name: str) -> Tri:
        return self.facts[name]

    def to_json(self) -> dict[str, Any]:
        returns: dict[str, Any] = {
            "kind": self.returns.kind(),
            "type": self.returns.type_name(),
            "value": self.returns.pretty(),
        }
        returns.update(_tensor_json(self.returns))
        return {
            "id": self.id,
            "path": self.path,
            "qualname": self.qualname,
            "name": self.name,
            "line": self.location.line,
            "col": self.location.col + 1,
            "end_line": self.end_line,
            "hybrid": self.hybrid,
            "keras_role": self.keras_role,
            "decorator": None if self.decorator is None else self.decorator.to_json(),
            "parameters": [p.to_json() for p in self.parameters],
            "returns": returns,
            "facts": {name: self.facts[name].to_json() for name in FACT_NAMES},
            "estimated_ops": self.estimated_ops,
            "tensor_loop": self.tensor_loop,
            "effects": [_effect_json(e) for e in self.effects.sorted()],
            "callers": list(self.callers),
            "callees": list(self.callees),
            "call_sites": [e.to_json() for e in self.call_sites],
            "evidence": {
                name: [e.to_json() for e in self.evidence[name]]
                for name in FACT_NAMES
                if self.evidence.get(name)
            },
            "recursion_cycle": list(self.recursion_cycle),
            "unknowns": [
                {
                    "reason": u.reason.value,
                    "at": None if u.origin is None else str(u.origin),
                    "detail": u.detail,
                }
                for u in self.unknowns
            ],
            "tensor_iterations": [str(loc) for loc in self.tensor_iterations],
            "exception_loops": [str(loc) for loc in self.exception_loops],
            "signature": self.signature.to_json(),
        }


def _effect_json(effect: Effect) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": effect.kind.value,
        "at": str(effect.location),
        "detail": effect.detail,
    }
    if effect.via is not None:
        data["via"] = str(effect.via)
    return data


def _tensor_json(value: Value) -> dict[str, Any]:
    known = value.known_atoms()
    tensors = value.tensors()
    arrays = value.of_type(NDArrayAtom)
    if len(known) == 1 and tensors:
        return {"dtype": tensors[0].dtype.known, "shape": tensors[0].shape.to_json()}
    if len(known) == 1 and arrays:
        return {"dtype": arrays[0].dtype.known, "shape": arrays[0].shape.to_json()}
    return {}


# --- the optional type oracle (design §2): answers come in as a plain mapping ------------------


@attrs.frozen
class OracleFact:
    """What an external type checker (``--oracle``) says about a value the analysis left
    unknown: ``value`` is joined into the parameter's value, ``detail`` (``oracle (pyright):
    Tensor``) becomes the evidence, at ``location`` (the probed expression)."""

    value: Value
    detail: str
    location: Location


#: The evidence kind of facts an external type checker supplied.
ORACLE = "oracle"

#: (function id, parameter name, call site or None for the parameter itself) -> the answer.
OracleAnswers = Mapping[tuple[str, str, "Location | None"], OracleFact]


def parameter_nodes(fn: FunctionInfo) -> list[ast.arg]:
    """The parameters facts are computed for, in order (``self``/``cls`` of methods left out)."""
    spec = fn.node.args
    positional = [*spec.posonlyargs, *spec.args]
    if fn.class_id is not None and not fn.is_staticmethod and positional and not fn.is_lambda:
        positional = positional[1:]
    args = [*positional]
    if spec.vararg is not None:
        args.append(spec.vararg)
    args.extend(spec.kwonlyargs)
    if spec.kwarg is not None:
        args.append(spec.kwarg)
    return args


def compute_facts(
    analysis: Analysis,
    entry_points: tuple[str, ...] = (),
    oracle: OracleAnswers | None = None,
) -> list[FunctionFacts]:
    """Join everything the analysis found into one ``FunctionFacts`` per project function.

    ``entry_points`` (qualname globs, or ``path::qualname`` globs) name functions a framework
    calls repeatedly from outside the analysed code: they count as called repeatedly.
    ``oracle`` holds the answers of an external type checker for values left unknown."""
    project = analysis.project
    functions = sorted(project.functions)
    callees: dict[str, set[str]] = {}
    callers: dict[str, list[tuple[str, bool]]] = {}
    sites: dict[str, list[CallEdge]] = {}
    cut_edges: list[CallEdge] = []
    for edge in sorted(
        analysis.edges, key=lambda e: (e.caller, e.callee, *_location_key(e.location))
    ):
        callees.setdefault(edge.caller, set()).add(edge.callee)
        callers.setdefault(edge.callee, []).append((edge.caller, edge.repeated))
        sites.setdefault(edge.callee, []).append(edge)
        if edge.recursive_cut:
            cut_edges.append(edge)
    recursive = recursive_functions(functions, callees)
    declared = {
        fid for fid in functions if _is_entry_point(project.functions[fid], entry_points)
    }
    for fid in declared:  # a framework loop calls it: as if called in a loop from outside
        callers.setdefault(fid, []).append((ENTRY_POINT, True))
    repeated = called_repeatedly(functions, callers)
    for fid in declared:
        callers[fid] = [c for c in callers[fid] if c[0] != ENTRY_POINT]
    hybrid: dict[str, bool] = {}
    decorators: dict[str, Decorator | None] = {}
    for fid in functions:
        decorator = hybrid_decorator(analysis, project.functions[fid])
        decorators[fid] = decorator
        hybrid[fid] = decorator is not None
    traced = traced_functions(functions, hybrid, callers)
    joined = {fid: _join_summaries(analysis.function_summaries.get(fid, [])) for fid in functions}
    effects = _close_over_cycles(joined, cut_edges, recursive)
    result: list[FunctionFacts] = []
    for fid in functions:
        fn = project.functions[fid]
        summary = joined[fid]
        parameters = tuple(_parameters(analysis, fn, oracle or {}))
        own_effects = effects[fid]
        kinds = own_effects.kinds()
        caller_ids = sorted({c for c, _ in callers.get(fid, [])})
        conflicts = _dtype_conflicts(summary.dtype_uses if summary else ())
        symbolic = (
            _symbolic_inputs(analysis, fn)
            if any(p.source == "call-sites" and has_symbolic(p.value) for p in parameters)
            else []
        )
        graph_only = _graph_only_uses(analysis, fn, decorators[fid]) if hybrid[fid] else []
        facts = {
            "has_tensor_parameter": _any_parameter(parameters, "tensor"),
            "has_python_parameter": _any_parameter(parameters, "python"),
            "python_side_effects": _side_effects(kinds),
            "recursive": Tri.of(fid in recursive),
            "tensor_computation": summary.tensor_computation if summary else Tri.MAYBE,
            "eager_only_calls": Tri.of(EffectKind.EAGER_ONLY_CALL in kinds)
            if EffectKind.EAGER_ONLY_CALL in kinds or EffectKind.UNKNOWN_CALL not in kinds
            else Tri.MAYBE,
            "creates_variables": Tri.of(EffectKind.VARIABLE_CREATION in kinds),
            "called_repeatedly": repeated[fid],
            "all_callers_hybrid": Tri.of(
                bool(caller_ids) and all(traced.get(c, False) for c in caller_ids)
            ),
            "hybrid": Tri.of(hybrid[fid]),
            "generator": Tri.of(fn.is_generator),
            "asynchronous": Tri.of(fn.is_async),
            "numpy_on_tensor": Tri.of(
                bool(summary and (summary.numpy_on_tensor or summary.numpy_on_array_params))
            ),
            "invalid_name_argument": Tri.of(bool(summary and summary.invalid_names)),
            "graph_only_usage": Tri.of(bool(graph_only)),
            "keras_symbolic_input": Tri.of(bool(symbolic)),
            "conflicting_dtypes": Tri.of(bool(conflicts)),
            "stale_variable_read": Tri.of(
                bool(summary and summary.stale_reads and summary.gradient_updates)
            ),
        }
        call_sites = tuple(
            Evidence(
                e.location, f"called from {_short(e.caller)}" + (" in a loop" if e.repeated else "")
            )
            for e in sites.get(fid, [])[:MAX_EVIDENCE]
        )
        evidence = _fact_evidence(
            facts, parameters, own_effects, summary, sites.get(fid, []), decorators[fid],
            recursive.get(fid, []), repeated,
        )  # fmt: skip
        evidence.update(_hazard_evidence(facts, summary, conflicts, symbolic, graph_only))
        if fid in declared:
            evidence["called_repeatedly"] = (
                Evidence(fn.location, "an entry point (configuration: entry-points)"),
                *evidence.get("called_repeatedly", ()),
            )[:MAX_EVIDENCE]
        result.append(
            FunctionFacts(
                id=fid,
                path=fn.relpath,
                qualname=fn.qualname,
                name=fn.name,
                location=fn.location,
                end_line=fn.end_line,
                hybrid=hybrid[fid],
                decorator=decorators[fid],
                keras_role=(
                    analysis.role(fn.class_id).value
                    if fn.class_id is not None and analysis.role(fn.class_id).value != "none"
                    else None
                ),
                parameters=parameters,
                returns=summary.returns if summary else Value.BOTTOM,
                effects=own_effects,
                facts=facts,
                estimated_ops=summary.ops if summary else None,
                tensor_loop=summary.tensor_loop if summary else False,
                callers=tuple(caller_ids),
                callees=tuple(sorted(c for c in callees.get(fid, ()) if c in project.functions)),
                call_sites=call_sites,
                evidence=evidence,
                recursion_cycle=tuple(recursive.get(fid, ())),
                unknowns=summary.unknowns if summary else (),
                tensor_iterations=summary.tensor_iterations if summary else (),
                exception_loops=summary.exception_loops if summary else (),
                iterations_accumulate=summary.iterations_accumulate if summary else (),
                dtype_conflicts={p: dtypes for p, (dtypes, _) in conflicts.items()},
                suppression=_suppression(project, fn),
                signature=infer_signature(
                    project,
                    fn,
                    analysis.observations.get(fid, {}),
                    _declared_signature(analysis, fn) if hybrid[fid] else None,
                ),
            )
        )
    return result


ENTRY_POINT = "<entry-point>"


def _is_entry_point(fn: FunctionInfo, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        subject = f"{fn.relpath}::{fn.qualname}" if "::" in pattern else fn.qualname
        if fnmatch.fnmatchcase(subject, pattern):
            return True
    return False


def _suppression(project: Project, fn: FunctionInfo) -> Suppression | None:
    """The suppression comment that applies to ``fn``: on its ``def`` line or on one of its
    decorators' lines (several comments join; a bare ``ignore`` wins)."""
    found = project.module_of(fn.id).file.suppressions
    if not found:
        return None
    lines = {fn.location.line}
    for decorator in fn.decorators:
        lines.update(range(decorator.lineno, (decorator.end_lineno or decorator.lineno) + 1))
    matching = [s for s in found if s.line in lines]
    if not matching:
        return None
    if any(s.ids is None for s in matching):
        return Suppression(min(s.line for s in matching), None)
    ids = tuple(sorted({i for s in matching for i in s.ids or ()}))
    return Suppression(min(s.line for s in matching), ids)


def _hazard_evidence(
    facts: Mapping[str, Tri],
    summary: Summary | None,
    conflicts: Mapping[str, tuple[tuple[str, ...], list[DtypeUse]]],
    symbolic: list[Evidence],
    graph_only: list[Evidence],
) -> dict[str, tuple[Evidence, ...]]:
    """The locations the hazard facts rest on (only for facts that hold)."""
    evidence: dict[str, tuple[Evidence, ...]] = {}
    if summary is not None:
        for name, sites in (
            ("numpy_on_tensor", summary.numpy_on_array_params + summary.numpy_on_tensor),
            ("invalid_name_argument", summary.invalid_names),
        ):
            if sites:
                evidence[name] = tuple(_site_evidence(site) for site in sites)[:MAX_EVIDENCE]
        if facts["stale_variable_read"] is Tri.YES:
            evidence["stale_variable_read"] = tuple(
                [_site_evidence(site) for site in summary.stale_reads]
                + [_site_evidence(site, "fed to ") for site in summary.gradient_updates]
            )[:MAX_EVIDENCE]
    if conflicts:
        items: list[Evidence] = []
        for parameter, (_, uses) in sorted(conflicts.items()):
            for use in uses:
                own = f"a NumPy {use.own} array" if use.own else "a NumPy array"
                items.append(Evidence(use.location, f"{parameter} ({own}) meets {use.dtype}"))
        evidence["conflicting_dtypes"] = tuple(items[:MAX_EVIDENCE])
    if symbolic:
        evidence["keras_symbolic_input"] = tuple(symbolic[:MAX_EVIDENCE])
    if graph_only:
        evidence["graph_only_usage"] = tuple(graph_only[:MAX_EVIDENCE])
    return evidence


def _site_evidence(site: HazardSite, prefix: str = "") -> Evidence:
    if site.via is None:
        return Evidence(site.location, prefix + site.detail)
    return Evidence(site.via, f"{prefix}{site.detail} (in a callee, at {site.location})")


def _dtype_conflicts(
    uses: tuple[DtypeUse, ...],
) -> dict[str, tuple[tuple[str, ...], list[DtypeUse]]]:
    """NumPy-array parameters that meet tensors of a dtype other than their own, or of two
    different dtypes: parameter -> (the dtypes involved, own first; the uses)."""
    by_parameter: dict[str, list[DtypeUse]] = {}
    for use in uses:
        by_parameter.setdefault(use.parameter, []).append(use)
    result: dict[str, tuple[tuple[str, ...], list[DtypeUse]]] = {}
    for parameter, found in by_parameter.items():
        met = sorted({u.dtype for u in found})
        own = sorted({u.own for u in found if u.own is not None})
        if len(met) >= 2 or any(u.own is not None and u.own != u.dtype for u in found):
            dtypes = tuple(own + [d for d in met if d not in own])
            result[parameter] = (dtypes, sorted(found, key=lambda u: _location_key(u.location)))
    return result


def _symbolic_inputs(analysis: Analysis, fn: FunctionInfo) -> list[Evidence]:
    """Call sites that pass a Keras symbolic tensor (``keras.Input`` or a layer applied to one)."""
    found: list[Evidence] = []
    for name, observed in analysis.observations.get(fn.id, {}).items():
        for observation in observed.values():
            if has_symbolic(observation.value):
                found.append(
                    Evidence(
                        observation.location,
                        f"{name}: a Keras symbolic tensor ({observation.detail})",
                    )
                )
    return sorted(found, key=lambda e: _location_key(e.location))


def _graph_only_uses(
    analysis: Analysis, fn: FunctionInfo, decorator: Decorator | None
) -> list[Evidence]:
    """Where the ``tf.function`` object of hybrid function ``fn`` itself is relied on."""
    found = [
        Evidence(location, detail)
        for location, detail in analysis.heap.graph_only.get(fn.id, {}).items()
    ]
    if decorator is not None:
        if "experimental_implements" in decorator.args:
            found.append(Evidence(decorator.location, "experimental_implements= (a composite op)"))
        if decorator.args.get("jit_compile") == "True":
            found.append(Evidence(decorator.location, "jit_compile=True (XLA semantics)"))
    if fn.class_id is not None and analysis.role(fn.class_id) is KerasRole.MODULE:
        found.append(
            Evidence(fn.location, "a tf.function method of a tf.Module: exported with the module")
        )
    return sorted(found, key=lambda e: _location_key(e.location))


def _fact_evidence(
    facts: Mapping[str, Tri],
    parameters: tuple[ParameterFacts, ...],
    effects: Effects,
    summary: Summary | None,
    sites: list[CallEdge],
    decorator: Decorator | None,
    cycle: list[str],
    repeated: Mapping[str, Tri],
) -> dict[str, tuple[Evidence, ...]]:
    """The locations each fact rests on, so that every fact in a proof can be checked by a
    person: effect sites, op sites, call sites, parameter evidence, the decorator."""
    evidence: dict[str, list[Evidence]] = {}

    def add(name: str, location: Location, detail: str) -> None:
        entries = evidence.setdefault(name, [])
        if len(entries) < MAX_EVIDENCE:
            entries.append(Evidence(location, detail))

    for parameter in parameters:
        kind = parameter.kind
        for item in parameter.evidence[:2]:
            if kind in ("tensor", "mixed"):
                add("has_tensor_parameter", item.location, f"{parameter.name}: {item.detail}")
            if kind in ("python", "mixed"):
                add("has_python_parameter", item.location, f"{parameter.name}: {item.detail}")
    for effect in effects.sorted():
        where = effect.via or effect.location
        via = f" (in a callee, at {effect.location})" if effect.via is not None else ""
        if effect.kind.is_python_side_effect or effect.kind is EffectKind.UNKNOWN_CALL:
            add("python_side_effects", where, f"{effect.kind.value}: {effect.detail}{via}")
        if effect.kind is EffectKind.EAGER_ONLY_CALL:
            add("eager_only_calls", where, f"{effect.detail}{via}")
        if effect.kind is EffectKind.VARIABLE_CREATION:
            add("creates_variables", where, f"{effect.detail}{via}")
    if summary is not None:
        for location in summary.op_sites:
            add("tensor_computation", location, "TensorFlow op (here or in a callee)")
    for edge in sites:
        if edge.repeated:
            add("called_repeatedly", edge.location, f"called in a loop from {_short(edge.caller)}")
        elif repeated.get(edge.caller) is Tri.YES:
            add("called_repeatedly", edge.location, f"caller {_short(edge.caller)} is repeated")
        if facts["all_callers_hybrid"] is Tri.YES:
            add("all_callers_hybrid", edge.location, f"called from {_short(edge.caller)}")
        if edge.recursive_cut or edge.caller in cycle:
            add("recursive", edge.location, f"call from {_short(edge.caller)} closes a cycle")
    if decorator is not None:
        add("hybrid", decorator.location, decorator.text)
    return {name: tuple(entries) for name, entries in evidence.items()}


def _location_key(location: Location) -> tuple[str, int, int]:
    # plain tuples: attrs-generated ordering is ten times slower in large sorts
    return (location.path, location.line, location.col)


def _short(function_id: str) -> str:
    return function_id.split("::", 1)[-1]


def _join_summaries(summaries: list[Summary]) -> Summary | None:
    if not summaries:
        return None
    first = summaries[0]
    if len(summaries) == 1:
        return first
    effects = first.effects
    unknowns = list(first.unknowns)
    for other in summaries[1:]:
        effects = effects.join(other.effects)
        unknowns.extend(other.unknowns)
    tensor = first.tensor_computation
    for other in summaries[1:]:
        tensor = _tensor_join(tensor, other.tensor_computation)
    return Summary(
        returns=join_all(s.returns for s in summaries),
        effects=effects,
        allocations=frozenset(),
        ops=max(s.ops for s in summaries),
        tensor_loop=any(s.tensor_loop for s in summaries),
        tensor_computation=tensor,
        yields=join_all(s.yields for s in summaries),
        unknowns=tuple(
            sorted(set(unknowns), key=lambda u: (u.reason.value, str(u.origin), u.detail))
        )[:20],
        tensor_iterations=tuple(sorted({loc for s in summaries for loc in s.tensor_iterations})),
        exception_loops=tuple(sorted({loc for s in summaries for loc in s.exception_loops})),
        op_sites=tuple(
            sorted({loc for s in summaries for loc in s.op_sites}, key=_location_key)[:4]
        ),
        iterations_accumulate=tuple(
            sorted({loc for s in summaries for loc in s.iterations_accumulate})
        ),
        numpy_on_tensor=_join_sites(s.numpy_on_tensor for s in summaries),
        numpy_on_array_params=_join_sites(s.numpy_on_array_params for s in summaries),
        invalid_names=_join_sites(s.invalid_names for s in summaries),
        stale_reads=_join_sites(s.stale_reads for s in summaries),
        gradient_updates=_join_sites(s.gradient_updates for s in summaries),
        models_called=frozenset().union(*(s.models_called for s in summaries)),
        dtype_uses=tuple(dict.fromkeys(u for s in summaries for u in s.dtype_uses)),
    )


def _join_sites(groups: Iterable[tuple[HazardSite, ...]]) -> tuple[HazardSite, ...]:
    """The hazard sites of several contexts, one per (location, via), in source order."""
    unique: dict[tuple[Location, Location | None], HazardSite] = {}
    for group in groups:
        for site in group:
            unique.setdefault((site.location, site.via), site)
    return tuple(
        sorted(unique.values(), key=lambda s: _location_key(s.via or s.location))[:MAX_EVIDENCE]
    )


def _tensor_join(a: Tri, b: Tri) -> Tri:
    """Tensor work in any context counts; "maybe" only when no context is sure."""
    if Tri.YES in (a, b):
        return Tri.YES
    if Tri.MAYBE in (a, b):
        return Tri.MAYBE
    return Tri.NO


def _close_over_cycles(
    joined: Mapping[str, Summary | None],
    cut_edges: list[CallEdge],
    recursive: Mapping[str, list[str]],
) -> dict[str, Effects]:
    """Calls cut off because the callee was active (recursion) did not merge the callee's effects;
    add them now, through the cut call site, until nothing changes."""
    effects = {fid: (s.effects if s else Effects.EMPTY) for fid, s in joined.items()}
    changed = True
    rounds = 0
    while changed and rounds < 10:
        changed = False
        rounds += 1
        for edge in cut_edges:
            if edge.callee not in effects or edge.caller not in effects:
                continue
            added = Effects.of(e.through(edge.location) for e in effects[edge.callee].items)
            merged = effects[edge.caller].join(_dedupe_via(effects[edge.caller], added))
            if merged != effects[edge.caller]:
                effects[edge.caller] = merged
                changed = True
    return effects


def _dedupe_via(existing: Effects, added: Effects) -> Effects:
    seen = {(e.kind, e.location) for e in existing.items}
    return Effects.of(e for e in added.items if (e.kind, e.location) not in seen)


def _side_effects(kinds: frozenset[EffectKind]) -> Tri:
    if any(k.is_python_side_effect for k in kinds):
        return Tri.YES
    if EffectKind.UNKNOWN_CALL in kinds:
        return Tri.MAYBE
    return Tri.NO


def _any_parameter(parameters: tuple[ParameterFacts, ...], kind: str) -> Tri:
    result = Tri.NO
    for parameter in parameters:
        if parameter.kind == kind or parameter.kind == "mixed":
            return Tri.YES
        if parameter.kind == "unknown":
            result = Tri.MAYBE
    return result


def _parameters(
    analysis: Analysis, fn: FunctionInfo, oracle: OracleAnswers
) -> list[ParameterFacts]:
    args = parameter_nodes(fn)
    observed = analysis.observations.get(fn.id, {})
    module = analysis.project.module_of(fn.id)
    result: list[ParameterFacts] = []
    for arg in args:
        observations = list(observed.get(arg.arg, {}).values())
        if observations:
            # many call sites pass the same abstract value: join each distinct one once
            value = join_all(set(o.value for o in observations))
            evidence = tuple(
                Evidence(o.location, o.detail)
                for o in sorted(observations, key=lambda o: _location_key(o.location))[
                    :MAX_EVIDENCE
                ]
            )
            answers = [
                oracle[key]
                for o in observations
                if o.value.has_unknown and (key := (fn.id, arg.arg, o.location)) in oracle
            ]
            if answers:
                value = value.join(join_all(a.value for a in answers))
                evidence = _oracle_evidence(answers) + evidence
            result.append(ParameterFacts(arg.arg, value, "call-sites", evidence[:MAX_EVIDENCE]))
            continue
        annotated = analysis.annotation_value(module, arg.annotation)
        if annotated is not None and arg.annotation is not None:
            location = Location(fn.relpath, arg.annotation.lineno, arg.annotation.col_offset)
            text = ast.unparse(arg.annotation)
            result.append(
                ParameterFacts(
                    arg.arg, annotated, "annotation", (Evidence(location, f"annotated {text}"),)
                )
            )
            continue
        unknown = Value.unknown(UnknownReason.NO_CALLER, fn.location, arg.arg)
        answer = oracle.get((fn.id, arg.arg, None))
        if answer is not None:
            result.append(
                ParameterFacts(
                    arg.arg, unknown.join(answer.value), "none", _oracle_evidence([answer])
                )
            )
            continue
        result.append(ParameterFacts(arg.arg, unknown, "none", ()))
    return result


def _oracle_evidence(answers: Iterable[OracleFact]) -> tuple[Evidence, ...]:
    unique = {(a.location, a.detail): a for a in answers}
    return tuple(
        Evidence(a.location, a.detail, ORACLE)
        for a in sorted(unique.values(), key=lambda a: _location_key(a.location))
    )


def hybrid_decorator(analysis: Analysis, fn: FunctionInfo) -> Decorator | None:
    """``@tf.function`` in any spelling (with or without arguments), or a ``tf.function(g)``
    wrapping seen during the analysis."""
    for decorator in fn.decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _resolves_to(analysis, fn, target, TF_FUNCTION):
            args: dict[str, str] = {}
            if isinstance(decorator, ast.Call):
                for keyword in decorator.keywords:
                    if keyword.arg is not None:
                        args[keyword.arg] = ast.unparse(keyword.value)
            location = Location(fn.relpath, decorator.lineno, decorator.col_offset)
            return Decorator("@" + ast.unparse(decorator), args, location)
    wrapped = analysis.heap.wrapped.get(fn.id)
    if wrapped is not None:
        location, options = wrapped
        text = "tf.function(" + ", ".join(f"{k}={v}" for k, v in sorted(options.items())) + ")"
        return Decorator(text, options, location)
    return None


def _declared_signature(analysis: Analysis, fn: FunctionInfo) -> ast.expr | None:
    """The ``input_signature=`` expression of ``fn``'s ``tf.function`` decorator, if any."""
    for decorator in fn.decorators:
        if isinstance(decorator, ast.Call) and _resolves_to(
            analysis, fn, decorator.func, TF_FUNCTION
        ):
            for keyword in decorator.keywords:
                if keyword.arg == "input_signature":
                    return keyword.value
    return None


def _resolves_to(analysis: Analysis, fn: FunctionInfo, node: ast.expr, qualname: str) -> bool:
    """Does decorator expression ``node`` name ``qualname`` (through imports and aliases, as seen
    from the scope that encloses the decorated function)?"""
    dotted = dotted_name(node)
    if dotted is None:
        return False
    scope = fn.parent_id or fn.class_id or analysis.project.module_of(fn.id).id
    symbol = analysis.project.resolve_name(scope, dotted)
    return symbol.kind is SymbolKind.EXTERNAL and canonical(symbol.ref) == qualname
