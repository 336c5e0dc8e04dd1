"""Keep credentials out of everything a live check says.

Probe errors come from libraries that happily echo URLs, and summaries quote URLs on purpose,
so every message a live check emits passes through a ``Redactor`` built from the configured
environment: it masks the ``user:password@`` part of any URI, credential-like query
parameters, ``Authorization``/``Cookie``/token headers, and every configured secret value
wherever it appears (also percent-encoded).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping
from urllib.parse import quote, unquote, urlsplit

from readiness.lazy_regex import lazy_compile

MASK = "***"
_USERINFO_RE = lazy_compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^/?#@\s:]*)(?::(?P<password>[^/?#@\s]*))?@")
_QUERY_SECRET_RE = lazy_compile(
    r"(?i)(?P<key>[?&;](?:[A-Za-z_]*(?:pass(?:word)?|pwd|secret|token|api[_-]?key|access[_-]?key|signature|sig)"
    r"[A-Za-z_]*|authMechanismProperties|tlsCertificateKeyFilePassword))=(?P<value>[^&#\s]*)"
)
_HEADER_RE = lazy_compile(
    r"(?im)(?P<name>\b(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|"
    r"x-auth-token|x-access-token|[a-z\-]*token)\s*[:=]\s*)(?P<value>[^\r\n,'\"}]+)"
)
SENSITIVE_HEADERS = frozenset({
    "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key",
    "x-auth-token", "x-access-token",
})


def redact_uri(uri: str) -> str:
    """``mongodb://app:s3cret@db:27017/?authSource=admin`` -> ``mongodb://app:***@db:27017/?authSource=admin``."""
    def userinfo(match: re.Match[str]) -> str:
        if match.group("password") is None:
            # A lone user part is often the credential itself (https://TOKEN@host, oauth2 tokens).
            return f"{match.group('scheme')}{MASK}@"
        return f"{match.group('scheme')}{match.group('user')}:{MASK}@"

    text = _USERINFO_RE.sub(userinfo, uri)
    return _QUERY_SECRET_RE.sub(lambda m: f"{m.group('key')}={MASK}", text)


def redact_headers(headers: Mapping[str, str], configured: Iterable[str] = ()) -> dict[str, str]:
    """Header values masked when the header is sensitive by name or was configured by the user."""
    masked = {h.lower() for h in configured} | SENSITIVE_HEADERS
    return {k: (MASK if k.lower() in masked or "token" in k.lower() else v) for k, v in headers.items()}


def secrets_in(environment: Mapping[str, Any] | None) -> set[str]:
    """Every secret value an environment configuration holds: URI passwords and header values."""
    found: set[str] = set()
    if not environment:
        return found
    http = environment.get("http") or {}
    for value in (http.get("headers") or {}).values():
        if isinstance(value, str):
            found.add(value)
            found.update(value.split())  # "Bearer abc" -> also "abc"
    uris = [http.get("base_url"), (environment.get("mongodb") or {}).get("uri")]
    for uri in uris:
        if isinstance(uri, str):
            found.update(_uri_secrets(uri))
    return {s for s in found if len(s) >= 4 and s.lower() not in ("bearer", "basic", "token")}


def _uri_secrets(uri: str) -> set[str]:
    out: set[str] = set()
    try:
        parts = urlsplit(uri)
        password = parts.password
    except ValueError:
        password = None
        parts = None
    if password is None:
        match = _USERINFO_RE.search(uri)
        if match is not None and match.group("password"):
            password = match.group("password")
    if password:
        out.update({password, unquote(password)})
    else:
        match = _USERINFO_RE.search(uri)
        if match is not None and match.group("user"):  # https://TOKEN@host: the user part is the secret
            out.update({match.group("user"), unquote(match.group("user"))})
    for match in _QUERY_SECRET_RE.finditer(uri):
        if match.group("value"):
            out.update({match.group("value"), unquote(match.group("value"))})
    return out


class Redactor:
    """Masks credentials in any text; build one per check run from the environment."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values: set[str] = set()
        for secret in secrets:
            if secret:
                values.update({secret, quote(secret, safe=""), quote(secret)})
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted(values, key=len, reverse=True)

    @classmethod
    def for_environment(cls, environment: Mapping[str, Any] | None, *extra: Mapping[str, Any] | None) -> Redactor:
        found = secrets_in(environment)
        for part in extra:
            found |= secrets_in(part)
        return cls(found)

    def __call__(self, text: str) -> str:
        text = redact_uri(text)
        text = _HEADER_RE.sub(lambda m: f"{m.group('name')}{MASK}", text)
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

