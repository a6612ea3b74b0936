"""The analysis fixtures' claims about runtime values agree with what real TensorFlow runs.

Every fixture case (see ``tests/fixtures/analysis/README.md``) whose expectation says something
about a function's ``parameters`` or ``returns`` (kind / type / dtype / shape / values) is *run*:
the fixture program executes under TensorFlow in a child process
(``tests/runtime_support/runner.py``; a few children share the cases, each case in a fresh
namespace, working directory and module table, with its own timeout). A tracer records every
value each named parameter received and every value the function returned -- eagerly, or while
``tf.function`` / ``Dataset.map`` / Keras trace it, where tensors are symbolic and carry their
static shape -- classified in the README vocabulary. The expectation must be consistent with all
of them:

* ``kind``: ``tensor`` / ``python`` / ``other`` -- every observed value is of that kind (a
  list/tuple/dict has the kind of its items; an empty one fits ``tensor`` and ``python``);
  ``mixed`` -- tensors and Python values were both seen, nothing else; ``unknown`` claims nothing.
* ``type`` and ``dtype``: equal for every observed value (``null`` / ``unknown`` claim nothing).
* ``shape``: every observed shape fits (a ``null`` dim fits any dim; ``"shape": null`` fits all).
* ``values`` with ``bounded: true``: exactly the set of Python constants observed (compared as
  Python values, so ``"1e-3"`` and ``0.001`` agree).

Functions or parameters the program never reaches (no caller: the analysis judged them from
annotations) are not checked; the reason is given, and a case where nothing was reached is a
pytest skip. Cases importing a deliberately missing module (``acme_private_*``) are skipped.
A program that fails, hangs or crashes fails its case.

Directory cases run every module that calls anything at top level (which includes a
``__main__`` guard) as ``__main__`` -- ``runpy.run_module("pkg.train", run_name="__main__")`` --
with the case directory first on ``sys.path`` and the case's modules forgotten between runs, so
package-relative imports work and each entry runs as it would as a script.

Expectations that TensorFlow contradicts and that are not fixed yet are listed in
``KNOWN_DISAGREEMENTS`` (strict xfail: fixing one makes its entry fail until it is removed).
Only the selected cases run, so ``-k some_case`` is quick. Environment knobs:
``HYBRIDIZE_RUNTIME_CASE_TIMEOUT`` (seconds per case, default 90) and
``HYBRIDIZE_RUNTIME_WORKERS`` (child processes, default min(4, CPUs)).
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tf

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"
RUNNER = Path(__file__).parent / "runtime_support" / "runner.py"
CASE_TIMEOUT = float(os.environ.get("HYBRIDIZE_RUNTIME_CASE_TIMEOUT", "90"))
WORKERS = int(os.environ.get("HYBRIDIZE_RUNTIME_WORKERS", "0")) or min(4, os.cpu_count() or 1)
STALL_GRACE = 60.0  # seconds past the case timeout before a silent child is killed
CLAIM_KEYS = ("kind", "type", "dtype", "shape", "values")
MISSING_MODULE = re.compile(r"^\s*(?:from|import)\s+(acme_private\w*)", re.MULTILINE)
UNCHECKED_TYPES = {None, "unknown"}


# --------------------------------------------------------------------------------------------
# Cases


@dataclass(frozen=True)
class Case:
    name: str
    source: Path  # the .py file, or the case directory
    expected: dict[str, Any]

    @property
    def directory(self) -> bool:
        return self.source.is_dir()

    @property
    def root(self) -> Path:
        return self.source if self.directory else self.source.parent

    def files(self) -> dict[Path, str]:
        """Every Python file of the case -> the prefix of its function keys."""
        if not self.directory:
            return {self.source: ""}
        return {
            path: f"{path.relative_to(self.source).as_posix()}::"
            for path in sorted(self.source.rglob("*.py"))
            if "__pycache__" not in path.parts
        }

    def claims(self) -> dict[str, dict[str, Any]]:
        """Function key -> {"parameters": {name: claim}, "returns": claim} (claims as dicts)."""
        table: dict[str, dict[str, Any]] = {}
        for key, function in self.expected.get("functions", {}).items():
            parameters = {
                name: _as_claim(claim)
                for name, claim in function.get("parameters", {}).items()
                if _names_a_value(claim)
            }
            entry: dict[str, Any] = {"parameters": parameters}
            if "returns" in function and _names_a_value(function["returns"]):
                entry["returns"] = _as_claim(function["returns"])
            if parameters or "returns" in entry:
                table[key] = entry
        return table

    def missing_modules(self) -> list[str]:
        found: set[str] = set()
        for path in self.files():
            found.update(MISSING_MODULE.findall(path.read_text(encoding="utf-8")))
        return sorted(found)

    def entries(self) -> list[dict[str, str | None]]:
        if not self.directory:
            return [{"path": str(self.source), "module": None}]
        entries: list[dict[str, str | None]] = []
        for path in self.files():
            if path.name == "__init__.py" or not _runs_code_at_top_level(path):
                continue
            module = ".".join(path.relative_to(self.source).with_suffix("").parts)
            entries.append({"path": str(path), "module": module})
        return entries

    def spec(self) -> dict[str, Any]:
        return {
            "id": self.name,
            "root": str(self.root),
            "files": {str(path): prefix for path, prefix in self.files().items()},
            "entries": self.entries(),
            "targets": sorted(self.claims()),
            "timeout": CASE_TIMEOUT,
        }


def _as_claim(claim: str | dict[str, Any]) -> dict[str, Any]:
    return {"kind": claim} if isinstance(claim, str) else dict(claim)


def _names_a_value(claim: Any) -> bool:
    return isinstance(claim, str) or (
        isinstance(claim, dict) and any(k in claim for k in CLAIM_KEYS)
    )


def _runs_code_at_top_level(path: Path) -> bool:
    """Does importing/running the module call anything outside def/class bodies?"""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for statement in tree.body:
        if isinstance(
            statement,
            ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Import | ast.ImportFrom,
        ):
            continue
        if any(isinstance(node, ast.Call) for node in ast.walk(statement)):
            return True
    return False


def _discover() -> list[Case]:
    cases: list[Case] = []
    for expectation in sorted(FIXTURES.rglob("*.json")):
        if expectation.name == "expected.json":
            source = expectation.parent
        else:
            source = expectation.with_suffix(".py")
            if not source.exists():
                continue
        expected = json.loads(expectation.read_text(encoding="utf-8"))
        case = Case(str(source.relative_to(FIXTURES)), source, expected)
        if case.claims():
            cases.append(case)
    return cases


CASES = _discover()
BY_NAME = {case.name: case for case in CASES}


# --------------------------------------------------------------------------------------------
# Running the programs (child processes)


@dataclass
class Worker:
    """One child process running a list of case specs, writing JSON lines to `results`."""

    specs: list[dict[str, Any]]
    directory: Path
    index: int
    process: subprocess.Popen[bytes] = field(init=False)
    results: Path = field(init=False)
    stderr: Path = field(init=False)
    finished: int = 0
    began: bool = False  # has it started a case (or did it die importing TensorFlow)?
    last_progress: float = 0.0

    def start(self) -> Worker:
        spec_file = self.directory / f"spec{self.index}.json"
        spec_file.write_text(json.dumps(self.specs), encoding="utf-8")
        self.results = self.directory / f"results{self.index}.jsonl"
        self.stderr = self.directory / f"stderr{self.index}.txt"
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1"}
        with open(self.stderr, "wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, str(RUNNER), str(spec_file), str(self.results)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                cwd=self.directory,
                env=env,
            )
        self.last_progress = time.monotonic()
        return self

    def outcomes(self) -> dict[str, dict[str, Any]]:
        """The finished cases so far (the last line may be half written)."""
        done: dict[str, dict[str, Any]] = {}
        if self.results.exists():
            for line in self.results.read_text(encoding="utf-8").splitlines():
                try:
                    event = json.loads(line)
                except json.JSONDecodeError:
                    break
                self.began = True
                if event["event"] == "done":
                    done[event["id"]] = event
        if len(done) > self.finished:
            self.finished = len(done)
            self.last_progress = time.monotonic()
        return done

    def stalled(self) -> bool:
        return time.monotonic() - self.last_progress > CASE_TIMEOUT + STALL_GRACE


def run_programs(cases: Iterable[Case]) -> dict[str, dict[str, Any]]:
    """Run the cases' programs in child processes; case name -> the runner's outcome.

    The cases are dealt to a few children (importing TensorFlow costs seconds, a case usually a
    few milliseconds). A child that dies or hangs is blamed for its first unfinished case, and a
    new child takes over the rest of its list.
    """
    pending = [case.spec() for case in cases]
    outcomes: dict[str, dict[str, Any]] = {}
    if not pending:
        return outcomes
    count = max(1, min(WORKERS, len(pending) // 10))
    with tempfile.TemporaryDirectory(prefix="hybridize-runtime-") as scratch:
        directory = Path(scratch)
        running = [Worker(pending[i::count], directory, i).start() for i in range(count)]
        started = count
        try:
            _supervise(running, outcomes, directory, started)
        finally:
            for worker in running:  # only on an interrupt: stop our own children
                worker.process.kill()
                worker.process.wait()
    return outcomes


def _supervise(
    running: list[Worker], outcomes: dict[str, dict[str, Any]], directory: Path, started: int
) -> None:
    while running:
        time.sleep(0.2)
        for worker in list(running):
            outcomes.update(worker.outcomes())
            returncode = worker.process.poll()
            if returncode is None and not worker.stalled():
                continue
            if returncode is None:
                worker.process.kill()
                worker.process.wait()
            outcomes.update(worker.outcomes())
            running.remove(worker)
            rest = [spec for spec in worker.specs if spec["id"] not in outcomes]
            if not rest:
                continue
            tail = worker.stderr.read_text(encoding="utf-8", errors="replace")[-3000:]
            why = "hung" if returncode is None else f"exited with status {returncode}"
            blamed = rest[:1] if worker.began else rest  # a child that never began: all lost
            for spec in blamed:
                outcomes[spec["id"]] = {
                    "id": spec["id"],
                    "status": "crashed",
                    "error": f"the runner process {why} while running this case:\n{tail}",
                    "functions": {},
                }
            if worker.began and rest[1:]:
                running.append(Worker(rest[1:], directory, started).start())
                started += 1


# --------------------------------------------------------------------------------------------
# Checking


def describe(observation: dict[str, Any]) -> str:
    parts = [observation["kind"], observation["type"]]
    if observation.get("dtype"):
        parts.append(observation["dtype"])
    if observation.get("shaped"):
        parts.append(json.dumps(observation["shape"]))
    if observation.get("symbolic"):
        parts.append("symbolic")
    return f"{' '.join(parts)} = {observation.get('value')} (x{observation.get('count', 1)})"


def _shape_fits(expected: list[int | None], observation: dict[str, Any]) -> bool:
    if not observation.get("shaped"):
        return False
    dims = observation["shape"]
    if dims is None or len(dims) != len(expected):
        return False
    return all(want is None or want == got for want, got in zip(expected, dims, strict=True))


def _literal(text: str) -> Any:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return ("source", text)
    return (type(value).__name__, value)


def check_claim(where: str, claim: dict[str, Any], observed: list[dict[str, Any]]) -> list[str]:
    """Disagreements between one parameter/return claim and the values TensorFlow produced."""
    errors: list[str] = []

    def disagree(key: str, detail: str, culprits: list[dict[str, Any]]) -> None:
        shown = "; ".join(describe(o) for o in culprits[:4])
        more = f" (+{len(culprits) - 4} more)" if len(culprits) > 4 else ""
        errors.append(
            f"{where}: claims {key}={json.dumps(claim[key])}, but {detail}: {shown}{more}"
        )

    kinds = {o["kind"] for o in observed}
    want_kind = claim.get("kind")
    if want_kind in ("tensor", "python"):
        bad = [o for o in observed if o["kind"] not in (want_kind, "empty")]
        if bad:
            disagree("kind", "TF saw", bad)
    elif want_kind == "other":
        bad = [o for o in observed if o["kind"] != "other"]
        if bad:
            disagree("kind", "TF saw", bad)
    elif want_kind == "mixed":
        bad = [o for o in observed if o["kind"] not in ("tensor", "python", "empty")]
        if bad:
            disagree("kind", "TF saw", bad)
        elif not {"tensor", "python"} <= kinds:
            disagree("kind", "TF saw only one kind", observed)
    elif want_kind not in (None, "unknown"):
        errors.append(f"{where}: unknown kind {want_kind!r} in the expectation")

    want_type = claim.get("type")
    if want_type == "union":
        if len({o["type"] for o in observed}) < 2:
            disagree("type", "TF saw a single type", observed)
    elif want_type not in UNCHECKED_TYPES:
        bad = [o for o in observed if o["type"] != want_type]
        if bad:
            disagree("type", "TF saw", bad)

    if claim.get("dtype") is not None:
        bad = [o for o in observed if o.get("dtype") != claim["dtype"]]
        if bad:
            disagree("dtype", "TF saw", bad)

    if claim.get("shape") is not None:
        bad = [o for o in observed if not _shape_fits(claim["shape"], o)]
        if bad:
            disagree("shape", "TF saw", bad)

    if "values" in claim and claim.get("bounded") is True:
        want = {_literal(text) for text in claim["values"]}
        constants = [o for o in observed if o.get("const") is not None]
        got = {_literal(o["const"]) for o in constants}
        if want != got:
            seen = sorted({o["const"] for o in constants})
            disagree(
                "values",
                f"TF saw the constants {seen}",
                [o for o in observed if o.get("const") is None],
            )
    return errors


@dataclass
class Verdict:
    errors: list[str] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)
    checked: int = 0


def check_case(case: Case, outcome: dict[str, Any]) -> Verdict:
    verdict = Verdict()
    functions: dict[str, Any] = outcome.get("functions", {})
    for key, claims in case.claims().items():
        record = functions.get(key)
        if record is None:
            verdict.unreached.append(f"{key}: never called when the program runs")
            continue
        for name, claim in claims["parameters"].items():
            observed = record["params"].get(name)
            if not observed:
                verdict.unreached.append(f"{key}({name}): no value observed")
                continue
            verdict.checked += 1
            verdict.errors.extend(check_claim(f"{key}({name})", claim, observed))
        if "returns" in claims:
            if not record["returns"]:
                verdict.unreached.append(f"{key}->: never returned normally")
                continue
            verdict.checked += 1
            verdict.errors.extend(check_claim(f"{key}->", claims["returns"], record["returns"]))
    return verdict


# --------------------------------------------------------------------------------------------
# The instrument itself: a probe program exercising what the fixtures rarely do

PROBE_SOURCE = """\
import tensorflow as tf


