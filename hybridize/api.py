"""The library front door: ``hybridize.analyze(paths, config=None) -> Result``.

Importable and usable without TensorFlow installed: the analysis only reads source files and the
library models shipped with the package.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from hybridize import __version__
from hybridize.project.build import build_project
from hybridize.project.model import FileStatus as SourceStatus
from hybridize.refactor.decide import decide_all
from hybridize.refactor.model import Decision, DecisionKind, Safety
from hybridize.refactor.registry import Settings, all_rules
from hybridize.rewriter.model import Change, ChangeAction
from hybridize.rewriter.write import FilePlan, plan_file, write_plan
from hybridize.transfer.analysis import Analysis
from hybridize.transfer.facts import FunctionFacts, OracleAnswers, compute_facts
from hybridize.verify import (
    REFUTED,
    Candidate,
    Outcome,
    ProjectFile,
    Verification,
    cached_outcomes,
    verify_candidates,
)

SCHEMA_VERSION = 1


class UserError(Exception):
    """Bad input from the user (missing path, no Python files, bad configuration): reported as
    one line with exit code 2, never as a traceback."""


@attrs.frozen
class Config:
    """Analysis settings (``[tool.hybridize]`` and CLI flags end up here)."""

    exclude: tuple[str, ...] = ()
    speculative: bool = True  # name-based guesses (reported as assumptions) when nothing is known
    min_ops: int = 6  # TF ops per call below which a function is too cheap to hybridize
    select: tuple[str, ...] = ()  # only these reason ids (empty: all)
    ignore: tuple[str, ...] = ()  # never these reason ids
    input_signatures: str = "when-retracing"  # always | never | when-retracing
    timings: bool = False  # include wall-clock timings in the JSON (off: output is deterministic)
    #: Functions a framework calls repeatedly from outside the analysed code (qualname globs, or
    #: ``path::qualname`` globs): they count as called repeatedly.
    entry_points: tuple[str, ...] = ()
    #: Callees outside the analysed code (dotted-name globs, e.g. ``mylib.log.*``) declared free
    #: of Python side effects: calls to them are not unmodelled-call assumptions.
    assume_pure: tuple[str, ...] = ()
    #: Optional type oracle (``"pyright"``) asked about values the analysis leaves unknown; its
    #: answers are facts with ``oracle`` evidence. None: no oracle (the default).
    oracle: str | None = None
    oracle_timeout: float = 120.0  # seconds the oracle may run

    def to_json(self) -> dict[str, Any]:
        oracle = {"oracle": self.oracle} if self.oracle is not None else {}
        return {
            **oracle,
            "exclude": list(self.exclude),
            "speculative": self.speculative,
            "min_ops": self.min_ops,
            "select": sorted(self.select),
            "ignore": sorted(self.ignore),
            "input_signatures": self.input_signatures,
            "entry_points": list(self.entry_points),
            "assume_pure": list(self.assume_pure),
        }

    def settings(self) -> Settings:
        """The decision settings; unknown reason ids are a user error (one clear line)."""
        known = set(all_rules())
        unknown = sorted((set(self.select) | set(self.ignore)) - known)
        if unknown:
            raise UserError(
                f"unknown reason id(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})"
            )
        if self.input_signatures not in ("always", "never", "when-retracing"):
            raise UserError(
                f"--input-signatures must be always, never or when-retracing, "
                f"not {self.input_signatures!r}"
            )
        if self.min_ops < 0:
            raise UserError("--min-ops must be 0 or more")
        if self.oracle not in (None, "pyright"):
            raise UserError(f"--oracle must be pyright, not {self.oracle!r}")
        if not self.oracle_timeout > 0:
            raise UserError("--oracle-timeout must be more than 0 seconds")
        return Settings(
            speculative=self.speculative,
            min_ops=self.min_ops,
            select=frozenset(self.select) if self.select else None,
            ignore=frozenset(self.ignore),
            input_signatures=self.input_signatures,
        )


@attrs.frozen
class FileResult:
    relpath: str
    status: str
    error: str | None
    lines: int
    path: str = ""  # absolute
    digest: str = ""  # SHA-256 of the bytes analysed (rewrites skip files that changed since)
    encoding: str = "utf-8"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"path": self.relpath, "status": self.status}
        if self.error is not None:
            data["error"] = self.error
        return data


@attrs.frozen
class Result:
    root: Path
    files: list[FileResult]
    functions: list[FunctionFacts]
    decisions: dict[str, Decision]
    config: Config
    seconds: float

    def function(self, qualname: str, path: str | None = None) -> FunctionFacts:
        """The facts of one function by qualname (and path when several files define it)."""
        for facts in self.functions:
            if facts.qualname == qualname and (path is None or facts.path == path):
                return facts
        raise KeyError(qualname if path is None else f"{path}::{qualname}")

    def decision(self, facts: FunctionFacts) -> Decision:
        return self.decisions[facts.id]

    @property
    def applicable(self) -> list[tuple[FunctionFacts, Decision]]:
        """The functions whose decision says to change them, in file order."""
        return [
            (f, self.decisions[f.id]) for f in self.functions if self.decisions[f.id].applicable
        ]

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "files": len(self.files),
            "files_by_status": _count(f.status for f in self.files),
            "functions": len(self.functions),
            "lines": self.lines,
            "decisions": _count(d.kind.value for d in self.decisions.values() if d.applicable),
            "reasons": _count(r for d in self.decisions.values() for r in d.reasons),
            "safety": _count(d.safety.value for d in self.decisions.values() if d.applicable),
        }
        if self.config.timings:
            summary["seconds"] = round(self.seconds, 3)
        verified = self.cached_verifications()
        return {
            "schema": SCHEMA_VERSION,
            "tool": {"name": "hybridize", "version": __version__},
            "settings": self.config.to_json(),
            "files": [f.to_json() for f in self.files],
            "functions": [
                {
                    **f.to_json(),
                    "decision": _decision_json(self.decisions[f.id], verified.get(f.id)),
                }
                for f in self.functions
            ],
            "summary": summary,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    # -- rewriting -----------------------------------------------------------------------------
    def fixable(self, unsafe: bool = False) -> list[tuple[FunctionFacts, Decision]]:
        """The applicable decisions ``fix`` applies: the safe ones, and with ``unsafe`` also the
        conditional ones; never one that ``verify`` refuted (a cached verification of the same
        sources)."""
        verified = self.cached_verifications()
        return [
            (f, d)
            for f, d in self.applicable
            if (unsafe or d.safety is Safety.SAFE)
            and not (f.id in verified and verified[f.id].status == REFUTED)
        ]

    # -- runtime verification ------------------------------------------------------------------
    def verify(
        self,
        python: str | os.PathLike[str] | None = None,
        timeout: float = 120.0,
        use_cache: bool = True,
        entry: str | os.PathLike[str] | None = None,
        jobs: int = 1,
    ) -> list[Verification]:
        """Run every applicable decision (safe and conditional) under TensorFlow and compare the
        original with the refactored code: through an entry program of the project (``entry``,
        else a module with ``if __name__ == "__main__":`` that imports the function), else on
        inputs generated from the inferred signature. Each run is a child process of ``python``
        (default: this interpreter) limited to ``timeout`` seconds; ``jobs`` runs at once.
        Results are cached in ``.hybridize_cache/verify/`` at the project root (``use_cache``
        false recomputes them). Needs nothing but the standard library here: TensorFlow is only
        imported by the children."""
        if not timeout > 0:
            raise UserError("--timeout must be more than 0 seconds")
        if jobs < 1:
            raise UserError("--jobs must be 1 or more")
        interpreter = os.fspath(python) if python is not None else sys.executable
        if os.sep in interpreter or (os.altsep and os.altsep in interpreter):
            if not os.path.isfile(interpreter):
                raise UserError(f"--python: {interpreter}: no such file")
        else:
            import shutil

            found = shutil.which(interpreter)
            if found is None:
                raise UserError(f"--python: {interpreter}: not found on PATH")
            interpreter = found
        entry_path = None
        if entry is not None:
            entry_path = Path(entry).resolve()
            if not entry_path.is_file():
                raise UserError(f"--entry: {os.fspath(entry)}: no such file")
        candidates = [Candidate(f, d, _change(f, d)) for f, d in self.applicable]
        if not candidates:
            return []
        return verify_candidates(
            self.root,
            self._project_files(),
            candidates,
            version=__version__,
            python=interpreter,
            timeout=float(timeout),
            use_cache=use_cache,
            entry=entry_path,
            jobs=jobs,
        )

    def cached_verifications(self) -> dict[str, Outcome]:
        """Function id -> the latest cached verification of its applicable decision, when the
        sources it was verified on are the ones analysed (whatever interpreter ran it)."""
        applicable = [(f.id, d) for f, d in self.applicable]
        if not applicable:
            return {}
        return cached_outcomes(self.root, applicable, self._project_files(), __version__)

    def _project_files(self) -> list[ProjectFile]:
        return [
            ProjectFile(f.relpath, f.path, f.digest, f.encoding)
            for f in self.files
            if f.status == SourceStatus.ANALYZED.value
        ]

    def plan(self, unsafe: bool = False) -> list[FilePlan]:
        """The rewrite of every file that has something to apply, computed but not written."""
        by_path: dict[str, list[Change]] = {}
        for facts, decision in self.fixable(unsafe):
            by_path.setdefault(facts.path, []).append(_change(facts, decision))
        files = {f.relpath: f for f in self.files}
        return [
            plan_file(
                files[p].path,
                p,
                files[p].digest,
                files[p].encoding,
                sorted(changes, key=lambda c: c.line),
            )
            for p, changes in sorted(by_path.items())
        ]

    def write(self, plans: Sequence[FilePlan]) -> list[FilePlan]:
        """Write the changed plans to disk (atomically; see ``rewriter.write``)."""
        files = {f.relpath: f for f in self.files}
        return [write_plan(plan, files[plan.relpath].digest) for plan in plans]

    def apply(self, unsafe: bool = False) -> list[Edit]:
        """Rewrite the files: apply the safe decisions (and the conditional ones with
        ``unsafe``). Returns one ``Edit`` per decision tried, saying whether it was applied."""
        return self.edits(self.write(self.plan(unsafe)))

    def diff(self, unsafe: bool = False) -> str:
        """The unified diff ``apply`` would make, without writing anything."""
        return "".join(plan.diff for plan in self.plan(unsafe))

    def edits(self, plans: Sequence[FilePlan]) -> list[Edit]:
        """One ``Edit`` per change of the plans: applied to the text, and written to disk."""
        decisions = {f.id: (f, d) for f, d in self.applicable}
        result: list[Edit] = []
        for plan in plans:
            for outcome in plan.outcomes:
                facts, decision = decisions[outcome.change.function_id]
                result.append(
                    Edit(
                        path=plan.relpath,
                        function_id=facts.id,
                        qualname=facts.qualname,
                        line=facts.location.line,
                        col=facts.location.col + 1,
                        kind=decision.kind.value,
                        safety=decision.safety.value,
                        applied=outcome.applied,
                        written=outcome.applied and plan.written,
                        message=outcome.message
                        if outcome.applied
                        else plan.message or outcome.message,
                    )
                )
        return result


@attrs.frozen
class Edit:
    """What ``fix`` did with one decision: ``applied`` to the text (the transformation found its
    target), ``written`` to disk; ``message`` says what was done or why not."""

    path: str
    function_id: str
    qualname: str
    line: int
    col: int
    kind: str
    safety: str
    applied: bool
    written: bool
    message: str


def _change(facts: FunctionFacts, decision: Decision) -> Change:
    """The rewriter's instruction for one applicable decision."""
    transformation = decision.transformation
    arguments = tuple(sorted(dict(transformation.get("arguments", {})).items()))
    action = {
        DecisionKind.HYBRIDIZE: ChangeAction.ADD,
        DecisionKind.DEHYBRIDIZE: ChangeAction.REMOVE,
        DecisionKind.RECONFIGURE: ChangeAction.CONFIGURE,
    }[decision.kind]
    return Change(facts.qualname, facts.location.line, action, arguments, facts.id)


