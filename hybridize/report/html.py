"""The soundness report as one self-contained HTML page.

Everything is inline (CSS, SVG charts), nothing is loaded from the network and no script runs, so
the file can be archived as a CI artifact, mailed, or opened offline years later and look the same.
Only the links to the reason pages point outside the file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from hybridize.report.charts import Bar, Series, bar_chart
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

SUPPORTING = "#2da44e"
BLOCKING = "#bf8700"
ASSUMED = "#8250df"

_CSS = """
:root { color-scheme: light; --text: #1f2328; --muted: #59636e; --border: #d1d9e0;
  --soft: #f6f8fa; --link: #0969da; --green: #1a7f37; --yellow: #9a6700; --red: #cf222e;
  --purple: #8250df; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans",
  sans-serif; color: var(--text); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 40px 0 12px; padding-bottom: 6px; border-bottom: 1px solid
  var(--border); }
h3 { font-size: 17px; margin: 0 0 6px; }
h3 code { font-size: 16px; }
h4 { font-size: 14px; margin: 14px 0 4px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
a { color: var(--link); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono",
  monospace; font-size: 13px; }
p.meta, .muted { color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: 6px 18px; padding: 0; margin: 12px 0 0;
  list-style: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--border); border-radius: 8px; padding: 12px 14px;
  background: var(--soft); }
.card .value { font-size: 26px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin: 12px 0; }
caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { border: 1px solid var(--border); padding: 5px 10px; text-align: left;
  vertical-align: top; }
th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: grid; gap: 24px; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { max-width: 100%; height: auto; }
article.decision { border: 1px solid var(--border); border-radius: 8px; padding: 14px 18px;
  margin: 16px 0; }
article.decision.refuted { border: 2px solid var(--red); }
.badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px;
  font-weight: 600; border: 1px solid currentColor; margin-left: 4px; vertical-align: 2px; }
