import numpy as np
import tensorflow as tf
from mylib import count, fetch


def step(x):
    y = x
    for _ in range(10):
        y = tf.matmul(y, y) + tf.nn.relu(y) * 2.0 - tf.reduce_sum(y)
    return y


def driver():
    for _ in range(100):
        step(fetch())


def scale(a, factor):
    return tf.multiply(a, factor)


def caller():
    return scale(count(), fetch())


def typed(v: "tf.Variable", arr: np.ndarray, items: list[int], pair: "tuple[float, str]", o):
    return v, arr, items, pair, o


def one_liner(q): return q  # fmt: skip
