"""``eager-only-call``: reachable code needs concrete values.

What: the function or a callee calls an API that only works eagerly: ``Tensor.numpy()``,
``int()/float()/bool()`` of a tensor, ``len()`` of a tensor of unknown length, Keras
``fit/predict/evaluate`` and ``*_on_batch``, ``tf.executing_eagerly()``, ``tf.config`` changes.

Why: these raise on symbolic tensors, or silently behave differently while tracing: ``.numpy()``
raises ``AttributeError`` and ``bool(x)`` ``OperatorNotAllowedInGraphError``; under AutoGraph
``int(x)``/``float(x)`` become ``tf.cast`` and return a tensor, so the Python code that expected
a number breaks later or computes something else (``tests/tf_behaviour/test_eager_only_call.py``).

Example::

    def report(loss):
        print(loss.numpy())         # AttributeError on a symbolic tensor while tracing

How to fix: keep the eager-only part outside the traced function, or use graph equivalents
(``tf.cast``, ``tf.shape``, ``tf.print``).

Assumptions: none beyond the library models.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("eager_only_calls") is not Tri.YES:
        return None
    calls = sorted({e.detail for e in facts.effects.items if e.kind.value == "eager-only-call"})
    return Finding(
        "eager-only-call",
        f"calls APIs that need concrete values: {', '.join(calls)}",
        (fact_premise(facts, "eager_only_calls", f"eager-only calls: {', '.join(calls)}"),),
    )


RULE = Rule(
    id="eager-only-call",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="reachable code needs concrete (eager) values",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x):\n    return tf.cast(x, tf.int32)\n\n"
        "target(tf.ones([2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x):\n    return x.numpy() * 2\n\n"
        "target(tf.ones([2]))\n",
        "import tensorflow as tf\n\ndef target(x):\n    return float(tf.reduce_sum(x))\n\n"
        "target(tf.ones([2]))\n",
    ),
)
