"""The one pipeline every command runs a document through: read → check → (compile) → finalize.

- read: decode the bytes, parse the XML, and the dialect's reader builds the typed AST (VX001, VX0xx);
- check: the flow analysis and the rules (VX1xx);
- compile (only when a target is named): the target turns the AST into its output (a
  plan) and reports what it cannot express exactly (EX2nn for enablex);
- finalize: inline suppressions, then the configuration (select, ignore,
  per-file-ignores, severities), then the sort.

``voxxml lint``, ``compile``, ``simulate``, ``graph``, the language server and the
library's ``voxxml.parse`` all call ``run``, so that a setting or a suppression comment
means the same in each; ``check`` alone gives the unconfigured findings (the formatter
reports a broken document's syntax errors with it). The lint path imports no target:
a target's module is imported when a document is compiled for it.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from .core.records import dataclass, field
from operator import countOf
from typing import TYPE_CHECKING, Any

from .core import suppressions, xmlparse
from .hub.nodes import Response
from .core.catalog import Severity
from .checks import CheckContext, run_checks
from .config import Settings
from .core.diagnostics import Diagnostic, get_code, get_severity, make, placed, placing
from .dialects import DEFAULT as DEFAULT_DIALECT, DETECT, Dialect, get_dialect
from .core.source import SourceMap, Span

if TYPE_CHECKING:
    from pathlib import Path

CODES = ("VX001",)  # reported here, from the decoder and the XML parser
# The prefix of every code read and check report: a suppression of another code names a
# target's finding, which only a run that compiled for that target can judge unused.
CHECKED_PREFIX = ("VX", "VM")


@dataclass
class Result:
    """Everything known about one document."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    document: Response | None = None
    source: SourceMap | None = None
    fail_on: Severity = Severity.ERROR
    output: Any = None  # what the target compiled (the plan), when one ran
    target: str | None = None  # the target that compiled ``output``
    dialect: str = DEFAULT_DIALECT  # the dialect that read the document
    dialect_reason: str = ""  # why that one, when it was detected from the document (--verbose)

    @property
    def failed(self) -> bool:
        return any(d.severity.rank >= self.fail_on.rank for d in self.diagnostics)

    @property
    def error_count(self) -> int:
        return countOf(map(get_severity, self.diagnostics), Severity.ERROR)  # identity first, in C (a compile's thousands of findings)


# ------------------------------------------------------------------ read and check


def _syntax_diagnostic(problem: xmlparse.SyntaxProblem, source: SourceMap | None) -> Diagnostic:
    if source is not None and problem.offset is None and problem.line is not None:
        # libxml2's line and column, kept inside the text (it may read a declared encoding differently)
        problem = replace(problem, offset=source.offset(max(problem.line, 1), max(problem.column or 1, 1)))
    if source is not None and problem.offset is not None:
        end = problem.offset + 1 if problem.offset < len(source.text) else problem.offset
        if problem.end is not None:
            end = min(max(problem.end, problem.offset), len(source.text))
        span = source.span(problem.offset, end)
    elif problem.line is not None:
        line, column = max(problem.line, 1), max(problem.column or 1, 1)
        span = Span(line, column, line, column + 1)
    else:
        span = Span(1, 1, 1, 1)
    return make("VX001", problem.message, span, problem.help)


