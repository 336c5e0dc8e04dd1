from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
from helpers import scan_json, write_tree

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-service"


def schema() -> dict:
    return json.loads(files("readiness").joinpath("schema/result.schema.json").read_text(encoding="utf-8"))


def test_real_output_validates(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "# TODO x\nprint(1)\n", "app/b.py": "def (:\n"})
    doc = scan_json(tmp_path)
    jsonschema.validate(doc, schema(), format_checker=jsonschema.FormatChecker())
    doc = scan_json(EXAMPLE)
    jsonschema.validate(doc, schema(), format_checker=jsonschema.FormatChecker())


def test_same_input_same_json(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "# TODO x\nprint(1)\n"})
    first, second = scan_json(tmp_path), scan_json(tmp_path)
    for doc in (first, second):
        doc.pop("generated_at")
        doc.pop("timings")
    assert json.dumps(first) == json.dumps(second)


def test_a_narrowed_scan_names_its_selection(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "# TODO x\nprint(1)\n"})
    doc = scan_json(tmp_path, "--select", "todo-comment,print-call", "--ignore", "print-call")
    jsonschema.validate(doc, schema(), format_checker=jsonschema.FormatChecker())
    assert doc["selection"] == {"select": ["todo-comment", "print-call"], "ignore": ["print-call"]}
    bad = {**doc, "selection": {"select": "todo-comment"}}
    try:
        jsonschema.validate(bad, schema())
    except jsonschema.ValidationError:
        return
    raise AssertionError("a selection without its lists validated")
