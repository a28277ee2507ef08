"""How ``voxxml compile DIR -o OUTDIR`` writes and counts (``cli/compiling.py``), where issue 14's seventh round made
it cheaper: a plan's folder known by its name (``-o .`` too), a short write finished, the counts of the summary
taken in C."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from voxxml.cli import compiling as compile_cli

from support import run, write

WARNS = "<Response><Gather numDigits='1'><Say>Press 1</Say></Gather><Say>Bye</Say></Response>\n"  # an EX204 warning
ERRORS = "<Response>\n  <Gather numdigits='4'><Say>PIN</Say></Gather>\n</Response>\n"  # VX005: not compiled
COMPILE = ("compile", "--target", "enablex")


def test_plans_into_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.voxxml", WARNS)
    write(tmp_path, "sub/b.voxxml", WARNS)
    monkeypatch.chdir(tmp_path)
    result = run(*COMPILE, ".", "-o", ".")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "a.json").is_file() and (tmp_path / "sub" / "b.json").is_file()


def test_a_short_write_is_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "src", "a.voxxml", WARNS)
    write(tmp_path / "src", "b.voxxml", WARNS)
    assert run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "whole")).exit_code == 0
    real = os.write
    monkeypatch.setattr(compile_cli.os, "write", lambda fd, data: real(fd, bytes(data[:100])))  # 100 bytes a call
    assert run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "short")).exit_code == 0
    for name in ("a.json", "b.json"):
        assert (tmp_path / "short" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
        assert len((tmp_path / "whole" / name).read_bytes()) > 100


def test_the_summary_counts_errors_warnings_and_files(tmp_path: Path) -> None:
    write(tmp_path / "src", "a.voxxml", WARNS)
    write(tmp_path / "src", "b.voxxml", WARNS)
    write(tmp_path / "src", "c.voxxml", ERRORS)
    result = run(*COMPILE, str(tmp_path / "src"), "-o", str(tmp_path / "out"))
    warnings = result.stderr.count(": EX204 ")
    errors = result.stderr.count(": VX005 ")
    assert (warnings, errors) == (2, 1)
    assert result.stderr.endswith(
        f"Compiled 2 of 3 files into {tmp_path / 'out'} (1 not compiled: errors). Found 1 error and 2 warnings in 3 files.\n"
    )
    assert result.exit_code == 1
