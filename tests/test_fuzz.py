"""Fuzzing (Hypothesis): every entry point is total on hostile input.

Random bytes, mutated examples, huge attributes, deep nesting and documents in mixed
encodings and byte-order marks go through the full lint (with and without the flow
analysis), the formatter and ``--fix`` (unsafe fixes too). None may raise (the
formatter's refusal, FormatError, is its answer), none may take more than a few
seconds (an alarm fails the example), and what they produce stays bounded by the
input: a number of diagnostics, their messages, the formatted and fixed text.

test_properties.py holds the parser's finer invariants (spans, round trips); this
file is about surviving. ``VOXXML_HYPOTHESIS_PROFILE=long`` runs 20 times the examples.
"""

from __future__ import annotations

import codecs
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import strategies as vs
from support import SEEDS, SLOW, diagnostics, examples
import voxxml
from voxxml.core.catalog import rules
from voxxml.core.fixes import fix_text
from voxxml.dialects.voxxml_v1.formatter import FormatError, format_source
from voxxml.lint import parse_bytes

SECONDS = 20  # per example, for all four entry points together (the slowest takes well under 1 s)



def fuzz(n: int) -> settings:
    return examples(n, suppress=SLOW)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (not hang) if the body runs longer than ``seconds``."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def survive(data: bytes) -> None:
    """Every entry point on ``data``: no exception, no hang, bounded output."""
    size = len(data) + 1
    with time_limit(SECONDS):
        linted = voxxml.parse(data)
        unflowed = parse_bytes(data, flow=False)
        try:
            formatted: str | None = format_source(data).formatted
        except FormatError as refusal:
            formatted = None
            assert refusal.diagnostics and all(d.code == "VX001" for d in refusal.diagnostics)
        text = linted.source.text if linted.source is not None else None
        fixed = fix_text(text, diagnostics, unsafe=True) if text is not None else None
    for result in (linted, unflowed):
        count = len(result.diagnostics)
        assert count <= size + 25, count
        words = sum(len(d.message) + len(d.help or "") for d in result.diagnostics)
        assert words <= 2_000 * count + 8 * size, (count, words)
        assert sum(d.code == "VX001" for d in result.diagnostics) <= 25
    if formatted is not None:
        # indentation grows with depth, and depth is capped (256 levels)
        assert len(formatted) <= 600 * size, (len(formatted), size)
    if fixed is not None and text is not None:
        assert len(fixed.text) <= 2 * len(text) + 1_000
        assert len(fixed.applied) <= size


# --------------------------------------------------------------------------- inputs


@st.composite
def huge_attributes(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(["voice", "language", "timeout", "a" * draw(st.integers(1, 5000)), "numDigits"]))
    value = draw(st.sampled_from(["x", "9", "&amp;", " ", "$GATHER", "Jonna"])) * draw(st.integers(1, 5000))
    quote = draw(st.sampled_from(["'", '"', ""]))
    element = draw(st.sampled_from(["Say", "Gather", "Pause", "If"]))
    if draw(st.integers(0, 3)) == 0:  # a bare run of name characters beside a bad attribute
        return f"<Response><{element} voice='Jonna' {name}>x</{element}></Response>".encode()
    return f"<Response><{element} {name}={quote}{value}{quote}>x</{element}></Response>".encode()


@st.composite
def deep_documents(draw: st.DrawFn) -> bytes:
    depth = draw(st.integers(1, 400))
    opener = draw(st.sampled_from(["<If variable='$GATHER' test='EQUAL' value='1'>", "<Gather>", "<Say>", "<x>"]))
    closer = "</" + opener[1:].split(" ")[0].rstrip(">") + ">"
    closes = draw(st.integers(0, depth))
    return ("<Response>" + opener * depth + "<Hangup/>" + closer * closes + "</Response>").encode()


_BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE]
_CODECS = ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "latin-1", "cp1252", "utf-7"]


