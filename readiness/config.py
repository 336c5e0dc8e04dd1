"""Loading and validating configuration: ``readiness.yaml``, ``--config`` or ``pyproject.toml``.

Every mistake is reported once, as ``file:line: key: problem``, and never echoes a value
(values may hold expanded secrets). YAML is composed by hand into plain values so that each
key keeps its line and alias bombs are cut off by a node budget.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from readiness.config_schema import SCHEMA, Field
from readiness.lazy_regex import lazy_compile

if TYPE_CHECKING:
    import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAMES = ("readiness.yaml", "readiness.yml", ".readiness.yaml")
MAX_CONFIG_BYTES = 1024 * 1024
MAX_NODES = 50_000
_VAR_RE = lazy_compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(Exception):
    """A configuration problem; ``str()`` is the one line shown to the user."""


@dataclass(frozen=True)
class Operator:
    """Choices only the person running the scan makes: never read from a scanned file."""

    allow_private: bool = False  # live probes may reach loopback, private and link-local addresses
    trusted_config: bool = False  # the configuration was named with --config
    coverage: tuple[str, ...] = ()  # --coverage: coverage data files produced elsewhere (e.g. by CI)


@dataclass
class Settings:
    """The validated configuration plus where it came from."""

    data: dict[str, Any]
    source: str | None  # the file it came from, None for built-in defaults
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)
    expanded: frozenset[str] = frozenset()  # values read from ${VAR}: masked in every output
    operator: Operator = field(default_factory=Operator)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.data.get(key)
        if value is None:
            spec = SCHEMA.get(key)
            return spec.default if spec is not None and spec.default is not None else default
        return value

    def section(self, key: str) -> dict[str, Any]:
        """A map section with schema defaults filled in."""
        spec = SCHEMA[key]
        given = self.data.get(key) or {}
        out = {name: sub.default for name, sub in spec.fields.items()}
        out.update({k: v for k, v in given.items() if v is not None})
        return out

    def check_entry(self, check_id: str) -> dict[str, Any]:
        return (self.data.get("checks") or {}).get(check_id) or {}

    def category_entry(self, category_id: str) -> dict[str, Any]:
        return (self.data.get("categories") or {}).get(category_id) or {}


# -- reading -----------------------------------------------------------------------------

def _inside(root: Path, candidate: Path) -> Path:
    """A configuration found in a scanned repository must not lead outside it (a link to ~/.aws or /proc)."""
    if candidate.is_symlink() and not candidate.resolve().is_relative_to(root.resolve()):
        raise ConfigError(f"{candidate}: configuration is a symbolic link pointing outside the scanned root")
    return candidate


def find_config(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = root / name
        if candidate.is_file():
            return _inside(root, candidate)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and _inside(root, pyproject):
        try:
            text = pyproject.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        if re.search(r"^\[tool\.readiness[\].]", text, re.MULTILINE):
            return pyproject
    return None


def unused_configs(root: Path, used: str | None) -> list[str]:
    """Configuration files in ``root`` that were not read because another one was (first wins:
    readiness.yaml, readiness.yml, .readiness.yaml, then pyproject.toml's [tool.readiness])."""
    if used is None:
        return []
    used_path = Path(used)
    out = [name for name in CONFIG_NAMES if (root / name).is_file() and not _same(root / name, used_path)]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and not pyproject.is_symlink() and not _same(pyproject, used_path):
        try:
            text = pyproject.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        if re.search(r"^\[tool\.readiness[\].]", text, re.MULTILINE):
            out.append("pyproject.toml [tool.readiness]")
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


@dataclass
class RawConfig:
    """A configuration file parsed but not yet validated (plugins must load first)."""

    data: dict[str, Any]
    display: str | None
    lines: dict[tuple[str, ...], int]

    @property
    def plugins(self) -> list[str]:
        value = self.data.get("plugins") or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.display}:{self.lines.get(('plugins',), 0)}: plugins: expected a list of module names")
        return value


def read_config(root: Path, explicit: Path | None = None) -> RawConfig:
    path = explicit if explicit is not None else find_config(root)
    if path is None:
        return RawConfig({}, None, {})
    display = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read configuration: {exc.strerror}") from None
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{display}: configuration file is too large ({size} bytes)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read configuration: {exc.strerror}") from None
    lines: dict[tuple[str, ...], int] = {}
    if path.name.endswith(".toml"):
        data = _load_pyproject(display, raw, lines)
    else:
        data = _load_yaml(display, raw, lines)
    return RawConfig(data, display, lines)


