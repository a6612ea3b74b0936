"""Re-tracing of a hybrid function with varying batch sizes, before and after ``hybridize fix``.

    python bench/retracing.py [--calls N] [--repeat R] [--runs K] [--keep] [--unsafe]

Writes a small MLP inference program into a temporary directory. Its ``@tf.function def step(x)``
is called from a loop over a ``tf.data`` dataset batched without ``drop_remainder`` (batches of 64
and a last batch of 40) and from explicit calls with batch sizes 1, 8 and 100: five distinct
shapes ``(B, 784)``, all float32, so a plain ``@tf.function`` traces five times. Once the analysis
proposes ``add-input-signature`` (section C of hazards.md) the expected signature is
``[tf.TensorSpec(shape=(None, 784), dtype=tf.float32)]`` and the rewritten program traces once.

The program prints JSON: the trace count; the wall time of its first pass over the five shapes
(traces included) and of a second, identical pass (traces cached; the difference is the tracing
cost plus one-off first-run costs such as per-shape kernel set-up); the best-of-R mean time per
call over N further calls cycling through the same shapes (after warm-up); and a checksum of the
predictions. The script prints ``hybridize check --format json --all``'s decision for ``step``,
runs ``hybridize fix`` on the directory, then runs an untouched copy of the program ("before")
and the rewritten one ("after") K times each in fresh processes, interleaved so that changes in
machine load hit both, keeping the best times. If ``fix`` changes nothing (the decision is not
``reconfigure``, or is withheld), it says "fix changed nothing", measures "before" only and exits
0; it exits 1 if ``check`` or ``fix`` fail. Wall-clock numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROGRAM_NAME = "mlp_inference.py"
FUNCTION = "step"

PROGRAM = '''\
"""MLP inference over an evaluation set and on single requests of varying sizes."""

import json
import sys
import time

import tensorflow as tf

W1 = tf.Variable(tf.random.normal((784, 256), stddev=0.05, seed=1))
B1 = tf.Variable(tf.zeros((256,)))
W2 = tf.Variable(tf.random.normal((256, 128), stddev=0.05, seed=2))
B2 = tf.Variable(tf.zeros((128,)))
W3 = tf.Variable(tf.random.normal((128, 10), stddev=0.05, seed=3))
B3 = tf.Variable(tf.zeros((10,)))


@tf.function
def step(x):
    hidden = tf.nn.relu(tf.matmul(x, W1) + B1)
    hidden = tf.nn.relu(tf.matmul(hidden, W2) + B2)
    logits = tf.matmul(hidden, W3) + B3
    return tf.argmax(tf.nn.softmax(logits), axis=1)


def main():
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    images = tf.random.uniform((1000, 784), seed=4)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(64)  # last batch: 40
    single = tf.random.uniform((1, 784), seed=5)
    small = tf.random.uniform((8, 784), seed=6)
    large = tf.random.uniform((100, 784), seed=7)

    passes = []
    for _ in range(2):  # the first pass traces, the second one reuses the traces
        started = time.perf_counter()
        checksum = 0
        for batch in dataset:
            checksum += int(tf.reduce_sum(step(batch)))
        checksum += int(tf.reduce_sum(step(single)))
        checksum += int(tf.reduce_sum(step(small)))
        checksum += int(tf.reduce_sum(step(large)))
        passes.append((time.perf_counter() - started, checksum))

    requests = [images[:64], images[:40], single, small, large]  # the shapes seen above
    per_call = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for i in range(calls):
            step(requests[i % 5])
        per_call = min(per_call, (time.perf_counter() - started) / calls)
    print(
        json.dumps(
            {
                "tensorflow": tf.__version__,
                "traces": step.experimental_get_tracing_count(),
                "first_pass_ms": passes[0][0] * 1e3,
                "second_pass_ms": passes[1][0] * 1e3,
                "ms_per_call": per_call * 1e3,
                "calls": calls,
                "rounds": rounds,
                "checksum": passes[0][1] if passes[0][1] == passes[1][1] else None,
            }
        )
    )


if __name__ == "__main__":
    main()
'''


class BenchError(Exception):
    """A step of the benchmark failed; the message says which and why."""


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
    )
    return env


def run(command: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    result = subprocess.run(
        command, cwd=cwd, env=environment(), capture_output=True, text=True, check=False
    )
    if result.returncode not in ok:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise BenchError(f"`{' '.join(command)}` exited {result.returncode}:\n{tail}")
    return result.stdout


TIMES = ("first_pass_ms", "second_pass_ms", "ms_per_call")


def run_program(program: Path, calls: int, rounds: int) -> dict[str, Any]:
    stdout = run([sys.executable, program.name, str(calls), str(rounds)], program.parent)
    lines = stdout.strip().splitlines()
    if not lines:
        raise BenchError(f"{program} printed nothing")
    measured: dict[str, Any] = json.loads(lines[-1])
    return measured


def measure(programs: list[Path], calls: int, rounds: int, runs: int) -> list[dict[str, Any]]:
    """Each program's measurements over ``runs`` fresh processes, the best of each time.

    The programs' runs are interleaved, so that a change in machine load affects all of them.
    """
    results: list[list[dict[str, Any]]] = [[] for _ in programs]
    for _ in range(runs):
        for program, own in zip(programs, results, strict=True):
            own.append(run_program(program, calls, rounds))
    best = []
    for program, own in zip(programs, results, strict=True):
        summary = dict(own[0])
        for key in TIMES:
            summary[key] = min(result[key] for result in own)
        for key in ("traces", "checksum"):
            values = {result[key] for result in own}
            if len(values) != 1:
                raise BenchError(f"{program}: {key} differs between runs: {sorted(values)}")
        best.append(summary)
    return best


def hybridize(directory: Path, *arguments: str, ok: tuple[int, ...] = (0,)) -> str:
    return run([sys.executable, "-m", "hybridize", *arguments, "--isolated", "."], directory, ok)


def decision_for(directory: Path) -> dict[str, Any] | None:
    """``step``'s record from ``hybridize check --format json --all`` (exit 0 or 1 both fine)."""
    report = json.loads(hybridize(directory, "check", "--format", "json", "--all", ok=(0, 1)))
    for function in report.get("functions", []):
        if function.get("qualname") == FUNCTION:
            record: dict[str, Any] = function
            return record
    return None


