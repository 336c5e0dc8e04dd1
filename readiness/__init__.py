"""readiness: how close a Python service is to production, as a scored matrix."""

from __future__ import annotations

__version__ = "0.1.0"
