"""``keras-call-method``: ``call`` of a Keras layer or model is managed by Keras.

What: the function is ``call`` of a subclass of a Keras ``Layer`` or ``Model``.

Why: Keras builds sublayers lazily, on the first call. With ``@tf.function`` on ``call`` itself,
the variables created while building inside the trace are not connected to the traced graph:
``GradientTape.gradient`` returns ``None`` for every variable and the optimizer raises
``ValueError: No gradients provided for any variable`` (seen on TF 2.21 / Keras 3.15). Keras traces
``call`` itself whenever the model runs inside a traced function.

Example::

    class Net(tf.keras.Model):
        def call(self, x):          # do not decorate: decorate the training step instead
            return self.dense(x)

How to fix: hybridize the function that calls the model (the training or evaluation step).

Assumptions: none; the Keras role comes from the resolved class bases.
"""

from __future__ import annotations

from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import at_function
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.name != "call" or facts.keras_role not in ("model", "layer"):
        return None
    return Finding(
        "keras-call-method",
        f"call of a Keras {facts.keras_role}: hybridize the step that calls it instead",
        (at_function(facts, f"is call() of a Keras {facts.keras_role} subclass"),),
    )


RULE = Rule(
    id="keras-call-method",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="call of a Keras layer or model is managed by Keras",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\n\nclass Net(tf.keras.Model):\n    def __init__(self):\n"
        "        super().__init__()\n        self.dense = tf.keras.layers.Dense(2)\n\n"
        "    def call(self, x):\n        return self.dense(x)\n\n"
        "def target(net, x):\n    return tf.reduce_sum(net(x))\n\n"
        "for _ in range(10):\n    target(Net(), tf.ones([4, 3]))\n",
    ),
    invalid=(
        "# target: Net.call\nimport tensorflow as tf\n\nclass Net(tf.keras.Model):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.dense = tf.keras.layers.Dense(2)\n\n"
        "    def call(self, x):\n        return self.dense(x)\n\n"
        "for _ in range(10):\n    Net()(tf.ones([4, 3]))\n",
    ),
)
