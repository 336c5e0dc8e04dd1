"""The route table and the API checks on the shapes real services declare routes in.

Each behaviour has a good and a bad example: settings prefixes, routers included in loops,
flask-restful resources, route tables as data, DRF routers and settings, HTML pages, health routes.
"""

from __future__ import annotations

from pathlib import Path

from helpers import check_status as _status
from helpers import route_table as _table
from helpers import write_tree

# -- FastAPI ------------------------------------------------------------------------------------

_SETTINGS = ("from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
             "    API_V1_STR: str = {v!r}\n\n\nsettings = Settings()\n")
_MAIN = (
    "from fastapi import FastAPI\nfrom app.api.main import api_router\nfrom app.core.config import settings\n\n"
    "app = FastAPI(openapi_url=f'{settings.API_V1_STR}/openapi.json')\napp.include_router(api_router, prefix=settings.API_V1_STR)\n"
)
_API = ("from fastapi import APIRouter\nfrom app.api.routes import items, users\n\napi_router = APIRouter()\n"
        "for r in [items.router, users.router]:\n    api_router.include_router(r)\n")
_ITEMS = (
    "from fastapi import APIRouter, Depends\nfrom app.models import ItemsPublic\nfrom app.deps import ListQuery\n\n"
    "router = APIRouter(prefix='/items')\n\n\n@router.get('', response_model=ItemsPublic)\n"
    "def read_items(q: ListQuery = Depends()):\n    return {{'data': [], 'count': 0}}\n"
)
_USERS = ("from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/users')\n\n\n@router.get('/{user_id}')\n"
          "def read_user(user_id: int) -> dict:\n    return {}\n")
_MODELS = ("from sqlmodel import SQLModel\n\n\nclass Item(SQLModel):\n    title: str\n\n\n"
           "class ItemsPublic(SQLModel):\n    data: list[Item]\n    count: int\n")


def _fastapi(root: Path, version: str, deps: str) -> None:
    write_tree(root, {
        "backend/app/__init__.py": "", "backend/app/api/__init__.py": "", "backend/app/api/routes/__init__.py": "",
        "backend/app/core/__init__.py": "", "backend/app/core/config.py": _SETTINGS.format(v=version),
        "backend/app/main.py": _MAIN, "backend/app/api/main.py": _API, "backend/app/api/routes/items.py": _ITEMS.format(),
        "backend/app/api/routes/users.py": _USERS, "backend/app/models.py": _MODELS, "backend/app/deps.py": deps,
    })


_PAGED = ("class ListQuery:\n    def __init__(self, skip: int = 0, limit: int = 100) -> None:\n"
          "        self.skip, self.limit = skip, limit\n")
_UNPAGED = "class ListQuery:\n    def __init__(self, db: Session = Depends(get_db)) -> None:\n        self.db = db\n"


def test_settings_prefix_loop_include_and_list_wrapper(tmp_path: Path) -> None:
    _fastapi(tmp_path, "/api/v1", _PAGED)
    routes = _table(tmp_path)
    assert set(routes) == {"GET /api/v1/items", "GET /api/v1/users/{user_id}"}
    items = routes["GET /api/v1/items"]
    assert items.collection and items.api  # ItemsPublic wraps a list
    assert set(items.query) == {"skip", "limit"}  # from the dependency class
    assert _status(tmp_path, "api-versioning")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)


def test_settings_prefix_without_version_and_dependency_without_paging(tmp_path: Path) -> None:
    _fastapi(tmp_path, "/api", _UNPAGED)
    assert set(_table(tmp_path)) == {"GET /api/items", "GET /api/users/{user_id}"}
    assert _status(tmp_path, "api-versioning") == ("fail", 0.0, 2)
    assert _status(tmp_path, "pagination") == ("fail", 0.0, 1)


def test_unresolved_prefix_is_not_judged(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/main.py": "from fastapi import FastAPI\nfrom app.routes import router\nfrom app.conf import conf\n\n"
                       "app = FastAPI()\napp.include_router(router, prefix=conf.prefix)\n",
        "app/routes.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/orders')\n"
                         "def orders(limit: int = 10) -> list[dict]:\n    return []\n",
        "app/__init__.py": "",
    })
    assert "GET /{?conf.prefix}/orders" in _table(tmp_path)  # shown as the code writes it
    assert _status(tmp_path, "api-versioning")[0] == "n/a"


# -- Flask --------------------------------------------------------------------------------------

_RESOURCES = (
    "from flask import request\nfrom flask_restful import Resource\n\n\nclass Orders(Resource):\n"
    "    def get(self):\n        page = request.args.get('page', 1, type=int)\n        return []\n\n"
    "    def post(self):\n        return request.get_json(), 201\n\n\nclass Order(Resource):\n"
    "    def get(self, order_id):\n        return {}\n\n\nclass Status(Resource):\n    def get(self):\n        return {'ok': True}\n"
)


