"""``voxxml lint``'s options, declared once as data: the click command and the fast parser are made from them.

``cli/commands.py`` turns each ``Option`` into a click option (the help, the usage errors, everything
unusual); ``cli/fast.py`` parses a plain argument list with the same table and gives ``LintRun`` the same
values click would, without importing click (issue 14). This module imports nothing heavy: a choice's
valid values are asked for only when a value is checked or the click command is made.
"""

from __future__ import annotations

from typing import Callable


class Option:
    """One option: its parameter name, its flags, and the kind of value it takes.

    ``kind``: ``flag`` (True when given), ``value`` (one string, the last one given wins),
    ``multiple`` (a tuple of every string given), ``count`` (an integer of at least 0, or None).
    ``choices`` returns the valid values of a ``value`` option that has them; ``envvar`` is read when
    the option is not given."""

    __slots__ = ("name", "flags", "kind", "choices", "metavar", "help", "envvar")

    def __init__(
        self,
        name: str,
        flags: tuple[str, ...],
        kind: str = "value",
        help: str | Callable[[], str] = "",
        *,
        choices: Callable[[], list[str]] | None = None,
        metavar: str | None = None,
        envvar: str | None = None,
    ) -> None:
        self.name, self.flags, self.kind, self.help = name, flags, kind, help
        self.choices, self.metavar, self.envvar = choices, metavar, envvar

    @property
    def default(self) -> object:
        return False if self.kind == "flag" else () if self.kind == "multiple" else None

    def help_text(self) -> str:
        return self.help() if callable(self.help) else self.help

    def convert(self, value: str) -> object:
        """The value as click would give it, or None when click must judge it (a usage error, or a
        form this parser leaves to click)."""
        if value.startswith("-"):  # click may read it as the next option: let click decide
            return None
        if self.kind == "count":
            return int(value) if value.isascii() and value.isdigit() else None
        if self.choices is not None and value not in self.choices():
            return None
        return value


def _reporters() -> list[str]:
    from ..reporters import REPORTERS

    return sorted(REPORTERS)


def _severities() -> list[str]:
    from ..core.catalog import Severity

    return [severity.value for severity in Severity]


def _contexts() -> list[str]:
    from ..dialects.voxxml_v1.grammar import grammar

    return list(grammar().contexts)


def _dialects() -> list[str]:
    from ..dialects import dialects

    return list(dialects())


def _max_diagnostics_help() -> str:
    from ..reporters import DEFAULT_MAX_DIAGNOSTICS

    return (
        "Diagnostics printed per file in text, concise and github output; 0: all "
        f"[default: {DEFAULT_MAX_DIAGNOSTICS}]. JSON and SARIF are always complete."
    )


def jobs(work: str) -> Option:
    """-j/--jobs for a command that does ``work`` per file (lint, compile): the process pool's size (cli/parallel.py)."""
    return Option(
        "jobs",
        ("-j", "--jobs"),
        "count",
        f"Processes to {work} with: 1 works in this process; N uses N (this one and N-1 forked workers); 0: one per core, "
        "at most one per 50 files (so none below 100) [default: 0, or $VOXXML_JOBS]. Output is the same either way.",
        metavar="N",
        envvar="VOXXML_JOBS",
    )


# --config, --isolated and --force-exclude: how lint and format find their configuration.
CONFIGURATION = (
    Option(
        "config_options",
        ("--config",),
        "multiple",
        "A configuration file to use for every path, or a TOML 'KEY = VALUE' setting that wins over every file's (repeatable).",
        metavar="FILE | KEY=VALUE",
    ),
    Option("isolated", ("--isolated",), "flag", "Ignore every configuration file."),
    Option("force_exclude", ("--force-exclude",), "flag", "Apply the configuration's exclude to paths named on the command line too."),
)

DIALECT = Option(
    "dialect",
    ("--dialect",),
    help="Read every file in this dialect [default: the configuration's 'dialect', else by suffix; a .xml file's is detected from it].",
    choices=_dialects,
)

