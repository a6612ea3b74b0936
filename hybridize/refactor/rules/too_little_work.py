"""``too-little-work``: the function is too cheap or too cold to gain from a graph.

What: the function is *cheap* (fewer than ``--min-ops`` TF ops per call, default 6, and no loop
over tensor work) or *cold* (every call site in the analysed code runs once: module top level
outside any loop, not handed to ``Dataset.map`` or a Keras loop). Unknown callers never make it
cold. ``--min-ops 0`` disables this reason.

Why: calling a ``tf.function`` has a fixed cost (measured here: about 0.15 ms per call on CPU,
against about 0.02 ms per eager op) and a trace costs tens of milliseconds, so cheap or cold
functions get slower.

Example::

    def add_one(x):                # one op: the call overhead exceeds the op
        return x + 1

How to fix: hybridize a larger caller instead (the step that calls it in a loop).

Assumptions: the op estimate comes from the library models' cost annotations.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import at_function, fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    minimum = context.settings.min_ops
    if minimum <= 0 or facts.fact("tensor_computation") is Tri.NO:
        return None
    ops = facts.estimated_ops
    if ops is not None and ops < minimum and not facts.tensor_loop:
        return Finding(
            "too-little-work",
            f"cheap: about {ops} TF ops per call (< {minimum}), no loop over tensor work",
            (at_function(facts, f"estimated {ops} TF ops per call, below --min-ops {minimum}"),),
        )
    if facts.fact("called_repeatedly") is Tri.NO:
        return Finding(
            "too-little-work",
            "cold: every call site runs once",
            (fact_premise(facts, "called_repeatedly", "every call site runs once"),),
        )
    return None


RULE = Rule(
    id="too-little-work",
    category=Category.BENEFIT,
    applies=Applies.EAGER,
    summary="too cheap or too cold to gain from a graph",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x, w):\n    for _ in range(4):\n"
        "        x = tf.nn.relu(tf.matmul(x, w))\n    return tf.reduce_sum(x)\n\n"
        "for _ in range(100):\n    target(tf.ones([2, 2]), tf.ones([2, 2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x):\n    return x + 1\n\n"
        "for _ in range(100):\n    target(tf.ones([2]))\n",
    ),
)
