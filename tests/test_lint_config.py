"""lint-errors judges each file by the project's own lint configuration, as ruff itself would.

Real services keep ruff's configuration at the root, in a service subfolder of a monorepo, or
only a flake8 configuration that CI enforces; the scan must lint them by those rules, and by
ruff's documented defaults (named explicitly) when there are none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from helpers import check_result, scan_tree, write_tree

from readiness.tools.ruff_runner import ConfigFinder, parse_per_file_ignores, run_ruff_on

# Code with a problem under ruff's defaults (F401), a style rule a newer ruff enables by default
# (UP035 typing.Dict) and a long line (E501 under flake8's 79 columns).
SERVICE = (
    "import os\n"
    "from typing import Dict\n\n\n"
    "def totals(rows: Dict[str, int]) -> int:\n"
    "    return sum(value for value in rows.values() if value is not None and value >= 0 and value < 10_000_000)\n"
)


def _codes(result: object, path: str) -> list[str]:
    return [m.code for m in result.files.get(path, [])]  # type: ignore[attr-defined]


def test_without_configuration_only_the_documented_defaults_run(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/orders.py": SERVICE})
    result = run_ruff_on(tmp_path, ["app/orders.py"])
    assert _codes(result, "app/orders.py") == ["F401"]  # no UP035, no I001, no E501
    outcome = check_result(scan_tree(tmp_path, select=["lint-errors"]), "lint-errors")
    assert "rules E4,E7,E9,F (ruff's documented defaults; no project lint configuration)" in outcome.summary


def test_ruff_configuration_in_a_service_subfolder_of_a_monorepo(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "api/pyproject.toml": (
            '[tool.ruff]\nextend-exclude = ["app/alembic"]\nline-length = 88\n'
            '[tool.ruff.lint]\nselect = ["E", "F", "UP"]\nignore = ["F401"]\n'
        ),
        "api/app/orders.py": SERVICE,
        "api/app/alembic/env.py": "import os\n",
        "worker/jobs.py": "import os\n",
    })
    result = run_ruff_on(tmp_path, ["api/app/orders.py", "api/app/alembic/env.py", "worker/jobs.py"])
    assert sorted(_codes(result, "api/app/orders.py")) == ["E501", "UP006", "UP035"]
    assert "api/app/alembic/env.py" not in result.files  # the project's exclude holds
    assert _codes(result, "worker/jobs.py") == ["F401"]  # no configuration there: the defaults
    assert result.configs["api/app/orders.py"].source == "api/pyproject.toml"
    assert result.configs["worker/jobs.py"].kind == "default"


def test_configuration_without_select_gets_the_documented_defaults_plus_its_own(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.ruff.lint]\nextend-select = ["UP"]\nignore = ["F401"]\n',
        "app/orders.py": SERVICE,
    })
    result = run_ruff_on(tmp_path, ["app/orders.py"])
    assert sorted(_codes(result, "app/orders.py")) == ["UP006", "UP035"]  # F401 ignored, no I001 from a newer default set
    assert result.configs["app/orders.py"].rules == "E4,E7,E9,F,UP minus F401"


def test_configuration_between_the_scanned_folder_and_the_git_root(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write_tree(tmp_path, {
        "ruff.toml": '[lint]\nselect = ["F"]\nignore = ["F401"]\n',
        "services/billing/app.py": "import os\n",
    })
    outer = tmp_path.parent / f"{tmp_path.name}-outer"
    write_tree(outer, {"ruff.toml": '[lint]\nselect = ["E"]\n', "repo/app.py": "import os\n"})
    inside = run_ruff_on(tmp_path / "services/billing", ["app.py"])
    assert inside.files == {} and inside.configs["app.py"].source == "../../ruff.toml"
    # Not a repository: a configuration above the scanned folder belongs to someone else.
    outside = run_ruff_on(outer / "repo", ["app.py"])
    assert _codes(outside, "app.py") == ["F401"] and outside.configs["app.py"].kind == "default"


def test_flake8_configuration_is_translated(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "setup.cfg": (
            "[metadata]\nname = shop\n\n[flake8]\nmax-line-length = 120\n"
            "ignore = E203, W503, WPS306, E711\nexclude = .git,*/migrations/*\n"
            "per-file-ignores =\n    shop/__init__.py: F401\n    shop/api/*.py: E712, WPS201\n"
        ),
        "shop/__init__.py": "import os\n",
        "shop/api/views.py": "x = 1\nif x == True:\n    pass\nif x == None:\n    pass\n",
        "shop/orders.py": SERVICE,
        "shop/legacy/migrations/m.py": "import os\n",
    })
    files = ["shop/__init__.py", "shop/api/views.py", "shop/orders.py", "shop/legacy/migrations/m.py"]
    result = run_ruff_on(tmp_path, files)
    assert result.error is None, result.error
    assert "shop/__init__.py" not in result.files  # per-file-ignores
    assert "shop/api/views.py" not in result.files  # E712 per file, E711 ignored, W503/WPS dropped
    assert _codes(result, "shop/orders.py") == ["F401"]  # 120 columns: no E501; no UP035
    assert "shop/legacy/migrations/m.py" not in result.files  # flake8's exclude
    config = result.configs["shop/orders.py"]
    assert config.kind == "flake8" and config.source == "setup.cfg [flake8]"
    assert config.rules.startswith("E,W,F minus E203,E711")


def test_flake8_defaults_apply_79_columns_and_pyproject_tool_flake8(tmp_path: Path) -> None:
    write_tree(tmp_path, {".flake8": "[flake8]\nextend-ignore = F401\n", "app/orders.py": SERVICE})
    assert _codes(run_ruff_on(tmp_path, ["app/orders.py"]), "app/orders.py") == ["E501"]
    other = tmp_path / "other"
    write_tree(other, {
        "pyproject.toml": '[tool.flake8]\nignore = ["E501", "F401"]\nmax-line-length = 100\n',
        "app/orders.py": SERVICE + "x = 1\nif x == None:\n    pass\n",
    })
    result = run_ruff_on(other, ["app/orders.py"])
    assert _codes(result, "app/orders.py") == ["E711"]
    assert result.configs["app/orders.py"].source == "pyproject.toml [tool.flake8]"


def test_a_ruff_configuration_wins_over_flake8_in_the_same_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "setup.cfg": "[flake8]\nignore = F401\n",
        "pyproject.toml": '[tool.ruff.lint]\nselect = ["F"]\n',
        "app.py": "import os\n",
    })
    finder = ConfigFinder(tmp_path)
    assert finder.for_file("app.py").kind == "ruff"
    assert _codes(run_ruff_on(tmp_path, ["app.py"]), "app.py") == ["F401"]


def test_per_file_ignores_parsing() -> None:
    text = "\n  app/db/queries/tables.py: WPS125,\n\n  app/db/repositories/*.py: E800,\n a.py:F401 b.py: E1,E2\n"
    assert parse_per_file_ignores(text) == [
        (["app/db/queries/tables.py"], ["WPS125"]), (["app/db/repositories/*.py"], ["E800"]),
        (["a.py"], ["F401"]), (["b.py"], ["E1", "E2"]),
    ]


def test_tests_migrations_and_scripts_do_not_count(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/orders.py": "def total(rows):\n    return sum(rows)\n",
        "tests/test_orders.py": "import os\n",
        "app/migrations/0001_initial.py": "import os\nfrom django.db import migrations\n",
        "scripts/release.py": "import os\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["lint-errors"]), "lint-errors")
    assert outcome.status == "pass" and outcome.summary.startswith("0 ruff findings in 0 of 1 service files")


def test_bad_service_file_still_fails(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".flake8": "[flake8]\nmax-line-length = 120\n",
        "app/orders.py": "def total(rows):\n    return sum(row for row in rowz)\n",
    })
    result = scan_tree(tmp_path, select=["lint-errors"])
    outcome = check_result(result, "lint-errors")
    assert outcome.status == "fail"
    assert [(f.path, f.line, f.code) for f in result.findings] == [("app/orders.py", 2, "F821")]
    assert "from the project's flake8 configuration, translated to ruff .flake8 [flake8]" in outcome.summary


def test_flake8_with_bugbear_keeps_fastapi_depends_but_not_mutable_defaults(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".flake8": "[flake8]\nselect = C,E,F,W,B,B950\nignore = E501, W503\nmax-line-length = 120\n",
        "app/api/items.py": (
            "from fastapi import APIRouter, Depends, Query\n\n"
            "from app.db import get_db\n\n"
            "router = APIRouter()\n\n\n"
            "@router.get('/items')\n"
            "def list_items(db=Depends(get_db), limit: int = Query(50)):\n"
            "    return db.items(limit)\n\n\n"
            "def send_email(to, env={}):\n"
            "    env['to'] = to\n"
            "    return env\n"
        ),
    })
    result = run_ruff_on(tmp_path, ["app/api/items.py"])
    assert [(m.line, m.code) for m in result.files["app/api/items.py"]] == [(13, "B006")]


def test_import_conventions_are_those_before_datetime_as_dt(tmp_path: Path) -> None:
    """A project on an older ruff passes CI with ``import datetime``; the installed ruff's newer default
    (``datetime as dt``) must not add findings, while the long-standing conventions still hold."""
    code = "import datetime\n\nimport numpy as n\n\nTODAY = datetime.date.today()\nZERO = n.zeros(1)\n"
    write_tree(tmp_path / "older", {"pyproject.toml": '[tool.ruff.lint]\nselect = ["ICN"]\n', "app/dates.py": code})
    assert _codes(run_ruff_on(tmp_path / "older", ["app/dates.py"]), "app/dates.py") == ["ICN001"]  # numpy only
    chosen = ('[tool.ruff.lint]\nselect = ["ICN"]\n\n[tool.ruff.lint.flake8-import-conventions]\n'
              'aliases = {datetime = "dt", numpy = "np"}\n')
    write_tree(tmp_path / "chosen", {"pyproject.toml": chosen, "app/dates.py": code})
    assert _codes(run_ruff_on(tmp_path / "chosen", ["app/dates.py"]), "app/dates.py") == ["ICN001", "ICN001"]


def test_a_configuration_pinning_another_ruff_version_is_still_applied(tmp_path: Path) -> None:
    # ruff refuses to load a configuration whose required-version it does not meet; the project's
    # settings (selection, line length, excludes, per-file ignores) must still be the ones applied
    pinned = (
        '[tool.ruff]\nrequired-version = "==0.1.0"\nline-length = 100\nextend-exclude = ["gen"]\n'
        '[tool.ruff.lint]\nselect = ["E", "F"]\n[tool.ruff.lint.per-file-ignores]\n"__init__.py" = ["F401"]\n'
    )
    files = {
        "app/__init__.py": "import os\n\n\ndef ready() -> bool:\n    return True\n",
        "app/orders.py": SERVICE,
        "gen/client.py": "import os\n\n\ndef ready() -> bool:\n    return True\n",
    }
    write_tree(tmp_path / "pinned", {"pyproject.toml": pinned, **files})
    write_tree(tmp_path / "free", {"pyproject.toml": pinned.replace('required-version = "==0.1.0"\n', ""), **files})
    names = sorted(files)
    found = {tree: {path: _codes(run_ruff_on(tmp_path / tree, names), path) for path in names} for tree in ("pinned", "free")}
    assert found["pinned"] == found["free"]
    assert sorted(found["pinned"]["app/orders.py"]) == ["E501", "F401"]  # 104 columns > 100
    assert found["pinned"]["app/__init__.py"] == [] and found["pinned"]["gen/client.py"] == []
    outcome = check_result(scan_tree(tmp_path / "pinned", select=["lint-errors"]), "lint-errors")
    assert outcome.status == "fail" and "from the project's ruff configuration pyproject.toml" in outcome.summary


# -- flake8's noqa semantics under a translated flake8 configuration --------------------------

FLAKE8_NOQA = (
    "import os  # noqa: registers the module\n\n\n"
    "def worker():\n"
    '    """Close stale connections.\n\n'
    "    See https://dev.mysql.com/doc/refman/5.7/en/server-system-variables.html#sysvar_wait_timeout  # noqa\n"
    '    """\n'
    "    return 1\n\n\n"
    "SETTING = 'a long value that goes on and on past the seventy nine columns of flake8'  # noqa: E509\n"
    "OTHER = 'a long value that goes on and on past the seventy nine columns of flake8 too'\n"
)


