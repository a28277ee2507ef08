"""Code actions: the fixes diagnostics carry, suppression comments, and a few fixes read from help.

For each voxxml diagnostic in the requested range:

* its fix (voxxml.fixes: a name's case, a near-miss attribute, a clamped value,
  an ignored attribute, unreachable verbs), preferred when the fix is safe;
* otherwise a replacement the help names unambiguously ("did you mean 'POST'?",
  "write '7'"), for a one-word range;
* "Add ignore comment": ``<!-- voxxml: ignore CODE reason -->`` on the line before
  the element (or into the ignore comment already there), and the file-wide
  ``file-ignore`` variant;
* for an unused suppression (VX112): removing it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lsprotocol import types

from .. import fixes, suppressions
from ..source import ElementTokens, SourceMap
from .analysis import Finding
from .positions import LineIndex

REASON = "reason"
_DID_YOU_MEAN = re.compile(r"did you mean '([^'\s<>&\"]+)'\?")
_WRITE = re.compile(r"write '([^'\s<>&\"]+)'")
_WRITE_ELEMENT = re.compile(r"write <([A-Za-z][A-Za-z0-9]*)>")
_CODES_END = re.compile(r"<!--\s*voxxml:\s*(?:file-ignore|ignore)\b(?:[\s,]*[A-Z]{2}[0-9]{3}\b)*")
_UNUSED_CODE = re.compile(r"suppression of (?:unknown code )?([A-Z]{2}[0-9]{3})\b")
_DECLARATION = re.compile(r"\ufeff?<\?xml.*?\?>", re.DOTALL)
_NAME_CODES = frozenset({"VX002", "VX003"})  # diagnostics whose range is an element name

Edit = tuple[int, int, str]


class _Request:
    """What one code action request shares: the text, its tokens and suppressions."""

    def __init__(self, index: LineIndex, uri: str) -> None:
        self.index = index
        self.uri = uri
        self.text = index.text
        self._source: SourceMap | None = None
        self._suppressions: list[suppressions.Suppression] | None = None

    @property
    def source(self) -> SourceMap:
        if self._source is None:
            self._source = SourceMap(self.text)
        return self._source

    @property
    def suppressions(self) -> list[suppressions.Suppression]:
        if self._suppressions is None:
            self._suppressions = suppressions.find(self.source)
        return self._suppressions

    def action(
        self, title: str, edits: Sequence[Edit], diagnostic: types.Diagnostic | None, preferred: bool = False
    ) -> types.CodeAction:
        text_edits = [types.TextEdit(self.index.range(start, end), new) for start, end, new in sorted(edits)]
        return types.CodeAction(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic] if diagnostic is not None else None,
            is_preferred=preferred or None,
            edit=types.WorkspaceEdit(changes={self.uri: text_edits}),
        )


def code_actions(
    index: LineIndex,
    uri: str,
    findings: Sequence[Finding],
    published: Sequence[types.Diagnostic],
    start: int,
    end: int,
) -> list[types.CodeAction]:
    """The actions for the findings that touch offsets ``start``..``end``."""
    request = _Request(index, uri)
    actions: list[types.CodeAction] = []
    file_codes: dict[str, types.Diagnostic] = {}
    for finding, diagnostic in zip(findings, published, strict=True):
        if finding.start > end or finding.end < start:
            continue
        code = finding.diagnostic.code
        fix = getattr(finding.diagnostic, "fix", None)
        if fix is not None and finding.edits:
            actions.append(request.action(fix.title, finding.edits, diagnostic, preferred=fix.safe))
        else:
            suggested = _from_help(request, finding)
            if suggested is not None:
                actions.append(request.action(suggested[0], suggested[1], diagnostic))
        if code == "VX112":
            removal = _remove_suppression(request, finding)
            if removal is not None:
                actions.append(request.action(removal[0], removal[1], diagnostic, preferred=True))
            continue
        ignore = _ignore(request, finding)
        if ignore is not None:
            actions.append(request.action(f"Add ignore comment for {code}", [ignore], diagnostic))
        file_codes.setdefault(code, diagnostic)
    for code, diagnostic in file_codes.items():
        edit = _file_ignore(request, code)
        if edit is not None:
            actions.append(request.action(f"Add file-ignore comment for {code} (whole file)", [edit], diagnostic))
    unique: dict[tuple, types.CodeAction] = {}
    for action in actions:
        key = (action.title, repr(action.edit))
        unique.setdefault(key, action)
    return list(unique.values())


# ------------------------------------------------------------------ fixes from help


def _from_help(request: _Request, finding: Finding) -> tuple[str, list[Edit]] | None:
    """A replacement the help names, for a range that is one word on one line."""
    help = finding.diagnostic.help or ""
    text = request.text
    old = text[finding.start : finding.end]
    if not old or any(ch.isspace() or ch in "<>\"'&=" for ch in old):
        return None
    code = finding.diagnostic.code
    match = _WRITE_ELEMENT.search(help) if code in _NAME_CODES else None
    match = match or _DID_YOU_MEAN.search(help) or _WRITE.search(help)
    if match is None or match.group(1) == old:
        return None
    new = match.group(1)
    if code in _NAME_CODES:
        element = _element_named_at(request.source, finding.start)
        if element is None:
            return None
        edits = fixes.rename_element(request.source, element, new)
        return f"Rename <{old}> to <{new}>", [(e.start, e.end, e.text) for e in edits]
    return f"Replace '{old}' with '{new}'", [(finding.start, finding.end, new)]


def _element_named_at(source: SourceMap, name_start: int) -> int | None:
    for position, element in enumerate(source.elements):
        if element.start + 1 == name_start:
            return position
        if element.start >= name_start:
            return None
    return None


# ------------------------------------------------------------------ suppressions


def _containing(source: SourceMap, offset: int) -> ElementTokens | None:
    """The innermost element whose text holds ``offset``."""
    found = None
    for element in source.elements:
        if element.start > offset:
            break
        end = element.end if element.end >= 0 else element.tag_end
        if element.start <= offset < end:
            found = element
    return found


def _add_code(request: _Request, suppression: suppressions.Suppression, code: str) -> Edit | None:
    if code in suppression.codes:
        return None
    match = _CODES_END.match(request.text, suppression.start)
    if match is None:
        return None
    return (match.end(), match.end(), f" {code}")


def _ignore(request: _Request, finding: Finding) -> Edit | None:
    """``<!-- voxxml: ignore CODE reason -->`` before the element the finding is in."""
    code = finding.diagnostic.code
    source = request.source
    element = _containing(source, finding.start)
    if element is None:
        return None
    for suppression in request.suppressions:
        if suppression.kind == "ignore" and suppression.scope is not None and suppression.scope[0] == element.start:
            return _add_code(request, suppression, code)
    comment = f"<!-- voxxml: ignore {code} {REASON} -->"
    index = request.index
    line_start = index.starts[index.line_of(element.start)]
    indentation = request.text[line_start : element.start]
    if indentation.strip():
        return (element.start, element.start, comment)  # the element is not first on its line
    return (line_start, line_start, f"{indentation}{comment}{index.newline()}")


def _file_ignore(request: _Request, code: str) -> Edit | None:
    for suppression in request.suppressions:
        if suppression.kind == "file-ignore":
            return _add_code(request, suppression, code)
    comment = f"<!-- voxxml: file-ignore {code} {REASON} -->"
    newline = request.index.newline()
    declaration = _DECLARATION.match(request.text)
    if declaration is not None:
        return (declaration.end(), declaration.end(), f"{newline}{comment}")
    at = 1 if request.text.startswith("\ufeff") else 0
    return (at, at, f"{comment}{newline}")


def _remove_suppression(request: _Request, finding: Finding) -> tuple[str, list[Edit]] | None:
    """Remove an unused suppression comment, or the one unused code from it."""
    suppression = next((s for s in request.suppressions if s.start == finding.start), None)
    if suppression is None:
        return None
    unused = _UNUSED_CODE.search(finding.diagnostic.message)
    if unused is not None and len(suppression.codes) > 1:
        code = unused.group(1)
        for match in re.finditer(r"[\s,]*\b" + code + r"\b", request.text[suppression.start : suppression.end]):
            start = suppression.start + match.start()
            return f"Remove {code} from the suppression", [(start, suppression.start + match.end(), "")]
        return None
    text = request.text
    start, end = suppression.start, suppression.end
    index = request.index
    line = index.line_of(start)
    line_start = index.starts[line]
    last_line = index.line_of(end)
    line_end = index.line_end(last_line)
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        start = line_start
        end = index.starts[last_line + 1] if last_line + 1 < index.line_count else line_end
    return "Remove the unused suppression", [(start, end, "")]
