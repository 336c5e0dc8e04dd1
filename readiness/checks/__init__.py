"""The built-in checks, listed explicitly: one module per category or concern."""

from __future__ import annotations

from readiness.checks import (
    api,
    ci_lint,
    code_quality,
    database_security,
    db_transactions,
    disaster_recovery,
    error_handling,
    external_api,
    live_backups,
    live_http,
    live_mongo,
    monitoring,
    performance,
    secrets,
    security_audit,
    suppressions,
    testing,
    tracing,
)
from readiness.checks.base import Check

BUILTIN_CHECKS: tuple[type[Check], ...] = (
    *code_quality.CHECKS,
    *suppressions.CHECKS,
    *ci_lint.CHECKS,
    *secrets.CHECKS,
    *external_api.CHECKS,
    *error_handling.CHECKS,
    *monitoring.CHECKS,
    *tracing.CHECKS,
    *database_security.CHECKS,
    *db_transactions.CHECKS,
    *api.CHECKS,
    *testing.CHECKS,
    *performance.CHECKS,
    *security_audit.CHECKS,
    *disaster_recovery.CHECKS,
    *live_http.CHECKS,
    *live_mongo.CHECKS,
    *live_backups.CHECKS,
)

__all__ = ["BUILTIN_CHECKS", "Check"]
