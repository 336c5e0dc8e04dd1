"""What a piece of the repository phase used: the files it read and the project totals it asked for.

A check's result is reused on a rescan only when nothing it used has changed
(``readiness.check_reuse``). Uses are noted where every one passes: ``project.open_inside`` for
files, and the project's own caches (texts, text facts, shared tool results, line totals) for
answers given without a read. Recording is per thread, so work running alongside on another
thread is not mistaken for the check's.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterable, Iterator

UNKNOWN = "\0unknown"  # something was used whose inputs are not known: never reuse
_local = threading.local()


def _active() -> list[set[str]]:
    active = getattr(_local, "active", None)
    if active is None:
        active = _local.active = []
    return active  # type: ignore[no-any-return]


def note(key: str) -> None:
    """A file (its path relative to the root) or a project total ("\\0lines") was used."""
    for used in _active():
        used.add(key)


def note_all(keys: Iterable[str]) -> None:
    active = _active()
    if active:
        keys = tuple(keys)
        for used in active:
            used.update(keys)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect what this thread uses inside the block (nested blocks also report to the outer ones)."""
    used: set[str] = set()
    active = _active()
    active.append(used)
    try:
        yield used
    finally:
        for index in range(len(active) - 1, -1, -1):  # by identity: an equal set may be another block's
            if active[index] is used:
                del active[index]
                break
