"""``numpy-on-tensor``: a tensor flows into NumPy, SciPy or ``math``.

What: the function or a callee passes a tensor (a ``tf.Tensor``/``tf.Variable``, or a list or
dict holding one) to a NumPy, SciPy or Python ``math`` function: ``np.mean(t)``,
``np.stack([t, u])``, ``math.sqrt(t)``; or applies NumPy to a parameter that receives a NumPy
array (``np.expand_dims(image, 0)``, ``x.max()``), which ``tf.function`` turns into a tensor at
the call.

Why: NumPy computes on concrete values in Python. Eagerly a tensor converts to an array (through
``__array__``); while tracing it is symbolic, and the conversion raises
(``NotImplementedError: Cannot convert a symbolic tf.Tensor to a numpy array``; ``math``
functions raise ``TypeError``; ndarray methods do not exist on a tensor: seen on TF 2.21).

Example::

    def center(x):
        y = tf.nn.relu(x)
        return y - np.mean(y)        # np.mean of a symbolic tensor raises under tracing

How to fix: use the TensorFlow equivalent (``tf.reduce_mean``, ``tf.stack``, ``tf.math.sqrt``,
``tf.expand_dims``, ``tf.experimental.numpy``), or keep the NumPy part outside the traced
function.

Assumptions: an array parameter is followed only where it is read directly (``np.f(x)``,
``x.method()``) in the function's own body; a call whose arguments the analysis does not know is
not reported.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("numpy_on_tensor") is not Tri.YES:
        return None
    calls = sorted({e.detail.split(" given ", 1)[0] for e in facts.evidence["numpy_on_tensor"]})
    return Finding(
        "numpy-on-tensor",
        f"passes tensors to NumPy/math, which cannot consume symbolic tensors: {', '.join(calls)}",
        (
            fact_premise(
                facts, "numpy_on_tensor", f"NumPy/math calls given a tensor: {', '.join(calls)}"
            ),
        ),
    )


RULE = Rule(
    id="numpy-on-tensor",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="a tensor flows into NumPy, SciPy or math",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import numpy as np\nimport tensorflow as tf\n\nSCALE = np.sqrt(2.0)\n\n"
        "def target(x):\n    y = tf.nn.relu(x)\n    return y - tf.reduce_mean(y) * SCALE\n\n"
        "for _ in range(10):\n    target(tf.ones([8]))\n",
        "import numpy as np\nimport tensorflow as tf\n\ndef target(x, weights):\n"
        "    return x * np.asarray(weights, dtype=np.float32)\n\n"
        "for _ in range(10):\n    target(tf.ones([3]), [0.2, 0.3, 0.5])\n",
    ),
    invalid=(
        "import numpy as np\nimport tensorflow as tf\n\ndef target(x):\n    y = tf.nn.relu(x)\n"
        "    return y - np.mean(y)\n\nfor _ in range(10):\n    target(tf.ones([8]))\n",
        "import math\n\nimport numpy as np\nimport tensorflow as tf\n\ndef norms(a, b):\n"
        "    return np.stack([tf.norm(a), tf.norm(b)])\n\ndef target(a, b):\n"
        "    scale = math.sqrt(tf.reduce_sum(a))\n    return norms(a, b) * scale\n\n"
        "for _ in range(10):\n    target(tf.ones([4]), tf.ones([4]))\n",
    ),
)
