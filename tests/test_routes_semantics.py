"""Semantic rules of the route table: what a collection is, what validates a body, what is not the API.

Each rule has a good and a bad example, written in the shapes real Flask and FastAPI services use.
"""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree
from helpers import check_status as _status
from helpers import route_table as _table

from readiness.routes import Route


def _flask(root: Path, body: str) -> dict[str, Route]:
    write_tree(root, {"svc/__init__.py": "", "svc/views.py": "import flask\nfrom flask import Flask, jsonify, request\n\n"
                      "app = Flask(__name__)\n\n\n" + body})
    return _table(root)


# -- what a collection is ----------------------------------------------------------------------

def test_module_qualified_request_and_a_page_parameter_make_a_collection(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/organization', methods=['GET'])\n@app.route('/organization/<org_id>', methods=['GET'])\n"
        "def orgs(org_id=None):\n    page = flask.request.args.get('page', None)\n    return jsonify(list_orgs(page))\n"))
    assert routes["GET /organization"].collection  # singular path, but it pages
    assert routes["GET /organization"].query == ("page",)
    assert not routes["GET /organization/<org_id>"].collection  # the same handler's item path


def test_a_handler_returning_the_list_it_built_is_a_collection(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/admin')\ndef admins():\n    out = []\n    for a in all_admins():\n        out.append(a.dict())\n"
        "    return jsonify(out)\n\n\n"
        "@app.route('/server/<sid>/route')\ndef server_route(sid):\n    return jsonify(get_server(sid).routes())\n"))
    assert routes["GET /admin"].collection and routes["GET /admin"].api  # an admin JSON API, not Django's admin site
    assert not routes["GET /server/<sid>/route"].collection  # nothing says it is a list


def test_aggregates_and_single_objects_are_not_collections(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/platform-stats')\ndef stats():\n    return jsonify(stats_for(request.args))\n\n\n"
        "@app.route('/live-service-counts')\ndef counts():\n    return jsonify(organisations=1, services=2), 200\n\n\n"
        "@app.route('/genai-types')\ndef types():\n    return {'types': all_types()}\n\n\n"
        "@app.route('/users')\ndef users():\n    return {'users': all_users()}\n\n\n"
        "@app.route('/alerts')\ndef alerts():\n    found = find_alerts()\n"
        "    return jsonify(status='ok', alerts=found, total=len(found))\n"))
    assert not routes["GET /platform-stats"].collection
    assert not routes["GET /live-service-counts"].collection
    assert not routes["GET /genai-types"].collection  # one object holding no list
    assert routes["GET /users"].collection  # the object is the collection under its own name
    assert routes["GET /alerts"].collection  # an envelope with a total


def test_pagination_share_counts_the_paged_singular_lists(tmp_path: Path) -> None:
    _flask(tmp_path, (
        "@app.route('/host')\ndef hosts():\n    page = flask.request.args.get('page')\n    return jsonify(hosts_page(page))\n\n\n"
        "@app.route('/admin')\ndef admins():\n    return jsonify([a.dict() for a in all_admins()])\n\n\n"
        "@app.route('/settings')\ndef settings():\n    return jsonify(current_settings())\n"))
    assert _status(tmp_path, "pagination") == ("fail", 0.5, 1)


# -- what validates a body ---------------------------------------------------------------------

def test_a_models_own_parser_validates(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/alert', methods=['POST'])\ndef receive():\n    alert = Alert.parse(request.json)\n"
        "    return jsonify(alert.create().serialize)\n\n\n"
        "@app.route('/alert/<aid>/tag', methods=['PUT'])\ndef tag(aid):\n    tags = request.json.get('tags')\n"
        "    return jsonify(tag_alert(aid, tags))\n"))
    assert routes["POST /alert"].fact.body == "validated"
    assert routes["PUT /alert/<aid>/tag"].fact.body == "raw"
    assert _status(tmp_path, "query-validation") == ("fail", 0.5, 1)


def test_a_schema_handed_to_a_validator_validates_the_body(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/views.py": "from flask.views import MethodView\nfrom svc import validation\nfrom svc.schemas import GuestIn\n\n\n"
                        "class Guests(MethodView):\n    def post(self):\n"
                        "        body = validation.validate_request_body(GuestIn)\n        return create(body)\n\n\n"
                        "class Notes(MethodView):\n    def post(self):\n        return create(request_body_dict())\n",
        "svc/app.py": "from flask import Flask\nfrom svc.views import Guests, Notes\n\napp = Flask(__name__)\n"
                      "app.add_url_rule('/guests', view_func=Guests.as_view('guests'))\n"
                      "app.add_url_rule('/notes', view_func=Notes.as_view('notes'))\n",
    })
    routes = _table(tmp_path)
    assert routes["POST /guests"].fact.body == "validated"
    assert routes["POST /notes"].fact.body == ""  # no body read that the scan can see: not judged


