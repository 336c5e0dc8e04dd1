"""The repository as the whole-project phase of checks sees it.

Python sources are analysed per file (in workers); what stays here is the file list, the
imports of every Python file, and cached, size-capped reads of the other repository files
(CI configs, manifests, docs), so several checks reading the same workflow read it once.
"""

from __future__ import annotations

import fnmatch
import re
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

import yaml

MAX_TEXT_BYTES = 2 * 1024 * 1024
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: same results, far faster
T = TypeVar("T")


@dataclass
class Project:
    root: Path
    files: tuple[str, ...]  # every discovered file, relative with '/', sorted
    python_files: tuple[str, ...]
    lines: int
    app_lines: int = 0  # lines outside tests and scripts
    imports: dict[str, frozenset[str]] = field(default_factory=dict)  # path -> modules
    digests: dict[str, str] = field(default_factory=dict)  # path -> content hash of each Python file
    settings: Any = None  # the validated configuration
    suppressor: Any = None  # readiness.suppression.Suppressor, set by the engine
    suppression_report: dict[str, Any] = field(default_factory=dict)  # for checks that run last
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    _yaml: dict[str, tuple[list[Any], str | None]] = field(default_factory=dict, repr=False)
    _tools: dict[str, Any] = field(default_factory=dict, repr=False)
    _globs: dict[tuple[str, ...], list[str]] = field(default_factory=dict, repr=False)

    # -- external engines (ruff, bandit) -----------------------------------------------
    def tool(self, name: str, run: Callable[[Project], T]) -> T:
        """The result of an external engine over the project, computed once per scan.

        The engine may have started it early (a Future) so it runs alongside the per-file work.
        """
        if name not in self._tools:
            self._tools[name] = run(self)
        value = self._tools[name]
        if isinstance(value, Future):
            value = value.result()
            self._tools[name] = value
        return value  # type: ignore[no-any-return]

    # -- file access -------------------------------------------------------------------
    def read_text(self, rel: str) -> str | None:
        """The file's text, or None when it is missing, binary, too large or unreadable."""
        if rel not in self._texts:
            self._texts[rel] = _read_capped(self.root / rel)
        return self._texts[rel]

    def yaml_documents(self, rel: str) -> tuple[list[Any], str | None]:
        """All YAML documents of a file (safe loader) and an error message if it is broken."""
        if rel not in self._yaml:
            text = self.read_text(rel)
            docs: list[Any] = []
            error: str | None = None
            if text is None:
                error = "unreadable"
            else:
                try:
                    for doc in yaml.load_all(text, Loader=_SAFE_LOADER):
                        docs.append(doc)
                except yaml.YAMLError as exc:
                    mark = getattr(exc, "problem_mark", None)
                    where = f" at line {mark.line + 1}" if mark is not None else ""
                    error = f"malformed YAML{where}"
                except RecursionError:
                    error = "YAML nested too deeply"
            self._yaml[rel] = (docs, error)
        return self._yaml[rel]

    def glob(self, *patterns: str) -> list[str]:
        """Discovered files matching any pattern (``*`` crosses directories, as in fnmatch)."""
        key = tuple(patterns)
        if key not in self._globs:
            regex = _glob_regex(key)
            self._globs[key] = [f for f in self.files if regex.match(f)]
        return list(self._globs[key])

    # -- imports -----------------------------------------------------------------------
    @cached_property
    def all_imports(self) -> frozenset[str]:
        out: set[str] = set()
        for names in self.imports.values():
            out |= names
        return frozenset(out)

    def files_importing(self, *modules: str) -> list[str]:
        wanted = set(modules)
        return [path for path, names in sorted(self.imports.items()) if names & wanted]

    def uses(self, *modules: str) -> bool:
        return bool(self.all_imports & set(modules))

    def texts(self, rels: Iterable[str]) -> Iterable[tuple[str, str]]:
        for rel in rels:
            text = self.read_text(rel)
            if text is not None:
                yield rel, text


@lru_cache(maxsize=512)
def _glob_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a set of globs; ``**/x`` also matches ``x`` at the root."""
    parts = []
    for pattern in patterns:
        parts.append(fnmatch.translate(pattern))
        if pattern.startswith("**/"):
            parts.append(fnmatch.translate(pattern[3:]))
    return re.compile("|".join(f"(?:{p})" for p in parts))


def _read_capped(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_TEXT_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_TEXT_BYTES or b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")
