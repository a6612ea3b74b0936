"""Every hand-written model names something that exists in the installed libraries.

This is the project's equivalent of ``mypy.stubtest`` for the models (design §6): each modelled
function, class, method, attribute, module and re-export is looked up in the real TensorFlow,
Keras, NumPy and standard library (canonical ``keras.*`` names are tried under both ``keras``
and ``tensorflow.keras``). Methods and attributes that only exist on instances are checked on a
sample instance. What cannot exist is listed in ``ALLOWLIST`` with the reason.
"""

from __future__ import annotations

import importlib
import inspect
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hybridize.stubs.loader import load_models

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")
np = pytest.importorskip("numpy")

pytestmark = pytest.mark.tf

ALLOWLIST: dict[str, str] = {
    "tensorflow.Tensor.T": "exists only with tf.experimental.numpy behaviour enabled",
    "keras.optimizers.Optimizer.minimize": "Keras 2 (tf_keras) optimizers only",
    "keras.callbacks.History.history": "set by Model.fit",
    "tensorflow._ContextManager": "model-only: what tf.device/name_scope/... return",
    "tensorflow._ContextManager.__enter__": "model-only helper class",
    "tensorflow._ContextManager.__exit__": "model-only helper class",
}


def _instances() -> dict[str, Callable[[], Any]]:
    """Sample instances for members that only exist on instances (EagerTensor, built models)."""

    def model() -> Any:
        built = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        built.compile(optimizer="adam", loss="mse")
        return built

    return {
        "tensorflow.Tensor": lambda: tf.constant([[1.0]]),
        "tensorflow.Variable": lambda: tf.Variable([[1.0]]),
        "tensorflow.RaggedTensor": lambda: tf.ragged.constant([[1], [2, 3]]),
        "tensorflow.sparse.SparseTensor": lambda: tf.sparse.from_dense([[1.0, 0.0]]),
        "tensorflow.TensorSpec": lambda: tf.TensorSpec([1]),
        "tensorflow.Module": tf.Module,
        "tensorflow.DType": lambda: tf.float32,
        "numpy.ndarray": lambda: np.zeros(2),
        "keras.Model": model,
        "keras.Sequential": model,
        "keras.layers.Layer": lambda: keras.layers.Dense(1),
        "keras.metrics.Metric": keras.metrics.Mean,
        "keras.optimizers.Optimizer": keras.optimizers.Adam,
        "keras.mixed_precision.Policy": lambda: keras.mixed_precision.Policy("float32"),
        "logging.Logger": lambda: logging.getLogger("hybridize-test"),
        "io.TextIOWrapper": lambda: io.TextIOWrapper(io.BytesIO()),
        "builtins.BaseException": lambda: Exception("x"),
        "tensorflow.config.PhysicalDevice": lambda: tf.config.list_physical_devices()[0],
    }


_MISSING = object()


def _resolve(qualname: str) -> object:
    roots = [qualname]
    if qualname.startswith("keras."):
        roots.append("tensorflow." + qualname)
    for candidate in roots:
        found = _resolve_one(candidate)
        if found is not _MISSING:
            return found
    return _MISSING


def _resolve_one(qualname: str) -> object:
    parts = qualname.split(".")
    obj: object = _MISSING
    for length in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:length]))
        except ImportError:
            continue
        rest = parts[length:]
        break
    else:
        return _MISSING
    for part in rest:
        obj = getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return obj


def _on_instance(qualname: str) -> bool:
    owner, _, member = qualname.rpartition(".")
    models = load_models()
    factories = _instances()
    for model in [models.cls(owner), *_subclass_models(owner)]:
        if model is None:
            continue
        for candidate in (model.qualname, *model.bases):
            factory = factories.get(candidate)
            if factory is not None and hasattr(factory(), member):
                return True
    return False


def _subclass_models(owner: str) -> Iterator[Any]:
    """Model classes derived from ``owner``: members modelled on a base (``keras.layers.Layer``)
    are checked on an instance of any subclass that has a sample."""
    models = load_models()
    for name, kind in models.qualnames():
        if kind == "class" and name in _instances() and models.is_subclass(name, owner):
            yield models.cls(name)


def _names() -> list[tuple[str, str]]:
    return [(name, kind) for name, kind in load_models().qualnames()]


@pytest.mark.parametrize(("qualname", "kind"), _names(), ids=[n for n, _ in _names()])
def test_model_names_exist(qualname: str, kind: str) -> None:
    if qualname in ALLOWLIST:
        pytest.skip(ALLOWLIST[qualname])
    if _resolve(qualname) is not _MISSING:
        return
    if kind in ("method", "attribute") and _on_instance(qualname):
        return
    pytest.fail(f"{kind} {qualname} does not exist in the installed libraries")


def test_allowlist_is_not_stale() -> None:
    names = {name for name, _ in load_models().qualnames()}
    assert set(ALLOWLIST) <= names


def _signature_names(obj: object) -> tuple[set[str], bool] | None:
    try:
        signature = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    names = {p.name for p in signature.parameters.values()}
    flexible = any(
        p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in signature.parameters.values()
    )
    return names, flexible


def _function_models() -> list[Any]:
    return sorted(
        (m for m in load_models().functions() if not m.is_property),
        key=lambda m: m.qualname,
    )


@pytest.mark.parametrize("model", _function_models(), ids=lambda m: m.qualname)
def test_model_parameters_exist(model: Any) -> None:
    """Binding is by name: every named parameter of a model is a parameter of the real callable
    (unless the real one takes ``*args``/``**kwargs``, or cannot be introspected)."""
    if model.qualname in ALLOWLIST or model.qualname.startswith("builtins."):
        pytest.skip("allowlisted or a builtin (C signatures are often not introspectable)")
    target = _resolve(model.qualname)
    if model.is_constructor and target is not _MISSING:
        target = getattr(target, "__init__", target)
    if target is _MISSING:
        pytest.skip("exists only on instances (checked by test_model_names_exist)")
    found = _signature_names(target)
    if found is None:
        pytest.skip("signature not introspectable")
    real, flexible = found
    modelled = {
        p.name for p in model.params if p.kind.value not in ("var-positional", "var-keyword")
    }
    missing = modelled - real - {"self"}
    if flexible:
        return
    assert not missing, f"{model.qualname}: parameters {sorted(missing)} not in {sorted(real)}"
