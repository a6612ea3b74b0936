"""The custom training loop: ``GradientTape``, an optimizer, and evaluation.

Demo cases for ``hybridize``:

* ``train_step`` does pure tensor work on tensor inputs and is called once per batch: a good
  ``@tf.function`` candidate, but it is not decorated.
* ``eval_step`` is a ``tf.function`` fed batches whose size may vary: reduce_retracing=True.
* ``report_step`` prints and converts a tensor with ``float``: it must stay eager.
* ``total_steps`` is a ``tf.function`` that only ever sees Python ints: tracing buys nothing and
  every new pair of values traces again, so it should lose its decorator.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from mnist_trainer.data import NUM_CLASSES
from mnist_trainer.metrics import RunningMean, accuracy, confusion_matrix
from mnist_trainer.utils import log_metrics

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def train_step(
    model: tf.keras.Model,
    optimizer: tf.keras.optimizers.Optimizer,
    images: tf.Tensor,
    labels: tf.Tensor,
) -> tf.Tensor:
    """One gradient step on a batch; returns the batch loss."""
    with tf.GradientTape() as tape:
        logits = model(images, training=True)
        loss = loss_fn(labels, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
    return loss


@tf.function
def eval_step(model: tf.keras.Model, images: tf.Tensor) -> tf.Tensor:
    """Predicted class of every image in the batch."""
    logits = model(images, training=False)
    return tf.argmax(logits, axis=-1, output_type=tf.int64)


@tf.function
def total_steps(epochs: int, steps_per_epoch: int) -> int:
    return epochs * steps_per_epoch


def report_step(step: int, total: int, loss: tf.Tensor) -> None:
    print(f"step {step:3d}/{total}  loss {float(loss):.4f}")


def train(
    model: tf.keras.Model,
    dataset: tf.data.Dataset,
    epochs: int,
    steps_per_epoch: int,
    learning_rate: float = 1e-3,
) -> list[float]:
    """Train for ``epochs`` passes of at most ``steps_per_epoch`` batches; mean loss per epoch."""
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
    total = int(total_steps(epochs, steps_per_epoch))
    history: list[float] = []
    step = 0
    for epoch in range(epochs):
        epoch_loss = RunningMean()
        for images, labels in dataset.take(steps_per_epoch):
            loss = train_step(model, optimizer, images, labels)
            epoch_loss.update(float(loss))
            step += 1
            report_step(step, total, loss)
        history.append(epoch_loss.result())
        log_metrics(step, {"epoch": epoch, "epoch_loss": epoch_loss.result()})
    return history


def evaluate(model: tf.keras.Model, dataset: tf.data.Dataset) -> dict[str, float]:
    """Accuracy over the whole dataset, computed from a NumPy confusion matrix."""
    all_labels: list[np.ndarray] = []
    all_predictions: list[np.ndarray] = []
    for images, labels in dataset:
        all_predictions.append(eval_step(model, images).numpy())
        all_labels.append(labels.numpy())
    matrix = confusion_matrix(
        np.concatenate(all_labels), np.concatenate(all_predictions), NUM_CLASSES
    )
    return {"accuracy": accuracy(matrix)}
