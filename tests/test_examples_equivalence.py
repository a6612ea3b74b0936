"""Acceptance: applying the ``safe`` decisions to ``examples/`` keeps the training results.

The example project is analysed (a temporary copy of it), every applicable decision whose safety
is ``safe`` is applied to the copy's source text -- ``hybridize`` adds ``@tf.function`` directly
above the ``def``, ``dehybridize`` removes the function's ``@tf.function`` / ``@tf.function(...)``
decorator -- and then the original and the rewritten project each train in a fresh interpreter
with the same seeds (a small driver mirroring ``examples/run_training.py``). Both must succeed
and agree, within float tolerance, on the per-step losses printed by ``report_step``, the per-epoch
losses, the evaluation metrics, the logits on the test set and every final model weight.

When they do not, each applied decision is tried on its own and the failure message names the
decisions that break or change the run: such a decision is a bug in the tool, not in this test.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hybridize import analyze

pytestmark = [
    pytest.mark.tf,
    pytest.mark.skipif(
        importlib.util.find_spec("tensorflow") is None or importlib.util.find_spec("keras") is None,
        reason="needs TensorFlow and Keras installed",
    ),
]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RUN_TIMEOUT = 180.0  # seconds per training subprocess (a run takes about 10 s)

# The example is designed so that these decisions are applicable and safe. ``eval_step`` gets
# ``reduce_retracing=True``: it is fed batches of a dataset batched without drop_remainder and also
# receives the model, so no complete input_signature exists.
EXPECTED_APPLIED = {
    "mnist_trainer/train.py::train_step": "hybridize",
    "mnist_trainer/train.py::total_steps": "dehybridize",
    "mnist_trainer/train.py::eval_step": "reconfigure",
}

# Training on the CPU with TF_DETERMINISTIC_OPS=1 is reproducible run to run, and in practice the
# eager and the traced training steps give bit-identical numbers here. A graph may still be
# rewritten by Grappler (e.g. MatMul + BiasAdd + Relu fused into one oneDNN kernel), which changes
# the order of float32 round-offs (~1e-7 relative per op); eight Adam steps amplify that by a few
# orders of magnitude at most, which these tolerances absorb while any real change (a skipped
# update, a different dropout mask or learning rate, a frozen variable) is far outside them.
RTOL = 1e-4
ATOL = 1e-5
# report_step prints losses rounded to 4 decimals: two losses within tolerance can still round to
# neighbouring values, so the printed ones may differ by one unit in the last place.
PRINTED_LOSS_ATOL = 1e-4 + 1e-6

STEP_LINE = re.compile(r"^step\s+(\d+)/(\d+)\s+loss\s+(-?[\d.]+|nan|inf)$")
RESULT_PREFIX = "RESULT "

DRIVER = textwrap.dedent(
    '''
    """Train the example project at argv[1] like run_training.main, seeded; report the results.

    Prints one line ``RESULT {json}`` (per-epoch losses, metrics, weight checksums) and saves the
    final weights and the test-set logits to the .npz file at argv[2].
    """

    import hashlib
    import json
    import os
    import sys

    root, arrays_out = sys.argv[1], sys.argv[2]
    os.chdir(root)
    sys.path.insert(0, root)

    import keras
    import numpy as np
    import tensorflow as tf

    import run_training
    from mnist_trainer import MnistClassifier, evaluate, make_dataset, synthetic_mnist, train

    # Python, NumPy and TensorFlow seeds: Keras 3 draws the default seeds of its initializers and
    # dropout layers from Python's `random`, which run_training.main leaves unseeded.
    keras.utils.set_random_seed(0)
    tf.random.set_seed(0)  # what run_training.main does first

    data = run_training.CONFIG["data"]
    model_config = run_training.CONFIG["model"]
    training = run_training.CONFIG["training"]
    train_images, train_labels = synthetic_mnist(data["train_examples"], seed=0)
    test_images, test_labels = synthetic_mnist(data["test_examples"], seed=1)
    train_data = make_dataset(train_images, train_labels, data["batch_size"], training=True)
    test_data = make_dataset(test_images, test_labels, data["batch_size"], training=False)

    model = MnistClassifier(model_config["hidden_units"], model_config["dropout_rate"])
    history = train(
        model,
        train_data,
        epochs=training["epochs"],
        steps_per_epoch=training["steps_per_epoch"],
        learning_rate=training["learning_rate"],
    )
    metrics = evaluate(model, test_data)
    logits = np.concatenate([model(images, training=False).numpy() for images, _ in test_data])

    weights = [np.asarray(variable.numpy()) for variable in model.weights]
    np.savez(arrays_out, *weights, logits=logits)
    checksums = [
        {
            "path": str(getattr(variable, "path", variable.name)),
            "shape": list(array.shape),
            "sum": float(array.astype(np.float64).sum()),
            "abs_sum": float(np.abs(array.astype(np.float64)).sum()),
            "sha256": hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest(),
        }
        for variable, array in zip(model.weights, weights)
    ]
    result = {
        "history": [float(loss) for loss in history],
        "metrics": {name: float(value) for name, value in metrics.items()},
        "weights": checksums,
    }
    print("RESULT " + json.dumps(result, sort_keys=True), flush=True)
    '''
).lstrip()


# --------------------------------------------------------------------------------------------
# Selecting and applying the decisions


@dataclass(frozen=True)
class Edit:
    function_id: str
    path: str  # relative to the project root
    qualname: str
    line: int  # of the ``def``
    kind: str  # "hybridize" / "dehybridize" / "reconfigure"
    decorator: str  # for hybridize: the decorator to add, without "@"
    arguments: tuple[tuple[str, str], ...] = ()  # for reconfigure: keywords to set


def safe_edits(root: Path) -> list[Edit]:
    """The applicable ``safe`` decisions for the project at ``root``, as edits."""
    result = analyze([str(root)])
    edits: list[Edit] = []
    for facts in result.functions:
        decision = result.decisions[facts.id]
        if not decision.applicable or decision.safety.value != "safe":
            continue
        kind = decision.kind.value
        assert kind in ("hybridize", "dehybridize", "reconfigure"), (
            f"{facts.id}: this test does not know how to apply a {kind!r} decision "
            f"(transformation {dict(decision.transformation)})"
        )
        decorator = str(decision.transformation.get("decorator", "tf.function"))
        assert kind != "hybridize" or decorator == "tf.function", (
            f"{facts.id}: expected to add a plain @tf.function, the tool asks for @{decorator}"
        )
        arguments = tuple(sorted(dict(decision.transformation.get("arguments", {})).items()))
        assert kind != "reconfigure" or arguments, f"{facts.id}: reconfigure without arguments"
        assert kind != "hybridize" or {k for k, _ in arguments} <= {
            "reduce_retracing",
            "input_signature",
        }
        edits.append(
            Edit(
                facts.id,
                facts.path,
                facts.qualname,
                facts.location.line,
                kind,
                decorator,
                arguments,
            )
        )
    return edits


def apply_edits(root: Path, edits: Iterable[Edit]) -> None:
    by_path: dict[str, list[Edit]] = {}
    for edit in edits:
        by_path.setdefault(edit.path, []).append(edit)
    for relpath, file_edits in by_path.items():
        path = root / relpath
        path.write_text(rewrite_source(path.read_text(encoding="utf-8"), file_edits, relpath))


def rewrite_source(source: str, edits: Sequence[Edit], relpath: str) -> str:
    tree = ast.parse(source, filename=relpath)
    functions = {
        node.lineno: node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    lines = source.splitlines(keepends=True)
    # Line edits, applied from the bottom of the file up so earlier line numbers stay valid.
    # ("insert", i, text) puts text before 0-based line i; ("delete", i, j) removes lines i..j-1.
    operations: list[tuple[int, str, int, str]] = []
    for edit in edits:
        node = functions.get(edit.line)
        assert node is not None, f"{edit.function_id}: no def at {relpath}:{edit.line}"
        assert node.name == edit.qualname.rsplit(".", 1)[-1], (
            f"{edit.function_id}: the def at {relpath}:{edit.line} is {node.name!r}"
        )
        def_line = lines[node.lineno - 1]
        indent = def_line[: node.col_offset]
        assert not indent.strip(), f"{edit.function_id}: the def does not start its line"
        if edit.kind == "hybridize":
            assert not any(is_tf_function(d) for d in node.decorator_list), (
                f"{edit.function_id}: hybridize decided for a function that is a tf.function"
            )
            newline = "\r\n" if def_line.endswith("\r\n") else "\n"
            # After any existing decorators: directly above the def line.
            settings = ", ".join(f"{k}={v}" for k, v in edit.arguments)
            decorator = f"{edit.decorator}({settings})" if settings else edit.decorator
            operations.append((node.lineno - 1, "insert", 0, f"{indent}@{decorator}{newline}"))
        elif edit.kind == "reconfigure":
            decorators = [d for d in node.decorator_list if is_tf_function(d)]
            assert len(decorators) == 1 and not isinstance(decorators[0], ast.Call), (
                f"{edit.function_id}: this test reconfigures a bare @tf.function only"
            )
            line = decorators[0].lineno - 1
            settings = ", ".join(f"{k}={v}" for k, v in edit.arguments)
            lines[line] = lines[line].replace("@tf.function", f"@tf.function({settings})", 1)
        else:
            decorators = [d for d in node.decorator_list if is_tf_function(d)]
            assert decorators, f"{edit.function_id}: dehybridize, but no @tf.function to remove"
            for decorator in decorators:
                first, last = decorator.lineno - 1, (decorator.end_lineno or decorator.lineno)
                assert lines[first][: decorator.col_offset].strip() == "@", (
                    f"{edit.function_id}: the decorator does not start its line"
                )
                assert not lines[last - 1][decorator.end_col_offset or 0 :].split("#")[0].strip(), (
                    f"{edit.function_id}: something follows the decorator on its line"
                )
                operations.append((first, "delete", last, ""))
    for start, action, stop, text in sorted(operations, key=lambda op: op[0], reverse=True):
        if action == "insert":
            lines.insert(start, text)
        else:
            del lines[start:stop]
    rewritten = "".join(lines)
    if any(edit.kind == "hybridize" for edit in edits) and not imports_tf(tree):
        rewritten = add_tensorflow_import(rewritten)
    return rewritten


def is_tf_function(decorator: ast.expr) -> bool:
    """``@tf.function`` or ``@tf.function(...)``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (
        isinstance(target, ast.Attribute)
        and target.attr == "function"
        and isinstance(target.value, ast.Name)
        and target.value.id == "tf"
    )


