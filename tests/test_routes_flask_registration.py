"""Flask routes a project registers through its own code: a helper that hands ``add_url_rule`` a view class,
a Blueprint subclass that replays what a route decorator stored, and flask-classful's ``FlaskView``."""

from __future__ import annotations

from pathlib import Path

from helpers import check_status as _status
from helpers import route_table as _table
from helpers import write_tree

_RESOURCES = (
    "from flask import jsonify, request\nfrom flask.views import MethodView\n\n\n"
    "class PeopleResource(MethodView):\n    def get(self):\n        return jsonify([p.to_dict() for p in People.all()])\n\n"
    "    def post(self):\n        return jsonify(People.create(**request.get_json()))\n\n\n"
    "class PersonResource(MethodView):\n    def get(self, handle):\n        return jsonify(People.get(handle))\n\n"
    "    def delete(self, handle):\n        People.delete(handle)\n        return '', 204\n"
)


def test_helper_that_hands_add_url_rule_the_class(tmp_path: Path) -> None:
    """``register_endpt(PeopleResource, "/people/", "people")`` where the helper calls
    ``api_blueprint.add_url_rule(url, endpoint=name, view_func=resource, methods=[...])`` on a blueprint it
    imports: each call serves the handlers the class defines (of those the rule names) under the prefix."""
    write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/api/blueprint.py": "from flask_smorest import Blueprint\n\n"
                                "api_blueprint = Blueprint('api', __name__, url_prefix='/api')\n",
        "svc/api/resources.py": _RESOURCES,
        "svc/api/__init__.py": (
            "from .blueprint import api_blueprint\nfrom .resources import PeopleResource, PersonResource\n\n\n"
            "def register_endpt(resource, url, name, tags=None):\n"
            "    api_blueprint.add_url_rule(url, endpoint=name, view_func=resource,\n"
            "                               methods=['GET', 'HEAD', 'POST', 'PUT', 'DELETE'])\n\n\n"
            "def register_fn(func, url):\n    api_blueprint.add_url_rule(url, view_func=func)\n\n\n"
            "def ping():\n    return 'ok'\n\n\n"
            "register_endpt(PeopleResource, '/people/', 'people')\n"
            "register_endpt(PersonResource, '/people/<handle>', 'person', tags=['People'])\n"
            "register_fn(ping, '/ping')\n"
        ),
        "svc/admin.py": (
            "from flask import Blueprint\n\nfrom svc.api.resources import PersonResource\n\n"
            "admin = Blueprint('admin', __name__, url_prefix='/admin')\n\n\n"
            "def mount(bp, view, url):\n    bp.add_url_rule(url, view_func=view)\n\n\n"
            "mount(admin, PersonResource, '/people/<handle>')\n"
        ),
        "svc/app.py": "from flask import Flask\n\nfrom svc.admin import admin\nfrom svc.api import api_blueprint\n\napp = Flask(__name__)\n"
                      "app.register_blueprint(api_blueprint)\napp.register_blueprint(admin)\n",
    })
    routes = _table(tmp_path)
    assert {"GET /api/people/", "POST /api/people/", "GET /api/people/<handle>",
            "DELETE /api/people/<handle>", "GET /admin/people/<handle>", "DELETE /admin/people/<handle>"} <= set(routes)
    # PUT is in the rule but not on either class (405); a function handed through is not a class view
    assert not {r for r in routes if r.startswith(("PUT ", "* ")) or "/ping" in r}
    assert routes["GET /api/people/"].where == "svc/api/resources.py:6"
    assert routes["GET /api/people/"].collection
    assert _status(tmp_path, "pagination") == ("fail", 0.0, 1)
    assert _status(tmp_path, "api-versioning")[:2] == ("fail", 0.0)


