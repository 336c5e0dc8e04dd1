"""print-call codemod: tricky inputs, faithfulness of the logged text, and what is left alone."""

from __future__ import annotations

from pathlib import Path

from fix_helpers import fix_one, run_module


def test_print_becomes_module_logger_added_once_after_imports(tmp_path: Path) -> None:
    src = (
        '"""Orders."""\n\nimport os\n\nfrom app.db import orders\n\n\n'
        'def create(order):\n    print("creating", order)\n    print("done")\n    return os.sep\n'
    )
    done = fix_one(tmp_path, src, "print-call")
    assert len(done.before) == 2 and done.after == []
    assert done.text == (
        '"""Orders."""\n\nimport logging\nimport os\n\nfrom app.db import orders\n\n'
        'logger = logging.getLogger(__name__)\n\n\n'
        'def create(order):\n    logger.info("creating %s", order)\n    logger.info("done")\n    return os.sep\n'
    )
    assert [o.fixed for o in done.outcomes] == [True, True]


def test_plain_arguments_become_percent_s(tmp_path: Path) -> None:
    done = fix_one(tmp_path, "import logging\n\ndef f(a, b):\n    print(a, b)\n", "print-call")
    assert '    logger.info("%s %s", a, b)\n' in done.text
    assert done.text.count("getLogger") == 1


def test_multi_line_call_with_comments_keeps_them(tmp_path: Path) -> None:
    src = (
        "def report(order, total):\n"
        "    print(  # progress\n"
        "        'order',  # which one\n"
        "        order,\n"
        "        # the sum\n"
        "        total,\n"
        "    )\n"
    )
    done = fix_one(tmp_path, src, "print-call")
    assert done.after == []
    for comment in ("# progress", "# which one", "# the sum"):
        assert comment in done.text
    assert "logger.info(  # progress\n        'order %s %s',  # which one\n        order,\n" in done.text


def test_existing_logger_under_another_name_is_reused(tmp_path: Path) -> None:
    src = 'import logging\n\nlog = logging.getLogger("orders")\n\n\ndef f(x):\n    print("got", x)\n'
    done = fix_one(tmp_path, src, "print-call")
    assert '    log.info("got %s", x)\n' in done.text
    assert done.text.count("getLogger") == 1 and "logger" not in done.text


def test_from_logging_import_getlogger_logger_is_reused(tmp_path: Path) -> None:
    src = "from logging import getLogger\n\n_log = getLogger(__name__)\n\ndef f(x):\n    print(x)\n"
    done = fix_one(tmp_path, src, "print-call")
    assert '    _log.info("%s", x)\n' in done.text and "import logging" not in done.text


def test_a_name_logger_taken_by_something_else_is_not_reused(tmp_path: Path) -> None:
    src = (
        "from loguru import logger\n\n\ndef f(x):\n    logger.debug('{}', x)\n    print('value', x)\n\n\n"
        "def g(log):\n    return log\n"
    )
    done = fix_one(tmp_path, src, "print-call")
    assert "from loguru import logger\n" in done.text
    assert "_logger = logging.getLogger(__name__)" in done.text
    assert "    _logger.info('value %s', x)\n" in done.text


def test_a_local_named_logger_is_not_shadowing_the_new_logger(tmp_path: Path) -> None:
    src = "def f(logger, x):\n    print(x)\n    return logger\n"
    done = fix_one(tmp_path, src, "print-call")
    assert '    log.info("%s", x)\n' in done.text


def test_f_strings_fold_into_the_format_and_log_the_same_text(tmp_path: Path) -> None:
    src = (
        "class O:\n    id = 'A-1'\n    total = 12.5\n\n\n"
        "def show(o, pct):\n"
        "    print(f'order {o.id!r} costs {o.total:.2f} ({pct}% off) {{braces}}', 'x', sep=' | ')\n"
        "    print(f\"{o.id=}\")\n"
        "    print('100%', 'sure', 1)\n"
        "    print('100%')\n"
    )
    expected = run_module(src, "show(O(), 5)")
    done = fix_one(tmp_path, src, "print-call")
    assert done.after == []
    assert "logger.info('order %r costs %s (%s%% off) {braces} | x', o.id, format(o.total, \".2f\"), pct)" in done.text
    assert "logger.info(\"%s\", f\"{o.id=}\")" in done.text
    assert "logger.info('100%')\n" in done.text
    assert run_module(done.text, "show(O(), 5)") == expected


