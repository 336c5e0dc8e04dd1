"""Secrets management checks: default and hardcoded secrets, secrets managers, rotation.

Secret values never leave this module: every message names the variable or the key format and
shows a masked form (``*** (12 chars)``, or only the public prefix of a well-known format).

The name-based part of ``hardcoded-secret`` follows the logic of bandit's hardcoded-password
tests (B105 strings assigned to, compared with, or used as dict keys of secret-like names; B106
secret-like keyword arguments; B107 secret-like parameter defaults), with fewer false positives:
empty strings and placeholders, field and header names, URLs and names such as ``token_url``
are not secrets.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from readiness.checks.agents import Equivalent
from readiness.checks.base import Check, Collected, Example, FileOutcome, Hit, Verdict, bad, good
from readiness.file_facts import TextFact
from readiness.fix.shapes import default_secret_fixable
from readiness.lazy_regex import lazy_compile
from readiness.measures import Count, NotApplicable, Presence
from readiness.model import Evidence, Finding
from readiness.paths import is_settings_path, is_test_path
from readiness.project import Project, glob_matcher
from readiness.roles import FIXTURE, INFRASTRUCTURE, SCRIPT, SERVICE, file_role, path_role, project_role, project_roles
from readiness.routes import dotted, module_statements
from readiness.source import SourceFile
from readiness.tools.pyast import import_map, is_enumeration, is_none, main_block_nodes, qualify, str_value

# -- names ----------------------------------------------------------------------------------

_SECRET_WORDS = ["secret", "password", "passwd", "passphrase", "pwd", "token", "apikey", "jwt",
                 "credential", "credentials", "secrete", "passwort", "privatekey", "pepper"]
_SECRET_PAIRS = ["api_key", "private_key", "secret_key", "access_key", "signing_key", "encryption_key",
                 "auth_key", "master_key", "client_secret", "app_key", "account_key", "hmac_key"]
_NOT_SECRET_SUFFIXES = frozenset({
    "url", "urls", "uri", "endpoint", "path", "file", "filename", "dir", "name", "names", "type", "field", "fields",
    "check", "checks",
    "header", "prefix", "suffix", "length", "len", "expiry", "expires", "expire", "expiration", "ttl", "lifetime",
    "timeout", "age", "algorithm", "algorithms", "alg", "algo", "scheme", "count", "limit", "max", "min", "enabled",
    "required", "pattern", "regex", "label", "template", "param", "policy", "hint", "help", "message", "msg",
    "error", "format", "env", "var", "location", "kind", "mode", "version", "class", "backend", "model", "form",
    "view", "validator", "validators", "hash", "hasher", "hashers", "id", "arn", "ref", "region", "size",
    "delta", "seconds", "minutes", "hours", "days", "interval", "cookie", "key_name", "audience", "issuer",
    "store", "stores", "provider", "providers", "manager", "operator", "secret_store", "source", "sources",
    "title", "subject", "text", "body", "heading", "description", "caption", "button", "link", "claim", "claims",
    "from", "origin", "status", "state",  # secret_from = "env": where a secret was loaded from, not the secret
    # what is done with a secret, or what happened to it: raw_secret_handling = "allow", credential_pause_outcome
    "handling", "outcome", "result", "reason", "action", "filter", "mask", "words", "word", "strategy", "behavior",
    "behaviour", "decision",
    "method", "methods", "verb",  # ACCESS_TOKEN_METHOD = "POST": how a token is fetched, not the token
    "mark", "marker", "sentinel",  # VAULT_SAVED_SECRET_MARK = "# saved to vault #": what stands in for a secret
    "hash_salt",  # API_KEY_HASH_SALT: the salt of a fingerprint of keys, stored beside what it salts
})
# A name for the default of a setting (FTP_PASS_DEFAULT, ADMIN_PASSWORD_FALLBACK): judged by what it is the default of
_DEFAULT_SUFFIXES = frozenset({"default", "fallback"})
# An operation on a secret, named by its verb: {"list_credentials": "Listing saved credentials"}, "reset_password".
_OPERATION_VERBS = frozenset({"list", "get", "create", "delete", "update", "fetch", "load", "save", "check", "validate",
                              "rotate", "reset", "show", "add", "remove", "edit", "change", "forgot", "verify", "manage",
                              "store", "read", "write", "revoke", "generate", "request", "clear", "view"})
_STAND_INS = frozenset({"fake", "dummy", "mock", "stub", "placeholder"})
# What a "pass" suffix is the password of (DB_PASS, SMTP_PASS), unlike pass_through or first_pass.
_LOGIN_HOLDERS = frozenset({"db", "database", "smtp", "mail", "email", "imap", "pop", "redis", "mysql", "postgres", "pg",
                            "psql", "mongo", "ldap", "ftp", "sftp", "admin", "user", "root", "rabbitmq", "amqp", "broker",
                            "proxy", "auth", "basic", "login", "account", "service", "api", "bind"})
# bandit's words, minus a bare "pass" (pass_arg, pass_through, first_pass are not secrets).
_BANDIT_RE = lazy_compile(r"(^|_)(pas+wo?r?d|passphrase|pwd|token|secrete?)(_|$)", re.IGNORECASE)
_TOKEN_VALUE_RE = lazy_compile(r"^(?=.*[A-Za-z])(?=.*\d)\S{12,}$")
_CAMEL_RE = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")


_MIN_SECRET_LENGTH = 4
# Containers whose keys name form fields or secrets but whose values describe them: css_classes["password"] = "input"
_DESCRIBING_CONTAINERS = frozenset({"css", "class", "classes", "label", "labels", "placeholder", "placeholders", "widget",
                                    "widgets", "attrs", "icon", "icons", "type", "types", "help", "error", "errors",
                                    "message", "messages", "title", "titles", "style", "styles", "description",
                                    "descriptions", "hint", "hints", "tooltip", "tooltips"})


@functools.lru_cache(maxsize=8192)
def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", _CAMEL_RE.sub("_", name).lower()).strip("_")


def is_secret_name(name: str | None, extra: Iterable[str] = ()) -> bool:
    """Whether a variable, key, keyword or environment variable name holds a secret."""
    if not name or len(name) > 80:
        return False
    snake = _snake(name)
    if not snake:
        return False
    tokens = snake.split("_")
    if len(tokens) > 1 and tokens[-1] in _DEFAULT_SUFFIXES:
        tokens = tokens[:-1]  # FTP_PASS_DEFAULT: the default of what the rest of the name holds
        snake = "_".join(tokens)
    if tokens[-1] in _NOT_SECRET_SUFFIXES or "_".join(tokens[-2:]) in _NOT_SECRET_SUFFIXES:
        return False
    if _STAND_INS.intersection(tokens):
        return False  # fake_wallet_secret: the key of a stand-in backend guards nothing
    if len(tokens) > 1 and tokens[0] in _OPERATION_VERBS:
        return False  # list_credentials, reset_password: an operation, named; its value is a label or a route
    if _BANDIT_RE.search(snake):
        return True
    words = set(_SECRET_WORDS) | {w.lower() for w in extra}
    if any(t in words for t in tokens):
        return True
    # DB_PASS, SMTP_PASS, PAPERLESS_DBPASS, ADMINPASSWORD: "pass" after what holds a login, a password run together
    last = tokens[-1]
    if (last == "pass" and len(tokens) > 1 and tokens[-2] in _LOGIN_HOLDERS) or last.endswith(("password", "passwd")) \
            or (last.endswith("pass") and last[:-4] in _LOGIN_HOLDERS):
        return True
    joined = f"_{snake}_"
    return any(f"_{pair}_" in joined for pair in _SECRET_PAIRS)


# -- values ---------------------------------------------------------------------------------

_PLACEHOLDER_RE = lazy_compile(
    r"^(\W|_)*$|^[xX]+$|^<.*>$|^\$\{.*\}$|^\$[A-Z_][A-Z0-9_]*$|^\{\{.*\}\}$|^%\(.*\)s$|^\{[\w.]*\}$|^__[A-Z0-9_]+__$"
    r"|change.?me|replace.?me|placeholder|redacted|example|your.?(own.?)?(secret|password|token|key|api)"
    r"|^(some|my|a|dummy)[-_ ]?\w*?(secret|password|token|key)$"
    r"|^(dummy|fake|test|testing|none|null|nil|undefined|todo|tbd|fixme|xxx+|n/?a|not.?set|unset|secret_here"
    r"|empty|blank|not.?needed|no.?key|unused|not.?used|ignored|no.?key.?required)$",
    re.IGNORECASE,
)
_ENV_NAME_RE = lazy_compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
_FIELD_KEY = lazy_compile(r"[a-z]+(?:_[a-z]+)+")  # csrf_token, api_key: a snake_case name
_HEADER_RE = lazy_compile(r"^(X-)?[A-Z][a-z]+(-[A-Za-z][a-z]*)+$|^X-[\w-]+$")
_FIELD_WORDS = lazy_compile(r"pass|pwd|token|secret|key|auth|credential", re.IGNORECASE)
_COMMON_FIELDS = frozenset({
    "password", "passwd", "pwd", "token", "access_token", "refresh_token", "id_token", "auth_token",
    "api_key", "apikey", "x_api_key", "client_secret", "secret_key", "private_key", "authorization",
    "password1", "password2", "new_password", "old_password", "current_password", "password_confirmation",
    "confirm_password", "passphrase", "bearer", "session_token", "csrf_token", "csrftoken", "jwt",
})
_URL_CRED_RE = lazy_compile(r"^[a-z][a-z0-9+.\-]*://([^:/?#@\s]*):([^@/?#\s]+)@[^\s]+$", re.IGNORECASE)


def is_placeholder(value: str) -> bool:
    """Empty strings, masks, templates and obvious stand-ins are not secrets."""
    text = value.strip()
    return not text or bool(_PLACEHOLDER_RE.search(text))


def _looks_like_field_name(value: str, name: str | None) -> bool:
    """``"access_token"``, ``"X-API-Key"``, ``"DB_PASSWORD"``: names of fields, headers, variables."""
    snake = _snake(value)
    if snake in _COMMON_FIELDS or (name is not None and snake == _snake(name)):
        return True
    if _SETTING_NAME_RE.match(value):
        return True  # TRACECAT_AWS_EXTERNAL_ID: the name of the variable that holds it
    return bool(_ENV_NAME_RE.match(value) or _HEADER_RE.match(value)) and bool(_FIELD_WORDS.search(value))


def _describes(value: str, name: str | None) -> bool:
    """``{"api_key": "Elastic Api Key"}``: words that name the field they are given for (a form's label or
    help text), not its value."""
    if name is None or " " not in value:
        return False
    words = [w for w in _snake(value.replace(" ", "_")).split("_") if w]
    wanted = [w for w in _snake(name).split("_") if w]
    if len(wanted) < 2 or not all(w.isalpha() for w in words):
        return False  # "this cool password" may well be one
    return f"_{'_'.join(wanted)}_" in f"_{'_'.join(words)}_"


_SETTING_NAME_RE = lazy_compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,}$")


_IDENTIFIER_RE = lazy_compile(r"^[A-Za-z_][\w-]*$")
_PROSE_RE = lazy_compile(r"^[a-z]+(-[a-z]+)+$|^[\w.-]+/[\w./-]*\.[a-z]{2,5}$")
# Values that name something rather than guard it: protocol identifiers and keys
# (client_secret_post, invalid_password, enrollment_access_token), prose and format strings
# ("This field is required.", '%s %s : PSK "%s"'), and common words used as flags or modes.
_SNAKE_IDENTIFIER_RE = lazy_compile(r"^_*[a-z]+(_[a-z]+)+$")  # leading underscores: a private session key
_COMMON_WORDS = frozenset({
    "true", "false", "yes", "no", "on", "off", "demo", "default", "role", "lax", "strict", "url", "access",
    "refresh", "bearer", "basic", "digest", "required", "optional", "public", "private", "internal", "enabled",
    "disabled", "hidden", "visible", "auto", "manual", "unknown", "invalid", "expired", "removed",
    # names of JSON keys a setting points at (JWT_ERROR_MESSAGE_KEY = "error")
    "error", "errors", "message", "messages", "msg", "detail", "details", "data", "result", "results", "status",
    # a mode a setting switches to (shared_secret == "generate": make one at start-up)
    "generate", "random", "none", "env", "environment", "file", "prompt",
})


def _names_something(text: str) -> bool:
    """``client_secret_post``, ``invalid_password``, "This field is required.", '%s : PSK "%s"'."""
    if _SNAKE_IDENTIFIER_RE.match(text):
        parts = text.lstrip("_").split("_")
        return len(parts) >= 3 or parts[0] in _COMMON_WORDS
    if " " not in text or "://" in text:
        return False
    words = text.split()
    return len(words) >= 4 or text.isupper() or text.endswith((".", "!", "?")) or bool(_TEMPLATE_RE.search(text))


_TEMPLATE_RE = lazy_compile(r"%[sd]|%\(\w+\)s|\{\w*\}")
_FORMAT_FIELD_RE = lazy_compile(r"\{[A-Za-z_][\w.]*\}")


_CLI_OPTION_RE = lazy_compile(r"^--?[A-Za-z][\w-]*(?:[ =]\S+)?$")
# A dotted import path ("cookbook.forms.CustomPasswordResetForm", a password hasher or validator class):
# lower-case module names and a last name (a class's, when there is one dot), each short; a JWT's segments
# are long base64 runs and a password with a dot ("s3cr3t.pass") has one lower-case segment after it.
_IMPORT_PATH_RE = lazy_compile(r"^(?:[a-z_][a-z0-9_]{0,30}\.){2,}[A-Za-z_]\w{0,60}$|^[a-z_][a-z0-9_]{0,30}\.[A-Z][a-z]\w{0,60}$"
                               r"|^[a-z_][a-z0-9_]{0,30}(?:\.[a-z_][a-z0-9_]{0,30})+:[A-Za-z_]\w{0,60}$"  # pkg.mod:Name
                               r"|^[a-z_][a-z0-9_]{0,30}\.(?:add|change|delete|view)_[a-z0-9_]{1,60}$")  # a Django permission
# A rate limit ("5/m/ip", "1/m/ip,1/m/key", "100/hour;1000/day"): allauth, django-ratelimit, Flask-Limiter.
_RATE_SPEC_RE = lazy_compile(r"^\d+\s*/\s*\d*\s*[a-z]+(?:/[a-z]+)?(?:\s*[,;]\s*\d+\s*/\s*\d*\s*[a-z]+(?:/[a-z]+)?)*$",
                             re.IGNORECASE)


def _secret_value(value: str, name: str | None = None) -> bool:
    text = value.strip()
    if is_placeholder(text) or _looks_like_field_name(text, name) or _describes(text, name):
        return False
    if _vendor_stand_in(text):
        return False  # a vendor's documented sample, "xoxp-1234", "sk_test_...": nothing a production service holds
    if _FORMAT_FIELD_RE.search(text):
        return False  # "{base}reset", "{user}:{token}": a format string that builds a value, not the value
    if _PUBLIC_KEY.match(text):
        return False  # phc_..., pk_live_...: a key made to be shipped in every browser
    if text.lower() in _LOCAL_HOSTS:
        return False  # api_key = "localhost": where a local server runs, nothing it unlocks
    if len(text) < _MIN_SECRET_LENGTH or _CLI_OPTION_RE.match(text):
        return False  # a status flag ("NP") or a command-line option ("--passphrase-fd 0") guards nothing
    if _PROSE_RE.match(text):
        return False  # "external-secrets", "deploy/secret.yaml": labels and paths, not secrets
    if _IMPORT_PATH_RE.match(text) or _RATE_SPEC_RE.match(text) or _DOTTED_NAME_RE.match(text):
        return False  # {"reset_password": "app.forms.ResetForm"}, {"change_password": "1/m/user"}: what, not a key
    if text.lower() in _COMMON_WORDS or _names_something(text):
        return False  # an identifier, a flag value or a sentence: what a secret is called, not what it is
    if _FILE_NAME_RE.match(text) or _is_pattern(text):
        return False  # PASSWORD_RESET = "password_reset.html", REGEX_PASSWORD = r"^(?=.*\d)...": a file, a rule
    if name is not None and "_" in text and _snake(name).endswith("_" + _snake(text)):
        return False  # RUNNER_SUDO_PASSWORD = "sudo_password": the name of the parameter that carries it
    if name is not None and _snake(name) == _snake(text):
        return False  # onepassword = "onepassword": an enumeration's member, valued by its own name
    if name is not None and "_" in text and _own_words(text, name):
        return False  # PASSWORD_CHANGE_TOKEN = "change_password": the name's own words, what the constant names
    if _EVENT_TAG_RE.match(text):
        return False  # "account:password:change": an event tag or a permission, namespaced by colons
    if _PASSWORD_HASH_RE.match(text):
        return False  # "$2b$12$...": a password's one-way hash (a dummy to compare against in constant time), no password
    if "://" in text or text.startswith(("/", "./")):
        return bool(url_password(text))
    return True


# A one-way password hash in the modular crypt format (bcrypt, sha512-crypt, argon2, scrypt) or Django's
# ``algorithm$iterations$salt$hash``: what a password is checked against, which logs nobody in.
_PASSWORD_HASH_RE = lazy_compile(r"^\$(?:2[abxy]?|[156]|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?)\$[^\s]{20,}$"
                                 r"|^(?:pbkdf2_sha\d+|argon2|bcrypt(?:_sha256)?|scrypt)\$[^\s]{20,}$")
_EVENT_TAG_RE = lazy_compile(r"^[a-z][a-z_]*(?::[a-z][a-z_]*){2,}$")
# The prefix of a token format followed by a few characters ("xoxp-1234", "ghp_xxx", "whsec_123"): a stand-in written
# in the format's shape; the vendors' tokens run to twenty characters and more after it.
_FORMAT_STUB_RE = lazy_compile(r"^(?:xox[abposr]-|gh[pousr]_|github_pat_|glpat-|[rs]k_(?:live|test)_|whsec_|npm_|SG\.)"
                               r"[\w-]{0,9}$")
# A Stripe test-mode key: it reaches the vendor's sandbox only, which moves no money.
_TEST_MODE_KEY = lazy_compile(r"^[rs]k_test_\w+$")


def _format_stub(text: str) -> bool:
    return bool(_FORMAT_STUB_RE.match(text))


def _stands_in(value: str) -> bool:
    """A value set outright that only stands in for a secret: a vendor's documented sample, a format's prefix with a
    few characters, a test-mode key, words that say so ("fillmein", "not a secret") or characters typed in
    sequence ("abcdefghijklmnopqrstuvwxyz1234567890")."""
    text = value.strip()
    return _vendor_stand_in(text) or bool(_STAND_IN_VALUE.match(text)) or _filler(text, "")


# Lower-case words joined by a dot, no digits ("pw.contents", "otp.pin"): a policy action's or a setting's dotted name
_DOTTED_NAME_RE = lazy_compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


def _vendor_stand_in(text: str) -> bool:
    """A vendor's documented sample token, a format's prefix with a few characters, or a test-mode key."""
    return _documented_example(text) or _format_stub(text) or bool(_TEST_MODE_KEY.match(text))


def _own_words(text: str, name: str) -> bool:
    """Whether a lower-case snake_case value is made of two or more of its constant's own name words."""
    words = text.split("_")
    return (text.islower() and len(words) >= 2 and all(w.isalpha() for w in words)
            and set(words) <= set(_snake(name).split("_")))


_FILE_NAME_RE = lazy_compile(r"^[\w.-]+\.(?:html?|txt|j2|jinja2?|tmpl|tpl|mjml|json|ya?ml|xml|csv|md|rst|png|jpe?g|gif|"
                             r"svg|pdf|css|js|log)$", re.IGNORECASE)
_PATTERN_PART_RE = lazy_compile(r"\(\?[=!:<]|\\[dwsDWSb]|\[[^\]]+\](?=[*+?{])|\.[*+]|\{\d+,\d*\}")


def _is_pattern(text: str) -> bool:
    """A regular expression (a password policy's lookaheads, classes and counts), not a password."""
    return len(_PATTERN_PART_RE.findall(text)) >= 2


_PLACEHOLDER_HOSTS = frozenset({"host", "hostname", "server", "dbhost", "db-host", "db_host", "your-host", "yourhost",
                                "example.com", "example.org", "example"})


def url_password(value: str) -> str | None:
    """The password of a ``scheme://user:password@host`` literal, unless it is a placeholder."""
    match = _URL_CRED_RE.match(value.strip())
    if match is None:
        return None
    password = match.group(2)
    if is_placeholder(password) or "{" in password or "%" in password or password.startswith("$"):
        return None
    try:
        host = (urlsplit(value.strip()).hostname or "").lower()
    except ValueError:
        host = ""
    if host in _PLACEHOLDER_HOSTS or host.endswith((".example.com", ".example.org", ".example")):
        return None  # postgresql://user:pass@host/indico: the shape of a URL, shown as a prompt's default
    return password


# The passwords a bundled service's image or a development stack is started with: the word itself
_DEFAULT_LOGIN_WORDS = frozenset({"password", "pass", "passwd", "pwd", "secret"})


def default_login(value: str) -> bool:
    """A connection string whose password is a bundled service's well-known default, known to all who read the
    compose file beside it: the user's own name (``postgres:postgres``), or the word password alone or after the
    scheme's, host's or user's name (``elastic:password``, ``redis://:redispassword@cache``)."""
    match = _URL_CRED_RE.match(value.strip())
    if match is None:
        return False
    user, password = match.group(1).lower(), match.group(2).lower()
    if user and password == user:
        return True
    try:
        host = (urlsplit(value.strip()).hostname or "").lower()
    except ValueError:
        host = ""
    names = [n for n in (*re.split(r"[+.]", value.partition("://")[0].lower()), host, user) if n]
    for name in names:
        if password.startswith(name):
            password = password[len(name):].lstrip("_-")
            break
    return password in _DEFAULT_LOGIN_WORDS


def mask(value: str) -> str:
    return f"*** ({len(value)} chars)"


@dataclass(frozen=True)
class KeyFormat:
    name: str
    pattern: re.Pattern[str]
    prefix: str  # the public part shown in messages