def check(data: bytes, path: str = "<stdin>", resource: str = "call", flow: bool = True, dialect: str | Dialect = DEFAULT_DIALECT) -> Result:
    """Read and check one document: its findings sorted, before suppressions and configuration.

    Total: never raises on any input. ``resource`` is what the VoxXML is sent to: call,
    conference or participant. ``flow=False`` stops after reading (VX0xx): no flow
    analysis, no VX1xx rules. ``dialect`` (a registered name or a ``Dialect``) reads the document;
    ``DETECT`` ("detect") chooses one from the parsed document (``dialects.detect``).
    """
    detecting = dialect == DETECT
    reading = get_dialect(DEFAULT_DIALECT if detecting else dialect)
    result = Result(path, dialect=reading.name)
    text, problem = xmlparse.decode(data)
    if text is None:
        assert problem is not None
        # Positions count the characters decoded before the problem; show the rest as best we can.
        shown = xmlparse.lenient(data, problem.encoding or "latin-1")
        result.diagnostics.append(_syntax_diagnostic(problem, SourceMap(shown)))
        return _sorted(result)
    source = result.source = SourceMap(text)
    refused = xmlparse.refused_declaration(text)
    if refused is not None:
        result.diagnostics.append(_syntax_diagnostic(refused, source))
        return _sorted(result)
    parsed = xmlparse.parse(data, source)
    source.well_formed = parsed.well_formed  # lxml's strict parse took it: the span outline may take its well-formed walk
    result.diagnostics.extend(_syntax_diagnostic(p, source) for p in parsed.problems)
    if parsed.root is not None:
        found: list[Diagnostic] = []
        if detecting:
            reading = _detected(parsed.root, source, result, found)
        reader = reading.new_reader(source, found, check_content=parsed.well_formed)
        try:
            document = reader.read(parsed.root)
        except UnicodeDecodeError:
            # Only a tree libxml2 recovered can hold text it cannot decode (a lone surrogate
            # such as &#xD800;); the syntax errors are reported, the tree is not trusted.
            if parsed.well_formed:
                raise
            return _sorted(result)
        if document is not None and flow:
            found.extend(run_checks(CheckContext(document, resource, reader.by_tag)))
        if parsed.well_formed:
            result.document = document
        else:
            found = _trusted_only(found, source)
        result.diagnostics.extend(found)
    return _sorted(result)


def _detected(root: Any, source: SourceMap, result: Result, found: list[Diagnostic]) -> Dialect:
    """The dialect the parsed document shows (recorded on the result, with why), and VX012 when it shows both."""
    from .dialects.detect import CODE, detect

    detection = detect(root)
    result.dialect, result.dialect_reason = detection.dialect, detection.reason
    if detection.conflict is not None:
        chosen, other = detection.conflict
        where = source.name_span(other.index)
        message = (
            f"the document mixes dialects: {other.what} is {other.dialect} and {chosen.what} is {chosen.dialect}; "
            f"read as {chosen.dialect} ({chosen.count} construct(s) against {other.count})"
        )
        help = f"write the document in one dialect, or name it with --dialect or the dialect setting"
        found.append(make(CODE, message, where, help))
    return get_dialect(detection.dialect)


def _trusted_only(diagnostics: list[Diagnostic], source: SourceMap) -> list[Diagnostic]:
    """After a syntax error, the findings on elements closed as written (see xmlparse.trusted):
    anything inside an unclosed element may exist only because of how libxml2 recovered."""
    located = sorted((source.offsets(d.span)[0], i) for i, d in enumerate(diagnostics))
    doubtful = xmlparse.untrusted_at(source, [offset for offset, _ in located])
    return [diagnostics[i] for (_, i), doubt in zip(located, doubtful) if not doubt]


def _sorted(result: Result) -> Result:
    result.diagnostics = placed(result.diagnostics, result.path)
    return result


# ----------------------------------------------------------------------- finalize


