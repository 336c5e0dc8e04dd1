"""swallowed-exception codemod: a handler that only passes logs the exception instead."""

from __future__ import annotations

from pathlib import Path

from fix_helpers import fix_one, run_module


def test_pass_becomes_logger_exception_with_comments_kept(tmp_path: Path) -> None:
    # (a comment inside the handler or right above its try would mark it deliberate: the comments sit around it)
    src = (
        "import json\n\n\n# parse one document\ndef load(text):\n    try:\n        return json.loads(text)\n"
        "    except Exception:\n        pass\n    return None  # keep going\n"
    )
    done = fix_one(tmp_path, src, "swallowed-exception")
    assert len(done.before) == 1 and done.after == []
    assert (
        "# parse one document\ndef load(text):\n    try:\n        return json.loads(text)\n    except Exception:\n"
        '        logger.exception("ignored error in load()")\n    return None  # keep going\n'
    ) in done.text
    assert "logger = logging.getLogger(__name__)\n" in done.text
    assert "ignored error in load()" in run_module(done.text, "load('{')")


def test_bare_except_pass_narrows_to_exception(tmp_path: Path) -> None:
    src = "def f(g):\n    try:\n        g()\n    except: pass\n"
    done = fix_one(tmp_path, src, "swallowed-exception")
    assert '    except Exception: logger.exception("ignored error in f()")\n' in done.text
    assert done.after == []


def test_existing_logger_under_another_name_and_except_as(tmp_path: Path) -> None:
    src = (
        "import logging\n\nlog = logging.getLogger('jobs')\n\n\ndef run(jobs):\n    for job in jobs:\n"
        "        try:\n            job()\n        except (ValueError, Exception) as exc:\n            pass\n"
    )
    done = fix_one(tmp_path, src, "swallowed-exception")
    assert '        except (ValueError, Exception) as exc:\n            log.exception("ignored error in run()")\n' in done.text
    assert done.text.count("getLogger") == 1


def test_handlers_that_do_more_than_pass_are_not_fixable(tmp_path: Path) -> None:
    src = (
        "def f(g):\n    try:\n        g()\n    except:\n        return None\n"
        "    try:\n        g()\n    except Exception:\n        continue_ = 1\n"
    )
    done = fix_one(tmp_path, src, "swallowed-exception")
    assert [f.fixable for f in done.before] == [False]
    assert not done.fix.changed


def test_windows_newlines_and_idempotence(tmp_path: Path) -> None:
    src = "import os\r\n\r\n\r\ndef f():\r\n    try:\r\n        os.remove('x')\r\n    except Exception:\r\n        pass\r\n"
    first = fix_one(tmp_path, src.encode(), "swallowed-exception")
    assert b"\n" not in first.data.replace(b"\r\n", b"")
    assert b'        logger.exception("ignored error in f()")\r\n' in first.data
    second = fix_one(tmp_path, first.data, "swallowed-exception")
    assert not second.fix.changed and second.before == []
