"""The wheel ships grammar/ and rules/ and works on its own, away from the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import ROOT

pytestmark = pytest.mark.slow


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    done = run([sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)], cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("voxxml-*.whl")
    return built


def test_wheel_contains_the_language_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "voxxml/grammar/voxxml-v1/vocabulary.toml" in names
    assert "voxxml/grammar/voxxml-v1/polly-voices.json" in names
    assert {f"voxxml/grammar/voxxml-v1/{g}.lark" for g in ("e164", "if_value", "say_template", "finish_on_key", "keyword_list")} <= names
    pages = {p.name for p in (ROOT / "rules").glob("*.md")}
    assert {f"voxxml/rules/{p}" for p in pages} <= names


def test_installed_wheel_lints_the_examples_from_elsewhere(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path).returncode == 0
    python, voxxml = venv / "bin" / "python", venv / "bin" / "voxxml"
    install = run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
    assert install.returncode == 0, install.stdout + install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run([str(python), "-c", "from voxxml.core.resources import data_dir; print(data_dir('grammar'))"], cwd=elsewhere)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr
    good = sorted(str(p) for p in (ROOT / "examples").glob("*.voxxml"))
    clean = run([str(voxxml), "lint", *good], cwd=elsewhere)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"All checks passed: {len(good)} files" in clean.stdout
    broken = run([str(voxxml), "lint", "--format", "json", str(ROOT / "examples" / "broken")], cwd=elsewhere)
    assert broken.returncode == 1 and '"code": "VX007"' in broken.stdout
