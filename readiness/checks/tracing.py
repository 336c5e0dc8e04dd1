"""Distributed tracing checks: OpenTelemetry SDK, instrumentation and exporters."""

from __future__ import annotations

from readiness.checks.base import Check

CHECKS: list[type[Check]] = []
