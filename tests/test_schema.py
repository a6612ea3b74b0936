"""The JSON contract (design §8) is a shipped JSON Schema, and real output validates against it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from hybridize import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _schema() -> dict[str, object]:
    text = resources.files("hybridize.report").joinpath("schema.json").read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(_schema())


@pytest.mark.parametrize("command", ["check", "analyze"])
def test_output_validates(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main([command, str(EXAMPLES), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator(_schema()).validate(document)
    assert document["functions"], "nothing was validated"


def test_schema_rejects_a_broken_document(capsys: pytest.CaptureFixture[str]) -> None:
    """The check can fail: a decision with an unknown kind does not validate."""
    cli.main(["check", str(EXAMPLES), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    document["functions"][0]["decision"]["kind"] = "accelerate"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(_schema()).validate(document)
