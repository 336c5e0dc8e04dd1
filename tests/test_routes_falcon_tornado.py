"""Routes of Falcon resources and Tornado handler lists, and helpers the handler hands its request to."""

from __future__ import annotations

from pathlib import Path

from helpers import write_tree
from test_routes import _table

from readiness.routes import tornado_path

FALCON = """import falcon


def list_page(req, resp, order):
    page = req.get_param_as_int("page", default=1)
    resp.media = {"items": [], "page": page, "order": order}


class ThingCollection:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        list_page(req, resp, req.get_param("order_by"))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        data = req.get_media()
        resp.media = {"name": data["name"]}

    def on_get_item(self, req: falcon.Request, resp: falcon.Response, thing_id: int) -> None:
        resp.media = {"id": thing_id}


class Status:
    def on_get(self, req, resp):
        resp.media = {"status": "running"}


def annotate_from(req):
    body = req.get_media()
    jsonschema.validate(body, ANNOTATION_SCHEMA)
    return body


class Annotations:
    def on_post(self, req, resp):
        resp.media = {"id": store(annotate_from(req))}


app = falcon.App()
things = ThingCollection()
app.add_route("/api/v1/things", things)
app.add_route("/api/v1/things/{thing_id:int}", things, suffix="item")
app.add_route("/api/v1/status", Status())
app.add_route("/api/v1/annotations", Annotations())
"""


def test_falcon_responders_by_method_and_suffix(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/api.py": FALCON})
    table = _table(tmp_path)
    routes = {(r.fact.method, r.path): r for r in table}
    assert len(table) == 5  # one responder per route: on_get_item only behind the suffixed route
    assert set(routes) == {("GET", "/api/v1/things"), ("POST", "/api/v1/things"),
                           ("GET", "/api/v1/things/{thing_id:int}"), ("GET", "/api/v1/status"),
                           ("POST", "/api/v1/annotations")}
    assert routes[("POST", "/api/v1/annotations")].fact.body == "validated"  # in the helper given the request
    listing = routes[("GET", "/api/v1/things")]
    # read in the helper the handler hands its request to, and in the handler itself
    assert {"page", "order_by"} <= set(listing.fact.query_params)
    assert routes[("POST", "/api/v1/things")].fact.body == "raw"
    assert routes[("GET", "/api/v1/things/{thing_id:int}")].fact.line == 17  # on_get_item, not on_get


TORNADO_BASE = """from tornado import web


class BaseHandler(web.RequestHandler):
    def write_error(self, status_code, **kwargs):
        self.finish({"status": status_code})
"""

TORNADO_USERS = """import json

from .base import BaseHandler


class UserListHandler(BaseHandler):
    async def get(self):
        offset = int(self.get_argument("offset", "0"))
        self.finish(json.dumps({"users": [], "offset": offset}))

    async def post(self):
        body = json.loads(self.request.body)
        self.finish({"name": body["name"]})


class UserHandler(BaseHandler):
    async def delete(self, name):
        self.set_status(204)


default_handlers = [
    (r"/api/users", UserListHandler),
    (r"/api/users/([^/]+)", UserHandler),
]
"""


def test_tornado_handler_lists_without_a_tornado_import(tmp_path: Path) -> None:
    write_tree(tmp_path, {"hub/__init__.py": "", "hub/base.py": TORNADO_BASE, "hub/users.py": TORNADO_USERS,
                          "hub/other.py": "PAIRS = [('/not/a/route', ValueError)]\n"})
    routes = {(r.fact.method, r.path): r for r in _table(tmp_path)}
    assert set(routes) == {("GET", "/api/users"), ("POST", "/api/users"), ("DELETE", "/api/users/{arg1}")}
    assert routes[("GET", "/api/users")].fact.query_params == ("offset",)
    assert routes[("POST", "/api/users")].fact.body == "raw"


def test_tornado_patterns_become_paths() -> None:
    assert tornado_path(r"^/api/users/(?P<name>[^/]+)/servers/([^/]*)/?$") == "/api/users/{name}/servers/{arg2}"
    assert tornado_path(r"/static/(.*)") == "/static/{arg1}"
    assert tornado_path(r"/a\.json$") == "/a.json"
