"""Reason id ``recursion``.

Claim (hazards.md A/B): recursive ``tf.function``s are not supported.

What TF 2.21 actually does: tracing runs the Python body, so recursion happens at trace time.

* When the recursion stops on a *tensor* condition (``if n <= 1`` with a tensor ``n``), AutoGraph
  stages the ``if`` as a ``tf.cond`` and traces both branches, so the recursion never bottoms
  out: the call raises ``StagingError`` (an AutoGraph error, not a ``RecursionError`` subclass)
  whose message ends in ``RecursionError: maximum recursion depth exceeded``; with
  ``autograph=False`` and an explicit ``tf.cond`` it is a plain ``RecursionError``. The same
  holds for mutual recursion and for an undecorated recursive helper called from a
  ``tf.function``.
* When the recursion stops on a *Python* value, it works: the recursion is unrolled at trace
  time, and a decorated recursive function traces once per recursion depth (``fact(3)`` traces
  3 concrete functions); an undecorated recursive helper is inlined into one trace.

So "not supported" is imprecise: only recursion whose termination depends on a tensor fails.
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

RECURSION_MESSAGE = r"RecursionError: maximum recursion depth exceeded"


def _factorial() -> Any:
    @tf.function
    def factorial(n: Any) -> Any:
        if n <= 1:
            return tf.constant(1)
        return n * factorial(n - 1)

    return factorial


def test_recursion_on_a_tensor_condition_fails_while_tracing() -> None:
    factorial = _factorial()
    with pytest.raises(Exception, match=RECURSION_MESSAGE) as caught:
        factorial(tf.constant(3))
    assert type(caught.value).__name__ == "StagingError"
    assert not isinstance(caught.value, RecursionError)
    assert factorial.experimental_get_tracing_count() == 0


def test_recursion_through_tf_cond_without_autograph_is_a_recursion_error() -> None:
    @tf.function(autograph=False)
    def factorial(n: Any) -> Any:
        return tf.cond(n <= 1, lambda: tf.constant(1), lambda: n * factorial(n - 1))

    with pytest.raises(RecursionError):
        factorial(tf.constant(3))


def test_mutual_recursion_on_a_tensor_fails_while_tracing() -> None:
    @tf.function
    def is_even(n: Any) -> Any:
        return tf.constant(True) if n == 0 else is_odd(n - 1)

    @tf.function
    def is_odd(n: Any) -> Any:
        return tf.constant(False) if n == 0 else is_even(n - 1)

    with pytest.raises(Exception, match=RECURSION_MESSAGE) as caught:
        is_even(tf.constant(4))
    assert type(caught.value).__name__ == "StagingError"


def test_undecorated_recursive_helper_on_a_tensor_fails_while_tracing() -> None:
    def helper(n: Any) -> Any:
        if n <= 1:
            return tf.constant(1)
        return n * helper(n - 1)

    with pytest.raises(Exception, match=RECURSION_MESSAGE):
        tf.function(helper)(tf.constant(4))


def test_recursion_on_a_python_value_traces_once_per_depth() -> None:
    factorial = _factorial()
    assert int(factorial(3)) == 6
    assert factorial.experimental_get_tracing_count() == 3


def test_mutual_recursion_on_a_python_value_works() -> None:
    @tf.function
    def is_even(n: Any) -> Any:
        return tf.constant(True) if n == 0 else is_odd(n - 1)

    @tf.function
    def is_odd(n: Any) -> Any:
        return tf.constant(False) if n == 0 else is_even(n - 1)

    assert bool(is_even(4)) is True
    assert is_even.experimental_get_tracing_count() == 3
    assert is_odd.experimental_get_tracing_count() == 2


def test_undecorated_recursive_helper_on_a_python_value_is_unrolled() -> None:
    def helper(n: Any) -> Any:
        if n <= 1:
            return tf.constant(1)
        return n * helper(n - 1)

    outer = tf.function(helper)
    assert int(outer(4)) == 24
    assert outer.experimental_get_tracing_count() == 1