KEY_FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat("private key block",
              lazy_compile(r"-----BEGIN (?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"), ""),
    KeyFormat("AWS access key id", lazy_compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Z0-9])"), "AKIA"),
    KeyFormat("GitHub token", lazy_compile(r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b"), "gh*_"),
    KeyFormat("GitHub fine-grained token", lazy_compile(r"\bgithub_pat_[A-Za-z0-9_]{60,255}\b"), "github_pat_"),
    KeyFormat("GitLab token", lazy_compile(r"\bglpat-[A-Za-z0-9_\-]{20,}\b"), "glpat-"),
    KeyFormat("Slack token", lazy_compile(r"\bxox[abposr]-\d+-[0-9A-Za-z\-]{8,}"), "xox*-"),  # xoxb-<team>-<bot>-<secret>
    KeyFormat("Slack webhook URL", lazy_compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{16,}"),
              "https://hooks.slack.com/services/"),
    KeyFormat("Stripe live key", lazy_compile(r"\b[rs]k_live_[0-9A-Za-z]{16,}\b"), "sk_live_"),
    KeyFormat("Google API key", lazy_compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"), "AIza"),
    KeyFormat("SendGrid API key", lazy_compile(r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}\b"), "SG."),
    KeyFormat("npm token", lazy_compile(r"\bnpm_[A-Za-z0-9]{36}\b"), "npm_"),
    KeyFormat("OpenAI API key", lazy_compile(r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}\b"), "sk-"),
)


# Literal substrings each format must contain: a plain `in` test (fast C code) spares nearly
# every string literal the regular expressions.
_FORMAT_NEEDLES: dict[str, tuple[str, ...]] = {
    "private key block": ("PRIVATE KEY",),
    "AWS access key id": ("AKIA", "ASIA", "ABIA", "ACCA"),
    "GitHub token": ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    "GitHub fine-grained token": ("github_pat_",),
    "GitLab token": ("glpat-",),
    "Slack token": ("xox",),
    "Slack webhook URL": ("hooks.slack.com",),
    "Stripe live key": ("k_live_",),
    "Google API key": ("AIza",),
    "SendGrid API key": ("SG.",),
    "npm token": ("npm_",),
    "OpenAI API key": ("T3BlbkFJ",),
}


_ANY_NEEDLE = lazy_compile("|".join(re.escape(n) for needles in _FORMAT_NEEDLES.values() for n in needles))


def _may_hold_key(text: str) -> bool:
    """False when no key format can be found in ``text`` (nor in any part of it): none of their needles is there."""
    return len(_FORMAT_NEEDLES) != len(KEY_FORMATS) or _ANY_NEEDLE.search(text) is not None


def find_key_format(text: str) -> KeyFormat | None:
    if not _may_hold_key(text):
        return None
    for fmt in KEY_FORMATS:
        needles = _FORMAT_NEEDLES.get(fmt.name)
        if needles is not None and not any(n in text for n in needles):
            continue
        for match in fmt.pattern.finditer(text):
            token = match.group(0)
            if "EXAMPLE" not in token and not _filler(token, fmt.prefix) and not _documented_example(token) and \
                    not text[max(0, match.start() - 13):match.start()].endswith(("Credential=", "Credential%3D")):
                return fmt  # a presigned URL's X-Amz-Credential names the key; its signature expires: no key
    return None


# Runs a person types to fill a token's shape ("ghp_1234567890abcdef...", "ABIA1234567890ABCDEF"); a random key
# holds no eight characters in sequence.
_SEQUENCES = ("0123456789", "1234567890", "abcdefghijklmnopqrstuvwxyz")
_RUN = 8


def _filler(token: str, prefix: str) -> bool:
    """``glpat-xxxxxxxxxxxxxxxxxxxx``, ``sk_live_000000``, ``ghp_1234567890abcdefghij...``: a known prefix followed
    by filler or by characters typed in sequence, not a key."""
    body = token[len(prefix):] if prefix and token.startswith(prefix) else token
    body = re.sub(r"[-_\s]", "", body)
    if len(body) >= 8 and len(set(body.lower())) <= 3:
        return True
    lowered = body.lower()
    return any(seq[i:i + _RUN] in lowered for seq in _SEQUENCES for i in range(len(seq) - _RUN + 1))


# Tokens vendors print in their API documentation, copied into tests and constants as sample responses: GitHub's
# installation and OAuth tokens share one body; Slack's OAuth v2 response shows a bot token and a user token.
_DOCUMENTED_TOKENS = frozenset({"16C7e42F292c6912E7710c838347Ae178B4a", "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
                                "xoxp-1234"})


def _documented_example(token: str) -> bool:
    """A token from a vendor's published documentation: known to everyone, it unlocks nothing."""
    return token in _DOCUMENTED_TOKENS or token.partition("_")[2] in _DOCUMENTED_TOKENS


def _format_message(fmt: KeyFormat) -> str:
    shown = f" ({fmt.prefix}…)" if fmt.prefix else ""
    return f"hardcoded {fmt.name}{shown}; load it from a secrets manager or the environment"


# -- environment reads and settings classes ------------------------------------------------

_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "decouple.config"})
_SETTINGS_BASES = lazy_compile(r"(BaseSettings|Settings|Config|Configuration)$")


# A project's own environment helper, followed one call level by its shape: a function or an
# ``environ.Env`` instance named for the environment (env, envsecret, get_env, env.str) called with a
# variable name and a fallback: ``envsecret("SECRET_KEY", "---")``, ``env("MAIL_PASSWORD", "x")``.
_ENV_HELPER = lazy_compile(r"^(env|getenv|get_env|read_env|from_env|env_\w+|envsecret|env[a-z]+|\w+_env)$", re.IGNORECASE)
_ENV_HELPER_METHODS = frozenset({"str", "bool", "int", "float", "json", "list", "dict", "url", "db", "db_url",
                                 "cache_url", "path", "get_value"})
_FALLBACK_KEYWORDS = ("default", "fallback", "fallback_value")


def _helper_read(call: ast.Call) -> tuple[str | None, ast.AST | None] | None:
    if call.keywords:
        environ_name = next((k.value for k in call.keywords if k.arg == "environ_name"), None)
        if environ_name is not None and (var := str_value(environ_name)):
            # django-configurations: values.Value("pass", environ_name="DB_PASSWORD") falls back to its first argument
            default = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "default"), None)
            return var, default
    var = str_value(call.args[0]) if call.args else None
    if var is None:
        return None  # a helper's variable is its first argument, a string
    func = call.func
    if isinstance(func, ast.Name):
        helper = func.id
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.attr in _ENV_HELPER_METHODS:
        helper = func.value.id  # env.str("X", default=...): django-environ
    elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
        helper = func.attr  # self.env("PASSWORD", default="..."): a class's own environment reader
    else:
        return None
    if not _ENV_HELPER.match(helper) or not _ENV_NAME_RE.match(var) and not var.isupper():
        return None
    default: ast.AST | None = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg in _FALLBACK_KEYWORDS:
            default = kw.value
    return var, default


_ENV_SCHEMAS = frozenset({"environ.Env", "environ.environ.Env", "environ.FileAwareEnv", "environ.environ.FileAwareEnv"})


def _environ_schema(call: ast.Call, name: str) -> list[tuple[str, ast.AST]]:
    """django-environ's schema form: ``environ.Env(NAME=(str, "default"))`` (or ``FileAwareEnv``) declares each
    variable's fallback. ``name`` is the call's qualified name."""
    if name not in _ENV_SCHEMAS:
        return []
    return [(kw.arg, kw.value.elts[1]) for kw in call.keywords
            if kw.arg and isinstance(kw.value, ast.Tuple) and len(kw.value.elts) == 2]


def _env_read(call: ast.AST, imports: dict[str, str], name: str | None = None) -> tuple[str | None, ast.AST | None] | None:
    """(variable name, default expression) for an environment read, else None (``name``: the call's qualified
    name when the caller has it already)."""
    if not isinstance(call, ast.Call):
        return None
    if name is None:
        name = qualify(call.func, imports)
    if name not in _ENV_GETTERS and not _app_config_get(call):
        return _helper_read(call)
    var = str_value(call.args[0]) if call.args else None
    default: ast.AST | None = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg == "default":
            default = kw.value
        elif kw.arg == "key" and var is None:
            var = str_value(kw.value)
    return var, default


_CONFIG_HOLDERS = frozenset({"config", "conf", "cfg", "CONFIG", "settings_file", "toml_config"})


def _config_holder(node: ast.AST) -> bool:
    """``app.config``, ``current_app.config``, ``self.config``, or a loaded configuration's usual name."""
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id in _CONFIG_HOLDERS)


def _app_config_get(call: ast.Call) -> bool:
    """``current_app.config.get("PI_PEPPER", "...")`` or ``config.get("secret_key", "...")`` over a loaded
    configuration file: the configuration read with a fallback in code, which works silently when the
    configuration lacks the value."""
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "get" and len(call.args) + len(call.keywords) >= 2):
        return False
    return _config_holder(func.value)


_DYNACONF_FACTORIES = frozenset({"dynaconf.Dynaconf", "dynaconf.LazySettings", "dynaconf.base.LazySettings"})


def _dynaconf_objects(source: SourceFile, imports: dict[str, str]) -> set[str]:
    """Names holding dynaconf settings in the file: ``settings = Dynaconf(...)`` or ``from dynaconf import settings``."""
    if "dynaconf" not in source.text:
        return set()
    held = {local for local, full in imports.items() if full == "dynaconf.settings"}
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        if isinstance(node.value, ast.Call) and qualify(node.value.func, imports) in _DYNACONF_FACTORIES:
            held.update(ast.unparse(t) for t in node.targets)
    return held


def _dynaconf_reads(source: SourceFile, imports: dict[str, str]) -> list[tuple[ast.AST, str | None, ast.AST | None]]:
    """dynaconf's fallbacks, followed like an environment read: ``settings.get("SECRET_KEY", "dev")``,
    ``Validator("SECRET_KEY", default="dev")`` and ``Dynaconf(SECRET_KEY="dev")`` all start without the variable."""
    held = _dynaconf_objects(source, imports)
    out: list[tuple[ast.AST, str | None, ast.AST | None]] = []
    if not held and "dynaconf" not in source.text:
        return out
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = qualify(call.func, imports) or ""
        if name in _DYNACONF_FACTORIES:
            out += [(kw.value, kw.arg, kw.value) for kw in call.keywords if kw.arg and kw.arg.isupper()]
            continue
        default = next((kw.value for kw in call.keywords if kw.arg == "default"), None)
        if name in ("dynaconf.Validator", "dynaconf.validator.Validator"):
            out += [(call, str_value(a), default) for a in call.args if str_value(a)]
            continue
        func = call.func
        getter = isinstance(func, ast.Attribute) and func.attr in ("get", "setdefault", "get_fresh") \
            and ast.unparse(func.value) in held
        if (getter or ast.unparse(func) in held) and call.args and str_value(call.args[0]):
            if default is None and len(call.args) > 1:
                default = call.args[1]
            out.append((call, str_value(call.args[0]), default))
    return out


def _is_settings_class(node: ast.ClassDef) -> bool:
    if _SETTINGS_BASES.search(node.name):
        return True
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name and _SETTINGS_BASES.search(name):
            return True
    return False


def _field_default(value: ast.AST) -> ast.AST | None:
    """The literal default of a settings field: ``"x"``, ``Field("x")``, ``SecretStr("x")``."""
    if isinstance(value, ast.Call):
        func = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        if func in ("Field", "SecretStr", "SecretBytes"):
            for kw in value.keywords:
                if kw.arg == "default":
                    return kw.value
            return value.args[0] if value.args else None
        return None
    return value


def _literal_text(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        value = node.value
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return None


# A key read through the project's own configuration getter, not the environment.
_CONFIG_GETTER = {"app/services/storage.py": "from app.base import ServiceBase\n\n\nclass StorageService(ServiceBase):\n"
                  "    def key(self):\n        return self.get_config('encryption_key')\n"}


@dataclass
class _Analysis:
    """Everything both secret checks need from one file, so they classify consistently."""

    defaults: list[Hit]  # default-secret findings
    default_nodes: set[int]  # constants default-secret owns (hardcoded-secret skips them)
    secret_uses: int  # secret-like names read or defined
    committed: list[Hit] = field(default_factory=list)  # fallbacks that are real credentials, committed in the code


def _analyse_defaults(source: SourceFile, extra: Iterable[str]) -> _Analysis:
    """Once per file and name list, however many secrets checks ask."""
    names = tuple(extra)
    return source.memo(("secrets-defaults", names), lambda: _analyse_defaults_uncached(source, names))


def _hardcoded_hits(source: SourceFile, owned: set[int], extra: Iterable[str]) -> list[Hit]:
    return list(_hardcoded_scan(source, owned, extra)[0])


def _generated_hits(source: SourceFile, owned: set[int], extra: Iterable[str]) -> list[Hit]:
    """The hits whose value looks generated, not typed by a person (see ``_generated``)."""
    return list(_hardcoded_scan(source, owned, extra)[2])


def _stand_ins(source: SourceFile, owned: set[int], extra: Iterable[str]) -> int:
    """Secret-named settings given a stand-in value (``stripe.api_key = "sk_test_123"``): no leak, but the code
    handles a secret there all the same."""
    return _hardcoded_scan(source, owned, extra)[1]


def _hardcoded_scan(source: SourceFile, owned: set[int], extra: Iterable[str]) -> tuple[list[Hit], int, list[Hit]]:
    names = tuple(extra)
    return source.memo(("secrets-hardcoded", names),  # type: ignore[no-any-return]
                       lambda: _hardcoded_hits_uncached(source, owned, names))


_NOT_A_CREDENTIAL = frozenset({"true", "false", "null", "none", "yes", "no", "on", "off", "0", "1"})
# A settings module for development or the test run only (settings/dev.py, settings/local_dev.py,
# settings_development.py, settings/pytest.py, settings/ci.py): the module-level twin of ``class Development(Config)``.
_DEV_SETTINGS_RE = lazy_compile(r"(?:^|/)settings(?:/|_)(?:local_)?(?:dev|development|debug|test|tests|testing|pytest|"
                                r"unittests?|ci)\.py$")
# A module standing in for a real component in tests and local runs (mocks/auth.py, fake_backend.py), or showing how
# to call the service (example_api.py, demo_client.py): its credentials are made up, nothing a deployment holds.
_STAND_IN_MODULE_RE = lazy_compile(r"(?:^|/)(?:mocks?|fakes?|stubs?)(?:/|\.py$)|(?:^|/)(?:mock|fake|stub)_\w+\.py$"
                                   r"|_(?:mocks?|fakes?|stubs?)\.py$"
                                   r"|(?:^|/)(?:examples?|demo)_\w+\.py$|_examples?\.py$")  # example_api.py: how to call it
# A production settings module beside the base one (settings/prod.py, settings/production.py, settings_prod.py)
_PRODUCTION_SETTINGS_RE = lazy_compile(r"(?:^|/)settings(?:/|_)(?:prod|production|live)(?:_\w+)?\.py$")
OVERRIDES_SECRET_KEY = "computed SECRET_KEY"  # a production settings module's fact: it sets SECRET_KEY from no literal
_SETTINGS_KEY = "settings SECRET_KEY"  # Django's, or a Flask app's settings module's


def _computes_secret_key(source: SourceFile) -> bool:
    """A production settings module that assigns SECRET_KEY from the environment, a file or a generator
    (in ``try``/``if`` blocks too), and never from a literal."""
    if source.tree is None or "SECRET_KEY" not in source.text or not _PRODUCTION_SETTINGS_RE.search(source.path):
        return False
    values = [stmt.value for stmt in module_statements(source.tree.body) if isinstance(stmt, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id == "SECRET_KEY" for t in stmt.targets)]
    return bool(values) and all(_literal_text(v) is None for v in values)


def _overridden_in_production(collected: Collected, findings: Iterable[Finding]) -> list[Finding]:
    """Findings less the base settings' literal SECRET_KEY when the production settings module beside it (the
    one a deployment selects) always replaces it: the literal only ever signs a developer's sessions."""
    folders = {path.rpartition("/")[0] + "/" + ("settings_" if "settings_" in path.rpartition("/")[2] else "")
               for path, facts in collected.facts.items() if facts == OVERRIDES_SECRET_KEY}
    if not folders:
        return list(findings)

    def overridden(finding: Finding) -> bool:
        folder, _, name = finding.path.rpartition("/")
        sibling = f"{folder}/" + ("settings_" if name.startswith("settings_") else "")
        return finding.message.startswith(_SETTINGS_KEY) and is_settings_path(finding.path) and sibling in folders \
            and not _PRODUCTION_SETTINGS_RE.search(finding.path)
    return [f for f in findings if not overridden(f)]
# (a Build or Docs class configures building the image or the documentation: it never serves)
_NON_PRODUCTION_CLASS = lazy_compile(r"^(?:Development|Dev|Local|Test|Testing|Unittest|CI|Debug|Build|Docs|Documentation)"
                                     r"(?:[A-Z_]\w*)?$")


# A fallback that would work as a real credential: letters and digits (or symbols), no spaces, long enough;
# "changeme", "secret" or "defectdojo" are placeholders that default-secret reports alone.
_REAL_CREDENTIAL = lazy_compile(r"^(?=.*[A-Za-z])(?=.*[\d@#$%^&*!+=)(~])\S{8,}$")
_DEV_VALUE = lazy_compile(r"dev|test|local|example|sample|demo|dummy|fake|insecure|default|changeme", re.IGNORECASE)
_DURATION = lazy_compile(r"^\d+(\.\d+)?\s*(/\s*)?(ms|s|sec|secs|seconds?|m|min|minutes?|h|hours?|d|days?|w|weeks?)?$",
                       re.IGNORECASE)  # 3600, 30s, 10/min (a rate limit)
_ALGORITHM = lazy_compile(r"^(HS|RS|ES|PS)(256|384|512)$|^EdDSA$|^(sha|SHA)-?(1|224|256|384|512)$|^(AES|aes)[-_]?\d*", )
# A provider's published demo key (NASA's DEMO_KEY, a quotes API's "demo"): public, rate-limited, unlocks nothing.
_DEMO_KEY = lazy_compile(r"^demo([-_ ]?(key|token|api[-_]?key))?$", re.IGNORECASE)
_LOCAL_DSN = lazy_compile(r"^[a-z][a-z0-9+.\-]*://[^@/\s]*@(localhost|127\.0\.0\.1|\[::1\])([:/]|$)", re.IGNORECASE)


# Keys made to be published in browsers and apps: a PostHog project key, a Stripe publishable key.
_PUBLIC_KEY = lazy_compile(r"^(?:phc_[0-9A-Za-z]{20,}|pk_(?:live|test)_[0-9A-Za-z]{16,})$")


def not_a_secret_value(value: str) -> bool:
    """A fallback whose value cannot be a credential whatever its name: a duration or number, an algorithm name,
    an HTTP header name, a URL path, or a connection string to localhost (which fails loudly in production)."""
    text = value.strip()
    if text in ("{}", "[]", "()", '""', "''"):
        return True  # json.loads(getenv("SIGNING_KEYS", "{}")): an empty map, which holds no key
    return bool(_DURATION.match(text) or _ALGORITHM.match(text) or _HEADER_RE.match(text)
                or (text.startswith("/") and " " not in text and len(text) < 100) or _LOCAL_DSN.match(text)
                or _DEMO_KEY.match(text) or _PUBLIC_KEY.match(text))


def _analyse_defaults_uncached(source: SourceFile, extra: Iterable[str]) -> _Analysis:
    assert source.tree is not None
    imports = import_map(source)
    hits: list[Hit] = []
    committed: list[Hit] = []
    owned: set[int] = set()
    uses = 0
    by_hand = main_block_nodes(source)
    refused = _refused_values(source)

    def report(node: ast.AST, what: str, value: str, owner: ast.ClassDef | None = None) -> None:
        if value.strip().lower() in _NOT_A_CREDENTIAL or not_a_secret_value(value):
            return  # "false", "3600", "HS256", "/token": a flag, a duration, a name; nothing that unlocks anything
        if _FIELD_KEY.fullmatch(value) and _FIELD_WORDS.search(value) and not _DEV_VALUE.search(value):
            return  # token_key = "csrf_token": the name of the form field that carries the token, not a token
        if id(node) in by_hand:
            return  # a ``__main__`` block trying the module by hand, never run by the service
        if value in refused:
            return  # the module refuses to start with it: the fallback never works silently in production
        hits.append(Hit(node.lineno, node.col_offset + 1, f"{what} has a literal fallback {mask(value)}; "  # type: ignore[attr-defined]
                        "require it from the environment or a secrets manager",
                        fixable=default_secret_fixable(node, imports, owner)))
        if _committed(value.strip()):
            committed.append(Hit(node.lineno, node.col_offset + 1,  # type: ignore[attr-defined]
                                 f"{what} falls back to a committed credential {mask(value)}; rotate it and remove it"))

    reads: list[tuple[ast.AST, str | None, ast.AST | None]] = _dynaconf_reads(source, imports)
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        name = qualify(call.func, imports)  # once per call: both readings below ask
        if name in _ENV_SCHEMAS:
            reads += [(default, var, default) for var, default in _environ_schema(call, name)]
        read = _env_read(call, imports, name)
        if read is not None:
            reads.append((call, *read))
    required = _required_variables(source, imports) if reads else set()
    for call, var, default in reads:
        if var and _required_in_other_branch(source, call, var, imports):
            owned.add(id(default))
            uses += is_secret_name(var, extra)
            continue  # if DEBUG: ... os.getenv("SECRET_KEY", "dev") else: os.environ["SECRET_KEY"]: development's branch
        secret = is_secret_name(var, extra)
        uses += secret
        text = _literal_text(default)
        if text is None or not text.strip():
            continue
        owned.add(id(default))
        if var in required:
            continue  # the module refuses to start without it where it matters: the fallback is development's
        if secret or url_password(text):
            report(call, f"secret {var!r}" if var else "secret", text)
    if any(var is None and isinstance(default, ast.Name) for _, var, default in reads):
        for key, value in _fallback_tables(source):  # os.environ.get(key, value) for key, value in DEFAULTS.items()
            text = _literal_text(value)
            if is_secret_name(key, extra) and text is not None and text.strip():
                uses += 1
                owned.add(id(value))
                report(value, f"secret {key!r}", text)
    for var, literal in _overridden_literals(source, imports):  # X = "..."; if "X" in os.environ: X = os.environ["X"]
        text = _literal_text(literal)
        if text is not None and text.strip() and is_secret_name(var, extra) and id(literal) not in owned:
            uses += 1
            owned.add(id(literal))
            report(literal, f"secret {var!r}", text)
    for sub in source.nodes(ast.Subscript):
        assert isinstance(sub, ast.Subscript)
        if qualify(sub.value, imports) == "os.environ" and is_secret_name(str_value(sub.slice), extra):
            uses += 1
        elif isinstance(sub.ctx, ast.Load) and _config_holder(sub.value) and is_secret_name(str_value(sub.slice), extra):
            uses += 1  # app.config["OAUTH_SECRET"]: a secret the loaded configuration supplies, read
    for node in source.nodes(ast.BoolOp):
        assert isinstance(node, ast.BoolOp)
        if not isinstance(node.op, ast.Or) or len(node.values) < 2:
            continue
        read = _env_read(node.values[0], imports)
        last = _literal_text(node.values[-1])
        if read is None or last is None or not last.strip():
            continue
        owned.add(id(node.values[-1]))
        if is_secret_name(read[0], extra) or url_password(last):
            report(node, f"secret {read[0]!r}" if read[0] else "secret", last)
    for stmt, name, default in _configuration_values(source, imports):
        uses += is_secret_name(name, extra)
        text = _literal_text(default)
        if text is not None and text.strip() and is_secret_name(name, extra) and id(default) not in owned:
            owned.add(id(default))
            report(stmt, f"secret {name!r}", text)
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        if not _is_settings_class(cls) or _NON_PRODUCTION_CLASS.match(cls.name):
            continue  # class Development(Config): chosen only outside production
        for stmt in cls.body:
            target = stmt.target if isinstance(stmt, ast.AnnAssign) else (
                stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else None)
            value = getattr(stmt, "value", None)
            if not isinstance(target, ast.Name) or not is_secret_name(target.id, extra):
                continue
            uses += 1  # a required field (no value) is a secret read too
            if value is None:
                continue
            default = _field_default(value)
            text = _literal_text(default)
            if text is None or not text.strip():
                continue
            owned.add(id(default))
            if _only_token(target.id) and not _TOKEN_VALUE_RE.match(text):
                continue  # termination_token = "DONE!", eos_token = "</s>": a marker in a text stream, not a credential
            report(stmt, f"settings field {cls.name}.{target.id}", text, cls)
    if is_settings_path(source.path):
        for stmt in source.tree.body:
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "SECRET_KEY" for t in stmt.targets):
                uses += 1
                text = _literal_text(stmt.value)
                if text is not None and text.strip():
                    owned.add(id(stmt.value))
                    report(stmt, _SETTINGS_KEY, text)
    return _Analysis(hits, owned, uses + _config_secret_reads(source), committed)


