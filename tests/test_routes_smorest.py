"""flask-smorest: MethodView classes on a smorest Blueprint, bodies validated by ``@blp.arguments`` and
lists paged by ``@blp.paginate``; the same views without them are findings."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree

_APP = (
    "from flask import Flask\nfrom flask_smorest import Api\n\nfrom shop.orders import blp\n\n"
    "app = Flask(__name__)\napi = Api(app)\napi.register_blueprint(blp, url_prefix='/api/v1/orders')\n"
)
_GOOD = (
    "from flask.views import MethodView\nfrom flask_smorest import Blueprint\n\nfrom shop.schemas import OrderSchema\n\n"
    "blp = Blueprint('orders', __name__)\n\n\n@blp.route('/')\nclass Orders(MethodView):\n"
    "    @blp.paginate()\n    @blp.response(200, OrderSchema(many=True))\n    def get(self, pagination_parameters):\n"
    "        return Order.query.all()\n\n    @blp.arguments(OrderSchema)\n    @blp.response(201, OrderSchema)\n"
    "    def post(self, new_order):\n        return Order.create(**new_order)\n"
)
_BAD = (
    "from flask import request\nfrom flask.views import MethodView\nfrom flask_smorest import Blueprint\n\n"
    "blp = Blueprint('orders', __name__)\n\n\n@blp.route('/')\nclass Orders(MethodView):\n"
    "    def get(self):\n        return [o.to_dict() for o in Order.query.all()]\n\n"
    "    def post(self):\n        return Order.create(**request.json).to_dict(), 201\n"
)


def _verdicts(root: Path) -> dict[str, str]:
    result = scan_tree(root, select=["pagination", "query-validation"])
    return {c: check_result(result, c).status for c in ("pagination", "query-validation")}


def test_smorest_arguments_and_paginate_count(tmp_path: Path) -> None:
    write_tree(tmp_path, {"shop/__init__.py": "", "shop/app.py": _APP, "shop/orders.py": _GOOD,
                          "shop/schemas.py": "import marshmallow\n\n\nclass OrderSchema(marshmallow.Schema):\n    pass\n"})
    assert _verdicts(tmp_path) == {"pagination": "pass", "query-validation": "pass"}


def test_smorest_views_without_them_are_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, {"shop/__init__.py": "", "shop/app.py": _APP, "shop/orders.py": _BAD})
    assert _verdicts(tmp_path) == {"pagination": "fail", "query-validation": "fail"}
