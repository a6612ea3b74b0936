"""The command-line front door: parse arguments, call the library API, print, choose the exit code.

Holds no analysis logic: everything it prints comes from ``hybridize.api.Result`` (its JSON-able
``to_dict()`` form, which is the stable contract), so the CLI and library can never disagree.
Exit codes follow design §9: 0 success, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from hybridize import __version__
from hybridize.report.links import DEFAULT_DOCS_URL

if TYPE_CHECKING:
    from hybridize.api import Edit, Result
    from hybridize.config import Resolved

PROG = "hybridize"

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_ERROR = 2

_ANSI = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return the exit code (the console script passes it to ``sys.exit``)."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into ``head`` and friends: stop quietly, like other Unix tools.
        _silence_stdout()
        return EXIT_OK
    except Exception as error:  # the one place where every failure becomes an exit code
        return _report_failure(error, show_traceback=args.traceback)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Decide which TensorFlow 2 functions should run as graphs (tf.function).",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.set_defaults(command=None, traceback=False)

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--traceback",
        action="store_true",
        help="on an internal error, print the full Python traceback",
    )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    analyze = commands.add_parser(
        "analyze",
        parents=[common],
        help="print the facts the analysis infers for every function",
        description="Analyse Python files and print the per-function facts "
        "(parameters, effects, whether the function is already a tf.function).",
    )
    analyze.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)"
    )
    analyze.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    analyze.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files matching GLOB (repeatable)",
    )
    analyze.set_defaults(handler=_run_analyze)

    options = argparse.ArgumentParser(add_help=False)
    _add_decision_options(options)

    check = commands.add_parser(
        "check",
        parents=[common, options],
        help="decide, per function, whether to add or remove @tf.function (with proofs)",
        description="Print one line per applicable decision. Exit 0 when nothing applies, 1 when "
        "refactorings apply, 2 on errors.",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--all", action="store_true", help="also list decisions that do not apply")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when rules apply")
    check.set_defaults(handler=_run_check)

    fix = commands.add_parser(
        "fix",
        parents=[common, options],
        help="apply the safe decisions to the source (add/remove @tf.function)",
        description="Rewrite the files: apply the safe decisions (and the conditional ones with "
        "--unsafe). Files are written atomically; a file that changed since it was analysed, "
        "does not parse or has nothing to apply is never written.",
    )
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.add_argument(
        "--unsafe",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also apply conditional decisions (those resting on assumptions)",
    )
    fix.add_argument(
        "--exit-non-zero-on-fix",
        action="store_true",
        help="exit 1 when files were changed (for pre-commit)",
    )
    fix.set_defaults(handler=_run_fix)

    report = commands.add_parser(
        "report",
        parents=[common, options],
        help="write a soundness report (HTML, Markdown, JSON or SARIF)",
        description="Analyse and write a report to FILE, in the format its extension names: "
        ".html (one self-contained page: summary, charts, assumption inventory, every proof "
        "with source snippets), .md (the same as GitHub-flavoured Markdown), .json (the "
        "document `check --format json` prints) or .sarif (SARIF 2.1.0). The file is replaced "
        "atomically. Exit 0 when the report was written, 2 on errors.",
    )
    report.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE",
        help="the report file; its extension (.html, .md, .json, .sarif) picks the format",
    )  # fmt: skip
    report.add_argument(
        "--docs-url",
        default=None,
        metavar="URL",
        help="where the reason pages are: reasons in HTML and Markdown reports link to "
        "URL/reasons/ID.md (default: "
        "the docs/ directory of the hybridize checkout, as a path relative to FILE, when "
        f"hybridize runs from a checkout; else {DEFAULT_DOCS_URL})",
    )
    report.set_defaults(handler=_run_report)

    _add_verify_command(commands, [common, options])

    explain = commands.add_parser(
        "explain",
        parents=[common],
        help="print the proof of one function's decision",
        description="Print the decision for PATH::QUALNAME with its premises and assumptions.",
    )
    explain.add_argument("target", metavar="PATH::QUALNAME")
    _add_settings_options(explain)
    explain.set_defaults(handler=_run_explain)
    return parser


def _add_decision_options(parser: argparse.ArgumentParser) -> None:
    """The options ``check`` and ``fix`` share. Defaults are None so that ``[tool.hybridize]``
    in pyproject.toml can supply them; a flag given on the command line wins."""
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or directories (default: include, or .)"
    )
    _add_settings_options(parser)


def _add_settings_options(parser: argparse.ArgumentParser) -> None:
    """The decision settings (everything but the paths), shared by every command that decides."""
    parser.add_argument(
        "--exclude", action="append", default=None, metavar="GLOB",
        help="skip files matching GLOB (repeatable; adds to the configured exclude)",
    )  # fmt: skip
    parser.add_argument(
        "--speculative",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="name-based guesses when nothing is known (reported as assumptions; default: on)",
    )
    parser.add_argument(
        "--min-ops", type=int, default=None, metavar="N", help="too-little-work threshold (0: off)"
    )
    parser.add_argument(
        "--select",
        type=_ids,
        default=None,
        metavar="IDS",
        help="only these reason ids (comma list)",
    )
    parser.add_argument(
        "--ignore",
        type=_ids,
        default=None,
        metavar="IDS",
        help="never these reason ids (comma list)",
    )
    parser.add_argument(
        "--input-signatures",
        choices=("when-retracing", "always", "never"),
        default=None,
        help="when to propose input_signature (reconfigure decisions; default: when-retracing)",
    )
    parser.add_argument(
        "--report-unused-ignores",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="report `# hybridize: ignore` comments that suppress nothing (and exit 1)",
    )
    parser.add_argument(
        "--config", type=Path, default=None, metavar="FILE",
        help="read [tool.hybridize] from FILE instead of the nearest pyproject.toml",
    )  # fmt: skip
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files")
    parser.add_argument(
        "--oracle", choices=("pyright",), default=None,
        help="ask pyright (Node.js + `pip install pyright`) about values left unknown",
    )  # fmt: skip
    parser.add_argument(
        "--oracle-timeout", type=float, default=None, metavar="S",
        help="seconds the oracle may run (default: 120)",
    )  # fmt: skip


def _resolve(args: argparse.Namespace) -> Resolved:
    """Command-line flags over ``[tool.hybridize]`` over the defaults."""
    from hybridize.config import resolve

    overrides = {
        "exclude": tuple(args.exclude) if args.exclude is not None else None,
        "speculative": args.speculative,
        "min_ops": args.min_ops,
        "select": args.select,
        "ignore": args.ignore,
        "input_signatures": args.input_signatures,
        "report_unused_ignores": args.report_unused_ignores,
        "unsafe": getattr(args, "unsafe", None),
        "oracle": args.oracle,
        "oracle_timeout": args.oracle_timeout,
    }
    return resolve(list(args.paths), overrides, config_file=args.config, isolated=args.isolated)


def _run_analyze(args: argparse.Namespace) -> int:
    from hybridize import api  # imported here so that failures surface as clean exit codes

    config = api.Config(exclude=tuple(args.exclude))
    result = api.analyze(list(args.paths), config)
    if args.format == "json":
        text = result.to_json()
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        _print_text(result, sys.stdout)
    sys.stdout.flush()
    return EXIT_OK


def _run_check(args: argparse.Namespace) -> int:
    from hybridize import api
    from hybridize.report.text import check_report

    resolved = _resolve(args)
    result = api.analyze(list(resolved.paths), resolved.config)
    if args.format == "json":
        sys.stdout.write(result.to_json())
    else:
        style = _Style(enabled=_use_colour(sys.stdout))
        sys.stdout.write(
            check_report(result.functions, result.decisions, show_all=args.all, style=style)
        )
    unused = _report_suppressions(result, resolved.report_unused_ignores)
    sys.stdout.flush()
    if (result.applicable or unused) and not args.exit_zero:
        return EXIT_FOUND
    return EXIT_OK


def _run_fix(args: argparse.Namespace) -> int:
    from hybridize import api

    resolved = _resolve(args)
    result = api.analyze(list(resolved.paths), resolved.config)
    for entry in result.files:
        if entry.status != "analyzed":
            detail = f": {_one_line(entry.error)}" if entry.error else ""
            print(f"{PROG}: warning: {entry.relpath}: {entry.status}{detail}", file=sys.stderr)
    plans = result.plan(unsafe=resolved.unsafe)
    if args.diff:
        diff = "".join(plan.diff for plan in plans)
        sys.stdout.write(diff)
        edits = result.edits(plans)
    else:
        plans = result.write(plans)
        edits = result.edits(plans)
        _print_edits(edits, sys.stdout)
    fixable = {facts.id for facts, _ in result.fixable(resolved.unsafe)}
    refuted = {
        fid for fid, v in result.cached_verifications().items() if v.status == "refuted"
    }
    left = [f for f, _ in result.applicable if f.id not in fixable and f.id not in refuted]
    skipped = [f for f, _ in result.applicable if f.id in refuted]
    failed = [p for p in plans if p.message]
    for plan in failed:
        print(f"{PROG}: error: {plan.relpath}: {plan.message}", file=sys.stderr)
    unused = _report_suppressions(result, resolved.report_unused_ignores)
    changed = [p for p in plans if p.written or (args.diff and p.before != p.after)]
    applied = sum(1 for e in edits if e.applied and (e.written or args.diff))
    verb = "Would fix" if args.diff else "Fixed"
    summary = f"{verb} {_plural(applied, 'function')} in {_plural(len(changed), 'file')}"
    if left:
        summary += (
            f"; {_plural(len(left), 'conditional refactoring')} not applied (--unsafe applies them)"
        )
    if skipped:
        summary += (
            f"; {_plural(len(skipped), 'refactoring')} refuted by `hybridize verify` not applied"
        )
    print(summary, file=sys.stderr if args.diff else sys.stdout)
    sys.stdout.flush()
    if failed:
        return EXIT_ERROR
    if unused or (changed and (args.diff or args.exit_non_zero_on_fix)):
        return EXIT_FOUND
    return EXIT_OK


#: Report formats by file extension.
_REPORT_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".json": "json",
    ".sarif": "sarif",
}


def _run_report(args: argparse.Namespace) -> int:
    import attrs

    from hybridize import api

    output: Path = args.output
    form = _REPORT_FORMATS.get(output.suffix.lower())
    if form is None:
        known = ", ".join(sorted(set(_REPORT_FORMATS) - {".htm"}))
        suffix = output.suffix or "(none)"
        raise api.UserError(f"{output}: unknown report extension {suffix!r} (use {known})")
    _check_writable(output)
    resolved = _resolve(args)
    result = api.analyze(list(resolved.paths), attrs.evolve(resolved.config, timings=True))
    document = result.to_dict()
    if form == "json":
        untimed = attrs.evolve(result, config=attrs.evolve(result.config, timings=False))
        text = untimed.to_json()
    elif form == "sarif":
        from hybridize.report.sarif import DOCS_URL, sarif_json

        untimed = attrs.evolve(result, config=attrs.evolve(result.config, timings=False))
        docs_url = args.docs_url.rstrip("/") + "/reasons/" if args.docs_url else DOCS_URL
        text = sarif_json(untimed.to_dict(), docs_url=docs_url, root=result.root)
    else:
        from hybridize.report.snippets import SourceFiles

        docs_base = args.docs_url or _default_docs_base(output)
        sources = SourceFiles(
            {f.relpath: (f.path, f.encoding) for f in result.files if f.status == "analyzed"}
        )
        if form == "html":
            from hybridize.report.html import render_html

            text = render_html(document, sources, docs_base=docs_base)
        else:
            from hybridize.report.markdown import render_markdown

            text = render_markdown(document, sources, docs_base=docs_base)
    _write_report(output, text)
    summary = document["summary"]
    applicable = sum(summary.get("decisions", {}).values())
    print(
        f"Wrote {output}: {_plural(int(summary['functions']), 'function')}, "
        f"{_plural(applicable, 'applicable refactoring')}"
    )
    return EXIT_OK


def _check_writable(output: Path) -> None:
    """Fail before the analysis, with one line, when the report could not be written."""
    from hybridize.api import UserError

    directory = output.parent if str(output.parent) else Path(".")
    if output.is_dir():
        raise UserError(f"{output}: is a directory")
    if not directory.is_dir():
        raise UserError(f"{output}: directory {directory} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise UserError(f"{output}: directory {directory} is not writable")


def _write_report(output: Path, text: str) -> None:
    """Replace ``output`` atomically (temp file in the same directory, then rename), keeping
    the permissions of a file it replaces."""
    from hybridize.api import UserError
    from hybridize.rewriter.write import atomic_write

    try:
        mode = stat.S_IMODE(output.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        atomic_write(output, text.encode("utf-8"), mode)
    except OSError as error:
        raise UserError(f"{output}: cannot write the report: {error.strerror or error}") from None


def _default_docs_base(output: Path) -> str:
    """The docs/ of the checkout hybridize runs from, relative to the report, else the web."""
    import hybridize

    docs = Path(hybridize.__file__).resolve().parent.parent / "docs"
    if not docs.is_dir():
        return DEFAULT_DOCS_URL
    try:
        relative = os.path.relpath(docs, output.resolve().parent)
    except ValueError:  # another drive (Windows)
        return docs.as_uri()
    return Path(relative).as_posix()


# --- verify: runtime validation of the decisions (hybridize.verify) -------------------------------


def _add_verify_command(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    verify = commands.add_parser(
        "verify",
        parents=parents,
        help="run the original and the refactored code under TensorFlow and compare",
        description="For each applicable decision (safe and conditional), run the project's "
        "entry program (a module with `if __name__ == '__main__':`) unchanged and with only "
        "that decision applied, in temporary copies and child processes of --python, and "
        "compare the function's results, the program's prints, logging, file writes and "
        "module globals, and trace counts; without a program that calls the function, call it "
        "on inputs generated from its inferred signature. Outcomes (verified with the speedup, "
        "refuted with the difference, not-verifiable with why) are cached in "
        ".hybridize_cache/verify/; `fix` never applies a refuted decision. Exit 0 when nothing "
        "is refuted, 1 when something is, 2 on errors.",
    )
    verify.add_argument(
        "--python", default=None, metavar="PATH",
        help="the interpreter with TensorFlow to run the code with (default: this one)",
    )  # fmt: skip
    verify.add_argument(
        "--timeout", type=float, default=120.0, metavar="S",
        help="seconds each run may take (default: 120)",
    )  # fmt: skip
    verify.add_argument(
        "--entry", type=Path, default=None, metavar="PATH",
        help="the program to run (default: a module with `if __name__ == '__main__':` that "
        "imports the function's module)",
    )  # fmt: skip
    verify.add_argument(
        "--jobs", type=int, default=1, metavar="N",
        help="runs at once (default: 1; more is faster but makes the timings noisier)",
    )  # fmt: skip
    verify.add_argument(
        "--no-cache", action="store_true", help="recompute cached outcomes (and cache the new ones)"
    )
    verify.set_defaults(handler=_run_verify)


def _run_verify(args: argparse.Namespace) -> int:
    from hybridize import api

    resolved = _resolve(args)
    result = api.analyze(list(resolved.paths), resolved.config)
    count = len(result.applicable)
    if count and sys.stderr.isatty():
        print(f"verifying {_plural(count, 'decision')}…", file=sys.stderr, flush=True)
    verifications = result.verify(
        python=args.python,
        timeout=args.timeout,
        use_cache=not args.no_cache,
        entry=args.entry,
        jobs=args.jobs,
    )
    style = _Style(enabled=_use_colour(sys.stdout))
    colours = {"verified": "green", "refuted": "red", "not-verifiable": "yellow"}
    for verification in sorted(verifications, key=lambda v: (v.path, v.line, v.col)):
        location = f"{verification.path}:{verification.line}:{verification.col}:"
        detail = verification.detail
        if verification.speedup is not None:
            speedup = verification.speedup
            detail += f", speedup {speedup:.1f}x" if speedup >= 1 else f", speedup {speedup:.2f}x"
        note = " [cached]" if verification.cached else ""
        sys.stdout.write(
            f"{style('bold', location)} {style(colours[verification.status], verification.status)} "
            f"{verification.kind} {style('bold', verification.qualname)} — {detail}{note}\n"
        )
    counts = {status: 0 for status in colours}
    for verification in verifications:
        counts[verification.status] += 1
    if verifications:
        summary = (
            f"{_plural(count, 'applicable decision')}: {counts['verified']} verified, "
            f"{counts['refuted']} refuted, {counts['not-verifiable']} not verifiable"
        )
        cached = sum(1 for v in verifications if v.cached)
        if cached:
            summary += f" ({cached} cached)"
    else:
        summary = "Nothing to verify: no applicable decisions"
    print(style("dim", summary))
    sys.stdout.flush()
    return EXIT_FOUND if counts["refuted"] else EXIT_OK


def _print_edits(edits: Sequence[Edit], out: TextIO) -> None:
    style = _Style(enabled=_use_colour(out))
    done = {"hybridize": "hybridized", "dehybridize": "dehybridized", "reconfigure": "reconfigured"}
    for edit in edits:
        location = f"{edit.path}:{edit.line}:{edit.col}:"
        if edit.written:
            action = style("green", done.get(edit.kind, edit.kind))
            out.write(f"{location} {action} {style('bold', edit.qualname)} [{edit.safety}]\n")
        elif not edit.applied:
            out.write(
                f"{location} {style('yellow', 'not applied')} {edit.kind} "
                f"{style('bold', edit.qualname)}: {edit.message}\n"
            )


def _report_suppressions(result: Result, report_unused: bool) -> list[str]:
    """Print unused suppression comments when asked; unknown ids in them are always worth a
    warning (a typo there silently suppresses nothing)."""
    from hybridize.report.text import unused_suppressions

    lines = unused_suppressions(result.functions, result.decisions)
    if report_unused:
        for line in lines:
            print(line)
        return lines
    for facts in result.functions:
        note = result.decisions[facts.id].suppression
        if note is not None and note.unknown:
            print(
                f"{PROG}: warning: {note.at}: unknown id(s) in suppression: "
                f"{', '.join(note.unknown)}",
                file=sys.stderr,
            )
    return []


def _run_explain(args: argparse.Namespace) -> int:
    from hybridize import api
    from hybridize.report.text import explain

    path, separator, qualname = args.target.rpartition("::")
    if not separator or not path or not qualname:
        raise api.UserError(f"{args.target}: expected PATH::QUALNAME (e.g. train.py::train_step)")
    target = Path(path)
    if not target.exists():
        raise api.UserError(f"{path}: no such file or directory")
    root = _project_root(target.resolve())
    args.paths = [str(root)]
    result = api.analyze([root], _resolve(args).config)  # the settings check would use
    wanted = target.resolve()
    matches = [f for f in result.functions if f.qualname == qualname and (root / f.path) == wanted]
    if not matches:
        in_file = [f.qualname for f in result.functions if (root / f.path) == wanted]
        known = ", ".join(sorted(in_file)[:10]) or "none"
        raise api.UserError(f"{path}: no function {qualname!r} (functions: {known})")
    for facts in matches:
        sys.stdout.write(explain(facts, result.decisions[facts.id]))
    return EXIT_OK


def _ids(text: str) -> tuple[str, ...]:
    """``a,b , c`` -> ("a", "b", "c"): the reason-id lists of --select and --ignore."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _project_root(path: Path) -> Path:
    """The analysis root for ``explain``: the nearest enclosing directory that looks like a
    project (``pyproject.toml``, ``setup.py``, ``.git``), so callers in other files count."""
    start = path if path.is_dir() else path.parent
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in ("pyproject.toml", "setup.py", ".git")):
            return directory
    return start


