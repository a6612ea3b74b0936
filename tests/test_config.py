"""``[tool.hybridize]``: finding the file, checking every key, and merging it with the command line.

Bad files are data: each snippet in ``BAD_FILES`` must fail with one line that starts with the file
and names the key, because that line is all a user sees before exit code 2.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from hybridize import api
from hybridize.config import (
    ConfigError,
    FileConfig,
    Resolved,
    find_pyproject,
    load_file_config,
    resolve,
)

MODULE = """\
import tensorflow as tf


def step(x):
    return tf.add(x, 1)
"""


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def pyproject(directory: Path, table: str | bytes) -> Path:
    return write(directory / "pyproject.toml", table)


def no_pyproject_above(path: Path) -> bool:
    return not any((parent / "pyproject.toml").is_file() for parent in path.parents)


# --- finding the file -----------------------------------------------------------------------------


def test_find_walks_up_nested_directories(tmp_path: Path) -> None:
    found = pyproject(tmp_path, "[tool.hybridize]\n")
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    assert find_pyproject(deep) == found
    assert find_pyproject(tmp_path) == found


def test_find_starts_from_the_directory_of_a_file(tmp_path: Path) -> None:
    found = pyproject(tmp_path, "")
    module = write(tmp_path / "pkg" / "mod.py", MODULE)
    assert find_pyproject(module) == found
    assert find_pyproject(found) == found


def test_find_stops_at_the_nearest_file_even_without_the_table(tmp_path: Path) -> None:
    pyproject(tmp_path, "[tool.hybridize]\nmin-ops = 0\n")
    inner = pyproject(tmp_path / "sub", "[project]\nname = 'sub'\n")
    assert find_pyproject(tmp_path / "sub") == inner
    resolved = resolve([str(tmp_path / "sub")], {})
    assert resolved.source == inner
    assert resolved.config == api.Config()


def test_find_ignores_a_directory_named_pyproject_toml(tmp_path: Path) -> None:
    found = pyproject(tmp_path, "")
    (tmp_path / "sub" / "pyproject.toml").mkdir(parents=True)
    assert find_pyproject(tmp_path / "sub") == found


def test_find_from_a_path_that_does_not_exist_searches_its_parents(tmp_path: Path) -> None:
    found = pyproject(tmp_path, "")
    assert find_pyproject(tmp_path / "missing" / "file.py") == found


def test_find_returns_none_without_any_file(tmp_path: Path) -> None:
    if not no_pyproject_above(tmp_path):
        pytest.skip("a pyproject.toml above the temporary directory")
    assert find_pyproject(tmp_path) is None


def test_find_accepts_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = pyproject(tmp_path, "")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    result = find_pyproject(Path("."))
    assert result is not None
    assert result.samefile(found)


# --- valid files ----------------------------------------------------------------------------------

VALID_KEYS: list[tuple[str, dict[str, Any]]] = [
    ('include = ["src", "tools/*.py"]', {"include": ("src", "tools/*.py")}),
    ('exclude = ["build", "gen_*"]', {"exclude": ("build", "gen_*")}),
    ("exclude = []", {"exclude": ()}),
    ('select = ["recursion", "too-little-work"]', {"select": ("recursion", "too-little-work")}),
    ('ignore = ["python-side-effects"]', {"ignore": ("python-side-effects",)}),
    ("speculative = false", {"speculative": False}),
    ("speculative = true", {"speculative": True}),
    ('input-signatures = "always"', {"input_signatures": "always"}),
    ('input-signatures = "never"', {"input_signatures": "never"}),
    ('input-signatures = "when-retracing"', {"input_signatures": "when-retracing"}),
    ("min-ops = 0", {"min_ops": 0}),
    ("min-ops = 12", {"min_ops": 12}),
    ("unsafe = true", {"unsafe": True}),
    ("report-unused-ignores = true", {"report_unused_ignores": True}),
    (
        'entry-points = ["Model.train_step", "*.py::serve"]',
        {"entry_points": ("Model.train_step", "*.py::serve")},
    ),
    ('assume-pure = ["mylib.log.*"]', {"assume_pure": ("mylib.log.*",)}),
    ('exclude = ["a", "b", "a"]', {"exclude": ("a", "b")}),  # duplicates dropped, order kept
]


@pytest.mark.parametrize(("line", "expected"), VALID_KEYS, ids=[line for line, _ in VALID_KEYS])
def test_every_key_is_read_under_its_python_name(
    tmp_path: Path, line: str, expected: dict[str, Any]
) -> None:
    path = pyproject(tmp_path, f"[tool.hybridize]\n{line}\n")
    assert load_file_config(path) == FileConfig(path, expected)


def test_a_pyproject_without_the_table_has_no_values(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[project]\nname = 'x'\n\n[tool.ruff]\nline-length = 100\n")
    assert load_file_config(path) == FileConfig(path, {})


def test_an_empty_file_and_an_empty_table_have_no_values(tmp_path: Path) -> None:
    empty = pyproject(tmp_path / "a", "")
    table = pyproject(tmp_path / "b", "[tool.hybridize]\n")
    assert load_file_config(empty).values == {}
    assert load_file_config(table).values == {}


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "\ufeff[tool.hybridize]\nmin-ops = 3\n".encode())
    assert load_file_config(path).values == {"min_ops": 3}


def test_values_cannot_be_changed_afterwards(tmp_path: Path) -> None:
    values = load_file_config(pyproject(tmp_path, "[tool.hybridize]\nmin-ops = 3\n")).values
    with pytest.raises(TypeError):
        values["min_ops"] = 4  # type: ignore[index]


# --- bad files ------------------------------------------------------------------------------------

BAD_FILES: list[tuple[str, str | bytes, list[str]]] = [
    # (id, pyproject.toml content, substrings the one-line message must contain)
    (
        "misspelt-key",
        "[tool.hybridize]\nmin_op = 3\n",
        ["unknown key 'min_op' in [tool.hybridize] (did you mean 'min-ops'?)"],
    ),
    (
        "underscore-spelling",
        "[tool.hybridize]\ninput_signatures = 'always'\n",
        ["unknown key 'input_signatures'", "(did you mean 'input-signatures'?)"],
    ),
    (
        "underscore-boolean-key",
        "[tool.hybridize]\nreport_unused_ignores = true\n",
        ["unknown key 'report_unused_ignores'", "(did you mean 'report-unused-ignores'?)"],
    ),
    ("unrelated-key", "[tool.hybridize]\ncolour = 'red'\n", ["unknown key 'colour'"]),
    (
        "min-ops-string",
        "[tool.hybridize]\nmin-ops = 'six'\n",
        ["min-ops: expected a non-negative integer, got 'six'"],
    ),
    ("min-ops-negative", "[tool.hybridize]\nmin-ops = -1\n", ["min-ops:", "got -1"]),
    ("min-ops-boolean", "[tool.hybridize]\nmin-ops = true\n", ["min-ops:", "got true"]),
    ("min-ops-float", "[tool.hybridize]\nmin-ops = 1.5\n", ["min-ops:", "got 1.5"]),
    (
        "min-ops-multiline-string",
        '[tool.hybridize]\nmin-ops = """one\ntwo"""\n',
        ["min-ops:", "non-negative integer"],
    ),
    (
        "speculative-string",
        "[tool.hybridize]\nspeculative = 'yes'\n",
        ["speculative: expected true or false, got 'yes'"],
    ),
    ("speculative-number", "[tool.hybridize]\nspeculative = 1\n", ["speculative:", "got 1"]),
    ("unsafe-string", "[tool.hybridize]\nunsafe = 'true'\n", ["unsafe: expected true or false"]),
    (
        "report-unused-ignores-number",
        "[tool.hybridize]\nreport-unused-ignores = 0\n",
        ["report-unused-ignores: expected true or false, got 0"],
    ),
    (
        "input-signatures-unknown",
        "[tool.hybridize]\ninput-signatures = 'sometimes'\n",
        ["input-signatures: expected one of", "'when-retracing'", "got 'sometimes'"],
    ),
    (
        "input-signatures-typo",
        "[tool.hybridize]\ninput-signatures = 'alway'\n",
        ["input-signatures:", "(did you mean 'always'?)"],
    ),
    (
        "input-signatures-boolean",
        "[tool.hybridize]\ninput-signatures = true\n",
        ["input-signatures:", "got true"],
    ),
    (
        "include-string",
        "[tool.hybridize]\ninclude = 'src'\n",
        ["include: expected a list of non-empty strings, got 'src'"],
    ),
    ("include-number-item", "[tool.hybridize]\ninclude = [1]\n", ["include:", "got [1]"]),
    ("include-empty-item", "[tool.hybridize]\ninclude = ['']\n", ["include:", "got ['']"]),
    ("exclude-string", "[tool.hybridize]\nexclude = 'build'\n", ["exclude:", "got 'build'"]),
    (
        "exclude-table",
        "[tool.hybridize]\nexclude = { build = true }\n",
        ["exclude:", "got a table"],
    ),
    ("select-string", "[tool.hybridize]\nselect = 'recursion'\n", ["select:", "list"]),
    (
        "select-unknown-id",
        "[tool.hybridize]\nselect = ['recursionn']\n",
        ["select: unknown reason id 'recursionn' (did you mean 'recursion'?)"],
    ),
    (
        "ignore-unknown-id",
        "[tool.hybridize]\nignore = ['recursion', 'no-such-rule-at-all']\n",
        ["ignore: unknown reason id 'no-such-rule-at-all'"],
    ),
    ("entry-points-numbers", "[tool.hybridize]\nentry-points = [1, 2]\n", ["entry-points:"]),
    ("assume-pure-boolean", "[tool.hybridize]\nassume-pure = false\n", ["assume-pure:"]),
    (
        "date-value",
        "[tool.hybridize]\nmin-ops = 2024-01-02\n",
        ["min-ops:", "got 2024-01-02"],
    ),
    (
        "table-not-a-table",
        "[tool]\nhybridize = 3\n",
        ["[tool.hybridize]: expected a table, got 3"],
    ),
    (
        "table-is-an-array-of-tables",
        "[[tool.hybridize]]\nmin-ops = 3\n",
        ["[tool.hybridize]: expected a table"],
    ),
    ("tool-not-a-table", "tool = 3\n", ["tool: expected a table, got 3"]),
    ("invalid-toml", "[tool.hybridize\nmin-ops = 3\n", ["invalid TOML: "]),
    ("invalid-toml-value", "[tool.hybridize]\nmin-ops = \n", ["invalid TOML: ", "line 2"]),
    ("duplicate-key", "[tool.hybridize]\nmin-ops = 1\nmin-ops = 2\n", ["invalid TOML: "]),
    ("not-utf-8", b"[tool.hybridize]\nexclude = ['caf\xe9']\n", ["not UTF-8"]),
]


@pytest.mark.parametrize(
    ("content", "expected"),
    [(content, expected) for _, content, expected in BAD_FILES],
    ids=[name for name, _, _ in BAD_FILES],
)
def test_bad_files_fail_with_one_line_naming_file_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes, expected: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    path = pyproject(tmp_path, content)
    with pytest.raises(ConfigError) as raised:
        load_file_config(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("pyproject.toml: ")
    for part in expected:
        assert part in message
    # resolve reports the same problem when it finds the file itself
    with pytest.raises(ConfigError, match=r"^pyproject\.toml: "):
        resolve([], {})


def test_a_key_with_no_close_match_gets_no_suggestion(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[tool.hybridize]\ncolour = 'red'\n")
    with pytest.raises(ConfigError) as raised:
        load_file_config(path)
    assert "did you mean" not in str(raised.value)


def test_a_config_error_is_a_user_error(tmp_path: Path) -> None:
    """The CLI turns every ``UserError`` into one line and exit code 2."""
    path = pyproject(tmp_path, "[tool.hybridize]\nmin-ops = 'x'\n")
    with pytest.raises(api.UserError):
        load_file_config(path)


def test_files_outside_the_working_directory_are_named_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = pyproject(tmp_path / "project", "[tool.hybridize]\nmin-ops = 'x'\n")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    with pytest.raises(ConfigError, match=f"^{path}: min-ops: "):
        load_file_config(path)


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_file_config(tmp_path / "pyproject.toml")


def test_a_directory_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_file_config(tmp_path)


def test_an_unreadable_file_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = pyproject(tmp_path, "[tool.hybridize]\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)  # chmod would not stop root
    with pytest.raises(ConfigError, match=r"cannot read: Permission denied$"):
        load_file_config(path)


# --- resolve: which file --------------------------------------------------------------------------


def test_without_any_file_everything_is_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    resolved = resolve([], {}, isolated=True)
    assert resolved == Resolved(
        config=api.Config(),
        paths=(".",),
        unsafe=False,
        report_unused_ignores=False,
        source=None,
    )


def test_isolated_ignores_the_nearest_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject(tmp_path, "[tool.hybridize]\nmin-ops = 'broken'\n")
    monkeypatch.chdir(tmp_path)
    resolved = resolve([], {"min_ops": 2}, isolated=True)
    assert resolved.source is None
    assert resolved.config == api.Config(min_ops=2)


def test_isolated_and_an_explicit_file_exclude_each_other(tmp_path: Path) -> None:
    path = pyproject(tmp_path, "[tool.hybridize]\n")
    with pytest.raises(api.UserError, match="isolated"):
        resolve([], {}, config_file=path, isolated=True)


def test_the_search_starts_from_the_first_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = pyproject(tmp_path / "project", "[tool.hybridize]\nmin-ops = 1\n")
    module = write(tmp_path / "project" / "pkg" / "mod.py", MODULE)
    pyproject(tmp_path / "elsewhere", "[tool.hybridize]\nmin-ops = 2\n")
    monkeypatch.chdir(tmp_path / "elsewhere")
    resolved = resolve([str(module), "."], {})
    assert resolved.source == found
    assert resolved.config.min_ops == 1
    assert resolved.paths == (str(module), ".")


def test_without_paths_the_search_starts_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = pyproject(tmp_path, "[tool.hybridize]\nmin-ops = 4\n")
    (tmp_path / "pkg").mkdir()
    monkeypatch.chdir(tmp_path / "pkg")
    resolved = resolve([], {})
    assert resolved.source == found
    assert resolved.config.min_ops == 4
    assert resolved.paths == (".",)  # no include: the working directory, not the project's


def test_an_explicit_file_wins_over_the_nearest_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyproject(tmp_path, "[tool.hybridize]\nmin-ops = 1\n")
    explicit = write(tmp_path / "configs" / "strict.toml", "[tool.hybridize]\nmin-ops = 9\n")
    monkeypatch.chdir(tmp_path)
    resolved = resolve([], {}, config_file=explicit)
    assert resolved.source == explicit
    assert resolved.config.min_ops == 9


def test_an_explicit_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        resolve([], {}, config_file=tmp_path / "missing.toml")


def test_an_explicit_file_must_parse(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", "[tool.hybridize\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        resolve([], {}, config_file=path)


def test_an_explicit_file_without_the_table_means_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "other.toml", "[tool.black]\nline-length = 88\n")
    resolved = resolve([str(tmp_path)], {}, config_file=path)
    assert resolved.config == api.Config()
    assert resolved.source == path


# --- resolve: every key reaches its place ---------------------------------------------------------

FULL_TABLE = """\
[tool.hybridize]
exclude = ["build", "gen_*"]
select = ["recursion", "too-little-work"]
ignore = ["python-side-effects"]
speculative = false
input-signatures = "never"
min-ops = 0
unsafe = true
report-unused-ignores = true
entry-points = ["Trainer.step"]
assume-pure = ["mylib.log.*"]
"""

FULL_CONFIG = api.Config(
    exclude=("build", "gen_*"),
    speculative=False,
    min_ops=0,
    select=("recursion", "too-little-work"),
    ignore=("python-side-effects",),
    input_signatures="never",
    entry_points=("Trainer.step",),
    assume_pure=("mylib.log.*",),
)


def test_every_file_key_reaches_the_config(tmp_path: Path) -> None:
    path = pyproject(tmp_path, FULL_TABLE)
    resolved = resolve([str(tmp_path)], {})
    assert resolved.config == FULL_CONFIG
    assert resolved.unsafe is True
    assert resolved.report_unused_ignores is True
    assert resolved.source == path


NOT_GIVEN: dict[str, Any] = {
    "exclude": None,
    "select": None,
    "ignore": None,
    "speculative": None,
    "input_signatures": None,
    "min_ops": None,
    "unsafe": None,
    "report_unused_ignores": None,
    "entry_points": None,
    "assume_pure": None,
    "timings": None,
}


def test_overrides_that_are_none_leave_the_file_alone(tmp_path: Path) -> None:
    pyproject(tmp_path, FULL_TABLE)
    resolved = resolve([str(tmp_path)], NOT_GIVEN)
    assert resolved.config == FULL_CONFIG
    assert resolved.unsafe is True


OVERRIDES: list[tuple[str, Any, str, Any]] = [
    # (override name, command-line value, Config/Resolved attribute, expected result)
    ("exclude", ["tmp"], "exclude", ("build", "gen_*", "tmp")),  # extends
    ("exclude", ("build",), "exclude", ("build", "gen_*")),  # extends without duplicates
    ("exclude", [], "exclude", ("build", "gen_*")),
    ("select", ("recursion",), "select", ("recursion",)),  # replaces
    ("select", (), "select", ()),
    ("ignore", ["too-little-work"], "ignore", ("too-little-work",)),
    ("speculative", True, "speculative", True),
    ("input_signatures", "always", "input_signatures", "always"),
    ("min_ops", 7, "min_ops", 7),
    ("entry_points", ["serve"], "entry_points", ("serve",)),
    ("assume_pure", ["numpy.*"], "assume_pure", ("numpy.*",)),
    ("timings", True, "timings", True),
    ("unsafe", False, "unsafe", False),
    ("report_unused_ignores", False, "report_unused_ignores", False),
]


@pytest.mark.parametrize(
    ("name", "value", "attribute", "expected"),
    OVERRIDES,
    ids=[f"{name}={value!r}" for name, value, _, _ in OVERRIDES],
)
def test_given_overrides_replace_the_file_except_exclude_which_extends(
    tmp_path: Path, name: str, value: Any, attribute: str, expected: Any
) -> None:
    pyproject(tmp_path, FULL_TABLE)
    resolved = resolve([str(tmp_path)], {**NOT_GIVEN, name: value})
    holder: Any = resolved if attribute in ("unsafe", "report_unused_ignores") else resolved.config
    assert getattr(holder, attribute) == expected
    untouched = {"exclude", "select", "ignore", "speculative", "min_ops"} - {attribute}
    for other in untouched:
        assert getattr(resolved.config, other) == getattr(FULL_CONFIG, other)


def test_exclude_override_without_a_file(tmp_path: Path) -> None:
    resolved = resolve([str(tmp_path)], {"exclude": ["gen"]}, isolated=True)
    assert resolved.config.exclude == ("gen",)


BAD_OVERRIDES: list[tuple[str, Any, str]] = [
    ("min_ops", -1, "--min-ops: expected a non-negative integer, got -1"),
    ("min_ops", True, "--min-ops: expected a non-negative integer"),
    ("select", ["recursionn"], "--select: unknown reason id 'recursionn'"),
    ("ignore", "recursion", "--ignore: expected a list of non-empty strings"),
    ("input_signatures", "sometimes", "--input-signatures: expected one of"),
    ("speculative", "no", "--speculative: expected true or false"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_OVERRIDES)
def test_bad_override_values_are_user_errors_named_by_the_flag(
    tmp_path: Path, name: str, value: Any, message: str
) -> None:
    with pytest.raises(api.UserError) as raised:
        resolve([str(tmp_path)], {name: value}, isolated=True)
    assert not isinstance(raised.value, ConfigError)  # the file is not to blame
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("name", ["min-ops", "paths", "include"])
def test_unknown_override_names_are_programming_errors(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=repr(name)):
        resolve([str(tmp_path)], {name: 1}, isolated=True)


# --- resolve: include -----------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with sources in several places; the working directory is somewhere else, so
    ``include`` can only be right if it is read relative to the pyproject.toml."""
    root = tmp_path / "project"
    write(root / "src" / "app" / "mod.py", MODULE)
    write(root / "src" / "README.md", "# not Python\n")
    write(root / "tools" / "build.py", MODULE)
    write(root / "tools" / "notes.txt", "notes\n")
    write(root / "scripts" / "run.py", MODULE)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    return root


