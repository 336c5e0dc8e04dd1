"""The one-pass needle search answers exactly what ``needle in text`` answers, and a scan skips a
check only on that answer."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readiness import needles
from readiness.checks import builtin_checks

NEEDLES = frozenset(n for check in builtin_checks() for n in check.needles)
ALPHABET = st.sampled_from(sorted({c for n in NEEDLES for c in n} | {"\n", " ", "\udcff", "é", "😀"}))


def plain(wanted: frozenset[str], text: str) -> set[str]:
    return {n for n in wanted if n in text}


@pytest.mark.parametrize("text", [
    "", "import requests\nrequests.get(url)  # TODO\n", "print", "blueprint", "@app.route('/x')\n",
    "x = '\udcff'  # a lone surrogate from a file that is not UTF-8\n", "caf\u00e9 😀 .", "from . import views",
    "requestsrequests", "req.req.", "os.environ['X']" * 50,
])
def test_the_automaton_agrees_with_plain_search(text: str) -> None:
    assert needles.present(NEEDLES, text) == plain(NEEDLES, text)
    assert needles.finder_for(NEEDLES, use_automaton=False)(text) == plain(NEEDLES, text)


@given(st.text(ALPHABET, max_size=300), st.lists(st.text(ALPHABET, max_size=6), max_size=8))
def test_any_needles_on_any_text(text: str, extra: list[str]) -> None:
    """Overlapping, nested, one-character and empty needles: the same answers as ``in``."""
    wanted = frozenset({*list(NEEDLES)[:40], *extra})
    assert needles.finder_for(wanted, use_automaton=True)(text) == plain(wanted, text)


def test_a_check_whose_needles_are_absent_finds_nothing_and_one_present_is_run(tmp_path: Path) -> None:
    """The real scan: a file naming none of print-call's needles is not judged by it; one naming it is."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "quiet.py").write_text("def handler(event):\n    return event\n")
    (tmp_path / "app" / "loud.py").write_text("def handler(event):\n    print(event)\n    return event\n")
    out = subprocess.run([sys.executable, "-m", "readiness", "scan", str(tmp_path), "--format", "json", "--no-cache",
                          "--no-history", "--select", "print-call"], capture_output=True, text=True, check=False)
    doc = json.loads(out.stdout)
    assert [(f["path"], f["line"]) for f in doc["findings"] if f["check"] == "print-call"] == [("app/loud.py", 2)]


WORDS = ("psql", "mysql", "restor", "disaster recovery", "wal-g")
CASE_ALPHABET = st.sampled_from(list("pPsSqQlLmMyYrReEtToOdDiIaAcCvVwW-g ") + ["\u0130", "\u0131", "\u212a", "\u017f", "é"])
CASE_PATTERN = re.compile("|".join(re.escape(w) for w in WORDS), re.IGNORECASE)


@given(st.text(CASE_ALPHABET, max_size=60))
def test_a_case_ignoring_prefilter_never_misses(text: str) -> None:
    """What the case-ignoring pattern finds, the prefilter allows (the Kelvin sign, the long s and the
    Turkish i match ASCII letters, and the dotted capital I lowers to two characters)."""
    if CASE_PATTERN.search(text):
        assert needles.may_match_ignoring_case(text, WORDS)


@given(st.text(CASE_ALPHABET, max_size=60), st.integers(0, 60), st.integers(0, 60))
def test_spans_say_exactly_which_slices_hold_a_word(text: str, start: int, end: int) -> None:
    found = needles.spans(text, WORDS)
    if found is None:
        assert any(c in text for c in "\u0130\u0131\u212a\u017f")
        return
    assert needles.holds_span(found, start, end) == bool(CASE_PATTERN.search(text[start:end]))
