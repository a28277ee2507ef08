"""The default, human-readable format: location, code and message, then the
source line with the span underlined, then help; a summary line last.

Bounded output, whatever the input: a source line longer than ``MAX_LINE``
characters is cut to a window around the span (``...`` marks the cuts, as ruff
does), long messages are shortened, and at most ``max_diagnostics`` findings are
printed per file (the rest are counted). Fixable findings carry ``[*]``.

Colours only on a terminal; NO_COLOR (and FORCE_COLOR) are honoured. rich draws the terminal output
and is imported only then: written to a file or a pipe, the same lines are plain text (what rich writes
there, control codes stripped as rich strips them), and a lint in CI does not pay for importing rich.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

from ..core.diagnostics import Diagnostic
from ..pipeline import Result
from ..core.source import SourceMap
from . import ReportOptions, applicable, omitted_note, shown

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {"error": "bold red", "warning": "bold yellow"}
MAX_LINE = 160  # a source line up to this long is shown whole
BEFORE = 40  # characters kept before the span in a cut line
WINDOW = 140  # characters of a cut line shown (the terminal width ruff assumes)
MAX_MESSAGE = 500  # characters of a message or help shown
CUT = "..."

Segment = tuple[str, str | None]  # text and its rich style (None: unstyled)
Line = list[Segment]
# The control codes rich removes from text it prints (bell, backspace, vertical tab, form feed, CR).
_CONTROL = dict.fromkeys((7, 8, 11, 12, 13))


def _has_control(text: str) -> bool:
    """Whether ``text`` holds one of ``_CONTROL``'s codes: five substring searches (each a memchr)
    instead of a regex character class, which scans a character at a time: 8 us for a diagnostic's
    500 characters, as much as the rest of its rendering (a compile prints tens of thousands)."""
    return "\r" in text or "\a" in text or "\b" in text or "\v" in text or "\f" in text


def styled(out: TextIO) -> bool:
    """Whether output to ``out`` gets styles: a terminal (or FORCE_COLOR), and NO_COLOR unset."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def console(out: TextIO) -> Console:
    """A rich console that writes plain text when NO_COLOR is set or ``out`` is not a terminal."""
    from rich.console import Console

    # NO_COLOR means no styling at all (rich alone would keep bold and underline).
    plain = {"color_system": None} if os.environ.get("NO_COLOR") else {}
    return Console(file=out, highlight=False, soft_wrap=True, emoji=False, **plain)


def plain(line: Line) -> str:
    """A line's text without styles, as rich would print it to a file."""
    text = "".join(part for part, _ in line)
    return text.translate(_CONTROL) if _has_control(text) else text  # the search is the cheap common case


class Printer:
    """Prints lines of styled segments: through rich on a terminal, as plain text anywhere else.

    A line with a tab goes through rich everywhere: rich expands tabs by display cells, which plain
    ``str.expandtabs`` does not match for wide characters.
    """

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.rich: Console | None = console(out) if styled(out) else None

    def print(self, line: Line = ()) -> None:  # type: ignore[assignment]
        text = plain(line)
        if self.rich is None and "\t" not in text:
            self.out.write(text + "\n")
            return
        from rich.text import Text

        if self.rich is None:
            self.rich = console(self.out)
        self.rich.print(Text.assemble(*((part, style or "") for part, style in line)))

    def print_all(self, lines: list[Line]) -> None:
        """Print several lines: as one write when plain (a diagnostic is five or six lines, and a
        compile of a repository prints tens of thousands of them), else line by line."""
        if self.rich is None:
            text = "\n".join(["".join([part for part, _ in line]) for line in lines])
            if "\t" not in text:
                self.out.write((text.translate(_CONTROL) if _has_control(text) else text) + "\n")
                return
        for line in lines:
            self.print(line)


def shorten(text: str, limit: int = MAX_MESSAGE) -> str:
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


def window(source: SourceMap, line: int, column: int, end_column: int | None) -> tuple[str, int, int] | None:
    """The shown part of ``line``, the caret's start in it (0-based) and the caret's width.

    Slices only the window: a 1 MB line costs the same as a short one.
    """
    starts = source.line_starts
    if not 1 <= line <= len(starts):
        return None
    text = source.text
    start = starts[line - 1]
    stop = starts[line] if line < len(starts) else len(text)
    while stop > start and text[stop - 1] in "\r\n":
        stop -= 1
    length = stop - start
    column = max(1, min(column, length + 1))
    end = length + 1 if end_column is None else max(column + 1, min(end_column, length + 1))
    if length <= MAX_LINE:
        first, last, prefix, suffix = 0, length, "", ""
    else:
        first = max(0, min(column - 1 - BEFORE, length - WINDOW))
        last = min(length, first + WINDOW)
        prefix, suffix = (CUT if first > 0 else ""), (CUT if last < length else "")
    shown_text = text[start + first : start + last].replace("\t", " ")
    if not shown_text.strip():
        return None
    caret = len(prefix) + column - 1 - first
    width = max(1, min(end, last + 1) - column)
    return prefix + shown_text + suffix, caret, width


