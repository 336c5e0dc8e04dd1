"""The ``readiness`` command's entry point: a repeated hook call is answered before the command
line loads (``readiness.hook_answer``); everything else goes to ``readiness.cli``."""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    try:
        _run(sys.argv[1:])
    except SystemExit as exc:
        _leave(exc.code)
    _leave(0)


def _run(args: list[str]) -> None:
    if args[:1] == ["hook"]:
        from readiness import hook_answer

        code = hook_answer.replay(args[1:], sys.stdout)
        if code is None and hook_answer.pending is not None:
            code = _kept_hook_call(hook_answer)
        if code is not None:
            sys.exit(code)
    from readiness.cli import main as cli_main

    cli_main()


def _leave(status: object) -> None:
    """Exit once the command is done, without tearing the interpreter down: freeing a large scan's objects
    one by one takes longer than many rescans. Exit handlers run, and the output is flushed, as usual."""
    import atexit
    import os

    if status is None:
        code = 0
    elif isinstance(status, int):
        code = status
    else:  # sys.exit("message"): the message, and a failure
        print(status, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # what a normal exit runs first (logging, thread pools, coverage); os._exit does not
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away, or a stream already closed
            code = code or 1
    os._exit(code)


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
