"""A rescan after an edit re-evaluates only the checks the edit touched, and says what a cold scan says."""

from __future__ import annotations

import json
import time
from pathlib import Path

from helpers import run_cli, write_tree

from readiness import read_log
from readiness.analysis import FileAnalysis, FileOutcome
from readiness.check_reuse import CheckRecord, Evaluated, reuse
from readiness.fileindex import RACY_NS
from readiness.model import CheckResult
from readiness.project import Project
from readiness.roles import project_roles

SERVICE = {
    "app/__init__.py": (
        "from flask import Flask, jsonify\n\nfrom app.api import fetch_rates\n\napp = Flask(__name__)\n\n\n"
        "@app.get('/health')\ndef health():\n    return jsonify(ok=True)\n\n\n"
        "@app.get('/rates')\ndef rates():\n    return jsonify(fetch_rates())\n"
    ),
    "app/api.py": (
        "import requests\n\n\ndef fetch_rates():\n    return requests.get('https://rates.example.org/v1').json()\n"
    ),
    "app/settings.py": "import os\n\nSECRET_KEY = os.getenv('SECRET_KEY')\nDEBUG = False\n",
    "app/cli.py": "import argparse\n\nfrom app.api import fetch_rates\n\nif __name__ == '__main__':\n"
                  "    argparse.ArgumentParser().parse_args()\n    print(fetch_rates())\n",
    "tests/test_api.py": "def test_rates(client):\n    assert client.get('/rates').status_code == 200\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY . /srv\nCMD [\"gunicorn\", \"app:app\"]\n",
    ".github/workflows/ci.yml": (
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n"
        "      - run: pip install -r requirements.txt\n      - run: ruff check .\n      - run: pytest --cov=app\n"
    ),
    "requirements.txt": "flask\nrequests\n",
}

# (file, text replaced, replacement, whether the result changes): each applied on top of the last
EDITS: list[tuple[str, str, str, bool]] = [
    ("tests/test_api.py", "== 200\n", "== 200  # the listing answers\n", False),
    ("app/api.py", ".json()\n", ".json()\n\n\ndef debug():\n    print('rates')  # TODO: remove\n", True),
    ("app/api.py", "/v1')", "/v1', timeout=5)", True),
    ("app/settings.py", "os.getenv('SECRET_KEY')", "os.getenv('SECRET_KEY', 'dev-secret-key')", True),
    ("app/__init__.py", "from flask import", "import logging\n\nfrom flask import", True),
    ("app/api.py", "print('rates')", "print('rates')  # readiness: ignore[print-call] kept for the operator", True),
    ("app/cli.py", "print(fetch_rates())", "print(fetch_rates(), 'http://10.0.0.7:8080/')", False),  # a command's
    ("tests/test_api.py", "# the listing answers\n", "\n\ndef test_health(client):\n    assert client.get('/health')\n", True),
]


def _stable(stdout: str) -> dict:
    doc = json.loads(stdout)
    doc.pop("generated_at")
    doc.pop("timings")
    return doc


