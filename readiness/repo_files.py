"""The repository's non-Python files, parsed once per scan: CI, hooks, manifests, Dockerfiles, docs.

Many checks ask the same questions of the same files ("does CI run ruff?", "which containers
lack limits?", "is there a scheduled mongodump?"). ``repo_files(project)`` parses every such
file once per scan (memoised with ``Project.tool``) into plain records that carry their file and
line, so findings can point at them. Parsing never raises: a malformed file becomes a
``Problem`` the checks mention, and the rest of the repository is still read.

Command text is kept for matching only; checks name tools and places in their messages, never
the command text itself, which may hold credentials.
"""

from __future__ import annotations

import ast
import configparser
import functools
import json
import posixpath
import re
import shlex
import sys
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from readiness.lazy_regex import lazy_compile
from readiness.project import construct_own_tag, load_yaml_documents
from readiness.source import _parse as parse_python

if TYPE_CHECKING:
    from readiness.project import Project


# -- records ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """A repository file that could not be read as what it claims to be."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True)
class Command:
    """One shell command (or action step, or hook) a repository file runs.

    ``ignores_failure`` is set when the surrounding configuration discards the outcome
    (``continue-on-error: true``, GitLab ``allow_failure``, a tox ``-`` prefix, ``set +e``);
    ``invocations`` adds what the command line itself does (``|| true``, ``; exit 0``).
    """

    path: str
    line: int
    text: str
    origin: str  # github-actions, gitlab-ci, circleci, pre-commit, tox, nox, make, script, dockerfile, kubernetes, cron, systemd
    context: str = ""  # job / step / env / session / target name
    ignores_failure: bool = False
    scheduled: bool = False
    action: str = ""  # a GitHub ``uses:`` reference, or a pre-commit hook's repository

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def invocations(self, pattern: re.Pattern[str]) -> list[tuple[str, bool]]:
        """(matched text, failure ignored) for each segment of the command matching ``pattern``."""
        out = []
        for segment, ignored in split_segments(self.text):
            match = pattern.search(segment)
            if match is not None:
                out.append((match.group(0), ignored or self.ignores_failure or exit_zero(segment)))
        if self.action:
            match = pattern.search(self.action)
            if match is not None:
                out.append((match.group(0), self.ignores_failure or exit_zero(self.text)))
        return out


@dataclass(frozen=True)
class Container:
    """One container of a Kubernetes workload."""

    path: str
    line: int
    workload: str  # "CronJob/mongo-backup"
    kind: str
    name: str
    image: str
    command: tuple[str, ...]
    args: tuple[str, ...]
    requests: tuple[str, ...]  # resource names with a request (cpu, memory)
    limits: tuple[str, ...]
    env: tuple[str, ...]  # variable names only: values may be secrets
    schedule: str = ""  # a CronJob's schedule
    probes: tuple[str, ...] = ()  # "liveness /healthz", "readiness tcp 8000", "startup exec"
    rendered: bool = False  # from a Helm template rendered with the chart's default values
    values_ref: tuple[str, int] = ("", 0)  # the values.yaml block (path, line) its resources are rendered from

    @property
    def script(self) -> str:
        return " ".join([self.image, *self.command, *self.args])


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes object (any kind), kept whole for custom resources (Velero, PBM)."""

    path: str
    line: int
    api_version: str
    kind: str
    name: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class HelmResources:
    """A ``resources:`` block in a Helm values file."""

    path: str
    line: int
    key: str  # dotted key path, e.g. "api.resources"
    has_requests: bool
    has_limits: bool


@dataclass(frozen=True)
class TfBlock:
    """One Terraform block (resource, data source, module or variable), its body as plain data.

    String values keep Terraform's syntax without the quotes: ``"${var.retention}"`` for an
    expression; ``RepoFiles.tf_value`` resolves a variable reference to its default.
    """

    path: str
    line: int
    kind: str  # resource, data, module, variable
    type: str  # aws_db_instance ("" for module/variable)
    name: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class Sizing:
    """The cpu and memory a platform gives one service or container outside Kubernetes."""

    path: str
    line: int
    platform: str  # "ECS task definition", "Azure Container App", "Cloud Run", "docker compose", ...
    name: str
    cpu: str  # "" when not declared
    memory: str


@dataclass(frozen=True)
class SecretStoreUse:
    """Infrastructure that keeps or delivers the service's secrets through a secrets manager."""

    path: str
    line: int
    label: str  # "AWS Secrets Manager (ECS task secrets)"


@dataclass
class RepoFiles:
    commands: list[Command] = field(default_factory=list)  # CI, hooks, tox, nox, Dockerfiles, cron, manifests
    ci_files: list[str] = field(default_factory=list)
    precommit_hooks: list[Command] = field(default_factory=list)
    precommit_ci: bool = False  # pre-commit.ci configured (a ``ci:`` section)
    gitlab_includes: list[tuple[str, int, str]] = field(default_factory=list)  # (path, line, template or file)
    tox_envs: dict[str, list[Command]] = field(default_factory=dict)
    nox_sessions: dict[str, list[Command]] = field(default_factory=dict)
    make_targets: dict[str, list[Command]] = field(default_factory=dict)
    make_prereqs: dict[str, list[str]] = field(default_factory=dict)  # target -> prerequisite targets
    just_recipes: dict[str, list[Command]] = field(default_factory=dict)  # justfile recipe -> its commands
    just_deps: dict[str, list[str]] = field(default_factory=dict)  # recipe -> the recipes it runs first
    tasks: dict[str, list[Command]] = field(default_factory=dict)  # pyproject task (hatch, pdm, poe, taskipy) -> commands
    scripts: dict[str, list[Command]] = field(default_factory=dict)  # shell script path -> its lines
    installed: dict[str, str] = field(default_factory=dict)  # where a Dockerfile COPY puts a file -> the file
    containers: list[Container] = field(default_factory=list)
    manifests: list[Manifest] = field(default_factory=list)
    helm_resources: list[HelmResources] = field(default_factory=list)
    terraform: list[TfBlock] = field(default_factory=list)
    tf_variables: dict[tuple[str, str], Any] = field(default_factory=dict)  # (module dir, name) -> default
    sizings: list[Sizing] = field(default_factory=list)
    secret_stores: list[SecretStoreUse] = field(default_factory=list)
    unrendered: list[Problem] = field(default_factory=list)  # Helm templates outside the rendered subset
    dockerfiles: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def tf_value(self, block: TfBlock, value: Any) -> Any:
        """A literal, or a ``var.x`` reference resolved to the variable's default in the block's module; None if unresolved."""
        if isinstance(value, (int, float, bool)) or value is None:
            return value
        if not isinstance(value, str):
            return value
        match = re.fullmatch(r"\$\{var\.(\w+)\}", value.strip())
        if match:
            return self.tf_variables.get((str(PurePosixPath(block.path).parent), match.group(1)))
        if "${" in value:
            return None
        return value

    def tf_blocks(self, *types: str) -> list[TfBlock]:
        return [b for b in self.terraform if b.type in types]

    def ci_commands(self) -> list[Command]:
        """Commands CI runs, with make targets, tox envs, nox sessions, scripts and pre-commit expanded."""
        direct = [c for c in self.commands if c.origin in CI_ORIGINS]
        out: list[Command] = []
        for command in direct:
            out.append(command)
            out.extend(self.expand(command))
            if command.action.startswith(_PRECOMMIT_ACTIONS):
                out.extend(_inherit(hook, command) for hook in self.precommit_hooks)
        if self.precommit_ci:  # pre-commit.ci runs every hook on every pull request
            out.extend(h for h in self.precommit_hooks if h not in out)
        return out

    def expand(self, command: Command, depth: int = 0) -> list[Command]:
        """The commands a command delegates to (one ``make lint`` -> the recipe of ``lint``)."""
        if depth > 2 or not command.text:
            return []
        found: list[Command] = []
        for segment, ignored in split_segments(command.text):
            ignored = ignored or command.ignores_failure
            for child in self._delegates(segment):
                inherited = _inherit(child, command, ignored)
                found.append(inherited)
                found.extend(self.expand(inherited, depth + 1))
        return found

    def _delegates(self, segment: str) -> list[Command]:
        words = _words(segment)
        if not words:
            return []
        words = _strip_runner(words)
        if not words:
            return []
        head = PurePosixPath(words[0]).name
        task = self._task_named(segment, words)
        if task is not None:
            return self.tasks[task]
        if head in ("make", "gmake"):
            targets = [w for w in words[1:] if not w.startswith("-") and "=" not in w] or list(self.make_targets)[:1]
            return [c for t in self._with_prereqs(targets) for c in self.make_targets.get(t, [])]
        if head == "just":  # just lint ARGS: the first word names the recipe, the rest are its arguments
            recipe = [w for w in words[1:] if not w.startswith("-") and "=" not in w][:1] or list(self.just_recipes)[:1]
            return [c for r in self._with_prereqs(recipe, self.just_deps) for c in self.just_recipes.get(r, [])]
        if head == "tox":
            envs = _option_values(words, ("-e", "--env")) or list(self.tox_envs)
            return [c for env in envs for e in env.split(",") for c in self.tox_envs.get(e.strip(), [])]
        if head == "nox":
            sessions = _option_values(words, ("-s", "--session", "--sessions")) or list(self.nox_sessions)
            return [c for s in sessions for c in self.nox_sessions.get(s, [])]
        if head in ("pre-commit", "prek"):
            if "run" in words or len(words) == 1:
                hook_ids = [w for w in words[words.index("run") + 1:] if not w.startswith("-")] if "run" in words else []
                return [h for h in self.precommit_hooks if not hook_ids or h.context in hook_ids]
            return []
        if head in _WRAPPERS and len(words) > 1:
            # monitor ID ./backup.sh, flock -n LOCK backup.sh, timeout 1h backup.sh: the script the wrapper runs
            return [c for w in words[1:] if (script := self._script_named(w)) is not None for c in self.scripts[script]]
        if head in ("bash", "sh", "zsh", "dash") and len(words) > 2 and words[1] in ("-c", "-ec", "-ce", "-e"):
            candidates = words[2:3] if words[1] != "-e" else words[2:3]
            if candidates and " " in candidates[0]:  # sh -c "cd /app && ./backup.sh": the first program it runs
                return [c for part, _ in split_segments(candidates[0]) for c in self._delegates(part)]
        else:
            candidates = words[1:2] if head in ("bash", "sh", "zsh") else words[:1]
        out: list[Command] = []
        for word in candidates:
            script = self._script_named(word)
            if script is not None:
                out.extend(self.scripts[script])
        return out

    def _task_named(self, segment: str, words: list[str]) -> str | None:
        """The pyproject task a task runner runs: ``hatch run lint-check``, ``hatch run lint:check``,
        ``pdm run lint``, ``poe lint``, ``poetry run task lint``; None for any other command."""
        if not self.tasks:
            return None
        runner = PurePosixPath(_words(segment)[0]).name
        head = PurePosixPath(words[0]).name
        if head in ("poe", "task") and len(words) > 1:
            name = words[1]
        elif runner in ("hatch", "pdm"):
            name = head.rpartition(":")[2] if runner == "hatch" else head
        else:
            return None
        return name if name in self.tasks else None

    def _with_prereqs(self, targets: list[str], prereqs: dict[str, list[str]] | None = None) -> list[str]:
        """The targets and, first, the prerequisites make (or just) runs before them (``test: lint``), bounded."""
        prereqs = self.make_prereqs if prereqs is None else prereqs
        ordered: list[str] = []
        stack = list(reversed(targets))
        while stack and len(ordered) < 50:
            target = stack.pop()
            if target in ordered:
                continue
            ordered.append(target)
            stack.extend(reversed([p for p in prereqs.get(target, []) if p not in ordered]))
        return ordered

    def _script_named(self, word: str) -> str | None:
        """The repository script a command names: ``./scripts/x.sh``, ``/opt/app/scripts/x.sh`` or a unique basename."""
        word = word.removeprefix("./")
        if word in self.scripts:
            return word
        if self.installed.get(word) in self.scripts:  # COPY ./backup.sh /usr/local/bin/app-backup.sh
            return self.installed[word]
        for rel in self.scripts:
            if word.endswith("/" + rel):
                return rel
        name = PurePosixPath(word).name
        same = sorted(rel for rel in self.scripts if PurePosixPath(rel).name == name)
        if not same or not name.endswith((".sh", ".bash")):
            return None
        # one script, or the same script twice (a chart file and the ConfigMap that mounts it)
        bodies = {tuple(c.text for c in self.scripts[rel]) for rel in same}
        return same[0] if len(bodies) == 1 else None


