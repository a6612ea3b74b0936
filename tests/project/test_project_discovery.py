"""File discovery: what is analysed, what is skipped, and which directory is the root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hybridize.project.discovery import discover

from .helpers import write_tree


def relpaths(root: Path, files: list[Path]) -> list[str]:
    return [file.relative_to(root).as_posix() for file in files]


def test_single_directory_is_the_root_and_files_are_sorted(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {"b.py": "", "a/z.py": "", "a/b.py": "", "a-b/c.py": "", "notes.txt": ""}
    )
    found_root, files = discover([root])
    assert found_root == root
    assert relpaths(root, files) == ["a/b.py", "a/z.py", "a-b/c.py", "b.py"]


def test_root_of_files_and_several_paths_is_their_common_parent(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pkg/a/x.py": "", "pkg/b/y.py": "", "pkg/b/z.py": ""})
    assert discover([root / "pkg/b/y.py"])[0] == root / "pkg/b"
    found_root, files = discover([root / "pkg/a", root / "pkg/b/z.py"])
    assert found_root == root / "pkg"
    assert relpaths(found_root, files) == ["a/x.py", "b/z.py"]


@pytest.mark.parametrize(
    ("skipped", "kept"),
    [
        ({"build/x.py", "dist/x.py", "node_modules/x.py", "__pycache__/x.py"}, {"src/build.py"}),
        ({"foo.egg-info/x.py"}, {"egg_info/x.py"}),
        ({".hidden/x.py", ".tox/py/x.py", ".git/hooks/x.py"}, {"visible/x.py"}),
        ({"myenv/lib/site.py"}, {"envless/x.py"}),  # myenv has pyvenv.cfg, see below
        ({"venv/lib/x.py", "env/lib/x.py"}, {"venv2/x.py"}),  # bin/python marks them, see below
    ],
)
def test_uninteresting_directories_are_skipped(
    tmp_path: Path, skipped: set[str], kept: set[str]
) -> None:
    files: dict[str, str] = dict.fromkeys(skipped | kept, "")
    files.update({"myenv/pyvenv.cfg": "home = /usr", "venv/bin/python": "", "env/bin/python": ""})
    root = write_tree(tmp_path, files)
    assert set(relpaths(root, discover([root])[1])) == kept


def test_directory_named_env_without_interpreter_is_ordinary_code(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"env/config.py": ""})
    assert relpaths(root, discover([root])[1]) == ["env/config.py"]


def test_site_packages_is_skipped_only_inside_a_scanned_virtualenv(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "venv/pyvenv.cfg": "",
            "venv/lib/python3.11/site-packages/dep.py": "",
            "venv/tool.py": "",
            "vendored/site-packages/keep.py": "",
        },
    )
    assert relpaths(root, discover([root])[1]) == ["vendored/site-packages/keep.py"]
    venv = root / "venv"
    assert relpaths(venv, discover([venv])[1]) == ["tool.py"]
    lib = venv / "lib"
    assert relpaths(lib, discover([lib])[1]) == []


def test_an_explicit_directory_inside_a_virtualenv_is_analysed(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path, {"venv/pyvenv.cfg": "", "venv/lib/site-packages/keras/layer.py": ""}
    )
    keras = root / "venv/lib/site-packages/keras"
    assert relpaths(keras, discover([keras])[1]) == ["layer.py"]


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["tests"], ["pkg/mod.py", "top.py"]),
        (["pkg/tests/*"], ["pkg/mod.py", "tests/test_top.py", "top.py"]),
        (["test_*.py"], ["pkg/mod.py", "top.py"]),
        (["*/mod.py"], ["pkg/tests/test_mod.py", "tests/test_top.py", "top.py"]),
        (["tests/"], ["pkg/mod.py", "top.py"]),
        ([], ["pkg/mod.py", "pkg/tests/test_mod.py", "tests/test_top.py", "top.py"]),
    ],
)
def test_exclude_globs_match_relative_paths_and_components(
    tmp_path: Path, patterns: list[str], expected: list[str]
) -> None:
    root = write_tree(
        tmp_path,
        {"pkg/mod.py": "", "pkg/tests/test_mod.py": "", "tests/test_top.py": "", "top.py": ""},
    )
    assert relpaths(root, discover([root], exclude=patterns)[1]) == expected


def test_explicitly_named_files_are_always_included(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".hidden/x.py": "", "build/y.py": "", "script": "print(1)\n"})
    named = [root / ".hidden/x.py", root / "build/y.py", root / "script"]
    found_root, files = discover(named, exclude=["*"])
    assert found_root == root
    assert relpaths(root, files) == [".hidden/x.py", "build/y.py", "script"]


def test_symlink_loops_terminate(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"pkg/mod.py": "", "pkg/sub/inner.py": ""})
    try:
        os.symlink(root / "pkg", root / "pkg/sub/loop", target_is_directory=True)
        os.symlink(root, root / "pkg/up", target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symlinks unavailable")
    found = relpaths(root, discover([root])[1])
    assert found == ["pkg/mod.py", "pkg/sub/inner.py"]


def test_duplicate_arguments_give_each_file_once(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"a/x.py": ""})
    found_root, files = discover([root / "a", root / "a", root / "a/x.py"])
    assert relpaths(found_root, files) == ["x.py"]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "nope"])
