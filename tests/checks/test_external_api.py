"""External API checks on real files, including bandit's own B113 example file."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import check_result, scan_tree, write_tree
from tools.bandit_examples import bandit_examples, run_bandit

__all__ = ["bandit_examples"]


def _findings(result: object, check: str) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.message) for f in result.findings if f.check == check]  # type: ignore[attr-defined]


def test_b113_example_matches_bandit(tmp_path: Path, bandit_examples: Path) -> None:
    source = bandit_examples / "requests-missing-timeout.py"
    target = tmp_path / "app" / "clients.py"
    target.parent.mkdir()
    shutil.copy(source, target)
    expected = sorted(int(r["line_number"]) for r in run_bandit(source, "B113"))  # type: ignore[call-overload]
    assert len(expected) == 25
    result = scan_tree(tmp_path, select=["missing-timeout"])
    ours = sorted(line for _, line, _ in _findings(result, "missing-timeout"))
    assert ours == expected
    outcome = check_result(result, "missing-timeout")
    assert outcome.status == "fail"
    assert outcome.summary.startswith("25 of ")


def test_share_summary_counts_calls(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": (
        "import requests\n\n"
        "def f(u):\n"
        "    requests.get(u, timeout=3)\n"
        "    requests.post(u, timeout=3)\n"
        "    requests.put(u)\n"
    )})
    result = scan_tree(tmp_path, select=["missing-timeout"])
    outcome = check_result(result, "missing-timeout")
    assert outcome.summary == "1 of 3 outbound calls and clients have no timeout"
    assert outcome.score == 2 / 3


def test_no_clients_is_not_applicable(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "def f(d):\n    return d.get('x')\n"})
    result = scan_tree(tmp_path, select=["missing-timeout", "retry-policy", "idempotency-keys", "centralized-timeouts"])
    assert {c.id: c.status for c in result.checks if c.status != "skipped"} == {
        "missing-timeout": "n/a", "retry-policy": "n/a", "idempotency-keys": "n/a", "centralized-timeouts": "n/a",
    }


def test_names_rebound_or_shadowed_are_not_flagged(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": (
        "import requests\n\n"
        "session = requests.Session()\n\n"
        "def lookup(session):\n"
        "    return session.get('key')\n\n"
        "def other():\n"
        "    s = requests.Session()\n"
        "    s = {}\n"
        "    return s.get('key')\n\n"
        "def module_level():\n"
        "    return session.get('https://a.io')\n"
    )})
    result = scan_tree(tmp_path, select=["missing-timeout"])
    assert [line for _, line, _ in _findings(result, "missing-timeout")] == [14]


def test_clients_of_databases(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/db.py": (
        "import os\n"
        "import redis\n"
        "from motor.motor_asyncio import AsyncIOMotorClient\n"
        "from pymongo import MongoClient\n\n"
        "a = MongoClient(os.environ['MONGO_URI'])\n"
        "b = MongoClient(os.environ['MONGO_URI'], timeoutMS=5000)\n"
        "c = AsyncIOMotorClient('mongodb://db/app?socketTimeoutMS=1000')\n"
        "d = redis.from_url('redis://cache:6379/0?socket_timeout=2')\n"
        "e = redis.from_url(os.environ['REDIS_URL'])\n"
        "f = redis.Redis(connection_pool=None)\n"
        "g = redis.Redis(socket_timeout=None)\n"
    )})
    result = scan_tree(tmp_path, select=["missing-timeout"])
    found = _findings(result, "missing-timeout")
    assert [line for _, line, _ in found] == [6, 10, 12]
    assert "server-selection" in found[0][2]
    assert "timeout=None" in found[2][2]


def test_aiohttp_and_urllib_and_http_client(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/io.py": (
        "import aiohttp\n"
        "import http.client\n"
        "import urllib.request\n\n"
        "async def f():\n"
        "    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout()) as s:\n"
        "        await s.get('https://a.io')\n"
        "    async with aiohttp.ClientSession() as s2:\n"
        "        await s2.get('https://a.io', timeout=None)\n"
        "    urllib.request.urlopen('https://a.io', None, 5)\n"
        "    urllib.request.urlopen('https://a.io')\n"
        "    http.client.HTTPSConnection('a.io')\n"
        "    http.client.HTTPConnection('a.io', 80, 10)\n"
    )})
    result = scan_tree(tmp_path, select=["missing-timeout"])
    assert [line for _, line, _ in _findings(result, "missing-timeout")] == [6, 9, 11, 12]


def test_retry_policy_evidence_and_breaker(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": (
        "import backoff\nimport requests\n\n"
        "@backoff.on_exception(backoff.expo, requests.RequestException, max_tries=3)\n"
        "def f():\n    return requests.get('https://a.io', timeout=3)\n"
    )})
    result = scan_tree(tmp_path, select=["retry-policy", "circuit-breaker"])
    retry = check_result(result, "retry-policy")
    assert retry.status == "pass"
    assert any("backoff" in e.message and e.path == "app/a.py" for e in retry.evidence)
    assert check_result(result, "circuit-breaker").status == "fail"


def test_idempotency_share(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/pay.py": (
        "import requests\n\n"
        "s = requests.Session()\n\n"
        "def a(k):\n    return s.post('https://p.io', headers={'Idempotency-Key': k}, timeout=3)\n\n"
        "def b():\n    return s.post('https://p.io', timeout=3)\n\n"
        "def c():\n    return requests.request('POST', 'https://p.io', timeout=3)\n\n"
        "def d():\n    return requests.request('GET', 'https://p.io', timeout=3)\n"
    )})
    result = scan_tree(tmp_path, select=["idempotency-keys"])
    outcome = check_result(result, "idempotency-keys")
    assert outcome.summary == "2 of 3 outbound POST calls have no Idempotency-Key header"
    assert [line for _, line, _ in _findings(result, "idempotency-keys")] == [9, 12]


def test_centralized_timeouts_share(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": (
        "import requests\nfrom pymongo import MongoClient\n\nT = 5\n\n"
        "requests.get('https://a.io', timeout=T)\n"
        "requests.get('https://a.io', timeout=2.5)\n"
        "MongoClient('mongodb://db', serverSelectionTimeoutMS=3000, socketTimeoutMS=T * 1000)\n"
    )})
    result = scan_tree(tmp_path, select=["centralized-timeouts"])
    outcome = check_result(result, "centralized-timeouts")
    assert outcome.summary == "2 of 4 timeout arguments are bare literals"
    assert [line for _, line, _ in _findings(result, "centralized-timeouts")] == [7, 8]
