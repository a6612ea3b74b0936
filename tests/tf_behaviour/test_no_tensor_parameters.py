"""Reason id ``no-tensor-parameters``.

Claim (hazards.md A and B): graph execution pays off on tensor work; a function whose inputs are
all Python values re-traces for every new value, so it gains nothing from ``tf.function``.

Shown here on TF 2.21: a ``tf.function`` taking only a Python int traces once per distinct value
(and the traced result equals the eager one); a function without parameters traces exactly once.
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf


def _ramp(n: int) -> Any:
    return tf.reduce_sum(tf.range(n))


def test_python_only_arguments_retrace_per_value() -> None:
    ramp = tf.function(_ramp)
    for n in range(1, 5):
        assert int(ramp(n)) == int(_ramp(n))
    assert ramp.experimental_get_tracing_count() == 4
    for n in range(1, 5):
        ramp(n)
    assert ramp.experimental_get_tracing_count() == 4


def test_repeated_python_value_reuses_the_trace() -> None:
    ramp = tf.function(_ramp)
    for _ in range(4):
        ramp(3)
    assert ramp.experimental_get_tracing_count() == 1


def test_function_without_parameters_traces_once() -> None:
    @tf.function
    def constant() -> Any:
        return tf.constant(7) * 2

    for _ in range(4):
        assert int(constant()) == 14
    assert constant.experimental_get_tracing_count() == 1
