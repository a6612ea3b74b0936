"""The classifier: a Keras subclassed model built from Dense layers and one custom layer."""

from __future__ import annotations

import tensorflow as tf

from mnist_trainer.data import NUM_CLASSES


class ScaledDense(tf.keras.layers.Layer):
    """A dense layer with a learned per-unit output scale (a custom layer with its own weights)."""

    def __init__(self, units: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape: tf.TensorShape) -> None:
        self.kernel = self.add_weight(
            name="kernel",
            shape=(int(input_shape[-1]), self.units),
            initializer="glorot_uniform",
        )
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
        self.scale = self.add_weight(name="scale", shape=(self.units,), initializer="ones")

    def call(self, inputs: tf.Tensor) -> tf.Tensor:
        outputs = tf.matmul(inputs, self.kernel) + self.bias
        return outputs * self.scale


class MnistClassifier(tf.keras.Model):
    """Two hidden layers and dropout; returns logits."""

    def __init__(self, hidden_units: int = 128, dropout_rate: float = 0.2) -> None:
        super().__init__()
        self.hidden = tf.keras.layers.Dense(hidden_units, activation="relu")
        self.dropout = tf.keras.layers.Dropout(dropout_rate)
        self.scaled = ScaledDense(hidden_units // 2)
        self.logits = tf.keras.layers.Dense(NUM_CLASSES)

    def call(self, inputs: tf.Tensor, training: bool = False) -> tf.Tensor:
        x = self.hidden(inputs)
        x = self.dropout(x, training=training)
        x = tf.nn.relu(self.scaled(x))
        return self.logits(x)
