"""The language server publishes what `voxxml lint` reports: the same codes, ranges, messages and
fixes, for good and broken documents of every dialect and for text whose UTF-16 columns differ
from its characters. The server builds its diagnostics' JSON directly (``analysis.to_json``); that
JSON is also compared with what pygls's converter makes of the lsprotocol objects it replaced."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from hypothesis import given, strategies as st  # noqa: E402
from pygls.protocol import default_converter  # noqa: E402

from voxxml import pipeline  # noqa: E402
from voxxml.config import Settings  # noqa: E402
from voxxml.lsp.analysis import dialect_for, lint_text, to_json, to_lsp  # noqa: E402
from voxxml.lsp.positions import UTF8, UTF16, UTF32, LineIndex  # noqa: E402

from support import ALL_EXAMPLES, OTHER_BROKEN, TWIML_EXAMPLES, VOXML_EXAMPLES, examples  # noqa: E402
from test_lsp import RawServer, _published  # noqa: E402

# Multi-byte text: astral characters (two UTF-16 units), combining marks, CJK, CRLF line ends; each
# with findings after the wide characters on the same line.
WIDE = {
    "astral.voxxml": "<Response>\n  <Say>😀😀 $GATHR</Say> <say>🎉</say>\n  <Gather numdigits='4' timeout='90'><Say>PIN 𝄞</Say></Gather>\n</Response>\n",
    "cjk.voxxml": "<Response>\r\n  <Say voice='Jonna'>你好，世界 $GATHR</Say>\r\n  <Pause length='-1'/><Sya>é</Sya>\r\n</Response>\r\n",
    "combining.voxxml": "<Response>\n  <Say loop='x'>e\u0301e\u0301 😀</Say><Hangup/><Say>after</Say>\n</Response>\n",
    "unclosed.voxxml": "<Response>\n  <Say>😀 unclosed\n  <Gather numdigits='4'>\n</Response>\n",
    "suppressed.voxxml": "<Response>\n  <!-- voxxml: ignore VX005 -->\n  <Gather numdigits='4'/>\n  <!-- voxxml: ignore VX103 😀 -->\n  <Say>ok</Say>\n</Response>\n",
}


def _utf8_text(path: Path) -> str | None:
    """The file as editor text, if an editor would show exactly its bytes: UTF-8, no BOM, no other
    declared encoding (the command line and the server differ there by design: the server lints text)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = text[:200].lower()
    if text.startswith("\ufeff") or "\x00" in text or ("encoding=" in head and "utf-8" not in head):
        return None
    return text


def documents() -> dict[str, str]:
    found = {}
    for path in [*ALL_EXAMPLES, *OTHER_BROKEN, *VOXML_EXAMPLES, *TWIML_EXAMPLES]:
        if path.suffix == ".xml":  # the command line detects a .xml file's dialect; the server goes by the suffix (docs/architecture.md)
            continue
        text = _utf8_text(path)
        if text is not None:
            found[path.relative_to(path.parents[1] if path.parent.name == "broken" else path.parent).as_posix().replace("/", "-")] = text
    return {**found, **WIDE}


def lsp_range(index: LineIndex, line: int, column: int, end_line: int, end_column: int) -> dict:
    """A command-line span (1-based lines, columns counted in characters) as an LSP range in UTF-16."""

    def offset(line: int, column: int) -> int:
        return index.starts[line - 1] + column - 1

    return index.range_json(offset(line, column), offset(end_line, end_column))


def expected_from_cli(report: list[dict], text: str) -> list[dict]:
    index = LineIndex(text, UTF16)
    expected = []
    for item in report:
        message = item["message"] + (f"\nhelp: {item['help']}" if item.get("help") else "")
        diagnostic = {
            "range": lsp_range(index, item["line"], item["column"], item["end_line"], item["end_column"]),
            "message": message,
            "severity": 1 if item["severity"] == "error" else 2,
            "code": item["code"],
            "source": "voxxml",
        }
        if item["code"] in ("VX102", "VX106", "VX112"):
            diagnostic["tags"] = [1]
        diagnostic["data"] = {"name": item["name"], "help": item.get("help")}
        expected.append(diagnostic)
    return expected


def test_the_server_publishes_what_voxxml_lint_reports(tmp_path: Path) -> None:
    texts = documents()
    assert len(texts) >= 30 and any(not text.isascii() for text in texts.values())
    paths = {}
    for name, text in texts.items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        paths[name] = path
    run = subprocess.run(
        [sys.executable, "-m", "voxxml", "lint", "--format", "json", *map(str, paths.values())],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert run.returncode in (0, 1), run.stderr
    report: dict[str, list[dict]] = {str(path): [] for path in paths.values()}
    for item in json.loads(run.stdout):
        report[item["path"]].append(item)
    assert sum(map(len, report.values())) >= 100  # most documents have findings

    server = RawServer()
    try:
        server.initialize()
        broken = 0
        for name, text in texts.items():
            uri = paths[name].as_uri()
            server.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "voxxml", "version": 1, "text": text}}})
            message, seen = server.until(_published(uri))
            assert message is not None, (name, seen)
            published = message["params"]["diagnostics"]
            assert published == expected_from_cli(report[str(paths[name])], text), name
            broken += bool(published)
        assert broken >= 25
    finally:
        server.close()


