from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

import jsonschema


def test_example_result_matches_the_published_schema(example_reports: dict[str, Any]) -> None:
    schema = json.loads(files("readiness").joinpath("schema/result.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(example_reports["doc"])
    assert example_reports["doc"]["findings"], "the example service has real problems"
