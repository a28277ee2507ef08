"""``voxxml compile``'s options as data, for the fast parser (``cli/compiling.py``'s ``try_compile``).

The click command (``cli/compile.py``) keeps its own declarations (a required ``--target``, defaults shown
in its help, ``--base-url``'s check); this table holds the same options, so that a plain argument list is
parsed without importing click (``lint_options.parse``), into the values click would give the command.
``tests/test_cli_compile_fast.py`` holds the two to each other: the same options and flags, and the same
values for every argument list the table accepts. Anything else is left to click, with its messages.
"""

from __future__ import annotations

from .lint_options import DIALECT, Option, jobs, parse

LOOP_CAP = 10  # --loop-cap's default: simulate's DEFAULT_LOOP_CAP (commands.LOOP_CAP), without importing the simulator
FORMATS = ("json", "steps")  # --output-format's choices; json is the default


class _AtLeastOne(Option):
    """A count click checks with ``IntRange(min=1)``: 0 is click's to refuse."""

    __slots__ = ()

    def convert(self, value: str) -> object:
        converted = super().convert(value)
        return converted if converted != 0 else None


class _LeftToClick(Option):
    """An option whose value click's callback judges (``--base-url``): a list that gives it goes to click."""

    __slots__ = ()

    def convert(self, value: str) -> object:
        return None


def _targets() -> list[str]:
    from .. import targets

    return list(targets.targets())


# ``voxxml compile [OPTIONS] FILE | PATH...``, in the order of the click command's options.
COMPILE = (
    Option("target", ("--target",), choices=_targets),
    Option("output", ("-o", "--output"), metavar="PATH"),
    Option("allow_approximate", ("--allow-approximate",), "flag"),
    Option("strict", ("--strict",), "flag"),
    Option("output_format", ("--output-format", "--format"), choices=lambda: list(FORMATS)),
    _AtLeastOne("loop_cap", ("--loop-cap",), "count", metavar="N"),
    _LeftToClick("base_url", ("--base-url",), metavar="URL"),
    jobs("compile"),
    DIALECT,
)

# What click gives an option that is not on the command line, where it is not the table's (None, False).
DEFAULTS = {"output_format": FORMATS[0], "loop_cap": LOOP_CAP}


def parse_compile(args: list[str], environ: dict[str, str] | object) -> tuple[tuple[str, ...], dict[str, object]] | None:
    """``(paths, values)`` as click gives them to the compile command, for a plain argument list; None for
    anything click must judge (see ``lint_options.parse``), and for no path or no ``--target`` (required)."""
    parsed = parse(COMPILE, args, environ)
    if parsed is None:
        return None
    paths, values = parsed
    if not paths or values["target"] is None:
        return None
    for name, default in DEFAULTS.items():
        if values[name] is None:
            values[name] = default
    return paths, values
