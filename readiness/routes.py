"""The HTTP route table of a project: FastAPI, Flask and Django routes with their full paths.

Extraction is split like every check: ``route_facts(source)`` reads one file (routes, routers and
blueprints with their own prefixes, ``include_router``/``register_blueprint``/``include()`` calls,
imported names, Django views) into plain picklable data, memoised on the ``SourceFile`` so
several checks share one extraction per file; ``build_route_table`` then joins the files,
following includes across modules to give every route its full path.
"""

from __future__ import annotations

import ast
import re
import sys
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, TypeVar

from readiness.lazy_regex import AnyOf, lazy_compile
from readiness.needles import may_match_ignoring_case
from readiness.source import SourceFile
from readiness.tools.pyast import dotted as _dotted
from readiness.tools.pyast import walk, walked

T = TypeVar("T")

# Text that any file declaring or mounting routes contains (the per-file pre-filter of route checks).
ROUTE_NEEDLES = (
    "@", "urlpatterns", "include_router", "register_blueprint", "mount(", "add_api_route", "add_url_rule",
    "add_route", "request", "Router(", "Blueprint(", "FastAPI(", "Flask(", "add_resource", "register(", "Api(",
    "View", "Resource", "REST_FRAMEWORK", "'/", '"/', "Model", "Query(", "int = ", "Params", "add_argument",
    "DOMAIN", "_METHODS", "URL_PREFIX", "Annotated", "graphql", "GraphQL", "graphene", "strawberry", "type Query",
    "Limiter", "depth_limit", "Depends(",  # a module of FastAPI dependencies the routes declare (query parameters)
    "from .",  # a package's __init__.py re-exporting its views (see routes_worth_keeping)
    "route_prefix",  # Pyramid: the prefix every route of an include gets
    "def on_",  # Falcon responders (on_get, on_post_item)
    "429",  # a decorator that answers Too Many Requests itself
    "Schema)",  # a marshmallow schema whose fields a route reads from the query string
    "fields.",  # a module's dicts of webargs fields that routes' decorators name (@use_kwargs(args.paging))
    "self.route(", "setattr(",  # a Blueprint subclass replaying routes a decorator stored on its methods (setattr)
    # a module of functions validating what a handler elsewhere hands them (see HelperFact)
    "validate(", ".load(", "is_valid(", "parse_obj(", "Serializer(", "Form(",
    "redis=", ".redis =",  # the Redis an Eve app keeps its rate-limit counts in
)
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "MUTATION"})  # MUTATION: a GraphQL mutation field
PAGINATION_PARAMS = frozenset({
    "limit", "offset", "page", "page_size", "pagesize", "per_page", "perpage", "size", "cursor", "skip",
    "after", "before", "start", "max_results", "page_token", "next_token", "page_number", "take", "first",
    # cursors named for the row they start from (Stripe's starting_after, after_id)
    "after_id", "before_id", "starting_after", "ending_before", "since_id", "max_id", "last_id",
    # the page by another name: ?page_id=2, ?pageno=3, JSON:API's page[size] and page[number]
    "page_id", "pageno", "page_no", "page_num", "pagenum", "page_index", "items_per_page", "page[size]",
    "page[number]", "page[offset]", "page[limit]", "page[cursor]",
})
# Query parameters that only a paged collection reads.
_PAGING_QUERY = frozenset({"limit", "offset", "page", "page_size", "pagesize", "per_page", "perpage", "cursor", "skip",
                           "max_results", "page_token", "page_number", "page_id", "pageno", "page_no", "page_num",
                           "pagenum", "page_index", "items_per_page"})
# Last words of paths that name one object about many: aggregates, settings, summaries.
_AGGREGATE_WORDS = frozenset({"stats", "statistics", "counts", "totals", "summary", "summaries", "settings",
                              "preferences", "properties", "defaults", "metrics", "analytics", "options", "details",
                              "credentials", "info", "config", "configuration", "form"})
# Path prefixes under which every route reports figures about the data (/admin/statistics/event-topics).
_STATISTICS = frozenset({"stats", "statistics", "analytics"})
_FIGURES = frozenset({"counts", "totals", "summary", "summaries", "metrics"})
SORT_PARAMS = frozenset({"sort", "sort_by", "sortby", "order", "order_by", "orderby", "ordering", "sort_order", "direction"})
_BUILD_INFO = frozenset({"version", "info", "build", "buildinfo", "build-info", "about"})
# /health/workers, /api/v1/health/database: the checks of a health area, whatever they are named
_HEALTH_HEADS = frozenset({"health", "healthz", "healthcheck", "health-check", "health_check", "_health"})
OPS_SEGMENTS = frozenset({
    "health", "healthz", "healthcheck", "health-check", "health_check", "ready", "readyz", "readiness", "live",
    "livez", "liveness", "ping", "alive", "healthy", "heartbeat", "metrics", "docs", "redoc", "openapi.json",
    "favicon.ico", "robots.txt", "status",
    "_status", "status.txt", "swagger", "swagger.json", "openapi", "schema",
    "swagger-ui", "swagger_ui", "swagger-ui.html", "api-docs", "apidocs", "openapi.yaml", "schema.json", "schema.yaml",
})
# Views that serve the API's own description (drf-spectacular, drf-yasg, DRF's schema view): documentation.
_DOC_VIEWS = lazy_compile(r"Spectacular(?:API|Swagger|Redoc|JSONAPI|YAMLAPI)View|SwaggerUIView|RedocView|"
                          r"get_schema_view|SchemaView$")
# First segments of routes that are not the API: static files, the admin site, sign-in flows.
NON_API_HEADS = frozenset({"static", "media", "admin", "__debug__", "oauth", "oauth2", "saml", "saml2", "sso", "oidc",
                           "accounts", "social", "djangosaml2", "silk", "debug", "sentry-debug", "plugins",
                           ".well-known"})
# /v2/, /v2.1/ and a version joined to the API's name: /apiv2/, /api-v2/, /api_v1/
VERSION_SEGMENT = lazy_compile(r"^(?:api[-_]?)?v\d+(?:\.\d+)?$", re.IGNORECASE)
_ACCOUNT_SEGMENTS = frozenset({"signup", "sign-up", "sign_up", "register", "forgot-password", "forgot_password",
                                "reset-password", "reset_password", "password-reset", "password_reset"})
# Segments that make a sign-in flow only with a token in the path: /invite/<token>, /reset/<token>, /confirm/<key>.
_TOKEN_FLOW_SEGMENTS = frozenset({"invite", "invitation", "reset", "confirm", "activate", "verify", "verify-email",
                                  "magic-link", "magic_link"})
NON_API_SEGMENTS = frozenset({"oauth", "oauth2", "saml", "saml2", "sso", "oidc", "callback", "authorize", "logout"})
_ASSET_SUFFIXES = (".js", ".css", ".html", ".htm", ".txt", ".xml", ".ico", ".png", ".svg", ".map", ".webmanifest",
                   ".woff", ".woff2", ".ttf", ".otf", ".eot", ".jpg", ".jpeg", ".gif", ".webp")
# Feeds and file downloads (/dataset.atom, /export.csv): documents for readers and spreadsheets, not the JSON API.
_DOCUMENT_SUFFIXES = (".atom", ".rss", ".rdf", ".ics", ".vcf", ".csv", ".tsv", ".xlsx", ".pdf", ".zip")
# Calls that make a handler an HTML page (or a redirect) and calls that make it return serialised data.
_PAGE_CALLS = frozenset({"render_template", "render", "render_to_response", "TemplateResponse", "render_to_string",
                         "redirect", "HttpResponseRedirect", "send_file", "send_from_directory", "render_template_string",
                         "HTMLResponse", "FileResponse", "StreamingHttpResponse", "RedirectResponse",
                         "HttpResponsePermanentRedirect"})  # a browser is sent elsewhere: a page, not an API
_API_CALLS = frozenset({"jsonify", "JsonResponse", "json_response", "ORJSONResponse", "JSONResponse", "Serializer",
                        "marshal", "marshal_with", "dump", "serialize", "to_json", "make_json_response"})
_API_BASES = frozenset({"APIView", "GenericAPIView", "ViewSet", "GenericViewSet", "ModelViewSet", "ReadOnlyModelViewSet",
                        "ListAPIView", "CreateAPIView", "RetrieveAPIView", "UpdateAPIView", "DestroyAPIView",
                        "ListCreateAPIView", "RetrieveUpdateAPIView", "RetrieveDestroyAPIView",
                        "RetrieveUpdateDestroyAPIView", "Resource", "MethodResource", "ViewSetMixin"})
_PAGE_BASES = frozenset({"TemplateView", "FormView", "ListView", "DetailView", "CreateView", "UpdateView", "DeleteView",
                         "RedirectView", "TemplateResponseMixin", "FormMixin", "LoginView", "LogoutView",
                         "PasswordChangeView", "PasswordResetView", "ArchiveIndexView", "WizardView"})
# DRF: the actions a viewset base provides, as (method, on the item?, shape).
_DRF_ACTIONS = {
    "list": ("GET", False, "list"), "create": ("POST", False, ""), "retrieve": ("GET", True, "item"),
    "update": ("PUT", True, ""), "partial_update": ("PATCH", True, ""), "destroy": ("DELETE", True, ""),
}
_DRF_BASE_ACTIONS = {
    "ModelViewSet": ("list", "create", "retrieve", "update", "partial_update", "destroy"),
    "ReadOnlyModelViewSet": ("list", "retrieve"),
    "ListModelMixin": ("list",), "CreateModelMixin": ("create",), "RetrieveModelMixin": ("retrieve",),
    "UpdateModelMixin": ("update", "partial_update"), "DestroyModelMixin": ("destroy",),
}
_DRF_GENERIC_METHODS = {
    "ListAPIView": (("GET", "list"),), "CreateAPIView": (("POST", ""),), "RetrieveAPIView": (("GET", "item"),),
    "UpdateAPIView": (("PUT", ""), ("PATCH", "")), "DestroyAPIView": (("DELETE", ""),),
    "ListCreateAPIView": (("GET", "list"), ("POST", "")),
    "RetrieveUpdateAPIView": (("GET", "item"), ("PUT", ""), ("PATCH", "")),
    "RetrieveDestroyAPIView": (("GET", "item"), ("DELETE", "")),
    "RetrieveUpdateDestroyAPIView": (("GET", "item"), ("PUT", ""), ("PATCH", ""), ("DELETE", "")),
    "ListView": (("GET", "list"),),
    # Django's form views: the POST goes through the form class
    "FormView": (("GET", ""), ("POST", "")), "CreateView": (("GET", ""), ("POST", "")),
    "UpdateView": (("GET", ""), ("POST", "")), "DeleteView": (("GET", ""), ("POST", "")),
    # token endpoints of DRF and djangorestframework-simplejwt: a POST of credentials through a serializer
    "ObtainAuthToken": (("POST", ""),), "TokenObtainPairView": (("POST", ""),), "TokenRefreshView": (("POST", ""),),
    "TokenObtainSlidingView": (("POST", ""),), "TokenVerifyView": (("POST", ""),),
}
# The headers in which providers sign the webhooks they deliver (GitHub, Stripe, Slack, Twilio, Standard Webhooks
# and Svix, Shopify, Paddle, LINE, Razorpay, Zoom, Typeform, Discord interactions, Mailgun, SendGrid): a route that
# reads one receives another system's payload, in that system's format.
_WEBHOOK_SIGNATURE_HEADERS = frozenset({
    "x-hub-signature", "x-hub-signature-256", "stripe-signature", "x-slack-signature", "x-twilio-signature",
    "webhook-signature", "svix-signature", "x-shopify-hmac-sha256", "paddle-signature", "x-line-signature",
    "x-razorpay-signature", "x-zm-signature", "typeform-signature", "x-signature-ed25519", "x-mailgun-signature",
    "x-twilio-email-event-webhook-signature", "x-gitea-signature", "x-gogs-signature", "x-gitlab-token",
})
# Django's views whose post() binds the view's form class to the submitted body and validates it.
_FORM_VIEWS = frozenset({"FormView", "CreateView", "UpdateView", "BaseFormView", "BaseCreateView", "BaseUpdateView",
                         "ProcessFormView"})
_CLASS_ATTRS = frozenset({"paginate_by", "pagination_class", "filterset_class", "filter_backends", "ordering_fields",
                          "search_fields", "throttle_classes", "filterset_fields", "filter_class", "filter_fields",
                          "ordering", "throttle_scope", "template_name", "renderer_classes", "form_class"})

_SPECIAL_TYPES = frozenset({
    "Request", "Response", "WebSocket", "BackgroundTasks", "HTTPConnection", "SecurityScopes", "Session",
    "AsyncSession", "HTTPAuthorizationCredentials", "OAuth2PasswordRequestForm", "UploadFile",
})
_SCALAR_TYPES = frozenset({
    "str", "int", "float", "bool", "bytes", "UUID", "datetime", "date", "time", "timedelta", "Decimal",
    "Any", "Literal", "EmailStr", "HttpUrl", "AnyUrl", "PositiveInt", "NonNegativeInt", "conint", "constr",
})
_WRAPPERS = frozenset({"Optional", "Union", "List", "list", "Set", "set", "Sequence", "Tuple", "tuple", "FrozenSet",
                       "frozenset", "Iterable"})
_LIST_TYPES = frozenset({"list", "List", "Sequence", "Iterable", "set", "Set", "tuple", "Tuple", "Iterator"})
_PAGE_TYPES = frozenset({"Page", "LimitOffsetPage", "CursorPage", "Paginated", "PaginatedResponse"})
_SCALAR_RETURNS = frozenset({"int", "float", "bool", "str", "bytes", "Decimal"})
_UNKNOWN_RETURNS = frozenset({"dict", "Dict", "Any", "Response", "JSONResponse", "ORJSONResponse", "object", "None"})
_REQUEST_NAMES = frozenset({"request", "req", "flask.request", "self.request"})
# DATA and QUERY_PARAMS: the spellings of Django REST framework before 3.0, kept by projects that vendor it
_RAW_BODY_ATTRS = frozenset({"json", "get_json", "form", "data", "values", "body", "POST", "stream", "get_data", "DATA",
                             "post", "multipart",  # aiohttp: await request.post()
                             "json_body",  # Pyramid: request.json_body
                             "media", "get_media", "bounded_stream"})  # Falcon
_QUERY_ATTRS = frozenset({"args", "query_params", "GET", "query", "QUERY_PARAMS", "params"})  # params: Falcon, WebOb
_VALIDATING_CALLS = frozenset({
    "load", "loads_schema", "validate", "model_validate", "parse_obj", "is_valid", "validate_python",
    "model_validate_json", "parse_raw", "validate_json", "full_clean", "clean_fields",
})
_STRING_NORMALISERS = frozenset({"strip", "lower", "upper", "lstrip", "rstrip", "casefold"})
_COERCIONS = frozenset({"int", "float", "bool", "str", "Decimal", "UUID", "uuid.UUID", "date", "datetime",
                        "fromisoformat", "strptime", "ip_address", "ip_network", "EmailStr"})
_PARSING_METHODS = frozenset({"parse", "from_json", "deserialize", "from_request"})
_OAUTH_WORDS = frozenset({"authorization_code", "redirect_uri", "redirectUri", "client_id", "clientId", "grant_type"})
# Keys of a JSON object that wraps a collection: {"data": [...], "total": 10}
_ENVELOPE_KEYS = frozenset({"data", "items", "results", "objects", "records", "entries", "rows", "list", "page",
                            "next", "cursor", "total", "count", "_items", "hits"})
# A last segment that groups or looks up "by" something: a breakdown of figures, or the rows the caller names
_BREAKDOWN = lazy_compile(r"(?:^|[-_.])by(?:[-_.]|$)")
# Fields a list wrapper carries beside its list (compared lower case, without underscores): counts, pages, cursors
_PAGING_FIELDS = frozenset({"total", "count", "totalcount", "totalitems", "totalresults", "totalpages", "numpages",
                            "pages", "page", "pagesize", "perpage", "size", "limit", "offset", "start", "next",
                            "previous", "prev", "cursor", "nextcursor", "prevcursor", "previouscursor", "nextpage",
                            "prevpage", "previouspage", "hasmore", "hasnext", "hasprevious", "hasprev", "more",
                            "nextoffset", "nextpagetoken", "pagetoken", "continuationtoken", "after", "before",
                            "startcursor", "endcursor", "pageinfo", "meta", "links", "filtered", "truncated"})
# Fields that name one record: a model holding one is an item, whatever lists it carries
_IDENTITY_FIELDS = frozenset({"id", "uuid", "pk"})
# A project's own wrapper of a template response (csrf_form_template_response("exports.jinja2", ...)).
_TEMPLATE_CALL = lazy_compile(r"(?:^|_)template_?response$|^render_\w*template", re.IGNORECASE)
# Decorators that render the handler's result into an HTML template: Flask's templated() pattern,
# aiohttp_jinja2.template, django-annoying's render_to, bottle's jinja2_view.
_TEMPLATE_DECORATORS = frozenset({"template", "templated", "template_renderer", "render_to", "with_template",
                                  "jinja2_view", "mako_view"})
_VALIDATING_DECORATORS = frozenset({"validate", "use_args", "use_kwargs", "arguments", "expects_json", "validate_json",
                                    "input", "body", "validate_request", "accepts"})


@dataclass(frozen=True)
class RouteFact:
    """One route as one file declares it (the path without prefixes from other files)."""

    framework: str  # fastapi | flask | django | starlette
    method: str  # GET, POST, ... or "*" (a Django view whose methods are unknown)
    path: str  # as written, including the owner's prefix when it is in this file for Django lists
    owner: str  # the app/router/blueprint expression ("app", "router"), "urlpatterns" for Django
    handler: str
    line: int
    column: int
    query_params: tuple[str, ...] = ()
    path_params: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()  # request headers the handler reads (lower case)
    decorators: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()  # Depends(...) callables, from parameters and dependencies=[...]
    body: str = ""  # "model" (typed body parameter), "validated" (raw, then validated), "raw", "" (no body)
    shape: str = ""  # "list", "page", "item" or "" (unknown), from annotations and response_model
    calls: tuple[str, ...] = ()  # names the handler calls (attribute or function names)
    kind: str = ""  # "api" (returns serialised data), "page" (HTML, redirect, file) or "" (unknown)
    model: str = ""  # the response model's class name, to tell a list wrapper ({data, count}) from an item


@dataclass(frozen=True)
class ClassFact:
    """A class as route resolution needs it: bases, route-relevant attributes, fields and HTTP handlers."""

    name: str
    bases: tuple[str, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()  # class attribute -> "None", "[]" or "set"
    fields: tuple[str, ...] = ()  # annotated fields or __init__ parameters (dependency classes, models)
    listy: bool = False  # a field typed as a list: a list wrapper like {data: list[Item], count: int}
    methods: tuple[str, ...] = ()  # method names
    line: int = 0
    eve: tuple[str, ...] = ()  # Eve resource settings as "eve:key=value" (schema, resource_methods, url, ...)
    query: tuple[str, ...] = ()  # query parameters get_queryset/list read (DRF filtering by hand)
    webargs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # attribute -> dict of webargs fields (WEBARGS tokens)


@dataclass(frozen=True)
class OwnerFact:
    """An app, router or blueprint created in the file."""

    name: str
    kind: str  # FastAPI, APIRouter, Flask, Blueprint, Api, Namespace, Router (DRF)
    prefix: str = ""
    dependencies: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class IncludeFact:
    """``include_router``, ``register_blueprint``, ``mount`` or Django ``include()``."""

    owner: str
    target: str
    prefix: str = ""
    replaces: bool = False  # Flask: url_prefix given at registration replaces the blueprint's own
    module: bool = False  # Django include("pkg.urls"): the target is a module path
    dependencies: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class HelperFact:
    """A module function that a handler in another module may hand its request or body to: what it reads and
    checks there, so the route table can merge it into that handler (per-file facts cannot read other files)."""

    name: str
    params: tuple[str, ...] = ()  # positional then keyword-only, to tell which one a handed body lands in
    request: bool = False  # takes a request-like parameter (request, req)
    context: bool = False  # reads Flask's (or Quart's) context-local request: the calling handler's own
    query: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    body: str = ""  # its verdict on the request body it reads itself (see RouteFact.body)
    kind: str = ""
    validates: tuple[str, ...] = ()  # parameters it hands to a validating call: a body handed there is checked


@dataclass(frozen=True)
class FileRoutes:
    module: str
    routes: tuple[RouteFact, ...] = ()
    owners: tuple[OwnerFact, ...] = ()
    includes: tuple[IncludeFact, ...] = ()
    names: tuple[tuple[str, str], ...] = ()  # local name -> dotted origin, from imports
    views: tuple[RouteFact, ...] = ()  # view functions and class-view methods (owner "", path "")
    classes: tuple[ClassFact, ...] = ()
    constants: tuple[tuple[str, str], ...] = ()  # NAME = "text" at module level or as a settings default
    callables: tuple[tuple[str, tuple[str, ...]], ...] = ()  # function -> parameter names (dependencies)
    settings: tuple[str, ...] = ()  # DRF REST_FRAMEWORK keys set to something other than None
    aliases: tuple[tuple[str, str], ...] = ()  # CommonParameters = Annotated[dict, Depends(common_parameters)]
    factories: tuple[tuple[str, str], ...] = ()  # def make_blueprint(): bp = Blueprint(...); return bp -> (function, owner)
    limiters: tuple[str, ...] = ()  # decorators whose wrapper answers 429 (a rate limit of their own); limited blueprints
    recorders: tuple[tuple[str, str], ...] = ()  # def route(*args, **kw): a decorator storing them -> (function, attribute)
    webargs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # dicts of webargs fields, their builders and merges
    helpers: tuple[HelperFact, ...] = ()  # functions handlers elsewhere may hand the request or body to

    @property
    def empty(self) -> bool:
        return not (self.routes or self.owners or self.includes or self.views or self.settings or self.constants
                    or self.aliases or self.limiters or self.recorders or self.webargs or self.helpers
                    or any(c.bases or c.fields or c.webargs for c in self.classes) or any(p for _, p in self.callables))


@dataclass(frozen=True)
class Route:
    """A route with its full path, as the route table holds it."""

    file: str
    path: str
    fact: RouteFact
    dependencies: tuple[str, ...] = ()  # the route's own plus those of its routers and includes
    dep_params: tuple[str, ...] = ()  # query parameters its dependencies take (functions or classes)

    @property
    def method(self) -> str:
        return self.fact.method

    @property
    def line(self) -> int:
        return self.fact.line

    @property
    def handler(self) -> str:
        return self.fact.handler

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def segments(self) -> list[str]:
        return [s for s in self.path.split("/") if s]

    @property
    def ops(self) -> bool:
        """A health, metrics or documentation route (not part of the public API)."""
        segs = self.segments
        last = segs[-1].lower() if segs else ""
        return not segs or last in OPS_SEGMENTS or _dunder(last) in OPS_SEGMENTS \
            or segs[0].lower() in ("docs", "redoc", "static") \
            or any(s.lower() in _HEALTH_HEADS for s in segs[:-1]) \
            or bool(_DOC_VIEWS.search(self.fact.handler)) \
            or (segs[0].lower() == "admin" and not self.admin_api) \
            or (len(segs) == 1 and segs[0].lower() in _BUILD_INFO)  # GET /version, /info: the build's metadata

    @property
    def ops_name(self) -> str:
        """The last segment as operations routes name it: ``__heartbeat__`` (Mozilla's Dockerflow) as ``heartbeat``."""
        return _dunder(self.segments[-1].lower()) if self.segments else ""

    @property
    def admin_api(self) -> bool:
        """A JSON API for admins (``/admin/api/...``, or JSON routes under ``/admin``), not Django's admin site."""
        segs = [s.lower() for s in self.segments]
        return bool(segs) and segs[0] == "admin" and (self.fact.kind == "api" or segs[1:2] in (["api"], ["rest"]))

    @property
    def api(self) -> bool:
        """A route of the API: it returns serialised data or lives under an API prefix.

        HTML pages, redirects, static files and assets, the admin site, sign-in flows and
        health/metrics/docs routes are not, whatever they return.
        """
        segs = [s.lower() for s in self.segments]
        if self.ops or self.fact.kind == "page" or not [s for s in segs if not unresolved(s)]:
            return False
        if (segs[0] in NON_API_HEADS and not self.admin_api) or set(segs) & NON_API_SEGMENTS \
                or segs[-1].endswith(_ASSET_SUFFIXES + _DOCUMENT_SUFFIXES):
            return False
        if self.webhook or "@oauth" in self.fact.calls:
            return False
        if self.fact.kind == "api" or self.fact.framework in ("fastapi", "ninja"):
            return True
        if any(s in _API_SEGMENTS or VERSION_SEGMENT.match(s) for s in segs):
            return True
        return self.fact.framework == "flask"

    @property
    def ends_session(self) -> bool:
        """A sign-out: it ends the caller's own session, so there is nothing to stuff or flood."""
        return any(s.lower().replace("_", "-") in ("logout", "log-out", "signout", "sign-out") for s in self.segments)

    @property
    def signin(self) -> bool:
        """A sign-in flow (OAuth/SAML/SSO callbacks): the identity provider's protocol, not the service's data."""
        segs = {s.lower() for s in self.segments}
        if segs & _ACCOUNT_SEGMENTS or (segs & _TOKEN_FLOW_SEGMENTS and any(
                _is_param(s) and re.search(r"token|key|uid|code", s, re.IGNORECASE) for s in self.segments)):
            return True  # sign-up, password reset, an invitation or confirmation link: the account's front door
        return bool(segs & (NON_API_SEGMENTS | {"oauth", "oauth2", "saml", "saml2", "sso", "oidc", "social", "login",
                                                "signin", "sign-in"})) or "@oauth" in self.fact.calls \
            or any(_signin_segment(s) for s in segs) or ("redirect" in segs and bool(segs & {"auth", "oauth"}))

    @property
    def graphql(self) -> bool:
        """The GraphQL endpoint, or one field of its schema (framework ``graphql``)."""
        return self.fact.framework == "graphql" or "@graphql" in self.fact.calls or any(
            s.lower() == "graphql" for s in self.segments) or "graphql" in self.fact.handler.lower()

    @property
    def ajax(self) -> bool:
        """A same-origin AJAX helper of the site's own pages (``@require_AJAX``, ``ajax_*`` views, ``/ajax/``):
        the site's internals, not a contract with API clients."""
        if any("ajax" in d.rpartition(".")[2].lower() for d in self.fact.decorators):
            return True
        if self.fact.handler.rpartition(".")[2].lower().startswith("ajax"):
            return True
        # /widgets/select2/..., /form-select2/...: the data feed of a form's Select2 widget
        return any(s.lower() == "ajax" or s.lower().startswith("ajax-") or s.lower().startswith("ajax_")
                   or "select2" in s.lower() for s in self.segments)

    @property
    def webhook(self) -> bool:
        """An inbound webhook: another system's payload in that system's format, verified by signature. Other
        systems deliver with POST (or PUT); reading, changing or deleting ``/webhooks/{id}`` manages the service's
        own webhook subscriptions, an API resource like any other."""
        if "@signed" in self.fact.calls:
            # a GET whose caller shows a token compared in constant time (an API key) reads the API; one that
            # checks a signature is another system's callback
            return self.fact.method != "GET" or any("signature" in c.lower() for c in self.fact.calls
                                                    if not c.startswith("@"))
        segs = [s.lower() for s in self.segments]
        at = next((i for i, s in enumerate(segs) if s in ("webhook", "webhooks", "hooks")), None)
        # /webhooks/add, /webhooks/<id>/edit: the form or call that manages a subscription, not a delivery
        return self.fact.method in ("POST", "PUT", "*") and at is not None \
            and not set(segs[at + 1:]) & _SUBSCRIPTION_VERBS

    @property
    def relay(self) -> bool:
        """A relay: the body goes on to another service, which validates it; nothing is stored here."""
        return "@relay" in self.fact.calls

    @property
    def left_out(self) -> str:
        """Why the route is not part of the API's shares ('' when it is): the reason, for the evidence."""
        segs = [s.lower() for s in self.segments]
        if segs and (segs[0] in ("static", "media") or segs[-1].endswith(_ASSET_SUFFIXES)):
            return "static file"
        if segs and segs[-1].endswith(_DOCUMENT_SUFFIXES):
            return "feed or file download"
        if self.ops:
            return "health, metrics or docs"
        if self.signin:
            return "sign-in flow"
        if self.webhook:
            return "inbound webhook"
        if segs and segs[0] in (".well-known",):
            return ".well-known"
        if segs and segs[0] in NON_API_HEADS and not self.api:
            return "admin or sign-in"
        if self.fact.kind == "page":
            return "HTML page or redirect"
        return "" if self.api else "not an API route"

    @property
    def query(self) -> tuple[str, ...]:
        """Query parameters the handler reads, its own and through its dependencies."""
        return tuple(dict.fromkeys([*self.fact.query_params, *self.dep_params]))

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def collection(self) -> bool:
        """A list endpoint of the API: a GET of a collection, not of one item."""
        if self.method not in ("GET", "*", "QUERY") or not self.api:
            return False
        segs = self.segments
        if not segs:
            return False
        shape = self.fact.shape
        if shape != "item" and {p.lower() for p in self.query} & _PAGING_QUERY:
            return True  # it reads a page or a limit: it pages through something
        if _is_param(segs[-1]):
            return False
        if re.search(r"(?:^|[-_])ids$", segs[-1].lower()):
            return False  # GET /event_ids?ids=a,b: the rows the caller names, bounded by the request
        if _BREAKDOWN.search(segs[-1].lower()):
            return False  # /hours/by_quarter, /volumes-by-service: figures grouped by a dimension; /by_uuids: named rows
        if "@proxy" in self.fact.calls:
            return False  # another service's list, paged by that service, whatever the handler declares
        if "@enumeration" in self.fact.calls:
            return False  # a fixed table's entries: bounded by the code, not by the data
        if "@distinct-values" in self.fact.calls:
            return False  # the distinct languages or dates of an event's sessions: values about rows, not rows
        if any(s.lower() in _STATISTICS for s in segs[:-1]):
            return False  # /admin/statistics/event-topics: counts per topic, under a statistics prefix
        if any(s.lower() in ("export", "download") for s in segs):
            return False  # /api/export/v0/tables/: a file the rows are streamed into, not a page of them
        last = segs[-1].lower()
        words = [w for w in re.split(r"[-_.]", last) if w]
        if words and (words[-1] in _STATISTICS | _FIGURES or _COMPOUND_STATS.fullmatch(words[-1]) is not None):
            return False  # /statistics, /live-service-counts, /serverstats: figures about many, whatever the model
        if self.fact.model and words and words[-1] in _AGGREGATE_WORDS:
            return False  # GET /info answering a model that holds one list among its fields: one object
        if shape in ("list", "page"):
            return True
        if shape == "item":
            return False
        if words and words[-1] in _AGGREGATE_WORDS:
            return False  # /settings, /preferences: one object about many, unless declared a list
        mapping = next((c[9:].split(",") for c in self.fact.calls if c.startswith("@mapping:")), None)
        if mapping is not None and last.replace("-", "_") not in mapping:
            return False  # returns one JSON object holding no list
        calls = set(self.fact.calls)
        if "@returns-list" in calls:
            return True
        if calls & {"find", "paginate", "Paginator", "aggregate", "scan", "to_list"}:
            return True
        return len(last) > 2 and last.endswith("s") and not last.endswith(("ss", "status", "us"))

    @property
    def all_dependencies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*self.fact.dependencies, *self.dependencies]))