# ``voxxml lint [OPTIONS] [PATHS]...``, in the order --help lists them.
LINT = (
    Option(
        "output_format",
        ("--output-format", "--format"),
        help="How to print diagnostics (--format is an alias) [default: text; github under GitHub Actions].",
        choices=_reporters,
    ),
    Option("select", ("--select",), "multiple", "Codes or prefixes to enable, comma-separated; replaces the configuration's selection.", metavar="CODES"),
    Option("extend_select", ("--extend-select",), "multiple", "Codes or prefixes to enable in addition.", metavar="CODES"),
    Option("ignore", ("--ignore",), "multiple", "Codes or prefixes to disable, on top of the configuration's.", metavar="CODES"),
    *CONFIGURATION,
    Option("stdin_filename", ("--stdin-filename",), help="Path to report for input read from '-'."),
    Option(
        "fail_on",
        ("--fail-on",),
        help="Lowest severity that makes the exit status 1 [default: error, or the configuration's].",
        choices=_severities,
    ),
    Option("exit_zero", ("--exit-zero",), "flag", "Exit 0 even when there are problems (2 stays 2)."),
    Option("context", ("--context",), help="What the VoxXML is sent to [default: call, or the configuration's].", choices=_contexts),
    Option("fix", ("--fix",), "flag", "Apply the safe fixes, then report what is left."),
    Option("unsafe_fixes", ("--unsafe-fixes",), "flag", "With --fix or --diff: apply the unsafe fixes too."),
    Option("show_diff", ("--diff",), "flag", "Show the fixes as a diff instead of writing them."),
    Option("show_fixes", ("--show-fixes",), "flag", "With --fix: list the fixes applied, by file and code."),
    Option("statistics", ("--statistics",), "flag", "Count the diagnostics by code instead of listing them."),
    Option("max_diagnostics", ("--max-diagnostics",), "count", _max_diagnostics_help, metavar="N"),
    Option("voxxml_only", ("--voxxml-only",), "flag", "Skip named .xml files whose root is not <Response> (for pre-commit)."),
    Option("watch", ("-w", "--watch"), "flag", "Lint again whenever a file or configuration changes."),
    Option("quiet", ("-q", "--quiet"), "flag", "Print the diagnostics and nothing else (no summary, no notices)."),
    Option("verbose", ("-v", "--verbose"), "flag", "List the files checked (with the dialect read and why) and the XML files skipped."),
    jobs("lint"),
    DIALECT,
)


def _short_run(token: str, by_flag: dict[str, Option]) -> list[str] | None:
    """Short options run together, spelled out one by one as click reads them: each letter a flag until
    one that takes a value, which takes the rest of the token (``-qj4``: ``-q -j 4``), or the next
    argument when nothing is left (``-qj 4``). None for an unknown letter, and for any ``=``, which
    click reads in a way of its own (``-j=4`` gives ``-j`` the value ``=4``): click decides."""
    if "=" in token:
        return None
    spelled: list[str] = []
    for place in range(1, len(token)):
        flag = "-" + token[place]
        option = by_flag.get(flag)
        if option is None:
            return None
        spelled.append(flag)
        if option.kind != "flag":
            if place + 1 < len(token):
                spelled.append(token[place + 1 :])
            break
    return spelled


def parse(options: tuple[Option, ...], args: list[str], environ: dict[str, str] | object) -> tuple[tuple[str, ...], dict[str, object]] | None:
    """``(paths, values)`` as click gives them to the command, for a plain argument list; None for anything
    else (help, an unknown or malformed option, a value to refuse or that could be read two ways), which
    click then handles, with its messages.

    Plain means: ``--long``, ``--long VALUE``, ``--long=VALUE``, ``-x``, ``-x VALUE``, short options run
    together as click reads them (``-qv``, ``-j4``, ``-qj 4``: see ``_short_run``), and paths (anything not
    starting with ``-``, or ``-`` alone), in any order."""
    by_flag = {flag: option for option in options for flag in option.flags}
    values: dict[str, object] = {option.name: option.default for option in options}
    paths: list[str] = []
    args = list(args)  # short runs are spelled out in place
    position = 0
    while position < len(args):
        token = args[position]
        position += 1
        if token == "-" or not token.startswith("-"):
            paths.append(token)
            continue
        if len(token) > 2 and token[1] != "-":
            spelled = _short_run(token, by_flag)
            if spelled is None:
                return None
            args[position - 1 : position] = spelled
            token = spelled[0]
        flag, equals, inline = token.partition("=") if token.startswith("--") else (token, "", "")
        option = by_flag.get(flag)
        if option is None:
            return None
        if option.kind == "flag":
            if equals:
                return None
            values[option.name] = True
            continue
        if not equals:
            if position == len(args):
                return None
            inline = args[position]
            position += 1
        converted = option.convert(inline)
        if converted is None:
            return None
        if option.kind == "multiple":
            values[option.name] += (converted,)  # type: ignore[operator]
        else:
            values[option.name] = converted
    for option in options:
        if option.envvar is not None and values[option.name] == option.default:
            given = environ.get(option.envvar)  # type: ignore[attr-defined]
            if given is not None:
                converted = option.convert(given)
                if converted is None:
                    return None
                values[option.name] = converted
    return tuple(paths), values
