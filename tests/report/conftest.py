"""Reports of the bundled projects, written once per test session through the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from hybridize import cli

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

#: name -> (paths, extra options): the projects whose reports are checked against their JSON.
PROJECTS: Mapping[str, tuple[tuple[Path, ...], tuple[str, ...]]] = {
    "examples": ((REPO / "examples",), ()),
    "assumptions": (
        (DATA / "assumptions",),
        ("--isolated", "--ignore", "python-side-effects"),
    ),
}


@attrs.frozen
class Reports:
    """The reports of one project in every format, and the JSON document they render."""

    name: str
    directory: Path
    html: str
    markdown: str
    json_text: str

    @property
    def document(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.json_text)
        return data


def run_report(paths: tuple[Path, ...], options: tuple[str, ...], output: Path, *extra: str) -> int:
    return cli.main(["report", *map(str, paths), *options, *extra, "-o", str(output)])


@pytest.fixture(scope="session", params=sorted(PROJECTS))
def reports(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Reports]:
    name: str = request.param
    paths, options = PROJECTS[name]
    directory = tmp_path_factory.mktemp(f"report-{name}")
    texts = {}
    for suffix in ("html", "md", "json"):
        output = directory / f"report.{suffix}"
        assert run_report(paths, options, output) == 0
        texts[suffix] = output.read_text(encoding="utf-8")
    yield Reports(name, directory, texts["html"], texts["md"], texts["json"])
