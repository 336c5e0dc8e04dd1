"""Applying the codemods to files: find what the scan flags, rewrite only there, write safely.

``plan_fixes`` runs the real scan engine with the fixable checks, so the codemods see exactly
the findings a scan reports (suppressions, ``ignore:`` globs and check options included).
``fix_source`` is a pure function from a file's text and its findings to the fixed text;
``fix_file`` adds decoding (PEP 263), a parse check of the result and re-encoding in the file's
own encoding, and ``write_fix`` replaces the file atomically with its permissions kept.
"""

from __future__ import annotations

import ast
import difflib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from readiness.checks.base import Check
from readiness.config import Settings
from readiness.engine import ScanRequest, run_scan, select_checks
from readiness.fix import FIXABLE_CHECKS
from readiness.fix.base import Codemod, FixContext, ModuleInfo, Skip, drop_imports_made_unused, finish_module
from readiness.fix.default_secret import DefaultSecretFix
from readiness.fix.missing_timeout import MissingTimeoutFix
from readiness.fix.print_call import PrintCallFix
from readiness.fix.swallowed_exception import SwallowedExceptionFix
from readiness.fsutil import atomic_write_bytes
from readiness.lazy_regex import lazy_compile
from readiness.model import Finding, Note
from readiness.source import DecodeError, decode_source

CODEMODS: dict[str, Codemod] = {
    c.check: c for c in (PrintCallFix(), MissingTimeoutFix(), DefaultSecretFix(), SwallowedExceptionFix())
}
# Rewrites that change what the program does (a secret becomes required, an exception is no
# longer swallowed silently): the pre-commit hook applies them only with --unsafe-fixes.
UNSAFE_FIXES = frozenset({"default-secret", "swallowed-exception"})
_LINE_BREAK = lazy_compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Outcome:
    """What happened to one finding: fixed, or left alone with the reason."""

    path: str
    line: int
    column: int
    check: str
    fixed: bool
    reason: str = ""


@dataclass
class FileFix:
    path: str
    outcomes: list[Outcome] = field(default_factory=list)
    before: str = ""
    after: str = ""
    data: bytes | None = None  # the new file content, when it changed
    error: str | None = None  # the file was left untouched because of this

    @property
    def changed(self) -> bool:
        return self.data is not None

    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            fromfile=f"a/{self.path}", tofile=f"b/{self.path}",
        )
        out = []
        for line in lines:
            if line.startswith("-") and not line.startswith("---"):
                line = _mask_removed_literals(line, self.after)
            out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
        return "".join(out)


_LITERAL_RE = lazy_compile(r"(?P<q>['\"])(?P<body>[^'\"\\\n]{4,})(?P=q)")


def _mask_removed_literals(line: str, after: str) -> str:
    """A removed line with the string literals the fix took out masked: a default secret's
    fallback must not reach a CI log through ``fix --diff``."""
    return _LITERAL_RE.sub(
        lambda m: m.group(0) if m.group(0) in after else f"{m.group('q')}***{m.group('q')}", line,
    )


# -- which checks, which findings ---------------------------------------------------------------

def fixable_checks(checks: Sequence[type[Check]]) -> list[type[Check]]:
    """The registered checks that declare themselves fixable and have a codemod here."""
    return [c for c in checks if c.fixable and c.id in CODEMODS and c.id in FIXABLE_CHECKS]


@dataclass
class Plan:
    findings: list[Finding]  # what the codemods will try
    manual: list[Finding]  # findings of the same checks that need a person
    unparsable: list[Note]  # Python files the scan could not parse (left untouched)


def plan_fixes(root: Path, settings: Settings, checks: Sequence[type[Check]], select: Sequence[str] = ()) -> Plan:
    """The findings of a real scan of ``root`` with the fixable checks (``select``: check or category ids)."""
    chosen, _ = select_checks(fixable_checks(checks), settings, list(select))
    if not chosen:
        return Plan([], [], [])
    result = run_scan(ScanRequest(root=root, settings=settings, checks=chosen, live=False))
    mine = [f for f in result.findings if f.check in CODEMODS]
    return Plan(
        [f for f in mine if f.fixable], [f for f in mine if not f.fixable],
        [n for n in result.notes if n.kind in ("parse-error", "read-error") and n.path.endswith(".py")],
    )


# -- one file ------------------------------------------------------------------------------------

@dataclass
class _Candidate:
    codemod: Codemod
    node: cst.CSTNode
    line: int
    column: int  # 0-based, characters
    statement_line: int


class _Locator(cst.CSTVisitor):
    """Every node a codemod could rewrite, with its position and its statement's first line."""

    def __init__(self, positions: Mapping[cst.CSTNode, CodeRange], info: ModuleInfo, codemods: Iterable[Codemod]) -> None:
        self.positions = positions
        self.info = info
        self.codemods = list(codemods)
        self.statements: list[int] = [0]
        self.found: list[_Candidate] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.statements.append(self.positions[node].start.line)
        for codemod in self.codemods:
            if isinstance(node, codemod.node_type) and codemod.candidate(node, self.info):
                start = self.positions[node].start
                self.found.append(_Candidate(codemod, node, start.line, start.column, self.statements[-1]))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            self.statements.pop()


