"""Build voxxml with its hot modules compiled by mypyc, into a virtual environment of its own.

Used by ``test_compiled.py`` (the compiled build must behave exactly as the pure-Python one) and by
hand before benchmarking the compiled build:

    python tests/compiled.py /tmp/voxxml-compiled         # prints the environment's python
    /tmp/voxxml-compiled/bin/python tests/benchmarks/bench_lint.py --lint-cli-only ...

The wheel is built from a copy of the checkout's committed-or-not files, never in place: the
hatch-mypyc hook writes the C extensions beside the sources while it builds, and an extension
left in ``voxxml/`` would shadow the ``.py`` an editable install is meant to run. The environment
sees the interpreter's site-packages (lxml, click, ... are not reinstalled); its own copy of
voxxml comes first on its path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_COPIED = ("voxxml", "grammar", "rules", "pyproject.toml", "README.md")


def compiled_modules() -> list[str]:
    """The modules the mypyc hook compiles, as dotted names (pyproject.toml is the one list)."""
    hook = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]
    return [path.removesuffix(".py").replace("/", ".") for path in hook["include"]]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def build(destination: Path, *, opt_level: str = "3") -> Path:
    """Build the compiled wheel and install it into a new environment at ``destination``; its python.

    ``opt_level`` is the C compiler's: the tests build at 0, which compiles in half the time (gcc's
    -O3 on mypyc's one large C file is about 65 s of the 117 s build) and changes nothing mypyc
    decides; the build benchmarked by hand keeps mypyc's default, 3.
    """
    work = destination.with_name(destination.name + "-build")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(destination, ignore_errors=True)
    source = work / "source"
    source.mkdir(parents=True)
    for name in _COPIED:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        else:
            shutil.copy2(origin, source / name)
    if opt_level != "3":
        with (source / "pyproject.toml").open("a", encoding="utf-8") as project:
            project.write(f'\n[tool.hatch.build.targets.wheel.hooks.mypyc.options]\nopt_level = "{opt_level}"\ndebug_level = "0"\n')
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HATCH_BUILD_HOOKS_ENABLE"] = "1"  # the mypyc hook is off by default
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(source)], cwd=work, env=env)
    (wheel,) = (work / "dist").glob("voxxml-*.whl")
    # No pip of its own (ensurepip is most of venv's 9 s): this interpreter's pip installs into it.
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(destination)], cwd=work)
    python = destination / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)], cwd=work)
    shutil.rmtree(work, ignore_errors=True)
    return python


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python tests/compiled.py DESTINATION")
    print(build(Path(sys.argv[1]).resolve()))
