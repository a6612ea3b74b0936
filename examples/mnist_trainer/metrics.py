"""Evaluation utilities on NumPy arrays: no TensorFlow here, nothing to hybridize."""

from __future__ import annotations

import numpy as np


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """``matrix[true, predicted]`` counts."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def accuracy(matrix: np.ndarray) -> float:
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total else 0.0


def per_class_recall(matrix: np.ndarray) -> np.ndarray:
    """Recall of each class; classes that never occur get 0 instead of a division warning."""
    support = matrix.sum(axis=1)
    return np.divide(np.diag(matrix), support, out=np.zeros(len(support)), where=support > 0)


class RunningMean:
    """Mean of a stream of floats, e.g. per-step losses over an epoch."""

    def __init__(self) -> None:
        self.total = 0.0
        self.count = 0

    def update(self, value: float) -> None:
        self.total += value
        self.count += 1

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0
