"""Database security checks: NoSQL injection, query validation, tenant isolation."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
