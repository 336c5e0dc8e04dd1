"""``swallowed-exception``: log the exception where the handler's body only passes.

``except Exception: pass`` becomes ``except Exception: logger.exception("...")`` on the module
logger (reused under whatever name the module gives it, or added once after the imports); a bare
``except: pass`` also narrows to ``except Exception:`` so that KeyboardInterrupt and SystemExit
stop the service as intended. Handlers that do anything besides ``pass`` are left for a person.
"""

from __future__ import annotations

import libcst as cst

from readiness.fix.base import Codemod, FixContext, ModuleInfo, Skip, has_comment


def _only_passes(body: cst.BaseSuite) -> bool:
    statements = body.body
    smalls: list[cst.BaseSmallStatement] = []
    for stmt in statements:
        if isinstance(stmt, cst.SimpleStatementLine):
            smalls.extend(stmt.body)
        elif isinstance(stmt, cst.BaseSmallStatement):
            smalls.append(stmt)
        else:
            return False
    return bool(smalls) and all(isinstance(s, cst.Pass) for s in smalls)


class SwallowedExceptionFix(Codemod):
    check = "swallowed-exception"
    node_type = cst.ExceptHandler

    def candidate(self, node: cst.CSTNode, info: ModuleInfo) -> bool:
        return isinstance(node, cst.ExceptHandler)

    def rewrite(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode:
        assert isinstance(node, cst.ExceptHandler)
        if not _only_passes(node.body):
            raise Skip("the handler does more than pass")
        where = ctx.info.scopes.get(id(ctx.original))
        message = f"ignored error in {where}()" if where else "ignored error"
        call = cst.Expr(cst.parse_expression(f'{ctx.logger()}.exception("{message}")'))
        body = node.body
        new_body: cst.BaseSuite
        if isinstance(body, cst.SimpleStatementSuite):
            new_body = body.with_changes(body=[call])
        else:
            assert isinstance(body, cst.IndentedBlock)
            head, *rest = body.body
            assert isinstance(head, cst.SimpleStatementLine)
            if any(has_comment(line) for line in rest):
                raise Skip("a comment between the passes would be lost")
            new_body = body.with_changes(body=[head.with_changes(body=[call])])
        changes: dict[str, object] = {"body": new_body}
        if node.type is None:
            changes["type"] = cst.Name("Exception")
            changes["whitespace_after_except"] = cst.SimpleWhitespace(" ")
        return node.with_changes(**changes)
