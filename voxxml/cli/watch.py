"""``voxxml lint --watch``: lint, then lint again whenever a watched file changes.

A polling loop over modification times (no dependency, works on every file
system). It watches the VoxXML files under the given paths and the configuration
files (voxxml.toml, pyproject.toml) beside them. ``VOXXML_WATCH_INTERVAL`` sets the
polling interval in seconds (default 0.5); ``VOXXML_WATCH_ROUNDS`` stops after that
many lint runs (for tests; default: until interrupted).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable, NoReturn

import click

from .discover import SKIP_DIRS

_WATCHED_SUFFIXES = (".voxxml", ".xml")
_CONFIG_NAMES = ("voxxml.toml", "pyproject.toml")


def state(paths: tuple[str, ...]) -> frozenset[tuple[str, int, int]]:
    """(path, mtime in ns, size) of every watched file under ``paths``."""
    seen: set[tuple[str, int, int]] = set()

    def note(path: str) -> None:
        try:
            stat = os.stat(path)
        except OSError:
            return
        seen.add((path, stat.st_mtime_ns, stat.st_size))

    for raw in paths:
        if raw == "-":
            continue
        if os.path.isdir(raw):
            for directory, subdirs, files in os.walk(raw):
                subdirs[:] = [d for d in subdirs if not d.startswith(".") and d not in SKIP_DIRS]
                for name in files:
                    if name.lower().endswith(_WATCHED_SUFFIXES) or name in _CONFIG_NAMES:
                        note(os.path.join(directory, name))
        else:
            note(raw)
        folder = Path(raw).resolve()
        for parent in [folder, *folder.parents]:  # the configuration that applies
            for name in _CONFIG_NAMES:
                note(str(parent / name))
    return frozenset(seen)


def watch(paths: tuple[str, ...], run: Callable[[], int]) -> NoReturn:
    """Run ``run`` now and after every change, until interrupted (exit 0)."""
    interval = float(os.environ.get("VOXXML_WATCH_INTERVAL", "0.5"))
    rounds = int(os.environ.get("VOXXML_WATCH_ROUNDS", "0"))
    done = 0
    try:
        before = state(paths)
        while True:
            try:
                run()
            except SystemExit:  # a usage or configuration error: report it and keep watching
                pass
            sys.stdout.flush()
            done += 1
            if rounds and done >= rounds:
                sys.exit(0)
            click.echo("Watching for file changes (Ctrl-C to stop).", err=True)
            while True:
                time.sleep(interval)
                now = state(paths)
                if now != before:
                    before = now
                    break
            click.echo("File change detected; linting again.", err=True)
    except KeyboardInterrupt:
        sys.exit(0)
