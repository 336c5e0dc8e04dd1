"""Error handling checks: swallowed exceptions and framework error handlers."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
