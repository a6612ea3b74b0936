"""What the optional pyright oracle (``--oracle pyright``) adds: unknowns resolved, decisions
changed, and the time it costs.

    python bench/oracle.py PATH [PATH ...] [--limit N] [--timeout S]

For each PATH: analyse once, then ask pyright (one batch run, cache bypassed) about every
parameter and call-site argument the interpreter left unknown, and compare. ``--limit N`` keeps
only the first N ``.py`` files of a directory (sorted by path) for a quick run.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script from a checkout: the working tree first
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hybridize import __version__
from hybridize.api import Config
from hybridize.oracle.pyright import locate, run_oracle
from hybridize.project.build import build_project
from hybridize.refactor.decide import decide_all
from hybridize.transfer.analysis import Analysis
from hybridize.transfer.facts import compute_facts


def files_of(path: Path, limit: int | None) -> list[str]:
    if path.is_file() or limit is None:
        return [str(path)]
    found = sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
    return [str(p) for p in found[:limit]]


def measure(path: Path, limit: int | None, timeout: float) -> dict[str, object]:
    settings = Config().settings()
    started = time.perf_counter()
    project = build_project(files_of(path, limit))
    analysis = Analysis(project)
    analysis.run()
    before = compute_facts(analysis)
    decisions_before = decide_all(before, settings)
    analysis_seconds = time.perf_counter() - started

    run = run_oracle(
        analysis, timeout=timeout, use_cache=False, tool=locate(), tool_version=__version__
    )
    started = time.perf_counter()
    after = compute_facts(analysis, oracle=run.answers)
    decisions_after = decide_all(after, settings)
    oracle_seconds = run.seconds + time.perf_counter() - started

    unknown_before = sum(p.kind == "unknown" for f in before for p in f.parameters)
    unknown_after = sum(p.kind == "unknown" for f in after for p in f.parameters)
    parameter_probes = [k for k in run.answers if k[2] is None]
    changed: Counter[str] = Counter()
    examples: list[str] = []
    for facts in after:
        old, new = decisions_before[facts.id], decisions_after[facts.id]
        differs = [
            name
            for name, a, b in (
                ("kind", old.kind, new.kind),
                ("applicable", old.applicable, new.applicable),
                ("safety", old.safety, new.safety),
            )
            if a != b
        ]
        if differs:
            changed["decisions"] += 1
            changed.update(differs)
            if len(examples) < 5:
                examples.append(
                    f"{facts.id}: {old.kind.value}/{old.applicable}/{old.safety.value} -> "
                    f"{new.kind.value}/{new.applicable}/{new.safety.value}"
                )
    mapped = Counter(fact.detail.split(": ", 1)[1] for fact in run.answers.values()).most_common(6)
    return {
        "files": sum(1 for f in project.files if f.status.value == "analyzed"),
        "functions": len(after),
        "parameters": sum(len(f.parameters) for f in after),
        "unknown parameters before": unknown_before,
        "unknown parameters after": unknown_after,
        "probes (parameters + call-site arguments)": run.probes,
        "probes pyright answered (any type)": run.answered,
        "answers mapped to a value (parameters / arguments)": (
            f"{len(run.answers)} ({len(parameter_probes)} / "
            f"{len(run.answers) - len(parameter_probes)})"
        ),
        "most frequent answers": ", ".join(f"{t} x{n}" for t, n in mapped) or "-",
        "decisions changed (kind / applicable / safety)": (
            f"{changed['decisions']} ({changed['kind']} / {changed['applicable']} / "
            f"{changed['safety']})"
        ),
        "examples": examples,
        "analysis seconds": round(analysis_seconds, 2),
        "extra seconds with the oracle": round(oracle_seconds, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=None, metavar="N")
    parser.add_argument("--timeout", type=float, default=600.0, metavar="S")
    args = parser.parse_args(argv)
    for path in args.paths:
        print(f"== {path}" + (f" (first {args.limit} files)" if args.limit else ""))
        for name, value in measure(path, args.limit, args.timeout).items():
            if isinstance(value, list):
                for item in value:
                    print(f"   {item}")
            else:
                print(f"{name:>52}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
