"""Reason id ``stale-variable-read``.

Claim (hazards.md A): a function that reads a model's ``trainable_variables`` before its first
call of that (unbuilt, subclassed) model and feeds them to an optimizer or gradient breaks under
tracing: the model has no variables at the first trace, optimizer slots then get created on a
later trace and raise.

Reproduced on TF 2.21 / Keras 3.15 with an optimizer that has slots (Adam) and Keras 3's
``optimizer.apply(grads, variables)``: eagerly the first call updates nothing (empty list) and
later calls train; traced, the first call raises ``ValueError: tf.function only supports
singleton tf.Variables created on the first call`` (the first call traces twice; the second
trace sees the now-built model and Adam creates its slots there), and every later call raises
``AttributeError: 'Adam' object has no attribute '_momentums'`` — the optimizer is left broken.

Nuances the catalogue does not state:

* with a slot-less optimizer (plain SGD) nothing raises, but the traced step trains one call
  *earlier* than the eager one (the second trace of the first call already sees the variables),
  so the loss sequence differs silently;
* the common Keras 3 spelling ``optimizer.apply_gradients(zip(grads, variables))`` fails
  **eagerly too** on the first call (``ValueError: not enough values to unpack (expected 2, got
  0)``), so in that form the bug is not introduced by tracing;
* reading the variables of a model that was already called once is fine under tracing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

pytestmark = pytest.mark.tf

FEATURES_SHAPE = (2, 3)
TARGETS_SHAPE = (2, 1)


class Regressor(keras.Model):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.dense = keras.layers.Dense(1, kernel_initializer="ones")

    def call(self, x: Any) -> Any:
        return self.dense(x)


def _step(model: Any, optimizer: Any, use_apply_gradients: bool = False) -> Callable[..., Any]:
    def step(x: Any, y: Any) -> Any:
        variables = model.trainable_variables  # read before the model's first call
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        grads = tape.gradient(loss, variables)
        if use_apply_gradients:
            optimizer.apply_gradients(zip(grads, variables, strict=True))
        else:
            optimizer.apply(grads, variables)
        return loss

    return step


def _batch() -> tuple[Any, Any]:
    return tf.ones(FEATURES_SHAPE), tf.zeros(TARGETS_SHAPE)


def test_eager_step_skips_the_first_update_then_trains() -> None:
    step = _step(Regressor(), keras.optimizers.Adam(0.1))
    losses = [float(step(*_batch())) for _ in range(3)]
    assert losses[0] == losses[1] == 9.0
    assert losses[2] < 9.0


def test_traced_step_with_adam_raises_then_stays_broken() -> None:
    step = tf.function(_step(Regressor(), keras.optimizers.Adam(0.1)))
    with pytest.raises(
        ValueError,
        match=r"tf\.function only supports singleton tf\.Variables created on the first call",
    ):
        step(*_batch())
    with pytest.raises(AttributeError, match="'Adam' object has no attribute '_momentums'"):
        step(*_batch())


def test_traced_step_with_slotless_sgd_trains_one_call_earlier() -> None:
    eager = _step(Regressor(), keras.optimizers.SGD(0.1))
    traced = tf.function(_step(Regressor(), keras.optimizers.SGD(0.1)))
    eager_losses = [float(eager(*_batch())) for _ in range(3)]
    traced_losses = [float(traced(*_batch())) for _ in range(3)]
    assert eager_losses[:2] == [9.0, 9.0]
    assert traced_losses[0] == 9.0
    assert traced_losses[1] == pytest.approx(eager_losses[2])


def test_apply_gradients_form_fails_eagerly_too() -> None:
    eager = _step(Regressor(), keras.optimizers.Adam(0.1), use_apply_gradients=True)
    with pytest.raises(ValueError, match=r"not enough values to unpack \(expected 2, got 0\)"):
        eager(*_batch())
    traced = tf.function(_step(Regressor(), keras.optimizers.Adam(0.1), use_apply_gradients=True))
    with pytest.raises(ValueError, match=r"not enough values to unpack \(expected 2, got 0\)"):
        traced(*_batch())


def test_reading_variables_of_a_built_model_is_fine() -> None:
    model = Regressor()
    model(tf.ones(FEATURES_SHAPE))
    step = tf.function(_step(model, keras.optimizers.Adam(0.1)))
    losses = [float(step(*_batch())) for _ in range(3)]
    assert losses[0] == 9.0
    assert losses[1] < losses[0]
