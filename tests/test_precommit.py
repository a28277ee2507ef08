"""The pre-commit hooks, run by pre-commit itself against a scratch repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

GOOD = "<Response>\n  <Say>Thanks for calling.</Say>\n  <Hangup/>\n</Response>\n"
BAD = "<Response>\n  <Gather numdigits='4'><Say>PIN?</Say></Gather>\n</Response>\n"
UNFORMATTED = "<Response><Say voice='Joanna'>Hi</Say><Hangup></Hangup></Response>"
OTHER_XML = "<project><name>not VoxXML</name></project>\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit() -> list[str]:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return [sys.executable, "-m", "pre_commit"]


def scratch(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "test")
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", ".")
    return repo


def try_repo(pre_commit: list[str], repo: Path, hook: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path.parent / "pre-commit-home")}
    return subprocess.run(
        [*pre_commit, "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_lint_hook_passes_good_files_and_skips_other_xml(pre_commit: list[str], tmp_path: Path) -> None:
    repo = scratch(tmp_path, {"good.voxxml": GOOD, "pom.xml": OTHER_XML})
    done = try_repo(pre_commit, repo, "voxxml-lint", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_lint_hook_fails_on_a_bad_file(pre_commit: list[str], tmp_path: Path) -> None:
    repo = scratch(tmp_path, {"good.voxxml": GOOD, "bad.voxxml": BAD})
    done = try_repo(pre_commit, repo, "voxxml-lint", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VX005" in done.stdout and "bad.voxxml:2:11" in done.stdout


def test_format_hook_rewrites_and_fails_then_passes(pre_commit: list[str], tmp_path: Path) -> None:
    repo = scratch(tmp_path, {"ivr.voxxml": UNFORMATTED})
    first = try_repo(pre_commit, repo, "voxxml-format", tmp_path)
    assert first.returncode == 1, first.stdout + first.stderr  # files were modified
    formatted = (repo / "ivr.voxxml").read_text(encoding="utf-8")
    assert formatted.startswith("<Response>\n  <Say") and "<Hangup/>" in formatted
    git(repo, "add", ".")
    second = try_repo(pre_commit, repo, "voxxml-format", tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
