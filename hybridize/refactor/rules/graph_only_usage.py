"""``graph-only-usage``: the ``tf.function`` object itself is used.

What: code relies on the hybrid function being a ``tf.function`` rather than a plain Python
function: it calls ``.get_concrete_function()``, ``.experimental_get_tracing_count()`` or reads
``.python_function`` / ``.function_spec``; passes it as a ``tf.saved_model.save`` signature;
exports it with a ``tf.Module`` (an attribute or method of one, or of an object given to
``tf.saved_model.save``); or the decorator says ``experimental_implements=`` or
``jit_compile=True``, whose XLA semantics (compilation, fused numerics, static shapes) the code
may rely on.

Why: removing ``@tf.function`` makes these uses raise (``AttributeError`` on a plain function),
silently drops the function from the exported SavedModel, or changes what is computed.

Example::

    @tf.function
    def serve(x):
        return x * 2

    concrete = serve.get_concrete_function(tf.TensorSpec([None], tf.float32))

How to fix: keep the decorator (give it an ``input_signature`` if it re-traces), or stop using
the ``tf.function`` API on it.

Assumptions: uses of the function object in code that is not analysed are not seen; every
``tf.function`` method of a ``tf.Module`` subclass is taken to be exported.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("graph_only_usage") is not Tri.YES:
        return None
    uses = [e.detail for e in facts.evidence["graph_only_usage"]]
    return Finding(
        "graph-only-usage",
        f"the tf.function object itself is used: {'; '.join(uses)}",
        (fact_premise(facts, "graph_only_usage", f"used as a tf.function: {'; '.join(uses)}"),),
    )


RULE = Rule(
    id="graph-only-usage",
    category=Category.KEEP,
    applies=Applies.HYBRID,
    summary="the tf.function object itself is used",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "for _ in range(10):\n    target(tf.ones([3]))\n",
        "import tensorflow as tf\n\n@tf.function\ndef other(x):\n    return x + 1\n\n"
        "@tf.function(reduce_retracing=True)\ndef target(x):\n    return other(x) * 2\n\n"
        "concrete = other.get_concrete_function(tf.TensorSpec([None], tf.float32))\n"
        "target(tf.ones([3]))\n",
    ),
    invalid=(
        "import tensorflow as tf\n\n@tf.function\ndef target(x):\n    return x * 2\n\n"
        "concrete = target.get_concrete_function(tf.TensorSpec([None], tf.float32))\n"
        "print(target.experimental_get_tracing_count())\n",
        "import tensorflow as tf\n\n@tf.function(jit_compile=True)\ndef target(x, y):\n"
        "    return tf.reduce_sum(x * y)\n\ntarget(tf.ones([3]), tf.ones([3]))\n",
        "import tensorflow as tf\n\nclass Scaler(tf.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.factor = tf.Variable(2.0)\n"
        "        self.serve = tf.function(target)\n\ndef target(x):\n    return x * 2.0\n\n"
        "tf.saved_model.save(Scaler(), '/tmp/scaler')\n",
    ),
)
