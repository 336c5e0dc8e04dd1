"""The cache file format: values come back equal and of the same types, shared objects stay
shared, anything the writer would not have written is a miss, and unchanged entries are saved
again without being encoded."""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
from collections import Counter
from typing import Any

from readiness.analysis import FileAnalysis
from readiness.cache_codec import _VERSION, MAGIC, Deferred, Loaded, seal, unseal
from readiness.checks.base import FileOutcome
from readiness.model import Finding, Note

KEY = b"k" * 32


def _finding(line: int = 3) -> Finding:
    return Finding("app/main.py", line, 0, "print-statement", "print() call", "low", "abc", True, None)


def _sample() -> dict[str, Any]:
    return {
        "tuple": ("a", 1, 2.5, None, True),
        "set": {"x", "y"},
        "frozen": frozenset({("p", 1)}),
        "bytes": b"\x00\xffdata",
        "counter": Counter({"routes": 3, "views": 0}),
        "names": {"a": [1, {"b": (2,)}]},
        "numbers": {1: "one", (2, 3): "pair"},
        "objects": [_finding(), Note("parse-error", "bad", "x.py")],
    }


def _body(blob: bytes) -> list[str]:
    return blob[len(MAGIC) + 32:].decode("utf-8").split("\n")


def _signed(lines: list[str]) -> bytes:
    body = "\n".join(lines).encode("utf-8")
    return MAGIC + hmac.new(KEY, body, hashlib.sha256).digest() + body


def test_values_come_back_equal_and_of_the_same_types() -> None:
    entries = _sample()
    back = unseal(KEY, seal(KEY, entries))
    assert back == entries
    for name, value in entries.items():
        assert type(back[name]) is type(value), name
    assert type(back["counter"]) is Counter
    assert [type(v) for v in back["objects"]] == [Finding, Note]
    assert type(back["names"]["a"][1]["b"]) is tuple


def test_an_object_shared_within_an_entry_is_written_once_and_stays_shared() -> None:
    facts = FileOutcome(evidence=["GET /orders"])
    analysis = FileAnalysis("app/views.py", outcomes={"pagination": facts, "rate-limiting": facts})
    blob = seal(KEY, {"app/views.py": ("digest", analysis)})
    assert _body(blob)[1].count("GET /orders") == 1
    back = unseal(KEY, blob)["app/views.py"][1]
    assert back.outcomes["pagination"] is back.outcomes["rate-limiting"]
    assert back.outcomes["pagination"].evidence == ["GET /orders"]


def test_a_class_whose_fields_changed_is_a_miss_for_its_entries_only() -> None:
    header, *lines = _body(seal(KEY, {"a": Note("k", "m", "p"), "b": ("plain",)}))
    layout = json.loads(header)
    layout["classes"][0][2] = ["kind", "text", "path"]  # Note written by a version with other fields
    back = unseal(KEY, _signed([json.dumps(layout), *lines]))
    assert back == {"b": ("plain",)}


def test_nothing_is_imported_or_called_on_a_files_say_so() -> None:
    header = json.dumps({"v": _VERSION, "classes": [["readiness_not_loaded_anywhere", "Evil", []], ["os", "system", []]]})
    lines = [header, json.dumps(["a", {"o": [0]}]), json.dumps(["b", {"o": [1]}]), json.dumps(["c", [1, 2]])]
    assert unseal(KEY, _signed(lines)) == {"c": [1, 2]}
    assert "readiness_not_loaded_anywhere" not in sys.modules


def test_malformed_entries_are_misses() -> None:
    header = json.dumps({"v": _VERSION, "classes": []})
    bad = [
        ["a", {"t": [1], "s": [2]}],  # two tags in one object
        ["b", {"r": 0}],  # a reference to nothing
        ["c", {"d": [1, "not a name key"]}],
        ["d", {"s": [[1]]}],  # an unhashable set member
        ["e", {"z": 1}],
        ["f", {"o": [7, "x"]}],
    ]
    lines = [header, *(json.dumps(entry) for entry in bad), "{not json", json.dumps(["ok", {"t": ["x"]}])]
    assert unseal(KEY, _signed(lines)) == {"ok": ("x",)}


def test_a_file_signed_with_another_key_or_of_another_version_is_empty() -> None:
    blob = seal(KEY, _sample())
    assert unseal(b"o" * 32, blob) == {}
    header, *lines = _body(blob)
    assert unseal(KEY, _signed([json.dumps({"v": 2, "classes": []}), *lines])) == {}
    assert unseal(KEY, blob[:-5]) == {}