def snippet(diagnostic: Diagnostic, source: SourceMap | None) -> list[Line]:
    if source is None:
        return []
    span = diagnostic.span
    cut = window(source, span.line, span.column, span.end_column if span.end_line == span.line else None)
    if cut is None:
        return []
    line, caret, width = cut
    number = str(span.line)
    gutter = " " * len(number)
    style = _STYLE.get(diagnostic.severity.value, "bold")
    return [
        [(f"{gutter} |", "blue")],
        [(f"{number} | ", "blue"), (line, None)],
        [(f"{gutter} | ", "blue"), (" " * caret, None), ("^" * width, style)],
    ]


def marker(diagnostic: Diagnostic, options: ReportOptions) -> str:
    return "[*] " if applicable(diagnostic, options) else ""


def render(diagnostic: Diagnostic, source: SourceMap | None, options: ReportOptions = ReportOptions()) -> list[Line]:
    span = diagnostic.span
    head: Line = [
        (f"{diagnostic.path}:{span.line}:{span.column}:", "bold"),
        (" ", None),
        (diagnostic.code, _STYLE.get(diagnostic.severity.value, "bold")),
        (" ", None),
        (marker(diagnostic, options), "cyan"),
        (shorten(diagnostic.message), None),
    ]
    lines = [head, *snippet(diagnostic, source)]
    if diagnostic.help:
        lines.append([("  = help: ", "cyan"), (shorten(diagnostic.help), None)])
    return lines


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def fixable_note(results: list[Result], options: ReportOptions) -> str | None:
    """``[*] N fixable with `--fix` (M more with `--unsafe-fixes`).``; None when nothing is fixable."""
    if not options.fixable:
        return None
    fixes = [d.fix for r in results for d in r.diagnostics if d.fix is not None and d.fix.edits]
    safe = sum(1 for fix in fixes if fix.safe)
    unsafe = len(fixes) - safe
    if not fixes:
        return None
    if options.unsafe_fixes:
        return f"[*] {len(fixes)} fixable with `--fix --unsafe-fixes`."
    more = f" ({unsafe} more with `--unsafe-fixes`)" if unsafe else ""
    return f"[*] {safe} fixable with `--fix`{more}." if safe else f"No fixes available{more}."


def summary(results: list[Result], options: ReportOptions = ReportOptions()) -> Line:
    """The last line: how many problems in how many files (and what --fix would fix), styled."""
    errors = sum(1 for r in results for d in r.diagnostics if d.severity.value == "error")
    warnings = sum(1 for r in results for d in r.diagnostics if d.severity.value == "warning")
    files = len(results)
    noun = "file" if files == 1 else "files"
    if not errors and not warnings:
        return [(f"All checks passed: {files} {noun}, no problems.", "green")]
    affected = sum(1 for r in results if r.diagnostics)
    parts = []
    if errors:
        parts.append(_plural(errors, "error"))
    if warnings:
        parts.append(_plural(warnings, "warning"))
    text: Line = [(f"Found {' and '.join(parts)} in {affected} of {files} {noun}.", "bold")]
    note = fixable_note(results, options)
    if note:
        text.append(("\n" + note, None))
    return text


_GUTTER_LINES = tuple(" " * digits + " |\n" for digits in range(24))  # a snippet's first line, by the line number's digits
_CARET_LINES: dict[tuple[int, int, int], str] = {}  # (digits, caret, width) -> a snippet's last line and the blank after it
_CARET_LINES_KEPT = 4096  # at most (a compile's diagnostics share a few hundred)
_NUMBERS: dict[int, tuple[str, int]] = {}  # a line or column number -> its digits and how many (files share them)
_NUMBERS_KEPT = 65_536


def _number(value: int) -> tuple[str, int]:
    """``str(value)`` and its length, remembered for the numbers below ``_NUMBERS_KEPT``."""
    digits = str(value)
    made = (digits, len(digits))
    if 0 <= value < _NUMBERS_KEPT:
        _NUMBERS[value] = made
    return made


def _caret_line(key: tuple[int, int, int]) -> str:
    """A snippet's caret line (and the blank line after the diagnostic), made once per process."""
    digits, caret, width = key
    made = f"{' ' * digits} | {' ' * caret}{'^' * width}\n\n"
    if len(_CARET_LINES) < _CARET_LINES_KEPT:
        _CARET_LINES[key] = made
    return made


