"""The built-in categories (SPEC §2); ids are stable, names and targets are defaults."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    target: float
    weight: float = 1.0


BUILTIN_CATEGORIES: tuple[Category, ...] = (
    Category("database-security", "Database Security", 100),
    Category("error-handling", "Error Handling & Resilience", 100),
    Category("monitoring", "Monitoring & Metrics", 100),
    Category("testing", "Testing Coverage", 70),
    Category("secrets", "Secrets Management", 100),
    Category("tracing", "Distributed Tracing", 100),
    Category("db-transactions", "Database Transactions", 100),
    Category("code-quality", "Code Quality", 80),
    Category("api", "API Improvements", 85),
    Category("external-api", "External API Resilience", 90),
    Category("performance", "Performance & Load Testing", 100),
    Category("security-audit", "Security Audit", 100),
    Category("disaster-recovery", "Disaster Recovery", 100),
)

CATEGORY_IDS = tuple(c.id for c in BUILTIN_CATEGORIES)
