"""Literal tests placed before a slow pattern change no answer: each gated function agrees with the
pattern it gates on any text, the characters that match ASCII letters when case is ignored included."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from readiness.checks import disaster_recovery, external_api, testing

FOLDS = ["\u0130", "\u0131", "\u212a", "\u017f"]


def texts(*tokens: str) -> st.SearchStrategy[str]:
    """Texts made of the tokens a pattern looks for, broken up and glued by separators."""
    pieces = st.sampled_from([*tokens, " ", "\t", "\n", "\xa0", "_", "x", "(", ".", *FOLDS])
    return st.lists(pieces, max_size=30).map("".join)


def backup_section_unfiltered(text: str) -> bool:
    """``_backup_section`` as it reads without the literal prefilters."""
    if "back" not in text.lower() and "restor" not in text.lower():
        return False
    prose = disaster_recovery._FENCE_RE.sub("", text)
    for match in disaster_recovery._SECTION_HEADING_RE.finditer(prose):
        heading = match.group(1) or match.group(2)
        if len(heading) > 200:
            continue
        if (disaster_recovery._BACKUP_HEADING_RE.search(heading)
                and not disaster_recovery._IDENTIFIER_RE.search(heading.split("{", 1)[0])
                and not disaster_recovery._NOT_DATA_BACKUP_RE.search(heading)):
            return True
    return False


WORDS = st.sampled_from(["back", "BACK", "bac\u212a", "up", "UP", "Backup", "backups", "backing", "restore", "reſtore",
                         "restoring", "database", "data", "dumps", "callback", "x.y", "{var}", "\u0130"])
GAPS = st.sampled_from([" ", "\t", "\xa0", "  ", "", "_"])
PHRASES = st.lists(st.tuples(WORDS, GAPS), min_size=1, max_size=5).map(lambda p: "".join(w + g for w, g in p))
LINES = st.one_of(
    st.tuples(st.sampled_from(["# ", "## ", "#\t", "#", " # "]), PHRASES).map("".join),
    st.tuples(PHRASES, st.sampled_from(["\n===", "\n---", "\n```", "\n~~~", "\n=="])).map("".join),
    st.sampled_from(["```", "~~~", "```sh", "text"]), PHRASES,
)


@given(st.lists(LINES, max_size=8).map("\n".join))
@example("# back\tup the data")
@example("Back\xa0up\n===")
@example("# BAC\u212a UP")
@example("# re\u017ftoring dumps")
@example("# Backing up")
@example("# back\u0131ng up")
@example("callback\n# re\u017ftoring dumps")
@example("```\n# backup\n```\n# callback")
@example("callback\n# back  up")
@settings(max_examples=300)
def test_backup_sections_are_found_as_before(text: str) -> None:
    assert disaster_recovery._backup_section(text) == backup_section_unfiltered(text)


@given(texts("```", "~~~", "``", "~~", "`", "~", "code", "python"))
def test_fenced_code_is_only_looked_for_where_a_fence_can_be(text: str) -> None:
    assert disaster_recovery._may_fence(text) or not disaster_recovery._FENCE_RE.search(text)


COOLDOWN = re.compile(r"fail|suspend|ban|down|dead|unavailable|cooldown|backoff|broken|outage|retry|trip", re.IGNORECASE)
CLOCK = re.compile(r"\b(?:time|monotonic|perf_counter|default_timer|now|utcnow)\(")


@example("xtime(); fail")
@example("time(0) tr\u0130p")
@example("now() TRIP")
@example("down time (")
@given(texts("fail", "FAIL", "tr", "ip", "TRIP", "ban", "retry", "ry", "backoff", "bac", "koff", "time(", "now", "(",
             "utcnow(", "perf_counter(", "xtime(", "down"))
def test_a_cooldown_breaker_is_looked_for_where_the_patterns_match(text: str) -> None:
    assert external_api._may_keep_cooldown(text) == bool(COOLDOWN.search(text) and CLOCK.search(text))


E2E = re.compile(r"\bplaywright\b|\bselenium\b|\bsplinter\b|pytest\.mark\.e2e\b|\bbrowser\.visit\(")


@example("import selenium")
@example("_selenium")
@example("pytest.mark.e2e")
@example("xbrowser.visit(")
@given(texts("playwright", "selenium", "splinter", "pytest.mark.e2e", "browser.visit(", "e2e", "_", "s"))
def test_browser_tests_are_found_as_before(text: str) -> None:
    assert testing._E2E.found_in(text) == bool(E2E.search(text))


def client_fixture_requests_unfiltered(text: str) -> bool:
    """``_client_fixture_requests`` as it reads with the pattern tried at every line start."""
    if "django" not in text or "client." not in text:
        return False
    for match in testing._CLIENT_FIXTURE_TEST.finditer(text):
        body = text[match.end():match.end() + 4000]
        found = testing._CLIENT_REQUEST.search(body)
        if found is not None and "\ndef " not in body[:found.start()]:
            return True
    return False


@example("import django\ndef test_a(\ndef test_b(client):\n    client.get('/')\n")
@example("import django\ndef test_a(client, x)\n    pass\ndef test_b(x): client.get('/')\n")
@example("import django\n  async def test_a(admin_client):  def test_b(client)\n    admin_client.post('/')\n")
@given(st.lists(st.sampled_from(["import django\n", "def test_", "async def test_", "a", "(", ")", ":", "client",
                                 "admin_client", "async_client", "x_client", ", ", "\n", "    ", "client.get(",
                                 "client.post('/')", "\ndef helper():\n"]), max_size=25).map("".join))
def test_client_fixture_tests_are_found_as_before(text: str) -> None:
    assert testing._client_fixture_requests(text) == client_fixture_requests_unfiltered(text)
