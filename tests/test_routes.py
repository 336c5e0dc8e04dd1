"""The route table: routes per file, joined across files with their prefixes."""

from __future__ import annotations

from pathlib import Path

from helpers import write_tree

from readiness.routes import Route, build_route_table, route_facts, routes_in_file
from readiness.source import SourceFile


def _table(root: Path) -> list[Route]:
    facts = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        facts[rel] = route_facts(SourceFile.from_text(rel, path.read_text()))
    return build_route_table(facts)


def _labels(routes: list[Route]) -> set[str]:
    return {r.label for r in routes}


def test_fastapi_router_and_include_prefixes(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "", "app/api/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\nfrom app.api import orders\nfrom app.api.users import router as users\n\n"
                       "app = FastAPI()\napp.include_router(orders.router, prefix='/api/v1')\n"
                       "app.include_router(users, prefix='/api/v1', dependencies=[Depends(RateLimiter(times=1))])\n\n\n"
                       "@app.get('/health')\ndef health() -> dict:\n    return {}\n",
        "app/api/orders.py": "from fastapi import APIRouter, Depends, Query, Request\nfrom pydantic import BaseModel\n\n"
                             "router = APIRouter(prefix='/orders')\n\n\nclass OrderIn(BaseModel):\n    sku: str\n\n\n"
                             "@router.get('/', response_model=list[OrderIn])\n"
                             "def list_orders(status: str | None = None, size: int = Query(10, alias='page_size'),\n"
                             "                user=Depends(current_user)):\n    return []\n\n\n"
                             "@router.get('/{order_id}')\ndef get_order(order_id: str) -> OrderIn:\n    return {}\n\n\n"
                             "@router.post('/')\ndef create(order: OrderIn):\n    return order\n\n\n"
                             "@router.api_route('/raw', methods=['PUT', 'PATCH'])\nasync def raw(request: Request):\n"
                             "    return await request.json()\n",
        "app/api/users.py": "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/users')\n\n\n"
                            "@router.get('')\ndef users(q: str = ''):\n    return []\n",
    })
    routes = {r.label: r for r in _table(tmp_path)}
    assert set(routes) == {
        "GET /api/v1/orders", "GET /api/v1/orders/{order_id}", "POST /api/v1/orders", "PUT /api/v1/orders/raw",
        "PATCH /api/v1/orders/raw", "GET /api/v1/users", "GET /health",
    }
    listing = routes["GET /api/v1/orders"]
    assert listing.fact.query_params == ("status", "page_size")
    assert listing.fact.dependencies == ("current_user",)
    assert listing.where == "app/api/orders.py:12"
    assert listing.collection and not routes["GET /api/v1/orders/{order_id}"].collection
    assert routes["POST /api/v1/orders"].fact.body == "model"
    assert routes["PUT /api/v1/orders/raw"].fact.body == "raw"
    assert "RateLimiter()" in routes["GET /api/v1/users"].all_dependencies  # what RateLimiter(...) returns
    assert routes["GET /health"].ops


def test_flask_blueprints(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "shop/__init__.py": "",
        "shop/app.py": "from flask import Flask\nfrom shop.orders import bp as orders_bp\nfrom shop.users import bp\n\n"
                       "app = Flask(__name__)\napp.register_blueprint(orders_bp)\napp.register_blueprint(bp, url_prefix='/v1/people')\n",
        "shop/orders.py": "from flask import Blueprint, request\n\nbp = Blueprint('orders', __name__, url_prefix='/orders')\n\n\n"
                          "@bp.route('/', methods=['GET', 'POST'])\ndef index():\n    page = request.args.get('page')\n"
                          "    return []\n\n\n@bp.get('/<int:order_id>')\n@login_required\ndef show(order_id):\n    return {}\n",
        "shop/users.py": "from flask import Blueprint\n\nbp = Blueprint('users', __name__, url_prefix='/users')\n\n\n"
                         "@bp.route('/list')\ndef users():\n    return []\n",
    })
    routes = {r.label: r for r in _table(tmp_path)}
    assert set(routes) == {"GET /orders", "POST /orders", "GET /orders/<int:order_id>", "GET /v1/people/list"}
    assert routes["GET /orders"].fact.query_params == ("page",)
    assert routes["GET /orders/<int:order_id>"].fact.decorators == ("bp.get", "login_required")


def test_django_urls_with_include(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "proj/__init__.py": "", "shop/__init__.py": "",
        "proj/urls.py": "from django.urls import include, path, re_path\n\nurlpatterns = [\n"
                        "    path('api/v1/', include('shop.urls')),\n    re_path(r'^healthz$', health),\n"
                        "    path('admin/', include([path('stats/', stats)])),\n]\n",
        "shop/urls.py": "from django.urls import path\nfrom . import views\n\nurlpatterns = [\n"
                        "    path('orders/', views.order_list),\n    path('orders/<int:pk>/', views.OrderDetail.as_view()),\n]\n",
        "shop/views.py": "from django.views import View\n\n\ndef order_list(request):\n"
                         "    status = request.GET.get('status')\n    if request.method == 'POST':\n"
                         "        return create(request.POST)\n    return []\n\n\nclass OrderDetail(View):\n"
                         "    def get(self, request, pk):\n        return {}\n",
    })
    routes = {r.label: r for r in _table(tmp_path)}
    assert set(routes) == {"GET /api/v1/orders/", "POST /api/v1/orders/", "GET /api/v1/orders/<int:pk>/",
                           "* /healthz", "* /admin/stats/"}
    listing = routes["GET /api/v1/orders/"]
    assert listing.file == "shop/views.py" and listing.fact.query_params == ("status",)
    assert routes["POST /api/v1/orders/"].fact.body == "raw"


def test_extraction_is_memoised_per_file() -> None:
    source = SourceFile.from_text("app.py", "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/')\ndef i():\n    pass\n")
    assert route_facts(source) is route_facts(source)
    assert [r.path for r in routes_in_file(source)] == ["/"]


def test_unparsable_and_unrelated_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "def (:\n", "b.py": "import os\n\n\n@cache.get('/x')\ndef f():\n    pass\n"})
    assert _table(tmp_path) == []
