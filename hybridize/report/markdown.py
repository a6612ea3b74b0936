"""The soundness report as GitHub-flavoured Markdown: the content of the HTML report, with tables
in place of the charts, for pull-request comments, wikis and job summaries."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from hybridize.report.inventory import (
    DecisionView,
    KindEntry,
    PremiseView,
    Report,
    build_report,
    plural,
    speedup_text,
)
from hybridize.report.links import reason_url
from hybridize.report.snippets import MAX_SNIPPETS, SnippetBudget

#: Characters that start Markdown (or HTML) inline markup anywhere; ``_`` only at a word edge
#: (GFM never reads snake_case as emphasis).
_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
#: Characters that start block markup (headings, lists, quotes) at the start of a line.
_BLOCK_START = re.compile(r"^([0-9]*)([#+\-=.)])")


def render_markdown(
    document: Mapping[str, Any],
    sources: Mapping[str, str] | None = None,
    *,
    docs_base: str,
) -> str:
    """The report for a schema-1 document; ``sources`` (path -> text) gives snippets."""
    report = build_report(document)
    lines = _Writer(report, sources or {}, docs_base).render()
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


class _Writer:
    def __init__(self, report: Report, sources: Mapping[str, str], docs_base: str) -> None:
        self.report = report
        self.sources = sources
        self.docs_base = docs_base

    def render(self) -> list[str]:
        report = self.report
        summary = report.summary
        out = [
            f"# {text(report.tool)} soundness report",
            "",
            f"_{text(report.tool)} {text(report.version)}, JSON schema {report.schema}._ "
            f"{plural(summary.functions, 'function')} in {plural(summary.files, 'file')}: "
            f"{plural(summary.applicable, 'applicable refactoring')} "
            f"({summary.safe} safe, {summary.conditional} conditional).",
            "",
        ]
        contents = [
            ("summary", "Summary"),
            ("assumptions", "Assumption inventory"),
            ("decisions", "Refactorings"),
            ("unchanged", "Functions left as they are"),
            ("settings", "Settings"),
        ]
        if report.refuted:
            contents.insert(0, ("refuted", "Refuted by verification"))
        out.append(" · ".join(f"[{title}](#{anchor})" for anchor, title in contents))
        out.append("")
        if report.refuted:
            out += self._refuted()
        out += self._summary()
        out += self._inventory()
        out += self._decisions()
        out += self._settings()
        return out

    def _refuted(self) -> list[str]:
        out = [
            _anchor("refuted"),
            f"## ⚠️ Refuted by verification: {plural(len(self.report.refuted), 'decision')}",
            "",
            "> [!CAUTION]",
            "> Running the original and the refactored function showed a difference. Do not "
            "apply these refactorings before looking at them.",
            "",
        ]
        for view in self.report.refuted:
            detail = view.verification.detail if view.verification is not None else ""
            out.append(
                f"- [{code(view.qualname)}](#{view.anchor}) ({code(view.location)}, "
                f"{view.kind}): {text(detail)}"
            )
        out.append("")
        return out

    def _summary(self) -> list[str]:
        summary = self.report.summary
        rows = [
            ("functions analysed", str(summary.functions)),
            ("files", str(summary.files)),
            ("lines", str(summary.lines)),
            ("applicable refactorings", str(summary.applicable)),
            ("safe", str(summary.safe)),
            ("conditional", str(summary.conditional)),
        ]
        if summary.seconds is not None:
            rows.append(("time taken", f"{summary.seconds:.2f} s"))
        rows += [(f"{status} at run time", str(count)) for status, count in summary.verification]
        out = [_anchor("summary"), "## Summary", ""]
        out += table(("", "count"), [(text(label), value) for label, value in rows], right=(1,))
        out.append("")
        out += table(
            ("decision kind", "applicable", "not applicable", "total"),
            [
                (row.kind, str(row.applicable), str(row.not_applicable), str(row.total))
                for row in summary.kinds
            ],
            right=(1, 2, 3),
        )
        out.append("")
        out.append(
            "A decision is _safe_ when its proof assumes nothing and _conditional_ when it rests "
            "on assumptions (see the inventory). `hybridize fix` applies the safe ones; "
            "`--unsafe` also the conditional ones."
        )
        out.append("")
        files = ", ".join(f"{count} {status}" for status, count in summary.files_by_status)
        if files:
            out += [f"Files: {text(files)}.", ""]
        if self.report.problems:
            out += ["**Files not analysed:**", ""]
            for problem in self.report.problems:
                error = f" ({text(problem.error)})" if problem.error else ""
                out.append(f"- {code(problem.path)}: {problem.status}{error}")
            out.append("")
        out += ["### Decisions by reason", ""]
        out += table(
            ("reason", "applicable", "not applicable", "total", "what it means"),
            [
                (
                    f"[{code(row.id)}]({reason_url(self.docs_base, row.id)})",
                    str(row.applicable),
                    str(row.not_applicable),
                    str(row.total),
                    text(row.summary),
                )
                for row in summary.reasons
            ],
            right=(1, 2, 3),
        )
        out.append("")
        return out

    def _inventory(self) -> list[str]:
        out = [
            _anchor("assumptions"),
            "## Assumption inventory",
            "",
            "Every kind of assumption a proof can make, how often the proofs of this run make it, "
            "which decisions depend on it, and how to discharge it. A decision whose assumptions "
            "are all discharged is proved.",
            "",
        ]
        out += table(
            ("kind", "assumptions", "decisions", "applicable"),
            [
                (
                    f"[{code(entry.kind)}](#{entry.anchor})",
                    str(entry.count),
                    str(len(entry.decisions)),
                    str(sum(1 for ref in entry.decisions if ref.applicable)),
                )
                for entry in self.report.inventory
            ],
            right=(1, 2, 3),
        )
        out.append("")
        for entry in self.report.inventory:
            out += self._kind_entry(entry)
        return out

    def _kind_entry(self, entry: KindEntry) -> list[str]:
        out = [
            _anchor(entry.anchor),
            f"### {code(entry.kind)} ({plural(entry.count, 'assumption')})",
            "",
        ]
        if entry.explanation:
            out += [text(entry.explanation), ""]
        if entry.discharges:
            out += ["**How to discharge:**", ""]
            out += [f"- {text(discharge)}" for discharge in entry.discharges]
            out.append("")
        if entry.decisions:
            out += ["**Decisions that depend on it:**", ""]
            for ref in entry.decisions:
                note = "" if ref.applicable else " (not applicable)"
                out.append(f"- [{code(ref.qualname)}](#{ref.anchor}) {code(ref.location)}{note}")
            out.append("")
        else:
            out += ["No decision depends on it.", ""]
        return out

    def _decisions(self) -> list[str]:
        report = self.report
        out = [_anchor("decisions"), f"## Refactorings ({len(report.applicable)})", ""]
        if not report.applicable:
            out += ["No refactoring applies.", ""]
        for view in report.applicable:
            out += self._decision(view, level="###")
        out += [
            _anchor("unchanged"),
            f"## Functions left as they are ({len(report.others)})",
            "",
            "<details>",
            f"<summary>Show {plural(len(report.others), 'decision')} that do not apply, with the "
            "reasons</summary>",
            "",
        ]
        for view in report.others:
            out += self._decision(view, level="####")
        out += ["</details>", ""]
        return out

    def _decision(self, view: DecisionView, level: str) -> list[str]:
        status = view.safety if view.applicable else "not applicable"
        badges = [view.kind, status]
        if view.verification is not None:
            speedup = speedup_text(view.verification.speedup)
            badges.append(
                ("❌ " if view.verification.status == "refuted" else "")
                + f"{view.verification.status}"
                + (f", {speedup}" if speedup else "")
            )
        out = [
            _anchor(view.anchor),
            f"{level} {code(view.qualname)} — {' · '.join(badges)}",
            "",
            f"{code(view.location)}" + (" (already a tf.function)" if view.hybrid else ""),
            "",
        ]
        if view.verification is not None and view.verification.detail:
            out += [f"**Verification:** {text(view.verification.detail)}", ""]
        if view.applicable and view.action:
            out += ["**Transformation:**", "", f"- action: {code(view.action)}"]
            if view.decorator:
                out.append(f"- decorator: {code(view.decorator)}")
            if view.input_signature:
                out.append(f"- input_signature: {code(view.input_signature)}")
            out.append("")
        out += ["**Reasons:**", ""]
        if view.reasons:
            for reason in view.reasons:
                link = f"[{code(reason.id)}]({reason_url(self.docs_base, reason.id)})"
                message = f": {text(reason.message)}" if reason.message else ""
                summary = f" _({text(reason.summary)})_" if reason.summary else ""
                out.append(f"- {link}{message}{summary}")
        else:
            out.append(f"- {text(view.because or 'every check passes')}")
        out.append("")
        if view.suppression:
            out += [f"Suppressed by {code(view.suppression)}", ""]
        budget = SnippetBudget(self.sources, MAX_SNIPPETS)
        out += ["**Premises:**", ""]
        if not view.premises:
            out += ["(none)", ""]
        for index, premise in enumerate(view.premises, start=1):
            out += self._premise(index, premise, budget)
        out += ["**Assumptions:**", ""]
        if not view.assumptions:
            out += ["(none: the decision is proved)", ""]
        for assumption in view.assumptions:
            at = f" [{code(assumption.at)}]" if assumption.at else ""
            anchor = next(
                (e.anchor for e in self.report.inventory if e.kind == assumption.kind), ""
            )
            out.append(f"- [{code(assumption.kind)}](#{anchor}) {text(assumption.claim)}{at}")
            out.append(f"  - discharge: {text(assumption.discharge)}")
            out += self._snippets((assumption.at,) if assumption.at else (), budget, indent="  ")
        out.append("")
        return out

    def _premise(self, index: int, premise: PremiseView, budget: SnippetBudget) -> list[str]:
        at = f" [{code(premise.at)}]" if premise.at else ""
        out = [f"{index}. {text(premise.claim)}{at}"]
        for item in premise.evidence:
            out.append(f"   - {code(item.at or '?')}: {text(item.detail)}")
        out += self._snippets(premise.locations, budget, indent="   ")
        out.append("")
        return out

    def _snippets(self, locations: Sequence[str], budget: SnippetBudget, indent: str) -> list[str]:
        out: list[str] = []
        for found in budget.take(locations):
            width = len(str(found.lines[-1].number))
            body = [
                f"{'>' if line.marked else ' '} {line.number:>{width}} | {line.text}".rstrip()
                for line in found.lines
            ]
            fence = "`" * max(3, _longest_run(body, "`") + 1)
            out += ["", f"{indent}{fence}text", *(indent + line for line in body), indent + fence]
        if out:
            out.append("")
        return out

    def _settings(self) -> list[str]:
        out = [_anchor("settings"), "## Settings", ""]
        out += table(
            ("setting", "value"),
            [(key, code(value)) for key, value in self.report.settings],
        )
        out.append("")
        return out


def text(value: str) -> str:
    """Plain text in Markdown: punctuation that would start markup is escaped."""
    escaped = _SPECIAL.sub(r"\\\1", " ".join(value.split()))
    return _BLOCK_START.sub(r"\1\\\2", escaped)


def code(value: str) -> str:
    """An inline code span that holds any text (the fence is longer than any backtick run);
    ``|`` is escaped so that the span can stand in a table cell."""
    value = " ".join(value.split()).replace("|", "\\|")
    fence = "`" * (_longest_run([value], "`") + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def table(
    header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()
) -> list[str]:
    """A GFM table; the cells are Markdown already (see ``text`` and ``code``)."""
    rule = ["---:" if column in right else "---" for column in range(len(header))]
    out = ["| " + " | ".join(text(title) for title in header) + " |"]
    out.append("| " + " | ".join(rule) + " |")
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return out


def _anchor(name: str) -> str:
    return f'<a id="{name}"></a>'


def _longest_run(lines: Sequence[str], char: str) -> int:
    longest = 0
    for line in lines:
        for run in re.findall(f"{re.escape(char)}+", line):
            longest = max(longest, len(run))
    return longest
