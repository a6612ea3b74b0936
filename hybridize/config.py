"""``[tool.hybridize]`` in ``pyproject.toml``: find it, validate it, merge it with the command line.

The CLI holds no logic (design §9): it hands this module the paths and flags it was given and gets
back an ``api.Config`` plus the options only ``fix`` uses. Keeping the merge here means the rules
"command-line paths win over ``include``", "``--exclude`` extends the file's list, every other flag
replaces the file's value" live in one tested place instead of in each subcommand.

A bad file is a user error, never a traceback: every problem becomes one ``ConfigError`` line that
starts with the file, names the key and says what was expected, because that line is all the user
sees before exit code 2.
"""

from __future__ import annotations

import difflib
import glob
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from hybridize import api

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, published separately before it joined the standard library
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

PYPROJECT = "pyproject.toml"
TABLE = "[tool.hybridize]"
INPUT_SIGNATURES = ("when-retracing", "always", "never")
_GLOB_CHARACTERS = frozenset("*?[")


class ConfigError(api.UserError):
    """A bad pyproject.toml: one clear line naming file, key and problem (the CLI exits 2)."""


class _Invalid(Exception):
    """A value's problem, without the file or key: the caller knows both and adds them."""


def _mapping(values: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(values))


@attrs.frozen
class FileConfig:
    """What one configuration file says, already checked, so nothing later can trip over it.

    ``values`` uses the Python names (``min_ops``, not ``min-ops``) and holds only the keys the
    file sets, so a caller can tell "the file says 6" from "the default is 6". Lists are tuples.
    """

    #: The file read; None when no file was found (or isolated mode ignored all files).
    path: Path | None
    values: Mapping[str, Any] = attrs.field(factory=dict, converter=_mapping)


@attrs.frozen
class Resolved:
    """Everything a run needs, with file and command line already merged."""

    config: api.Config
    paths: tuple[str, ...]  # what to analyse
    unsafe: bool  # fix also applies conditional decisions
    report_unused_ignores: bool
    source: Path | None  # the pyproject.toml used


# --- value checkers: each returns the normalised value or raises _Invalid(problem) ----------------