# Segments that name an API: a REST prefix, GraphQL, or an RPC endpoint (/json-rpc/, /xmlrpc) whose methods
# the client names in the body
_API_SEGMENTS = frozenset({"api", "rest", "graphql", "json-rpc", "jsonrpc", "xml-rpc", "xmlrpc"})
# Verbs after /webhooks/ that make the route the service's own management of a webhook subscription
_SUBSCRIPTION_VERBS = frozenset({"add", "new", "create", "edit", "update", "delete", "remove"})


_SIGNIN_LAST = frozenset({"login", "signin", "signup", "logon", "callback"})
_PROTOCOL_FIRST = frozenset({"oauth", "oauth2", "oidc", "saml", "saml2", "sso"})
_PROTOCOL_STEPS = frozenset({"callback", "token", "login", "acs", "authorize", "redirect"})


def _signin_segment(segment: str) -> bool:
    """A segment whose words name a sign-in step: ending in one (``magic-sign-in``, ``google-login``,
    ``saml-callback``), or a sign-in protocol and its step (``oidc-callback-token``, ``sso-login``). A protocol's
    settings (``sso-settings``) or a history of sign-ins (``login-history``) are the API's own resources."""
    words = [w for w in re.split(r"[-_.]+", segment.lower()) if w]
    joined: list[str] = []
    for word in words:
        if joined and word in ("in", "up", "on") and joined[-1] in ("sign", "log"):
            joined[-1] += word  # sign-in, sign-up, log-in, log-on: one word
        else:
            joined.append(word)
    if len(joined) < 2:
        return False
    return joined[-1] in _SIGNIN_LAST or (joined[0] in _PROTOCOL_FIRST and bool(set(joined[1:]) & _PROTOCOL_STEPS))


def _is_param(segment: str) -> bool:
    return segment.startswith(("{", "<", "(", ":")) or "(?P<" in segment


# -- memoisation on the SourceFile -------------------------------------------------------------

def _dunder(segment: str) -> str:
    """``__version__``, ``__lbheartbeat__``: Dockerflow's operations routes, named without the underscores."""
    return segment[2:-2] if len(segment) > 4 and segment.startswith("__") and segment.endswith("__") else segment


def memo(source: SourceFile, fn: Callable[[SourceFile], T]) -> T:
    """``fn(source)`` computed once per file per scan, shared by every check that asks."""
    return source.memo(fn, lambda: fn(source))


def route_facts(source: SourceFile) -> FileRoutes:
    """Everything route-related one file declares (memoised per file)."""
    return memo(source, _extract_with_helpers)


def _extract_with_helpers(source: SourceFile) -> FileRoutes:
    if source.tree is None:
        return _extract(source)
    token = _MODULE_FUNCTIONS.set({n.name: n for n in source.tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))})
    module = module_name(source.path)
    imported = _project_imports(import_names(source, module, source.path.endswith("__init__.py")), module)
    imported_token = _PROJECT_IMPORTS.set(imported or None)
    try:
        return _extract(source)
    finally:
        _PROJECT_IMPORTS.reset(imported_token)
        _MODULE_FUNCTIONS.reset(token)


def _project_imports(names: Mapping[str, str], module: str) -> dict[str, bool]:
    """Local names imported from outside the standard library, each with whether it is surely the project's own
    (a relative import, or a package the file's path names; for a file at the root, any): only the project's
    callees can hold features another file's facts know."""
    parts = set(module.split("."))
    out: dict[str, bool] = {}
    for local, origin in names.items():
        top = origin.partition(".")[0]
        if top not in sys.stdlib_module_names:
            out[local] = top in parts or "." not in module
    return out


def routes_in_file(source: SourceFile) -> list[RouteFact]:
    return list(route_facts(source).routes)


# -- small AST helpers ------------------------------------------------------------------------

def dotted(node: ast.AST | None) -> str:
    """``a.b.c`` for names and attributes, '' otherwise."""
    return (_dotted(node) or "") if node is not None else ""


def _base(node: ast.AST) -> str:
    """A base class's own name, type arguments aside (``ModelViewSet[Tag]`` → ``ModelViewSet``)."""
    return dotted(node.value if isinstance(node, ast.Subscript) else node).rpartition(".")[2]


def call_name(node: ast.AST) -> str:
    """The last name of what a call calls (``x.y.find(...)`` → ``find``)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _kw(call: ast.Call, *names: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg in names:
            return keyword.value
    return None


def _str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _path_arg(call: ast.Call, *names: str) -> str:
    value = call.args[0] if call.args else _kw(call, *names)
    text = _str(value)
    if text is not None:
        return text
    return "" if value is None else _unknown(value)


def _unknown(node: ast.AST) -> str:
    """A path piece the scan cannot resolve, shown as the code writes it: ``{?settings.PREFIX}``."""
    try:
        text = ast.unparse(node)
    except (ValueError, TypeError, RecursionError):
        text = ""
    return "{?" + re.sub(r"[/{}\s]", "", text)[:60] + "}"


def unresolved(segment: str) -> bool:
    """A path segment holding a piece the scan could not resolve (``{?...}``)."""
    return segment.startswith("{?")


def _path_expr(node: ast.AST | None) -> str:
    """A path or prefix as written: constants and settings names become ``${NAME}``, resolved project-wide later."""
    if node is None:
        return ""
    text = _str(node)
    if text is not None:
        return text
    if isinstance(node, (ast.Name, ast.Attribute)):
        name = dotted(node)
        return f"${{{name}}}" if name else _unknown(node)
    if isinstance(node, ast.JoinedStr):
        out = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                out.append(_path_expr(value.value))
            else:
                out.append(_str(value) or "")
        return "".join(out)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _path_expr(node.left) + _path_expr(node.right)
    return _unknown(node)


def _methods_kw(call: ast.Call, default: tuple[str, ...]) -> tuple[str, ...]:
    value = _kw(call, "methods")
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        found = [m.upper() for e in value.elts if (m := _str(e) or _http_method_member(e))]
        return tuple(found) or default
    return default


def _http_method_member(node: ast.AST) -> str | None:
    """``HTTPMethod.POST`` (the standard library's ``http.HTTPMethod``): the method it names."""
    if isinstance(node, ast.Attribute) and dotted(node.value).rpartition(".")[2] == "HTTPMethod" \
            and node.attr.lower() in HTTP_METHODS:
        return node.attr
    return None


def _depends_names(node: ast.AST | None) -> list[str]:
    """Callables inside ``Depends(...)``/``Security(...)`` anywhere in ``node``."""
    out: list[str] = []
    if node is None:
        return out
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and call_name(sub) in ("Depends", "Security"):
            target = sub.args[0] if sub.args else _kw(sub, "dependency")
            if target is None:
                out.append("Depends")
            elif isinstance(target, ast.Call):  # Depends(authorizer(required=False)): a factory's product
                out.append((call_name(target) or "Depends") + "()")
            else:
                out.append(dotted(target) or call_name(target) or "Depends")
    return out


def module_name(path: str) -> str:
    name = path[:-3] if path.endswith(".py") else path
    name = name.replace("/", ".")
    if name.endswith(".__init__"):
        name = name[: -len(".__init__")]
    return name


def import_names(source: SourceFile, module: str, is_package: bool) -> dict[str, str]:
    names: dict[str, str] = {}
    package = module if is_package else module.rpartition(".")[0]
    for node in source.nodes(ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names.setdefault(top, top)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".") if package else []
                if node.level > 1:
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(p for p in [*base_parts, node.module or ""] if p)
            else:
                base = node.module or ""
            for alias in node.names:
                if alias.name == "*":
                    continue
                names[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    return names


# -- handler features -------------------------------------------------------------------------

_MAPPINGS = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})


def _mapping_annotation(node: ast.AST | None) -> bool:
    """``dict``, ``Dict[str, Any]``, ``list[dict]``: a FastAPI parameter of this type is the JSON body, unchecked."""
    if isinstance(node, ast.Subscript):
        base = dotted(node.value).rpartition(".")[2]
        if base in _MAPPINGS:
            return True
        if base in ("list", "List"):
            return _mapping_annotation(node.slice)
        return False
    return isinstance(node, (ast.Name, ast.Attribute)) and dotted(node).rpartition(".")[2] in _MAPPINGS


def _annotation_kind(node: ast.AST | None) -> str:
    """scalar, model, special or dependency-ish (``Annotated[..., Depends()]``) for a parameter type."""
    if node is None:
        return "scalar"
    if isinstance(node, ast.Constant):
        if node.value is None:
            return "none"
        if isinstance(node.value, str):  # a string annotation
            try:
                return _annotation_kind(ast.parse(node.value, mode="eval").body)
            except SyntaxError:
                return "scalar"
        return "scalar"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        kinds = {_annotation_kind(node.left), _annotation_kind(node.right)} - {"none"}
        for kind in ("special", "model"):
            if kind in kinds:
                return kind
        return "scalar"
    if isinstance(node, ast.Subscript):
        base = call_name(node.value) or dotted(node.value).rpartition(".")[2]
        inner = node.slice
        elts = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if base == "Annotated":
            for meta in elts[1:]:
                name = call_name(meta)
                if name in ("Depends", "Security"):
                    return "depends"
                if name in ("Query", "Path", "Header", "Cookie"):
                    return name.lower()
                if name in ("Body", "Form", "File"):
                    return "body"
            return _annotation_kind(elts[0]) if elts else "scalar"
        if base in _WRAPPERS or base in ("Dict", "dict", "Mapping"):
            kinds = {_annotation_kind(e) for e in elts} - {"none"}
            for kind in ("special", "model"):
                if kind in kinds:
                    return kind
            return "scalar"
        if base == "Literal":
            return "scalar"
        if base in ("Query", "Path", "Header", "Cookie"):  # django-ninja: filters: Query[OrderFilter]
            return base.lower()
        if base in ("Body", "Form", "File"):
            return "body"
        return "model" if base[:1].isupper() else "scalar"
    name = dotted(node).rpartition(".")[2]
    if name in _SPECIAL_TYPES:
        return "special"
    if name in _SCALAR_TYPES or not name[:1].isupper() or name.isupper():
        return "scalar"
    if name.endswith(("Enum", "Kind", "Type", "Status", "Order", "Sort", "Direction")):
        return "scalar"
    return "model"


def _shape(node: ast.AST | None) -> str:
    if node is None:
        return ""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return _shape(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return ""
    if isinstance(node, ast.BinOp):
        return _shape(node.left) or _shape(node.right)
    if isinstance(node, ast.Subscript):
        base = call_name(node.value) or dotted(node.value).rpartition(".")[2]
        if base in ("tuple", "Tuple") and isinstance(node.slice, ast.Tuple) and node.slice.elts and not (
                isinstance(node.slice.elts[-1], ast.Constant) and node.slice.elts[-1].value is Ellipsis):
            return _shape(node.slice.elts[0])  # Tuple[Response, int]: Flask's (body, status) pair, shaped by its body
        if base in _LIST_TYPES:
            return "list"
        if base in _PAGE_TYPES:
            return "page"
        if base in ("Optional", "Union", "Annotated"):
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            return _shape(inner)
        if base in ("Dict", "dict", "Mapping"):
            return ""
        return "item"
    name = dotted(node).rpartition(".")[2]
    if not name or name in _UNKNOWN_RETURNS:
        return ""
    if name in _SCALAR_RETURNS:
        return "item"  # -> int: a count or a flag, one value
    if name in _LIST_TYPES:
        return "list"
    if name in _PAGE_TYPES:
        return "page"
    return "item" if name[:1].isupper() else ""


def _header_name(param: str) -> str:
    return param.replace("_", "-").lower()


@dataclass
class _Features:
    query: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    depends: list[str] = field(default_factory=list)
    body: str = ""
    calls: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)  # request.method == "POST" comparisons
    kind: str = ""  # "api", "page" or "" (see RouteFact.kind)


def _fixed_size(node: ast.AST | None) -> bool:
    """A row count written in the code: ``100`` or ``MAX_RESULTS``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int) and not isinstance(node.value, bool) and node.value > 0
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return bool(name) and name.isupper()


def _capped(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The handler cuts its result to a size fixed in code (``issues[:100]``, ``.limit(50)``), so the
    response is bounded however large the table grows."""
    parents = {id(child): node for node in walked(func) for child in ast.iter_child_nodes(node)}
    assigned = {t.id: n.value for n in walked(func) if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name)}
    for node in walked(func):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.step is None:
            lower = node.slice.lower
            value = assigned.get(node.value.id, node.value) if isinstance(node.value, ast.Name) else node.value
            if (lower is None or (isinstance(lower, ast.Constant) and lower.value == 0)) \
                    and _fixed_size(node.slice.upper) and _holds_result(node, parents.get(id(node))) \
                    and isinstance(value, ast.Call) and call_name(value).rpartition(".")[2] in _QUERY_CALLS:
                return True
        elif isinstance(node, ast.Call) and call_name(node) in ("limit", "islice") and node.args \
                and _fixed_size(node.args[-1]):
            return True
    return False


# what builds rows from a database or an index: the value a fixed-size slice must cut to bound a response
_QUERY_CALLS = frozenset({"filter", "all", "order_by", "exclude", "find", "select", "search", "query", "values",
                          "values_list", "distinct", "annotate", "scalars", "execute", "get_queryset", "sorted",
                          "list", "filter_by", "where", "prefetch_related", "select_related", "only", "defer"})


def _holds_result(node: ast.AST, parent: ast.AST | None) -> bool:
    """A slice that is the result (returned, assigned, iterated, handed on), not a field cut short inside
    it (``t.title[:50]``)."""
    if isinstance(parent, (ast.Return, ast.Assign, ast.AnnAssign, ast.Call, ast.Starred)):
        return True
    return isinstance(parent, (ast.comprehension, ast.For, ast.AsyncFor)) and getattr(parent, "iter", None) is node


def _whole_query(node: ast.AST, request_names: set[str]) -> bool:
    """The whole query string: ``request.args``, or a copy of it (``dict(request.query_params)``,
    ``request.args.to_dict()``, ``request.args.to_dict(flat=False)``, ``request.GET.copy()``)."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name) and node.func.id == "dict" and len(node.args) == 1 and not node.keywords:
            node = node.args[0]
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("copy", "to_dict", "dict") and not node.args \
                and all(k.arg == "flat" for k in node.keywords):
            node = node.func.value
    return isinstance(node, ast.Attribute) and node.attr in _QUERY_ATTRS and dotted(node.value) in request_names


_WEBARGS_QUERY = frozenset({"query", "querystring"})


def _webargs_places(deco: ast.Call) -> set[str | None] | None:
    """Where a webargs decorator reads its arguments (``location="query"``, the older ``locations=("query",)``);
    None when it does not say."""
    location = _kw(deco, "location") or _kw(deco, "locations")
    if location is None:
        return None
    return {_str(e) for e in (location.elts if isinstance(location, (ast.List, ast.Tuple)) else [location])}


def _webargs_query(deco: ast.AST) -> list[str]:
    """The query-string arguments a webargs decorator declares (``use_kwargs``/``use_args`` with a dict of fields
    and ``location="query"``, or the older ``locations=("query",)``)."""
    if not (isinstance(deco, ast.Call) and call_name(deco) in ("use_kwargs", "use_args") and deco.args
            and isinstance(deco.args[0], ast.Dict)):
        return []
    if not (_webargs_places(deco) or set()) & _WEBARGS_QUERY:
        return []
    return [k for key in deco.args[0].keys if key is not None and (k := _str(key))]


def _query_schema(deco: ast.AST) -> str:
    """The schema class whose fields a webargs or flask-smorest decorator reads from the query string
    (``@use_args(ListArgs, location="query")``, ``@blp.arguments(ListArgs(), location="query")``), or ''."""
    if not (isinstance(deco, ast.Call) and call_name(deco) in ("use_kwargs", "use_args", "arguments") and deco.args):
        return ""
    schema = deco.args[0].func if isinstance(deco.args[0], ast.Call) else deco.args[0]
    query = bool((_webargs_places(deco) or set()) & _WEBARGS_QUERY)
    return dotted(schema).rpartition(".")[2] if query and dotted(schema) else ""


# webargs arguments given by reference (``@use_kwargs(args.paging)``), resolved across files by the table. A handler
# records ``WEBARGS + "<flags>|<decorator>|<token>|..."``; a module records its dicts of fields, the functions that
# build or merge them and its query-located ``use_kwargs`` partials; a class its attributes that hold such a dict
# (flask-apispec's ``Ref("args")`` reads the served class's). Tokens: a field name; ``=name`` (``=name()``: what the
# function returns); ``+f:<token>`` (counts when ``f`` merges its arguments, ``utils.extend(a, b)``); ``&attr``
# (``Ref("attr")``).
WEBARGS = "@webargs:"
_WEBARGS_DECORATORS = frozenset({"use_kwargs", "use_args"})
_WEBARGS_MODULES = frozenset({"webargs", "marshmallow", "flask_apispec", "flask_smorest", "apispec"})
MERGES = "@merge"  # a function returning the union of the dicts it is given
QUERY_PARTIAL = "@query"  # functools.partial(use_kwargs, location="query")
APISPEC = "@apispec"  # ... of flask-apispec's use_kwargs, whose annotations a resource's override inherits


def _class_like(name: str) -> bool:
    last = name.rpartition(".")[2]
    return last[:1].isupper() and any(c.islower() for c in last)


def _fieldset_tokens(node: ast.AST | None, depth: int = 0) -> list[str] | None:
    """A dict of webargs fields as tokens: its literal keys, the names it unpacks or merges, the functions it calls."""
    if node is None or depth > 4:
        return None
    if isinstance(node, ast.Dict):
        out: list[str] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # {**paging, ...}
                out.extend(_fieldset_tokens(value, depth + 1) or [])
            elif (name := _str(key)) is not None and name[:1] not in "=+&@":
                out.append(name)
            else:
                return None
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # paging | sorting
        left, right = _fieldset_tokens(node.left, depth + 1), _fieldset_tokens(node.right, depth + 1)
        return None if left is None or right is None else [*left, *right]
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call) and dotted(node.value.func) == "super":
        return [f"^{node.attr}"]  # super().args: the base class's
    if isinstance(node, (ast.Name, ast.Attribute)) and (name := dotted(node)):
        head, _, attr = name.partition(".")
        return [f"&{attr}"] if head == "self" and attr and "." not in attr else [f"={name}"]  # the class's own
    if isinstance(node, ast.Call) and (name := dotted(node.func)):
        if name.rpartition(".")[2] == "Ref" and node.args and (attr := _str(node.args[0])):
            return [f"&{attr}"]  # flask-apispec: the served class's attribute
        if name == "dict":  # dict(paging, **sorting, q=fields.Str())
            out = []
            for arg in node.args:
                out.extend(_fieldset_tokens(arg, depth + 1) or [])
            for keyword in node.keywords:
                out.extend([keyword.arg] if keyword.arg else _fieldset_tokens(keyword.value, depth + 1) or [])
            return out
        out = [f"={name}()"]
        for arg in node.args:
            out.extend(f"+{name}:{token}" for token in _fieldset_tokens(arg, depth + 1) or [])
        return out
    return None


def _webargs_marker(deco: ast.AST) -> str:
    """The calls marker of a webargs decorator whose arguments the table resolves ('' when there is none: no
    decorator, a literal dict already read, or a location other than the query string)."""
    if not (isinstance(deco, ast.Call) and call_name(deco) in _WEBARGS_DECORATORS and deco.args):
        return ""
    places = _webargs_places(deco)
    flags = ""
    if places is not None:
        if not places & _WEBARGS_QUERY:
            return ""
        if isinstance(deco.args[0], ast.Dict) and None not in deco.args[0].keys:
            return ""  # a literal dict of fields read from the query string: _webargs_query
        flags = "q"
    tokens = _fieldset_tokens(deco.args[0])
    if not tokens or _class_like(dotted(deco.args[0])):
        return ""  # a schema class: _query_schema
    return WEBARGS + "|".join([flags, dotted(deco.func), *tokens])


def _merges(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A function returning the union of the dicts it is given: ``for each in dicts: out.update(each)``, or
    ``return {**a, **b}`` of its parameters."""
    params = {a.arg for a in [*func.args.posonlyargs, *func.args.args]}
    vararg = func.args.vararg.arg if func.args.vararg else ""
    returned = [n.value for n in walk(func) if isinstance(n, ast.Return) and n.value is not None]
    if len(returned) != 1:
        return False
    value = returned[0]
    if isinstance(value, ast.Dict) and value.keys and all(k is None for k in value.keys):
        return all(isinstance(v, ast.Name) and v.id in params for v in value.values)
    if not (vararg and isinstance(value, ast.Name)):
        return False
    for loop in walk(func):
        if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and dotted(loop.iter) == vararg and any(
                isinstance(c, ast.Call) and call_name(c) == "update" and isinstance(c.func, ast.Attribute)
                and dotted(c.func.value) == value.id and [dotted(a) for a in c.args] == [loop.target.id]
                for s in loop.body for c in walk(s)):
            return True
    return False


def _built_fieldset(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str] | None:
    """The fields a function builds and returns: ``return {...}``, or a local dict (or another builder's result)
    given more keys (``args["sort_nulls_last"] = fields.Bool()``) and returned."""
    returned = [n.value for n in walk(func) if isinstance(n, ast.Return) and n.value is not None]
    if len(returned) != 1:
        return None
    value = returned[0]
    if isinstance(value, ast.Dict):
        return _fieldset_tokens(value)
    if not isinstance(value, ast.Name):
        return None
    out: list[str] = []
    built = False
    for node in walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == value.id \
                    and isinstance(node.value, (ast.Dict, ast.Call)) and (tokens := _fieldset_tokens(node.value)):
                out.extend(tokens)
                built = True
            elif isinstance(target, ast.Subscript) and dotted(target.value) == value.id \
                    and (key := _str(target.slice)) is not None:
                out.append(key)
    return list(dict.fromkeys(out)) if built else None