# A project's configuration getter, named for what it does: self.get_config("encryption_key"), get_setting("api_key").
_CONFIG_GETTERS = frozenset({"get_config", "get_setting", "get_settings", "get_option", "getoption", "config_get",
                             "get_conf", "get_config_value", "get_setting_value"})
# What holds a loaded configuration file: server_config, app_settings, CONF, cfg
_CONFIG_HOLDER_WORDS = frozenset({"config", "conf", "cfg", "settings", "configuration", "options"})


def _config_secret_reads(source: SourceFile) -> int:
    """Secrets read from a configuration file rather than the environment (``server_config.get("password")``,
    ``self.get_config("app.contact.ftp.pword")``): the service holds secrets, whatever it reads them from. Counted
    for the presence checks' n/a only; no fallback is judged here."""
    count = 0
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func
        key = str_value(call.args[0]) if call.args else str_value(getattr(_kw(call, "prop"), "value", None))
        if not key:
            continue
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        holder = dotted(func.value).rpartition(".")[2] if isinstance(func, ast.Attribute) else ""
        reads = name in _CONFIG_GETTERS or (name == "get" and bool(holder)
                                            and _snake(holder).rpartition("_")[2] in _CONFIG_HOLDER_WORDS)
        if reads and is_secret_name(key.rpartition(".")[2] or key):
            count += 1
    return count + _declared_secret_options(source)


def _declared_secret_options(source: SourceFile) -> int:
    """Entries of a table of options each read from the environment by name: ``{"name": "METRICS_AUTH_TOKEN",
    "default_value": "", "value_type": "str"}``."""
    if "default" not in source.text:
        return 0
    count = 0
    for node in source.nodes(ast.Dict):
        assert isinstance(node, ast.Dict)
        keys = [str_value(k) or "" for k in node.keys if k is not None]
        if "name" not in keys or not any("default" in k for k in keys):
            continue
        name = str_value(node.values[keys.index("name")]) if len(keys) == len(node.values) else None
        if name and _ENV_NAME_RE.match(name) and is_secret_name(name):
            count += 1
    return count


def _configuration_values(source: SourceFile, imports: dict[str, str]) -> list[tuple[ast.stmt, str, ast.AST | None]]:
    """(statement, setting, default) of each django-configurations value in a class body: ``SECRET_KEY =
    values.Value("x")`` reads DJANGO_SECRET_KEY and falls back to its first argument (``values.SecretValue()`` has
    none). Development and test classes are skipped; an explicit ``environ_name`` is read as an environment helper."""
    if "configurations" not in source.text:
        return []
    out: list[tuple[ast.stmt, str, ast.AST | None]] = []
    for cls in source.nodes(ast.ClassDef):
        assert isinstance(cls, ast.ClassDef)
        if _NON_PRODUCTION_CLASS.match(cls.name):
            continue
        for stmt in cls.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                    and isinstance(stmt.value, ast.Call)):
                continue
            call = stmt.value
            if not (qualify(call.func, imports) or "").startswith("configurations.values.") \
                    or any(k.arg in ("environ_name", "environ") for k in call.keywords):
                continue
            default = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "default"), None)
            out.append((stmt, stmt.targets[0].id, default))
    return out


def _overridden_literals(source: SourceFile, imports: dict[str, str]) -> list[tuple[str, ast.AST]]:
    """(variable, literal) for ``app.config["SECRET_KEY"] = "..."`` followed by ``if "SECRET_KEY" in os.environ:
    app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]``: the literal is what runs when the variable is unset."""
    if "environ" not in source.text:
        return []
    out: list[tuple[str, ast.AST]] = []
    for branch in source.nodes(ast.If):
        assert isinstance(branch, ast.If)
        test = branch.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.In)
                and qualify(test.comparators[0], imports) == "os.environ" and (var := str_value(test.left))):
            continue
        targets = [ast.dump(t) for stmt in branch.body if isinstance(stmt, ast.Assign) for t in stmt.targets]
        block = next((getattr(source.parent(branch), f) for f in ("body", "orelse")
                      if branch in (getattr(source.parent(branch), f, None) or [])), [])
        for stmt in block[:block.index(branch)] if branch in block else []:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) \
                    and any(ast.dump(t) in targets for t in stmt.targets):
                out.append((var, stmt.value))
    return out


def _fallback_tables(source: SourceFile) -> list[tuple[str, ast.AST]]:
    """(key, value) of each module-level dict of string keys whose ``.items()`` the module iterates: with an
    environment read whose variable and default are both names, the table of each setting's fallback
    (``DEFAULT_CONFIG = {"SECRET_KEY": "changeMe"}`` read as ``os.environ.get(key, value)``)."""
    assert source.tree is not None
    iterated = {dotted(n.func.value) for n in source.nodes(ast.Call) if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute) and n.func.attr == "items" and not n.args}
    out: list[tuple[str, ast.AST]] = []
    for stmt in source.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict) \
                and any(isinstance(t, ast.Name) and t.id in iterated for t in stmt.targets):
            out.extend((key.value, value) for key, value in zip(stmt.value.keys, stmt.value.values, strict=True)
                       if isinstance(key, ast.Constant) and isinstance(key.value, str))
    return out


# -- default-secret --------------------------------------------------------------------------

# Django settings split by environment: a development key in base.py, production's read from a file or made up.
_SPLIT_SETTINGS = {
    "site/settings/__init__.py": "",
    "site/settings/base.py": "DEBUG = False\n\n# SECURITY WARNING: keep the secret key used in production secret!\n"
                             "SECRET_KEY = \"kq8$h3@!!vbb6*nzfz(dbze=*)zsr0qa8gvc0#1gx$3cd8z99^\"\n",
    "site/settings/prod.py": "import os\n\nfrom django.core.management.utils import get_random_secret_key\n\n"
                             "from .base import *  # noqa\n\ntry:\n"
                             "    with open(os.path.join(BASE_DIR, 'data', 'secretkey.txt')) as f:\n"
                             "        SECRET_KEY = f.read().strip()\nexcept OSError:\n"
                             "    SECRET_KEY = get_random_secret_key()\n",
}


# Code that runs against production with production's environment: the service, its commands
# (a management command reading DATABASE_URL) and deployment configuration.
_DEFAULT_SECRET_ROLES = frozenset({SERVICE, "cli", "infrastructure"})


_DYNACONF = (
    'from dynaconf import Dynaconf, Validator\n\nsettings = Dynaconf(\n    envvar_prefix="SHOP",\n'
    '    settings_files=["settings.toml"],\n    validators=[Validator("DATABASE_URL", must_exist=True)],\n)\n'
    'DEBUG = settings.get("DEBUG", False)\nSECRET_KEY = {secret}\n'
)


