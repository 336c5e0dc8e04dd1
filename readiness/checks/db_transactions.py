"""Database transaction and client checks for MongoDB: transactions, retries, timeouts, pool size.

All are n/a when the project's profile shows no MongoDB driver or ODM. The client checks look at
every ``MongoClient``/``AsyncIOMotorClient``/``mongoengine.connect`` in application code and count
an option as set when the call passes it, its literal URI carries it, or the project's
configuration (a URI or settings key in code, a URI in a manifest or .env file) sets it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Mapping
from urllib.parse import parse_qsl

from readiness.checks.agents import Equivalent
from readiness.checks.base import Check, Collected, Example, FileOutcome, Verdict
from readiness.lazy_regex import lazy_compile
from readiness.measures import NotApplicable, Share
from readiness.model import Evidence, Finding
from readiness.paths import is_application_path
from readiness.profile import MONGODB, component_of, declared_distributions, profile_of
from readiness.project import Project
from readiness.roles import CLI, MIGRATION, SCRIPT, SERVICE, file_role, path_role
from readiness.routes import call_name, dotted, memo
from readiness.source import SourceFile
from readiness.tools.pyast import main_block_nodes

NO_MONGO = "no MongoDB driver or ODM in the project"
WRITE_METHODS = frozenset({
    "insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one", "delete_many",
    "find_one_and_update", "find_one_and_replace", "find_one_and_delete", "bulk_write",
})
QUERY_METHODS = frozenset({
    "find", "find_one", "find_one_and_update", "find_one_and_replace", "find_one_and_delete", "update_one",
    "update_many", "replace_one", "delete_one", "delete_many", "count_documents", "aggregate", "distinct",
})
CLIENT_CLASSES = frozenset({"MongoClient", "AsyncIOMotorClient", "AsyncMongoClient", "MotorClient"})
OPTIONS = ("retrywrites", "retryreads", "serverselectiontimeoutms", "timeoutms", "sockettimeoutms",
           "connecttimeoutms", "maxpoolsize", "minpoolsize", "maxidletimems", "waitqueuetimeoutms")
_URI = lazy_compile(r"mongodb(?:\+srv)?://[^\s'\"`]+")
DEPLOY_GLOBS = ("**/*.yaml", "**/*.yml", "**/.env", "**/.env.*", "**/*.env", "**/Dockerfile", "**/*.toml", "**/*.ini",
                "**/*.cfg", "**/*.json")


def uri_options(uri: str) -> dict[str, str]:
    """Lower-cased query options of a MongoDB URI."""
    _, _, query = uri.partition("?")
    return {k.lower(): v for k, v in parse_qsl(query, keep_blank_values=True)}


def collection_of(receiver: ast.AST, aliases: Mapping[str, str]) -> str:
    """The collection a query's receiver names: ``db.orders``, ``db["orders"]``, ``orders``."""
    if isinstance(receiver, ast.Subscript):
        key = receiver.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        if isinstance(key, ast.Attribute) and key.attr in ("__collection__", "collection_name", "__tablename__"):
            return dotted(key.value)  # db[User.__collection__]: the model's collection
        return ""
    if isinstance(receiver, ast.Call) and call_name(receiver) == "get_collection" and receiver.args:
        first = receiver.args[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    if isinstance(receiver, ast.Call) and "collection" in call_name(receiver).lower() and dotted(receiver.func):
        return f"{dotted(receiver.func)}()"  # self._collection(db): a CRUD helper's own collection
    if isinstance(receiver, ast.Attribute):
        name = dotted(receiver)
        return aliases.get(name, receiver.attr)
    if isinstance(receiver, ast.Name):
        return aliases.get(receiver.id, receiver.id)
    return ""


def collection_aliases(source: SourceFile) -> dict[str, str]:
    """``orders = db["orders"]`` style names in the file → collection names."""
    def build(src: SourceFile) -> dict[str, str]:
        out: dict[str, str] = {}
        for node in src.nodes(ast.Assign):
            assert isinstance(node, ast.Assign)
            value = node.value
            if isinstance(value, (ast.Subscript, ast.Call)):
                name = collection_of(value, {})
                if name and (isinstance(value, ast.Subscript) or call_name(value) == "get_collection"):
                    for target in node.targets:
                        if dotted(target):
                            out[dotted(target)] = name
        return out
    return memo(source, build)


def query_calls(source: SourceFile, methods: frozenset[str] = QUERY_METHODS) -> list[tuple[ast.Call, str]]:
    """(call, collection) for MongoDB query calls on something that looks like a collection."""
    aliases = collection_aliases(source)
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in methods:
            continue
        if isinstance(func.value, ast.Constant):
            continue  # "text".find(...)
        out.append((call, collection_of(func.value, aliases)))
    return out


def inline_suppressed(project: Project, path: str, line: int, check: str) -> bool:
    """Whether ``# readiness: ignore[check]`` covers a finding made in ``evaluate`` (the engine's suppressor)."""
    suppressor = project.suppressor
    return suppressor is not None and suppressor.covers(check, path, line)


def deferred_findings(project: Project, collected: Collected, check: str) -> tuple[Finding, ...]:
    """Findings a check's ``check_file`` left in its facts (``problems``), kept until the profile allows them."""
    out = []
    for path, facts in sorted(collected.facts.items()):
        for line, column, message in getattr(facts, "problems", ()):
            if not inline_suppressed(project, path, line, check):
                out.append(Finding(path, line, column, check, message))
    return tuple(out)


@dataclass(frozen=True)
class Problems:
    """Per-file findings held back until ``evaluate`` knows whether the check applies."""

    problems: tuple[tuple[int, int, str], ...] = ()


def enclosing_function(source: SourceFile, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for ancestor in source.ancestors(node):
        if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ancestor
    return None


# -- mongo-transactions -------------------------------------------------------------------------

# Eve and Superdesk write through a resource service: ``get_resource_service("items").post([doc])``.
_SERVICE_WRITES = frozenset({"post", "put", "patch", "delete", "create", "update", "replace", "system_update",
                             "delete_action", "insert"})


def service_writes(source: SourceFile) -> list[tuple[ast.Call, str]]:
    """(call, collection) for writes made through a framework's resource service, one call level away."""
    if "get_resource_service" not in source.text:
        return []
    named: dict[str, str] = {}
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        name = _service_name(node.value)
        if name:
            for target in node.targets:
                if dotted(target):
                    named[dotted(target)] = name
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if isinstance(call.func, ast.Attribute) and call.func.attr in _SERVICE_WRITES:
            name = _service_name(call.func.value) or named.get(dotted(call.func.value), "")
            if name:
                out.append((call, name))
    return out


# A project's write wrapper named for the driver's method, given the collection's name first:
# ``mongo_insert_one("analysis", report)``, ``db_delete_many("calls", {...})``.
_WRAPPED_WRITE = lazy_compile(r"^\w+_(" + "|".join(sorted(WRITE_METHODS)) + r")$")
_WRAPPED_WRITE_TEXT = lazy_compile(r"\w_(?:" + "|".join(sorted(WRITE_METHODS)) + r")\(")


def wrapped_writes(source: SourceFile) -> list[tuple[ast.Call, str]]:
    """(call, collection) for writes through a wrapper that takes the collection's name as its first argument."""
    if not _WRAPPED_WRITE_TEXT.search(source.text):
        return []
    out = []
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = call_name(call).rpartition(".")[2]
        first = call.args[0] if call.args else None
        if _WRAPPED_WRITE.match(name) and isinstance(first, ast.Constant) and isinstance(first.value, str) \
                and first.value.isidentifier():
            out.append((call, first.value))
    return out


@dataclass(frozen=True)
class TransactionFacts(Problems):
    """Problems of plain driver writes, and what resolving resource services needs across files.

    A resource service names an Eve/Superdesk resource, not a collection: ``planning_post`` and
    ``planning_spike`` both write the ``planning`` collection when their resources say
    ``datasource = {"source": "planning"}``. Functions writing through services are judged in
    ``evaluate``, once every file's resources are known.
    """

    # (line, column, function, ((name, through a service), ...), in a transaction)
    pending: tuple[tuple[int, int, str, tuple[tuple[str, bool], ...], bool], ...] = ()
    sources: tuple[tuple[str, str], ...] = ()  # resource class or DOMAIN key -> its datasource source
    endpoints: tuple[tuple[str, str], ...] = ()  # endpoint_name -> resource class
    registered: tuple[tuple[str, str], ...] = ()  # register_resource("name", ResourceClass, ...) -> class
    bases: tuple[tuple[str, str], ...] = ()  # resource class -> its first base class


def _datasource_source(node: ast.AST | None) -> str:
    """``{"source": "planning", ...}``: the collection a resource reads and writes."""
    if not isinstance(node, ast.Dict):
        return ""
    for key, value in zip(node.keys, node.values, strict=False):
        if isinstance(key, ast.Constant) and key.value == "source" and isinstance(value, ast.Constant) \
                and isinstance(value.value, str):
            return value.value
    return ""


def resource_facts(source: SourceFile) -> dict[str, list[tuple[str, str]]]:
    """Resource classes' datasource sources and endpoint names, registrations and Eve DOMAIN datasources."""
    out: dict[str, list[tuple[str, str]]] = {"sources": [], "endpoints": [], "registered": [], "bases": []}
    if "datasource" not in source.text and "register_resource" not in source.text:
        return out
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        if cls.bases and dotted(cls.bases[0]):
            out["bases"].append((cls.name, dotted(cls.bases[0]).rpartition(".")[2]))
        for stmt in cls.body:
            if not isinstance(stmt, ast.Assign):
                continue
            names = {dotted(t) for t in stmt.targets}
            if "datasource" in names and (found := _datasource_source(stmt.value)):
                out["sources"].append((cls.name, found))
            if names & {"endpoint_name", "resource_title"} and isinstance(stmt.value, ast.Constant) \
                    and isinstance(stmt.value.value, str):
                out["endpoints"].append((stmt.value.value, cls.name))
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        if call_name(call) == "register_resource" and len(call.args) >= 2 and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, str) and dotted(call.args[1]):
            out["registered"].append((call.args[0].value, dotted(call.args[1]).rpartition(".")[2]))
    for node in source.nodes(ast.Dict):  # Eve: DOMAIN = {"planning_post": {"datasource": {"source": "planning"}}}
        assert isinstance(node, ast.Dict)
        for key, value in zip(node.keys, node.values, strict=False):
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(value, ast.Dict):
                for inner_key, inner in zip(value.keys, value.values, strict=False):
                    if isinstance(inner_key, ast.Constant) and inner_key.value == "datasource" \
                            and (found := _datasource_source(inner)):
                        out["sources"].append((key.value, found))
    return out


class ResourceSources:
    """Resource name -> collection, from every file's resource facts; a name without a datasource is its own collection."""

    def __init__(self, facts: Mapping[str, Any]) -> None:
        self.sources: dict[str, str] = {}
        self.endpoints: dict[str, str] = {}
        self.bases: dict[str, str] = {}
        for _, fact in sorted(facts.items()):
            for attr, into in (("sources", self.sources), ("endpoints", self.endpoints), ("registered", self.endpoints),
                               ("bases", self.bases)):
                for name, value in getattr(fact, attr, ()):
                    into.setdefault(name, value)

    def collection(self, name: str) -> str:
        if name in self.sources:
            return self.sources[name]
        cls = self.endpoints.get(name)
        for _ in range(4):  # the class, then its bases (a PostResource inheriting the datasource)
            if cls is None:
                break
            if cls in self.sources:
                return self.sources[cls]
            cls = self.bases.get(cls)
        return name


def _service_name(node: ast.AST) -> str:
    if isinstance(node, ast.Call) and call_name(node) == "get_resource_service" and node.args:
        first = node.args[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    return ""


_DB = {"app/db.py": "from pymongo import MongoClient\n\nclient = MongoClient()\norders = client.shop.orders\n"
                    "audit = client.shop.audit\n"}


class MongoTransactions(Check):
    id = "mongo-transactions"
    category = "db-transactions"
    severity = "high"
    effort = "2-3d"
    title = "Multi-collection writes in transactions"
    rationale = (
        "A function that writes to several collections without a transaction leaves the data half-written when "
        "it fails between writes (stock reserved, order missing); retries then double-apply the first writes."
    )
    remediation = (
        "Wrap the writes in a session transaction: `with client.start_session() as s: with s.start_transaction(): "
        "...(session=s)` or `s.with_transaction(callback)`, and pass `session=` to every write (needs a replica set)."
    )
    scoring = ("Share of functions writing to two or more collections that do it inside a session transaction, in the "
               "service's code and its commands (a scheduled purge runs against production); a migration or a script "
               "runs once, by hand.")
    roles_note = "Service code and commands count; migrations, scripts, tests and fixtures do not."
    needles = (*sorted(WRITE_METHODS), "get_resource_service", "datasource", "register_resource")
    equivalents = (
        Equivalent("call", ("start_session() + start_transaction()", "session.with_transaction(callback)"), True,
                   "the writes share a session transaction"),
        Equivalent("call", tuple(sorted(WRITE_METHODS)), True,
                   "writes to two or more collections in one function, directly, through a service layer or a "
                   "model's methods one call level away, through Eve resource services, or through the project's "
                   "write wrappers given the collection's name (mongo_insert_one('analysis', doc))"),
        Equivalent("file", ("writes to one collection",), False, "one collection needs no transaction"),
        Equivalent("file", ("two resources over one datasource",), False, "one collection under two names"),
        Equivalent("file", ("migrations/",), False, "a migration runs once, by hand"),
    )
    examples = (
        Example({"server/app.py": "from eve import Eve\n\napp = Eve()\n", "requirements.txt": "eve\npymongo\n",
                 "server/syndication.py": "from superdesk import get_resource_service\n\n\n"
                 "def syndicate(item: dict, post: dict) -> None:\n"
                 "    get_resource_service('client_items').post([item])\n"
                 "    posts = get_resource_service('client_posts')\n    posts.post([post])\n"},
                findings=1, lines=(4,), note="writes through Eve resource services, one call level away"),
        Example({"server/app.py": "from eve import Eve\n\napp = Eve()\n", "requirements.txt": "eve\npymongo\n",
                 "server/planning/resources.py": "import superdesk\nfrom superdesk.resource import Resource\n\n\n"
                 "class PlanningResource(Resource):\n    datasource = {'source': 'planning', 'default_sort': [('_id', 1)]}\n\n\n"
                 "class PlanningSpikeResource(PlanningResource):\n    url = 'planning/spike'\n\n\n"
                 "def init_app(app):\n    superdesk.register_resource('planning_spike', PlanningSpikeResource, None)\n"
                 "    superdesk.register_resource('planning', PlanningResource, None)\n",
                 "server/planning/post.py": "from superdesk import get_resource_service\n\n\n"
                 "def post_related(plan: dict) -> None:\n    get_resource_service('planning').patch(plan['_id'], plan)\n"
                 "    get_resource_service('planning_spike').patch(plan['_id'], {'state': 'spiked'})\n"},
                findings=0, status="n/a", note="two resources whose datasource is one collection"),
        Example({**_DB, "app/orders.py": (
            "from app.db import audit, orders\n\n\ndef create(order):\n    orders.insert_one(order)\n"
            "    audit.insert_one({'event': 'created'})\n")}, findings=1, lines=(4,)),
        Example({**_DB, "app/store.py": "from app.db import client\n\n\ndef mongo_insert_one(name, doc):\n"
                 "    return client.shop[name].insert_one(doc)\n\n\ndef mongo_delete_many(name, query):\n"
                 "    return client.shop[name].delete_many(query)\n",
                 "app/reports.py": "from app.store import mongo_delete_many, mongo_insert_one\n\n\n"
                 "def replace(report, calls):\n    mongo_delete_many('calls', {'_id': {'$in': calls}})\n"
                 "    mongo_insert_one('analysis', report)\n"}, findings=1, lines=(4,),
                note="the project's write wrappers, given each collection's name"),
        Example({**_DB, "app/store.py": "from app.db import client\n\n\ndef mongo_insert_one(name, doc):\n"
                 "    return client.shop[name].insert_one(doc)\n",
                 "app/reports.py": "from app.store import mongo_insert_one\n\n\n"
                 "def save(report, summary):\n    mongo_insert_one('analysis', report)\n"
                 "    mongo_insert_one('analysis', summary)\n"}, findings=0, status="n/a",
                note="a write wrapper used twice on one collection"),
        Example({**_DB, "app/orders.py": (
            "from app.db import audit, client, orders\n\n\ndef create(order):\n"
            "    with client.start_session() as s:\n        with s.start_transaction():\n"
            "            orders.insert_one(order, session=s)\n            audit.insert_one({'e': 1}, session=s)\n")},
            findings=0, status="pass"),
        Example({**_DB, "app/orders.py": (
            "from app.db import audit, client, orders\n\n\ndef _write(s):\n    orders.insert_one({}, session=s)\n"
            "    audit.insert_one({}, session=s)\n\n\ndef create():\n    with client.start_session() as s:\n"
            "        s.with_transaction(_write)\n")}, findings=0, status="pass", note="a with_transaction callback"),
        Example({**_DB, "app/orders.py": (
            "import pymongo\nfrom app.db import orders\n\n\ndef create(order):\n    orders.insert_one(order)\n"
            "    orders.update_one({'_id': 1}, {'$set': {'n': 2}})\n")}, findings=0, status="n/a",
            note="one collection only"),
        Example({**_DB, "app/crud.py": (
            "class CRUDToken:\n    def _collection(self, db):\n        return db['tokens']\n\n"
            "    async def create(self, db, token, user):\n        await self._collection(db).insert_one(token)\n"
            "        await db[User.__collection__].replace_one({'_id': user['_id']}, user)\n")}, findings=1, lines=(5,),
            note="a CRUD helper's collection and a model's collection"),
        Example({"mylib/x.py": "def f(d):\n    d.insert_one(1)\n    e.insert_one(2)\n"}, findings=0, status="n/a",
                note="no MongoDB in the project"),
        Example({**_DB, "migrations/20240101_split_nodes.py": (
            "from app.db import events, nodes\n\n\ndef upgrade(db):\n    for node in nodes.find():\n"
            "        events.insert_one({'node': node['_id']})\n        nodes.update_one({'_id': node['_id']}, {'$unset': {'log': 1}})\n")},
            findings=0, status="n/a", note="a migration runs once, by hand: not the service's writes"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if file_role(source, options) not in (SERVICE, CLI):
            return None
        by_function: dict[int, tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[tuple[ast.Call, str]]]] = {}
        through_services = service_writes(source)
        for call, collection in [*query_calls(source, WRITE_METHODS), *through_services, *wrapped_writes(source)]:
            func = enclosing_function(source, call)
            if func is None or not collection:
                continue
            by_function.setdefault(id(func), (func, []))[1].append((call, collection))
        callbacks = {
            dotted(a) for call in source.nodes(ast.Call) if call_name(call) == "with_transaction"
            for a in getattr(call, "args", [])[:1]
        }
        out = FileOutcome()
        problems = []
        pending = []
        services = {id(call) for call, _ in through_services}
        for func, writes in by_function.values():
            collections = sorted({c for _, c in writes})
            if len(collections) < 2:
                continue
            if any(id(call) in services for call, _ in writes):  # resolved in evaluate, with every file's resources
                names = tuple(sorted({(c, id(call) in services) for call, c in writes}))
                pending.append((func.lineno, func.col_offset + 1, func.name, names,
                                self._transactional(func, writes, callbacks)))
                continue
            out.counts["functions"] += 1
            if self._transactional(func, writes, callbacks):
                out.counts["transactional"] += 1
                out.evidence.append(Evidence(f"{func.name} writes {', '.join(collections)} in a transaction",
                                             source.path, func.lineno))
            else:
                problems.append((func.lineno, func.col_offset + 1,
                                 f"{func.name} writes to {len(collections)} collections ({', '.join(collections)}) "
                                 "without a transaction"))
        found = resource_facts(source)
        out.facts = TransactionFacts(tuple(problems), tuple(pending), *(tuple(found[k]) for k in (
            "sources", "endpoints", "registered", "bases")))
        return out

    @staticmethod
    def _transactional(func: ast.AST, writes: list[tuple[ast.Call, str]], callbacks: set[str]) -> bool:
        if getattr(func, "name", "") in callbacks:
            return True
        if any(call_name(n) in ("start_transaction", "with_transaction") for n in ast.walk(func) if isinstance(n, ast.Call)):
            return True
        return all(any(k.arg == "session" for k in call.keywords) for call, _ in writes)

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not profile_of(project).mongodb:
            return Verdict(NotApplicable(NO_MONGO))
        total = collected.counts["functions"]
        good = collected.counts["transactional"]
        findings = list(deferred_findings(project, collected, self.id))
        resources = ResourceSources(collected.facts)
        for path, facts in sorted(collected.facts.items()):
            for line, column, name, writes, transactional in getattr(facts, "pending", ()):
                collections = sorted({resources.collection(n) if service else n for n, service in writes})
                if len(collections) < 2:
                    continue  # resources backed by one collection
                total += 1
                if transactional:
                    good += 1
                elif not inline_suppressed(project, path, line, self.id):
                    findings.append(Finding(path, line, column, self.id,
                                            f"{name} writes to {len(collections)} collections ({', '.join(collections)}) "
                                            "without a transaction"))
        if not total:
            return Verdict(NotApplicable("no function writes to more than one collection"))
        return Verdict(Share(good, total, "functions writing several collections", "use a transaction"),
                       summary=f"{good} of {total} functions writing several collections use a transaction",
                       findings=tuple(sorted(findings, key=lambda f: (f.path, f.line, f.column))))


# -- client configuration ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ClientFact:
    line: int
    column: int
    kind: str
    options: tuple[tuple[str, str], ...] = ()  # lower-cased option -> value as text ("?" when not a literal)


@dataclass
class MongoFileFacts:
    clients: list[ClientFact] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)  # options set anywhere in the file's configuration
    reconnect: list[int] = field(default_factory=list)  # lines handling AutoReconnect & co
    query_timeouts: list[int] = field(default_factory=list)  # lines bounding queries (maxTimeMS, pymongo.timeout)
    own: list[int] = field(default_factory=list)  # lines where the service configures MongoDB as its own database
    settings: list[tuple[int, str]] = field(default_factory=list)  # (line, name): MONGO_URI & co set at module level
    sql: bool = False  # the file uses a SQL database library


# The service's own MongoDB: a setting or URI named for it. A client built only from a data source's runtime
# configuration (``MongoClient(self.configuration["connectionString"])``) is a connector, not the service's database.
_OWN_MONGO = lazy_compile(r"^(\w+_)?mongo(db)?_(ur[il]|host|db|dbname|database|database_uri|db_url|settings|options|"
                        r"port|name)$|mongodb(\+srv)?://", re.IGNORECASE)
# Settings from which a framework builds the client: Eve and Flask-PyMongo (MONGO_URI, MONGO_HOST, MONGO_DBNAME),
# Flask-MongoEngine (MONGODB_SETTINGS, MONGODB_HOST).
_SETTINGS_CLIENT = frozenset({"MONGO_URI", "MONGO_HOST", "MONGO_DBNAME", "MONGODB_SETTINGS", "MONGODB_HOST"})
_SETTINGS_FRAMEWORKS = ("eve", "superdesk", "flask_pymongo", "flask_mongoengine", "eve_sqlalchemy")
_SQL_MODULES = frozenset({"sqlalchemy", "psycopg2", "psycopg", "asyncpg", "flask_sqlalchemy", "sqlmodel", "peewee",
                          "tortoise", "pymysql", "MySQLdb", "aiopg", "databases"})


def imports_sql(imports: Iterable[str]) -> bool:
    """Whether these imported modules include a SQL database library."""
    return any(m.split(".")[0] in _SQL_MODULES for m in imports)


def mongo_only_in_commands(project: Project) -> str | None:
    """The command that alone imports a MongoDB client, in a service that runs on a SQL database (an import
    of a data dump run by hand): then the MongoDB checks do not apply to the service. None otherwise."""
    users = sorted(path for path, modules in project.imports.items()
                   if is_application_path(path) and any(component_of(m.split(".")[0]) in MONGODB for m in modules))
    # a command, a migration, or a script run elsewhere (an Ansible module that checks the MongoDB a host runs)
    if not users or any((project.file_roles.get(path) or path_role(path)) not in (CLI, MIGRATION, SCRIPT)
                        and path_role(path) not in (CLI, MIGRATION) for path in users):
        return None
    service = [modules for path, modules in project.imports.items() if path_role(path) == SERVICE]
    if any(m.split(".")[0] in _SETTINGS_FRAMEWORKS for modules in service for m in modules):
        return None  # Eve or Flask-PyMongo build the service's own client from its settings
    if declared_distributions(project) & {"djongo", "django-mongodb-backend"}:
        return None  # Django's ORM on MongoDB
    if not any(imports_sql(modules) or "django" in modules for modules in service):  # Django's ORM: SQL here
        return None
    return users[0]


def _literal(node: ast.AST, source: SourceFile | None = None) -> str:
    """A keyword's value as text; a local name set to ``x or None`` (or to None) is "None": no limit by default."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Name) and source is not None:
        values = [a.value for a in source.nodes(ast.Assign) if isinstance(a, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)]
        if len(values) == 1:
            value = values[0]
            if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
                value = value.values[-1]
            if isinstance(value, ast.Constant) and value.value is None:
                return "None"
    return "?"


def _module_level(source: SourceFile) -> list[ast.stmt]:
    """Statements that run at import: the module body and the bodies of its top-level if/try/with blocks."""
    assert source.tree is not None
    out: list[ast.stmt] = []
    todo = list(source.tree.body)
    while todo:
        stmt = todo.pop(0)
        out.append(stmt)
        if isinstance(stmt, (ast.If, ast.Try, ast.With)):
            todo += [*stmt.body, *getattr(stmt, "orelse", []), *getattr(stmt, "finalbody", [])]
            todo += [s for h in getattr(stmt, "handlers", []) for s in h.body]
    return out


# A host named for what goes there ("host:port", "<host>", "{host}"): a form's hint, not an address.
_PLACEHOLDER_HOST = lazy_compile(r"://(?:[^/@\s]*@)?(?:host(?:name)?\d*|<[^>]*>|\{[^}]*\})(?=[:/,?\s]|$)",
                                 re.IGNORECASE)


def _usable_uri(text: str) -> bool:
    """Whether a string naming MongoDB could be the service's own address: a bare scheme
    (``"mongodb://"``, tested or prefixed) or a placeholder in a form's hint is not."""
    if "://" not in text:
        return True  # a setting's name held in a string (``os.environ["MONGO_URI"]``)
    return not text.rstrip().endswith("://") and not _PLACEHOLDER_HOST.search(text)


_DJANGO_MONGO_ENGINES = {"djongo": "CLIENT", "django_mongodb_backend": "OPTIONS"}


def _django_mongo_database(node: ast.Dict) -> ClientFact | None:
    """A Django ``DATABASES`` entry on MongoDB (djongo, django-mongodb-backend): Django builds the client from its
    ``CLIENT`` (djongo) or ``OPTIONS`` dict and the host URI, so those are the client's options."""
    entry = {k.value: v for k, v in zip(node.keys, node.values, strict=True)
             if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    engine = entry.get("ENGINE")
    if not (isinstance(engine, ast.Constant) and engine.value in _DJANGO_MONGO_ENGINES):
        return None
    opts: dict[str, str] = {}
    inner = entry.get(_DJANGO_MONGO_ENGINES[engine.value])
    if isinstance(inner, ast.Dict):
        for key, value in zip(inner.keys, inner.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                if key.value.lower() in OPTIONS:
                    opts[key.value.lower()] = _literal(value)
                elif key.value == "host" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    opts.update(uri_options(value.value))
    host = entry.get("HOST")
    if isinstance(host, ast.Constant) and isinstance(host.value, str):
        opts.update(uri_options(host.value))
    return ClientFact(node.lineno, node.col_offset + 1, f"Django DATABASES ({engine.value})", tuple(sorted(opts.items())))


# mongoengine's connect, as imported or through its connection module (mongoengine.connection.connect)
_MONGOENGINE_CONNECT = frozenset({"connect", "mongoengine.connect", "mongoengine.connection.connect", "connection.connect"})


def _mongo_facts(source: SourceFile) -> MongoFileFacts:
    facts = MongoFileFacts()
    mongoengine = "mongoengine" in source.imports
    own_nodes: set[int] = set()  # a client's own arguments belong to that client, not to the configuration
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = call_name(call)
        is_client = name in CLIENT_CLASSES or (
            name == "connect" and mongoengine and dotted(call.func) in _MONGOENGINE_CONNECT)
        for keyword in call.keywords:
            if keyword.arg and keyword.arg.lower() in OPTIONS and not is_client:
                facts.options.setdefault(keyword.arg.lower(), _literal(keyword.value))
            if keyword.arg == "maxTimeMS":
                facts.query_timeouts.append(call.lineno)
        if name == "max_time_ms" or (name == "timeout" and dotted(call.func).startswith("pymongo")):
            facts.query_timeouts.append(call.lineno)
        if is_client:
            own_nodes.update(id(a) for a in [*call.args, *(k.value for k in call.keywords)])
            opts: dict[str, str] = {}
            uri_node = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "host"), None)
            if isinstance(uri_node, ast.Constant) and isinstance(uri_node.value, str):
                opts.update(uri_options(uri_node.value))
            for keyword in call.keywords:
                if keyword.arg and keyword.arg.lower() in OPTIONS:
                    opts[keyword.arg.lower()] = _literal(keyword.value, source)
            facts.clients.append(ClientFact(call.lineno, call.col_offset + 1, name, tuple(sorted(opts.items()))))
            if not any(isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef)) for a in source.ancestors(call)):
                facts.own.append(call.lineno)  # a client built at import: the service's own
    for node in source.nodes(ast.Dict):
        assert isinstance(node, ast.Dict)
        client = _django_mongo_database(node)
        if client is not None:
            own_nodes.update(id(n) for n in ast.walk(node))
            facts.clients.append(client)
            facts.own.append(node.lineno)
    facts.sql = imports_sql(source.imports)
    by_hand = main_block_nodes(source)
    for node in source.nodes(ast.Name, ast.Attribute, ast.Constant):
        text = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "value", None)
        if not (isinstance(text, str) and len(text) < 200 and _OWN_MONGO.search(text)):
            continue
        if isinstance(node, ast.Constant) and not _usable_uri(text):
            continue  # a scheme tested or prefixed (``host.startswith("mongodb://")``) or a form's hint
        if id(node) in by_hand:
            continue  # ``if __name__ == "__main__":`` tries a connector by hand
        facts.own.append(getattr(node, "lineno", 0))
        break
    for stmt in _module_level(source):
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id in _SETTINGS_CLIENT:
                    facts.settings.append((stmt.lineno, target.id))
    facts.settings.sort(key=lambda item: (item[1] == "MONGO_DBNAME", item[0]))  # the URI or host names the client
    for node in source.nodes(ast.Constant):
        value = getattr(node, "value", None)
        if not isinstance(value, str) or id(node) in own_nodes:
            continue
        if value.lower() in OPTIONS:
            facts.options.setdefault(value.lower(), "?")
        for uri in _URI.findall(value):
            for key, val in uri_options(uri).items():
                facts.options.setdefault(key, val)
    for handler in source.nodes(ast.ExceptHandler):
        assert isinstance(handler, ast.ExceptHandler)
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(dotted(t).rpartition(".")[2] in ("AutoReconnect", "ConnectionFailure", "ServerSelectionTimeoutError",
                                                 "NetworkTimeout") for t in types if t is not None):
            facts.reconnect.append(handler.lineno)
    for node in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        for deco in getattr(node, "decorator_list", []):
            if "retry" in (dotted(deco.func if isinstance(deco, ast.Call) else deco) or "").lower() and "AutoReconnect" in \
                    ast.unparse(deco):
                facts.reconnect.append(deco.lineno)
    return facts