def _shown(value: Any) -> str:
    """A value as the user wrote it in TOML (``true``, not ``True``), short enough for one line."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(_shown(item) for item in value) + "]"
    elif isinstance(value, Mapping):
        text = "a table"
    elif hasattr(value, "isoformat"):  # TOML dates and times
        text = str(value.isoformat())
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"expected true or false, got {_shown(value)}")
    return value


def _count(value: Any) -> int:
    # bool is an int subclass in Python, but ``min-ops = true`` is a mistake, not the number 1.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid(f"expected a non-negative integer, got {_shown(value)}")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    """A list of non-empty strings, duplicates dropped. A lone string is refused rather than
    guessed at: is ``select = "a,b"`` one id or two?"""
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) and item for item in value):
        return tuple(dict.fromkeys(value))
    raise _Invalid(f"expected a list of non-empty strings, got {_shown(value)}")


def _reason_ids(value: Any) -> tuple[str, ...]:
    """Reason ids, checked against the rules that exist: a typo in ``ignore`` would otherwise
    silently ignore nothing."""
    from hybridize.refactor.registry import all_rules

    ids = _strings(value)
    known = list(all_rules())
    for reason in ids:
        if reason not in known:
            raise _Invalid(f"unknown reason id {reason!r}{_suggestion(reason, known)}")
    return ids


def _input_signatures(value: Any) -> str:
    if isinstance(value, str) and value in INPUT_SIGNATURES:
        return value
    choices = ", ".join(repr(choice) for choice in INPUT_SIGNATURES)
    hint = _suggestion(value, INPUT_SIGNATURES) if isinstance(value, str) else ""
    raise _Invalid(f"expected one of {choices}, got {_shown(value)}{hint}")


ORACLES = ("pyright",)


def _oracle(value: Any) -> str:
    if isinstance(value, str) and value in ORACLES:
        return value
    hint = _suggestion(value, ORACLES) if isinstance(value, str) else ""
    raise _Invalid(f"expected one of {', '.join(map(repr, ORACLES))}, got {_shown(value)}{hint}")


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise _Invalid(f"expected a number of seconds above 0, got {_shown(value)}")
    return float(value)


def _suggestion(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@attrs.frozen
class _Key:
    """One ``[tool.hybridize]`` key: its TOML spelling, its Python name and its checker."""

    toml: str
    check: Callable[[Any], Any]

    @property
    def python(self) -> str:
        return self.toml.replace("-", "_")


KEYS: Mapping[str, _Key] = {
    key.toml: key
    for key in (
        _Key("include", _strings),
        _Key("exclude", _strings),
        _Key("select", _reason_ids),
        _Key("ignore", _reason_ids),
        _Key("speculative", _boolean),
        _Key("input-signatures", _input_signatures),
        _Key("min-ops", _count),
        _Key("unsafe", _boolean),
        _Key("report-unused-ignores", _boolean),
        _Key("entry-points", _strings),
        _Key("assume-pure", _strings),
        _Key("oracle", _oracle),  # optional type oracle (hybridize.oracle)
        _Key("oracle-timeout", _seconds),
    )
}

_BY_PYTHON_NAME: Mapping[str, _Key] = {key.python: key for key in KEYS.values()}

#: Overrides that only the command line can set (no file key): settings of one run, not a project.
_COMMAND_LINE_ONLY: Mapping[str, Callable[[Any], Any]] = {"timings": _boolean}


# --- finding and reading the file -----------------------------------------------------------------


def find_pyproject(start: Path) -> Path | None:
    """Nearest pyproject.toml at or above ``start`` (a file or directory).

    The search stops at the first pyproject.toml even when it has no ``[tool.hybridize]``: that
    file marks the project's root, and a table further up belongs to some other project.
    Parents are taken lexically (as the user sees the path), not through resolved symlinks.
    """
    start = Path(os.path.abspath(start))
    directory = start if start.is_dir() else start.parent
    for candidate_directory in (directory, *directory.parents):
        candidate = candidate_directory / PYPROJECT
        if candidate.is_file():
            return candidate
    return None


def load_file_config(path: Path) -> FileConfig:
    """Parse and validate ``[tool.hybridize]``; a pyproject without the table -> ``FileConfig(path,
    {})``. Raises ``ConfigError`` for anything wrong with the file, one line each."""
    shown = _display(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a directory, not a TOML file") from None
    except OSError as error:
        raise ConfigError(f"{shown}: cannot read: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{shown}: not UTF-8 (bad byte at offset {error.start}): TOML files must be UTF-8"
        ) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown}: invalid TOML: {_one_line(str(error))}") from None
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{shown}: tool: expected a table, got {_shown(tool)}")
    if "hybridize" not in tool:
        return FileConfig(path, {})
    table = tool["hybridize"]
    if not isinstance(table, dict):
        raise ConfigError(f"{shown}: {TABLE}: expected a table, got {_shown(table)}")
    values: dict[str, Any] = {}
    for name, value in table.items():
        key = KEYS.get(name)
        if key is None:
            hint = _suggestion(name.replace("_", "-").lower(), KEYS)
            raise ConfigError(f"{shown}: unknown key {name!r} in {TABLE}{hint}")
        try:
            values[key.python] = key.check(value)
        except _Invalid as problem:
            raise ConfigError(f"{shown}: {name}: {problem}") from None
    return FileConfig(path, values)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _display(path: Path) -> str:
    """Paths below the working directory as the user would type them; others in full."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith(os.pardir) else relative


# --- merging with the command line ----------------------------------------------------------------


