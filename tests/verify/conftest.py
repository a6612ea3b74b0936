"""Fixture projects for the verify tests, copied so that runs (and their cache) never touch the
repository."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


@pytest.fixture
def copy_project(tmp_path: Path) -> Callable[[str], Path]:
    """``copy_project("side_effects")``: a fresh copy of ``fixtures/side_effects`` (``"examples"``
    copies the bundled example project)."""

    def copy(name: str) -> Path:
        source = EXAMPLES if name == "examples" else FIXTURES / name
        destination = tmp_path / name
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))
        return destination

    return copy
