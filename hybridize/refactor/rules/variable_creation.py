"""``variable-creation``: the function creates ``tf.Variable``s when it runs.

What: the function (or a callee) creates a ``tf.Variable`` on its calls.

Why: a ``tf.function`` may create variables only on its first trace; creating them on later calls
raises, and creating them on every call was never what the eager code meant inside a graph.

Example::

    def step(x):
        counter = tf.Variable(0)      # a new variable per call
        return x + counter

How to fix: create the variables once, outside the function (or in a Keras ``build``), and only
read or ``assign`` them inside.

Assumptions: creation guarded to the first call (``if self.v is None``) is not recognised yet and
counts as creation.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("creates_variables") is not Tri.YES:
        return None
    return Finding(
        "variable-creation",
        "creates tf.Variables when it runs",
        (fact_premise(facts, "creates_variables", "creates tf.Variable objects on a call"),),
    )


RULE = Rule(
    id="variable-creation",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="creates tf.Variables when it runs",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\nw = tf.Variable(1.0)\n\ndef target(x):\n"
        "    return x * w\n\ntarget(tf.ones([2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x):\n    v = tf.Variable(0.0)\n"
        "    return x + v\n\ntarget(tf.ones([2]))\n",
    ),
)
