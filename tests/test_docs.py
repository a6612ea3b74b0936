"""The generated reference docs (``docs/reasons/``, ``docs/assumptions.md``) are up to date with
the rule registry, complete, linked, and the check that says so can fail.

``scripts/generate_docs.py`` is imported from its file (``scripts/`` is not a package); its
``generate``/``check``/``write`` functions take the docs directory, so the failure cases run on a
copy in a temporary directory and never touch ``docs/``.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import attrs
import pytest

from hybridize.refactor.model import AssumptionKind
from hybridize.refactor.registry import all_rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCRIPT = ROOT / "scripts" / "generate_docs.py"
REGENERATE = "python scripts/generate_docs.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate_docs", module)
    spec.loader.exec_module(module)
    return module


generate_docs = _load_script()


@pytest.fixture(scope="module")
def expected() -> dict[str, str]:
    result: dict[str, str] = generate_docs.generate()
    return result


def test_docs_are_up_to_date(expected: dict[str, str]) -> None:
    problems = generate_docs.check(DOCS, expected)
    assert problems == [], f"run `{REGENERATE}`:\n" + "\n".join(problems)


def test_generation_is_deterministic(expected: dict[str, str]) -> None:
    assert generate_docs.generate() == expected


def test_every_reason_id_has_a_page_linked_from_the_index(expected: dict[str, str]) -> None:
    index = expected["reasons/README.md"]
    linked = set(re.findall(r"\]\(([a-z0-9-]+)\.md\)", index))
    for reason, rule in all_rules().items():
        page = expected.get(f"reasons/{reason}.md")
        assert page is not None, f"no page for {reason}"
        assert page.startswith(f"# `{reason}`: {generate_docs._plain(rule.summary)}\n")
        assert reason in linked, f"the index does not link {reason}.md"
        assert (DOCS / "reasons" / f"{reason}.md").is_file()
    pages = {path.stem for path in (DOCS / "reasons").glob("*.md") if path.name != "README.md"}
    assert pages == set(all_rules()) == linked


def test_pages_have_every_section(expected: dict[str, str]) -> None:
    for reason in all_rules():
        page = expected[f"reasons/{reason}.md"]
        for heading in (
            "## What",
            "## Why",
            "## Example",
            "## How to fix",
            "## Assumptions",
            "### Fires on",
            "### Stays silent on",
            "## Suppressing it",
            "## TensorFlow behaviour",
        ):
            assert f"\n{heading}\n" in page, f"{reason}: no {heading!r}"
        assert f"# hybridize: ignore[{reason}]" in page
        assert f"--ignore {reason}" in page
        assert "```python\n" in page.split("## Example\n", 1)[1]


def test_behaviour_tests_are_linked() -> None:
    page = (DOCS / "reasons" / "python-side-effects.md").read_text(encoding="utf-8")
    assert "../../tests/tf_behaviour/test_python_side_effects.py" in page
    assert "../../tests/tf_behaviour/test_dehybridize_side_effects.py" in page
    # a module named after the id counts even when the README's table does not list it
    page = (DOCS / "reasons" / "keras-call-method.md").read_text(encoding="utf-8")
    assert "../../tests/tf_behaviour/test_keras_call_method.py" in page


def test_every_assumption_kind_is_documented(expected: dict[str, str]) -> None:
    text = expected["assumptions.md"]
    for kind in AssumptionKind:
        assert f"\n## {kind.value}\n" in text, kind
        section = text.split(f"\n## {kind.value}\n", 1)[1].split("\n## ", 1)[0]
        for part in ("**What it means.**", "**When it arises.**", "**How to discharge it.**"):
            assert part in section, (kind, part)


def _markdown_links(text: str) -> Iterator[str]:
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if not re.match(r"[a-z]+:", target):  # not http:, mailto:, ...
            yield target


def test_relative_links_resolve() -> None:
    pages = sorted(DOCS.rglob("*.md"))
    assert DOCS / "guide.md" in pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in _markdown_links(text):
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            assert resolved.exists(), f"{page.relative_to(ROOT)}: broken link {target}"
            if anchor and resolved.suffix == ".md":
                headings = resolved.read_text(encoding="utf-8")
                slugs = {
                    re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                    for h in re.findall(r"^#+ (.+)$", headings, flags=re.MULTILINE)
                }
                assert anchor in slugs, f"{page.relative_to(ROOT)}: no anchor {target}"


def test_guide_links_the_reference() -> None:
    guide = (DOCS / "guide.md").read_text(encoding="utf-8")
    assert "reasons/README.md" in guide
    assert "assumptions.md" in guide


# --- the check can fail ----------------------------------------------------------------------


def test_check_reports_stale_missing_and_extra_files(
    tmp_path: Path, expected: dict[str, str]
) -> None:
    generate_docs.write(tmp_path, expected)
    assert generate_docs.check(tmp_path, expected) == []

    stale = tmp_path / "reasons" / "recursion.md"
    stale.write_text(stale.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    (tmp_path / "assumptions.md").unlink()
    (tmp_path / "reasons" / "no-such-reason.md").write_text("# old\n", encoding="utf-8")

    problems = generate_docs.check(tmp_path, expected)
    assert len(problems) == 3, problems
    assert any(p.endswith("reasons/recursion.md: stale") for p in problems)
    assert any(p.endswith("assumptions.md: missing") for p in problems)
    assert any("reasons/no-such-reason.md: extra" in p for p in problems)
    assert all("\n" not in p for p in problems)

    generate_docs.write(tmp_path, expected)  # repairs, and deletes the extra page
    assert generate_docs.check(tmp_path, expected) == []
    assert not (tmp_path / "reasons" / "no-such-reason.md").exists()


def test_main_check_exit_codes(
    tmp_path: Path, expected: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    generate_docs.write(tmp_path, expected)
    assert generate_docs.main(["--check", "--output", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""

    page = tmp_path / "reasons" / "README.md"
    page.write_text(page.read_text(encoding="utf-8").replace("safety", "safty"), "utf-8")
    assert generate_docs.main(["--check", "--output", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip().endswith("reasons/README.md: stale")
    assert REGENERATE in captured.err


def test_undocumented_assumption_kind_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = dict(generate_docs.ASSUMPTION_DOCS)
    del docs["type-hint"]
    monkeypatch.setattr(generate_docs, "ASSUMPTION_DOCS", docs)
    with pytest.raises(generate_docs.DocsError, match="type-hint"):
        generate_docs.render_assumptions()


def test_docstring_without_a_section_fails_loudly() -> None:
    rule = all_rules()["recursion"]
    broken = attrs.evolve(rule, doc=re.sub(r"\nWhy:", "\nReason:", rule.doc))
    with pytest.raises(generate_docs.DocsError, match=r"recursion: .*Why"):
        generate_docs.parse_rule_doc(broken)
