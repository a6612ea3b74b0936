"""The decision procedure: run the rules on every function's facts and build its ``Decision``.

Eager functions are candidates for ``hybridize``: it is applicable when no evidence, safety or
benefit reason fires; every reason that fires is reported (safety first, then benefit). Hybrid
functions are candidates for ``dehybridize`` when a reason says the decorator hurts or does
nothing, and removing it is applicable only when no reason says the decorator must stay
(``python-side-effects`` then is a latent bug, ``recursion``); otherwise they are ``none`` with
``already-optimal``. Fix safety follows from the proof: ``safe`` only when nothing is assumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from hybridize.lattice.location import Location
from hybridize.lattice.values import UnknownReason
from hybridize.refactor.model import (
    Assumption,
    AssumptionKind,
    Category,
    Decision,
    DecisionKind,
    EvidenceItem,
    Finding,
    Premise,
    Proof,
    SuppressionNote,
)
from hybridize.refactor.registry import Applies, Rule, RuleContext, Settings, all_rules
from hybridize.refactor.speculation import speculative_tensor_inputs
from hybridize.transfer.callgraph import traced_functions
from hybridize.transfer.facts import FunctionFacts

#: For hybrid functions: reasons that say the decorator hurts or does nothing ...
DEHYBRIDIZE_BECAUSE = ("no-tensor-parameters", "python-value-parameters", "no-tensor-computation")
#: ... and reasons that say removing it would change behaviour.
KEEP_BECAUSE = ("python-side-effects", "recursion", "graph-only-usage")

_UNKNOWN_ASSUMPTIONS: dict[UnknownReason, tuple[AssumptionKind, str]] = {
    UnknownReason.UNMODELLED_CALL: (
        AssumptionKind.UNMODELLED_CALL,
        "model the callee (or list it under assume-pure callees) after checking it has no "
        "Python side effects",
    ),
    UnknownReason.STUB_DEFAULT: (
        AssumptionKind.STUB_DEFAULT,
        "check that the TensorFlow API has no Python side effects; a hand-written model "
        "discharges it",
    ),
    UnknownReason.DYNAMIC_FEATURE: (
        AssumptionKind.DYNAMIC_FEATURE,
        "replace the dynamic construct (getattr/exec/...) by a static one, or check it by hand",
    ),
    UnknownReason.UNSUPPORTED_SYNTAX: (
        AssumptionKind.UNSUPPORTED_SYNTAX,
        "check the construct by hand: the analysis does not model it",
    ),
}


def decide_all(
    functions: Iterable[FunctionFacts], settings: Settings | None = None
) -> dict[str, Decision]:
    table = {f.id: f for f in functions}
    context = RuleContext(settings or Settings(), table)
    decisions = {fid: decide(facts, context) for fid, facts in table.items()}
    for fid, facts in table.items():
        if facts.suppression is not None:
            decisions[fid] = _suppress(facts, decisions[fid], context)
    return _prefer_outermost(table, decisions, context)


def _suppress(facts: FunctionFacts, decision: Decision, context: RuleContext) -> Decision:
    """Apply a ``# hybridize: ignore[...]`` comment. A bare comment makes no decision
    applicable. Listed reason ids switch those rules off for this function, like ``--ignore``
    (a safety rule switched off becomes an assumption of the proof); listed decision kinds
    (``hybridize``, ``dehybridize``, ``reconfigure``) make decisions of that kind not applicable.
    Ids that changed nothing are recorded as unused (``--report-unused-ignores``)."""
    suppression = facts.suppression
    assert suppression is not None
    at = Location(facts.path, suppression.line, 0)
    if suppression.ids is None:
        note = SuppressionNote(at, None, () if decision.applicable else ("*",))
        return attrs.evolve(decision, applicable=False, transformation={}, suppression=note)
    rules = all_rules()
    kinds = {kind.value for kind in DecisionKind if kind is not DecisionKind.NONE}
    reasons = frozenset(i for i in suppression.ids if i in rules)
    unknown = tuple(i for i in suppression.ids if i not in rules and i not in kinds)
    unused = [r for r in sorted(reasons) if not _fires(rules[r], facts, context)]
    if reasons:
        local = attrs.evolve(
            context,
            settings=attrs.evolve(context.settings, ignore=context.settings.ignore | reasons),
            suppressed=reasons,
            suppressed_at=at,
        )
        decision = decide(facts, local)
    for kind in sorted(kinds & set(suppression.ids)):
        if decision.kind.value == kind and decision.applicable:
            decision = attrs.evolve(decision, applicable=False, transformation={})
        else:
            unused.append(kind)
    note = SuppressionNote(at, suppression.ids, tuple(sorted(unused)) + unknown, unknown)
    return attrs.evolve(decision, suppression=note)


def _fires(rule: Rule, facts: FunctionFacts, context: RuleContext) -> bool:
    """Would ``rule`` report on ``facts`` without the suppression?"""
    wanted = Applies.HYBRID if facts.hybrid else Applies.EAGER
    if rule.applies is not Applies.BOTH and rule.applies is not wanted:
        return False
    return context.settings.enabled(rule.id) and rule.check(facts, context) is not None


def _prefer_outermost(
    table: Mapping[str, FunctionFacts], decisions: dict[str, Decision], context: RuleContext
) -> dict[str, Decision]:
    """Decisions are made on today's code, but applied together: a function whose callers will
    all run traced after the fix (they are hybrid, or are being hybridized) gains nothing from
    its own decorator. Hybridize the outermost functions, and say so for the inner ones."""
    if not context.settings.enabled("already-traced-by-callers"):
        return decisions

    def planned(fid: str) -> bool:
        decision = decisions[fid]
        if table[fid].hybrid:
            return not (decision.kind is DecisionKind.DEHYBRIDIZE and decision.applicable)
        return decision.kind is DecisionKind.HYBRIDIZE and decision.applicable

    callers = {fid: [(c, False) for c in facts.callers] for fid, facts in table.items()}
    hybrid_after = {fid: planned(fid) for fid in table}
    traced = traced_functions(table, hybrid_after, callers)
    result = dict(decisions)
    for fid, decision in decisions.items():
        facts = table[fid]
        if not (decision.kind is DecisionKind.HYBRIDIZE and decision.applicable):
            continue
        outer = [c for c in facts.callers if c in table]
        if not outer or len(outer) != len(facts.callers):
            continue
        if all(traced.get(c, False) for c in outer):
            names = ", ".join(c.split("::", 1)[-1] for c in outer)
            finding = Finding(
                "already-traced-by-callers",
                f"will be traced inside its callers ({names}) once they are hybrid",
                tuple(
                    Premise(f"{c.split('::', 1)[-1]} runs traced after the fix", table[c].location)
                    for c in outer
                ),
            )
            result[fid] = _decision(facts, DecisionKind.HYBRIDIZE, False, [finding], ())
    return result


def decide(facts: FunctionFacts, context: RuleContext) -> Decision:
    rules = all_rules()
    if facts.hybrid:
        return _decide_hybrid(facts, context, rules)
    return _decide_eager(facts, context, rules)


def _run(
    facts: FunctionFacts, context: RuleContext, rules: Mapping[str, Rule], wanted: Applies
) -> list[Finding]:
    found: list[Finding] = []
    for rule in rules.values():
        if rule.applies is not Applies.BOTH and rule.applies is not wanted:
            continue
        if rule.category is Category.SIGNATURE or not context.settings.enabled(rule.id):
            continue  # signature rules explain reconfigure decisions only (``_reconfigure``)
        finding = rule.check(facts, context)
        if finding is not None:
            found.append(finding)
    return found


def _decide_eager(
    facts: FunctionFacts, context: RuleContext, rules: Mapping[str, Rule]
) -> Decision:
    findings = _run(facts, context, rules, Applies.EAGER)
    order = {Category.EVIDENCE: 1, Category.SAFETY: 0, Category.BENEFIT: 2}
    findings.sort(key=lambda f: order.get(rules[f.reason].category, 3))
    if findings:
        return _decision(facts, DecisionKind.HYBRIDIZE, False, findings, ())
    assumptions = list(_analysis_assumptions(facts))
    assumptions.extend(_disabled_safety(rules, context))
    if any(p.kind == "unknown" for p in facts.parameters) and context.settings.speculative:
        speculative = speculative_tensor_inputs(facts, context)
        if speculative is not None:
            assumptions.insert(0, speculative)
    premises = _benefit_premises(facts) + _declared_pure(facts)
    transformation: dict[str, Any] = {"action": "add-decorator", "decorator": "tf.function"}
    signature, arguments, extra = _new_decorator_arguments(facts, context, rules)
    if arguments:
        transformation["arguments"] = arguments
        premises += extra.premises
        assumptions.extend(extra.assumptions)
    return Decision(
        facts.id,
        DecisionKind.HYBRIDIZE,
        True,
        (),
        ("tensor inputs, tensor work, repeated calls and nothing that tracing would change",),
        Proof(premises, tuple(assumptions)),
        transformation,
        input_signature=signature,
    )


def _decide_hybrid(
    facts: FunctionFacts, context: RuleContext, rules: Mapping[str, Rule]
) -> Decision:
    findings = _run(facts, context, rules, Applies.HYBRID)
    by_reason = {f.reason: f for f in findings}
    hurts = [by_reason[r] for r in DEHYBRIDIZE_BECAUSE if r in by_reason]
    keeps = [by_reason[r] for r in KEEP_BECAUSE if r in by_reason]
    if hurts and context.settings.speculative and speculative_tensor_inputs(facts, context):
        hurts = [f for f in hurts if f.reason != "no-tensor-parameters"]
    if hurts:
        applicable = not keeps
        assumptions: tuple[Assumption, ...] = ()
        if applicable:
            # a keep reason switched off is not checked: removal then rests on the user's word
            ignored = [r for r in KEEP_BECAUSE if not context.settings.enabled(r)]
            assumptions = tuple(_analysis_assumptions(facts)) + tuple(
                _ignored_rule(r, context) for r in ignored
            )
        return _decision(
            facts,
            DecisionKind.DEHYBRIDIZE,
            applicable,
            [*keeps, *hurts],
            assumptions,
            {"action": "remove-decorator"} if applicable else {},
        )
    reconfigure = _reconfigure(facts, context, rules, by_reason)
    if reconfigure is not None:
        return reconfigure
    optimal = by_reason.get("already-optimal")
    return _decision(facts, DecisionKind.NONE, False, [optimal] if optimal else [], (), {})


def _new_decorator_arguments(
    facts: FunctionFacts, context: RuleContext, rules: Mapping[str, Rule]
) -> tuple[str | None, dict[str, str], Proof]:
    """The arguments of a ``@tf.function`` being added, so that the next analysis finds
    nothing to reconfigure (``fix`` twice changes nothing): the inferred ``input_signature``
    when the function would re-trace (always, with ``--input-signatures always``), else
    ``reduce_retracing=True`` when it would re-trace and shapes may be relaxed."""
    mode = context.settings.input_signatures
    if mode == "never":
        return None, {}, Proof((), ())
    retracing = (
        rules["shape-retracing"].check(facts, context)
        if context.settings.enabled("shape-retracing")
        else None
    )
    if retracing is None and mode != "always":
        return None, {}, Proof((), ())
    signature, blocks, ignored = _signature(facts, context, rules)
    supporting = retracing.premises if retracing is not None else ()
    if signature is not None:
        premises = supporting + _signature_premises(facts, signature)
        return signature, {"input_signature": signature}, Proof(premises, tuple(ignored))
    if retracing is None or any(b.reason == "static-shape-read" for b in blocks):
        return None, {}, Proof((), ())
    premises = supporting + tuple(p for b in blocks for p in b.premises)
    return None, {"reduce_retracing": "True"}, Proof(premises, ())


def _signature(
    facts: FunctionFacts, context: RuleContext, rules: Mapping[str, Rule]
) -> tuple[str | None, list[Finding], list[Assumption]]:
    """The inferred ``input_signature`` (canonical text) when it is complete, else None; the
    findings of the signature rules that withhold it; and a configuration assumption for each
    such rule switched off that would have withheld it."""
    blocks: list[Finding] = []
    ignored: list[Assumption] = []
    for rule in rules.values():
        if rule.category is not Category.SIGNATURE or rule.id == "signature-mismatch":
            continue
        finding = rule.check(facts, context)
        if finding is None:
            continue
        if context.settings.enabled(rule.id):
            blocks.append(finding)
        else:
            ignored.append(_ignored_rule(rule.id, context))
    specs = facts.signature.specs
    if blocks or specs is None or len(specs) != len(facts.signature.parameters):
        return None, blocks, ignored
    return facts.signature.render(), blocks, ignored


def _ignored_rule(reason: str, context: RuleContext) -> Assumption:
    """The ``configuration`` assumption of a reason id switched off, by a suppression comment
    or by ``--select``/``--ignore``: the decision rests on the user's word for it."""
    if reason in context.suppressed:
        return Assumption(
            id=f"configuration:{reason}",
            kind=AssumptionKind.CONFIGURATION,
            claim=f"{reason} does not apply (suppressed by a comment)",
            at=context.suppressed_at,
            discharge=f"remove {reason} from the `# hybridize: ignore[...]` comment",
        )
    return Assumption(
        id=f"configuration:{reason}",
        kind=AssumptionKind.CONFIGURATION,
        claim=f"{reason} does not apply (the check is disabled by configuration)",
        at=None,
        discharge=f"enable {reason} again (remove it from --ignore / add it to --select)",
    )


