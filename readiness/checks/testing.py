"""Testing checks: coverage, enforced thresholds, the kinds of test suites present."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
