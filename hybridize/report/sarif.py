"""SARIF 2.1.0 for GitHub code scanning, rendered from the schema-1 document (``Result.to_dict()``).

One ``tool.driver.rules[]`` entry per reason id (every rule of the registry, in its order), then
the synthetic rules ``hybridize``, ``dehybridize`` and ``reconfigure`` for decisions that have no
reason of their own (an applicable ``hybridize`` rests on every check passing, so it has none).

Which decisions become results, at which level:

* an applicable decision (a refactoring ``hybridize fix`` can make): ``warning`` for
  ``dehybridize`` (the decorator buys nothing or costs more) and ``reconfigure`` (the function
  re-traces), ``note`` for ``hybridize`` (a missed speed-up, not a defect). A *conditional*
  decision rests on assumptions a person has to check, so it is never louder than ``note``;
* a declared ``input_signature`` that a call site contradicts (``signature-mismatch``):
  ``error``, since that call raises at run time;
* a ``tf.function`` that re-traces but cannot be reconfigured automatically
  (``static-shape-read``): ``warning``;
* a ``tf.function`` that should lose its decorator but must keep it because a safety reason
  (``python-side-effects``, ``recursion``) says removing it changes behaviour: ``warning``, a
  latent bug (the effects run only while tracing);
* a decision a ``# hybridize: ignore`` comment kept from applying: reported as above, with an
  ``inSource`` suppression, so code scanning shows it as suppressed rather than open;
* an applicable decision that runtime verification refuted (``decision.verification.status``
  is ``refuted``: the refactored function behaved differently): ``error``, without a fix.

Everything else (eager functions that should stay eager, correct ``tf.function``\\ s) is not
reported: nothing is wrong there. The ``ruleId`` is the decision's first reason (its primary
reason), the synthetic rule of its kind when it has none.

Columns count code points (``columnKind``) when ``root`` is given; without it they are the
document's, which count UTF-8 bytes (the same on ASCII lines). Each result's
``partialFingerprints`` hash the function id, the decision kind and its reasons: stable across
runs and line moves, new when the decision changes. ``relatedLocations`` point at the premises,
their evidence, the assumptions and the decorator. ``properties`` carry ``kind``, ``safety``,
``applicable``, ``reasons``, ``transformation``, ``input_signature``, the ``assumptions`` (the
schema-1 assumption dicts) and, when the decision has one, its ``verification``.

Fixes. The document says what to change but not the text around it, so a ``fix`` is computed
only when ``root`` is given (the project root the document's paths are relative to) and the file
shows that the edit is exactly what ``hybridize fix`` does for that one decision alone
(``Result.apply`` on a file with that decision only; the rewriter itself, which this layer may
not import, decides on a concrete syntax tree with resolved names). The cases covered, each a
whole-line edit at column 1:

* ``hybridize``: a ``@tf.function`` / ``@tf.function(k=v, ...)`` line (arguments from
  ``transformation.arguments``, sorted; ``tf`` spelled as the file imports TensorFlow)
  inserted with the ``def``'s indentation directly below the function's last decorator, or
  above the ``def`` when it has none;
* ``dehybridize``: the lines of the ``tf.function`` decorator deleted;
* ``reconfigure``: the decorator line replaced by the same line with the arguments set
  (appended in the call's own separator and ``=`` style, or a constant value replaced in place).

The fix is omitted when it cannot be sure of that: no ``root``, or the file unreadable,
unparsable or no longer defining the function at that line; TensorFlow needed in the new text
(the decorator, a ``tf.TensorSpec``) but not reachable through a module alias the file already
has (``tf``, or the one name a module-level ``import tensorflow [as name]`` before the function
binds, bound by nothing else): the rewriter would use a ``from tensorflow import`` name or add
an import; for ``dehybridize`` an import the removed decorator is the only user of (the rewriter
would remove that import too); more than one decorator that may be a ``tf.function``; a traced
decorator (``tf.custom_gradient``, ...) below which the new one would go; for ``reconfigure`` a
decorator spanning several lines or sharing its line, positional or ``*``/``**`` arguments, a
trailing comma, or a non-constant value to replace. Each fix is what ``fix`` does for its
decision alone: several ``dehybridize`` fixes in one file may together leave an import unused
that ``fix`` (applying them together) would remove.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import re
import tokenize
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs

from hybridize.refactor.registry import all_rules

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: Where each reason's documentation page lives: ``<docs_url><id>.md`` (or ``docs_url`` with
#: ``{id}`` replaced, when it has that placeholder).
DOCS_URL = "https://github.com/hybridize/hybridize/blob/main/docs/reasons/"
INFORMATION_URI = "https://github.com/hybridize/hybridize"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "hybridizeDecision/v1"
#: Code scanning keeps at most this many related locations per result; the rest are counted.
MAX_RELATED_LOCATIONS = 100

_LEVEL_RANK = {"none": 0, "note": 1, "warning": 2, "error": 3}
_KIND_LEVEL = {"hybridize": "note", "dehybridize": "warning", "reconfigure": "warning"}
_LATENT_BUGS = ("python-side-effects", "recursion")
_TRACED_DECORATORS = re.compile(r"custom_gradient|recompute_grad|do_not_convert")
_MAYBE_TF_FUNCTION = re.compile(r"\bfunction\b")
_USES_TF = re.compile(r"\btf\.")
_SECTION = re.compile(r"^(What|Why|Example|How to fix|Assumptions):(:?)\s*(.*)$")


@attrs.frozen
class _Synthetic:
    id: str
    summary: str
    doc: str


_SYNTHETIC = (
    _Synthetic(
        "hybridize",
        "add @tf.function: every check passes",
        """What: an eager function receives tensors, does enough tensor work, is called
