"""Runtime verification, the child side: run a program (or call a function) and record what it does.

``hybridize verify`` runs this file as a script with the interpreter the user names::

    PYTHON runner.py SPEC.json

so it needs only the standard library, NumPy and TensorFlow there, never ``hybridize`` itself.
TensorFlow is imported only when the program imports it (a program that fails before that fails
fast). The spec (written by ``hybridize.verify.engine``) says what to do:

* ``program``: run an entry program (``if __name__ == "__main__":``) in a copy of the project and
  record, for each *target* function, every call (outputs converted to NumPy, exceptions, wall
  time), the ``tf.function`` trace count, and the Python side effects of the whole program: every
  ``print``, the logging records of the program's own loggers, files opened for writing by its
  code, and the simple-valued globals of the targets' modules at the end. Targets are wrapped as
  soon as their ``def`` has run: their module's top-level statements are compiled with a hook call
  after each one, so calls made while the module is still being imported are seen too. With a
  ``baseline`` (the record of the original program), the run compares itself against it.
* ``calls``: import one module from two copies of the project in turn (original, then refactored)
  and call the target function with the same generated inputs, recording the same things.

Comparisons happen here, where NumPy is available: the result is ``verified``, ``refuted`` (with
the first differences) or ``not-verifiable``, and a speedup. The record is written as JSON (arrays
as ``.npz`` beside it), atomically, so the parent can tell a finished run from a crashed one.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import logging
import math
import os
import random
import re
import sys
import tempfile
import time
import traceback
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

HOOK = "__hybridize_verify_hook__"
MAX_RECORDED_CALLS = 200  # calls per target whose outputs are kept for comparison
MAX_ELEMENTS = 2_000_000  # larger arrays are compared by summary statistics
MAX_TEXT = 400  # characters kept of one printed line, log message or global value
MAX_PROBLEMS = 3  # differences named in a refutation
TIMING_REPEATS = 5
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")
_AUTOGRAPH_FILE = "__autograph_generated_file"
_TENSORFLOW_FILE = re.compile(r"[/\\]tensorflow[/\\]")

_real_print = builtins.print
_real_open = builtins.open
_real_call_handlers = logging.Logger.callHandlers

np: Any = None  # numpy, imported in main()


# --- recording -----------------------------------------------------------------------------


class Recorder:
    """The side effects the program shows, and what is user code (for filtering)."""

    def __init__(self, roots: Sequence[str]) -> None:
        self.roots = [os.path.realpath(root) for root in roots]
        self.prefixes = [root.rstrip(os.sep) + os.sep for root in self.roots]
        self.active = True
        self.tag: int | None = None  # the generated input being run (calls mode)
        self.prints: list[tuple[str, int | None]] = []
        self.logs: list[tuple[str, int | None]] = []
        self.files: list[tuple[str, int | None]] = []

    def is_user_file(self, filename: str) -> bool:
        if os.path.basename(filename).startswith(_AUTOGRAPH_FILE):
            return True
        real = os.path.realpath(filename)
        return any(real.startswith(prefix) for prefix in self.prefixes)

    def clean(self, text: str) -> str:
        """Take out what differs between two runs of the same program: object addresses and
        the location of the project copy."""
        for root in self.roots:
            text = text.replace(root, "<project>")
        text = _ADDRESS.sub(" at 0x…", text)
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"

    def add(self, kind: list[tuple[str, int | None]], text: str) -> None:
        if self.active:
            kind.append((self.clean(text), self.tag))


RECORDER = Recorder([])


def _print(*args: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None,
           flush: bool = False) -> None:  # fmt: skip
    try:
        text = (" " if sep is None else sep).join(_str(arg) for arg in args)
        destination = "" if file is None or file in (sys.stdout, sys.stderr) else "[to a file] "
        RECORDER.add(RECORDER.prints, destination + text)
    except Exception:  # never let recording break the program
        pass
    _real_print(*args, sep=sep, end=end, file=file, flush=flush)


def _str(value: Any) -> str:
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__} (str failed)>"


def _message(error: BaseException) -> str:
    """An exception's message on one line: TensorFlow's "in user code:" messages end with the
    line that matters; others start with it."""
    lines = [line.strip() for line in _str(error).splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[-1] if lines[0].startswith("in user code:") else lines[0]
    prefix = f"{type(error).__name__}: "
    line = line[len(prefix) :] if line.startswith(prefix) else line
    return RECORDER.clean(line if len(line) <= 200 else line[:197] + "...")


def _open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
    try:
        if isinstance(mode, str) and any(flag in mode for flag in "wax+"):
            frame = sys._getframe(1)
            if _written_by_user(frame):
                RECORDER.add(RECORDER.files, f"{mode} {_shown_path(file)}")
    except Exception:
        pass
    return _real_open(file, mode, *args, **kwargs)


def _written_by_user(frame: types.FrameType | None) -> bool:
    """Whether the program's own code opened the file (perhaps through a library such as NumPy),
    not TensorFlow (AutoGraph writes the sources of each trace to temporary files) and not a
    library being imported (Keras writes its configuration file when first imported)."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if RECORDER.is_user_file(filename):
            return True
        if filename.startswith("<frozen importlib") or _TENSORFLOW_FILE.search(filename):
            return False
        frame = frame.f_back
    return False


