"""Decisions on the example project and on small programs, through the API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hybridize import cli
from hybridize.api import analyze

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def decisions() -> dict[str, tuple[str, bool, tuple[str, ...], str]]:
    result = analyze([EXAMPLES])
    table = {}
    for facts in result.functions:
        decision = result.decisions[facts.id]
        table[facts.qualname] = (
            decision.kind.value,
            decision.applicable,
            decision.reasons,
            decision.safety.value,
        )
    return table


def test_good_candidate_is_hybridized(
    decisions: dict[str, tuple[str, bool, tuple[str, ...], str]],
) -> None:
    assert decisions["train_step"][:2] == ("hybridize", True)


def test_python_only_tf_function_is_dehybridized(
    decisions: dict[str, tuple[str, bool, tuple[str, ...], str]],
) -> None:
    kind, applicable, reasons, _ = decisions["total_steps"]
    assert (kind, applicable) == ("dehybridize", True)
    assert "no-tensor-parameters" in reasons


def test_retracing_tf_function_is_reconfigured(
    decisions: dict[str, tuple[str, bool, tuple[str, ...], str]],
) -> None:
    assert decisions["eval_step"] == (
        "reconfigure",
        True,
        ("shape-retracing", "non-tensor-parameter"),
        "safe",
    )


def test_side_effects_block_hybridization(
    decisions: dict[str, tuple[str, bool, tuple[str, ...], str]],
) -> None:
    kind, applicable, reasons, _ = decisions["report_step"]
    assert kind == "hybridize" and not applicable
    assert {"python-side-effects", "eager-only-call"} <= set(reasons)


def test_all_safety_reasons_are_reported(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import tensorflow as tf\n\n"
        "def step(x, n):\n"
        "    print(float(x[0]))\n"
        "    if n == 0:\n"
        "        return x\n"
        "    return step(x * 2, n - 1)\n\n"
        "for i in range(100):\n"
        "    step(tf.ones([2]), i)\n",
        encoding="utf-8",
    )
    result = analyze([tmp_path])
    decision = result.decisions[result.function("step").id]
    assert not decision.applicable
    assert {"python-side-effects", "eager-only-call", "recursion"} <= set(decision.reasons)


def test_unmodelled_call_makes_a_decision_conditional(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import tensorflow as tf\nimport somelib\n\n"
        "def step(x, w):\n"
        "    somelib.note(x)\n"
        "    for _ in range(3):\n"
        "        x = tf.nn.relu(tf.matmul(x, w))\n"
        "    return tf.reduce_sum(x)\n\n"
        "for _ in range(10):\n"
        "    step(tf.ones([2, 2]), tf.ones([2, 2]))\n",
        encoding="utf-8",
    )
    result = analyze([tmp_path])
    decision = result.decisions[result.function("step").id]
    assert decision.kind.value == "hybridize" and decision.applicable
    assert decision.safety.value == "conditional"
    assert any(a.kind.value == "unmodelled-call" for a in decision.proof.assumptions)


def test_check_exit_codes_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(EXAMPLES)]) == 1
    out = capsys.readouterr().out
    assert "hybridize train_step" in out and "dehybridize total_steps" in out
    assert cli.main(["check", str(EXAMPLES), "--exit-zero"]) == 0
    capsys.readouterr()
    assert cli.main(["check", str(EXAMPLES), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    step = next(f for f in data["functions"] if f["qualname"] == "train_step")
    assert step["decision"]["kind"] == "hybridize" and step["decision"]["applicable"] is True


def test_check_exit_zero_when_nothing_applies(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("def f(a, b):\n    return a + b\n\nf(1, 2)\n")
    assert cli.main(["check", str(tmp_path)]) == 0


def test_explain_prints_the_proof(capsys: pytest.CaptureFixture[str]) -> None:
    target = EXAMPLES / "mnist_trainer" / "train.py"
    assert cli.main(["explain", f"{target}::train_step"]) == 0
    out = capsys.readouterr().out
    assert "decision: hybridize, applicable" in out
    assert "premises:" in out and "assumptions:" in out and "called in a loop" in out


def test_explain_uses_the_settings_check_uses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``explain`` decides with the same settings as ``check``: flags and [tool.hybridize]."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.hybridize]\nignore = ["python-side-effects"]\n', encoding="utf-8"
    )
    (tmp_path / "m.py").write_text(
        "import tensorflow as tf\n\n@tf.function\ndef f(n):\n    print('traced')\n"
        "    return n * 2\n\nfor i in range(100):\n    f(i)\n",
        encoding="utf-8",
    )
    assert cli.main(["explain", f"{tmp_path / 'm.py'}::f"]) == 0
    assert "decision: dehybridize, applicable, conditional" in capsys.readouterr().out
    assert cli.main(["explain", f"{tmp_path / 'm.py'}::f", "--isolated"]) == 0
    assert "decision: dehybridize, not applicable" in capsys.readouterr().out


def test_explain_bad_target_is_a_clean_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["explain", "no-separator"]) == 2
    assert "expected PATH::QUALNAME" in capsys.readouterr().err


def test_disabling_a_safety_reason_makes_decisions_conditional(tmp_path: Path) -> None:
    from hybridize.api import Config

    (tmp_path / "m.py").write_text(
        "import tensorflow as tf\n\n"
        "def step(x, w):\n"
        "    print('step')\n"
        "    for _ in range(3):\n"
        "        x = tf.nn.relu(tf.matmul(x, w))\n"
        "    return tf.reduce_sum(x)\n\n"
        "def _main():\n"
        "    for _ in range(10):\n"
        "        step(tf.ones([2, 2]), tf.ones([2, 2]))\n\n"
        "_main()\n",
        encoding="utf-8",
    )
    strict = analyze([tmp_path])
    assert "python-side-effects" in strict.decisions[strict.function("step").id].reasons
    relaxed = analyze([tmp_path], Config(ignore=("python-side-effects",)))
    decision = relaxed.decisions[relaxed.function("step").id]
    assert decision.applicable and decision.safety.value == "conditional"
    assert any(a.kind.value == "configuration" for a in decision.proof.assumptions)


def test_disabling_a_keep_reason_makes_dehybridize_conditional(tmp_path: Path) -> None:
    """Removing a decorator that a keep reason (side effects here) protects rests on the user's
    word once that check is off: conditional, with a configuration assumption."""
    from hybridize.api import Config

    (tmp_path / "m.py").write_text(
        "import tensorflow as tf\n\n"
        "@tf.function\n"
        "def f(n):\n"
        "    print('traced')\n"
        "    return n * 2\n\n"
        "for i in range(100):\n"
        "    f(i)\n",
        encoding="utf-8",
    )
    strict = analyze([tmp_path])
    kept = strict.decisions[strict.function("f").id]
    assert kept.kind.value == "dehybridize" and not kept.applicable
    relaxed = analyze([tmp_path], Config(ignore=("python-side-effects",)))
    decision = relaxed.decisions[relaxed.function("f").id]
    assert decision.applicable and decision.safety.value == "conditional"
    assert [a.id for a in decision.proof.assumptions if a.kind.value == "configuration"] == [
        "configuration:python-side-effects"
    ]


def test_unknown_reason_ids_are_user_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(EXAMPLES), "--ignore", "no-such-reason"]) == 2
    assert "--ignore: unknown reason id 'no-such-reason'" in capsys.readouterr().err


def test_only_the_outermost_function_is_hybridized(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import tensorflow as tf\n\n"
        "def layer(x, w):\n"
        "    for _ in range(3):\n"
        "        x = tf.nn.relu(tf.matmul(x, w))\n"
        "    return x\n\n"
        "def step(x, w):\n"
        "    y = layer(x, w)\n"
        "    return tf.reduce_sum(layer(y, w))\n\n"
        "def _loop():\n"
        "    for _ in range(10):\n"
        "        step(tf.ones([2, 2]), tf.ones([2, 2]))\n\n"
        "_loop()\n",
        encoding="utf-8",
    )
    result = analyze([tmp_path])
    step = result.decisions[result.function("step").id]
    inner = result.decisions[result.function("layer").id]
    assert step.kind.value == "hybridize" and step.applicable
    assert not inner.applicable and inner.reasons == ("already-traced-by-callers",)
