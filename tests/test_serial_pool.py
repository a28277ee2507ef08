"""What the lint's pool sends back for a clean file (``linting._packed``): the same Result, rebuilt."""

from __future__ import annotations

import dataclasses
import pickle

from voxxml.cli.linting import _RESULT_FIELDS, _packed, _unpacked
from voxxml.config import Settings
from voxxml.core.catalog import Severity
from voxxml.lint import Result, lint_bytes


def _as_the_pool_keeps_it(data: bytes, path: str, settings: Settings | None = None, dialect: str = "voxxml-v1") -> Result:
    result = lint_bytes(data, path, settings, dialect)
    result.document = None
    result.source = None
    return result


def test_a_clean_result_comes_back_equal() -> None:
    for result in (
        _as_the_pool_keeps_it(b"<Response><Hangup/></Response>", "a.voxxml"),
        _as_the_pool_keeps_it(b"<Response><Hangup/></Response>", "b.xml", Settings(fail_on=Severity.WARNING), "detect"),
        _as_the_pool_keeps_it(b"<Response><Say>hi</Say></Response>", "c.voxml", None, "voxml"),
    ):
        packed = _packed(result)
        assert packed is not None and not result.diagnostics
        rebuilt = _unpacked(pickle.loads(pickle.dumps(packed)))
        assert rebuilt == result and vars(rebuilt) == vars(result) and rebuilt.fail_on is result.fail_on


def test_anything_else_is_sent_whole() -> None:
    found = _as_the_pool_keeps_it(b'<Response><Say voice="nobody">hi</Say></Response>', "d.voxxml")
    assert found.diagnostics and _packed(found) is None
    assert _packed(None) is None
    kept = lint_bytes(b"<Response><Hangup/></Response>", "e.voxxml")  # its document (and source) still there
    assert _packed(kept) is None
    extra = _as_the_pool_keeps_it(b"<Response><Hangup/></Response>", "f.voxxml")
    extra.note = "a field Result does not have yet"  # type: ignore[attr-defined]
    assert _packed(extra) is None


def test_the_packed_fields_are_every_field_of_result() -> None:
    assert {field.name for field in dataclasses.fields(Result)} == _RESULT_FIELDS