def _webargs_facts(tree: ast.Module, imports: frozenset[str], names: Mapping[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The module's dicts of webargs fields and the functions building them (in a module using webargs or
    marshmallow), the functions merging dicts, and ``use_kwargs`` partials bound to the query string."""
    fields_here = bool(imports & _WEBARGS_MODULES)
    out: list[tuple[str, tuple[str, ...]]] = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if _merges(stmt):
                out.append((f"{stmt.name}()", (MERGES,)))
            elif fields_here and (built := _built_fieldset(stmt)):
                out.append((f"{stmt.name}()", tuple(built)))
            continue
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        name, value = stmt.targets[0].id, stmt.value
        if isinstance(value, ast.Call) and call_name(value) == "partial" and value.args:
            wrapped = dotted(value.args[0])
            head, _, rest = wrapped.partition(".")
            origin = names.get(head, head) + (f".{rest}" if rest else "")
            location = _kw(value, "location")
            if origin.rpartition(".")[2] in _WEBARGS_DECORATORS and location is not None \
                    and _str(location) in _WEBARGS_QUERY:
                out.append((name, (QUERY_PARTIAL, *((APISPEC,) if origin.startswith("flask_apispec") else ()))))
            continue
        if not fields_here or _class_like(name):
            continue
        if isinstance(value, ast.Dict) and value.keys and any(
                isinstance(v, (ast.Call, ast.Name, ast.Attribute)) for v in value.values):
            tokens = _fieldset_tokens(value)
        elif isinstance(value, (ast.Call, ast.BinOp)):
            tokens = _fieldset_tokens(value)
            if tokens is not None and not any(t.startswith("+") for t in tokens) \
                    and not (isinstance(value, ast.Call) and dotted(value.func) == "dict"):
                tokens = None  # a field, a validator: no union of dicts
        else:
            tokens = None
        if tokens:
            out.append((name, tuple(tokens)))
    return tuple(out)


def _handler_features(func: ast.FunctionDef | ast.AsyncFunctionDef, framework: str, path_params: set[str]) -> _Features:
    feats = _Features()
    request_names = set(_REQUEST_NAMES)
    has_model = False
    raw_body = False
    if framework in ("fastapi", "ninja"):
        args = func.args
        positional = [*args.posonlyargs, *args.args]
        if framework == "ninja" and positional:  # django-ninja hands the request first, typed or not
            request_names.add(positional[0].arg)
            positional = positional[1:]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        pairs = list(zip(positional, defaults, strict=True)) + list(zip(args.kwonlyargs, args.kw_defaults, strict=True))
        declared: dict[str, str] = {}  # query parameter -> the name the client sends it by
        for arg, default in pairs:
            if arg.arg in ("self", "cls"):
                continue
            kind = _annotation_kind(arg.annotation)
            default_call = call_name(default) if isinstance(default, ast.Call) else ""
            if kind == "special":
                if dotted(arg.annotation).rpartition(".")[2] == "Request":
                    request_names.add(arg.arg)
                continue
            if default_call in ("Depends", "Security") or kind == "depends":
                found = _depends_names(default) or _depends_names(arg.annotation)
                if found in (["Depends"], ["Security"]) and arg.annotation is not None:
                    found = [_annotation_class(arg.annotation) or found[0]]  # params: Pagination = Depends()
                feats.depends.extend(found)
                continue
            if arg.arg in path_params or default_call == "Path" or kind == "path":
                continue
            if default_call == "Header" or kind == "header":
                alias = _str(_kw(default, "alias")) if isinstance(default, ast.Call) else None
                feats.headers.append((alias or _header_name(arg.arg)).lower())
                continue
            if default_call == "Cookie" or kind == "cookie":
                continue
            if default_call in ("Body", "Form", "File") or kind == "body":
                has_model = True
                continue
            if default_call == "Query" or kind == "query":
                alias = _str(_kw(default, "alias")) if isinstance(default, ast.Call) else None
                feats.query.append(alias or arg.arg)
                declared[arg.arg] = alias or arg.arg
                continue
            if kind == "model":
                has_model = True
                if isinstance(arg.annotation, (ast.Name, ast.Attribute)):  # maybe an Annotated[..., Depends()] alias
                    feats.calls.append(f"@type:{dotted(arg.annotation).rpartition('.')[2]}")
                continue
            if _mapping_annotation(arg.annotation):
                raw_body = True  # raw: dict: FastAPI reads the JSON body into it and checks nothing inside
                continue
            feats.query.append(arg.arg)
            declared[arg.arg] = arg.arg
        feats.calls.extend(f"{IDLE_PARAM}{name}" for name in _idle_params(func, declared))
    for deco in func.decorator_list:  # webargs: @use_kwargs({"page": fields.Int()}, location="query")
        feats.query.extend(_webargs_query(deco))
        if schema := _query_schema(deco):  # @blp.arguments(ListArgs, location="query"): the schema's fields
            feats.calls.append(f"parser:{schema}")
        if marker := _webargs_marker(deco):  # @use_kwargs(args.paging): the table resolves the reference
            feats.calls.append(marker)
    raw = raw_body
    validated = False
    schema_arg = False
    # options = request.args: a local name for the whole query string
    query_aliases = {t.id for n in walked(func) if isinstance(n, ast.Assign) and _whole_query(n.value, request_names)
                     for t in n.targets if isinstance(t, ast.Name)}
    body_aliases = {t.id for n in walked(func) if isinstance(n, ast.Assign) and _body_node(n.value, request_names)
                    for t in n.targets if isinstance(t, ast.Name)}
    helpers = _MODULE_FUNCTIONS.get()
    handed: list[ast.Call] = []  # calls of the module's functions, to read the ones given the request
    imported = _PROJECT_IMPORTS.get()
    markers: list[str] = []  # imported functions handed the request or the body: resolved by the route table
    bodies: set[str] | None = None  # locals holding the body, found when an imported call is first met
    answers: list[ast.expr] = []  # what the handler returns, found then too
    signature: set[int] = set()  # the nodes of its decorators, defaults and annotations, found then too
    for node in walked(func):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and any(
                isinstance(c, ast.Call) and call_name(c) == "keys" and isinstance(c.func, ast.Attribute)
                and (_body_node(c.func.value, request_names) or dotted(c.func.value) in body_aliases)
                for c in ast.walk(node.left)):
            validated = True  # set(request.json.keys()) - ALLOWED_FIELDS: unknown fields rejected
        if isinstance(node, ast.Call):
            if helpers and isinstance(node.func, ast.Name) and node.func.id in helpers:
                handed.append(node)
            elif imported and (callee := dotted(node.func)) and callee.partition(".")[0] in imported:
                if bodies is None:
                    bodies = body_aliases | _body_names(func, request_names)
                    # a decorator factory, a default, an annotation: run when the module loads, handed nothing
                    signature = {id(n) for part in (*func.decorator_list, func.args, func.returns) if part is not None
                                 for n in walked(part)}
                    answers = [_unwrap_await(n.value) for n in walked(func) if isinstance(n, ast.Return)
                               and n.value is not None and id(n) not in signature]
                flags = _handed(node, request_names, bodies, context=framework == "flask" and imported[
                    callee.partition(".")[0]]) if id(node) not in signature else []
                if flags and answers and all(isinstance(a, ast.Call) and dotted(a.func) == callee for a in answers):
                    flags.append("v")  # every answer is the helper's: what it makes (a page, a redirect) is the route's
                if flags:
                    markers.append(HELPER + "|".join((callee, *flags)))
            name = call_name(node)
            if name:
                feats.calls.append(name)
            receiver = dotted(node.func.value).rpartition(".")[2] if isinstance(node.func, ast.Attribute) else ""
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call) \
                    and call_name(node.func.value) == "super":
                feats.calls.append(f"super:{name}")  # def get(self): return super().get(): the base's handler runs
            if name in _VALIDATING_CALLS or "validat" in name.lower() or name == "parse_args" or (
                    name.startswith(("load", "parse")) and "schema" in name.lower()):  # load_schema(form, schema)
                validated = True
                if "validat" in name.lower() and any(_names_class(a) for a in node.args):
                    schema_arg = True  # validate_request_body(OrderSchema): the body is read through the schema
            if name in _PARSING_METHODS and receiver[:1].isupper() and not receiver.isupper():
                validated = True  # Alert.parse(request.json): the model's own parser type-checks the fields
            if name.startswith("get_param") and isinstance(node.func, ast.Attribute) \
                    and dotted(node.func.value) in request_names and node.args and (key := _str(node.args[0])):
                feats.query.append(key)  # Falcon: req.get_param("q"), req.get_param_as_int("page")
            if name in _TORNADO_ARGUMENTS and isinstance(node.func, ast.Attribute) and dotted(node.func.value) == "self" \
                    and node.args and (key := _str(node.args[0])):
                feats.query.append(key)  # Tornado: self.get_argument("offset")
            if name == "add_argument" and node.args and (arg_name := _str(node.args[0])):  # reqparse
                feats.query.append(arg_name.lstrip("-"))
            if receiver in _PAGE_TYPES or "paginat" in receiver.lower() or receiver in ("Pagination", "Paginator") \
                    or "paginat" in name.lower():  # offset, limit = self.get_api_pagination()
                feats.calls.append("paginate")  # Page.from_params(request.args)
            for arg in [*node.args, *(k.value for k in node.keywords)]:  # the whole query string handed to a query
                # builder or a validating serializer (Serializer(data=request.query_params)): filters the client picks
                whole = (isinstance(arg, ast.Attribute) and arg.attr in _QUERY_ATTRS and dotted(arg.value) in request_names) \
                    or (isinstance(arg, ast.Name) and arg.id in query_aliases)
                if whole and receiver not in _PAGE_TYPES and name not in ("dict", "len", "list", "bool"):
                    feats.query.append("*")
            if any(k.arg is None for k in node.keywords) and name[:1].isupper():
                validated = True  # Model(**data)
            if name.endswith(("Form", "FormSet", "Serializer")) and any(
                    _body_node(_unwrap_or(a), request_names) or (isinstance(a, ast.Name) and a.id in body_aliases)
                    for a in [*node.args, *(k.value for k in node.keywords)]):
                validated = True  # DeleteForm(request.POST), importForm(formdata=request.form if ... else None)
            if _allow_listed(node, request_names, body_aliases):
                validated = True  # project(req, ("name", "options")), require_fields(req, ("name",))
            func_node = node.func
            if isinstance(func_node, ast.Attribute) and name in ("get", "getlist", "get_all", "__getitem__"):
                owner = func_node.value
                if isinstance(owner, ast.Name) and owner.id in query_aliases and node.args \
                        and (key := _str(node.args[0])) is not None:
                    feats.query.append(key)  # params = request.query_params; params.get("state")
                if isinstance(owner, ast.Attribute) and dotted(owner.value) in request_names:
                    key = _str(node.args[0]) if node.args else None
                    if key is None and node.args and isinstance(node.args[0], ast.Name) and owner.attr in _QUERY_ATTRS \
                            and node.args[0].id in _loop_names(func):
                        feats.query.append("*")  # for key, field in self.filters: request.GET.get(key)
                    if key is not None:
                        if owner.attr in _QUERY_ATTRS:
                            feats.query.append(key)
                        elif owner.attr in ("headers", "META"):
                            feats.headers.append(_meta_header(key))
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id in query_aliases:
            if (key := _str(node.slice)) is not None:
                feats.query.append(key)  # params["author"], params = request.args
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In) and len(node.comparators) == 1 \
                and isinstance(node.comparators[0], ast.Name) and node.comparators[0].id in query_aliases:
            if (key := _str(node.left)) is not None:
                feats.query.append(key)  # "author" in params
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            owner = node.value
            if dotted(owner.value) in request_names:
                key = _str(node.slice)
                if key is not None:
                    if owner.attr in _QUERY_ATTRS:
                        feats.query.append(key)
                    elif owner.attr in ("headers", "META"):
                        feats.headers.append(_meta_header(key))
        elif isinstance(node, ast.Attribute) and dotted(node.value) in request_names:
            if node.attr in _RAW_BODY_ATTRS:
                raw = True
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "method":
            for comp in node.comparators:
                values = comp.elts if isinstance(comp, (ast.Tuple, ast.List, ast.Set)) else [comp]
                feats.methods.extend(m.upper() for v in values if (m := _str(v)))
    deco_names = {call_name(d).rpartition(".")[2] for d in func.decorator_list}
    # flask-restx / flask-restplus: @ns.expect(model, validate=True) checks the body against the model
    expects = any(isinstance(d, ast.Call) and call_name(d).rpartition(".")[2] == "expect" and any(
        k.arg == "validate" and isinstance(k.value, ast.Constant) and k.value.value is True for k in d.keywords)
        for d in func.decorator_list)
    if "marshal_list_with" in deco_names or any(
            isinstance(d, ast.Call) and call_name(d).rpartition(".")[2] == "marshal_with" and any(
                k.arg == "as_list" and isinstance(k.value, ast.Constant) and k.value.value is True for k in d.keywords)
            for d in func.decorator_list):
        feats.calls.append("@returns-list")  # flask-restx/restful marshal the handler's result as a list
    if "expect" in deco_names and not expects:
        feats.calls.append("@expect")  # validated when the app turns validation on for every expect()
    if expects or deco_names & _VALIDATING_DECORATORS or any("validat" in d.lower() for d in deco_names):
        validated = True
        if not has_model and not raw:  # @validate_schema(InSchema, OutSchema): the body arrives validated
            feats.body = "validated"
    if _capped(func):
        feats.calls.append("@capped")  # results[:100], .limit(50): never more than a fixed number of rows
    for name_node in walked(func):
        if isinstance(name_node, ast.Name):
            if "paginat" in name_node.id.lower():
                feats.calls.append("paginate")  # a shared paginated parser or helper
            if name_node.id.lower().endswith("parser"):
                feats.calls.append(f"parser:{name_node.id}")  # a module-level reqparse parser
    called = set(feats.calls) | deco_names
    returns_data = any(isinstance(n, ast.Return) and isinstance(n.value, (ast.Dict, ast.List, ast.ListComp, ast.DictComp))
                       for n in walked(func))
    if deco_names & _TEMPLATE_DECORATORS:
        feats.kind = "page"  # the dict the handler returns is the context of a template the decorator renders
    elif called & _API_CALLS or returns_data or any(c.endswith(("Serializer", "Schema")) for c in called):
        feats.kind = "api"
    elif called & _PAGE_CALLS or any(_TEMPLATE_CALL.search(c) for c in called):
        feats.kind = "page"
    if has_model:
        feats.body = "model"
    elif raw:
        feats.body = "validated" if validated or _fields_coerced(func, request_names) else "raw"
    elif schema_arg or {"parse_args", "validate_on_submit"} & set(feats.calls):
        feats.body = "validated"  # flask-restful's reqparse, Flask-WTF's form: they read the body's fields and check them
    if _oauth_callback(func):
        feats.calls.append("@oauth")
    feats.calls.extend(_mapping_return(func))
    if _returns_list(func):
        feats.calls.append("@returns-list")
    if _returns_upstream(func):
        feats.calls.append("@proxy")
    if _enumerates_constant(func):
        feats.calls.append("@enumeration")
    if _distinct_values(func):
        feats.calls.append("@distinct-values")
    if any(re.search(r"signature|compare_digest", c, re.IGNORECASE) for c in feats.calls) \
            or set(feats.headers) & _WEBHOOK_SIGNATURE_HEADERS:
        feats.calls.append("@signed")  # the payload's signature is checked: another system's webhook
    if raw and _relays_body(func, request_names):
        feats.calls.append("@relay")
    if handed:
        _merge_request_helpers(func, handed, framework, path_params, request_names, feats)
    feats.calls.extend(markers)  # last: no rule above reads them as the handler's own calls
    return feats


IDLE_PARAM = "@idle:"  # a calls entry: a query parameter the handler declares but never reads (or only logs)
# Calls whose arguments are recorded, not acted on: what they are handed selects nothing.
_RECORDING_CALL = lazy_compile(r"telemetry|^(?:track|capture|record|emit|send|report)_\w*(?:analytics|metric|event)"
                               r"|^(?:track|capture)(?:_|$)|^(?:log|debug|info|warning|warn|error|exception|critical)$",
                               re.IGNORECASE)


# A last segment compounding statistics of something (/serverstats, /userstatistics); not /thermostats.
_COMPOUND_STATS = lazy_compile(r"(?:server|user|usage|queue|task|job|system|db|cache|site|node|worker|api)"
                               r"(?:stats|statistics)")


def _idle_params(func: ast.FunctionDef | ast.AsyncFunctionDef, names: Mapping[str, str]) -> list[str]:
    """The query names (``names``: parameter -> query name, its alias or itself) of declared parameters the
    handler's body never reads, or reads only to hand to telemetry or a log (``client: str = None`` passed to
    ``update_telemetry_state``): the client may send them, nothing uses them."""
    if not names:
        return []
    used: set[str] = set()
    stack: list[ast.AST] = list(func.body)
    while stack:  # a walk that skips what recording calls are given; no recursion on long expressions
        node = stack.pop()
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name in ("locals", "vars"):
                used.update(names)  # the handler's parameters read as a mapping
            elif _RECORDING_CALL.search(name):
                continue
        if isinstance(node, ast.Name) and node.id in names:
            used.add(node.id)
        stack.extend(ast.iter_child_nodes(node))
    return sorted(query for param, query in names.items() if param not in used)


# The module's top-level functions while its routes are extracted: a handler that hands the request to one
# (get_questions(req, resp, "popularity")) reads its query string and body there.
_MODULE_FUNCTIONS: ContextVar[Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef] | None] = ContextVar(
    "module_functions", default=None)


# The names the module imports (see _project_imports) while its routes are extracted: a handler handing its
# request or body to one records a HELPER marker, which the route table resolves against the other module's
# HelperFacts. A calls entry: ``HELPER + "<callee as written>|<flag>|..."``, flags ``r`` (the request handed),
# ``b<position>`` or ``b=<keyword>`` (the body handed there), ``g`` (a Flask handler's call of a project function
# given neither, which may read the context-local request: the handler's own).
_PROJECT_IMPORTS: ContextVar[Mapping[str, bool] | None] = ContextVar("project_imports", default=None)
HELPER = "@helper:"


def _handed(call: ast.Call, request_names: set[str], bodies: set[str], *, context: bool) -> list[str]:
    """What a call of an imported function is handed: the request (``r``), the body at a position or keyword
    (``b0``, ``b=data``), or, in a Flask handler, nothing of either (``g``)."""
    flags: list[str] = []
    slots: list[tuple[str, ast.expr]] = [(str(i), a) for i, a in enumerate(call.args)]
    slots += [(f"={k.arg}", k.value) for k in call.keywords if k.arg]
    for slot, value in slots:
        if isinstance(value, ast.Starred):
            break  # f(*args): the positions after it are unknown
        if dotted(value) in request_names:
            flags.append("r")
        elif _body_node(_unwrap_await(value), request_names) or (isinstance(value, ast.Name) and value.id in bodies):
            flags.append(f"b{slot}")
    if context and "r" not in flags:
        flags.append("g")
    return list(dict.fromkeys(flags))


def _merge_request_helpers(
    func: ast.FunctionDef | ast.AsyncFunctionDef, calls: list[ast.Call], framework: str, path_params: set[str],
    request_names: set[str], feats: _Features,
) -> None:
    """Add the features of the module's functions the handler passes its request to, one call down."""
    helpers = _MODULE_FUNCTIONS.get() or {}
    for node in calls:
        assert isinstance(node.func, ast.Name)
        helper = helpers.get(node.func.id)
        if helper is None or helper is func or not any(
                dotted(a) in request_names for a in [*node.args, *(k.value for k in node.keywords)]):
            continue
        token = _MODULE_FUNCTIONS.set(None)  # one level: the helper's own helpers are not followed
        imported_token = _PROJECT_IMPORTS.set(None)  # nor what it hands on to other modules
        try:
            inner = _handler_features(helper, framework, path_params)
        finally:
            _PROJECT_IMPORTS.reset(imported_token)
            _MODULE_FUNCTIONS.reset(token)
        feats.query.extend(q for q in inner.query if q not in feats.query)
        feats.headers.extend(h for h in inner.headers if h not in feats.headers)
        feats.calls.extend(c for c in inner.calls if c not in feats.calls)
        if not feats.body and inner.body in ("validated", "model"):
            feats.body = inner.body  # validated there; a raw read there is not judged (the handler may check it)
        if not feats.kind:
            feats.kind = inner.kind


def _relays_body(func: ast.AST, request_names: set[str]) -> bool:
    """The body handed to an HTTP call (``client.post(url, json=body)``) and nowhere else."""
    aliases = {t.id for n in walked(func) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)
               and any(_body_node(v, request_names) or (isinstance(v, ast.Await) and _body_node(v.value, request_names))
                       for v in [n.value])}
    sent = False
    for node in walked(func):
        if isinstance(node, ast.Call) and _http_call(call_name(node)):
            values = [*node.args, *(k.value for k in node.keywords)]
            sent = sent or any(_body_node(v, request_names) or (isinstance(v, ast.Name) and v.id in aliases)
                               or (isinstance(v, ast.Await) and _body_node(v.value, request_names)) for v in values)
    return sent


def _http_call(name: str) -> bool:
    lowered = name.lower()
    return lowered in ("get", "post", "request", "send", "urlopen", "fetch") or any(
        w in lowered for w in ("request", "http", "fetch", "api", "proxy", "send", "upstream", "remote"))


def _returns_upstream(func: ast.AST) -> bool:
    """A proxy: it returns another service's response body (``resp.content``, ``resp.text``, ``resp.json()``),
    maybe reworked on the way, so that service shapes and pages the data."""
    assigns = [n for n in walked(func) if isinstance(n, ast.Assign)]
    values = {id(n): n.value.value if isinstance(n.value, ast.Await) else n.value for n in assigns}  # resp = await client.get()
    called = {t.id: call_name(values[id(n)]) for n in assigns if isinstance(values[id(n)], ast.Call)
              for t in n.targets if isinstance(t, ast.Name)}

    def upstream(expr: ast.AST, names: set[str]) -> bool:
        for sub in ast.walk(expr):
            if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id in called and (
                    sub.attr in ("content", "text") or (sub.attr == "json" and _http_call(called[sub.value.id]))):
                return True  # resp.content, resp.text: an HTTP response's body; resp.json() of a request
            if isinstance(sub, ast.Name) and sub.id in names and isinstance(sub.ctx, ast.Load):
                return True
        return False

    names: set[str] = set()
    for _ in range(3):  # content = json.loads(resp.content); body = json.dumps(content)
        names |= {t.id for n in assigns if upstream(n.value, names) for t in n.targets if isinstance(t, ast.Name)}
    return any(isinstance(n, ast.Return) and n.value is not None and upstream(n.value, names) for n in walked(func))


def _allow_listed(call: ast.Call, request_names: set[str], aliases: set[str]) -> bool:
    """The body handed to a helper together with literal field names: only those fields are taken, or they
    are required."""
    args = [*call.args, *(k.value for k in call.keywords)]
    body = any(_body_node(a, request_names) or (isinstance(a, ast.Name) and a.id in aliases) for a in args)
    fields = any(isinstance(a, (ast.Tuple, ast.List, ast.Set)) and a.elts and all(_str(e) is not None for e in a.elts)
                 for a in args)
    return body and fields


def _body_node(node: ast.AST, request_names: set[str]) -> bool:
    """``request.json``, ``request.get_json()`` or ``json.loads(request.body)``: the whole parsed body."""
    if isinstance(node, ast.Call) and call_name(node) == "loads" and len(node.args) == 1:
        raw = node.args[0]
        if isinstance(raw, ast.Call) and isinstance(raw.func, ast.Attribute) and raw.func.attr == "decode":
            raw = raw.func.value  # json.loads(request.body.decode("utf-8"))
        return isinstance(raw, ast.Attribute) and raw.attr in ("body", "data") and dotted(raw.value) in request_names
    if isinstance(node, ast.Call):
        node = node.func
        return isinstance(node, ast.Attribute) and node.attr in ("get_json", "json") and dotted(node.value) in request_names
    return isinstance(node, ast.Attribute) and node.attr in ("json", "form", "data", "POST", "values") \
        and dotted(node.value) in request_names  # values: Flask's query string and form in one mapping


def _fields_coerced(func: ast.AST, request_names: set[str]) -> bool:
    """Every use of the body reads one named field and converts it (``int(body['n'])``, ``filter_str(...)``,
    ``True if body.get('x') else False``): field-by-field validation by hand, the whole body never passed on.
    Fields taken as they came still count when the handler answers a client error on a missing or ill-typed
    field (``if not body.get('name'): return ..., 400``): required fields, checked by hand."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in walked(func):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    bodies = _body_names(func, request_names)
    reads = checked = tested = loose = 0
    for node in walked(func):
        is_body = _body_node(node, request_names) or (isinstance(node, ast.Name) and node.id in bodies
                                                       and isinstance(node.ctx, ast.Load))
        if not is_body or _inside_body_node(node, parents, request_names):
            continue  # json.loads(request.data): the parsed body is the one looked at
        parent = parents.get(node)
        if isinstance(parent, ast.Await):
            node, parent = parent, parents.get(parent)  # body = await request.json()
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or) and parent.values[0] is node:
            node, parent = parent, parents.get(parent)  # body = request.get_json(silent=True) or {}
        if isinstance(parent, ast.IfExp) and parent.body is node:
            node, parent = parent, parents.get(parent)  # body = json.loads(request.data) if request.data else {}
        if isinstance(parent, ast.Assign) and parent.value is node:
            continue  # body = request.json: its uses are looked at
        if isinstance(parent, (ast.For, ast.comprehension)) and parent.iter is node and isinstance(parent.target, ast.Name):
            continue  # for item in request.json: each item is read as the body is
        copy = _copy_of_body(node, parents)
        if copy is not None and isinstance(parents.get(copy), ast.Assign):
            continue  # data = dict(request.data): a copy, whose uses are looked at
        if isinstance(parent, ast.Subscript) and parent.value is node and isinstance(parent.ctx, ast.Store):
            continue  # body["dry_run"] = True: the handler sets a field, it reads none
        if isinstance(parent, ast.Subscript) and parent.value is node:
            read = parent
        elif isinstance(parent, ast.Attribute) and parent.value is node and parent.attr in _FIELD_GETTERS \
                and isinstance(parents.get(parent), ast.Call):
            read = parents[parent]
        elif isinstance(parent, ast.Compare) or isinstance(parent, ast.UnaryOp) \
                or (isinstance(parent, (ast.If, ast.IfExp)) and parent.test is node) \
                or (isinstance(parent, ast.Call) and call_name(parent) in ("isinstance", "len")):
            tested += 1
            continue  # if not request.json, isinstance(request.json, list), len(body): a presence or type check
        elif _rejected_when_invalid(node, parents):
            checked += 1
            continue  # run_query(body) in try: ... except InvalidQueryError: return ..., 400: validated there
        else:
            return False  # the whole body handed on
        reads += 1
        while isinstance(parents.get(read), ast.Attribute) and parents[read].attr in _STRING_NORMALISERS \
                and isinstance(parents.get(parents[read]), ast.Call):
            read = parents[parents[read]]  # body.get('token', '').strip()
        while isinstance(parents.get(read), ast.BoolOp) and isinstance(parents[read], ast.BoolOp) \
                and isinstance(parents[read].op, ast.Or) and isinstance(parents.get(parents[read]), ast.Assign):
            read = parents[read]  # name = body['name'] or 'undefined'
        outer = parents.get(read)
        if _checked_use(read, parents) or _rejected_when_missing(read, parents) or _rejected_when_invalid(read, parents):
            checked += 1
            continue
        if isinstance(outer, ast.For) and outer.iter is read and isinstance(outer.target, ast.Name) \
                and _local_checked(func, outer.target.id, parents):
            checked += 1
            continue  # for image_hash in body['image_hashes']: each item only looks a row up
        if isinstance(outer, ast.Assign) and len(outer.targets) == 1 and isinstance(outer.targets[0], ast.Name):
            # flag = body.get('flag'): every later use of the name tests or converts it
            if _local_checked(func, outer.targets[0].id, parents):
                checked += 1
                continue  # only tested, checked against a range, a set of values or a pattern, or required
        loose += 1  # a field used as it came
    if loose:
        return _rejects_bad_field(func, bodies, parents, request_names)
    if checked:
        return True
    # only tested (``if "cancel" in request.form``), never read, and read no other way (request.get_data())
    return tested > 0 and not reads and not any(
        isinstance(n, ast.Attribute) and n.attr in _RAW_BODY_ATTRS and dotted(n.value) in request_names
        and not _body_node(n, request_names) for n in walked(func))


# Methods that read one named field of a submitted mapping: ``body.get("q")``, ``request.form.getlist("ids")``.
_FIELD_GETTERS = frozenset({"get", "getlist", "getone", "get_all", "pop"})


def _body_names(func: ast.AST, request_names: set[str]) -> set[str]:
    """Locals holding the whole body (``body = request.get_json() or {}``, ``data = dict(request.form)``) and the
    items of a JSON list body (``for item in request.json``), read field by field as the body is."""
    names = {t.id for n in walked(func) if isinstance(n, ast.Assign)
             and _body_node(_unwrap_copy(_unwrap_await(_unwrap_or(n.value))), request_names)
             for t in n.targets if isinstance(t, ast.Name)}
    for node in walked(func):
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) and (
                _body_node(node.iter, request_names) or (isinstance(node.iter, ast.Name) and node.iter.id in names)):
            names.add(node.target.id)
    return names


def _inside_body_node(node: ast.AST, parents: Mapping[ast.AST, ast.AST], request_names: set[str]) -> bool:
    """``request.data`` inside ``json.loads(request.data.decode())``: a part of the parsed body's expression."""
    current = parents.get(node)
    for _ in range(3):
        if current is None or isinstance(current, ast.stmt):
            return False
        if _body_node(current, request_names):
            return True
        current = parents.get(current)
    return False


def _field_locals(func: ast.AST, bodies: set[str], request_names: set[str]) -> set[str]:
    """Locals assigned from one field of the body (``name = data.get("name")``, ``ids = request.form.getlist("id")``)."""
    return {t.id for n in walked(func) if isinstance(n, ast.Assign) and len(n.targets) == 1
            for t in n.targets if isinstance(t, ast.Name)
            and any(_field_read(sub, bodies, request_names) for sub in ast.walk(n.value))}


def _field_read(node: ast.AST, bodies: set[str], request_names: set[str]) -> bool:
    """``body["x"]``, ``body.get("x")`` or ``request.form.get("x")``: one named field of the body."""
    def whole(expr: ast.AST) -> bool:
        return _body_node(expr, request_names) or (isinstance(expr, ast.Name) and expr.id in bodies)

    if isinstance(node, ast.Subscript):
        return whole(node.value) and _str(node.slice) is not None
    return isinstance(node, ast.Attribute) and node.attr in _FIELD_GETTERS and whole(node.value)


def _rejects_bad_field(func: ast.AST, bodies: set[str], parents: Mapping[ast.AST, ast.AST],
                       request_names: set[str]) -> bool:
    """An ``if`` on a field of the body (or a local taken from one, or ``"name" not in body``) that answers a
    client error: the handler requires or type-checks its input by hand. A test of the whole body alone
    (``if not request.json``) is no such check."""
    fields = _field_locals(func, bodies, request_names)

    def on_field(test: ast.AST) -> bool:
        for sub in ast.walk(test):
            if _field_read(sub, bodies, request_names) or (isinstance(sub, ast.Name) and sub.id in fields):
                return True
            if isinstance(sub, ast.Compare) and len(sub.ops) == 1 and isinstance(sub.ops[0], (ast.In, ast.NotIn)) \
                    and _str(sub.left) is not None and (
                        _body_node(sub.comparators[0], request_names)
                        or (isinstance(sub.comparators[0], ast.Name) and sub.comparators[0].id in bodies)):
                return True  # "name" not in body: a required key
        return False

    return any(isinstance(node, ast.If) and node.body and _rejects(node.body[:2]) and on_field(node.test)
               for node in walked(func))


def _local_checked(func: ast.AST, local: str, parents: Mapping[ast.AST, ast.AST], depth: int = 0) -> bool:
    """Every use of a local tests or converts it, or one requires it; a list of ids iterated
    (``for image_hash in hashes:``) is judged by what is done with each item."""
    uses = [_normalised(n, parents) for n in walked(func)
            if isinstance(n, ast.Name) and n.id == local and isinstance(n.ctx, ast.Load)]
    if not uses:
        return False
    if any(_check_of(u, parents) or _required(u, parents) for u in uses):
        return True
    for use in uses:
        loop = parents.get(use)
        if _in_log_call(use, parents):
            continue  # logger.warning("no photo %s", image_hash): named in a message, not used
        if isinstance(loop, ast.For) and loop.iter is use and isinstance(loop.target, ast.Name) and depth < 2:
            if not _local_checked(func, loop.target.id, parents, depth + 1):
                return False
        elif not (_checked_use(use, parents) or _rejected_when_invalid(use, parents)):
            return False
    return True


