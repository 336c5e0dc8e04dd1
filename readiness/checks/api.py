"""API checks: versioning, pagination, rate limiting, filtering and sorting.

Each is a share of the routes in the project's route table (``readiness.routes``): FastAPI,
Flask and Django routes with their full paths, across routers, blueprints and ``include()``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from readiness.checks.base import Check, Collected, Example, FileOutcome, Verdict
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Share
from readiness.model import Evidence, Finding
from readiness.paths import is_application_path
from readiness.project import Project
from readiness.repo_files import repo_files
from readiness.roles import INFRASTRUCTURE, SERVICE, path_role
from readiness.routes import (
    IDLE_PARAM,
    LIMITED_OWNER,
    PAGINATION_PARAMS,
    ROUTE_NEEDLES,
    VERSION_SEGMENT,
    FileRoutes,
    Route,
    call_name,
    dotted,
    facts_of,
    route_facts,
    route_table,
    routes_worth_keeping,
    unresolved,
)
from readiness.source import SourceFile

_VERSION_HEADERS = frozenset({"api-version", "x-api-version", "accept-version", "version", "x-version"})


@dataclass(frozen=True)
class ApiFacts:
    routes: FileRoutes
    global_marks: tuple[Evidence, ...] = ()  # project-wide mechanisms (global rate limit, versioning)


def _routes(project: Project, collected: Collected) -> list[Route]:
    return route_table(project, facts_of(collected.facts))


def _api_routes(project: Project, collected: Collected, *, helpers: bool = False) -> tuple[list[Route], str, list[Route]]:
    """The API routes (see ``Route.api``) and, when there are none, why the check does not apply.

    A server-rendered site's JSON helpers (a few JSON views, or views only its own pages call through
    AJAX) are no API to version or paginate; ``helpers`` keeps them (a rate limit still matters on them).
    The third item is every route found.
    """
    routes = _routes(project, collected)
    api = [r for r in routes if r.api]
    if not helpers:
        api = [r for r in api if not r.ajax]
        if any("@drf" in r.fact.calls and _api_path(r) for r in api):
            # a Django site with a DRF API under /api or a version: its plain Django JSON views serve its own pages
            api = [r for r in api if not _site_json_view(r)]
    else:  # sign-in flows and inbound webhooks face the internet too: a limit blunts credential stuffing and floods
        api += [r for r in routes
                if not r.api and r.left_out in ("sign-in flow", "inbound webhook") and not r.ends_session]
    pages = [r for r in routes if not r.ops and not r.api]
    if not helpers and api and len(api) * 10 <= len(pages) and not any(_under_api_prefix(r) for r in api):
        # a server-rendered site with a few JSON helpers for its own pages: it has no API to judge
        return [], (f"no API: a server-rendered site ({_plural(len(pages), 'page')}) with "
                    f"{_plural(len(api), 'JSON helper')} for its own pages"), routes
    if api:
        return api, "", routes
    if not routes:
        return [], "no HTTP routes found", routes
    return [], (f"no API routes: the {_plural(len(routes), 'route')} found serve HTML pages, redirects, static files, "
                "sign-in flows, AJAX helpers of the site's own pages or health/metrics/docs"), routes


def _published(api: list[Route], everything: list[Route]) -> list[Route]:
    """The routes a version is a contract for. In a site whose API lives under /api or a version, a JSON
    route of a module that renders the site's pages (/queue.json next to the queue page) serves those
    pages, which ship with the code they call; it still counts for pagination and rate limits."""
    if not any(_api_path(r) for r in api):
        return api
    page_files = {r.file for r in everything if not r.ops and not r.api}
    return [r for r in api if _api_path(r) or r.file not in page_files]


def _left_out(everything: list[Route], judged: list[Route]) -> tuple[Evidence, ...]:
    """How many routes the share leaves out, and why: what the API is, said in the evidence."""
    kept = {id(r) for r in judged}
    reasons: dict[str, int] = {}
    for route in everything:
        if id(route) in kept:
            continue
        why = route.left_out or ("AJAX helper of the site's pages" if route.ajax else
                                 "JSON view of the site's own pages" if _site_json_view(route) or route.api else
                                 "not judged here")
        reasons[why] = reasons.get(why, 0) + 1
    if not reasons:
        return ()
    parts = ", ".join(f"{n} {why}" for why, n in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
    return (Evidence(f"left out of the API: {parts}"),)


# Path segments that put a route in the API: a REST prefix, or an RPC endpoint (/json-rpc/, /xmlrpc)
_API_HEADS = frozenset({"api", "rest", "json-rpc", "jsonrpc", "xml-rpc", "xmlrpc"})


def _api_path(route: Route) -> bool:
    return any(s in _API_HEADS or VERSION_SEGMENT.match(s) for s in (s.lower() for s in route.segments))


def _site_json_view(route: Route) -> bool:
    """A plain Django view (not DRF) outside the API's paths."""
    return route.fact.framework == "django" and "@drf" not in route.fact.calls and not _api_path(route)


def _under_api_prefix(route: Route) -> bool:
    segs = [s.lower() for s in route.segments]
    return any(s in _API_HEADS or VERSION_SEGMENT.match(s) for s in segs) or "@drf" in route.fact.calls


def _drf_settings(collected: Collected) -> set[str]:
    """DRF project-wide defaults set in ``REST_FRAMEWORK`` (DEFAULT_PAGINATION_CLASS, ...)."""
    return {key for facts in facts_of(collected.facts).values() for key in facts.settings}


def _drf_default(route: Route, settings: set[str], key: str, attr: str) -> bool:
    """A DRF view gets the project default unless it switches it off (``pagination_class = None``)."""
    calls = set(route.fact.calls)
    return "@drf" in calls and key in settings and f"no:{attr}" not in calls


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _route_share(
    check_id: str, routes: list[Route], has: Callable[[Route], bool], *, noun: str, good_label: str,
    missing: Callable[[Route], str], present: Callable[[Route], str], extra: tuple[Evidence, ...] = (),
) -> Verdict:
    """The share of ``routes`` that ``has`` the property: a finding for each without, evidence for a few with."""
    good = [r for r in routes if has(r)]
    # one handler serving several methods or paths is one thing to fix: one finding, naming the others
    by_place: dict[tuple[str, int, int], list[Route]] = {}
    for route in routes:
        if route not in good:
            by_place.setdefault((route.file, route.line, route.fact.column), []).append(route)
    findings = tuple(
        _route_finding(check_id, same[0], missing(same[0]) + (
            f" (also {', '.join(r.label for r in same[1:])})" if len(same) > 1 else ""))
        for same in by_place.values())
    evidence = tuple(Evidence(present(r), r.file, r.line) for r in good[:5]) + extra
    return Verdict(Share(len(good), len(routes), noun + "s", good_label),
                   summary=f"{len(good)} of {_plural(len(routes), noun)} {good_label}",
                   evidence=evidence, findings=findings)


def _route_finding(check: str, route: Route, message: str) -> Finding:
    return Finding(route.file, route.line, route.fact.column, check, message)


class _RouteCheck(Check):
    category = "api"
    needles = ROUTE_NEEDLES
    global_marks: Callable[[SourceFile], tuple[Evidence, ...]] | None = None

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if not is_application_path(source.path):
            return None
        facts = route_facts(source)
        marks = type(self).global_marks(source) if type(self).global_marks is not None else ()
        if not marks and not routes_worth_keeping(source, facts):
            return None
        return FileOutcome(facts=ApiFacts(facts, marks), evidence=list(marks))

    def _globals(self, collected: Collected) -> list[Evidence]:
        return [m for f in collected.facts.values() if isinstance(f, ApiFacts) for m in f.global_marks]


_FASTAPI_APP = (
    "from fastapi import FastAPI\nfrom app.routes import orders\n\napp = FastAPI()\n"
    "app.include_router(orders.router, prefix={prefix!r})\n"
)
_FASTAPI_ORDERS = (
    "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/orders')\n\n\n"
    "@router.get('')\ndef list_orders({params}) -> list[dict]:\n    return find_orders({names})\n\n\n"
    "@router.get('/{{order_id}}')\ndef get_order(order_id: str) -> dict:\n    return {{}}\n"
)


def _service(prefix: str = "", params: str = "") -> dict[str, str]:
    return {
        "app/main.py": _FASTAPI_APP.format(prefix=prefix),
        "app/routes/orders.py": _FASTAPI_ORDERS.format(params=params, names=", ".join(
            f"{name}={name}" for name in re.findall(r"(\w+):", params))),
        "app/__init__.py": "", "app/routes/__init__.py": "",
    }


_REEXPORTED_RESOURCE = {
    "site/app.py": "from flask import Flask, render_template\nfrom flask_restful import Api\n\n"
                   "from site.api import Watch\n\napp = Flask(__name__)\napi = Api(app)\n"
                   "api.add_resource(Watch, '/api/v1/watch/<uuid>')\n\n\n"
                   + "@app.route('/')\ndef index():\n    return render_template('index.html')\n",
    "site/api/__init__.py": "from .watch import Watch\n",
    "site/api/watch.py": "from flask_restful import Resource\n\n\nclass Watch(Resource):\n    def get(self, uuid):\n"
                         "        return {'uuid': uuid}\n",
    # a second class of the name, in a module that reads the request: only the import says which is served
    "site/model.py": "from flask import request\n\n\nclass Watch:\n    def owner(self):\n        return request.remote_addr\n",
}
_PROXIED_LIST = {
    "app/main.py": "import httpx\nfrom fastapi import FastAPI\n\napp = FastAPI()\nREVIEWS = 'https://reviews.example'\n\n\n"
                   "@app.get('/api/v1/orders')\ndef orders(limit: int = 50, status: str | None = None) -> list[dict]:\n"
                   "    return find_orders(limit, status)\n\n\n"
                   "@app.get('/api/v1/reviews/tags')\nasync def review_tags() -> list[dict]:\n"
                   "    async with httpx.AsyncClient() as client:\n        resp = await client.get(REVIEWS + '/tags')\n"
                   "        data = resp.json()\n        return [dict(item) for item in data]\n",
}
_FIXED_TABLE = {
    "app.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n"
              "LOG_FILES = {'app': 'app.log', 'worker': 'worker.log'}\n\n\n"
              "@app.route('/api/v1/orders')\ndef orders():\n    page = request.args.get('page', 1, type=int)\n"
              "    status = request.args.get('status')\n    return jsonify(find_orders(page, status))\n\n\n"
              "@app.route('/api/v1/logs')\ndef logs():\n    return jsonify([name for name in LOG_FILES if exists(name)])\n",
}
_FIXED_TABLE_VIEWSET = {
    "logs/__init__.py": "",
    "logs/urls.py": "from rest_framework.routers import DefaultRouter\n\nfrom logs.views import LogViewSet\n\n"
                    "router = DefaultRouter()\nrouter.register('api/v1/logs', LogViewSet, basename='logs')\n"
                    "urlpatterns = router.urls\n",
    "logs/views.py": "from rest_framework.response import Response\nfrom rest_framework.viewsets import ViewSet\n\n\n"
                     "class LogViewSet(ViewSet):\n    LOG_FILES = {'app': 'app.log', 'mail': 'mail.log'}\n\n"
                     "    def list(self, request):\n        return Response([key for key in self.LOG_FILES if exists(key)])\n",
}
_LOOP_BUILT_TABLE = {
    "langs/__init__.py": "",
    "langs/urls.py": "from rest_framework.routers import DefaultRouter\n\nfrom langs.views import LocalizationViewSet\n\n"
                     "router = DefaultRouter()\nrouter.register('api/v1/localization', LocalizationViewSet, "
                     "basename='localization')\nurlpatterns = router.urls\n",
    "langs/views.py": "from django.conf import settings\nfrom rest_framework import viewsets\n"
                      "from rest_framework.response import Response\n\n\nclass LocalizationViewSet(viewsets.GenericViewSet):\n"
                      "    def list(self, request, *args, **kwargs):\n        langs = []\n"
                      "        for lang in settings.LANGUAGES:\n            langs.append({'code': lang[0], 'name': lang[1]})\n"
                      "        return Response(LocalizationSerializer(langs, many=True).data)\n",
}
def _drf_filters(backends: str, view_fields: str = "") -> dict[str, str]:
    return {
        "shop/__init__.py": "",
        "shop/settings.py": f"REST_FRAMEWORK = {{\n    'DEFAULT_FILTER_BACKENDS': [{backends}],\n}}\n",
        "shop/urls.py": "from rest_framework.routers import DefaultRouter\n\nfrom shop.views import OrderViewSet\n\n"
                        "router = DefaultRouter()\nrouter.register('api/v1/orders', OrderViewSet, basename='orders')\n"
                        "urlpatterns = router.urls\n",
        "shop/views.py": "from rest_framework import viewsets\n\n\nclass OrderViewSet(viewsets.ReadOnlyModelViewSet):\n"
                         f"    queryset = Order.objects.all()\n    serializer_class = OrderSerializer\n{view_fields}",
    }


_OLD_DRF_QUERY = {
    "tokens/__init__.py": "",
    "tokens/urls.py": "from rest_framework.routers import DefaultRouter\n\nfrom tokens.views import TokenViewSet\n\n"
                      "router = DefaultRouter()\nrouter.register('api/v1/tokens', TokenViewSet, basename='tokens')\n"
                      "urlpatterns = router.urls\n",
    "tokens/views.py": "from rest_framework import viewsets\n\n\nclass TokenViewSet(viewsets.ModelViewSet):\n"
                       "    def get_queryset(self):\n        queryset = Token.objects.filter(user=self.request.user)\n"
                       "        application = self.request.QUERY_PARAMS.get('application')\n"
                       "        if application:\n            queryset = queryset.filter(application_id=application)\n"
                       "        return queryset\n",
}
_EVENT_FIGURES = {
    "app.py": "from flask import Flask, jsonify\nfrom sqlalchemy import func\n\napp = Flask(__name__)\n\n\n"
              "@app.route('/v1/events/<int:event_id>/sessions/languages')\ndef languages(event_id):\n"
              "    rows = db.session.query(Session.language).distinct().filter(Session.event_id == event_id).all()\n"
              "    return jsonify([r[0] for r in rows])\n\n\n"
              "@app.route('/v1/events/<int:event_id>/sessions/dates')\ndef dates(event_id):\n"
              "    rows = db.session.query(func.date(Session.starts_at)).distinct().all()\n"
              "    return jsonify([str(r[0]) for r in rows])\n\n\n"
              "@app.route('/v1/admin/statistics/event-topics')\ndef topic_counts():\n"
              "    return jsonify([dict(r) for r in db.session.execute(TOPIC_COUNTS)])\n",
}
_CONNEXION_APP = {
    "server/app.py": "import connexion\n\napp = connexion.FlaskApp(__name__, specification_dir='.')\n"
                     "app.add_api('sync/public_api.yaml')\n",
    "server/sync/controller.py": "def list_projects(page, per_page, order_by=None):\n    return []\n\n\n"
                                 "def list_members(project_id):\n    return []\n",
    "server/sync/public_api.yaml": (
        "openapi: 3.0.0\ninfo: {title: Sync, version: '1'}\nservers:\n  - url: /v1\npaths:\n"
        "  /projects:\n    get:\n      operationId: list_projects\n"
        "      x-openapi-router-controller: sync.controller\n      parameters:\n"
        "        - {name: page, in: query, schema: {type: integer}}\n"
        "        - {name: per_page, in: query, schema: {type: integer}}\n"
        "        - {name: order_by, in: query, schema: {type: string}}\n"
        "      responses:\n        '200': {description: ok}\n"
        "  /projects/{project_id}/members:\n    get:\n      operationId: list_members\n"
        "      x-openapi-router-controller: sync.controller\n      parameters:\n"
        "        - {name: project_id, in: path, required: true, schema: {type: string}}\n"
        "      responses:\n        '200':\n          description: ok\n          content:\n"
        "            application/json:\n              schema: {type: array, items: {type: object}}\n"),
}
_OWN_ROUTER = {
    "st2api/st2api/app.py": "import webob\n\nfrom st2common import router\n\n\ndef setup_app():\n"
                            "    app = router.Router()\n    app.add_spec(router.load_spec('openapi.yaml'))\n    return app\n",
    "st2api/st2api/__init__.py": "",
    "st2api/st2api/controllers/__init__.py": "",
    "st2api/st2api/controllers/actions.py": "class ActionsController:\n    def get_all(self, limit=100, offset=0):\n"
                                           "        return []\n\n    def post(self, body):\n        return body\n\n\n"
                                           "actions_controller = ActionsController()\n",
    "st2common/st2common/openapi.yaml": (
        "swagger: '2.0'\ninfo: {title: API, version: '1'}\npaths:\n"
        "  /api/v1/actions:\n    get:\n      operationId: st2api.controllers.actions:actions_controller.get_all\n"
        "      parameters:\n        - {name: limit, in: query, type: integer}\n"
        "        - {name: offset, in: query, type: integer}\n"
        "      responses:\n        '200': {description: ok, schema: {type: array, items: {type: object}}}\n"
        "    post:\n      operationId: st2api.controllers.actions:actions_controller.post\n"
        "      parameters:\n        - {name: body, in: body, schema: {type: object}}\n"
        "      responses:\n        '201': {description: created}\n"),
}
_BUNDLES = {
    "app/main.py": "from fastapi import FastAPI\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n\n"
                   "class PolicyBundle(BaseModel):\n    hash: str\n    policy_modules: list[str]\n"
                   "    data_modules: list[str]\n\n\nclass UserList(BaseModel):\n    users: list[str]\n    total: int\n\n\n"
                   "@app.get('/api/v1/policy', response_model=PolicyBundle)\ndef policy():\n    return current_bundle()\n\n\n"
                   "@app.get('/api/v1/healthy')\ndef healthy():\n    return {'status': 'ok'}\n\n\n"
                   "class ServerStats(BaseModel):\n    uptime: float\n    servers: set[str]\n\n\n"
                   "@app.get('/api/v1/statistics', response_model=ServerStats)\ndef statistics():\n"
                   "    return current_stats()\n\n\n"
                   "class NodeInfo(BaseModel):\n    alias: str\n    addresses: list[str]\n\n\n"
                   "@app.get('/api/v1/node/info', response_model=NodeInfo)\ndef node_info():\n"
                   "    return current_node()\n\n\n"
                   "@app.get('/api/v1/members', response_model=UserList)\ndef members():\n"
                   "    return UserList(users=all_users(), total=count_users())\n",
}
_RESTX_LISTS = {
    "app.py": "from flask import Flask\nfrom flask_restx import Api, Resource, fields\n\n"
              "app = Flask(__name__)\napi = Api(app, prefix='/api/v1')\ncwe = api.model('Cwe', {'id': fields.String})\n\n\n"
              "@api.route('/cwe')\nclass CweList(Resource):\n    @api.marshal_list_with(cwe)\n    def get(self):\n"
              "        return get_cwes()\n\n\n"
              "@api.route('/capec')\nclass CapecList(Resource):\n    @api.marshal_with(cwe, as_list=True)\n"
              "    def get(self):\n        return get_capecs(limit=request.args.get('limit', 50))\n",
}
_EVENT_ROWS = {"app.py": _EVENT_FIGURES["app.py"].replace("query(Session.language)", "query(Session)")}
_LOOP_BUILT_ROWS = {**_LOOP_BUILT_TABLE, "langs/views.py": _LOOP_BUILT_TABLE["langs/views.py"].replace(
    "settings.LANGUAGES", "Language.objects.all()")}