class DefaultSecret(Check):
    id = "default-secret"
    category = "secrets"
    severity = "critical"
    effort = "0.5d"
    title = "Secrets with a literal fallback"
    roles_note = ("Judges the service, its CLI commands and deployment code (they run with production's "
                  "environment); tests, scripts, migrations, examples and fixtures are not counted. See "
                  "`readiness explain roles`.")
    fixable = True
    rationale = (
        "`os.getenv(\"JWT_SECRET\", \"dev\")` starts happily when the variable is missing, and then signs "
        "production tokens with a key everybody can read in the repository. A secret must fail "
        "loudly when it is not provided."
    )
    remediation = (
        "Read secrets without a default (`os.environ[\"JWT_SECRET\"]`, or a pydantic settings field "
        "without a default) so a missing secret stops the service at start-up; keep development "
        "values in an untracked `.env` file."
    )
    scoring = ("Count: each secret with a literal fallback halves the score (one is 50%, two 25%): one real "
               "production secret is a blocker whatever the size of the code base. Fallbacks in code, and in shell "
               "syntax (`${SECRET_KEY:-...}`) in a container's entrypoint or a compose file the service ships "
               "(not a dev, test or CI stack).")
    options = {"names": []}
    needles = ("getenv", "environ", "decouple", "Settings", "Config", "SECRET_KEY", "env(", "env.", "Env(", "dynaconf",
               "config.get(")
    examples = (
        bad("from configurations import Configuration, values\n\n\nclass Base(Configuration):\n    DATABASES = {\n"
            "        'default': {\n            'NAME': values.Value('docs', environ_name='DB_NAME', environ_prefix=None),\n"
            "            'PASSWORD': values.SecretValue('pass', environ_name='DB_PASSWORD', environ_prefix=None),\n"
            "        }\n    }\n\n\nclass Production(Base):\n    pass\n",
            path="app/settings.py", lines=(8,), note="django-configurations: a value's first argument is its fallback"),
        good("import json\nimport os\n\n# {\"staging\": \"some_kid\", \"production\": \"some_kid\"}\n"
             "JWT_ACTIVE_SIGNING_KEYS = json.loads(os.getenv('JWT_ACTIVE_SIGNING_KEYS', '{}'))\n",
             path="app/settings.py", note="an empty JSON map as the fallback holds no key"),
        good('import os\n\nfrom flask import Flask\n\n\ndef create_app(production: bool) -> Flask:\n'
             '    app = Flask(__name__)\n    if production:\n        if not os.getenv("SECRET_KEY"):\n'
             '            raise RuntimeError("SECRET_KEY must be set outside development")\n'
             '        app.config["SECRET_KEY"] = os.getenv("SECRET_KEY")\n    else:\n'
             '        app.config["SECRET_KEY"] = os.getenv("SECRET_KEY", "WeAreDeveloping")\n    return app\n',
             path="app/app.py", note="production refuses to start without the key; the fallback is development's"),
        Example(_SPLIT_SETTINGS, status="pass", findings=0,
                note="the base settings' key is a developer's: the production settings always replace it"),
        Example({"app/configuration.py": "import os\n\nDEFAULT_CONFIG = {\n    'DOMAIN': 'example.org',\n"
                 "    'SECRET_KEY': 'changeMe',\n}\n\n\nclass ConfigManager:\n    def __init__(self):\n"
                 "        self.config = {}\n\n    def init_app(self, app):\n"
                 "        self.config.update({key: os.environ.get(key, value) for key, value in DEFAULT_CONFIG.items()})\n"
                 "        app.config.update(self.config)\n"}, status="fail", findings=1, lines=(5,),
                note="a table of fallbacks the environment overrides: SECRET_KEY falls back to a literal"),
        Example({"app/config.py": "import os\n\nimport flask\n\n\ndef create_app():\n    app = flask.Flask(__name__)\n"
                 "    app.config['SECRET_KEY'] = 'kq8h3vbb6nzfzdbzezsr0qa8gvc0gx3cd8z99'\n"
                 "    if 'SECRET_KEY' in os.environ:\n        app.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n"
                 "    return app\n"}, status="fail", findings=1, lines=(8,),
                note="a key set in code that the environment only overrides when given"),
        Example({"site/settings/base.py": "from site.settings.config import config\n\n"
                 "SECRET_KEY = config.get('secret_key', 'n!01nl+318#x75_le8#s0ysw4y49uc#twvi9hnyii0z')\n",
                 "site/settings/config.py": "import tomllib\n\nwith open('config.toml', 'rb') as f:\n    config = tomllib.load(f)\n"},
                status="fail", findings=1, lines=(3,), note="a key read from the configuration file with a literal fallback"),
        bad('from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\n\nclass UserSettings(BaseSettings):\n'
            '    encryption_key: str = Field(default="test_encryption_key", description="encrypts stored data")\n'
            '    jwt_secret: str = Field(default="dev_jwt_secret")\n', path="app/config.py", findings=2,
            lines=(6, 7), note="a development key spelled like a field name is still a fallback key"),
        Example({"app/csrf.py": "from pydantic import BaseModel\n\n\nclass CsrfSettings(BaseModel):\n"
                 "    cookie_samesite: str = 'strict'\n    token_key: str = 'csrf_token'\n"}, status="pass", findings=0,
                note="token_key names the form field the token travels in"),
        Example({"app/forms.py": "import os\n\nLABELS = {'username': 'User name', 'password': 'Your password'}\n\n\n"
                 "def labels():\n    return {key: text for key, text in LABELS.items()}\n\n\n"
                 "def debug():\n    return os.environ.get('DEBUG', 'false')\n"}, status="pass", findings=0,
                note="a table of form labels: nothing reads the environment with its values"),
        Example({**_SPLIT_SETTINGS, "site/settings/prod.py": "from .base import *  # noqa\n\nDEBUG = False\n"},
                status="fail", findings=1, note="production settings that keep the base settings' key"),
        bad(_DYNACONF.format(secret='settings.get("SECRET_KEY", "flask-dev-key-2f9a")'), lines=(9,),
            path="app/config.py", note="dynaconf settings read with a literal fallback"),
        bad(_DYNACONF.format(secret='settings.SECRET_KEY').replace(
            'Validator("DATABASE_URL", must_exist=True)', 'Validator("API_TOKEN", default="t0k3n-staging-7781")'),
            lines=(6,), path="app/config.py", note="a dynaconf Validator that supplies a token when it is missing"),
        good(_DYNACONF.format(secret='settings.SECRET_KEY'), path="app/config.py",
             note="dynaconf requiring its secrets; a debug flag's default is no secret"),
        bad('import os\n\nJWT_SECRET = os.getenv("JWT_SECRET", "dev-secret")\n', lines=(3,)),
        good('import os\n\nif os.environ.get("APP_ENV") == "production":\n    SECRET_KEY = os.environ["SECRET_KEY"]\n'
             'elif os.environ.get("APP_ENV") == "build":\n'
             '    SECRET_KEY = os.environ.get("SECRET_KEY", "collectstatic-only-key")\nelse:\n'
             '    SECRET_KEY = os.getenv("SECRET_KEY", "local-dev-key")\n', path="proj/settings.py",
             note="the production branch requires the key; the other branches' fallbacks are a build's and a developer's"),
        bad('import os\n\nif os.environ.get("APP_ENV") == "production":\n    MAIL_PASSWORD = os.environ["MAIL_PASSWORD"]\n'
            '    SECRET_KEY = os.getenv("SECRET_KEY", "prod-fallback-key")\nelse:\n'
            '    SECRET_KEY = os.getenv("SECRET_KEY", "local-dev-key")\n', path="proj/settings.py", findings=2,
            lines=(5, 7), note="no branch requires the key: the production branch falls back too"),
        good('import os\n\nfrom pydantic import BaseModel, Field\n\n\nclass GroupManagerConfig(BaseModel):\n'
             '    termination_token: str = Field("DONE!", description="ends the conversation")\n'
             '    eos_token: str = "</s>"\n\n\nAPI_KEY_HASH_SALT = os.environ.get("API_KEY_HASH_SALT", "fingerprint-salt-v1")\n',
             path="app/schemas.py", note="markers in a text stream, and the salt of a fingerprint stored beside it"),
        bad('import os\n\nfrom pydantic_settings import BaseSettings\n\n\nclass AgentSettings(BaseSettings):\n'
            '    service_token: str = "st-8f3kq9x2m1pz7w"\n\n\n'
            'SECURITY_PASSWORD_SALT = os.environ.get("SECURITY_PASSWORD_SALT", "Zq81Lm3xWp7e")\n',
            path="app/settings.py", findings=2, lines=(7, 10),
            note="a token-like value under a token's name, and a password salt"),
        bad('from flask import current_app\n\n\ndef pepper():\n'
            '    return current_app.config.get("PI_PEPPER", "missing-pepper")\n', lines=(5,),
            note="the app's configuration read with a fallback, and a pepper is a secret"),
        good('import os\n\nDEBUG = os.getenv("DEBUG") == "1"\nSECRET_KEY = os.getenv("SECRET_KEY", "mysecretkey")\n'
             'if SECRET_KEY == "mysecretkey" and not DEBUG:\n    raise RuntimeError("set SECRET_KEY")\n',
             path="app/config.py", note="a fallback the service refuses to start with outside debug never works silently"),
        good('import os\n\n\nclass VictoriaProvider:\n    def __init__(self, config):\n        self.config = config\n\n\n'
             'if __name__ == "__main__":\n    provider = VictoriaProvider({"api_key": os.environ.get("VM_API_KEY", "k3y-f0r-tests")})\n',
             path="app/providers/victoria.py", note="a __main__ block trying the module by hand"),
        bad('import os\n\n\ndef env(variable, fallback_value=None):\n    value = os.environ.get(variable, "").strip()\n'
            '    return value or fallback_value\n\n\nMAIL_PASSWORD = env("MAIL_PASSWORD", "fabric2010")\n'
            'MAIL_PORT = env("MAIL_PORT", 465)\n', path="server/settings.py", lines=(9,),
            note="a project helper that reads the environment, followed one call level"),
        bad('from app.utils import envsecret\n\nSECRET_KEY = envsecret("SECRET_KEY", "---")\n', lines=(3,),
            note="an imported environment helper"),
        bad('import os\n\n\nclass Daemon:\n    def env(self, name, *, default):\n'
            '        return os.environ.get(f"BTC_{name}", default)\n\n    def load(self):\n'
            '        self.PORT = self.env("PORT", default=5000)\n        self.LOGIN = self.env("LOGIN", default="electrum")\n'
            '        self.PASSWORD = self.env("PASSWORD", default="electrumz")\n', path="daemons/base.py", lines=(11,),
            note="a class's own environment reader, called on self"),
        good('class Daemon:\n    def load(self):\n        self.PASSWORD = self.store("PASSWORD", "electrumz")\n'
             '        self.TOKEN = self.env_name("TOKEN")\n', path="daemons/base.py",
             note="a method that reads no environment, and one given no fallback"),
        bad('from configurations import Configuration, values\n\n\nclass Base(Configuration):\n'
            '    SECRET_KEY = values.SecretValue()\n\n\nclass Production(Base):\n    DEBUG = values.BooleanValue(False)\n\n\n'
            'class ProductionInsecure(Production):\n    SECRET_KEY = values.Value("not a secret")\n\n\n'
            'class Development(Base):\n    SECRET_KEY = values.Value("dev")\n\n\n'
            'class Build(Production):\n    SECRET_KEY = values.Value("build-only-key")\n', path="proj/settings.py",
            lines=(13,), note="django-configurations: a production preset whose key falls back to a literal; the "
                              "development class and the one that builds the image are not production's"),
        good('from configurations import Configuration, values\n\n\nclass Base(Configuration):\n'
             '    SECRET_KEY = values.SecretValue()\n    STATSD_PREFIX = values.Value("app")\n'
             '    API_TOKEN = values.Value()\n', path="proj/settings.py",
             note="a required secret, a fallback that is no secret, and a value with no fallback"),
        bad('import environ\n\nenv = environ.Env(\n    DD_DEBUG=(bool, False),\n    DD_DATABASE_PASSWORD=(str, "defectdojo"),\n'
            ')\nPASSWORD = env("DD_DATABASE_PASSWORD")\n', path="proj/settings.py", lines=(5,),
            note="django-environ's schema declares the fallback"),
        good('import environ\n\nenv = environ.Env()\nDEBUG = env.bool("DEBUG", default=False)\n'
             'JWT_ALGORITHM = env("JWT_ALGORITHM", default="HS256")\nSECRET_KEY = env("SECRET_KEY")\n',
             path="proj/settings.py", note="django-environ without a secret fallback"),
        good('import os\n\nTOKEN_TTL_SECRET = os.getenv("SESSION_SECRET_TTL", "3600")\n'
             'AUTH_TOKEN_HEADER = os.getenv("AUTH_TOKEN_HEADER", "X-Auth-Token")\n'
             'TOKEN_PATH = os.getenv("OAUTH_TOKEN", "/oauth/token")\n'
             'TOKEN_RATE = os.getenv("TOKEN_EXCHANGE_THROTTLE_RATE", "10/min")\n'
             'DATABASE_PASSWORD_URL = os.getenv("DB_URL", "postgresql://app:app@localhost:5432/app")\n',
             note="a duration, a header name, a URL path, a rate limit and a development DSN to localhost are not secrets"),
        bad('import os\n\nkey = os.environ.get("API_KEY", "abc123")\n', lines=(3,)),
        bad('import os\n\nDATABASES = {"default": {\n    "HOST": os.getenv("PAPERLESS_DBHOST"),\n'
            '    "PASSWORD": os.getenv("PAPERLESS_DBPASS", "paperless"),\n}}\nSMTP = os.getenv("SMTP_PASS", "mailer1")\n',
            path="proj/settings.py", findings=2, lines=(5, 7), note="DBPASS and SMTP_PASS name passwords"),
        good('from pydantic_settings import BaseSettings\n\n\nclass FakeWalletSettings(BaseSettings):\n'
             '    fake_wallet_secret: str = "ToTheMoon1"\n', path="app/settings.py",
             note="the signing key of a stand-in (fake) backend guards nothing"),
        good('import os\n\nPASS_THROUGH = os.getenv("PROXY_PASS_THROUGH", "true")\n'
             'BYPASS = os.getenv("CACHE_BYPASS", "never")\nFIRST_PASS = os.getenv("FIRST_PASS", "fast")\n',
             path="proj/settings.py", note="a bare pass is not a password"),
        bad('import os\n\nos.environ.setdefault("DB_PASSWORD", "postgres")\n', lines=(3,)),
        Example({"app/config.py": 'import os\n\nADMIN_PASSWORD = os.environ["ADMIN_PASSWORD"]\n',
                 "docker/entrypoint": '#!/bin/bash\nset -e\nexport ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin}"\n'
                                      'exec gunicorn app:app\n'},
                findings=1, lines=(3,), note="a shell default in the script the container starts with"),
        Example({"app/config.py": 'import os\n\nBROKER = os.environ["BROKER_URL"]\n',
                 "docker/entrypoints/flower.sh": '#!/bin/bash\nif [ -z "${FLOWER_USER}" ]\nthen\n  FLOWER_USER="flower"\nfi\n\n'
                                                 'if [ -z "${FLOWER_PWD}" ]\nthen\n  FLOWER_PWD="flower"\nfi\n'
                                                 'exec celery flower --basic-auth="${FLOWER_USER}:${FLOWER_PWD}"\n'},
                findings=1, lines=(9,), note="a start-up script that sets the password when the variable is unset"),
        Example({"app/config.py": 'import os\n\nBROKER = os.environ["BROKER_URL"]\n',
                 "docker/entrypoints/web.sh": '#!/bin/bash\nif [ -z "$APP_PASSWORD" ]; then\n'
                                              '  APP_PASSWORD=$(tr -dc A-Za-z0-9 </dev/urandom | head -c 16)\nfi\n'
                                              'if [ -z "$SECRET_KEY" ]; then\n  echo "SECRET_KEY is not set"\n  exit 1\nfi\n'
                                              'exec gunicorn app:app\n'},
                findings=0, status="pass", note="a generated password, and a required key"),
        Example({"app/config.py": 'import os\n\nADMIN_PASSWORD = os.environ["ADMIN_PASSWORD"]\n',
                 "docker/entrypoint": '#!/bin/bash\nset -e\n: "${ADMIN_PASSWORD:?set ADMIN_PASSWORD}"\n'
                                      'export PORT="${PORT:-8000}"\nexport DB_PASSWORD="${DB_PASSWORD:-$POSTGRES_PASSWORD}"\n'
                                      'exec gunicorn app:app\n'},
                findings=0, status="pass", note="a required variable, a port default and a default from another variable"),
        Example({"app/config.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "deploy/docker-compose.yml": "services:\n  api:\n    image: acme/api:1\n    environment:\n"
                                              "      SECRET_KEY: ${SECRET_KEY:-60gp0byfz2dvffa45cxl20p1scy9xbpf6d8c5y0g}\n"
                                              "      WEB_PORT: ${WEB_PORT:-8000}\n",
                 "docker-compose.dev.yml": "services:\n  api:\n    environment:\n      SECRET_KEY: ${SECRET_KEY:-dev}\n"},
                findings=1, lines=(5,), note="the compose file the service ships falls back to a key; a dev stack's does not count"),
        bad('import os\n\nSECRET = os.environ.get("APP_SECRET") or "not-so-secret"\n', lines=(3,),
            note="an `or` fallback"),
        bad('import os\n\nDB = os.getenv("DATABASE_URL", "postgresql://app:hunter2@db:5432/app")\n', lines=(3,),
            note="a DSN with a password"),
        bad('from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n'
            '    jwt_secret: str = "change-me"\n    debug: bool = False\n', lines=(4,)),
        bad('from pydantic import Field\nfrom pydantic_settings import BaseSettings\n\nclass AppSettings(BaseSettings):\n'
            '    api_token: str = Field("t0k3n", description="upstream token")\n', lines=(5,)),
        bad('SECRET_KEY = "django-insecure-+x3k!"\nDEBUG = False\n', path="mysite/settings.py", lines=(1,)),
        good('import os\n\nJWT_SECRET = os.environ["JWT_SECRET"]\n', note="no default: fails loudly"),
        good('import os\n\nPASSWORD = os.getenv("DB_PASSWORD")\nTOKEN = os.getenv("TOKEN", "")\n',
             note="no literal fallback, or an empty one"),
        good('import os\n\nTOKEN_URL = os.getenv("TOKEN_URL", "https://auth.example.com/token")\n',
             note="a URL setting, not a secret"),
        good('import os\n\nLEVEL = os.getenv("LOG_LEVEL", "INFO")\n', note="not a secret"),
        good('import os\n\nOPTIONAL_CREDENTIALS = os.environ.get("OPTIONAL_CREDENTIALS", "true")\n'
             'AUTH = os.environ.get("CALLBACK_CREDENTIALS") or "null"\nJWT_ALGO = os.getenv("JWT_ALGO", "HS512")\n',
             note="a flag, an empty marker, an algorithm name"),
        good('class Config:\n    SECRET_KEY = None\n\nclass Development(Config):\n    SECRET_KEY = "dev-secret-key"\n',
             path="app/config.py", note="a development-only configuration class"),
        good('import os\n\nSECRET_KEY = os.getenv("SECRET_KEY", "wger-dev-key-123")\n', path="proj/settings/local_dev.py",
             note="a development-only settings module"),
        bad('import os\n\nSECRET_KEY = os.getenv("SECRET_KEY", "wger-dev-key-123")\n', path="proj/settings/main.py",
            lines=(3,), note="the same in the settings production imports"),
        good('from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    jwt_secret: str\n'
             '    jwt_algorithm: str = "HS256"\n', note="a required field; the algorithm is not a secret"),
        good('import os\n\nKEY = os.getenv("SECRET_KEY", "dev")\n', path="tests/conftest.py", note="tests"),
    )

    equivalents = (
        *(Equivalent("call", (name,), True, "an environment read with a fallback") for name in sorted(_ENV_GETTERS)),
        Equivalent("call", ("env", "envsecret", "get_env", "env.str"), True,
                   "a project or django-environ helper that reads the environment, followed one call level"),
        Equivalent("call", ("environ.Env(NAME=(type, default))",), True, "django-environ's schema"),
        Equivalent("call", ("settings.get(NAME, default)", "Validator(NAME, default=...)", "Dynaconf(NAME=...)"), True,
                   "dynaconf settings: a fallback used when the variable is missing"),
        Equivalent("setting", ("SECRET_KEY",), True, "a literal SECRET_KEY in a settings module or settings class"),
        Equivalent("setting", ("DEMO_KEY", "demo"), False, "a provider's published demo key unlocks nothing private"),
        Equivalent("setting", ("3600", "HS256", "X-Auth-Token", "/oauth/token", "postgresql://u:p@localhost/db"), False,
                   "a duration, an algorithm, a header name, a URL path or a DSN to localhost is not a secret"),
        Equivalent("file", ("class Development(Config)",), False, "a development-only settings class"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if file_role(source, options) not in _DEFAULT_SECRET_ROLES or _DEV_SETTINGS_RE.search(source.path):
            return None  # a fallback in tests, scripts, migrations, examples or dev settings never guards production
        analysis = _analyse_defaults(source, options.get("names", []))
        return FileOutcome(hits=analysis.defaults, facts=OVERRIDES_SECRET_KEY if _computes_secret_key(source) else None)

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        collected.findings[:] = _overridden_in_production(collected, collected.findings)
        shell = _shell_default_findings(project, options.get("names", []))
        count = len(collected.findings) + len(shell)
        noun = "secret with a literal fallback" if count == 1 else "secrets with a literal fallback"
        return Verdict(Count(count, "secrets with a literal fallback"),
                       summary=f"{count} {noun}", findings=tuple(shell))


# ``export ADMIN_PASSWORD="${ADMIN_PASSWORD:-admin}"`` in the script a container starts with: the same literal
# fallback, written in shell.
_SHELL_DEFAULT_RE = lazy_compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?[-=]([^}$`]+)\}")
# The same fallback written as a test: ``if [ -z "$FLOWER_PWD" ]; then FLOWER_PWD="flower"; fi`` (a block that only
# sets the literal; one that generates a value, warns or exits is no fallback).
_SHELL_UNSET_DEFAULT_RE = lazy_compile(
    r"^[ \t]*if[ \t]+\[\[?[ \t]+-z[ \t]+[\"']?\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::-)?\}?[\"']?[ \t]+\]\]?[ \t]*"
    r"(?:;[ \t]*then|\n[ \t]*then)[ \t]*\n[ \t]*(?:export[ \t]+)?\1=([\"']?)([^\s\"'$`(]+)\2[ \t]*;?[ \t]*\n[ \t]*fi\b",
    re.MULTILINE)  # blanks only where a line break is not meant: runs of newlines cannot be split two ways
# Where a container's start-up scripts live when they are not named for it: docker/entrypoints/flower.sh
_ENTRYPOINTS_DIR_RE = lazy_compile(r"(?:^|/)entrypoints?/[^/]+$")


# Compose files that start the service as shipped; a development, test or CI stack is not production's.
_COMPOSE_RE = lazy_compile(r"(?:^|/)(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$", re.IGNORECASE)
_NOT_SHIPPED_RE = lazy_compile(r"(?:^|[./_-])(?:dev|development|local|test|tests|testing|ci|debug|e2e|cypress|"
                               r"playwright|selenium)(?:[./_-]|$)", re.IGNORECASE)


def _shell_defaults(project: Project, extra: Iterable[str]) -> list[tuple[str, int, int, str, str]]:
    """(file, line, column, variable, value) of every secret's literal fallback written in shell syntax
    (``${SECRET_KEY:-...}``) in the script a container starts with or a compose file the service ships;
    read once per scan for both secrets checks."""
    names = tuple(sorted(str(n) for n in extra))
    return project.tool(f"shell-defaults\0{names}", lambda p: _find_shell_defaults(p, names))  # type: ignore[no-any-return]


def _find_shell_defaults(project: Project, extra: Iterable[str]) -> list[tuple[str, int, int, str, str]]:
    found = []
    for rel in project.files:
        name = rel.rpartition("/")[2]
        entrypoint = "entrypoint" in name.lower() or bool(_ENTRYPOINTS_DIR_RE.search(rel))
        compose = bool(_COMPOSE_RE.search(rel)) and not _NOT_SHIPPED_RE.search(rel)
        if not (entrypoint or compose) or project_role(project, rel) not in _DEFAULT_SECRET_ROLES:
            continue
        text = project.read_text(rel) or ""
        if "$" not in text:
            continue
        matches = [(m.start(), m.group(1), m.group(2).strip().strip("'\"")) for m in _SHELL_DEFAULT_RE.finditer(text)]
        if entrypoint and "-z" in text:  # placed on the assignment's line
            matches += [(text.rfind("\n", 0, m.start(3)) + 1, m.group(1), m.group(3))
                        for m in _SHELL_UNSET_DEFAULT_RE.finditer(text)]
        for start, variable, value in matches:
            if value and is_secret_name(variable, extra) and _secret_value(value, variable):
                line = text.count("\n", 0, start) + 1
                found.append((rel, line, start - text.rfind("\n", 0, start), variable, value))
    return found


def _shell_default_findings(project: Project, extra: Iterable[str]) -> list[Finding]:
    where = {True: "the service's compose file", False: "the container's entrypoint"}
    return [Finding(rel, line, column, "default-secret",
                    f"secret {variable!r} has a literal fallback in {where[bool(_COMPOSE_RE.search(rel))]}; "
                    "require it from the environment or a secrets manager", "critical")
            for rel, line, column, variable, _ in _shell_defaults(project, extra)]


def _committed_shell_defaults(project: Project, extra: Iterable[str]) -> list[Finding]:
    """Shell fallbacks that are real credentials in the files a deployment runs from: every install that keeps
    the default shares the key."""
    return [Finding(rel, line, column, "hardcoded-secret",
                    f"secret {variable!r} falls back to a committed credential {mask(value)}; rotate it and remove it",
                    "critical")
            for rel, line, column, variable, value in _shell_defaults(project, extra)
            if _committed(value) and _DEPLOYMENT_DIR_RE.search(rel)]


# Where a repository keeps what production runs from; a compose file at the root is most often a developer's stack.
_DEPLOYMENT_DIR_RE = lazy_compile(r"(?:^|/)(?:deploy|deployments?|ops|infra|infrastructure|production|prod|release|"
                                  r"selfhost(?:ed|ing)?|self-host(?:ed|ing)?)/", re.IGNORECASE)


def _committed(value: str) -> bool:
    """A value that works as a credential as it stands: not a placeholder, a development value or a bundled
    service's well-known login."""
    return bool(_REAL_CREDENTIAL.match(value)) and not is_placeholder(value) and not _DEV_VALUE.search(value) \
        and not default_login(value)


# ``SECRET_KEY=...`` in an env file, ``SECRET_KEY: ...`` or ``- SECRET_KEY=...`` in a compose file's environment
_ASSIGNED_RE = lazy_compile(r"^\s*(?:-\s*)?(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[=:]\s*([\"']?)([^\s\"'#$]+)\2\s*(?:#.*)?$",
                            re.MULTILINE)


def _committed_assignments(project: Project, extra: Iterable[str]) -> list[Finding]:
    """Real credentials set outright in the environment files and compose files a deployment runs from: every
    install that keeps them shares the key."""
    found = []
    for rel in project.files:
        name = rel.rpartition("/")[2]
        env_file = name.endswith(".env") and name != ".env"  # variables.env a deployment reads; .env is a developer's own
        compose = bool(_COMPOSE_RE.search(rel))
        if not (env_file or compose) or _NOT_SHIPPED_RE.search(rel) or not _DEPLOYMENT_DIR_RE.search(rel) \
                or project_role(project, rel) not in _DEFAULT_SECRET_ROLES:
            continue
        text = project.read_text(rel) or ""
        for match in _ASSIGNED_RE.finditer(text):
            variable, value = match.group(1), match.group(3)
            if is_secret_name(variable, extra) and _secret_value(value, variable) and _committed(value):
                line = text.count("\n", 0, match.start(1)) + 1
                found.append(Finding(rel, line, match.start(1) - text.rfind("\n", 0, match.start(1)), "hardcoded-secret",
                                     f"hardcoded secret {variable!r}: {mask(value)} in {name}; load it from a secrets "
                                     "manager or the environment", "critical"))
    return found


# -- hardcoded-secret ------------------------------------------------------------------------

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


def _local_database(node: ast.Dict) -> bool:
    """A connection settings dict whose host is this machine (Django DATABASES for local development)."""
    for key, value in zip(node.keys, node.values, strict=False):
        if str_value(key) in ("HOST", "host") and (str_value(value) or "").strip().lower() in _LOCAL_HOSTS:
            return True
    return False


def _sent_to_this_machine(source: SourceFile, node: ast.Dict) -> bool:
    """Credentials a call sends to this machine (``requests.post("http://127.0.0.1:8080/token", data={...})``):
    a local development stack's, which fail loudly anywhere else."""
    parent = source.parent(node)
    if isinstance(parent, ast.keyword):
        parent = source.parent(parent)
    if not isinstance(parent, ast.Call) or not parent.args:
        return False
    url = str_value(parent.args[0]) or ""
    host = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1] if "://" in url else ""
    return host.rsplit(":", 1)[0].lower() in _LOCAL_HOSTS if not host.startswith("[") else host.startswith("[::1]")


def _target_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return str_value(node.slice)
    return None


def _only_token(name: str | None) -> bool:
    """The name is secret-like only through the word "token" (``token``, ``next_token``)."""
    if not name:
        return False
    tokens = set(_snake(name).split("_"))
    return "token" in tokens and not tokens & {"secret", "password", "passwd", "pwd", "passphrase", "api", "auth",
                                                "access", "refresh", "bearer", "session", "jwt", "github", "slack"}


def _required_variables(source: SourceFile, imports: dict[str, str]) -> set[str]:
    """Variables the module refuses to go on without: ``if not os.getenv("SECRET_KEY"): raise ...`` (often in the
    production branch, beside a development fallback: that fallback never reaches production)."""
    out: set[str] = set()
    for node in source.nodes(ast.If):
        assert isinstance(node, ast.If)
        test = node.test
        if not _stops(node.body):
            continue
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            read = _env_read(test.operand, imports)
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Is) \
                and is_none(test.comparators[0]):
            read = _env_read(test.left, imports)
        elif isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.NotIn) \
                and qualify(test.comparators[0], imports) == "os.environ":
            read = (str_value(test.left), None)
        else:
            continue
        if read is not None and read[0]:
            out.add(read[0])
    return out


def _required_in_other_branch(source: SourceFile, node: ast.AST, var: str, imports: dict[str, str]) -> bool:
    """Whether another branch of an ``if``/``elif``/``else`` chain around the read requires the same variable
    (``os.environ["SECRET_KEY"]``): that branch is production's, the fallback a developer's or a one-off's."""
    child = node
    for parent in source.ancestors(node):
        if isinstance(parent, ast.If):
            other = parent.orelse if child in parent.body else parent.body if child in parent.orelse else []
            if any(isinstance(sub, ast.Subscript) and isinstance(sub.ctx, ast.Load) and str_value(sub.slice) == var
                   and qualify(sub.value, imports) == "os.environ" for stmt in other for sub in ast.walk(stmt)):
                return True
        child = parent
    return False


def _refused_values(source: SourceFile) -> set[str]:
    """Literals the module refuses to run with: ``if SECRET_KEY == "mysecretkey" and not DEBUG: raise ...``."""
    out: set[str] = set()
    for node in source.nodes(ast.If):
        assert isinstance(node, ast.If)
        if not _stops(node.body):
            continue
        for compare in ast.walk(node.test):
            if isinstance(compare, ast.Compare) and all(isinstance(op, (ast.Eq, ast.In)) for op in compare.ops):
                for side in (compare.left, *compare.comparators):
                    values = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
                    out.update(v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return out


_STOPS = ("exit", "abort", "_exit")
_WARNS = ("warn", "warning", "error", "critical", "fatal")


def _stops(body: list[ast.stmt], warns: bool = False) -> bool:
    """Whether a block refuses to go on (it raises, exits or aborts) or, with ``warns``, at least says so."""
    names = _STOPS + _WARNS if warns else _STOPS
    for stmt in body:
        if isinstance(stmt, ast.Raise):
            return True
        call = stmt.value if isinstance(stmt, ast.Expr) else None
        if isinstance(call, ast.Call) and dotted(call.func).rsplit(".", 1)[-1] in names:
            return True
    return False


def _refuses(source: SourceFile, compare: ast.Compare, fallbacks: set[str | None]) -> bool:
    """A comparison that guards against a known value rather than checking a credential: the literal is this
    file's own fallback (``if SECRET_KEY == "mysecretkey": ...``), or the test leads to an error or a warning."""
    if _literal_text(compare.comparators[0]) in fallbacks:
        return True
    parent = source.parent(compare)
    while isinstance(parent, ast.BoolOp):
        parent = source.parent(parent)
    return isinstance(parent, ast.If) and _stops(parent.body, warns=True)


# Values that say they stand in for a secret, set outright (a fallback of the same words is still default-secret's):
# "fillmein", "foobar", "not a secret", a test account's "tester", "testkey" or "dev_password", a "[REDACTED_INPUT]"
# marker, and a single character class ("[A-Za-z0-9-]+", the grammar of a token, not one). Public conventions too:
# RabbitMQ's "guest" account (it only logs in from the same machine) and "infected", the password every malware
# archive is packed with so that scanners leave it alone.
_STAND_IN_VALUE = lazy_compile(r"^(?:fill[-_ ]?(?:me[-_ ]?)?in|foo|bar|baz|foo[-_]?bar|qux|tester|guest|infected|"
                               r"(?:test|testing|dev|demo|sample)[-_ ]?(?:key|secret|password|passwd|pass|pwd|token|"
                               r"api[-_ ]?key)|"
                               r"not[-_ ]?(?:a[-_ ]?|so[-_ ]?)?secret|\[[A-Z][A-Z0-9_ ]*\]|\[[^\]]+\][*+]|\[[^\]]+\]\{\d+(?:,\d*)?\})$",
                               re.IGNORECASE)


# user.set_password("x"): one argument, the account's new password (a vault's set_secret(name, value) names it first)
_SETTER_RE = lazy_compile(r"^set_(password|passwd|passphrase)$")
_EXAMPLE_HOLDERS = lazy_compile(r"(?:^|_)(?:examples?|samples?|schema_extra|tests|test_cases|test_vectors)$",
                                re.IGNORECASE)


def _in_example(source: SourceFile, node: ast.AST | None) -> bool:
    """A value inside documentation's sample data: ``Field(examples=[...])``, ``json_schema_extra={"example":
    ...}``, ``openapi_examples=...``, ``EXAMPLE_REQUEST = {...}``."""
    if node is None:
        return False
    child = node
    for parent in source.ancestors(node)[:8]:
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)):
            return False
        if isinstance(parent, ast.keyword) and parent.arg and _EXAMPLE_HOLDERS.search(parent.arg):
            return True
        if isinstance(parent, ast.Dict) and any(v is child and _EXAMPLE_HOLDERS.search(str_value(k) or "")
                                                for k, v in zip(parent.keys, parent.values, strict=False)):
            return True
        if isinstance(parent, (ast.Assign, ast.AnnAssign)):
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            return any(_EXAMPLE_HOLDERS.search(dotted(t).rpartition(".")[2] or "") for t in targets)
        child = parent
    return False


# Words naming a function that makes development data: create_dev_user, seed_demo_data, make_sample_accounts
_DEVELOPMENT_WORDS = frozenset({"dev", "development", "demo", "sample", "samples", "seed", "fake", "dummy"})


def _in_development_function(source: SourceFile, node: ast.AST) -> bool:
    """Whether the node is in (or is a parameter default of) a function named for development data: the
    accounts it creates are a developer's, set up on a local stack."""
    for parent in [node, *source.ancestors(node)]:
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return bool(_DEVELOPMENT_WORDS.intersection(_snake(parent.name).split("_")))
    return False


