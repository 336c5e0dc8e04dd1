"""API checks: versioning, pagination, rate limiting, filtering and sorting."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
