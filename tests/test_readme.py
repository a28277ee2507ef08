"""The README's transcripts are what the commands print, read from the README itself,
so a transcript added to the README is a test.

A transcript is a fenced block that either starts with ``$ voxxml ...`` (the command;
the rest of the block is its output), or follows a paragraph that ends with the
command in backticks and a colon (``... `voxxml graph FILE --format mermaid`:``), for
blocks that must stay in their own language. A line ``...`` in the output stands for
left-out lines: the pieces between such lines appear in the output in order, the first
at its start and the last at its end.

Each command runs in process from the repository root with ``NO_COLOR`` set; what it
prints to standard output and standard error, interleaved as on a terminal (standard
output only after ``2>/dev/null``), must equal the block. A file the command writes
(``-o FILE``) goes to a scratch folder instead.

The one block that is not a command's output, the worked example's walk through a plan
on hand-written webhooks, is replayed on the executor.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import NamedTuple

import pytest

import voxxml
from voxxml.targets.enablex import compile_document
from voxxml.targets.enablex.executor import Action, Execution, start, step

from support import ROOT, run

README = ROOT / "README.md"
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# The paragraph before a block ends with the command in backticks and a colon (maybe after a parenthesis).
_INTRODUCED = re.compile(r"`(voxxml [^`\n]+)`\)?:\s*\Z")
_CUT = "..."
_OUTPUT_OPTIONS = ("-o", "--output")
_NO_STDERR = "2>/dev/null"


class Transcript(NamedTuple):
    line: int  # of the README, where the block's fence opens
    command: str
    output: list[str]


def transcripts(text: str) -> list[Transcript]:
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        body = match.group(1).split("\n")[:-1]  # the block ends with a newline
        if body and body[0].startswith("$ "):
            found.append(Transcript(line, body[0][2:], body[1:]))
        elif introduced := _INTRODUCED.search(text[: match.start()]):
            found.append(Transcript(line, introduced.group(1), body))
    return found


TRANSCRIPTS = transcripts(README.read_text(encoding="utf-8"))


def shown_in(output: list[str], shown: list[str]) -> bool:
    """``output`` is ``shown``, where a line ``...`` in ``shown`` stands for any run of lines."""
    pieces = [[]]
    for row in shown:
        if row == _CUT:
            pieces.append([])
        else:
            pieces[-1].append(row)
    if len(pieces) == 1:
        return output == shown
    first, *middle, last = pieces
    if output[: len(first)] != first or (last and output[-len(last) :] != last):
        return False
    position, end = len(first), len(output) - len(last)
    for piece in middle:
        at = next((i for i in range(position, end - len(piece) + 1) if output[i : i + len(piece)] == piece), None)
        if at is None:
            return False
        position = at + len(piece)
    return position <= end


def test_the_readme_has_transcripts_and_every_one_is_read() -> None:
    """A ``$`` line anywhere but at the top of a block would be a transcript this file does not check."""
    assert {t.command.split()[1] for t in TRANSCRIPTS} >= {"lint", "simulate", "compile", "graph"}
    text = README.read_text(encoding="utf-8")
    for match in _FENCE.finditer(text):
        later = [row for row in match.group(1).split("\n")[1:] if row.startswith("$ ")]
        assert not later, f"README.md line {text.count(chr(10), 0, match.start()) + 1}: a command inside a block: {later}"
    assert all(t.command.startswith("voxxml ") for t in TRANSCRIPTS)


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=[f"line{t.line}:{t.command}" for t in TRANSCRIPTS])
def test_a_readme_transcript_is_what_the_command_prints(transcript: Transcript, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = shlex.split(transcript.command)[1:]
    stdout_only = args[-1] == _NO_STDERR
    if stdout_only:
        args.pop()
    written = [tmp_path / args[i + 1] for i, arg in enumerate(args[:-1]) if arg in _OUTPUT_OPTIONS]
    for i, arg in enumerate(args[:-1]):
        if arg in _OUTPUT_OPTIONS:
            args[i + 1] = str(tmp_path / args[i + 1])
    monkeypatch.chdir(ROOT)
    result = run(*args, env={"NO_COLOR": "1"})
    output = (result.stdout if stdout_only else result.output).replace(f"{ROOT}/", "").split("\n")
    if output[-1] == "":
        output.pop()
    assert shown_in(output, transcript.output), "\n".join(output)
    assert all(path.is_file() for path in written), written


def _shown(execution: Execution, actions: list[Action]) -> list[str]:
    """The README's notation of what the runner does after one event."""
    if not actions:
        return ["      (nothing to do)" if execution.ended else f"      (nothing to do; still in {execution.state})"]
    rows = []
    for action in actions:
        kind = action["type"]
        if kind == "request":
            body = f" {json.dumps(action['body'])}" if "body" in action else ""
            rows.append(f"   -> {action['method']} {action['path']}{body}")
        elif kind == "wait":
            rows.append(f"      wait {action['seconds']} s (timer {action['timer']})")
        elif kind == "observe":
            rows.append(f"      observe {json.dumps(action['event'])}")
        else:
            rows.append(f"      {kind}: {action['reason']}")
    return rows


def test_the_readme_webhook_walk_is_what_the_executor_does() -> None:
    """The worked example's inbound call of the Simple IVR, stepped on the README's own webhooks
    (``<- {...}``, given a ``voice_id``) and timers (``(timer n)``)."""
    text = README.read_text(encoding="utf-8")
    (walk,) = [rows for rows in (m.group(1).split("\n")[:-1] for m in _FENCE.finditer(text)) if rows[0].startswith("<- ")]
    path = ROOT / "examples" / "simple-ivr.voxxml"
    document = voxxml.parse(path.read_bytes(), str(path)).document
    assert document is not None
    plan = compile_document(document, str(path)).plan
    execution, actions = start(plan, "inbound")
    assert actions == []
    replayed: list[str] = []
    for row in walk:
        if row.startswith("<- "):
            event = {"voice_id": "call-1", **json.loads(row[3:])}
        elif timer := re.fullmatch(r"\(timer (\d+)\)", row):
            event = {"type": "timer", "timer": int(timer.group(1))}
        else:
            continue
        execution, actions = step(plan, execution, event)
        replayed += [row, *_shown(execution, actions)]
    assert replayed == walk
    assert execution.ended


@pytest.mark.parametrize(
    ("output", "shown", "matches"),
    [
        (["a", "b", "c"], ["a", "b", "c"], True),
        (["a", "b", "c"], ["a", "b"], False),
        (["a", "b", "c", "d", "e"], ["a", _CUT, "e"], True),
        (["a", "b", "c", "d", "e"], ["a", _CUT, "c", _CUT, "e"], True),
        (["a", "b", "c", "d", "e"], ["a", _CUT, "d", "c", _CUT, "e"], False),  # pieces in order
        (["a", "b", "c"], ["b", _CUT, "c"], False),  # the first piece starts the output
        (["a", "b", "c"], ["a", _CUT, "b"], False),  # the last piece ends it
        (["a", "b"], ["a", _CUT], True),
        (["a", "b"], ["a", "b", _CUT, "b"], False),  # pieces do not overlap
    ],
)
def test_left_out_lines(output: list[str], shown: list[str], matches: bool) -> None:
    assert shown_in(output, shown) is matches