def mongo_facts(source: SourceFile) -> MongoFileFacts:
    return memo(source, _mongo_facts)


def _configured_options(project: Project, collected: Collected) -> dict[str, str]:
    """Options set anywhere in application code or in deployment/configuration files' URIs."""
    def from_files(p: Project) -> dict[str, str]:
        out: dict[str, str] = {}
        for rel in p.glob(*DEPLOY_GLOBS):
            if not is_application_path(rel):
                continue
            text = p.read_text(rel)
            if not text or "mongodb" not in text:
                continue
            for uri in _URI.findall(text):
                for key, val in uri_options(uri).items():
                    out.setdefault(key, val)
        return out
    options = dict(project.tool("mongo-uri-options", from_files))
    for facts in collected.facts.values():
        if isinstance(facts, MongoFileFacts):
            for key, value in facts.options.items():
                options.setdefault(key, value)
    return options


def _client_equivalents() -> tuple[Equivalent, ...]:
    """The clients whose options the client checks judge, from the tables the checks consult."""
    return (
        Equivalent("call", tuple(sorted(CLIENT_CLASSES)), True, "a pymongo or motor client built in the service's code "
                   "(beanie and odmantic bind their documents to a motor client)"),
        Equivalent("call", tuple(sorted(_MONGOENGINE_CONNECT)), True, "mongoengine builds its client from connect()'s options"),
        Equivalent("setting", tuple(sorted(_SETTINGS_CLIENT)), True,
                   f"settings a framework builds its client from ({', '.join(_SETTINGS_FRAMEWORKS)})"),
        Equivalent("setting", tuple(f"DATABASES ENGINE {e} ({k})" for e, k in sorted(_DJANGO_MONGO_ENGINES.items())), True,
                   "Django builds the client from the database entry's options"),
        Equivalent("setting", ("mongodb://...?option=value",), True, "an option in the URI, in code, a manifest or .env"),
        Equivalent("file", ("a client built from a data source's configuration in a service on SQL",), False,
                   "a connector to the users' MongoDB, not the service's database"),
        Equivalent("file", ("a command or script the only MongoDB user",), False,
                   "a one-off import in a service that runs on a SQL database"),
        Equivalent("import", ("ansible_collections...mongodb",), False, "an Ansible module run against a managed server"),
    )


