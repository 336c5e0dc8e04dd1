"""Reporters: one module per format, each with ``render(doc, out, context)``.

Reporters render the JSON result document (SPEC §7), not live objects, so a saved result
re-renders exactly as the scan that produced it. Third-party formats arrive through the
``readiness.reports`` entry-point group.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO

ENTRY_POINT_GROUP = "readiness.reports"

# format name -> module inside readiness.reports
BUILTIN_FORMATS: dict[str, str] = {
    "terminal": "terminal",
    "json": "json_result",
    "markdown": "markdown",
    "html": "html",
    "sarif": "sarif",
    "junit": "junit",
    "github": "github",
    "gitlab": "gitlab",
}
EXTENSIONS: dict[str, str] = {
    ".json": "json",
    ".txt": "terminal",
    ".md": "markdown",
    ".html": "html",
    ".htm": "html",
    ".sarif": "sarif",
    ".sarif.json": "sarif",
    ".xml": "junit",
    ".junit.xml": "junit",
    ".codequality.json": "gitlab",
    ".gl-code-quality.json": "gitlab",
}

Renderer = Callable[[dict[str, Any], TextIO, "ReportContext"], None]


@dataclass
class ReportContext:
    """What a reporter may need beyond the result: check metadata, history, presentation."""

    catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)  # check id -> metadata
    previous: dict[str, Any] | None = None  # the previous scan's summary, for the trend
    history: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    color: bool = False
    width: int | None = None
    top: int = 15
    options: dict[str, Any] = field(default_factory=dict)


class UnknownFormat(Exception):
    pass


def available_formats() -> list[str]:
    names = set(BUILTIN_FORMATS)
    names.update(ep.name for ep in _entry_points())
    return sorted(names)


def is_format(name: str) -> bool:
    """Whether a format is known; the installed distributions are read only for a name that is not built in."""
    return name in BUILTIN_FORMATS or name in available_formats()


def _entry_points() -> Any:
    from readiness import entry_points

    return entry_points.group(ENTRY_POINT_GROUP)


def get_renderer(name: str) -> Renderer:
    module_name = BUILTIN_FORMATS.get(name)
    if module_name is not None:
        module = importlib.import_module(f"readiness.reports.{module_name}")
        return module.render  # type: ignore[no-any-return]
    for ep in _entry_points():
        if ep.name == name:
            return ep.load()  # type: ignore[no-any-return]
    raise unknown_format(name)


def unknown_format(name: str) -> UnknownFormat:
    """The error for a format name nobody registered, with the closest known one."""
    import difflib

    known = available_formats()
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return UnknownFormat(f"unknown format '{name}'{hint} (known: {', '.join(known)})")


def format_for_path(path: str) -> str:
    lowered = path.lower()
    for suffix, name in sorted(EXTENSIONS.items(), key=lambda kv: -len(kv[0])):
        if lowered.endswith(suffix):
            return name
    raise UnknownFormat(f"cannot tell the format of '{path}' from its extension (use one of: "
                        f"{', '.join(sorted(EXTENSIONS))})")


def partial_notice(doc: dict[str, Any]) -> str | None:
    """The sentence every human report opens with when the result does not cover the whole tree."""
    if not doc.get("partial"):
        return None
    parts = []
    unread = doc.get("unread")
    if unread:
        files = unread["files"]
        parts.append(
            f"{files} Python file{'s were' if files != 1 else ' was'} not read: {'they use' if files != 1 else 'it uses'} "
            f"Python {unread['python']} syntax that Python {unread['running']} cannot parse "
            f"(run readiness under Python {unread['python']} or newer)"
        )
    if doc.get("timed_out"):
        parts.append(f"{doc['timed_out']} files or checks were cut short by --timeout")
    return "Partial result: " + "; ".join(parts) + "."
