"""What ``voxxml lint`` imports: only what linting needs (issue 14: start in a blink).

Each module left out here cost milliseconds at every start; these tests keep them out. They run the
real command line in a fresh interpreter and look at ``sys.modules`` when it is done.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The console entry point, given its arguments: run from ``sys.argv`` it would end the process without
# returning (cli/fast.py's ``end``), before the probe could look.
# It reports the modules the lint added: those the interpreter's start imported (a site .pth file can
# import anything) are not voxxml's doing.
_PROBE = r"""
import sys
started = set(sys.modules)
import contextlib, io, json
from voxxml.cli import main
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print(json.dumps(sorted(set(sys.modules) - started)))
"""

# Never on the lint path: click (plain arguments are parsed from the same option table: cli/fast.py),
# threading (core/records locks with _thread), other commands' libraries, the grammars' parser (the
# readers' regexes accept common values), the terminal renderer, TOML (no configuration file here),
# fix hashing.
NEVER = (
    "click", "threading", "rich", "lark", "regex", "tomllib", "hashlib", "difflib", "starlette", "uvicorn", "httpx", "psycopg", "pygls",
    "voxxml.convert", "voxxml.serve", "voxxml.targets.enablex", "voxxml.runtime", "voxxml.export", "voxxml.lsp",
    "voxxml.reporters.sarif", "voxxml.cli.convert", "voxxml.cli.serve",
)


def imported(tmp_path: Path, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(module.startswith(name + ".") for module in modules)


@pytest.mark.parametrize("output_format", ["json", "concise", "text"])
def test_lint_imports_nothing_it_does_not_need(tmp_path: Path, output_format: str) -> None:
    document = tmp_path / "menu.voxxml"
    document.write_text('<Response><Say voice="Joanna">Hello</Say><Gather numDigits="1"/><Hangup/></Response>\n', encoding="utf-8")
    modules = imported(tmp_path, "lint", "--output-format", output_format, str(document))
    assert "voxxml.pipeline" in modules  # the probe did lint
    assert [name for name in NEVER if loaded(modules, name)] == []


# Not on the lint path either, but often imported by the interpreter's start (a site .pth file: certifi imports
# pathlib), which would hide them from ``imported``: checked in an interpreter started without ``site``.
# pathlib imports urllib.parse, which imports ipaddress (core/paths.py); fnmatch is for a configuration's globs.
NEVER_WITHOUT_SITE = ("pathlib", "urllib", "ipaddress", "fnmatch")


# ``_PROBE`` without json of its own (the arguments as they are, the modules after a NUL, one per line).
_PLAIN_PROBE = r"""
import sys
started = set(sys.modules)
import contextlib, io
from voxxml.cli import main
out = io.StringIO()
try:
    with contextlib.redirect_stdout(out):
        main(sys.argv[1:])
except SystemExit:
    pass
print("\x00" + "\n".join(sorted(set(sys.modules) - started)))
"""


def imported_without_site(tmp_path: Path, *args: str, cache: Path | None = None) -> set[str]:
    """``imported`` in ``python -S``, with this interpreter's site-packages and this checkout on the path."""
    import sysconfig

    checkout = str(Path(__file__).resolve().parents[1])
    search = [checkout, sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(search)}
    if cache is not None:
        env["VOXXML_CACHE_DIR"] = str(cache)
    done = subprocess.run(
        [sys.executable, "-S", "-c", _PLAIN_PROBE, *args], capture_output=True, text=True, cwd=tmp_path, env=env, check=True
    )
    return set(done.stdout.split("\x00")[-1].split())


@pytest.mark.parametrize("walked", [False, True], ids=["file", "folder"])
@pytest.mark.parametrize("finding", [False, True], ids=["clean", "finding"])
def test_lint_imports_no_pathlib(tmp_path: Path, walked: bool, finding: bool) -> None:
    """Discovery, the configuration's lookup (none here), reading and a finding's rule page work on strings
    (core/paths.py); an absolute URL is taken by the URL type's regex, without urllib."""
    (tmp_path / "ivr").mkdir()
    document = tmp_path / "ivr" / "menu.voxxml"
    say = '<Say voice="Joana" loop="-1">' if finding else '<Say voice="Joanna">'  # a fix and a finding's page
    document.write_text(f'<Response>{say}Hello</Say><Redirect>https://example.com/next?a=1</Redirect></Response>\n', encoding="utf-8")
    (tmp_path / "ivr" / "other.xml").write_text("<Response><Hangup/></Response>\n", encoding="utf-8")
    modules = imported_without_site(tmp_path, "lint", "--output-format", "json", "ivr" if walked else "ivr/menu.voxxml")
    assert "voxxml.pipeline" in modules  # the probe did lint
    assert [name for name in NEVER_WITHOUT_SITE if loaded(modules, name)] == []


