"""``python-value-parameters``: a parameter receives unboundedly many Python values.

What: some parameter receives Python numbers or strings (not bools) whose set of values is
unbounded or unknown: loop counters over long ranges, computed values, values from outside.

Why: ``tf.function`` traces a new graph for every new Python value, and tracing costs far more
than running eagerly. A small fixed set of constants (and bools) traces a bounded number of times
and does not block: the proof then says "at most K traces".

Example::

    for step in range(10_000):
        train_step(images, labels, step)      # step: a new trace on every call

How to fix: pass the value as a tensor (``tf.constant(step)``), or keep the function eager.

Assumptions: none; values from unknown callers count as unbounded.
"""

from __future__ import annotations

from hybridize.refactor.model import Category, EvidenceItem, Finding, Premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts, ParameterFacts

_SCALARS = {"int", "float", "str", "bytes", "complex"}


def _python_scalar(parameter: ParameterFacts) -> bool:
    return parameter.kind in ("python", "mixed") and any(
        getattr(atom, "pytype", None) in _SCALARS for atom in parameter.value.atoms
    )


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    from hybridize.lattice.tri import Tri

    unbounded = [p for p in facts.parameters if _python_scalar(p) and p.bounded is not Tri.YES]
    if not unbounded:
        return None
    premises = tuple(
        Premise(
            f"{p.name} receives Python values without a known bound ({p.value.pretty()})",
            p.evidence[0].location if p.evidence else facts.location,
            tuple(EvidenceItem(e.location, e.detail) for e in p.evidence),
        )
        for p in unbounded
    )
    names = ", ".join(p.name for p in unbounded)
    return Finding(
        "python-value-parameters",
        f"{names} {'receives' if len(unbounded) == 1 else 'receive'} unboundedly many Python "
        "values: one trace per value",
        premises,
    )


RULE = Rule(
    id="python-value-parameters",
    category=Category.EVIDENCE,
    applies=Applies.BOTH,
    summary="a parameter receives unboundedly many Python values",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x, training):\n    return tf.nn.dropout(x, 0.1)"
        " if training else x\n\nfor _ in range(10):\n    target(tf.ones([2]), True)\n"
        "    target(tf.ones([2]), False)\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x, step):\n    return x * step\n\n"
        "for step in range(1000):\n    target(tf.ones([2]), step)\n",
    ),
)
