"""Security audit checks: SAST findings, dependency scanning, SAST and DAST in CI."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
