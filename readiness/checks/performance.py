"""Performance checks: load tests, benchmarks and container capacity limits."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
