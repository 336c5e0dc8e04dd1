"""Making a result safe to print, once, before any report, history or gate message sees it.

Two things a scanned repository could smuggle into what CI prints: a value read from ``${VAR}``
(masked everywhere, keys included) and control characters in file names or messages (a name
holding a newline and ``::set-env`` would be a workflow command on a line of its own in the log).
"""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import quote

from readiness.lazy_regex import lazy_compile
from readiness.live.redact import MASK

_CONTROL_RE = lazy_compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029\x85]")
_ONE_LINE_KEYS = frozenset({"path", "message", "summary", "title", "name", "fingerprint", "kind"})


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    return {"\n": "\\n", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}" if ord(char) < 256 else f"\\u{ord(char):04x}")


def one_line(text: str) -> str:
    """``text`` with every line break and control character shown as an escape."""
    return _CONTROL_RE.sub(_escape, text)


def safe_document(doc: Any, secrets: Iterable[str] = ()) -> Any:
    """``doc`` with expanded secrets masked in every string and one-line fields kept on one line."""
    values: set[str] = set()
    for secret in secrets:
        if len(secret) >= 3:
            values.update({secret, quote(secret, safe=""), quote(secret)})
    ordered = sorted(values, key=len, reverse=True)

    def text(value: str, key: str | None) -> str:
        for secret in ordered:
            value = value.replace(secret, MASK)
        return one_line(value) if key in _ONE_LINE_KEYS else value

    def walk(value: Any, key: str | None = None) -> Any:
        if isinstance(value, str):
            return text(value, key)
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, dict):
            return {(text(k, None) if isinstance(k, str) else k): walk(v, k) for k, v in value.items()}
        return value

    return walk(doc)
