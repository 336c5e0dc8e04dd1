"""What a path says about a file's role: test, script, settings module, entry point."""

from __future__ import annotations

import re

_TEST_RE = re.compile(r"(^|/)(tests?|testing|test_\w+)/|(^|/)(test_[^/]*|[^/]*_test|conftest)\.py$")
_SCRIPT_RE = re.compile(r"(^|/)(scripts?|bin|tools|examples?|docs?|bench(marks?)?)/")
_SETTINGS_RE = re.compile(r"(^|/)(settings|config|configuration|conf|constants|defaults)(/|[^/]*\.py$)")


def is_test_path(path: str) -> bool:
    return bool(_TEST_RE.search(path))


def is_script_path(path: str) -> bool:
    return bool(_SCRIPT_RE.search(path)) or path.endswith("__main__.py") or path in ("setup.py", "noxfile.py")


def is_settings_path(path: str) -> bool:
    return bool(_SETTINGS_RE.search(path))


def is_application_path(path: str) -> bool:
    """Code that runs in the service: not tests, scripts, examples or docs."""
    return not (is_test_path(path) or is_script_path(path))