def _shown_path(file: Any) -> str:
    if isinstance(file, int):
        return f"<file descriptor {file}>"
    try:
        given = os.fspath(file)
    except TypeError:
        return f"<{type(file).__name__}>"
    text = given.decode("utf-8", "replace") if isinstance(given, bytes) else str(given)
    path: str = os.path.realpath(text)
    if os.path.basename(path).startswith(_AUTOGRAPH_FILE):
        return "<autograph>"
    for root in RECORDER.roots:
        if path == root or path.startswith(root + os.sep):
            return "<project>" + path[len(root) :]
    temporary = os.path.realpath(tempfile.gettempdir())
    if path.startswith(temporary + os.sep):
        return "<tmp>/" + os.path.basename(path)
    return path


def _call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
    try:
        if _program_logger(record.name):
            RECORDER.add(RECORDER.logs, f"{record.levelname} {record.name}: {record.getMessage()}")
    except Exception:
        pass
    _real_call_handlers(self, record)


def _program_logger(name: str) -> bool:
    """A logger of the program (the root logger, or one named after a module of the project or
    after no module at all), not one of TensorFlow, absl, Keras..., whose messages (re-tracing
    warnings, for one) legitimately differ between the original and the refactored program."""
    if name == "root":
        return True
    module = sys.modules.get(name.split(".")[0])
    filename = getattr(module, "__file__", None)
    return not filename or RECORDER.is_user_file(filename)


def _patch() -> None:
    builtins.print = _print
    builtins.open = _open
    io.open = _open
    logging.Logger.callHandlers = _call_handlers  # type: ignore[method-assign]


def _unpatch() -> None:
    builtins.print = _real_print
    builtins.open = _real_open
    io.open = _real_open
    logging.Logger.callHandlers = _real_call_handlers  # type: ignore[method-assign]


# --- values --------------------------------------------------------------------------------


class Store:
    """Arrays referenced from JSON-able value records by key."""

    def __init__(self) -> None:
        self.arrays: dict[str, Any] = {}

    def add(self, array: Any) -> dict[str, Any]:
        if array.size > MAX_ELEMENTS:
            return {"t": "num", "summary": _summary(array)}
        key = f"a{len(self.arrays)}"
        self.arrays[key] = array
        return {"t": "num", "a": key}


def _summary(array: Any) -> dict[str, Any]:
    data = array.astype(np.float64)
    return {
        "shape": list(array.shape),
        "sum": float(np.nansum(data)),
        "min": float(np.nanmin(data)),
        "max": float(np.nanmax(data)),
    }


def encode(value: Any, store: Store, depth: int = 0) -> dict[str, Any]:
    """A value as a JSON-able record; numbers, arrays and tensors become arrays in ``store``."""
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, int, float, complex)):
        return store.add(np.asarray(value))
    if isinstance(value, str):
        return {"t": "str", "v": value}
    if isinstance(value, bytes):
        return {"t": "str", "v": value.decode("utf-8", "replace")}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind in "OSU":
            return {"t": "strs", "shape": list(array.shape), "v": [_text(v) for v in array.flat]}
        return store.add(array)
    if depth > 32:
        return {"t": "obj", "type": type(value).__name__}
    if isinstance(value, (list, tuple)):
        return {"t": "seq", "items": [encode(item, store, depth + 1) for item in value]}
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda item: repr(item[0]))
        return {"t": "map", "items": [[repr(k), encode(v, store, depth + 1)] for k, v in items]}
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        try:
            if isinstance(value, tf.RaggedTensor):
                return {"t": "seq", "items": [encode(v, store, depth + 1) for v in value.to_list()]}
            if isinstance(value, tf.SparseTensor):
                return encode(tf.sparse.to_dense(value), store, depth + 1)
        except Exception:
            return {"t": "obj", "type": "symbolic " + type(value).__name__}
    to_numpy = getattr(value, "numpy", None)
    if callable(to_numpy):
        try:
            return encode(np.asarray(to_numpy()), store, depth + 1)
        except Exception:
            return {"t": "obj", "type": "symbolic " + type(value).__name__}
    return {"t": "obj", "type": type(value).__name__}


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def difference(
    a: Mapping[str, Any], b: Mapping[str, Any], arrays_a: Any, arrays_b: Any, rtol: float,
    atol: float, where: str = "",
) -> str | None:  # fmt: skip
    """Where and how two value records differ (None: equal within tolerance)."""
    label = where or "the value"
    kinds = a["t"], b["t"]
    if kinds[0] != kinds[1]:
        return f"{label}: {_kind(a)} in the original, {_kind(b)} now"
    if a["t"] == "num":
        return _array_difference(a, b, arrays_a, arrays_b, rtol, atol, label)
    if a["t"] in ("str", "strs"):
        return None if a["v"] == b["v"] else f"{label}: {_short(a['v'])} vs {_short(b['v'])}"
    if a["t"] == "obj":
        return None if a["type"] == b["type"] else f"{label}: {a['type']} vs {b['type']}"
    if a["t"] == "seq":
        if len(a["items"]) != len(b["items"]):
            return f"{label}: {len(a['items'])} items vs {len(b['items'])}"
        for index, (x, y) in enumerate(zip(a["items"], b["items"], strict=True)):
            found = difference(x, y, arrays_a, arrays_b, rtol, atol, f"{where}[{index}]")
            if found:
                return found
        return None
    if a["t"] == "map":
        keys_a, keys_b = [k for k, _ in a["items"]], [k for k, _ in b["items"]]
        if keys_a != keys_b:
            return f"{label}: keys {keys_a} vs {keys_b}"
        for (key, x), (_, y) in zip(a["items"], b["items"], strict=True):
            found = difference(x, y, arrays_a, arrays_b, rtol, atol, f"{where}[{key}]")
            if found:
                return found
        return None
    return None


