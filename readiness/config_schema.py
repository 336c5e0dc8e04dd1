"""The configuration schema: one declarative description used to validate ``readiness.yaml``
and to generate its reference documentation and the commented file ``readiness init`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Field:
    type: str  # str, int, number, bool, list[str], map, dict, list[map], any, str|list[str]
    doc: str
    default: Any = None
    fields: dict[str, Field] = field(default_factory=dict)  # for map / list[map]
    values: Field | None = None  # for dict: the spec of every value
    keys: str = ""  # for dict: "check", "category" or "" (free keys)
    choices: tuple[str, ...] = ()
    required: tuple[str, ...] = ()  # for map / list[map]: keys that must be present


def _f(type_: str, doc: str, default: Any = None, **kw: Any) -> Field:
    return Field(type_, doc, default, **kw)


CHECK_ENTRY = _f("map", "Settings of one check.", fields={
    "enabled": _f("bool", "Run this check.", True),
    "severity": _f("str", "Override the check's severity.", None,
                   choices=("critical", "high", "medium", "low")),
    "pass_at": _f("number", "Score (percent) at which the check passes; default 100 for critical checks, 90 "
                  "for the others (a check with its own target, such as coverage, passes at that target).", None),
    "options": _f("dict", "Check-specific options (see `readiness explain ID`).", {},
                  values=_f("any", "")),
    "ignore": _f("list[map]", "Suppress this check's findings in matching paths.", [], required=("path", "reason"), fields={
        "path": _f("str", "A path glob, relative to the scanned root."),
        "reason": _f("str", "Why these findings are accepted."),
    }),
})

CATEGORY_ENTRY = _f("map", "Settings of one category (or a new one).", fields={
    "name": _f("str", "Display name."),
    "target": _f("number", "Target percentage."),
    "weight": _f("number", "Weight in the overall score.", 1.0),
    "enabled": _f("bool", "Score this category.", True),
})

HTTP = _f("map", "A deployed HTTP service to probe.", fields={
    "base_url": _f("str", "Base URL, e.g. https://orders.example.com."),
    "health": _f("str|list[str]", "Health and readiness paths.", ["/health"]),
    "metrics": _f("str", "Prometheus metrics path.", None),
    "timeout": _f("number", "Connect and read timeout in seconds.", 5),
    "deadline": _f("number", "Most seconds one whole response may take, body included (default: twice timeout).", None),
    "max_body_bytes": _f("int", "Most bytes read from one response body.", 1024 * 1024),
    "latency_budget_ms": _f("number", "Slowest acceptable health answer, in ms.", 1000),
    "headers": _f("dict", "Extra request headers (values may be ${VAR}); never reported.", {},
                  values=_f("str", "")),
    "verify_tls": _f("bool", "Verify TLS certificates.", True),
    "ca_bundle": _f("str", "A CA bundle to verify against.", None),
    "min_tls_days": _f("int", "Fewest days a certificate may have left.", 14),
    "rate_limit": _f("map", "A bounded burst to probe rate limiting.", None, fields={
        "path": _f("str", "Path to send the burst to."),
        "burst": _f("int", "Most requests sent (small; the probe stops at the first sign of a limit).", 10),
        "duration": _f("number", "Seconds to spread the burst over.", 2),
        "method": _f("str", "HTTP method (safe methods only).", "GET", choices=("GET", "HEAD", "OPTIONS")),
    }),
})

MONGODB = _f("map", "A MongoDB deployment to probe.", fields={
    "uri": _f("str", "Connection string; use ${VAR}, credentials are redacted."),
    "timeout": _f("number", "Server selection and socket timeout in seconds.", 3),
    "min_version": _f("str", "Oldest supported server version.", "6.0"),
    "tls": _f("bool", "Expect TLS (false: mongo-tls is n/a, e.g. behind a mesh that encrypts).", None),
})

BACKUP = _f("list[map]", "Backup locations to check for freshness and integrity.", [], fields={
    "path": _f("str", "A file glob (relative paths from the scanned root); the newest match is examined."),
    "pbm": _f("bool", "Read Percona Backup for MongoDB metadata (admin.pbmBackups).", False),
    "max_age": _f("str", "Oldest acceptable backup: number with s, m, h or d.", "26h"),
    "verify": _f("bool", "Also check that the newest archive is readable.", False),
    "order": _f("str", "How to pick the newest file: modification time, or a timestamp in the name "
                "(2024-05-01T02-00-00, 20240501-0200).", "mtime", choices=("mtime", "name")),
    "max_bytes": _f("int", "Most bytes backup-integrity reads.", 512 * 1024 * 1024),
    "max_seconds": _f("number", "Most seconds backup-integrity spends.", 30),
})

PATHS = _f("map", "Override the role of files (see `readiness explain roles`): path globs per role. "
           "Count checks judge `service` files only; the first matching glob wins over the built-in layout rules.",
           None, fields={
    "service": _f("list[str]", "Globs of files that are the running service, whatever their path looks like.", []),
    "tests": _f("list[str]", "Globs of tests.", []),
    "scripts": _f("list[str]", "Globs of one-off scripts and tools.", []),
    "migrations": _f("list[str]", "Globs of database migrations.", []),
    "cli": _f("list[str]", "Globs of command-line entry points and commands.", []),
    "examples": _f("list[str]", "Globs of examples and documentation code.", []),
    "fixtures": _f("list[str]", "Globs of test data and sample files.", []),
    "generated": _f("list[str]", "Globs of generated or vendored code.", []),
    "loadtests": _f("list[str]", "Globs of load tests.", []),
    "infrastructure": _f("list[str]", "Globs of deployment and CI code.", []),
})

SCHEMA: dict[str, Field] = {
    "include": _f("list[str]", "Globs of files to scan (relative to the root).", ["**/*"]),
    "exclude": _f("list[str]", "Globs of files and directories to skip.", []),
    "respect_gitignore": _f("bool", "Skip what the repository's .gitignore ignores.", True),
    "paths": PATHS,
    "target": _f("number", "Overall target percentage.", 80),
    "fail_under": _f("number", "Fail (exit 1) when the overall score is below this.", None),
    "fail_on_targets": _f("bool", "Fail when any category is below its target.", False),
    "select": _f("list[str]", "Run only these checks or categories.", []),
    "ignore": _f("list[str]", "Do not run these checks or categories.", []),
    "severity_weights": _f("map", "Weight of each severity in a category score.", None, fields={
        "critical": _f("number", "", 4), "high": _f("number", "", 3),
        "medium": _f("number", "", 2), "low": _f("number", "", 1),
    }),
    "categories": _f("dict", "Per-category targets, weights, names; new categories.", {},
                     values=CATEGORY_ENTRY, keys="category"),
    "checks": _f("dict", "Per-check settings.", {}, values=CHECK_ENTRY, keys="check"),
    "environment": _f("map", "The live environment (see `readiness explain live-health`).",
                      None, fields={"http": HTTP, "mongodb": MONGODB, "backups": BACKUP}),
    "plugins": _f("list[str]", "Modules to import that define checks (CHECKS list).", []),
    "history": _f("map", "Where scans are remembered for the trend.", None, fields={
        "enabled": _f("bool", "Append each scan to the history.", True),
        "path": _f("str", "History store.", ".readiness/history.sqlite"),
    }),
    "cache": _f("map", "Per-file result cache.", None, fields={
        "enabled": _f("bool", "Use the cache.", True),
        "path": _f("str", "Cache directory.", ".readiness/cache"),
    }),
    "coverage": _f("str|list[str]", "Coverage data produced elsewhere, e.g. downloaded from CI: coverage.xml "
                   "(Cobertura), coverage.json or a .coverage database, relative to the scanned root.", []),
    "jobs": _f("int", "Worker processes (0: all cores).", 0),
    "report": _f("map", "Options of the human reports.", None, fields={
        "team_size": _f("int", "Engineers working on the plan, for the time estimate.", 2),
        "title": _f("str", "Report title.", None),
    }),
    "fix": _f("map", "Options of `readiness fix`.", None, fields={
        "http_timeout": _f("number", "Timeout added to HTTP calls, in seconds.", 10),
    }),
}