class _ClientCheck(Check):
    category = "db-transactions"
    needles = ("MongoClient", "MotorClient", "AsyncMongoClient", "mongoengine", "mongodb", "maxTimeMS", "max_time_ms",
               "PoolSize", "TimeoutMS", "AutoReconnect", "retryWrites", "retryReads", "MONGO", "sqlalchemy", "psycopg",
               "asyncpg", "sqlmodel", "peewee", "tortoise", "pymysql", "MySQLdb", "aiopg", "djongo",
               "django_mongodb_backend")
    noun: ClassVar[str] = ""

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if not is_application_path(source.path):
            return None
        facts = mongo_facts(source)
        if not (facts.clients or facts.options or facts.reconnect or facts.query_timeouts or facts.own or facts.sql):
            return None
        return FileOutcome(facts=facts)

    def judge(self, client: ClientFact, configured: Mapping[str, str], extra: list[Evidence]) -> str:
        """'' when the client is fine, else what is wrong."""
        raise NotImplementedError

    def extra_evidence(self, collected: Collected) -> list[Evidence]:
        return []

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not profile_of(project).mongodb:
            return Verdict(NotApplicable(NO_MONGO))
        if (command := mongo_only_in_commands(project)) is not None:
            return Verdict(NotApplicable(f"MongoDB is used only by a command or a script ({command}) in a service that runs on "
                                         "a SQL database"))
        facts = [(path, f) for path, f in sorted(collected.facts.items()) if isinstance(f, MongoFileFacts)]
        clients = [(path, c) for path, f in facts for c in f.clients]
        if not clients and any(m.split(".")[0] in _SETTINGS_FRAMEWORKS for ms in project.imports.values() for m in ms):
            clients = [(path, ClientFact(line, 1, f"{name} (the framework builds the client)"))
                       for path, f in facts for line, name in f.settings[:1]]
        if not clients:
            return Verdict(NotApplicable("no MongoDB client constructed in application code"))
        if not any(f.own or f.settings for _, f in facts) and any(f.sql for _, f in facts):
            path, first = clients[0]
            return Verdict(NotApplicable(f"MongoDB is only a connector built from runtime configuration ({path}:"
                                         f"{first.line}) in a service that runs on a SQL database"))
        configured = _configured_options(project, collected)
        extra = self.extra_evidence(collected)
        findings, evidence = [], list(extra)
        for path, client in clients:
            problem = self.judge(client, configured, extra)
            if problem:
                findings.append(Finding(path, client.line, client.column, self.id, f"{client.kind} {problem}"))
            else:
                evidence.append(Evidence(f"{client.kind} {self.noun}", path, client.line))
        good = len(clients) - len(findings)
        return Verdict(Share(good, len(clients), "MongoDB clients", self.noun),
                       summary=f"{good} of {len(clients)} MongoDB clients {self.noun}",
                       evidence=tuple(evidence), findings=tuple(findings))


