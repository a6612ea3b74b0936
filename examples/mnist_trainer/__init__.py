"""A small MNIST-style classifier trained with a custom TensorFlow 2 training loop.

This package is the demo input of ``hybridize``: it mixes functions that would gain from
``@tf.function``, one that is already decorated, and ones that must stay eager.
"""

from mnist_trainer.data import make_dataset, synthetic_mnist
from mnist_trainer.model import MnistClassifier
from mnist_trainer.train import evaluate, train

__all__ = ["MnistClassifier", "evaluate", "make_dataset", "synthetic_mnist", "train"]
