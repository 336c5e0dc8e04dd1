"""``print-call``: ``print(a, b)`` becomes ``logger.info("%s %s", a, b)`` on a module logger.

String literals and f-string text fold into the format string (``print("created", order)``
becomes ``logger.info("created %s", order)``), so the logged text is exactly what print() wrote;
``file=sys.stderr`` becomes ``logger.error`` (``logger.warning`` for text that says it warns).
Calls whose output a logger cannot reproduce (``end=``, computed ``sep=``, a real ``file=``,
``*args``) are left alone and reported; ``shapes.print_problem`` decides, for the check too.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import libcst as cst

from readiness.fix.base import Codemod, FixContext, ModuleInfo, Skip, as_ast_expr, has_comment, separator
from readiness.fix.shapes import print_problem, std_stream


@dataclass
class _Format:
    pieces: list[str] = field(default_factory=list)  # literal text, with None-free "%s" markers
    args: list[cst.BaseExpression] = field(default_factory=list)
    literal: list[str] = field(default_factory=list)  # literal text only, to choose the level
    quote: str | None = None


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def _literal(value: str, quote: str) -> str:
    body = repr(value)
    if quote == '"' and '"' not in value:
        return '"' + body[1:-1].replace("\\'", "'") + '"'
    return body


def _simple_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (non-bytes) string literal or a concatenation of them."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        if isinstance(node, cst.SimpleString) and "b" in node.prefix.lower():
            return None
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _fstring_text(node: cst.FormattedString, raw: str) -> str:
    prefix = node.prefix.lower().replace("f", "")
    quote = node.start[len(node.prefix):]
    value = ast.literal_eval(f"{prefix}{quote}{raw}{quote}")
    assert isinstance(value, str)
    return value.replace("{{", "{").replace("}}", "}")


def _fold_fstring(node: cst.FormattedString, fmt: _Format) -> bool:
    """Fold an f-string into the format; False when it has parts a format cannot express."""
    pieces: list[str] = []
    args: list[cst.BaseExpression] = []
    literal: list[str] = []
    try:
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                text = _fstring_text(node, part.value)
                pieces.append(_escape(text))
                literal.append(text)
                continue
            assert isinstance(part, cst.FormattedStringExpression)
            if part.equal is not None or has_comment(part.expression):
                return False
            expression = part.expression.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()]) \
                if isinstance(part.expression, (cst.Lambda, cst.NamedExpr, cst.Yield)) else part.expression
            marker = {"r": "%r", "a": "%a"}.get(part.conversion or "", "%s")
            if part.format_spec:
                if any(not isinstance(p, cst.FormattedStringText) for p in part.format_spec):
                    return False
                spec = "".join(p.value for p in part.format_spec if isinstance(p, cst.FormattedStringText))
                inner = cst.Call(func=cst.Name({"r": "repr", "a": "ascii"}[part.conversion]), args=[cst.Arg(expression)]) \
                    if part.conversion in ("r", "a") else expression
                expression = cst.Call(func=cst.Name("format"), args=[
                    cst.Arg(inner, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                    cst.Arg(cst.SimpleString(_literal(spec, '"'))),
                ])
                marker = "%s"
            pieces.append(marker)
            args.append(expression)
    except (ValueError, SyntaxError):
        return False
    fmt.pieces.append("".join(pieces))
    fmt.args.extend(args)
    fmt.literal.extend(literal)
    return True


class PrintCallFix(Codemod):
    check = "print-call"
    node_type = cst.Call

    def candidate(self, node: cst.CSTNode, info: ModuleInfo) -> bool:
        return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "print"

    def rewrite(self, node: cst.CSTNode, ctx: FixContext) -> cst.CSTNode:
        assert isinstance(node, cst.Call)
        parsed = as_ast_expr(node)
        assert isinstance(parsed, ast.Call)
        problem = print_problem(parsed)
        if problem is not None:
            raise Skip(problem)
        keywords = {arg.keyword.value: arg for arg in node.args if arg.keyword is not None}
        sep = " "
        if "sep" in keywords:
            sep = _simple_value(keywords["sep"].value) or " "  # None (the literal) means the default
        level = "info"
        if "file" in keywords:
            stream = std_stream(as_ast_expr(keywords["file"].value))
            level = "error" if stream == "stderr" else "info"
        values = [arg for arg in node.args if arg.keyword is None]
        for folding in (True, False):
            call = self._build(node, values, sep, level, folding, ctx)
            if call is not None:
                return call
        raise Skip("a comment inside the call would be lost")

    def _build(
        self, node: cst.Call, values: list[cst.Arg], sep: str, level: str, folding: bool, ctx: FixContext,
    ) -> cst.Call | None:
        fmt = _Format()
        folded: list[bool] = []
        extracted: list[list[cst.BaseExpression]] = []  # per value: expressions moved out of an f-string
        for arg in values:
            before = len(fmt.args)
            text = _simple_value(arg.value) if folding else None
            if text is not None:
                fmt.pieces.append(_escape(text))
                fmt.literal.append(text)
                folded.append(True)
                if fmt.quote is None and isinstance(arg.value, cst.SimpleString) and len(arg.value.quote) == 1:
                    fmt.quote = arg.value.quote
            elif folding and isinstance(arg.value, cst.FormattedString) and not arg.star and _fold_fstring(arg.value, fmt):
                folded.append(True)
                if fmt.quote is None and len(arg.value.end) == 1:
                    fmt.quote = arg.value.end
            else:
                fmt.pieces.append("%s")
                fmt.args.append(arg.value)
                folded.append(False)
            extracted.append(fmt.args[before:] if folded[-1] else [])
        if fmt.args:
            text = _escape(sep).join(fmt.pieces)
        else:  # no arguments: logging does not %-format, so the text stays as printed
            text = sep.join(fmt.literal)
        if level == "error" and any("warn" in t.lower() for t in fmt.literal):
            level = "warning"
        message = cst.SimpleString(_literal(text, fmt.quote or '"'))
        if not node.args:
            return node.with_changes(func=self._func(ctx, level), args=[cst.Arg(message)])
        # Each new argument takes the "slot" (comma and whitespace, with any comment) of an old one;
        # the message takes the first slot when the first argument folded into it, the last new
        # argument takes the last slot. A comment in a slot nobody takes would be lost: refuse.
        owners: list[tuple[cst.Arg, cst.Arg | None]] = []  # (new argument, old argument whose slot it has)
        if values and folded[0]:
            owners.append((cst.Arg(message), values[0]))
        else:
            owners.append((cst.Arg(message, comma=separator(node)), None))
        for arg, was_folded, moved in zip(values, folded, extracted, strict=True):
            if was_folded:
                owners.extend((cst.Arg(expression, comma=separator(node)), None) for expression in moved)
            else:
                owners.append((arg, arg))
        owners[-1] = (owners[-1][0], node.args[-1])
        used = {id(old) for _, old in owners if old is not None}
        if any(has_comment(a.comma) or has_comment(a.whitespace_after_arg) for a in node.args if id(a) not in used):
            return None
        new_args = [
            new if old is None else new.with_changes(comma=old.comma, whitespace_after_arg=old.whitespace_after_arg)
            for new, old in owners
        ]
        return node.with_changes(func=self._func(ctx, level), args=new_args)

    @staticmethod
    def _func(ctx: FixContext, level: str) -> cst.Attribute:
        return cst.Attribute(value=cst.Name(ctx.logger()), attr=cst.Name(level))
