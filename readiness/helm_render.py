"""A small renderer for the common subset of Helm templates, from the chart's default values.

Charts keep their workloads in Go templates, so a CronJob that takes backups or a Deployment
with probes is invisible to a YAML parser. Real templates mostly use a handful of actions:
``if``/``else``/``with``/``range`` over values, ``include`` of label helpers, ``toYaml`` of a
values block piped to ``nindent``, ``default``, ``quote``, ``printf``, ``tpl`` of a values string and
the chart's own files (``.Files.Get``, ``.Files.Glob ... .AsConfig``) for scripts kept beside it. This renders those from
``values.yaml`` (defaults only: a block disabled by default is not rendered) and raises
``Unrenderable`` for anything else, so the caller skips the file with a note instead of
guessing. Rendering is bounded: output size, loop iterations and nesting depth are capped.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Callable, Mapping

import yaml

from readiness.lazy_regex import lazy_compile

MAX_OUTPUT = 512 * 1024
MAX_ITERATIONS = 200
MAX_DEPTH = 20
MAX_TEMPLATE = 256 * 1024

class _Included(str):
    """The output of an ``include``: helpers are not rendered; inline it reads as the helper's name."""



class Unrenderable(Exception):
    """The template uses something this renderer does not model."""


@dataclass
class _Node:
    kind: str  # text, expr, if, with, range, define
    text: str = ""
    branches: list[tuple[str, list[_Node]]] | None = None  # (condition, body); "" = else


def _tokens(template: str) -> list[tuple[str, str]]:
    """("text", s) and ("action", s) with Helm's ``{{-``/``-}}`` whitespace trimming applied.

    A linear scan (``str.find``), so an unclosed ``{{`` in a large file costs one pass.
    """
    if len(template) > MAX_TEMPLATE:
        raise Unrenderable("template too large")
    out: list[tuple[str, str]] = []
    pos = 0
    trim_next = False
    while True:
        open_at = template.find("{{", pos)
        close_at = template.find("}}", open_at + 2) if open_at >= 0 else -1
        if open_at < 0 or close_at < 0:
            break
        text = template[pos:open_at]
        body = template[open_at + 2:close_at]
        trim_before = body.startswith("-") and (len(body) == 1 or body[1].isspace())
        trim_after = body.endswith("-") and (len(body) == 1 or body[-2].isspace())
        body = body[1:] if trim_before else body
        body = body[:-1] if trim_after and body else body
        if trim_next:
            text = text.lstrip()
        if trim_before:
            text = text.rstrip()
        out.append(("text", text))
        body = body.strip()
        if not body.startswith("/*"):
            out.append(("action", body))
        trim_next = trim_after
        pos = close_at + 2
    tail = template[pos:]
    out.append(("text", tail.lstrip() if trim_next else tail))
    return out


def _parse(tokens: list[tuple[str, str]]) -> list[_Node]:
    root: list[_Node] = []
    stack: list[tuple[_Node, list[_Node]]] = []
    current = root
    for kind, body in tokens:
        if kind == "text":
            if body:
                current.append(_Node("text", body))
            continue
        word = body.split(None, 1)[0] if body.split() else ""
        rest = body[len(word):].strip()
        if word in ("if", "with", "range", "define", "block"):
            node = _Node(word, branches=[(rest, [])])
            current.append(node)
            stack.append((node, current))
            assert node.branches is not None
            current = node.branches[0][1]
        elif word == "else":
            if not stack:
                raise Unrenderable("else outside a block")
            node = stack[-1][0]
            assert node.branches is not None
            condition = rest[2:].strip() if rest.startswith("if") else ""
            if rest and not rest.startswith("if"):
                raise Unrenderable(f"else {rest.split()[0]}")
            node.branches.append((condition if condition else "", []))
            current = node.branches[-1][1]
        elif word == "end":
            if not stack:
                raise Unrenderable("end without a block")
            _, current = stack.pop()
        else:
            current.append(_Node("expr", body))
        if len(stack) > MAX_DEPTH:
            raise Unrenderable("nesting too deep")
    if stack:
        raise Unrenderable("unclosed block")
    return root


@dataclass(frozen=True)
class ChartFiles:
    """The chart's files for ``.Files``: ``get(path)`` gives a file's text (None when absent or refused),
    ``names`` every file path relative to the chart."""

    get: Callable[[str], str | None]
    names: tuple[str, ...] = ()


class _Glob(dict):  # type: ignore[type-arg]
    """The result of ``.Files.Glob``: path -> text, with ``.AsConfig`` / ``.AsSecrets``."""