# What lxml and dataclasses import but a lint never uses (core/deferred.py): inspect, which brings ast, dis and
# tokenize, gzip and lxml's ElementPath. The runs that fill the cache may use them (dataclasses, core.unfolding reading the source).
NEVER_WITH_A_WARM_CACHE = ("inspect", "ast", "dis", "tokenize", "gzip", "lxml._elementpath")


@pytest.mark.parametrize("command", ["lint", "compile"])
@pytest.mark.parametrize("finding", [False, True], ids=["clean", "finding"])
def test_a_run_with_a_warm_cache_imports_no_inspect_and_no_gzip(tmp_path: Path, command: str, finding: bool) -> None:
    (tmp_path / "ivr").mkdir()
    say = '<Say voice="Joana" loop="-1">' if finding else '<Say voice="Joanna">'
    (tmp_path / "ivr" / "menu.voxxml").write_text(f'<Response>{say}Hello</Say><Gather numDigits="1"/></Response>\n', encoding="utf-8")
    args = ["lint", "ivr/menu.voxxml"] if command == "lint" else ["compile", "--target", "enablex", "ivr", "-o", "plans"]
    for _ in range(2):  # the first run keeps the classes' recipes, the second the modules written out (core.unfolded)
        imported_without_site(tmp_path, *args, cache=tmp_path / "cache")
    modules = imported_without_site(tmp_path, *args, cache=tmp_path / "cache")
    assert "voxxml.pipeline" in modules  # the probe did its work
    assert command == "lint" or "voxxml.targets.enablex.compiler" in modules
    assert [name for name in NEVER_WITH_A_WARM_CACHE if loaded(modules, name)] == []


def test_a_clean_file_in_json_imports_no_json(tmp_path: Path) -> None:
    """No finding is ``[]``: the json module (and the regexes it compiles when imported) is for findings."""
    document = tmp_path / "menu.voxxml"
    document.write_text("<Response><Say>Hello</Say></Response>\n", encoding="utf-8")
    modules = imported_without_site(tmp_path, "lint", "--output-format", "json", str(document))
    assert "voxxml.reporters.json_format" in modules and not loaded(modules, "json")
    done = subprocess.run([sys.executable, "-m", "voxxml", "lint", "--output-format", "json", str(document)], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "[]\n")


def test_one_clean_file_imports_no_pool_no_api_module_and_no_voice_folding(tmp_path: Path) -> None:
    """One file is linted in this process without the pool's module; the package's API modules (``voxxml.lint``,
    ``voxxml.ast``) are for callers, not for the command line; a voice named as the table writes it needs no
    Unicode folding."""
    document = tmp_path / "menu.voxxml"
    document.write_text('<Response><Say voice="Joanna">Hello</Say></Response>\n', encoding="utf-8")
    modules = imported_without_site(tmp_path, "lint", str(document))
    assert "voxxml.pipeline" in modules
    assert [name for name in ("voxxml.cli.parallel", "voxxml.lint", "voxxml.ast", "unicodedata") if loaded(modules, name)] == []


def test_a_configuration_file_with_globs_imports_pathlib_and_applies(tmp_path: Path) -> None:
    """The other side: a configuration found on the way up is read (with pathlib), and its globs apply."""
    (tmp_path / "voxxml.toml").write_text('per-file-ignores = { "legacy/*.voxxml" = ["VX007"] }\n', encoding="utf-8")
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.voxxml").write_text('<Response><Say loop="-1">Hi</Say></Response>\n', encoding="utf-8")
    (tmp_path / "new.voxxml").write_text('<Response><Say loop="-1">Hi</Say></Response>\n', encoding="utf-8")
    modules = imported_without_site(tmp_path, "lint", "--output-format", "json", ".")
    assert loaded(modules, "pathlib")
    out = subprocess.run([sys.executable, "-m", "voxxml", "lint", "--output-format", "json", "."], capture_output=True, text=True, cwd=tmp_path)
    found = {(item["path"], item["code"]) for item in json.loads(out.stdout)}
    assert ("new.voxxml", "VX007") in found and not any(name.startswith("legacy") for name, _ in found), found