def test_include_is_relative_to_the_pyproject_directory(project: Path) -> None:
    pyproject(project, '[tool.hybridize]\ninclude = ["src", "scripts/run.py"]\n')
    resolved = resolve([], {}, config_file=project / "pyproject.toml")
    assert resolved.paths == (str(project / "src"), str(project / "scripts" / "run.py"))


def test_include_when_found_by_searching(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pyproject(project, '[tool.hybridize]\ninclude = ["src"]\n')
    monkeypatch.chdir(project / "tools")
    assert resolve([], {}).paths == (str(project / "src"),)


def test_include_globs_keep_directories_and_python_files(project: Path) -> None:
    pyproject(project, '[tool.hybridize]\ninclude = ["src/*", "tools/*", "src/*"]\n')
    resolved = resolve([], {}, config_file=project / "pyproject.toml")
    assert resolved.paths == (str(project / "src" / "app"), str(project / "tools" / "build.py"))


def test_include_recursive_globs(project: Path) -> None:
    pyproject(project, '[tool.hybridize]\ninclude = ["**/*.py"]\n')
    resolved = resolve([], {}, config_file=project / "pyproject.toml")
    assert resolved.paths == (
        str(project / "scripts" / "run.py"),
        str(project / "src" / "app" / "mod.py"),
        str(project / "tools" / "build.py"),
    )


def test_include_entries_are_normalised(project: Path) -> None:
    pyproject(project, '[tool.hybridize]\ninclude = ["./src/../src", "src"]\n')
    resolved = resolve([], {}, config_file=project / "pyproject.toml")
    assert resolved.paths == (str(project / "src"),)


BAD_INCLUDES: list[tuple[str, str]] = [
    ('["lib/*"]', "include: 'lib/*' matches nothing"),
    ('["src", "src/*.py"]', "include: 'src/*.py' matches nothing"),
    ('["src/*.md"]', "include: 'src/*.md' matches no directories or Python files"),
    ('["lib"]', "include: 'lib' does not exist"),
]


@pytest.mark.parametrize(("entries", "message"), BAD_INCLUDES)
def test_include_entries_that_name_nothing_are_config_errors(
    project: Path, entries: str, message: str
) -> None:
    path = pyproject(project, f"[tool.hybridize]\ninclude = {entries}\n")
    with pytest.raises(ConfigError) as raised:
        resolve([], {}, config_file=path)
    assert str(raised.value) == f"{path}: {message}"


def test_command_line_paths_win_over_include(project: Path) -> None:
    """Including an ``include`` that would fail: it is not even looked at."""
    path = pyproject(project, '[tool.hybridize]\ninclude = ["lib/*"]\n')
    resolved = resolve([str(project / "tools")], {}, config_file=path)
    assert resolved.paths == (str(project / "tools"),)


def test_without_include_or_paths_the_working_directory_is_analysed(project: Path) -> None:
    path = pyproject(project, "[tool.hybridize]\nmin-ops = 1\n")
    assert resolve([], {}, config_file=path).paths == (".",)


# --- end to end -----------------------------------------------------------------------------------


def test_resolved_settings_reach_the_analysis_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyproject(
        tmp_path,
        """\
        [tool.hybridize]
        include = ["src"]
        exclude = ["generated_*"]
        select = ["too-little-work", "recursion"]
        ignore = ["python-side-effects"]
        speculative = false
        input-signatures = "never"
        min-ops = 2
        entry-points = ["step"]
        assume-pure = ["mylib.*"]
        """,
    )
    write(tmp_path / "src" / "mod.py", MODULE)
    write(tmp_path / "src" / "generated_ops.py", MODULE)
    write(tmp_path / "outside.py", MODULE)
    monkeypatch.chdir(tmp_path)

    resolved = resolve([], {"min_ops": None, "exclude": ["skipped*"]})
    result = api.analyze(resolved.paths, resolved.config)
    data = result.to_dict()

    assert data["settings"] == {
        "exclude": ["generated_*", "skipped*"],
        "speculative": False,
        "min_ops": 2,
        "select": ["recursion", "too-little-work"],
        "ignore": ["python-side-effects"],
        "input_signatures": "never",
        "entry_points": ["step"],
        "assume_pure": ["mylib.*"],
    }
    assert [entry["path"] for entry in data["files"]] == ["mod.py"]
    assert [function["qualname"] for function in data["functions"]] == ["step"]
