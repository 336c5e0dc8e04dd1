"""todo-comment and print-call on tricky inputs, through the real engine."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree


def lines_of(result, check: str) -> list[tuple[str, int]]:
    return [(f.path, f.line) for f in result.findings if f.check == check]


def test_todo_only_in_comments(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/m.py": (
        '"""Module doc.\n\nTODO: in a docstring\n"""\n'          # 1-4
        'x = "TODO in a string"  # TODO: real one\n'              # 5
        "y = '''\n# TODO not a comment, inside a string\n'''\n"   # 6-8
        "# FIXME at line 9\n"                                     # 9
        "def f():\n    return 1  # HACK: cache\n"                 # 10-11
        "z = f'{x} # XXX'\n"                                      # 12
    )})
    result = scan_tree(tmp_path, select=["todo-comment"])
    assert lines_of(result, "todo-comment") == [("app/m.py", 5), ("app/m.py", 9), ("app/m.py", 11)]


def test_todo_in_latin1_file_with_coding_cookie(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\nname = 'café'\n# TODO: réparer\n".encode("latin-1")
    write_tree(tmp_path, {"app/legacy.py": source})
    result = scan_tree(tmp_path, select=["todo-comment"])
    assert lines_of(result, "todo-comment") == [("app/legacy.py", 3)]
    assert "réparer" in result.findings[0].message
    assert not result.notes


def test_todo_in_file_with_bom(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/bom.py": "\ufeff# TODO: first line\nx = 1\n".encode()})
    result = scan_tree(tmp_path, select=["todo-comment"])
    assert lines_of(result, "todo-comment") == [("app/bom.py", 1)]


def test_unparsable_file_is_noted_and_scan_goes_on(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/broken.py": "def f(:\n    print 'py2'\n", "app/ok.py": "print('x')\n",
                          "app/bin.py": b"\x00\x01\x02", "app/bad.py": b"x = '\xff\xfe'\n"})
    result = scan_tree(tmp_path, select=["code-quality"])
    kinds = {(n.path, n.kind) for n in result.notes}
    assert ("app/broken.py", "parse-error") in kinds
    assert ("app/bin.py", "read-error") in kinds
    assert ("app/bad.py", "read-error") in kinds
    assert lines_of(result, "print-call") == [("app/ok.py", 1)]
    assert check_result(result, "print-call").status == "fail"


def test_print_exclusions(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/svc.py": (
            "import sys\n"
            "def handler():\n"
            "    print('one')\n"                                  # 3: finding
            "    print('two', file=sys.stderr)\n"                 # 4: finding
            "class Printer:\n"
            "    def print(self):\n"
            "        return 1\n"
            "    def run(self):\n"
            "        self.print()\n"                              # attribute: fine
            "def outer():\n"
            "    print = lambda *a: None\n"
            "    print('shadowed locally')\n"                     # shadowed: fine
            "if __name__ == '__main__':\n"
            "    print('main block')\n"                           # main: fine
        ),
        "app/__main__.py": "print('entry')\n",
        "tests/test_x.py": "print('t')\n",
        "app/test_y.py": "print('t')\n",
        "app/conftest.py": "print('t')\n",
        "scripts/tool.py": "print('s')\n",
    })
    result = scan_tree(tmp_path, select=["print-call"])
    assert lines_of(result, "print-call") == [("app/svc.py", 3), ("app/svc.py", 4)]


def test_cli_module_option_and_suppression(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/cli.py": "print('table')\n",
        "app/svc.py": (
            "print('a')  # readiness: ignore[print-call] startup banner\n"
            "# readiness: ignore[print-call]\nprint('b')\nprint('c')\n"
        ),
    })
    result = scan_tree(tmp_path, select=["print-call"], config={"checks": {"print-call": {"options": {"cli_modules": ["app/cli.py"]}}}})
    assert lines_of(result, "print-call") == [("app/svc.py", 4)]
    assert check_result(result, "print-call").suppressed == 2


def test_config_ignore_globs(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/a.py": "print(1)\n", "app/legacy/b.py": "print(2)\n"})
    config = {"checks": {"print-call": {"ignore": [{"path": "app/legacy/*", "reason": "frozen"}]}}}
    result = scan_tree(tmp_path, select=["print-call"], config=config)
    assert lines_of(result, "print-call") == [("app/a.py", 1)]
    assert check_result(result, "print-call").suppressed == 1


def test_density_score_is_explained(tmp_path: Path) -> None:
    body = "".join(f"x{i} = {i}\n" for i in range(998)) + "print(1)\nprint(2)\n"
    write_tree(tmp_path, {"app/big.py": body})
    check = check_result(scan_tree(tmp_path, select=["print-call"]), "print-call")
    assert check.score == 0.6
    assert check.explanation == "2 print() calls in 1 000 lines (2.00 per 1 000 lines; 0% at 5) → 60%"
    assert check.summary == "2 print() calls"


def test_todo_between_implicitly_concatenated_strings(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/m.py": (
        'x = ("abc # not a comment"  # TODO: real one\n'     # 1
        '     "def # still a string")\n'                     # 2
        'y = f"""{x}\n# TODO: inside an f-string\n"""\n'     # 3-5
        'z = ("a"\n     # FIXME: between pieces\n     "b")\n'  # 6-8
        's = """\n# XXX inside a docstring-like literal\n"""\n'  # 9-11
    )})
    result = scan_tree(tmp_path, select=["todo-comment"])
    assert lines_of(result, "todo-comment") == [("app/m.py", 1), ("app/m.py", 7)]
