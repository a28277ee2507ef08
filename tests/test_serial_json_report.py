"""The JSON report writes what ``json.dumps(indent=2, ensure_ascii=False)`` writes (issue 14: without json's
pure-Python indenting encoder)."""

from __future__ import annotations

import io
import json

from hypothesis import given, strategies as st

from voxxml.lint import lint_bytes
from voxxml.reporters.json_format import dumps, report

_TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from(['"', "\\", "\n", "\x00", "\x1f", "\u2028", "é", "\ud800"]), max_size=12)
_VALUE = st.one_of(
    _TEXT,
    st.integers(-(10**20), 10**20),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False),
    st.dictionaries(_TEXT, _TEXT, max_size=3),
    st.dictionaries(_TEXT, st.integers(), max_size=2),
    st.lists(st.integers(), max_size=2),
)


@given(st.lists(st.dictionaries(_TEXT, _VALUE, max_size=6), max_size=5))
def test_dumps_writes_what_json_writes(records: list) -> None:
    assert dumps(records) == json.dumps(records, indent=2, ensure_ascii=False)


def test_the_report_of_a_lint_is_json_s_text() -> None:
    source = b'<Response><Gather numdigits="4" repeatDelay="7s"><Say>\xc3\xa9 "x"</Say></Gather><Hangup/><Say>late</Say></Response>'
    results = [lint_bytes(source, "a \u00e9.voxxml"), lint_bytes(b"<Response><Hangup/></Response>", "b.voxxml")]
    out = io.StringIO()
    report(results, out)
    records = json.loads(out.getvalue())
    assert len(records) >= 3 and any("fix" in record for record in records)
    assert out.getvalue() == json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    empty = io.StringIO()
    report([], empty)
    assert empty.getvalue() == "[]\n"
