"""``recursion``: the function can reach itself.

What: through its callees, directly or mutually, the function calls itself.

Why: recursion whose depth depends on a tensor can't be traced: the trace would have to contain
itself, and TensorFlow fails with ``StagingError``/``RecursionError``. Recursion on Python values
is unrolled at trace time (one trace per depth for a decorated function), which works but costs a
trace per depth. The rule is conservative and blocks both: the analysis does not tell them apart
(``tests/tf_behaviour/test_recursion.py``).

Example::

    def depth(tree):
        return 1 + max(depth(c) for c in tree.children)

How to fix: rewrite the recursion as a loop (``tf.while_loop`` or a Python loop over a bounded
structure), or keep the function eager.

Assumptions: none beyond the call graph (calls the models do not describe are not followed).
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("recursive") is not Tri.YES:
        return None
    cycle = " -> ".join(c.split("::", 1)[-1] for c in facts.recursion_cycle) or facts.qualname
    return Finding(
        "recursion",
        f"recursive through {cycle}",
        (fact_premise(facts, "recursive", f"can reach itself: {cycle}"),),
    )


RULE = Rule(
    id="recursion",
    category=Category.SAFETY,
    applies=Applies.BOTH,
    summary="the function can reach itself",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef helper(x):\n    return x + 1\n\ndef target(x):\n"
        "    return helper(helper(x))\n\ntarget(tf.ones([2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x, n):\n    if n == 0:\n        return x\n"
        "    return target(x * 2, n - 1)\n\ntarget(tf.ones([2]), 3)\n",
    ),
)
