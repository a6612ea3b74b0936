"""Tests generated from every rule's VALID / INVALID examples, plus registry invariants."""

from __future__ import annotations

from pathlib import Path

import pytest

from hybridize.api import analyze
from hybridize.refactor.registry import RuleContext, Settings, all_rules

RULES = all_rules()
CASES = [
    (rule_id, kind, index, source)
    for rule_id, rule in RULES.items()
    for kind, examples in (("valid", rule.valid), ("invalid", rule.invalid))
    for index, source in enumerate(examples)
]


def _finding(rule_id: str, source: str, tmp_path: Path) -> object:
    path = tmp_path / "case.py"
    path.write_text(source, encoding="utf-8")
    result = analyze([path])
    first = source.splitlines()[0]
    qualname = first.split(":", 1)[1].strip() if first.startswith("# target:") else "target"
    facts = result.function(qualname)
    context = RuleContext(Settings(), {f.id: f for f in result.functions})
    return RULES[rule_id].check(facts, context)


@pytest.mark.parametrize(
    ("rule_id", "kind", "index", "source"), CASES, ids=[f"{c[0]}-{c[1]}{c[2]}" for c in CASES]
)
def test_rule_examples(rule_id: str, kind: str, index: int, source: str, tmp_path: Path) -> None:
    finding = _finding(rule_id, source, tmp_path)
    if kind == "valid":
        assert finding is None, f"{rule_id} fired on its VALID example {index}: {finding}"
    else:
        assert finding is not None, f"{rule_id} stayed silent on its INVALID example {index}"
        assert getattr(finding, "reason", None) == rule_id


def test_every_rule_has_examples_and_documented_sections() -> None:
    for rule_id, rule in RULES.items():
        assert rule.valid and rule.invalid, f"{rule_id} needs VALID and INVALID examples"
        for section in ("What:", "Why:", "Example::", "How to fix:", "Assumptions:"):
            assert section in rule.doc, f"{rule_id}: docstring lacks {section!r}"
        assert rule.doc.startswith(f"``{rule_id}``"), f"{rule_id}: docstring must name its id"


def test_rule_ids_are_kebab_case_and_unique() -> None:
    for rule_id in RULES:
        assert rule_id == rule_id.lower() and " " not in rule_id and "_" not in rule_id
    assert len(RULES) == len({r.id for r in RULES.values()})