def _kind(record: Mapping[str, Any]) -> str:
    names = {"none": "None", "num": "a number or array", "str": "a string", "strs": "strings",
             "seq": "a sequence", "map": "a mapping"}  # fmt: skip
    return names.get(record["t"], str(record.get("type", record["t"])))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _array_difference(
    a: Mapping[str, Any], b: Mapping[str, Any], arrays_a: Any, arrays_b: Any, rtol: float,
    atol: float, label: str,
) -> str | None:  # fmt: skip
    if "summary" in a or "summary" in b:
        sa, sb = a.get("summary"), b.get("summary")
        if sa is None or sb is None or sa["shape"] != sb["shape"]:
            return f"{label}: a large array in one program only, or of another shape"
        for stat in ("sum", "min", "max"):
            if not _close(sa[stat], sb[stat], rtol, atol):
                return f"{label}: {stat} {sa[stat]:.6g} vs {sb[stat]:.6g}"
        return None
    x, y = np.asarray(arrays_a[a["a"]]), np.asarray(arrays_b[b["a"]])
    if x.shape != y.shape:
        return f"{label}: shape {tuple(x.shape)} in the original, {tuple(y.shape)} now"
    if x.dtype.kind in "biu" and y.dtype.kind in "biu":
        if np.array_equal(x, y):
            return None
        index = tuple(int(i) for i in np.argwhere(x != y)[0])
        return f"{label}: {x[index]!r} vs {y[index]!r} at index {index}"
    kind = np.complex128 if "c" in (x.dtype.kind, y.dtype.kind) else np.float64
    xf, yf = x.astype(kind), y.astype(kind)
    close = np.isclose(xf, yf, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~close)[0])
    gap = np.abs(xf - yf)
    worst = float(np.nanmax(np.where(close, 0.0, gap))) if gap.size else 0.0
    shown = "" if not index else f" at index {index}"
    return (
        f"{label}: {xf[index]:.6g} vs {yf[index]:.6g}{shown} (largest difference {worst:.3g}; "
        f"rtol {rtol:g}, atol {atol:g})"
    )


def _close(x: float, y: float, rtol: float, atol: float) -> bool:
    if math.isnan(x) and math.isnan(y):
        return True
    return abs(x - y) <= atol + rtol * abs(y)


def texts_close(a: str, b: str, rtol: float | None, atol: float | None) -> bool:
    """Equal, except that numbers may differ within tolerance plus one unit of their last printed
    digit (a loss printed with four decimals rounds two close values apart); no tolerance
    (``None``): equal."""
    if a == b:
        return True
    if rtol is None or atol is None:
        return False
    words_a, words_b = _NUMBER.split(a), _NUMBER.split(b)
    numbers_a, numbers_b = _NUMBER.findall(a), _NUMBER.findall(b)
    if words_a != words_b or len(numbers_a) != len(numbers_b):
        return False
    for x, y in zip(numbers_a, numbers_b, strict=True):
        if x == y:
            continue
        if _is_integer(x) and _is_integer(y):
            return False
        fx, fy = float(x), float(y)
        if math.isnan(fx) and math.isnan(fy):
            continue
        slack = max(_last_digit(x), _last_digit(y))
        if not abs(fx - fy) <= atol + rtol * abs(fy) + slack:
            return False
    return True


def _is_integer(text: str) -> bool:
    return text.lstrip("+-").isdigit()