def compact(text: str) -> str:
    """``text`` on one line: whitespace runs collapsed, none just inside brackets."""
    text = " ".join(text.split())
    return re.sub(r"(?<=[(\[{]) | (?=[)\]}])", "", text)


def decorators(source: str) -> list[str]:
    """The decorator lines of ``step``, as written."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name == FUNCTION:
            return [
                "@" + compact(ast.get_source_segment(source, decorator) or "?")
                for decorator in node.decorator_list
            ]
    return []


def describe_decision(record: dict[str, Any] | None) -> list[str]:
    if record is None:
        return [f"  (no record for `{FUNCTION}` in the report)"]
    decision = record.get("decision") or {}
    lines = [
        f"  kind:            {decision.get('kind')}"
        f" (applicable: {decision.get('applicable')}, safety: {decision.get('safety')})",
        f"  reasons:         {', '.join(decision.get('reasons') or []) or '-'}",
        f"  transformation:  {json.dumps(decision.get('transformation'))}",
        f"  input_signature: {json.dumps(decision.get('input_signature'))}",
    ]
    lines += [f"  message:         {message}" for message in decision.get("messages") or []]
    for parameter in record.get("parameters") or []:
        lines.append(
            f"  parameter {parameter.get('name')}:     {parameter.get('value')}"
            f" (from {parameter.get('source')})"
        )
    return lines


def table(before: dict[str, Any], after: dict[str, Any] | None) -> list[str]:
    def cell(value: Any, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    def ratio(key: str) -> str:
        if after is None or not after[key]:
            return "-"
        return f"{before[key] / after[key]:.2f}x"

    rows = [
        ("traces", "traces", "d"),
        ("first pass ms (traces included)", "first_pass_ms", ".1f"),
        ("second pass ms (same calls)", "second_pass_ms", ".1f"),
        ("ms/call (after warm-up)", "ms_per_call", ".3f"),
    ]
    out = [f"{'':<32} {'before':>10} {'after':>10} {'speedup':>8}"]
    for label, key, spec in rows:
        value_after = None if after is None else after[key]
        speedup = ratio(key) if key != "traces" else "-"
        out.append(
            f"{label:<32} {cell(before[key], spec):>10} {cell(value_after, spec):>10} {speedup:>8}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=300, help="timed calls (default 300)")
    parser.add_argument(
        "--repeat", type=int, default=5, help="rounds of timed calls, best kept (default 5)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="fresh runs of each program, best kept (default 3)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--unsafe", action="store_true", help="pass --unsafe to fix (also conditional decisions)"
    )
    args = parser.parse_args(argv)
    if min(args.calls, args.repeat, args.runs) < 1:
        parser.error("--calls, --repeat and --runs must be at least 1")

    if importlib.util.find_spec("tensorflow") is None:
        print("TensorFlow is not installed: nothing to measure")
        return 0
    directory = Path(tempfile.mkdtemp(prefix="hybridize-retracing-"))
    project = directory / "project"  # what hybridize analyses and fixes
    original = directory / "original" / PROGRAM_NAME  # an untouched copy, for the 'before' runs
    for path in (project / PROGRAM_NAME, original):
        path.parent.mkdir()
        path.write_text(PROGRAM, encoding="utf-8")
    program = project / PROGRAM_NAME
    failed = False
    try:
        print(f"python {platform.python_version()}, {platform.machine()}; program: {program}")
        version = run_program(original, 1, 1)["tensorflow"]  # and does the program run at all?
        print(f"tensorflow {version}")

        print(f"\nhybridize check: decision for `{FUNCTION}` before fix")
        try:
            print("\n".join(describe_decision(decision_for(project))))
        except (BenchError, ValueError) as error:  # ValueError: the report is not JSON
            failed = True
            print(f"  check failed: {error}")

        fix_arguments = ["fix", *(["--unsafe"] if args.unsafe else [])]
        try:
            fix_output = hybridize(project, *fix_arguments, ok=(0, 1)).strip()
        except BenchError as error:
            failed = True
            fix_output = f"failed: {error}"
        print(f"\nhybridize {' '.join(fix_arguments)}: {fix_output or '(no output)'}")
        rewritten = program.read_text(encoding="utf-8")
        print(f"  decorator before: {' '.join(decorators(PROGRAM)) or '(none)'}")
        print(f"  decorator after:  {' '.join(decorators(rewritten)) or '(none)'}")

        print(
            f"\nbatch sizes 64/40/1/8/100; {args.calls} timed calls x best of {args.repeat} rounds;"
            f" best of {args.runs} runs"
        )
        after = None
        if rewritten == PROGRAM:
            print("fix changed nothing: the program is unchanged, so there is no 'after' run")
            (before,) = measure([original], args.calls, args.repeat, args.runs)
        else:
            print("before and after runs interleaved")
            before, after = measure([original, program], args.calls, args.repeat, args.runs)
            if after["checksum"] != before["checksum"]:
                print(
                    f"WARNING: predictions differ after fix "
                    f"(checksum {before['checksum']} -> {after['checksum']})"
                )
        print()
        print("\n".join(table(before, after)))
        return 1 if failed else 0
    except BenchError as error:
        print(f"\nbenchmark step failed: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"\n(kept {directory})")
        else:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
