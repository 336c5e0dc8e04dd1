"""A handler handing its request (or its body) to a function of another module of the project: that function's
query parameters, paging calls and body validation are the route's, one module away, as for the module's own
helpers. Flask's context-local request counts as handed: a project function reading it reads the handler's."""

from __future__ import annotations

from pathlib import Path

from helpers import check_status as _status
from helpers import route_table as _table
from helpers import write_tree

_SHOP = {
    "shop/__init__.py": "", "shop/services/__init__.py": "",
    "shop/urls.py": "from django.urls import path\n\nfrom shop import views\n\nurlpatterns = [\n"
                    "    path('api/orders/', views.orders),\n    path('api/invoices/', views.invoices),\n"
                    "    path('api/refunds/', views.refunds),\n]\n",
    "shop/views.py": "from django.http import JsonResponse\n\n"
                     "from shop.services.listing import list_orders, list_invoices\nfrom shop.services import chain\n\n\n"
                     "def orders(request):\n    return JsonResponse(list_orders(request), safe=False)\n\n\n"
                     "def invoices(request):\n    rows = []\n    return JsonResponse(list_invoices(rows), safe=False)\n\n\n"
                     "def refunds(request):\n    return JsonResponse(chain.relay(request), safe=False)\n",
    "shop/services/listing.py": "from shop.models import Order\n\n\n"
                                "def list_orders(request):\n    page = int(request.GET.get('page', 1))\n"
                                "    status = request.GET.get('status')\n"
                                "    return Order.filter(status=status)[(page - 1) * 20:page * 20]\n\n\n"
                                "def list_invoices(rows, request=None):\n"
                                "    page = int(request.GET.get('page', 1)) if request else 1\n"
                                "    return rows[(page - 1) * 20:page * 20]\n",
    # two modules away: relay() hands the request on to paging.paged(), which reads ?page=
    "shop/services/chain.py": "from shop.services.paging import paged\n\n\ndef relay(request):\n"
                              "    return paged(request)\n",
    "shop/services/paging.py": "def paged(request):\n    page = int(request.GET.get('page', 1))\n"
                               "    return list(range(page))\n",
}


def test_a_view_handing_its_request_to_another_modules_function(tmp_path: Path) -> None:
    write_tree(tmp_path, _SHOP)
    table = _table(tmp_path)
    assert set(table["GET /api/orders/"].query) == {"page", "status"}
    assert table["GET /api/invoices/"].query == ()  # the helper reads a request it is not given
    assert table["GET /api/refunds/"].query == ()  # two modules away: not followed
    assert not any(c.startswith("@helper:") for r in table.values() for c in r.fact.calls)
    assert _status(tmp_path, "pagination")[:3] == ("fail", 1 / 3, 2)
    assert _status(tmp_path, "filtering-sorting")[:3] == ("fail", 1 / 3, 2)


_FORUM = {
    "forum/__init__.py": "", "forum/users/__init__.py": "", "forum/users/api/__init__.py": "",
    "forum/users/api/endpoints/__init__.py": "",
    "forum/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n\n"
                     "from forum.users.api.users import RankViewSet, UserViewSet\n\nrouter = DefaultRouter()\n"
                     "router.register(r'users', UserViewSet, basename='user')\n"
                     "router.register(r'ranks', RankViewSet, basename='rank')\n\n"
                     "urlpatterns = [path('api/', include(router.urls))]\n",
    "forum/users/api/users.py": "from rest_framework import viewsets\nfrom rest_framework.response import Response\n\n"
                                "from .endpoints.listing import all_ranks, list_endpoint\n\n\n"
                                "class UserViewSet(viewsets.GenericViewSet):\n    def list(self, request):\n"
                                "        return list_endpoint(request)\n\n\n"
                                "class RankViewSet(viewsets.GenericViewSet):\n    def list(self, request):\n"
                                "        return Response(all_ranks(self.get_queryset()))\n",
    # a dispatcher handing the request to its own module's function, which pages: what a view there would read
    "forum/users/api/endpoints/listing.py": (
        "from rest_framework.response import Response\n\nfrom forum.users.models import User\n\n\n"
        "def rank_users(request):\n    page = int(request.query_params.get('page', 0))\n"
        "    rank = request.query_params.get('rank')\n"
        "    return Response(User.objects.filter(rank=rank)[page * 20:(page + 1) * 20])\n\n\n"
        "def list_endpoint(request):\n    if request.query_params.get('list') == 'active':\n"
        "        return Response([])\n    return rank_users(request)\n\n\n"
        "def all_ranks(queryset, request=None):\n"
        "    page = int(request.query_params.get('page', 0)) if request else 0\n"
        "    return queryset[page * 20:(page + 1) * 20]\n"),
}


def test_a_viewset_list_handing_the_request_to_another_modules_dispatcher(tmp_path: Path) -> None:
    write_tree(tmp_path, _FORUM)
    table = _table(tmp_path)
    assert set(table["GET /api/users/"].query) == {"list", "rank", "page"}
    assert table["GET /api/ranks/"].query == ()
    assert _status(tmp_path, "pagination")[:3] == ("fail", 0.5, 1)