def test_a_finding_printed_to_a_pipe_does_not_import_rich(tmp_path: Path) -> None:
    document = tmp_path / "menu.voxxml"
    document.write_text('<Response><Say loop="-1">Hello</Say></Response>\n', encoding="utf-8")
    modules = imported(tmp_path, "lint", str(document))
    assert "voxxml.reporters.text" in modules and not loaded(modules, "rich")


def test_a_value_the_regexes_reject_loads_the_grammar(tmp_path: Path) -> None:
    """lark is imported when it has work to do: the diagnostic for a bad value still comes from the grammar."""
    document = tmp_path / "menu.voxxml"
    # a keyword list with an empty item (finishOnKey's and E.164's one-terminal grammars read theirs without lark)
    document.write_text('<Response><Gather input="dtmf,,"/></Response>\n', encoding="utf-8")
    modules = imported(tmp_path, "lint", "--output-format", "json", str(document))
    assert loaded(modules, "lark")


def test_help_lists_the_commands_that_load_lazily(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "voxxml", "--help"], capture_output=True, text=True, cwd=tmp_path, check=True)
    for command in ("compile", "convert", "serve", "call", "lint"):
        assert f"  {command} " in done.stdout


# Counts, in a lint with a warm cache, the work a start should not redo: annotations compiled as
# ForwardRefs (typing.NamedTuple does one per field; core.records.NamedTuple none) and classes worked out
# by dataclasses itself (core.records replays them from their recipes).
_WORK_PROBE = r"""
import sys, typing, dataclasses
counts = {"forward references": 0, "dataclasses worked out": 0}
forward_init, process = typing.ForwardRef.__init__, dataclasses._process_class
def counting_forward(self, *args, **kwargs):
    counts["forward references"] += 1
    forward_init(self, *args, **kwargs)
def counting_process(*args, **kwargs):
    counts["dataclasses worked out"] += 1
    return process(*args, **kwargs)
typing.ForwardRef.__init__, dataclasses._process_class = counting_forward, counting_process
import contextlib, io, json
from voxxml.cli import main
try:
    with contextlib.redirect_stdout(io.StringIO()):
        main(json.loads(sys.argv[1]))
except SystemExit:
    pass
print(json.dumps(counts))
"""


def _lint_work(tmp_path: Path, cache: Path) -> dict[str, int]:
    document = tmp_path / "menu.voxxml"
    document.write_text('<Response><Say voice="Joanna">Hello</Say><Gather numDigits="1"/><Hangup/></Response>\n', encoding="utf-8")
    env = {**os.environ, "VOXXML_CACHE_DIR": str(cache)}
    run = [sys.executable, "-c", _WORK_PROBE, json.dumps(["lint", "--output-format", "json", str(document)])]
    subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, env=env, check=True)  # fills the cache
    done = subprocess.run(run, capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_a_second_lint_writes_nothing_to_the_cache(tmp_path: Path) -> None:
    """Everything a lint needs was kept by the first run: the second reads the cache and writes nothing
    (a recipe that misses every time, or stale recipes pruned again and again, would show here)."""
    cache = tmp_path / "cache"
    _lint_work(tmp_path, cache)
    before = {entry.name: entry.stat().st_mtime_ns for entry in cache.iterdir()}
    _lint_work(tmp_path, cache)
    assert {entry.name: entry.stat().st_mtime_ns for entry in cache.iterdir()} == before


def test_a_lint_with_a_warm_cache_compiles_no_annotation_and_works_out_no_dataclass(tmp_path: Path) -> None:
    assert _lint_work(tmp_path, tmp_path / "cache") == {"forward references": 0, "dataclasses worked out": 0}


def test_a_lint_keeps_its_generated_code_in_its_modules_entries(tmp_path: Path) -> None:
    """Every entry a lint writes is named after one of voxxml's modules: nothing goes to the shared entry,
    which gathers code from any caller (a test's generated classes) and would be read at every start."""
    cache = tmp_path / "cache"
    _lint_work(tmp_path, cache)
    written = sorted(entry.name for entry in cache.iterdir() if entry.name.startswith("generated-"))
    assert written and all(name.startswith("generated-4.voxxml.") for name in written), written