def resolve(
    paths: Sequence[str],
    overrides: Mapping[str, Any],
    *,
    config_file: Path | None = None,
    isolated: bool = False,
) -> Resolved:
    """The settings of one run: the configuration file, then the command line on top.

    The file is ``config_file`` when given (it must exist and parse), none when ``isolated``,
    otherwise the pyproject.toml nearest to the first path (or to the working directory).
    ``overrides`` maps Python names (``min_ops``) to command-line values; None means "flag not
    given" and leaves the file's value alone. ``exclude`` extends the file's list (so a one-off
    exclusion does not drop the project's own), every other override replaces the file's value.
    Command-line paths win over the file's ``include``, whose entries are relative to the file's
    directory and only expanded (and checked) when used.
    """
    if isolated and config_file is not None:
        raise api.UserError("an explicit configuration file cannot be combined with isolated mode")
    if config_file is not None:
        file_config = load_file_config(config_file)
    elif isolated:
        file_config = FileConfig(None, {})
    else:
        found = find_pyproject(Path(paths[0]) if paths else Path.cwd())
        file_config = load_file_config(found) if found is not None else FileConfig(None, {})

    settings = dict(file_config.values)
    for name, value in _checked_overrides(overrides).items():
        if name == "exclude":
            value = tuple(dict.fromkeys((*settings.get("exclude", ()), *value)))
        settings[name] = value

    if paths:
        targets = tuple(paths)
    elif "include" in settings and file_config.path is not None:
        targets = _expand_include(file_config.path, settings["include"])
    else:
        targets = (os.curdir,)

    fields = {field.name for field in attrs.fields(api.Config)}
    return Resolved(
        config=api.Config(**{name: value for name, value in settings.items() if name in fields}),
        paths=targets,
        unsafe=bool(settings.get("unsafe", False)),
        report_unused_ignores=bool(settings.get("report_unused_ignores", False)),
        source=file_config.path,
    )


def _checked_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The given overrides, checked like file values: the command line deserves the same clear
    one-line errors, named by the flag (``--min-ops``). An unknown name is a programming error
    in the caller, not user input, so it raises ``ValueError``."""
    checked: dict[str, Any] = {}
    for name, value in overrides.items():
        if name == "include":
            raise ValueError("'include' is not an override: pass command-line paths instead")
        key = _BY_PYTHON_NAME.get(name)
        check = key.check if key is not None else _COMMAND_LINE_ONLY.get(name)
        if check is None:
            known = sorted({*_BY_PYTHON_NAME, *_COMMAND_LINE_ONLY} - {"include"})
            raise ValueError(f"unknown override {name!r} (known: {', '.join(known)})")
        if value is None:
            continue
        try:
            checked[name] = check(value)
        except _Invalid as problem:
            raise api.UserError(f"--{name.replace('_', '-')}: {problem}") from None
    return checked


def _expand_include(pyproject: Path, entries: Sequence[str]) -> tuple[str, ...]:
    """The paths ``include`` names, relative to the pyproject's directory.

    A plain entry must exist; a glob must match something, and only its matching directories and
    ``.py`` files count (``src/*`` should not hand a README to the analyser). Either failure is a
    ConfigError: a stale ``include`` silently analysing less would look like a clean result.
    """
    base = pyproject.parent
    shown = _display(pyproject)
    found: dict[str, None] = {}
    for entry in entries:
        if not _GLOB_CHARACTERS.intersection(entry):
            target = base / entry
            if not target.exists():
                raise ConfigError(f"{shown}: include: {entry!r} does not exist")
            found[os.path.normpath(target)] = None
            continue
        matches = sorted(glob.glob(entry, root_dir=base, recursive=True))
        if not matches:
            raise ConfigError(f"{shown}: include: {entry!r} matches nothing")
        usable = [
            os.path.normpath(base / match)
            for match in matches
            if (base / match).is_dir() or match.endswith(".py")
        ]
        if not usable:
            raise ConfigError(f"{shown}: include: {entry!r} matches no directories or Python files")
        found.update(dict.fromkeys(usable))
    return tuple(found)
