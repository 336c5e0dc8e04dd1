"""Eve: resources declared as settings (a DOMAIN dict, or resource classes registered by endpoint name),
with Eve's defaults (paging, ``where``/``sort`` filters, schema validation) and each resource's overrides."""

from __future__ import annotations

from pathlib import Path

from helpers import check_status as _status
from helpers import route_table as _table
from helpers import write_tree

from readiness.routes import Route

_SETTINGS = (
    "URL_PREFIX = 'api'\nAPI_VERSION = 'v1'\nRESOURCE_METHODS = ['GET', 'POST']\nITEM_METHODS = ['GET', 'PATCH']\n"
    "{extra}\npeople = {{\n    'schema': {{'name': {{'type': 'string', 'required': True}}}},\n}}\n\n"
    "DOMAIN = {{\n    'people': people,\n    'logs': {{'pagination': False, 'allowed_filters': [], 'sorting': False,\n"
    "             'resource_methods': ['GET']}},\n}}\n"
)


def _eve(root: Path, extra: str = "") -> dict[str, Route]:
    write_tree(root, {
        "svc/__init__.py": "", "svc/settings.py": _SETTINGS.format(extra=extra),
        "svc/run.py": "from eve import Eve\n\napp = Eve(settings='svc/settings.py')\n",
    })
    return _table(root)


def test_domain_resources_with_defaults_and_overrides(tmp_path: Path) -> None:
    routes = _eve(tmp_path)
    assert {"GET /api/v1/people", "POST /api/v1/people", "GET /api/v1/people/<_id>", "PATCH /api/v1/people/<_id>",
            "GET /api/v1/logs", "GET /api/v1/logs/<_id>", "PATCH /api/v1/logs/<_id>"} <= set(routes)
    people, logs = routes["GET /api/v1/people"], routes["GET /api/v1/logs"]
    assert people.collection and {"max_results", "page", "where", "sort"} <= set(people.query)
    assert logs.collection and logs.query == ()  # paging, filters and sorting switched off for this resource
    assert routes["POST /api/v1/people"].fact.body == "model"  # the Cerberus schema validates it
    assert routes["PATCH /api/v1/logs/<_id>"].fact.body == "raw"  # no schema
    assert _status(tmp_path, "pagination") == ("fail", 0.5, 1)
    assert _status(tmp_path, "api-versioning")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "query-validation") == ("fail", 2 / 3, 1)  # the PATCH of a log has no schema


def test_paging_switched_off_project_wide(tmp_path: Path) -> None:
    _eve(tmp_path, "PAGINATION = False\n")
    assert _status(tmp_path, "pagination") == ("fail", 0.0, 2)


_RESOURCES = (
    "from superdesk.resource import Resource\n\n\nclass BlogsResource(Resource):\n"
    "    schema = {'title': {'type': 'string'}}\n    datasource = {'source': 'blogs'}\n\n\n"
    "class UserBlogsResource(Resource):\n    url = 'users/<regex(\"[a-f0-9]{24}\"):user_id>/blogs'\n"
    "    schema = BlogsResource.schema\n    resource_methods = ['GET']\n    item_methods = []\n\n\n"
    "class NotEve(Resource):\n    def get(self):\n        return []\n"
)
_INIT = (
    "import superdesk\nfrom svc.blogs import BlogsResource, NotEve, UserBlogsResource\n\n\ndef init_app(app):\n"
    "    endpoint_name = 'blogs'\n    BlogsResource(endpoint_name, app=app, service=superdesk.get_backend())\n"
    "    endpoint_name = 'user_blogs'\n    UserBlogsResource(endpoint_name, app=app, service=None)\n"
    "    NotEve('x', app=app)\n"
)


def test_resource_classes_registered_by_endpoint_name(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "svc/__init__.py": _INIT, "svc/blogs.py": _RESOURCES,
        "svc/settings.py": "import os\n\nURL_PREFIX = os.environ.get('PREFIX', 'api')\nRESOURCE_METHODS = ['GET', 'POST']\n",
    })
    routes = _table(tmp_path)
    # the prefix is read from the environment: its default is what a deployment gets unless it says otherwise
    assert {"GET /api/blogs", "POST /api/blogs", "GET /api/blogs/<_id>",
            "GET /api/users/<regex(\"[a-f0-9]{24}\"):user_id>/blogs"} <= set(routes)
    assert not any("/x" in label for label in routes)  # a class with its own handlers is not an Eve resource
    assert routes["POST /api/blogs"].fact.body == "model"
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "api-versioning")[0] == "fail"
    write_tree(tmp_path, {"svc/settings.py": "import os\n\nURL_PREFIX = os.environ['PREFIX']\n"
                                             "RESOURCE_METHODS = ['GET', 'POST']\n"})
    assert "GET /{?URL_PREFIX}/blogs" in _table(tmp_path)
    assert _status(tmp_path, "api-versioning")[0] == "n/a"  # no default: the deployment alone decides


