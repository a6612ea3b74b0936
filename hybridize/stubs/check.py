"""Check the hand-written models against the installed TensorFlow, Keras and NumPy (design §6).

``python -m hybridize.stubs.check [--allowlist FILE] [--format text|json] [--record]``

Every modelled name (function, class, method, attribute, module, re-export) must exist in the
installed libraries (canonical ``keras.*`` names are tried under ``keras`` and
``tensorflow.keras``; members that only exist on instances are looked up on a sample instance),
and every modelled function, method and constructor must have a signature compatible with the
real one: each parameter the model names exists in the real signature with the same kind and,
for positional ones, at the same position; every parameter the real one requires is modelled;
a default present on one side only is a difference. Callables without an introspectable
signature (C functions) are skipped with a note; ``builtins.*`` signatures are not checked.

Known, documented differences are listed in ``allowlist.txt`` (an entry that matches nothing is
*stale*, which fails the check). The library versions the models were checked against are
recorded in ``VERSIONS``; ``--record`` adds the installed ones after a clean run.

TensorFlow, Keras and NumPy are imported only inside ``run`` (this layer must import without
them). Exit status: 0 clean, 1 differences or stale allowlist entries, 2 libraries missing.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import attrs

from hybridize.stubs.loader import MODELS_DIR, Models, load_from, load_models
from hybridize.stubs.model import FunctionModel, ParamKind

ALLOWLIST_FILE: Final[Path] = Path(__file__).resolve().parent / "allowlist.txt"
VERSIONS_FILE: Final[Path] = Path(__file__).resolve().parent / "VERSIONS"
LIBRARIES: Final[tuple[str, ...]] = ("tensorflow", "keras", "numpy")

#: Kinds of difference; an allowlist entry names one, optionally ``kind:parameter``.
KINDS: Final[tuple[str, ...]] = (
    "missing",  # the name does not exist in the installed libraries
    "unknown-parameter",  # the model names a parameter the real callable does not have
    "parameter-kind",  # same name, different kind (positional-only, keyword-only, ...)
    "parameter-position",  # a positional parameter at a different position
    "unmodelled-required",  # the real callable requires a parameter the model lacks
    "default",  # a default on one side only
)

_MISSING: Final = object()
_KIND_NAMES: Final[dict[str, str]] = {
    "POSITIONAL_ONLY": "positional-only",
    "POSITIONAL_OR_KEYWORD": "positional-or-keyword",
    "VAR_POSITIONAL": "var-positional",
    "KEYWORD_ONLY": "keyword-only",
    "VAR_KEYWORD": "var-keyword",
}
_POSITIONAL: Final[frozenset[str]] = frozenset({"positional-only", "positional-or-keyword"})
_VARIADIC: Final[frozenset[str]] = frozenset({"var-positional", "var-keyword"})
_KEYWORD: Final[frozenset[str]] = frozenset({"positional-or-keyword", "keyword-only"})


class LibrariesMissing(Exception):
    """TensorFlow, Keras or NumPy is not installed."""


@attrs.frozen
class Difference:
    """One way a model disagrees with the installed library; ``allowed`` is the allowlist's
    reason when the difference is known and documented."""

    name: str
    kind: str
    problem: str
    parameter: str | None = None
    allowed: str | None = None

    def line(self) -> str:
        suffix = f" (allowed: {self.allowed})" if self.allowed is not None else ""
        return f"{self.name}: {self.problem}{suffix}"


@attrs.frozen
class AllowEntry:
    name: str
    kind: str  # one of KINDS, optionally ``kind:parameter``
    reason: str
    line: int

    def matches(self, difference: Difference) -> bool:
        kind, _, parameter = self.kind.partition(":")
        return (
            self.name == difference.name
            and kind == difference.kind
            and (not parameter or parameter == difference.parameter)
        )


@attrs.frozen
class Report:
    differences: tuple[Difference, ...]
    stale: tuple[AllowEntry, ...]
    notes: tuple[str, ...]  # signatures that could not be checked, and why
    names_checked: int
    signatures_checked: int
    versions: dict[str, str]
    warnings: tuple[str, ...]

    @property
    def failures(self) -> tuple[Difference, ...]:
        return tuple(d for d in self.differences if d.allowed is None)

    @property
    def clean(self) -> bool:
        return not self.failures and not self.stale

    def to_json(self) -> dict[str, Any]:
        return {
            "names_checked": self.names_checked,
            "signatures_checked": self.signatures_checked,
            "versions": self.versions,
            "warnings": list(self.warnings),
            "differences": [attrs.asdict(d) for d in self.differences],
            "stale": [attrs.asdict(e) for e in self.stale],
            "notes": list(self.notes),
            "clean": self.clean,
        }

    def text(self) -> str:
        lines = [f"warning: {w}" for w in self.warnings]
        lines += [d.line() for d in self.failures]
        lines += [
            f"{e.name}: stale allowlist entry ({e.kind}, line {e.line}): matches no difference"
            for e in self.stale
        ]
        allowed = [d for d in self.differences if d.allowed is not None]
        lines += [f"allowed: {d.name}: {d.problem} — {d.allowed}" for d in allowed]
        versions = ", ".join(f"{k} {v}" for k, v in sorted(self.versions.items()))
        lines.append(
            f"{self.names_checked} names and {self.signatures_checked} signatures checked "
            f"against {versions}: {len(self.failures)} differences, {len(allowed)} allowed, "
            f"{len(self.stale)} stale allowlist entries, {len(self.notes)} signatures skipped"
        )
        return "\n".join(lines)


# -- allowlist and versions record ---------------------------------------------------------------


def read_allowlist(path: Path) -> list[AllowEntry]:
    """Entries ``NAME KIND REASON...``, one per line; ``#`` starts a comment line."""
    entries: list[AllowEntry] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        parts = text.split(maxsplit=2)
        if len(parts) < 3 or parts[1].partition(":")[0] not in KINDS:
            raise ValueError(
                f"{path}:{number}: expected 'NAME KIND REASON' with KIND one of "
                f"{', '.join(KINDS)} (optionally KIND:PARAMETER)"
            )
        entries.append(AllowEntry(parts[0], parts[1], parts[2], number))
    return entries