def _decision_json(decision: Decision, verification: Outcome | None) -> dict[str, Any]:
    data = decision.to_json()
    if verification is not None:
        data["verification"] = {
            "status": verification.status,
            "detail": verification.detail,
            "speedup": verification.speedup,
        }
    return data


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while analysing: the analysis allocates millions of
    small long-lived objects (syntax trees, abstract values), and repeated full collections over
    them cost more than the analysis itself (measured: 3x on the keras sources). Reference counting
    still frees what dies; the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- the optional oracle (design §2): only imported when requested -----------------------------


class _Oracle:
    """``--oracle pyright``: find the tool before analysing (a missing one is a one-line user
    error), ask it once the analysis ran. ``hybridize.oracle`` is imported only here."""

    def __init__(self, config: Config) -> None:
        from hybridize.oracle.pyright import OracleUnavailable, locate

        self.config = config
        try:
            self.tool = locate()
        except OracleUnavailable as error:
            raise UserError(str(error)) from None

    def ask(self, analysis: Analysis) -> OracleAnswers:
        from hybridize.oracle.pyright import OracleUnavailable, run_oracle

        try:
            run = run_oracle(
                analysis,
                timeout=self.config.oracle_timeout,
                tool=self.tool,
                tool_version=__version__,
            )
        except OracleUnavailable as error:
            raise UserError(str(error)) from None
        return run.answers


