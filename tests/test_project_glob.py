"""``Project.glob`` passes most files over by a substring test before its regex: the files it
returns must be exactly those the globs match, whatever the patterns hold."""

from __future__ import annotations

import fnmatch
import itertools
import re
from pathlib import Path

from readiness.project import Project

PATTERNS = [
    ("**/*.yml", "**/*.yaml"), ("*.md",), ("requirements*.txt", "requirements/*.txt", "**/requirements*dev*.txt"),
    ("**/.env", "**/.env.*", "**/*.env"), ("**/templates/500.html",), ("cypress/**",), ("**/playwright.config.*",),
    ("*/x",), ("*",), ("**/Dockerfile*",), ("**/*Simulation.scala", "**/*.jmx"), ("ci/[ab]*.yml",), ("?.py",),
]
NAMES = ["a.yml", "b.yaml", "README.md", "requirements.txt", "requirements-dev.txt", "dev.txt", ".env", ".env.local",
         "prod.env", "500.html", "playwright.config.ts", "x", "Dockerfile", "Dockerfile.prod", "LoadSimulation.scala",
         "plan.jmx", "a.py", "ab.py"]
FOLDERS = ["", "docs/", "requirements/", "templates/", "app/templates/", "cypress/e2e/", "ci/", "a/"]


def _expected(files: list[str], patterns: tuple[str, ...]) -> list[str]:
    regexes = [fnmatch.translate(p) for p in patterns] + [fnmatch.translate(p[3:]) for p in patterns if p.startswith("**/")]
    return [f for f in files if any(re.match(r, f) for r in regexes)]


def test_glob_returns_exactly_what_the_patterns_match(tmp_path: Path) -> None:
    files = sorted(folder + name for folder, name in itertools.product(FOLDERS, NAMES))
    project = Project(root=tmp_path, files=tuple(files), python_files=(), lines=0)
    for patterns in PATTERNS:
        assert project.glob(*patterns) == _expected(files, patterns), patterns
    assert project.glob("**/.env") == sorted(f + ".env" for f in FOLDERS)
