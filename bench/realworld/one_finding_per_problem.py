#!/usr/bin/env python3
"""Check scan results for one problem reported twice on one line (a built-in check, bandit, ruff).

    python bench/realworld/one_finding_per_problem.py [RESULT.json ...]

Without arguments it reads every result the benchmark left in its cache folder. Exit 1 when
any result reports one problem twice on one line, listing each place.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, when run from anywhere

from readiness.dedupe import duplicates  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "readiness-bench" / "results"


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(CACHE.glob("*.json"))
    if not paths:
        print(f"no results given and none in {CACHE}", file=sys.stderr)
        return 2
    found = 0
    for path in paths:
        places = duplicates(json.loads(path.read_text(encoding="utf-8")))
        found += len(places)
        for place in places:
            print(f"{path.name}: {place}")
    print(f"{len(paths)} result(s), {found} problem(s) reported twice on one line")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