class _Renderer:
    def __init__(self, values: Mapping[str, Any], release: str, files: ChartFiles | None = None) -> None:
        self.root = {"Values": values, "Release": {"Name": release, "Namespace": "default", "Service": "Helm"},
                     "Chart": {"Name": release, "Version": "0", "AppVersion": "0"}, "Capabilities": {},
                     "Template": {"Name": "template", "BasePath": "templates"}}
        self.files = files
        self.out: list[str] = []
        self.size = 0
        self.iterations = 0
        self.variables: dict[str, Any] = {}
        self.tpl_depth = 0
        self.paths = _map_paths(values)  # id of each values map -> its dotted path
        self.used: set[str] = set()  # values maps the rendered output read

    def emit(self, text: str) -> None:
        self.size += len(text)
        if self.size > MAX_OUTPUT:
            raise Unrenderable("rendered output too large")
        self.out.append(text)

    def render(self, nodes: list[_Node], dot: Any, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise Unrenderable("nesting too deep")
        for node in nodes:
            if node.kind == "text":
                self.emit(node.text)
            elif node.kind == "expr":
                if re.match(r"^\$\w+\s*:?=", node.text):
                    name, expr = node.text.split("=", 1)
                    self.variables[name.rstrip(":").strip()] = self.pipeline(expr, dot)
                    continue
                value = self.pipeline(node.text, dot)
                self.emit(_to_text(value))
            elif node.kind in ("define", "block"):
                continue  # helpers are not rendered: their uses become placeholders
            elif node.kind in ("if", "with"):
                assert node.branches is not None
                for condition, body in node.branches:
                    if condition == "" or condition is None:
                        self.render(body, dot, depth + 1)
                        break
                    value = self.pipeline(condition, dot)
                    if isinstance(value, _Included):
                        raise Unrenderable("a condition on a helper's output")
                    if _truthy(value):
                        self.render(body, value if node.kind == "with" and condition == node.branches[0][0] else dot,
                                    depth + 1)
                        break
            elif node.kind == "range":
                assert node.branches is not None
                header = node.branches[0][0]
                names: list[str] = []
                if ":=" in header:
                    left, header = header.split(":=", 1)
                    names = [n.strip() for n in left.split(",")]
                items = self.pipeline(header.strip(), dot)
                pairs: list[tuple[Any, Any]]
                if isinstance(items, dict):
                    pairs = sorted(items.items(), key=lambda kv: str(kv[0]))
                elif isinstance(items, list):
                    pairs = list(enumerate(items))
                elif items in (None, "", False, 0):
                    pairs = []
                else:
                    raise Unrenderable("range over something other than values")
                if not pairs and len(node.branches) > 1:
                    self.render(node.branches[1][1], dot, depth + 1)
                for key, item in pairs:
                    self.iterations += 1
                    if self.iterations > MAX_ITERATIONS:
                        raise Unrenderable("too many range iterations")
                    if len(names) == 2:
                        self.variables[names[0]], self.variables[names[1]] = key, item
                    elif len(names) == 1:
                        self.variables[names[0]] = item
                    self.render(node.branches[0][1], item, depth + 1)

    # -- expressions ------------------------------------------------------------------------

    def pipeline(self, text: str, dot: Any) -> Any:
        stages = _split_pipes(text)
        value = self.command(stages[0], dot, None, piped=False)
        for stage in stages[1:]:
            value = self.command(stage, dot, value, piped=True)
        return value

    def command(self, text: str, dot: Any, piped_value: Any, piped: bool) -> Any:
        words = _split_words(text)
        if not words:
            raise Unrenderable("empty command")
        head, args = words[0], words[1:]
        if head.startswith("(") and len(words) == 1:
            return self.operand(head, dot)
        if re.fullmatch(r"\$?\.Files\.(Get|Glob)", head):
            values = [self.operand(a, dot) for a in args]
            if piped:
                values.append(piped_value)
            return self.chart_files(head.rsplit(".", 1)[1], values)
        if not _is_function(head):
            if args:
                raise Unrenderable(f"cannot call {head}")
            return self.operand(head, dot)
        values = [self.operand(a, dot) for a in args] if head not in ("include", "template") else []
        if piped:
            values.append(piped_value)
        return self.function(head, args, values, dot)

    def function(self, name: str, args: list[str], values: list[Any], dot: Any) -> Any:
        if name in ("include", "template"):
            helper = args[0].strip('"`') if args else "included"
            return _Included(helper.rsplit(".", 1)[-1] if helper else "included")
        if name == "toYaml":
            value = values[-1] if values else None
            if isinstance(value, _Included):
                return value
            if value in (None, {}, []):
                return ""
            return yaml.safe_dump(_plain(value), default_flow_style=False, sort_keys=False).rstrip("\n")
        if name in ("nindent", "indent"):
            if len(values) < 2:
                raise Unrenderable(f"{name} needs two arguments")
            width, value = values[0], values[-1]
            if isinstance(value, _Included):
                return ""
            pad = " " * int(width)
            body = "\n".join(pad + line if line else line for line in _to_text(value).split("\n"))
            return ("\n" + body) if name == "nindent" else body
        if name == "default":
            if len(values) < 2:
                raise Unrenderable("default needs two arguments")
            return values[-1] if _truthy(values[-1]) else values[0]
        if name in ("quote", "squote"):
            mark = '"' if name == "quote" else "'"
            return mark + _to_text(values[-1] if values else "") + mark
        if name == "required":
            return values[-1] if values else None
        if name in ("trim", "trimSuffix", "trimPrefix", "lower", "upper", "toString", "b64enc", "trunc"):
            value = values[-1] if values else ""
            return value if isinstance(value, _Included) else _to_text(value).strip() if name == "trim" else value
        if name == "not":
            return not _truthy(values[-1] if values else None)
        if name == "and":
            return all(_truthy(v) for v in values)
        if name == "or":
            return next((v for v in values if _truthy(v)), values[-1] if values else None)
        if name in ("eq", "ne"):
            if len(values) < 2:
                raise Unrenderable(f"{name} needs two arguments")
            same = values[0] == values[1]
            return same if name == "eq" else not same
        if name == "empty":
            return not _truthy(values[-1] if values else None)
        if name == "hasKey":
            return isinstance(values[0], dict) and values[1] in values[0] if len(values) == 2 else False
        if name == "list":
            return list(values)
        if name == "dict":
            if len(values) % 2:
                raise Unrenderable("dict needs key and value pairs")
            return {_to_text(values[i]): values[i + 1] for i in range(0, len(values), 2)}
        if name in ("merge", "mergeOverwrite"):
            dicts = [v if isinstance(v, dict) else {} for v in values]
            if not dicts:
                raise Unrenderable(f"{name} needs dictionaries")
            merged: dict[str, Any] = {}
            # merge: the first map wins; mergeOverwrite: the last one does
            for one in (reversed(dicts) if name == "merge" else dicts):
                merged = _deep_merge(merged, one)
            return merged
        if name == "coalesce":
            return next((v for v in values if _truthy(v)), None)
        if name in ("int", "int64", "float64"):
            value = values[-1] if values else 0
            try:
                number = float(_to_text(value) or 0) if not isinstance(value, (int, float)) else float(value)
            except ValueError:
                number = 0.0
            return number if name == "float64" else int(number)
        if name in ("gt", "lt", "ge", "le"):
            if len(values) != 2:
                raise Unrenderable(f"{name} needs two arguments")
            left, right = values
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right)):
                if not all(isinstance(v, str) for v in (left, right)):
                    raise Unrenderable(f"{name} of mixed types")
            return {"gt": left > right, "lt": left < right, "ge": left >= right, "le": left <= right}[name]
        if name == "len":
            value = values[-1] if values else None
            return len(value) if isinstance(value, (str, list, dict)) else 0
        if name == "get":
            if len(values) != 2:
                raise Unrenderable("get needs two arguments")
            return values[0].get(_to_text(values[1]), "") if isinstance(values[0], dict) else ""
        if name == "kindIs":
            if len(values) != 2:
                raise Unrenderable("kindIs needs two arguments")
            kinds = {"map": dict, "slice": list, "string": str, "bool": bool, "int": int, "float64": float}
            wanted = kinds.get(_to_text(values[0]))
            return wanted is not None and isinstance(values[1], wanted) and not (
                wanted is int and isinstance(values[1], bool))
        if name == "join":
            if len(values) != 2 or not isinstance(values[1], list):
                raise Unrenderable("join needs a separator and a list")
            return _to_text(values[0]).join(_to_text(v) for v in values[1])
        if name == "printf":
            if not values:
                raise Unrenderable("printf needs a format")
            return _printf(_to_text(values[0]), values[1:])
        if name == "print":
            return "".join(_to_text(v) for v in values)
        if name == "tpl":
            if len(values) != 2:
                raise Unrenderable("tpl needs two arguments")
            return self.tpl(values[0], values[1])
        if name == "sha256sum":
            return hashlib.sha256(_to_text(values[-1] if values else "").encode("utf-8", "surrogatepass")).hexdigest()
        if name in ("toJson", "toPrettyJson", "toRawJson"):
            value = values[-1] if values else None
            return value if isinstance(value, _Included) else json.dumps(_plain(value), sort_keys=True)
        if name == "ternary":
            if len(values) != 3:
                raise Unrenderable("ternary needs three arguments")
            return values[0] if _truthy(values[2]) else values[1]
        if name in ("contains", "hasPrefix", "hasSuffix"):
            if len(values) != 2:
                raise Unrenderable(f"{name} needs two arguments")
            needle, text = _to_text(values[0]), _to_text(values[1])
            return needle in text if name == "contains" else (
                text.startswith(needle) if name == "hasPrefix" else text.endswith(needle))
        if name == "replace":
            if len(values) != 3:
                raise Unrenderable("replace needs three arguments")
            return _to_text(values[2]).replace(_to_text(values[0]), _to_text(values[1]))
        raise Unrenderable(f"the {name} function")

    def tpl(self, template: Any, dot: Any) -> str:
        """A values string rendered as a template in its own right (``tpl .Values.command .``), bounded."""
        if isinstance(template, _Included):
            raise Unrenderable("tpl of a helper's output")
        if self.tpl_depth >= 3:
            raise Unrenderable("tpl nested too deep")
        saved, self.out = self.out, []
        self.tpl_depth += 1
        try:
            self.render(_parse(_tokens(_to_text(template))), dot)
            return "".join(self.out)
        finally:
            self.tpl_depth -= 1
            self.out = saved

    def chart_files(self, method: str, values: list[Any]) -> Any:
        if self.files is None:
            raise Unrenderable(f"Files.{method}")
        if len(values) != 1 or not isinstance(values[0], str):
            raise Unrenderable(f"Files.{method} needs one path")
        wanted = values[0]
        if method == "Get":
            return self.files.get(wanted) or ""
        matched = _Glob()
        for name in self.files.names:
            if fnmatch.fnmatchcase(name, wanted):
                matched[name] = self.files.get(name) or ""
                if len(matched) > MAX_ITERATIONS:
                    raise Unrenderable("too many files in Files.Glob")
        return matched

    def operand(self, word: str, dot: Any) -> Any:
        value = self._operand(word, dot)
        if isinstance(value, dict) and value is not self.root.get("Values"):
            path = self.paths.get(id(value))
            if path is not None:
                self.used.add(path)
        return value

    def _operand(self, word: str, dot: Any) -> Any:
        if word.startswith('"') and word.endswith('"') and len(word) >= 2:
            return word[1:-1]
        if word.startswith("`") and word.endswith("`") and len(word) >= 2:
            return word[1:-1]
        if re.fullmatch(r"-?\d+", word):
            return int(word)
        if re.fullmatch(r"-?\d+\.\d+", word):
            return float(word)
        if word in ("true", "false"):
            return word == "true"
        if word == "nil":
            return None
        if word.startswith("(") and word.endswith(")"):
            return self.pipeline(word[1:-1], dot)
        method = re.fullmatch(r"(\(.*\))\.(\w+(?:\.\w+)*)", word, re.DOTALL)
        if method:  # (.Files.Glob "scripts/*").AsConfig, (include ...).field
            base = self.operand(method.group(1), dot)
            if isinstance(base, _Glob) and method.group(2) in ("AsConfig", "AsSecrets"):
                body = {PurePosixPath(k).name: v for k, v in sorted(base.items())}
                if method.group(2) == "AsSecrets":
                    body = {k: base64.b64encode(v.encode("utf-8", "surrogatepass")).decode() for k, v in body.items()}
                return yaml.safe_dump(body, default_flow_style=False, sort_keys=True).rstrip("\n") if body else ""
            if isinstance(base, _Included):
                raise Unrenderable("a field of a helper's output")
            return _walk(base, method.group(2))
        if word == ".":
            return dot
        if word in ("dict", "list"):  # a function called without arguments, used as an argument
            return {} if word == "dict" else []
        if word.startswith("$"):
            name, _, path = word.partition(".")
            base = self.root if name == "$" else self.variables.get(name)
            if name != "$" and name not in self.variables:
                raise Unrenderable(f"the variable {name}")
            return _walk(base, path)
        if word.startswith("."):
            if word.startswith((".Values", ".Release", ".Chart", ".Capabilities", ".Files", ".Template")):
                if word.startswith((".Files", ".Capabilities")):
                    raise Unrenderable(word.split(".")[1])
                return _walk(self.root, word[1:])
            return _walk(dot, word[1:])
        raise Unrenderable(f"the operand {word[:30]}")