def test_flake8_noqa_inside_a_docstring_and_blanket_markers_hold(tmp_path: Path) -> None:
    """flake8 searches the whole text of a multi-line string for ``# noqa`` and reads a marker whose
    codes it cannot parse as a blanket one; ruff does neither, so without flake8's reading the
    docstring's URL line and the commented import would count."""
    write_tree(tmp_path, {".flake8": "[flake8]\nselect = E,F\n", "app/worker.py": FLAKE8_NOQA})
    result = run_ruff_on(tmp_path, ["app/worker.py"])
    # A mistyped code silences nothing else (E509 is not E501), and a marker covers only its statement.
    assert [(m.line, m.code) for m in result.files["app/worker.py"]] == [(12, "E501"), (13, "E501")]


def test_flake8_noqa_reading_is_only_for_flake8_configurations(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.ruff]\nline-length = 79\n[tool.ruff.lint]\nselect = ["E", "F"]\n',
        "app/worker.py": FLAKE8_NOQA,
    })
    result = run_ruff_on(tmp_path, ["app/worker.py"])
    assert [(m.line, m.code) for m in result.files["app/worker.py"]] == [
        (1, "F401"), (7, "E501"), (12, "E501"), (13, "E501"),
    ]


# -- rules of taste a newer ruff added after the project's pinned version ----------------------