_MODULE_BASE = (
    "import collections\n\nimport flask\n\n\nclass SiteModule(flask.Blueprint):\n"
    "    def __init__(self, name, import_name, url_prefix=None):\n"
    "        super().__init__(name, import_name, url_prefix=url_prefix)\n"
    "        for attr in dir(self):\n            member = getattr(self, attr)\n"
    "            for stored in getattr(member, '_routes', []):\n"
    "                self.route(*stored.args, **stored.kwargs)(member)\n\n\n"
    "Stored = collections.namedtuple('Stored', ['args', 'kwargs'])\n\n\n"
    "def route(*args, **kwargs):\n    def wrap(fn):\n        found = getattr(fn, '_routes', [])\n"
    "        found.append(Stored(args, kwargs))\n        setattr(fn, '_routes', found)\n        return fn\n\n"
    "    return wrap\n\n\n"
    "def tagged(*args, **kwargs):\n    def wrap(fn):\n        fn._tags = (args, kwargs)\n        return fn\n\n"
    "    return wrap\n\n\n"
    "class Plain:\n    def __init__(self, name, url_prefix=None):\n        self.name = name\n"
)
_TAGS = (
    "from flask import jsonify, request\n\nfrom .base import Plain, SiteModule, route, tagged\n\n\n"
    "class TagsModule(SiteModule):\n    def __init__(self, db):\n"
    "        super().__init__('tags', __name__, url_prefix='/tags')\n        self.db = db\n\n"
    "    @route('/<adventure_id>', methods=['GET'])\n    @route('/', methods=['GET'], defaults={'adventure_id': None})\n"
    "    def list_tags(self, adventure_id):\n        return jsonify(self.db.read_tags())\n\n"
    "    @route('/create', methods=['POST'])\n    def create(self):\n"
    "        return jsonify(self.db.create_tag(request.json['name']))\n\n"
    "    @tagged('/not-a-route')\n    def helper(self):\n        return None\n\n\n"
    "class Report(Plain):\n    def __init__(self):\n        super().__init__('report', url_prefix='/report')\n\n"
    "    @route('/weekly')\n    def weekly(self):\n        return jsonify([])\n"
)


def test_blueprint_subclass_that_replays_a_recording_route_decorator(tmp_path: Path) -> None:
    """A decorator that only stores its arguments on the method, and a ``flask.Blueprint`` subclass whose
    ``__init__`` hands what each member stored to ``self.route``: the methods of a subclass are routes of the
    instance the app registers, under the prefix it gives its base. The same decorator on a class that is no
    such blueprint, and a decorator whose attribute nothing replays, serve nothing."""
    write_tree(tmp_path, {
        "web/__init__.py": "", "web/modules/__init__.py": "", "web/modules/base.py": _MODULE_BASE,
        "web/modules/tags.py": _TAGS,
        "web/app.py": "from flask import Flask\n\nfrom web.modules import tags\n\n\ndef create_app(db):\n"
                       "    app = Flask(__name__)\n    app.register_blueprint(tags.TagsModule(db))\n    return app\n",
    })
    routes = _table(tmp_path)
    assert set(routes) == {"GET /tags", "GET /tags/<adventure_id>", "POST /tags/create"}
    assert routes["POST /tags/create"].where == "web/modules/tags.py:17"
    assert routes["GET /tags"].collection
    assert _status(tmp_path, "query-validation") == ("fail", 0.0, 1)
    assert _status(tmp_path, "pagination") == ("fail", 0.0, 1)


def test_query_string_schema_of_a_smorest_or_webargs_decorator(tmp_path: Path) -> None:
    """``@blp.arguments(ListArgs, location="query")`` (or webargs' ``use_args``): the marshmallow schema's
    fields, by ``data_key``, are the query parameters of the route; a body schema's are not."""
    write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/schemas.py": "from marshmallow import Schema, fields\n\n\nclass ListArgs(Schema):\n"
                          "    page = fields.Integer(load_default=1)\n"
                          "    size = fields.Integer(load_default=20, data_key='pagesize')\n"
                          "    sort = fields.Str()\n\n\nclass NewPerson(Schema):\n    name = fields.Str(required=True)\n",
        "svc/views.py": "from flask.views import MethodView\nfrom flask_smorest import Blueprint\n\n"
                        "from svc.schemas import ListArgs, NewPerson\n\nblp = Blueprint('people', __name__)\n\n\n"
                        "@blp.route('/people')\nclass People(MethodView):\n"
                        "    @blp.arguments(ListArgs, location='query')\n    def get(self, args):\n"
                        "        return jsonify([p.to_dict() for p in People.page(args)])\n\n\n"
                        "@blp.route('/groups')\nclass Groups(MethodView):\n    @blp.arguments(NewPerson)\n"
                        "    def get(self, args):\n        return jsonify([g.to_dict() for g in Group.all()])\n",
        "svc/app.py": "from flask import Flask\nfrom flask_smorest import Api\n\nfrom svc.views import blp\n\n"
                      "app = Flask(__name__)\napi = Api(app)\napi.register_blueprint(blp)\n",
    })
    routes = _table(tmp_path)
    assert set(routes["GET /people"].query) == {"page", "pagesize", "sort"}
    assert routes["GET /groups"].query == ()
    assert _status(tmp_path, "pagination") == ("fail", 0.5, 1)
