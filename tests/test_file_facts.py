"""A rescan with one file changed opens that file only, yet reports what a cold scan reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from helpers import run_cli, write_tree

from readiness.checks.disaster_recovery import DrRunbook, RestoreProcedure
from readiness.checks.testing import TestSuites
from readiness.config import Settings
from readiness.file_facts import FactStore, TextFact, work_out
from readiness.fileindex import RACY_NS
from readiness.project import Project
from readiness.workers import PARALLEL_MIN_FILES

# The CLI under an audit hook that lists every file name this process opens (``open_inside``
# opens one path component at a time, so a file shows up by its own name); the tool's own modules,
# opened by absolute paths outside the tree, are left out.
_RECORDING_CLI = (
    "import os, sys\n"
    "opened = []\n"
    "def hook(event, args):\n"
    "    if event == 'open' and args and isinstance(args[0], (str, bytes)):\n"
    "        path = os.fsdecode(args[0])\n"
    "        if not os.path.isabs(path) or path.startswith(os.environ['SCANNED_ROOT']):\n"
    "            opened.append(os.path.basename(path))\n"
    "sys.addaudithook(hook)\n"
    "from readiness.cli import main\n"
    "try:\n"
    "    main()\n"
    "finally:\n"
    "    with open(os.environ['OPENED_LOG'], 'w') as log:\n"
    "        log.write('\\n'.join(opened))\n"
)
_CHECKS = "test-suites,performance-benchmarks,restore-procedure,dr-runbook,backup-verification"
_SETTLE = RACY_NS / 1e9 + 0.2  # files this fresh are read again and not stored


def _service(root: Path) -> None:
    files = {
        "app/db.py": "import psycopg\n\ndef connect():\n    return psycopg.connect()\n",
        "app/management/restore_db.py": (
            "import subprocess\n\ndef handle(dump):\n"
            "    subprocess.run(['pg_restore', '--clean', dump_backup_path(dump)])\n"
        ),
        "app/ops.py": "def restore_orders(path):\n    run(['psql', '-f', path])\n",
        "tests/unit/test_model.py": "def test_model():\n    assert True\n",
        "tests/test_speed.py": "def test_total(benchmark):\n    benchmark(sum, [1, 2])\n",
        "docs/runbooks/restore.md": "# Restore\n\nRPO: 24 hours.\n\n1. `pg_restore --clean latest.dump`\n",
        "docs/guide.md": "# Guide\n\nNothing about recovery.\n",
    }
    for i in range(30):
        files[f"tests/orders/test_case_{i:02d}.py"] = f"def test_{i}():\n    assert {i} == {i}\n"
    files["tests/orders/test_case_api.py"] = "from fastapi.testclient import TestClient\n"
    write_tree(root, files)


def _scan(root: Path, log: Path | None = None) -> tuple[str, list[str]]:
    args = ["scan", str(root), "--format", "json", "--no-live", "--no-history", "--select", _CHECKS]
    if log is None:
        proc = run_cli(*args, "--no-cache")
        opened: list[str] = []
    else:
        proc = _recorded(args, log)
        opened = log.read_text(encoding="utf-8").splitlines()
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    doc.pop("timings")
    doc.pop("generated_at")
    return json.dumps(doc, sort_keys=True), opened


def _recorded(args: list[str], log: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_")}
    env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "OPENED_LOG": str(log), "SCANNED_ROOT": args[1] + os.sep})
    return subprocess.run([sys.executable, "-c", _RECORDING_CLI, *args], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def _files_opened(opened: list[str]) -> set[str]:
    return {name for name in opened if name.endswith((".py", ".md"))}


def test_one_changed_file_is_the_only_one_read_again(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    _service(root)
    time.sleep(_SETTLE)
    cold, opened = _scan(root, tmp_path / "cold.log")
    assert {"test_case_00.py", "restore.md", "ops.py"} <= _files_opened(opened)  # the cold scan reads them all

    # An API test appears in a module that had none: the one fact that changes.
    changed = root / "tests" / "unit" / "test_model.py"
    changed.write_text("from fastapi.testclient import TestClient\n\ndef test_model():\n    assert True\n",
                       encoding="utf-8")
    time.sleep(_SETTLE)
    warm, opened = _scan(root, tmp_path / "one.log")
    assert _files_opened(opened) == {"test_model.py"}
    fresh, _ = _scan(root)
    assert warm == fresh
    assert warm != cold  # the evidence of API tests now names the changed module first

    # A document edited: its facts are recomputed, every other file's still come from the store.
    runbook = root / "docs" / "runbooks" / "restore.md"
    runbook.write_text("# Restore\n\nRPO: 24 hours. RTO: 1 hour.\n\n1. `pg_restore --clean latest.dump`\n",
                       encoding="utf-8")
    time.sleep(_SETTLE)
    again, opened = _scan(root, tmp_path / "doc.log")
    assert _files_opened(opened) == {"restore.md"}
    assert again == _scan(root)[0]
    assert "runbook states RTO" in again and "runbook states RTO" not in warm


def _project(root: Path) -> Project:
    files = tuple(sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()))
    project = Project(root=root, files=files, python_files=tuple(f for f in files if f.endswith(".py")), lines=0,
                      settings=Settings({}, None))
    project.facts = FactStore(None, str(root), {}, project.digests, lambda _rel: False)
    return project


def test_facts_worked_out_in_advance_are_found_ready(tmp_path: Path) -> None:
    _service(tmp_path)
    project = _project(tmp_path)
    facts = [fact for check in (RestoreProcedure, DrRunbook, TestSuites) for fact in check.text_facts]
    count = work_out(project, facts, threading.Event())
    assert count == sum(1 for rel in project.files for fact in facts if fact.wanted(rel))
    assert count >= 33  # the documents, the application modules, the test modules

    def never(_text: str) -> None:
        raise AssertionError("worked out again")

    assert project.text_fact("runbook-restore-step", "docs/runbooks/restore.md", never) == ("runbook step with pg_restore", 5)
    assert project.text_fact("runbook-heading", "docs/runbooks/restore.md", never) is False
    assert project.text_fact("restore-function", "app/ops.py", never) == ("restore command restore_orders running psql", 1)
    assert project.text_fact("test-suite-kinds", "tests/orders/test_case_api.py", never) == ("api",)


def test_facts_stop_when_asked(tmp_path: Path) -> None:
    _service(tmp_path)
    project = _project(tmp_path)
    stop = threading.Event()
    stop.set()
    assert work_out(project, RestoreProcedure.text_facts, stop) == 0
    assert project.text_fact("restore-function", "app/ops.py", lambda _text: "asked") == "asked"


def test_facts_worked_out_beside_worker_processes_change_nothing(tmp_path: Path) -> None:
    """Enough modules for worker processes, so the facts are worked out on a thread meanwhile."""
    _service(tmp_path)
    write_tree(tmp_path, {f"app/orders/handler_{i:02d}.py": f"def handle_{i}(event):\n    return event\n"
                          for i in range(PARALLEL_MIN_FILES)})
    args = ["scan", str(tmp_path), "--format", "json", "--no-live", "--no-history", "--no-cache", "--select", _CHECKS]
    serial, parallel = run_cli(*args, "--jobs", "1"), run_cli(*args, "--jobs", "2")
    assert serial.returncode in (0, 1), serial.stderr
    docs = [json.loads(proc.stdout) for proc in (serial, parallel)]
    for doc in docs:
        doc.pop("timings")
        doc.pop("generated_at")
    assert docs[0] == docs[1]
    assert any("pg_restore" in e["message"] for r in docs[0]["checks"] if r["id"] == "restore-procedure"
               for e in r["evidence"])


def test_a_failing_fact_is_left_to_the_check_that_asks(tmp_path: Path) -> None:
    _service(tmp_path)
    project = _project(tmp_path)

    def broken(text: str) -> str:
        if "RPO" in text:
            raise ValueError("cannot read this runbook")
        return "read"

    count = work_out(project, [TextFact("probe", broken, lambda rel: rel.endswith(".md"))], threading.Event())
    assert count == 1  # docs/guide.md; the runbook's failure is not stored
    assert project.text_fact("probe", "docs/guide.md", lambda _text: "asked") == "read"
    assert project.text_fact("probe", "docs/runbooks/restore.md", lambda _text: "asked") == "asked"
