"""Export one commit of a mirrored repository into a folder, without a work tree or checkout.

Mirrors may lack their largest blobs (or LFS content); those files are left out and counted,
since a scan never needs a 4 MiB image or archive to judge a service.
"""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path


def _git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=data, capture_output=True, check=True
    ).stdout


def export(git_dir: Path, commit: str, dest: Path) -> int:
    """Write every file of ``commit`` under ``dest``; return how many blobs were missing."""
    entries = []
    for record in _git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((mode.decode(), sha.decode(), os.fsdecode(name)))
    request = "".join(f"{sha}\n" for _, sha, _ in entries).encode()
    proc = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout

    def feed() -> None:  # written from a thread: git's output pipe fills while we send
        assert proc.stdin
        proc.stdin.write(request)
        proc.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    missing = 0
    for mode, _sha, name in entries:
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            missing += 1
            continue
        body = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            os.symlink(os.fsdecode(body), target)
        else:
            target.write_bytes(body)
            if mode == "100755":
                target.chmod(0o755)
    writer.join()
    proc.wait()
    return missing
