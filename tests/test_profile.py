"""The project profile: frameworks and clients from imports and dependency declarations."""

from __future__ import annotations

from pathlib import Path

from helpers import write_tree

from readiness.discovery import discover
from readiness.profile import Profile, profile_of
from readiness.project import Project
from readiness.source import SourceFile


def _project(root: Path) -> Project:
    found = discover(root)
    imports = {}
    for rel in found.python_files:
        imports[rel] = SourceFile.from_text(rel, (root / rel).read_text()).imports
    return Project(root=root, files=tuple(found.files), python_files=tuple(found.python_files), lines=0, imports=imports)


def test_imports_of_application_code(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/main.py": "from fastapi import FastAPI\nimport redis.asyncio\nfrom motor.motor_asyncio import AsyncIOMotorClient\n",
        "tests/test_x.py": "import flask\nimport httpx\n",
    })
    profile = profile_of(_project(tmp_path))
    assert profile.frameworks == {"fastapi"}
    assert profile.clients == {"redis", "motor"}
    assert profile.mongodb and profile.web and profile.service
    assert profile.where("fastapi") == "imported in app/main.py"


def test_dependency_declarations(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "requirements.txt": "Flask==3.0  # web\n-r base.txt\npymongo[srv]>=4\n",
        "requirements-dev.txt": "httpx\n",
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["celery>=5", "Requests"]\n'
                          '[project.optional-dependencies]\ntest = ["aiohttp"]\n',
        "svc/pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\ndjango = "^5"\n',
        "setup.cfg": "[options]\ninstall_requires =\n    redis>=5\n    mongoengine\n",
        "Pipfile": '[packages]\nbeanie = "*"\n[dev-packages]\nstarlette = "*"\n',
    })
    profile = profile_of(_project(tmp_path))
    assert set(profile.components) == {"flask", "pymongo", "celery", "requests", "django", "redis", "mongoengine", "beanie"}
    assert "declared in requirements.txt" in profile.components["flask"]


def test_broken_declarations_do_not_crash(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": "[project\nbroken", "setup.cfg": "not ini at all [", "Pipfile": "= ="})
    assert profile_of(_project(tmp_path)) == Profile({})


def test_library_profile(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mylib/__init__.py": "import requests\n"})
    profile = profile_of(_project(tmp_path))
    assert profile.clients == {"requests"}
    assert not profile.web and not profile.service and not profile.mongodb


def test_other_web_toolkits_make_a_service(tmp_path: Path) -> None:
    write_tree(tmp_path / "webob", {"st2api/app.py": "import webob\n\n\ndef app(environ, start_response):\n"
                                                     "    return webob.Response('ok')(environ, start_response)\n"})
    write_tree(tmp_path / "pyramid", {"requirements.txt": "pyramid==2.0\n", "shop/views.py": "x = 1\n"})
    for name in ("webob", "pyramid"):
        profile = profile_of(_project(tmp_path / name))
        assert profile.service and not profile.web, name  # a service, with no framework whose routes are read


def test_profile_is_built_once_per_project(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": "import flask\n"})
    project = _project(tmp_path)
    assert profile_of(project) is profile_of(project)


def test_eve_and_superdesk_apps_are_flask_services_on_mongodb(tmp_path: Path) -> None:
    write_tree(tmp_path / "eve", {"run.py": "from eve import Eve\n\napp = Eve(settings='settings.py')\n"})
    write_tree(tmp_path / "plugin", {"server/requirements.txt": "superdesk-core>=2.7\nicalendar\n",
                                     "server/planning/service.py": "from superdesk import get_resource_service\n"})
    write_tree(tmp_path / "sql", {"app.py": "from eve import Eve\nfrom eve_sqlalchemy import SQL\n\napp = Eve(data=SQL)\n",
                                  "requirements.txt": "Eve-SQLAlchemy\n"})
    for name in ("eve", "plugin"):
        profile = profile_of(_project(tmp_path / name))
        assert profile.frameworks == {"flask"} and profile.mongodb, name
    assert any("eve imported in run.py" in w for w in profile_of(_project(tmp_path / "eve")).components["pymongo"])
    sql = profile_of(_project(tmp_path / "sql"))  # Eve on its SQLAlchemy data layer: no MongoDB
    assert sql.frameworks == {"flask"} and not sql.mongodb
