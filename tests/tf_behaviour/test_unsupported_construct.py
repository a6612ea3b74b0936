"""Reason id ``unsupported-construct``.

Claim (hazards.md A): generator functions (``yield``), ``async def``, and control flow on Python
exceptions from tensor ops (``except tf.errors.OutOfRangeError`` loops, ``StopIteration`` from
``next``) are not traceable, or are traced with a different meaning.

Shown here on TF 2.21:

* a generator function under ``tf.function`` raises ``TypeError: To be compatible with
  tf.function, Python functions must return zero or more Tensors ... found return value of type
  generator`` (AutoGraph also warns "generators are not supported"); ``async def`` raises the
  same ``TypeError`` with "type coroutine";
* a loop that stops on ``StopIteration`` from ``next(iterator)`` or on
  ``tf.errors.OutOfRangeError`` from ``iterator.get_next()`` over a ``tf.data`` iterator stops
  correctly eagerly, but while tracing neither exception is ever raised: the ``except`` branch
  is dead, every ``next`` becomes an ``IteratorGetNext`` op, and at run time the call fails with
  ``tf.errors.OutOfRangeError: End of sequence``. The ``while True:`` form therefore never
  finishes tracing (observed: AutoGraph's "Large unrolled loop detected" warnings, no end within
  300 s; not run here).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

NOT_A_TENSOR = "Python functions must return zero or more Tensors"


def test_generator_function_is_not_traceable() -> None:
    def ramp(x: Any) -> Iterator[Any]:
        for i in range(3):
            yield x + float(i)

    assert [float(v) for v in ramp(tf.constant(1.0))] == [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match=f"{NOT_A_TENSOR}.*found return value of type generator"):
        tf.function(ramp)(tf.constant(1.0))


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_async_function_is_not_traceable() -> None:
    async def increment(x: Any) -> Any:
        return x + 1.0

    assert float(asyncio.run(increment(tf.constant(1.0)))) == 2.0
    with pytest.raises(TypeError, match=f"{NOT_A_TENSOR}.*found return value of type coroutine"):
        tf.function(increment)(tf.constant(1.0))
    gc.collect()


def _sum_with_next(iterator: Any) -> Any:
    total = tf.constant(0, tf.int64)
    for _ in range(5):
        try:
            total += next(iterator)
        except StopIteration:
            break
    return total


def _sum_with_get_next(iterator: Any) -> Any:
    total = tf.constant(0, tf.int64)
    for _ in range(5):
        try:
            total += iterator.get_next()
        except tf.errors.OutOfRangeError:
            break
    return total


def _dataset() -> Any:
    return tf.data.Dataset.range(3)


@pytest.mark.parametrize("loop", [_sum_with_next, _sum_with_get_next])
def test_exception_terminated_loop_stops_eagerly(loop: Any) -> None:
    assert int(loop(iter(_dataset()))) == 3


@pytest.mark.parametrize("loop", [_sum_with_next, _sum_with_get_next])
def test_exception_terminated_loop_fails_when_traced(loop: Any) -> None:
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        tf.function(loop)(iter(_dataset()))


def test_next_never_raises_stop_iteration_while_tracing() -> None:
    def take_ten(iterator: Any) -> Any:
        return [next(iterator) for _ in range(10)]

    with pytest.raises(StopIteration):
        take_ten(iter(_dataset()))
    graph = tf.function(take_ten).get_concrete_function(iter(_dataset())).graph
    reads = [op for op in graph.get_operations() if op.type == "IteratorGetNext"]
    assert len(reads) == 10
