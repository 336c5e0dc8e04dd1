"""What a path says about a file's role: test, script, settings module, entry point.

The roles themselves live in ``readiness.roles``; these helpers are the path-only view of them
that checks with a simple service/non-service question use.
"""

from __future__ import annotations

import re

from readiness.lazy_regex import lazy_compile
from readiness.roles import CLI, FIXTURE, INFRASTRUCTURE, MIGRATION, SERVICE, TEST, path_role

# Config.py and Settings.py too: a module named for settings, whatever its case
_SETTINGS_RE = lazy_compile(r"(^|/)([^/]*[_-])?(settings|config|configuration|conf|constants|defaults)(/|[^/]*\.py$)",
                            re.IGNORECASE)


def is_test_path(path: str) -> bool:
    """Tests and their data (fixtures, sample reports)."""
    return path_role(path) in (TEST, FIXTURE)


def is_script_path(path: str) -> bool:
    """Code around the service that is neither a test nor the service: scripts, CLI, migrations, docs."""
    return path_role(path) not in (SERVICE, TEST, FIXTURE)


def is_settings_path(path: str) -> bool:
    return bool(_SETTINGS_RE.search(path))


def is_application_path(path: str) -> bool:
    """Files that describe the running service: not tests, fixtures, scripts, examples, docs or vendored code.

    Broader than the ``service`` role: migrations, CLI modules and deployment files still tell
    what the service uses. Count checks ask ``readiness.roles`` for the service role itself.
    """
    return path_role(path) in (SERVICE, MIGRATION, CLI, INFRASTRUCTURE) and not path.endswith("__main__.py")
