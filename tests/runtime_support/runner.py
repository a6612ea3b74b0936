"""Run analysis fixture programs under real TensorFlow and record what their functions receive.

This is the child-process half of ``tests/test_fixtures_runtime.py``; it is run as a script::

    python runner.py SPEC.json RESULTS.jsonl

``SPEC.json`` holds a list of case specs (see :class:`CaseSpec`). Each case is run in turn, isolated
from the others (fresh module namespace, its own modules purged from ``sys.modules``, its own
working directory, a per-case timeout). A tracer (``sys.settrace``) watches every call of a
*target* function: the functions the expectation makes parameter / return claims about, identified
by the code object's file and qualname. Functions run by ``tf.function`` are converted by AutoGraph
into new code objects in generated files; those are mapped back to the user's code objects, so a
traced call (with symbolic tensors) is recorded like an eager one.

For every parameter and every return value the tracer stores a classification in the README
vocabulary (kind / type / dtype / shape / Python constant). Each finished case is written as one
JSON line to ``RESULTS.jsonl`` (flushed at once), preceded by a ``start`` line, so the parent can
tell which case a crashed child was running.
"""

from __future__ import annotations

import ast
import contextlib
import dis
import functools
import importlib
import io
import json
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf
from tensorflow.python.framework.ops import EagerTensor  # type: ignore[import-not-found,unused-ignore]

keras: Any
try:  # Keras 3 symbolic tensors (keras.Input) are not tf.Tensor instances.
    keras = importlib.import_module("keras")
    KERAS_TENSOR: tuple[type, ...] = (keras.KerasTensor,)
    KERAS_VARIABLE: tuple[type, ...] = (keras.Variable,)
except ImportError:  # pragma: no cover - keras is installed with tensorflow
    keras = None
    KERAS_TENSOR = ()
    KERAS_VARIABLE = ()

TENSOR_TYPES: tuple[type, ...] = (tf.Tensor, *KERAS_TENSOR)
VARIABLE_TYPES: tuple[type, ...] = (tf.Variable, *KERAS_VARIABLE)

MAX_DISTINCT = 300  # distinct observations kept per parameter / return
RETURN_OPCODES = {dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST") if name in dis.opmap}
GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR
VARARGS, VARKEYWORDS = 0x04, 0x08
PYTHON_SCALARS = (bool, int, float, str, bytes, complex)
CALLABLE_TYPES: tuple[type, ...] = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.BuiltinMethodType,
    types.MethodWrapperType,
    functools.partial,
    *(  # tf.function objects (the names moved between TensorFlow versions)
        getattr(tf.types.experimental, name)
        for name in ("PolymorphicFunction", "GenericFunction", "ConcreteFunction")
        if hasattr(tf.types.experimental, name)
    ),
)


class Entry(TypedDict):
    path: str
    module: str | None  # dotted module name (directory cases) or None: run the file by path


class CaseSpec(TypedDict):
    id: str
    root: str  # the directory put first on sys.path (case directory, or the file's folder)
    files: dict[str, str]  # absolute path -> key prefix ("" for single files, "relpath::")
    entries: list[Entry]
    targets: list[str]
    timeout: float


class CaseTimeout(BaseException):
    """Raised by the alarm in the running case; a BaseException so `except Exception` misses it."""


# --------------------------------------------------------------------------------------------
# Classification


def _dtype_name(value: Any) -> str | None:
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return None
    try:
        return str(tf.as_dtype(dtype).name)
    except Exception:
        return str(dtype)


def _shape(value: Any) -> tuple[bool, list[int | None] | None]:
    """(has a shape, dims); dims is None for an unknown rank."""
    shape: Any = getattr(value, "shape", None)
    if shape is None:
        return False, None
    if isinstance(shape, tf.TensorShape):
        if shape.rank is None:
            return True, None
        return True, [None if d is None else int(d) for d in shape.as_list()]
    try:
        return True, [None if d is None else int(d) for d in shape]
    except Exception:
        return False, None


