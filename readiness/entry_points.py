"""Installed entry points of one group, without importing ``importlib.metadata`` when none can exist.

``importlib.metadata`` costs tens of milliseconds to import and to read every installed
distribution, on every run. Most installations register nothing for our groups, and that is
quick to rule out: no ``entry_points.txt`` on the path names the group. When one might (a
file names it, or the path holds something only ``importlib.metadata`` can read: a zip, a
finder of its own that lists distributions), the answer is ``importlib.metadata``'s.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_METADATA_SUFFIXES = (".dist-info", ".egg-info")


def group(name: str) -> list[Any]:
    """The entry points registered under ``name`` (``importlib.metadata.EntryPoint`` objects)."""
    if not _may_register(name):
        return []
    from importlib.metadata import entry_points

    return list(entry_points(group=name))


def _may_register(name: str) -> bool:
    """Whether any installed distribution might register entry points under ``name``."""
    from importlib.machinery import PathFinder

    if any(getattr(finder, "find_distributions", None) is not None and finder is not PathFinder
           for finder in sys.meta_path):
        return True  # another finder lists distributions of its own: only it can say what they hold
    needle = name.encode()
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True  # a zip on the path: its distributions are read by importlib.metadata
        except OSError:
            continue  # missing or unreadable: importlib.metadata finds nothing there either
        for child in names:
            if not child.endswith(_METADATA_SUFFIXES):
                continue
            try:
                with open(os.path.join(folder, child, "entry_points.txt"), "rb") as handle:
                    if needle in handle.read():
                        return True
            except OSError:
                continue  # no entry points file (or an egg-info that is a file): registers nothing
    return False
