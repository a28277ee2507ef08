"""The mypyc-compiled build behaves exactly as the pure-Python one (its fallback and its source).

Built once per session (``compiled.build`` at gcc -O0: about a minute), then: the listed modules
really are C extensions; ``lint``, ``compile`` and ``simulate`` print the same bytes and exit with
the same status on the examples, the shared corpus and a generated corpus with planted mistakes;
and the flow, dialect, span, compiler, differential and hostile-input tests pass against it. These are what could
differ: mypyc checks at run time the types the annotations promise, of arguments and of attributes
read from the hub's (uncompiled) node classes, so an annotation that lies is a TypeError there
(``Gather.num_digits`` said ``int`` and is None in VoXML: this test found it); and compiled code
does not guard C recursion the way the interpreter does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import compiled
from support import ROOT, SHARED_CORPUS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) to build the mypyc extensions with")
    return compiled.build(tmp_path_factory.mktemp("compiled") / "venv", opt_level="0")


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "VOXXML_JOBS")}


def _voxxml(python: Path | None, args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``voxxml ARGS`` from the compiled environment, or from the interpreter running the tests (None)."""
    command = [str(python.parent / "voxxml")] if python is not None else [sys.executable, "-m", "voxxml"]
    return subprocess.run(command + args, cwd=cwd, capture_output=True, env=_env(), timeout=600)


def test_the_listed_modules_are_extensions(python: Path, tmp_path: Path) -> None:
    modules = compiled.compiled_modules()
    assert "voxxml.dialects.common.reader" in modules and "voxxml.analysis.states" in modules
    probe = "import importlib, sys\nfor name in sys.argv[1:]:\n    print(importlib.import_module(name).__file__)"
    done = subprocess.run([str(python), "-c", probe, *modules], cwd=tmp_path, capture_output=True, text=True, env=_env())
    assert done.returncode == 0, done.stderr
    files = done.stdout.split()
    assert len(files) == len(modules)
    assert all(f.endswith(sysconfig.get_config_var("EXT_SUFFIX")) for f in files), files
    assert all(Path(f).is_relative_to(python.parents[1]) for f in files), files


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """150 generated IVRs (5% with a planted mistake) and their VoXML versions, as the benchmarks make them."""
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    from corpus import corpus_ivr

    from voxxml.pipeline import convert

    folder = tmp_path_factory.mktemp("generated")
    (folder / "v1").mkdir()
    (folder / "voxml").mkdir()  # apart: compile mirrors the tree, and ivr-000.voxxml and ivr-000.voxml would share a plan
    for index in range(150):
        source = corpus_ivr(7, index, mistake_rate=0.05).text
        (folder / "v1" / f"ivr-{index:03d}.voxxml").write_text(source, encoding="utf-8")
        upgraded = convert(source.encode("utf-8"), f"ivr-{index:03d}.voxxml", "voxml")
        if upgraded.output is not None:
            (folder / "voxml" / f"ivr-{index:03d}.voxml").write_text(upgraded.output, encoding="utf-8")
    return folder


def _folders(generated: Path) -> list[Path]:
    folders = [ROOT / "examples", ROOT / "examples" / "broken", generated]
    folders += [SHARED_CORPUS / name for name in ("twiml", "voxml") if (SHARED_CORPUS / name).is_dir()]
    return folders


# -j 2: results cross a pipe from a worker, pickled (a compiled class must pickle); the text format sends source maps.
@pytest.mark.parametrize(("format", "jobs"), [("json", "1"), ("text", "2")])
def test_lint_prints_the_same_bytes(python: Path, generated: Path, tmp_path: Path, format: str, jobs: str) -> None:
    for folder in _folders(generated):
        args = ["lint", "-j", jobs, "--format", format, str(folder)]
        pure, fast = _voxxml(None, args, tmp_path), _voxxml(python, args, tmp_path)
        assert (fast.returncode, fast.stdout, fast.stderr) == (pure.returncode, pure.stdout, pure.stderr), folder
        assert pure.returncode in (0, 1) and pure.stdout, folder


def test_compile_writes_the_same_plans(python: Path, generated: Path, tmp_path: Path) -> None:
    for name, python_used in (("pure", None), ("compiled", python)):
        done = _voxxml(python_used, ["compile", "--target", "enablex", str(generated), "-o", str(tmp_path / name)], tmp_path)
        assert done.returncode in (0, 1), done.stderr
    pure = sorted(p.relative_to(tmp_path / "pure") for p in (tmp_path / "pure").rglob("*") if p.is_file())
    fast = sorted(p.relative_to(tmp_path / "compiled") for p in (tmp_path / "compiled").rglob("*") if p.is_file())
    assert pure == fast and len(pure) >= 100
    assert all((tmp_path / "pure" / p).read_bytes() == (tmp_path / "compiled" / p).read_bytes() for p in pure)


def test_simulate_traces_the_same(python: Path, tmp_path: Path) -> None:
    for example in sorted((ROOT / "examples").glob("*.vox*ml")):
        args = ["simulate", str(example), "--input", "1", "--input", "2", "--format", "json"]
        pure, fast = _voxxml(None, args, tmp_path), _voxxml(python, args, tmp_path)
        assert (fast.returncode, fast.stdout) == (pure.returncode, pure.stdout), example


def test_flow_dialect_and_hostile_input_tests_pass_compiled(python: Path, tmp_path: Path) -> None:
    files = ["test_flow.py", "test_voxml_flow.py", "test_voxml_flow_bounds.py", "test_voxml_semantics.py", "test_voxml_dialect.py"]
    files += ["test_twiml_dialect.py", "test_dialects.py", "test_hostile.py", "test_source_outline.py", "test_plan_spans.py"]
    files += ["test_targets.py", "test_equivalence.py"]  # test_properties.py also passes (70 s more: left to be run by hand)
    # Counts calls by replacing a module function: calls inside a compiled module do not look it up (the pure run counts).
    patched = "tests/test_flow.py::test_analysis_is_linear_in_nested_ifs"  # a node id: relative to the checkout
    # From tmp_path: the checkout must not be on the path, or its .py sources would be imported instead.
    args = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--deselect", patched]
    args += [str(ROOT / "tests" / f) for f in files]
    done = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=_env(), timeout=1200)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    where = subprocess.run([str(python), "-c", "import voxxml.analysis.states as s; print(s.__file__)"], cwd=tmp_path, capture_output=True, text=True, env=_env())
    assert where.stdout.strip().endswith(sysconfig.get_config_var("EXT_SUFFIX"))