def _kind_and_type(value: Any, depth: int = 0) -> tuple[str, str]:
    """(kind, type) in the fixture README vocabulary.

    Beyond it: type ``indexed-slices`` (tf.IndexedSlices, tensor-like), ``complex``, and kind
    ``empty`` for an empty list/tuple/dict/set (it fits both ``tensor`` and ``python``). A
    container has the kind shared by its items, else ``other``; NumPy scalars count as ndarrays.
    """
    if isinstance(value, VARIABLE_TYPES):
        return "tensor", "variable"
    if isinstance(value, tf.RaggedTensor):
        return "tensor", "ragged"
    if isinstance(value, tf.SparseTensor):
        return "tensor", "sparse"
    if isinstance(value, tf.IndexedSlices):
        return "tensor", "indexed-slices"
    if isinstance(value, TENSOR_TYPES):
        return "tensor", "tensor"
    if isinstance(value, np.ndarray | np.generic):
        return "tensor", "ndarray"
    if isinstance(value, bool):
        return "python", "bool"
    if isinstance(value, int):
        return "python", "int"
    if isinstance(value, float):
        return "python", "float"
    if isinstance(value, str | bytes):
        return "python", "str"
    if isinstance(value, complex):
        return "python", "complex"
    if value is None:
        return "other", "none"
    if isinstance(value, list | tuple | dict | set | frozenset):
        name = {list: "list", tuple: "tuple", dict: "dict", set: "set", frozenset: "set"}
        kind_name = next(name[base] for base in name if isinstance(value, base))
        items = list(value.values()) if isinstance(value, dict) else list(value)
        if depth > 5:
            return "other", kind_name
        kinds = {_kind_and_type(item, depth + 1)[0] for item in items} - {"empty"}
        if not kinds:
            return "empty", kind_name
        if len(kinds) == 1 and kinds <= {"tensor", "python"}:
            return kinds.pop(), kind_name
        return "other", kind_name
    if isinstance(value, tf.data.Dataset):
        return "other", "dataset"
    if isinstance(value, types.ModuleType):
        return "other", "module"
    if isinstance(value, type):
        return "other", "class"
    if isinstance(value, CALLABLE_TYPES):
        return "other", "callable"
    if isinstance(value, types.GeneratorType | tf.data.Iterator):
        return "other", "iterator"
    return "other", "instance"


def classify(value: Any) -> dict[str, Any]:
    kind, type_name = _kind_and_type(value)
    has_shape, dims = (
        _shape(value) if kind == "tensor" and type_name not in CONTAINERS else (False, None)
    )
    constant = repr(value) if type(value) in PYTHON_SCALARS or value is None else None
    return {
        "kind": kind,
        "type": type_name,
        "dtype": _dtype_name(value) if kind == "tensor" and type_name not in CONTAINERS else None,
        "shaped": has_shape,
        "shape": dims,
        "symbolic": isinstance(value, KERAS_TENSOR)
        or (isinstance(value, tf.Tensor) and not isinstance(value, EagerTensor)),
        "const": constant if constant is None or len(constant) <= 200 else None,
        "value": _short(value),
    }


CONTAINERS = {"list", "tuple", "dict", "set"}


def _short(value: Any) -> str:
    try:
        if isinstance(value, TENSOR_TYPES + VARIABLE_TYPES):
            shape = getattr(value, "shape", "?")
            return f"<{type(value).__name__} shape={shape} dtype={_dtype_name(value)}>"
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


# --------------------------------------------------------------------------------------------
# Recording


