"""Reason id ``invalid-name-argument``.

Claim (hazards.md A): a TF call that passes a non-string as its ``name`` argument (keyword, or
positionally for ops whose parameter at that position is ``name``) works eagerly — eager mode
ignores ``name`` — but raises while tracing, where the name opens a name scope.

Shown here on TF 2.21 for ``tf.identity``, ``tf.add``, ``tf.cast``, ``tf.abs`` (``name``
positional, 2nd) and ``tf.reduce_sum`` (``name`` positional, 4th), with ``int``, ``float``,
``bool`` and ``tuple`` names: eager returns the result, tracing raises ``TypeError: expected
string or bytes-like object, got '<type>'``. ``tf.constant(..., name=3)`` raises a different
``TypeError`` (``'int' object is not subscriptable``).

Broader than the catalogue says:

* ``bytes`` names and ``None`` are accepted when tracing (not a hazard);
* **strings** that are not valid scope names (leading ``_``, spaces, ``:``, non-ASCII) are also
  ignored eagerly and raise while tracing: ``ValueError: '<name>' is not a valid root scope
  name``;
* the same happens with no ``name`` argument at all for a Keras layer or model whose class
  name starts with ``_``: its automatic name (``_Doubler`` → ``__doubler``) is not a valid root
  scope name, so calling it inside a ``tf.function`` raises although eager calls work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

pytestmark = pytest.mark.tf

OPS: dict[str, Callable[[Any, Any], Any]] = {
    "identity(name=)": lambda x, name: tf.identity(x, name=name),
    "add(name=)": lambda x, name: tf.add(x, x, name=name),
    "cast(name=)": lambda x, name: tf.cast(x, tf.int32, name=name),
    "abs(x, name)": lambda x, name: tf.abs(x, name),
    "reduce_sum(x, axis, keepdims, name)": lambda x, name: tf.reduce_sum(x, None, False, name),
}

NON_STRING_NAMES: dict[str, Any] = {"int": 3, "float": 3.5, "bool": True, "tuple": ("a",)}

INVALID_SCOPE_STRINGS = ["_private", "has space", "a:b", "é"]


def _run(op: str, name: Any, traced: bool) -> Any:
    call = OPS[op]

    def body(x: Any) -> Any:
        return call(x, name)

    function = tf.function(body) if traced else body
    return function(tf.constant([1.0, -2.0]))


@pytest.mark.parametrize("name_type", sorted(NON_STRING_NAMES))
@pytest.mark.parametrize("op", sorted(OPS))
def test_non_string_name_is_ignored_eagerly(op: str, name_type: str) -> None:
    _run(op, NON_STRING_NAMES[name_type], traced=False)


@pytest.mark.parametrize("name_type", sorted(NON_STRING_NAMES))
@pytest.mark.parametrize("op", sorted(OPS))
def test_non_string_name_raises_while_tracing(op: str, name_type: str) -> None:
    with pytest.raises(TypeError, match=f"expected string or bytes-like object, got '{name_type}'"):
        _run(op, NON_STRING_NAMES[name_type], traced=True)


def test_constant_with_non_string_name_raises_while_tracing() -> None:
    def body() -> Any:
        return tf.constant(1.0, name=3)

    assert float(body()) == 1.0
    with pytest.raises(TypeError, match="'int' object is not subscriptable"):
        tf.function(body)()


@pytest.mark.parametrize("name", [None, b"as_bytes", "valid-name.1"])
def test_none_bytes_and_valid_strings_trace_fine(name: Any) -> None:
    assert _run("identity(name=)", name, traced=True).numpy().tolist() == [1.0, -2.0]


@pytest.mark.parametrize("name", INVALID_SCOPE_STRINGS)
def test_string_that_is_not_a_scope_name_raises_while_tracing(name: str) -> None:
    _run("add(name=)", name, traced=False)
    with pytest.raises(ValueError, match="is not a valid root scope name"):
        _run("add(name=)", name, traced=True)


class _Doubler(keras.layers.Layer):  # type: ignore[misc]
    def call(self, x: Any) -> Any:
        return x * 2.0


def test_keras_layer_with_underscore_class_name_fails_only_when_traced() -> None:
    layer = _Doubler()
    assert layer.name == "__doubler"
    assert layer(tf.ones((1, 2))).numpy().tolist() == [[2.0, 2.0]]

    @tf.function
    def apply(x: Any) -> Any:
        return layer(x)

    with pytest.raises(ValueError, match="'__doubler' is not a valid root scope name"):
        apply(tf.ones((1, 2)))
