"""``static-shape-read``: the body uses a static dim that a signature would make ``None``.

What: the body reads a parameter's static shape (``x.shape[0]``, ``x.get_shape()[0]``,
``x.shape.as_list()[0]``, ``len(x)``, ``n, d = x.shape``) for an axis whose size differs across
call sites (or is unknown), and uses it where a Python int is required: a reshape target,
``range``, a Keras layer size, a NumPy shape, arithmetic, an ordering comparison.

Why: an ``input_signature`` — and ``reduce_retracing=True``, which relaxes varying dims the same
way — traces with ``None`` for that axis, so ``x.shape[0]`` is ``None`` inside the trace and
``tf.reshape(x, [x.shape[0] * 3])``, ``range(x.shape[0])`` or ``x.shape[0] * 2`` raise
(``TypeError``/``ValueError``). ``tf.shape(x)[0]`` is a tensor and works; reading an axis whose
size every call site agrees on is fine.

Example::

    @tf.function
    def step(x):
        return tf.reshape(x, [x.shape[0], -1])    # None under a signature

How to fix: use the dynamic shape, ``tf.shape(x)[0]``, then the signature can be added.

Assumptions: reads passed on to other functions are not followed (those callees are not
checked).
"""

from __future__ import annotations

from hybridize.refactor.model import Category
from hybridize.refactor.premises import signature_block_check
from hybridize.refactor.registry import Applies, Rule

RULE = Rule(
    id="static-shape-read",
    category=Category.SIGNATURE,
    applies=Applies.BOTH,
    summary="a static dim that a signature would make None is used as a Python int",
    check=signature_block_check("static-shape-read"),
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n"
        "    return tf.reshape(x, [tf.shape(x)[0] * 3])\n\n"
        "target(tf.ones([2, 3]))\ntarget(tf.ones([4, 3]))\n",
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n"
        "    return tf.reshape(x, [-1, x.shape[1] * 2])\n\n"
        "target(tf.ones([2, 4]))\ntarget(tf.ones([4, 4]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n"
        "    return tf.reshape(x, [x.shape[0] * 3])\n\n"
        "target(tf.ones([2, 3]))\ntarget(tf.ones([4, 3]))\n",
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    total = x[0]\n"
        "    for i in range(len(x)):\n        total += x[i]\n    return total\n\n"
        "target(tf.ones([2, 3]))\ntarget(tf.ones([4, 3]))\n",
    ),
)