def _normalised(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> ast.AST:
    """``text.strip().lower()`` around a value: the value, as what is done with it is judged."""
    while isinstance(parents.get(node), ast.Attribute) and parents[node].attr in _STRING_NORMALISERS \
            and isinstance(parents.get(parents[node]), ast.Call):
        node = parents[parents[node]]
    return node


def _in_log_call(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    current = parents.get(node)
    for _ in range(4):
        if isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute) \
                and current.func.attr in ("debug", "info", "warning", "warn", "error", "exception", "critical"):
            return True
        if current is None or isinstance(current, ast.stmt):
            return False
        current = parents.get(current)
    return False


def _copy_of_body(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> ast.AST | None:
    """``dict(request.data)`` or ``request.data.copy()`` around the body: the copy's node."""
    parent = parents.get(node)
    call = parents.get(parent) if isinstance(parent, ast.Attribute) else parent
    return call if call is not None and _unwrap_copy(call) is node else None


def _unwrap_copy(node: ast.AST) -> ast.AST:
    """``dict(request.data)``, ``request.data.copy()``: the body they copy."""
    if isinstance(node, ast.Call) and call_name(node) == "dict" and len(node.args) == 1 and not node.keywords:
        return node.args[0]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("copy", "dict", "to_dict") \
            and not node.args:
        return node.func.value
    return node


def _rejected_when_missing(read: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """A field read inside ``try:`` whose handlers answer 400 (``except KeyError: return "", 400``): required."""
    child, current = read, parents.get(read)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(current, ast.Try) and child in current.body:
            return bool(current.handlers) and all(_rejects(h.body) for h in current.handlers)
        child, current = current, parents.get(current)
    return False


_INVALID_INPUT = lazy_compile(r"Invalid|Validation|Schema|Malformed")


def _rejected_when_invalid(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """The body handed on inside ``try:`` whose handler for an invalid-input error answers a client error
    (``except InvalidQueryException: return Response(..., 400)``): the callee validates it, and says so."""
    child, current = node, parents.get(node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if isinstance(current, ast.Try) and child in current.body:
            return any(h.type is not None and _INVALID_INPUT.search(ast.unparse(h.type)) and _rejects(h.body)
                       for h in current.handlers)
        child, current = current, parents.get(current)
    return False


def _rejects(body: list[ast.stmt]) -> bool:
    """A handler that answers a client error: ``return ..., 400``, ``abort(400)`` or ``HttpResponseBadRequest()``."""
    for stmt in body:
        value = stmt.value if isinstance(stmt, (ast.Return, ast.Expr)) else None
        if isinstance(value, ast.Tuple) and any(_client_error(e) for e in value.elts[1:]):
            return True
        if isinstance(value, ast.Call) and (any(_client_error(a) for a in value.args)
                                            or any(k.arg in ("status", "status_code") and _client_error(k.value)
                                                   for k in value.keywords)
                                            or "BadRequest" in call_name(value)):
            return True
        if isinstance(stmt, ast.Raise) and stmt.exc is not None and re.search(
                r"BadRequest|ValidationError|HTTPException|UnprocessableEntity", ast.unparse(stmt.exc)):
            return True
    return False


def _client_error(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and 400 <= node.value < 500


def _unwrap_or(node: ast.AST) -> ast.AST:
    """``request.get_json(silent=True) or {}`` or ``json.loads(request.data) if request.data else {}``: the body,
    with an empty default."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and node.values:
        return node.values[0]
    if isinstance(node, ast.IfExp):
        return node.body
    return node


def _unwrap_await(node: ast.AST) -> ast.AST:
    """``await request.json()``: the body an async framework reads."""
    return node.value if isinstance(node, ast.Await) else node


def _required(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """``if not value: return error(...)``: a required field, rejected when missing."""
    outer = parents.get(node)
    if not (isinstance(outer, ast.UnaryOp) and isinstance(outer.op, ast.Not)):
        return False
    test = parents.get(outer)
    return isinstance(test, ast.If) and test.test is outer and bool(test.body) and (
        isinstance(test.body[0], (ast.Return, ast.Raise))
        or (isinstance(test.body[0], ast.Expr) and isinstance(test.body[0].value, ast.Call)
            and call_name(test.body[0].value) in ("abort", "flask_abort", "api_abort")))


def _check_of(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """The value is checked: compared (``x < 1``, ``x in ALLOWED``) or matched (``re.fullmatch(p, x)``)."""
    outer = parents.get(node)
    if isinstance(outer, ast.Compare):
        return True
    return isinstance(outer, ast.Call) and node in outer.args and bool(re.search(r"match|valid", call_name(outer), re.I))


def _checked_use(node: ast.AST, parents: Mapping[ast.AST, ast.AST]) -> bool:
    """The value is converted (``int(x)``, ``filter_str(x)``) or only tested (``if x``, ``x == 'wg'``, ``not x``)."""
    outer = parents.get(node)
    if isinstance(outer, ast.Call) and node in outer.args and (_coercing(call_name(outer)) or _looks_up(call_name(outer))):
        return True
    if isinstance(outer, ast.keyword) and isinstance(parents.get(outer), ast.Call) \
            and _looks_up(call_name(parents[outer])):  # type: ignore[arg-type]
        return True  # get_object_or_404(Book, id=request.POST.get("id")): a row looked up by it, or a 404
    if isinstance(outer, (ast.If, ast.While)) and outer.test is node:
        return True
    if isinstance(outer, ast.BoolOp) and isinstance(parents.get(outer), (ast.If, ast.IfExp, ast.While)):
        return True
    return isinstance(outer, (ast.Compare, ast.UnaryOp)) or (isinstance(outer, ast.IfExp) and outer.test is node)


def _looks_up(name: str) -> bool:
    """A lookup by the value (``get_object_or_404``, ``objects.get``, ``filter``, ``get_user_from_username``): the
    field selects a row the database types and checks, and is stored nowhere. A helper that does something
    else with it (``get_translation(text)``) or creates a row (``get_or_create``) is no lookup."""
    return name in _LOOKUPS or bool(_LOOKUP_HELPER.match(name))


_LOOKUPS = frozenset({"get", "filter", "exclude", "filter_by", "get_object_or_404", "get_list_or_404", "get_or_404",
                      "first_or_404", "one_or_none"})
_LOOKUP_HELPER = lazy_compile(
    r"^get_by_\w+$|^get_\w+?(?:_or_404|_or_none|_by_\w+|_from_(?:username|id|pk|uuid|slug|email|\w*_id))$")


def _coercing(name: str) -> bool:
    lowered = name.lower()
    if name[:1].isupper() and not name.isupper():
        return True  # IPv6Network(x), Decimal(x), a model's constructor: the value becomes a type
    return name in _COERCIONS or any(w in lowered for w in ("filter", "clean", "valid", "pars", "sanitiz", "coerce", "match",
                                                             "_int", "_bool", "_str", "to_"))


def _returns_list(func: ast.AST) -> bool:
    """A handler that returns a list it built (``items = []`` ... ``return jsonify(items)``) or a list literal."""
    lists = {t.id for n in walked(func) if isinstance(n, ast.Assign) and isinstance(n.value, (ast.List, ast.ListComp))
             for t in n.targets if isinstance(t, ast.Name)}
    for node in walked(func):
        if not isinstance(node, ast.Return) or node.value is None:
            continue
        value = node.value.elts[0] if isinstance(node.value, ast.Tuple) and node.value.elts else node.value
        if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords \
                and call_name(value) in ("jsonify", "JsonResponse", "Response", "json_response"):
            value = value.args[0]
        if isinstance(value, ast.ListComp) or (isinstance(value, ast.Name) and value.id in lists):
            return True
    return False


def _constant_source(node: ast.AST) -> bool:
    """``ALLOWED_LOG_FILES``, ``self.CHOICES``, ``settings.LANGUAGES`` (or their ``.keys()``): a fixed table
    written in code or configuration, by the convention that upper-case names are constants."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("keys", "values", "items"):
        node = node.func.value
    name = dotted(node).rpartition(".")[2]
    return len(name) > 1 and name.isupper()


def _distinct_values(func: ast.AST) -> bool:
    """The distinct values of one column (``session.query(Session.language).distinct()``,
    ``values_list("lang", flat=True).distinct()``): a handful of values about the rows, not the rows."""
    for node in walked(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "distinct"):
            continue
        receiver: ast.AST = node.func.value
        while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
            name, args = receiver.func.attr, receiver.args
            if name in ("query", "with_entities") and args and all(_column_expression(a) for a in args):
                return True
            if name == "values_list" and args and all(_str(a) is not None for a in args) and any(
                    k.arg == "flat" for k in receiver.keywords):
                return True
            receiver = receiver.func.value
    return False


def _column_expression(node: ast.AST) -> bool:
    """``Model.column`` or ``func.date(Model.column)``: a column of a query, not a whole model."""
    if isinstance(node, ast.Call) and dotted(node.func).startswith("func."):
        return bool(node.args) and all(_column_expression(a) for a in node.args)
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id[:1].isupper()


def _enumerates_constant(func: ast.AST) -> bool:
    """Every return gives a list made from a fixed table (``[k for k in self.ALLOWED_LOG_FILES if ...]``,
    ``sorted(LANGUAGES)``): a bounded enumeration, not a collection that grows with the data."""
    built = {t.id: n.value for n in walked(func) if isinstance(n, ast.Assign) for t in n.targets
             if isinstance(t, ast.Name)}
    returns = [n.value for n in walked(func) if isinstance(n, ast.Return) and n.value is not None]
    if not returns:
        return False
    for value in returns:
        if isinstance(value, ast.Call) and len(value.args) == 1 and call_name(value) in (
                "jsonify", "JsonResponse", "Response", "json_response"):
            value = value.args[0]
        if isinstance(value, ast.Attribute) and value.attr == "data" and isinstance(value.value, ast.Call) \
                and call_name(value.value).endswith("Serializer") and value.value.args:
            value = value.value.args[0]  # Response(LangSerializer(langs, many=True).data)
        if isinstance(value, ast.Name) and (_appended_from_constant(func, value.id) or _keyed_from_constant(func, value.id)):
            continue  # langs = []; for lang in settings.LANGUAGES: langs.append(...), or langs[lang] = ...
        if _fixed_document(func, value):
            continue  # {"keys": [public_jwk()]}, {"locales": langs}: a document whose lists the code sizes
        if isinstance(value, ast.Name) and value.id in built:
            if isinstance(built[value.id], ast.Dict) and not _changed(func, value.id) \
                    and _fixed_document(func, built[value.id]):
                continue  # res = {"keys": [public_jwk()]}; return jsonify(res)
            value = built[value.id]
        if isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            if not all(_constant_source(g.iter) for g in value.generators):
                return False
        elif isinstance(value, ast.Call) and call_name(value) in ("list", "sorted", "tuple") and value.args:
            if not _constant_source(value.args[0]):
                return False
        elif not (isinstance(value, (ast.Name, ast.Attribute)) and _constant_source(value)):
            return False  # return constants.BACKUP_PROVIDERS: the table itself
    return True


def _fixed_document(func: ast.AST, value: ast.AST) -> bool:
    """A list written out item by item (``[public_jwk()]``), or one JSON object whose every value is a constant,
    such a list, or a list grown only from a fixed table: its size is set by the code, not by the data."""
    if isinstance(value, ast.List):
        return bool(value.elts) and not any(isinstance(e, ast.Starred) for e in value.elts)
    if not isinstance(value, ast.Dict) or not value.values or any(_str(k) is None for k in value.keys):
        return False
    return all(isinstance(v, ast.Constant) or _fixed_document(func, v)
               or (isinstance(v, ast.Name) and _appended_from_constant(func, v.id)) for v in value.values) \
        and not all(isinstance(v, ast.Constant) for v in value.values)


def _changed(func: ast.AST, name: str) -> bool:
    """Whether the function changes what ``name`` holds after binding it: a method call that adds to it, an item
    set on it, or ``+=``."""
    for node in walked(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                and node.func.value.id == name and node.func.attr in ("append", "extend", "insert", "update", "setdefault"):
            return True
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store) and isinstance(node.value, ast.Name) \
                and node.value.id == name:
            return True
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
    return False


def _allowed_methods(chain: Iterable[tuple[str, ClassFact]]) -> list[str] | None:
    """The methods the nearest class of a chain allows (``http_method_names``, ``methods``); None: every one."""
    return next((v.split(",") for _, c in chain for k, v in c.attrs if k == "@methods"), None)


def _appended_from_constant(func: ast.AST, name: str) -> bool:
    """``name`` starts empty and grows only by ``name.append(...)`` inside loops over fixed tables."""
    starts_empty = False
    for node in walked(func):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            if starts_empty or not (isinstance(node.value, ast.List) and not node.value.elts):
                return False  # bound twice, or to something else than []
            starts_empty = True
    if not starts_empty:
        return False
    appends = 0
    for loop in walked(func):
        for node in ast.walk(loop) if isinstance(loop, (ast.For, ast.AsyncFor)) else ():
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == name:
                if not _constant_source(loop.iter):
                    return False
                appends += 1
    all_appends = sum(1 for n in walked(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                      and n.func.attr in ("append", "extend", "insert") and isinstance(n.func.value, ast.Name)
                      and n.func.value.id == name)
    return appends > 0 and appends == all_appends


def _loop_names(func: ast.AST) -> set[str]:
    """The names a ``for`` loop of the function binds (``for key, field in self.filters``)."""
    return {n.id for loop in walked(func) if isinstance(loop, (ast.For, ast.AsyncFor))
            for n in ast.walk(loop.target) if isinstance(n, ast.Name)}


def _keyed_from_constant(func: ast.AST, name: str) -> bool:
    """``name`` starts as an empty dict and grows only by ``name[key] = ...`` inside loops over fixed tables
    (``for lang in settings.LANGUAGES: locales[lang] = {...}``)."""
    bindings = [n for n in walked(func) if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
    if len(bindings) != 1 or not (isinstance(bindings[0].value, ast.Dict) and not bindings[0].value.keys):
        return False
    stores = [n for n in walked(func) if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store)
              and isinstance(n.value, ast.Name) and n.value.id == name]
    if not stores or any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
                         and n.func.value.id == name and n.func.attr in ("update", "setdefault") for n in walked(func)):
        return False
    loops = [n for n in walked(func) if isinstance(n, (ast.For, ast.AsyncFor, ast.While, ast.comprehension))]
    inside = {id(n) for loop in loops if isinstance(loop, (ast.For, ast.AsyncFor)) and _constant_source(loop.iter)
              for n in ast.walk(loop)}
    grown = {id(n) for loop in loops if not (isinstance(loop, (ast.For, ast.AsyncFor)) and _constant_source(loop.iter))
             for n in ast.walk(loop)}  # also inside a loop over the data: grows with the rows
    return all(id(n) in inside and id(n) not in grown for n in stores)


def _names_class(node: ast.AST) -> bool:
    """``OrderSchema`` or ``schemas.OrderIn``: a class handed over (CamelCase, not a CONSTANT)."""
    name = dotted(node).rpartition(".")[2]
    return name[:1].isupper() and not name.isupper() and any(c.islower() for c in name)


def _oauth_callback(func: ast.AST) -> bool:
    """A handler finishing an OAuth/OIDC sign-in: it reads the provider's ``code`` and exchanges it for a token."""
    texts = {n.value for n in walked(func) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return "code" in texts and bool(texts & _OAUTH_WORDS)


def _mapping_return(func: ast.AST) -> list[str]:
    """``@mapping:<keys>`` when every return gives one JSON object (a dict literal, ``jsonify(a=..., b=...)``)
    that holds no list: an aggregate, a settings object or a summary, never a collection."""
    keys: list[str] = []
    returns = [n.value for n in walked(func) if isinstance(n, ast.Return) and n.value is not None]
    if not returns:
        return []
    for value in returns:
        if isinstance(value, ast.Tuple) and value.elts:  # return jsonify(...), 200
            value = value.elts[0]
        if isinstance(value, ast.Call) and call_name(value) == "Response":  # DRF: Response({"status": ..., "job_id": ...})
            if not (value.args and isinstance(value.args[0], ast.Dict)):
                return []  # Response(content=json.dumps(rows)): whatever the content holds
            value = value.args[0]
        if isinstance(value, ast.Call) and call_name(value) in ("jsonify", "JsonResponse", "JSONResponse", "dict") \
                and not (value.args and not isinstance(value.args[0], ast.Dict)):
            pairs = [(k.arg, k.value) for k in value.keywords if k.arg]
            if value.args and isinstance(value.args[0], ast.Dict):
                value = value.args[0]
            elif not pairs:
                return []
        else:
            pairs = []
        if isinstance(value, ast.Dict):
            if any(k is None for k in value.keys):
                return []
            pairs = [(_str(k) or "", v) for k, v in zip(value.keys, value.values, strict=True)]
        if not pairs:
            return []
        for key, item in pairs:
            if key.lower() in _ENVELOPE_KEYS or isinstance(item, (ast.List, ast.ListComp, ast.GeneratorExp, ast.Set)) \
                    or (isinstance(item, ast.Call) and call_name(item) in ("list", "sorted", "serialize_list")):
                return []
            keys.append(key.lower())
    return [f"@mapping:{','.join(dict.fromkeys(keys))}"]


def _annotation_class(node: ast.AST) -> str:
    """The class an annotation names (``Annotated[Pagination, Depends()]`` gives ``Pagination``)."""
    if isinstance(node, ast.Subscript):
        inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
        return _annotation_class(inner)
    return dotted(node).rpartition(".")[2]


_WRAPPING_TYPES = frozenset({"Annotated", "Optional", "Union", "Type", "type", "Awaitable", "Coroutine"})


def _model_class(node: ast.AST) -> str:
    """The class a response model names: a generic model's own class (``PaginatedResults[Webhook]`` gives
    ``PaginatedResults``, whose fields say whether it wraps a list); ``Optional``/``Annotated`` are looked into."""
    if isinstance(node, ast.Subscript):
        outer = dotted(node.value).rpartition(".")[2]
        if outer[:1].isupper() and outer not in _WRAPPING_TYPES:
            return outer
    return _annotation_class(node)


def _meta_header(key: str) -> str:
    key = key.lower()
    if key.startswith("http_"):
        key = key[5:]
    return key.replace("_", "-")


def _path_params(path: str) -> set[str]:
    found = set(re.findall(r"\{(\w+)(?::[^}]*)?\}", path))
    found |= set(re.findall(r"<(?:\w+:)?(\w+)>", path))
    found |= set(re.findall(r"\(\?P<(\w+)>", path))
    return found


def _decorator_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    out = []
    for deco in func.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        out.append(dotted(target) or call_name(target))
    return tuple(n for n in out if n)


# -- extraction -------------------------------------------------------------------------------

_OWNER_KINDS = {"FastAPI": "fastapi", "APIRouter": "fastapi", "Flask": "flask", "Blueprint": "flask",
                "Starlette": "starlette", "Router": "starlette", "Api": "flask", "Namespace": "flask",
                "DefaultRouter": "django", "SimpleRouter": "django", "ExtendedDefaultRouter": "django",
                "NestedSimpleRouter": "django", "NestedDefaultRouter": "django", "OptionalSlashRouter": "django",
                "Service": "pyramid", "Application": "aiohttp", "RouteTableDef": "aiohttp",
                "NinjaAPI": "ninja", "NinjaRouter": "ninja"}
_AIOHTTP_OWNERS = frozenset({"Application", "RouteTableDef"})
_DRF_ROUTERS = frozenset(k for k, v in _OWNER_KINDS.items() if v == "django")
_PREFIX_KW = {"APIRouter": "prefix", "Api": "prefix", "Namespace": "path", "Service": "path"}
_RESOURCE_ADDERS = lazy_compile(r"^add_\w*resource$")
# flask-rest-jsonapi's resource classes: the methods each answers and what a GET returns.
_JSONAPI_RESOURCES = {
    "ResourceList": (("GET", "page"), ("POST", "")),
    "ResourceDetail": (("GET", "item"), ("PATCH", ""), ("DELETE", "")),
    "ResourceRelationship": (("GET", "item"), ("POST", ""), ("PATCH", ""), ("DELETE", "")),
}
_JSONAPI_QUERY = ("page[size]", "page[number]", "filter", "sort", "include")


def _extract(source: SourceFile) -> FileRoutes:
    tree = source.tree
    module = module_name(source.path)
    if tree is None:
        return FileRoutes(module)
    imports = source.imports
    names = import_names(source, module, source.path.endswith("__init__.py"))
    owners: dict[str, OwnerFact] = {}
    includes: list[IncludeFact] = []
    # class CustomRouterWithExtraPaths(routers.DefaultRouter): the module's own router class routes like its base
    own_routers = {cls.name: base for cls in source.nodes(ast.ClassDef) if isinstance(cls, ast.ClassDef)
                   for base in (dotted(b).rpartition(".")[2] for b in cls.bases) if base in _DRF_ROUTERS
                   or (base == "NinjaAPI" and "ninja" in imports)}  # class NoCacheNinjaAPI(NinjaAPI)
    # api = ApiController(prefix="/api/0"), with api.add_resource(...) below: a project's own subclass of
    # flask-restful's Api (defined in another module) serves its resources under the prefix like the Api itself
    resource_owners = {dotted(c.func.value) for c in source.nodes(ast.Call) if isinstance(c, ast.Call)
                       and isinstance(c.func, ast.Attribute) and _RESOURCE_ADDERS.match(c.func.attr)} \
        if "flask" in imports and "add_" in source.text else set()
    for node in source.nodes(ast.Assign, ast.AnnAssign):
        value = node.value
        if not isinstance(value, ast.Call):
            continue
        kind = call_name(value)
        kind = own_routers.get(kind, kind)
        if resource_owners and kind not in _OWNER_KINDS and _kw(value, "prefix") is not None:
            names_of = [n for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if (n := dotted(t))]
            if resource_owners & set(names_of):
                for name in names_of:
                    owners[name] = OwnerFact(name, "Api", _path_expr(_kw(value, "prefix")), (), node.lineno)
                continue
        if kind == "namespace" and isinstance(value.func, ast.Attribute) and dotted(value.func.value) \
                and {"flask_restx", "flask_restplus"} & imports and (value.args or _kw(value, "name")):
            # flask-restx: ns = api.namespace("alias") serves its resources under /alias on the Api
            ns_name = _str(value.args[0] if value.args else _kw(value, "name"))
            path = _kw(value, "path")
            prefix = _path_expr(path) if path is not None else (f"/{ns_name}" if ns_name else "")
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                if name := dotted(target):
                    owners[name] = OwnerFact(name, "Namespace", prefix, (), node.lineno)
                    includes.append(IncludeFact(dotted(value.func.value), name, line=node.lineno))
            continue
        if kind not in _OWNER_KINDS and kind.endswith("Router") and kind[:1].isupper() and \
                {"rest_framework", "django"} & imports:
            kind = "NestedSimpleRouter" if "Nested" in kind else "DefaultRouter"  # a project's own DRF router class
        if kind in _AIOHTTP_OWNERS and "aiohttp" not in imports:
            continue  # Tornado's and others' Application
        if kind == "Router" and "ninja" in imports:
            kind = "NinjaRouter"  # django-ninja's Router, mounted with api.add_router(prefix, router)
        if kind not in _OWNER_KINDS or (kind == "Router" and "starlette" not in imports) \
                or (kind == "Service" and _kw(value, "path") is None):
            continue  # Cornice: Service(name="heartbeat", path="/__heartbeat__"); its @heartbeat.get() views
        if kind in ("Api", "Namespace") and not ({"flask_restful", "flask_restx", "flask_restplus",
                                                  "flask_rest_jsonapi"} & imports):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        prefix = _path_expr(_kw(value, _PREFIX_KW.get(kind, "url_prefix")))
        if kind.startswith("Nested") and len(value.args) > 1 and (parent_prefix := _str(value.args[1])) is not None:
            # NestedSimpleRouter(router, r"case", lookup="case"): routes under case/{case_pk}/
            lookup = _str(_kw(value, "lookup")) or "parent"
            prefix = f"{_clean_django(parent_prefix).strip('/')}/{{{lookup}_pk}}/"
        deps = tuple(_depends_names(_kw(value, "dependencies")))
        for target in targets:
            name = dotted(target)
            if name:
                owners[name] = OwnerFact(name, kind, prefix, deps, node.lineno)
                parent = value.args[0] if value.args else _kw(value, "app")
                if "flask_rest_jsonapi" in imports:  # Api(app, blueprint): mounted on the blueprint
                    parent = _kw(value, "blueprint") or (value.args[1] if len(value.args) > 1 else None)
                if kind == "Api" and parent is not None and dotted(parent):  # Api(blueprint): mounted on it
                    includes.append(IncludeFact(dotted(parent), name, line=node.lineno))
    if "ninja" in imports:
        _ninja_url_aliases(source, owners, includes)
    functions = {
        n.name: n for n in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    routes: list[RouteFact] = []
    for func in functions.values():
        for deco in func.decorator_list:
            routes.extend(_decorator_routes(func, deco, owners, imports))
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        for deco in cls.decorator_list:  # flask-restx: @ns.route("/orders") on a Resource class
            if isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute) and deco.func.attr == "route":
                owner = dotted(deco.func.value)
                if owner and (owner in owners or {"flask_restx", "flask_restplus"} & imports):
                    for path_node in deco.args or [_kw(deco, "rule", "path")]:
                        routes.append(RouteFact("flask", "*", _path_expr(path_node), owner, cls.name, cls.lineno,
                                                cls.col_offset + 1, path_params=tuple(sorted(_path_params(
                                                    _path_expr(path_node))))))
    loops = _loop_bindings(source)
    hidden_aliases = _hidden_aliases(source) if "include_in_schema" in source.text else set()
    app_routers: dict[str, str] | None = None  # aiohttp: local names for an app's router, found when first needed
    made = {t.id: dotted(n.value.func) for n in source.nodes(ast.Assign) if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Call) and dotted(n.value.func) for t in n.targets if isinstance(t, ast.Name)}
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = call_name(call)
        if name == "partial" and len(call.args) > 1 and isinstance(call.args[0], ast.Attribute) \
                and call.args[0].attr == "register_blueprint" and dotted(call.args[0].value) and dotted(call.args[1]):
            # functools.partial(app.register_blueprint, api, url_prefix="/api"): a registration run later
            includes.append(IncludeFact(dotted(call.args[0].value), dotted(call.args[1]),
                                        _path_expr(_kw(call, "url_prefix")),
                                        replaces=_kw(call, "url_prefix") is not None, line=call.lineno))
            continue
        if not isinstance(call.func, ast.Attribute):
            continue
        owner = dotted(call.func.value)
        if not owner:
            continue
        if name == "blueprint" and owner == "superdesk" and call.args and dotted(call.args[0]):
            # Superdesk registers the blueprint under the application's URL_PREFIX/API_VERSION
            includes.append(IncludeFact("@eve", dotted(call.args[0]), line=call.lineno))
            continue
        if name in ("include_router", "register_blueprint", "mount", "add_namespace", "init_app") and (
                call.args or name == "mount"):
            if name == "init_app":  # api.init_app(app): the Api's resources are served by the app
                if owner in owners and owners[owner].kind == "Api" and call.args and dotted(call.args[0]):
                    includes.append(IncludeFact(dotted(call.args[0]), owner, line=call.lineno))
                continue
            if name == "include_router" and id(call) in hidden_aliases:
                continue  # the same router again, left out of the API's schema: an undocumented alias
            if name == "mount":
                if not call.args:
                    continue
                target_node = call.args[1] if len(call.args) > 1 else _kw(call, "app") or call.args[0]
                prefix = _path_expr(call.args[0])
            else:
                target_node = call.args[0]
                prefix = _path_expr(_kw(call, "prefix", "url_prefix", "path"))
            target = dotted(target_node)
            if not target and isinstance(target_node, ast.Call):  # mount("/metrics", make_asgi_app())
                target = "()" + (dotted(target_node.func) or call_name(target_node))
            elif target in made and target not in owners:  # bp = main.make_blueprint(config); register(bp)
                target = "()" + made[target]
            replaces = name == "register_blueprint" and _kw(call, "url_prefix") is not None
            deps = tuple(_depends_names(_kw(call, "dependencies")))
            for bound_target, bound_prefix in loops.get((id(call), target), [(target, None)]):
                includes.append(IncludeFact(owner, bound_target, prefix if bound_prefix is None else bound_prefix,
                                            replaces=replaces, dependencies=deps, line=call.lineno))
        elif name == "add_router" and len(call.args) > 1 and _str(call.args[0]) is not None:
            # django-ninja: api.add_router("/orders/", router) or ("/orders/", "shop.api.orders.router")
            target = _str(call.args[1]) or dotted(call.args[1])
            if target:
                includes.append(IncludeFact(owner, target, _path_expr(call.args[0]), line=call.lineno))
        elif "aiohttp" in imports and (name in _AIOHTTP_ADDERS or name in ("add_routes", "add_subapp")
                                       or (name == "add_route" and _aiohttp_method(call))):
            if app_routers is None:  # router = app.router; router.add_get(...): the app's routes
                app_routers = {dotted(t): dotted(n.value.value) for n in source.nodes(ast.Assign)
                               if isinstance(n, ast.Assign) and isinstance(n.value, ast.Attribute)
                               and n.value.attr == "router" for t in n.targets}
            owner = owner.removesuffix(".router")  # app.router.add_get(...): the app's routes
            if owner not in owners:
                owner = app_routers.get(owner) or owner
            if name == "add_subapp":
                sub = call.args[1] if len(call.args) > 1 else _kw(call, "subapp")
                target = dotted(sub) or ("()" + (dotted(sub.func) or call_name(sub)) if isinstance(sub, ast.Call) else "")
                if call.args and target:
                    includes.append(IncludeFact(owner, target, _path_expr(call.args[0]), line=call.lineno))
            elif name == "add_routes" and call.args and dotted(call.args[0]):  # app.add_routes(routes): a RouteTableDef
                includes.append(IncludeFact(owner, dotted(call.args[0]), line=call.lineno))
            else:
                routes.extend(_aiohttp_routes(call, owner, name, functions))
        elif name == "add_route" and ("pyramid" in imports or _pyramid_route(call)):
            continue  # Pyramid's config.add_route(name, pattern): its views are found by route name (_pyramid_facts)
        elif name == "add_route" and "falcon" in imports and len(call.args) > 1:
            routes.extend(_falcon_route(call, owner, made))
        elif name in ("add_api_route", "add_url_rule", "add_route"):
            routes.extend(_added_routes(call, owner, name, owners, functions, imports))
        elif name == "route" and len(call.args) >= 3 and dotted(call.args[0]) and _str(call.args[1]) is not None \
                and all((p := _str(a)) is not None and p.startswith("/") for a in call.args[2:]):
            # flask-rest-jsonapi: api.route(EventList, "event_list", "/events", "/users/<int:id>/events")
            for path_node in call.args[2:]:
                path = _path_expr(path_node)
                routes.append(RouteFact("flask", "JSONAPI", path, owner, dotted(call.args[0]), call.lineno,
                                        call.col_offset + 1, path_params=tuple(sorted(_path_params(path))), kind="api"))
        elif _RESOURCE_ADDERS.match(name) and call.args:  # flask-restful: api.add_resource(Orders, "/orders")
            resource = dotted(call.args[0])
            for path_node in call.args[1:]:
                path = _path_expr(path_node)
                if resource and path and not path.startswith("${"):
                    routes.append(RouteFact("flask", "*", path, owner, resource, call.lineno, call.col_offset + 1,
                                            path_params=tuple(sorted(_path_params(path)))))
        elif name == "register" and len(call.args) > 1 and (
                (owner in owners and owners[owner].kind in _DRF_ROUTERS) or (
                    # from ralph.api import router; router.register(r"supports", SupportViewSet): the project's router
                    owner not in owners and owner.split(".")[0] in names and _str(call.args[0]) is not None
                    and (dotted(call.args[1]) or "").endswith("ViewSet") and {"rest_framework", "django"} & imports)):
            prefix = _path_expr(call.args[0])
            viewset = dotted(call.args[1])
            if viewset:  # expanded to the viewset's actions when the table is built
                routes.append(RouteFact("django", "VIEWSET", _clean_django(prefix), owner, viewset, call.lineno,
                                        call.col_offset + 1, kind="api"))
    if "tornado" in imports or (may_match_ignoring_case(source.text, ("handlers",)) and _HANDLER_LISTS.search(source.text)):
        routes.extend(_tornado_routes(source, everywhere="tornado" in imports))
    routes.extend(_pair_routes(tree, owners))
    routes.extend(_wrapped_url_rules(source, owners, functions))
    if "add_url_rule" in source.text:
        routes.extend(_register_helpers(source, owners, functions, names))
    pyramid_names: tuple[tuple[str, str], ...] = ()
    if "pyramid" in imports or ("add_route" in source.text and "config" in source.text) or "route_name=" in source.text:
        pyramid_routes, pyramid_names = _pyramid_facts(source)
        routes.extend(pyramid_routes)
    eve_routes, eve_settings = _eve_facts(source)
    routes.extend(eve_routes)
    routes.extend(_graphql_facts(tree, imports, owners))
    views: list[RouteFact] = []
    django = "django" in imports or "rest_framework" in imports or (
        (source.path.endswith(("urls.py", "views.py")) or _sets_urlpatterns(tree))
        and not {"flask", "flask_restful", "flask_restx", "quart"} & imports)
    if django:
        routes.extend(_django_urlpatterns(tree, source.text, includes, names))
    views = _django_views(tree, "django" if django else "flask", function_views=django)
    recorded, made_by_class = _recorded_routes(tree, names) if "@" in source.text else ([], [])
    for route, owner in recorded:
        routes.append(route)
        owners.setdefault(owner.name, owner)
    if routes and may_match_ignoring_case(source.text, ("signature", "compare_digest")) and _SIGNATURE_CALL.search(source.text):
        routes = _mark_signed(tree, routes)
    facts = FileRoutes(
        module, tuple(routes), tuple(owners.values()), tuple(includes), tuple(sorted(names.items())), tuple(views),
        classes=_classes(source), constants=(*_constants(tree), *pyramid_names), callables=_callables(tree),
        settings=(*_drf_settings(tree), *eve_settings),
        aliases=_dependency_aliases(tree), factories=(*_factories(tree, owners), *made_by_class),
        recorders=_route_recorders(tree),
        webargs=_webargs_facts(tree, imports, names),
        limiters=(*(_limiting_decorators(tree) if _TOO_MANY_NEEDLES.found_in(source.text) else ()),
                  *(_limited_blueprints(source) if ".limit(" in source.text else ())),
    )
    helpers = _helper_facts(tree, names, {r.handler for r in routes} | {v.handler for v in views},
                            validating=any(n in source.text for n in _VALIDATING_TEXT))
    if not helpers:
        return facts
    if facts.empty:  # kept for its helpers only: what resolving a name needs, nothing that could route
        return FileRoutes(module, names=facts.names, helpers=helpers)
    return replace(facts, helpers=helpers)


_CONTEXT_REQUESTS = frozenset({"flask.request", "quart.request"})
# What a function returns, read as if it were a handler: a helper's return (one rendered row, a lookup table)
# is not the route's response, so these marks stay with the helper when its features are merged.
_RESPONSE_SHAPES = frozenset({"@returns-list", "@proxy", "@enumeration", "@distinct-values", "@relay"})
# Text that a function handing a parameter to a validating call holds (see _validated_params).
_VALIDATING_TEXT = ("validat", "load(", "is_valid(", "parse_obj(", "Form(", "Serializer(", "(**", "full_clean(",
                    "clean_fields(", "parse_raw(")


def _helper_facts(tree: ast.Module, names: Mapping[str, str], handlers: set[str], *,
                  validating: bool) -> tuple[HelperFact, ...]:
    """The module's functions a handler elsewhere may hand its request or body to: those taking a request-like
    parameter or reading Flask's context-local request (their features, with the module's own helpers they hand
    the request to, as a handler here would get them), and those handing a parameter to a validating call.
    Route handlers and Django function views are left out: the table reads a view's own fact."""
    context_here = names.get("request") in _CONTEXT_REQUESTS
    out: list[HelperFact] = []
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or stmt.name in handlers:
            continue
        args = stmt.args
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        if not params and not context_here:
            continue
        takes = any(p in _REQUEST_NAMES for p in params)
        context = context_here and "request" not in params and any(
            isinstance(n, ast.Name) and n.id == "request" for n in walked(stmt))
        validates = _validated_params(stmt, [p for p in params if p not in _REQUEST_NAMES]) if validating else ()
        if not (takes or context):
            if validates:
                out.append(HelperFact(stmt.name, params, validates=validates))
            continue
        token = _PROJECT_IMPORTS.set(None)  # one module away only: what it hands on elsewhere is not followed
        try:
            feats = _handler_features(stmt, "", set())
        finally:
            _PROJECT_IMPORTS.reset(token)
        out.append(HelperFact(
            stmt.name, params, takes, context, tuple(dict.fromkeys(feats.query)), tuple(dict.fromkeys(feats.headers)),
            tuple(sorted(set(feats.calls))), feats.body, feats.kind, validates))
    return tuple(out)


def _validated_params(func: ast.FunctionDef | ast.AsyncFunctionDef, params: list[str]) -> tuple[str, ...]:
    """Parameters handed, whole, to a validating call: ``Schema().load(data)``, ``validate(data, schema)``,
    ``Order(**data)``, ``OrderForm(data)``, ``OrderSerializer(data=data)``."""
    if not params:
        return ()
    wanted = set(params)
    out: set[str] = set()
    for node in walked(func):
        if not isinstance(node, ast.Call):
            continue
        name = call_name(node)
        unpacked = [k.value for k in node.keywords if k.arg is None]
        validating = name in _VALIDATING_CALLS or "validat" in name.lower() or name.endswith(("Form", "Serializer"))
        given = [*node.args, *(k.value for k in node.keywords if k.arg)] if validating else []
        if name[:1].isupper():
            given += unpacked  # Order(**data): the model's fields checked on construction
        out.update(v.id for v in given if isinstance(v, ast.Name) and v.id in wanted)
    return tuple(p for p in params if p in out)


_TOO_MANY_NEEDLES = AnyOf(("429", r"\b429\b"), ("TOO_MANY_REQUESTS", None), ("TooManyRequests", None))


def _hidden_aliases(source: SourceFile) -> set[int]:
    """``include_router(r, prefix="/latest", include_in_schema=False)`` beside ``include_router(r, prefix="/v1")``:
    a second mount of a router the file also mounts in the schema, kept out of the published API (the ids of
    those calls). A router mounted only hidden is still served, and still counts."""
    calls = [c for c in source.nodes(ast.Call) if isinstance(c, ast.Call) and call_name(c) == "include_router"
             and c.args and dotted(c.args[0])]
    shown = {dotted(c.args[0]) for c in calls if not _hidden(c)}
    return {id(c) for c in calls if _hidden(c) and dotted(c.args[0]) in shown}


def _hidden(call: ast.Call) -> bool:
    flag = _kw(call, "include_in_schema")
    return isinstance(flag, ast.Constant) and flag.value is False


def _ninja_url_aliases(source: SourceFile, owners: dict[str, OwnerFact], includes: list[IncludeFact]) -> None:
    """``urls = api.urls``: a django-ninja API's URL list under a name another module mounts
    (``path("v1/", v1_urls)``), so the name serves the API's routes."""
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        value = node.value
        if not (isinstance(value, ast.Attribute) and value.attr == "urls"):
            continue
        api = dotted(value.value)
        if api in owners and owners[api].kind == "NinjaAPI":
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id not in owners:
                    owners[target.id] = OwnerFact(target.id, "NinjaAPI", "", (), node.lineno)
                    includes.append(IncludeFact(target.id, api, line=node.lineno))


def _limiting_decorators(tree: ast.Module) -> tuple[str, ...]:
    """Module functions that wrap a view (a nested function) and answer 429 Too Many Requests themselves:
    ``if limiter.should_rate_limit_ip(ip): abort(429)`` inside an authorization decorator is a rate limit."""
    out = []
    for func in tree.body:
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if not any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in walked(func) if n is not func):
            continue
        if any(_answers_too_many(n) for n in walked(func)):
            out.append(func.name)
    return tuple(out)


LIMITED_OWNER = "@owner:"  # a limiters entry: a blueprint a limit applies to as a whole


def _limited_blueprints(source: SourceFile) -> tuple[str, ...]:
    """Flask-Limiter's ``limiter.limit("3/minute")(opds)``: every route of the blueprint is limited."""
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        inner = call.func
        if isinstance(inner, ast.Call) and call_name(inner) == "limit" and len(call.args) == 1 and dotted(call.args[0]):
            out.append(LIMITED_OWNER + dotted(call.args[0]).rpartition(".")[2])
    return tuple(out)


def _answers_too_many(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "TOO_MANY_REQUESTS":
        return True
    if isinstance(node, ast.Raise) and node.exc is not None:
        target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        return dotted(target).rpartition(".")[2] in ("TooManyRequests", "HTTPTooManyRequests", "Throttled")
    if isinstance(node, ast.Call):
        given = [*node.args[:1], *(k.value for k in node.keywords if k.arg in ("status", "status_code", "code"))]
        return any(isinstance(a, ast.Constant) and a.value == 429 for a in given) and (
            call_name(node) == "abort" or any(k.arg in ("status", "status_code") for k in node.keywords)
            or "Response" in call_name(node))
    return False


HTTP_METHODS_UPPER = frozenset(m.upper() for m in HTTP_METHODS) | {"*"}
PYRAMID_OWNER = "@pyramid"
PYRAMID_ROUTE = "@pyramid-route:"  # a constants entry: Pyramid route name -> its URL pattern
_PAGE_RENDERERS = (".html", ".jinja2", ".jinja", ".mak", ".mako", ".pt", ".txt")


def _pyramid_facts(source: SourceFile) -> tuple[list[RouteFact], tuple[tuple[str, str], ...]]:
    """Pyramid: ``config.add_route(name, pattern)`` declares a route by name, and ``@view_config(route_name=...)``
    (on a function, or on a method of a class with ``@view_defaults``) serves it; the table joins the two by name.
    A view's path is ``@pyramid:<route name>`` until then."""
    names: list[tuple[str, str]] = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) == "add_route" and _pyramid_route(call):
            name = _str(call.args[0])
            pattern = _str(call.args[1]) if len(call.args) > 1 else _str(_kw(call, "pattern"))
            if name and pattern is not None:
                names.append((PYRAMID_ROUTE + name, pattern if pattern.startswith("/") else "/" + pattern))
    routes: list[RouteFact] = []
    functions = {f.name: f for f in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef)
                 if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for call in source.nodes(ast.Call):  # config.add_view(metrics_view, route_name="metrics"): a view added by a call
        assert isinstance(call, ast.Call)
        route_name = _str(_kw(call, "route_name")) if call_name(call) == "add_view" and call.args else None
        view = functions.get(dotted(call.args[0])) if route_name else None
        if view is not None and route_name:
            for method in _pyramid_methods(_kw(call, "request_method")) or ("*",):
                routes.append(_make_route(view, "pyramid", method, "@pyramid:" + route_name, PYRAMID_OWNER, call.lineno,
                                          call.col_offset + 1, view.name))
    for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
        # view_config, or a project's own view decorator that passes route_name on (json_view, api_config)
        configs = [d for d in func.decorator_list if isinstance(d, ast.Call)
                   and (call_name(d) == "view_config" or _kw(d, "route_name") is not None)]
        if not configs:
            continue
        cls = source.parent(func)
        defaults = next((d for d in getattr(cls, "decorator_list", ()) if isinstance(d, ast.Call)
                         and call_name(d) == "view_defaults"), None) if isinstance(cls, ast.ClassDef) else None
        for config in configs:
            route_name = _str(_kw(config, "route_name")) or (_str(_kw(defaults, "route_name")) if defaults else None)
            if not route_name:
                continue
            renderer = _str(_kw(config, "renderer")) or (_str(_kw(defaults, "renderer")) if defaults else None) or ""
            kind = "api" if "json" in renderer or renderer == "string" else "page" if renderer.endswith(_PAGE_RENDERERS) else ""
            methods = _pyramid_methods(_kw(config, "request_method")) or (
                _pyramid_methods(_kw(defaults, "request_method")) if defaults else ()) or ("*",)
            handler = f"{cls.name}.{func.name}" if isinstance(cls, ast.ClassDef) else func.name
            for method in methods:
                fact = _make_route(func, "pyramid", method, "@pyramid:" + route_name, PYRAMID_OWNER, func.lineno,
                                   func.col_offset + 1, handler)
                routes.append(replace(fact, kind=kind or fact.kind))
    return routes, tuple(names)


def _pyramid_route(call: ast.Call) -> bool:
    """``config.add_route("legacy.api.json", "/pypi/{name}/json")``: a name, then a pattern, and no handler
    (Starlette's ``add_route(path, endpoint)`` starts with the path, aiohttp's with a method, and both pass one)."""
    first = _str(call.args[0]) if call.args else None
    has_pattern = len(call.args) == 2 or (len(call.args) == 1 and _kw(call, "pattern") is not None)
    return bool(first) and has_pattern and not first.startswith("/") \
        and first.upper() not in HTTP_METHODS_UPPER and _kw(call, "endpoint", "handler") is None


def _pyramid_methods(node: ast.AST | None) -> tuple[str, ...]:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return tuple(m.upper() for e in node.elts if (m := _str(e)))
    method = _str(node)
    return (method.upper(),) if method else ()


def _factories(tree: ast.Module, owners: Mapping[str, OwnerFact]) -> tuple[tuple[str, str], ...]:
    """Module functions that build a blueprint or router and return it (``make_blueprint()``)."""
    if not owners:
        return ()
    out = []
    for stmt in tree.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        built = {t.id for n in ast.walk(stmt) if isinstance(n, ast.Assign) for t in n.targets
                 if isinstance(t, ast.Name) and t.id in owners}
        returned = [n.value.id for n in ast.walk(stmt) if isinstance(n, ast.Return) and isinstance(n.value, ast.Name)
                    and n.value.id in built]
        if returned:
            out.append((stmt.name, returned[0]))
    return tuple(out)


def _loop_bindings(source: SourceFile) -> dict[tuple[int, str], list[tuple[str, str | None]]]:
    """``for r in [a.router, b.router]: app.include_router(r)``: what the loop variable stands for, per call."""
    tree = source.tree
    assert tree is not None
    lists = {dotted(t): stmt.value for stmt in tree.body if isinstance(stmt, ast.Assign)
             and isinstance(stmt.value, (ast.List, ast.Tuple)) for t in stmt.targets}
    out: dict[tuple[int, str], list[tuple[str, str | None]]] = {}
    for loop in source.walk_order(ast.For, ast.AsyncFor):
        assert isinstance(loop, (ast.For, ast.AsyncFor))
        items = loop.iter if isinstance(loop.iter, (ast.List, ast.Tuple)) else lists.get(dotted(loop.iter))
        if items is None:
            if isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Name):
                # for bp in blueprints: app.register_blueprint(bp, url_prefix=...) over a list passed in:
                # the blueprints registered nowhere else
                for call in walk(loop):
                    if isinstance(call, ast.Call) and call.args and dotted(call.args[0]) == loop.target.id \
                            and call_name(call) in ("register_blueprint", "include_router"):
                        out[(id(call), loop.target.id)] = [("*", None)]
            continue
        if isinstance(loop.target, ast.Name):
            var, prefix_var = loop.target.id, ""
            bound = [(dotted(e), None) for e in items.elts if dotted(e)]
        elif isinstance(loop.target, ast.Tuple) and len(loop.target.elts) == 2 and all(
                isinstance(e, ast.Name) for e in loop.target.elts):
            first, second = loop.target.elts
            assert isinstance(first, ast.Name) and isinstance(second, ast.Name)
            var, prefix_var, bound = first.id, second.id, []
            for elt in items.elts:
                if isinstance(elt, (ast.Tuple, ast.List)) and len(elt.elts) == 2 and dotted(elt.elts[0]):
                    bound.append((dotted(elt.elts[0]), _path_expr(elt.elts[1])))
        else:
            continue
        for call in walk(loop):
            if isinstance(call, ast.Call) and call.args and dotted(call.args[0]) == var:
                prefix_node = _kw(call, "prefix", "url_prefix")
                uses_var = prefix_var and isinstance(prefix_node, ast.Name) and prefix_node.id == prefix_var
                out[(id(call), var)] = [(t, p if uses_var else None) for t, p in bound]
    return out


_RULE_KEYWORDS = ("routes", "rules", "urls", "paths", "rule", "url")


def _wrapped_url_rules(
    source: SourceFile, owners: Mapping[str, OwnerFact], functions: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef],
) -> list[RouteFact]:
    """A project helper that hands ``add_url_rule`` its arguments: ``register_view(bp, routes=["/forum/<int:id>",
    ...], view_func=ViewForum.as_view("view_forum"))``. Flask's own ``view_func`` names the view, the blueprint
    or app declared in the module comes first, and the paths are literal."""
    out: list[RouteFact] = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        view = _kw(call, "view_func")
        if view is None or not call.args or call_name(call) == "add_url_rule":
            continue
        owner = dotted(call.args[0])
        if owner not in owners:
            continue
        given = _kw(call, *_RULE_KEYWORDS) or (call.args[1] if len(call.args) > 1 else None)
        nodes = list(given.elts) if isinstance(given, (ast.List, ast.Tuple)) else [given] if given is not None else []
        paths = [p for n in nodes if (p := _str(n)) is not None and p.startswith("/")]
        if not paths or len(paths) != len(nodes):
            continue
        handler, func, methods = _view_of(call, view, functions)
        out.extend(_make_route(func, "flask", m, path, owner, call.lineno, call.col_offset + 1, handler)
                   for path in paths for m in methods)
    return out


def _register_helpers(
    source: SourceFile, owners: Mapping[str, OwnerFact], functions: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef],
    names: Mapping[str, str],
) -> list[RouteFact]:
    """Flask's documented ``register_api(view, endpoint, url, pk="id")``: a module function whose ``add_url_rule``
    calls build each rule from its parameters (``"%s/<%s:%s>" % (url, pk_type, pk)``, ``view.as_view(endpoint)``),
    called with the class and the path: each call registers those rules for that class. flask-smorest's
    ``Blueprint.add_url_rule`` also takes the class itself (``view_func=resource``) and makes its view, so a
    parameter handed straight through names the class too. The blueprint is the module's or one it imports
    (``from .blueprint import api_blueprint``), or a parameter of the helper bound at each call."""
    helpers: dict[str, list[ast.Call]] = {}
    for name, func in functions.items():
        params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
        rules = [c for c in walked(func) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
                 and c.func.attr == "add_url_rule" and ((owner := dotted(c.func.value)) in owners
                                                        or owner.partition(".")[0] in {*names, *params})]
        if rules:
            helpers[name] = rules
    if not helpers:
        return []
    # view_func = view.as_view(endpoint): the calls each helper names, read once per helper
    assigned = {name: {t.id: n.value for n in ast.walk(functions[name]) if isinstance(n, ast.Assign)
                       and isinstance(n.value, ast.Call) for t in n.targets if isinstance(t, ast.Name)}
                for name in helpers}
    out: list[RouteFact] = []
    for call in source.nodes(ast.Call):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in helpers):
            continue
        env = _bound_arguments(functions[call.func.id], call)
        views = assigned[call.func.id]
        for rule in helpers[call.func.id]:
            path = _bound_text(rule.args[0] if rule.args else _kw(rule, "rule"), env)
            view = rule.args[2] if len(rule.args) > 2 else _kw(rule, "view_func")
            view = views.get(view.id, view) if isinstance(view, ast.Name) else view
            if path is None or not path.startswith("/"):
                continue
            if isinstance(view, ast.Call) and call_name(view) == "as_view" and isinstance(view.func, ast.Attribute):
                handler = env.get(dotted(view.func.value) or "", "")
            elif isinstance(view, ast.Name) and view.id in env:  # view_func=resource: the class handed through
                handler = env[view.id]
                if not (isinstance(handler, ast.AST) and dotted(handler).rpartition(".")[2][:1].isupper()):
                    continue  # a class (by Python's naming), not a function the helper is handed
            else:
                continue
            if not isinstance(handler, ast.AST) or not dotted(handler):
                continue
            owner = dotted(rule.func.value)
            head, dot, rest = owner.partition(".")
            if owner not in owners and isinstance(env.get(head), ast.AST):  # register(bp, ...): the blueprint given
                owner = dotted(env[head]) + dot + rest
                if not owner or owner.startswith("."):
                    continue
            methods = [m for m in _methods_kw(rule, ("*",)) if m not in ("OPTIONS", "HEAD")]
            route = _make_route(None, "flask", "*", path, owner, call.lineno, call.col_offset + 1, dotted(handler))
            if methods != ["*"]:  # methods=[...]: the class answers those it defines (others get 405)
                route = replace(route, calls=(METHODS_LIMIT + ",".join(methods),))
            out.append(route)
    return out


def _bound_arguments(func: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call) -> dict[str, Any]:
    """The function's parameters bound to one call's arguments: literal text, or the expression given."""
    params = [*func.args.posonlyargs, *func.args.args]
    defaults = dict(zip([p.arg for p in params[len(params) - len(func.args.defaults):]], func.args.defaults, strict=True))
    env: dict[str, Any] = {}
    for param, value in [*zip([p.arg for p in params], call.args, strict=False),
                         *((k.arg, k.value) for k in call.keywords if k.arg)]:
        env[param] = value
    for param, value in defaults.items():
        env.setdefault(param, value)
    return {k: (text if (text := _str(v)) is not None else v) for k, v in env.items()}


def _bound_text(node: ast.AST | None, env: Mapping[str, Any]) -> str | None:
    """A string the helper builds from literals and its bound parameters, or None."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        value = env.get(node.id)
        return value if isinstance(value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _bound_text(node.left, env), _bound_text(node.right, env)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        template = _bound_text(node.left, env)
        items = node.right.elts if isinstance(node.right, ast.Tuple) else [node.right]
        values = [_bound_text(i, env) for i in items]
        if template is None or any(v is None for v in values):
            return None
        try:
            return template % tuple(values)
        except (TypeError, ValueError):
            return None
    if isinstance(node, ast.JoinedStr):
        parts = [_bound_text(v.value if isinstance(v, ast.FormattedValue) else v, env) for v in node.values]
        return "".join(p for p in parts if p is not None) if all(p is not None for p in parts) else None
    return None


def _pair_routes(tree: ast.Module, owners: Mapping[str, OwnerFact]) -> list[RouteFact]:
    """Route tables as data: ``routes = [("/orders", Orders), ...]`` handed to a helper with a blueprint or Api,
    or registered in a loop (``for path, resource in routes: api.add_resource(resource, path)``)."""
    pairs: dict[str, list[tuple[str, str, int, int]]] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.List, ast.Tuple)) and stmt.value.elts:
            found = []
            for elt in stmt.value.elts:
                if isinstance(elt, ast.Tuple) and len(elt.elts) >= 2 and (path := _str(elt.elts[0])) is not None \
                        and path.startswith("/") and dotted(elt.elts[1]):
                    found.append((path, dotted(elt.elts[1]), elt.lineno, elt.col_offset + 1))
            if found and len(found) == len(stmt.value.elts):
                for target in stmt.targets:
                    pairs[dotted(target)] = found
    if not pairs:
        return []
    out: list[RouteFact] = []
    used: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        owner, table = "", ""
        if isinstance(node, ast.Call):
            args = [dotted(a) for a in [*node.args, *(k.value for k in node.keywords)]]
            table = next((a for a in args if a in pairs), "")
            owner = next((a for a in args if a in owners), "")
        elif isinstance(node, (ast.For, ast.AsyncFor)) and dotted(node.iter) in pairs:
            table = dotted(node.iter)
            owner = next((dotted(c.func.value) for c in ast.walk(node) if isinstance(c, ast.Call)
                          and isinstance(c.func, ast.Attribute) and (c.func.attr == "add_url_rule"
                                                                     or _RESOURCE_ADDERS.match(c.func.attr))), "")
        if table and owner and (owner, table) not in used:
            used.add((owner, table))
            out.extend(RouteFact("flask", "*", path, owner, handler, line, col,
                                 path_params=tuple(sorted(_path_params(path))))
                       for path, handler, line, col in pairs[table])
    return out


def _list_wrapper(fields: list[str], lists: list[str]) -> bool:
    """A model that wraps a list: one list beside paging figures only ({users: [...], total, next}), or an
    envelope's list ({data: [...]}). A record with an id, or with one list among its own properties (an
    organisation's collection ids, a task's logs, a criterion's patterns beside its thresholds), is one item;
    so is a document with several lists of its parts (a bundle's policy_modules and data_modules)."""
    if not lists or any(f.lower() in _IDENTITY_FIELDS for f in fields):
        return False
    if any(name in _ENVELOPE_KEYS for name in lists):
        return True
    return len(lists) == 1 and all(_paging_field(f) for f in fields if f not in lists)


def _named_for(path: str, cls: ClassFact) -> bool:
    """A route named for the one list its model holds beside other properties: ``GET /runs/{id}/tags`` answering
    ``{workflow_id, tags: [...]}``, ``/heal_episodes`` answering ``{episodes: [...], summary}``."""
    field = next((v for k, v in cls.attrs if k == "@lists"), "")
    last = next((s for s in reversed(path.strip("/").split("/")) if s and not _is_param(s)), "")
    field, last = re.sub(r"[^a-z0-9]", "", field.lower()), re.sub(r"[^a-z0-9]", "", last.lower())
    return len(field) > 2 and len(last) > 2 and (last.endswith(field) or field.endswith(last))


def _paging_field(name: str) -> bool:
    """A figure about a list's pages: ``total``, ``next_cursor``, ``articles_count``, ``totalItems``."""
    name = name.replace("_", "").lower()
    return name in _PAGING_FIELDS or name.endswith("count") or name.startswith("total")


REPLAYS = "@replays"  # a ClassFact attribute: the Blueprint subclass replays routes stored under this attribute
RECORDED = "@recorded:"  # a calls entry: the route decorator (as written) whose arguments a method stores


def _replayed_attribute(init: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """A Blueprint subclass whose ``__init__`` replays routes its methods stored: it reads a literal attribute
    of each member (``getattr(fn, "_routing_data", [])``) and hands what it holds to its own ``route``
    (``self.route(*rd.args, **rd.kwargs)(fn)``). The attribute, or '' when the method does not do both."""
    replays = stored = ""
    for node in walked(init):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Call):
            inner = node.func
            if isinstance(inner.func, ast.Attribute) and inner.func.attr == "route" \
                    and isinstance(inner.func.value, ast.Name) and inner.func.value.id == "self" \
                    and (any(isinstance(a, ast.Starred) for a in inner.args) or any(k.arg is None for k in inner.keywords)):
                replays = "route"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" \
                and len(node.args) >= 2 and (name := _str(node.args[1])) is not None:
            stored = stored or name
    return stored if replays else ""


def _route_recorders(tree: ast.Module) -> tuple[tuple[str, str], ...]:
    """Module functions that make a decorator storing their own arguments on the function it decorates
    (``def route(*args, **kwargs): def wrap(fn): setattr(fn, "_routing_data", [..., (args, kwargs)]); return fn``):
    (function, attribute). Nothing is served by the decorator itself; a class that replays the attribute serves it."""
    out = []
    for stmt in tree.body:
        if not isinstance(stmt, ast.FunctionDef):
            continue
        params = {a.arg for a in (*stmt.args.posonlyargs, *stmt.args.args, *stmt.args.kwonlyargs)}
        params |= {a.arg for a in (stmt.args.vararg, stmt.args.kwarg) if a is not None}
        returned = {r.value.id for r in stmt.body if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)}
        for inner in stmt.body:
            if not (isinstance(inner, ast.FunctionDef) and inner.name in returned and len(inner.args.args) == 1):
                continue
            fn = inner.args.args[0].arg
            nodes = list(walked(inner))
            if not any(isinstance(r, ast.Return) and isinstance(r.value, ast.Name) and r.value.id == fn for r in nodes):
                continue  # the decorated function comes back as it was, only marked
            if not any(isinstance(n, ast.Name) and n.id in params for n in nodes):
                continue  # what it stores is the decorator's arguments
            for node in nodes:
                attr = ""
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr" \
                        and len(node.args) == 3 and isinstance(node.args[0], ast.Name) and node.args[0].id == fn:
                    attr = _str(node.args[1]) or ""
                elif isinstance(node, ast.Assign):
                    attr = next((t.attr for t in node.targets if isinstance(t, ast.Attribute)
                                 and isinstance(t.value, ast.Name) and t.value.id == fn), "")
                if attr:
                    out.append((stmt.name, attr))
                    break
    return tuple(out)


def _recorded_routes(
    tree: ast.Module, names: Mapping[str, str],
) -> tuple[list[tuple[RouteFact, OwnerFact]], list[tuple[str, str]]]:
    """Methods of a module class decorated with a bare function call given a path (``@route("/<id>",
    methods=["GET"])``, the function imported or the module's own): candidate routes of the class as a
    blueprint, under the ``url_prefix`` its ``__init__`` hands its base (``super().__init__("tags", __name__,
    url_prefix="/tags")``). Each is marked with the decorator; the table keeps it only when the decorator
    stores its arguments and a Blueprint class the class extends replays them. Calling the class builds the
    blueprint (``app.register_blueprint(TagsModule(db))``)."""
    module_functions = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    out: list[tuple[RouteFact, OwnerFact]] = []
    made: list[tuple[str, str]] = []
    for cls in tree.body:
        if not (isinstance(cls, ast.ClassDef) and cls.bases):
            continue
        found = []
        for func in cls.body:
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for deco in func.decorator_list:
                if not (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Name)
                        and (deco.func.id in names or deco.func.id in module_functions)):
                    continue
                path = _str(deco.args[0] if deco.args else _kw(deco, "rule"))
                if path is None or not path.startswith("/"):
                    continue
                for method in _methods_kw(deco, ("GET",)):
                    if method in ("HEAD", "OPTIONS"):
                        continue
                    route = _make_route(func, "flask", method, path, cls.name, func.lineno, func.col_offset + 1,
                                        func.name)
                    found.append(replace(route, calls=(*route.calls, RECORDED + deco.func.id)))
        if not found:
            continue
        init = next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None)
        prefix = ""
        for call in walked(init) if init is not None else ():
            if isinstance(call, ast.Call) and call_name(call) == "__init__" and _kw(call, "url_prefix") is not None:
                prefix = _path_expr(_kw(call, "url_prefix"))
                break
        owner = OwnerFact(cls.name, "Blueprint", prefix, (), cls.lineno)
        out.extend((route, owner) for route in found)
        made.append((cls.name, cls.name))
    return out, made


