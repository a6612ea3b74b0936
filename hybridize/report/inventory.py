"""The content of the soundness report, computed once from the schema-1 JSON document.

The HTML and Markdown renderers differ only in markup: everything they show (summary numbers, the
assumption inventory, the proofs of the decisions, verification outcomes) is built here, from the
document alone, so the two can never disagree with each other or with ``check --format json``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from hybridize.refactor.model import AssumptionKind, DecisionKind
from hybridize.refactor.registry import all_rules

#: One paragraph per assumption kind: what was assumed, and in general how to get rid of it.
ASSUMPTION_EXPLANATIONS: Mapping[str, str] = {
    AssumptionKind.SPECULATIVE_NAME.value: (
        "Nothing in the analysed code says what the function receives, so its name stood in "
        "for evidence: a function called like a training step, or the call method of a Keras "
        "model, is taken to receive tensors. Call it from the analysed code with tensors, "
        "annotate its parameters as tf.Tensor, or turn name-based guesses off with "
        "--no-speculative to see what the evidence alone supports."
    ),
    AssumptionKind.TYPE_HINT.value: (
        "A parameter's value comes from its type annotation only, because no call site in the "
        "analysed code passes it. Annotations are not checked at run time: call the function "
        "from analysed code (a test or an entry script is enough) or check that the annotation "
        "matches what callers really pass."
    ),
    AssumptionKind.UNMODELLED_CALL.value: (
        "The function calls something the analysis has no model of (a third-party library, a "
        "callable stored in a variable or attribute), and assumes the call has no Python side "
        "effect that tracing would change. Check the callee, then declare it in assume-pure in "
        "[tool.hybridize], or add the code that defines it to the analysed paths."
    ),
    AssumptionKind.STUB_DEFAULT.value: (
        "A TensorFlow API without a hand-written model was taken from the generic type stubs, "
        "which say what it returns but not whether it has Python side effects or needs eager "
        "values. Check the API's documentation; a model in hybridize/stubs/models discharges "
        "it for every project."
    ),
    AssumptionKind.DYNAMIC_FEATURE.value: (
        "The code uses a dynamic feature (getattr with a computed name, exec, eval, globals(), "
        "setattr...) whose effect static analysis cannot follow. Replace it by a static "
        "construct where possible, or check by hand that it behaves the same under tracing."
    ),
    AssumptionKind.UNSUPPORTED_SYNTAX.value: (
        "The analysis does not model a construct in the function and treated its value as "
        "unknown. Check the construct by hand; a report of it helps the analysis learn it."
    ),
    AssumptionKind.EXTERNAL_CALLERS.value: (
        "The function is public and may be called from code that was not analysed, with "
        "arguments unlike the ones seen here. Analyse the calling code too (give its paths), "
        "list the function in entry-points, or make it private with a leading underscore."
    ),
    AssumptionKind.CONFIGURATION.value: (
        "A safety check was switched off for this function (--select/--ignore, [tool.hybridize] "
        "or a # hybridize: ignore[...] comment), so the decision stands without it. Switch the "
        "check on again, or keep the suppression because you have checked the hazard yourself."
    ),
}

VERIFICATION_STATUSES = ("refuted", "verified", "not-verifiable")

_KIND_ORDER = tuple(kind.value for kind in DecisionKind)


def reason_summary(reason: str) -> str:
    """The one-line summary the rule declares ("" for an id this version does not know)."""
    rule = all_rules().get(reason)
    return rule.summary if rule is not None else ""


@attrs.frozen
class Evidence:
    at: str | None
    detail: str


@attrs.frozen
class PremiseView:
    claim: str
    at: str | None
    evidence: tuple[Evidence, ...]

    @property
    def locations(self) -> tuple[str, ...]:
        """Every distinct location the premise points at, in order: where to show source."""
        found = [self.at, *(item.at for item in self.evidence)]
        return tuple(dict.fromkeys(at for at in found if at))


@attrs.frozen
class AssumptionView:
    id: str
    kind: str
    claim: str
    at: str | None
    discharge: str


@attrs.frozen
class Verification:
    """The outcome of runtime validation (``verify``): forward compatible, absent until then."""

    status: str
    detail: str
    speedup: float | None


@attrs.frozen
class ReasonView:
    id: str
    message: str
    summary: str


@attrs.frozen
class DecisionView:
    """One function's decision, flattened for rendering."""

    function_id: str
    anchor: str
    path: str
    line: int
    col: int
    qualname: str
    hybrid: bool | None
    kind: str
    applicable: bool
    safety: str
    reasons: tuple[ReasonView, ...]
    because: str  # the message when there are no reasons ("every check passes")
    action: str
    arguments: tuple[tuple[str, str], ...]
    input_signature: str | None
    premises: tuple[PremiseView, ...]
    assumptions: tuple[AssumptionView, ...]
    suppression: str | None
    verification: Verification | None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    @property
    def decorator(self) -> str:
        """The decorator the transformation leaves, as source (``""`` when it removes it)."""
        if self.action == "remove-decorator" or not self.applicable:
            return ""
        settings = ", ".join(f"{name}={value}" for name, value in self.arguments)
        return f"@tf.function({settings})" if settings else "@tf.function"