def read_versions(path: Path) -> dict[str, dict[str, str]]:
    """``library -> {version: date}`` from lines ``tensorflow 2.21.0: checked 2026-11-22``."""
    record: dict[str, dict[str, str]] = {}
    if not path.exists():
        return record
    for raw in path.read_text(encoding="utf-8").splitlines():
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        head, _, tail = text.partition(":")
        library, _, version = head.strip().partition(" ")
        record.setdefault(library, {})[version.strip()] = tail.replace("checked", "").strip()
    return record


def write_versions(path: Path, installed: dict[str, str], today: str) -> None:
    record = read_versions(path)
    for library, version in installed.items():
        record.setdefault(library, {})[version] = today
    lines = [
        "# The library versions the models in models/ were checked against",
        "# (python -m hybridize.stubs.check --record, after a clean check).",
    ]
    for library in sorted(record):
        for version in sorted(record[library], key=_version_key):
            lines.append(f"{library} {version}: checked {record[library][version]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


# -- resolving names in the installed libraries -----------------------------------------------


class _Libraries:
    """The installed libraries, imported lazily, and sample instances for members that exist
    only on instances (``EagerTensor`` methods, attributes of built Keras models)."""

    def __init__(self) -> None:
        modules: dict[str, Any] = {}
        for name in LIBRARIES:
            try:
                modules[name] = importlib.import_module(name)
            except ImportError as error:
                raise LibrariesMissing(f"{name} is not installed ({error})") from error
        self.tf, self.keras, self.np = modules["tensorflow"], modules["keras"], modules["numpy"]
        self.versions = {name: str(module.__version__) for name, module in modules.items()}
        self._samples: dict[str, object] = {}

    def factories(self) -> dict[str, Callable[[], Any]]:
        tf, keras, np = self.tf, self.keras, self.np

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
            "logging.Logger": lambda: logging.getLogger("hybridize-check"),
            "io.TextIOWrapper": lambda: io.TextIOWrapper(io.BytesIO()),
            "builtins.BaseException": lambda: Exception("x"),
            "tensorflow.config.PhysicalDevice": lambda: tf.config.list_physical_devices()[0],
        }

    def sample(self, class_qualname: str) -> object:
        if class_qualname not in self._samples:
            factory = self.factories().get(class_qualname)
            self._samples[class_qualname] = _MISSING if factory is None else factory()
        return self._samples[class_qualname]


