"""The built-in checks, listed explicitly: one module per category or concern.

The modules load on first use of ``BUILTIN_CHECKS`` rather than with the package, so that
``from readiness.checks.base import Check`` (every module that names a check type) and the
commands that judge nothing (``--version``, ``--help``) do not pay for importing every check.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from readiness.checks.base import Check

# In the order the catalogue lists them.
BUILTIN_MODULES: tuple[str, ...] = (
    "code_quality",
    "suppressions",
    "ci_lint",
    "secrets",
    "external_api",
    "error_handling",
    "monitoring",
    "tracing",
    "database_security",
    "db_transactions",
    "api",
    "testing",
    "performance",
    "security_audit",
    "disaster_recovery",
    "live_http",
    "live_mongo",
    "live_backups",
)

_loaded: tuple[type[Check], ...] | None = None


def builtin_checks() -> tuple[type[Check], ...]:
    """Every built-in check class, importing their modules once."""
    global _loaded
    if _loaded is None:
        found: list[type[Check]] = []
        for name in BUILTIN_MODULES:
            found.extend(importlib.import_module(f"{__name__}.{name}").CHECKS)
        _loaded = tuple(found)
    return _loaded


def __getattr__(name: str) -> Any:
    if name == "BUILTIN_CHECKS":
        return builtin_checks()
    if name == "Check":
        from readiness.checks.base import Check

        return Check
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["BUILTIN_CHECKS", "BUILTIN_MODULES", "Check", "builtin_checks"]
