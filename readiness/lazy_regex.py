"""Regular expressions compiled on first use.

The check modules hold a few hundred module-level patterns; compiling them all at import cost
about a fifth of a second on every start, which the pre-commit hook and a warm rescan pay
although most patterns are never used. A pattern from ``lazy_compile`` compiles when a method
is first looked up, then binds the compiled pattern's methods to itself, so later calls cost
what a compiled pattern's do.
"""

from __future__ import annotations

import re
from typing import Any, cast

_BOUND = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
          "pattern", "flags", "groups", "groupindex")


class LazyPattern:
    """A stand-in for ``re.Pattern`` until it is used."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:  # only for attributes not bound yet
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attribute in _BOUND:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` deferred to the first use; typed as the pattern it stands for."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))


class AnyOf:
    """Alternatives searched one at a time, each only when a literal it cannot match without is
    in the text: one alternation with no common prefix is tried at every position of a large
    file, while most files hold none of the literals."""

    def __init__(self, *parts: tuple[str, str | None], flags: int = 0) -> None:
        self._parts = tuple((literal, lazy_compile(pattern, flags) if pattern else None) for literal, pattern in parts)

    def found_in(self, text: str) -> bool:
        return any(literal in text and (pattern is None or pattern.search(text) is not None)
                   for literal, pattern in self._parts)
