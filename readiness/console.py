"""The ``readiness`` command's entry point: a repeated hook call is answered before the command
line loads (``readiness.hook_answer``); everything else goes to ``readiness.cli``."""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["hook"]:
        from readiness import hook_answer

        code = hook_answer.replay(args[1:], sys.stdout)
        if code is None and hook_answer.pending is not None:
            code = _kept_hook_call(hook_answer)
        if code is not None:
            sys.exit(code)
    from readiness.cli import main as cli_main

    cli_main()


def _kept_hook_call(hook_answer: Any) -> int:
    """Run the hook with its output copied, and keep the copy for the next identical call."""
    from readiness.cli import main as cli_main

    stdout, stderr = sys.stdout, sys.stderr
    out, err = hook_answer.Tee(stdout), hook_answer.Tee(stderr)
    sys.stdout, sys.stderr = out, err
    status: object = 0
    try:
        cli_main()
    except SystemExit as exc:
        status = exc.code
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    code = status if isinstance(status, int) else (0 if status is None else 1)
    hook_answer.remember(out.copy.getvalue(), err.copy.getvalue(), code)
    return code


if __name__ == "__main__":
    main()
