"""``dtype-disagreement``: call sites pass tensors of different dtypes to one parameter.

What: a parameter receives, say, float32 tensors at one call site and float64 tensors (or NumPy
float64 arrays, NumPy's default) at another.

Why: a ``tf.TensorSpec`` has one dtype, and a ``tf.function`` with an ``input_signature`` rejects
a tensor of another dtype with a ``TypeError``; no single signature fits every call site. Each
dtype also costs its own trace today.

Example::

    step(tf.ones([8, 3]))                      # float32
    step(tf.ones([8, 3], dtype=tf.float64))    # float64: no common signature

How to fix: cast at the call site (``tf.cast``, ``.astype(np.float32)``) so every call passes one
dtype; ``reduce_retracing=True`` is proposed meanwhile when shapes vary.

Assumptions: none; dtypes come from the abstract values at the call sites.
"""

from __future__ import annotations

from hybridize.refactor.model import Category
from hybridize.refactor.premises import signature_block_check
from hybridize.refactor.registry import Applies, Rule

RULE = Rule(
    id="dtype-disagreement",
    category=Category.SIGNATURE,
    applies=Applies.BOTH,
    summary="call sites pass tensors of different dtypes: no input_signature fits them all",
    check=signature_block_check("dtype-disagreement"),
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "target(tf.ones([2, 3]))\ntarget(tf.ones([4, 3]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "target(tf.ones([2, 3]))\ntarget(tf.ones([4, 3], dtype=tf.float64))\n",
    ),
)
