"""API checks on small repositories, through the real engine and the CLI."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_json, scan_tree, write_tree

API = ["api-versioning", "pagination", "rate-limiting", "filtering-sorting"]

_ORDERS = (
    "from fastapi import APIRouter, Depends\nfrom fastapi_limiter.depends import RateLimiter\n\n"
    "router = APIRouter(prefix='/orders')\n\n\n"
    "@router.get('', dependencies=[Depends(RateLimiter(times=5, seconds=1))])\n"
    "def list_orders(limit: int = 50, offset: int = 0, status: str | None = None) -> list[dict]:\n"
    "    return find_orders(limit, offset, status)\n\n\n"
    "@router.get('/{order_id}')\ndef get_order(order_id: str) -> dict:\n    return {}\n\n\n"
    "@router.get('/{order_id}/lines')\ndef lines(order_id: str) -> list[dict]:\n    return []\n"
)


def _service(root: Path, prefix: str) -> None:
    write_tree(root, {
        "app/__init__.py": "", "app/routes/__init__.py": "",
        "app/main.py": "from fastapi import FastAPI\nfrom app.routes.orders import router\n\napp = FastAPI()\n"
                       f"app.include_router(router, prefix={prefix!r})\n\n\n@app.get('/healthz')\ndef health() -> dict:\n"
                       "    return {}\n",
        "app/routes/orders.py": _ORDERS,
    })


def test_shares_are_explained(tmp_path: Path) -> None:
    _service(tmp_path, "/api/v1")
    result = scan_tree(tmp_path, select=API)
    assert check_result(result, "api-versioning").summary == "3 of 3 routes are versioned"
    assert check_result(result, "pagination").summary == "1 of 2 list endpoints paginate"
    assert check_result(result, "filtering-sorting").summary == "1 of 2 list endpoints filter or sort"
    assert check_result(result, "rate-limiting").summary == "1 of 3 routes are rate limited"
    pagination = [f for f in result.findings if f.check == "pagination"]
    assert [(f.path, f.line) for f in pagination] == [("app/routes/orders.py", 18)]
    assert "GET /api/v1/orders/{order_id}/lines" in pagination[0].message


def test_unversioned_routes_via_cli(tmp_path: Path) -> None:
    _service(tmp_path, "/api")
    data = scan_json(tmp_path, "--select", "api-versioning")
    check = next(c for c in data["checks"] if c["id"] == "api-versioning")
    assert check["status"] == "fail" and check["score"] == 0.0
    assert sorted(f["line"] for f in data["findings"]) == [8, 13, 18]


def test_global_rate_limit_covers_every_route(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app.py": "from flask import Flask\nfrom flask_limiter import Limiter\nfrom flask_limiter.util import get_remote_address\n\n"
                  "app = Flask(__name__)\nlimiter = Limiter(get_remote_address, app=app, default_limits=['200 per day'])\n\n\n"
                  "@app.route('/a')\ndef a():\n    return []\n\n\n@app.route('/b', methods=['POST'])\ndef b():\n    return {}\n",
    })
    outcome = check_result(scan_tree(tmp_path, select=["rate-limiting"]), "rate-limiting")
    assert outcome.status == "pass"
    assert outcome.summary == "2 routes covered by Flask-Limiter default limits"


def test_django_routes(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "proj/__init__.py": "", "shop/__init__.py": "",
        "proj/urls.py": "from django.urls import include, path\n\nurlpatterns = [path('api/v2/', include('shop.urls'))]\n",
        "shop/urls.py": "from django.urls import path\nfrom shop import views\n\nurlpatterns = [\n"
                        "    path('orders/', views.orders),\n    path('orders/<int:pk>/', views.order),\n]\n",
        "shop/views.py": "from django.core.paginator import Paginator\nfrom django_ratelimit.decorators import ratelimit\n\n\n"
                         "@ratelimit(key='ip', rate='10/m')\ndef orders(request):\n"
                         "    page = Paginator(Order.objects.all(), 50).get_page(request.GET.get('page'))\n"
                         "    return page\n\n\ndef order(request, pk):\n    return {}\n",
    })
    result = scan_tree(tmp_path, select=API)
    assert check_result(result, "api-versioning").summary == "2 of 2 routes are versioned"
    assert check_result(result, "pagination").status == "pass"
    assert check_result(result, "rate-limiting").summary == "1 of 2 routes are rate limited"
    assert [(f.path, f.line) for f in result.findings if f.check == "rate-limiting"] == [("shop/views.py", 11)]


def test_no_routes_is_not_applicable(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": ""})
    result = scan_tree(tmp_path, select=API)
    assert [check_result(result, c).status for c in API] == ["n/a"] * 4
    lib = tmp_path / "lib"
    write_tree(lib, {"mylib/core.py": "import requests\n\n\ndef get(request):\n    return request.args\n"})
    result = scan_tree(lib, select=API)
    assert [check_result(result, c).status for c in API] == ["n/a"] * 4
    assert result.findings == ()


def test_tests_do_not_define_routes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"tests/test_app.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/items')\n"
                                                 "def items() -> list[int]:\n    return []\n"})
    assert check_result(scan_tree(tmp_path, select=["pagination"]), "pagination").status == "n/a"
