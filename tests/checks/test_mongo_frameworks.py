"""MongoDB clients built by frameworks and ODMs are the clients the connection checks judge: mongoengine.connect,
beanie and odmantic on a motor client, djongo's Django settings."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

_ME = ("import os\n\nimport mongoengine\n\n\ndef init_db() -> None:\n"
       "    mongoengine.connect(host=os.environ['MONGO_URI']{extra})\n")
_BEANIE = ("import os\n\nfrom beanie import Document, init_beanie\nfrom motor.motor_asyncio import AsyncIOMotorClient\n\n\n"
           "class Order(Document):\n    total: int\n\n\nasync def init_db() -> None:\n"
           "    client = AsyncIOMotorClient(os.environ['MONGO_URI']{extra})\n"
           "    await init_beanie(database=client.shop, document_models=[Order])\n")


def _run(root: Path, files: dict[str, str], check: str) -> tuple[str, list[int]]:
    write_tree(root, files)
    result = scan_tree(root, select=[check])
    return check_result(result, check).status, [f.line for f in result.findings if f.check == check]


def test_mongoengine_connect_is_the_client(tmp_path: Path) -> None:
    app = {"app/main.py": "from flask import Flask\n\napp = Flask(__name__)\n", "requirements.txt": "flask\nmongoengine\n"}
    assert _run(tmp_path, {**app, "app/db.py": _ME.format(extra="")}, "db-pool-config") == ("fail", [7])
    assert _run(tmp_path / "sized", {**app, "app/db.py": _ME.format(extra=", maxPoolSize=25")},
                "db-pool-config") == ("pass", [])


def test_mongoengine_connect_through_its_connection_module(tmp_path: Path) -> None:
    app = {"app/main.py": "from flask import Flask\n\napp = Flask(__name__)\n", "requirements.txt": "flask\nmongoengine\n"}
    db = ("import mongoengine\n\n\ndef db_setup(name, host, timeout):\n"
          "    return mongoengine.connection.connect(name, host=host, serverSelectionTimeoutMS=timeout{extra})\n")
    assert _run(tmp_path, {**app, "app/db.py": db.format(extra="")}, "db-pool-config") == ("fail", [5])
    assert _run(tmp_path / "sized", {**app, "app/db.py": db.format(extra=", maxPoolSize=25")},
                "db-pool-config") == ("pass", [])
    assert _run(tmp_path / "retry", {**app, "app/db.py": db.format(extra="")}, "db-connection-retry")[0] == "pass"


def test_beanie_is_judged_through_its_motor_client(tmp_path: Path) -> None:
    app = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n", "requirements.txt": "fastapi\nbeanie\n"}
    assert _run(tmp_path, {**app, "app/db.py": _BEANIE.format(extra="")}, "db-query-timeouts") == ("fail", [12])
    status, _ = _run(tmp_path / "bounded", {**app, "app/db.py": _BEANIE.format(extra=", timeoutMS=5000")},
                     "db-query-timeouts")
    assert status == "pass"


def test_djongo_settings_are_the_client(tmp_path: Path) -> None:
    settings = ("import os\n\nDATABASES = {\n    'default': {\n        'ENGINE': 'djongo',\n        'NAME': 'shop',\n"
                "        'CLIENT': {'host': os.environ['MONGO_URI'], 'retryWrites': True, 'serverSelectionTimeoutMS': 3000},\n"
                "    },\n}\n")
    files = {"shop/settings.py": settings, "shop/views.py": "from django.http import JsonResponse\n",
             "requirements.txt": "django\ndjongo\n"}
    assert _run(tmp_path, files, "db-connection-retry") == ("pass", [])
    assert _run(tmp_path, files, "db-pool-config") == ("fail", [4])


_ODMANTIC = ("import os\n\nfrom motor.motor_asyncio import AsyncIOMotorClient\nfrom odmantic import AIOEngine, Model\n\n\n"
             "class Order(Model):\n    total: int\n\n\nclient = AsyncIOMotorClient(os.environ['MONGO_URI']{extra})\n"
             "engine = AIOEngine(client=client, database='shop')\n")


def test_odmantic_is_judged_through_its_motor_client(tmp_path: Path) -> None:
    app = {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n", "requirements.txt": "fastapi\nodmantic\n"}
    assert _run(tmp_path, {**app, "app/db.py": _ODMANTIC.format(extra="")}, "db-pool-config") == ("fail", [11])
    assert _run(tmp_path / "sized", {**app, "app/db.py": _ODMANTIC.format(extra=", maxPoolSize=50, minPoolSize=5")},
                "db-pool-config") == ("pass", [])
    assert _run(tmp_path / "retry", {**app, "app/db.py": _ODMANTIC.format(extra=", retryWrites=True, serverSelectionTimeoutMS=5000")},
                "db-connection-retry")[0] == "pass"
