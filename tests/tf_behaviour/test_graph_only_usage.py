"""Reason id ``graph-only-usage`` (hazards.md B).

Claim: when the ``tf.function`` object itself is used — ``.get_concrete_function``,
``.experimental_get_tracing_count``, ``tf.saved_model.save`` signatures, export through a
``tf.Module`` — removing the decorator breaks the program.

Shown here on TF 2.21: on the undecorated function ``get_concrete_function`` and
``experimental_get_tracing_count`` raise ``AttributeError: 'function' object has no attribute
...``; a ``tf.Module`` attribute that is a ``tf.function`` with an input signature survives
``tf.saved_model.save``/``load`` and is callable, while a plain Python function attribute is
silently dropped from the SavedModel (no error at save time).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

tf = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf


def _double(x: Any) -> Any:
    return x * 2.0


@pytest.mark.parametrize("attribute", ["get_concrete_function", "experimental_get_tracing_count"])
def test_tf_function_only_attributes(attribute: str) -> None:
    assert callable(getattr(tf.function(_double), attribute))
    with pytest.raises(AttributeError, match=f"'function' object has no attribute '{attribute}'"):
        getattr(_double, attribute)


def test_concrete_function_is_available_only_with_the_decorator() -> None:
    concrete = tf.function(_double).get_concrete_function(tf.TensorSpec([None], tf.float32))
    assert concrete(tf.constant([1.0])).numpy().tolist() == [2.0]


@pytest.mark.parametrize("decorated", [True, False])
def test_saved_model_exports_only_tf_functions(decorated: bool, tmp_path: Path) -> None:
    module = tf.Module()
    module.double = (
        tf.function(_double, input_signature=[tf.TensorSpec([None], tf.float32)])
        if decorated
        else _double
    )
    tf.saved_model.save(module, str(tmp_path))
    loaded = tf.saved_model.load(str(tmp_path))
    assert hasattr(loaded, "double") is decorated
    if decorated:
        assert loaded.double(tf.constant([1.0])).numpy().tolist() == [2.0]
