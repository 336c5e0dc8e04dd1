"""The repository as the whole-project phase of checks sees it.

Python sources are analysed per file (in workers); what stays here is the file list, the
imports of every Python file, and cached, size-capped reads of the other repository files
(CI configs, manifests, docs), so several checks reading the same workflow read it once.
"""

from __future__ import annotations

import errno
import fnmatch
import json
import os
import re
import stat
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

from readiness import read_log, repo_root

if TYPE_CHECKING:
    import yaml

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_DOCUMENT_NODES = 200_000  # values in one YAML/JSON/TOML file, aliases counted as often as they expand
T = TypeVar("T")
_RECENT_TEXTS = 8  # texts kept per thread for facts
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


# -- reading repository files ----------------------------------------------------------------

class Refused(OSError):
    """A repository file that is not read: outside the root, not a regular file, or too large."""


class TooLarge(Refused):
    pass


def open_inside(root: Path, rel: str) -> int:
    """A descriptor of the regular file ``rel`` inside ``root``, opened without following symlinks.

    A symlink inside the repository is resolved here, and kept only when its target lies
    inside the root; the resolved path is then opened one component at a time with
    ``O_NOFOLLOW`` (so a link swapped in after the check is refused, not followed) and
    ``O_NONBLOCK`` (so a FIFO cannot hang the scan). Raises OSError (``Refused`` for policy).
    The usual path holds no symlink, ``..`` or empty component: it is opened that way at once,
    and resolved first only when that fails.
    """
    base = _real_root(root)
    flags = os.O_RDONLY | os.O_NONBLOCK | _O_NOFOLLOW | _O_CLOEXEC
    if os.open not in os.supports_dir_fd or not _O_NOFOLLOW:  # pragma: no cover - not POSIX
        return _regular(os.open(_resolved_inside(base, rel), flags))
    parts = rel.split("/")
    if os.sep == "/" and not any(part in ("", ".", "..") for part in parts):
        try:
            return _regular(_open_components(base, parts, flags))
        except Refused:
            raise
        except OSError:
            pass  # a symlink on the way, or missing: the resolved path settles it
    return _regular(_open_components(base, os.path.relpath(_resolved_inside(base, rel), base).split(os.sep), flags))


def _resolved_inside(base: str, rel: str) -> str:
    target = os.path.realpath(os.path.join(base, rel))
    relative = os.path.relpath(target, base)
    if relative == os.curdir or relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        raise Refused(errno.EXDEV, "outside the scanned root")
    return target