_VERB_RE = lazy_compile(r"%[-+# 0]*\d*(?:\.\d+)?([svdqtfx%])")


def _printf(fmt: str, args: list[Any]) -> str:
    """Go's ``fmt.Sprintf`` for the verbs templates use (%s %v %d %q %t %f %x); others are unrenderable."""
    if "%" in fmt and not _VERB_RE.search(fmt):
        raise Unrenderable("printf verb")
    queue = list(args)

    def one(match: re.Match[str]) -> str:
        verb = match.group(1)
        if verb == "%":
            return "%"
        if not queue:
            return f"%!{verb}(MISSING)"
        value = queue.pop(0)
        if isinstance(value, _Included) and verb not in ("s", "v"):
            raise Unrenderable("printf of a helper's output")
        if verb == "q":
            return json.dumps(_to_text(value))
        if verb == "d":
            return str(int(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else _to_text(value)
        return _to_text(value)

    return _VERB_RE.sub(one, fmt)


def _map_paths(values: Any, limit: int = 20_000) -> dict[int, str]:
    """The dotted path of every map in the values (breadth first, bounded), to tell which blocks a render read."""
    out: dict[int, str] = {}
    queue: list[tuple[Any, str]] = [(values, "")]
    while queue and len(out) < limit:
        node, path = queue.pop(0)
        if not isinstance(node, dict) or id(node) in out:
            continue
        out[id(node)] = path
        queue.extend((child, f"{path}.{key}" if path else str(key)) for key, child in node.items() if isinstance(child, dict))
    return out


def _deep_merge(low: Mapping[str, Any], high: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
    """``high`` over ``low``, nested maps merged key by key (sprig's merge semantics), bounded."""
    if depth > 40:
        raise Unrenderable("values nested too deep")
    out = dict(low)
    for key, value in high.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value, depth + 1)
        else:
            out[key] = value
    return out


def _walk(base: Any, path: str) -> Any:
    value = base
    for part in [p for p in path.split(".") if p]:
        if isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _plain(value: Any, depth: int = 0) -> Any:
    """Values as plain dicts and lists (the loader's line-recording mappings cannot be dumped)."""
    if depth > 40:
        raise Unrenderable("values nested too deep")
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, depth + 1) for v in value]
    return value


