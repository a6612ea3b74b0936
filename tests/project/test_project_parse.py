"""Reading and parsing single files: encodings, failures as statuses, module names."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridize.project.model import FileStatus
from hybridize.project.parse import PackageLayout, count_lines, load_file

from .helpers import write_tree


@pytest.mark.parametrize(
    "content",
    [
        "x = 'é'\n".encode(),
        b"\xef\xbb\xbfx = '\xc3\xa9'\n",  # UTF-8 with BOM
        "# -*- coding: latin-1 -*-\nx = 'é'\n".encode("latin-1"),
        "#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = 'é'\n".encode("cp1252"),
    ],
    ids=["utf-8", "bom", "latin-1-cookie", "cp1252-cookie-line-2"],
)
def test_encodings_are_honoured(tmp_path: Path, content: bytes) -> None:
    source = load_file(write_tree(tmp_path, {"m.py": content}), tmp_path / "m.py")
    assert source.status is FileStatus.ANALYZED, source.error
    assert source.tree is not None
    assign = source.tree.body[0]
    assert getattr(getattr(assign, "value", None), "value", None) == "é"


@pytest.mark.parametrize(
    ("content", "status", "error_part"),
    [
        (b"x = '\xe9'\n", FileStatus.UNREADABLE, "decode"),
        (b"# coding: no-such-codec\nx = 1\n", FileStatus.UNREADABLE, "no-such-codec"),
        (b"x = 1\n\x00\x01\x02", FileStatus.UNREADABLE, "binary file"),
        (b"def f(:\n    pass\n", FileStatus.SYNTAX_ERROR, "line 1: "),
        (b"x = 1\nif x:\nprint(x)\n", FileStatus.SYNTAX_ERROR, "line 3: "),
    ],
    ids=["non-utf-8", "unknown-codec", "nul-bytes", "syntax", "indentation"],
)
def test_unusable_files_get_a_status_and_a_one_line_reason(
    tmp_path: Path, content: bytes, status: FileStatus, error_part: str
) -> None:
    source = load_file(write_tree(tmp_path, {"bad.py": content}), tmp_path / "bad.py")
    assert source.status is status
    assert source.tree is None
    assert source.error is not None and error_part in source.error
    assert "\n" not in source.error


def test_syntax_error_files_still_count_their_lines(tmp_path: Path) -> None:
    source = load_file(write_tree(tmp_path, {"bad.py": "a = 1\nb = (\n"}), tmp_path / "bad.py")
    assert source.status is FileStatus.SYNTAX_ERROR
    assert source.lines == 2


def test_files_over_the_size_limit_are_skipped_unread(tmp_path: Path) -> None:
    write_tree(tmp_path, {"big.py": "x = 1\n" * 100})
    source = load_file(tmp_path, tmp_path / "big.py", max_bytes=50)
    assert source.status is FileStatus.SKIPPED
    assert source.error is not None and "too large" in source.error


@pytest.mark.parametrize(
    ("source", "lines"),
    [("", 0), ("x\n", 1), ("x", 1), ("x\ny", 2), ("x\n\n", 2), ("x\r\ny\r\n", 2)],
)
def test_count_lines(source: str, lines: int) -> None:
    assert count_lines(source) == lines


@pytest.mark.parametrize(
    ("files", "path", "module", "is_package"),
    [
        (["mod.py"], "mod.py", "mod", False),
        (["pkg/__init__.py", "pkg/mod.py"], "pkg/mod.py", "pkg.mod", False),
        (["pkg/__init__.py"], "pkg/__init__.py", "pkg", True),
        (
            ["pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/m.py"],
            "pkg/sub/m.py",
            "pkg.sub.m",
            False,
        ),
        (["src/pkg/__init__.py", "src/pkg/mod.py"], "src/pkg/mod.py", "pkg.mod", False),
        (["scripts/run.py"], "scripts/run.py", "run", False),
        (["pkg/__init__.py", "pkg/nopkg/m.py"], "pkg/nopkg/m.py", "m", False),
    ],
    ids=["top", "package-module", "package", "subpackage", "src-layout", "script", "gap"],
)
def test_module_names_follow_the_package_chain(
    tmp_path: Path, files: list[str], path: str, module: str, is_package: bool
) -> None:
    write_tree(tmp_path, dict.fromkeys(files, ""))
    source = load_file(tmp_path, tmp_path / path)
    assert (source.module, source.is_package, source.relpath) == (module, is_package, path)


def test_package_chain_extends_above_the_root(tmp_path: Path) -> None:
    """Analysing ``site-packages/keras/src`` still names modules ``keras.src.*``."""
    write_tree(
        tmp_path, {"keras/__init__.py": "", "keras/src/__init__.py": "", "keras/src/m.py": ""}
    )
    root = tmp_path / "keras/src"
    source = load_file(root, root / "m.py", layout=PackageLayout())
    assert (source.module, source.relpath) == ("keras.src.m", "m.py")