def helper(x):
    return x + 1.0


@tf.function
def traced(x, n):
    return helper(x) * n


def numbers(k):
    yield k


def boom(v):
    raise ValueError(v)


scale = lambda t: t * 2.0


class Box:
    def open(self, *items, **named):
        return items


traced(tf.ones((2, 3)), 2)
traced(tf.ones((4, 3)), 2)
list(numbers(5))
try:
    boom(1)
except ValueError:
    pass
scale(tf.ones((1,)))
Box().open(1, "a", key=tf.zeros([2], tf.int64))
"""
PROBE_EXPECTED: dict[str, Any] = {
    "functions": {
        "helper": {"parameters": {"x": "tensor"}},
        "traced": {"parameters": {"x": "tensor", "n": "python"}, "returns": "tensor"},
        "numbers": {"parameters": {"k": "python"}, "returns": "other"},
        "boom": {"parameters": {"v": "python"}, "returns": "other"},
        "scale": {"parameters": {"t": "tensor"}},
        "Box.open": {"parameters": {"items": "python", "named": "tensor"}, "returns": "python"},
    }
}
PROBE_NAME = "<probe>"


def _probe_case(directory: Path) -> Case:
    source = directory / "probe.py"
    source.write_text(PROBE_SOURCE, encoding="utf-8")
    return Case(PROBE_NAME, source, PROBE_EXPECTED)


# --------------------------------------------------------------------------------------------
# Tests

# Expectations that real TensorFlow contradicts, kept visible (strict xfail) until resolved.
KNOWN_DISAGREEMENTS: dict[str, str] = {}
_OUTCOMES: dict[str, dict[str, Any]] = {}
COVERAGE_TEST = "test_most_claims_are_reached_at_runtime"


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Any]]:
    """Run the programs of the cases selected in this session, all at once (the first user pays).

    Only the selected cases run (``-k some_case`` is quick), unless the coverage test is selected.
    """
    here = sys.modules[__name__]
    tests = [item for item in request.session.items if getattr(item, "module", None) is here]
    names = {item.callspec.params["name"] for item in tests if hasattr(item, "callspec")}
    if any(getattr(item, "originalname", "") == COVERAGE_TEST for item in tests):
        names = set(BY_NAME)
    wanted = [
        BY_NAME[name]
        for name in sorted(names)
        if name not in _OUTCOMES and not BY_NAME[name].missing_modules()
    ]
    if PROBE_NAME not in _OUTCOMES:
        wanted.append(_probe_case(tmp_path_factory.mktemp("probe")))
    _OUTCOMES.update(run_programs(wanted))
    return _OUTCOMES


def _params() -> list[Any]:
    return [
        pytest.param(
            case.name,
            id=case.name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DISAGREEMENTS[case.name])]
            if case.name in KNOWN_DISAGREEMENTS
            else [],
        )
        for case in CASES
    ]


@pytest.mark.parametrize("name", _params())
def test_fixture_claims_hold_at_runtime(name: str, outcomes: dict[str, dict[str, Any]]) -> None:
    case = BY_NAME[name]
    missing = case.missing_modules()
    if missing:
        pytest.skip(f"imports deliberately missing module(s) {', '.join(missing)}")
    outcome = outcomes[name]
    verdict = check_case(case, outcome)
    problems = list(verdict.errors)
    if outcome["status"] != "ok":
        problems.insert(
            0, f"the program did not run to the end ({outcome['status']}): {outcome['error']}"
        )
    header = f"fixture {name}: the expectation disagrees with what TensorFlow ran"
    assert not problems, "\n  ".join([header, *problems])
    if not verdict.checked:
        pytest.skip("nothing to check at runtime: " + "; ".join(verdict.unreached))


def test_probe_records_eager_traced_generator_and_lambda_calls(
    outcomes: dict[str, dict[str, Any]],
) -> None:
    """The tracer sees calls traced by tf.function (through AutoGraph) with their static shapes."""
    outcome = outcomes[PROBE_NAME]
    assert outcome["status"] == "ok", outcome["error"]
    functions = outcome["functions"]
    assert set(functions) == set(PROBE_EXPECTED["functions"]), sorted(functions)

    def seen(key: str, slot: str) -> set[tuple[Any, ...]]:
        record = functions[key]
        observed = record["returns"] if slot == "->" else record["params"][slot]
        return {
            (o["kind"], o["type"], o["dtype"], tuple(o["shape"] or ()), o["symbolic"], o["const"])
            for o in observed
        }

    assert seen("traced", "x") == {
        ("tensor", "tensor", "float32", (2, 3), True, None),
        ("tensor", "tensor", "float32", (4, 3), True, None),
    }
    assert seen("traced", "n") == {("python", "int", None, (), False, "2")}
    assert {o[:4] for o in seen("traced", "->")} == {
        ("tensor", "tensor", "float32", (2, 3)),
        ("tensor", "tensor", "float32", (4, 3)),
    }
    assert {o[3:5] for o in seen("helper", "x")} == {((2, 3), True), ((4, 3), True)}
    assert seen("numbers", "k") == {("python", "int", None, (), False, "5")}
    assert seen("numbers", "->") == {("other", "iterator", None, (), False, None)}
    assert seen("boom", "v") == {("python", "int", None, (), False, "1")}
    assert functions["boom"]["returns"] == []  # raising is not returning
    assert seen("scale", "t") == {("tensor", "tensor", "float32", (1,), False, None)}
    assert seen("Box.open", "items") == {("python", "tuple", None, (), False, None)}
    assert seen("Box.open", "named") == {("tensor", "dict", None, (), False, None)}
    probe = Case(PROBE_NAME, Path("probe.py"), PROBE_EXPECTED)
    assert check_case(probe, outcome).errors == []


def test_most_claims_are_reached_at_runtime(outcomes: dict[str, dict[str, Any]]) -> None:
    """Guard the instrument: if the tracer stopped seeing calls, every case would just skip."""
    runnable = [case for case in CASES if not case.missing_modules()]
    verdicts = {case.name: check_case(case, outcomes[case.name]) for case in runnable}
    unreached = sorted(
        f"{name}: {reason}" for name, verdict in verdicts.items() for reason in verdict.unreached
    )
    checked = sum(1 for verdict in verdicts.values() if verdict.checked)
    assert checked >= 0.9 * len(runnable), "\n".join(
        [f"only {checked} of {len(runnable)} cases reached a claimed function", *unreached]
    )
