"""The Dialect object and its registry (issue 10, item 1): names, lazy imports, discovery by a dialect's
files, reading through the pipeline by dialect, and v1's writer behind the dialect object."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voxxml import pipeline
from voxxml.cli.discover import dialect_for, discover
from voxxml.dialects import DEFAULT, Dialect, UnknownDialect, dialects, get_dialect, register, summaries, unregister
from voxxml.dialects.voxxml_v1 import DIALECT as V1
from voxxml.dialects.voxxml_v1.grammar import grammar
from voxxml.dialects.voxxml_v1.reader import Reader
from voxxml.dialects.voxxml_v1.writer import to_xml

from support import EXAMPLES, ROOT, run

GOOD = b'<Response><Say>Hello</Say><Hangup/></Response>'


class SpyReader(Reader):
    """v1's reader, counting the documents it reads: the fake dialect below reads into the same AST."""

    reads = 0

    def read(self, root):  # type: ignore[no-untyped-def]
        type(self).reads += 1
        return super().read(root)


def spy_format(source, path, quote_style):  # type: ignore[no-untyped-def]
    """v1's formatter, counting the documents the fake dialect formats."""
    from voxxml.dialects.voxxml_v1.formatter import format_source

    spy_format.calls += 1  # type: ignore[attr-defined]
    return format_source(source, path, quote_style)


spy_format.calls = 0  # type: ignore[attr-defined]

FAKE = Dialect(
    name="fake-test",
    summary="a test dialect",
    data_folder=V1.data_folder,
    extensions=(".fakevox",),
    xml_roots=("fakeroot",),
    code_prefix="VX",
    grammar=V1.grammar,
    reader=f"{__name__}:SpyReader",
    writer=V1.writer,
    formatter=f"{__name__}:spy_format",
)


@pytest.fixture
def fake():
    register(FAKE.name, FAKE, FAKE.summary)
    SpyReader.reads = spy_format.calls = 0  # type: ignore[attr-defined]
    yield FAKE
    unregister(FAKE.name)


def test_v1_is_registered_by_name_and_is_the_default() -> None:
    assert DEFAULT == "voxxml-v1" and "voxxml-v1" in dialects()
    assert get_dialect() is get_dialect("voxxml-v1") is V1
    assert summaries()["voxxml-v1"] == V1.summary
    assert get_dialect(V1) is V1


def test_unknown_dialect_names_the_valid_ones(fake: Dialect) -> None:
    with pytest.raises(UnknownDialect) as raised:
        get_dialect("plivo")
    assert "'plivo'" in str(raised.value) and "cxml, fake-test, texml, twiml, voxml, voxxml-v1" in str(raised.value)


def test_registering_a_name_twice_is_refused(fake: Dialect) -> None:
    with pytest.raises(ValueError, match="already registered"):
        register(FAKE.name, FAKE, "again")


def test_a_path_that_is_not_a_dialect_of_that_name_is_refused() -> None:
    register("wrong-name", "voxxml.dialects.voxxml_v1:DIALECT", "v1 under another name")
    try:
        with pytest.raises(TypeError, match="not a Dialect named 'wrong-name'"):
            get_dialect("wrong-name")
    finally:
        unregister("wrong-name")


def test_the_vocabulary_is_cached_per_data_folder() -> None:
    assert V1.vocabulary() is grammar() is grammar("voxxml-v1")
    assert "Gather" in V1.vocabulary().elements
    types = V1.value_types()
    assert set(V1.vocabulary().types) <= set(types)  # every named type is used (integer has no table)
    assert types["document_url"] is V1.vocabulary().elements["Redirect"].content_type
    assert types["voice"] is V1.vocabulary().elements["Say"].attributes["voice"].type


def test_v1_codes_are_its_rule_pages() -> None:
    codes = V1.codes()
    assert "VX001" in codes and "VX112" in codes
    assert codes and all(code.startswith("VX") for code in codes)
    assert codes == tuple(sorted(p.stem for p in (ROOT / "rules").glob("VX*.md")))


