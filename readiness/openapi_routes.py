"""Routes a connexion application declares in its OpenAPI specification rather than in Python.

``app.add_api("sync/public_api.yaml", base_path="/app")`` serves every operation of the file: its
path under the base path, its query parameters, and a body connexion validates against the schema
before the handler (``operationId``) runs. The specification is read with the safe YAML loader and
only local ``$ref``s (``#/components/...``) are followed: nothing is fetched.
"""

from __future__ import annotations

import ast
import re
from typing import Any
from urllib.parse import urlsplit

from readiness.paths import is_application_path
from readiness.project import Project
from readiness.routes import HTTP_METHODS, Route, RouteFact, module_name

_MAX_REF_DEPTH = 8


def connexion_routes(project: Project) -> tuple[Route, ...]:
    """Every operation of every specification a connexion app adds, once per scan."""
    return project.tool("connexion-routes", _build)


def _build(project: Project) -> tuple[Route, ...]:
    if not project.uses("connexion"):
        return _dispatched_specs(project)  # most services: no module is read again
    out: list[Route] = []
    seen: set[tuple[str, str]] = set()
    modules = {module_name(rel): rel for rel in project.python_files}
    for rel in project.python_files:
        if not is_application_path(rel):
            continue
        for spec_name, base_path in project.text_fact("connexion-add-api", rel, _add_api_calls):
            spec = _spec_file(project, rel, spec_name)
            if spec is None or (spec, base_path or "") in seen:
                continue
            seen.add((spec, base_path or ""))
            out.extend(_spec_routes(project, spec, base_path, modules))
    return tuple(sorted(out, key=lambda r: (r.path, r.method, r.file, r.line)))


_SPEC_GLOBS = ("**/openapi*.yaml", "**/openapi*.yml", "**/openapi*.json", "**/swagger*.yaml", "**/swagger*.yml",
               "**/swagger*.json")
_MODULE_OPERATION = re.compile(r"""["']?operationId["']?\s*:\s*["']?([A-Za-z_][\w.]*):[A-Za-z_]""")


def _dispatched_specs(project: Project) -> tuple[Route, ...]:
    """A project's own router serving an OpenAPI specification (StackStorm's): operations whose ``operationId``
    names a callable of the project's modules (``st2api.controllers.v1.actions:actions_controller.get_all``)."""
    specs = [rel for rel in project.glob(*_SPEC_GLOBS) if is_application_path(rel)]
    if not specs:
        return ()
    modules = {module_name(rel): rel for rel in project.python_files}
    # a module may sit under its distribution's folder (st2api/st2api/controllers/root.py for st2api.controllers.root)
    known = {name for m in modules for parts in [m.split(".")] for i in range(len(parts)) for name in [".".join(parts[i:])]}
    out: list[Route] = []
    for spec in specs:
        named = _MODULE_OPERATION.findall(project.read_text(spec) or "")
        if named and sum(1 for m in named if m in known) * 2 > len(named):
            out.extend(_spec_routes(project, spec, None, modules))
    return tuple(sorted(out, key=lambda r: (r.path, r.method, r.file, r.line)))


def _add_api_calls(text: str) -> tuple[tuple[str, str | None], ...]:
    """``(specification, base_path)`` of each ``add_api("api.yaml", base_path=...)`` in a module."""
    if "add_api" not in text:
        return ()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return ()
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "add_api"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            continue
        base = next((k.value.value for k in node.keywords if k.arg == "base_path"
                     and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)), None)
        found.append((node.args[0].value, base))
    return tuple(found)


def _spec_file(project: Project, caller: str, name: str) -> str | None:
    """The repository file ``add_api`` names, relative to the app's specification folder: the match
    nearest the module that adds it."""
    name = name.lstrip("./")
    matches = [f for f in project.files if f == name or f.endswith("/" + name)]
    if not matches:
        return None
    folder = caller.rsplit("/", 1)[0] if "/" in caller else ""
    return max(matches, key=lambda f: (len(_common_prefix(f, folder)), -len(f), f))


def _common_prefix(a: str, b: str) -> str:
    parts = []
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        parts.append(x)
    return "/".join(parts)