PINNED_SERVICE = (
    "COLUMNS = ['id' 'uuid_b58', 'name']\n\n\n"
    "def move(a, b, c, d, e, f):\n"
    "    return a + b + c + d + e + f\n"
)
PINNED_CONFIG = '[tool.ruff.lint]\nselect = ["CPY001", "PLR0917", "ISC004", "F"]\n'


def test_rules_of_taste_newer_than_the_pinned_ruff_do_not_count(tmp_path: Path) -> None:
    """The project's CI runs ruff 0.15.20: CPY001 and PLR0917 (pedantic, stable since 0.16) never ran
    there; ISC004 (suspicious: a missing comma joins two strings) is a bug whichever ruff finds it."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write_tree(tmp_path, {
        "pyproject.toml": PINNED_CONFIG,
        "requirements/lint.txt": "ruff==0.15.20 \\\n    --hash=sha256:00\n",
        "app/models.py": PINNED_SERVICE,
    })
    result = run_ruff_on(tmp_path, ["app/models.py"])
    assert _codes(result, "app/models.py") == ["ISC004"]
    config = result.configs["app/models.py"]
    assert config.pinned == "0.15.20" and "CPY001" in config.unrun
    assert "without the rules of taste newer than its pinned ruff 0.15.20" in config.describe()


def test_pins_from_pre_commit_lock_files_and_required_version(tmp_path: Path) -> None:
    hook = ("repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.15.2\n"
            "    hooks:\n      - id: ruff\n")
    lock = '[[package]]\nname = "ruff"\nversion = "0.14.1"\nsource = { registry = "https://pypi.org/simple" }\n'
    cases = {
        "hook": {".pre-commit-config.yaml": hook},
        "lock": {"uv.lock": lock},
        "required": {"pyproject.toml": '[tool.ruff]\nrequired-version = "==0.15.0"\n' + PINNED_CONFIG},
    }
    for name, files in cases.items():
        write_tree(tmp_path / name, {"pyproject.toml": PINNED_CONFIG, **files, "app/models.py": PINNED_SERVICE})
        assert _codes(run_ruff_on(tmp_path / name, ["app/models.py"]), "app/models.py") == ["ISC004"], name


def test_newer_rules_count_without_a_pin_an_older_pin_with_preview_or_a_newer_pin(tmp_path: Path) -> None:
    everything = ["CPY001", "ISC004", "PLR0917"]
    cases = {
        "unpinned": {},
        "range": {"requirements.txt": "ruff>=0.15.20\n"},  # a lower bound: CI may run the newest ruff
        "newer": {"requirements.txt": "ruff==99.0.0\n"},
        # With preview on, the pinned ruff may have run a rule stabilised since: it still counts.
        "preview": {"requirements.txt": "ruff==0.15.20\n", "ruff.toml": '[lint]\npreview = true\n'
                    'select = ["CPY001", "PLR0917", "ISC004", "F"]\n'},
    }
    for name, files in cases.items():
        write_tree(tmp_path / name, {"pyproject.toml": PINNED_CONFIG, **files, "app/models.py": PINNED_SERVICE})
        result = run_ruff_on(tmp_path / name, ["app/models.py"])
        assert sorted(_codes(result, "app/models.py")) == everything, name
        assert not {"CPY001", "PLR0917"} & set(result.configs["app/models.py"].unrun), name
