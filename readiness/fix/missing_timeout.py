"""``missing-timeout``: give the flagged client call a timeout, or turn ``timeout=None`` into one.

The value is always a name, never a literal (a literal would be a new ``centralized-timeouts``
finding): the module's own timeout constant when it has one (``HTTP_TIMEOUT``,
``REQUEST_TIMEOUT`` ...), else the timeout an imported settings object already provides
(``settings.HTTP_TIMEOUT``), else a new module constant ``HTTP_TIMEOUT`` holding
``fix.http_timeout`` from the configuration (default 10 seconds), added after the imports.
Redis clients get ``socket_timeout=``; MongoDB and
aiohttp clients need timeouts of another shape and are not rewritten (the check does not mark
them fixable).
"""

from __future__ import annotations

import libcst as cst

from readiness.fix.base import Codemod, FixContext, Skip, append_arg, dotted, keyword_arg

_REDIS = ("Redis", "StrictRedis", "from_url", "ConnectionPool")
_NOT_HANDLED = ("MongoClient", "AsyncMongoClient", "AsyncIOMotorClient", "MotorClient", "ClientSession")


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class MissingTimeoutFix(Codemod):
    check = "missing-timeout"
    node_type = cst.Call

    def rewrite(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode:
        assert isinstance(node, cst.Call)
        name = dotted(node.func) or ""
        attr = name.rpartition(".")[2]
        if attr in _NOT_HANDLED:
            raise Skip(f"{attr}() needs timeouts of its own kind; add them by hand")
        if any(arg.star for arg in node.args):
            raise Skip("the call unpacks *args or **kwargs")
        keyword_name = "socket_timeout" if attr in _REDIS else "timeout"
        value = self._value(ctx, keyword_name)
        for index, arg in enumerate(node.args):
            if arg.keyword is not None and arg.keyword.value == keyword_name:
                if not _is_none(arg.value):
                    raise Skip(f"{keyword_name}= is already set")
                args = list(node.args)
                args[index] = arg.with_changes(value=value)
                return node.with_changes(args=args)
        return append_arg(node, keyword_arg(keyword_name, value))

    @staticmethod
    def _value(ctx: FixContext, keyword_name: str) -> cst.BaseExpression:
        constant = ctx.info.timeout_constant()
        if constant is not None:
            assigned = ctx.info.top_assigned.get(constant)
            numeric = assigned is None or isinstance(assigned, (cst.Integer, cst.Float))
            if numeric or keyword_name == "timeout":
                return cst.Name(constant)
        setting = ctx.info.setting_timeout()
        if setting is not None:
            head, _, attr = setting.partition(".")
            return cst.Attribute(value=cst.Name(head), attr=cst.Name(attr))
        return cst.Name(ctx.timeout_name())
