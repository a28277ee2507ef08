"""Diagnostics as data: offsets that agree with their lines and columns, fixes and
suggestions the editor uses without reading messages, and one reader each of the
suppression comment syntax and of the XML declaration, whoever asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

import voxxml
from voxxml.core import suppressions, xmlparse
from voxxml.config import Settings
from voxxml.core.diagnostics import NO_SPAN, Diagnostic, make
from voxxml.dialects.voxxml_v1.formatter import format_text
from voxxml.lint import Result, lint_bytes
from voxxml.lsp import actions, analysis, context
from voxxml.lsp.positions import LineIndex
from voxxml.core.source import SourceMap, Span

import strategies as vs

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted((ROOT / "examples").rglob("*.voxxml"))


def assert_offsets_agree(result: Result, diagnostics: list[Diagnostic] | None = None) -> None:
    """Every diagnostic of a decoded document has offsets, and they are its span."""
    source = result.source
    if source is None:
        return  # undecodable: positions are in a lenient reading, checked elsewhere
    text = source.text
    for diagnostic in result.diagnostics if diagnostics is None else diagnostics:
        span = diagnostic.span
        assert 0 <= diagnostic.start <= diagnostic.end <= len(text), diagnostic
        assert source.span(diagnostic.start, diagnostic.end)[:4] == span[:4], diagnostic
        assert source.position(diagnostic.start) == (span.line, span.column)
        assert source.position(diagnostic.end) == (span.end_line, span.end_column)
        for offered in (diagnostic.fix, diagnostic.suggestion):
            for edit in offered.edits if offered is not None else ():
                assert 0 <= edit.start <= edit.end <= len(text), (diagnostic, edit)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_offsets_of_the_examples_agree_with_their_spans(path: Path) -> None:
    result = lint_bytes(path.read_bytes(), str(path))
    assert_offsets_agree(result)
    if result.document is not None:  # and the compiler's approximations (EX codes)
        from voxxml.targets.enablex.compiler import compile_document

        assert_offsets_agree(result, compile_document(result.document, str(path)).diagnostics)


def _line_breaks(text: str, breaks: list[str]) -> str:
    """``text`` with each LF replaced by the next of ``breaks`` (CR LF, CR or LF)."""
    pieces = text.split("\n")
    return "".join(piece + breaks[i % len(breaks)] for i, piece in enumerate(pieces[:-1])) + pieces[-1]


BREAKS = st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=3)


@settings(max_examples=150)
@given(st.one_of(vs.xml_fragment_documents(), vs.vocabulary_documents().map(lambda doc: doc[0])), BREAKS)
def test_offsets_of_generated_documents_agree_with_their_spans(text: str, breaks: list[str]) -> None:
    assert_offsets_agree(lint_bytes(_line_breaks(text, breaks).encode("utf-8"), "doc.voxxml"))


def test_offsets_count_characters_after_a_byte_order_mark_and_wide_characters() -> None:
    text = "\ufeff<Response>\r\n  <Say voice='Jöanna'>Grüße</Say>\r\n</Response>"
    result = voxxml.parse(text)
    (diagnostic,) = result.diagnostics  # the voice is unknown
    assert result.source is not None
    assert result.source.text[diagnostic.start : diagnostic.end] == "Jöanna"  # the BOM is not in the decoded text


def test_a_span_known_only_by_line_and_column_has_no_offsets_and_a_source_recovers_them() -> None:
    """Nodes built in Python have no source text: their diagnostics have offsets -1."""
    assert make("VX007", "m", None).span == NO_SPAN and make("VX007", "m", None).start == -1
    source = SourceMap("<Response>\n  <Hangup/>\n</Response>")
    assert source.offsets(Span(2, 3, 2, 12)) == (13, 22)
    assert source.offsets(source.span(13, 22)) == (13, 22)
    from voxxml.ast import Response, Say
    from voxxml.targets.enablex.compiler import compile_document

    compiled = compile_document(Response([Say(loop=0)]))
    assert compiled.diagnostics, "a Say looping for ever is approximated"
    assert all(d.start == d.end == -1 for d in compiled.diagnostics)


# ------------------------------------------------------------------ the editor uses data, not words


def _actions(text: str, mangle: bool = False) -> dict[str, list[tuple[int, int, str]]]:
    """The code actions for the whole text, by title; ``mangle`` rewrites every message and help first."""
    index = LineIndex(text)
    findings = analysis.lint_text(text, "doc.voxxml", Settings(), index)
    if mangle:
        findings = [
            analysis.Finding(f.diagnostic._replace(message="(reworded)", help="(reworded)"), f.start, f.end, f.edits, f.suggested)
            for f in findings
        ]
    published = [analysis.to_lsp(finding, index) for finding in findings]
    found = actions.code_actions(index, "file:///doc.voxxml", findings, published, 0, len(text))
    result = {}
    for action in found:
        assert action.edit is not None and action.edit.changes is not None
        result[action.title] = [(index.offset(e.range.start), index.offset(e.range.end), e.new_text) for e in action.edit.changes["file:///doc.voxxml"]]
    return result


DOCUMENT = """<Response>
  <Sya>Hello</Sya>
  <say>Hi</say>
  <Gather numdigits="4" method="post"/>
  <!-- voxxml: ignore VX103, VX005 not needed -->
  <Hangup/>
  <!-- voxxml: ignore VX104 -->
  <Hangup/>