def test_flask_restful_resources_on_a_blueprint(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/resources.py": _RESOURCES,
        "svc/api.py": "from flask import Blueprint\nfrom flask_restful import Api\nfrom svc.resources import Order, Orders, Status\n\n"
                      "bp = Blueprint('api', __name__)\napi = Api(bp)\napi.add_resource(Orders, '/orders')\n"
                      "api.add_resource(Order, '/orders/<int:order_id>')\napi.add_resource(Status, '/status')\n",
        "svc/app.py": "from flask import Flask\nfrom svc.api import bp\n\napp = Flask(__name__)\n"
                      "app.register_blueprint(bp, url_prefix='/api/v2')\n",
    })
    routes = _table(tmp_path)
    assert {"GET /api/v2/orders", "POST /api/v2/orders", "GET /api/v2/orders/<int:order_id>", "GET /api/v2/status"} <= set(routes)
    assert routes["GET /api/v2/orders"].where == "svc/resources.py:6"
    assert routes["POST /api/v2/orders"].fact.body == "raw"
    assert _status(tmp_path, "api-versioning")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "health-endpoint")[0] == "pass"  # /status on the API


def test_route_table_as_data_registered_by_a_helper(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "svc/__init__.py": "", "svc/resources.py": _RESOURCES,
        "svc/utils.py": "def configure(blueprint, route_tuples):\n    for path, resource in route_tuples:\n"
                        "        blueprint.add_url_rule(path, view_func=resource.as_view(resource.__name__))\n"
                        "    return blueprint\n",
        "svc/index.py": "from flask import Blueprint\nfrom svc.resources import Orders, Status\nfrom svc.utils import configure\n\n"
                        "routes = [('/orders', Orders), ('/status', Status)]\nblueprint = Blueprint('index', 'index')\n"
                        "api = configure(blueprint, routes)\n",
    })
    routes = _table(tmp_path)
    # the helper's own add_url_rule(path, ...) is not a route; the table's pairs are
    assert set(routes) == {"GET /orders", "POST /orders", "GET /status"}
    assert _status(tmp_path, "api-versioning") == ("fail", 0.0, 2)
    assert _status(tmp_path, "health-endpoint")[0] == "pass"


def test_status_deep_in_the_api_is_not_a_health_route(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/orders/<oid>/status')\n"
                  "def order_status(oid):\n    return {}\n",
    })
    assert _status(tmp_path, "health-endpoint")[0] == "fail"


def test_health_path_answered_by_middleware(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site/__init__.py": "",
        "site/middleware.py": "from django.http import HttpResponse\n\nHEALTHCHECK_PATH = '/healthcheck'\n\n\n"
                              "class Healthcheck:\n    def __init__(self, get_response):\n"
                              "        self.get_response = get_response\n\n    def __call__(self, request):\n"
                              "        if request.path == HEALTHCHECK_PATH:\n            return HttpResponse('ok')\n"
                              "        return self.get_response(request)\n",
        "site/urls.py": "from django.urls import path\nfrom site import views\n\nurlpatterns = [path('', views.index)]\n",
        "site/views.py": "from django.shortcuts import render\n\n\ndef index(request):\n    return render(request, 'index.html')\n",
    })
    assert _status(tmp_path, "health-endpoint")[0] == "pass"


# -- Django and DRF ------------------------------------------------------------------------------

_DRF_VIEWS = (
    "from rest_framework import viewsets, generics\n\n\nclass ProductViewSet(viewsets.ModelViewSet):\n"
    "    queryset = Product.objects.all()\n    serializer_class = ProductSerializer\n\n\n"
    "class TagList(generics.ListAPIView):\n    queryset = Tag.objects.all()\n    pagination_class = {tags}\n"
)
_DRF_URLS = (
    "from django.urls import include, path, re_path\nfrom rest_framework.routers import DefaultRouter\nfrom shop import views\n\n"
    "router = DefaultRouter()\nrouter.register(r'products', views.ProductViewSet)\n\n"
    "urlpatterns = [\n    path({prefix!r}, include(router.urls)),\n    re_path(r'^tags/$', views.TagList.as_view()),\n"
    "    path('', views_html.home),\n]\n"
)
_DRF_SETTINGS = "REST_FRAMEWORK = {{\n    'DEFAULT_PAGINATION_CLASS': {pagination},\n    'PAGE_SIZE': 50,\n}}\n"


def _drf(root: Path, prefix: str, pagination: str, tags: str) -> None:
    write_tree(root, {
        "shop/__init__.py": "", "shop/views.py": _DRF_VIEWS.format(tags=tags),
        "shop/urls.py": _DRF_URLS.format(prefix=prefix), "shop/settings.py": _DRF_SETTINGS.format(pagination=pagination),
        "shop/views_html.py": "from django.shortcuts import render\n\n\ndef home(request):\n    return render(request, 'home.html')\n",
    })


def test_drf_router_under_a_version_with_default_pagination(tmp_path: Path) -> None:
    _drf(tmp_path, "api/v1/", "'rest_framework.pagination.LimitOffsetPagination'", "'TagPagination'")
    routes = _table(tmp_path)
    assert {"GET /api/v1/products/", "POST /api/v1/products/", "GET /api/v1/products/{pk}/",
            "DELETE /api/v1/products/{pk}/", "GET /tags/"} <= set(routes)
    assert routes["GET /api/v1/products/"].collection
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)


