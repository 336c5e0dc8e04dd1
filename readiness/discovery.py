"""Finding the files of a repository: include/exclude globs, .gitignore, safe symlinks.

Symlinked directories are never entered (their targets inside the root are scanned under
their real path; targets outside the root are none of our business), which rules out loops.
A symlinked file is kept only when it resolves inside the root.
"""

from __future__ import annotations

import bisect
import itertools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from readiness.analysis import MAX_FILE_BYTES, MAX_SYNTAX_ESTIMATE, syntax_estimate
from readiness.fileindex import DirSignature, Signature, directory_signature, signature, stat_signature
from readiness.lazy_regex import lazy_compile
from readiness.model import Note
from readiness.project import Refused, read_inside

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".env", "env", "node_modules", "__pycache__",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".tox", ".nox", "build", "dist", ".eggs",
    "site-packages", ".readiness", ".idea", ".vscode", "htmlcov", ".cache",
})
PYTHON_SUFFIXES = (".py", ".pyw")
MAX_IGNORE_BYTES = 1024 * 1024  # a .gitignore larger than this is not read (git's own are a few KB)
MAX_IGNORE_PATTERNS = 5000  # patterns kept per ignore file


@dataclass
class Discovered:
    files: list[str] = field(default_factory=list)  # every file, relative with '/', sorted
    notes: list[Note] = field(default_factory=list)
    oversized: set[str] = field(default_factory=set)  # Python files too large to analyse (noted once)
    # What the walk saw, for ``readiness.tree_snapshot`` to tell next time that nothing changed:
    signatures: dict[str, Signature | None] = field(default_factory=dict)  # each file's (readiness.fileindex)
    listed: dict[str, DirSignature | None] = field(default_factory=dict)  # each directory listed ("" or "a/b/")
    ignore_files: dict[str, Signature | None] = field(default_factory=dict)  # each .gitignore read
    reusable: bool = True  # False after a symlink or an unlisted directory: only a walk can judge those
    started_ns: int = 0  # when the first signature was taken (see ``readiness.fileindex`` on racy files)

    @property
    def python_files(self) -> list[str]:
        """Python files to analyse: never the oversized ones, which no check or engine reads."""
        return [f for f in self.files if f.endswith(PYTHON_SUFFIXES) and f not in self.oversized]


# -- gitignore patterns, matched in linear time ---------------------------------------------------
#
# pathspec compiles patterns to Python regexes, which backtrack: ``a*a*a*a*a*a*a*a*a*a*a*b``
# against a long name takes seconds to minutes. Here a path is split into segments; ``**``
# segments are matched over segments and every other segment with a glob matcher that keeps
# only the last star as a backtracking point, so a match costs O(pattern x name) at worst.

_DOUBLE = "**"
_Token = tuple[str, object]  # ("c", char) | ("?", None) | ("*", None) | ("[", (negated, ((lo, hi), ...)))


def _class(text: str, start: int) -> tuple[_Token, int] | None:
    """A ``[...]`` character class at ``start`` and the index after it; None when it is not closed."""
    i = start + 1
    negated = i < len(text) and text[i] in "!^"
    if negated:
        i += 1
    ranges: list[tuple[str, str]] = []
    first = True
    while i < len(text):
        char = text[i]
        if char == "]" and not first:
            return ("[", (negated, tuple(ranges))), i + 1
        first = False
        if char == "\\" and i + 1 < len(text):
            i += 1
            char = text[i]
        if i + 2 < len(text) and text[i + 1] == "-" and text[i + 2] != "]":
            high = text[i + 2]
            if high == "\\" and i + 3 < len(text):
                high = text[i + 3]
                i += 1
            ranges.append((char, high))
            i += 3
        else:
            ranges.append((char, char))
            i += 1
    return None


def _tokens(segment: str) -> list[_Token] | None:
    """A glob segment as tokens; None when it cannot match anything (an unclosed ``[``)."""
    out: list[_Token] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "\\" and i + 1 < len(segment):
            out.append(("c", segment[i + 1]))
            i += 2
        elif char == "*":
            if not out or out[-1][0] != "*":
                out.append(("*", None))
            i += 1
        elif char == "?":
            out.append(("?", None))
            i += 1
        elif char == "[":
            found = _class(segment, i)
            if found is None:
                return None
            out.append(found[0])
            i = found[1]
        else:
            out.append(("c", char))
            i += 1
    return out


def _one(token: _Token, char: str) -> bool:
    kind, value = token
    if kind == "c":
        return value == char
    if kind == "?":
        return True
    negated, ranges = value  # type: ignore[misc]
    return any(low <= char <= high for low, high in ranges) != negated