def _last_digit(text: str) -> float:
    """The value of one unit in the last printed digit: ``2.3026`` -> 1e-4, ``1.5e-3`` -> 1e-4."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2]) if "." in mantissa else 0
    try:
        return float(10.0 ** (int(exponent or 0) - decimals))
    except (ValueError, OverflowError):
        return 0.0


# --- module globals ------------------------------------------------------------------------


def describe(value: Any, depth: int = 0) -> str | None:
    """A comparable text for a simple value (None: not a simple value, not compared)."""
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if depth > 3:
        return f"<{type(value).__name__}>"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if len(items) > 64:
            return f"{type(value).__name__} of {len(items)} items"
        texts = [describe(item, depth + 1) or f"<{type(item).__name__}>" for item in items]
        if isinstance(value, (set, frozenset)):
            texts.sort()
        return f"{type(value).__name__}[{', '.join(texts)}]"
    if isinstance(value, dict):
        if len(value) > 64:
            return f"dict of {len(value)} items"
        texts = sorted(
            f"{key!r}: {describe(item, depth + 1) or '<' + type(item).__name__ + '>'}"
            for key, item in value.items()
        )
        return "{" + ", ".join(texts) + "}"
    tensor = _tensor_text(value)
    if tensor is not None:
        return tensor
    return None if depth == 0 else f"<{type(value).__name__}>"


def _tensor_text(value: Any) -> str | None:
    tf = sys.modules.get("tensorflow")
    if np is not None and isinstance(value, np.ndarray):
        return f"array({_values(value)})"
    if tf is None or not isinstance(value, (tf.Tensor, tf.Variable)):
        return None
    try:
        return f"tensor({_values(np.asarray(value.numpy()))})"
    except Exception:
        return f"<symbolic tensor {value.dtype.name} {value.shape}>"


def _values(array: Any) -> str:
    if array.size > 16:
        return f"{array.dtype} {tuple(array.shape)} sum={float(array.astype(np.float64).sum()):.6g}"
    return f"{array.dtype} {array.tolist()!r}"


def snapshot(namespace: Mapping[str, Any]) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in list(namespace.items()):
        if name.startswith("__") or isinstance(value, (types.ModuleType, type)) or callable(value):
            continue
        try:
            text = describe(value)
        except Exception:
            text = None
        if text is not None:
            result[name] = RECORDER.clean(text)
    return result


# --- instrumenting the targets -------------------------------------------------------------


class Target:
    def __init__(self, spec: Mapping[str, Any], store: Store) -> None:
        self.id: str = spec["id"]
        self.path = os.path.realpath(spec["path"])
        self.relpath: str = spec.get("relpath", spec["path"])
        self.qualname: str = spec["qualname"]
        self.store = store
        self.loaded = False
        self.problem: str | None = None
        self.calls: dict[int, dict[str, Any]] = {}
        self.eager_calls = 0
        self.symbolic_calls = 0
        self.functions: dict[int, Any] = {}  # the tf.function objects called (trace counts)
        self.wrappers: list[Any] = []
        self.namespace: dict[str, Any] | None = None

    def record(self) -> dict[str, Any]:
        return {
            "loaded": self.loaded,
            "problem": self.problem,
            "calls": [self.calls[index] for index in sorted(self.calls)],
            "eager_calls": self.eager_calls,
            "symbolic_calls": self.symbolic_calls,
            "tracing": tracing_count(self.functions.values()),
        }


def tracing_count(functions: Iterable[Any]) -> int | None:
    counts = []
    for function in functions:
        count = getattr(function, "experimental_get_tracing_count", None)
        if callable(count):
            try:
                counts.append(int(count()))
            except Exception:
                pass
    return sum(counts) if counts else None


def _eager() -> bool:
    tf = sys.modules.get("tensorflow")
    executing_eagerly = getattr(tf, "executing_eagerly", None)
    if executing_eagerly is None:
        return True
    try:
        return bool(executing_eagerly())
    except Exception:
        return True


def _called(target: Target, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if hasattr(function, "experimental_get_tracing_count"):
        target.functions.setdefault(id(function), function)
    if not _eager():
        target.symbolic_calls += 1
        return function(*args, **kwargs)
    index = target.eager_calls
    target.eager_calls += 1
    started = time.perf_counter()
    try:
        result = function(*args, **kwargs)
    except BaseException as error:
        seconds = time.perf_counter() - started
        target.calls[index] = {
            "seconds": seconds,
            "raised": type(error).__name__,
            "message": _message(error),
        }
        raise
    seconds = time.perf_counter() - started
    call: dict[str, Any] = {"seconds": seconds, "raised": None}
    if index < MAX_RECORDED_CALLS:
        try:
            call["out"] = encode(result, target.store)
        except Exception as error:  # an output we cannot read is compared by type only
            call["out"] = {"t": "obj", "type": f"{type(result).__name__} ({error!r})"}
    target.calls[index] = call
    return result


def _wrap(target: Target, current: Any, method: bool) -> Any:
    import functools

    marker = "__hybridize_verify_target__"
    if getattr(current, marker, None) is target:
        return current
    if isinstance(current, staticmethod):
        return staticmethod(_wrap(target, current.__func__, method=False))
    if isinstance(current, classmethod):
        inner = current.__func__

        def class_wrapper(cls: Any, *args: Any, **kwargs: Any) -> Any:
            return _called(target, inner.__get__(cls, cls), args, kwargs)

        setattr(class_wrapper, marker, target)
        return classmethod(functools.wraps(inner)(class_wrapper))
    if method:

        def method_wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            return _called(target, current.__get__(self, type(self)), args, kwargs)

        wrapper = method_wrapper
    else:

        def function_wrapper(*args: Any, **kwargs: Any) -> Any:
            return _called(target, current, args, kwargs)

        wrapper = function_wrapper
    try:
        wrapper = functools.wraps(current)(wrapper)
    except Exception:
        pass
    setattr(wrapper, marker, target)
    if hasattr(current, "experimental_get_tracing_count"):
        target.functions.setdefault(id(current), current)
    return wrapper


def install(target: Target, namespace: dict[str, Any]) -> None:
    """Wrap the target in its module's namespace once its ``def`` (and class) have run."""
    parts = target.qualname.split(".")
    holder: Any = None
    scope: Mapping[str, Any] = namespace
    for part in parts[:-1]:
        owner = scope.get(part)
        if owner is None:
            return
        if not isinstance(owner, type):
            target.problem = (
                f"{target.qualname} is not reachable from its module (nested in {part})"
            )
            return
        holder, scope = owner, vars(owner)
    current = scope.get(parts[-1])
    if current is None:
        return
    if isinstance(current, property):
        target.problem = f"{target.qualname} is a property"
        return
    wrapped = _wrap(target, current, method=holder is not None)
    if wrapped is current:
        return
    target.loaded = True
    target.namespace = namespace
    if holder is None:
        namespace[parts[-1]] = wrapped
    else:
        setattr(holder, parts[-1], wrapped)


class Instrumentation:
    """Compiles the targets' modules with a hook call after each top-level statement."""

    def __init__(self, targets: Sequence[Target]) -> None:
        self.by_path: dict[str, list[Target]] = {}
        for target in targets:
            self.by_path.setdefault(target.path, []).append(target)

    def hook(self, namespace: dict[str, Any]) -> None:
        path = namespace.get("__file__")
        if not isinstance(path, str):
            return
        for target in self.by_path.get(os.path.realpath(path), ()):
            try:
                install(target, namespace)
            except Exception as error:
                target.problem = f"cannot instrument {target.qualname}: {error!r}"

    def wants(self, path: str | None) -> bool:
        return path is not None and os.path.realpath(path) in self.by_path

    def compile(self, source: bytes, path: str) -> types.CodeType:
        tree = ast.parse(source, filename=path)
        if self.wants(path):
            body: list[ast.stmt] = []
            for index, statement in enumerate(tree.body):
                body.append(statement)
                docstring = (
                    index == 0
                    and isinstance(statement, ast.Expr)
                    and isinstance(statement.value, ast.Constant)
                )
                future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
                if not (docstring or future):
                    body.append(_hook_call(statement))
            tree.body = body
        return compile(tree, path, "exec", dont_inherit=True)


