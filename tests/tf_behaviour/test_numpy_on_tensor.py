"""Reason id ``numpy-on-tensor``.

Claim (hazards.md A): a value derived from a tensor parameter that flows into NumPy/``math``
calls breaks tracing, because NumPy cannot consume symbolic tensors.

Shown here on TF 2.21: the same calls work eagerly; while tracing, NumPy functions raise
``NotImplementedError: Cannot convert a symbolic tf.Tensor (x:0) to a numpy array`` and
``math`` functions raise ``TypeError: must be real number, not SymbolicTensor``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

np = pytest.importorskip("numpy")
tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

NUMPY_CALLS: dict[str, Callable[[Any], Any]] = {
    "np.sum": np.sum,
    "np.square": np.square,
    "np.asarray": np.asarray,
    "np.mean-of-derived": lambda x: np.mean(x * 2.0),
}


@pytest.mark.parametrize("name", sorted(NUMPY_CALLS))
def test_numpy_call_works_eagerly(name: str) -> None:
    result = NUMPY_CALLS[name](tf.constant([1.0, 2.0]))
    assert np.asarray(result).dtype == np.float32


@pytest.mark.parametrize("name", sorted(NUMPY_CALLS))
def test_numpy_call_raises_while_tracing(name: str) -> None:
    call = NUMPY_CALLS[name]

    def body(x: Any) -> Any:
        return call(x)

    with pytest.raises(NotImplementedError, match=r"Cannot convert a symbolic tf\.Tensor"):
        tf.function(body)(tf.constant([1.0, 2.0]))


def test_math_call_raises_while_tracing() -> None:
    def body(x: Any) -> Any:
        return math.sqrt(x)

    assert body(tf.constant(4.0)) == 2.0
    with pytest.raises(TypeError, match="must be real number, not SymbolicTensor"):
        tf.function(body)(tf.constant(4.0))
