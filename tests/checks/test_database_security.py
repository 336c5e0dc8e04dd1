"""Database security checks on small repositories, through the real engine."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

_DB = "from pymongo import MongoClient\n\ndb = MongoClient().shop\norders = db['orders']\n"


def test_request_data_into_filters(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/db.py": _DB,
        "app/api.py": (
            "from fastapi import FastAPI, Request\nfrom app.db import db, orders\n\napp = FastAPI()\n\n\n"
            "@app.post('/search')\nasync def search(req: Request):\n    body = await req.json()\n"
            "    crit = body['criteria']\n    a = orders.find(body)\n    b = orders.find_one({'owner': crit})\n"
            "    c = db.users.count_documents(filter=dict(req.query_params))\n"
            "    d = orders.aggregate([{'$match': body}])\n    e = orders.find({'n': int(crit)})\n"
            "    return a, b, c, d, e\n"
        ),
        "app/views.py": "import json\n\n\ndef view(request):\n    data = json.loads(request.body)\n"
                        "    orders = db.orders\n    return orders.delete_many(data)\n\n\n"
                        "def ok(request):\n    return orders.find({'status': request.GET.get('status')})\n",
    })
    result = scan_tree(tmp_path, select=["nosql-injection"])
    found = sorted((f.path, f.line) for f in result.findings)
    assert found == [("app/api.py", 11), ("app/api.py", 12), ("app/api.py", 13), ("app/api.py", 14), ("app/views.py", 7)]
    outcome = check_result(result, "nosql-injection")
    assert outcome.status == "fail" and outcome.summary == "5 possible NoSQL injections in 7 MongoDB queries"


def test_where_operator_and_suppression(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/db.py": _DB + "\n\ndef a(x):\n    return orders.find({'$where': x})\n\n\n"
                          "def b(x):\n    # readiness: ignore[nosql-injection] constant expression, reviewed\n"
                          "    return orders.find({'$where': 'this.a > 1'})\n"})
    result = scan_tree(tmp_path, select=["nosql-injection"])
    assert [f.line for f in result.findings] == [8]


def test_query_validation_share(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        "@app.post('/a')\ndef a():\n    return save(request.get_json())\n\n\n"
        "@app.put('/b')\ndef b():\n    return save(Order(**request.json))\n\n\n"
        "@app.post('/logout')\ndef logout():\n    return {}\n\n\n"
        "@app.get('/c')\ndef c():\n    return request.json\n"
    )})
    result = scan_tree(tmp_path, select=["query-validation"])
    outcome = check_result(result, "query-validation")
    assert outcome.summary == "1 of 2 write routes validate their body"
    assert [(f.line, f.message) for f in result.findings] == [(7, "POST /a (a) uses the raw request body without schema validation")]


def test_tenant_isolation_when_configured(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/db.py": _DB, "app/repo.py": (
        "from app.db import db, orders\n\n\ndef one(t, i):\n    return orders.find_one({'_id': i, 'tenant_id': t})\n\n\n"
        "def many(t):\n    return db.orders.find({'$and': [{'tenant_id': t}, {'x': 1}]})\n\n\n"
        "def leak():\n    return db['orders'].find()\n\n\n"
        "def built(f):\n    return orders.find(f)\n\n\n"
        "def other():\n    return db.products.find()\n"
    )})
    config = {"checks": {"tenant-isolation": {"options": {"tenant_field": "tenant_id", "collections": ["orders"]}}}}
    result = scan_tree(tmp_path, select=["tenant-isolation"], config=config)
    outcome = check_result(result, "tenant-isolation")
    assert outcome.summary == "2 of 3 queries on tenant collections filter by tenant_id (1 with filters built elsewhere not judged)"
    assert [(f.line, f.message) for f in result.findings] == [(13, "find() on orders does not filter by tenant_id")]
    assert check_result(scan_tree(tmp_path, select=["tenant-isolation"]), "tenant-isolation").status == "n/a"


def test_library_and_empty_package(tmp_path: Path) -> None:
    write_tree(tmp_path, {"mylib/store.py": "def find(request, coll):\n    return coll.find(request.json)\n"})
    ids = ("nosql-injection", "query-validation", "tenant-isolation")
    result = scan_tree(tmp_path, select=ids)
    assert {check_result(result, c).status for c in ids} == {"n/a"}
    assert result.findings == ()
    empty = tmp_path / "empty"
    write_tree(empty, {"pkg/__init__.py": ""})
    result = scan_tree(empty, select=ids)
    assert {check_result(result, c).status for c in ids} == {"n/a"}
