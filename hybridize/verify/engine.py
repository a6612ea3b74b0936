"""Runtime verification: run the original and the refactored code under TensorFlow and compare.

Nothing here imports TensorFlow: every run happens in a child process of the interpreter the user
names (``--python``), which executes ``runner.py`` (standalone: stdlib, NumPy, TensorFlow). Each
run gets its own temporary copy of the project, so programs that write files cannot disturb each
other or the user's tree; the copies are deleted at the end.

Per decision, in order of preference:

1. *Program-driven*: an entry program (``--entry``, or a module with ``if __name__ ==
   "__main__":`` that imports the function's module) runs once unchanged -- one run per entry,
   recording every target function of that entry at once -- and once per decision with only that
   decision applied; the refactored run compares itself with the original's record.
2. *Signature-driven*: when no entry program reaches the function or the program never calls it,
   the function is called on inputs generated from its inferred signature or parameter facts
   (``inputs``), original and refactored module in turn in one child.
3. Otherwise ``not-verifiable``, saying why.

A child that crashes, hangs past the time-out or fails in the user's code is reported for the
decisions it concerns; it never stops the others.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import attrs

from hybridize.project.discovery import is_virtualenv
from hybridize.rewriter.model import RewriteError
from hybridize.rewriter.rewrite import rewrite_source
from hybridize.verify import cache
from hybridize.verify.entry import Programs, module_name
from hybridize.verify.inputs import NoInputs, draw, plan_inputs
from hybridize.verify.model import (
    NOT_VERIFIABLE,
    REFUTED,
    STATUSES,
    VERIFIED,
    Candidate,
    Outcome,
    ProjectFile,
    Verification,
)
from hybridize.verify.runner import summarise

RTOL = 1e-4
ATOL = 1e-5
RUNNER = Path(__file__).with_name("runner.py")
PROBE_TIMEOUT = 60.0
#: Never copied into the temporary projects: version control, caches, environments.
IGNORED = frozenset(
    {
        ".git", ".hg", ".svn", "__pycache__", ".hybridize_cache", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".tox", ".nox", "node_modules", ".venv", "venv", ".eggs",
    }
)  # fmt: skip
_PROBE = """\
import importlib.util, json, sys
info = {"python": sys.version.split()[0], "tensorflow": None, "numpy": None}
for name in ("tensorflow", "numpy"):
    if importlib.util.find_spec(name) is None:
        continue
    try:
        import importlib.metadata as metadata
        distributions = metadata.packages_distributions().get(name) or [name]
        info[name] = metadata.version(distributions[0])
    except Exception:
        info[name] = "unknown"