def _scan(root: Path, *args: str) -> dict:
    proc = run_cli("scan", str(root), "--format", "json", "--no-live", "--no-history", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return _stable(proc.stdout)


def test_each_rescan_after_an_edit_says_what_a_cold_scan_says(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    time.sleep(RACY_NS / 1e9 + 0.2)  # settled files: the scan stores what each check used
    _scan(tmp_path)
    assert list((tmp_path / ".readiness" / "cache").glob("checks-*")), "each check's result is stored"
    before = _scan(tmp_path)
    for rel, old, new, shows in EDITS:
        path = tmp_path / rel
        text = path.read_text()
        assert old in text, rel
        path.write_text(text.replace(old, new, 1))
        warm = _scan(tmp_path)
        cold = _scan(tmp_path, "--no-cache")
        assert warm == cold, f"after editing {rel}"
        assert (warm != before) == shows, f"the edit of {rel} shows in the result: {shows}"
        before = warm


def test_a_new_file_is_seen_by_every_check(tmp_path: Path) -> None:
    write_tree(tmp_path, SERVICE)
    time.sleep(RACY_NS / 1e9 + 0.2)
    _scan(tmp_path)
    write_tree(tmp_path, {"app/metrics.py": "from prometheus_client import Counter\n\nHITS = Counter('hits', 'Hits')\n"})
    assert _scan(tmp_path) == _scan(tmp_path, "--no-cache")


def _analysis(path: str, *, imports: frozenset[str] = frozenset(), outcome: str = "") -> FileAnalysis:
    outcomes = {"todo-comment": FileOutcome(counts={outcome: 1})} if outcome else {}
    return FileAnalysis(path, lines=3, imports=imports, role="service", outcomes=outcomes)


def _record(used: set[str]) -> CheckRecord:
    result = CheckResult("todo-comment", "code-quality", "low", "static", "TODO", "pass", 1.0, "", "", "1h")
    return CheckRecord(result, [], frozenset(used))


def _prior(**records: CheckRecord) -> Evaluated:
    checks = {name.replace("_", "-"): record for name, record in records.items()}
    return Evaluated("key", {"app/a.py": "d1", "app/b.py": "d2"}, {"\0lines": 6, "\0app_lines": 6}, checks)


def test_a_record_stands_only_when_nothing_it_used_changed() -> None:
    before = _analysis("app/a.py", outcome="x")
    same = _analysis("app/a.py", outcome="x")
    other = _analysis("app/a.py", outcome="y")
    digests = {"app/a.py": "d3", "app/b.py": "d2"}
    totals = {"\0lines": 6, "\0app_lines": 6}

    def stands(record: CheckRecord, now: FileAnalysis, now_totals: dict[str, int] = totals) -> bool:
        found = reuse(_prior(todo_comment=record), digests, {"app/a.py": now}, {"app/a.py": ("d1", before)}, now_totals)
        assert found is not None and found.changed == {"app/a.py"}
        return found.stands("todo-comment") is not None

    assert stands(_record({"app/b.py"}), same)
    assert not stands(_record({"app/a.py"}), same)  # it read the changed file
    assert not stands(_record(set()), other)  # the changed file gave it something else
    assert not stands(_record({read_log.UNKNOWN}), same)
    assert stands(_record({"\0lines"}), same)
    assert not stands(_record({"\0lines"}), same, {"\0lines": 7, "\0app_lines": 6})  # a total it used changed
    # what every check sees changed (the file's imports): nothing is reused
    assert reuse(_prior(todo_comment=_record(set())), digests, {"app/a.py": _analysis("app/a.py", imports=frozenset({"os"}))},
                 {"app/a.py": ("d1", before)}, totals) is None
    # the changed file's earlier analysis is not the one the results were made from
    assert reuse(_prior(todo_comment=_record(set())), digests, {"app/a.py": same}, {"app/a.py": ("d0", before)}, totals) is None


def test_shared_answers_count_as_used_by_every_check_that_asks(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/helpers.py": "X = 1\n",
        "app/manage.py": "from app.helpers import X\n\nif __name__ == '__main__':\n    import argparse\n",
        "app/web.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "Dockerfile": "FROM python\n",
    })
    files = ("Dockerfile", "app/helpers.py", "app/manage.py", "app/web.py")
    project = Project(root=tmp_path, files=files, python_files=tuple(f for f in files if f.endswith(".py")), lines=0)
    project.modules = {"app/manage.py": frozenset({"app.helpers", "argparse"}), "app/web.py": frozenset({"flask"})}
    with read_log.recording() as first:
        project_roles(project).cli_support()
        project.tool("dockerfiles", lambda p: p.read_text("Dockerfile"))
    with read_log.recording() as second:  # answered from the memos: what they used still counts
        project_roles(project).cli_support()
        project.tool("dockerfiles", lambda p: p.read_text("Dockerfile"))
    assert "Dockerfile" in first and "Dockerfile" in second
    assert first - {"\0lines"} == second - {"\0lines"}
    with read_log.recording() as totals:
        assert project.lines == 0
    assert totals == {"\0lines"}


def test_a_settings_edit_counts_through_what_the_settings_say(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "shop/settings.py": "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\nDEBUG = False\n",
        "shop/views.py": "from django.core.mail import send_mail\nfrom django.http import JsonResponse\n\n\n"
                         "def order(request):\n    send_mail('Order', 'Thanks', 'shop@example.org', ['a@example.org'])\n"
                         "    return JsonResponse({'ok': True})\n",
        "shop/urls.py": "from django.urls import path\n\nfrom shop import views\n\nurlpatterns = [path('order/', views.order)]\n",
    })
    time.sleep(RACY_NS / 1e9 + 0.2)
    first = _scan(tmp_path)
    settings = tmp_path / "shop" / "settings.py"
    settings.write_text(settings.read_text().replace("DEBUG = False", "DEBUG = False  # production"))
    same = _scan(tmp_path)
    assert same == _scan(tmp_path, "--no-cache")
    assert [c for c in same["checks"] if c["id"] == "missing-timeout"] == [c for c in first["checks"] if c["id"] == "missing-timeout"]
    settings.write_text(settings.read_text() + "EMAIL_TIMEOUT = 10\n")
    timed = _scan(tmp_path)
    assert timed == _scan(tmp_path, "--no-cache")
    assert [c["findings"] for c in timed["checks"] if c["id"] == "missing-timeout"] != \
        [c["findings"] for c in first["checks"] if c["id"] == "missing-timeout"]


