"""``hybridize verify`` end to end: real programs under TensorFlow, in child processes.

Each test copies a project from ``fixtures/`` (or ``examples/``) and verifies its decisions. The
children take a few seconds each (importing TensorFlow), so the projects are tiny and decisions
run two at a time; the example project's training runs are ``slow``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hybridize import cli
from hybridize.api import Config, analyze
from hybridize.verify import NOT_VERIFIABLE, REFUTED, VERIFIED

pytestmark = [
    pytest.mark.tf,
    pytest.mark.skipif(
        importlib.util.find_spec("tensorflow") is None, reason="needs TensorFlow installed"
    ),
]

SIDE_EFFECTS = Config(ignore=("python-side-effects", "eager-only-call"))


def by_name(verifications: list) -> dict:  # type: ignore[type-arg]
    return {v.qualname: v for v in verifications}


def test_wrong_refactorings_are_refuted_and_never_fixed(
    copy_project: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """With the side-effect checks switched off, the analysis proposes (conditional) hybridize
    decisions that change what the program does: a print and a global list append that run once
    per trace instead of once per call, and ``.numpy()`` on a symbolic tensor. The program also
    prints timings, which differ between any two runs: they refute nothing, so ``affine``, which
    tf.function does not change, is verified."""
    root = copy_project("side_effects")
    result = analyze([root], SIDE_EFFECTS)
    assert {f.qualname: d.safety.value for f, d in result.applicable} == {
        "scale": "conditional",
        "norm": "conditional",
        "affine": "conditional",
    }
    found = by_name(result.verify(jobs=4))
    scale, norm, affine = found["scale"], found["norm"], found["affine"]
    assert scale.status == REFUTED and not scale.cached
    assert scale.detail.startswith(
        "print calls: 19 in the original, 14 after hybridize "
        "(#4 is 'scaling a batch' in the original, 'step 1: norm 0.000, affine 196.0' after "
        "hybridize); module global scaling.py:CALLS is list[1, 1, 1, 1, 1, 1] in the original, "
        "list[1] after hybridize"
    )
    assert norm.status == REFUTED
    assert norm.detail.startswith(
        "call 1: the original returned, after hybridize it raised AttributeError: "
        "'SymbolicTensor' object has no attribute 'numpy'; the program fails after hybridize"
    )
    assert affine.status == VERIFIED, affine.detail
    assert re.fullmatch(
        r"same results over 6 calls, traced once \(\d differences set aside: they occur between "
        r"two runs of the original too\)",
        affine.detail,
    ), affine.detail

    # The outcomes are cached: check shows them, fix --unsafe leaves the refuted ones alone.
    check = json.loads(analyze([root], SIDE_EFFECTS).to_json())
    shown = {f["qualname"]: f["decision"]["verification"]["status"] for f in check["functions"]}
    assert shown == {"scale": REFUTED, "norm": REFUTED, "affine": VERIFIED}

    # The command line reads [tool.hybridize], decides the same and reuses the outcomes.
    assert cli.main(["verify", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" — ")[0] for line in lines[:3]] == [
        "scaling.py:9:1: refuted hybridize scale",
        "scaling.py:16:1: refuted hybridize norm",
        "scaling.py:21:1: verified hybridize affine",
    ]
    assert all(line.endswith("[cached]") for line in lines[:3])
    assert lines[3] == "3 applicable decisions: 1 verified, 2 refuted, 0 not verifiable (3 cached)"
    assert cli.main(["fix", "--unsafe", str(root)]) == 0  # [tool.hybridize] ignores the checks
    fixed = (root / "scaling.py").read_text(encoding="utf-8")
    assert "@tf.function\ndef affine(" in fixed
    assert "@tf.function\ndef scale(" not in fixed and "@tf.function\ndef norm(" not in fixed
    assert (
        "Fixed 1 function in 1 file; 2 refactorings refuted by `hybridize verify` not applied"
        in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("fixture", "timeout", "detail"),
    [
        (
            "crash_at_import",
            60.0,
            "the program run.py failed in the original: RuntimeError: settings.toml is missing",
        ),
        (
            "import_error",
            60.0,
            "the program run.py failed in the original: ModuleNotFoundError: No module named "
            "'hybridize_verify_fixture_missing_dependency'",
        ),
        ("hang", 1.5, "the program run.py did not finish within 1.5 s in the original"),
    ],
)
def test_a_failing_program_is_reported_per_decision(
    copy_project: Callable[[str], Path], fixture: str, timeout: float, detail: str
) -> None:
    root = copy_project(fixture)
    temporary = Path(tempfile.gettempdir())
    before = set(temporary.glob("hybridize-verify-*"))
    started = time.perf_counter()
    (verification,) = analyze([root]).verify(timeout=timeout)
    assert time.perf_counter() - started < timeout + 20
    assert (verification.qualname, verification.status) == ("affine", NOT_VERIFIABLE)
    assert verification.detail == detail
    assert not (root / ".hybridize_cache").exists(), "a failing program's outcome is not cached"
    assert set(temporary.glob("hybridize-verify-*")) <= before, "temporary copies are removed"


def test_without_an_entry_program_inputs_are_generated_and_results_cached(
    copy_project: Callable[[str], Path],
) -> None:
    root = copy_project("generated")
    found = by_name(analyze([root]).verify(jobs=2))
    normalise, count = found["normalise"], found["count"]
    assert normalise.status == VERIFIED, normalise.detail
    assert normalise.detail.startswith(
        "no entry program calls it; same results on 10 inputs generated by hypothesis, traced "
    )
    assert normalise.speedup is not None and normalise.speedup > 0
    assert count.status == VERIFIED, count.detail
    assert count.detail == (
        "no entry program calls it; same results on 1 input generated by hypothesis "
        "(it was traced once before)"
    )

    started = time.perf_counter()
    again = by_name(analyze([root]).verify(jobs=2))
    assert time.perf_counter() - started < 3.0
    assert all(v.cached for v in again.values())
    assert {name: (v.status, v.detail) for name, v in again.items()} == {
        name: (v.status, v.detail) for name, v in found.items()
    }


@pytest.mark.slow
def test_the_example_project_is_verified(copy_project: Callable[[str], Path]) -> None:
    """The acceptance run: every safe decision of ``examples/`` keeps the training results."""
    root = copy_project("examples")
    result = analyze([root])
    safe = {f.id: d.kind.value for f, d in result.applicable if d.safety.value == "safe"}
    assert safe == {
        "mnist_trainer/train.py::train_step": "hybridize",
        "mnist_trainer/train.py::total_steps": "dehybridize",
        "mnist_trainer/train.py::eval_step": "reconfigure",
    }
    found = {v.function_id: v for v in result.verify(jobs=2)}
    for function_id in safe:
        assert found[function_id].status == VERIFIED, (function_id, found[function_id].detail)
    assert found["mnist_trainer/train.py::train_step"].detail.startswith(
        "same results over 8 calls, traced "
    )
    assert found["mnist_trainer/train.py::eval_step"].detail == (
        "same results over 2 calls, traced once (once before)"
    )
    assert found["mnist_trainer/train.py::total_steps"].detail == (
        "same results over 1 call (it was traced once before)"
    )