repeatedly, and nothing in it (or in what it calls) would behave differently when traced.

Why: ``tf.function`` traces the Python function into a graph once per input signature and runs
the graph afterwards, which is usually faster than running each op eagerly (fewer Python
round-trips, fused kernels).

Example::

    def train_step(x):
        return tf.tanh(tf.matmul(x, x))

How to fix: add ``@tf.function`` (``hybridize fix`` does it, with the ``input_signature`` or
``reduce_retracing=True`` that stops re-tracing when the call sites need one).

Assumptions: the decision lists each one; a decision without assumptions is proved.""",
    ),
    _Synthetic(
        "dehybridize",
        "remove @tf.function: it does not pay",
        """What: a ``tf.function`` gains nothing from tracing and nothing requires it.

Why: tracing costs time, and a graph that re-traces or does no tensor work is slower than the
eager function.

Example::

    @tf.function
    def total_steps(epochs, steps):
        return epochs * steps

How to fix: remove the decorator (``hybridize fix`` does it).

Assumptions: the decision lists each one; a decision without assumptions is proved.""",
    ),
    _Synthetic(
        "reconfigure",
        "set tf.function arguments: an inferred input_signature",
        """What: the call sites of a ``tf.function`` all fit one inferred ``input_signature``.

Why: a ``tf.function`` traces again for every new input shape or dtype; an
``input_signature`` fixes what it accepts, so it traces once.

Example::

    @tf.function
    def step(x):
        return tf.reduce_sum(x, axis=1)

How to fix: set the inferred ``input_signature`` (``hybridize fix`` does it).

