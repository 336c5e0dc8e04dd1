"""Error handling checks on small real repositories."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree


def test_swallowed_exceptions_counted_and_explained(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/jobs.py": (
        "import logging\n"
        "log = logging.getLogger(__name__)\n\n"
        "def a():\n    try:\n        x()\n    except Exception:\n        return\n\n"
        "def b():\n    try:\n        x()\n    except Exception as exc:\n        log.warning('failed: %s', exc)\n\n"
        "def c():\n    try:\n        x()\n    except (KeyError, IndexError):\n        pass\n\n"
        "def d():\n    try:\n        x()\n    except Exception:\n        return []\n"
    )})
    result = scan_tree(tmp_path, select=["swallowed-exception"])
    assert [f.line for f in result.findings] == [7, 25]  # a fallback value ([]) hides the error too (SPEC section 3)
    outcome = check_result(result, "swallowed-exception")
    assert outcome.summary == "2 swallowed exceptions"
    assert outcome.status == "fail" and outcome.score is not None and outcome.score < 1


def test_nested_handlers_each_judged(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": (
        "def f():\n"
        "    try:\n"
        "        g()\n"
        "    except Exception:\n"
        "        try:\n"
        "            h()\n"
        "        except:\n"
        "            pass\n"
        "        raise\n"
    )})
    result = scan_tree(tmp_path, select=["swallowed-exception"])
    assert [f.line for f in result.findings] == [7]


def test_error_handlers_evidence_names_the_place(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "app/errors.py": "from app.main import app\n\ndef install(handler):\n    app.add_exception_handler(Exception, handler)\n",
    })
    result = scan_tree(tmp_path, select=["error-handlers"])
    outcome = check_result(result, "error-handlers")
    assert outcome.status == "pass"
    assert [(e.path, e.line) for e in outcome.evidence] == [("app/errors.py", 4)]


def test_error_handlers_not_applicable_without_framework(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/cli.py": "import argparse\n\ndef main():\n    argparse.ArgumentParser()\n"})
    result = scan_tree(tmp_path, select=["error-handlers"])
    assert check_result(result, "error-handlers").status == "n/a"
