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
