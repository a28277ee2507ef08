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
from typing import Callable, NoReturn


def try_lint(args: list[str], whole_process: bool = False) -> None:
    """Lint and exit when ``args`` (without the program's name) is a plain ``lint`` command; else return.

    ``whole_process``: the console script's own process (arguments from ``sys.argv``), which ends
    without the interpreter's teardown (``end``)."""
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

    finish(lambda: LintRun(paths or (".",), options).once(), whole_process, enabled)


def finish(command: Callable[[], int], whole_process: bool, gc_was_enabled: bool) -> NoReturn:
    """Run a command that returns its exit status and exit as click's standalone mode would: a usage error's
    status, "Aborted!" on ^C, status 1 quietly on a closed pipe. ``whole_process``: the console script's own
    process, which ends without the interpreter's teardown (``end``); otherwise the cyclic collector is
    turned back on (the caller paused it) before the ``SystemExit``."""
    try:
        status = command()
    except SystemExit as stop:  # fail(): a usage error or an invalid configuration
        if not (whole_process and isinstance(stop.code, int)):
            raise
        status = stop.code
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
    finally:
        if gc_was_enabled and not whole_process:
            gc.enable()
    if whole_process:
        end(status)
    sys.exit(status)


def end(status: int) -> None:
    """Exit the process as ``sys.exit(status)`` would, without the interpreter's teardown.

    After a lint, tearing the interpreter down (a full collection, then freeing every module, class
    and cached object one by one) took longer than the lint of a short file, and it changes nothing
    outside the process. The exit handlers still run (the data cache is saved by one) and the standard
    streams are flushed; if flushing fails (a closed pipe), the ordinary exit reports it as usual."""
    import atexit

    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - the ordinary exit deals with it, as it would have
        sys.exit(status)
    threading = sys.modules.get("threading")  # a thread can only have been started through it
    if threading is not None and threading.active_count() > 1:  # not ours; the ordinary exit waits for them
        sys.exit(status)
    os._exit(status)
