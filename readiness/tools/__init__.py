"""Helpers shared by several checks: external engines (ruff, bandit) and small AST utilities."""

from __future__ import annotations

import os
import sys
from typing import Sequence

MEMORY_LIMIT_ENV = "READINESS_MEMORY_LIMIT_MB"
DEFAULT_MEMORY_LIMIT_MB = 4096


def memory_limit_bytes() -> int | None:
    """The address-space limit for workers and engine subprocesses (``READINESS_MEMORY_LIMIT_MB``, 0 for none)."""
    raw = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    try:
        megabytes = int(raw) if raw else DEFAULT_MEMORY_LIMIT_MB
    except ValueError:
        megabytes = DEFAULT_MEMORY_LIMIT_MB
    return megabytes * 1024 * 1024 if megabytes > 0 else None


def limit_memory(limit: int | None = None) -> None:
    """Cap this process's address space, so one hostile file fails with MemoryError in its worker
    instead of exhausting the machine. Never raises: without ``resource`` there is no cap."""
    limit = memory_limit_bytes() if limit is None else limit
    if not limit:
        return
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY and hard < limit:
            limit = hard
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not POSIX, or not permitted
        pass


# Run as ``python -I -S -c _LIMITED <bytes> <argv...>``: sets the address-space limit, then
# becomes the engine. A limit set in the child itself, not via ``preexec_fn``, which is unsafe
# in a process with threads (the engines run from a thread pool).
_LIMITED = (
    "import os, sys\n"
    "try:\n"
    "    import resource\n"
    "    hard = resource.getrlimit(resource.RLIMIT_AS)[1]\n"
    "    want = int(sys.argv[1])\n"
    "    resource.setrlimit(resource.RLIMIT_AS, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))\n"
    "except (ImportError, ValueError, OSError):\n"
    "    pass\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def memory_limited(argv: Sequence[str]) -> list[str]:
    """``argv`` wrapped so the engine runs under the scan's memory limit (``READINESS_MEMORY_LIMIT_MB``).

    One hostile file then makes the engine fail on that file (and the batch is bisected)
    instead of swapping the machine to a halt.
    """
    limit = memory_limit_bytes()
    if not limit or sys.platform == "win32":
        return list(argv)
    return [sys.executable, "-I", "-S", "-c", _LIMITED, str(limit), *argv]