@attrs.frozen
class DecisionRef:
    anchor: str
    qualname: str
    location: str
    applicable: bool


@attrs.frozen
class KindEntry:
    """One row of the assumption inventory."""

    kind: str
    anchor: str
    count: int  # assumptions of this kind, over every decision
    explanation: str
    discharges: tuple[str, ...]
    decisions: tuple[DecisionRef, ...]


@attrs.frozen
class KindRow:
    kind: str
    applicable: int
    not_applicable: int

    @property
    def total(self) -> int:
        return self.applicable + self.not_applicable


@attrs.frozen
class ReasonRow:
    id: str
    summary: str
    applicable: int  # supporting an applicable decision
    not_applicable: int  # blocking (or explaining) a decision that does not apply

    @property
    def total(self) -> int:
        return self.applicable + self.not_applicable


@attrs.frozen
class FileProblem:
    path: str
    status: str
    error: str


@attrs.frozen
class Summary:
    functions: int
    files: int
    lines: int
    files_by_status: tuple[tuple[str, int], ...]
    kinds: tuple[KindRow, ...]
    reasons: tuple[ReasonRow, ...]
    applicable: int
    safe: int
    conditional: int
    seconds: float | None
    verification: tuple[tuple[str, int], ...]


@attrs.frozen
class Report:
    tool: str
    version: str
    schema: int
    settings: tuple[tuple[str, str], ...]
    summary: Summary
    inventory: tuple[KindEntry, ...]
    applicable: tuple[DecisionView, ...]
    others: tuple[DecisionView, ...]
    refuted: tuple[DecisionView, ...]
    problems: tuple[FileProblem, ...]


def build_report(document: Mapping[str, Any]) -> Report:
    """Everything the HTML and Markdown reports show, from a schema-1 document."""
    functions: list[Mapping[str, Any]] = list(document.get("functions") or [])
    anchors = _Anchors()
    views = [_decision_view(function, anchors) for function in functions]
    applicable = tuple(view for view in views if view.applicable)
    others = tuple(view for view in views if not view.applicable)
    refuted = tuple(
        view
        for view in (*applicable, *others)
        if view.verification is not None and view.verification.status == "refuted"
    )
    tool = document.get("tool") or {}
    settings = document.get("settings") or {}
    files: list[Mapping[str, Any]] = list(document.get("files") or [])
    problems = tuple(
        FileProblem(
            str(entry.get("path", "?")), str(entry.get("status")), str(entry.get("error") or "")
        )
        for entry in sorted(files, key=lambda entry: str(entry.get("path", "")))
        if entry.get("status") != "analyzed"
    )
    return Report(
        tool=str(tool.get("name", "hybridize")),
        version=str(tool.get("version", "?")),
        schema=int(document.get("schema", 0)),
        settings=tuple((str(key), _setting_text(settings[key])) for key in sorted(settings)),
        summary=_summary(document, views),
        inventory=_inventory(views),
        applicable=applicable,
        others=others,
        refuted=refuted,
        problems=problems,
    )