_OLD_DRF_PAGE_SIZE = {
    "shop/__init__.py": "",
    "shop/settings.py": "REST_FRAMEWORK = {'PAGINATE_BY': 30, 'MAX_PAGINATE_BY': 1000}\n",
    "shop/urls.py": "from django.conf.urls import include, url\nfrom rest_framework.routers import DefaultRouter\n\n"
                    "from shop.views import ProjectViewSet\n\nrouter = DefaultRouter()\n"
                    "router.register(r'projects', ProjectViewSet)\n\nurlpatterns = [url(r'^api/v1/', include(router.urls))]\n",
    "shop/views.py": "from rest_framework import viewsets\n\n\nclass ProjectViewSet(viewsets.ModelViewSet):\n"
                     "    queryset = Project.objects.all()\n",
}
_SUPERDESK_APPS = {
    "site/settings.py": "DOMAIN = {}\nX_DOMAINS = '*'\nURL_PREFIX = 'api'\n"
                        "CORE_APPS = ['site.pages', 'site.news_api']\n",
    "site/news_api/settings.py": "import os\n\nURL_PREFIX = os.environ.get('NEWS_API_PREFIX', 'api/v1')\n"
                                 "CORE_APPS = ['site.news_api.feed']\n",
    "site/news_api/__init__.py": "",
    "site/news_api/feed.py": "import superdesk\nfrom flask import jsonify\n\n"
                             "blueprint = superdesk.Blueprint('feed', __name__)\n\n\n"
                             "def init_app(app):\n    superdesk.blueprint(blueprint, app)\n\n\n"
                             "@blueprint.route('/feed')\ndef feed():\n    return jsonify(_items=[])\n",
}
_NINJA_SHOP = {
    "shop/__init__.py": "",
    "shop/api.py": "from ninja import NinjaAPI\n\n\nclass ShopAPI(NinjaAPI):\n    pass\n\n\napi = ShopAPI(version='1')\n"
                   "api.add_router('/orders/', 'shop.orders.router')\n",
    "shop/orders.py": "from ninja import FilterSchema, Query, Router, Schema\nfrom ninja.pagination import paginate\n\n"
                      "router = Router()\n\n\nclass OrderOut(Schema):\n    id: int\n\n\n"
                      "class OrderFilter(FilterSchema):\n    status: str | None = None\n\n\n"
                      "@router.get('', response=list[OrderOut])\n@paginate\n"
                      "def list_orders(request, filters: Query[OrderFilter]):\n"
                      "    return filters.filter(Order.objects.all())\n\n\n"
                      "@router.get('/{int:order_id}', response=OrderOut)\ndef get_order(request, order_id: int):\n"
                      "    return Order.objects.get(pk=order_id)\n",
    "shop/customers.py": "from ninja import Router\n\nrouter = Router()\n\n\n"
                         "@router.get('/', response={200: list[CustomerOut], 403: Message})\n"
                         "def list_customers(request):\n    return Customer.objects.all()\n",
    "shop/urls.py": "from django.urls import path\n\nfrom shop.api import api\n"
                    "from shop.customers import router as customers_router\n\n"
                    "api.add_router('/customers/', customers_router)\n\nurlpatterns = [path('api/v1/', api.urls)]\n",
}
_NINJA_UNVERSIONED = {
    **_NINJA_SHOP,
    "shop/api.py": _NINJA_SHOP["shop/api.py"] + "urls = api.urls\n",
    "shop/urls.py": "from django.urls import path\n\nfrom shop.api import urls as api_urls\n\n"
                    "urlpatterns = [path('api/', api_urls)]\n",
}
_PAGE_ID = {
    "app.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
              "@app.route('/api/aliases/<int:alias_id>/activities')\ndef activities(alias_id):\n"
              "    page_id = int(request.args.get('page_id', 0))\n"
              "    rows = activities_of(alias_id, page_id)\n"
              "    return jsonify(activities=[a.to_dict() for a in rows])\n\n\n"
              "@app.route('/api/groups')\ndef groups():\n    details = request.args.get('details') == '1'\n"
              "    return jsonify([g.to_dict(full=details) for g in Group.query.all()])\n",
}
_RECORD_MODELS = {
    "app/__init__.py": "",
    "app/schemas.py": "from pydantic import BaseModel\n\n\nclass Job(BaseModel):\n    id: str\n    name: str\n"
                      "    state: str\n    logs: list[str] | None = None\n\n\nclass Threshold(BaseModel):\n"
                      "    stop_at: float = 1.0\n    max_rounds: int = 10\n    patterns: list[str] = []\n\n\n"
                      "class JobList(BaseModel):\n    jobs: list[Job]\n    jobs_count: int\n\n\n"
                      "class JobSteps(BaseModel):\n    job_name: str\n    steps: list[str]\n",
    "app/main.py": "from fastapi import FastAPI\n\nfrom app.schemas import Job, JobList, JobSteps, Threshold\n\napp = FastAPI()\n\n\n"
                   "@app.get('/api/v1/studies/{uuid}/job', response_model=Job)\ndef study_job(uuid: str):\n"
                   "    return find_job(uuid)\n\n\n"
                   "@app.get('/api/v1/studies/{uuid}/threshold', response_model=Threshold)\ndef threshold(uuid: str):\n"
                   "    return find_threshold(uuid)\n\n\n"
                   "@app.get('/api/v1/jobs', response_model=JobList)\ndef jobs():\n"
                   "    rows = all_jobs()\n    return JobList(jobs=rows, jobs_count=len(rows))\n\n\n"
                   "@app.get('/api/v1/jobs/{name}/steps', response_model=JobSteps)\ndef job_steps(name: str):\n"
                   "    return JobSteps(job_name=name, steps=steps_of(name))\n",
}
_FIXED_DOCUMENTS = {
    "app.py": "from flask import Flask, jsonify\n\nimport config\n\napp = Flask(__name__)\n\n\n"
              "@app.route('/api/v1/jwks')\ndef jwks():\n    res = {'keys': [signing_key().public_jwk()]}\n"
              "    return jsonify(res)\n\n\n"
              "@app.route('/api/v1/locales')\ndef locales():\n    langs = []\n    for code, name in config.LANGUAGES:\n"
              "        langs.append({'id': code, 'name': name})\n    return jsonify({'locales': langs, 'default': 'en'})\n\n\n"
              "@app.route('/api/v1/currencies')\ndef currencies():\n    table = {}\n"
              "    for code in config.CURRENCIES:\n        table[code] = {'name': currency_name(code)}\n"
              "    return jsonify(table)\n\n\n"
              "@app.route('/api/v1/accounts')\ndef accounts():\n    table = {}\n"
              "    for account in Account.query.all():\n        table[account.id] = account.to_dict()\n"
              "    return jsonify(table)\n\n\n"
              "@app.route('/api/v1/api-keys')\ndef api_keys():\n"
              "    return jsonify({'keys': [k.to_dict() for k in ApiKey.query.all()]})\n",
}
_BREAKDOWNS = {
    "app.py": "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
              "@app.route('/api/v1/hours/by_quarter.json')\ndef hours_by_quarter():\n"
              "    rows = db.execute(HOURS_BY_QUARTER_SQL).fetchall()\n"
              "    return jsonify([dict(year=y, quarter=q, total=t) for y, q, t in rows])\n\n\n"
              "@app.route('/api/v1/volumes-by-service')\ndef volumes_by_service():\n"
              "    return jsonify(data=[dict(service=s, sent=n) for s, n in sent_per_service()])\n\n\n"
              "@app.route('/api/v1/hours')\ndef hours():\n    return jsonify([h.to_dict() for h in Hours.query.all()])\n",
}
_PATH_DEPENDENCY = {
    "app/__init__.py": "",
    "app/deps.py": "from fastapi import Depends\n\n\ndef require_project(project_id: str | None = None, user=Depends(current_user)):\n"
                   "    return check_member(user, project_id)\n\n\n"
                   "def member_filter(role: str | None = None, active: bool | None = None):\n"
                   "    return {'role': role, 'active': active}\n",
    "app/main.py": "from fastapi import Depends, FastAPI\n\nfrom app.deps import member_filter, require_project\n\n"
                   "app = FastAPI()\n\n\n"
                   "@app.get('/api/v1/projects/{project_id}/members', dependencies=[Depends(require_project)])\n"
                   "def members(project_id: str, limit: int = 50) -> list[dict]:\n"
                   "    return list_members(project_id, limit)\n\n\n"
                   "@app.get('/api/v1/projects/{project_id}/invites', dependencies=[Depends(require_project)])\n"
                   "def invites(project_id: str, limit: int = 50, where: dict = Depends(member_filter)) -> list[dict]:\n"
                   "    return list_invites(project_id, where, limit)\n",
}
_FILTER_TABLE = {
    "app.py": "from flask import Flask, current_app, jsonify, request\n\napp = Flask(__name__)\n"
              "FILTERS = (('status', 'status'), ('tag', 'tags__name'))\n\n\n"
              "@app.route('/api/v1/contests')\ndef contests():\n    rows = Contest.query\n"
              "    for key, column in FILTERS:\n        if key in request.args:\n"
              "            rows = rows.filter_by(**{column: request.args.get(key)})\n"
              "    return jsonify([c.to_dict() for c in rows.limit(100)])\n\n\n"
              "@app.route('/api/v1/judges')\ndef judges():\n    key = current_app.config['PAGE_PARAM']\n"
              "    page = int(request.args.get(key, 1))\n"
              "    return jsonify([j.to_dict() for j in Judge.query.offset(page * 20).limit(20)])\n",
}
_CURSOR_DIRECTION = {
    "app/main.py": "from fastapi import FastAPI, Query\n\napp = FastAPI()\n\n\n"
                   "@app.get('/api/v1/tags')\ndef tags(limit: int = Query(50, le=200), cursor: str | None = None,\n"
                   "         reverse: bool = False) -> list[dict]:\n    return page_of_tags(limit, cursor, reverse)\n\n\n"
                   "@app.get('/api/v1/events')\ndef events(limit: int = Query(50, le=200), offset: int = 0,\n"
                   "           reverse: bool = False) -> list[dict]:\n    return list_events(limit, offset, newest_first=reverse)\n",
}
_FORM_MODEL = {
    "app/main.py": "from fastapi import FastAPI\nfrom pydantic import BaseModel\n\napp = FastAPI()\n\n\n"
                   "class Allocation(BaseModel):\n    rows: list[dict]\n\n\n"
                   "@app.get('/api/v1/areas/{area_id}/allocation/form', response_model=Allocation)\n"
                   "def allocation_form(area_id: str):\n    return Allocation(rows=allocation_rows(area_id))\n\n\n"
                   "@app.get('/api/v1/forms', response_model=list[dict])\ndef forms():\n    return all_forms()\n",
}
_QUERY_ALIAS = {
    "app.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
              "@app.route('/api/v1/comments')\ndef comments():\n    params = request.args\n"
              "    rows = Comment.query.order_by(Comment.created.desc())\n    if 'author' in params:\n"
              "        rows = rows.filter_by(author=params['author'])\n"
              "    return jsonify([c.to_dict() for c in rows.limit(100)])\n\n\n"
              "@app.route('/api/v1/media')\ndef media():\n    params = request.args\n"
              "    state = params.get('state', '').strip()\n    rows = Media.query\n    if state:\n"
              "        rows = rows.filter_by(state=state)\n    return jsonify([m.to_dict() for m in rows.limit(100)])\n\n\n"
              "@app.route('/api/v1/notes')\ndef notes():\n    data = request.args.to_dict(flat=False)\n"
              "    if 'reference' in data:\n        data['reference'] = data['reference'][0]\n"
              "    return jsonify([n.to_dict() for n in find_notes(reference=data.get('reference'))])\n\n\n"
              "@app.route('/api/v1/tags')\ndef tags():\n    params = request.args\n"
              "    page = int(params.get('page', 1))\n"
              "    return jsonify([t.to_dict() for t in Tag.query.offset((page - 1) * 20).limit(20)])\n",
}
_LATEST_ALIAS = {
    "app/__init__.py": "",
    "app/routers/__init__.py": "from app.routers.orders import router as orders_router\n"
                               "from app.routers.users import router as users_router\n\n"
                               "ROUTERS = [orders_router, users_router]\n",
    "app/routers/orders.py": "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/orders')\n\n\n"
                             "@router.get('/{order_id}')\ndef get_order(order_id: str) -> dict:\n    return {}\n",
    "app/routers/users.py": "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/users')\n\n\n"
                            "@router.get('/{user_id}')\ndef get_user(user_id: str) -> dict:\n    return {}\n",
    "app/main.py": "from fastapi import FastAPI\n\nfrom app.routers import ROUTERS as v1_routers\n\napp = FastAPI()\n"
                   "for router in v1_routers:\n    app.include_router(router, prefix='/v1')\n"
                   "    app.include_router(router, prefix='/latest', include_in_schema=False)\n",
}
_TOKEN_GUARDED = {
    "scans/__init__.py": "",
    "scans/api.py": "import hmac\nfrom typing import Annotated\n\n"
                    "from fastapi import APIRouter, Depends, Header, HTTPException\n\n"
                    "router = APIRouter(prefix='/api')\n\n\n"
                    "def verify_api_token(x_api_token: Annotated[str, Header()]) -> None:\n"
                    "    if not hmac.compare_digest(x_api_token, settings.API_TOKEN):\n"
                    "        raise HTTPException(status_code=401)\n\n\n"
                    "@router.get('/analyses', dependencies=[Depends(verify_api_token)])\n"
                    "def list_analyses(tag: str | None = None) -> list[dict]:\n"
                    "    return db.analyses_by_tag(tag) if tag else db.all_analyses()\n",
    "scans/main.py": "from fastapi import FastAPI\n\nfrom scans.api import router\n\napp = FastAPI()\n"
                     "app.include_router(router)\n",
}
_COUNT_AND_PAGE = {
    "scans/__init__.py": "",
    "scans/main.py": "from fastapi import FastAPI, Request\n\nfrom scans import csrf\n\napp = FastAPI()\n\n\n"
                     "@app.get('/api/analyses')\ndef analyses() -> list[dict]:\n    return db.all_analyses()\n\n\n"
                     "@app.get('/api/num-queued-tasks')\ndef queued_tasks() -> int:\n    return backend.queue_length()\n\n\n"
                     "@app.get('/exports', include_in_schema=False)\ndef exports(request: Request):\n"
                     "    return csrf.csrf_form_template_response('exports.jinja2', {'request': request, "
                     "'tasks': db.exports()})\n",
}
_JOB_AND_STATS = {
    "photos/__init__.py": "",
    "photos/urls.py": "from django.urls import path\n\nfrom photos import views\n\n"
                      "urlpatterns = [\n    path('api/photos', views.PhotoList.as_view()),\n"
                      "    path('api/scanphotos', views.ScanPhotosView.as_view()),\n"
                      "    path('api/serverstats', views.ServerStatsView.as_view()),\n]\n",
    "photos/views.py": "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                       "class PhotoList(APIView):\n    def get(self, request):\n"
                       "        return Response(PhotoSerializer(Photo.objects.all(), many=True).data)\n\n\n"
                       "class ScanPhotosView(APIView):\n    def get(self, request):\n"
                       "        job = start_scan(request.user)\n        return Response({'status': True, 'job_id': job.id})\n\n\n"
                       "class ServerStatsView(APIView):\n    def get(self, request):\n"
                       "        return Response(collect_server_stats())\n",
}
_SITE_HELPERS = {
    **_REEXPORTED_RESOURCE,
    "site/app.py": _REEXPORTED_RESOURCE["site/app.py"] + "\n\nfrom site import queue, rows\n\n"
                   "app.register_blueprint(queue.bp)\napp.register_blueprint(rows.bp)\n",
    "site/queue.py": "from flask import Blueprint, jsonify, render_template\n\nbp = Blueprint('queue', __name__)\n\n\n"
                     "@bp.route('/queue')\ndef page():\n    return render_template('queue.html')\n\n\n"
                     "@bp.route('/queue.json')\ndef queue_json():\n    return jsonify(items=[])\n",
}