def test_fields_read_one_by_one_and_converted_validate_by_hand(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/link', methods=['POST'])\ndef link_post():\n"
        "    name = filter_str(flask.request.json.get('name')) or 'undefined'\n"
        "    ipv6 = True if flask.request.json.get('ipv6') else False\n"
        "    port = int(flask.request.json['port'])\n    return jsonify(create_link(name, ipv6, port))\n\n\n"
        "@app.route('/link/<lid>', methods=['PUT'])\ndef link_put(lid):\n"
        "    name = filter_str(flask.request.json.get('name'))\n    return jsonify(update(lid, name=name, **flask.request.json))\n\n\n"
        "@app.route('/key', methods=['POST'])\ndef key_post():\n    data = request.get_json()\n"
        "    return jsonify(save_key(data['name'], data['value']))\n"))
    assert routes["POST /link"].fact.body == "validated"
    assert routes["PUT /link/<lid>"].fact.body == "raw"  # the whole body is handed on too
    assert routes["POST /key"].fact.body == "raw"  # fields used as they come


def test_fields_tested_or_range_checked_and_allow_lists_validate(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/org', methods=['POST'])\ndef org_post():\n    name = filter_str(flask.request.json['name']) or 'x'\n"
        "    auth_api = flask.request.json.get('auth_api', False)\n    if auth_api:\n        enable_api()\n"
        "    port = flask.request.json.get('port')\n    if not port or port < 1 or port > 65535:\n        port = 1000\n"
        "    return jsonify(create_org(name, port))\n\n\n"
        "@app.route('/alerts', methods=['POST'])\ndef alert_post():\n    req = request.get_json(True)\n"
        "    require_fields(req, ('name', 'options'))\n    return jsonify(create_alert(req))\n\n\n"
        "@app.route('/me', methods=['PUT'])\ndef me():\n    extra = set(request.json.keys()) - {'name', 'email'}\n"
        "    if extra:\n        abort(400)\n    return jsonify(update_me(**request.json))\n\n\n"
        "@app.route('/users', methods=['POST'])\ndef users():\n    password = flask.request.json['password']\n"
        "    return jsonify(create_user(password))\n"))
    assert routes["POST /org"].fact.body == "validated"  # converted, tested, range-checked
    assert routes["POST /alerts"].fact.body == "validated"  # required fields checked
    assert routes["PUT /me"].fact.body == "validated"  # unknown fields rejected
    assert routes["POST /users"].fact.body == "raw"  # a field used as it came


# -- what is not the API -----------------------------------------------------------------------

def test_oauth_callbacks_and_inbound_webhooks_are_not_write_routes(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/auth/github', methods=['POST'])\ndef github():\n"
        "    data = {'client_id': request.json['clientId'], 'code': request.json['code']}\n"
        "    return jsonify(exchange(data))\n\n\n"
        "@app.route('/webhooks/<name>', methods=['POST'])\ndef hook(name):\n    return jsonify(handle(name, request.json))\n\n\n"
        "@app.route('/orders', methods=['POST'])\ndef orders():\n    return jsonify(create(**request.json))\n"))
    assert routes["POST /auth/github"].signin and not routes["POST /auth/github"].api
    assert routes["POST /auth/github"].left_out == "sign-in flow"
    assert routes["POST /webhooks/<name>"].webhook and routes["POST /webhooks/<name>"].left_out == "inbound webhook"
    assert routes["POST /orders"].left_out == ""
    assert _status(tmp_path, "query-validation") == ("fail", 0.0, 1)  # only POST /orders is judged


def test_build_metadata_routes_are_ops_like_health(tmp_path: Path) -> None:
    """``GET /version`` and ``GET /info`` report the build, like health and docs routes; ``/events/<id>/info``
    is the API's."""
    routes = _flask(tmp_path, (
        "@app.route('/info')\ndef info():\n    return jsonify({'build': BUILD})\n\n\n"
        "@app.route('/version')\ndef version():\n    return jsonify({'version': VERSION})\n\n\n"
        "@app.route('/events/<int:id>/info')\ndef event_info(id):\n    return jsonify(get_info(id))\n"))
    assert routes["GET /info"].ops and routes["GET /version"].ops
    assert not routes["GET /events/<int:id>/info"].ops


