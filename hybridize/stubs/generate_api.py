"""Regenerate ``stubs/data/tensorflow_api.txt``: the public API of the installed TF and Keras.

Run ``python -m hybridize.stubs.generate_api`` after upgrading TensorFlow or Keras (``--check``
only compares, ``--output -`` prints). The file lists every public name reachable from
``import tensorflow`` and ``import keras`` by walking modules with ``dir()``, one canonical dotted
name per line with its kind (``function``, ``class``, ``module``, ``constant``), sorted:

    tensorflow.image.rot90 function
    tensorflow.map_fn function calls
    keras.layers.RandomRotation class base=keras.layers.Layer

* ``calls`` marks a function with a parameter that takes a callable (``fn``, ``body``,
  ``true_fn``, ``map_func``, ...): the loader never models those from the list, because it
  cannot know what they call.
* ``base=NAME`` is the nearest public base class of a class, so a fallback class inherits the
  roles and methods of the hand-written models (a new Keras layer is a ``keras.layers.Layer``).

Names starting with ``_`` are skipped, and so are modules that are not part of the public API
(TF implementation packages, ``keras.src``). Keras is listed once, as ``keras.*`` (Keras 3's
public API): ``tensorflow.keras``, ``tensorflow.compat`` (aliases of ``tensorflow``) and TF
modules that are Keras modules (``tf.losses``) are not walked. A module reachable under two
names is walked under the first one in breadth-first order (the shortest).

The stubs loader reads the file lazily, only for names no model or stub answers
(``stubs.api_index``).
"""

from __future__ import annotations

import argparse
import collections
import importlib
import inspect
import sys
import types
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Final

import attrs

from hybridize.stubs.api_index import API_FILE

COMMAND: Final = "python -m hybridize.stubs.generate_api"

#: Alias subtrees that are not walked: ``tensorflow.keras`` is ``keras``, ``compat.v1/v2`` are
#: (old spellings of) ``tensorflow``.
_SKIPPED: Final[frozenset[str]] = frozenset({"tensorflow.keras", "tensorflow.compat", "keras.src"})

#: Parameter names that take a callable.
_CALLABLE_PARAMS: Final[frozenset[str]] = frozenset(
    {
        "f", "fn", "func", "function", "callable", "body", "cond", "branch_fns", "branches",
        "pred_fn_pairs", "predicate", "python_function", "py_func", "computation", "generator",
        "callback", "callbacks", "default", "loss_fn", "map_fn", "step_fn", "fun",
    }
)
_CALLABLE_SUFFIXES: Final[tuple[str, ...]] = ("_fn", "_fns", "_func", "_fun", "_function",
                                              "_callable", "_callback")


@attrs.frozen(order=True)
class ApiEntry:
    """One public name: its kind and, for classes, its nearest public base class."""

    name: str
    kind: str  # function, class, module, constant
    calls: bool = False  # a function with a callable parameter
    base: str | None = None  # classes: nearest public base class

    def line(self) -> str:
        parts = [self.name, self.kind]
        if self.calls:
            parts.append("calls")
        if self.base is not None:
            parts.append(f"base={self.base}")
        return " ".join(parts)


def _tf_module(module: types.ModuleType) -> bool:
    """A TensorFlow public API module (generated under ``tensorflow/_api/v2``)."""
    name = module.__name__
    if name.startswith("tensorflow._api.v2"):
        return True
    path = getattr(module, "__file__", None) or ""
    return name.startswith("tensorflow") and "/tensorflow/_api/v2/" in path.replace("\\", "/")


def _keras_module(module: types.ModuleType) -> bool:
    name = module.__name__
    if name.startswith("keras.src") or "._" in name:
        return False
    return name == "keras" or name.startswith("keras.")


def _takes_callable(obj: object) -> bool:
    try:
        signature = inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return any(
        p.name in _CALLABLE_PARAMS or p.name.endswith(_CALLABLE_SUFFIXES)
        for p in signature.parameters.values()
    )


def _kind(obj: object) -> str:
    if isinstance(obj, types.ModuleType):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "constant"


def walk(
    root_name: str, root: types.ModuleType, public: Callable[[types.ModuleType], bool]
) -> dict[str, object]:
    """Every public name under ``root``, breadth first, with its object."""
    found: dict[str, object] = {root_name: root}
    walked: set[int] = {id(root)}
    queue: collections.deque[tuple[str, types.ModuleType]] = collections.deque(
        [(root_name, root)]
    )
    while queue:
        prefix, module = queue.popleft()
        for attribute in sorted(dir(module)):
            if attribute.startswith("_"):
                continue
            name = f"{prefix}.{attribute}"
            if name in _SKIPPED:
                continue
            try:
                obj = getattr(module, attribute)
            except Exception:  # a lazily loaded name that fails to import
                continue
            if isinstance(obj, types.ModuleType):
                if not public(obj):
                    continue
                if id(obj) not in walked:
                    walked.add(id(obj))
                    queue.append((name, obj))
            found[name] = obj
    return found


def api_entries(objects: dict[str, object]) -> list[ApiEntry]:
    """The entries for the walked names (bases resolved among the walked classes)."""
    first_name: dict[int, str] = {}
    for name in sorted(objects, key=lambda n: (n.count("."), n)):
        first_name.setdefault(id(objects[name]), name)
    entries: list[ApiEntry] = []
    for name, obj in objects.items():
        kind = _kind(obj)
        base: str | None = None
        if kind == "class":
            assert isinstance(obj, type)
            for parent in obj.__mro__[1:]:
                if parent is not object and id(parent) in first_name:
                    base = first_name[id(parent)]
                    break
        calls = kind == "function" and _takes_callable(obj)
        entries.append(ApiEntry(name, kind, calls, base))
    return sorted(entries)


def collect() -> tuple[list[ApiEntry], dict[str, str]]:
    """Walk the installed TensorFlow and Keras; the entries and the library versions."""
    tf = importlib.import_module("tensorflow")  # heavy: only when regenerating
    keras = importlib.import_module("keras")
    objects = walk("tensorflow", tf, _tf_module)
    objects.update(walk("keras", keras, _keras_module))
    versions = {
        "tensorflow": str(getattr(tf, "__version__", "?")),
        "keras": str(getattr(keras, "__version__", "?")),
    }
    return api_entries(objects), versions


def render(entries: Iterable[ApiEntry], versions: dict[str, str]) -> str:
    header = [
        f"# Public API of TensorFlow {versions['tensorflow']} and Keras {versions['keras']}: "
        "NAME KIND [calls] [base=CLASS].",
        f"# Generated by `{COMMAND}`; do not edit.",
    ]
    return "\n".join([*header, *(e.line() for e in entries)]) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n", 1)[0])
    parser.add_argument("--output", default=str(API_FILE), help="file to write ('-': stdout)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the file differs from the installed libraries")
    options = parser.parse_args(argv)
    entries, versions = collect()
    text = render(entries, versions)
    if options.check:
        current = API_FILE.read_text(encoding="utf-8") if API_FILE.is_file() else ""
        if current != text:
            print(f"{API_FILE} is out of date; regenerate it with `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    if options.output == "-":
        sys.stdout.write(text)
        return 0
    output = Path(options.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(f"wrote {len(text.splitlines()) - 2} names to {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