def validate_config(
    raw: RawConfig,
    *,
    known_checks: Iterable[str] = (),
    known_categories: Iterable[str] = (),
    environ: Mapping[str, str] | None = None,
) -> Settings:
    if raw.display is None:
        return Settings({}, None)
    env = os.environ if environ is None else environ
    validator = _Validator(raw.display, raw.lines, set(known_checks), set(known_categories), env)
    data = validator.validate(raw.data)
    return Settings(data, raw.display, raw.lines, frozenset(validator.expanded))


def _load_yaml(display: str, raw: bytes, lines: dict[tuple[str, ...], int]) -> dict[str, Any]:
    import yaml  # only when a YAML configuration exists

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{display}: configuration is not UTF-8 text") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{display}{where}: invalid YAML: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{display}: YAML nested too deeply") from None
    if node is None:
        return {}
    budget = [MAX_NODES]
    value = _construct(display, node, (), lines, budget, yaml.SafeLoader(""))
    if not isinstance(value, dict):
        raise ConfigError(f"{display}:{node.start_mark.line + 1}: the configuration must be a mapping")
    return value


def _construct(
    display: str, node: yaml.Node, path: tuple[str, ...], lines: dict[tuple[str, ...], int],
    budget: list[int], scalars: yaml.SafeLoader,
) -> Any:
    import yaml

    budget[0] -= 1
    if budget[0] < 0:
        raise ConfigError(f"{display}: configuration expands to too many values (alias bomb?)")
    if len(path) > 40:
        raise ConfigError(f"{display}:{node.start_mark.line + 1}: configuration nested too deeply")
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ConfigError(f"{display}:{key_node.start_mark.line + 1}: keys must be plain names")
            key = str(key_node.value)
            sub = (*path, key)
            lines[sub] = key_node.start_mark.line + 1
            out[key] = _construct(display, value_node, sub, lines, budget, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(display, item, (*path, str(i)), lines, budget, scalars)
            for i, item in enumerate(node.value)
        ]
    try:
        return scalars.construct_object(node)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{display}:{node.start_mark.line + 1}: {'.'.join(path)}: {exc}") from None


