"""Fast tests of the oracle: type mapping, probe placement, and answers matched by source range
from a recorded pyright output (``data/pyright_output.json``, the real output of pyright 1.1.414
on the shadow copy of ``data/project``, its temporary directory replaced by ``/SHADOW``)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from hybridize import api
from hybridize.lattice.tensor import TensorKind
from hybridize.lattice.values import Value
from hybridize.oracle import answers_from_json, find_probes, map_type
from hybridize.oracle import pyright as oracle_pyright
from hybridize.oracle.probes import shadow_source
from hybridize.project.build import build_project
from hybridize.transfer.analysis import Analysis

DATA = Path(__file__).parent / "data"
PROJECT = DATA / "project"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tensor", Value.tensor()),
        ("EagerTensor", Value.tensor()),
        ("SymbolicTensor", Value.tensor()),
        ("Variable", Value.tensor(kind=TensorKind.VARIABLE)),
        ("RaggedTensor", Value.tensor(kind=TensorKind.RAGGED)),
        ("SparseTensor", Value.tensor(kind=TensorKind.SPARSE)),
        ("ndarray[Any, dtype[float32]]", Value.ndarray()),
        ("int", Value.any_of("int")),
        ("float", Value.any_of("float")),
        ("bool", Value.any_of("bool")),
        ("str", Value.any_of("str")),
        ("Tensor | None", Value.tensor().join(Value.NONE)),
        ("list[int]", Value.container("list", None, Value.any_of("int"), "oracle")),
        (
            "tuple[Tensor, int]",
            Value.container("tuple", [Value.tensor(), Value.any_of("int")], None, "oracle"),
        ),
        ("tuple[float, ...]", Value.container("tuple", None, Value.any_of("float"), "oracle")),
    ],
)
def test_types_map_to_values(text: str, expected: Value) -> None:
    assert map_type(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Unknown",
        "Any",
        "object",
        "KerasTensor",
        "Tensor | Unknown",
        "list[Unknown]",
        "dict[str, int]",
        "Model",
        "type[Tensor]",
        "Literal[3]",
        "",
    ],
)
def test_anything_else_stays_unknown(text: str) -> None:
    assert map_type(text) is None


def _analysis() -> Analysis:
    project = build_project([str(PROJECT)], exclude=("mylib.py",))
    analysis = Analysis(project)
    analysis.run()
    return analysis


def test_probes_cover_unknown_parameters_and_arguments() -> None:
    probes = find_probes(_analysis())
    found = {(p.function_id.split("::")[1], p.name, p.expression) for p in probes}
    assert found == {
        ("step", "x", "fetch()"),
        ("scale", "a", "count()"),
        ("scale", "factor", "fetch()"),
        ("typed", "o", "o"),
        ("one_liner", "q", "q"),
    }


def test_shadow_source_parses_and_places_probes_where_it_says() -> None:
    analysis = _analysis()
    probes = list(enumerate(find_probes(analysis)))
    text = (PROJECT / "model.py").read_text(encoding="utf-8")
    shadow, positions = shadow_source(text, probes, analysis.project.functions)
    ast.parse(shadow)  # still valid Python
    lines = shadow.splitlines()
    for index, probe in probes:
        line, column = positions[index]
        assert lines[line][column:].startswith(probe.expression), (probe, lines[line])
        assert lines[line][:column].endswith("reveal_type(")


def test_answers_are_matched_by_source_range_not_message_order() -> None:
    analysis = _analysis()
    probes = find_probes(analysis)
    text = (PROJECT / "model.py").read_text(encoding="utf-8")
    _, found = shadow_source(text, list(enumerate(probes)), analysis.project.functions)
    positions = {("model.py", line, column): index for index, (line, column) in found.items()}
    data = json.loads((DATA / "pyright_output.json").read_text(encoding="utf-8"))
    data["generalDiagnostics"].reverse()  # order must not matter
    answers = answers_from_json(data, Path("/SHADOW"), positions)
    by_probe = {(probes[i].name, probes[i].expression): t for i, t in answers.items()}
    assert by_probe == {
        ("x", "fetch()"): "Tensor",
        ("a", "count()"): "int",
        ("factor", "fetch()"): "Tensor",
        ("o", "o"): "Unknown",
        ("q", "q"): "Unknown",
    }
    # a diagnostic one column off answers nothing
    shifted = json.loads((DATA / "pyright_output.json").read_text(encoding="utf-8"))
    for diagnostic in shifted["generalDiagnostics"]:
        diagnostic["range"]["start"]["character"] += 1
    assert answers_from_json(shifted, Path("/SHADOW"), positions) == {}


def test_recorded_answers_become_oracle_facts_and_change_a_decision(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The whole path without running pyright: the recorded output stands in for the process."""
    import shutil
    import subprocess

    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    recorded = (DATA / "pyright_output.json").read_text(encoding="utf-8")

    def fake_run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
        shadow = str(Path(str(kwargs["cwd"])).resolve())
        output = recorded.replace("/SHADOW", shadow).encode()
        return subprocess.CompletedProcess(command, 0, output, b"")

    tool = oracle_pyright.Tool("node", Path("index.js"), "1.1.414")
    monkeypatch.setattr(oracle_pyright, "locate", lambda: tool)
    monkeypatch.setattr(oracle_pyright.subprocess, "run", fake_run)
    config = api.Config(exclude=("mylib.py",))
    without = api.analyze([project], config)
    with_oracle = api.analyze([project], api.Config(exclude=("mylib.py",), oracle="pyright"))

    step = with_oracle.function("step")
    (x,) = step.parameters
    assert without.function("step").parameters[0].kind == "unknown"
    assert x.kind == "tensor"
    assert x.evidence[0].detail == "oracle (pyright): Tensor"
    assert str(x.evidence[0].location) == "model.py:15:14"
    before, after = without.decision(without.function("step")), with_oracle.decision(step)
    assert not before.applicable
    assert after.applicable and after.kind.value == "hybridize"
    details = [e["detail"] for p in after.to_json()["proof"]["premises"] for e in p["evidence"]]
    assert "x: oracle (pyright): Tensor" in details
    # evidence of kind oracle, and the decision rests on it: a type-hint assumption
    assert x.to_json()["evidence"][0]["kind"] == "oracle"
    assert after.safety.value == "conditional"
    assert [a.id for a in after.proof.assumptions if a.kind.value == "type-hint"] == [
        f"type-hint:{step.id}:x:oracle"
    ]
    scale = with_oracle.function("scale")
    assert [p.kind for p in scale.parameters] == ["python", "tensor"]
    assert with_oracle.to_dict()["settings"]["oracle"] == "pyright"
    assert "oracle" not in without.to_dict()["settings"]
    # the answers were cached by file hashes: a second run does not start pyright
    monkeypatch.setattr(oracle_pyright.subprocess, "run", None)
    again = api.analyze([project], api.Config(exclude=("mylib.py",), oracle="pyright"))
    assert again.function("step").parameters[0].kind == "tensor"
    assert list((project / ".hybridize_cache" / "oracle").glob("*.json"))