class Slot:
    """Distinct observations for one parameter or one return of one function."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[str, Any]] = {}

    def add(self, value: Any) -> None:
        try:
            record = classify(value)
        except Exception as error:  # never let classification break the program under test
            record = {"kind": "error", "type": "error", "value": f"{type(error).__name__}: {error}"}
        key = json.dumps({k: v for k, v in record.items() if k != "value"}, sort_keys=True)
        if key in self.seen:
            self.seen[key]["count"] += 1
        elif len(self.seen) < MAX_DISTINCT:
            self.seen[key] = {**record, "count": 1}

    def dump(self) -> list[dict[str, Any]]:
        return list(self.seen.values())


class FunctionRecord:
    def __init__(self) -> None:
        self.calls = 0
        self.params: dict[str, Slot] = {}
        self.returns = Slot()

    def dump(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "params": {name: slot.dump() for name, slot in self.params.items()},
            "returns": self.returns.dump(),
        }


# AutoGraph-converted code object -> the user's code object it was generated from. A function run
# by tf.function (and every user function it calls) executes as converted code in a generated file;
# AutoGraph's private `_convert_actual` is the one place that sees both, so it is wrapped here.
CONVERTED: dict[types.CodeType, types.CodeType] = {}


def _hook_autograph() -> None:
    try:
        from tensorflow.python.autograph.impl import (  # type: ignore[import-not-found,unused-ignore]
            api,
        )
    except ImportError:  # pragma: no cover - the probe test then fails loudly
        return
    original = api._convert_actual

    def convert_actual(entity: Any, program_ctx: Any) -> Any:
        transformed = original(entity, program_ctx)
        source = getattr(getattr(entity, "__func__", entity), "__code__", None)
        target = getattr(transformed, "__code__", None)
        if isinstance(source, types.CodeType) and isinstance(target, types.CodeType):
            CONVERTED[target] = CONVERTED.get(source, source)
        return transformed

    api._convert_actual = convert_actual


_hook_autograph()


def _qualnames(path: str) -> dict[tuple[int, str], str]:
    """(first line, code name) -> fixture key, for every def, and for lambdas assigned to a name.

    Keys are qualnames without ``<locals>`` (``Model.call``, ``outer.inner``); a lambda assigned to
    a name is keyed by that name (``f = lambda x: ...`` is ``f``), as the fixture README says.
    A decorated def's code starts at its first decorator.
    """
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    names: dict[tuple[int, str], str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                names.setdefault((first, child.name), prefix + child.name)
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
                continue
            if isinstance(child, ast.Assign | ast.AnnAssign) and isinstance(
                child.value, ast.Lambda
            ):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                if len(targets) == 1 and isinstance(targets[0], ast.Name):
                    names.setdefault((child.value.lineno, "<lambda>"), prefix + targets[0].id)
            visit(child, prefix)

    visit(tree, "")
    return names


def _parameter_names(code: types.CodeType) -> list[str]:
    count = code.co_argcount + code.co_kwonlyargcount
    names = list(code.co_varnames[:count])
    if code.co_flags & VARARGS:
        names.append(code.co_varnames[count])
        count += 1
    if code.co_flags & VARKEYWORDS:
        names.append(code.co_varnames[count])
    return names


class Tracer:
    """`sys.settrace` hook recording calls of target functions, eager or traced by tf.function."""

    def __init__(self, spec: CaseSpec) -> None:
        self.files = {os.path.realpath(path): prefix for path, prefix in spec["files"].items()}
        self.targets = set(spec["targets"])
        self.records: dict[str, FunctionRecord] = {}
        self.keys: dict[types.CodeType, str | None] = {}
        self.bytecode: dict[types.CodeType, bytes] = {}
        self.names: dict[str, dict[tuple[int, str], str]] = {}
        self.generator_frames: set[int] = set()
        self.live_generators: list[types.FrameType] = []

    def key_of(self, code: types.CodeType) -> str | None:
        original = CONVERTED.get(code, code)
        filename = os.path.realpath(original.co_filename)
        prefix = self.files.get(filename)
        if prefix is None:
            return None
        names = self.names.get(filename)
        if names is None:
            names = self.names[filename] = _qualnames(filename)
        # Python 3.10 has no co_qualname: find the def (or the lambda's assignment) by its line.
        qualname = names.get((original.co_firstlineno, original.co_name))
        if qualname is None:
            qualname = getattr(original, "co_qualname", original.co_name).replace(".<locals>", "")
        key = prefix + qualname
        return key if key in self.targets else None

    def __call__(self, frame: types.FrameType, event: str, arg: Any) -> Any:
        if event != "call":
            return None
        code = frame.f_code
        try:
            key = self.keys[code]
        except KeyError:
            key = self.keys[code] = self.key_of(code)
        if key is None:
            return None
        is_generator = bool(code.co_flags & GENERATOR_FLAGS)
        if is_generator:
            if id(frame) in self.generator_frames:  # a resumption, not a new call
                return None
            self.generator_frames.add(id(frame))
            self.live_generators.append(frame)  # keep the id unique while the case runs
        record = self.records.get(key)
        if record is None:
            record = self.records[key] = FunctionRecord()
        record.calls += 1
        local_values = frame.f_locals
        for name in _parameter_names(code):
            if name in local_values:
                slot = record.params.get(name)
                if slot is None:
                    slot = record.params[name] = Slot()
                slot.add(local_values[name])
        if is_generator:
            record.returns.add((lambda: (yield))())  # a call returns a generator object
            return None
        frame.f_trace_lines = False
        bytecode = self.bytecode.get(code)
        if bytecode is None:
            bytecode = self.bytecode[code] = code.co_code

        def local_trace(inner: types.FrameType, inner_event: str, value: Any) -> Any:
            # A "return" event also ends a frame left by an exception: look at the instruction.
            if inner_event == "return" and bytecode[inner.f_lasti] in RETURN_OPCODES:
                record.returns.add(value)
            return local_trace

        return local_trace


# --------------------------------------------------------------------------------------------
# Running


def _alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout()


@contextlib.contextmanager
def _isolated(spec: CaseSpec) -> Iterator[None]:
    saved_path = list(sys.path)
    saved_argv = list(sys.argv)
    saved_cwd = os.getcwd()
    saved_limit = sys.getrecursionlimit()
    saved_modules = set(sys.modules)
    saved_out, saved_err = sys.stdout, sys.stderr
    with tempfile.TemporaryDirectory(prefix="hybridize-rt-") as workdir, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        os.chdir(workdir)
        sys.path.insert(0, spec["root"])
        sys.stdout = sys.stderr = io.StringIO()
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved_out, saved_err
            os.chdir(saved_cwd)
            sys.path[:] = saved_path
            sys.argv[:] = saved_argv
            sys.setrecursionlimit(saved_limit)
            _purge(spec, saved_modules)
            with contextlib.suppress(Exception):
                tf.config.run_functions_eagerly(False)
            if keras is not None:
                with contextlib.suppress(Exception):
                    keras.backend.clear_session(free_memory=False)  # gc costs ~0.2 s a case


def _purge(spec: CaseSpec, before: set[str]) -> None:
    """Forget the modules the case imported from its own tree (every directory case has a `pkg`)."""
    root = os.path.realpath(spec["root"]) + os.sep
    for name in set(sys.modules) - before:
        namespace = getattr(sys.modules[name], "__dict__", {})  # no getattr: lazy loaders import
        places = [namespace.get("__file__") or "", *(namespace.get("__path__") or [])]
        if any(isinstance(p, str) and os.path.realpath(p).startswith(root) for p in places):
            del sys.modules[name]


def run_case(spec: CaseSpec) -> dict[str, Any]:
    import runpy

    tracer = Tracer(spec)
    status, error = "ok", ""
    with _isolated(spec):
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, spec["timeout"])
        try:
            for entry in spec["entries"]:
                sys.argv[:] = [entry["path"]]
                before = set(sys.modules)
                threading.settrace(tracer)
                sys.settrace(tracer)
                try:
                    if entry["module"] is None:
                        runpy.run_path(entry["path"], run_name="__main__")
                    else:
                        runpy.run_module(entry["module"], run_name="__main__", alter_sys=True)
                finally:
                    sys.settrace(None)
                    threading.settrace(None)  # type: ignore[arg-type,unused-ignore]
                    _purge(spec, before)
        except CaseTimeout:
            status, error = "timeout", f"still running after {spec['timeout']:.0f} s"
        except SystemExit as exit_:
            if exit_.code not in (None, 0):
                status, error = "error", f"SystemExit({exit_.code!r})"
        except BaseException as exc:
            status = "error"
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            frames = [
                f for f in traceback.extract_tb(exc.__traceback__) if f.filename in spec["files"]
            ]
            if frames:
                error += f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.settrace(None)
    tracer.live_generators.clear()
    return {
        "event": "done",
        "id": spec["id"],
        "status": status,
        "error": error,
        "functions": {key: record.dump() for key, record in tracer.records.items()},
    }


def main(argv: list[str]) -> int:
    spec_path, results_path = argv[1], argv[2]
    here = os.path.dirname(os.path.realpath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != here]  # not the fixtures'
    specs: list[CaseSpec] = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    with open(results_path, "a", encoding="utf-8") as results:
        for spec in specs:
            results.write(json.dumps({"event": "start", "id": spec["id"]}) + "\n")
            results.flush()
            started = time.monotonic()
            outcome = run_case(spec)
            outcome["seconds"] = round(time.monotonic() - started, 3)
            results.write(json.dumps(outcome) + "\n")
            results.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
