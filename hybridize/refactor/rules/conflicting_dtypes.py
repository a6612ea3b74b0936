"""``conflicting-dtypes``: a NumPy argument meets tensors of dtypes it cannot all take.

What: a parameter that receives a NumPy array is combined, directly, with tensors of a dtype other
than the array's own, or of two different dtypes: ``x * w32`` and ``x + w64`` for a float64
array ``x``, by a Python operator, by a TensorFlow op whose inputs must agree (``tf.add(b, x)``,
``tf.matmul(w, x)``), or by an explicit conversion (``tf.convert_to_tensor(x, tf.float32)``).

Why: eagerly every op converts the array separately, to the dtype of the tensor it meets (or the
dtype asked for), so each combination works. ``tf.function`` converts the array once, at the
call, to a tensor of the array's own dtype; an op mixing it with a tensor of another dtype then
raises (``TypeError`` while tracing, and ``convert_to_tensor`` refuses to change a tensor's dtype:
seen on TF 2.21). No single traced dtype can serve operands of two dtypes.

Example::

    def blend(x):                     # x: np.random.rand(3), float64
        return x * w32 + tf.cast(x * w64, tf.float32)

How to fix: cast once, explicitly, at the top of the function (``x = tf.cast(x, tf.float32)``,
which works on arrays and tensors alike), then cast where another dtype is needed; or pass
tensors of the right dtype instead of arrays.

Assumptions: an approximation. Only direct reads of the parameter (``x``, not ``x[0]`` or
``f(x)``) are followed, in the function's own body (not in its callees), and only operands whose
dtype is known. In a TensorFlow op only tensors *before* the array count: eagerly the first input
fixes the dtype, so an array that comes first fails eagerly too. Python numbers are not reported:
``tf.function`` keeps them as trace-time constants, converted per op as eagerly.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("conflicting_dtypes") is not Tri.YES:
        return None
    parts = [
        f"{name} ({', '.join(dtypes)})" for name, dtypes in sorted(facts.dtype_conflicts.items())
    ]
    return Finding(
        "conflicting-dtypes",
        f"NumPy arguments meet tensors of dtypes one traced dtype cannot serve: {'; '.join(parts)}",
        (
            fact_premise(
                facts,
                "conflicting_dtypes",
                f"array parameters meet several dtypes: {'; '.join(parts)}",
            ),
        ),
    )


RULE = Rule(
    id="conflicting-dtypes",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="a NumPy argument meets tensors of dtypes it cannot all take",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import numpy as np\nimport tensorflow as tf\n\nw = tf.constant([0.5, 0.5, 0.5])\n"
        "b = tf.constant([1.0, 1.0, 1.0])\n\ndef target(x):\n    return x * w + b\n\n"
        "for _ in range(10):\n    target(np.ones(3, dtype=np.float32))\n",
        "import tensorflow as tf\n\nw32 = tf.constant([1.0], tf.float32)\n"
        "w64 = tf.constant([1.0], tf.float64)\n\ndef target(scale):\n"
        "    return w32 * scale, w64 * scale\n\nfor _ in range(10):\n    target(2.0)\n",
    ),
    invalid=(
        "import numpy as np\nimport tensorflow as tf\n\nw32 = tf.constant([1.0, 2.0, 3.0])\n"
        "w64 = tf.constant([1.0, 2.0, 3.0], tf.float64)\n\ndef target(x):\n"
        "    return x * w32 + tf.cast(x * w64, tf.float32)\n\n"
        "for _ in range(10):\n    target(np.random.rand(3))\n",
        "import numpy as np\nimport tensorflow as tf\n\nkernel = tf.ones([2, 3])\n\n"
        "def target(features):\n    return tf.matmul(kernel, features)\n\n"
        "for _ in range(10):\n    target(np.random.rand(3, 4))\n",
    ),
)
