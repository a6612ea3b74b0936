"""``already-optimal``: a correct ``tf.function``; nothing to change.

What: the function is hybrid, receives tensors, does tensor work, nothing says its decorator
hurts, and it does not re-trace on tensor shapes (or its ``input_signature`` /
``reduce_retracing=True`` already prevents it).

Why: it is already where it should be.

Example::

    @tf.function
    def eval_step(model, images):
        return tf.argmax(model(images), axis=-1)

How to fix: nothing.

Assumptions: none.
"""

from __future__ import annotations

from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import at_function
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if not facts.hybrid:
        return None
    return Finding(
        "already-optimal",
        "a correct tf.function: nothing to change",
        (at_function(facts, "is a tf.function"),),
    )


RULE = Rule(
    id="already-optimal",
    category=Category.STATUS,
    applies=Applies.HYBRID,
    summary="a correct tf.function; nothing to change",
    check=check,
    doc=__doc__ or "",
    valid=("import tensorflow as tf\n\ndef target(x):\n    return x\n\ntarget(tf.ones([2]))\n",),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return tf.square(x)\n\n"
        "for _ in range(10):\n    target(tf.ones([2]))\n",
    ),
)