def _summary(document: Mapping[str, Any], views: Sequence[DecisionView]) -> Summary:
    data: Mapping[str, Any] = document.get("summary") or {}
    kinds = [*_KIND_ORDER, *sorted({view.kind for view in views} - set(_KIND_ORDER))]
    kind_rows = tuple(
        KindRow(
            kind,
            sum(1 for view in views if view.kind == kind and view.applicable),
            sum(1 for view in views if view.kind == kind and not view.applicable),
        )
        for kind in kinds
    )
    reason_counts: dict[str, list[int]] = {}
    for view in views:
        for reason in view.reasons:
            reason_counts.setdefault(reason.id, [0, 0])[0 if view.applicable else 1] += 1
    reason_rows = tuple(
        ReasonRow(reason, reason_summary(reason), counts[0], counts[1])
        for reason, counts in sorted(
            reason_counts.items(), key=lambda item: (-sum(item[1]), item[0])
        )
    )
    applicable = [view for view in views if view.applicable]
    verification: dict[str, int] = {}
    for view in views:
        if view.verification is not None:
            verification[view.verification.status] = (
                verification.get(view.verification.status, 0) + 1
            )
    ordered = [*VERIFICATION_STATUSES, *sorted(set(verification) - set(VERIFICATION_STATUSES))]
    seconds = data.get("seconds")
    return Summary(
        functions=int(data.get("functions", len(views))),
        files=int(data.get("files", len(document.get("files") or []))),
        lines=int(data.get("lines", 0)),
        files_by_status=tuple(
            sorted((str(k), int(v)) for k, v in (data.get("files_by_status") or {}).items())
        ),
        kinds=kind_rows,
        reasons=reason_rows,
        applicable=len(applicable),
        safe=sum(1 for view in applicable if view.safety == "safe"),
        conditional=sum(1 for view in applicable if view.safety != "safe"),
        seconds=float(seconds) if isinstance(seconds, (int, float)) else None,
        verification=tuple(
            (status, verification[status]) for status in ordered if status in verification
        ),
    )


def _inventory(views: Sequence[DecisionView]) -> tuple[KindEntry, ...]:
    known = [kind.value for kind in AssumptionKind]
    seen = {assumption.kind for view in views for assumption in view.assumptions}
    entries: list[KindEntry] = []
    for kind in [*known, *sorted(seen - set(known))]:
        dependent = [view for view in views if any(a.kind == kind for a in view.assumptions)]
        dependent.sort(key=lambda view: not view.applicable)  # applicable first, else in order
        entries.append(
            KindEntry(
                kind=kind,
                anchor=f"assumption-{_slug(kind)}",
                count=sum(1 for view in views for a in view.assumptions if a.kind == kind),
                explanation=ASSUMPTION_EXPLANATIONS.get(kind, ""),
                discharges=tuple(
                    dict.fromkeys(
                        a.discharge
                        for view in views
                        for a in view.assumptions
                        if a.kind == kind and a.discharge
                    )
                ),
                decisions=tuple(
                    DecisionRef(view.anchor, view.qualname, view.location, view.applicable)
                    for view in dependent
                ),
            )
        )
    return tuple(entries)