def _hardcoded_hits_uncached(source: SourceFile, owned: set[int], extra: Iterable[str]) -> tuple[list[Hit], int, list[Hit]]:
    assert source.tree is not None
    hits: list[Hit] = []
    generated: list[Hit] = []
    stand_ins = [0]
    reported: set[int] = set()
    development = {id(stmt) for cls in source.nodes(ast.ClassDef) if isinstance(cls, ast.ClassDef)
                   and _NON_PRODUCTION_CLASS.match(cls.name) for stmt in cls.body}  # class Development(Config)
    members = {id(stmt) for cls in source.nodes(ast.ClassDef) if is_enumeration(cls) for stmt in cls.body}

    by_hand = main_block_nodes(source)

    def name_hit(value_node: ast.AST | None, name: str | None, where: ast.AST, what: str) -> None:
        text = _literal_text(value_node)
        if text is None or id(value_node) in owned or id(value_node) in reported or id(where) in development:
            return
        if id(value_node) in by_hand:
            return  # a __main__ block trying the module by hand (a live key format is still reported below)
        if id(where) in members:
            return  # class EventTag(str, Enum): PasswordReset = "account:password:reset" names a choice
        if not is_secret_name(name, extra):
            return
        if _stands_in(text):
            stand_ins[0] += 1
            return
        if not _secret_value(text, name):
            return
        if _in_example(source, value_node):
            return  # Field(examples=[{"password": "securepassword123"}]): the API documentation's sample request
        if _only_token(name) and not _TOKEN_VALUE_RE.match(text):
            return  # "token" names lexers and parsers too: require a token-like value
        if "test" in _snake(name or "").split("_"):
            return  # test_password, TEST_OTP_SECRET: a credential for tests and sample data (live key formats still count)
        if _in_development_function(source, where):
            return  # def create_dev_user(password="..."): a development account's password (key formats still count)
        reported.add(id(value_node))
        secret = url_password(text) or text
        hits.append(Hit(where.lineno, where.col_offset + 1,  # type: ignore[attr-defined]
                        f"hardcoded secret {what} {name!r}: {mask(secret)}; load it from a secrets manager or the environment"))
        if _generated(secret):
            generated.append(hits[-1])

    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        for target in node.targets:
            if isinstance(target, ast.Subscript) and set(_snake(dotted(target.value)).split("_")) & _DESCRIBING_CONTAINERS:
                continue  # css_classes["password"] = "input": what the field looks like, not its value
            if isinstance(node.value, ast.Constant):  # name_hit judges literals only
                kind = "dict key" if isinstance(target, ast.Subscript) else "assigned to"
                name_hit(node.value, _target_name(target), node, kind)
    for node in source.nodes(ast.AnnAssign):
        assert isinstance(node, ast.AnnAssign)
        name_hit(node.value, _target_name(node.target), node, "assigned to")
    for node in source.nodes(ast.Dict):
        assert isinstance(node, ast.Dict)
        if _local_database(node) or _sent_to_this_machine(source, node):
            continue  # {"HOST": "127.0.0.1", "PASSWORD": "app"}: a development database that fails loudly in production
        holder = source.parent(node)
        if isinstance(holder, (ast.Assign, ast.AnnAssign)) and any(
                set(_snake(dotted(t) or "").split("_")) & _DESCRIBING_CONTAINERS
                for t in (holder.targets if isinstance(holder, ast.Assign) else [holder.target])):
            continue  # DESCRIPTIONS = {"EMAIL_HOST_PASSWORD": "SMTP server password"}: what each field is, not its value
        repeated = Counter(_literal_text(v) for v in node.values)
        for key, value in zip(node.keys, node.values, strict=False):
            key_text = str_value(key)
            if key_text is None or not _IDENTIFIER_RE.match(key_text):
                continue  # a path or a sentence as a key names no secret
            if repeated[_literal_text(value)] > 1 and _IDENTIFIER_RE.match(_literal_text(value) or "-"):
                continue  # {"smtp_host": "mail_settings", "smtp_password": "mail_settings"}: fields grouped, not values
            text = _literal_text(value)
            if text is not None and text.count(" ") >= 2 and key_text[:1].isupper() and "_" not in key_text:
                continue  # {"VaultStaticSecret": "Vault secrets operator"}: a label for a type name
            name_hit(value, key_text, value, "dict key")
    fallbacks = {_literal_text(n) for n in source.nodes(ast.Constant) if id(n) in owned} if owned else set()
    for node in source.nodes(ast.Compare):
        assert isinstance(node, ast.Compare)
        if node.comparators and not _refuses(source, node, fallbacks):
            name_hit(node.comparators[0], _target_name(node.left), node, "compared with")
    for node in source.nodes(ast.Call):
        assert isinstance(node, ast.Call)
        for kw in node.keywords:
            if isinstance(kw.value, ast.Constant):  # name_hit judges literals only
                name_hit(kw.value, kw.arg, kw.value, "keyword argument")
        setter = _SETTER_RE.match(node.func.attr) if isinstance(node.func, ast.Attribute) and "set" in node.func.attr \
            else None
        if setter and node.args:  # user.set_password("yeti"): the literal becomes the account's password
            name_hit(node.args[0], setter.group(1), node.args[0], f"passed to {node.func.attr}()")
    for node in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults, strict=False))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=False) if d is not None]
        for arg, default in pairs:
            name_hit(default, arg.arg, default, "default of parameter")
    for node in source.nodes(ast.Constant):
        assert isinstance(node, ast.Constant)
        value = node.value
        if not isinstance(value, (str, bytes)) or len(value) < 16:
            continue  # neither text nor long enough for a key (checked before the slower tests below)
        text = _literal_text(node)
        if text is None or id(node) in reported or id(node) in owned or len(text) < 16:
            continue
        if isinstance(source.parent(node), ast.Expr):
            continue  # a docstring or a bare string: documentation (an example PEM in an API description)
        fmt = find_key_format(text)
        if fmt is not None and fmt.name == _PRIVATE_KEY and not _key_body(text):
            continue  # "-----BEGIN PRIVATE KEY-----" alone: the armour a user's key is wrapped in, no key
        if fmt is not None:
            reported.add(id(node))
            hits.append(Hit(node.lineno, node.col_offset + 1, _format_message(fmt)))
        elif url_password(text) and not _LOCAL_DSN.match(text.strip()) and not default_login(text) \
                and id(node) not in by_hand and not _in_example(source, node):
            reported.add(id(node))
            hits.append(Hit(node.lineno, node.col_offset + 1,
                            f"connection string with an inline password {mask(url_password(text) or '')}; "
                            "read it from the environment"))
            if _generated(url_password(text) or ""):
                generated.append(hits[-1])
    hits = [h for h in hits if not _judged_by_team(source.line_text(h.line))]
    hits.sort(key=lambda h: (h.line, h.column))
    return hits, stand_ins[0], [h for h in generated if h in hits]


# Words with digits or symbols after them ("password1234", "DemoOwner123!", "fabric2010"): typed by a person
_TYPED_RE = lazy_compile(r"^([A-Za-z]+)[\W\d_]*$")
_RANDOM_LETTERS_RE = lazy_compile(r"^[A-Za-z]{16,}$")
_TYPED_CAPITALS = 4  # a few capitals start words; a random run of letters changes case all through


def _generated(value: str) -> bool:
    """A value that looks generated (letters and digits mixed through it, or a long run of letters whose case changes
    all through, no development words): what a one-off script holds when it holds a real account's key rather than
    a test account's password."""
    typed = _TYPED_RE.match(value)
    if typed and sum(c.isupper() for c in typed.group(1)) <= _TYPED_CAPITALS or default_login(value):
        return False
    return _committed(value) or bool(_RANDOM_LETTERS_RE.match(value))


_NOQA_PASSWORD_RE = lazy_compile(r"#\s*noqa\s*:[^#\n]*\bS10[567]\b", re.IGNORECASE)


def _judged_by_team(line: str) -> bool:
    """ruff's hardcoded-password rules silenced on the line (``# noqa: S105 -- URL pattern``): already judged."""
    return "noqa" in line and bool(_NOQA_PASSWORD_RE.search(line))


_TEXT_GLOBS = ("**/.env", "**/.env.*", "**/*.env", "**/*.pem", "**/*.key", "**/*.yaml", "**/*.yml", "**/*.json",
               "**/*.toml", "**/*.ini", "**/*.cfg", "**/*.conf", "**/*.properties", "**/*.tf", "**/*.tfvars",
               "**/*.sh", "**/Dockerfile", "**/Dockerfile.*", "**/*.js", "**/*.ts")


# Roles where any literal secret counts; elsewhere (tests, migrations, examples, generated code)
# only a live-looking token of a known format does, and never sample data (the fixture role).
_ALL_SECRETS_ROLES = frozenset({SERVICE, "cli", SCRIPT, "infrastructure"})
# nox sessions: the environment they give the test and CI containers
_NOX_SESSIONS_RE = lazy_compile(r"(?:^|/)(?:noxfile\.py|noxfiles/|[^/]*_nox\.py$)")
_PRIVATE_KEY = "private key block"


# the base64 body, or something between the header and its END line (an elided "MIIEow...")
_KEY_BODY_RE = lazy_compile(r"PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?[A-Za-z0-9+/=]{40}|\s*[A-Za-z0-9+/=][\s\S]*?-----END )")


# The armour line followed (after a newline or a written "\n", and any armour headers such as "Version: GnuPG" or
# "Proc-Type: 4,ENCRYPTED") by a line of the key's base64 body.
_PEM_BODY = lazy_compile(r"PRIVATE KEY(?: BLOCK)?-----(?:\s|\\n)+(?:[A-Za-z][\w-]*: [^\n]*(?:\s|\\n)+)*[A-Za-z0-9+/]{40,}")


def _key_body(text: str) -> bool:
    """A private key block with its base64 body in the same literal, not only its header line."""
    return _KEY_BODY_RE.search(text) is not None


def _live_key(text: str) -> bool:
    """A live-looking token of a known format (not a private key block: test keys are common)."""
    fmt = find_key_format(text)
    return fmt is not None and fmt.name != _PRIVATE_KEY


_text_file = glob_matcher(*_TEXT_GLOBS)


def _key_file(rel: str) -> bool:
    """A file ``_repository_secrets`` reads for keys, by its path (the role it is judged by may differ)."""
    return _text_file(rel) and path_role(rel) != FIXTURE


def _repository_secrets(project: Project) -> list[Finding]:
    """Private keys and well-known token formats in the repository's non-Python files."""
    found: list[Finding] = []
    roles = project_roles(project)
    for rel in project.glob(*_TEXT_GLOBS):
        role = roles.of(rel)
        if role == FIXTURE:
            continue
        # a localhost certificate's key kept with the code; one a deployment folder mounts into a proxy still counts
        live_only = role not in _ALL_SECRETS_ROLES or (
            role != INFRASTRUCTURE and bool(_LOCAL_CERTIFICATE.search(rel.rpartition("/")[2])))
        for number, name, message in project.text_fact("key-formats", rel, _key_formats):
            if not (live_only and name == _PRIVATE_KEY):
                found.append(Finding(rel, number, 1, "hardcoded-secret", message))
    return found


_SAMPLE_KEY = "-----BEGIN PRIVATE KEY-----\n" + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" * 3 + "\n-----END PRIVATE KEY-----\n"
# the key of a certificate for local development (localhost-key.pem, ssl-cert-snakeoil.key, selfsigned.key):
# it guards nothing outside the developer's machine
_LOCAL_CERTIFICATE = lazy_compile(r"localhost|127\.0\.0\.1|snakeoil|self[-_]?signed", re.IGNORECASE)


def _key_formats(text: str) -> tuple[tuple[int, str, str], ...]:
    """(line, format, message) of each line holding a key or token of a known format."""
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines, 1):
        if len(line) < 16:
            continue
        fmt = find_key_format(line)
        if fmt is None:
            continue
        if fmt.name == _PRIVATE_KEY and not _PEM_BODY.search("\n".join(lines[number - 1:number + 8])):
            continue  # "-----BEGIN RSA PRIVATE KEY-----" built into a string by a JS library: armour, no key
        found.append((number, fmt.name, _format_message(fmt)))
    return tuple(found)