Assumptions: the decision lists each one; a decision without assumptions is proved.""",
    ),
)


def render_sarif(
    document: Mapping[str, Any],
    *,
    docs_url: str = DOCS_URL,
    root: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The SARIF 2.1.0 log of a schema-1 document (see the module docstring for what is
    reported, at which level, and when fixes are included). Deterministic: the same document
    (and files under ``root``) give the same log; serialise it with ``sort_keys`` for
    byte-identical output (``sarif_json``)."""
    rules = _rules(docs_url)
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    sources = _Sources(Path(root) if root is not None else None)
    results: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for function in document.get("functions", []):
        result = _result(function, index, sources)
        if result is not None:
            key = (function["path"], function["line"], function.get("col", 1), function["id"])
            results.append((key, result))
    results.sort(key=lambda item: (item[0], item[1]["ruleId"]))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "hybridize",
                "version": str(document.get("tool", {}).get("version", "")),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {
                "description": {
                    "text": "The root of the analysed project; artifact uris are relative to it."
                }
            }
        },
        "invocations": [_invocation(document)],
        "results": [result for _, result in results],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "schema": document.get("schema"),
            "settings": document.get("settings", {}),
            "summary": document.get("summary", {}),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def sarif_json(
    document: Mapping[str, Any],
    *,
    docs_url: str = DOCS_URL,
    root: str | os.PathLike[str] | None = None,
) -> str:
    """``render_sarif`` as text: sorted keys, two-space indent, a final newline."""
    log = render_sarif(document, docs_url=docs_url, root=root)
    return json.dumps(log, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# -- rules -----------------------------------------------------------------------------------


def _rules(docs_url: str) -> list[dict[str, Any]]:
    rules = [
        _rule(rule.id, rule.summary, rule.doc, rule.category.value, docs_url)
        for rule in all_rules().values()
    ]
    rules.extend(_rule(s.id, s.summary, s.doc, "decision", docs_url) for s in _SYNTHETIC)
    for rule in rules[len(rules) - len(_SYNTHETIC) :]:
        # a decision kind has no reason page: link the guide's section on decision kinds
        rule["helpUri"] = _guide_uri(docs_url)
    return rules


def _rule(rule_id: str, summary: str, doc: str, category: str, docs_url: str) -> dict[str, Any]:
    sections = _sections(doc)
    what = sections.get("What", summary)
    text = "\n\n".join(
        f"{title}: {sections[title]}"
        for title in ("What", "Why", "How to fix")
        if title in sections
    )
    markdown = []
    for title in ("What", "Why", "Example", "How to fix", "Assumptions"):
        if title not in sections:
            continue
        if title == "Example":
            markdown.append(f"**Example**\n\n```python\n{sections[title]}\n```")
        else:
            markdown.append(f"**{title}.** {sections[title]}")
    return {
        "id": rule_id,
        "name": _camel_case(rule_id),
        "shortDescription": {"text": _sentence(summary)},
        "fullDescription": {"text": what},
        "help": {"text": text or summary, "markdown": "\n\n".join(markdown) or summary},
        "helpUri": _help_uri(docs_url, rule_id),
        "defaultConfiguration": {"level": _default_level(rule_id)},
        "properties": {"category": category, "tags": ["hybridize", "tensorflow", category]},
    }


def _default_level(rule_id: str) -> str:
    if rule_id == "signature-mismatch":
        return "error"
    if rule_id == "hybridize":
        return "note"
    return "warning"


def _camel_case(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def _guide_uri(docs_url: str) -> str:
    """The user guide's section on decision kinds, next to the ``reasons/`` pages."""
    base = docs_url.split("{id}")[0].rstrip("/")
    base = base[: -len("/reasons")] if base.endswith("/reasons") else base
    return f"{base}/guide.md#decision-kinds"


def _help_uri(docs_url: str, rule_id: str) -> str:
    if "{id}" in docs_url:
        return docs_url.replace("{id}", rule_id)
    return f"{docs_url.rstrip('/')}/{rule_id}.md"


def _sections(doc: str) -> dict[str, str]:
    """The What / Why / Example / How to fix / Assumptions sections of a rule docstring: prose
    reflowed to one paragraph with ``code`` in single backticks, the example dedented."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.splitlines():
        match = _SECTION.match(line)
        if match:
            current = sections.setdefault(match.group(1), [])
            if match.group(3):
                current.append(match.group(3))
        elif current is not None:
            current.append(line)
    result: dict[str, str] = {}
    for title, lines in sections.items():
        if title == "Example":
            result[title] = _dedent(lines)
        else:
            words = " ".join(line.strip() for line in lines).split()
            prose = " ".join(words).replace("``", "`")
            result[title] = prose[:1].upper() + prose[1:]
    return {title: text for title, text in result.items() if text}


def _dedent(lines: Sequence[str]) -> str:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:].rstrip() for line in lines)


# -- results ---------------------------------------------------------------------------------


@attrs.frozen
class _Classified:
    rule_id: str
    level: str
    headline: str
    suppressed_at: str | None = None


def _classify(function: Mapping[str, Any]) -> _Classified | None:
    """Which decisions are reported, under which rule and at which level (module docstring)."""
    decision = function.get("decision")
    if not decision:
        return None
    kind = decision["kind"]
    reasons: list[str] = list(decision.get("reasons", []))
    name = function["qualname"]
    conditional = decision.get("safety") == "conditional"
    if decision["applicable"] or _suppressed(decision):
        if kind not in _KIND_LEVEL:
            return None
        level = _KIND_LEVEL[kind]
        if conditional and _LEVEL_RANK[level] > _LEVEL_RANK["note"]:
            level = "note"
        if _refuted(decision):
            level = "error"
        suppressed_at = None if decision["applicable"] else decision["suppression"]["at"]
        return _Classified(
            reasons[0] if reasons else kind, level, _headline(function), suppressed_at
        )
    if kind == "reconfigure" and "signature-mismatch" in reasons:
        return _Classified(
            "signature-mismatch",
            "error",
            f"{name}: a call site contradicts the declared input_signature",
        )
    if kind == "reconfigure" and "static-shape-read" in reasons:
        return _Classified(
            "static-shape-read",
            "warning",
            f"{name} re-traces, and no input_signature or reduce_retracing can stop it",
        )
    if kind == "dehybridize" and function.get("hybrid"):
        latent = [r for r in reasons if r in _LATENT_BUGS]
        if latent:
            return _Classified(
                latent[0],
                "warning",
                f"{name}: its @tf.function changes what it does ({', '.join(latent)}), "
                "and removing it would change it again",
            )
    return None


def _refuted(decision: Mapping[str, Any]) -> bool:
    verification = decision.get("verification")
    return isinstance(verification, Mapping) and verification.get("status") == "refuted"


def _suppressed(decision: Mapping[str, Any]) -> bool:
    """Did a ``# hybridize: ignore`` comment keep this decision from applying? (As
    ``report.text.is_suppressed``, on the document.)"""
    note = decision.get("suppression")
    if not note or decision["applicable"]:
        return False
    ids = note.get("ids")
    unused = note.get("unused", [])
    if ids is None:
        return "*" not in unused
    kind = decision["kind"]
    return bool(kind in ids and kind not in unused)


def _headline(function: Mapping[str, Any]) -> str:
    decision = function["decision"]
    name = function["qualname"]
    kind = decision["kind"]
    arguments = _arguments(decision)
    if kind == "hybridize":
        return f"hybridize {name}: add @{_decorator_text(arguments)}"
    if kind == "dehybridize":
        text = (function.get("decorator") or {}).get("text") or "@tf.function"
        return f"dehybridize {name}: remove {text}"
    settings = ", ".join(f"{key}={value}" for key, value in arguments) or "arguments"
    return f"reconfigure {name}: set {settings} on its tf.function"


def _decorator_text(arguments: Sequence[tuple[str, str]], spelling: str = "tf.function") -> str:
    if not arguments:
        return spelling
    return spelling + "(" + ", ".join(f"{key}={value}" for key, value in arguments) + ")"


def _arguments(decision: Mapping[str, Any]) -> list[tuple[str, str]]:
    arguments = (decision.get("transformation") or {}).get("arguments") or {}
    return sorted((str(key), str(value)) for key, value in arguments.items())


def _result(
    function: Mapping[str, Any], rule_index: Mapping[str, int], sources: _Sources
) -> dict[str, Any] | None:
    classified = _classify(function)
    if classified is None:
        return None
    decision = function["decision"]
    rule_id = classified.rule_id if classified.rule_id in rule_index else decision["kind"]
    related, omitted = _related_locations(function, sources)
    properties: dict[str, Any] = {
        "function": function["id"],
        "qualname": function["qualname"],
        "kind": decision["kind"],
        "applicable": decision["applicable"],
        "safety": decision["safety"],
        "reasons": list(decision.get("reasons", [])),
        "transformation": dict(decision.get("transformation") or {}),
        "input_signature": decision.get("input_signature"),
        "assumptions": list(decision.get("proof", {}).get("assumptions", [])),
    }
    if isinstance(decision.get("verification"), Mapping):
        properties["verification"] = dict(decision["verification"])
    if omitted:
        properties["relatedLocationsOmitted"] = omitted
    result: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": rule_index[rule_id],
        "level": classified.level,
        "message": {"text": _message(classified.headline, decision)},
        "locations": [_function_location(function, sources)],
        "partialFingerprints": {FINGERPRINT: _fingerprint(function)},
        "properties": properties,
    }
    if related:
        result["relatedLocations"] = related
    if classified.suppressed_at is not None:
        result["suppressions"] = [_suppression(classified.suppressed_at)]
    elif decision["applicable"] and not _refuted(decision):
        fix = sources.fix(function)
        if fix is not None:
            result["fixes"] = [fix]
    return result


def _message(headline: str, decision: Mapping[str, Any]) -> str:
    parts = [headline + "."]
    messages = [m.strip().rstrip(".") for m in decision.get("messages", []) if m.strip()]
    if messages:
        parts.append(_sentence("; ".join(messages)))
    assumptions = decision.get("proof", {}).get("assumptions", [])
    if decision.get("safety") == "conditional" and assumptions:
        claims = [a["claim"] for a in assumptions[:3]]
        more = len(assumptions) - len(claims)
        suffix = f"; and {more} more" if more else ""
        parts.append(
            f"Conditional on {len(assumptions)} assumption"
            f"{'' if len(assumptions) == 1 else 's'}: {'; '.join(claims)}{suffix}."
        )
    elif decision["applicable"]:
        parts.append("Safe: nothing is assumed.")
    if _suppressed(decision):
        parts.append("Suppressed by a `# hybridize: ignore` comment.")
    verification = decision.get("verification")
    if isinstance(verification, Mapping) and verification.get("status") in (
        "refuted",
        "verified",
    ):
        detail = str(verification.get("detail") or "").strip().rstrip(".")
        status = "Refuted" if verification["status"] == "refuted" else "Verified"
        parts.append(f"{status} at run time{': ' + detail if detail else ''}.")
    return " ".join(parts)


def _fingerprint(function: Mapping[str, Any]) -> str:
    decision = function["decision"]
    key = "\0".join([function["id"], decision["kind"], *decision.get("reasons", [])])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _suppression(at: str) -> dict[str, Any]:
    suppression: dict[str, Any] = {
        "kind": "inSource",
        "justification": "a `# hybridize: ignore` comment",
    }
    location = _parse_location(at)
    if location is not None:
        suppression["location"] = _physical(*location)
    return suppression


def _artifact(path: str) -> dict[str, str]:
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _physical(path: str, line: int, column: int, end_line: int | None = None) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": line, "startColumn": max(column, 1)}
    if end_line is not None and end_line >= line:
        region["endLine"] = end_line
    return {"physicalLocation": {"artifactLocation": _artifact(path), "region": region}}


def _function_location(function: Mapping[str, Any], sources: _Sources) -> dict[str, Any]:
    path, line = function["path"], function["line"]
    column = sources.column(path, line, function.get("col", 1))
    location = _physical(path, line, column, function.get("end_line"))
    location["logicalLocations"] = [
        {
            "name": function["name"],
            "fullyQualifiedName": function["id"],
            "kind": "function",
        }
    ]
    return location


def _parse_location(at: object) -> tuple[str, int, int] | None:
    """``path:line:col`` (1-based column) -> its parts; None for anything else."""
    if not isinstance(at, str):
        return None
    parts = at.rsplit(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    line, column = int(parts[1]), int(parts[2])
    if line < 1:
        return None
    return parts[0], line, column


def _related_locations(
    function: Mapping[str, Any], sources: _Sources
) -> tuple[list[dict[str, Any]], int]:
    """The decorator, premises (their evidence, when they have some) and assumptions: unique,
    in proof order, at most ``MAX_RELATED_LOCATIONS`` (and how many more there were)."""
    decision = function["decision"]
    proof = decision.get("proof", {})
    entries: list[tuple[object, str]] = []
    decorator = function.get("decorator")
    if decorator:
        entries.append((decorator.get("at"), f"the tf.function decorator: {decorator['text']}"))
    for premise in proof.get("premises", []):
        evidence = premise.get("evidence", [])
        if not evidence:
            entries.append((premise.get("at"), premise["claim"]))
        for item in evidence:
            entries.append((item.get("at"), f"{premise['claim']}: {item['detail']}"))
    for assumption in proof.get("assumptions", []):
        entries.append(
            (
                assumption.get("at"),
                f"assumed: {assumption['claim']} (to check: {assumption['discharge']})",
            )
        )
    seen: set[tuple[str, int, int, str]] = set()
    related: list[dict[str, Any]] = []
    omitted = 0
    for at, text in entries:
        location = _parse_location(at)
        if location is None or (*location, text) in seen:
            continue
        seen.add((*location, text))
        if len(related) >= MAX_RELATED_LOCATIONS:
            omitted += 1
            continue
        path, line, column = location
        entry = _physical(path, line, sources.column(path, line, column))
        entry["id"] = len(related) + 1
        entry["message"] = {"text": text}
        related.append(entry)
    return related, omitted


def _invocation(document: Mapping[str, Any]) -> dict[str, Any]:
    notifications = []
    for file in document.get("files", []):
        status = file.get("status")
        if status == "analyzed":
            continue
        error = f": {file['error']}" if file.get("error") else ""
        notifications.append(
            {
                "level": "note" if status == "skipped" else "warning",
                "descriptor": {"id": str(status)},
                "message": {"text": f"{file['path']}: {status}{error}"},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(file["path"])}}],
            }
        )
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


# -- fixes -----------------------------------------------------------------------------------


@attrs.frozen
class _Module:
    """One source file: its text split into physical lines (with their endings) and its tree."""

    lines: tuple[str, ...]
    tree: ast.Module
    newline: str

    def line_bytes(self, line: int) -> bytes:
        """A line without its ending, UTF-8 encoded (``ast`` columns are offsets into it)."""
        return self.lines[line - 1].rstrip("\r\n").encode("utf-8")


class _Sources:
    """The files under ``root``, read once each, and the fixes computed from them."""

    def __init__(self, root: Path | None) -> None:
        self._root = root
        self._modules: dict[str, _Module | None] = {}

    def module(self, path: str) -> _Module | None:
        if self._root is None:
            return None
        if path not in self._modules:
            self._modules[path] = _read(self._root / path)
        return self._modules[path]

    def column(self, path: str, line: int, column: int) -> int:
        """A document column (1-based, counting UTF-8 bytes as ``ast`` does) in code points,
        as ``columnKind`` says; unchanged when the file is not at hand."""
        module = self.module(path)
        if module is None or not 1 <= line <= len(module.lines) or column <= 1:
            return column
        prefix = module.line_bytes(line)[: column - 1]
        return len(prefix.decode("utf-8", errors="replace")) + 1

    def fix(self, function: Mapping[str, Any]) -> dict[str, Any] | None:
        module = self.module(function["path"])
        if module is None:
            return None
        try:
            edit = _edit(module, function)
        except (KeyError, TypeError, ValueError, IndexError, UnicodeError):
            return None  # a document or file that is not what it says: no fix
        if edit is None:
            return None
        description, replacement = edit
        return {
            "description": {"text": description},
            "artifactChanges": [
                {"artifactLocation": _artifact(function["path"]), "replacements": [replacement]}
            ],
        }


def _read(path: Path) -> _Module | None:
    try:
        data = path.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
        tree = ast.parse(text)
    except (OSError, SyntaxError, UnicodeError, LookupError, ValueError):
        return None
    text = text.removeprefix("\ufeff")
    lines = tuple(io.StringIO(text, newline="").readlines())
    found = re.search(r"\r\n|\r|\n", text)
    return _Module(lines, tree, found.group(0) if found else "\n")


def _edit(module: _Module, function: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The description and replacement of the fix of an applicable decision, or None."""
    node = _function_node(module.tree, function)
    if node is None:
        return None
    decision = function["decision"]
    kind = decision["kind"]
    arguments = _arguments(decision)
    if kind == "hybridize":
        return _insertion(module, node, arguments)
    decorator = _tf_function_decorator(node, function.get("decorator"))
    if decorator is None:
        return None
    if kind == "dehybridize":
        return _deletion(module, node, decorator)
    if kind == "reconfigure" and arguments:
        return _reconfiguration(module, node, decorator, arguments)
    return None


def _function_node(
    tree: ast.Module, function: Mapping[str, Any]
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    line, col, name = function["line"], function.get("col", 1) - 1, function["name"]
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.lineno == line
        and node.col_offset == col
        and node.name == name
    ]
    return found[0] if len(found) == 1 else None


def _insertion(
    module: _Module,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    arguments: Sequence[tuple[str, str]],
) -> tuple[str, dict[str, Any]] | None:
    """``@tf.function`` innermost: below the last decorator, else directly above the ``def``."""
    texts = [ast.unparse(d) for d in node.decorator_list]
    if any(_MAYBE_TF_FUNCTION.search(t) or _TRACED_DECORATORS.search(t) for t in texts):
        return None
    alias = _tensorflow_alias(module.tree, node)
    spelled = _respelled(arguments, alias) if alias is not None else None
    if alias is None or spelled is None:
        return None
    line = node.lineno
    if node.decorator_list:
        last_line = node.decorator_list[-1].end_lineno
        if last_line is None:
            return None
        line = last_line + 1
    indent = module.line_bytes(node.lineno)[: node.col_offset].decode("utf-8")
    if indent.strip():
        return None
    text = "@" + _decorator_text(spelled, f"{alias}.function")
    replacement = {
        "deletedRegion": {"startLine": line, "startColumn": 1, "endLine": line, "endColumn": 1},
        "insertedContent": {"text": f"{indent}{text}{module.newline}"},
    }
    return f"Add {text}", replacement


def _deletion(
    module: _Module, node: ast.FunctionDef | ast.AsyncFunctionDef, decorator: ast.expr
) -> tuple[str, dict[str, Any]] | None:
    """The decorator's lines deleted, when no import is left unused by it."""
    for name in _loaded_names(decorator):
        if not _imported(module.tree, name):
            continue
        if not _only_imported(module.tree, name) or not _used_elsewhere(
            module.tree, name, decorator
        ):
            return None
    start, end = decorator.lineno, decorator.end_lineno
    if end is None or end >= node.lineno:
        return None
    if module.line_bytes(start)[: decorator.col_offset].strip() != b"@":
        return None
    replacement = {
        "deletedRegion": {"startLine": start, "startColumn": 1, "endLine": end + 1, "endColumn": 1}
    }
    return f"Remove @{ast.unparse(decorator)}", replacement


def _reconfiguration(
    module: _Module,
    node: ast.FunctionDef | ast.AsyncFunctionDef,
    decorator: ast.expr,
    arguments: Sequence[tuple[str, str]],
) -> tuple[str, dict[str, Any]] | None:
    """The decorator line with ``arguments`` set, as the rewriter lays them out."""
    line = decorator.lineno
    end_col = decorator.end_col_offset
    if decorator.end_lineno != line or end_col is None:
        return None
    if any(_USES_TF.search(value) for _, value in arguments):
        alias = _tensorflow_alias(module.tree, node)
        spelled = _respelled(arguments, alias) if alias is not None else None
        if spelled is None:
            return None
        arguments = spelled
    original = module.line_bytes(line)
    if original[: decorator.col_offset].strip() != b"@" or not re.fullmatch(
        rb"[ \t]*(#.*)?", original[end_col:]
    ):
        return None  # the decorator is parenthesised, or shares its line
    edited = _configured(original, decorator, end_col, arguments)
    if edited is None:
        return None
    if edited == original:
        return None  # nothing to set: ``fix`` would say "already configured"
    ending = module.lines[line - 1][len(module.lines[line - 1].rstrip("\r\n")) :]
    new_line = edited.decode("utf-8") + ending
    replacement = {
        "deletedRegion": {"startLine": line, "startColumn": 1, "endLine": line + 1, "endColumn": 1},
        "insertedContent": {"text": new_line},
    }
    settings = ", ".join(f"{key}={value}" for key, value in arguments)
    return f"Set {settings} on @{ast.unparse(decorator)}", replacement


def _configured(
    line: bytes, decorator: ast.expr, end_col: int, arguments: Sequence[tuple[str, str]]
) -> bytes | None:
    """``line`` with the keyword ``arguments`` set on the decorator expression in it."""
    if not isinstance(decorator, ast.Call):
        fresh = ", ".join(f"{key}={value}" for key, value in arguments)
        return line[:end_col] + f"({fresh})".encode() + line[end_col:]
    call = decorator
    if call.args or any(k.arg is None for k in call.keywords):
        return None  # positional or ** arguments: which keywords they set is not plain
    if line[end_col - 1 : end_col] != b")":
        return None
    edits: list[tuple[int, int, bytes]] = []
    appended: list[tuple[str, str]] = []
    existing = {k.arg: k for k in call.keywords if k.arg is not None}
    for key, value in arguments:
        keyword = existing.get(key)
        if keyword is None:
            appended.append((key, value))
            continue
        old = keyword.value
        if _same_expression(old, value):
            continue
        if not isinstance(old, ast.Constant) or old.end_lineno != old.lineno:
            return None
        assert old.end_col_offset is not None
        edits.append((old.col_offset, old.end_col_offset, value.encode("utf-8")))
    if appended:
        insertion = _append_arguments(line, call, end_col, appended)
        if insertion is None:
            return None
        edits.append(insertion)
    for start, end, text in sorted(edits, reverse=True):
        line = line[:start] + text + line[end:]
    return line


def _append_arguments(
    line: bytes, call: ast.Call, end_col: int, appended: Sequence[tuple[str, str]]
) -> tuple[int, int, bytes] | None:
    """Where and what to insert for keywords appended to ``call``: after the last argument,
    in the separator and ``=`` style the call already uses (``decorators._appended``)."""
    keywords = call.keywords
    if not keywords:
        fresh = ", ".join(f"{key}={value}" for key, value in appended)
        return end_col - 1, end_col - 1, fresh.encode("utf-8")
    last = keywords[-1].value
    if last.end_col_offset is None or last.end_lineno != call.lineno:
        return None
    if line[last.end_col_offset : end_col - 1].strip():
        return None  # a trailing comma or a parenthesised value: another layout
    first = keywords[0]
    assert first.arg is not None
    equal = line[first.col_offset + len(first.arg.encode("utf-8")) : first.value.col_offset]
    if equal.strip() != b"=":
        return None
    separator = b", "
    if len(keywords) >= 2:
        before = keywords[-2].value
        if before.end_col_offset is None:
            return None
        separator = line[before.end_col_offset : keywords[-1].col_offset]
        if not re.fullmatch(rb"[ \t]*,[ \t]*", separator):
            return None
    text = b"".join(
        separator + key.encode("utf-8") + equal + value.encode("utf-8") for key, value in appended
    )
    return last.end_col_offset, last.end_col_offset, text


def _same_expression(node: ast.expr, text: str) -> bool:
    try:
        other = ast.parse(f"({text})", mode="eval").body
    except SyntaxError:
        return False
    return ast.dump(node) == ast.dump(other)


def _tf_function_decorator(
    node: ast.FunctionDef | ast.AsyncFunctionDef, decorator: object
) -> ast.expr | None:
    """The decorator the document names (``decorator.at``), when it is the function's only
    decorator that may be a ``tf.function`` (the rewriter edits or removes them all)."""
    if not isinstance(decorator, Mapping):
        return None
    at = _parse_location(decorator.get("at"))
    if at is None:
        return None
    _, line, column = at
    candidates = [d for d in node.decorator_list if _MAYBE_TF_FUNCTION.search(ast.unparse(d))]
    if len(candidates) != 1:
        return None
    found = candidates[0]
    if found.lineno != line or found.col_offset != column - 1:
        return None
    return found


# -- names -------------------------------------------------------------------------------------


def _top_level_index(tree: ast.Module, node: ast.AST) -> int | None:
    for index, statement in enumerate(tree.body):
        if any(inner is node for inner in ast.walk(statement)):
            return index
    return None


def _tensorflow_alias(tree: ast.Module, node: ast.AST) -> str | None:
    """The name the rewriter spells TensorFlow with at ``node``, when it is sure to be a module
    alias the file already has: bound by a module-level ``import tensorflow [as name]`` before
    ``node``, by nothing else anywhere, and ``tf`` or the only such name (the rewriter prefers
    ``tf``)."""
    index = _top_level_index(tree, node)
    if index is None:
        return None
    names = {
        alias.asname or alias.name
        for statement in tree.body[:index]
        if isinstance(statement, ast.Import)
        for alias in statement.names
        if alias.name == "tensorflow"
    }
    names = {name for name in names if _only_imported(tree, name, module="tensorflow")}
    if "tf" in names:
        return "tf"
    return names.pop() if len(names) == 1 else None


def _respelled(arguments: Sequence[tuple[str, str]], alias: str) -> list[tuple[str, str]] | None:
    """``tf.X`` in the argument values spelled ``alias.X``; None when a value has a string
    literal (where ``tf.`` is text, not a name)."""
    if any("'" in value or '"' in value for _, value in arguments):
        return None
    return [(key, _USES_TF.sub(f"{alias}.", value)) for key, value in arguments]


def _bindings(tree: ast.Module) -> Iterator[tuple[str, str | None]]:
    """Every name the module binds, with the module an import binds it to (None: not an
    import). Star imports bind ``*``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname is not None:
                    yield alias.asname, alias.name
                else:
                    yield alias.name.split(".")[0], alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    yield "*", None
                else:
                    yield alias.asname or alias.name, f"{node.module or ''}.{alias.name}"
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            yield node.id, None
        elif isinstance(node, ast.arg):
            yield node.arg, None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, None
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield node.name, None
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            yield from ((name, None) for name in node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            yield node.name, None
        elif isinstance(node, ast.MatchMapping) and node.rest:
            yield node.rest, None


def _only_imported(tree: ast.Module, name: str, module: str | None = None) -> bool:
    """Is ``name`` bound only by imports (of ``module``, when given), with no star import?"""
    for bound, target in _bindings(tree):
        if bound == "*":
            return False
        if bound != name:
            continue
        if target is None or (module is not None and target != module):
            return False
    return True


def _imported(tree: ast.Module, name: str) -> bool:
    return any(bound == name and target is not None for bound, target in _bindings(tree))


def _loaded_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _used_elsewhere(tree: ast.Module, name: str, excluded: ast.AST) -> bool:
    inside = {id(n) for n in ast.walk(excluded)}
    return any(
        isinstance(n, ast.Name) and n.id == name and id(n) not in inside for n in ast.walk(tree)
    )
