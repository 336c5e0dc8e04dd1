"""``default-secret``: read the secret without a fallback, so the service refuses to start without it."""

from __future__ import annotations

import libcst as cst

from readiness.fix.base import Codemod, FixContext, Skip


class DefaultSecretFix(Codemod):
    check = "default-secret"
    node_type = cst.Call

    def rewrite(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode:
        raise Skip("not implemented")
