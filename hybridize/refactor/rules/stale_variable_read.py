"""``stale-variable-read``: a model's variables are read before the model is called.

What: the function reads ``model.trainable_variables`` (or ``trainable_weights``) of a Keras model
or layer before its first call of that model in the function, and feeds variables to
``tape.gradient`` or an optimizer (``apply_gradients``, ``apply``, ``minimize``).

Why: a subclassed Keras model creates its variables on its first call. Eagerly the list is read
again on every call: code that copes with the empty list of the very first call (``if
variables:``) trains from the second call on. Traced, the first trace reads the list while the
model is still unbuilt; ``tf.function`` traces again once the model has created its variables,
and the optimizer then creates its slot variables on that second trace, which raises
(``ValueError: tf.function only supports singleton tf.Variables created on the first call``,
seen on TF 2.21 with Keras 3). Without the guard, Keras raises on the empty ``zip`` of gradients
and variables, eagerly and traced.

Example::

    def train_step(x, y):
        variables = model.trainable_variables       # empty before the model is built
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x))
        if variables:
            optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))

How to fix: read the variables after calling the model (``tape.gradient(loss,
model.trainable_variables)`` below the forward pass), or build the model before the first call
(``model.build(shape)`` or one eager call).

Assumptions: an approximation. The order is that of the function body (callees included): a
model called or built anywhere earlier in the function counts as built, and one called or built
elsewhere (before the first call of this function) does not, except functional and ``Sequential``
models made from ``keras.Input``, which are built when created. The variables read are taken to
be the ones fed to the gradient or the optimizer when the function does both.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("stale_variable_read") is not Tri.YES:
        return None
    reads = [
        e.detail
        for e in facts.evidence["stale_variable_read"]
        if not e.detail.startswith("fed to ")
    ]
    return Finding(
        "stale-variable-read",
        f"reads model variables before the model is built, then updates them: {'; '.join(reads)}",
        (
            fact_premise(
                facts,
                "stale_variable_read",
                f"variables read before the model's first call: {'; '.join(reads)}",
            ),
        ),
    )


RULE = Rule(
    id="stale-variable-read",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="a model's variables are read before the model is called",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\nfrom tensorflow import keras\n\nclass Net(keras.Model):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.dense = keras.layers.Dense(1)\n\n    def call(self, x):\n"
        "        return self.dense(x)\n\nmodel = Net()\noptimizer = keras.optimizers.Adam()\n\n"
        "def target(x, y):\n    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean(tf.square(model(x) - y))\n"
        "    grads = tape.gradient(loss, model.trainable_variables)\n"
        "    optimizer.apply_gradients(zip(grads, model.trainable_variables))\n    return loss\n\n"
        "for _ in range(10):\n    target(tf.ones([8, 3]), tf.ones([8, 1]))\n",
        "import tensorflow as tf\nfrom tensorflow import keras\n\nmodel = keras.Sequential("
        "[keras.Input(shape=(3,)), keras.layers.Dense(1)])\noptimizer = keras.optimizers.SGD()\n\n"
        "def target(x, y):\n    variables = model.trainable_variables\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean(tf.square(model(x) - y))\n"
        "    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))\n"
        "    return loss\n\nfor _ in range(10):\n    target(tf.ones([8, 3]), tf.ones([8, 1]))\n",
    ),
    invalid=(
        "import tensorflow as tf\nfrom tensorflow import keras\n\nclass Net(keras.Model):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.dense = keras.layers.Dense(1)\n\n    def call(self, x):\n"
        "        return self.dense(x)\n\nmodel = Net()\noptimizer = keras.optimizers.Adam()\n\n"
        "def target(x, y):\n    variables = model.trainable_variables\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean(tf.square(model(x) - y))\n"
        "    if variables:  # empty before the first call builds the model\n"
        "        grads = tape.gradient(loss, variables)\n"
        "        optimizer.apply_gradients(zip(grads, variables))\n    return loss\n\n"
        "for _ in range(10):\n    target(tf.ones([8, 3]), tf.ones([8, 1]))\n",
        "import tensorflow as tf\nfrom tensorflow import keras\n\nclass Net(keras.Model):\n"
        "    def __init__(self):\n        super().__init__()\n"
        "        self.dense = keras.layers.Dense(1)\n\n    def call(self, x):\n"
        "        return self.dense(x)\n\ndef update(optimizer, tape, loss, variables):\n"
        "    if variables:\n        grads = tape.gradient(loss, variables)\n"
        "        optimizer.apply_gradients(zip(grads, variables))\n\n"
        "def target(model, optimizer, x, y):\n    variables = model.trainable_weights\n"
        "    with tf.GradientTape() as tape:\n"
        "        loss = tf.reduce_mean(tf.square(model(x) - y))\n"
        "    update(optimizer, tape, loss, variables)\n    return loss\n\n"
        "net = Net()\nadam = keras.optimizers.Adam()\nfor _ in range(10):\n"
        "    target(net, adam, tf.ones([8, 3]), tf.ones([8, 1]))\n",
    ),
)
