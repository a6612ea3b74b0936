"""The analysis fixtures' claims about runtime values agree with what real TensorFlow runs.

Every fixture case (see ``tests/fixtures/analysis/README.md``) whose expectation says something
about a function's ``parameters`` or ``returns`` (kind / type / dtype / shape / values) is *run*:
the fixture program executes under TensorFlow in a child process
(``tests/runtime_support/runner.py``, many cases per process, each in a fresh namespace with its
own timeout), a tracer records every value each named parameter received and every value the
function returned -- eagerly or while ``tf.function`` traces it, where tensors are symbolic and
carry their static shape -- and this module checks the expectation is consistent with all of them:

* ``kind``: ``tensor`` / ``python`` / ``other`` -- every observed value is of that kind (a
  list/tuple/dict is of the kind of its items); ``mixed`` -- both tensors and Python values seen;
  ``unknown`` claims nothing.
* ``type`` and ``dtype``: equal for every observed value (``null`` / ``unknown`` claim nothing).
* ``shape``: every observed shape fits (a ``null`` dim fits any dim; ``"shape": null`` fits all).
* ``values`` with ``bounded: true``: exactly the set of Python constants observed.

Functions or parameters the program never reaches (no caller: the analysis judged them from
annotations) are skipped with the reason; a case where nothing was reached is a pytest skip.
Cases importing a deliberately missing module (``acme_private_*``) are skipped.

Directory cases run every module that makes calls at top level (or has a ``__main__`` guard) as
``__main__``, with the case directory first on ``sys.path`` and the case's modules forgotten
between runs, so package-relative imports work and each entry runs like a script.
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
    return isinstance(claim, str) or (isinstance(claim, dict) and any(k in claim for k in CLAIM_KEYS))


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
    specs: list[dict[str, Any]]
    directory: Path
    process: subprocess.Popen[bytes] = field(init=False)
    results: Path = field(init=False)
    stderr: Path = field(init=False)
    last_progress: float = field(init=False)

    def start(self, index: int) -> None:
        spec_file = self.directory / f"spec{index}.json"
        spec_file.write_text(json.dumps(self.specs), encoding="utf-8")
        self.results = self.directory / f"results{index}.jsonl"
        self.stderr = self.directory / f"stderr{index}.txt"
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTHONPATH", None)  # the fixtures must not see the test environment's paths
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

    def events(self) -> list[dict[str, Any]]:
        if not self.results.exists():
            return []
        lines = self.results.read_text(encoding="utf-8").splitlines()
        events = []
        for line in lines:
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:  # a line being written
                break
        return events


def run_programs(cases: Iterable[Case]) -> dict[str, dict[str, Any]]:
    """Run the cases' programs in child processes; case name -> the runner's outcome."""
    pending = [case.spec() for case in cases]
    outcomes: dict[str, dict[str, Any]] = {}
    if not pending:
        return outcomes
    workers = max(1, min(WORKERS, len(pending) // 4 or 1))
    with tempfile.TemporaryDirectory(prefix="hybridize-runtime-") as scratch:
        directory = Path(scratch)
        running: list[Worker] = []
        started = 0
        for index in range(workers):
            worker = Worker(pending[index::workers], directory)
            worker.start(started)
            started += 1
            running.append(worker)
        while running:
            time.sleep(0.2)
            for worker in list(running):
                events = worker.events()
                done = {e["id"]: e for e in events if e["event"] == "done"}
                if len(done) > sum(1 for e in events if e["event"] == "done" and e["id"] in outcomes):
                    worker.last_progress = time.monotonic()
                outcomes.update(done)
                returncode = worker.process.poll()
                stalled = time.monotonic() - worker.last_progress > CASE_TIMEOUT + STALL_GRACE
                if returncode is None and not stalled:
                    continue
                if returncode is None:
                    worker.process.kill()
                    worker.process.wait()
                running.remove(worker)
                rest = [spec for spec in worker.specs if spec["id"] not in outcomes]
                if not rest:
                    continue
                # The child died (or hung) in the first unfinished case; record it, go on without it.
                culprit = rest[0]["id"]
                tail = worker.stderr.read_text(encoding="utf-8", errors="replace")[-3000:]
                why = "hung" if returncode is None else f"exited with {returncode}"
                outcomes[culprit] = {
                    "id": culprit,
                    "status": "crashed",
                    "error": f"the runner process {why} while running it:\n{tail}",
                    "functions": {},
                }
                if rest[1:]:
                    replacement = Worker(rest[1:], directory)
                    replacement.start(started)
                    started += 1
                    running.append(replacement)
    return outcomes


_OUTCOMES: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest) -> dict[str, dict[str, Any]]:
    """Outcomes of the cases selected in this session, run together (the first use pays)."""
    selected = {
        item.callspec.params["name"]
        for item in request.session.items
        if item.module is sys.modules[__name__] and hasattr(item, "callspec")
    }
    wanted = [case for case in CASES if case.name in selected and case.name not in _OUTCOMES]
    if request.node.session.items and any(
        item.name.startswith("test_runtime_coverage") for item in request.session.items
    ):
        wanted = [case for case in CASES if case.name not in _OUTCOMES]
    _OUTCOMES.update(run_programs(wanted))
    return _OUTCOMES


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
        errors.append(f"{where}: claims {key}={json.dumps(claim[key])}, but {detail}: {shown}{more}")

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
            disagree("values", f"TF saw the constants {seen}", [o for o in observed if o.get("const") is None])
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
# Tests


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_fixture_claims_hold_at_runtime(name: str, outcomes: dict[str, dict[str, Any]]) -> None:
    case = BY_NAME[name]
    missing = case.missing_modules()
    if missing:
        pytest.skip(f"imports deliberately missing module(s) {', '.join(missing)}")
    outcome = outcomes[name]
    verdict = check_case(case, outcome)
    problems = list(verdict.errors)
    if outcome["status"] != "ok":
        problems.insert(0, f"the program did not run to the end ({outcome['status']}): {outcome['error']}")
    header = f"fixture {name}: expectation disagrees with TensorFlow"
    assert not problems, "\n  ".join([header, *problems])
    if not verdict.checked:
        pytest.skip("nothing to check at runtime: " + "; ".join(verdict.unreached))