def resolve(qualname: str) -> object:
    """The object ``qualname`` names in the installed libraries, or ``_MISSING``."""
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


def _on_instance(models: Models, libraries: _Libraries, qualname: str) -> object:
    """The member on a sample instance of its class or of a modelled subclass, or ``_MISSING``."""
    owner, _, member = qualname.rpartition(".")
    factories = libraries.factories()
    candidates = [models.cls(owner)]
    candidates += [
        models.cls(name)
        for name, kind in models.qualnames()
        if kind == "class" and name in factories and models.is_subclass(name, owner)
    ]
    for model in candidates:
        if model is None:
            continue
        for candidate in (model.qualname, *model.bases):
            instance = libraries.sample(candidate) if candidate in factories else _MISSING
            if instance is not _MISSING:
                found = getattr(instance, member, _MISSING)
                if found is not _MISSING:
                    return found
    return _MISSING


# -- signatures --------------------------------------------------------------------------------


@attrs.frozen
class _Param:
    name: str
    kind: str
    has_default: bool


def _model_params(model: FunctionModel, drop_receiver: bool) -> list[_Param]:
    params = [_Param(p.name, p.kind.value, p.has_default) for p in model.params]
    if drop_receiver and params and model.params[0].kind is not ParamKind.KEYWORD_ONLY:
        params = params[1:]
    return params


def _real_params(signature: inspect.Signature, drop_receiver: bool) -> list[_Param]:
    params = [
        _Param(p.name, _KIND_NAMES[p.kind.name], p.default is not inspect.Parameter.empty)
        for p in signature.parameters.values()
    ]
    if drop_receiver and params and params[0].kind in _POSITIONAL:
        params = params[1:]
    return params


def compare(name: str, modelled: list[_Param], real: list[_Param]) -> Iterator[Difference]:
    """The differences between a model's parameters and the real ones (receivers removed)."""
    by_name = {p.name: p for p in real if p.kind not in _VARIADIC}
    real_kinds = {p.kind for p in real}
    real_positional = [p.name for p in real if p.kind in _POSITIONAL]
    model_positional = [p.name for p in modelled if p.kind in _POSITIONAL]
    model_kinds = {p.kind for p in modelled}
    signature = "(" + ", ".join(_show(p) for p in real) + ")"
    for param in modelled:
        if param.kind in _VARIADIC:
            if param.kind not in real_kinds and not _summarises(param, modelled, real):
                yield Difference(
                    name, "parameter-kind", f"the model takes {_show(param)}, the real "
                    f"signature {signature} does not", param.name,
                )
            continue
        found = by_name.get(param.name)
        if found is None:
            if "var-keyword" in real_kinds and param.kind == "keyword-only":
                continue  # passed by keyword into the real **kwargs
            yield Difference(
                name, "unknown-parameter",
                f"parameter {param.name!r} is not in the real signature {signature}", param.name,
            )
            continue
        if found.kind != param.kind:
            yield Difference(
                name, "parameter-kind",
                f"parameter {param.name!r} is {param.kind} in the model, {found.kind} in the "
                f"real signature {signature}", param.name,
            )
        if found.has_default != param.has_default:
            side = "the model" if param.has_default else "the real signature"
            yield Difference(
                name, "default",
                f"parameter {param.name!r} has a default only in {side} {signature}", param.name,
            )
    shared = [n for n in model_positional if n in real_positional]
    moved = [n for n in shared if real_positional.index(n) != model_positional.index(n)]
    if moved:
        yield Difference(
            name, "parameter-position",
            f"positional parameters {', '.join(moved)} are at other positions in the model "
            f"({', '.join(model_positional)}) than in the real signature {signature}",
        )
    named = {p.name for p in modelled}
    for param in real:
        if param.kind in _VARIADIC or param.has_default or param.name in named:
            continue
        if ("var-positional" in model_kinds and param.kind in _POSITIONAL) or (
            "var-keyword" in model_kinds and param.kind != "positional-only"
        ):
            continue
        yield Difference(
            name, "unmodelled-required",
            f"the real signature {signature} requires {param.name!r}, the model lacks it",
            param.name,
        )


