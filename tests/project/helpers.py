"""Build small projects on disk from ``{relpath: source}`` tables."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path

from hybridize.project.build import Project, build_project


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write files under ``root`` (text is dedented, bytes written as is) and return ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def make_project(root: Path, files: Mapping[str, str | bytes]) -> Project:
    return build_project([write_tree(root, files)])