</Response>
"""


def test_code_actions_come_from_fix_and_suggestion_data_not_from_messages() -> None:
    """Rewording every message and help changes no action: they are built from data."""
    plain = _actions(DOCUMENT)
    for title in (
        "Rename <Sya> to <Say>",  # a suggestion: --fix never renames to a spelling neighbour
        "Rename <say> to <Say>",  # a safe fix
        "Rename 'numdigits' to 'numDigits'",
        "Remove VX005 from the suppression",
        "Remove the unused suppression",
    ):
        assert title in plain, sorted(plain)
    assert _actions(DOCUMENT, mangle=True) == plain
    start = DOCUMENT.index("<Sya>")
    assert sorted(plain["Rename <Sya> to <Say>"]) == [(start + 1, start + 4, "Say"), (start + 12, start + 15, "Say")]
    comment = DOCUMENT.index(", VX005")
    assert plain["Remove VX005 from the suppression"] == [(comment, comment + len(", VX005"), "")]


def test_a_suggestion_is_never_applied_by_fix() -> None:
    fixed = voxxml.core.fixes.fix_text(DOCUMENT, lambda text: voxxml.parse(text).diagnostics, unsafe=True)
    assert "<Sya>" in fixed.text and "VX005" in fixed.text  # offered to editors only
    assert "<Say>Hi</Say>" in fixed.text  # the fix was applied


def test_a_number_written_with_a_unit_gets_a_suggestion_not_a_fix() -> None:
    """'5s' probably means 5 seconds: editors offer it; --fix does not guess."""
    text = '<Response><Gather timeout="5s"><Say>Hi</Say></Gather></Response>'
    (diagnostic,) = [d for d in voxxml.parse(text).diagnostics if d.code == "VX007"]
    assert diagnostic.fix is None and diagnostic.suggestion is not None
    at = text.index("5s")
    assert [(e.start, e.end, e.text) for e in diagnostic.suggestion.edits] == [(at, at + 2, "5")]
    assert _actions(text, mangle=True)["Write timeout='5'"] == [(at, at + 2, "5")]
    assert voxxml.core.fixes.fix_text(text, lambda t: voxxml.parse(t).diagnostics, unsafe=True).text == text


# ------------------------------------------------------------------ one reader of "voxxml:" comments

CODES = st.lists(st.from_regex(r"[A-Za-z]{2}[0-9]{3}", fullmatch=True), max_size=3)
SEPARATORS = st.sampled_from([" ", ", ", ",", "  ", "\n  "])


@settings(max_examples=100)
@given(st.sampled_from(["ignore", "file-ignore"]), CODES, SEPARATORS, st.sampled_from(["", " because", " not-a-code VX103"]))
def test_lint_completion_hover_and_actions_read_a_comment_alike(kind: str, codes: list[str], sep: str, reason: str) -> None:
    body = f" voxxml: {kind} " + sep.join(codes) + reason + " "
    text = f"<Response>\n  <!--{body}-->\n  <Hangup/>\n</Response>\n"
    start = text.index("<!--")
    (found,) = suppressions.find(SourceMap(text))
    assert found.codes == tuple(code.upper() for code in codes)
    hovered = []
    for (code_start, code_end), code in zip(found.code_spans, found.codes):
        target = context.target_at(text, code_start + 1)
        assert target is not None and target.kind == "code" and (target.start, target.end) == (code_start, code_end)
        hovered.append(target.code)
        # completion at the end of a written code replaces exactly that code
        typed = context.at_cursor(text[:code_end], code_end)
        assert typed.kind == "suppression" and typed.replace == (code_start, code_end)
    assert tuple(hovered) == found.codes
    # a code added by a code action lands after the codes, and is read as one of them
    at = found.codes_end
    added = text[:at] + " VX999" + text[at:]
    (again,) = suppressions.find(SourceMap(added))
    assert again.codes == found.codes + ("VX999",)
    assert found.start == start


def test_completion_stops_at_the_reason() -> None:
    text = "<Response><!-- voxxml: ignore VX103 the reason VX1"
    assert context.at_cursor(text, len(text)).kind == "comment"
    text = "<Response><!-- voxxml: ignore VX103, vx1"
    typed = context.at_cursor(text, len(text))
    assert typed.kind == "suppression" and typed.replace == (len(text) - 3, len(text))


# ------------------------------------------------------------------ one XML-declaration pattern

ENCODINGS = st.sampled_from(["UTF-8", "ISO-8859-1", "windows-1252", "utf-8"])


@settings(max_examples=100)
@given(
    st.sampled_from(["1.0", "1.1"]),
    st.one_of(st.none(), ENCODINGS),
    st.sampled_from(['"', "'"]),
    st.sampled_from([" ", "  ", "\t", "\n"]),
)
def test_decoder_formatter_and_editor_read_a_declaration_alike(version: str, encoding: str | None, quote: str, space: str) -> None:
    declaration = f"<?xml{space}version={quote}{version}{quote}"
    if encoding is not None:
        declaration += f"{space}encoding={quote}{encoding}{quote}"
    text = declaration + "?>\n<Response><Hangup/></Response>\n"
    # the decoder
    assert xmlparse.declared_encoding(text.encode("ascii")) == encoding
    # the formatter keeps the version
    assert format_text(text).startswith(f'<?xml version="{version}" encoding="UTF-8"?>\n')
    # the editor: a file-ignore comment goes after the declaration, and another encoding is linted as UTF-8
    assert actions._file_ignore(actions._Request(LineIndex(text), "file:///d"), "VX104")[0] == len(declaration) + 2
    prepared = analysis.prepare(text)
    other = encoding is not None and encoding.lower().replace("-", "") != "utf8"
    assert (prepared.value_start >= 0) == other
    if other:
        assert text[prepared.value_start : prepared.value_start + prepared.old_length] == encoding


def test_a_processing_instruction_named_like_xml_is_no_declaration() -> None:
    text = "<?xml-stylesheet href='a.css'?><Response><Hangup/></Response>"
    assert not format_text(text).startswith("<?xml version")


def test_lsp_ranges_come_from_offsets_in_utf16() -> None:
    text = "<Response><Say voice='😀x'>Hi</Say></Response>"
    index = LineIndex(text)
    (finding,) = [f for f in analysis.lint_text(text, "d.voxxml", Settings(), index) if f.diagnostic.code == "VX010"]
    assert (finding.start, finding.end) == (finding.diagnostic.start, finding.diagnostic.end)
    published = analysis.to_lsp(finding, index)
    assert published.range == types.Range(types.Position(0, 22), types.Position(0, 25))  # the emoji is two UTF-16 units


# ------------------------------------------------------------------ one spelling of the markup that holds no markup

HIDDEN = [
    "<!-- <Say>x</Say> <!DOCTYPE x> -->",
    "<![CDATA[ <Say>x</Say> <!-- voxxml: ignore VX103 --> <!DOCTYPE x> ]]>",
    "<?pi <Say>x</Say> <!-- voxxml: ignore VX103 --> <!DOCTYPE x> ?>",
    "<!---> <Say>x</Say> <!DOCTYPE x> -->",  # '<!--->' does not close itself
]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_markup_inside_comments_cdata_and_pis_is_text_to_every_scanner(hidden: str) -> None:
    text = f"<Response>{hidden}<Hangup/></Response>"
    inside = text.index("<Say>") + 2
    assert [element.name for element in SourceMap(text).elements] == ["Response", "Hangup"]  # the tokenizer
    assert suppressions.find(SourceMap(text)) == []  # the suppression reader
    assert xmlparse.refused_declaration(text) is None  # the DOCTYPE check
    assert context.at_cursor(text, inside).kind == "comment"  # the editor's cursor context
    assert context.target_at(text, inside) is None


def test_an_unclosed_comment_runs_to_the_end_for_every_scanner() -> None:
    text = "<Response><!-- voxxml: ignore VX103 <Say>x</Say>"
    assert [element.name for element in SourceMap(text).elements] == ["Response"]
    assert suppressions.find(SourceMap(text)) == []  # a directive counts only in a closed comment
    assert context.at_cursor(text, len(text)).kind == "comment"
    assert xmlparse.refused_declaration(text + "<!DOCTYPE x>") is None


def test_hover_on_a_diagnostic_names_the_edits_its_data_offers() -> None:
    """Hover lists the fix and suggestion titles from the data, whatever the message says."""
    from voxxml.lsp import hover

    text = '<Response><Gather timeout="90"><Sya>x</Sya></Gather></Response>'
    findings = analysis.lint_text(text, "d.voxxml", Settings())
    reworded = [analysis.Finding(f.diagnostic._replace(message="?", help=None), f.start, f.end, f.edits, f.suggested) for f in findings]
    on_value = hover.hover(text, text.index("90") + 1, reworded)
    on_name = hover.hover(text, text.index("Sya") + 1, reworded)
    assert on_value is not None and "- `Write timeout='60'` (safe fix)" in on_value[0]
    assert on_name is not None and "- `Rename <Sya> to <Say>` (suggestion)" in on_name[0]
