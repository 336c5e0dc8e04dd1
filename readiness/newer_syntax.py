"""Files written for a newer Python, parsed by a newer interpreter found on the machine.

Real services use syntax this interpreter cannot read (PEP 695 type parameters, PEP 701
f-strings, PEP 758 excepts, template strings). Rather than drop such a file, a newer ``python3.N``
on PATH parses it (``ast.parse`` only: nothing in the file runs) and hands back its tree as JSON,
which is rebuilt here with this interpreter's node classes. Nodes this interpreter lacks are
mapped to their nearest old form (a ``type`` alias becomes an assignment, a template string an
f-string, type parameters are dropped); any other unknown node refuses the whole file, which then
stays unread and is announced as before.

The interpreter is chosen by the user's environment, never by the scanned tree: absolute PATH
entries only, run isolated (``-I -S``) from a neutral folder. ``READINESS_NEWER_PYTHON`` names one
explicitly, or ``off`` switches this off.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess  # nosec B404 - runs a Python interpreter the user's PATH names, on text given via stdin
import sys
from functools import cache
from typing import Any

ENV = "READINESS_NEWER_PYTHON"
_TIMEOUT = 20.0
_NEWEST_MINOR = 20
_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")

# Run by the newer interpreter: parse stdin, print the tree as JSON. Never executes the text.
_DUMP = r"""
import ast, json, sys
POS = ("lineno", "col_offset", "end_lineno", "end_col_offset")
def enc(n):
    if isinstance(n, ast.Constant):
        v = n.value
        out = {"_": "Constant", "$": "..." if v is Ellipsis else repr(v), "kind": n.kind}
    elif isinstance(n, ast.AST):
        out = {"_": type(n).__name__}
        for f in n._fields:
            out[f] = enc(getattr(n, f, None))
    elif isinstance(n, list):
        return [enc(x) for x in n]
    else:
        return n
    for a in POS:
        if hasattr(n, a):
            out["@" + a] = getattr(n, a)
    return out
sys.setrecursionlimit(10000)
text = sys.stdin.buffer.read().decode("utf-8")
json.dump(enc(ast.parse(text, filename=sys.argv[1])), sys.stdout)
"""


def _neutral_folder() -> str:
    """Where a newer interpreter runs: the temporary folder, never the scanned tree."""
    import tempfile  # only when a file needs a newer interpreter

    return tempfile.gettempdir()


class Unsupported(ValueError):
    """A node this interpreter has no form for."""


@cache
def _version(exe: str) -> tuple[int, int] | None:
    try:
        proc = subprocess.run(  # nosec B603 - fixed arguments, no shell
            [exe, "-I", "-S", "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True, text=True, timeout=_TIMEOUT, cwd=_neutral_folder(), stdin=subprocess.DEVNULL)
        major, minor = proc.stdout.split()
        return int(major), int(minor)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


@cache
def newer_interpreter(needed: str) -> str | None:
    """The newest ``python3.N`` on PATH that reads syntax of Python ``needed`` ("3.12"), or None."""
    want = tuple(int(p) for p in needed.split(".")[:2])
    explicit = os.environ.get(ENV, "").strip()
    if explicit.lower() in ("off", "none", "0", "false"):
        return None
    if explicit:
        found = _version(explicit) if os.path.isabs(explicit) else None
        return explicit if found is not None and found >= want else None
    folders = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and os.path.isabs(d)]
    for minor in range(_NEWEST_MINOR, sys.version_info[1], -1):
        if (3, minor) < want:
            break
        for folder in [*folders, *_managed_folders(minor)]:
            exe = os.path.join(folder, f"python3.{minor}")
            if os.path.isfile(exe) and os.access(exe, os.X_OK) and _version(exe) == (3, minor):
                return exe
    return None


def _managed_folders(minor: int) -> list[str]:
    """Interpreters installed by pyenv or uv but not on PATH (a pyenv shim answers only for the active version)."""
    home = os.path.expanduser("~")
    roots = [os.path.join(os.environ.get("PYENV_ROOT") or os.path.join(home, ".pyenv"), "versions"),
             os.path.join(os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share"), "uv", "python")]
    out = []
    for root in roots:
        try:
            names = sorted(os.listdir(root), reverse=True)
        except OSError:
            continue
        out += [os.path.join(root, n, "bin") for n in names if n.startswith((f"3.{minor}.", f"cpython-3.{minor}."))]
    return out


def _constant(text: str) -> Any:
    if text == "...":
        return ...
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        pass
    try:
        return complex(text) if text.endswith("j") else float(text)  # inf, nan, infj
    except ValueError:
        raise Unsupported(f"constant {text[:40]!r}") from None


def _store(node: Any) -> Any:
    if isinstance(node, ast.Name):
        node.ctx = ast.Store()
    return node


def _build(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_build(x) for x in obj]
    if not isinstance(obj, dict):
        return obj
    name = obj.get("_")
    if name == "Constant":
        node: ast.AST = ast.Constant(value=_constant(str(obj.get("$"))), kind=obj.get("kind"))
    else:
        # Type parameters (PEP 695) have no old form and no bearing on any check: dropped.
        fields = {k: _build(v) for k, v in obj.items() if k not in ("_", "type_params") and not k.startswith("@")}
        if name == "TypeAlias":  # type X[T] = ... -> X = ...
            node = ast.Assign(targets=[_store(fields.get("name"))], value=fields.get("value"), type_comment=None)
        elif name == "TemplateStr":  # t"..." -> f"..."
            node = ast.JoinedStr(values=fields.get("values") or [])
        elif name == "Interpolation":
            node = ast.FormattedValue(value=fields.get("value"), conversion=fields.get("conversion", -1),
                                      format_spec=fields.get("format_spec"))
        else:
            klass = getattr(ast, str(name), None)
            if not (isinstance(klass, type) and issubclass(klass, ast.AST)) or name.startswith("_"):
                raise Unsupported(str(name))
            node = klass(**{k: fields.get(k) for k in klass._fields})
    for attr in _POSITIONS:
        value = obj.get("@" + attr)
        if isinstance(value, int):
            setattr(node, attr, value)
    return node


def parse_newer(text: str, path: str, needed: str) -> tuple[ast.Module, str] | None:
    """The tree of ``text`` as a newer interpreter reads it, and that interpreter's version; None if none can."""
    exe = newer_interpreter(needed)
    if exe is None:
        return None
    try:
        proc = subprocess.run(  # nosec B603 - fixed arguments, no shell; the text goes to ast.parse only
            [exe, "-I", "-S", "-c", _DUMP, os.path.basename(path)], input=text.encode("utf-8"),
            capture_output=True, timeout=_TIMEOUT, cwd=_neutral_folder())
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    try:
        tree = _build(json.loads(proc.stdout))
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(tree, ast.Module):
        return None
    version = _version(exe)
    return tree, f"{version[0]}.{version[1]}" if version else needed
