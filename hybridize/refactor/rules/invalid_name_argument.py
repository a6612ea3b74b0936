"""``invalid-name-argument``: a TensorFlow call is given a non-string ``name``.

What: a TensorFlow function is passed something other than a string (or ``None``) as its
``name`` argument: by keyword (``tf.identity(x, name=3)``) or positionally, for ops whose
parameter in that position is ``name`` (``tf.identity(x, 3)``, ``tf.reduce_sum(x, 0, False, i)``).

Why: eager execution ignores ``name``. Tracing uses it to build a name scope for the op, and a
non-string raises (``TypeError`` while tracing, seen on TF 2.21).

Example::

    def tag(x, step):
        return tf.identity(x, name=step)      # an int name: fine eagerly, raises when traced

How to fix: pass a string (``name=f"step_{step}"``), or drop the argument.

Assumptions: only arguments whose value the analysis knows are judged: a ``name`` computed by
unknown code is not reported.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("invalid_name_argument") is not Tri.YES:
        return None
    calls = sorted(
        {e.detail.split(" (in a callee", 1)[0] for e in facts.evidence["invalid_name_argument"]}
    )
    return Finding(
        "invalid-name-argument",
        f"passes a non-string name to TensorFlow, which raises when traced: {', '.join(calls)}",
        (
            fact_premise(
                facts, "invalid_name_argument", f"non-string name arguments: {', '.join(calls)}"
            ),
        ),
    )


RULE = Rule(
    id="invalid-name-argument",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="a TensorFlow call is given a non-string name",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x):\n    y = tf.identity(x, name='features')\n"
        "    return tf.reduce_sum(y, axis=0, name=None)\n\n"
        "for _ in range(10):\n    target(tf.ones([4, 3]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x, step):\n"
        "    return tf.identity(x, name=step) * 2\n\n"
        "for _ in range(10):\n    target(tf.ones([3]), 1)\n",
        "import tensorflow as tf\n\ndef target(x):\n    return tf.identity(x, 7) + 1\n\n"
        "for _ in range(10):\n    target(tf.ones([3]))\n",
    ),
)
