"""Reason id ``too-little-work``.

Claim (hazards.md A): calling a ``tf.function`` has a fixed cost and a trace is expensive, so a
*cheap* function (few TF ops per call) or a *cold* one (called once) gets slower.

Wall-clock time is not asserted here (see ``bench/tf_call_overhead.py`` for the measured
per-call overhead). What is shown, by counts, on TF 2.21:

* a cold function pays a full trace for its only call (tracing count 1 after 1 call), and the
  first call of a function that creates variables pays two traces;
* every new input shape costs another trace (no automatic shape relaxation by default: 4
  shapes → 4 traces), while new values of the same shape reuse the trace;
* the graph a trace builds for a one-op function contains that single compute op, i.e. each
  call buys one op's worth of graph execution for the per-call dispatch cost.
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

BOOKKEEPING_OPS = {"Placeholder", "Identity", "NoOp", "Const"}


def _double(x: Any) -> Any:
    return x * 2.0


def test_cold_function_traces_for_its_only_call() -> None:
    traced = tf.function(_double)
    assert traced.experimental_get_tracing_count() == 0
    traced(tf.constant(1.0))
    assert traced.experimental_get_tracing_count() == 1


def test_cold_variable_creating_function_traces_twice_for_its_only_call() -> None:
    state: dict[str, Any] = {}

    @tf.function
    def scale(x: Any) -> Any:
        if "weight" not in state:
            state["weight"] = tf.Variable(2.0)
        return state["weight"] * x

    scale(tf.constant(1.0))
    assert scale.experimental_get_tracing_count() == 2


def test_new_input_shapes_retrace() -> None:
    traced = tf.function(_double)
    for length in (1, 2, 3, 4):
        traced(tf.zeros([length]))
    assert traced.experimental_get_tracing_count() == 4
    for length in (1, 2, 3, 4):
        traced(tf.ones([length]))
    assert traced.experimental_get_tracing_count() == 4


def test_new_dtype_retraces() -> None:
    @tf.function
    def traced(x: Any) -> Any:
        return x * 2

    traced(tf.constant(1.0))
    traced(tf.constant(1.0, tf.float64))
    traced(tf.constant(1))
    assert traced.experimental_get_tracing_count() == 3


def test_one_op_function_graph_holds_one_compute_op() -> None:
    graph = tf.function(_double).get_concrete_function(tf.constant(1.0)).graph
    compute = [op.type for op in graph.get_operations() if op.type not in BOOKKEEPING_OPS]
    assert compute == ["Mul"]