def _signature_premises(facts: FunctionFacts, signature: str) -> tuple[Premise, ...]:
    names = ", ".join(facts.signature.parameters)
    return (
        Premise(
            f"every call site fits input_signature={signature} ({names})",
            facts.location,
            tuple(EvidenceItem(e.location, e.detail) for e in facts.call_sites),
        ),
    )


def _reconfigure(
    facts: FunctionFacts,
    context: RuleContext,
    rules: Mapping[str, Rule],
    by_reason: Mapping[str, Finding],
) -> Decision | None:
    """Hazards.md C: stop a hybrid function from re-tracing. An inferred, complete
    ``input_signature`` when it re-traces (always, with ``--input-signatures always``);
    ``reduce_retracing=True`` when it re-traces and no complete signature exists; never a
    change to a declared signature, whose contradictions are reported instead. A static shape
    read of a varying axis blocks both: each relaxes that axis to ``None``."""
    settings = context.settings
    if settings.input_signatures == "never":
        return None
    if facts.signature.declared_text is not None:
        rule = rules["signature-mismatch"]
        mismatch = rule.check(facts, context) if settings.enabled(rule.id) else None
        if mismatch is None:
            return None
        return _decision(facts, DecisionKind.RECONFIGURE, False, [mismatch], ())
    retracing = by_reason.get("shape-retracing")
    if retracing is None and settings.input_signatures != "always":
        return None
    signature, blocks, ignored = _signature(facts, context, rules)
    assumptions = tuple(_reconfigure_assumptions(facts)) + tuple(ignored)
    supporting = [retracing] if retracing is not None else []
    static = [b for b in blocks if b.reason == "static-shape-read"]
    if static:
        if retracing is None:
            return None
        decision = _decision(facts, DecisionKind.RECONFIGURE, False, static, ())
        proof = Proof(retracing.premises + decision.proof.premises, ())
        return attrs.evolve(decision, proof=proof)
    if signature is not None:
        decision = _decision(
            facts,
            DecisionKind.RECONFIGURE,
            True,
            supporting,
            assumptions,
            {
                "action": "set-arguments",
                "name": "add-input-signature",
                "arguments": {"input_signature": signature},
            },
        )
        proof = Proof(
            decision.proof.premises + _signature_premises(facts, signature),
            decision.proof.assumptions,
        )
        messages = decision.messages or ("input_signature inferred (--input-signatures always)",)
        return attrs.evolve(decision, proof=proof, messages=messages, input_signature=signature)
    if retracing is None:
        return None
    if facts.decorator is not None and facts.decorator.args.get("reduce_retracing") == "True":
        return None
    return _decision(
        facts,
        DecisionKind.RECONFIGURE,
        True,
        [retracing, *blocks],
        assumptions,
        {
            "action": "set-arguments",
            "name": "reduce-retracing",
            "arguments": {"reduce_retracing": "True"},
        },
    )


