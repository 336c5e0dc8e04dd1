"""Roles the project's own configuration declares: its pytest test-file patterns, what its linter
excludes and what its coverage measurement omits.

A project that names its tests ``check_*.py`` or ``*_spec.py`` says so to pytest
(``python_files``, within ``testpaths``); a project that keeps generated clients or a vendored
copy out of its linter says so to ruff (``exclude``, ``extend-exclude``). Both say which code is
not the running service. Coverage ``omit`` says less: real services omit their settings, views
and entry points from coverage because they are hard to test, so an omitted file is only a hint,
which ``readiness.roles`` combines with what the file does (a program run by hand). They are read
from pyproject.toml, pytest.ini, setup.cfg, tox.ini, .coveragerc and ruff.toml at the scanned root
and in folders up to two levels below it (a service in ``api/``), their globs made relative to the scanned root. These hints rank below
``paths:`` in readiness.yaml and below a path's own role: they only move a file the path rules
leave as service.
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Iterable

from readiness.lazy_regex import lazy_compile
from readiness.project import read_inside

if TYPE_CHECKING:
    import configparser

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TEST = "test"
GENERATED = "generated"
OMITTED = "coverage_omit"  # a hint, not a role: see readiness.roles
VENDORED = "vendored"  # folders of copied dependencies: generated code, whatever their own paths say (lib/x/tests/)
PACKAGED = "packaged"  # tools/ folders that are subpackages of a package: the service's code (an agent's tools, parsers)
_PACKAGE_NAMES = frozenset({"tools"})  # folder names the path rules read as scripts, that a package may use for itself
_DEFAULT_TEST_FILES = frozenset({"test_*.py", "*_test.py"})
_PYTEST_INI = (("pytest.ini", "pytest"), ("setup.cfg", "tool:pytest"), ("tox.ini", "pytest"))
_COVERAGE_INI = ((".coveragerc", ("run", "report")), ("setup.cfg", ("coverage:run", "coverage:report")),
                 ("tox.ini", ("coverage:run", "coverage:report")))
_MAX_DEPTH = 2
_MAX_GLOBS = 200
_MAX_BYTES = 512 * 1024
_LITERAL = lazy_compile(r"[A-Za-z0-9_\-]{3,}")


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int))]
    return []


def _specific(pattern: str) -> bool:
    """A test-file pattern that names something (``check_*.py``), not every file (``*.py``)."""
    return _LITERAL.search(pattern.removesuffix(".py")) is not None and "/" not in pattern


def _clean(entry: str) -> str | None:
    entry = entry.strip().strip("/").removeprefix("./")
    if not entry or entry.startswith(("..", "/")) or "\\" in entry or entry in (".", "*", "**"):
        return None
    return entry


def _test_globs(prefix: str, testpaths: list[str], python_files: list[str]) -> list[str]:
    patterns = [p for p in python_files if p not in _DEFAULT_TEST_FILES and _specific(p)]
    if not patterns:
        return []
    roots = [c for c in (_clean(t) for t in testpaths) if c] or [""]
    out = []
    for where in roots:
        base = f"{prefix}{where}/" if where else prefix
        for pattern in patterns:
            out += [f"{base}{pattern}", f"{base}*/{pattern}"]
    return out


def _excluded_globs(prefix: str, entries: list[str]) -> list[str]:
    out = []
    for entry in entries:
        clean = _clean(entry)
        if clean is None or clean.endswith((".toml", ".lock", ".json", ".md", ".txt", ".cfg", ".ini", ".yaml", ".yml")):
            continue
        out += [f"{prefix}{clean}", f"{prefix}*/{clean}"] if "/" not in clean else [f"{prefix}{clean}"]
    return out


def _omitted_globs(prefix: str, entries: list[str]) -> list[str]:
    """Coverage's omit patterns match whole paths: ``*/x.py`` anywhere, others from the config's folder."""
    out = []
    for entry in entries:
        entry = entry.strip()
        if entry.startswith("*"):
            out += [entry, entry.removeprefix("*/")] if entry.startswith("*/") else [entry]
            continue
        clean = _clean(entry)
        if clean is not None:
            out.append(f"{prefix}{clean}")
    return out


def _ini(text: str) -> configparser.ConfigParser | None:
    """An INI file as configparser reads it, or None when it does not parse."""
    import configparser  # only when the root holds an INI file

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return parser


def _read(root: Path, rel: str) -> str | None:
    """The file's text, read inside the root only (a symlink out is not followed)."""
    try:
        return read_inside(root, rel, _MAX_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None


# Import names of widely used distributions: a top-level folder holding several of them side by side is a
# copy of the project's dependencies (Tautulli's lib/, SickChill's lib/), not its own code.
_WELL_KNOWN = frozenset({
    "requests", "urllib3", "six", "certifi", "idna", "chardet", "charset_normalizer", "cherrypy", "cheroot", "dateutil",
    "pytz", "bs4", "jinja2", "markupsafe", "werkzeug", "yaml", "simplejson", "tzlocal", "future", "past", "mako",
    "apscheduler", "arrow", "bleach", "html5lib", "oauthlib", "requests_oauthlib", "pygments", "dns", "jwt", "click",
    "colorama", "configobj", "defusedxml", "distro", "jaraco", "more_itertools", "platformdirs", "portend", "tempora",
    "zc", "httplib2", "feedparser", "babel", "flask", "django", "tornado", "cryptography", "rsa", "pyasn1", "attr",
    "attrs", "packaging", "pkg_resources", "setuptools", "typing_extensions", "zipp", "importlib_metadata", "websocket",
    "paho", "xmltodict", "msgpack", "cachecontrol", "lockfile", "unidecode", "tzdata", "backports", "enzyme", "guessit",
    "rebulk", "subliminal", "sqlalchemy", "alembic", "bottle", "markdown", "mutagen", "pyparsing",
})
_VENDOR_FOLDERS = frozenset({"lib", "libs", "ext", "deps", "dependencies", "externals", "vendorlib"})
_MIN_VENDORED = 3


def vendored_folders(files: Iterable[str]) -> list[str]:
    """Top-level folders (``lib/``) whose entries include several well-known distributions' packages."""
    children: dict[str, set[str]] = {}
    for rel in files:
        head, _, rest = rel.partition("/")
        if head in _VENDOR_FOLDERS and rest:
            name = rest.partition("/")[0]
            children.setdefault(head, set()).add(name[:-3] if name.endswith(".py") else name)
    return sorted(head for head, names in children.items() if len(names & _WELL_KNOWN) >= _MIN_VENDORED)


def packaged_folders(files: Iterable[str]) -> list[str]:
    """``tools/`` folders holding an ``__init__.py`` inside a folder that holds one too (``app/agent/tools/``): a
    subpackage the service imports like any other, not a folder of scripts beside the code (a top-level ``tools/``)."""
    present = set(files)
    out = []
    for rel in present:
        folder, _, name = rel.rpartition("/")
        parent, _, base = folder.rpartition("/")
        if name == "__init__.py" and base in _PACKAGE_NAMES and parent and f"{parent}/__init__.py" in present:
            out.append(f"{folder}/")
    return sorted(out)


def declared_roles(root: Path, files: Iterable[str]) -> dict[str, list[str]]:
    """``{"test": [globs], "generated": [globs], "coverage_omit": [globs]}`` from the project's configuration."""
    names = {"pyproject.toml", "ruff.toml", ".ruff.toml", "pytest.ini", "setup.cfg", "tox.ini", ".coveragerc"}
    configs = sorted(f for f in files if f.rpartition("/")[2] in names and f.count("/") <= _MAX_DEPTH)
    tests: list[str] = []
    excluded: list[str] = []
    omitted: list[str] = []
    for rel in configs:
        folder = str(PurePosixPath(rel).parent)
        prefix = "" if folder == "." else folder + "/"
        name = PurePosixPath(rel).name
        text = _read(root, rel)
        if not text:
            continue
        if name in ("pyproject.toml", "ruff.toml", ".ruff.toml"):
            try:
                doc = tomllib.loads(text)
            except (tomllib.TOMLDecodeError, RecursionError):
                continue
            tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
            ruff = tool.get("ruff") if name == "pyproject.toml" else doc
            if isinstance(ruff, dict):
                lint = ruff.get("lint") if isinstance(ruff.get("lint"), dict) else {}
                entries = [*_words(ruff.get("exclude")), *_words(ruff.get("extend-exclude")),
                           *_words(lint.get("exclude")), *_words(lint.get("extend-exclude"))]
                excluded += _excluded_globs(prefix, entries)
            pytest_table = tool.get("pytest", {}).get("ini_options") if isinstance(tool.get("pytest"), dict) else None
            if isinstance(pytest_table, dict):
                tests += _test_globs(prefix, _words(pytest_table.get("testpaths")),
                                     _words(pytest_table.get("python_files")))
            coverage = tool.get("coverage") if isinstance(tool.get("coverage"), dict) else {}
            for part in ("run", "report"):
                table = coverage.get(part)
                if isinstance(table, dict):
                    omitted += _omitted_globs(prefix, _words(table.get("omit")))
            continue
        for ini_name, sections in _COVERAGE_INI:
            if name == ini_name and "omit" in text and (parser := _ini(text)) is not None:
                for section in sections:
                    if parser.has_section(section):
                        omitted += _omitted_globs(prefix, parser.get(section, "omit", fallback="").replace(",", " ").split())
        for ini_name, section in _PYTEST_INI:
            if name == ini_name and f"[{section}]" in text and (parser := _ini(text)) is not None \
                    and parser.has_section(section):
                tests += _test_globs(prefix, parser.get(section, "testpaths", fallback="").split(),
                                     parser.get(section, "python_files", fallback="").split())
    vendored = [f"{folder}/" for folder in vendored_folders(files)]
    packaged = packaged_folders(files)
    out: dict[str, list[str]] = {}
    if vendored:
        out[VENDORED] = vendored
    if packaged:
        out[PACKAGED] = packaged[:_MAX_GLOBS]
    if tests:
        out[TEST] = tests[:_MAX_GLOBS]
    if excluded:
        out[GENERATED] = excluded[:_MAX_GLOBS]
    if omitted:
        out[OMITTED] = omitted[:_MAX_GLOBS]
    return out