def test_drf_router_splatted_into_an_include_list_with_typed_viewsets(tmp_path: Path) -> None:
    """``[*router.urls, ...]`` inside ``include([...])`` under ``^api/``, viewsets written ``ModelViewSet[Tag]``."""
    write_tree(tmp_path, {
        "shop/__init__.py": "",
        "shop/views.py": "from rest_framework.viewsets import ModelViewSet\n\n\nclass TagViewSet(ModelViewSet[Tag]):\n"
                         "    queryset = Tag.objects.all()\n    serializer_class = TagSerializer\n",
        "shop/urls.py": "from django.urls import include, re_path\nfrom rest_framework.routers import DefaultRouter\n"
                        "from shop.views import TagViewSet\n\nrouter = DefaultRouter()\nrouter.register(r'tags', TagViewSet)\n\n"
                        "urlpatterns = [\n    re_path(r'^api/', include([\n        *router.urls,\n    ])),\n]\n",
    })
    routes = _table(tmp_path)
    assert {"GET /api/tags/", "POST /api/tags/", "GET /api/tags/{pk}/", "DELETE /api/tags/{pk}/"} <= set(routes)
    assert routes["GET /api/tags/"].collection


def test_drf_http_method_names_limit_the_routes_a_viewset_answers(tmp_path: Path) -> None:
    """``http_method_names = ['get', 'patch']`` on a viewset (or a base it inherits): no POST, PUT or DELETE
    route exists, so no write check or rate limit judges one; a generic view is limited alike."""
    write_tree(tmp_path, {
        "shop/__init__.py": "",
        "shop/views.py": "from rest_framework import generics, viewsets\n\n\n"
                         "class ReadPatch(viewsets.ModelViewSet):\n    http_method_names = ['get', 'patch']\n\n\n"
                         "class UserViewSet(ReadPatch):\n    queryset = User.objects.all()\n\n\n"
                         "class TagViewSet(viewsets.ModelViewSet):\n    queryset = Tag.objects.all()\n\n\n"
                         "class Notes(generics.ListCreateAPIView):\n    http_method_names = ['get']\n",
        "shop/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n"
                        "from shop import views\n\nrouter = DefaultRouter()\nrouter.register(r'users', views.UserViewSet)\n"
                        "router.register(r'tags', views.TagViewSet)\n\n"
                        "urlpatterns = [path('api/', include(router.urls)), path('api/notes/', views.Notes.as_view())]\n",
    })
    routes = set(_table(tmp_path))
    assert {"GET /api/users/", "GET /api/users/{pk}/", "PATCH /api/users/{pk}/", "GET /api/notes/"} <= routes
    assert not {"POST /api/users/", "PUT /api/users/{pk}/", "DELETE /api/users/{pk}/", "POST /api/notes/"} & routes
    assert {"POST /api/tags/", "DELETE /api/tags/{pk}/"} <= routes  # a viewset without the attribute answers all


def test_django_pattern_built_from_a_module_constant(tmp_path: Path) -> None:
    """``rf"{USER_PATH}/inbox/?$"`` with ``USER_PATH = rf"^user/(?P<username>{regex.NAME})"`` in the module: the
    constant's text is part of the route (its own formatted piece left out); a deployment prefix from settings
    is still left out."""
    write_tree(tmp_path, {
        "social/__init__.py": "", "social/regex.py": "NAME = r'[\\w.]+'\n",
        "social/views.py": "from django.http import JsonResponse\n\n\ndef inbox(request, username=None):\n"
                           "    return JsonResponse({})\n",
        "social/urls.py": "from django.conf import settings\nfrom django.urls import re_path\n\nfrom social import regex, views\n\n"
                          "USER_PATH = rf'^user/(?P<username>{regex.NAME})'\n\n"
                          "urlpatterns = [\n    re_path(r'^inbox/?$', views.inbox),\n"
                          "    re_path(rf'{USER_PATH}/inbox/?$', views.inbox),\n"
                          "    re_path(rf'{settings.PREFIX}status/?$', views.inbox),\n]\n",
    })
    assert set(_table(tmp_path)) == {"GET /inbox/?", "GET /user/(?P<username>)/inbox/?", "GET /status/?"}