def test_managing_webhook_subscriptions_is_an_api_resource(tmp_path: Path) -> None:
    """``GET /admin/api/webhooks/`` and ``PATCH``/``DELETE /admin/api/webhooks/{id}`` manage the service's own
    subscriptions: listed, paginated and versioned like any resource; only a delivery (POST) is inbound."""
    write_tree(tmp_path, {"app/main.py": (
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/admin/api/webhooks/')\n"
        "def list_webhooks() -> list[dict]:\n    return []\n\n\n@app.delete('/admin/api/webhooks/{id}')\n"
        "def delete_webhook(id: str) -> None:\n    return None\n\n\n@app.post('/webhooks/stripe')\n"
        "def stripe_event() -> dict:\n    return {}\n")})
    routes = _table(tmp_path)
    assert routes["GET /admin/api/webhooks/"].left_out == "" and routes["GET /admin/api/webhooks/"].collection
    assert not routes["DELETE /admin/api/webhooks/{id}"].webhook
    assert routes["POST /webhooks/stripe"].left_out == "inbound webhook"


def test_sign_in_flows_and_webhooks_still_need_a_rate_limit(tmp_path: Path) -> None:
    _flask(tmp_path, (
        "@app.route('/auth/login', methods=['POST'])\n@limiter.limit('5/minute')\ndef login():\n"
        "    return jsonify(sign_in(request.json['user'], request.json['password']))\n\n\n"
        "@app.route('/webhooks/<name>', methods=['POST'])\ndef hook(name):\n    return jsonify(handle(name, request.json))\n\n\n"
        "@app.route('/static/<path:p>')\ndef static_file(p):\n    return send_from_directory('static', p)\n"))
    result = scan_tree(tmp_path, select=["rate-limiting"])
    outcome = check_result(result, "rate-limiting")
    assert (outcome.status, outcome.score) == ("fail", 0.5)  # the login is limited, the webhook is not
    assert [f.line for f in result.findings if f.check == "rate-limiting"] == [14]  # def hook
    assert any("1 static file" in e.message for e in outcome.evidence)


def test_relays_signed_webhooks_and_login_forms_are_not_judged_for_validation(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/main.py": (
        "import httpx\nfrom fastapi import FastAPI, Request\n\napp = FastAPI()\n\n\n"
        "@app.post('/proxy/{path:path}')\nasync def relay(path: str, request: Request) -> dict:\n"
        "    data = await request.json()\n    async with httpx.AsyncClient() as client:\n"
        "        upstream = await client.post(path, data=data)\n    return upstream.json()\n\n\n"
        "@app.post('/slack/events')\nasync def slack(request: Request) -> dict:\n    body = await request.body()\n"
        "    if not verifier.is_valid_signature(body, request.headers):\n        raise Forbidden()\n"
        "    return handle(await request.json())\n\n\n"
        "@app.post('/login')\nasync def login(request: Request) -> dict:\n    form = await request.form()\n"
        "    return sign_in(form['user'], form['password'])\n\n\n"
        "@app.post('/notes')\nasync def notes(request: Request) -> dict:\n    data = await request.json()\n"
        "    db.notes.insert_one(data)\n    return {}\n")})
    routes = _table(tmp_path)
    assert routes["POST /proxy/{path:path}"].relay
    assert routes["POST /slack/events"].webhook
    assert routes["POST /login"].signin
    assert not (routes["POST /notes"].relay or routes["POST /notes"].webhook)
    assert _status(tmp_path, "query-validation") == ("fail", 0.0, 1)  # only POST /notes is judged


