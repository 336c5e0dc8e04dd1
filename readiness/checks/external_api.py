"""External API resilience checks: timeouts, retries, circuit breakers, idempotency."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