def test_unchanged_entries_are_saved_as_the_lines_they_were_read_from() -> None:
    first = seal(KEY, {"a.py": ("d1", _finding(3)), "b.py": ("d2", _finding(4))})
    loaded = Loaded()
    entries = unseal(KEY, first, loaded)
    assert seal(KEY, entries, loaded) == first
    entries["b.py"] = ("d3", _finding(9))
    again = _body(seal(KEY, entries, loaded))
    assert again[:2] == _body(first)[:2]
    assert unseal(KEY, _signed(again))["b.py"] == ("d3", _finding(9))


def test_fields_left_at_their_defaults_come_back_as_fresh_defaults() -> None:
    blob = seal(KEY, {"a": (FileAnalysis("a.py"), FileAnalysis("b.py", lines=False)), "c": FileOutcome()})
    assert _body(blob)[2].count(",") < 3  # an empty outcome is just its class's number
    (first, second), outcome = unseal(KEY, blob)["a"], unseal(KEY, blob)["c"]
    assert first == FileAnalysis("a.py") and outcome == FileOutcome()
    assert first.notes is not second.notes and first.outcomes is not second.outcomes
    assert type(outcome.counts) is Counter
    assert second.lines is False  # equal to the default 0, but not the same type: written out


def test_deferred_dicts_are_read_only_when_a_value_is_asked_for() -> None:
    outcome = FileOutcome(evidence=["GET /orders"])
    analysis = FileAnalysis("app/views.py", imports=frozenset({"flask"}), outcomes={"pagination": outcome},
                            findings={"print-call": [_finding()]})
    header, line = _body(seal(KEY, {"app/views.py": ("digest", analysis)}))
    head, *texts = line.split("\t")
    assert len(texts) == 2 and "GET /orders" not in head  # the values follow the entry, unescaped
    back = unseal(KEY, _signed([header, line]))["app/views.py"][1]
    assert type(back.outcomes) is Deferred and list(back.outcomes) == ["pagination"]
    assert back == analysis and back.findings["print-call"] == [_finding()]
    # a text nobody asks for is never parsed: a broken one fails only when its value is asked for
    broken = unseal(KEY, _signed([header, "\t".join([head, "{not json", texts[1]])]))["app/views.py"][1]
    assert "pagination" in broken.outcomes and broken.imports == frozenset({"flask"})
    try:
        broken.outcomes["pagination"]
    except ValueError:
        pass
    else:
        raise AssertionError("a broken deferred text decoded")


def test_a_deferred_value_of_a_changed_class_or_without_its_text_is_a_miss() -> None:
    analysis = FileAnalysis("a.py", outcomes={"pagination": FileOutcome(evidence=["x"])})
    header, line = _body(seal(KEY, {"a.py": ("d", analysis), }))
    layout = json.loads(header)
    number = next(i for i, c in enumerate(layout["classes"]) if c[1] == "FileOutcome")
    layout["classes"][number][2] = ["other"]
    assert unseal(KEY, _signed([json.dumps(layout), line])) == {}
    assert unseal(KEY, _signed([header, line.split("\t")[0]])) == {}


def test_a_loaded_deferred_value_is_written_again_when_its_entry_changes() -> None:
    analysis = FileAnalysis("a.py", outcomes={"pagination": FileOutcome(evidence=["x"])})
    loaded = Loaded()
    back = unseal(KEY, seal(KEY, {"a.py": ("d1", analysis)}), loaded)
    moved = {"a.py": ("d2", back["a.py"][1]), "b.py": ("d3", back["a.py"][1].outcomes)}
    again = unseal(KEY, seal(KEY, moved, loaded))
    assert again["a.py"] == ("d2", analysis) and again["b.py"] == ("d3", analysis.outcomes)


def test_a_files_sets_of_names_are_written_untagged_and_come_back_as_sets() -> None:
    analysis = FileAnalysis("app/views.py", imports=frozenset({"flask", "requests"}),
                            modules=frozenset({"flask", "app.models.Order"}), outcomes={"pagination": FileOutcome()})
    header, line = _body(seal(KEY, {"app/views.py": ("digest", analysis)}))
    head = line.split("\t")[0]
    assert '{"f":' not in head and '{"z":' not in head  # the class says which fields these are
    back = unseal(KEY, _signed([header, line]))["app/views.py"][1]
    assert back == analysis and type(back.imports) is frozenset and type(back.modules) is frozenset
    forged = head.replace('"requests"', "7")  # a set of names holding something else is a miss
    assert unseal(KEY, _signed([header, "\t".join([forged, *line.split("\t")[1:]])])) == {}