def test_a_text_fact_of_a_changed_file_stands_while_it_gives_the_same_value(tmp_path: Path) -> None:
    from readiness.checks.performance import _pytest_benchmark

    write_tree(tmp_path, {"tests/test_speed.py": "def test_speed(benchmark):\n    benchmark(sum, [1])\n"})
    project = Project(root=tmp_path, files=("tests/test_speed.py",), python_files=("tests/test_speed.py",), lines=0)
    with read_log.recording() as used:
        value = project.text_fact("pytest-benchmark", "tests/test_speed.py", _pytest_benchmark)
    assert used == {"tests/test_speed.py\0pytest-benchmark\0readiness.checks.performance:_pytest_benchmark"}
    with read_log.recording() as plain:  # a closure cannot be found again: a plain read of the file
        project.text_fact("pytest-benchmark", "tests/test_speed.py", lambda text: _pytest_benchmark(text))
    assert plain == {"tests/test_speed.py"}
    (key,) = used
    record = _record(set(used))
    record.facts = {key: value}
    before = FileAnalysis("tests/test_speed.py", lines=2, role="test")
    prior = Evaluated("key", {"tests/test_speed.py": "d1"}, {}, {"todo-comment": record})
    for now_value, stands in ((value, True), (not value, False)):
        found = reuse(prior, {"tests/test_speed.py": "d2"}, {"tests/test_speed.py": before},
                      {"tests/test_speed.py": ("d1", before)}, {})
        assert found is not None
        found.fact_now = lambda rel, name, compute, v=now_value: v
        assert (found.stands("todo-comment") is not None) is stands


def test_coverage_that_an_edit_makes_stale_is_judged_again(tmp_path: Path) -> None:
    import os

    write_tree(tmp_path, {**SERVICE, "coverage.xml": '<coverage line-rate="0.9" lines-valid="40" lines-covered="36">'
                                                     '<packages/></coverage>'})
    past = time.time() - 3600
    for path in tmp_path.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    _scan(tmp_path)
    fresh = _scan(tmp_path)
    (tmp_path / "tests" / "test_api.py").write_text(SERVICE["tests/test_api.py"].replace("== 200", "== 200  # ok"))
    rescanned = _scan(tmp_path)  # the same content digests elsewhere; one file now newer than the coverage data
    assert rescanned == _scan(tmp_path, "--no-cache")
    summaries = [next(c["summary"] for c in doc["checks"] if c["id"] == "test-coverage") for doc in (fresh, rescanned)]
    assert "stale" not in summaries[0] and "stale: tests/test_api.py changed" in summaries[1]


def test_cli_only_modules_are_worked_out_again_when_a_file_they_read_changes(tmp_path: Path) -> None:
    """Which modules only commands import is kept across scans; a command that now starts the server
    (its text changed, its imports did not) makes the module it imports run in production."""
    write_tree(tmp_path, {
        "app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get('/health')\n"
                           "def health():\n    return 'ok'\n",
        "app/report.py": "def show(rows):\n    print(rows)\n",
        "app/cli.py": "import argparse\n\nfrom app.report import show\n\nif __name__ == '__main__':\n"
                      "    argparse.ArgumentParser().parse_args()\n    show([])\n",
        "requirements.txt": "flask\n",
    })
    time.sleep(RACY_NS / 1e9 + 0.2)
    _scan(tmp_path)
    before = _scan(tmp_path)
    assert not [f for f in before["findings"] if f["path"] == "app/report.py"]  # a command's helper may print
    cli = tmp_path / "app" / "cli.py"
    cli.write_text(cli.read_text() + "    # in production this command starts gunicorn\n")
    warm = _scan(tmp_path)
    assert warm == _scan(tmp_path, "--no-cache")
    assert [(f["check"], f["role"]) for f in warm["findings"] if f["path"] == "app/report.py"] == [("print-call", "service")]