def _spec_routes(project: Project, spec: str, base_path: str | None, modules: dict[str, str]) -> list[Route]:
    docs, _error = project.yaml_documents(spec)
    doc = docs[0] if docs and isinstance(docs[0], dict) else None
    if doc is None or not isinstance(doc.get("paths"), dict):
        return []
    base = base_path if base_path is not None else _spec_base(doc)
    lines = (project.read_text(spec) or "").splitlines()
    out: list[Route] = []
    for path, item in doc["paths"].items():
        if not isinstance(path, str) or not isinstance(item, dict):
            continue
        shared = _parameters(doc, item.get("parameters"))
        path_line = _line_of(lines, rf"^\s*['\"]?{re.escape(path)}['\"]?\s*:", 0)
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            params = [*shared, *_parameters(doc, operation.get("parameters"))]
            line = _line_of(lines, rf"^\s*{method}\s*:", path_line) or path_line or 1
            full = "/" + "/".join(p.strip("/") for p in (base, path) if p and p.strip("/"))
            handler = _handler(item, operation)
            fact = RouteFact(
                "flask", method.upper(), full, "@connexion", handler, line, 1,
                query_params=tuple(p["name"] for p in params if p.get("in") == "query"),
                path_params=tuple(p["name"] for p in params if p.get("in") == "path"),
                headers=tuple(p["name"].lower() for p in params if p.get("in") == "header"),
                decorators=_decorators(project, handler, modules),
                body="model" if operation.get("requestBody") or any(p.get("in") in ("body", "formData") for p in params)
                else "",
                shape=_shape(doc, operation), calls=("@connexion",), kind="api")
            out.append(Route(spec, full, fact))
    return out


def _spec_base(doc: dict[str, Any]) -> str:
    """OpenAPI 3's first server URL path, or Swagger 2's ``basePath``."""
    servers = doc.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict) and isinstance(servers[0].get("url"), str):
        return urlsplit(servers[0]["url"]).path
    base = doc.get("basePath")
    return base if isinstance(base, str) else ""


def _resolve(doc: dict[str, Any], node: Any, depth: int = 0) -> Any:
    """A local ``$ref`` followed (``#/components/parameters/Page``); anything else as it is."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < _MAX_REF_DEPTH:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return {}
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        node, depth = target, depth + 1
    return node if depth < _MAX_REF_DEPTH else {}


def _parameters(doc: dict[str, Any], raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        return []
    params = [_resolve(doc, p) for p in raw[:200]]
    return [p for p in params if isinstance(p, dict) and isinstance(p.get("name"), str)]


def _shape(doc: dict[str, Any], operation: dict[str, Any]) -> str:
    """``list`` when the success response is an array; unknown otherwise."""
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return ""
    response = _resolve(doc, responses.get("200") or responses.get(200))
    if not isinstance(response, dict):
        return ""
    schema = response.get("schema")  # Swagger 2
    content = response.get("content")
    if schema is None and isinstance(content, dict):
        media = content.get("application/json")
        schema = media.get("schema") if isinstance(media, dict) else None
    schema = _resolve(doc, schema)
    return "list" if isinstance(schema, dict) and schema.get("type") == "array" else ""


def _handler(item: dict[str, Any], operation: dict[str, Any]) -> str:
    name = operation.get("operationId")
    name = name if isinstance(name, str) else ""
    controller = operation.get("x-openapi-router-controller") or item.get("x-openapi-router-controller")
    return f"{controller}.{name}" if isinstance(controller, str) and name and "." not in name else name


def _decorators(project: Project, handler: str, modules: dict[str, str]) -> tuple[str, ...]:
    """The decorators of the Python function an ``operationId`` names (a rate limit, a login guard); the module
    may sit under a source folder (``server/mergin/sync/controller.py`` for ``mergin.sync.controller``)."""
    module, _, function = handler.rpartition(".")
    if not module or not function:
        return ()
    rel = modules.get(module) or next((r for m, r in sorted(modules.items()) if m.endswith("." + module)), None)
    if rel is None:
        return ()
    return dict(project.text_fact("connexion-decorators", rel, _function_decorators)).get(function, ())


def _function_decorators(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return ()
    out = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list:
            names = tuple(ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list)
            out.append((node.name, names))
    return tuple(out)


def _line_of(lines: list[str], pattern: str, start: int) -> int:
    """The 1-based line at or after ``start`` (1-based, 0 for the top) that matches, or 0."""
    compiled = re.compile(pattern)
    for number in range(max(start, 1), len(lines) + 1):
        if compiled.match(lines[number - 1]):
            return number
    return 0
