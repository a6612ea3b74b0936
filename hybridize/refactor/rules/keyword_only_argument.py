"""``keyword-only-argument``: a keyword-only parameter is passed.

What: the function has a keyword-only parameter (after ``*``) and some call site passes it.

Why: TensorFlow does not allow keyword-only parameters in an ``input_signature``: with one, a
keyword-only parameter must have a default, and passing any other value raises ``TypeError``
("Can not cast ... to Literal[...]") — checked against TF 2.21.

Example::

    @tf.function
    def step(x, *, scale=1.0): ...

    step(x, scale=tf.constant(2.0))     # a signature would make this call fail

How to fix: make the parameter positional (before ``*``), or stop passing it.

Assumptions: none.
"""

from __future__ import annotations

from hybridize.refactor.model import Category
from hybridize.refactor.premises import signature_block_check
from hybridize.refactor.registry import Applies, Rule

RULE = Rule(
    id="keyword-only-argument",
    category=Category.SIGNATURE,
    applies=Applies.BOTH,
    summary="a keyword-only parameter is passed: an input_signature can't cover it",
    check=signature_block_check("keyword-only-argument"),
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x, *, scale=2.0):\n"
        "    return x * scale\n\ntarget(tf.ones([2]))\ntarget(tf.ones([4]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x, *, scale=2.0):\n"
        "    return x * scale\n\ntarget(tf.ones([2]), scale=tf.constant(3.0))\n",
    ),
)
