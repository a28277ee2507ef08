"""The command line, a thin front end over the pipeline: click commands (``commands``), ``lint`` without
click on plain arguments (``fast``, ``linting``, ``lint_options``), ``compile`` of directories likewise
(``compiling``, ``compile_options``), ``lint --watch`` (``watch``), file discovery (``discover``) and
``voxxml rule`` pages (``rule_pages``).

``voxxml.cli:main`` is the console entry point. It is the click group (``commands.main``) as far as
anyone can tell (``main(args)``, ``main.main(...)``, ``CliRunner().invoke(main, ...)``, its attributes),
except that a plain ``voxxml lint`` (or ``compile`` of directories) runs before click is imported.
"""

from __future__ import annotations

import os
import sys
from typing import Any


class _Main:
    """The click group, imported on first use; a call first offers its arguments to ``fast.try_lint``
    (and ``compiling.try_compile``)."""

    def __call__(self, *args: Any, **extra: Any) -> Any:
        return self.main(*args, **extra)

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if standalone_mode and complete_var is None and not extra and not (args is None and os.name == "nt"):
            from .fast import try_lint

            given = sys.argv[1:] if args is None else list(args)
            try_lint(given, whole_process=args is None)  # exits when it linted
            if given[:1] == ["compile"]:
                import gc

                collecting = gc.isenabled()
                gc.disable()  # as try_lint does: the imports make no garbage, a collection would only rescan them
                from .compiling import try_compile

                try_compile(given, whole_process=args is None, collecting=collecting)  # exits when it compiled directories or several files
                if collecting:
                    gc.enable()
        return _group().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(_group(), name)

    def __repr__(self) -> str:
        return repr(_group())


def _group() -> Any:
    from .commands import main as group

    return group


main: Any = _Main()

__all__ = ["main"]