def plain_report(result: Result, options: ReportOptions = ReportOptions()) -> str | None:
    """One file's diagnostics (and omitted note) as ``report`` prints them to a file or a pipe, made as one
    string; None when a line holds a tab (rich draws those: see ``Printer``).

    Why: ``voxxml compile DIR`` renders tens of thousands of approximations in its workers, and the
    generic path (styled segments per line, joined per diagnostic, two ``severity.value`` reads) cost
    about 60,000 instructions each. This makes the same lines directly; the facts of the file (its
    text, line starts, whether it holds a \\r or a tab) are looked up once, ``window``'s cut is inline
    (a fifth of a compile's lines are longer than ``MAX_LINE``), line and column numbers as text and a
    snippet's gutter and caret lines come from tables made once per process (files share them), and a
    diagnostic without help is one f-string (about 11,000 instructions a diagnostic; 13,000 with the lines
    stripped and the numbers, gutters and carets made each time).
    ``tests/test_compile_speed_report.py`` and ``tests/test_compile_report_speed.py`` hold it to the generic path."""
    diagnostics, omitted = shown(result, options)
    source = result.source
    text = source.text if source is not None else ""
    starts = source.line_starts if source is not None else []
    count = len(starts)
    newlines_only = "\r" not in text  # then every line but the last ends in exactly one "\n"
    tabs = "\t" in text
    fixable = options.fixable
    gutters, carets, numbers = _GUTTER_LINES, _CARET_LINES, _NUMBERS
    parts: list[str] = []
    append = parts.append
    for diagnostic in diagnostics:
        code, _, _, message, span, help, path, _, _ = diagnostic
        line, column, end_line, end_column, _, _ = span
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - len(CUT)] + CUT
        mark = "[*] " if fixable and applicable(diagnostic, options) else ""
        snippet = ""
        number, digits = numbers.get(line) or _number(line)
        column_text = (numbers.get(column) or _number(column))[0]
        if 0 < line <= count:  # the snippet (``window``, inline)
            if line < count and newlines_only:
                raw = text[starts[line - 1] : starts[line] - 1]
            else:
                raw = text[starts[line - 1] : starts[line] if line < count else len(text)].rstrip("\r\n")
            length = len(raw)
            at = column if column >= 1 else 1  # the caret's column, inside the line or just after it
            if at > length:
                at = length + 1
            end = end_column if end_line == line and end_column <= length else length + 1  # min(end, length + 1)
            if length > MAX_LINE:  # a window of WINDOW characters around the caret, ``...`` where cut
                first = at - 1 - BEFORE
                if first > length - WINDOW:
                    first = length - WINDOW
                if first < 0:
                    first = 0
                last = first + WINDOW
                shown_line = raw[first:last]
                if tabs and "\t" in shown_line:
                    shown_line = shown_line.replace("\t", " ")
                blank = not shown_line or shown_line.isspace()
                if first:
                    shown_line = CUT + shown_line
                if last < length:
                    shown_line += CUT
                caret = (len(CUT) if first else 0) + at - 1 - first
                if end > last + 1:
                    end = last + 1
            else:
                shown_line = raw.replace("\t", " ") if tabs and "\t" in raw else raw
                blank = not shown_line or shown_line.isspace()
                caret = at - 1
            if not blank:  # a blank line shows no snippet
                key = (digits, caret, end - at if end > at + 1 else 1)
                caret_line = carets.get(key) or _caret_line(key)
                if not help:  # the common case as one string
                    append(f"{path}:{number}:{column_text}: {code} {mark}{message}\n{gutters[digits]}{number} | {shown_line}\n{caret_line}")
                    continue
                snippet = f"{gutters[digits]}{number} | {shown_line}\n{caret_line[:-1]}"
        if help:
            append(f"{path}:{number}:{column_text}: {code} {mark}{message}\n{snippet}  = help: {help if len(help) <= MAX_MESSAGE else help[: MAX_MESSAGE - len(CUT)] + CUT}\n\n")
        else:
            append(f"{path}:{number}:{column_text}: {code} {mark}{message}\n{snippet}\n")
    if omitted:
        append(omitted_note(result, omitted) + "\n\n")
    joined = "".join(parts)
    if "\t" in joined:
        return None
    return joined.translate(_CONTROL) if _has_control(joined) else joined


def print_styled(output: Printer, result: Result, options: ReportOptions) -> None:
    """A file's diagnostics as styled lines through the printer: what rich draws on a terminal, and the
    reference ``plain_report`` is held to (tests/test_compile_speed_report.py)."""
    diagnostics, omitted = shown(result, options)
    for diagnostic in diagnostics:
        output.print_all([*render(diagnostic, result.source, options), []])
    if omitted:
        output.print([(omitted_note(result, omitted), "bold")])
        output.print()


def report(results: list[Result], out: TextIO, options: ReportOptions = ReportOptions()) -> None:
    output = Printer(out)
    for result in results:
        if not result.diagnostics:  # nothing to print (most files of a lint)
            continue
        if output.rich is None:  # plain text so far: the file's lines at once (rich, once started, draws the rest)
            plain_text = plain_report(result, options)
            if plain_text is not None:
                out.write(plain_text)
                continue
        print_styled(output, result, options)
    if not options.quiet:
        output.print(summary(results, options))
