"""Stress test: force every transformation on every function of the installed Keras sources.

The generated programs of ``test_properties`` are small; Keras (about 900 files, 300k lines) is
a large body of real, idiomatic deep-learning code: long decorator stacks, ``tf.function``
already present in the TensorFlow backend, ``keras_export`` decorators on nearly everything,
conditional imports, ``__all__`` lists, deep nesting. Forcing ADD, REMOVE and CONFIGURE
(``reduce_retracing=True``) on every function of every file, one ``rewrite_source`` call per
file with all its changes, checks at scale what the properties check in the small:

* LibCST parses every file (a file it cannot parse is a file ``fix`` could never touch);
* every result compiles, and edits only the decorators of edited functions and TensorFlow
  imports (property d of ``test_properties``);
* the rewriter applies exactly the applicable ADD and REMOVE changes;
* fixing the result again, with the functions re-collected from it, changes nothing.

The sources are copied into ``tmp_path`` first so the test reads a private snapshot, never the
installed package. Files are spread over two processes (the CI machine has two cores), largest
first so both stay busy to the end. ``pytest -m slow -s tests/rewriter/test_stress_keras.py``
shows the totals.

Coverage: every file by default (about 9 minutes on two cores in CI). ``HYBRIDIZE_KERAS_STRIDE=N``
rewrites every N-th file in path order instead, for a quicker local run. A second fix is run
only on results that changed: on an unchanged result it would repeat the first call exactly.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import attrs
import pytest

from hybridize.rewriter import ChangeAction, Outcome, RewriteError, rewrite_source

from .test_properties import (
    FunctionSite,
    applicable,
    assert_local_edit,
    collect_functions,
    compiles,
    force,
    parses,
)

pytestmark = pytest.mark.slow

MAX_PROBLEMS_SHOWN = 20
STRIDE = int(os.environ.get("HYBRIDIZE_KERAS_STRIDE", "1"))


@attrs.frozen
class FileResult:
    """What forcing the three transformations on one file did."""

    path: str
    functions: int
    applied: tuple[int, ...]
    problems: tuple[str, ...]
    unparseable: bool
    seconds: float = 0.0


def _problem(path: Path, action: ChangeAction, detail: object) -> str:
    return f"{path}: {action.name}: {str(detail)[:1500]}"


def rewrite_file(path: Path) -> FileResult:
    """Force each action on every function of ``path``; runs in a worker process.

    Any exception is reported as a problem of the file rather than raised, so one crash does
    not hide what happened to the other files.
    """
    try:
        return _rewrite_file(path)
    except Exception as error:
        detail = "".join(traceback.format_exception(error)[-6:])
        return FileResult(str(path), 0, (), (f"{path}: crashed: {detail}",), unparseable=False)


def _rewrite_file(path: Path) -> FileResult:
    started = time.perf_counter()
    source = path.read_text(encoding="utf-8")
    if not parses(source):
        return FileResult(str(path), 0, (), (), unparseable=True)
    sites = collect_functions(source)
    original_compiles = compiles(source)
    applied: list[int] = []
    problems: list[str] = []
    for action in ChangeAction:
        try:
            result = rewrite_source(source, force(source, action, sites))
        except RewriteError as error:
            problems.append(_problem(path, action, f"refused: {error}"))
            applied.append(0)
            continue
        applied.append(sum(outcome.applied for outcome in result.outcomes))
        expected = sum(applicable(site, action) for site in sites)
        if action is not ChangeAction.CONFIGURE and applied[-1] != expected:
            refused = _refused_applicable(result.outcomes, sites)
            problems.append(_problem(path, action, f"applied {applied[-1]}/{expected}: {refused}"))
        if result.source is source:
            continue
        if original_compiles and not compiles(result.source):
            problems.append(_problem(path, action, "result does not compile"))
            continue
        try:
            assert_local_edit(source, result)
            again = rewrite_source(result.source, force(result.source, action))
            assert again.source == result.source, "second fix changed the file"
            assert not again.changed, [o for o in again.outcomes if o.applied]
        except (AssertionError, RewriteError) as error:
            problems.append(_problem(path, action, error))
    return FileResult(
        str(path),
        len(sites),
        tuple(applied),
        tuple(problems),
        unparseable=False,
        seconds=time.perf_counter() - started,
    )


def _refused_applicable(outcomes: Sequence[Outcome], sites: Sequence[FunctionSite]) -> list[str]:
    """Messages of the outcomes that were not applied although their change applies."""
    wanted = {(site.qualname, site.line): site for site in sites}
    return [
        f"{outcome.change.qualname}@{outcome.change.line}: {outcome.message}"
        for outcome in outcomes
        if not outcome.applied
        and (site := wanted.get((outcome.change.qualname, outcome.change.line))) is not None
        and applicable(site, outcome.change.action)
    ]


def _keras_sources(destination: Path) -> list[Path]:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("keras is not installed")
    package = Path(next(iter(spec.submodule_search_locations)))
    copied: list[Path] = []
    for source in sorted(package.rglob("*.py")):
        target = destination / "keras" / source.relative_to(package)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(target)
    return copied


def test_every_transformation_on_every_keras_function(tmp_path: Path) -> None:
    every = _keras_sources(tmp_path)
    files = sorted(every[::STRIDE], key=lambda path: path.stat().st_size, reverse=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(rewrite_file, files))
    elapsed = time.perf_counter() - started

    unparseable = [result.path for result in results if result.unparseable]
    problems = [problem for result in results for problem in result.problems]
    functions = sum(result.functions for result in results)
    applied = {
        action.name: sum(result.applied[index] for result in results if result.applied)
        for index, action in enumerate(ChangeAction)
    }
    slowest = max(results, key=lambda result: result.seconds)
    print(
        f"\nkeras stress: {len(files)} of {len(every)} files (every {STRIDE}), "
        f"{functions} functions, applied {applied}, {len(unparseable)} unparseable, "
        f"{len(problems)} problems, {elapsed:.1f} s wall, "
        f"{sum(result.seconds for result in results):.1f} s in workers, "
        f"slowest {Path(slowest.path).relative_to(tmp_path)} {slowest.seconds:.1f} s"
    )
    assert not unparseable, f"LibCST cannot parse {len(unparseable)} files: {unparseable}"
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:MAX_PROBLEMS_SHOWN])
    assert STRIDE > 1 or len(files) == len(every), "the default covers every file"
    assert functions > 2000, "the Keras sources were not found or not read"