def _decision_view(function: Mapping[str, Any], anchors: _Anchors) -> DecisionView:
    decision: Mapping[str, Any] = function.get("decision") or {}
    proof: Mapping[str, Any] = decision.get("proof") or {}
    transformation: Mapping[str, Any] = decision.get("transformation") or {}
    reasons = [str(reason) for reason in decision.get("reasons") or []]
    messages = [str(message) for message in decision.get("messages") or []]
    qualname = str(function.get("qualname") or function.get("name") or "?")
    function_id = str(function.get("id") or f"{function.get('path', '?')}::{qualname}")
    arguments = transformation.get("arguments") or {}
    suppression = decision.get("suppression")
    return DecisionView(
        function_id=function_id,
        anchor=anchors.make(function_id),
        path=str(function.get("path", "?")),
        line=int(function.get("line") or 0),
        col=int(function.get("col") or 1),
        qualname=qualname,
        hybrid=function.get("hybrid"),
        kind=str(decision.get("kind", "none")),
        applicable=bool(decision.get("applicable")),
        safety=str(decision.get("safety", "safe")),
        reasons=tuple(
            ReasonView(
                reason, messages[index] if index < len(messages) else "", reason_summary(reason)
            )
            for index, reason in enumerate(reasons)
        ),
        because="" if reasons else (messages[0] if messages else ""),
        action=str(transformation.get("name") or transformation.get("action") or ""),
        arguments=tuple((str(k), str(v)) for k, v in sorted(arguments.items())),
        input_signature=_optional_text(decision.get("input_signature")),
        premises=tuple(_premise(premise) for premise in proof.get("premises") or []),
        assumptions=tuple(_assumption(item) for item in proof.get("assumptions") or []),
        suppression=_suppression_text(suppression) if isinstance(suppression, Mapping) else None,
        verification=_verification(decision.get("verification")),
    )


def _reason_view(reason: str, message: str) -> ReasonView:
    """A reason with its message, and the rule's summary when it adds something."""
    summary = reason_summary(reason)
    return ReasonView(reason, message, "" if summary == message else summary)


def _premise(premise: Mapping[str, Any]) -> PremiseView:
    return PremiseView(
        claim=str(premise.get("claim", "")),
        at=_optional_text(premise.get("at")),
        evidence=tuple(
            Evidence(_optional_text(item.get("at")), str(item.get("detail", "")))
            for item in premise.get("evidence") or []
        ),
    )


def _assumption(item: Mapping[str, Any]) -> AssumptionView:
    return AssumptionView(
        id=str(item.get("id", "")),
        kind=str(item.get("kind", "?")),
        claim=str(item.get("claim", "")),
        at=_optional_text(item.get("at")),
        discharge=str(item.get("discharge", "")),
    )


def _verification(value: Any) -> Verification | None:
    if not isinstance(value, Mapping):
        return None
    speedup = value.get("speedup")
    return Verification(
        status=str(value.get("status", "not-verifiable")),
        detail=str(value.get("detail") or ""),
        speedup=float(speedup) if isinstance(speedup, (int, float)) else None,
    )


def _suppression_text(note: Mapping[str, Any]) -> str:
    ids = note.get("ids")
    listed = "" if ids is None else "[" + ", ".join(str(i) for i in ids) + "]"
    text = f"# hybridize: ignore{listed} at {note.get('at', '?')}"
    unused = [str(item) for item in note.get("unused") or []]
    return text + (f" (unused: {', '.join(unused)})" if unused else "")


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _setting_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "(none)"
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


class _Anchors:
    """Stable, unique HTML ids for decisions: ``fn-`` plus a slug of the function id."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def make(self, function_id: str) -> str:
        base = "fn-" + _slug(function_id)
        anchor, number = base, 1
        while anchor in self._used:
            number += 1
            anchor = f"{base}-{number}"
        self._used.add(anchor)
        return anchor


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def speedup_text(speedup: float | None) -> str:
    return "" if speedup is None else f"{speedup:.2f}x"


def join_nonempty(parts: Iterable[str], separator: str = ", ") -> str:
    return separator.join(part for part in parts if part)