def test_fastapi_admin_api_mounted_through_a_package_with_dependency_chains(tmp_path: Path) -> None:
    """An admin JSON API mounted at ``/admin/api`` from an app a package ``__init__`` re-exports by absolute
    import; list routes answer ``PaginatedResults[Item]`` (a generic model wrapping a list) and page and sort
    through dependencies of dependencies, one a callable class instance (``Depends(OrderingGetter())``)."""
    write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/main.py": "from fastapi import FastAPI\n\nfrom svc.apps import api_app\n\napp = FastAPI()\n"
                       "app.mount('/admin/api', api_app)\n",
        "svc/apps/__init__.py": "from svc.apps.api.app import app as api_app\n\n__all__ = ['api_app']\n",
        "svc/apps/api/__init__.py": "",
        "svc/apps/api/app.py": "from fastapi import FastAPI\n\nfrom svc.apps.api.hooks import router\n\napp = FastAPI()\n"
                               "app.include_router(router, prefix='/webhooks')\n",
        "svc/apps/api/hooks.py": "from fastapi import APIRouter, Depends\n\nfrom svc.deps.hooks import get_paginated_hooks\n"
                                 "from svc.schemas import Hook, PaginatedResults\n\nrouter = APIRouter()\n\n\n"
                                 "@router.get('/', response_model=PaginatedResults[Hook])\n"
                                 "async def list_hooks(page=Depends(get_paginated_hooks)) -> PaginatedResults[Hook]:\n"
                                 "    hooks, count = page\n    return PaginatedResults(count=count, results=hooks)\n",
        "svc/schemas.py": "from typing import Generic, TypeVar\n\nfrom pydantic import BaseModel\n\nT = TypeVar('T')\n\n\n"
                          "class Hook(BaseModel):\n    url: str\n\n\n"
                          "class PaginatedResults(BaseModel, Generic[T]):\n    count: int\n    results: list[T]\n",
        "svc/deps/__init__.py": "",
        "svc/deps/paging.py": "from fastapi import Depends, Query\n\n\n"
                              "async def get_pagination(limit: int = Query(10), skip: int = Query(0)):\n"
                              "    return min(limit, 100), skip\n\n\n"
                              "async def get_raw_ordering(ordering: str = Query(None)):\n"
                              "    return ordering.split(',') if ordering else []\n\n\n"
                              "class OrderingGetter:\n    async def __call__(self, raw=Depends(get_raw_ordering)):\n"
                              "        return raw\n",
        "svc/deps/hooks.py": "from fastapi import Depends\n\nfrom svc.deps.paging import OrderingGetter, get_pagination\n\n\n"
                             "async def get_paginated_hooks(pagination=Depends(get_pagination),\n"
                             "                              ordering=Depends(OrderingGetter())):\n    return [], 0\n",
    })
    route = _table(tmp_path)["GET /admin/api/webhooks"]
    assert route.collection and route.left_out == ""
    assert {"limit", "skip", "ordering"} <= set(route.query)
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "filtering-sorting")[:2] == ("pass", 1.0)


_JSONAPI = {
    "app/__init__.py": "", "app/api/__init__.py": "",
    "app/api/bootstrap.py": "from flask import Blueprint\nfrom flask import current_app as app\n"
                            "from flask_rest_jsonapi import Api\n\napi_v1 = Blueprint('v1', __name__, url_prefix='/v1')\n"
                            "api = Api(app, api_v1)\n",
    "app/api/events.py": "from flask_rest_jsonapi import ResourceDetail, ResourceList\n\n\n"
                         "class EventList(ResourceList):\n    schema = EventSchema\n\n\n"
                         "class EventDetail(ResourceDetail):\n    methods = ['GET', 'PATCH']\n    schema = EventSchema\n",
    "app/api/routes.py": "from app.api.bootstrap import api\nfrom app.api.events import EventDetail, EventList\n\n"
                         "api.route(EventList, 'event_list', '/events', '/users/<int:user_id>/events')\n"
                         "api.route(EventDetail, 'event_detail', '/events/<int:id>')\n",
    "app/instance.py": "from flask import Flask\n\nfrom app.api.bootstrap import api_v1\n\napp = Flask(__name__)\n"
                       "app.register_blueprint(api_v1)\n",
}


def test_flask_rest_jsonapi_resources_answer_what_their_library_class_does(tmp_path: Path) -> None:
    """``api.route(EventList, "event_list", "/events", ...)`` on a flask-rest-jsonapi ``Api(app, blueprint)``: a
    ResourceList lists (paged, filtered, sorted by the library) and creates, a ResourceDetail reads, updates and
    deletes, unless ``methods`` says less; the blueprint's prefix applies and the schema validates bodies."""
    write_tree(tmp_path, _JSONAPI)
    routes = _table(tmp_path)
    assert {"GET /v1/events", "POST /v1/events", "GET /v1/users/<int:user_id>/events", "GET /v1/events/<int:id>",
            "PATCH /v1/events/<int:id>"} <= set(routes)
    assert "DELETE /v1/events/<int:id>" not in routes  # methods = ['GET', 'PATCH']
    assert routes["GET /v1/events"].collection and routes["POST /v1/events"].fact.body == "model"
    for check in ("pagination", "filtering-sorting", "query-validation", "api-versioning"):
        assert _status(tmp_path, check)[:2] == ("pass", 1.0), check


