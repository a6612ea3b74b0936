"""The loader: every model loads, fast, and lookups answer by canonical name, memoised."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from hybridize.lattice.values import ConstAtom, ContainerAtom, InstanceAtom, KerasRole, Value
from hybridize.stubs.loader import MODELS_DIR, ModelError, Models, load_from, load_models
from hybridize.stubs.model import ClassModel, FunctionModel, ModelSource, ModuleModel


def test_all_models_load() -> None:
    models = load_models()
    kinds = {kind for _, kind in models.qualnames()}
    assert {"function", "class", "method", "attribute", "module", "alias"} <= kinds
    assert sum(1 for _ in models.functions()) > 800


def test_loading_is_fast() -> None:
    """The whole model set parses in well under the 0.2 s budget (best of three, cold)."""
    best = min(_timed_load() for _ in range(3))
    assert best < 0.2, best


def _timed_load() -> float:
    start = time.perf_counter()
    load_from(MODELS_DIR, None)
    return time.perf_counter() - start


def test_load_models_is_cached() -> None:
    assert load_models() is load_models()


def test_lookup_is_memoised_and_cheap() -> None:
    models = load_models()
    first = models.lookup("tensorflow.keras.layers.Dense")
    assert models.lookup("tensorflow.keras.layers.Dense") is first
    start = time.perf_counter()
    for _ in range(20000):
        models.lookup("tensorflow.keras.layers.Dense")
    assert (time.perf_counter() - start) / 20000 < 5e-6


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("tensorflow.keras.layers.Dense", "keras.layers.Dense"),
        ("tensorflow.compat.v2.matmul", "tensorflow.linalg.matmul"),
        ("tensorflow.matmul", "tensorflow.linalg.matmul"),
        ("tensorflow.nn.sigmoid", "tensorflow.math.sigmoid"),
        ("tensorflow.keras.Input", "keras.layers.Input"),
        ("keras.models.Model", "keras.Model"),
        ("tensorflow.keras.layers.MaxPool2D", "keras.layers.MaxPooling2D"),
        ("tensorflow.cast", "tensorflow.dtypes.cast"),
    ],
)
def test_aliases_and_reexports_resolve(spelling: str, canonical: str) -> None:
    found = load_models().lookup(spelling)
    assert isinstance(found, (FunctionModel, ClassModel))
    assert found.qualname == canonical


def test_module_constants() -> None:
    models = load_models()
    assert models.attribute("tensorflow.float32") == Value.atom(
        ConstAtom("dtype", frozenset({"float32"}))
    )
    assert models.attribute("tensorflow.double") == Value.atom(
        ConstAtom("dtype", frozenset({"float64"}))
    )
    assert models.attribute("numpy.float32") == Value.atom(
        ConstAtom("dtype", frozenset({"float32"}))
    )
    assert models.attribute("numpy.pi") == Value.const(3.141592653589793)
    assert models.attribute("tensorflow.newaxis") == Value.NONE
    assert models.attribute("tensorflow.data.AUTOTUNE") == Value.const(-1)
    stdout = models.attribute("sys.stdout")
    assert stdout is not None
    atom = stdout.only(InstanceAtom)
    assert atom is not None and atom.cls == "io.TextIOWrapper"
    argv = models.attribute("sys.argv")
    assert argv is not None and argv.only(ContainerAtom) is not None


def test_modules() -> None:
    models = load_models()
    for name in ("tensorflow", "tensorflow.nn", "keras.layers", "numpy.random", "os.path",
                 "tensorflow.compat.v1", "tensorflow.io.gfile"):
        assert models.is_module(name), name
        assert isinstance(models.lookup(name), ModuleModel)
    assert not models.is_module("tensorflow.matmul")
    assert not models.is_module("not_a_module")


def test_methods_follow_bases() -> None:
    models = load_models()
    numpy_method = models.method("tensorflow.Variable", "numpy")
    assert numpy_method is not None and numpy_method.owner == "tensorflow.Tensor"
    weights = models.method("keras.Sequential", "fit")
    assert weights is not None and weights.loop_methods == ("train_step", "call")
    assert models.method("keras.layers.Dense", "add_weight") is not None
    assert models.method("builtins.list", "no_such_method") is None


def test_stub_methods_complete_hand_written_classes() -> None:
    """A TF/Keras class method without a hand-written model comes from the stub fallback."""
    method = load_models().method("tensorflow.data.Dataset", "ragged_batch")
    assert method is not None, "types-tensorflow (a runtime dependency) should supply it"
    assert method.source is ModelSource.FALLBACK


def test_dotted_member_lookup_follows_bases() -> None:
    models = load_models()
    fit = models.lookup("tensorflow.keras.Sequential.fit")
    assert isinstance(fit, FunctionModel) and fit.qualname == "keras.Model.fit"
    shape = models.lookup("tensorflow.Tensor.shape")
    assert isinstance(shape, FunctionModel) and shape.is_property
    assert shape.source is ModelSource.MODEL
    from_slices = models.lookup("tensorflow.data.Dataset.from_tensor_slices")
    assert isinstance(from_slices, FunctionModel) and not from_slices.is_method


def test_class_attributes() -> None:
    models = load_models()
    assert models.class_attribute("tensorflow.Tensor", "shape") == "shape-of:self"
    assert models.class_attribute("tensorflow.Variable", "dtype") == "dtype-of:self"
    assert models.class_attribute("keras.Model", "trainable_variables") == "list:variable"
    assert models.class_attribute("numpy.ndarray", "ndim") == "rank-of:self"
    assert models.class_attribute("tensorflow.Tensor", "no_such_attribute") is None


def test_roles_are_inherited() -> None:
    models = load_models()
    assert models.role("keras.Sequential") is KerasRole.MODEL
    assert models.role("keras.layers.Dense") is KerasRole.LAYER
    assert models.role("keras.optimizers.Adam") is KerasRole.OPTIMIZER
    assert models.role("tensorflow.Module") is KerasRole.MODULE
    assert models.role("tensorflow.GradientTape") is KerasRole.TAPE
    assert models.role("builtins.list") is KerasRole.NONE
    dense = models.cls("keras.layers.Dense")
    assert dense is not None and dense.role is KerasRole.LAYER
    assert models.is_subclass("keras.Sequential", "tensorflow.keras.layers.Layer")


def test_constructors_are_inherited() -> None:
    models = load_models()
    adam = models.cls("keras.optimizers.Adam")
    assert adam is not None and adam.init is not None and adam.init.is_constructor
    history = models.cls("keras.callbacks.History")
    assert history is not None and history.init is not None
    assert history.init.qualname == "keras.callbacks.History"


def test_unknown_names() -> None:
    models = load_models()
    assert models.lookup("numpy.no_such_function") is None
    assert models.lookup("requests.get") is None
    assert models.function("tensorflow.Tensor") is None
    assert models.cls("tensorflow.matmul") is None


def _load_text(tmp_path: Path, text: str) -> Models:
    (tmp_path / "mod.pyi").write_text(textwrap.dedent(text))
    return load_from(tmp_path, None)


@pytest.mark.parametrize(
    "text",
    [
        "from hybridize.stubs.markers import op\n@op(shape='no-such-rule:x')\ndef f(x): ...\n",
        "@nonsense\ndef f(x): ...\n",
        "@op(colour='red')\ndef f(x): ...\n",
        "@effect('python-ioo')\ndef f(x): ...\n",
        "@returns('list')\ndef f(x): ...\n",
        "@calls('g')\ndef f(x): ...\n",
        "@mutates('y')\ndef f(x): ...\n",
        "@effect('python-io', when='sometimes:x')\ndef f(x): ...\n",
        "x = 1\n",
        "class C:\n    def m(): ...\n",
    ],
)
def test_malformed_models_are_rejected(tmp_path: Path, text: str) -> None:
    with pytest.raises(ModelError):
        _load_text(tmp_path, text)


def test_a_small_model_file(tmp_path: Path) -> None:
    models = _load_text(
        tmp_path,
        """
        from hybridize.stubs.markers import effect, op, role
        from other import thing as thing
        limit: int = 3
        @op(dtype="same:x", shape="same:x", cost=2)
        def f(x, name=None) -> Tensor: ...
        @role("layer")
        class Base:
            @effect("python-io")
            def log(self, message) -> None: ...
        class Child(Base):
            def __init__(self, size=4) -> None: ...
        """,
    )
    f = models.function("mod.f")
    assert f is not None and f.is_op and f.op_cost == 2 and f.returns == "tensor"
    assert models.attribute("mod.limit") == Value.const(3)
    assert models.role("mod.Child") is KerasRole.LAYER
    log = models.method("mod.Child", "log")
    assert log is not None and log.is_method and log.owner == "mod.Base"
    assert models.lookup("mod.thing") is None  # re-export of a name nobody models