@st.composite
def mixed_encodings(draw: st.DrawFn) -> bytes:
    text, _ = draw(vs.vocabulary_documents(max_depth=2))
    declared = draw(st.sampled_from(["", "UTF-8", "UTF-16", "UTF-32", "ISO-8859-1", "ascii", "klingon"]))
    prolog = f"<?xml version='1.0' encoding='{declared}'?>" if declared else ""
    body = (prolog + text.lstrip("\ufeff")).encode(draw(st.sampled_from(_CODECS)), errors="replace")
    data = draw(st.sampled_from(_BOMS)) + body
    if draw(st.booleans()):  # a second document's bytes in another encoding, spliced in
        other = text.encode(draw(st.sampled_from(_CODECS)), errors="replace")
        at = draw(st.integers(0, len(data)))
        data = data[:at] + other[: draw(st.integers(0, len(other)))] + data[at:]
    return data


# --------------------------------------------------------------------------- the fuzz tests


@fuzz(150)
@given(st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    survive(data)


@fuzz(150)
@given(vs.mutated(SEEDS))
def test_mutated_examples(data: bytes) -> None:
    survive(data)


@fuzz(40)
@given(huge_attributes())
def test_huge_attributes(data: bytes) -> None:
    survive(data)


@fuzz(30)
@given(deep_documents())
def test_deep_nesting(data: bytes) -> None:
    survive(data)


@fuzz(120)
@given(mixed_encodings())
def test_mixed_encodings_and_byte_order_marks(data: bytes) -> None:
    survive(data)


@fuzz(60)
@given(st.lists(st.sampled_from(SEEDS), min_size=1, max_size=4), st.sampled_from(_BOMS), st.binary(max_size=20))
def test_concatenated_documents(parts: list[bytes], bom: bytes, glue: bytes) -> None:
    survive(bom + glue.join(parts))


# The UTF-32 byte-order mark was read as UTF-16's, and the DOCTYPE check looked at
# garbage. Whatever the encoding libxml2 reads, a DOCTYPE is refused, and located.
_READABLE = [
    (codecs.BOM_UTF8, "utf-8"),
    (b"", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (b"", "utf-32-le"),
    (b"", "utf-32-be"),
]


@fuzz(80)
@given(vs.vocabulary_documents(max_depth=2), st.sampled_from(_READABLE), st.sampled_from(["", "\n", "<!-- c -->\n"]))
def test_a_doctype_is_refused_in_every_encoding(doc: tuple[str, str], encoding: tuple[bytes, str], before: str) -> None:
    text, root = doc
    body = text.lstrip("\ufeff")
    if body.startswith("<?xml"):
        body = body.split("?>", 1)[1]
    declaration = "<?xml version='1.0'?>"
    document = f"{declaration}{before}<!DOCTYPE {root} [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>{body}"
    bom, codec = encoding
    result = voxxml.parse(bom + document.encode(codec))
    (refusal,) = [d for d in result.diagnostics if d.code == "VX001"]
    assert "DOCTYPE" in refusal.message and result.document is None
    line = 1 + before.count("\n")
    column = 1 + (len(declaration) if line == 1 else 0) + (len(before) if not before.count("\n") else 0)
    assert (refusal.span.line, refusal.span.column) == (line, column), (document, refusal)


def test_real_documents_of_other_dialects_survive(shared_corpus: Path) -> None:
    """TwiML and current-VoXML documents nobody on this project wrote (../shared/corpus):
    each is read, gets only catalogued codes, and survives every entry point."""
    paths = sorted(p for p in shared_corpus.rglob("*") if p.is_file() and p.suffix != ".md")
    assert paths
    catalogue = rules()
    for path in paths:
        data = path.read_bytes()
        result = voxxml.parse(data, str(path))
        assert result.document is not None or any(d.code == "VX001" for d in result.diagnostics), path
        assert {d.code for d in result.diagnostics} <= set(catalogue), path
        survive(data)
