"""Reason id ``already-traced-by-callers``.

Claim (hazards.md A): when every caller is already hybrid, the function runs inside the
caller's graph; a nested ``@tf.function`` adds trace cost only.

Shown here on TF 2.21: the inner ``tf.function`` is traced during the outer trace (its tracing
count goes 0 → 1 on the outer function's first call and stays there over later outer calls),
and results are identical with or without the inner decorator. Precisely, the nested function is
*not* inlined into the outer ``FuncGraph``: it gets its own trace and appears as a single
``PartitionedCall`` op calling a library function ``__inference_<name>_<n>``, whereas an undecorated
helper's ops (``Mul``) appear directly in the outer graph. (Grappler may inline the call at run
time; that is not visible from Python.) The inner decorator thus adds one extra trace, and one
more per distinct input signature the outer function passes to it.
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf


def _helper(x: Any) -> Any:
    return x * 2.0


def _pair() -> tuple[Any, Any]:
    inner = tf.function(_helper)

    @tf.function
    def outer(x: Any) -> Any:
        return inner(x) + 1.0

    return inner, outer


def test_inner_is_traced_as_part_of_the_outer_trace() -> None:
    inner, outer = _pair()
    assert inner.experimental_get_tracing_count() == 0
    outer(tf.constant([1.0, 2.0]))
    assert outer.experimental_get_tracing_count() == 1
    assert inner.experimental_get_tracing_count() == 1
    for _ in range(3):
        outer(tf.constant([3.0, 4.0]))
    assert outer.experimental_get_tracing_count() == 1
    assert inner.experimental_get_tracing_count() == 1


def test_inner_retraces_with_each_new_outer_signature() -> None:
    inner, outer = _pair()
    outer(tf.constant([1.0]))
    outer(tf.constant([1.0, 2.0]))
    assert outer.experimental_get_tracing_count() == 2
    assert inner.experimental_get_tracing_count() == 2


def test_nested_decorator_does_not_change_results() -> None:
    _, outer = _pair()

    @tf.function
    def outer_plain(x: Any) -> Any:
        return _helper(x) + 1.0

    x = tf.constant([1.0, 2.0])
    assert outer(x).numpy().tolist() == outer_plain(x).numpy().tolist() == [3.0, 5.0]


def test_nested_function_is_a_call_op_not_inlined_ops() -> None:
    _, outer = _pair()

    @tf.function
    def outer_plain(x: Any) -> Any:
        return _helper(x) + 1.0

    x = tf.constant([1.0, 2.0])
    nested = outer.get_concrete_function(x).graph
    plain = outer_plain.get_concrete_function(x).graph
    nested_ops = {op.type for op in nested.get_operations()}
    plain_ops = {op.type for op in plain.get_operations()}
    assert "PartitionedCall" in nested_ops
    assert "Mul" not in nested_ops
    assert "Mul" in plain_ops
    assert "PartitionedCall" not in plain_ops
    library = [function.signature.name for function in nested.as_graph_def().library.function]
    assert len(library) == 1
    assert library[0].startswith("__inference__helper")
