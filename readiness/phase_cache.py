"""The repository phase, cached whole by a digest of everything it may read.

Which facts each check reads is never tracked: the key covers all of the phase's inputs at
once, so a check that starts reading something new cannot make a warm result stale. The key
holds the tool's version and code (every module of the package and of each check's module),
the configuration and the operator's choices, the selected checks, the signature of every
discovered file with the content digest of every Python file (modification times count too:
coverage freshness compares them), the signatures of every directory holding those files and
of every entry at the root (where checks look for files discovery skips, such as
``.coverage``), and the engines' versions. Files opened outside the root while the phase ran
(an operator's ``--coverage`` file, a parent folder's lint configuration) are recorded with the
entry and checked on every hit. A live scan, a partial one, or one whose files changed in the
last clock tick (see ``readiness.fileindex``) is never stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from readiness.cache import Cache, plan_key
from readiness.fileindex import FileIndex, directory_signature, signature
from readiness.model import CheckResult, Finding, Note

_NAME = "repository"
_PACKAGE = Path(__file__).resolve().parent
_code_digest: dict[str, str] = {}


@dataclass
class PhaseOutput:
    """What the repository phase hands to the result: everything but timings and the date."""

    results: list[CheckResult]
    findings: list[Finding]
    notes: list[Note]  # the per-file analyses' notes (discovery's are recomputed every scan)
    lines: int
    suppression_report: dict[str, Any]
    stack: dict[str, list[str]] = field(default_factory=dict)  # frameworks and clients the service uses
    input_key: str = ""
    outside: list[list[Any]] = field(default_factory=list)  # [path, signature or None] opened outside the root


def _digest_files(paths: Iterable[str]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(set(paths)):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with open(path, "rb") as handle:
                digest.update(handle.read())
        except OSError:
            digest.update(b"\1missing")
    return digest.hexdigest()


def _python_files(folder: str) -> list[str]:
    """Every ``.py`` file under the folder (the package: a plain walk, no pattern matching)."""
    found = []
    for parent, _dirs, names in os.walk(folder):
        found.extend(os.path.join(parent, name) for name in names if name.endswith(".py"))
    return found


def code_digest(modules: Iterable[str]) -> str:
    """The package's own source and every other module a check comes from (plugins)."""
    outside = sorted({m for m in modules if not m.startswith("readiness.") and m != "readiness"})
    token = "\0".join(outside)
    if token not in _code_digest:
        files = _python_files(str(_PACKAGE))
        for name in outside:
            path = getattr(sys.modules.get(name), "__file__", None)
            if path:
                files.append(str(path))
        _code_digest[token] = _digest_files(files)
    return _code_digest[token]


def _engine_versions(tools: Iterable[str]) -> list[tuple[str, str]]:
    names = sorted(set(tools))
    if not names:
        return []
    from importlib.metadata import PackageNotFoundError, version  # reads installed metadata: only for engines

    out = []
    for name in names:
        try:
            out.append((name, version(name)))
        except (PackageNotFoundError, ValueError):
            out.append((name, ""))
    return out


def input_head(
    *, root: Path, files: Sequence[str], settings: Any, checks: Sequence[Any], deselected: Sequence[Any],
    options: dict[str, Any], severities: dict[str, str], suppress: bool, state: str = ".readiness",
    listed: Mapping[str, Any] | None = None,
) -> str:
    """The digest of every input of the repository phase but the files themselves (see the module's
    docstring), taken once per scan; ``state`` is the root entry holding the tool's own files (cache,
    history), which no check reads. ``listed`` holds the signatures discovery took of the folders it
    listed ("" or "a/b/"), taken before listing them, so they are not taken again."""
    base = str(root)
    taken = {rel.rstrip("/"): sig for rel, sig in (listed or {}).items()}
    directories = sorted({rel.rpartition("/")[0] for rel in files})
    try:
        with os.scandir(base) as listing:
            top = sorted((entry.name, directory_signature(entry.path)) for entry in listing if entry.name != state)
    except OSError:
        top = []
    parts: list[Any] = [
        code_digest(c.__module__ for c in [*checks, *deselected]),
        _engine_versions(name for c in checks for name in c.tools),
        settings.data, settings.source, dataclasses.asdict(settings.operator) if settings.operator else None,
        [c.id for c in checks], [c.id for c in deselected], options, severities, suppress,
        base, top,
        [(d, taken[d] if d in taken else directory_signature(os.path.join(base, d) if d else base))
         for d in directories],
    ]
    return plan_key(parts)


