"""Reason id ``python-side-effects`` (hazards.md A).

Claim: Python side effects (global/nonlocal writes, mutation of objects the function did not
create, ``print``/logging/file I/O, Python/NumPy random numbers, ``next`` on a Python iterator,
appends to an outer list) run once, at trace time, not on every call.

Shown here on TF 2.21 by counting each effect over K calls, eager against traced: eager runs it
K times, the ``tf.function`` once. Precisely it is *once per trace*: a new input shape runs the
effect again, and the first call of a function that creates a ``tf.Variable`` traces twice, so
the effect runs twice on that call. Random draws are frozen into the graph as constants. Graph
operations (``Variable.assign_add``, ``tf.print``) run on every call.

Not what the catalogue says: mutating a ``list``/``dict`` that is itself an *argument of the
decorated function* does not run once — the trace raises ``ValueError: ... should not modify its
Python input arguments`` and the caller's object is left untouched (``tf.function`` hands the
body a copy). Attribute writes on an object argument do run once.
"""

from __future__ import annotations

import contextlib
import io
import logging
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")
tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

CALLS = 3

_global_counter = 0


class _Box:
    def __init__(self) -> None:
        self.count = 0


class _CountingHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1


Scenario = tuple[Callable[[Any], Any], Callable[[], int]]


def _print_effect(tmp_path: Path) -> Scenario:
    out = io.StringIO()

    def body(x: Any) -> Any:
        with contextlib.redirect_stdout(out):
            print("step")
        return x + 1.0

    return body, lambda: out.getvalue().count("step")


def _logging_effect(tmp_path: Path) -> Scenario:
    logger = logging.getLogger("hybridize.tests.tf_behaviour.side_effects")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = _CountingHandler()
    logger.handlers[:] = [handler]

    def body(x: Any) -> Any:
        logger.info("step")
        return x + 1.0

    return body, lambda: handler.records


def _file_effect(tmp_path: Path) -> Scenario:
    path = tmp_path / "log.txt"
    path.write_text("")

    def body(x: Any) -> Any:
        with path.open("a") as handle:
            handle.write("step\n")
        return x + 1.0

    return body, lambda: path.read_text().count("step")


def _global_effect(tmp_path: Path) -> Scenario:
    global _global_counter
    _global_counter = 0

    def body(x: Any) -> Any:
        global _global_counter
        _global_counter += 1
        return x + 1.0

    return body, lambda: _global_counter


def _nonlocal_effect(tmp_path: Path) -> Scenario:
    count = 0

    def body(x: Any) -> Any:
        nonlocal count
        count += 1
        return x + 1.0

    return body, lambda: count


def _outer_list_effect(tmp_path: Path) -> Scenario:
    seen: list[int] = []

    def body(x: Any) -> Any:
        seen.append(1)
        return x + 1.0

    return body, lambda: len(seen)


def _attribute_effect(tmp_path: Path) -> Scenario:
    box = _Box()

    def body(x: Any) -> Any:
        box.count += 1
        return x + 1.0

    return body, lambda: box.count


def _iterator_effect(tmp_path: Path) -> Scenario:
    source = iter(range(100))
    taken: list[int] = []

    def body(x: Any) -> Any:
        taken.append(next(source))
        return x + float(taken[-1])

    return body, lambda: next(source)  # the next unread item = how many were consumed


EFFECTS: dict[str, Callable[[Path], Scenario]] = {
    "print": _print_effect,
    "logging": _logging_effect,
    "file-write": _file_effect,
    "global-write": _global_effect,
    "nonlocal-write": _nonlocal_effect,
    "outer-list-append": _outer_list_effect,
    "attribute-write": _attribute_effect,
    "iterator-advance": _iterator_effect,
}


@pytest.mark.parametrize("kind", sorted(EFFECTS))
def test_effect_runs_every_call_eagerly(kind: str, tmp_path: Path) -> None:
    body, count = EFFECTS[kind](tmp_path)
    for _ in range(CALLS):
        body(tf.constant(0.0))
    assert count() == CALLS


