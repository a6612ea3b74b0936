"""Reason id ``keras-call-method``.

Claim: decorating ``call`` of a Keras ``Model``/``Layer`` subclass with ``@tf.function`` breaks
training when the sublayers are built lazily (on the first call, as Keras does by default): the
variables Keras creates while building inside the trace are not connected to the traced graph,
so ``GradientTape.gradient`` returns ``None`` for every variable and the optimizer raises
``ValueError: No gradients provided for any variable``. The same model trains with an undecorated
``call`` inside a decorated training step (the tool's advice: hybridize the step instead).
Seen on TF 2.21 / Keras 3.15.
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf


def _model(decorate_call: bool) -> Any:
    class Net(tf.keras.Model):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.dense = tf.keras.layers.Dense(2)

        def call(self, x: Any) -> Any:
            return self.dense(x)

    if decorate_call:
        Net.call = tf.function(Net.call)
    return Net()


def _gradients(net: Any) -> list[Any]:
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(net(tf.ones([4, 3])))
    result: list[Any] = tape.gradient(loss, net.trainable_variables)
    return result


def test_decorated_call_of_lazily_built_model_loses_its_gradients() -> None:
    net = _model(decorate_call=True)
    gradients = _gradients(net)
    assert net.trainable_variables, "the model did build its variables"
    assert all(g is None for g in gradients)
    optimizer = tf.keras.optimizers.SGD(0.1)
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        optimizer.apply_gradients(zip(gradients, net.trainable_variables, strict=True))


def test_undecorated_call_inside_a_traced_step_trains() -> None:
    net = _model(decorate_call=False)
    optimizer = tf.keras.optimizers.SGD(0.1)

    @tf.function
    def step(x: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(net(x))
        gradients = tape.gradient(loss, net.trainable_variables)
        optimizer.apply_gradients(zip(gradients, net.trainable_variables, strict=True))
        return loss

    first = float(step(tf.ones([4, 3])))
    second = float(step(tf.ones([4, 3])))
    assert second < first
