"""Facts the repository phase derives from one file's text, kept per file across scans.

Checks that look at every test module, every source file or every document (which kinds of
test suite, a benchmark, a restore command, a runbook step) ask for a *fact*: a pure function
of one file's path and text, named by the caller. A fact is stored with the file's stat
signature and, for a Python file, its content digest, so a rescan with one file changed
reads and recomputes the facts of that file only; every other file is answered without being
opened. The store's key holds the tool's code (``phase_cache.code_digest``), so a changed
fact function never reads stale values. A file that changed within the timestamp window of
the scan (see ``readiness.fileindex``) is not stored: its signature cannot prove a later change.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, TypeVar

from readiness.cache import Cache, plan_key
from readiness.cache_codec import Pending

if TYPE_CHECKING:
    from readiness.project import Project

T = TypeVar("T")
_NAME = "facts"
_Entry = tuple[tuple[Any, str], dict[str, Any]]  # ((signature as a list or None, content digest or ""), name -> fact)


class FactStore:
    """Per-file facts of one root, loaded on first use and saved when any changed."""

    def __init__(
        self, cache: Cache | None, root: str, signatures: Mapping[str, Any], digests: Mapping[str, str],
        racy: Callable[[str], bool],
    ) -> None:
        self.cache = cache
        self.signatures = signatures  # path -> stat signature taken at the start of the scan
        self.digests = digests  # path -> content digest of each Python file (filled by the per-file phase)
        self.racy = racy
        self._root = root
        self._stored: dict[str, Any] | None = None
        self._current: dict[str, _Entry] = {}  # path -> entry valid for this scan (checked or recomputed)
        self._changed = False

    def _load(self) -> dict[str, Any]:
        if self._stored is None:
            from readiness.phase_cache import code_digest

            self._key = plan_key(["file-facts", self._root, code_digest(())])
            # each file's facts are decoded when asked for: a rescan asks for those of the files that changed
            self._stored = self.cache.load(_NAME, self._key, lazy=True) if self.cache is not None else {}
        return self._stored

    def _stored_entry(self, rel: str) -> Any:
        stored = self._load().get(rel)
        if isinstance(stored, Pending):
            try:
                stored = stored.value()
            except ValueError:
                stored = None
            self._load()[rel] = stored  # decoded once; an entry saved unchanged keeps its line
        return stored

    def _entry(self, rel: str) -> _Entry:
        entry = self._current.get(rel)
        if entry is not None:
            return entry
        current = self.signatures.get(rel)
        signature = list(current) if current is not None else None
        digest = self.digests.get(rel, "")
        stored = self._stored_entry(rel)
        valid = (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], tuple)
                 and len(stored[0]) == 2 and isinstance(stored[1], dict))
        if valid and digest and stored[0][1]:
            valid = stored[0][1] == digest  # a Python file: its content decides, whatever its times
        elif valid:
            valid = signature is not None and stored[0][0] == signature
        if valid and stored[0] == (signature, digest):
            entry = stored
        else:
            entry = ((signature, digest), stored[1] if valid else {})
            self._changed = True
        self._current[rel] = entry
        return entry

    def fact(self, name: str, rel: str, compute: Callable[[], T]) -> T:
        """The fact ``name`` of ``rel``: stored when the file is unchanged, else ``compute()``."""
        entry = self._entry(rel)
        facts = entry[1]
        if name in facts:
            return facts[name]  # type: ignore[no-any-return]
        value = compute()
        # a new entry, never a changed one: the cache reuses the encoding of values it loaded
        self._current[rel] = (entry[0], {**facts, name: value})
        self._changed = True
        return value

    def save(self, files: Mapping[str, Any] | frozenset[str] | set[str]) -> None:
        """Keep the facts of ``files`` whose signature can be trusted next time; an entry this scan never
        read is kept as it was, since reading it checks it."""
        if self.cache is None or not self._changed:
            return
        stored = self._load()
        entries: dict[str, Any] = {}
        for rel in sorted(set(stored) | set(self._current)):
            if rel not in files:
                continue
            entry = self._current.get(rel)
            if entry is None and isinstance(stored[rel], Pending):
                entries[rel] = stored[rel]  # never read this scan: kept as it was (checked when it is read)
                continue
            if entry is None:  # not asked this scan: kept while its signature still holds
                entry = stored[rel]
                current = self.signatures.get(rel)
                if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], tuple)
                        and current is not None and entry[0][0] == list(current)):
                    continue
            if entry[0][0] is None or self.racy(rel) or not entry[1]:
                continue
            entries[rel] = entry
        if entries != stored:
            self.cache.save(_NAME, self._key, entries)


@dataclass(frozen=True)
class TextFact:
    """A fact a check's repository phase asks of many files (every document, every test module).

    ``wanted(path)`` names those files, or more: the check still asks for each fact it needs, so
    one worked out in advance is only found ready. The engine works them out on a thread while
    the per-file phase runs in worker processes, when the main process would otherwise wait."""

    name: str
    compute: Callable[[str], Any]
    wanted: Callable[[str], bool]


def work_out(project: Project, facts: Iterable[TextFact], stop: threading.Event) -> int:
    """Each wanted fact of each file, until ``stop`` is set; the rest is worked out when asked.

    A fact that fails is left to the check that asks for it, whose failure is reported as its own."""
    facts = tuple(facts)
    count = 0
    for rel in project.files:
        for fact in facts:
            if fact.wanted(rel):
                if stop.is_set():
                    return count
                try:
                    project.text_fact(fact.name, rel, fact.compute)
                except Exception:  # asked again by the check, which reports it as its own failure
                    continue
                count += 1
    return count
