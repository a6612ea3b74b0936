"""``# hybridize: ignore[...]`` comments: what they suppress, and when they are unused.

Each case is a module, the function it targets, and what the decision must look like with the
comment in place: applicable or not, the suppression ids recorded as unused, the reasons.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from hybridize.api import Config, Result, analyze
from hybridize.refactor.model import AssumptionKind
from hybridize.report.text import is_suppressed, unused_suppressions
from hybridize.transfer.facts import FunctionFacts

HYBRIDIZABLE = """\
import tensorflow as tf


def train(x):{comment}
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def _loop():
    for _ in range(10):
        train(tf.ones([2, 2]))
"""

SIDE_EFFECT = """\
import tensorflow as tf


def train(x):{comment}
    print("step")
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def _loop():
    for _ in range(10):
        train(tf.ones([2, 2]))
"""

DEHYBRIDIZABLE = """\
import tensorflow as tf


@tf.function{comment}
def total(a, b):
    return a * b


def _loop():
    for i in range(3):
        total(i, 4)
"""


@attrs.frozen
class Case:
    name: str
    template: str
    comment: str
    applicable: bool
    unused: tuple[str, ...]
    suppressed: bool  # shown as "suppressed" in check --all


IGNORE = "  # hybridize: ignore"
HYB, SIDE, DEHYB = HYBRIDIZABLE, SIDE_EFFECT, DEHYBRIDIZABLE

CASES = [
    Case("no-comment", HYB, "", True, (), False),
    Case("bare", HYB, IGNORE, False, (), True),
    Case("kind", HYB, IGNORE + "[hybridize]", False, (), True),
    Case("spacing", HYB, "  #hybridize:ignore[ hybridize ]", False, (), True),
    Case("other-kind", HYB, IGNORE + "[dehybridize]", True, ("dehybridize",), False),
    Case("reason-not-firing", HYB, IGNORE + "[recursion]", True, ("recursion",), False),
    Case("unknown-id", HYB, IGNORE + "[no-such-rule]", True, ("no-such-rule",), False),
    Case("bare-unused", SIDE, IGNORE, False, ("*",), False),
    Case("safety-reason", SIDE, IGNORE + "[python-side-effects]", True, (), False),
    Case("dehybridize-bare", DEHYB, IGNORE, False, (), True),
    Case("dehybridize-kind", DEHYB, IGNORE + "[dehybridize]", False, (), True),
    Case("dehybridize-other", DEHYB, IGNORE + "[hybridize]", True, ("hybridize",), False),
]  # fmt: skip


def _analyse(tmp_path: Path, source: str) -> tuple[Result, FunctionFacts]:
    (tmp_path / "mod.py").write_text(source, encoding="utf-8")
    result = analyze([tmp_path], Config())
    facts = next(f for f in result.functions if f.name in ("train", "total"))
    return result, facts


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_suppression(case: Case, tmp_path: Path) -> None:
    result, facts = _analyse(tmp_path, case.template.format(comment=case.comment))
    decision = result.decisions[facts.id]
    assert decision.applicable is case.applicable, decision.reasons
    if not case.comment:
        assert decision.suppression is None
        return
    assert decision.suppression is not None
    assert decision.suppression.unused == case.unused
    assert is_suppressed(decision) is case.suppressed
    reported = unused_suppressions(result.functions, result.decisions)
    assert bool(reported) is bool(case.unused)


def test_suppressing_a_safety_reason_makes_the_decision_conditional(tmp_path: Path) -> None:
    """Switching a safety check off for one function rests the decision on the user's word."""
    source = SIDE_EFFECT.format(comment=IGNORE + "[python-side-effects]")
    result, facts = _analyse(tmp_path, source)
    decision = result.decisions[facts.id]
    assert decision.applicable
    assert decision.safety.value == "conditional"
    configuration = [
        a for a in decision.proof.assumptions if a.kind is AssumptionKind.CONFIGURATION
    ]
    assert [a.id for a in configuration] == ["configuration:python-side-effects"]
    assert configuration[0].at is not None and configuration[0].at.line == 4


def test_comment_on_a_decorator_line_counts(tmp_path: Path) -> None:
    source = DEHYBRIDIZABLE.replace("@tf.function{comment}", "@tf.function  # hybridize: ignore")
    result, facts = _analyse(tmp_path, source)
    assert not result.decisions[facts.id].applicable


def test_marker_inside_a_string_is_not_a_suppression(tmp_path: Path) -> None:
    source = HYBRIDIZABLE.format(comment="").replace(
        "    y = tf.matmul(x, x)", '    y = tf.matmul(x, x)\n    _ = "# hybridize: ignore"', 1
    )
    source = source.replace("def train(x):", 'def train(x, note="# hybridize: ignore"):')
    _, facts = _analyse(tmp_path, source)
    assert facts.suppression is None


def test_suppression_in_json(tmp_path: Path) -> None:
    source = HYBRIDIZABLE.format(comment=IGNORE + "[x-y]")
    result, _ = _analyse(tmp_path, source)
    data = result.to_dict()
    entry = next(f for f in data["functions"] if f["name"] == "train")
    assert entry["decision"]["suppression"] == {
        "at": "mod.py:4:1",
        "ids": ["x-y"],
        "unused": ["x-y"],
        "unknown": ["x-y"],
    }
