"""Testing checks: line coverage, an enforced coverage threshold, the kinds of test suites present."""

from __future__ import annotations

import configparser
import io
import os
import posixpath
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Iterator, Mapping

from readiness import read_log
from readiness.checks.base import Check, Collected, Example, Verdict
from readiness.checks.performance import FEATURE_NAMES, find_load_tests
from readiness.coverage_data import (
    MAX_DATA_BYTES,
    CoverageUnreadable,
    Figure,
    from_json,
    from_xml,
    kind_of,
    locate,
    measured_lines,
)
from readiness.file_facts import TextFact
from readiness.lazy_regex import AnyOf, lazy_compile
from readiness.measures import Errored, NotApplicable, Presence, Ratio, Share, Unknown
from readiness.model import Evidence
from readiness.paths import is_test_path
from readiness.project import Project, read_inside
from readiness.repo_files import CIRCLECI_FILES, Command, RepoFiles, programs, repo_files
from readiness.roles import GENERATED, project_roles

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATA_FILES = (".coverage", "coverage.xml", "coverage.json")


@dataclass(frozen=True)
class CoverageReading:
    percent: float
    source: str  # the data file: relative to the scanned root, or as the operator named it
    files: int  # measured files the figure covers
    mtime: float
    inside: bool  # the file lies in the scanned tree (its path can be shown as a location)


@dataclass(frozen=True)
class DataFile:
    """A coverage data file to try: ``rel`` inside the scanned root, or ``outside`` (an operator's path)."""

    label: str
    rel: str = ""
    outside: str = ""
    given: bool = False  # named with --coverage or in configuration, not found by looking


def _from_sqlite(project: Project, data: bytes) -> Figure:
    """Line coverage from a ``.coverage`` database, recounted by coverage against today's sources."""
    import coverage
    from coverage.exceptions import CoverageException

    known = set(project.python_files)
    local: dict[str, str] = {}
    lengths: dict[str, int] = {}

    def max_line(recorded: str) -> int:
        rel = locate(project.root, recorded, known)
        if rel is None:
            return 0
        local[recorded] = rel
        if rel not in lengths:
            lengths[rel] = (project.read_text(rel) or "").count("\n") + 1
        return lengths[rel]

    lines = measured_lines(data, max_line)
    if not lines:
        raise CoverageUnreadable("holds no measured files")
    mapped = {str(project.root / local[name]): sorted(executed) for name, executed in lines.items() if name in local}
    if not mapped:
        raise CoverageUnreadable(f"names {len(lines)} measured file(s), none of them in this repository")
    # Statements are counted by coverage itself, with its default exclusions and no project
    # config: a config may name plugins, and loading them would import the project's code.
    cov = coverage.Coverage(data_file=None, config_file=False)
    cov.get_data().add_lines(mapped)
    try:
        percent = cov.report(file=io.StringIO(), ignore_errors=True)
    except CoverageException as exc:
        raise CoverageUnreadable(f"{type(exc).__name__}: {exc}") from exc
    return Figure(float(percent), len(mapped))