def test_a_code_parameter_alone_is_no_oauth_callback(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/coupons', methods=['POST'])\ndef coupons():\n    return jsonify(redeem(request.json['code']))\n"))
    assert not routes["POST /coupons"].signin and routes["POST /coupons"].api


# -- class views inherit their handlers ----------------------------------------------------------

_CRUD = (
    "from flask import request\nfrom flask.views import MethodView\n\n\n"
    "class BaseModelsResource(MethodView):\n    def get(self):\n        options = request.args\n"
    "        query = self.apply_filters(self.model.query, options)\n        page = self.get_page()\n"
    "        return self.paginated_entries(query, page)\n\n    def post(self):\n        data = request.json\n"
    "        return self.model.create(**data).serialize()\n"
)


def test_crud_resources_inherit_the_base_handlers(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "svc/__init__.py": "", "svc/crud/base.py": _CRUD,
        "svc/crud/projects.py": "from svc.crud.base import BaseModelsResource\n\n\n"
                                "class ProjectsResource(BaseModelsResource):\n    def get(self):\n        return super().get()\n\n\n"
                                "class TagsResource(BaseModelsResource):\n    pass\n\n\n"
                                "class PeopleResource(BaseModelsResource):\n    def get(self):\n"
                                "        return [p.serialize() for p in all_people()]\n",
        "svc/crud/__init__.py": "from flask import Blueprint\nfrom flask_restful import Api\n"
                                "from svc.crud.projects import PeopleResource, ProjectsResource, TagsResource\n\n"
                                "blueprint = Blueprint('crud', __name__)\napi = Api(blueprint)\n"
                                "api.add_resource(ProjectsResource, '/data/projects')\napi.add_resource(TagsResource, '/data/tags')\n"
                                "api.add_resource(PeopleResource, '/data/people')\n",
    })
    routes = _table(tmp_path)
    projects, tags, people = routes["GET /data/projects"], routes["GET /data/tags"], routes["GET /data/people"]
    assert "*" in projects.query and "get_page" in projects.fact.calls  # super().get() runs the base's handler
    assert "*" in tags.query  # not overridden: the base's handler serves it
    assert "*" not in people.query  # overridden without super(): its own handler only
    assert routes["POST /data/tags"].fact.body == "raw"
    assert _status(tmp_path, "pagination") == ("fail", 2 / 3, 1)


# -- FastAPI dependencies ----------------------------------------------------------------------

def test_a_dependency_alias_carries_its_query_parameters(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/common.py": "from typing import Annotated\nfrom fastapi import Depends, Query\n\n\n"
                         "def common_parameters(page: int = Query(1), items_per_page: int = Query(5, alias='itemsPerPage'),\n"
                         "                      filter_spec: str = Query(None, alias='filter'),\n"
                         "                      sort_by: list[str] = Query([], alias='sortBy[]')) -> dict:\n"
                         "    return {}\n\n\nCommonParameters = Annotated[dict, Depends(common_parameters)]\n",
        "app/main.py": "from fastapi import FastAPI, Query\nfrom app.common import CommonParameters\n\napp = FastAPI()\n\n\n"
                       "@app.get('/cases')\ndef cases(common: CommonParameters) -> list[dict]:\n    return []\n\n\n"
                       "@app.get('/tags')\ndef tags(include: list[str] = Query([], alias='include[]')) -> list[dict]:\n"
                       "    return []\n",
    })
    routes = _table(tmp_path)
    assert {"page", "filter_spec", "sort_by"} <= set(routes["GET /cases"].query)
    assert _status(tmp_path, "filtering-sorting") == ("fail", 0.5, 1)  # include[] selects fields, it does not filter


def test_a_dependency_factorys_own_parameters_are_not_query_parameters(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/auth.py": "def get_user_authorizer(*, required: bool = True):\n    return _user if required else _optional_user\n",
        "app/main.py": "from fastapi import Depends, FastAPI\nfrom app.auth import get_user_authorizer\n\napp = FastAPI()\n\n\n"
                       "@app.get('/tags')\ndef tags(user=Depends(get_user_authorizer(required=False))) -> list[str]:\n"
                       "    return []\n",
    })
    assert _table(tmp_path)["GET /tags"].query == ()
    assert _status(tmp_path, "filtering-sorting") == ("fail", 0.0, 1)


# -- Django: AJAX helpers, project routers, what was left out -----------------------------------------

_PONTOON_URLS = (
    "from django.urls import include, path\nfrom rest_framework import routers\nfrom site_app import views\n"
    "from site_app.routers import AdvancedSimpleRouter, NestedSimpleRouter\n\n"
    "router = AdvancedSimpleRouter()\nrouter.register(r'case', views.CaseViewSet)\n"
    "logs = NestedSimpleRouter(router, r'case', lookup='case')\nlogs.register(r'logs', views.LogViewSet)\n\n"
    "urlpatterns = [\n    path('api/v2/', include(router.urls)),\n    path('api/v2/', include(logs.urls)),\n"
    "    path('teams/<code>/info/', views.ajax_info),\n    path('checks/', views.perform_checks),\n]\n"
)
_PONTOON_VIEWS = (
    "from django.http import JsonResponse\nfrom rest_framework import viewsets\nfrom site_app.utils import require_AJAX\n\n\n"
    "class CaseViewSet(viewsets.ModelViewSet):\n    queryset = Case.objects.all()\n\n\n"
    "class LogViewSet(viewsets.ReadOnlyModelViewSet):\n    queryset = Log.objects.all()\n\n\n"
    "def ajax_info(request, code):\n    return JsonResponse({'info': info(code)})\n\n\n"
    "@require_AJAX\ndef perform_checks(request):\n    return JsonResponse({'failed': run_checks(request.POST['s'])})\n"
)