def _classes(source: SourceFile) -> tuple[ClassFact, ...]:
    out = []
    replay_needle = "self.route(" in source.text
    fields_here = bool(source.imports & _WEBARGS_MODULES)
    for cls in source.walk_order(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        attrs: list[tuple[str, str]] = []
        fields: list[str] = []
        lists: list[str] = []  # fields typed as lists
        methods = []
        eve: list[str] = []
        query: list[str] = []
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and target.id in _CLASS_ATTRS:
                        attrs.append((target.id, _attr_value(stmt.value)))
                    if isinstance(target, ast.Name) and target.id in ("http_method_names", "methods") \
                            and isinstance(stmt.value, (ast.List, ast.Tuple)):
                        allowed = [_str(e) for e in stmt.value.elts]
                        if all(isinstance(m, str) for m in allowed):  # the methods a view answers at all
                            attrs.append(("@methods", ",".join(str(m).upper() for m in allowed)))
                    if isinstance(target, ast.Name) and target.id in _EVE_RESOURCE_KEYS:
                        eve.append(_eve_setting(target.id, stmt.value))
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                fields.append(stmt.target.id)
                if _shape(stmt.annotation) == "list":
                    lists.append(stmt.target.id)
                if stmt.target.id in _CLASS_ATTRS and stmt.value is not None:
                    attrs.append((stmt.target.id, _attr_value(stmt.value)))
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                methods.append(stmt.name)
                if stmt.name in ("get_queryset", "filter_queryset", "list"):
                    feats = _handler_features(stmt, "django", set())
                    query.extend(feats.query)
                    if stmt.name == "list":  # a viewset's list action: another service's list, or a fixed table's
                        attrs.extend(("@list", mark) for mark in ("@proxy", "@enumeration") if mark in feats.calls)
                    if "@capped" in feats.calls:  # get_queryset() returning rows[:settings.LIST_LIMIT]: bounded
                        attrs.append(("@list", "@capped"))
                    # list(self, request): return list_endpoint(request): what another module's function reads
                    attrs.extend((HELPER, c) for c in feats.calls if c.startswith(HELPER))
                if stmt.name in _CLASS_ATTRS and any(dotted(d) == "property" for d in stmt.decorator_list):
                    attrs.append((stmt.name, "set"))  # @property def pagination_class(self): chosen per request
                if stmt.name == "__init__":
                    fields.extend(_query_like(stmt.args))
                    if replay_needle and (stored := _replayed_attribute(stmt)):
                        attrs.append((REPLAYS, stored))
        bases = tuple(_base(b) for b in cls.bases if _base(b))
        if eve and not set(methods) & set(HTTP_METHODS):  # an Eve resource declares settings, not handlers
            eve.insert(0, "eve:class")
        else:
            eve = []
        listy = _list_wrapper(fields, lists)
        if not listy and len(lists) == 1 and not any(f.lower() in _IDENTITY_FIELDS for f in fields):
            attrs.append(("@lists", lists[0]))  # {workflow_id, tags: [...]}: a list when the route is named for it
        out.append(ClassFact(cls.name, bases, tuple(attrs), tuple(fields), listy, tuple(methods), cls.lineno, tuple(eve),
                             tuple(dict.fromkeys(query)), _class_fieldsets(cls) if fields_here else ()))
    return tuple(out)



def _class_fieldsets(cls: ast.ClassDef) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Class attributes holding a dict of webargs fields, assigned or returned by a property
    (``args = utils.extend(args.paging, args.candidate_list)``): what flask-apispec's ``Ref("args")`` reads."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for stmt in cls.body:
        value: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.FunctionDef) and any(dotted(d) == "property" for d in stmt.decorator_list) \
                and len(stmt.body) >= 1 and isinstance(stmt.body[-1], ast.Return):
            name, value = stmt.name, stmt.body[-1].value
        if value is None or not isinstance(value, (ast.Dict, ast.Call, ast.BinOp, ast.Name, ast.Attribute)) \
                or _class_like(dotted(value)) or (isinstance(value, ast.Call) and _class_like(dotted(value.func))):
            continue
        tokens = _fieldset_tokens(value)
        if tokens is not None and (tokens or isinstance(value, ast.Dict)):
            out.append((name, tuple(tokens)))
    return tuple(out)