def _opt(client: ClientFact, configured: Mapping[str, str], name: str) -> str | None:
    own = dict(client.options)
    if name in own:
        return own[name]
    return configured.get(name)


_MONGO_APP = "from pymongo import MongoClient\n\nclient = MongoClient({args})\n"


# ODMs for FastAPI services: their documents live on a motor client, whose options are the ones judged.
_BEANIE = ("from beanie import Document, init_beanie\nfrom motor.motor_asyncio import AsyncIOMotorClient\n\n"
           "from app.config import settings\n\n\nclass Order(Document):\n    total: int\n\n\n"
           "async def start():\n    client = AsyncIOMotorClient({args})\n"
           "    await init_beanie(database=client.shop, document_models=[Order])\n")
_ODMANTIC = ("from motor.motor_asyncio import AsyncIOMotorClient\nfrom odmantic import AIOEngine\n\n"
             "from app.config import settings\n\nengine = AIOEngine(client=AsyncIOMotorClient({args}), database='shop')\n")


def _mongo_example(args: str, **kw: Any) -> Example:
    return Example({"app/db.py": _MONGO_APP.format(args=args)}, **kw)


class DbConnectionRetry(_ClientCheck):
    id = "db-connection-retry"
    severity = "medium"
    effort = "0.5d"
    title = "MongoDB retries and server selection timeout"
    noun = "retry and fail fast"
    rationale = (
        "Replica-set elections and network blips are routine; retryable reads and writes ride them out. Without "
        "a server selection timeout every request hangs 30 seconds when the database is unreachable."
    )
    remediation = (
        "Keep `retryWrites`/`retryReads` on (the default), set `serverSelectionTimeoutMS` (e.g. 5000) on the client "
        "or in the URI, and handle `AutoReconnect`/`ServerSelectionTimeoutError` where a retry makes sense."
    )
    scoring = "Share of MongoDB clients that keep retries on and set serverSelectionTimeoutMS (in code, URI or config)."
    equivalents = (
        *_client_equivalents(),
        Equivalent("argument", ("serverSelectionTimeoutMS",), True, "fails fast when the database is unreachable"),
        Equivalent("argument", ("retryWrites=false", "retryReads=false"), False, "retries switched off"),
    )
    examples = (
        _mongo_example("'mongodb://db:27017', serverSelectionTimeoutMS=5000", findings=0, status="pass"),
        _mongo_example("'mongodb://db:27017/?serverSelectionTimeoutMS=5000&retryWrites=false'", findings=1,
                       note="retries disabled in the URI"),
        _mongo_example("'mongodb://db:27017'", findings=1),
        Example({"app/db.py": _MONGO_APP.format(args="MONGODB_URI"),
                 ".env": "MONGODB_URI=mongodb://db:27017/?serverSelectionTimeoutMS=3000\n"}, findings=0, status="pass",
                note="the URI in .env carries the option"),
        Example({"app/db.py": _BEANIE.format(args="settings.MONGO_URL, serverSelectionTimeoutMS=5000")},
                findings=0, status="pass", note="the motor client beanie's documents are bound to"),
        Example({"app/db.py": _ODMANTIC.format(args="settings.MONGO_URL")}, findings=1, status="fail",
                note="the motor client an odmantic engine wraps, left at its defaults"),
        Example({"mylib/x.py": "def f():\n    return 1\n"}, status="n/a", note="no MongoDB"),
    )

    def extra_evidence(self, collected: Collected) -> list[Evidence]:
        return [Evidence("reconnect handled", path, line) for path, f in sorted(collected.facts.items())
                if isinstance(f, MongoFileFacts) for line in f.reconnect[:3]]

    def judge(self, client: ClientFact, configured: Mapping[str, str], extra: list[Evidence]) -> str:
        own = dict(client.options)
        for name, label in (("retrywrites", "retryWrites"), ("retryreads", "retryReads")):
            if own.get(name, configured.get(name, "true")).lower() in ("false", "0"):
                return f"disables {label}"
        if _opt(client, configured, "serverselectiontimeoutms") is None:
            return "sets no serverSelectionTimeoutMS (requests hang 30 s when the database is down)"
        return ""


