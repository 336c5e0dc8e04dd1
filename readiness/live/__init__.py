"""Probing the running environment: bounded HTTP requests, MongoDB, backup archives.

Live checks read one part of ``environment:`` (``http``, ``mongodb`` or ``backups``). A check may
also carry the same keys in its own options (``checks: live-tls: options: {http: {...}}``):
they override the environment for that check alone, so one check can be pointed elsewhere or
configured without a project-wide environment. Missing keys take the schema defaults.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from readiness.config import ConfigError, _Validator
from readiness.config_schema import BACKUP, HTTP, MONGODB, Field

PARTS: dict[str, Field] = {"http": HTTP, "mongodb": MONGODB, "backups": BACKUP}
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class LiveConfigError(Exception):
    """The environment (or a live check's options) holds a value the probe cannot use."""


def environment_part(project: Any, options: Mapping[str, Any], name: str) -> Any:
    """The validated ``environment.<name>`` merged with the check's own ``<name>`` option.

    For ``http`` and ``mongodb`` a mapping with defaults filled in (None when neither gives
    anything); for ``backups`` a list of mappings (empty when none is configured).
    """
    settings = getattr(project, "settings", None)
    data = getattr(settings, "data", None) or {}
    env = data.get("environment") or {}
    spec = PARTS[name]
    given = env.get(name)
    override = options.get(name)
    if name == "backups":
        chosen = override if override else given
        if not chosen:
            return []
        entries = _validate(chosen, spec, name)
        return [_with_defaults(entry, spec) for entry in entries]
    merged: dict[str, Any] = {}
    if given:
        merged.update(given)
    if override:
        merged.update(_validate(override, spec, name))
    if not merged:
        return None
    return _with_defaults(merged, spec)


def _validate(value: Any, spec: Field, name: str) -> Any:
    validator = _Validator("check options", {}, set(), set(), {})
    try:
        return validator.value(value, spec, ("options", name))
    except ConfigError as exc:
        raise LiveConfigError(str(exc)) from None


def _with_defaults(given: Mapping[str, Any], spec: Field) -> dict[str, Any]:
    out = {key: sub.default for key, sub in spec.fields.items()}
    out.update({k: v for k, v in given.items() if v is not None})
    return out


def parse_duration(text: Any) -> float:
    """Seconds in ``26h``, ``90m``, ``2d``, ``45s`` or a bare number of seconds."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    match = _DURATION_RE.match(str(text))
    if match is None:
        raise LiveConfigError(f"'{text}' is not a duration (a number with s, m, h or d, e.g. 26h)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def format_age(seconds: float) -> str:
    """A short human age: 45s, 12m, 5.5h, 3.2d."""
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"