def _report_failure(error: Exception, *, show_traceback: bool) -> int:
    if _is_user_error(error):
        print(f"{PROG}: error: {_one_line(str(error))}", file=sys.stderr)
        return EXIT_ERROR
    if show_traceback:
        traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
    print(
        f"{PROG}: internal error: {type(error).__name__}: {_one_line(str(error))}",
        file=sys.stderr,
    )
    if not show_traceback:
        print(f"{PROG}: rerun with --traceback for details", file=sys.stderr)
    return EXIT_ERROR


def _is_user_error(error: Exception) -> bool:
    try:
        from hybridize.api import UserError
    except Exception:  # a broken api module is itself an internal error
        return False
    return isinstance(error, UserError)


def _one_line(message: str) -> str:
    return " ".join(message.split()) or "(no message)"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured or closed stream)
        pass


# --- text rendering -------------------------------------------------------------------------------
# Kept here until ``report/`` has a text renderer; it reads only the JSON contract of design §8.


def _print_text(result: Result, out: TextIO) -> None:
    style = _Style(enabled=_use_colour(out))
    data = result.to_dict()
    files: list[Mapping[str, Any]] = list(data.get("files", []))
    functions: list[Mapping[str, Any]] = list(data.get("functions", []))

    by_path: dict[str, list[Mapping[str, Any]]] = {}
    for function in functions:
        by_path.setdefault(str(function.get("path", "")), []).append(function)

    first = True
    for path in sorted(by_path):
        if not first:
            out.write("\n")
        first = False
        for function in sorted(by_path[path], key=_source_order):
            out.write(_function_line(function, style) + "\n")

    failed = [entry for entry in files if entry.get("status") != "analyzed"]
    if failed and not first:
        out.write("\n")
    for entry in sorted(failed, key=lambda e: str(e.get("path", ""))):
        status = str(entry.get("status", "?"))
        reason = entry.get("error")
        detail = f": {_one_line(str(reason))}" if reason else ""
        out.write(f"{style('bold', str(entry.get('path', '?')))}: {style('red', status)}{detail}\n")

    analysed = sum(1 for entry in files if entry.get("status") == "analyzed")
    skipped = sum(1 for entry in files if entry.get("status") == "skipped")
    errors = len(failed) - skipped
    function_count = int(data.get("summary", {}).get("functions", len(functions)))
    summary = [
        f"{_plural(analysed, 'file')} analysed",
        _plural(function_count, "function"),
        f"{_plural(errors, 'file')} with errors",
    ]
    if skipped:
        summary.append(f"{_plural(skipped, 'file')} skipped")
    out.write(style("dim", ", ".join(summary)) + "\n")


