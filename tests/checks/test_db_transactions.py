"""MongoDB transaction and client checks on small repositories, through the real engine."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

DB = ["mongo-transactions", "db-connection-retry", "db-query-timeouts", "db-pool-config"]


def test_configured_client_passes(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/config.py": "import os\n\nMONGO_URI = os.getenv('MONGO_URI', 'mongodb://db/?maxPoolSize=20&timeoutMS=5000')\n",
        "app/db.py": "from motor.motor_asyncio import AsyncIOMotorClient\nfrom pymongo.errors import AutoReconnect\n"
                     "from app.config import MONGO_URI\n\nclient = AsyncIOMotorClient(MONGO_URI, serverSelectionTimeoutMS=3000)\n\n\n"
                     "async def ping():\n    try:\n        await client.admin.command('ping')\n    except AutoReconnect:\n"
                     "        return False\n    return True\n",
    })
    result = scan_tree(tmp_path, select=DB)
    for check in ("db-connection-retry", "db-query-timeouts", "db-pool-config"):
        assert check_result(result, check).status == "pass", check
    assert any(e.message == "reconnect handled" for e in check_result(result, "db-connection-retry").evidence)
    assert check_result(result, "mongo-transactions").status == "n/a"


def test_unconfigured_clients_are_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/db.py": "import pymongo\n\nprimary = pymongo.MongoClient('mongodb://a', retryWrites=False)\n"
                     "secondary = pymongo.MongoClient('mongodb://b', serverSelectionTimeoutMS=2000, maxPoolSize=5)\n",
    })
    result = scan_tree(tmp_path, select=DB)
    retry = check_result(result, "db-connection-retry")
    assert retry.score == 0.5 and retry.summary == "1 of 2 MongoDB clients retry and fail fast"
    found = {(f.check, f.line) for f in result.findings}
    assert found == {("db-connection-retry", 3), ("db-query-timeouts", 3), ("db-query-timeouts", 4), ("db-pool-config", 3)}


def test_multi_collection_writes(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/db.py": "from pymongo import MongoClient\n\nclient = MongoClient()\ndb = client.shop\n",
        "app/service.py": "from app.db import client, db\n\n\ndef place(order):\n    db.orders.insert_one(order)\n"
                          "    db['stock'].update_one({'sku': order['sku']}, {'$inc': {'n': -1}})\n\n\n"
                          "def place_safely(order):\n    with client.start_session() as s, s.start_transaction():\n"
                          "        db.orders.insert_one(order, session=s)\n        db.stock.update_one({}, {}, session=s)\n\n\n"
                          "def ignored(order):  # readiness: ignore[mongo-transactions] idempotent replay\n"
                          "    db.orders.insert_one(order)\n    db.audit.insert_one(order)\n",
    })
    result = scan_tree(tmp_path, select=["mongo-transactions"])
    outcome = check_result(result, "mongo-transactions")
    assert outcome.summary == "1 of 3 functions writing several collections use a transaction"
    assert [(f.path, f.line) for f in result.findings] == [("app/service.py", 4)]
    assert "orders, stock" in result.findings[0].message


def test_no_mongodb_is_not_applicable(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
                                         "def save(a, b):\n    a.insert_one({})\n    b.insert_one({})\n"})
    result = scan_tree(tmp_path, select=DB)
    assert [check_result(result, c).status for c in DB] == ["n/a"] * 4
    assert result.findings == ()
    empty = tmp_path / "empty"
    write_tree(empty, {"pkg/__init__.py": ""})
    result = scan_tree(empty, select=DB)
    assert [check_result(result, c).status for c in DB] == ["n/a"] * 4


def test_resource_services_resolve_to_their_datasource_collections(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "settings.py": ("DOMAIN = {\n    'events': {'schema': {}},\n    'events_post': {'datasource': {'source': 'events'}},\n"
                        "    'planning': {'schema': {}},\n}\n"),
        "app.py": "from eve import Eve\n\napp = Eve()\n",
        "workflow.py": ("from superdesk import get_resource_service\n\n\n"
                        "def post_event(event):\n    get_resource_service('events').patch(event['_id'], event)\n"
                        "    get_resource_service('events_post').post([event])\n\n\n"
                        "def post_with_plannings(event, plan):\n    get_resource_service('events_post').post([event])\n"
                        "    get_resource_service('planning').patch(plan['_id'], plan)\n"),
    })
    result = scan_tree(tmp_path, select=["mongo-transactions"])
    outcome = check_result(result, "mongo-transactions")
    assert (outcome.status, outcome.summary) == ("fail", "0 of 1 functions writing several collections use a transaction")
    assert [(f.path, f.line, f.message) for f in result.findings] == [
        ("workflow.py", 9, "post_with_plannings writes to 2 collections (events, planning) without a transaction")]
