"""What a piece of the repository phase used: the files it read and the project totals it asked for.

A check's result is reused on a rescan only when nothing it used has changed
(``readiness.check_reuse``). Uses are noted where every one passes: ``project.open_inside`` for
files, and the project's own caches (texts, text facts, shared tool results, line totals) for
answers given without a read. Recording is per thread, so work running alongside on another
thread is not mistaken for the check's.
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
UNKNOWN = "\0unknown"  # something was used whose inputs are not known: never reuse
_local = threading.local()
_fact_values: dict[str, Any] = {}  # fact key -> the value the current scan gave


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


def recorded(compute: Callable[[], T]) -> tuple[T, frozenset[str]]:
    """``compute()`` and what it used (also noted for the blocks recording around it)."""
    with recording() as used:
        value = compute()
    return value, frozenset(used)


def fact_key(rel: str, name: str, compute: Callable[[str], Any]) -> str | None:
    """The key a text fact's use is noted by; None when its function cannot be found again by a later
    scan (a lambda, a closure), so that the use counts as a read of the file."""
    where = _where(compute)
    return None if where is None else f"{rel}\0{name}\0{where}"


def note_fact(key: str, value: Any) -> None:
    """A pure function of one file's text was used and gave ``value``: when the file changes, the use
    still stands if the function gives the same value for the new text."""
    _fact_values[key] = value
    note(key)


def fact_value(key: str) -> Any:
    return _fact_values.get(key)


def split_fact(key: str) -> tuple[str, str, Callable[[str], Any]] | None:
    """(file, fact name, function) of a fact's key, or None for a plain read or a function now missing."""
    parts = key.split("\0")
    if len(parts) != 3:
        return None
    rel, name, where = parts
    module, _, qualname = where.partition(":")
    target: Any = sys.modules.get(module)
    for part in qualname.split("."):
        target = getattr(target, part, None)
    return (rel, name, target) if callable(target) and _where(target) == where else None


def _where(compute: Callable[[str], Any]) -> str | None:
    qualname = getattr(compute, "__qualname__", "")
    module = getattr(compute, "__module__", None)
    if not module or not qualname or "<" in qualname or getattr(compute, "__closure__", None):
        return None
    return f"{module}:{qualname}"


@contextmanager
def unnoted() -> Iterator[None]:
    """Uses inside the block are not noted: the caller notes what they amount to (``note_fact``)."""
    saved = _active()
    _local.active = []
    try:
        yield
    finally:
        _local.active = saved
