"""The oracle with the real pyright (skipped when Node.js or the pyright package is missing)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hybridize import api
from hybridize.oracle.pyright import OracleUnavailable, locate, run_oracle
from hybridize.project.build import build_project
from hybridize.transfer.analysis import Analysis

PROJECT = Path(__file__).parent / "data" / "project"

try:
    locate()
    AVAILABLE = True
except OracleUnavailable:
    AVAILABLE = False

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="pyright or node not installed")


def test_pyright_turns_an_annotated_library_result_into_a_tensor_fact(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    result = api.analyze([project], api.Config(exclude=("mylib.py",), oracle="pyright"))
    step = result.function("step")
    (x,) = step.parameters
    assert x.kind == "tensor"
    assert x.evidence[0].detail == "oracle (pyright): Tensor"
    decision = result.decision(step)
    assert decision.applicable and decision.kind.value == "hybridize"
    assert [p.kind for p in result.function("scale").parameters] == ["python", "tensor"]
    # an answer pyright does not know ("Unknown") leaves the parameter unknown
    assert result.function("one_liner").parameters[0].kind == "unknown"


def test_one_batch_run_answers_every_probe(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    built = build_project([str(project)], exclude=("mylib.py",))
    analysis = Analysis(built)
    analysis.run()
    run = run_oracle(analysis, use_cache=False)
    assert (run.probes, run.answered, len(run.answers)) == (5, 5, 3)
    assert not run.cached
    assert run_oracle(analysis).cached  # the second run reads the cache
