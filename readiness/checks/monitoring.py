"""Monitoring checks: metrics, health endpoints, structured logs, correlation ids."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