class _Rewriter(cst.CSTTransformer):
    def __init__(self, targets: dict[int, tuple[_Candidate, Finding]], ctx: FixContext, path: str) -> None:
        super().__init__()
        self.targets = targets
        self.ctx = ctx
        self.path = path
        self.outcomes: list[Outcome] = []
        self.top: dict[int, int] = {}

    def visit_Module(self, node: cst.Module) -> bool:
        self.top = {id(stmt): i for i, stmt in enumerate(node.body)}
        return True

    def on_visit(self, node: cst.CSTNode) -> bool:
        index = self.top.get(id(node))
        if index is not None:
            self.ctx.current_top = index
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        updated = super().on_leave(original_node, updated_node)
        if isinstance(updated, cst.Module):
            assert isinstance(original_node, cst.Module)
            return finish_module(drop_imports_made_unused(original_node, updated), self.ctx)
        target = self.targets.get(id(original_node))
        if target is None:
            return updated
        candidate, finding = target
        self.ctx.original = original_node
        try:
            rewritten = candidate.codemod.rewrite(updated, self.ctx)
        except Skip as exc:
            self.outcomes.append(Outcome(self.path, finding.line, finding.column, finding.check, False, str(exc)))
            return updated
        self.outcomes.append(Outcome(self.path, finding.line, finding.column, finding.check, True))
        return rewritten


def _char_column(text_line: str, column: int) -> int:
    """A 1-based ``ast`` column (UTF-8 bytes) as a 0-based character offset."""
    return len(text_line.encode("utf-8", "surrogatepass")[: max(column - 1, 0)].decode("utf-8", "ignore"))


def _match(finding: Finding, candidates: list[_Candidate], lines: list[str]) -> _Candidate | None:
    """The node a finding points at: same position, else the only one on its line or statement."""
    mine = [c for c in candidates if c.codemod.check == finding.check]
    text_line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
    column = _char_column(text_line, finding.column)
    exact = [c for c in mine if c.line == finding.line and c.column in (column, finding.column - 1)]
    if exact:
        return exact[0]  # the outermost node at that position
    for key in (lambda c: c.line == finding.line, lambda c: c.statement_line == finding.line):
        near = [c for c in mine if key(c)]
        if len(near) == 1:
            return near[0]
        if near:
            return None
    return None


def fix_source(path: str, text: str, findings: Sequence[Finding], options: Mapping[str, Any] | None = None) -> tuple[str, list[Outcome]]:
    """The text with the findings fixed, and what happened to each; raises ``cst.ParserSyntaxError``."""
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    info = ModuleInfo.of(module)
    wanted = {f.check for f in findings}
    locator = _Locator(positions, info, [c for k, c in CODEMODS.items() if k in wanted])
    module.visit(locator)
    lines = _LINE_BREAK.split(text)
    targets: dict[int, tuple[_Candidate, Finding]] = {}
    outcomes: list[Outcome] = []
    for finding in sorted(findings, key=lambda f: (f.line, f.column, f.check)):
        candidate = _match(finding, locator.found, lines)
        if candidate is None or id(candidate.node) in targets:
            outcomes.append(Outcome(path, finding.line, finding.column, finding.check, False, "could not locate the code to change"))
            continue
        targets[id(candidate.node)] = (candidate, finding)
    timeout = (options or {}).get("http_timeout", 10)
    ctx = FixContext(info=info, http_timeout=float(timeout) if timeout is not None else 10.0)
    rewriter = _Rewriter(targets, ctx, path)
    fixed = module.visit(rewriter)
    outcomes.extend(rewriter.outcomes)
    outcomes.sort(key=lambda o: (o.line, o.column, o.check))
    return fixed.code, outcomes


def fix_file(root: Path, rel: str, findings: Sequence[Finding], options: Mapping[str, Any] | None = None) -> FileFix:
    """Fix one file in memory; on any doubt (decoding, parsing, re-encoding) leave it untouched."""
    result = FileFix(rel)
    full = root / rel
    try:
        data = full.read_bytes()
        text, encoding = decode_source(data)
    except (OSError, DecodeError) as exc:
        result.error = f"cannot read: {exc}"
        return result
    result.before = text
    try:
        ast.parse(text, filename=rel)
        new_text, outcomes = fix_source(rel, text, findings, options)
    except (SyntaxError, ValueError, cst.ParserSyntaxError, RecursionError) as exc:
        result.error = f"does not parse: {_one_line(exc)}"
        return result
    result.outcomes = outcomes
    if new_text == text:
        return result
    try:
        compile(new_text, rel, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        result.error = f"the fixed code would not parse ({_one_line(exc)}); left untouched"
        result.outcomes = [Outcome(o.path, o.line, o.column, o.check, False, "the fixed file would not parse") for o in outcomes]
        return result
    try:
        result.data = new_text.encode(encoding)
    except UnicodeEncodeError:
        result.error = f"the fixed code cannot be written as {encoding}; left untouched"
        result.outcomes = [Outcome(o.path, o.line, o.column, o.check, False, f"not encodable as {encoding}") for o in outcomes]
        return result
    result.after = new_text
    return result


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def write_fix(root: Path, fix: FileFix) -> None:
    """Replace the file atomically (temporary file, fsync, rename), keeping its permission bits."""
    assert fix.data is not None
    full = root / fix.path
    if full.is_symlink() or not full.resolve().is_relative_to(root.resolve()):
        raise OSError(f"{fix.path} is a symbolic link: not rewritten")
    mode = stat.S_IMODE(os.stat(full).st_mode)
    atomic_write_bytes(full, fix.data, mode=mode)


def fix_tree(root: Path, findings: Sequence[Finding], options: Mapping[str, Any] | None = None) -> list[FileFix]:
    """Fix every file that has findings, in path order (nothing is written here)."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.path, []).append(finding)
    return [fix_file(root, path, by_path[path], options) for path in sorted(by_path)]