.badge.hybridize, .badge.safe, .badge.verified { color: var(--green); }
.badge.dehybridize, .badge.reconfigure { color: var(--link); }
.badge.none, .badge.blocked, .badge.not-verifiable { color: var(--muted); }
.badge.conditional { color: var(--yellow); }
.badge.refuted { color: #fff; background: var(--red); border-color: var(--red); }
.badge.kind { color: var(--purple); }
ul.plain { padding-left: 20px; margin: 4px 0; }
li { margin: 2px 0; }
.evidence { color: var(--muted); }
pre.snippet { background: var(--soft); border: 1px solid var(--border); border-radius: 6px;
  padding: 6px 0; margin: 6px 0 10px; overflow-x: auto; }
pre.snippet .line { display: block; padding: 0 12px; white-space: pre; }
pre.snippet .line.mark { background: #fff8c5; }
pre.snippet .number { display: inline-block; min-width: 4ch; color: var(--muted);
  text-align: right; margin-right: 12px; user-select: none; }
.snippet-title { font-size: 12px; color: var(--muted); }
section.refuted-list { border: 2px solid var(--red); border-radius: 8px; padding: 4px 18px 12px;
  background: #ffebe9; }
section.refuted-list h2 { border: 0; color: var(--red); margin-top: 12px; }
details > summary { cursor: pointer; font-weight: 600; margin: 12px 0; }
.discharge { margin: 2px 0 8px; }
footer { margin-top: 48px; color: var(--muted); font-size: 13px; }
"""


def render_html(
    document: Mapping[str, Any],
    sources: Mapping[str, str] | None = None,
    *,
    docs_base: str,
) -> str:
    """The report page for a schema-1 document; ``sources`` maps paths (as written in the
    document) to source text for the snippets (missing files are shown without source)."""
    report = build_report(document)
    page = _Page(report, sources or {}, docs_base)
    return page.render()


class _Page:
    def __init__(self, report: Report, sources: Mapping[str, str], docs_base: str) -> None:
        self.report = report
        self.sources = sources
        self.docs_base = docs_base

    def render(self) -> str:
        report = self.report
        summary = report.summary
        headline = (
            f"{plural(summary.functions, 'function')} in {plural(summary.files, 'file')}: "
            f"{plural(summary.applicable, 'applicable refactoring')} "
            f"({summary.safe} safe, {summary.conditional} conditional)"
        )
        body = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(report.tool)} report: {escape(headline)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            "<header>",
            f"<h1>{escape(report.tool)} soundness report</h1>",
            f'<p class="meta">{escape(report.tool)} {escape(report.version)}, '
            f"JSON schema {report.schema}. {escape(headline)}.</p>",
            self._nav(),
            "</header>",
        ]
        if report.refuted:
            body.append(self._refuted())
        body += [
            self._summary(),
            self._charts(),
            self._inventory(),
            self._decisions(),
            self._settings(),
            "<footer>Generated by hybridize. Reasons link to their documentation pages; "
            "locations are <code>path:line:column</code> relative to the analysed root.</footer>",
            "</main>",
            "</body>",
            "</html>",
        ]
        return "\n".join(body) + "\n"

    # -- sections ------------------------------------------------------------------------------
    def _nav(self) -> str:
        items = [
            ("summary", "Summary"),
            ("charts", "Charts"),
            ("assumptions", "Assumption inventory"),
            ("decisions", "Refactorings"),
            ("unchanged", "Functions left as they are"),
            ("settings", "Settings"),
        ]
        if self.report.refuted:
            items.insert(0, ("refuted", "Refuted by verification"))
        links = "".join(f'<li><a href="#{key}">{escape(text)}</a></li>' for key, text in items)
        return f'<nav aria-label="Contents"><ul>{links}</ul></nav>'

    def _refuted(self) -> str:
        rows = []
        for view in self.report.refuted:
            detail = view.verification.detail if view.verification is not None else ""
            rows.append(
                f'<li><a href="#{view.anchor}"><code>{escape(view.qualname)}</code></a> '
                f"({escape(view.location)}, {escape(view.kind)}): {escape(detail)}</li>"
            )
        return (
            '<section id="refuted" class="refuted-list">'
            f"<h2>Refuted by verification: {plural(len(rows), 'decision')}</h2>"
            "<p>Running the original and the refactored function showed a difference. "
            "Do not apply these refactorings before looking at them.</p>"
            f'<ul class="plain">{"".join(rows)}</ul></section>'
        )

    def _summary(self) -> str:
        summary = self.report.summary
        cards = [
            (summary.functions, "functions analysed"),
            (summary.files, "files"),
            (summary.lines, "lines"),
            (summary.applicable, "applicable refactorings"),
            (summary.safe, "safe"),
            (summary.conditional, "conditional"),
        ]
        html_cards = [
            f'<div class="card" data-summary="{escape(label)}"><div class="value">{value}</div>'
            f'<div class="label">{escape(label)}</div></div>'
            for value, label in cards
        ]
        if summary.seconds is not None:
            html_cards.append(
                f'<div class="card" data-summary="seconds"><div class="value">'
                f'{summary.seconds:.2f}&#8239;s</div><div class="label">time taken</div></div>'
            )
        for status, count in summary.verification:
            html_cards.append(
                f'<div class="card" data-summary="{escape(status)}"><div class="value">{count}'
                f'</div><div class="label">{escape(status)} at run time</div></div>'
            )
        rows = "".join(
            f"<tr><td>{_badge(row.kind)}</td><td class=num>{row.applicable}</td>"
            f"<td class=num>{row.not_applicable}</td><td class=num>{row.total}</td></tr>"
            for row in summary.kinds
        )
        kinds_table = (
            '<table class="kinds"><caption>Decisions by kind</caption>'
            "<thead><tr><th>kind</th><th class=num>applicable</th><th class=num>not applicable"
            f"</th><th class=num>total</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        out = [
            '<section id="summary"><h2>Summary</h2>',
            f'<div class="cards">{"".join(html_cards)}</div>',
            kinds_table,
            "<p class=muted>A decision is <em>safe</em> when its proof assumes nothing and "
            "<em>conditional</em> when it rests on assumptions (see the inventory). "
            "<code>hybridize fix</code> applies the safe ones; <code>--unsafe</code> also the "
            "conditional ones.</p>",
        ]
        files = ", ".join(f"{count} {status}" for status, count in summary.files_by_status)
        if files:
            out.append(f"<p>Files: {escape(files)}.</p>")
        if self.report.problems:
            items = "".join(
                f"<li><code>{escape(problem.path)}</code>: {escape(problem.status)}"
                + (f" ({escape(problem.error)})" if problem.error else "")
                + "</li>"
                for problem in self.report.problems
            )
            out.append(f'<h4>Files not analysed</h4><ul class="plain">{items}</ul>')
        out.append("</section>")
        return "\n".join(out)

    def _charts(self) -> str:
        summary = self.report.summary
        reasons = bar_chart(
            "chart-reasons",
            "Decisions by reason",
            "How many decisions each reason id takes part in: supporting an applicable "
            "refactoring, or blocking one (or explaining why nothing changes).",
            [
                Bar(
                    row.id, (row.applicable, row.not_applicable), reason_url(self.docs_base, row.id)
                )
                for row in summary.reasons
            ],
            [Series("applicable", SUPPORTING), Series("not applicable", BLOCKING)],
        )
        assumptions = bar_chart(
            "chart-assumptions",
            "Assumptions by kind",
            "How many assumptions of each kind the proofs make, over all decisions.",
            [
                Bar(entry.kind, (entry.count,), f"#{entry.anchor}")
                for entry in self.report.inventory
            ],
            [Series("assumptions", ASSUMED)],
        )
        kinds = bar_chart(
            "chart-kinds",
            "Decisions by kind",
            "How many functions get each kind of decision, applicable or not.",
            [Bar(row.kind, (row.applicable, row.not_applicable)) for row in summary.kinds],
            [Series("applicable", SUPPORTING), Series("not applicable", BLOCKING)],
        )
        figures = "".join(
            f"<figure><figcaption>{escape(title)}</figcaption>{svg}</figure>"
            for title, svg in (
                ("Decisions by reason", reasons),
                ("Assumptions by kind", assumptions),
                ("Decisions by kind", kinds),
            )
        )
        return f'<section id="charts"><h2>Charts</h2><div class="charts">{figures}</div></section>'

    def _inventory(self) -> str:
        rows = []
        for entry in self.report.inventory:
            applicable = sum(1 for ref in entry.decisions if ref.applicable)
            rows.append(
                f'<tr><td><a href="#{entry.anchor}">{_badge(entry.kind, "kind")}</a></td>'
                f"<td class=num>{entry.count}</td><td class=num>{len(entry.decisions)}</td>"
                f"<td class=num>{applicable}</td></tr>"
            )
        out = [
            '<section id="assumptions"><h2>Assumption inventory</h2>',
            "<p>Every kind of assumption a proof can make, how often the proofs of this run "
            "make it, which decisions depend on it, and how to discharge it. A decision whose "
            "assumptions are all discharged is proved.</p>",
            "<table><thead><tr><th>kind</th><th class=num>assumptions</th>"
            "<th class=num>decisions</th><th class=num>applicable</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>",
        ]
        out += [self._kind_entry(entry) for entry in self.report.inventory]
        out.append("</section>")
        return "\n".join(out)

    def _kind_entry(self, entry: KindEntry) -> str:
        out = [
            f'<div class="kind-entry" id="{entry.anchor}">',
            f"<h3><code>{escape(entry.kind)}</code> "
            f'<span class="muted">({plural(entry.count, "assumption")})</span></h3>',
        ]
        if entry.explanation:
            out.append(f"<p>{escape(entry.explanation)}</p>")
        if entry.discharges:
            items = "".join(f"<li>{escape(text)}</li>" for text in entry.discharges)
            out.append(f'<h4>How to discharge</h4><ul class="plain">{items}</ul>')
        if entry.decisions:
            items = "".join(
                f'<li><a href="#{ref.anchor}"><code>{escape(ref.qualname)}</code></a> '
                f'<span class="muted">{escape(ref.location)}</span>'
                + ("" if ref.applicable else ' <span class="muted">(not applicable)</span>')
                + "</li>"
                for ref in entry.decisions
            )
            out.append(f'<h4>Decisions that depend on it</h4><ul class="plain">{items}</ul>')
        else:
            out.append('<p class="muted">No decision depends on it.</p>')
        out.append("</div>")
        return "\n".join(out)

    def _decisions(self) -> str:
        report = self.report
        out = [
            '<section id="decisions">',
            f"<h2>Refactorings ({len(report.applicable)})</h2>",
        ]
        if not report.applicable:
            out.append('<p class="muted">No refactoring applies.</p>')
        out += [self._decision(view) for view in report.applicable]
        out.append("</section>")
        out.append('<section id="unchanged">')
        out.append(f"<h2>Functions left as they are ({len(report.others)})</h2>")
        out.append(
            "<details><summary>"
            f"Show {plural(len(report.others), 'decision')} that do not apply, with the reasons"
            "</summary>"
        )
        out += [self._decision(view) for view in report.others]
        out.append("</details></section>")
        return "\n".join(out)

    def _decision(self, view: DecisionView) -> str:
        refuted = view.verification is not None and view.verification.status == "refuted"
        classes = "decision refuted" if refuted else "decision"
        badges = [_badge(view.kind)]
        badges.append(
            _badge(view.safety) if view.applicable else _badge("not applicable", "blocked")
        )
        if view.verification is not None:
            badges.append(_verification_badge(view))
        out = [
            f'<article class="{classes}" id="{view.anchor}">',
            f"<h3><code>{escape(view.qualname)}</code> {''.join(badges)}</h3>",
            f'<p class="muted"><code>{escape(view.location)}</code>'
            + (" (already a tf.function)" if view.hybrid else "")
            + "</p>",
        ]
        if view.verification is not None and view.verification.detail:
            out.append(f"<p><strong>Verification:</strong> {escape(view.verification.detail)}</p>")
        if view.applicable and view.action:
            out.append(self._transformation(view))
        out.append(self._reasons(view))
        if view.suppression:
            out.append(f"<p>Suppressed by <code>{escape(view.suppression)}</code></p>")
        budget = SnippetBudget(self.sources, MAX_SNIPPETS)
        out.append(self._premises(view, budget))
        out.append(self._assumptions(view, budget))
        out.append("</article>")
        return "\n".join(out)

    def _transformation(self, view: DecisionView) -> str:
        items = [f"<li>action: <code>{escape(view.action)}</code></li>"]
        if view.decorator:
            items.append(f"<li>decorator: <code>{escape(view.decorator)}</code></li>")
        if view.input_signature:
            items.append(f"<li>input_signature: <code>{escape(view.input_signature)}</code></li>")
        return f'<h4>Transformation</h4><ul class="plain">{"".join(items)}</ul>'

    def _reasons(self, view: DecisionView) -> str:
        if not view.reasons:
            text = escape(view.because or "every check passes")
            return f"<h4>Reasons</h4><p>{text}</p>"
        items = []
        for reason in view.reasons:
            link = (
                f'<a href="{escape(reason_url(self.docs_base, reason.id), quote=True)}" '
                f'class="reason"><code>{escape(reason.id)}</code></a>'
            )
            summary = (
                f' <span class="muted">({escape(reason.summary)})</span>' if reason.summary else ""
            )
            message = f": {escape(reason.message)}" if reason.message else ""
            items.append(f"<li>{link}{message}{summary}</li>")
        return f'<h4>Reasons</h4><ul class="plain">{"".join(items)}</ul>'

    def _premises(self, view: DecisionView, budget: SnippetBudget) -> str:
        if not view.premises:
            return '<h4>Premises</h4><p class="muted">(none)</p>'
        items = [self._premise(premise, budget) for premise in view.premises]
        return f"<h4>Premises</h4><ol>{''.join(items)}</ol>"

    def _premise(self, premise: PremiseView, budget: SnippetBudget) -> str:
        at = (
            f' <span class="muted">[<code>{escape(premise.at)}</code>]</span>' if premise.at else ""
        )
        out = [f"<li>{escape(premise.claim)}{at}"]
        if premise.evidence:
            evidence = "".join(
                f'<li class="evidence"><code>{escape(item.at or "?")}</code>: '
                f"{escape(item.detail)}</li>"
                for item in premise.evidence
            )
            out.append(f'<ul class="plain">{evidence}</ul>')
        out += self._snippets(premise.locations, budget)
        out.append("</li>")
        return "".join(out)

    def _assumptions(self, view: DecisionView, budget: SnippetBudget) -> str:
        if not view.assumptions:
            return '<h4>Assumptions</h4><p class="muted">(none: the decision is proved)</p>'
        items = []
        for assumption in view.assumptions:
            anchor = next(
                (e.anchor for e in self.report.inventory if e.kind == assumption.kind), ""
            )
            at = (
                f' <span class="muted">[<code>{escape(assumption.at)}</code>]</span>'
                if assumption.at
                else ""
            )
            kind = _badge(assumption.kind, "kind")
            if anchor:
                kind = f'<a href="#{anchor}">{kind}</a>'
            snippets = self._snippets((assumption.at,) if assumption.at else (), budget)
            items.append(
                f"<li>{kind} {escape(assumption.claim)}{at}"
                f'<p class="discharge"><strong>Discharge:</strong> {escape(assumption.discharge)}'
                f"</p>{''.join(snippets)}</li>"
            )
        return f'<h4>Assumptions</h4><ul class="plain">{"".join(items)}</ul>'

    def _snippets(self, locations: Sequence[str], budget: SnippetBudget) -> list[str]:
        out = []
        for found in budget.take(locations):
            lines = "".join(
                f'<span class="line{" mark" if line.marked else ""}">'
                f'<span class="number">{line.number}</span>{escape(line.text)}</span>'
                for line in found.lines
            )
            out.append(
                f'<div class="snippet-title">{escape(found.title)}</div>'
                f'<pre class="snippet"><code>{lines}</code></pre>'
            )
        return out

    def _settings(self) -> str:
        rows = "".join(
            f"<tr><th>{escape(key)}</th><td><code>{escape(value)}</code></td></tr>"
            for key, value in self.report.settings
        )
        return (
            '<section id="settings"><h2>Settings</h2>'
            f"<table><tbody>{rows}</tbody></table></section>"
        )


def _badge(text: str, css: str | None = None) -> str:
    return f'<span class="badge {escape(css or text, quote=True)}">{escape(text)}</span>'


def _verification_badge(view: DecisionView) -> str:
    verification = view.verification
    if verification is None:
        return ""
    label = verification.status
    speedup = speedup_text(verification.speedup)
    if speedup:
        label += f", {speedup}"
    return _badge(label, verification.status)