def imports_tf(tree: ast.Module) -> bool:
    """Whether the module binds ``tf`` to TensorFlow at top level (``import tensorflow as tf``)."""
    return any(
        isinstance(node, ast.Import)
        and any(alias.name == "tensorflow" and alias.asname == "tf" for alias in node.names)
        for node in tree.body
    )


def add_tensorflow_import(source: str) -> str:
    """Insert ``import tensorflow as tf`` after the docstring and ``__future__`` imports."""
    tree = ast.parse(source)
    after = 0
    for index, node in enumerate(tree.body):
        docstring = (
            index == 0
            and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        )
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (docstring or future):
            break
        after = node.end_lineno or node.lineno
    lines = source.splitlines(keepends=True)
    lines.insert(after, "import tensorflow as tf\n")
    return "".join(lines)


# --------------------------------------------------------------------------------------------
# Running the training


@dataclass(frozen=True)
class Run:
    label: str
    returncode: int
    stdout: str
    stderr: str
    result: dict[str, Any] | None
    arrays: dict[str, np.ndarray]

    def failure(self) -> str | None:
        if self.returncode != 0 or self.result is None:
            tail = "\n".join(self.stderr.strip().splitlines()[-25:])
            return f"{self.label}: exit code {self.returncode}, stderr tail:\n{tail}"
        return None

    def printed_steps(self) -> list[tuple[int, int, float]]:
        steps = []
        for line in self.stdout.splitlines():
            match = STEP_LINE.match(line.strip())
            if match:
                steps.append((int(match[1]), int(match[2]), float(match[3])))
        return steps

    def weights(self) -> list[np.ndarray]:
        return [self.arrays[f"arr_{i}"] for i in range(len(self.arrays) - 1)]