def _summarises(variadic: _Param, modelled: list[_Param], real: list[_Param]) -> bool:
    """A model's ``*args``/``**kwargs`` standing for real parameters it does not name."""
    named = {p.name for p in modelled}
    if variadic.kind == "var-positional":
        return any(p.kind in _POSITIONAL and p.name not in named for p in real)
    return any(p.kind in _KEYWORD and p.name not in named for p in real)


def _show(param: _Param) -> str:
    prefix = {"var-positional": "*", "var-keyword": "**"}.get(param.kind, "")
    suffix = "=…" if param.has_default else ""
    marker = "/" if param.kind == "positional-only" else ""
    return f"{prefix}{param.name}{suffix}{marker}"


def _signature(obj: object) -> inspect.Signature | None:
    try:
        return inspect.signature(obj)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _is_hand_written_init(models: Models, model: FunctionModel) -> bool:
    """A constructor the class itself models (not synthesised, not inherited from a base)."""
    owner = models.cls(model.qualname)
    if owner is None or model.location == owner.location:
        return False
    for base in owner.bases:
        base_model = models.cls(base)
        if base_model is not None and base_model.init is not None and (
            base_model.init.location == model.location
        ):
            return False
    return True


# -- the check ---------------------------------------------------------------------------------


def run(
    models: Models | None = None,
    allowlist: Sequence[AllowEntry] | None = None,
    versions_file: Path = VERSIONS_FILE,
) -> Report:
    """Check ``models`` (default: the shipped ones) against the installed libraries.

    Raises ``LibrariesMissing`` when TensorFlow, Keras or NumPy cannot be imported."""
    libraries = _Libraries()
    models = models if models is not None else load_models()
    entries = list(allowlist) if allowlist is not None else read_allowlist(ALLOWLIST_FILE)
    differences: list[Difference] = []
    notes: list[str] = []
    names = list(models.qualnames())
    found: dict[str, object] = {}
    for qualname, kind in names:
        target = resolve(qualname)
        if target is _MISSING and kind in ("method", "attribute"):
            target = _on_instance(models, libraries, qualname)
        found[qualname] = target
        if target is _MISSING:
            differences.append(Difference(
                qualname, "missing", f"{kind} does not exist in the installed libraries"
            ))
    signatures = 0
    for model in sorted(models.functions(), key=lambda m: (m.qualname, m.is_constructor)):
        if model.is_property or model.qualname.startswith("builtins."):
            continue
        if model.is_constructor and not _is_hand_written_init(models, model):
            continue
        label = f"{model.qualname}.__init__" if model.is_constructor else model.qualname
        target = found.get(model.qualname, _MISSING)
        if target is _MISSING:
            target = resolve(model.qualname)
        if target is _MISSING:
            continue  # reported as missing
        signature = _signature(target)
        if signature is None:
            notes.append(f"{label}: signature not introspectable (skipped)")
            continue
        if model.is_constructor:
            drop_model, drop_real = True, False
        else:
            drop_model = model.is_method and _bound(target)
            drop_real = False
            if model.is_method and not drop_model:
                drop_model = drop_real = True
        real = _real_params(signature, drop_real)
        if _opaque(real):
            real = _behind_wrapper(model, target) or real
        if _opaque(real):
            notes.append(f"{label}: the real signature is (*args, **kwargs) (skipped)")
            continue
        signatures += 1
        differences.extend(compare(label, _model_params(model, drop_model), real))
    used: set[int] = set()
    resolved: list[Difference] = []
    for difference in differences:
        for index, entry in enumerate(entries):
            if entry.matches(difference):
                used.add(index)
                difference = attrs.evolve(difference, allowed=entry.reason)
                break
        resolved.append(difference)
    stale = tuple(entry for index, entry in enumerate(entries) if index not in used)
    record = read_versions(versions_file)
    warnings = tuple(
        f"{library} {version} is not in {versions_file.name} (checked: "
        f"{', '.join(sorted(record.get(library, {}), key=_version_key)) or 'none'}); "
        "run with --record after a clean check"
        for library, version in sorted(libraries.versions.items())
        if version not in record.get(library, {})
    )
    return Report(
        tuple(resolved), stale, tuple(notes), len(names), signatures,
        dict(libraries.versions), warnings,
    )


