"""``invalid-name-argument``: a TensorFlow call is given a ``name`` tracing rejects.

What: a TensorFlow function is passed something other than a string as its ``name`` argument
(a number, a bool, a tuple, a tensor), by keyword (``tf.identity(x, name=3)``) or positionally,
for ops whose parameter in that position is ``name`` (``tf.identity(x, 3)``,
``tf.reduce_sum(x, 0, False, i)``); or a known string that is not a valid op name
(``name="_hidden"``, ``name="a b"``, ``name="a:b"``).

Why: eager execution ignores ``name``. Tracing uses it for the op's name scope and raises: a
non-string gives ``TypeError: expected string or bytes-like object``, an invalid string
``ValueError: ... is not a valid root scope name`` (both seen on TF 2.21). ``None``, bytes and
false values (``0``, ``""``: no name) are accepted.

Example::

    def tag(x, step):
        return tf.identity(x, name=step)      # an int name: fine eagerly, raises when traced

How to fix: pass a valid string (``name=f"step_{step}"``), or drop the argument.

Assumptions: only arguments whose value the analysis knows are judged: a ``name`` computed by
unknown code, or a string whose value is not known, is taken to be valid. The root-scope rule is
applied (a leading ``_`` would be accepted inside an enclosing ``tf.name_scope``).
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
        f"passes a name TensorFlow rejects when tracing: {', '.join(calls)}",
        (
            fact_premise(
                facts, "invalid_name_argument", f"invalid name arguments: {', '.join(calls)}"
            ),
        ),
    )


RULE = Rule(
    id="invalid-name-argument",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="a TensorFlow call is given a name tracing rejects",
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
