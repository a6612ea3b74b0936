"""Reason id ``conflicting-dtypes``.

Claim (hazards.md A): when one parameter is combined with operands of two or more different
dtypes, eager per-op coercion of a NumPy/Python argument cannot be reproduced by a single traced
dtype; the traced program raises or changes precision.

Shown here on TF 2.21, and where the claim is imprecise:

* **NumPy** arguments (arrays and NumPy scalars) are converted to a tensor of their *own* dtype
  at the ``tf.function`` boundary. Eagerly, ``a * x32`` and ``a * x64`` each coerce ``a`` to the
  other operand's dtype; traced, the first mismatching op raises ``TypeError: Input 'y' of 'Mul'
  Op has type float32 that does not match type float64 of argument 'x'.``
* **One** other dtype is already enough: a float64 NumPy array (NumPy's default) added to a
  float32 tensor works eagerly and raises traced — the "two or more" condition misses the most
  common case. Eager coercion can even truncate (``np.array([1.5]) * tf.constant([2])`` is
  ``[2]`` int32 eagerly); traced it raises.
* **Python** scalars and lists are *not* converted at the boundary (they become trace-time
  constants), so per-op coercion survives tracing and nothing changes.
* "Changes precision" was only observed with an ``input_signature``: a float64 NumPy array
  passed to a ``float32`` ``TensorSpec`` is silently cast (1/3 → 0.33333334).
"""

from __future__ import annotations

from typing import Any

import pytest

np = pytest.importorskip("numpy")
tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

MISMATCH = r"Input 'y' of '\w+' Op has type \w+ that does not match type \w+ of argument 'x'"


def _two_dtypes(a: Any, x32: Any, x64: Any) -> Any:
    return a * x32, a * x64


def _operands() -> tuple[Any, Any]:
    return tf.constant([1.0, 2.0], tf.float32), tf.constant([1.0, 2.0], tf.float64)


NUMPY_ARGUMENTS: dict[str, Any] = {
    "float64-array": np.array([0.5, 0.25]),
    "float32-array": np.array([0.5, 0.25], np.float32),
    "int64-array": np.array([1, 2]),
    "float64-scalar": np.float64(0.5),
}

PYTHON_ARGUMENTS: dict[str, Any] = {"float": 0.5, "int": 2, "list": [0.5, 0.25]}


@pytest.mark.parametrize("kind", sorted(NUMPY_ARGUMENTS))
def test_numpy_argument_coerces_per_op_eagerly(kind: str) -> None:
    products = _two_dtypes(NUMPY_ARGUMENTS[kind], *_operands())
    assert [product.dtype for product in products] == [tf.float32, tf.float64]


@pytest.mark.parametrize("kind", sorted(NUMPY_ARGUMENTS))
def test_numpy_argument_raises_when_traced(kind: str) -> None:
    with pytest.raises(TypeError, match=MISMATCH):
        tf.function(_two_dtypes)(NUMPY_ARGUMENTS[kind], *_operands())


@pytest.mark.parametrize("kind", sorted(PYTHON_ARGUMENTS))
def test_python_argument_keeps_per_op_coercion_when_traced(kind: str) -> None:
    products = tf.function(_two_dtypes)(PYTHON_ARGUMENTS[kind], *_operands())
    assert [product.dtype for product in products] == [tf.float32, tf.float64]


def test_a_single_other_dtype_is_enough() -> None:
    def shift(a: Any, x: Any) -> Any:
        return a + x

    a = np.array([0.5])
    assert a.dtype == np.float64
    assert shift(a, tf.constant([1.0])).dtype == tf.float32
    with pytest.raises(TypeError, match=MISMATCH):
        tf.function(shift)(a, tf.constant([1.0]))


def test_eager_coercion_truncates_where_tracing_raises() -> None:
    def scale(a: Any, x: Any) -> Any:
        return a * x

    eager = scale(np.array([1.5]), tf.constant([2]))
    assert eager.dtype == tf.int32
    assert eager.numpy().tolist() == [2]
    with pytest.raises(TypeError, match=MISMATCH):
        tf.function(scale)(np.array([1.5]), tf.constant([2]))


def test_input_signature_silently_lowers_precision() -> None:
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def identity(a: Any) -> Any:
        return a

    third = np.array([1.0 / 3.0])
    result = identity(third)
    assert result.dtype == tf.float32
    assert float(result[0]) != third[0]
    assert float(result[0]) == pytest.approx(third[0], rel=1e-7)