class HardcodedSecret(Check):
    id = "hardcoded-secret"
    text_facts = (TextFact("key-formats", _key_formats, _key_file),)
    category = "secrets"
    severity = "critical"
    effort = "1d"
    title = "Hardcoded passwords, tokens and keys"
    roles_note = ("Any literal secret counts in service, CLI and infrastructure files; in scripts only a generated-looking "
                  "one (a dev stack's or a test account's typed password does not); in tests, migrations, examples, "
                  "generated code and nox sessions only a live-looking token of a known format does; sample data "
                  "(fixtures) never. See `readiness explain roles`.")
    rationale = (
        "A secret in the repository is readable by everyone with access to it, lives forever in "
        "its history, cannot be rotated without a release and is the same in every environment."
    )
    remediation = (
        "Remove the value, rotate it (it is compromised), and load it at runtime from the "
        "environment or a secrets manager. Values in git history stay readable: rotate first."
    )
    scoring = ("Count: each hardcoded secret halves the score (one is 50%, two 25%): one committed production "
               "credential is a blocker whatever the size of the code base. Code, key formats in any file, and real "
               "credentials set outright or as fallbacks in the env and compose files of a deployment folder "
               "(deploy/, deployments/, ops/, infra/).")
    options = {"names": []}
    examples = (
        Example({"app/main.py": "x = 1\n", "certs/localhost-key.pem": _SAMPLE_KEY,
                 "app/ai.py": "from openai import OpenAI\n\nclient = OpenAI(base_url='http://localhost:8000/v1', api_key='unused')\n"
                              "GOOGLE_MODEL_FOR_API_KEY_CHECK = 'gemini-2.0-flash-lite'\n"},
                status="pass", findings=0,
                note="a localhost certificate's key, a key the local server ignores, and a model named for a key check"),
        Example({"app/main.py": "x = 1\n", "deploy/proxy/certs/localhost.key": _SAMPLE_KEY},
                status="fail", findings=1, note="a key a deployment folder holds for its proxy is deployed, whatever its name"),
        Example({"app/management/commands/create_sample_data.py": (
            "from django.core.management.base import BaseCommand\n\n\nclass Command(BaseCommand):\n"
            "    def handle(self, *args, **options):\n"
            "        User.objects.create_user(email='demo@example.com', password='foofoo')\n")},
                status="pass", findings=0, note="a command that fills a development database with sample rows"),
        Example(_SPLIT_SETTINGS, status="pass", findings=0,
                note="the base settings' key is a developer's: the production settings always replace it"),
        good('import enum\n\n\nclass EventTag(str, enum.Enum):\n    PasswordChange = "account:password:change"\n'
             '    PasswordReset = "account:password:reset"\n\n\nclass CredentialType(enum.StrEnum):\n'
             '    onepassword = "onepassword"\n    api_token = "api_token_value"\n', path="app/events/tags.py",
             note="enumeration members name choices, whatever their names say"),
        bad('class Settings:\n    API_TOKEN = "tok_51HvQ2eJp8WkZr3Lx"\n', path="app/config.py", lines=(2,),
            note="the same assignment in a plain class is a credential"),
        good('URL_REGEX_TESTS = [\n    ("http://us:pa@ex.co:42/a", ["http://us:pa@ex.co:42/a"]),\n]\n', path="app/util.py",
             note="a URL with a user and password in a module's table of parser test cases"),
        bad("def login(form):\n    user = User.find(username='yeti')\n    if not user:\n"
            "        user = User(username='yeti', admin=True)\n        user.set_password('yeti')\n        user.save()\n"
            "    return user\n", path="app/auth.py", lines=(5,), note="a literal handed to set_password() is the account's password"),
        good("def reset(user, form):\n    user.set_password(form.cleaned_data['password'])\n", path="app/accounts.py",
             note="the password the user typed"),
        good("import secrets\n\n\ndef load(config):\n    if config['server.shared_secret'] == 'generate':\n"
             "        config['server.shared_secret'] = secrets.token_urlsafe(32)\n", path="app/config.py",
             note="a word naming what to do with the setting: generate one at start-up"),
        good("from azure.keyvault.secrets import SecretClient\n\nVAULT_SAVED_SECRET_MARK = '# Secret-has-been-saved-to-vault #'\n\n\n"
             "def is_active(client: SecretClient) -> bool:\n    client.set_secret('jumpserver', '666')\n    return True\n",
             path="app/vault.py", note="a marker standing in for a secret; a vault secret's name and a probe value"),
        good("class AccountViewSet:\n    rbac_perms = {\n        'partial_update': ['accounts.change_account'],\n"
             "        'view_secret': 'accounts.view_accountsecret',\n        'clear_secret': 'accounts.change_account',\n    }\n",
             path="app/accounts/api.py", note="actions mapped to the Django permissions they need"),
        Example({"app/main.py": "x = 1\n", "app/static/js/jsencrypt.min.js":
                 'function pem(k){var e="-----BEGIN RSA PRIVATE KEY-----\\n";e+=wrap(k.getPrivateBaseKeyB64())+"\\n";'
                 'return e+"-----END RSA PRIVATE KEY-----"}\n'},
                findings=0, status="pass", note="a JavaScript library writing a key's armour around a key it is given"),
        Example({"app/main.py": "x = 1\n", "app/keys/dev_private.key":
                 "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\nComment: GPGTools - https://gpgtools.org\n\n"
                 "lQOYBFaXl1cBCAC6mG8Kx3FqjFv1hG1d7Vq6pYbq1tX9mHh8pL0cWcT2fL0dQm3a\n-----END PGP PRIVATE KEY BLOCK-----\n"},
                findings=1, lines=(1,), status="fail", note="a PGP private key block, its armour headers before the body"),
        Example({"app/main.py": "x = 1\n", "deploy/signing.pem":
                 "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MaL0pWk6Y0y+fnnQ\n"
                 "-----END RSA PRIVATE KEY-----\n"},
                findings=1, lines=(1,), status="fail", note="a private key committed with its body"),
        good('class LiveSetting:\n    DESCRIPTIONS = {\n        "EMAIL_HOST_PASSWORD": "SMTP server password",\n'
             '        "EXOTEL_API_TOKEN": "API Token (password)",\n    }\n', path="app/models/live_setting.py",
             note="what each setting is, in words: descriptions, not values"),
        good('EMAIL_HOST_PASSWORD_HELP = {"EMAIL_HOST_PASSWORD": "SMTP server password"}\n', path="app/settings_ui.py",
             note="help text that names what the field holds"),
        good('class SlackOAuth2(BaseOAuth2):\n    ACCESS_TOKEN_METHOD = "POST"\n', path="app/social_auth/backends.py",
             note="the HTTP method a token is fetched with"),
        good("class LocalLLM:\n    def __init__(self, model=None, api_key='EMPTY', context_length=4096):\n"
             "        self.model = model\n        self.api_key = api_key\n", path="app/llms/local_llm.py",
             note="'EMPTY': the stand-in key a local model server that needs none is given"),
        good('import os\n\nSECRET_KEY = os.getenv("SECRET_KEY", "mysecretkey")\nDEBUG = os.getenv("DEBUG") == "1"\n'
             'if SECRET_KEY == "mysecretkey" and not DEBUG:\n    raise RuntimeError("set SECRET_KEY")\n'
             'JWT_IDENTITY_CLAIM = "sub"\n', path="app/config.py",
             note="refusing the insecure default is a guard; a claim name is no secret"),
        good("MESSAGES = {\n    'en': {'auth_password_changed_title': 'Your password was changed'},\n"
             "    'fr': {'auth_password_changed_title': 'Mot de passe modifie'},\n}\n", path="app/i18n.py",
             note="translation keys that mention a password"),
        bad('import os\n\nSECRET_KEY = os.environ.get("SECRET_KEY", "iia425u_J_pwntnEyqBuI1xBDqOX8nZ4uC73epGce_w")\n',
            path="proj/settings.py", lines=(3,), note="a real key committed as the fallback"),
        bad('DB_PASSWORD = "s3cr3t-pa55"\n', lines=(1,)),
        good('ATTACHMENT = {"download_url": "https://bucket.s3.amazonaws.com/a.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"\n'
             '              "&X-Amz-Credential=AKIA5P2TGBOOU4X5T5NS%2F20250903%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=60"}\n',
             path="app/sample.py", note="a presigned URL names its key id; the signature expires and no secret is in it"),
        good('import click\n\n\n@click.command()\n@click.option("--db", default="postgresql://user:pass@host/indico",\n'
             '              prompt="Database URL")\ndef setup(db):\n    pass\n', path="app/cli/setup.py",
             note="a URL's shape shown as a prompt's default (user:pass@host) holds no password"),
        good('REDACTED_CREDENTIAL_SENTINEL = "__FRIGATE_SAVED_CREDENTIAL__"\n', path="app/const.py",
             note="a sentinel that stands in for a saved credential is no credential"),
        good('PASSWORD_RESET = "password_reset.html"\nRUNNER_SUDO_PASSWORD = "sudo_password"\n'
             'REGEX_PASSWORD = r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\\d).{12,}$"\n', path="app/consts.py",
             note="a template's file name, the name of a parameter and a password rule are no secrets"),
        good('import bcrypt\n\n\ndef check(user, typed: bytes) -> bool:\n'
             '    password = "$2b$12$Kq8Lm3xWp7eHk2dZq81Lm.3xWp7eHk2dZq81Lm3xWp7eHk2dZq81L"\n'
             '    if user is not None:\n        password = user.password_hash\n'
             '    return bcrypt.checkpw(typed, password.encode())\n', path="app/auth.py",
             note="a dummy bcrypt hash checked against in constant time: a hash logs nobody in"),
        bad('password = "$2b$12$Kq8Lm3"\nADMIN_PASSWORD = "2b$12$Kq8Lm3xWp7eHk2dZq81Lm.3xWp7eHk2dZq81Lm3xWp7eHk2d"\n',
            path="app/auth.py", findings=2, lines=(1, 2), note="too short for a hash, or without its leading marker"),
        good('CLEARTEXT_SECRET = "abcdefghijklmnopqrstuvwxyz0123456789"\nPASSWORD_CONTENTS = "pw.contents"\n',
             path="app/api/helpers.py", note="the alphabet typed in sequence, and a policy action's dotted name"),
        bad('CLIENT_SECRET = "kq8h3vbb6nzf12345zsr"\nPASSWORD_CONTENTS = "pw.c0ntents"\n', path="app/api/helpers.py",
            findings=2, lines=(1, 2), note="a short run of digits in a key, and a dotted value with digits"),
        good('REGEX_PASSWORD = r"^[a-zA-Z0-9]{12,}$"\n', path="app/permissions.py", note="a password rule"),
        bad('FTP_PASS_DEFAULT = "ftp-Pa55"\n', path="app/contacts.py", lines=(1,),
            note="the default of an FTP password is one"),
        good('PASSWORD_CHANGE_TOKEN = "change_password"\nEVENT_PASSWORD_CHANGE = "account:password:change"\n',
             path="app/tokens.py", note="a token kind named by its constant's own words, and an event tag"),
        bad('DB_PASSWORD = "password_db_2024"\n', path="app/seed.py", lines=(1,),
            note="the constant's words with a number make a password"),
        bad('def connect(user, password="hunter2"):\n    pass\n', lines=(1,), note="a parameter default (B107)"),
        good('async def create_dev_user(email: str = "dev@acme.test", password: str = "Stage2024!") -> None:\n'
             '    await users.create(email=email, password=password)\n\n\n'
             'def seed_demo_data():\n    users.create(email="demo@acme.test", password="Walk-9-Tree")\n',
             path="app/admin/bootstrap.py", note="functions named for development data create a developer's accounts"),
        bad('async def create_device_user(email: str, password: str = "Stage2024!") -> None:\n'
            '    await users.create(email=email, password=password)\n', path="app/admin/bootstrap.py", lines=(1,),
            note="a name that only starts like dev"),
        bad('import psycopg\n\nconn = psycopg.connect(host="db", password="Pr0d-Pa55")\n', lines=(3,),
            note="a keyword argument (B106)"),
        bad('def login(password):\n    return password == "letmein!"\n', lines=(2,), note="a comparison (B105)"),
        bad('HEADERS = {"Authorization": "x", "api_key": "8d7f6a5e4c3b2a19"}\n', lines=(1,), note="a dict key"),
        good('KINDS = {"ClusterSecretStore": "external-secrets", "SecretProviderClass": "Secrets Store CSI driver"}\n',
             note="labels keyed by secret-like names"),
        good('FILES = {"secret": "deploy/secret.yaml"}\n', note="a path is not a secret"),
        good('GROUPS = {"smtp_host": "mail_settings", "smtp_password": "mail_settings", "smtp_port": "mail_settings"}\n\n\n'
             'class Urls:\n    password_reset = "{base}reset"\n    reset_token = "Rt4-form-field"  # noqa: S105 -- a form id\n',
             note="fields mapped to their settings group, a URL pattern a format string fills, a line ruff's S105 "
                  "was silenced on"),
        bad('SETTINGS = {"smtp_password": "Zq7-kd82-mL3x", "smtp_user": "mailer"}\n', lines=(1,),
            note="a password among the other values of a dict"),
        good('import requests\n\ntoken = requests.post("http://127.0.0.1:8080/realms/master/token",\n'
             '                      data={"username": "user", "password": "bitnami"}).json()\n',
             path="dev/oidc/init.py", note="credentials a dev stack's script sends to this machine"),
        good('def config_keys():\n    return {"host": "Elastic hostname, e.g. host:port", "api_key": "Elastic Api Key"}\n\n\n'
             'def login(api_key=None):\n    if not api_key:\n        api_key = "localhost"\n    return api_key\n',
             note="a form's label for the key, and a local server's name standing in for one"),
        good('def valid(url):\n    return url.startswith("https://")\n\n\nif __name__ == "__main__":\n'
             '    for url in ("https://user:hunter22@files.acme.io/a", "https://files.acme.io/b"):\n'
             '        print(url, valid(url))\n', note="sample URLs a module tries itself on when run by hand"),
        good('_EXTERNAL_ID_SECRET_KEY = "ACME_AWS_EXTERNAL_ID"\nBOT = {"slack_bot_token": "xoxb-real-secret"}\n',
             note="the name of an environment variable; a made-up token without a real token's shape"),
        good("JWT_ERROR_MESSAGE_KEY = 'error'\nstripe.api_key = 'SomeStripeKey'\n",
             note="the name of a JSON key, and a stand-in overwritten before use"),
        good("ACCOUNT_FORMS = {'reset_password': 'cookbook.forms.CustomPasswordResetForm'}\n"
             "ACCOUNT_RATE_LIMITS = {'change_password': '1/m/user', 'reset_password': '1/m/ip,1/m/key'}\n",
             path="app/settings.py", note="an import path and rate limits under secret-sounding keys"),
        good('FACTORIES = {"api-token": "app.tests.factories:APIToken"}\n', note="an entry point (module:name)"),
        bad('BASIC_AUTH = {"password": "admin:S3cr3tPa55"}\n', lines=(1,), note="a user:password pair is no entry point"),
        bad('SMTP_PASSWORD = "s3cr3t.pass"\n', lines=(1,), note="a password with a dot is no import path"),
        good("_NEW_REFRESH_TOKEN_SESSION_KEY = '_app_new_long_lived_refresh_token'\n",
             note="the session key a token is stored under, not the token"),
        bad('AWS = "AKIAZ7QFW5RDCVNY3XKD"\n', lines=(1,), note="a well-known key format, whatever the name"),
        bad('KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----"""\n', lines=(1,)),
        good('def wrap(key):\n    body = key.replace("-----BEGIN OPENSSH PRIVATE KEY-----", "").strip()\n'
             '    return "-----BEGIN OPENSSH PRIVATE KEY-----\\n" + body + "\\n-----END OPENSSH PRIVATE KEY-----\\n"\n',
             note="the armour lines a user's key is wrapped in: no key"),
        bad('from pymongo import MongoClient\n\nc = MongoClient("mongodb://admin:S3cret99@db:27017/app")\n',
            lines=(3,), note="a connection string with a password"),
        good('import os\n\nCACHES = {"default": {"LOCATION": "redis://:redispassword@cache:6379/0"}}\n'
             'SEARCH = {"hosts": "http://elastic:password@search:9200"}\n'
             'DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://shop:shop@db:5432/shop")\n',
             path="app/settings.py", note="the bundled services' well-known logins of a compose stack: the word "
                                           "password, or the user's own name"),
        bad('import os\n\nCACHES = {"default": {"LOCATION": "redis://:r3dis-Pa55word@cache:6379/0"}}\n'
            'DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://shop:shop-Xk29pq@db:5432/shop")\n',
            path="app/settings.py", findings=2, lines=(3, 4),
            note="passwords that only start like the word or the user's name"),
        Example({"app/main.py": "x = 1\n", "deploy/values.yaml": "slack: xoxb-2048-7301948265-Qm4vT8zKp2LwRx9N\n"},
                findings=1,
                note="a token in a repository file"),
        good('PASSWORD = ""\nTOKEN = "<your-token-here>"\nSECRET = "changeme"\nAPI_KEY = "${API_KEY}"\n',
             note="empty strings and placeholders"),
        good('TOKEN_URL = "https://auth.example.com/oauth/token"\nPASSWORD_FIELD = "password"\n'
             'TOKEN_TYPE = "bearer"\nAPI_KEY_HEADER = "X-API-Key"\nmax_tokens = "4096"\n',
             note="names of URLs, fields, headers and types"),
        good('def lex(token):\n    if token == "keyword":\n        return 1\n    next_token = "identifier"\n',
             note="a lexer's tokens are not credentials"),
        good('data = {"grant_type": "password", "username": u, "password": p}\n',
             note="the password comes from a variable"),
        good('from enum import StrEnum\n\n\nclass CredentialType(StrEnum):\n    password = "password"\n'
             '    onepassword = "onepassword"\n\n\nraw_secret_handling = "allow"\ncredential_pause_outcome = "resolved"\n'
             'NARRATION = {"list_credentials": "Looking up your saved credentials"}\n',
             note="an enumeration's members, what is done with a secret, an operation's label"),
        good('from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n'
             '    POSTHOG_PROJECT_API_KEY: str = "phc_b4Kq9Zt2LmX7wPq3RsT8uVy1NcD5eFg6HjK0"\n'
             '    STRIPE_PUBLISHABLE_KEY: str = "pk_live_51Hc8dKJ2eZvKYlo2C0a1b2c3d4"\n',
             note="keys made to be published: a PostHog project key and a Stripe publishable key"),
        good('from pydantic import BaseModel, Field\n\n\nclass CreateCredential(BaseModel):\n'
             '    credential: dict = Field(..., examples=[{"username": "user@example.com", "password": "securepassword123"}])\n',
             note="the API documentation's sample request"),
        good('def init_secret(config_secret, env_secret):\n    secret = config_secret\n    secret_from = "config"\n'
             '    if not secret:\n        secret_from = "env"\n        secret = env_secret\n    return secret, secret_from\n',
             note="where a secret was loaded from is no secret"),
        good('AWS_EXAMPLE = "AKIAIOSFODNN7EXAMPLE"\n', note="AWS's documented example key"),
        good('def test_plaintext_tokens_are_not_encrypted():\n    for token in [\n'
             '        "ghp_1234567890abcdefghijklmnopqrstuvwxyz",\n        "ABIA1234567890ABCDEF",\n'
             '        "xoxb-1234567890-1234567890123-abcdefghijklmnopqrstuvwx",\n    ]:\n'
             '        assert not is_encrypted(token)\n', path="tests/test_crypto.py",
             note="token shapes filled with characters typed in sequence: made up for a test"),
        bad('def test_client():\n    client = Client(token="ghp_Zq8wK3mN7pL2xR5tV9yB4cH6jF1dG0sA8eU3")\n',
            path="tests/test_client.py", lines=(2,), note="a token of the real shape in a test is still a leak"),
        good('# a sample OAuth response, from the vendor\'s documentation\nOAUTH_ACCESS_RESPONSE = {\n    "ok": True,\n'
             '    "access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",\n'
             '    "authed_user": {"id": "U1234", "access_token": "xoxp-1234"},\n}\n'
             'INSTALLATION_TOKEN = {"token": "ghs_16C7e42F292c6912E7710c838347Ae178B4a", "expires_at": "2016-07-11"}\n',
             path="app/constants/oauth.py", note="tokens printed in the vendors' API documentation"),
        bad('OAUTH_ACCESS_RESPONSE = {"access_token": "xoxb-51720384915-40917362851-Hq7LmZr2VwX9pKt4NbCe3YsD"}\n',
            path="app/constants/oauth.py", lines=(1,), note="a bot token of Slack's shape that no documentation shows"),
        good('import stripe\n\n\nclass MockBillingService:\n    def create(self, api_base):\n'
             '        stripe.api_base = api_base\n        stripe.api_key = "sk_test_123"\n'
             '        self.webhook_secret = "whsec_123"\n', path="app/billing.py",
             note="a test-mode key and a token prefix followed by a few digits: stand-ins for a local mock"),
        bad('import stripe\n\nstripe.api_key = "rk_live_51Hc8dKJ2eZvKYlo2C0a1b2c3"\n', path="app/billing.py", lines=(3,),
            note="a live restricted key"),
        good("SECRET = 'foobar'\nUNAVAILABLE_SECRET_TURN = '[INPUT_UNAVAILABLE_SAFETY_SCREEN]'\n"
             "DATA_URL_TOKEN = r\"[!#$%&'*+.^_`|~A-Za-z0-9-]+\"\n\n\nclass Docs:\n    SECRET_KEY = 'not a secret'\n\n\n"
             "def enabled(settings):\n    return settings.AES_SECRET_KEY != 'fillmein'\n", path="app/settings.py",
             note="values that say they stand in for a secret, a marker for a hidden input, a token's grammar"),
        bad("SECRET = 'foobar-9Qx2-prod'\nAPI_TOKEN = 'tester-7Hq2-Lm9x'\n", path="app/settings.py", findings=2,
            lines=(1, 2), note="the same words with more make a password"),
        good("import pika\nimport zipfile\n\n\ndef connect():\n    return pika.PlainCredentials('guest', password='guest')\n\n\n"
             "def unpack(path, password='infected'):\n    zipfile.ZipFile(path).extractall(pwd=password.encode())\n\n\n"
             "def profile(user):\n    user.api_key = 'testkey'\n    return user.password == 'testpassword'\n",
             path="app/tools.py", note="RabbitMQ's local-only guest account, the malware-archive convention, test "
                                       "values named so"),
        bad("def unpack(path, password='infected-Qz81'):\n    return path\n\n\ndef profile(user):\n"
            "    user.api_key = 'testkey-7Hq2Lm9xW4'\n", path="app/tools.py", findings=2, lines=(1, 6),
            note="the same words with more make a credential"),
        Example({"app/main.py": "x = 1\n", "app/mocks/auth.py":
                 "class MockAuthBackend:\n    def authenticate(self, username, password):\n"
                 "        return username == 'auser' and password == 'apassword-9Xq'\n"}, status="pass", findings=0,
                note="a mock backend accepts its own made-up login"),
        Example({"app/main.py": "x = 1\n", "utils/example_api.py": 'import requests\n\n'
                 'private_token = "7d1f0c9ab3e24a5f8c6b0d2e4f1a3c5b7d9e0f21"\n\n\n'
                 'def get(url):\n    return requests.get(url, headers={"Authorization": f"Token {private_token}"})\n'},
                status="pass", findings=0, note="a module showing how to call the API, with a made-up token"),
        Example({"app/main.py": "x = 1\n", "utils/exampled_api.py": 'private_token = "7d1f0c9ab3e24a5f8c6b0d2e4f1a3c5b7d9e0f21"\n'},
                status="fail", findings=1, lines=(1,), note="a name that only starts like example"),
        Example({"app/main.py": "x = 1\n", "app/mockingbird/auth.py":
                 "class Backend:\n    def authenticate(self, username, password):\n"
                 "        return username == 'auser' and password == 'apassword-9Xq'\n"}, status="fail", findings=1,
                lines=(3,), note="a module whose folder only starts like mocks"),
        good('def auth(method):\n    if method == "client_secret_post":\n        return 1\n'
             'REASON_INVALID_PASSWORD = "invalid_password"\nJWT_COOKIE_SAMESITE = "Lax"\n'
             'IPSEC_SECRET = \'%s %s : PSK "%s"\'\nERRORS = {"password": "This field is required."}\n',
             note="protocol identifiers, flag values, format strings and messages name a secret, they are not one"),
        good('DSN = "postgresql://app:${DB_PASSWORD}@db/app"\n', note="a templated password"),
        good('def password_is_set(pwd_flag):\n    return pwd_flag != "NP"\n\n\ndef gpg_args(passphrase):\n'
             '    passphrase_arg = "--passphrase-fd 0"\n    return [passphrase_arg]\n',
             note="a two-letter status flag and a command-line option guard nothing"),
        good('css_classes = {}\ncss_classes["password"] = "input"\ntest_otp_secret = "JHCOGO7VCER3EJ4L"\n'
             'DATABASES = {"default": {"NAME": "app", "USER": "app", "PASSWORD": "app", "HOST": "127.0.0.1"}}\n'
             'BROKER_URL = "amqp://guest:guest@localhost:5672//"\n',
             note="how a field looks, a test credential, a development database on this machine"),
        bad('DATABASES = {"default": {"NAME": "app", "PASSWORD": "Pr0d-Pa55", "HOST": "db.internal"}}\n', lines=(1,),
            note="the same settings pointing at a real host"),
        good('def test_login(client):\n    client.login(password="hunter2")\n', path="tests/test_auth.py",
             note="fixtures in tests"),
        Example({"app/main.py": "x = 1\n",
                 "scripts/seed_users.py": 'import psycopg\n\nADMIN_PASSWORD = "password1234"\n'
                                          'OWNER = {"username": "owner", "password": "Stage2024!"}\n'
                                          'conn = psycopg.connect(host="localhost", password="postgres")\n',
                 "noxfile.py": 'import nox\n\nENV = {"APP_ENCRYPTION_KEY": "Vq7rT2mK9xLp4sWd8bNc3hZf6jGy1aE0"}\n\n\n'
                               '@nox.session\ndef tests(session):\n    session.run("pytest", env=ENV)\n'},
                status="pass", findings=0, note="a script's typed passwords for a dev stack, and the key nox gives the test run"),
        Example({"app/main.py": "x = 1\n",
                 "scripts/sync_ranges.py": 'API_TOKEN = "k8Jd2LmQ9xWv4TzR7pNb3HcY6fGs1aE5"\n'
                                           'API_SECRET = "qTbWzRkEyNfLuHsPaXdGmVcJ"\nRESOLVER_PASSWORD = "PasswdIdResolver"\n'},
                status="fail", findings=2, lines=(1, 2),
                note="a script holding generated tokens (letters and digits, or letters changing case all through)"),
        good('from .common import *  # noqa\n\nOIDC_RP_CLIENT_SECRET = "xyz-secret-123"\nSECRET_KEY = "Zq81-Lm3x-Wp7e-Hk2d"\n',
             path="proj/settings/pytest.py", note="the settings module the test run selects"),
        bad('from .common import *  # noqa\n\nOIDC_RP_CLIENT_SECRET = "xyz-secret-123"\n',
            path="proj/settings/prod.py", lines=(3,), note="the same in production's settings module"),
        good('import os\n\nSECRET = os.getenv("APP_SECRET", "dev")\n', note="a fallback is default-secret's finding"),
        Example({"app/config.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "deploy/docker-compose.yml": "services:\n  api:\n    environment:\n"
                                              "      SECRET_KEY: ${SECRET_KEY:-60gp0byfz2dvffa45cxl20p1scy9xbpf6d8c5y0g}\n"
                                              "      DB_PASSWORD: ${DB_PASSWORD:-change-me}\n"},
                findings=1, lines=(4,), note="every install that keeps the compose default shares one committed key"),
        Example({"app/config.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "deploy/variables.env": "WEB_PORT=8000\nSECRET_KEY=\"60gp0byfz2dvffa45cxl20p1scy9xbpf6d8c5y0g\"\n",
                 "deploy/docker-compose.yml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: postgres\n"
                                              "  api:\n    environment:\n      - API_TOKEN=${API_TOKEN}\n"
                                              "      - SIGNING_KEY=Zx81-kq93-Lp02-mW7e\n",
                 "docker-compose.yml": "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: tAsGbYD5ThDB\n",
                 "docker-compose.dev.yml": "services:\n  api:\n    environment:\n      - SIGNING_KEY=Dev-0001-0002\n",
                 ".ci/compose.cypress.yaml": "services:\n  api:\n    environment:\n      COOKIE_SECRET: c29b8f-ci-91ab\n",
                 "data/.env": "ENCRYPTION_KEY=NJHDWDJ3PbHT8h\n"},
                findings=2, note="keys set outright in the env and compose files a deployment runs from; a bundled "
                                 "database's word password, a reference, a developer's stack at the root, a dev or "
                                 "CI stack and a developer's .env are not"),
    )

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        role = file_role(source, options)
        if role == FIXTURE:
            return None  # sample data: scanner reports and seeds are full of key-shaped strings by design
        extra = options.get("names", [])
        live_keys_only = role not in _ALL_SECRETS_ROLES or _DEV_SETTINGS_RE.search(source.path) \
            or _STAND_IN_MODULE_RE.search(source.path) or _NOX_SESSIONS_RE.search(source.path)
        if live_keys_only and not _may_hold_key(source.text):
            # only lines with a live key would be kept, and no line holds a key format's needle: most tests
            return FileOutcome(hits=[], facts=OVERRIDES_SECRET_KEY if _computes_secret_key(source) else None)
        analysis = _analyse_defaults(source, extra)
        hits = _hardcoded_hits(source, analysis.default_nodes, extra)
        if role in _DEFAULT_SECRET_ROLES:
            hits = [*hits, *analysis.committed]  # a real key committed as a fallback is also a hardcoded secret
        if live_keys_only:
            hits = [h for h in hits if _live_key(source.line_text(h.line))]  # a test's password is not production's
        elif role == SCRIPT:  # a one-off script logs in to a dev stack or a test account; a generated key is a real one's
            generated = _generated_hits(source, analysis.default_nodes, extra)
            hits = [h for h in hits if h in generated or _live_key(source.line_text(h.line))]
        return FileOutcome(hits=hits, facts=OVERRIDES_SECRET_KEY if _computes_secret_key(source) else None)

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        collected.findings[:] = _overridden_in_production(collected, collected.findings)
        extra = options.get("names", [])
        repo = _repository_secrets(project) + _committed_shell_defaults(project, extra) + \
            _committed_assignments(project, extra)
        count = len(collected.findings) + len(repo)
        noun = "hardcoded secret" if count == 1 else "hardcoded secrets"
        return Verdict(Count(count, "hardcoded secrets"),
                       summary=f"{count} {noun}", findings=tuple(repo))


# -- secrets-manager and secret-rotation -------------------------------------------------------

_MANAGER_MODULES = {
    "hvac": "HashiCorp Vault (hvac)",
    "google.cloud.secretmanager": "GCP Secret Manager",
    "azure.keyvault.secrets": "Azure Key Vault",
    "azure.keyvault": "Azure Key Vault",
    "aws_secretsmanager_caching": "AWS Secrets Manager",
    "infisical_client": "Infisical",
}


_KMS_MODULES = {"google.cloud.kms": "GCP Cloud KMS", "azure.keyvault.keys": "Azure Key Vault keys"}
_STORE_MODULES = {**_MANAGER_MODULES, **_KMS_MODULES}
# Names a call must hold for a store to be read through it (a client, a keyword, a reader class).
_STORE_CALL_NAMES = ("client", "secrets_dir", "FileAwareEnv", "WithDecryption")
_SECRET_FILE_VAR = lazy_compile(r"^[A-Z][A-Z0-9_]*_FILE$")


def _names_file_var(text: ast.JoinedStr) -> bool:
    """``f"{name}_FILE"``: the variable naming the file each secret is read from."""
    last = text.values[-1] if text.values else None
    return isinstance(last, ast.Constant) and isinstance(last.value, str) and last.value.endswith("_FILE")


def _file_key_names(source: SourceFile) -> dict[str, int]:
    """Names bound to ``f"{key}_FILE"`` (name -> line): the variable that names each setting's secret file."""
    out: dict[str, int] = {}
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        value = node.value
        if isinstance(value, ast.JoinedStr) and len(value.values) == 2 and isinstance(value.values[0], ast.FormattedValue) \
                and _literal_text(value.values[1]) == "_FILE":
            out.update((t.id, node.lineno) for t in node.targets if isinstance(t, ast.Name))
    return out


def _environ_file_keys(source: SourceFile) -> Evidence | None:
    """``file_key = f"{key}_FILE"`` then ``os.environ[file_key]``: every setting may come from a mounted file."""
    if "_FILE" not in source.text or "environ" not in source.text:
        return None
    names = _file_key_names(source)
    if not names:
        return None
    for node in source.nodes(ast.Subscript, ast.Compare, ast.Call):
        if isinstance(node, ast.Subscript):
            pairs = [(node.slice, node.value)]
        elif isinstance(node, ast.Compare):
            pairs = [(node.left, c) for c in node.comparators]
        else:
            assert isinstance(node, ast.Call)
            pairs = [(node.args[0], node.func)] if node.args else []
        for key, holder in pairs:
            if isinstance(key, ast.Name) and key.id in names and "environ" in dotted(holder) or \
                    isinstance(key, ast.Name) and key.id in names and dotted(holder).endswith("getenv"):
                return Evidence("secrets manager: NAME_FILE secret files (mounted by the platform)", source.path,
                                names[key.id])
    return None


