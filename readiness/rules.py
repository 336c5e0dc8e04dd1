"""Rule ids of the engines readiness runs (bandit ``B506``, ruff ``E401``): what each means and
how to fix it, for ``readiness explain`` and for the fix line of a finding in the terminal.

Bandit's own plugin documentation and ruff's ``ruff rule`` output are the source of truth; a short
fix per common bandit rule is added here because bandit documents what it detects, not the repair.
"""

from __future__ import annotations

import json
import re
import subprocess  # nosec B404 - runs the ruff binary of this environment with a fixed argument list
import sys
from functools import lru_cache
from typing import Any

from readiness.lazy_regex import lazy_compile

RULE_ID = lazy_compile(r"^[A-Z]{1,4}[0-9]{1,4}$")
BANDIT_FIX: dict[str, str] = {
    "B101": "Raise an exception instead of `assert` for checks that must hold in production (asserts vanish under -O).",
    "B102": "Do not call `exec` on data; dispatch through a table of allowed functions.",
    "B103": "Give files owner-only permissions (`0o600`, directories `0o700`).",
    "B104": "Bind to a configured interface (`HOST` from settings) rather than 0.0.0.0 in code.",
    "B105": "Read the secret from the environment or a secrets manager, not a literal.",
    "B106": "Pass secrets read from the environment or a secrets manager, not literals.",
    "B107": "Give secret parameters no literal default; read them from configuration.",
    "B108": "Create temporary files with `tempfile.mkstemp()` or `tempfile.TemporaryDirectory()`.",
    "B110": "Log the exception (`logger.exception(...)`) or catch only what you can handle; never `except: pass`.",
    "B112": "Log the exception before `continue`, or catch only what you can handle.",
    "B113": "Pass `timeout=` to every requests/httpx call.",
    "B201": "Never run Flask with `debug=True` in production; read it from configuration.",
    "B301": "Do not unpickle untrusted data; use JSON or a schema-validated format.",
    "B303": "Use SHA-256 or better (`hashlib.sha256`); MD5 and SHA-1 are broken.",
    "B304": "Use an authenticated cipher such as AES-GCM (`cryptography`'s `AESGCM`).",
    "B306": "Use `tempfile.mkstemp()`: `mktemp()` is racy.",
    "B307": "Use `ast.literal_eval` for literals; never `eval` on data.",
    "B311": "Use `secrets` (`secrets.token_urlsafe()`) for tokens and keys; `random` is predictable.",
    "B324": "Use SHA-256 or better, or pass `usedforsecurity=False` for non-security hashes.",
    "B403": "Avoid pickle for data that crosses a trust boundary.",
    "B404": "Pass argument lists (no shell) to subprocess and validate every argument that comes from input.",
    "B501": "Keep certificate verification on (`verify=True`, the default); trust a private CA with `verify=/path/ca.pem`.",
    "B506": "Use `yaml.safe_load()`.",
    "B602": "Pass an argument list with `shell=False`; use `shlex.quote` if a shell is unavoidable.",
    "B603": "Validate every argument that comes from input before passing it to subprocess.",
    "B605": "Use `subprocess.run([...])` with an argument list instead of a shell command string.",
    "B607": "Call executables by absolute path (or resolve them with `shutil.which` once at start-up).",
    "B608": "Use query parameters (`cursor.execute(sql, params)`) or the ORM; never format SQL with input.",
    "B610": "Use query parameters instead of Django `extra()` with formatted SQL.",
    "B611": "Use query parameters instead of Django `RawSQL` with formatted SQL.",
    "B701": "Create the Jinja2 environment with `autoescape=select_autoescape()`.",
    "B703": "Escape values before `mark_safe`, or use `format_html`.",
}