# -- GraphQL: one endpoint, a schema of fields ----------------------------------------------------------

_GQL_KWARGS_NOT_ARGS = frozenset({"description", "required", "resolver", "default_value", "name", "deprecation_reason",
                                  "source", "args", "permission_classes", "graphql_type", "max_limit",
                                  "enforce_first_or_last"})
_GQL_RAW_TYPES = frozenset({"GenericScalar", "JSONString", "JSON", "JSONScalar", "Any"})
_GQL_VALIDATING_MUTATIONS = frozenset({"SerializerMutation", "DjangoModelFormMutation", "DjangoFormMutation"})
_GQL_CONNECTION = lazy_compile(r"Connection(Field)?$")


def _graphql_facts(tree: ast.Module, imports: frozenset[str], owners: Mapping[str, OwnerFact]) -> list[RouteFact]:
    """The GraphQL endpoint where it is mounted, and the schema's query and mutation fields as pseudo-routes
    (``QUERY /graphql/users``, ``MUTATION /graphql/createUser``): lists paged by connections, inputs typed by
    the schema. graphene and strawberry classes, ariadne SDL strings."""
    if not {"graphene", "strawberry", "ariadne", "graphql", "graphene_django", "strawberry_django"} & imports:
        return []
    out: list[RouteFact] = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        name, owner = call.func.attr, dotted(call.func.value)
        target = call.args[1] if name in ("mount", "add_route") and len(call.args) > 1 else (
            call.args[0] if name == "include_router" and call.args else None)
        if isinstance(target, ast.Call) and "graphql" in call_name(target).lower() and owner:
            path = _path_expr(call.args[0]) if name != "include_router" else _path_expr(_kw(call, "prefix"))
            out.append(RouteFact(_framework_for(owner, "", owners, imports) or "starlette", "POST", path or "/graphql",
                                 owner, call_name(target), call.lineno, call.col_offset + 1, calls=("@graphql",),
                                 kind="api"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            out.extend(_graphql_class(node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                "type Query" in node.value or "type Mutation" in node.value):
            out.extend(_graphql_sdl(node.value, node.lineno))
    return out


def _gql_fact(method: str, field_name: str, node: ast.AST, *, shape: str = "", query: Iterable[str] = (),
              body: str = "", calls: tuple[str, ...] = ()) -> RouteFact:
    return RouteFact("graphql", method, f"/graphql/{field_name}", "@graphql", field_name, getattr(node, "lineno", 0),
                     getattr(node, "col_offset", 0) + 1, query_params=tuple(query), shape=shape, body=body, kind="api",
                     **({"calls": calls} if calls else {}))


def _gql_unbounded(call: ast.Call) -> bool:
    """A connection field whose maximum page size is switched off (``max_limit=None``)."""
    return any(k.arg == "max_limit" and isinstance(k.value, ast.Constant) and k.value.value is None for k in call.keywords)


def _graphql_class(cls: ast.ClassDef) -> list[RouteFact]:
    bases = {_base(b) for b in cls.bases}
    strawberry = any(dotted(d.func if isinstance(d, ast.Call) else d).startswith("strawberry") for d in cls.decorator_list)
    out: list[RouteFact] = []
    if bases & ({"Mutation", "ClientIDMutation"} | _GQL_VALIDATING_MUTATIONS):  # a graphene mutation class
        args = [s for s in cls.body if isinstance(s, ast.ClassDef) and s.name in ("Arguments", "Input")]
        types = {call_name(n.value) for a in args for n in a.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)}
        types |= {dotted(n.value.args[0]).rpartition(".")[2] for a in args for n in a.body if isinstance(n, ast.Assign)
                  and isinstance(n.value, ast.Call) and n.value.args}
        typed = bool(bases & _GQL_VALIDATING_MUTATIONS) or not types & _GQL_RAW_TYPES
        return [_gql_fact("MUTATION", cls.name, cls, body="model" if typed else "raw")]
    query_type = "Query" in cls.name and (bool(bases & {"ObjectType", "AbstractType"}) or strawberry)
    for stmt in cls.body:
        if query_type and isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) \
                and isinstance(stmt.targets[0], ast.Name):  # graphene: users = graphene.List(User, status=String())
            kind = call_name(stmt.value)
            inner = stmt.value.args[0] if stmt.value.args else None
            if kind in ("NonNull", "Field") and isinstance(inner, ast.Call):
                kind = call_name(inner)
            args = [k.arg for k in stmt.value.keywords if k.arg and k.arg not in _GQL_KWARGS_NOT_ARGS]
            if _GQL_CONNECTION.search(kind) and _gql_unbounded(stmt.value):
                # graphene-django's max_limit=None lifts the page cap (RELAY_CONNECTION_MAX_LIMIT): `first` is unbounded
                out.append(_gql_fact("QUERY", stmt.targets[0].id, stmt, shape="list", query=args, calls=("@unbounded",)))
            elif _GQL_CONNECTION.search(kind):
                out.append(_gql_fact("QUERY", stmt.targets[0].id, stmt, shape="list",
                                     query=["first", "after", "last", "before", *args]))
            elif kind == "List":
                out.append(_gql_fact("QUERY", stmt.targets[0].id, stmt, shape="list", query=args))
        elif strawberry and query_type and isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            shape = _gql_annotation(stmt.annotation)
            if shape:
                out.append(_gql_fact("QUERY", stmt.target.id, stmt, shape="list",
                                     query=["first", "after"] if shape == "connection" else []))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and strawberry:
            decos = {call_name(d) if isinstance(d, ast.Call) else dotted(d).rpartition(".")[2] for d in stmt.decorator_list}
            params = [a for a in [*stmt.args.args, *stmt.args.kwonlyargs] if a.arg not in ("self", "info", "root", "cls")]
            if "mutation" in decos:
                raw = any(dotted(a.annotation).rpartition(".")[2] in _GQL_RAW_TYPES for a in params if a.annotation)
                out.append(_gql_fact("MUTATION", stmt.name, stmt, body="raw" if raw else "model"))
            elif query_type and ("field" in decos or "connection" in decos):
                shape = "connection" if "connection" in decos else _gql_annotation(stmt.returns)
                if shape:
                    query = [a.arg for a in params] + (["first", "after"] if shape == "connection" else [])
                    out.append(_gql_fact("QUERY", stmt.name, stmt, shape="list", query=query))
    return out


def _gql_annotation(node: ast.AST | None) -> str:
    """'connection', 'list' or '' for a strawberry field's type."""
    if node is None:
        return ""
    text = ast.unparse(node)
    if re.search(r"Connection\b", text):
        return "connection"
    return "list" if _shape(node) == "list" else ""


_SDL_TYPE = lazy_compile(r"type\s+(Query|Mutation)\s*(?:@\w+\s*)*\{([^}]*)\}", re.DOTALL)
_SDL_FIELD = lazy_compile(r"^\s*(\w+)\s*(?:\(([^)]*)\))?\s*:\s*([\[\]\w!]+)", re.MULTILINE)


def _graphql_sdl(text: str, line: int) -> list[RouteFact]:
    """ariadne and schema-first servers: ``type Query { users(status: String): [User!]! }`` in a string."""
    out = []
    for kind, body in _SDL_TYPE.findall(text[:200_000]):
        for field_name, args, type_ in _SDL_FIELD.findall(body):
            names = [a.split(":")[0].strip() for a in args.split(",") if ":" in a]
            node = ast.Constant(value=None, lineno=line, col_offset=0)
            if kind == "Mutation":
                raw = any(re.search(r":\s*(JSON|GenericScalar|Any)\b", a) for a in args.split(","))
                out.append(_gql_fact("MUTATION", field_name, node, body="raw" if raw else ("model" if names else "")))
            elif type_.rstrip("!").endswith("Connection"):
                out.append(_gql_fact("QUERY", field_name, node, shape="list", query=["first", "after", *names]))
            elif type_.startswith("["):
                out.append(_gql_fact("QUERY", field_name, node, shape="list", query=names))
    return out


# -- Eve: resources declared as settings ------------------------------------------------------------

_EVE_RESOURCE_KEYS = frozenset({"schema", "datasource", "resource_methods", "item_methods", "url", "pagination",
                                "allowed_filters", "sorting", "item_url", "internal_resource"})
_EVE_GLOBALS = ("URL_PREFIX", "API_VERSION", "PAGINATION", "RESOURCE_METHODS", "ITEM_METHODS", "ALLOWED_FILTERS",
                "SORTING")
_APP_LISTS = ("CORE_APPS", "INSTALLED_APPS")  # Superdesk: the modules an application loads
# Eve's own rate limits, per method: (requests, seconds), kept in Redis, so they apply only when the app has one
_EVE_RATE_LIMITS = tuple(f"RATE_LIMIT_{method}" for method in ("GET", "POST", "PATCH", "PUT", "DELETE"))


_ENV_READERS = frozenset({"get", "getenv", "env", "config"})


def _eve_setting(key: str, value: ast.AST) -> str:
    """``eve:key=value``: a string, a list of strings joined by commas, True/False, else ``?`` (not literal).
    A setting read from the environment with a literal default (``os.environ.get("PREFIX", "api/v1")``)
    takes its default: what a deployment gets unless it says otherwise."""
    if isinstance(value, ast.Call) and call_name(value) in _ENV_READERS and len(value.args) >= 2 and \
            _str(value.args[1]) is not None:
        value = value.args[1]
    text = _str(value)
    if text is None and isinstance(value, ast.Constant) and isinstance(value.value, (bool, int)):
        text = str(value.value)
    if text is None and isinstance(value, (ast.List, ast.Tuple)):
        items = [_str(e) for e in value.elts]
        text = ",".join(i for i in items if i is not None) if all(i is not None for i in items) else None
    if text is None:
        text = "set" if key in ("schema", "datasource") else "?"
    return f"eve:{key}={text}"


def _no_value(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in (None, False, 0, "")


def _gives_eve_redis(source: SourceFile) -> bool:
    """The Eve application is given a Redis connection (``Eve(settings=..., redis=StrictRedis())``, or
    ``app.redis = redis.from_url(url)``): without one, Eve keeps no counts and its ``RATE_LIMIT_*`` do nothing."""
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call).endswith("Eve") and any(k.arg == "redis" and not _no_value(k.value) for k in call.keywords):
            return True
    return any(isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and any(
        isinstance(t, ast.Attribute) and t.attr == "redis" for t in node.targets) for node in source.nodes(ast.Assign))


def _eve_facts(source: SourceFile) -> tuple[list[RouteFact], list[str]]:
    """Eve resources and settings: ``DOMAIN = {"people": {...}}`` in a settings module, resource classes
    instantiated with their endpoint name (``BlogsResource("blogs", app=app, service=...)``) or registered
    (``register_resource("blogs", BlogsResource, ...)``), and the project-wide defaults they fall back on."""
    tree = source.tree
    assert tree is not None
    module_values = {t.id: stmt.value for stmt in module_statements(tree.body) if isinstance(stmt, ast.Assign)
                     for t in stmt.targets if isinstance(t, ast.Name)}
    routes: list[RouteFact] = []
    settings: list[str] = []
    domain = module_values.get("DOMAIN")
    eve_module = domain is not None or bool({"RESOURCE_METHODS", "ITEM_METHODS", "X_DOMAINS"} & set(module_values))
    if eve_module:
        settings.extend(_eve_setting(name, module_values[name]).replace("eve:", "EVE:", 1)
                        for name in _EVE_GLOBALS if name in module_values)
    apps = [module_values[n] for n in _APP_LISTS if n in module_values]
    if eve_module or ("URL_PREFIX" in module_values and apps):
        settings.extend(f"EVE:{name}={'off' if _no_value(module_values[name]) else 'on'}"
                        for name in _EVE_RATE_LIMITS if name in module_values)
    if "redis" in source.text and _gives_eve_redis(source):
        settings.append("EVE:REDIS=on")
    if "URL_PREFIX" in module_values and apps:
        # a Superdesk application's settings: its URL prefix serves the modules its app lists name
        settings.extend(_eve_setting(name, module_values[name]).replace("eve:", "APP:", 1)
                        for name in ("URL_PREFIX", "API_VERSION") if name in module_values)
        listed = [_str(e) for value in apps if isinstance(value, (ast.List, ast.Tuple)) for e in value.elts]
        settings.append("APP:APPS=" + ",".join(name for name in listed if name))
    if isinstance(domain, ast.Dict):
        for key, value in zip(domain.keys, domain.values, strict=True):
            name = _str(key)
            if isinstance(value, ast.Name):
                value = module_values.get(value.id)
            if name is None or not isinstance(value, ast.Dict):
                continue
            attrs = ["eve:domain"] + [_eve_setting(k, v) for k, v in
                                      ((_str(k) or "", v) for k, v in zip(value.keys, value.values, strict=True))
                                      if k in _EVE_RESOURCE_KEYS]
            routes.append(RouteFact("eve", "EVE", "/" + name, "@eve", "", key.lineno, key.col_offset + 1,
                                    calls=tuple(attrs), kind="api"))
    for func in [tree, *source.walk_order(ast.FunctionDef, ast.AsyncFunctionDef)]:
        body = func.body
        names: dict[str, str] = {}
        for stmt in body:  # in order: endpoint_name = "blogs"; BlogsResource(endpoint_name, app=app, ...)
            if isinstance(stmt, ast.Assign) and (text := _str(stmt.value)) is not None:
                names.update({t.id: text for t in stmt.targets if isinstance(t, ast.Name)})
            call = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
            if not isinstance(call, ast.Call) or not call.args:
                continue
            first = call.args[0]
            endpoint = _str(first) if not isinstance(first, ast.Name) else names.get(first.id)
            if endpoint is None:
                continue
            kind = call_name(call)
            if kind == "register_resource" and len(call.args) > 1 and dotted(call.args[1]):
                cls = dotted(call.args[1])
            elif kind.endswith("Resource") and kind[:1].isupper() and {k.arg for k in call.keywords} & {"app", "service"}:
                cls = dotted(call.func)
            else:
                continue
            routes.append(RouteFact("eve", "EVE", "/" + endpoint, "@eve", cls, call.lineno, call.col_offset + 1,
                                    kind="api"))
    return routes, settings



def _attr_value(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    if isinstance(node, (ast.List, ast.Tuple)) and not node.elts:
        return "[]"
    return "set"


def _constants(tree: ast.Module) -> tuple[tuple[str, str], ...]:
    """String constants a path may be built from: module level and class level (settings defaults)."""
    out = []
    bodies = [tree.body, *(c.body for c in tree.body if isinstance(c, ast.ClassDef))]
    for body in bodies:
        for stmt in body:
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            text = _str(value)
            if isinstance(value, ast.Constant) and type(value.value) is int and any(
                    "VERSION" in dotted(t).upper() for t in getattr(stmt, "targets", [getattr(stmt, "target", None)])):
                text = str(value.value)  # API_VERSION = 1
            elif text is None or len(text) > 100 or not text.startswith("/"):
                continue  # only what can be a path or a prefix
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # type: ignore[union-attr]
            out.extend((t.id, text) for t in targets if isinstance(t, ast.Name))
    return tuple(out)


LIST_ALIAS = "@list"


def _dependency_aliases(tree: ast.Module) -> tuple[tuple[str, str], ...]:
    """Type aliases that carry a dependency: ``Common = Annotated[dict, Depends(common_parameters)]``, and those
    that name a list (``ExportsResponse = list[ExportModel]``, as ``LIST_ALIAS``)."""
    out = []
    for stmt in tree.body:
        target, value = None, None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        if isinstance(target, ast.Name) and isinstance(value, ast.Subscript) and _annotation_kind(value) == "depends":
            found = _depends_names(value)
            if found and found[0] != "Depends":
                out.append((target.id, found[0]))
        elif isinstance(target, ast.Name) and target.id[:1].isupper() and isinstance(value, ast.Subscript) \
                and _shape(value) == "list":
            out.append((target.id, LIST_ALIAS))  # ExportsResponse = list[ExportModel]: a response model that is a list
    return tuple(out)


_SIGNATURE_CALL = lazy_compile(r"signature|compare_digest", re.IGNORECASE)
_HELPER_DEPTH = 3


def _signature_helpers(tree: ast.Module) -> set[str]:
    """Module functions that check a payload's signature, themselves or through other functions of the module."""
    calls = {stmt.name: {call_name(c) for c in ast.walk(stmt) if isinstance(c, ast.Call)}
             for stmt in tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))}
    signing = {name for name, called in calls.items() if any(_SIGNATURE_CALL.search(c) for c in called)}
    for _ in range(_HELPER_DEPTH):
        more = {name for name, called in calls.items() if name not in signing and called & signing}
        if not more:
            break
        signing |= more
    return signing


def _mark_signed(tree: ast.Module, routes: list[RouteFact]) -> list[RouteFact]:
    """A handler that verifies the caller's signature through a helper (``get_handler(body)`` -> ``verifier
    .is_valid_request``) or a dependency is an inbound webhook, like one that checks it inline."""
    signing = _signature_helpers(tree)
    if not signing:
        return routes
    return [replace(r, calls=(*r.calls, "@signed"))
            if "@signed" not in r.calls and (set(r.calls) | set(r.dependencies)) & signing else r for r in routes]


_SUB_DEPENDENCY = "@dep:"  # among a callable's parameters: a dependency it has in turn (``Depends(get_pagination)``)


def _callables(tree: ast.Module) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Functions with the query parameters they would take as FastAPI dependencies (scalars, ``Query()``) and
    the dependencies they declare in turn; a class whose instances are dependencies (``Depends(Ordering())``)
    takes those of its ``__call__``, under the name ``Ordering()``."""
    out = []

    def params(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
        subs = [f"{_SUB_DEPENDENCY}{name}" for d in [*func.args.defaults, *func.args.kw_defaults] if d is not None
                for name in _depends_names(d)]
        return tuple([*_query_like(func.args), *subs])

    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            # a dependency factory (returns an inner function): its parameters are not the request's
            factory = any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) for s in stmt.body)
            out.append((stmt.name, () if factory else params(stmt)))
        elif isinstance(stmt, ast.ClassDef):
            call = next((m for m in stmt.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and m.name == "__call__"), None)
            if call is not None:
                out.append((f"{stmt.name}()", params(call)))
            elif any(_base(b).endswith("Schema") for b in stmt.bases) and (declared := _schema_fields(stmt)):
                out.append((stmt.name, declared))  # a marshmallow schema a route reads its query string with
    parsers: dict[str, list[str]] = {}  # parser = RequestParser(); parser.add_argument("page", ...)
    for stmt in tree.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and call_name(call) == "add_argument" and isinstance(call.func, ast.Attribute) \
                and isinstance(call.func.value, ast.Name) and call.args and (arg := _str(call.args[0])):
            parsers.setdefault(call.func.value.id, []).append(arg.lstrip("-"))
    out.extend((name, tuple(args)) for name, args in parsers.items())
    return tuple(out)


def _schema_fields(cls: ast.ClassDef) -> tuple[str, ...]:
    """A marshmallow schema's own fields (``page = fields.Integer(...)``), by the name the client sends
    (``data_key``)."""
    out = []
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name) and "fields." in f"{dotted(stmt.value.func)}":
            out.append(_str(_kw(stmt.value, "data_key")) or stmt.targets[0].id)
    return tuple(out)


def _query_like(args: ast.arguments) -> list[str]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = []
    for arg, default in [*zip(positional, defaults, strict=True), *zip(args.kwonlyargs, args.kw_defaults, strict=True)]:
        if arg.arg in ("self", "cls", "request"):
            continue
        default_call = call_name(default) if isinstance(default, ast.Call) else ""
        kind = _annotation_kind(arg.annotation)
        if default_call == "Query" or kind == "query" or (kind == "scalar" and default is not None and not default_call):
            out.append(arg.arg)
    return out


def _drf_settings(tree: ast.Module) -> tuple[str, ...]:
    """Keys of a ``REST_FRAMEWORK = {...}`` settings dict that are set (DRF's project-wide defaults)."""
    out = []
    # at module level, or in a settings class (django-configurations: class CommunitySettings(Settings))
    body = [*tree.body, *(s for c in tree.body if isinstance(c, ast.ClassDef) for s in c.body)]
    for stmt in body:
        if isinstance(stmt, ast.Assign) and any(dotted(t) == "REST_FRAMEWORK" for t in stmt.targets) \
                and isinstance(stmt.value, ast.Dict):
            for key, value in zip(stmt.value.keys, stmt.value.values, strict=True):
                name = _str(key)
                if name and _attr_value(value) == "set" and not (name == "DEFAULT_FILTER_BACKENDS" and _filter_by_view(value)):
                    out.append(name)
    return tuple(out)


# django-filter's backend filters on a view's filterset_fields or filterset_class, DRF's SearchFilter on its
# search_fields: as the project's defaults they filter nothing a view does not name (OrderingFilter does:
# with no ordering_fields it sorts on any field the serializer reads)
_VIEW_FIELD_BACKENDS = ("DjangoFilterBackend", "SearchFilter")


def _filter_by_view(value: ast.AST) -> bool:
    """Default filter backends that each filter only on fields a view names."""
    if not isinstance(value, (ast.List, ast.Tuple)):
        return False
    names = [_str(e) or dotted(e) or "" for e in value.elts]
    return all(n.rpartition(".")[2] in _VIEW_FIELD_BACKENDS for n in names)


def _framework_for(owner: str, kind_hint: str, owners: Mapping[str, OwnerFact], imports: frozenset[str]) -> str:
    if owner in owners:
        return _OWNER_KINDS[owners[owner].kind]
    if kind_hint == "route":
        return "flask" if "flask" in imports or "quart" in imports else ""
    if kind_hint == "api_route":
        return "fastapi"
    if "fastapi" in imports:
        return "fastapi"
    if "ninja" in imports and kind_hint in HTTP_METHODS:
        return "ninja"  # @router.get("/orders") on a django-ninja Router another module of the package makes
    if "flask" in imports:
        return "flask"
    if "aiohttp" in imports:
        return "aiohttp"  # @routes.get("/clients") with routes = web.RouteTableDef() imported from the package's base
    return ""


def _make_route(
    func: ast.FunctionDef | ast.AsyncFunctionDef | None, framework: str, method: str, path: str, owner: str,
    line: int, column: int, handler: str, extra_deps: Iterable[str] = (), shape: str = "", model: str = "",
) -> RouteFact:
    params = _path_params(path)
    if func is None:
        return RouteFact(framework, method, path, owner, handler, line, column, path_params=tuple(sorted(params)),
                         dependencies=tuple(extra_deps), shape=shape)
    feats = _handler_features(func, framework, params)
    shape = shape or _shape(func.returns)
    return RouteFact(
        framework, method, path, owner, handler or func.name, line, column,
        query_params=tuple(dict.fromkeys(feats.query)), path_params=tuple(sorted(params)),
        headers=tuple(dict.fromkeys(feats.headers)), decorators=_decorator_names(func),
        dependencies=tuple(dict.fromkeys([*feats.depends, *extra_deps])), body=feats.body,
        shape=shape, calls=tuple(sorted(set(feats.calls))), kind=feats.kind,
        model=model or (_model_class(func.returns) if shape == "item" and func.returns is not None else ""),
    )


def _decorator_routes(
    func: ast.FunctionDef | ast.AsyncFunctionDef, deco: ast.expr, owners: Mapping[str, OwnerFact],
    imports: frozenset[str],
) -> list[RouteFact]:
    if not (isinstance(deco, ast.Call) and isinstance(deco.func, ast.Attribute)):
        return []
    attr = deco.func.attr
    if attr not in (*HTTP_METHODS, "route", "api_route"):
        return []
    owner = dotted(deco.func.value)
    if not owner:
        return []
    framework = _framework_for(owner, attr, owners, imports)
    if not framework:
        return []
    path = _path_expr(deco.args[0] if deco.args else _kw(deco, "path", "rule"))
    if attr in HTTP_METHODS:
        methods: tuple[str, ...] = (attr.upper(),)
    else:
        methods = _methods_kw(deco, ("GET",))
    extra = _depends_names(_kw(deco, "dependencies"))
    response_model = _kw(deco, "response_model")
    if framework == "ninja":
        path = _NINJA_CONVERTER.sub(r"{\1}", path)  # "/{int:pk}": Django's converter before the name
        response_model = _ninja_response(_kw(deco, "response"))
    shape = _shape(response_model)
    if framework == "ninja" and any("paginat" in d.lower() for d in _decorator_names(func)):
        shape = "page"  # @paginate(LimitOffsetPagination): the list comes back one page at a time
    model = _model_class(response_model) if shape == "item" and response_model is not None else ""
    return [
        _make_route(func, framework, m, path, owner, func.lineno, func.col_offset + 1, func.name, extra, shape, model)
        for m in methods
    ]


_NINJA_CONVERTER = lazy_compile(r"\{\w+:(\w+)\}")


def _ninja_response(node: ast.expr | None) -> ast.expr | None:
    """The success schema of a django-ninja ``response=``: the schema itself, or the 200 entry of
    ``{200: List[Order], 404: Message}``."""
    if isinstance(node, ast.Dict):
        return next((v for k, v in zip(node.keys, node.values, strict=True)
                     if isinstance(k, ast.Constant) and k.value in (200, 201)), None)
    return node


def _added_routes(
    call: ast.Call, owner: str, name: str, owners: Mapping[str, OwnerFact],
    functions: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef], imports: frozenset[str],
) -> list[RouteFact]:
    path = _path_expr(call.args[0] if call.args else _kw(call, "path", "rule"))
    if "${" in path and not re.search(r"\$\{(?:\w+\.)*[A-Z][A-Z0-9_]*\}", path):
        return []  # a helper registering a path it was given: the routes are declared where it is called
    if name == "add_url_rule":
        framework = "flask"
        handler_node = call.args[2] if len(call.args) > 2 else _kw(call, "view_func")
    elif name == "add_api_route":
        framework = "fastapi"
        handler_node = call.args[1] if len(call.args) > 1 else _kw(call, "endpoint")
    else:
        framework = _framework_for(owner, "", owners, imports) or "starlette"
        handler_node = call.args[1] if len(call.args) > 1 else _kw(call, "endpoint", "route")
    handler, func, methods = _view_of(call, handler_node, functions)
    return [
        _make_route(func, framework, m, path, owner, call.lineno, call.col_offset + 1, handler,
                    _depends_names(_kw(call, "dependencies")), _shape(_kw(call, "response_model")))
        for m in methods
    ]


# aiohttp: router.add_get(path, handler), ..., add_view(path, View) for every method the class answers
_AIOHTTP_ADDERS = {f"add_{m}": m.upper() for m in HTTP_METHODS} | {"add_view": "*"}
_AIOHTTP_TABLE = {m: m.upper() for m in HTTP_METHODS} | {"view": "*"}  # web.get(path, handler) in add_routes([...])


def _aiohttp_method(call: ast.Call) -> bool:
    """``router.add_route("GET", "/x", handler)``: aiohttp's add_route starts with the method."""
    method = _str(call.args[0]) if call.args else None
    return method is not None and method.upper() in HTTP_METHODS_UPPER and len(call.args) >= 3


def _aiohttp_routes(
    call: ast.Call, owner: str, name: str, functions: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef],
) -> list[RouteFact]:
    """aiohttp's routes: ``add_get(path, handler)``, ``add_route(method, path, handler)`` and the
    ``web.get(path, handler)`` entries of ``add_routes([...])``; ``self.handler`` is a method of the module."""
    entries: list[tuple[str, ast.AST | None, ast.AST | None, int, int]] = []  # method, path, handler, line, column
    if name == "add_routes":
        items = call.args[0].elts if call.args and isinstance(call.args[0], (ast.List, ast.Tuple)) else []
        for item in items:
            if isinstance(item, ast.Call) and call_name(item) in _AIOHTTP_TABLE and len(item.args) >= 2:
                entries.append((_AIOHTTP_TABLE[call_name(item)], item.args[0], item.args[1], item.lineno,
                                item.col_offset + 1))
            elif isinstance(item, ast.Call) and call_name(item) == "route" and len(item.args) >= 3:
                entries.append(((_str(item.args[0]) or "*").upper(), item.args[1], item.args[2], item.lineno,
                                item.col_offset + 1))
    elif name == "add_route":
        entries.append(((_str(call.args[0]) or "*").upper(), call.args[1], call.args[2], call.lineno, call.col_offset + 1))
    elif call.args:
        handler = call.args[1] if len(call.args) > 1 else _kw(call, "handler")
        entries.append((_AIOHTTP_ADDERS[name], call.args[0], handler, call.lineno, call.col_offset + 1))
    out = []
    for method, path_node, handler_node, line, column in entries:
        path = _path_expr(path_node)
        handler = dotted(handler_node) if handler_node is not None else ""
        if not path or not handler:
            continue
        func = functions.get(handler.removeprefix("self.")) if handler.count(".") <= 1 else None
        if func is not None and handler.startswith("self."):
            handler = func.name
        out.append(_make_route(func, "aiohttp", method, path, owner, line, column, handler))
    return out