def test_django_app_ready_appending_its_router_to_the_urlpatterns(tmp_path: Path) -> None:
    """An app's ``ready()`` that appends ``path("api/v1/", include(router.urls))`` to the project's urlpatterns
    serves its router under that prefix."""
    write_tree(tmp_path, {
        "proj/__init__.py": "", "proj/urls.py": "urlpatterns = []\n",
        "stats/__init__.py": "",
        "stats/api.py": "from rest_framework import viewsets\n\n\nclass SystemStats(viewsets.ViewSet):\n"
                        "    def list(self, request):\n        return None\n",
        "stats/routers.py": "from rest_framework.routers import DefaultRouter\n\nfrom stats.api import SystemStats\n\n"
                            "router = DefaultRouter()\nrouter.register('stats/system', SystemStats, basename='stats')\n",
        "stats/apps.py": "from django.apps import AppConfig\nfrom django.urls import include, path\n\n"
                         "from stats.routers import router\n\n\nclass StatsConfig(AppConfig):\n    name = 'stats'\n\n"
                         "    def ready(self):\n        from proj.urls import urlpatterns\n"
                         "        urlpatterns.append(path('api/v1/', include(router.urls)))\n",
    })
    assert "GET /api/v1/stats/system/" in set(_table(tmp_path))


def test_drf_pagination_switched_off_and_no_default(tmp_path: Path) -> None:
    _drf(tmp_path, "products-api/", "None", "None")
    status, score, findings = _status(tmp_path, "pagination")
    assert (status, findings) == ("fail", 2)


def test_html_site_is_not_an_api(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site/__init__.py": "",
        "site/urls.py": "from django.urls import path\nfrom site import views\n\nurlpatterns = [\n"
                        "    path('providers', views.providers),\n    path('eligibility/confirm', views.Confirm.as_view()),\n]\n",
        "site/views.py": "from django.shortcuts import render\nfrom django.views.generic import FormView\n\n\n"
                         "def providers(request):\n"
                         "    return render(request, 'providers.html', {'providers': Provider.objects.all()})\n\n\n"
                         "class Confirm(FormView):\n    template_name = 'confirm.html'\n",
    })
    for check in ("api-versioning", "pagination", "rate-limiting", "filtering-sorting"):
        status, _, findings = _status(tmp_path, check)
        assert (status, findings) == ("n/a", 0), check


def test_json_views_of_the_same_site_are_judged(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site/__init__.py": "",
        "site/urls.py": "from django.urls import path\nfrom site import views\n\nurlpatterns = [path('providers', views.providers)]\n",
        "site/views.py": "from django.http import JsonResponse\n\n\n"
                         "def providers(request):\n    return JsonResponse({'providers': list(Provider.objects.values())})\n",
    })
    assert _status(tmp_path, "api-versioning") == ("fail", 0.0, 1)
    assert _status(tmp_path, "pagination") == ("fail", 0.0, 1)


# -- blueprints handed to a factory, shared request parsers, validating decorators ---------------

_FACTORY = (
    "from flask import Flask\n\nAPI_VERSION = {version}\n\n\ndef create_app(blueprints):\n    app = Flask(__name__)\n"
    "    for bp in blueprints:\n        app.register_blueprint(bp, url_prefix=f'/api/{{API_VERSION}}')\n    return app\n"
)
_PARSERS = (
    "from flask_restful.reqparse import RequestParser\n\npaginated_parser = RequestParser()\n"
    "paginated_parser.add_argument('count', type=int, default=10, location='args')\n"
    "paginated_parser.add_argument('page', type=int, default=1, location='args')\n"
    "paginated_parser.add_argument('sortBy', type=str, location='args')\n"
)
_CERTS = (
    "from flask import Blueprint\nfrom flask_restful import Api, Resource\nfrom svc.parsers import {parser}\n"
    "from svc.schema import validate_schema\n\nmod = Blueprint('certificates', __name__)\napi = Api(mod)\n\n\n"
    "class Certificates(Resource):\n    def get(self):\n        args = {parser}.copy().parse_args()\n"
    "        return service.render(args)\n\n"
    "    @validate_schema(certificate_input_schema, certificate_output_schema)\n    def post(self, data=None):\n"
    "        return service.create(**data)\n\n\napi.add_resource(Certificates, '/certificates', endpoint='certificates')\n"
)


def _factory(root: Path, version: str, parser: str) -> None:
    parsers = _PARSERS if parser == "paginated_parser" else \
        "from flask_restful.reqparse import RequestParser\n\nplain_parser = RequestParser()\n"
    write_tree(root, {
        "svc/__init__.py": "", "svc/factory.py": _FACTORY.format(version=version), "svc/parsers.py": parsers,
        "svc/schema.py": "def validate_schema(input_schema, output_schema):\n    return lambda f: f\n",
        "svc/certificates.py": _CERTS.format(parser=parser),
    })


def test_blueprints_registered_in_a_loop_with_a_version_constant(tmp_path: Path) -> None:
    _factory(tmp_path, "1", "paginated_parser")
    routes = _table(tmp_path)
    assert {"GET /api/1/certificates", "POST /api/1/certificates"} <= set(routes)
    assert {"page", "count", "sortBy"} <= set(routes["GET /api/1/certificates"].query)
    assert _status(tmp_path, "api-versioning")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "filtering-sorting")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "query-validation")[:2] == ("pass", 1.0)  # @validate_schema on the write


