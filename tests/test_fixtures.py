"""Golden tests: every file in examples/broken/ yields exactly the diagnostics it declares,
and the good examples lint clean."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from voxxml.core.catalog import rules
from voxxml.config import Resolver
from voxxml.lint import lint_file

from voxxml.cli.commands import reading

from support import BROKEN, EXAMPLES as GOOD, OTHER_BROKEN, ROOT, expected


def actual(path: Path) -> Counter[tuple[int, str]]:
    """Lint as the CLI does: with the nearest configuration (the conference/ and participant/ folders set a
    context) and the dialect the CLI picks (by suffix; a .xml file's detected)."""
    settings = Resolver().for_path(path)
    return Counter((d.span.line, d.code) for d in lint_file(path, settings, reading(path, settings)).diagnostics)


@pytest.mark.parametrize("path", BROKEN + OTHER_BROKEN, ids=lambda p: p.relative_to(ROOT / "examples" / "broken").as_posix())
def test_broken_file_matches_its_expectations(path: Path) -> None:
    wanted = expected(path)
    assert wanted, f"{path.name} declares no expectations"
    got = actual(path)
    assert got == wanted, f"missing: {sorted((wanted - got).elements())}, unexpected: {sorted((got - wanted).elements())}"


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_examples_lint_clean(path: Path) -> None:
    result = lint_file(path)
    assert result.diagnostics == []
    assert result.document is not None


def test_examples_include_the_reference_ivrs_and_realistic_ones() -> None:
    names = {p.name for p in GOOD}
    assert {"simple-ivr.voxxml", "complex-ivr.voxxml"} <= names
    assert len(names) >= 5


def test_every_lint_code_is_exercised_by_a_fixture() -> None:
    produced = {code for path in BROKEN + OTHER_BROKEN for (_, code) in actual(path)}
    lint_codes = {code for code in rules() if code.startswith(("VX", "VM"))}
    assert lint_codes <= produced, f"no fixture produces {sorted(lint_codes - produced)}"