def _is_function(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_]\w*", word)) and word not in ("true", "false", "nil")


def _truthy(value: Any) -> bool:
    if isinstance(value, _Included):
        return True
    return value not in (None, False, 0, "", [], {})


def _to_text(value: Any) -> str:
    if isinstance(value, _Included):
        return str.__str__(value)
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(_plain(value), default_flow_style=True).strip()
    return str(value)


def _split_pipes(text: str) -> list[str]:
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p] or [""]


def _split_words(text: str) -> list[str]:
    words, depth, quote, current = [], 0, "", ""
    for i, ch in enumerate(text):
        if quote:
            current += ch
            if ch == quote and text[i - 1] != "\\":
                quote = ""
            continue
        if ch in "\"`":
            quote = ch
            current += ch
        elif ch == "(":
            depth += 1
            current += ch
        elif ch == ")":
            depth -= 1
            current += ch
        elif ch.isspace() and depth == 0:
            if current:
                words.append(current)
            current = ""
        else:
            current += ch
    if current:
        words.append(current)
    return words


def render(template: str, values: Mapping[str, Any], release: str = "release", files: ChartFiles | None = None,
           used: set[str] | None = None) -> str:
    """The template rendered from ``values``; raises ``Unrenderable`` outside the subset.

    ``files`` gives ``.Files.Get``/``.Files.Glob`` the chart's own files (without it they are unrenderable);
    ``used`` collects the dotted paths of the values maps the output read (``web.resources``).
    """
    renderer = _Renderer(values, release, files)
    try:
        renderer.render(_parse(_tokens(template)), renderer.root)
        if used is not None:
            used.update(renderer.used)
    except (RecursionError, ValueError, TypeError, yaml.YAMLError) as exc:
        raise Unrenderable(type(exc).__name__) from exc
    return "".join(renderer.out)