class DbQueryTimeouts(_ClientCheck):
    id = "db-query-timeouts"
    severity = "medium"
    effort = "0.5d"
    title = "MongoDB operation timeouts"
    noun = "bound operation time"
    rationale = (
        "A query without a time limit can run, and hold a connection, for as long as the server lets it: one slow "
        "collection scan then exhausts the pool and every request queues behind it."
    )
    remediation = (
        "Set `timeoutMS` (pymongo 4.2+) or `socketTimeoutMS` on the client or in the URI, and `maxTimeMS` / "
        "`max_time_ms()` / `with pymongo.timeout(...)` on expensive queries."
    )
    scoring = "Share of MongoDB clients with timeoutMS or socketTimeoutMS set, or whose queries use maxTimeMS."
    equivalents = (
        *_client_equivalents(),
        Equivalent("argument", ("timeoutMS", "socketTimeoutMS"), True, "every operation bounded"),
        Equivalent("call", ("maxTimeMS", "max_time_ms()", "pymongo.timeout()"), True, "expensive queries bounded"),
        Equivalent("argument", ("connectTimeoutMS", "serverSelectionTimeoutMS"), False, "bound connecting, not queries"),
    )
    examples = (
        _mongo_example("'mongodb://db:27017', timeoutMS=5000", findings=0, status="pass"),
        _mongo_example("'mongodb://db:27017/?socketTimeoutMS=10000'", findings=0, status="pass"),
        _mongo_example("'mongodb://db:27017', connectTimeoutMS=2000", findings=1,
                       note="a connect timeout does not bound queries"),
        Example({"app/db.py": _ODMANTIC.format(args="settings.MONGO_URL, timeoutMS=5000")}, findings=0, status="pass",
                note="the motor client an odmantic engine wraps"),
        Example({"app/db.py": _BEANIE.format(args="settings.MONGO_URL")}, findings=1, status="fail",
                note="the motor client beanie's documents are bound to, left without timeouts"),
        Example({"mylib/x.py": "def f():\n    return 1\n"}, status="n/a", note="no MongoDB"),
    )

    def extra_evidence(self, collected: Collected) -> list[Evidence]:
        return [Evidence("query time bounded (maxTimeMS)", path, line) for path, f in sorted(collected.facts.items())
                if isinstance(f, MongoFileFacts) for line in f.query_timeouts[:3]]

    def judge(self, client: ClientFact, configured: Mapping[str, str], extra: list[Evidence]) -> str:
        if _opt(client, configured, "timeoutms") is not None or _opt(client, configured, "sockettimeoutms") is not None:
            return ""
        if extra:
            return ""
        return "sets no timeoutMS or socketTimeoutMS and no query uses maxTimeMS"


