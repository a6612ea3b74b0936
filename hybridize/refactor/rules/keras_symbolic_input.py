"""``keras-symbolic-input``: a call site passes a Keras symbolic tensor.

What: the function receives a Keras symbolic tensor (a ``KerasTensor``): the result of
``keras.Input(...)``, of a Keras layer or model applied to one, or of Python operators on one.
This is the case of helpers that build a functional model (``x = block(inputs)``).

Why: a ``KerasTensor`` is a placeholder for a shape and a dtype, with no value: Keras handles it
eagerly, but ``tf.function`` refuses it as an argument and raises (``ValueError: A KerasTensor
is symbolic ...``, seen on TF 2.21 with Keras 3).

Example::

    def block(x):
        return keras.layers.Dense(64, activation="relu")(x)

    inputs = keras.Input(shape=(32,))
    outputs = block(inputs)

How to fix: leave model-building code eager; trace the built model's training or inference step
instead.

Assumptions: symbolic-ness follows ``keras.Input``, calls of Keras layers and models (library or
project ones) and Python operators; other operations on a symbolic tensor (a ``tf.*`` op, which
Keras 3 rejects anyway) are not followed. The ``call`` of a project layer applied to a symbolic
tensor is not flagged: Keras runs it on backend placeholders, which ``tf.function`` accepts.
"""

from __future__ import annotations

from hybridize.lattice.tri import Tri
from hybridize.refactor.model import Category, Finding
from hybridize.refactor.premises import fact_premise
from hybridize.refactor.registry import Applies, Rule, RuleContext
from hybridize.transfer.facts import FunctionFacts


def check(facts: FunctionFacts, context: RuleContext) -> Finding | None:
    if facts.fact("keras_symbolic_input") is not Tri.YES:
        return None
    names = sorted({e.detail.split(":", 1)[0] for e in facts.evidence["keras_symbolic_input"]})
    return Finding(
        "keras-symbolic-input",
        f"receives Keras symbolic tensors, which tf.function refuses: {', '.join(names)}",
        (
            fact_premise(
                facts,
                "keras_symbolic_input",
                f"Keras symbolic tensors passed as {', '.join(names)}",
            ),
        ),
    )


RULE = Rule(
    id="keras-symbolic-input",
    category=Category.SAFETY,
    applies=Applies.EAGER,
    summary="a call site passes a Keras symbolic tensor",
    check=check,
    doc=__doc__ or "",
    valid=(
        "import tensorflow as tf\nfrom tensorflow import keras\n\nmodel = keras.Sequential("
        "[keras.Input(shape=(4,)), keras.layers.Dense(1)])\n\ndef target(x):\n"
        "    return model(x) * 2\n\nfor _ in range(10):\n    target(tf.ones([8, 4]))\n",
        "import tensorflow as tf\nfrom tensorflow import keras\n\n"
        "class Scale(keras.layers.Layer):\n    def call(self, x):\n        return target(x)\n\n"
        "def target(x):\n    return x * 2.0 + 1.0\n\n"
        "inputs = keras.Input(shape=(3,))\nmodel = keras.Model(inputs, Scale()(inputs))\n"
        "for _ in range(10):\n    model(tf.ones([2, 3]))\n",
    ),
    invalid=(
        "from tensorflow import keras\n\ndef target(x):\n"
        "    return keras.layers.Dense(16, activation='relu')(x)\n\n"
        "inputs = keras.Input(shape=(8,))\nhidden = target(inputs)\n"
        "outputs = keras.layers.Dense(1)(target(hidden))\n"
        "model = keras.Model(inputs, outputs)\n",
        "from tensorflow import keras\n\ndef target(x, units):\n"
        "    x = keras.layers.Dense(units, activation='relu')(x)\n"
        "    return keras.layers.Dropout(0.1)(x)\n\n"
        "inputs = keras.Input(shape=(8,))\nx = inputs\nfor units in (32, 16):\n"
        "    x = target(x, units)\nmodel = keras.Model(inputs, keras.layers.Dense(1)(x))\n",
    ),
)