def test_missing_node_is_a_clear_error_only_when_the_oracle_is_requested(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no node here
    result = api.analyze([PROJECT], api.Config(exclude=("mylib.py",)))
    assert result.function("step").parameters[0].kind == "unknown"
    with pytest.raises(api.UserError, match=r"needs Node\.js, but `node` was not found on PATH"):
        api.analyze([PROJECT], api.Config(exclude=("mylib.py",), oracle="pyright"))


def test_missing_pyright_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(oracle_pyright.shutil, "which", lambda name: "/usr/bin/node")
    monkeypatch.setenv("HYBRIDIZE_PYRIGHT_SCRIPT", str(tmp_path / "nothing" / "index.js"))
    with pytest.raises(api.UserError, match=r"needs pyright: `pip install pyright`"):
        api.analyze([PROJECT], api.Config(oracle="pyright"))


def test_cli_exit_code_2_and_one_line_without_node(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hybridize.cli import main

    monkeypatch.setenv("PATH", str(tmp_path))
    code = main(["check", "--isolated", "--oracle", "pyright", str(PROJECT / "model.py")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.err.strip().count("\n") == 0
    assert "node" in captured.err
    assert main(["check", "--isolated", str(PROJECT / "model.py")]) in (0, 1)


def test_configuration_key_and_bad_values(tmp_path: Path) -> None:
    from hybridize.config import ConfigError, load_file_config

    good = tmp_path / "pyproject.toml"
    good.write_text('[tool.hybridize]\noracle = "pyright"\noracle-timeout = 30\n')
    assert dict(load_file_config(good).values) == {"oracle": "pyright", "oracle_timeout": 30.0}
    bad = tmp_path / "bad.toml"
    bad.write_text('[tool.hybridize]\noracle = "pyrite"\n')
    with pytest.raises(ConfigError, match="did you mean 'pyright'"):
        load_file_config(bad)
    with pytest.raises(api.UserError, match="--oracle must be pyright"):
        api.Config(oracle="mypy").settings()
