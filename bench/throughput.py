"""Throughput benchmark: how fast, and in how much memory, ``hybridize`` analyses a source tree.

    python bench/throughput.py PATH [--repeat N] [--profile]

Prints files, KLOC (source lines of the analysed files / 1000), wall seconds, KLOC/s and peak
resident memory. With ``--repeat`` every run is shown and the best one summarised, since the
first run also pays for imports and cold caches. ``--profile`` runs once under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    # Run as a script from a checkout: measure the working tree, not some installed copy.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hybridize.api import Result, analyze


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("path", metavar="PATH", help="file or directory to analyse")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="runs (default: 1)")
    parser.add_argument("--profile", action="store_true", help="print the top 25 cumulative")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    if args.profile:
        profiler = cProfile.Profile()
        started = time.perf_counter()
        result = profiler.runcall(analyze, [args.path])
        _print_run(1, result, time.perf_counter() - started)
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(25)
        return 0

    best: float | None = None
    for run in range(1, args.repeat + 1):
        started = time.perf_counter()
        result = analyze([args.path])
        seconds = time.perf_counter() - started
        _print_run(run, result, seconds)
        best = seconds if best is None else min(best, seconds)
    if args.repeat > 1 and best is not None:
        print(f"best of {args.repeat}: {best:.2f} s, {_kloc(result) / best:.1f} KLOC/s")
    return 0


def _analysed(result: Result) -> list[int]:
    """Line counts of the files that were analysed (not skipped, unreadable or unparsable)."""
    return [
        record.lines
        for record in result.files
        if str(getattr(record.status, "value", record.status)) == "analyzed"
    ]


def _kloc(result: Result) -> float:
    return sum(_analysed(result)) / 1000


def _print_run(run: int, result: Result, seconds: float) -> None:
    analysed = len(_analysed(result))
    kloc = _kloc(result)
    rate = kloc / seconds if seconds > 0 else float("inf")
    print(
        f"run {run}: files {analysed}/{len(result.files)}  functions {len(result.functions)}  "
        f"KLOC {kloc:.1f}  seconds {seconds:.2f}  KLOC/s {rate:.1f}  "
        f"peak memory {_peak_memory_mb():.0f} MB"
    )


def _peak_memory_mb() -> float:
    """Peak resident set size of this process; ``ru_maxrss`` is KiB on Linux, bytes on macOS."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


if __name__ == "__main__":
    raise SystemExit(main())