def analyze(paths: Sequence[str | os.PathLike[str]], config: Config | None = None) -> Result:
    """Analyse the Python files under ``paths`` and return the per-function facts."""
    config = config or Config()
    settings = config.settings()
    started = time.perf_counter()
    if not paths:
        raise UserError("no paths given")
    for path in paths:
        if not os.path.exists(path):
            raise UserError(f"{os.fspath(path)}: no such file or directory")
    oracle = _Oracle(config) if config.oracle is not None else None  # fails early, clearly
    with _collector_paused():
        project = build_project(list(paths), exclude=config.exclude)
        if not project.files:
            shown = ", ".join(os.fspath(p) for p in paths)
            raise UserError(f"{shown}: no Python files found")
        analysis = Analysis(project, assume_pure=config.assume_pure)
        analysis.run()
        answers = oracle.ask(analysis) if oracle is not None else None
        functions = compute_facts(analysis, config.entry_points, answers)
        decisions = decide_all(functions, settings)
    files = [
        FileResult(
            f.relpath,
            f.status.value,
            f.error,
            f.lines if f.status is SourceStatus.ANALYZED else 0,
            f.path,
            f.digest,
            f.encoding,
        )
        for f in sorted(project.files, key=lambda f: f.relpath)
    ]
    return Result(project.root, files, functions, decisions, config, time.perf_counter() - started)
