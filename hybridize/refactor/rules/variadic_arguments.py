"""``variadic-arguments``: arguments are passed through ``*args`` or ``**kwargs``.

What: some call site passes more positional arguments than the named parameters (they land in
``*args``) or keywords that land in ``**kwargs``.

Why: an ``input_signature`` binds the named positional parameters only; with one, extra
positional arguments raise ``TypeError`` ("too many positional arguments") — checked against
TF 2.21.

Example::

    @tf.function
    def step(x, *extra): ...

    step(x, y)          # y goes to *extra: no signature can bind it

How to fix: name the parameters.

Assumptions: none.
"""

from __future__ import annotations

from hybridize.refactor.model import Category
from hybridize.refactor.premises import signature_block_check
from hybridize.refactor.registry import Applies, Rule

RULE = Rule(
    id="variadic-arguments",
    category=Category.SIGNATURE,
    applies=Applies.BOTH,
    summary="arguments are passed through *args/**kwargs: an input_signature can't bind them",
    check=signature_block_check("variadic-arguments"),
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x, *extra):\n    return x * 2\n\n"
        "target(tf.ones([2]))\ntarget(tf.ones([4]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x, *extra):\n    return x * 2\n\n"
        "target(tf.ones([2]), tf.ones([2]))\n",
    ),
)