def test_blueprints_registered_in_a_loop_without_version_or_parser(tmp_path: Path) -> None:
    _factory(tmp_path, "'internal'", "plain_parser")
    assert "GET /api/{?API_VERSION}/certificates" in _table(tmp_path)  # a prefix that is not a path stays unknown
    assert _status(tmp_path, "api-versioning")[0] == "n/a"
    assert _status(tmp_path, "pagination") == ("fail", 0.0, 1)


def test_django_url_lists_imported_and_prefixed_with_format(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "proj/__init__.py": "", "shop/__init__.py": "",
        "shop/urls.py": "from django.urls import re_path\nfrom shop import views\n\n"
                        "urlpatterns = [re_path(r'^orders/$', views.orders)]\n",
        "shop/views.py": "from django.http import JsonResponse\n\n\ndef orders(request):\n    return JsonResponse({'orders': []})\n",
        "proj/urls.py": "from django.conf import settings\nfrom django.urls import include, re_path\n"
                        "from shop.urls import urlpatterns as shop_urls\n\nur = []\nif settings.SHOP:\n    ur += shop_urls\n\n"
                        "urlpatterns = [re_path(r'^{}api/v2/'.format(settings.URL_PREFIX), include(ur))]\n",
    })
    assert "GET /api/v2/orders/" in _table(tmp_path)
    assert _status(tmp_path, "api-versioning")[:2] == ("pass", 1.0)


def _alerts(root: Path, body: str) -> None:
    write_tree(root, {
        "svc/__init__.py": "",
        "svc/views.py": "from flask import Blueprint, jsonify, request\nfrom svc.paging import Page\nfrom svc import qb, db\n\n"
                        "api = Blueprint('api', __name__)\n\n\n@api.route('/alerts', methods=['GET'])\ndef search_alerts():\n"
                        f"{body}\n",
    })


def test_query_string_handed_to_a_paging_helper_and_a_query_builder(tmp_path: Path) -> None:
    _alerts(tmp_path, "    query = qb.alerts.from_params(request.args)\n    paging = Page.from_params(request.args, 100)\n"
                      "    return jsonify(alerts=db.find(query, page=paging.page, page_size=paging.page_size))")
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)
    assert _status(tmp_path, "filtering-sorting")[:2] == ("pass", 1.0)


def test_query_string_only_counted(tmp_path: Path) -> None:
    _alerts(tmp_path, "    return jsonify(alerts=db.find_all(), total=len(request.args))")
    assert _status(tmp_path, "pagination") == ("fail", 0.0, 1)
    assert _status(tmp_path, "filtering-sorting") == ("fail", 0.0, 1)


def _site(root: Path, pages: int, json_prefix: str) -> None:
    views = "from django.http import JsonResponse\nfrom django.shortcuts import render\n\n\n"
    views += "".join(f"def page{i}(request):\n    return render(request, 'p{i}.html')\n\n\n" for i in range(pages))
    views += "def token(request):\n    return JsonResponse({'token': 'x'})\n"
    urls = "from django.urls import path\nfrom site import views\n\nurlpatterns = [\n"
    urls += "".join(f"    path('step{i}', views.page{i}),\n" for i in range(pages))
    urls += f"    path('{json_prefix}token', views.token),\n]\n"
    write_tree(root, {"site/__init__.py": "", "site/views.py": views, "site/urls.py": urls})


def test_json_helper_of_a_server_rendered_site_is_not_an_api(tmp_path: Path) -> None:
    _site(tmp_path, 12, "")
    status, _, findings = _status(tmp_path, "api-versioning")
    assert (status, findings) == ("n/a", 0)
    assert _status(tmp_path, "rate-limiting") == ("fail", 0.0, 1)  # the helper still wants a limit


def test_json_route_under_an_api_prefix_is_judged(tmp_path: Path) -> None:
    _site(tmp_path, 12, "api/")
    assert _status(tmp_path, "api-versioning") == ("fail", 0.0, 1)


def _django_api(root: Path, middleware: str) -> None:
    write_tree(root, {
        "proj/__init__.py": "",
        "proj/settings.py": f"MIDDLEWARE = [\n    'django.middleware.common.CommonMiddleware',\n    {middleware!r},\n]\n",
        "proj/urls.py": "from django.urls import path\nfrom proj import views\n\n"
                        "urlpatterns = [path('api/v1/orders/<int:pk>', views.order)]\n",
        "proj/views.py": "from django.http import JsonResponse\n\n\ndef order(request, pk):\n    return JsonResponse({'id': pk})\n",
    })


def test_throttling_middleware_in_django_settings(tmp_path: Path) -> None:
    _django_api(tmp_path, "proj.middleware.ThrottleIpMiddleware")
    assert _status(tmp_path, "rate-limiting")[:2] == ("pass", 1.0)


def test_other_middleware_is_not_a_rate_limit(tmp_path: Path) -> None:
    _django_api(tmp_path, "proj.middleware.TimingMiddleware")
    assert _status(tmp_path, "rate-limiting") == ("fail", 0.0, 1)