_SCRIPT_DIRS = frozenset({"scripts", "script", "bin", "ci", "tools", "hack", ".ci"})
_SHELL_SHEBANG_RE = lazy_compile(r"#!\s*(?:/usr)?/bin/(?:env\s+)?(?:ba|z|da)?sh\b")


# What a remote hook runs when its id is not the command (ruff-pre-commit's ``ruff-check`` runs ``ruff check``).
_HOOK_COMMANDS = {"ruff-check": "ruff check", "ruff-format": "ruff format"}
# Actions that run every pre-commit hook: pre-commit's own, and prek's (a drop-in pre-commit runner).
_PRECOMMIT_ACTIONS = ("pre-commit/action", "j178/prek-action")


_SYSTEM_USERS = frozenset({"root", "www-data", "nobody", "daemon", "ubuntu"})  # never the name of a program


def _task_commands(value: Any) -> list[str]:
    """The command lines of one pyproject task: a string, a list of strings, or a table holding them
    (``cmd``, ``shell``, ``sequence``, pdm's ``composite``)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [line for item in value[:20] for line in _task_commands(item)]
    if isinstance(value, dict):
        for key in ("cmd", "shell", "sequence", "composite"):
            if key in value:
                return _task_commands(value[key])
    return []


def _line_of(text: str, needle: str) -> int:
    """The line where a task's command is written (0 when the TOML spells it differently)."""
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def _without_cron_user(command: str, system_crontab: bool) -> str:
    """A system crontab line names the user first (``root /usr/local/bin/backup.sh``): the command follows it."""
    user, _, rest = command.partition(" ")
    if rest and (user in _SYSTEM_USERS or (system_crontab and re.fullmatch(r"[a-z_][a-z0-9_-]*", user))):
        return rest.lstrip()
    return command


def _name(rel: str) -> str:
    """A relative path's last part: ``PurePosixPath(rel).name`` without building a path per file."""
    return rel.rpartition("/")[2]


def _maybe_extensionless_script(rel: str) -> bool:
    """``scripts/lint``: a file without a suffix in a scripts folder (read only if it has a shell shebang)."""
    parts = rel.split("/")
    return "." not in parts[-1] and len(parts) >= 2 and parts[-2] in _SCRIPT_DIRS


def _inherit(child: Command, parent: Command, ignored: bool = False) -> Command:
    """A delegated command, failing silently if its caller does, scheduled if its caller is."""
    return Command(
        child.path, child.line, child.text, child.origin, child.context,
        child.ignores_failure or parent.ignores_failure or ignored, child.scheduled or parent.scheduled, child.action,
    )


# -- shell command helpers --------------------------------------------------------------------

_NO_FAIL_RE = lazy_compile(r"^\s*(true|:|exit\s+0|echo\b.*|printf\b.*)\s*$")
_SPLIT_RE = lazy_compile(r"\s*(?:;|&&|\n)\s*")


def split_segments(text: str) -> list[tuple[str, bool]]:
    """The simple commands of a command line, each with whether its failure is discarded.

    ``a || true`` and ``a || echo failed`` discard a's status; a trailing ``; exit 0`` or
    ``; true`` discards everything before it.
    """
    parts = [p for p in _SPLIT_RE.split(text) if p.strip()]
    out: list[tuple[str, bool]] = []
    for part in parts:
        alternatives = part.split("||")
        ignored = any(_NO_FAIL_RE.match(alt) for alt in alternatives[1:])
        out.append((alternatives[0].strip(), ignored))
    if len(out) > 1 and _NO_FAIL_RE.match(out[-1][0]) and ";" in text:
        out = [(seg, True) for seg, _ in out[:-1]]
    return out


def exit_zero(segment: str) -> bool:
    """A flag that makes a tool succeed whatever it finds."""
    return bool(re.search(r"--exit-zero\b|--exit-code[= ]0\b|--disable-error-code\b", segment))


# Programs that run the command they are given, with their own options first.
_WRAPPERS = frozenset({"monitor", "runitor", "flock", "timeout", "nice", "ionice", "chronic", "cronic", "nohup",
                       "setlock", "run-one", "chpst"})


def _words(segment: str) -> list[str]:
    """A command's words; a subshell's parentheses (``(monitor id ./backup.sh) >> log``) are left out."""
    segment = segment.strip()
    if segment.startswith("(") and ")" in segment:
        segment = segment[1:segment.rindex(")")] + segment[segment.rindex(")") + 1:]
    try:
        return shlex.split(segment, comments=True)
    except ValueError:
        return segment.split()


def _strip_runner(words: list[str]) -> list[str]:
    """``poetry run make lint`` -> ``make lint``; ``python -m tox`` -> ``tox``; ``uv tool run ruff`` -> ``ruff``;
    ``env X=1 cmd`` -> ``cmd``."""
    while words:
        head = PurePosixPath(words[0]).name
        if head in ("poetry", "uv", "pdm", "pipenv", "hatch", "rye") and len(words) > 2 and words[1] == "run":
            # the runner's own options (``uv run --frozen``) come before the command; the
            # command's options (``--fail-under=90``) are kept
            rest = words[2:]
            while rest and rest[0].startswith("-"):
                rest = rest[1:]
            words = rest
        elif head == "uv" and len(words) > 3 and words[1:3] == ["tool", "run"]:
            words = _tool_options(words[3:])  # uv tool run ruff check .: a tool in its own environment, like uvx
        elif head.startswith("python") and len(words) > 2 and words[1] == "-m":
            words = words[2:]
        elif head in ("uvx", "pipx", "npx") and len(words) > 1:
            words = _tool_options(words[2:] if words[1] == "run" else words[1:])
        elif head in ("env", "sudo", "time", "exec"):
            words = words[1:]
        elif "=" in words[0] and not words[0].startswith("-"):
            words = words[1:]
        else:
            return words
    return words


_TOOL_VALUE_OPTIONS = frozenset({"--from", "--with", "--with-editable", "--with-requirements", "--python", "-p", "-w",
                                 "--spec", "--package"})


def _tool_options(words: list[str]) -> list[str]:
    """The tool runner's options before the tool (``uvx --from ruff==0.6 ruff check``), with their values."""
    while words and words[0].startswith("-"):
        words = words[2:] if words[0] in _TOOL_VALUE_OPTIONS else words[1:]
    return words


def programs(command: Command) -> list[tuple[tuple[str, ...], bool]]:
    """(argv without runners such as ``poetry run``, failure ignored) for each simple command."""
    out = []
    for segment, ignored in split_segments(command.text):
        words = _strip_runner(_words(segment))
        if words:
            out.append((tuple(words), ignored or command.ignores_failure or exit_zero(segment)))
    return out


def describe_unrendered(repo: RepoFiles) -> str:
    """' (3 Helm templates skipped: outside the rendered subset)' or ''."""
    count = len(repo.unrendered)
    if not count:
        return ""
    first = repo.unrendered[0]
    return f" ({count} Helm template{'s' if count > 1 else ''} skipped, e.g. {first})"


def describe_problems(problems: Iterable[Problem], limit: int = 2) -> str:
    """' (2 files could not be read: a.yml: malformed YAML at line 3, ...)' or ''."""
    items = list(problems)
    if not items:
        return ""
    shown = ", ".join(str(p) for p in items[:limit])
    more = f", and {len(items) - limit} more" if len(items) > limit else ""
    noun = "file" if len(items) == 1 else "files"
    return f" ({len(items)} {noun} could not be read: {shown}{more})"


def _option_values(words: list[str], names: tuple[str, ...]) -> list[str]:
    values = []
    for i, word in enumerate(words):
        for name in names:
            if word == name and i + 1 < len(words):
                values.append(words[i + 1])
            elif word.startswith(name + "="):
                values.append(word.split("=", 1)[1])
    return values