def test_stderr_becomes_error_or_warning(tmp_path: Path) -> None:
    src = (
        "import sys\n\n\ndef f(x):\n"
        "    print('failed:', x, file=sys.stderr)\n"
        "    print('Warning: slow', file=sys.stderr, flush=True)\n"
        "    print('to stdout', file=sys.stdout)\n"
    )
    done = fix_one(tmp_path, src, "print-call")
    assert "    logger.error('failed: %s', x)\n" in done.text
    assert "    logger.warning('Warning: slow')\n" in done.text
    assert "    logger.info('to stdout')\n" in done.text


def test_calls_that_cannot_be_translated_are_left_alone_and_not_marked_fixable(tmp_path: Path) -> None:
    src = (
        "def f(x, items, sep, fh):\n"
        "    print(x, end='')\n"
        "    print(*items)\n"
        "    print(x, sep=sep)\n"
        "    print(x, file=fh)\n"
        "    print('ok', x)\n"
    )
    done = fix_one(tmp_path, src, "print-call")
    # print(x, file=fh) writes to a stream the code chose: no finding at all.
    assert [(f.line, f.fixable) for f in done.before] == [(2, False), (3, False), (4, False), (6, True)]
    assert len(done.after) == 3
    for line in ("print(x, end='')", "print(*items)", "print(x, sep=sep)", "print(x, file=fh)"):
        assert f"    {line}\n" in done.text


def test_prints_that_are_no_findings_are_not_rewritten(tmp_path: Path) -> None:
    src = (
        "def f(x):\n    print('service', x)\n\n\n"
        "def main():\n    print('cli output')\n\n\n"
        "if __name__ == '__main__':\n    print('usage')\n    main()\n"
    )
    done = fix_one(tmp_path, src, "print-call")
    assert len(done.before) == 1
    assert "    logger.info('service %s', x)\n" in done.text
    assert "    print('cli output')\n" in done.text and "    print('usage')\n" in done.text


def test_module_level_print_before_imports_gets_the_logger_defined_first(tmp_path: Path) -> None:
    src = "import os\nprint('loading', os.name)\nimport sys\n\nX = sys.maxsize\n"
    done = fix_one(tmp_path, src, "print-call")
    assert run_module(done.text) == f"loading {__import__('os').name}\n"
    assert done.text.index("getLogger") < done.text.index("logger.info")


def test_windows_newlines_are_kept(tmp_path: Path) -> None:
    src = "import os\r\n\r\n\r\ndef f(x):\r\n    print(\r\n        'x',  # c\r\n        x,\r\n    )\r\n"
    done = fix_one(tmp_path, src.encode(), "print-call")
    assert done.after == []
    assert b"\n" not in done.data.replace(b"\r\n", b"")
    assert b"logger = logging.getLogger(__name__)\r\n" in done.data


def test_latin1_file_with_a_coding_cookie_stays_latin1(tmp_path: Path) -> None:
    src = "# -*- coding: latin-1 -*-\nimport os\n\n\ndef f(x):\n    print('café', x)\n"
    done = fix_one(tmp_path, src.encode("latin-1"), "print-call")
    assert done.after == []
    assert done.data.startswith(b"# -*- coding: latin-1 -*-\n")
    assert "    logger.info('café %s', x)\n".encode("latin-1") in done.data


def test_fixing_twice_changes_nothing(tmp_path: Path) -> None:
    first = fix_one(tmp_path, "import logging\n\ndef f(x):\n    print('a', x)\n", "print-call")
    assert first.fix.changed
    second = fix_one(tmp_path, first.text, "print-call")
    assert not second.fix.changed and second.before == []


def test_one_line_compound_statements_and_lambdas(tmp_path: Path) -> None:
    src = "def f(x):\n    if x: print('yes', x)\n    return [print(i) for i in x]\n"
    done = fix_one(tmp_path, src, "print-call")
    assert done.after == []
    assert "    if x: logger.info('yes %s', x)\n" in done.text
    assert "[logger.info(\"%s\", i) for i in x]" in done.text
