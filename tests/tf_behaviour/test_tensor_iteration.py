"""Reason id ``tensor-iteration``.

Claim (hazards.md A): AutoGraph turns a plain ``for x in tensor`` into a graph loop; Python-side
accumulation of the elements into lists then raises ``InaccessibleTensorError``; with
``autograph=False`` iteration raises ``OperatorNotAllowedInGraphError``.

Shown here on TF 2.21 — all three hold, with two additions the catalogue does not mention:

* accumulation only raises when a list element is *used as a tensor* after the loop (e.g.
  ``tf.stack(out)``); ``len(out)`` silently answers 1 (the loop body ran once, at trace time)
  where eager answers the tensor's length;
* appending to a list *outside* the function does not raise inside it; the list keeps one
  symbolic tensor from the loop body, and using it later raises ``TypeError: ... cannot be
  accessed from here``.

``InaccessibleTensorError`` is a ``ValueError`` subclass that TF 2.21 does not export as
``tf.errors.InaccessibleTensorError`` (it lives in ``tensorflow.python.framework.errors_impl``).
"""

from __future__ import annotations

from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

VALUES = [1.0, 2.0, 3.0]


def _sum(x: Any) -> Any:
    total = tf.constant(0.0)
    for element in x:
        total += element
    return total


def _stacked_doubles(x: Any) -> Any:
    out = []
    for element in x:
        out.append(element * 2.0)
    return tf.stack(out)


def test_autograph_turns_the_loop_into_a_graph_loop() -> None:
    traced = tf.function(_sum)
    assert float(traced(tf.constant(VALUES))) == float(_sum(tf.constant(VALUES))) == 6.0
    graph = traced.get_concrete_function(tf.constant(VALUES)).graph
    loop_ops = {"While", "StatelessWhile"} & {op.type for op in graph.get_operations()}
    assert loop_ops == {"StatelessWhile"}


@pytest.mark.parametrize("signature", [None, [tf.TensorSpec([None], tf.float32)]])
def test_list_accumulation_raises_inaccessible_tensor_error(signature: Any) -> None:
    assert _stacked_doubles(tf.constant(VALUES)).numpy().tolist() == [2.0, 4.0, 6.0]
    traced = tf.function(_stacked_doubles, input_signature=signature)
    with pytest.raises(ValueError, match="which is out of scope") as caught:
        traced(tf.constant(VALUES))
    # not exported under tf.errors; it lives in tensorflow.python.framework.errors_impl
    assert type(caught.value).__name__ == "InaccessibleTensorError"


def test_list_accumulation_without_tensor_use_is_silently_wrong() -> None:
    def count(x: Any) -> Any:
        out = []
        for element in x:
            out.append(element)
        return len(out)

    assert count(tf.constant(VALUES)) == 3
    assert int(tf.function(count)(tf.constant(VALUES))) == 1


def test_appending_to_an_outer_list_leaks_a_symbolic_tensor() -> None:
    leaked: list[Any] = []

    @tf.function
    def collect(x: Any) -> Any:
        for element in x:
            leaked.append(element)
        return tf.constant(0)

    collect(tf.constant(VALUES))
    assert len(leaked) == 1
    with pytest.raises(TypeError, match="cannot be accessed from here"):
        leaked[0] + 1.0


@pytest.mark.parametrize("signature", [None, [tf.TensorSpec([None], tf.float32)]])
def test_iteration_without_autograph_raises(signature: Any) -> None:
    traced = tf.function(_sum, autograph=False, input_signature=signature)
    with pytest.raises(
        tf.errors.OperatorNotAllowedInGraphError,
        match=r"Iterating over a symbolic `tf\.Tensor` is not allowed",
    ):
        traced(tf.constant(VALUES))