# A justfile recipe's header: its name, its parameters, then after the colon the recipes it depends on
_JUST_RECIPE_RE = lazy_compile(r"^@?([A-Za-z_][\w-]*)(?:\s+[^:#\n]*)?:(?!=)\s*([^#\n]*)$")
_JUST_STATEMENTS = ("set ", "alias ", "export ", "import ", "mod ", "[", "#")
_JUST_DEPENDENCY_RE = lazy_compile(r"(?:^|\s)\(?([A-Za-z_][\w-]*)")
_JUST_VARIABLE_RE = lazy_compile(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*([\"'])(.*?)\2\s*$", re.MULTILINE)
_JUST_INTERPOLATION_RE = lazy_compile(r"\{\{\s*([A-Za-z_][\w-]*)\s*\}\}")


def _logical_lines(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Join backslash-continued lines; yields (first line number, joined text)."""
    buffer: list[str] = []
    start = 0
    for number, raw in lines:
        text = raw.rstrip()
        if not buffer:
            start = number
        if text.endswith("\\"):
            buffer.append(text[:-1])
            continue
        buffer.append(text)
        joined = " ".join(b.strip() for b in buffer).strip()
        buffer = []
        if joined and not joined.startswith("#"):
            yield start, joined
    if buffer:
        joined = " ".join(b.strip() for b in buffer).strip()
        if joined:
            yield start, joined


def _script_commands(path: str, first_line: int, body: str, origin: str, context: str,
                     ignores_failure: bool, scheduled: bool) -> list[Command]:
    """One Command per logical line of a shell block; lines after ``set +e`` (but the last) ignore failure."""
    lines = list(_logical_lines((first_line + i, line) for i, line in enumerate(body.splitlines())))
    out = []
    errexit_off = False
    for index, (number, text) in enumerate(lines):
        if re.match(r"^set\s+\+\w*e", text):
            errexit_off = True
            continue
        if re.match(r"^set\s+-\w*e", text):
            errexit_off = False
            continue
        last = index == len(lines) - 1
        out.append(Command(path, number, text, origin, context, ignores_failure or (errexit_off and not last), scheduled))
    return out


@dataclass(frozen=True)
class _GhCall:
    """A job or step that runs a local reusable workflow or composite action."""

    target: str  # ./.github/workflows/backup.yml, ./.github/actions/lint
    context: str
    scheduled: bool
    ignores: bool
    inputs: Mapping[str, str]
    origin: str = ""  # the file the call is written in


def _gh_inputs(value: Any) -> dict[str, str]:
    """A ``with:`` mapping's scalar values, as text."""
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)}


def _called_from(call: _GhCall, call_only: set[str]) -> bool:
    """Whether the call sits inside a callee (followed when its own caller is, not on its own)."""
    return call.origin in call_only


def _gh_local_target(target: str, by_file: Mapping[str, list[Command]]) -> str | None:
    """The repository file a local ``uses:`` names (a workflow file, or an action folder's action.yml)."""
    if not target.startswith("./"):
        return None
    rel = target.removeprefix("./").split("@", 1)[0].rstrip("/")
    for candidate in (rel, f"{rel}/action.yml", f"{rel}/action.yaml"):
        if candidate in by_file:
            return candidate
    return None


_GH_INPUT_RE = lazy_compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


_GH_MATRIX_RE = lazy_compile(r"\$\{\{\s*matrix\.([\w-]+)\s*\}\}")
_MAX_MATRIX = 32


def _gh_matrix(strategy: Any) -> tuple[dict[str, str], ...]:
    """The combinations a job's ``strategy.matrix`` runs: its ``include`` entries, or the values of each key
    alone (a run naming one key runs once per value), as text; at most ``_MAX_MATRIX``."""
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    if not isinstance(matrix, dict):
        return ()
    out: list[dict[str, str]] = [{str(k): str(v) for k, v in entry.items() if isinstance(v, (str, int, float))}
                                 for entry in _as_list(matrix.get("include")) if isinstance(entry, dict)]
    for key, values in matrix.items():
        if key not in ("include", "exclude") and isinstance(values, list):
            out.extend({str(key): str(v)} for v in values if isinstance(v, (str, int, float)))
    return tuple(out[:_MAX_MATRIX])


def _gh_matrix_runs(run: str, matrix: tuple[dict[str, str], ...]) -> list[str]:
    """A step's script once per matrix combination it names (``run: ${{ matrix.command }}``), or as written."""
    if not matrix or "matrix." not in run:
        return [run]
    keys = set(_GH_MATRIX_RE.findall(run))

    def filled(values: dict[str, str]) -> str:
        return _GH_MATRIX_RE.sub(lambda m: values.get(m.group(1), m.group(0)), run)

    runs = [filled(values) for values in matrix if keys & set(values)]
    return list(dict.fromkeys(runs)) or [run]


def _gh_substitute(text: str, inputs: Mapping[str, str]) -> str:
    if not inputs or "inputs." not in text:
        return text
    return _GH_INPUT_RE.sub(lambda m: inputs.get(m.group(1), m.group(0)), text)


# -- YAML with line numbers -------------------------------------------------------------------

class YamlMap(dict):  # type: ignore[type-arg]
    """A mapping from YAML that remembers its line and the line of each key's value."""

    line: int = 0
    value_lines: dict[Any, int]


@functools.lru_cache(maxsize=1)
def _line_loader() -> type[Any]:
    """The safe loader, recording lines on mappings; built when a YAML file is first read."""
    import yaml

    class _LineLoader(yaml.SafeLoader):
        """The safe loader, recording lines on mappings (only plain data is ever constructed)."""

        def construct_line_map(self, node: yaml.MappingNode) -> Iterator[YamlMap]:
            data = YamlMap()
            data.line = node.start_mark.line + 1
            data.value_lines = {}
            yield data
            self.flatten_mapping(node)
            for key_node, value_node in node.value:
                key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
                try:
                    hash(key)
                except TypeError:
                    continue
                data[key] = self.construct_object(value_node, deep=True)  # type: ignore[no-untyped-call]
                start = value_node.start_mark.line + 1
                if isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">"):
                    start += 1
                data.value_lines[key] = start

    _LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_line_map)  # type: ignore[arg-type]
    _LineLoader.add_multi_constructor("!", construct_own_tag)  # GitLab CI's !reference, read as written
    return _LineLoader


def load_yaml(text: str) -> tuple[list[Any], str | None]:
    """All documents of a YAML text (safe loading, lines recorded) and an error if it is broken.

    Each document is composed and its size counted, aliases included, before it is built.
    """
    return load_yaml_documents(text, _line_loader())


_TOX_FACTORS = re.compile(r"(\{?[A-Za-z][\w.-]*(?:\s*,\s*[A-Za-z][\w.-]*)*\}?)\s*:\s+(?=\S)")
_TOX_POSARGS = re.compile(r"\{posargs(?::([^{}]*))?\}")
CI_ORIGINS = ("github-actions", "gitlab-ci", "circleci")  # commands a CI service runs on every push
CIRCLECI_FILES = (".circleci/config.yml", ".circleci/config.yaml")


def _line(obj: Any, key: Any = None, default: int = 0) -> int:
    if isinstance(obj, YamlMap):
        if key is not None:
            return obj.value_lines.get(key, obj.line)
        return obj.line
    return default


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _flatten_script(value: Any) -> list[str]:
    out: list[str] = []
    for item in _as_list(value):
        if isinstance(item, list):
            out.extend(_flatten_script(item))
        elif isinstance(item, (str, int, float)):
            out.append(str(item))
    return out


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


# -- the parsers ------------------------------------------------------------------------------

class _LineMap:
    """Rendered-template lines back to the template's own lines, by their text."""

    def __init__(self, template: str, rendered: str) -> None:
        self.template = [line.strip() for line in template.splitlines()]
        self.rendered = rendered.splitlines()

    def template_line(self, rendered_line: int) -> int:
        if not 0 < rendered_line <= len(self.rendered):
            return 1
        wanted = self.rendered[rendered_line - 1].strip()
        guess = round(rendered_line / max(len(self.rendered), 1) * len(self.template))
        same = [index + 1 for index, line in enumerate(self.template) if wanted and line == wanted]
        if same:
            return min(same, key=lambda n: abs(n - guess))
        return max(1, min(len(self.template), guess))


def _probes(container: Mapping[Any, Any]) -> tuple[str, ...]:
    out = []
    for kind in ("liveness", "readiness", "startup"):
        probe = container.get(f"{kind}Probe")
        if not isinstance(probe, dict):
            continue
        http = probe.get("httpGet")
        if isinstance(http, dict):
            out.append(f"{kind} {http.get('path', '/')}")
        elif isinstance(probe.get("tcpSocket"), dict):
            out.append(f"{kind} tcp {probe['tcpSocket'].get('port', '')}".rstrip())
        elif isinstance(probe.get("grpc"), dict):
            out.append(f"{kind} grpc")
        elif isinstance(probe.get("exec"), dict):
            out.append(f"{kind} exec")
    return tuple(out)