_UTIL = (
    "from flask import request\nfrom jsonschema import Draft7Validator\n\nfrom svc.schemas import SCHEMAS\n\n\n"
    "def parse_request(schema):\n    data = request.get_json()\n    return validate(data, schema)\n\n\n"
    "def validate(data, schema):\n    errors = list(Draft7Validator(SCHEMAS[schema]).iter_errors(data))\n"
    "    if errors:\n        raise ValueError(errors)\n    return data\n\n\n"
    "def current_page():\n    return int(request.args.get('page', 1))\n\n\n"
    "def audit(message):\n    print(message)\n\n\n"
    "def share_link(with_password=False):\n    def decorator(view):\n        def wrapper(*args, **kwargs):\n"
    "            check(request.args.get('password'))\n            return view(*args, **kwargs)\n"
    "        return wrapper\n    return decorator\n"
)
_LOGIC = (
    "from svc.models import Order, OrderSchema\n\n\n"
    "def create_order(data):\n    return Order.create(OrderSchema().load(data))\n\n\n"
    "def store_order(data):\n    return Order.create(data)\n"
)
_VIEWS = (
    "from flask import Blueprint, jsonify, request\n\nfrom svc.logic.orders import create_order, store_order\n"
    "from svc.views import parse_request\nfrom svc.views.util import audit, current_page, share_link\n\n"
    "blueprint = Blueprint('orders', __name__, url_prefix='/api/orders')\n\n\n"
    "@blueprint.route('', methods=['POST'])\ndef create():\n    data = parse_request('OrderCreate')\n"
    "    audit('created')\n    return jsonify(data)\n\n\n"
    "@blueprint.route('/import', methods=['POST'])\ndef import_order():\n    data = request.get_json()\n"
    "    return jsonify(create_order(data))\n\n\n"
    "@blueprint.route('/raw', methods=['POST'])\ndef raw_order():\n"
    "    return jsonify(store_order(data=request.get_json()))\n\n\n"
    "@blueprint.route('/notes', methods=['POST'])\ndef note():\n    audit('noted')\n    return jsonify({})\n\n\n"
    "@blueprint.route('/list')\ndef listing():\n    return jsonify(find(page=current_page()))\n\n\n"
    "@blueprint.route('/shared')\n@share_link(with_password=True)\ndef shared():\n    return jsonify(find())\n"
)


def _flask(root: Path) -> None:
    write_tree(root, {"svc/__init__.py": "", "svc/logic/__init__.py": "",
                      "svc/views/__init__.py": "from .util import parse_request\n",  # re-exported
                      "svc/views/util.py": _UTIL, "svc/logic/orders.py": _LOGIC, "svc/views/orders_api.py": _VIEWS})


def test_a_project_function_reading_flasks_request_is_the_handlers(tmp_path: Path) -> None:
    _flask(tmp_path)
    table = _table(tmp_path)
    assert table["POST /api/orders"].fact.body == "validated"  # parse_request reads the body and validates it
    assert table["POST /api/orders/notes"].fact.body == ""  # audit() reads no request
    assert table["GET /api/orders/list"].query == ("page",)
    assert table["GET /api/orders/shared"].query == ()  # a decorator factory runs at import, handed nothing


def test_a_body_handed_to_another_modules_function_validating_it(tmp_path: Path) -> None:
    _flask(tmp_path)
    table = _table(tmp_path)
    assert table["POST /api/orders/import"].fact.body == "validated"  # OrderSchema().load(data) there
    assert table["POST /api/orders/raw"].fact.body == "raw"  # stored as it came
    assert _status(tmp_path, "query-validation")[:3] == ("fail", 2 / 3, 1)


def test_what_a_helper_returns_is_not_the_routes_response(tmp_path: Path) -> None:
    """A list endpoint handing its request to another module's function that renders one row from a fixed table:
    the row's shape (a list from a constant table) is the helper's, and the route stays a paged list."""
    write_tree(tmp_path, {
        "scan/__init__.py": "",
        "scan/rows.py": "COLUMNS = ['target', 'tag', 'created_at']\n\n\n"
                        "def render_row(request, entry):\n"
                        "    return [str(entry.get(name)) for name in COLUMNS if request.query_params.get(name) != 'off']\n",
        "scan/api.py": "from fastapi import APIRouter, Query, Request\n\nfrom scan.db import db\nfrom scan.rows import render_row\n\n"
                       "router = APIRouter()\n\n\n@router.get('/api/analyses-table')\n"
                       "def analyses_table(request: Request, start: int = Query(), length: int = Query()) -> dict:\n"
                       "    result = db.get_paginated_analyses(start, length)\n"
                       "    return {'data': [render_row(request, entry) for entry in result.data]}\n",
    })
    route = _table(tmp_path)["GET /api/analyses-table"]
    assert route.collection and not {"@enumeration", "@returns-list"} & set(route.fact.calls)
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)


def test_an_error_page_on_one_branch_does_not_make_the_route_a_page(tmp_path: Path) -> None:
    """A Flask handler answering JSON that returns another module's error page on its unauthorized branch stays an
    API route; one whose every answer is another module's redirect helper is what that helper makes."""
    write_tree(tmp_path, {
        "portal/__init__.py": "",
        "portal/utils.py": "from flask import redirect, render_template, request\n\n\n"
                         "def error_page(error, message):\n"
                         "    return render_template('error.html', code=error, path=request.path), error\n\n\n"
                         "def to_legacy(target):\n    return redirect(f'/legacy/{target}?{request.query_string}')\n",
        "portal/app.py": "from flask import Flask, make_response, request\n\nfrom portal import utils\nfrom portal.db import logs\n\n"
                       "app = Flask(__name__)\n\n\n@app.route('/logs/results')\ndef log_results():\n"
                       "    token = request.args.get('next_token')\n    if not request.args.get('admin'):\n"
                       "        return utils.error_page(401, 'unauthorized')\n"
                       "    data, token = logs.results(token)\n    return make_response({'data': data, 'next_token': token})\n\n\n"
                       "@app.route('/timelapse/<name>')\ndef timelapse(name):\n    return utils.to_legacy(name)\n",
    })
    table = _table(tmp_path)
    assert table["GET /logs/results"].api and table["GET /logs/results"].collection
    assert not table["GET /timelapse/<name>"].api  # every answer is the helper's redirect