def _hook_call(after: ast.stmt) -> ast.stmt:
    call = ast.Expr(
        ast.Call(
            func=ast.Name(HOOK, ast.Load()),
            args=[ast.Call(func=ast.Name("globals", ast.Load()), args=[], keywords=[])],
            keywords=[],
        )
    )
    line = after.end_lineno or after.lineno
    for node in ast.walk(call):
        node.lineno = node.end_lineno = line  # type: ignore[attr-defined]
        node.col_offset = node.end_col_offset = 0  # type: ignore[attr-defined]
    return call


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, instrumentation: Instrumentation) -> None:
        self.instrumentation = instrumentation

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not self.instrumentation.wants(spec.origin):
            return None
        assert spec.origin is not None
        spec.loader = _Loader(fullname, spec.origin, self.instrumentation)
        return spec


class _Loader(importlib.machinery.SourceFileLoader):
    def __init__(self, fullname: str, path: str, instrumentation: Instrumentation) -> None:
        super().__init__(fullname, path)
        self.instrumentation = instrumentation

    def get_code(self, fullname: str) -> types.CodeType:
        return self.instrumentation.compile(self.get_data(self.path), self.path)


# --- running a program ---------------------------------------------------------------------


def _seed() -> None:
    random.seed(0)
    np.random.seed(0)


class _SeedTensorFlow(importlib.abc.MetaPathFinder):
    """Seed TensorFlow as soon as the program has imported it."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        original = loader.exec_module

        def exec_module(module: types.ModuleType) -> None:
            original(module)
            try:
                module.random.set_seed(0)
            except Exception:
                pass

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def run_program(spec: Mapping[str, Any]) -> dict[str, Any]:
    store = Store()
    targets = [Target(t, store) for t in spec["targets"]]
    instrumentation = Instrumentation(targets)
    entry = os.path.realpath(spec["entry"])
    global RECORDER
    RECORDER = Recorder([spec["root"], os.path.dirname(entry)])
    setattr(builtins, HOOK, instrumentation.hook)
    original_root = os.path.realpath(spec["original_root"]) + os.sep
    sys.path[:] = [os.path.dirname(entry), spec["root"]] + [
        p for p in sys.path if not os.path.realpath(p or ".").startswith(original_root)
    ]
    sys.argv = [entry, *spec.get("argv", [])]
    os.chdir(spec["cwd"])
    sys.meta_path.insert(0, _Finder(instrumentation))
    sys.meta_path.insert(0, _SeedTensorFlow())
    _seed()
    error: str | None = None
    trace: str | None = None
    started = time.perf_counter()
    main_module = sys.modules["__main__"]
    _patch()
    try:
        module = types.ModuleType("__main__")
        module.__file__ = entry
        module.__cached__ = None  # type: ignore[attr-defined]
        module.__builtins__ = builtins  # type: ignore[attr-defined]
        sys.modules["__main__"] = module
        with _real_open(entry, "rb") as handle:
            code = instrumentation.compile(handle.read(), entry)
        exec(code, module.__dict__)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            error = f"SystemExit: {stop.code}"
    except BaseException as failure:
        error = f"{type(failure).__name__}: {_message(failure)}".rstrip(": ")
        trace = RECORDER.clean("".join(traceback.format_exception(failure)[-6:]))
    finally:
        _unpatch()
        sys.modules["__main__"] = main_module
    seconds = time.perf_counter() - started
    namespaces = {t.relpath: t.namespace for t in targets if t.namespace is not None}
    record: dict[str, Any] = {
        "error": error,
        "traceback": trace,
        "seconds": seconds,
        "targets": {t.id: t.record() for t in targets},
        "prints": RECORDER.prints,
        "logs": RECORDER.logs,
        "files": RECORDER.files,
        "globals": {path: snapshot(namespace) for path, namespace in namespaces.items()},
    }
    return _finish(spec, record, store)


def _finish(spec: Mapping[str, Any], record: dict[str, Any], store: Store) -> dict[str, Any]:
    baseline = spec.get("baseline")
    if baseline:
        with _real_open(baseline["record"], encoding="utf-8") as handle:
            base = json.load(handle)
        with np.load(baseline["arrays"]) as loaded:
            base_arrays = {name: loaded[name] for name in loaded.files}
        if spec.get("compare"):
            record["comparison"] = compare_program(spec, base, base_arrays, record, store.arrays)
        else:  # a second run of the original: what differs between two runs of one program
            record["noise"] = {
                target: [
                    key
                    for key, _ in program_differences(
                        spec, base, base_arrays, record, store.arrays, target
                    )
                ]
                for target in record["targets"]
            }
    if spec.get("arrays"):
        np.savez(spec["arrays"], **store.arrays)
    return record


# --- comparing -----------------------------------------------------------------------------

#: A difference: a key naming what differs (``call:3``, ``prints``, ``prints:7``,
#: ``global:mod.py:NAME``, ``traces``...) so that differences between two runs of the original
#: can be set aside, and a message.
Difference = tuple[str, str]
_EFFECTS = (("print calls", "prints"), ("log records", "logs"), ("file writes", "files"))
_SEQUENCES = frozenset({"call", "prints", "logs", "files"})


def compare_program(
    spec: Mapping[str, Any],
    base: Mapping[str, Any],
    base_arrays: Mapping[str, Any],
    record: Mapping[str, Any],
    arrays: Mapping[str, Any],
) -> dict[str, Any]:
    target = spec["compare"]
    found = program_differences(spec, base, base_arrays, record, arrays, target)
    before, after = base["targets"][target], record["targets"][target]
    return _verdict(found, before, after, spec["kind"], "calls")


def program_differences(
    spec: Mapping[str, Any],
    base: Mapping[str, Any],
    base_arrays: Mapping[str, Any],
    record: Mapping[str, Any],
    arrays: Mapping[str, Any],
    target: str,
) -> list[Difference]:
    """How the run ``record`` differs from the run ``base``, as seen from ``target``: its calls,
    then the program's side effects."""
    label, rtol, atol = spec["label"], spec["rtol"], spec["atol"]
    before, after = base["targets"][target], record["targets"][target]
    found = _call_differences(
        before["calls"], after["calls"], base_arrays, arrays, label, rtol, atol
    )
    error = record["error"]
    if error and not base["error"]:
        raised = {call["raised"] for call in after["calls"] if call["raised"]}
        shown = "" if error.partition(":")[0] in raised else f": {error}"
        found.append(("program", f"the program fails {label}{shown}"))
    if before["eager_calls"] != after["eager_calls"]:
        found.append(
            (
                "calls",
                f"calls: {before['eager_calls']} in the original, {after['eager_calls']} {label}",
            )
        )
    if before["symbolic_calls"] != after["symbolic_calls"]:
        found.append(
            (
                "symbolic-calls",
                f"calls while tracing: {before['symbolic_calls']} in the original, "
                f"{after['symbolic_calls']} {label}",
            )
        )
    # Between two runs of the original any change of a printed number counts: a timing printed
    # within tolerance twice must still be set aside when a third run prints it further off.
    text_rtol, text_atol = (None, None) if spec.get("exact_texts") else (rtol, atol)
    for what, key in _EFFECTS:
        found += _text_differences(
            what, key, _texts(base[key]), _texts(record[key]), label, text_rtol, text_atol
        )
    found += _global_differences(base["globals"], record["globals"], label, text_rtol, text_atol)
    traces = _trace_difference(spec["kind"], before["tracing"], after["tracing"], label)
    if traces:
        found.append(traces)
    return found


