"""Per-call cost of a ``tf.function`` against eager execution, for the ``too-little-work`` rule.

    python bench/tf_call_overhead.py [--calls N] [--repeat R] [--ops K ...]

For a function made of K chained element-wise ops on a tiny tensor (K=1 by default, plus the
catalogue's default threshold of 6), prints the best-of-R mean time per call of the eager
function and of the same function under ``tf.function`` (after its trace), and the time of the
first, tracing call. Wall-clock numbers depend on the machine; this is a measurement that backs
the figures quoted in hazards.md, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf  # after setting TF_CPP_MIN_LOG_LEVEL


def chain(ops: int) -> Callable[[Any], Any]:
    """A function of ``ops`` element-wise TF operations."""

    def body(x: Any) -> Any:
        for _ in range(ops):
            x = tf.math.multiply(x, 1.0001)
        return x

    return body


def per_call_seconds(function: Callable[[Any], Any], x: Any, calls: int, repeat: int) -> float:
    """Best (over ``repeat`` rounds) mean seconds per call over ``calls`` calls."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for _ in range(calls):
            function(x)
        best = min(best, (time.perf_counter() - started) / calls)
    return best


def first_call_seconds(function: Callable[[Any], Any], x: Any) -> float:
    started = time.perf_counter()
    function(x)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=2000, help="calls per round (default 2000)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds, best kept (default 5)")
    parser.add_argument("--ops", type=int, nargs="+", default=[1, 6], help="ops per function")
    args = parser.parse_args(argv)

    x = tf.constant([1.0, 2.0, 3.0])
    print(f"tensorflow {tf.__version__}, python {platform.python_version()}, {platform.machine()}")
    print(f"{args.calls} calls x best of {args.repeat} rounds, input shape {x.shape.as_list()}")
    print(
        f"{'ops':>4} {'eager ms/call':>14} {'tf.function ms/call':>20} {'ratio':>6} "
        f"{'first call (trace) ms':>22}"
    )
    for ops in args.ops:
        eager = chain(ops)
        traced = tf.function(chain(ops))
        trace = first_call_seconds(traced, x)
        assert traced.experimental_get_tracing_count() == 1
        eager(x)  # warm up the eager op kernels too
        eager_time = per_call_seconds(eager, x, args.calls, args.repeat)
        traced_time = per_call_seconds(traced, x, args.calls, args.repeat)
        print(
            f"{ops:>4} {eager_time * 1e3:>14.4f} {traced_time * 1e3:>20.4f} "
            f"{traced_time / eager_time:>6.2f} {trace * 1e3:>22.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
