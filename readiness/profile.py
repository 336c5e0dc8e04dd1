"""What a project is built with: web frameworks and service clients, from imports and declarations.

Checks use the profile to decide whether they apply (no MongoDB → the MongoDB checks are n/a;
no web framework → a library, so the service checks are n/a). Imports of application code count,
and so do dependencies declared in pyproject.toml (PEP 621 and Poetry), requirements*.txt,
setup.cfg and Pipfile; test, example and development declarations do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from readiness.lazy_regex import lazy_compile
from readiness.paths import is_application_path
from readiness.project import Project, load_toml_document
from readiness.roles import GENERATED, SCRIPT

FRAMEWORKS: Mapping[str, str] = {"fastapi": "FastAPI", "flask": "Flask", "django": "Django", "starlette": "Starlette"}
CLIENTS: Mapping[str, str] = {
    "pymongo": "pymongo", "motor": "motor", "mongoengine": "mongoengine", "beanie": "beanie",
    "requests": "requests", "httpx": "httpx", "aiohttp": "aiohttp", "redis": "redis", "celery": "Celery",
}
MONGODB = frozenset({"pymongo", "motor", "mongoengine", "beanie"})
# Other web frameworks and WSGI toolkits: the tool reads no routes of theirs, but a project built on one is a
# running service, not a library (StackStorm's own router on webob, a Pyramid or Tornado app).
SERVERS = frozenset({"pyramid", "tornado", "falcon", "sanic", "quart", "litestar", "bottle", "pecan", "webob", "cherrypy",
                     "aiohttp.web"})
# aiohttp is an HTTP client and a server: importing ``aiohttp.web`` (``from aiohttp import web``) is the server.
AIOHTTP_SERVER = "aiohttp.web"

# Import names and distribution names that mean one of the components above.
_IMPORT_NAMES: Mapping[str, str] = {
    **{name: name for name in [*FRAMEWORKS, *CLIENTS, *SERVERS]},
    "aioredis": "redis", "flask_pymongo": "pymongo", "djongo": "pymongo", "odmantic": "motor",
}
_DIST_NAMES: Mapping[str, str] = {
    **{name: name for name in [*FRAMEWORKS, *CLIENTS, *SERVERS]},
    "aioredis": "redis", "flask-pymongo": "pymongo", "djongo": "pymongo", "odmantic": "motor",
    "redis-py-cluster": "redis",
}
# Frameworks that bring a database with them: an Eve app (or one built on superdesk-core, which is Eve)
# is a Flask service on MongoDB even when it never imports pymongo itself.
_STACKS: Mapping[str, tuple[str, ...]] = {"eve": ("flask", "pymongo"), "superdesk": ("flask", "pymongo"),
                                          "superdesk-core": ("flask", "pymongo")}
_REQ_NAME = lazy_compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_DEV_FILE = lazy_compile(r"(dev|test|lint|doc|ci|typing|mypy|local)", re.IGNORECASE)


@dataclass(frozen=True)
class Profile:
    """Frameworks and clients in use, each with where it was seen (for evidence)."""

    components: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name -> ["imported in app/x.py", ...]

    @property
    def frameworks(self) -> frozenset[str]:
        return frozenset(c for c in self.components if c in FRAMEWORKS)

    @property
    def clients(self) -> frozenset[str]:
        return frozenset(c for c in self.components if c in CLIENTS)

    def uses(self, *names: str) -> bool:
        return any(n in self.components for n in names)

    @property
    def mongodb(self) -> bool:
        return self.uses(*MONGODB)

    @property
    def web(self) -> bool:
        return bool(self.frameworks)

    @property
    def service(self) -> bool:
        """A running service (web framework or task worker) rather than a library."""
        return self.web or self.uses("celery", *SERVERS)

    def where(self, name: str) -> str:
        places = self.components.get(name, ())
        return places[0] if places else ""

    def describe(self, names: Iterable[str]) -> str:
        labels = [FRAMEWORKS.get(n) or CLIENTS.get(n) or n for n in sorted(names)]
        return ", ".join(labels) if labels else "nothing"


def serves_aiohttp(modules: Iterable[str]) -> bool:
    """A module's full import names include aiohttp's server (``aiohttp.web``, ``aiohttp.web_exceptions``)."""
    return any(m == AIOHTTP_SERVER or m.startswith("aiohttp.web_") for m in modules)


def component_of(module: str) -> str | None:
    """The profile component an imported top-level module stands for (``aioredis`` → ``redis``)."""
    return _IMPORT_NAMES.get(module)


def profile_of(project: Project) -> Profile:
    """The project's profile, built once per scan."""
    return project.tool("profile", build_profile)


