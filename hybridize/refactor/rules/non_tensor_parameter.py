"""``non-tensor-parameter``: a parameter an input signature must cover receives a non-tensor.

What: some call site passes a Python number, string, object or ``tf.Variable`` to a parameter
that an ``input_signature`` would have to describe (every positional parameter up to the last
one that is passed), or two call sites pass differently shaped containers (a list and a tuple,
lists of different lengths), or a defaulted parameter whose default is a Python value sits
before a parameter that is passed.

Why: an ``input_signature`` describes tensors only. A Python value bound to a ``TensorSpec`` is
converted to a tensor, which changes what the body sees (``if flag:`` on a tensor, ``range(n)``
on a tensor), and a list spec rejects a tuple argument (``TypeError``); a ``tf.Variable`` would
be passed as a read-only tensor.

Example::

    step(x, True)
    step(x, False)      # training flag: a Python bool, not a tensor

How to fix: pass tensors (``tf.constant(flag)``) or move the Python parameter after the tensor
parameters and give it a default; ``reduce_retracing=True`` is proposed meanwhile when shapes
vary.

Assumptions: none; kinds come from the abstract values at the call sites.
"""

from __future__ import annotations

from hybridize.refactor.model import Category
from hybridize.refactor.premises import signature_block_check
from hybridize.refactor.registry import Applies, Rule

RULE = Rule(
    id="non-tensor-parameter",
    category=Category.SIGNATURE,
    applies=Applies.BOTH,
    summary="a parameter receives a non-tensor: no input_signature can describe it",
    check=signature_block_check("non-tensor-parameter"),
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x, y):\n    return x * y\n\n"
        "target(tf.ones([2]), tf.ones([2]))\ntarget(tf.ones([4]), tf.ones([4]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x, training):\n"
        "    return x * 2 if training else x\n\n"
        "target(tf.ones([2]), True)\ntarget(tf.ones([4]), False)\n",
    ),
)