def _version_marks(source: SourceFile) -> tuple[Evidence, ...]:
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) == "VersionedFastAPI":
            out.append(Evidence("API versioned with fastapi-versioning", source.path, call.lineno))
    for node in source.nodes(ast.Constant):
        value = getattr(node, "value", None)
        if value in ("DEFAULT_VERSIONING_CLASS",):
            out.append(Evidence("DRF versioning configured", source.path, getattr(node, "lineno", 0)))
    if "route_prefix" in source.text:  # Pyramid: config.include(..., route_prefix=api_version), config.route_prefix = "v1"
        for node in source.nodes(ast.keyword, ast.Assign):
            value = node.value if isinstance(node, ast.keyword) and node.arg == "route_prefix" else (
                node.value if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr == "route_prefix" for t in node.targets) else None)
            if value is not None and _names_version(value):
                out.append(Evidence("Pyramid routes under a versioned route_prefix", source.path, value.lineno))
                break
    for call in source.nodes(ast.Call):  # the API's own version header: request.headers.get("pretalx-version")
        assert isinstance(call, ast.Call)
        func = call.func
        holder, _, attr = dotted(func.value).rpartition(".") if isinstance(func, ast.Attribute) else ("", "", "")
        # a request's header: a response's (resp.headers.get("X-Hub-Version")) is the server telling its own version
        if call_name(call) == "get" and call.args and attr in ("headers", "META") \
                and holder.rpartition(".")[2] in _REQUEST_HOLDERS:
            name = call.args[0].value if isinstance(call.args[0], ast.Constant) else None
            if isinstance(name, str) and _API_VERSION_HEADER.match(name.lower().removeprefix("http_").replace("_", "-")):
                out.append(Evidence(f"API version chosen by the {name} request header", source.path, call.lineno))
                break
    return tuple(out)


_REQUEST_HOLDERS = frozenset({"request", "req", "http_request", "flask_request"})
def _names_version(node: ast.AST) -> bool:
    """``"v1"``, ``"/api/v2"``, ``api_version``, ``f"v{major}"``: a prefix that is the API's version."""
    text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
    if text is not None:
        return any(VERSION_SEGMENT.match(part) for part in text.split("/") if part)
    if isinstance(node, ast.JoinedStr):
        head = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        return head.rstrip("/").rpartition("/")[2] in ("v", "V") or "version" in ast.unparse(node).lower()
    return "version" in ast.unparse(node).lower()


# A request header that names the API version the client wants (pretalx-version, api-version, x-api-version),
# not the version of the client's own software
_API_VERSION_HEADER = lazy_compile(r"^(?:version|(?!sec-|(?:x-)?(?:client|app|sdk|browser|os|device|user-agent|agent)-)"
                                   r"(?![a-z0-9-]*(?:platform|ua|client|browser|os|device|app|sdk)-version)[a-z0-9-]*-version)$")


def _nginx_subrequests(api_location: str = "") -> dict[str, str]:
    """A Flask API behind the nginx its image ships, which asks the app's /internal/auth before every request."""
    return {
        "app.py": "from flask import Flask, jsonify, request\nfrom flask_limiter import Limiter\n"
                  "from flask_limiter.util import get_remote_address\n\napp = Flask(__name__)\n"
                  "limiter = Limiter(get_remote_address, app=app)\n\n\n"
                  "@app.get('/api/v1/orders')\n@limiter.limit('60/minute')\ndef orders():\n    return jsonify([])\n\n\n"
                  "@app.get('/internal/auth/user')\ndef auth_user():\n"
                  "    return jsonify(user=request.headers.get('X-Remote-User'))\n",
        "Dockerfile": "FROM python:3.12\nRUN apt-get install -y nginx\nCOPY deploy/nginx.conf /etc/nginx/nginx.conf\n"
                      "CMD [\"supervisord\"]\n",
        "deploy/nginx.conf": "http {\n    server {\n        listen 80;\n" + api_location +
                             "        location /internal {\n            internal;\n"
                             "            proxy_pass http://127.0.0.1:5000;\n        }\n        location / {\n"
                             "            auth_request /internal/auth/user;\n            proxy_pass http://127.0.0.1:5000;\n"
                             "        }\n    }\n}\n",
    }


_REMAPPING_LOCATION = "        location /gateway/ {\n            proxy_pass http://127.0.0.1:5000/;\n        }\n"


def _rpc_site() -> dict[str, str]:
    """A Django site whose API is a JSON-RPC and an XML-RPC endpoint."""
    return {"site/rpc.py": "from modernrpc.server import RpcServer\n\njson_server = RpcServer(protocol='json')\n"
                           "xml_server = RpcServer(protocol='xml')\n",
            "site/urls.py": "from django.urls import re_path\n\nfrom site.rpc import json_server, xml_server\n\n"
                            "urlpatterns = [\n    re_path(r'^xml-rpc/', xml_server.view),\n"
                            "    re_path(r'^json-rpc/$', json_server.view),\n]\n"}