def _texts(entries: Iterable[Sequence[Any]], tags: set[int] | None = None) -> list[str]:
    return [str(text) for text, tag in entries if tags is None or tag in tags]


def _call_differences(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]], base_arrays: Any,
    arrays: Any, label: str, rtol: float, atol: float,
    name: Callable[[int], str] = lambda index: f"call {index + 1}",
) -> list[Difference]:  # fmt: skip
    found = []
    for index, (x, y) in enumerate(zip(before, after, strict=False)):
        difference_ = _call_difference(x, y, base_arrays, arrays, label, rtol, atol)
        if difference_:
            found.append((f"call:{index}", f"{name(index)}: {difference_}"))
    return found


def _call_difference(
    x: Mapping[str, Any], y: Mapping[str, Any], base_arrays: Any, arrays: Any, label: str,
    rtol: float, atol: float,
) -> str | None:  # fmt: skip
    if x["raised"] or y["raised"]:
        if x["raised"] == y["raised"]:
            return None
        was = f"raised {x['raised']}: {x['message']}" if x["raised"] else "returned"
        now = f"raised {y['raised']}: {y['message']}" if y["raised"] else "returned"
        return f"the original {was}, {label} it {now}"
    if "out" not in x or "out" not in y:
        return None
    found = difference(x["out"], y["out"], base_arrays, arrays, rtol, atol, "the result")
    return None if found is None else f"{found} ({label})"


def _text_differences(
    what: str, key: str, before: list[str], after: list[str], label: str, rtol: float | None,
    atol: float | None,
) -> list[Difference]:  # fmt: skip
    found: list[Difference] = []
    for index, (x, y) in enumerate(zip(before, after, strict=False)):
        if not texts_close(x, y, rtol, atol):
            example = _example(index, before, after, label)
            found.append((f"{key}:{index}", f"{what} differ: {example}"))
    if len(before) != len(after):
        # The example is the first line whose words differ: numbers alone (timings) may differ
        # between any two runs.
        common = min(len(before), len(after))
        first = next(
            (i for i in range(common) if _NUMBER.split(before[i]) != _NUMBER.split(after[i])),
            common,
        )
        example = _example(first, before, after, label)
        count = f"{what}: {len(before)} in the original, {len(after)} {label} ({example})"
        found.insert(0, (key, count))
    return found


def _example(index: int, before: Sequence[str], after: Sequence[str], label: str) -> str:
    was = _cut(repr(before[index])) if index < len(before) else "nothing"
    now = _cut(repr(after[index])) if index < len(after) else "nothing"
    return f"#{index + 1} is {was} in the original, {now} {label}"


def _cut(text: str) -> str:
    return text if len(text) <= 100 else text[:97] + "..."


def _global_differences(
    before: Mapping[str, Mapping[str, str]], after: Mapping[str, Mapping[str, str]], label: str,
    rtol: float | None, atol: float | None,
) -> list[Difference]:  # fmt: skip
    found = []
    for path in sorted(set(before) | set(after)):
        x, y = before.get(path, {}), after.get(path, {})
        for name in sorted(set(x) | set(y)):
            was, now = x.get(name), y.get(name)
            if was is not None and now is not None and texts_close(was, now, rtol, atol):
                continue
            module = os.path.basename(path)
            found.append(
                (
                    f"global:{path}:{name}",
                    f"module global {module}:{name} is {_cut(was or 'unset')} in the original, "
                    f"{_cut(now or 'unset')} {label}",
                )
            )
    return found