def test_blueprints_built_by_factory_functions_get_their_registered_prefix(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "web/__init__.py": ("from flask import Flask\n\nfrom web import api, col\nfrom web.admin import make_blueprint as admin_bp\n\n\n"
                            "def create_app(config):\n    app = Flask(__name__)\n"
                            "    app.register_blueprint(col.make_blueprint(), url_prefix='/col')\n"
                            "    app.register_blueprint(admin_bp(config), url_prefix='/admin')\n"
                            "    api_blueprint = api.make_blueprint(config)\n"
                            "    app.register_blueprint(api_blueprint, url_prefix='/api/v1')\n    return app\n"),
        "web/api.py": ("from flask import Blueprint, jsonify\n\n\ndef make_blueprint(config):\n    api = Blueprint('api', __name__)\n\n"
                       "    @api.route('/sources')\n    def sources():\n        return jsonify(all_sources())\n\n    return api\n"),
        "web/col.py": ("from flask import Blueprint, render_template\n\n\ndef make_blueprint():\n    view = Blueprint('col', __name__)\n\n"
                       "    @view.route('/<sid>')\n    def col(sid):\n        return render_template('col.html')\n\n    return view\n"),
        "web/admin.py": ("from flask import Blueprint, render_template\n\n\ndef make_blueprint(config):\n"
                         "    view = Blueprint('admin', __name__)\n\n    @view.route('/users')\n    def users():\n"
                         "        return render_template('users.html')\n\n    return view\n"),
    })
    assert set(_table(tmp_path)) == {"GET /api/v1/sources", "GET /col/<sid>", "GET /admin/users"}


def test_throttled_token_views_inherit_their_handlers(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "docs/__init__.py": "",
        "docs/views.py": ("from rest_framework.authtoken.views import ObtainAuthToken\nfrom rest_framework.throttling "
                          "import ScopedRateThrottle\nfrom third_party.views import ExportView\n\n\n"
                          "class TokenView(ObtainAuthToken):\n    throttle_classes = [ScopedRateThrottle]\n"
                          "    throttle_scope = 'login'\n\n\nclass Export(ExportView):\n    throttle_classes = [ScopedRateThrottle]\n\n\n"
                          "class Plain(ExportView):\n    template_name = 'x.html'\n"),
        "docs/urls.py": ("from django.urls import path\n\nfrom docs.views import Export, Plain, TokenView\n\n"
                         "urlpatterns = [path('api/token/', TokenView.as_view()), path('api/export/', Export.as_view()),\n"
                         "               path('api/plain/', Plain.as_view())]\n"),
    })
    routes = _table(tmp_path)
    assert routes["POST /api/token/"].fact.body == "model"  # the credentials go through the token serializer
    assert "throttle_classes" in routes["POST /api/token/"].fact.calls
    assert "throttle_classes" in routes["* /api/export/"].fact.calls  # handlers from an unknown library class
    assert "throttle_classes" not in routes["* /api/plain/"].fact.calls


def test_views_registered_through_a_project_helper_around_add_url_rule(tmp_path: Path) -> None:
    """``register_view(bp, routes=[...], view_func=View.as_view("name"))``: a helper in another module calls
    ``add_url_rule`` for each path; Flask's ``view_func`` keyword and the module's blueprint make them routes."""
    write_tree(tmp_path, {
        "forum/__init__.py": "",
        "forum/helpers.py": "def register_view(bp, routes, view_func, *args, **kwargs):\n    for route in routes:\n"
                            "        bp.add_url_rule(route, view_func=view_func, *args, **kwargs)\n",
        "forum/views.py": "from flask import Blueprint, jsonify\nfrom flask.views import MethodView\n\n"
                          "from forum.helpers import register_view\n\nforum = Blueprint('forum', __name__)\n\n\n"
                          "class Topics(MethodView):\n    def get(self, forum_id):\n        return jsonify([])\n\n\n"
                          "def ping():\n    return 'ok'\n\n\n"
                          "register_view(forum, routes=['/forum/<int:forum_id>', '/forum/<int:forum_id>-<slug>'],\n"
                          "              view_func=Topics.as_view('topics'))\n"
                          "register_view(forum, ['/ping'], view_func=ping)\n"
                          "log_view(forum, 'not a path', view_func=ping)\n",
        "forum/app.py": "from flask import Flask\nfrom forum.views import forum\n\napp = Flask(__name__)\n"
                        "app.register_blueprint(forum, url_prefix='/f')\n",
    })
    routes = _table(tmp_path)
    assert {"GET /f/forum/<int:forum_id>", "GET /f/forum/<int:forum_id>-<slug>", "GET /f/ping"} <= set(routes)
    assert routes["GET /f/ping"].where == "forum/views.py:20"
    assert not any("not a path" in r for r in routes)


