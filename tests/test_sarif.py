"""SARIF 2.1.0 output (issue 6): logs validate against the official schema shipped in
``tests/data`` (offline), carry one rule per reason id, locations, assumptions and stable
fingerprints, and their fixes, applied as text, give exactly what ``hybridize fix`` writes."""

from __future__ import annotations

import ast
import copy
import io
import json
import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest

from hybridize.api import Config, Result, analyze
from hybridize.refactor.registry import all_rules
from hybridize.report.sarif import FINGERPRINT, render_sarif, sarif_json
from hybridize.rewriter.model import Change, ChangeAction
from hybridize.rewriter.rewrite import rewrite_source

REPO = Path(__file__).resolve().parent.parent
SCHEMA_PATH = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
EXAMPLES = REPO / "examples"
SIGNATURE_FIXTURES = REPO / "tests" / "fixtures" / "signatures"
ANALYSIS_FIXTURES = REPO / "tests" / "fixtures" / "analysis"
SYNTHETIC = ("hybridize", "dehybridize", "reconfigure")

LOOP = """

def _loop():
    for i in range(10):
        {calls}
"""

HYBRIDIZE = """\
import tensorflow as tf


def train_step(x):
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


class Model:
    @staticmethod
    def forward(x):
        y = tf.matmul(x, x)
        y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
        return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def _loop():
    for i in range(10):
        train_step(tf.ones([2, 2]))
        Model.forward(tf.ones([2, 2]))
"""

DEHYBRIDIZE = """\
import tensorflow as tf


@tf.function  # a comment that goes with it
def total(a, b):
    return a * b


def _loop():
    for i in range(10):
        total(i, 4)
    return tf.constant(1)
"""

# the signature is appended in the call's own "=" style
RECONFIGURE = """\
import tensorflow as tf


@tf.function(autograph = False)
def step(x):
    return tf.reduce_sum(x * 2.0, axis=1)


def main():
    first = step(tf.ones((2, 3)))
    second = step(tf.ones((4, 3)))
    return [first, second], step
"""

BLOCKED = """\
import tensorflow as tf


def train_step(x):
    print("step")
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


@tf.function
def counted(n):
    print("called", n)
    return n + 1


def _loop():
    for i in range(10):
        train_step(tf.ones([2, 2]))
        counted(i)
"""

CONDITIONAL = """\
import tensorflow as tf
import helper_lib


def train_step(x):
    x = helper_lib.prepare(x)
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def _loop():
    for i in range(10):
        train_step(tf.ones([2, 2]))
"""

SUPPRESSED = """\
import tensorflow as tf


def train_step(x):  # hybridize: ignore
    y = tf.matmul(x, x)
    y = tf.nn.relu(y) + tf.reduce_sum(y) * 2.0
    return tf.tanh(y) - tf.sigmoid(y) + tf.exp(y)


def _loop():
    for i in range(10):
        train_step(tf.ones([2, 2]))
"""

# the only use of tf is the decorator: fix would also drop the import, so no SARIF fix
LONE_IMPORT = """\
import tensorflow as tf


@tf.function
def total(a, b):
    return a * b


def _loop():
    for i in range(10):
        total(i, 4)
"""

# TensorFlow reached through `from tensorflow import ...` only: fix would add an import
FROM_IMPORTS = """\
from tensorflow import exp, matmul, nn, ones, reduce_sum, sigmoid, tanh


def train_step(x):
    y = matmul(x, x)
    y = nn.relu(y) + reduce_sum(y) * 2.0
    return tanh(y) - sigmoid(y) + exp(y)


def _loop():
    for i in range(10):
        train_step(ones([2, 2]))
"""

# `import tensorflow as T`: the decorator is spelled T.function
OTHER_ALIAS = """\
import tensorflow as T


def train_step(x):
    y = T.matmul(x, x)
    y = T.nn.relu(y) + T.reduce_sum(y) * 2.0
    return T.tanh(y) - T.sigmoid(y) + T.exp(y)


def _loop():
    for i in range(10):
        train_step(T.ones([2, 2]))
"""