def _trace_difference(
    kind: str, before: int | None, after: int | None, label: str
) -> Difference | None:
    if kind == "reconfigure" and before is not None and after is not None and after > before:
        return ("traces", f"traces: {after} {label}, {before} in the original")
    return None


def summarise(found: Sequence[Sequence[str]], noun: str = "calls") -> str:
    """The differences as one message: the first of each kind, with how many there are."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for key, message in found:
        head = key.partition(":")[0]
        group = head if head in _SEQUENCES else key
        groups.setdefault(group, []).append((key, message))
    parts = []
    for group, members in groups.items():
        counts = [message for key, message in members if key == group]
        if counts:
            parts.append(counts[0])
            continue
        message = members[0][1]
        if len(members) > 1:
            message += f" ({len(members)} {noun if group == 'call' else 'lines'} differ)"
        parts.append(message)
    shown = parts[:MAX_PROBLEMS]
    if len(parts) > MAX_PROBLEMS:
        shown.append(f"and {len(parts) - MAX_PROBLEMS} more differences")
    return "; ".join(shown)


def _verdict(
    found: list[Difference], before: Mapping[str, Any], after: Mapping[str, Any], kind: str,
    unit: str,
) -> dict[str, Any]:  # fmt: skip
    """The comparison's result; ``verified_detail`` is what ``detail`` says when nothing differs
    (the parent uses it when every difference also shows between two runs of the original)."""
    speedup = _speedup(before["calls"], after["calls"])
    count = before["eager_calls"]
    if count:
        detail = f"same results over {_plural(count, 'call')}"
        if unit != "calls":
            detail = f"same results on {_plural(count, 'input')} {unit}"
    else:
        detail = (
            f"only called while tracing ({_plural(before['symbolic_calls'], 'call')}); "
            "the program's output is the same"
        )
    detail += _traces_text(kind, before["tracing"], after["tracing"])
    verdict = {
        "status": "verified",
        "detail": detail,
        "speedup": speedup,
        "differences": [list(item) for item in found],
        "verified_detail": detail,
    }
    if found:
        noun = "calls" if unit == "calls" else "inputs"
        verdict.update(status="refuted", detail=summarise(found, noun))
    return verdict


def _traces_text(kind: str, before: int | None, after: int | None) -> str:
    if kind == "hybridize" and after is not None:
        return f", traced {_times(after)}"
    if kind == "reconfigure" and after is not None:
        return f", traced {_times(after)} ({_times(before) if before is not None else '?'} before)"
    if kind == "dehybridize" and before is not None:
        return f" (it was traced {_times(before)} before)"
    return ""


def _times(count: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(count, f"{count} times")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _speedup(
    before: Sequence[Mapping[str, Any]], after: Sequence[Mapping[str, Any]]
) -> float | None:
    """Median time per call of the original over that of the refactored function, the first
    call (tracing) left out."""
    times_before = [c["seconds"] for c in before[1:] if not c["raised"]]
    times_after = [c["seconds"] for c in after[1:] if not c["raised"]]
    if not times_before or not times_after:
        return None
    median_after = _median(times_after)
    if median_after <= 0:
        return None
    return round(_median(times_before) / median_after, 2)


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return float(ordered[middle - 1] + ordered[middle]) / 2


# --- calling a function on generated inputs ------------------------------------------------


def run_calls(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Import the target's module from the original copy, then from the refactored one, and call
    the function on the same inputs in both."""
    global RECORDER
    RECORDER = Recorder([spec["original_root"], spec["refactored_root"]])
    label, kind = spec["label"], spec["kind"]
    _patch()
    try:
        before = _call_side(spec, spec["original_root"])
        after = _call_side(spec, spec["refactored_root"])
    finally:
        _unpatch()
    record: dict[str, Any] = {"error": before["error"] or after["error"]}
    if before["error"]:
        record["comparison"] = {
            "status": "not-verifiable",
            "detail": f"importing it fails in the original: {before['error']}",
            "speedup": None,
        }
        return record
    if after["error"]:
        record["comparison"] = {
            "status": "refuted",
            "detail": f"importing it fails {label}: {after['error']}",
            "speedup": None,
        }
        return record
    calls_before, calls_after = before["target"]["calls"], after["target"]["calls"]
    accepted = [i for i, call in enumerate(calls_before) if not call["raised"]]
    if not accepted:
        first = calls_before[0] if calls_before else None
        reason = f" (first: {first['raised']}: {first['message']})" if first else ""
        record["comparison"] = {
            "status": "not-verifiable",
            "detail": f"the original raised on every generated input{reason}",
            "speedup": None,
        }
        return record
    rtol, atol = spec["rtol"], spec["atol"]
    keep = set(accepted)
    examples = spec["examples"]
    found = [
        item
        for item in _call_differences(
            calls_before,
            calls_after,
            before["arrays"],
            after["arrays"],
            label,
            rtol,
            atol,
            name=lambda index: f"on input {_describe_input(examples[index])}",
        )
        if int(item[0].partition(":")[2]) in keep
    ]
    for what, key in _EFFECTS:
        found += _text_differences(
            what, key, _texts(before[key], keep), _texts(after[key], keep), label, rtol, atol
        )
    found += _global_differences(
        {"module": before["globals"]}, {"module": after["globals"]}, label, rtol, atol
    )
    traces = _trace_difference(kind, before["target"]["tracing"], after["target"]["tracing"], label)
    if traces:
        found.append(traces)
    summary_before = {**before["target"], "eager_calls": len(accepted), "calls": before["timing"]}
    summary_after = {**after["target"], "calls": after["timing"]}
    verdict = _verdict(found, summary_before, summary_after, kind, spec["inputs"])
    rejected = len(calls_before) - len(accepted)
    if rejected and verdict["status"] == "verified":
        verdict["detail"] += f"; the original rejected {_plural(rejected, 'other input')}"
    record["comparison"] = verdict
    return record


