"""EX204's and EX205's messages are made once per process for each (vocabulary, class, attributes written)
(``compiler._MESSAGES``). A message remembered for one dialect must never be given to another (their
attribute names differ: TwiML's statusCallback, VoxXML v1's), nor to another set of attributes: each
file's diagnostics are the same whatever was compiled before it, and the same as with nothing remembered."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings

from voxxml import pipeline
from voxxml.ast import Response
from voxxml.targets.enablex import compiler
from voxxml.targets.enablex.compiler import compile_document

import strategies as vs
from support import ALL_EXAMPLES, SHARED_CORPUS


def _documents() -> list[Response]:
    paths: list[Path] = list(ALL_EXAMPLES)
    if SHARED_CORPUS.is_dir():
        paths += sorted(SHARED_CORPUS.rglob("*.twiml")) + sorted(SHARED_CORPUS.rglob("*.xml")) + sorted(SHARED_CORPUS.rglob("*.voxml"))
    found = []
    for path in paths:
        result = pipeline.check(path.read_bytes(), str(path), flow=False, dialect="detect")
        if result.document is not None and not result.error_count:
            found.append(result.document)
    return found


def _messages(document: Response) -> list[tuple[str, int, int, str]]:
    return [(d.code, d.span.line, d.span.column, d.message) for d in compile_document(document).diagnostics]


def test_each_file_gets_its_own_messages_whatever_was_compiled_before() -> None:
    documents = _documents()
    assert len(documents) > 5
    alone = []
    for document in documents:  # nothing remembered
        compiler._MESSAGES.clear()
        alone.append(_messages(document))
    compiler._MESSAGES.clear()
    for _ in range(2):  # everything remembered, in both orders
        assert [_messages(document) for document in documents] == alone
        documents.reverse()
        alone.reverse()
    assert any(code in ("EX204", "EX205") for found in alone for code, *_ in found)  # the test reaches the memo


@settings(max_examples=100)
@given(vs.responses())
def test_a_remembered_message_is_the_one_made_afresh(document: Response) -> None:
    warm = _messages(document)
    compiler._MESSAGES.clear()
    assert _messages(document) == warm


def test_the_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiler, "_MAX_MESSAGES", 2)
    compiler._MESSAGES.clear()
    for document in _documents():
        _messages(document)
        assert len(compiler._MESSAGES) <= 2


class _Spec:
    attribute_of = {"num_digits": "maxDigits", "status_callback": "onStatus"}


class _Vocabulary:
    """A dialect that names the settings its own way."""

    def spec_of(self, node: object) -> _Spec:
        return _Spec()


class _Source:
    vocabulary = _Vocabulary()

    def element_span_dicts(self) -> list:
        return []


def test_a_message_names_the_attributes_as_its_own_dialect_writes_them() -> None:
    from voxxml.ast import Gather

    def message(gather: Gather, code: str) -> str:
        return next(d.message for d in compile_document(Response([gather])).diagnostics if d.code == code)

    default = Gather([], num_digits=2, status_callback="https://x.example/s")
    own = Gather([], num_digits=2, status_callback="https://x.example/s", source=_Source())  # type: ignore[arg-type]
    assert default.explicit == own.explicit
    for _ in range(2):  # either one remembered first
        assert message(default, "EX204").startswith("<Gather> numDigits:") and message(own, "EX204").startswith("<Gather> maxDigits:")
        assert message(default, "EX205").startswith("<Gather> statusCallback:") and message(own, "EX205").startswith("<Gather> onStatus:")