def test_ajax_helpers_are_left_out_of_the_api_and_said_so(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site_app/__init__.py": "", "site_app/urls.py": _PONTOON_URLS, "site_app/views.py": _PONTOON_VIEWS,
        "site_app/routers.py": "from rest_framework.routers import SimpleRouter\n\n\n"
                               "class AdvancedSimpleRouter(SimpleRouter):\n    pass\n",
    })
    routes = _table(tmp_path)
    assert {"GET /api/v2/case/", "GET /api/v2/case/{pk}/", "GET /api/v2/case/{case_pk}/logs/"} <= set(routes)
    assert routes["GET /teams/<code>/info/"].ajax and routes["GET /checks/"].ajax
    assert not routes["GET /api/v2/case/"].ajax
    result = scan_tree(tmp_path, select=["api-versioning", "rate-limiting"])
    versioning = check_result(result, "api-versioning")
    assert (versioning.status, versioning.score) == ("pass", 1.0)  # the AJAX helpers are the site's internals
    assert any("left out of the API" in e.message and "AJAX helper" in e.message for e in versioning.evidence)
    rate = check_result(result, "rate-limiting")
    assert rate.summary.endswith(f"of {len([r for r in routes.values() if r.api])} routes are rate limited")


def test_plain_django_json_views_beside_a_drf_api_serve_the_sites_pages(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site_app/__init__.py": "", "site_app/views.py": _PONTOON_VIEWS + (
            "\n\ndef delete_comment(request):\n    return JsonResponse({'status': True, 'message': 'ok'})\n"),
        "site_app/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n"
                            "from site_app import views\n\nrouter = DefaultRouter()\nrouter.register('case', views.CaseViewSet)\n"
                            "urlpatterns = [path('api/v2/', include(router.urls)), "
                            "path('delete-comment/', views.delete_comment)]\n",
    })
    result = scan_tree(tmp_path, select=["api-versioning"])
    versioning = check_result(result, "api-versioning")
    assert (versioning.status, versioning.score) == ("pass", 1.0)
    assert any("1 JSON view of the site's own pages" in e.message for e in versioning.evidence)
    write_tree(tmp_path / "flask", {"svc/__init__.py": "", "svc/views.py": (
        "from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.route('/v1/orders')\ndef orders():\n"
        "    return jsonify([])\n\n\n@app.route('/delete-comment', methods=['POST'])\ndef delete_comment():\n"
        "    return jsonify({'status': True})\n")})
    assert _status(tmp_path / "flask", "api-versioning")[:2] == ("fail", 0.5)  # no DRF API: every JSON route counts


def test_ajax_named_views_without_an_api_leave_nothing_to_version(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "site_app/__init__.py": "", "site_app/views.py": _PONTOON_VIEWS,
        "site_app/urls.py": "from django.urls import path\nfrom site_app import views\n\n"
                            "urlpatterns = [path('teams/<code>/info/', views.ajax_info), path('checks/', views.perform_checks)]\n",
    })
    assert _status(tmp_path, "api-versioning")[0] == "n/a"
    assert _status(tmp_path, "rate-limiting")[0] == "fail"  # a rate limit still matters on them


_INGRESS = (
    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations:\n"
    "    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8\n{limit}"
    "spec:\n  rules:\n    - host: shop.example\n"
)


def test_ingress_rate_limit_annotations_cover_every_route(tmp_path: Path) -> None:
    files = {"svc/__init__.py": "", "svc/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
             "@app.get('/orders')\ndef orders() -> list[dict]:\n    return []\n"}
    write_tree(tmp_path / "a", {**files, "deploy/ingress.yaml": _INGRESS.format(
        limit="    nginx.ingress.kubernetes.io/limit-rps: '10'\n")})
    write_tree(tmp_path / "b", {**files, "deploy/ingress.yaml": _INGRESS.format(limit="")})
    result = scan_tree(tmp_path / "a", select=["rate-limiting"])
    outcome = check_result(result, "rate-limiting")
    assert (outcome.status, outcome.score) == ("pass", 1.0)
    assert "limit-rps" in outcome.summary
    assert _status(tmp_path / "b", "rate-limiting") == ("fail", 0.0, 1)


