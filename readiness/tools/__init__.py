"""Helpers shared by several checks: external engines (ruff) and small AST utilities."""
