"""Reason id ``python-value-parameters``.

Claim (hazards.md A): ``tf.function`` re-traces for every new Python value of a parameter, so an
unbounded set of values means unbounded re-tracing; a small fixed set of literal constants (and
bools) gives a bounded number of traces ("at most K traces").

Shown here on TF 2.21: N distinct Python ints give N traces (and repeating them gives none);
bools give at most 2; a fixed set of K constants gives K; a tensor argument with changing values
gives 1. Also shown (not in the catalogue): the trace cache is keyed by Python equality, so
``1``, ``1.0`` and ``True`` share one trace and the later calls silently get the first call's
graph, and ``reduce_retracing=True`` does not bound re-tracing on Python ints.
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf


def _scale() -> Any:
    @tf.function
    def scale(x: Any, k: Any) -> Any:
        return x * k

    return scale


def test_each_distinct_python_int_traces_once() -> None:
    scale = _scale()
    x = tf.constant(1.0)
    for k in range(5):
        scale(x, k)
    assert scale.experimental_get_tracing_count() == 5
    for k in range(5):
        scale(x, k)
    assert scale.experimental_get_tracing_count() == 5


def test_distinct_python_floats_and_strings_each_trace() -> None:
    scale = _scale()
    x = tf.constant(1.0)
    for k in (1.5, 2.5, 3.5, 4.5):
        scale(x, k)
    assert scale.experimental_get_tracing_count() == 4

    @tf.function
    def pick(x: Any, mode: str) -> Any:
        return x + 1.0 if mode == "up" else x - 1.0

    for mode in ("up", "down", "flat"):
        pick(x, mode)
    assert pick.experimental_get_tracing_count() == 3


def test_bools_trace_at_most_twice() -> None:
    @tf.function
    def select(x: Any, flag: bool) -> Any:
        return x + 1.0 if flag else x - 1.0

    x = tf.constant(1.0)
    for i in range(10):
        select(x, i % 2 == 0)
    assert select.experimental_get_tracing_count() == 2


def test_fixed_set_of_literal_constants_is_bounded() -> None:
    scale = _scale()
    x = tf.constant(1.0)
    for i in range(12):
        scale(x, (2, 3, 5)[i % 3])
    assert scale.experimental_get_tracing_count() == 3


def test_tensor_argument_does_not_retrace_on_new_values() -> None:
    scale = _scale()
    x = tf.constant(1.0)
    for k in range(5):
        scale(x, tf.constant(float(k)))
    assert scale.experimental_get_tracing_count() == 1


def test_equal_python_values_share_a_trace() -> None:
    """Not in the catalogue: ``1 == 1.0 == True``, so they hit the same cached trace."""

    @tf.function
    def as_tensor(k: Any) -> Any:
        return tf.constant(k)

    assert as_tensor(1).dtype == tf.int32
    assert as_tensor(1.0).dtype == tf.int32  # eagerly tf.constant(1.0) is float32
    assert as_tensor(True).dtype == tf.int32  # eagerly tf.constant(True) is bool
    assert as_tensor.experimental_get_tracing_count() == 1
    assert tf.constant(1.0).dtype == tf.float32


def test_reduce_retracing_does_not_bound_python_ints() -> None:
    @tf.function(reduce_retracing=True)
    def scale(x: Any, k: Any) -> Any:
        return x * k

    x = tf.constant(1.0)
    for k in range(5):
        scale(x, k)
    assert scale.experimental_get_tracing_count() == 5