def test_pagination_class_chosen_per_request_by_a_property(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "notes/__init__.py": "",
        "notes/views.py": "from rest_framework import mixins, viewsets\n\n\n"
                          "class NotesViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                          "    @property\n    def pagination_class(self):\n"
                          "        return LongPagination if self.request.GET.get('extra') else ShortPagination\n\n\n"
                          "class TagsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                          "    def pagination_class_name(self):\n        return 'none'\n",
        "notes/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n"
                         "from notes import views\n\nrouter = DefaultRouter()\nrouter.register('notes', views.NotesViewSet)\n"
                         "router.register('tags', views.TagsViewSet)\nurlpatterns = [path('api/v1/', include(router.urls))]\n",
    })
    assert _status(tmp_path, "pagination") == ("fail", 0.5, 1)


def test_a_projects_own_limiter_middleware_and_flask_limiter_configuration(tmp_path: Path) -> None:
    app = ("from fastapi import FastAPI\nfrom app.limits import {cls}\n\napp = FastAPI()\napp.add_middleware({cls})\n\n\n"
           "@app.get('/orders')\ndef orders() -> list[dict]:\n    return []\n")
    write_tree(tmp_path / "a", {"app/__init__.py": "", "app/main.py": app.format(cls="IpRateLimitMiddleware")})
    write_tree(tmp_path / "b", {"app/__init__.py": "", "app/main.py": app.format(cls="GZipMiddleware")})
    assert _status(tmp_path / "a", "rate-limiting")[:2] == ("pass", 1.0)
    assert _status(tmp_path / "b", "rate-limiting") == ("fail", 0.0, 1)
    _flask(tmp_path / "c", "app.config['RATELIMIT_DEFAULT'] = '200/hour'\n\n\n"
                           "@app.route('/orders')\ndef orders():\n    return jsonify([])\n")
    assert _status(tmp_path / "c", "rate-limiting")[:2] == ("pass", 1.0)


def test_drf_filters_read_in_get_queryset(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "logs/__init__.py": "",
        "logs/views.py": "from rest_framework import mixins, viewsets\n\n\n"
                         "class BaseLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                         "    def get_queryset(self):\n        params = LogQuery(data=self.request.query_params)\n"
                         "        params.is_valid(raise_exception=True)\n        return Log.objects.filter(**params.data)\n\n\n"
                         "class AuditViewSet(BaseLogViewSet):\n    pass\n\n\n"
                         "class FlagsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                         "    def get_queryset(self):\n        name = self.request.GET.get('feature')\n"
                         "        return Flag.objects.filter(name=name) if name else Flag.objects.all()\n\n\n"
                         "class TagsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):\n"
                         "    def get_queryset(self):\n        return Tag.objects.filter(owner=self.request.user)\n",
        "logs/urls.py": "from django.urls import include, path\nfrom rest_framework.routers import DefaultRouter\n"
                        "from logs import views\n\nrouter = DefaultRouter()\nrouter.register('audit', views.AuditViewSet)\n"
                        "router.register('flags', views.FlagsViewSet)\nrouter.register('tags', views.TagsViewSet)\n"
                        "urlpatterns = [path('api/v1/', include(router.urls))]\n",
    })
    routes = _table(tmp_path)
    assert routes["GET /api/v1/audit/"].query == ("*",)  # the base class's get_queryset, the whole query string
    assert routes["GET /api/v1/flags/"].query == ("feature",)
    assert _status(tmp_path, "filtering-sorting")[:2] == ("fail", 2 / 3)