def _glob(tokens: list[_Token], name: str) -> bool:
    """Whether a segment glob matches a whole name, in O(len(tokens) * len(name)) at worst.

    The classic wildcard algorithm: on a mismatch, only the most recent ``*`` is retried one
    character further; earlier stars never need revisiting, so there is no exponential case.
    """
    t = n = 0
    star_t = star_n = -1
    while n < len(name):
        if t < len(tokens) and tokens[t][0] == "*":
            star_t, star_n = t, n
            t += 1
        elif t < len(tokens) and _one(tokens[t], name[n]):
            t += 1
            n += 1
        elif star_t >= 0:
            star_n += 1
            n = star_n
            t = star_t + 1
        else:
            return False
    while t < len(tokens) and tokens[t][0] == "*":
        t += 1
    return t == len(tokens)


class _Segment:
    """One ``/``-free part of a pattern, with fast paths for literals and ``*.ext`` / ``prefix*``."""

    __slots__ = ("literal", "prefix", "suffix", "tokens")

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.literal: str | None = None
        self.prefix: str | None = None
        self.suffix: str | None = None
        tokens = self.tokens or []
        if self.tokens is not None and all(kind == "c" for kind, _ in tokens):
            self.literal = "".join(str(v) for _, v in tokens)
        elif tokens and [kind for kind, _ in tokens].count("*") == 1 and all(k in "c*" for k, _ in tokens):
            star = next(i for i, (k, _) in enumerate(tokens) if k == "*")
            self.prefix = "".join(str(v) for _, v in tokens[:star])
            self.suffix = "".join(str(v) for _, v in tokens[star + 1:])

    def match(self, name: str) -> bool:
        if self.literal is not None:
            return name == self.literal
        if self.prefix is not None and self.suffix is not None:
            return (len(name) >= len(self.prefix) + len(self.suffix)
                    and name.startswith(self.prefix) and name.endswith(self.suffix))
        return self.tokens is not None and _glob(self.tokens, name)


class IgnorePattern:
    """One gitignore line: negation, directory-only, anchoring and ``**`` as git documents them."""

    __slots__ = ("dir_only", "negated", "segments", "text")

    def __init__(self, text: str, segments: list[_Segment | str], negated: bool, dir_only: bool) -> None:
        self.text = text
        self.segments = segments
        self.negated = negated
        self.dir_only = dir_only

    @classmethod
    def parse(cls, line: str) -> IgnorePattern | None:
        text = line.rstrip("\r\n")
        if not text or text.startswith("#"):
            return None
        while text.endswith(" ") and not text.endswith("\\ "):  # unescaped trailing spaces
            text = text[:-1]
        if not text:
            return None
        negated = text.startswith("!")
        if negated:
            text = text[1:]
        elif text.startswith(("\\!", "\\#")):
            text = text[1:]
        dir_only = text.endswith("/")
        body = text.rstrip("/")
        if not body:
            return None
        anchored = "/" in body
        parts = [p for p in body.split("/") if p]
        segments: list[_Segment | str] = [] if anchored else [_DOUBLE]
        for part in parts:
            if part == _DOUBLE:
                if not segments or segments[-1] != _DOUBLE:
                    segments.append(_DOUBLE)
            else:
                segments.append(_Segment(part))
        return cls(line, segments, negated, dir_only)

    def prefix_lengths(self, names: list[str]) -> set[int]:
        """How many leading segments of ``names`` the pattern matches whole (0 excluded).

        A ``**`` spans zero or more segments, but one or more when it ends the pattern:
        ``foo/**`` matches everything inside ``foo`` and not ``foo`` itself, as git has it.
        """
        positions = {0}
        last = len(self.segments) - 1
        for index, segment in enumerate(self.segments):
            if not positions:
                return positions
            if isinstance(segment, str):
                low = min(positions) + (1 if index == last else 0)
                positions = set(range(low, len(names) + 1))
            else:
                positions = {p + 1 for p in positions if p < len(names) and segment.match(names[p])}
        positions.discard(0)
        return positions


class IgnoreSpec:
    """A list of gitignore patterns, decided as git's directory walk decides.

    For each directory on the path and then the path itself, the last pattern matching that
    exact level decides; once a directory is ignored, everything below it is (a file cannot be
    re-included when its parent directory is excluded).
    """

    def __init__(self, lines: list[str]) -> None:
        self.patterns = [p for p in (IgnorePattern.parse(line) for line in lines) if p is not None]

    def match(self, path: str) -> bool:
        """``path`` relative with ``/``; a trailing ``/`` marks a directory (as pathspec took it)."""
        is_dir = path.endswith("/")
        names = [n for n in path.split("/") if n]
        if not names:
            return False
        decision: dict[int, bool] = {}  # level -> ignored, by the last pattern matching that level
        for pattern in self.patterns:
            for length in pattern.prefix_lengths(names):
                if not pattern.dir_only or length < len(names) or is_dir:
                    decision[length] = not pattern.negated
        for level in range(1, len(names)):
            if decision.get(level):
                return True
        return decision.get(len(names), False)

    match_file = match  # the name pathspec used