FALCON_SUFFIX = "@suffix:"  # a calls entry: the responder suffix of a Falcon route (on_get_item for suffix="item")
METHODS_LIMIT = "@methods:"  # a calls entry: the methods a rule names for a class view (methods=[...] in add_url_rule)
_FALCON_RESPONDER = lazy_compile(r"^on_(" + "|".join(HTTP_METHODS) + r")(?:_(\w+))?$")


def _falcon_route(call: ast.Call, owner: str, made: Mapping[str, str]) -> list[RouteFact]:
    """Falcon: ``app.add_route("/things/{id}", ThingResource(), suffix="item")`` routes every ``on_<method>``
    responder of the resource (``on_get_item`` with that suffix); the methods come from the class."""
    path = _path_expr(call.args[0])
    resource = call.args[1]
    if isinstance(resource, ast.Call):
        handler = dotted(resource.func)
    else:
        handler = made.get(dotted(resource), "")
    if not path or not handler:
        return []
    suffix = _str(_kw(call, "suffix"))
    return [RouteFact("falcon", "*", path, owner, handler, call.lineno, call.col_offset + 1,
                      path_params=tuple(sorted(_path_params(path))),
                      calls=(f"{FALCON_SUFFIX}{suffix}",) if suffix else ())]


TORNADO_OWNER = "@tornado"
_HANDLER_LISTS = lazy_compile(r"^\w*handlers\s*=\s*\[", re.MULTILINE | re.IGNORECASE)
_TORNADO_ARGUMENTS = frozenset({"get_argument", "get_arguments", "get_query_argument", "get_query_arguments"})
_TORNADO_URLS = frozenset({"url", "URLSpec", "Rule"})


def _tornado_routes(source: SourceFile, *, everywhere: bool) -> list[RouteFact]:
    """Tornado: ``(r"/api/users/([^/]+)", UserHandler)`` rules in a handlers list, or ``url(pattern, Handler)``;
    the handler class's ``get``/``post`` methods answer. Regex groups become path parameters. A module that
    does not import Tornado (its handlers come from a base module) is read only in a ``*handlers`` list."""
    out: list[RouteFact] = []
    if everywhere:
        nodes = list(source.nodes(ast.Tuple, ast.Call))
    else:
        assert source.tree is not None
        nodes = [n for stmt in source.tree.body if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.List)
                 and any(isinstance(t, ast.Name) and t.id.lower().endswith("handlers") for t in stmt.targets)
                 for n in stmt.value.elts if isinstance(n, (ast.Tuple, ast.Call))]
    for node in nodes:
        if isinstance(node, ast.Call):
            if call_name(node) not in _TORNADO_URLS or len(node.args) < 2:
                continue
            pattern, target = node.args[0], node.args[1]
        elif len(node.elts) >= 2:
            pattern, target = node.elts[0], node.elts[1]
        else:
            continue
        raw = _str(pattern)
        handler = dotted(target) if isinstance(target, (ast.Name, ast.Attribute)) else ""
        if raw is None or not raw.lstrip("^").startswith("/") or not handler[handler.rfind(".") + 1:][:1].isupper():
            continue
        path = tornado_path(raw)
        out.append(RouteFact("tornado", "*", path, TORNADO_OWNER, handler, node.lineno, node.col_offset + 1,
                             path_params=tuple(sorted(_path_params(path)))))
    return out


def tornado_path(pattern: str) -> str:
    """``^/api/users/([^/]+)/?$`` as ``/api/users/{arg1}``: named groups keep their names."""
    text = pattern.lstrip("^").removesuffix("$").removesuffix("/?")
    out: list[str] = []
    depth = 0
    count = 0
    name = ""
    for index, char in enumerate(text):
        if char == "\\" and depth == 0:
            continue
        if char == "(" and (index == 0 or text[index - 1] != "\\"):
            if depth == 0:
                count += 1
                match = re.match(r"\(\?P<(\w+)>", text[index:])
                name = match.group(1) if match else f"arg{count}"
            depth += 1
            continue
        if char == ")" and depth and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                out.append(f"{{{name}}}")
            continue
        if depth == 0:
            out.append(char)
    return "".join(out) or "/"


def _responder(name: str) -> tuple[str, str] | None:
    """A class view's handler method: ``get`` (Django, Flask, Tornado) or Falcon's ``on_get`` / ``on_get_item``,
    as (HTTP method, Falcon suffix)."""
    if name in HTTP_METHODS:
        return name.upper(), ""
    match = _FALCON_RESPONDER.match(name) if name.startswith("on_") else None
    return (match.group(1).upper(), match.group(2) or "") if match else None


def _suffix_of(calls: Iterable[str]) -> str:
    return next((c[len(FALCON_SUFFIX):] for c in calls if c.startswith(FALCON_SUFFIX)), "")


def _view_of(
    call: ast.Call, view: ast.AST | None, functions: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef],
) -> tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | None, tuple[str, ...]]:
    """The handler a rule registers (a function of the module, or ``Cls.as_view("name")``: the class, whose
    methods answer) and the methods the rule names (GET for a function, the class's own otherwise)."""
    handler = dotted(view) if view is not None else ""
    if isinstance(view, ast.Call) and call_name(view) == "as_view":
        return (dotted(view.func.value) if isinstance(view.func, ast.Attribute) else ""), None, _methods_kw(call, ("*",))
    return handler, functions.get(handler), _methods_kw(call, ("GET",))


def _clean_django(piece: str) -> str:
    return piece.lstrip("^").rstrip("$")


def module_statements(body: list[ast.stmt]) -> Iterable[ast.stmt]:
    """Module-level statements, also inside ``if``/``try``/``with`` blocks (settings-dependent URL lists)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With)):
            yield from module_statements(stmt.body)
            yield from module_statements(getattr(stmt, "orelse", []))
            for handler in getattr(stmt, "handlers", []):
                yield from module_statements(handler.body)


def _django_route(node: ast.AST | None, constants: Mapping[str, str] = {}) -> str | None:
    """A URL pattern's text; a deployment prefix put in with ``.format()`` or an f-string is left out, but a
    pattern piece the module writes as a string constant (``rf"{USER_PATH}/inbox/?$"``) is put in."""
    text = _str(node)
    if text is not None:
        return text
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        base = _str(node.func.value)
        return None if base is None else re.sub(r"\{[^{}]*\}", "", base)
    if isinstance(node, ast.JoinedStr):
        return "".join(_str(v) or (constants.get(v.value.id, "") if isinstance(v, ast.FormattedValue)
                                   and isinstance(v.value, ast.Name) else "") for v in node.values)
    return None


def _pattern_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level string constants a URL pattern may be built from (``USER_PATH = rf"^user/(?P<username>{RE})"``),
    the pieces they format in left out."""
    out: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and isinstance(stmt.value, (ast.Constant, ast.JoinedStr)):
            text = _django_route(stmt.value)
            if text is not None and len(text) < 200:
                out[stmt.targets[0].id] = text
    return out


def _sets_urlpatterns(tree: ast.Module) -> bool:
    """A module that only gathers other modules' URL lists (``urlpatterns = [*asset_patterns, ...]`` in a
    ``urls/__init__.py``) imports nothing of Django's, yet is a URL configuration."""
    return any(isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "urlpatterns" for t in stmt.targets)
               for stmt in tree.body)


_PAGE_VIEWS = frozenset({"TemplateView", "RedirectView"})


def _django_urlpatterns(tree: ast.Module, text: str, includes: list[IncludeFact],
                        names: Mapping[str, str] = {}) -> list[RouteFact]:
    routes: list[RouteFact] = []
    lists: dict[str, list[ast.expr]] = {}  # local URL lists: ur = [...]; ur += [...]
    bound: dict[str, ast.Call] = {}  # event_list = EventViewSet.as_view({"get": "list"}): a view under a name
    for stmt in module_statements(tree.body):
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id != "urlpatterns":
                    lists.setdefault(target.id, []).append(stmt.value)
                    if isinstance(stmt.value, ast.Call) and call_name(stmt.value) == "as_view":
                        bound[target.id] = stmt.value
        elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id != "urlpatterns":
            lists.setdefault(stmt.target.id, []).append(stmt.value)
    visiting: set[str] = set()
    constants = _pattern_constants(tree)

    def visit(node: ast.AST | None, prefix: str) -> None:
        if isinstance(node, ast.Name) and node.id in lists and node.id not in visiting:
            visiting.add(node.id)
            for value in lists[node.id]:
                visit(value, prefix)
            visiting.discard(node.id)
        elif isinstance(node, ast.Name) and node.id in names:  # from app.urls import urlpatterns as app_urls
            origin = names[node.id]
            module = origin.rpartition(".")[0] if origin.endswith(".urlpatterns") else origin
            includes.append(IncludeFact("urlpatterns", module, prefix, module=True, line=node.lineno))
        elif isinstance(node, (ast.List, ast.Tuple)):
            for elt in node.elts:
                visit(elt, prefix)
        elif isinstance(node, ast.Starred):  # [*router.urls, path(...)]
            visit(node.value, prefix)
        elif isinstance(node, ast.BinOp):
            visit(node.left, prefix)
            visit(node.right, prefix)
        elif isinstance(node, ast.Attribute) and node.attr == "urls" and dotted(node.value):  # += router.urls
            includes.append(IncludeFact("urlpatterns", dotted(node), prefix, module=True, line=node.lineno))
        elif isinstance(node, ast.Call) and call_name(node) == "patterns":  # Django < 1.10: patterns("", url(...))
            for arg in node.args[1:]:
                visit(arg, prefix)
        elif isinstance(node, ast.Call) and call_name(node) in ("path", "re_path", "url") and node.args:
            route = _django_route(node.args[0], constants)
            if route is None:
                return
            full = prefix + _clean_django(route)
            view = node.args[1] if len(node.args) > 1 else _kw(node, "view")
            if isinstance(view, ast.Call) and call_name(view) == "include":
                inner = view.args[0] if view.args else None
                if isinstance(inner, ast.Tuple) and inner.elts:
                    inner = inner.elts[0]
                if isinstance(inner, (ast.List, ast.Tuple)) or (isinstance(inner, ast.Name) and inner.id in lists):
                    visit(inner, full)
                elif (module := _str(inner)) is not None:
                    includes.append(IncludeFact("urlpatterns", module, full, module=True, line=node.lineno))
                elif inner is not None and dotted(inner):
                    includes.append(IncludeFact("urlpatterns", dotted(inner), full, module=True, line=node.lineno))
                return
            if _mounted_urls(view, names):  # path("api/v1/", api.urls): an API's or a router's URL list
                includes.append(IncludeFact("urlpatterns", dotted(view), full, module=True, line=node.lineno))
                return
            if isinstance(view, ast.Name) and view.id in bound:
                view = bound[view.id]
            kind = ""
            if isinstance(view, ast.Call) and call_name(view) == "as_view":
                handler = dotted(view.func.value) if isinstance(view.func, ast.Attribute) else ""
                if _kw(view, "template_name") is not None or handler.rpartition(".")[2] in _PAGE_VIEWS:
                    kind = "page"  # TemplateView.as_view(template_name="api.html"): a page, whatever its path
            else:
                handler = dotted(view)
            routes.append(RouteFact("django", "*", full, "urlpatterns", handler, node.lineno, node.col_offset + 1,
                                    path_params=tuple(sorted(_path_params(full))), kind=kind))
        elif isinstance(node, ast.Call):  # i18n_patterns(...), a project's decorated_patterns(login_required, *urls)
            for arg in node.args:
                visit(arg, prefix)

    debug_only = _debug_only(tree)
    for stmt in module_statements(tree.body):
        if id(stmt) in debug_only:
            continue  # if settings.DEBUG: urlpatterns += [...]: a developer's routes, not served in production
        if isinstance(stmt, ast.Assign) and any(dotted(t) == "urlpatterns" for t in stmt.targets):
            visit(stmt.value, "")
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) and dotted(stmt.target) == "urlpatterns":
            visit(stmt.value, "")
    # urlpatterns.append(path("api/v1/", include(router.urls))): patterns added by a call, at module level or in
    # an app's ready() that extends the project's urlpatterns
    if "urlpatterns" not in text and text.isascii():
        return routes  # no name urlpatterns anywhere (an identifier spelled in other letters may normalise to it)
    for node in walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args \
                and node.func.attr in ("append", "extend", "insert") and dotted(node.func.value) == "urlpatterns":
            visit(node.args[-1], "")
    return routes


def _mounted_urls(view: ast.AST | None, names: Mapping[str, str]) -> bool:
    """A ``path()`` handed a URL list rather than a view: ``api.urls`` (django-ninja, a DRF router), or a name
    imported as ``urls`` from the API's module (``from .v1_api import urls as v1_urls``). The admin site's
    ``admin.site.urls`` is left as it is (a route the admin site serves)."""
    if isinstance(view, ast.Attribute) and view.attr == "urls" and dotted(view.value):
        return not dotted(view.value).rpartition(".")[2].endswith("site")
    return isinstance(view, ast.Name) and names.get(view.id, "").endswith(".urls") and view.id != "urls"


def _debug_only(tree: ast.Module) -> set[int]:
    """Statements under a module-level ``if settings.DEBUG:`` (or ``if DEBUG:``): there in development only."""
    out: set[int] = set()
    for stmt in module_statements(tree.body):
        test = stmt.test if isinstance(stmt, ast.If) else None
        if (isinstance(test, ast.Name) and test.id == "DEBUG") or (isinstance(test, ast.Attribute) and test.attr == "DEBUG"):
            out.update(id(node) for inner in stmt.body for node in ast.walk(inner))
    return out


_DJANGO_METHOD_DECORATORS = {"require_GET": ("GET",), "require_POST": ("POST",), "require_safe": ("GET",)}
_DJANGO_LIST_BASES = frozenset({"ListView", "ListAPIView", "ListCreateAPIView", "ModelViewSet", "ReadOnlyModelViewSet"})


def _django_views(tree: ast.Module, framework: str = "django", *, function_views: bool = True) -> list[RouteFact]:
    """Function views (first parameter ``request``, Django only) and class views' method handlers
    (Django, DRF, Flask ``MethodView`` and flask-restful/restx ``Resource`` classes)."""
    views: list[RouteFact] = []
    signers: set[str] | None = None  # the module's permission or authentication classes that check a signature
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and function_views:
            args = stmt.args.args
            if not args or args[0].arg not in _REQUEST_NAMES:
                continue
            methods = _django_methods(stmt)
            feats = _handler_features(stmt, framework, set())
            if not methods:
                methods = tuple(dict.fromkeys(["GET", *feats.methods]))
            kind = "api" if any(call_name(d) == "api_view" for d in stmt.decorator_list) else feats.kind
            for method in methods:
                views.append(_view_fact(stmt, stmt.name, method, feats, (), framework=framework, kind=kind))
        elif isinstance(stmt, ast.ClassDef):
            bases = {_base(b) for b in stmt.bases}
            attrs = [dotted(t) for s in stmt.body if isinstance(s, ast.Assign) for t in s.targets]
            extra = tuple(a for a in attrs if a in _CLASS_ATTRS)
            handlers = [(s, responder) for s in stmt.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                        and (responder := _responder(s.name)) is not None]
            class_kind = _class_kind(bases, attrs)
            guards = _guard_classes(stmt) if handlers else set()
            if guards:
                signers = _signing_classes(tree) if signers is None else signers
                if guards & signers:
                    extra = (*extra, "@signed")  # permission_classes = [AllowOnlyTwilio]: another system's webhook
                if guards & _SIGNED_IN_GUARDS:
                    extra = (*extra, "@signed-in")  # permission_classes = [IsAuthenticated]: a user's session or token
            parsers = _class_parsers(stmt) if handlers else {}
            helpers = {m.name: m for m in stmt.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and _responder(m.name) is None} if handlers else {}
            helper_feats: dict[str, _Features] = {}
            for method_def, (method, suffix) in handlers:
                feats = _handler_features(method_def, framework, set())
                for parser in _parsers_used(method_def, parsers):
                    feats.query.extend(parsers[parser])  # args = self.get_parser.parse_args(): its arguments
                for helper in _own_methods_called(method_def, helpers):
                    # limit, offset = self._set_limit_and_offset(): the query string the class's own helpers read
                    if helper.name not in helper_feats:
                        helper_feats[helper.name] = _handler_features(helper, framework, set())
                    more = helper_feats[helper.name]
                    feats.query.extend(more.query)
                    feats.calls.extend(c for c in more.calls if c in ("paginate", "@capped"))
                shape = "list" if method_def.name == "get" and bases & _DJANGO_LIST_BASES else ""
                marks = (*extra, f"{FALCON_SUFFIX}{suffix}") if suffix else extra
                views.append(_view_fact(method_def, stmt.name, method, feats, marks, shape,
                                        framework=framework, kind=class_kind or feats.kind))
    return views


def _own_methods_called(func: ast.FunctionDef | ast.AsyncFunctionDef,
                        helpers: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The class's own helper methods a handler calls (``self._filter_query(...)``), and those they call, two levels."""
    if not helpers:
        return []
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    todo = [(func, 0)]
    while todo:
        current, depth = todo.pop()
        for node in ast.walk(current):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and dotted(node.func.value) == "self" \
                    and node.func.attr in helpers and node.func.attr not in found:
                found[node.func.attr] = helpers[node.func.attr]
                if depth < 1:
                    todo.append((helpers[node.func.attr], depth + 1))
    return [found[name] for name in sorted(found)]


# DRF permission classes that refuse anonymous requests of every method (IsAuthenticatedOrReadOnly lets GET through).
_SIGNED_IN_GUARDS = frozenset({"IsAuthenticated", "IsAdminUser"})


def _guard_classes(cls: ast.ClassDef) -> set[str]:
    """The names a DRF view lists in ``permission_classes`` or ``authentication_classes``."""
    out: set[str] = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and any(dotted(t) in ("permission_classes", "authentication_classes")
                                                for t in stmt.targets) and isinstance(stmt.value, (ast.List, ast.Tuple)):
            out |= {name.rpartition(".")[2] for e in stmt.value.elts if (name := dotted(e))}
    return out


def _signing_classes(tree: ast.Module) -> set[str]:
    """The module's classes that check a request's signature (``RequestValidator(token).validate(url, data,
    request.META["HTTP_X_TWILIO_SIGNATURE"])``, ``hmac.compare_digest``)."""
    out: set[str] = set()
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for call in ast.walk(cls):
            if not isinstance(call, ast.Call):
                continue
            name = call_name(call)
            if _SIGNATURE_CALL.search(name) or (name in ("validate", "verify", "is_valid") and any(
                    isinstance(n, ast.Constant) and isinstance(n.value, str) and "signature" in n.value.lower()
                    for a in [*call.args, *(k.value for k in call.keywords)] for n in ast.walk(a))):
                out.add(cls.name)
                break
    return out


_QUERY_LOCATIONS = frozenset({"args", "values", "query"})


def _class_parsers(cls: ast.ClassDef) -> dict[str, list[str]]:
    """flask-restful parsers built in a class body (``get_parser = reqparse.RequestParser()`` then
    ``get_parser.add_argument("name", location="args")``): each one's arguments the query string may carry
    (reqparse reads ``values``, the query string and the form, unless ``location`` says otherwise)."""
    out: dict[str, list[str]] = {}
    for stmt in cls.body:
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument"
                and isinstance(call.func.value, ast.Name) and call.args and (arg := _str(call.args[0]))):
            continue
        location = _kw(call, "location")
        places = {v for e in (location.elts if isinstance(location, (ast.List, ast.Tuple)) else [location])
                  if (v := _str(e))} if location is not None else {"values"}
        if places & _QUERY_LOCATIONS:
            out.setdefault(call.func.value.id, []).append(arg.lstrip("-"))
    return out


def _parsers_used(func: ast.FunctionDef | ast.AsyncFunctionDef, parsers: Mapping[str, list[str]]) -> list[str]:
    """The class's parsers the handler reads with ``self.<parser>.parse_args()``."""
    if not parsers:
        return []
    return [n.func.value.attr for n in walked(func) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr == "parse_args" and isinstance(n.func.value, ast.Attribute)
            and dotted(n.func.value.value) in ("self", "cls") and n.func.value.attr in parsers]


def _class_kind(bases: set[str], attrs: Iterable[str]) -> str:
    if bases & _API_BASES or any(b.endswith(("APIView", "ViewSet", "Resource")) for b in bases):
        return "api"
    if bases & _PAGE_BASES or "template_name" in attrs or "form_class" in attrs:
        return "page"
    return ""