def test_lint_imports_the_v1_reader_and_no_writer_formatter_or_target() -> None:
    script = (
        "import sys\nfrom voxxml.cli import main\n"
        "try:\n    main(['lint', '--quiet', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(__import__('json').dumps(sorted(m for m in sys.modules if m.startswith('voxxml'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(EXAMPLES[0])], capture_output=True, text=True, cwd=ROOT)
    loaded = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert {"voxxml.dialects", "voxxml.dialects.voxxml_v1", "voxxml.dialects.voxxml_v1.reader"} <= loaded
    unwanted = {"voxxml.dialects.voxxml_v1.writer", "voxxml.dialects.voxxml_v1.formatter", "voxxml.targets.enablex", "voxxml.lsp"}
    assert not loaded & unwanted, loaded & unwanted


def test_a_second_dialect_is_discovered_by_its_files_and_read_through_the_pipeline(fake: Dialect, tmp_path: Path) -> None:
    (tmp_path / "a.fakevox").write_bytes(GOOD)
    (tmp_path / "b.xml").write_bytes(b"<FakeRoot/>")
    (tmp_path / "c.voxxml").write_bytes(GOOD)
    (tmp_path / "d.xml").write_bytes(b"<Other/>")
    found = discover([str(tmp_path)])
    assert [p.name for p, _ in found.files] == ["a.fakevox", "b.xml", "c.voxxml"]
    assert [(p.name, why) for p, why in found.skipped] == [("d.xml", "root element is <Other>")]
    assert dialect_for(tmp_path / "a.fakevox") is FAKE and dialect_for(tmp_path / "b.xml") is FAKE
    assert dialect_for(tmp_path / "c.voxxml") is V1 and dialect_for(tmp_path / "d.xml") is None
    path = tmp_path / "a.fakevox"
    read = pipeline.run(path.read_bytes(), str(path), dialect=dialect_for(path) or DEFAULT)
    assert SpyReader.reads == 1
    assert read.document is not None and to_xml(read.document) == to_xml(pipeline.run(GOOD, "x").document)
    pipeline.check(GOOD, "x", dialect="fake-test")
    assert SpyReader.reads == 2


def test_without_the_second_dialect_its_files_are_not_discovered(tmp_path: Path) -> None:
    (tmp_path / "a.fakevox").write_bytes(GOOD)
    assert discover([str(tmp_path)]).files == []


def test_registering_and_removing_a_dialect_changes_the_next_discovery(tmp_path: Path) -> None:
    """Discovery keeps the registered dialects between files (every_dialect); a registration renews them."""
    (tmp_path / "a.fakevox").write_bytes(GOOD)
    assert discover([str(tmp_path)]).files == [] and dialect_for(tmp_path / "a.fakevox") is None
    register(FAKE.name, FAKE, FAKE.summary)
    try:
        assert [p.name for p, _ in discover([str(tmp_path)]).files] == ["a.fakevox"]
        assert dialect_for(tmp_path / "a.fakevox") is FAKE
    finally:
        unregister(FAKE.name)
    assert discover([str(tmp_path)]).files == [] and dialect_for(tmp_path / "a.fakevox") is None


def test_an_unknown_dialect_in_the_pipeline_is_an_error_naming_the_valid_ones() -> None:
    with pytest.raises(UnknownDialect, match="voxxml-v1"):
        pipeline.check(GOOD, dialect="nope")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_v1_read_then_write_through_the_dialect_equals_the_writer(path: Path) -> None:
    document = pipeline.check(path.read_bytes(), str(path), dialect=V1).document
    assert document is not None
    written = V1.write(document)
    assert written == to_xml(document)
    again = pipeline.check(written.encode(), "again", dialect="voxxml-v1").document
    assert again is not None and V1.write(again) == written


def test_the_formatter_behind_the_dialect_is_v1s() -> None:
    assert FAKE.formatter != V1.formatter  # the fake counts, then calls v1's
    from voxxml.dialects.voxxml_v1.formatter import format_source

    source = EXAMPLES[0].read_bytes()
    assert V1.format(source, "x").formatted == format_source(source, "x").formatted


# ------------------------------------------------- the command line and the language server read by dialect

FIXABLE = "<response>\n  <say voice='Joanna'>Hi</say>\n  <Gather timeout='90' input='speech' numDigits='4'><Say>Name?</Say></Gather>\n</response>\n"
UNFORMATTED = b"<Response><Say   voice='Joanna'>Hi</Say><Hangup></Hangup></Response>"


def _pair(tmp_path: Path, data: bytes | str) -> tuple[Path, Path]:
    """The same document as the fake dialect's file and as a v1 file."""
    fake_file, v1_file = tmp_path / "a.fakevox", tmp_path / "c.voxxml"
    for path in (fake_file, v1_file):
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return fake_file, v1_file


def test_lint_reads_each_file_with_its_dialect(fake: Dialect, tmp_path: Path) -> None:
    fake_file, v1_file = _pair(tmp_path, b"<Response><Say>Hi</Say><Hangup/><Say>never</Say></Response>")
    both = run("lint", "--output-format", "concise", str(tmp_path))
    assert SpyReader.reads == 1 and both.exit_code == 0
    lines = sorted(line.split(": ", 1)[1] for line in both.stdout.splitlines() if ": VX" in line)
    assert len(lines) == 2 and lines[0] == lines[1]  # the same finding in each: v1's checks on the same AST
    run("lint", "--quiet", str(v1_file))
    assert SpyReader.reads == 1  # a v1 file is read by v1
    run("lint", "--quiet", "-", "--stdin-filename", "x.fakevox", stdin=GOOD)
    assert SpyReader.reads == 2
    run("lint", "--quiet", "-", stdin=GOOD)
    assert SpyReader.reads == 2  # standard input without a name: the default dialect


def test_lint_fix_reads_and_fixes_with_the_files_dialect(fake: Dialect, tmp_path: Path) -> None:
    fake_file, v1_file = _pair(tmp_path, FIXABLE)
    run("lint", "--quiet", "--fix", str(fake_file))
    fake_reads = SpyReader.reads
    assert fake_reads >= 2  # each round of fixes, then the final lint
    run("lint", "--quiet", "--fix", str(v1_file))
    assert SpyReader.reads == fake_reads
    assert fake_file.read_text() == v1_file.read_text() != FIXABLE
    fixed = run("lint", "--fix", "-", "--stdin-filename", "x.fakevox", stdin=FIXABLE)
    assert SpyReader.reads > fake_reads and fixed.stdout == v1_file.read_text()


def test_format_formats_through_the_files_dialect(fake: Dialect, tmp_path: Path) -> None:
    from voxxml.dialects.voxxml_v1.formatter import format_source

    fake_file, v1_file = _pair(tmp_path, UNFORMATTED)
    done = run("format", str(tmp_path))
    assert done.exit_code == 0 and spy_format.calls == 1  # type: ignore[attr-defined]
    assert fake_file.read_text() == v1_file.read_text() == format_source(UNFORMATTED, "x").formatted
    assert run("format", "-", "--stdin-filename", "x.fakevox", stdin=UNFORMATTED).stdout == v1_file.read_text()
    assert spy_format.calls == 2  # type: ignore[attr-defined]
    run("format", "-", stdin=UNFORMATTED)
    assert spy_format.calls == 2  # type: ignore[attr-defined]


def test_graph_simulate_and_compile_read_with_the_files_dialect(fake: Dialect, tmp_path: Path) -> None:
    fake_file, v1_file = _pair(tmp_path, GOOD)
    for command in (["graph"], ["simulate"], ["compile", "--target", "enablex"]):
        before = SpyReader.reads
        on_fake, on_v1 = run(*command, str(fake_file)), run(*command, str(v1_file))
        assert SpyReader.reads == before + 1, command
        assert on_fake.exit_code == on_v1.exit_code == 0 and on_fake.stdout == on_v1.stdout.replace(str(v1_file), str(fake_file))


def test_the_language_server_reads_with_the_documents_dialect(fake: Dialect, tmp_path: Path) -> None:
    from voxxml.config import Settings
    from voxxml.lsp.analysis import dialect_for as lsp_dialect_for, lint_text

    text = "<Response><Say>Hi</Say><Hangup/><Say>never</Say></Response>"
    on_fake = lint_text(text, str(tmp_path / "a.fakevox"), Settings())
    assert SpyReader.reads == 1
    on_v1 = lint_text(text, str(tmp_path / "c.voxxml"), Settings())
    assert SpyReader.reads == 1 and lint_text(text, "<untitled>", Settings()) and SpyReader.reads == 1
    assert [(f.diagnostic.code, f.start, f.end) for f in on_fake] == [(f.diagnostic.code, f.start, f.end) for f in on_v1] != []
    assert lsp_dialect_for("a.fakevox") is FAKE and lsp_dialect_for("c.xml") is V1
