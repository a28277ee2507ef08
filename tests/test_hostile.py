"""Hostile and malformed input: a clear VX001, the right exit status, never a traceback,
and nothing read because a document says so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import voxxml

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
