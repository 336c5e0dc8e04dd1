"""Option values turned into ``str``, ``Path`` and lists of them without pydantic.

Typer (0.2x) coerces every option through a pydantic ``TypeAdapter``, built on first use: a
command that only names a path or a word pays about 0.1 s to import pydantic and build the
adapters. Here the plain cases are done directly, with Typer's own path checks; anything
else (numbers given on the command line, choices, files, a parser) goes to Typer as before,
so values and error messages do not change. On a Typer without these internals nothing is
replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

try:
    from typer._coercion import build_runtime_param
    from typer._param_types import coerce_cli_path
    from typer.core import TyperArgument, TyperGroup, TyperOption
except ImportError:  # pragma: no cover - a Typer without runtime params: its own coercion stays
    from typer.core import TyperGroup

    _PARAM_TYPES: tuple[type, ...] = ()
else:
    _PARAM_TYPES = (TyperOption, TyperArgument)

_MISSING = object()


class _DirectParam:
    """Coerces plain values like Typer would; hands the rest to Typer's own runtime param."""

    def __init__(self, descriptor: Any) -> None:
        self.descriptor = descriptor
        self._typer: Any = None

    def _delegate(self, value: Any, param: Any, ctx: Any) -> Any:
        if self._typer is None:
            self._typer = build_runtime_param(self.descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multi = param.multiple or param.nargs == -1
        if value is None:
            return () if multi else None
        annotation = self.descriptor.annotation
        if multi and get_origin(annotation) is list and isinstance(value, (list, tuple)):
            (item_type,) = get_args(annotation) or (_MISSING,)
            items = [self._leaf(item_type, item, param, ctx) for item in value]
            if all(item is not _MISSING for item in items):
                return items
        elif not multi:
            result = self._leaf(annotation, value, param, ctx)
            if result is not _MISSING:
                return result
        return self._delegate(value, param, ctx)

    def _leaf(self, annotation: Any, value: Any, param: Any, ctx: Any) -> Any:
        info = self.descriptor.parameter_info
        if info.parser is not None or self.descriptor.file_annotation is not None:
            return _MISSING
        if annotation in (int, float) and type(value) is annotation and info.min is None and info.max is None:
            return value  # a default written in the code
        if annotation is str and type(value) is str:
            return value
        if annotation is Path and type(value) is str and value and info.path_type is None:
            return coerce_cli_path(Path(value), info, path_type=Path, param=param, ctx=ctx)
        return _MISSING


def _direct_params(params: list[Any]) -> list[Any]:
    for param in params:
        if isinstance(param, _PARAM_TYPES) and getattr(param, "_runtime_param", _MISSING) is None:
            param._runtime_param = _DirectParam(param.type_descriptor)
    return params


def _direct(command: Any) -> Any:
    """The command's parameters, and the help option it adds while parsing, coerce directly."""
    if command is not None and not getattr(command, "_direct_params", False):
        get_params = command.get_params
        command.get_params = lambda ctx: _direct_params(get_params(ctx))
        command._direct_params = True
    return command


class DirectGroup(TyperGroup):
    """A command group whose commands coerce plain option values without pydantic."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return _direct(super().get_command(ctx, cmd_name))

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        _direct(self)
        return super().make_context(info_name, args, parent=parent, **extra)
