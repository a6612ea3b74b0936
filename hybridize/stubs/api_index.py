"""The last-resort fallback: the list of public TensorFlow and Keras names.

``data/tensorflow_api.txt`` (written by ``python -m hybridize.stubs.generate_api``) lists every
public name of the installed TF and Keras with its kind. The loader asks it only for names that
neither a hand-written model nor the ``types-tensorflow`` stubs know (``tf.image.rot90`` is
missing from the stubs), and the file is read on the first such miss.

A listed name becomes a model with ``source=ModelSource.FALLBACK`` (proofs record the
``stub-default`` assumption: effects assumed none):

* a function: parameters ``(*args, **kwargs)``, result ``unknown``; ``is_op`` for TF names
  (outside the non-op namespaces below) and for ``keras.ops``/``activations``/``losses``/...;
* a class: a constructor ``(*args, **kwargs)`` returning an instance (construction is assumed
  effect-free), and the nearest public base class as its base (so a Keras layer class inherits
  the ``keras.layers.Layer`` model); it has no methods of its own;
* a module: a ``ModuleModel``; a constant: an unknown value.

What is *not* modelled, and so stays an unknown call unless hand-modelled (see
``auto_modelled``): functions that take a callable (``calls`` in the file), functions in the
namespaces of Python-level I/O, global configuration and eager-only helpers (``tf.io.gfile``,
``tf.saved_model``, ``tf.summary``, ``tf.config``, ``tf.train``, ``keras.utils``, ...), and
functions that register, configure, load or save (``set_seed``, ``register_*``,
``load_library``). The same rule filters the functions and methods of the ``types-tensorflow``
fallback (``Models.lookup``, ``Models.method``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import attrs

from hybridize.lattice.values import KerasRole, UnknownReason, Value
from hybridize.stubs.model import (
    ClassModel,
    FunctionModel,
    ModelSource,
    ModuleModel,
    ParamKind,
    ParamModel,
)

API_FILE: Final[Path] = Path(__file__).resolve().parent / "data" / "tensorflow_api.txt"
DISPLAY: Final = "hybridize/stubs/data/tensorflow_api.txt"

#: Namespaces left to hand-written models: Python-level file I/O, checkpoints and exports,
#: global configuration, profiling/tracing, test and tooling helpers, downloads.
UNMODELLED_NAMESPACES: Final[tuple[str, ...]] = (
    "tensorflow.io.gfile",
    "tensorflow.saved_model",
    "tensorflow.summary",
    "tensorflow.config",
    "tensorflow.train",
    "tensorflow.profiler",
    "tensorflow.autograph",
    "tensorflow.distribute",
    "tensorflow.tpu",
    "tensorflow.lite",
    "tensorflow.test",
    "tensorflow.mlir",
    "tensorflow.sysconfig",
    "tensorflow.experimental.dtensor",
    "tensorflow.data.experimental.service",
    "tensorflow.debugging.experimental",
    "keras.utils",
    "keras.saving",
    "keras.models",
    "keras.datasets",
    "keras.applications",
    "keras.preprocessing",
    "keras.config",
    "keras.backend",
    "keras.export",
    "keras.visualization",
    "keras.distribution",
    "keras.mixed_precision",
    "keras.random",  # seed=None draws from Python's `random`
    "keras.legacy",
)

#: Functions that change global state, load code or read/write files, wherever they live.
_UNMODELLED_NAME: Final = re.compile(
    r"^(experimental_)?(set|enable|disable|register|unregister|dispatch_for|load|save|restore|"
    r"write|export|clear|reset|run_functions_eagerly)(_|$)"
)
_UNMODELLED_NAMES: Final[frozenset[str]] = frozenset(
    {
        "tensorflow.io.TFRecordWriter",  # opens the file when constructed
        "tensorflow.RegisterGradient",
        "tensorflow.no_gradient",
        "tensorflow.get_logger",
        "tensorflow.executing_eagerly",
        "keras.remat",
    }
)

#: TF namespaces and names whose functions are Python helpers, not graph ops.
_NON_OP_NAMESPACES: Final[tuple[str, ...]] = (
    "tensorflow.nest",
    "tensorflow.types",
    "tensorflow.errors",
    "tensorflow.version",
    "tensorflow.feature_column",
    "tensorflow.graph_util",
    "tensorflow.dtypes.as_dtype",
    "tensorflow.as_dtype",
    "tensorflow.is_tensor",
    "tensorflow.is_symbolic_tensor",
    "tensorflow.get_static_value",
    "tensorflow.inside_function",
    "tensorflow.get_current_name_scope",
    "tensorflow.make_ndarray",
    "tensorflow.make_tensor_proto",
    "tensorflow.type_spec_from_value",
    "tensorflow.broadcast_static_shape",
    "tensorflow.name_scope",
    "tensorflow.device",
    "tensorflow.control_dependencies",
    "tensorflow.init_scope",
    "tensorflow.variable_creator_scope",
)
_KERAS_OP_NAMESPACES: Final[tuple[str, ...]] = (
    "keras.ops",
    "keras.activations",
    "keras.losses",
    "keras.metrics",
    "keras.quantizers",
)


def _under(name: str, namespaces: tuple[str, ...]) -> bool:
    return any(name == n or name.startswith(n + ".") for n in namespaces)


def auto_modelled(name: str, kind: str = "function") -> bool:
    """May a fallback (this list or the ``types-tensorflow`` stubs) model ``name`` as an
    effect-free call? ``False`` for functions (and methods) that do I/O, configure or register,
    by namespace or by name. Constructing a class is assumed effect-free except for a few
    listed classes; its fallback *methods* are checked as functions (``Models.method``)."""
    if name in _UNMODELLED_NAMES:
        return False
    if kind == "class":
        return True
    if _under(name, UNMODELLED_NAMESPACES):
        return False
    return _UNMODELLED_NAME.match(name.rsplit(".", 1)[-1]) is None


def is_op_name(name: str) -> bool:
    """Is a listed function under this name a graph op (counts as tensor computation)?"""
    if name.startswith("tensorflow."):
        return not _under(name, _NON_OP_NAMESPACES)
    return _under(name, _KERAS_OP_NAMESPACES)


@attrs.frozen
class ApiName:
    """One line of the API list."""

    name: str
    kind: str  # function, class, module, constant
    line: int
    calls: bool = False
    base: str | None = None


_ANY_ARGUMENTS: Final[tuple[ParamModel, ...]] = (
    ParamModel("args", ParamKind.VAR_POSITIONAL, False),
    ParamModel("kwargs", ParamKind.VAR_KEYWORD, False),
)
_SELF: Final = ParamModel("self", ParamKind.POSITIONAL_OR_KEYWORD, False)

ApiResult = FunctionModel | ClassModel | ModuleModel | Value | None


class ApiIndex:
    """The names of ``data/tensorflow_api.txt``, read on the first lookup."""

    def __init__(self, path: Path = API_FILE) -> None:
        self.path = path
        self._names: dict[str, ApiName] | None = None

    @property
    def loaded(self) -> bool:
        return self._names is not None

    def get(self, name: str) -> ApiName | None:
        if self._names is None:
            self._names = read_api_file(self.path)
        return self._names.get(name)

    def model(self, name: str) -> ApiResult:
        """The fallback model of the listed ``name`` (``None``: not listed or not modelled)."""
        entry = self.get(name)
        if entry is None:
            return None
        location = f"{DISPLAY}:{entry.line}"
        if entry.kind == "module":
            return ModuleModel(name, ModelSource.FALLBACK)
        if entry.kind == "constant":
            return Value.unknown(UnknownReason.STUB_DEFAULT, None, name)
        if not auto_modelled(name, entry.kind):
            return None
        if entry.kind == "function":
            if entry.calls:
                return None
            return FunctionModel(
                name,
                _ANY_ARGUMENTS,
                "unknown",
                is_op=is_op_name(name),
                source=ModelSource.FALLBACK,
                location=location,
            )
        if entry.kind == "class":
            init = FunctionModel(
                name,
                (_SELF, *_ANY_ARGUMENTS),
                "instance",
                source=ModelSource.FALLBACK,
                location=location,
                is_method=True,
                owner=name,
                is_constructor=True,
            )
            return ClassModel(
                qualname=name,
                bases=() if entry.base is None else (entry.base,),
                role=KerasRole.NONE,
                methods={},
                attributes={},
                init=init,
                location=location,
                source=ModelSource.FALLBACK,
            )
        return None


def read_api_file(path: Path) -> dict[str, ApiName]:
    """Parse the API list (an absent file lists nothing)."""
    names: dict[str, ApiName] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return names
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        name, kind, *flags = line.split()
        base = next((f[5:] for f in flags if f.startswith("base=")), None)
        names[name] = ApiName(name, kind, number, "calls" in flags, base)
    return names