def _bandit(code: str) -> dict[str, Any] | None:
    try:
        from bandit.core import extension_loader
    except ImportError:
        return None
    manager = extension_loader.MANAGER
    plugin = manager.plugins_by_id.get(code)
    if plugin is not None:
        doc = sys.modules[plugin.plugin.__module__].__doc__ or ""
        return {"engine": "bandit", "code": code, "name": plugin.name, "summary": _rst_title(doc, code) or plugin.name,
                "explanation": _rst_body(doc), "fix": BANDIT_FIX.get(code, "")}
    listed = getattr(manager, "blacklist_by_id", {}).get(code)
    if listed:
        return {"engine": "bandit", "code": code, "name": listed.get("name", ""), "summary": listed.get("message", ""),
                "explanation": listed.get("message", ""), "fix": BANDIT_FIX.get(code, "")}
    return None


def _rst_title(doc: str, code: str) -> str:
    for line in doc.splitlines():
        if line.startswith(f"{code}:"):
            return line.split(":", 1)[1].strip()
    return ""


def _rst_body(doc: str) -> str:
    """The description paragraphs of a plugin's RST documentation, without the title and examples."""
    body = doc.split(":Example:", 1)[0]
    lines = [line for line in body.splitlines() if not re.match(r"^\s*=+\s*$", line) and not re.match(r"^B\d{3}:", line)]
    return re.sub(r"``([^`]+)``", r"`\1`", "\n".join(lines)).strip()


@lru_cache(maxsize=1)
def _ruff_rules() -> dict[str, dict[str, Any]]:
    """Every ruff rule, from one ``ruff rule --all`` run (fast, and bounded however many codes a scan reports)."""
    from readiness.tools.ruff_runner import find_ruff

    ruff = find_ruff()
    if ruff is None:
        return {}
    try:
        proc = subprocess.run([ruff, "rule", "--all", "--output-format", "json"], capture_output=True, text=True,  # nosec B603 - fixed arguments
                              timeout=20, check=False)
        data = json.loads(proc.stdout) if proc.returncode == 0 else []
    except (OSError, subprocess.SubprocessError, ValueError):
        return {}
    return {str(r["code"]): r for r in data if isinstance(r, dict) and r.get("code")} if isinstance(data, list) else {}


def _ruff(code: str) -> dict[str, Any] | None:
    data = _ruff_rules().get(code)
    if data is None:
        return None
    availability = str(data.get("fix_availability") or "")
    fix = "`ruff check --fix` repairs it." if availability == "Always" else (
        "`ruff check --fix --unsafe-fixes` can repair it; review the change." if availability == "Sometimes" else "")
    return {"engine": "ruff", "code": code, "name": str(data.get("name", "")), "summary": str(data.get("summary", "")),
            "explanation": str(data.get("explanation", "")), "fix": fix, "linter": str(data.get("linter", ""))}


@lru_cache(maxsize=256)
def rule(code: str) -> dict[str, Any] | None:
    """What an engine rule id means (bandit first: its ids are unambiguous), or None when unknown."""
    if not RULE_ID.match(code or ""):
        return None
    if re.match(r"^B\d{3}$", code):
        found = _bandit(code)
        if found:
            return found
    return _ruff(code)


def rule_fix(code: str) -> str:
    """One line for a terminal: the rule's name and how to fix it."""
    info = rule(code)
    if info is None:
        return ""
    name = info["summary"] or info["name"]
    return f"{name}: {info['fix']}" if info["fix"] else name


def rule_markdown(code: str, *, examples: bool = False) -> str | None:
    """``readiness explain B506``: the engine's own description, and the fix."""
    info = rule(code)
    if info is None:
        return None
    lines = [f"# {code}: {info['summary'] or info['name']}", "",
             f"A {info['engine']} rule (`{info['name']}`), reported by readiness under "
             f"`{'sast-findings' if info['engine'] == 'bandit' else 'lint-errors'}`.", ""]
    text = info["explanation"].strip()
    if not examples and text:
        text = text.split("\n## Example", 1)[0].strip()
    if text:
        lines += [text, ""]
    if info["fix"]:
        lines += ["## How to fix it", "", info["fix"], ""]
    return "\n".join(lines)
