"""Which checks exist: the built-in list, the ``readiness.checks`` entry points, ``plugins:``.

Plugins load once, in a sorted and deterministic order; one that fails to load is named in a
``PluginError`` (exit 2) rather than silently dropped.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from readiness.checks import builtin_checks
from readiness.checks.base import Check

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "readiness.checks"


class PluginError(Exception):
    pass


def _checks_from(obj: object, origin: str) -> list[type[Check]]:
    if isinstance(obj, type) and issubclass(obj, Check):
        return [obj]
    candidates = getattr(obj, "CHECKS", obj)
    try:
        items = list(candidates)  # type: ignore[call-overload]
    except TypeError:
        raise PluginError(f"plugin {origin}: expected a Check class or a CHECKS list") from None
    for item in items:
        if not (isinstance(item, type) and issubclass(item, Check)):
            raise PluginError(f"plugin {origin}: {item!r} is not a Check subclass")
    return items


def _installed_under(ep: EntryPoint, root: Path) -> bool:
    """Whether the distribution behind ``ep`` sits inside ``root`` (a dist-info the scanned tree planted)."""
    dist = getattr(ep, "dist", None)
    if dist is None:
        return False
    try:
        location = Path(str(dist.locate_file(""))).resolve()
    except (OSError, RuntimeError, ValueError):
        return True  # cannot tell where it is: do not trust it
    return location == root or location.is_relative_to(root)


def load_checks(
    plugins: Iterable[str] = (), *, use_entry_points: bool = True, untrusted_root: Path | None = None,
) -> list[type[Check]]:
    """Built-in checks, installed entry points and the named plugin modules.

    ``untrusted_root`` is the scanned tree: entry points installed under it are skipped, and no
    plugin is ever a ``__main__`` module (that would run a script rather than load checks).
    """
    found: list[type[Check]] = list(builtin_checks())
    root = untrusted_root.resolve() if untrusted_root is not None else None
    for name in plugins:
        if name == "__main__" or name.endswith(".__main__"):
            raise PluginError(f"plugin module '{name}' refused: a __main__ module runs a program, it holds no checks")
    if use_entry_points:
        from readiness import entry_points

        for ep in sorted(entry_points.group(ENTRY_POINT_GROUP), key=lambda e: e.name):
            if root is not None and _installed_under(ep, root):
                continue
            if ep.module == "__main__" or ep.module.endswith(".__main__"):
                continue
            try:
                loaded = ep.load()
            except Exception as exc:  # a broken plugin must be named, whatever it raised
                raise PluginError(f"plugin '{ep.name}' ({ep.value}) failed to load: {exc}") from None
            found.extend(_checks_from(loaded, f"'{ep.name}'"))
    for name in plugins:
        try:
            module = importlib.import_module(name)
        except Exception as exc:
            raise PluginError(f"plugin module '{name}' failed to load: {exc}") from None
        found.extend(_checks_from(module, f"'{name}'"))
    seen: dict[str, type[Check]] = {}
    for check in found:
        other = seen.get(check.id)
        if other is not None and other is not check:
            raise PluginError(f"check id '{check.id}' is defined twice ({other.__module__}, {check.__module__})")
        seen[check.id] = check
    return list(seen.values())