SMALL_PROJECTS = {
    "hybridize": HYBRIDIZE,
    "dehybridize": DEHYBRIDIZE,
    "reconfigure": RECONFIGURE,
    "blocked": BLOCKED,
    "conditional": CONDITIONAL,
    "suppressed": SUPPRESSED,
    "lone_import": LONE_IMPORT,
    "from_imports": FROM_IMPORTS,
    "other_alias": OTHER_ALIAS,
}
#: Applicable decisions with no fix, and why (see the module docstring of report.sarif).
NO_FIX = {
    "lone_import": {"module.py::total"},  # fix drops the import the decorator alone used
    "from_imports": {"module.py::train_step"},  # fix adds an import
    # decorator(s) spelled through `from tensorflow import ...`: fix joins names to that import
    "signatures": {
        "from_import_float32_already_imported.py::step",
        "from_tensorflow_import_function.py::step",
        "wildcard_import.py::step",
    },
    "decorators": {"class_level_wrap.py::Scaler._apply"},  # `tf.function(_apply)`, no decorator
}


# -- helpers ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def validators(schema: Mapping[str, Any]) -> list[jsonschema.protocols.Validator]:
    """The draft the schema declares (draft-04) and draft-07: both must accept the log."""
    declared = jsonschema.validators.validator_for(schema)
    return [
        cls(schema, format_checker=cls.FORMAT_CHECKER)
        for cls in dict.fromkeys([declared, jsonschema.Draft7Validator])
    ]


