"""The project's own configuration tells the roles: pytest's test-file patterns, ruff's excludes.

A service whose tests are named ``check_*.py`` inside ``integration/`` tells pytest so; one that
keeps a generated API client out of its linter tells ruff so. Neither is the running service.
The hints never turn a path the layout already names (a migration) into something else, and a
pattern that names every file (``*.py``) declares nothing.
"""

from __future__ import annotations

from pathlib import Path

from helpers import scan_json, scan_tree, write_tree

from readiness.declared_roles import PACKAGED, VENDORED, declared_roles
from readiness.roles import GENERATED, role_of

NOISY = "import requests\n\n\ndef run():\n    # TODO: tidy\n    print('x')\n    return requests.get('http://api.internal/x')\n"
SERVICE = "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef handle(order):\n    return order\n"


def _count_findings(root: Path) -> dict[str, set[str]]:
    result = scan_tree(root, select=["print-call", "todo-comment", "missing-timeout", "hardcoded-value"])
    out: dict[str, set[str]] = {}
    for f in result.findings:
        out.setdefault(f.path, set()).add(f.check)
    return out


def test_pytest_python_files_within_testpaths_are_tests(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["integration"]\npython_files = ["check_*.py", "*.py"]\n',
        "app/orders.py": SERVICE,
        "integration/check_orders.py": NOISY,
        "integration/helpers/check_payments.py": NOISY,
        "integration/client.py": NOISY,  # not a test file by the project's own pattern
        "app/check_stock.py": NOISY,  # the pattern applies within testpaths only
    })
    found = _count_findings(tmp_path)
    assert set(found) == {"integration/client.py", "app/check_stock.py"}
    doc = scan_json(tmp_path, "--select", "print-call")
    roles = {f["path"]: f["role"] for f in doc["findings"]}
    assert roles == {"integration/client.py": "service", "app/check_stock.py": "service"}


def test_pytest_ini_patterns_in_a_service_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "api/setup.cfg": "[tool:pytest]\npython_files = *_spec.py tests.py\n",
        "api/app/orders.py": SERVICE,
        "api/app/orders_spec.py": NOISY,
    })
    assert _count_findings(tmp_path) == {}


def test_ruff_excludes_are_not_the_service(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "api/pyproject.toml": '[tool.ruff]\nextend-exclude = ["app/generated_client", "legacy_*.py", "pyproject.toml"]\n',
        "api/app/orders.py": SERVICE,
        "api/app/generated_client/api.py": NOISY,
        "api/app/legacy_export.py": NOISY,
        "api/app/payments.py": NOISY,
    })
    assert set(_count_findings(tmp_path)) == {"api/app/payments.py"}


def test_the_layout_wins_and_broad_patterns_declare_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": ('[tool.ruff]\nexclude = ["migrations", "../outside", "/etc"]\n'
                           '[tool.pytest.ini_options]\ntestpaths = ["app"]\npython_files = "*.py"\n'),
        "app/orders.py": SERVICE,
    })
    declared = declared_roles(tmp_path, ["pyproject.toml", "app/orders.py"])
    assert "test" not in declared  # "*.py" within the service package would make it all tests
    assert all(".." not in g and not g.startswith("/") for g in declared["generated"])
    assert role_of("shop/migrations/0001_initial.py", None, None, declared) == "migration"
    assert role_of("app/orders.py", None, None, declared) == "service"


def test_configuration_overrides_win_over_declared_roles(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.ruff]\nexclude = ["app/jobs"]\n',
        "readiness.yaml": "paths:\n  service: [\"app/jobs/**\"]\n",
        "app/orders.py": SERVICE,
        "app/jobs/nightly.py": NOISY,
    })
    doc = scan_json(tmp_path, "--select", "print-call")
    assert {f["path"]: f["role"] for f in doc["findings"]} == {"app/jobs/nightly.py": "service"}


def test_a_symlinked_config_outside_the_root_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"pyproject.toml": '[tool.ruff]\nexclude = ["app"]\n'})
    root = tmp_path / "svc"
    write_tree(root, {"app/orders.py": NOISY})
    (root / "pyproject.toml").symlink_to(outside / "pyproject.toml")
    assert declared_roles(root, ["pyproject.toml", "app/orders.py"]) == {}


RUN_BY_HAND = ("import requests\n\n\ndef main():\n    print('backfilling')\n    requests.get('http://api.internal/x')\n\n\n"
               "if __name__ == '__main__':\n    main()\n")