def _reconfigure_assumptions(facts: FunctionFacts) -> Iterable[Assumption]:
    """What a reconfigured decorator rests on: the call sites seen are all there are."""
    for assumption in _analysis_assumptions(facts):
        if assumption.kind in (AssumptionKind.EXTERNAL_CALLERS, AssumptionKind.TYPE_HINT):
            yield assumption


def _decision(
    facts: FunctionFacts,
    kind: DecisionKind,
    applicable: bool,
    findings: list[Finding],
    assumptions: tuple[Assumption, ...],
    transformation: Mapping[str, Any] | None = None,
) -> Decision:
    premises: list[Premise] = []
    all_assumptions: list[Assumption] = list(assumptions)
    for finding in findings:
        premises.extend(finding.premises)
        all_assumptions.extend(finding.assumptions)
    return Decision(
        facts.id,
        kind,
        applicable,
        tuple(f.reason for f in findings),
        tuple(f.message for f in findings),
        Proof(tuple(premises), _unique(all_assumptions)),
        dict(transformation or {}),
    )


def _benefit_premises(facts: FunctionFacts) -> tuple[Premise, ...]:
    from hybridize.refactor.premises import fact_premise

    tensors = ", ".join(p.name for p in facts.parameters if p.kind in ("tensor", "mixed"))
    tensor_claim = f"receives tensors: {tensors}" if tensors else "receives tensors (assumed)"
    return (
        fact_premise(facts, "has_tensor_parameter", tensor_claim),
        fact_premise(
            facts, "tensor_computation", f"does tensor work (about {facts.estimated_ops} ops)"
        ),
        fact_premise(facts, "called_repeatedly", "is called repeatedly"),
        fact_premise(facts, "python_side_effects", "has no Python side effects"),
    )


