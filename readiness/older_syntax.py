"""Newer syntax rewritten to its older form, when no newer interpreter is on the machine.

Two features of newer Pythons are spelled differently but mean the same to every check: PEP 758
excepts without parentheses (``except A, B:`` is ``except (A, B):``) and PEP 695 type parameters
(``def first[T](xs: list[T]) -> T``, ``class Box[T]:``, ``type Ids = list[int]``), which no check
reads. Their tokens are rewritten in place, on the same lines, so every line number stays right
(a column on a rewritten line may move by the characters added or dropped). The text is only
tokenised and parsed: nothing in it runs. PEP 701 f-strings and PEP 750 template strings are
not rewritten: their files stay unread, as before.
"""

from __future__ import annotations

import io
import tokenize
from typing import Iterator

_OPEN = {"(": ")", "[": "]", "{": "}"}


def rewrite(text: str) -> str | None:
    """``text`` with PEP 758 excepts parenthesised and PEP 695 type parameters dropped; None when nothing
    changed or the text cannot be tokenised."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                  if t.type not in (tokenize.NL, tokenize.COMMENT)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    edits: list[tuple[tuple[int, int], tuple[int, int], str]] = []  # (start, end, replacement)
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME:
            continue
        if tok.string == "except":
            edits.extend(_bare_except_tuple(tokens, i))
        elif tok.string in ("def", "class") and i + 2 < len(tokens) and tokens[i + 1].type == tokenize.NAME \
                and tokens[i + 2].string == "[":
            end = _closing(tokens, i + 2)
            if end is not None:
                edits.append((tokens[i + 2].start, tokens[end].end, ""))
        elif tok.string == "type" and _statement_start(tokens, i) and i + 2 < len(tokens) \
                and tokens[i + 1].type == tokenize.NAME and tokens[i + 2].string in ("=", "["):
            edits.append((tok.start, tokens[i + 1].start, ""))  # type Ids = ... -> Ids = ...
            if tokens[i + 2].string == "[":
                end = _closing(tokens, i + 2)
                if end is not None:
                    edits.append((tokens[i + 2].start, tokens[end].end, ""))
    if not edits:
        return None
    lines = text.splitlines(keepends=True)
    for (srow, scol), (erow, ecol), new in sorted(edits, reverse=True):
        if srow != erow:
            return None  # a rewrite that would move lines: not done
        line = lines[srow - 1]
        lines[srow - 1] = line[:scol] + new + line[ecol:]
    return "".join(lines)


def _statement_start(tokens: list[tokenize.TokenInfo], i: int) -> bool:
    return i == 0 or tokens[i - 1].type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT) \
        or tokens[i - 1].string == ";"


def _closing(tokens: list[tokenize.TokenInfo], i: int) -> int | None:
    """The index of the bracket that closes the one at ``i``."""
    depth = 0
    for j in range(i, len(tokens)):
        s = tokens[j].string
        if tokens[j].type == tokenize.OP and s in _OPEN:
            depth += 1
        elif tokens[j].type == tokenize.OP and s in _OPEN.values():
            depth -= 1
            if depth == 0:
                return j
        elif tokens[j].type == tokenize.NEWLINE:
            return None
    return None


def _bare_except_tuple(tokens: list[tokenize.TokenInfo], i: int) -> Iterator[tuple[tuple[int, int], tuple[int, int], str]]:
    """Parentheses around ``except A, B:`` (or ``except* A, B:``): a comma at the top level, no ``as``."""
    j = i + 1
    if j < len(tokens) and tokens[j].string == "*":
        j += 1
    first = j
    depth, comma = 0, False
    while j < len(tokens):
        tok = tokens[j]
        if tok.type == tokenize.OP and tok.string in _OPEN:
            depth += 1
        elif tok.type == tokenize.OP and tok.string in _OPEN.values():
            depth -= 1
        elif depth == 0 and tok.string == ",":
            comma = True
        elif depth == 0 and (tok.string == "as" or tok.type == tokenize.NEWLINE):
            return
        elif depth == 0 and tok.string == ":":
            break
        j += 1
    else:
        return
    if comma and j > first:
        yield tokens[j - 1].end, tokens[j - 1].end, ")"
        yield tokens[first].start, tokens[first].start, "("