def _function_line(function: Mapping[str, Any], style: _Style) -> str:
    location = f"{function.get('path', '?')}:{function.get('line', '?')}:"
    if function.get("col") is not None:  # 1-based in the JSON, as editors count
        location += f"{function['col']}:"
    parts = [style("bold", location), " ", style("cyan", _qualname(function))]
    hybrid = function.get("hybrid")
    if hybrid is True:
        parts.append("  " + style("green", "[hybrid]"))
    elif hybrid is None:
        parts.append("  " + style("yellow", "[hybrid?]"))
    parameters = [_parameter_text(parameter) for parameter in function.get("parameters", [])]
    if parameters:
        parts.append("  params: " + ", ".join(parameters))
    effects = _effects_text(function.get("effects", []))
    if effects:
        parts.append("  effects: " + style("yellow", effects))
    return "".join(parts)


def _source_order(function: Mapping[str, Any]) -> tuple[int, str]:
    return int(function.get("line") or 0), _qualname(function)


def _qualname(function: Mapping[str, Any]) -> str:
    return str(function.get("qualname") or function.get("name") or "?")


def _parameter_text(parameter: Mapping[str, Any]) -> str:
    """``n=python{1,2}``: the constants a Python parameter receives; ``…`` when unbounded."""
    kind = parameter.get("kind") or "unknown"
    values = [str(value) for value in parameter.get("values") or []]
    if parameter.get("bounded") is False and kind in ("python", "mixed"):
        values.append("…")
    suffix = "{" + ",".join(values) + "}" if values else ""
    return f"{parameter.get('name', '?')}={kind}{suffix}"


def _effects_text(effects: Sequence[Mapping[str, Any]], limit: int = 8) -> str:
    """``kind@path:line:col`` per distinct effect; long lists are cut (the JSON has them all)."""
    seen: dict[str, None] = {}
    for effect in effects:
        at = effect.get("at")
        seen[f"{effect.get('kind', '?')}@{at}" if at else str(effect.get("kind", "?"))] = None
    shown = list(seen)[:limit]
    if len(seen) > limit:
        shown.append(f"(+{len(seen) - limit} more)")
    return " ".join(shown)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _use_colour(out: TextIO) -> bool:
    """Colour only for a terminal, honouring the NO_COLOR / FORCE_COLOR conventions."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


class _Style:
    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, name: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\x1b[{_ANSI[name]}m{text}\x1b[0m"