class _Builder:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.repo = RepoFiles()
        self._cache: dict[tuple[str, str], Any] = {}
        self._gh_calls: list[_GhCall] = []
        self._gh_call_only: set[str] = set()  # composite actions and workflows triggered by workflow_call alone
        self._helm_used: dict[str, set[str]] = {}  # chart -> dotted paths of the values maps its templates read

    def yaml_docs(self, rel: str) -> list[Any]:
        text = self.project.read_text(rel)
        if text is None:
            self.repo.problems.append(Problem(rel, "unreadable, binary or too large"))
            return []
        docs, error = load_yaml(text)
        if error:
            self.repo.problems.append(Problem(rel, error))
        return docs

    def build(self) -> RepoFiles:
        files = self.project.files
        steps: list[tuple[str, Any]] = [
            ("scripts", self.shell_scripts),
            ("make", self.makefiles),
            ("just", self.justfiles),
            ("tasks", self.pyproject_tasks),
            ("tox", self.tox),
            ("nox", self.nox),
            ("pre-commit", self.precommit),
            ("github", self.github),
            ("gitlab", self.gitlab),
            ("circleci", self.circleci),
            ("docker", self.dockerfiles),
            ("cron", self.cron),
            ("kubernetes", self.kubernetes),
            ("terraform", self.terraform),
            ("platforms", self.platforms),
        ]
        deployable = _deployable(files, self.project)
        for name, step in steps:
            # manifests among tests, fixtures, examples and vendored code describe no deployment of this service
            step(deployable if name in ("kubernetes", "terraform", "platforms") else files)
        self.repo.docs = [f for f in files if is_doc(f)]
        return self.repo

    # shell scripts and Makefiles, first: CI commands refer to them
    def shell_scripts(self, files: tuple[str, ...]) -> None:
        for rel in files:
            if not rel.endswith((".sh", ".bash")) and not _maybe_extensionless_script(rel):
                continue
            text = self.project.read_text(rel)
            if text is None:
                continue
            if not rel.endswith((".sh", ".bash")) and not _SHELL_SHEBANG_RE.match(text):
                continue
            self.repo.scripts[rel] = _script_commands(rel, 1, text, "script", PurePosixPath(rel).name, False, False)

    def makefiles(self, files: tuple[str, ...]) -> None:
        for rel in files:
            if _name(rel) not in ("Makefile", "makefile", "GNUmakefile") and not rel.endswith(".mk"):
                continue
            text = self.project.read_text(rel)
            if text is None:
                continue
            self._make_recipes(rel, text)

    def _make_recipes(self, rel: str, text: str) -> None:
        target = ""
        recipe: list[tuple[int, str]] = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.startswith("\t"):
                if target:
                    recipe.append((number, line.strip()))
                continue
            match = re.match(r"^([A-Za-z0-9_.\-/ ]+?)\s*::?(?!=)(.*)$", line)
            if match and not line.startswith((".PHONY", "#")):
                self._make_target(rel, target, recipe)
                target, recipe = match.group(1).split()[0], []
                prereqs = [p for p in match.group(2).split("#", 1)[0].split(";", 1)[0].split()
                           if re.fullmatch(r"[A-Za-z0-9_.\-]+", p)]
                if prereqs:
                    self.repo.make_prereqs.setdefault(target, []).extend(prereqs[:20])
            elif line.strip() and not line.startswith("#"):
                self._make_target(rel, target, recipe)
                target, recipe = "", []
        self._make_target(rel, target, recipe)

    def _make_target(self, rel: str, target: str, recipe: list[tuple[int, str]]) -> None:
        if not target or not recipe:
            return
        cmds = []
        for number, line in _logical_lines(recipe):
            ignored = line.startswith("-") or line.startswith("@-")
            cmds.append(Command(rel, number, line.lstrip("@-+ "), "make", target, ignored))
        self.repo.make_targets.setdefault(target, []).extend(cmds)

    def justfiles(self, files: tuple[str, ...]) -> None:
        """Recipes of a justfile: a header (``lint *args: fmt``) and the indented lines under it."""
        for rel in files:
            name = _name(rel)
            if name.lower() not in ("justfile", ".justfile") and not name.endswith(".just"):
                continue
            text = self.project.read_text(rel)
            if text is None:
                continue
            variables = {m.group(1): m.group(3) for m in _JUST_VARIABLE_RE.finditer(text)}
            recipe, body = "", []
            for number, line in enumerate(text.splitlines(), 1):
                if line[:1] in (" ", "\t"):
                    if recipe and line.strip() and not line.strip().startswith("#"):
                        body.append((number, line.strip()))
                    continue
                self._just_recipe(rel, recipe, body, variables)
                recipe, body = "", []
                match = _JUST_RECIPE_RE.match(line)
                if match and not line.startswith(_JUST_STATEMENTS):
                    recipe = match.group(1)
                    deps = _JUST_DEPENDENCY_RE.findall(match.group(2))  # lint (fmt "--check") test
                    if deps:
                        self.repo.just_deps.setdefault(recipe, []).extend(deps[:20])
            self._just_recipe(rel, recipe, body, variables)

    def _just_recipe(self, rel: str, recipe: str, body: list[tuple[int, str]], variables: dict[str, str]) -> None:
        if not recipe or not body:
            return

        def filled(line: str) -> str:  # {{ uv_dev }} ruff check {{ args }}: the justfile's variables, parameters left out
            return " ".join(_JUST_INTERPOLATION_RE.sub(lambda m: variables.get(m.group(1), ""), line).split())

        cmds = [Command(rel, number, filled(line.lstrip("@-+ ")), "just", recipe, line.lstrip("@").startswith("-"))
                for number, line in _logical_lines(body)]
        self.repo.just_recipes.setdefault(recipe, []).extend(cmds)

    def pyproject_tasks(self, files: tuple[str, ...]) -> None:
        """Named tasks a pyproject declares for a task runner: hatch environment scripts, pdm scripts,
        poethepoet and taskipy tasks. A task's commands run when CI runs the task by name."""
        for rel in files:
            if _name(rel) != "pyproject.toml":
                continue
            doc, _ = self.project.toml_document(rel)
            tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
            tables: list[Any] = [env.get("scripts") for env in (tool.get("hatch", {}).get("envs") or {}).values()
                                 if isinstance(env, dict)] if isinstance(tool.get("hatch"), dict) else []
            tables += [(tool.get(name) or {}).get(key) if isinstance(tool.get(name), dict) else None
                       for name, key in (("pdm", "scripts"), ("poe", "tasks"), ("taskipy", "tasks"))]
            text = self.project.read_text(rel) or ""
            for table in tables:
                if not isinstance(table, dict):
                    continue
                for name, value in table.items():
                    lines = [c for c in _task_commands(value) if c.strip()]
                    if isinstance(name, str) and lines:
                        self.repo.tasks.setdefault(name, []).extend(
                            Command(rel, _line_of(text, line), line, "task", name) for line in lines[:20])

    def tox(self, files: tuple[str, ...]) -> None:
        for rel in files:
            if rel not in ("tox.ini", "setup.cfg"):
                continue
            text = self.project.read_text(rel)
            if text is None or ("[testenv" not in text and "[tox" not in text):
                continue
            self._tox_ini(rel, text)

    def _tox_ini(self, rel: str, text: str) -> None:
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string(text, source=rel)
        except configparser.Error as exc:
            self.repo.problems.append(Problem(rel, f"malformed INI: {type(exc).__name__}"))
            return
        lines = text.splitlines()
        for section in parser.sections():
            if not section.startswith("testenv"):
                continue
            env = section.split(":", 1)[1].strip() if ":" in section else "py"
            envs = [e.strip() for e in env.split(",")] if "{" not in env else [env]
            ignore_outcome = _truthy(parser.get(section, "ignore_outcome", fallback="false"))
            body = parser.get(section, "commands", fallback="")
            header = _find_line(lines, f"[{section}]")
            parsed: list[tuple[Command, list[str]]] = []  # each command and the envs it alone runs in ([]: all)
            for raw in body.splitlines():
                if not raw.strip():
                    continue
                stripped = raw.strip()
                number = _find_line(lines, stripped, header) or header
                factors = _TOX_FACTORS.match(stripped)  # "lint: ruff check ." runs in the env named lint alone
                text = stripped[factors.end():] if factors else stripped
                text = _TOX_POSARGS.sub(lambda m: m.group(1) or "", text).strip()  # {posargs:default} runs its default
                if not text:
                    continue
                ignored = text.startswith("-") or ignore_outcome
                only = [f.strip() for f in factors.group(1).strip("{}").split(",")] if factors else []
                parsed.append((Command(rel, number, text.lstrip("- "), "tox", only[0] if len(only) == 1 else env,
                                       ignored), only))
            named = [name for _, only in parsed for name in only]
            for name in dict.fromkeys([*envs, *named]):  # an env named by a factor also runs the shared commands
                self.repo.tox_envs.setdefault(name, []).extend(c for c, only in parsed if not only or name in only)
            self.repo.commands.extend(c for c, _ in parsed)

    def nox(self, files: tuple[str, ...]) -> None:
        if "noxfile.py" not in files:
            return
        text = self.project.read_text("noxfile.py")
        if text is None:
            return
        try:
            tree = parse_python(text, "noxfile.py")  # Python 3.10: on a large stack, depth-checked
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            self.repo.problems.append(Problem("noxfile.py", "does not parse"))
            return
        for func in tree.body:
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not any(_decorator_name(d).startswith(("nox.session", "session")) for d in func.decorator_list):
                continue
            name = _session_name(func)
            cmds = []
            for node in ast.walk(func):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("run", "run_always", "run_install")):
                    continue
                parts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if not parts:
                    continue
                ignored = any(kw.arg == "success_codes" for kw in node.keywords)
                cmds.append(Command("noxfile.py", node.lineno, shlex.join(parts), "nox", name, ignored))
            self.repo.nox_sessions[name] = cmds
            self.repo.commands.extend(cmds)

    def precommit(self, files: tuple[str, ...]) -> None:
        for rel in (".pre-commit-config.yaml", ".pre-commit-config.yml"):
            if rel not in files:
                continue
            for doc in self.yaml_docs(rel):
                if not isinstance(doc, dict):
                    continue
                self.repo.precommit_ci = self.repo.precommit_ci or isinstance(doc.get("ci"), dict)
                for repo in _as_list(doc.get("repos")):
                    if not isinstance(repo, dict):
                        continue
                    url = str(repo.get("repo", ""))
                    for hook in _as_list(repo.get("hooks")):
                        if not isinstance(hook, dict) or not hook.get("id"):
                            continue
                        hook_id = str(hook["id"])
                        entry = str(hook.get("entry", ""))
                        args = " ".join(str(a) for a in _as_list(hook.get("args")))
                        text = " ".join(p for p in (entry or _HOOK_COMMANDS.get(hook_id, hook_id), args) if p)
                        self.repo.precommit_hooks.append(
                            Command(rel, _line(hook), text, "pre-commit", hook_id, action=url))
        self.repo.commands.extend(self.repo.precommit_hooks)

    def github(self, files: tuple[str, ...]) -> None:
        for rel in files:
            is_workflow = rel.startswith(".github/workflows/") and rel.endswith((".yml", ".yaml"))
            is_action = rel.startswith(".github/actions/") and PurePosixPath(rel).name in ("action.yml", "action.yaml")
            if not (is_workflow or is_action):
                continue
            self.repo.ci_files.append(rel)
            for doc in self.yaml_docs(rel):
                if not isinstance(doc, dict):
                    continue
                if is_action:
                    self._gh_call_only.add(rel)
                    runs = doc.get("runs")
                    if isinstance(runs, dict):
                        self._gh_steps(rel, "action", runs.get("steps"), False, False)
                    continue
                triggers = doc.get("on", doc.get(True))
                scheduled = isinstance(triggers, dict) and "schedule" in triggers
                names = list(triggers) if isinstance(triggers, (dict, list)) else [triggers]
                if names == ["workflow_call"]:
                    self._gh_call_only.add(rel)
                for job_name, job in (doc.get("jobs") or {}).items() if isinstance(doc.get("jobs"), dict) else ():
                    if not isinstance(job, dict):
                        continue
                    job_ignores = _truthy(job.get("continue-on-error"))
                    if isinstance(job.get("uses"), str):  # a reusable workflow
                        inputs = _gh_inputs(job.get("with"))
                        self.repo.commands.append(Command(
                            rel, _line(job, "uses"), " ".join(inputs.values()), "github-actions", str(job_name),
                            job_ignores, scheduled, action=job["uses"]))
                        self._gh_calls.append(_GhCall(job["uses"], str(job_name), scheduled, job_ignores, inputs, rel))
                    self._gh_steps(rel, str(job_name), job.get("steps"), job_ignores, scheduled,
                                   matrix=_gh_matrix(job.get("strategy")))
        self._follow_gh_calls()

    def _follow_gh_calls(self) -> None:
        """Commands of a local reusable workflow or composite action, again as their caller runs them.

        ``uses: ./.github/workflows/backup.yml`` from a scheduled workflow makes the callee's steps
        scheduled; the caller's ``with:`` inputs replace ``${{ inputs.x }}``; failure ignored by the
        caller is ignored. A callee that only runs when called (a composite action, a workflow
        triggered by ``workflow_call`` alone) counts only as its callers run it. Nested calls are
        followed a few levels, each call once.
        """
        own = [c for c in self.repo.commands if c.origin == "github-actions"]
        by_file: dict[str, list[Command]] = {}
        for command in own:
            by_file.setdefault(command.path, []).append(command)
        added: list[Command] = []
        called: set[str] = set()
        pending = [(call, 0) for call in self._gh_calls if not _called_from(call, self._gh_call_only)]
        seen: set[tuple[str, str, bool, bool, tuple[tuple[str, str], ...]]] = set()
        while pending and len(added) < 5000:
            call, depth = pending.pop(0)
            target = _gh_local_target(call.target, by_file)
            key = (target or "", call.context, call.scheduled, call.ignores, tuple(sorted(call.inputs.items())))
            if target is None or depth > 3 or key in seen:
                continue
            seen.add(key)
            only_called = target in self._gh_call_only
            if only_called:
                called.add(target)
            for command in by_file[target]:
                text = _gh_substitute(command.text, call.inputs)
                if not only_called and text == command.text and not (call.scheduled and not command.scheduled) and not (
                        call.ignores and not command.ignores_failure) and not command.action.startswith("./"):
                    continue  # the callee's own command already counts as CI as it is
                added.append(Command(
                    command.path, command.line, text, command.origin, f"{call.context} → {command.context}".strip(),
                    command.ignores_failure or call.ignores, command.scheduled or call.scheduled, command.action))
                if command.action.startswith("./"):
                    # the nested call's own with: inputs, in which the outer call's inputs are substituted
                    nested = next((c for c in self._gh_calls if c.origin == target and c.target == command.action
                                   and c.context == command.context), None)
                    inputs = {k: _gh_substitute(v, call.inputs) for k, v in nested.inputs.items()} if nested else call.inputs
                    pending.append((_GhCall(command.action, call.context, call.scheduled or command.scheduled,
                                            call.ignores or command.ignores_failure, inputs, target), depth + 1))
        if called:
            self.repo.commands = [c for c in self.repo.commands if c.origin != "github-actions" or c.path not in called]
        self.repo.commands.extend(added)

    def _gh_steps(self, rel: str, job: str, steps: Any, job_ignores: bool, scheduled: bool, depth: int = 0,
                  matrix: tuple[dict[str, str], ...] = ()) -> None:
        for step in _as_list(steps):
            if not isinstance(step, dict):
                continue
            if isinstance(step.get("parallel"), list) and depth < 3:  # a group of steps run side by side
                self._gh_steps(rel, job, step["parallel"], job_ignores, scheduled, depth + 1, matrix)
                continue
            ignores = job_ignores or _truthy(step.get("continue-on-error"))
            context = f"{job}: {step.get('name') or step.get('id') or ''}".rstrip(": ")
            if isinstance(step.get("run"), str):
                for run in _gh_matrix_runs(step["run"], matrix):
                    self.repo.commands.extend(_script_commands(
                        rel, _line(step, "run"), run, "github-actions", context, ignores, scheduled))
            if isinstance(step.get("uses"), str):
                inputs = _gh_inputs(step.get("with"))
                self.repo.commands.append(Command(
                    rel, _line(step, "uses"), " ".join(inputs.values()), "github-actions", context, ignores, scheduled,
                    action=step["uses"]))
                if step["uses"].startswith("./"):
                    self._gh_calls.append(_GhCall(step["uses"], context, scheduled, ignores, inputs, rel))

    _GITLAB_RESERVED = frozenset({
        "stages", "variables", "default", "include", "workflow", "image", "services", "cache",
        "before_script", "after_script", "pages_deploy", "spec",
    })

    def gitlab(self, files: tuple[str, ...]) -> None:
        queue = [f for f in files if _name(f) in (".gitlab-ci.yml", ".gitlab-ci.yaml")]
        seen: set[str] = set()
        while queue:
            rel = queue.pop(0)
            if rel in seen:
                continue
            seen.add(rel)
            self.repo.ci_files.append(rel)
            for doc in self.yaml_docs(rel):
                if isinstance(doc, dict):
                    queue.extend(self._gitlab_doc(rel, doc, files))

    def _gitlab_doc(self, rel: str, doc: dict[Any, Any], files: tuple[str, ...]) -> list[str]:
        local: list[str] = []
        for inc in _as_list(doc.get("include")):
            ref = inc if isinstance(inc, str) else next(
                (str(inc[k]) for k in ("template", "local", "component", "project", "remote") if isinstance(inc, dict) and k in inc), "")
            if not ref:
                continue
            self.repo.gitlab_includes.append((rel, _line(inc, None, _line(doc, "include")), ref))
            candidate = ref.lstrip("/")
            if candidate in files and (isinstance(inc, str) or (isinstance(inc, dict) and "local" in inc)):
                local.append(candidate)
        default = doc.get("default") if isinstance(doc.get("default"), dict) else {}
        for name, job in doc.items():
            if not isinstance(name, str) or name in self._GITLAB_RESERVED or name.startswith(".") or not isinstance(job, dict):
                continue
            merged = dict(job)
            owners: list[Any] = [job]
            for parent in _as_list(job.get("extends")):
                base = doc.get(parent)
                if isinstance(base, dict):
                    owners.append(base)
                    for key, value in base.items():
                        merged.setdefault(key, value)
            owners.append(default)
            ignores = _truthy(merged.get("allow_failure")) or (
                isinstance(merged.get("allow_failure"), dict) and bool(merged["allow_failure"]))
            scheduled = "schedule" in json.dumps(
                [merged.get("rules"), merged.get("only")], default=str)
            for key in ("before_script", "script", "after_script"):
                value = merged.get(key, default.get(key) if key != "script" else None)
                owner = next((o for o in owners if isinstance(o, dict) and key in o), default)
                start = _line(owner, key)
                offset = 0
                for line_text in _flatten_script(value):
                    # after_script failures never fail the job
                    self.repo.commands.extend(_script_commands(
                        rel, start + offset, line_text, "gitlab-ci", name, ignores or key == "after_script", scheduled))
                    offset += max(1, line_text.count("\n") + 1)
        return local

    def circleci(self, files: tuple[str, ...]) -> None:
        """CircleCI: every ``run`` step of every job and reusable command (a string, or ``command:``)."""
        for rel in files:
            if rel not in CIRCLECI_FILES:
                continue
            self.repo.ci_files.append(rel)
            for doc in self.yaml_docs(rel):
                if not isinstance(doc, dict):
                    continue
                for section in ("jobs", "commands"):
                    jobs = doc.get(section)
                    for name, job in (jobs.items() if isinstance(jobs, dict) else ()):
                        if isinstance(job, dict):
                            self._circleci_steps(rel, str(name), job.get("steps"))

    def _circleci_steps(self, rel: str, job: str, steps: Any) -> None:
        for step in _as_list(steps):
            run = step.get("run") if isinstance(step, dict) else None
            if isinstance(run, str):
                body, line, context = run, _line(step, "run"), job
            elif isinstance(run, dict) and isinstance(run.get("command"), str):
                body, line = run["command"], _line(run, "command")
                context = f"{job}: {run.get('name')}" if run.get("name") else job
            else:
                continue
            self.repo.commands.extend(_script_commands(rel, line, body, "circleci", context, False, False))

    def dockerfiles(self, files: tuple[str, ...]) -> None:
        for rel in files:
            name = _name(rel)
            if not (name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or name.endswith(".Dockerfile")):
                continue
            text = self.project.read_text(rel)
            if text is None:
                continue
            self.repo.dockerfiles.append(rel)
            for number, line in _logical_lines(enumerate(text.splitlines(), 1)):
                copied = re.match(r"^(?:COPY|ADD)\s+(.*)$", line, re.IGNORECASE)
                if copied:
                    self._copied(rel, copied.group(1), files)
                    continue
                match = re.match(r"^(RUN|CMD|ENTRYPOINT)\s+(.*)$", line, re.IGNORECASE)
                if not match:
                    continue
                body = match.group(2).strip()
                if body.startswith("["):
                    try:
                        parts = json.loads(body)
                        body = " ".join(str(p) for p in parts) if isinstance(parts, list) else body
                    except (ValueError, RecursionError):
                        pass
                self.repo.commands.append(Command(rel, number, body, "dockerfile", match.group(1).upper()))

    def _copied(self, dockerfile: str, args: str, files: tuple[str, ...]) -> None:
        """``COPY ./backup.sh /usr/local/bin/app-backup.sh``: where the image keeps a repository file."""
        words = [w for w in args.split() if not w.startswith("--")]
        if len(words) != 2 or any(c in words[0] for c in "*?[$"):
            return
        source, dest = words
        if not dest.startswith("/"):
            return
        if dest.endswith("/"):
            dest += PurePosixPath(source).name
        context = str(PurePosixPath(dockerfile).parent)
        known = set(files)
        for candidate in (posixpath.normpath(f"{context}/{source}"), posixpath.normpath(source)):
            if candidate in known:
                self.repo.installed.setdefault(dest, candidate)
                return

    def cron(self, files: tuple[str, ...]) -> None:
        system = {rel for dest, rel in self.repo.installed.items() if dest.startswith("/etc/cron.d/") or dest == "/etc/crontab"}
        for rel in files:
            name = _name(rel)
            parts = rel.split("/")
            in_cron_d = "cron.d" in parts[:-1] or rel in system
            is_cron = name in ("crontab", "cronfile") or name.endswith((".cron", ".crontab")) or in_cron_d
            if is_cron:
                text = self.project.read_text(rel) or ""
                for number, line in enumerate(text.splitlines(), 1):
                    match = re.match(r"^\s*(@\w+|(?:\S+\s+){4}\S+)\s+(.+)$", line)
                    if match and not line.lstrip().startswith("#") and "=" not in line.split()[0]:
                        command = _without_cron_user(match.group(2), in_cron_d)
                        self.repo.commands.append(Command(rel, number, command, "cron", match.group(1), scheduled=True))
            elif name.endswith(".timer"):
                self._systemd_timer(rel, files)

    def _systemd_timer(self, rel: str, files: tuple[str, ...]) -> None:
        text = self.project.read_text(rel) or ""
        if "OnCalendar" not in text and "OnUnitActiveSec" not in text and "OnBootSec" not in text:
            return
        unit = re.search(r"^\s*Unit\s*=\s*(\S+)", text, re.MULTILINE)
        service_name = unit.group(1) if unit else PurePosixPath(rel).name.removesuffix(".timer") + ".service"
        for candidate in files:
            if PurePosixPath(candidate).name != service_name:
                continue
            body = self.project.read_text(candidate) or ""
            for number, line in enumerate(body.splitlines(), 1):
                match = re.match(r"^\s*ExecStart\w*\s*=\s*[-@+!:]*(.+)$", line)
                if match:
                    self.repo.commands.append(Command(candidate, number, match.group(1), "systemd", rel, scheduled=True))

    def kubernetes(self, files: tuple[str, ...]) -> None:
        charts = {str(PurePosixPath(f).parent) for f in files if _name(f) == "Chart.yaml"}
        rendered_charts: set[str] = set()
        failed_charts: set[str] = set()
        for rel in files:
            if not rel.endswith((".yml", ".yaml")) or rel in self.repo.ci_files or rel.startswith(".pre-commit"):
                continue
            path = PurePosixPath(rel)
            chart = max((c for c in charts if rel.startswith(c + "/") or c == "."), key=len, default=None)
            if chart is not None and "templates" in path.parts:
                if "tests" in path.parts[path.parts.index("templates"):]:
                    continue  # `helm test` pods, not workloads
                outcome = self._helm_template(rel, chart)
                if outcome is None and "containers" in (self.project.read_text(rel) or ""):
                    failed_charts.add(chart)  # an unrendered template that holds no containers hides none
                elif outcome:
                    rendered_charts.add(chart)
                continue
            if chart is not None and path.name.startswith("values") and str(path.parent) == chart:
                self._helm_values(rel)
                continue
            text = self.project.read_text(rel)
            if text is None or "kind" not in text or "apiVersion" not in text:
                continue
            docs, error = load_yaml(text)
            if error:
                self.repo.problems.append(Problem(rel, error))
            for doc in docs:
                for obj in _k8s_objects(doc):
                    self._k8s_object(rel, obj)
        # A chart whose templates all rendered is judged by its containers, not by its values blocks;
        # but an empty block no rendered template read belongs to a component disabled by default,
        # which runs unbounded once enabled: it stays a finding.
        whole = rendered_charts - failed_charts
        self._point_at_values()

        def rendered_from(h: HelmResources) -> bool:
            chart = next((c for c in whole if h.path.startswith(c + "/") or c == "."), None)
            if chart is None:
                return False
            used = self._helm_used.get(chart, set())
            return (h.has_requests and h.has_limits) or any(h.key == p or h.key.startswith(p + ".") for p in used)

        self.repo.helm_resources = [h for h in self.repo.helm_resources if not rendered_from(h)]

    def _point_at_values(self) -> None:
        """A rendered container whose ``resources:`` is ``toYaml .Values.x.resources`` is sized (or not) in
        values.yaml: its findings point there, where the fix goes."""
        index = {(h.path, h.key): h.line for h in self.repo.helm_resources}
        for i, c in enumerate(self.repo.containers):
            if not c.rendered or (c.requests and c.limits):
                continue
            ref = _values_ref(self.project.read_text(c.path) or "", c.line)
            chart = c.path.split("/templates/", 1)[0] if "/templates/" in c.path else "."
            values_rel = "values.yaml" if chart == "." else f"{chart}/values.yaml"
            line = index.get((values_rel, ref or ""))
            if line:
                self.repo.containers[i] = replace(c, values_ref=(values_rel, line))

    def _chart_values(self, chart: str) -> dict[str, Any] | None:
        key = ("helm-values", chart)
        if key not in self._cache:
            rel = "values.yaml" if chart == "." else f"{chart}/values.yaml"
            docs = self.yaml_docs(rel) if rel in self.project.files else [{}]
            first = docs[0] if docs else {}
            self._cache[key] = {} if first is None else first if isinstance(first, dict) else None
        return self._cache[key]

    def _helm_template(self, rel: str, chart: str) -> bool | None:
        """Render one chart template from the chart's default values; skipped with a note outside the subset.

        True when it rendered containers, False when it rendered none, None when it could not be rendered.
        """
        from readiness.helm_render import Unrenderable, render

        text = self.project.read_text(rel)
        if text is None or "kind" not in text:
            return False
        values = self._chart_values(chart)
        if values is None:
            self.repo.unrendered.append(Problem(rel, "Helm template not rendered: the chart's values.yaml is not a mapping"))
            return None
        try:
            used: set[str] = set()
            rendered = render(text, values, PurePosixPath(chart).name or "release", self._chart_files(chart), used)
            self._helm_used.setdefault(chart, set()).update(used)
        except Unrenderable as exc:
            self.repo.unrendered.append(Problem(rel, f"Helm template not rendered ({exc})"))
            return None
        # Helm splits documents on "---" even when trimming glued the next line to it
        rendered = re.sub(r"(?m)^---[ \t]*(?=\S)", "---\n", rendered)
        docs, error = load_yaml(rendered)
        if error:
            self.repo.unrendered.append(Problem(rel, f"Helm template not rendered (output is not YAML: {error})"))
            return None
        before = len(self.repo.containers)
        lines = _LineMap(text, rendered)
        for doc in docs:
            for obj in _k8s_objects(doc):
                self._k8s_object(rel, obj, lines)
        return len(self.repo.containers) > before

    def _chart_files(self, chart: str) -> Any:
        """The chart's own files for ``.Files.Get``/``.Files.Glob``: inside the chart folder only, size-capped reads."""
        from readiness.helm_render import ChartFiles

        prefix = "" if chart == "." else chart + "/"
        names = tuple(f[len(prefix):] for f in self.project.files
                      if f.startswith(prefix) and not f[len(prefix):].startswith("templates/"))

        def get(name: str) -> str | None:
            clean = PurePosixPath(name)
            if clean.is_absolute() or ".." in clean.parts:
                return None
            return self.project.read_text(prefix + clean.as_posix())

        return ChartFiles(get, names)

    def _k8s_object(self, rel: str, obj: dict[Any, Any], lines: _LineMap | None = None) -> None:
        if lines is not None:
            self._k8s_rendered(rel, obj, lines)
            return
        self._k8s_plain(rel, obj)

    def _k8s_rendered(self, rel: str, obj: dict[Any, Any], lines: _LineMap) -> None:
        """A rendered object: recorded as plain, then its lines mapped back to the template."""
        start_containers, start_commands = len(self.repo.containers), len(self.repo.commands)
        start_manifests = len(self.repo.manifests)
        self._k8s_plain(rel, obj)
        for index in range(start_containers, len(self.repo.containers)):
            c = self.repo.containers[index]
            self.repo.containers[index] = Container(
                c.path, lines.template_line(c.line), c.workload, c.kind, c.name, c.image, c.command, c.args,
                c.requests, c.limits, c.env, c.schedule, c.probes, True)
        for index in range(start_commands, len(self.repo.commands)):
            c = self.repo.commands[index]
            self.repo.commands[index] = Command(c.path, lines.template_line(c.line), c.text, c.origin, c.context,
                                                c.ignores_failure, c.scheduled, c.action)
        for index in range(start_manifests, len(self.repo.manifests)):
            m = self.repo.manifests[index]
            self.repo.manifests[index] = Manifest(m.path, lines.template_line(m.line), m.api_version, m.kind, m.name, m.body)

    def _k8s_plain(self, rel: str, obj: dict[Any, Any]) -> None:
        kind = str(obj.get("kind", ""))
        meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
        name = str(meta.get("name", ""))
        self.repo.manifests.append(Manifest(rel, _line(obj), str(obj.get("apiVersion", "")), kind, name, obj))
        if kind == "ConfigMap" and isinstance(obj.get("data"), dict):
            self._configmap_scripts(rel, obj["data"])
        spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
        schedule = ""
        pod: Any = None
        if kind == "Pod":
            pod = spec
        elif kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"):
            pod = _dig(spec, "template", "spec")
        elif kind == "CronJob":
            schedule = str(spec.get("schedule", ""))
            pod = _dig(spec, "jobTemplate", "spec", "template", "spec")
        if not isinstance(pod, dict):
            return
        for container in _as_list(pod.get("containers")):
            if not isinstance(container, dict):
                continue
            resources = container.get("resources") if isinstance(container.get("resources"), dict) else {}
            requests = resources.get("requests") if isinstance(resources.get("requests"), dict) else {}
            limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
            env = tuple(str(e.get("name")) for e in _as_list(container.get("env")) if isinstance(e, dict) and e.get("name"))
            self.repo.containers.append(Container(
                rel, _line(container), f"{kind}/{name}", kind, str(container.get("name", "")),
                str(container.get("image", "")),
                tuple(str(c) for c in _flatten_script(container.get("command"))),
                tuple(str(a) for a in _flatten_script(container.get("args"))),
                tuple(sorted(str(k) for k in requests)), tuple(sorted(str(k) for k in limits)), env, schedule,
                _probes(container),
            ))
            text = " ".join([*_flatten_script(container.get("command")), *_flatten_script(container.get("args"))])
            if text:
                self.repo.commands.append(Command(
                    rel, _line(container), text, "kubernetes", f"{kind}/{name}", scheduled=kind == "CronJob"))

    def _configmap_scripts(self, rel: str, data: YamlMap | dict[Any, Any]) -> None:
        """Shell scripts kept in a ConfigMap: a CronJob that runs ``/scripts/backup.sh`` is judged by them."""
        for key, body in list(data.items())[:100]:
            if not isinstance(key, str) or not isinstance(body, str):
                continue
            if not (key.endswith((".sh", ".bash")) or _SHELL_SHEBANG_RE.match(body)):
                continue
            first = _line(data, key, 1)
            self.repo.scripts[f"{rel}/{key}"] = _script_commands(rel, first, body, "script", key, False, False)

    def _helm_values(self, rel: str) -> None:
        for doc in self.yaml_docs(rel):
            for key, block, line in _find_key(doc, "resources", ""):
                has_requests = isinstance(block, dict) and isinstance(block.get("requests"), dict) and bool(block["requests"])
                has_limits = isinstance(block, dict) and isinstance(block.get("limits"), dict) and bool(block["limits"])
                self.repo.helm_resources.append(HelmResources(rel, line, key, has_requests, has_limits))


    # -- Terraform and other platforms ----------------------------------------------------

    def terraform(self, files: tuple[str, ...]) -> None:
        tf_files = [f for f in files if f.endswith(".tf")][:MAX_TF_FILES]
        if not tf_files:
            return
        try:
            import hcl2
        except ImportError:  # pragma: no cover - a declared dependency
            self.repo.problems.append(Problem(tf_files[0], "python-hcl2 is not installed: Terraform not read"))
            return
        for rel in tf_files:
            text = self.project.read_text(rel)
            if text is None or len(text) > MAX_TF_BYTES:
                self.repo.problems.append(Problem(rel, "unreadable or too large to parse as Terraform"))
                continue
            try:
                doc = hcl2.loads(text)
            except Exception as exc:  # noqa: BLE001 - lark raises many kinds; a bad file must not stop the scan
                self.repo.problems.append(Problem(rel, f"malformed HCL ({type(exc).__name__})"))
                continue
            budget = [MAX_TF_NODES]
            clean = _tf_clean(doc, budget)
            if budget[0] <= 0 or not isinstance(clean, dict):
                self.repo.problems.append(Problem(rel, "Terraform file too large to read"))
                continue
            self._tf_file(rel, text, clean)
        self._tf_secret_stores()
        self._tf_sizings()

    def _tf_file(self, rel: str, text: str, doc: dict[str, Any]) -> None:
        folder = str(PurePosixPath(rel).parent)
        for kind in ("resource", "data"):
            for entry in _as_list(doc.get(kind)):
                for rtype, named in (entry.items() if isinstance(entry, dict) else ()):
                    for name, body in (named.items() if isinstance(named, dict) else ()):
                        line = _tf_line(text, kind, rtype, name)
                        self.repo.terraform.append(TfBlock(rel, line, kind, str(rtype), str(name),
                                                           body if isinstance(body, dict) else {}))
        for entry in _as_list(doc.get("variable")):
            for name, body in (entry.items() if isinstance(entry, dict) else ()):
                if isinstance(body, dict) and "default" in body:
                    self.repo.tf_variables[(folder, str(name))] = body["default"]
        for entry in _as_list(doc.get("module")):
            for name, body in (entry.items() if isinstance(entry, dict) else ()):
                self.repo.terraform.append(TfBlock(rel, _tf_line(text, "module", "", name), "module",
                                                   str(body.get("source", "")) if isinstance(body, dict) else "",
                                                   str(name), body if isinstance(body, dict) else {}))

    def _tf_secret_stores(self) -> None:
        for block in self.repo.terraform:
            label = next((label for prefix, label in _TF_SECRET_PREFIXES if block.type.startswith(prefix)), None)
            if label and block.kind in ("resource", "data") and not _plain_parameter(block):
                self.repo.secret_stores.append(SecretStoreUse(block.path, block.line, f"{label} in Terraform ({block.type})"))

    def _tf_sizings(self) -> None:
        for block in self.repo.terraform:
            if block.kind != "resource":
                continue
            if block.type == "aws_ecs_task_definition":
                self._sizing(block.path, block.line, "ECS task definition", block.name,
                             self.repo.tf_value(block, block.body.get("cpu")), self.repo.tf_value(block, block.body.get("memory")))
            elif block.type == "azurerm_container_app":
                for template in _as_list(block.body.get("template")):
                    for container in _as_list(template.get("container") if isinstance(template, dict) else None):
                        if isinstance(container, dict):
                            self._sizing(block.path, block.line, "Azure Container App", str(container.get("name", block.name)),
                                         self.repo.tf_value(block, container.get("cpu")),
                                         self.repo.tf_value(block, container.get("memory")))
            elif block.type in ("google_cloud_run_service", "google_cloud_run_v2_service", "google_cloud_run_v2_job"):
                for container in _tf_find_all(block.body, "containers"):
                    limits = next(iter(_tf_find_all(container, "limits")), {})
                    if isinstance(limits, dict):
                        self._sizing(block.path, block.line, "Cloud Run", block.name,
                                     self.repo.tf_value(block, limits.get("cpu")), self.repo.tf_value(block, limits.get("memory")))
            elif block.type in ("azurerm_linux_web_app", "azurerm_windows_web_app", "azurerm_service_plan",
                                "azurerm_app_service_plan") and block.type.endswith("plan"):
                sku = self.repo.tf_value(block, block.body.get("sku_name"))
                if isinstance(sku, str) and sku:
                    self._sizing(block.path, block.line, "App Service plan", block.name, sku, sku)

    def _sizing(self, rel: str, line: int, platform: str, name: str, cpu: Any, memory: Any) -> None:
        def text(value: Any) -> str:
            return "" if value is None or value == "" or value == 0 or value == "0" else str(value)

        if platform != "ECS task definition" and rel.endswith(".tf"):  # point at the figures, not the block
            lines = (self.project.read_text(rel) or "").splitlines()
            line = _find_line(lines, "memory", line) or line
        self.repo.sizings.append(Sizing(rel, line, platform, name, text(cpu), text(memory)))

    def platforms(self, files: tuple[str, ...]) -> None:
        for rel in files:
            name = _name(rel)
            if name.endswith(".json") and ("task-definition" in name or "taskdef" in name.lower() or "task_definition" in name):
                self._ecs_task_json(rel)
            elif name in ("fly.toml",):
                self._fly(rel)
            elif name in ("render.yaml", "render.yml"):
                self._render_blueprint(rel)
            elif _CF_MANIFEST.match(name):
                self._cloud_foundry(rel)
            elif name in ("app.yaml", "app.yml"):
                self._app_engine(rel)
            elif _is_compose(name):
                self._compose(rel)

    def _ecs_task_json(self, rel: str) -> None:
        text = self.project.read_text(rel)
        if text is None or "containerDefinitions" not in text:
            return
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            self.repo.problems.append(Problem(rel, "malformed JSON"))
            return
        doc = doc.get("taskDefinition", doc) if isinstance(doc, dict) else doc
        if not isinstance(doc, dict) or not isinstance(doc.get("containerDefinitions"), list):
            return
        containers = [c for c in doc["containerDefinitions"] if isinstance(c, dict)][:50]
        cpu = doc.get("cpu") or next((c.get("cpu") for c in containers if c.get("cpu")), None)
        memory = doc.get("memory") or next(
            (c.get("memory") or c.get("memoryReservation") for c in containers if c.get("memory") or c.get("memoryReservation")), None)
        line = _find_line(text.splitlines(), '"memory"') or _find_line(text.splitlines(), '"family"') or 1
        self._sizing(rel, line, "ECS task definition", str(doc.get("family", PurePosixPath(rel).stem)), cpu, memory)
        lines = text.splitlines()
        for container in containers:
            for secret in _as_list(container.get("secrets"))[:200]:
                source = str(secret.get("valueFrom", "")) if isinstance(secret, dict) else ""
                label = ("AWS Secrets Manager" if ":secretsmanager:" in source
                         else "AWS SSM Parameter Store" if ":ssm:" in source or source.startswith("/") else "")
                if label:
                    self.repo.secret_stores.append(SecretStoreUse(
                        rel, _find_line(lines, source) or 1, f"{label} (ECS task secrets)"))
                    break

    def _fly(self, rel: str) -> None:
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover
            import tomli as tomllib

        text = self.project.read_text(rel)
        if text is None:
            return
        try:
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            self.repo.problems.append(Problem(rel, "malformed TOML"))
            return
        for vm in _as_list(doc.get("vm") or doc.get("VM")):
            if isinstance(vm, dict):
                memory = vm.get("memory") or vm.get("memory_mb") or vm.get("size")
                cpu = vm.get("cpus") or vm.get("size")
                self._sizing(rel, _find_line(text.splitlines(), "vm") or 1, "Fly.io machine", str(doc.get("app", "")), cpu, memory)

    def _cloud_foundry(self, rel: str) -> None:
        """A Cloud Foundry manifest (``applications: [{name, instances, memory}]``): each app's memory quota,
        which also sets its share of the cell's CPU."""
        text = self.project.read_text(rel) or ""
        if "applications" not in text:
            return
        lines = text.splitlines()
        for doc in self.yaml_docs(rel):
            apps = doc.get("applications") if isinstance(doc, dict) else None
            for app in _as_list(apps)[:50]:
                if isinstance(app, dict) and app.get("memory"):
                    name = str(app.get("name", ""))
                    line = _find_line(lines, f"name: {name}") or _find_line(lines, "memory") or 1
                    self._sizing(rel, line, "Cloud Foundry app", name, app.get("memory"), app.get("memory"))

    def _render_blueprint(self, rel: str) -> None:
        """A Render blueprint: a service's ``plan`` fixes its cpu and memory. A service without one is
        not recorded (the platform's default plan applies; nothing was decided to judge)."""
        text = self.project.read_text(rel) or ""
        for doc in self.yaml_docs(rel):
            services = doc.get("services") if isinstance(doc, dict) else None
            for service in _as_list(services):
                if isinstance(service, dict) and isinstance(service.get("plan"), str) and service["plan"].strip():
                    plan = f"plan {service['plan']}"
                    line = _line(service, "plan", _find_line(text.splitlines(), "plan") or 1)
                    self._sizing(rel, line, "Render service", str(service.get("name", "")), plan, plan)

    def _app_engine(self, rel: str) -> None:
        """Google App Engine: ``instance_class`` (standard) or ``resources`` cpu and memory_gb (flexible).

        Any other ``app.yaml`` (no ``runtime:``) is not App Engine's and is left alone, broken or not."""
        docs, _ = load_yaml(self.project.read_text(rel) or "")
        doc = docs[0] if docs else None
        if not isinstance(doc, dict) or "runtime" not in doc:
            return
        name = str(doc.get("service", "default"))
        resources = doc.get("resources") if isinstance(doc.get("resources"), dict) else None
        if isinstance(doc.get("instance_class"), str):
            size = f"instance class {doc['instance_class']}"
            self._sizing(rel, _line(doc, "instance_class", 1), "App Engine service", name, size, size)
        elif resources is not None:
            self._sizing(rel, _line(doc, "resources", 1), "App Engine service", name, resources.get("cpu"),
                         resources.get("memory_gb"))

    def _compose(self, rel: str) -> None:
        """Compose services count only in a file that sizes some service: a dev compose file sizes none."""
        text = self.project.read_text(rel)
        if text is None or ("resources" not in text and "mem_limit" not in text):
            return
        for doc in self.yaml_docs(rel):
            services = doc.get("services") if isinstance(doc, dict) else None
            if not isinstance(services, dict):
                continue
            sized = []
            for name, service in list(services.items())[:200]:
                if not isinstance(service, dict):
                    continue
                resources = _dig(service, "deploy", "resources")
                limits = resources.get("limits") if isinstance(resources, dict) and isinstance(resources.get("limits"), dict) else {}
                cpu = limits.get("cpus") or service.get("cpus")
                memory = limits.get("memory") or service.get("mem_limit")
                sized.append((str(name), _line(service), cpu, memory))
            if any(cpu or memory for _, _, cpu, memory in sized):
                for name, line, cpu, memory in sized:
                    self._sizing(rel, line, "docker compose", name, cpu, memory)


