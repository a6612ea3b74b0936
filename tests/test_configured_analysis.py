"""What ``entry-points`` and ``assume-pure`` change in facts and proofs."""

from __future__ import annotations

from pathlib import Path

from hybridize.api import Config, Result, analyze
from hybridize.lattice.tri import Tri
from hybridize.refactor.model import AssumptionKind

CALLBACK = """\
import tensorflow as tf


class Trainer:
    def train_step(self, x):
        y = tf.matmul(x, x)
        y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
        return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)

    def _helper(self, x):
        return x
"""

LOGGING = """\
import tensorflow as tf
import metrics_sink


def _step(x):
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    metrics_sink.record(y)
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def _loop():
    for _ in range(10):
        _step(tf.ones([2, 2]))
"""


def _run(tmp_path: Path, source: str, config: Config) -> Result:
    (tmp_path / "mod.py").write_text(source, encoding="utf-8")
    return analyze([tmp_path], config)


def test_entry_point_counts_as_called_repeatedly(tmp_path: Path) -> None:
    plain = _run(tmp_path, CALLBACK, Config()).function("Trainer.train_step")
    assert plain.fact("called_repeatedly") is Tri.MAYBE
    result = _run(tmp_path, CALLBACK, Config(entry_points=("Trainer.train_*",)))
    facts = result.function("Trainer.train_step")
    assert facts.fact("called_repeatedly") is Tri.YES
    assert facts.evidence["called_repeatedly"][0].detail.startswith("an entry point")
    assert result.function("Trainer._helper").fact("called_repeatedly") is Tri.MAYBE
    by_path = _run(tmp_path, CALLBACK, Config(entry_points=("mod.py::Trainer.train_step",)))
    assert by_path.function("Trainer.train_step").fact("called_repeatedly") is Tri.YES


def test_assume_pure_turns_an_assumption_into_a_premise(tmp_path: Path) -> None:
    plain = _run(tmp_path, LOGGING, Config())
    facts = plain.function("_step")
    decision = plain.decision(facts)
    kinds = {a.kind for a in decision.proof.assumptions}
    assert AssumptionKind.UNMODELLED_CALL in kinds or not decision.applicable

    declared = _run(tmp_path, LOGGING, Config(assume_pure=("metrics_sink.*",)))
    facts = declared.function("_step")
    decision = declared.decision(facts)
    assert decision.applicable, decision.reasons
    assert decision.safety.value == "safe"
    claims = [premise.claim for premise in decision.proof.premises]
    assert any("metrics_sink.record has no side effects" in claim for claim in claims)
    assert facts.fact("python_side_effects") is Tri.NO
