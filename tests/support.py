"""Helpers the test files share, so each is written once: paths, the Hypothesis
example counts, the CLI runner, scratch files, and the expectations convention of
examples/broken/.

The Hypothesis profiles themselves are registered and loaded in tests/conftest.py;
``examples`` scales a count written for the default profile to the loaded one.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, settings

import voxxml
from voxxml.ast import In, Response, Var
from voxxml.hub import semantics
from voxxml.core.diagnostics import Diagnostic

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.voxxml"))  # the good examples
BROKEN = sorted((ROOT / "examples" / "broken").rglob("*.voxxml"))
ALL_EXAMPLES = sorted((ROOT / "examples").rglob("*.voxxml"))  # with examples/broken/
SEEDS = tuple(path.read_bytes() for path in ALL_EXAMPLES)  # for mutating strategies
# Examples in other dialects, read with the dialect the command line picks (.voxml: VoXML; .xml: detected).
# Kept out of the lists above: the v1 tests (strategies, simulation, compilation of v1) do not take them.
VOXML_EXAMPLES = sorted((ROOT / "examples").glob("*.voxml"))
TWIML_EXAMPLES = sorted((ROOT / "examples").glob("*.twiml"))
OTHER_BROKEN = sorted(
    [*(ROOT / "examples" / "broken").rglob("*.voxml"), *(ROOT / "examples" / "broken").rglob("*.xml"), *(ROOT / "examples" / "broken").rglob("*.twiml")]
)
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"  # other dialects' documents, beside the checkout

# --------------------------------------------------------------------------- Hypothesis

PROFILE = os.environ.get("VOXXML_HYPOTHESIS_PROFILE", "default")
LONG = PROFILE == "long"
DEFAULT_EXAMPLES = 100  # the default profile's max_examples; ``long`` has 20 times as many
SLOW = (HealthCheck.too_slow, HealthCheck.data_too_large)  # for strategies that build large inputs


def examples(n: int, *, suppress: Iterable[HealthCheck] = ()) -> settings:
    """``n`` examples under the default profile, proportionally more under the loaded one
    (``long``: 20 times); no deadline, as in the profiles."""
    scale = settings.default.max_examples / DEFAULT_EXAMPLES
    checks = list(dict.fromkeys([*settings.default.suppress_health_check, *suppress]))
    return settings(max_examples=max(1, round(n * scale)), deadline=None, suppress_health_check=checks)


# --------------------------------------------------------------------------- the CLI


def run(*args: str, stdin: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    """``voxxml ARGS`` in process; an exception inside the command fails the test."""
    from voxxml.cli import main  # here: conftest imports this module, and a broken CLI should fail only CLI tests

    return CliRunner().invoke(main, list(args), input=stdin, env=env, catch_exceptions=False)


def json_codes(result: Result) -> list[str]:
    """The codes of a ``--output-format json`` run, in output order."""
    return [record["code"] for record in json.loads(result.stdout)]


def click_values(command: Any, args: list[str], environ: dict[str, str] | None = None) -> tuple[tuple[str, ...], dict[str, object]] | None:
    """What click passes to ``command`` for ``args`` (its paths, then its other values), or None when it
    refuses them; ``environ`` None: without $VOXXML_JOBS. The fast parsers' tests compare with it."""
    import click
    from unittest import mock

    with mock.patch.dict(os.environ, environ or {}, clear=False):
        if environ is None:
            os.environ.pop("VOXXML_JOBS", None)
        try:
            context = command.make_context(command.name, list(args))
        except (click.exceptions.Exit, click.ClickException):
            return None
    values = dict(context.params)
    return tuple(values.pop("paths")), values


def write(folder: Path, name: str, text: str) -> Path:
    """``folder/name`` (``name`` may hold subfolders) holding ``text``; returns its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the library


def codes(text: str | bytes) -> list[str]:
    """The codes ``voxxml.parse`` reports (suppressions applied), in order."""
    return [d.code for d in voxxml.parse(text).diagnostics]


def diagnostics(text: str | bytes) -> list[Diagnostic]:
    """What ``voxxml.parse`` reports: the lint that fixing re-runs after each round."""
    return voxxml.parse(text).diagnostics


def parsed(text: str) -> Response:
    """The document of ``text``, which must have no error."""
    result = voxxml.parse(text)
    assert result.document is not None and not [d for d in result.diagnostics if d.severity.value == "error"], result.diagnostics
    return result.document


def observed(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the caller experiences among an EnableX executor step's actions."""
    return [action["event"] for action in actions if action["type"] == "observe"]


# --------------------------------------------------------------------------- examples/broken/ expectations
# ``<!-- expect: VX005 VX007 -->`` on a line means exactly those codes start on that line.
# Files that cannot hold a comment have a sibling ``NAME.expected`` file with ``LINE CODE`` pairs.

_EXPECT = re.compile(rb"<!--\s*expect:\s*((?:(?:V[XM]|TW)\d{3}\s*)+)-->")


def expected(path: Path) -> Counter[tuple[int, str]]:
    """The (line, code) pairs ``path`` declares."""
    sidecar = path.with_name(path.name + ".expected")
    found: Counter[tuple[int, str]] = Counter()
    if sidecar.exists():
        for row in sidecar.read_text(encoding="utf-8").split("\n"):
            if row.strip():
                line, code = row.split()
                found[(int(line), code)] += 1
        return found
    for number, line in enumerate(path.read_bytes().split(b"\n"), start=1):
        for match in _EXPECT.finditer(line):
            for code in match.group(1).split():
                found[(number, code.decode())] += 1
    return found


def gather_in(*values: str, test: str = "EQUAL") -> In:
    """The condition of VoxXML v1's ``<If variable='$GATHER' test='EQUAL' value='a|b'>`` (NOTEQUAL: negated),
    for documents built in Python: ``If([Hangup()], condition=gather_in("1", "2"))``."""
    return In(Var("GATHER"), values, negated=test == "NOTEQUAL")


def condition_values(node: Any) -> tuple[str, ...]:
    """The values an If compares its variable with (none when its condition is not such a comparison)."""
    test = semantics.tested(node.condition)
    return test[1] if test is not None else ()
