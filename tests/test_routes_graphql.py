"""GraphQL: one endpoint; versioning does not apply; list fields paged by connections; mutation inputs
typed by the schema; query depth and cost limits are its rate limit. graphene, strawberry and ariadne."""

from __future__ import annotations

from pathlib import Path

from helpers import check_result, scan_tree, write_tree
from helpers import check_status as _status
from helpers import route_table as _table

_GRAPHENE = (
    "import graphene\nfrom graphene import relay\n\n\nclass Query(graphene.ObjectType):\n"
    "    users = relay.ConnectionField(UserConnection, status=graphene.String())\n"
    "    tags = graphene.List(Tag)\n    me = graphene.Field(User)\n\n\n"
    "class CreateUser(graphene.Mutation):\n    class Arguments:\n        name = graphene.String(required=True)\n\n"
    "    ok = graphene.Boolean()\n\n\nclass SetPrefs(graphene.Mutation):\n    class Arguments:\n"
    "        prefs = graphene.JSONString()\n\n    ok = graphene.Boolean()\n"
)
_URLS = ("from django.urls import path\nfrom graphene_django.views import GraphQLView\n\n"
         "urlpatterns = [path('graphql', GraphQLView.as_view(graphiql=False))]\n")


def test_graphene_schema_fields_and_mutations(tmp_path: Path) -> None:
    write_tree(tmp_path, {"shop/__init__.py": "", "shop/schema.py": _GRAPHENE, "shop/urls.py": _URLS})
    routes = _table(tmp_path)
    users, tags = routes["QUERY /graphql/users"], routes["QUERY /graphql/tags"]
    assert users.collection and tags.collection and "QUERY /graphql/me" not in routes
    assert {"first", "after", "status"} <= set(users.query)
    assert routes["MUTATION /graphql/CreateUser"].fact.body == "model"  # typed arguments
    assert routes["MUTATION /graphql/SetPrefs"].fact.body == "raw"  # a JSON blob
    assert _status(tmp_path, "pagination") == ("fail", 0.5, 1)  # the plain List is unbounded
    assert _status(tmp_path, "query-validation") == ("fail", 0.5, 1)
    assert _status(tmp_path, "api-versioning")[0] == "n/a"  # one endpoint evolves through its schema
    assert _status(tmp_path, "rate-limiting") == ("fail", 0.0, 1)  # the endpoint, not each field


def test_depth_limit_is_the_graphql_endpoints_rate_limit(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/main.py": "import strawberry\nfrom fastapi import FastAPI\nfrom strawberry.fastapi import GraphQLRouter\n"
                       "from strawberry.extensions import QueryDepthLimiter\n\n\n@strawberry.type\nclass Query:\n"
                       "    @strawberry.field\n    def books(self, author: str | None = None) -> list[Book]:\n"
                       "        return []\n\n    @strawberry.relay.connection(BookConnection)\n"
                       "    def shelves(self) -> list[Shelf]:\n        return []\n\n\n"
                       "schema = strawberry.Schema(Query, extensions=[QueryDepthLimiter(max_depth=8)])\n"
                       "app = FastAPI()\napp.include_router(GraphQLRouter(schema), prefix='/graphql')\n\n\n"
                       "@app.get('/orders')\ndef orders() -> list[dict]:\n    return []\n",
    })
    routes = _table(tmp_path)
    assert routes["POST /graphql"].graphql
    assert set(routes["QUERY /graphql/books"].query) == {"author"}
    assert {"first", "after"} <= set(routes["QUERY /graphql/shelves"].query)
    assert _status(tmp_path, "rate-limiting") == ("fail", 0.5, 1)  # the depth limit covers /graphql, not /orders
    assert _status(tmp_path, "filtering-sorting")[:2] == ("fail", 1 / 3)  # books filters; shelves and /orders do not


def test_ariadne_sdl(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/schema.py": "from ariadne import make_executable_schema\n\ntype_defs = '''\n"
                         "type Query {\n  orders(status: String): OrderConnection!\n  tags: [Tag!]!\n  me: User\n}\n"
                         "type Mutation {\n  createOrder(input: OrderInput!): Order\n  setMeta(data: JSON): Boolean\n}\n"
                         "'''\nschema = make_executable_schema(type_defs)\n",
    })
    routes = _table(tmp_path)
    assert {"QUERY /graphql/orders", "QUERY /graphql/tags", "MUTATION /graphql/createOrder",
            "MUTATION /graphql/setMeta"} <= set(routes)
    assert routes["MUTATION /graphql/createOrder"].fact.body == "model"
    assert routes["MUTATION /graphql/setMeta"].fact.body == "raw"
    assert _status(tmp_path, "pagination") == ("fail", 0.5, 1)


def test_a_connection_without_a_maximum_page_size_is_not_paged(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "shop/__init__.py": "", "shop/urls.py": _URLS,
        "shop/schema.py": (
            "import graphene\nfrom graphene_django.filter import DjangoFilterConnectionField\n\n\n"
            "class Query(graphene.ObjectType):\n"
            "    orders = DjangoFilterConnectionField(OrderNode)\n"  # capped by RELAY_CONNECTION_MAX_LIMIT
            "    audit = DjangoFilterConnectionField(AuditNode, max_limit=None)\n"  # the cap switched off
        ),
    })
    routes = _table(tmp_path)
    assert "first" in routes["QUERY /graphql/orders"].query and "first" not in routes["QUERY /graphql/audit"].query
    result = scan_tree(tmp_path, select=["pagination"])
    assert (check_result(result, "pagination").status, check_result(result, "pagination").score) == ("fail", 0.5)
    [finding] = [f for f in result.findings if f.check == "pagination"]
    assert "audit" in finding.message and "no maximum page size" in finding.message
