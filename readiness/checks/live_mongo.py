"""Live checks against a MongoDB deployment."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
