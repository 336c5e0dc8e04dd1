"""Entry points of a group: importlib.metadata's answer, and no import of it when nothing registers one."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from helpers import write_tree

PROBE = """
import json, sys
from readiness import entry_points
found = entry_points.group(sys.argv[1])
print(json.dumps({"found": sorted(f"{e.name}={e.value}" for e in found),
                  "metadata": "importlib.metadata" in sys.modules}))
"""


def _probe(group: str, path: list[Path]) -> dict[str, object]:
    env_path = ":".join(str(p) for p in path)
    proc = subprocess.run([sys.executable, "-c", PROBE, group], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_a_registered_entry_point_is_found(tmp_path: Path) -> None:
    site = write_tree(tmp_path / "site", {
        "acme_checks.py": "CHECKS = []\n",
        "acme-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: acme\nVersion: 1.0\n",
        "acme-1.0.dist-info/entry_points.txt": "[readiness.checks]\nacme = acme_checks\n",
    })
    assert _probe("readiness.checks", [site]) == {"found": ["acme=acme_checks"], "metadata": True}


def test_nothing_registered_answers_without_reading_every_distribution(tmp_path: Path) -> None:
    site = write_tree(tmp_path / "site", {
        "other-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: other\nVersion: 1.0\n",
        "other-1.0.dist-info/entry_points.txt": "[console_scripts]\nother = other:main\n",
        "plain-2.0.egg-info": "Metadata-Version: 1.0\nName: plain\n",  # an egg-info that is a file
    })
    assert _probe("readiness.checks", [site]) == {"found": [], "metadata": False}


def test_a_zip_on_the_path_is_read_by_importlib_metadata(tmp_path: Path) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("zipped_checks.py", "CHECKS = []\n")
        bundle.writestr("zipped-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: zipped\nVersion: 1.0\n")
        bundle.writestr("zipped-1.0.dist-info/entry_points.txt", "[readiness.checks]\nzipped = zipped_checks\n")
    assert _probe("readiness.checks", [archive]) == {"found": ["zipped=zipped_checks"], "metadata": True}