@pytest.mark.parametrize("kind", sorted(EFFECTS))
def test_effect_runs_once_when_traced(kind: str, tmp_path: Path) -> None:
    body, count = EFFECTS[kind](tmp_path)
    traced = tf.function(body)
    for _ in range(CALLS):
        traced(tf.constant(0.0))
    assert traced.experimental_get_tracing_count() == 1
    assert count() == 1


def test_traced_iterator_value_is_frozen() -> None:
    source = iter(range(100))

    def body(x: Any) -> Any:
        return x + float(next(source))

    eager = [float(body(tf.constant(0.0))) for _ in range(CALLS)]
    source = iter(range(100))
    traced_fn = tf.function(body)
    traced = [float(traced_fn(tf.constant(0.0))) for _ in range(CALLS)]
    assert eager == [0.0, 1.0, 2.0]
    assert traced == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("draw", ["python-random", "numpy-random"])
def test_random_draws_are_frozen_at_trace_time(draw: str) -> None:
    def sample() -> float:
        return random.random() if draw == "python-random" else float(np.random.rand())

    def body(x: Any) -> Any:
        return x + sample()

    random.seed(0)
    np.random.seed(0)
    eager = {float(body(tf.constant(0.0))) for _ in range(CALLS)}
    traced_fn = tf.function(body)
    traced = {float(traced_fn(tf.constant(0.0))) for _ in range(CALLS)}
    assert len(eager) == CALLS
    assert len(traced) == 1


def test_effect_runs_once_per_trace_not_once_overall() -> None:
    count = 0

    @tf.function
    def body(x: Any) -> Any:
        nonlocal count
        count += 1
        return x * 2.0

    body(tf.zeros([1]))
    body(tf.zeros([1]))
    body(tf.zeros([2]))  # new shape: a second trace
    body(tf.zeros([2]))
    assert body.experimental_get_tracing_count() == 2
    assert count == 2


def test_first_call_of_a_variable_creating_function_runs_the_effect_twice() -> None:
    class Scaler:
        def __init__(self) -> None:
            self.weight: Any = None
            self.calls = 0

        @tf.function
        def __call__(self, x: Any) -> Any:
            self.calls += 1
            if self.weight is None:
                self.weight = tf.Variable(2.0)
            return self.weight * x

    scaler = Scaler()
    scaler(tf.constant(1.0))
    assert scaler.calls == 2
    scaler(tf.constant(1.0))
    scaler(tf.constant(1.0))
    assert scaler.calls == 2


def test_graph_effects_run_every_call(tmp_path: Path) -> None:
    counter = tf.Variable(0)
    path = tmp_path / "tf_print.txt"

    @tf.function
    def body(x: Any) -> Any:
        counter.assign_add(1)
        tf.print("tick", output_stream=f"file://{path}")
        return x + 1.0

    for _ in range(CALLS):
        body(tf.constant(0.0))
    assert int(counter.numpy()) == CALLS
    assert path.read_text().count("tick") == CALLS


@pytest.mark.parametrize("container", ["list", "dict"])
def test_mutating_a_container_argument_raises(container: str) -> None:
    def body(x: Any, bag: Any) -> Any:
        if isinstance(bag, list):
            bag.append(1)
        else:
            bag["n"] = 1
        return x + 1.0

    eager_bag: Any = [] if container == "list" else {}
    body(tf.constant(0.0), eager_bag)
    assert len(eager_bag) == 1

    traced_bag: Any = [] if container == "list" else {}
    with pytest.raises(ValueError, match="should not modify its Python input arguments"):
        tf.function(body)(tf.constant(0.0), traced_bag)
    assert len(traced_bag) == 0


def test_attribute_write_on_an_object_argument_runs_once() -> None:
    def body(x: Any, box: _Box) -> Any:
        box.count += 1
        return x + 1.0

    box = _Box()
    traced = tf.function(body)
    for _ in range(CALLS):
        traced(tf.constant(0.0), box)
    assert box.count == 1
