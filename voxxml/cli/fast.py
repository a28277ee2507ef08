"""``voxxml lint`` on plain arguments, run without importing click (issue 14: start in a blink).

click and what it imports cost about as much as linting a short file takes. ``try_lint`` parses the
argument list with the lint command's own option table (``cli/lint_options.py``) and, when every
argument is plain, runs the same ``LintRun`` as the click command, with the same values, exit status
and output. Anything else (help, a usage error, ``--watch``, another command, shell completion) returns
to the caller, which hands it to click.
"""

from __future__ import annotations

import gc
import os
import sys


def try_lint(args: list[str]) -> None:
    """Lint and exit when ``args`` (without the program's name) is a plain ``lint`` command; else return."""
    if not args or args[0] != "lint" or any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ):
        return
    # A short-lived process that makes no reference cycles: the cyclic collector would only rescan the
    # modules being imported and every AST built (the click group does the same for its commands).
    enabled = gc.isenabled()
    gc.disable()
    from .lint_options import LINT, parse

    parsed = parse(LINT, args[1:], os.environ)
    if parsed is None or parsed[1]["watch"]:
        if enabled:
            gc.enable()
        return
    paths, options = parsed
    from .linting import LintRun

    try:
        status = LintRun(paths or (".",), options).once()
    except (EOFError, KeyboardInterrupt):  # as click's standalone mode ends a command
        import click

        click.echo(file=sys.stderr)
        click.echo("Aborted!", file=sys.stderr)
        sys.exit(1)
    except OSError as error:
        import errno

        if error.errno != errno.EPIPE:
            raise
        from click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        sys.exit(1)
    sys.exit(status)