def _manager_evidence(source: SourceFile) -> list[Evidence]:
    found = _manager_modules(source)
    if found:
        return found
    file_keys = _environ_file_keys(source)
    if file_keys is not None:
        return [file_keys]
    for call in source.nodes(ast.Call):
        assert isinstance(call, ast.Call)
        func = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        first = str_value(call.args[0]) if call.args else str_value(getattr(_kw(call, "service_name"), "value", None))
        # boto3.client("kms"), or the project's own factory for it: get_boto_client("kms", endpoint_url=...)
        if (func == "client" or func.endswith("_client")) and first == "kms" and ".decrypt(" in source.text:
            return [Evidence("secrets manager: AWS KMS decryption of secrets", source.path, call.lineno)]
        if func in ("getenv", "get", "__getitem__") and first and _SECRET_FILE_VAR.match(first) \
                and is_secret_name(first.removesuffix("_FILE")):
            return [Evidence(f"secrets manager: secret file {first} (mounted by the platform)", source.path,
                             call.lineno)]
        if func in ("getenv", "get") and call.args and isinstance(call.args[0], ast.JoinedStr) and _names_file_var(call.args[0]):
            return [Evidence("secrets manager: NAME_FILE secret files (mounted by the platform)", source.path, call.lineno)]
        if func in ("getenv", "get") and first == "CREDENTIALS_DIRECTORY":
            return [Evidence("secrets manager: systemd credentials (CREDENTIALS_DIRECTORY)", source.path, call.lineno)]
    path_reader = _secret_path_reader(source)
    if path_reader is not None:
        return [path_reader]
    if "/run/secrets" in source.text:
        for node in source.nodes(ast.Constant):
            value = getattr(node, "value", None)
            if isinstance(value, str) and value.rstrip("/") == "/run/secrets" or (
                    isinstance(value, str) and value.startswith("/run/secrets/")):
                return [Evidence("secrets manager: secret files mounted by the platform (/run/secrets)", source.path,
                                 getattr(node, "lineno", 0))]
    for sub in source.nodes(ast.Subscript):
        assert isinstance(sub, ast.Subscript)
        key = str_value(sub.slice)
        if key and _SECRET_FILE_VAR.match(key) and is_secret_name(key.removesuffix("_FILE")) and "environ" in dotted(
                sub.value):
            return [Evidence(f"secrets manager: secret file {key} (mounted by the platform)", source.path, sub.lineno)]
    return []


_SECRET_READER_RE = lazy_compile(r"secret|credential|password", re.IGNORECASE)
_FILE_TESTS = frozenset({"isfile", "exists", "is_file"})


def _secret_path_reader(source: SourceFile) -> Evidence | None:
    """A secret reader that takes the variable's value as a file when it names one (``value = os.environ.get(key)``,
    then ``if os.path.isfile(value): open(value)``): a secret mounted as a file (``KEY=/run/secrets/db``) is read
    from it. Only a function named for secrets counts: a configuration path read the same way is no secret."""
    if "environ" not in source.text and "getenv" not in source.text:
        return None
    for func in source.nodes(ast.FunctionDef):
        assert isinstance(func, ast.FunctionDef)
        if not _SECRET_READER_RE.search(func.name):
            continue
        values = {t.id for node in ast.walk(func) if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                  and ("environ" in dotted(node.value.func) or dotted(node.value.func).endswith("getenv"))
                  for t in node.targets if isinstance(t, ast.Name)}
        if values and _tests_and_opens(func, values):
            return Evidence("secrets manager: secret files named by the environment (Docker or Kubernetes secrets)",
                            source.path, func.lineno)
    return None


def _tests_and_opens(func: ast.FunctionDef, values: set[str]) -> bool:
    """Whether the function tests that one of ``values`` names a file (``os.path.isfile(v)``, ``Path(v).is_file()``)
    and opens it (``open(v)``, ``Path(v)``)."""
    tested = opened = False
    for call in (n for n in ast.walk(func) if isinstance(n, ast.Call)):
        named = {a.id for a in call.args if isinstance(a, ast.Name)} & values
        func_name = dotted(call.func)
        if isinstance(call.func, ast.Attribute) and call.func.attr in _FILE_TESTS:
            holder = call.func.value
            tested = tested or bool(named) or (isinstance(holder, ast.Call) and any(
                isinstance(a, ast.Name) and a.id in values for a in holder.args))
        if func_name in ("open", "io.open", "Path", "pathlib.Path") and named:
            opened = True
    return tested and opened


# Where a client's address may come from when the store holds the service's own secrets: its
# environment or settings. A client whose address comes from elsewhere (a plugin's options, a
# destination users configure) is a feature that writes to a store, not where secrets come from.
_OWN_STORE_SOURCES = lazy_compile(r"environ|getenv|settings|config|\benv\b|VAULT_ADDR", re.IGNORECASE)


def _store_is_a_feature(source: SourceFile) -> bool:
    """Every Vault client in the file gets its address from runtime data, never from settings."""
    clients = [c for c in source.nodes(ast.Call) if isinstance(c, ast.Call) and dotted(c.func).endswith("Client")
               and dotted(c.func).split(".")[0] in ("hvac", "Client")]
    if not clients:
        return False
    assigned: dict[str, list[str]] = {}
    for node in source.nodes(ast.Assign):
        assert isinstance(node, ast.Assign)
        for target in node.targets:
            if isinstance(target, ast.Name):
                assigned.setdefault(target.id, []).append(ast.unparse(node.value))
    for call in clients:
        address = _kw(call, "url")
        value = address.value if address is not None else (call.args[0] if call.args else None)
        if value is None:
            return False  # hvac reads VAULT_ADDR from the environment
        texts = [ast.unparse(value)]
        if isinstance(value, ast.Name):
            texts += assigned.get(value.id, [])
        if any(_OWN_STORE_SOURCES.search(t) for t in texts) or isinstance(value, ast.Constant):
            return False
    return True


def _may_name(source: SourceFile, names: Iterable[str]) -> bool:
    """Whether the file's code can hold one of these identifiers: an identifier of an ASCII file stands in its
    text as it is, while a non-ASCII file's may be a normalised spelling (a full-width letter read as the plain one)."""
    return not source.text.isascii() or any(name in source.text for name in names)


def _manager_modules(source: SourceFile) -> list[Evidence]:
    assert source.tree is not None
    found: list[Evidence] = []
    for node in source.nodes(ast.Import, ast.ImportFrom):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [getattr(node, "module", "") or ""]
        if isinstance(node, ast.ImportFrom) and node.module:
            modules += [f"{node.module}.{a.name}" for a in node.names]
        for module in modules:
            for prefix, label in _STORE_MODULES.items():
                if module == prefix or module.startswith(prefix + "."):
                    if prefix == "hvac" and _store_is_a_feature(source):
                        continue
                    found.append(Evidence(f"secrets manager: {label}", source.path, getattr(node, "lineno", 0)))
                    return found
    if "secrets_dir" in source.text:
        for node in source.nodes(ast.Assign):  # pydantic v1: class Config: secrets_dir = "/run/secrets"
            assert isinstance(node, ast.Assign)
            if any(isinstance(t, ast.Name) and t.id == "secrets_dir" for t in node.targets) \
                    and isinstance(source.parent(node), ast.ClassDef) \
                    and not (isinstance(node.value, ast.Constant) and not node.value.value):
                return [Evidence("secrets manager: pydantic settings read from a secrets_dir of mounted secret files",
                                 source.path, node.lineno)]
    for call in source.nodes(ast.Call) if _may_name(source, _STORE_CALL_NAMES) else ():
        assert isinstance(call, ast.Call)
        func = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        first = str_value(call.args[0]) if call.args else str_value(getattr(_kw(call, "service_name"), "value", None))
        if func == "client" and first == "secretsmanager":
            return [Evidence("secrets manager: AWS Secrets Manager", source.path, call.lineno)]
        secrets_dir = _kw(call, "secrets_dir")
        if secrets_dir is not None and not (isinstance(secrets_dir.value, ast.Constant) and not secrets_dir.value.value):
            return [Evidence("secrets manager: pydantic settings read from a secrets_dir of mounted secret files",
                             source.path, call.lineno)]
        if func == "FileAwareEnv":  # environs / django-environ: VAR read from the file VAR_FILE names when set
            return [Evidence("secrets manager: FileAwareEnv reads NAME_FILE secret files (mounted by the platform)",
                             source.path, call.lineno)]
        decrypt = _kw(call, "WithDecryption")
        if func in ("get_parameter", "get_parameters", "get_parameters_by_path") and decrypt is not None:
            if isinstance(decrypt.value, ast.Constant) and decrypt.value.value is True:
                return [Evidence("secrets manager: AWS SSM parameters with decryption", source.path, call.lineno)]
    return found


def _kw(call: ast.Call, name: str) -> ast.keyword | None:
    return next((kw for kw in call.keywords if kw.arg == name), None)


# A container's entrypoint or init script that fills VAR from the file VAR_FILE names (Docker and
# Kubernetes secrets mounted as files): ``file_env``, a loop over ``*_FILE`` variables, ``${VAR%_FILE}``.
_FILE_ENV_RE = lazy_compile(r"\bfile_env\b|\*_?FILE\b|_FILE/\}|%_FILE\}|\$\{[a-z]\w*\}_FILE\b")
_READS_FILE_RE = lazy_compile(r"\bcat\s|\$\(<|<\s*\"?\$")
# One variable filled from its own file: ``export SECRET_KEY=$(cat "$SECRET_KEY_FILE")``.
_ONE_FILE_ENV_RE = lazy_compile(r"\b([A-Z][A-Z0-9_]*)=\$\((?:cat\s+|<\s*)\"?\$\{?\1_FILE\}?\"?\s*\)")


def _secret_file_scripts(project: Project) -> list[Evidence]:
    for rel in project.files:
        name = rel.rpartition("/")[2]
        if not (name.endswith((".sh", ".bash")) or ("." not in name and ("entrypoint" in name or "/s6" in rel
                                                                          or rel.startswith("docker/")))):
            continue
        text = project.read_text(rel) or ""
        if "_FILE" not in text:
            continue
        if (_FILE_ENV_RE.search(text) and _READS_FILE_RE.search(text)) or any(
                is_secret_name(m.group(1)) for m in _ONE_FILE_ENV_RE.finditer(text)):
            return [Evidence("secrets manager: NAME_FILE secret files read at start-up (mounted by the platform)", rel)]
    return []


_MANIFEST_KINDS = {
    "ExternalSecret": "external-secrets", "ClusterExternalSecret": "external-secrets",
    "SecretStore": "external-secrets", "ClusterSecretStore": "external-secrets",
    "SecretProviderClass": "Secrets Store CSI driver", "VaultStaticSecret": "Vault secrets operator",
    "VaultDynamicSecret": "Vault secrets operator", "SealedSecret": "Sealed Secrets",
}


_ANSIBLE_SECRET_LOOKUP = lazy_compile(
    r"""lookup\(\s*['"](?:[\w]+\.[\w]+\.)?(aws_ssm|aws_secret|secretsmanager_secret|hashi_vault|vault_kv2_get|"""
    r"""azure_keyvault_secret|gcp_secret_manager|onepassword|bitwarden)['"]""")


def _manifest_evidence(project: Project) -> list[Evidence]:
    found: list[Evidence] = []
    for rel in project.glob("**/.sops.yaml", ".sops.yaml"):
        found.append(Evidence("secrets manager: sops configuration", rel))
    for rel in project.glob("**/*.yaml", "**/*.yml", "*.yaml", "*.yml"):
        text = project.read_text(rel) or ""
        lookup = _ANSIBLE_SECRET_LOOKUP.search(text) if "lookup(" in text else None
        if lookup:  # Ansible reads the secret from a store when it deploys: SECRET_KEY: "{{ lookup('aws_ssm', ...) }}"
            found.append(Evidence(f"secrets manager: Ansible {lookup.group(1)} lookup", rel,
                                  text.count("\n", 0, lookup.start()) + 1))
            continue
        if "sops" not in text and "vault.hashicorp.com" not in text and not any(k in text for k in _MANIFEST_KINDS):
            continue  # cheap text pre-filter: most YAML files cannot concern this check
        docs, _ = project.yaml_documents(rel)
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            kind = doc.get("kind")
            if isinstance(kind, str) and kind in _MANIFEST_KINDS:
                found.append(Evidence(f"secrets manager: {_MANIFEST_KINDS[kind]} {kind}", rel))
                break
            sops = doc.get("sops")
            if isinstance(sops, dict) and ("mac" in sops or "kms" in sops or "age" in sops or "pgp" in sops):
                found.append(Evidence("secrets manager: sops-encrypted file", rel))
                break
        else:
            text = project.read_text(rel) or ""
            if "vault.hashicorp.com/agent-inject" in text:
                found.append(Evidence("secrets manager: Vault agent injector", rel))
    return found


_ROTATION_NAMES = frozenset({"MultiFernet", "rotate_secret", "RotationRules", "key_version", "key_versions",
                             "KeyVersion", "rotate_keys", "rotation_schedule", "SECRET_KEY_FALLBACKS",
                             "KeyRotationWrapper"})  # coaster: a serializer over a list of keys, newest first
_KEY_VERSION_NAMES = frozenset({"key_version", "key_versions", "KeyVersion"})
_ROTATION_TEXT = lazy_compile(
    r"RotationSchedule|RotationRules|rotation_rules|rotationRules|rotation_period|rotationPeriod|"
    r"automatically_after_days|AutomaticallyAfterDays|rotation_lambda|rotationPolicy|rotation_policy|"
    r"aws_secretsmanager_secret_rotation|rotate_secret|"
    # a configuration declaration or value naming Flask's or Django's previous keys (not one set empty)
    r"\bSECRET_KEY_FALLBACKS\b(?![\"']?\s*[:=]\s*(?:\[\s*\]|\"\"|''|null|~)?\s*$)", re.MULTILINE)
_KEY_WORDS = frozenset({"key", "keys", "secret", "secrets", "credential", "credentials", "keyring", "keyset"})
_KEY_SET_NAME = lazy_compile(r"(^|_)(KEYS|SECRETS|KEYRING|KEYSET|KEY_FALLBACKS|SECRET_FALLBACKS)$", re.IGNORECASE)
# LOGIN_PROVIDERS_SECRETS, OAUTH_CLIENTS_SECRETS: one secret for each of several parties, not versions of one key
_EACH_PARTY = frozenset({"providers", "clients", "services", "integrations", "accounts", "users", "tenants", "apps",
                         "plugins", "backends", "connectors", "partners"})
_PREVIOUS_KEY = lazy_compile(r"(^|_)(PREVIOUS|OLD|PRIOR|RETIRED)_(\w+_)?(KEY|SECRET)S?($|_)|"
                           r"(^|_)(KEY|SECRET)S?_(PREVIOUS|OLD|PRIOR|RETIRED)$", re.IGNORECASE)
_KEY_SET_EVIDENCE = "secret rotation: key set"
_REENCRYPT = lazy_compile(r"(?:^|_)re_?encrypt|(?<![a-z])reEncrypt|ReEncrypt")  # not save_pre_encrypted_reply
_ROTATE_WORDS = lazy_compile(r"(^|_)rotat(e|es|ion)(_|$)", re.IGNORECASE)


# Verbs of a function that looks at something rather than doing it
_INSPECTING_VERBS = frozenset({"validate", "normalize", "parse", "check", "is", "has", "should", "can", "serialize",
                               "format", "render", "describe"})


def _inspects(name: str) -> bool:
    words = _name_word_list(name)
    return bool(words) and words[0] in _INSPECTING_VERBS


def _name_words(name: str) -> set[str]:
    return set(_name_word_list(name))


_NAME_SPLIT = lazy_compile(r"[_\W]+|(?<=[a-z0-9])(?=[A-Z])")


def _name_word_list(name: str) -> list[str]:
    """The lower-case words of a name, split at underscores and where lower case meets upper case."""
    return [w.lower() for w in _NAME_SPLIT.split(name) if w]


def _several(value: ast.AST) -> bool:
    """A literal key set: a list, tuple, set or dict of at least two entries, or keys parsed from one setting."""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        names = [str_value(e) for e in value.elts]
        if all(n is not None and _IDENTIFIER_RE.match(n) for n in names):
            return False  # ["password", "api_key"]: the names of secret fields, not keys
        return len(value.elts) >= 2
    if isinstance(value, ast.Dict):
        return len(value.keys) >= 2
    if isinstance(value, ast.Call):
        func = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        return func in ("split", "loads", "list", "tuple") or (func == "env" and any(
            isinstance(k.value, ast.Name) and k.value.id in ("list", "dict") for k in value.keywords if k.arg == "cast"))
    return False


def _emptied(source: SourceFile, node: ast.AST) -> bool:
    """``SECRET_KEY_FALLBACKS = []``: the name set to an empty list or None, which accepts no other key."""
    parent = source.parent(node)
    return isinstance(parent, ast.Assign) and node in parent.targets and (
        is_none(parent.value) or (isinstance(parent.value, (ast.List, ast.Tuple)) and not parent.value.elts))


_PLURAL = lazy_compile(r"(_FALLBACKS|S)$", re.IGNORECASE)