def _declared_pure(facts: FunctionFacts) -> tuple[Premise, ...]:
    """Calls the configuration declares pure (``assume-pure``): premises on the user's word,
    in place of the unmodelled-call assumptions they discharge."""
    return tuple(
        Premise(
            f"{unknown.detail} has no side effects (configuration: assume-pure)", unknown.origin
        )
        for unknown in facts.unknowns
        if unknown.reason is UnknownReason.ASSUMED_PURE
    )


def _analysis_assumptions(facts: FunctionFacts) -> Iterable[Assumption]:
    """What the facts rest on that the analysis could not establish."""
    for index, unknown in enumerate(facts.unknowns):
        entry = _UNKNOWN_ASSUMPTIONS.get(unknown.reason)
        if entry is None:
            continue
        kind, discharge = entry
        yield Assumption(
            id=f"{kind.value}:{unknown.origin}:{index}",
            kind=kind,
            claim=f"{unknown.detail or kind.value} has no effect that matters",
            at=unknown.origin,
            discharge=discharge,
        )
    for parameter in facts.parameters:
        if parameter.oracle:
            answer = parameter.oracle[0]
            yield Assumption(
                id=f"type-hint:{facts.id}:{parameter.name}:oracle",
                kind=AssumptionKind.TYPE_HINT,
                claim=f"{parameter.name} is what the type checker says ({answer.detail})",
                at=answer.location,
                discharge="check the type the oracle inferred (it rests on annotations the "
                "analysis does not verify), or call the function from the analysed code",
            )
        if parameter.source == "annotation" and parameter.evidence:
            evidence = parameter.evidence[0]
            yield Assumption(
                id=f"type-hint:{facts.id}:{parameter.name}",
                kind=AssumptionKind.TYPE_HINT,
                claim=f"{parameter.name} is what its annotation says ({evidence.detail})",
                at=evidence.location,
                discharge="call the function from the analysed code, or check the annotation",
            )
    if not facts.callers and not facts.name.startswith("_"):
        yield Assumption(
            id=f"external-callers:{facts.id}",
            kind=AssumptionKind.EXTERNAL_CALLERS,
            claim="callers outside the analysed code pass arguments like those assumed",
            at=facts.location,
            discharge="analyse the code that calls it, or make it private (leading underscore)",
        )


def _disabled_safety(rules: Mapping[str, Rule], context: RuleContext) -> Iterable[Assumption]:
    """A safety reason switched off by configuration is not checked: the decision then rests on
    the user's word, which the proof records (so the decision is conditional, never safe)."""
    for rule in rules.values():
        if rule.category is Category.SAFETY and not context.settings.enabled(rule.id):
            yield _ignored_rule(rule.id, context)


def _unique(assumptions: list[Assumption]) -> tuple[Assumption, ...]:
    seen: set[str] = set()
    result: list[Assumption] = []
    for assumption in assumptions:
        if assumption.id not in seen:
            seen.add(assumption.id)
            result.append(assumption)
    return tuple(result)
