"""``already-traced-by-callers``: every caller already runs inside a graph.

What: the function has callers in the analysed code, and every one of them is a ``tf.function``
(or is itself only called from traced code).

Why: it is traced as part of its callers' graphs already; a nested decorator only adds trace cost.

Example::

    @tf.function
    def train_step(x):
        return loss(x)              # loss() is traced inside train_step

How to fix: nothing: leave it undecorated.

Assumptions: callers outside the analysed code (for public functions) may call it eagerly.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("all_callers_hybrid") is not Tri.YES:
        return None
    callers = ", ".join(c.split("::", 1)[-1] for c in facts.callers)
    return Finding(
        "already-traced-by-callers",
        f"already traced inside its callers ({callers})",
        (fact_premise(facts, "all_callers_hybrid", f"every caller runs traced: {callers}"),),
    )


RULE = Rule(
    id="already-traced-by-callers",
    category=Category.BENEFIT,
    applies=Applies.EAGER,
    summary="every caller already runs inside a graph",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x):\n    return tf.square(x)\n\n"
        "for _ in range(10):\n    target(tf.ones([2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x):\n    return tf.square(x)\n\n"
        "@tf.function\ndef step(x):\n    return target(x) + 1\n\nstep(tf.ones([2]))\n",
    ),
)
