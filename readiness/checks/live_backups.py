"""Live checks of backup freshness and integrity."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