def _rotation_evidence(source: SourceFile) -> list[Evidence]:
    """Several keys accepted at once: MultiFernet, a key set, a previous key, or a re-encrypt / rotate-keys command.

    A key id (``kid``) on tokens signed with a single key, or an ACME account ``kid``, rotates nothing.
    """
    assert source.tree is not None
    if "migrations/" in source.path:
        return []  # a one-time data migration is no rotation tooling
    for node in source.nodes(ast.Name, ast.Attribute, ast.alias) if _may_name(source, _ROTATION_NAMES) else ():
        name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "name", "")
        short = name.split(".")[-1]
        if short in _ROTATION_NAMES and not _emptied(source, node):
            if short in _KEY_VERSION_NAMES and "crypt" not in source.text.lower():
                continue  # for key_version in os_matrix: a version of something else, in a module that encrypts nothing
            return [Evidence(f"secret rotation: {short}", source.path, getattr(node, "lineno", 0))]
    for node in source.nodes(ast.Assign, ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
        value = getattr(node, "value", None)
        for target in targets:
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name and value is not None and _KEY_SET_NAME.search(name) and is_secret_name(_PLURAL.sub("", name)) \
                    and not _name_words(name) & _EACH_PARTY and _several(value):
                return [Evidence(f"{_KEY_SET_EVIDENCE} {name} accepts several keys", source.path, node.lineno)]
    for node in source.nodes(ast.Constant):
        text = getattr(node, "value", None)
        if isinstance(text, str) and len(text) < 80 and _ENV_NAME_RE.match(text) and _PREVIOUS_KEY.search(text):
            return [Evidence(f"secret rotation: previous key {text} still accepted", source.path,
                             getattr(node, "lineno", 0))]
    stem = source.path.rsplit("/", 1)[-1].removesuffix(".py")
    for func in source.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        name = getattr(func, "name", "")
        for candidate in (name, stem if "commands/" in source.path else ""):
            if _inspects(candidate):
                continue  # _validate_credential_rotation_parameters: checks a feature's input, rotates nothing
            if _REENCRYPT.search(candidate) or (_ROTATE_WORDS.search(candidate) and _name_words(candidate) & _KEY_WORDS):
                return [Evidence(f"secret rotation: {candidate} re-encrypts or rotates keys", source.path,
                                 getattr(func, "lineno", 0))]
    return []


def _repository_rotation(project: Project) -> list[Evidence]:
    found: list[Evidence] = []
    for rel, text in project.texts(project.glob("**/*.yaml", "**/*.yml", "**/*.json", "**/*.tf", "*.yaml", "*.yml",
                                                "*.json", "*.tf")):
        match = _ROTATION_TEXT.search(text)
        if match is not None:
            line = text.count("\n", 0, match.start()) + 1
            found.append(Evidence(f"secret rotation: {match.group(0)}", rel, line))
    return found


class _SecretsPresence(Check):
    """Presence of some practice; n/a when the project handles no secrets at all."""

    what: str = ""

    def python_evidence(self, source: SourceFile) -> list[Evidence]:
        return []

    def repository_evidence(self, project: Project) -> list[Evidence]:
        return []

    def kept(self, evidence: list[Evidence], role: str) -> list[Evidence]:
        """The evidence that counts in a file of this role."""
        return evidence

    def check_file(self, source: SourceFile, options: Mapping[str, Any]) -> FileOutcome | None:
        if is_test_path(source.path) or source.tree is None:
            return None
        out = FileOutcome(evidence=self.kept(self.python_evidence(source), file_role(source, options)))
        analysis = _analyse_defaults(source, ())
        hardcoded = _hardcoded_hits(source, analysis.default_nodes, ())
        out.counts["secrets"] = analysis.secret_uses + len(hardcoded) + len(analysis.defaults) + \
            _stand_ins(source, analysis.default_nodes, ())
        return out

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        evidence = [*collected.evidence, *self.repository_evidence(project)]
        if not evidence and collected.counts["secrets"] == 0:
            return Verdict(NotApplicable("the project reads no secrets"))
        summary = f"{self.what} in place" if evidence else f"no {self.what}"
        return Verdict(Presence(bool(evidence), self.what), summary=summary, evidence=tuple(evidence))


class SecretsManager(_SecretsPresence):
    id = "secrets-manager"
    category = "secrets"
    severity = "high"
    effort = "2-3d"
    title = "Secrets come from a secrets manager"
    rationale = (
        "Environment variables set by hand end up in shell histories, CI logs and copied .env files; "
        "a secrets manager gives access control, audit logs and rotation."
    )
    remediation = (
        "Store secrets in Vault, AWS Secrets Manager (or SSM SecureString parameters), Azure Key "
        "Vault or GCP Secret Manager, and deliver them with external-secrets, the CSI driver or "
        "the SDK; keep encrypted files with sops when a manager is not available."
    )
    scoring = "Presence: a secrets manager client or manifest; n/a when the project reads no secrets."
    what = "secrets manager"
    needles = ()
    examples = (
        Example({"app/config.py": 'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'}, status="fail"),
        Example({"app/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\napp.config.from_prefixed_env()\n",
                 "app/login.py": "from authlib.integrations.flask_client import OAuth\n\nfrom app import app\n\n"
                                 "oauth = OAuth(app)\noauth.register('google', client_id=app.config['OAUTH_GOOGLE_KEY'],\n"
                                 "               client_secret=app.config['OAUTH_GOOGLE_SECRET'])\n"},
                status="fail", note="secrets read from the application's loaded configuration, no manager"),
        Example({"app/config.py": 'import hvac\n\nclient = hvac.Client(url="https://vault:8200")\n'}, status="pass"),
        Example({"app/settings.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "ansible/inventory/host_vars/web.yml": "django_environment:\n"
                 "  SECRET_KEY: \"{{ lookup('aws_ssm', '/site/SECRET_KEY') }}\"\n"}, status="pass",
                note="the deployment reads each secret from AWS SSM with an Ansible lookup"),
        Example({"app/config.py": 'import boto3\n\nssm = boto3.client("ssm")\n'
                 'p = ssm.get_parameter(Name="/app/db", WithDecryption=True)\n'}, status="pass",
                note="SSM parameters with decryption"),
        Example({"app/config.py": 'import os\nPASSWORD = os.environ["PASSWORD"]\n',
                 "deploy/secret.yaml": "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\n"
                 "metadata: {name: app}\n"}, status="pass", note="an external-secrets manifest"),
        Example({"app/config.py": 'import os\nPASSWORD = os.environ["PASSWORD"]\n',
                 "deploy/sealed-secret.yaml": "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
                 "metadata: {name: app}\nspec:\n  encryptedData:\n    PASSWORD: AgBy3i4OJSWK+PiTySYZZA==\n"},
                status="pass", note="a Sealed Secrets manifest: the cluster decrypts it"),
        Example({"app/config.py": 'import os\nPASSWORD = os.environ["PASSWORD"]\n',
                 ".sops.yaml": "creation_rules:\n  - path_regex: deploy/secrets/.*\\.yaml$\n"
                               "    kms: arn:aws:kms:eu-west-1:111122223333:key/abcd\n"},
                status="pass", note="secrets kept encrypted with sops"),
        Example({"app/main.py": "def handler():\n    return 1\n"}, status="n/a", note="no secrets at all"),
        Example({"app/web/route.py": "from app.config import Config\n\n\ndef check_auth(request):\n"
                 "    server_config = Config.instance().settings['Server']\n"
                 "    user = server_config.get('user', '').strip()\n"
                 "    password = server_config.get('password', '').strip()\n    return user, password\n"},
                status="fail", note="a password read from the service's configuration file, not the environment"),
        Example(_CONFIG_GETTER,
                status="fail", note="a key read through the project's configuration getter"),
        Example({"app/options.py": "import os\n\nOPTIONS = [\n    {'name': 'HOST', 'default_value': '0.0.0.0', 'value_type': 'str'},\n"
                 "    {'name': 'METRICS_AUTH_TOKEN', 'default_value': '', 'value_type': 'str'},\n]\n"
                 "ARGS = {o['name']: os.environ.get('APP_' + o['name'], o['default_value']) for o in OPTIONS}\n"},
                status="fail", note="a table of options read from the environment, a token among them"),
        Example({"app/views.py": "def login(request, config):\n    password = request.form.get('password')\n"
                 "    timeout = config.get('session_timeout')\n    return password, timeout\n"},
                status="n/a", note="a user's password from a form and a setting that is no secret"),
        Example({"app/billing.py": "import stripe\n\n\ndef mock_billing(api_base):\n    stripe.api_base = api_base\n"
                                   "    stripe.api_key = 'sk_test_123'\n"}, status="fail",
                note="a secret set to a stand-in for a local mock is still a secret the code handles"),
        Example({"app/config.py": 'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n',
                 "app/plugins/vault_destination.py": (
                     "import hvac\n\n\nclass VaultDestination:\n    def upload(self, cert, options):\n"
                     "        url = self.get_option(\"vaultUrl\", options)\n        client = hvac.Client(url=url)\n"
                     "        client.secrets.kv.v2.create_or_update_secret(path=cert.name, secret={\"crt\": cert.body})\n")},
                status="fail", note="a Vault destination users configure stores their certificates; the service's "
                "own secrets still come from the environment"),
        Example({"app/config.py": 'import os\n\nimport hvac\n\n'
                 'vault = hvac.Client(url=os.environ["VAULT_URL"], token=os.environ["VAULT_TOKEN"])\n'
                 'DB_PASSWORD = vault.secrets.kv.v2.read_secret_version(path="db")["data"]["data"]["password"]\n'},
                status="pass", note="a Vault client from the service's environment"),
        Example({"app/config.py": 'import base64\nimport os\n\nimport boto3\n\nkms = boto3.client("kms")\n\n\n'
                 'def secret(name: str) -> str:\n    blob = base64.b64decode(os.environ[name])\n'
                 '    return kms.decrypt(CiphertextBlob=blob)["Plaintext"].decode()\n\n\nDB_PASSWORD = secret("DB_PASSWORD")\n'},
                status="pass", note="secrets decrypted with a cloud KMS at start-up"),
        Example({"app/encrypted_settings.py": "import base64\nimport json\n\nfrom cryptography.fernet import Fernet\n\n"
                 "from app import clients, cryptolib\n\n\ndef bootstrap(blob: str) -> dict:\n    secrets = json.loads(blob)\n"
                 "    client = clients.get_boto_client('kms')\n"
                 "    key = cryptolib.decrypt_datakey(base64.b64decode(secrets['data_key']), client=client)\n"
                 "    return json.loads(Fernet(key).decrypt(secrets['secrets'].encode()))\n"},
                status="pass", note="a data key decrypted with KMS through the project's own client factory"),
        Example({"app/utils/secrets.py": 'import os\n\n\ndef get_secret(key, default):\n'
                 '    value = os.environ.get(key, default)\n'
                 '    if value and value.startswith("/") and os.path.isfile(value):\n'
                 '        with open(value, encoding="utf-8") as handle:\n            return handle.read().strip()\n'
                 '    return value\n',
                 "app/settings.py": 'from app.utils.secrets import get_secret\n\n'
                 'DB_PASSWORD = get_secret("DB_PASSWORD", "")\n'}, status="pass",
                note="a secret reader that takes the variable's value as the path of a mounted secret file"),
        Example({"app/utils/config.py": 'import os\n\n\ndef load_config(key, default):\n'
                 '    value = os.environ.get(key, default)\n    if os.path.isfile(value):\n'
                 '        with open(value, encoding="utf-8") as handle:\n            return handle.read()\n'
                 '    return value\n',
                 "app/settings.py": 'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'}, status="fail",
                note="a configuration file named by the environment holds no secret by its reader's name"),
        Example({"app/config.py": 'import os\nfrom pathlib import Path\n\n'
                 'DB_PASSWORD = Path(os.environ["DB_PASSWORD_FILE"]).read_text().strip()\n'}, status="pass",
                note="NAME_FILE: a secret file mounted by the platform (Docker or Kubernetes secrets)"),
        Example({"app/config.py": 'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'
                 'LOG_FILE = os.environ.get("LOG_FILE", "/var/log/app.log")\n'}, status="fail",
                note="a _FILE variable that is not a secret"),
        Example({"app/config.py": 'import os\nfrom pathlib import Path\n\n\ndef secret(name: str) -> str | None:\n'
                 '    path = os.environ.get(f"{name}_FILE") or f"/run/secrets/{name.lower()}"\n'
                 '    return Path(path).read_text().strip() if Path(path).exists() else os.environ.get(name)\n\n\n'
                 'SECRET_KEY = secret("SECRET_KEY")\n'}, status="pass",
                note="each secret read from the file NAME_FILE names, or from /run/secrets"),
        Example({"app/options.py": 'import os\n\nDEFAULTS = {"SECRET_KEY": None, "DATABASE_PASSWORD": None}\n\n\n'
                 'def options():\n    out = {}\n    for key, default in DEFAULTS.items():\n'
                 '        file_key = f"{key}_FILE"\n        if key in os.environ:\n            out[key] = os.environ[key]\n'
                 '        elif file_key in os.environ:\n            with open(os.environ[file_key]) as f:\n'
                 '                out[key] = f.read().strip()\n    return out\n'}, status="pass",
                note="every option read from the file its NAME_FILE variable names, when set"),
        Example({"app/options.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n\n\n'
                 'def log_path(service):\n    log_key = f"{service}_FILE"\n    return LOGS.get(log_key)\n'},
                status="fail", note="a NAME_FILE key looked up somewhere other than the environment"),
        Example({"app/env.py": 'import os\nfrom pathlib import Path\n\n'
                 'CREDS = Path(os.environ.get("CREDENTIALS_DIRECTORY", "/etc/app"))\n'
                 'PASSWORD = (CREDS / "db_password").read_text().strip()\n'}, status="pass",
                note="systemd credentials handed to the service as files"),
        Example({"app/config.py": 'import os\n\nDB_PASSWORD = os.environ["APP_DBPASS"]\n',
                 "docker/rootfs/etc/s6-overlay/s6-rc.d/init-env-file/run": (
                     "#!/command/with-contenv /usr/bin/bash\nfor FILENAME in /run/s6/container_environment/*; do\n"
                     "  if [[ \"${FILENAME##*/}\" == APP_*_FILE ]]; then\n    SECRETFILE=$(cat \"${FILENAME}\")\n"
                     "    cat \"${SECRETFILE}\" > \"${FILENAME//_FILE/}\"\n  fi\ndone\n")},
                status="pass", note="the image's init script fills each VAR from the secret file VAR_FILE names"),
        Example({"app/settings.py": "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
                                    "class Settings(BaseSettings):\n    secret: str\n\n"
                                    "    model_config = SettingsConfigDict(secrets_dir='/run/secrets')\n"},
                status="pass", note="pydantic settings read each field from a file under secrets_dir (Docker secrets)"),
        Example({"app/settings.py": "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\n"
                                    "class Settings(BaseSettings):\n    secret: str\n\n"
                                    "    model_config = SettingsConfigDict(env_file='.env', secrets_dir=None)\n"},
                status="fail", note="secrets_dir switched off"),
        Example({"app/settings.py": "from pydantic import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
                                    "    secret: str\n\n    class Config:\n        secrets_dir = '/run/secrets'\n"},
                status="pass", note="pydantic v1's Config.secrets_dir"),
        Example({"app/settings.py": "from environs import FileAwareEnv\n\nenv = FileAwareEnv()\n"
                                    "SECRET_KEY = env('SECRET_KEY')\n"},
                status="pass", note="environs/django-environ FileAwareEnv: each variable may come from a mounted file"),
        Example({"app/settings.py": "from environs import Env\n\nenv = Env()\nSECRET_KEY = env('SECRET_KEY')\n"},
                status="fail", note="a plain environment reader"),
        Example({"app/main.py": "x = 1\n",
                 "boot.sh": ('#!/bin/sh\nif [ -f "${SECRET_KEY_FILE}" ]; then\n'
                             '    export SECRET_KEY=$(cat "$SECRET_KEY_FILE")\nfi\nexec gunicorn app:app\n')},
                status="pass", note="the entrypoint fills a secret from the file its _FILE variable names"),
        Example({"app/main.py": "x = 1\n",
                 "app/settings.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "boot.sh": '#!/bin/sh\nexport BANNER=$(cat "$BANNER_FILE")\nexec gunicorn app:app\n'},
                status="fail", note="a variable read from a file that holds no secret"),
        Example({"app/config.py": 'import os\n\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n',
                 "docker-entrypoint.sh": "#!/bin/sh\ncat /etc/motd\necho \"logging to $LOG_FILE\"\nexec gunicorn app:app\n"},
                status="fail", note="an entrypoint that only mentions a _FILE variable"),
    )
    equivalents = (
        *(Equivalent("import", (module,), True, label) for module, label in _STORE_MODULES.items()),
        Equivalent("call", ('boto3.client("secretsmanager")',), True, "AWS Secrets Manager"),
        Equivalent("call", ("get_parameter(..., WithDecryption=True)",), True, "AWS SSM SecureString parameters"),
        Equivalent("call", ('boto3.client("kms") ... decrypt()',), True, "secrets decrypted with AWS KMS"),
        Equivalent("setting", ("<SECRET>_FILE",), True, "a secret file mounted by Docker or Kubernetes"),
        *(Equivalent("file", (kind,), True, f"{label} manifest") for kind, label in _MANIFEST_KINDS.items()),
        Equivalent("file", (".sops.yaml", "sops-encrypted YAML"), True, "sops"),
        Equivalent("file", ("vault.hashicorp.com/agent-inject",), True, "Vault agent injector"),
        Equivalent("setting", ("LOG_FILE", "CONFIG_FILE"), False, "a _FILE variable whose name is not a secret's"),
        Equivalent("call", ('hvac.Client(url=self.get_option("vaultUrl", options))',), False,
                   "a Vault client addressed from a plugin's options: a destination users configure"),
    )

    def python_evidence(self, source: SourceFile) -> list[Evidence]:
        return _manager_evidence(source)

    def repository_evidence(self, project: Project) -> list[Evidence]:
        from readiness.repo_files import repo_files  # Terraform and ECS task definitions, parsed once per scan

        stores = repo_files(project).secret_stores
        return [*_manifest_evidence(project), *(Evidence(f"secrets manager: {s.label}", s.path, s.line) for s in stores),
                *_secret_file_scripts(project)]


class SecretRotation(_SecretsPresence):
    id = "secret-rotation"
    category = "secrets"
    severity = "medium"
    effort = "2-3d"
    title = "Secrets can be rotated"
    rationale = (
        "A leaked key must be replaced without downtime. That takes key versions (old tokens stay "
        "valid while new ones are issued), MultiFernet for encrypted data, and a rotation schedule."
    )
    remediation = (
        "Sign tokens with a `kid` header and accept the previous key during a rotation window, "
        "decrypt with MultiFernet([new, old]), and schedule rotation in the secrets manager "
        "(e.g. an AWS Secrets Manager rotation schedule)."
    )
    scoring = ("Presence: more than one key accepted at once (MultiFernet, a key set, Django SECRET_KEY_FALLBACKS, a "
               "previous key still read), a re-encrypt or rotate-keys command, or a rotation schedule in "
               "infrastructure files; n/a when the project reads no secrets.")
    what = "secret rotation"
    needles = ()
    examples = (
        Example({"app/auth.py": 'import os\nimport jwt\n\nKEY = os.environ["JWT_SECRET"]\n'
                 'def sign(p):\n    return jwt.encode(p, KEY, algorithm="HS256")\n'}, status="fail"),
        Example({"app/crypto.py": 'import os\nfrom cryptography.fernet import Fernet, MultiFernet\n\n'
                 'f = MultiFernet([Fernet(os.environ["KEY_NEW"]), Fernet(os.environ["KEY_OLD"])])\n'}, status="pass"),
        Example({"app/auth.py": 'import os\nimport jwt\n\nKEYS = {"2024-06": os.environ["JWT_SECRET"]}\n'
                 'def sign(p):\n    return jwt.encode(p, KEYS["2024-06"], headers={"kid": "2024-06"})\n'},
                status="fail", note="a key id on tokens signed with one key rotates nothing"),
        Example({"app/auth.py": 'import os\nimport jwt\n\nKEY = os.environ["JWT_SECRET"]\n'
                 'def sign(p):\n    return jwt.encode(p, KEY, algorithm="HS256")\n',
                 "app/commenter.py": "def variants(run, matrix):\n    found = set()\n    for key_version in matrix:\n"
                                     "        if key_version.replace('.', '') in run.os_version:\n            found.add(key_version)\n"
                                     "    return found\n"},
                status="fail", note="key_version naming an OS version in a module that encrypts nothing"),
        Example({"app/auth.py": 'import os\nimport jwt\n\nSIGNING_KEYS = {"2024-06": os.environ["JWT_SECRET"],\n'
                 '                "2024-01": os.environ["JWT_SECRET_PREVIOUS"]}\n\n'
                 'def verify(token, kid):\n    return jwt.decode(token, SIGNING_KEYS[kid], algorithms=["HS256"])\n'},
                status="pass", note="a key set: the previous key stays valid while the new one signs"),
        Example({"proj/settings.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n'
                 'SECRET_KEY_FALLBACKS = [os.environ["SECRET_KEY_PREVIOUS"]]\n'}, status="pass",
                note="Django's SECRET_KEY_FALLBACKS"),
        Example({"proj/settings.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\nSECRET_KEY_FALLBACKS = []\n'},
                status="fail", note="an empty SECRET_KEY_FALLBACKS accepts no other key"),
        Example({"app/cli.py": 'import os\n\nimport click\n\nTOKEN = os.environ["API_TOKEN"]\n\n\n@click.command()\n'
                 '@click.argument("old")\n@click.argument("new")\ndef reencrypt(old: str, new: str) -> None:\n'
                 '    """Decrypt stored credentials with the old key and encrypt them with the new one."""\n'},
                status="pass", note="a re-encrypt command"),
        Example({"app/store.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n\n\n'
                 'def save_pre_encrypted_reply(path: str, content: str) -> None:\n'
                 '    """Store a reply the client already encrypted."""\n'},
                status="fail", note="storing what is already encrypted re-encrypts nothing"),
        Example({"app/acme.py": 'import os\n\nACCOUNT_KEY = os.environ["ACME_ACCOUNT_KEY"]\n\n\n'
                 'def protected(nonce: str, url: str, account: str) -> dict:\n'
                 '    return {"alg": "RS256", "nonce": nonce, "url": url, "kid": account}\n',
                 "app/crypto.py": 'import os\nfrom passlib.totp import TOTP\n\n'
                 'Totp = TOTP.using(secrets={"1": os.environ["TOTP_SECRET_KEY"]})\n'},
                status="fail", note="an ACME account kid and a one-entry key map are not rotation"),
        Example({"app/config.py": 'import os\nTOKEN = os.environ["API_TOKEN"]\n',
                 "infra/secrets.yaml": "Resources:\n  Rotation:\n    Type: AWS::SecretsManager::RotationSchedule\n"},
                status="pass", note="a rotation schedule in infrastructure code"),
        Example({"app/serializers.py": "from itsdangerous import URLSafeTimedSerializer\n\nfrom coaster.app import "
                 "KeyRotationWrapper\n\nfrom app import app\n\n\ndef token_serializer():\n"
                 "    return KeyRotationWrapper(URLSafeTimedSerializer, app.config['SECRET_KEYS'])\n"},
                status="pass", note="a serializer over a list of keys, the newest signing and the older still read"),
        Example({"app/config.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "app/config/declaration.yaml": "groups:\n  - options:\n      - key: SECRET_KEY\n        flask: true\n"
                                                "      - key: SECRET_KEY_FALLBACKS\n        flask: true\n"},
                status="pass", note="the configuration declares the framework's previous keys as a setting"),
        Example({"app/config.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "deploy/values.yaml": "env:\n  SECRET_KEY_FALLBACKS: []\n"},
                status="fail", note="previous keys set to none"),
        Example({"app/config.py": 'import json\nimport os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n'
                 'LOGIN_PROVIDERS_SECRETS = json.loads(os.getenv("LOGIN_PROVIDERS_SECRETS", "{}"))\n'},
                status="fail", note="one client secret for each login provider: several parties, one key each"),
        Example({"app/config.py": 'import json\nimport os\n\nSIGNING_SECRETS = json.loads(os.environ["SIGNING_SECRETS"])\n'},
                status="pass", note="a key set of one signer's keys"),
        Example({"app/config.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "app/libs/ansible/module_utils/remote_client.py": (
                     "import paramiko\n\n\nclass RemoteClient:\n"
                     "    def __init__(self, module):\n        self.module = module\n        self.ssh = paramiko.SSHClient()\n\n"
                     "    def known_secrets(self):\n        secrets = {\n"
                     "            self.module.params.get('login_password'),\n            self.module.params.get('password'),\n"
                     "        }\n        return secrets\n")},
                status="fail", note="the passwords an Ansible module masks on the managed host are no key set"),
        Example({"app/config.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n',
                 "tools/reencrypt_secrets.py": "from app import crypto\n\n\ndef reencrypt(old_key, new_key):\n"
                                               "    crypto.rewrap(old_key, new_key)\n"},
                status="pass", note="a re-encrypt script counts wherever it sits"),
        Example(_CONFIG_GETTER,
                status="fail", note="one key read from the configuration file, nothing to rotate it with"),
        Example({"app/workflow.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n\n\n'
                 'async def _validate_and_normalize_credential_rotation_parameters(parameters: list) -> None:\n'
                 '    """Check the login credentials a workflow takes turns with."""\n'},
                status="fail", note="validating a feature's rotation parameters rotates no key of the service"),
        Example({"app/keys.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n\n\n'
                 'def rotate_signing_keys(old: str, new: str) -> None:\n    """Sign with the new key, accept the old one."""\n'},
                status="pass", note="a command that rotates the signing keys"),
        Example({"app/main.py": "x = 1\n"}, status="n/a"),
    )

    equivalents = (
        Equivalent("call", ("MultiFernet",), True, "several Fernet keys accepted at once"),
        Equivalent("call", ("KeyRotationWrapper",), True, "a serializer over a list of keys"),
        Equivalent("setting", ("SECRET_KEY_FALLBACKS",), True, "Django accepts the previous keys while the new one signs"),
        Equivalent("setting", ("*_KEYS", "*_SECRETS", "*_KEYRING"), True, "a key set of two or more keys"),
        Equivalent("setting", ("PREVIOUS_*_KEY", "*_KEY_OLD"), True, "a previous key read beside the current one"),
        Equivalent("call", ("reencrypt", "rotate_keys", "rotate_secret"), True, "a re-encrypt or rotate-keys command"),
        Equivalent("file", ("RotationSchedule", "rotation_rules", "aws_secretsmanager_secret_rotation"), True,
                    "a rotation schedule in infrastructure code"),
        Equivalent("argument", ("kid",), False, "a key id on tokens signed with a single key, or an ACME account kid"),
        Equivalent("setting", ("{'1': key}",), False, "a key map with one entry"),
        Equivalent("call", ("rotate_token", "change_password"), False, "a user's own token or password, not the "
                    "service's secrets"),
        Equivalent("file", ("migrations/",), False, "a one-time data migration"),
    )

    def python_evidence(self, source: SourceFile) -> list[Evidence]:
        return _rotation_evidence(source)

    def kept(self, evidence: list[Evidence], role: str) -> list[Evidence]:
        """A key set counts in the service and its commands; in a script or deployment code (a helper Ansible runs on
        a managed host, a dev tool) a set of secrets is that code's own. A re-encrypt or rotate-keys script counts."""
        if role in (SERVICE, "cli"):
            return evidence
        return [e for e in evidence if not e.message.startswith(_KEY_SET_EVIDENCE)]

    def repository_evidence(self, project: Project) -> list[Evidence]:
        return _repository_rotation(project)


CHECKS: list[type[Check]] = [DefaultSecret, HardcodedSecret, SecretsManager, SecretRotation]
