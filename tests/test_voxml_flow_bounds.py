"""The VoXML flow rules' "did you mean" searches are bounded per document, so the rules stay linear
(each search compares with every candidate name: unbounded, n findings over n names are quadratic)."""

from __future__ import annotations

import voxxml
from voxxml.checks.context import SUGGESTIONS


def _unread_sets_and_unset_reads(n: int) -> bytes:
    sets = [f'<Set output="account{i}x">1</Set>' for i in range(n)]
    reads = [f"<Say>${{account{i}y}}</Say>" for i in range(n)]
    return "\n".join(["<Response>", *sets, *reads, "</Response>"]).encode()


def test_vx115_names_a_close_read_for_the_first_findings_only() -> None:
    n = SUGGESTIONS + 20
    found = voxxml.lint_bytes(_unread_sets_and_unset_reads(n), "<bounds>", dialect="voxml").diagnostics
    unread = [d for d in found if d.code == "VX115"]
    assert len(unread) == n  # every unread Set is reported
    hinted = [d for d in unread if "did you mean to read it where" in d.message]
    assert len(hinted) == SUGGESTIONS
    assert "${account0y}" in unread[0].message  # the hint names the close read


def test_vx114_did_you_mean_is_bounded_too() -> None:
    n = SUGGESTIONS + 20
    found = voxxml.lint_bytes(_unread_sets_and_unset_reads(n), "<bounds>", dialect="voxml").diagnostics
    unset = [d for d in found if d.code == "VX114"]
    assert len(unset) == n
    assert sum("did you mean" in d.message for d in unset) == SUGGESTIONS