_DJONGO = ("import os\n\nDATABASES = {{\n    'default': {{\n        'ENGINE': 'djongo',\n        'NAME': 'shop',\n"
           "        'CLIENT': {{{client}}},\n    }},\n}}\n")


class DbPoolConfig(_ClientCheck):
    id = "db-pool-config"
    severity = "low"
    effort = "0.5d"
    title = "MongoDB connection pool sized"
    noun = "size their pool"
    rationale = (
        "The default pool (100 connections per client, per process) multiplied by workers and replicas can exceed "
        "what the database accepts; an explicit size makes capacity a decision rather than an accident."
    )
    remediation = "Set `maxPoolSize` (and `minPoolSize`/`maxIdleTimeMS` where useful) on the client or in the URI."
    scoring = "Share of MongoDB clients with maxPoolSize, minPoolSize or maxIdleTimeMS set (in code, URI or config)."
    equivalents = (
        *_client_equivalents(),
        Equivalent("argument", ("maxPoolSize", "minPoolSize", "maxIdleTimeMS"), True, "the pool sized"),
        Equivalent("argument", ("maxPoolSize=None", "maxPoolSize=0"), False, "an unbounded pool"),
    )
    examples = (
        Example({"apps/settings.py": "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'jms'}}\n",
                 "apps/assets/views.py": "from django.http import JsonResponse\n\n\ndef ping(request):\n"
                                         "    return JsonResponse({})\n",
                 "apps/libs/ansible/modules_utils/mongodb_client.py":
                     "from ansible_collections.community.mongodb.plugins.module_utils.mongodb_common import MongoClient\n"
                     "from pymongo.errors import PyMongoError\n\n\n"
                     "def connect(module):\n    try:\n        return MongoClient(module.params['login_host'])\n"
                     "    except PyMongoError as exc:\n        module.fail_json(msg=str(exc))\n",
                 "requirements.txt": "django\npsycopg2\npymongo\n"},
                status="n/a", note="an Ansible module the service runs against the MongoDB it manages is not its datastore"),
        _mongo_example("'mongodb://db:27017', maxPoolSize=20", findings=0, status="pass"),
        _mongo_example("'mongodb://db:27017/?maxPoolSize=20'", findings=0, status="pass"),
        _mongo_example("'mongodb://db:27017'", findings=1),
        Example({"mylib/x.py": "def f():\n    return 1\n"}, status="n/a", note="no MongoDB"),
        Example({"app/db.py": "import os\n\nfrom pymongo import MongoClient\n\n\ndef connect():\n"
                 "    max_pool = os.environ.get('MONGO_MAX_POOL') or None\n"
                 "    return MongoClient(os.environ['MONGO_URI'], maxPoolSize=max_pool)\n"}, findings=1,
                note="maxPoolSize=None is an unbounded pool"),
        Example({"server/settings.py": "import os\n\nMONGO_DBNAME = os.environ.get('MONGO_DBNAME', 'blog')\n"
                 "MONGO_URI = os.environ.get('MONGO_URI', 'mongodb://localhost/blog')\n",
                 "server/app.py": "from eve import Eve\n\napp = Eve(settings='settings.py')\n",
                 "requirements.txt": "eve\npymongo\n"}, findings=1, lines=(4,),
                note="Eve builds its client from MONGO_URI: the settings are judged"),
        Example({"app/models.py": "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
                 "app/sources/mongo.py": "import pymongo\n\n\nclass MongoSource:\n"
                 "    def __init__(self, configuration: dict) -> None:\n        self.configuration = configuration\n\n"
                 "    def run(self, query: dict) -> list:\n"
                 "        client = pymongo.MongoClient(self.configuration['connectionString'])\n"
                 "        return list(client.db.items.find(query))\n",
                 "requirements.txt": "sqlalchemy\npymongo\n"}, status="n/a",
                note="a MongoDB connector in a service that runs on a SQL database"),
        Example({"app/db.py": "from sqlmodel import create_engine\n\nengine = create_engine('postgresql://db/app')\n",
                 "app/providers/mongodb_provider.py": (
                     "import os\n\nimport pymongo\n\nHINT = {'host': 'mongodb+srv://host:port, mongodb://host1:port1'}\n\n\n"
                     "class MongoProvider:\n    def __init__(self, config: dict) -> None:\n        self.config = config\n\n"
                     "    def client(self) -> pymongo.MongoClient:\n        host = self.config['host']\n"
                     "        if not host.startswith('mongodb://'):\n            host = f'mongodb://{host}'\n"
                     "        return pymongo.MongoClient(host)\n\n\n"
                     "if __name__ == '__main__':\n    print(MongoProvider({'host': os.environ['MONGODB_HOST']}).client())\n"),
                 "requirements.txt": "sqlmodel\npymongo\n"}, status="n/a",
                note="a provider that queries its users' MongoDB (a form's hint, a scheme prefixed, a demo run by "
                     "hand) in a service on SQL"),
        Example({"shop/models.py": "import psycopg2\nfrom django.db import models\n",
                 "shop/management/commands/import_products.py": (
                     "import pymongo\nfrom django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n"
                     "    def handle(self, *args, **options):\n        client = pymongo.MongoClient('mongodb://localhost')\n"
                     "        return list(client.dump.products.find())\n"),
                 "requirements.txt": "django\npsycopg2\npymongo\n"}, status="n/a",
                note="MongoDB only in a command that imports a data dump; the service runs on PostgreSQL"),
        Example({"shop/settings.py": _DJONGO.format(client="'host': os.environ['MONGO_URI'], 'maxPoolSize': 30"),
                 "requirements.txt": "django\ndjongo\n"}, findings=0, status="pass",
                note="djongo: Django builds the client from DATABASES['default']['CLIENT']"),
        Example({"shop/settings.py": _DJONGO.format(client="'host': os.environ['MONGO_URI']"),
                 "requirements.txt": "django\ndjongo\n"}, findings=1, lines=(4,),
                note="djongo settings without a pool size"),
        Example({"app/db.py": "import mongoengine\n\nfrom app.config import settings\n\n"
                 "mongoengine.connect(host=settings.MONGO_URL, maxPoolSize=50)\n"}, findings=0, status="pass",
                note="mongoengine.connect passes its options to the client it builds"),
        Example({"app/db.py": "import mongoengine\n\nfrom app.config import settings\n\n"
                 "mongoengine.connect(host=settings.MONGO_URL)\n"}, findings=1, status="fail",
                note="mongoengine.connect without a pool size"),
        Example({"app/db.py": _BEANIE.format(args="settings.MONGO_URL, maxPoolSize=None")}, findings=1, status="fail",
                note="the motor client beanie uses, with an unbounded pool"),
    )

    def judge(self, client: ClientFact, configured: Mapping[str, str], extra: list[Evidence]) -> str:
        if _opt(client, configured, "maxpoolsize") in ("None", "0"):
            return "sets maxPoolSize to None or 0, which removes the limit"
        if any(_opt(client, configured, o) is not None for o in ("maxpoolsize", "minpoolsize", "maxidletimems")):
            return ""
        return "sets no maxPoolSize"


CHECKS: list[type[Check]] = [MongoTransactions, DbConnectionRetry, DbQueryTimeouts, DbPoolConfig]