def _read_outside(path: str) -> tuple[bytes, float]:
    """An operator's file (``--coverage``), read whole under the size cap; a FIFO or device is refused, not waited on."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise CoverageUnreadable("not a regular file")
        if info.st_size > MAX_DATA_BYTES:
            raise CoverageUnreadable(f"larger than {MAX_DATA_BYTES // (1024 * 1024)} MB")
        return handle.read(MAX_DATA_BYTES + 1), info.st_mtime


def _read_data(project: Project, item: DataFile) -> tuple[bytes, float]:
    try:
        if item.outside:
            data, mtime = _read_outside(item.outside)
        else:
            data = read_inside(project.root, item.rel, MAX_DATA_BYTES)
            mtime = (project.root / item.rel).stat().st_mtime
    except OSError as exc:
        raise CoverageUnreadable(f"cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_DATA_BYTES:
        raise CoverageUnreadable(f"larger than {MAX_DATA_BYTES // (1024 * 1024)} MB")
    return data, mtime


def _candidates(project: Project, extra: list[str]) -> list[DataFile]:
    """Files the operator named first, then configured ones, then data files found in the tree, newest first."""
    settings = project.settings
    operator = getattr(settings, "operator", None)
    out: list[DataFile] = [DataFile(Path(p).name, outside=p, given=True) for p in getattr(operator, "coverage", ())]
    configured = settings.get("coverage") if settings is not None else None
    names = [configured] if isinstance(configured, str) else list(configured or [])
    trusted = bool(getattr(operator, "trusted_config", False))
    for raw in [*names, *extra]:
        text = str(raw)
        if os.path.isabs(text) and trusted:
            out.append(DataFile(Path(text).name, outside=text, given=True))
        else:  # a configuration in the scanned tree names files inside it only (read_inside refuses the rest)
            rel = PurePosixPath(text.replace("\\", "/")).as_posix().removeprefix("./")
            out.append(DataFile(rel, rel=rel, given=True))
    found: dict[str, float] = {}
    for rel in [*DATA_FILES, *project.glob(*(f"**/{n}" for n in DATA_FILES))]:
        try:
            found.setdefault(rel, (project.root / rel).stat().st_mtime)
        except OSError:
            continue
    for rel, _ in sorted(found.items(), key=lambda item: (-item[1], item[0])):
        if (project.root / rel).is_file():
            out.append(DataFile(rel, rel=rel))
    return out


def read_coverage(project: Project, extra: list[str]) -> tuple[CoverageReading | None, list[str], bool]:
    """The first readable coverage figure, why other data files could not be read, and
    whether one of those was named explicitly (an operator's file that fails is an error)."""
    problems: list[str] = []
    seen: set[str] = set()
    for item in _candidates(project, extra):
        key = item.outside or item.rel
        if key in seen:
            continue
        seen.add(key)
        try:
            data, mtime = _read_data(project, item)
            kind = kind_of(item.label, data)
            if kind == "sqlite":
                figure = _from_sqlite(project, data)
            else:
                figure = (from_json if kind == "json" else from_xml)(data)
        except CoverageUnreadable as exc:
            problems.append(f"{item.label}: {exc}")
            if item.given:  # what the operator or configuration named must be read, not replaced by other data
                return None, problems, True
            continue
        return CoverageReading(figure.percent, item.label, figure.files, mtime, not item.outside), problems, False
    return None, problems, False


def _newest_source(project: Project) -> tuple[str, float] | None:
    # modification times are no input a stored result is checked against (readiness.check_reuse): a result
    # that compares them is worked out again on every scan that is not answered whole
    read_log.note(read_log.UNKNOWN)
    newest: tuple[str, float] | None = None
    for rel in project.python_files:
        try:
            mtime = (project.root / rel).stat().st_mtime
        except OSError:
            continue
        if newest is None or mtime > newest[1]:
            newest = (rel, mtime)
    return newest


_TEST_RUNNERS = frozenset({"pytest", "py.test", "coverage", "tox", "nox", "pytest-xdist"})


def _ci_runs_tests(repo: RepoFiles) -> bool:
    """CI runs pytest or coverage (directly or through make, scripts, tox or nox)."""
    return any(
        PurePosixPath(argv[0]).name in _TEST_RUNNERS or (PurePosixPath(argv[0]).name == "manage.py" and "test" in argv)
        for command in repo.ci_commands() for argv, _ in programs(command)
    )


_COVERAGE_UPLOADS = ("codecov/codecov-action", "coverallsapp/github-action")
_COVERAGE_UPLOADERS = frozenset({"codecov", "coveralls"})


def _ci_measures_coverage(repo: RepoFiles) -> Evidence | None:
    """Where CI runs the tests under coverage (pytest-cov's ``--cov`` options, even inside a
    ``docker compose run``; ``coverage run``) or uploads a coverage report, without a gate."""
    for command in repo.ci_commands():
        if command.action.startswith(_COVERAGE_UPLOADS):
            return Evidence("CI uploads a coverage report", command.path, command.line)
        for argv, _ in programs(command):
            head = PurePosixPath(argv[0]).name
            if any(a.startswith("--cov") and not a.startswith("--cov-fail-under") for a in argv) or (
                    head == "coverage" and len(argv) > 1 and argv[1] == "run"):
                return Evidence("CI runs the tests under coverage", command.path, command.line)
            if head in _COVERAGE_UPLOADERS:
                return Evidence("CI uploads a coverage report", command.path, command.line)
    return None


HOW_TO_PROVIDE = (
    "give the coverage data CI produced with `readiness scan --coverage coverage.xml` (or `coverage:` in "
    "readiness.yaml; coverage.json and .coverage also work), or run the tests under coverage "
    "(pytest --cov --cov-report=xml) before scanning"
)


def _own_test_modules(project: Project) -> list[str]:
    """The project's own test modules: a vendored copy's tests (lib/cheroot/test/) are not the project's."""
    roles = project_roles(project)
    return [f for f in project.python_files if _suite_module(f) and roles.of(f) != GENERATED]


def _own_tests(project: Project) -> bool:
    """Whether the project has tests of its own: a test module, or a tests folder (whose suite may live in another
    repository and leave only its reports here)."""
    if _own_test_modules(project):
        return True
    roles = project_roles(project)
    return any(not set(rel.split("/")[:-1]).isdisjoint(("test", "tests")) and roles.of(rel) != GENERATED
               for rel in project.files)


def _without_data(project: Project, problems: list[str]) -> Verdict:
    """No coverage data: the figure is unknown, never 0% and never guessed. A CI gate is shown, not scored."""
    gates = [g for g in coverage_gates(project) if g.in_ci and g.value > 0]
    evidence = tuple(Evidence(f"CI coverage gate: {g.how} {g.value:g}%", g.path, g.line) for g in gates)
    context = ""
    if gates:
        best = max(gates, key=lambda g: g.value)
        context = f"; CI fails the build below {best.value:g}% ({best.how}, {best.path}), but the figure itself is not here"
    else:
        measured = _ci_measures_coverage(repo_files(project))
        if measured is not None:
            context = f"; CI measures coverage ({measured.path}:{measured.line})"
    unread = f"; unreadable: {'; '.join(problems[:2])}" if problems else ""
    return Verdict(Unknown(f"coverage unknown: no coverage data{context}{unread}. To score it, {HOW_TO_PROVIDE}"),
                   evidence=evidence)


class TestCoverage(Check):
    __test__ = False  # not a pytest test class, despite the name
    id = "test-coverage"
    category = "testing"
    severity = "high"
    effort = "3-5d"
    title = "Line coverage"
    rationale = (
        "Coverage shows which code no test ever runs. Uncovered code is where refactors break "
        "silently and where the next incident's bug is most likely to live."
    )
    remediation = (
        "Run the tests under coverage (`pytest --cov=app --cov-report=xml`), then give readiness the data: "
        "scan where `.coverage`, `coverage.xml` or `coverage.json` was written, or pass CI's artifact with "
        "`readiness scan --coverage coverage.xml` (or `coverage: [coverage.xml]` in readiness.yaml). Add tests "
        "for the least covered modules until the target is met."
    )
    scoring = (
        "Ratio: line coverage against `target` (default 70%), read from the files given with `--coverage` "
        "(or the `coverage` configuration key), else the newest `.coverage` (recounted by coverage against "
        "today's sources), `coverage.xml` (Cobertura) or `coverage.json` in the tree. Without any data the "
        "status is unknown: left out of scores, never 0%, never inferred from a CI gate; a project without a "
        "single test module or tests folder of its own is at 0%, which needs no data. Data older than the "
        "newest Python file still scores (the figure is rarely far off) but is flagged as stale; set "
        "`accept_stale: false` to treat it as missing. A file named explicitly that cannot be read is an error."
    )
    options = {"target": 70.0, "data_files": [], "accept_stale": True}
    examples = (
        Example({
            "app/orders.py": "def total(x):\n    return x\n",
            "coverage.xml": '<?xml version="1.0" ?>\n<coverage version="7.4" line-rate="0.82" branch-rate="0">\n'
                            "<packages/></coverage>\n",
        }, status="pass", note="82% against a 70% target"),
        Example({
            "app/orders.py": "def total(x):\n    return x\n",
            "coverage.json": '{"totals": {"covered_lines": 40, "num_statements": 100, "percent_covered": 40.0}}\n',
        }, status="fail", note="40% against a 70% target"),
        Example({"app/orders.py": "def total(x):\n    return x\n",
                 "tests/test_orders.py": "from app.orders import total\n\n\ndef test_total():\n    assert total(1) == 1\n"},
                status="unknown", note="no coverage data: unknown, not 0%"),
        Example({"app/orders.py": "def total(x):\n    return x\n"}, status="fail",
                note="no test modules at all: nothing runs the code, so coverage is 0% without any data"),
        Example({"app/orders.py": "def total(x):\n    return x\n",
                 "test/Orders TestSummary.html": "<html><body>142 passed</body></html>\n"}, status="unknown",
                note="a tests folder holding only the report of a suite kept in another repository: unknown"),
        Example({
            "app/orders.py": "def total(x):\n    return x\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: uv run coverage run -m pytest\n"
                                        "      - run: uv run coverage report --fail-under=90\n",
            "tests/test_orders.py": "def test_total():\n    assert True\n",
        }, status="unknown", note="CI gates coverage, but without its data the figure is unknown"),
        Example({
            "app/orders.py": "def total(x):\n    return x\n",
            "ci-artifacts/cobertura.xml": '<coverage line-rate="0.9" lines-valid="10" lines-covered="9"><packages/></coverage>\n',
        }, status="pass", options={"data_files": ["ci-artifacts/cobertura.xml"]},
            note="a CI artifact in the tree, named in configuration"),
        Example({"README.md": "# docs\n"}, status="n/a", note="no Python"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files and no tests"))
        target = float(options["target"])
        reading, problems, given_failed = read_coverage(project, [str(p) for p in options.get("data_files", [])])
        if reading is None:
            if given_failed:
                return Verdict(Errored(f"coverage data could not be read: {'; '.join(problems[:3])}"))
            if not _own_tests(project):  # nothing runs the code: no data is needed to know the figure
                return Verdict(Ratio(0.0, target, "line coverage (no test modules)"),
                               "line coverage 0%: the project has no test modules and no tests folder")
            return _without_data(project, problems)
        unreadable = f" ({'; '.join(problems[:2])})" if problems else ""
        newest = _newest_source(project) if reading.inside else None
        stale = newest is not None and newest[1] > reading.mtime + 1
        label = f"line coverage ({reading.source})"
        where = reading.source if reading.inside else ""
        given = "" if reading.inside else " (given with --coverage)"
        evidence = [Evidence(f"line coverage {reading.percent:.1f}% measured over {reading.files} file(s){given}", where)]
        summary = f"line coverage {reading.percent:.1f}% (target {target:g}%) from {reading.source}{given}"
        if stale and newest is not None:
            note = f"stale: {newest[0]} changed after the coverage data was written"
            evidence.append(Evidence(note, newest[0]))
            summary += f"; {note}"
            if not options.get("accept_stale", True):
                return Verdict(Presence(False, "fresh coverage data"), summary + unreadable, tuple(evidence))
        return Verdict(Ratio(reading.percent, target, label), summary + unreadable, tuple(evidence))


# -- coverage-enforced --------------------------------------------------------------------------

_CLI_FAIL_UNDER_RE = lazy_compile(r"--(?:cov-)?fail-under[= ]+(\d+(?:\.\d+)?)")


def _config_thresholds(project: Project) -> list[tuple[float, str, int, str]]:
    """(value, path, line, how) of fail-under thresholds in coverage and pytest configuration."""
    found: list[tuple[float, str, int, str]] = []
    ini_sections = {
        ".coveragerc": ["report"], "setup.cfg": ["coverage:report", "tool:pytest"],
        "tox.ini": ["coverage:report", "pytest"], "pytest.ini": ["pytest"],
    }
    for rel, sections in ini_sections.items():
        text = project.read_text(rel) if rel in project.files or (project.root / rel).is_file() else None
        if not text:
            continue
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read_string(text)
        except configparser.Error:
            continue
        for section in sections:
            if not parser.has_section(section):
                continue
            if section.endswith("report") and parser.has_option(section, "fail_under"):
                _add_value(found, parser.get(section, "fail_under"), rel, text, "fail_under", f"fail_under in [{section}]")
            if "pytest" in section and parser.has_option(section, "addopts"):
                for match in _CLI_FAIL_UNDER_RE.finditer(parser.get(section, "addopts")):
                    _add_value(found, match.group(1), rel, text, "fail-under", "--cov-fail-under in pytest addopts")
    text = project.read_text("pyproject.toml") if "pyproject.toml" in project.files else None
    if text:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            doc = {}
        tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
        report = ((tool.get("coverage") or {}).get("report") or {}) if isinstance(tool.get("coverage"), dict) else {}
        if isinstance(report, dict) and "fail_under" in report:
            _add_value(found, str(report["fail_under"]), "pyproject.toml", text, "fail_under",
                       "fail_under in [tool.coverage.report]")
        pytest_opts = ((tool.get("pytest") or {}).get("ini_options") or {}) if isinstance(tool.get("pytest"), dict) else {}
        addopts = pytest_opts.get("addopts", "") if isinstance(pytest_opts, dict) else ""
        addopts = " ".join(addopts) if isinstance(addopts, list) else str(addopts)
        for match in _CLI_FAIL_UNDER_RE.finditer(addopts):
            _add_value(found, match.group(1), "pyproject.toml", text, "fail-under", "--cov-fail-under in pytest addopts")
    return found


def _add_value(found: list[tuple[float, str, int, str]], raw: str, rel: str, text: str, needle: str, how: str) -> None:
    try:
        value = float(raw)
    except ValueError:
        return
    line = next((i for i, line in enumerate(text.splitlines(), 1) if needle in line), 0)
    found.append((value, rel, line, how))


@dataclass(frozen=True)
class Gate:
    """A fail-under coverage threshold and whether CI applies it."""

    value: float
    path: str
    line: int
    how: str
    in_ci: bool


# ``if [[ $COVERAGE_TOTAL < 50 ]]; then ... exit 1`` / ``[ "$cov" -lt "$MIN_COVERAGE" ] && exit 1``
_SHELL_GATE_RE = lazy_compile(
    r"\[\[?\s*[\"']?\$\{?(?P<var>\w*cov\w*)\}?[\"']?\s*(?:<|-lt|-le)\s*[\"']?(?P<limit>\$\{\{\s*env\.\w+\s*\}\}|\$\{?\w+\}?|\d+(?:\.\d+)?)",
    re.IGNORECASE,
)
_FAILS_RE = lazy_compile(r"\bexit\s+[1-9]|\bfalse\b")


def _shell_gates(project: Project, repo: RepoFiles) -> list[Gate]:
    """Coverage gates written as a shell comparison in a CI file (and the value it compares against)."""
    found: list[Gate] = []
    for rel in repo.ci_files:
        text = project.read_text(rel) or ""
        if "cov" not in text.lower():
            continue
        lines = text.splitlines()
        for index, line in enumerate(lines):
            if len(line) > 2000 or "cov" not in line.lower():
                continue
            match = _SHELL_GATE_RE.search(line)
            if not match or not any(_FAILS_RE.search(after) for after in lines[index:index + 5]):
                continue
            limit = match.group("limit")
            if not limit[0].isdigit():
                name = re.sub(r"[^\w.]", "", limit).split(".")[-1]
                value = re.search(rf"^\s*(?:export\s+)?{re.escape(name)}\s*[:=]\s*[\"']?(\d+(?:\.\d+)?)\b", text, re.MULTILINE)
                if not value:
                    continue
                limit = value.group(1)
            found.append(Gate(float(limit), rel, index + 1, "a shell comparison of the coverage total", True))
    return found


def coverage_gates(project: Project) -> list[Gate]:
    """Every fail-under threshold: configuration (in CI when CI runs the tests), CI command lines, shell checks."""
    repo = repo_files(project)
    runs_tests = _ci_runs_tests(repo)
    gates = [Gate(value, rel, line, how, runs_tests) for value, rel, line, how in _config_thresholds(project)]
    ci = repo.ci_commands()
    commands = [*ci, *(c for c in repo.commands if c.origin in ("tox", "nox"))]
    for command in commands:
        for argv, ignored in programs(command):
            if ignored:
                continue
            match = _CLI_FAIL_UNDER_RE.search(" ".join(argv))
            if match:
                gates.append(Gate(float(match.group(1)), command.path, command.line,
                                  "--fail-under on the command line", command in ci or runs_tests))
    gates.extend(_shell_gates(project, repo))
    gates.extend(_codecov_gates(project, repo))
    return gates


# Where Codecov reads its configuration: the repository's root, ``dev/`` or ``.github/``.
_CODECOV_FILES = tuple(f"{folder}{name}" for folder in ("", "dev/", ".github/")
                       for name in ("codecov.yml", ".codecov.yml", "codecov.yaml", ".codecov.yaml"))


def _codecov_gates(project: Project, repo: RepoFiles) -> list[Gate]:
    """A Codecov status target (``coverage.status.project.<name>.target: 80%``, or ``patch`` for the lines a change
    adds) less its threshold: the pull request check fails below it.

    ``auto`` (no drop against the base) is not a threshold. It applies in CI when CI uploads to Codecov.
    """
    from readiness.repo_files import load_yaml

    uploads = any("codecov" in f"{c.action} {c.text}".lower() for c in repo.ci_commands())
    found: list[Gate] = []
    for rel in _CODECOV_FILES:
        if rel not in project.files:
            continue
        text = project.read_text(rel) or ""
        docs, _ = load_yaml(text)
        doc = docs[0] if docs and isinstance(docs[0], dict) else {}
        status = (doc.get("coverage") or {}).get("status") if isinstance(doc.get("coverage"), dict) else None
        for kind in ("project", "patch"):  # a patch target gates the coverage of every change's new lines
            statuses = status.get(kind) if isinstance(status, dict) else None
            for name, conf in (statuses.items() if isinstance(statuses, dict) else ()):
                if not isinstance(conf, dict) or conf.get("informational") is True:
                    continue
                if not _gates_python(project, conf.get("paths")):
                    continue  # ui: {target: 40%, paths: ui/}: the front end's JavaScript, not the service's Python
                target, threshold = _percent(conf.get("target")), _percent(conf.get("threshold")) or 0.0
                if target is not None:
                    line = next((i for i, ln in enumerate(text.splitlines(), 1) if "target" in ln), 0)
                    found.append(Gate(max(target - threshold, 0.0), rel, line,
                                      f"Codecov {kind} status target ({name})", uploads))
    return found


def _gates_python(project: Project, paths: Any) -> bool:
    """Whether a status limited to ``paths`` (none: the whole repository) may cover the project's Python: not when
    every file under those paths is something else (the front end's JavaScript)."""
    wanted = [paths] if isinstance(paths, str) else [p for p in paths if isinstance(p, str)] if isinstance(paths, list) else []
    prefixes = [p.strip().strip("/").removeprefix("./") for p in wanted if p.strip() and not p.strip().startswith("!")]
    if not prefixes:
        return True

    def under(rel: str, prefix: str) -> bool:
        return rel == prefix or rel.startswith(prefix.rstrip("*") if prefix.endswith("*") else prefix + "/")

    covered = [rel for rel in project.files if any(under(rel, p) for p in prefixes)]
    # a path with nothing under it here tells nothing; one holding only JavaScript (ui/) gates no Python
    return not covered or any(rel.endswith(".py") for rel in covered)


def _percent(value: Any) -> float | None:
    """``80%``, ``80`` or ``80.5`` as a number; ``auto`` and anything else as None."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%?\s*", str(value)) if value is not None else None
    return float(match.group(1)) if match else None


class CoverageEnforced(Check):
    id = "coverage-enforced"
    category = "testing"
    severity = "medium"
    effort = "0.5d"
    title = "Coverage threshold enforced"
    rationale = (
        "Coverage that nobody enforces drifts down one untested change at a time. A fail-under "
        "threshold turns the coverage figure into a gate every change has to pass."
    )
    remediation = (
        "Set `fail_under = 80` under `[tool.coverage.report]` in pyproject.toml (or `[report]` in "
        ".coveragerc), or run `pytest --cov --cov-fail-under=80` in CI."
    )
    scoring = (
        "Presence: 100% with a fail-under threshold above 0 in coverage or pytest configuration, "
        "on a CI, tox, nox or make command line (runners such as `uv run` included), a CI shell "
        "step that compares the coverage total with a minimum and exits non-zero, or a Codecov "
        "project or patch status target (not `auto`; less its threshold). 50% (still a fail) when CI measures coverage without a "
        "gate: pytest-cov options on a CI command line (inside `docker compose run` too), `coverage run`, or "
        "a Codecov or Coveralls upload."
    )
    examples = (
        Example({
            "app/x.py": "x = 1\n",
            "pyproject.toml": "[tool.coverage.report]\nfail_under = 80\nshow_missing = true\n",
        }, status="pass"),
        Example({
            "app/x.py": "x = 1\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: pytest --cov=app --cov-fail-under=75\n",
        }, status="pass", note="on the CI command line"),
        Example({
            "app/x.py": "x = 1\n",
            ".coveragerc": "[report]\nfail_under = 0\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: pytest --cov=app\n",
        }, status="fail", note="a zero threshold gates nothing; measuring in CI is half the practice (50%)"),
        Example({
            "app/x.py": "x = 1\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: docker compose run api tests --cov=app --cov-report=xml\n"
                                        "      - uses: codecov/codecov-action@v5\n",
        }, status="fail", note="coverage measured inside a container and uploaded, but nothing fails below a figure: 50%"),
        Example({
            "app/x.py": "x = 1\n", "ui/app.js": "export const x = 1;\n",
            ".codecov.yml": "coverage:\n  status:\n    project:\n      default:\n        threshold: 2\n"
                            "      ui:\n        target: 40%\n        paths: ui/\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: pytest --cov=app --cov-report=xml\n"
                                        "      - uses: codecov/codecov-action@v5\n",
        }, status="fail", note="a Codecov target limited to the ui/ folder gates the JavaScript, not the service"),
        Example({
            "app/x.py": "x = 1\n",
            ".github/.codecov.yml": "coverage:\n  status:\n    project:\n      default:\n        target: 80%\n"
                                    "        threshold: 3%\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: pytest --cov=app --cov-report=xml\n"
                                        "      - uses: codecov/codecov-action@v5\n",
        }, status="pass", note="a Codecov target in .github/, one of the places Codecov reads its configuration"),
        Example({
            "app/x.py": "x = 1\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n"
                                        "      - run: pytest\n",
        }, status="fail", note="tests without coverage: 0%"),
        Example({"README.md": "# docs\n"}, status="n/a"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files"))
        found = coverage_gates(project)
        gates = [g for g in found if g.value > 0]
        evidence = tuple(Evidence(f"{g.how}: {g.value:g}%", g.path, g.line) for g in gates)
        if gates:
            best = max(gates, key=lambda g: g.value)
            summary = f"coverage must reach {best.value:g}% ({best.how}, {best.path})"
            return Verdict(Presence(True, "a coverage fail-under threshold"), summary, evidence)
        zero = "a fail-under threshold of 0 is configured, which gates nothing" if found else \
            "no fail-under threshold in coverage or pytest configuration or in CI"
        measured = _ci_measures_coverage(repo_files(project))
        if measured is None:
            return Verdict(Presence(False, "a coverage fail-under threshold"), zero)
        # Measuring is the first half of the practice: the figure exists, nobody is held to it yet.
        return Verdict(Share(1, 2, "coverage steps", "taken (CI measures coverage; no threshold gates it)"),
                       f"{measured.message} ({measured.path}:{measured.line}), but {zero}", (measured,))


# -- test-suites --------------------------------------------------------------------------------

SUITES: dict[str, str] = {
    "unit": "unit", "api": "API", "service": "service", "integration": "integration",
    "e2e": "end-to-end", "load": "load",
}
_DIRS = {
    "api": {"api", "apis", "endpoints", "routes", "contract", "contracts"},
    "service": {"service", "services", "component", "components"},
    "integration": {"integration", "integrations", "integration_tests", "it", "functional"},
    "e2e": {"e2e", "end_to_end", "end-to-end", "acceptance", "ui", "browser", "system"},
    "load": {"load", "loadtests", "load_tests", "perf", "performance", "stress"},
}
# A test client in a module: each form behind its own literal, so a large test module is
# searched for a few substrings rather than matched against one alternation at every position.
_API_CLIENTS: tuple[tuple[str, re.Pattern[str] | None], ...] = (
    (".testclient", lazy_compile(r"(fastapi|starlette)\.testclient")),
    ("rest_framework.test", None),
    (".test_client(", None),
    (".full_dispatch_request(", None),  # Flask: a request context dispatched through the app's routes
    ("ASGITransport", None),
    ("webtest", lazy_compile(r"\bwebtest\b")),
    ("schemathesis", lazy_compile(r"\bschemathesis\b")),
    ("from django.test", lazy_compile(r"from django\.test(?:\.client)? import (?:\([^)]*|[^\n]*)\bClient\b")),
    ("falcon", lazy_compile(r"\bfalcon\.testing\b|\bfrom falcon import [^\n]*\btesting\b")),  # TestClient, simulate_get
    ("AsyncHTTPTestCase", None),  # Tornado: requests sent to the application over HTTP
    ("aiohttp_client", lazy_compile(r"\baiohttp_client\(")),  # aiohttp's pytest plugin: a client for the app
)
# pytest-django's client fixtures given to a test (in a module that is Django's) that sends requests through them
_CLIENT_FIXTURE_TEST = lazy_compile(r"^[ \t]*(?:async[ \t]+)?def test_\w*\([^)]*\b(?:client|async_client|admin_client)\b",
                                    re.MULTILINE)
_CLIENT_REQUEST = lazy_compile(r"\b(?:client|async_client|admin_client)\.(?:get|post|put|patch|delete)\(")


def _api_client_in(text: str) -> bool:
    return any(literal in text and (pattern is None or pattern.search(text) is not None)
               for literal, pattern in _API_CLIENTS) or _client_fixture_requests(text)


def _fixture_tests(text: str) -> Iterator[re.Match[str]]:
    """``_CLIENT_FIXTURE_TEST`` matched at the start of each line that holds "def test_", rather than tried at
    every line start. A match it skips inside an earlier one (a signature spanning lines) ends where that one
    does, so what follows each is the same."""
    at = text.find("def test_")
    last = -1
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        if start != last:
            last = start
            match = _CLIENT_FIXTURE_TEST.match(text, start)
            if match is not None:
                yield match
        at = text.find("def test_", at + 9)


def _client_fixture_requests(text: str) -> bool:
    if "django" not in text or "client." not in text:
        return False
    for match in _fixture_tests(text):
        body = text[match.end():match.end() + 4000]  # the test's first lines
        found = _CLIENT_REQUEST.search(body)
        if found is not None and "\ndef " not in body[:found.start()]:
            return True
    return False
_INTEGRATION_RE = lazy_compile(r"\btestcontainers\b|pytest\.mark\.integration\b|\bpytest_docker\b")
_ASYNC_CLIENT_RE = lazy_compile(r"AsyncClient\(\s*(?:app\s*=|transport\s*=)|\.test_client\(")
_DB_SERVICE_RE = lazy_compile(r"\b(postgres|postgis|mysql|mariadb|mongo|redis|elasticsearch|rabbitmq)\b", re.IGNORECASE)
_TEST_RUN_RE = lazy_compile(r"\b(pytest|py\.test|manage\.py\s+test|tox|nox|make\s+test\w*|scripts?/test\w*|run[-_]?tests?)\b")


def _circleci_database_tests(project: Project, repo: RepoFiles, rel: str) -> Evidence | None:
    """A CircleCI job whose secondary images start a database (the first image is where the steps run)."""
    from readiness.repo_files import load_yaml

    docs, _ = load_yaml(project.read_text(rel) or "")
    for doc in docs:
        jobs = doc.get("jobs") if isinstance(doc, dict) else None
        for name, job in (jobs.items() if isinstance(jobs, dict) else ()):
            images = job.get("docker") if isinstance(job, dict) else None
            services = " ".join(str(i.get("image") or "") for i in (images[1:] if isinstance(images, list) else ())
                                if isinstance(i, dict))
            if not _DB_SERVICE_RE.search(services):
                continue
            runs = [c for c in repo.commands if c.path == rel and c.context.partition(":")[0] == str(name)]
            if any(_TEST_RUN_RE.search(c.text) for c in runs) or any(
                    _TEST_RUN_RE.search(e.text) for c in runs for e in repo.expand(c)):
                return Evidence(f"integration tests against a database service in CI (job {name})", rel)
    return None


def _ci_database_tests(project: Project) -> Evidence | None:
    """A CI job that starts a real database as a service and runs the tests against it."""
    from readiness.repo_files import load_yaml

    repo = repo_files(project)
    for rel in repo.ci_files:
        if rel in CIRCLECI_FILES:
            found = _circleci_database_tests(project, repo, rel)
            if found is not None:
                return found
        if not rel.startswith(".github/workflows/"):
            continue
        docs, _ = load_yaml(project.read_text(rel) or "")
        for doc in docs:
            jobs = doc.get("jobs") if isinstance(doc, dict) else None
            for name, job in (jobs.items() if isinstance(jobs, dict) else ()):
                if not isinstance(job, dict):
                    continue
                services = job.get("services")
                steps = job.get("steps") if isinstance(job.get("steps"), list) else []
                images = " ".join(f"{k} {v.get('image', '') if isinstance(v, dict) else v}"
                                  for k, v in (services.items() if isinstance(services, dict) else ()))
                # or an action that starts the database on the runner (uses: ankane/setup-postgres@v1)
                images += " " + " ".join(str(s.get("uses") or "") for s in steps if isinstance(s, dict))
                if not _DB_SERVICE_RE.search(images):
                    continue
                runs = "\n".join(_step_commands(project, step) for step in steps if isinstance(step, dict))
                if not _TEST_RUN_RE.search(runs):  # hatch run test-cov, a script: what they run
                    runs += "\n" + "\n".join(c.text for c in repo.expand(Command(rel, 0, runs, "github-actions", name)))
                if _TEST_RUN_RE.search(runs):
                    return Evidence(f"integration tests against a database service in CI (job {name})", rel)
    return None


def _step_commands(project: Project, step: Mapping[str, Any]) -> str:
    """A step's shell commands; for a composite action of the repository (``uses: ./.github/actions/unit-tests``),
    the commands of its own steps."""
    from readiness.repo_files import load_yaml

    uses = str(step.get("uses") or "")
    if not uses.startswith("./"):
        return str(step.get("run", ""))
    folder = posixpath.normpath(uses[2:])
    if folder.startswith(("..", "/")):
        return ""
    for name in ("action.yml", "action.yaml"):
        text = project.read_text(f"{folder}/{name}")
        if text:
            docs, _ = load_yaml(text)
            runs = [doc.get("runs") for doc in docs if isinstance(doc, dict)]
            inner = [s for r in runs if isinstance(r, dict) and isinstance(r.get("steps"), list) for s in r["steps"]]
            return "\n".join(str(s.get("run", "")) for s in inner if isinstance(s, dict))
    return ""


# a browser driver, or a browser fixture that visits the running site (pytest-splinter's browser.visit)
_E2E = AnyOf(("playwright", r"\bplaywright\b"), ("selenium", r"\bselenium\b"), ("splinter", r"\bsplinter\b"),
             ("pytest.mark.e2e", r"pytest\.mark\.e2e\b"), ("browser.visit(", r"\bbrowser\.visit\("))
_API_NEEDLES = ("testclient", "rest_framework", "test_client", "full_dispatch_request", "ASGITransport", "webtest",
                "schemathesis", "django", "falcon", "AsyncHTTPTestCase", "aiohttp_client")
_INTEGRATION_NEEDLES = ("testcontainers", "integration", "pytest_docker")
_E2E_NEEDLES = ("playwright", "selenium", "splinter", "e2e", "browser.visit(")
_E2E_FILES = ("**/playwright.config.*", "**/cypress.config.*", "**/cypress.json", "**/wdio.conf.*", "cypress/**",
              "**/jest-puppeteer.config.*", "**/nightwatch.conf.*", "**/.testcaferc.json")


def find_suites(project: Project) -> dict[str, Evidence]:
    """Suite kind -> the first evidence of it."""
    found: dict[str, Evidence] = {}
    roles = project_roles(project)
    tests = _own_test_modules(project)
    # tests/perf/ beside the service's own perf/ package: the tests of a feature named perf, not a load suite
    features = {part.lower() for rel in project.python_files if not is_test_path(rel)
                for part in rel.split("/")[:-1]} & FEATURE_NAMES if tests else set()
    for rel in tests:
        dirs = {part.lower() for part in rel.split("/")[:-1]} - features
        kinds = [kind for kind, names in _DIRS.items() if dirs & names]
        kinds.extend(kind for kind, pattern in _MODULE_KINDS if pattern.search(rel.rpartition("/")[2]))
        kinds.extend(project.text_fact("test-suite-kinds", rel, _suite_kinds_in))
        if not kinds or "unit" in dirs:
            kinds.append("unit")
        for kind in kinds:
            found.setdefault(kind, Evidence(f"{SUITES[kind]} tests", rel))
    for rel in project.glob(*_E2E_FILES)[:1]:
        found.setdefault("e2e", Evidence("end-to-end tests (browser)", rel))
    if "api" not in found and tests:
        # the test client often lives in a conftest fixture that every test module uses (or in the fixtures
        # module the conftest star-imports, or the tests package's base test case, in __init__.py or a helpers module)
        for rel in (f for f in project.python_files
                    if is_test_path(f) and not _is_test_module(f) and not _in_migrations(f) and roles.of(f) != GENERATED):
            if project.text_fact("api-client-fixture", rel, _api_client_fixture):
                found["api"] = Evidence("API tests (test client fixture)", rel)
                break
    if "integration" not in found and tests:
        ci = _ci_database_tests(project) or _ci_compose_tests(project)
        if ci is not None:
            found["integration"] = ci
    load = find_load_tests(project)
    if load:
        found.setdefault("load", Evidence(f"load tests ({load[0].message})", load[0].path))
    return found


# A test module named for its kind: test_services.py, test_services_payments.py, test_crawl_service.py,
# test_integration_db.py.
_MODULE_KINDS = (("service", lazy_compile(r"^test_(?:\w+_)?services?(?:_\w+)?\.py$|_services?_test\.py$")),
                 ("integration", lazy_compile(r"^test_integrations?(?:_\w+)?\.py$|_integration_test\.py$")))
# Dependencies started for the tests: ``docker compose up`` or a detached ``docker run -d``.
_COMPOSE_UP_RE = lazy_compile(r"\bdocker[- ]compose\b[^\n]*\bup\b|\bdocker\s+run\b[^\n]*\s(?:-d|--detach)\b")
# Tests run as a compose service named for them: ``docker compose up --exit-code-from integration-tests integration-tests``.
_COMPOSE_TESTS_RE = lazy_compile(r"\bdocker[- ]compose\b[^\n]*\b(?:up|run)\b[^\n]*\s[\w.-]*tests?(?=\s|$)")


def _ci_compose_tests(project: Project) -> Evidence | None:
    """A CI job that starts the service's dependencies (``docker compose up``, a detached ``docker run``, also in a
    script the job runs) and then runs the tests."""
    repo = repo_files(project)
    by_job: dict[tuple[str, str], list[Command]] = {}
    for command in repo.ci_commands():
        by_job.setdefault((command.path, command.context.split(":")[0]), []).append(command)
    for (path, job), commands in by_job.items():
        # started by the step itself, or by a script it runs (bash ci/docker-db.sh: docker run --detach ...)
        up = next((c for c in commands if _COMPOSE_UP_RE.search(c.text)
                   or any(_COMPOSE_UP_RE.search(inner.text) for inner in repo.expand(c))), None)
        if up is not None and any(_TEST_RUN_RE.search(c.text) or _COMPOSE_TESTS_RE.search(c.text)
                                  for c in commands if c.line > up.line):
            return Evidence(f"integration tests against services started with docker in CI (job {job})",
                            path, up.line)
    return None


def _suite_kinds_in(text: str) -> tuple[str, ...]:
    """The suite kinds a test module's text shows (API client, integration markers, a browser)."""
    # Plain substring tests first: most test files mention none of these, and `in` is cheap.
    api = any(n in text for n in _API_NEEDLES)
    integration = any(n in text for n in _INTEGRATION_NEEDLES)
    e2e = any(n in text for n in _E2E_NEEDLES)
    if not (api or integration or e2e):
        return ()
    kinds = _kinds_in(text, api, integration, e2e)
    if kinds and "#" in text:  # confirmed without the comments: a module commented out whole tests nothing
        kinds = _kinds_in(_COMMENT_LINE.sub("", text), api, integration, e2e)
    return tuple(kinds)


def _kinds_in(text: str, api: bool, integration: bool, e2e: bool) -> list[str]:
    kinds = []
    if api and _api_client_in(text):
        kinds.append("api")
    if integration and _INTEGRATION_RE.search(text):
        kinds.append("integration")
    if e2e and _E2E.found_in(text):
        kinds.append("e2e")
    return kinds


_COMMENT_LINE = lazy_compile(r"^[ \t]*#[^\n]*$", re.MULTILINE)


def _api_client_fixture(text: str) -> bool:
    return bool((any(n in text for n in _API_NEEDLES) and _api_client_in(text)) or _ASYNC_CLIENT_RE.search(text))


_MIGRATION_DIRS = frozenset({"migrations", "db_migrations", "alembic", "versions"})


def _in_migrations(rel: str) -> bool:
    """``db_migrations/0132_remove_configs_from_test.py`` is a migration about a model named Test, not a test."""
    return bool(_MIGRATION_DIRS & {part.lower() for part in rel.split("/")[:-1]})


def _suite_module(rel: str) -> bool:
    """A test module the suites are judged from: named and placed as a test, not a migration."""
    return _is_test_module(rel) and is_test_path(rel) and not _in_migrations(rel)


def _is_test_module(rel: str) -> bool:
    """A test module by the usual names: pytest's defaults, Django's ``tests.py``, and ``*_tests.py``
    (a common ``python_files`` setting: ``views_tests.py`` beside ``models_tests.py``)."""
    name = rel.rpartition("/")[2]
    return name.startswith("test_") or name.endswith(("_test.py", "_tests.py")) or name.startswith("tests.py")


class TestSuites(Check):
    __test__ = False  # not a pytest test class, despite the name
    id = "test-suites"
    text_facts = (TextFact("test-suite-kinds", _suite_kinds_in, lambda rel: rel.endswith(".py") and _suite_module(rel)),)
    category = "testing"
    severity = "medium"
    effort = "3-5d"
    title = "Kinds of test suites"
    rationale = (
        "Unit tests alone miss what breaks between the parts: routing and serialisation (API), "
        "the service layer with its real collaborators, the database and brokers (integration), the "
        "whole user journey (end-to-end) and behaviour under load."
    )
    remediation = (
        "Add the missing kinds: API tests with the framework's test client, integration tests "
        "against real dependencies (testcontainers, docker compose), end-to-end tests (Playwright, "
        "Cypress, Selenium) and a load test (Locust, k6). Keep each kind in its own directory "
        "(tests/unit, tests/api, tests/integration, tests/e2e, tests/load)."
    )
    scoring = (
        "Share: the kinds present of those in `suites` (default unit, API, service, integration, end-to-end, "
        "load). API tests are found by the framework's test client (or a Flask request context dispatched "
        "through the app, `full_dispatch_request()`) in a test module, a conftest fixture or the tests package's "
        "base test case; end-to-end tests by a browser driver or a browser fixture visiting the site; "
        "integration tests by testcontainers, markers, a module named test_integration*, or a CI job that runs the "
        "tests (itself or through the repository's own composite action) against a database service (or one an "
        "action starts on the runner, `uses: ankane/setup-postgres`), or after "
        "starting dependencies with docker compose or `docker run -d` (the tests may be a compose service named "
        "for them); service tests by their folder or a module named test_services*."
    )
    options = {"suites": list(SUITES)}
    examples = (
        Example({
            "app/x.py": "x = 1\n",
            "tests/unit/test_x.py": "def test_x():\n    assert True\n",
            "tests/api/test_routes.py": "from fastapi.testclient import TestClient\n",
            "tests/service/test_orders.py": "def test_o():\n    assert True\n",
            "tests/integration/test_db.py": "from testcontainers.mongodb import MongoDbContainer\n",
            "tests/e2e/test_checkout.py": "from playwright.sync_api import Page\n",
            "load/locustfile.py": "from locust import HttpUser\n",
        }, status="pass"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
        }, status="fail", note="unit tests only: 1 of 6"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_api.py": "from fastapi.testclient import TestClient\n",
        }, status="pass", options={"suites": ["unit", "api"]}, note="only the configured kinds are required"),
        Example({
            "app/x.py": "x = 1\n",
            "pyproject.toml": '[tool.pytest.ini_options]\npython_files = "tests.py test_*.py *_tests.py"\n',
            "app/tests/models_tests.py": "def test_model():\n    assert True\n",
            "api/tests/views_tests.py": "from rest_framework.test import APIClient\n\n\ndef test_list():\n"
                                        "    assert APIClient().get('/api/v1/masks/').status_code == 200\n",
        }, status="pass", options={"suites": ["unit", "api"]},
            note="modules named *_tests.py (a common python_files setting) are test modules too"),
        Example({
            "app/x.py": "x = 1\n",
            "app/tests.py": "from django.test import TestCase\n\n\nclass ModelTest(TestCase):\n"
                            "    def test_model(self):\n        self.assertTrue(True)\n",
            ".circleci/config.yml": (
                "version: 2.1\njobs:\n  build:\n    docker:\n      - image: cimg/python:3.12\n"
                "      - image: cimg/postgres:15.4\n    steps:\n      - checkout\n"
                "      - run:\n          name: Test\n          command: python manage.py test\n"
            ),
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="a CircleCI job starting PostgreSQL beside the tests runs them against a real database"),
        Example({
            "app/x.py": "x = 1\n",
            "app/tests/test_x.py": "def test_x():\n    assert True\n",
            "jest-puppeteer.config.js": "module.exports = {server: {command: 'python manage.py runserver 8000', port: 8000}};\n",
            "tests/js/integration/timecard.test.js": "test('saves', async () => {\n  await page.goto('http://localhost:8000/');\n});\n",
        }, status="pass", options={"suites": ["unit", "e2e"]},
            note="browser tests driven by Puppeteer through jest-puppeteer against the running site"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_api_token.py": "from tests.base import ApiTestCase\n\n\nclass TokenTest(ApiTestCase):\n"
                                       "    def test_list(self):\n"
                                       "        with self.app.test_request_context('/token/', method='GET'):\n"
                                       "            res = self.app.full_dispatch_request()\n"
                                       "            self.assertEqual(res.status_code, 200)\n",
        }, status="pass", options={"suites": ["unit", "api"]},
            note="Flask tests that dispatch a request context through the app's routes are API tests"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/__init__.py": "import unittest\n\nfrom app import webapp\n\n\nclass AppTestCase(unittest.TestCase):\n"
                                 "    def setUp(self):\n        self.client = webapp.app.test_client()\n",
            "tests/unit/test_webapp.py": "from tests import AppTestCase\n\n\nclass ViewsTest(AppTestCase):\n"
                                         "    def test_index(self):\n        assert self.client.get('/').status_code == 200\n",
            "tests/robot/test_webapp.py": "URL = 'http://localhost:11111/'\n\n\ndef test_index(browser):\n"
                                          "    browser.visit(URL)\n    assert browser.is_text_present('Search')\n",
        }, status="pass", options={"suites": ["unit", "api", "e2e"]},
            note="the tests package's base test case holds the client; a browser fixture visits the running site"),
        Example({
            "app/x.py": "x = 1\n",
            "app/tests/helpers.py": "from rest_framework.test import APITestCase\n\n\nclass AppApiTestCase(APITestCase):\n"
                                    "    def get(self, url):\n        return self.client.get(url)\n",
            "app/tests/test_bookmarks_api.py": "from app.tests.helpers import AppApiTestCase\n\n\n"
                                              "class BookmarksApiTest(AppApiTestCase):\n    def test_list(self):\n"
                                              "        assert self.get('/api/bookmarks/').status_code == 200\n",
            "app/tests_e2e/test_login.py": "from playwright.sync_api import Page\n\n\ndef test_login(page: Page):\n"
                                          "    page.goto('http://localhost:9090/login')\n",
        }, status="pass", options={"suites": ["unit", "api", "e2e"]},
            note="the API test case lives in a helpers module; a tests_e2e folder holds the browser tests"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/integration/test_api.py": "from falcon import testing\n\nfrom app.api import api\n\n\n"
                                             "def test_status():\n    client = testing.TestClient(api)\n"
                                             "    assert client.simulate_get('/api/v1/status').status_code == 200\n",
        }, status="pass", options={"suites": ["unit", "api"]}, note="Falcon's test client sends requests through the app"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_crawl_service.py": "from app.services import crawl\n\n\ndef test_crawl():\n    assert crawl.queue([])\n",
        }, status="pass", options={"suites": ["unit", "service"]}, note="a service test named for the service it tests"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_views.py": "import pytest\nfrom django.urls import reverse\n\n\n@pytest.mark.django_db\n"
                                   "def test_home(client, map):\n    response = client.get(reverse('home'))\n"
                                   "    assert response.status_code == 200\n",
        }, status="pass", options={"suites": ["unit", "api"]}, note="pytest-django's client fixture sends the requests"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_selenium_smoke.py": "# from selenium import webdriver\n#\n#\n# class SeleniumTest(TestCase):\n"
                                            "#    def test_admin(self):\n#        self.chrome.get('http://web/admin')\n",
        }, status="fail", options={"suites": ["unit", "e2e"]}, note="a browser test commented out whole tests nothing"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_helpers.py": "from app import app\nfrom app.helpers import current_locale\n\n\n"
                                     "def test_locale():\n    with app.test_request_context('/', headers={'Accept-Language': 'de'}):\n"
                                     "        assert current_locale() == 'de'\n",
        }, status="fail", options={"suites": ["unit", "api"]},
            note="a request context only set up for a helper is no API test"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_models.py": "def test_x():\n    assert True\n",
            "tests/unit/test_services_payments.py": "def test_pay():\n    assert True\n",
            "tests/test_integration.py": "def test_db():\n    assert True\n",
        }, status="pass", options={"suites": ["unit", "service", "integration"]},
            note="modules named for their kind: test_services_*.py, test_integration.py"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/tests.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                           "      - run: docker compose -f ci-compose.yml up -d\n      - run: pytest tests\n",
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="CI starts the dependencies with docker compose, then runs the tests against them"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/tests.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                           "      - run: docker compose up -d postgres worker web\n"
                                           "      - run: docker compose up --exit-code-from integration-tests integration-tests\n",
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="the tests run as a compose service named for them, after the stack is up"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "ci/docker-db.sh": "#!/usr/bin/env bash\nset -e\ndocker run --detach --name hub-test-db -p 5432:5432 postgres:16\n",
            ".github/workflows/tests.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                           "      - run: DB=postgres bash ci/docker-db.sh\n      - run: pytest -m db tests\n",
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="a script the job runs starts the database container, then the tests run against it"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  unit:\n    runs-on: ubuntu-latest\n    services:\n"
                                        "      database:\n        image: postgres:14\n    steps:\n"
                                        "      - uses: ./.github/actions/unit-tests\n",
            ".github/actions/unit-tests/action.yml": "name: unit tests\nruns:\n  using: composite\n  steps:\n"
                                                    "    - run: coverage run manage.py test\n      shell: bash\n",
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="a database service for a job whose tests run in the repository's own composite action"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n"
                                        "      postgres:\n        image: postgres:alpine\n    steps:\n"
                                        "      - uses: ./.github/actions/test\n",
            ".github/actions/test/action.yml": "name: Test\nruns:\n  using: composite\n  steps:\n"
                                               "    - run: hatch run test-cov-xml\n      shell: bash\n",
            "pyproject.toml": "[tool.hatch.envs.default.scripts]\ntest-cov-xml = \"pytest --cov=app --cov-report=xml\"\n",
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="the tests a hatch script runs, in a job with a database service"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/python.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                            "      - uses: ankane/setup-postgres@v1\n        with:\n          postgres-version: 14\n"
                                            "      - run: tox\n",
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="an action starts the database on the runner, then tox runs the tests against it"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/python.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                            "      - uses: actions/setup-python@v5\n      - run: tox\n",
        }, status="fail", options={"suites": ["unit", "integration"]},
            note="tests in CI with no database started are not integration tests"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/conftest.py": "from .fixtures import *\n",
            "tests/fixtures.py": "import pytest\n\n\n@pytest.fixture\ndef client():\n"
                                 "    from django.test.client import Client\n\n    return Client()\n",
            "tests/test_projects.py": "def test_list(client):\n    assert client.get('/api/v1/projects').status_code == 200\n",
        }, status="pass", options={"suites": ["unit", "api"]},
            note="the test client fixture lives in the fixtures module the conftest imports"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/tests.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                           "      - run: docker run -d --name browser browserless/chrome\n"
                                           "      - run: docker run --rm app-image bash -c 'pytest tests/fetchers'\n",
        }, status="pass", options={"suites": ["unit", "integration"]},
            note="a dependency started with docker run -d, then the tests against it"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            ".github/workflows/tests.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                           "      - run: docker run --rm app-image python --version\n"
                                           "      - run: docker compose up -d test-db\n",
        }, status="fail", options={"suites": ["unit", "integration"]},
            note="a container run in the foreground and a database named test-db are not a test run"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_servicesmap.py": "def test_map():\n    assert True\n",
            ".github/workflows/tests.yml": "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                           "      - run: pytest tests\n      - run: docker compose build\n",
        }, status="fail", options={"suites": ["unit", "service", "integration"]},
            note="a name that only starts like one, and a compose build after the tests"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_views.py": "from django.test import (\n    Client,\n    TestCase,\n)\n",
        }, status="pass", options={"suites": ["unit", "api"]},
            note="Django's test client imported in parentheses over several lines"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "tests/test_forms.py": "from django.test import (\n    SimpleTestCase,\n)\n",
        }, status="fail", options={"suites": ["unit", "api"]}, note="a Django test case without the client"),
        Example({
            "app/x.py": "x = 1\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
            "lib/certifi/__init__.py": "", "lib/idna/__init__.py": "", "lib/cherrypy/__init__.py": "",
            "lib/cherrypy/test/test_http.py": "from cherrypy.test import helper\n\n\ndef test_get(client):\n"
                                              "    assert client.get('/').status_code == 200\n",
            "lib/cherrypy/test/conftest.py": "import pytest\nfrom webtest import TestApp\n\n\n@pytest.fixture\n"
                                             "def client():\n    return TestApp(None)\n",
        }, status="fail", options={"suites": ["unit", "api"]},
            note="the tests of dependencies copied into lib/ are theirs, not the project's"),
        Example({"README.md": "# docs\n"}, status="n/a"),
    )

    def evaluate(self, project: Project, collected: Collected, options: Mapping[str, Any]) -> Verdict:
        if not project.python_files:
            return Verdict(NotApplicable("no Python files and no tests"))
        wanted = [str(k) for k in options.get("suites", list(SUITES)) if str(k) in SUITES]
        if not wanted:
            return Verdict(NotApplicable("no known suite kinds configured"))
        found = find_suites(project)
        present = [k for k in wanted if k in found]
        missing = [k for k in wanted if k not in found]
        summary = f"{len(present)} of {len(wanted)} kinds of test suite present"
        if present:
            summary += f": {', '.join(SUITES[k] for k in present)}"
        if missing:
            summary += f"; missing: {', '.join(SUITES[k] for k in missing)}"
        evidence = tuple(found[k] for k in present)
        return Verdict(Share(len(present), len(wanted), "kinds of test suite", "present"), summary, evidence)


CHECKS: list[type[Check]] = [TestCoverage, CoverageEnforced, TestSuites]