print(json.dumps(info))
"""

T = TypeVar("T")


@attrs.frozen
class Interpreter:
    """The interpreter the children run with, and why it cannot be used (None: it can)."""

    python: str
    tensorflow: str | None
    problem: str | None


def probe(python: str) -> Interpreter:
    """Which TensorFlow ``python`` has (read from its package metadata, without importing it)."""
    try:
        completed = subprocess.run(
            [python, "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return Interpreter(python, None, f"cannot run {python}: {error}")
    try:
        info = json.loads(completed.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return Interpreter(python, None, f"{python} failed: {_tail(completed.stderr)}")
    if not info.get("tensorflow"):
        return Interpreter(python, None, f"TensorFlow is not installed for {python}")
    if not info.get("numpy"):
        return Interpreter(python, info["tensorflow"], f"NumPy is not installed for {python}")
    return Interpreter(python, str(info["tensorflow"]), None)


def verify_candidates(
    root: Path,
    files: Sequence[ProjectFile],
    candidates: Sequence[Candidate],
    *,
    version: str,
    python: str,
    timeout: float,
    use_cache: bool = True,
    entry: Path | None = None,
    jobs: int = 1,
) -> list[Verification]:
    """Verify each candidate decision; one ``Verification`` per candidate, in order."""
    interpreter = probe(python)
    digests = {file.relpath: file.digest for file in files}
    entry_text = None if entry is None else _entry_identity(root, entry)
    environment = cache.environment_key(python, interpreter.tensorflow, entry_text)
    keys = {
        c.facts.id: cache.source_key(c.facts.id, c.decision, digests, version) for c in candidates
    }
    found: dict[str, tuple[Outcome, bool]] = {}
    todo: list[Candidate] = []
    for candidate in candidates:
        function_id = candidate.facts.id
        if interpreter.problem is not None:
            found[function_id] = (Outcome(NOT_VERIFIABLE, interpreter.problem, None, False), False)
            continue
        hit = cache.load(root, keys[function_id], environment) if use_cache else None
        if hit is not None:
            found[function_id] = (hit, True)
        else:
            todo.append(candidate)
    if todo:
        with _Session(root, files, interpreter, timeout, jobs, entry) as session:
            fresh = session.run(todo)
        details = {"python": python, "tensorflow": interpreter.tensorflow, "entry": entry_text}
        for function_id, outcome in fresh.items():
            found[function_id] = (outcome, False)
            if outcome.cacheable:
                cache.store(root, keys[function_id], environment, outcome, details)
    result = []
    for candidate in candidates:
        outcome, cached = found[candidate.facts.id]
        facts = candidate.facts
        result.append(
            Verification(
                function_id=facts.id,
                qualname=facts.qualname,
                path=facts.path,
                line=facts.location.line,
                kind=candidate.decision.kind.value,
                status=outcome.status,
                detail=outcome.detail,
                speedup=outcome.speedup,
                cached=cached,
                col=facts.location.col + 1,
            )
        )
    return result


def cached_outcomes(
    root: Path, candidates: Sequence[tuple[str, Any]], files: Sequence[ProjectFile], version: str
) -> dict[str, Outcome]:
    """The latest cached outcome of each ``(function_id, decision)`` whose sources are unchanged,
    whatever interpreter produced it (reads nothing when there is no cache)."""
    if not (root / cache.DIRECTORY).is_dir():
        return {}
    digests = {file.relpath: file.digest for file in files}
    keys = {
        function_id: cache.source_key(function_id, decision, digests, version)
        for function_id, decision in candidates
    }
    return cache.latest_all(root, keys)


def _entry_identity(root: Path, entry: Path) -> str:
    """The entry as the cache sees it: its path, and its digest when it lies outside the analysed
    project (inside, the digests of the analysed files already cover it)."""
    try:
        return entry.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            digest = hashlib.sha256(entry.read_bytes()).hexdigest()
        except OSError:
            digest = "unreadable"
        return f"{entry.resolve()}#{digest}"


# --- one verification session ------------------------------------------------------------


@attrs.frozen
class _Child:
    """A finished child: its record (None when it wrote none), and how it ended."""

    record: dict[str, Any] | None
    returncode: int | None
    timed_out: bool
    seconds: float
    stderr: str
    output: Path
    arrays: Path

    def crash(self) -> str:
        code = "killed" if self.returncode is None else f"exit code {self.returncode}"
        tail = _tail(self.stderr)
        return f"({code}){': ' + tail if tail else ''}"


@attrs.frozen
class _Original:
    """The original program's run for one entry."""

    entry: str  # as given: a path relative to the project root, or absolute
    shown: str  # as shown to the user
    child: _Child | None
    failure: Outcome | None