def test_regex_checked_tokens_and_model_full_clean_validate(tmp_path: Path) -> None:
    write_tree(tmp_path, {"site_app/__init__.py": "", "site_app/urls.py": (
        "from django.urls import path\nfrom site_app import views\n\nurlpatterns = [path('dismiss/', views.dismiss), "
        "path('theme/', views.theme), path('note/', views.note)]\n"), "site_app/views.py": (
        "import re\nfrom django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n\n\n"
        "@require_POST\ndef dismiss(request):\n    token = request.POST.get('token', '').strip()\n"
        "    if token and re.fullmatch(r'[0-9a-f]{1,64}', token):\n        save_token(token)\n"
        "    return JsonResponse({'status': True})\n\n\n"
        "@require_POST\ndef theme(request):\n    profile = request.user.profile\n"
        "    profile.theme = request.POST.get('theme')\n    profile.full_clean()\n    profile.save()\n"
        "    return JsonResponse({'status': True})\n\n\n"
        "@require_POST\ndef note(request):\n    save_note(request.POST.get('text').strip())\n"
        "    return JsonResponse({'status': True})\n")})
    routes = _table(tmp_path)
    assert routes["POST /dismiss/"].fact.body == "validated"
    assert routes["POST /theme/"].fact.body == "validated"  # the model validates its fields
    assert routes["POST /note/"].fact.body == "raw"


def test_font_and_image_files_are_static(tmp_path: Path) -> None:
    routes = _flask(tmp_path, "@app.route('/ubuntu-bold.woff')\ndef font():\n    return send_file('fonts/u.woff')\n")
    assert routes["GET /ubuntu-bold.woff"].left_out == "static file"


def test_a_signature_checked_through_module_helpers_makes_a_webhook(tmp_path: Path) -> None:
    write_tree(tmp_path, {"svc/__init__.py": "", "svc/slack.py": (
        "from fastapi import APIRouter, Depends, HTTPException, Request\nfrom slack_sdk.signature import SignatureVerifier\n\n"
        "router = APIRouter()\n\n\n"
        "def _valid(body, headers, secret):\n    return SignatureVerifier(signing_secret=secret).is_valid_request(body, headers)\n\n\n"
        "def handler_for(request, body):\n    for config in configs():\n        if _valid(body, request.headers, config.secret):\n"
        "            return make_handler(config)\n    raise HTTPException(status_code=403)\n\n\n"
        "async def get_body(request: Request) -> bytes:\n    return await request.body()\n\n\n"
        "@router.post('/slack/event')\nasync def slack_events(request: Request, body: bytes = Depends(get_body)):\n"
        "    handler = handler_for(request, body)\n    return handler.handle(request, body)\n\n\n"
        "@router.post('/notes')\nasync def add_note(request: Request, body: bytes = Depends(get_body)):\n"
        "    return save_note(await request.json())\n"),
    })
    routes = _table(tmp_path)
    assert routes["POST /slack/event"].webhook and routes["POST /slack/event"].left_out == "inbound webhook"
    assert not routes["POST /notes"].webhook  # same module, but nothing on its way checks a signature


def _fastapi_app(extra_include: str = "") -> dict[str, str]:
    router = "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get('/{name}')\ndef one(name: str):\n    return {}\n"
    return {
        "app/__init__.py": "",
        "app/main.py": ("from fastapi import FastAPI\n\nfrom app.api import api_router\n\napp = FastAPI()\n"
                        "app.include_router(api_router, prefix='/api/v1')\n"),
        "app/api.py": ("from fastapi import APIRouter\n\nfrom app.endpoints import login, users\n\napi_router = APIRouter()\n"
                       "api_router.include_router(login.router, prefix='/login')\n"
                       "api_router.include_router(users.router, prefix='/users')\n" + extra_include),
        "app/endpoints/__init__.py": "",
        "app/endpoints/login.py": router,
        "app/endpoints/users.py": router,
        "app/endpoints/services.py": router,  # written, never mounted
    }


def test_a_router_nothing_mounts_is_not_served(tmp_path: Path) -> None:
    write_tree(tmp_path, _fastapi_app())
    assert set(_table(tmp_path)) == {"GET /api/v1/login/{name}", "GET /api/v1/users/{name}"}


def test_routers_stay_when_a_mount_cannot_be_followed(tmp_path: Path) -> None:
    write_tree(tmp_path, _fastapi_app("for plugin in plugins():\n    api_router.include_router(plugin.events, prefix='/events')\n"))
    assert "GET /{name}" in _table(tmp_path)  # services.py may be a plugin's router: kept, unprefixed