def copy_project(destination: Path) -> Path:
    shutil.copytree(EXAMPLES, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return destination


def run_training(projects: Mapping[str, Path], workdir: Path) -> dict[str, Run]:
    """Train every project, each in a fresh interpreter, all at the same time."""
    driver = workdir / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "TF_DETERMINISTIC_OPS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "CUDA_VISIBLE_DEVICES": "-1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("PYTHONPATH", None)
    children: dict[str, tuple[subprocess.Popen[str], Path]] = {}
    for label, root in projects.items():
        arrays_path = workdir / f"{label}.npz"
        command = [sys.executable, str(driver), str(root), str(arrays_path)]
        process = subprocess.Popen(
            command,
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children[label] = (process, arrays_path)
    runs: dict[str, Run] = {}
    for label, (process, arrays_path) in children.items():
        try:
            stdout, stderr = process.communicate(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            stderr += f"\n(killed after {RUN_TIMEOUT:.0f} s)"
        result = None
        for line in stdout.splitlines():
            if line.startswith(RESULT_PREFIX):
                result = json.loads(line[len(RESULT_PREFIX) :])
        arrays: dict[str, np.ndarray] = {}
        if result is not None and arrays_path.exists():
            with np.load(arrays_path) as loaded:
                arrays = {name: loaded[name] for name in loaded.files}
        runs[label] = Run(label, process.returncode, stdout, stderr, result, arrays)
    return runs


def differences(baseline: Run, candidate: Run) -> list[str]:
    """How ``candidate`` differs from ``baseline`` beyond float tolerance (empty: equivalent)."""
    failure = candidate.failure()
    if failure is not None:
        return [failure]
    assert baseline.result is not None and candidate.result is not None
    problems: list[str] = []

    def close(what: str, expected: Any, actual: Any) -> None:
        try:
            np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)
        except AssertionError as error:
            problems.append(f"{what} differ:{error}")

    expected_steps, actual_steps = baseline.printed_steps(), candidate.printed_steps()
    if [s[:2] for s in expected_steps] != [s[:2] for s in actual_steps]:
        problems.append(
            f"printed steps differ: {[s[:2] for s in expected_steps]} (original) vs "
            f"{[s[:2] for s in actual_steps]}"
        )
    else:
        for (step, _, expected_loss), (_, _, actual_loss) in zip(
            expected_steps, actual_steps, strict=True
        ):
            if not abs(expected_loss - actual_loss) <= PRINTED_LOSS_ATOL:
                problems.append(f"printed loss of step {step}: {expected_loss} vs {actual_loss}")
    close("per-epoch losses", baseline.result["history"], candidate.result["history"])
    expected_metrics, actual_metrics = baseline.result["metrics"], candidate.result["metrics"]
    if sorted(expected_metrics) != sorted(actual_metrics):
        problems.append(f"metric names differ: {expected_metrics} vs {actual_metrics}")
    else:
        for name in sorted(expected_metrics):
            close(f"metric {name!r}", expected_metrics[name], actual_metrics[name])
    expected_weights, actual_weights = baseline.weights(), candidate.weights()
    expected_shapes = [w.shape for w in expected_weights]
    actual_shapes = [w.shape for w in actual_weights]
    if expected_shapes != actual_shapes:
        problems.append(f"weight shapes differ: {expected_shapes} vs {actual_shapes}")
    else:
        paths = [w["path"] for w in baseline.result["weights"]]
        for path, expected, actual in zip(paths, expected_weights, actual_weights, strict=True):
            close(f"weight {path}", expected, actual)
    close("test-set logits", baseline.arrays["logits"], candidate.arrays["logits"])
    return problems


def diagnose(edits: Sequence[Edit], baseline: Run, workdir: Path) -> str:
    """Apply each edit alone and say which ones break or change the run."""
    projects: dict[str, Path] = {}
    for index, edit in enumerate(edits):
        root = copy_project(workdir / f"single_{index}")
        apply_edits(root, [edit])
        projects[f"single_{index}"] = root
    runs = run_training(projects, workdir)
    report = []
    for index, edit in enumerate(edits):
        problems = differences(baseline, runs[f"single_{index}"])
        verdict = "equivalent" if not problems else "BREAKS:\n    " + "\n    ".join(problems)
        report.append(f"  {edit.kind} {edit.function_id} applied alone: {verdict}")
    return "\n".join(report)


def summary(run: Run) -> str:
    assert run.result is not None
    return (
        f"history={run.result['history']} metrics={run.result['metrics']} "
        f"weight sums={[round(w['sum'], 6) for w in run.result['weights']]}"
    )


# --------------------------------------------------------------------------------------------
# The test


def test_safe_decisions_preserve_training_results(tmp_path: Path) -> None:
    original = copy_project(tmp_path / "original")
    rewritten = copy_project(tmp_path / "rewritten")

    edits = safe_edits(rewritten)
    applied = {edit.function_id: edit.kind for edit in edits}
    assert applied, "no applicable safe decision in examples/: the rewrite would change nothing"
    for function_id, kind in EXPECTED_APPLIED.items():
        assert applied.get(function_id) == kind, (
            f"expected a safe, applicable {kind} decision for {function_id}; applied: {applied}"
        )

    apply_edits(rewritten, edits)
    changed = []
    for path in sorted(rewritten.rglob("*.py")):
        relpath = path.relative_to(rewritten).as_posix()
        source = path.read_text(encoding="utf-8")
        ast.parse(source, filename=relpath)  # the rewritten files still parse
        if source != (original / relpath).read_text(encoding="utf-8"):
            changed.append(relpath)
    assert sorted(changed) == sorted({edit.path for edit in edits})
    check_edits_landed(rewritten, edits)

    runs = run_training({"original": original, "rewritten": rewritten}, tmp_path)
    baseline, candidate = runs["original"], runs["rewritten"]
    baseline_failure = baseline.failure()
    assert baseline_failure is None, f"the unmodified example does not run:\n{baseline_failure}"
    assert baseline.printed_steps(), f"no step lines printed by the original:\n{baseline.stdout}"

    problems = differences(baseline, candidate)
    if problems:
        pytest.fail(
            "applying the safe decisions changed the training results\n"
            f"applied: {applied}\n"
            f"original:  {summary(baseline)}\n"
            + "\n".join(problems)
            + "\nper decision:\n"
            + diagnose(edits, baseline, tmp_path)
        )


def check_edits_landed(root: Path, edits: Iterable[Edit]) -> None:
    """Each hybridized function now has ``@tf.function`` as its last decorator; each
    dehybridized one has no ``tf.function`` decorator left; each reconfigured one has its
    keywords set; ``tf`` is imported where needed."""
    trees: dict[str, ast.Module] = {}
    for edit in edits:
        tree = trees.setdefault(
            edit.path, ast.parse((root / edit.path).read_text(encoding="utf-8"))
        )
        node = find_function(tree, edit.qualname)
        assert node is not None, f"{edit.function_id} is gone after the rewrite"
        tf_decorators = [d for d in node.decorator_list if is_tf_function(d)]
        if edit.kind == "hybridize":
            assert node.decorator_list and is_tf_function(node.decorator_list[-1]), edit
            assert len(tf_decorators) == 1, edit
            assert imports_tf(tree), f"{edit.path} does not import tensorflow as tf"
        if edit.kind in ("hybridize", "reconfigure") and edit.arguments:
            assert len(tf_decorators) == 1 and isinstance(tf_decorators[0], ast.Call), edit
            keywords = {k.arg: ast.unparse(k.value) for k in tf_decorators[0].keywords}
            assert all(keywords.get(k) == v for k, v in edit.arguments), (edit, keywords)
        if edit.kind == "dehybridize":
            assert not tf_decorators, edit


def find_function(tree: ast.Module, qualname: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function ``qualname`` (``Class.method``, ``outer.inner``) in ``tree``."""
    scope: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef = tree
    for name in qualname.split("."):
        found = [
            child
            for child in scope.body
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and child.name == name
        ]
        if not found:
            return None
        scope = found[-1]
    return scope if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
