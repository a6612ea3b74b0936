"""Reason id ``variable-creation``.

Claim (hazards.md A): ``tf.function`` only allows variables created on the first trace, so a
function that creates ``tf.Variable``s on every call breaks; creation guarded to the first call
is fine.

Shown here on TF 2.21: unguarded creation raises ``ValueError: tf.function only supports
singleton tf.Variables created on the first call`` already on the **first** call (the first call
of a variable-creating function traces twice; the second trace must not create variables), so
it is not a "second call" failure. Eagerly the same function works on every call. Guarded
creation works, including a later retrace for a new shape; its first call traces twice.
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

SINGLETON_MESSAGE = "tf.function only supports singleton tf.Variables created on the first call"


def _fresh_variable(x: Any) -> Any:
    weight = tf.Variable(2.0)
    return weight * x


def test_unguarded_creation_works_eagerly() -> None:
    for _ in range(3):
        assert float(_fresh_variable(tf.constant(1.0))) == 2.0


def test_unguarded_creation_raises_on_the_first_call() -> None:
    traced = tf.function(_fresh_variable)
    with pytest.raises(ValueError, match=SINGLETON_MESSAGE):
        traced(tf.constant(1.0))
    with pytest.raises(ValueError, match=SINGLETON_MESSAGE):
        traced(tf.constant(1.0))


class _Scaler:
    def __init__(self) -> None:
        self.weight: Any = None

    @tf.function
    def __call__(self, x: Any) -> Any:
        if self.weight is None:
            self.weight = tf.Variable(2.0)
        return self.weight * x


def test_creation_guarded_to_the_first_call_is_fine() -> None:
    scaler = _Scaler()
    assert float(scaler(tf.constant(1.0))) == 2.0
    assert scaler.__call__.experimental_get_tracing_count() == 2  # first call traces twice
    assert float(scaler(tf.constant(3.0))) == 6.0
    assert scaler(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    assert scaler.__call__.experimental_get_tracing_count() == 3