def _open_components(base: str, parts: list[str], flags: int) -> int:
    """``parts`` below ``base`` opened one component at a time, no component followed if it is a link.

    The folder last opened this way is kept open, per thread: files are read in path order, and the
    next one is most often its neighbour, opened from it while its path still names that folder."""
    folder = (base, *parts[:-1])
    last: _Folder | None = getattr(_LAST_FOLDER, "held", None)
    if last is not None and last.path == folder:
        try:
            info = os.lstat(os.path.join(*folder))
            if (info.st_dev, info.st_ino) == last.identity:
                return os.open(parts[-1], flags, dir_fd=last.fd)
        except OSError:
            pass
        _LAST_FOLDER.held = None  # moved, replaced or gone: the path is walked again
    directory = os.open(base, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    try:
        for part in parts[:-1]:
            child = os.open(part, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC, dir_fd=directory)
            os.close(directory)
            directory = child
        fd = os.open(parts[-1], flags, dir_fd=directory)
    except BaseException:
        os.close(directory)
        raise
    try:
        info = os.fstat(directory)
    except OSError:
        os.close(directory)
        return fd
    _LAST_FOLDER.held = _Folder(folder, directory, (info.st_dev, info.st_ino))  # the one it replaces closes
    return fd


class _Folder:
    """An open folder, closed when it is no longer held."""

    __slots__ = ("path", "fd", "identity")

    def __init__(self, path: tuple[str, ...], fd: int, identity: tuple[int, int]) -> None:
        self.path, self.fd, self.identity = path, fd, identity

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


_LAST_FOLDER = threading.local()


def _regular(fd: int) -> int:
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused(errno.EINVAL, "not a regular file")
    except BaseException:
        os.close(fd)
        raise
    return fd


_REAL_ROOTS: dict[str, str] = {}


def _real_root(root: Path) -> str:
    """The root with its symlinks resolved, once per process (every read inside it asks)."""
    key = os.fspath(root)
    real = _REAL_ROOTS.get(key)
    if real is None:
        real = _REAL_ROOTS[key] = os.path.realpath(root)
    return real


def read_inside(root: Path, rel: str, limit: int) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``limit`` of them (``TooLarge`` beyond)."""
    read_log.note(rel)
    fd = open_inside(root, rel)
    try:
        if os.fstat(fd).st_size > limit:
            raise TooLarge(errno.EFBIG, f"larger than {_megabytes(limit)}")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew since the size was taken
                raise TooLarge(errno.EFBIG, f"larger than {_megabytes(limit)}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


# -- documents with a node budget ------------------------------------------------------------

class TooManyNodes(ValueError):
    """A document that would expand past ``MAX_DOCUMENT_NODES`` values (an alias bomb, a generated blob)."""


def yaml_node_count(node: yaml.Node, budget: int = MAX_DOCUMENT_NODES) -> int:
    """Values a composed YAML document constructs, each alias counted as often as it is used.

    Counted on the node graph before anything is constructed, without recursion: shared
    nodes are sized once and then multiplied, so a billion-laughs document costs a few steps
    to reject rather than minutes and gigabytes to expand. Raises ``TooManyNodes``.
    """
    import yaml

    sizes: dict[int, int] = {}  # node id -> expanded size; -1 while its children are being sized
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [part for pair in current.value for part in pair]
        else:
            children = []
        if children_done:
            total = 1 + sum(sizes[id(child)] for child in children)
            if total > budget:
                    raise TooManyNodes(f"it expands to more than {budget} values (aliases count each time they are used)")
            sizes[id(current)] = total
            continue
        if id(current) in sizes:
            continue  # a shared node, sized already
        sizes[id(current)] = -1
        stack.append((current, True))
        for child in children:
            state = sizes.get(id(child))
            if state == -1:  # an ancestor of itself
                raise TooManyNodes("an alias refers to itself")
            if state is None:
                stack.append((child, False))
    return sizes[id(node)]


_TOLERANT: list[type[Any]] = []


def _tag_tolerant_loader() -> type[Any]:
    """The safe loader (libyaml's when present: same results, far faster) that reads an application's own
    tags (GitLab CI's ``!reference [.setup, script]``, CloudFormation's ``!Ref``, ``!secret``) as the plain
    list, mapping or text they are written as, instead of failing the whole file: nothing is resolved."""
    if not _TOLERANT:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class Tolerant(base):  # type: ignore[misc, valid-type]
            pass

        Tolerant.add_multi_constructor("!", construct_own_tag)
        _TOLERANT.append(Tolerant)
    return _TOLERANT[0]


def construct_own_tag(loader: Any, _suffix: str, node: Any) -> Any:
    """A node under an application's own ``!tag``, built as the plain value it is written as."""
    import yaml

    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    return loader.construct_scalar(node)


def load_yaml_documents(text: str, loader: type[Any] | None = None) -> tuple[list[Any], str | None]:
    """All documents of a YAML text, each composed and counted before it is constructed.

    Never raises: malformed, too deep or too large documents end the list with a reason.
    """
    import yaml  # loaded when a YAML file is read: a warm rescan reads none

    if loader is None:
        loader = _tag_tolerant_loader()
    docs: list[Any] = []
    try:
        instance = loader(text)
        try:
            budget = MAX_DOCUMENT_NODES
            while instance.check_node():
                node = instance.get_node()
                if node is None:
                    continue
                budget -= yaml_node_count(node, budget)
                docs.append(instance.construct_document(node))
        finally:
            instance.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        return docs, f"malformed YAML{where}"
    except TooManyNodes as exc:
        return docs, f"YAML not read: {exc}"
    except RecursionError:
        return docs, "YAML nested too deeply"
    return docs, None


def json_node_count(value: Any, budget: int = MAX_DOCUMENT_NODES) -> int:
    """Values in a parsed JSON or TOML document, without recursion; raises ``TooManyNodes``."""
    count = 0
    stack = [value]
    while stack:
        current = stack.pop()
        count += 1
        if count > budget:
            raise TooManyNodes(f"it holds more than {budget} values")
        if isinstance(current, dict):
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return count


def load_json_document(text: str) -> tuple[Any, str | None]:
    """A JSON document and None, or None and why it is not read (malformed, too deep, too large)."""
    try:
        value = json.loads(text)
        json_node_count(value)
    except TooManyNodes as exc:
        return None, f"JSON not read: {exc}"
    except RecursionError:
        return None, "JSON nested too deeply"
    except ValueError:
        return None, "malformed JSON"
    return value, None


def load_toml_document(text: str) -> tuple[dict[str, Any], str | None]:
    """A TOML document and None, or {} and why it is not read (malformed, too deep, too large)."""
    try:
        value = tomllib.loads(text)
        json_node_count(value)
    except TooManyNodes as exc:
        return {}, f"TOML not read: {exc}"
    except RecursionError:
        return {}, "TOML nested too deeply"
    except (tomllib.TOMLDecodeError, ValueError):
        return {}, "malformed TOML"
    return value, None


class _Total:
    """A project total whose every read is noted (``readiness.read_log``): most edits change it."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.key = "\0" + name

    def __get__(self, project: Any, owner: type | None = None) -> int:
        if project is None:
            return 0  # the dataclass field's default
        read_log.note(self.key)
        return project.__dict__[self.name]  # type: ignore[no-any-return]

    def __set__(self, project: Any, value: int) -> None:
        project.__dict__[self.name] = value


@dataclass
class Project:
    root: Path
    files: tuple[str, ...]  # every discovered file, relative with '/', sorted
    python_files: tuple[str, ...]
    lines: _Total = _Total()  # type: ignore[assignment]  # an int: lines of every Python file
    app_lines: _Total = _Total()  # type: ignore[assignment]  # an int: lines outside tests and scripts
    imports: dict[str, frozenset[str]] = field(default_factory=dict)  # path -> modules
    modules: dict[str, frozenset[str]] = field(default_factory=dict)  # path -> full module names it imports
    file_roles: dict[str, str] = field(default_factory=dict)  # path -> role the per-file phase gave (FileAnalysis.role)
    digests: dict[str, str] = field(default_factory=dict)  # path -> content hash of each Python file
    settings: Any = None  # the validated configuration
    suppressor: Any = None  # readiness.suppression.Suppressor, set by the engine
    suppression_report: dict[str, Any] = field(default_factory=dict)  # for checks that run last
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    _recent: threading.local = field(default_factory=threading.local, repr=False)  # per thread: the last texts facts read
    lent: dict[str, bytes] = field(default_factory=dict, repr=False)  # Python files' bytes the per-file phase holds
    _yaml: dict[str, tuple[list[Any], str | None]] = field(default_factory=dict, repr=False)
    _tools: dict[str, Any] = field(default_factory=dict, repr=False)
    _tool_uses: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)  # what each tool result used
    _globs: dict[tuple[str, ...], list[str]] = field(default_factory=dict, repr=False)
    facts: Any = None  # readiness.file_facts.FactStore: per-file text facts kept across scans
    git_root: Path | None = None  # the repository the scanned folder sits in (readiness.repo_root)
    scan_prefix: str = ""  # the scanned folder relative to the git root: "services/orders/" ("" at the root)
    repository_level: frozenset[str] = frozenset()  # files listed from the git root, named relative to it
    declared: dict[str, list[str]] | None = None  # roles the configuration declares, when the engine read them for these files

    def __post_init__(self) -> None:
        """A folder of a repository also sees the repository's CI, infrastructure and dependency bot."""
        self.git_root = repo_root.git_root(self.root)
        self.scan_prefix = repo_root.scan_prefix(self.git_root, self.root)
        if self.git_root is None or not self.scan_prefix:
            return
        own = set(self.files)
        added = [rel for rel in repo_root.repository_files(self.git_root, self.root) if rel not in own]
        if added:
            self.repository_level = frozenset(added)
            self.files = tuple(sorted(own | set(added)))

    # -- external engines (ruff, bandit) -----------------------------------------------
    def tool(self, name: str, run: Callable[[Project], T]) -> T:
        """The result of an external engine over the project, computed once per scan.

        The engine may have started it early (a Future) so it runs alongside the per-file work.
        """
        computed = name not in self._tools
        if computed:  # what it reads is noted for the asking check too
            self._tools[name], self._tool_uses[name] = read_log.recorded(lambda: run(self))
        value = self._tools[name]
        if isinstance(value, Future):
            value = value.result()
            self._tools[name] = value
        if not computed:  # what computing it used counts for every check that asks for it
            read_log.note_all(self._tool_uses.get(name, (read_log.UNKNOWN,)))
        return value  # type: ignore[no-any-return]

    def started(self, name: str, run: Callable[[Project], T]) -> Callable[[], T]:
        """``run`` wrapped to note what it uses on the thread it is started on (``tool`` answers with it)."""

        def recorded() -> T:
            value, self._tool_uses[name] = read_log.recorded(lambda: run(self))
            return value

        return recorded

    # -- file access -------------------------------------------------------------------
    def read_text(self, rel: str) -> str | None:
        """The file's text, or None when it is missing, binary, too large or unreadable."""
        read_log.note(rel)
        if rel not in self._texts:
            self._texts[rel] = self._read_text(rel)
        return self._texts[rel]

    def _read_text(self, rel: str) -> str | None:
        if rel in self.repository_level and self.git_root is not None:
            # read confined to the git root; announced as an open so a cache keyed by what the
            # scan read (readiness.phase_cache) sees a change to it
            sys.audit("open", os.path.join(self.git_root, rel), "r", os.O_RDONLY)
            return _read_capped(self.git_root, rel)
        return _read_capped(self.root, rel)

    def text_fact(self, name: str, rel: str, compute: Callable[[str], T]) -> T:
        """``compute(text)`` for the file's text ('' when unreadable), named ``name``: a pure function
        of one file, so a rescan answers it from the fact store without opening an unchanged file.
        The text is not kept for the rest of the scan (facts are asked of thousands of files)."""

        def text() -> str:
            kept = self._texts.get(rel)
            return (kept if kept is not None or rel in self._texts else self._recent_text(rel)) or ""

        def value() -> T:
            return compute(text()) if self.facts is None else self.facts.fact(name, rel, lambda: compute(text()))  # type: ignore[no-any-return]

        key = read_log.fact_key(rel, name, compute)
        if key is None:
            read_log.note(rel)
            return value()
        with read_log.unnoted():  # the file is used through the fact's value alone
            found = value()
        read_log.note_fact(key, found)
        return found

    def _recent_text(self, rel: str) -> str | None:
        """A file's text for its facts: the last few are kept, since a check asks several facts of a file
        in a row (a document's headings, then its restore steps), but not every file's for the whole scan."""
        recent: dict[str, str | None] = self._recent.__dict__.setdefault("texts", {})
        if rel not in recent:
            if len(recent) >= _RECENT_TEXTS:
                del recent[next(iter(recent))]
            data = self.lent.get(rel)  # already read for the per-file phase: the same bytes, not read again
            recent[rel] = self._read_text(rel) if data is None else text_of(data)
        return recent[rel]

    def yaml_documents(self, rel: str) -> tuple[list[Any], str | None]:
        """All YAML documents of a file (safe loader) and an error message if it is broken."""
        read_log.note(rel)
        if rel not in self._yaml:
            text = self.read_text(rel)
            self._yaml[rel] = ([], "unreadable") if text is None else load_yaml_documents(text)
        return self._yaml[rel]

    def json_document(self, rel: str) -> tuple[Any, str | None]:
        """A JSON file's value (node budget, no recursion errors) and an error message if it is not read."""
        text = self.read_text(rel)
        return (None, "unreadable") if text is None else load_json_document(text)

    def toml_document(self, rel: str) -> tuple[dict[str, Any], str | None]:
        """A TOML file's tables (node budget, no recursion errors) and an error message if it is not read."""
        text = self.read_text(rel)
        return ({}, "unreadable") if text is None else load_toml_document(text)

    def glob(self, *patterns: str) -> list[str]:
        """Discovered files matching any pattern (``*`` crosses directories, as in fnmatch)."""
        key = tuple(patterns)
        if key not in self._globs:
            match = _glob_regex(key).match
            literals = _glob_literals(key)
            if len(literals) == 1:  # the usual case: one substring test per file, no generator
                (literal,) = literals
                self._globs[key] = [f for f in self.files if literal in f and match(f)]
            else:
                self._globs[key] = [f for f in self.files if any(map(f.__contains__, literals)) and match(f)]
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


_GLOB_SPECIALS = re.compile(r"[*?]")


@lru_cache(maxsize=512)
def _glob_literals(patterns: tuple[str, ...]) -> frozenset[str]:
    """Text each pattern's matches must contain (its longest run without wildcards), so most files
    are passed over by a substring test instead of the regex; "" (in every path) when a pattern has none."""
    out = set()
    for pattern in patterns:
        if "[" in pattern:
            return frozenset({""})  # a character class: not worth reading here
        out.add(max(_GLOB_SPECIALS.split(pattern.removeprefix("**/")), key=len))
    return frozenset(out)


def glob_matcher(*patterns: str) -> Callable[[str], bool]:
    """Whether a path matches any of the patterns, as ``Project.glob`` matches them."""
    match = _glob_regex(patterns).match
    return lambda rel: match(rel) is not None


@lru_cache(maxsize=512)
def _glob_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for a set of globs; ``**/x`` also matches ``x`` at the root."""
    parts = []
    for pattern in patterns:
        parts.append(fnmatch.translate(pattern))
        if pattern.startswith("**/"):
            parts.append(fnmatch.translate(pattern[3:]))
    return re.compile("|".join(f"(?:{p})" for p in parts))


def _read_capped(root: Path, rel: str) -> str | None:
    try:
        data = read_inside(root, rel, MAX_TEXT_BYTES)
    except OSError:
        return None
    return text_of(data)


def text_of(data: bytes) -> str | None:
    """A file's bytes as ``read_text`` gives them: None when too large or binary."""
    if len(data) > MAX_TEXT_BYTES or b"\x00" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace")
