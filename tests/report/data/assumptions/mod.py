"""A project whose decisions rest on assumptions of several kinds (the report tests run
``hybridize report --ignore python-side-effects`` on it, which adds ``configuration`` ones)."""

import somelib
import tensorflow as tf


def train_step(model, x):
    return model(x) * 2.0 + tf.reduce_sum(x) + tf.square(x) + tf.exp(x) + tf.sqrt(x)


def annotated(x: tf.Tensor) -> tf.Tensor:
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_mean(y) + tf.exp(y) + tf.square(y)
    somelib.record(y)
    return tf.tanh(y)


def noisy(x):
    print("tracing <b>not</b> & escaped")
    return tf.reduce_sum(tf.square(x)) + tf.exp(x) + tf.sqrt(x) + tf.abs(x) + tf.tanh(x)


def run():
    for _ in range(10):
        noisy(tf.constant([1.0, 2.0]))
        annotated(tf.ones((3, 3)))
