"""The HTML, Markdown and JSON reports of real projects say what the JSON document says.

Each check reads the numbers and names from the schema-1 document of the same run and looks for
them in the rendered report, so the expectations follow the analysis instead of being copied.
"""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hybridize import cli
from hybridize.refactor.model import AssumptionKind

from .conftest import PROJECTS, REPO, Reports

SCHEMA = json.loads((REPO / "hybridize" / "report" / "schema.json").read_text(encoding="utf-8"))


def applicable(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in document["functions"] if f["decision"]["applicable"]]


def section(page: str, name: str) -> str:
    """The HTML of ``<section id=name>`` (sections do not nest)."""
    match = re.search(rf'<section id="{name}"[^>]*>(.*?)</section>', page, re.S)
    assert match is not None, f"no section {name}"
    return match.group(1)


def card(page: str, label: str) -> str:
    match = re.search(rf'data-summary="{re.escape(label)}"><div class="value">([^<]*)<', page)
    assert match is not None, f"no summary card {label!r}"
    return match.group(1)


def reason_href(reports: Reports, reason: str) -> str:
    relative = os.path.relpath(REPO / "docs", reports.directory)
    return f"{Path(relative).as_posix()}/reasons/{reason}.md"


# -- JSON ------------------------------------------------------------------------------------------
def test_json_report_is_the_check_document(
    reports: Reports, capsys: pytest.CaptureFixture[str]
) -> None:
    paths, options = PROJECTS[reports.name]
    capsys.readouterr()
    cli.main(["check", "--format", "json", *map(str, paths), *options])
    assert reports.json_text == capsys.readouterr().out


def test_json_report_validates_against_the_schema(reports: Reports) -> None:
    jsonschema.validate(reports.document, SCHEMA)
    assert "seconds" not in reports.document["summary"]  # deterministic, like check


# -- HTML: summary -------------------------------------------------------------------------------
def test_html_summary_numbers_equal_the_json_summary(reports: Reports) -> None:
    summary = reports.document["summary"]
    page = reports.html
    assert card(page, "functions analysed") == str(summary["functions"])
    assert card(page, "files") == str(summary["files"])
    assert card(page, "lines") == str(summary["lines"])
    assert card(page, "applicable refactorings") == str(sum(summary["decisions"].values()))
    assert card(page, "safe") == str(summary["safety"].get("safe", 0))
    assert card(page, "conditional") == str(summary["safety"].get("conditional", 0))
    assert re.fullmatch(r"[0-9]+\.[0-9]{2}&#8239;s", card(page, "seconds"))


def test_html_decisions_by_kind_table_counts_every_decision(reports: Reports) -> None:
    document = reports.document
    table = re.search(r'<table class="kinds">(.*?)</table>', reports.html, re.S)
    assert table is not None
    rows = re.findall(
        r'<span class="badge [a-z]+">([a-z]+)</span></td><td class=num>([0-9]+)</td>'
        r"<td class=num>([0-9]+)</td>",
        table.group(1),
    )
    by_kind = {kind: (int(yes), int(no)) for kind, yes, no in rows}
    assert set(by_kind) == {"hybridize", "dehybridize", "reconfigure", "none"}
    for kind, (yes, no) in by_kind.items():
        decisions = [f["decision"] for f in document["functions"] if f["decision"]["kind"] == kind]
        assert yes == document["summary"]["decisions"].get(kind, 0)
        assert (yes, no) == (
            sum(1 for d in decisions if d["applicable"]),
            sum(1 for d in decisions if not d["applicable"]),
        )


# -- HTML: decisions -----------------------------------------------------------------------------
def test_every_applicable_decision_is_shown_with_reasons_and_links(reports: Reports) -> None:
    shown = section(reports.html, "decisions")
    functions = applicable(reports.document)
    assert functions
    assert shown.count('<article class="decision') == len(functions)
    for function in functions:
        decision = function["decision"]
        article = re.search(
            rf'<article class="decision[^"]*" id="([^"]+)">\s*<h3><code>'
            rf"{re.escape(html.escape(function['qualname']))}</code>(.*?)</article>",
            shown,
            re.S,
        )
        assert article is not None, function["id"]
        body = article.group(2)
        assert f"{function['path']}:{function['line']}:{function['col']}" in body
        assert f'class="badge {decision["kind"]}"' in body
        assert f'class="badge {decision["safety"]}"' in body
        for reason in decision["reasons"]:
            assert f'href="{reason_href(reports, reason)}"' in body
        for premise in decision["proof"]["premises"]:
            assert html.escape(premise["claim"], quote=False) in body
        for assumption in decision["proof"]["assumptions"]:
            assert html.escape(assumption["discharge"], quote=False) in body


def test_decisions_that_do_not_apply_are_in_a_collapsed_section(reports: Reports) -> None:
    unchanged = section(reports.html, "unchanged")
    assert re.search(r"<details>\s*<summary>", unchanged)
    assert "<details open" not in unchanged
    others = [f for f in reports.document["functions"] if not f["decision"]["applicable"]]
    assert unchanged.count('<article class="decision') == len(others)
    for function in others:
        assert f"<code>{html.escape(function['qualname'])}</code>" in unchanged
        for reason in function["decision"]["reasons"]:
            assert f'href="{reason_href(reports, reason)}"' in unchanged


def test_reason_links_point_into_the_checkout_docs(reports: Reports) -> None:
    hrefs = set(re.findall(r'href="([^"#][^"]*)"', reports.html))
    assert hrefs
    for href in hrefs:
        target = (reports.directory / href).resolve()
        assert target.parent == REPO / "docs" / "reasons", href
        assert target.is_file(), f"{href}: no such reason page"