MAX_TF_FILES = 300
MAX_TF_BYTES = 512 * 1024
MAX_TF_NODES = 100_000  # values kept from one Terraform file

_TF_SECRET_PREFIXES = (
    ("aws_secretsmanager_", "AWS Secrets Manager"), ("aws_ssm_parameter", "AWS SSM Parameter Store"),
    ("google_secret_manager_", "GCP Secret Manager"), ("azurerm_key_vault", "Azure Key Vault"),
    ("vault_", "HashiCorp Vault"),
)


def _plain_parameter(block: TfBlock) -> bool:
    """An SSM parameter that holds no secret: a String or StringList resource, or AWS's public
    parameters (``/aws/service/ami-amazon-linux-latest/...``) read as data."""
    if block.type != "aws_ssm_parameter":
        return False
    body = block.body if isinstance(block.body, dict) else {}
    if block.kind == "resource":
        return str(body.get("type", "")).strip() != "SecureString"
    return str(body.get("name", "")).startswith("/aws/service/")


def _tf_clean(value: Any, budget: list[int], depth: int = 0) -> Any:
    """python-hcl2's output as plain data: quotes off keys and strings, its markers dropped, bounded."""
    budget[0] -= 1
    if budget[0] <= 0 or depth > 40:
        return None
    if isinstance(value, dict):
        return {_tf_unquote(k): _tf_clean(v, budget, depth + 1) for k, v in value.items()
                if isinstance(k, str) and not k.startswith("__")}
    if isinstance(value, list):
        return [_tf_clean(v, budget, depth + 1) for v in value]
    if isinstance(value, str):
        return _tf_unquote(value)
    return value


