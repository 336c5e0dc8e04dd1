"""A module that only CLI commands import (tests aside) is a command's helper, not the service:
per-file checks that judge the service leave it out, as they leave out the commands themselves.
A module the service imports, one a configuration names, one that builds the app, and one
nobody imports stay service code."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli, write_tree

APP = {
    "app/__init__.py": "from flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
                       "    from .views import bp\n    app.register_blueprint(bp)\n    return app\n",
    "app/views.py": "from flask import Blueprint\nfrom .helpers import shout\n\nbp = Blueprint('main', __name__)\n\n\n"
                    "@bp.route('/')\ndef index():\n    return shout('hi')\n",
    "app/helpers.py": "def shout(text):\n    print(text)\n    return text\n",
    "app/index_tools.py": "def rebuild_index():\n    print('rebuilding the index')\n",
    "manage.py": "from flask_script import Manager\nfrom app import create_app\nfrom app.index_tools import rebuild_index\n\n"
                 "manager = Manager(create_app())\n\n\n@manager.command\ndef rebuild():\n    rebuild_index()\n",
    "tests/test_tools.py": "from app.index_tools import rebuild_index\n\n\ndef test_rebuild():\n    rebuild_index()\n",
}


def _printing(root: Path) -> list[str]:
    proc = run_cli("scan", str(root), "--select", "print-call", "--format", "json", "--no-live", "--no-history",
                   "--no-cache")
    assert proc.returncode in (0, 1), proc.stderr
    return sorted({f["path"] for f in json.loads(proc.stdout)["findings"]})


def test_a_module_only_commands_and_tests_import_is_left_out(tmp_path: Path) -> None:
    write_tree(tmp_path, APP)
    assert _printing(tmp_path) == ["app/helpers.py"]


def test_relative_imports_from_a_command_count(tmp_path: Path) -> None:
    files = {k: v for k, v in APP.items() if k != "manage.py"}
    files["app/management/commands/reindex.py"] = (
        "from django.core.management.base import BaseCommand\n\nfrom ...index_tools import rebuild_index\n\n\n"
        "class Command(BaseCommand):\n    def handle(self, *args, **options):\n        rebuild_index()\n")
    write_tree(tmp_path, files)
    assert _printing(tmp_path) == ["app/helpers.py"]


def test_a_module_the_service_also_imports_stays_service(tmp_path: Path) -> None:
    files = dict(APP)
    files["app/views.py"] = files["app/views.py"].replace("from .helpers import shout\n",
                                                          "from .helpers import shout\nfrom .index_tools import rebuild_index\n")
    write_tree(tmp_path, files)
    assert _printing(tmp_path) == ["app/helpers.py", "app/index_tools.py"]


def test_a_module_a_configuration_names_stays_service(tmp_path: Path) -> None:
    files = dict(APP)
    files["app/settings.py"] = "JOBS = ['app.index_tools.rebuild_index']\n"
    write_tree(tmp_path, files)
    assert _printing(tmp_path) == ["app/helpers.py", "app/index_tools.py"]


def test_a_module_that_builds_the_app_or_that_nothing_imports_stays_service(tmp_path: Path) -> None:
    files = dict(APP)
    files["app/factory.py"] = "from flask import Flask\n\n\ndef make():\n    print('building')\n    return Flask(__name__)\n"
    files["manage.py"] += "from app.factory import make\n"
    files["app/orphan.py"] = "def loaded_by_name():\n    print('loaded by a setting')\n"
    write_tree(tmp_path, files)
    assert _printing(tmp_path) == ["app/factory.py", "app/helpers.py", "app/orphan.py"]


def test_left_out_too_when_the_engines_start_before_the_imports_are_known(tmp_path: Path) -> None:
    files = dict(APP)
    files["app/index_tools.py"] = ("import subprocess\n\n\ndef rebuild_index(name):\n    print('rebuilding')\n"
                                   "    subprocess.call('reindex ' + name, shell=True)\n")
    files["app/helpers.py"] += "\n\ndef run(name):\n    import subprocess\n    subprocess.call('job ' + name, shell=True)\n"
    write_tree(tmp_path, files)
    proc = run_cli("scan", str(tmp_path), "--select", "print-call,sast-findings", "--format", "json", "--no-live",
                   "--no-history", "--no-cache")
    assert proc.returncode in (0, 1), proc.stderr
    found = {(f["check"], f["path"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("sast-findings", "app/helpers.py") in found and ("print-call", "app/helpers.py") in found
    assert not {path for _check, path in found} & {"app/index_tools.py"}


def test_a_module_imported_by_a_command_that_starts_the_server_stays_service(tmp_path: Path) -> None:
    files = dict(APP)
    files["manage.py"] = ("import uvicorn\nfrom app.index_tools import rebuild_index\n\n\ndef serve():\n"
                          "    rebuild_index()\n    uvicorn.run('app:create_app', factory=True)\n\n\n"
                          "if __name__ == '__main__':\n    serve()\n")
    write_tree(tmp_path, files)
    assert _printing(tmp_path) == ["app/helpers.py", "app/index_tools.py"]