def test_evidence_lines_are_shown_as_escaped_numbered_snippets(reports: Reports) -> None:
    root = PROJECTS[reports.name][0][0]
    shown = 0
    for function in applicable(reports.document):
        for premise in function["decision"]["proof"]["premises"]:
            for at in [premise["at"], *(e["at"] for e in premise["evidence"])]:
                path, line, _ = at.rsplit(":", 2)
                source = (root / path).read_text(encoding="utf-8").splitlines()[int(line) - 1]
                expected = (
                    f'<span class="line mark"><span class="number">{line}</span>'
                    f"{html.escape(source.rstrip())}</span>"
                )
                shown += expected in reports.html
    assert shown > 0


def test_assumption_inventory_lists_every_kind_with_its_count(reports: Reports) -> None:
    inventory = section(reports.html, "assumptions")
    assumptions = [
        (f, a) for f in reports.document["functions"] for a in f["decision"]["proof"]["assumptions"]
    ]
    for kind in AssumptionKind:
        count = sum(1 for _, a in assumptions if a["kind"] == kind.value)
        row = re.search(
            rf'<tr><td><a href="#assumption-{kind.value}"><span class="badge kind">{kind.value}'
            r"</span></a></td><td class=num>([0-9]+)</td>",
            inventory,
        )
        assert row is not None, kind
        assert int(row.group(1)) == count
        entry = re.search(
            rf'<div class="kind-entry" id="assumption-{kind.value}">(.*?)</div>', inventory, re.S
        )
        assert entry is not None
        dependent = {f["id"] for f, a in assumptions if a["kind"] == kind.value}
        links = re.findall(r'<a href="#(fn-[^"]+)">', entry.group(1))
        assert len(links) == len(dependent)
        for anchor in links:
            assert f'id="{anchor}"' in reports.html
        for _, assumption in assumptions:
            if assumption["kind"] == kind.value:
                assert html.escape(assumption["discharge"], quote=False) in entry.group(1)


#: Assumption kinds each project's proofs must make, so that the inventory is tested with content.
EXPECTED_KINDS = {
    "examples": set(),
    "assumptions": {"speculative-name", "external-callers", "unmodelled-call", "configuration"},
}


def test_the_projects_make_the_expected_assumptions(reports: Reports) -> None:
    kinds = {
        a["kind"]
        for f in reports.document["functions"]
        for a in f["decision"]["proof"]["assumptions"]
    }
    assert EXPECTED_KINDS[reports.name] <= kinds


# -- HTML: charts and self-containment -----------------------------------------------------------
def test_charts_are_accessible_svg_with_text_labels(reports: Reports) -> None:
    charts = section(reports.html, "charts")
    svgs = re.findall(r"<svg\b.*?</svg>", charts, re.S)
    assert len(svgs) >= 2
    parsed = {}
    for svg in svgs:
        root = ElementTree.fromstring(svg)
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text
        assert root.get("role") == "img"
        parsed[title.text] = " ".join(root.itertext())
    reasons = reports.document["summary"]["reasons"]
    for reason, count in reasons.items():
        assert re.search(rf"{reason}: {count}\b", parsed["Decisions by reason"])
    for kind in AssumptionKind:
        assert kind.value in parsed["Assumptions by kind"]


def test_html_loads_nothing_from_anywhere(reports: Reports) -> None:
    page = reports.html
    assert not re.search(r"<(link|script|img|iframe|object|embed|video|audio|source)\b", page, re.I)
    assert "url(" not in page
    assert "@import" not in page
    assert not re.search(r"\ssrc\s*=", page, re.I)
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith("#") or href.endswith(".md"), href


class _TagBalance(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "rect", "path", "line"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]} at {self.getpos()}")
        else:
            self.stack.pop()


def test_html_tags_are_balanced(reports: Reports) -> None:
    checker = _TagBalance()
    checker.feed(reports.html)
    assert checker.errors == []
    assert checker.stack == []


# -- Markdown ------------------------------------------------------------------------------------
def test_markdown_has_the_same_summary_decisions_and_inventory(reports: Reports) -> None:
    document = reports.document
    summary = document["summary"]
    text = reports.markdown
    for label, value in [
        ("functions analysed", summary["functions"]),
        ("files", summary["files"]),
        ("applicable refactorings", sum(summary["decisions"].values())),
        ("safe", summary["safety"].get("safe", 0)),
        ("conditional", summary["safety"].get("conditional", 0)),
    ]:
        assert f"| {label} | {value} |" in text
    assert re.search(r"\| time taken \| [0-9]+\.[0-9]{2} s \|", text)
    head, _, rest = text.partition('<a id="unchanged"></a>')
    assert "<details>" in rest
    for function in applicable(document):
        assert f"### `{function['qualname']}` — {function['decision']['kind']}" in head
        for reason in function["decision"]["reasons"]:
            assert f"]({reason_href(reports, reason)})" in head
    for reason, count in summary["reasons"].items():
        assert re.search(rf"\[`{reason}`\]\([^)]*\) \| [0-9]+ \| [0-9]+ \| {count} \|", text)
    for kind in AssumptionKind:
        assert f"[`{kind.value}`](#assumption-{kind.value})" in text
        assert f'<a id="assumption-{kind.value}"></a>' in text


def test_markdown_uses_only_anchor_and_details_html(reports: Reports) -> None:
    outside_code = re.sub(r"(?s)(`{3,})text\n.*?\n\s*\1", "", reports.markdown)
    outside_code = re.sub(r"`[^`]*`", "", outside_code)
    tags = set(re.findall(r"(?<!\\)</?([a-zA-Z]+)", outside_code))
    assert tags <= {"a", "details", "summary"}
