"""Disaster recovery checks: backup jobs, restores, verification and runbooks."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
