"""Code actions, from the data diagnostics carry (never from their words).

For each voxxml diagnostic in the requested range:

* its fix (voxxml.core.fixes: a name's case, a near-miss attribute, a clamped value,
  an ignored attribute, unreachable verbs), preferred when the fix is safe;
* its suggestion (an edit ``--fix`` never applies: a spelling neighbour of an
  unknown element; for an unused suppression, VX112, removing it or its code);
* "Add ignore comment": ``<!-- voxxml: ignore CODE reason -->`` on the line before
  the element (or into the ignore comment already there), and the file-wide
  ``file-ignore`` variant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types

from ..core import suppressions, xmlparse
from ..core.source import ElementTokens, SourceMap
from .analysis import Finding
from .positions import LineIndex

REASON = "reason"

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
    published: Sequence[types.Diagnostic] | Callable[[Finding], types.Diagnostic],
    start: int,
    end: int,
) -> list[types.CodeAction]:
    """The actions for the findings that touch offsets ``start``..``end``. ``published`` holds each
    finding's diagnostic as it was published (an action names the diagnostic it resolves), or makes
    it from the finding: the server builds it only for the findings a request touches."""
    request = _Request(index, uri)
    actions: list[types.CodeAction] = []
    file_codes: dict[str, types.Diagnostic] = {}
    if not callable(published) and len(published) != len(findings):
        raise ValueError(f"{len(findings)} findings but {len(published)} published diagnostics")
    for number, finding in enumerate(findings):
        if finding.start > end or finding.end < start:
            continue
        diagnostic = published(finding) if callable(published) else published[number]
        code = finding.diagnostic.code
        fix, suggestion = finding.diagnostic.fix, finding.diagnostic.suggestion
        if fix is not None and finding.edits:
            actions.append(request.action(fix.title, finding.edits, diagnostic, preferred=fix.safe))
        if suggestion is not None and finding.suggested:
            actions.append(request.action(suggestion.title, finding.suggested, diagnostic, preferred=code == "VX112"))
        if code == "VX112":
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
    if code in suppression.codes or suppression.codes_end < 0:
        return None
    return (suppression.codes_end, suppression.codes_end, f" {code}")


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
    declaration = xmlparse.xml_declaration(request.text)
    if declaration is not None and declaration.group().endswith("?>"):
        return (declaration.end(), declaration.end(), f"{newline}{comment}")
    at = 1 if request.text.startswith("\ufeff") else 0
    return (at, at, f"{comment}{newline}")
