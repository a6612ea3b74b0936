"""``hybridize report``: the format from the extension, errors as one line with exit 2, atomic
replacement of an existing report, decision options, the docs links, SARIF wiring."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from hybridize import cli
from hybridize.report.links import DEFAULT_DOCS_URL

from .conftest import DATA, REPO

PROJECT = DATA / "assumptions"


def report(output: Path, *options: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["report", str(PROJECT), "--isolated", *options, "-o", str(output)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hybridize: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("name", ["report.txt", "report", "report.html.bak", "report.PDF"])
def test_unknown_extension_is_a_one_line_error(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = report(tmp_path / name, capsys=capsys)
    assert_one_line_error(code, err, "unknown report extension", ".html, .json, .md, .sarif")
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_extension_is_case_insensitive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = report(tmp_path / "REPORT.HTML", capsys=capsys)
    assert code == 0
    assert (tmp_path / "REPORT.HTML").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert re.fullmatch(rf"Wrote {re.escape(str(tmp_path))}/REPORT.HTML: 4 functions, .*\n", out)


def test_missing_directory_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = report(tmp_path / "missing" / "report.html", capsys=capsys)
    assert_one_line_error(code, err, "does not exist")


def test_parent_that_is_a_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    code, _, err = report(tmp_path / "file" / "report.md", capsys=capsys)
    assert_one_line_error(code, err, "does not exist")


def test_output_that_is_a_directory_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out.html").mkdir()
    code, _, err = report(tmp_path / "out.html", capsys=capsys)
    assert_one_line_error(code, err, "is a directory")


def test_unwritable_directory_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere (root)")
        code, _, err = report(locked / "report.html", capsys=capsys)
        assert_one_line_error(code, err, "not writable")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(stat.S_IRWXU)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_directory_where_no_file_can_be_created_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """/proc passes the permission check even for root, and then refuses the temporary file."""
    code, _, err = report(Path("/proc/report.html"), capsys=capsys)
    assert_one_line_error(code, err, "/proc/report.html")


def test_a_failing_write_is_one_line_and_keeps_the_old_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "report.html"
    output.write_text("old report", encoding="utf-8")

    def full_disk(source: Any, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    code, _, err = report(output, capsys=capsys)
    assert_one_line_error(code, err, "cannot write the report", "No space left on device")
    assert output.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left


def test_existing_report_is_replaced_atomically_keeping_its_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "report.md"
    output.write_text("old report", encoding="utf-8")
    output.chmod(0o640)
    reader = tmp_path / "held-open"
    os.link(output, reader)  # a reader of the old file keeps seeing it whole
    code, _, _ = report(output, capsys=capsys)
    assert code == 0
    assert output.read_text(encoding="utf-8").startswith("# hybridize soundness report")
    assert reader.read_text(encoding="utf-8") == "old report"
    assert not os.path.samefile(output, reader)  # renamed over, not rewritten in place
    assert stat.S_IMODE(output.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held-open", "report.md"]


def test_decision_options_reach_the_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "report.json"
    assert report(output, capsys=capsys)[0] == 0
    plain = json.loads(output.read_text(encoding="utf-8"))
    assert (
        report(output, "--ignore", "python-side-effects", "--min-ops", "2", capsys=capsys)[0] == 0
    )
    ignored = json.loads(output.read_text(encoding="utf-8"))
    assert plain["settings"]["ignore"] == []
    assert ignored["settings"]["ignore"] == ["python-side-effects"]
    assert ignored["settings"]["min_ops"] == 2
    assert ignored["summary"]["decisions"] != plain["summary"]["decisions"]


def test_unknown_reason_id_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = report(tmp_path / "r.html", "--ignore", "no-such-reason", capsys=capsys)
    assert_one_line_error(code, err, "no-such-reason")
    assert not (tmp_path / "r.html").exists()


def test_docs_url_sets_the_reason_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "report.html"
    assert report(output, "--docs-url", "https://example.invalid/d/", capsys=capsys)[0] == 0
    page = output.read_text(encoding="utf-8")
    assert 'href="https://example.invalid/d/reasons/' in page


def test_default_docs_base_is_relative_to_the_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hybridize

    assert Path(hybridize.__file__).resolve().parent.parent == REPO  # the tests run a checkout
    output = tmp_path / "deep" / "report.md"
    output.parent.mkdir()
    assert report(output, capsys=capsys)[0] == 0
    markdown = output.read_text(encoding="utf-8")
    expected = Path(os.path.relpath(REPO / "docs", output.parent)).as_posix()
    assert f"]({expected}/reasons/" in markdown


def test_default_docs_base_without_a_checkout_is_the_web(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hybridize

    fake = tmp_path / "site-packages" / "hybridize" / "__init__.py"
    monkeypatch.setattr(hybridize, "__file__", str(fake))
    output = tmp_path / "report.html"
    assert report(output, capsys=capsys)[0] == 0
    assert f'href="{DEFAULT_DOCS_URL}/reasons/' in output.read_text(encoding="utf-8")


def test_help_names_the_formats_and_the_default_docs_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for fragment in (".html", ".md", ".json", ".sarif", "--docs-url", DEFAULT_DOCS_URL):
        assert fragment in text


def test_sarif_report_is_valid_with_fixes_and_docs_links(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``report -o x.sarif`` writes the SARIF log of the untimed document, with fixes (the
    sources are read from the project root) and rule help links under ``--docs-url``."""
    jsonschema = pytest.importorskip("jsonschema")
    output = tmp_path / "report.sarif"
    code, _, _ = report(output, "--docs-url", "https://example.org/docs/", capsys=capsys)
    assert code == 0
    log = json.loads(output.read_text(encoding="utf-8"))
    schema_path = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert {rule["helpUri"].rsplit("/", 1)[0] for rule in run["tool"]["driver"]["rules"]} == {
        "https://example.org/docs/reasons",
        "https://example.org/docs",  # decision kinds link the guide
    }
    assert run["results"], "the project has applicable decisions"
    assert any("fixes" in result for result in run["results"])
    assert "seconds" not in json.dumps(run.get("properties", {}))
    again = tmp_path / "again.sarif"
    assert report(again, "--docs-url", "https://example.org/docs/", capsys=capsys)[0] == 0
    assert again.read_bytes() == output.read_bytes()


def test_html_reports_differ_only_in_the_time_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert report(first, capsys=capsys)[0] == 0
    assert report(second, capsys=capsys)[0] == 0

    def untimed(path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        return text.replace(text[text.index('data-summary="seconds"') :].split("</div>")[0], "")

    assert untimed(first) == untimed(second)
    markdown = [tmp_path / "a.md", tmp_path / "b.md"]
    for path in markdown:
        assert report(path, capsys=capsys)[0] == 0
    texts = [
        "\n".join(
            line for line in p.read_text(encoding="utf-8").splitlines() if "time taken" not in line
        )
        for p in markdown
    ]
    assert texts[0] == texts[1]


def test_python_dash_m_report_runs(tmp_path: Path) -> None:
    import subprocess

    output = tmp_path / "report.md"
    result = subprocess.run(
        [sys.executable, "-m", "hybridize", "report", str(PROJECT), "-o", str(output)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert output.exists()