def _django_methods(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    for deco in func.decorator_list:
        name = call_name(deco)
        if name in _DJANGO_METHOD_DECORATORS:
            return _DJANGO_METHOD_DECORATORS[name]
        if name in ("require_http_methods", "api_view") and isinstance(deco, ast.Call) and deco.args:
            first = deco.args[0]
            if isinstance(first, (ast.List, ast.Tuple)):
                return tuple(m.upper() for e in first.elts if (m := _str(e)))
    return ()


def _view_fact(
    func: ast.FunctionDef | ast.AsyncFunctionDef, handler: str, method: str, feats: _Features,
    extra_calls: tuple[str, ...], shape: str = "", *, framework: str = "django", kind: str = "",
) -> RouteFact:
    body = feats.body if method in WRITE_METHODS or feats.body == "model" else ""
    return RouteFact(
        framework, method, "", "", handler, func.lineno, func.col_offset + 1,
        query_params=tuple(dict.fromkeys(feats.query)), headers=tuple(dict.fromkeys(feats.headers)),
        decorators=_decorator_names(func), body=body, shape=shape,
        calls=tuple(sorted(set(feats.calls) | set(extra_calls))), kind=kind,
    )


# -- the project-wide table -------------------------------------------------------------------

def _join(*pieces: str) -> str:
    text = "/".join(p.strip("/") for p in pieces if p and p.strip("/"))
    trailing = bool(pieces) and pieces[-1].endswith("/") and len(pieces[-1]) > 1
    path = "/" + text if text else "/"
    if trailing and not path.endswith("/"):
        path += "/"
    return path


class _Table:
    def __init__(self, files: Mapping[str, FileRoutes]) -> None:
        self.files = files
        self.modules: dict[str, str] = {}
        for path, facts in sorted(files.items()):
            self.modules.setdefault(facts.module, path)
            if facts.module.startswith("src."):
                self.modules.setdefault(facts.module[4:], path)
        # Code imported relative to a folder below the scanned root (backend/app/... imported as app....):
        # every module-name suffix that names one file only.
        suffixes: dict[str, set[str]] = {}
        for path, facts in files.items():
            parts = facts.module.split(".")
            for i in range(1, len(parts)):
                suffixes.setdefault(".".join(parts[i:]), set()).add(path)
        for name, paths in sorted(suffixes.items()):
            if len(paths) == 1 and "." in name:
                self.modules.setdefault(name, next(iter(paths)))
        self.owners = {(p, o.name): o for p, f in files.items() for o in f.owners}
        self.aliases = {name: dep for f in files.values() for name, dep in f.aliases if dep != LIST_ALIAS}
        self.eve_settings = dict(item[4:].partition("=")[::2] for _, f in sorted(files.items()) for item in f.settings
                                 if item.startswith("EVE:"))
        self.eve_apps: list[tuple[tuple[str, ...], dict[str, str]]] = []  # (modules listed, that app's settings)
        for _, f in sorted(files.items()):
            app = dict(item[4:].partition("=")[::2] for item in f.settings if item.startswith("APP:"))
            if app.get("APPS"):
                self.eve_apps.append((tuple(app.pop("APPS").split(",")), app))
        self.class_index: dict[str, list[tuple[str, ClassFact]]] = {}
        self.callable_index: dict[str, tuple[str, ...]] = {}
        for path, facts in sorted(files.items()):
            for cls in facts.classes:
                self.class_index.setdefault(cls.name, []).append((path, cls))
            for name, params in facts.callables:
                self.callable_index.setdefault(name, params)
        self._helpers: dict[tuple[str, str], HelperFact | None] = {}
        self.parents: dict[tuple[str, str], list[tuple[str, IncludeFact]]] = {}
        self.wildcards: list[tuple[str, IncludeFact]] = []  # registrations of whatever a loop is handed
        self.unresolved = 0  # routers mounted from an expression the table cannot follow (plugins, getattr)
        for path, facts in sorted(files.items()):
            for inc in facts.includes:
                if inc.target == "*":
                    self.wildcards.append((path, inc))
                    continue
                key = self.resolve(path, inc.target, module=inc.module)
                if key is not None:
                    self.parents.setdefault(key, []).append((path, inc))
                elif not inc.module:
                    self.unresolved += 1

    def unmounted(self, key: tuple[str, str]) -> bool:
        """A router or blueprint nothing mounts, in a project whose every mount the table can follow: not served."""
        owner = self.owners.get(key)
        if owner is None or owner.kind not in ("APIRouter", "Blueprint") or key in self.parents:
            return False
        if self.unresolved or self.wildcards or not self.parents:
            return False
        return any(o.kind in ("FastAPI", "Flask") for o in self.owners.values())

    def resolve(self, path: str, expr: str, *, module: bool = False, depth: int = 0) -> tuple[str, str] | None:
        """(file, owner name) that an expression written in ``path`` refers to."""
        if depth > 4 or not expr:
            return None
        if expr.startswith("()"):
            return self._factory(path, expr[2:], depth)
        facts = self.files[path]
        if module and expr.endswith(".urls"):  # include(router.urls): a DRF router's routes, before a module
            found = self.resolve(path, expr[: -len(".urls")], depth=depth + 1)  # the name "api.urls" may end
            if found is not None and found in self.owners:
                return found
        if module and expr in self.modules:
            return self.modules[expr], "urlpatterns"
        head, _, rest = expr.partition(".")
        names = dict(facts.names)
        if not rest and (path, head) in self.owners:
            return path, head
        if head in names:
            full = names[head] + (f".{rest}" if rest else "")
        elif (path, expr) in self.owners:
            return path, expr
        else:
            full = f"{facts.module}.{expr}"
        if full in self.modules:
            return self.modules[full], "urlpatterns"
        mod, _, name = full.rpartition(".")
        target = self.modules.get(mod)
        if target is None and head not in names:  # add_router("/orders/", "shop.api.orders.router"): a full path
            mod, _, name = expr.rpartition(".")
            target = self.modules.get(mod)
        if target is None:
            return None
        if (target, name) in self.owners:
            return target, name
        if target != path and name in dict(self.files[target].names):
            return self.resolve(target, name, module=module, depth=depth + 1)
        return None

    def _factory(self, path: str, callee: str, depth: int) -> tuple[str, str] | None:
        """The blueprint or router a factory call (``main.make_blueprint()``) returns."""
        facts = self.files[path]
        head, _, rest = callee.partition(".")
        if not rest and head in dict(facts.factories):
            return path, dict(facts.factories)[head]
        names = dict(facts.names)
        full = names[head] + (f".{rest}" if rest else "") if head in names else f"{facts.module}.{callee}"
        mod, _, function = full.rpartition(".")
        target = self.modules.get(mod)
        if target is None:
            return None
        made = dict(self.files[target].factories)
        if function in made:
            return target, made[function]
        if target != path and function in dict(self.files[target].names) and depth < 4:
            return self._factory(target, function, depth + 1)
        return None

    def prefixes(self, key: tuple[str, str], seen: frozenset[tuple[str, str]] = frozenset()) -> list[tuple[str, tuple[str, ...]]]:
        """(prefix, dependencies) for every way the owner is mounted into the application."""
        if key[1] == "@eve":  # Eve serves every resource under URL_PREFIX/API_VERSION
            settings = self._eve_app(key[0])
            pieces = [settings.get(k, "") for k in ("URL_PREFIX", "API_VERSION")]
            return [("/".join(f"{{?{k}}}" if v == "?" else v.strip("/")
                              for k, v in zip(("URL_PREFIX", "API_VERSION"), pieces, strict=True) if v), ())]
        owner = self.owners.get(key)
        own = owner.prefix if owner else ""
        own_deps = owner.dependencies if owner else ()
        parents = self.parents.get(key, [])
        if not parents and owner is not None and owner.kind in ("Blueprint", "APIRouter") and \
                len({inc.prefix for _, inc in self.wildcards}) == 1:
            parents = self.wildcards
        if not parents or key in seen or len(seen) > 8:
            return [(own, own_deps)]
        out: list[tuple[str, tuple[str, ...]]] = []
        for parent_path, inc in parents:
            parent = (parent_path, inc.owner)
            if parent not in self.owners and "." not in inc.owner:  # ns = api.namespace(...) on an imported Api
                parent = self.resolve(parent_path, inc.owner) or parent
            for pre, deps in self.prefixes(parent, seen | {key}):
                middle = inc.prefix if (inc.replaces and inc.prefix) else _concat(inc.prefix, own)
                out.append((_concat(pre, middle), (*deps, *inc.dependencies, *own_deps)))
        return out

    def _eve_app(self, path: str) -> Mapping[str, str]:
        """The settings of the Superdesk application whose app list names the module most closely (itself
        before its package), over the project's Eve settings; the project's alone when no app, or several
        equally, name it."""
        module = self.files[path].module
        scored = sorted(((max((len(name) for name in listed if module == name or module.startswith(name + ".")),
                              default=0), index) for index, (listed, _) in enumerate(self.eve_apps)), reverse=True)
        if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return self.eve_settings
        return {**self.eve_settings, **self.eve_apps[scored[0][1]][1]}

    def defined_in(self, path: str, name: str) -> tuple[str | None, str]:
        """(file, name there) of what ``name`` written in ``path`` refers to: imported, or the file's own."""
        head, _, rest = name.partition(".")
        names = dict(self.files[path].names)
        full = names[head] + (f".{rest}" if rest else "") if head in names else f"{self.files[path].module}.{name}"
        module, _, short = full.rpartition(".")
        return self.modules.get(module), short

    def class_fact(self, path: str, name: str) -> tuple[str, ClassFact] | None:
        """The class ``name`` written in ``path`` refers to: by import, else the project's only class of that name."""
        short = name.rpartition(".")[2]
        target, _ = self.defined_in(path, name)
        for _ in range(4):  # views.UserView, where views/__init__.py says from .users import UserView
            if target is None:
                break
            for cls in self.files[target].classes:
                if cls.name == short:
                    return target, cls
            imported = dict(self.files[target].names).get(short)
            if imported is None:
                break
            module, _, short = imported.rpartition(".")
            target = self.modules.get(module)
        short = name.rpartition(".")[2]
        found = self.class_index.get(short, [])
        return found[0] if len(found) == 1 else None

    def replayed(self, path: str, cls: str, decorator: str) -> bool:
        """Whether ``decorator`` (written in ``path``) stores its arguments under an attribute that a Blueprint
        class in ``cls``'s chain replays through its own ``route``: the decorated methods are that blueprint's."""
        target, short = self.defined_in(path, decorator)
        stored = {attr for name, attr in self.files[target].recorders if name == short} if target else set()
        chain = self.class_chain(path, cls)
        return bool(stored) and any(b == "Blueprint" for _, c in chain for b in c.bases) and any(
            k == REPLAYS and v in stored for _, c in chain for k, v in c.attrs)

    def class_chain(self, path: str, name: str) -> list[tuple[str, ClassFact]]:
        """The class and its project base classes (nearest first), a few levels deep."""
        out: list[tuple[str, ClassFact]] = []
        todo = [(path, name)]
        while todo and len(out) < 8:
            where, cls_name = todo.pop(0)
            found = self.class_fact(where, cls_name)
            if found is None or found in out:
                continue
            out.append(found)
            todo.extend((found[0], base) for base in found[1].bases)
        return out

    def dep_params(self, deps: Iterable[str]) -> tuple[str, ...]:
        """Query parameters the dependencies take, and the dependencies they declare in turn (three levels)."""
        out: list[str] = []
        todo = [(dep, 0) for dep in deps]
        seen: set[str] = set()
        while todo:
            dep, depth = todo.pop(0)
            name = dep.rpartition(".")[2]
            if name in seen:
                continue
            seen.add(name)
            for param in self.callable_index.get(name, ()):
                if not param.startswith(_SUB_DEPENDENCY):
                    out.append(param)
                elif depth < 2:
                    todo.append((param[len(_SUB_DEPENDENCY):], depth + 1))
            for _, cls in self.class_index.get(name, [])[:1]:
                out.extend(cls.fields)
        return tuple(dict.fromkeys(out))

    def expand(self, path: str, fact: RouteFact) -> list[tuple[str, RouteFact]]:
        """The route's handlers: a viewset's actions, a class view's methods, a view function in another file."""
        if fact.method == "VIEWSET":
            return self._viewset(path, fact)
        if fact.method == "EVE":
            return self._eve(path, fact)
        if fact.method == "JSONAPI":
            return self._jsonapi(path, fact)
        views = self.class_views(path, fact.handler) if fact.method == "*" or fact.framework == "django" or (
            fact.framework == "flask" and fact.handler and fact.handler[:1].isupper()) else []
        if fact.method != "*" and fact.framework != "django" and not views:
            return [(path, self._with_model(path, fact))]
        if views:
            out = []
            suffix = _suffix_of(fact.calls)
            limit = next((c[len(METHODS_LIMIT):].split(",") for c in fact.calls if c.startswith(METHODS_LIMIT)), None)
            for view_path, view in views:
                if fact.method != "*" and view.method not in (fact.method, "*"):
                    continue
                if limit is not None and view.method not in limit:
                    continue
                if _suffix_of(view.calls) != suffix:  # Falcon: on_get serves the plain route, on_get_item suffix="item"
                    continue
                merged = replace(view, path=fact.path, owner=fact.owner, path_params=fact.path_params,
                                 handler=fact.handler, kind=view.kind or fact.kind)
                if merged.body == "raw" and self.hands_to_form_view(view_path, view.handler, view.method):
                    merged = replace(merged, body="validated")  # preview fields read aside, the form validates
                out.append((view_path, self._with_class(view_path, merged, view.handler)))
            return out or ([] if limit is not None else [(path, fact)])
        chain = self.class_chain(path, fact.handler) if fact.handler else []
        if chain:  # a generic class view without its own handlers (ListAPIView, ListView, ...)
            bases = {b for _, c in chain for b in c.bases}
            methods = [m for b in bases for m in _DRF_GENERIC_METHODS.get(b, ())]
            allowed = _allowed_methods(chain)
            methods = [m for m in methods if allowed is None or m[0] in allowed]
            if methods:
                kind = _class_kind(bases, [a for _, c in chain for a, _v in c.attrs])
                out = []
                for method, shape in dict.fromkeys(methods):
                    body = "model" if method in WRITE_METHODS else ""  # a serializer or form class validates it
                    view = replace(fact, method=method, shape=shape, kind=kind or fact.kind, line=chain[0][1].line,
                                   body=body)
                    out.append((chain[0][0], self._with_class(chain[0][0], view, chain[0][1].name)))
                return out
        if fact.method == "*" and fact.framework in ("flask", "falcon", "tornado"):
            return []  # a class registered as a resource, not found: no route we can describe
        if chain:  # a class view whose handlers come from a library class: its attributes still apply
            return [(path, self._with_class(path, fact, fact.handler))]
        return [(path, fact)]

    def _viewset(self, path: str, fact: RouteFact) -> list[tuple[str, RouteFact]]:
        chain = self.class_chain(path, fact.handler)
        actions: list[str] = []
        for _, cls in chain:
            actions.extend(a for a in cls.methods if a in _DRF_ACTIONS)
            for base in cls.bases:
                actions.extend(_DRF_BASE_ACTIONS.get(base, ()))
        if not chain:
            actions = ["list", "retrieve"]
        # http_method_names = ["get", "patch"]: the nearest class that sets it decides which actions are routed
        allowed = _allowed_methods(chain)
        where, line = (chain[0][0], chain[0][1].line) if chain else (path, fact.line)
        out = []
        base = fact.path.rstrip("/")
        for action in dict.fromkeys(actions):
            method, item, shape = _DRF_ACTIONS[action]
            if allowed is not None and method not in allowed:
                continue
            route_path = f"{base}/{{pk}}/" if item else f"{base}/"
            marks = tuple(v for _, c in chain for k, v in c.attrs if k == "@list") if action == "list" else ()
            view = replace(fact, method=method, path=route_path, shape=shape, line=line,
                           path_params=("pk",) if item else (), calls=("@drf", *marks),
                           body="model" if method in WRITE_METHODS else "")  # the serializer validates the body
            out.append((where, self._with_class(where, view, chain[0][1].name if chain else fact.handler)))
        return out

    def _jsonapi(self, path: str, fact: RouteFact) -> list[tuple[str, RouteFact]]:
        """A flask-rest-jsonapi resource's endpoints, from the library class it extends: a ResourceList lists
        (paged with ``page[size]``, filtered with ``filter``, sorted with ``sort``) and creates, a ResourceDetail
        reads, updates and deletes one object, a ResourceRelationship edits a relationship; the resource's
        marshmallow-jsonapi schema validates every body. ``methods = [...]`` limits what it answers."""
        chain = self.class_chain(path, fact.handler)
        bases = {b for _, c in chain for b in c.bases}
        kind = next((k for k in _JSONAPI_RESOURCES if k in bases), None)
        if kind is None:
            return []
        allowed = _allowed_methods(chain)
        where, line = chain[0][0], chain[0][1].line
        out = []
        for method, shape in _JSONAPI_RESOURCES[kind]:
            if allowed is not None and method not in allowed:
                continue
            listing = kind == "ResourceList" and method == "GET"
            out.append((where, replace(
                fact, method=method, line=line, shape=shape, calls=("@jsonapi",), kind="api",
                query_params=_JSONAPI_QUERY if listing else (), body="model" if method in WRITE_METHODS else "")))
        return out

    def _eve(self, path: str, fact: RouteFact) -> list[tuple[str, RouteFact]]:
        """An Eve resource's endpoints with Eve's defaults (paging, ``where``/``sort``, schema validation)
        and the resource's own settings over the project's."""
        attrs: dict[str, str] = {}
        where, line = path, fact.line
        if fact.handler:
            chain = self.class_chain(path, fact.handler)
            if not chain or "eve:class" not in chain[0][1].eve:
                return []  # not an Eve resource class after all
            where, line = chain[0][0], chain[0][1].line
            for _, cls in chain:
                for item in cls.eve:
                    key, _, value = item[4:].partition("=")
                    attrs.setdefault(key, value)
        else:
            for item in fact.calls:
                key, _, value = item[4:].partition("=")
                attrs.setdefault(key, value)
        glob = self.eve_settings
        if attrs.get("internal_resource") == "True":
            return []  # Eve serves an internal resource to the application's code only, at no URL

        def methods(key: str) -> list[str]:
            """The methods a resource answers; an empty list (``item_methods = []``) is none, not the default."""
            text = attrs[key] if key in attrs else glob.get(key.upper(), "GET")
            return [m.upper() for m in text.split(",") if m] if text != "?" else ["GET"]

        base = "/" + (attrs["url"] if attrs.get("url") not in (None, "?") else fact.path).strip("/")
        paging = "False" not in (attrs.get("pagination"), glob.get("PAGINATION"))
        filters = attrs.get("allowed_filters", glob.get("ALLOWED_FILTERS")) != "" and "False" not in (
            attrs.get("sorting"), glob.get("SORTING"))
        query = (("max_results", "page") if paging else ()) + (("where", "sort") if filters else ())
        body = "model" if "schema" in attrs else "raw"

        def marks(method: str) -> tuple[str, ...]:
            """Eve's rate limit for the method, counted in the app's Redis (``RATE_LIMIT_GET = (300, 900)``)."""
            limited = glob.get("REDIS") == "on" and glob.get(f"RATE_LIMIT_{method}") == "on"
            return ("@eve", "eve:rate_limit") if limited else ("@eve",)

        out = []
        for method in methods("resource_methods"):
            out.append((where, replace(fact, method=method, path=base, line=line, shape="list" if method == "GET" else "",
                                       query_params=query if method == "GET" else (), calls=marks(method),
                                       body=body if method in WRITE_METHODS else "")))
        for method in methods("item_methods"):
            out.append((where, replace(fact, method=method, path=base + "/<_id>", line=line, path_params=("_id",),
                                       shape="item" if method == "GET" else "", calls=marks(method),
                                       body=body if method in WRITE_METHODS else "")))
        return out

    def _with_class(self, path: str, fact: RouteFact, name: str) -> RouteFact:
        """Class attributes (pagination_class, filter_backends, ...) from the class and its bases; ``None``
        or ``[]`` switches a project-wide default off as ``no:<attr>``."""
        chain = self.class_chain(path, name)
        if not chain:
            return fact
        seen: dict[str, str] = {}
        for _, cls in chain:
            for attr, value in cls.attrs:
                seen.setdefault(attr, value)
        calls = set(fact.calls)
        calls |= {a if v == "set" else f"no:{a}" for a, v in seen.items() if not a.startswith("@")}
        bases = {b for _, c in chain for b in c.bases}
        if fact.framework == "django" and (bases & _API_BASES or any(b.endswith(("APIView", "ViewSet")) for b in bases)):
            calls.add("@drf")
        kind = fact.kind or _class_kind(bases, seen)
        query = fact.query_params
        if fact.method in ("GET", "*"):  # filters read in get_queryset apply to the class's GETs
            query = tuple(dict.fromkeys([*query, *(q for _, c in chain for q in c.query)]))
            handed = [(where, v) for where, c in chain for k, v in c.attrs if k == HELPER]
            if handed:  # ... and so do those read by another module's function they hand the request to
                query = tuple(dict.fromkeys([*query, *(q for where, marker in handed
                                                       for q in self.helper_features(where, marker)[0])]))
        return replace(fact, calls=tuple(sorted(calls)), kind=kind, query_params=query)

    def _with_model(self, path: str, fact: RouteFact) -> RouteFact:
        """A response model that wraps a list (``{data: list[Item], count}``) makes the route a list endpoint."""
        if fact.shape != "item" or not fact.model:
            return fact
        found = self.class_fact(path, fact.model)
        if found is None and self.list_alias(path, fact.model):
            return replace(fact, shape="list")
        if found is not None and (found[1].listy or _named_for(fact.path, found[1])):
            return replace(fact, shape="list")
        return fact

    def list_alias(self, path: str, name: str) -> bool:
        """Whether ``name`` in ``path`` is a type alias of a list, defined there or imported."""
        target, short = self.defined_in(path, name)
        return target is not None and (short, LIST_ALIAS) in self.files[target].aliases

    def class_views(self, path: str, handler: str) -> list[tuple[str, RouteFact]]:
        """A class view's handlers, its own and those it inherits from the project's base classes; a method
        that calls ``super().get()`` runs the base's handler too, so it gets the base's features."""
        own = self.view_facts(path, handler)
        chain = self.class_chain(path, handler) if handler else []
        if len(chain) < 2:
            return own
        found: dict[str, list[tuple[str, RouteFact]]] = {}
        for where, cls in chain:
            for view in self.files[where].views:
                if view.handler == cls.name and not view.path:
                    found.setdefault((view.method, _suffix_of(view.calls)), []).append((where, view))
        out = []
        for (method, _suffix), defs in found.items():
            where, view = defs[0]
            # flask-apispec: an override inherits the arguments the base's handler declares
            inherited = [q for base_where, base in defs[1:] for q in self.webargs_query(base_where, base, chain, True)]
            view = self.resolve_helpers(where, self.resolve_webargs(where, view, chain))
            for base_where, base in defs[1:]:
                if f"super:{method.lower()}" not in view.calls:
                    break
                view = _merge_views(view, self.resolve_helpers(base_where, self.resolve_webargs(base_where, base, chain)))
            if inherited:
                view = replace(view, query_params=tuple(dict.fromkeys([*view.query_params, *inherited])))
            out.append((where, view))
        return out or own

    def helper(self, path: str, callee: str) -> HelperFact | None:
        """The function ``callee`` written in ``path`` names, as a HelperFact, through re-exports: one its module
        recorded, or a Django function view there (its own fact, markers of its own left out: one module away)."""
        key = (path, callee)
        if key in self._helpers:
            return self._helpers[key]
        found: HelperFact | None = None
        target, short = self.defined_in(path, callee)
        for _ in range(4):
            if target is None or target == path:
                break
            facts = self.files[target]
            found = next((h for h in facts.helpers if h.name == short), None)
            view = next((v for v in facts.views if v.handler == short and not v.path), None) if found is None \
                and short not in {c.name for c in facts.classes} else None
            if view is not None:
                found = HelperFact(short, request=True, query=view.query_params, headers=view.headers,
                                   calls=tuple(c for c in view.calls if not c.startswith(HELPER)), body=view.body,
                                   kind=view.kind)
            imported = dict(facts.names).get(short) if found is None else None
            if imported is None:
                break
            module, _, short = imported.rpartition(".")
            target = self.modules.get(module)
        self._helpers[key] = found
        return found

    def helper_features(self, path: str, marker: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, str, str]:
        """(query, headers, calls, body, handed body, kind) a HELPER marker written in ``path`` adds: the function's
        features when it is handed the request (or reads Flask's, the handler's own), and ``validated`` as the
        handed body's verdict when the body handed to it reaches a validating call there. Nothing when the
        function is not the project's, or is given neither."""
        callee, *flags = marker[len(HELPER):].split("|")
        found = self.helper(path, callee)
        if found is None:
            return (), (), (), "", "", ""
        if ("r" in flags and (found.request or found.context)) or ("g" in flags and found.context):
            body = found.body if found.body in ("validated", "model") else ""
            out: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], str, str, str] = (
                found.query, found.headers, found.calls, body, "", found.kind)
        else:
            out = (), (), (), "", "", ""
        for flag in flags:
            slot = flag[1:]
            if not flag.startswith("b") or not (slot.startswith("=") or slot.isdigit()):
                continue
            param = slot[1:] if slot.startswith("=") else (
                found.params[int(slot)] if int(slot) < len(found.params) else "")
            if param in found.validates:
                out = (*out[:4], "validated", out[5])
        return out

    def resolve_helpers(self, path: str, fact: RouteFact) -> RouteFact:
        """The handler with the features of the other modules' functions it hands its request or body to, one
        module away, merged as the module's own helpers are (a body it reads only there counts as that
        function's verdict; a body read raw and handed to a function validating it, as validated); markers
        dropped."""
        markers = [c for c in fact.calls if c.startswith(HELPER)]
        if not markers:
            return fact
        query, headers = list(fact.query_params), list(fact.headers)
        calls = [c for c in fact.calls if not c.startswith(HELPER)]
        body, kind = fact.body, fact.kind
        for marker in markers:
            more_query, more_headers, more_calls, read, handed, more_kind = self.helper_features(path, marker)
            answered = "v" in marker[len(HELPER):].split("|")[1:]  # every answer of the handler is the helper's
            query.extend(more_query)
            headers.extend(more_headers)
            calls.extend(c for c in more_calls if c not in _RESPONSE_SHAPES and not c.startswith("@mapping:")
                         and (answered or c not in _PAGE_CALLS))
            if read and not body:
                body = read
            if handed and body in ("", "raw"):
                body = handed
            if answered:  # an error page on one branch does not make the route a page
                kind = kind or more_kind
        return replace(fact, query_params=tuple(dict.fromkeys(query)), headers=tuple(dict.fromkeys(headers)),
                       calls=tuple(sorted(set(calls))), body=body, kind=kind)

    def webargs_entry(self, path: str, name: str) -> tuple[str, tuple[str, ...]] | None:
        """(file, tokens) of the module-level dict of webargs fields, builder, merge or partial that ``name``
        (``=args.paging``, ``make_sort_args()``) written in ``path`` refers to, through re-exports."""
        call = "()" if name.endswith("()") else ""
        target, short = self.defined_in(path, name.removesuffix("()"))
        for _ in range(4):
            if target is None:
                return None
            entries = dict(self.files[target].webargs)
            if short + call in entries:
                return target, entries[short + call]
            imported = dict(self.files[target].names).get(short)
            if imported is None:
                return None
            module, _, short = imported.rpartition(".")
            target = self.modules.get(module)
        return None

    def webargs_fields(self, path: str, tokens: Iterable[str], chain: list[tuple[str, ClassFact]],
                       depth: int = 0, after: int = -1) -> list[str]:
        """The field names WEBARGS tokens written in ``path`` stand for: literal keys, the project's dicts of fields
        they name, what its builders return, the arguments of its merges, and the served class's ``Ref`` attribute
        (``chain``, nearest first; ``after``: the index past the class whose attribute is being read, for
        ``super().args``). What the table cannot follow gives nothing."""
        out: list[str] = []
        if depth > 6:
            return out
        for token in tokens:
            if token.startswith("="):
                found = self.webargs_entry(path, token[1:])
                if found is not None and found[1][:1] not in ((MERGES,), (QUERY_PARTIAL,)):
                    out.extend(self.webargs_fields(found[0], found[1], chain, depth + 1))
            elif token.startswith("+"):
                func, _, rest = token[1:].partition(":")
                merge = self.webargs_entry(path, func + "()")
                if merge is not None and merge[1] == (MERGES,):
                    out.extend(self.webargs_fields(path, (rest,), chain, depth + 1, after))
            elif token.startswith(("&", "^")):  # the served class's attribute; ^: its bases' (super().args)
                start = 0 if token[0] == "&" else after
                if start < 0:
                    continue  # super() outside a class's attribute
                for index, (where, cls) in enumerate(chain[start:], start):
                    attrs = dict(cls.webargs)
                    if token[1:] in attrs:
                        out.extend(self.webargs_fields(where, attrs[token[1:]], chain, depth + 1, index + 1))
                        break
            elif not token.startswith("@"):
                out.append(token)
        return list(dict.fromkeys(out))

    def webargs_query(self, path: str, fact: RouteFact, chain: list[tuple[str, ClassFact]],
                      apispec_only: bool = False) -> list[str]:
        """The query parameters the handler's webargs decorators declare by reference: bound to the query string
        by ``location="query"`` or by the project's partial of ``use_kwargs``. ``apispec_only``: only flask-apispec's
        (``Ref`` or its ``use_kwargs``), whose annotations a resource's override inherits."""
        out: list[str] = []
        for marker in fact.calls:
            if not marker.startswith(WEBARGS):
                continue
            flags, decorator, *tokens = marker[len(WEBARGS):].split("|")
            partial = self.webargs_entry(path, decorator)
            bound = partial[1] if partial is not None and partial[1][:1] == (QUERY_PARTIAL,) else ()
            if "q" not in flags and not bound:
                continue
            head = decorator.partition(".")[0]
            if apispec_only and not (APISPEC in bound or any(t.startswith("&") for t in tokens)
                                     or dict(self.files[path].names).get(head, "").startswith("flask_apispec")):
                continue
            out.extend(self.webargs_fields(path, tokens, chain))
        return out

    def resolve_webargs(self, path: str, fact: RouteFact, chain: list[tuple[str, ClassFact]]) -> RouteFact:
        """The handler with the query parameters its webargs decorators declare by reference, markers dropped."""
        if not any(c.startswith(WEBARGS) for c in fact.calls):
            return fact
        query = tuple(dict.fromkeys([*fact.query_params, *self.webargs_query(path, fact, chain)]))
        return replace(fact, query_params=query, calls=tuple(c for c in fact.calls if not c.startswith(WEBARGS)))

    def hands_to_form_view(self, path: str, handler: str, method: str) -> bool:
        """Every handler of ``method`` the class and its project bases define ends in ``super().post(...)``,
        and a library base is one of Django's form views: its ``post`` binds ``form_class`` to the body and
        validates it, whatever the override reads beside (a preview's text)."""
        chain = self.class_chain(path, handler)
        if not chain or method not in WRITE_METHODS:
            return False
        own = {cls.name for _, cls in chain}
        if not ({b.rpartition(".")[2] for _, cls in chain for b in cls.bases} - own) & _FORM_VIEWS:
            return False
        defs = [view for where, cls in chain for view in self.files[where].views
                if view.handler == cls.name and not view.path and view.method == method]
        return bool(defs) and all(f"super:{method.lower()}" in view.calls for view in defs)

    def view_facts(self, path: str, handler: str) -> list[tuple[str, RouteFact]]:
        if not handler:
            return []
        head, _, rest = handler.partition(".")
        names = dict(self.files[path].names)
        full = names[head] + (f".{rest}" if rest else "") if head in names else f"{self.files[path].module}.{handler}"
        mod, _, name = full.rpartition(".")
        target = self.modules.get(mod)
        if target is None:
            return []
        found = [(target, v) for v in self.files[target].views if v.handler == name]
        if not found:  # a package that re-exports the class (``from .Watch import Watch`` in api/__init__.py)
            again = dict(self.files[target].names).get(name)
            origin = self.modules.get(again.rpartition(".")[0]) if again else None
            if origin is not None and origin != target:
                found = [(origin, v) for v in self.files[origin].views if v.handler == again.rpartition(".")[2]]
        return found


_BODY_RANK = {"": 0, "raw": 1, "validated": 2, "model": 3}


def _merge_views(view: RouteFact, base: RouteFact) -> RouteFact:
    """A handler that calls the base class's handler: what either reads, calls or validates."""
    def both(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*a, *b]))
    calls = [c for c in base.calls if not c.startswith("@mapping:")] + list(view.calls)
    return replace(
        view, query_params=both(view.query_params, base.query_params), headers=both(view.headers, base.headers),
        decorators=both(view.decorators, base.decorators), dependencies=both(view.dependencies, base.dependencies),
        body=max(view.body, base.body, key=lambda b: _BODY_RANK.get(b, 0)) if view.body and base.body
        else view.body or base.body,
        shape=view.shape or base.shape, kind=view.kind or base.kind, calls=tuple(sorted(set(calls))))


def _concat(a: str, b: str) -> str:
    if not a:
        return b
    if not b:
        return a
    return a.rstrip("/") + "/" + b.lstrip("/")


def route_table(project: Any, files: Mapping[str, Any]) -> list[Route]:
    """``build_route_table`` of these file facts, once per scan (``project.tool``): several checks
    ask for the table of the same files, whose facts stay alive, and unchanged, all scan long."""
    from readiness.openapi_routes import connexion_routes  # declared in OpenAPI files: read once per scan

    routes = {p: f for p, f in files.items() if isinstance(f, FileRoutes)}
    name = "route-table:" + "\0".join(f"{p}@{id(f)}" for p, f in sorted(routes.items()))
    table = list(project.tool(name, lambda _project: build_route_table(routes)))
    declared = connexion_routes(project)
    if declared:
        table = sorted([*table, *declared], key=lambda r: (r.path, r.method, r.file, r.line))
    return table


def build_route_table(files: Mapping[str, FileRoutes]) -> list[Route]:
    """Every route with its full path, following includes across files (sorted, deterministic)."""
    files = {p: f for p, f in files.items() if isinstance(f, FileRoutes)}
    files = _resolve_constants(files)
    table = _Table(files)
    pyramid = {name[len(PYRAMID_ROUTE):]: pattern for f in files.values() for name, pattern in f.constants
               if name.startswith(PYRAMID_ROUTE)}
    out: list[Route] = []
    for path, facts in sorted(files.items()):
        for fact in facts.routes:
            if fact.owner == PYRAMID_OWNER:  # the view's route name, joined to the pattern add_route gave it
                pattern = pyramid.get(fact.path.removeprefix("@pyramid:"))
                if pattern is None:
                    continue
                fact = replace(fact, path=pattern, path_params=tuple(sorted(_path_params(pattern))))
            recorded = next((c for c in fact.calls if c.startswith(RECORDED)), "")
            if recorded:
                if not table.replayed(path, fact.owner, recorded[len(RECORDED):]):
                    continue
                fact = replace(fact, calls=tuple(c for c in fact.calls if c != recorded))
            key = table.resolve(path, fact.owner) or (path, fact.owner)
            if table.unmounted(key):
                continue
            expanded = table.expand(path, fact)
            if any(c.startswith(WEBARGS) for _, view in expanded for c in view.calls):
                chain = table.class_chain(path, fact.handler) if fact.handler else []
                expanded = [(view_path, table.resolve_webargs(view_path, view, chain)) for view_path, view in expanded]
            if any(c.startswith(HELPER) for _, view in expanded for c in view.calls):
                expanded = [(view_path, table.resolve_helpers(view_path, view)) for view_path, view in expanded]
            for prefix, deps in table.prefixes(key):
                for view_path, view in expanded:
                    aliased = tuple(table.aliases[c[6:]] for c in view.calls
                                    if c.startswith("@type:") and c[6:] in table.aliases)
                    all_deps = (*view.dependencies, *deps, *aliased,
                                *(c[7:] for c in view.calls if c.startswith("parser:")))
                    full = _join(prefix, view.path)
                    in_path = _path_params(full)  # require_access(project_id): FastAPI fills it from the path
                    out.append(Route(view_path, full, view, (*deps, *aliased),
                                     tuple(p for p in table.dep_params(all_deps) if p not in in_path)))
    out = _item_variants(out)
    out.sort(key=lambda r: (r.path, r.method, r.file, r.line))
    return out


def _item_variants(routes: list[Route]) -> list[Route]:
    """One handler serving ``/hosts`` and ``/hosts/<id>``: the path with the extra parameter is the item."""
    paths: dict[tuple[str, int, str], set[str]] = {}
    for route in routes:
        paths.setdefault((route.file, route.line, route.method), set()).add(route.path.rstrip("/"))
    out = []
    for route in routes:
        parent, _, last = route.path.rstrip("/").rpartition("/")
        if _is_param(last) and (parent or "/") in paths[(route.file, route.line, route.method)] and route.fact.shape != "item":
            route = replace(route, fact=replace(route.fact, shape="item"))
        out.append(route)
    return out


_CONSTANT = lazy_compile(r"\$\{([\w.]+)\}")


def _resolve_constants(files: dict[str, FileRoutes]) -> dict[str, FileRoutes]:
    """Replace ``${NAME}`` in paths and prefixes with the project's one value for NAME, else ``{?NAME}``."""
    values: dict[str, set[str]] = {}
    for facts in files.values():
        for name, value in facts.constants:
            values.setdefault(name, set()).add(value)

    def sub(text: str) -> str:
        if "${" not in text:
            return text
        return _CONSTANT.sub(lambda m: next(iter(v)) if len(v := values.get(m.group(1).rpartition(".")[2], set())) == 1
                             else "{?" + m.group(1) + "}", text)

    out = {}
    for path, facts in files.items():
        text = [f.path for f in facts.routes] + [o.prefix for o in facts.owners] + [i.prefix for i in facts.includes]
        if not any("${" in t for t in text):
            out[path] = facts
            continue
        out[path] = replace(
            facts, routes=tuple(replace(f, path=sub(f.path)) for f in facts.routes),
            owners=tuple(replace(o, prefix=sub(o.prefix)) for o in facts.owners),
            includes=tuple(replace(i, prefix=sub(i.prefix)) for i in facts.includes))
    return out


def routes_worth_keeping(source: SourceFile, facts: FileRoutes) -> bool:
    """Whether a file's route facts matter to the route table: anything routing-related, or a package's
    ``__init__.py`` that re-exports views (``from .Watch import Watch``) a route elsewhere names."""
    return not facts.empty or (source.path.endswith("__init__.py") and bool(facts.names))


def facts_of(collected_facts: Mapping[str, Any], attr: str = "routes") -> dict[str, FileRoutes]:
    """The FileRoutes inside a check's per-file facts (a FileRoutes or an object with ``attr``)."""
    out: dict[str, FileRoutes] = {}
    for path, value in collected_facts.items():
        found = value if isinstance(value, FileRoutes) else getattr(value, attr, None)
        if isinstance(found, FileRoutes):
            out[path] = found
    return out


def _imported_modules(source: SourceFile) -> tuple[tuple[str, int], ...]:
    out: list[tuple[str, int]] = []
    if source.tree is None:
        return ()
    for node in source.nodes(ast.Import, ast.ImportFrom):
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.module, node.lineno))
            out.extend((f"{node.module}.{alias.name}", node.lineno) for alias in node.names if alias.name != "*")
    return tuple(out)


def imported_modules(source: SourceFile) -> tuple[tuple[str, int], ...]:
    """(dotted module, line) for every absolute import; ``from a import b`` gives ``a`` and ``a.b``."""
    return memo(source, _imported_modules)
