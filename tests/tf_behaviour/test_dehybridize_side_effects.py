"""Reason id ``python-side-effects``, section B (dehybridize).

Claim (hazards.md B): removing ``@tf.function`` from a function with Python side effects changes
behaviour, because the trace-time effects then run on every call (so such a removal is
withheld and reported as a latent bug instead).

Shown here on TF 2.21: the decorated function prints, counts and appends once over K calls; the
same function with the decorator removed (``f.python_function``, the undecorated original) does
so K times. The tensor results are the same either way; only the Python effects differ.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

CALLS = 4


class _Recorder:
    def __init__(self) -> None:
        self.count = 0
        self.history: list[str] = []
        self.out = io.StringIO()


def _decorated(recorder: _Recorder) -> Any:
    @tf.function
    def step(x: Any) -> Any:
        recorder.count += 1
        recorder.history.append("step")
        with contextlib.redirect_stdout(recorder.out):
            print("step")
        return x * 2.0

    return step


def _effects(recorder: _Recorder) -> tuple[int, int, int]:
    return recorder.count, len(recorder.history), recorder.out.getvalue().count("step")


def test_decorated_function_runs_effects_once() -> None:
    recorder = _Recorder()
    step = _decorated(recorder)
    results = [float(step(tf.constant(float(i)))) for i in range(CALLS)]
    assert results == [0.0, 2.0, 4.0, 6.0]
    assert _effects(recorder) == (1, 1, 1)


def test_removing_the_decorator_runs_effects_every_call() -> None:
    recorder = _Recorder()
    undecorated = _decorated(recorder).python_function
    results = [float(undecorated(tf.constant(float(i)))) for i in range(CALLS)]
    assert results == [0.0, 2.0, 4.0, 6.0]
    assert _effects(recorder) == (CALLS, CALLS, CALLS)
