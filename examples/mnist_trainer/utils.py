"""Helpers shared by the training script: logging and nested-config flattening."""

from __future__ import annotations

import logging
from collections.abc import Mapping

LOGGER_NAME = "mnist_trainer"


def get_logger() -> logging.Logger:
    logger = logging.getLogger(LOGGER_NAME)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    return logger


def log_metrics(step: int, metrics: Mapping[str, float]) -> None:
    """One log line per step, metrics sorted by name so runs are easy to diff."""
    text = ", ".join(f"{name}={value:.4f}" for name, value in sorted(metrics.items()))
    get_logger().info("step %d: %s", step, text)


def flatten_config(config: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """``{"optimizer": {"lr": 0.1}}`` -> ``{"optimizer.lr": 0.1}`` (recursive)."""
    flat: dict[str, object] = {}
    for key, value in config.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            flat.update(flatten_config(value, name))
        else:
            flat[name] = value
    return flat
