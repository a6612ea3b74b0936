"""The list of public TF/Keras names (``stubs/data/tensorflow_api.txt``) and the last-resort
fallback built from it."""

from __future__ import annotations

import difflib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hybridize.lattice.values import KerasRole, UnknownAtom, UnknownReason, Value
from hybridize.stubs import rules
from hybridize.stubs.api_index import API_FILE, ApiIndex, auto_modelled, read_api_file
from hybridize.stubs.fallback import find_stub_root
from hybridize.stubs.generate_api import COMMAND, ApiEntry, render
from hybridize.stubs.loader import MODELS_DIR, Models, load_from, load_models
from hybridize.stubs.model import ClassModel, FunctionModel, ModelSource, ModuleModel

from .support import HERE, tensor

HAVE_TF = all(importlib.util.find_spec(name) is not None for name in ("tensorflow", "keras"))


@pytest.mark.tf
@pytest.mark.skipif(not HAVE_TF, reason="TensorFlow or Keras is not installed")
def test_shipped_api_list_is_up_to_date() -> None:
    """The shipped list is exactly what the generator writes for the installed libraries (run
    in a fresh interpreter: the walk must not see what other tests imported)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    generated = subprocess.run(
        [sys.executable, "-m", "hybridize.stubs.generate_api", "--output", "-"],
        capture_output=True, text=True, check=True, env=env, timeout=600,
    ).stdout
    shipped = API_FILE.read_text(encoding="utf-8") if API_FILE.is_file() else ""
    if generated != shipped:
        diff = list(difflib.unified_diff(
            shipped.splitlines(), generated.splitlines(), "shipped", "installed", lineterm="", n=0
        ))
        shown = "\n".join(diff[:40]) + ("\n..." if len(diff) > 40 else "")
        pytest.fail(
            f"{API_FILE.name} does not match the installed TensorFlow/Keras; regenerate it with "
            f"`{COMMAND}` and commit the result.\n{shown}"
        )


def test_api_list_is_small_and_well_formed() -> None:
    text = API_FILE.read_text(encoding="utf-8")
    assert len(text.encode()) < 1_000_000
    names = read_api_file(API_FILE)
    assert {e.kind for e in names.values()} == {"function", "class", "module", "constant"}
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == sorted(lines, key=lambda line: line.split()[0])
    assert all(not part.startswith("_") for name in names for part in name.split("."))
    assert not any(name.startswith(("tensorflow.keras.", "tensorflow.compat.", "keras.src."))
                   for name in names)
    for entry in names.values():
        if entry.base is not None:
            assert names[entry.base].kind == "class", entry
    assert names["tensorflow.image.rot90"].kind == "function"
    assert names["tensorflow.map_fn"].calls
    assert names["keras.layers.Dense"].kind == "class"


def test_render_round_trips(tmp_path: Path) -> None:
    entries = [
        ApiEntry("keras.layers.Foo", "class", base="keras.Layer"),
        ApiEntry("tensorflow", "module"),
        ApiEntry("tensorflow.map_fn", "function", calls=True),
    ]
    path = tmp_path / "api.txt"
    path.write_text(render(entries, {"tensorflow": "1", "keras": "2"}), encoding="utf-8")
    names = read_api_file(path)
    assert names["keras.layers.Foo"].base == "keras.Layer"
    assert names["tensorflow.map_fn"].calls and names["tensorflow.map_fn"].line == 5
    assert read_api_file(tmp_path / "missing.txt") == {}


def _models_without_stubs() -> Models:
    return load_from(MODELS_DIR, None, API_FILE)


def test_hand_models_win_and_the_list_is_read_lazily() -> None:
    models = load_from(MODELS_DIR, find_stub_root(), API_FILE)
    api = models._api
    assert api is not None
    assert models.function("tensorflow.matmul") is not None
    assert models.function("tensorflow.math.expm1") is not None or find_stub_root() is None
    assert not api.loaded  # only read when a name misses everything else
    rot90 = models.function("tensorflow.image.rot90")
    assert rot90 is not None and rot90.source is ModelSource.MODEL  # hand-modelled
    assert models.function("tensorflow.image.sobel_edges") is not None
    assert api.loaded


def test_listed_functions_become_fallback_ops() -> None:
    model = load_models().function("tensorflow.image.sobel_edges")
    assert model is not None
    assert model.source is ModelSource.FALLBACK
    assert model.is_op and not model.effects
    assert model.location.startswith("hybridize/stubs/data/tensorflow_api.txt:")
    bound = rules.bind(model, [tensor("float32", 1, 4, 4, 3)], {"name": Value.NONE}, HERE)
    result = rules.evaluate(model, bound, rules.no_invoke)
    atom = result.only(UnknownAtom)
    assert atom is not None and atom.reason is UnknownReason.STUB_DEFAULT
    raw = load_models().function("tensorflow.raw_ops.AddV2")
    assert raw is not None and raw.is_op
    nest = load_models().function("tensorflow.nest.is_nested")
    assert nest is not None and not nest.is_op
    keras_op = load_models().function("keras.ops.logsumexp")
    assert keras_op is not None and keras_op.is_op


@pytest.mark.parametrize("name", [
    "tensorflow.signal.stft",  # takes a callable (window_fn)
    "keras.tree.map_structure",  # takes a callable
    "tensorflow.sysconfig.get_include",  # namespace left to hand models
    "tensorflow.experimental.dispatch_for_api",  # registers globally
    "tensorflow.load_library",  # loads code
    "keras.utils.get_file",  # downloads
    "keras.random.normal",  # seed=None draws from Python's random
])
def test_impure_or_higher_order_names_stay_unknown(name: str) -> None:
    assert ApiIndex().get(name) is not None, "the name should be listed"
    assert ApiIndex().model(name) is None
    assert load_models().lookup(name) is None


def test_policy() -> None:
    assert auto_modelled("tensorflow.image.sobel_edges")
    assert not auto_modelled("tensorflow.io.gfile.walk")
    assert not auto_modelled("tensorflow.random.set_seed")
    assert not auto_modelled("keras.Model.save")
    assert auto_modelled("tensorflow.train.Checkpoint", "class")
    assert not auto_modelled("tensorflow.io.TFRecordWriter", "class")  # opens the file
    assert ApiIndex().model("tensorflow.io.TFRecordWriter") is None  # (it is hand-modelled)


def test_stub_methods_that_save_are_not_assumed_pure() -> None:
    if find_stub_root() is None:
        pytest.skip("types-tensorflow is not installed")
    assert load_models().method("tensorflow.data.Dataset", "save") is None
    model = load_models().method("tensorflow.data.Dataset", "map")
    assert model is not None and model.source is ModelSource.MODEL


def test_listed_classes_inherit_models_through_their_bases() -> None:
    models = load_models()
    model = models.cls("tensorflow.keras.layers.RandomRotation")
    assert isinstance(model, ClassModel)
    assert model.source is ModelSource.FALLBACK or model.location.startswith("tensorflow-stubs")
    assert model.role is KerasRole.LAYER
    call = models.method("keras.layers.RandomRotation", "__call__")
    assert call is not None and call.propagates_symbolic
    assert models.method("keras.layers.RandomRotation", "__init__") is not None


def test_listed_modules_and_constants() -> None:
    models = load_models()
    module = models.lookup("tensorflow.experimental.numpy")
    assert isinstance(module, ModuleModel)
    version = models.attribute("tensorflow.version.VERSION")
    assert version is not None
    atom = version.only(UnknownAtom)
    assert atom is not None and atom.reason is UnknownReason.STUB_DEFAULT


def test_without_the_list_names_stay_unknown() -> None:
    models = load_from(MODELS_DIR, None)
    assert models.lookup("tensorflow.image.sobel_edges") is None
    found = _models_without_stubs()
    assert isinstance(found.lookup("tensorflow.image.sobel_edges"), FunctionModel)
