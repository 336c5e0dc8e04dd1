"""Live checks against a deployed HTTP service."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