def test_a_body_handed_to_a_form_or_serializer_is_validated(tmp_path: Path) -> None:
    write_tree(tmp_path, {"site_app/__init__.py": "", "site_app/urls.py": (
        "from django.urls import path\nfrom site_app import views\n\nurlpatterns = [path('finding/<int:fid>/delete', "
        "views.DeleteFinding.as_view()), path('type/<int:tid>/disable', views.disable_type), path('tag/', views.tag)]\n"),
        "site_app/views.py": (
        "from django.http import HttpResponseRedirect\nfrom django.views import View\n\nfrom site_app.forms import DeleteForm, "
        "DisableForm\n\n\nclass DeleteFinding(View):\n    def process_form(self, request, finding, context):\n"
        "        if context['form'].is_valid():\n            finding.delete()\n            return True\n        return False\n\n"
        "    def post(self, request, fid):\n        finding = get_finding(fid)\n"
        "        context = {'form': DeleteForm(request.POST, instance=finding)}\n"
        "        self.process_form(request, finding, context)\n        return HttpResponseRedirect('/findings')\n\n\n"
        "def disable_type(request, tid):\n    if request.method == 'POST':\n"
        "        form = DisableForm(request.POST, instance=get_type(tid))\n        form.save()\n"
        "    return HttpResponseRedirect('/types')\n\n\n"
        "def tag(request):\n    if request.method == 'POST':\n        data = request.POST\n        save_tag(data['name'])\n"
        "    return HttpResponseRedirect('/tags')\n")})
    routes = _table(tmp_path)
    assert routes["POST /finding/<int:fid>/delete"].fact.body == "validated"
    assert routes["POST /type/<int:tid>/disable"].fact.body == "validated"
    assert routes["POST /tag/"].fact.body == "raw"  # the body goes straight to storage


def test_required_and_converted_fields_validate_a_body_read_field_by_field(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/syndicate/<blog_id>', methods=['POST'])\ndef syndicate(blog_id):\n"
        "    data = request.get_json(silent=True) or {}\n    consumer = data.get('consumer_blog_id')\n"
        "    auto_publish = bool(data.get('auto_publish'))\n    if not consumer:\n"
        "        return api_error('Missing consumer_blog_id', 422)\n"
        "    return jsonify(create_syndication(blog_id, consumer, auto_publish))\n\n\n"
        "@app.route('/action/<alert_id>', methods=['PUT'])\ndef action(alert_id):\n"
        "    data = request.get_json(silent=True) or {}\n    action = data.get('action')\n    text = data.get('text')\n"
        "    if not action:\n        raise ApiError('must supply action', 400)\n"
        "    return jsonify(apply_action(alert_id, action, text))\n\n\n"
        "@app.route('/notes', methods=['POST'])\ndef notes():\n    data = request.get_json(silent=True) or {}\n"
        "    text = data.get('text')\n    if not text:\n        log.info('empty note')\n"
        "    return jsonify(save_note(text, data.get('colour')))\n\n\n"
        "@app.route('/tags', methods=['POST'])\ndef tags():\n    data = request.get_json(silent=True) or {}\n"
        "    if not data.get('name'):\n        abort(400)\n    return jsonify(save_tag(**data))\n"))
    assert routes["POST /syndicate/<blog_id>"].fact.body == "validated"  # required, and the flag converted
    assert routes["PUT /action/<alert_id>"].fact.body == "raw"  # the text goes on as it came
    assert routes["POST /notes"].fact.body == "raw"  # tested, but a missing text is not rejected
    assert routes["POST /tags"].fact.body == "raw"  # the whole body is handed on


def test_sign_up_reset_and_invitation_links_are_sign_in_flows(tmp_path: Path) -> None:
    routes = _flask(tmp_path, (
        "@app.route('/invite/<token>', methods=['GET', 'POST'])\ndef invite(token):\n"
        "    return render_template('invite.html', token=token)\n\n\n"
        "@app.route('/reset/<token>', methods=['GET', 'POST'])\ndef reset(token):\n"
        "    return render_template('reset.html', token=token)\n\n\n"
        "@app.route('/signup', methods=['POST'])\ndef signup():\n    return jsonify(create_account(request.json))\n\n\n"
        "@app.route('/cache/reset', methods=['POST'])\ndef reset_cache():\n    return jsonify(flush())\n\n\n"
        "@app.route('/invite', methods=['POST'])\ndef send_invite():\n    return jsonify(invite_user(request.json))\n"))
    for label in ("GET /invite/<token>", "POST /reset/<token>", "POST /signup"):
        assert routes[label].left_out == "sign-in flow", label
    assert routes["POST /cache/reset"].left_out == ""  # an API action that happens to be called reset
    assert routes["POST /invite"].left_out == ""  # sending an invitation is the API; following one is the door
    outcome = check_result(scan_tree(tmp_path, select=["rate-limiting"]), "rate-limiting")
    assert outcome.status == "fail" and outcome.score == 0.0  # every door and action without a limit