SERVER_ENTRY = ("import uvicorn\n\nfrom app.api import app\n\nprint('starting')\n\n"
                "if __name__ == '__main__':\n    uvicorn.run(app)\n")


def test_coverage_omit_with_a_main_guard_is_a_script(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        ".coveragerc": "[run]\nomit =\n    */settings.py\n    app/backfill_orders.py\n    app/main.py\n    */views.py\n",
        "app/orders.py": SERVICE,
        "app/backfill_orders.py": RUN_BY_HAND,  # omitted and run by hand: a script
        "app/main.py": SERVER_ENTRY,  # omitted, but its main guard starts the server: the service
        "app/views.py": NOISY,  # omitted because it is hard to test: still the service
        "app/settings.py": "# TODO: read from the environment\nAPI = 'http://api.internal'\nprint('loaded')\n",
        "app/reindex.py": RUN_BY_HAND,  # runs by hand but the project never said it is not measured
    })
    found = _count_findings(tmp_path)
    assert "app/backfill_orders.py" not in found
    assert {"app/main.py", "app/views.py", "app/settings.py", "app/reindex.py"} <= set(found)
    declared = declared_roles(tmp_path, [".coveragerc"])
    assert role_of("app/backfill_orders.py", RUN_BY_HAND, None, declared) == "script"
    assert role_of("app/main.py", SERVER_ENTRY, None, declared) == "service"
    assert role_of("app/views.py", NOISY, None, declared) == "service"


def test_coverage_omit_in_pyproject_and_setup_cfg(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "api/pyproject.toml": '[tool.coverage.run]\nomit = ["tools_local/*.py"]\n',
        "setup.cfg": "[coverage:report]\nomit = ops/rebuild.py, */settings/*\n",
        "api/tools_local/sync.py": RUN_BY_HAND,
        "ops/rebuild.py": RUN_BY_HAND,
    })
    declared = declared_roles(tmp_path, ["api/pyproject.toml", "setup.cfg", "api/tools_local/sync.py", "ops/rebuild.py"])
    assert declared["coverage_omit"] == ["api/tools_local/*.py", "ops/rebuild.py", "*/settings/*", "settings/*"]
    assert role_of("api/tools_local/sync.py", RUN_BY_HAND, None, declared) == "script"
    assert role_of("ops/rebuild.py", RUN_BY_HAND, None, declared) == "script"
    assert role_of("api/tools_local/sync.py", SERVICE, None, declared) == "service"


def test_a_top_level_folder_of_copied_dependencies_is_vendored(tmp_path: Path) -> None:
    files = {
        "plexpy/webserve.py": "print('serving')\n",
        "lib/cherrypy/__init__.py": "", "lib/cherrypy/test/benchmark.py": "print('bench')\n",
        "lib/requests/__init__.py": "", "lib/six.py": "print('six')\n", "lib/urllib3/__init__.py": "",
        "libs/mytool/__init__.py": "", "libs/requests/__init__.py": "",  # one well-known name: the project's own
    }
    write_tree(tmp_path, files)
    declared = declared_roles(tmp_path, sorted(files))
    assert declared.get(VENDORED) == ["lib/"]
    assert role_of("lib/cherrypy/test/benchmark.py", "print('bench')\n", None, declared) == GENERATED
    assert role_of("libs/mytool/__init__.py", "", None, declared) == "service"
    assert role_of("plexpy/webserve.py", "print('serving')\n", None, declared) == "service"
    found = [(f.path, f.check) for f in scan_tree(tmp_path, select=["print-call"]).findings]
    assert found == [("plexpy/webserve.py", "print-call")]


def test_a_tools_subpackage_is_the_services_code() -> None:
    files = ["app/__init__.py", "app/agent/__init__.py", "app/agent/tools/__init__.py", "app/agent/tools/search.py",
             "tools/__init__.py", "tools/release.py", "lib/tools/__init__.py", "lib/tools/bump.py",
             "app/agent/tools/scripts/seed.py"]
    declared = declared_roles(Path("/nonexistent"), files)
    assert declared[PACKAGED] == ["app/agent/tools/"]
    assert role_of("app/agent/tools/search.py", None, None, declared) == "service"
    assert role_of("app/agent/tools/scripts/seed.py", None, None, declared) == "script"  # a script folder inside it
    assert role_of("tools/release.py", None, None, declared) == "script"  # beside the code: no package above it
    assert role_of("lib/tools/bump.py", None, None, declared) == "script"  # lib/ holds no __init__.py