def _spec(lines: list[str]) -> IgnoreSpec:
    return IgnoreSpec(lines)


def _read_ignore(root: Path, rel: str) -> tuple[list[str], str | None]:
    """The lines of one ignore file and a note, if it was refused or cut short."""
    try:
        data = read_inside(root, rel, MAX_IGNORE_BYTES)
    except Refused as exc:
        return [], f"not read: {exc.strerror}"
    except OSError as exc:
        return [], f"cannot read: {exc.strerror or type(exc).__name__}"
    lines = data.decode("utf-8", errors="replace").splitlines()
    kept = [line for line in lines if line.strip() and not line.startswith("#")]
    if len(kept) > MAX_IGNORE_PATTERNS:
        return kept[:MAX_IGNORE_PATTERNS], f"only the first {MAX_IGNORE_PATTERNS} patterns are used"
    return kept, None


def discover(
    root: Path,
    *,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    respect_gitignore: bool = True,
) -> Discovered:
    root = root.resolve()
    result = Discovered(started_ns=time.time_ns())
    include_spec = _spec(include) if include and include != ["**/*"] else None
    exclude_spec = _spec(exclude) if exclude else None
    ignores: dict[str, IgnoreSpec] = {}  # directory prefix ("" or "a/b/") -> its .gitignore

    def ignored(rel: str, is_dir: bool) -> bool:
        probe = rel + "/" if is_dir else rel
        if exclude_spec is not None and exclude_spec.match(probe):
            return True
        if not ignores:
            return False
        cut = 0  # only the ignore files of this path's own directories apply
        while True:
            prefix = rel[:cut]
            spec = ignores.get(prefix)
            if spec is not None and spec.match(probe[cut:]):
                return True
            nxt = rel.find("/", cut)
            if nxt < 0:
                return False
            cut = nxt + 1

    def on_error(exc: OSError) -> None:
        where = _relative(root, Path(exc.filename)) if exc.filename else ""
        result.notes.append(Note("read-error", f"cannot list directory: {exc.strerror}", printable_path(where)))

    # os.scandir rather than os.walk: the directory entries already say what is a file, a
    # directory or a link, so most files cost no system call beyond the listing.
    stack: list[tuple[str, str]] = [(str(root), "")]
    while stack:
        directory, prefix = stack.pop()
        before = directory_signature(directory)  # taken first: an entry added meanwhile changes it again
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            on_error(exc)
            result.reusable = False
            continue
        result.listed[prefix] = before
        if prefix and any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a virtual environment: installed packages, not the project
        gitignore = next((e for e in entries if e.name == ".gitignore"), None) if respect_gitignore else None
        if gitignore is not None:
            if gitignore.is_symlink():  # git does not follow a symlinked .gitignore either
                result.notes.append(Note("skipped-file", "a symlinked .gitignore is not read", prefix + ".gitignore"))
            else:
                result.ignore_files[prefix + ".gitignore"] = signature(gitignore.path)
                lines, problem = _read_ignore(root, prefix + ".gitignore")
                if problem:
                    result.notes.append(Note("skipped-file", problem, prefix + ".gitignore"))
                if lines:
                    ignores[prefix] = _spec(lines)
        subdirs = []
        for entry in entries:
            name = entry.name
            rel = prefix + name
            try:
                is_link = entry.is_symlink()
                is_dir = not is_link and entry.is_dir(follow_symlinks=False)
            except OSError:
                is_link = is_dir = False
            if is_dir:
                if name in SKIP_DIRS or name.endswith(".egg-info"):
                    continue
                if not ignored(rel, True):
                    subdirs.append((entry.path, rel + "/"))
                continue
            if ignored(rel, False):
                continue
            if include_spec is not None and not include_spec.match(rel):
                continue
            if not _decodable(rel):
                result.notes.append(Note("skipped-file", "file name is not valid UTF-8", printable_path(rel)))
                continue
            if is_link:
                result.reusable = False
                try:
                    target = Path(entry.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    result.notes.append(Note("skipped-file", "broken or looping symlink", rel))
                    continue
                if not target.is_relative_to(root):
                    result.notes.append(Note("skipped-file", "symlink points outside the root", rel))
                    continue
                if target.is_dir():
                    continue  # a linked directory is never entered (its target, if inside, is scanned as itself)
            try:
                regular = entry.is_file(follow_symlinks=True)
            except OSError as exc:
                result.notes.append(Note("read-error", f"cannot read: {exc.strerror or type(exc).__name__}", rel))
                continue
            if not regular:  # a FIFO, socket or device would block or never end on read
                result.notes.append(Note("skipped-file", "not a regular file", rel))
                continue
            try:
                info = entry.stat(follow_symlinks=True)
            except OSError as exc:
                if rel.endswith(PYTHON_SUFFIXES):
                    result.notes.append(Note("read-error", f"cannot read: {exc.strerror or type(exc).__name__}", rel))
                    continue
                info = None  # gone since the listing: kept, as the index will find it missing
            result.signatures[rel] = None if is_link or info is None else stat_signature(info)
            if info is not None and rel.endswith(PYTHON_SUFFIXES):
                note = oversized_note(root, rel, info.st_size)
                if note is not None:
                    result.oversized.add(rel)
                    result.notes.append(note)
            result.files.append(rel)
        stack.extend(sorted(subdirs, reverse=True))
    result.files.sort()
    note = services_note(result.files)
    if note is not None:
        result.notes.append(note)
    return result


def oversized_note(root: Path, rel: str, size: int) -> Note | None:
    """Why a Python file of this size is not analysed, or None when it is."""
    if size > MAX_FILE_BYTES:
        return Note("skipped-file", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", rel)
    if size > MAX_SYNTAX_ESTIMATE:  # only a file this large can hold too many syntax elements
        reason = _too_many_nodes(root, rel)
        if reason:
            return Note("skipped-file", reason, rel)
    return None


def services_note(files: list[str]) -> Note | None:
    """A note that the tree holds several services and is judged as one, when it does."""
    services = service_folders(files)
    if len(services) <= 1:
        return None
    shown = ", ".join(services[:5]) + (f" and {len(services) - 5} more" if len(services) > 5 else "")
    return Note(
        "config",
        f"this tree holds {len(services)} services ({shown}) and is judged as one; scan each folder "
        f"(`readiness scan {services[0]} --output {services[0].rstrip('/').replace('/', '-')}.json`, its "
        "repository's CI and infrastructure are still read) and roll them up with `readiness report A.json B.json`",
    )


_MAX_SERVICE_CANDIDATES = 200
_SERVICE_MARKERS = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", "Pipfile", "Dockerfile"})
_APP_ENTRY = lazy_compile(r"(?:^|/)(?:main|app|wsgi|asgi|manage|server|__main__)\.py$")
_NOT_A_SERVICE = lazy_compile(r"(?:^|/)(?:tests?|docs?|examples?|samples?|scripts?|tools|bench\w*|fixtures?|"
                            r"vendor|third_party|\.github|\.gitlab|deploy|infra\w*|helm|charts|terraform)/")


def service_folders(files: list[str]) -> list[str]:
    """Top-most folders below the root that each look like a service: a Python project file or a
    Dockerfile beside Python code with an app entry point (``main.py``, ``wsgi.py``, ``manage.py``...)."""
    marked = sorted({folder + "/" for f in files for folder, slash, name in [f.rpartition("/")]
                     if slash and name in _SERVICE_MARKERS and not _NOT_A_SERVICE.search(f)})
    out: list[str] = []
    for folder in marked[:_MAX_SERVICE_CANDIDATES]:
        if any(folder.startswith(parent) for parent in out):
            continue
        start = bisect.bisect_left(files, folder)  # files are sorted: a folder's files are one run
        inside = itertools.takewhile(lambda f, folder=folder: f.startswith(folder), itertools.islice(files, start, None))
        if any(_APP_ENTRY.search(f) for f in inside):
            out.append(folder)
    return out


def _too_many_nodes(root: Path, rel: str) -> str | None:
    """Why a large Python file is not analysed, when it holds too many syntax elements.

    Parsing costs about 1 KB of memory and 4 microseconds per syntax node, and every check and
    engine (ruff, bandit) walks them again: a 7 MB list literal would take minutes and
    gigabytes. The estimate is one byte count, so deciding costs milliseconds.
    """
    try:
        data = read_inside(root, rel, MAX_FILE_BYTES)
    except OSError:
        return None  # the analysis notes the read error itself
    estimate = syntax_estimate(data)
    if estimate > MAX_SYNTAX_ESTIMATE:
        return f"too many syntax elements to analyse (about {estimate}, at most {MAX_SYNTAX_ESTIMATE})"
    return None


def _decodable(name: str) -> bool:
    """False for names holding bytes that are not UTF-8 (kept by the OS as surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable_path(name: str) -> str:
    """A name safe to put in any report: undecodable bytes shown as ``\\xNN``."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _relative(root: Path, path: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        return str(path)
    text = rel.as_posix()
    return "" if text == "." else text
