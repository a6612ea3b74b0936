"""The types-tensorflow fallback answers TF/Keras names that have no hand-written model."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import InstanceAtom, KerasRole, UnknownAtom, UnknownReason, Value
from hybridize.stubs import rules
from hybridize.stubs.fallback import StubFallback, find_stub_root
from hybridize.stubs.loader import MODELS_DIR, load_from, load_models
from hybridize.stubs.model import ClassModel, FunctionModel, ModelSource, ModuleModel

from .support import HERE, literal, tensor

ROOT = find_stub_root()
needs_stubs = pytest.mark.skipif(ROOT is None, reason="types-tensorflow is not installed")


def _evaluate(model: FunctionModel, *args: Value, receiver: Value | None = None) -> Value:
    bound = rules.bind(model, list(args), {}, HERE, receiver)
    return rules.evaluate(model, bound, rules.no_invoke)


@needs_stubs
@pytest.mark.parametrize("qualname", ["tensorflow.math.expm1", "tensorflow.bitwise.bitwise_and"])
def test_unmodelled_ops_return_tensors(qualname: str) -> None:
    model = load_models().function(qualname)
    assert model is not None
    assert model.source is ModelSource.FALLBACK
    assert model.is_op and not model.effects
    assert model.location.startswith("tensorflow-stubs/")
    args = [tensor("int32", 3)] * (2 if "bitwise" in qualname else 1)
    result = _evaluate(model, *args)
    assert [t.kind for t in result.tensors()] == [TensorKind.DENSE]


@needs_stubs
def test_overloads_with_ragged_results_follow_the_input_kind() -> None:
    model = load_models().function("tensorflow.math.expm1")
    assert model is not None and model.returns == "like:x"
    ragged = Value.tensor("float32", None, TensorKind.RAGGED)
    assert [t.kind for t in _evaluate(model, ragged).tensors()] == [TensorKind.RAGGED]


@needs_stubs
def test_fallback_classes_inherit_roles_from_models() -> None:
    model = load_models().cls("tensorflow.keras.layers.IntegerLookup")
    assert isinstance(model, ClassModel)
    assert model.source is ModelSource.FALLBACK
    assert model.qualname == "keras.layers.IntegerLookup"
    assert model.role is KerasRole.LAYER
    assert model.init is not None and model.init.is_constructor
    instance = _evaluate(model.init)
    atom = instance.only(InstanceAtom)
    assert atom is not None and atom.role is KerasRole.LAYER
    call = load_models().method("keras.layers.IntegerLookup", "__call__")
    assert call is not None  # inherited from the hand-written keras.layers.Layer


@needs_stubs
def test_fallback_modules() -> None:
    found = load_models().lookup("tensorflow.signal")
    assert isinstance(found, ModuleModel) and found.source is ModelSource.FALLBACK


@needs_stubs
def test_unknown_results_say_stub_default() -> None:
    model = load_models().function("tensorflow.signal.hamming_window")
    assert model is not None
    result = _evaluate(model, literal(4))
    assert result.tensors() or any(
        isinstance(a, UnknownAtom) and a.reason is UnknownReason.STUB_DEFAULT
        for a in result.atoms
    )


@needs_stubs
def test_names_the_stubs_do_not_list_are_unknown() -> None:
    models = load_models()
    assert models.lookup("tensorflow.math.no_such_op") is None
    # The stubs' module is incomplete: the API list (stubs.api_index) knows the name.
    bessel = models.function("tensorflow.math.bessel_i0")
    assert bessel is not None and bessel.location.startswith("hybridize/stubs/data/")
    assert models.lookup("numpy.no_such_function") is None  # not a fallback namespace


@needs_stubs
def test_lazy_parsing() -> None:
    assert ROOT is not None
    fallback = StubFallback(ROOT)
    fallback.lookup("tensorflow.math.expm1")
    parsed = {name for name, module in fallback._modules.items() if module is not None}
    assert "tensorflow.keras.layers" not in parsed
    assert "tensorflow.math" in parsed


def test_without_types_tensorflow_everything_still_works(tmp_path: Path) -> None:
    models = load_from(MODELS_DIR, None)
    assert models.lookup("tensorflow.math.expm1") is None
    assert models.function("tensorflow.matmul") is not None
    assert models.method("keras.Model", "fit") is not None
    empty = StubFallback(tmp_path)
    assert empty.lookup("tensorflow.math.expm1") is None