def test_proxy_of_another_services_list_is_not_judged(tmp_path: Path) -> None:
    write_tree(tmp_path, {"svc/__init__.py": "", "svc/views.py": (
        "import json\nimport requests\nfrom flask import Blueprint, request\n\nbp = Blueprint('m', __name__)\n\n\n"
        "@bp.route('/api/marketers')\ndef marketers():\n    response = requests.get(UPSTREAM, params=request.args)\n"
        "    content = json.loads(response.content)\n    return json.dumps(content)\n\n\n"
        "@bp.route('/api/blogs')\ndef blogs():\n    rows = db.blogs.find()\n    return json.dumps(list(rows))\n")})
    routes = _table(tmp_path)
    assert not routes["GET /api/marketers"].collection
    assert routes["GET /api/blogs"].collection


_UNSERVED = (
    "from superdesk.resource import Resource\n\n\nclass DeliveryResource(Resource):\n"
    "    schema = {'item_id': {'type': 'string'}}\n    internal_resource = True\n\n\n"
    "class LocksResource(Resource):\n    schema = {'lock_user': {'type': 'string'}}\n"
    "    resource_methods = []\n    item_methods = []\n\n\n"
    "class ArchiveResource(Resource):\n    schema = {'headline': {'type': 'string'}}\n    item_methods = []\n\n\n"
    "class SpikedResource(ArchiveResource):\n    internal_resource = False\n    resource_methods = ['GET']\n"
)
_UNSERVED_INIT = (
    "import superdesk\nfrom svc.items import ArchiveResource, DeliveryResource, LocksResource, SpikedResource\n\n\n"
    "def init_app(app):\n    DeliveryResource('delivery', app=app, service=None)\n"
    "    LocksResource('locks', app=app, service=None)\n    ArchiveResource('archive', app=app, service=None)\n"
    "    SpikedResource('spiked', app=app, service=None)\n"
)


def test_internal_resources_and_empty_method_lists_serve_nothing(tmp_path: Path) -> None:
    """Eve serves an ``internal_resource`` at no URL, and ``resource_methods = []`` or ``item_methods = []``
    switch the collection or the item endpoint off: none of them is a route to judge."""
    write_tree(tmp_path, {
        "svc/__init__.py": _UNSERVED_INIT, "svc/items.py": _UNSERVED,
        "svc/settings.py": "URL_PREFIX = 'api'\nRESOURCE_METHODS = ['GET', 'POST']\nITEM_METHODS = ['GET', 'PATCH']\n",
    })
    routes = set(_table(tmp_path))
    assert not any("/delivery" in label or "/locks" in label for label in routes)
    assert {"GET /api/archive", "POST /api/archive", "GET /api/spiked"} <= routes
    assert not any(label.startswith(("GET /api/archive/", "PATCH /api/archive/", "GET /api/spiked/")) for label in routes)
    assert "POST /api/spiked" not in routes  # the subclass's own methods win over the project's


def test_domain_entries_internal_or_without_methods(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "svc/__init__.py": "", "svc/run.py": "from eve import Eve\n\napp = Eve(settings='svc/settings.py')\n",
        "svc/settings.py": "URL_PREFIX = 'api'\nDOMAIN = {\n    'people': {'schema': {}},\n"
                           "    'audit': {'internal_resource': True, 'schema': {}},\n"
                           "    'stats': {'resource_methods': [], 'item_methods': ['GET']},\n}\n",
    })
    routes = set(_table(tmp_path))
    assert not any("/audit" in label for label in routes)
    assert "GET /api/stats/<_id>" in routes and "GET /api/stats" not in routes
    assert {"GET /api/people", "GET /api/people/<_id>"} <= routes


_LIMITS = "RATE_LIMIT_GET = (300, 60 * 15)\nRATE_LIMIT_POST = (20, 60)\nRATE_LIMIT_PATCH = None\n"


def test_eve_rate_limits_apply_per_method_when_the_app_has_redis(tmp_path: Path) -> None:
    """Eve counts ``RATE_LIMIT_<METHOD>`` requests in the Redis the app is given: the methods with a limit are
    limited, the others (PATCH set to None here) are not."""
    _eve(tmp_path, _LIMITS)
    write_tree(tmp_path, {"svc/run.py": "from eve import Eve\nfrom redis import StrictRedis\n\n"
                                        "app = Eve(settings='svc/settings.py', redis=StrictRedis())\n"})
    status, score, findings = _status(tmp_path, "rate-limiting")
    assert status == "fail" and findings == 2  # PATCH /people/<_id> and PATCH /logs/<_id>
    assert score == 5 / 7


def test_eve_rate_limits_without_redis_limit_nothing(tmp_path: Path) -> None:
    """Without a Redis connection Eve keeps no counts: the settings alone are a look-alike."""
    _eve(tmp_path, _LIMITS)
    assert _status(tmp_path, "rate-limiting")[:2] == ("fail", 0.0)
