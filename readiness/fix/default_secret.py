"""``default-secret``: read the secret without a fallback, so the service refuses to start without it.

``os.getenv("JWT_SECRET", "dev")``, ``os.environ.get("JWT_SECRET", "dev")`` and
``os.environ.get("JWT_SECRET") or "dev"`` become ``os.environ["JWT_SECRET"]`` (a KeyError at
start-up names the missing variable); ``decouple.config("X", default="dev")`` loses its default;
a pydantic settings field ``jwt_secret: str = "dev"`` (or ``Field("dev", ...)``) becomes required.
"""

from __future__ import annotations

import libcst as cst

from readiness.fix.base import Codemod, FixContext, ModuleInfo, Skip, dotted, remove_arg

_GETTERS = ("getenv", "get", "config")


class DefaultSecretFix(Codemod):
    check = "default-secret"
    node_type = (cst.Call, cst.BooleanOperation, cst.AnnAssign)  # type: ignore[assignment]

    def candidate(self, node: cst.CSTNode, info: ModuleInfo) -> bool:
        if isinstance(node, cst.Call):
            name = dotted(node.func) or ""
            return name.rpartition(".")[2] in _GETTERS and _default_index(node) is not None
        if isinstance(node, cst.BooleanOperation):
            return isinstance(node.operator, cst.Or) and isinstance(node.left, cst.Call)
        return isinstance(node, cst.AnnAssign) and id(node) in info.settings_fields

    def rewrite(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode:
        if isinstance(node, cst.BooleanOperation):
            assert isinstance(node.left, cst.Call)
            read = self._environ_item(node.left, ctx)
            return read.with_changes(lpar=node.lpar, rpar=node.rpar)
        if isinstance(node, cst.AnnAssign):
            return self._required_field(node)
        assert isinstance(node, cst.Call)
        name = dotted(node.func) or ""
        if name.rpartition(".")[2] == "config":
            index = _default_index(node)
            assert index is not None
            return remove_arg(node, index)
        return self._environ_item(node, ctx).with_changes(lpar=node.lpar, rpar=node.rpar)

    @staticmethod
    def _environ_item(call: cst.Call, ctx: FixContext) -> cst.Subscript:
        name = dotted(call.func) or ""
        head, _, attr = name.rpartition(".")
        if attr not in ("getenv", "get") or any(a.star for a in call.args):
            raise Skip("not an os.getenv/os.environ.get read")
        key = next((a.value for a in call.args if a.keyword is None), None)
        if key is None:
            key = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "key"), None)
        if key is None:
            raise Skip("the variable name is not given")
        environ = ctx.info.local_for("os.environ")
        if attr == "get" and head and environ is None and ctx.info.imported.get(head.split(".")[0]) == "os":
            base: cst.BaseExpression = call.func.value  # type: ignore[attr-defined]  # os.environ as written
        elif environ is not None:
            base = cst.Name(environ)
        else:
            base = cst.Attribute(value=cst.Name(ctx.module_ref("os")), attr=cst.Name("environ"))
        return cst.Subscript(value=base, slice=[cst.SubscriptElement(slice=cst.Index(value=key))])

    @staticmethod
    def _required_field(node: cst.AnnAssign) -> cst.AnnAssign:
        value = node.value
        if isinstance(value, cst.Call):
            func = (dotted(value.func) or "").rpartition(".")[2]
            if func == "Field":
                index = _default_index(value, positional=0)
                if index is None:
                    raise Skip("Field() has no literal default")
                return node.with_changes(value=remove_arg(value, index))
            if func not in ("SecretStr", "SecretBytes"):
                raise Skip(f"{func}() is not a plain default")
        return node.with_changes(value=None, equal=cst.MaybeSentinel.DEFAULT)


def _default_index(call: cst.Call, positional: int = 1) -> int | None:
    """Index of the argument holding the default: ``default=`` or the positional one."""
    for index, arg in enumerate(call.args):
        if arg.keyword is not None and arg.keyword.value == "default":
            return index
    plain = [i for i, a in enumerate(call.args) if a.keyword is None and not a.star]
    return plain[positional] if len(plain) > positional else None