class ApiVersioning(_RouteCheck):
    id = "api-versioning"
    severity = "medium"
    effort = "1-2d"
    title = "Versioned API routes"
    rationale = (
        "Clients break when a contract changes under them. A version in the path (/v1/...) or a version "
        "header lets the service evolve an endpoint while old clients keep working."
    )
    remediation = (
        "Mount the API under a version prefix, e.g. `app.include_router(router, prefix=\"/api/v1\")`, "
        "`app.register_blueprint(bp, url_prefix=\"/api/v1\")` or `path(\"api/v1/\", include(...))`; "
        "or negotiate with an `API-Version` header."
    )
    scoring = ("Share of API routes under a /v1-style prefix or with a version header (DRF versioning, fastapi-versioning "
               "or the API's own version request header read by the project cover all). HTML pages, static files, "
               "sign-in flows, inbound webhooks, AJAX helpers of the site's own "
               "pages and health/metrics/docs routes are left out, and the evidence counts them; so are, in a site "
               "whose API lives under /api or a version, the JSON routes of modules that render its pages. A GraphQL "
               "endpoint evolves through its schema and is not judged.")
    global_marks = staticmethod(_version_marks)
    examples = (
        Example({
            "app/api/__init__.py": "from flask import Blueprint\n\napi = Blueprint('api', __name__)\n\n"
                                   "from . import files  # noqa: E402,F401\n",
            "app/api/files.py": "from flask import jsonify\n\nfrom app.api import api\n\n\n@api.route('/files', methods=['GET'])\n"
                                "def files():\n    return jsonify(files=[])\n",
            "app/server.py": "import functools\n\nfrom flask import Flask\n\n\ndef create_app():\n    app = Flask(__name__)\n"
                             "    from app.api import api\n\n"
                             "    registrators = [functools.partial(app.register_blueprint, api, url_prefix='/api/v1')]\n"
                             "    for register in registrators:\n        register()\n    return app\n",
        }, findings=0, status="pass", note="a blueprint registered through functools.partial, run later"),
        Example({
            "app/api/base.py": "from aiohttp import web\n\nroutes = web.RouteTableDef()\n",
            "app/api/clients.py": "from aiohttp import web\n\nfrom .base import routes\n\n\n@routes.get('/clients')\n"
                                  "async def get_clients(request: web.Request) -> web.Response:\n    return web.json_response([])\n",
            "app/api/__init__.py": "from aiohttp import web\n\nfrom . import clients  # noqa: F401\nfrom .base import routes\n\n\n"
                                   "def init() -> web.Application:\n    app = web.Application()\n    app.add_routes(routes)\n"
                                   "    return app\n",
        }, findings=1, status="fail", note="aiohttp routes declared on a route table another module of the package makes"),
        Example(_service(prefix="/api/v1"), findings=0, status="pass", note="include_router prefix"),
        Example(_service(prefix="/apiv2"), findings=0, status="pass", note="a version joined to the API's name"),
        Example(_service(prefix="/apiary"), findings=2, status="fail", note="a word that only starts like one"),
        Example({
            "app/api/controller.py": "from flask_restful import Api\n\n\nclass ApiController(Api):\n    pass\n",
            "app/api/apps.py": "from flask_restful import Resource\n\n\nclass AppIndex(Resource):\n"
                               "    def get(self):\n        return []\n\n    def post(self):\n        return {}, 201\n",
            "app/config.py": "import flask\n\nfrom app.api.controller import ApiController\n\n"
                             "api = ApiController(prefix=\"/api/0\")\n\n\ndef create_app():\n    app = flask.Flask(__name__)\n"
                             "    from app.api.apps import AppIndex\n\n    api.add_resource(AppIndex, \"/apps/\")\n"
                             "    api.init_app(app)\n    return app\n",
        }, findings=0, status="pass", note="the project's own Api subclass, built with a numbered prefix"),
        Example({
            "app/server.py": "from aiohttp import web\n\nfrom app.api import make_api\n\n\ndef main():\n"
                             "    app = web.Application()\n    app.add_subapp('/api/v2', make_api())\n    web.run_app(app)\n",
            "app/api.py": "from aiohttp import web\n\n\nclass AgentApi:\n    def add_routes(self, app):\n"
                          "        router = app.router\n        router.add_get('/agents', self.get_agents)\n"
                          "        router.add_route('DELETE', '/agents/{id}', self.delete_agent)\n\n"
                          "    async def get_agents(self, request):\n        return web.json_response(load())\n\n"
                          "    async def delete_agent(self, request):\n"
                          "        return web.json_response(drop(request.match_info['id']))\n\n\n"
                          "def make_api():\n    app = web.Application()\n    AgentApi().add_routes(app)\n    return app\n",
        }, findings=0, status="pass", note="aiohttp: routes added on a sub-application mounted under /api/v2"),
        Example({
            "app/__init__.py": "import flask\n\nfrom app import api\n\n\ndef create_app(config):\n"
                               "    app = flask.Flask(__name__)\n    api.register(app, config['WEB_API'])\n    return app\n",
            "app/api/__init__.py": "from . import v1 as APIv1\n\n\ndef register(app, web_api_root):\n"
                                   "    app.register_blueprint(APIv1.blueprint, url_prefix=f'{web_api_root}/v{int(APIv1.VERSION)}')\n",
            "app/api/v1/__init__.py": "from flask import Blueprint\nfrom flask_restx import Api\n\nVERSION = 1.0\n"
                                      "blueprint = Blueprint('api_v1', __name__)\napi = Api(blueprint, validate=True)\n\n"
                                      "from .alias import alias  # noqa: E402\n",
            "app/api/v1/alias.py": "from flask_restx import Resource\n\nfrom . import api\n\n"
                                   "alias = api.namespace('alias', description='Aliases')\n\n\n@alias.route('/<string:name>')\n"
                                   "class Alias(Resource):\n    def get(self, name):\n        return load(name)\n\n"
                                   "    def delete(self, name):\n        return remove(name)\n",
        }, findings=0, status="pass",
            note="flask-restx: a namespace of an Api on a blueprint mounted under /<root>/v<VERSION>"),
        Example({**_service(prefix="/api/v1"),
                 "app/main.py": _FASTAPI_APP.format(prefix="/api/v1") + "\n\n@app.get('/health/workers')\n"
                                "def workers_health() -> dict:\n    return {'workers': []}\n\n\n"
                                "@app.get('/health/database')\ndef database_health() -> dict:\n    return {}\n"},
                findings=0, status="pass", note="the checks of a /health area are health routes, not the API"),
        Example({"app.py": "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/<int(min=3, max=3):ver>/action/<logic_function>', methods=['POST'])\n"
                           "def action(ver, logic_function):\n    return jsonify(run(logic_function))\n\n\n"
                           "@app.route('/api/servers/<int:server>')\ndef server(server):\n    return jsonify({})\n"},
                findings=1, status="fail", note="a version the client puts in the path (<int:ver>); a server id is none"),
        Example({"app.py": "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api')\ndef root():\n    return jsonify(versions=[3])\n\n\n"
                           "def action(logic_function, ver=3):\n    return jsonify(run(logic_function))\n\n\n"
                           "app.add_url_rule('/api/action/<logic_function>', view_func=action, methods=['GET', 'POST'])\n"
                           "app.add_url_rule('/api/<int(min=3, max=3):ver>/action/<logic_function>', view_func=action,\n"
                           "                 methods=['GET', 'POST'])\n"},
                findings=0, status="pass",
                note="the root that lists the versions, and the same view served with and without a version"),
        Example({"app.py": "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/orders')\ndef orders():\n    return jsonify([])\n\n\n"
                           "@app.route('/api/users')\ndef users():\n    return jsonify([])\n"},
                findings=1, lines=(12,), status="fail", note="another view without a version is still judged"),
        Example({"app.py": "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/datasets')\ndef datasets():\n    return jsonify(find_datasets())\n\n\n"
                           "def general():\n    return output_feed(find_datasets(), mimetype='application/atom+xml')\n\n\n"
                           "app.add_url_rule('/dataset.atom', view_func=general)\n"
                           "app.add_url_rule('/tag/<string:id>.atom', view_func=general)\n"},
                findings=0, status="pass", note="Atom feeds for feed readers are not routes of the JSON API"),
        Example(_service(), findings=2, status="fail"),
        Example({
            "app.py": "from flask import Flask\nfrom views import bp\n\napp = Flask(__name__)\n"
                      "app.register_blueprint(bp, url_prefix='/v2/orders')\n",
            "views.py": "from flask import Blueprint\n\nbp = Blueprint('orders', __name__, url_prefix='/orders')\n\n\n"
                        "@bp.route('/')\ndef index():\n    return []\n",
        }, findings=0, status="pass", note="register_blueprint url_prefix replaces the blueprint's own"),
        Example({"app/lib.py": "def add(a, b):\n    return a + b\n"}, status="n/a", note="no routes at all"),
        Example({"shop/urls.py": "from django.urls import include, path\n\nfrom shop.views import api, select2\n\n"
                                  "urlpatterns = [\n    path('api/v2/products', api.product_list),\n"
                                  "    path('widgets/select2/users', select2.UserSelect2View.as_view()),\n"
                                  "    path('form-select2/', include([path('item/', select2.ItemSelect2View.as_view())])),\n]\n",
                 "shop/views/api.py": "from django.http import JsonResponse\n\n\ndef product_list(request):\n"
                                       "    return JsonResponse({'objects': list(Product.objects.values('code'))})\n",
                 "shop/views/select2.py": "from django.http import JsonResponse\nfrom django.views.generic.list import "
                                           "BaseListView\n\n\nclass UserSelect2View(BaseListView):\n"
                                           "    def get(self, request):\n        return JsonResponse({'results': []})\n\n\n"
                                           "class ItemSelect2View(UserSelect2View):\n    pass\n"},
                findings=0, status="pass", note="the data feeds of the site's Select2 form widgets are AJAX helpers"),
        Example({"web/decorators.py": "from functools import wraps\n\nfrom flask import render_template, request\n\n\n"
                                     "def template_renderer(template=None):\n    def decorator(f):\n        @wraps(f)\n"
                                     "        def decorated(*args, **kwargs):\n            ctx = f(*args, **kwargs)\n"
                                     "            return render_template(template or request.endpoint + '.html', **ctx)\n"
                                     "        return decorated\n    return decorator\n",
                 "web/app.py": "from flask import Flask, jsonify\n\nfrom web.decorators import template_renderer\n\n"
                              "app = Flask(__name__)\n\n\n@app.route('/regression')\n@template_renderer()\ndef index():\n"
                              "    return {'tests': BuildRun.query.all()}\n\n\n"
                              "@app.route('/api/v1/tests')\ndef tests():\n"
                              "    return jsonify([t.to_dict() for t in BuildRun.query.limit(50)])\n"},
                findings=0, status="pass", note="a page whose returned dict a decorator renders into a template is no API"),
        Example(_LATEST_ALIAS, findings=0, status="pass",
                note="routers mounted under /v1, and again as an undocumented /latest alias kept out of the schema"),
        Example(_NINJA_UNVERSIONED, findings=2, status="fail",
                note="django-ninja: the API's URL list, imported under another name, mounted without a version"),
        Example({
            "app/main.py": "from fastapi import FastAPI, Header\n\napp = FastAPI()\n\n\n"
                           "@app.get('/orders')\ndef orders(api_version: str = Header('1')) -> list[dict]:\n    return []\n",
        }, findings=0, status="pass", note="a version header parameter"),
        Example({
            "talks/api/versions.py": "from rest_framework import exceptions\n\nSUPPORTED = ('v1', 'v2')\n\n\n"
                                     "def api_version(request):\n    version = request.headers.get('talks-version') or 'v2'\n"
                                     "    if version not in SUPPORTED:\n        raise exceptions.APIException('unsupported version')\n"
                                     "    return version\n",
            "talks/api/urls.py": "from django.urls import path\n\nfrom talks.api import views\n\n"
                                 "urlpatterns = [path('api/events/', views.events)]\n",
            "talks/api/views.py": "from django.http import JsonResponse\n\nfrom talks.api.versions import api_version\n\n\n"
                                  "def events(request):\n    return JsonResponse({'version': api_version(request), 'results': []})\n",
        }, findings=0, status="pass", note="the API's own version header, read for every request"),
        Example({
            "talks/api/client.py": "def client_of(request):\n    return request.headers.get('X-Client-Version', '')\n",
            "talks/api/urls.py": "from django.urls import path\n\nfrom talks.api import views\n\n"
                                 "urlpatterns = [path('api/events/', views.events)]\n",
            "talks/api/views.py": "from django.http import JsonResponse\n\n\ndef events(request):\n"
                                  "    return JsonResponse({'results': []})\n",
        }, findings=1, status="fail", note="the version of the client's own software is no API version"),
        Example({
            "hub/user.py": "import requests\n\n\ndef server_version(url):\n"
                           "    resp = requests.get(url, timeout=5)\n    return resp.headers.get('X-Hub-Version')\n",
            "hub/urls.py": "from django.urls import path\n\nfrom hub import views\n\n"
                           "urlpatterns = [path('api/users/', views.users)]\n",
            "hub/views.py": "from django.http import JsonResponse\n\n\ndef users(request):\n"
                            "    return JsonResponse({'results': []})\n",
        }, findings=1, status="fail", note="a response's version header is the server telling its own version"),
        Example({
            "cves/api.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/cve/<cve_id>')\ndef cve(cve_id):\n"
                           "    cvss = request.headers.get('cvssVersion', '3')\n    return jsonify(load(cve_id, cvss))\n",
        }, findings=1, status="fail", note="a header choosing which version of the data to show is no API version"),
        Example({
            "kb/api.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n"
                         "@app.route('/api/articles')\ndef articles():\n"
                         "    platform = request.headers.get('Sec-CH-UA-Platform-Version', '')\n"
                         "    return jsonify(for_platform(platform))\n",
        }, findings=1, status="fail", note="the browser's client hint for its OS version is no API version"),
        Example({
            "shop/routes.py": "def includeme(config):\n    config.add_route('index', '/')\n"
                              "    config.add_route('api.project', '/pypi/{name}/json')\n"
                              "    config.add_route('api.v1.orders', '/api/v1/orders')\n",
            "shop/views.py": "from pyramid.view import view_config\n\n\n"
                             "@view_config(route_name='index', renderer='templates/index.html')\ndef index(request):\n"
                             "    return {}\n\n\n@view_config(route_name='api.project', renderer='json')\n"
                             "def project(request):\n    return {'name': request.matchdict['name']}\n\n\n"
                             "@view_config(route_name='api.v1.orders', renderer='json', request_method='GET')\n"
                             "def orders(request):\n    return []\n",
        }, findings=1, lines=(10,), status="fail",
            note="Pyramid: views find their paths through the route names add_route gives; the HTML page is left out"),
        Example({
            "store/__init__.py": "from pyramid.config import Configurator\n\nAPI_VERSION = '1.0'\n\n\ndef main(settings):\n"
                                 "    api_version = f\"v{API_VERSION.split('.')[0]}\"\n    config = Configurator(settings=settings)\n"
                                 "    config.include('store.views', route_prefix=api_version)\n    return config.make_wsgi_app()\n",
            "store/views.py": "from cornice import Service\n\nbuckets = Service(name='buckets', path='/buckets')\n\n\n"
                              "@buckets.get()\ndef list_buckets(request):\n    return {'data': []}\n",
        }, findings=0, status="pass", note="Cornice services under a Pyramid route_prefix that is the API's version"),
        Example({
            "app/main.py": "from fastapi import FastAPI\nfrom fastapi.responses import RedirectResponse\n\n"
                           "app = FastAPI()\n\n\n@app.get('/api/v1/orders')\ndef orders() -> list[dict]:\n    return []\n\n\n"
                           "@app.get('/t/{code}')\ndef short_link(code: str):\n"
                           "    return RedirectResponse(url=f'/wallet?code={code}')\n",
        }, findings=0, status="pass", note="a redirect for browsers is not an API route"),
        Example(_REEXPORTED_RESOURCE, findings=0, status="pass",
                note="flask-restful resources re-exported by their package, published under /api/v1"),
        Example(_SUPERDESK_APPS, findings=0, status="pass",
                note="a Superdesk application's blueprint, served under the URL_PREFIX of the app that lists it"),
        Example({**_SUPERDESK_APPS, "site/news_api/settings.py": "URL_PREFIX = 'api'\nCORE_APPS = ['site.news_api.feed']\n"},
                findings=1, lines=(12,), status="fail", note="the same blueprint in an application without a version"),
        Example(_SITE_HELPERS, findings=0, status="pass",
                note="the JSON route of a module that renders the site's pages, in a site with an /api/v1 API"),
        Example({**_SITE_HELPERS, "site/rows.py": "from flask import Blueprint, jsonify\n\nbp = Blueprint('rows', __name__)\n\n\n"
                 "@bp.route('/rows')\ndef rows():\n    return jsonify(rows=[])\n"}, findings=1, lines=(7,), status="fail",
                note="a JSON route in a module that renders no page is judged"),
        Example(_nginx_subrequests(), findings=0, status="pass",
                note="a route under a location the shipped nginx marks internal answers nginx's subrequests, not clients"),
        Example(_nginx_subrequests(_REMAPPING_LOCATION), findings=1, lines=(16,), status="fail",
                note="another location that strips its prefix before the app reaches the internal route from outside"),
        Example(_rpc_site(), findings=2, status="fail", note="JSON-RPC and XML-RPC endpoints are the API, unversioned"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        routes, reason, everything = _api_routes(project, collected)
        routes, everything, internal = _nginx_only(project, _published(routes, everything), everything)
        graphql = [r for r in routes if r.graphql]  # one GraphQL endpoint evolves by its schema
        # a prefix the scan could not resolve, unless a version segment of it is plain (/v{API_VERSION} under it)
        unknown = [r for r in routes if any(unresolved(s) for s in r.segments) and not self._versioned(r)]
        routes = [r for r in routes if r not in graphql and r not in unknown]
        if not routes:
            return Verdict(NotApplicable(reason or ("the API's prefix could not be resolved" if unknown else
                                                    "only a GraphQL endpoint: it evolves through its schema")),
                           evidence=internal)
        marks = self._globals(collected)
        if marks:
            return Verdict(Share(len(routes), len(routes), "routes", "are versioned"),
                           summary=f"{_plural(len(routes), 'route')} versioned by {marks[0].message}",
                           evidence=tuple(marks) + _left_out(everything, routes) + internal)
        # the API's bare root (GET /api) is where clients discover the versions: it cannot carry one itself
        routes = [r for r in routes if [s.lower() for s in r.segments] not in (["api"], ["rest"])] or routes
        # a view also served under a versioned path: the unversioned path is an alias clients need not use
        pinned = {(r.file, r.handler) for r in routes if self._versioned(r)}
        return _route_share(self.id, routes, lambda r: self._versioned(r) or (r.file, r.handler) in pinned,
                            noun="route", good_label="are versioned",
                            missing=lambda r: f"{r.label} has no version in its path or headers",
                            present=lambda r: f"{r.label} is versioned", extra=_left_out(everything, routes) + internal)

    @staticmethod
    def _versioned(route: Route) -> bool:
        segs = route.segments
        if any(VERSION_SEGMENT.match(s) for s in segs):
            return True
        if any(a.lower() == "api" and b.isdigit() for a, b in zip(segs, segs[1:], strict=False)):  # /api/1/...
            return True
        if any(_VERSION_PARAM.search(s) for s in segs):  # /api/<int(min=3):ver>/action/...: the client names it
            return True
        if any(_VERSION_EXPR.match(s) for s in segs):  # f"{root}/v{int(api.VERSION)}": the code fills in a number
            return True
        if set(route.fact.headers) & _VERSION_HEADERS:
            return True
        return any(d.rpartition(".")[2] == "version" for d in route.fact.decorators)


# A path parameter that carries the version: <int:ver>, <int(min=3, max=3):ver>, {version}, (?P<api_version>...)
_VERSION_PARAM = lazy_compile(r"^[<{](?:[^:>}]*:)?(?:api_?)?(?:ver|version)[>}]$|^\(\?P<(?:api_?)?(?:ver|version)>",
                              re.IGNORECASE)


# A segment the code computes as "v" and a number (v{?int(VERSION)}); a bare {?API_VERSION} may hold any word.
_VERSION_EXPR = lazy_compile(r"^(?:api[-_]?)?v\{\?[^}]*\}$", re.IGNORECASE)


class Pagination(_RouteCheck):
    id = "pagination"
    severity = "medium"
    effort = "1-2d"
    title = "Paginated list endpoints"
    rationale = (
        "A list endpoint without pagination returns every record: responses and memory grow with the "
        "data until requests time out or the service runs out of memory."
    )
    remediation = (
        "Give every collection GET `limit`/`offset` (or `page`/`page_size`, or a cursor) with a sane maximum, "
        "or use fastapi-pagination (`Page[...]`), Django's `Paginator`/`paginate_by`, DRF pagination classes."
    )
    scoring = ("Share of list endpoints that take pagination parameters or use a pagination helper (DRF "
               "DEFAULT_PAGINATION_CLASS or PAGINATE_BY, Eve's default paging, flask-rest-jsonapi resource lists, GraphQL "
               "connections), or that cut their result to a size fixed in code (`[:100]`, `.limit(50)`). "
               "A list endpoint is a collection "
               "GET: a list response model, a returned list, a page or limit parameter; aggregates (stats, counts, "
               "settings), single objects, proxies of another service's list and the entries of a fixed table written "
               "in code (an upper-case constant) are not.")
    examples = (
        Example({
            "proj/api/routers.py": "from rest_framework import routers\n\n\nclass ProjectRouter(routers.DefaultRouter):\n"
                                   "    pass\n\n\nrouter = ProjectRouter()\n",
            "proj/api/__init__.py": "from proj.api.routers import router  # noqa: F401\n",
            "proj/supports/api.py": "from rest_framework import viewsets\nfrom rest_framework.pagination import PageNumberPagination\n\n"
                                    "from proj.api import router\nfrom proj.supports.models import Support\n\n\n"
                                    "class SupportViewSet(viewsets.ModelViewSet):\n    queryset = Support.objects.all()\n"
                                    "    pagination_class = PageNumberPagination\n\n\nrouter.register(r'supports', SupportViewSet)\n",
            "proj/urls.py": "from django.urls import include, path\n\nfrom proj.api import router\n\n"
                            "urlpatterns = [path('api/', include(router.urls))]\n",
        }, findings=0, status="pass", note="viewsets registered on the project's router, imported from another module"),
        Example({"msgs/urls.py": "from django.conf import settings\nfrom django.urls import path\n\nfrom msgs import api\n\n"
                                 "urlpatterns = [path('api/v1/messages/', api.MessageListView.as_view())]\n\n"
                                 "if settings.DEBUG:\n    urlpatterns += [path('api/v1/debug-msgs/', api.all_test_messages)]\n",
                 "msgs/api.py": "from django.http import JsonResponse\nfrom rest_framework.generics import ListAPIView\n"
                                "from rest_framework.pagination import LimitOffsetPagination\n\nfrom msgs.models import Message\n\n\n"
                                "class MessageListView(ListAPIView):\n    pagination_class = LimitOffsetPagination\n\n\n"
                                "def all_test_messages(request):\n"
                                "    return JsonResponse([m.to_dict() for m in Message.objects.all()], safe=False)\n"},
                findings=0, status="pass", note="a route added only under settings.DEBUG is not served in production"),
        Example({"srv/rest.py": "from flask import Blueprint, jsonify\nfrom marshmallow import validate\n"
                                "from webargs import fields\nfrom webargs.flaskparser import use_kwargs\n\n"
                                "blueprint = Blueprint('workflows', __name__)\n\n\n"
                                "@blueprint.route('/api/v1/workflows', methods=['GET'])\n"
                                "@use_kwargs({'page': fields.Int(validate=validate.Range(min=1)),\n"
                                "             'size': fields.Int(validate=validate.Range(min=1))}, location='query')\n"
                                "def workflows(page=1, size=20):\n"
                                "    return jsonify(list_workflows(page, size))\n"},
                findings=0, status="pass", note="page and size declared as query arguments with webargs"),
        Example({"app/api.py": "from flask import Blueprint, request\nfrom flask.views import MethodView\n\n"
                               "from app.models import User\n\nblueprint = Blueprint('api', __name__)\n\n\n"
                               "class UserAPI(MethodView):\n    def get(self, oid):\n        if oid is None:\n"
                               "            limit, offset = self._limit_and_offset()\n"
                               "            return {'users': [u.to_dict() for u in User.query.limit(limit).offset(offset)]}\n"
                               "        return User.query.get_or_404(oid).to_dict()\n\n"
                               "    def _limit_and_offset(self):\n"
                               "        return min(100, int(request.args.get('limit', 20))), int(request.args.get('offset', 0))\n\n\n"
                               "def register_api(view, endpoint, url, pk='id', pk_type='int'):\n"
                               "    view_func = view.as_view(endpoint)\n"
                               "    blueprint.add_url_rule(url, view_func=view_func, defaults={pk: None}, methods=['GET', 'OPTIONS'])\n"
                               "    blueprint.add_url_rule('%s/<%s:%s>' % (url, pk_type, pk), view_func=view_func,\n"
                               "                           methods=['GET', 'PUT', 'DELETE', 'OPTIONS'])\n\n\n"
                               "register_api(UserAPI, 'api_user', '/api/v1/users', pk='oid')\n"},
                findings=0, status="pass",
                note="Flask's register_api helper; the class's own helper method reads limit and offset"),
        Example({
            "app/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n\n"
                           "from app import viewsets\n\nrouter = DefaultRouter()\nrouter.register('users', viewsets.UserViewSet)\n\n"
                           "urlpatterns = [path('api/v1/', include(router.urls))]\n",
            "app/viewsets.py": "from django.conf import settings\nfrom rest_framework import mixins, viewsets\n\n"
                               "from app.models import User\n\n\nclass UserViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                               "    pagination_class = None\n\n    def get_queryset(self):\n"
                               "        query = self.request.query_params.get('q', '')\n"
                               "        users = User.objects.filter(email__icontains=query).order_by('email')\n"
                               "        return users[: settings.API_USERS_LIST_LIMIT]\n",
        }, findings=0, status="pass", note="a viewset whose queryset is cut to a size a setting fixes"),
        Example({
            "apps/public_api/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n\n"
                                       "from . import views\n\nrouter = DefaultRouter()\n"
                                       "router.register(r'users', views.UserView, basename='users')\n\n"
                                       "urlpatterns = [path('api/v1/', include(router.urls))]\n",
            "apps/public_api/views/__init__.py": "from .users import UserView  # noqa: F401\n",
            "apps/public_api/views/users.py": "from rest_framework import mixins, viewsets\n"
                                              "from rest_framework.pagination import PageNumberPagination\n\n\n"
                                              "class UserView(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                                              "    pagination_class = PageNumberPagination\n",
            "apps/internal_api/views/user.py": "from rest_framework import viewsets\n\n\n"
                                               "class UserView(viewsets.ViewSet):\n    pass\n",
        }, findings=0, status="pass", note="a view the package re-exports, though another class shares its name"),
        Example(_service(params="limit: int = 50, offset: int = 0"), findings=0, status="pass"),
        Example(_service(), findings=1, lines=(7,), status="fail", note="GET /orders returns everything"),
        Example({
            "app.py": "from flask import Flask, jsonify, request\n\napp = Flask(__name__)\nMAX_HITS = 100\n\n\n"
                      "@app.route('/api/search')\ndef search():\n    hits = Issue.query.filter(Issue.name.contains(request.args['q']))\n"
                      "    return jsonify([h.to_dict() for h in hits[:MAX_HITS]])\n\n\n"
                      "@app.route('/api/latest')\ndef latest():\n    return jsonify([i.to_dict() for i in Issue.query.limit(20)])\n",
        }, findings=0, status="pass", note="results cut to a size fixed in code are bounded"),
        Example({
            "app.py": "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                      "@app.route('/items')\ndef items():\n    page = request.args.get('page', 1, type=int)\n"
                      "    return []\n\n\n@app.route('/items/<int:item_id>')\ndef item(item_id):\n    return {}\n",
        }, findings=0, status="pass", note="Flask request.args; the item route is not a list endpoint"),
        Example({
            "shop/urls.py": "from django.urls import path\nfrom . import views\n\n"
                            "urlpatterns = [path('orders/', views.order_list)]\n",
            "shop/views.py": "from django.http import JsonResponse\n\n\ndef order_list(request):\n"
                             "    return JsonResponse({'orders': list(Order.objects.values())})\n",
            "shop/__init__.py": "",
        }, findings=1, status="fail", note="a Django view listing every order as JSON"),
        Example({
            "cams/__init__.py": "",
            "cams/responses.py": "from pydantic import BaseModel\n\n\nclass ExportModel(BaseModel):\n    id: str\n\n\n"
                                 "ExportsResponse = list[ExportModel]\n",
            "cams/main.py": "from fastapi import FastAPI\n\nfrom cams.responses import ExportModel, ExportsResponse\n\n"
                            "app = FastAPI()\n\n\n@app.get('/api/exports', response_model=ExportsResponse)\n"
                            "def get_exports():\n    return Export.select()\n\n\n"
                            "@app.get('/api/event_ids', response_model=list[ExportModel])\ndef event_ids(ids: str):\n"
                            "    return [Export.get(Export.id == i) for i in ids.split(',')]\n",
        }, findings=1, lines=(9,), status="fail",
            note="a response model that is a list alias lists; the rows a caller names by id are bounded by the request"),
        Example({
            "newsroom/api.py": "from typing import Tuple\n\nimport flask\nfrom flask import Flask, jsonify\n\n"
                               "app = Flask(__name__)\n\n\n@app.route('/api/v1/')\ndef get_endpoints() -> Tuple[flask.Response, int]:\n"
                               "    return jsonify({'users_url': '/api/v1/users', 'user_url': '/api/v1/user'}), 200\n\n\n"
                               "@app.route('/api/v1/user')\ndef get_current_user() -> Tuple[flask.Response, int]:\n"
                               "    return jsonify(current_user().to_json()), 200\n\n\n"
                               "@app.route('/api/v1/users')\ndef get_all_users() -> Tuple[flask.Response, int]:\n"
                               "    return jsonify({'users': [u.to_json() for u in Journalist.query.all()]}), 200\n",
        }, findings=1, lines=(20,), status="fail",
            note="Flask's (response, status) pair is no list: only /users lists, not the API root or the current user"),
        Example({
            "shop/urls.py": "from django.urls import path\nfrom . import views\n\n"
                            "urlpatterns = [path('orders/', views.order_list)]\n",
            "shop/views.py": "from django.shortcuts import render\n\n\ndef order_list(request):\n"
                             "    return render(request, 'orders.html', {'orders': Order.objects.all()})\n",
            "shop/__init__.py": "",
        }, status="n/a", note="an HTML page is not an API list endpoint"),
        Example({"app/lib.py": "def add(a, b):\n    return a + b\n"}, status="n/a", note="no routes at all"),
        Example(_PROXIED_LIST, findings=0, status="pass",
                note="another service's list, fetched and passed on: that service pages it"),
        Example(_FIXED_TABLE, findings=0, status="pass", note="the entries of a fixed table written in code"),
        Example(_FIXED_TABLE_VIEWSET, status="n/a", note="a viewset listing a fixed table's entries has no list endpoint"),
        Example(_LOOP_BUILT_TABLE, status="n/a", note="a list appended to in a loop over a fixed table in settings"),
        Example({"app/main.py": "from fastapi import APIRouter, FastAPI\n\nfrom app import constants\n\n"
                 "router = APIRouter()\n\n\n@router.get('/backups/providers')\nasync def providers():\n"
                 "    return constants.BACKUP_PROVIDERS\n\n\napp = FastAPI()\napp.include_router(router)\n",
                 "app/constants.py": "BACKUP_PROVIDERS = ['local', 's3', 'scp']\n"},
                status="n/a", note="a route that returns a constant table of the code"),
        Example({"api/urls.py": "from django.urls import include, path\nfrom rest_framework import routers\n\nfrom api import views\n\n\n"
                                "class RouterWithExtraPaths(routers.DefaultRouter):\n    extra = []\n\n\n"
                                "router = RouterWithExtraPaths()\nrouter.register(r'feedings', views.FeedingViewSet)\n\n"
                                "urlpatterns = [path('api/', include(router.urls))]\n",
                 "api/views.py": "from rest_framework import viewsets\n\nfrom api.models import Feeding\n\n\n"
                                 "class FeedingViewSet(viewsets.ModelViewSet):\n    queryset = Feeding.objects.all()\n",
                 "proj/settings.py": "REST_FRAMEWORK = {'DEFAULT_PAGINATION_CLASS': "
                                     "'rest_framework.pagination.LimitOffsetPagination', 'PAGE_SIZE': 100}\n"},
                status="pass", note="viewsets registered on the project's own subclass of DefaultRouter"),
        Example({"app/urls.py": "from django.urls import path\n\nfrom app import views\n\n"
                                "urlpatterns = [path('api/export/v0/tables/', views.export_table)]\n",
                 "app/views.py": "from django.http import JsonResponse\n\nfrom app.csv import stream_table_as_csv\n\n\n"
                                 "def export_table(request):\n    table = request.GET.get('table')\n    if not table:\n"
                                 "        return JsonResponse({'errors': ['table']}, status=400)\n"
                                 "    return stream_table_as_csv(request, table)\n"},
                status="n/a", note="an export streams the rows into a file; it is not a list to page"),
        Example(_LOOP_BUILT_ROWS, status="fail", findings=1, note="the same loop over the database's rows"),
        Example(_OLD_DRF_PAGE_SIZE, findings=0, status="pass",
                note="REST_FRAMEWORK's PAGINATE_BY (DRF before 3.1) pages every list view"),
        Example({**_OLD_DRF_PAGE_SIZE,
                 "shop/settings.py": "from configurations import Configuration\n\n\nclass BaseSettings(Configuration):\n"
                                     "    REST_FRAMEWORK = {\n"
                                     "        'DEFAULT_PAGINATION_CLASS': 'rest_framework.pagination.LimitOffsetPagination',\n"
                                     "        'PAGE_SIZE': 10,\n    }\n"}, findings=0, status="pass",
                note="REST_FRAMEWORK set in a settings class (django-configurations)"),
        Example({**_OLD_DRF_PAGE_SIZE, "shop/settings.py": "REST_FRAMEWORK = {'PAGINATE_BY': None}\n"}, findings=1,
                status="fail", note="no page size set"),
        Example(_EVENT_FIGURES, status="n/a",
                note="the distinct values of one column, and counts under a statistics prefix, are figures, not rows"),
        Example(_EVENT_ROWS, status="fail", findings=1, lines=(8,), note="distinct whole rows are a collection"),
        Example(_BUNDLES, status="fail", findings=1, lines=(49,),
                note="a bundle with several lists of its parts is one document, statistics and info one object, a health "
                     "probe no list; "
                     "a model wrapping one list is a list"),
        Example(_RESTX_LISTS, status="fail", findings=1, lines=(12,),
                note="flask-restx marshalling a list: /cwe returns every row, /capec takes a limit"),
        Example(_CONNEXION_APP, status="fail", findings=1, lines=(17,),
                note="connexion operations declared in the OpenAPI file: /projects pages, the members list does not"),
        Example(_OWN_ROUTER, status="pass", findings=0,
                note="a project's own router serving an OpenAPI file whose operationIds name its controllers"),
        Example(_JOB_AND_STATS, status="fail", findings=1, lines=(6,),
                note="a GET that starts a job and answers one object, and a compound /serverstats, are no lists"),
        Example(_COUNT_AND_PAGE, status="fail", findings=1, lines=(9,),
                note="a count answered as an int is one value, and a page rendered by the project's own template "
                     "response helper is HTML: only the analyses list is judged"),
        Example(_TOKEN_GUARDED, status="fail", findings=1, lines=(15,),
                note="a list behind an API token compared in constant time is the API, not another system's webhook"),
        Example(_PAGE_ID, status="fail", findings=1, lines=(14,),
                note="?page_id= names the page to show; a verbosity switch is no page"),
        Example(_NINJA_SHOP, status="fail", findings=1, lines=(7,),
                note="django-ninja routers added to a NinjaAPI mounted with api.urls: @paginate pages the orders, "
                     "the customers list returns every row"),
        Example(_FORM_MODEL, status="fail", findings=1, lines=(17,),
                note="the form of one area is one object, whatever rows it holds; the forms are a collection"),
        Example(_BREAKDOWNS, status="fail", findings=1, lines=(18,),
                note="figures grouped by quarter or by service are a report, not a collection; the hours themselves are"),
        Example(_FIXED_DOCUMENTS, status="fail", findings=2, lines=(31, 39),
                note="a key set written out key by key, a table of settings under one key and a mapping keyed by a "
                     "fixed table are sized by the code; accounts or keys read from the database are a collection"),
        Example(_RECORD_MODELS, status="fail", findings=2, lines=(19, 25),
                note="a record with an id, or with thresholds beside its one list, is one object; a model holding a "
                     "list and its count wraps the list, and so does one a route is named for (/steps)"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        api, reason, everything = _api_routes(project, collected)
        routes = [r for r in api if r.collection]
        if not routes:
            return Verdict(NotApplicable(reason or "no list endpoints (collection GETs) found"))
        settings = _drf_settings(collected)
        return _route_share(
            self.id, routes, lambda r: _paginated(r, settings), noun="list endpoint", good_label="paginate",
            missing=lambda r: (f"connection {r.label} has no maximum page size (max_limit=None): `first` is unbounded"
                               if "@unbounded" in r.fact.calls else
                               f"list endpoint {r.label} is not paginated (no limit/offset, page or cursor)"),
            present=lambda r: f"{r.label} paginates", extra=_left_out(everything, api))


def _paginated(route: Route, settings: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    fact = route.fact
    if {p.lower() for p in route.query} & PAGINATION_PARAMS or fact.shape == "page":
        return True
    if _drf_default(route, settings, "DEFAULT_PAGINATION_CLASS", "pagination_class") \
            or _drf_default(route, settings, "PAGINATE_BY", "paginate_by"):  # DRF before 3.1: a page size for every list
        return True
    if any(re.search(r"pagina|Params$|Page$", d) for d in route.all_dependencies):
        return True
    calls = set(fact.calls)
    if calls & {"paginate", "Paginator", "paginate_queryset", "paginate_by", "pagination_class", "get_page",
                 "get_paginated_response", "paginated_response", "@capped"}:
        return True
    return any("paginat" in d for d in fact.decorators)


_SLOWAPI_DEFAULTS = "slowapi default limits"
_SLOWAPI_MIDDLEWARE = ("SlowAPIMiddleware ", "SlowAPIASGIMiddleware ")
_RATE_MIDDLEWARE = frozenset({"SlowAPIMiddleware", "SlowAPIASGIMiddleware", "RateLimitMiddleware", "RateLimiterMiddleware",
                              "RatelimitMiddleware", "ThrottlingMiddleware"})


# Query depth and cost limits: what rate limiting is for one GraphQL endpoint where one request can cost anything.
_GRAPHQL_LIMIT = "GraphQL query depth/cost limit"
_GRAPHQL_LIMITERS = frozenset({"depth_limit_validator", "QueryDepthLimiter", "MaxTokensLimiter", "MaxAliasesLimiter",
                               "cost_validator", "DepthLimitRule", "depth_limit", "CostLimitRule", "query_cost_validator"})


_INVENIO_LIMITS = frozenset({"RATELIMIT_GUEST_USER", "RATELIMIT_AUTHENTICATED_USER"})


def _any_value(node: ast.AST) -> bool:
    """A setting given a value: not None, not empty, not False."""
    return not (isinstance(node, ast.Constant) and node.value in (None, "", False))


def _const(node: ast.AST) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


_FALSE_TEXT = frozenset({"false", "0", "no", "off", "n", ""})
_TRUE_TEXT = frozenset({"true", "1", "yes", "on", "y"})
_SETTING_READS = frozenset({"config", "getenv", "get", "env", "bool", "get_bool", "getboolean", "strtobool"})
# a project's own reader of one environment variable: bool_from_env("API_THROTTLING", default=False), or of one
# secret or setting with its default: secrets.get_secret("ELASTICSEARCH_ENABLED", False)
_ENV_HELPERS = lazy_compile(r"^(?:bool_from_env|env_bool|env_flag|getenv_bool(?:ean)?|get_env(?:_bool)?|from_env|"
                            r"get_secret|get_setting)$")


def _default_of(call: ast.Call) -> ast.expr | None | bool:
    """The default of a setting read (``config("X", default="false")``, ``os.getenv("X", "0")``); None when the
    read gives None for a missing setting; False when it is no setting read."""
    name = call_name(call)
    if name == "bool" and call.args and isinstance(call.args[0], ast.Call):
        return _default_of(call.args[0])
    if (name not in _SETTING_READS and not _ENV_HELPERS.match(name)) or not call.args \
            or not isinstance(call.args[0], ast.Constant):
        return False
    default = next((k.value for k in call.keywords if k.arg == "default"), None)
    if default is None and len(call.args) > 1:
        default = call.args[1]
    if default is None and dotted(call.func) in ("os.getenv", "os.environ.get", "environ.get", "getenv"):
        return None  # os.getenv("X"): None when unset (an app's config.get() may be set elsewhere)
    return default if default is not None else False


def false_by_default(source: SourceFile, node: ast.AST, depth: int = 0) -> bool:
    """Whether a switch is off unless the operator sets it: a setting read whose default is false
    (``config("USE_LIMITER", default="false", cast=bool)``), compared with a true value it does not default to,
    or a module-level name holding one."""
    if depth > 3:
        return False
    if isinstance(node, ast.Name) and source.tree is not None:
        values = [stmt.value for stmt in source.tree.body if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                  and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == node.id]
        return len(values) == 1 and false_by_default(source, values[0], depth + 1)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
        left, right = node.left, node.comparators[0]
        if isinstance(left, ast.Call) and call_name(left) in ("lower", "strip") and isinstance(left.func, ast.Attribute):
            left = left.func.value
        wanted = right.value if isinstance(right, ast.Constant) else None
        if isinstance(left, ast.Call) and isinstance(wanted, str) and wanted.lower() in _TRUE_TEXT:
            default = _default_of(left)
            if default is None:
                return True
            return isinstance(default, ast.Constant) and str(default.value).lower() != wanted.lower()
        return False
    if isinstance(node, ast.Call):
        default = _default_of(node)
        if default is None:
            return True
        return isinstance(default, ast.Constant) and (default.value is False or default.value is None or (
            isinstance(default.value, str) and default.value.strip().lower() in _FALSE_TEXT) or default.value == 0)
    return False


def off_by_default(source: SourceFile, node: ast.AST) -> bool:
    """Whether ``node`` runs only under an ``if`` whose switch is off unless the operator sets it."""
    child = node
    for parent in source.ancestors(node):
        if isinstance(parent, ast.If) and child in parent.body and false_by_default(source, parent.test):
            return True
        child = parent
    return False


def _rate_marks(source: SourceFile) -> tuple[Evidence, ...]:
    """Rate limits that cover every route: middleware, app-wide dependencies, Flask-Limiter defaults."""
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = call_name(call)
        if name in ("add_middleware", "Middleware") and call.args:
            middleware = dotted(call.args[0]).rpartition(".")[2]
            limits = middleware in _RATE_MIDDLEWARE or re.search(r"ratelimit|throttl|limiter", middleware, re.IGNORECASE)
            # django-ratelimit's middleware only renders its 403
            if limits and middleware != "RatelimitMiddleware" and not off_by_default(source, call):
                out.append(Evidence(f"{middleware} limits every route", source.path, call.lineno))
        elif name in ("FastAPI", "Flask") and call.keywords:
            deps = next((k.value for k in call.keywords if k.arg == "dependencies"), None)
            if deps is not None and any(call_name(n) == "RateLimiter" for n in ast.walk(deps)):
                out.append(Evidence("app-wide RateLimiter dependency", source.path, call.lineno))
        elif name == "Limiter" and ("flask_limiter" in source.imports or "slowapi" in source.imports):
            defaults = next((k.value for k in call.keywords if k.arg in ("default_limits", "application_limits")), None)
            enabled = next((k.value for k in call.keywords if k.arg == "enabled"), None)
            if defaults is not None and _limits_given(defaults) and not off_by_default(source, call) \
                    and not (enabled is not None and false_by_default(source, enabled)):
                out.append(Evidence(_SLOWAPI_DEFAULTS if "slowapi" in source.imports else "Flask-Limiter default limits",
                                    source.path, call.lineno))
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) in _GRAPHQL_LIMITERS:
            out.append(Evidence(f"{_GRAPHQL_LIMIT} ({call_name(call)})", source.path, call.lineno))
    for node in source.nodes(ast.Assign):  # Flask-Limiter from configuration: RATELIMIT_DEFAULT = "100/hour"
        assert isinstance(node, ast.Assign)
        if any(dotted(t).rpartition(".")[2] == "RATELIMIT_DEFAULT" or (isinstance(t, ast.Subscript) and
               _const(t.slice) == "RATELIMIT_DEFAULT") for t in node.targets) and _const(node.value):
            out.append(Evidence("Flask-Limiter RATELIMIT_DEFAULT limits every route", source.path, node.lineno))
        elif any(isinstance(t, ast.Name) and t.id in _INVENIO_LIMITS for t in node.targets) and _any_value(node.value) \
                and any(module.startswith("invenio_") for module in source.imports):
            # Invenio's application factory applies Flask-Limiter to every view with these per-visitor limits
            out.append(Evidence("Invenio's rate limits (RATELIMIT_GUEST_USER / RATELIMIT_AUTHENTICATED_USER) cover every route",
                                source.path, node.lineno))
    out.extend(_rate_hooks(source))
    for node in source.nodes(ast.Constant):  # django-axes in the middleware or authentication backends
        value = getattr(node, "value", None)
        if isinstance(value, str) and value.endswith(_LOCKOUT_CLASSES) and not off_by_default(source, node):
            out.append(Evidence(f"{_LOGIN_LOCKOUT} ({value.rpartition('.')[2]})", source.path, getattr(node, "lineno", 0)))
            break
    for node in source.nodes(ast.Constant):
        if getattr(node, "value", None) == "DEFAULT_THROTTLE_CLASSES" and _default_throttles(source, node) \
                and not off_by_default(source, node):  # if API_THROTTLING: REST_FRAMEWORK.update(...), off by default
            out.append(Evidence("DRF default throttle classes", source.path, getattr(node, "lineno", 0)))
    for node in source.nodes(ast.Assign, ast.AugAssign):  # Django: MIDDLEWARE = [..., "app.middleware.ThrottleIp"]
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(dotted(t) in ("MIDDLEWARE", "MIDDLEWARE_CLASSES") for t in targets) and \
                isinstance(node.value, (ast.List, ast.Tuple)):
            for elt in node.value.elts:
                name = elt.value.rpartition(".")[2] if isinstance(elt, ast.Constant) and isinstance(elt.value, str) else ""
                if "throttl" in name.lower() or "ratelimit" in name.lower():
                    out.append(Evidence(f"{name} middleware limits every request", source.path, elt.lineno))
    return tuple(out)


def _limits_given(node: ast.expr) -> bool:
    """Default limits a limiter is given: a non-empty list, or one a function computes from the settings
    (``default_limits=get_routes_limits(args)``): Flask-Limiter applies whatever it returns to every route."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return bool(node.elts)
    return isinstance(node, ast.Call)


# django-axes and django-defender count failed sign-ins and lock the client out: a limit on password guessing at
# the login, not on the sign-up, reset or confirmation flows nor on anything else
_LOGIN_LOCKOUT = "failed sign-ins locked out"
_LOCKOUT_CLASSES = ("AxesMiddleware", "axes.backends.AxesBackend", "axes.backends.AxesStandaloneBackend",
                    "defender.middleware.FailedLoginMiddleware")


def _path_limited(route: Route, by_path: list[tuple[Evidence, list[re.Pattern[str]]]]) -> bool:
    return any(p.search(route.path) for _, patterns in by_path for p in patterns)


def _fixed_page(route: Route) -> bool:
    """A Django ``TemplateView`` (or a project's subclass named for it): a template rendered as it is, reading
    no input, like the "registration complete" page after a sign-up."""
    return route.fact.framework == "django" and route.handler.rpartition(".")[2].endswith("TemplateView")


def _signs_out(route: Route) -> bool:
    """A sign-out of the caller's own sessions, however the API spells it: /signout, /user/_logout, /logout-all."""
    for segment in route.segments:
        word = segment.lower().strip("_-").replace("_", "-")
        if word in ("logout", "log-out", "signout", "sign-out") or word.startswith(("logout-", "logoutall")):
            return True
    return False


def _login(route: Route) -> bool:
    """A route that checks a password: /login, /signin."""
    return any(s.lower().replace("_", "-") in ("login", "log-in", "signin", "sign-in") for s in route.segments)


_REQUEST_HOOKS = frozenset({"before_request", "before_app_request", "middleware"})
_LIMITS_NAME = lazy_compile(r"rate_?limit|throttl|limiter", re.IGNORECASE)


def _rate_hooks(source: SourceFile) -> list[Evidence]:
    """A limit a project applies itself before every request: a Flask ``before_request`` hook (on the app or the
    API's blueprint) or an HTTP middleware function that limits (``apply_rate_limit``), however it counts."""
    out = []
    for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        if not any(dotted(d.func if isinstance(d, ast.Call) else d).rpartition(".")[2] in _REQUEST_HOOKS
                   for d in func.decorator_list):
            continue
        called = [call_name(c) for c in ast.walk(func) if isinstance(c, ast.Call)]
        if not any(name not in _READS for name in called) and not _answers(func):
            continue  # a hook that only reads settings and answers nothing (its limit left as a TODO) limits nothing
        if _LIMITS_NAME.search(func.name) or any(_LIMITS_NAME.search(name) for name in called):
            out.append(Evidence(f"{func.name} limits every request (a request hook)", source.path, func.lineno))
    for call in source.nodes(ast.Call):  # app.before_request(check_rate_limit)
        assert isinstance(call, ast.Call)
        if call_name(call) in ("before_request", "before_app_request") and call.args \
                and _LIMITS_NAME.search(dotted(call.args[0])):
            out.append(Evidence(f"{dotted(call.args[0])} limits every request (a request hook)", source.path,
                                call.lineno))
    return out


_READS = frozenset({"get", "getattr", "getenv", "bool", "int"})


def _answers(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a request hook can answer the request itself: it returns something or raises."""
    return any(isinstance(n, ast.Raise) or (isinstance(n, ast.Return) and n.value is not None
                                            and not (isinstance(n.value, ast.Constant) and n.value.value is None))
               for n in ast.walk(func))


_INGRESS_LIMIT_KEYS = ("/limit-rps", "/limit-rpm", "/limit-connections", "/rate-limit", "/rate-limit-requests",
                       "/ratelimit", "/global-rate-limit")


def _ingress_limits(project: Project) -> list[Evidence]:
    """Limits the ingress puts on every request: nginx-ingress ``limit-rps``/``limit-rpm`` annotations, HAProxy
    and Traefik rate limits, as the manifests (Helm templates rendered with their defaults) set them."""
    out = []
    for manifest in repo_files(project).manifests:
        if manifest.kind == "Ingress":
            meta = manifest.body.get("metadata") if isinstance(manifest.body, Mapping) else None
            annotations = meta.get("annotations") if isinstance(meta, Mapping) else None
            for key, value in (annotations or {}).items() if isinstance(annotations, Mapping) else ():
                if str(key).endswith(_INGRESS_LIMIT_KEYS) and str(value).strip() not in ("", "0", "false", "None"):
                    out.append(Evidence(f"ingress rate limit {key}: {value}", manifest.path, manifest.line))
                    break
        elif manifest.kind == "Middleware" and "traefik" in manifest.api_version:
            spec = manifest.body.get("spec") if isinstance(manifest.body, Mapping) else None
            if isinstance(spec, Mapping) and isinstance(spec.get("rateLimit"), Mapping):
                out.append(Evidence(f"Traefik rateLimit middleware {manifest.name}", manifest.path, manifest.line))
    return out


_NGINX_SERVICE = {
    "app.py": "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n"
              "@app.get('/api/notes')\ndef notes():\n    return jsonify([])\n",
    "Dockerfile": "FROM python:3.12\nRUN apt-get install -y nginx\nCOPY conf/nginx.conf /etc/nginx/nginx.conf\n"
                  "CMD [\"supervisord\"]\n",
}
_NGINX_CONF = ("http {\n    limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;\n    server {\n"
               "        listen 8080;\n        limit_req zone=api burst=20;\n        location / {\n"
               "            proxy_pass http://127.0.0.1:5000;\n        }\n    }\n}\n")


# nginx in front of the service limiting requests: a zone applied (limit_req zone=...) in a config that
# passes requests on to the application, and that a Dockerfile or compose file ships with the service.
_NGINX_LIMIT = lazy_compile(r"^\s*limit_req\s+zone=", re.MULTILINE)
_NGINX_PASS = lazy_compile(r"^\s*(?:proxy|uwsgi|grpc|fastcgi|scgi)_pass\s", re.MULTILINE)


def _shipped_nginx(project: Project) -> list[tuple[str, str]]:
    """The nginx configs that pass requests on to the application and that a Dockerfile, compose file or
    supervisor config ships with the service (named there), as (path, text)."""
    configs = [rel for rel in project.glob("*.conf", "*nginx*") if path_role(rel) in (SERVICE, INFRASTRUCTURE)
               and not rel.endswith((".py", ".md", ".rst", ".txt"))]
    if not configs:
        return []
    shipping = [text for rel in project.glob("*Dockerfile*", "*compose*.yml", "*compose*.yaml", "*supervisor*")
                if (text := project.read_text(rel))]
    out = []
    for rel in configs:
        text = project.read_text(rel) or ""
        if _NGINX_PASS.search(text) and any(rel.rpartition("/")[2] in t for t in shipping):
            out.append((rel, text))
    return out


def _nginx_limits(project: Project) -> list[Evidence]:
    """Limits the shipped nginx puts on every request (the paths a keyed zone limits are ``_nginx_path_limits``)."""
    out = []
    for rel, text in _shipped_nginx(project):
        if not _NGINX_LIMIT.search(text):
            continue
        line = _nginx_global_limit(text)
        if line and not _zone_paths(text, line):
            out.append(Evidence("nginx shipped with the service limits requests (limit_req)", rel, line))
    return out


def _nginx_path_limits(project: Project) -> list[tuple[Evidence, list[re.Pattern[str]]]]:
    """A limit the shipped nginx applies everywhere through a zone whose key a ``map`` leaves empty by default: nginx
    does not count a request with an empty key, so only the paths the map names (``~^/accounts/``) are limited."""
    out = []
    for rel, text in _shipped_nginx(project):
        line = _nginx_global_limit(text) if _NGINX_LIMIT.search(text) else 0
        patterns = _zone_paths(text, line) if line else []
        if patterns:
            shown = ", ".join(p.pattern for p in patterns[:3])
            out.append((Evidence(f"nginx limits requests (limit_req) on the paths its zone's key names: {shown}",
                                 rel, line), patterns))
    return out


_NGINX_ZONE = lazy_compile(r"limit_req_zone\s+\$(\w+)\s+zone=([\w-]+)")
_NGINX_MAP = lazy_compile(r"^\s*map\s+\$(?:request_uri|uri)\s+\$(\w+)\s*\{(.*?)^\s*\}", re.MULTILINE | re.DOTALL)


def _zone_paths(text: str, line: int) -> list[re.Pattern[str]]:
    """The paths the ``limit_req`` at ``line`` limits when its zone is keyed by a ``map`` of the request path whose
    default is empty; [] when it limits every request."""
    zone = re.search(r"zone=([\w-]+)", text.splitlines()[line - 1])
    key = next((m.group(1) for m in _NGINX_ZONE.finditer(text) if zone and m.group(2) == zone.group(1)), None)
    block = next((m.group(2) for m in _NGINX_MAP.finditer(text) if m.group(1) == key), None)
    if block is None:
        return []
    patterns: list[re.Pattern[str]] = []
    empty_default = False
    for entry in block.split(";"):
        parts = entry.split("#", 1)[0].split()
        if len(parts) != 2:
            continue
        source, value = parts
        if source == "default":
            empty_default = value in ('""', "''")
        elif value not in ('""', "''"):
            try:
                patterns.append(re.compile(source.lstrip("~*"), re.IGNORECASE if source.startswith("~*") else 0)
                                if source.startswith("~") else re.compile("^" + re.escape(source) + "$"))
            except re.error:
                return []
    return patterns if empty_default else []


def _nginx_global_limit(text: str) -> int:
    """The line of a ``limit_req`` that covers every request: in an ``http`` or ``server`` block, or in
    ``location /``; one inside another location (``location ~ ^/login``) limits those paths alone."""
    blocks: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if _NGINX_LIMIT.match(line):
            inner = blocks[-1] if blocks else ""
            if not inner.startswith("location") or inner.split()[-1:] == ["/"]:
                return number
        blocks.extend(line[:line.index("{")].strip() for _ in range(line.count("{")))
        for _ in range(min(line.count("}"), len(blocks))):
            blocks.pop()
    return 0


def _computed_limits(keywords: str) -> dict[str, str]:
    """A Flask app factory whose limiter takes what the settings give it."""
    return {"svc/app.py": "from flask import Flask, jsonify\nfrom flask_limiter import Limiter\n"
                          "from flask_limiter.util import get_remote_address\n\n"
                          "from svc.settings import limits_from, settings, storage_from\n\n\n"
                          "def create_app() -> Flask:\n"
                          f"    limiter = Limiter(key_func=get_remote_address, {keywords}strategy='moving-window')\n"
                          "    app = Flask(__name__)\n\n"
                          "    @app.post('/translate')\n    def translate():\n        return jsonify({})\n\n"
                          "    @app.post('/detect')\n    def detect():\n        return jsonify([])\n\n"
                          "    limiter.init_app(app)\n    return app\n"}


_NGINX_LOCATION = lazy_compile(r"^location\s+(?:\^~\s+)?(/\S*)$")
_NGINX_PROXY_URI = lazy_compile(r"^proxy_pass\s+[a-z]+://[^/;\s]+(/[^;\s]*)")
_NGINX_REWRITE = lazy_compile(r"^rewrite\s+\S+\s+(/[^\s;]*)")


def _nginx_internal(text: str) -> tuple[set[str], set[str], set[str]]:
    """What one nginx config says about reachability: the prefixes of locations marked ``internal;`` (only nginx's
    own subrequests reach them: ``auth_request``, ``X-Accel-Redirect``), the paths ``rewrite`` sends clients to,
    and the URIs other locations' ``proxy_pass`` put in place of the client's path."""
    internal: set[str] = set()
    rewritten: set[str] = set()
    remapped: set[str] = set()
    blocks: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        inner = blocks[-1] if blocks else ""
        if line == "internal;" and (match := _NGINX_LOCATION.match(inner)):
            internal.add(match.group(1).rstrip("/") or "/")
        elif (match := _NGINX_REWRITE.match(line)):
            rewritten.add(match.group(1).split("$", 1)[0])
        elif (match := _NGINX_PROXY_URI.match(line)) and not inner.startswith("location @"):
            remapped.add(match.group(1))
        blocks.extend(line[:line.index("{")].strip() for _ in range(line.count("{")))
        for _ in range(min(line.count("}"), len(blocks))):
            blocks.pop()
    return internal, rewritten, remapped


def _nginx_only(project: Project, routes: list[Route],
                everything: list[Route]) -> tuple[list[Route], list[Route], tuple[Evidence, ...]]:
    """The routes clients can reach (of those judged and of all), and evidence for those left out: routes under a
    location the shipped nginx marks ``internal;`` answer nginx's own subrequests, not clients. None are left out
    when another location's ``proxy_pass`` rewrites the client's path (``location /api/ { proxy_pass http://app/; }``
    reaches ``/auth`` from ``/api/auth``); a path a ``rewrite`` sends clients to stays."""
    internal: set[str] = set()
    rewritten: set[str] = set()
    where = ""
    for rel, text in _shipped_nginx(project):
        prefixes, targets, remapped = _nginx_internal(text)
        if any(not any(uri.startswith(p) for p in prefixes) for uri in remapped):
            return routes, everything, ()
        if prefixes and not where:
            where = rel
        internal |= prefixes
        rewritten |= targets
    inside = [r for r in everything if r.path.rstrip("/") not in rewritten and any(
        r.path == p or r.path.startswith(p + "/") for p in internal if p != "/")]
    if not inside:
        return routes, everything, ()
    left = {id(r) for r in inside}
    return [r for r in routes if id(r) not in left], [r for r in everything if id(r) not in left], (Evidence(
        f"left out: {_plural(len(inside), 'route')} under nginx internal locations ({', '.join(sorted(internal))}), "
        "which only nginx's own subrequests reach", where),)


def _gated(decorator: str) -> dict[str, str]:
    """A Flask API with one limited route and one behind the project's ``decorator``."""
    return {"app/views.py": "from flask import Blueprint, jsonify, request\n\n"
                            f"from app.auth import {decorator}\nfrom app.limits import limiter\n\n"
                            "bp = Blueprint('api', __name__)\n\n\n"
                            "@bp.route('/api/tasks', methods=['POST'])\n@limiter.limit('30/minute')\ndef create_task():\n"
                            "    return jsonify({}), 201\n\n\n"
                            "@bp.route('/api/announcements', methods=['POST'])\n"
                            f"@{decorator}\ndef announce():\n    return jsonify(request.get_json()), 201\n"}


def _django_sign_in(middleware: str) -> dict[str, str]:
    """A Django site's login and password-reset views, with ``middleware`` installed."""
    return {"site/settings.py": "INSTALLED_APPS = ['django.contrib.auth', 'axes']\n"
                                f"MIDDLEWARE = ['django.contrib.auth.middleware.AuthenticationMiddleware', {middleware!r}]\n"
                                "AXES_FAILURE_LIMIT = 5\n",
            "site/urls.py": "from django.contrib.auth import views as auth_views\nfrom django.urls import path\n\n"
                            "urlpatterns = [\n    path('login/', auth_views.LoginView.as_view()),\n"
                            "    path('password-reset/', auth_views.PasswordResetView.as_view()),\n]\n"}


class RateLimiting(_RouteCheck):
    id = "rate-limiting"
    severity = "high"
    effort = "1d"
    title = "Rate limiting"
    rationale = (
        "Without rate limits one misbehaving client, a retry storm or a scraper can exhaust the service and "
        "its database for everyone; limits also blunt credential stuffing and enumeration."
    )
    remediation = (
        "Add a limiter: slowapi (`Limiter` + `SlowAPIMiddleware` or `@limiter.limit(\"10/minute\")`), "
        "fastapi-limiter (`Depends(RateLimiter(times=10, seconds=60))`), Flask-Limiter (`default_limits`) "
        "or django-ratelimit (`@ratelimit`). A global middleware covers every route."
    )
    scoring = ("Share of API routes covered by a rate limit (health, metrics, docs and static files left out; "
               "sign-in flows and inbound webhooks count, since they face the internet and a limit blunts credential "
               "stuffing and floods; a sign-out, which ends the caller's own session, does not; nor do routes only "
               "administrators reach, `@admin_required` or `@staff_member_required`). A limiter "
               "middleware, a before-request hook that limits (`apply_rate_limit`), Flask-Limiter "
               "default_limits, DRF default throttles, an ingress rate-limit annotation or an nginx `limit_req` in a "
               "config a Dockerfile or compose file ships with the service covers every route; "
               "a GraphQL depth or cost limit covers the GraphQL endpoint; a limit applied to a whole blueprint "
               "(`limiter.limit(...)(bp)`) covers its routes, and a project decorator that answers 429 the routes it wraps. "
               "Eve's `RATE_LIMIT_GET` (and POST, PATCH, PUT, DELETE) limits its resources' endpoints of that method "
               "when the app is given the Redis that keeps the counts (`Eve(redis=...)`); without one it limits nothing.")
    global_marks = staticmethod(_rate_marks)
    needles = ROUTE_NEEDLES + ("MIDDLEWARE", "before_request", "before_app_request", "middleware", "RATELIMIT_",
                               "AUTHENTICATION_BACKENDS")
    examples = (
        Example({"svc/__init__.py": "",
                 "svc/settings.py": "URL_PREFIX = 'api/v1'\nRESOURCE_METHODS = ['GET', 'POST']\n"
                                    "RATE_LIMIT_GET = (300, 60 * 15)\nRATE_LIMIT_POST = (20, 60)\n"
                                    "DOMAIN = {'people': {'schema': {'name': {'type': 'string'}}, 'item_methods': ['GET']}}\n",
                 "svc/run.py": "from eve import Eve\nfrom redis import StrictRedis\n\n"
                               "app = Eve(settings='svc/settings.py', redis=StrictRedis())\n"},
                findings=0, status="pass", note="Eve's per-method limits, counted in the Redis the app is given"),
        Example({"svc/__init__.py": "",
                 "svc/settings.py": "URL_PREFIX = 'api/v1'\nRESOURCE_METHODS = ['GET', 'POST']\n"
                                    "RATE_LIMIT_GET = (300, 60 * 15)\nRATE_LIMIT_POST = (20, 60)\n"
                                    "DOMAIN = {'people': {'schema': {'name': {'type': 'string'}}, 'item_methods': ['GET']}}\n",
                 "svc/run.py": "from eve import Eve\n\napp = Eve(settings='svc/settings.py')\n"},
                findings=1, status="fail", note="the same limits with no Redis: Eve keeps no counts and limits nothing"),
        Example({**_NGINX_SERVICE, "conf/nginx.conf": _NGINX_CONF}, status="pass",
                note="the nginx the image runs in front of the app limits every request"),
        Example({**_NGINX_SERVICE, "conf/nginx.conf": _NGINX_CONF.replace("        limit_req zone=api burst=20;\n", "")},
                status="fail", note="a zone declared but applied to no location"),
        Example({**_NGINX_SERVICE, "conf/nginx.conf": _NGINX_CONF.replace(
                    "        limit_req zone=api burst=20;\n", "").replace(
                    "        location / {\n", "        location ~ ^/login {\n            limit_req zone=api;\n"
                    "            proxy_pass http://127.0.0.1:5000;\n        }\n        location / {\n")},
                status="fail", note="nginx limits the sign-in path alone"),
        Example({**_NGINX_SERVICE, "app.py": _NGINX_SERVICE["app.py"] + "\n\n@app.post('/accounts/login')\ndef login():\n"
                                                                      "    return jsonify({})\n",
                 "conf/nginx.conf": _NGINX_CONF.replace(
                     "    limit_req_zone $binary_remote_addr", "    map $request_uri $limit_key {\n        default \"\";\n"
                     "        ~^/accounts/ $binary_remote_addr;\n    }\n    limit_req_zone $limit_key")},
                findings=1, lines=(7,), status="fail",
                note="a zone keyed by a map that leaves other paths' key empty limits only the paths the map names"),
        Example({**_NGINX_SERVICE, "Dockerfile": "FROM python:3.12\nCOPY . /srv\nCMD [\"gunicorn\", \"app:app\"]\n",
                 "conf/nginx.conf": _NGINX_CONF}, status="fail", note="an nginx config nothing ships with the service"),
        Example({"proj/settings.py": "import os\n\nREST_FRAMEWORK = {'DEFAULT_PAGINATION_CLASS': None}\n"
                                     "from proj.env import bool_from_env\n\n"
                                     "API_THROTTLING = bool_from_env('API_THROTTLING', default=False)\nif API_THROTTLING:\n"
                                     "    REST_FRAMEWORK.update({\n"
                                     "        'DEFAULT_THROTTLE_CLASSES': ('rest_framework.throttling.UserRateThrottle',),\n"
                                     "        'DEFAULT_THROTTLE_RATES': {'user': '5000/hour'},\n    })\n",
                 "proj/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n\n"
                                 "from assets.views import AssetViewSet\n\nrouter = DefaultRouter()\n"
                                 "router.register('assets', AssetViewSet)\n\nurlpatterns = [path('api/', include(router.urls))]\n",
                 "assets/views.py": "from rest_framework import viewsets\n\nfrom assets.models import Asset\n\n\n"
                                    "class AssetViewSet(viewsets.ModelViewSet):\n    queryset = Asset.objects.all()\n"},
                status="fail", note="DRF throttles switched on only when the operator sets API_THROTTLING"),
        Example({
            "app/hooks.py": "from flask import Blueprint, request\nfrom limits import parse\nfrom limits.storage import "
                            "MemoryStorage\nfrom limits.strategies import FixedWindowRateLimiter\n"
                            "from werkzeug.exceptions import TooManyRequests\n\napi = Blueprint('api', __name__)\n"
                            "limiter = FixedWindowRateLimiter(MemoryStorage())\n\n\n@api.before_request\n"
                            "def apply_rate_limit():\n    if not limiter.hit(parse('100/minute'), request.remote_addr):\n"
                            "        raise TooManyRequests()\n"
                            "\n\n@api.route('/orders', methods=['POST'])\ndef create():\n    return {}\n",
        }, findings=0, status="pass", note="the project's own limiter in a before-request hook on the API"),
        Example({
            "app/hooks.py": "from flask import Blueprint, g\n\napi = Blueprint('api', __name__)\n\n\n@api.before_request\n"
                            "def load_user():\n    g.user = None\n"
                            "\n\n@api.route('/orders', methods=['POST'])\ndef create():\n    return {}\n",
        }, findings=1, status="fail", note="a before-request hook that limits nothing"),
        Example({
            "app/views.py": "from flask import Blueprint\n\napi = Blueprint('api', __name__)\nSETTINGS = {}\n\n\n"
                            "@api.before_request\ndef check_rate_limiting():\n"
                            "    if not SETTINGS.get('RATELIMIT_ENABLED'):\n        return None\n"
                            "    # TODO: return limiter.check()\n"
                            "\n\n@api.route('/orders', methods=['POST'])\ndef create():\n    return {}\n",
        }, findings=1, status="fail", note="a hook named for a limit whose limit was left as a TODO"),
        Example({
            "app/auth.py": "from functools import wraps\n\nimport flask\n\nfrom app import limiter\n\n\n"
                           "def token_required(func):\n    @wraps(func)\n    def wrapper(*args, **kwargs):\n"
                           "        ip = flask.request.remote_addr\n        if limiter.should_rate_limit_ip(ip):\n"
                           "            flask.abort(429, 'Too many attempts')\n        return func(*args, **kwargs)\n"
                           "    return wrapper\n",
            "app/views.py": "from flask import Blueprint\n\nfrom app.auth import token_required\n\n"
                            "api = Blueprint('api', __name__)\n\n\n@api.route('/orders', methods=['POST'])\n"
                            "@token_required\ndef create():\n    return {}\n",
        }, findings=0, status="pass", note="an authorization decorator that answers 429 itself limits the route"),
        Example({
            "app/auth.py": "from functools import wraps\n\nimport flask\n\n\n"
                           "def token_required(func):\n    @wraps(func)\n    def wrapper(*args, **kwargs):\n"
                           "        if not flask.request.headers.get('Authorization'):\n            flask.abort(401)\n"
                           "        return func(*args, **kwargs)\n    return wrapper\n",
            "app/views.py": "from flask import Blueprint\n\nfrom app.auth import token_required\n\n"
                            "api = Blueprint('api', __name__)\n\n\n@api.route('/orders', methods=['POST'])\n"
                            "@token_required\ndef create():\n    return {}\n",
        }, findings=1, status="fail", note="an authorization decorator that never answers 429 limits nothing"),
        Example({
            "app/opds.py": "from flask import Blueprint\n\nopds = Blueprint('opds', __name__)\n\n\n"
                           "@opds.route('/opds/books', methods=['GET', 'POST'])\ndef books():\n    return {}\n",
            "app/main.py": "from flask import Flask\nfrom flask_limiter import Limiter\n"
                           "from flask_limiter.util import get_remote_address\n\n"
                           "from app.opds import opds\n\napp = Flask(__name__)\nlimiter = Limiter(get_remote_address, app=app)\n"
                           "limiter.limit('3/minute')(opds)\napp.register_blueprint(opds)\n",
        }, findings=0, status="pass", note="Flask-Limiter's limit applied to a whole blueprint"),
        Example({
            "proj/settings.py": "REST_FRAMEWORK = {\n    'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.ScopedRateThrottle'],\n"
                                "    'DEFAULT_THROTTLE_RATES': {'uploads': '10/hour'},\n}\n",
            "shop/views.py": "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                             "class Upload(APIView):\n    throttle_scope = 'uploads'\n\n    def post(self, request):\n"
                             "        return Response({})\n\n\nclass Orders(APIView):\n    def post(self, request):\n"
                             "        return Response({})\n",
            "shop/urls.py": "from django.urls import path\n\nfrom shop.views import Orders, Upload\n\n"
                            "urlpatterns = [path('api/uploads/', Upload.as_view()), path('api/orders/', Orders.as_view())]\n",
        }, findings=1, status="fail", note="ScopedRateThrottle by default limits only the views with a throttle_scope"),
        Example({
            "proj/settings.py": "REST_FRAMEWORK = {\n    'DEFAULT_THROTTLE_CLASSES': ['proj.throttling.AlertingScopedRateThrottle'],\n"
                                "    'DEFAULT_THROTTLE_RATES': {'uploads': '10/hour'},\n}\n",
            "proj/throttling.py": "from rest_framework.throttling import ScopedRateThrottle\n\n\n"
                                  "class AlertingScopedRateThrottle(ScopedRateThrottle):\n    def throttle_failure(self):\n"
                                  "        notify_ops(self.scope)\n        return False\n",
            "shop/views.py": "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                             "class Upload(APIView):\n    throttle_scope = 'uploads'\n\n    def post(self, request):\n"
                             "        return Response({})\n\n\nclass Orders(APIView):\n    def post(self, request):\n"
                             "        return Response({})\n",
            "shop/urls.py": "from django.urls import path\n\nfrom shop.views import Orders, Upload\n\n"
                            "urlpatterns = [path('api/uploads/', Upload.as_view()), path('api/orders/', Orders.as_view())]\n",
        }, findings=1, status="fail", note="the same with the project's subclass of ScopedRateThrottle as the default"),
        Example({
            "proj/settings.py": "REST_FRAMEWORK = {\n    'DEFAULT_THROTTLE_CLASSES': ['proj.throttling.CommonThrottle'],\n"
                                "    'DEFAULT_THROTTLE_RATES': {'anon-write': None, 'user-write': None, 'anon-read': None,\n"
                                "                               'user-read': None, 'import-dump': '1/minute'},\n}\n",
            "shop/views.py": "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                             "class Orders(APIView):\n    def post(self, request):\n        return Response({})\n",
            "shop/urls.py": "from django.urls import path\n\nfrom shop.views import Orders\n\n"
                            "urlpatterns = [path('api/orders/', Orders.as_view())]\n",
        }, findings=1, status="fail", note="default throttle classes whose anonymous and user rates are all None"),
        Example({
            "proj/settings.py": "REST_FRAMEWORK = {\n    'DEFAULT_THROTTLE_CLASSES': ['rest_framework.throttling.AnonRateThrottle',\n"
                                "                                 'rest_framework.throttling.UserRateThrottle'],\n"
                                "    'DEFAULT_THROTTLE_RATES': {'anon': '100/day', 'user': '1000/day'},\n}\n",
            "shop/views.py": "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                             "class Orders(APIView):\n    def post(self, request):\n        return Response({})\n",
            "shop/urls.py": "from django.urls import path\n\nfrom shop.views import Orders\n\n"
                            "urlpatterns = [path('api/orders/', Orders.as_view())]\n",
        }, findings=0, status="pass", note="DRF's default throttles with their rates"),
        Example({
            "proj/api_settings.py": "from django.conf import settings\n\nUSER_SETTINGS = getattr(settings, 'REST_FRAMEWORK', None)\n"
                                    "DEFAULTS = {'DEFAULT_THROTTLE_CLASSES': (), 'DEFAULT_THROTTLE_RATES': {'user': None}}\n"
                                    "IMPORT_STRINGS = ('DEFAULT_RENDERER_CLASSES', 'DEFAULT_THROTTLE_CLASSES')\n",
            "shop/views.py": "from rest_framework.response import Response\nfrom rest_framework.views import APIView\n\n\n"
                             "class Orders(APIView):\n    def post(self, request):\n        return Response({})\n",
            "shop/urls.py": "from django.urls import path\n\nfrom shop.views import Orders\n\n"
                            "urlpatterns = [path('api/orders/', Orders.as_view())]\n",
        }, findings=1, status="fail", note="a framework's empty defaults and a list of setting names set no throttle"),
        Example({
            "app/main.py": "from fastapi import FastAPI\nfrom slowapi import Limiter\nfrom slowapi.middleware import "
                           "SlowAPIMiddleware\nfrom slowapi.util import get_remote_address\n\n"
                           "limiter = Limiter(key_func=get_remote_address, default_limits=['100/minute'])\n"
                           "app = FastAPI()\napp.state.limiter = limiter\napp.add_middleware(SlowAPIMiddleware)\n\n\n"
                           "@app.get('/orders')\ndef orders() -> list[dict]:\n    return []\n",
        }, findings=0, status="pass", note="global middleware"),
        Example({
            "srv/config.py": "import os\n\nfrom invenio_app.config import APP_DEFAULT_SECURE_HEADERS\n\n"
                             "RATELIMIT_GUEST_USER = os.getenv('SRV_RATELIMIT_GUEST_USER', '20 per second')\n"
                             "RATELIMIT_AUTHENTICATED_USER = os.getenv('SRV_RATELIMIT_AUTHENTICATED_USER', '20 per second')\n",
            "srv/views.py": "from flask import Blueprint, jsonify\n\nblueprint = Blueprint('api', __name__)\n\n\n"
                            "@blueprint.route('/api/v1/workflows', methods=['POST'])\ndef create():\n    return jsonify({}), 201\n",
        }, findings=0, status="pass", note="an Invenio application's configured limits apply to every view"),
        Example({
            "app/main.py": "from decouple import config\nfrom fastapi import FastAPI\nfrom slowapi import Limiter\n"
                           "from slowapi.middleware import SlowAPIMiddleware\nfrom slowapi.util import get_remote_address\n\n"
                           "USE_LIMITER = config('USE_LIMITER', default='false', cast=bool)\n"
                           "limiter = Limiter(key_func=get_remote_address, default_limits=['100/minute'])\n"
                           "app = FastAPI()\napp.state.limiter = limiter\nif USE_LIMITER:\n"
                           "    app.add_middleware(SlowAPIMiddleware)\n\n\n"
                           "@app.post('/orders')\ndef create() -> dict:\n    return {}\n",
        }, findings=1, status="fail", note="a limiter the operator must switch on: off by default"),
        Example({
            "app/main.py": "import os\n\nfrom fastapi import FastAPI\nfrom slowapi import Limiter\n"
                           "from slowapi.middleware import SlowAPIMiddleware\nfrom slowapi.util import get_remote_address\n\n"
                           "limiter = Limiter(key_func=get_remote_address, default_limits=['100/minute'])\n"
                           "app = FastAPI()\napp.state.limiter = limiter\nif os.getenv('RATE_LIMIT', 'true').lower() == 'true':\n"
                           "    app.add_middleware(SlowAPIMiddleware)\n\n\n"
                           "@app.post('/orders')\ndef create() -> dict:\n    return {}\n",
        }, findings=0, status="pass", note="a limiter the operator can switch off: on by default"),
        Example({
            "app/main.py": "from fastapi import FastAPI\nfrom slowapi.middleware import SlowAPIMiddleware\n\n"
                           "from app.auth import limiter\n\napp = FastAPI()\napp.state.limiter = limiter\n"
                           "app.add_middleware(SlowAPIMiddleware)\n\n\n"
                           "@app.get('/api/events')\ndef events() -> list[dict]:\n    return []\n\n\n"
                           "@app.post('/api/login')\n@limiter.limit('10/minute')\ndef login() -> dict:\n    return {}\n",
            "app/auth.py": "from slowapi import Limiter\nfrom slowapi.util import get_remote_address\n\n"
                           "limiter = Limiter(key_func=get_remote_address)\n",
        }, findings=1, status="fail", note="slowapi's middleware without default limits limits only the decorated route"),
        Example({"app.py": "from flask import Flask, redirect, render_template, request\n\nfrom app.hooks import deliver, save_hook\n\n"
                           "app = Flask(__name__)\n\n\n"
                           "@app.route('/settings/webhooks/add', methods=['GET', 'POST'])\ndef add_hook():\n"
                           "    if request.method == 'POST':\n        save_hook(request.form)\n        return redirect('/settings')\n"
                           "    return render_template('hook_form.html')\n\n\n"
                           "@app.route('/settings/webhooks/<int:hook_id>/delete', methods=['POST'])\ndef delete_hook(hook_id):\n"
                           "    save_hook(None, hook_id)\n    return redirect('/settings')\n\n\n"
                           "@app.route('/webhooks/github', methods=['POST'])\ndef github():\n"
                           "    deliver(request.get_json())\n    return '', 204\n"},
                findings=1, lines=(23,), status="fail",
                note="the settings pages that add or delete a webhook subscription are no inbound delivery"),
        Example({"app.py": "from flask import Blueprint, jsonify\nfrom flask_login import logout_user\n\n"
                           "account = Blueprint('account', __name__)\n\n\n@account.route('/signout')\ndef signout():\n"
                           "    logout_user()\n    return jsonify(ok=True)\n\n\n@account.route('/_logout', methods=['POST'])\n"
                           "def legacy_logout():\n    logout_user()\n    return jsonify(ok=True)\n\n\n"
                           "@account.route('/signout-report', methods=['POST'])\ndef report():\n    return jsonify(ok=True)\n"},
                findings=1, lines=(20,), status="fail",
                note="a sign-out spelt /signout or /_logout ends the caller's own session; a word that only starts "
                     "like one is judged"),
        Example({"site/urls.py": "from django.urls import path\nfrom django.views.generic import TemplateView\n\n"
                                 "from site.views import SignUpView\n\nurlpatterns = [\n"
                                 "    path('register/', SignUpView.as_view()),\n"
                                 "    path('register/complete/', TemplateView.as_view(template_name='done.html')),\n]\n",
                 "site/views.py": "from django.views.generic.edit import FormView\n\nfrom site.forms import SignUpForm\n\n\n"
                                  "class SignUpView(FormView):\n    form_class = SignUpForm\n"
                                  "    template_name = 'register.html'\n"},
                findings=1, status="fail",
                note="the fixed page a TemplateView renders after the sign-up reads nothing; the sign-up form is judged"),
        Example(_django_sign_in("axes.middleware.AxesMiddleware"), findings=1, lines=(6,), status="fail",
                note="django-axes locks out repeated failed logins: the login is limited, the password reset is not"),
        Example(_django_sign_in("django.middleware.csrf.CsrfViewMiddleware"), findings=2, status="fail",
                note="without a lockout both sign-in flows are unlimited"),
        Example(_gated("admin_required"), findings=0, status="pass",
                note="a route only administrators reach: its callers are the operators, not the internet"),
        Example(_gated("login_required"), findings=1, lines=(17,), status="fail",
                note="a route any signed-in user reaches still needs a limit"),
        Example(_nginx_subrequests(), findings=0, status="pass",
                note="a route under a location the shipped nginx marks internal answers nginx's subrequests, not clients"),
        Example(_nginx_subrequests(_REMAPPING_LOCATION), findings=1, lines=(16,), status="fail",
                note="another location that strips its prefix before the app reaches the internal route from outside"),
        Example(_computed_limits("default_limits=limits_from(settings), "), findings=0, status="pass",
                note="Flask-Limiter's default limits computed from the settings cover every route of the app"),
        Example(_computed_limits("storage_uri=storage_from(settings), "), findings=2, status="fail",
                note="a limiter given only its storage has no default limit: it limits no undecorated route"),
        Example({
            "app.py": "from flask import Flask\nfrom flask_limiter import Limiter\n\napp = Flask(__name__)\n"
                      "limiter = Limiter(app=app, key_func=lambda: 'x')\n\n\n"
                      "@app.route('/login', methods=['POST'])\n@limiter.limit('5/minute')\ndef login():\n    return {}\n\n\n"
                      "@app.route('/orders')\ndef orders():\n    return []\n",
        }, findings=1, status="fail", note="one of two routes decorated"),
        Example({
            "app.py": "from flask import Flask, request\n\nfrom app.limits import is_ratelimited\n\napp = Flask(__name__)\n\n\n"
                      "@app.route('/api/messages', methods=['POST'])\ndef send():\n"
                      "    if is_ratelimited(request, 'private-message-day', '50/d'):\n        return {'error': 'slow down'}, 429\n"
                      "    return {}, 201\n",
        }, findings=0, status="pass", note="the handler asks the project's limiter itself"),
        Example(_service(), findings=2, status="fail"),
        Example({"app/lib.py": "def add(a, b):\n    return a + b\n"}, status="n/a", note="no routes at all"),
        Example({"app.py": "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
                           "@app.route('/api/v1/login', methods=['GET', 'POST'])\ndef login():\n"
                           "    return {'form': request.method == 'GET'}\n"},
                findings=1, lines=(7,), status="fail", note="one handler for GET and POST: one finding, naming both"),
        Example({"app.py": "from flask import Flask\nfrom flask_limiter import Limiter\n\napp = Flask(__name__)\n"
                           "limiter = Limiter(app=app, key_func=lambda: 'x')\n\n\n"
                           "@app.route('/api/login', methods=['POST'])\n@limiter.limit('5/minute')\ndef login():\n    return {}\n\n\n"
                           "@app.route('/api/logout', methods=['POST'])\ndef logout():\n    return {}\n"},
                findings=0, status="pass", note="a sign-out ends the caller's own session: nothing to stuff or flood"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        routes, reason, everything = _api_routes(project, collected, helpers=True)
        routes = [r for r in routes if r.fact.framework != "graphql"]  # schema fields: the endpoint is the route
        routes, everything, internal = _nginx_only(project, routes, everything)
        # a sign-out ends the caller's own session, a TemplateView renders a fixed page: nothing to guess or flood
        routes = [r for r in routes if not _signs_out(r) and not _fixed_page(r)]
        admin = [r for r in routes if _admin_only(r)]
        if admin:  # the operators' own screens: the evidence counts them
            routes = [r for r in routes if not _admin_only(r)]
            internal += (Evidence(f"left out: {_plural(len(admin), 'admin-only route')} "
                                  f"(e.g. {admin[0].label}, behind {_admin_gate(admin[0])})", admin[0].file, admin[0].line),)
        if not routes:
            return Verdict(NotApplicable(reason or ("only admin-only routes" if admin else "no API routes")),
                           evidence=internal)
        found = self._globals(collected) + _ingress_limits(project) + _nginx_limits(project)
        by_path = _nginx_path_limits(project)
        # slowapi's middleware applies the limiter's default limits: with none, it limits no undecorated route
        if not any(m.message == _SLOWAPI_DEFAULTS for m in found):
            found = [m for m in found if not m.message.startswith(_SLOWAPI_MIDDLEWARE)]
        found = [m for m in found if m.message != _SLOWAPI_DEFAULTS or any(
            f.message.startswith(_SLOWAPI_MIDDLEWARE) for f in found)]
        graphql = [m for m in found if m.message.startswith(_GRAPHQL_LIMIT)]  # limits the GraphQL endpoint only
        lockout = [m for m in found if m.message.startswith(_LOGIN_LOCKOUT)]  # limits password guessing only
        marks = [m for m in found if m not in graphql and m not in lockout]
        if marks:
            return Verdict(Share(len(routes), len(routes), "routes", "are rate limited"),
                           summary=f"{_plural(len(routes), 'route')} covered by {marks[0].message}",
                           evidence=tuple(marks) + _left_out(everything, routes) + internal)
        limiters = frozenset(name for facts in facts_of(collected.facts).values() for name in facts.limiters)
        return _route_share(self.id, routes, lambda r: _limited(r, limiters) or bool(graphql and r.graphql)
                            or bool(lockout and _login(r)) or _path_limited(r, by_path), noun="route",
                            good_label="are rate limited", missing=lambda r: f"{r.label} has no rate limit",
                            present=lambda r: f"{r.label} is rate limited", extra=_left_out(everything, routes) + internal)


def _default_throttles(source: SourceFile, key: ast.AST) -> bool:
    """``DEFAULT_THROTTLE_CLASSES`` as a settings key that throttles every view: given classes (not named in a
    list of setting names, nor a framework's empty defaults), not only ``ScopedRateThrottle`` or subclasses named
    for it (they limit only views with a ``throttle_scope``), and not with every anonymous and user rate in ``DEFAULT_THROTTLE_RATES``
    set to None (scopes ``anon``, ``user``, ``anon-write``...: every request goes through)."""
    settings = source.parent(key)
    if not isinstance(settings, ast.Dict) or not any(k is key for k in settings.keys):
        return False
    entries = dict(zip(settings.keys, settings.values, strict=True))
    classes = entries[key]
    if isinstance(classes, (ast.List, ast.Tuple)) and not classes.elts:
        return False
    names = [str(e.value) for e in getattr(classes, "elts", ()) if isinstance(e, ast.Constant)]
    if names and all(n.rpartition(".")[2].endswith("ScopedRateThrottle") for n in names):
        return False  # ScopedRateThrottle, or a subclass named for it (MonitoredScopedRateThrottle)
    rates = next((v for k, v in entries.items() if isinstance(k, ast.Constant) and k.value == "DEFAULT_THROTTLE_RATES"),
                 None)
    if not isinstance(rates, ast.Dict):
        return True
    default = [v for k, v in zip(rates.keys, rates.values, strict=True)
               if isinstance(k, ast.Constant) and isinstance(k.value, str) and k.value.startswith(("anon", "user"))]
    return not (default and all(isinstance(v, ast.Constant) and v.value is None for v in default))


# Decorators that let only the service's administrators or staff in: their callers are the operators, signed in,
# not the internet a rate limit guards against
_ADMIN_GATES = frozenset({"admin_required", "require_admin", "requires_admin", "admin_only", "staff_member_required",
                          "staff_required", "superuser_required", "superuser_only"})


def _admin_gate(route: Route) -> str:
    return next((d for d in route.fact.decorators if d.rpartition(".")[2] in _ADMIN_GATES), "")


def _admin_only(route: Route) -> bool:
    """A route only administrators or staff reach (``@admin_required``, ``@staff_member_required``)."""
    return bool(_admin_gate(route))


def _limited(route: Route, limiters: frozenset[str] = frozenset()) -> bool:
    """``limiters``: the project's decorators that answer 429 themselves (an authorization decorator that limits)."""
    names = [d.rpartition(".")[2].lower() for d in route.fact.decorators]
    if any("limit" in n or "throttle" in n for n in names):
        return True
    if limiters and (any(d.rpartition(".")[2] in limiters for d in route.fact.decorators)
                     or LIMITED_OWNER + route.fact.owner.rpartition(".")[2] in limiters):
        return True  # limiter.limit("3/minute")(opds): the whole blueprint
    if any("ratelimit" in d.lower() or "throttl" in d.lower() for d in route.all_dependencies):
        return True
    if any("ratelimit" in c.lower() or "rate_limit" in c.lower() for c in route.fact.calls if not c.startswith("@")):
        return True  # the handler asks a limiter itself: if is_ratelimited(request, "post", "5/d")
    return "throttle_classes" in route.fact.calls or "throttle_scope" in route.fact.calls  # a scoped rate applies


class FilteringSorting(_RouteCheck):
    id = "filtering-sorting"
    severity = "low"
    effort = "1-2d"
    title = "Filtering and sorting on list endpoints"
    rationale = (
        "Clients that cannot filter or sort on the server fetch everything and filter locally: slower pages, "
        "more load, and more data exposed than needed."
    )
    remediation = (
        "Accept filter and sort query parameters on list endpoints (`status`, `created_after`, `sort=-created_at`), "
        "validated against an allow-list of fields; fastapi-filter, django-filter or DRF `OrderingFilter` help."
    )
    scoring = ("Share of list endpoints that accept a filter or sort parameter besides pagination (query parameters, "
               "dependencies, DRF filter backends, Eve's where/sort, flask-rest-jsonapi's filter/sort, GraphQL field "
               "arguments).")
    examples = (
        Example({"app/main.py": "from typing import List\n\nfrom fastapi import FastAPI, Request\n\n"
                                "from app.db import find_nodes\nfrom app.models import Node\n\napp = FastAPI()\n\n\n"
                                "@app.get('/v1/nodes', response_model=List[Node])\nasync def get_nodes(request: Request):\n"
                                "    query_params = dict(request.query_params)\n"
                                "    return await find_nodes(Node.translate_fields(query_params), limit=100)\n"},
                findings=0, status="pass", note="a copy of the whole query string handed to the query: the client filters"),
        Example({"app/main.py": "from fastapi import FastAPI, Query\n\nfrom app.db import find_orders\n\napp = FastAPI()\n\n\n"
                                "@app.get('/v1/orders')\n"
                                "def list_orders(order_status: str | None = Query(None, alias='status')) -> list[dict]:\n"
                                "    return find_orders(order_status)\n"},
                findings=0, status="pass", note="a filter the client sends as ?status=, read under its parameter's name"),
        Example({
            "app/apps.py": "from flask_restful import Resource, reqparse\n\nfrom app.models import App\n\n\n"
                           "class AppIndex(Resource):\n    get_parser = reqparse.RequestParser()\n"
                           "    get_parser.add_argument('name', location='args')\n\n    def get(self):\n"
                           "        args = self.get_parser.parse_args()\n        query = App.query\n"
                           "        if args.name:\n            query = query.filter(App.name == args.name)\n"
                           "        return [a.to_dict() for a in query.order_by(App.name).limit(100)]\n\n\n"
                           "class DeployIndex(Resource):\n    post_parser = reqparse.RequestParser()\n"
                           "    post_parser.add_argument('ref', location='json')\n\n    def get(self):\n"
                           "        self.post_parser.parse_args()\n        return [d.to_dict() for d in App.query.limit(100)]\n",
            "app/main.py": "from flask import Flask\nfrom flask_restful import Api\n\nfrom app.apps import AppIndex, DeployIndex\n\n"
                           "app = Flask(__name__)\napi = Api(app, prefix='/api/v1')\napi.add_resource(AppIndex, '/apps/')\n"
                           "api.add_resource(DeployIndex, '/deploys/')\n",
        }, findings=1, lines=(22,), status="fail",
            note="a class's reqparse parser: its query arguments filter; a JSON-only argument does not"),
        Example(_service(params="status: str | None = None, sort: str = '-created'"), findings=0, status="pass"),
        Example(_service(params="limit: int = 50"), findings=1, status="fail", note="pagination alone is not filtering"),
        Example(_service(params="limit: int = 50, after_id: str | None = None, before_id: str | None = None"), findings=1,
                status="fail", note="cursors named for the row they start from page; they filter nothing"),
        Example(_service(params="usr: str, api_key: str = ''"), findings=1, status="fail",
                note="credentials in the query string say who asks, not what to list"),
        Example({"app/main.py": "from fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n"
                                "@app.get('/api/memories')\nasync def memories(request: Request, client: str | None = None,\n"
                                "                   detailed: bool = False) -> list[dict]:\n"
                                "    update_telemetry_state(request=request, api='memories', client=client)\n"
                                "    return await Memory.objects.filter(user=request.user).values()\n\n\n"
                                "@app.get('/api/notes')\nasync def notes(request: Request, tag: str | None = None) -> list[dict]:\n"
                                "    log.info('notes for %s', tag)\n    rows = Note.objects.filter(user=request.user)\n"
                                "    return await (rows.filter(tag=tag) if tag else rows).values()\n"},
                findings=1, lines=(7,), status="fail",
                note="a parameter only handed to telemetry, or never read, filters nothing; one the query uses does"),
        Example({"app/lib.py": "def add(a, b):\n    return a + b\n"}, status="n/a", note="no routes at all"),
        Example(_PROXIED_LIST, findings=0, status="pass",
                note="another service's list, fetched and passed on: that service filters it"),
        Example(_FIXED_TABLE, findings=0, status="pass", note="the entries of a fixed table written in code"),
        Example(_FIXED_TABLE_VIEWSET, status="n/a", note="a viewset listing a fixed table's entries has no list endpoint"),
        Example(_LOOP_BUILT_TABLE, status="n/a", note="a list appended to in a loop over a fixed table in settings"),
        Example(_LOOP_BUILT_ROWS, status="fail", findings=1, note="the same loop over the database's rows"),
        Example(_drf_filters("'django_filters.rest_framework.DjangoFilterBackend'"), findings=1, status="fail",
                note="django-filter as the default backend filters only views naming their filterset fields"),
        Example(_drf_filters("'django_filters.rest_framework.DjangoFilterBackend'", "    filterset_fields = ['status']\n"),
                findings=0, status="pass", note="the view names the fields the default backend filters on"),
        Example(_drf_filters("'django_filters.rest_framework.DjangoFilterBackend', 'rest_framework.filters.OrderingFilter'"),
                findings=0, status="pass", note="a default OrderingFilter sorts every list on the serializer's fields"),
        Example(_OLD_DRF_QUERY, findings=0, status="pass",
                note="request.QUERY_PARAMS, the query string of REST framework before 3.0 (vendored copies keep it)"),
        Example(_PAGE_ID, status="fail", findings=2, lines=(7, 14),
                note="the page (?page_id=) and how much of each row to show (?details=) filter nothing"),
        Example(_NINJA_SHOP, status="fail", findings=1, lines=(7,),
                note="django-ninja: a FilterSchema taken as Query[...] filters; the request handed first does not"),
        Example(_PATH_DEPENDENCY, status="fail", findings=1, lines=(9,),
                note="a dependency's parameter named in the path is filled from the path, not a filter; a dependency "
                     "reading filters from the query string filters"),
        Example(_CURSOR_DIRECTION, status="fail", findings=1, lines=(7,),
                note="reverse beside a cursor is the way the cursor pages; beside an offset it orders the rows"),
        Example(_FILTER_TABLE, status="fail", findings=1, lines=(17,),
                note="filters read key by key from a table of allowed fields; a key from the settings is no filter"),
        Example(_QUERY_ALIAS, status="fail", findings=1, lines=(34,),
                note="the query string under a local name: what is read from it filters, unless it is only the page"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        api, reason, everything = _api_routes(project, collected)
        routes = [r for r in api if r.collection]
        if not routes:
            return Verdict(NotApplicable(reason or "no list endpoints (collection GETs) found"))
        settings = _drf_settings(collected)
        return _route_share(
            self.id, routes, lambda r: _filters(r, settings), noun="list endpoint", good_label="filter or sort",
            missing=lambda r: f"list endpoint {r.label} offers no filter or sort parameter",
            present=lambda r: f"{r.label} filters by {_filter_label(r)}", extra=_left_out(everything, api))


def _filter_label(route: Route) -> str:
    names = ["the query string" if p == "*" else p for p in _filter_params(route)]
    return ", ".join(names) or "a filter dependency"


def _filter_params(route: Route) -> list[str]:
    idle = {c.removeprefix(IDLE_PARAM) for c in route.fact.calls if c.startswith(IDLE_PARAM)}
    if {p.lower() for p in route.query} & _CURSORS:
        idle |= {p for p in route.query if p.lower() in _CURSOR_DIRECTIONS}  # the way the cursor walks
    return [p for p in route.query if (n := p.lower().removesuffix("[]")) not in PAGINATION_PARAMS
            and n not in _NOT_FILTERS and p not in idle]


# A cursor's direction (?cursor=...&reverse=true) says which way to page, not how to sort the rows
_CURSORS = frozenset({"cursor", "page_token", "next_token", "starting_after", "ending_before"})
_CURSOR_DIRECTIONS = frozenset({"reverse", "backward", "backwards"})


_NOT_FILTERS = frozenset({"format", "callback", "fields", "expand", "include", "lang", "locale", "db", "session",
                          "current_user", "user", "token", "commons", "common", "self", "args", "kwargs",
                          # who is asking, not what to list: credentials passed in the query string
                          "usr", "api_key", "apikey", "access_token", "auth", "signature",
                          # how much of each row to show, not which rows: verbosity switches
                          "details", "detailed", "verbose", "truncated", "pretty"})


def _filters(route: Route, settings: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    if _filter_params(route):
        return True
    if any("filter" in d.lower() for d in route.all_dependencies):
        return True
    if set(route.fact.calls) & {"filterset_class", "ordering_fields", "search_fields", "filterset_fields",
                                "filter_class", "filter_fields"}:
        return True
    if "filter_backends" in route.fact.calls:  # its own backends: whatever they filter on
        return True
    # the project's default backends (django-filter, ordering) filter its lists; views add their fields
    return _drf_default(route, settings, "DEFAULT_FILTER_BACKENDS", "filter_backends")


CHECKS: list[type[Check]] = [ApiVersioning, Pagination, RateLimiting, FilteringSorting]
