"""Database transaction checks: multi-document writes, retries, timeouts, pools."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