def _load_pyproject(display: str, raw: bytes, lines: dict[tuple[str, ...], int]) -> dict[str, Any]:
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{display}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{display}: invalid TOML: {exc}") from None
    section = doc.get("tool", {}).get("readiness")
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise ConfigError(f"{display}: [tool.readiness] must be a table")
    # TOML parsers keep no positions: find each key's line by its text, best effort.
    text_lines = raw.decode("utf-8").splitlines()
    start = next((i for i, t in enumerate(text_lines) if t.strip().startswith("[tool.readiness")), 0)

    def locate(value: Any, path: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                pattern = re.compile(rf"^\s*(\"?{re.escape(key)}\"?)\s*=|\[tool\.readiness.*\b{re.escape(key)}\b")
                for i in range(start, len(text_lines)):
                    if pattern.search(text_lines[i]):
                        lines[(*path, key)] = i + 1
                        break
                locate(sub, (*path, key))

    locate(section, ())
    return section


# -- validation --------------------------------------------------------------------------

class _Validator:
    def __init__(
        self, display: str, lines: dict[tuple[str, ...], int], checks: set[str],
        categories: set[str], env: Any,
    ) -> None:
        self.display = display
        self.lines = lines
        self.checks = checks
        self.categories = categories
        self.env = env
        self.added_categories: set[str] = set()
        self.expanded: set[str] = set()

    def fail(self, path: tuple[str, ...], problem: str) -> ConfigError:
        line = None
        probe = path
        while probe and line is None:
            line = self.lines.get(probe)
            probe = probe[:-1]
        where = f":{line}" if line else ""
        key = ".".join(path) if path else "(top level)"
        return ConfigError(f"{self.display}{where}: {key}: {problem}")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        # New categories must be known before checks and selections refer to them.
        for name in (data.get("categories") or {}) if isinstance(data.get("categories"), dict) else {}:
            self.added_categories.add(str(name))
        return self.map(data, SCHEMA, ())

    def map(self, value: Any, fields: dict[str, Field], path: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a mapping, got {_type_name(value)}")
        out: dict[str, Any] = {}
        for key, sub in value.items():
            spec = fields.get(key)
            if spec is None:
                hint = _closest(key, fields)
                raise self.fail((*path, key), "unknown key" + (f" (did you mean '{hint}'?)" if hint else ""))
            out[key] = self.value(sub, spec, (*path, key))
        return out

    def value(self, value: Any, spec: Field, path: tuple[str, ...]) -> Any:
        if value is None:
            return None
        kind = spec.type
        if kind == "any":
            return self.expand(value, path)
        if kind == "str":
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                raise self.fail(path, f"expected a string, got {_type_name(value)}")
            text = self.expand(str(value), path)
            if spec.choices and text not in spec.choices:
                raise self.fail(path, f"must be one of {', '.join(spec.choices)}")
            if len(path) >= 3 and path[-1] == "path" and path[-3] == "ignore":
                self.glob(text, path)
            return text
        if kind == "bool":
            if not isinstance(value, bool):
                raise self.fail(path, f"expected true or false, got {_type_name(value)}")
            return value
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.fail(path, f"expected an integer, got {_type_name(value)}")
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self.fail(path, f"expected a number, got {_type_name(value)}")
            return float(value)
        if kind in ("list[str]", "str|list[str]"):
            if kind == "str|list[str]" and isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise self.fail(path, f"expected a list of strings, got {_type_name(value)}")
            out = []
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    raise self.fail((*path, str(i)), f"expected a string, got {_type_name(item)}")
                out.append(self.expand(item, (*path, str(i))))
            if path[0] in ("include", "exclude", "paths"):
                for i, item in enumerate(out):
                    self.glob(item, (*path, str(i)))
            if path in (("select",), ("ignore",)):
                for i, item in enumerate(out):
                    # An id that came from ${VAR} is not shown: the variable may hold anything.
                    self.known_id(item, (*path, str(i)), allow_category=True, show=not _VAR_RE.search(value[i]))
            return out
        if kind == "map":
            return self.map(value, spec.fields, path)
        if kind == "list[map]":
            if not isinstance(value, list):
                raise self.fail(path, f"expected a list, got {_type_name(value)}")
            items = [self.map(item, spec.fields, (*path, str(i))) for i, item in enumerate(value)]
            for i, item in enumerate(items):
                for key in spec.required:
                    if not item.get(key):
                        raise self.fail((*path, str(i)), f"{key}: required")
            return items
        if kind == "dict":
            if not isinstance(value, dict):
                raise self.fail(path, f"expected a mapping, got {_type_name(value)}")
            out_map: dict[str, Any] = {}
            for key, sub in value.items():
                if spec.keys == "check":
                    self.known_id(key, (*path, key), allow_category=False)
                elif spec.keys == "category" and key not in self.categories:
                    if not isinstance(sub, dict) or "name" not in sub or "target" not in sub:
                        raise self.fail((*path, key), "unknown category (a new one needs a name and a target)")
                assert spec.values is not None
                out_map[key] = self.value(sub, spec.values, (*path, key))
            return out_map
        raise AssertionError(f"unknown schema type {kind}")

    def glob(self, text: str, path: tuple[str, ...]) -> None:
        """A glob that can never match what it is meant to is an error, not a silent no-op."""
        problem = glob_problem(text, gitignore=path[0] in ("include", "exclude"))
        if problem:
            raise self.fail(path, problem)

    def known_id(self, ident: str, path: tuple[str, ...], *, allow_category: bool, show: bool = True) -> None:
        if ident in self.checks:
            return
        if allow_category and (ident in self.categories or ident in self.added_categories):
            return
        what = "check or category" if allow_category else "check"
        if not show:
            raise self.fail(path, f"unknown {what} id (from an environment variable)")
        hint = _closest(ident, self.checks | (self.categories if allow_category else set()))
        raise self.fail(path, f"unknown {what} id '{ident}'" + (f" (did you mean '{hint}'?)" if hint else ""))

    def expand(self, value: Any, path: tuple[str, ...]) -> Any:
        """``${VAR}`` is read from the environment inside ``environment:`` only.

        Anywhere else (titles, category names, paths) the text stays as written: a scanned
        repository's file must not be able to copy a CI secret into a report.
        """
        if isinstance(value, str):
            if not path or path[0] != "environment":
                return value

            def repl(match: re.Match[str]) -> str:
                name = match.group(1)
                if name not in self.env:
                    raise self.fail(path, f"references ${{{name}}}, which is not set")
                text = str(self.env[name])
                if text:
                    self.expanded.add(text)
                return text
            return _VAR_RE.sub(repl, value)
        if isinstance(value, list):
            return [self.expand(v, (*path, str(i))) for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.expand(v, (*path, str(k))) for k, v in value.items()}
        return value


def glob_problem(glob: str, *, gitignore: bool = False) -> str | None:
    """Why a path glob (relative to the scanned root) cannot match anything, or None.

    ``include``/``exclude`` follow .gitignore syntax, where ``!`` negates and a leading ``/``
    anchors at the root; the other globs are matched against relative paths as written."""
    from readiness.discovery import _tokens

    if gitignore:
        glob = glob[1:] if glob.startswith("!") else glob
        glob = glob.lstrip("/") if glob.startswith("/") and not glob.startswith("//") else glob
    if not glob.strip():
        return "an empty glob matches nothing"
    if glob.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", glob):
        return f"'{glob}' is absolute; globs are relative to the scanned root"
    if ".." in glob.replace("\\", "/").split("/"):
        return f"'{glob}' leads outside the scanned root ('..')"
    if any(_tokens(segment) is None for segment in glob.split("/")):
        return f"'{glob}' has an unclosed '[' and matches nothing"
    return None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _closest(word: str, options: Iterable[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return matches[0] if matches else None


# -- `readiness init` --------------------------------------------------------------------

def render_default_config(check_ids: Iterable[str]) -> str:
    """A commented ``readiness.yaml`` holding the defaults, valid as written."""
    from readiness.categories import BUILTIN_CATEGORIES

    out = [
        "# readiness configuration. Every key is optional; the values shown are the defaults.",
        "# Reference: `readiness explain ID` for checks; `${NAME}` reads an environment variable.",
        "",
    ]
    for key in ("include", "exclude", "respect_gitignore", "target", "fail_under",
                "fail_on_targets", "select", "ignore", "jobs"):
        spec = SCHEMA[key]
        out.append(f"# {spec.doc}")
        out.append(f"{key}: {_yaml_scalar(spec.default)}")
        out.append("")
    out.append("# Severity weights inside a category score.")
    out.append("severity_weights:")
    for name, sub in SCHEMA["severity_weights"].fields.items():
        out.append(f"  {name}: {sub.default}")
    out.append("")
    out.append("# Category targets (percent) and weights in the overall score.")
    out.append("categories:")
    for cat in BUILTIN_CATEGORIES:
        out.append(f"  {cat.id}: {{target: {cat.target:g}, weight: {cat.weight:g}}}  # {cat.name}")
    out.append("")
    out.append("# Per-check settings, e.g.:")
    out.append("# checks:")
    out.append("#   print-call:")
    out.append("#     options: {cli_modules: [\"myapp/cli.py\"]}")
    out.append("#     ignore: [{path: \"scripts/**\", reason: \"operator scripts print by design\"}]")
    out.append(f"# Known checks: {', '.join(sorted(check_ids))}")
    out.append("")
    out.append("# The live environment (checked with `readiness scan --live`):")
    out.append("# environment:")
    out.append("#   http:")
    out.append("#     base_url: ${SERVICE_URL}")
    out.append("#     health: [/health, /ready]")
    out.append("#     metrics: /metrics")
    out.append("#     timeout: 5")
    out.append("#   mongodb:")
    out.append("#     uri: ${MONGODB_URI}")
    out.append("#     timeout: 3")
    out.append("#   backups:")
    out.append("#     - path: /var/backups/mongo/*.archive.gz")
    out.append("#       max_age: 26h")
    out.append("#       verify: true")
    out.append("")
    out.append("history:")
    out.append("  enabled: true")
    out.append("  path: .readiness/history.sqlite")
    out.append("")
    return "\n".join(out)


def _yaml_scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
