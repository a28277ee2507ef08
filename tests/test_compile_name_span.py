"""The compiler's name span (``Compiler.name_span``: from the state's span dict and a name pattern, no binary
searches) is the source's own (``SourceMap.name_span``) for every element, however the XML is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

import voxxml
from voxxml import pipeline
from voxxml.targets.enablex.compiler import Compiler

import strategies as vs
from support import ALL_EXAMPLES, SHARED_CORPUS, examples


def _assert_same_name_spans(document, source) -> None:
    compiler = Compiler("<test>", 10)
    nodes = [node for node in document.walk() if node.index is not None]
    assert nodes
    for node in nodes:
        assert compiler.name_span(node) == source.name_span(node.index), (node.TAG, node.index)


@examples(100)
@given(vs.written_documents())
def test_every_way_of_writing_an_element_gives_the_sources_name_span(text: str) -> None:
    result = voxxml.parse_bytes(text.encode("utf-8"), "<test>")
    assert result.document is not None and result.source is not None
    _assert_same_name_spans(result.document, result.source)


def _documents() -> list[Path]:
    found = list(ALL_EXAMPLES)
    if SHARED_CORPUS.is_dir():  # TwiML and VoXML written by others (skipped when the corpus is absent)
        found += sorted(SHARED_CORPUS.rglob("*.twiml")) + sorted(SHARED_CORPUS.rglob("*.xml"))
    return found


@pytest.mark.parametrize("path", _documents(), ids=lambda path: path.name)
def test_the_examples_and_the_shared_corpus_give_the_sources_name_span(path: Path) -> None:
    result = pipeline.check(path.read_bytes(), str(path), flow=False, dialect="detect")
    if result.document is None or result.source is None:
        pytest.skip(f"{path.name}: no document")
    _assert_same_name_spans(result.document, result.source)
