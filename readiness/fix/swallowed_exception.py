"""``swallowed-exception``: log the exception where the handler's body only passes."""

from __future__ import annotations

import libcst as cst

from readiness.fix.base import Codemod, FixContext, Skip


class SwallowedExceptionFix(Codemod):
    check = "swallowed-exception"
    node_type = cst.ExceptHandler

    def rewrite(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode:
        raise Skip("not implemented")
