"""``no-tensor-computation``: no TensorFlow operation is reachable.

What: the function and its callees run only Python, NumPy, or graph-building helpers such as
``tf.train.Feature``; no TensorFlow op is reachable.

Why: a graph speeds up TensorFlow ops; with none there is nothing to speed up, only tracing cost.

Example::

    def accuracy(matrix):
        return float(np.trace(matrix) / matrix.sum())

How to fix: leave it eager (remove ``@tf.function`` if present).

Assumptions: calls the models do not describe might reach TensorFlow; then the fact is "maybe"
and this reason does not fire.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import at_function
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("tensor_computation") is not Tri.NO:
        return None
    return Finding(
        "no-tensor-computation",
        "no TensorFlow op is reachable",
        (at_function(facts, "no TensorFlow operation is reachable from the function"),),
    )


RULE = Rule(
    id="no-tensor-computation",
    category=Category.BENEFIT,
    applies=Applies.BOTH,
    summary="no TensorFlow op is reachable",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x):\n    return tf.square(x)\n\n"
        "target(tf.ones([2]))\n",
    ),
    invalid=(
        "import numpy as np\n\ndef target(m):\n    return np.trace(m)\n\ntarget(np.eye(3))\n",
    ),
)