def build_profile(project: Project) -> Profile:
    seen: dict[str, list[str]] = {}

    def add(name: str, where: str) -> None:
        places = seen.setdefault(name, [])
        if where not in places:
            places.append(where)

    for path, modules in sorted(project.imports.items()):
        if not is_application_path(path) or project.file_roles.get(path) in (GENERATED, SCRIPT):
            continue  # a vendored copy of a dependency (lib/django/...), or a script run elsewhere (an Ansible module
            # connecting to the managed hosts' MongoDB): not what the service is built with
        for module in sorted(modules):
            component = _IMPORT_NAMES.get(module)
            if component:
                add(component, f"imported in {path}")
            for implied in _STACKS.get(module, ()):
                add(implied, f"{module} imported in {path}")
        if "aiohttp" in modules and serves_aiohttp(project.modules.get(path, ())):
            add(AIOHTTP_SERVER, f"imported in {path}")
    for path, names in _declared(project):
        for name in names:
            component = _DIST_NAMES.get(_normalise(name))
            if component:
                add(component, f"declared in {path}")
            for implied in _STACKS.get(_normalise(name), ()):
                add(implied, f"{name} declared in {path}")
    if _sql_eve(project) and "pymongo" in seen:  # Eve on its SQLAlchemy data layer: no MongoDB through Eve
        seen["pymongo"] = [w for w in seen["pymongo"] if not w.startswith("eve ")]
        if not seen["pymongo"]:
            del seen["pymongo"]
    return Profile({name: tuple(places) for name, places in sorted(seen.items())})


def _sql_eve(project: Project) -> bool:
    imported = any("eve_sqlalchemy" in modules for modules in project.imports.values())
    return imported or any(_normalise(n) == "eve-sqlalchemy" for _, names in _declared(project) for n in names)


def declared_distributions(project: Project) -> frozenset[str]:
    """Normalised names of the application's declared dependencies, from the same files as the profile
    plus pip-tools ``requirements*.in``; ``name[extra]`` entries are added for extras (``opentelemetry-distro[otlp]``)."""
    def build(p: Project) -> frozenset[str]:
        out: set[str] = set()
        for _, names in _declared(p):
            out.update(_normalise(n) for n in names)
        for rel in p.glob("**/requirements*.in", "**/requirements*.txt", "**/pyproject.toml"):
            if not is_application_path(rel) or _DEV_FILE.search(rel.rsplit("/", 1)[-1].replace("requirements", "")):
                continue
            text = p.read_text(rel) or ""
            if rel.endswith(".in"):
                out.update(_normalise(n) for n in _requirement_names(text.splitlines()))
            for match in _EXTRAS.finditer(text):
                name = _normalise(match.group(1))
                out.add(name)
                out.update(f"{name}[{e.strip().lower()}]" for e in match.group(2).split(",") if e.strip())
        return frozenset(out)
    return project.tool("declared-distributions", build)


_EXTRAS = lazy_compile(r"^[ \t\"']*([A-Za-z0-9][A-Za-z0-9._-]*)\[([A-Za-z0-9_,. -]+)\]", re.MULTILINE)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(lines: Iterable[str]) -> list[str]:
    names = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith(("-", "git+", "http:", "https:", "file:")):
            continue
        match = _REQ_NAME.match(line)
        if match:
            names.append(match.group(1))
    return names


def _declared(project: Project) -> Iterable[tuple[str, list[str]]]:
    """(file, distribution names) for every dependency declaration of the application."""
    for rel in project.glob("**/pyproject.toml", "**/requirements*.txt", "**/setup.cfg", "**/Pipfile"):
        if not is_application_path(rel):
            continue
        name = rel.rsplit("/", 1)[-1]
        text = project.read_text(rel)
        if text is None:
            continue
        if name.startswith("requirements"):
            if not _DEV_FILE.search(name):
                yield rel, _requirement_names(text.splitlines())
        elif name == "pyproject.toml":
            yield rel, _pyproject_names(text)
        elif name == "setup.cfg":
            yield rel, _setup_cfg_names(text)
        else:
            yield rel, _pipfile_names(text)


def _toml(text: str) -> dict[str, Any]:
    return load_toml_document(text)[0]  # node budget; malformed or too deep is {}


def _pyproject_names(text: str) -> list[str]:
    data = _toml(text)
    deps = (data.get("project") or {}).get("dependencies") or []
    names = _requirement_names(d for d in deps if isinstance(d, str))
    poetry = ((data.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
    if isinstance(poetry, dict):
        names.extend(str(k) for k in poetry if str(k).lower() != "python")
    return names


def optional_distributions(project: Project) -> frozenset[str]:
    """Normalised names in the application's optional extras that a deployment installs (``monitoring =
    ["newrelic"]``), not its test, lint, docs or development groups."""
    def build(p: Project) -> frozenset[str]:
        out: set[str] = set()
        for rel in p.glob("**/pyproject.toml"):
            if not is_application_path(rel):
                continue
            extras = (_toml(p.read_text(rel) or "").get("project") or {}).get("optional-dependencies") or {}
            for group, deps in extras.items() if isinstance(extras, dict) else ():
                if isinstance(deps, list) and not _DEV_FILE.search(str(group)):
                    out.update(_normalise(n) for n in _requirement_names(d for d in deps if isinstance(d, str)))
        return frozenset(out)
    return project.tool("optional-distributions", build)


def _setup_cfg_names(text: str) -> list[str]:
    import configparser  # only for a project with a setup.cfg

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    value = parser.get("options", "install_requires", fallback="")
    return _requirement_names(value.replace(";", "\n").splitlines())


def _pipfile_names(text: str) -> list[str]:
    packages = _toml(text).get("packages") or {}
    return [str(k) for k in packages] if isinstance(packages, dict) else []
