"""Reason id ``keras-symbolic-input``.

Claim (hazards.md A): ``tf.function`` refuses Keras symbolic tensors (``keras.Input(...)`` or a
layer applied to one).

Shown here on TF 2.21 / Keras 3.15: calling a ``tf.function`` with a ``KerasTensor`` raises
``ValueError: A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. ... You
cannot convert it to a NumPy array.`` (TF tries to convert the argument at the boundary). The
same undecorated function, using only Python operators, works on the ``KerasTensor`` and returns
a new ``KerasTensor`` — so adding the decorator changes behaviour. (A raw TF op on a
``KerasTensor`` fails with or without the decorator.)
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

pytestmark = pytest.mark.tf

KERAS_TENSOR_MESSAGE = "A KerasTensor is symbolic"


def _double(x: Any) -> Any:
    return x * 2


def test_undecorated_function_accepts_a_keras_tensor() -> None:
    result = _double(keras.Input((3,)))
    assert isinstance(result, keras.KerasTensor)
    assert tuple(result.shape) == (None, 3)


def test_tf_function_refuses_keras_input() -> None:
    with pytest.raises(ValueError, match=KERAS_TENSOR_MESSAGE):
        tf.function(_double)(keras.Input((3,)))


def test_tf_function_refuses_a_layer_output() -> None:
    hidden = keras.layers.Dense(2)(keras.Input((3,)))
    assert isinstance(hidden, keras.KerasTensor)
    with pytest.raises(ValueError, match=KERAS_TENSOR_MESSAGE):
        tf.function(_double)(hidden)


def test_raw_tf_op_on_keras_tensor_fails_without_decorator_too() -> None:
    with pytest.raises(ValueError, match="A KerasTensor cannot be used as input to a TensorFlow"):
        tf.math.square(keras.Input((3,)))