def _opaque(real: list[_Param]) -> bool:
    return [p.kind for p in real] == ["var-positional", "var-keyword"]


def _behind_wrapper(model: FunctionModel, target: object) -> list[_Param] | None:
    """The parameters behind a generic ``(*args, **kwargs)`` constructor: ``__init__`` of a
    class whose metaclass hides it (``tf.Variable``). Keras ``Layer.__call__`` is not compared
    with ``call``: it also takes ``training``/``mask`` and forwards the rest."""
    if not model.is_constructor:
        return None
    inner = getattr(target, "__init__", None)
    signature = _signature(inner) if inner is not None else None
    if signature is None:
        return None
    return _real_params(signature, drop_receiver=True)


def _bound(target: object) -> bool:
    """Whether the receiver is already bound (a method of a sample instance, a classmethod)."""
    return inspect.ismethod(target) or (
        inspect.isbuiltin(target) and not inspect.ismodule(getattr(target, "__self__", None))
        and getattr(target, "__self__", None) is not None
    )


# -- command line ------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hybridize.stubs.check",
        description="Check the library models against the installed TensorFlow/Keras/NumPy.",
    )
    parser.add_argument("--allowlist", type=Path, default=ALLOWLIST_FILE,
                        help="known, documented differences (default: %(default)s)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--record", action="store_true",
                        help="after a clean check, add the installed versions to VERSIONS")
    parser.add_argument("--models", type=Path, default=None,
                        help="a model directory to check instead of the shipped models")
    parser.add_argument("--versions", type=Path, default=VERSIONS_FILE,
                        help="the record of checked versions (default: %(default)s)")
    options = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        allowlist = read_allowlist(options.allowlist)
    except (OSError, ValueError) as error:
        print(f"hybridize.stubs.check: {error}", file=sys.stderr)
        return 2
    models = None
    if options.models is not None and options.models != MODELS_DIR:
        models = load_from(options.models, None, None)
    try:
        report = run(models, allowlist, options.versions)
    except LibrariesMissing as error:
        print(f"hybridize.stubs.check: cannot check the models: {error}", file=sys.stderr)
        return 2
    if options.record and report.clean:
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        write_versions(options.versions, report.versions, today)
        report = attrs.evolve(report, warnings=())
    if options.format == "json":
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        print(report.text())
        if options.record:
            print("recorded" if report.clean else "not recorded: the check is not clean")
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
