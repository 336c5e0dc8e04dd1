"""Probing the running environment: bounded HTTP requests, MongoDB, backup archives.

Live checks read one part of ``environment:`` (``http``, ``mongodb`` or ``backups``). A check may
also carry the same keys in its own options (``checks: live-tls: options: {http: {...}}``):
they override the environment for that check alone, so one check can be pointed elsewhere or
configured without a project-wide environment. Missing keys take the schema defaults.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from readiness.config import ConfigError, _Validator
from readiness.config_schema import BACKUP, HTTP, MONGODB, Field
from readiness.lazy_regex import lazy_compile
from readiness.live.egress import capped

PARTS: dict[str, Field] = {"http": HTTP, "mongodb": MONGODB, "backups": BACKUP}
_DURATION_RE = lazy_compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
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
    operator = getattr(settings, "operator", None)
    allow_private = bool(getattr(operator, "allow_private", False))
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
    out = _with_defaults(merged, spec)
    problem = capped(name, out)
    if problem:
        raise LiveConfigError(problem)
    out["allow_private"] = allow_private
    return out


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


def apply_overrides(settings: Any, pairs: list[str]) -> None:
    """Merge ``--env KEY=VALUE`` pairs into ``settings.data['environment']``, validated.

    Keys are ``http.<field>``, ``mongodb.<field>`` or ``backups.<field>`` (the latter build one
    backup source appended to the configured ones); values are read as YAML scalars or flow
    lists (``http.health=[/health, /ready]``, ``http.timeout=2``) and may reference ``${VAR}``.
    """
    if not pairs:
        return
    import yaml

    env = dict(settings.data.get("environment") or {})
    extra_backup: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        part, _, name = key.strip().partition(".")
        if not sep or part not in PARTS or not name:
            raise ConfigError(f"--env {key}: expected http.<key>=VALUE, mongodb.<key>=VALUE or backups.<key>=VALUE")
        if name not in PARTS[part].fields:
            known = ", ".join(sorted(PARTS[part].fields))
            raise ConfigError(f"--env {key}: unknown key (known {part} keys: {known})")
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        if part == "backups":
            extra_backup[name] = value
        else:
            env[part] = {**(env.get(part) or {}), name: value}
    validator = _Validator("--env", {}, set(), set(), os.environ)
    for part in ("http", "mongodb"):
        if part in env and env[part] is not None:
            env[part] = validator.value(env[part], PARTS[part], ("environment", part))
    if extra_backup:
        entry = validator.value([extra_backup], PARTS["backups"], ("environment", "backups"))
        env["backups"] = [*(env.get("backups") or []), *entry]
    settings.data["environment"] = env
    settings.expanded = settings.expanded | frozenset(validator.expanded)


class lazy_module:  # noqa: N801 - used like a module
    """A module imported on first attribute access: the live checks' heavy clients (requests,
    pymongo) cost nothing on a static scan."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        import importlib

        return getattr(importlib.import_module(self._name), attr)