def finalize(diagnostics: list[Diagnostic], source: SourceMap | None, settings: Settings, path: str, compiled_codes: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Inline suppressions, then the configuration, then the sort (by position).

    Syntax errors (VX001) pass both untouched and stay errors. A suppression naming a code
    no step of this run reports (a target's, when nothing was compiled for it) is not
    reported unused (VX112): ``compiled_codes`` are the codes of the target that ran.
    """
    if source is not None:
        diagnostics = suppressions.apply(diagnostics, source, lambda code: code.startswith(CHECKED_PREFIX) or code in compiled_codes)
    if suppressions.UNSUPPRESSIBLE.isdisjoint(map(get_code, diagnostics)):  # no syntax error: the common case, tested in C
        return placed(settings.apply(diagnostics, path), path)
    syntax = [d if d.severity is Severity.ERROR else d._replace(severity=Severity.ERROR) for d in diagnostics if d.code in suppressions.UNSUPPRESSIBLE]
    kept = settings.apply([d for d in diagnostics if d.code not in suppressions.UNSUPPRESSIBLE], path) + syntax  # a Path only if needed
    return placed(kept, path)


# ---------------------------------------------------------------------------- run


class cyclic_gc_paused:
    """A lint creates no reference cycles (reference counting frees everything), so the
    cyclic collector would only rescan the growing AST; pause it for the duration.
    (A class, not ``contextlib.contextmanager``, whose generator cost thousands of instructions per file.)"""

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exception: object) -> None:
        if self.enabled:
            gc.enable()


def checked(data: bytes, path: str, settings: Settings, dialect: str | Dialect = DEFAULT_DIALECT) -> tuple[Result, list[Diagnostic]]:
    """Read, check and finalize one document: the first stages of every run (lint, compile, convert,
    serving TwiML states). Returns the result and its findings before finalize, which a later stage
    finalizes again together with its own (one suppression or setting governs both)."""
    result = check(data, path, settings.context, dialect=dialect)
    found = result.diagnostics
    result.diagnostics = finalize(found, result.source, settings, path)
    result.fail_on = settings.fail_on
    return result, found


def run(data: bytes, path: str, settings: Settings | None = None, target: str | None = None, dialect: str | Dialect = DEFAULT_DIALECT, **target_options: Any) -> Result:
    """Read, check, compile for ``target`` (when named) and finalize one document.

    The document is compiled only when it is well formed and its finalized findings hold
    no error; then ``output`` holds what the target made, and the target's findings are
    finalized together with the checks' (so one suppression comment or setting governs
    both). ``target`` names a target of the registry ``voxxml.targets``; ``target_options``
    go to its compile step (enablex: loop_cap, base_url). ``dialect`` reads the document (see ``check``).
    """
    settings = settings or Settings()
    with cyclic_gc_paused():
        result, found = checked(data, path, settings, dialect)
        if target is None or result.document is None or result.error_count:
            return result
        from .targets import get_target  # the registry; the target's own module is imported on first use

        compiler = get_target(target)
        with placing(path):  # its findings made in their file: finalize only sorts them (a compile makes thousands)
            compilation = compiler.compile(result.document, path, **target_options)
        result.output, result.target = compilation.plan, target
        result.diagnostics = finalize(found + compilation.diagnostics, result.source, settings, path, frozenset(compiler.codes))
    return result


def run_file(path: Path | str, settings: Settings | None = None, dialect: str | Dialect = DEFAULT_DIALECT) -> Result:
    from pathlib import Path  # the API's: the command line reads its files itself

    path = Path(path)
    return run(path.read_bytes(), str(path), settings, dialect=dialect)


# ---------------------------------------------------------------------------- convert


def convert(data: bytes, path: str, to: str, settings: Settings | None = None, dialect: str | Dialect = DEFAULT_DIALECT) -> Result:
    """Read and check one document as ``run`` does, then convert it to the dialect ``to``
    (``voxxml.convert``): ``output`` holds the converted text, ``target`` the dialect's name.

    Converted only when the finalized findings hold no error. The conversion's CV1xx findings are
    finalized with the checks' (a suppression comment or setting accepts an approximation there; a
    CV suppression is judged only by a convert run). The text is read back with the target dialect:
    an error there is CV100, on the source document, so nothing invalid is ever written.
    """
    from .convert import CODES, convert as convert_document  # the converters load only when asked

    settings = settings or Settings()
    with cyclic_gc_paused():
        result, found = checked(data, path, settings, dialect)
        if result.document is None or result.error_count:
            return result
        conversion = convert_document(result.document, to, result.dialect)
        converted = conversion.diagnostics
        reread = check(conversion.text.encode("utf-8"), path, settings.context, dialect=to)
        for problem in reread.diagnostics:
            if problem.severity is Severity.ERROR:
                where = result.document.name_span or Span(1, 1, 1, 2)
                converted.append(make("CV100", f"the converted document is not valid {to}: {problem.code} {problem.message}", where, problem.help))
        result.output, result.target = conversion.text, to
        result.diagnostics = finalize(found + converted, result.source, settings, path, frozenset(CODES))
    return result
