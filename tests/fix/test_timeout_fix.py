"""missing-timeout codemod: where the timeout goes, which value, and what is left alone."""

from __future__ import annotations

from pathlib import Path

from fix_helpers import fix_one


def test_adds_a_named_constant_with_the_configured_default(tmp_path: Path) -> None:
    src = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
    done = fix_one(tmp_path, src, "missing-timeout")
    assert done.text == ("import requests\n\nHTTP_TIMEOUT = 10  # seconds, for outbound calls\n\n\n"
                         "def fetch(url):\n    return requests.get(url, timeout=HTTP_TIMEOUT)\n")
    assert len(done.before) == 1 and done.after == []


def test_a_timeout_the_settings_object_already_holds_is_used(tmp_path: Path) -> None:
    src = (
        "import requests\nfrom django.conf import settings\n\n\n"
        "def a(url):\n    return requests.get(url, timeout=settings.HTTP_TIMEOUT)\n\n\n"
        "def b(url):\n    return requests.post(url)\n"
    )
    done = fix_one(tmp_path, src, "missing-timeout")
    assert "    return requests.post(url, timeout=settings.HTTP_TIMEOUT)\n" in done.text
    assert "HTTP_TIMEOUT =" not in done.text


def test_the_new_constant_takes_a_free_name(tmp_path: Path) -> None:
    src = "import requests\n\n\ndef HTTP_TIMEOUT():\n    return requests.get('https://x')\n"
    done = fix_one(tmp_path, src, "missing-timeout")
    assert "REQUEST_TIMEOUT = 10  # seconds, for outbound calls\n" in done.text
    assert "requests.get('https://x', timeout=REQUEST_TIMEOUT)" in done.text


def test_the_value_comes_from_fix_http_timeout(tmp_path: Path) -> None:
    src = "import requests\n\nr = requests.post('https://api.example.com', json={})\n"
    done = fix_one(tmp_path, src, "missing-timeout", options={"http_timeout": 2.5})
    assert "HTTP_TIMEOUT = 2.5  # seconds, for outbound calls\n" in done.text
    assert "requests.post('https://api.example.com', json={}, timeout=HTTP_TIMEOUT)\n" in done.text


def test_a_named_module_constant_is_preferred(tmp_path: Path) -> None:
    src = (
        "import requests\n\nfrom app.settings import HTTP_TIMEOUT\n\nRETRIES = 3\n\n\n"
        "def fetch(url):\n    return requests.get(url)\n"
    )
    done = fix_one(tmp_path, src, "missing-timeout")
    assert "    return requests.get(url, timeout=HTTP_TIMEOUT)\n" in done.text


def test_multi_line_calls_with_comments_and_trailing_commas(tmp_path: Path) -> None:
    src = (
        "import requests\n\n\ndef pay(url, body):\n"
        "    a = requests.post(\n"
        "        url,\n"
        "        json=body,  # the payload\n"
        "    )\n"
        "    b = requests.put(url,\n"
        "                     json=body)  # no trailing comma\n"
        "    c = requests.delete(\n"
        "        url  # only one\n"
        "    )\n"
        "    return a, b, c\n"
    )
    done = fix_one(tmp_path, src, "missing-timeout")
    assert done.after == []
    assert "        json=body,  # the payload\n        timeout=HTTP_TIMEOUT,\n    )\n" in done.text
    put = "    b = requests.put(url,\n                     json=body,\n                     timeout=HTTP_TIMEOUT)  # no trailing comma\n"
    assert put in done.text
    assert "        url,  # only one\n        timeout=HTTP_TIMEOUT\n    )\n" in done.text


def test_from_requests_import_get_and_sessions(tmp_path: Path) -> None:
    src = (
        "import requests\nfrom requests import get\n\n\n"
        "def f(url):\n    s = requests.Session()\n    s.get(url, params={'a': 1},)\n    return get(url)\n"
    )
    done = fix_one(tmp_path, src, "missing-timeout")
    assert "    s.get(url, params={'a': 1}, timeout=HTTP_TIMEOUT,)\n" in done.text
    assert "    return get(url, timeout=HTTP_TIMEOUT)\n" in done.text
    assert done.after == []


def test_timeouts_switched_off_are_replaced_and_redis_gets_socket_timeout(tmp_path: Path) -> None:
    src = (
        "import httpx\nimport redis\n\n"
        "client = httpx.Client(base_url='https://x', timeout=None)\n"
        "cache = redis.Redis(host='cache')\n"
    )
    done = fix_one(tmp_path, src, "missing-timeout")
    assert "client = httpx.Client(base_url='https://x', timeout=HTTP_TIMEOUT)\n" in done.text
    assert "cache = redis.Redis(host='cache', socket_timeout=HTTP_TIMEOUT)\n" in done.text
    assert done.text.index("HTTP_TIMEOUT = 10") < done.text.index("client = ")
    assert done.after == []


def test_mongo_clients_are_not_marked_fixable_nor_rewritten(tmp_path: Path) -> None:
    src = "from pymongo import MongoClient\n\nclient = MongoClient('mongodb://db:27017/app')\n"
    done = fix_one(tmp_path, src, "missing-timeout")
    assert [f.fixable for f in done.before] == [False]
    assert not done.fix.changed and len(done.after) == 1


def test_f_string_urls_and_windows_newlines(tmp_path: Path) -> None:
    src = "import requests\r\n\r\nBASE = 'https://x'\r\nr = requests.get(\r\n    f'{BASE}/items',\r\n)\r\n"
    done = fix_one(tmp_path, src.encode(), "missing-timeout")
    assert b"    f'{BASE}/items',\r\n    timeout=HTTP_TIMEOUT,\r\n)\r\n" in done.data
    assert b"HTTP_TIMEOUT = 10  # seconds, for outbound calls\r\n" in done.data


def test_fixing_twice_changes_nothing(tmp_path: Path) -> None:
    first = fix_one(tmp_path, "import requests\n\nr = requests.get('https://x')\n", "missing-timeout")
    assert first.fix.changed
    second = fix_one(tmp_path, first.text, "missing-timeout")
    assert not second.fix.changed and second.before == []
