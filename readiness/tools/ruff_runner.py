"""Run ruff once per scan over the scanned Python files and group its findings per file.

ruff runs as a subprocess with JSON output (it is a binary, not a library). Each file is judged
by the project's own lint configuration nearest to it, as ruff itself would: a ruff
configuration (``.ruff.toml``, ``ruff.toml`` or ``[tool.ruff]`` in ``pyproject.toml``) in its
folder or any folder up to the git root (the scanned folder when it is not in a repository),
passed explicitly with ``--force-exclude`` so its excludes apply; else a flake8 configuration
(``setup.cfg``, ``tox.ini``, ``.flake8`` ``[flake8]``, ``[tool.flake8]``) translated to ruff's
equivalents, since that is what the project enforces; else ruff's documented defaults named
explicitly (``E4,E7,E9,F``), never whatever a newer ruff enables by default. Failures come back
as a reason, never as an exception.

Two differences between the project's own linter and the installed ruff are undone on the findings:
a file judged by a translated flake8 configuration keeps flake8's ``# noqa`` semantics (a marker
anywhere in a multi-line string or a continued line silences every line of it), and a file judged
by a ruff configuration whose project pins an older ruff does not count the rules of taste that
ruff did not run (added, or stabilised while the project has preview off, after the pinned version).
"""

from __future__ import annotations

import configparser
import functools
import io
import json
import os
import re
import shutil
import subprocess  # nosec B404 - fixed argv, no shell
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from readiness.cache import Cache, plan_key, split_cached
from readiness.lazy_regex import lazy_compile
from readiness.project import read_inside
from readiness.tools import memory_limited

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:
    from readiness.project import Project

CHUNK_CHARS = 60_000  # stays far below every platform's argv limit
DEFAULT_TIMEOUT = 120.0
CONFIG_LIMIT = 2 * 1024 * 1024
# ruff's documented default rule selection, named so a newer ruff's wider defaults never apply.
DEFAULT_RULES: tuple[str, ...] = ("E4", "E7", "E9", "F")
_RUFF_FILES = (".ruff.toml", "ruff.toml", "pyproject.toml")  # ruff's own precedence in one folder
_FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")  # flake8's order
# flake8's own default ignore list, in force when a configuration does not set ``ignore``.
_FLAKE8_DEFAULT_IGNORE = ("E121", "E123", "E126", "E226", "E24", "E704", "W503", "W504")
_SELECTOR_RE = lazy_compile(r"[A-Z]+[0-9]*")
# FastAPI's and Typer's documented idiom, ``def view(db = Depends(get_db))``: a call in a default
# that is not the shared-mutable-default bug bugbear's B008 is about.
_IMMUTABLE_CALLS = tuple(f"fastapi.{name}" for name in (
    "Depends", "Security", "Query", "Path", "Body", "Header", "Cookie", "Form", "File",
)) + ("typer.Option", "typer.Argument")
_MCCABE = ("C", "C9", "C90", "C901")


@dataclass(frozen=True)
class RuffMessage:
    line: int
    column: int
    code: str
    message: str


@dataclass(frozen=True)
class LintConfig:
    """How one group of files is linted: which configuration, which ruff arguments, which rules."""

    kind: str  # "ruff", "flake8" or "default"
    source: str  # the configuration file relative to the scanned root ("../x" above it); "" for defaults
    cwd: str  # absolute folder ruff runs in (the configuration's folder), so its relative globs hold
    args: tuple[str, ...]
    rules: str  # the rule selection in words, for the summary
    pinned: str = ""  # the ruff version the project pins, when older than the installed one
    unrun: tuple[str, ...] = ()  # sorted codes that pinned ruff did not run with this configuration

    def describe(self) -> str:
        if self.kind == "default":
            return f"rules {self.rules} (ruff's documented defaults; no project lint configuration)"
        what = "ruff configuration" if self.kind == "ruff" else "flake8 configuration, translated to ruff"
        pin = f", without the rules of taste newer than its pinned ruff {self.pinned}" if self.unrun else ""
        return f"rules {self.rules} from the project's {what} {self.source}{pin}"


@dataclass
class RuffResult:
    files: dict[str, list[RuffMessage]] = field(default_factory=dict)  # relative path -> messages
    error: str | None = None
    version: str = ""
    configured: bool = False  # some file was judged by the project's own configuration
    crashed: list[str] = field(default_factory=list)  # files ruff itself crashed on (skipped)
    configs: dict[str, LintConfig] = field(default_factory=dict)  # relative path -> its configuration


