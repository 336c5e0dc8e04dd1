"""Routes a connexion app declares in OpenAPI files, judged like routes written in Python."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

_APP = ("import connexion\n\napp = connexion.FlaskApp(__name__, specification_dir='.')\n"
        "app.add_api('sync/public_api.yaml')\napp.add_api('sync/private_api.yaml', base_path='/app')\n")
_PUBLIC = (
    "openapi: 3.0.0\ninfo: {title: Sync, version: '1'}\nservers:\n  - url: https://sync.example.net/v1\n"
    "components:\n  parameters:\n    Page: {name: page, in: query, schema: {type: integer}}\n"
    "    Remote: {$ref: 'https://attacker.invalid/spec.yaml#/Page'}\n"
    "paths:\n  /projects:\n    get:\n      operationId: sync.controller.list_projects\n      parameters:\n"
    "        - $ref: '#/components/parameters/Page'\n        - $ref: '#/components/parameters/Remote'\n"
    "        - {name: per_page, in: query, schema: {type: integer}}\n      responses: {'200': {description: ok}}\n"
    "    post:\n      operationId: sync.controller.add_project\n"
    "      requestBody:\n        content:\n          application/json:\n            schema: {type: object}\n"
    "      responses: {'201': {description: created}}\n")
_PRIVATE = (
    "swagger: '2.0'\ninfo: {title: Private, version: '1'}\nbasePath: /ignored\npaths:\n"
    "  /users:\n    get:\n      operationId: sync.private.list_users\n      responses: {'200': {description: ok}}\n")
_CONTROLLERS = {
    "sync/__init__.py": "",
    "sync/controller.py": "from app.limits import limiter\n\n\n@limiter.limit('10/minute')\n"
                          "def list_projects(page, per_page):\n    return []\n\n\ndef add_project(body):\n    return body\n",
    "sync/private.py": "def list_users():\n    return []\n",
}


def _service(root: Path) -> None:
    write_tree(root, {"app.py": _APP, "sync/public_api.yaml": _PUBLIC, "sync/private_api.yaml": _PRIVATE,
                      **_CONTROLLERS})


def test_operations_are_routes_under_the_servers_path_or_the_base_path(tmp_path: Path) -> None:
    _service(tmp_path)
    result = scan_tree(tmp_path, select=["api-versioning", "pagination", "query-validation", "rate-limiting"])
    versioning = check_result(result, "api-versioning")
    assert versioning.summary.startswith("2 of 3 routes are versioned")  # /v1/projects twice; /app/users not
    assert [(f.path, f.line) for f in result.findings if f.check == "api-versioning"] == [("sync/private_api.yaml", 6)]
    # /v1/projects pages (a $ref'd page parameter); /app/users lists everything
    assert check_result(result, "pagination").summary.startswith("1 of 2 list endpoints paginate")
    # connexion validates the request body against the schema before add_project runs
    assert check_result(result, "query-validation").status == "pass"
    # the handler's decorators come from the Python function the operationId names
    limited = check_result(result, "rate-limiting")
    assert limited.summary.startswith("1 of 3 routes are rate limited"), limited.summary


def test_a_remote_ref_is_not_fetched_and_a_broken_spec_is_no_route(tmp_path: Path) -> None:
    _service(tmp_path)
    (tmp_path / "sync" / "private_api.yaml").write_text("paths: [not, a, mapping\n", encoding="utf-8")
    result = scan_tree(tmp_path, select=["pagination"])
    assert check_result(result, "pagination").summary.startswith("1 of 1 list endpoint paginate")
