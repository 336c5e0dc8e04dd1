"""``python -m readiness``: the console script, minus the working directory that ``-m`` puts first on
``sys.path``. In CI that directory is the scanned repository, and nothing in it may shadow a library or
pose as a plugin; a directory the user names in ``PYTHONPATH`` stays (like ``python -P``)."""

import os
import sys

if not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", os.getcwd()):
    if sys.path[0] not in [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]:
        del sys.path[0]

from readiness.console import main  # noqa: E402

main()
