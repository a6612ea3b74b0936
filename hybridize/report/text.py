"""Plain-text renderings of decisions: one line per decision for ``check``, and the whole proof as
an indented tree for ``explain``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from hybridize.refactor.model import Decision
from hybridize.transfer.facts import FunctionFacts

Style = Callable[[str, str], str]


def plain(name: str, text: str) -> str:
    return text


def decision_line(facts: FunctionFacts, decision: Decision, style: Style = plain) -> str:
    """``path:line:col: kind qualname — reasons [safe|conditional]``."""
    name = decision.transformation.get("name")
    kind = decision.kind.value + (f" ({name})" if decision.applicable and name else "")
    if not decision.applicable:
        kind = f"keep ({decision.kind.value} blocked)"
    if is_suppressed(decision):
        kind = f"keep ({decision.kind.value} suppressed)"
    colour = "green" if decision.applicable else "dim"
    reasons = ", ".join(decision.reasons) or "every check passes"
    return (
        f"{facts.location}: {style(colour, kind)} {style('bold', facts.qualname)} — {reasons}"
        f" [{decision.safety.value}]"
    )


def is_suppressed(decision: Decision) -> bool:
    """Did a ``# hybridize: ignore`` comment keep this decision from applying?"""
    note = decision.suppression
    if note is None or decision.applicable:
        return False
    if note.ids is None:
        return "*" not in note.unused
    return decision.kind.value in note.ids and decision.kind.value not in note.unused


def unused_suppressions(
    functions: Sequence[FunctionFacts], decisions: Mapping[str, Decision]
) -> list[str]:
    """``path:line:1: unused suppression ...`` for each comment id that suppressed nothing."""
    lines: list[str] = []
    for facts in functions:
        note = decisions[facts.id].suppression
        if note is None or not note.unused:
            continue
        for unused in note.unused:
            if unused == "*":
                why = "nothing to suppress: no decision applies"
            elif unused in note.unknown:
                why = f"{unused!r} is not a reason id or decision kind"
            else:
                why = f"{unused} does not apply to {facts.qualname}"
            lines.append(
                f"{note.at.path}:{note.at.line}:1: unused suppression {note.comment}: {why}"
            )
    return lines


def check_report(
    functions: Sequence[FunctionFacts],
    decisions: Mapping[str, Decision],
    *,
    show_all: bool = False,
    style: Style = plain,
) -> str:
    """Applicable decisions (all decisions with ``show_all``), then a summary line."""
    lines: list[str] = []
    applicable = 0
    conditional = 0
    for facts in functions:
        decision = decisions[facts.id]
        if decision.applicable:
            applicable += 1
            conditional += decision.safety.value == "conditional"
        if decision.applicable or show_all:
            lines.append(decision_line(facts, decision, style))
    summary = (
        f"{len(functions)} functions analysed: {applicable} applicable refactorings"
        f" ({applicable - conditional} safe, {conditional} conditional)"
    )
    lines.append(style("bold", summary))
    return "\n".join(lines) + "\n"


def explain(facts: FunctionFacts, decision: Decision) -> str:
    """The proof of one decision as an indented tree a person can check line by line."""
    verdict = "applicable" if decision.applicable else "not applicable"
    out = [
        f"{facts.qualname}  ({facts.location})",
        f"  decision: {decision.kind.value}, {verdict}, {decision.safety.value}",
    ]
    if decision.suppression is not None:
        note = decision.suppression
        unused = f" (unused: {', '.join(note.unused)})" if note.unused else ""
        out.append(f"  suppressed by: {note.comment} [{note.at}]{unused}")
    arguments = decision.transformation.get("arguments") or {}
    if decision.applicable and decision.transformation:
        action = decision.transformation.get("name") or decision.transformation.get("action")
        settings = ", ".join(f"{k}={v}" for k, v in sorted(arguments.items()))
        out.append(f"  transformation: {action}" + (f" ({settings})" if settings else ""))
    if decision.reasons:
        out.append("  reasons:")
        for reason, message in zip(decision.reasons, decision.messages, strict=False):
            out.append(f"    {reason}: {message}")
    elif decision.messages:
        out.append(f"  because: {decision.messages[0]}")
    out.append("  premises:")
    for premise in decision.proof.premises or ():
        at = f"  [{premise.at}]" if premise.at is not None else ""
        out.append(f"    - {premise.claim}{at}")
        for item in premise.evidence:
            out.append(f"        {item.location}: {item.detail}")
    if not decision.proof.premises:
        out.append("    (none)")
    out.append("  assumptions:")
    for assumption in decision.proof.assumptions:
        at = f" [{assumption.at}]" if assumption.at is not None else ""
        out.append(f"    - ({assumption.kind.value}) {assumption.claim}{at}")
        out.append(f"        discharge: {assumption.discharge}")
    if not decision.proof.assumptions:
        out.append("    (none: the decision is proved)")
    out.append("  facts:")
    for name, value in facts.facts.items():
        out.append(f"    {name}: {value.value}")
    out.append("  parameters:")
    for parameter in facts.parameters:
        out.append(f"    {parameter.name}: {parameter.kind} {parameter.value.pretty()}")
    return "\n".join(out) + "\n"