def _describe_input(arguments: Sequence[Mapping[str, Any]]) -> str:
    return "(" + ", ".join(_describe_argument(a) for a in arguments) + ")"


def _describe_argument(argument: Mapping[str, Any]) -> str:
    if argument["t"] == "tensor":
        return f"{argument['dtype']}{tuple(argument['shape'])}"
    if argument["t"] in ("list", "tuple"):
        return f"{argument['t']}{_describe_input(argument['items'])}"
    return repr(argument["v"])


def _call_side(spec: Mapping[str, Any], root: str) -> dict[str, Any]:
    base = os.path.join(root, spec["base"]) if spec["base"] else root
    saved_path = list(sys.path)
    original_root = os.path.realpath(spec["project_root"]) + os.sep
    sys.path[:] = [base] + [
        p for p in sys.path if not os.path.realpath(p or ".").startswith(original_root)
    ]
    os.chdir(root)
    RECORDER.active = False
    store = Store()
    target = Target({"id": spec["compare"], "path": "", "qualname": spec["qualname"]}, store)
    side: dict[str, Any] = {"error": None, "arrays": store.arrays, "timing": []}
    try:
        _seed()
        module = importlib.import_module(spec["module"])
        function: Any = module
        for part in spec["qualname"].split("."):
            function = getattr(function, part)
    except BaseException as error:
        side["error"] = f"{type(error).__name__}: {_message(error)}".rstrip(": ")
        _forget(root)
        sys.path[:] = saved_path
        return side
    tf = importlib.import_module("tensorflow")
    for index, example in enumerate(spec["examples"]):
        arguments = [_argument(a, tf) for a in example]
        random.seed(index)
        np.random.seed(index)
        tf.random.set_seed(index)
        RECORDER.active, RECORDER.tag = True, index
        try:
            _called(target, function, tuple(arguments), {})
        except Exception:
            pass
        finally:
            RECORDER.active, RECORDER.tag = False, None
    side["target"] = target.record()
    side["prints"], side["logs"], side["files"] = RECORDER.prints, RECORDER.logs, RECORDER.files
    RECORDER.prints, RECORDER.logs, RECORDER.files = [], [], []
    side["globals"] = snapshot(vars(module))
    accepted = [i for i, call in enumerate(side["target"]["calls"]) if not call["raised"]]
    if accepted:
        arguments = [_argument(a, tf) for a in spec["examples"][accepted[0]]]
        for _ in range(TIMING_REPEATS + 1):
            started = time.perf_counter()
            try:
                function(*arguments)
            except Exception:
                break
            side["timing"].append({"seconds": time.perf_counter() - started, "raised": None})
    _forget(root)
    sys.path[:] = saved_path
    return side


def _argument(argument: Mapping[str, Any], tf: Any) -> Any:
    kind = argument["t"]
    if kind == "tensor":
        shape = tuple(argument["shape"])
        if "seed" in argument:
            generator = np.random.default_rng(argument["seed"])
            dtype = np.dtype(argument["dtype"]) if argument["dtype"] != "bfloat16" else None
            if dtype is not None and dtype.kind in "iu":
                array = generator.integers(0, 10, size=shape)
            elif dtype is not None and dtype.kind == "b":
                array = generator.integers(0, 2, size=shape).astype(bool)
            else:
                array = generator.uniform(-10.0, 10.0, size=shape)
        else:
            array = np.asarray(argument["values"]).reshape(shape)
        return tf.constant(array, dtype=getattr(tf, argument["dtype"]))
    if kind == "list":
        return [_argument(item, tf) for item in argument["items"]]
    if kind == "tuple":
        return tuple(_argument(item, tf) for item in argument["items"])
    return argument["v"]


def _forget(root: str) -> None:
    """Drop the modules imported from ``root`` so the other copy's are imported afresh."""
    prefix = os.path.realpath(root) + os.sep
    for name, module in list(sys.modules.items()):
        filename = getattr(module, "__file__", None)
        if isinstance(filename, str) and os.path.realpath(filename).startswith(prefix):
            del sys.modules[name]


# --- main ----------------------------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    global np
    if sys.path and os.path.realpath(sys.path[0]) == os.path.dirname(os.path.realpath(__file__)):
        del sys.path[0]  # this script's directory is not the program's
    with open(argv[1], encoding="utf-8") as handle:
        spec = json.load(handle)
    sys.dont_write_bytecode = True
    np = importlib.import_module("numpy")
    if spec["mode"] == "program":
        record = run_program(spec)
    else:
        record = run_calls(spec)
        record.pop("sides", None)
    output = spec["output"]
    partial = output + ".partial"
    with _real_open(partial, "w", encoding="utf-8") as handle:
        json.dump(record, handle, default=repr)
    os.replace(partial, output)
    return 0


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter shutdown: TensorFlow's thread pools sometimes hang or crash in it, and the
    # record is already written.
    os._exit(code)
