"""Input pipeline: MNIST-shaped images and labels through ``tf.data``.

The data is synthetic (random pixels, random labels) so the example runs offline in seconds.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

IMAGE_SIZE = 28
NUM_CLASSES = 10


def synthetic_mnist(num_examples: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random uint8 images and int64 labels with the shapes and dtypes of MNIST."""
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(num_examples, IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
    labels = rng.integers(0, NUM_CLASSES, size=(num_examples,), dtype=np.int64)
    return images, labels


def preprocess(image: tf.Tensor, label: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """Scale pixels to [0, 1] and flatten each image into a vector."""
    image = tf.cast(image, tf.float32) / 255.0
    image = tf.reshape(image, [IMAGE_SIZE * IMAGE_SIZE])
    return image, label


def add_noise(
    image: tf.Tensor, label: tf.Tensor, stddev: float = 0.02
) -> tuple[tf.Tensor, tf.Tensor]:
    """A light augmentation: Gaussian pixel noise, clipped back into range."""
    noise = tf.random.normal(tf.shape(image), stddev=stddev)
    return tf.clip_by_value(image + noise, 0.0, 1.0), label


def make_dataset(
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    training: bool = True,
) -> tf.data.Dataset:
    """Batches of ``(float32[batch, 784], int64[batch])``; shuffled and augmented for training."""
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    if training:
        dataset = dataset.shuffle(buffer_size=len(images), seed=0)
    dataset = dataset.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE)
    if training:
        dataset = dataset.map(add_noise)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
