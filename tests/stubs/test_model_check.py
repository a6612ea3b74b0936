"""``python -m hybridize.stubs.check`` can fail: missing names, incompatible signatures, stale
allowlist entries, and TensorFlow not installed (exit codes 1, 1, 1, 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hybridize.stubs import check
from hybridize.stubs.check import _Param as Param

MODELS = """\
def no_such_function(x) -> Tensor: ...
def ones(shape, dtype=float32, name=None, layout=None, no_such_parameter=None) -> Tensor: ...
"""
CLEAN_MODELS = """\
def ones(shape, dtype=float32, name=None, layout=None) -> Tensor: ...
"""


def _models(tmp_path: Path, text: str) -> Path:
    directory = tmp_path / "models"
    (directory / "tensorflow").mkdir(parents=True, exist_ok=True)
    (directory / "tensorflow" / "__init__.pyi").write_text(text, encoding="utf-8")
    return directory


def _main(capsys: pytest.CaptureFixture[str], tmp_path: Path, models: str, allowlist: str = "",
          *extra: str) -> tuple[int, str, str]:
    allow = tmp_path / "allowlist.txt"
    allow.write_text(allowlist, encoding="utf-8")
    argv = [
        "--models", str(_models(tmp_path, models)), "--allowlist", str(allow),
        "--versions", str(tmp_path / "VERSIONS"), *extra,
    ]
    status = check.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


needs_tf = pytest.mark.tf


@needs_tf
def test_missing_name_and_unknown_parameter_fail(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("tensorflow")
    status, out, _ = _main(capsys, tmp_path, MODELS)
    assert status == 1
    assert "tensorflow.no_such_function: function does not exist" in out
    assert "tensorflow.ones: parameter 'no_such_parameter' is not in the real signature" in out
    assert "2 differences" in out.splitlines()[-1]


@needs_tf
def test_json_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("tensorflow")
    status, out, _ = _main(capsys, tmp_path, MODELS, "", "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert report["clean"] is False
    assert {(d["name"], d["kind"]) for d in report["differences"]} == {
        ("tensorflow.no_such_function", "missing"),
        ("tensorflow.ones", "unknown-parameter"),
    }


@needs_tf
def test_allowlisted_differences_are_listed_as_allowed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("tensorflow")
    allowlist = (
        "# a comment\n"
        "tensorflow.no_such_function  missing  a test of the allowlist\n"
        "tensorflow.ones  unknown-parameter:no_such_parameter  a test of the allowlist\n"
    )
    status, out, _ = _main(capsys, tmp_path, MODELS, allowlist)
    assert status == 0, out
    assert "allowed: tensorflow.ones: parameter 'no_such_parameter'" in out
    assert "0 differences, 2 allowed" in out


@needs_tf
def test_stale_allowlist_entry_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("tensorflow")
    allowlist = "tensorflow.ones  unknown-parameter  fixed long ago\n"
    status, out, _ = _main(capsys, tmp_path, CLEAN_MODELS, allowlist)
    assert status == 1
    assert "tensorflow.ones: stale allowlist entry (unknown-parameter, line 1)" in out


def test_malformed_allowlist_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, _, err = _main(capsys, tmp_path, CLEAN_MODELS, "tensorflow.ones  typo  why\n")
    assert status == 2
    assert "expected 'NAME KIND REASON'" in err


@needs_tf
def test_record_writes_the_versions_after_a_clean_run(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    tf = pytest.importorskip("tensorflow")
    status, out, _ = _main(capsys, tmp_path, CLEAN_MODELS)
    assert status == 0
    assert f"warning: tensorflow {tf.__version__} is not in VERSIONS" in out
    status, out, _ = _main(capsys, tmp_path, CLEAN_MODELS, "", "--record")
    assert status == 0 and "recorded" in out
    assert f"tensorflow {tf.__version__}: checked " in (tmp_path / "VERSIONS").read_text()
    status, out, _ = _main(capsys, tmp_path, CLEAN_MODELS)
    assert status == 0 and "warning" not in out


@needs_tf
def test_record_refuses_after_differences(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    pytest.importorskip("tensorflow")
    status, out, _ = _main(capsys, tmp_path, MODELS, "", "--record")
    assert status == 1 and "not recorded" in out
    assert not (tmp_path / "VERSIONS").exists()


def test_without_tensorflow_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # makes ``import tensorflow`` fail
    status, out, err = _main(capsys, tmp_path, MODELS)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "tensorflow is not installed" in err


def test_hybridize_stubs_import_without_tensorflow() -> None:
    code = (
        "import sys\n"
        "for name in ('tensorflow', 'keras', 'numpy'): sys.modules[name] = None\n"
        "import hybridize, hybridize.stubs.check\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def _p(name: str, kind: str = "positional-or-keyword", default: bool = False) -> Param:
    return Param(name, kind, default)


@pytest.mark.parametrize(
    ("model", "real", "kinds"),
    [
        ([_p("x")], [_p("x")], []),
        ([_p("x"), _p("y")], [_p("x")], ["unknown-parameter"]),
        ([_p("x")], [_p("x", "positional-only")], ["parameter-kind"]),
        ([_p("x"), _p("y", default=True)], [_p("y", default=True), _p("x")],
         ["parameter-position"]),
        ([_p("x")], [_p("x"), _p("y")], ["unmodelled-required"]),
        ([_p("x", default=True)], [_p("x")], ["default"]),
        ([_p("x")], [_p("x", default=True)], ["default"]),
        ([_p("x"), _p("k", "keyword-only")], [_p("x"), _p("kw", "var-keyword")], []),
        ([_p("x"), _p("kw", "var-keyword")], [_p("x"), _p("axis", default=True)], []),
        ([_p("x"), _p("kw", "var-keyword")], [_p("x")], ["parameter-kind"]),
        ([_p("a", "var-positional")], [_p("x"), _p("y")], []),
    ],
)
def test_compare(model: list[Param], real: list[Param], kinds: list[str]) -> None:
    found = sorted(d.kind for d in check.compare("f", model, real))
    assert found == sorted(kinds)
