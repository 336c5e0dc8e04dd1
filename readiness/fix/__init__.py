"""``readiness fix``: libcst codemods that repair what a scan flags, and nothing else.

The scan engine decides *where* (findings with a path, line and column); each codemod decides
*how*, at exactly those positions, so a print() in a ``__main__`` block or a test, which is no
finding, is never rewritten. This package's ``__init__`` stays free of libcst so that checks can
import the shape predicates in ``shapes`` without paying for it on every scan.
"""

from __future__ import annotations

#: The checks that have a codemod, in the order their fixes are applied and reported.
FIXABLE_CHECKS: tuple[str, ...] = ("print-call", "missing-timeout", "default-secret", "swallowed-exception")