def _tf_unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _tf_line(text: str, kind: str, rtype: str, name: str) -> int:
    labels = rf'\s+"{re.escape(rtype)}"' if rtype else ""
    match = re.search(rf'^\s*{kind}{labels}\s+"{re.escape(name)}"', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _tf_find_all(obj: Any, key: str, depth: int = 0) -> list[Any]:
    """Every value under ``key`` at any depth (blocks come as lists of dicts), flattened."""
    if depth > 12:
        return []
    out: list[Any] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                out.extend(_as_list(v))
            else:
                out.extend(_tf_find_all(v, key, depth + 1))
    elif isinstance(obj, list):
        for item in obj:
            out.extend(_tf_find_all(item, key, depth + 1))
    return out


_CF_MANIFEST = re.compile(r"^manifest(?:[-_.][\w.-]*)?\.ya?ml$")


def _is_compose(name: str) -> bool:
    return name.endswith((".yml", ".yaml")) and (name.startswith(("docker-compose", "compose")))


def _k8s_objects(doc: Any) -> Iterator[dict[Any, Any]]:
    if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
        return
    if doc.get("kind") == "List" or str(doc.get("kind", "")).endswith("List"):
        for item in _as_list(doc.get("items")):
            yield from _k8s_objects(item)
        return
    yield doc


def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _find_key(obj: Any, wanted: str, prefix: str, depth: int = 0) -> Iterator[tuple[str, Any, int]]:
    if depth > 12 or not isinstance(obj, dict):
        return
    for key, value in obj.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if key == wanted:
            yield path, value, _line(obj, key)
        elif isinstance(value, dict):
            yield from _find_key(value, wanted, path, depth + 1)


def _find_line(lines: list[str], needle: str, start: int = 0) -> int:
    for index in range(max(start - 1, 0), len(lines)):
        if needle in lines[index]:
            return index + 1
    return 0


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    parts = []
    while isinstance(target, ast.Attribute):
        parts.append(target.attr)
        target = target.value
    if isinstance(target, ast.Name):
        parts.append(target.id)
    return ".".join(reversed(parts))


def _session_name(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    for deco in func.decorator_list:
        if isinstance(deco, ast.Call):
            for kw in deco.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    return kw.value.value
    return func.name


_DOC_DIRS = {"docs", "doc", "runbooks", "runbook", "ops", "operations", "wiki", "handbook", "playbooks"}


_VALUES_REF_RE = lazy_compile(r"\.Values\.([\w.]+)")
_NEXT_ITEM_RE = lazy_compile(r"^(\s*)- ")


def _values_ref(template: str, line: int) -> str | None:
    """The values path a container's ``resources:`` renders (``toYaml .Values.web.resources``), read from the
    template lines of that container (up to the next list item at its indentation)."""
    lines = template.splitlines()
    if not 0 < line <= len(lines):
        return None
    first = _NEXT_ITEM_RE.match(lines[line - 1])
    indent = len(first.group(1)) if first else len(lines[line - 1]) - len(lines[line - 1].lstrip())
    for index in range(line - 1, min(len(lines), line + 80)):
        text = lines[index]
        item = _NEXT_ITEM_RE.match(text)
        if index > line - 1 and item and len(item.group(1)) <= indent:
            return None
        if re.search(r"\bresources:", text):
            for candidate in lines[index:index + 3]:
                match = _VALUES_REF_RE.search(candidate)
                if match:
                    return match.group(1).rstrip(".")
            return None
    return None


def _deployable(files: tuple[str, ...], project: Project) -> tuple[str, ...]:
    """Files that may describe how the service is deployed: not tests, fixtures, examples, vendored code,
    the stack a benchmark or load test brings up for itself (``packages/acme-benchmark/docker-compose.yml``),
    or one kept inside a sub-package of the code."""
    from readiness.roles import EXAMPLE, FIXTURE, GENERATED, LOADTEST, TEST, overrides_of, role_of

    overrides = overrides_of(project.settings)
    skipped = (TEST, FIXTURE, EXAMPLE, GENERATED, LOADTEST)
    # a sub-package's own stack (``app/providers/graylog_provider/docker-compose.yml``) is how an
    # integration is tried against the system it talks to, not how the service runs
    packages = {f[:-len("__init__.py")] for f in project.python_files if f.endswith("/__init__.py") and f.count("/") >= 2}
    return tuple(f for f in files if role_of(f, None, overrides) not in skipped and not _BENCH_DIR.search(f)
                 and not _DEV_DIR.search(f) and f.rpartition("/")[0] + "/" not in packages)


_BENCH_DIR = lazy_compile(r"(?:^|/)(?:bench|benchmarks?|[\w.-]+[-_](?:bench|benchmarks?))/", re.IGNORECASE)
# a stack a developer brings up on their machine (Ctl/dev/docker-compose.yml, devenv/compose.yaml)
_DEV_DIR = lazy_compile(r"(?:^|/)(?:dev|devenv|dev[-_]?env|devtools|dev[-_]tools|devproject|dev[-_]stack)/", re.IGNORECASE)


def is_doc(rel: str) -> bool:
    """A document: Markdown, reStructuredText, plain text or AsciiDoc in a docs folder, or at the root."""
    if not rel.lower().endswith((".md", ".rst", ".txt", ".adoc")):
        return False
    parts = rel.split("/")
    if len(parts) == 1:
        return not rel.lower().endswith(".txt")
    return any(p.lower() in _DOC_DIRS for p in parts[:-1])


def build(project: Project) -> RepoFiles:
    return _Builder(project).build()


def repo_files(project: Project) -> RepoFiles:
    """The parsed repository files, once per scan."""
    return project.tool("repo_files", build)