def find_ruff() -> str | None:
    """The ruff binary installed next to this Python first (the same environment), then PATH."""
    name = "ruff.exe" if os.name == "nt" else "ruff"
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("ruff")


# -- the project's configuration -------------------------------------------------------------

def git_root(root: Path) -> Path:
    """The top of the repository ``root`` is in, or ``root`` itself outside any repository: a
    configuration above the repository belongs to someone else's machine, not the project."""
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return root


def _read(top: Path, folder: Path, name: str) -> str | None:
    """A configuration file's text, read as every repository file is (inside ``top``, no link
    out of it, no FIFO, at most 2 MB); None when it is absent or unreadable."""
    try:
        rel = (folder / name).relative_to(top).as_posix()
        return read_inside(top, rel, CONFIG_LIMIT).decode("utf-8", "replace")
    except (OSError, ValueError):
        return None


def _toml(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None


def _ruff_table(name: str, text: str | None) -> dict[str, Any] | None:
    """The ruff settings of one file, or None when it does not configure ruff."""
    if text is None:
        return None
    data = _toml(text)
    if data is None:  # broken: still the project's configuration, and ruff will say what is wrong
        return {} if name != "pyproject.toml" or "[tool.ruff" in text else None
    if name == "pyproject.toml":
        table = (data.get("tool") or {}).get("ruff") if isinstance(data.get("tool"), dict) else None
        return table if isinstance(table, dict) else None
    return data


def _codes(value: Any) -> list[str]:
    if isinstance(value, str):
        value = re.split(r"[\s,]+", value)
    if not isinstance(value, list):
        return []
    return [str(v).strip().upper() for v in value if str(v).strip()]


def _selection(top: Path, folder: Path, table: dict[str, Any], depth: int = 0) -> dict[str, list[str]]:
    """select/extend-select/ignore of a ruff configuration, following ``extend`` inside the repository."""
    out: dict[str, list[str]] = {}
    extend = table.get("extend")
    if isinstance(extend, str) and depth < 5:
        target = (folder / extend).resolve()
        parent = _ruff_table(target.name, _read(top, target.parent, target.name))
        if parent is not None:
            out = _selection(top, target.parent, parent, depth + 1)
    lint = table.get("lint") if isinstance(table.get("lint"), dict) else {}
    for key in ("select", "extend-select", "ignore", "extend-ignore"):
        for where in (table, lint):
            if key in where:
                if key == "select":
                    out.pop("extend-select", None)  # a later select starts afresh
                out[key] = out.get(key, []) + _codes(where[key]) if key != "select" else _codes(where[key])
    return out


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _rules_words(select: Sequence[str], ignore: Sequence[str]) -> str:
    words = (",".join(select[:12]) + (f",... ({len(select)} selectors)" if len(select) > 12 else "")) or "none"
    if ignore:
        shown = ",".join(ignore[:8]) + (",..." if len(ignore) > 8 else "")
        words += f" minus {shown}"
    return words


def _ruff_config(top: Path, root: Path, folder: Path, name: str, table: dict[str, Any],
                 binary: str | None = None) -> LintConfig:
    """The project's ruff configuration, passed explicitly. When it selects no rules itself, ruff's
    documented defaults are named (with the configuration's extend-select and ignores), so the
    installed ruff's version cannot widen them."""
    chosen = _selection(top, folder, table)
    args: list[str] = ["--config", name, "--force-exclude"]
    ignore = chosen.get("ignore", []) + chosen.get("extend-ignore", [])
    if "select" in chosen:
        select = chosen["select"] + chosen.get("extend-select", [])
    else:
        select = [*DEFAULT_RULES, *chosen.get("extend-select", [])]
    pinned = "required-version" in table
    if pinned:
        # ruff refuses a configuration that pins another ruff version: its settings are passed one by one
        args = ["--isolated", "--force-exclude", *_overrides(table)]
    if pinned or "select" not in chosen:
        args += ["--config", f"lint.select = {_toml_list(select)}\nlint.ignore = {_toml_list(ignore)}"]
    if not _sets_aliases(table):
        args += ["--config", _IMPORT_ALIASES]
    pin = pinned_ruff(top, folder, table)
    unrun = unrun_codes(pin, _previews(top, folder, table), binary) if pin else ()
    return LintConfig("ruff", _shown(root, folder / name), str(folder), tuple(args), _rules_words(select, ignore),
                      ".".join(map(str, pin)) if unrun else "", unrun)


_NOT_PASSED = frozenset({"required-version", "extend", "cache-dir", "select", "ignore", "extend-select",
                         "extend-ignore"})
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _overrides(table: dict[str, Any], prefix: str = "") -> list[str]:
    """A configuration table as ``--config`` overrides, one per setting (the rule selection is passed
    separately, already resolved)."""
    out: list[str] = []
    for key, value in table.items():
        if not isinstance(key, str) or (key in _NOT_PASSED and prefix in ("", "lint.")):
            continue
        dotted = prefix + (key if _BARE_KEY.match(key) else json.dumps(key))
        if isinstance(value, dict) and not (prefix == "lint." and key == "per-file-ignores"):
            out += _overrides(value, dotted + ".")
        elif (text := _toml_value(value)) is not None:
            out += ["--config", f"{dotted} = {text}"]
    return out


def _toml_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        items = [_toml_value(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"  # type: ignore[arg-type]
    if isinstance(value, dict):
        pairs = [(k, _toml_value(v)) for k, v in value.items() if isinstance(k, str)]
        return None if any(t is None for _, t in pairs) else "{" + ", ".join(f"{json.dumps(k)} = {t}" for k, t in pairs) + "}"
    return None


# The import conventions ICN001 asks for by default, as they stood before ruff 0.17 added ``datetime as dt``:
# a project on an older ruff passes its CI with ``import datetime``, so a newer installed ruff must not widen them.
_IMPORT_ALIASES = "lint.flake8-import-conventions.aliases = " + "{" + ", ".join(f'"{m}" = "{a}"' for m, a in (
    ("altair", "alt"), ("holoviews", "hv"), ("matplotlib", "mpl"), ("matplotlib.pyplot", "plt"), ("networkx", "nx"),
    ("numpy", "np"), ("numpy.typing", "npt"), ("pandas", "pd"), ("panel", "pn"), ("plotly.express", "px"),
    ("polars", "pl"), ("pyarrow", "pa"), ("seaborn", "sns"), ("tensorflow", "tf"), ("tkinter", "tk"),
    ("xml.etree.ElementTree", "ET"))) + "}"


def _sets_aliases(table: dict[str, Any]) -> bool:
    """The project chose its own import conventions (``aliases``, not only ``extend-aliases``)."""
    lint = table.get("lint") if isinstance(table.get("lint"), dict) else {}
    return any(isinstance(t, dict) and "aliases" in t
               for t in (lint.get("flake8-import-conventions"), table.get("flake8-import-conventions")))


def _shown(root: Path, path: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


@functools.lru_cache(maxsize=4)
def _rule_table(binary: str | None = None) -> tuple[dict[str, Any], ...]:
    """``ruff rule --all`` of the installed ruff, one entry per rule (empty when it cannot tell)."""
    ruff = binary or find_ruff()
    if ruff is None:
        return ()
    try:
        proc = subprocess.run(  # nosec B603 - fixed argv, no shell
            [ruff, "rule", "--all", "--output-format", "json"], capture_output=True, text=True, timeout=30,
            stdin=subprocess.DEVNULL,
        )
        rules = json.loads(proc.stdout)
    except (OSError, subprocess.SubprocessError, ValueError, TypeError):
        return ()
    return tuple(r for r in rules if isinstance(r, dict) and "code" in r) if isinstance(rules, list) else ()


def known_codes(binary: str | None = None) -> frozenset[str]:
    """Every rule code the installed ruff knows (empty when it cannot tell)."""
    return frozenset(str(r["code"]) for r in _rule_table(binary))


Version = tuple[int, ...]
_VERSION_RE = lazy_compile(r"v?(\d+(?:\.\d+){1,2})")


def _version(text: Any) -> Version | None:
    match = _VERSION_RE.fullmatch(text.strip()) if isinstance(text, str) else None
    return tuple(int(p) for p in match.group(1).split(".")) if match else None


# ruff's rule categories that judge taste rather than find defects (correctness, suspicious and
# security rules find bugs, whichever ruff version added them).
_TASTE_CATEGORIES = frozenset({"pedantic", "style", "complexity", "formatting", "restriction", "performance"})


@functools.lru_cache(maxsize=64)
def unrun_codes(pin: Version, preview: bool, binary: str | None = None) -> tuple[str, ...]:
    """The rules of taste the installed ruff reports that ruff ``pin`` did not run: those added after
    it (a preview rule's version is when it was added), and, with preview off, those stabilised after
    it (before that they ran in preview mode only, or did not exist). ``select = ["ALL"]`` or a whole
    prefix means the rules of the project's own ruff, which its CI passes; a newer ruff's pedantic,
    style or complexity additions (a copyright-notice rule on SPDX headers, too many positional
    arguments) are preferences the project never took on. A rule whose category finds defects still
    counts, and so does any rule when ruff does not say its category."""
    out: list[str] = []
    for rule in _rule_table(binary):
        status = rule.get("status")
        if not isinstance(status, dict) or len(status) != 1 or rule.get("category") not in _TASTE_CATEGORIES:
            continue
        (state, info), = status.items()
        since = _version(info.get("since")) if isinstance(info, dict) else None
        if since is not None and since > pin and (state == "Preview" or (state == "Stable" and not preview)):
            out.append(str(rule["code"]))
    return tuple(sorted(out))


def _previews(top: Path, folder: Path, table: dict[str, Any], depth: int = 0) -> bool:
    """Whether the configuration (or one it extends) turns ruff's preview mode on."""
    lint = table.get("lint") if isinstance(table.get("lint"), dict) else {}
    for where in (lint, table):
        if isinstance(where.get("preview"), bool):
            return bool(where["preview"])
    extend = table.get("extend")
    if isinstance(extend, str) and depth < 5:
        target = (folder / extend).resolve()
        parent = _ruff_table(target.name, _read(top, target.parent, target.name))
        if parent is not None:
            return _previews(top, target.parent, parent, depth + 1)
    return False


# Where a project pins the ruff its CI runs: ``ruff==X`` in requirements or dependency lists (a bare
# version in Poetry's table is exact too), the version a lock file resolved, a pre-commit hook's rev.
_REQUIREMENT_PIN = lazy_compile(r"""(?:^|["'\s])ruff\s*===?\s*v?(\d+(?:\.\d+){1,2})\s*(?:$|["';,#\\\s])""",
                                re.MULTILINE | re.IGNORECASE)
_POETRY_PIN = lazy_compile(r"""^\s*ruff\s*=\s*["']={0,2}v?(\d+(?:\.\d+){1,2})["']""", re.MULTILINE)
_LOCK_PIN = lazy_compile(r'^name\s*=\s*"ruff"\s*\nversion\s*=\s*"(\d+(?:\.\d+){1,2})"', re.MULTILINE)
_REQUIREMENTS_NAME = lazy_compile(r"[-\w.]*requirements[-\w.]*\.(?:txt|in)")  # in a requirements/ folder: any .txt, .in


def pinned_ruff(top: Path, folder: Path, table: dict[str, Any]) -> Version | None:
    """The ruff version the project's CI runs with the configuration in ``folder``: its exact
    ``required-version``, else the newest exact pin in the configuration's folder or any folder up
    to the repository's root (the newest, so disagreeing pins never drop a rule one of them runs);
    None when nothing pins it."""
    required = table.get("required-version")
    if isinstance(required, str) and (exact := _version(required.strip().removeprefix("=="))):
        return exact
    pins: list[Version] = []
    current = folder
    while True:
        pins += _pins_in(top, current)
        if current == top or top not in current.parents:
            break
        current = current.parent
    return max(pins, default=None)


def _pins_in(top: Path, folder: Path) -> list[Version]:
    texts: list[tuple[str, str]] = []
    for name in (".pre-commit-config.yaml", ".pre-commit-config.yml", "pyproject.toml", "uv.lock", "poetry.lock"):
        if (text := _read(top, folder, name)) is not None:
            texts.append((name, text))
    for sub in ("", "requirements"):
        try:
            names = sorted(e.name for e in os.scandir(folder / sub) if e.is_file(follow_symlinks=False))
        except OSError:
            continue
        for name in names[:200]:
            wanted = name.endswith((".txt", ".in")) if sub else bool(_REQUIREMENTS_NAME.fullmatch(name.lower()))
            if wanted and (text := _read(top, folder / sub, name)) is not None:
                texts.append(("requirements", text))
    pins: list[Version] = []
    for name, text in texts:
        if "ruff" not in text:
            continue
        if name.startswith(".pre-commit"):
            pins += _precommit_pins(text)
        elif name.endswith(".lock"):
            pins += [v for m in _LOCK_PIN.finditer(text) if (v := _version(m.group(1)))]
        else:
            found = [*_REQUIREMENT_PIN.finditer(text), *(_POETRY_PIN.finditer(text) if name == "pyproject.toml" else ())]
            pins += [v for m in found if (v := _version(m.group(1)))]
    return pins


def _precommit_pins(text: str) -> list[Version]:
    """The ``rev`` of ruff's pre-commit hook repository (astral-sh/ruff-pre-commit)."""
    from readiness.project import load_yaml_documents  # YAML is read only when a hook file mentions ruff

    docs, _ = load_yaml_documents(text)
    repos = docs[0].get("repos") if docs and isinstance(docs[0], dict) else None
    return [v for repo in repos if isinstance(repo, dict) and str(repo.get("repo", "")).rstrip("/").endswith("/ruff-pre-commit")
            and (v := _version(str(repo.get("rev", ""))))] if isinstance(repos, list) else []


def _ruff_knows(selector: str, codes: frozenset[str]) -> bool:
    """Whether ruff accepts ``selector``: a code or a prefix of one within the same linter letters
    (flake8 plugin codes ruff does not implement, like W503 or WPS306, are dropped)."""
    if not _SELECTOR_RE.fullmatch(selector):
        return False
    letters = selector.rstrip("0123456789")
    return any(c.startswith(selector) and c.rstrip("0123456789") == letters for c in codes)


def parse_per_file_ignores(text: str) -> list[tuple[list[str], list[str]]]:
    """flake8's ``per-file-ignores`` (``path: CODE, CODE`` entries, newline or space separated)."""
    entries: list[tuple[list[str], list[str]]] = []
    files: list[str] = []
    codes: list[str] = []
    pending: list[str] = []
    for token in re.findall(r"[^\s,:]+|:", text):
        if token == ":":
            if files and codes:
                entries.append((files, codes))
            files, codes, pending = pending, [], []
        elif files and _SELECTOR_RE.fullmatch(token) and not pending:
            codes.append(token)
        else:
            pending.append(token)
    if files and codes:
        entries.append((files, codes))
    return entries


def _flake8_value(section: dict[str, Any], key: str) -> Any:
    return section.get(key, section.get(key.replace("-", "_")))


def _flake8_config(root: Path, folder: Path, name: str, section: dict[str, Any], codes: frozenset[str]) -> LintConfig:
    """The project's flake8 configuration in ruff's terms: select, ignore, extend-ignore,
    max-line-length, max-complexity, exclude and per-file-ignores."""

    def int_of(key: str) -> int | None:
        try:
            return int(str(_flake8_value(section, key)).strip())
        except (TypeError, ValueError):
            return None

    complexity = int_of("max-complexity")
    default_select = ["E", "W", "F", *(["C90"] if complexity and complexity > 0 else [])]
    given = _codes(_flake8_value(section, "select")) if _flake8_value(section, "select") is not None else default_select
    select: list[str] = []
    for code in [*given, *_codes(_flake8_value(section, "extend-select"))]:
        if code in _MCCABE:
            code = "C90" if complexity and complexity > 0 else ""
        if code and _ruff_knows(code, codes) and code not in select:
            select.append(code)
    ignore_given = _flake8_value(section, "ignore")
    ignored = _codes(ignore_given) if ignore_given is not None else list(_FLAKE8_DEFAULT_IGNORE)
    ignored += _codes(_flake8_value(section, "extend-ignore"))
    ignore = [c for c in dict.fromkeys(ignored) if _ruff_knows(c, codes)]
    lines = [f"lint.select = {_toml_list(select)}", f"lint.ignore = {_toml_list(ignore)}"]
    length = int_of("max-line-length")
    lines.append(f"line-length = {min(max(length or 79, 1), 320)}")
    doc_length = int_of("max-doc-length")
    if doc_length and doc_length > 0:
        lines.append(f"lint.pycodestyle.max-doc-length = {doc_length}")
    if complexity and complexity > 0:
        lines.append(f"lint.mccabe.max-complexity = {complexity}")
    if any(code == "B" or code.startswith("B0") for code in select):
        lines.append(f"lint.flake8-bugbear.extend-immutable-calls = {_toml_list(_IMMUTABLE_CALLS)}")
    excludes = [p for key in ("exclude", "extend-exclude") for p in _patterns(_flake8_value(section, key))]
    if excludes:
        lines.append(f"extend-exclude = {_toml_list(excludes)}")
    per_file = _flake8_value(section, "per-file-ignores")
    if isinstance(per_file, list):
        per_file = "\n".join(str(x) for x in per_file)
    if isinstance(per_file, str):
        table: dict[str, list[str]] = {}
        for patterns, entry_codes in parse_per_file_ignores(per_file):
            known = [c for c in entry_codes if _ruff_knows(c, codes)]
            for pattern in patterns:
                if known:
                    table.setdefault(pattern, []).extend(known)
        if table:
            inner = ", ".join(f"{json.dumps(k)} = {_toml_list(v)}" for k, v in table.items())
            lines.append(f"lint.per-file-ignores = {{{inner}}}")
    args = ("--isolated", "--force-exclude", "--config", "\n".join(lines))
    shown = _shown(root, folder / name) + (" [tool.flake8]" if name == "pyproject.toml" else " [flake8]")
    return LintConfig("flake8", shown, str(folder), args, _rules_words(select, ignore))


def _patterns(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, str):
        return [p.strip() for p in re.split(r"[,\n]", value) if p.strip()]
    return []


def _flake8_section(name: str, text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    if name == "pyproject.toml":
        data = _toml(text) or {}
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        table = tool.get("flake8")
        return table if isinstance(table, dict) else None
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    return dict(parser.items("flake8")) if parser.has_section("flake8") else None


class ConfigFinder:
    """The lint configuration nearest to each file, folder by folder up to the git root."""

    def __init__(self, root: Path, binary: str | None = None) -> None:
        self.root = root.resolve()
        self.top = git_root(self.root)
        self.binary = binary
        self._memo: dict[Path, LintConfig | None] = {}
        self.texts: list[str] = []  # every configuration read, for the cache key
        self.default = LintConfig(
            "default", "", str(self.root),
            ("--isolated", "--config", f"lint.select = {_toml_list(DEFAULT_RULES)}"), ",".join(DEFAULT_RULES),
        )

    def for_file(self, rel: str) -> LintConfig:
        folder = (self.root / rel).parent
        chain: list[Path] = []
        found: LintConfig | None = None
        while True:
            if folder in self._memo:
                found = self._memo[folder]
                break
            chain.append(folder)
            found = self._in_folder(folder)
            if found is not None or folder == self.top or self.top not in folder.parents:
                break
            folder = folder.parent
        for seen in chain:
            self._memo.setdefault(seen, found)
        self._memo[chain[-1] if chain else folder] = found
        return found or self.default

    def _in_folder(self, folder: Path) -> LintConfig | None:
        texts = {name: _read(self.top, folder, name) for name in dict.fromkeys([*_RUFF_FILES, *_FLAKE8_FILES])}
        self.texts.extend(f"{folder}/{n}\0{t}" for n, t in texts.items() if t is not None)
        for name in _RUFF_FILES:
            table = _ruff_table(name, texts[name])
            if table is not None:
                return _ruff_config(self.top, self.root, folder, name, table, self.binary)
        for name in (*_FLAKE8_FILES, "pyproject.toml"):
            section = _flake8_section(name, texts[name])
            if section is not None:
                return _flake8_config(self.root, folder, name, section, known_codes(self.binary))
        return None


def has_own_config(root: Path) -> bool:
    """Whether the project configures its linting at ``root`` or above it, up to the git root."""
    return ConfigFinder(root).for_file("__probe__.py").kind != "default"


def _chunks(paths: Sequence[str], limit: int = CHUNK_CHARS) -> list[list[str]]:
    out: list[list[str]] = []
    current: list[str] = []
    size = 0
    for path in paths:
        if current and size + len(path) + 1 > limit:
            out.append(current)
            current, size = [], 0
        current.append(path)
        size += len(path) + 1
    if current:
        out.append(current)
    return out


def run_ruff_on(root: Path, files: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT,
                binary: str | None = None, finder: ConfigFinder | None = None) -> RuffResult:
    """ruff's findings for ``files`` (relative to ``root``), grouped by relative path, each file
    judged by its nearest lint configuration."""
    result = RuffResult()
    ruff = binary or find_ruff()
    if ruff is None:
        result.error = "ruff is not installed (looked next to the Python interpreter and on PATH)"
        return result
    if not (os.path.isfile(ruff) and os.access(ruff, os.X_OK)):
        result.error = f"cannot run ruff: {ruff} is not an executable file"
        return result
    resolved_root = root.resolve()
    finder = finder or ConfigFinder(resolved_root, binary=ruff)
    groups: dict[LintConfig, list[str]] = {}
    for path in files:
        config = finder.for_file(path)
        result.configs[path] = config
        groups.setdefault(config, []).append(path)
    result.configured = any(c.kind != "default" for c in groups)
    for config, paths in groups.items():
        error = _run_group(ruff, config, paths, resolved_root, timeout, result)
        if error is not None:
            where = f" (with {config.source})" if config.source else ""
            result.error = error + where
            return result
    if files and len(result.crashed) == len(files):
        result.error = "ruff crashed on every file"
    for path in list(result.files):
        kept = _as_the_project_lints(resolved_root, path, result.configs.get(path), result.files[path])
        if kept:
            result.files[path] = sorted(kept, key=lambda m: (m.line, m.column, m.code))
        else:
            del result.files[path]
    return result


def _as_the_project_lints(root: Path, path: str, config: LintConfig | None,
                          messages: list[RuffMessage]) -> list[RuffMessage]:
    """The findings the project's own linter reports: without the rules its pinned ruff did not run,
    and, under a flake8 configuration, without those flake8's ``# noqa`` silences."""
    if config is None:
        return messages
    if config.unrun:
        unrun = frozenset(config.unrun)
        messages = [m for m in messages if m.code not in unrun]
    if config.kind == "flake8" and messages:
        try:
            text = read_inside(root, path, CONFIG_LIMIT * 8).decode("utf-8", "replace")
        except (OSError, ValueError):
            return messages
        noqa = flake8_noqa_lines(text)
        messages = [m for m in messages if not flake8_silences(noqa.get(m.line), m.code)]
    return messages


# flake8's inline marker (flake8/defaults.py NOQA_INLINE_REGEXP), searched anywhere in the text it is given.
_FLAKE8_NOQA = lazy_compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)


def flake8_noqa_lines(text: str) -> dict[int, str]:
    """The text flake8 searches for ``# noqa`` when it reports on each line (its
    ``FileProcessor.noqa_line_for``): all physical lines of a run of tokens between two line ends
    share that run's joined text, so a marker anywhere in a multi-line string (a docstring's long
    URL line) or a backslash-continued line covers all its lines, whereas ruff reads markers only
    in comments. Only lines whose text mentions noqa are kept; empty when the file does not
    tokenize (flake8 then applies no marker)."""
    lines = io.StringIO(text).readlines()  # split on line ends only, as flake8 reads a file
    out: dict[int, str] = {}
    try:
        start = 0
        for tok in tokenize.generate_tokens(iter(lines).__next__):
            if tok.type == tokenize.ENDMARKER:
                break
            if tok.type == tokenize.DEDENT:
                continue
            start = start or tok.start[0]
            if tok.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[start - 1:tok.end[0]])
                if "noqa" in joined.lower():
                    out.update(dict.fromkeys(range(start, tok.end[0] + 1), joined))
                start = 0
    except (tokenize.TokenError, SyntaxError, ValueError):
        return {}
    return out


def flake8_silences(line: str | None, code: str) -> bool:
    """Whether flake8 drops ``code`` on a line whose noqa text is ``line``: the first marker decides,
    a bare one silences everything, one with codes those codes and their prefixes."""
    match = _FLAKE8_NOQA.search(line) if line else None
    if match is None:
        return False
    codes = match.group("codes")
    return codes is None or any(code.startswith(c) for c in re.split(r"[,\s]+", codes.strip()) if c)


def _run_group(ruff: str, config: LintConfig, files: list[str], root: Path, timeout: float,
               result: RuffResult) -> str | None:
    """Run ruff over the files of one configuration, from that configuration's folder."""
    base = [ruff, "check", "--output-format", "json", "--no-cache", "--exit-zero", *config.args]
    cwd = Path(config.cwd)
    local = {Path(os.path.relpath(root / f, cwd)).as_posix(): f for f in files}
    for chunk in _chunks(list(local)):
        error = _run_chunk(base, chunk, cwd, root, timeout, result)
        if error is not None and error.startswith("ruff crashed") and len(chunk) > 1:
            # One hostile file (e.g. nested deeply enough to overflow ruff's stack) must not
            # cost the whole project its lint results: retry file by file and skip the culprits.
            for path in chunk:
                single = _run_chunk(base, [path], cwd, root, timeout, result)
                if single is not None and single.startswith("ruff crashed"):
                    result.crashed.append(local[path])
                elif single is not None:
                    return single
            continue
        if error is not None and error.startswith("ruff crashed"):
            result.crashed.extend(local[p] for p in chunk)
            continue
        if error is not None:
            return error
    return None


def _run_chunk(base: list[str], chunk: list[str], cwd: Path, root: Path, timeout: float,
               result: RuffResult) -> str | None:
    """Run ruff on one chunk, adding its messages to ``result``; a reason when it failed."""
    try:
        proc = subprocess.run(  # nosec B603 - fixed argv, no shell
            memory_limited([*base, "--", *chunk]), cwd=cwd, capture_output=True, text=True, timeout=timeout,
            stdin=subprocess.DEVNULL, encoding="utf-8", errors="replace",
        )
    except subprocess.TimeoutExpired:
        return f"ruff timed out after {timeout:g}s"
    except OSError as exc:
        return f"cannot run ruff: {exc.strerror or exc}"
    if proc.returncode != 0:
        detail = (proc.stderr.strip().splitlines() or ["no output"])[-1][:300]
        if proc.returncode < 0 or proc.returncode > 2:
            return f"ruff crashed (exit {proc.returncode}): {detail}"
        return f"ruff failed (exit {proc.returncode}): {detail}"
    try:
        items = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return "ruff printed something that is not JSON"
    if not isinstance(items, list):
        return "ruff printed an unexpected JSON document"
    for item in items:
        message = _message(item, cwd, root)
        if message is not None:
            rel, msg = message
            result.files.setdefault(rel, []).append(msg)
    return None


def _message(item: object, cwd: Path, root: Path) -> tuple[str, RuffMessage] | None:
    if not isinstance(item, dict):
        return None
    filename = item.get("filename")
    location = item.get("location") or {}
    if not isinstance(filename, str) or not isinstance(location, dict):
        return None
    try:
        rel = (cwd / filename).resolve().relative_to(root).as_posix()
    except ValueError:
        rel = Path(filename).as_posix()
    code = item.get("code") or "syntax-error"
    text = str(item.get("message") or "").strip()
    return rel, RuffMessage(int(location.get("row") or 1), int(location.get("column") or 1), str(code), text)


def _service_files(project: Project) -> list[str]:
    """The Python files of the running service: tests, scripts, migrations and commands are not
    linted as service code (``readiness.roles``; by path alone where that is unavailable)."""
    try:
        from readiness.roles import service_files
    except ImportError:  # pragma: no cover - the roles module is part of the package
        from readiness.paths import is_application_path

        return [f for f in project.python_files if is_application_path(f)]
    return service_files(project, project.python_files)


def run_ruff(project: Project, cache: Cache | None = None) -> RuffResult:
    """ruff over the service's Python files of the project (for ``project.tool("ruff", ...)``).

    Per-file results are cached by content hash and keyed by ruff's version and every lint
    configuration read, so a warm scan runs ruff only on the files that changed.
    """
    from importlib.metadata import PackageNotFoundError, version  # reads installed metadata: only when ruff runs

    files = _service_files(project)
    try:
        ruff_version = version("ruff")
    except PackageNotFoundError:
        ruff_version = find_ruff() or ""
    finder = ConfigFinder(project.root)
    configs = {path: finder.for_file(path) for path in files}
    key = plan_key(["ruff", ruff_version, sorted(finder.texts), sorted({repr(c) for c in configs.values()})])
    stored = cache.load("ruff", key) if cache is not None else {}
    cached: dict[str, tuple[list[RuffMessage], bool]]
    cached, todo = split_cached(stored, files, project.digests)
    result = run_ruff_on(project.root, todo, finder=finder) if todo else RuffResult()
    result.configs = configs
    result.configured = any(c.kind != "default" for c in configs.values())
    if result.error:
        return result
    crashed = set(result.crashed)
    for path, (messages, was_crashed) in cached.items():
        if messages:
            result.files[path] = list(messages)
        if was_crashed:
            result.crashed.append(path)
    result.crashed.sort()
    if cache is not None and todo:
        entries = {
            path: (project.digests[path], (result.files.get(path, []), path in crashed or path in result.crashed))
            for path in files if path in project.digests
        }
        cache.save("ruff", key, entries)
    return result
