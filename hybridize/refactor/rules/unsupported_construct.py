"""``unsupported-construct``: the function uses a construct tracing cannot reproduce.

What: a generator function (``yield``), an ``async def``, or control flow driven by Python
exceptions from tensor operations.

Why: ``tf.function`` cannot trace generators or coroutines into a graph, and exception-driven loops
(``except tf.errors.OutOfRangeError``, ``StopIteration`` from ``next``) have no graph meaning.

Example::

    def batches(x):
        for row in x:
            yield row * 2

How to fix: return tensors instead of yielding, use ``tf.data`` for streams, and loops with
explicit bounds.

Assumptions: none.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import at_function, located
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("generator") is Tri.YES:
        what = "a generator (yield)"
    elif facts.fact("asynchronous") is Tri.YES:
        what = "a coroutine (async def)"
    elif facts.exception_loops:
        loops = facts.exception_loops
        return Finding(
            "unsupported-construct",
            "a loop ends by catching StopIteration / OutOfRangeError, which tracing never raises",
            tuple(
                located("a loop is ended by an exception handler", loop, "except clause")
                for loop in loops
            ),
        )
    else:
        return None
    return Finding(
        "unsupported-construct",
        f"is {what}, which tracing cannot reproduce",
        (at_function(facts, f"is {what}"),),
    )


RULE = Rule(
    id="unsupported-construct",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="uses a construct tracing cannot reproduce",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\ndef target(x):\n    return x * 2\n\ntarget(tf.ones([2]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\ndef target(x):\n    for row in x:\n        yield row * 2\n\n"
        "list(target(tf.ones([2, 2])))\n",
        "import tensorflow as tf\n\ndef target(dataset):\n    iterator = iter(dataset)\n"
        "    total = tf.zeros([])\n    while True:\n        try:\n"
        "            total += next(iterator)\n        except tf.errors.OutOfRangeError:\n"
        "            break\n    return total\n\n"
        "target(tf.data.Dataset.range(3).map(lambda x: tf.cast(x, tf.float32)))\n",
        "import tensorflow as tf\n\ndef target(xs):\n    it = iter(xs)\n    total = 0.0\n"
        "    while True:\n        try:\n            total += next(it)\n"
        "        except StopIteration:\n            return total\n\n"
        "target([tf.ones([2]), tf.ones([2])])\n",
    ),
)
