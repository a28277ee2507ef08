"""The conversion table (``voxxml/convert/table.py``) and the README's "Converting" section.

- The README's table is what the code generates (between the ``conversion-table`` markers).
- The table says no less than the converter does: every CV code a conversion reports, on the corpus, the
  examples and generated documents, is one the table names for the element it is reported on (or for its
  parent, whose transform may report on a child), apart from the codes any element may get (CV121, a value
  the target's type refuses; CV100, a document the target refuses).
- The worked example's TwiML states (``voxxml convert ... -o DIR``, a directory, which tests/test_readme.py's
  transcripts cannot hold) are what the command writes; its other commands are README transcripts.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from voxxml import pipeline
from voxxml.convert import CODES
from voxxml.convert.table import DIALECTS, cell, codes, markdown, rows
from voxxml.convert.transforms import SOURCES
from voxxml.dialects import vocabulary_of
from voxxml.hub.nodes import Node

import test_equivalence as eq
from support import ROOT, SHARED_CORPUS, run

README = ROOT / "README.md"
START, END = "<!-- conversion-table:start -->", "<!-- conversion-table:end -->"
ANYWHERE = {"CV100", "CV121"}
_CODE = re.compile(r"CV1[0-9][0-9]")
CORPUS = sorted((SHARED_CORPUS / "twiml").glob("*.twiml")) if (SHARED_CORPUS / "twiml").is_dir() else []


def _readme_section(start: str, end: str) -> str:
    text = README.read_text(encoding="utf-8")
    assert start in text and end in text, f"README.md lacks the {start} ... {end} markers"
    return text[text.index(start) + len(start) : text.index(end)].strip("\n")


def test_the_readme_table_is_what_the_code_generates() -> None:
    assert _readme_section(START, END) == markdown().strip("\n"), "regenerate: python -c 'from voxxml.convert.table import markdown; print(markdown())'"


def test_the_table_covers_every_dialect_and_element() -> None:
    table = markdown()
    for source, title in DIALECTS.items():
        assert f"From {title}:" in table
        for name in rows(source):
            assert f"| `{name}` |" in table
    assert cell("twiml", "voxxml-v1", "Gather").startswith("rewritten") and "CV120" in cell("twiml", "voxxml-v1", "Gather")
    assert cell("twiml", "voxml", "Connect") == "no (CV101)"  # VoXML's Connect reads into another hub class
    assert cell("voxxml-v1", "voxml", "Hangup") == "yes"
    assert "`hints`" in cell("twiml", "voxml", "Gather")  # a setting with no place anywhere in VoXML


def test_codes_are_read_from_the_transform_and_what_it_calls() -> None:
    from voxxml.convert import from_twiml

    assert codes(from_twiml._gather_v1) == ["CV120"]  # reported in _redirect_to, which it calls
    assert codes(from_twiml._number_voxml) == []
    assert "twiml" in SOURCES


def _allowed(source: str, target: str, node: Node | None) -> set[str]:
    if node is None:
        return set(CODES)
    try:
        name = vocabulary_of(node).spec_of(node).name
    except KeyError:
        return set(CODES)
    return set(_CODE.findall(cell(source, target, name))) if name in rows(source) or name in vocabulary_of(node).elements else set()


def _reported_on(document: Any, line: int, column: int) -> tuple[Node | None, Node | None]:
    """The innermost element whose span holds a position, and its parent."""
    found: tuple[Node | None, Node | None] = (None, None)
    stack: list[tuple[Node, Node | None]] = [(verb, None) for verb in document.verbs]
    while stack:
        node, parent = stack.pop()
        span = node.span
        if span is not None and (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column):
            found = (node, parent)
            stack = [(child, node) for child in node.children]
    return found


def _check_said(source_dialect: str, data: bytes, target: str) -> None:
    checked = pipeline.check(data, "<t>", dialect=source_dialect)
    result = pipeline.convert(data, "<t>", target, dialect=source_dialect)
    if checked.document is None or checked.error_count:
        return
    family = "twiml" if source_dialect in ("twiml", "texml", "cxml") else source_dialect
    for found in result.diagnostics:
        if found.code not in CODES or found.code in ANYWHERE:
            continue
        node, parent = _reported_on(checked.document, found.span.line, found.span.column)
        allowed = _allowed(family, target, node) | _allowed(family, target, parent)
        assert found.code in allowed, (found.code, found.message, node and node.TAG)


@pytest.mark.skipif(not CORPUS, reason="the TwiML corpus is not at ../shared/corpus/twiml beside the checkout")
@pytest.mark.parametrize("target", ["voxxml-v1", "voxml"])
def test_the_table_names_every_code_the_corpus_gets(target: str) -> None:
    for path in CORPUS:
        _check_said("twiml", path.read_bytes(), target)


def test_the_table_names_every_code_the_examples_get() -> None:
    for path in sorted((ROOT / "examples").glob("*.vox*ml")):
        dialect = "voxml" if path.suffix == ".voxml" else "voxxml-v1"
        for target in DIALECTS:
            if target != dialect:
                _check_said(dialect, path.read_bytes(), target)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(eq.ivr_documents())
def test_the_table_names_every_code_generated_documents_get(document: Any) -> None:
    data = document.to_xml().encode("utf-8")
    for target in ("voxml", "twiml"):
        _check_said("voxxml-v1", data, target)


# ------------------------------------------------------------------------ the worked example


def test_the_worked_example_states_are_what_convert_writes(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    shown = re.search(r"<!-- simple-ivr-states -->\n```xml\n(.*?)```", text, re.DOTALL)
    assert shown is not None, "README.md lacks the worked example's states block"
    written = run("convert", str(ROOT / "examples" / "simple-ivr.voxxml"), "--to", "twiml", "-o", f"{tmp_path}/ivr/")
    assert written.exit_code == 0, written.output
    assert (tmp_path / "ivr" / "start.twiml").read_text(encoding="utf-8") == shown.group(1)
    files = sorted(p.name for p in (tmp_path / "ivr").iterdir())
    assert f"`{'`, `'.join(files)}`" in text  # the README names the files the command writes
