"""The renderers on hand-made documents: verification outcomes (no decision has one yet),
escaping of hostile text, unknown ids from newer versions, empty projects, charts and snippets."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ElementTree
from typing import Any

import pytest

from hybridize.refactor.model import AssumptionKind
from hybridize.report.charts import Bar, Series, bar_chart
from hybridize.report.html import render_html
from hybridize.report.inventory import ASSUMPTION_EXPLANATIONS, build_report
from hybridize.report.markdown import code, render_markdown, text
from hybridize.report.snippets import SnippetBudget, snippets

DOCS = "https://docs.invalid/hybridize"

SOURCE = "\n".join(f"line_{number} = {number}" for number in range(1, 21)) + "\n"


def function(
    qualname: str,
    kind: str = "hybridize",
    applicable: bool = True,
    *,
    reasons: tuple[str, ...] = (),
    assumptions: tuple[dict[str, Any], ...] = (),
    line: int = 5,
    verification: dict[str, Any] | None = None,
) -> dict[str, Any]:
    decision: dict[str, Any] = {
        "kind": kind,
        "applicable": applicable,
        "reasons": list(reasons),
        "messages": [f"message of {reason}" for reason in reasons] or ["every check passes"],
        "safety": "conditional" if assumptions else "safe",
        "transformation": {"action": "add-decorator"} if applicable else {},
        "input_signature": None,
        "proof": {
            "premises": [
                {
                    "claim": f"{qualname} does tensor work",
                    "at": f"pkg/mod.py:{line}:1",
                    "evidence": [{"at": f"pkg/mod.py:{line + 1}:5", "detail": "tf.matmul"}],
                }
            ],
            "assumptions": list(assumptions),
        },
        "suppression": None,
    }
    if verification is not None:
        decision["verification"] = verification
    return {
        "id": f"pkg/mod.py::{qualname}",
        "path": "pkg/mod.py",
        "qualname": qualname,
        "name": qualname.rpartition(".")[2],
        "line": line,
        "col": 1,
        "hybrid": kind != "hybridize",
        "decision": decision,
    }


def assumption(kind: str, claim: str = "something holds", at: str | None = None) -> dict[str, Any]:
    return {
        "id": f"{kind}:x",
        "kind": kind,
        "claim": claim,
        "at": at,
        "discharge": f"discharge {kind} like this",
    }


def document(*functions: dict[str, Any], seconds: float | None = 1.5) -> dict[str, Any]:
    applicable = [f["decision"] for f in functions if f["decision"]["applicable"]]
    summary: dict[str, Any] = {
        "files": 1,
        "functions": len(functions),
        "lines": 20,
        "files_by_status": {"analyzed": 1},
        "decisions": {},
        "reasons": {},
        "safety": {},
    }
    for decision in applicable:
        summary["decisions"][decision["kind"]] = summary["decisions"].get(decision["kind"], 0) + 1
        summary["safety"][decision["safety"]] = summary["safety"].get(decision["safety"], 0) + 1
    if seconds is not None:
        summary["seconds"] = seconds
    return {
        "schema": 1,
        "tool": {"name": "hybridize", "version": "9.9"},
        "settings": {"speculative": True, "ignore": []},
        "files": [{"path": "pkg/mod.py", "status": "analyzed"}],
        "functions": list(functions),
        "summary": summary,
    }


@pytest.fixture
def verified_document() -> dict[str, Any]:
    return document(
        function(
            "fast",
            verification={"status": "verified", "detail": "same results", "speedup": 2.5},
            line=3,
        ),
        function(
            "broken",
            verification={"status": "refuted", "detail": "prints once instead of 3 times"},
            reasons=("python-side-effects",),
            line=8,
        ),
        function(
            "opaque",
            applicable=False,
            reasons=("recursion",),
            verification={"status": "not-verifiable", "detail": "no inputs", "speedup": None},
            line=12,
        ),
    )


# -- verification ----------------------------------------------------------------------------------
def test_refuted_decisions_come_first_in_html(verified_document: dict[str, Any]) -> None:
    page = render_html(verified_document, {"pkg/mod.py": SOURCE}, docs_base=DOCS)
    refuted = page.index('<section id="refuted"')
    assert refuted < page.index('<section id="summary"')
    top = re.search(r'<section id="refuted".*?</section>', page, re.S)
    assert top is not None
    assert 'href="#fn-pkg-mod-py-broken"' in top.group(0)
    assert "prints once instead of 3 times" in top.group(0)
    assert "fast" not in top.group(0)
    assert '<article class="decision refuted" id="fn-pkg-mod-py-broken">' in page
    assert '<span class="badge refuted">refuted</span>' in page
    assert '<span class="badge verified">verified, 2.50x</span>' in page
    assert '<span class="badge not-verifiable">not-verifiable</span>' in page
    assert 'data-summary="refuted"><div class="value">1<' in page


def test_refuted_decisions_come_first_in_markdown(verified_document: dict[str, Any]) -> None:
    markdown = render_markdown(verified_document, {"pkg/mod.py": SOURCE}, docs_base=DOCS)
    assert markdown.index("Refuted by verification: 1 decision") < markdown.index("## Summary")
    assert "- [`broken`](#fn-pkg-mod-py-broken)" in markdown
    assert "### `fast` — hybridize · safe · verified, 2.50x" in markdown
    assert "❌ refuted" in markdown


def test_without_verification_there_is_no_verification_section() -> None:
    page = render_html(document(function("plain")), docs_base=DOCS)
    assert 'id="refuted"' not in page
    assert "badge verified" not in page


# -- escaping ------------------------------------------------------------------------------------
def test_hostile_text_is_escaped_in_html_and_markdown() -> None:
    hostile = '<script>alert("x")</script> & <img src=x>'
    doc = document(
        function(
            "Weird.<lambda>",
            reasons=("python-side-effects",),
            assumptions=(assumption("unmodelled-call", claim=hostile),),
        )
    )
    doc["functions"][0]["decision"]["proof"]["premises"][0]["claim"] = hostile
    source = "x = '<script>'\n" * 20
    page = render_html(doc, {"pkg/mod.py": source}, docs_base='"><script>')
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x&gt;" in page
    assert "<code>Weird.&lt;lambda&gt;</code>" in page
    markdown = render_markdown(doc, {"pkg/mod.py": source}, docs_base=DOCS)
    assert "<script>" not in markdown.replace("x = '<script>'", "")
    assert r"\<script\>alert" in markdown


def test_markdown_text_and_code_escape_what_would_be_markup() -> None:
    assert text("a_b snake_case *bold* [x](y) <b> a|b") == (
        r"a_b snake_case \*bold\* \[x\](y) \<b\> a\|b"
    )
    assert text("_under_") == r"\_under\_"
    assert text("# not a heading") == r"\# not a heading"
    assert text("1. not a list") == r"1\. not a list"
    assert code("a`b") == "``a`b``"
    assert code("`x`") == "`` `x` ``"
    assert code("a|b") == r"`a\|b`"


# -- forward compatibility and edge cases --------------------------------------------------------
def test_unknown_reason_and_assumption_kind_are_shown_not_dropped() -> None:
    doc = document(
        function(
            "future",
            reasons=("reason-from-the-future",),
            assumptions=(assumption("kind-from-the-future"),),
        )
    )
    report = build_report(doc)
    kinds = [entry.kind for entry in report.inventory]
    assert kinds[: len(AssumptionKind)] == [kind.value for kind in AssumptionKind]
    assert kinds[-1] == "kind-from-the-future"
    page = render_html(doc, docs_base=DOCS)
    assert f'href="{DOCS}/reasons/reason-from-the-future.md"' in page
    assert 'id="assumption-kind-from-the-future"' in page


def test_every_assumption_kind_has_an_explanation() -> None:
    assert set(ASSUMPTION_EXPLANATIONS) == {kind.value for kind in AssumptionKind}
    assert all(len(text.split()) >= 15 for text in ASSUMPTION_EXPLANATIONS.values())


def test_empty_project_renders() -> None:
    doc = document(seconds=None)
    page = render_html(doc, docs_base=DOCS)
    assert "No refactoring applies." in page
    assert "(nothing to show)" in page
    assert 'data-summary="seconds"' not in page
    assert "No refactoring applies." in render_markdown(doc, docs_base=DOCS)


def test_inventory_counts_and_links_dependent_decisions() -> None:
    doc = document(
        function("a", assumptions=(assumption("type-hint"), assumption("type-hint")), line=2),
        function("b", applicable=False, assumptions=(assumption("type-hint"),), line=9),
        function("c", line=14),
    )
    entry = next(e for e in build_report(doc).inventory if e.kind == "type-hint")
    assert entry.count == 3
    assert [(ref.qualname, ref.applicable) for ref in entry.decisions] == [
        ("a", True),
        ("b", False),
    ]
    assert entry.discharges == ("discharge type-hint like this",)
    assert "call the function from analysed code" in entry.explanation


def test_rendering_is_deterministic(verified_document: dict[str, Any]) -> None:
    sources = {"pkg/mod.py": SOURCE}
    again = copy.deepcopy(verified_document)
    assert render_html(verified_document, sources, docs_base=DOCS) == render_html(
        again, dict(sources), docs_base=DOCS
    )
    assert render_markdown(verified_document, sources, docs_base=DOCS) == render_markdown(
        again, dict(sources), docs_base=DOCS
    )


def test_docs_base_trailing_slash_does_not_double() -> None:
    page = render_html(document(function("f", reasons=("recursion",))), docs_base="docs/")
    assert 'href="docs/reasons/recursion.md"' in page


# -- snippets ------------------------------------------------------------------------------------
def test_snippets_merge_nearby_lines_and_skip_what_is_not_there() -> None:
    sources = {"a.py": SOURCE, "b.py": "only = 1\n"}
    found = snippets(
        sources, ["a.py:10:1", "a.py:11:4", "b.py:1:1", "a.py:2:1", "b.py:9:1", "c.py:1:1", "x"]
    )
    assert [(s.path, s.marked, s.lines[0].number, s.lines[-1].number) for s in found] == [
        ("a.py", (10, 11), 8, 13),
        ("b.py", (1,), 1, 1),
        ("a.py", (2,), 1, 4),
    ]
    assert found[0].title == "a.py, lines 10, 11"


def test_snippet_budget_limits_and_never_repeats_a_line() -> None:
    budget = SnippetBudget({"a.py": SOURCE}, limit=2)
    assert len(budget.take(["a.py:3:1"])) == 1
    assert budget.take(["a.py:3:9"]) == []
    assert len(budget.take(["a.py:10:1", "a.py:18:1"])) == 1
    assert budget.take(["a.py:15:1"]) == []


def test_snippets_appear_in_html_with_line_numbers() -> None:
    page = render_html(document(function("f", line=5)), {"pkg/mod.py": SOURCE}, docs_base=DOCS)
    assert '<span class="line mark"><span class="number">5</span>line_5 = 5</span>' in page
    assert '<span class="line mark"><span class="number">6</span>line_6 = 6</span>' in page
    assert '<span class="line"><span class="number">3</span>line_3 = 3</span>' in page


# -- charts --------------------------------------------------------------------------------------
def test_bar_chart_is_valid_accessible_svg() -> None:
    svg = bar_chart(
        "c1",
        "Title & <more>",
        "Description",
        [Bar("first", (3, 1), "#a"), Bar("a-very-long-label-" * 4, (0, 2)), Bar("zero", (0, 0))],
        [Series("yes", "#2da44e"), Series("no", "#bf8700")],
    )
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    title = root.find(f"{ns}title")
    assert title is not None and title.text == "Title & <more>"
    labels = [t.text for t in root.iter(f"{ns}text")]
    assert "first" in labels and "zero" in labels and "4" in labels and "0" in labels
    assert any(label and label.endswith("…") for label in labels)
    rows = root.findall(f"{ns}g")
    first_title = rows[0].find(f"{ns}title")
    assert first_title is not None and first_title.text == "first: 4, 3 yes, 1 no"
    widths = [float(rect.get("width", 0)) for rect in root.iter(f"{ns}rect")]
    assert len(widths) == 2 + 3  # legend swatches, then the non-zero segments
    assert svg == bar_chart(
        "c1",
        "Title & <more>",
        "Description",
        [Bar("first", (3, 1), "#a"), Bar("a-very-long-label-" * 4, (0, 2)), Bar("zero", (0, 0))],
        [Series("yes", "#2da44e"), Series("no", "#bf8700")],
    )
