"""Scanning never imports or runs the scanned code, and never follows the scanned project's configuration
into running commands or importing modules from the repository."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from helpers import write_tree
from support import scan_cli

from readiness.registry import load_checks

# Places a tool could be tricked into executing: each writes its own marker file when run.
PAYLOAD_FILES = (
    "app/__init__.py", "app/main.py", "app/__main__.py", "conftest.py", "tests/conftest.py", "tests/test_app.py",
    "setup.py", "sitecustomize.py", "usercustomize.py", "noxfile.py", "docs/conf.py", "evil_backend.py",
    "readiness_plugin.py", "evil_plugin.py", "plugins/readiness_checks.py", "app/checks.py",
)


def _payload(marker_dir: Path, name: str) -> str:
    marker = marker_dir / name.replace("/", "__")
    return (
        "import pathlib\n"
        f"pathlib.Path({str(marker)!r}).write_text('executed')\n"
        "import requests\n"
        "def handler():\n"
        "    print('x')  # TODO nothing\n"
        "    return requests.post('http://example.com', data={}).json()\n"
    )


def build_repo(root: Path, markers: Path, *, config: str = "") -> Path:
    markers.mkdir(parents=True, exist_ok=True)
    files: dict[str, str] = {name: _payload(markers, name) for name in PAYLOAD_FILES}
    shell = f"touch {markers}/shell"
    files.update({
        # a .pth file is executed by `site` when it sits in a site directory: the root must never become one
        "evil.pth": f"import pathlib; pathlib.Path({str(markers / 'pth')!r}).write_text('executed')\n",
        "app/evil.pth": f"import pathlib; pathlib.Path({str(markers / 'app_pth')!r}).write_text('executed')\n",
        "pyproject.toml": (
            "[build-system]\nrequires = []\nbuild-backend = \"evil_backend\"\nbackend-path = [\".\"]\n\n"
            "[tool.ruff]\nline-length = 100\nextend-exclude = []\n\n[tool.ruff.lint]\nselect = [\"E\", \"F\", \"S\"]\n\n"
            "[tool.bandit]\nskips = []\n"
            "[tool.pytest.ini_options]\naddopts = \"-p evil_plugin\"\n"
        ),
        "tox.ini": f"[testenv]\ncommands = {shell}\n",
        "Makefile": f"lint:\n\t{shell}\n",
        ".pre-commit-config.yaml": (
            "repos:\n  - repo: local\n    hooks:\n      - id: evil\n        name: evil\n"
            f"        entry: {shell}\n        language: system\n"
        ),
        ".github/workflows/ci.yml": f"on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: {shell}\n",
        "Dockerfile": f"FROM python:3.12\nRUN {shell}\n",
    })
    if config:
        files["readiness.yaml"] = config
    return write_tree(root, files)


def _run(root: Path, cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    import os
    import subprocess

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("READINESS_") and k != "PYTHONPATH"}
    full_env.update({"NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})})
    proc = subprocess.run([sys.executable, "-m", "readiness", "scan", str(root), *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout, proc.stderr


def test_every_check_with_every_engine_runs_nothing(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    root = build_repo(tmp_path / "repo", markers)
    engines = sorted({name for check in load_checks(use_entry_points=False) for name in check.tools})
    # from outside, and from inside the repository (where `python -m` puts the working directory on sys.path)
    for cwd in (tmp_path, root):
        code, out, err = _run(root, cwd, "--format", "json", "--no-history", "--no-cache", "--jobs", "2")
        assert code in (0, 1), err
        doc = json.loads(out)
        statuses = {c["id"]: c for c in doc["checks"]}
        for check in load_checks(use_entry_points=False):
            if check.tools:
                assert statuses[check.id]["status"] not in ("skipped", "error"), (check.id, statuses[check.id])
        assert sorted(markers.iterdir()) == [], [p.name for p in markers.iterdir()]
    assert "ruff" in engines or not engines  # the engines that exist today all ran above


@pytest.mark.parametrize("plugin", ["evil_plugin", "plugins.readiness_checks", "app.checks"])
def test_plugins_named_by_the_scanned_config_are_not_imported_from_the_repository(tmp_path: Path, plugin: str) -> None:
    markers = tmp_path / "markers"
    root = build_repo(tmp_path / "repo", markers, config=f"plugins: [{plugin}]\n")
    for cwd in (tmp_path, root):
        code, out, err = _run(root, cwd, "--format", "json", "--no-history", "--no-cache")
        assert code in (0, 1), (code, err)
        assert "plugins: not loaded from the scanned repository" in err and "Traceback" not in err, err
        assert sorted(markers.iterdir()) == [], [p.name for p in markers.iterdir()]


SPY_PLUGIN = '''
from __future__ import annotations

import json
import os
import sys

from readiness.checks.base import Check, Verdict
from readiness.measures import NotApplicable


class PathSpy(Check):
    id = "path-spy"
    category = "code-quality"
    title = "records sys.path"
    rationale = "test"
    remediation = "test"

    def evaluate(self, project, collected, options):
        root = str(project.root)
        loaded = sorted(name for name, module in list(sys.modules.items())
                        if str(getattr(module, "__file__", "") or "").startswith(root))
        with open(os.environ["SPY_OUT"], "w") as handle:
            json.dump({"path": sys.path, "cwd": os.getcwd(), "loaded": loaded}, handle)
        return Verdict(NotApplicable("spy"))


CHECKS = [PathSpy]
'''


def test_the_scan_does_not_put_the_scanned_root_on_sys_path(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    root = build_repo(tmp_path / "repo", markers, config="plugins: [spy_plugin]\n")
    write_tree(tmp_path / "plugin_dir", {"spy_plugin.py": SPY_PLUGIN})
    out_file = tmp_path / "spy.json"
    for cwd in (tmp_path, root):
        code, _, err = _run(root, cwd, "--format", "json", "--no-history", "--no-cache", "--plugin", "spy_plugin",
                            env={"PYTHONPATH": str(tmp_path / "plugin_dir"), "SPY_OUT": str(out_file)})
        assert code in (0, 1), err
        seen = json.loads(out_file.read_text())
        resolved = {str(root), str(root.resolve())}
        assert not resolved & {str(Path(p).resolve()) if p else seen["cwd"] for p in seen["path"]}, seen["path"]
        assert seen["loaded"] == []
        assert sorted(markers.iterdir()) == []


def test_a_plugin_the_user_puts_on_pythonpath_still_loads(tmp_path: Path) -> None:
    """The guard against repository imports must not stop a plugin the user chose."""
    markers = tmp_path / "markers"
    root = build_repo(tmp_path / "repo", markers, config="plugins: [spy_plugin]\n")
    write_tree(root, {"tools/spy_plugin.py": SPY_PLUGIN})
    code, _, err = _run(root, root, "--format", "json", "--no-history", "--no-cache", "--plugin", "spy_plugin",
                        env={"PYTHONPATH": str(root / "tools"), "SPY_OUT": str(tmp_path / "spy.json")})
    assert code in (0, 1), err
    assert (tmp_path / "spy.json").exists()


def test_in_process_scan_leaves_sys_path_alone(tmp_path: Path) -> None:
    markers = tmp_path / "markers"
    root = build_repo(tmp_path / "repo", markers)
    before = list(sys.path)
    modules = set(sys.modules)
    _, doc = scan_cli(root)  # the CLI path; and the engine in this process:
    from helpers import scan_tree

    scan_tree(root)
    assert sys.path == before
    assert not [m for m in set(sys.modules) - modules
                if str(getattr(sys.modules[m], "__file__", "") or "").startswith(str(tmp_path))]
    assert sorted(markers.iterdir()) == []
