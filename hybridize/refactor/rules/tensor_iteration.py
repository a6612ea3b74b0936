"""``tensor-iteration``: a Python ``for`` loop over a tensor that tracing cannot follow.

What: a Python ``for`` iterates a tensor-valued parameter (or a value derived from one) and the
loop body does Python-side work with the elements, such as appending them to a Python list.

Why: AutoGraph turns ``for x in tensor`` into a graph loop; Python-side accumulation inside it then
fails (the list would hold tensors of another graph), and with ``autograph=False`` iterating a
symbolic tensor raises. The traced loop cannot reproduce the eager one.

Example::

    def split_rows(batch):
        rows = []
        for row in batch:
            rows.append(row * 2)
        return rows

How to fix: use ``tf.map_fn``, vectorised ops, or a ``tf.TensorArray``.

Assumptions: none.
"""

from __future__ import annotations

from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import located
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    loops = facts.iterations_accumulate
    if not loops:
        return None
    premises = tuple(
        located("a Python for loop over a tensor accumulates into a Python list", loop, "for loop")
        for loop in loops
    )
    return Finding(
        "tensor-iteration",
        "a Python loop over a tensor accumulates Python-side values",
        premises,
    )


RULE = Rule(
    id="tensor-iteration",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="a Python loop over a tensor that tracing cannot follow",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(batch):\n    total = tf.zeros([3])\n"
        "    for row in batch:\n        total += row\n    return total\n\n"
        "target(tf.ones([4, 3]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(batch):\n    rows = []\n    for row in batch:\n"
        "        rows.append(row * 2)\n    return rows\n\ntarget(tf.ones([4, 3]))\n",
    ),
)