def validate(log: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    for validator in validators(schema):
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def project(tmp_path: Path, name: str, source: str) -> Path:
    root = tmp_path / name
    root.mkdir()
    (root / "module.py").write_text(source, encoding="utf-8")
    return root


def render(result: Result, **options: Any) -> dict[str, Any]:
    return render_sarif(result.to_dict(), root=result.root, **options)


def results(log: Mapping[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = log["runs"][0]["results"]
    return found


def by_function(log: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["properties"]["qualname"]: r for r in results(log)}


def text_offset(lines: Sequence[str], line: int, column: int) -> int:
    """SARIF (line, column), 1-based, as an offset into the text of ``lines``."""
    return sum(len(text) for text in lines[: line - 1]) + column - 1


def apply_replacements(text: str, replacements: Sequence[Mapping[str, Any]]) -> str:
    lines = io.StringIO(text, newline="").readlines()
    edits = []
    for replacement in replacements:
        region = replacement["deletedRegion"]
        start = text_offset(lines, region["startLine"], region["startColumn"])
        end = text_offset(
            lines, region.get("endLine", region["startLine"]), region.get("endColumn", 1)
        )
        assert start <= end
        inserted = replacement.get("insertedContent", {}).get("text", "")
        edits.append((start, end, inserted))
    edits.sort(reverse=True)
    for (start, end, _), (next_start, next_end, _) in zip(edits[1:], edits, strict=False):
        assert end <= next_start or (start == end == next_start == next_end), "overlapping"
    for start, end, inserted in edits:
        text = text[:start] + inserted + text[end:]
    return text


def apply_fixes(root: Path, fixes: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The files the fixes change, each with all its replacements applied."""
    by_path: dict[str, list[Mapping[str, Any]]] = {}
    for fix in fixes:
        for change in fix["artifactChanges"]:
            assert change["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            by_path.setdefault(change["artifactLocation"]["uri"], []).extend(change["replacements"])
    return {
        path: apply_replacements((root / path).read_text(encoding="utf-8"), replacements)
        for path, replacements in by_path.items()
    }


_ACTIONS = {
    "hybridize": ChangeAction.ADD,
    "dehybridize": ChangeAction.REMOVE,
    "reconfigure": ChangeAction.CONFIGURE,
}


def rewritten_alone(result: Result, function_id: str) -> str:
    """What ``hybridize fix`` writes for this one decision (the rewriter, given its change)."""
    facts = next(f for f in result.functions if f.id == function_id)
    decision = result.decisions[function_id]
    arguments = tuple(sorted(dict(decision.transformation.get("arguments", {})).items()))
    change = Change(
        facts.qualname, facts.location.line, _ACTIONS[decision.kind.value], arguments, facts.id
    )
    source = (result.root / facts.path).read_text(encoding="utf-8")
    rewrite = rewrite_source(source, [change])
    assert rewrite.outcomes[0].applied, rewrite.outcomes[0].message
    return rewrite.source


def corpus() -> Iterator[Path]:
    yield EXAMPLES
    yield SIGNATURE_FIXTURES
    yield from sorted(p for p in ANALYSIS_FIXTURES.iterdir() if p.is_dir())


# -- the schema itself -----------------------------------------------------------------------


def test_shipped_schema_is_the_official_one(schema: dict[str, Any]) -> None:
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert schema.get("id", schema.get("$id", "")).startswith(
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/"
    )
    for validator in validators(schema):
        type(validator).check_schema(schema)
    # every $ref is local: validation never needs the network
    refs = set()
    pending: list[Any] = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    assert refs and all(ref.startswith("#/") for ref in refs)


# -- the examples ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def examples() -> Result:
    return analyze([EXAMPLES], Config())


def test_examples_validate(examples: Result, schema: dict[str, Any]) -> None:
    log = render(examples)
    validate(log, schema)
    assert log["version"] == "2.1.0"
    assert {r["properties"]["kind"] for r in results(log)} == set(SYNTHETIC)
    # validation without sources (no fixes) too
    validate(render_sarif(examples.to_dict()), schema)


def test_one_rule_per_reason_id(examples: Result) -> None:
    rules = render(examples)["runs"][0]["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == [*all_rules(), *SYNTHETIC]
    assert len(ids) == len(set(ids)) == len(all_rules()) + len(SYNTHETIC)
    for rule in rules:
        assert rule["name"] == "".join(p.capitalize() for p in rule["id"].split("-"))
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert "Why:" in rule["help"]["text"] and "How to fix:" in rule["help"]["text"]
        assert "**Why.**" in rule["help"]["markdown"]
        docs = "https://github.com/hybridize/hybridize/blob/main/docs"
        page = (
            f"{docs}/guide.md#decision-kinds"  # decision kinds have no reason page
            if rule["id"] in SYNTHETIC
            else f"{docs}/reasons/{rule['id']}.md"
        )
        assert rule["helpUri"] == page
        assert rule["defaultConfiguration"]["level"] in ("note", "warning", "error")
        assert rule["properties"]["category"]
    registry = all_rules()
    for rule in rules[: len(registry)]:
        assert (
            rule["shortDescription"]["text"]
            .lower()
            .startswith(registry[rule["id"]].summary.lower()[:20])
        )
        assert rule["properties"]["category"] == registry[rule["id"]].category.value
    assert "```python" in rules[0]["help"]["markdown"]


def test_docs_url_can_be_overridden(examples: Result) -> None:
    document = examples.to_dict()
    rules = render_sarif(document, docs_url="https://docs.example/r/")["runs"][0]["tool"]
    assert rules["driver"]["rules"][0]["helpUri"].startswith("https://docs.example/r/")
    templated = render_sarif(document, docs_url="https://docs.example/{id}.html")
    first = templated["runs"][0]["tool"]["driver"]["rules"][0]
    assert first["helpUri"] == f"https://docs.example/{first['id']}.html"


def test_examples_results(examples: Result) -> None:
    log = render(examples)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    found = by_function(log)
    assert set(found) == {"train_step", "eval_step", "total_steps"}
    assert found["train_step"]["ruleId"] == "hybridize"
    assert found["train_step"]["level"] == "note"
    assert found["eval_step"]["ruleId"] == "shape-retracing"
    assert found["total_steps"]["ruleId"] == "no-tensor-parameters"
    for result in results(log):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {
            "uri": "mnist_trainer/train.py",
            "uriBaseId": "%SRCROOT%",
        }
        assert location["region"]["startLine"] >= 1 and location["region"]["endLine"] >= 1
        assert result["relatedLocations"]
        assert [r["id"] for r in result["relatedLocations"]] == list(
            range(1, len(result["relatedLocations"]) + 1)
        )
        properties = result["properties"]
        assert {"kind", "safety", "applicable", "transformation", "input_signature"} <= set(
            properties
        )
        assert properties["assumptions"] == []
        assert len(result["fixes"]) == 1
    train_step = found["train_step"]["locations"][0]["physicalLocation"]["region"]
    facts = examples.function("train_step")
    assert (train_step["startLine"], train_step["startColumn"]) == (facts.location.line, 1)
    assert train_step["endLine"] == facts.end_line
    run = log["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert "%SRCROOT%" in run["originalUriBaseIds"]
    assert run["properties"]["summary"] == examples.to_dict()["summary"]


def test_output_is_deterministic_and_fingerprints_stable(tmp_path: Path) -> None:
    copy_root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy_root)
    first = sarif_json(analyze([EXAMPLES], Config()).to_dict())
    second = sarif_json(analyze([copy_root], Config()).to_dict())
    assert first == second
    assert "TimeUtc" not in first  # no timestamps

    def fingerprints(text: str) -> list[str]:
        return [r["partialFingerprints"][FINGERPRINT] for r in results(json.loads(text))]

    prints = fingerprints(first)
    assert len(prints) == len(set(prints)) == 3
    # moving every function down two lines keeps the fingerprints (and changes the lines)
    train = copy_root / "mnist_trainer" / "train.py"
    train.write_text("# moved\n# down\n" + train.read_text(encoding="utf-8"), encoding="utf-8")
    moved = sarif_json(analyze([copy_root], Config()).to_dict())
    assert fingerprints(moved) == prints
    assert moved != first


def test_refuted_verification_is_an_error(examples: Result, schema: dict[str, Any]) -> None:
    """Forward compatible with ``verify``: a refuted decision is an error without a fix."""
    document = examples.to_dict()
    for function in document["functions"]:
        if function["qualname"] == "train_step":
            function["decision"]["verification"] = {
                "status": "refuted",
                "detail": "outputs differ",
                "speedup": None,
            }
    log = render_sarif(document, root=examples.root)
    validate(log, schema)
    refuted = by_function(log)["train_step"]
    assert refuted["level"] == "error"
    assert "fixes" not in refuted
    assert refuted["properties"]["verification"]["status"] == "refuted"
    assert "Refuted at run time: outputs differ." in refuted["message"]["text"]


def test_validation_can_fail(examples: Result, schema: dict[str, Any]) -> None:
    log = render(examples)
    broken = [copy.deepcopy(log) for _ in range(4)]
    results(broken[0])[0]["level"] = "fatal"
    del results(broken[1])[0]["message"]
    broken[2]["version"] = "2.0.0"
    results(broken[3])[0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    for document in broken:
        for validator in validators(schema):
            assert not validator.is_valid(document)


# -- small projects --------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> dict[str, Result]:
    return {
        name: analyze([project(tmp_path, name, source)], Config())
        for name, source in SMALL_PROJECTS.items()
    }


def test_small_projects_validate(small: dict[str, Result], schema: dict[str, Any]) -> None:
    for result in small.values():
        validate(render(result), schema)


def test_hybridize(small: dict[str, Result]) -> None:
    found = by_function(render(small["hybridize"]))
    assert set(found) == {"train_step", "Model.forward"}
    for result in found.values():
        assert (result["ruleId"], result["level"]) == ("hybridize", "note")
        assert result["properties"]["safety"] == "safe"
        assert result["fixes"][0]["description"]["text"] == "Add @tf.function"
    (replacement,) = found["Model.forward"]["fixes"][0]["artifactChanges"][0]["replacements"]
    # innermost: below @staticmethod, with the method's indentation
    assert replacement["deletedRegion"]["startLine"] == 12
    assert replacement["insertedContent"]["text"] == "    @tf.function\n"


def test_dehybridize(small: dict[str, Result]) -> None:
    (result,) = results(render(small["dehybridize"]))
    assert (result["ruleId"], result["level"]) == ("no-tensor-parameters", "warning")
    (replacement,) = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement == {
        "deletedRegion": {"startLine": 4, "startColumn": 1, "endLine": 5, "endColumn": 1}
    }
    messages = [r["message"]["text"] for r in result["relatedLocations"]]
    assert "the tf.function decorator: @tf.function" in messages


def test_reconfigure_with_input_signature(small: dict[str, Result]) -> None:
    (result,) = results(render(small["reconfigure"]))
    assert result["ruleId"] == "shape-retracing"
    signature = "[tf.TensorSpec(shape=(None, 3), dtype=tf.float32)]"
    assert result["properties"]["input_signature"] == signature
    assert result["properties"]["transformation"]["name"] == "add-input-signature"
    (replacement,) = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement["insertedContent"]["text"] == (
        f"@tf.function(autograph = False, input_signature = {signature})\n"
    )


def test_blocked_and_latent(small: dict[str, Result]) -> None:
    found = by_function(render(small["blocked"]))
    assert "train_step" not in found  # an eager function that must stay eager: nothing wrong
    latent = found["counted"]
    assert (latent["ruleId"], latent["level"]) == ("python-side-effects", "warning")
    assert latent["properties"]["applicable"] is False
    assert "fixes" not in latent


def test_conditional_carries_assumptions(small: dict[str, Result]) -> None:
    (result,) = results(render(small["conditional"]))
    assert result["properties"]["safety"] == "conditional"
    assert result["level"] == "note"
    assumptions = result["properties"]["assumptions"]
    assert assumptions and {"id", "kind", "claim", "at", "discharge"} <= set(assumptions[0])
    assert any(a["kind"] == "unmodelled-call" for a in assumptions)
    assert "Conditional on" in result["message"]["text"]
    assert any(r["message"]["text"].startswith("assumed: ") for r in result["relatedLocations"])
    assert result["fixes"]


def test_suppressed_decision_is_reported_suppressed(small: dict[str, Result]) -> None:
    (result,) = results(render(small["suppressed"]))
    assert result["ruleId"] == "hybridize"
    assert result["suppressions"][0]["kind"] == "inSource"
    assert result["suppressions"][0]["location"]["physicalLocation"]["region"]["startLine"] == 4
    assert "fixes" not in result
    assert result["message"]["text"].endswith("Suppressed by a `# hybridize: ignore` comment.")


def test_no_fix_when_fix_would_do_more(small: dict[str, Result]) -> None:
    for name in ("lone_import", "from_imports"):
        (result,) = results(render(small[name]))
        assert result["properties"]["applicable"] is True
        assert "fixes" not in result, name


def test_no_fix_without_sources(small: dict[str, Result]) -> None:
    sarif = render_sarif(small["hybridize"].to_dict())
    assert results(sarif) and not any("fixes" in r for r in results(sarif))


def test_signature_mismatch_is_an_error(schema: dict[str, Any]) -> None:
    result = analyze([SIGNATURE_FIXTURES / "signature_mismatch_dtype.py"], Config())
    log = render(result)
    validate(log, schema)
    errors = [r for r in results(log) if r["ruleId"] == "signature-mismatch"]
    assert errors and all(r["level"] == "error" for r in errors)
    assert all("fixes" not in r for r in errors)


def test_unanalysed_files_are_notifications(tmp_path: Path, schema: dict[str, Any]) -> None:
    root = project(tmp_path, "broken", HYBRIDIZE)
    (root / "bad.py").write_text("def broken(:\n", encoding="utf-8")
    log = render(analyze([root], Config()))
    validate(log, schema)
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith("bad.py: syntax-error")


# -- fixes are what `hybridize fix` writes -----------------------------------------------------


def check_fixes(result: Result) -> set[str]:
    """Every fix, applied alone, gives what the rewriter writes for its decision alone.
    Returns the ids of the applicable decisions without a fix."""
    fixed_ids = set()
    for sarif_result in results(render(result)):
        if not sarif_result.get("fixes"):
            continue
        function_id = sarif_result["properties"]["function"]
        fixed_ids.add(function_id)
        (fixed,) = apply_fixes(result.root, sarif_result["fixes"]).items()
        assert fixed[0] == function_id.split("::", 1)[0]
        assert fixed[1] == rewritten_alone(result, function_id), function_id
    return {facts.id for facts, _ in result.applicable} - fixed_ids


@pytest.mark.parametrize("root", list(corpus()), ids=lambda p: p.name)
def test_fixes_equal_the_rewriter(root: Path) -> None:
    assert check_fixes(analyze([root], Config())) == NO_FIX.get(root.name, set())


def test_small_project_fixes(small: dict[str, Result]) -> None:
    for name, result in small.items():
        assert check_fixes(result) == NO_FIX.get(name, set()), name
    (aliased,) = results(render(small["other_alias"]))
    (replacement,) = aliased["fixes"][0]["artifactChanges"][0]["replacements"]
    assert replacement["insertedContent"]["text"] == "@T.function\n"


@pytest.mark.parametrize(
    "name", ["hybridize", "dehybridize", "reconfigure", "conditional"], ids=str
)
def test_fixes_equal_result_apply(name: str, tmp_path: Path) -> None:
    """All the fixes of a file together give the file ``Result.apply`` writes."""
    root = project(tmp_path, name, SMALL_PROJECTS[name])
    result = analyze([root], Config())
    fixes = [fix for r in results(render(result)) for fix in r.get("fixes", [])]
    assert fixes
    expected = apply_fixes(root, fixes)
    edits = result.apply(unsafe=True)
    assert edits and all(edit.written for edit in edits)
    assert expected == {"module.py": (root / "module.py").read_text(encoding="utf-8")}


def test_examples_fixes_equal_result_apply(tmp_path: Path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    result = analyze([root], Config())
    fixes = [fix for r in results(render(result)) for fix in r.get("fixes", [])]
    expected = apply_fixes(root, fixes)
    result.apply(unsafe=True)
    assert expected
    for path, text in expected.items():
        assert (root / path).read_text(encoding="utf-8") == text


# -- fixes on decorator layouts, against the rewriter directly -------------------------------

SPEC = "[tf.TensorSpec(shape=(None,), dtype=tf.float32)]"
RETRACE = {"reduce_retracing": "True"}

#: (name, source, kind, arguments, has a fix). The target is the function ``f``.
LAYOUTS: list[tuple[str, str, str, dict[str, str], bool]] = [
    ("add_plain", "import tensorflow as tf\n\n\ndef f(x):\n    return x\n", "hybridize", {}, True),
    (
        "add_arguments",
        "import tensorflow as tf\n\n\ndef f(x):\n    return x\n",
        "hybridize",
        {"input_signature": SPEC, "reduce_retracing": "True"},
        True,
    ),
    (
        "add_comment_above",
        "import tensorflow as tf\n\n# about f\n\ndef f(x):\n    return x\n",
        "hybridize",
        {},
        True,
    ),
    (
        "add_below_decorators_and_above_comment",
        "import tensorflow as tf\nimport functools\n\n\n@functools.lru_cache(\n    None,\n)"
        "  # cached\n# about f\n\ndef f(x):\n    return x\n",
        "hybridize",
        {},
        True,
    ),
    (
        "add_method",
        "import tensorflow as tf\n\n\nclass A:\n    @staticmethod\n    def f(x):\n"
        "        return x\n",
        "hybridize",
        RETRACE,
        True,
    ),
    (
        "add_async_nested_tabs",
        "import tensorflow as tf\n\n\ndef outer():\n\tasync def f(x):\n\t\treturn x\n\treturn f\n",
        "hybridize",
        {},
        True,
    ),
    (
        "add_crlf",
        "import tensorflow as tf\r\n\r\ndef f(x):\r\n    return x\r\n",
        "hybridize",
        {},
        True,
    ),
    (
        "add_alias_tensorflow",
        "import tensorflow\n\n\ndef f(x):\n    return x\n",
        "hybridize",
        {"input_signature": SPEC},
        True,
    ),
    (
        "add_above_custom_gradient",
        "import tensorflow as tf\n\n\n@tf.custom_gradient\ndef f(x):\n    return x, None\n",
        "hybridize",
        {},
        False,
    ),
    (
        "add_import_after",
        "def f(x):\n    return x\n\n\nimport tensorflow as tf\n",
        "hybridize",
        {},
        False,
    ),
    (
        "add_tf_shadowed",
        "import tensorflow as tf\n\n\ndef f(x):\n    return x\n\n\ndef g(tf):\n    return tf\n",
        "hybridize",
        {},
        False,
    ),
    (
        "remove_plain",
        "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    return tf.abs(x)\n",
        "dehybridize",
        {},
        True,
    ),
    (
        "remove_multiline_with_comments_around",
        "import tensorflow as tf\nimport functools\n\n\n@functools.wraps(abs)\n# keep me\n"
        "@tf.function(\n    jit_compile=True,  # inner\n)  # gone\n@functools.wraps(abs)\n"
        "def f(x):\n    return tf.abs(x)\n",
        "dehybridize",
        {},
        True,
    ),
    (
        "remove_lone_import",
        "import tensorflow as tf\n\n\n@tf.function\ndef f(x):\n    return x\n",
        "dehybridize",
        {},
        False,
    ),
    (
        "configure_bare",
        "import tensorflow as tf\n\n\n@tf.function  # note\ndef f(x):\n    return x\n",
        "reconfigure",
        RETRACE,
        True,
    ),
    (
        "configure_empty_call",
        "import tensorflow as tf\n\n\n@tf.function( )\ndef f(x):\n    return x\n",
        "reconfigure",
        {"input_signature": SPEC, "reduce_retracing": "True"},
        True,
    ),
    (
        "configure_tight_separator",
        "import tensorflow as tf\n\n\n@tf.function(jit_compile=True,autograph=False )\n"
        "def f(x):\n    return x\n",
        "reconfigure",
        RETRACE,
        True,
    ),
    (
        "configure_spaced_equal",
        "import tensorflow as tf\n\n\n@tf.function(autograph = False)\ndef f(x):\n    return x\n",
        "reconfigure",
        {"input_signature": SPEC},
        True,
    ),
    (
        "configure_replace_constant",
        "import tensorflow as tf\n\n\n@tf.function(reduce_retracing=False, jit_compile=True)\n"
        "def f(x):\n    return x\n",
        "reconfigure",
        RETRACE,
        True,
    ),
    (
        "configure_non_ascii",
        'import tensorflow as tf\n\n\n@tf.function(experimental_implements="näive")  # ü\n'
        "def f(x):\n    return x\n",
        "reconfigure",
        RETRACE,
        True,
    ),
    (
        "configure_alias_t",
        "import tensorflow as T\n\n\n@T.function\ndef f(x):\n    return x\n",
        "reconfigure",
        {"input_signature": SPEC},
        True,
    ),
    (
        "configure_trailing_comma",
        "import tensorflow as tf\n\n\n@tf.function(jit_compile=True,)\ndef f(x):\n    return x\n",
        "reconfigure",
        RETRACE,
        False,
    ),
    (
        "configure_multiline",
        "import tensorflow as tf\n\n\n@tf.function(\n    jit_compile=True,\n)\n"
        "def f(x):\n    return x\n",
        "reconfigure",
        RETRACE,
        False,
    ),
    (
        "configure_positional",
        "import tensorflow as tf\n\n\n@tf.function(None)\ndef f(x):\n    return x\n",
        "reconfigure",
        RETRACE,
        False,
    ),
]


def layout_document(source: str, kind: str, arguments: Mapping[str, str]) -> dict[str, Any]:
    """A schema-1 document with one applicable decision about ``f`` in ``module.py``."""
    tree = ast.parse(source)
    node = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "f"
    )
    decorator = None
    if kind != "hybridize":
        expression = next(d for d in node.decorator_list if "function" in ast.unparse(d))
        decorator = {
            "text": "@" + ast.unparse(expression),
            "args": {},
            "at": f"module.py:{expression.lineno}:{expression.col_offset + 1}",
        }
    transformation: dict[str, Any] = {"action": _ACTIONS[kind].value}
    if arguments:
        transformation["arguments"] = dict(arguments)
    function = {
        "id": "module.py::f",
        "path": "module.py",
        "qualname": "f",
        "name": "f",
        "line": node.lineno,
        "col": node.col_offset + 1,
        "end_line": node.end_lineno,
        "hybrid": decorator is not None,
        "decorator": decorator,
        "parameters": [],
        "facts": {},
        "effects": [],
        "decision": {
            "kind": kind,
            "applicable": True,
            "reasons": [],
            "messages": [],
            "safety": "safe",
            "transformation": transformation,
            "input_signature": None,
            "proof": {"premises": [], "assumptions": []},
            "suppression": None,
        },
    }
    return {
        "schema": 1,
        "tool": {"name": "hybridize", "version": "0"},
        "settings": {},
        "files": [{"path": "module.py", "status": "analyzed"}],
        "functions": [function],
        "summary": {"files": 1, "functions": 1, "lines": source.count("\n")},
    }


@pytest.mark.parametrize(
    ("source", "kind", "arguments", "fixable"),
    [case[1:] for case in LAYOUTS],
    ids=[case[0] for case in LAYOUTS],
)
def test_fix_layouts(
    source: str,
    kind: str,
    arguments: dict[str, str],
    fixable: bool,
    tmp_path: Path,
    schema: dict[str, Any],
) -> None:
    (tmp_path / "module.py").write_bytes(source.encode("utf-8"))
    log = render_sarif(layout_document(source, kind, arguments), root=tmp_path)
    validate(log, schema)
    (result,) = results(log)
    node_line = layout_document(source, kind, arguments)["functions"][0]["line"]
    change = Change(
        "f" if "class A" not in source else "A.f",
        node_line,
        _ACTIONS[kind],
        tuple(sorted(arguments.items())),
    )
    if "def outer" in source:
        change = attrs.evolve(change, qualname="outer.f")
    rewrite = rewrite_source(source, [change])
    if not fixable:
        assert "fixes" not in result
        return
    assert rewrite.outcomes[0].applied, rewrite.outcomes[0].message
    fixes = result["fixes"]
    by_path: list[Mapping[str, Any]] = [
        r for fix in fixes for c in fix["artifactChanges"] for r in c["replacements"]
    ]
    assert apply_replacements(source, by_path) == rewrite.source


def test_columns_count_code_points(tmp_path: Path) -> None:
    source = (
        'import tensorflow as tf\n\n\n@tf.function(experimental_implements="näive")\n'
        "def f(x):\n    return x\n"
    )
    (tmp_path / "module.py").write_text(source, encoding="utf-8")
    document = layout_document(source, "reconfigure", RETRACE)
    line = source.splitlines()[3]
    byte_column = line.encode("utf-8").index(b")") + 1
    premise = {"claim": "here", "at": f"module.py:4:{byte_column}", "evidence": []}
    document["functions"][0]["decision"]["proof"]["premises"].append(premise)
    with_root = by_function(render_sarif(document, root=tmp_path))["f"]
    regions = {
        r["message"]["text"]: r["physicalLocation"]["region"] for r in with_root["relatedLocations"]
    }
    assert regions["here"]["startColumn"] == line.index(")") + 1 == byte_column - 1
    without_root = by_function(render_sarif(document))["f"]
    assert without_root["relatedLocations"][-1]["physicalLocation"]["region"]["startColumn"] == (
        byte_column
    )