class _Session:
    """Temporary copies, child processes and their clean-up for one ``verify`` call."""

    def __init__(
        self,
        root: Path,
        files: Sequence[ProjectFile],
        interpreter: Interpreter,
        timeout: float,
        jobs: int,
        entry: Path | None,
    ) -> None:
        self.root = root.resolve()
        self.files = {file.relpath: file for file in files}
        self.programs = Programs(self.root, files)
        self.interpreter = interpreter
        self.timeout = timeout
        self.jobs = max(1, jobs)
        self.entry = entry
        self.workdir = Path(tempfile.mkdtemp(prefix="hybridize-verify-")).resolve()
        self.runner = self.workdir / "runner.py"
        shutil.copyfile(RUNNER, self.runner)
        self.counter = 0
        self.lock = threading.Lock()
        self.processes: set[subprocess.Popen[bytes]] = set()
        self.noise: dict[str, dict[str, Any] | None] = {}
        self.noise_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> _Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self._kill_all()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _kill_all(self) -> None:
        with self.lock:
            live = list(self.processes)
        for process in live:
            _kill(process)

    # -- the plan ---------------------------------------------------------------------------
    def run(self, candidates: Sequence[Candidate]) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        sources: dict[str, str] = {}
        for candidate in candidates:
            prepared = self._refactored(candidate)
            if isinstance(prepared, Outcome):
                outcomes[candidate.facts.id] = prepared
            else:
                sources[candidate.facts.id] = prepared
        ready = [c for c in candidates if c.facts.id in sources]
        groups: dict[str, list[Candidate]] = {}
        unreached: list[Candidate] = []
        entries = self.programs.entries()
        for candidate in ready:
            entry = self._entry_of(candidate, entries)
            if entry is None:
                unreached.append(candidate)
            else:
                groups.setdefault(entry, []).append(candidate)
        originals = dict(
            zip(
                groups,
                self._parallel([partial(self._original, e, groups[e]) for e in groups]),
                strict=True,
            )
        )
        tasks: list[tuple[str, Callable[[], Outcome]]] = []
        for entry, group in groups.items():
            original = originals[entry]
            for candidate in group:
                function_id = candidate.facts.id
                source = sources[function_id]
                if original.failure is not None:
                    outcomes[function_id] = original.failure
                    continue
                assert original.child is not None and original.child.record is not None
                target = original.child.record["targets"][function_id]
                if target["problem"]:
                    outcomes[function_id] = Outcome(NOT_VERIFIABLE, target["problem"])
                elif target["eager_calls"] or target["symbolic_calls"]:
                    task = partial(self._refactored_program, candidate, group, original, source)
                    tasks.append((function_id, task))
                else:
                    note = f"{original.shown} never calls it"
                    tasks.append((function_id, partial(self._generated, candidate, source, note)))
        for candidate in unreached:
            note = (
                "no entry program calls it"
                if self.entry is None
                else "the entry program does not import it"
            )
            source = sources[candidate.facts.id]
            tasks.append((candidate.facts.id, partial(self._generated, candidate, source, note)))
        work: list[Callable[[], Outcome | None]] = [task for _, task in tasks]
        if self.jobs > 1:
            # With workers to spare, the second run of each original (see _noise) starts at once
            # instead of after the first refuted comparison.
            noise = [
                partial(self._noise_task, originals[entry], group)
                for entry, group in groups.items()
                if originals[entry].failure is None
            ]
            work = [*noise, *work]
        results = self._parallel(work)[len(work) - len(tasks) :]
        for (function_id, _), outcome in zip(tasks, results, strict=True):
            assert outcome is not None
            outcomes[function_id] = outcome
        return outcomes

    def _entry_of(self, candidate: Candidate, entries: Sequence[str]) -> str | None:
        if self.entry is not None:
            return str(self.entry)
        return self.programs.entry_for(candidate.facts.path, entries)

    def _parallel(self, tasks: Sequence[Callable[[], T]]) -> list[T]:
        if self.jobs == 1 or len(tasks) <= 1:
            return [task() for task in tasks]
        pool = ThreadPoolExecutor(max_workers=self.jobs)
        try:
            return list(pool.map(lambda task: task(), tasks))
        except BaseException:
            self._kill_all()  # interrupted: the children must not outlive us
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    # -- sources and copies -----------------------------------------------------------------
    def _refactored(self, candidate: Candidate) -> str | Outcome:
        """The text of the function's file with only this decision applied."""
        file = self.files.get(candidate.facts.path)
        if file is None:
            return Outcome(NOT_VERIFIABLE, "its file is not among the analysed files", None, False)
        try:
            data = Path(file.path).read_bytes()
        except OSError as error:
            return Outcome(NOT_VERIFIABLE, f"cannot read {file.relpath}: {error}", None, False)
        if hashlib.sha256(data).hexdigest() != file.digest:
            return Outcome(
                NOT_VERIFIABLE, f"{file.relpath} changed since it was analysed", None, False
            )
        try:
            rewrite = rewrite_source(data.decode(file.encoding), [candidate.change])
        except (RewriteError, UnicodeDecodeError) as error:
            return Outcome(NOT_VERIFIABLE, f"the refactoring cannot be applied: {error}")
        if not rewrite.changed:
            message = rewrite.outcomes[0].message if rewrite.outcomes else "nothing to change"
            return Outcome(NOT_VERIFIABLE, f"the refactoring does not apply: {message}")
        return rewrite.source

    def _copy(self, label: str) -> Path:
        with self.lock:
            self.counter += 1
            directory = self.workdir / f"{self.counter:03d}-{label}"
        destination = directory / self.root.name
        workdir = str(self.workdir)

        def ignore(folder: str, names: list[str]) -> set[str]:
            skipped = {n for n in names if n in IGNORED or n.endswith(".pyc")}
            for name in names:
                path = os.path.join(folder, name)
                if os.path.realpath(path) == workdir or (
                    os.path.isdir(path) and is_virtualenv(Path(path))
                ):
                    skipped.add(name)
            return skipped

        shutil.copytree(self.root, destination, ignore=ignore, symlinks=True)
        return destination

    def _write(self, copy: Path, candidate: Candidate, source: str) -> None:
        file = self.files[candidate.facts.path]
        (copy / file.relpath).write_bytes(source.encode(file.encoding))

    def _entry_path(self, copy: Path, entry: str) -> Path:
        path = Path(entry)
        if path.is_absolute():
            try:
                return copy / path.resolve().relative_to(self.root)
            except ValueError:
                return path  # outside the project: run in place
        return copy / entry

    def _shown_entry(self, entry: str) -> str:
        path = Path(entry)
        if not path.is_absolute():
            return entry
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- program-driven ---------------------------------------------------------------------
    def _targets(self, copy: Path, group: Sequence[Candidate]) -> list[dict[str, str]]:
        return [
            {
                "id": c.facts.id,
                "path": str(copy / c.facts.path),
                "relpath": c.facts.path,
                "qualname": c.facts.qualname,
            }
            for c in group
        ]

    def _original(self, entry: str, group: Sequence[Candidate]) -> _Original:
        shown = self._shown_entry(entry)
        copy = self._copy("original")
        spec = {
            "mode": "program",
            "root": str(copy),
            "original_root": str(self.root),
            "entry": str(self._entry_path(copy, entry)),
            "cwd": str(copy),
            "targets": self._targets(copy, group),
        }
        child = self._child(spec, "original")
        failure = None
        if child.timed_out:
            failure = (
                f"the program {shown} did not finish within {self.timeout:g} s in the original"
            )
        elif child.record is None:
            failure = f"the program {shown} crashed in the original {child.crash()}"
        elif child.record["error"]:
            failure = f"the program {shown} failed in the original: {child.record['error']}"
        if failure is not None:
            return _Original(entry, shown, child, Outcome(NOT_VERIFIABLE, failure, None, False))
        return _Original(entry, shown, child, None)

    def _refactored_program(
        self, candidate: Candidate, group: Sequence[Candidate], original: _Original, source: str
    ) -> Outcome:
        assert original.child is not None and original.child.record is not None
        kind = candidate.decision.kind.value
        label = f"after {kind}"
        copy = self._copy(kind)
        self._write(copy, candidate, source)
        entry = self._entry_path(copy, original.entry)
        spec = {
            "mode": "program",
            "root": str(copy),
            "original_root": str(self.root),
            "entry": str(entry),
            "cwd": str(copy),
            "targets": self._targets(copy, group),
            "baseline": {
                "record": str(original.child.output),
                "arrays": str(original.child.arrays),
            },
            "compare": candidate.facts.id,
            "kind": kind,
            "label": label,
            "rtol": RTOL,
            "atol": ATOL,
        }
        child = self._child(spec, kind)
        took = f"the original took {original.child.seconds:.1f} s"
        if child.timed_out:
            return Outcome(
                REFUTED,
                f"the program did not finish within {self.timeout:g} s {label} ({took})",
                None,
                False,
            )
        if child.record is None or "comparison" not in child.record:
            return Outcome(REFUTED, f"the program crashed {label} {child.crash()}", None, False)
        comparison = child.record["comparison"]
        if comparison.get("status") != REFUTED or not comparison.get("differences"):
            return _comparison(comparison)
        return self._without_noise(comparison, original, group, candidate.facts.id)

    def _without_noise(
        self,
        comparison: Mapping[str, Any],
        original: _Original,
        group: Sequence[Candidate],
        function_id: str,
    ) -> Outcome:
        """Set aside the differences that also show between two runs of the original program
        (timings it prints, unseeded randomness): they say nothing about the refactoring."""
        noise = self._noise(original, group)
        if noise is None:
            return _comparison(comparison)
        ignored = set(noise.get(function_id, ()))
        differences = [d for d in comparison["differences"] if d[0] not in ignored]
        dropped = len(comparison["differences"]) - len(differences)
        if not dropped:
            return _comparison(comparison)
        note = (
            f"{dropped} difference{'s' if dropped != 1 else ''} set aside: "
            f"{'they occur' if dropped != 1 else 'it occurs'} between two runs of the original too"
        )
        if differences:
            detail = f"{summarise(differences)} ({note})"
            return attrs.evolve(_comparison(comparison), detail=detail)
        detail = f"{comparison['verified_detail']} ({note})"
        return attrs.evolve(_comparison(comparison), status=VERIFIED, detail=detail)

    def _noise_task(self, original: _Original, group: Sequence[Candidate]) -> None:
        self._noise(original, group)

    def _noise(self, original: _Original, group: Sequence[Candidate]) -> dict[str, Any] | None:
        """What differs between the original run and a second run of the original program (run
        once per entry, when a comparison first finds a difference); None when it failed."""
        with self.lock:
            lock = self.noise_locks.setdefault(original.entry, threading.Lock())
        with lock:
            if original.entry in self.noise:
                return self.noise[original.entry]
            assert original.child is not None
            copy = self._copy("original-again")
            spec = {
                "mode": "program",
                "root": str(copy),
                "original_root": str(self.root),
                "entry": str(self._entry_path(copy, original.entry)),
                "cwd": str(copy),
                "targets": self._targets(copy, group),
                "baseline": {
                    "record": str(original.child.output),
                    "arrays": str(original.child.arrays),
                },
                "kind": "",
                "label": "in a second run",
                "exact_texts": True,
                "rtol": RTOL,
                "atol": ATOL,
            }
            child = self._child(spec, "original-again")
            record = child.record
            found = record.get("noise") if record is not None and not record["error"] else None
            self.noise[original.entry] = found if isinstance(found, dict) else None
            return self.noise[original.entry]

    # -- signature-driven -------------------------------------------------------------------
    def _generated(self, candidate: Candidate, source: str, note: str) -> Outcome:
        try:
            inputs = plan_inputs(candidate.facts)
        except NoInputs as reason:
            return Outcome(NOT_VERIFIABLE, f"{note} and {reason}")
        examples, how = draw(inputs)
        if not examples:
            return Outcome(NOT_VERIFIABLE, f"{note} and no inputs could be generated")
        kind = candidate.decision.kind.value
        original, refactored = self._copy("original"), self._copy(kind)
        self._write(refactored, candidate, source)
        base, module = module_name(self.root, candidate.facts.path)
        spec = {
            "mode": "calls",
            "original_root": str(original),
            "refactored_root": str(refactored),
            "project_root": str(self.root),
            "base": base,
            "module": module,
            "qualname": candidate.facts.qualname,
            "examples": examples,
            "compare": candidate.facts.id,
            "kind": kind,
            "label": f"after {kind}",
            "inputs": how,
            "rtol": RTOL,
            "atol": ATOL,
        }
        child = self._child(spec, f"{kind}-calls")
        if child.timed_out:
            return Outcome(
                NOT_VERIFIABLE,
                f"{note}, and calling it on generated inputs did not finish within "
                f"{self.timeout:g} s",
                None,
                False,
            )
        if child.record is None or "comparison" not in child.record:
            return Outcome(
                NOT_VERIFIABLE, f"{note}, and calling it crashed {child.crash()}", None, False
            )
        outcome = _comparison(child.record["comparison"])
        if outcome.status == NOT_VERIFIABLE:
            return attrs.evolve(outcome, detail=f"{note}, and {outcome.detail}", cacheable=False)
        return attrs.evolve(outcome, detail=f"{note}; {outcome.detail}")

    # -- children ---------------------------------------------------------------------------
    def _child(self, spec: dict[str, Any], label: str) -> _Child:
        with self.lock:
            self.counter += 1
            stem = self.workdir / f"{self.counter:03d}-{label}"
        output, arrays = stem.with_suffix(".record.json"), stem.with_suffix(".arrays.npz")
        spec = {**spec, "output": str(output), "arrays": str(arrays)}
        spec_path = stem.with_suffix(".spec.json")
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        stderr_path = stem.with_suffix(".stderr")
        started = time.perf_counter()
        timed_out = False
        with open(stderr_path, "wb") as stderr, open(os.devnull, "wb") as devnull:
            process = subprocess.Popen(
                [self.interpreter.python, str(self.runner), str(spec_path)],
                cwd=self.workdir,
                env=_environment(),
                stdin=subprocess.DEVNULL,
                stdout=devnull,
                stderr=stderr,
                start_new_session=os.name == "posix",
            )
            with self._tracked(process):
                try:
                    returncode: int | None = process.wait(timeout=self.timeout)
                except subprocess.TimeoutExpired:
                    timed_out = True
                    _kill(process)
                    returncode = None
        seconds = time.perf_counter() - started
        record = None
        if output.exists():
            try:
                record = json.loads(output.read_text(encoding="utf-8"))
            except ValueError:
                record = None
        error_text = stderr_path.read_text(encoding="utf-8", errors="replace")
        return _Child(record, returncode, timed_out, seconds, error_text, output, arrays)

    @contextlib.contextmanager
    def _tracked(self, process: subprocess.Popen[bytes]) -> Iterator[None]:
        with self.lock:
            self.processes.add(process)
        try:
            yield
        finally:
            with self.lock:
                self.processes.discard(process)


def _comparison(data: Mapping[str, Any]) -> Outcome:
    status = str(data.get("status"))
    if status not in STATUSES:
        return Outcome(NOT_VERIFIABLE, f"the runner reported {status!r}", None, False)
    speedup = data.get("speedup")
    return Outcome(
        status,
        str(data.get("detail", "")),
        float(speedup) if isinstance(speedup, (int, float)) else None,
    )


def _environment() -> dict[str, str]:
    """The children's environment: seeded hashing, deterministic TensorFlow kernels, quiet."""
    env = dict(os.environ)
    env.update(
        {
            "PYTHONHASHSEED": "0",
            "TF_DETERMINISTIC_OPS": "1",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the child and everything it started (its own process group)."""
    if hasattr(os, "killpg"):  # POSIX: the child leads its own process group
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def _tail(text: str, width: int = 300) -> str:
    """The last informative line of a child's standard error (an exception, usually)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if not line.startswith(("W0000", "I0000", "E0000", "WARNING: All log messages")):
            return line if len(line) <= width else line[: width - 3] + "..."
    return ""