def input_key(
    head: str, *, index: FileIndex, files: Sequence[str], digests: dict[str, str],
    contents_of: frozenset[str] = frozenset(),
) -> str:
    """``head`` (``input_head``) with every file's signature and content digest. Files in
    ``contents_of`` count by their names only: their contents are judged apart (``readiness.check_reuse``)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(head.encode())
    signatures = index.signatures
    get_digest = digests.get
    digest.update("".join([f"{rel}\n" if rel in contents_of else f"{rel}\0{signatures.get(rel)}\0{get_digest(rel, '')}\n"
                           for rel in files]).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def load(cache: Cache | None, key: str) -> PhaseOutput | None:
    """The stored output for exactly these inputs, or None."""
    if cache is None:
        return None
    entry = cache.load(_NAME, key).get("output")
    if not isinstance(entry, tuple) or len(entry) != 2:
        return None
    stored = entry[1]
    if entry[0] != key or not isinstance(stored, PhaseOutput) or stored.input_key != key:
        return None
    return stored if unchanged(stored.outside) else None


def save(cache: Cache | None, key: str, output: PhaseOutput, opened: Iterable[str]) -> None:
    if cache is None:
        return
    output.input_key = key
    output.outside = signatures_of(opened)
    cache.save(_NAME, key, {"output": (key, output)})  # (key, value), the shape of every cache file's entries


def signatures_of(paths: Iterable[str]) -> list[list[Any]]:
    """[path, signature or None] of files opened outside the root, to check a stored result against."""
    out = []
    for path in sorted(set(paths)):
        current = signature(path)
        out.append([path, list(current) if current is not None else None])
    return out


def unchanged(entries: Iterable[Any]) -> bool:
    """Whether every file ``signatures_of`` took still has the signature it had."""
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            return False
        current = signature(entry[0])
        if (list(current) if current is not None else None) != entry[1]:
            return False
    return True


# -- which files outside the root the phase opens -----------------------------------------------

_recording: list[set[str]] = []
_lock = threading.Lock()
_installed = False


def _ignored_prefixes() -> tuple[str, ...]:
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(_PACKAGE), "/proc/", "/dev/", "/sys/"}
    for entry in sys.path:
        if entry and os.path.isabs(entry):
            prefixes.add(entry)
    return tuple(p.rstrip("/") + "/" if not p.endswith("/") else p for p in prefixes if p)


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _recording or event != "open" or not args:
        return
    path = args[0]
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if isinstance(path, str) and os.path.isabs(path):
        for paths in _recording:  # nested recorders (one check's, the whole phase's) all see it
            paths.add(path)


@dataclass
class OpenedFiles:
    paths: set[str] = field(default_factory=set)

    def outside(self, root: Path) -> list[str]:
        """Regular files opened by absolute path outside the root, the interpreter and the package."""
        base = str(root).rstrip("/") + "/"
        skip = _ignored_prefixes()
        out = []
        for path in self.paths:
            if path.startswith(base) or path == base[:-1] or path.startswith(skip):
                continue
            out.append(path)
        return sorted(out)


def record_opens() -> _Recorder:
    return _Recorder()


class _Recorder:
    """A context that collects every absolute path opened in this process while it is active."""

    def __init__(self) -> None:
        self.opened = OpenedFiles()

    def __enter__(self) -> OpenedFiles:
        global _installed
        with _lock:
            if not _installed:
                sys.addaudithook(_audit)
                _installed = True
            _recording.append(self.opened.paths)
        return self.opened

    def __exit__(self, *exc: object) -> None:
        with _lock:
            for index, paths in enumerate(_recording):
                if paths is self.opened.paths:
                    del _recording[index]
                    break