def test_django_urls_package_that_gathers_its_modules_lists(tmp_path: Path) -> None:
    """``path("api/v1/", include("svc.api.urls"))`` where ``svc/api/urls/__init__.py`` only unpacks the lists
    of its modules (``urlpatterns = [*asset_patterns, *cycle_patterns]``): the routes keep the prefix."""
    view = ("from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
            "class Things(APIView):\n    def get(self, request):\n        return Response([])\n")
    write_tree(tmp_path, {
        "api/svc/__init__.py": "",
        "api/svc/urls.py": "from django.urls import include, path\n\n"
                           "urlpatterns = [path('api/v1/', include('svc.api.urls'))]\n",
        "api/svc/views.py": view,
        "api/svc/api/__init__.py": "",
        "api/svc/api/urls/__init__.py": "from .asset import urlpatterns as asset_patterns\n"
                                        "from .cycle import urlpatterns as cycle_patterns\n\n"
                                        "urlpatterns = [\n    *asset_patterns,\n    *cycle_patterns,\n]\n",
        "api/svc/api/urls/asset.py": "from django.urls import path\nfrom svc.views import Things\n\n"
                                     "urlpatterns = [path('assets/', Things.as_view())]\n",
        "api/svc/api/urls/cycle.py": "from django.urls import path\nfrom svc.views import Things\n\n"
                                     "urlpatterns = [path('cycles/<uuid:pk>/', Things.as_view())]\n",
        "api/requirements.txt": "django\ndjangorestframework\n",
    })
    assert {"GET /api/v1/assets/", "GET /api/v1/cycles/<uuid:pk>/"} <= set(_table(tmp_path))
    assert _status(tmp_path, "api-versioning")[:2] == ("pass", 1.0)


def test_the_apis_own_description_is_documentation(tmp_path: Path) -> None:
    """drf-spectacular's schema and Swagger UI views (``api/schema/swagger-ui/``) describe the API; they are
    docs routes, left out of the API checks like ``/docs``."""
    write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/urls.py": "from django.urls import path\nfrom drf_spectacular.views import SpectacularAPIView, "
                       "SpectacularSwaggerView\nfrom svc.views import Things\n\nurlpatterns = [\n"
                       "    path('api/v2/things/', Things.as_view()),\n"
                       "    path('api/schema/', SpectacularAPIView.as_view()),\n"
                       "    path('api/schema/swagger-ui/', SpectacularSwaggerView.as_view(url_name='schema')),\n"
                       "    path('api/v2/description/', SpectacularAPIView.as_view()),\n]\n",
        "svc/views.py": "from rest_framework.response import Response\nfrom rest_framework.throttling import "
                        "UserRateThrottle\nfrom rest_framework.views import APIView\n\n\nclass Things(APIView):\n"
                        "    throttle_classes = [UserRateThrottle]\n\n    def get(self, request):\n"
                        "        return Response([])\n",
        "requirements.txt": "django\ndjangorestframework\ndrf-spectacular\n",
    })
    routes = _table(tmp_path)
    assert not routes["GET /api/v2/things/"].ops
    assert all(routes[label].ops for label in routes if "schema" in label or "description" in label)
    assert _status(tmp_path, "rate-limiting")[:2] == ("pass", 1.0)


def test_a_viewset_bound_to_a_name_before_its_path_keeps_its_class(tmp_path: Path) -> None:
    """``event_list = EventViewSet.as_view({"get": "list"})`` then ``path("events/", event_list)``: the route
    is the viewset's, with its pagination class."""
    write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/urls.py": "from django.urls import path\nfrom svc import views\n\n"
                       "event_list = views.EventViewSet.as_view({'get': 'list'})\n\n"
                       "urlpatterns = [path('api/v2/events/', event_list)]\n",
        "svc/views.py": "from rest_framework import mixins, viewsets\nfrom rest_framework.pagination import CursorPagination\n\n\n"
                        "class EventPagination(CursorPagination):\n    ordering = '-timestamp'\n\n\n"
                        "class EventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                        "    pagination_class = EventPagination\n    queryset = Event.objects.all()\n",
        "requirements.txt": "django\ndjangorestframework\n",
    })
    routes = _table(tmp_path)
    assert any(label.endswith("/api/v2/events/") for label in routes), sorted(routes)
    assert _status(tmp_path, "pagination")[:2] == ("pass", 1.0)


# -- Django URL lists built by calls -----------------------------------------------------------

_I18N_URLS = (
    "from django.conf.urls.i18n import i18n_patterns\nfrom django.urls import include, path\n"
    "from django.views.generic import TemplateView\n\nfrom site.utils import decorated_patterns\n"
    "from site import views\n\n"
    "map_urls = [path('map/<int:pk>/update/', views.MapUpdate.as_view(), name='map_update')]\n"
    "i18n_urls = [path('login/', views.login, name='login')]\n"
    "i18n_urls += decorated_patterns([views.can_edit], *map_urls)\n"
    "urlpatterns = i18n_patterns(path('search/', views.search), path('', include(i18n_urls)))\n"
    "urlpatterns += [path('api', TemplateView.as_view(template_name='api.html'), name='api')]\n"
)


def test_django_urls_built_by_calls_and_template_pages(tmp_path: Path) -> None:
    write_tree(tmp_path, {"site/__init__.py": "", "site/urls.py": _I18N_URLS})
    routes = {r.path: r for r in _table(tmp_path).values()}
    assert {"/map/<int:pk>/update/", "/login/", "/search/", "/api"} <= set(routes)
    assert not routes["/api"].api  # a template page about the API is no API route