def test_after_an_incremental_change_the_server_publishes_what_voxxml_lint_reports_of_the_edited_text(tmp_path: Path) -> None:
    text = WIDE["astral.voxxml"]
    edited = text.replace("😀😀 $GATHR", "😀😀 $GATHRR 😀", 1).replace("numdigits", "numDigts", 1)
    path = tmp_path / "edited.voxxml"
    path.write_bytes(edited.encode("utf-8"))
    run = subprocess.run([sys.executable, "-m", "voxxml", "lint", "--format", "json", str(path)], capture_output=True, text=True, cwd=tmp_path)
    expected = expected_from_cli(json.loads(run.stdout), edited)
    assert expected
    server = RawServer()
    try:
        server.initialize()
        uri = path.as_uri()
        server.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "voxxml", "version": 1, "text": text}}})
        assert server.until(_published(uri))[0] is not None
        # two incremental changes, positions in UTF-16 units: after '😀😀 $GATHR' (line 1) and 'numdigits' (line 2)
        changes = [
            {"range": {"start": {"line": 1, "character": 18}, "end": {"line": 1, "character": 18}}, "text": "R 😀"},
            {"range": {"start": {"line": 2, "character": 10}, "end": {"line": 2, "character": 19}}, "text": "numDigts"},
        ]
        server.send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}})
        message, seen = server.until(lambda m: _published(uri)(m) and m["params"].get("version") == 2)
        assert message is not None, seen
        assert message["params"]["diagnostics"] == expected
    finally:
        server.close()


def test_code_actions_carry_the_fixes_voxxml_lint_applies(tmp_path: Path) -> None:
    """Every fix and suggestion of the library's run (what `voxxml lint` and --fix use), as a code action of
    the same title and the same edits, placed in UTF-16 units."""
    server = RawServer()
    checked = 0
    try:
        server.initialize()
        for name, text in documents().items():
            path = tmp_path / name
            result = pipeline.run(text.encode("utf-8"), str(path), Settings(), dialect=dialect_for(str(path)))
            fixed = [d for d in result.diagnostics if d.fix is not None or d.suggestion is not None]
            if not fixed:
                continue
            uri = path.as_uri()
            server.send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "voxxml", "version": 1, "text": text}}})
            message, _ = server.until(_published(uri))
            assert message is not None
            index = LineIndex(text, UTF16)
            for diagnostic in fixed:
                start, end = result.source.offsets(diagnostic.span)
                server.send(
                    {
                        "id": 10_000 + checked,
                        "method": "textDocument/codeAction",
                        "params": {"textDocument": {"uri": uri}, "range": index.range_json(start, end), "context": {"diagnostics": []}},
                    }
                )
                reply, seen = server.until(lambda m, n=10_000 + checked: m.get("id") == n)
                assert reply is not None, seen
                offered = {action["title"]: action for action in reply["result"] or []}
                for fix in (diagnostic.fix, diagnostic.suggestion):
                    if fix is None:
                        continue
                    assert fix.title in offered, (name, diagnostic.code, fix.title, list(offered))
                    action = offered[fix.title]
                    want = [{"range": index.range_json(e.start, e.end), "newText": e.text} for e in sorted(fix.edits, key=lambda e: (e.start, e.end, e.text))]
                    assert action["edit"]["changes"][uri] == want, (name, fix.title)
                    assert bool(action.get("isPreferred")) == (fix.safe and fix is diagnostic.fix or (fix is diagnostic.suggestion and diagnostic.code == "VX112"))
                    assert action["diagnostics"][0]["code"] == diagnostic.code
                checked += 1
        assert checked >= 20
    finally:
        server.close()


# ------------------------------------------------------------------ to_json is the converter's JSON


def _converter_json(text: str, encoding: str) -> tuple[list[dict], list[dict]]:
    index = LineIndex(text, encoding)
    findings = lint_text(text, "doc.voxxml", Settings(), index)
    converter = default_converter()
    return [to_json(f, index) for f in findings], [converter.unstructure(to_lsp(f, index)) for f in findings]


@pytest.mark.parametrize("encoding", [UTF16, UTF8, UTF32])
def test_to_json_is_what_the_converter_made_of_the_lsprotocol_diagnostic(encoding: str) -> None:
    texts = list(documents().values()) + [
        "\ufeff<?xml version='1.0' encoding='ISO-8859-1'?>\n<Response><Say voice='Jonna'>é 😀</Say></Response>",
        "<Response><Say>\x00</Say></Response>",
        "<Response><Say>\ud800</Say></Response>",
        "not xml at all 😀",
        "",
    ]
    compared = 0
    for text in texts:
        direct, converted = _converter_json(text, encoding)
        assert direct == converted
        assert json.dumps(direct) == json.dumps(converted)  # the same keys in the same order
        compared += len(direct)
    assert compared >= 100


@given(st.text(alphabet=st.sampled_from(list("<>/='\" \n\r\tSayGthrRpons$éé😀你&;")), max_size=120))
@examples(200)
def test_to_json_is_what_the_converter_made_of_any_text(text: str) -> None:
    direct, converted = _converter_json("<Response>" + text, UTF16)
    assert direct == converted
