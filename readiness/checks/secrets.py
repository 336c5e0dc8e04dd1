"""Secrets management checks: default and hardcoded secrets, secrets managers, rotation."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
