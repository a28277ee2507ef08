"""The pre-commit hooks, run by pre-commit itself with the README's snippet, word for word.

The README's `.pre-commit-config.yaml` is used as written, with two substitutions: the
repository URL becomes a local copy of this working tree, committed, and the rev that
commit (as `pre-commit try-repo` does, so uncommitted changes are tested too).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT
pytestmark = pytest.mark.slow

GOOD = "<Response>\n  <Say>Thanks for calling.</Say>\n  <Hangup/>\n</Response>\n"
BAD = "<Response>\n  <Gather numdigits='4'><Say>PIN?</Say></Gather>\n</Response>\n"
UNFORMATTED = "<Response><Say voice='Joanna'>Hi</Say><Hangup></Hangup></Response>"
OTHER_XML = "<project><name>not VoxXML</name></project>\n"
README_URL = "https://example.com/your-mirror/voxxml"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def readme_snippet() -> str:
    """The YAML block of the README's pre-commit section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### pre-commit") :]
    match = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert match is not None, "the README's pre-commit section has no yaml block"
    return match.group(1)


@pytest.fixture(scope="module")
def pre_commit() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and this repository's git checkout")
    return [sys.executable, "-m", "pre_commit"]


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory, pre_commit: list[str]) -> str:
    """The README's snippet, pointing at a committed copy of this working tree."""
    hooks = tmp_path_factory.mktemp("hook-repo")
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (hooks / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, hooks / name)
    git(hooks, "init", "-q")
    git(hooks, "add", "-A")
    git(hooks, "-c", "user.email=test@example.invalid", "-c", "user.name=test", "commit", "-q", "-m", "hooks under test")
    commit = git(hooks, "rev-parse", "HEAD").strip()
    snippet = readme_snippet()
    revs = re.findall(r"^\s*rev: (\S+)$", snippet, re.M)
    assert snippet.count(README_URL) == 1 and len(revs) == 1, snippet
    return snippet.replace(README_URL, str(hooks)).replace(f"rev: {revs[0]}", f"rev: {commit}")


def scratch(tmp_path: Path, config: str, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "config", "user.name", "test")
    files = {".pre-commit-config.yaml": config, **files}
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", ".")
    return repo


def run_hook(pre_commit: list[str], repo: Path, hook: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # One PRE_COMMIT_HOME for the session: the hook environment is built once.
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path.parent / "pre-commit-home")}
    return subprocess.run(
        [*pre_commit, "run", hook, "--all-files", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_the_readme_snippet_names_both_hooks() -> None:
    snippet = readme_snippet()
    assert re.findall(r"- id: (\S+)", snippet) == ["voxxml-lint", "voxxml-format"]
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert re.findall(r"^- id: (\S+)", hooks, re.M) == ["voxxml-lint", "voxxml-format"]


def test_lint_hook_passes_good_files_and_skips_other_xml(pre_commit: list[str], config: str, tmp_path: Path) -> None:
    repo = scratch(tmp_path, config, {"good.voxxml": GOOD, "pom.xml": OTHER_XML})
    done = run_hook(pre_commit, repo, "voxxml-lint", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_lint_hook_fails_on_a_bad_file(pre_commit: list[str], config: str, tmp_path: Path) -> None:
    repo = scratch(tmp_path, config, {"good.voxxml": GOOD, "bad.voxxml": BAD})
    done = run_hook(pre_commit, repo, "voxxml-lint", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "VX005" in done.stdout and "bad.voxxml:2:11" in done.stdout


def test_lint_hook_honours_the_configurations_exclude(pre_commit: list[str], config: str, tmp_path: Path) -> None:
    files = {"voxxml.toml": 'exclude = ["legacy/*"]\n', "legacy/old.voxxml": BAD, "good.voxxml": GOOD}
    repo = scratch(tmp_path, config, files)
    done = run_hook(pre_commit, repo, "voxxml-lint", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VX005" not in done.stdout


def test_format_hook_rewrites_and_fails_then_passes(pre_commit: list[str], config: str, tmp_path: Path) -> None:
    repo = scratch(tmp_path, config, {"ivr.voxxml": UNFORMATTED})
    first = run_hook(pre_commit, repo, "voxxml-format", tmp_path)
    assert first.returncode == 1, first.stdout + first.stderr  # files were modified
    formatted = (repo / "ivr.voxxml").read_text(encoding="utf-8")
    assert formatted.startswith("<Response>\n  <Say") and "<Hangup/>" in formatted
    git(repo, "add", ".")
    second = run_hook(pre_commit, repo, "voxxml-format", tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
