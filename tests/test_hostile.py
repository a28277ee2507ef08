"""Hostile and malformed input: a clear VX001, the right exit status, never a traceback,
and nothing read because a document says so."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest

import voxxml

from support import codes

SECRET = "voxxml-test-secret-7f3a"


def deep(levels: int) -> bytes:
    opener = "<If variable='$GATHER' test='EQUAL' value='1'>"
    return ("<Response>" + opener * levels + "<Hangup/>" + "</If>" * levels + "</Response>").encode()


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    ]
    return ("<?xml version='1.0'?>\n<!DOCTYPE lolz [\n" + "\n".join(entities) + "\n]>\n<Response><Say>&lol9;</Say></Response>").encode()


def xxe(target: Path) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE Response [<!ENTITY secret SYSTEM "file://{target}">]>\n'
        "<Response><Say>&secret;</Say></Response>"
    ).encode()


CASES = {
    "empty": b"",
    "whitespace": b"  \n\t\n",
    "binary": bytes(range(256)) * 4,
    "png-header": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "latin1-undeclared": "<Response><Say>Café</Say></Response>".encode("latin-1"),
    "bad-declared-encoding": b"<?xml version='1.0' encoding='klingon'?><Response/>",
    "utf8-declared-but-latin1": "<?xml version='1.0' encoding='UTF-8'?><Response><Say>Café</Say></Response>".encode("latin-1"),
    "deep-20000": deep(20_000),
    "billion-laughs": billion_laughs(),
    "external-dtd": b'<!DOCTYPE Response SYSTEM "http://127.0.0.1:9/voxxml.dtd"><Response/>',
    "parameter-entity": b'<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x"> %p;]><Response/>',
    "undefined-entity": b"<Response><Say>&nbsp;</Say></Response>",
    "truncated": b"<Response><Say>Hello",
    "two-roots": b"<Response/><Response/>",
    "text-only": b"just some words",
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_gets_vx001_not_a_traceback(name: str) -> None:
    result = voxxml.parse(CASES[name])
    assert "VX001" in {d.code for d in result.diagnostics}, result.diagnostics
    assert result.document is None
    for diagnostic in result.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
        assert diagnostic.message


def test_nesting_within_limits_is_fine() -> None:
    result = voxxml.parse(deep(200))
    assert not any(d.code == "VX001" for d in result.diagnostics)
    assert result.document is not None


def test_xxe_never_reads_the_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    result = voxxml.parse(xxe(secret))
    assert [d.code for d in result.diagnostics] == ["VX001"]
    assert "DOCTYPE" in result.diagnostics[0].message
    assert SECRET not in repr(result)


def test_doctype_mentioned_inside_a_comment_is_not_refused() -> None:
    result = voxxml.parse(b"<!-- no <!DOCTYPE here --><Response><Hangup/></Response>")
    assert result.diagnostics == []


def test_declared_latin1_and_utf16_documents_are_decoded() -> None:
    latin = "<?xml version='1.0' encoding='ISO-8859-1'?><Response><Say>Café</Say></Response>".encode("latin-1")
    assert voxxml.parse(latin).document.verbs[0].text.text == "Café"
    utf16 = "<Response><Say>Grüße</Say></Response>".encode("utf-16")
    assert voxxml.parse(utf16).document.verbs[0].text.text == "Grüße"


def test_undecodable_byte_is_located() -> None:
    result = voxxml.parse("<Response>\n  <Say>Café</Say>\n</Response>".encode("latin-1"))
    (diagnostic,) = result.diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 11)
    assert "0xe9" in diagnostic.message


@pytest.mark.parametrize("name", ["deep-20000", "billion-laughs", "binary"])
def test_cli_reports_hostile_files_with_exit_one(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.voxxml"
    path.write_bytes(CASES[name])
    done = subprocess.run(
        [sys.executable, "-m", "voxxml", "lint", "--format", "json", str(path)], capture_output=True, timeout=30
    )
    assert done.returncode == 1, done.stderr
    assert b"Traceback" not in done.stderr
    assert json.loads(done.stdout)[0]["code"] == "VX001"


def test_cli_xxe_output_does_not_contain_the_secret(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    path = tmp_path / "xxe.voxxml"
    path.write_bytes(xxe(secret))
    done = subprocess.run([sys.executable, "-m", "voxxml", "lint", str(path)], capture_output=True, timeout=30)
    assert done.returncode == 1
    assert SECRET.encode() not in done.stdout + done.stderr


# --------------------------------------------------------------------------- encodings
# A UTF-32 byte-order mark (FF FE 00 00) begins with the UTF-16 one (FF FE), and was
# decoded as UTF-16: the DOCTYPE refusal looked at garbage and let the DTD through to
# libxml2 (nothing was read, but spans, suppressions and the formatter went wrong).
# The refusal must hold in every encoding libxml2 reads, with the span on the DOCTYPE.

XXE_DOCUMENT = (
    '<?xml version="1.0"{declared}?>\n<!DOCTYPE Response [<!ENTITY s SYSTEM "file:///etc/passwd">]>\n'
    "<Response><Say>Caf\u00e9 &s;</Say></Response>"
)
ENCODINGS = {
    # name: (bytes encoding, byte-order mark, declared encoding)
    "utf-8": ("utf-8", b"", ""),
    "utf-8-declared": ("utf-8", b"", "UTF-8"),
    "utf-8-bom": ("utf-8", codecs.BOM_UTF8, ""),
    "utf-16-le-bom": ("utf-16-le", codecs.BOM_UTF16_LE, ""),
    "utf-16-be-bom": ("utf-16-be", codecs.BOM_UTF16_BE, ""),
    "utf-16-le-no-bom": ("utf-16-le", b"", "UTF-16"),
    "utf-16-be-no-bom": ("utf-16-be", b"", "UTF-16"),
    "utf-32-le-bom": ("utf-32-le", codecs.BOM_UTF32_LE, ""),
    "utf-32-be-bom": ("utf-32-be", codecs.BOM_UTF32_BE, ""),
    "utf-32-le-no-bom": ("utf-32-le", b"", ""),
    "utf-32-be-no-bom": ("utf-32-be", b"", ""),
    "iso-8859-1-declared": ("latin-1", b"", "ISO-8859-1"),
    "windows-1252-declared": ("cp1252", b"", "windows-1252"),
    "iso-8859-15-declared": ("iso-8859-15", b"", "ISO-8859-15"),
    "utf-16-bom-with-latin1-declared": ("utf-16-le", codecs.BOM_UTF16_LE, "ISO-8859-1"),
}


def encoded(template: str, name: str) -> bytes:
    codec, bom, declared = ENCODINGS[name]
    return bom + template.format(declared=f' encoding="{declared}"' if declared else "").encode(codec)


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_doctype_is_refused_in_every_encoding(name: str) -> None:
    result = voxxml.parse(encoded(XXE_DOCUMENT, name))
    assert [d.code for d in result.diagnostics] == ["VX001"], result.diagnostics
    (diagnostic,) = result.diagnostics
    assert "DOCTYPE" in diagnostic.message
    assert (diagnostic.span.line, diagnostic.span.column) == (2, 1)
    assert result.document is None


@pytest.mark.parametrize("name", list(ENCODINGS))
def test_every_encoding_libxml2_reads_is_read_alike(name: str) -> None:
    """The decoder agrees with libxml2: the same text, and spans into it."""
    template = '<?xml version="1.0"{declared}?>\n<Response>\n  <Say voice="Jonna">Caf\u00e9</Say>\n</Response>'
    result = voxxml.parse(encoded(template, name))
    assert [d.code for d in result.diagnostics] == ["VX010"], result.diagnostics
    assert (result.diagnostics[0].span.line, result.diagnostics[0].span.column) == (3, 15)
    assert result.document.verbs[0].text.text == "Caf\u00e9"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-32-le"])
def test_a_utf16_or_utf32_declaration_on_8bit_bytes_is_refused_clearly(codec: str) -> None:
    label = codec[:6].upper()
    result = voxxml.parse(f'<?xml version="1.0" encoding="{label}"?><Response/>'.encode())
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "VX001" and label in diagnostic.message, diagnostic


def test_a_dtd_that_libxml2_sees_is_refused_even_if_the_text_check_misses_it() -> None:
    """Defence in depth: the parsed tree is checked for a DTD as well as the decoded text."""
    from voxxml.core import xmlparse
    from voxxml.core.source import SourceMap

    data = b'<!DOCTYPE Response [<!ENTITY s "x">]><Response/>'
    parsed = xmlparse.parse(data, SourceMap("<Response/>"))  # a text the check would pass
    assert parsed.root is None and parsed.problems and "DOCTYPE" in parsed.problems[0].message


# --------------------------------------------------------------------------- suppressions
# `<!-- voxxml: file-ignore VX001 -->` turned a broken document into "All checks
# passed", and a suppression written inside a processing instruction counted.


@pytest.mark.parametrize(
    "comment", ["<!-- voxxml: file-ignore VX001 -->", "<!-- voxxml: ignore VX001 -->", "<!-- voxxml: file-ignore VX001 VX010 -->"]
)
def test_syntax_errors_cannot_be_suppressed(comment: str) -> None:
    result = voxxml.parse(f"{comment}<Response><Say voice='Jonna'>x</Response>")
    found = [d.code for d in result.diagnostics]
    assert "VX001" in found, result.diagnostics
    (why,) = [d for d in result.diagnostics if d.code == "VX112" and "VX001" in d.message]
    assert "cannot be suppressed" in why.message


def test_configuration_cannot_hide_syntax_errors_either() -> None:
    from voxxml.core.catalog import Severity

    settings = voxxml.Settings(ignore=("VX001",), severity={"VX001": Severity.WARNING})
    result = voxxml.parse("<Response><Say>x</Response>", settings=settings)
    assert [(d.code, d.severity) for d in result.diagnostics if d.code == "VX001"] == [("VX001", Severity.ERROR)]
    assert result.failed


@pytest.mark.parametrize(
    "holder",
    [
        "<?note <!-- voxxml: ignore VX102 --> ?>",
        "<?voxxml: ignore VX102 ?>",
        "<Say><![CDATA[ <!-- voxxml: ignore VX102 --> ]]></Say>",
    ],
)
def test_a_suppression_counts_only_in_a_real_comment(holder: str) -> None:
    source = f"<Response><Hangup/>{holder}<Say>x</Say></Response>"
    assert "VX102" in codes(source), source


def test_a_real_comment_still_suppresses() -> None:
    assert codes("<Response><Hangup/><!-- voxxml: ignore VX102 --><Say>x</Say></Response>") == []


def test_lower_case_codes_work() -> None:
    assert codes("<Response><Hangup/><!-- voxxml: ignore vx102 --><Say>x</Say></Response>") == []
    (unused,) = voxxml.parse("<Response><!-- voxxml: ignore vx102 --><Hangup/></Response>").diagnostics
    assert unused.code == "VX112" and "VX102" in unused.message


def test_an_unclosed_suppression_comment_suppresses_nothing() -> None:
    assert "VX102" in codes("<Response><Hangup/><Say>x</Say></Response><!-- voxxml: file-ignore VX102")


# --------------------------------------------------------------------------- duplicate attributes
# libxml2 reports a duplicate attribute where the start tag ends; the caret belongs on
# the second occurrence of the name.


def test_a_duplicate_attribute_is_pointed_at() -> None:
    source = '<Response>\n  <Say voice="Joanna"\n       voice="Matthew">Hi</Say>\n</Response>'
    (diagnostic,) = [d for d in voxxml.parse(source).diagnostics if d.code == "VX001"]
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_line, diagnostic.span.end_column) == (3, 8, 3, 13)
    assert "'voice'" in diagnostic.message and "twice" in diagnostic.message


def test_each_duplicate_attribute_is_pointed_at_on_one_line() -> None:
    source = '<Response><Say voice="a" language="en-US" voice="b">Hi</Say><Pause length="1" length="2"/></Response>'
    found = sorted((d.span.column, d.span.end_column) for d in voxxml.parse(source).diagnostics if d.code == "VX001")
    assert found == [(source.index('voice="b"') + 1, source.index('voice="b"') + 6), (source.index('length="2"') + 1, source.index('length="2"') + 7)]


# --------------------------------------------------------------------------- recovered trees
# After a syntax error libxml2's recovery re-nests what follows an unclosed element (an
# unclosed <Say> makes the next verb its child), and the tokenizer nests it the same way,
# so "<Gather> is not allowed inside <Say>" was reported: an error the author never wrote.


def test_no_validation_error_from_a_recovered_nesting() -> None:
    source = (
        "<Response>\n  <Gather timeout='90'><Say>Press 1</Say></Gather>\n  <Say>Hello\n"
        "  <Gather timeout='90'><Say>Press 1</Say></Gather>\n  <Hangup/>\n  <Say>Bye</Say>\n</Response>"
    )
    found = [(d.span.line, d.code) for d in voxxml.parse(source).diagnostics]
    assert found == [(2, "VX008"), (7, "VX001")], found


def test_elements_closed_as_written_are_still_validated_after_a_syntax_error() -> None:
    source = "<Response>\n  <Say voice='Jonna'>Fish &chips;</Say>\n  <Gather timeout='90'><Say>1</Say></Gather>\n</Response>"
    assert sorted((d.span.line, d.code) for d in voxxml.parse(source).diagnostics) == [(2, "VX001"), (2, "VX010"), (3, "VX008")]


def test_trusted_elements_follow_their_own_end_tags() -> None:
    from voxxml.core.source import SourceMap
    from voxxml.core.xmlparse import trusted

    source = SourceMap("<Response><If><Say>a</If><Pause/><Play>x</Response>")
    # Response closed by its own end tag; If by its own; Say by If's; Pause self-closed; Play by Response's
    assert trusted(source) == [True, True, False, True, False]


def test_cli_does_not_pass_a_broken_document_with_a_vx001_suppression(tmp_path: Path) -> None:
    path = tmp_path / "broken.voxxml"
    path.write_text("<!-- voxxml: file-ignore VX001 -->\n<Response><Say>Hi</Response>\n")
    done = subprocess.run([sys.executable, "-m", "voxxml", "lint", str(path)], capture_output=True, timeout=60)
    assert done.returncode == 1, done
    assert b"VX001" in done.stdout and b"All checks passed" not in done.stdout + done.stderr
